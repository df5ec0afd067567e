-- FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE) from extracted/ddl/FACTURACION/PKG_FACTURA_ELECTRONICA.sql:5
-- review (line 16): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment

CREATE SCHEMA IF NOT EXISTS pkg_factura_electronica;

-- constant c_tipo_comprobante
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_tipo_comprobante() RETURNS varchar(2)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('01')::varchar(2) $body$;

-- constant c_ruc_emisor
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_ruc_emisor() RETURNS varchar(13)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('1791234567001')::varchar(13) $body$;

-- constant c_establecimiento
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_establecimiento() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('001')::varchar(3) $body$;

-- constant c_punto_emision
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_punto_emision() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('001')::varchar(3) $body$;

-- constant c_max_intentos
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_max_intentos() RETURNS integer
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (5)::integer $body$;
