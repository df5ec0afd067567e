//! `classify`: the main job's analysis. Scans the extracted files as `scan`
//! does, computes each object's facts while its tree is in memory (cached
//! per file with the scan), then classifies the whole estate and writes the
//! knowledge base, its text exports and the assessment report.
//!
//! Its outputs are told apart by their shape:
//! - a folder named `inventory/`: what `scan` writes;
//! - a folder named `reports/`: the assessment report (Markdown, HTML) and
//!   the per-object table (CSV);
//! - another folder: the exports of the knowledge base, with the route
//!   lists the conversion stages read;
//! - a file ending in `.duckdb`: the knowledge base.
//!
//! The thresholds and weights come from the `classify` parameter table
//! (see [`crate::analysis::score`]); the embedding dimension from
//! `knowledge`. Changing them re-runs only the estate-wide step: the facts
//! in the cache do not depend on them.

use std::fmt::Write as _;

use rayon::prelude::*;
use toml::Spanned;

use super::scan::{scan_inputs, write_inventory, Scanned};
use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::analysis::assess::assess;
use crate::analysis::estate::{Assessment, Class, Route};
use crate::analysis::score::Settings;
use crate::knowledge;
use crate::report;

pub(super) struct Classify;

/// Where each of the stage's outputs goes.
struct Outputs<'a> {
    inventory: &'a str,
    exports: &'a str,
    reports: &'a str,
    database: &'a str,
}

fn outputs<'a>(
    outputs: &'a [Spanned<String>],
) -> Result<Outputs<'a>, (Option<std::ops::Range<usize>>, String)> {
    let mut inventory = None;
    let mut reports = None;
    let mut exports = None;
    let mut database = None;
    for output in outputs {
        let path = output.get_ref().as_str();
        let slot = if path.ends_with(".duckdb") {
            &mut database
        } else if !path.ends_with('/') {
            return Err((
                Some(output.span()),
                format!("a classify output is a folder (`{path}/`) or a `.duckdb` file"),
            ));
        } else if path.trim_end_matches('/').ends_with("inventory") {
            &mut inventory
        } else if path.trim_end_matches('/').ends_with("reports") {
            &mut reports
        } else {
            &mut exports
        };
        if slot.replace(path.trim_end_matches('/')).is_some() {
            return Err((
                Some(output.span()),
                format!("a second output of the same role: `{path}`"),
            ));
        }
    }
    match (inventory, exports, reports, database) {
        (Some(inventory), Some(exports), Some(reports), Some(database)) => {
            Ok(Outputs { inventory, exports, reports, database })
        }
        _ => Err((
            None,
            "a classify stage writes an `inventory/` folder, an exports folder, a `reports/` \
             folder and a `.duckdb` file, e.g. outputs = [\"knowledge/inventory/\", \
             \"knowledge/analysis/\", \"knowledge/reports/\", \"knowledge/knowledge.duckdb\"]"
                .to_owned(),
        )),
    }
}

impl StageKind for Classify {
    fn name(&self) -> &'static str {
        "classify"
    }

    fn about(&self) -> &'static str {
        "scans, then classifies every object and writes the knowledge base and the report"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["project.name", "classify", "knowledge.embedding_dimensions"]
    }

    fn output_version(&self) -> u32 {
        // 2: `$` escaped in the Markdown report (GitHub reads it as math).
        // 3: embeddings in tables of their own, behind two views.
        3
    }

    fn check_paths(&self, _inputs: &[Spanned<String>], outs: &[Spanned<String>]) -> PathCheck {
        outputs(outs).map(|_| ())
    }

    fn untracked_output(&self, output: &str) -> bool {
        output.ends_with(".duckdb")
    }

    fn untracked_identity(&self, output: &std::path::Path) -> Option<String> {
        knowledge::duckdb::identity(output)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let outs = outputs(&ctx.stage.outputs).map_err(|(_, m)| StageError::Failed(m))?;
        let settings = Settings::from_table(ctx.manifest.param("classify"))
            .map_err(|e| StageError::Failed(format!("the [classify] table: {e}")))?;
        let dimensions = ctx
            .manifest
            .param("knowledge.embedding_dimensions")
            .and_then(toml::Value::as_integer)
            .unwrap_or(1024);
        let dimensions = u32::try_from(dimensions).ok().filter(|&d| d > 0).ok_or_else(|| {
            StageError::Failed(format!(
                "knowledge.embedding_dimensions = {dimensions}: must be a positive integer"
            ))
        })?;

        let clock = std::time::Instant::now();
        let lap =
            |step: &str| tracing::debug!(step, seconds = clock.elapsed().as_secs_f64(), "classify");
        let scanned = scan_inputs(ctx, true)?;
        lap("scanned");
        let summary = write_inventory(ctx, outs.inventory, &scanned)?;
        let cached = scanned.cached;
        let problems = scanned.problems.clone();
        let assessment = assess(objects_with_facts(scanned), &settings);
        lap("assessed");
        if ctx.interrupt.is_set() {
            return Err(StageError::Interrupted);
        }

        // The three writers read the assessment only: they run side by side.
        let info = report::ReportInfo { project: project_name(ctx) };
        let fingerprint = knowledge::duckdb::Fingerprint::of(&assessment);
        let (texts, stored) = rayon::join(
            || {
                let written = TextsWritten::key(ctx, &fingerprint, &settings, &info, &outs);
                if written.still_on_disk(ctx, &outs) {
                    tracing::debug!("exports and reports: as the last run wrote them");
                    return Ok(());
                }
                write_folder(ctx, outs.exports, knowledge::export::files(&assessment))?;
                lap("exported");
                let reports = vec![
                    ("assessment.md".to_owned(), report::markdown(&assessment, &info)),
                    ("assessment.html".to_owned(), report::html(&assessment, &info)),
                    ("objects.csv".to_owned(), report::csv(&assessment)),
                ];
                write_folder(ctx, outs.reports, reports)?;
                lap("reported");
                written.record(ctx, &outs);
                Ok::<(), StageError>(())
            },
            || {
                let path = ctx.path(outs.database);
                let forced = ctx.cache.is_refreshing();
                let written =
                    knowledge::duckdb::write(&path, &assessment, &fingerprint, dimensions, forced);
                lap("stored");
                written.map_err(|e| StageError::Failed(e.to_string()))
            },
        );
        texts?;
        tracing::debug!(written = ?stored?, "knowledge base written");

        let mut outcome = super::scan::outcome(&summary, cached, &problems, outs.inventory);
        outcome.summary = format!("{}; {}", outcome.summary, classes(&assessment));
        let copies: Vec<String> =
            assessment.objects.iter().filter(|o| o.copy > 0).map(|o| o.id()).collect();
        if !copies.is_empty() {
            let shown: Vec<&str> = copies.iter().take(3).map(String::as_str).collect();
            let more = match copies.len() {
                n if n > 3 => format!(" and {} more", n - 3),
                _ => String::new(),
            };
            outcome.warnings.push(format!(
                "{} defined more than once ({}{more}): later definitions, by file path, are \
                 numbered `#2`... in {}/objects.tsv, and names resolve to the first",
                match copies.len() {
                    1 => "1 object is".to_owned(),
                    n => format!("{n} objects are"),
                },
                shown.join(", "),
                outs.exports
            ));
        }
        // `-v`: why each object not left to ora2pg went where it went.
        for o in assessment.objects.iter().filter(|o| o.score.route != Route::Ora2pg) {
            outcome.details.push(format!(
                "{}: {} (score {:.1}), route {}: {}",
                o.id(),
                o.score.class.as_str(),
                o.score.total,
                o.score.route.as_str(),
                o.score.reasons.join("; ")
            ));
        }
        Ok(outcome)
    }
}

/// What the exports and reports were last written from, and the hash of
/// each file written. Generating them is most of an incremental run on a
/// large estate; when the assessment and settings are unchanged and every
/// file is still as written (none edited, removed or added), they are not
/// generated again.
struct TextsWritten {
    key: crate::runner::CacheKey,
}

impl TextsWritten {
    fn key(
        ctx: &StageContext<'_>,
        fingerprint: &knowledge::duckdb::Fingerprint,
        settings: &Settings,
        info: &report::ReportInfo,
        outs: &Outputs<'_>,
    ) -> TextsWritten {
        let settings = serde_json::to_string(settings).unwrap_or_default();
        let key = ctx.cache.key_parts(&[
            b"texts",
            fingerprint.estate.as_bytes(),
            settings.as_bytes(),
            info.project.as_bytes(),
            outs.exports.as_bytes(),
            outs.reports.as_bytes(),
        ]);
        TextsWritten { key }
    }

    /// Every file under the two folders, with its content hash.
    fn on_disk(ctx: &StageContext<'_>, outs: &Outputs<'_>) -> Vec<(String, String)> {
        let mut files: Vec<String> = Vec::new();
        for dir in [outs.exports, outs.reports] {
            let walk = walkdir::WalkDir::new(ctx.path(dir)).into_iter().filter_map(Result::ok);
            for entry in walk.filter(|e| e.file_type().is_file()) {
                if let Ok(rel) = entry.path().strip_prefix(ctx.root()) {
                    files.push(rel.display().to_string());
                }
            }
        }
        files.sort();
        files
            .into_par_iter()
            .map(|f| {
                let hash =
                    std::fs::read(ctx.path(&f)).map(|b| blake3::hash(&b).to_hex().to_string());
                (f, hash.unwrap_or_default())
            })
            .collect()
    }

    fn still_on_disk(&self, ctx: &StageContext<'_>, outs: &Outputs<'_>) -> bool {
        let Some(recorded) = ctx.cache.get::<Vec<(String, String)>>(&self.key) else {
            return false;
        };
        Self::on_disk(ctx, outs) == recorded
    }

    fn record(&self, ctx: &StageContext<'_>, outs: &Outputs<'_>) {
        // Not recorded only costs generating them again next time.
        let _ = ctx.cache.put(&self.key, &Self::on_disk(ctx, outs));
    }
}

/// Every object with its facts, files in input order.
fn objects_with_facts(scanned: Scanned) -> Vec<(crate::plsql::Object, crate::analysis::Facts)> {
    let mut out = Vec::new();
    for (file, facts) in scanned.files.into_iter().zip(scanned.facts) {
        out.extend(file.objects.into_iter().zip(facts));
    }
    out
}

fn project_name(ctx: &StageContext<'_>) -> String {
    ctx.manifest
        .param("project.name")
        .and_then(toml::Value::as_str)
        .unwrap_or("pipeline")
        .to_owned()
}

/// `60 simple, 20 medium, 13 complex; 55 by ora2pg, 30 by agent, 8 manual`.
fn classes(a: &Assessment) -> String {
    let count = |c: Class| a.objects.iter().filter(|o| o.score.class == c).count();
    let routed = |r: Route| a.objects.iter().filter(|o| o.score.route == r).count();
    let mut s = format!(
        "{} simple, {} medium, {} complex",
        count(Class::Simple),
        count(Class::Medium),
        count(Class::Complex)
    );
    let _ = write!(
        s,
        " ({} by ora2pg, {} by agent, {} manual)",
        routed(Route::Ora2pg),
        routed(Route::Agent),
        routed(Route::Manual)
    );
    s
}

/// Writes `files` under the folder `out`, and removes what it no longer holds.
fn write_folder(
    ctx: &StageContext<'_>,
    out: &str,
    files: Vec<(String, String)>,
) -> Result<(), StageError> {
    for removed in super::folder::write_folder(&ctx.path(out), &files)? {
        tracing::debug!(file = removed, folder = out, "removed: classify no longer writes it");
    }
    Ok(())
}
