//! Benchmark: a no-op `pipeline run` over a project of 8,000 input files.
//!
//! Builds a temporary project whose stages read 8,000 extracted files (two
//! stages read them all, one reads a subset, one reads another stage's
//! output folder), runs it once to fill the lock file, then times repeated
//! runs of the real release binary that find everything up to date.
//! Target: under 0.3 s on a 2-core machine.
//!
//! Run with `cargo bench --bench runner` (`-- FILES RUNS DIR` to change
//! sizes, or to build the project in DIR and keep it for a closer look).

use std::process::Command;
use std::time::{Duration, Instant};

const MANIFEST: &str = r#"
[project]
name = "bench"

[target]
postgres_version = 17

[stages.list]
kind = "cmd"
command = "mkdir -p knowledge && ls -R extracted | wc -l > knowledge/files.txt"
inputs = ["extracted/**/*.sql"]
outputs = ["knowledge/files.txt"]
params = ["target.postgres_version"]

[stages.bytes]
kind = "cmd"
command = "mkdir -p knowledge/sizes && du -s extracted > knowledge/sizes/total.txt"
inputs = ["extracted/"]
outputs = ["knowledge/sizes/"]

[stages.packages]
kind = "cmd"
command = "ls extracted/packages | wc -l > packages.txt"
inputs = ["extracted/packages/*.sql"]
outputs = ["packages.txt"]

[stages.report]
kind = "cmd"
command = "cat knowledge/files.txt knowledge/sizes/total.txt > report.txt"
inputs = ["knowledge/files.txt", "knowledge/sizes/"]
outputs = ["report.txt"]
"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let files: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(8_000);
    let runs: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(20);

    let temp = tempfile::tempdir().expect("temp dir");
    let root = args.get(2).map_or(temp.path(), std::path::Path::new);
    std::fs::create_dir_all(root).unwrap();
    std::fs::write(root.join("pipeline.toml"), MANIFEST).unwrap();
    let mut bytes = 0;
    for i in 0..files {
        let folder = ["packages", "procedures", "functions", "triggers"][i % 4];
        let path = root.join("extracted").join(folder).join(format!("obj_{i:05}.sql"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let body = format!(
            "CREATE OR REPLACE PROCEDURE proc_{i} AS\nBEGIN\n{}END;\n/\n",
            "  UPDATE t SET c = c + 1 WHERE id = 1;\n".repeat(20 + i % 200)
        );
        bytes += body.len();
        std::fs::write(path, body).unwrap();
    }

    let pipeline = env!("CARGO_BIN_EXE_pipeline");
    let run = || {
        let start = Instant::now();
        let out = Command::new(pipeline).args(["run", "-q"]).current_dir(root).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        start.elapsed()
    };
    let first = run();
    let second = run(); // settles the stat cache past its racy window
    let mut times: Vec<Duration> = (0..runs).map(|_| run()).collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "no-op pipeline run over {files} input files ({:.1} MB), {runs} runs",
        bytes as f64 / 1e6
    );
    println!("  first run (hashes everything): {:.3} s", first.as_secs_f64());
    println!("  second run:                    {:.3} s", second.as_secs_f64());
    println!(
        "  no-op: median {:.3} s, min {:.3} s, max {:.3} s (target < 0.300 s)",
        median.as_secs_f64(),
        times[0].as_secs_f64(),
        times[times.len() - 1].as_secs_f64()
    );
}
