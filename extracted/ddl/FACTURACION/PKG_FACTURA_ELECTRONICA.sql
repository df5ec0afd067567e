--------------------------------------------------------
--  DDL for Package PKG_FACTURA_ELECTRONICA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "FACTURACION"."PKG_FACTURA_ELECTRONICA" AS
  /*
   * Facturación electrónica: generación de la factura desde el pedido aprobado,
   * cálculo de la clave de acceso y envío al servicio REST de autorización
   * de la administración tributaria.
   * ACL requerida: DBMS_NETWORK_ACL_ADMIN.append_host_ace para api.facturacion.example.ec:443
   */
  c_tipo_comprobante CONSTANT VARCHAR2(2)  := '01';            -- factura
  c_ruc_emisor       CONSTANT VARCHAR2(13) := '1791234567001';
  c_establecimiento  CONSTANT VARCHAR2(3)  := '001';
  c_punto_emision    CONSTANT VARCHAR2(3)  := '001';
  c_max_intentos     CONSTANT PLS_INTEGER  := 5;

  FUNCTION generar_factura(p_id_pedido IN NUMBER) RETURN NUMBER;
  FUNCTION fn_clave_acceso(p_id_factura IN NUMBER) RETURN VARCHAR2;
  PROCEDURE enviar_factura(p_id_factura IN NUMBER);
  PROCEDURE procesar_pendientes(p_max IN PLS_INTEGER DEFAULT 200);
END pkg_factura_electronica;

/
--------------------------------------------------------
--  DDL for Package Body PKG_FACTURA_ELECTRONICA
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "FACTURACION"."PKG_FACTURA_ELECTRONICA" AS

  c_modulo CONSTANT VARCHAR2(30) := 'FACT_ELECTRONICA';

  -- Leyenda impresa en el RIDE y en el correo al cliente. La barra sola en su línea
  -- es el separador que espera la plantilla del RIDE; no quitarla.
  c_nota_ride CONSTANT VARCHAR2(400) := q'[Documento generado electrónicamente. No requiere firma autógrafa.
/
Consulte su comprobante en el portal del contribuyente con la clave de acceso.]';

  -- estado de paquete: configuración del servicio, se carga en la inicialización
  g_url_api    VARCHAR2(400);
  g_usuario    VARCHAR2(100);
  g_clave      VARCHAR2(200);
  g_wallet     VARCHAR2(400);
  g_ambiente   CHAR(1) := '1';   -- 1 = pruebas, 2 = producción
  g_envios_ok  PLS_INTEGER := 0;

  FUNCTION fn_modulo11(p_cadena IN VARCHAR2) RETURN PLS_INTEGER IS
    v_suma   PLS_INTEGER := 0;
    v_factor PLS_INTEGER := 2;
    v_dig    PLS_INTEGER;
  BEGIN
    FOR i IN REVERSE 1 .. LENGTH(p_cadena) LOOP
      v_suma := v_suma + TO_NUMBER(SUBSTR(p_cadena, i, 1)) * v_factor;
      v_factor := CASE WHEN v_factor = 7 THEN 2 ELSE v_factor + 1 END;
    END LOOP;
    v_dig := 11 - MOD(v_suma, 11);
    RETURN CASE v_dig WHEN 11 THEN 0 WHEN 10 THEN 1 ELSE v_dig END;
  END fn_modulo11;

  FUNCTION fn_clave_acceso(p_id_factura IN NUMBER) RETURN VARCHAR2 IS
    v_fecha   facturas.fecha_emision%TYPE;
    v_numero  facturas.numero_factura%TYPE;
    v_base    VARCHAR2(48);
  BEGIN
    SELECT fecha_emision, numero_factura INTO v_fecha, v_numero FROM facturas WHERE id_factura = p_id_factura;
    v_base := TO_CHAR(v_fecha, 'DDMMYYYY') || c_tipo_comprobante || c_ruc_emisor || g_ambiente
           || c_establecimiento || c_punto_emision || SUBSTR(v_numero, -9)
           || LPAD(MOD(p_id_factura * 7919, 100000000), 8, '0') || '1';
    RETURN v_base || fn_modulo11(v_base);
  END fn_clave_acceso;

  FUNCTION generar_factura(p_id_pedido IN NUMBER) RETURN NUMBER IS
    r_ped       ventas.pedidos%ROWTYPE;
    v_lineas    t_tab_lineas_factura;
    v_id        facturas.id_factura%TYPE;
    v_sub_0     NUMBER := 0;
    v_sub_iva   NUMBER := 0;
    v_desc      NUMBER := 0;
    v_iva       NUMBER := 0;
    v_pct_iva   NUMBER;
    v_clave     facturas.clave_acceso%TYPE;
    v_xml       XMLTYPE;
  BEGIN
    SELECT * INTO r_ped FROM ventas.pedidos WHERE id_pedido = p_id_pedido FOR UPDATE;
    IF r_ped.estado <> 'APROBADO' THEN
      RAISE_APPLICATION_ERROR(-20310, 'Solo se facturan pedidos APROBADOS; el pedido ' || p_id_pedido || ' está ' || r_ped.estado);
    END IF;

    SELECT TO_NUMBER(valor) INTO v_pct_iva FROM seguridad.parametros_sistema WHERE codigo = 'IVA_PORCENTAJE';

    SELECT t_linea_factura(l.id_producto, pr.descripcion, l.cantidad, l.precio_unitario,
                           NVL(r_ped.porcentaje_descuento, 0),
                           CASE l.grava_iva WHEN 'S' THEN v_pct_iva ELSE 0 END)
      BULK COLLECT INTO v_lineas
      FROM ventas.pedido_lineas l
      JOIN inventario.productos pr ON pr.id_producto = l.id_producto
     WHERE l.id_pedido = p_id_pedido
     ORDER BY l.nro_linea;

    IF v_lineas.COUNT = 0 THEN
      RAISE_APPLICATION_ERROR(-20311, 'El pedido ' || p_id_pedido || ' no tiene líneas para facturar');
    END IF;

    FOR i IN 1 .. v_lineas.COUNT LOOP
      v_lineas(i).validar;
      IF v_lineas(i).porcentaje_iva > 0 THEN
        v_sub_iva := v_sub_iva + v_lineas(i).subtotal();
      ELSE
        v_sub_0 := v_sub_0 + v_lineas(i).subtotal();
      END IF;
      v_desc := v_desc + v_lineas(i).valor_descuento();
      v_iva  := v_iva + v_lineas(i).valor_iva();
    END LOOP;

    v_id := seq_facturas.NEXTVAL;

    INSERT INTO facturas (id_factura, numero_factura, id_pedido, id_cliente, fecha_emision, fecha_vencimiento,
                          subtotal_0, subtotal_iva, descuento, monto_iva, total, saldo, estado)
    VALUES (v_id, c_establecimiento || '-' || c_punto_emision || '-' || LPAD(v_id, 9, '0'),
            p_id_pedido, r_ped.id_cliente, SYSDATE, TRUNC(SYSDATE) + 30,
            v_sub_0, v_sub_iva, v_desc, v_iva, v_sub_0 + v_sub_iva - v_desc + v_iva,
            v_sub_0 + v_sub_iva - v_desc + v_iva, 'EMITIDA');

    INSERT INTO factura_lineas (id_factura, nro_linea, id_producto, descripcion, cantidad, precio_unitario,
                                porcentaje_descuento, porcentaje_iva, subtotal)
    SELECT v_id, ROWNUM, t.id_producto, t.descripcion, t.cantidad, t.precio_unitario,
           t.porcentaje_descuento, t.porcentaje_iva, t.subtotal()
      FROM TABLE(v_lineas) t;

    -- se calculan fuera del UPDATE: ambas funciones leen FACTURAS (ORA-04091)
    v_clave := fn_clave_acceso(v_id);
    UPDATE facturas SET clave_acceso = v_clave WHERE id_factura = v_id;

    v_xml := XMLTYPE(pkg_reportes.fn_xml_factura(v_id));
    UPDATE facturas SET xml_comprobante = v_xml WHERE id_factura = v_id;

    UPDATE ventas.pedidos SET estado = 'FACTURADO' WHERE id_pedido = p_id_pedido;

    seguridad.prc_registrar_auditoria(c_modulo, 'GENERAR', 'Pedido ' || p_id_pedido || ' -> factura ' || v_id);
    RETURN v_id;
  END generar_factura;

  PROCEDURE registrar_envio(p_id_factura IN NUMBER, p_request IN CLOB, p_response IN CLOB,
                            p_status IN NUMBER, p_estado IN VARCHAR2, p_mensaje IN VARCHAR2) IS
    v_id_envio envios_sri.id_envio%TYPE;
  BEGIN
    INSERT INTO envios_sri (id_envio, id_factura, fecha_envio, url, request_body, response_body, http_status, estado_respuesta, mensaje)
    VALUES (seq_envios.NEXTVAL, p_id_factura, SYSTIMESTAMP, g_url_api, p_request, p_response, p_status, p_estado, SUBSTR(p_mensaje, 1, 4000))
    RETURNING id_envio INTO v_id_envio;
    DBMS_OUTPUT.put_line('Envío ' || v_id_envio || ' factura ' || p_id_factura || ' HTTP ' || p_status);
  END registrar_envio;

  PROCEDURE enviar_factura(p_id_factura IN NUMBER) IS
    v_req          UTL_HTTP.req;
    v_resp         UTL_HTTP.resp;
    v_resp_abierta BOOLEAN := FALSE;
    v_body         CLOB;
    v_respuesta    CLOB;
    v_buffer       VARCHAR2(32767);
    v_offset       PLS_INTEGER := 1;
    v_chunk        PLS_INTEGER := 8000;
    v_intento      PLS_INTEGER := 0;
    v_estado_sri   VARCHAR2(30);
    v_autorizacion facturas.numero_autorizacion%TYPE;
    v_mensaje      VARCHAR2(4000);
    v_estado_fact  facturas.estado%TYPE;
  BEGIN
    SELECT estado INTO v_estado_fact FROM facturas WHERE id_factura = p_id_factura FOR UPDATE;
    IF v_estado_fact NOT IN ('EMITIDA', 'ENVIADA') THEN
      RAISE_APPLICATION_ERROR(-20320, 'La factura ' || p_id_factura || ' no puede enviarse en estado ' || v_estado_fact);
    END IF;

    SELECT JSON_OBJECT(
             'claveAcceso'  VALUE f.clave_acceso,
             'ambiente'     VALUE g_ambiente,
             'numero'       VALUE f.numero_factura,
             'fechaEmision' VALUE TO_CHAR(f.fecha_emision, 'DD/MM/YYYY'),
             'comprador'    VALUE JSON_OBJECT('tipoIdentificacion' VALUE DECODE(c.tipo_documento, 'RUC', '04', 'CED', '05', 'PAS', '06', '07'),
                                              'identificacion'     VALUE c.numero_documento,
                                              'razonSocial'        VALUE c.razon_social,
                                              'email'              VALUE c.email ABSENT ON NULL),
             'totales'      VALUE JSON_OBJECT('subtotal0' VALUE f.subtotal_0, 'subtotalIva' VALUE f.subtotal_iva,
                                              'descuento' VALUE f.descuento, 'iva' VALUE f.monto_iva, 'importeTotal' VALUE f.total),
             'detalles'     VALUE (SELECT JSON_ARRAYAGG(JSON_OBJECT('codigo' VALUE l.id_producto, 'descripcion' VALUE l.descripcion,
                                                                    'cantidad' VALUE l.cantidad, 'precioUnitario' VALUE l.precio_unitario,
                                                                    'tarifaIva' VALUE l.porcentaje_iva)
                                                        ORDER BY l.nro_linea RETURNING CLOB)
                                      FROM factura_lineas l WHERE l.id_factura = f.id_factura) FORMAT JSON,
             'infoAdicional' VALUE c_nota_ride
             RETURNING CLOB)
      INTO v_body
      FROM facturas f
      JOIN ventas.clientes c ON c.id_cliente = f.id_cliente
     WHERE f.id_factura = p_id_factura;

    <<reintentar>>
    LOOP
      v_intento := v_intento + 1;
      BEGIN
        UTL_HTTP.set_wallet(g_wallet, NULL);
        UTL_HTTP.set_transfer_timeout(30);
        v_req := UTL_HTTP.begin_request(g_url_api, 'POST', 'HTTP/1.1');
        UTL_HTTP.set_body_charset(v_req, 'UTF-8');
        UTL_HTTP.set_header(v_req, 'Content-Type', 'application/json; charset=utf-8');
        UTL_HTTP.set_header(v_req, 'Accept', 'application/json');
        UTL_HTTP.set_header(v_req, 'Authorization', 'Basic ' ||
          UTL_RAW.cast_to_varchar2(UTL_ENCODE.base64_encode(UTL_RAW.cast_to_raw(g_usuario || ':' || g_clave))));
        -- TODO: Content-Length en bytes, no en caracteres (falla con tildes). Ticket SD-4471
        UTL_HTTP.set_header(v_req, 'Content-Length', DBMS_LOB.getlength(v_body));

        v_offset := 1;
        WHILE v_offset <= DBMS_LOB.getlength(v_body) LOOP
          v_chunk := 8000;
          DBMS_LOB.read(v_body, v_chunk, v_offset, v_buffer);
          UTL_HTTP.write_text(v_req, v_buffer);
          v_offset := v_offset + v_chunk;
        END LOOP;

        v_resp := UTL_HTTP.get_response(v_req);
        v_resp_abierta := TRUE;

        DBMS_LOB.createtemporary(v_respuesta, TRUE);
        BEGIN
          LOOP
            UTL_HTTP.read_text(v_resp, v_buffer, 32767);
            DBMS_LOB.writeappend(v_respuesta, LENGTH(v_buffer), v_buffer);
          END LOOP;
        EXCEPTION
          WHEN UTL_HTTP.end_of_body THEN
            UTL_HTTP.end_response(v_resp);
            v_resp_abierta := FALSE;
        END;
        EXIT reintentar;
      EXCEPTION
        WHEN UTL_HTTP.transfer_timeout OR UTL_HTTP.request_failed THEN
          IF v_resp_abierta THEN
            UTL_HTTP.end_response(v_resp);
            v_resp_abierta := FALSE;
          END IF;
          IF v_intento >= 3 THEN
            registrar_envio(p_id_factura, v_body, NULL, NULL, 'ERROR_RED', UTL_HTTP.get_detailed_sqlerrm);
            UPDATE facturas SET intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
            RAISE_APPLICATION_ERROR(-20321, 'Servicio de autorización no disponible: ' || UTL_HTTP.get_detailed_sqlerrm);
          END IF;
          DBMS_LOCK.sleep(2 * v_intento);
      END;
    END LOOP reintentar;

    IF v_resp.status_code = UTL_HTTP.http_ok THEN
      SELECT JSON_VALUE(v_respuesta, '$.estado'),
             JSON_VALUE(v_respuesta, '$.numeroAutorizacion'),
             JSON_VALUE(v_respuesta, '$.mensajes[0].mensaje' NULL ON ERROR)
        INTO v_estado_sri, v_autorizacion, v_mensaje
        FROM dual;
    ELSE
      v_estado_sri := 'HTTP_' || v_resp.status_code;
      v_mensaje    := v_resp.reason_phrase || ': ' || DBMS_LOB.substr(v_respuesta, 3000, 1);
    END IF;

    registrar_envio(p_id_factura, v_body, v_respuesta, v_resp.status_code, v_estado_sri, v_mensaje);

    CASE v_estado_sri
      WHEN 'AUTORIZADO' THEN
        UPDATE facturas
           SET estado = 'AUTORIZADA',
               numero_autorizacion = v_autorizacion,
               fecha_autorizacion = SYSDATE,
               intentos_envio = intentos_envio + 1
         WHERE id_factura = p_id_factura;
        g_envios_ok := g_envios_ok + 1;
      WHEN 'DEVUELTA' THEN
        UPDATE facturas SET estado = 'RECHAZADA', intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
        seguridad.pkg_notificaciones.enviar_correo(
          p_para    => 'facturacion@empresa.example',
          p_asunto  => 'Factura ' || p_id_factura || ' devuelta por el SRI',
          p_mensaje => v_mensaje);
      ELSE
        UPDATE facturas SET estado = 'ENVIADA', intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
    END CASE;

    IF DBMS_LOB.istemporary(v_respuesta) = 1 THEN
      DBMS_LOB.freetemporary(v_respuesta);
    END IF;
  EXCEPTION
    WHEN OTHERS THEN
      IF v_resp_abierta THEN
        UTL_HTTP.end_response(v_resp);
      END IF;
      seguridad.prc_registrar_auditoria(c_modulo, 'ENVIO_ERROR', 'Factura ' || p_id_factura || ': ' || SQLERRM, SQLCODE);
      RAISE;
  END enviar_factura;

  PROCEDURE procesar_pendientes(p_max IN PLS_INTEGER DEFAULT 200) IS
    v_ok    PLS_INTEGER := 0;
    v_error PLS_INTEGER := 0;
  BEGIN
    FOR r IN (SELECT id_factura
                FROM (SELECT id_factura FROM facturas
                       WHERE estado IN ('EMITIDA', 'ENVIADA')
                         AND intentos_envio < c_max_intentos
                       ORDER BY fecha_emision)
               WHERE ROWNUM <= p_max)
    LOOP
      BEGIN
        enviar_factura(r.id_factura);
        COMMIT;
        v_ok := v_ok + 1;
      EXCEPTION
        WHEN OTHERS THEN
          ROLLBACK;
          v_error := v_error + 1;
      END;
    END LOOP;
    seguridad.prc_registrar_auditoria(c_modulo, 'LOTE', 'Enviadas OK: ' || v_ok || ', con error: ' || v_error);
  END procesar_pendientes;

BEGIN
  SELECT MAX(DECODE(codigo, 'SRI_URL_RECEPCION', valor)),
         MAX(DECODE(codigo, 'SRI_USUARIO', valor)),
         MAX(DECODE(codigo, 'SRI_CLAVE', valor)),
         MAX(DECODE(codigo, 'SRI_WALLET', valor)),
         NVL(MAX(DECODE(codigo, 'SRI_AMBIENTE', valor)), '1')
    INTO g_url_api, g_usuario, g_clave, g_wallet, g_ambiente
    FROM seguridad.parametros_sistema
   WHERE codigo LIKE 'SRI\_%' ESCAPE '\';
  -- la clave se guarda cifrada (AES-256)
  g_clave := seguridad.pkg_cripto.fn_descifrar(g_clave);
END pkg_factura_electronica;

/
SHOW ERRORS
