//! [`Backend`] over the local knowledge base, the DuckDB file of the
//! classify stage, embedded by the embed stage.
//!
//! Each question opens the file read-only and closes it when answered. A
//! connection held open would keep DuckDB's lock on the file, and the next
//! `pipeline run` could not rewrite it while `pipeline serve` runs;
//! opening costs a few milliseconds, and each answer reads the file as it
//! is now, including one rebuilt since the last question.
//!
//! The search is exact: every embedded item is compared with the question
//! (DuckDB has no vector index here), which takes milliseconds for the tens
//! of thousands of items of a large estate. The other queries keep to SQL
//! that PostgreSQL reads as well, over columns both knowledge bases have.

use std::path::{Path, PathBuf};

use duckdb::{params, params_from_iter, AccessMode, Config, Connection};

use super::graph::{self, EdgeSource, Objects, Row};
use super::sql::{lines_of, literal, split};
use super::{
    check_limit, feature_id, rule_category, usage_of, Backend, Direction, FeatureUsage,
    FeatureUser, Graph, Hit, ObjectRef, Rule, SearchError, SearchQuery, MAX_RULES_LIMIT,
};
use crate::knowledge::embed::Embedder;

/// The knowledge base at a path, and the embedder its vectors came from.
pub struct DuckDb {
    path: PathBuf,
    embedder: Box<dyn Embedder>,
}

impl DuckDb {
    /// A backend reading `path`, which must exist; questions are embedded
    /// with `embedder`, which must be the one the embed stage used.
    pub fn open(path: &Path, embedder: Box<dyn Embedder>) -> Result<DuckDb, SearchError> {
        if !path.is_file() {
            return Err(SearchError::Missing(path.display().to_string()));
        }
        Ok(DuckDb { path: path.to_owned(), embedder })
    }

    fn connect(&self) -> Result<Connection, SearchError> {
        let config = Config::default().access_mode(AccessMode::ReadOnly).map_err(self.store())?;
        Connection::open_with_flags(&self.path, config).map_err(self.store())
    }

    fn store(&self) -> impl Fn(duckdb::Error) -> SearchError + '_ {
        move |e| SearchError::Store { path: self.path.display().to_string(), source: Box::new(e) }
    }

    /// Whether the file's vectors can be compared with the question's:
    /// there are some, of the embedder's model and length.
    fn check_embeddings(&self, conn: &Connection) -> Result<usize, SearchError> {
        let embedded: i64 = conn
            .query_row("SELECT count(embedding) FROM knowledge_base.knowledge_items", [], |r| {
                r.get(0)
            })
            .map_err(self.store())?;
        if embedded == 0 {
            return Err(SearchError::NoEmbeddings(self.path.display().to_string()));
        }
        let stored: Option<String> = conn
            .query_row(
                "SELECT value FROM knowledge_base.meta WHERE key = 'embedding_model'",
                [],
                |r| r.get(0),
            )
            .ok();
        let current = self.embedder.model();
        if let Some(stored) = stored.filter(|s| s != current) {
            return Err(SearchError::OtherEmbedder { stored, current: current.to_owned() });
        }
        let dims = crate::knowledge::duckdb::embedding_dimensions(conn).map_err(self.store())?;
        if dims != self.embedder.dimensions() {
            return Err(SearchError::OtherEmbedder {
                stored: format!("{} dimensions", dims),
                current: format!("{} dimensions", self.embedder.dimensions()),
            });
        }
        Ok(dims)
    }

    /// The types of objects the file holds, for the error about another.
    fn object_types(&self, conn: &Connection) -> Result<Vec<String>, SearchError> {
        let mut stmt = conn
            .prepare("SELECT DISTINCT object_type FROM knowledge_base.objects ORDER BY 1")
            .map_err(self.store())?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(self.store())?;
        rows.collect::<Result<_, _>>().map_err(self.store())
    }

    fn objects(&self, conn: &Connection) -> Result<Objects, SearchError> {
        let mut stmt = conn.prepare(super::sql::OBJECTS).map_err(self.store())?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(self.store())?
            .collect::<Result<Vec<(Option<String>, String, String)>, _>>()
            .map_err(self.store())?;
        Ok(Objects::new(rows))
    }
}

/// The search's SQL, and the values of its `$n` parameters (the filters).
/// Similarities are rounded so that ties, and so the order, do not depend
/// on how a CPU sums a thousand products; NaN (a zero vector stored for a
/// text of stop words only) would sort above every number in DuckDB.
fn search_sql(q: &SearchQuery, vector: &[f32], dims: usize) -> (String, Vec<String>) {
    let mut filters = String::new();
    let mut params: Vec<String> = Vec::new();
    let mut filter = |sql: &str, value: &Option<String>| {
        if let Some(v) = value {
            params.push(v.clone());
            filters.push_str(&sql.replace('?', &format!("${}", params.len())));
        }
    };
    filter(" AND i.object_type = ?", &q.object_type);
    filter(" AND i.knowledge_type = ?", &q.knowledge_type);
    filter(
        " AND i.object_id IN (SELECT object_id FROM knowledge_base.technical_features
                              WHERE feature_name = ?)",
        &q.feature,
    );
    let sql = format!(
        "SELECT schema_name, object_name, object_type, knowledge_type, title, similarity,
                source_file, line
         FROM (
             SELECT i.id, i.object_id, i.schema_name, i.object_name, i.object_type,
                    i.knowledge_type, i.title, o.source_file,
                    coalesce(r.source_line, o.first_line) AS line,
                    round(array_cosine_similarity(
                        i.embedding, {vector}::FLOAT[{dims}])::DOUBLE, 6) AS similarity
             FROM knowledge_base.knowledge_items i
             JOIN knowledge_base.objects o ON o.object_id = i.object_id
             LEFT JOIN knowledge_base.business_rules r ON r.knowledge_id = i.id
             WHERE i.embedding IS NOT NULL{filters}
         )
         WHERE NOT isnan(similarity) AND similarity >= {threshold}
         ORDER BY similarity DESC, object_id, knowledge_type, title, id
         LIMIT {limit}",
        vector = literal(vector),
        threshold = q.threshold,
        limit = q.limit,
    );
    (sql, params)
}

impl Backend for DuckDb {
    fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        let q = query.checked()?;
        let conn = self.connect()?;
        let dims = self.check_embeddings(&conn)?;
        if let Some(t) = &q.object_type {
            super::check_object_type(&self.object_types(&conn)?, t)?;
        }
        let vector = super::embed_question(self.embedder.as_ref(), &q.text)?;
        let (sql, params) = search_sql(&q, &vector, dims);
        let mut stmt = conn.prepare(&sql).map_err(self.store())?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                Ok(Hit {
                    object: ObjectRef {
                        schema: r.get(0)?,
                        name: r.get(1)?,
                        object_type: r.get(2)?,
                    },
                    knowledge_type: r.get(3)?,
                    title: r.get(4)?,
                    similarity: r.get(5)?,
                    source_file: r.get(6)?,
                    line: r.get::<_, i32>(7)?.max(0) as u32,
                })
            })
            .map_err(self.store())?;
        rows.collect::<Result<_, _>>().map_err(self.store())
    }

    fn rules(&self, category: &str, limit: usize) -> Result<Vec<Rule>, SearchError> {
        let category = rule_category(category)?;
        let limit = check_limit("limit", limit, MAX_RULES_LIMIT)?;
        let conn = self.connect()?;
        let sql = super::sql::rules(limit);
        let mut stmt = conn.prepare(&sql).map_err(self.store())?;
        let list = |text: Option<String>| -> Vec<String> {
            text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
        };
        let rows = stmt
            .query_map(params![category], |r| {
                Ok(Rule {
                    object: ObjectRef {
                        schema: r.get(0)?,
                        name: r.get(1)?,
                        object_type: r.get(2)?,
                    },
                    source_file: r.get(3)?,
                    name: r.get(4)?,
                    category: r.get(5)?,
                    conditions: list(r.get(6)?),
                    actions: list(r.get(7)?),
                    context: r.get(8)?,
                    line: r.get::<_, Option<i32>>(9)?.unwrap_or(0).max(0) as u32,
                })
            })
            .map_err(self.store())?;
        rows.collect::<Result<_, _>>().map_err(self.store())
    }

    fn dependencies(
        &self,
        object: &str,
        depth: u32,
        direction: Direction,
    ) -> Result<Graph, SearchError> {
        super::check_depth(depth)?;
        let conn = self.connect()?;
        let objects = self.objects(&conn)?;
        let root = objects.find(object)?;
        graph::walk(&root, depth, direction, &objects, &Rows { conn: &conn, backend: self })
    }

    fn feature(&self, feature: &str) -> Result<FeatureUsage, SearchError> {
        let id = feature_id(feature)?;
        let conn = self.connect()?;
        let mut stmt = conn.prepare(super::sql::FEATURE).map_err(self.store())?;
        let rows = stmt
            .query_map(params![id], |r| {
                let qualified: String = r.get(0)?;
                let object = match r.get::<_, Option<String>>(3)? {
                    Some(name) => ObjectRef { schema: r.get(2)?, name, object_type: r.get(1)? },
                    None => split(&qualified, r.get(1)?),
                };
                let details: Option<String> = r.get(5)?;
                Ok(FeatureUser {
                    object,
                    occurrences: r.get::<_, Option<i32>>(4)?.unwrap_or(1).max(0) as u32,
                    source_file: r.get(6)?,
                    lines: lines_of(details.as_deref()),
                })
            })
            .map_err(self.store())?;
        let objects = rows.collect::<Result<_, _>>().map_err(self.store())?;
        Ok(usage_of(id, objects))
    }
}

/// The `dependencies` rows of one open connection, for the walk.
struct Rows<'a> {
    conn: &'a Connection,
    backend: &'a DuckDb,
}

impl Rows<'_> {
    fn query(&self, sql: &str, args: &[String]) -> Result<Vec<Row>, SearchError> {
        let mut stmt = self.conn.prepare(sql).map_err(self.backend.store())?;
        let rows = stmt
            .query_map(params_from_iter(args), |r| {
                Ok(Row {
                    source: r.get(0)?,
                    target: r.get(1)?,
                    target_type: r.get(2)?,
                    dependency_type: r.get(3)?,
                    call_count: r.get::<_, i64>(4)?.max(0) as u64,
                })
            })
            .map_err(self.backend.store())?;
        rows.collect::<Result<_, _>>().map_err(self.backend.store())
    }
}

impl EdgeSource for Rows<'_> {
    fn outgoing(&self, object: &str) -> Result<Vec<Row>, SearchError> {
        self.query(&super::sql::outgoing(), &[object.to_uppercase()])
    }

    fn incoming(&self, object: &str) -> Result<Vec<Row>, SearchError> {
        let upper = object.to_uppercase();
        self.query(&super::sql::incoming(), &[upper.clone(), format!("{upper}.")])
    }
}
