//! The per-object CSV export: one row per object, sorted by id, for spreadsheets and scripts.
//!
//! Quoting is left to the `csv` crate. Figures use the same fixed formatting as the other
//! reports; lists inside a cell (feature ids) are joined with `;`.

use super::one_decimal;
use super::summary::Summary;

const HEADER: [&str; 24] = [
    "id",
    "schema",
    "name",
    "type",
    "file",
    "first_line",
    "last_line",
    "code_lines",
    "statements",
    "cyclomatic",
    "max_nesting",
    "features",
    "depends_on_objects",
    "used_by_objects",
    "builtin_refs",
    "unresolved_refs",
    "rules",
    "score",
    "class",
    "route",
    "ora2pg_units",
    "order",
    "parse_status",
    "parse_errors",
];

pub(crate) fn render(summary: &Summary) -> String {
    let mut by_id: Vec<usize> = (0..summary.ids.len()).collect();
    by_id.sort_by(|&a, &b| summary.ids[a].cmp(&summary.ids[b]));

    let mut writer = ::csv::Writer::from_writer(Vec::new());
    // Writing into memory has no I/O to fail, and every record has the header's length.
    writer.write_record(HEADER).expect("writing CSV to memory");
    for index in by_id {
        writer.write_record(row(summary, index)).expect("writing CSV to memory");
    }
    let bytes = writer.into_inner().expect("flushing CSV to memory");
    String::from_utf8(bytes).expect("CSV of UTF-8 fields is UTF-8")
}

fn row(summary: &Summary, index: usize) -> [String; 24] {
    let o = summary.object(index);
    let m = &o.facts.metrics;
    let fan = &summary.fan[index];
    let features: Vec<&str> = o.facts.features.iter().map(|f| f.feature.as_str()).collect();
    [
        summary.ids[index].clone(),
        o.schema.clone().unwrap_or_default(),
        o.name.clone(),
        o.kind.oracle_name().to_owned(),
        o.file.clone(),
        o.first_line.to_string(),
        o.last_line.to_string(),
        m.code_lines.to_string(),
        m.statements.to_string(),
        m.cyclomatic.to_string(),
        m.max_nesting.to_string(),
        features.join(";"),
        fan.depends_on.len().to_string(),
        fan.dependents.len().to_string(),
        fan.builtin.to_string(),
        fan.unresolved.to_string(),
        o.facts.rules.len().to_string(),
        one_decimal(o.score.total),
        o.score.class.as_str().to_owned(),
        o.score.route.as_str().to_owned(),
        one_decimal(o.facts.ora2pg.units),
        summary.position[index].map(|p| p.to_string()).unwrap_or_default(),
        o.parse_status.clone(),
        o.parse_errors.to_string(),
    ]
}
