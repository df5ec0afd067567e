//! Splitting a file into statements the way SQL*Plus would run it.
//!
//! PL/SQL objects end at a line holding only `/`; plain SQL ends at `;` (or `/`);
//! SQL*Plus commands end at the end of their line (or of a `-` continuation). A `/` or
//! `;` inside a string, a q-quoted string or a comment ends nothing. Objects become
//! [`Chunk`]s; everything else is recorded as [`Skipped`]. This module does not
//! tokenize or parse: it reads bytes with [`quoting`](super::quoting) and the first words with
//! [`header`], so that it costs far less than the lexer.

use super::header::{self, BodyMode, Header, Statement};
use super::quoting::{scan_line, Quoting};
use super::source::{Diagnostic, Skipped};

/// One object's text within the file.
#[derive(Clone, Debug)]
pub struct Chunk {
    pub header: Header,
    /// Byte range in the file text, from the header's first word to the end of the
    /// last line before the terminator (a `;` terminator is left out).
    pub start: usize,
    pub end: usize,
    pub first_line: u32,
    pub last_line: u32,
}

/// Everything the splitter found in a file.
#[derive(Debug, Default)]
pub struct Split {
    pub chunks: Vec<Chunk>,
    pub skipped: Vec<Skipped>,
    pub diagnostics: Vec<Diagnostic>,
}

/// SQL*Plus commands that end with their line. `@` and `@@` are handled apart.
const SQLPLUS_COMMANDS: &[&str] = &[
    "ACC",
    "ACCEPT",
    "APPEND",
    "ARCHIVE",
    "ATTRIBUTE",
    "BREAK",
    "BTITLE",
    "CLEAR",
    "COL",
    "COLUMN",
    "COMPUTE",
    "CONN",
    "CONNECT",
    "COPY",
    "DEF",
    "DEFINE",
    "DESC",
    "DESCRIBE",
    "DISC",
    "DISCONNECT",
    "EXEC",
    "EXECUTE",
    "EXIT",
    "HO",
    "HOST",
    "PASSWORD",
    "PAU",
    "PAUSE",
    "PRINT",
    "PRO",
    "PROMPT",
    "QUIT",
    "REM",
    "REMARK",
    "REPFOOTER",
    "REPHEADER",
    "SET",
    "SHO",
    "SHOW",
    "SPO",
    "SPOOL",
    "STA",
    "START",
    "STORE",
    "TIMING",
    "TTITLE",
    "UNDEF",
    "UNDEFINE",
    "VAR",
    "VARIABLE",
    "WHENEVER",
    "XQUERY",
];

/// SQL statements that are not objects of the inventory; they end with `;`.
const SQL_STATEMENTS: &[&str] = &[
    "ALTER",
    "ANALYZE",
    "AUDIT",
    "CALL",
    "COMMENT",
    "COMMIT",
    "DELETE",
    "DROP",
    "EXPLAIN",
    "FLASHBACK",
    "GRANT",
    "INSERT",
    "LOCK",
    "MERGE",
    "NOAUDIT",
    "PURGE",
    "RENAME",
    "REVOKE",
    "ROLLBACK",
    "SAVEPOINT",
    "SELECT",
    "TRUNCATE",
    "UPDATE",
    "WITH",
];

/// How the statement being read ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Slash,
    Semicolon,
}

/// What the statement being read will become.
enum Pending {
    Object(Header),
    Skip,
}

/// The statement being read.
struct Open {
    pending: Pending,
    end: End,
    mode: BodyMode,
    start: usize,
    first_line: u32,
    /// End of the last line holding anything but blanks.
    last_content_end: usize,
    last_content_line: u32,
}

struct Line<'a> {
    number: u32,
    start: usize,
    /// Without the line break (and without a `\r` before it).
    text: &'a str,
}

fn lines(text: &str) -> impl Iterator<Item = Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n').zip(1..).map(move |(raw, number)| {
        let line_start = start;
        start += raw.len();
        let text = raw.strip_suffix('\n').unwrap_or(raw);
        let text = text.strip_suffix('\r').unwrap_or(text);
        Line { number, start: line_start, text }
    })
}

fn first_word(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '#'))
        .unwrap_or(text.len());
    &text[..end]
}

fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Splits the decoded text of one file.
pub fn split(text: &str) -> Split {
    let mut splitter = Splitter { text, out: Split::default(), open: None, quoting: Quoting::Code };
    let mut continued_command = false;
    for line in lines(text) {
        if continued_command {
            continued_command = line.text.trim_end().ends_with('-');
            continue;
        }
        // When a statement ends without a terminator, its last line starts the next one.
        if splitter.open.is_some() && !splitter.continue_statement(&line) {
            continue;
        }
        continued_command = splitter.start_statement(&line);
    }
    splitter.finish_at_eof();
    splitter.out
}

struct Splitter<'a> {
    text: &'a str,
    out: Split,
    open: Option<Open>,
    quoting: Quoting,
}

impl Splitter<'_> {
    /// Reads a line outside any statement. Returns true when it is a SQL*Plus command
    /// continued on the next line with a trailing `-`.
    fn start_statement(&mut self, line: &Line) -> bool {
        let trimmed = line.text.trim_start();
        let indent = line.text.len() - trimmed.len();
        if self.quoting == Quoting::BlockComment {
            self.quoting = scan_line(self.quoting, line.text.as_bytes(), |_, _| ());
            return false;
        }
        if trimmed.is_empty() || trimmed.starts_with("--") || trimmed.trim_end() == "/" {
            return false;
        }
        if trimmed.starts_with("/*") {
            self.quoting = scan_line(Quoting::Code, trimmed.as_bytes(), |_, _| ());
            return false;
        }
        if trimmed.starts_with('@') {
            self.skip(line.number, "SQL*Plus command @ (script include)".to_owned());
            return false;
        }
        if trimmed.starts_with('!') || trimmed.starts_with("$ ") {
            self.skip(line.number, "SQL*Plus host command".to_owned());
            return false;
        }
        let word = first_word(trimmed);
        if is_one_of(word, SQLPLUS_COMMANDS) && !trimmed.contains(":=") {
            self.skip(line.number, format!("SQL*Plus command {}", word.to_uppercase()));
            return trimmed.trim_end().ends_with('-');
        }
        let start = line.start + indent;
        let (pending, end, mode) = match header::read(&self.text[start..]) {
            Some(Statement::Object(header)) => {
                let end = if header.kind.is_plsql() { End::Slash } else { End::Semicolon };
                let mode = header.mode;
                (Pending::Object(header), end, mode)
            }
            Some(Statement::Other { what, slash }) => {
                self.skip(line.number, format!("{what} (not an object of the inventory)"));
                (Pending::Skip, if slash { End::Slash } else { End::Semicolon }, BodyMode::Code)
            }
            None if is_one_of(word, SQL_STATEMENTS) => {
                self.skip(line.number, format!("{} statement", word.to_uppercase()));
                (Pending::Skip, End::Semicolon, BodyMode::Code)
            }
            None => {
                let shown: String = trimmed.chars().take(40).collect();
                self.out.diagnostics.push(Diagnostic {
                    line: line.number,
                    message: format!("unrecognised statement `{shown}` skipped"),
                });
                (Pending::Skip, End::Semicolon, BodyMode::Code)
            }
        };
        self.open = Some(Open {
            pending,
            end,
            mode,
            start,
            first_line: line.number,
            last_content_end: start,
            last_content_line: line.number,
        });
        self.quoting = Quoting::Code;
        self.continue_statement(&Line { number: line.number, start, text: &line.text[indent..] });
        false
    }

    /// Reads one more line of the open statement. Returns true when the statement was
    /// closed before this line because the line starts a new object.
    fn continue_statement(&mut self, line: &Line) -> bool {
        let open = self.open.as_mut().expect("a statement is open");
        let trimmed = line.text.trim();
        let at_code = open.mode != BodyMode::Code || self.quoting == Quoting::Code;
        if at_code && trimmed == "/" {
            self.close();
            return false;
        }
        // SQL*Plus ends (without running) an SQL statement at a blank line. Objects are
        // not ended that way: exports that leave blank lines in DDL set SQLBLANKLINES.
        let skipped_sql = matches!(open.pending, Pending::Skip) && open.end == End::Semicolon;
        if skipped_sql && trimmed.is_empty() && self.quoting == Quoting::Code {
            self.close();
            return false;
        }
        if open.mode != BodyMode::Code {
            if !trimmed.is_empty() {
                open.last_content_end = line.start + line.text.len();
                open.last_content_line = line.number;
            }
            return false;
        }
        let (end, first_line) = (open.end, open.first_line);
        let what = if matches!(open.pending, Pending::Skip) { "statement" } else { "object" };
        if end == End::Slash && self.starts_unterminated_object(line) {
            let message = format!("{what} has no `/` terminator; the next CREATE starts a new one");
            self.out.diagnostics.push(Diagnostic { line: first_line, message });
            self.close();
            return true;
        }
        let open = self.open.as_mut().expect("a statement is open");
        let mut semicolon = None;
        self.quoting = scan_line(self.quoting, line.text.as_bytes(), |i, b| {
            if b == b';' && semicolon.is_none() {
                semicolon = Some(i);
            }
        });
        if open.end == End::Semicolon {
            if let Some(i) = semicolon {
                open.last_content_end = line.start + i;
                open.last_content_line = line.number;
                self.close();
                return false;
            }
        }
        if !trimmed.is_empty() {
            open.last_content_end = line.start + line.text.len();
            open.last_content_line = line.number;
        }
        false
    }

    /// A `CREATE` of an object at the start of a line, in code, inside a PL/SQL object
    /// or block: the previous statement's `/` was forgotten (worksheets often do).
    /// PL/SQL cannot hold DDL except as dynamic SQL inside a string.
    fn starts_unterminated_object(&self, line: &Line) -> bool {
        let open = self.open.as_ref().expect("a statement is open");
        self.quoting == Quoting::Code
            && line.number > open.first_line
            && first_word(line.text).eq_ignore_ascii_case("CREATE")
            && matches!(header::read(line.text), Some(Statement::Object(_)))
    }

    fn close(&mut self) {
        let open = self.open.take().expect("a statement is open");
        self.quoting = Quoting::Code;
        if let Pending::Object(header) = open.pending {
            self.out.chunks.push(Chunk {
                header,
                start: open.start,
                end: open.last_content_end.max(open.start),
                first_line: open.first_line,
                last_line: open.last_content_line,
            });
        }
    }

    fn finish_at_eof(&mut self) {
        let Some(open) = &self.open else { return };
        if open.mode == BodyMode::Code && self.quoting != Quoting::Code {
            let message = format!("file ends inside a {:?} begun in this statement", self.quoting);
            self.out.diagnostics.push(Diagnostic { line: open.first_line, message });
        }
        self.close();
    }

    fn skip(&mut self, line: u32, reason: String) {
        self.out.skipped.push(Skipped { line, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plsql::object::ObjectKind;

    fn names(split: &Split) -> Vec<(ObjectKind, String, u32, u32)> {
        let chunk =
            |c: &Chunk| (c.header.kind, c.header.name.canonical(), c.first_line, c.last_line);
        split.chunks.iter().map(chunk).collect()
    }

    #[test]
    fn slash_inside_string_q_quote_and_comment_does_not_end_object() {
        let text = "CREATE PROCEDURE p IS\n  s VARCHAR2(9) := '\n/\n';\n  t VARCHAR2(9) := q'[\n/\n]';\n/*\n/\n*/\nBEGIN NULL; END;\n/\n";
        let split = split(text);
        assert_eq!(names(&split), vec![(ObjectKind::Procedure, "P".to_owned(), 1, 11)]);
        assert!(split.diagnostics.is_empty());
    }

    #[test]
    fn sqlplus_noise_is_skipped_with_reasons() {
        let text = "SET DEFINE OFF\nPROMPT Creating p's package\n@@other.sql\nWHENEVER SQLERROR EXIT -\n  FAILURE\nCREATE OR REPLACE PACKAGE p AS\nEND;\n/\nSHOW ERRORS\nGRANT EXECUTE ON p TO app;\nEXIT\n";
        let split = split(text);
        assert_eq!(names(&split), vec![(ObjectKind::PackageSpec, "P".to_owned(), 6, 7)]);
        let reasons: Vec<&str> = split.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "SQL*Plus command SET",
                "SQL*Plus command PROMPT",
                "SQL*Plus command @ (script include)",
                "SQL*Plus command WHENEVER",
                "SQL*Plus command SHOW",
                "GRANT statement",
                "SQL*Plus command EXIT"
            ]
        );
    }

    #[test]
    fn semicolon_ends_sql_objects_but_not_plsql() {
        let text = "CREATE TABLE t (a VARCHAR2(5) DEFAULT ';');\nCREATE VIEW v AS\n  SELECT a FROM t;\nCREATE FUNCTION f RETURN NUMBER IS BEGIN RETURN 1; END;\n/\n";
        let split = split(text);
        let found = names(&split);
        assert_eq!(found[0], (ObjectKind::Table, "T".to_owned(), 1, 1));
        assert_eq!(found[1], (ObjectKind::View, "V".to_owned(), 2, 3));
        assert_eq!(found[2], (ObjectKind::Function, "F".to_owned(), 4, 4));
        assert_eq!(
            &text[split.chunks[0].start..split.chunks[0].end],
            "CREATE TABLE t (a VARCHAR2(5) DEFAULT ';')"
        );
    }

    #[test]
    fn blank_line_ends_an_unterminated_query_in_a_script() {
        let text = "select 1\nfrom dual\n\ndeclare\n  l_x number;\nbegin\n  null;\nend;\n/\nCREATE PROCEDURE p IS BEGIN NULL; END;\n/\n";
        let split = split(text);
        assert_eq!(names(&split), vec![(ObjectKind::Procedure, "P".to_owned(), 10, 10)]);
        assert!(split.diagnostics.is_empty(), "{:?}", split.diagnostics);
    }

    #[test]
    fn missing_slash_before_next_create_is_reported_not_merged() {
        let text =
            "CREATE PROCEDURE a IS BEGIN NULL; END;\nCREATE PROCEDURE b IS BEGIN NULL; END;\n/\n";
        let split = split(text);
        assert_eq!(names(&split).len(), 2);
        assert_eq!(split.diagnostics.len(), 1);
    }

    #[test]
    fn all_source_spool_objects_separated_by_slash() {
        let text = "FUNCTION f1 RETURN NUMBER IS\nBEGIN\n  RETURN 1;\nEND;\n/\nFUNCTION f2 RETURN NUMBER IS\nBEGIN\n  RETURN 2;\nEND f2;\n/\n";
        let found = names(&split(text));
        assert_eq!(found.iter().map(|f| f.1.as_str()).collect::<Vec<_>>(), ["F1", "F2"]);
        assert_eq!((found[1].2, found[1].3), (6, 9));
    }

    #[test]
    fn wrapped_body_ends_at_slash_whatever_its_bytes() {
        let text = "CREATE OR REPLACE PACKAGE BODY w wrapped\na000000\n1f\n'abcd\n/\nCREATE PROCEDURE p IS BEGIN NULL; END;\n/\n";
        let split = split(text);
        assert_eq!(split.chunks.len(), 2);
        assert_eq!(split.chunks[0].header.mode, BodyMode::Wrapped);
    }
}
