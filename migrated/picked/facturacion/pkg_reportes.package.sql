-- FACTURACION.PKG_REPORTES (PACKAGE) from extracted/ddl/FACTURACION/PKG_REPORTES.sql:5

CREATE SCHEMA IF NOT EXISTS pkg_reportes;

-- constant c_directorio
CREATE OR REPLACE FUNCTION pkg_reportes.c_directorio() RETURNS varchar(30)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('DIR_REPORTES')::varchar(30) $body$;
