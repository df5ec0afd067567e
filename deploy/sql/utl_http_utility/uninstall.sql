-- Removes the utl_http_utility schema that install.sql created, and nothing else.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Running it twice, or before any install, is safe. It refuses (and changes nothing) when
-- converted code still depends on the schema, for example a function with a parameter of type
-- utl_http_utility.req, or when someone added objects of their own to the schema: drop or
-- move those first. It never uses CASCADE, so it cannot take converted code with it.
-- The aws_lambda extension stays: other code may use it.

\set ON_ERROR_STOP on

BEGIN;

-- "already exists, skipping" notices say nothing on a re-run.
SET LOCAL client_min_messages = warning;

DO $$
DECLARE
    v_function regprocedure;
BEGIN
    IF to_regnamespace('utl_http_utility') IS NULL THEN
        RETURN;
    END IF;
    FOR v_function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'utl_http_utility'::regnamespace
        ORDER BY p.oid
    LOOP
        EXECUTE format('DROP FUNCTION %s', v_function);
    END LOOP;
END
$$;

DROP TABLE IF EXISTS utl_http_utility.config;
DROP TYPE IF EXISTS utl_http_utility.req;
DROP TYPE IF EXISTS utl_http_utility.resp;
DROP SCHEMA IF EXISTS utl_http_utility;

COMMIT;
