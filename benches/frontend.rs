//! Throughput of the PL/SQL front end: split + lex + parse, one core and all cores.
//!
//! `cargo bench --bench frontend` generates the synthetic estate (8,122 objects, or
//! `FRONTEND_OBJECTS`) in a temporary folder and scans it; `cargo bench --bench frontend -- DIR` scans the SQL
//! files under DIR instead and also prints what was found (objects by kind, parse
//! status, embedded SQL paths, the most frequent parse errors). Files are read one at
//! a time and their results dropped, as the scan stage does after caching them. The
//! sqlparser tokenizer alone is timed on the same files first, as the yardstick: on a
//! shared machine absolute numbers move, the ratio much less. With a DIR,
//! `FRONTEND_INVENTORY=1` prints the inventory, `FRONTEND_VERBOSE=1` every error and
//! problem, and `FRONTEND_JSON=FILE` writes the results, one file per line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[path = "support/sql_files.rs"]
mod sql_files;

use pipeline::plsql::{self, ParseStatus, SourceFile};
use rayon::prelude::*;

/// Starts peak-RSS accounting afresh, so that generating the estate is not counted.
fn reset_peak_rss() {
    // Writing 5 to clear_refs resets VmHWM (Linux 4.0 and later); elsewhere a no-op.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
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

/// sqlparser's messages, without their positions, from every embedded statement.
fn collect_sqlparser_errors(value: &serde_json::Value, into: &mut BTreeMap<String, usize>) {
    match value {
        serde_json::Value::Object(map) => {
            let ddl =
                map.get("kind").and_then(|k| k.as_str()).is_some_and(|k| k.starts_with("create"));
            if let (Some(serde_json::Value::String(message)), false) =
                (map.get("sqlparser_error"), ddl)
            {
                let message = message.split(" at Line").next().unwrap_or(message);
                let message = message.split(" at Location").next().unwrap_or(message);
                *into.entry(message.chars().take(90).collect()).or_default() += 1;
            }
            map.values().for_each(|v| collect_sqlparser_errors(v, into));
        }
        serde_json::Value::Array(items) => {
            items.iter().for_each(|v| collect_sqlparser_errors(v, into))
        }
        _ => {}
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
    let ddl = stats.ddl_by_sqlparser + stats.ddl_by_fallback;
    println!(
        "DDL objects: {ddl}, by sqlparser {:.1} %",
        100.0 * f64::from(stats.ddl_by_sqlparser) / f64::from(ddl.max(1))
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
    let mut fallbacks: BTreeMap<String, usize> = BTreeMap::new();
    for file in files {
        let json = serde_json::to_value(file).expect("results serialise");
        collect_sqlparser_errors(&json, &mut fallbacks);
    }
    let mut fallbacks: Vec<_> = fallbacks.into_iter().collect();
    fallbacks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    println!("most frequent reasons sqlparser gave for the token fallback (DDL objects aside):");
    for (message, n) in fallbacks.iter().take(12) {
        println!("  {n:>5}  {message}");
    }
    let diagnostics: usize = files.iter().map(|f| f.diagnostics.len()).sum();
    println!("file diagnostics: {diagnostics}");
    if let Some(path) = std::env::var_os("FRONTEND_JSON") {
        // One scanned file per line, for looking into the trees with other tools.
        let lines: Vec<String> =
            files.iter().map(|f| serde_json::to_string(f).expect("results serialise")).collect();
        std::fs::write(path, lines.join("\n")).expect("the JSON file is written");
    }
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

/// Scans every file, reading it just before and dropping its results just after, as
/// the scan stage does (it writes each file's results to its cache): memory then
/// stays flat however large the estate. Returns (bytes, objects).
fn stream(dir: &Path, files: &[PathBuf], parallel: bool) -> (usize, usize) {
    let scan = |path: &PathBuf| {
        let bytes = std::fs::read(path).expect("a readable file");
        let shown = path.strip_prefix(dir).unwrap_or(path).display().to_string();
        let file = plsql::scan_file(&shown, &bytes, None);
        (bytes.len(), file.objects.len())
    };
    let add = |a: (usize, usize), b: (usize, usize)| (a.0 + b.0, a.1 + b.1);
    if parallel {
        files.par_iter().map(scan).reduce(|| (0, 0), add)
    } else {
        files.iter().map(scan).fold((0, 0), add)
    }
}

/// sqlparser's tokenizer alone over whole files, on one core.
/// CPU seconds this process has used (user and system), from `/proc/self/stat`.
/// On a machine shared with other work, MB per CPU second is the per-core figure that
/// does not depend on how often the scheduler let us run; 0 where `/proc` is absent.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last `)`.
    let fields: Vec<&str> =
        stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the file: 12 and 13 after the name; the
    // kernel counts them in USER_HZ, 100 per second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn tokenizer_alone(files: &[PathBuf]) {
    let started = Instant::now();
    let cpu = cpu_seconds();
    let (mut bytes, mut tokens) = (0usize, 0usize);
    for path in files {
        let data = std::fs::read(path).expect("a readable file");
        let text = String::from_utf8_lossy(&data);
        let dialect = sqlparser::dialect::OracleDialect {};
        let mut tokenizer = sqlparser::tokenizer::Tokenizer::new(&dialect, &text);
        tokens += tokenizer.tokenize_with_location().map_or(0, |t| t.len());
        bytes += data.len();
    }
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let mb = bytes as f64 / 1e6;
    println!(
        "{:<24} {mb:>7.1} MB in {seconds:>6.2} s: {:>6.1} MB/s; {:>5.1} MB per CPU second ({tokens} tokens)",
        "sqlparser tokenizer only",
        mb / seconds,
        mb / cpu.max(0.01)
    );
}

fn measure(label: &str, dir: &Path, files: &[PathBuf], parallel: bool, cores: usize) {
    let started = Instant::now();
    let cpu = cpu_seconds();
    let (bytes, objects) = stream(dir, files, parallel);
    let seconds = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    let mb = bytes as f64 / 1e6;
    println!(
        "{label:<24} {mb:>7.1} MB in {seconds:>6.2} s: {:>6.1} MB/s ({:>5.1} MB/s per core); {:>5.1} MB per CPU second, {:>7.0} objects/s",
        mb / seconds,
        mb / seconds / cores as f64,
        mb / cpu.max(0.01),
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
            let objects = std::env::var("FRONTEND_OBJECTS").ok().and_then(|n| n.parse().ok());
            let estate = pipeline::synth::write_estate(temp.path(), objects.unwrap_or(8_122), 1)
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
    let files = sql_files::sql_files(&dir);
    let cores = rayon::current_num_threads();
    reset_peak_rss();
    tokenizer_alone(&files);
    measure("split+lex+parse, 1 core", &dir, &files, false, 1);
    println!("peak RSS after one core: {:.1} MB", peak_rss_kib() as f64 / 1024.0);
    reset_peak_rss();
    measure(&format!("same, {cores} cores"), &dir, &files, true, cores);
    println!("peak RSS: {:.1} MB", peak_rss_kib() as f64 / 1024.0);
    if real {
        let inputs: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|p| {
                let bytes = std::fs::read(p).expect("a readable file");
                (p.strip_prefix(&dir).unwrap_or(p).display().to_string(), bytes)
            })
            .collect();
        report(&scan_all(&inputs, true));
    }
}
