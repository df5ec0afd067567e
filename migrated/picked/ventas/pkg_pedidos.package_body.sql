-- VENTAS.PKG_PEDIDOS (PACKAGE BODY) from extracted/ddl/VENTAS/PKG_PEDIDOS.sql:38
-- review (line 168): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 189): nested procedure validar_credito became the routine pkg_pedidos.aprobar_pedido_validar_credito
-- review (line 202): nested procedure reservar_lineas became the routine pkg_pedidos.aprobar_pedido_reservar_lineas, passed p_id_pedido, r_ped, v_reservadas of aprobar_pedido
-- unsupported (line 214): SAVEPOINT: use a block with an EXCEPTION handler
-- unsupported (line 230): ROLLBACK TO SAVEPOINT: use a block with an EXCEPTION handler
-- review (line 235): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 236): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- unsupported (line 247): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- review (line 251): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest

CREATE SCHEMA IF NOT EXISTS pkg_pedidos;

-- constant c_modulo
CREATE OR REPLACE FUNCTION pkg_pedidos.c_modulo() RETURNS varchar(30)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('PKG_PEDIDOS')::varchar(30) $body$;

CREATE OR REPLACE FUNCTION pkg_pedidos.obtener_pedido(
    p_id_pedido numeric,
    p_bloquear boolean DEFAULT FALSE
)
RETURNS pedidos
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r pedidos%ROWTYPE;
BEGIN
    IF p_bloquear THEN
        SELECT * INTO STRICT r FROM pedidos WHERE id_pedido = p_id_pedido FOR UPDATE;
    ELSE
        SELECT * INTO STRICT r FROM pedidos WHERE id_pedido = p_id_pedido;
    END IF;
    RETURN r;
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0101', MESSAGE = concat('Pedido ', p_id_pedido, ' no existe');
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.validar_transicion(
    p_actual varchar,
    p_nuevo varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_ok boolean;
BEGIN
    v_ok := CASE p_nuevo
          WHEN 'PENDIENTE' THEN p_actual = 'BORRADOR'
          WHEN 'APROBADO'  THEN p_actual = 'PENDIENTE'
          WHEN 'RECHAZADO' THEN p_actual = 'PENDIENTE'
          WHEN 'FACTURADO' THEN p_actual = 'APROBADO'
          WHEN 'ANULADO'   THEN p_actual IN ('BORRADOR', 'PENDIENTE', 'APROBADO')
          ELSE FALSE
        END;
    IF NOT coalesce(v_ok, FALSE) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0102', MESSAGE = concat('Transición no permitida: ', p_actual, ' -> ', p_nuevo);
    END IF;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_pedidos.crear_pedido(
    p_id_cliente numeric(10,0),
    p_id_bodega numeric(6,0),
    p_observaciones varchar(1000) DEFAULT NULL
)
RETURNS numeric(12,0)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id pedidos.id_pedido%TYPE;
    v_estado clientes.estado%TYPE;
BEGIN
    SELECT estado INTO STRICT v_estado FROM clientes WHERE id_cliente = p_id_cliente;
    IF v_estado <> 'ACTIVO' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0104', MESSAGE = concat('El cliente ', p_id_cliente, ' no está activo (', v_estado, ')');
    END IF;
    INSERT INTO pedidos (id_pedido, id_cliente, fecha_pedido, estado, id_bodega, observaciones, usuario_creacion)
        VALUES (nextval('seq_pedidos'), p_id_cliente, clock_timestamp()::timestamp(0), 'BORRADOR', p_id_bodega, p_observaciones, current_user);
    SELECT currval('seq_pedidos') INTO STRICT v_id;
    RETURN v_id;
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0105', MESSAGE = concat('Cliente ', p_id_cliente, ' no existe');
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.agregar_linea(
    p_id_pedido numeric,
    p_id_producto numeric,
    p_cantidad numeric
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_ped pedidos%ROWTYPE;
    r_prod inventario.productos%ROWTYPE;
    v_linea pedido_lineas.nro_linea%TYPE;
BEGIN
    r_ped := pkg_pedidos.obtener_pedido(p_id_pedido, TRUE);
    IF r_ped.estado <> 'BORRADOR' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0102', MESSAGE = 'Solo se pueden agregar líneas a pedidos en BORRADOR';
    END IF;
    SELECT * INTO STRICT r_prod FROM inventario.productos WHERE id_producto = p_id_producto;
    IF r_prod.estado <> 'ACTIVO' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0106', MESSAGE = concat('Producto ', r_prod.codigo_sku, ' no disponible para la venta');
    END IF;
    SELECT coalesce(MAX(nro_linea), 0) + 1 INTO STRICT v_linea FROM pedido_lineas WHERE id_pedido = p_id_pedido;
    INSERT INTO pedido_lineas (id_pedido, nro_linea, id_producto, cantidad, precio_unitario, porcentaje_descuento, subtotal_linea, grava_iva)
        VALUES (p_id_pedido, v_linea, p_id_producto, p_cantidad, r_prod.precio_venta, 0,
                ROUND(p_cantidad * r_prod.precio_venta, 2), r_prod.grava_iva);
-- los totales los recalcula el trigger compuesto TRG_PEDIDO_LINEAS_CMP
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.recalcular_totales(p_id_pedido numeric)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_subtotal numeric := 0;
    v_base_iva numeric := 0;
    v_pct_desc pedidos.porcentaje_descuento%TYPE;
    v_desc numeric;
    v_iva numeric;
BEGIN
    SELECT coalesce(SUM(subtotal_linea), 0),
              coalesce(SUM(CASE WHEN grava_iva = 'S' THEN subtotal_linea ELSE 0 END), 0)
         INTO STRICT v_subtotal, v_base_iva
         FROM pedido_lineas
        WHERE id_pedido = p_id_pedido;
    SELECT coalesce(porcentaje_descuento, 0) INTO STRICT v_pct_desc FROM pedidos WHERE id_pedido = p_id_pedido;
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
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.enviar_a_aprobacion(p_id_pedido numeric)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_ped pedidos%ROWTYPE;
    v_lineas integer;
BEGIN
    r_ped := pkg_pedidos.obtener_pedido(p_id_pedido, TRUE);
    CALL pkg_pedidos.validar_transicion(r_ped.estado, 'PENDIENTE');
    SELECT COUNT(*) INTO STRICT v_lineas FROM pedido_lineas WHERE id_pedido = p_id_pedido;
    IF v_lineas = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0107', MESSAGE = 'El pedido no tiene líneas';
    END IF;
    CALL pkg_descuentos.aplicar_descuento(p_id_pedido);
    UPDATE pedidos SET estado = 'PENDIENTE' WHERE id_pedido = p_id_pedido;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.aprobar_pedido_validar_credito(
    p_id_cliente numeric,
    p_monto numeric
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_limite clientes.limite_credito%TYPE;
    v_saldo clientes.saldo_pendiente%TYPE;
BEGIN
    SELECT limite_credito, saldo_pendiente INTO STRICT v_limite, v_saldo
        FROM clientes WHERE id_cliente = p_id_cliente;
    IF coalesce(v_limite, 0) > 0 AND coalesce(v_saldo, 0) + p_monto > v_limite THEN
        RAISE EXCEPTION USING ERRCODE = 'U0103', MESSAGE = concat('Crédito excedido. Límite: ', v_limite, ' saldo: ', v_saldo, ' pedido: ', p_monto);
    END IF;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.aprobar_pedido_reservar_lineas(
    INOUT p_id_pedido numeric,
    INOUT r_ped pedidos,
    INOUT v_reservadas integer
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    c_lineas CURSOR (cp_id_pedido numeric) FOR SELECT l.id_pedido, l.nro_linea, l.id_producto, l.cantidad, l.precio_unitario, l.subtotal_linea
         FROM pedido_lineas l
        WHERE l.id_pedido = cp_id_pedido
        ORDER BY l.nro_linea;
BEGIN
    FOR r_lin IN c_lineas(p_id_pedido) LOOP
        CALL pkg_inventario.reservar_stock(r_lin.id_producto, r_ped.id_bodega, r_lin.cantidad, concat('PED-', p_id_pedido));
        v_reservadas := v_reservadas + 1;
    END LOOP;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.aprobar_pedido(
    p_id_pedido numeric,
    p_usuario varchar,
    p_facturar boolean DEFAULT TRUE
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_ped pedidos%ROWTYPE;
    v_id_factura numeric;
    v_reservadas integer := 0;
    -- subprograma anidado: valida cupo de crédito del cliente
    -- subprograma anidado: reserva todas las líneas
BEGIN
    r_ped := pkg_pedidos.obtener_pedido(p_id_pedido, TRUE);
    CALL pkg_pedidos.validar_transicion(r_ped.estado, 'APROBADO');
    SAVEPOINT sp_aprobacion;
    BEGIN
        CALL pkg_pedidos.aprobar_pedido_validar_credito(r_ped.id_cliente, r_ped.total);
        CALL pkg_pedidos.aprobar_pedido_reservar_lineas(p_id_pedido => p_id_pedido, r_ped => r_ped, v_reservadas => v_reservadas);
        UPDATE pedidos
              SET estado = 'APROBADO',
                  fecha_aprobacion = clock_timestamp()::timestamp(0),
                  usuario_aprobacion = UPPER(p_usuario)
            WHERE id_pedido = p_id_pedido;
        UPDATE clientes
              SET saldo_pendiente = coalesce(saldo_pendiente, 0) + r_ped.total
            WHERE id_cliente = r_ped.id_cliente;
    EXCEPTION
        WHEN SQLSTATE 'U0103' OR SQLSTATE 'U0201' THEN
            ROLLBACK TO SAVEPOINT sp_aprobacion;
            UPDATE pedidos
                  SET estado = 'RECHAZADO',
                      observaciones = SUBSTR(concat(observaciones, chr((10)::integer), 'Rechazado: ', SQLERRM), 1, 1000)
                WHERE id_pedido = p_id_pedido;
            CALL seguridad.prc_registrar_auditoria(pkg_pedidos.c_modulo(), 'RECHAZO', concat('Pedido ', p_id_pedido, ': ', SQLERRM), (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
            COMMIT;
            RETURN;
    END;
    IF p_facturar THEN
        v_id_factura := pkg_factura_electronica.generar_factura(p_id_pedido);
    END IF;
    CALL seguridad.prc_registrar_auditoria(pkg_pedidos.c_modulo(), 'APROBACION', concat('Pedido ', p_id_pedido, ' aprobado por ', p_usuario, '; líneas reservadas ', v_reservadas, CASE WHEN v_id_factura IS NOT NULL THEN concat('; factura ', v_id_factura) END));
    COMMIT;
EXCEPTION
    WHEN OTHERS THEN
        ROLLBACK;
        CALL seguridad.prc_registrar_auditoria(pkg_pedidos.c_modulo(), 'ERROR_APROBACION', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_pedidos.anular_pedido(
    p_id_pedido numeric,
    p_motivo varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    c_lineas CURSOR (cp_id_pedido numeric) FOR SELECT l.id_pedido, l.nro_linea, l.id_producto, l.cantidad, l.precio_unitario, l.subtotal_linea
         FROM pedido_lineas l
        WHERE l.id_pedido = cp_id_pedido
        ORDER BY l.nro_linea;
    r_ped pedidos%ROWTYPE;
BEGIN
    IF TRIM(p_motivo) IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'U0108', MESSAGE = 'Debe indicar el motivo de anulación';
    END IF;
    r_ped := pkg_pedidos.obtener_pedido(p_id_pedido, TRUE);
    CALL pkg_pedidos.validar_transicion(r_ped.estado, 'ANULADO');
    IF r_ped.estado = 'APROBADO' THEN
        FOR r_lin IN c_lineas(p_id_pedido) LOOP
            CALL pkg_inventario.liberar_stock(r_lin.id_producto, r_ped.id_bodega, r_lin.cantidad, concat('ANU-', p_id_pedido));
        END LOOP;
        UPDATE clientes
              SET saldo_pendiente = GREATEST(coalesce(saldo_pendiente, 0) - r_ped.total, 0)
            WHERE id_cliente = r_ped.id_cliente;
    END IF;
    UPDATE pedidos
          SET estado = 'ANULADO',
              motivo_anulacion = SUBSTR(p_motivo, 1, 400)
        WHERE id_pedido = p_id_pedido;
    CALL seguridad.prc_registrar_auditoria(pkg_pedidos.c_modulo(), 'ANULACION', concat('Pedido ', p_id_pedido, ': ', p_motivo));
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_pedidos.fn_total_compras_cliente(
    p_id_cliente numeric,
    p_meses numeric DEFAULT 12
)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_total numeric;
BEGIN
    SELECT coalesce(SUM(total), 0)
         INTO STRICT v_total
         FROM pedidos
        WHERE id_cliente = p_id_cliente
          AND estado IN ('APROBADO', 'FACTURADO')
          AND fecha_pedido >= ADD_MONTHS(TRUNC(clock_timestamp()::timestamp(0)), -p_meses);
    RETURN v_total;
END;
$body$;
