//! What a validation run found, as the files it writes: `results.tsv`, one
//! row per object, which the `convert-complex` stage reads to send route-1
//! failures to the agents ([`read_results`]), and `report.md`, for people.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::validate::{RoutineStatus, RoutineVerdict};
use super::worklist::{Table, WorklistError};

/// The results file of a validation folder.
pub const RESULTS: &str = "results.tsv";
/// The report of a validation folder.
pub const REPORT: &str = "report.md";

/// The per-routine results of a validation folder.
pub const ROUTINES: &str = "routines.tsv";

const HEADER: &str = "object\troute\tfile\tstatus\tline\tmessage\tchecked\n";
const ROUTINES_HEADER: &str = "object\troute\tfile\troutine\tline\tstatus\tmessage\n";

/// How one object fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResultStatus {
    Ok,
    Warnings,
    Failed,
    /// No database was configured.
    NotRun,
}

impl ResultStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ResultStatus::Ok => "ok",
            ResultStatus::Warnings => "warnings",
            ResultStatus::Failed => "failed",
            ResultStatus::NotRun => "not-run",
        }
    }

    fn parse(s: &str) -> Option<ResultStatus> {
        use ResultStatus::*;
        [Ok, Warnings, Failed, NotRun].into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the object now exists in PostgreSQL.
    pub fn created(self) -> bool {
        matches!(self, ResultStatus::Ok | ResultStatus::Warnings)
    }
}

/// One row of `results.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRow {
    /// `SCHEMA.NAME (TYPE)`.
    pub object: String,
    /// `ora2pg` or `agent`, as the conversion folder's index says.
    pub route: String,
    /// The SQL file validated, relative to the project root.
    pub file: String,
    pub status: ResultStatus,
    /// The line of the first finding in `file`.
    pub line: Option<u32>,
    /// The first finding, on one line; empty when there is none.
    pub message: String,
    /// Whether plpgsql_check read every PL/pgSQL routine it created.
    pub checked: bool,
    /// Each function and procedure its SQL creates, and how it fared on
    /// its own (`routines.tsv`).
    pub routines: Vec<RoutineVerdict>,
}

fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// Writes `results.tsv` in `folder`, sorted by object (then file).
pub fn write_results(folder: &Path, rows: &[ResultRow]) -> std::io::Result<()> {
    write_sorted(folder, RESULTS, HEADER, rows, |out, r| {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cell(&r.object),
            cell(&r.route),
            cell(&r.file),
            r.status.as_str(),
            r.line.map(|l| l.to_string()).unwrap_or_default(),
            cell(&r.message),
            if r.checked { "yes" } else { "no" }
        );
    })
}

/// Writes `routines.tsv` in `folder`: per object (sorted, then file), each
/// function and procedure its SQL creates, in file order, and its verdict.
pub fn write_routines(folder: &Path, rows: &[ResultRow]) -> std::io::Result<()> {
    write_sorted(folder, ROUTINES, ROUTINES_HEADER, rows, |out, r| {
        for routine in &r.routines {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                cell(&r.object),
                cell(&r.route),
                cell(&r.file),
                cell(&routine.name),
                routine.line,
                routine.status.as_str(),
                cell(&routine.message)
            );
        }
    })
}

/// Writes `name` in `folder`: `header`, then what `lines` writes for each
/// row, the rows sorted by object, then file.
fn write_sorted(
    folder: &Path,
    name: &str,
    header: &str,
    rows: &[ResultRow],
    lines: impl Fn(&mut String, &ResultRow),
) -> std::io::Result<()> {
    let mut sorted: Vec<&ResultRow> = rows.iter().collect();
    sorted.sort_by(|a, b| (&a.object, &a.file).cmp(&(&b.object, &b.file)));
    let mut out = String::from(header);
    for r in sorted {
        lines(&mut out, r);
    }
    crate::runner::atomic::write(&folder.join(name), out.as_bytes())
}

/// Reads the `routines.tsv` of a validation folder into the rows of its
/// `results.tsv` (by file); a folder without one leaves them as they are.
pub fn read_routines(folder: &Path, rows: &mut [ResultRow]) -> Result<(), WorklistError> {
    let path = folder.join(ROUTINES);
    if !path.is_file() {
        return Ok(());
    }
    let by_file: std::collections::HashMap<String, usize> =
        rows.iter().enumerate().map(|(n, r)| (r.file.clone(), n)).collect();
    let table = Table::read(&path)?;
    let columns = ["object", "route", "file", "routine", "line", "status", "message"];
    for row in table.rows(columns) {
        let (at, [_, _, file, name, line, status, message]) = row?;
        let Some(&n) = by_file.get(file) else {
            return Err(at.error(format!("`{file}` has no row in {RESULTS}")));
        };
        rows[n].routines.push(RoutineVerdict {
            name: name.to_owned(),
            line: line.parse().map_err(|_| at.error(format!("`{line}` is not a line number")))?,
            status: RoutineStatus::parse(status)
                .ok_or_else(|| at.error(format!("`{status}` is not a routine status")))?,
            message: message.to_owned(),
        });
    }
    Ok(())
}

/// Reads the `results.tsv` of a validation folder (`migrated/validation/simple/`).
pub fn read_results(folder: &Path) -> Result<Vec<ResultRow>, WorklistError> {
    let table = Table::read(&folder.join(RESULTS))?;
    let columns = ["object", "route", "file", "status", "line", "message", "checked"];
    let mut out = Vec::new();
    for row in table.rows(columns) {
        let (line, [object, route, file, status, at, message, checked]) = row?;
        out.push(ResultRow {
            object: object.to_owned(),
            route: route.to_owned(),
            file: file.to_owned(),
            status: ResultStatus::parse(status)
                .ok_or_else(|| line.error(format!("`{status}` is not a status")))?,
            line: match at {
                "" => None,
                n => {
                    Some(n.parse().map_err(|_| line.error(format!("`{n}` is not a line number")))?)
                }
            },
            message: message.to_owned(),
            checked: checked == "yes",
            routines: Vec::new(),
        });
    }
    Ok(out)
}

/// A failure message with what names one object taken out, so that one
/// kind of failure counts once: `relation "ventas.facturas" does not
/// exist` and `relation "x" does not exist` are both `relation "…" does
/// not exist`.
pub fn kind_of_failure(message: &str) -> String {
    let message = message.split(" (hint:").next().unwrap_or(message);
    let message = message.split(" (and ").next().unwrap_or(message);
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                out.push(c);
                out.push('…');
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push('N');
            }
            _ => out.push(c),
        }
    }
    out
}

/// What the report says about the run as a whole.
pub struct ReportHeader<'a> {
    /// The database, without its password; `None` when none was configured.
    pub target: Option<&'a str>,
    /// Why plpgsql_check was not used, when it was not.
    pub check_note: Option<&'a str>,
    /// The folders validated.
    pub folders: &'a [String],
}

/// The text of `report.md`.
pub fn render_report(header: &ReportHeader<'_>, rows: &[ResultRow]) -> String {
    let mut out = String::from("# Validation on PostgreSQL\n\n");
    let folders: Vec<String> = header.folders.iter().map(|f| format!("`{f}`")).collect();
    let _ = writeln!(out, "Converted objects of {}.", folders.join(", "));
    match header.target {
        Some(target) => {
            let _ = writeln!(out, "Applied in dependency order to `{target}` and rolled back.");
        }
        None => out.push_str(
            "\n**Not run: no database was configured.** Set `DATABASE_URL` \
             (postgres://user@host:5432/database) or `[validate] url` in pipeline.toml to a \
             PostgreSQL of the target's major version, preferably with the plpgsql_check \
             extension, and run `pipeline run` again. Nothing the validation creates is \
             kept.\n",
        ),
    }
    if let Some(note) = header.check_note {
        let _ = writeln!(out, "\nNote: {note}.");
    }

    out.push_str("\n## By route\n\n");
    out.push_str(
        "| route | objects | created | share | passed plpgsql_check | failed | not run |\n\
         |---|--:|--:|--:|--:|--:|--:|\n",
    );
    let mut routes: BTreeMap<&str, Vec<&ResultRow>> = BTreeMap::new();
    for r in rows {
        routes.entry(r.route.as_str()).or_default().push(r);
    }
    for (route, rows) in &routes {
        route_line(&mut out, route, rows);
    }
    if routes.len() > 1 {
        route_line(&mut out, "all", &rows.iter().collect::<Vec<_>>());
    }

    if rows.iter().any(|r| !r.routines.is_empty()) {
        out.push_str(
            "\n## Functions and procedures\n\nEach `CREATE FUNCTION` and `CREATE PROCEDURE` on its \
             own: a package body fails as a whole when one member does.\n\n\
             | route | routines | created | clean | plpgsql_check errors | refused |\n\
             |---|--:|--:|--:|--:|--:|\n",
        );
        for (route, rows) in &routes {
            routines_line(&mut out, route, rows);
        }
        if routes.len() > 1 {
            routines_line(&mut out, "all", &rows.iter().collect::<Vec<_>>());
        }
    }

    let failures: Vec<&ResultRow> =
        rows.iter().filter(|r| r.status == ResultStatus::Failed).collect();
    if failures.is_empty() {
        return out;
    }
    out.push_str("\n## Most frequent kinds of failure\n\n| count | failure |\n|--:|---|\n");
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for r in &failures {
        *kinds.entry(kind_of_failure(&r.message)).or_default() += 1;
    }
    let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (kind, count) in kinds.iter().take(15) {
        let _ = writeln!(out, "| {count} | {} |", markdown_cell(kind));
    }

    out.push_str("\n## Failures\n\n");
    for r in failures {
        let at = match r.line {
            Some(line) => format!("{}:{line}", r.file),
            None => r.file.clone(),
        };
        let _ = writeln!(out, "- `{}` ({}) at `{at}`: {}", r.object, r.route, r.message);
    }
    out
}

fn route_line(out: &mut String, route: &str, rows: &[&ResultRow]) {
    let count = |f: &dyn Fn(&ResultRow) -> bool| rows.iter().filter(|r| f(r)).count();
    let created = count(&|r| r.status.created());
    let checked = count(&|r| r.status.created() && r.checked);
    let failed = count(&|r| r.status == ResultStatus::Failed);
    let not_run = count(&|r| r.status == ResultStatus::NotRun);
    let share = match rows.len() {
        0 => "–".to_owned(),
        n => format!("{:.0} %", 100.0 * created as f64 / n as f64),
    };
    let _ = writeln!(
        out,
        "| {route} | {} | {created} | {share} | {checked} | {failed} | {not_run} |",
        rows.len()
    );
}

fn routines_line(out: &mut String, route: &str, rows: &[&ResultRow]) {
    let all: Vec<RoutineStatus> = rows.iter().flat_map(|r| &r.routines).map(|r| r.status).collect();
    let count = |s: RoutineStatus| all.iter().filter(|&&x| x == s).count();
    let created = all.iter().filter(|s| s.created()).count();
    let _ = writeln!(
        out,
        "| {route} | {} | {created} | {} | {} | {} |",
        all.len(),
        count(RoutineStatus::Clean),
        count(RoutineStatus::Errors),
        count(RoutineStatus::Refused)
    );
}

fn markdown_cell(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(object: &str, status: ResultStatus, message: &str) -> ResultRow {
        ResultRow {
            object: object.into(),
            route: "ora2pg".into(),
            file: "migrated/simple/s/x.view.sql".into(),
            status,
            line: Some(3),
            routines: Vec::new(),
            message: message.into(),
            checked: false,
        }
    }

    #[test]
    fn identifiers_do_not_split_a_kind_of_failure() {
        assert_eq!(
            kind_of_failure("relation \"ventas.facturas\" does not exist (hint: x)"),
            kind_of_failure("relation \"x\" does not exist")
        );
        assert_eq!(
            kind_of_failure("function nvl(numeric, integer) does not exist"),
            "function nvl(numeric, integer) does not exist"
        );
        assert_eq!(kind_of_failure("column 12 of 'a'"), "column N of '…'");
    }

    #[test]
    fn results_read_back_sorted() {
        let dir = tempfile::tempdir().unwrap();
        let rows = vec![
            row("S.B (VIEW)", ResultStatus::Failed, "relation \"t\" does not exist"),
            ResultRow { line: None, checked: true, ..row("S.A (VIEW)", ResultStatus::Ok, "") },
        ];
        write_results(dir.path(), &rows).unwrap();
        let back = read_results(dir.path()).unwrap();
        assert_eq!(back, vec![rows[1].clone(), rows[0].clone()]);
    }

    #[test]
    fn the_report_counts_kinds_and_points_at_lines() {
        let rows = vec![
            row("S.A (VIEW)", ResultStatus::Failed, "relation \"a\" does not exist"),
            row("S.B (VIEW)", ResultStatus::Failed, "relation \"b\" does not exist"),
            row("S.C (VIEW)", ResultStatus::Ok, ""),
        ];
        let header = ReportHeader {
            target: Some("postgres://u@h/db"),
            check_note: None,
            folders: &["migrated/simple/".to_owned()],
        };
        let text = render_report(&header, &rows);
        assert!(text.contains("| ora2pg | 3 | 1 | 33 % | 0 | 2 | 0 |"), "{text}");
        assert!(text.contains("| 2 | relation \"…\" does not exist |"), "{text}");
        assert!(text.contains("at `migrated/simple/s/x.view.sql:3`"), "{text}");
    }
}
