-- What became of each object in conversion, beside the knowledge base
-- (ATTACH it to knowledge.duckdb: object_id is the same). Written whole
-- by the `pick` stage on each run.

CREATE SCHEMA knowledge_base;

-- One row per object and engine that converted it.
CREATE TABLE knowledge_base.conversions (
    object_id          VARCHAR NOT NULL,  -- 'HR.EMP_PKG (PACKAGE BODY)'
    engine             VARCHAR NOT NULL,  -- native, ora2pg, agent
    file               VARCHAR NOT NULL,  -- the converted SQL, from the project root
    kept               BOOLEAN NOT NULL,  -- the conversion pick kept for this object
    -- clean, created, not validated, failed plpgsql_check, failed
    verdict            VARCHAR NOT NULL,
    validation_status  VARCHAR,           -- ok, warnings, failed, not-run; NULL: no result
    error_line         INTEGER,           -- line of the first finding in `file`
    error_message      VARCHAR,
    plpgsql_checked    BOOLEAN
);

-- Each CREATE FUNCTION and CREATE PROCEDURE of a conversion on its own
-- (a package body fails as a whole when one member does).
CREATE TABLE knowledge_base.conversion_routines (
    object_id          VARCHAR NOT NULL,
    engine             VARCHAR NOT NULL,
    routine            VARCHAR NOT NULL,  -- as the statement names it, lower case
    line               INTEGER NOT NULL,  -- of the statement in the converted file
    status             VARCHAR NOT NULL,  -- clean, created, errors, refused
    message            VARCHAR
);

-- The rewrites a person should review and the constructs with no
-- equivalent, at their line in the extracted file.
CREATE TABLE knowledge_base.conversion_notes (
    object_id          VARCHAR NOT NULL,
    engine             VARCHAR NOT NULL,
    line               INTEGER NOT NULL,
    kind               VARCHAR NOT NULL,  -- review, unsupported
    message            VARCHAR NOT NULL
);
