//! The result of scanning one file: its objects and everything else that was in it.

use serde::{Deserialize, Serialize};

use super::encoding::Encoding;
use super::object::Object;

/// One extracted file, decoded, split and parsed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SourceFile {
    pub path: String,
    pub encoding: Encoding,
    pub crlf: bool,
    pub objects: Vec<Object>,
    pub skipped: Vec<Skipped>,
    pub diagnostics: Vec<Diagnostic>,
    pub stats: ScanStats,
}

/// Text that is not an object and was left aside on purpose: SQL*Plus commands,
/// grants, comments on tables, anonymous blocks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub line: u32,
    pub reason: String,
}

/// A problem with the file itself, not with one object's syntax.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub line: u32,
    pub message: String,
}

/// Counts that show how a file was read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanStats {
    pub bytes: u64,
    pub lines: u32,
    pub tokens: u64,
    /// PL/SQL statements, at every depth.
    pub statements: u32,
    pub declarations: u32,
    /// Embedded SQL statements that sqlparser parsed.
    pub sql_by_sqlparser: u32,
    /// Embedded SQL statements read by the token-level fallback.
    pub sql_by_fallback: u32,
    /// DDL objects (tables, indexes, sequences, synonyms) that sqlparser parsed; counted
    /// apart because its support of Oracle's storage clauses is partial by design.
    pub ddl_by_sqlparser: u32,
    pub ddl_by_fallback: u32,
    pub unparsed_statements: u32,
}

impl ScanStats {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &ScanStats) {
        self.bytes += other.bytes;
        self.lines += other.lines;
        self.tokens += other.tokens;
        self.statements += other.statements;
        self.declarations += other.declarations;
        self.sql_by_sqlparser += other.sql_by_sqlparser;
        self.sql_by_fallback += other.sql_by_fallback;
        self.ddl_by_sqlparser += other.ddl_by_sqlparser;
        self.ddl_by_fallback += other.ddl_by_fallback;
        self.unparsed_statements += other.unparsed_statements;
    }
}
