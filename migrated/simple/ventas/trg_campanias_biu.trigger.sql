DROP TRIGGER IF EXISTS trg_campanias_biu ON campanias_descuento CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_trg_campanias_biu() RETURNS trigger AS $BODY$
BEGIN
  BEGIN
  NEW.codigo_campania := UPPER(trim(both NEW.codigo_campania));
  NEW.fecha_inicio    := date_trunc('day', NEW.fecha_inicio);
  NEW.fecha_fin       := date_trunc('day', NEW.fecha_fin);
  IF NEW.porcentaje > 25 AND coalesce(NEW.categoria_cliente::text, '') = '' THEN
    RAISE EXCEPTION '%', 'Campañas generales no pueden superar el 25% de descuento' USING ERRCODE = '45150';
  END IF;
  END;
RETURN NEW;
END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER trg_campanias_biu
	BEFORE INSERT OR UPDATE ON campanias_descuento FOR EACH ROW
	EXECUTE PROCEDURE trigger_fct_trg_campanias_biu();
