//! Writes an [`Assessment`] into a DuckDB file, in the `knowledge_base`
//! schema of `schema.sql`.
//!
//! The file is written whole on every run, into a temporary folder beside
//! it, and renamed over the old one only once complete: a failed or
//! interrupted run leaves the previous knowledge base as it was, and a
//! reader never sees half of one. Rows are appended with DuckDB's appender;
//! ids are derived from what a row describes, so the same estate gives the
//! same ids on every run and machine (the `created_at` columns aside, the
//! content is the same too).
//!
//! Embedding columns are left NULL: computing them is the PostgreSQL
//! knowledge base's job.

use std::path::Path;

use duckdb::types::Value;
use duckdb::{params, Connection};

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

/// Indexes the seed's schema declares, built after the load.
const INDEXES: &str = "
CREATE INDEX idx_knowledge_items_type ON knowledge_base.knowledge_items (knowledge_type);
CREATE INDEX idx_knowledge_items_object ON knowledge_base.knowledge_items (object_name);
CREATE INDEX idx_business_rules_category ON knowledge_base.business_rules (rule_category);
CREATE INDEX idx_dependencies_source ON knowledge_base.dependencies (source_object);
CREATE INDEX idx_dependencies_target ON knowledge_base.dependencies (target_object);
CREATE INDEX idx_technical_features_feature ON knowledge_base.technical_features (feature_name);
";

/// Writes `assessment` to the DuckDB file at `path`, replacing it.
pub fn write(path: &Path, assessment: &Assessment, dimensions: u32) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.display().to_string(), source };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs_err::create_dir_all(parent).map_err(io)?;
    let scratch = tempfile::Builder::new().prefix(".knowledge-").tempdir_in(parent).map_err(io)?;
    let fresh = scratch.path().join("knowledge.duckdb");
    {
        let conn = Connection::open(&fresh).map_err(db("opening a new database"))?;
        conn.execute_batch(&schema_sql(dimensions)).map_err(db("the schema"))?;
        load(&conn, assessment)?;
        conn.execute_batch(INDEXES).map_err(db("the indexes"))?;
        conn.execute_batch("CHECKPOINT").map_err(db("the checkpoint"))?;
    }
    fs_err::rename(&fresh, path).map_err(io)?;
    Ok(())
}

fn db(what: &'static str) -> impl Fn(duckdb::Error) -> StoreError {
    move |source| StoreError::Db { what: what.to_owned(), source }
}

fn load(conn: &Connection, a: &Assessment) -> Result<(), StoreError> {
    let ids: Vec<String> = a.objects.iter().map(AssessedObject::id).collect();
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
            ])
            .map_err(db("an objects row"))?;
    }
    objects.flush().map_err(db("objects"))?;
    drop(objects);

    load_items_and_rules(conn, a, &ids)?;
    load_features(conn, a, &ids)?;
    load_dependencies(conn, a, &ids)
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

fn load_items_and_rules(
    conn: &Connection,
    a: &Assessment,
    ids: &[String],
) -> Result<(), StoreError> {
    let mut items = conn
        .appender_with_columns_to_db("knowledge_items", "knowledge_base", ITEM_COLUMNS)
        .map_err(db("knowledge_items"))?;
    let mut rule_rows = Vec::new();
    for (i, o) in a.objects.iter().enumerate() {
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
        for used in &o.facts.features {
            let feature = features::feature(&used.feature);
            let title =
                format!("{} uses {}", ids[i], feature.map_or(used.feature.as_str(), |f| f.name));
            let description = match feature {
                Some(f) => format!(
                    "{title} {} times ({} impact). {}",
                    used.lines.len(),
                    f.impact.as_str(),
                    f.strategy
                ),
                None => format!("{title} {} times.", used.lines.len()),
            };
            items
                .append_row(params![
                    uuid(&["feature", &ids[i], &used.feature]),
                    kind,
                    o.name,
                    o.schema,
                    "FEATURE",
                    title,
                    description,
                    Option::<String>::None,
                    serde_json::json!({ "feature": used.feature, "lines": used.lines }).to_string(),
                    ids[i],
                ])
                .map_err(db("a knowledge item"))?;
        }
        for (n, rule) in o.facts.rules.iter().enumerate() {
            let item = uuid(&["rule-item", &ids[i], &n.to_string()]);
            let knowledge_type = match rule.category {
                crate::analysis::RuleCategory::Validation => "VALIDATION",
                crate::analysis::RuleCategory::Calculation => "CALCULATION",
                crate::analysis::RuleCategory::Workflow => "RULE",
            };
            let structured = serde_json::to_string(rule).unwrap_or_default();
            items
                .append_row(params![
                    item,
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
            rule_rows.push((i, n, item));
        }
    }
    items.flush().map_err(db("knowledge_items"))?;
    drop(items);

    let mut rules = conn
        .appender_with_columns_to_db(
            "business_rules",
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
    for (i, n, item) in rule_rows {
        let o = &a.objects[i];
        let rule = &o.facts.rules[n];
        let context = match &rule.subprogram {
            Some(s) => format!("{} in {}.{s}", rule.category.as_str(), o.qualified_name),
            None => format!("{} in {}", rule.category.as_str(), o.qualified_name),
        };
        let applies = Value::List(rule.applies_to.iter().cloned().map(Value::Text).collect());
        rules
            .append_row(params![
                uuid(&["rule", &ids[i], &n.to_string()]),
                item,
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

fn load_features(conn: &Connection, a: &Assessment, ids: &[String]) -> Result<(), StoreError> {
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
    for (i, o) in a.objects.iter().enumerate() {
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

fn load_dependencies(conn: &Connection, a: &Assessment, ids: &[String]) -> Result<(), StoreError> {
    let mut in_cycle = vec![None; a.objects.len()];
    for (n, cycle) in a.cycles.iter().enumerate() {
        for &i in cycle {
            in_cycle[i] = Some(n);
        }
    }
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
    for d in &a.dependencies {
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
