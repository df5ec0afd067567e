-- knowledge_base: what `pipeline` learned about the Oracle estate, searchable by meaning.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Needs pgvector 0.5 or later (HNSW indexes). Embeddings have 1024 dimensions, the
-- manifest's knowledge.embedding_dimensions; changing it later means re-creating the
-- embedding columns and re-computing every embedding.
--
-- Running this file twice is safe: it creates what is missing and changes nothing that exists.
-- functions.sql, installed after it, holds the search function and the views.

\set ON_ERROR_STOP on

BEGIN;

-- "already exists, skipping" notices say nothing on a re-run.
SET LOCAL client_min_messages = warning;

CREATE EXTENSION IF NOT EXISTS vector;

CREATE SCHEMA IF NOT EXISTS knowledge_base;

-- One row per object of the estate, as `pipeline run` classified it: where its source is,
-- how hard it is to migrate and why, and which route converts it.
CREATE TABLE IF NOT EXISTS knowledge_base.objects (
    -- 'HR.EMP_PKG (PACKAGE BODY)': a package spec and its body share a name.
    object_id text PRIMARY KEY,
    schema_name varchar(128),
    object_name varchar(256) NOT NULL,
    object_type varchar(50) NOT NULL,
    source_file text NOT NULL,
    first_line integer NOT NULL,
    last_line integer NOT NULL,
    content_hash text NOT NULL,
    parse_status text NOT NULL,
    parse_errors integer NOT NULL,
    code_lines integer NOT NULL,
    statements integer NOT NULL,
    cyclomatic integer NOT NULL,
    max_nesting integer NOT NULL,
    complexity_score double precision NOT NULL,
    complexity_class text NOT NULL CHECK (complexity_class IN ('SIMPLE', 'MEDIUM', 'COMPLEX')),
    route text NOT NULL CHECK (route IN ('ora2pg', 'agent', 'manual')),
    reasons text[] NOT NULL,
    score_parts text NOT NULL,
    ora2pg_units double precision NOT NULL,
    -- 1 = convert first.
    conversion_order integer NOT NULL,
    -- What the load stage sent this object's rows from; a re-load sends the objects whose
    -- hash changed.
    load_hash text
);
-- Tables created before the column existed.
ALTER TABLE knowledge_base.objects ADD COLUMN IF NOT EXISTS load_hash text;

CREATE TABLE IF NOT EXISTS knowledge_base.knowledge_items (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The source object: FUNCTION, PROCEDURE, PACKAGE, PACKAGE BODY, TRIGGER, TYPE, VIEW, ...
    object_type varchar(50) NOT NULL,
    object_name varchar(256) NOT NULL,
    schema_name varchar(128),
    knowledge_type varchar(50) NOT NULL CHECK (
        knowledge_type IN ('RULE', 'FLOW', 'DEPENDENCY', 'FEATURE', 'VALIDATION', 'CALCULATION')
    ),
    title text NOT NULL,
    description text NOT NULL,
    -- The source text the item was drawn from, and whatever structure was extracted from it.
    content_raw text,
    content_structured jsonb,
    embedding vector(1024),
    confidence double precision NOT NULL DEFAULT 1.0 CHECK (confidence BETWEEN 0 AND 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    created_by varchar(100) NOT NULL DEFAULT 'pipeline'
);

CREATE TABLE IF NOT EXISTS knowledge_base.business_rules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    knowledge_id uuid REFERENCES knowledge_base.knowledge_items (id) ON DELETE CASCADE,
    rule_name text NOT NULL,
    -- VALIDATION, CALCULATION or WORKFLOW.
    rule_category varchar(100),
    conditions jsonb NOT NULL,
    actions jsonb NOT NULL,
    exceptions jsonb,
    business_context text,
    -- The entities (tables, objects) the rule applies to.
    applies_to text[],
    source_code text,
    source_line integer,
    embedding vector(1024),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS knowledge_base.dependencies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    source_object varchar(256) NOT NULL,
    source_type varchar(50) NOT NULL,
    target_object varchar(256) NOT NULL,
    target_type varchar(50) NOT NULL,
    dependency_type varchar(50) NOT NULL CHECK (
        dependency_type IN ('CALLS', 'READS', 'WRITES', 'REFERENCES')
    ),
    call_count integer NOT NULL DEFAULT 1,
    is_critical boolean NOT NULL DEFAULT false,
    metadata jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_object, target_object, dependency_type)
);

CREATE TABLE IF NOT EXISTS knowledge_base.technical_features (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    object_name varchar(256) NOT NULL,
    object_type varchar(50) NOT NULL,
    -- UTL_HTTP, AUTONOMOUS_TRANSACTION, BULK_COLLECT, ...
    feature_name varchar(100) NOT NULL,
    feature_category varchar(50),
    occurrences integer NOT NULL DEFAULT 1,
    complexity_impact varchar(20) CHECK (complexity_impact IN ('LOW', 'MEDIUM', 'HIGH')),
    migration_strategy text,
    details jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS idx_objects_name ON knowledge_base.objects (object_name);
CREATE INDEX IF NOT EXISTS idx_knowledge_items_type ON knowledge_base.knowledge_items (knowledge_type);
CREATE INDEX IF NOT EXISTS idx_knowledge_items_object ON knowledge_base.knowledge_items (object_name);
CREATE INDEX IF NOT EXISTS idx_business_rules_category ON knowledge_base.business_rules (rule_category);
CREATE INDEX IF NOT EXISTS idx_dependencies_source ON knowledge_base.dependencies (source_object);
CREATE INDEX IF NOT EXISTS idx_dependencies_target ON knowledge_base.dependencies (target_object);
CREATE INDEX IF NOT EXISTS idx_technical_features_feature ON knowledge_base.technical_features (feature_name);

-- Cosine distance, matching normalised Titan embeddings.
CREATE INDEX IF NOT EXISTS idx_knowledge_embedding ON knowledge_base.knowledge_items
    USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 128);
CREATE INDEX IF NOT EXISTS idx_rules_embedding ON knowledge_base.business_rules
    USING hnsw (embedding vector_cosine_ops)
    WITH (m = 16, ef_construction = 128);

COMMIT;
