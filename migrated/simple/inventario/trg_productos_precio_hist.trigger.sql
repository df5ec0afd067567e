DROP TRIGGER IF EXISTS trg_productos_precio_hist ON productos CASCADE;
CREATE OR REPLACE FUNCTION trigger_fct_trg_productos_precio_hist() RETURNS trigger AS $BODY$
BEGIN
  INSERT INTO hist_precios(id_producto, fecha_cambio, precio_anterior, precio_nuevo, variacion_pct, usuario)
  VALUES (NEW.id_producto, statement_timestamp(), OLD.precio_venta, NEW.precio_venta,
          CASE WHEN OLD.precio_venta > 0
               THEN ROUND((NEW.precio_venta - OLD.precio_venta) / OLD.precio_venta * 100, 2)
          END,
          coalesce(NEW.usuario_modificacion, USER));
RETURN NEW;
END
$BODY$
 LANGUAGE 'plpgsql';

CREATE TRIGGER trg_productos_precio_hist
AFTER UPDATE OF precio_venta ON productos FOR EACH ROW
	WHEN ((NEW.precio_venta <> OLD.precio_venta))
	EXECUTE PROCEDURE trigger_fct_trg_productos_precio_hist();
