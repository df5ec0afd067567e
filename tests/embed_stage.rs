//! `pipeline run` with the `embed` stage over the bundled sample: every
//! knowledge item and rule gets an embedding, unchanged texts are never
//! embedded twice, and the cache outlives a rebuild of the knowledge base.

mod support;

use duckdb::Connection;
use support::TestProject;

const MANIFEST: &str = r#"
[knowledge.embedding]
provider = "offline"

[stages.classify]
kind = "classify"
inputs = ["extracted/"]
exclude = ["extracted/**/*.md"]
outputs = ["knowledge/inventory/", "knowledge/analysis/", "knowledge/reports/", "knowledge/kb.duckdb"]

[stages.embed]
kind = "embed"
inputs = ["knowledge/kb.duckdb"]
outputs = ["knowledge/embeddings.duckdb"]
"#;

fn sample() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST).copy_sample();
    p
}

/// (rows, rows with an embedding) of a table of the knowledge base.
fn counts(p: &TestProject, table: &str) -> (i64, i64) {
    let conn = Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
    conn.query_row(
        &format!("SELECT count(*), count(embedding) FROM knowledge_base.{table}"),
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

/// The line of `pipeline run`'s output about the embed stage.
fn embed_line(stderr: &str) -> &str {
    stderr.lines().find(|l| l.contains("embed")).unwrap_or_else(|| panic!("{stderr}"))
}

/// The number before `word` in `line`.
fn number_before(line: &str, word: &str) -> u64 {
    let head = &line[..line.find(word).unwrap_or_else(|| panic!("no `{word}` in {line}"))];
    head.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn every_item_and_rule_is_embedded_and_a_second_run_does_nothing() {
    let p = sample();
    let first = p.run_ok(&[]);
    let (items, embedded) = counts(&p, "knowledge_items");
    assert!(items > 40, "{items}");
    assert_eq!(embedded, items);
    let (rules, embedded) = counts(&p, "business_rules");
    assert!(rules > 5, "{rules}");
    assert_eq!(embedded, rules);
    let line = embed_line(&first.stderr);
    assert!(number_before(line, "texts embedded") > 40, "{line}");

    // The stage's own writes to the knowledge base do not make it stale.
    let second = p.run_ok(&[]);
    assert_eq!(second.ran(), Vec::<String>::new(), "{}", second.stderr);
    let status = p.run(&["status"]);
    assert!(!status.stdout.contains("stale"), "{}", status.stdout);
}

#[test]
fn an_edited_object_sends_only_its_own_texts() {
    let p = sample();
    p.run_ok(&[]);
    let file = "extracted/ddl/VENTAS/FN_OBTENER_NOMBRE_CLIENTE.sql";
    let source = p.read(file);
    p.write(file, &source.replacen("BEGIN", "BEGIN\n  -- restock rule reviewed\n", 1));
    let run = p.run_ok(&[]);
    assert_eq!(run.ran(), ["classify", "embed"]);
    let line = embed_line(&run.stderr);
    let sent = number_before(line, "texts embedded");
    assert!((1..=3).contains(&sent), "{line}");
    assert_eq!(counts(&p, "knowledge_items").0, counts(&p, "knowledge_items").1);
}

#[test]
fn a_rebuilt_knowledge_base_is_filled_from_the_cache() {
    let p = sample();
    p.run_ok(&[]);
    std::fs::remove_file(p.path("knowledge/kb.duckdb")).unwrap();
    let run = p.run_ok(&[]);
    assert_eq!(run.ran(), ["classify", "embed"]);
    let line = embed_line(&run.stderr);
    assert_eq!(number_before(line, "texts embedded"), 0, "{line}");
    assert!(number_before(line, "from the cache") > 40, "{line}");
    let (items, embedded) = counts(&p, "knowledge_items");
    assert_eq!(items, embedded);
}

#[test]
fn vectors_are_the_offline_embedder_s_of_each_item_text() {
    use pipeline::knowledge::embed::offline::Offline;
    use pipeline::knowledge::embed::store::rule_text;
    let p = sample();
    p.run_ok(&[]);
    let conn = Connection::open(p.path("knowledge/kb.duckdb")).unwrap();
    let (name, context, conditions, actions, code, stored): (
        String,
        String,
        String,
        String,
        String,
        String,
    ) = conn
        .query_row(
            "SELECT rule_name, coalesce(business_context, ''), conditions, actions,
                    coalesce(source_code, ''), embedding::VARCHAR
             FROM knowledge_base.business_rules ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .unwrap();
    let stored: Vec<f32> = stored
        .trim_matches(|c| c == '[' || c == ']')
        .split(',')
        .map(|x| x.trim().parse().unwrap())
        .collect();
    let expected =
        Offline::new(1024).vector(&rule_text(&name, &context, &conditions, &actions, &code));
    assert_eq!(stored.len(), 1024);
    for (a, b) in stored.iter().zip(&expected) {
        assert!((a - b).abs() < 1e-6, "{a} != {b}");
    }
}

#[test]
fn a_bad_embedding_table_is_refused_with_its_key() {
    let p = sample();
    p.manifest(&MANIFEST.replace("provider = \"offline\"", "provider = \"offline\"\nbatch = 3"));
    let run = p.run(&["run"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("[knowledge.embedding]"), "{}", run.stderr);
    assert!(run.stderr.contains("unknown field `batch`"), "{}", run.stderr);
}

#[test]
fn a_lost_cache_is_filled_again_from_the_knowledge_base() {
    let p = sample();
    p.run_ok(&[]);
    std::fs::remove_file(p.path("knowledge/embeddings.duckdb")).unwrap();
    let run = p.run_ok(&[]);
    assert_eq!(run.ran(), ["embed"]);
    let line = embed_line(&run.stderr);
    assert_eq!(number_before(line, "texts embedded"), 0, "{line}");
    // A rebuilt knowledge base then finds every vector in the cache.
    std::fs::remove_file(p.path("knowledge/kb.duckdb")).unwrap();
    let run = p.run_ok(&[]);
    let line = embed_line(&run.stderr);
    assert_eq!(number_before(line, "texts embedded"), 0, "{line}");
    assert!(number_before(line, "from the cache") > 40, "{line}");
}

#[test]
fn the_lock_records_what_the_databases_hold_not_their_bytes() {
    let p = sample();
    p.run_ok(&[]);
    let lock = p.read("pipeline.lock");
    // A rebuilt knowledge base has other bytes and the same content.
    let run = p.run_ok(&["--force", "classify"]);
    assert_eq!(run.ran(), ["classify"]);
    let run = p.run_ok(&[]);
    assert_eq!(run.ran(), ["embed"], "{}", run.stderr);
    assert_eq!(p.read("pipeline.lock"), lock);
    assert_eq!(p.run_ok(&[]).ran(), Vec::<String>::new());
}
