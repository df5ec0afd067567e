-- Test-only stand-in for Aurora's aws_commons and aws_s3, with the real signatures.
--
-- Installed only into test databases, never with the deploy artifacts. A bucket is a folder
-- under the server-side directory named by the setting aws_s3_stand_in.root (by default
-- aws_s3_stand_in in the data directory), an object a file in it (a key's slashes become %2F). Export and import run COPY with the caller's options, as
-- aws_s3 does, so the options converted code passes are checked by the real COPY. The server
-- must let the session write server files and run programs (a superuser may).
-- It can go beside aws_lambda_stand_in.sql, which also creates aws_commons.

\set ON_ERROR_STOP on

CREATE SCHEMA IF NOT EXISTS aws_commons;

CREATE TYPE aws_commons._s3_uri_1 AS (bucket text, file_path text, region text);

CREATE FUNCTION aws_commons.create_s3_uri(bucket text, file_path text, region text)
RETURNS aws_commons._s3_uri_1
LANGUAGE sql IMMUTABLE AS $$
    SELECT ROW($1, $2, $3)::aws_commons._s3_uri_1
$$;

CREATE SCHEMA aws_s3;

CREATE FUNCTION aws_s3.stand_in_path(s3_info aws_commons._s3_uri_1) RETURNS text
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF coalesce(s3_info.bucket, '') = '' OR coalesce(s3_info.file_path, '') = '' THEN
        RAISE EXCEPTION 'aws_s3: bucket and file path are required' USING ERRCODE = '22023';
    END IF;
    RETURN coalesce(nullif(current_setting('aws_s3_stand_in.root', true), ''),
                    current_setting('data_directory') || '/aws_s3_stand_in')
        || '/' || s3_info.bucket || '/' || replace(s3_info.file_path, '/', '%2F');
END
$$;

CREATE FUNCTION aws_s3.query_export_to_s3(
    query text, s3_info aws_commons._s3_uri_1, options text DEFAULT NULL, kms_key text DEFAULT NULL,
    OUT rows_uploaded bigint, OUT files_uploaded bigint, OUT bytes_uploaded bigint
) LANGUAGE plpgsql AS $$
DECLARE
    v_path text := aws_s3.stand_in_path(s3_info);
BEGIN
    -- The bucket's folder.
    EXECUTE format('COPY (SELECT WHERE false) TO PROGRAM %L',
        'mkdir -p ''' || replace(regexp_replace(v_path, '/[^/]*$', ''), '''', '''\''''') || '''');
    EXECUTE format('COPY (%s) TO %L %s', query, v_path,
        CASE WHEN options IS NULL THEN '' ELSE 'WITH (' || options || ')' END);
    GET DIAGNOSTICS rows_uploaded = ROW_COUNT;
    files_uploaded := 1;
    bytes_uploaded := (pg_stat_file(v_path)).size;
END
$$;

CREATE FUNCTION aws_s3.table_import_from_s3(
    table_name text, column_list text, options text, s3_info aws_commons._s3_uri_1
) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_path text := aws_s3.stand_in_path(s3_info);
    v_rows bigint;
BEGIN
    IF pg_stat_file(v_path, true) IS NULL THEN
        RAISE EXCEPTION 'HTTP 404. Requested file does not exist.' USING ERRCODE = 'XX000';
    END IF;
    EXECUTE format('COPY %s %s FROM %L %s', table_name,
        CASE WHEN coalesce(column_list, '') = '' THEN '' ELSE '(' || column_list || ')' END,
        v_path, coalesce(options, ''));
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN format('%s rows imported into relation "%s" from file %s', v_rows, table_name,
        s3_info.file_path);
END
$$;
