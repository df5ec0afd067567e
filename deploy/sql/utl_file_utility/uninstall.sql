-- Removes the utl_file_utility schema that install.sql created, and nothing else.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Running it twice, or before any install, is safe. It refuses (and changes nothing) when
-- converted code still uses the schema (a routine whose text names utl_file_utility, or that
-- takes a utl_file_utility.file_type), or when someone added objects of their own to the
-- schema: drop or move those first. It never uses CASCADE, so it cannot take converted
-- code with it. The rows of utl_file_utility.directories go with it; the S3 objects and the
-- aws_s3 extension stay.

\set ON_ERROR_STOP on

BEGIN;

SET LOCAL client_min_messages = warning;

DO $$
DECLARE
    v_function regprocedure;
    v_users text;
    v_foreign text;
BEGIN
    IF to_regnamespace('utl_file_utility') IS NULL THEN
        RETURN;
    END IF;
    -- PostgreSQL records no dependency on a type that a routine only declares a variable of,
    -- nor on the functions its body calls: look for them in the routines' text.
    SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text)
    INTO v_users
    FROM pg_catalog.pg_proc AS p
    WHERE p.pronamespace <> 'utl_file_utility'::regnamespace
      AND p.prosrc ~* 'utl_file_utility\.';
    IF v_users IS NOT NULL THEN
        RAISE EXCEPTION 'utl_file_utility is still used by %', v_users
            USING HINT = 'Drop or change those routines first; nothing was removed.';
    END IF;
    SELECT string_agg(p.oid::regprocedure::text, ', ' ORDER BY p.oid::regprocedure::text)
    INTO v_foreign
    FROM pg_catalog.pg_proc AS p
    WHERE p.pronamespace = 'utl_file_utility'::regnamespace
      AND p.proname NOT IN ('copy_options', 'state', 'set_state', 'fail', 'mode_of', 'writable',
                            'fopen', 'is_open', 'end_line', 'put', 'new_line', 'put_line',
                            'putf', 'fflush', 'get_line', 'fclose', 'fclose_all', 'fremove',
                            'frename', 'fcopy');
    IF v_foreign IS NOT NULL THEN
        RAISE EXCEPTION 'utl_file_utility holds routines install.sql did not create: %', v_foreign
            USING HINT = 'Drop or move them first; nothing was removed.';
    END IF;
    FOR v_function IN
        SELECT p.oid::regprocedure
        FROM pg_catalog.pg_proc AS p
        WHERE p.pronamespace = 'utl_file_utility'::regnamespace
        ORDER BY p.oid
    LOOP
        EXECUTE format('DROP FUNCTION %s', v_function);
    END LOOP;
END
$$;

DROP TABLE IF EXISTS utl_file_utility.directories;
DROP TYPE IF EXISTS utl_file_utility.file_type;
DROP SCHEMA IF EXISTS utl_file_utility;

COMMIT;
