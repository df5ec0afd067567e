//! What the conversion stages read and write: the route lists
//! classification writes (`knowledge/analysis/routes/*.tsv`), and the index
//! of a folder of converted objects (`index.tsv`), which validation reads.
//!
//! Objects are named everywhere as classification names them:
//! `SCHEMA.NAME (TYPE)`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The index file every folder of converted objects has.
pub const INDEX: &str = "index.tsv";

/// Why a list could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct WorklistError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// One object of a route list, in conversion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteEntry {
    /// `SCHEMA.NAME (TYPE)`.
    pub object: String,
    /// The extracted file, relative to the project root.
    pub file: String,
    pub first_line: u32,
    pub last_line: u32,
    /// Hash of the object's source text.
    pub hash: String,
    /// SIMPLE, MEDIUM or COMPLEX.
    pub class: String,
}

impl RouteEntry {
    /// The object type: `PACKAGE BODY` of `S.P (PACKAGE BODY)`.
    pub fn object_type(&self) -> &str {
        split_object(&self.object).2
    }

    pub fn schema(&self) -> &str {
        split_object(&self.object).0
    }

    pub fn name(&self) -> &str {
        split_object(&self.object).1
    }
}

/// `(schema, name, type)` of `SCHEMA.NAME (TYPE)`; a part that is missing
/// is empty.
pub fn split_object(object: &str) -> (&str, &str, &str) {
    let (object, _) = duplicate_suffix(object);
    let (qualified, kind) = match object.rsplit_once(" (") {
        Some((q, k)) => (q, k.trim_end_matches(')')),
        None => (object, ""),
    };
    match qualified.split_once('.') {
        Some((schema, name)) => (schema, name, kind),
        None => ("", qualified, kind),
    }
}

/// The object without the ` #2` classification adds to the second object
/// of one name and type, and that number.
fn duplicate_suffix(object: &str) -> (&str, Option<&str>) {
    match object.rsplit_once(") #") {
        Some((head, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            (&object[..head.len() + 1], Some(n))
        }
        _ => (object, None),
    }
}

/// A tab-separated file with a header line, as classification and the
/// conversion stages write them.
pub struct Table {
    path: String,
    text: String,
}

/// Where a row of a [`Table`] is, for its errors.
pub struct Line<'a> {
    path: &'a str,
    number: usize,
}

impl Line<'_> {
    pub fn error(&self, message: String) -> WorklistError {
        WorklistError { path: self.path.to_owned(), line: self.number, message }
    }
}

impl Table {
    pub fn read(path: &Path) -> Result<Table, WorklistError> {
        let shown = path.display().to_string();
        match fs_err::read_to_string(path) {
            Ok(text) => Ok(Table { path: shown, text }),
            Err(e) => {
                Err(WorklistError { path: shown, line: 0, message: format!("cannot read it: {e}") })
            }
        }
    }

    /// Every non-empty row after the header, split into the `columns`
    /// named; a row with another number of cells is an error naming them.
    pub fn rows<const N: usize>(
        &self,
        columns: [&'static str; N],
    ) -> impl Iterator<Item = Result<(Line<'_>, [&str; N]), WorklistError>> + '_ {
        self.text.lines().enumerate().skip(1).filter(|(_, l)| !l.is_empty()).map(move |(n, l)| {
            let line = Line { path: &self.path, number: n + 1 };
            let cells: Vec<&str> = l.split('\t').collect();
            match <[&str; N]>::try_from(cells.as_slice()) {
                Ok(cells) => Ok((line, cells)),
                Err(_) => Err(line.error(format!(
                    "expected {N} tab-separated columns ({}), found {}",
                    columns.join(", "),
                    cells.len()
                ))),
            }
        })
    }
}

/// Reads a route list written by classification.
pub fn read_route(path: &Path) -> Result<Vec<RouteEntry>, WorklistError> {
    let table = Table::read(path)?;
    let columns = ["object", "file", "first_line", "last_line", "hash", "class"];
    let mut out = Vec::new();
    for row in table.rows(columns) {
        let (line, [object, file, first, last, hash, class]) = row?;
        let number = |s: &str| {
            s.parse::<u32>().map_err(|_| line.error(format!("`{s}` is not a line number")))
        };
        out.push(RouteEntry {
            object: object.to_owned(),
            file: file.to_owned(),
            first_line: number(first)?,
            last_line: number(last)?,
            hash: hash.to_owned(),
            class: class.to_owned(),
        });
    }
    Ok(out)
}

/// Reads objects' source text, each file once, decoded as the scan decodes it.
#[derive(Debug)]
pub struct Sources {
    root: PathBuf,
    files: HashMap<String, Option<Vec<String>>>,
}

impl Sources {
    pub fn new(root: &Path) -> Self {
        Sources { root: root.to_owned(), files: HashMap::new() }
    }

    /// The lines `first_line..=last_line` of the entry's file, or `None`
    /// when the file cannot be read or no longer has those lines.
    pub fn text(&mut self, entry: &RouteEntry) -> Option<String> {
        let root = &self.root;
        let lines = self.files.entry(entry.file.clone()).or_insert_with(|| {
            let bytes = std::fs::read(root.join(&entry.file)).ok()?;
            let decoded = crate::plsql::encoding::decode(&bytes);
            Some(decoded.text.lines().map(str::to_owned).collect())
        });
        let lines = lines.as_ref()?;
        let first = usize::try_from(entry.first_line.max(1) - 1).ok()?;
        let last = usize::try_from(entry.last_line).ok()?;
        if first >= last || last > lines.len() {
            return None;
        }
        let mut text = lines[first..last].join("\n");
        text.push('\n');
        Some(text)
    }
}

/// What became of one object in a conversion folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Converted SQL was written (not yet validated).
    Converted,
    /// The conversion failed; `message` says why, and no file was written.
    Failed,
    /// Only the prompt was written (agent `none`): the SQL is for a person
    /// or another tool to produce.
    Prompt,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Converted => "converted",
            Status::Failed => "failed",
            Status::Prompt => "prompt",
        }
    }

    fn parse(s: &str) -> Option<Status> {
        [Status::Converted, Status::Failed, Status::Prompt].into_iter().find(|v| v.as_str() == s)
    }
}

/// One row of a conversion folder's `index.tsv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    /// `SCHEMA.NAME (TYPE)`.
    pub object: String,
    /// The converted SQL (or the prompt), relative to the folder; empty
    /// when nothing was written.
    pub file: String,
    /// `ora2pg` or `agent`.
    pub route: String,
    pub status: Status,
    /// The extracted file and first line the object came from.
    pub source: String,
    pub first_line: u32,
    /// Hash of the source text converted.
    pub hash: String,
    /// Why it failed, or what a person should know; one line.
    pub message: String,
}

/// The file, under a conversion folder, for an object's SQL:
/// `schema/name.type.sql`, lower case, with anything but letters, digits,
/// `_`, `$` and `#` replaced, so that every object gets a file of its own on
/// every file system.
pub fn file_name(object: &str, extension: &str) -> String {
    let (schema, name, kind) = split_object(object);
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                let c = c.to_ascii_lowercase();
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '#') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let schema = if schema.is_empty() { "_".to_owned() } else { clean(schema) };
    match duplicate_suffix(object).1 {
        Some(n) => format!("{schema}/{}.{}.{n}.{extension}", clean(name), clean(kind)),
        None => format!("{schema}/{}.{}.{extension}", clean(name), clean(kind)),
    }
}

/// A value fit for one cell of the index.
fn cell(text: &str) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

/// Writes `index.tsv` in `folder`, sorted by object.
pub fn write_index(folder: &Path, rows: &[Converted]) -> std::io::Result<()> {
    let mut sorted: Vec<&Converted> = rows.iter().collect();
    sorted.sort_by(|a, b| a.object.cmp(&b.object));
    let mut out = String::from("object\tfile\troute\tstatus\tsource\tfirst_line\thash\tmessage\n");
    for r in sorted {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            cell(&r.object),
            cell(&r.file),
            r.route,
            r.status.as_str(),
            cell(&r.source),
            r.first_line,
            r.hash,
            cell(&r.message)
        );
    }
    crate::runner::atomic::write(&folder.join(INDEX), out.as_bytes())
}

/// Reads the `index.tsv` of a conversion folder.
pub fn read_index(folder: &Path) -> Result<Vec<Converted>, WorklistError> {
    let table = Table::read(&folder.join(INDEX))?;
    let columns = ["object", "file", "route", "status", "source", "first_line", "hash", "message"];
    let mut out = Vec::new();
    for row in table.rows(columns) {
        let (line, [object, file, route, status, source, first_line, hash, message]) = row?;
        out.push(Converted {
            object: object.to_owned(),
            file: file.to_owned(),
            route: route.to_owned(),
            status: Status::parse(status)
                .ok_or_else(|| line.error(format!("`{status}` is not a status")))?,
            source: source.to_owned(),
            first_line: first_line
                .parse()
                .map_err(|_| line.error(format!("`{first_line}` is not a line number")))?,
            hash: hash.to_owned(),
            message: message.to_owned(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_split_into_schema_name_and_type() {
        assert_eq!(
            split_object("VENTAS.PKG_A (PACKAGE BODY)"),
            ("VENTAS", "PKG_A", "PACKAGE BODY")
        );
        assert_eq!(split_object("LONE (FUNCTION)"), ("", "LONE", "FUNCTION"));
        assert_eq!(split_object("S.P (PACKAGE BODY) #2"), ("S", "P", "PACKAGE BODY"));
    }

    #[test]
    fn file_names_are_distinct_per_type_and_safe() {
        assert_eq!(
            file_name("VENTAS.PKG_A (PACKAGE BODY)", "sql"),
            "ventas/pkg_a.package_body.sql"
        );
        assert_eq!(file_name("VENTAS.PKG_A (PACKAGE)", "sql"), "ventas/pkg_a.package.sql");
        assert_eq!(file_name("S.\"odd/name\" (VIEW)", "sql"), "s/_odd_name_.view.sql");
        assert_eq!(file_name("S.P (PACKAGE BODY) #2", "sql"), "s/p.package_body.2.sql");
    }

    #[test]
    fn the_index_reads_back_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let rows = vec![
            Converted {
                object: "B.Y (PROCEDURE)".into(),
                file: "b/y.procedure.sql".into(),
                route: "ora2pg".into(),
                status: Status::Converted,
                source: "extracted/b.sql".into(),
                first_line: 3,
                hash: "h2".into(),
                message: String::new(),
            },
            Converted {
                object: "A.X (FUNCTION)".into(),
                file: String::new(),
                route: "ora2pg".into(),
                status: Status::Failed,
                source: "extracted/a.sql".into(),
                first_line: 1,
                hash: "h1".into(),
                message: "ora2pg said:\tno\nway".into(),
            },
        ];
        write_index(dir.path(), &rows).unwrap();
        let back = read_index(dir.path()).unwrap();
        assert_eq!(back[0].object, "A.X (FUNCTION)");
        assert_eq!(back[0].message, "ora2pg said: no way");
        assert_eq!(back[1], rows[0]);
    }

    #[test]
    fn a_short_route_line_is_reported_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ora2pg.tsv");
        std::fs::write(
            &path,
            "object\tfile\tfirst_line\tlast_line\thash\tclass\nA.X (VIEW)\tf.sql\t1\n",
        )
        .unwrap();
        let e = read_route(&path).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("expected 6 tab-separated columns (object, file,"), "{e}");
    }
}
