//! The reports of a small hand-built estate: the Markdown as a snapshot, the HTML checked for
//! balanced tags and escaping, the CSV read back, and every output stable.
//!
//! The assessment is written out by hand, not computed, so these tests follow the report
//! code alone and need nothing from the feature catalogue.

use pipeline::analysis::estate::{
    AssessedObject, Assessment, Class, Dependency, Estimate, EstimateLine, Resolution, Route, Score,
};
use pipeline::analysis::ora2pg_cost::Ora2pgCost;
use pipeline::analysis::{Facts, FeatureUse, Metrics, RefKind, Rule, RuleCategory};
use pipeline::plsql::ObjectKind;
use pipeline::report::{self, ReportInfo};

/// A name holding every character the three formats must escape or quote.
const AWKWARD: &str = "Q1, \"Draft\" <A&B> | *x*";

struct Spec {
    name: &'static str,
    kind: ObjectKind,
    lines: (u32, u32),
    code_lines: u32,
    status: &'static str,
    features: &'static [(&'static str, &'static [u32])],
    rules: usize,
    score: (f64, Class, Route, &'static [&'static str]),
    units: f64,
}

fn object(spec: &Spec) -> AssessedObject {
    let features = spec
        .features
        .iter()
        .map(|&(id, lines)| FeatureUse { feature: id.to_owned(), lines: lines.to_vec() })
        .collect();
    let rules = (0..spec.rules)
        .map(|n| Rule {
            category: RuleCategory::Validation,
            name: format!("{}: rule {n}", spec.name),
            subprogram: None,
            conditions: vec!["p_pct > 20".to_owned()],
            actions: vec!["raise_application_error(-20001, 'too high')".to_owned()],
            exceptions: vec!["-20001".to_owned()],
            applies_to: Vec::new(),
            source_code: "if p_pct > 20 then ... end if;".to_owned(),
            line: spec.lines.0 + 5,
        })
        .collect();
    let metrics = Metrics {
        lines: spec.lines.1 - spec.lines.0 + 1,
        code_lines: spec.code_lines,
        statements: spec.code_lines / 2,
        cyclomatic: spec.code_lines / 10 + 1,
        max_nesting: (spec.code_lines / 100).min(6),
        ..Metrics::default()
    };
    let (total, class, route, reasons) = spec.score;
    AssessedObject {
        copy: 0,
        qualified_name: format!("HR.{}", spec.name),
        schema: Some("HR".to_owned()),
        name: spec.name.to_owned(),
        kind: spec.kind,
        file: format!("extracted/hr/{}.sql", spec.name.to_lowercase()),
        first_line: spec.lines.0,
        last_line: spec.lines.1,
        hash: "0123abcd".to_owned(),
        parse_status: spec.status.to_owned(),
        parse_errors: u32::from(spec.status != "full"),
        facts: Facts {
            features,
            references: Vec::new(),
            rules,
            metrics,
            ora2pg: Ora2pgCost { units: spec.units, ..Ora2pgCost::default() },
            members: Vec::new(),
        },
        score: Score {
            total,
            parts: vec![("features".to_owned(), total)],
            class,
            route,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
        },
    }
}

fn dep(source: usize, kind: RefKind, target: &str, to: Option<usize>, count: u32) -> Dependency {
    let resolution = match (to, target.starts_with("DBMS_")) {
        (Some(_), _) => Resolution::Internal,
        (None, true) => Resolution::Builtin,
        (None, false) => Resolution::Unresolved,
    };
    Dependency {
        source,
        kind,
        target_object: to,
        target: target.to_owned(),
        target_type: match resolution {
            Resolution::Internal => "PACKAGE".to_owned(),
            Resolution::Builtin => "BUILTIN".to_owned(),
            Resolution::Unresolved => "UNRESOLVED".to_owned(),
        },
        resolution,
        count,
        lines: (1..=count).collect(),
    }
}

/// Seven objects, sorted by id: a trigger, a table, a package spec and body, a second body
/// in a cycle with the first, a view with an awkward name parsed in part, and a wrapped
/// body nobody can read.
fn estate() -> Assessment {
    use Class::*;
    use ObjectKind::*;
    use Route::*;
    let specs = [
        Spec {
            name: "AUDIT_TRG",
            kind: Trigger,
            lines: (1, 20),
            code_lines: 16,
            status: "full",
            features: &[("AUTONOMOUS_TRANSACTION", &[3])],
            rules: 0,
            score: (4.0, Simple, Ora2pg, &["uses AUTONOMOUS_TRANSACTION (MEDIUM)"]),
            units: 6.0,
        },
        Spec {
            name: "EMPLOYEES",
            kind: Table,
            lines: (1, 12),
            code_lines: 12,
            status: "full",
            features: &[],
            rules: 0,
            score: (1.0, Simple, Ora2pg, &[]),
            units: 1.0,
        },
        Spec {
            name: "EMP_PKG",
            kind: PackageBody,
            lines: (30, 470),
            code_lines: 412,
            status: "full",
            features: &[("BULK_COLLECT", &[120]), ("UTL_HTTP", &[40, 88])],
            rules: 2,
            score: (
                63.5,
                Complex,
                Agent,
                &["uses UTL_HTTP (HIGH)", "412 code lines", "in a dependency cycle"],
            ),
            units: 210.0,
        },
        Spec {
            name: "EMP_PKG",
            kind: PackageSpec,
            lines: (1, 28),
            code_lines: 22,
            status: "full",
            features: &[],
            rules: 0,
            score: (2.0, Simple, Ora2pg, &["22 code lines"]),
            units: 3.0,
        },
        Spec {
            name: "PAYROLL_PKG",
            kind: PackageBody,
            lines: (1, 180),
            code_lines: 150,
            status: "full",
            features: &[("BULK_COLLECT", &[30, 31])],
            rules: 1,
            score: (28.0, Medium, Agent, &["150 code lines", "in a dependency cycle"]),
            units: 92.5,
        },
        Spec {
            name: AWKWARD,
            kind: View,
            lines: (1, 25),
            code_lines: 20,
            status: "partial",
            features: &[("CONNECT_BY", &[7])],
            rules: 0,
            score: (12.5, Medium, Ora2pg, &["uses CONNECT_BY", "parsed in part: `a < b`"]),
            units: 40.0,
        },
        Spec {
            name: "SECRET_PKG",
            kind: PackageBody,
            lines: (1, 60),
            code_lines: 60,
            status: "not parsed (wrapped)",
            features: &[("WRAPPED", &[1])],
            rules: 0,
            score: (40.0, Complex, Manual, &["wrapped code cannot be read"]),
            units: 60.0,
        },
    ];
    let objects = specs.iter().map(object).collect();
    let dependencies = vec![
        dep(0, RefKind::References, "HR.EMPLOYEES", Some(1), 2),
        dep(2, RefKind::Calls, "DBMS_OUTPUT.PUT_LINE", None, 4),
        dep(2, RefKind::Calls, "HR.PAYROLL_PKG.COMPUTE", Some(4), 3),
        dep(2, RefKind::Calls, "LEGACY.GL_POST", None, 1),
        dep(2, RefKind::Reads, "HR.EMPLOYEES", Some(1), 5),
        dep(2, RefKind::Writes, "HR.EMPLOYEES", Some(1), 2),
        dep(2, RefKind::References, "HR.EMP_PKG", Some(3), 1),
        dep(4, RefKind::Calls, "HR.EMP_PKG.GET_SALARY", Some(2), 2),
        dep(4, RefKind::Calls, "LEGACY.GL_POST", None, 3),
        dep(5, RefKind::Reads, "HR.EMPLOYEES", Some(1), 1),
        dep(5, RefKind::Reads, "REPORTING.CALENDAR", None, 1),
    ];
    let line = |what: &str, objects, code_lines, person_days| EstimateLine {
        what: what.to_owned(),
        objects,
        code_lines,
        person_days,
    };
    Assessment {
        objects,
        dependencies,
        order: vec![1, 3, 0, 5, 6, 2, 4],
        cycles: vec![vec![2, 4]],
        estimate: Estimate {
            ora2pg_units: 412.5,
            ora2pg_person_days: 4.3,
            ora2pg_level: "B-3".to_owned(),
            person_days: 14.25,
            lines: vec![
                line("SIMPLE objects by ora2pg", 3, 50, 0.75),
                line("MEDIUM objects by ora2pg", 1, 20, 0.5),
                line("MEDIUM objects by agent", 1, 150, 2.0),
                line("COMPLEX objects by agent", 1, 412, 6.0),
                line("COMPLEX objects by manual", 1, 60, 5.0),
            ],
            assumptions: vec![
                "a SIMPLE object takes a quarter of a day to convert and validate".to_owned(),
                "an agent-converted object still needs a person to review it".to_owned(),
            ],
        },
    }
}

fn info() -> ReportInfo {
    ReportInfo { project: "HR <core> & payroll".to_owned() }
}

/// The same estate with its objects listed in another order, every index remapped.
fn shuffled(assessment: &Assessment) -> Assessment {
    let old_of_new = [6, 2, 4, 0, 5, 1, 3];
    let mut new_of_old = [0; 7];
    for (new, &old) in old_of_new.iter().enumerate() {
        new_of_old[old] = new;
    }
    let mut shuffled = assessment.clone();
    shuffled.objects = old_of_new.iter().map(|&old| assessment.objects[old].clone()).collect();
    for dep in &mut shuffled.dependencies {
        dep.source = new_of_old[dep.source];
        dep.target_object = dep.target_object.map(|t| new_of_old[t]);
    }
    shuffled.order = assessment.order.iter().map(|&i| new_of_old[i]).collect();
    shuffled.cycles = vec![vec![new_of_old[2], new_of_old[4]]];
    shuffled
}

#[test]
fn markdown_report_matches_snapshot() {
    insta::assert_snapshot!(report::markdown(&estate(), &info()));
}

#[test]
fn every_report_is_the_same_on_every_call() {
    let (a, b) = (estate(), estate());
    assert_eq!(report::markdown(&a, &info()), report::markdown(&b, &info()));
    assert_eq!(report::html(&a, &info()), report::html(&b, &info()));
    assert_eq!(report::csv(&a), report::csv(&b));
}

#[test]
fn reports_do_not_depend_on_the_order_objects_are_listed_in() {
    let (a, b) = (estate(), shuffled(&estate()));
    assert_eq!(report::markdown(&a, &info()), report::markdown(&b, &info()));
    assert_eq!(report::csv(&a), report::csv(&b));
}

#[test]
fn markdown_escapes_names_in_tables() {
    let markdown = report::markdown(&estate(), &info());
    assert!(markdown.contains(r#"`HR.Q1, "Draft" <A&B> \| *x* (VIEW)`"#), "{markdown}");
    assert!(markdown.contains(r"# Migration assessment: HR \<core\> \& payroll"));
}

#[test]
fn markdown_names_features_missing_from_the_catalogue_by_id() {
    let mut a = estate();
    a.objects[0].facts.features.push(FeatureUse { feature: "ACME_ONLY".into(), lines: vec![7] });
    let markdown = report::markdown(&a, &info());
    let row = markdown.lines().find(|l| l.starts_with("| `ACME_ONLY`")).unwrap();
    assert!(row.contains("not in catalogue"), "{row}");
}

#[test]
fn html_is_self_contained_balanced_and_escaped() {
    let html = report::html(&estate(), &info());
    assert!(html.starts_with("<!DOCTYPE html>"));
    for outside in ["<script", "<link", "src=", "href=\"http", "@import", "url("] {
        assert!(!html.contains(outside), "the page refers to `{outside}`");
    }
    assert!(html.contains("HR.Q1, &quot;Draft&quot; &lt;A&amp;B&gt; | *x* (VIEW)"));
    assert!(!html.contains(AWKWARD));
    assert!(html.contains("<title>Migration assessment: HR &lt;core&gt; &amp; payroll</title>"));
    for section in ["Summary", "Objects by class", "Dependency hot spots", "Effort estimate"] {
        assert!(html.contains(&format!("\">{section}</h2>")), "no section {section}");
    }
    assert_eq!(html.matches("<svg ").count(), 5, "charts of type, class, route, score, features");
    assert_balanced(&html);
}

/// Every element opened is closed, in order. Text is escaped, so a `<` always opens a tag.
fn assert_balanced(html: &str) {
    const VOID: [&str; 2] = ["meta", "rect"];
    let mut open: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("a tag is closed") + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        let name: String =
            tag.trim_start_matches('/').chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        assert!(!name.is_empty(), "`<{tag}>` is not a tag");
        if let Some(closed) = tag.strip_prefix('/') {
            assert_eq!(
                open.pop().as_deref(),
                Some(closed),
                "`</{closed}>` closes the wrong element"
            );
        } else if !(tag.ends_with('/') || VOID.contains(&name.as_str())) {
            open.push(name);
        }
    }
    assert!(open.is_empty(), "never closed: {open:?}");
}

#[test]
fn csv_reads_back_one_row_per_object_sorted_by_id() {
    let text = report::csv(&estate());
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();

    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r.len() == header.len()));
    let ids: Vec<&str> = rows.iter().map(|r| &r[0]).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);

    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let view = rows.iter().find(|r| &r[column("type")] == "VIEW").unwrap();
    assert_eq!(&view[column("name")], AWKWARD);
    assert_eq!(&view[column("parse_status")], "partial");
    let body = rows.iter().find(|r| &r[0] == "HR.EMP_PKG (PACKAGE BODY)").unwrap();
    assert_eq!(&body[column("features")], "BULK_COLLECT;UTL_HTTP");
    assert_eq!(&body[column("depends_on_objects")], "3");
    assert_eq!(&body[column("unresolved_refs")], "1");
    assert_eq!(&body[column("score")], "63.5");
    assert_eq!(&body[column("order")], "6");
}

#[test]
fn an_empty_assessment_still_reports() {
    let empty = Assessment::default();
    let markdown = report::markdown(&empty, &ReportInfo::default());
    assert!(markdown.contains("Every object was parsed in full."));
    assert_balanced(&report::html(&empty, &ReportInfo::default()));
    assert_eq!(report::csv(&empty).lines().count(), 1);
}
