-- Test-only stand-in for Aurora's aws_commons and aws_lambda, with the real signatures.
--
-- Installed only into test databases, never with the deploy artifacts. Instead of calling
-- Lambda, aws_lambda.invoke records each call in lambda_stand_in.calls and answers with the
-- oldest response queued by lambda_stand_in.queue(...) (the contract fixtures' responses).
-- With nothing queued it raises an error that quotes the payload, as a real failure might:
-- the wrappers must remove credentials from it before re-raising.
--
-- When the setting lambda_stand_in.program names a command (tests/deploy/sql/lambda_bridge.mjs
-- run by node), an invoke with nothing queued runs it instead, with the payload as a base64
-- argument, and answers what it prints: the real Lambda code, end to end.

\set ON_ERROR_STOP on

CREATE SCHEMA aws_commons;

CREATE TYPE aws_commons._lambda_function_arn_1 AS (function_name text, region text);

CREATE FUNCTION aws_commons.create_lambda_function_arn(function_name text, region text DEFAULT NULL)
RETURNS aws_commons._lambda_function_arn_1
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW($1, $2)::aws_commons._lambda_function_arn_1
$$;

CREATE SCHEMA lambda_stand_in;

CREATE TABLE lambda_stand_in.calls (
    id serial PRIMARY KEY,
    function_name text NOT NULL,
    region text,
    invocation_type text NOT NULL,
    payload jsonb NOT NULL
);

-- A queued answer: an invoke status and payload, or an error to raise.
CREATE TABLE lambda_stand_in.responses (
    id serial PRIMARY KEY,
    status_code integer NOT NULL DEFAULT 200,
    payload jsonb,
    raise_message text
);

CREATE FUNCTION lambda_stand_in.queue(p_payload jsonb, p_status integer DEFAULT 200) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO lambda_stand_in.responses (status_code, payload) VALUES (p_status, p_payload);
$$;

-- The next invoke raises p_message followed by the payload it received.
CREATE FUNCTION lambda_stand_in.fail_next(p_message text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO lambda_stand_in.responses (raise_message) VALUES (p_message);
$$;

CREATE FUNCTION lambda_stand_in.reset() RETURNS void
LANGUAGE sql AS $$
    TRUNCATE lambda_stand_in.calls, lambda_stand_in.responses;
$$;

CREATE FUNCTION lambda_stand_in.last_payload() RETURNS jsonb
LANGUAGE sql AS $$
    SELECT payload FROM lambda_stand_in.calls ORDER BY id DESC LIMIT 1
$$;

-- The JSON line the program prints for this payload. The CSV quote and delimiter are control
-- characters that JSON text never contains unescaped, so COPY takes the line as it is.
CREATE FUNCTION lambda_stand_in.run_program(p_payload jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_argument text := translate(encode(convert_to(p_payload::text, 'UTF8'), 'base64'), E'\n', '');
    v_answer jsonb;
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS lambda_program_output (line text);
    TRUNCATE lambda_program_output;
    EXECUTE format('COPY lambda_program_output FROM PROGRAM %L WITH (FORMAT csv, QUOTE E''\x01'', DELIMITER E''\x02'')',
                   current_setting('lambda_stand_in.program') || ' ' || v_argument);
    SELECT line::jsonb INTO v_answer FROM lambda_program_output;
    RETURN v_answer;
END
$$;

CREATE FUNCTION lambda_stand_in.answer(
    p_function text, p_region text, p_payload jsonb, p_invocation_type text,
    OUT status_code integer, OUT payload jsonb, OUT executed_version text, OUT log_result text)
LANGUAGE plpgsql AS $$
DECLARE
    v_next lambda_stand_in.responses;
BEGIN
    INSERT INTO lambda_stand_in.calls (function_name, region, invocation_type, payload)
    VALUES (p_function, p_region, p_invocation_type, p_payload);
    DELETE FROM lambda_stand_in.responses
    WHERE id = (SELECT min(id) FROM lambda_stand_in.responses)
    RETURNING * INTO v_next;
    IF v_next.id IS NULL AND coalesce(current_setting('lambda_stand_in.program', true), '') <> '' THEN
        status_code := 200;
        payload := lambda_stand_in.run_program(p_payload);
        executed_version := '$LATEST';
        RETURN;
    END IF;
    IF v_next.id IS NULL THEN
        RAISE EXCEPTION 'stand-in: no response queued for payload %', p_payload;
    END IF;
    IF v_next.raise_message IS NOT NULL THEN
        RAISE EXCEPTION '% (payload %)', v_next.raise_message, p_payload;
    END IF;
    status_code := v_next.status_code;
    payload := v_next.payload;
    executed_version := '$LATEST';
    log_result := NULL;
END
$$;

-- The four signatures of aws_lambda.invoke. Each is LANGUAGE sql with positional parameter
-- references, because the real ones name an input and an output parameter both `payload`.
CREATE SCHEMA aws_lambda;

CREATE FUNCTION aws_lambda.invoke(
    IN function_name text, IN payload json, IN region text DEFAULT NULL,
    IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
    IN context json DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
    OUT status_code integer, OUT payload json, OUT executed_version text, OUT log_result text)
LANGUAGE sql AS $$
    SELECT a.status_code, a.payload::json, a.executed_version, a.log_result
    FROM lambda_stand_in.answer($1, $3, $2::jsonb, $4) AS a
$$;

CREATE FUNCTION aws_lambda.invoke(
    IN function_name text, IN payload jsonb, IN region text DEFAULT NULL,
    IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
    IN context jsonb DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
    OUT status_code integer, OUT payload jsonb, OUT executed_version text, OUT log_result text)
LANGUAGE sql AS $$
    SELECT a.status_code, a.payload, a.executed_version, a.log_result
    FROM lambda_stand_in.answer($1, $3, $2, $4) AS a
$$;

CREATE FUNCTION aws_lambda.invoke(
    IN function_name aws_commons._lambda_function_arn_1, IN payload json,
    IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
    IN context json DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
    OUT status_code integer, OUT payload json, OUT executed_version text, OUT log_result text)
LANGUAGE sql AS $$
    SELECT a.status_code, a.payload::json, a.executed_version, a.log_result
    FROM lambda_stand_in.answer(($1).function_name, ($1).region, $2::jsonb, $3) AS a
$$;

CREATE FUNCTION aws_lambda.invoke(
    IN function_name aws_commons._lambda_function_arn_1, IN payload jsonb,
    IN invocation_type text DEFAULT 'RequestResponse', IN log_type text DEFAULT 'None',
    IN context jsonb DEFAULT NULL, IN qualifier varchar(128) DEFAULT NULL,
    OUT status_code integer, OUT payload jsonb, OUT executed_version text, OUT log_result text)
LANGUAGE sql AS $$
    SELECT a.status_code, a.payload, a.executed_version, a.log_result
    FROM lambda_stand_in.answer(($1).function_name, ($1).region, $2, $3) AS a
$$;
