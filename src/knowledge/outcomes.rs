//! The conversion outcomes as a DuckDB file beside the knowledge base:
//! `knowledge_base.conversions` (each engine's conversion of each object,
//! with its validation), `knowledge_base.conversion_routines` (each
//! function and procedure of it) and `knowledge_base.conversion_notes`. Object ids
//! are the knowledge base's, so `ATTACH` joins the two.

use std::path::Path;

use duckdb::{params, Connection};

use super::duckdb::StoreError;
use crate::convert::outcomes::ObjectOutcome;

/// Writes the file whole, in a scratch folder beside it, then renames it
/// over the old one: a failed write leaves the old file as it was.
pub fn write(path: &Path, outcomes: &[ObjectOutcome]) -> Result<(), StoreError> {
    let io = |source| StoreError::Io { path: path.display().to_string(), source };
    let db = |what: &'static str| move |source| StoreError::Db { what: what.to_owned(), source };
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs_err::create_dir_all(parent).map_err(io)?;
    let scratch = tempfile::Builder::new().prefix(".outcomes-").tempdir_in(parent).map_err(io)?;
    let fresh = scratch.path().join("outcomes.duckdb");
    {
        let conn = Connection::open(&fresh).map_err(db("opening a new database"))?;
        conn.execute_batch(include_str!("outcomes.sql")).map_err(db("the schema"))?;
        let mut rows =
            conn.appender_to_db("conversions", "knowledge_base").map_err(db("conversions"))?;
        for o in outcomes {
            for (n, a) in o.attempts.iter().enumerate() {
                let r = a.result.as_ref();
                rows.append_row(params![
                    o.object,
                    a.engine,
                    a.file,
                    n == 0,
                    a.verdict().as_str(),
                    r.map(|r| r.status.as_str()),
                    r.and_then(|r| r.line),
                    r.map(|r| r.message.as_str()).filter(|m| !m.is_empty()),
                    r.map(|r| r.checked),
                ])
                .map_err(db("a conversion"))?;
            }
        }
        rows.flush().map_err(db("conversions"))?;
        drop(rows);
        let mut routines =
            conn.appender_to_db("conversion_routines", "knowledge_base").map_err(db("routines"))?;
        for o in outcomes {
            for a in &o.attempts {
                for r in a.result.iter().flat_map(|r| &r.routines) {
                    let message = Some(r.message.as_str()).filter(|m| !m.is_empty());
                    routines
                        .append_row(params![
                            o.object,
                            a.engine,
                            r.name,
                            r.line,
                            r.status.as_str(),
                            message
                        ])
                        .map_err(db("a routine"))?;
                }
            }
        }
        routines.flush().map_err(db("routines"))?;
        drop(routines);
        let mut notes =
            conn.appender_to_db("conversion_notes", "knowledge_base").map_err(db("notes"))?;
        for o in outcomes {
            for (engine, n) in &o.notes {
                notes
                    .append_row(params![o.object, engine, n.line, n.kind, n.message])
                    .map_err(db("a note"))?;
            }
        }
        notes.flush().map_err(db("notes"))?;
        drop(notes);
        conn.execute_batch("CHECKPOINT").map_err(db("the checkpoint"))?;
    }
    fs_err::rename(&fresh, path).map_err(io)?;
    Ok(())
}

/// What the file holds, as a short stable string for the lock: its bytes
/// differ from run to run even when its rows do not. `None` when it cannot
/// be read.
pub fn identity(path: &Path) -> Option<String> {
    let config = duckdb::Config::default().access_mode(duckdb::AccessMode::ReadOnly).ok()?;
    let conn = Connection::open_with_flags(path, config).ok()?;
    conn.query_row(
        "SELECT (SELECT md5(coalesce(string_agg(concat_ws('|', object_id, engine, file, kept, verdict,
                        validation_status, error_line, error_message, plpgsql_checked), chr(10)
                        ORDER BY object_id, engine, file), ''))
                 FROM knowledge_base.conversions)
             || '|' || (SELECT md5(coalesce(string_agg(concat_ws('|', object_id, engine, routine, line,
                        status, message), chr(10) ORDER BY object_id, engine, line, routine), ''))
                 FROM knowledge_base.conversion_routines)
             || '|' || (SELECT md5(coalesce(string_agg(concat_ws('|', object_id, engine, line, kind,
                        message), chr(10) ORDER BY object_id, engine, line, kind, message), ''))
                 FROM knowledge_base.conversion_notes)",
        [],
        |r| r.get(0),
    )
    .ok()
}
