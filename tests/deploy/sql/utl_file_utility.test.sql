-- pgTAP tests of deploy/sql/utl_file_utility against the aws_s3 stand-in.
--
-- Run from the repository root by tests/deploy/run.sh, in a fresh database that already has
-- pgTAP and aws_s3_stand_in.sql, as a superuser (the stand-in writes and reads server files).
-- The bytes of each S3 object are read back from the stand-in's folder, so these tests state
-- what a file written through UTL_FILE holds on S3.

\set ON_ERROR_STOP on
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset pager off

-- Installing twice must work and keep the directories configured.
\i deploy/sql/utl_file_utility/install.sql
INSERT INTO utl_file_utility.directories (name, bucket, prefix) VALUES ('OUT_DIR', 'reports', 'daily/');
\i deploy/sql/utl_file_utility/install.sql

CREATE SCHEMA t;

-- The S3 object's bytes, as text.
CREATE FUNCTION t.object(p_key text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_read_file(aws_s3.stand_in_path(aws_commons.create_s3_uri('reports', p_key, 'x')))
$$;

CREATE FUNCTION t.error_of(p_sql text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_state text; v_message text;
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
    RETURN jsonb_build_object('sqlstate', v_state, 'message', v_message);
END
$$;

-- Every line of a file open for reading, until no_data_found.
CREATE FUNCTION t.read_all(p_name text, p_len integer DEFAULT NULL) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type := utl_file_utility.fopen('OUT_DIR', p_name, 'r');
    v_lines text[] := '{}';
BEGIN
    LOOP
        BEGIN
            v_lines := v_lines || utl_file_utility.get_line(f, p_len);
        EXCEPTION WHEN no_data_found THEN
            EXIT;
        END;
    END LOOP;
    f := utl_file_utility.fclose(f);
    RETURN v_lines;
END
$$;

SELECT plan(31);

SELECT is((SELECT count(*) FROM utl_file_utility.directories)::integer, 1,
          'installing again keeps the configured directories');

-- Writing: put, put_line, new_line and putf build lines as UTL_FILE does.
CREATE FUNCTION t.write_report() RETURNS boolean[] LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type;
    v_open boolean[];
BEGIN
    f := utl_file_utility.fopen('out_dir', 'day.txt', 'w');
    v_open := v_open || utl_file_utility.is_open(f);
    PERFORM utl_file_utility.put_line(f, 'id,"name"\path');
    PERFORM utl_file_utility.put(f, 'x');
    PERFORM utl_file_utility.put(f, 'y');
    PERFORM utl_file_utility.new_line(f, 2);
    PERFORM utl_file_utility.putf(f, 'total=%s of %s\n', '7', '9');
    PERFORM utl_file_utility.put_line(f, E'tab\there');
    f := utl_file_utility.fclose(f);
    RETURN v_open || utl_file_utility.is_open(f) || ((f).id IS NULL);
END
$$;
SELECT is(t.write_report(), ARRAY[true, false, true], 'is_open follows fopen and fclose, which clears the id');
SELECT is(t.object('daily/day.txt'), E'id,"name"\\path\nxy\n\ntotal=7 of 9\ntab\there\n',
          'the S3 object holds the lines as written, quotes, backslashes and tabs untouched');

-- Appending reads the object first.
CREATE FUNCTION t.append() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type := utl_file_utility.fopen('OUT_DIR', 'day.txt', 'a');
BEGIN
    PERFORM utl_file_utility.put_line(f, 'appended');
    f := utl_file_utility.fclose(f);
END
$$;
SELECT lives_ok('SELECT t.append()', 'a file opened in mode a takes more lines');
SELECT is(t.object('daily/day.txt'), E'id,"name"\\path\nxy\n\ntotal=7 of 9\ntab\there\nappended\n',
          'mode a keeps what the object held');

-- Reading gives the lines back; an empty line is NULL, as in Oracle.
SELECT is(t.read_all('day.txt'),
          ARRAY['id,"name"\path', 'xy', NULL, 'total=7 of 9', E'tab\there', 'appended'],
          'get_line reads each line in order, then raises no_data_found');
SELECT is(t.read_all('day.txt', 4),
          ARRAY['id,"', 'name', '"\pa', 'th', 'xy', NULL, 'tota', 'l=7 ', 'of 9', E'tab\t', 'here',
                'appe', 'nded'],
          'get_line reads at most len characters, and the rest of the line comes next');

-- fflush makes what was written so far visible before fclose.
CREATE TABLE t.kept (f utl_file_utility.file_type);
CREATE FUNCTION t.flushed() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type := utl_file_utility.fopen('OUT_DIR', 'partial.txt', 'W');
    v_seen text;
BEGIN
    INSERT INTO t.kept VALUES (f);
    PERFORM utl_file_utility.put_line(f, 'one');
    PERFORM utl_file_utility.fflush(f);
    v_seen := t.object('daily/partial.txt');
    PERFORM utl_file_utility.put_line(file => f, buffer => 'two', autoflush => true);
    RETURN v_seen || '|' || t.object('daily/partial.txt');
END
$$;
SELECT is(t.flushed(), E'one\n|one\ntwo\n', 'fflush and put_line''s autoflush write the object so far');
SELECT ok(utl_file_utility.is_open(f), 'the file fflush left open is still open') FROM t.kept;
SELECT lives_ok('SELECT utl_file_utility.fclose_all()', 'fclose_all closes every file');
SELECT ok(NOT utl_file_utility.is_open(f), 'nothing is open after fclose_all') FROM t.kept;
SELECT is(t.error_of($$SELECT utl_file_utility.put_line(f, 'late') FROM t.kept$$) ->> 'sqlstate',
          'UF003', 'a closed handle is invalid_filehandle');

-- What Oracle writes for line feeds in a line, new_line(0), PUTF's arguments and numbers.
CREATE FUNCTION t.write_odd() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type := utl_file_utility.fopen('OUT_DIR', 'odd.txt', 'w');
    g utl_file_utility.file_type;
BEGIN
    PERFORM utl_file_utility.put_line(f, E'a\nb');
    PERFORM utl_file_utility.put(f, 'x');
    PERFORM utl_file_utility.new_line(f, 0);
    PERFORM utl_file_utility.put(f, 'y');
    PERFORM utl_file_utility.new_line(f);
    PERFORM utl_file_utility.putf(f, 'path=%s\n', 'C:\new');
    PERFORM utl_file_utility.put_line(f, 42.5);
    g := f;
    f := utl_file_utility.fclose(f);
    f := utl_file_utility.fopen('OUT_DIR', 'other.txt', 'w');
    BEGIN
        PERFORM utl_file_utility.put_line(g, 'stale');
    EXCEPTION WHEN SQLSTATE 'UF003' THEN
        PERFORM utl_file_utility.put_line(f, 'the stale handle was refused');
    END;
    f := utl_file_utility.fclose(f);
END
$$;
SELECT lives_ok('SELECT t.write_odd()', 'line feeds, new_line(0), putf and numbers are written');
SELECT is(t.object('daily/odd.txt'), E'a\nb\nxy\npath=C:\\new\n42.5\n',
          'a line feed in a line starts a line; new_line(0) ends none; PUTF''s arguments stay as given');
SELECT is(t.object('daily/other.txt'), E'the stale handle was refused\n',
          'a copy of a closed handle does not reach the file opened after it');

-- Oracle's read loop: the handler of the block that opened the file closes it, after
-- PostgreSQL rolled that block back, file state included.
CREATE FUNCTION t.read_until_the_end() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type;
    v_line text;
    v_all text := '';
BEGIN
    f := utl_file_utility.fopen('OUT_DIR', 'odd.txt', 'r');
    LOOP
        v_line := utl_file_utility.get_line(f);
        v_all := v_all || v_line || '|';
    END LOOP;
EXCEPTION WHEN no_data_found THEN
    f := utl_file_utility.fclose(f);
    RETURN v_all;
END
$$;
SELECT is(t.read_until_the_end(), 'a|b|xy|path=C:\new|42.5|',
          'FCLOSE in the handler of the block that opened the file goes on');

-- Mode a refuses an object it cannot read, rather than overwrite it at fclose.
-- (A line with a lone 0x1E, written by someone else: COPY reads it as an unclosed quote.)
SELECT FROM aws_s3.query_export_to_s3($$SELECT E'a\x1eb'$$,
    aws_commons.create_s3_uri('reports', 'daily/mixed.txt', 'x'),
    $o$format csv, quote E'\x01', delimiter E'\x02'$o$);
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('OUT_DIR', 'mixed.txt', 'a')$$) ->> 'sqlstate',
          'UF006', 'appending to an object that cannot be read is read_error');
SELECT is(t.object('daily/mixed.txt'), E'a\x1eb\n', 'and the object is left as it was');

-- Errors carry Oracle's exception names and their own SQLSTATEs.
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('NO_DIR', 'a.txt', 'w')$$) ->> 'sqlstate',
          'UF001', 'an unknown directory is invalid_path');
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('OUT_DIR', '../a.txt', 'w')$$) ->> 'sqlstate',
          'UF005', 'a file name with a slash is invalid_filename');
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('OUT_DIR', 'a.txt', 'w', 0)$$) ->> 'sqlstate',
          'UF008', 'a max_linesize of 0 is invalid_maxlinesize');
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('OUT_DIR', 'a.txt', 'x')$$) ->> 'message',
          'UTL_FILE.INVALID_MODE: open mode ''x'' is not r, w or a', 'an unknown mode is invalid_mode');
SELECT is(t.error_of($$SELECT utl_file_utility.fopen('OUT_DIR', 'missing.txt', 'r')$$) ->> 'sqlstate',
          'UF004', 'reading an object that does not exist is invalid_operation');
SELECT is(t.error_of($$SELECT utl_file_utility.put_line(ROW(4242, 'OUT_DIR', 'a', 'w', 1024)::utl_file_utility.file_type, 'x')$$)
          ->> 'sqlstate', 'UF003', 'a handle that is not open is invalid_filehandle');
SELECT is(t.error_of($$SELECT utl_file_utility.get_line(utl_file_utility.fopen('OUT_DIR', 'w.txt', 'w'))$$)
          ->> 'sqlstate', 'UF004', 'reading a file open for writing is invalid_operation');
SELECT is(t.error_of($$SELECT utl_file_utility.put(utl_file_utility.fopen('OUT_DIR', 'day.txt', 'r'), 'x')$$)
          ->> 'sqlstate', 'UF004', 'writing a file open for reading is invalid_operation');
SELECT is(t.error_of($$SELECT utl_file_utility.fremove('OUT_DIR', 'day.txt')$$) ->> 'sqlstate',
          '0A000', 'fremove says aws_s3 cannot do it');
SELECT ok(t.object('daily/day.txt') LIKE '%appended%', 'a failed fremove leaves the object');

-- Uninstalling refuses while converted code uses the schema, even through a variable only
-- (PostgreSQL records no dependency for it), then works, twice.
SET client_min_messages = warning;
DROP SCHEMA t CASCADE;
CREATE FUNCTION public.converted() RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    f utl_file_utility.file_type;
BEGIN
    RETURN f IS NULL;
END
$$;
-- (The script sets ON_ERROR_STOP itself: psql leaves it at its first error, in its transaction.)
\set ON_ERROR_STOP off
\i deploy/sql/utl_file_utility/uninstall.sql
ROLLBACK;
\set ON_ERROR_STOP on
SELECT has_function('utl_file_utility', 'fopen',
                    'uninstall.sql refuses, and changes nothing, while converted code uses the types');
DROP FUNCTION public.converted();
\i deploy/sql/utl_file_utility/uninstall.sql
\i deploy/sql/utl_file_utility/uninstall.sql
SELECT hasnt_schema('utl_file_utility', 'uninstalling twice removes the schema');
SELECT has_schema('aws_s3', 'uninstalling keeps aws_s3');

SELECT * FROM finish();
