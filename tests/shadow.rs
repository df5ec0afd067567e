//! The `shadow` stage through the binary, on the fixture estate in
//! `tests/fixtures/validate/`: the converted objects are applied to a real
//! PostgreSQL 15, each case is run and compared with the value captured on
//! Oracle, and the scripts for both sides are written.

mod support;

use support::pg::Server;
use support::TestProject;

fn fixture() -> TestProject {
    let p = TestProject::new();
    p.copy_fixture("tests/fixtures/validate");
    p
}

/// `case -> (status, difference)` of results.tsv.
fn results(p: &TestProject) -> Vec<(String, String, String)> {
    p.read("migrated/shadow/results.tsv")
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            (cells[0].to_owned(), cells[2].to_owned(), cells[5].to_owned())
        })
        .collect()
}

#[test]
fn cases_pass_fail_with_their_difference_and_handle_null() {
    let url = Server::shared_15().database("shadow");
    let p = fixture();
    let run = p.run_env(&["run", "shadow"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("5 cases: 3 PASS, 2 FAIL"), "{}", run.stderr);
    assert!(run.stderr.contains("warning: shadow: 2 shadow cases FAIL"), "{}", run.stderr);

    let got = results(&p);
    let row = |name: &str| got.iter().find(|r| r.0 == name).unwrap().clone();
    assert_eq!(row("iva general").1, "PASS");
    // 99.99 * 0.10 rounds to 10.00 on PostgreSQL; within the tolerance of 10.
    assert_eq!(row("iva reducido redondeado").1, "PASS");
    assert_eq!(row("iva de nada").1, "PASS", "NULL equals NULL");
    assert_eq!(
        row("iva exento"),
        (
            "iva exento".into(),
            "FAIL".into(),
            "expected 1, got 0: difference -1 (tolerance 0)".into()
        )
    );
    assert_eq!(row("iva nunca nulo").2, "expected 0, got NULL");

    let md = p.read("migrated/shadow/results.md");
    assert!(md.contains("| iva exento | FAIL | 1 | '0.00' | expected 1, got 0"), "{md}");
    // The scripts say the same call on each side.
    let oracle = p.read("migrated/shadow/oracle.sql");
    assert!(
        oracle
            .contains("TO_CHAR(FACTURACION.FN_CALCULAR_IVA(100, 'GENERAL')) AS actual FROM dual;"),
        "{oracle}"
    );
    let postgres = p.read("migrated/shadow/postgres.sql");
    assert!(
        postgres.contains("(facturacion.fn_calcular_iva(NULL, 'GENERAL'))::text"),
        "{postgres}"
    );
}

#[test]
fn without_a_database_the_scripts_are_written_and_cases_not_run() {
    let p = fixture();
    let run = p.run(&["run", "shadow"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(results(&p).iter().all(|r| r.1 == "NOT-RUN"));
    assert!(p.read("migrated/shadow/oracle.sql").contains("FN_CALCULAR_IVA(99.99, 'REDUCIDO')"));
}

#[test]
fn a_case_without_a_call_is_an_error_naming_its_line() {
    let p = fixture();
    p.write("tests/shadow/cases.toml", "[[case]]\nname = \"a\"\nexpected = 1\n");
    let run = p.run(&["run", "shadow"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cases.toml:1: case `a` says neither what to call"),
        "{}",
        run.stderr
    );
}
