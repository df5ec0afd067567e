PACKAGE BODY pkg_clientes AS

  c_modulo CONSTANT VARCHAR2(30) := 'PKG_CLIENTES';

  PROCEDURE validar_documento(p_tipo IN VARCHAR2, p_numero IN VARCHAR2) IS
  BEGIN
    CASE p_tipo
      WHEN 'CED' THEN
        IF fn_validar_cedula(p_numero) = 'N' THEN
          RAISE_APPLICATION_ERROR(-20701, 'Cédula inválida: ' || p_numero);
        END IF;
      WHEN 'RUC' THEN
        IF LENGTH(p_numero) <> 13 OR SUBSTR(p_numero, -3) <> '001' THEN
          RAISE_APPLICATION_ERROR(-20702, 'RUC inválido: ' || p_numero);
        END IF;
      WHEN 'PAS' THEN
        NULL;
      ELSE
        RAISE_APPLICATION_ERROR(-20703, 'Tipo de documento no soportado: ' || p_tipo);
    END CASE;
  END validar_documento;

  FUNCTION crear_cliente(p_tipo_documento   IN clientes.tipo_documento%TYPE,
                         p_numero_documento IN clientes.numero_documento%TYPE,
                         p_razon_social     IN clientes.razon_social%TYPE,
                         p_email            IN clientes.email%TYPE DEFAULT NULL,
                         p_telefono         IN clientes.telefono%TYPE DEFAULT NULL)
    RETURN clientes.id_cliente%TYPE
  IS
    v_id clientes.id_cliente%TYPE;
  BEGIN
    validar_documento(UPPER(p_tipo_documento), TRIM(p_numero_documento));

    IF p_email IS NOT NULL AND seguridad.fn_validar_email(p_email) = 'N' THEN
      RAISE_APPLICATION_ERROR(-20704, 'Correo electrónico inválido: ' || p_email);
    END IF;

    INSERT INTO clientes (id_cliente, tipo_documento, numero_documento, razon_social, email, telefono,
                          categoria, limite_credito, saldo_pendiente, estado, fecha_alta)
    VALUES (seq_clientes.NEXTVAL, UPPER(p_tipo_documento), TRIM(p_numero_documento), TRIM(p_razon_social),
            LOWER(p_email), p_telefono, 'REGULAR', 0, 0, 'ACTIVO', SYSDATE)
    RETURNING id_cliente INTO v_id;

    RETURN v_id;
  EXCEPTION
    WHEN DUP_VAL_ON_INDEX THEN
      RAISE_APPLICATION_ERROR(-20705, 'Ya existe un cliente con documento ' || p_tipo_documento || ' ' || p_numero_documento);
  END crear_cliente;

  PROCEDURE crear_cliente(p_tipo_documento   IN clientes.tipo_documento%TYPE,
                          p_numero_documento IN clientes.numero_documento%TYPE,
                          p_razon_social     IN clientes.razon_social%TYPE,
                          p_email            IN clientes.email%TYPE DEFAULT NULL,
                          p_telefono         IN clientes.telefono%TYPE DEFAULT NULL)
  IS
    v_id clientes.id_cliente%TYPE;
  BEGIN
    v_id := crear_cliente(p_tipo_documento, p_numero_documento, p_razon_social, p_email, p_telefono);
  END crear_cliente;

  PROCEDURE actualizar_contacto(p_id_cliente IN NUMBER, p_email IN VARCHAR2, p_telefono IN VARCHAR2) IS
  BEGIN
    IF p_email IS NOT NULL AND seguridad.fn_validar_email(p_email) = 'N' THEN
      RAISE_APPLICATION_ERROR(-20704, 'Correo electrónico inválido: ' || p_email);
    END IF;

    UPDATE clientes
       SET email = NVL(LOWER(p_email), email),
           telefono = NVL(p_telefono, telefono),
           fecha_modificacion = SYSDATE,
           usuario_modificacion = USER
     WHERE id_cliente = p_id_cliente;

    IF SQL%NOTFOUND THEN
      RAISE_APPLICATION_ERROR(-20706, 'Cliente ' || p_id_cliente || ' no existe');
    END IF;
  END actualizar_contacto;

  FUNCTION buscar(p_id_cliente IN NUMBER) RETURN SYS_REFCURSOR IS
    v_cur SYS_REFCURSOR;
  BEGIN
    OPEN v_cur FOR
      SELECT c.*, fn_obtener_nombre_cliente(c.id_cliente) AS nombre_mostrar
        FROM clientes c
       WHERE c.id_cliente = p_id_cliente;
    RETURN v_cur;
  END buscar;

  FUNCTION buscar(p_texto IN VARCHAR2, p_max_filas IN PLS_INTEGER DEFAULT 50) RETURN SYS_REFCURSOR IS
    v_cur SYS_REFCURSOR;
  BEGIN
    OPEN v_cur FOR
      SELECT id_cliente, tipo_documento, numero_documento, razon_social, categoria, estado
        FROM clientes
       WHERE (UPPER(razon_social) LIKE '%' || UPPER(p_texto) || '%'
              OR numero_documento = p_texto)
         AND ROWNUM <= p_max_filas
       ORDER BY razon_social;
    RETURN v_cur;
  END buscar;

  PROCEDURE recategorizar(p_id_cliente IN NUMBER DEFAULT NULL) IS
    v_compras   NUMBER;
    v_nueva     clientes.categoria%TYPE;
    v_cambios   PLS_INTEGER := 0;
  BEGIN
    -- Reglas de categoría (compras de los últimos 12 meses):
    --   >= 50.000 VIP, >= 20.000 ORO, >= 5.000 PLATA, resto REGULAR
    FOR r IN (SELECT id_cliente, categoria FROM clientes
               WHERE estado = 'ACTIVO'
                 AND (p_id_cliente IS NULL OR id_cliente = p_id_cliente))
    LOOP
      v_compras := pkg_pedidos.fn_total_compras_cliente(r.id_cliente, 12);
      v_nueva := CASE
                   WHEN v_compras >= 50000 THEN 'VIP'
                   WHEN v_compras >= 20000 THEN 'ORO'
                   WHEN v_compras >= 5000  THEN 'PLATA'
                   ELSE 'REGULAR'
                 END;
      IF v_nueva <> NVL(r.categoria, 'REGULAR') THEN
        UPDATE clientes SET categoria = v_nueva, fecha_modificacion = SYSDATE WHERE id_cliente = r.id_cliente;
        v_cambios := v_cambios + 1;
      END IF;
    END LOOP;

    pkg_descuentos.limpiar_cache;
    seguridad.prc_registrar_auditoria(c_modulo, 'RECATEGORIZAR', 'Clientes recategorizados: ' || v_cambios);
  END recategorizar;

END pkg_clientes;
/
PACKAGE BODY pkg_notificaciones AS

  g_host      VARCHAR2(100);
  g_puerto    PLS_INTEGER := 25;
  g_remitente VARCHAR2(100) := 'backoffice@empresa.example';
  c_crlf      CONSTANT VARCHAR2(2) := UTL_TCP.crlf;
  c_limite    CONSTANT VARCHAR2(40) := '----=_Limite_BackOffice_7f3a';

  FUNCTION codificar_asunto(p_asunto IN VARCHAR2) RETURN VARCHAR2 IS
  BEGIN
    -- RFC 2047: asunto con tildes y eñes en base64
    RETURN '=?UTF-8?B?' ||
           UTL_RAW.cast_to_varchar2(UTL_ENCODE.base64_encode(UTL_I18N.string_to_raw(p_asunto, 'AL32UTF8'))) || '?=';
  END codificar_asunto;

  FUNCTION abrir_conexion(p_para IN VARCHAR2, p_asunto IN VARCHAR2) RETURN UTL_SMTP.connection IS
    v_con UTL_SMTP.connection;
  BEGIN
    v_con := UTL_SMTP.open_connection(g_host, g_puerto);
    UTL_SMTP.helo(v_con, 'oradb01.interno.local');
    UTL_SMTP.mail(v_con, g_remitente);
    UTL_SMTP.rcpt(v_con, p_para);
    UTL_SMTP.open_data(v_con);
    UTL_SMTP.write_data(v_con, 'From: Back Office <' || g_remitente || '>' || c_crlf);
    UTL_SMTP.write_data(v_con, 'To: ' || p_para || c_crlf);
    UTL_SMTP.write_data(v_con, 'Subject: ' || codificar_asunto(p_asunto) || c_crlf);
    UTL_SMTP.write_data(v_con, 'Date: ' || TO_CHAR(SYSTIMESTAMP, 'Dy, DD Mon YYYY HH24:MI:SS TZHTZM', 'NLS_DATE_LANGUAGE=ENGLISH') || c_crlf);
    UTL_SMTP.write_data(v_con, 'MIME-Version: 1.0' || c_crlf);
    RETURN v_con;
  END abrir_conexion;

  PROCEDURE enviar_correo(p_para    IN VARCHAR2,
                          p_asunto  IN VARCHAR2,
                          p_mensaje IN VARCHAR2,
                          p_html    IN BOOLEAN DEFAULT FALSE)
  IS
    v_con UTL_SMTP.connection;
  BEGIN
    v_con := abrir_conexion(p_para, p_asunto);
    UTL_SMTP.write_data(v_con, 'Content-Type: ' || CASE WHEN p_html THEN 'text/html' ELSE 'text/plain' END
                               || '; charset=UTF-8' || c_crlf);
    UTL_SMTP.write_data(v_con, 'Content-Transfer-Encoding: 8bit' || c_crlf || c_crlf);
    UTL_SMTP.write_raw_data(v_con, UTL_I18N.string_to_raw(p_mensaje, 'AL32UTF8'));
    UTL_SMTP.close_data(v_con);
    UTL_SMTP.quit(v_con);
  EXCEPTION
    WHEN UTL_SMTP.transient_error OR UTL_SMTP.permanent_error THEN
      BEGIN
        UTL_SMTP.quit(v_con);
      EXCEPTION
        WHEN OTHERS THEN NULL;
      END;
      prc_registrar_auditoria('NOTIFICACIONES', 'SMTP_ERROR', p_para || ': ' || SQLERRM, SQLCODE);
  END enviar_correo;

  PROCEDURE enviar_con_adjunto(p_para IN VARCHAR2, p_asunto IN VARCHAR2, p_mensaje IN VARCHAR2,
                               p_nombre_adjunto IN VARCHAR2, p_adjunto IN BLOB)
  IS
    v_con    UTL_SMTP.connection;
    v_largo  INTEGER;
    v_pos    INTEGER := 1;
    v_trozo  PLS_INTEGER := 57;   -- 57 bytes -> 76 caracteres base64 por línea
    v_raw    RAW(57);
  BEGIN
    v_con := abrir_conexion(p_para, p_asunto);
    UTL_SMTP.write_data(v_con, 'Content-Type: multipart/mixed; boundary="' || c_limite || '"' || c_crlf || c_crlf);

    UTL_SMTP.write_data(v_con, '--' || c_limite || c_crlf);
    UTL_SMTP.write_data(v_con, 'Content-Type: text/plain; charset=UTF-8' || c_crlf || c_crlf);
    UTL_SMTP.write_raw_data(v_con, UTL_I18N.string_to_raw(p_mensaje || c_crlf, 'AL32UTF8'));

    UTL_SMTP.write_data(v_con, '--' || c_limite || c_crlf);
    UTL_SMTP.write_data(v_con, 'Content-Type: application/octet-stream; name="' || p_nombre_adjunto || '"' || c_crlf);
    UTL_SMTP.write_data(v_con, 'Content-Transfer-Encoding: base64' || c_crlf);
    UTL_SMTP.write_data(v_con, 'Content-Disposition: attachment; filename="' || p_nombre_adjunto || '"' || c_crlf || c_crlf);

    v_largo := DBMS_LOB.getlength(p_adjunto);
    WHILE v_pos <= v_largo LOOP
      v_trozo := 57;
      DBMS_LOB.read(p_adjunto, v_trozo, v_pos, v_raw);
      UTL_SMTP.write_raw_data(v_con, UTL_ENCODE.base64_encode(v_raw));
      UTL_SMTP.write_data(v_con, c_crlf);
      v_pos := v_pos + v_trozo;
    END LOOP;

    UTL_SMTP.write_data(v_con, c_crlf || '--' || c_limite || '--' || c_crlf);
    UTL_SMTP.close_data(v_con);
    UTL_SMTP.quit(v_con);
  EXCEPTION
    WHEN OTHERS THEN
      BEGIN
        UTL_SMTP.quit(v_con);
      EXCEPTION
        WHEN OTHERS THEN NULL;
      END;
      prc_registrar_auditoria('NOTIFICACIONES', 'SMTP_ERROR', p_para || ' (adjunto): ' || SQLERRM, SQLCODE);
      RAISE;
  END enviar_con_adjunto;

BEGIN
  SELECT valor INTO g_host FROM parametros_sistema WHERE codigo = 'SMTP_HOST';
EXCEPTION
  WHEN NO_DATA_FOUND THEN
    g_host := 'localhost';
END pkg_notificaciones;
/
