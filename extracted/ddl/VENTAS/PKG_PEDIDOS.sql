--------------------------------------------------------
--  DDL for Package PKG_PEDIDOS
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "VENTAS"."PKG_PEDIDOS" AS

  e_pedido_no_existe     EXCEPTION;
  e_transicion_invalida  EXCEPTION;
  e_credito_excedido     EXCEPTION;
  PRAGMA EXCEPTION_INIT(e_pedido_no_existe,    -20101);
  PRAGMA EXCEPTION_INIT(e_transicion_invalida, -20102);
  PRAGMA EXCEPTION_INIT(e_credito_excedido,    -20103);

  FUNCTION crear_pedido(p_id_cliente    IN pedidos.id_cliente%TYPE,
                        p_id_bodega     IN pedidos.id_bodega%TYPE,
                        p_observaciones IN pedidos.observaciones%TYPE DEFAULT NULL)
    RETURN pedidos.id_pedido%TYPE;

  PROCEDURE agregar_linea(p_id_pedido IN NUMBER, p_id_producto IN NUMBER, p_cantidad IN NUMBER);

  PROCEDURE recalcular_totales(p_id_pedido IN NUMBER);

  PROCEDURE enviar_a_aprobacion(p_id_pedido IN NUMBER);

  PROCEDURE aprobar_pedido(p_id_pedido IN NUMBER, p_usuario IN VARCHAR2, p_facturar IN BOOLEAN DEFAULT TRUE);

  PROCEDURE anular_pedido(p_id_pedido IN NUMBER, p_motivo IN VARCHAR2);

  FUNCTION fn_total_compras_cliente(p_id_cliente IN NUMBER, p_meses IN NUMBER DEFAULT 12) RETURN NUMBER;

END pkg_pedidos;

/
--------------------------------------------------------
--  DDL for Package Body PKG_PEDIDOS
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "VENTAS"."PKG_PEDIDOS" AS
/*
   Ciclo de vida del pedido

     BORRADOR --> PENDIENTE --> APROBADO --> FACTURADO
                      |             |
                      v             v
                  RECHAZADO      ANULADO (libera stock)
/
   Historial:
     2016-08-01  lgarcia    versión inicial
     2019-03-12  mrodriguez reserva de stock al aprobar (antes se hacía al facturar)
     2022-01-20  jperez     facturación electrónica automática al aprobar
*/

  c_modulo CONSTANT VARCHAR2(30) := 'PKG_PEDIDOS';

  CURSOR c_lineas(cp_id_pedido NUMBER) IS
    SELECT l.id_pedido, l.nro_linea, l.id_producto, l.cantidad, l.precio_unitario, l.subtotal_linea
      FROM pedido_lineas l
     WHERE l.id_pedido = cp_id_pedido
     ORDER BY l.nro_linea;

  FUNCTION obtener_pedido(p_id_pedido IN NUMBER, p_bloquear IN BOOLEAN DEFAULT FALSE) RETURN pedidos%ROWTYPE IS
    r pedidos%ROWTYPE;
  BEGIN
    IF p_bloquear THEN
      SELECT * INTO r FROM pedidos WHERE id_pedido = p_id_pedido FOR UPDATE;
    ELSE
      SELECT * INTO r FROM pedidos WHERE id_pedido = p_id_pedido;
    END IF;
    RETURN r;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RAISE_APPLICATION_ERROR(-20101, 'Pedido ' || p_id_pedido || ' no existe');
  END obtener_pedido;

  PROCEDURE validar_transicion(p_actual IN VARCHAR2, p_nuevo IN VARCHAR2) IS
    v_ok BOOLEAN;
  BEGIN
    v_ok := CASE p_nuevo
              WHEN 'PENDIENTE' THEN p_actual = 'BORRADOR'
              WHEN 'APROBADO'  THEN p_actual = 'PENDIENTE'
              WHEN 'RECHAZADO' THEN p_actual = 'PENDIENTE'
              WHEN 'FACTURADO' THEN p_actual = 'APROBADO'
              WHEN 'ANULADO'   THEN p_actual IN ('BORRADOR', 'PENDIENTE', 'APROBADO')
              ELSE FALSE
            END;
    IF NOT NVL(v_ok, FALSE) THEN
      RAISE_APPLICATION_ERROR(-20102, 'Transición no permitida: ' || p_actual || ' -> ' || p_nuevo);
    END IF;
  END validar_transicion;

  FUNCTION crear_pedido(p_id_cliente    IN pedidos.id_cliente%TYPE,
                        p_id_bodega     IN pedidos.id_bodega%TYPE,
                        p_observaciones IN pedidos.observaciones%TYPE DEFAULT NULL)
    RETURN pedidos.id_pedido%TYPE
  IS
    v_id     pedidos.id_pedido%TYPE;
    v_estado clientes.estado%TYPE;
  BEGIN
    SELECT estado INTO v_estado FROM clientes WHERE id_cliente = p_id_cliente;
    IF v_estado <> 'ACTIVO' THEN
      RAISE_APPLICATION_ERROR(-20104, 'El cliente ' || p_id_cliente || ' no está activo (' || v_estado || ')');
    END IF;

    INSERT INTO pedidos (id_pedido, id_cliente, fecha_pedido, estado, id_bodega, observaciones, usuario_creacion)
    VALUES (seq_pedidos.NEXTVAL, p_id_cliente, SYSDATE, 'BORRADOR', p_id_bodega, p_observaciones, USER);

    SELECT seq_pedidos.CURRVAL INTO v_id FROM dual;
    RETURN v_id;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RAISE_APPLICATION_ERROR(-20105, 'Cliente ' || p_id_cliente || ' no existe');
  END crear_pedido;

  PROCEDURE agregar_linea(p_id_pedido IN NUMBER, p_id_producto IN NUMBER, p_cantidad IN NUMBER) IS
    r_ped    pedidos%ROWTYPE;
    r_prod   inventario.productos%ROWTYPE;
    v_linea  pedido_lineas.nro_linea%TYPE;
  BEGIN
    r_ped := obtener_pedido(p_id_pedido, TRUE);
    IF r_ped.estado <> 'BORRADOR' THEN
      RAISE_APPLICATION_ERROR(-20102, 'Solo se pueden agregar líneas a pedidos en BORRADOR');
    END IF;

    SELECT * INTO r_prod FROM inventario.productos WHERE id_producto = p_id_producto;
    IF r_prod.estado <> 'ACTIVO' THEN
      RAISE_APPLICATION_ERROR(-20106, 'Producto ' || r_prod.codigo_sku || ' no disponible para la venta');
    END IF;

    SELECT NVL(MAX(nro_linea), 0) + 1 INTO v_linea FROM pedido_lineas WHERE id_pedido = p_id_pedido;

    INSERT INTO pedido_lineas (id_pedido, nro_linea, id_producto, cantidad, precio_unitario, porcentaje_descuento, subtotal_linea, grava_iva)
    VALUES (p_id_pedido, v_linea, p_id_producto, p_cantidad, r_prod.precio_venta, 0,
            ROUND(p_cantidad * r_prod.precio_venta, 2), r_prod.grava_iva);
    -- los totales los recalcula el trigger compuesto TRG_PEDIDO_LINEAS_CMP
  END agregar_linea;

  PROCEDURE recalcular_totales(p_id_pedido IN NUMBER) IS
    v_subtotal  NUMBER := 0;
    v_base_iva  NUMBER := 0;
    v_pct_desc  pedidos.porcentaje_descuento%TYPE;
    v_desc      NUMBER;
    v_iva       NUMBER;
  BEGIN
    SELECT NVL(SUM(subtotal_linea), 0),
           NVL(SUM(CASE WHEN grava_iva = 'S' THEN subtotal_linea ELSE 0 END), 0)
      INTO v_subtotal, v_base_iva
      FROM pedido_lineas
     WHERE id_pedido = p_id_pedido;

    SELECT NVL(porcentaje_descuento, 0) INTO v_pct_desc FROM pedidos WHERE id_pedido = p_id_pedido;

    v_desc := pkg_descuentos.fn_calcular_descuento(v_subtotal, v_pct_desc);
    -- el descuento se prorratea sobre la base gravada
    v_base_iva := v_base_iva - pkg_descuentos.fn_calcular_descuento(v_base_iva, v_pct_desc);
    v_iva := facturacion.fn_calcular_iva(v_base_iva);

    UPDATE pedidos
       SET subtotal        = v_subtotal,
           monto_descuento = v_desc,
           base_iva        = v_base_iva,
           monto_iva       = v_iva,
           total           = v_subtotal - v_desc + v_iva
     WHERE id_pedido = p_id_pedido;
  END recalcular_totales;

  PROCEDURE enviar_a_aprobacion(p_id_pedido IN NUMBER) IS
    r_ped pedidos%ROWTYPE;
    v_lineas PLS_INTEGER;
  BEGIN
    r_ped := obtener_pedido(p_id_pedido, TRUE);
    validar_transicion(r_ped.estado, 'PENDIENTE');

    SELECT COUNT(*) INTO v_lineas FROM pedido_lineas WHERE id_pedido = p_id_pedido;
    IF v_lineas = 0 THEN
      RAISE_APPLICATION_ERROR(-20107, 'El pedido no tiene líneas');
    END IF;

    pkg_descuentos.aplicar_descuento(p_id_pedido);

    UPDATE pedidos SET estado = 'PENDIENTE' WHERE id_pedido = p_id_pedido;
  END enviar_a_aprobacion;

  PROCEDURE aprobar_pedido(p_id_pedido IN NUMBER, p_usuario IN VARCHAR2, p_facturar IN BOOLEAN DEFAULT TRUE) IS
    r_ped        pedidos%ROWTYPE;
    v_id_factura NUMBER;
    v_reservadas PLS_INTEGER := 0;

    -- subprograma anidado: valida cupo de crédito del cliente
    PROCEDURE validar_credito(p_id_cliente IN NUMBER, p_monto IN NUMBER) IS
      v_limite clientes.limite_credito%TYPE;
      v_saldo  clientes.saldo_pendiente%TYPE;
    BEGIN
      SELECT limite_credito, saldo_pendiente INTO v_limite, v_saldo
        FROM clientes WHERE id_cliente = p_id_cliente;
      IF NVL(v_limite, 0) > 0 AND NVL(v_saldo, 0) + p_monto > v_limite THEN
        RAISE_APPLICATION_ERROR(-20103,
          'Crédito excedido. Límite: ' || v_limite || ' saldo: ' || v_saldo || ' pedido: ' || p_monto);
      END IF;
    END validar_credito;

    -- subprograma anidado: reserva todas las líneas
    PROCEDURE reservar_lineas IS
    BEGIN
      FOR r_lin IN c_lineas(p_id_pedido) LOOP
        inventario.pkg_inventario.reservar_stock(r_lin.id_producto, r_ped.id_bodega, r_lin.cantidad, 'PED-' || p_id_pedido);
        v_reservadas := v_reservadas + 1;
      END LOOP;
    END reservar_lineas;

  BEGIN
    r_ped := obtener_pedido(p_id_pedido, TRUE);
    validar_transicion(r_ped.estado, 'APROBADO');

    SAVEPOINT sp_aprobacion;
    BEGIN
      validar_credito(r_ped.id_cliente, r_ped.total);
      reservar_lineas;

      UPDATE pedidos
         SET estado = 'APROBADO',
             fecha_aprobacion = SYSDATE,
             usuario_aprobacion = UPPER(p_usuario)
       WHERE id_pedido = p_id_pedido;

      UPDATE clientes
         SET saldo_pendiente = NVL(saldo_pendiente, 0) + r_ped.total
       WHERE id_cliente = r_ped.id_cliente;
    EXCEPTION
      WHEN e_credito_excedido OR inventario.pkg_inventario.e_stock_insuficiente THEN
        ROLLBACK TO sp_aprobacion;
        UPDATE pedidos
           SET estado = 'RECHAZADO',
               observaciones = SUBSTR(observaciones || CHR(10) || 'Rechazado: ' || SQLERRM, 1, 1000)
         WHERE id_pedido = p_id_pedido;
        seguridad.prc_registrar_auditoria(c_modulo, 'RECHAZO', 'Pedido ' || p_id_pedido || ': ' || SQLERRM, SQLCODE);
        COMMIT;
        RETURN;
    END;

    IF p_facturar THEN
      v_id_factura := facturacion.pkg_factura_electronica.generar_factura(p_id_pedido);
    END IF;

    seguridad.prc_registrar_auditoria(c_modulo, 'APROBACION',
      'Pedido ' || p_id_pedido || ' aprobado por ' || p_usuario || '; líneas reservadas ' || v_reservadas
      || CASE WHEN v_id_factura IS NOT NULL THEN '; factura ' || v_id_factura END);
    COMMIT;
  EXCEPTION
    WHEN OTHERS THEN
      ROLLBACK;
      seguridad.prc_registrar_auditoria(c_modulo, 'ERROR_APROBACION', SQLERRM, SQLCODE);
      RAISE;
  END aprobar_pedido;

  PROCEDURE anular_pedido(p_id_pedido IN NUMBER, p_motivo IN VARCHAR2) IS
    r_ped pedidos%ROWTYPE;
  BEGIN
    IF TRIM(p_motivo) IS NULL THEN
      RAISE_APPLICATION_ERROR(-20108, 'Debe indicar el motivo de anulación');
    END IF;

    r_ped := obtener_pedido(p_id_pedido, TRUE);
    validar_transicion(r_ped.estado, 'ANULADO');

    IF r_ped.estado = 'APROBADO' THEN
      FOR r_lin IN c_lineas(p_id_pedido) LOOP
        inventario.pkg_inventario.liberar_stock(r_lin.id_producto, r_ped.id_bodega, r_lin.cantidad, 'ANU-' || p_id_pedido);
      END LOOP;
      UPDATE clientes
         SET saldo_pendiente = GREATEST(NVL(saldo_pendiente, 0) - r_ped.total, 0)
       WHERE id_cliente = r_ped.id_cliente;
    END IF;

    UPDATE pedidos
       SET estado = 'ANULADO',
           motivo_anulacion = SUBSTR(p_motivo, 1, 400)
     WHERE id_pedido = p_id_pedido;

    seguridad.prc_registrar_auditoria(c_modulo, 'ANULACION', 'Pedido ' || p_id_pedido || ': ' || p_motivo);
  END anular_pedido;

  FUNCTION fn_total_compras_cliente(p_id_cliente IN NUMBER, p_meses IN NUMBER DEFAULT 12) RETURN NUMBER IS
    v_total NUMBER;
  BEGIN
    SELECT NVL(SUM(total), 0)
      INTO v_total
      FROM pedidos
     WHERE id_cliente = p_id_cliente
       AND estado IN ('APROBADO', 'FACTURADO')
       AND fecha_pedido >= ADD_MONTHS(TRUNC(SYSDATE), -p_meses);
    RETURN v_total;
  END fn_total_compras_cliente;

END pkg_pedidos;

/
SHOW ERRORS
