-- INVENTARIO.PRC_ACTUALIZAR_PRECIO (PROCEDURE) from extracted/all_source/procedures.sql:1
-- unsupported (line 35): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)

CREATE OR REPLACE PROCEDURE inventario.prc_actualizar_precio(
    p_id_producto numeric(10),
    p_precio_nuevo numeric(12,4),
    p_usuario varchar DEFAULT current_user
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    -- Actualiza el precio de venta de un producto. El histórico lo guarda
    -- el trigger TRG_PRODUCTOS_PRECIO_HIST.
    -- TODO: para listas de precios completas migrar a BULK COLLECT / FORALL
    v_precio_actual productos.precio_venta%TYPE;
    v_costo productos.costo_promedio%TYPE;
BEGIN
    IF p_precio_nuevo IS NULL OR p_precio_nuevo <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0601', MESSAGE = 'El precio debe ser mayor a cero';
    END IF;
    SELECT precio_venta, costo_promedio
         INTO STRICT v_precio_actual, v_costo
         FROM productos
        WHERE id_producto = p_id_producto;
    -- Regla comercial: no vender bajo el costo, y variaciones > 30% requieren aprobación
    IF p_precio_nuevo < coalesce(v_costo, 0) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0602', MESSAGE = concat('El precio ', p_precio_nuevo, ' es menor al costo promedio ', v_costo);
    END IF;
    IF v_precio_actual > 0 AND ABS(p_precio_nuevo - v_precio_actual) / v_precio_actual > 0.30 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0603', MESSAGE = 'Variación mayor al 30%; para cambios masivos use la carga BULK COLLECT de precios';
    END IF;
    UPDATE productos
          SET precio_venta = p_precio_nuevo,
              fecha_modificacion = clock_timestamp()::timestamp(0),
              usuario_modificacion = p_usuario
        WHERE id_producto = p_id_producto;
    COMMIT;
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0604', MESSAGE = concat('Producto ', p_id_producto, ' no existe');
END;
$body$;
