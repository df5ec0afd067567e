--------------------------------------------------------
--  DDL for Package PKG_INVENTARIO
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "INVENTARIO"."PKG_INVENTARIO" AS
/* Manejo de stock por bodega: reservas, liberaciones, ingresos y costo promedio.
   Usado por VENTAS.PKG_PEDIDOS al aprobar/anular pedidos. */

  e_stock_insuficiente EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_stock_insuficiente, -20201);

  FUNCTION fn_stock_disponible(p_id_producto IN productos.id_producto%TYPE,
                               p_id_bodega   IN bodegas.id_bodega%TYPE DEFAULT pkg_constantes_inv.c_bodega_matriz)
    RETURN NUMBER;

  PROCEDURE reservar_stock(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER, p_referencia IN VARCHAR2);
  PROCEDURE liberar_stock(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER, p_referencia IN VARCHAR2);
  PROCEDURE registrar_ingreso(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER,
                              p_costo_unitario IN NUMBER, p_referencia IN VARCHAR2);
  PROCEDURE recalcular_costo_promedio(p_fecha_desde IN DATE DEFAULT TRUNC(SYSDATE, 'MM'));
END pkg_inventario;

/
--------------------------------------------------------
--  DDL for Package Body PKG_INVENTARIO
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "INVENTARIO"."PKG_INVENTARIO" AS

  e_recurso_ocupado EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_recurso_ocupado, -54);   -- ORA-00054 resource busy and acquire with NOWAIT

  PROCEDURE esperar(p_segundos IN NUMBER) IS
  BEGIN
    $IF DBMS_DB_VERSION.VER_LE_12 $THEN
      DBMS_LOCK.SLEEP(p_segundos);
    $ELSE
      -- a partir de 18c existe DBMS_SESSION.SLEEP y no requiere grant sobre DBMS_LOCK
      DBMS_SESSION.SLEEP(p_segundos);
    $END
  END esperar;

  PROCEDURE insertar_movimiento(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_tipo IN VARCHAR2,
                                p_cantidad IN NUMBER, p_costo IN NUMBER, p_referencia IN VARCHAR2) IS
  BEGIN
    INSERT INTO movimientos_stock
      (id_movimiento, id_producto, id_bodega, tipo_movimiento, cantidad, costo_unitario, referencia, fecha_movimiento, usuario)
    VALUES
      (seq_movimientos.NEXTVAL, p_id_producto, p_id_bodega, p_tipo, p_cantidad, p_costo, p_referencia, SYSDATE,
       NVL(SYS_CONTEXT('USERENV','CLIENT_IDENTIFIER'), USER));
  END insertar_movimiento;

  FUNCTION fn_stock_disponible(p_id_producto IN productos.id_producto%TYPE,
                               p_id_bodega   IN bodegas.id_bodega%TYPE DEFAULT pkg_constantes_inv.c_bodega_matriz)
    RETURN NUMBER
  IS
    v_disponible stock_bodega.cantidad_disponible%TYPE;
  BEGIN
    SELECT cantidad_disponible - cantidad_reservada
      INTO v_disponible
      FROM stock_bodega
     WHERE id_producto = p_id_producto
       AND id_bodega   = p_id_bodega;
    RETURN v_disponible;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RETURN 0;
  END fn_stock_disponible;

  PROCEDURE reservar_stock(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER, p_referencia IN VARCHAR2)
  IS
    v_intento    PLS_INTEGER := 0;
    v_disponible NUMBER;
    v_reservada  NUMBER;
  BEGIN
    IF p_cantidad IS NULL OR p_cantidad <= 0 THEN
      RAISE_APPLICATION_ERROR(-20202, 'Cantidad a reservar inválida: ' || p_cantidad);
    END IF;

    <<reintento>>
    LOOP
      BEGIN
        SELECT cantidad_disponible, cantidad_reservada
          INTO v_disponible, v_reservada
          FROM stock_bodega
         WHERE id_producto = p_id_producto
           AND id_bodega = p_id_bodega
           FOR UPDATE NOWAIT;
        EXIT reintento;
      EXCEPTION
        WHEN e_recurso_ocupado THEN
          v_intento := v_intento + 1;
          IF v_intento > pkg_constantes_inv.c_max_reintentos THEN
            RAISE_APPLICATION_ERROR(-20203, 'Stock bloqueado por otra sesión, producto ' || p_id_producto);
          END IF;
          esperar(pkg_constantes_inv.c_espera_seg * v_intento);
        WHEN NO_DATA_FOUND THEN
          RAISE_APPLICATION_ERROR(-20201, 'Producto ' || p_id_producto || ' sin stock en bodega ' || p_id_bodega);
      END;
    END LOOP reintento;

    IF v_disponible - v_reservada < p_cantidad THEN
      RAISE_APPLICATION_ERROR(-20201,
        'Stock insuficiente para producto ' || p_id_producto || ': disponible ' ||
        TO_CHAR(v_disponible - v_reservada, 'FM999G999G990D00') || ', solicitado ' || p_cantidad);
    END IF;

    UPDATE stock_bodega
       SET cantidad_reservada = cantidad_reservada + p_cantidad,
           fecha_ultimo_movimiento = SYSDATE
     WHERE id_producto = p_id_producto
       AND id_bodega = p_id_bodega;

    insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_reserva, p_cantidad, NULL, p_referencia);
    pkg_constantes_inv.g_reservas_llamada := pkg_constantes_inv.g_reservas_llamada + 1;
  END reservar_stock;

  PROCEDURE liberar_stock(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER, p_referencia IN VARCHAR2)
  IS
  BEGIN
    UPDATE stock_bodega
       SET cantidad_reservada = GREATEST(cantidad_reservada - p_cantidad, 0),
           fecha_ultimo_movimiento = SYSDATE
     WHERE id_producto = p_id_producto
       AND id_bodega = p_id_bodega;

    IF SQL%ROWCOUNT = 0 THEN
      RAISE_APPLICATION_ERROR(-20204, 'No existe registro de stock para liberar: ' || p_id_producto || '/' || p_id_bodega);
    END IF;

    insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_liberacion, p_cantidad, NULL, p_referencia);
  END liberar_stock;

  PROCEDURE registrar_ingreso(p_id_producto IN NUMBER, p_id_bodega IN NUMBER, p_cantidad IN NUMBER,
                              p_costo_unitario IN NUMBER, p_referencia IN VARCHAR2)
  IS
  BEGIN
    MERGE INTO stock_bodega s
    USING (SELECT p_id_producto AS id_producto, p_id_bodega AS id_bodega, p_cantidad AS cantidad FROM dual) n
       ON (s.id_producto = n.id_producto AND s.id_bodega = n.id_bodega)
     WHEN MATCHED THEN
       UPDATE SET s.cantidad_disponible = s.cantidad_disponible + n.cantidad,
                  s.fecha_ultimo_movimiento = SYSDATE
     WHEN NOT MATCHED THEN
       INSERT (id_producto, id_bodega, cantidad_disponible, cantidad_reservada, fecha_ultimo_movimiento)
       VALUES (n.id_producto, n.id_bodega, n.cantidad, 0, SYSDATE);

    insertar_movimiento(p_id_producto, p_id_bodega, pkg_constantes_inv.c_mov_ingreso, p_cantidad, p_costo_unitario, p_referencia);
  END registrar_ingreso;

  PROCEDURE recalcular_costo_promedio(p_fecha_desde IN DATE DEFAULT TRUNC(SYSDATE, 'MM'))
  IS
    v_actualizados PLS_INTEGER := 0;
  BEGIN
    -- costo promedio ponderado de los ingresos del período
    FOR r IN (SELECT m.id_producto,
                     SUM(m.cantidad * m.costo_unitario) / NULLIF(SUM(m.cantidad), 0) AS costo_nuevo
                FROM movimientos_stock m
               WHERE m.tipo_movimiento = pkg_constantes_inv.c_mov_ingreso
                 AND m.fecha_movimiento >= p_fecha_desde
               GROUP BY m.id_producto)
    LOOP
      UPDATE productos p
         SET p.costo_promedio = ROUND((NVL(p.costo_promedio, r.costo_nuevo) + r.costo_nuevo) / 2, 4),
             p.fecha_modificacion = SYSDATE
       WHERE p.id_producto = r.id_producto
         AND r.costo_nuevo IS NOT NULL;
      v_actualizados := v_actualizados + SQL%ROWCOUNT;
    END LOOP;

    seguridad.prc_registrar_auditoria('INVENTARIO', 'COSTO_PROMEDIO',
      'Productos actualizados: ' || v_actualizados || ' desde ' || TO_CHAR(p_fecha_desde, 'DD/MM/YYYY'));
  EXCEPTION
    WHEN OTHERS THEN
      seguridad.prc_registrar_auditoria('INVENTARIO', 'COSTO_PROMEDIO_ERROR', SQLERRM, SQLCODE);
      RAISE;
  END recalcular_costo_promedio;

END pkg_inventario;

/
