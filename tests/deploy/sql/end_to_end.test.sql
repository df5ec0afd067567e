-- End-to-end pgTAP tests: utl_http_utility -> stand-in aws_lambda -> the real HTTP-client
-- Lambda code (deploy/lambda/http-client) -> an echo server on 127.0.0.1 -> back.
--
-- Run by tests/deploy/run.sh with -v program='node .../lambda_bridge.mjs', in a database
-- with pgTAP, aws_lambda_stand_in.sql and install.sql. See lambda_bridge.mjs for the server.

\set ON_ERROR_STOP on
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset pager off
SET client_min_messages = warning;

SELECT set_config('lambda_stand_in.program', :'program', false) IS NOT NULL AS configured \g /dev/null

CREATE SCHEMA e2e;

-- What the echo server received for a POST of a JSON document with Basic authentication.
CREATE FUNCTION e2e.post_json() RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req := utl_http_utility.begin_request('http://contract.test/orders?tier=gold', 'POST');
    resp utl_http_utility.resp;
BEGIN
    PERFORM utl_http_utility.set_header(r, 'Content-Type', 'application/json');
    PERFORM utl_http_utility.set_header(r, 'X-Trace', 'trace 1');
    PERFORM utl_http_utility.set_authentication(r, 'app-user', 'pässwörd');
    PERFORM utl_http_utility.write_text(r, '{"customer":"Peña","items":[1,2]}');
    resp := utl_http_utility.get_response(r);
    RETURN jsonb_build_object('status', resp.status_code, 'echo', utl_http_utility.read_text(resp)::jsonb,
                              'content_type', utl_http_utility.get_header(resp, 'content-type'));
END
$$;

CREATE FUNCTION e2e.get(p_path text, p_timeout integer DEFAULT 30) RETURNS utl_http_utility.resp
LANGUAGE plpgsql AS $$
DECLARE
    r utl_http_utility.req := utl_http_utility.begin_request('http://contract.test' || p_path);
BEGIN
    PERFORM utl_http_utility.set_authentication(r, NULL, 'tok-e2e-1', 'Bearer');
    PERFORM utl_http_utility.set_transfer_timeout(r, p_timeout);
    RETURN utl_http_utility.get_response(r);
END
$$;

CREATE TABLE e2e.post AS SELECT e2e.post_json() AS got;

SELECT no_plan();

SELECT is((SELECT got -> 'status' FROM e2e.post), '200', 'a POST through the real Lambda succeeds');
SELECT is((SELECT got #>> '{echo,method}' FROM e2e.post), 'POST', 'the server receives the method');
SELECT is((SELECT got #>> '{echo,path}' FROM e2e.post), '/orders?tier=gold', 'the server receives path and query');
SELECT is((SELECT got #>> '{echo,body}' FROM e2e.post), '{"customer":"Peña","items":[1,2]}',
          'the server receives the body exactly as written, encoded once');
SELECT is((SELECT got #>> '{echo,headers,authorization}' FROM e2e.post),
          'Basic ' || encode(convert_to('app-user:pässwörd', 'UTF8'), 'base64'),
          'the server receives Basic credentials in UTF-8');
SELECT is((SELECT got #>> '{echo,headers,content-type}' FROM e2e.post), 'application/json',
          'the server receives the Content-Type set');
SELECT is((SELECT got #>> '{echo,headers,x-trace}' FROM e2e.post), 'trace 1',
          'the server receives a custom header');
SELECT is((SELECT got #>> '{echo,headers,content-length}' FROM e2e.post),
          octet_length('{"customer":"Peña","items":[1,2]}')::text,
          'Content-Length counts bytes, not characters');
SELECT is((SELECT got ->> 'content_type' FROM e2e.post), 'application/json', 'the caller reads response headers');

SELECT is((SELECT utl_http_utility.read_text(r)::jsonb #>> '{headers,authorization}' FROM e2e.get('/who') AS r),
          'Bearer tok-e2e-1', 'a Bearer token reaches the server');
SELECT is((SELECT r.status_code FROM e2e.get('/status/503') AS r), 503,
          'an HTTP error status reaches the caller as status_code');
SELECT is((SELECT encode(utl_http_utility.read_raw(r), 'hex') FROM e2e.get('/bytes') AS r),
          (SELECT string_agg(lpad(to_hex(i), 2, '0'), '' ORDER BY i) FROM generate_series(0, 255) AS i),
          'binary bodies arrive byte for byte');
SELECT throws_ok($$SELECT e2e.get('/slow', 1)$$, 'UH002',
                 'utl_http_utility.get_response: request to contract.test failed: the request did not complete within its timeout',
                 'a slow server raises UH002 after the transfer timeout');

SELECT * FROM finish();
DROP SCHEMA e2e CASCADE;
