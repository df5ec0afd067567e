//! `pipeline show OBJECT`: everything the knowledge base knows of one
//! object, read back from the DuckDB file.
//!
//! The query matches an object id (`HR.EMP_PKG (PACKAGE BODY)`), a
//! qualified name (`HR.EMP_PKG`) or a bare name (`emp_pkg`), in any case;
//! a package's spec and body are both shown. Nothing is recomputed: what is
//! printed is what the last `classify` run stored.

use std::fmt::Write as _;
use std::path::Path;

use duckdb::{params, AccessMode, Config, Connection};

/// Why `show` could not answer.
#[derive(Debug, thiserror::Error)]
pub enum ShowError {
    #[error("no knowledge base at `{0}`\n\nhint: `pipeline run` writes it")]
    Missing(String),
    #[error("cannot read the knowledge base `{path}`: {source}")]
    Db { path: String, source: duckdb::Error },
    #[error("no object matches `{query}` in `{path}`{hint}")]
    NotFound { query: String, path: String, hint: String },
}

/// The text `pipeline show` prints for `query`, from the database at `path`.
pub fn show(path: &Path, query: &str) -> Result<String, ShowError> {
    let shown = path.display().to_string();
    if !path.is_file() {
        return Err(ShowError::Missing(shown));
    }
    let db = |source| ShowError::Db { path: shown.clone(), source };
    let config = Config::default().access_mode(AccessMode::ReadOnly).map_err(db)?;
    let conn = Connection::open_with_flags(path, config).map_err(db)?;
    let ids = matching(&conn, query).map_err(db)?;
    if ids.is_empty() {
        let hint = similar(&conn, query).map_err(db)?;
        return Err(ShowError::NotFound { query: query.to_owned(), path: shown, hint });
    }
    let mut out = String::new();
    for (n, id) in ids.iter().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        object(&conn, id, &mut out).map_err(db)?;
    }
    Ok(out)
}

fn matching(conn: &Connection, query: &str) -> duckdb::Result<Vec<String>> {
    let q = query.trim().to_uppercase();
    let mut stmt = conn.prepare(
        "SELECT object_id FROM knowledge_base.objects
         WHERE upper(object_id) = ?1
            OR upper(coalesce(schema_name || '.', '') || object_name) = ?1
            OR upper(object_name) = ?1
         ORDER BY schema_name, object_name, object_type, object_id",
    )?;
    let rows = stmt.query_map(params![q], |r| r.get(0))?;
    rows.collect()
}

/// `; did you mean ...` with up to five names containing the query.
fn similar(conn: &Connection, query: &str) -> duckdb::Result<String> {
    let mut stmt = conn.prepare(
        "SELECT object_id FROM knowledge_base.objects
         WHERE contains(upper(object_id), ?1) ORDER BY object_id LIMIT 5",
    )?;
    let rows: Vec<String> = stmt
        .query_map(params![query.trim().to_uppercase()], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(match rows.is_empty() {
        true => String::new(),
        false => format!("\n\nhint: did you mean {}?", rows.join(", ")),
    })
}

fn object(conn: &Connection, id: &str, out: &mut String) -> duckdb::Result<()> {
    let total: i64 =
        conn.query_row("SELECT count(*) FROM knowledge_base.objects", [], |r| r.get(0))?;
    conn.query_row(
        "SELECT source_file, first_line, last_line, parse_status, parse_errors, code_lines,
                statements, cyclomatic, max_nesting, complexity_score, complexity_class, route,
                array_to_string(reasons, '\n'), ora2pg_units, conversion_order, score_parts,
                content_hash
         FROM knowledge_base.objects WHERE object_id = ?1",
        params![id],
        |r| {
            let _ = writeln!(out, "{id}");
            let _ = writeln!(
                out,
                "  source      {}:{}-{}",
                r.get::<_, String>(0)?,
                r.get::<_, i32>(1)?,
                r.get::<_, i32>(2)?
            );
            let errors: i32 = r.get(4)?;
            let status: String = r.get(3)?;
            let _ = match errors {
                0 => writeln!(out, "  parse       {status}"),
                n => writeln!(
                    out,
                    "  parse       {status}, {n} errors (see the inventory's problems.txt)"
                ),
            };
            let _ = writeln!(
                out,
                "  size        {} code lines, {} statements, McCabe {}, nesting {}",
                r.get::<_, i32>(5)?,
                r.get::<_, i32>(6)?,
                r.get::<_, i32>(7)?,
                r.get::<_, i32>(8)?
            );
            let _ = writeln!(
                out,
                "  class       {} (score {:.1}: {})",
                r.get::<_, String>(10)?,
                r.get::<_, f64>(9)?,
                r.get::<_, String>(15)?
            );
            let _ = writeln!(
                out,
                "  route       {}, converted {} of {total}",
                r.get::<_, String>(11)?,
                ordinal(r.get::<_, i32>(14)?)
            );
            let reasons: String = r.get(12)?;
            for reason in reasons.lines() {
                let _ = writeln!(out, "              - {reason}");
            }
            let _ = writeln!(out, "  ora2pg      {:.1} units", r.get::<_, f64>(13)?);
            let _ = writeln!(out, "  hash        {}", r.get::<_, String>(16)?);
            Ok(())
        },
    )?;
    features(conn, id, out)?;
    dependencies(conn, id, out)?;
    rules(conn, id, out)
}

fn ordinal(n: i32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

fn features(conn: &Connection, id: &str, out: &mut String) -> duckdb::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT feature_name, coalesce(complexity_impact, ''), occurrences,
                coalesce(migration_strategy, ''), details
         FROM knowledge_base.technical_features WHERE object_id = ?1
         ORDER BY CASE complexity_impact WHEN 'HIGH' THEN 0 WHEN 'MEDIUM' THEN 1 ELSE 2 END,
                  feature_name",
    )?;
    let rows: Vec<(String, String, i32, String, String)> = stmt
        .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    let _ = writeln!(out, "  features");
    for (name, impact, uses, strategy, details) in rows {
        let lines = serde_json::from_str::<serde_json::Value>(&details)
            .ok()
            .and_then(|d| d.get("lines").cloned())
            .and_then(|l| serde_json::from_value::<Vec<u32>>(l).ok())
            .unwrap_or_default();
        let lines: Vec<String> = lines.iter().map(u32::to_string).collect();
        let _ = writeln!(out, "    {name:<24} {impact:<6} {uses}× (lines {})", lines.join(", "));
        if !strategy.is_empty() {
            let _ = writeln!(out, "      {strategy}");
        }
    }
    Ok(())
}

fn dependencies(conn: &Connection, id: &str, out: &mut String) -> duckdb::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT dependency_type, target_object, target_type, call_count
         FROM knowledge_base.dependencies WHERE source_id = ?1
         ORDER BY dependency_type, target_object",
    )?;
    let rows: Vec<(String, String, String, i32)> = stmt
        .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    if !rows.is_empty() {
        let _ = writeln!(out, "  depends on");
        for (kind, target, target_type, count) in rows {
            let _ = writeln!(out, "    {kind:<10} {target} ({target_type}) {count}×");
        }
    }
    let mut stmt = conn.prepare(
        "SELECT dependency_type, source_id, sum(call_count)::INTEGER
         FROM knowledge_base.dependencies WHERE target_id = ?1 AND source_id <> ?1
         GROUP BY dependency_type, source_id
         ORDER BY source_id, dependency_type",
    )?;
    let rows: Vec<(String, String, i32)> = stmt
        .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if !rows.is_empty() {
        let _ = writeln!(out, "  used by");
        for (kind, source, count) in rows {
            let _ = writeln!(out, "    {kind:<10} {source} {count}×");
        }
    }
    Ok(())
}

fn rules(conn: &Connection, id: &str, out: &mut String) -> duckdb::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT rule_category, source_line, rule_name
         FROM knowledge_base.business_rules WHERE object_id = ?1
         ORDER BY source_line, rule_name",
    )?;
    let rows: Vec<(String, i32, String)> = stmt
        .query_map(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Ok(());
    }
    let _ = writeln!(out, "  rules");
    for (category, line, name) in rows {
        let _ = writeln!(out, "    line {line:<5} {category:<12} {name}");
    }
    Ok(())
}
