//! `pipeline run classify` over a copy of the bundled sample: the classes,
//! features, dependencies and routes it finds, the knowledge base it
//! writes, and that it is incremental and deterministic.
//!
//! The sample's README states what each object is meant to be (simple,
//! medium, hard) and which traps it holds; these tests check the tool
//! against those statements.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use support::TestProject;

const MANIFEST: &str = r#"
[stages.classify]
kind = "classify"
inputs = ["extracted/"]
exclude = ["extracted/**/*.md"]
outputs = ["knowledge/inventory/", "knowledge/analysis/", "knowledge/reports/", "knowledge/kb.duckdb"]
"#;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST).copy_sample();
    p
}

/// Every text file the stage writes, by path.
fn written(p: &TestProject) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for dir in ["knowledge/inventory", "knowledge/analysis", "knowledge/reports"] {
        for entry in walkdir::WalkDir::new(p.path(dir)).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(p.root()).unwrap().display().to_string();
                out.insert(rel.clone(), p.read(&rel));
            }
        }
    }
    out
}

/// The `objects.tsv` row of `id`, as column name → value.
fn row(p: &TestProject, id: &str) -> BTreeMap<String, String> {
    let table = p.read("knowledge/analysis/objects.tsv");
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let line = lines
        .find(|l| l.split('\t').next() == Some(id))
        .unwrap_or_else(|| panic!("no row for {id} in\n{table}"));
    header.iter().map(|h| h.to_string()).zip(line.split('\t').map(str::to_owned)).collect()
}

fn features_of(p: &TestProject, id: &str) -> Vec<String> {
    p.read("knowledge/analysis/features.tsv")
        .lines()
        .filter(|l| l.split('\t').next() == Some(id))
        .map(|l| l.split('\t').nth(1).unwrap().to_owned())
        .collect()
}

#[test]
fn classify_routes_the_sample_as_its_readme_describes() {
    let p = sample();
    let run = p.run_ok(&["classify"]);
    assert!(run.stderr.contains("simple,"), "{}", run.stderr);

    // Wrapped vendor code and Java go to a person.
    let wrapped = row(&p, "FACTURACION.PKG_INTERFAZ_CONTABLE (PACKAGE BODY)");
    assert_eq!(wrapped["route"], "manual");
    let java = row(&p, "SEGURIDAD.ValidadorDocumentos (JAVA SOURCE)");
    assert_eq!(java["route"], "manual");

    // Hard objects go to an agent, simple ones to ora2pg.
    for hard in [
        "FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE BODY)",
        "VENTAS.PKG_PEDIDOS (PACKAGE BODY)",
        "VENTAS.TRG_PEDIDO_LINEAS_CMP (TRIGGER)",
        "SEGURIDAD.PKG_NOTIFICACIONES (PACKAGE BODY)",
    ] {
        let r = row(&p, hard);
        assert_ne!(r["class"], "SIMPLE", "{hard}: {r:?}");
        assert_eq!(r["route"], "agent", "{hard}: {r:?}");
    }
    for simple in ["VENTAS.CLIENTES (TABLE)", "VENTAS.SEQ_PEDIDOS (SEQUENCE)"] {
        let r = row(&p, simple);
        assert_eq!((r["class"].as_str(), r["route"].as_str()), ("SIMPLE", "ora2pg"), "{simple}");
    }
    let routes = p.read("knowledge/analysis/routes/agent.tsv");
    assert!(routes
        .contains("VENTAS.PKG_PEDIDOS (PACKAGE BODY)\textracted/ddl/VENTAS/PKG_PEDIDOS.sql\t"));
}

#[test]
fn features_named_only_in_comments_or_strings_are_not_reported() {
    let p = sample();
    p.run_ok(&["classify"]);
    let absent = [
        ("VENTAS.FN_OBTENER_NOMBRE_CLIENTE (FUNCTION)", "UTL_HTTP"),
        ("VENTAS.FN_OBTENER_NOMBRE_CLIENTE (FUNCTION)", "AUTONOMOUS_TRANSACTION"),
        ("INVENTARIO.V_STOCK_CONSOLIDADO (VIEW)", "CONNECT_BY"),
    ];
    for (id, feature) in absent {
        let found = features_of(&p, id);
        assert!(!found.iter().any(|f| f == feature), "{id} reports {feature}: {found:?}");
    }
    let body = features_of(&p, "FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE BODY)");
    assert!(body.iter().any(|f| f == "UTL_HTTP"), "{body:?}");
}

#[test]
fn the_dependency_cycle_and_the_hot_spot_are_found() {
    let p = sample();
    p.run_ok(&["classify"]);
    let order = p.read("knowledge/analysis/order.txt");
    let cycle =
        order.lines().find(|l| l.starts_with("# cycle")).unwrap_or_else(|| panic!("{order}"));
    assert!(
        cycle.contains("VENTAS.PKG_DESCUENTOS") && cycle.contains("VENTAS.PKG_PEDIDOS"),
        "{cycle}"
    );

    // The audit procedure is what most objects call.
    let deps = p.read("knowledge/analysis/dependencies.tsv");
    let mut callers: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for line in deps.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[1] == "CALLS" && cols[4] == "internal" {
            // `PKG.MEMBER` is a call of the package.
            let target = match cols[3] {
                "PACKAGE" | "TYPE" => cols[2].rsplit_once('.').map_or(cols[2], |(p, _)| p),
                _ => cols[2],
            };
            callers.entry(target.to_owned()).or_default().insert(cols[0].to_owned());
        }
    }
    let top = callers.iter().max_by_key(|(_, c)| c.len()).map(|(t, _)| t.as_str());
    assert_eq!(top, Some("SEGURIDAD.PRC_REGISTRAR_AUDITORIA"), "{callers:?}");

    // A package is converted after the objects it calls.
    let position = |id: &str| order.lines().position(|l| l.ends_with(&format!("\t{id}"))).unwrap();
    assert!(
        position("SEGURIDAD.PRC_REGISTRAR_AUDITORIA (PROCEDURE)")
            < position("VENTAS.PKG_CLIENTES (PACKAGE BODY)")
    );
}

#[test]
fn an_incremental_run_gives_what_a_clean_run_gives() {
    let p = sample();
    p.run_ok(&["classify"]);
    let edited = "extracted/ddl/VENTAS/PKG_DESCUENTOS.sql";
    let text = std::fs::read(p.path(edited)).unwrap();
    // Windows-1252: edit bytes, not text.
    let changed = [&text[..], b"\n-- edited\n"].concat();
    std::fs::write(p.path(edited), &changed).unwrap();
    let run = p.run_ok(&["classify"]);
    assert!(run.stderr.contains("(1 parsed, "), "{}", run.stderr);

    let clean = sample();
    std::fs::write(clean.path(edited), &changed).unwrap();
    clean.run_ok(&["classify"]);
    assert_eq!(written(&p), written(&clean));
}

#[test]
fn a_threshold_change_reclassifies_without_reparsing() {
    let p = sample();
    p.run_ok(&["classify"]);
    let pedidos = "VENTAS.PKG_PEDIDOS (PACKAGE BODY)";
    let factura = "FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE BODY)";
    assert_eq!(row(&p, pedidos)["class"], "COMPLEX");
    p.manifest(&format!("{MANIFEST}\n[classify]\nsimple_below = 1000\ncomplex_from = 2000\n"));
    let run = p.run_ok(&["classify"]);
    assert!(run.stderr.contains("0 parsed, "), "{}", run.stderr);
    assert_eq!(row(&p, pedidos)["class"], "SIMPLE");
    assert_eq!(row(&p, pedidos)["route"], "ora2pg");
    // A HIGH-impact feature (UTL_HTTP) keeps it at MEDIUM however high the thresholds.
    assert_eq!(row(&p, factura)["class"], "MEDIUM");
}

#[test]
fn a_misspelt_setting_is_an_error_naming_it() {
    let p = sample();
    p.manifest(&format!("{MANIFEST}\n[classify]\nsimple_bellow = 5\n"));
    let run = p.run(&["run"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("simple_bellow"), "{}", run.stderr);
}

#[test]
fn the_knowledge_base_holds_what_the_exports_say() {
    let p = sample();
    p.run_ok(&["classify"]);
    let conn = duckdb::Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
    let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).unwrap() };
    let exported =
        |file: &str| p.read(&format!("knowledge/analysis/{file}")).lines().count() as i64 - 1;
    assert_eq!(count("SELECT count(*) FROM knowledge_base.objects"), exported("objects.tsv"));
    assert_eq!(
        count("SELECT count(*) FROM knowledge_base.technical_features"),
        exported("features.tsv")
    );
    assert_eq!(
        count("SELECT count(*) FROM knowledge_base.dependencies"),
        exported("dependencies.tsv")
    );
    assert_eq!(
        count("SELECT count(*) FROM knowledge_base.business_rules"),
        exported("rules.jsonl") + 1
    );
    // The seed's view answers, and embeddings wait for the pgvector stage.
    assert!(count("SELECT count(*) FROM knowledge_base.object_complexity") > 10);
    assert_eq!(
        count("SELECT count(*) FROM knowledge_base.knowledge_items WHERE embedding IS NOT NULL"),
        0
    );
    let features: i64 = conn
        .query_row(
            "SELECT feature_count FROM knowledge_base.object_complexity
             WHERE object_name = 'FACTURACION.PKG_FACTURA_ELECTRONICA' AND object_type = 'PACKAGE BODY'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(features >= 3, "{features}");
}

#[test]
fn rerunning_writes_the_same_bytes_and_the_lock_stays_put() {
    let p = sample();
    p.run_ok(&["classify"]);
    let first = written(&p);
    let lock = p.read("pipeline.lock");
    p.run_ok(&["classify", "--force"]);
    assert_eq!(first, written(&p));
    assert_eq!(lock, p.read("pipeline.lock"), "the lock must not change on a forced re-run");
    let status = p.run(&["status", "--check"]);
    assert_eq!(status.code, 0, "{}", status.stdout);
}

#[test]
fn show_prints_everything_known_of_one_object() {
    let p = sample();
    p.run_ok(&["classify"]);
    let run = p.run(&["show", "vEnTaS.pkg_pedidos"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("VENTAS.PKG_PEDIDOS (PACKAGE)\n"), "{}", run.stdout);
    assert!(run.stdout.contains("VENTAS.PKG_PEDIDOS (PACKAGE BODY)\n"), "{}", run.stdout);
    assert!(run.stdout.contains("  depends on\n"), "{}", run.stdout);
    assert!(run.stdout.contains("VENTAS.PKG_DESCUENTOS"), "{}", run.stdout);

    let missing = p.run(&["show", "PKG_PEDIDO"]);
    assert_ne!(missing.code, 0);
    assert!(missing.stderr.contains("no object matches `PKG_PEDIDO`"), "{}", missing.stderr);
    assert!(missing.stderr.contains("did you mean VENTAS.PKG_PEDIDOS"), "{}", missing.stderr);
}

#[test]
fn the_committed_knowledge_is_what_classify_writes_for_the_sample() {
    let p = TestProject::new();
    p.manifest(&std::fs::read_to_string(repo().join("pipeline.toml")).unwrap()).copy_sample();
    p.run_ok(&["classify"]);
    for (file, text) in written(&p) {
        let committed = std::fs::read_to_string(repo().join(&file)).unwrap_or_default();
        assert_eq!(text, committed, "{file} is stale: run `pipeline run --force classify`");
    }
}

/// The sample's README gives each code object the difficulty its author
/// meant (S, M, H). Classes are a judgement, so the test asks for broad
/// agreement and no object two classes off, not for a match everywhere.
const INTENDED: &[(&str, char)] = &[
    ("SEGURIDAD.PRC_REGISTRAR_AUDITORIA (PROCEDURE)", 'M'),
    ("SEGURIDAD.PKG_CRIPTO (PACKAGE)", 'S'),
    ("SEGURIDAD.PKG_CRIPTO (PACKAGE BODY)", 'H'),
    ("SEGURIDAD.ValidadorDocumentos (JAVA SOURCE)", 'H'),
    ("SEGURIDAD.FN_VALIDAR_EMAIL (FUNCTION)", 'M'),
    ("INVENTARIO.T_NODO_CATEGORIA (TYPE)", 'S'),
    ("INVENTARIO.T_TAB_NODO_CATEGORIA (TYPE)", 'S'),
    ("INVENTARIO.V_STOCK_CONSOLIDADO (VIEW)", 'S'),
    ("INVENTARIO.PKG_CONSTANTES_INV (PACKAGE)", 'M'),
    ("INVENTARIO.PKG_INVENTARIO (PACKAGE)", 'S'),
    ("INVENTARIO.PKG_INVENTARIO (PACKAGE BODY)", 'M'),
    ("VENTAS.FN_OBTENER_NOMBRE_CLIENTE (FUNCTION)", 'S'),
    ("VENTAS.PKG_DESCUENTOS (PACKAGE)", 'M'),
    ("VENTAS.PKG_DESCUENTOS (PACKAGE BODY)", 'M'),
    ("VENTAS.PKG_PEDIDOS (PACKAGE)", 'S'),
    ("VENTAS.PKG_PEDIDOS (PACKAGE BODY)", 'H'),
    ("VENTAS.V_CLIENTES_ACTIVOS (VIEW)", 'S'),
    ("VENTAS.V_PEDIDOS_PENDIENTES (VIEW)", 'M'),
    ("VENTAS.v_ResumenAnual (VIEW)", 'S'),
    ("VENTAS.MV_VENTAS_MENSUALES (MATERIALIZED VIEW)", 'M'),
    ("VENTAS.TRG_PEDIDOS_BIU (TRIGGER)", 'M'),
    ("VENTAS.TRG_CLIENTES_AUD (TRIGGER)", 'S'),
    ("VENTAS.TRG_V_CLIENTES_ACTIVOS_IO (TRIGGER)", 'M'),
    ("VENTAS.TRG_PEDIDO_LINEAS_CMP (TRIGGER)", 'H'),
    ("FACTURACION.T_LINEA_FACTURA (TYPE)", 'M'),
    ("FACTURACION.T_LINEA_FACTURA (TYPE BODY)", 'M'),
    ("FACTURACION.T_TAB_LINEAS_FACTURA (TYPE)", 'S'),
    ("FACTURACION.T_VARRAY_MESES (TYPE)", 'S'),
    ("FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE)", 'S'),
    ("FACTURACION.PKG_FACTURA_ELECTRONICA (PACKAGE BODY)", 'H'),
    ("FACTURACION.PKG_REPORTES (PACKAGE)", 'S'),
    ("FACTURACION.PKG_REPORTES (PACKAGE BODY)", 'H'),
    ("FACTURACION.PKG_INTERFAZ_CONTABLE (PACKAGE)", 'S'),
    ("FACTURACION.PKG_INTERFAZ_CONTABLE (PACKAGE BODY)", 'H'),
    ("FACTURACION.PRC_SINCRONIZAR_CONTABILIDAD (PROCEDURE)", 'H'),
    ("FACTURACION.FN_CALCULAR_IVA (FUNCTION)", 'S'),
    ("VENTAS.FN_VALIDAR_CEDULA (FUNCTION)", 'S'),
    ("FACTURACION.FN_DIAS_HABILES (FUNCTION)", 'S'),
    ("FACTURACION.FN_CALCULAR_INTERES_MORA (FUNCTION)", 'M'),
    ("INVENTARIO.FN_ARBOL_CATEGORIAS (FUNCTION)", 'H'),
    ("SEGURIDAD.FN_OBTENER_PARAMETRO (FUNCTION)", 'S'),
    ("FACTURACION.FN_NOMBRE_MES (FUNCTION)", 'S'),
    ("INVENTARIO.PRC_ACTUALIZAR_PRECIO (PROCEDURE)", 'S'),
    ("VENTAS.PRC_ACTUALIZAR_LIMITE_CREDITO (PROCEDURE)", 'S'),
    ("VENTAS.PRC_TOP_CLIENTES (PROCEDURE)", 'M'),
    ("SEGURIDAD.PRC_ARCHIVAR_REGISTROS (PROCEDURE)", 'H'),
    ("FACTURACION.PRC_CIERRE_MENSUAL (PROCEDURE)", 'H'),
    ("INVENTARIO.PRC_GUARDAR_BODEGA (PROCEDURE)", 'S'),
    ("VENTAS.PKG_CLIENTES (PACKAGE)", 'S'),
    ("VENTAS.PKG_CLIENTES (PACKAGE BODY)", 'M'),
    ("SEGURIDAD.PKG_NOTIFICACIONES (PACKAGE)", 'S'),
    ("SEGURIDAD.PKG_NOTIFICACIONES (PACKAGE BODY)", 'H'),
    ("INVENTARIO.TRG_PRODUCTOS_PRECIO_HIST (TRIGGER)", 'S'),
    ("FACTURACION.TRG_FACTURAS_ESTADO (TRIGGER)", 'M'),
    ("SEGURIDAD.TRG_USUARIOS_BIU (TRIGGER)", 'S'),
    ("VENTAS.TRG_CAMPANIAS_BIU (TRIGGER)", 'S'),
];

#[test]
fn classes_agree_with_the_difficulty_the_sample_was_written_with() {
    let p = sample();
    p.run_ok(&["classify"]);
    let rank = |class: &str| -> i32 {
        match class {
            "SIMPLE" => 0,
            "MEDIUM" => 1,
            _ => 2,
        }
    };
    let mut agree = 0;
    let mut off = Vec::new();
    for &(id, intended) in INTENDED {
        let class = row(&p, id)["class"].clone();
        let meant = match intended {
            'S' => 0,
            'M' => 1,
            _ => 2,
        };
        let got = rank(&class);
        if got == meant {
            agree += 1;
        } else {
            off.push(format!("{id}: meant {intended}, classified {class}"));
        }
        assert!((got - meant).abs() < 2, "{id}: meant {intended}, classified {class}");
    }
    let share = agree as f64 / INTENDED.len() as f64;
    assert!(share >= 0.75, "{agree} of {} agree:\n{}", INTENDED.len(), off.join("\n"));
}

/// Every row of every table, timestamps aside, as sorted text.
fn database_rows(p: &TestProject) -> Vec<String> {
    let conn = duckdb::Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
    let mut rows = Vec::new();
    let tables: [(&str, &str); 5] = [
        ("objects", ""),
        ("knowledge_items", "EXCLUDE (created_at, updated_at)"),
        ("business_rules", "EXCLUDE (created_at)"),
        ("dependencies", "EXCLUDE (created_at)"),
        ("technical_features", "EXCLUDE (created_at)"),
    ];
    for (table, exclude) in tables {
        let sql = format!(
            "SELECT CAST(t AS VARCHAR) FROM (SELECT * {exclude} FROM knowledge_base.{table}) t"
        );
        let mut stmt = conn.prepare(&sql).unwrap();
        let found = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        rows.extend(found.map(|r| format!("{table}: {}", r.unwrap())));
    }
    rows.sort();
    rows
}

#[test]
fn the_knowledge_base_updated_in_place_equals_a_fresh_one() {
    let p = sample();
    p.run_ok(&["classify"]);
    let edited = "extracted/ddl/VENTAS/PKG_PEDIDOS.sql";
    let text = p.read(edited);
    let changed = text.replace("v_lineas = 0", "v_lineas < 1");
    assert_ne!(text, changed);
    p.write(edited, &changed);
    p.write("extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql", "");
    p.run_ok(&["classify"]);

    let clean = sample();
    clean.write(edited, &changed);
    clean.write("extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql", "");
    clean.run_ok(&["classify"]);
    let (updated, fresh) = (database_rows(&p), database_rows(&clean));
    assert_eq!(updated.len(), fresh.len());
    assert_eq!(updated, fresh);
    assert!(updated.iter().any(|r| r.contains("v_lineas < 1")));
}

#[test]
fn deeply_nested_code_is_read_not_crashed_on() {
    let p = sample();
    let depth = 2_000;
    let body = format!(
        "CREATE OR REPLACE PROCEDURE ventas.p_profundo IS\nBEGIN\n{}NULL;\n{}END;\n/\n",
        "BEGIN\n".repeat(depth),
        "END;\n".repeat(depth)
    );
    p.write("extracted/ddl/VENTAS/P_PROFUNDO.sql", &body);
    p.run_ok(&["classify"]);
    assert_eq!(row(&p, "VENTAS.P_PROFUNDO (PROCEDURE)")["max_nesting"], (depth + 1).to_string());
}

#[test]
fn settings_that_make_scores_meaningless_are_refused() {
    for (setting, named) in [
        ("simple_below = -5", "classify.simple_below = -5"),
        ("complex_from = 5", "classify.complex_from = 5 is below classify.simple_below = 10"),
        ("[classify.weights]\ncode_lines_per_point = 0", "code_lines_per_point = 0"),
        ("[classify.weights]\nhigh = nan", "classify.weights.high = NaN"),
    ] {
        let p = sample();
        p.manifest(&format!("{MANIFEST}\n[classify]\n{setting}\n"));
        let run = p.run(&["run"]);
        assert_eq!(run.code, 1, "{setting}: {}", run.stderr);
        assert!(run.stderr.contains(named), "{setting}: {}", run.stderr);
    }
}

#[test]
fn a_forced_run_rebuilds_a_damaged_knowledge_base() {
    let p = sample();
    p.run_ok(&["classify"]);
    {
        let conn = duckdb::Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
        conn.execute_batch("DELETE FROM knowledge_base.technical_features").unwrap();
    }
    p.run_ok(&["classify", "--force"]);
    let conn = duckdb::Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM knowledge_base.technical_features", [], |r| r.get(0))
        .unwrap();
    assert!(n > 100, "{n}");
}

#[test]
fn an_export_edited_by_hand_is_written_again() {
    let p = sample();
    p.run_ok(&["classify"]);
    let objects = p.read("knowledge/analysis/objects.tsv");
    p.write("knowledge/analysis/objects.tsv", "edited\n");
    p.write("knowledge/reports/notes.txt", "mine\n");
    let run = p.run_ok(&["classify"]);
    assert_eq!(run.ran(), ["classify"]);
    assert_eq!(p.read("knowledge/analysis/objects.tsv"), objects);
    assert!(!p.path("knowledge/reports/notes.txt").exists());
}
