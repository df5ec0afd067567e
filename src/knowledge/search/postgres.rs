//! [`Backend`] over the PostgreSQL knowledge base the load stage fills.
//!
//! The search orders by pgvector's cosine distance with a LIMIT, the shape
//! its HNSW index serves, and applies the threshold to what that gives, as
//! `knowledge_base.semantic_search` does; filters go into the same query,
//! with `hnsw.iterative_scan` on (pgvector 0.8) so a filter does not starve
//! the index scan. The other queries are the DuckDB backend's, word for
//! word ([`super::sql`]).
//!
//! One connection, opened on first use and again after it is lost.

use std::sync::Mutex;

use postgres::types::ToSql;
use postgres::Client;

use super::graph::{self, EdgeSource, Objects, Row};
use super::sql::{lines_of, literal, split};
use super::{
    check_limit, feature_id, rule_category, usage_of, Backend, Direction, FeatureUsage,
    FeatureUser, Graph, Hit, ObjectRef, Rule, SearchError, SearchQuery, MAX_RULES_LIMIT,
};
use crate::knowledge::embed::Embedder;
use crate::knowledge::postgres::{describe, Target};

/// Items of objects that use feature `?`.
const FEATURE_FILTER: &str = " AND EXISTS (SELECT 1 FROM knowledge_base.technical_features f
    WHERE f.feature_name = ? AND f.object_type = i.object_type
      AND f.object_name = coalesce(i.schema_name || '.', '') || i.object_name)";

pub struct Postgres {
    target: Target,
    embedder: Box<dyn Embedder>,
    client: Mutex<Option<Client>>,
}

impl Postgres {
    /// A backend reading the `knowledge_base` schema at `target`; questions
    /// are embedded with `embedder`, the one the embed stage used.
    pub fn new(target: Target, embedder: Box<dyn Embedder>) -> Postgres {
        Postgres { target, embedder, client: Mutex::new(None) }
    }

    fn store(&self) -> impl Fn(postgres::Error) -> SearchError + '_ {
        move |e| SearchError::Store {
            path: self.target.display().to_owned(),
            source: describe(&e).into(),
        }
    }

    /// Runs `f` on the connection, opening it when there is none or the
    /// last one was lost.
    fn with<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, SearchError>,
    ) -> Result<T, SearchError> {
        let mut held = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if held.as_ref().is_none_or(Client::is_closed) {
            let client = self.target.connect().map_err(|e| SearchError::Store {
                path: self.target.display().to_owned(),
                source: e.to_string().into(),
            })?;
            *held = Some(client);
        }
        f(held.as_mut().expect("connected above"))
    }

    fn query(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<postgres::Row>, SearchError> {
        self.with(|c| c.query(sql, params).map_err(self.store()))
    }

    /// The dimension of the stored vectors, which must be the embedder's.
    fn check_embeddings(&self) -> Result<(), SearchError> {
        let rows = self.query(
            "SELECT atttypmod,
                    EXISTS (SELECT 1 FROM knowledge_base.knowledge_items WHERE embedding IS NOT NULL)
             FROM pg_attribute
             WHERE attrelid = to_regclass('knowledge_base.knowledge_items') AND attname = 'embedding'",
            &[],
        )?;
        let Some(row) = rows.first() else {
            return Err(SearchError::Missing(format!(
                "{} (no knowledge_base schema; the load stage creates it)",
                self.target.display()
            )));
        };
        let (dims, any): (i32, bool) = (row.get(0), row.get(1));
        if !any {
            return Err(SearchError::NoEmbeddings(self.target.display().to_owned()));
        }
        if usize::try_from(dims).ok() != Some(self.embedder.dimensions()) {
            return Err(SearchError::OtherEmbedder {
                stored: format!("{dims} dimensions"),
                current: format!("{} dimensions", self.embedder.dimensions()),
            });
        }
        Ok(())
    }
}

impl Backend for Postgres {
    fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        let q = query.checked()?;
        self.check_embeddings()?;
        if let Some(wanted) = &q.object_type {
            let rows = self
                .query("SELECT DISTINCT object_type FROM knowledge_base.objects ORDER BY 1", &[])?;
            let types: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
            super::check_object_type(&types, wanted)?;
        }
        let vector = literal(&super::embed_question(self.embedder.as_ref(), &q.text)?);
        let mut filters = String::new();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&vector];
        for (sql, value) in [
            (" AND i.object_type = ?", &q.object_type),
            (" AND i.knowledge_type = ?", &q.knowledge_type),
            (FEATURE_FILTER, &q.feature),
        ] {
            if let Some(v) = value {
                params.push(v);
                filters.push_str(&sql.replace('?', &format!("${}", params.len())));
            }
        }
        let sql = format!(
            "SELECT i.schema_name, i.object_name, i.object_type, i.knowledge_type, i.title,
                    round((1 - (i.embedding <=> $1::text::vector))::numeric, 6)::float8,
                    o.source_file, coalesce(r.source_line, o.first_line)
             FROM knowledge_base.knowledge_items i
             LEFT JOIN LATERAL (
                 SELECT source_file, first_line FROM knowledge_base.objects o
                 WHERE o.object_name = i.object_name AND o.object_type = i.object_type
                   AND o.schema_name IS NOT DISTINCT FROM i.schema_name
                 ORDER BY o.object_id LIMIT 1
             ) o ON true
             LEFT JOIN knowledge_base.business_rules r ON r.knowledge_id = i.id
             WHERE i.embedding IS NOT NULL{filters}
             ORDER BY i.embedding <=> $1::text::vector, i.id
             LIMIT {limit}",
            limit = q.limit,
        );
        let rows = self.with(|c| {
            let mut tx = c.transaction().map_err(self.store())?;
            // pgvector 0.8: keep scanning the index until the filters let
            // enough rows through. Older versions do not know the setting.
            let set = "SAVEPOINT s; SET LOCAL hnsw.iterative_scan = relaxed_order; RELEASE s";
            if tx.batch_execute(set).is_err() {
                tx.batch_execute("ROLLBACK TO SAVEPOINT s").map_err(self.store())?;
            }
            let rows = tx.query(&sql, &params).map_err(self.store())?;
            tx.commit().map_err(self.store())?;
            Ok(rows)
        })?;
        let mut hits: Vec<Hit> = rows
            .iter()
            .map(|r| Hit {
                object: ObjectRef { schema: r.get(0), name: r.get(1), object_type: r.get(2) },
                knowledge_type: r.get(3),
                title: r.get(4),
                similarity: r.get(5),
                source_file: r.get::<_, Option<String>>(6).unwrap_or_default(),
                line: r.get::<_, Option<i32>>(7).unwrap_or(0).max(0) as u32,
            })
            .filter(|h| !h.similarity.is_nan() && h.similarity >= q.threshold)
            .collect();
        // The index gives the nearest first; equal similarities by object.
        hits.sort_by(|a, b| {
            b.similarity
                .total_cmp(&a.similarity)
                .then_with(|| a.object.qualified().cmp(&b.object.qualified()))
        });
        Ok(hits)
    }

    fn rules(&self, category: &str, limit: usize) -> Result<Vec<Rule>, SearchError> {
        let category = rule_category(category)?;
        let limit = check_limit("limit", limit, MAX_RULES_LIMIT)?;
        let list = |text: Option<String>| -> Vec<String> {
            text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
        };
        let rows = self.query(&super::sql::rules(limit), &[&category])?;
        Ok(rows
            .iter()
            .map(|r| Rule {
                object: ObjectRef { schema: r.get(0), name: r.get(1), object_type: r.get(2) },
                source_file: r.get(3),
                name: r.get(4),
                category: r.get(5),
                conditions: list(r.get(6)),
                actions: list(r.get(7)),
                context: r.get(8),
                line: r.get::<_, Option<i32>>(9).unwrap_or(0).max(0) as u32,
            })
            .collect())
    }

    fn dependencies(
        &self,
        object: &str,
        depth: u32,
        direction: Direction,
    ) -> Result<Graph, SearchError> {
        super::check_depth(depth)?;
        let rows = self.query(super::sql::OBJECTS, &[])?;
        let objects =
            Objects::new(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect::<Vec<_>>());
        let root = objects.find(object)?;
        graph::walk(&root, depth, direction, &objects, self)
    }

    fn feature(&self, feature: &str) -> Result<FeatureUsage, SearchError> {
        let id = feature_id(feature)?;
        let rows = self.query(super::sql::FEATURE, &[&id])?;
        let objects = rows
            .iter()
            .map(|r| {
                let qualified: String = r.get(0);
                let object = match r.get::<_, Option<String>>(3) {
                    Some(name) => ObjectRef { schema: r.get(2), name, object_type: r.get(1) },
                    None => split(&qualified, r.get(1)),
                };
                let details: Option<String> = r.get(5);
                FeatureUser {
                    object,
                    occurrences: r.get::<_, Option<i32>>(4).unwrap_or(1).max(0) as u32,
                    source_file: r.get(6),
                    lines: lines_of(details.as_deref()),
                }
            })
            .collect();
        Ok(usage_of(id, objects))
    }
}

impl EdgeSource for Postgres {
    fn outgoing(&self, object: &str) -> Result<Vec<Row>, SearchError> {
        let rows = self.query(&super::sql::outgoing(), &[&object.to_uppercase()])?;
        Ok(rows.iter().map(edge).collect())
    }

    fn incoming(&self, object: &str) -> Result<Vec<Row>, SearchError> {
        let upper = object.to_uppercase();
        let member = format!("{upper}.");
        let rows = self.query(&super::sql::incoming(), &[&upper, &member])?;
        Ok(rows.iter().map(edge).collect())
    }
}

fn edge(r: &postgres::Row) -> Row {
    Row {
        source: r.get(0),
        target: r.get(1),
        target_type: r.get(2),
        dependency_type: r.get(3),
        call_count: r.get::<_, i64>(4).max(0) as u64,
    }
}
