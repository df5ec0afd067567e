//! Benchmark: the whole main job, `pipeline run` with a `classify` stage
//! (scan, parse, classify, DuckDB, exports, report), on the synthetic
//! 8,122-object estate.
//!
//! Times the real release binary: a clean run (no cache, no outputs), an
//! incremental run after adding a comment to one file, another after
//! changing one assignment of one object (its facts, and the knowledge
//! base, change), and a no-op run; prints the peak memory of the runs.
//! Targets on a 2-core machine: clean under 10 s, incremental under 1 s.
//!
//! Run with `cargo bench --bench main_job` (`-- OBJECTS DIR` to change the
//! size, or to build the project in DIR and keep it for a closer look).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const MANIFEST: &str = r#"
[project]
name = "synthetic-estate"

[stages.classify]
kind = "classify"
inputs = ["extracted/"]
outputs = [
    "knowledge/inventory/",
    "knowledge/analysis/",
    "knowledge/reports/",
    "knowledge/knowledge.duckdb",
]
"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let objects: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8_122);
    let temp = tempfile::tempdir().expect("temp dir");
    let root = args.get(1).map_or(temp.path(), Path::new);
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(root.join("pipeline.toml"), MANIFEST).unwrap();
    let estate = pipeline::synth::write_estate(&root.join("extracted"), objects, 1).unwrap();
    println!(
        "synthetic estate: {} objects, {} files, {:.1} MB, {} lines",
        estate.objects,
        estate.files,
        estate.bytes as f64 / 1e6,
        estate.lines
    );

    let clean = run(root);
    println!("  clean run:       {:.2} s (target < 10 s)  {}", clean.0, clean.1);
    let edited = first_sql_file(&root.join("extracted"));
    let mut text = std::fs::read(&edited).unwrap();
    text.extend_from_slice(b"\n-- edited by the benchmark\n");
    std::fs::write(&edited, &text).unwrap();
    let comment = run(root);
    println!("  a comment added: {:.2} s (target < 1 s)  {}", comment.0, comment.1);
    // An edit that changes what an object does: one assignment's value.
    let at = text.windows(5).position(|w| w == b":= 0;").expect("an assignment to edit");
    text[at + 3] = b'7';
    std::fs::write(&edited, &text).unwrap();
    let code = run(root);
    println!("  one object edited: {:.2} s (target < 1 s)  {}", code.0, code.1);
    let noop = run(root);
    println!("  nothing changed: {:.2} s", noop.0);
    println!("  peak memory of a run: {:.0} MB", peak_child_rss_mb());
}

/// Runs `pipeline run` in `root`; returns the seconds and the stage's line.
fn run(root: &Path) -> (f64, String) {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_pipeline"))
        .args(["run"])
        .env("NO_COLOR", "1")
        .current_dir(root)
        .output()
        .unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let line = stderr.lines().find(|l| l.contains("classify")).unwrap_or("").trim().to_owned();
    (seconds, line)
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

/// The largest resident set of any child so far.
fn peak_child_rss_mb() -> f64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    usage.ru_maxrss as f64 / 1024.0
}
