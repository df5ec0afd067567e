//! The conversion report: the engines side by side, per object kind, with
//! their most frequent failures and notes, then every object a person
//! should look at, with what each engine got and the notes at their lines.

use std::collections::{BTreeMap, BTreeSet};

use super::document::{
    cell, code, code_cell, columns, count, num, para, section, sentence, text, Block, Document,
    Section, Span, Table,
};
use crate::convert::outcomes::{ObjectOutcome, Verdict};
use crate::convert::results::kind_of_failure;
use crate::convert::validate::RoutineStatus;

/// Where the outcomes came from.
pub struct ConversionInfo<'a> {
    /// The conversion folders, in order of preference.
    pub conversions: &'a [String],
    /// The validation folders.
    pub validations: &'a [String],
}

/// How many rows the lists of most frequent failures and notes keep.
const TOP: usize = 20;

pub(super) fn build(outcomes: &[ObjectOutcome], info: &ConversionInfo<'_>) -> Document {
    let names = |spans: &mut Vec<Span>, folders: &[String]| {
        for (n, f) in folders.iter().enumerate() {
            spans.push(text(if n == 0 { "" } else { ", " }));
            spans.push(code(f));
        }
    };
    let validated =
        outcomes.iter().flat_map(|o| &o.attempts).any(|a| a.verdict() != Verdict::NotValidated);
    let mut intro =
        vec![text(format!("{} converted, read from ", count(outcomes.len(), "object")))];
    names(&mut intro, info.conversions);
    intro.push(text("; validation from "));
    names(&mut intro, info.validations);
    intro.push(text(
        ". Created: the server accepted it; clean: created, and plpgsql_check found no error \
         in its routines; refused: the server did not create it. Per object, the conversion \
         kept is the best one: clean, then created with no error found, then not validated, \
         then created with plpgsql_check errors, then refused; between equals, the earlier \
         folder.",
    ));
    if !validated {
        intro.push(text(
            " Nothing was validated: set DATABASE_URL to a scratch PostgreSQL and run the \
             validation stages again to see which conversions the server accepts.",
        ));
    }
    let mut sections = vec![
        section(2, "By engine", vec![Block::Table(tally(outcomes, |_| String::new(), false))]),
        section(
            2,
            "By object kind",
            vec![Block::Table(tally(outcomes, |o| o.object_type().to_owned(), true))],
        ),
        section(2, "Functions and procedures", routines(outcomes)),
        section(2, "Most frequent failures", failures(outcomes)),
        section(2, "Most frequent notes", notes(outcomes)),
    ];
    sections.extend(objects(outcomes));
    Document { title: "Conversion".to_owned(), intro, sections }
}

/// Per engine (and per `group` when `grouped`), what validation made of
/// its conversions.
fn tally(
    outcomes: &[ObjectOutcome],
    group: impl Fn(&ObjectOutcome) -> String,
    grouped: bool,
) -> Table {
    #[derive(Default)]
    struct Counts {
        objects: usize,
        clean: usize,
        created: usize,
        failed_check: usize,
        failed: usize,
        not_validated: usize,
        kept: usize,
    }
    let mut by: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for o in outcomes {
        for (n, a) in o.attempts.iter().enumerate() {
            let c = by.entry((group(o), a.engine.clone())).or_default();
            c.objects += 1;
            match a.verdict() {
                Verdict::Clean => c.clean += 1,
                Verdict::Created => c.created += 1,
                Verdict::NotValidated => c.not_validated += 1,
                Verdict::FailedCheck => c.failed_check += 1,
                Verdict::Failed => c.failed += 1,
            }
            if n == 0 {
                c.kept += 1;
            }
        }
    }
    let mut spec = vec![("engine", false)];
    if grouped {
        spec.insert(0, ("kind", false));
    }
    spec.extend([
        ("objects", true),
        ("created", true),
        ("clean", true),
        ("plpgsql_check errors", true),
        ("refused", true),
        ("not validated", true),
        ("kept", true),
    ]);
    let rows = by
        .into_iter()
        .map(|((group, engine), c)| {
            let mut row = vec![code_cell(engine)];
            if grouped {
                row.insert(0, cell(group));
            }
            row.extend([
                num(c.objects),
                num(c.clean + c.created + c.failed_check),
                num(c.clean),
                num(c.failed_check),
                num(c.failed),
                num(c.not_validated),
                num(c.kept),
            ]);
            row
        })
        .collect();
    Table { columns: columns(&spec), rows }
}

/// Per object kind and engine, how each `CREATE FUNCTION` and `CREATE
/// PROCEDURE` fared on its own: a package body fails as a whole when one
/// member does, and this says how many members are fine.
fn routines(outcomes: &[ObjectOutcome]) -> Vec<Block> {
    let mut by: BTreeMap<(&str, &str), [usize; 5]> = BTreeMap::new();
    for o in outcomes {
        for a in &o.attempts {
            for r in a.result.iter().flat_map(|r| &r.routines) {
                let c = by.entry((o.object_type(), &a.engine)).or_default();
                c[0] += 1;
                let column = match r.status {
                    RoutineStatus::Clean => 1,
                    RoutineStatus::Created => 2,
                    RoutineStatus::Errors => 3,
                    RoutineStatus::Refused => 4,
                };
                c[column] += 1;
            }
        }
    }
    if by.is_empty() {
        return vec![sentence(
            "No function or procedure was validated (validation writes routines.tsv when a \
             database is set).",
        )];
    }
    let rows = by
        .into_iter()
        .map(|((kind, engine), c)| {
            let created = c[1] + c[2] + c[3];
            vec![
                cell(kind),
                code_cell(engine),
                num(c[0]),
                num(created),
                num(c[1]),
                num(c[3]),
                num(c[4]),
            ]
        })
        .collect();
    let spec = [
        ("kind", false),
        ("engine", false),
        ("routines", true),
        ("created", true),
        ("clean", true),
        ("plpgsql_check errors", true),
        ("refused", true),
    ];
    vec![
        sentence(
            "Each CREATE FUNCTION and CREATE PROCEDURE on its own, by the kind of object it \
             belongs to: a package body fails as a whole when one member does.",
        ),
        Block::Table(Table { columns: columns(&spec), rows }),
    ]
}

/// Per engine, the kinds of failure that cost the most objects.
fn failures(outcomes: &[ObjectOutcome]) -> Vec<Block> {
    let mut by: BTreeMap<(String, String), (usize, &str)> = BTreeMap::new();
    for o in outcomes {
        for a in &o.attempts {
            let failed = matches!(a.verdict(), Verdict::Failed | Verdict::FailedCheck);
            let Some(r) = a.result.as_ref().filter(|_| failed) else { continue };
            if r.message.is_empty() {
                continue;
            }
            let entry =
                by.entry((a.engine.clone(), kind_of_failure(&r.message))).or_insert((0, &o.object));
            entry.0 += 1;
        }
    }
    if by.is_empty() {
        return vec![sentence("No conversion failed validation.")];
    }
    let rows = top(by)
        .into_iter()
        .map(|((engine, failure), (n, example))| {
            vec![code_cell(engine), code_cell(failure), num(n), code_cell(example)]
        })
        .collect();
    let spec = [("engine", false), ("failure", false), ("objects", true), ("for example", false)];
    vec![Block::Table(Table { columns: columns(&spec), rows })]
}

/// Per engine and kind of note, the notes left most often.
fn notes(outcomes: &[ObjectOutcome]) -> Vec<Block> {
    let mut by: BTreeMap<(String, String, String), (usize, BTreeSet<&str>)> = BTreeMap::new();
    for o in outcomes {
        for (engine, n) in &o.notes {
            let key = (engine.clone(), n.kind.clone(), n.message.clone());
            let entry = by.entry(key).or_default();
            entry.0 += 1;
            entry.1.insert(&o.object);
        }
    }
    if by.is_empty() {
        return vec![sentence("No engine left a note.")];
    }
    let rows = top(by)
        .into_iter()
        .map(|((engine, kind, message), (n, objects))| {
            vec![code_cell(engine), cell(kind), cell(message), num(n), num(objects.len())]
        })
        .collect();
    let spec =
        [("engine", false), ("kind", false), ("note", false), ("times", true), ("objects", true)];
    vec![Block::Table(Table { columns: columns(&spec), rows })]
}

/// The `TOP` entries with the largest first figure, ties in key order.
fn top<K: Ord, V>(by: BTreeMap<K, (usize, V)>) -> Vec<(K, (usize, V))> {
    let mut all: Vec<(K, (usize, V))> = by.into_iter().collect();
    all.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(&b.0)));
    all.truncate(TOP);
    all
}

/// A subsection per object whose kept conversion is not settled or that
/// carries notes.
fn objects(outcomes: &[ObjectOutcome]) -> Vec<Section> {
    let listed: Vec<&ObjectOutcome> =
        outcomes.iter().filter(|o| !o.notes.is_empty() || !o.attempts[0].settled()).collect();
    let omitted = outcomes.len() - listed.len();
    let mut intro = format!(
        "{} to look at: the kept conversion failed, was not validated or drew a warning, or \
         an engine left notes.",
        count(listed.len(), "object")
    );
    if omitted > 0 {
        intro.push_str(&format!(
            " Not listed: {} created with no finding and no note.",
            count(omitted, "object")
        ));
    }
    let mut out = vec![section(2, "Objects", vec![sentence(intro)])];
    for o in listed {
        let mut items = Vec::new();
        for (n, a) in o.attempts.iter().enumerate() {
            let lead = if n == 0 { "kept " } else { "" };
            items.push(vec![
                text(lead),
                code(&a.engine),
                text(format!(": {} ", a.describe())),
                text("("),
                code(&a.file),
                text(")"),
            ]);
        }
        for (engine, n) in &o.notes {
            items.push(vec![
                code(engine),
                text(format!(" note at line {}, {}: {}", n.line, n.kind, n.message)),
            ]);
        }
        out.push(section(3, &o.object, vec![Block::List(items)]));
    }
    if out.len() == 1 {
        out[0].blocks.push(para(vec![text(
            "Every object was created with no finding and carries no note.",
        )]));
    }
    out
}
