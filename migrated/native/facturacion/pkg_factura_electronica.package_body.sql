-- FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE BODY) from extracted/ddl/FACTURACION/PKG_FACTURA_ELECTRONICA.sql:29
-- review (line 45): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- review (line 207): UTL_ENCODE.BASE64_ENCODE became encode(..., 'base64'), which breaks lines after 76 characters with LF where Oracle breaks them after 64 with CR LF
-- unsupported (line 281): DBMS_LOB has no equivalent on PostgreSQL; left as written. CLOB is text and BLOB bytea: length, substr, position, overlay and || replace the locator calls; temporary LOBs and piecewise writes become string building.
-- review (line 289): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 306): COMMIT inside a block with an EXCEPTION handler: PostgreSQL refuses it (cannot commit while a subtransaction is active)
-- review (line 318): the initialisation section runs in pkg_factura_electronica.package_initialization(), which each routine and state reader of the package calls first, as does an assignment to its state from elsewhere; like the state, whether it ran follows the transaction, so it runs again after a rollback

CREATE SCHEMA IF NOT EXISTS pkg_factura_electronica;

-- constant c_modulo
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_modulo() RETURNS varchar(30)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('FACT_ELECTRONICA')::varchar(30) $body$;

-- constant c_nota_ride
CREATE OR REPLACE FUNCTION pkg_factura_electronica.c_nota_ride() RETURNS varchar(400)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('Documento generado electrónicamente. No requiere firma autógrafa.
/
Consulte su comprobante en el portal del contribuyente con la clave de acceso.')::varchar(400) $body$;

-- package variable g_url_api: session setting pkg_factura_electronica.g_url_api
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_url_api() RETURNS varchar(400)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_url_api', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::varchar(400);
END;
$body$;

-- package variable g_usuario: session setting pkg_factura_electronica.g_usuario
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_usuario() RETURNS varchar(100)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_usuario', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::varchar(100);
END;
$body$;

-- package variable g_clave: session setting pkg_factura_electronica.g_clave
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_clave() RETURNS varchar(200)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_clave', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::varchar(200);
END;
$body$;

-- package variable g_wallet: session setting pkg_factura_electronica.g_wallet
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_wallet() RETURNS varchar(400)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_wallet', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::varchar(400);
END;
$body$;

-- package variable g_ambiente: session setting pkg_factura_electronica.g_ambiente
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_ambiente() RETURNS char(1)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_ambiente', true);
    IF v IS NULL THEN
        RETURN '1';
    END IF;
    RETURN nullif(v, '')::char(1);
END;
$body$;

-- package variable g_envios_ok: session setting pkg_factura_electronica.g_envios_ok
CREATE OR REPLACE FUNCTION pkg_factura_electronica.g_envios_ok() RETURNS integer
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    v := current_setting('pkg_factura_electronica.g_envios_ok', true);
    IF v IS NULL THEN
        RETURN 0;
    END IF;
    RETURN nullif(v, '')::integer;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_factura_electronica.package_initialization() RETURNS void
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    pkg_factura_electronica_g_ambiente char(1);
    pkg_factura_electronica_g_clave varchar(200);
    pkg_factura_electronica_g_url_api varchar(400);
    pkg_factura_electronica_g_usuario varchar(100);
    pkg_factura_electronica_g_wallet varchar(400);
BEGIN
    IF current_setting('pkg_factura_electronica._initialized', true) = 'yes' THEN
        RETURN;
    END IF;
    PERFORM set_config('pkg_factura_electronica._initialized', 'yes', false);
    BEGIN
        SELECT MAX(CASE codigo WHEN 'SRI_URL_RECEPCION' THEN valor END),
                  MAX(CASE codigo WHEN 'SRI_USUARIO' THEN valor END),
                  MAX(CASE codigo WHEN 'SRI_CLAVE' THEN valor END),
                  MAX(CASE codigo WHEN 'SRI_WALLET' THEN valor END),
                  coalesce(MAX(CASE codigo WHEN 'SRI_AMBIENTE' THEN valor END), '1')
             INTO STRICT pkg_factura_electronica_g_url_api, pkg_factura_electronica_g_usuario, pkg_factura_electronica_g_clave, pkg_factura_electronica_g_wallet, pkg_factura_electronica_g_ambiente
             FROM seguridad.parametros_sistema
            WHERE codigo LIKE 'SRI\_%' ESCAPE '\';
        PERFORM set_config('pkg_factura_electronica.g_url_api', coalesce(pkg_factura_electronica_g_url_api::text, ''), false);
        PERFORM set_config('pkg_factura_electronica.g_usuario', coalesce(pkg_factura_electronica_g_usuario::text, ''), false);
        PERFORM set_config('pkg_factura_electronica.g_clave', coalesce(pkg_factura_electronica_g_clave::text, ''), false);
        PERFORM set_config('pkg_factura_electronica.g_wallet', coalesce(pkg_factura_electronica_g_wallet::text, ''), false);
        PERFORM set_config('pkg_factura_electronica.g_ambiente', coalesce(pkg_factura_electronica_g_ambiente::text, ''), false);
        -- la clave se guarda cifrada (AES-256)
        PERFORM set_config('pkg_factura_electronica.g_clave', coalesce((pkg_cripto.fn_descifrar(pkg_factura_electronica.g_clave()))::text, ''), false);
    END;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_factura_electronica.fn_modulo11(p_cadena varchar)
RETURNS integer
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_suma integer := 0;
    v_factor integer := 2;
    v_dig integer;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    FOR i IN REVERSE LENGTH(p_cadena)..1 LOOP
        v_suma := v_suma + (oracle.substr(p_cadena, i, 1))::numeric * v_factor;
        v_factor := CASE WHEN v_factor = 7 THEN 2 ELSE v_factor + 1 END;
    END LOOP;
    v_dig := 11 - MOD(v_suma, 11);
    RETURN CASE v_dig WHEN 11 THEN 0 WHEN 10 THEN 1 ELSE v_dig END;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_factura_electronica.fn_clave_acceso(p_id_factura numeric)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_fecha facturas.fecha_emision%TYPE;
    v_numero facturas.numero_factura%TYPE;
    v_base varchar(48);
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    SELECT fecha_emision, numero_factura INTO STRICT v_fecha, v_numero FROM facturas WHERE id_factura = p_id_factura;
    v_base := concat(TO_CHAR(v_fecha, 'DDMMYYYY'), pkg_factura_electronica.c_tipo_comprobante(), pkg_factura_electronica.c_ruc_emisor(), pkg_factura_electronica.g_ambiente(), pkg_factura_electronica.c_establecimiento(), pkg_factura_electronica.c_punto_emision(), oracle.substr(v_numero, -9), lpad((MOD(p_id_factura * 7919, 100000000))::text, 8, '0'), '1');
    RETURN concat(v_base, pkg_factura_electronica.fn_modulo11(v_base));
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_factura_electronica.generar_factura(p_id_pedido numeric)
RETURNS numeric
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_ped ventas.pedidos%ROWTYPE;
    v_lineas facturacion.t_linea_factura[];
    v_id facturas.id_factura%TYPE;
    v_sub_0 numeric := 0;
    v_sub_iva numeric := 0;
    v_desc numeric := 0;
    v_iva numeric := 0;
    v_pct_iva numeric;
    v_clave facturas.clave_acceso%TYPE;
    v_xml xml;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    SELECT * INTO STRICT r_ped FROM ventas.pedidos WHERE id_pedido = p_id_pedido FOR UPDATE;
    IF r_ped.estado <> 'APROBADO' THEN
        RAISE EXCEPTION USING ERRCODE = 'U0310', MESSAGE = concat('Solo se facturan pedidos APROBADOS; el pedido ', p_id_pedido, ' está ', r_ped.estado);
    END IF;
    SELECT (valor)::numeric INTO STRICT v_pct_iva FROM seguridad.parametros_sistema WHERE codigo = 'IVA_PORCENTAJE';
    SELECT coalesce(array_agg(ROW(l.id_producto, pr.descripcion, l.cantidad, l.precio_unitario, coalesce(r_ped.porcentaje_descuento, 0), CASE l.grava_iva WHEN 'S' THEN v_pct_iva ELSE 0 END)::facturacion.t_linea_factura ORDER BY l.nro_linea), '{}') INTO v_lineas
         FROM ventas.pedido_lineas l
         JOIN inventario.productos pr ON pr.id_producto = l.id_producto
        WHERE l.id_pedido = p_id_pedido;
    IF coalesce(cardinality(v_lineas), 0) = 0 THEN
        RAISE EXCEPTION USING ERRCODE = 'U0311', MESSAGE = concat('El pedido ', p_id_pedido, ' no tiene líneas para facturar');
    END IF;
    FOR i IN 1..coalesce(cardinality(v_lineas), 0) LOOP
        CALL t_linea_factura.validar(v_lineas[i]);
        IF (v_lineas[i]).porcentaje_iva > 0 THEN
            v_sub_iva := v_sub_iva + t_linea_factura.subtotal(v_lineas[i]);
        ELSE
            v_sub_0 := v_sub_0 + t_linea_factura.subtotal(v_lineas[i]);
        END IF;
        v_desc := v_desc + t_linea_factura.valor_descuento(v_lineas[i]);
        v_iva := v_iva + t_linea_factura.valor_iva(v_lineas[i]);
    END LOOP;
    v_id := nextval('seq_facturas');
    INSERT INTO facturas (id_factura, numero_factura, id_pedido, id_cliente, fecha_emision, fecha_vencimiento,
                              subtotal_0, subtotal_iva, descuento, monto_iva, total, saldo, estado)
        VALUES (v_id, concat(pkg_factura_electronica.c_establecimiento(), '-', pkg_factura_electronica.c_punto_emision(), '-', lpad((v_id)::text, 9, '0')),
                p_id_pedido, r_ped.id_cliente, clock_timestamp()::timestamp(0), TRUNC(clock_timestamp()::timestamp(0)) + interval '30 day',
                v_sub_0, v_sub_iva, v_desc, v_iva, v_sub_0 + v_sub_iva - v_desc + v_iva,
                v_sub_0 + v_sub_iva - v_desc + v_iva, 'EMITIDA');
    INSERT INTO factura_lineas (id_factura, nro_linea, id_producto, descripcion, cantidad, precio_unitario,
                                    porcentaje_descuento, porcentaje_iva, subtotal)
        SELECT v_id, ROWNUM, t.id_producto, t.descripcion, t.cantidad, t.precio_unitario,
               t.porcentaje_descuento, t.porcentaje_iva, t.subtotal()
          FROM unnest(v_lineas) t;
    -- se calculan fuera del UPDATE: ambas funciones leen FACTURAS (ORA-04091)
    v_clave := pkg_factura_electronica.fn_clave_acceso(v_id);
    UPDATE facturas SET clave_acceso = v_clave WHERE id_factura = v_id;
    v_xml := xmlparse(document pkg_reportes.fn_xml_factura(v_id));
    UPDATE facturas SET xml_comprobante = v_xml WHERE id_factura = v_id;
    UPDATE ventas.pedidos SET estado = 'FACTURADO' WHERE id_pedido = p_id_pedido;
    CALL seguridad.prc_registrar_auditoria(pkg_factura_electronica.c_modulo(), 'GENERAR', concat('Pedido ', p_id_pedido, ' -> factura ', v_id));
    RETURN v_id;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_factura_electronica.registrar_envio(
    p_id_factura numeric,
    p_request text,
    p_response text,
    p_status numeric,
    p_estado varchar,
    p_mensaje varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_id_envio envios_sri.id_envio%TYPE;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    INSERT INTO envios_sri (id_envio, id_factura, fecha_envio, url, request_body, response_body, http_status, estado_respuesta, mensaje)
        VALUES (nextval('seq_envios'), p_id_factura, clock_timestamp(), pkg_factura_electronica.g_url_api(), p_request, p_response, p_status, p_estado, SUBSTR(p_mensaje, 1, 4000))
        RETURNING id_envio INTO v_id_envio;
    RAISE NOTICE '%', concat('Envío ', v_id_envio, ' factura ', p_id_factura, ' HTTP ', p_status);
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_factura_electronica.enviar_factura(p_id_factura numeric)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_req utl_http_utility.req;
    v_resp utl_http_utility.resp;
    v_resp_abierta boolean := FALSE;
    v_body text;
    v_respuesta text;
    v_buffer varchar(32767);
    v_offset integer := 1;
    v_chunk integer := 8000;
    v_intento integer := 0;
    v_estado_sri varchar(30);
    v_autorizacion facturas.numero_autorizacion%TYPE;
    v_mensaje varchar(4000);
    v_estado_fact facturas.estado%TYPE;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    SELECT estado INTO STRICT v_estado_fact FROM facturas WHERE id_factura = p_id_factura FOR UPDATE;
    IF v_estado_fact NOT IN ('EMITIDA', 'ENVIADA') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0320', MESSAGE = concat('La factura ', p_id_factura, ' no puede enviarse en estado ', v_estado_fact);
    END IF;
    SELECT JSON_OBJECT(
                'claveAcceso'  VALUE f.clave_acceso,
                'ambiente'     VALUE pkg_factura_electronica.g_ambiente(),
                'numero'       VALUE f.numero_factura,
                'fechaEmision' VALUE TO_CHAR(f.fecha_emision, 'DD/MM/YYYY'),
                'comprador'    VALUE JSON_OBJECT('tipoIdentificacion' VALUE CASE c.tipo_documento WHEN 'RUC' THEN '04' WHEN 'CED' THEN '05' WHEN 'PAS' THEN '06' ELSE '07' END,
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
                'infoAdicional' VALUE pkg_factura_electronica.c_nota_ride()
                RETURNING CLOB)
         INTO STRICT v_body
         FROM facturas f
         JOIN ventas.clientes c ON c.id_cliente = f.id_cliente
        WHERE f.id_factura = p_id_factura;
    <<reintentar>>
    LOOP
        v_intento := v_intento + 1;
        BEGIN
            PERFORM utl_http_utility.set_wallet(pkg_factura_electronica.g_wallet(), NULL);
            PERFORM utl_http_utility.set_transfer_timeout(30);
            v_req := utl_http_utility.begin_request(pkg_factura_electronica.g_url_api(), 'POST', 'HTTP/1.1');
            PERFORM utl_http_utility.set_body_charset(v_req, 'UTF-8');
            PERFORM utl_http_utility.set_header(v_req, 'Content-Type', 'application/json; charset=utf-8');
            PERFORM utl_http_utility.set_header(v_req, 'Accept', 'application/json');
            PERFORM utl_http_utility.set_header(v_req, 'Authorization', concat('Basic ', convert_from(convert_to(encode(convert_to(concat(pkg_factura_electronica.g_usuario(), ':', pkg_factura_electronica.g_clave()), 'UTF8'), 'base64'), 'UTF8'), 'UTF8')));
            -- TODO: Content-Length en bytes, no en caracteres (falla con tildes). Ticket SD-4471
            PERFORM utl_http_utility.set_header(v_req, 'Content-Length', length(v_body));
            v_offset := 1;
            WHILE v_offset <= length(v_body) LOOP
                v_chunk := 8000;
                IF v_offset > coalesce(length(v_body), 0) THEN
                    RAISE no_data_found;
                END IF;
                v_buffer := substr(v_body, trunc(v_offset)::integer, trunc(v_chunk)::integer);
                v_chunk := length(v_buffer);
                PERFORM utl_http_utility.write_text(v_req, v_buffer);
                v_offset := v_offset + v_chunk;
            END LOOP;
            v_resp := utl_http_utility.get_response(v_req);
            v_resp_abierta := TRUE;
            v_respuesta := '';
            BEGIN
                LOOP
                    v_buffer := utl_http_utility.read_text(v_resp, 32767);
                    v_respuesta := v_respuesta || v_buffer;
                END LOOP;
            EXCEPTION
                WHEN SQLSTATE 'UH001' THEN
                    PERFORM utl_http_utility.end_response(v_resp);
                    v_resp_abierta := FALSE;
            END;
            EXIT reintentar;
        EXCEPTION
            WHEN SQLSTATE 'UH002' OR SQLSTATE 'UH002' THEN
                IF v_resp_abierta THEN
                    PERFORM utl_http_utility.end_response(v_resp);
                    v_resp_abierta := FALSE;
                END IF;
                IF v_intento >= 3 THEN
                    CALL pkg_factura_electronica.registrar_envio(p_id_factura, v_body, NULL, NULL, 'ERROR_RED', utl_http_utility.get_detailed_sqlerrm);
                    UPDATE facturas SET intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
                    RAISE EXCEPTION USING ERRCODE = 'U0321', MESSAGE = concat('Servicio de autorización no disponible: ', utl_http_utility.get_detailed_sqlerrm);
                END IF;
                PERFORM pg_sleep(2 * v_intento);
        END;
    END LOOP reintentar;
    IF v_resp.status_code = utl_http_utility.http_ok THEN
        SELECT JSON_VALUE(v_respuesta, '$.estado'),
                 JSON_VALUE(v_respuesta, '$.numeroAutorizacion'),
                 JSON_VALUE(v_respuesta, '$.mensajes[0].mensaje' NULL ON ERROR)
            INTO STRICT v_estado_sri, v_autorizacion, v_mensaje;
    ELSE
        v_estado_sri := concat('HTTP_', v_resp.status_code);
        v_mensaje := concat(v_resp.reason_phrase, ': ', substr(v_respuesta, 1, 3000));
    END IF;
    CALL pkg_factura_electronica.registrar_envio(p_id_factura, v_body, v_respuesta, v_resp.status_code, v_estado_sri, v_mensaje);
    CASE v_estado_sri
        WHEN 'AUTORIZADO' THEN
            UPDATE facturas
                  SET estado = 'AUTORIZADA',
                      numero_autorizacion = v_autorizacion,
                      fecha_autorizacion = clock_timestamp()::timestamp(0),
                      intentos_envio = intentos_envio + 1
                WHERE id_factura = p_id_factura;
            PERFORM set_config('pkg_factura_electronica.g_envios_ok', coalesce((pkg_factura_electronica.g_envios_ok() + 1)::text, ''), false);
        WHEN 'DEVUELTA' THEN
            UPDATE facturas SET estado = 'RECHAZADA', intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
            CALL pkg_notificaciones.enviar_correo(p_para    => 'facturacion@empresa.example', p_asunto  => concat('Factura ', p_id_factura, ' devuelta por el SRI'), p_mensaje => v_mensaje);
        ELSE
            UPDATE facturas SET estado = 'ENVIADA', intentos_envio = intentos_envio + 1 WHERE id_factura = p_id_factura;
    END CASE;
    IF DBMS_LOB.istemporary(v_respuesta) = 1 THEN
        v_respuesta := NULL;
    END IF;
EXCEPTION
    WHEN OTHERS THEN
        IF v_resp_abierta THEN
            PERFORM utl_http_utility.end_response(v_resp);
        END IF;
        CALL seguridad.prc_registrar_auditoria(pkg_factura_electronica.c_modulo(), 'ENVIO_ERROR', concat('Factura ', p_id_factura, ': ', SQLERRM), (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_factura_electronica.procesar_pendientes(p_max integer DEFAULT 200)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r record;
    v_ok integer := 0;
    v_error integer := 0;
BEGIN
    PERFORM pkg_factura_electronica.package_initialization();
    FOR r IN SELECT id_factura
        FROM (SELECT id_factura FROM facturas
               WHERE estado IN ('EMITIDA', 'ENVIADA')
                 AND intentos_envio < pkg_factura_electronica.c_max_intentos()
               ORDER BY fecha_emision) LIMIT p_max LOOP
        BEGIN
            CALL pkg_factura_electronica.enviar_factura(r.id_factura);
            COMMIT;
            v_ok := v_ok + 1;
        EXCEPTION
            WHEN OTHERS THEN
                ROLLBACK;
                v_error := v_error + 1;
        END;
    END LOOP;
    CALL seguridad.prc_registrar_auditoria(pkg_factura_electronica.c_modulo(), 'LOTE', concat('Enviadas OK: ', v_ok, ', con error: ', v_error));
END;
$body$;
