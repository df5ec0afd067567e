//! Validation against a real PostgreSQL 15 with plpgsql_check: what passes,
//! what fails and at which line of the object's file, and that nothing is
//! left in the database. Then the `validate` stage through the binary, on
//! the fixture estate in `tests/fixtures/validate/`.

mod support;

use pipeline::convert::results::{read_results, ResultStatus};
use pipeline::convert::validate::{Level, RoutineStatus, Validator, VerdictStatus};
use pipeline::knowledge::postgres::Target;
use support::pg::Server;
use support::TestProject;

fn validator(url: &str) -> Validator {
    let v = Validator::start(&Target::parse(url).unwrap()).unwrap();
    assert!(v.has_plpgsql_check(), "{:?}", v.plpgsql_check_note());
    v
}

const TABLE: &str =
    "CREATE SCHEMA ventas;\nCREATE TABLE ventas.facturas (id int, importe numeric);\n";

#[test]
fn an_object_that_compiles_and_passes_plpgsql_check_is_ok() {
    let url = Server::shared_15().database("pass");
    let mut v = validator(&url);
    assert_eq!(v.apply("VENTAS.FACTURAS (TABLE)", TABLE).status, VerdictStatus::Ok);
    let sql = "CREATE FUNCTION ventas.total() RETURNS numeric LANGUAGE plpgsql AS $$\n\
               BEGIN\n  RETURN (SELECT sum(importe) FROM ventas.facturas);\nEND $$;\n";
    let verdict = v.apply("VENTAS.TOTAL (FUNCTION)", sql);
    assert_eq!(verdict.status, VerdictStatus::Ok, "{}", verdict.summary());
    assert!(verdict.checked);
    assert_eq!(verdict.summary(), "ok");
}

#[test]
fn a_syntax_error_in_a_body_is_found_despite_ora2pg_switching_checks_off() {
    let url = Server::shared_15().database("syntax");
    let mut v = validator(&url);
    let sql = "-- ora2pg\nSET check_function_bodies = false;\n\n\
               CREATE FUNCTION f() RETURNS int AS $body$\nBEGIN\n  retrun 1;\nEND;\n$body$ \
               LANGUAGE plpgsql;\n";
    let verdict = v.apply("S.F (FUNCTION)", sql);
    assert_eq!(verdict.status, VerdictStatus::Failed);
    assert_eq!(verdict.summary(), "line 6: syntax error at or near \"retrun\"");
}

#[test]
fn a_statement_error_is_reported_at_the_line_of_its_position() {
    let url = Server::shared_15().database("position");
    let mut v = validator(&url);
    let sql = "SET search_path = public;\nCREATE VIEW v AS\n  SELECT id\n    FROM facturas;\n";
    let verdict = v.apply("S.V (VIEW)", sql);
    assert_eq!(verdict.summary(), "line 4: relation \"facturas\" does not exist");
}

#[test]
fn a_declaration_error_is_reported_at_its_body_line() {
    let url = Server::shared_15().database("declare");
    let mut v = validator(&url);
    let sql =
        "CREATE FUNCTION f() RETURNS int\nLANGUAGE plpgsql\nAS $$\nDECLARE\n  x no_such_type;\n\
               BEGIN\n  RETURN 1;\nEND $$;\n";
    let verdict = v.apply("S.F (FUNCTION)", sql);
    assert_eq!(verdict.line(), Some(5), "{}", verdict.summary());
    assert!(verdict.summary().contains("no_such_type"), "{}", verdict.summary());
}

#[test]
fn a_missing_table_only_plpgsql_check_sees_is_reported_at_its_line() {
    let url = Server::shared_15().database("check");
    let mut v = validator(&url);
    let sql = "CREATE FUNCTION total(p int) RETURNS numeric LANGUAGE plpgsql AS $$\n\
               DECLARE\n  t numeric;\nBEGIN\n  SELECT sum(importe) INTO t\n    FROM facturas_historico\n\
               WHERE id = p;\n  RETURN t;\nEND $$;\n";
    let verdict = v.apply("S.TOTAL (FUNCTION)", sql);
    assert_eq!(verdict.status, VerdictStatus::Failed);
    assert!(verdict.checked);
    // plpgsql_check counts the statement's first line, where SELECT is.
    assert_eq!(verdict.summary(), "line 5: relation \"facturas_historico\" does not exist");
    // The failed object is gone: a second try does not say it exists.
    assert_eq!(v.apply("S.TOTAL (FUNCTION)", sql).status, VerdictStatus::Failed);
    let missing_column = "CREATE TABLE facturas (id int);\n\
         CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n\
         RETURN (SELECT importe FROM facturas);\nEND $$;\n";
    let verdict = v.apply("S.F (FUNCTION)", missing_column);
    assert_eq!(verdict.summary(), "line 4: column \"importe\" does not exist");
}

#[test]
fn each_member_of_a_package_gets_a_verdict_of_its_own() {
    let url = Server::shared_15().database("members");
    let mut v = validator(&url);
    let sql = "CREATE SCHEMA pkg;\n\
               CREATE FUNCTION pkg.fine() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1;\nEND $$;\n\
               CREATE FUNCTION pkg.broken() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  retrun 1;\nEND $$;\n\
               CREATE OR REPLACE PROCEDURE \"pkg\".\"Reads\"() LANGUAGE plpgsql AS $$\nBEGIN\n  \
               PERFORM count(*) FROM no_such_table;\nEND $$;\n\
               CREATE FUNCTION pkg.plain() RETURNS int LANGUAGE sql AS 'SELECT 2';\n";
    let verdict = v.apply_keeping_what_compiled("S.PKG (PACKAGE BODY)", sql);
    // The object fails at its first refused member, as before...
    assert_eq!(verdict.status, VerdictStatus::Failed);
    assert_eq!(verdict.summary(), "line 8: syntax error at or near \"retrun\"");
    // ...and every member says how it fared on its own.
    let got: Vec<(&str, u32, RoutineStatus)> =
        verdict.routines.iter().map(|r| (r.name.as_str(), r.line, r.status)).collect();
    assert_eq!(
        got,
        [
            ("pkg.fine", 2, RoutineStatus::Clean),
            ("pkg.broken", 6, RoutineStatus::Refused),
            ("pkg.reads", 10, RoutineStatus::Errors),
            ("pkg.plain", 14, RoutineStatus::Created),
        ]
    );
    assert!(verdict.routines[2].message.contains("no_such_table"), "{:?}", verdict.routines[2]);
    // What compiled of a failed object stays for the objects after it;
    // the broken member does not.
    let count = |v: &mut Validator, name: &str| {
        let sql = format!("SELECT count(*) FROM pg_proc WHERE proname = '{name}'");
        v.query_text(&sql).unwrap()
    };
    assert_eq!(count(&mut v, "fine"), [Some("1".to_owned())]);
    assert_eq!(count(&mut v, "broken"), [Some("0".to_owned())]);
    let caller = "CREATE FUNCTION uses_fine() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  \
                  RETURN pkg.fine();\nEND $$;\n";
    let verdict = v.apply("S.USES_FINE (FUNCTION)", caller);
    assert_eq!(verdict.status, VerdictStatus::Ok, "{}", verdict.summary());
    // An agent's attempt (apply) that fails leaves nothing: the next
    // attempt starts clean.
    let attempt = "CREATE FUNCTION pkg.again() RETURNS int LANGUAGE sql AS 'SELECT 1';\n\
                   CREATE FUNCTION pkg.bad() RETURNS int LANGUAGE plpgsql AS $$ retrun $$;\n";
    assert_eq!(v.apply("S.PKG2 (PACKAGE BODY)", attempt).status, VerdictStatus::Failed);
    assert_eq!(count(&mut v, "again"), [Some("0".to_owned())]);
}

#[test]
fn members_after_a_failed_statement_of_another_kind_are_not_run() {
    let url = Server::shared_15().database("stopped");
    let mut v = validator(&url);
    let sql = "CREATE FUNCTION a() RETURNS int LANGUAGE sql AS 'SELECT 1';\n\
               CREATE TYPE t AS (x no_such_type);\n\
               CREATE FUNCTION b() RETURNS int LANGUAGE sql AS 'SELECT 1';\n";
    let verdict = v.apply("S.P (PACKAGE BODY)", sql);
    assert_eq!(verdict.status, VerdictStatus::Failed);
    assert_eq!(verdict.line(), Some(2), "{}", verdict.summary());
    assert_eq!(verdict.routines[0].status, RoutineStatus::Created, "{:?}", verdict.routines[0]);
    assert_eq!(verdict.routines[1].status, RoutineStatus::Refused);
    assert!(
        verdict.routines[1]
            .message
            .starts_with("not run: line 2 failed first: type \"no_such_type\""),
        "{:?}",
        verdict.routines[1]
    );
}

#[test]
fn plpgsql_check_warnings_alone_are_warnings() {
    let url = Server::shared_15().database("warn");
    let mut v = validator(&url);
    let sql =
        "CREATE FUNCTION f(t text) RETURNS int LANGUAGE plpgsql AS $$\nDECLARE x int;\nBEGIN\n  \
               x := t;\n  RETURN x;\nEND $$;\n";
    let verdict = v.apply("S.F (FUNCTION)", sql);
    assert_eq!(verdict.status, VerdictStatus::Warnings, "{}", verdict.summary());
    assert_eq!(verdict.findings[0].level, Level::Warning);
    assert_eq!(verdict.line(), Some(4));
}

#[test]
fn a_runtime_error_of_a_do_block_is_reported_at_its_line() {
    let url = Server::shared_15().database("do");
    let mut v = validator(&url);
    let sql = "DO $$\nBEGIN\n  PERFORM 1;\n  PERFORM 1 / 0;\nEND $$;\n";
    assert_eq!(v.apply("S.INIT (DO)", sql).summary(), "line 4: division by zero");
}

#[test]
fn try_sql_keeps_nothing_and_apply_keeps_what_passes() {
    let url = Server::shared_15().database("try");
    let mut v = validator(&url);
    let view = "CREATE VIEW ventas.v AS SELECT importe FROM ventas.facturas;";
    assert_eq!(v.try_sql("VENTAS.FACTURAS (TABLE)", TABLE).status, VerdictStatus::Ok);
    assert_eq!(v.apply("VENTAS.V (VIEW)", view).status, VerdictStatus::Failed);
    assert_eq!(v.apply("VENTAS.FACTURAS (TABLE)", TABLE).status, VerdictStatus::Ok);
    assert_eq!(v.apply("VENTAS.V (VIEW)", view).status, VerdictStatus::Ok);
}

#[test]
fn nothing_is_left_in_the_database_after_a_validation() {
    let server = Server::shared_15();
    let url = server.database("clean");
    let db = Server::name_of(&url);
    let mut v = validator(&url);
    v.apply("VENTAS.FACTURAS (TABLE)", TABLE);
    v.apply(
        "PKG (PACKAGE BODY)",
        "CREATE SCHEMA pkg;\nCREATE FUNCTION pkg.f() RETURNS int AS 'SELECT 1' LANGUAGE sql;",
    );
    v.finish();
    let left = server.psql(
        db,
        "SELECT (SELECT count(*) FROM pg_namespace WHERE nspname IN ('ventas', 'pkg'))
              + (SELECT count(*) FROM pg_extension WHERE extname = 'plpgsql_check')",
    );
    assert_eq!(left, "0");
}

#[test]
fn extensions_the_code_needs_are_created_for_the_validation_only() {
    let server = Server::shared_15();
    let url = server.database("orafce");
    let mut v = validator(&url);
    let view = "CREATE VIEW v AS SELECT oracle.nvl(NULL::int, 1) AS uno;";
    assert_eq!(v.try_sql("V (VIEW)", view).status, VerdictStatus::Failed);
    v.create_extension("orafce").unwrap();
    assert_eq!(v.apply("V (VIEW)", view).status, VerdictStatus::Ok);
    let e = v.create_extension("no_such_extension").unwrap_err();
    assert!(e.contains("no_such_extension"), "{e}");
    v.finish();
    let left = server
        .psql(Server::name_of(&url), "SELECT count(*) FROM pg_extension WHERE extname = 'orafce'");
    assert_eq!(left, "0");
}

// The stage, through the binary --------------------------------------------------------------

fn fixture() -> TestProject {
    let p = TestProject::new();
    p.copy_fixture("tests/fixtures/validate");
    p
}

#[test]
fn the_stage_applies_both_routes_in_dependency_order_and_reports_each_failure() {
    let server = Server::shared_15();
    let url = server.database("stage");
    let p = fixture();
    let run = p.run_env(&["run", "validate"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("7 objects: 4 created (0 with warnings), 3 failed"),
        "{}",
        run.stderr
    );

    let rows = read_results(&p.path("migrated/validation/all")).unwrap();
    let got: Vec<(&str, ResultStatus, Option<u32>)> =
        rows.iter().map(|r| (r.object.as_str(), r.status, r.line)).collect();
    assert_eq!(
        got,
        [
            // The view comes first in its folder's index, but after its table in order.txt.
            ("FACTURACION.ABIERTAS (VIEW)", ResultStatus::Ok, None),
            ("FACTURACION.FACTURAS (TABLE)", ResultStatus::Ok, None),
            ("FACTURACION.FN_CALCULAR_IVA (FUNCTION)", ResultStatus::Ok, None),
            // Not in order.txt: applied last, and its failure stopped nothing.
            ("FACTURACION.FN_MORA (FUNCTION)", ResultStatus::Failed, Some(7)),
            ("FACTURACION.FN_TOTAL_CLIENTE (FUNCTION)", ResultStatus::Failed, Some(10)),
            // Uses the table, the view and FN_CALCULAR_IVA of the other folder.
            ("FACTURACION.PKG_COBROS (PACKAGE BODY)", ResultStatus::Ok, None),
            ("FACTURACION.PR_CERRAR_MES (PROCEDURE)", ResultStatus::Failed, Some(10)),
        ]
    );
    let total = &rows[4];
    assert_eq!(total.message, "relation \"facturas_historico\" does not exist");
    assert_eq!(total.file, "migrated/simple/facturacion/fn_total_cliente.function.sql");
    assert!(rows[2].checked && rows[5].checked);

    let report = p.read("migrated/validation/all/report.md");
    assert!(report.contains("| agent | 2 | 1 | 50 % | 1 | 1 | 0 |"), "{report}");
    assert!(report.contains("| ora2pg | 5 | 3 | 60 % | 1 | 2 | 0 |"), "{report}");
    assert!(report.contains("| 1 | relation \"…\" does not exist |"), "{report}");
    assert!(
        report.contains("at `migrated/simple/facturacion/fn_total_cliente.function.sql:10`"),
        "{report}"
    );
    assert!(report.contains("not applied: 1."), "{report}");

    // Nothing of the estate is left behind.
    let left = server.psql(
        Server::name_of(&url),
        "SELECT count(*) FROM pg_namespace WHERE nspname IN ('facturacion', 'pkg_cobros')",
    );
    assert_eq!(left, "0");
}

#[test]
fn route_one_alone_sees_only_its_folder() {
    let url = Server::shared_15().database("simple");
    let p = fixture();
    let run = p.run_env(&["run", "validate-simple"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = read_results(&p.path("migrated/validation/simple")).unwrap();
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.route == "ora2pg"));
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == ResultStatus::Failed)
        .map(|r| r.object.as_str())
        .collect();
    assert_eq!(
        failed,
        ["FACTURACION.FN_TOTAL_CLIENTE (FUNCTION)", "FACTURACION.PR_CERRAR_MES (PROCEDURE)"]
    );
}

#[test]
fn without_a_database_the_stage_warns_and_marks_every_object_not_run() {
    let p = fixture();
    let run = p.run(&["run", "validate"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning:"), "{}", run.stderr);
    assert!(run.stderr.contains("DATABASE_URL"), "{}", run.stderr);
    let rows = read_results(&p.path("migrated/validation/all")).unwrap();
    assert_eq!(rows.len(), 7);
    assert!(rows.iter().all(|r| r.status == ResultStatus::NotRun));
    let report = p.read("migrated/validation/all/report.md");
    assert!(report.contains("Not run: no database was configured"), "{report}");
    // A database set later makes the stage stale.
    let url = Server::shared_15().database("later");
    let again = p.run_env(&["run", "validate"], &[("DATABASE_URL", &url)]);
    assert_eq!(again.ran(), ["validate"], "{}", again.stderr);
}

#[test]
fn an_object_missing_from_the_order_is_there_when_its_dependents_are_tried_again() {
    let url = Server::shared_15().database("retry");
    let p = TestProject::new();
    p.copy_fixture("tests/fixtures/validate");
    // The view is listed, the table it reads is not: the table comes last.
    p.write(
        "knowledge/analysis/order.txt",
        "1\tFACTURACION.ABIERTAS (VIEW)\n2\tFACTURACION.FN_CALCULAR_IVA (FUNCTION)\n",
    );
    let run = p.run_env(&["run", "validate-simple"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = read_results(&p.path("migrated/validation/simple")).unwrap();
    assert_eq!(rows[0].object, "FACTURACION.ABIERTAS (VIEW)");
    assert_eq!(rows[0].status, ResultStatus::Ok, "{}", rows[0].message);
}

#[test]
fn setup_scripts_among_the_inputs_are_applied_first_and_a_broken_one_is_named() {
    let url = Server::shared_15().database("setup");
    let p = TestProject::new();
    p.manifest(
        r#"
[stages.validate]
kind = "validate"
inputs = ["deploy/helpers.sql", "deploy/broken.sql", "migrated/native/"]
outputs = ["migrated/validation/native/"]
"#,
    );
    p.write(
        "deploy/helpers.sql",
        "\\set ON_ERROR_STOP on\nBEGIN;\nCREATE SCHEMA helpers;\n\
         CREATE FUNCTION helpers.tax(n numeric) RETURNS numeric LANGUAGE sql AS 'SELECT n * 0.21';\n\
         COMMIT;\n",
    );
    p.write(
        "deploy/broken.sql",
        "CREATE SCHEMA other;\n\nCREATE TABLE other.t (x no_such_type);\n",
    );
    p.write(
        "migrated/native/index.tsv",
        "object\tfile\troute\tstatus\tsource\tfirst_line\thash\tmessage\n\
         S.F (FUNCTION)\ts/f.function.sql\tnative\tconverted\tx.sql\t1\th\t\n",
    );
    p.write(
        "migrated/native/s/f.function.sql",
        "CREATE FUNCTION f(p numeric) RETURNS numeric LANGUAGE plpgsql AS $$\nBEGIN\n  \
         RETURN helpers.tax(p);\nEND $$;\n",
    );
    let run = p.run_env(&["run"], &[("DATABASE_URL", &url)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("setup script `deploy/broken.sql` not applied: line 3: type \"no_such_type\" does not exist"),
        "{}",
        run.stderr
    );
    let rows = read_results(&p.path("migrated/validation/native")).unwrap();
    assert_eq!(rows[0].status, ResultStatus::Ok, "{:?}", rows[0]);
    assert!(rows[0].checked);
}

#[test]
fn a_failed_object_kept_in_part_passes_when_tried_again() {
    let url = Server::shared_15().database("retry");
    let mut v = validator(&url);
    // The child's foreign key needs a parent that comes later.
    let child = "CREATE SCHEMA a;\nCREATE TABLE a.t_child (id int, p_id int);\n\
                 ALTER TABLE a.t_child ADD CONSTRAINT fk FOREIGN KEY (p_id) REFERENCES a.t_parent (id);\n\
                 CREATE FUNCTION a.child_count() RETURNS bigint LANGUAGE sql AS 'SELECT 1::bigint';\n";
    let parent = "CREATE TABLE a.t_parent (id int PRIMARY KEY);\n";
    assert_eq!(
        v.apply_keeping_what_compiled("A.T_CHILD (TABLE)", child).status,
        VerdictStatus::Failed
    );
    assert_eq!(
        v.apply_keeping_what_compiled("A.T_PARENT (TABLE)", parent).status,
        VerdictStatus::Ok
    );
    // The retry at the end: the kept function is replaced, the table made.
    let again = v.apply_keeping_what_compiled("A.T_CHILD (TABLE)", child);
    assert_eq!(again.status, VerdictStatus::Ok, "{}", again.summary());
}

#[test]
fn a_setup_script_cannot_lift_the_validation_limits_or_commit() {
    let url = Server::shared_15().database("limits");
    let mut v = validator(&url);
    v.setup("SET statement_timeout = 0;\nSET lock_timeout = 0;\nCREATE TABLE kept (x int);\nCOMMIT AND CHAIN;\n")
        .unwrap();
    assert_eq!(v.query_text("SHOW statement_timeout").unwrap(), [Some("2min".to_owned())]);
    assert_eq!(v.query_text("SHOW lock_timeout").unwrap(), [Some("10s".to_owned())]);
    let copy = v.setup("CREATE TABLE s (x int);\nCOPY s (x) FROM stdin;\n");
    assert!(copy.unwrap_err().starts_with("line 2: COPY ... FROM stdin"));
    // A file psql would include is not read, and the note says so.
    let notes =
        v.setup("\\set ON_ERROR_STOP on\n\\i types.sql\nCREATE TABLE t (x int);\n").unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].starts_with("line 2: `\\i types.sql` is psql's"), "{notes:?}");
    v.finish();
    // Nothing was committed.
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let row = client.query_one("SELECT to_regclass('kept') IS NULL", &[]).unwrap();
    assert!(row.get::<_, bool>(0));
}
