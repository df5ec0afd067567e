--------------------------------------------------------
--  DDL for Package PKG_CRIPTO
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE "SEGURIDAD"."PKG_CRIPTO" AS
  -- Utilidades criptográficas del back office.
  -- Requiere: GRANT EXECUTE ON SYS.DBMS_CRYPTO TO SEGURIDAD;

  c_max_intentos CONSTANT PLS_INTEGER := 3;

  FUNCTION fn_generar_sal RETURN VARCHAR2;
  FUNCTION fn_hash_clave(p_clave IN VARCHAR2, p_sal IN VARCHAR2) RETURN VARCHAR2;
  FUNCTION fn_cifrar(p_texto IN VARCHAR2) RETURN VARCHAR2;
  FUNCTION fn_descifrar(p_texto_b64 IN VARCHAR2) RETURN VARCHAR2;
  FUNCTION fn_validar_login(p_login IN VARCHAR2, p_clave IN VARCHAR2) RETURN BOOLEAN;
  PROCEDURE cambiar_clave(p_login IN VARCHAR2, p_clave_actual IN VARCHAR2, p_clave_nueva IN VARCHAR2);
END pkg_cripto;

/
--------------------------------------------------------
--  DDL for Package Body PKG_CRIPTO
--------------------------------------------------------

  CREATE OR REPLACE EDITIONABLE PACKAGE BODY "SEGURIDAD"."PKG_CRIPTO" AS

  c_tipo_cifrado CONSTANT PLS_INTEGER := DBMS_CRYPTO.ENCRYPT_AES256
                                       + DBMS_CRYPTO.CHAIN_CBC
                                       + DBMS_CRYPTO.PAD_PKCS5;

  -- Clave maestra: se lee una sola vez por sesión
  g_clave_maestra RAW(32);

  FUNCTION fn_clave_maestra RETURN RAW IS
    v_valor parametros_sistema.valor%TYPE;
  BEGIN
    IF g_clave_maestra IS NULL THEN
      SELECT valor INTO v_valor
        FROM parametros_sistema
       WHERE codigo = 'CLAVE_MAESTRA_AES';
      g_clave_maestra := HEXTORAW(v_valor);
    END IF;
    RETURN g_clave_maestra;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      RAISE_APPLICATION_ERROR(-20901, 'No está configurada la clave maestra de cifrado');
  END fn_clave_maestra;

  FUNCTION fn_generar_sal RETURN VARCHAR2 IS
  BEGIN
    RETURN RAWTOHEX(DBMS_CRYPTO.RANDOMBYTES(16));
  END fn_generar_sal;

  FUNCTION fn_hash_clave(p_clave IN VARCHAR2, p_sal IN VARCHAR2) RETURN VARCHAR2 IS
    v_hash RAW(32);
  BEGIN
    IF p_clave IS NULL THEN
      RAISE_APPLICATION_ERROR(-20902, 'La clave no puede ser vacía');
    END IF;
    v_hash := DBMS_CRYPTO.HASH(UTL_RAW.CAST_TO_RAW(p_clave || p_sal), DBMS_CRYPTO.HASH_SH256);
    -- 1000 iteraciones para encarecer ataques de diccionario
    FOR i IN 1 .. 1000 LOOP
      v_hash := DBMS_CRYPTO.HASH(UTL_RAW.CONCAT(v_hash, UTL_RAW.CAST_TO_RAW(p_sal)), DBMS_CRYPTO.HASH_SH256);
    END LOOP;
    RETURN LOWER(RAWTOHEX(v_hash));
  END fn_hash_clave;

  FUNCTION fn_cifrar(p_texto IN VARCHAR2) RETURN VARCHAR2 IS
    v_iv      RAW(16) := DBMS_CRYPTO.RANDOMBYTES(16);
    v_cifrado RAW(2000);
  BEGIN
    IF p_texto IS NULL THEN
      RETURN NULL;
    END IF;
    v_cifrado := DBMS_CRYPTO.ENCRYPT(src => UTL_I18N.STRING_TO_RAW(p_texto, 'AL32UTF8'),
                                     typ => c_tipo_cifrado,
                                     key => fn_clave_maestra,
                                     iv  => v_iv);
    -- se antepone el IV al texto cifrado y se codifica en base64
    RETURN UTL_RAW.CAST_TO_VARCHAR2(UTL_ENCODE.BASE64_ENCODE(UTL_RAW.CONCAT(v_iv, v_cifrado)));
  END fn_cifrar;

  FUNCTION fn_descifrar(p_texto_b64 IN VARCHAR2) RETURN VARCHAR2 IS
    v_todo RAW(2000);
    v_iv   RAW(16);
    v_dato RAW(2000);
  BEGIN
    IF p_texto_b64 IS NULL THEN
      RETURN NULL;
    END IF;
    v_todo := UTL_ENCODE.BASE64_DECODE(UTL_RAW.CAST_TO_RAW(p_texto_b64));
    v_iv   := UTL_RAW.SUBSTR(v_todo, 1, 16);
    v_dato := UTL_RAW.SUBSTR(v_todo, 17);
    RETURN UTL_I18N.RAW_TO_CHAR(
             DBMS_CRYPTO.DECRYPT(src => v_dato, typ => c_tipo_cifrado, key => fn_clave_maestra, iv => v_iv),
             'AL32UTF8');
  EXCEPTION
    WHEN OTHERS THEN
      prc_registrar_auditoria('PKG_CRIPTO', 'DESCIFRAR_ERROR', SQLERRM, SQLCODE);
      RAISE_APPLICATION_ERROR(-20903, 'No se pudo descifrar el valor: ' || SQLERRM);
  END fn_descifrar;

  FUNCTION fn_validar_login(p_login IN VARCHAR2, p_clave IN VARCHAR2) RETURN BOOLEAN IS
    r_usu usuarios%ROWTYPE;
  BEGIN
    SELECT * INTO r_usu FROM usuarios WHERE login = UPPER(p_login) FOR UPDATE;

    IF r_usu.estado <> 'ACTIVO' THEN
      prc_registrar_auditoria('LOGIN', 'RECHAZADO', 'Usuario ' || r_usu.login || ' en estado ' || r_usu.estado);
      RETURN FALSE;
    END IF;

    IF fn_hash_clave(p_clave, r_usu.sal) = r_usu.hash_clave THEN
      UPDATE usuarios
         SET intentos_fallidos = 0,
             fecha_ultimo_acceso = SYSDATE
       WHERE id_usuario = r_usu.id_usuario;
      prc_registrar_auditoria('LOGIN', 'OK', r_usu.login);
      RETURN TRUE;
    END IF;

    r_usu.intentos_fallidos := NVL(r_usu.intentos_fallidos, 0) + 1;
    UPDATE usuarios
       SET intentos_fallidos = r_usu.intentos_fallidos,
           estado = CASE WHEN r_usu.intentos_fallidos >= c_max_intentos THEN 'BLOQUEADO' ELSE estado END
     WHERE id_usuario = r_usu.id_usuario;

    prc_registrar_auditoria('LOGIN', 'FALLIDO',
                            r_usu.login || ' intento ' || r_usu.intentos_fallidos || ' de ' || c_max_intentos);
    RETURN FALSE;
  EXCEPTION
    WHEN NO_DATA_FOUND THEN
      prc_registrar_auditoria('LOGIN', 'DESCONOCIDO', UPPER(p_login));
      RETURN FALSE;
  END fn_validar_login;

  PROCEDURE cambiar_clave(p_login IN VARCHAR2, p_clave_actual IN VARCHAR2, p_clave_nueva IN VARCHAR2) IS
    v_sal usuarios.sal%TYPE;
  BEGIN
    IF NOT fn_validar_login(p_login, p_clave_actual) THEN
      RAISE_APPLICATION_ERROR(-20904, 'Clave actual incorrecta');
    END IF;
    IF LENGTH(p_clave_nueva) < 10
       OR NOT REGEXP_LIKE(p_clave_nueva, '[0-9]')
       OR NOT REGEXP_LIKE(p_clave_nueva, '[A-Z]') THEN
      RAISE_APPLICATION_ERROR(-20905, 'La clave debe tener al menos 10 caracteres, un número y una mayúscula');
    END IF;
    v_sal := fn_generar_sal;
    UPDATE usuarios
       SET sal = v_sal,
           hash_clave = fn_hash_clave(p_clave_nueva, v_sal)
     WHERE login = UPPER(p_login);
    prc_registrar_auditoria('SEGURIDAD', 'CAMBIO_CLAVE', UPPER(p_login));
  END cambiar_clave;

END pkg_cripto;

/
SHOW ERRORS
