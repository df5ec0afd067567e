//! The `pick` stage: per object, the engine whose conversion fared best in
//! validation, with what the other engines got beside it.

mod support;

use support::TestProject;

const MANIFEST: &str = r#"
[stages.pick]
kind = "pick"
inputs = ["native/", "validation/native/", "simple/", "validation/simple/"]
outputs = ["picked/"]
"#;

const INDEX_HEADER: &str = "object\tfile\troute\tstatus\tsource\tfirst_line\thash\tmessage\n";
const RESULTS_HEADER: &str = "object\troute\tfile\tstatus\tline\tmessage\tchecked\n";

fn converted(route: &str, objects: &[&str]) -> String {
    let mut index = INDEX_HEADER.to_owned();
    for o in objects {
        let file = format!("s/{}.function.sql", o.to_lowercase());
        let object = format!("S.{o} (FUNCTION)");
        index.push_str(&format!("{object}\t{file}\t{route}\tconverted\tx.sql\t1\th\t\n"));
    }
    index
}

#[test]
fn each_object_gets_the_conversion_that_passed_and_names_the_others() {
    let p = TestProject::new();
    p.manifest(MANIFEST);
    for (engine, route) in [("native", "native"), ("simple", "ora2pg")] {
        p.write(&format!("{engine}/index.tsv"), &converted(route, &["A", "B", "C"]));
        for o in ["a", "b", "c"] {
            p.write(&format!("{engine}/s/{o}.function.sql"), &format!("-- {o} by {route}\n"));
        }
    }
    // A: native fails, ora2pg passes. B: both pass (the first folder wins).
    // C: native is created with warnings, ora2pg fails.
    p.write(
        "validation/native/results.tsv",
        &format!(
            "{RESULTS_HEADER}S.A (FUNCTION)\tnative\tnative/s/a.function.sql\tfailed\t3\tsyntax error\tno\n\
             S.B (FUNCTION)\tnative\tnative/s/b.function.sql\tok\t\t\tyes\n\
             S.C (FUNCTION)\tnative\tnative/s/c.function.sql\twarnings\t2\tunused variable\tyes\n"
        ),
    );
    p.write(
        "validation/simple/results.tsv",
        &format!(
            "{RESULTS_HEADER}S.A (FUNCTION)\tora2pg\tsimple/s/a.function.sql\tok\t\t\tyes\n\
             S.B (FUNCTION)\tora2pg\tsimple/s/b.function.sql\tok\t\t\tyes\n\
             S.C (FUNCTION)\tora2pg\tsimple/s/c.function.sql\tfailed\t1\trelation \"t\" does not exist\tyes\n"
        ),
    );
    let run = p.run(&["run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("3 objects: 2 from native, 1 from ora2pg"), "{}", run.stderr);

    assert_eq!(p.read("picked/s/a.function.sql"), "-- a by ora2pg\n");
    assert_eq!(p.read("picked/s/b.function.sql"), "-- b by native\n");
    assert_eq!(p.read("picked/s/c.function.sql"), "-- c by native\n");
    let index = p.read("picked/index.tsv");
    assert!(index.contains("passed plpgsql_check (also native: failed: syntax error)"), "{index}");
    assert!(
        index.contains(
            "warnings: unused variable (also ora2pg: failed: relation \"t\" does not exist)"
        ),
        "{index}"
    );
}

#[test]
fn a_folder_that_is_neither_a_conversion_nor_a_validation_is_named() {
    let p = TestProject::new();
    p.manifest(MANIFEST);
    p.write("native/index.tsv", INDEX_HEADER);
    p.write("simple/index.tsv", INDEX_HEADER);
    p.write("validation/simple/results.tsv", RESULTS_HEADER);
    p.write("validation/native/stray.txt", "x");
    let run = p.run(&["run"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("`validation/native/` holds neither"), "{}", run.stderr);
}

#[test]
fn the_report_and_the_database_hold_both_engines_and_the_notes_at_their_lines() {
    let p = TestProject::new();
    p.manifest(
        r#"
[stages.pick]
kind = "pick"
inputs = ["native/", "validation/native/", "simple/", "validation/simple/"]
outputs = ["picked/", "outcomes.duckdb"]
"#,
    );
    // The native folder holds its own A and ora2pg's T as it was.
    p.write(
        "native/index.tsv",
        &format!(
            "{INDEX_HEADER}S.A (FUNCTION)\ts/a.function.sql\tnative\tconverted\tx.sql\t1\th\t\n\
             S.T (TABLE)\ts/t.table.sql\tora2pg\tconverted\tx.sql\t9\th\t\n"
        ),
    );
    p.write(
        "native/notes.tsv",
        "object\tline\tkind\tmessage\n\
         S.A (FUNCTION)\t4\treview\tNVL2 became CASE\n\
         S.A (FUNCTION)\t7\tunsupported\tUTL_RAW.BIT_AND has no equivalent on PostgreSQL\n",
    );
    p.write(
        "simple/index.tsv",
        &format!(
            "{INDEX_HEADER}S.A (FUNCTION)\ts/a.function.sql\tora2pg\tconverted\tx.sql\t1\th\t\n\
             S.T (TABLE)\ts/t.table.sql\tora2pg\tconverted\tx.sql\t9\th\t\n"
        ),
    );
    for f in ["native/s/a.function.sql", "native/s/t.table.sql", "simple/s/a.function.sql"] {
        p.write(f, "-- sql\n");
    }
    p.write("simple/s/t.table.sql", "-- sql\n");
    p.write(
        "validation/native/results.tsv",
        &format!(
            "{RESULTS_HEADER}S.A (FUNCTION)\tnative\tnative/s/a.function.sql\tfailed\t7\tfunction utl_raw.bit_and(bytea) does not exist\tyes\n\
             S.T (TABLE)\tora2pg\tnative/s/t.table.sql\tok\t\t\tno\n"
        ),
    );
    p.write(
        "validation/simple/results.tsv",
        &format!(
            "{RESULTS_HEADER}S.A (FUNCTION)\tora2pg\tsimple/s/a.function.sql\tfailed\t3\tsyntax error at or near \"IS\"\tno\n\
             S.T (TABLE)\tora2pg\tsimple/s/t.table.sql\tok\t\t\tno\n"
        ),
    );
    p.write(
        "validation/native/routines.tsv",
        "object\troute\tfile\troutine\tline\tstatus\tmessage\n\
         S.A (FUNCTION)\tnative\tnative/s/a.function.sql\ta\t3\terrors\tfunction utl_raw.bit_and(bytea) does not exist\n",
    );
    let run = p.run(&["run"]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let report = p.read("picked/report.md");
    assert!(report.contains("| FUNCTION | `native` | 1 | 1 | 0 | 1 | 0 |"), "{report}");
    // ora2pg's table counts once, though two folders hold it.
    assert!(report.contains("| `native` | 1 | 1 | 0 | 1 | 0 | 0 | 1 |"), "{report}");
    assert!(report.contains("| `ora2pg` | 2 | 1 | 0 | 0 | 1 | 0 | 1 |"), "{report}");
    assert!(report.contains("| FUNCTION | `ora2pg` | 1 | 0 | 0 | 0 | 1 | 0 | 0 |"), "{report}");
    assert!(
        report.contains("| `ora2pg` | `syntax error at or near \"…\"` | 1 | `S.A (FUNCTION)` |"),
        "{report}"
    );
    assert!(report.contains("### S.A (FUNCTION)"), "{report}");
    assert!(
        report.contains(
            "- kept `native`: failed plpgsql_check at line 7: function utl_raw.bit_and(bytea) \
             does not exist (`native/s/a.function.sql`)"
        ),
        "{report}"
    );
    assert!(report.contains("- `native` note at line 4, review: NVL2 became CASE"), "{report}");
    // The table was created and has no notes: it is counted, not listed.
    assert!(!report.contains("### S.T (TABLE)"), "{report}");
    assert!(
        report.contains("Not listed: 1 object created with no finding and no note."),
        "{report}"
    );

    // The database's bytes differ from run to run; the lock must not.
    let lock = p.read("pipeline.lock");
    let again = p.run(&["run", "--force"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(p.read("pipeline.lock"), lock);

    let conn = duckdb::Connection::open(p.path("outcomes.duckdb")).unwrap();
    let rows: Vec<(String, String, bool, String, Option<i32>)> = conn
        .prepare(
            "SELECT object_id, engine, kept, verdict, error_line FROM knowledge_base.conversions \
             ORDER BY object_id, engine",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let expected = [
        ("S.A (FUNCTION)", "native", true, "failed plpgsql_check", Some(7)),
        ("S.A (FUNCTION)", "ora2pg", false, "failed", Some(3)),
        ("S.T (TABLE)", "ora2pg", true, "created", None),
    ];
    let expected: Vec<(String, String, bool, String, Option<i32>)> = expected
        .iter()
        .map(|(o, e, k, v, l)| (o.to_string(), e.to_string(), *k, v.to_string(), *l))
        .collect();
    assert_eq!(rows, expected);
    let notes: Vec<(i32, String)> = conn
        .prepare(
            "SELECT line, kind FROM knowledge_base.conversion_notes \
             WHERE object_id = 'S.A (FUNCTION)' AND engine = 'native' ORDER BY line",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(notes, [(4, "review".to_owned()), (7, "unsupported".to_owned())]);
    let routine: (String, i32, String) = conn
        .query_row(
            "SELECT routine, line, status FROM knowledge_base.conversion_routines \
             WHERE object_id = 'S.A (FUNCTION)' AND engine = 'native'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(routine, ("a".to_owned(), 3, "errors".to_owned()));
}

#[test]
fn a_second_database_output_is_refused_by_name() {
    let p = TestProject::new();
    p.manifest(
        r#"
[stages.pick]
kind = "pick"
inputs = ["native/", "validation/native/"]
outputs = ["picked/", "a.duckdb", "b.duckdb"]
"#,
    );
    let run = p.run(&["run"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("a pick stage writes one folder and, if asked, a `.duckdb`"),
        "{}",
        run.stderr
    );
}
