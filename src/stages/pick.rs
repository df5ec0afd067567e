//! `pick`: per object, the conversion that fared best in validation, from
//! several engines' folders.
//!
//! Inputs: conversion folders (with an `index.tsv`) in order of preference,
//! and the validation folders (with a `results.tsv`) that validated them;
//! a result belongs to the conversion whose file it names. Each object gets
//! the conversion that passed plpgsql_check, else one that was created,
//! else one not validated (no database), else one that failed; between
//! equals, the earlier folder wins. Output: one folder of the chosen files,
//! an `index.tsv` whose message says what the others got, and `report.md`,
//! the engines side by side with the notes each left (a conversion
//! folder's `notes.tsv`) at their lines; and, when a `.duckdb` output is
//! named, the same outcomes as tables beside the knowledge base. It
//! validates nothing itself.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::outcomes::{self, Attempt, Note, ObjectOutcome, Verdict};
use crate::convert::results::{self, ResultRow, ResultStatus};
use crate::convert::worklist::{self, Converted, Status};

pub(super) struct Pick;

const USAGE: &str = "a pick stage reads conversion folders in order of preference and their \
     validation folders, e.g. inputs = [\"migrated/native/\", \"migrated/validation/native/\", \
     \"migrated/simple/\", \"migrated/validation/simple/\"], outputs = [\"migrated/picked/\", \
     \"knowledge/conversion.duckdb\"]";

impl StageKind for Pick {
    fn name(&self) -> &'static str {
        "pick"
    }

    fn about(&self) -> &'static str {
        "keeps, per object, the engine's conversion that fared best in validation"
    }

    fn output_version(&self) -> u32 {
        // 2: report.md, the outcomes database, each engine once per object.
        // 3: routines in the verdict; `$` escaped in the report.
        3
    }

    fn untracked_output(&self, output: &str) -> bool {
        output.ends_with(".duckdb")
    }

    fn untracked_identity(&self, output: &std::path::Path) -> Option<String> {
        crate::knowledge::outcomes::identity(output)
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        if inputs.iter().filter(|p| p.get_ref().ends_with('/')).count() < 2 {
            return Err((None, USAGE.to_owned()));
        }
        let folders = outputs.iter().filter(|p| p.get_ref().ends_with('/')).count();
        let bases = outputs.iter().filter(|p| p.get_ref().ends_with(".duckdb")).count();
        if folders != 1 || bases > 1 || folders + bases != outputs.len() {
            return Err((
                None,
                format!(
                    "a pick stage writes one folder and, if asked, a `.duckdb` file of the \
                     outcomes: {USAGE}"
                ),
            ));
        }
        Ok(())
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let outputs: Vec<&str> = ctx.stage.outputs.iter().map(|p| p.get_ref().as_str()).collect();
        let out = outputs.iter().find(|p| p.ends_with('/')).expect("checked").trim_end_matches('/');
        let base = outputs.iter().find(|p| p.ends_with(".duckdb"));
        let failed = |e: worklist::WorklistError| StageError::Failed(e.to_string());
        let mut conversions: Vec<(String, Vec<Converted>)> = Vec::new();
        let mut notes: Vec<(String, Vec<Note>)> = Vec::new();
        let mut validations: Vec<String> = Vec::new();
        let mut validated: HashMap<String, ResultRow> = HashMap::new();
        for folder in ctx.stage.inputs.iter().map(|p| p.get_ref()).filter(|p| p.ends_with('/')) {
            let path = ctx.path(folder);
            if path.join(worklist::INDEX).is_file() {
                conversions.push((folder.clone(), worklist::read_index(&path).map_err(failed)?));
                notes.push((folder.clone(), outcomes::read_notes(&path).map_err(failed)?));
            } else if path.join(results::RESULTS).is_file() {
                validations.push(folder.clone());
                let mut rows = results::read_results(&path).map_err(failed)?;
                results::read_routines(&path, &mut rows).map_err(failed)?;
                for row in rows {
                    validated.insert(row.file.clone(), row);
                }
            } else {
                return Err(StageError::Failed(format!(
                    "`{folder}` holds neither an index.tsv nor a results.tsv: {USAGE}"
                )));
            }
        }
        let chosen = choose(&conversions, &validated);
        let gathered = gather(&chosen, &conversions, notes);
        let folders: Vec<String> = conversions.iter().map(|(f, _)| f.clone()).collect();
        let info =
            crate::report::ConversionInfo { conversions: &folders, validations: &validations };
        let report = crate::report::conversion_markdown(&gathered, &info);
        if let Some(base) = base {
            crate::knowledge::outcomes::write(&ctx.path(base), &gathered)
                .map_err(|e| StageError::Failed(e.to_string()))?;
        }
        write(ctx, out, &chosen, report)
    }
}

/// One engine's conversion of an object, as validation saw it.
struct Candidate<'a> {
    folder: &'a str,
    row: &'a Converted,
    result: Option<&'a ResultRow>,
}

impl Candidate<'_> {
    fn verdict(&self) -> String {
        match self.result {
            None => "not validated".to_owned(),
            Some(r) if r.status == ResultStatus::Ok && r.checked => {
                "passed plpgsql_check".to_owned()
            }
            Some(r) if r.message.is_empty() => r.status.as_str().to_owned(),
            Some(r) => format!("{}: {}", r.status.as_str(), r.message),
        }
    }
}

/// The conversion report, beside the index.
const REPORT: &str = "report.md";

/// Per object, the attempts best first and the notes of the folders that
/// converted it, each note under the engine of that folder's conversion.
fn gather(
    chosen: &BTreeMap<&str, Vec<Candidate<'_>>>,
    conversions: &[(String, Vec<Converted>)],
    notes: Vec<(String, Vec<Note>)>,
) -> Vec<ObjectOutcome> {
    let mut engine_of: HashMap<(&str, &str), &str> = HashMap::new();
    for (folder, rows) in conversions {
        for row in rows {
            engine_of.insert((folder, &row.object), &row.route);
        }
    }
    let mut noted: HashMap<String, Vec<(String, Note)>> = HashMap::new();
    for (folder, notes) in notes {
        for n in notes {
            let engine = engine_of.get(&(folder.as_str(), n.object.as_str())).copied();
            let engine = engine.unwrap_or(folder.trim_end_matches('/')).to_owned();
            noted.entry(n.object.clone()).or_default().push((engine, n));
        }
    }
    chosen
        .iter()
        .map(|(object, candidates)| ObjectOutcome {
            object: (*object).to_owned(),
            attempts: candidates
                .iter()
                .map(|c| Attempt {
                    engine: c.row.route.clone(),
                    file: format!("{}{}", c.folder, c.row.file),
                    result: c.result.cloned(),
                })
                .collect(),
            notes: noted.remove(*object).unwrap_or_default(),
        })
        .collect()
}

/// Per object (sorted), its candidates best first.
fn choose<'a>(
    conversions: &'a [(String, Vec<Converted>)],
    validated: &'a HashMap<String, ResultRow>,
) -> BTreeMap<&'a str, Vec<Candidate<'a>>> {
    let mut by_object: BTreeMap<&str, Vec<Candidate>> = BTreeMap::new();
    for (folder, rows) in conversions {
        for row in rows.iter().filter(|r| r.status == Status::Converted) {
            let result = validated.get(&format!("{folder}{}", row.file));
            by_object.entry(&row.object).or_default().push(Candidate { folder, row, result });
        }
    }
    for candidates in by_object.values_mut() {
        // Stable: between equals the earlier folder stays first.
        candidates.sort_by_key(|c| Verdict::of(c.result));
        // A folder may hold another engine's conversion as it was (native
        // takes ora2pg's tables): each engine counts once, at its best.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|c| seen.insert(c.row.route.as_str()));
    }
    by_object
}

fn write(
    ctx: &StageContext<'_>,
    out: &str,
    chosen: &BTreeMap<&str, Vec<Candidate<'_>>>,
    report: String,
) -> Result<Outcome, StageError> {
    let mut files = vec![(REPORT.to_owned(), report)];
    let mut rows = Vec::new();
    let mut by_route: BTreeMap<String, usize> = BTreeMap::new();
    for (object, candidates) in chosen {
        let best = &candidates[0];
        let sql = fs_err::read_to_string(ctx.path(&format!("{}{}", best.folder, best.row.file)))?;
        let file = worklist::file_name(object, "sql");
        files.push((file.clone(), sql));
        let others: Vec<String> =
            candidates[1..].iter().map(|c| format!("{}: {}", c.row.route, c.verdict())).collect();
        let mut message = best.verdict();
        if !others.is_empty() {
            message.push_str(&format!(" (also {})", others.join("; ")));
        }
        *by_route.entry(best.row.route.clone()).or_default() += 1;
        rows.push(Converted { file, message, ..best.row.clone() });
    }
    let dir = ctx.path(out);
    fs_err::create_dir_all(&dir)?;
    super::folder::write_folder(&dir, &files)?;
    worklist::write_index(&dir, &rows)?;
    let routes: Vec<String> = by_route.iter().map(|(r, n)| format!("{n} from {r}")).collect();
    Ok(Outcome::new(format!("{} objects: {}", rows.len(), routes.join(", "))))
}
