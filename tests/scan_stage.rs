//! `pipeline run scan` over a copy of the bundled sample: what it writes,
//! that it is incremental per file, and that bad input never stops it.

mod support;

use std::path::Path;

use support::TestProject;

const MANIFEST: &str = r#"
[stages.scan]
kind = "scan"
inputs = ["extracted/"]
exclude = ["extracted/**/*.md"]
outputs = ["knowledge/inventory/"]
"#;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST).copy_sample();
    p
}

fn inventory(p: &TestProject) -> Vec<(String, String)> {
    ["objects.tsv", "files.tsv", "problems.txt", "summary.json"]
        .iter()
        .map(|f| (f.to_string(), p.read(&format!("knowledge/inventory/{f}"))))
        .collect()
}

#[test]
fn scan_writes_the_inventory_of_the_sample() {
    let p = sample();
    let run = p.run_ok(&["scan"]);
    assert_eq!(run.ran(), ["scan"]);
    let objects = p.read("knowledge/inventory/objects.tsv");
    let header = "file\tfirst_line\tlast_line\tkind\tschema\tname\tstatus\terrors\thash\n";
    assert!(objects.starts_with(header), "{objects}");
    let rows = |kind: &str, name: &str| -> Vec<String> {
        let infix = format!("\t{kind}\tFACTURACION\t{name}\t");
        objects.lines().filter(|l| l.contains(&infix)).map(str::to_owned).collect()
    };
    let body = rows("PACKAGE BODY", "PKG_FACTURA_ELECTRONICA");
    assert_eq!(body.len(), 1, "{objects}");
    assert!(body[0].contains("\tfull\t0\t"), "{objects}");
    let wrapped = rows("PACKAGE BODY", "PKG_INTERFAZ_CONTABLE");
    assert_eq!(wrapped.len(), 1, "{objects}");
    assert!(wrapped[0].contains("\tnot parsed (wrapped)\t"), "{objects}");
    let summary: serde_json::Value =
        serde_json::from_str(&p.read("knowledge/inventory/summary.json")).unwrap();
    assert!(summary["objects"].as_u64().unwrap() > 80, "{summary}");
    assert_eq!(summary["files_skipped"], 0);
    let files = p.read("knowledge/inventory/files.tsv");
    assert!(files.lines().any(|l| l.contains("windows-1252")), "{files}");
    assert!(files.lines().any(|l| l.contains("crlf")), "{files}");
}

#[test]
fn editing_one_file_reparses_only_that_file_and_matches_a_clean_run() {
    let p = sample();
    p.run_ok(&["scan"]);
    let edited = "extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql";
    let text = p.read(edited);
    p.write(edited, &text.replace("RETURN", "RETURN /* edited */"));
    let run = p.run_ok(&["scan"]);
    assert!(run.stderr.contains("(1 parsed, "), "{}", run.stderr);
    let incremental = inventory(&p);

    let clean = sample();
    clean.write(edited, &text.replace("RETURN", "RETURN /* edited */"));
    clean.run_ok(&["scan"]);
    assert_eq!(incremental, inventory(&clean));
}

#[test]
fn files_that_are_not_sql_are_skipped_and_reported() {
    let p = sample();
    std::fs::write(
        p.path("extracted/ddl/logo.png"),
        [0x89, b'P', b'N', b'G', 0, 0, 0, 13, 0xff, 0],
    )
    .unwrap();
    p.write(
        "extracted/ddl/broken.sql",
        "CREATE OR REPLACE PACKAGE BODY x AS\n  PROCEDURE p IS BEGIN\n",
    );
    let run = p.run_ok(&["scan"]);
    assert!(run.stderr.contains("warning: scan: 1 file skipped"), "{}", run.stderr);
    let problems = p.read("knowledge/inventory/problems.txt");
    assert!(problems.contains("extracted/ddl/logo.png: skipped:"), "{problems}");
    assert!(p.read("knowledge/inventory/objects.tsv").contains("extracted/ddl/broken.sql\t1\t"));
}

#[test]
fn the_committed_inventory_is_what_scan_writes_for_the_sample() {
    let p = sample();
    p.run_ok(&["scan"]);
    for (file, text) in inventory(&p) {
        let committed =
            std::fs::read_to_string(repo().join("knowledge/inventory").join(&file)).unwrap();
        assert_eq!(
            text, committed,
            "knowledge/inventory/{file} is stale: run `pipeline run --force scan`"
        );
    }
}

#[test]
fn force_reparses_every_file() {
    let p = sample();
    p.run_ok(&["scan"]);
    let run = p.run_ok(&["scan", "--force"]);
    assert!(!run.stderr.contains("unchanged"), "{}", run.stderr);
}
