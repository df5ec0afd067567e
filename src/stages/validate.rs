//! `validate`: applies the converted objects of one or more conversion
//! folders to a real PostgreSQL, in dependency order, and says which
//! compile and pass plpgsql_check ([`crate::convert::validate`]).
//!
//! Inputs: conversion folders (`migrated/simple/`, ...) and
//! classification's `order.txt`. Output: a folder with `results.tsv` and
//! `report.md` ([`crate::convert::results`]). The database is
//! `DATABASE_URL`, or else `[validate] url`; nothing is left in it. With
//! neither set the stage still succeeds: it warns, and every object is
//! `not-run`, so that a fresh clone's `pipeline run` works.
//! `[validate] extensions = ["orafce"]` creates extensions the converted
//! code needs, inside the transaction too, and `.sql` files among the
//! inputs are applied first, in the order listed: what the target has
//! beside the converted code, such as `utl_http_utility`.

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::plan::{self, Planned};
use crate::convert::results::{self, ReportHeader, ResultRow, ResultStatus};
use crate::convert::validate::{Validator, VerdictStatus};
use crate::convert::worklist::Status;
use crate::knowledge::postgres::Target;

pub(super) struct Validate;

const USAGE: &str = "a validate stage reads conversion folders and the conversion order, and \
     writes a folder, e.g. inputs = [\"migrated/simple/\", \"knowledge/analysis/order.txt\"], \
     outputs = [\"migrated/validation/simple/\"]";

/// The database of the environment or manifest, if any.
pub(super) fn target(manifest: &crate::manifest::Manifest) -> Result<Option<Target>, String> {
    let url = manifest.param("validate.url").and_then(toml::Value::as_str);
    Target::from_env_or(url).map_err(|e| e.to_string())
}

/// The hashed identity of the database, for [`StageKind::environment`].
pub(super) fn environment(manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
    let identity = match target(manifest) {
        Ok(Some(t)) => crate::runner::hash::hash_bytes(t.identity().as_bytes()),
        Ok(None) => "unset".to_owned(),
        Err(e) => crate::runner::hash::hash_bytes(e.as_bytes()),
    };
    vec![("DATABASE_URL".to_owned(), identity)]
}

/// The conversion folders, the order file and the setup scripts among a
/// stage's inputs.
pub(super) struct Sources {
    pub folders: Vec<String>,
    pub order: Option<String>,
    /// `.sql` files applied before the objects, in the order listed: what
    /// the target has beside the converted code (`utl_http_utility`).
    pub setup: Vec<String>,
}

pub(super) fn sources(inputs: &[Spanned<String>]) -> Sources {
    let paths = || inputs.iter().map(|p| p.get_ref());
    let folders = paths().filter(|p| p.ends_with('/')).cloned();
    let order = paths().find(|p| p.ends_with("order.txt")).cloned();
    let setup = paths().filter(|p| p.ends_with(".sql")).cloned();
    Sources { folders: folders.collect(), order, setup: setup.collect() }
}

/// The converted objects of the stage's folders, in the order to apply them.
pub(super) fn planned(
    ctx: &StageContext<'_>,
    sources: &Sources,
) -> Result<Vec<Planned>, StageError> {
    let order = match &sources.order {
        Some(path) => plan::read_order(&ctx.path(path)),
        None => Ok(Default::default()),
    }
    .map_err(|e| StageError::Failed(e.to_string()))?;
    plan::plan(ctx.root(), &sources.folders, &order).map_err(|e| StageError::Failed(e.to_string()))
}

/// Applies every converted object, one failure never stopping the rest;
/// without a validator every object is `not-run`.
///
/// A failed object is tried once more at the end when something was
/// created after it: `order.txt` may lack an object others need (those
/// come last), and a retry costs little next to a false failure.
pub(super) fn apply_all(
    ctx: &StageContext<'_>,
    validator: Option<&mut Validator>,
    planned: &[Planned],
) -> Result<Vec<ResultRow>, StageError> {
    let to_apply: Vec<&Planned> =
        planned.iter().filter(|p| p.row.status == Status::Converted).collect();
    let mut rows: Vec<ResultRow> = to_apply.iter().map(|p| not_run(p)).collect();
    let Some(v) = validator else {
        return Ok(rows);
    };
    for (n, p) in to_apply.iter().enumerate() {
        if ctx.interrupt.is_set() {
            return Err(StageError::Interrupted);
        }
        (ctx.progress)(n as u64, to_apply.len() as u64);
        apply_one(ctx, v, p, &mut rows[n])?;
    }
    let last_created = rows.iter().rposition(|r| r.status.created());
    let retry: Vec<usize> = (0..rows.len())
        .filter(|&n| rows[n].status == ResultStatus::Failed && last_created.is_some_and(|l| l > n))
        .collect();
    for n in retry {
        let mut again = not_run(to_apply[n]);
        apply_one(ctx, v, to_apply[n], &mut again)?;
        if again.status.created() {
            tracing::debug!("{} passed when tried again, after what came later", again.object);
        }
        // The second verdict is the truer one either way: it saw
        // everything the first could not.
        rows[n] = again;
    }
    (ctx.progress)(to_apply.len() as u64, to_apply.len() as u64);
    Ok(rows)
}

fn not_run(p: &Planned) -> ResultRow {
    ResultRow {
        object: p.row.object.clone(),
        route: p.row.route.clone(),
        file: p.file(),
        status: ResultStatus::NotRun,
        line: None,
        message: String::new(),
        checked: false,
        routines: Vec::new(),
    }
}

/// Applies one object and records its verdict in `row`.
fn apply_one(
    ctx: &StageContext<'_>,
    v: &mut Validator,
    p: &Planned,
    row: &mut ResultRow,
) -> Result<(), StageError> {
    let sql = match std::fs::read_to_string(ctx.path(&row.file)) {
        Ok(sql) => sql,
        Err(e) => {
            row.status = ResultStatus::Failed;
            row.message = format!("cannot read `{}`: {e}", row.file);
            return Ok(());
        }
    };
    let verdict = v.apply_keeping_what_compiled(&p.row.object, &sql);
    if v.is_lost() {
        return Err(StageError::Failed(format!(
            "the connection to the database was lost while validating {} ({}): {}",
            p.row.object,
            row.file,
            verdict.summary()
        )));
    }
    row.status = match verdict.status {
        VerdictStatus::Ok => ResultStatus::Ok,
        VerdictStatus::Warnings => ResultStatus::Warnings,
        VerdictStatus::Failed => ResultStatus::Failed,
    };
    row.line = verdict.line();
    row.message = verdict.message();
    row.checked = verdict.checked;
    row.routines = verdict.routines;
    Ok(())
}

/// A validator on `target` with the extensions of `[validate] extensions`
/// created, and a warning for each that could not be.
pub(super) fn start(
    manifest: &crate::manifest::Manifest,
    target: &Target,
) -> Result<(Validator, Vec<String>), StageError> {
    let mut validator = Validator::start(target).map_err(|e| StageError::Failed(e.to_string()))?;
    let mut warnings = Vec::new();
    let names = manifest.param("validate.extensions").and_then(toml::Value::as_array);
    for name in names.into_iter().flatten() {
        let Some(name) = name.as_str() else {
            return Err(StageError::Failed(format!(
                "[validate] extensions lists `{name}`: write extension names as strings, e.g. \
                 extensions = [\"orafce\"]"
            )));
        };
        if let Err(why) = validator.create_extension(name) {
            warnings.push(format!("extension {name} is not available for the validation: {why}"));
        }
    }
    Ok((validator, warnings))
}

/// The warning of a stage that had no database.
pub(super) fn no_database_warning(what: &str) -> String {
    format!(
        "{what}: set DATABASE_URL (postgres://user@host:5432/database) or [validate] url to a \
         PostgreSQL of the target's version, preferably with plpgsql_check, and run again"
    )
}

impl StageKind for Validate {
    fn name(&self) -> &'static str {
        "validate"
    }

    fn about(&self) -> &'static str {
        "applies converted objects to PostgreSQL in dependency order and checks them"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["validate"]
    }

    fn output_version(&self) -> u32 {
        // 2: routines.tsv, a verdict per function and procedure. 3: what is
        // kept of a failed object; routines created as OR REPLACE.
        3
    }

    fn environment(&self, manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        environment(manifest)
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        super::one_output_folder("validate", outputs)?;
        if sources(inputs).folders.is_empty() {
            return Err((None, USAGE.to_owned()));
        }
        Ok(())
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let out =
            ctx.stage.output_paths().next().ok_or_else(|| StageError::Failed(USAGE.into()))?;
        let sources = sources(&ctx.stage.inputs);
        let planned = planned(ctx, &sources)?;
        let without_sql = planned.iter().filter(|p| p.row.status != Status::Converted).count();
        let target = target(ctx.manifest).map_err(StageError::Failed)?;

        let (mut validator, warnings) = match &target {
            Some(t) => {
                let (mut v, mut warnings) = start(ctx.manifest, t)?;
                for script in &sources.setup {
                    let sql = fs_err::read_to_string(ctx.path(script))?;
                    match v.setup(&sql) {
                        Ok(notes) => warnings.extend(
                            notes.into_iter().map(|n| format!("setup script `{script}`, {n}")),
                        ),
                        Err(why) => {
                            warnings.push(format!("setup script `{script}` not applied: {why}"))
                        }
                    }
                }
                (Some(v), warnings)
            }
            None => (None, Vec::new()),
        };
        let rows = apply_all(ctx, validator.as_mut(), &planned)?;
        let check_note = validator.as_ref().and_then(|v| v.plpgsql_check_note().map(str::to_owned));
        if let Some(v) = validator {
            v.finish();
        }

        let header = ReportHeader {
            target: target.as_ref().map(Target::display),
            check_note: check_note.as_deref(),
            folders: &sources.folders,
        };
        let mut report = results::render_report(&header, &rows);
        if without_sql > 0 {
            report.push_str(&format!(
                "\nObjects of the indexes without SQL (the conversion failed, or only a prompt \
                 was written), not applied: {without_sql}.\n"
            ));
        }
        let dir = ctx.path(out);
        fs_err::create_dir_all(&dir)?;
        results::write_results(&dir, &rows)?;
        results::write_routines(&dir, &rows)?;
        super::folder::write_if_changed(&dir.join(results::REPORT), report.as_bytes())?;
        let keep = [results::RESULTS, results::ROUTINES, results::REPORT];
        let keep = keep.into_iter().map(Into::into).collect();
        super::folder::remove_unlisted(&dir, &keep)?;
        let mut outcome = outcome(target.is_some(), &rows, check_note);
        outcome.warnings.extend(warnings);
        Ok(outcome)
    }
}

fn outcome(ran: bool, rows: &[ResultRow], check_note: Option<String>) -> Outcome {
    if !ran {
        let mut outcome = Outcome::new(format!("{} objects not run: no database", rows.len()));
        outcome.warnings.push(no_database_warning("the converted objects were not validated"));
        return outcome;
    }
    let count = |s: ResultStatus| rows.iter().filter(|r| r.status == s).count();
    let checked = rows.iter().filter(|r| r.status.created() && r.checked).count();
    let mut outcome = Outcome::new(format!(
        "{} objects: {} created ({} with warnings), {} failed; {checked} passed plpgsql_check",
        rows.len(),
        count(ResultStatus::Ok) + count(ResultStatus::Warnings),
        count(ResultStatus::Warnings),
        count(ResultStatus::Failed),
    ));
    if let Some(note) = check_note {
        outcome.warnings.push(note);
    }
    for r in rows.iter().filter(|r| r.status == ResultStatus::Failed) {
        let at = r.line.map(|l| format!("{}:{l}", r.file)).unwrap_or_else(|| r.file.clone());
        outcome.details.push(format!("{} failed at {at}: {}", r.object, r.message));
    }
    outcome
}
