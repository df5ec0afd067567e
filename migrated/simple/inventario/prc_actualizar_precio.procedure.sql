CREATE OR REPLACE PROCEDURE prc_actualizar_precio (p_id_producto productos.id_producto%TYPE, p_precio_nuevo productos.precio_venta%TYPE, p_usuario text DEFAULT USER) AS $body$
DECLARE

  -- Actualiza el precio de venta de un producto. El histórico lo guarda
  -- el trigger TRG_PRODUCTOS_PRECIO_HIST.
  -- TODO: para listas de precios completas migrar a BULK COLLECT / FORALL
  v_precio_actual productos.precio_venta%TYPE;
  v_costo         productos.costo_promedio%TYPE;

BEGIN
  IF coalesce(p_precio_nuevo::text, '') = '' OR p_precio_nuevo <= 0 THEN
    RAISE EXCEPTION '%', 'El precio debe ser mayor a cero' USING ERRCODE = '45601';
  END IF;
  SELECT precio_venta, costo_promedio
    INTO STRICT v_precio_actual, v_costo
    FROM productos
   WHERE id_producto = p_id_producto;
  -- Regla comercial: no vender bajo el costo, y variaciones > 30% requieren aprobación
  IF p_precio_nuevo < coalesce(v_costo, 0) THEN
    RAISE EXCEPTION '%', 'El precio ' || p_precio_nuevo || ' es menor al costo promedio ' || v_costo USING ERRCODE = '45602';
  END IF;
  IF v_precio_actual > 0 AND ABS(p_precio_nuevo - v_precio_actual) / v_precio_actual > 0.30 THEN
    RAISE EXCEPTION '%', 'Variación mayor al 30%; para cambios masivos use la carga BULK COLLECT de precios' USING ERRCODE = '45603';
  END IF;
  UPDATE productos
     SET precio_venta = p_precio_nuevo,
         fecha_modificacion = clock_timestamp(),
         usuario_modificacion = p_usuario
   WHERE id_producto = p_id_producto;
  COMMIT;
EXCEPTION
  WHEN no_data_found THEN
    RAISE EXCEPTION '%', 'Producto ' || p_id_producto || ' no existe' USING ERRCODE = '45604';
END;
$body$
LANGUAGE PLPGSQL
;
-- REVOKE ALL ON PROCEDURE prc_actualizar_precio (p_id_producto productos.id_producto%TYPE, p_precio_nuevo productos.precio_venta%TYPE, p_usuario text DEFAULT USER) FROM PUBLIC;
