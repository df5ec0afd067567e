-- pgTAP tests of deploy/sql/utl_http_utility against the aws_lambda stand-in.
--
-- Run from the repository root by tests/deploy/run.sh, in a fresh database that already has
-- pgTAP and aws_lambda_stand_in.sql. The requests and responses are the contract fixtures under
-- tests/deploy/contract/, which the Lambda's own tests also use.

\set ON_ERROR_STOP on
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset pager off

\set get_json `cat tests/deploy/contract/get_json.json`
\set post_json_basic `cat tests/deploy/contract/post_json_basic.json`
\set put_text_bearer `cat tests/deploy/contract/put_text_bearer.json`
\set not_found `cat tests/deploy/contract/not_found.json`
\set binary `cat tests/deploy/contract/binary.json`
\set timeout `cat tests/deploy/contract/timeout.json`

-- Installing twice must work and leave one configuration.
\i deploy/sql/utl_http_utility/install.sql
\i deploy/sql/utl_http_utility/install.sql

CREATE SCHEMA t;
CREATE TABLE t.fixtures (name text PRIMARY KEY, doc jsonb NOT NULL);
INSERT INTO t.fixtures VALUES
    ('get_json', :'get_json'), ('post_json_basic', :'post_json_basic'),
    ('put_text_bearer', :'put_text_bearer'), ('not_found', :'not_found'),
    ('binary', :'binary'), ('timeout', :'timeout');

CREATE FUNCTION t.fixture(p_name text) RETURNS jsonb LANGUAGE sql AS $$
    SELECT doc FROM t.fixtures WHERE name = p_name
$$;

-- Queues the fixture's response as the stand-in's next answer.
CREATE FUNCTION t.expect(p_name text) RETURNS void LANGUAGE sql AS $$
    SELECT lambda_stand_in.reset();
    SELECT lambda_stand_in.queue(t.fixture(p_name) -> 'response');
$$;

-- The error a statement raises, as {sqlstate, message, detail, hint}; NULL if it raises none.
CREATE FUNCTION t.error_of(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_message text; v_detail text; v_hint text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT,
        v_detail = PG_EXCEPTION_DETAIL, v_hint = PG_EXCEPTION_HINT;
    RETURN jsonb_build_object('sqlstate', v_state, 'message', v_message,
                              'detail', nullif(v_detail, ''), 'hint', nullif(v_hint, ''));
END
$$;

-- Whether any of the contract's credentials appears in a text.
CREATE FUNCTION t.has_secret(p_text text) RETURNS boolean LANGUAGE sql AS $$
    SELECT p_text LIKE '%s3cr3t-pässword%' OR p_text LIKE '%tok-3f9a2c71%'
        OR p_text LIKE '%hdr-secret-42%'
        OR p_text LIKE '%' || encode(convert_to('app-user:s3cr3t-pässword', 'UTF8'), 'base64') || '%'
$$;

-- The exchanges of the contract, as converted code would write them.

CREATE FUNCTION t.run_get_json() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req;
    resp utl_http_utility.resp;
    v_first text;
    v_rest text;
    v_header record;
BEGIN
    r := utl_http_utility.begin_request('http://contract.test/orders/42?expand=lines');
    PERFORM utl_http_utility.set_header(r, 'Accept', 'application/json');
    resp := utl_http_utility.get_response(r);
    v_first := utl_http_utility.read_text(resp, 5);
    v_rest := utl_http_utility.read_text(resp);
    SELECT * INTO v_header FROM utl_http_utility.get_header(resp, 2);
    RETURN jsonb_build_object(
        'status', resp.status_code, 'reason', resp.reason_phrase, 'version', resp.http_version,
        'first', v_first, 'rest', v_rest,
        'count', utl_http_utility.get_header_count(resp),
        'content_type', utl_http_utility.get_header(resp, 'Content-Type'),
        'header_2', jsonb_build_array(v_header.name, v_header.value),
        'missing_header', utl_http_utility.get_header_by_name(resp, 'X-Missing'),
        'read_past_end', t.error_of(format('SELECT utl_http_utility.read_text(%L::utl_http_utility.resp)', resp)),
        'request_after_response', t.error_of(format(
            'SELECT utl_http_utility.set_header(%L::utl_http_utility.req, ''A'', ''b'')', r)),
        'end_request_after_response', t.error_of(format(
            'SELECT utl_http_utility.end_request(%L::utl_http_utility.req)', r)),
        'ended', (SELECT t.error_of(format('SELECT utl_http_utility.end_response(%L::utl_http_utility.resp);
                                            SELECT utl_http_utility.read_text(%L::utl_http_utility.resp)', resp, resp))));
END
$$;

CREATE FUNCTION t.run_post_json_basic() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req;
    resp utl_http_utility.resp;
    v_document text := '{"name":"Añil \"azul\"","qty":3}';
BEGIN
    r := utl_http_utility.begin_request('http://contract.test/orders', 'post');
    PERFORM utl_http_utility.set_header(r, 'Content-Type', 'application/json; charset=utf-8');
    PERFORM utl_http_utility.set_authentication(r, 'app-user', 's3cr3t-pässword');
    PERFORM utl_http_utility.write_text(r, v_document);
    resp := utl_http_utility.get_response(r);
    RETURN jsonb_build_object('status', resp.status_code, 'reason', resp.reason_phrase,
        'location', utl_http_utility.get_header(resp, 'location'),
        'body', utl_http_utility.read_text(resp));
END
$$;

CREATE FUNCTION t.run_put_text_bearer() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req;
    resp utl_http_utility.resp;
BEGIN
    r := utl_http_utility.begin_request('http://contract.test/notes/7', 'PUT', 'HTTP/1.1');
    PERFORM utl_http_utility.set_header(r, 'Content-Type', 'text/plain');
    PERFORM utl_http_utility.set_authentication(r, NULL, 'tok-3f9a2c71', 'Bearer');
    PERFORM utl_http_utility.set_transfer_timeout(r, 5);
    PERFORM utl_http_utility.set_max_retries(r, 0);
    PERFORM utl_http_utility.write_line(r, 'first line');
    PERFORM utl_http_utility.write_line(r, 'segunda línea');
    resp := utl_http_utility.get_response(r);
    RETURN jsonb_build_object('status', resp.status_code, 'reason', resp.reason_phrase,
        'header_count', utl_http_utility.get_header_count(resp),
        'read_empty', t.error_of(format('SELECT utl_http_utility.read_text(%L::utl_http_utility.resp)', resp)));
END
$$;

CREATE FUNCTION t.run_not_found(p_remove_crlf boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req;
    resp utl_http_utility.resp;
    v_lines jsonb := '[]';
BEGIN
    r := utl_http_utility.begin_request('http://contract.test/orders/404');
    resp := utl_http_utility.get_response(r);
    -- Oracle-style: read lines until end_of_body.
    BEGIN
        LOOP
            v_lines := v_lines || to_jsonb(utl_http_utility.read_line(resp, p_remove_crlf));
        END LOOP;
    EXCEPTION WHEN SQLSTATE 'UH001' THEN
        PERFORM utl_http_utility.end_response(resp);
    END;
    RETURN jsonb_build_object('status', resp.status_code, 'reason', resp.reason_phrase, 'lines', v_lines);
END
$$;

CREATE FUNCTION t.run_binary() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req := utl_http_utility.begin_request('http://contract.test/logo.png');
    resp utl_http_utility.resp := utl_http_utility.get_response(r);
    v_head bytea := utl_http_utility.read_raw(resp, 4);
    v_tail bytea := utl_http_utility.read_raw(resp);
BEGIN
    RETURN jsonb_build_object('bytes', encode(v_head || v_tail, 'hex'),
        'head', encode(v_head, 'hex'),
        'as_text', t.error_of(format('SELECT utl_http_utility.read_text(%L::utl_http_utility.resp)', resp)));
END
$$;

-- The failing get_response rolls back what the stand-in recorded, so the request is read
-- from the session state just before it is sent; get_response sends that state unchanged.
CREATE FUNCTION t.run_timeout(p_send boolean) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req := utl_http_utility.begin_request('http://contract.test/slow');
BEGIN
    PERFORM utl_http_utility.set_transfer_timeout(r, 1);
    IF NOT p_send THEN
        RETURN utl_http_utility._load('req', r.id, 'test');
    END IF;
    PERFORM utl_http_utility.get_response(r);
    RETURN NULL;
END
$$;

-- A request with every kind of credential, for the failure tests.
CREATE FUNCTION t.run_with_credentials() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req := utl_http_utility.begin_request('http://contract.test/orders?key=1', 'POST');
BEGIN
    PERFORM utl_http_utility.set_header(r, 'X-Api-Key', 'hdr-secret-42');
    PERFORM utl_http_utility.set_authentication(r, 'app-user', 's3cr3t-pässword');
    PERFORM utl_http_utility.write_text(r, '{}');
    PERFORM utl_http_utility.get_response(r);
END
$$;

SELECT no_plan();

-- Installation.
SELECT has_schema('utl_http_utility');
SELECT has_type('utl_http_utility', 'req', 'type req exists');
SELECT has_type('utl_http_utility', 'resp', 'type resp exists');
SELECT has_function('utl_http_utility', f, 'function ' || f || ' exists')
FROM unnest(ARRAY['begin_request', 'set_header', 'set_authentication', 'set_transfer_timeout',
                  'set_follow_redirect', 'set_max_retries', 'write_text', 'write_line', 'get_response', 'read_text',
                  'read_line', 'read_raw', 'get_header', 'get_header_by_name',
                  'get_header_count', 'end_response', 'end_request', 'request']) AS f;
SELECT is((SELECT count(*)::integer FROM utl_http_utility.config), 6,
          'installing twice leaves one row per configuration key');
SELECT is(utl_http_utility._configured('lambda_function'),
          'arn:aws:lambda:us-east-1:123456789012:function:aurora-http-helper',
          'the Lambda ARN comes from the manifest');

-- get_json: a GET with a header; the body is read in two pieces.
SELECT t.expect('get_json');
CREATE TABLE t.get_json AS SELECT t.run_get_json() AS got;
SELECT is(lambda_stand_in.last_payload(), t.fixture('get_json') -> 'request',
          'get_json: the payload is exactly the contract request');
SELECT is((SELECT function_name || ' ' || region FROM lambda_stand_in.calls),
          'arn:aws:lambda:us-east-1:123456789012:function:aurora-http-helper us-east-1',
          'get_json: the configured function and region are invoked');
SELECT is((SELECT got -> 'status' FROM t.get_json), '200', 'get_json: status 200');
SELECT is((SELECT got ->> 'first' || (got ->> 'rest') FROM t.get_json),
          t.fixture('get_json') #>> '{response,body}', 'get_json: read_text pieces join to the body');
SELECT is((SELECT got ->> 'first' FROM t.get_json), '{"id"', 'get_json: read_text(resp, 5) reads 5 characters');
SELECT is((SELECT got ->> 'content_type' FROM t.get_json), 'application/json',
          'get_json: get_header by name ignores case');
SELECT is((SELECT got -> 'count' FROM t.get_json), '2', 'get_json: get_header_count');
SELECT is((SELECT got -> 'header_2' FROM t.get_json), '["content-type", "application/json"]',
          'get_json: get_header(resp, n) gives name and value');
SELECT is((SELECT got -> 'missing_header' FROM t.get_json), 'null', 'get_json: an absent header is NULL');
SELECT is((SELECT got #>> '{read_past_end,sqlstate}' FROM t.get_json), 'UH001',
          'get_json: reading past the end raises UH001 (end_of_body)');
SELECT is((SELECT got #>> '{request_after_response,sqlstate}' FROM t.get_json), '55000',
          'get_json: get_response ends the request');
SELECT is((SELECT got -> 'end_request_after_response' FROM t.get_json), 'null',
          'get_json: end_request after get_response does nothing');
SELECT is((SELECT got #>> '{ended,sqlstate}' FROM t.get_json), '55000',
          'get_json: a response is unreadable after end_response');

-- post_json_basic: a JSON body with Basic authentication.
SELECT t.expect('post_json_basic');
CREATE TABLE t.post_json_basic AS SELECT t.run_post_json_basic() AS got;
SELECT is(lambda_stand_in.last_payload(), t.fixture('post_json_basic') -> 'request',
          'post_json_basic: the payload is exactly the contract request');
SELECT is(jsonb_typeof(lambda_stand_in.last_payload() -> 'body'), 'string',
          'post_json_basic: the JSON body travels as one string');
SELECT is((lambda_stand_in.last_payload() ->> 'body')::jsonb, '{"name": "Añil \"azul\"", "qty": 3}',
          'post_json_basic: the body string is the document, encoded once');
SELECT is((SELECT got -> 'status' FROM t.post_json_basic), '201', 'post_json_basic: status 201');
SELECT is((SELECT got ->> 'location' FROM t.post_json_basic), '/orders/43', 'post_json_basic: Location header');
SELECT is((SELECT got ->> 'body' FROM t.post_json_basic), '{"created":true}', 'post_json_basic: body');

-- put_text_bearer: write_line, Bearer, a per-request timeout, an empty 204.
SELECT t.expect('put_text_bearer');
CREATE TABLE t.put_text_bearer AS SELECT t.run_put_text_bearer() AS got;
SELECT is(lambda_stand_in.last_payload(), t.fixture('put_text_bearer') -> 'request',
          'put_text_bearer: the payload is exactly the contract request');
SELECT is((SELECT got -> 'status' FROM t.put_text_bearer), '204', 'put_text_bearer: status 204');
SELECT is((SELECT got ->> 'reason' FROM t.put_text_bearer), 'No Content', 'put_text_bearer: reason phrase');
SELECT is((SELECT got #>> '{read_empty,sqlstate}' FROM t.put_text_bearer), 'UH001',
          'put_text_bearer: an empty body is at its end at once');

-- not_found: a 404 is an answer, not an exception.
SELECT t.expect('not_found');
SELECT is(t.run_not_found(false), '{"status": 404, "reason": "Not Found", "lines": ["no such order\n", "see /orders\n"]}',
          'not_found: status 404 is visible and read_line keeps line ends');
SELECT is(lambda_stand_in.last_payload(), t.fixture('not_found') -> 'request',
          'not_found: the payload is exactly the contract request');
SELECT t.expect('not_found');
SELECT is(t.run_not_found(true) -> 'lines', '["no such order", "see /orders"]',
          'not_found: read_line(resp, true) removes line ends');

-- request(url): Oracle's one-call GET returns the body, even of an error page.
SELECT t.expect('not_found');
SELECT is(utl_http_utility.request('http://contract.test/orders/404'), t.fixture('not_found') #>> '{response,body}',
          'request(url) returns the whole body, even with status 404');
SELECT is(lambda_stand_in.last_payload(), t.fixture('not_found') -> 'request',
          'request(url) sends exactly the contract request');
SELECT t.expect('put_text_bearer');
SELECT is(utl_http_utility.request('http://contract.test/orders/404'), '', 'request(url) of an empty body is empty');

-- binary: base64 in the contract, bytes for the caller.
SELECT t.expect('binary');
CREATE TABLE t.binary AS SELECT t.run_binary() AS got;
SELECT is((SELECT got ->> 'bytes' FROM t.binary),
          encode(decode(t.fixture('binary') #>> '{response,body}', 'base64'), 'hex'),
          'binary: read_raw returns the bytes');
SELECT is((SELECT got ->> 'head' FROM t.binary), '89504e47', 'binary: read_raw(resp, 4) reads 4 bytes');
SELECT is((SELECT got #>> '{as_text,sqlstate}' FROM t.binary), '22023',
          'binary: read_text on a binary body is refused');
SELECT is((SELECT got #>> '{as_text,hint}' FROM t.binary), 'Read it with read_raw.',
          'binary: the refusal says what to use');

-- timeout: a request that fails raises UH002, with the host and the Lambda's code.
SELECT t.expect('timeout');
CREATE TABLE t.timeout AS SELECT t.error_of('SELECT t.run_timeout(true)') AS got;
SELECT is(t.run_timeout(false), t.fixture('timeout') -> 'request',
          'timeout: the payload is exactly the contract request');
SELECT is((SELECT got ->> 'sqlstate' FROM t.timeout), 'UH002', 'timeout: raises UH002');
SELECT is((SELECT got ->> 'message' FROM t.timeout),
          'utl_http_utility.get_response: request to contract.test failed: the request did not complete within its timeout',
          'timeout: the message names the host and the cause');
SELECT is((SELECT got ->> 'detail' FROM t.timeout), 'error code: timeout', 'timeout: the detail gives the code');

-- Invalid calls raise, with messages that do not quote credentials.
SELECT is(t.error_of($$SELECT utl_http_utility.begin_request('ftp://contract.test/x')$$) ->> 'sqlstate', '22023',
          'begin_request refuses a non-HTTP URL');
SELECT is(t.error_of($$SELECT utl_http_utility.begin_request('http://app-user:s3cr3t-pässword@contract.test/')$$),
          '{"hint": null, "detail": null, "message": "utl_http_utility.begin_request: credentials in the URL are not supported; use set_authentication", "sqlstate": "22023"}',
          'begin_request refuses credentials in the URL without quoting them');
SELECT is(t.error_of($$SELECT utl_http_utility.begin_request('http://contract.test/', 'GE T')$$) ->> 'sqlstate', '22023',
          'begin_request refuses a method that is not a word');
SELECT is(t.error_of($$SELECT utl_http_utility.begin_request('http://contract.test/', 'GET', 'HTTP/2')$$) ->> 'sqlstate', '22023',
          'begin_request refuses an HTTP version it cannot speak');
SELECT is(t.error_of($$SELECT utl_http_utility.set_header(ROW(9999, 'u', 'GET', 'HTTP/1.1')::utl_http_utility.req, 'A', 'b')$$) ->> 'sqlstate',
          '55000', 'set_header on a request never begun raises 55000');
SELECT is(t.error_of($$SELECT utl_http_utility.set_header(utl_http_utility.begin_request('http://contract.test/'), 'Authorization', E'Bearer hdr-secret-42\r\nX: y')$$),
          '{"hint": null, "detail": null, "message": "utl_http_utility.set_header: value of header Authorization contains a line break", "sqlstate": "22023"}',
          'set_header refuses a line break without quoting the value');
SELECT is(t.error_of($$SELECT utl_http_utility.set_header(utl_http_utility.begin_request('http://contract.test/'), 'Bad Name', 'x')$$) ->> 'sqlstate',
          '22023', 'set_header refuses a name that is not a token');
SELECT is(t.error_of($$SELECT utl_http_utility.set_authentication(utl_http_utility.begin_request('http://contract.test/'), 'u', 'p', 'Digest')$$) ->> 'sqlstate',
          '22023', 'set_authentication refuses an unknown scheme');
SELECT is(t.error_of($$SELECT utl_http_utility.set_authentication(utl_http_utility.begin_request('http://contract.test/'), 'u', 'p', 'Basic', true)$$) ->> 'sqlstate',
          '0A000', 'set_authentication refuses proxy authentication as unsupported');
SELECT is(t.error_of($$SELECT utl_http_utility.set_transfer_timeout(utl_http_utility.begin_request('http://contract.test/'), 61)$$) ->> 'sqlstate',
          '22023', 'set_transfer_timeout refuses more than the Lambda''s own timeout');
SELECT is(t.error_of($$SELECT utl_http_utility.set_follow_redirect(utl_http_utility.begin_request('http://contract.test/'), -1)$$) ->> 'sqlstate',
          '22023', 'set_follow_redirect refuses a negative limit');
SELECT is(t.error_of($$SELECT utl_http_utility.set_max_retries(utl_http_utility.begin_request('http://contract.test/'), 6)$$) ->> 'sqlstate',
          '22023', 'set_max_retries refuses more than 5');

-- Session defaults.
SELECT utl_http_utility.set_transfer_timeout(10);
SELECT is((SELECT utl_http_utility._load('req', (utl_http_utility.begin_request('http://contract.test/')).id, 'test') -> 'timeout_ms'),
          '10000', 'set_transfer_timeout(timeout) sets the default of later requests');
SELECT utl_http_utility.set_transfer_timeout(30);

-- The Lambda or the invoke failing raises UH003 with credentials removed.
SELECT lambda_stand_in.reset();
SELECT lambda_stand_in.queue('{"errorType": "TypeError", "errorMessage": "cannot read s3cr3t-pässword of hdr-secret-42"}');
CREATE TABLE t.function_error AS SELECT t.error_of('SELECT t.run_with_credentials()') AS got;
SELECT is((SELECT got ->> 'sqlstate' FROM t.function_error), 'UH003', 'a Lambda function error raises UH003');
SELECT is((SELECT got ->> 'message' FROM t.function_error),
          'utl_http_utility.get_response: arn:aws:lambda:us-east-1:123456789012:function:aurora-http-helper failed: TypeError cannot read [redacted] of [redacted]',
          'a Lambda function error is reported with credentials redacted');

SELECT lambda_stand_in.reset();
SELECT lambda_stand_in.fail_next('invoke failed');
CREATE TABLE t.invoke_error AS SELECT t.error_of('SELECT t.run_with_credentials()') AS got;
SELECT is((SELECT got ->> 'sqlstate' FROM t.invoke_error), 'UH003', 'a failed invoke raises UH003');
SELECT ok((SELECT got ->> 'message' LIKE '%invoke failed (payload {%[redacted]%' FROM t.invoke_error),
          'a failed invoke keeps its message');
SELECT ok((SELECT NOT t.has_secret(got::text) FROM t.invoke_error),
          'a failed invoke that quoted the payload shows no credential');

SELECT lambda_stand_in.reset();
SELECT lambda_stand_in.queue('{"ok": true, "status_code": 200}', 502);
SELECT is(t.error_of('SELECT t.run_with_credentials()') ->> 'sqlstate', 'UH003',
          'an invoke status other than 200 raises UH003');

SELECT lambda_stand_in.reset();
SELECT lambda_stand_in.queue('{"statusCode": 200, "body": "x"}');
SELECT is(t.error_of('SELECT t.run_with_credentials()') ->> 'hint',
          'Deploy the HTTP-client Lambda rendered with this file.',
          'an answer outside the contract raises UH003 with a hint');

SELECT lambda_stand_in.reset();
SELECT lambda_stand_in.queue('{"ok": false, "error": {"code": "connection_failed", "message": "could not connect: ECONNREFUSED"}}');
SELECT is(t.error_of('SELECT t.run_with_credentials()') ->> 'message',
          'utl_http_utility.get_response: request to contract.test failed: could not connect: ECONNREFUSED',
          'a refused connection raises UH002 naming the host, not the URL''s query');

-- end_request and end_response are safe to call twice.
SELECT lives_ok($$SELECT utl_http_utility.end_request(r), utl_http_utility.end_request(r)
                  FROM utl_http_utility.begin_request('http://contract.test/') AS r$$,
                'end_request twice does nothing the second time');

-- A request begun in a rolled-back transaction is gone with it.
SELECT is(t.error_of($sql$DO $do$
    DECLARE r utl_http_utility.req;
    BEGIN
        BEGIN
            r := utl_http_utility.begin_request('http://contract.test/');
            RAISE EXCEPTION 'roll back';
        EXCEPTION WHEN raise_exception THEN
            NULL;
        END;
        PERFORM utl_http_utility.set_header(r, 'A', 'b');
    END $do$$sql$) ->> 'sqlstate', '55000', 'a request rolled back is not open');

-- Uninstalling twice works and removes the schema.
SET client_min_messages = warning;
DROP SCHEMA t CASCADE;
\i deploy/sql/utl_http_utility/uninstall.sql
\i deploy/sql/utl_http_utility/uninstall.sql
SELECT hasnt_schema('utl_http_utility', 'uninstalling twice removes the schema');
SELECT ok(to_regnamespace('aws_lambda') IS NOT NULL, 'uninstalling keeps aws_lambda');

SELECT * FROM finish();
