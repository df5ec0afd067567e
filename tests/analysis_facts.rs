//! The facts one object yields (references, candidate rules, metrics) over the
//! fixtures in `tests/fixtures/analysis/`, and over the bundled sample estate.

use std::path::{Path, PathBuf};

use pipeline::analysis::{self, builtins, Facts, RefKind, RuleCategory};
use pipeline::plsql::{self, Object};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis").join(name)
}

fn objects(name: &str) -> Vec<Object> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    plsql::scan_file(name, &bytes, None).objects
}

fn object(file: &str, kind: &str, name: &str) -> Object {
    objects(file)
        .into_iter()
        .find(|o| o.kind.oracle_name() == kind && o.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name} in {file}"))
}

/// The targets of one kind of reference, with their lines.
fn targets(facts: &Facts, kind: RefKind) -> Vec<(String, Vec<u32>)> {
    facts
        .references
        .iter()
        .filter(|r| r.kind == kind)
        .map(|r| (r.target.clone(), r.lines.clone()))
        .collect()
}

fn names(facts: &Facts, kind: RefKind) -> Vec<String> {
    targets(facts, kind).into_iter().map(|(t, _)| t).collect()
}

/// What a reviewer reads about each object of a fixture file.
fn render(file: &str) -> String {
    let mut out = String::new();
    for o in objects(file) {
        let facts = analysis::analyze(&o);
        out.push_str(&format!("== {} {} ({:?})\n", o.kind.oracle_name(), o.name, o.status));
        let m = facts.metrics;
        out.push_str(&format!(
            "metrics: lines {} code {} statements {} declarations {} subprograms {} \
             cyclomatic {} (max {}) nesting {} sql {} dynamic {} package_variables {}\n",
            m.lines,
            m.code_lines,
            m.statements,
            m.declarations,
            m.subprograms,
            m.cyclomatic,
            m.max_cyclomatic,
            m.max_nesting,
            m.sql_statements,
            m.dynamic_sql,
            m.package_variables
        ));
        for r in &facts.references {
            let builtin = if r.kind == RefKind::Calls && builtins::is_builtin(&r.target) {
                " (built-in)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {:<10} {}{builtin} {:?}\n",
                r.kind.as_str(),
                r.target,
                r.lines
            ));
        }
        for rule in &facts.rules {
            out.push_str(&format!(
                "  rule {} line {}: {}\n",
                rule.category.as_str(),
                rule.line,
                rule.name
            ));
            out.push_str(&format!("    subprogram: {:?}\n", rule.subprogram));
            out.push_str(&format!("    conditions: {:?}\n", rule.conditions));
            out.push_str(&format!("    exceptions: {:?}\n", rule.exceptions));
            out.push_str(&format!("    applies_to: {:?}\n", rule.applies_to));
            for line in rule.source_code.lines() {
                out.push_str(&format!("    | {line}\n"));
            }
        }
    }
    out
}

#[test]
fn package_facts() {
    insta::assert_snapshot!("refs_emp_pkg", render("refs_emp_pkg.sql"));
}

#[test]
fn trigger_facts() {
    insta::assert_snapshot!("refs_trigger", render("refs_trigger.sql"));
}

#[test]
fn view_and_ddl_facts() {
    insta::assert_snapshot!("refs_view", render("refs_view.sql"));
}

#[test]
fn rule_facts() {
    insta::assert_snapshot!("rules_loans", render("rules_loans.sql"));
}

#[test]
fn calls_between_members_and_to_other_packages_are_found() {
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    let calls = targets(&body, RefKind::Calls);
    let lines_of = |name: &str| calls.iter().find(|(t, _)| t == name).map(|(_, l)| l.clone());
    assert_eq!(lines_of("LOG_CHANGE"), Some(vec![51]), "{calls:?}");
    assert_eq!(lines_of("BY_DEPT"), Some(vec![53]));
    assert_eq!(lines_of("BONUS_PKG.BONUS_FOR"), Some(vec![32]));
    assert_eq!(lines_of("AUDIT_PKG.LOG_EVENT"), Some(vec![61]));
    assert_eq!(lines_of("UTIL_PKG.NOW"), Some(vec![63]), "dotted names without parentheses");
    assert_eq!(lines_of("HR_DATES.CUTOFF"), Some(vec![73]), "calls inside SQL");
    // Members are the subprograms and the package-level cursor, types and variables.
    assert_eq!(body.members, ["ANNUAL_PAY", "BY_DEPT", "C_ACTIVE", "LOG_CHANGE", "RAISE_SALARY"]);
}

#[test]
fn locals_record_fields_and_collection_elements_are_not_calls() {
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    let calls = names(&body, RefKind::Calls);
    for local in ["V_LIST", "V_LIST.COUNT", "V_EMP.SALARY", "V_RESULT", "R.LAST_NAME", "C_ACTIVE"] {
        assert!(!calls.iter().any(|c| c == local), "{local} in {calls:?}");
    }
    for syntax in ["EXISTS", "IN", "CAST", "DATE", "D.DEPARTMENT_ID", "E.SALARY", "EMPLOYEES"] {
        assert!(!calls.iter().any(|c| c == syntax), "{syntax} in {calls:?}");
    }
}

#[test]
fn count_in_sql_is_a_builtin_call() {
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    let calls = names(&body, RefKind::Calls);
    assert!(calls.contains(&"COUNT".to_owned()), "{calls:?}");
    assert!(builtins::is_builtin("COUNT"));
    assert!(builtins::is_builtin("DBMS_OUTPUT.PUT_LINE"));
    assert!(calls.contains(&"DBMS_OUTPUT.PUT_LINE".to_owned()));
}

#[test]
fn names_in_comments_and_strings_are_not_references() {
    let spec = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE", "EMP_PKG"));
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    for facts in [&spec, &body] {
        for r in &facts.references {
            assert!(!r.target.contains("AUDIT_PKG.LOG") || r.target == "AUDIT_PKG.LOG_EVENT");
            assert!(!r.target.contains("API"), "{r:?}");
        }
    }
}

#[test]
fn anchors_sequences_and_user_types_are_references() {
    let spec = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE", "EMP_PKG"));
    let refs = names(&spec, RefKind::References);
    assert_eq!(
        refs,
        ["DEPT_PKG.T_DEPT_CODE", "EMPLOYEES.EMPLOYEE_ID", "HR.DEPARTMENTS.DEPARTMENT_ID"],
        "local types (T_EMP_REC, T_EMP_TAB), record field names and built-in types are not"
    );
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    let refs = names(&body, RefKind::References);
    assert!(refs.contains(&"SALARY_HIST_SEQ".to_owned()), "{refs:?}");
    assert!(refs.contains(&"EMPLOYEES".to_owned()), "employees%ROWTYPE");
    assert!(!refs.iter().any(|r| r.starts_with("V_EMP") || r.starts_with("C_ACTIVE")), "{refs:?}");
}

#[test]
fn reads_and_writes_count_one_use_per_statement() {
    let body = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE BODY", "EMP_PKG"));
    let reads = targets(&body, RefKind::Reads);
    let employees = reads.iter().find(|(t, _)| t == "EMPLOYEES").unwrap();
    assert_eq!(employees.1, [22, 31, 49, 70, 74], "cursor, SELECT INTO and FOR loop queries");
    assert_eq!(
        targets(&body, RefKind::Writes),
        [("EMPLOYEES".to_owned(), vec![52]), ("SALARY_HISTORY".to_owned(), vec![38])]
    );
}

#[test]
fn a_trigger_references_its_table_and_pseudo_records_are_local() {
    let trigger = analysis::analyze(&object("refs_trigger.sql", "TRIGGER", "TRG_ORDERS_BIU"));
    let refs = names(&trigger, RefKind::References);
    assert!(refs.contains(&"SALES.ORDERS".to_owned()), "{refs:?}");
    assert!(refs.contains(&"ORDERS_SEQ".to_owned()));
    let calls = names(&trigger, RefKind::Calls);
    assert!(!calls.iter().any(|c| c.starts_with("NEW") || c.starts_with("OLD")), "{calls:?}");
    assert!(calls.contains(&"PRICING_PKG.TAX_RATE".to_owned()));
}

#[test]
fn cte_names_are_not_read() {
    let view = analysis::analyze(&object("refs_view.sql", "VIEW", "V_CUSTOMER_TOTALS"));
    assert_eq!(names(&view, RefKind::Reads), ["SALES.CUSTOMERS", "SALES.ORDERS"]);
    assert!(names(&view, RefKind::Calls).contains(&"SALES_UTIL.IS_ACTIVE".to_owned()));
}

#[test]
fn validations_carry_their_conditions_and_codes() {
    let facts = analysis::analyze(&object("rules_loans.sql", "PROCEDURE", "APPROVE_LOAN"));
    let validations: Vec<_> =
        facts.rules.iter().filter(|r| r.category == RuleCategory::Validation).collect();
    let codes: Vec<&str> =
        validations.iter().flat_map(|r| &r.exceptions).map(String::as_str).collect();
    assert_eq!(codes, ["-20001", "-20002", "E_BLOCKED", "-20003"]);
    assert_eq!(validations[0].conditions, ["p_amount IS NULL OR p_amount <= 0"]);
    assert_eq!(validations[0].applies_to, ["P_AMOUNT"]);
    assert_eq!(validations[0].subprogram.as_deref(), Some("APPROVE_LOAN"));
    assert_eq!(validations[2].conditions, ["v_status = 'BLOCKED'"]);
}

#[test]
fn copies_literals_counters_and_messages_are_not_calculations() {
    let facts = analysis::analyze(&object("rules_loans.sql", "PROCEDURE", "APPROVE_LOAN"));
    let computed: Vec<&str> = facts
        .rules
        .iter()
        .filter(|r| r.category == RuleCategory::Calculation)
        .flat_map(|r| &r.applies_to)
        .map(String::as_str)
        .collect();
    assert_eq!(computed, ["v_interest", "v_payment"]);
}

#[test]
fn status_updates_and_audit_inserts_are_workflow() {
    let facts = analysis::analyze(&object("rules_loans.sql", "PROCEDURE", "APPROVE_LOAN"));
    let workflow: Vec<&str> = facts
        .rules
        .iter()
        .filter(|r| r.category == RuleCategory::Workflow)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(
        workflow,
        [
            "APPROVE_LOAN: sets LOANS.STATUS to 'APPROVED'",
            "APPROVE_LOAN: records in LOAN_AUDIT",
            "APPROVE_LOAN: sets LOAN_EVENTS.EVENT_STATE to 'NOTIFIED'",
            "APPROVE_LOAN: sets LOANS.REVIEW_FLAG to 'Y'",
        ]
    );
}

#[test]
fn trigger_rules_are_named_after_the_trigger() {
    let facts = analysis::analyze(&object("rules_loans.sql", "TRIGGER", "TRG_LOANS_BU"));
    assert!(facts
        .rules
        .iter()
        .all(|r| r.subprogram.is_none() && r.name.starts_with("TRG_LOANS_BU:")));
    let validation = &facts.rules[0];
    assert_eq!(validation.applies_to, [":NEW.AMOUNT", ":OLD.AMOUNT"]);
    assert_eq!(facts.rules.len(), 2, "{:#?}", facts.rules);
}

#[test]
fn metrics_count_decisions_per_subprogram() {
    let facts = analysis::analyze(&object("rules_loans.sql", "PROCEDURE", "APPROVE_LOAN"));
    let m = facts.metrics;
    // 1 + IF/ELSIF (2) + OR (1) + CASE WHENs (2) + IF (1) + handler (1).
    assert_eq!(m.cyclomatic, 8);
    assert_eq!(m.max_cyclomatic, 8);
    assert_eq!(m.subprograms, 1);
    assert_eq!(m.max_nesting, 2);
    assert_eq!(m.sql_statements, 5);
    let spec = analysis::analyze(&object("refs_emp_pkg.sql", "PACKAGE", "EMP_PKG"));
    assert_eq!(spec.metrics.package_variables, 2);
    assert_eq!(spec.metrics.subprograms, 0, "declarations without a body");
    assert_eq!(spec.metrics.cyclomatic, 0);
}

/// Every object of the bundled sample estate, from both extraction layouts.
fn sample_objects() -> Vec<Object> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("extracted");
    let mut objects = Vec::new();
    for entry in walkdir_sorted(&root) {
        let name = entry.display().to_string();
        if !name.ends_with(".sql") {
            continue;
        }
        let bytes = std::fs::read(&entry).unwrap();
        objects.extend(plsql::scan_file(&name, &bytes, None).objects);
    }
    objects
}

fn walkdir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(walkdir_sorted(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn every_sample_object_yields_facts() {
    let objects = sample_objects();
    assert!(objects.len() > 50, "{} objects", objects.len());
    let mut calls = 0;
    for o in &objects {
        let facts = analysis::analyze(o);
        assert!(facts.metrics.lines >= facts.metrics.code_lines, "{}", o.name);
        for r in &facts.references {
            assert!(!r.lines.is_empty() && r.lines.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
            assert!(r.lines.iter().all(|&l| l >= o.first_line && l <= o.last_line), "{r:?}");
        }
        calls += facts.references.iter().filter(|r| r.kind == RefKind::Calls).count();
    }
    assert!(calls > 100, "{calls} calls in the sample");
}

#[test]
fn dynamic_sql_facts() {
    insta::assert_snapshot!("refs_dynamic", render("refs_dynamic.sql"));
}

#[test]
fn referencing_aliases_are_pseudo_records() {
    let trigger = analysis::analyze(&object("refs_trigger.sql", "TRIGGER", "TRG_ORDERS_AU"));
    assert_eq!(names(&trigger, RefKind::Calls), ["ORDER_EVENTS_PKG.PUBLISH"]);
    assert_eq!(names(&trigger, RefKind::References), ["SALES.ORDERS"]);
}

#[test]
fn nested_subprograms_are_bare_calls_and_dynamic_sql_is_counted() {
    let facts = analysis::analyze(&object("refs_dynamic.sql", "PROCEDURE", "PURGE_PARTITIONS"));
    let calls = targets(&facts, RefKind::Calls);
    assert!(calls.contains(&("QUOTED".to_owned(), vec![15, 17])), "{calls:?}");
    assert!(!calls.iter().any(|(c, _)| c.starts_with("V_IDS")), "{calls:?}");
    let m = facts.metrics;
    assert_eq!(m.dynamic_sql, 3, "EXECUTE IMMEDIATE, OPEN FOR string, DBMS_SQL.PARSE");
    assert_eq!(m.subprograms, 2);
    // PURGE_PARTITIONS: 1 + FORALL + WHILE + AND + EXIT WHEN + handler + IF; QUOTED: 1.
    assert_eq!((m.cyclomatic, m.max_cyclomatic), (8, 7));
    assert_eq!(m.max_nesting, 3, "body, handler, IF");
    assert_eq!(names(&facts, RefKind::Writes), ["PURGE_LOG"]);
}

#[test]
fn methods_on_sql_aliases_are_not_package_calls() {
    let objects = plsql::scan_file(
        "inline.sql",
        b"CREATE OR REPLACE FUNCTION total_of(p_id NUMBER) RETURN NUMBER IS\n  v NUMBER;\nBEGIN\n  SELECT SUM(t.amount * t.rate()) INTO v FROM TABLE(lines_pkg.of(p_id)) t;\n  RETURN v;\nEND;\n/\n",
        None,
    )
    .objects;
    let facts = analysis::analyze(&objects[0]);
    assert_eq!(names(&facts, RefKind::Calls), ["LINES_PKG.OF", "SUM"]);
    assert!(names(&facts, RefKind::Reads).is_empty(), "{:?}", facts.references);
}

#[test]
fn a_subtype_references_its_supertype() {
    let source = b"CREATE OR REPLACE TYPE shape_t AS OBJECT (id NUMBER) NOT FINAL;\n/\n\
                   CREATE OR REPLACE TYPE app.circle_t UNDER app.shape_t (r NUMBER);\n/\n";
    let objects = plsql::scan_file("shapes.sql", source, None).objects;
    let circle = objects.iter().find(|o| o.name == "CIRCLE_T").unwrap();
    let refs = targets(&analysis::analyze(circle), RefKind::References);
    assert_eq!(refs, [("APP.SHAPE_T".to_owned(), vec![3])], "the supertype, at the UNDER line");
    let shape = objects.iter().find(|o| o.name == "SHAPE_T").unwrap();
    assert!(targets(&analysis::analyze(shape), RefKind::References).is_empty());
}
