//! Fills the knowledge base's embedding columns, through a cache.
//!
//! The texts to embed are those of the rows whose embedding is NULL (new or
//! changed since the last fill: classification writes a changed object's
//! rows again, without embeddings), or of every row when the base was
//! filled with another model. Each text is looked up in the cache, a DuckDB
//! file of its own keyed by (text hash, model, dimensions); only texts not
//! found there are sent to the embedder, in batches, each batch committed
//! to the cache as soon as it is back, so that an interrupted or failed run
//! never pays for the same text twice. The knowledge base is then updated
//! from the cache in one transaction.
//!
//! The cache is a separate file because the knowledge base is rebuilt from
//! scratch when its schema changes (or on `--force`): the embeddings, which
//! may have cost money, must survive that.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use duckdb::{params, Connection};

use super::{truncate, EmbedError, Embedder};

/// What a fill did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filled {
    /// Rows given an embedding by this fill.
    pub rows: usize,
    /// Distinct texts among them that the embedder was asked for.
    pub sent: usize,
    /// Distinct texts found in the cache.
    pub cached: usize,
    /// Rows in the base already embedded with this model, left alone.
    pub kept: usize,
}

/// Why a fill stopped.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("DuckDB refused {what}: {source}")]
    Db { what: String, source: duckdb::Error },
    #[error("the knowledge base holds {base}-dimension embeddings and the embedder gives {embedder}: run classify again after changing knowledge.embedding_dimensions")]
    Dimensions { base: usize, embedder: usize },
    #[error("cannot open {path}: {source}\n\nhint: {hint}")]
    Unreadable { path: String, source: duckdb::Error, hint: &'static str },
    #[error("interrupted")]
    Interrupted,
}

fn db(what: &'static str) -> impl Fn(duckdb::Error) -> FillError {
    move |source| FillError::Db { what: what.to_owned(), source }
}

/// Texts sent per embedder call: each call's vectors are committed to the
/// cache before the next starts.
const CHECKPOINT: usize = 256;

/// One row that needs an embedding.
struct Pending {
    table: &'static str,
    id: String,
    hash: String,
}

/// The text embedded for a knowledge item that is not a rule: its title,
/// what it is about, and its source (for an object's FLOW item, what it
/// declares and uses, and the object's code).
/// A rule's item is embedded with [`rule_text`], as its rule is.
pub fn item_text(title: &str, description: &str, source: Option<&str>) -> String {
    let mut text = format!("{title}\n{description}");
    if let Some(source) = source.filter(|s| !s.is_empty()) {
        text.push('\n');
        text.push_str(source);
    }
    text
}

/// What an object's FLOW item says of it, for its embedding: what it
/// declares and which features it uses, from the item's structured
/// content. The item's description is for people, and its figures and
/// fixed words ("code lines", "classified", "route") would make every
/// object look alike to an embedder.
fn flow_summary(structured: Option<&str>) -> String {
    let value: serde_json::Value =
        structured.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
    let list = |key: &str| -> String {
        value[key]
            .as_array()
            .map(|items| items.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    let mut text = String::new();
    for (label, key) in [("declares", "members"), ("uses", "features")] {
        let items = list(key);
        if !items.is_empty() {
            text.push_str(&format!("{label} {items}\n"));
        }
    }
    text.trim_end().to_owned()
}

/// The text embedded for a business rule.
pub fn rule_text(name: &str, context: &str, conditions: &str, actions: &str, code: &str) -> String {
    format!("{name}\n{context}\nwhen {conditions}\nthen {actions}\n{code}")
}

/// Key of a text in the cache.
fn text_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..32].to_owned()
}

/// Fills the embeddings of the base at `base` from the cache at `cache`
/// (created when missing) and `embedder`. `source_of` gives an object's
/// code from its file and lines, for FLOW items; `stop` is polled between
/// batches.
pub fn fill(
    base: &Path,
    cache: &Path,
    embedder: &dyn Embedder,
    max_chars: usize,
    source_of: &(dyn Fn(&str, i32, i32) -> Option<String> + Sync),
    stop: &(dyn Fn() -> bool + Sync),
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Filled, FillError> {
    let clock = std::time::Instant::now();
    let lap = |step: &str| tracing::debug!(step, seconds = clock.elapsed().as_secs_f64(), "embed");
    let conn = Connection::open(base).map_err(|source| FillError::Unreadable {
        path: base.display().to_string(),
        source,
        hint: "it is the classify stage's output: `pipeline run --force classify` writes it again",
    })?;
    let dims = crate::knowledge::duckdb::embedding_dimensions(&conn)
        .map_err(db("the schema of knowledge_items"))?;
    if dims != embedder.dimensions() {
        return Err(FillError::Dimensions { base: dims, embedder: embedder.dimensions() });
    }
    let model = embedder.model().to_owned();
    let same_model = meta(&conn, "embedding_model")?.as_deref() == Some(model.as_str());

    // The rows to embed, with their texts: those without an embedding, or
    // every row when the base was embedded with another model. A rule's
    // knowledge item and its business_rules row share the rule's text, so
    // one vector serves both.
    // A cache that is gone (deleted, `pipeline clean`) is filled again
    // from the base's own vectors, not from the embedder: the next rebuild
    // of the base must not pay for them twice.
    let backfill = same_model && !cache.exists();
    let all = !same_model || backfill;
    let mut pending = Vec::new();
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut add = |table: &'static str, id: String, text: String| {
        let text = truncate(&text, max_chars).to_owned();
        let hash = text_hash(&text);
        texts.entry(hash.clone()).or_insert(text);
        pending.push(Pending { table, id, hash });
    };
    let kept: i64 = match all {
        true => 0,
        false => conn
            .query_row(
                "SELECT (SELECT count(embedding) FROM knowledge_base.knowledge_items)
                      + (SELECT count(embedding) FROM knowledge_base.business_rules)",
                [],
                |r| r.get(0),
            )
            .map_err(db("the embeddings"))?,
    };
    {
        let mut stmt = conn
            .prepare(
                "SELECT i.id::VARCHAR, i.title,
                        CASE WHEN i.knowledge_type = 'FLOW' THEN i.content_structured
                             ELSE i.description END,
                        i.content_raw,
                        i.knowledge_type = 'FLOW', o.source_file, o.first_line, o.last_line,
                        r.rule_name, coalesce(r.business_context, ''), r.conditions, r.actions,
                        coalesce(r.source_code, '')
                 FROM knowledge_base.knowledge_items i
                 LEFT JOIN knowledge_base.objects o ON o.object_id = i.object_id
                 LEFT JOIN knowledge_base.business_rules r ON r.knowledge_id = i.id
                 WHERE ? OR i.embedding IS NULL
                 ORDER BY o.source_file, o.first_line, i.id",
            )
            .map_err(db("the knowledge items"))?;
        let mut rows = stmt.query(params![all]).map_err(db("the knowledge items"))?;
        while let Some(row) = rows.next().map_err(db("a knowledge item"))? {
            let get = |i: usize| row.get::<_, Option<String>>(i).map_err(db("a knowledge item"));
            let id = get(0)?.unwrap_or_default();
            let text = match get(8)? {
                Some(rule) => rule_text(
                    &rule,
                    &get(9)?.unwrap_or_default(),
                    &get(10)?.unwrap_or_default(),
                    &get(11)?.unwrap_or_default(),
                    &get(12)?.unwrap_or_default(),
                ),
                None => {
                    let flow: bool = row.get(4).map_err(db("a knowledge item"))?;
                    let code = match (flow, get(5)?) {
                        (true, Some(file)) => {
                            let first: i32 = row.get(6).map_err(db("a knowledge item"))?;
                            let last: i32 = row.get(7).map_err(db("a knowledge item"))?;
                            source_of(&file, first, last)
                        }
                        _ => get(3)?,
                    };
                    let about = match flow {
                        true => flow_summary(get(2)?.as_deref()),
                        false => get(2)?.unwrap_or_default(),
                    };
                    item_text(&get(1)?.unwrap_or_default(), &about, code.as_deref())
                }
            };
            add("knowledge_items", id, text);
        }
        let mut stmt = conn
            .prepare(
                "SELECT id::VARCHAR, rule_name, coalesce(business_context, ''), conditions, actions,
                        coalesce(source_code, '')
                 FROM knowledge_base.business_rules WHERE ? OR embedding IS NULL ORDER BY id",
            )
            .map_err(db("the business rules"))?;
        let mut rows = stmt.query(params![all]).map_err(db("the business rules"))?;
        while let Some(row) = rows.next().map_err(db("a business rule"))? {
            let get = |i: usize| row.get::<_, String>(i).map_err(db("a business rule"));
            let text = rule_text(&get(1)?, &get(2)?, &get(3)?, &get(4)?, &get(5)?);
            add("business_rules", get(0)?, text);
        }
    }
    let kept = usize::try_from(kept).unwrap_or(0);
    lap("texts read");
    if backfill && !pending.is_empty() {
        backfill_cache(&conn, cache, &model, dims, &pending)?;
        lap("cache filled from the base");
    }
    // The cache is the stage's output: it exists after every run.
    let cache_conn = open_cache(cache)?;
    let mut filled = Filled { kept, ..Filled::default() };
    if pending.is_empty() {
        return Ok(filled);
    }

    // What the cache lacks goes to the embedder, a checkpoint at a time.
    let known = cached_hashes(&cache_conn, &model, dims)?;
    let mut missing: Vec<&String> = texts.keys().filter(|h| !known.contains(*h)).collect();
    missing.sort();
    filled.sent = missing.len();
    filled.cached = texts.len() - missing.len();
    let total = missing.len();
    for (n, chunk) in missing.chunks(CHECKPOINT).enumerate() {
        if stop() {
            return Err(FillError::Interrupted);
        }
        let batch: Vec<String> = chunk.iter().map(|h| texts[*h].clone()).collect();
        let base_done = n * CHECKPOINT;
        let vectors = embedder.embed(&batch, &|done| progress(base_done + done, total))?;
        lap("embedded");
        store(&cache_conn, &model, dims, chunk, &vectors)?;
        lap("stored");
        progress(base_done + chunk.len(), total);
    }
    drop(cache_conn);

    // The base takes every pending row's vector from the cache at once.
    let path = cache.to_string_lossy().replace('\'', "''");
    conn.execute_batch(&format!("ATTACH '{path}' AS embedding_cache (READ_ONLY)"))
        .map_err(db("the embedding cache"))?;
    conn.execute_batch("BEGIN").map_err(db("a transaction"))?;
    let result = update_base(&conn, &model, dims, &pending);
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(db("the commit"))?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    conn.execute_batch("DETACH embedding_cache").map_err(db("the embedding cache"))?;
    lap("base updated");
    filled.rows = pending.len();
    Ok(filled)
}

fn update_base(
    conn: &Connection,
    model: &str,
    dims: usize,
    pending: &[Pending],
) -> Result<(), FillError> {
    stage_pending(conn, pending)?;
    // Each view's embeddings live in a table of their own (see schema.sql).
    let tables = [
        ("knowledge_items", "knowledge_item_embeddings"),
        ("business_rules", "business_rule_embeddings"),
    ];
    for (table, embeddings) in tables {
        conn.execute(
            &format!(
                "DELETE FROM knowledge_base.{embeddings}
                 WHERE id IN (SELECT id FROM pending WHERE tbl = '{table}')"
            ),
            [],
        )
        .map_err(db("the embeddings"))?;
        conn.execute(
            &format!(
                "INSERT INTO knowledge_base.{embeddings}
                 SELECT p.id, c.embedding::FLOAT[{dims}]
                 FROM pending p JOIN (
                     SELECT text_hash, any_value(embedding) AS embedding
                     FROM embedding_cache.embeddings
                     WHERE model = ? AND dimensions = ?
                       AND text_hash IN (SELECT text_hash FROM pending WHERE tbl = '{table}')
                     GROUP BY text_hash
                 ) c ON c.text_hash = p.text_hash
                 WHERE p.tbl = '{table}'
                 ORDER BY p.id"
            ),
            params![model, dims as i64],
        )
        .map_err(db("the embeddings"))?;
    }
    conn.execute_batch("DROP TABLE pending").map_err(db("a scratch table"))?;
    conn.execute("DELETE FROM knowledge_base.meta WHERE key = 'embedding_model'", [])
        .map_err(db("the meta table"))?;
    conn.execute("INSERT INTO knowledge_base.meta VALUES ('embedding_model', ?)", params![model])
        .map_err(db("the meta table"))?;
    Ok(())
}

/// The pending rows as a scratch table `pending` of the base's connection.
fn stage_pending(conn: &Connection, pending: &[Pending]) -> Result<(), FillError> {
    conn.execute_batch(
        "CREATE OR REPLACE TEMP TABLE pending (tbl VARCHAR, id UUID, text_hash VARCHAR)",
    )
    .map_err(db("a scratch table"))?;
    let mut app = conn
        .appender_to_catalog_and_db("pending", "temp", "main")
        .map_err(db("a scratch table"))?;
    for p in pending {
        app.append_row(params![p.table, p.id, p.hash]).map_err(db("a scratch row"))?;
    }
    app.flush().map_err(db("a scratch table"))
}

/// Writes into a new cache at `cache` the vectors the base already holds,
/// under the hashes of the texts they were computed from.
fn backfill_cache(
    conn: &Connection,
    cache: &Path,
    model: &str,
    dims: usize,
    pending: &[Pending],
) -> Result<(), FillError> {
    stage_pending(conn, pending)?;
    let path = cache.to_string_lossy().replace('\'', "''");
    conn.execute_batch(&format!(
        "ATTACH '{path}' AS embedding_cache; {}",
        CACHE_TABLE.replace("embeddings (", "embedding_cache.embeddings (")
    ))
    .map_err(db("the embedding cache"))?;
    for table in ["knowledge_items", "business_rules"] {
        conn.execute(
            &format!(
                "INSERT INTO embedding_cache.embeddings
                 SELECT p.text_hash, ?, ?, any_value(t.embedding)::FLOAT[]
                 FROM pending p JOIN knowledge_base.{table} t ON t.id = p.id
                 WHERE p.tbl = '{table}' AND t.embedding IS NOT NULL
                   AND p.text_hash NOT IN (SELECT text_hash FROM embedding_cache.embeddings)
                 GROUP BY p.text_hash"
            ),
            params![model, dims as i64],
        )
        .map_err(db("the embedding cache"))?;
    }
    conn.execute_batch("DETACH embedding_cache").map_err(db("the embedding cache"))
}

fn meta(conn: &Connection, key: &str) -> Result<Option<String>, FillError> {
    let mut stmt = conn
        .prepare("SELECT value FROM knowledge_base.meta WHERE key = ?")
        .map_err(db("the meta table"))?;
    let mut rows = stmt.query(params![key]).map_err(db("the meta table"))?;
    match rows.next().map_err(db("the meta table"))? {
        Some(row) => Ok(Some(row.get(0).map_err(db("the meta table"))?)),
        None => Ok(None),
    }
}

/// Opens the cache, creating its table on first use.
pub fn open_cache(path: &Path) -> Result<Connection, FillError> {
    let conn = Connection::open(path).map_err(|source| FillError::Unreadable {
        path: path.display().to_string(),
        source,
        hint: "delete it and run again: the embeddings it held are computed again \
               (a paid provider is asked again)",
    })?;
    conn.execute_batch(CACHE_TABLE).map_err(db("the embedding cache"))?;
    Ok(conn)
}

/// The cache's one table.
const CACHE_TABLE: &str = "CREATE TABLE IF NOT EXISTS embeddings (
    text_hash  VARCHAR NOT NULL,
    model      VARCHAR NOT NULL,
    dimensions INTEGER NOT NULL,
    embedding  FLOAT[] NOT NULL
)";

fn cached_hashes(
    conn: &Connection,
    model: &str,
    dims: usize,
) -> Result<HashSet<String>, FillError> {
    let mut stmt = conn
        .prepare("SELECT text_hash FROM embeddings WHERE model = ? AND dimensions = ?")
        .map_err(db("the embedding cache"))?;
    let rows = stmt
        .query_map(params![model, dims as i64], |r| r.get::<_, String>(0))
        .map_err(db("the embedding cache"))?;
    rows.collect::<Result<_, _>>().map_err(db("the embedding cache"))
}

fn store(
    conn: &Connection,
    model: &str,
    dims: usize,
    hashes: &[&String],
    vectors: &[Vec<f32>],
) -> Result<(), FillError> {
    conn.execute_batch("BEGIN").map_err(db("a transaction"))?;
    let mut app = conn.appender("embeddings").map_err(db("the embedding cache"))?;
    for (hash, vector) in hashes.iter().zip(vectors) {
        let list = duckdb::types::Value::List(
            vector.iter().map(|x| duckdb::types::Value::Float(*x)).collect(),
        );
        app.append_row(params![hash, model, dims as i64, list])
            .map_err(db("the embedding cache"))?;
    }
    app.flush().map_err(db("the embedding cache"))?;
    drop(app);
    conn.execute_batch("COMMIT").map_err(db("the embedding cache"))
}
