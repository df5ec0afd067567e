-- Tests of deploy/sql/knowledge_base on PostgreSQL with pgvector (0.5 or later, for HNSW), after
-- scripts/setup_knowledge_base.sh has installed schema.sql and functions.sql (twice).
--
-- pgTAP is not available with that server, so this prints TAP lines itself through t.ok().
-- Embeddings are made-up unit vectors: what is tested is the schema and the search, not a model.

\set ON_ERROR_STOP on
\set QUIET on
\pset format unaligned
\pset tuples_only on
\pset pager off
SET client_min_messages = warning;

CREATE SCHEMA t;
CREATE SEQUENCE t.test_number;

CREATE FUNCTION t.ok(p_pass boolean, p_description text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN coalesce(p_pass, false) THEN 'ok ' ELSE 'not ok ' END
           || nextval('t.test_number') || ' - ' || p_description
$$;

-- A vector of the schema's dimension pointing mostly along `axis`, tilted towards `other`.
CREATE FUNCTION t.direction(p_axis integer, p_other integer DEFAULT 1, p_tilt real DEFAULT 0)
RETURNS vector LANGUAGE sql STABLE AS $$
    SELECT array_agg(CASE WHEN i = p_axis THEN 1 WHEN i = p_other THEN p_tilt ELSE 0 END ORDER BY i)::real[]::vector
    FROM generate_series(1, (SELECT atttypmod FROM pg_attribute
                             WHERE attrelid = 'knowledge_base.knowledge_items'::regclass
                               AND attname = 'embedding')) AS i
$$;

CREATE FUNCTION t.error_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE p_sql;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLERRM;
END
$$;

SELECT t.ok((SELECT count(*) FROM pg_tables WHERE schemaname = 'knowledge_base') = 5,
            'the five tables exist');
SELECT t.ok(format_type(atttypid, atttypmod) = 'vector(1024)',
            'knowledge_items.embedding has the manifest''s 1024 dimensions')
FROM pg_attribute WHERE attrelid = 'knowledge_base.knowledge_items'::regclass AND attname = 'embedding';
SELECT t.ok(format_type(atttypid, atttypmod) = 'vector(1024)', 'business_rules.embedding has 1024 dimensions')
FROM pg_attribute WHERE attrelid = 'knowledge_base.business_rules'::regclass AND attname = 'embedding';
SELECT t.ok(count(*) = 2 AND bool_and(am.amname = 'hnsw'), 'both embedding indexes are HNSW')
FROM pg_index AS x JOIN pg_class AS c ON c.oid = x.indexrelid JOIN pg_am AS am ON am.oid = c.relam
WHERE c.relname IN ('idx_knowledge_embedding', 'idx_rules_embedding');
SELECT t.ok(pg_get_indexdef('knowledge_base.idx_knowledge_embedding'::regclass)
                LIKE '%vector_cosine_ops%m=''16''%ef_construction=''128''%',
            'the HNSW index uses cosine distance and the manifest''s build parameters');

INSERT INTO knowledge_base.knowledge_items
    (id, object_type, object_name, knowledge_type, title, description, embedding)
VALUES
    ('00000000-0000-0000-0000-000000000001', 'FUNCTION', 'PKG_VENTAS.CALCULAR_DESCUENTO', 'CALCULATION',
     'Discount by customer tier', 'Computes the discount from the tier', t.direction(1)),
    ('00000000-0000-0000-0000-000000000002', 'PROCEDURE', 'PKG_VENTAS.VALIDAR_CLIENTE', 'VALIDATION',
     'Customer must be active', 'Rejects inactive customers', t.direction(1, 2, 0.6)),
    ('00000000-0000-0000-0000-000000000003', 'TRIGGER', 'TRG_AUDIT', 'FLOW',
     'Audit trail', 'Writes an audit row', t.direction(3)),
    ('00000000-0000-0000-0000-000000000004', 'VIEW', 'V_PENDING', 'FEATURE',
     'Not embedded yet', 'No embedding', NULL);

SELECT t.ok(array_agg(object_name::text ORDER BY similarity DESC) = ARRAY['PKG_VENTAS.CALCULAR_DESCUENTO', 'PKG_VENTAS.VALIDAR_CLIENTE'],
            'semantic_search returns the items above the threshold, nearest first')
FROM knowledge_base.semantic_search(t.direction(1), 10, 0.7);
SELECT t.ok(abs(similarity - 1) < 1e-6, 'an identical direction has similarity 1')
FROM knowledge_base.semantic_search(t.direction(1), 1, 0.0);
SELECT t.ok(count(*) = 3, 'a zero threshold returns every embedded item, none without embedding')
FROM knowledge_base.semantic_search(t.direction(1), 10, 0.0);
SELECT t.ok(count(*) = 1, 'limit_results limits the results')
FROM knowledge_base.semantic_search(t.direction(1), 1, 0.0);
SELECT t.ok(object_name = 'TRG_AUDIT', 'another direction finds another item')
FROM knowledge_base.semantic_search(t.direction(3), 1);
SELECT t.ok(t.error_of($$SELECT * FROM knowledge_base.semantic_search('[1,0,0]')$$) LIKE '%dimensions 1024 and 3%',
            'a query embedding of the wrong dimension is refused');

-- The search's inner query is served by the HNSW index.
CREATE FUNCTION t.plan_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_line text;
    v_plan text := '';
BEGIN
    FOR v_line IN EXECUTE 'EXPLAIN ' || p_sql LOOP
        v_plan := v_plan || v_line || E'\n';
    END LOOP;
    RETURN v_plan;
END
$$;
SET enable_seqscan = off;
SELECT t.ok(t.plan_of($$SELECT id FROM knowledge_base.knowledge_items AS ki WHERE ki.embedding IS NOT NULL
                        ORDER BY ki.embedding <=> t.direction(1) LIMIT 10$$) LIKE '%idx_knowledge_embedding%',
            'the nearest-item query uses the HNSW index');
RESET enable_seqscan;

INSERT INTO knowledge_base.business_rules (rule_name, rule_category, conditions, actions, source_line, embedding)
VALUES ('Tier discount', 'CALCULATION', '["tier = GOLD"]', '["discount := 0.1"]', 42, t.direction(5)),
       ('Active customer', 'VALIDATION', '["status <> ACTIVE"]', '["raise -20001"]', 7, t.direction(6));
SELECT t.ok(rule_name = 'Tier discount' AND source_line = 42, 'search_rules finds the nearest rule')
FROM knowledge_base.search_rules(t.direction(5), 1);

INSERT INTO knowledge_base.technical_features (object_name, object_type, feature_name, complexity_impact)
VALUES ('PKG_HTTP', 'PACKAGE', 'UTL_HTTP', 'HIGH'),
       ('PKG_HTTP', 'PACKAGE', 'DBMS_OUTPUT', 'LOW'),
       ('PKG_HTTP', 'PACKAGE', 'BULK_COLLECT', 'MEDIUM');
INSERT INTO knowledge_base.dependencies (source_object, source_type, target_object, target_type, dependency_type)
VALUES ('PKG_HTTP', 'PACKAGE', 'T_LOG', 'TABLE', 'WRITES'),
       ('PKG_HTTP', 'PACKAGE', 'PKG_UTIL', 'PACKAGE', 'CALLS');
SELECT t.ok(feature_count = 3 AND dependency_count = 2 AND max_complexity_score = 3
            AND features = ARRAY['BULK_COLLECT', 'DBMS_OUTPUT', 'UTL_HTTP']::varchar[],
            'object_complexity counts features and dependencies without multiplying them')
FROM knowledge_base.object_complexity WHERE object_name = 'PKG_HTTP';
SELECT t.ok(t.error_of($$INSERT INTO knowledge_base.dependencies (source_object, source_type, target_object, target_type, dependency_type)
                       VALUES ('PKG_HTTP', 'PACKAGE', 'T_LOG', 'TABLE', 'WRITES')$$) LIKE '%duplicate key%',
            'a dependency is recorded once per source, target and kind');
SELECT t.ok(t.error_of($$INSERT INTO knowledge_base.knowledge_items (object_type, object_name, knowledge_type, title, description)
                       VALUES ('FUNCTION', 'F', 'GUESS', 't', 'd')$$) LIKE '%check constraint%',
            'an unknown knowledge type is refused');

DROP SCHEMA t CASCADE;
