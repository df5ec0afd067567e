//! The `load` stage against a real PostgreSQL with pgvector: the schema is
//! created from the rendered scripts, every table loaded, a re-load after a
//! change updates, adds and removes rows by their stable ids, and a load
//! that fails half-way leaves the old contents.

mod support;

use support::pg::Server;
use support::TestProject;

/// The bundled sample with the repository's own manifest and templates.
fn project() -> TestProject {
    let p = TestProject::new();
    p.copy_manifest_and_templates().copy_sample();
    p
}

fn run_with(p: &TestProject, url: &str, args: &[&str]) -> support::Run {
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    p.run_env(&all, &[("DATABASE_URL", url)])
}

fn load_ok(p: &TestProject, url: &str) -> support::Run {
    let run = run_with(p, url, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// Rows of each table in the local knowledge base.
fn local_counts(p: &TestProject) -> Vec<(String, i64)> {
    let conn = duckdb::Connection::open(p.path("knowledge/knowledge.duckdb")).unwrap();
    let mut out = Vec::new();
    for table in ["objects", "knowledge_items", "business_rules", "technical_features"] {
        let n: i64 = conn
            .query_row(&format!("SELECT count(*) FROM knowledge_base.{table}"), [], |r| r.get(0))
            .unwrap();
        out.push((table.to_owned(), n));
    }
    out
}

fn remote_count(db: &str, table: &str) -> i64 {
    Server::shared()
        .psql(db, &format!("SELECT count(*) FROM knowledge_base.{table}"))
        .parse()
        .unwrap()
}

/// A digest of everything the tables hold but their timestamps.
fn digest(db: &str) -> String {
    Server::shared().psql(
        db,
        "SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
             SELECT o.object_id || o.complexity_class || o.code_lines AS x FROM knowledge_base.objects o
             UNION ALL SELECT id || title || description || coalesce(embedding::text, '') FROM knowledge_base.knowledge_items
             UNION ALL SELECT id || rule_name FROM knowledge_base.business_rules
             UNION ALL SELECT id || source_object || target_object || call_count FROM knowledge_base.dependencies
             UNION ALL SELECT id || feature_name || occurrences FROM knowledge_base.technical_features
         ) AS rows",
    )
}

#[test]
fn a_first_load_creates_the_schema_and_copies_every_table() {
    let server = Server::shared();
    let url = server.database("first");
    let db = Server::name_of(&url);
    let p = project();
    let run = load_ok(&p, &url);
    assert!(run.stderr.contains("load"), "{}", run.stderr);

    for (table, n) in local_counts(&p) {
        assert_eq!(remote_count(db, &table), n, "{table}");
    }
    // The HNSW indexes, set aside for the first load, are back.
    let indexes = server.psql(
        db,
        "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
         WHERE schemaname = 'knowledge_base' AND indexdef LIKE '%USING hnsw%'",
    );
    assert_eq!(indexes, "idx_knowledge_embedding,idx_rules_embedding");
    // Dependencies are one row per (source, target, type), as the seed's table keeps them.
    let duplicates = server.psql(
        db,
        "SELECT count(*) FROM (SELECT 1 FROM knowledge_base.dependencies
         GROUP BY source_object, target_object, dependency_type HAVING count(*) > 1) d",
    );
    assert_eq!(duplicates, "0");
    assert!(remote_count(db, "dependencies") > 20);
    // Every item has its embedding, and the search function finds by meaning.
    assert_eq!(
        server.psql(
            db,
            "SELECT count(*) FROM knowledge_base.knowledge_items WHERE embedding IS NULL"
        ),
        "0"
    );
    let vector = pipeline::knowledge::embed::offline::Offline::new(1024)
        .vector("PKG_DESCUENTOS calcular descuento cliente");
    let literal =
        format!("[{}]", vector.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","));
    let top = server.psql(
        db,
        &format!(
            "SELECT string_agg(object_name, ',')
             FROM knowledge_base.semantic_search('{literal}'::vector, 3, 0.0)"
        ),
    );
    assert!(top.split(',').any(|o| o == "PKG_DESCUENTOS"), "{top}");

    // The receipt says where, never with the password.
    let receipt = p.read("knowledge/load.json");
    assert!(receipt.contains("\"loaded\": true"), "{receipt}");
    assert!(receipt.contains(db), "{receipt}");
}

#[test]
fn a_reload_updates_adds_and_removes_by_stable_ids() {
    let server = Server::shared();
    let url = server.database("reload");
    let db = Server::name_of(&url);
    let p = project();
    load_ok(&p, &url);
    let id_of = |name: &str| {
        server.psql(
            db,
            &format!(
                "SELECT id FROM knowledge_base.knowledge_items
                 WHERE object_name = '{name}' AND knowledge_type = 'FLOW' ORDER BY id LIMIT 1"
            ),
        )
    };
    let kept_id = id_of("PKG_DESCUENTOS");
    // A person's own note in the knowledge base survives every re-load.
    server.psql(
        db,
        "INSERT INTO knowledge_base.knowledge_items
             (object_type, object_name, knowledge_type, title, description, created_by)
         VALUES ('PACKAGE', 'PKG_PEDIDOS', 'RULE', 'Review with finance', 'Ask Ana', 'ana')",
    );

    // Edit one object, remove one, add one.
    let edited = "extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql";
    let source = p.read(edited);
    p.write(edited, &source.replacen("BEGIN", "BEGIN\n  NULL;\n  NULL;\n", 1));
    std::fs::remove_file(p.path("extracted/ddl/FACTURACION/PRC_SINCRONIZAR_CONTABILIDAD.sql"))
        .unwrap();
    p.write(
        "extracted/ddl/VENTAS/FN_TOTAL_CON_IVA.sql",
        "CREATE OR REPLACE FUNCTION VENTAS.FN_TOTAL_CON_IVA(p_total NUMBER) RETURN NUMBER IS\n\
         BEGIN\n  RETURN ROUND(p_total * 1.21, 2);\nEND;\n/\n",
    );
    let run = load_ok(&p, &url);
    assert!(run.ran().contains(&"load".to_owned()), "{}", run.stderr);

    for (table, n) in local_counts(&p) {
        assert_eq!(remote_count(db, &table), n + i64::from(table == "knowledge_items"), "{table}");
    }
    assert_eq!(id_of("PKG_DESCUENTOS"), kept_id, "an unchanged object keeps its id");
    assert_eq!(
        server.psql(db, "SELECT count(*) FROM knowledge_base.objects WHERE object_name = 'PRC_SINCRONIZAR_CONTABILIDAD'"),
        "0"
    );
    assert_eq!(
        server.psql(db, "SELECT count(*) FROM knowledge_base.knowledge_items WHERE object_name = 'PRC_SINCRONIZAR_CONTABILIDAD'"),
        "0"
    );
    assert_eq!(
        server.psql(
            db,
            "SELECT count(*) FROM knowledge_base.objects WHERE object_name = 'FN_TOTAL_CON_IVA'"
        ),
        "1"
    );
    assert_eq!(
        server.psql(
            db,
            "SELECT count(*) FROM knowledge_base.knowledge_items WHERE created_by = 'ana'"
        ),
        "1"
    );
    let receipt = p.read("knowledge/load.json");
    assert!(receipt.contains("\"deleted\": 1"), "{receipt}");
    assert!(receipt.contains("\"inserted\": 1"), "{receipt}");

    // Loading the same base again changes nothing.
    let again = run_with(&p, &url, &["--force", "load"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let receipt: serde_json::Value = serde_json::from_str(&p.read("knowledge/load.json")).unwrap();
    for table in receipt["tables"].as_array().unwrap() {
        for change in ["inserted", "updated", "deleted"] {
            assert_eq!(table[change], 0, "{table}");
        }
    }
}

#[test]
fn a_load_that_fails_half_way_leaves_the_old_contents() {
    let server = Server::shared();
    let url = server.database("halfway");
    let db = Server::name_of(&url);
    let p = project();
    load_ok(&p, &url);
    let before = digest(db);

    // Change an early table, and break the last one: PostgreSQL's CHECK
    // on complexity_impact refuses the row after everything else is in.
    // First for one object (a re-load sends the objects whose hash
    // changed), then for all of them (a re-load of the whole base).
    let break_base = |objects: &str| {
        let conn = duckdb::Connection::open(p.path("knowledge/knowledge.duckdb")).unwrap();
        conn.execute_batch(&format!(
            "CREATE TEMP TABLE broken AS SELECT object_id FROM knowledge_base.objects {objects};
             UPDATE knowledge_base.objects SET row_hash = row_hash || 'x'
             WHERE object_id IN (SELECT object_id FROM broken);
             UPDATE knowledge_base.knowledge_item_rows SET title = 'changed'
             WHERE object_id IN (SELECT object_id FROM broken);
             UPDATE knowledge_base.technical_features SET complexity_impact = 'EXTREME'
             WHERE object_id IN (SELECT object_id FROM broken);"
        ))
        .unwrap();
    };
    for objects in
        ["WHERE object_id = (SELECT max(object_id) FROM knowledge_base.technical_features)", ""]
    {
        break_base(objects);
        // A hand edit of the knowledge base does not make load stale (the
        // lock records what classify wrote): force it.
        let run = run_with(&p, &url, &["--force", "load"]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(run.stderr.contains("technical_features"), "{}", run.stderr);
        assert!(run.stderr.contains("the database keeps what it held"), "{}", run.stderr);
        assert_eq!(digest(db), before, "{objects}");
    }
}

#[test]
fn without_a_database_the_load_warns_and_runs_once_one_is_set() {
    let p = project();
    let run = p.run_ok(&[]);
    assert!(run.stderr.contains("not loaded into PostgreSQL"), "{}", run.stderr);
    assert!(p.read("knowledge/load.json").contains("\"loaded\": false"));
    assert_eq!(p.run_ok(&[]).ran(), Vec::<String>::new());

    let server = Server::shared();
    let url = server.database("later");
    let with_password = format!("{url} password=s3cret-pw");
    let run = p.run_env(&["run", "-v"], &[("DATABASE_URL", &with_password)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // The database is new to every stage that uses one (load, and the
    // validation stages, which use it too); the others stay up to date.
    let ran = run.ran();
    assert!(ran.iter().any(|s| s == "load"), "{ran:?}");
    for untouched in ["render", "classify", "embed", "convert-simple", "convert-native"] {
        assert!(!ran.iter().any(|s| s == untouched), "{ran:?}");
    }
    assert!(run.stderr.contains("env.DATABASE_URL"), "{}", run.stderr);
    for text in [run.stderr, run.stdout, p.read("knowledge/load.json"), p.read("pipeline.lock")] {
        assert!(!text.contains("s3cret-pw"), "{text}");
    }
}

#[test]
fn an_unreachable_database_fails_the_stage_with_where_it_tried() {
    let p = project();
    let run = p.run_env(
        &["run"],
        &[("DATABASE_URL", "postgres://kb:s3cret-pw@127.0.0.1:1/veris?sslmode=disable")],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot connect to postgres://kb@127.0.0.1:1/veris"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("s3cret-pw"));
}
