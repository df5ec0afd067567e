//! Throughput of the PL/SQL front end: split + lex + parse, one core and all cores.
//!
//! `cargo bench --bench frontend` generates the synthetic estate (8,122 objects) in a
//! temporary folder and scans it; `cargo bench --bench frontend -- DIR` scans the SQL
//! files under DIR instead and also prints what was found (objects by kind, parse
//! status, embedded SQL paths, the most frequent parse errors). Files are read into
//! memory first so that only the front end is timed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use pipeline::plsql::{self, ParseStatus, SourceFile};
use rayon::prelude::*;

const SQL_EXTENSIONS: &[&str] = &[
    "sql", "pks", "pkb", "pls", "plb", "prc", "fnc", "trg", "tps", "tpb", "vw", "typ", "pck",
    "spc", "bdy",
];

fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| SQL_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort();
    files
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Scans every input, keeping only what a stage would keep: the results.
fn scan_all(inputs: &[(String, Vec<u8>)], parallel: bool) -> Vec<SourceFile> {
    let scan = |(path, bytes): &(String, Vec<u8>)| plsql::scan_file(path, bytes, None);
    if parallel {
        inputs.par_iter().map(scan).collect()
    } else {
        inputs.iter().map(scan).collect()
    }
}

fn report(files: &[SourceFile]) {
    let inventory = plsql::Inventory::of(files);
    let objects = inventory.entries.len();
    println!("files: {}, objects: {objects}", files.len());
    for (kind, n) in &inventory.by_kind {
        println!("  {kind:<18} {n}");
    }
    let share = |n: usize| 100.0 * n as f64 / objects.max(1) as f64;
    println!(
        "parsed fully: {} ({:.1} %), partially: {} ({:.1} %), skipped: {} ({:.1} %)",
        inventory.full,
        share(inventory.full),
        inventory.partial,
        share(inventory.partial),
        inventory.skipped,
        share(inventory.skipped)
    );
    let mut skip_reasons: BTreeMap<String, usize> = BTreeMap::new();
    for o in files.iter().flat_map(|f| &f.objects) {
        if let ParseStatus::Skipped { reason } = &o.status {
            *skip_reasons.entry(format!("{reason:?}")).or_default() += 1;
        }
    }
    println!("skipped objects by reason: {skip_reasons:?}");
    let mut stats = plsql::ScanStats::default();
    files.iter().for_each(|f| stats.add(&f.stats));
    let sql = stats.sql_by_sqlparser + stats.sql_by_fallback;
    println!(
        "statements: {}, declarations: {}, unparsed: {}; embedded SQL: {sql}, by sqlparser {:.1} %",
        stats.statements,
        stats.declarations,
        stats.unparsed_statements,
        100.0 * f64::from(stats.sql_by_sqlparser) / f64::from(sql.max(1))
    );
    let mut errors: BTreeMap<String, usize> = BTreeMap::new();
    for e in files.iter().flat_map(|f| &f.objects).flat_map(|o| &o.errors) {
        *errors.entry(e.message.clone()).or_default() += 1;
    }
    let mut errors: Vec<_> = errors.into_iter().collect();
    errors.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("most frequent parse errors:");
    for (message, n) in errors.iter().take(10) {
        println!("  {n:>5}  {message}");
    }
    let diagnostics: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    println!("file diagnostics: {diagnostics}");
    if std::env::var_os("FRONTEND_INVENTORY").is_some() {
        print!("{}", inventory.render());
    }
    if std::env::var_os("FRONTEND_VERBOSE").is_some() {
        for f in files {
            for d in &f.diagnostics {
                println!("  {}:{}: {}", f.path, d.line, d.message);
            }
            for o in &f.objects {
                for e in &o.errors {
                    println!("  {}:{}:{}: [{}] {}", f.path, e.line, e.col, o.name, e.message);
                }
            }
        }
    }
}

fn measure(label: &str, inputs: &[(String, Vec<u8>)], parallel: bool, cores: usize) {
    let bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let started = Instant::now();
    let files = scan_all(inputs, parallel);
    let seconds = started.elapsed().as_secs_f64();
    let objects: usize = files.iter().map(|f| f.objects.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "{label:<22} {mb:>8.1} MB in {seconds:>6.2} s: {:>6.1} MB/s ({:>5.1} MB/s per core), {:>8.0} objects/s",
        mb / seconds,
        mb / seconds / cores as f64,
        objects as f64 / seconds
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let temp;
    let (dir, real) = match args.first() {
        Some(dir) => (PathBuf::from(dir), true),
        None => {
            temp = tempfile::tempdir().expect("a temporary folder");
            let started = Instant::now();
            let estate = pipeline::synth::write_estate(temp.path(), 8_122, 1)
                .expect("the estate is written");
            println!(
                "synthetic estate: {} objects, {} files, {:.1} MB, {} lines, written in {:.1} s",
                estate.objects,
                estate.files,
                estate.bytes as f64 / 1e6,
                estate.lines,
                started.elapsed().as_secs_f64()
            );
            (temp.path().to_path_buf(), false)
        }
    };
    let inputs: Vec<(String, Vec<u8>)> = sql_files(&dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a readable file");
            (p.strip_prefix(&dir).unwrap_or(&p).display().to_string(), bytes)
        })
        .collect();
    let rss_before = peak_rss_kib();
    let cores = rayon::current_num_threads();
    measure("split+lex+parse, 1 core", &inputs, false, 1);
    measure(&format!("same, {cores} cores"), &inputs, true, cores);
    println!(
        "peak RSS: {:.1} MB (inputs loaded: {:.1} MB)",
        peak_rss_kib() as f64 / 1024.0,
        rss_before as f64 / 1024.0
    );
    if real {
        report(&scan_all(&inputs, true));
    }
}
