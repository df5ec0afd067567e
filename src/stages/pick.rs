//! `pick`: per object, the conversion that fared best in validation, from
//! several engines' folders.
//!
//! Inputs: conversion folders (with an `index.tsv`) in order of preference,
//! and the validation folders (with a `results.tsv`) that validated them;
//! a result belongs to the conversion whose file it names. Each object gets
//! the conversion that passed plpgsql_check, else one that was created,
//! else one not validated (no database), else one that failed; between
//! equals, the earlier folder wins. Output: one folder of the chosen files
//! and an `index.tsv` whose message says what the others got, so that a
//! team sees both engines side by side. It validates nothing itself.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::results::{self, ResultRow, ResultStatus};
use crate::convert::worklist::{self, Converted, Status};

pub(super) struct Pick;

const USAGE: &str = "a pick stage reads conversion folders in order of preference and their \
     validation folders, e.g. inputs = [\"migrated/native/\", \"migrated/validation/native/\", \
     \"migrated/simple/\", \"migrated/validation/simple/\"], outputs = [\"migrated/picked/\"]";

impl StageKind for Pick {
    fn name(&self) -> &'static str {
        "pick"
    }

    fn about(&self) -> &'static str {
        "keeps, per object, the engine's conversion that fared best in validation"
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        if inputs.iter().filter(|p| p.get_ref().ends_with('/')).count() < 2 {
            return Err((None, USAGE.to_owned()));
        }
        super::one_output_folder("pick", outputs)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let out = ctx.stage.outputs[0].get_ref().trim_end_matches('/');
        let failed = |e: worklist::WorklistError| StageError::Failed(e.to_string());
        let mut conversions: Vec<(String, Vec<Converted>)> = Vec::new();
        let mut validated: HashMap<String, ResultRow> = HashMap::new();
        for folder in ctx.stage.inputs.iter().map(|p| p.get_ref()).filter(|p| p.ends_with('/')) {
            let path = ctx.path(folder);
            if path.join(worklist::INDEX).is_file() {
                conversions.push((folder.clone(), worklist::read_index(&path).map_err(failed)?));
            } else if path.join(results::RESULTS).is_file() {
                for row in results::read_results(&path).map_err(failed)? {
                    validated.insert(row.file.clone(), row);
                }
            } else {
                return Err(StageError::Failed(format!(
                    "`{folder}` holds neither an index.tsv nor a results.tsv: {USAGE}"
                )));
            }
        }
        let chosen = choose(&conversions, &validated);
        write(ctx, out, &chosen)
    }
}

/// One engine's conversion of an object, as validation saw it.
struct Candidate<'a> {
    folder: &'a str,
    row: &'a Converted,
    result: Option<&'a ResultRow>,
}

impl Candidate<'_> {
    /// Higher is better: clean, created, not validated, failed.
    fn rank(&self) -> u8 {
        match self.result.map(|r| (r.status, r.checked)) {
            Some((ResultStatus::Ok, true)) => 4,
            Some((ResultStatus::Ok | ResultStatus::Warnings, _)) => 3,
            None | Some((ResultStatus::NotRun, _)) => 2,
            Some((ResultStatus::Failed, true)) => 1,
            Some((ResultStatus::Failed, false)) => 0,
        }
    }

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
        candidates.sort_by_key(|c| std::cmp::Reverse(c.rank()));
    }
    by_object
}

fn write(
    ctx: &StageContext<'_>,
    out: &str,
    chosen: &BTreeMap<&str, Vec<Candidate<'_>>>,
) -> Result<Outcome, StageError> {
    let mut files = Vec::new();
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
