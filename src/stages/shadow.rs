//! `shadow`: runs shadow test cases against the converted code on
//! PostgreSQL and compares with the values captured on Oracle
//! ([`crate::convert::shadow`]).
//!
//! Inputs: the cases file (`.toml`), the conversion folders and
//! `order.txt`. The converted objects are applied first, as the validate
//! stage applies them, in the same transaction that is rolled back at the
//! end. Output: a folder with `oracle.sql` and `postgres.sql` (always) and
//! `results.tsv` and `results.md`, PASS or FAIL per case with the
//! difference (`NOT-RUN` without a database).

use std::fmt::Write as _;

use toml::Spanned;

use super::validate::{apply_all, planned, sources, target};
use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::results::{ResultRow, ResultStatus};
use crate::convert::shadow::{self, Case};
use crate::convert::validate::Validator;

pub(super) struct Shadow;

const USAGE: &str = "a shadow stage reads a cases file, conversion folders and the conversion \
     order, and writes a folder, e.g. inputs = [\"tests/shadow/cases.toml\", \
     \"migrated/simple/\", \"knowledge/analysis/order.txt\"], outputs = [\"migrated/shadow/\"]";

/// One case's result.
struct CaseResult<'a> {
    case: &'a Case,
    outcome: shadow::Outcome,
    actual: String,
    difference: String,
}

impl StageKind for Shadow {
    fn name(&self) -> &'static str {
        "shadow"
    }

    fn about(&self) -> &'static str {
        "runs shadow test cases on the converted code and compares with Oracle's values"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["validate"]
    }

    fn environment(&self, manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        super::validate::environment(manifest)
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        super::one_output_folder("shadow", outputs)?;
        match inputs.iter().filter(|p| p.get_ref().ends_with(".toml")).count() {
            1 => Ok(()),
            _ => Err((None, USAGE.to_owned())),
        }
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let out =
            ctx.stage.output_paths().next().ok_or_else(|| StageError::Failed(USAGE.into()))?;
        let cases_file = ctx
            .stage
            .inputs
            .iter()
            .map(|p| p.get_ref())
            .find(|p| p.ends_with(".toml"))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let cases = shadow::read_cases(&ctx.path(cases_file))
            .map_err(|e| StageError::Failed(e.to_string()))?;
        let sources = sources(&ctx.stage.inputs);
        let planned = planned(ctx, &sources)?;
        let target = target(ctx.manifest).map_err(StageError::Failed)?;

        let mut files = vec![
            ("oracle.sql".to_owned(), shadow::render_oracle(&cases, cases_file)),
            ("postgres.sql".to_owned(), shadow::render_postgres(&cases, cases_file)),
        ];
        let mut warnings = Vec::new();
        let (results, applied) = match &target {
            Some(t) => {
                let (mut v, more) = super::validate::start(ctx.manifest, t)?;
                warnings = more;
                let applied = apply_all(ctx, Some(&mut v), &planned)?;
                let results = cases.iter().map(|c| run_case(&mut v, c)).collect();
                v.finish();
                (results, applied)
            }
            None => (cases.iter().map(not_run).collect::<Vec<_>>(), Vec::new()),
        };
        files.push(("results.tsv".to_owned(), tsv(&results)));
        files.push(("results.md".to_owned(), markdown(&results, &applied, target.is_some())));
        super::folder::write_folder(&ctx.path(out), &files)?;
        let mut outcome = outcome(&results, target.is_some());
        outcome.warnings.extend(warnings);
        Ok(outcome)
    }
}

fn run_case<'a>(v: &mut Validator, case: &'a Case) -> CaseResult<'a> {
    let query = format!("SELECT ({})::text", case.postgres);
    let mut result = CaseResult {
        case,
        outcome: shadow::Outcome::Fail,
        actual: String::new(),
        difference: String::new(),
    };
    let value = match v.query_text(&query) {
        Ok(rows) if rows.len() == 1 => rows.into_iter().next().flatten(),
        Ok(rows) => {
            result.difference = format!("the query gave {} rows, not one", rows.len());
            return result;
        }
        Err(e) => {
            result.actual = "error".to_owned();
            result.difference = e;
            return result;
        }
    };
    result.actual = value.as_deref().map(|a| format!("'{a}'")).unwrap_or_else(|| "NULL".into());
    let Some(expected) = &case.expected else {
        result.outcome = shadow::Outcome::NoExpected;
        result.difference = "no expected value: capture it on Oracle with oracle.sql".to_owned();
        return result;
    };
    match shadow::compare(expected, value.as_deref(), case.tolerance) {
        Ok(()) => result.outcome = shadow::Outcome::Pass,
        Err(difference) => result.difference = difference,
    }
    result
}

fn not_run(case: &Case) -> CaseResult<'_> {
    CaseResult {
        case,
        outcome: shadow::Outcome::NotRun,
        actual: String::new(),
        difference: String::new(),
    }
}

fn expected_text(case: &Case) -> String {
    case.expected.as_ref().map(shadow::shown).unwrap_or_default()
}

fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

fn tsv(results: &[CaseResult<'_>]) -> String {
    let mut out = String::from("case\tobject\tstatus\texpected\tactual\tdifference\tline\n");
    let mut sorted: Vec<&CaseResult<'_>> = results.iter().collect();
    sorted.sort_by(|a, b| a.case.name.cmp(&b.case.name));
    for r in sorted {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cell(&r.case.name),
            cell(r.case.object.as_deref().unwrap_or_default()),
            r.outcome.as_str(),
            cell(&expected_text(r.case)),
            cell(&r.actual),
            cell(&r.difference),
            r.case.line
        );
    }
    out
}

fn markdown(results: &[CaseResult<'_>], applied: &[ResultRow], ran: bool) -> String {
    let mut out = String::from("# Shadow tests\n\n");
    if !ran {
        out.push_str(
            "**Not run: no database was configured.** Set `DATABASE_URL` or `[validate] url` \
             and run `pipeline run` again; `oracle.sql` captures the expected values on \
             Oracle meanwhile.\n\n",
        );
    }
    let count = |o: shadow::Outcome| results.iter().filter(|r| r.outcome == o).count();
    let _ = writeln!(
        out,
        "{} cases: {} PASS, {} FAIL, {} without an expected value, {} not run.\n",
        results.len(),
        count(shadow::Outcome::Pass),
        count(shadow::Outcome::Fail),
        count(shadow::Outcome::NoExpected),
        count(shadow::Outcome::NotRun)
    );
    out.push_str("| case | result | expected | actual | difference |\n|---|---|---|---|---|\n");
    for r in results {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&r.case.name),
            r.outcome.as_str(),
            md(&expected_text(r.case)),
            md(&r.actual),
            md(&r.difference)
        );
    }
    let failed: Vec<&ResultRow> =
        applied.iter().filter(|r| r.status == ResultStatus::Failed).collect();
    if !failed.is_empty() {
        out.push_str("\n## Converted objects that could not be applied\n\n");
        for r in failed {
            let at = r.line.map(|l| format!("{}:{l}", r.file)).unwrap_or_else(|| r.file.clone());
            let _ = writeln!(out, "- `{}` at `{at}`: {}", r.object, r.message);
        }
    }
    out
}

fn md(text: &str) -> String {
    cell(text).replace('|', "\\|")
}

fn outcome(results: &[CaseResult<'_>], ran: bool) -> Outcome {
    if !ran {
        let mut outcome =
            Outcome::new(format!("{} cases rendered, not run: no database", results.len()));
        outcome.warnings.push(super::validate::no_database_warning("the shadow tests did not run"));
        return outcome;
    }
    let count = |o: shadow::Outcome| results.iter().filter(|r| r.outcome == o).count();
    let mut outcome = Outcome::new(format!(
        "{} cases: {} PASS, {} FAIL",
        results.len(),
        count(shadow::Outcome::Pass),
        count(shadow::Outcome::Fail)
    ));
    for r in results.iter().filter(|r| r.outcome == shadow::Outcome::Fail) {
        outcome.details.push(format!("FAIL {}: {}", r.case.name, r.difference));
    }
    if count(shadow::Outcome::Fail) > 0 {
        outcome.warnings.push(format!(
            "{} shadow cases FAIL: see the differences in results.md",
            count(shadow::Outcome::Fail)
        ));
    }
    if count(shadow::Outcome::NoExpected) > 0 {
        outcome.warnings.push(format!(
            "{} shadow cases have no expected value: run oracle.sql on Oracle and write them in",
            count(shadow::Outcome::NoExpected)
        ));
    }
    outcome
}
