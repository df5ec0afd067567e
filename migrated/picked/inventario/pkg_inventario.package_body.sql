-- INVENTARIO.PKG_INVENTARIO (PACKAGE BODY) from extracted/ddl/INVENTARIO/PKG_INVENTARIO.sql:28
-- review (line 35): conditional compilation: only the $ELSE branch (or the first) was translated
-- review (line 72): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 175): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest

CREATE SCHEMA IF NOT EXISTS pkg_inventario;

-- ORA-00054 resource busy and acquire with NOWAIT
CREATE OR REPLACE PROCEDURE pkg_inventario.esperar(p_segundos numeric)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    -- a partir de 18c existe DBMS_SESSION.SLEEP y no requiere grant sobre DBMS_LOCK
    PERFORM pg_sleep(p_segundos);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_inventario.insertar_movimiento(
    p_id_producto numeric,
    p_id_bodega numeric,
    p_tipo varchar,
    p_cantidad numeric,
    p_costo numeric,
    p_referencia varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    INSERT INTO movimientos_stock
          (id_movimiento, id_producto, id_bodega, tipo_movimiento, cantidad, costo_unitario, referencia, fecha_movimiento, usuario)
        VALUES
          (nextval('seq_movimientos'), p_id_producto, p_id_bodega, p_tipo, p_cantidad, p_costo, p_referencia, clock_timestamp()::timestamp(0),
           coalesce(nullif(current_setting('application_name'), ''), current_user));
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_inventario.fn_stock_disponible(
    p_id_producto numeric(10),
    p_id_bodega numeric(6) DEFAULT pkg_constantes_inv.c_bodega_matriz()
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_disponible stock_bodega.cantidad_disponible%TYPE;
BEGIN
    SELECT cantidad_disponible - cantidad_reservada
         INTO STRICT v_disponible
         FROM stock_bodega
        WHERE id_producto = p_id_producto
          AND id_bodega   = p_id_bodega;
    RETURN v_disponible;
EXCEPTION
    WHEN no_data_found THEN
        RETURN 0;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_inventario.reservar_stock(
    p_id_producto numeric,
    p_id_bodega numeric,
    p_cantidad numeric,
    p_referencia varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_intento integer := 0;
    v_disponible numeric;
    v_reservada numeric;
BEGIN
    IF p_cantidad IS NULL OR p_cantidad <= 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0202', MESSAGE = concat('Cantidad a reservar inválida: ', p_cantidad);
    END IF;
    <<reintento>>
    LOOP
        BEGIN
            SELECT cantidad_disponible, cantidad_reservada
                 INTO STRICT v_disponible, v_reservada
                 FROM stock_bodega
                WHERE id_producto = p_id_producto
                  AND id_bodega = p_id_bodega
                  FOR UPDATE NOWAIT;
            EXIT reintento;
        EXCEPTION
            WHEN SQLSTATE '55P03' THEN
                v_intento := v_intento + 1;
                IF v_intento > pkg_constantes_inv.c_max_reintentos() THEN
                    RAISE EXCEPTION USING ERRCODE = 'U0203', MESSAGE = concat('Stock bloqueado por otra sesión, producto ', p_id_producto);
                END IF;
                CALL pkg_inventario.esperar(pkg_constantes_inv.c_espera_seg() * v_intento);
            WHEN no_data_found THEN
                RAISE EXCEPTION USING ERRCODE = 'U0201', MESSAGE = concat('Producto ', p_id_producto, ' sin stock en bodega ', p_id_bodega);
        END;
    END LOOP reintento;
    IF v_disponible - v_reservada < p_cantidad THEN
        RAISE EXCEPTION USING ERRCODE = 'U0201', MESSAGE = concat('Stock insuficiente para producto ', p_id_producto, ': disponible ', TO_CHAR(v_disponible - v_reservada, 'FM999G999G990D00'), ', solicitado ', p_cantidad);
    END IF;
    UPDATE stock_bodega
          SET cantidad_reservada = cantidad_reservada + p_cantidad,
              fecha_ultimo_movimiento = clock_timestamp()::timestamp(0)
        WHERE id_producto = p_id_producto
          AND id_bodega = p_id_bodega;
    CALL pkg_inventario.insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_reserva(), p_cantidad, NULL, p_referencia);
    PERFORM set_config('pkg_constantes_inv.g_reservas_llamada', coalesce((pkg_constantes_inv.g_reservas_llamada() + 1)::text, ''), false);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_inventario.liberar_stock(
    p_id_producto numeric,
    p_id_bodega numeric,
    p_cantidad numeric,
    p_referencia varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    sql_rowcount integer := 0;
BEGIN
    UPDATE stock_bodega
          SET cantidad_reservada = GREATEST(cantidad_reservada - p_cantidad, 0),
              fecha_ultimo_movimiento = clock_timestamp()::timestamp(0)
        WHERE id_producto = p_id_producto
          AND id_bodega = p_id_bodega;
    GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
    IF sql_rowcount = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0204', MESSAGE = concat('No existe registro de stock para liberar: ', p_id_producto, '/', p_id_bodega);
    END IF;
    CALL pkg_inventario.insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_liberacion(), p_cantidad, NULL, p_referencia);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_inventario.registrar_ingreso(
    p_id_producto numeric,
    p_id_bodega numeric,
    p_cantidad numeric,
    p_costo_unitario numeric,
    p_referencia varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    MERGE INTO stock_bodega s
        USING (SELECT p_id_producto AS id_producto, p_id_bodega AS id_bodega, p_cantidad AS cantidad) n
           ON (s.id_producto = n.id_producto AND s.id_bodega = n.id_bodega)
         WHEN MATCHED THEN
           UPDATE SET cantidad_disponible = s.cantidad_disponible + n.cantidad,
                      fecha_ultimo_movimiento = clock_timestamp()::timestamp(0)
         WHEN NOT MATCHED THEN
           INSERT (id_producto, id_bodega, cantidad_disponible, cantidad_reservada, fecha_ultimo_movimiento)
           VALUES (n.id_producto, n.id_bodega, n.cantidad, 0, clock_timestamp()::timestamp(0));
    CALL pkg_inventario.insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_ingreso(), p_cantidad, p_costo_unitario, p_referencia);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_inventario.recalcular_costo_promedio(p_fecha_desde timestamp(0) DEFAULT TRUNC(clock_timestamp()::timestamp(0), 'MM'))
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r record;
    sql_rowcount integer := 0;
    v_actualizados integer := 0;
BEGIN
    -- costo promedio ponderado de los ingresos del período
    FOR r IN SELECT m.id_producto,
              SUM(m.cantidad * m.costo_unitario) / NULLIF(SUM(m.cantidad), 0) AS costo_nuevo
         FROM movimientos_stock m
        WHERE m.tipo_movimiento = pkg_constantes_inv.c_mov_ingreso()
          AND m.fecha_movimiento >= p_fecha_desde
        GROUP BY m.id_producto LOOP
        UPDATE productos p
              SET costo_promedio = ROUND((coalesce(p.costo_promedio, r.costo_nuevo) + r.costo_nuevo) / 2, 4),
                  fecha_modificacion = clock_timestamp()::timestamp(0)
            WHERE p.id_producto = r.id_producto
              AND r.costo_nuevo IS NOT NULL;
        GET DIAGNOSTICS sql_rowcount = ROW_COUNT;
        v_actualizados := v_actualizados + sql_rowcount;
    END LOOP;
    CALL seguridad.prc_registrar_auditoria('INVENTARIO', 'COSTO_PROMEDIO', concat('Productos actualizados: ', v_actualizados, ' desde ', TO_CHAR(p_fecha_desde, 'DD/MM/YYYY')));
EXCEPTION
    WHEN OTHERS THEN
        CALL seguridad.prc_registrar_auditoria('INVENTARIO', 'COSTO_PROMEDIO_ERROR', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE;
END;
$body$;
