-- VENTAS.PKG_DESCUENTOS (PACKAGE) from extracted/ddl/VENTAS/PKG_DESCUENTOS.sql:7

CREATE SCHEMA IF NOT EXISTS pkg_descuentos;

-- constant c_modulo
CREATE OR REPLACE FUNCTION pkg_descuentos.c_modulo() RETURNS varchar(30)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('PKG_DESCUENTOS')::varchar(30) $body$;

-- constant c_leyenda
CREATE OR REPLACE FUNCTION pkg_descuentos.c_leyenda() RETURNS varchar(60)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('Descuento aplicado')::varchar(60) $body$;

-- constant c_leyenda_promo
CREATE OR REPLACE FUNCTION pkg_descuentos.c_leyenda_promo() RETURNS varchar(60)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('Descuento & promoción de campaña')::varchar(60) $body$;

-- package variable g_descuento_maximo: session setting pkg_descuentos.g_descuento_maximo
CREATE OR REPLACE FUNCTION pkg_descuentos.g_descuento_maximo() RETURNS numeric
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_descuentos.package_initialization();
    v := current_setting('pkg_descuentos.g_descuento_maximo', true);
    IF v IS NULL THEN
        RETURN 35;
    END IF;
    RETURN nullif(v, '')::numeric;
END;
$body$;
