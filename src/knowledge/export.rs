//! The knowledge base as text files that review well in git.
//!
//! Sorted line-per-record files, keyed by object id, with no timestamps: a
//! change to one object's source changes that object's lines only (and,
//! when it moves lines, the line numbers of the objects after it in the same
//! file). Tab-separated tables have a header; tabs and line breaks inside a
//! value are written as spaces. Rules are JSON lines, since their
//! conditions and actions are lists of code fragments.
//!
//! The `routes/` files are what the conversion stages read: the objects of
//! each route, in conversion order, with where to find their source.

use std::fmt::Write as _;

use rayon::prelude::*;

use crate::analysis::estate::{AssessedObject, Assessment, Route};
use crate::analysis::features;

/// Every export file: its path under the export folder and its text.
pub fn files(a: &Assessment) -> Vec<(String, String)> {
    let ids: Vec<String> = a.objects.iter().map(AssessedObject::id).collect();
    let mut position = vec![0; a.objects.len()];
    for (n, &i) in a.order.iter().enumerate() {
        position[i] = n + 1;
    }
    // Each file is built on its own: a large estate has tens of megabytes
    // of them, and the cores are otherwise idle at this point.
    type Build<'a> = Box<dyn Fn() -> String + Send + Sync + 'a>;
    let (ids, position) = (&ids, &position);
    let mut builds: Vec<(String, Build)> = vec![
        ("objects.tsv".to_owned(), Box::new(move || objects(a, ids, position))),
        ("features.tsv".to_owned(), Box::new(move || features_table(a, ids))),
        ("dependencies.tsv".to_owned(), Box::new(move || dependencies(a, ids))),
        ("rules.jsonl".to_owned(), Box::new(move || rules(a, ids))),
        ("order.txt".to_owned(), Box::new(move || order(a, ids))),
        ("estimate.json".to_owned(), Box::new(move || estimate(a))),
    ];
    for route in [Route::Ora2pg, Route::Agent, Route::Manual] {
        let build: Build = Box::new(move || route_list(a, ids, route));
        builds.push((format!("routes/{}.tsv", route.as_str()), build));
    }
    builds.into_par_iter().map(|(name, build)| (name, build())).collect()
}

/// A value fit for one cell of a tab-separated table.
fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

fn lines_list(lines: &[u32]) -> String {
    let parts: Vec<String> = lines.iter().map(u32::to_string).collect();
    parts.join(",")
}

fn objects(a: &Assessment, ids: &[String], position: &[usize]) -> String {
    let mut out = String::from(
        "object\tfile\tfirst_line\tlast_line\tparse_status\tcode_lines\tstatements\tcyclomatic\t\
         max_nesting\tfeatures\tdependencies\trules\tscore\tclass\troute\tora2pg_units\torder\treasons\n",
    );
    let mut deps = vec![0; a.objects.len()];
    for d in &a.dependencies {
        deps[d.source] += 1;
    }
    for (i, o) in a.objects.iter().enumerate() {
        let m = &o.facts.metrics;
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.1}\t{}\t{}\t{:.1}\t{}\t{}",
            cell(&ids[i]),
            cell(&o.file),
            o.first_line,
            o.last_line,
            o.parse_status,
            m.code_lines,
            m.statements,
            m.cyclomatic,
            m.max_nesting,
            o.facts.features.len(),
            deps[i],
            o.facts.rules.len(),
            o.score.total,
            o.score.class.as_str(),
            o.score.route.as_str(),
            o.facts.ora2pg.units,
            position[i],
            cell(&o.score.reasons.join("; ")),
        );
    }
    out
}

fn features_table(a: &Assessment, ids: &[String]) -> String {
    let mut out = String::from("object\tfeature\tcategory\timpact\tuses\tlines\n");
    for (i, o) in a.objects.iter().enumerate() {
        for used in &o.facts.features {
            let f = features::feature(&used.feature);
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                cell(&ids[i]),
                used.feature,
                f.map_or("", |f| f.category),
                f.map_or("", |f| f.impact.as_str()),
                used.lines.len(),
                lines_list(&used.lines)
            );
        }
    }
    out
}

fn dependencies(a: &Assessment, ids: &[String]) -> String {
    let mut out = String::from("object\tkind\ttarget\ttarget_type\tresolution\tcount\tlines\n");
    for d in &a.dependencies {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cell(&ids[d.source]),
            d.kind.as_str(),
            cell(&d.target),
            d.target_type,
            d.resolution.as_str(),
            d.count,
            lines_list(&d.lines)
        );
    }
    out
}

/// One line of `rules.jsonl`, fields in the order written.
#[derive(serde::Serialize)]
struct RuleLine<'a> {
    object: &'a str,
    line: u32,
    category: &'static str,
    name: &'a str,
    subprogram: Option<&'a str>,
    conditions: &'a [String],
    actions: &'a [String],
    exceptions: &'a [String],
    applies_to: &'a [String],
    source_code: &'a str,
}

fn rules(a: &Assessment, ids: &[String]) -> String {
    // The largest export by far (a rule per validation or calculation):
    // built per object in parallel, then joined in object order.
    let parts: Vec<String> =
        a.objects.par_iter().enumerate().map(|(i, o)| object_rules(i, o, ids)).collect();
    parts.concat()
}

fn object_rules(i: usize, o: &AssessedObject, ids: &[String]) -> String {
    let mut out = Vec::new();
    for rule in &o.facts.rules {
        let line = RuleLine {
            object: &ids[i],
            line: rule.line,
            category: rule.category.as_str(),
            name: &rule.name,
            subprogram: rule.subprogram.as_deref(),
            conditions: &rule.conditions,
            actions: &rule.actions,
            exceptions: &rule.exceptions,
            applies_to: &rule.applies_to,
            source_code: &rule.source_code,
        };
        // Writing to a Vec cannot fail, and the fields are plain data.
        let _ = serde_json::to_writer(&mut out, &line);
        out.push(b'\n');
    }
    String::from_utf8(out).unwrap_or_default()
}

fn order(a: &Assessment, ids: &[String]) -> String {
    let mut out = String::from(
        "# The order to convert objects in: each comes after what it depends on.\n\
         # Objects of one cycle are converted together; cycles are listed at the end.\n",
    );
    for (n, &i) in a.order.iter().enumerate() {
        let _ = writeln!(out, "{}\t{}", n + 1, ids[i]);
    }
    for (n, cycle) in a.cycles.iter().enumerate() {
        let members: Vec<&str> = cycle.iter().map(|&i| ids[i].as_str()).collect();
        let _ = writeln!(out, "# cycle {}: {}", n + 1, members.join(", "));
    }
    out
}

fn estimate(a: &Assessment) -> String {
    serde_json::to_string_pretty(&a.estimate).unwrap_or_default() + "\n"
}

fn route_list(a: &Assessment, ids: &[String], route: Route) -> String {
    let mut out = String::from("object\tfile\tfirst_line\tlast_line\thash\tclass\n");
    for &i in &a.order {
        let o = &a.objects[i];
        if o.score.route != route {
            continue;
        }
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            cell(&ids[i]),
            cell(&o.file),
            o.first_line,
            o.last_line,
            o.hash,
            o.score.class.as_str()
        );
    }
    out
}
