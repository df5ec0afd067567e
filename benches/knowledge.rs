//! Benchmark: the knowledge base of the synthetic 8,122-object estate
//! loaded into PostgreSQL with pgvector, and search latency over it.
//!
//! Builds the estate, runs the main job (classify, embed with the offline
//! provider, render) without a database, then times `pipeline run load`
//! into an empty database (schema, COPY, HNSW indexes), a re-load after one
//! object changed, and a re-load with nothing changed. Then times 200
//! searches, each a question embedded and `knowledge_base.semantic_search`
//! called, p50 and p95, and the same searches against the local DuckDB file.
//!
//! The database is `DATABASE_URL` when set (it must be empty: the bench
//! loads into it), or else a server the bench starts from the PostgreSQL
//! binaries in `PIPELINE_TEST_PG_BIN` (scripts/test.sh prepares them).
//!
//! Run with `cargo bench --bench knowledge` (`-- OBJECTS` to change the size).

#[path = "../tests/support/pg.rs"]
#[allow(dead_code)]
mod pg;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use pipeline::knowledge::embed::offline::Offline;

const QUESTIONS: &[&str] = &[
    "how is the discount computed",
    "which procedures send email",
    "where are invoices written",
    "who calls the HTTP service",
    "stock update after an order",
    "validation of the customer credit limit",
    "audit trail of changes",
    "bulk load of order lines",
    "exchange rate conversion",
    "nightly job that closes the period",
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let objects: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8_122);
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let temp = tempfile::tempdir().expect("temp dir");
    let root = temp.path();
    std::fs::copy(repo.join("pipeline.toml"), root.join("pipeline.toml")).unwrap();
    copy_tree(&repo.join("templates"), &root.join("templates"));
    let estate = pipeline::synth::write_estate(&root.join("extracted"), objects, 1).unwrap();
    println!(
        "synthetic estate: {} objects, {} files, {:.1} MB",
        estate.objects,
        estate.files,
        estate.bytes as f64 / 1e6
    );
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => pg::Server::shared().database("bench"),
    };

    let (seconds, lines) = run(root, &[], None);
    println!("  main job without a database: {seconds:.2} s\n{lines}");
    let conn = duckdb::Connection::open(root.join("knowledge/knowledge.duckdb")).unwrap();
    let (items, rules): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM knowledge_base.knowledge_items),
                    (SELECT count(*) FROM knowledge_base.business_rules)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    println!("  knowledge: {items} items, {rules} rules, 1024-dimension embeddings");

    let (seconds, line) = run(root, &["load"], Some(&url));
    println!("  load into an empty database: {seconds:.2} s\n{line}");
    let edited = first_sql_file(&root.join("extracted"));
    let mut text = std::fs::read(&edited).unwrap();
    let at = text.windows(5).position(|w| w == b":= 0;").expect("an assignment to edit");
    text[at + 3] = b'7';
    std::fs::write(&edited, &text).unwrap();
    let (seconds, line) = run(root, &[], Some(&url));
    println!("  one object edited, whole run with load: {seconds:.2} s\n{line}");
    let (seconds, line) = run(root, &["--force", "load"], Some(&url));
    println!("  re-load, nothing changed: {seconds:.2} s\n{line}");

    let embedder = Offline::new(1024);
    let target = pipeline::knowledge::postgres::Target::parse(&url).unwrap();
    let mut client = target.connect().unwrap();
    let mut sql = Vec::new();
    let mut whole = Vec::new();
    for round in 0..20 {
        for question in QUESTIONS {
            let start = Instant::now();
            let v = embedder.vector(question);
            let literal = vector_literal(&v);
            let sql_start = Instant::now();
            let rows = client
                .query(
                    "SELECT object_name, similarity
                     FROM knowledge_base.semantic_search($1::text::vector, 10, 0.0)",
                    &[&literal],
                )
                .unwrap();
            if round == 0 && question == &QUESTIONS[0] {
                assert!(!rows.is_empty(), "the search found nothing");
            }
            sql.push(sql_start.elapsed().as_secs_f64() * 1e3);
            whole.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "  PostgreSQL search, {} queries: SQL p50 {:.1} ms, p95 {:.1} ms; with embedding p50 {:.1} ms, p95 {:.1} ms",
        sql.len(),
        percentile(&mut sql, 50.0),
        percentile(&mut sql, 95.0),
        percentile(&mut whole, 50.0),
        percentile(&mut whole, 95.0)
    );

    let local = duckdb::Connection::open(root.join("knowledge/knowledge.duckdb")).unwrap();
    let mut times = Vec::new();
    for _ in 0..20 {
        for question in QUESTIONS {
            let start = Instant::now();
            let literal = vector_literal(&embedder.vector(question));
            let mut stmt = local
                .prepare(
                    "SELECT object_name, array_cosine_similarity(embedding, ?::FLOAT[1024]) AS s
                     FROM knowledge_base.knowledge_items WHERE embedding IS NOT NULL
                     ORDER BY s DESC LIMIT 10",
                )
                .unwrap();
            let n = stmt.query_map([&literal], |r| r.get::<_, String>(0)).unwrap().count();
            assert!(n > 0);
            times.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    println!(
        "  DuckDB search (exact), {} queries: p50 {:.1} ms, p95 {:.1} ms",
        times.len(),
        percentile(&mut times, 50.0),
        percentile(&mut times, 95.0)
    );
}

fn vector_literal(v: &[f32]) -> String {
    let parts: Vec<String> = v.iter().map(|x| x.to_string()).collect();
    format!("[{}]", parts.join(","))
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let rank = ((p / 100.0) * (values.len() - 1) as f64).round() as usize;
    values[rank]
}

/// Runs `pipeline run ARGS` in `root`; the seconds and the stages' lines.
fn run(root: &Path, args: &[&str], url: Option<&str>) -> (f64, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pipeline"));
    command.arg("run").args(args).env("NO_COLOR", "1").current_dir(root);
    match url {
        Some(url) => command.env("DATABASE_URL", url),
        None => command.env_remove("DATABASE_URL"),
    };
    let start = Instant::now();
    let out = command.output().unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("ran "))
        .map(|l| format!("    {}", l.trim()))
        .collect();
    (seconds, lines.join("\n"))
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn first_sql_file(dir: &Path) -> std::path::PathBuf {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files.into_iter().next().expect("the estate has SQL files")
}
