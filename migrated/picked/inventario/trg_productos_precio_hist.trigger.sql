-- INVENTARIO.TRG_PRODUCTOS_PRECIO_HIST (TRIGGER) from extracted/all_source/triggers.sql:1

CREATE OR REPLACE FUNCTION inventario.trg_productos_precio_hist() RETURNS trigger
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    INSERT INTO hist_precios (id_producto, fecha_cambio, precio_anterior, precio_nuevo, variacion_pct, usuario)
        VALUES (NEW.id_producto, clock_timestamp()::timestamp(0), OLD.precio_venta, NEW.precio_venta,
                CASE WHEN OLD.precio_venta > 0
                     THEN ROUND((NEW.precio_venta - OLD.precio_venta) / OLD.precio_venta * 100, 2)
                END,
                coalesce(NEW.usuario_modificacion, current_user));
    RETURN NULL;
END;
$body$;

DROP TRIGGER IF EXISTS trg_productos_precio_hist ON productos;
CREATE TRIGGER trg_productos_precio_hist
AFTER UPDATE OF precio_venta ON productos
FOR EACH ROW
WHEN (NEW.precio_venta <> OLD.precio_venta)
EXECUTE FUNCTION inventario.trg_productos_precio_hist();
