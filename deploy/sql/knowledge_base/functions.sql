-- Search functions and views of the knowledge_base schema; install schema.sql first.
--
-- Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.
--
-- Running this file twice is safe: every object is created or replaced.

\set ON_ERROR_STOP on

BEGIN;

-- "already exists, skipping" notices say nothing on a re-run.
SET LOCAL client_min_messages = warning;

-- The knowledge items nearest to a query embedding, most similar first, keeping those at
-- least `similarity_threshold` similar (cosine similarity, 1 = same direction).
--
-- The nearest items are found first and the threshold applied after, so the HNSW index
-- serves the ORDER BY ... LIMIT; a threshold inside the scan would make the index unusable.
-- Raise hnsw.ef_search (default 40) when limit_results exceeds it.
CREATE OR REPLACE FUNCTION knowledge_base.semantic_search(
    query_embedding vector(1024),
    limit_results integer DEFAULT 10,
    similarity_threshold double precision DEFAULT 0.7
)
RETURNS TABLE (
    id uuid,
    title text,
    description text,
    knowledge_type varchar(50),
    object_name varchar(256),
    similarity double precision
)
LANGUAGE sql STABLE AS $$
    SELECT nearest.id, nearest.title, nearest.description, nearest.knowledge_type,
           nearest.object_name, nearest.similarity
    FROM (
        SELECT ki.id, ki.title, ki.description, ki.knowledge_type, ki.object_name,
               1 - (ki.embedding <=> query_embedding) AS similarity
        FROM knowledge_base.knowledge_items AS ki
        WHERE ki.embedding IS NOT NULL
        ORDER BY ki.embedding <=> query_embedding
        LIMIT limit_results
    ) AS nearest
    WHERE nearest.similarity >= similarity_threshold
    ORDER BY nearest.similarity DESC, nearest.id
$$;

-- The business rules nearest to a query embedding, as semantic_search does for items.
CREATE OR REPLACE FUNCTION knowledge_base.search_rules(
    query_embedding vector(1024),
    limit_results integer DEFAULT 10,
    similarity_threshold double precision DEFAULT 0.7
)
RETURNS TABLE (
    id uuid,
    rule_name text,
    rule_category varchar(100),
    source_line integer,
    similarity double precision
)
LANGUAGE sql STABLE AS $$
    SELECT nearest.id, nearest.rule_name, nearest.rule_category, nearest.source_line,
           nearest.similarity
    FROM (
        SELECT br.id, br.rule_name, br.rule_category, br.source_line,
               1 - (br.embedding <=> query_embedding) AS similarity
        FROM knowledge_base.business_rules AS br
        WHERE br.embedding IS NOT NULL
        ORDER BY br.embedding <=> query_embedding
        LIMIT limit_results
    ) AS nearest
    WHERE nearest.similarity >= similarity_threshold
    ORDER BY nearest.similarity DESC, nearest.id
$$;

-- One row per object with technical features: how many, which, the highest impact
-- (3 HIGH, 2 MEDIUM, 1 LOW) and how many objects it depends on.
--
-- Dependencies are counted in a subquery, not joined, so an object with several features
-- does not multiply its dependency rows.
CREATE OR REPLACE VIEW knowledge_base.object_complexity AS
SELECT tf.object_name,
       tf.object_type,
       count(DISTINCT tf.feature_name) AS feature_count,
       array_agg(DISTINCT tf.feature_name ORDER BY tf.feature_name) AS features,
       max(CASE tf.complexity_impact WHEN 'HIGH' THEN 3 WHEN 'MEDIUM' THEN 2 ELSE 1 END)
           AS max_complexity_score,
       (SELECT count(DISTINCT d.target_object)
        FROM knowledge_base.dependencies AS d
        WHERE d.source_object = tf.object_name) AS dependency_count
FROM knowledge_base.technical_features AS tf
GROUP BY tf.object_name, tf.object_type;

COMMIT;
