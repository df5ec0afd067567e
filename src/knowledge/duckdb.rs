//! Writes an [`Assessment`] into a DuckDB file, in the `knowledge_base`
//! schema of `schema.sql`.
//!
//! A new file is built in a temporary folder beside the old one and renamed
//! over it once complete. An existing file of the same schema is updated in
//! one transaction instead: the rows of the objects whose content changed
//! (a hash per object, in `objects.row_hash`) are deleted and written
//! again, so editing one file of thousands rewrites a few rows, not the
//! whole base. Either way a failed or interrupted run leaves the previous
//! knowledge base as it was. Rows are appended with DuckDB's appender; ids
//! are derived from what a row describes, so the same estate gives the same
//! rows on every run and machine, the `created_at` columns aside.
//!
//! `knowledge_items` holds one FLOW item per object and one item per
//! business rule; the features are in `technical_features`, and each
//! object's item names them.
//!
//! Embedding columns are left NULL: computing them is the PostgreSQL
//! knowledge base's job.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use duckdb::types::Value;
use duckdb::{params, Connection};
use rayon::prelude::*;

use crate::analysis::estate::{AssessedObject, Assessment};
use crate::analysis::features;

/// Why the knowledge base could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("DuckDB refused {what}: {source}")]
    Db { what: String, source: duckdb::Error },
}

/// The schema, with embeddings of `dimensions` floats.
pub fn schema_sql(dimensions: u32) -> String {
    include_str!("schema.sql").replace("@DIMENSIONS@", &dimensions.to_string())
}

/// Written into `meta`: a database whose schema differs (an older build,
/// another embedding dimension) is rebuilt rather than updated.
fn schema_version(dimensions: u32) -> String {
    blake3::hash(schema_sql(dimensions).as_bytes()).to_hex()[..16].to_owned()
}

/// What a write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Written {
    /// Whether the file was built anew (else updated in place).
    pub rebuilt: bool,
    /// Objects whose rows were written.
    pub objects_written: usize,
    /// Objects whose rows were removed.
    pub objects_removed: usize,
}

/// Writes `assessment` to the DuckDB file at `path`: updates it in place
/// when it is a knowledge base of the same schema, rewriting the rows of
/// the objects that changed only, and builds it anew otherwise, or when
/// `rebuild_anyway` (a forced run: the file may have been edited or
/// damaged, which an update would not see). Either way the content equals
/// that of a fresh build.
pub fn write(
    path: &Path,
    assessment: &Assessment,
    fingerprint: &Fingerprint,
    dimensions: u32,
    rebuild_anyway: bool,
) -> Result<Written, StoreError> {
    if path.is_file() && !rebuild_anyway {
        match update(path, assessment, fingerprint, dimensions) {
            Ok(Some(written)) => return Ok(written),
            Ok(None) => tracing::debug!(path = %path.display(), "another schema: rebuilding"),
            Err(e) => {
                tracing::debug!(path = %path.display(), error = %e, "cannot update: rebuilding")
            }
        }
    }
    rebuild(path, assessment, fingerprint, dimensions)
}

/// Builds the file anew, in a scratch folder beside it, then renames it
/// over the old one: a failed build leaves the old file as it was.
fn rebuild(
    path: &Path,
    assessment: &Assessment,
    fingerprint: &Fingerprint,
    dimensions: u32,
) -> Result<Written, StoreError> {
    let io = |source| StoreError::Io { path: path.display().to_string(), source };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs_err::create_dir_all(parent).map_err(io)?;
    let scratch = tempfile::Builder::new().prefix(".knowledge-").tempdir_in(parent).map_err(io)?;
    let fresh = scratch.path().join("knowledge.duckdb");
    {
        let conn = Connection::open(&fresh).map_err(db("opening a new database"))?;
        conn.execute_batch(&schema_sql(dimensions)).map_err(db("the schema"))?;
        conn.execute(
            "INSERT INTO knowledge_base.meta VALUES ('schema', ?1)",
            params![schema_version(dimensions)],
        )
        .map_err(db("the schema version"))?;
        let all = vec![true; assessment.objects.len()];
        conn.execute(
            "INSERT INTO knowledge_base.meta VALUES ('estate', ?1)",
            params![fingerprint.estate],
        )
        .map_err(db("the estate hash"))?;
        let clock = std::time::Instant::now();
        load(&conn, assessment, &fingerprint.rows, &all, Writers::Parallel)?;
        tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "knowledge base: rows appended");
        conn.execute_batch("CHECKPOINT").map_err(db("the checkpoint"))?;
        tracing::debug!(seconds = clock.elapsed().as_secs_f64(), "knowledge base: checkpointed");
    }
    fs_err::rename(&fresh, path).map_err(io)?;
    let objects_written = assessment.objects.len();
    Ok(Written { rebuilt: true, objects_written, objects_removed: 0 })
}

/// Updates the file in one transaction: a failure rolls back and leaves it
/// as it was. `None` when its schema is not this build's.
fn update(
    path: &Path,
    a: &Assessment,
    fingerprint: &Fingerprint,
    dimensions: u32,
) -> Result<Option<Written>, StoreError> {
    let conn = Connection::open(path).map_err(db("opening the database"))?;
    let version: Option<String> = conn
        .query_row("SELECT value FROM knowledge_base.meta WHERE key = 'schema'", [], |r| r.get(0))
        .ok();
    if version.as_deref() != Some(schema_version(dimensions).as_str()) {
        return Ok(None);
    }
    let mut stored: HashMap<String, String> = HashMap::new();
    {
        let mut stmt = conn
            .prepare("SELECT object_id, row_hash FROM knowledge_base.objects")
            .map_err(db("reading the objects"))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(db("reading the objects"))?;
        for row in rows {
            let (id, hash) = row.map_err(db("reading the objects"))?;
            stored.insert(id, hash);
        }
    }
    let hashes = &fingerprint.rows;
    let ids: Vec<String> = a.objects.iter().map(AssessedObject::id).collect();
    let changed: Vec<bool> =
        ids.iter().zip(hashes).map(|(id, h)| stored.get(id) != Some(h)).collect();
    let current: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut stale: Vec<&str> =
        stored.keys().map(String::as_str).filter(|id| !current.contains(id)).collect();
    let removed = stale.len();
    stale.extend(ids.iter().zip(&changed).filter(|(_, c)| **c).map(|(id, _)| id.as_str()));
    let summary = &fingerprint.estate;
    let stored_summary: Option<String> = conn
        .query_row("SELECT value FROM knowledge_base.meta WHERE key = 'estate'", [], |r| r.get(0))
        .ok();
    if stale.is_empty() && stored_summary.as_ref() == Some(summary) {
        return Ok(Some(Written { rebuilt: false, objects_written: 0, objects_removed: 0 }));
    }

    conn.execute_batch("BEGIN TRANSACTION").map_err(db("the transaction"))?;
    let result = (|| {
        conn.execute_batch("CREATE TEMP TABLE stale (object_id VARCHAR)")
            .map_err(db("the update"))?;
        {
            let mut app = conn
                .appender_to_catalog_and_db("stale", "temp", "main")
                .map_err(db("the update"))?;
            for id in &stale {
                app.append_row(params![id]).map_err(db("the update"))?;
            }
        }
        conn.execute_batch(
            "DELETE FROM knowledge_base.knowledge_item_embeddings WHERE id IN (
                 SELECT id FROM knowledge_base.knowledge_item_rows
                 WHERE object_id IN (SELECT object_id FROM stale));
             DELETE FROM knowledge_base.business_rule_embeddings WHERE id IN (
                 SELECT id FROM knowledge_base.business_rule_rows
                 WHERE object_id IN (SELECT object_id FROM stale));
             DELETE FROM knowledge_base.knowledge_item_rows WHERE object_id IN (SELECT object_id FROM stale);
             DELETE FROM knowledge_base.business_rule_rows WHERE object_id IN (SELECT object_id FROM stale);
             DELETE FROM knowledge_base.technical_features WHERE object_id IN (SELECT object_id FROM stale);
             DELETE FROM knowledge_base.dependencies WHERE source_id IN (SELECT object_id FROM stale);
             DELETE FROM knowledge_base.objects;
             DELETE FROM knowledge_base.meta WHERE key = 'estate';
             DROP TABLE stale;",
        )
        .map_err(db("the update"))?;
        conn.execute("INSERT INTO knowledge_base.meta VALUES ('estate', ?1)", params![summary])
            .map_err(db("the update"))?;
        load(&conn, a, hashes, &changed, Writers::One)
    })();
    match result {
        Ok(()) => conn.execute_batch("COMMIT").map_err(db("the commit"))?,
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    conn.execute_batch("CHECKPOINT").map_err(db("the checkpoint"))?;
    let objects_written = changed.iter().filter(|c| **c).count();
    Ok(Some(Written { rebuilt: false, objects_written, objects_removed: removed }))
}

/// For each object, a hash of what its rows hold: its facts and score, the
/// dependencies that start from it, and whether they are critical.
fn row_hashes(a: &Assessment) -> Vec<String> {
    let mut deps: Vec<Vec<&crate::analysis::estate::Dependency>> =
        vec![Vec::new(); a.objects.len()];
    for d in &a.dependencies {
        deps[d.source].push(d);
    }
    let cycle = cycle_of(a);
    a.objects
        .par_iter()
        .enumerate()
        .map(|(i, o)| {
            let targets: Vec<(Option<&String>, Option<usize>)> = deps[i]
                .iter()
                .map(|d| {
                    (
                        d.target_object.map(|t| &a.objects[t].qualified_name),
                        d.target_object.and_then(|t| cycle[t]),
                    )
                })
                .collect();
            // Binary, not JSON: no escaping, and one update of the hasher. A
            // value that cannot be encoded (none can) only costs a rewrite.
            let bytes = bincode::serialize(&(o, &deps[i], cycle[i], targets)).unwrap_or_default();
            blake3::hash(&bytes).to_hex()[..32].to_owned()
        })
        .collect()
}

/// What an assessment holds, hashed: per object (what its rows hold), and
/// for the whole estate. Equal estate hashes give equal exports and reports
/// (with equal settings), and an unchanged knowledge base.
pub struct Fingerprint {
    rows: Vec<String>,
    pub estate: String,
}

impl Fingerprint {
    pub fn of(a: &Assessment) -> Fingerprint {
        let rows = row_hashes(a);
        let estate = estate_hash(a, &rows);
        Fingerprint { rows, estate }
    }
}

/// A hash of the whole `objects` table (rows and conversion order): when it
/// and every object's rows are unchanged, the file is left untouched.
fn estate_hash(a: &Assessment, hashes: &[String]) -> String {
    let mut hasher = blake3::Hasher::new();
    for h in hashes {
        hasher.update(h.as_bytes());
    }
    for &i in &a.order {
        hasher.update(&(i as u64).to_le_bytes());
    }
    hasher.finalize().to_hex()[..32].to_owned()
}

fn cycle_of(a: &Assessment) -> Vec<Option<usize>> {
    let mut in_cycle = vec![None; a.objects.len()];
    for (n, cycle) in a.cycles.iter().enumerate() {
        for &i in cycle {
            in_cycle[i] = Some(n);
        }
    }
    in_cycle
}

fn db(what: &'static str) -> impl Fn(duckdb::Error) -> StoreError {
    move |source| StoreError::Db { what: what.to_owned(), source }
}

/// How [`load`] writes the tables.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Writers {
    /// One after the other, on the caller's connection (and transaction).
    One,
    /// Side by side, each on a connection of its own: for a database no
    /// one else sees yet, where there is no transaction to share.
    Parallel,
}

/// Writes every object's `objects` row, and the other tables' rows of the
/// objects `write` marks.
fn load(
    conn: &Connection,
    a: &Assessment,
    hashes: &[String],
    write: &[bool],
    writers: Writers,
) -> Result<(), StoreError> {
    let ids: Vec<String> = a.objects.iter().map(AssessedObject::id).collect();
    let ids = ids.as_slice();
    type Table<'t> = Box<dyn Fn(&Connection) -> Result<(), StoreError> + Send + Sync + 't>;
    let tables: Vec<Table<'_>> = vec![
        Box::new(move |c| load_items(c, a, ids, write)),
        Box::new(move |c| load_rules(c, a, ids, write)),
        Box::new(move |c| load_dependencies(c, a, ids, write)),
        Box::new(move |c| load_features(c, a, ids, write)),
        Box::new(move |c| load_objects(c, a, ids, hashes)),
    ];
    if writers == Writers::One {
        return tables.iter().try_for_each(|load| load(conn));
    }
    let conns = tables
        .iter()
        .map(|_| conn.try_clone().map_err(db("a connection")))
        .collect::<Result<Vec<_>, _>>()?;
    tables.into_par_iter().zip(conns).try_for_each(|(load, conn)| load(&conn))
}

fn load_objects(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
    hashes: &[String],
) -> Result<(), StoreError> {
    let mut position = vec![0; a.objects.len()];
    for (n, &i) in a.order.iter().enumerate() {
        position[i] = n + 1;
    }
    let mut objects = conn.appender_to_db("objects", "knowledge_base").map_err(db("objects"))?;
    for (i, o) in a.objects.iter().enumerate() {
        let m = &o.facts.metrics;
        let reasons = Value::List(o.score.reasons.iter().cloned().map(Value::Text).collect());
        objects
            .append_row(params![
                ids[i],
                o.schema,
                o.name,
                o.kind.oracle_name(),
                o.file,
                o.first_line,
                o.last_line,
                o.hash,
                o.parse_status,
                o.parse_errors,
                m.code_lines,
                m.statements,
                m.cyclomatic,
                m.max_nesting,
                o.score.total,
                o.score.class.as_str(),
                o.score.route.as_str(),
                reasons,
                score_parts(o),
                o.facts.ora2pg.units,
                position[i] as u32,
                hashes[i],
            ])
            .map_err(db("an objects row"))?;
    }
    objects.flush().map_err(db("objects"))
}

const ITEM_COLUMNS: &[&str] = &[
    "id",
    "object_type",
    "object_name",
    "schema_name",
    "knowledge_type",
    "title",
    "description",
    "content_raw",
    "content_structured",
    "object_id",
];

/// The knowledge item of an object's `n`th rule.
fn rule_item(id: &str, n: usize) -> String {
    uuid(&["rule-item", id, &n.to_string()])
}

fn load_items(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
    write: &[bool],
) -> Result<(), StoreError> {
    let mut items = conn
        .appender_with_columns_to_db("knowledge_item_rows", "knowledge_base", ITEM_COLUMNS)
        .map_err(db("knowledge_items"))?;
    for (i, o) in a.objects.iter().enumerate().filter(|(i, _)| write[*i]) {
        let kind = o.kind.oracle_name();
        let structured = serde_json::json!({
            "class": o.score.class.as_str(),
            "route": o.score.route.as_str(),
            "score": o.score.total,
            "features": o.facts.features.iter().map(|f| &f.feature).collect::<Vec<_>>(),
            "members": o.facts.members,
        });
        items
            .append_row(params![
                uuid(&["object", &ids[i]]),
                kind,
                o.name,
                o.schema,
                "FLOW",
                ids[i],
                describe(o),
                Option::<String>::None,
                structured.to_string(),
                ids[i],
            ])
            .map_err(db("a knowledge item"))?;
        for (n, rule) in o.facts.rules.iter().enumerate() {
            let knowledge_type = match rule.category {
                crate::analysis::RuleCategory::Validation => "VALIDATION",
                crate::analysis::RuleCategory::Calculation => "CALCULATION",
                crate::analysis::RuleCategory::Workflow => "RULE",
            };
            let structured = serde_json::to_string(rule).unwrap_or_default();
            items
                .append_row(params![
                    rule_item(&ids[i], n),
                    kind,
                    o.name,
                    o.schema,
                    knowledge_type,
                    rule.name,
                    rule_description(o, rule),
                    rule.source_code,
                    structured,
                    ids[i],
                ])
                .map_err(db("a knowledge item"))?;
        }
    }
    items.flush().map_err(db("knowledge_items"))
}

fn load_rules(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
    write: &[bool],
) -> Result<(), StoreError> {
    let mut rules = conn
        .appender_with_columns_to_db(
            "business_rule_rows",
            "knowledge_base",
            &[
                "id",
                "knowledge_id",
                "rule_name",
                "rule_category",
                "conditions",
                "actions",
                "exceptions",
                "business_context",
                "applies_to",
                "source_code",
                "source_line",
                "object_id",
            ],
        )
        .map_err(db("business_rules"))?;
    let objects = a.objects.iter().enumerate().filter(|(i, _)| write[*i]);
    for (i, n, o, rule) in
        objects.flat_map(|(i, o)| o.facts.rules.iter().enumerate().map(move |(n, r)| (i, n, o, r)))
    {
        let context = match &rule.subprogram {
            Some(s) => format!("{} in {}.{s}", rule.category.as_str(), o.qualified_name),
            None => format!("{} in {}", rule.category.as_str(), o.qualified_name),
        };
        let applies = Value::List(rule.applies_to.iter().cloned().map(Value::Text).collect());
        rules
            .append_row(params![
                uuid(&["rule", &ids[i], &n.to_string()]),
                rule_item(&ids[i], n),
                rule.name,
                rule.category.as_str(),
                serde_json::to_string(&rule.conditions).unwrap_or_default(),
                serde_json::to_string(&rule.actions).unwrap_or_default(),
                serde_json::to_string(&rule.exceptions).unwrap_or_default(),
                context,
                applies,
                rule.source_code,
                rule.line,
                ids[i],
            ])
            .map_err(db("a business rule"))?;
    }
    rules.flush().map_err(db("business_rules"))?;
    Ok(())
}

fn load_features(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
    write: &[bool],
) -> Result<(), StoreError> {
    let mut rows = conn
        .appender_with_columns_to_db(
            "technical_features",
            "knowledge_base",
            &[
                "id",
                "object_name",
                "object_type",
                "feature_name",
                "feature_category",
                "occurrences",
                "complexity_impact",
                "migration_strategy",
                "details",
                "object_id",
            ],
        )
        .map_err(db("technical_features"))?;
    for (i, o) in a.objects.iter().enumerate().filter(|(i, _)| write[*i]) {
        for used in &o.facts.features {
            let feature = features::feature(&used.feature);
            rows.append_row(params![
                uuid(&["feature-row", &ids[i], &used.feature]),
                o.qualified_name,
                o.kind.oracle_name(),
                used.feature,
                feature.map(|f| f.category),
                used.lines.len() as u32,
                feature.map(|f| f.impact.as_str()),
                feature.map(|f| f.strategy),
                serde_json::json!({ "lines": used.lines }).to_string(),
                ids[i],
            ])
            .map_err(db("a technical feature"))?;
        }
    }
    rows.flush().map_err(db("technical_features"))?;
    Ok(())
}

fn load_dependencies(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
    write: &[bool],
) -> Result<(), StoreError> {
    let in_cycle = cycle_of(a);
    let mut rows = conn
        .appender_with_columns_to_db(
            "dependencies",
            "knowledge_base",
            &[
                "id",
                "source_object",
                "source_type",
                "target_object",
                "target_type",
                "dependency_type",
                "call_count",
                "is_critical",
                "metadata",
                "source_id",
                "target_id",
            ],
        )
        .map_err(db("dependencies"))?;
    for d in a.dependencies.iter().filter(|d| write[d.source]) {
        let source = &a.objects[d.source];
        // Critical: the two objects depend on each other, so neither can be
        // converted and tested alone.
        let critical = d.target_object.is_some_and(|t| {
            t != d.source && in_cycle[t].is_some() && in_cycle[t] == in_cycle[d.source]
        });
        let metadata = serde_json::json!({ "resolution": d.resolution.as_str(), "lines": d.lines });
        rows.append_row(params![
            uuid(&["dependency", &ids[d.source], d.kind.as_str(), &d.target]),
            source.qualified_name,
            source.kind.oracle_name(),
            d.target,
            d.target_type,
            d.kind.as_str(),
            d.count,
            critical,
            metadata.to_string(),
            ids[d.source],
            d.target_object.map(|t| ids[t].clone()),
        ])
        .map_err(db("a dependency"))?;
    }
    rows.flush().map_err(db("dependencies"))?;
    Ok(())
}

/// `features 12.0, size 3.5, ...`: what each factor added to the score.
pub fn score_parts(o: &AssessedObject) -> String {
    let parts: Vec<String> = o
        .score
        .parts
        .iter()
        .filter(|(_, p)| *p > 0.0)
        .map(|(n, p)| format!("{n} {p:.1}"))
        .collect();
    match parts.is_empty() {
        true => "nothing".to_owned(),
        false => parts.join(", "),
    }
}

/// A sentence or two on what an object is and does, for people and for the
/// embeddings computed later.
pub fn describe(o: &AssessedObject) -> String {
    let m = &o.facts.metrics;
    let mut text = format!(
        "{} {} ({} code lines, {} statements), classified {} (score {:.1}), route {}.",
        o.kind.oracle_name().to_lowercase(),
        o.qualified_name,
        m.code_lines,
        m.statements,
        o.score.class.as_str(),
        o.score.total,
        o.score.route.as_str()
    );
    if !o.facts.members.is_empty() {
        text.push_str(&format!(" Declares {}.", o.facts.members.join(", ")));
    }
    let features: Vec<&str> = o
        .facts
        .features
        .iter()
        .map(|f| features::feature(&f.feature).map_or(f.feature.as_str(), |c| c.name))
        .collect();
    if !features.is_empty() {
        text.push_str(&format!(" Uses {}.", features.join(", ")));
    }
    if !o.score.reasons.is_empty() {
        text.push_str(&format!(" Hard because: {}.", o.score.reasons.join("; ")));
    }
    text
}

fn rule_description(o: &AssessedObject, rule: &crate::analysis::Rule) -> String {
    let place = match &rule.subprogram {
        Some(s) => format!("{}.{s}", o.qualified_name),
        None => o.qualified_name.clone(),
    };
    let mut text =
        format!("{} rule in {place}, line {}", rule.category.as_str().to_lowercase(), rule.line);
    if !rule.conditions.is_empty() {
        text.push_str(&format!(": when {}", rule.conditions.join(" and ")));
    }
    if !rule.actions.is_empty() {
        text.push_str(&format!(", {}", rule.actions.join("; ")));
    }
    text
}

/// The length of the knowledge base's embeddings, from the type of
/// `knowledge_items.embedding` (`FLOAT[N]`); 0 when it has another type.
pub fn embedding_dimensions(conn: &Connection) -> duckdb::Result<usize> {
    let ty: String = conn.query_row(
        "SELECT data_type FROM information_schema.columns
         WHERE table_schema = 'knowledge_base' AND table_name = 'knowledge_items'
           AND column_name = 'embedding'",
        [],
        |r| r.get(0),
    )?;
    Ok(ty.trim_start_matches("FLOAT[").trim_end_matches(']').parse().unwrap_or(0))
}

/// What the knowledge base at `path` holds, for the stages that read it:
/// the estate's hash (every object's rows), and which model embedded how
/// many rows. Equal for equal content, whatever DuckDB's bytes; `None`
/// when the file cannot be read as a knowledge base.
pub fn identity(path: &Path) -> Option<String> {
    let config = duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly).ok()?;
    let conn = Connection::open_with_flags(path, config).ok()?;
    let text: String = conn
        .query_row(
            "SELECT coalesce((SELECT value FROM knowledge_base.meta WHERE key = 'schema'), '')
                 || '|' || coalesce((SELECT value FROM knowledge_base.meta WHERE key = 'estate'), '')
                 || '|' || coalesce((SELECT value FROM knowledge_base.meta
                                     WHERE key = 'embedding_model'), '')
                 || '|' || (SELECT count(embedding) FROM knowledge_base.knowledge_items)
                 || '|' || (SELECT count(embedding) FROM knowledge_base.business_rules)",
            [],
            |r| r.get(0),
        )
        .ok()?;
    Some(crate::runner::hash::hash_bytes(text.as_bytes()))
}

/// A UUID derived from `parts` (RFC 9562 version 8: application-defined),
/// so an unchanged row keeps its id across runs.
pub fn uuid(parts: &[&str]) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update(&[0]);
    }
    let mut b = [0u8; 16];
    b.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])
}
