//! Reading what a statement is from its first words, before it is tokenized.
//!
//! The splitter needs to know, at the start of each statement, whether it is an
//! object (and which: kind, schema, name), how it ends (`/` or `;`), and whether its
//! body is PL/SQL at all (wrapped code and Java are not). Both extraction conventions
//! are read here: `CREATE [OR REPLACE] [EDITIONABLE] PACKAGE BODY "S"."N"` from DDL
//! exports and `PACKAGE BODY n AS` from `ALL_SOURCE` spools. This module reads words
//! only; it does not parse anything after the name.

use super::object::ObjectKind;

/// How the text after an object's header is to be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyMode {
    /// PL/SQL or SQL: strings and comments matter when looking for the end.
    Code,
    /// Obfuscated by `wrap`: no quoting rules apply, the end is a `/` line.
    Wrapped,
    /// Java source: Java's quoting, so only a `/` line ends it.
    Java,
}

/// An object header: what the statement defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub kind: ObjectKind,
    pub schema: Option<Name>,
    pub name: Name,
    pub mode: BodyMode,
    pub create: bool,
}

/// A name as written in a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub quoted: bool,
}

impl Name {
    /// Oracle's dictionary spelling: unquoted names fold to upper case.
    pub fn canonical(&self) -> String {
        if self.quoted {
            self.text.clone()
        } else {
            self.text.to_uppercase()
        }
    }
}

/// What the first words of a statement say it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Statement {
    Object(Header),
    /// A PL/SQL block or a `CREATE` of something not in the inventory (a user, a
    /// context...): skipped, ended by a `/` line when `slash` is set, else by `;`.
    Other {
        what: String,
        slash: bool,
    },
}

/// A cursor over the words at the start of a statement, skipping blanks and comments.
struct Words<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Words<'a> {
    fn skip_blanks(&mut self) {
        let bytes = self.text.as_bytes();
        loop {
            while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            let rest = &self.text[self.pos..];
            if rest.starts_with("--") {
                self.pos += rest.find('\n').unwrap_or(rest.len());
            } else if let Some(comment) = rest.strip_prefix("/*") {
                self.pos += comment.find("*/").map_or(rest.len(), |end| end + 4);
            } else {
                return;
            }
        }
    }

    /// The next word or quoted name, or a single punctuation character.
    fn next(&mut self) -> Option<Name> {
        self.skip_blanks();
        let rest = &self.text[self.pos..];
        let first = rest.chars().next()?;
        if first == '&' {
            // A SQL*Plus substitution such as `&&owner..pkg`: the variable and its `.`.
            let body = rest.trim_start_matches('&');
            let len = body
                .char_indices()
                .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                .map_or(body.len(), |(i, _)| i);
            let end = rest.len() - body.len() + len;
            self.pos += end + usize::from(rest[end..].starts_with('.'));
            return Some(Name { text: rest[..end].to_owned(), quoted: false });
        }
        if first == '"' {
            let end = rest[1..].find('"')? + 1;
            self.pos += end + 1;
            return Some(Name { text: rest[1..end].to_owned(), quoted: true });
        }
        if !first.is_alphabetic() {
            self.pos += first.len_utf8();
            return Some(Name { text: first.to_string(), quoted: false });
        }
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '$' | '#')))
            .map_or(rest.len(), |(i, _)| i);
        self.pos += len;
        Some(Name { text: rest[..len].to_owned(), quoted: false })
    }

    fn peek(&mut self) -> Option<Name> {
        let saved = self.pos;
        let word = self.next();
        self.pos = saved;
        word
    }

    /// Consumes the next word when it is `keyword` (unquoted, any case).
    fn eat(&mut self, keyword: &str) -> bool {
        match self.peek() {
            Some(w) if !w.quoted && w.text.eq_ignore_ascii_case(keyword) => {
                self.next();
                true
            }
            _ => false,
        }
    }

    /// `name` or `schema.name`.
    fn qualified(&mut self) -> Option<(Option<Name>, Name)> {
        let first = self.next()?;
        if self.eat(".") {
            let second = self.next()?;
            return Some((Some(first), second));
        }
        Some((None, first))
    }
}

/// The object kinds that may follow `CREATE ...`, and those an `ALL_SOURCE` text may
/// start with. Longest spellings first.
const KINDS: &[(&[&str], ObjectKind)] = &[
    (&["PACKAGE", "BODY"], ObjectKind::PackageBody),
    (&["PACKAGE"], ObjectKind::PackageSpec),
    (&["TYPE", "BODY"], ObjectKind::TypeBody),
    (&["TYPE"], ObjectKind::TypeSpec),
    (&["PROCEDURE"], ObjectKind::Procedure),
    (&["FUNCTION"], ObjectKind::Function),
    (&["TRIGGER"], ObjectKind::Trigger),
    (&["LIBRARY"], ObjectKind::Library),
    (&["JAVA", "SOURCE"], ObjectKind::JavaSource),
    (&["MATERIALIZED", "VIEW"], ObjectKind::MaterializedView),
    (&["VIEW"], ObjectKind::View),
    (&["TABLE"], ObjectKind::Table),
    (&["SEQUENCE"], ObjectKind::Sequence),
    (&["SYNONYM"], ObjectKind::Synonym),
    (&["INDEX"], ObjectKind::Index),
];

/// Words between `CREATE` and the kind that change nothing about the object's identity.
const CREATE_MODIFIERS: &[&str] = &[
    "EDITIONABLE",
    "NONEDITIONABLE",
    "EDITIONING",
    "FORCE",
    "NOFORCE",
    "PUBLIC",
    "GLOBAL",
    "PRIVATE",
    "TEMPORARY",
    "SHARDED",
    "DUPLICATED",
    "BLOCKCHAIN",
    "IMMUTABLE",
    "UNIQUE",
    "BITMAP",
    "MULTIVALUE",
    "SECURE",
];

fn read_kind(words: &mut Words) -> Option<ObjectKind> {
    let saved = words.pos;
    for (spelling, kind) in KINDS {
        if spelling.iter().all(|w| words.eat(w)) {
            return Some(*kind);
        }
        words.pos = saved;
    }
    None
}

/// Reads the statement starting at the beginning of `text` (blanks and comments
/// first are allowed). `None` when it does not define anything: SQL*Plus commands and
/// plain SQL are for the caller to recognise.
pub fn read(text: &str) -> Option<Statement> {
    let mut words = Words { text, pos: 0 };
    let first = words.peek()?;
    if first.quoted {
        return None;
    }
    let create = first.text.eq_ignore_ascii_case("CREATE");
    if create {
        words.next();
        if words.eat("OR") && !words.eat("REPLACE") {
            return None;
        }
        loop {
            let progressed = CREATE_MODIFIERS.iter().any(|m| words.eat(m))
                || (words.eat("NO") && words.eat("FORCE"))
                || (words.eat("AND") && (words.eat("RESOLVE") || words.eat("COMPILE")));
            if !progressed {
                break;
            }
        }
    } else if first.text.eq_ignore_ascii_case("DECLARE") || first.text.eq_ignore_ascii_case("BEGIN")
    {
        return Some(Statement::Other { what: "anonymous block".to_owned(), slash: true });
    }
    let Some(kind) = read_kind(&mut words) else {
        if !create {
            return None;
        }
        let what = words.next().map_or("CREATE".to_owned(), |w| w.text.to_uppercase());
        return Some(Statement::Other { what: format!("CREATE {what}"), slash: false });
    };
    if !create && !kind.is_plsql() {
        return None;
    }
    if kind == ObjectKind::MaterializedView && words.eat("LOG") {
        return Some(Statement::Other { what: "materialized view log".to_owned(), slash: false });
    }
    let saved = words.pos;
    if words.eat("IF") && !(words.eat("NOT") && words.eat("EXISTS")) {
        words.pos = saved;
    }
    if kind == ObjectKind::JavaSource && !words.eat("NAMED") {
        return None;
    }
    let (schema, name) = words.qualified()?;
    if !name.quoted && !name.text.starts_with(|c: char| c.is_alphabetic() || c == '&') {
        return None;
    }
    let mode = if kind == ObjectKind::JavaSource {
        BodyMode::Java
    } else if kind.is_plsql() && words.eat("WRAPPED") {
        BodyMode::Wrapped
    } else {
        BodyMode::Code
    };
    Some(Statement::Object(Header { kind, schema, name, mode, create }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(text: &str) -> Header {
        match read(text) {
            Some(Statement::Object(header)) => header,
            other => panic!("expected an object header, got {other:?}"),
        }
    }

    #[test]
    fn ddl_export_header_with_quoted_schema() {
        let h = object("CREATE OR REPLACE EDITIONABLE PACKAGE BODY \"HR\".\"Emp_Pkg\" AS");
        assert_eq!(h.kind, ObjectKind::PackageBody);
        assert_eq!(h.schema.unwrap().canonical(), "HR");
        assert_eq!(h.name.canonical(), "Emp_Pkg");
        assert!(h.create);
    }

    #[test]
    fn all_source_header_folds_unquoted_name() {
        let h = object("package body emp_pkg is");
        assert_eq!(h.kind, ObjectKind::PackageBody);
        assert_eq!(h.name.canonical(), "EMP_PKG");
        assert!(!h.create);
    }

    #[test]
    fn header_split_over_lines_with_comments() {
        let h =
            object("CREATE OR REPLACE\n  -- the API\n  FUNCTION\n  hr . get_salary(p IN NUMBER)");
        assert_eq!(h.kind, ObjectKind::Function);
        assert_eq!(h.name.canonical(), "GET_SALARY");
    }

    #[test]
    fn sqlplus_substitution_in_schema_is_kept() {
        let h = object("create or replace package &&owner..ut_runner authid current_user as");
        assert_eq!(h.schema.unwrap().text, "&&owner");
        assert_eq!(h.name.canonical(), "UT_RUNNER");
    }

    #[test]
    fn wrapped_and_java_bodies_are_recognised() {
        assert_eq!(
            object("CREATE OR REPLACE PACKAGE BODY p wrapped\na000000").mode,
            BodyMode::Wrapped
        );
        let java = object("CREATE OR REPLACE AND COMPILE JAVA SOURCE NAMED \"Util\" AS");
        assert_eq!((java.kind, java.mode), (ObjectKind::JavaSource, BodyMode::Java));
    }

    #[test]
    fn sql_kinds_need_create_in_spools() {
        assert_eq!(read("VIEW v AS SELECT 1 FROM dual"), None);
        assert_eq!(object("CREATE GLOBAL TEMPORARY TABLE t (x NUMBER)").kind, ObjectKind::Table);
        assert_eq!(object("CREATE UNIQUE INDEX i ON t (x)").kind, ObjectKind::Index);
        assert_eq!(object("CREATE OR REPLACE PUBLIC SYNONYM s FOR x.y").kind, ObjectKind::Synonym);
    }

    #[test]
    fn anonymous_blocks_and_other_creates_are_not_objects() {
        assert!(matches!(
            read("BEGIN dbms_output.put_line('x'); END;"),
            Some(Statement::Other { slash: true, .. })
        ));
        assert!(matches!(
            read("CREATE USER app IDENTIFIED BY x"),
            Some(Statement::Other { slash: false, .. })
        ));
    }
}
