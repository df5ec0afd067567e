//! Reports of an [`Assessment`]: a Markdown report, a self-contained HTML page with charts,
//! and a CSV table of every object.
//!
//! Every function here is pure and deterministic: the same assessment gives the same bytes,
//! with no timestamps, no machine names and fixed number formatting, because teams commit
//! these reports next to the code and read their diffs. Totals and top lists are computed
//! once ([`summary`]) and worded once ([`document`]), so the Markdown and the HTML cannot
//! disagree; the renderers only decide how things look.
//!
//! This module does not compute anything about the code itself (scores, routes, estimates
//! come from [`crate::analysis`]) and does not write files: callers choose where reports go.

mod conversion;
mod csv;
mod document;
mod html;
mod markdown;
mod summary;
mod svg;

use crate::analysis::estate::Assessment;
use crate::convert::outcomes::ObjectOutcome;

pub use conversion::ConversionInfo;

/// What a report needs beyond the assessment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportInfo {
    /// The project's name, shown in the title.
    pub project: String,
}

/// The assessment as a Markdown document, with GitHub tables.
pub fn markdown(assessment: &Assessment, info: &ReportInfo) -> String {
    let summary = summary::Summary::of(assessment);
    markdown::render(&document::build(&summary, info))
}

/// The assessment as one HTML page that needs nothing else: styles and SVG charts are inline
/// and there is no script, so it opens from a file, offline, and prints.
pub fn html(assessment: &Assessment, info: &ReportInfo) -> String {
    let summary = summary::Summary::of(assessment);
    html::render(&document::build(&summary, info))
}

/// The engines' conversions side by side, as a Markdown document: per
/// engine and object kind what validation made of them, the most frequent
/// failures and notes, and every object a person should look at.
pub fn conversion_markdown(outcomes: &[ObjectOutcome], info: &ConversionInfo<'_>) -> String {
    markdown::render(&conversion::build(outcomes, info))
}

/// One CSV row per object, sorted by id, with a header row.
pub fn csv(assessment: &Assessment) -> String {
    let summary = summary::Summary::of(assessment);
    self::csv::render(&summary)
}

/// A number with one decimal, the way every report prints fractional figures, so a value
/// does not flip between `3` and `3.0` from one run to the next; `-0.0` prints as `0.0`.
fn one_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    if text == "-0.0" {
        "0.0".to_owned()
    } else {
        text
    }
}

/// `part` as a percentage of `whole` with one decimal; `0.0` when `whole` is zero.
fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.0".to_owned();
    }
    one_decimal(part as f64 * 100.0 / whole as f64)
}
