//! Running ora2pg in input-file mode (`-i`, no Oracle connection) over
//! batches of objects, and getting back one converted text per object.
//!
//! ora2pg's run time grows faster than its input (measured on 23.2: about
//! 40 ms a routine in runs of 10, 15 ms in runs of 50 to 100, 22 ms in runs
//! of 200, 85 ms in runs of 1,000), and each run costs 0.2 s to start, so
//! objects go in batches of [`BATCH_OBJECTS`]. A batch whose output cannot
//! be split back into its objects (see [`split`]), or whose run fails, is
//! converted again in halves, down to one unit at a time, so that one bad
//! object fails alone and says why. A unit is one object, or a package spec with its body:
//! ora2pg needs the spec to convert the body's use of it.
//!
//! This module does not decide what to convert or cache; the
//! `convert-simple` stage does.

pub mod split;

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::runner::Interrupt;

/// How ora2pg is installed where it is missing.
pub const INSTALL_HINT: &str =
    "apt-get install ora2pg (Debian, Ubuntu), or see https://ora2pg.darold.net";

/// Objects per ora2pg run: where its time per object was lowest.
pub const BATCH_OBJECTS: usize = 50;

/// Source bytes per run at most: a few large objects cost as much as many
/// small ones.
pub const BATCH_BYTES: usize = 200_000;

/// A run of one unit that takes longer than this is stopped, and its
/// objects fail: a regular expression gone quadratic should not hold up
/// the rest.
const UNIT_TIMEOUT: Duration = Duration::from_secs(120);

/// The ora2pg export type (`-t`) that reads objects of `object_type` from
/// a file, or why there is none.
pub fn export_type(object_type: &str) -> Result<&'static str, String> {
    Ok(match object_type {
        "FUNCTION" => "FUNCTION",
        "PROCEDURE" => "PROCEDURE",
        "PACKAGE" | "PACKAGE BODY" => "PACKAGE",
        "TRIGGER" => "TRIGGER",
        "VIEW" => "VIEW",
        "TABLE" | "INDEX" => "TABLE",
        "SEQUENCE" => "SEQUENCE",
        "TYPE" => "TYPE",
        "SYNONYM" => "SYNONYM",
        "GRANT" => "GRANT",
        "DIRECTORY" => "DIRECTORY",
        "DATABASE LINK" => "DBLINK",
        "JOB" => "JOB",
        other => {
            return Err(format!(
                "ora2pg cannot read {other} from a file (input mode reads TABLE, VIEW, \
                 SEQUENCE, TRIGGER, FUNCTION, PROCEDURE, PACKAGE, TYPE, SYNONYM, GRANT, \
                 DIRECTORY, DBLINK and JOB)"
            ))
        }
    })
}

/// The version ora2pg reports (`23.2`), or why it cannot be run.
pub fn version(program: &Path) -> Result<String, String> {
    let output = Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `{}`: {e}", program.display()))?;
    let text = String::from_utf8_lossy(&output.stdout);
    let version = text.trim().rsplit(' ').next().unwrap_or_default().trim_start_matches('v');
    if !output.status.success() || version.is_empty() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(format!("`{} --version` failed: {}", program.display(), first_line(&said)));
    }
    Ok(version.to_owned())
}

/// One object to convert.
#[derive(Debug, Clone)]
pub struct Input {
    /// Its name without schema, lower case, as ora2pg writes it.
    pub name: String,
    /// Whether it is a package body.
    pub body: bool,
    /// Its source text.
    pub text: String,
}

/// What became of one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conversion {
    /// The converted SQL, without ora2pg's header.
    Sql(String),
    /// Why ora2pg did not convert it: one line.
    Failed(String),
    /// ora2pg failed to run, failed as a whole or did not finish in time:
    /// not worth remembering, as a rerun (after fixing the configuration,
    /// on a less busy machine) may succeed.
    RunFailed(String),
}

/// The run was interrupted (Ctrl-C); its child was stopped.
#[derive(Debug)]
pub struct Interrupted;

/// ora2pg, with the configuration every run uses.
#[derive(Debug)]
pub struct Ora2Pg {
    pub program: PathBuf,
    pub conf: PathBuf,
    /// Where runs write their input and output files.
    pub scratch: PathBuf,
    runs: AtomicUsize,
}

impl Ora2Pg {
    pub fn new(program: PathBuf, conf: PathBuf, scratch: PathBuf) -> Self {
        Ora2Pg { program, conf, scratch, runs: AtomicUsize::new(0) }
    }

    /// How many times ora2pg was started.
    pub fn runs(&self) -> usize {
        self.runs.load(Ordering::Relaxed)
    }

    /// Converts `units` (all of export type `export`) in one run, or unit
    /// by unit when that run fails or its output cannot be split. The
    /// result holds one conversion per input, unit by unit.
    pub fn convert(
        &self,
        export: &str,
        units: &[Vec<Input>],
        interrupt: &Interrupt,
    ) -> Result<Vec<Vec<Conversion>>, Interrupted> {
        if units.len() == 1 {
            return Ok(vec![self.convert_unit(export, &units[0], interrupt)?]);
        }
        let all: Vec<&Input> = units.iter().flatten().collect();
        let timeout = UNIT_TIMEOUT + Duration::from_secs(all.len() as u64);
        let split = match self.run(export, &all, timeout, interrupt)? {
            Ok(output) => split_batch(&output, units),
            Err(failed) => Err(format!("{failed:?}")),
        };
        let split = match split {
            Ok(split) => split,
            // One statement spoils the split of a whole batch: halving
            // finds the culprit in a few runs rather than one run per unit.
            Err(why) if units.len() >= 4 => {
                tracing::debug!("{export} batch of {} halved: {why}", all.len());
                let (first, second) = units.split_at(units.len() / 2);
                let mut done = self.convert(export, first, interrupt)?;
                done.extend(self.convert(export, second, interrupt)?);
                return Ok(done);
            }
            Err(why) => {
                tracing::debug!("{export} batch of {} run one unit at a time: {why}", all.len());
                vec![None; units.len()]
            }
        };
        // Units the batch did not convert (ora2pg skipped them, or the
        // batch failed) are run alone, to convert or fail on their own.
        units
            .iter()
            .zip(split)
            .map(|(unit, done)| match done {
                Some(done) => Ok(done),
                None => self.convert_unit(export, unit, interrupt),
            })
            .collect()
    }

    fn convert_unit(
        &self,
        export: &str,
        unit: &[Input],
        interrupt: &Interrupt,
    ) -> Result<Vec<Conversion>, Interrupted> {
        let all: Vec<&Input> = unit.iter().collect();
        let output = match self.run(export, &all, UNIT_TIMEOUT, interrupt)? {
            Ok(output) => output,
            Err(failure) => return Ok(unit.iter().map(|_| failure.clone()).collect()),
        };
        let nothing = || {
            let said = split::nothing_found(&output).map(|l| l.trim_start_matches("-- "));
            Conversion::Failed(format!(
                "ora2pg converted nothing{}",
                said.map(|s| format!(": \"{s}\"")).unwrap_or_default()
            ))
        };
        let named = names(unit);
        let mut texts = split::split(&output, &named).unwrap_or_default();
        if let [one] = unit {
            // Statements naming other objects (an index ora2pg named itself)
            // are the object's too, when the output is about it at all.
            let whole = split::whole(&output).filter(|t| t.to_lowercase().contains(&one.name));
            if let Some(text) = whole.or_else(|| texts.remove(&0)) {
                return Ok(vec![Conversion::Sql(text)]);
            }
            if let Some(text) = split::whole(&output) {
                let wrote: String =
                    text.lines().next().unwrap_or_default().chars().take(80).collect();
                return Ok(vec![Conversion::Failed(format!(
                    "ora2pg's output does not name `{}`, so it misread the object: it wrote `{wrote}`",
                    one.name
                ))]);
            }
            return Ok(vec![nothing()]);
        }
        Ok((0..unit.len())
            .map(|i| texts.get(&i).cloned().map_or_else(nothing, Conversion::Sql))
            .collect())
    }

    /// One ora2pg run over `inputs`: its output file, or the conversion
    /// every input gets when the run fails.
    fn run(
        &self,
        export: &str,
        inputs: &[&Input],
        timeout: Duration,
        interrupt: &Interrupt,
    ) -> Result<Result<String, Conversion>, Interrupted> {
        let n = self.runs.fetch_add(1, Ordering::Relaxed);
        let dir = self.scratch.join(format!("run-{n}"));
        let result = self.run_in(&dir, export, inputs, timeout, interrupt);
        let _ = std::fs::remove_dir_all(&dir);
        match result {
            Ok(done) => Ok(done),
            Err(RunError::Interrupted) => Err(Interrupted),
            Err(RunError::Io(e)) => {
                Ok(Err(Conversion::RunFailed(format!("could not run ora2pg: {e}"))))
            }
        }
    }

    fn run_in(
        &self,
        dir: &Path,
        export: &str,
        inputs: &[&Input],
        timeout: Duration,
        interrupt: &Interrupt,
    ) -> Result<Result<String, Conversion>, RunError> {
        fs_err::create_dir_all(dir)?;
        let input = dir.join("in.sql");
        let plsql = matches!(export, "FUNCTION" | "PROCEDURE" | "PACKAGE" | "TRIGGER" | "TYPE");
        let text: Vec<String> =
            inputs.iter().map(|i| terminated(&with_create(&i.text), plsql)).collect();
        fs_err::write(&input, text.join("\n"))?;
        let log = fs_err::File::create(dir.join("ora2pg.log"))?;
        let mut command = Command::new(&self.program);
        command
            .args(["-q", "-c"])
            .arg(&self.conf)
            .args(["-t", export, "-i"])
            .arg(&input)
            .args(["-o", "out.sql", "-b"])
            .arg(dir)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?.into_parts().0)
            .stderr(log.into_parts().0);
        // Its own process group, so that stopping it stops what it started.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command.spawn()?;
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if interrupt.is_set() {
                stop(&mut child);
                return Err(RunError::Interrupted);
            }
            if started.elapsed() > timeout {
                stop(&mut child);
                return Ok(Err(Conversion::RunFailed(format!(
                    "ora2pg did not finish within {} s",
                    timeout.as_secs()
                ))));
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let said = fs_err::read_to_string(dir.join("ora2pg.log")).unwrap_or_default();
        if !status.success() {
            return Ok(Err(Conversion::RunFailed(format!(
                "ora2pg failed ({status}): {}",
                error_line(&said)
            ))));
        }
        match fs_err::read(dir.join("out.sql")) {
            Ok(bytes) => Ok(Ok(String::from_utf8_lossy(&bytes).into_owned())),
            Err(_) => Ok(Err(Conversion::RunFailed(format!(
                "ora2pg wrote no output: {}",
                error_line(&said)
            )))),
        }
    }
}

enum RunError {
    Interrupted,
    Io(io::Error),
}

impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Io(e)
    }
}

/// The text as ora2pg reads it: the source of `ALL_SOURCE` starts with
/// `PACKAGE p AS`, without the `CREATE` that ora2pg needs to see an object
/// there.
fn with_create(text: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let first = text[start..].split_whitespace().next().unwrap_or_default();
    let bare = ["FUNCTION", "PROCEDURE", "PACKAGE", "TRIGGER", "TYPE"];
    if bare.iter().any(|b| first.eq_ignore_ascii_case(b)) {
        format!("{}CREATE OR REPLACE {}", &text[..start], &text[start..])
    } else {
        text.to_owned()
    }
}

/// The text with the terminator that ends it in a script (`;` after SQL,
/// a `/` line after PL/SQL) when it has none: without it, ora2pg reads
/// the next object of the run as part of this one.
fn terminated(text: &str, plsql: bool) -> String {
    let end = text.trim_end();
    let last = end.lines().last().unwrap_or_default().trim();
    let mut out = end.to_owned();
    let ended = last == "/" || (!plsql && last.ends_with(';'));
    match (ended, plsql) {
        (true, _) => {}
        (false, true) => out.push_str("\n/"),
        (false, false) => out.push(';'),
    }
    out.push('\n');
    out
}

/// The names the splitter matches statements against.
fn names(unit: &[Input]) -> Vec<split::Named> {
    unit.iter().map(|i| split::Named { name: i.name.clone(), body: i.body }).collect()
}

/// The batch's output given back unit by unit: `None` for all when a
/// statement names no object of the batch, `None` for a unit when one of
/// its objects got no statement.
fn split_batch(output: &str, units: &[Vec<Input>]) -> Result<Vec<Option<Vec<Conversion>>>, String> {
    let all: Vec<Input> = units.iter().flatten().cloned().collect();
    let mut texts = split::split(output, &names(&all))?;
    let mut at = 0;
    let mut out = Vec::with_capacity(units.len());
    for unit in units {
        let converted: Option<Vec<Conversion>> =
            (at..at + unit.len()).map(|i| texts.remove(&i).map(Conversion::Sql)).collect();
        at += unit.len();
        out.push(converted);
    }
    Ok(out)
}

/// Stops ora2pg and anything it started.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        let group = -(child.id() as libc::pid_t);
        // SAFETY: kill(2) takes no pointers; a stale group id only fails.
        unsafe { libc::kill(group, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The line of ora2pg's log that says what went wrong: its `FATAL` or
/// `ERROR` line, else its last line.
fn error_line(log: &str) -> String {
    let lines: Vec<&str> = log.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let found = lines.iter().find(|l| l.contains("FATAL") || l.contains("ERROR"));
    let line = found.or(lines.last()).copied().unwrap_or("it printed nothing");
    line.chars().take(300).collect()
}

fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("no message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_ora2pg_cannot_read_from_a_file_say_so() {
        assert_eq!(export_type("PACKAGE BODY"), Ok("PACKAGE"));
        assert_eq!(export_type("INDEX"), Ok("TABLE"));
        let e = export_type("MATERIALIZED VIEW").unwrap_err();
        assert!(e.starts_with("ora2pg cannot read MATERIALIZED VIEW from a file"), "{e}");
    }

    #[test]
    fn source_without_create_gets_it() {
        assert_eq!(with_create("\nPACKAGE p AS\n"), "\nCREATE OR REPLACE PACKAGE p AS\n");
        assert_eq!(with_create("CREATE TABLE t (x int);"), "CREATE TABLE t (x int);");
    }

    #[test]
    fn every_object_ends_with_its_terminator() {
        assert_eq!(
            terminated("create sequence s\nnocache\n\n", false),
            "create sequence s\nnocache;\n"
        );
        assert_eq!(terminated("CREATE VIEW v AS SELECT 1;", false), "CREATE VIEW v AS SELECT 1;\n");
        assert_eq!(terminated("BEGIN NULL; END;\n", true), "BEGIN NULL; END;\n/\n");
        assert_eq!(terminated("END;\n/\n", true), "END;\n/\n");
    }

    #[test]
    fn the_error_line_is_the_fatal_one() {
        let log = "reading\nFATAL: cannot open file x\nbye\n";
        assert_eq!(error_line(log), "FATAL: cannot open file x");
        assert_eq!(error_line(""), "it printed nothing");
    }
}
