//! One object of the estate (a package body, a view, a trigger...) as found in a file.

use serde::{Deserialize, Serialize};

use super::ast;
use super::lexer::Tok;

/// The kinds of object the front end recognises, named as Oracle's `ALL_OBJECTS` does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ObjectKind {
    PackageSpec,
    PackageBody,
    Procedure,
    Function,
    Trigger,
    TypeSpec,
    TypeBody,
    View,
    MaterializedView,
    Table,
    Sequence,
    Synonym,
    Index,
    JavaSource,
    Library,
}

impl ObjectKind {
    /// The spelling used by `ALL_OBJECTS.OBJECT_TYPE` and by extraction metadata.
    pub fn oracle_name(self) -> &'static str {
        match self {
            ObjectKind::PackageSpec => "PACKAGE",
            ObjectKind::PackageBody => "PACKAGE BODY",
            ObjectKind::Procedure => "PROCEDURE",
            ObjectKind::Function => "FUNCTION",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::TypeSpec => "TYPE",
            ObjectKind::TypeBody => "TYPE BODY",
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView => "MATERIALIZED VIEW",
            ObjectKind::Table => "TABLE",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::Synonym => "SYNONYM",
            ObjectKind::Index => "INDEX",
            ObjectKind::JavaSource => "JAVA SOURCE",
            ObjectKind::Library => "LIBRARY",
        }
    }

    /// Parses [`ObjectKind::oracle_name`] spellings, in any case.
    pub fn from_oracle_name(name: &str) -> Option<ObjectKind> {
        let upper = name.trim().to_ascii_uppercase();
        let kind = match upper.as_str() {
            "PACKAGE" | "PACKAGE SPEC" => ObjectKind::PackageSpec,
            "PACKAGE BODY" => ObjectKind::PackageBody,
            "PROCEDURE" => ObjectKind::Procedure,
            "FUNCTION" => ObjectKind::Function,
            "TRIGGER" => ObjectKind::Trigger,
            "TYPE" | "TYPE SPEC" => ObjectKind::TypeSpec,
            "TYPE BODY" => ObjectKind::TypeBody,
            "VIEW" => ObjectKind::View,
            "MATERIALIZED VIEW" => ObjectKind::MaterializedView,
            "TABLE" => ObjectKind::Table,
            "SEQUENCE" => ObjectKind::Sequence,
            "SYNONYM" => ObjectKind::Synonym,
            "INDEX" => ObjectKind::Index,
            "JAVA SOURCE" => ObjectKind::JavaSource,
            "LIBRARY" => ObjectKind::Library,
            _ => return None,
        };
        Some(kind)
    }

    /// Whether SQL*Plus reads this kind as PL/SQL, ended by a `/` line rather than `;`.
    pub fn is_plsql(self) -> bool {
        matches!(
            self,
            ObjectKind::PackageSpec
                | ObjectKind::PackageBody
                | ObjectKind::Procedure
                | ObjectKind::Function
                | ObjectKind::Trigger
                | ObjectKind::TypeSpec
                | ObjectKind::TypeBody
                | ObjectKind::JavaSource
                | ObjectKind::Library
        )
    }
}

/// Why an object was recognised but not parsed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectSkipReason {
    /// Obfuscated by Oracle's `wrap` utility: only the header is readable.
    Wrapped,
    /// Java source stored in the database: not PL/SQL.
    JavaSource,
    /// The text could not be tokenized at all (for example an unterminated string).
    Untokenizable,
}

impl std::fmt::Display for ObjectSkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ObjectSkipReason::Wrapped => "wrapped",
            ObjectSkipReason::JavaSource => "Java source",
            ObjectSkipReason::Untokenizable => "untokenizable",
        })
    }
}

/// How much of an object the parser understood.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParseStatus {
    Full,
    /// Parsed, with `Object::errors` saying where parts were not understood.
    Partial,
    Skipped {
        reason: ObjectSkipReason,
    },
}

/// A located parse error: "expected X, found Y" at a line and column of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParseError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// One object with its identity, its place in the file and its parse tree.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Object {
    pub kind: ObjectKind,
    /// The owner, folded to upper case unless it was quoted; `None` when neither the
    /// text nor the metadata names it.
    pub schema: Option<String>,
    pub name: String,
    pub file: String,
    pub first_line: u32,
    pub last_line: u32,
    /// blake3 (hex) of the text with line endings and trailing blanks normalised.
    pub hash: String,
    pub status: ParseStatus,
    pub errors: Vec<ParseError>,
    pub unit: Option<ast::Unit>,
    /// The tokens the tree was parsed from (comments aside), while the object is in
    /// memory after a scan; never serialised, so a cached object has none.
    #[serde(skip)]
    pub tokens: Vec<Tok>,
}

impl Object {
    /// `SCHEMA.NAME`, or `NAME` when the schema is unknown.
    pub fn qualified_name(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}
