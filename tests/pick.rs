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
