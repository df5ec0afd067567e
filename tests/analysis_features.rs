//! Feature detection and ora2pg's cost model over the fixtures in
//! `tests/fixtures/analysis/features_*.sql`: one snapshot per fixture of what each
//! object uses and costs, explicit checks of the cases that are easy to get wrong,
//! and a run over the bundled sample estate.

use std::path::{Path, PathBuf};

use pipeline::analysis::features::{self, detect};
use pipeline::analysis::ora2pg_cost::{self, migration_level, person_days, Ora2pgCost};
use pipeline::analysis::FeatureUse;
use pipeline::plsql::{self, Object, ObjectKind};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis").join(name)
}

fn objects_of(name: &str) -> Vec<Object> {
    let bytes = std::fs::read(fixture(name)).unwrap();
    plsql::scan_file(name, &bytes, None).objects
}

fn objects_in(text: &str) -> Vec<Object> {
    plsql::scan_file("inline.sql", text.as_bytes(), None).objects
}

/// The lines of `id` in `uses`, empty when the feature is not used.
fn lines_of(uses: &[FeatureUse], id: &str) -> Vec<u32> {
    uses.iter().find(|u| u.feature == id).map(|u| u.lines.clone()).unwrap_or_default()
}

fn ids(uses: &[FeatureUse]) -> Vec<&str> {
    uses.iter().map(|u| u.feature.as_str()).collect()
}

/// What a reviewer reads about a fixture: each object's features, with lines, and
/// its ora2pg cost with the keywords behind it.
fn render(name: &str) -> String {
    let mut out = String::new();
    for object in objects_of(name) {
        out.push_str(&format!(
            "== {} {} (lines {}-{}, {:?})\n",
            object.kind.oracle_name(),
            object.qualified_name(),
            object.first_line,
            object.last_line,
            object.status
        ));
        for u in detect(&object) {
            let lines: Vec<String> = u.lines.iter().map(u32::to_string).collect();
            out.push_str(&format!("  {}: {}\n", u.feature, lines.join(", ")));
        }
        let cost = ora2pg_cost::of(&object);
        out.push_str(&format!(
            "  ora2pg: {:.1} units = object {:.1} + test and size {:.1} ({} routines) + keywords\n",
            cost.units, cost.object_score, cost.test_and_size, cost.routines
        ));
        for k in &cost.keywords {
            out.push_str(&format!("    {} x{} = {:.1}\n", k.keyword, k.count, k.units));
        }
    }
    out
}

#[test]
fn package_with_http_and_bulk_binds() {
    insta::assert_snapshot!("features_pkg_pedidos", render("features_pkg_pedidos.sql"));
}

#[test]
fn triggers_and_autonomous_logging() {
    insta::assert_snapshot!("features_triggers", render("features_triggers.sql"));
}

#[test]
fn hierarchical_and_outer_join_views() {
    insta::assert_snapshot!("features_views", render("features_views.sql"));
}

#[test]
fn dynamic_sql_pipelined_and_object_types() {
    insta::assert_snapshot!("features_dynamic", render("features_dynamic.sql"));
}

#[test]
fn wrapped_and_java_objects_report_their_status() {
    insta::assert_snapshot!("features_wrapped_java", render("features_wrapped_java.sql"));
    let objects = objects_of("features_wrapped_java.sql");
    let all: Vec<Vec<FeatureUse>> = objects.iter().map(detect).collect();
    assert_eq!(ids(&all[0]), ["WRAPPED_CODE"]);
    assert_eq!(ids(&all[1]), ["JAVA_SOURCE"]);
    assert_eq!(ids(&all[2]), ["JAVA_CALL_SPEC"]);
}

#[test]
fn features_named_only_in_comments_and_strings_are_not_uses() {
    let objects = objects_of("features_only_in_comments.sql");
    assert_eq!(objects.len(), 1);
    assert_eq!(detect(&objects[0]), Vec::<FeatureUse>::new());
    let cost = ora2pg_cost::of(&objects[0]);
    // `||` inside the strings is text; none of the code concatenates.
    assert!(cost.keywords.is_empty(), "{:?}", cost.keywords);
    assert!(!cost.has_costed_keywords);
    assert_eq!(cost.units, 1.0 + 2.0 + 1.0);
}

#[test]
fn package_features_are_on_the_lines_of_their_use() {
    let objects = objects_of("features_pkg_pedidos.sql");
    let spec = detect(&objects[0]);
    assert_eq!(lines_of(&spec, "PACKAGE_STATE"), [3]);
    assert_eq!(lines_of(&spec, "PACKAGE_CONSTANT"), [4]);
    assert_eq!(lines_of(&spec, "NESTED_TABLE"), [5]);
    assert_eq!(lines_of(&spec, "ASSOCIATIVE_ARRAY"), [6]);
    assert_eq!(lines_of(&spec, "EXCEPTION_INIT"), [8]);
    assert_eq!(lines_of(&spec, "PERCENT_TYPE"), [10]);

    let body = detect(&objects[1]);
    assert_eq!(lines_of(&body, "PACKAGE_STATE"), [14]);
    // BULK is on the line after FETCH.
    assert_eq!(lines_of(&body, "BULK_COLLECT"), [25]);
    assert_eq!(lines_of(&body, "FORALL"), [31]);
    // Two declarations of UTL_HTTP types, five calls.
    assert_eq!(lines_of(&body, "UTL_HTTP"), [49, 50, 53, 54, 55, 56, 57]);
    assert_eq!(lines_of(&body, "SEQUENCE"), [37, 39]);
    assert_eq!(lines_of(&body, "PERCENT_TYPE"), [19, 48]);
    assert_eq!(lines_of(&body, "PACKAGE_INITIALIZATION"), [61]);
    assert_eq!(lines_of(&body, "JSON_FUNCTION"), [58]);
    assert_eq!(lines_of(&body, "ORACLE_EXCEPTION_NAME"), [42]);
}

#[test]
fn sql_delete_is_not_the_collection_method() {
    let body = detect(&objects_of("features_pkg_pedidos.sql")[1]);
    // `.COUNT` on 27, 30 and 40; `.EXTEND` 30; `.FIRST`/`.LAST` 31; `.DELETE` 38.
    // `COUNT(*)` on 36 and `DELETE FROM` on 37 are not methods.
    assert_eq!(lines_of(&body, "COLLECTION_METHOD"), [27, 30, 30, 31, 31, 38, 40]);
}

#[test]
fn each_use_on_a_line_counts() {
    let trigger = &objects_of("features_triggers.sql")[1];
    let uses = detect(trigger);
    // `:nuevo` is `:NEW` under the name the REFERENCING clause gives it.
    assert_eq!(lines_of(&uses, "TRIGGER_NEW_OLD"), [19, 21, 22, 22]);
    assert_eq!(lines_of(&uses, "TRIGGER_PREDICATE"), [18, 20]);
    assert_eq!(lines_of(&uses, "TRIGGER_REFERENCING"), [14]);
    assert_eq!(lines_of(&uses, "TRIGGER_WHEN"), [16]);
}

#[test]
fn commit_and_rollback_in_an_autonomous_procedure_are_uses() {
    let uses = detect(&objects_of("features_triggers.sql")[0]);
    assert_eq!(lines_of(&uses, "AUTONOMOUS_TRANSACTION"), [2]);
    assert_eq!(lines_of(&uses, "TRANSACTION_CONTROL"), [6, 9]);
    assert_eq!(lines_of(&uses, "SYS_CONTEXT"), [5]);
}

#[test]
fn outer_joins_db_links_and_hierarchies_are_found_in_views() {
    let objects = objects_of("features_views.sql");
    let tree = detect(&objects[0]);
    assert_eq!(lines_of(&tree, "CONNECT_BY"), [8]);
    assert_eq!(lines_of(&tree, "CONNECT_BY_PSEUDOCOLUMN"), [2, 3]);
    let joins = detect(&objects[1]);
    assert_eq!(lines_of(&joins, "OUTER_JOIN_PLUS"), [13, 14]);
    assert_eq!(lines_of(&joins, "DB_LINK"), [12]);
    assert_eq!(lines_of(&joins, "ROWNUM"), [15]);
    assert_eq!(ids(&detect(&objects[2])), ["MATERIALIZED_VIEW"]);
}

#[test]
fn decode_without_parenthesis_and_quoted_names_are_not_features() {
    let objects = objects_in(
        "CREATE OR REPLACE FUNCTION f(decode IN NUMBER) RETURN NUMBER IS\n\
         \"SYSDATE\" DATE;\n\
         BEGIN\n\
         RETURN decode + 1;\n\
         END;\n/\n",
    );
    assert_eq!(detect(&objects[0]), Vec::<FeatureUse>::new());
}

#[test]
fn isolation_level_is_not_the_pseudocolumn() {
    let objects = objects_in(
        "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n\
         SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;\n\
         SELECT LEVEL INTO x FROM dual CONNECT BY LEVEL <= 3;\nEND;\n/\n",
    );
    let uses = detect(&objects[0]);
    assert_eq!(lines_of(&uses, "CONNECT_BY_PSEUDOCOLUMN"), [4, 4]);
    assert_eq!(lines_of(&uses, "CONNECT_BY"), [4]);
    assert_eq!(lines_of(&uses, "DUAL"), [4]);
}

#[test]
fn oracle_package_methods_named_like_collection_methods_are_not_methods() {
    let objects = objects_in(
        "CREATE OR REPLACE PROCEDURE p(c IN OUT CLOB) IS\nBEGIN\n\
         DBMS_LOB.TRIM(c, 10);\nEND;\n/\n",
    );
    let uses = detect(&objects[0]);
    assert_eq!(ids(&uses), ["DBMS_LOB"]);
}

#[test]
fn every_detected_feature_is_in_the_catalogue() {
    let names = [
        "features_pkg_pedidos.sql",
        "features_triggers.sql",
        "features_views.sql",
        "features_dynamic.sql",
        "features_wrapped_java.sql",
    ];
    for name in names {
        for object in objects_of(name) {
            for u in detect(&object) {
                assert!(features::feature(&u.feature).is_some(), "{} in {name}", u.feature);
                assert!(u.lines.windows(2).all(|w| w[0] <= w[1]), "{u:?}");
            }
        }
    }
}

#[test]
fn the_catalogue_is_sorted_complete_and_explained() {
    let catalogue = features::CATALOGUE;
    assert!(catalogue.windows(2).all(|w| w[0].id < w[1].id), "sorted by id, no duplicates");
    for f in catalogue {
        assert!(!f.name.is_empty() && !f.category.is_empty(), "{}", f.id);
        assert!(f.strategy.len() > 30, "{} needs a strategy", f.id);
        assert_eq!(features::feature(f.id), Some(f));
    }
    let required = [
        "UTL_HTTP",
        "UTL_FILE",
        "UTL_SMTP",
        "UTL_MAIL",
        "UTL_RAW",
        "UTL_ENCODE",
        "DBMS_SCHEDULER",
        "DBMS_JOB",
        "DBMS_LOB",
        "DBMS_SQL",
        "DBMS_OUTPUT",
        "DBMS_LOCK",
        "DBMS_CRYPTO",
        "DBMS_XMLGEN",
        "XMLTYPE",
        "JSON_FUNCTION",
        "JSON_OBJECT_TYPE",
        "AUTONOMOUS_TRANSACTION",
        "EXCEPTION_INIT",
        "SERIALLY_REUSABLE",
        "PACKAGE_STATE",
        "BULK_COLLECT",
        "FORALL",
        "NESTED_TABLE",
        "VARRAY",
        "ASSOCIATIVE_ARRAY",
        "COLLECTION_METHOD",
        "REF_CURSOR",
        "PIPELINED",
        "OBJECT_TYPE",
        "OBJECT_TYPE_METHOD",
        "CONNECT_BY",
        "OUTER_JOIN_PLUS",
        "ROWNUM",
        "MERGE",
        "DECODE",
        "NVL",
        "NVL2",
        "SYSDATE",
        "SEQUENCE",
        "PERCENT_TYPE",
        "EXECUTE_IMMEDIATE",
        "OPEN_FOR_DYNAMIC",
        "DB_LINK",
        "GOTO",
        "TRANSACTION_CONTROL",
        "TRIGGER_COMPOUND",
        "TRIGGER_INSTEAD_OF",
        "TRIGGER_REFERENCING",
        "TRIGGER_WHEN",
        "TRIGGER_NEW_OLD",
        "JAVA_SOURCE",
        "JAVA_CALL_SPEC",
        "WRAPPED_CODE",
    ];
    for id in required {
        assert!(features::feature(id).is_some(), "{id} missing");
    }
}

#[test]
fn ora2pg_counts_when_others_merge_and_commit_on_the_original_code() {
    let objects = objects_of("features_dynamic.sql");
    let cost = ora2pg_cost::of(&objects[0]);
    let count = |k: &str| cost.keywords.iter().find(|c| c.keyword == k).map(|c| c.count);
    assert_eq!(count("WHEN OTHERS"), Some(1));
    assert_eq!(count("MERGE INTO"), Some(1));
    assert_eq!(count("BULK COLLECT"), Some(1));
    assert_eq!(count("GOTO"), Some(1));
    assert_eq!(count("SAVEPOINT"), Some(1));
    // Three DBMS_SQL calls and the DBMS_SQL.native constant.
    assert_eq!(count("DBMS_"), Some(5));
    assert!(cost.has_costed_keywords);
    let keywords: f64 = cost.keywords.iter().map(|k| k.units).sum();
    assert!((cost.units - (1.0 + 2.0 + 1.0 + keywords)).abs() < 1e-9);
}

#[test]
fn ora2pg_prices_a_package_body_routine_by_routine() {
    let objects = objects_of("features_pkg_pedidos.sql");
    let spec = ora2pg_cost::of(&objects[0]);
    assert_eq!((spec.units, spec.routines), (0.0, 0));
    let body = ora2pg_cost::of(&objects[1]);
    assert_eq!(body.object_score, 3.0);
    assert_eq!(body.routines, 2);
    assert_eq!(body.test_and_size, 2.0 * (2.0 + 1.0));
    let count = |k: &str| body.keywords.iter().find(|c| c.keyword == k).map(|c| c.count);
    // DBMS_OUTPUT.put_line is converted by ora2pg and costs nothing.
    assert_eq!(count("DBMS_"), None);
    assert_eq!(count("UTL_"), Some(7));
    assert_eq!(count("EXCEPTION"), Some(1));
}

#[test]
fn ora2pg_estate_figures_follow_its_report() {
    assert_eq!(person_days(0.0), 0);
    assert_eq!(person_days(10.0), 1);
    assert_eq!(person_days(84.0), 1);
    assert_eq!(person_days(84.5), 2);

    let plain = Ora2pgCost { units: 4.0, ..Ora2pgCost::default() };
    let costly = Ora2pgCost { units: 600.0, has_costed_keywords: true, ..Ora2pgCost::default() };
    let level = |objects: &[(ObjectKind, &Ora2pgCost)]| {
        migration_level(objects.iter().copied()).to_string()
    };
    assert_eq!(level(&[(ObjectKind::Table, &plain)]), "A-1");
    assert_eq!(level(&[(ObjectKind::Trigger, &plain)]), "A-2");
    assert_eq!(level(&[(ObjectKind::Procedure, &plain)]), "A-3");
    assert_eq!(level(&[(ObjectKind::View, &costly)]), "C-4");
    let small = Ora2pgCost { units: 50.0, has_costed_keywords: true, ..Ora2pgCost::default() };
    assert_eq!(level(&[(ObjectKind::PackageBody, &small)]), "B-5");
    assert_eq!(level(&[(ObjectKind::PackageBody, &costly)]), "C-5");
}

/// The bundled sample estate: every object is analysed without a panic, and the
/// features its README advertises are found.
#[test]
fn the_sample_estate_is_analysed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("extracted");
    let mut found = std::collections::BTreeSet::new();
    let mut objects = 0;
    for entry in walkdir::WalkDir::new(&root).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        for object in plsql::scan_file(&path.display().to_string(), &bytes, None).objects {
            objects += 1;
            for u in detect(&object) {
                found.insert(u.feature);
            }
            let cost = ora2pg_cost::of(&object);
            assert!(cost.units.is_finite() && cost.units >= 0.0, "{}", object.name);
        }
    }
    assert!(objects > 50, "{objects} objects");
    for id in ["UTL_HTTP", "BULK_COLLECT", "CONNECT_BY", "JAVA_SOURCE", "PACKAGE_STATE"] {
        assert!(found.contains(id), "{id} not found in the sample; found {found:?}");
    }
}
