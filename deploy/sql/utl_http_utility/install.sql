-- utl_http_utility: Oracle UTL_HTTP for Aurora PostgreSQL, through an HTTP-client Lambda.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Converted code keeps the shape of its UTL_HTTP calls:
--
--   r    := utl_http_utility.begin_request(url, 'POST');
--   PERFORM utl_http_utility.set_header(r, 'Content-Type', 'application/json');
--   PERFORM utl_http_utility.set_authentication(r, 'user', 'secret');        -- Basic
--   PERFORM utl_http_utility.write_text(r, body);
--   resp := utl_http_utility.get_response(r);                              -- calls the Lambda
--   IF resp.status_code <> 200 THEN ... END IF;                            -- 4xx/5xx are visible
--   text := utl_http_utility.read_text(resp);
--   PERFORM utl_http_utility.end_response(resp);
--
-- A request and a response are handles: the set_* and write_* functions change the state kept
-- for the handle in this session, so callers never reassign `r` after each call.
--
-- Errors are raised, never turned into NOTICEs or NULLs:
--   UH001  end of body: read_text, read_line or read_raw found nothing left to read
--          (Oracle's UTL_HTTP.END_OF_BODY; catch it with WHEN SQLSTATE 'UH001')
--   UH002  the HTTP request itself failed: timeout, connection refused, host not allowed
--   UH003  the Lambda could not be invoked or answered something else than the contract
--   22023  a wrapper was called with an invalid argument
--   55000  the request or response handle is not open in this session
-- No message, detail or NOTICE contains a password, a token or an Authorization header value.
--
-- Session state lives in custom settings (utl_http_utility.*), which also work on read
-- replicas where temporary tables cannot be created. It follows the transaction: a request
-- begun in a transaction that rolls back is gone.
--
-- Running this file twice is safe; it keeps nothing but the configuration rows below, which it
-- resets to the manifest's values.
--
-- Not covered, compared with Oracle UTL_HTTP: request bodies are text only (no write_raw);
-- a response body larger than about 5 MB is refused, as a Lambda answer is capped at 6 MB;
-- no cookie jar, persistent connections, proxy authentication or wallet (TLS client
-- certificates); set_response_error_check does not exist, so callers test status_code.
-- The caller's own statement text (with a literal password in it) can still reach the server
-- log through log_statement or log_min_error_statement: pass credentials in variables.

\set ON_ERROR_STOP on

BEGIN;

-- "already exists, skipping" notices say nothing on a re-run.
SET LOCAL client_min_messages = warning;

-- Aurora provides aws_lambda as an extension; a test database provides a stand-in schema of
-- the same signatures, which must then already be installed.
DO $$
BEGIN
    IF to_regnamespace('aws_lambda') IS NULL THEN
        CREATE EXTENSION aws_lambda CASCADE;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS utl_http_utility;

-- Oracle's UTL_HTTP.REQ and UTL_HTTP.RESP records; `id` is the session-local handle.
DO $$
BEGIN
    IF to_regtype('utl_http_utility.req') IS NULL THEN
        CREATE TYPE utl_http_utility.req AS (
            id integer,
            url text,
            method text,
            http_version text
        );
    END IF;
    IF to_regtype('utl_http_utility.resp') IS NULL THEN
        CREATE TYPE utl_http_utility.resp AS (
            status_code integer,
            reason_phrase text,
            http_version text,
            id integer
        );
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS utl_http_utility.config (
    key text PRIMARY KEY,
    value text NOT NULL,
    description text NOT NULL
);

INSERT INTO utl_http_utility.config (key, value, description) VALUES
    ('lambda_function',
     'arn:aws:lambda:us-east-1:123456789012:function:aurora-http-helper',
     'ARN of the HTTP-client Lambda that performs the requests'),
    ('lambda_region', 'us-east-1', 'Region of the HTTP-client Lambda'),
    ('lambda_timeout_seconds', '60',
     'Timeout of the Lambda itself; no request may ask for more'),
    ('default_transfer_timeout_seconds', '30',
     'Request timeout when neither the request nor the session sets one'),
    ('default_max_redirects', '3',
     'Redirects followed when the request does not set a limit'),
    ('default_max_retries', '2',
     'Retries of an idempotent request after a failed connection or a 429, 502, 503 or 504')
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, description = EXCLUDED.description;

-- Internal helpers. Their names start with an underscore (and never an underscore followed by
-- a type or table name, which would name that type's array type); converted code never calls
-- them.

CREATE OR REPLACE FUNCTION utl_http_utility._configured(p_key text) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_value text;
BEGIN
    SELECT c.value INTO v_value FROM utl_http_utility.config AS c WHERE c.key = p_key;
    IF v_value IS NULL THEN
        RAISE EXCEPTION 'utl_http_utility: configuration key "%" is missing', p_key
            USING ERRCODE = 'UH003',
                  HINT = 'Run install.sql again, or insert the key into utl_http_utility.config.';
    END IF;
    RETURN v_value;
END
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._setting(p_kind text, p_id integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'utl_http_utility.' || p_kind || '_' || p_id::text
$$;

-- The state of an open handle; a handle that was never opened, or was ended, is an error.
CREATE OR REPLACE FUNCTION utl_http_utility._load(p_kind text, p_id integer, p_caller text)
RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_state text := current_setting(utl_http_utility._setting(p_kind, p_id), true);
BEGIN
    IF p_id IS NULL OR v_state IS NULL OR v_state = '' THEN
        RAISE EXCEPTION 'utl_http_utility.%: % % is not open in this session', p_caller,
                CASE p_kind WHEN 'req' THEN 'request' ELSE 'response' END, coalesce(p_id::text, 'NULL')
            USING ERRCODE = '55000',
                  HINT = CASE p_kind
                      WHEN 'req' THEN 'Call begin_request first; get_response ends the request.'
                      ELSE 'Call get_response first; end_response ends the response.' END;
    END IF;
    RETURN v_state::jsonb;
END
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._store(p_kind text, p_id integer, p_state jsonb)
RETURNS void
LANGUAGE sql AS $$
    SELECT set_config(utl_http_utility._setting(p_kind, p_id), coalesce(p_state::text, ''), false);
    SELECT NULL::void
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._invalid(p_caller text, p_message text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'utl_http_utility.%: %', p_caller, p_message USING ERRCODE = '22023';
END
$$;

-- Strings that must never reach a message: the password or token, and the value of any header
-- that carries credentials, whether set_authentication or set_header put it there.
CREATE OR REPLACE FUNCTION utl_http_utility._secrets(p_request jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT array_remove(ARRAY[
               p_request #>> '{auth,password}',
               p_request #>> '{auth,token}',
               encode(convert_to((p_request #>> '{auth,username}') || ':'
                                 || (p_request #>> '{auth,password}'), 'UTF8'), 'base64')
           ] || coalesce((
               SELECT array_agg(h ->> 1)
               FROM jsonb_array_elements(p_request -> 'headers') AS h
               WHERE lower(h ->> 0) IN ('authorization', 'proxy-authorization', 'cookie',
                                         'x-api-key', 'api-key', 'x-auth-token')
           ), ARRAY[]::text[]), NULL)
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._redact(p_message text, p_secrets text[])
RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    v_secret text;
    v_message text := p_message;
BEGIN
    FOREACH v_secret IN ARRAY coalesce(p_secrets, ARRAY[]::text[]) LOOP
        IF length(v_secret) > 0 THEN
            v_message := replace(v_message, v_secret, '[redacted]');
        END IF;
    END LOOP;
    RETURN v_message;
END
$$;

-- The host of a URL, which messages name instead of the URL: a query string may hold a key.
CREATE OR REPLACE FUNCTION utl_http_utility._host(p_url text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT substring(p_url FROM '^[A-Za-z][A-Za-z0-9+.-]*://([^/?#]*)')
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._timeout_seconds(p_seconds integer, p_caller text)
RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_max integer := utl_http_utility._configured('lambda_timeout_seconds')::integer;
BEGIN
    IF p_seconds IS NULL OR p_seconds < 1 OR p_seconds > v_max THEN
        PERFORM utl_http_utility._invalid(p_caller, format(
            'timeout must be between 1 and %s seconds (the Lambda''s own timeout), got %s',
            v_max, coalesce(p_seconds::text, 'NULL')));
    END IF;
    RETURN p_seconds;
END
$$;

-- Requests.

CREATE OR REPLACE FUNCTION utl_http_utility.begin_request(
    url text,
    method text DEFAULT 'GET',
    http_version text DEFAULT NULL
) RETURNS utl_http_utility.req
LANGUAGE plpgsql AS $$
DECLARE
    v_method text := upper(coalesce(method, 'GET'));
    v_id integer := coalesce(nullif(current_setting('utl_http_utility.last_id', true), ''), '0')::integer + 1;
    v_timeout integer := coalesce(
        nullif(current_setting('utl_http_utility.transfer_timeout', true), ''),
        utl_http_utility._configured('default_transfer_timeout_seconds'))::integer;
BEGIN
    IF url IS NULL OR url !~* '^https?://[^/?#]' THEN
        PERFORM utl_http_utility._invalid('begin_request',
            'url must be an absolute http:// or https:// URL');
    END IF;
    IF utl_http_utility._host(url) LIKE '%@%' THEN
        PERFORM utl_http_utility._invalid('begin_request',
            'credentials in the URL are not supported; use set_authentication');
    END IF;
    IF v_method !~ '^[A-Z]+$' THEN
        PERFORM utl_http_utility._invalid('begin_request',
            format('method must be a word such as GET or POST, got %L', method));
    END IF;
    IF http_version IS NOT NULL AND http_version NOT IN ('HTTP/1.0', 'HTTP/1.1') THEN
        PERFORM utl_http_utility._invalid('begin_request',
            format('http_version must be HTTP/1.0 or HTTP/1.1, got %L', http_version));
    END IF;

    PERFORM set_config('utl_http_utility.last_id', v_id::text, false);
    PERFORM utl_http_utility._store('req', v_id, jsonb_build_object(
        'url', url,
        'method', v_method,
        'http_version', coalesce(http_version, 'HTTP/1.1'),
        'headers', '[]'::jsonb,
        'body', NULL,
        'auth', NULL,
        'timeout_ms', v_timeout * 1000,
        'max_redirects', utl_http_utility._configured('default_max_redirects')::integer,
        'max_retries', utl_http_utility._configured('default_max_retries')::integer));
    RETURN ROW(v_id, url, v_method, coalesce(http_version, 'HTTP/1.1'))::utl_http_utility.req;
END
$$;

-- Headers are sent in the order they were set; a name set twice sends both values, joined by
-- a comma as HTTP allows.
CREATE OR REPLACE FUNCTION utl_http_utility.set_header(
    r utl_http_utility.req,
    name text,
    value text DEFAULT NULL
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'set_header');
BEGIN
    IF name IS NULL OR name !~ '^[!#$%&''*+.^_`|~0-9A-Za-z-]+$' THEN
        PERFORM utl_http_utility._invalid('set_header',
            'header name must be a non-empty HTTP token (no spaces, colons or line breaks)');
    END IF;
    IF value ~ '[\r\n]' THEN
        -- The value is not shown: it may be a credential.
        PERFORM utl_http_utility._invalid('set_header',
            format('value of header %s contains a line break', name));
    END IF;
    v_state := jsonb_set(v_state, '{headers}',
        (v_state -> 'headers') || jsonb_build_array(jsonb_build_array(name, coalesce(value, ''))));
    PERFORM utl_http_utility._store('req', r.id, v_state);
END
$$;

-- Basic authentication sends username and password; Bearer sends the password argument as
-- the token and ignores the username. The Lambda builds the Authorization header.
CREATE OR REPLACE FUNCTION utl_http_utility.set_authentication(
    r utl_http_utility.req,
    username text,
    password text,
    scheme text DEFAULT 'Basic',
    for_proxy boolean DEFAULT false
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'set_authentication');
    v_auth jsonb;
BEGIN
    IF for_proxy THEN
        RAISE EXCEPTION 'utl_http_utility.set_authentication: proxy authentication is not supported'
            USING ERRCODE = '0A000';
    END IF;
    CASE lower(coalesce(scheme, 'Basic'))
        WHEN 'basic' THEN
            IF username IS NULL OR username LIKE '%:%' THEN
                PERFORM utl_http_utility._invalid('set_authentication',
                    'Basic authentication needs a username without a colon');
            END IF;
            v_auth := jsonb_build_object('scheme', 'Basic', 'username', username,
                                         'password', coalesce(password, ''));
        WHEN 'bearer' THEN
            IF password IS NULL OR password = '' THEN
                PERFORM utl_http_utility._invalid('set_authentication',
                    'Bearer authentication needs the token as the password argument');
            END IF;
            v_auth := jsonb_build_object('scheme', 'Bearer', 'token', password);
        ELSE
            PERFORM utl_http_utility._invalid('set_authentication',
                format('scheme must be Basic or Bearer, got %L', scheme));
    END CASE;
    PERFORM utl_http_utility._store('req', r.id, jsonb_set(v_state, '{auth}', v_auth));
END
$$;

-- For one request, as Oracle's set_transfer_timeout(r, timeout).
CREATE OR REPLACE FUNCTION utl_http_utility.set_transfer_timeout(
    r utl_http_utility.req,
    timeout integer DEFAULT 60
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'set_transfer_timeout');
    v_seconds integer := utl_http_utility._timeout_seconds(timeout, 'set_transfer_timeout');
BEGIN
    PERFORM utl_http_utility._store('req', r.id,
        jsonb_set(v_state, '{timeout_ms}', to_jsonb(v_seconds * 1000)));
END
$$;

-- For the requests this session begins from now on, as Oracle's set_transfer_timeout(timeout).
CREATE OR REPLACE FUNCTION utl_http_utility.set_transfer_timeout(timeout integer DEFAULT 60)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('utl_http_utility.transfer_timeout',
        utl_http_utility._timeout_seconds(timeout, 'set_transfer_timeout')::text, false);
END
$$;

-- 0 returns redirect responses to the caller instead of following them.
CREATE OR REPLACE FUNCTION utl_http_utility.set_follow_redirect(
    r utl_http_utility.req,
    max_redirects integer DEFAULT 3
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'set_follow_redirect');
BEGIN
    IF max_redirects IS NULL OR max_redirects < 0 OR max_redirects > 20 THEN
        PERFORM utl_http_utility._invalid('set_follow_redirect',
            format('max_redirects must be between 0 and 20, got %s',
                   coalesce(max_redirects::text, 'NULL')));
    END IF;
    PERFORM utl_http_utility._store('req', r.id,
        jsonb_set(v_state, '{max_redirects}', to_jsonb(max_redirects)));
END
$$;

-- Retries after a failed connection or a 429, 502, 503 or 504, for GET, HEAD, OPTIONS, PUT and
-- DELETE only: the Lambda never repeats a request the server may have acted on. The pauses
-- between attempts count against the transfer timeout. 0 never retries.
CREATE OR REPLACE FUNCTION utl_http_utility.set_max_retries(
    r utl_http_utility.req,
    max_retries integer DEFAULT 2
) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'set_max_retries');
BEGIN
    IF max_retries IS NULL OR max_retries < 0 OR max_retries > 5 THEN
        PERFORM utl_http_utility._invalid('set_max_retries',
            format('max_retries must be between 0 and 5, got %s',
                   coalesce(max_retries::text, 'NULL')));
    END IF;
    PERFORM utl_http_utility._store('req', r.id,
        jsonb_set(v_state, '{max_retries}', to_jsonb(max_retries)));
END
$$;

-- The body is sent exactly as written, as text: a JSON document is one string, never
-- encoded a second time.
CREATE OR REPLACE FUNCTION utl_http_utility.write_text(r utl_http_utility.req, data text)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('req', r.id, 'write_text');
BEGIN
    IF data IS NULL THEN
        RETURN;
    END IF;
    PERFORM utl_http_utility._store('req', r.id, jsonb_set(v_state, '{body}',
        to_jsonb(coalesce(v_state ->> 'body', '') || data)));
END
$$;

-- Oracle's write_line ends the line with CR LF.
CREATE OR REPLACE FUNCTION utl_http_utility.write_line(r utl_http_utility.req, data text DEFAULT NULL)
RETURNS void
LANGUAGE sql AS $$
    SELECT utl_http_utility.write_text(r, coalesce(data, '') || E'\r\n')
$$;

-- Ending a request that get_response already ended, or that was never begun, does nothing,
-- so cleanup code in exception handlers can always call it.
CREATE OR REPLACE FUNCTION utl_http_utility.end_request(r utl_http_utility.req)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF r.id IS NOT NULL THEN
        PERFORM utl_http_utility._store('req', r.id, NULL);
    END IF;
END
$$;

-- Responses.

-- Sends the request through the Lambda and ends it. An HTTP error status (4xx, 5xx) is a
-- response like any other, visible in status_code; only a failed request raises.
CREATE OR REPLACE FUNCTION utl_http_utility.get_response(r utl_http_utility.req)
RETURNS utl_http_utility.resp
LANGUAGE plpgsql AS $$
DECLARE
    v_request jsonb := utl_http_utility._load('req', r.id, 'get_response');
    v_secrets text[] := utl_http_utility._secrets(v_request);
    v_host text := utl_http_utility._host(v_request ->> 'url');
    v_function text := utl_http_utility._configured('lambda_function');
    v_invoke_status integer;
    v_result jsonb;
    v_message text;
BEGIN
    BEGIN
        SELECT i.status_code, i.payload::jsonb INTO v_invoke_status, v_result
        FROM aws_lambda.invoke(
            aws_commons.create_lambda_function_arn(v_function, utl_http_utility._configured('lambda_region')),
            v_request::json) AS i;
    EXCEPTION WHEN OTHERS THEN
        -- Re-raised with the credentials removed: the error of a failed invoke may quote the
        -- payload, and the payload carries them.
        GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
        RAISE EXCEPTION 'utl_http_utility.get_response: invoking % failed: %', v_function,
                utl_http_utility._redact(v_message, v_secrets)
            USING ERRCODE = 'UH003';
    END;

    IF v_invoke_status IS DISTINCT FROM 200 THEN
        RAISE EXCEPTION 'utl_http_utility.get_response: % answered invoke status %', v_function,
                coalesce(v_invoke_status::text, 'NULL')
            USING ERRCODE = 'UH003';
    END IF;
    IF v_result ? 'errorMessage' THEN
        RAISE EXCEPTION 'utl_http_utility.get_response: % failed: % %', v_function,
                coalesce(v_result ->> 'errorType', 'Error'),
                utl_http_utility._redact(v_result ->> 'errorMessage', v_secrets)
            USING ERRCODE = 'UH003';
    END IF;
    IF jsonb_typeof(v_result -> 'ok') IS DISTINCT FROM 'boolean' THEN
        RAISE EXCEPTION 'utl_http_utility.get_response: % answered no "ok" field', v_function
            USING ERRCODE = 'UH003', HINT = 'Deploy the HTTP-client Lambda rendered with this file.';
    END IF;
    IF NOT (v_result ->> 'ok')::boolean THEN
        RAISE EXCEPTION 'utl_http_utility.get_response: request to % failed: %', v_host,
                utl_http_utility._redact(v_result #>> '{error,message}', v_secrets)
            USING ERRCODE = 'UH002',
                  DETAIL = 'error code: ' || coalesce(v_result #>> '{error,code}', 'unknown');
    END IF;
    IF jsonb_typeof(v_result -> 'status_code') IS DISTINCT FROM 'number' THEN
        RAISE EXCEPTION 'utl_http_utility.get_response: % answered no status_code', v_function
            USING ERRCODE = 'UH003';
    END IF;

    PERFORM utl_http_utility._store('req', r.id, NULL);
    PERFORM utl_http_utility._store('resp', r.id, jsonb_build_object(
        'headers', coalesce(v_result -> 'headers', '[]'::jsonb),
        'body', coalesce(v_result ->> 'body', ''),
        'body_encoding', coalesce(v_result ->> 'body_encoding', 'text')));
    PERFORM set_config(utl_http_utility._setting('pos', r.id), '0', false);
    RETURN ROW((v_result ->> 'status_code')::integer, v_result ->> 'reason_phrase',
               v_result ->> 'http_version', r.id)::utl_http_utility.resp;
END
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._position(p_id integer) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting(utl_http_utility._setting('pos', p_id), true), ''), '0')::integer
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._advance(p_id integer, p_to integer) RETURNS void
LANGUAGE sql AS $$
    SELECT set_config(utl_http_utility._setting('pos', p_id), p_to::text, false);
    SELECT NULL::void
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._end_of_body(p_caller text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'utl_http_utility.%: end of response body', p_caller USING ERRCODE = 'UH001';
END
$$;

CREATE OR REPLACE FUNCTION utl_http_utility._text_body(p_state jsonb, p_caller text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF p_state ->> 'body_encoding' = 'base64' THEN
        RAISE EXCEPTION 'utl_http_utility.%: the response body is binary', p_caller
            USING ERRCODE = '22023', HINT = 'Read it with read_raw.';
    END IF;
    RETURN p_state ->> 'body';
END
$$;

-- Up to `len` characters of the body (all that is left when len is NULL); UH001 when none is left.
CREATE OR REPLACE FUNCTION utl_http_utility.read_text(r utl_http_utility.resp, len integer DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_body text := utl_http_utility._text_body(
        utl_http_utility._load('resp', r.id, 'read_text'), 'read_text');
    v_position integer := utl_http_utility._position(r.id);
    v_length integer := coalesce(len, length(v_body) - v_position);
BEGIN
    IF len IS NOT NULL AND len < 1 THEN
        PERFORM utl_http_utility._invalid('read_text', format('len must be positive, got %s', len));
    END IF;
    IF v_position >= length(v_body) THEN
        PERFORM utl_http_utility._end_of_body('read_text');
    END IF;
    PERFORM utl_http_utility._advance(r.id, least(v_position + v_length, length(v_body)));
    RETURN substr(v_body, v_position + 1, v_length);
END
$$;

-- The next line, with its line ending unless remove_crlf; UH001 when none is left.
CREATE OR REPLACE FUNCTION utl_http_utility.read_line(
    r utl_http_utility.resp,
    remove_crlf boolean DEFAULT false
) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_body text := utl_http_utility._text_body(
        utl_http_utility._load('resp', r.id, 'read_line'), 'read_line');
    v_position integer := utl_http_utility._position(r.id);
    v_rest text;
    v_end integer;
    v_line text;
BEGIN
    IF v_position >= length(v_body) THEN
        PERFORM utl_http_utility._end_of_body('read_line');
    END IF;
    v_rest := substr(v_body, v_position + 1);
    v_end := strpos(v_rest, E'\n');
    v_line := CASE WHEN v_end = 0 THEN v_rest ELSE left(v_rest, v_end) END;
    PERFORM utl_http_utility._advance(r.id, v_position + length(v_line));
    IF remove_crlf THEN
        v_line := regexp_replace(v_line, E'\r?\n$', '');
    END IF;
    RETURN v_line;
END
$$;

-- Up to `len` bytes of the body, text or binary; UH001 when none is left. Do not mix with
-- read_text on one response: read_raw counts bytes, read_text characters.
CREATE OR REPLACE FUNCTION utl_http_utility.read_raw(r utl_http_utility.resp, len integer DEFAULT NULL)
RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    v_state jsonb := utl_http_utility._load('resp', r.id, 'read_raw');
    v_body bytea := CASE v_state ->> 'body_encoding'
        WHEN 'base64' THEN decode(v_state ->> 'body', 'base64')
        ELSE convert_to(v_state ->> 'body', 'UTF8') END;
    v_position integer := utl_http_utility._position(r.id);
    v_length integer := coalesce(len, length(v_body) - v_position);
BEGIN
    IF len IS NOT NULL AND len < 1 THEN
        PERFORM utl_http_utility._invalid('read_raw', format('len must be positive, got %s', len));
    END IF;
    IF v_position >= length(v_body) THEN
        PERFORM utl_http_utility._end_of_body('read_raw');
    END IF;
    PERFORM utl_http_utility._advance(r.id, least(v_position + v_length, length(v_body)));
    RETURN substr(v_body, v_position + 1, v_length);
END
$$;

CREATE OR REPLACE FUNCTION utl_http_utility.get_header_count(r utl_http_utility.resp)
RETURNS integer
LANGUAGE sql AS $$
    SELECT jsonb_array_length(utl_http_utility._load('resp', r.id, 'get_header_count') -> 'headers')
$$;

-- The n-th header (from 1), as Oracle's get_header(r, n, name, value).
CREATE OR REPLACE FUNCTION utl_http_utility.get_header(
    r utl_http_utility.resp,
    n integer,
    OUT name text,
    OUT value text
)
LANGUAGE plpgsql AS $$
DECLARE
    v_headers jsonb := utl_http_utility._load('resp', r.id, 'get_header') -> 'headers';
BEGIN
    IF n IS NULL OR n < 1 OR n > jsonb_array_length(v_headers) THEN
        PERFORM utl_http_utility._invalid('get_header', format(
            'header %s does not exist; the response has %s', coalesce(n::text, 'NULL'),
            jsonb_array_length(v_headers)));
    END IF;
    name := v_headers -> (n - 1) ->> 0;
    value := v_headers -> (n - 1) ->> 1;
END
$$;

-- The n-th header of that name, compared without case; NULL when there is none.
CREATE OR REPLACE FUNCTION utl_http_utility.get_header_by_name(
    r utl_http_utility.resp,
    name text,
    n integer DEFAULT 1
) RETURNS text
LANGUAGE sql AS $$
    SELECT h.header ->> 1
    FROM jsonb_array_elements(utl_http_utility._load('resp', r.id, 'get_header_by_name') -> 'headers')
         WITH ORDINALITY AS h(header, position)
    WHERE lower(h.header ->> 0) = lower(name)
    ORDER BY h.position
    OFFSET greatest(coalesce(n, 1), 1) - 1
    LIMIT 1
$$;

CREATE OR REPLACE FUNCTION utl_http_utility.get_header(r utl_http_utility.resp, name text)
RETURNS text
LANGUAGE sql AS $$
    SELECT utl_http_utility.get_header_by_name(r, name, 1)
$$;

-- Oracle's UTL_HTTP.REQUEST(url): a GET that returns the body. Unlike Oracle, which returns
-- the first 2000 bytes, it returns the whole body, so converted code written around that limit
-- with REQUEST_PIECES can be simplified. As in Oracle, an HTTP error status does not raise:
-- the error page is returned; use begin_request and get_response to see the status.
CREATE OR REPLACE FUNCTION utl_http_utility.request(url text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_response utl_http_utility.resp :=
        utl_http_utility.get_response(utl_http_utility.begin_request(url));
    v_body text;
BEGIN
    BEGIN
        v_body := utl_http_utility.read_text(v_response);
    EXCEPTION WHEN SQLSTATE 'UH001' THEN
        v_body := '';
    END;
    PERFORM utl_http_utility.end_response(v_response);
    RETURN v_body;
END
$$;

-- Like end_request, ending a response twice does nothing.
CREATE OR REPLACE FUNCTION utl_http_utility.end_response(r utl_http_utility.resp)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF r.id IS NOT NULL THEN
        PERFORM utl_http_utility._store('resp', r.id, NULL);
        PERFORM set_config(utl_http_utility._setting('pos', r.id), '', false);
    END IF;
END
$$;

COMMIT;
