-- VENTAS.TRG_CAMPANIAS_BIU (TRIGGER) from extracted/all_source/triggers.sql:73

CREATE OR REPLACE FUNCTION ventas.trg_campanias_biu() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    NEW.codigo_campania := UPPER(TRIM(NEW.codigo_campania));
    NEW.fecha_inicio := TRUNC(NEW.fecha_inicio);
    NEW.fecha_fin := TRUNC(NEW.fecha_fin);
    IF NEW.porcentaje > 25 AND NEW.categoria_cliente IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'U0150', MESSAGE = 'Campañas generales no pueden superar el 25% de descuento';
    END IF;
    RETURN NEW;
END;
$body$;

DROP TRIGGER IF EXISTS trg_campanias_biu ON campanias_descuento;
CREATE TRIGGER trg_campanias_biu
BEFORE INSERT OR UPDATE ON campanias_descuento
FOR EACH ROW
EXECUTE FUNCTION ventas.trg_campanias_biu();
