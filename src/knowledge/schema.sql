-- The local knowledge base, in DuckDB. Table and column names follow the
-- knowledge_base schema the PostgreSQL knowledge base (pgvector) uses, so
-- that loading one from the other is a copy. Where DuckDB lacks a type:
-- JSONB columns are VARCHAR holding JSON text, vector(N) is FLOAT[N].
-- `objects`, `meta` and the `object_id` columns are ours: a package spec
-- and its body share a name, and each needs its own row.
--
-- No PRIMARY KEY, REFERENCES or UNIQUE constraints, and no indexes: the
-- rows are written by pipeline alone, unique by construction (ids derive
-- from what a row describes), and DuckDB's constraint indexes would slow
-- every load while its zone maps serve the lookups. The PostgreSQL
-- knowledge base declares them.
--
-- `knowledge_items` and `business_rules` are views: each joins the rows
-- classify writes (`knowledge_item_rows`, `business_rule_rows`) with the
-- embeddings the embed stage writes (`knowledge_item_embeddings`,
-- `business_rule_embeddings`), and reads as the seed's table, embedding
-- column included. DuckDB stores all N floats of a NULL `FLOAT[N]`, so
-- one table would write (and compress) N floats for every row before any
-- embedding exists: 400 million for a large estate, most of the main
-- job's time.

CREATE SCHEMA knowledge_base;

CREATE TABLE knowledge_base.objects (
    object_id          VARCHAR,  -- 'HR.EMP_PKG (PACKAGE BODY)'
    schema_name        VARCHAR,
    object_name        VARCHAR NOT NULL,
    object_type        VARCHAR NOT NULL,
    source_file        VARCHAR NOT NULL,
    first_line         INTEGER NOT NULL,
    last_line          INTEGER NOT NULL,
    content_hash       VARCHAR NOT NULL,
    parse_status       VARCHAR NOT NULL,
    parse_errors       INTEGER NOT NULL,
    code_lines         INTEGER NOT NULL,
    statements         INTEGER NOT NULL,
    cyclomatic         INTEGER NOT NULL,
    max_nesting        INTEGER NOT NULL,
    complexity_score   DOUBLE NOT NULL,
    complexity_class   VARCHAR NOT NULL,     -- SIMPLE, MEDIUM, COMPLEX
    route              VARCHAR NOT NULL,     -- ora2pg, agent, manual
    reasons            VARCHAR[] NOT NULL,
    score_parts        VARCHAR NOT NULL,     -- 'features 12.0, size 3.5, ...'
    ora2pg_units       DOUBLE NOT NULL,
    conversion_order   INTEGER NOT NULL,     -- 1 = convert first
    -- A hash of everything the object's rows hold: an update rewrites the
    -- rows of the objects whose hash changed, and no others.
    row_hash           VARCHAR NOT NULL
);

CREATE TABLE knowledge_base.meta (
    key                VARCHAR NOT NULL,
    value              VARCHAR NOT NULL
);

CREATE TABLE knowledge_base.knowledge_item_rows (
    id                 UUID,
    object_type        VARCHAR(50) NOT NULL,
    object_name        VARCHAR(256) NOT NULL,
    schema_name        VARCHAR(128),
    knowledge_type     VARCHAR(50) NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    content_raw        TEXT,
    content_structured VARCHAR,
    confidence         DOUBLE DEFAULT 1.0,
    created_at         TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    updated_at         TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    created_by         VARCHAR(100) DEFAULT 'pipeline classify',
    object_id          VARCHAR NOT NULL,
    CONSTRAINT fk_knowledge_type CHECK (
        knowledge_type IN ('RULE', 'FLOW', 'DEPENDENCY', 'FEATURE', 'VALIDATION', 'CALCULATION')
    )
);

CREATE TABLE knowledge_base.business_rule_rows (
    id                 UUID,
    knowledge_id       UUID,
    rule_name          TEXT NOT NULL,
    rule_category      VARCHAR(100),
    conditions         VARCHAR NOT NULL,
    actions            VARCHAR NOT NULL,
    exceptions         VARCHAR,
    business_context   TEXT,
    applies_to         VARCHAR[],
    source_code        TEXT,
    source_line        INTEGER,
    created_at         TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    object_id          VARCHAR NOT NULL
);

-- One row per embedded row of the table named, by its id.
CREATE TABLE knowledge_base.knowledge_item_embeddings (
    id                 UUID NOT NULL,
    embedding          FLOAT[@DIMENSIONS@] NOT NULL
);

CREATE TABLE knowledge_base.business_rule_embeddings (
    id                 UUID NOT NULL,
    embedding          FLOAT[@DIMENSIONS@] NOT NULL
);

CREATE VIEW knowledge_base.knowledge_items AS
SELECT r.id, r.object_type, r.object_name, r.schema_name, r.knowledge_type, r.title,
       r.description, r.content_raw, r.content_structured, e.embedding, r.confidence,
       r.created_at, r.updated_at, r.created_by, r.object_id
FROM knowledge_base.knowledge_item_rows r
LEFT JOIN knowledge_base.knowledge_item_embeddings e ON e.id = r.id;

CREATE VIEW knowledge_base.business_rules AS
SELECT r.id, r.knowledge_id, r.rule_name, r.rule_category, r.conditions, r.actions,
       r.exceptions, r.business_context, r.applies_to, r.source_code, r.source_line,
       e.embedding, r.created_at, r.object_id
FROM knowledge_base.business_rule_rows r
LEFT JOIN knowledge_base.business_rule_embeddings e ON e.id = r.id;

CREATE TABLE knowledge_base.dependencies (
    id                 UUID,
    source_object      VARCHAR(256) NOT NULL,
    source_type        VARCHAR(50) NOT NULL,
    target_object      VARCHAR(256) NOT NULL,
    target_type        VARCHAR(50) NOT NULL,
    dependency_type    VARCHAR(50) NOT NULL,  -- CALLS, READS, WRITES, REFERENCES
    call_count         INTEGER DEFAULT 1,
    is_critical        BOOLEAN DEFAULT FALSE,
    metadata           VARCHAR,
    created_at         TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    source_id          VARCHAR NOT NULL,
    -- The seed's UNIQUE (source_object, target_object, dependency_type)
    -- would reject a spec and its body that use the same name; rows are
    -- unique by (source_id, target_object, dependency_type).
    target_id          VARCHAR
);

CREATE TABLE knowledge_base.technical_features (
    id                 UUID,
    object_name        VARCHAR(256) NOT NULL,
    object_type        VARCHAR(50) NOT NULL,
    feature_name       VARCHAR(100) NOT NULL,
    feature_category   VARCHAR(50),
    occurrences        INTEGER DEFAULT 1,
    complexity_impact  VARCHAR(20),
    migration_strategy TEXT,
    details            VARCHAR,
    created_at         TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    object_id          VARCHAR NOT NULL
);

CREATE VIEW knowledge_base.object_complexity AS
SELECT
    tf.object_name,
    tf.object_type,
    COUNT(DISTINCT tf.feature_name) AS feature_count,
    ARRAY_AGG(DISTINCT tf.feature_name ORDER BY tf.feature_name) AS features,
    MAX(CASE
        WHEN tf.complexity_impact = 'HIGH' THEN 3
        WHEN tf.complexity_impact = 'MEDIUM' THEN 2
        ELSE 1
    END) AS max_complexity_score,
    COUNT(DISTINCT d.target_object) AS dependency_count
FROM knowledge_base.technical_features tf
LEFT JOIN knowledge_base.dependencies d ON tf.object_id = d.source_id
GROUP BY tf.object_name, tf.object_type;
