-- utl_file_utility: Oracle UTL_FILE for Aurora PostgreSQL, over S3 through the aws_s3 extension.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Aurora has no server file system. An Oracle directory becomes an S3 place, one row of
-- utl_file_utility.directories per directory the code names:
--
--   INSERT INTO utl_file_utility.directories (name, bucket, prefix)
--   VALUES ('REPORTS_DIR', 'my-reports-bucket', 'exports/');
--
-- Converted code keeps the shape of its UTL_FILE calls:
--
--   f := utl_file_utility.fopen('REPORTS_DIR', 'day.csv', 'w');
--   PERFORM utl_file_utility.put_line(f, 'a,b');
--   f := utl_file_utility.fclose(f);                -- writes s3://bucket/exports/day.csv
--
--   f := utl_file_utility.fopen('REPORTS_DIR', 'in.txt', 'r');   -- reads the object whole
--   line := utl_file_utility.get_line(f);           -- no_data_found after the last line
--
-- S3 objects are written whole: what a file holds reaches S3 at fflush and fclose (each one
-- rewrites the object with everything written so far), never line by line. Mode 'a' reads the
-- object first, so appending works, at the cost of rewriting it; two sessions appending to one
-- object at once keep only the last one's lines. Each line is ended by a line feed, the last
-- one too (text put without put_line or new_line is ended at fflush and fclose).
--
-- Not as in Oracle:
--   - a line holding a carriage return, 0x1E or 0x1F is written between 0x1E characters, as
--     COPY's CSV format quotes it (it reads back as written); CRLF files are read as lines
--     without the CR;
--   - reading stops at a line that is exactly \. (COPY's end of data);
--   - what a session keeps of its open files (settings and a temporary table) follows its
--     transactions: lines written in a transaction or block that rolls back are gone, and a
--     file opened there is closed again (FCLOSE in that block's handler then does nothing, and
--     warns if the file was being written). Write files outside blocks that may roll back, or
--     fflush before;
--   - a file the session never closes is never written.
--
-- Errors are raised, with Oracle's exception names in the message:
--   UF001  invalid_path: the directory has no row in utl_file_utility.directories
--   UF002  invalid_mode: the open mode is not r, w or a (rb, wb and ab are read as r, w, a)
--   UF003  invalid_filehandle: the handle is not open in this session
--   UF004  invalid_operation: reading a file opened for writing or the reverse, or opening
--          for reading an object that cannot be read
--   UF005  invalid_filename: empty, or holding a slash
--   UF006  read_error: an object to append to that exists but cannot be read
--   UF007  write_error: the object could not be written
--   UF008  invalid_maxlinesize: max_linesize is not between 1 and 32767
--   0A000  fremove, frename and fcopy: aws_s3 cannot delete, rename or copy objects; do it in
--          a Lambda or the application
-- get_line raises no_data_found at the end of the file, as Oracle does.
--
-- Running this file twice is safe; it keeps the rows of utl_file_utility.directories.

\set ON_ERROR_STOP on

BEGIN;

-- "already exists, skipping" notices say nothing on a re-run.
SET LOCAL client_min_messages = warning;

-- Aurora provides aws_s3 as an extension; a test database provides a stand-in schema of the
-- same signatures, which must then already be installed.
DO $$
BEGIN
    IF to_regnamespace('aws_s3') IS NULL THEN
        CREATE EXTENSION aws_s3 CASCADE;
    END IF;
END
$$;

CREATE SCHEMA IF NOT EXISTS utl_file_utility;

CREATE TABLE IF NOT EXISTS utl_file_utility.directories (
    name   text PRIMARY KEY CHECK (name = upper(name)),
    bucket text NOT NULL,
    prefix text NOT NULL DEFAULT '' CHECK (prefix = '' OR prefix LIKE '%/'),
    region text NOT NULL DEFAULT 'us-east-1'
);
COMMENT ON TABLE utl_file_utility.directories IS
    'Oracle directories (upper case) and the S3 bucket and key prefix each stands for';

-- UTL_FILE.FILE_TYPE: id is NULL once the file is closed.
DO $$
BEGIN
    IF to_regtype('utl_file_utility.file_type') IS NULL THEN
        CREATE TYPE utl_file_utility.file_type AS (
            id integer, directory text, filename text, open_mode text, max_linesize integer
        );
    END IF;
END
$$;

-- The COPY options that carry one line per row, in both directions (an import takes them in
-- parentheses, an export without).
CREATE OR REPLACE FUNCTION utl_file_utility.copy_options() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT $o$format csv, delimiter E'\x1f', quote E'\x1e', encoding 'UTF8'$o$
$$;

-- What this session keeps of its open files lives in settings named utl_file_utility.<what>_<id>
-- (cheap to read and write, however many lines a file has); the lines in a temporary table.
CREATE OR REPLACE FUNCTION utl_file_utility.state(p_what text, p_id integer) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('utl_file_utility.' || p_what || '_' || p_id, true), '')
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.set_state(p_what text, p_id integer, p_value text)
RETURNS void LANGUAGE sql AS $$
    SELECT set_config('utl_file_utility.' || p_what || '_' || p_id, coalesce(p_value, ''), false)
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.fail(p_state text, p_name text, p_detail text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'UTL_FILE.%: %', p_name, p_detail USING ERRCODE = p_state;
END
$$;

-- The mode of an open file ('r', 'w' or 'a'), or UF003.
CREATE OR REPLACE FUNCTION utl_file_utility.mode_of(file utl_file_utility.file_type)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_mode text := utl_file_utility.state('mode', file.id);
BEGIN
    IF file.id IS NULL OR v_mode IS NULL THEN
        PERFORM utl_file_utility.fail('UF003', 'INVALID_FILEHANDLE', 'the file is not open');
    END IF;
    RETURN v_mode;
END
$$;

-- The id of a file open for writing, or UF003/UF004.
CREATE OR REPLACE FUNCTION utl_file_utility.writable(file utl_file_utility.file_type)
RETURNS integer LANGUAGE plpgsql AS $$
BEGIN
    IF utl_file_utility.mode_of(file) = 'r' THEN
        PERFORM utl_file_utility.fail('UF004', 'INVALID_OPERATION', 'the file is open for reading');
    END IF;
    RETURN file.id;
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.fopen(
    location text, filename text, open_mode text, max_linesize integer DEFAULT 1024
) RETURNS utl_file_utility.file_type LANGUAGE plpgsql AS $$
DECLARE
    v_dir utl_file_utility.directories;
    v_mode text := lower(left(coalesce(open_mode, ''), 1));
    v_id integer;
    v_s3 aws_commons._s3_uri_1;
    v_state text;
    v_message text;
BEGIN
    IF lower(coalesce(open_mode, '')) NOT IN ('r', 'w', 'a', 'rb', 'wb', 'ab') THEN
        PERFORM utl_file_utility.fail('UF002', 'INVALID_MODE',
            format('open mode %L is not r, w or a', open_mode));
    END IF;
    IF max_linesize IS NULL OR max_linesize NOT BETWEEN 1 AND 32767 THEN
        PERFORM utl_file_utility.fail('UF008', 'INVALID_MAXLINESIZE',
            format('max_linesize %s is not between 1 and 32767', max_linesize));
    END IF;
    IF coalesce(filename, '') IN ('', '.', '..') OR filename LIKE '%/%' THEN
        PERFORM utl_file_utility.fail('UF005', 'INVALID_FILENAME',
            format('%L is not a file name', filename));
    END IF;
    SELECT * INTO v_dir FROM utl_file_utility.directories WHERE name = upper(location);
    IF NOT FOUND THEN
        PERFORM utl_file_utility.fail('UF001', 'INVALID_PATH',
            format('no directory %L in utl_file_utility.directories', location));
    END IF;
    IF to_regclass('pg_temp.utl_file_utility_lines') IS NULL THEN
        CREATE TEMPORARY TABLE utl_file_utility_lines (
            id integer, n bigint, line text, PRIMARY KEY (id, n)
        );
        CREATE TEMPORARY TABLE utl_file_utility_import (n bigserial, line text);
        CREATE TEMPORARY SEQUENCE utl_file_utility_handles AS integer;
    END IF;
    -- Handles are never reused in a session (a sequence does not roll back), so a stale copy of
    -- one cannot reach another file.
    v_id := nextval('pg_temp.utl_file_utility_handles');
    v_s3 := aws_commons.create_s3_uri(v_dir.bucket, v_dir.prefix || filename, v_dir.region);
    IF v_mode IN ('r', 'a') THEN
        TRUNCATE pg_temp.utl_file_utility_import;
        BEGIN
            PERFORM aws_s3.table_import_from_s3('pg_temp.utl_file_utility_import', 'line',
                '(' || utl_file_utility.copy_options() || ')', v_s3);
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
            -- Appending to an object that does not exist yet creates it; any other failure
            -- must not let fclose overwrite what could not be read.
            IF v_mode = 'r' OR v_message !~* 'does not exist|404|NoSuchKey' THEN
                PERFORM utl_file_utility.fail(CASE v_mode WHEN 'r' THEN 'UF004' ELSE 'UF006' END,
                    CASE v_mode WHEN 'r' THEN 'INVALID_OPERATION' ELSE 'READ_ERROR' END,
                    format('cannot read s3://%s/%s: %s', v_dir.bucket, v_dir.prefix || filename,
                           v_message));
            END IF;
        END;
        INSERT INTO pg_temp.utl_file_utility_lines (id, n, line)
        SELECT v_id, row_number() OVER (ORDER BY i.n), i.line
        FROM pg_temp.utl_file_utility_import AS i;
        TRUNCATE pg_temp.utl_file_utility_import;
    END IF;
    PERFORM utl_file_utility.set_state('mode', v_id, v_mode),
            utl_file_utility.set_state('s3', v_id, v_s3::text),
            utl_file_utility.set_state('lines', v_id,
                (SELECT count(*) FROM pg_temp.utl_file_utility_lines WHERE id = v_id)::text),
            utl_file_utility.set_state('next', v_id, '1'),
            utl_file_utility.set_state('offset', v_id, '0'),
            utl_file_utility.set_state('partial', v_id, NULL),
            set_config('utl_file_utility.open',
                concat_ws(',', nullif(current_setting('utl_file_utility.open', true), ''), v_id),
                false);
    RETURN ROW(v_id, upper(location), filename, v_mode, max_linesize)::utl_file_utility.file_type;
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.is_open(file utl_file_utility.file_type)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT file.id IS NOT NULL AND utl_file_utility.state('mode', file.id) IS NOT NULL
$$;

-- Ends the current line (the text put since the last one ended, maybe none).
CREATE OR REPLACE FUNCTION utl_file_utility.end_line(p_id integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_n bigint := utl_file_utility.state('lines', p_id)::bigint + 1;
BEGIN
    INSERT INTO pg_temp.utl_file_utility_lines (id, n, line)
    VALUES (p_id, v_n, coalesce(utl_file_utility.state('partial', p_id), ''));
    PERFORM utl_file_utility.set_state('lines', p_id, v_n::text),
            utl_file_utility.set_state('partial', p_id, NULL);
END
$$;

-- buffer is any type, as Oracle converts numbers and dates to text implicitly.
CREATE OR REPLACE FUNCTION utl_file_utility.put(file utl_file_utility.file_type, buffer anycompatible)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_id integer := utl_file_utility.writable(file);
BEGIN
    PERFORM utl_file_utility.set_state('partial', v_id,
        coalesce(utl_file_utility.state('partial', v_id), '') || coalesce(buffer::text, ''));
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.new_line(file utl_file_utility.file_type,
    lines integer DEFAULT 1)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_id integer := utl_file_utility.writable(file);
BEGIN
    FOR i IN 1 .. coalesce(lines, 1) LOOP
        PERFORM utl_file_utility.end_line(v_id);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.put_line(file utl_file_utility.file_type,
    buffer anycompatible, autoflush boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM utl_file_utility.put(file, buffer);
    PERFORM utl_file_utility.end_line(file.id);
    IF autoflush THEN
        PERFORM utl_file_utility.fflush(file);
    END IF;
END
$$;

-- UTL_FILE.PUTF: in the format, each %s takes the next argument and \n is a line break; the
-- arguments are written as they are.
CREATE OR REPLACE FUNCTION utl_file_utility.putf(file utl_file_utility.file_type,
    format text, arg1 text DEFAULT NULL, arg2 text DEFAULT NULL, arg3 text DEFAULT NULL,
    arg4 text DEFAULT NULL, arg5 text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_args text[] := ARRAY[arg1, arg2, arg3, arg4, arg5];
    v_next integer := 1;
    v_lines text[] := string_to_array(coalesce(format, ''), '\n');
    v_parts text[];
BEGIN
    PERFORM utl_file_utility.writable(file);
    FOR i IN 1 .. coalesce(array_length(v_lines, 1), 0) LOOP
        v_parts := string_to_array(v_lines[i], '%s');
        FOR j IN 1 .. coalesce(array_length(v_parts, 1), 0) LOOP
            PERFORM utl_file_utility.put(file, v_parts[j]);
            IF j < array_length(v_parts, 1) THEN
                PERFORM utl_file_utility.put(file, v_args[v_next]);
                v_next := v_next + 1;
            END IF;
        END LOOP;
        IF i < array_length(v_lines, 1) THEN
            PERFORM utl_file_utility.end_line(file.id);
        END IF;
    END LOOP;
END
$$;

-- Writes everything written so far to the file's S3 object (the current line too, ended).
CREATE OR REPLACE FUNCTION utl_file_utility.fflush(file utl_file_utility.file_type)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_id integer := utl_file_utility.writable(file);
    v_s3 aws_commons._s3_uri_1 := utl_file_utility.state('s3', v_id)::aws_commons._s3_uri_1;
    v_partial text := utl_file_utility.state('partial', v_id);
    v_message text;
BEGIN
    -- A line is written as the lines it holds (put_line(f, 'a' || chr(10) || 'b') is two), an
    -- empty one as NULL, which CSV writes as nothing (an empty string is quoted).
    PERFORM aws_s3.query_export_to_s3(
        format('SELECT nullif(s.part, '''') FROM ('
               'SELECT n, line FROM pg_temp.utl_file_utility_lines WHERE id = %s '
               'UNION ALL SELECT NULL::bigint, %L WHERE %L IS NOT NULL) AS l, '
               'regexp_split_to_table(coalesce(l.line, ''''), E''\n'') '
               'WITH ORDINALITY AS s(part, k) '
               'ORDER BY l.n NULLS LAST, s.k', v_id, v_partial, v_partial),
        v_s3, options := utl_file_utility.copy_options());
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_message = MESSAGE_TEXT;
    IF SQLSTATE IN ('UF003', 'UF004') THEN
        RAISE;
    END IF;
    PERFORM utl_file_utility.fail('UF007', 'WRITE_ERROR',
        format('cannot write s3://%s/%s: %s', v_s3.bucket, v_s3.file_path, v_message));
END
$$;

-- The next line, or as much of it as len (by default max_linesize) allows: the rest of a line
-- cut short comes with the next call, as in Oracle. no_data_found after the last line.
CREATE OR REPLACE FUNCTION utl_file_utility.get_line(file utl_file_utility.file_type,
    len integer DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_next bigint;
    v_offset integer;
    v_len integer := coalesce(len, file.max_linesize, 1024);
    v_line text;
BEGIN
    IF utl_file_utility.mode_of(file) <> 'r' THEN
        PERFORM utl_file_utility.fail('UF004', 'INVALID_OPERATION', 'the file is open for writing');
    END IF;
    IF v_len < 1 THEN
        PERFORM utl_file_utility.fail('UF006', 'READ_ERROR', format('len %s is not positive', len));
    END IF;
    v_next := utl_file_utility.state('next', file.id)::bigint;
    v_offset := utl_file_utility.state('offset', file.id)::integer;
    SELECT line INTO v_line FROM pg_temp.utl_file_utility_lines WHERE id = file.id AND n = v_next;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'UTL_FILE.GET_LINE: end of file' USING ERRCODE = 'no_data_found';
    END IF;
    IF length(v_line) - v_offset > v_len THEN
        PERFORM utl_file_utility.set_state('offset', file.id, (v_offset + v_len)::text);
        RETURN substr(v_line, v_offset + 1, v_len);
    END IF;
    PERFORM utl_file_utility.set_state('next', file.id, (v_next + 1)::text),
            utl_file_utility.set_state('offset', file.id, '0');
    RETURN substr(v_line, v_offset + 1);
END
$$;

-- Closes the file (writing it first when it was open for writing); returns the closed handle.
-- A handler of the block that opened the file runs after that block rolled back, file state
-- included: there FCLOSE has nothing to close (nor, for a file being written, anything to write:
-- it warns), so that the handler goes on as in Oracle.
CREATE OR REPLACE FUNCTION utl_file_utility.fclose(file utl_file_utility.file_type)
RETURNS utl_file_utility.file_type LANGUAGE plpgsql AS $$
BEGIN
    IF file.id IS NOT NULL AND utl_file_utility.state('mode', file.id) IS NULL THEN
        IF file.open_mode <> 'r' THEN
            RAISE WARNING 'UTL_FILE.FCLOSE: % was not written: the block that opened it rolled back',
                file.filename;
        END IF;
        RETURN ROW(NULL, file.directory, file.filename, file.open_mode, file.max_linesize)
            ::utl_file_utility.file_type;
    END IF;
    IF utl_file_utility.mode_of(file) <> 'r' THEN
        PERFORM utl_file_utility.fflush(file);
    END IF;
    DELETE FROM pg_temp.utl_file_utility_lines WHERE id = file.id;
    PERFORM utl_file_utility.set_state(what, file.id, NULL)
    FROM unnest(ARRAY['mode', 's3', 'lines', 'next', 'offset', 'partial']) AS what;
    PERFORM set_config('utl_file_utility.open',
        array_to_string(array_remove(string_to_array(
            current_setting('utl_file_utility.open', true), ','), file.id::text), ','),
        false);
    RETURN ROW(NULL, file.directory, file.filename, file.open_mode, file.max_linesize)
        ::utl_file_utility.file_type;
END
$$;

-- Closes every file of the session; one that cannot be written does not keep the others open.
CREATE OR REPLACE FUNCTION utl_file_utility.fclose_all() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id text;
    v_failed text;
BEGIN
    FOREACH v_id IN ARRAY coalesce(string_to_array(
        nullif(current_setting('utl_file_utility.open', true), ''), ','), '{}')
    LOOP
        BEGIN
            PERFORM utl_file_utility.fclose(ROW(v_id::integer, NULL, NULL, NULL, NULL)
                ::utl_file_utility.file_type);
        EXCEPTION WHEN OTHERS THEN
            v_failed := coalesce(v_failed || '; ', '') || SQLERRM;
        END;
    END LOOP;
    IF v_failed IS NOT NULL THEN
        PERFORM utl_file_utility.fail('UF007', 'WRITE_ERROR', v_failed);
    END IF;
END
$$;

-- What aws_s3 cannot do: they compile, and fail when called.
CREATE OR REPLACE FUNCTION utl_file_utility.fremove(location text, filename text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM utl_file_utility.fail('0A000', 'FREMOVE',
        format('aws_s3 cannot delete %s in %s', filename, location));
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.frename(src_location text, src_filename text,
    dest_location text, dest_filename text, overwrite boolean DEFAULT false)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM utl_file_utility.fail('0A000', 'FRENAME',
        format('aws_s3 cannot rename %s in %s', src_filename, src_location));
END
$$;

CREATE OR REPLACE FUNCTION utl_file_utility.fcopy(src_location text, src_filename text,
    dest_location text, dest_filename text, start_line integer DEFAULT 1,
    end_line integer DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM utl_file_utility.fail('0A000', 'FCOPY',
        format('aws_s3 cannot copy %s in %s', src_filename, src_location));
END
$$;

COMMIT;
