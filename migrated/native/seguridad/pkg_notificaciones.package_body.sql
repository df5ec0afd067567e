-- SEGURIDAD.PKG_NOTIFICACIONES (PACKAGE BODY) from extracted/all_source/packages_body.sql:132
-- review (line 135): PLS_INTEGER (here and below) became integer: PostgreSQL truncates integer division where Oracle rounds the result on assignment
-- unsupported (line 137): UTL_TCP has no equivalent on PostgreSQL; left as written
-- review (line 144): UTL_ENCODE.BASE64_ENCODE became encode(..., 'base64'), which breaks lines after 76 characters with LF where Oracle breaks them after 64 with CR LF
-- unsupported (line 147): type UTL_SMTP.CONNECTION has no PostgreSQL equivalent
-- unsupported (line 148): type UTL_SMTP.CONNECTION has no PostgreSQL equivalent
-- unsupported (line 150): UTL_SMTP has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 151): UTL_SMTP.HELO has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 152): UTL_SMTP.MAIL has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 153): UTL_SMTP.RCPT has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 154): UTL_SMTP.OPEN_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 155): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 156): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 157): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- review (line 158): TO_CHAR: the NLS argument was left out
-- unsupported (line 158): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 159): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 168): type UTL_SMTP.CONNECTION has no PostgreSQL equivalent
-- unsupported (line 171): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 173): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 174): UTL_SMTP.WRITE_RAW_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 175): UTL_SMTP.CLOSE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 176): UTL_SMTP.QUIT has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- review (line 178): exception UTL_SMTP.PERMANENT_ERROR is not declared where the translator can see it; SQLSTATE 'U1I0U' stands for it
-- review (line 178): exception UTL_SMTP.TRANSIENT_ERROR is not declared where the translator can see it; SQLSTATE 'U1L90' stands for it
-- unsupported (line 180): UTL_SMTP.QUIT has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- review (line 184): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- unsupported (line 190): type UTL_SMTP.CONNECTION has no PostgreSQL equivalent
-- unsupported (line 197): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 199): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 200): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 201): UTL_SMTP.WRITE_RAW_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 203): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 204): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 205): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 206): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- review (line 212): UTL_ENCODE.BASE64_ENCODE became encode(..., 'base64'), which breaks lines after 76 characters with LF where Oracle breaks them after 64 with CR LF
-- unsupported (line 212): UTL_SMTP.WRITE_RAW_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 213): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 217): UTL_SMTP.WRITE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 218): UTL_SMTP.CLOSE_DATA has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 219): UTL_SMTP.QUIT has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- unsupported (line 223): UTL_SMTP.QUIT has no equivalent on PostgreSQL; left as written. No outbound SMTP from Aurora: build the message as data and send it from a Lambda with Amazon SES (aws_lambda.invoke), or from an outbox table.
-- review (line 227): SQLCODE is computed from SQLSTATE: exact for application errors (-20000..-20999) and NO_DATA_FOUND, -1 for the rest
-- review (line 232): the initialisation section runs in pkg_notificaciones.package_initialization(), which each routine and state reader of the package calls first, as does an assignment to its state from elsewhere; like the state, whether it ran follows the transaction, so it runs again after a rollback

CREATE SCHEMA IF NOT EXISTS pkg_notificaciones;

-- package variable g_host: session setting pkg_notificaciones.g_host
CREATE OR REPLACE FUNCTION pkg_notificaciones.g_host() RETURNS varchar(100)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v := current_setting('pkg_notificaciones.g_host', true);
    IF v IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN nullif(v, '')::varchar(100);
END;
$body$;

-- package variable g_puerto: session setting pkg_notificaciones.g_puerto
CREATE OR REPLACE FUNCTION pkg_notificaciones.g_puerto() RETURNS integer
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v := current_setting('pkg_notificaciones.g_puerto', true);
    IF v IS NULL THEN
        RETURN 25;
    END IF;
    RETURN nullif(v, '')::integer;
END;
$body$;

-- package variable g_remitente: session setting pkg_notificaciones.g_remitente
CREATE OR REPLACE FUNCTION pkg_notificaciones.g_remitente() RETURNS varchar(100)
LANGUAGE plpgsql STABLE
AS $body$
DECLARE
    v text;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v := current_setting('pkg_notificaciones.g_remitente', true);
    IF v IS NULL THEN
        RETURN 'backoffice@empresa.example';
    END IF;
    RETURN nullif(v, '')::varchar(100);
END;
$body$;

-- constant c_crlf
CREATE OR REPLACE FUNCTION pkg_notificaciones.c_crlf() RETURNS varchar(2)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT (UTL_TCP.crlf)::varchar(2) $body$;

-- constant c_limite
CREATE OR REPLACE FUNCTION pkg_notificaciones.c_limite() RETURNS varchar(40)
LANGUAGE sql IMMUTABLE
AS $body$ SELECT ('----=_Limite_BackOffice_7f3a')::varchar(40) $body$;

CREATE OR REPLACE FUNCTION pkg_notificaciones.package_initialization() RETURNS void
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    pkg_notificaciones_g_host varchar(100);
BEGIN
    IF current_setting('pkg_notificaciones._initialized', true) = 'yes' THEN
        RETURN;
    END IF;
    PERFORM set_config('pkg_notificaciones._initialized', 'yes', false);
    BEGIN
        SELECT valor INTO STRICT pkg_notificaciones_g_host FROM parametros_sistema WHERE codigo = 'SMTP_HOST';
        PERFORM set_config('pkg_notificaciones.g_host', coalesce(pkg_notificaciones_g_host::text, ''), false);
    EXCEPTION
        WHEN no_data_found THEN
            PERFORM set_config('pkg_notificaciones.g_host', coalesce(('localhost')::text, ''), false);
    END;
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_notificaciones.codificar_asunto(p_asunto varchar)
RETURNS varchar
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    -- RFC 2047: asunto con tildes y eñes en base64
    RETURN concat('=?UTF-8?B?', convert_from(convert_to(encode(convert_to(p_asunto, 'UTF8'), 'base64'), 'UTF8'), 'UTF8'), '?=');
END;
$body$;

CREATE OR REPLACE FUNCTION pkg_notificaciones.abrir_conexion(
    p_para varchar,
    p_asunto varchar
)
RETURNS UTL_SMTP.connection
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_con UTL_SMTP.connection;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v_con := UTL_SMTP.open_connection(pkg_notificaciones.g_host(), pkg_notificaciones.g_puerto());
    CALL utl_smtp.helo(v_con, 'oradb01.interno.local');
    CALL utl_smtp.mail(v_con, pkg_notificaciones.g_remitente());
    CALL utl_smtp.rcpt(v_con, p_para);
    CALL utl_smtp.open_data(v_con);
    CALL utl_smtp.write_data(v_con, concat('From: Back Office <', pkg_notificaciones.g_remitente(), '>', pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('To: ', p_para, pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Subject: ', pkg_notificaciones.codificar_asunto(p_asunto), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Date: ', to_char(clock_timestamp(), 'Dy, DD Mon YYYY HH24:MI:SS TZHTZM'), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('MIME-Version: 1.0', pkg_notificaciones.c_crlf()));
    RETURN v_con;
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_notificaciones.enviar_correo(
    p_para varchar,
    p_asunto varchar,
    p_mensaje varchar,
    p_html boolean DEFAULT FALSE
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_con UTL_SMTP.connection;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v_con := pkg_notificaciones.abrir_conexion(p_para, p_asunto);
    CALL utl_smtp.write_data(v_con, concat('Content-Type: ', CASE WHEN p_html THEN 'text/html' ELSE 'text/plain' END, '; charset=UTF-8', pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Content-Transfer-Encoding: 8bit', pkg_notificaciones.c_crlf(), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_raw_data(v_con, convert_to(p_mensaje, 'UTF8'));
    CALL utl_smtp.close_data(v_con);
    CALL utl_smtp.quit(v_con);
EXCEPTION
    WHEN SQLSTATE 'U1L90' OR SQLSTATE 'U1I0U' THEN
        BEGIN
            CALL utl_smtp.quit(v_con);
        EXCEPTION
            WHEN OTHERS THEN
                NULL;
        END;
        CALL prc_registrar_auditoria('NOTIFICACIONES', 'SMTP_ERROR', concat(p_para, ': ', SQLERRM), (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
END;
$body$;

CREATE OR REPLACE PROCEDURE pkg_notificaciones.enviar_con_adjunto(
    p_para varchar,
    p_asunto varchar,
    p_mensaje varchar,
    p_nombre_adjunto varchar,
    p_adjunto bytea
)
LANGUAGE plpgsql
AS $body$
#variable_conflict use_column
DECLARE
    v_con UTL_SMTP.connection;
    v_largo numeric(38);
    v_pos numeric(38) := 1;
    v_trozo integer := 57;
    -- 57 bytes -> 76 caracteres base64 por línea
    v_raw bytea;
BEGIN
    PERFORM pkg_notificaciones.package_initialization();
    v_con := pkg_notificaciones.abrir_conexion(p_para, p_asunto);
    CALL utl_smtp.write_data(v_con, concat('Content-Type: multipart/mixed; boundary="', pkg_notificaciones.c_limite(), '"', pkg_notificaciones.c_crlf(), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('--', pkg_notificaciones.c_limite(), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Content-Type: text/plain; charset=UTF-8', pkg_notificaciones.c_crlf(), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_raw_data(v_con, convert_to(concat(p_mensaje, pkg_notificaciones.c_crlf()), 'UTF8'));
    CALL utl_smtp.write_data(v_con, concat('--', pkg_notificaciones.c_limite(), pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Content-Type: application/octet-stream; name="', p_nombre_adjunto, '"', pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Content-Transfer-Encoding: base64', pkg_notificaciones.c_crlf()));
    CALL utl_smtp.write_data(v_con, concat('Content-Disposition: attachment; filename="', p_nombre_adjunto, '"', pkg_notificaciones.c_crlf(), pkg_notificaciones.c_crlf()));
    v_largo := length(p_adjunto);
    WHILE v_pos <= v_largo LOOP
        v_trozo := 57;
        IF v_pos > coalesce(length(p_adjunto), 0) THEN
            RAISE no_data_found;
        END IF;
        v_raw := substr(p_adjunto, trunc(v_pos)::integer, trunc(v_trozo)::integer);
        v_trozo := length(v_raw);
        CALL utl_smtp.write_raw_data(v_con, convert_to(encode(v_raw, 'base64'), 'UTF8'));
        CALL utl_smtp.write_data(v_con, pkg_notificaciones.c_crlf());
        v_pos := v_pos + v_trozo;
    END LOOP;
    CALL utl_smtp.write_data(v_con, concat(pkg_notificaciones.c_crlf(), '--', pkg_notificaciones.c_limite(), '--', pkg_notificaciones.c_crlf()));
    CALL utl_smtp.close_data(v_con);
    CALL utl_smtp.quit(v_con);
EXCEPTION
    WHEN OTHERS THEN
        BEGIN
            CALL utl_smtp.quit(v_con);
        EXCEPTION
            WHEN OTHERS THEN
                NULL;
        END;
        CALL prc_registrar_auditoria('NOTIFICACIONES', 'SMTP_ERROR', concat(p_para, ' (adjunto): ', SQLERRM), (CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END));
        RAISE;
END;
$body$;
