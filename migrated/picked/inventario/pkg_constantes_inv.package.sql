-- INVENTARIO.PKG_CONSTANTES_INV (PACKAGE) from extracted/ddl/INVENTARIO/PKG_CONSTANTES_INV.sql:5
-- review (line 6): SERIALLY_REUSABLE: package state now lasts the session
-- review (line 17): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment

CREATE SCHEMA IF NOT EXISTS pkg_constantes_inv;

-- constant c_mov_ingreso
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_mov_ingreso() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('ING')::varchar(3) $body$;

-- constant c_mov_egreso
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_mov_egreso() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('EGR')::varchar(3) $body$;

-- constant c_mov_reserva
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_mov_reserva() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('RES')::varchar(3) $body$;

-- constant c_mov_liberacion
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_mov_liberacion() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('LIB')::varchar(3) $body$;

-- constant c_mov_ajuste
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_mov_ajuste() RETURNS varchar(3)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('AJU')::varchar(3) $body$;

-- constant c_bodega_matriz
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_bodega_matriz() RETURNS numeric(6)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (1)::numeric(6) $body$;

-- constant c_max_reintentos
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_max_reintentos() RETURNS integer
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (5)::integer $body$;

-- constant c_espera_seg
CREATE OR REPLACE FUNCTION pkg_constantes_inv.c_espera_seg() RETURNS numeric
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (0.5)::numeric $body$;

-- package variable g_reservas_llamada: session setting pkg_constantes_inv.g_reservas_llamada
CREATE OR REPLACE FUNCTION pkg_constantes_inv.g_reservas_llamada() RETURNS integer
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text := current_setting('pkg_constantes_inv.g_reservas_llamada', true);
BEGIN
    IF v IS NULL THEN
        RETURN 0;
    END IF;
    RETURN nullif(v, '')::integer;
END;
$body$;
