-- SEGURIDAD.PKG_CRIPTO (PACKAGE BODY) from extracted/ddl/SEGURIDAD/PKG_CRIPTO.sql:24
-- review (line 26): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- unsupported (line 26): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 27): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 28): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 50): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 59): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 62): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 68): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- unsupported (line 74): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- review (line 79): UTL_ENCODE.BASE64_ENCODE became encode(..., 'base64'), which breaks lines after 76 characters with LF where Oracle breaks them after 64 with CR LF
-- unsupported (line 94): DBMS_CRYPTO has no equivalent on PostgreSQL; left as written. pgcrypto: digest, hmac, encrypt/decrypt (or pgp_sym_*); match algorithm, chaining and padding exactly, and re-test against data encrypted in Oracle.
-- review (line 98): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest

CREATE SCHEMA IF NOT EXISTS pkg_cripto;

-- constant c_tipo_cifrado
CREATE OR REPLACE FUNCTION pkg_cripto.c_tipo_cifrado() RETURNS integer
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (DBMS_CRYPTO.ENCRYPT_AES256
                                       + DBMS_CRYPTO.CHAIN_CBC
                                       + DBMS_CRYPTO.PAD_PKCS5)::integer $body$;

-- package variable g_clave_maestra: session setting pkg_cripto.g_clave_maestra
CREATE OR REPLACE FUNCTION pkg_cripto.g_clave_maestra() RETURNS bytea
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text := current_setting('pkg_cripto.g_clave_maestra', true);
BEGIN
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::bytea;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_clave_maestra()
RETURNS bytea
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_valor parametros_sistema.valor%TYPE;
BEGIN
    IF pkg_cripto.g_clave_maestra() IS NULL THEN
        SELECT valor INTO STRICT v_valor
             FROM parametros_sistema
            WHERE codigo = 'CLAVE_MAESTRA_AES';
        PERFORM set_config('pkg_cripto.g_clave_maestra', coalesce((decode(v_valor, 'hex'))::text, ''), false);
    END IF;
    RETURN pkg_cripto.g_clave_maestra();
EXCEPTION
    WHEN no_data_found THEN
        RAISE EXCEPTION USING ERRCODE = 'U0901', MESSAGE = 'No está configurada la clave maestra de cifrado';
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_generar_sal()
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    RETURN upper(encode(DBMS_CRYPTO.RANDOMBYTES(16), 'hex'));
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_hash_clave(
    p_clave varchar,
    p_sal varchar
)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_hash bytea;
BEGIN
    IF p_clave IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'U0902', MESSAGE = 'La clave no puede ser vacía';
    END IF;
    v_hash := DBMS_CRYPTO.HASH(convert_to(concat(p_clave, p_sal), 'UTF8'), DBMS_CRYPTO.HASH_SH256);
    -- 1000 iteraciones para encarecer ataques de diccionario
    FOR i IN 1..1000 LOOP
        v_hash := DBMS_CRYPTO.HASH(nullif(coalesce(v_hash, ''::bytea) || coalesce(convert_to(p_sal, 'UTF8'), ''::bytea), ''::bytea), DBMS_CRYPTO.HASH_SH256);
    END LOOP;
    RETURN LOWER(upper(encode(v_hash, 'hex')));
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_cifrar(p_texto varchar)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_iv bytea := DBMS_CRYPTO.RANDOMBYTES(16);
    v_cifrado bytea;
BEGIN
    IF p_texto IS NULL THEN
        RETURN NULL;
    END IF;
    v_cifrado := DBMS_CRYPTO.ENCRYPT(src => convert_to(p_texto, 'UTF8'),
        typ => pkg_cripto.c_tipo_cifrado(),
        key => pkg_cripto.fn_clave_maestra(),
        iv  => v_iv);
    -- se antepone el IV al texto cifrado y se codifica en base64
    RETURN convert_from(convert_to(encode(nullif(coalesce(v_iv, ''::bytea) || coalesce(v_cifrado, ''::bytea), ''::bytea), 'base64'), 'UTF8'), 'UTF8');
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_descifrar(p_texto_b64 varchar)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_todo bytea;
    v_iv bytea;
    v_dato bytea;
BEGIN
    IF p_texto_b64 IS NULL THEN
        RETURN NULL;
    END IF;
    v_todo := decode(convert_from(convert_to(p_texto_b64, 'UTF8'), 'UTF8'), 'base64');
    v_iv := substr(v_todo, 1, 16);
    v_dato := substr(v_todo, 17);
    RETURN convert_from(DBMS_CRYPTO.DECRYPT(src => v_dato, typ => pkg_cripto.c_tipo_cifrado(), key => pkg_cripto.fn_clave_maestra(), iv => v_iv), 'UTF8');
EXCEPTION
    WHEN OTHERS THEN
        CALL prc_registrar_auditoria('PKG_CRIPTO', 'DESCIFRAR_ERROR', SQLERRM, (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE EXCEPTION USING ERRCODE = 'U0903', MESSAGE = concat('No se pudo descifrar el valor: ', SQLERRM);
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_cripto.fn_validar_login(
    p_login varchar,
    p_clave varchar
)
RETURNS boolean
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    r_usu usuarios%ROWTYPE;
BEGIN
    SELECT * INTO STRICT r_usu FROM usuarios WHERE login = UPPER(p_login) FOR UPDATE;
    IF r_usu.estado <> 'ACTIVO' THEN
        CALL prc_registrar_auditoria('LOGIN', 'RECHAZADO', concat('Usuario ', r_usu.login, ' en estado ', r_usu.estado));
        RETURN FALSE;
    END IF;
    IF pkg_cripto.fn_hash_clave(p_clave, r_usu.sal) = r_usu.hash_clave THEN
        UPDATE usuarios
              SET intentos_fallidos = 0,
                  fecha_ultimo_acceso = clock_timestamp()::timestamp(0)
            WHERE id_usuario = r_usu.id_usuario;
        CALL prc_registrar_auditoria('LOGIN', 'OK', r_usu.login);
        RETURN TRUE;
    END IF;
    r_usu.intentos_fallidos := coalesce(r_usu.intentos_fallidos, 0) + 1;
    UPDATE usuarios
          SET intentos_fallidos = r_usu.intentos_fallidos,
              estado = CASE WHEN r_usu.intentos_fallidos >= pkg_cripto.c_max_intentos() THEN 'BLOQUEADO' ELSE estado END
        WHERE id_usuario = r_usu.id_usuario;
    CALL prc_registrar_auditoria('LOGIN', 'FALLIDO', concat(r_usu.login, ' intento ', r_usu.intentos_fallidos, ' de ', pkg_cripto.c_max_intentos()));
    RETURN FALSE;
EXCEPTION
    WHEN no_data_found THEN
        CALL prc_registrar_auditoria('LOGIN', 'DESCONOCIDO', UPPER(p_login));
        RETURN FALSE;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_cripto.cambiar_clave(
    p_login varchar,
    p_clave_actual varchar,
    p_clave_nueva varchar
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_sal usuarios.sal%TYPE;
BEGIN
    IF NOT pkg_cripto.fn_validar_login(p_login, p_clave_actual) THEN
        RAISE EXCEPTION USING ERRCODE = 'U0904', MESSAGE = 'Clave actual incorrecta';
    END IF;
    IF LENGTH(p_clave_nueva) < 10
        OR NOT REGEXP_LIKE(p_clave_nueva, '[0-9]')
        OR NOT REGEXP_LIKE(p_clave_nueva, '[A-Z]') THEN
        RAISE EXCEPTION USING ERRCODE = 'U0905', MESSAGE = 'La clave debe tener al menos 10 caracteres, un número y una mayúscula';
    END IF;
    v_sal := pkg_cripto.fn_generar_sal();
    UPDATE usuarios
          SET sal = v_sal,
              hash_clave = pkg_cripto.fn_hash_clave(p_clave_nueva, v_sal)
        WHERE login = UPPER(p_login);
    CALL prc_registrar_auditoria('SEGURIDAD', 'CAMBIO_CLAVE', UPPER(p_login));
END;
$body$;
