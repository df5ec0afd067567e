//! `pipeline run convert-simple` with the real ora2pg over a small estate
//! of our own (`tests/fixtures/convert_simple/`): one file per object with
//! ora2pg's rewrites in it, a broken object failing alone, the cache, the
//! same bytes on every run, and a machine without ora2pg.
//!
//! The route list is written by the tests rather than by classify, so that
//! they say exactly which objects go to ora2pg.

mod support;

use std::path::{Path, PathBuf};

use support::TestProject;

const MANIFEST: &str = r#"
[stages.convert-simple]
kind = "convert-simple"
inputs = ["routes/ora2pg.tsv", "extracted/", "config/ora2pg.conf"]
outputs = ["migrated/simple/"]
"#;

/// The route list: object, fixture file, first and last line.
const ROUTE: &[(&str, &str, u32, u32)] = &[
    ("VENTAS.PEDIDOS (TABLE)", "pedidos.sql", 1, 9),
    ("VENTAS.FN_SALDO_CLIENTE (FUNCTION)", "fn_saldo_cliente.sql", 1, 13),
    ("VENTAS.PRC_CERRAR_PEDIDO (PROCEDURE)", "prc_cerrar_pedido.sql", 1, 11),
    ("VENTAS.PKG_PRECIOS (PACKAGE)", "pkg_precios.sql", 1, 5),
    ("VENTAS.PKG_PRECIOS (PACKAGE BODY)", "pkg_precios.sql", 6, 12),
    ("VENTAS.TRG_PEDIDOS_BIU (TRIGGER)", "trg_pedidos_biu.sql", 1, 10),
    ("VENTAS.V_PEDIDOS_ABIERTOS (VIEW)", "v_pedidos_abiertos.sql", 1, 6),
    ("VENTAS.FN_ROTO (FUNCTION)", "fn_roto.sql", 1, 7),
    ("VENTAS.MV_VENTAS (MATERIALIZED VIEW)", "mv_ventas.sql", 1, 3),
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The real ora2pg on `PATH`; these tests are about it.
fn real_ora2pg() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join("ora2pg"))
        .find(|p| p.is_file())
        .expect("ora2pg is not installed: apt-get install ora2pg")
}

fn route_text(rows: &[(&str, &str, u32, u32)]) -> String {
    let mut text = String::from("object\tfile\tfirst_line\tlast_line\thash\tclass\n");
    for (i, (object, file, first, last)) in rows.iter().enumerate() {
        text.push_str(&format!(
            "{object}\textracted/ventas/{file}\t{first}\t{last}\th{i}\tSIMPLE\n"
        ));
    }
    text
}

/// A project with the fixtures, the repository's rendered ora2pg.conf and
/// the route list.
fn estate() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST);
    let fixtures = repo().join("tests/fixtures/convert_simple/ventas");
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        p.write(&format!("extracted/ventas/{name}"), &std::fs::read_to_string(&path).unwrap());
    }
    let conf = std::fs::read_to_string(repo().join("deploy/config/ora2pg.conf")).unwrap();
    p.write("config/ora2pg.conf", &conf);
    p.write("routes/ora2pg.tsv", &route_text(ROUTE));
    p
}

/// A `PATH` whose ora2pg is a wrapper around the real one that logs each
/// conversion run's input file to `runs.log`.
fn counting_path(p: &TestProject) -> String {
    let script = format!(
        "#!/bin/sh\n\
         case \"$*\" in *' -i '*) ;; *) exec '{real}' \"$@\" ;; esac\n\
         prev=''\n\
         for a in \"$@\"; do\n\
           if [ \"$prev\" = -i ]; then echo \"== run\" >> '{log}'; cat \"$a\" >> '{log}'; fi\n\
           prev=$a\n\
         done\n\
         exec '{real}' \"$@\"\n",
        real = real_ora2pg().display(),
        log = p.path("runs.log").display()
    );
    p.write("bin/ora2pg", &script);
    make_executable(&p.path("bin/ora2pg"));
    let path = std::env::var("PATH").unwrap_or_default();
    format!("{}:{path}", p.path("bin").display())
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// `index.tsv` as (object, file, status, message) rows.
fn index(p: &TestProject) -> Vec<(String, String, String, String)> {
    p.read("migrated/simple/index.tsv")
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0].to_owned(), c[1].to_owned(), c[3].to_owned(), c[7].to_owned())
        })
        .collect()
}

fn status_of(p: &TestProject, object: &str) -> (String, String) {
    let rows = index(p);
    let row = rows.iter().find(|r| r.0 == object).unwrap_or_else(|| panic!("{object}: {rows:?}"));
    (row.2.clone(), row.3.clone())
}

#[test]
fn each_object_gets_its_own_file_with_ora2pg_s_rewrites() {
    real_ora2pg();
    let p = estate();
    let run = p.run_ok(&["convert-simple"]);
    assert!(run.stderr.contains("9 objects: 7 converted, 2 failed"), "{}", run.stderr);

    let function = p.read("migrated/simple/ventas/fn_saldo_cliente.function.sql");
    assert!(function.starts_with("CREATE OR REPLACE FUNCTION"), "{function}");
    assert!(function.contains("coalesce(SUM(total), 0)"), "{function}");
    assert!(function.contains("RETURNS numeric"), "{function}");
    assert!(!function.contains("Ora2Pg"), "the header is left out:\n{function}");

    let procedure = p.read("migrated/simple/ventas/prc_cerrar_pedido.procedure.sql");
    assert!(procedure.contains("RAISE NOTICE"), "{procedure}");
    assert!(procedure.contains("USING ERRCODE = '45010'"), "{procedure}");
    assert!(!procedure.contains("fn_saldo_cliente"), "{procedure}");

    let spec = p.read("migrated/simple/ventas/pkg_precios.package.sql");
    assert!(spec.contains("CREATE SCHEMA IF NOT EXISTS pkg_precios;"), "{spec}");
    let body = p.read("migrated/simple/ventas/pkg_precios.package_body.sql");
    assert!(body.contains("FUNCTION pkg_precios.con_iva"), "{body}");
    assert!(!body.contains("CREATE SCHEMA"), "{body}");

    let trigger = p.read("migrated/simple/ventas/trg_pedidos_biu.trigger.sql");
    assert!(trigger.contains("RETURNS trigger"), "{trigger}");
    assert!(trigger.contains("NEW.estado := UPPER(NEW.estado)"), "{trigger}");
    assert!(trigger.contains("CREATE TRIGGER"), "{trigger}");

    let view = p.read("migrated/simple/ventas/v_pedidos_abiertos.view.sql");
    assert!(view.contains("CASE WHEN"), "{view}");
    let table = p.read("migrated/simple/ventas/pedidos.table.sql");
    assert!(table.contains("CREATE TABLE ventas.pedidos"), "{table}");
    assert!(table.contains("varchar(10)"), "{table}");
    // Amounts stay exact: NUMBER(14,2) is not turned into double precision.
    assert!(table.contains("total decimal(14,2)"), "{table}");
    assert!(table.contains("PRIMARY KEY"), "{table}");
}

#[test]
fn a_broken_object_fails_alone_and_says_why() {
    real_ora2pg();
    let p = estate();
    let run = p.run_ok(&["convert-simple", "-v"]);
    let (status, message) = status_of(&p, "VENTAS.FN_ROTO (FUNCTION)");
    assert_eq!(status, "failed");
    assert!(message.contains("Nothing found of type FUNCTION"), "{message}");
    assert!(!p.path("migrated/simple/ventas/fn_roto.function.sql").exists());
    let (status, message) = status_of(&p, "VENTAS.MV_VENTAS (MATERIALIZED VIEW)");
    assert_eq!(status, "failed");
    assert!(message.contains("cannot read MATERIALIZED VIEW from a file"), "{message}");
    assert!(run.stderr.contains("failed VENTAS.FN_ROTO (FUNCTION):"), "{}", run.stderr);

    let converted: Vec<_> = index(&p).into_iter().filter(|r| r.2 == "converted").collect();
    assert_eq!(converted.len(), 7, "{converted:?}");
    for (object, file, _, _) in converted {
        assert!(p.path(&format!("migrated/simple/{file}")).is_file(), "{object}: {file}");
    }
}

#[test]
fn unchanged_objects_are_not_sent_to_ora2pg_again() {
    let p = estate();
    let path = counting_path(&p);
    let first = p.run_env(&["run", "convert-simple"], &[("PATH", &path)]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let log = p.read("runs.log");
    assert!(log.contains("fn_saldo_cliente"), "{log}");

    // A new object makes the stage stale; only it goes to ora2pg.
    std::fs::remove_file(p.path("runs.log")).unwrap();
    p.write(
        "extracted/ventas/seq_pedidos.sql",
        "CREATE SEQUENCE ventas.seq_pedidos START WITH 1000 INCREMENT BY 1 CACHE 20;\n",
    );
    let mut rows = ROUTE.to_vec();
    rows.push(("VENTAS.SEQ_PEDIDOS (SEQUENCE)", "seq_pedidos.sql", 1, 1));
    p.write("routes/ora2pg.tsv", &route_text(&rows));
    let second = p.run_env(&["run", "convert-simple"], &[("PATH", &path)]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let log = p.read("runs.log");
    assert_eq!(log.matches("== run").count(), 1, "{log}");
    assert!(log.contains("seq_pedidos") && !log.contains("fn_saldo_cliente"), "{log}");
    assert!(second.stderr.contains("(8 from the cache)"), "{}", second.stderr);
    let sequence = p.read("migrated/simple/ventas/seq_pedidos.sequence.sql");
    assert!(sequence.starts_with("CREATE SEQUENCE ventas.seq_pedidos"), "{sequence}");
}

/// Every file of the output folder, by path.
fn output(p: &TestProject) -> Vec<(String, String)> {
    let dir = p.path("migrated/simple");
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(&dir).unwrap().display().to_string();
            files.push((rel, std::fs::read_to_string(entry.path()).unwrap()));
        }
    }
    files
}

#[test]
fn two_runs_write_the_same_bytes() {
    real_ora2pg();
    let (a, b) = (estate(), estate());
    a.run_ok(&["convert-simple"]);
    b.run_ok(&["convert-simple"]);
    assert_eq!(output(&a), output(&b));
    // A forced run converts everything again, to the same bytes.
    let before = output(&a);
    a.run_ok(&["convert-simple", "--force"]);
    assert_eq!(output(&a), before);
}

#[test]
fn without_ora2pg_every_object_fails_and_the_stage_succeeds() {
    let p = estate();
    std::fs::create_dir_all(p.path("empty")).unwrap();
    let path = p.path("empty").display().to_string();
    let run = p.run_env(&["run", "convert-simple"], &[("PATH", &path)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ora2pg is not installed"), "{}", run.stderr);
    assert!(run.stderr.contains("hint: apt-get install ora2pg"), "{}", run.stderr);
    let rows = index(&p);
    assert_eq!(rows.len(), ROUTE.len());
    for (object, file, status, message) in rows {
        assert_eq!((status.as_str(), file.as_str()), ("failed", ""), "{object}");
        assert!(message.contains("ora2pg is not installed"), "{object}: {message}");
    }
    let lock = p.read("pipeline.lock");
    assert!(lock.contains("missing"), "the lock records ora2pg as missing:\n{lock}");
}
