-- SEGURIDAD.PKG_CRIPTO (PACKAGE) from extracted/ddl/SEGURIDAD/PKG_CRIPTO.sql:5
-- review (line 9): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment

CREATE SCHEMA IF NOT EXISTS pkg_cripto;

-- constant c_max_intentos
CREATE OR REPLACE FUNCTION pkg_cripto.c_max_intentos() RETURNS integer
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (3)::integer $body$;
