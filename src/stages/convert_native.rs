//! `convert-native`: the objects of the route lists, translated by our own
//! engine ([`crate::convert::native`]), one file per object.
//!
//! Inputs: one or more route lists (`routes/*.tsv`), the extracted sources
//! they point into, and optionally a folder another engine wrote (ora2pg's
//! `migrated/simple/`): objects our engine does not translate (tables,
//! indexes, sequences, synonyms) are taken from there as they are, so that
//! the output folder is complete and validates on its own. Output: one
//! folder of `<schema>/<name>.<type>.sql`, its `index.tsv`, and
//! `notes.tsv`: every rewrite a person should review and every construct
//! with no equivalent, with its line. Each SQL file starts with its notes.
//!
//! Translation reads the parse trees, so the stage scans the files the
//! route lists name (in parallel); it needs no cache, a translation being
//! a small fraction of a parse.

use std::collections::HashMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::native::{self, Catalog, Translation};
use crate::convert::outcomes::{self, Note};
use crate::convert::worklist::{self, Converted, RouteEntry, Status};
use crate::plsql::Object;

pub(super) struct ConvertNative;

const USAGE: &str = "a convert-native stage reads route lists (`.tsv`) and writes one folder, \
     e.g. inputs = [\"knowledge/analysis/routes/agent.tsv\", \"extracted/\"], outputs = \
     [\"migrated/native/\"]; a conversion folder among the inputs (\"migrated/simple/\") \
     gives the objects this engine does not translate";

impl StageKind for ConvertNative {
    fn name(&self) -> &'static str {
        "convert-native"
    }

    fn about(&self) -> &'static str {
        "translates routines, packages, triggers, types, type bodies and views with our own engine"
    }

    fn output_version(&self) -> u32 {
        // Raised when the translator writes something else for the same input.
        41
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        if !inputs.iter().any(|p| p.get_ref().ends_with(".tsv")) {
            return Err((None, USAGE.to_owned()));
        }
        super::one_output_folder("convert-native", outputs)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let out = ctx.stage.outputs[0].get_ref().trim_end_matches('/');
        let mut entries = Vec::new();
        for route in ctx.stage.inputs.iter().map(|p| p.get_ref()).filter(|p| p.ends_with(".tsv")) {
            let listed = worklist::read_route(&ctx.path(route))
                .map_err(|e| StageError::Failed(e.to_string()))?;
            entries.extend(listed);
        }
        let fallback = fallback_folder(ctx)?;
        let objects = scan(ctx, &entries);
        let catalog = Catalog::of(objects.iter().flatten());
        (ctx.progress)(0, entries.len() as u64);
        let results: Vec<Result<Translation, String>> = entries
            .par_iter()
            .zip(objects.par_iter())
            .map(|(entry, object)| {
                let object = object.as_ref().ok_or_else(|| {
                    format!(
                        "no {} at line {} of `{}`",
                        entry.object_type(),
                        entry.first_line,
                        entry.file
                    )
                })?;
                // A bug in the translator costs one object, not the run.
                std::panic::catch_unwind(|| native::translate(object, &catalog))
                    .unwrap_or_else(|_| {
                        Err(native::TranslateError::Bug(format!(
                            "{} at line {} of `{}`",
                            entry.object, entry.first_line, entry.file
                        )))
                    })
                    .map_err(|e| e.to_string())
            })
            .collect();
        if ctx.interrupt.is_set() {
            return Err(StageError::Interrupted);
        }
        write(ctx, out, &entries, &results, &fallback)
    }
}

/// The converted rows of the other engine's folder among the inputs, with
/// that folder; their files are read only for the objects taken from it.
type Fallback = HashMap<String, (Converted, std::path::PathBuf)>;

fn fallback_folder(ctx: &StageContext<'_>) -> Result<Fallback, StageError> {
    let mut found = HashMap::new();
    for folder in ctx.stage.inputs.iter().map(|p| p.get_ref()) {
        let path = ctx.path(folder);
        if !folder.ends_with('/') || !path.join(worklist::INDEX).is_file() {
            continue;
        }
        let rows = worklist::read_index(&path).map_err(|e| StageError::Failed(e.to_string()))?;
        for row in rows.into_iter().filter(|r| r.status == Status::Converted) {
            found.insert(row.object.clone(), (row, path.clone()));
        }
    }
    Ok(found)
}

/// Each entry's parsed object, from a scan of the files the entries name.
fn scan(ctx: &StageContext<'_>, entries: &[RouteEntry]) -> Vec<Option<Object>> {
    let mut files: Vec<&str> = entries.iter().map(|e| e.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let scanned: HashMap<&str, Vec<Object>> = files
        .par_iter()
        .map(|file| {
            let objects = match fs_err::read(ctx.path(file)) {
                Ok(bytes) => crate::plsql::scan_file(file, &bytes, None).objects,
                Err(_) => Vec::new(),
            };
            (*file, objects)
        })
        .collect();
    entries
        .iter()
        .map(|entry| {
            let objects = scanned.get(entry.file.as_str())?;
            let mut object = objects
                .iter()
                .find(|o| {
                    o.first_line == entry.first_line && o.kind.oracle_name() == entry.object_type()
                })?
                .clone();
            // The classified schema (from metadata or the folder) wins.
            if !entry.schema().is_empty() {
                object.schema = Some(entry.schema().trim_matches('"').to_owned());
            }
            Some(object)
        })
        .collect()
}

fn write(
    ctx: &StageContext<'_>,
    out: &str,
    entries: &[RouteEntry],
    results: &[Result<Translation, String>],
    fallback: &Fallback,
) -> Result<Outcome, StageError> {
    let mut files = Vec::new();
    let mut rows = Vec::new();
    let mut notes: Vec<Note> = Vec::new();
    let (mut translated, mut borrowed, mut failed, mut noted) = (0, 0, 0, 0);
    let mut outcome = Outcome::new(String::new());
    for (entry, result) in entries.iter().zip(results) {
        let mut row = Converted {
            object: entry.object.clone(),
            file: String::new(),
            route: "native".into(),
            status: Status::Converted,
            source: entry.file.clone(),
            first_line: entry.first_line,
            hash: entry.hash.clone(),
            message: String::new(),
        };
        match (result, fallback.get(&entry.object)) {
            (Ok(t), _) => {
                translated += 1;
                row.file = worklist::file_name(&entry.object, "sql");
                if !t.notes.is_empty() {
                    noted += 1;
                    row.message = format!("{} notes", t.notes.len());
                }
                notes.extend(t.notes.iter().map(|n| Note {
                    object: entry.object.clone(),
                    line: n.line,
                    kind: n.kind.as_str().to_owned(),
                    message: n.message.clone(),
                }));
                files.push((row.file.clone(), with_notes(entry, t)));
            }
            (Err(_), Some((other, folder))) => {
                borrowed += 1;
                let sql = fs_err::read_to_string(folder.join(&other.file))?;
                row.route = other.route.clone();
                row.file = worklist::file_name(&entry.object, "sql");
                row.message = format!("from {}", other.route);
                files.push((row.file.clone(), sql));
            }
            (Err(why), None) => {
                failed += 1;
                row.status = Status::Failed;
                row.message = why.clone();
                outcome.details.push(format!("not translated {}: {why}", entry.object));
            }
        }
        rows.push(row);
    }
    let dir = ctx.path(out);
    fs_err::create_dir_all(&dir)?;
    let mut all_files = files;
    all_files.push((outcomes::NOTES.to_owned(), outcomes::notes_file(notes)));
    super::folder::write_folder(&dir, &all_files)?;
    worklist::write_index(&dir, &rows)?;
    outcome.summary = format!(
        "{} objects: {translated} translated ({noted} with notes), {borrowed} from the other \
         engine, {failed} not translated",
        entries.len()
    );
    Ok(outcome)
}

/// A translation with its notes as comments above it.
fn with_notes(entry: &RouteEntry, t: &Translation) -> String {
    let mut out = format!("-- {} from {}:{}\n", entry.object, entry.file, entry.first_line);
    for n in &t.notes {
        let _ = writeln!(out, "-- {} (line {}): {}", n.kind.as_str(), n.line, n.message);
    }
    out.push('\n');
    out.push_str(&t.sql);
    out
}
