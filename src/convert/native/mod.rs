//! Our own PL/SQL → PL/pgSQL translator, for PostgreSQL 15 to 17.
//!
//! It rewrites the parse tree of [`crate::plsql`]: statements and
//! declarations are written again from their structure ([`stmt`]), and the
//! expressions, conditions, types and embedded SQL that the tree keeps as
//! source fragments are rewritten token by token ([`expr`], [`sql`],
//! [`types`]), so that what needs no change comes out as it was written,
//! comments included. [`unit`] wraps each kind of object: a routine becomes
//! `CREATE FUNCTION` or `CREATE PROCEDURE`, a package a schema of its own
//! with one routine per member, a trigger a trigger function and its
//! `CREATE TRIGGER`. [`object`] does object types: a composite type, and
//! one routine per method taking the object as `self`. [`joins`] turns
//! `(+)` into ANSI joins and [`hierarchy`] `CONNECT BY` into recursive
//! queries.
//!
//! Every rewrite that may change meaning, and every construct with no
//! PostgreSQL equivalent, is recorded as a [`Note`] at its line; nothing is
//! dropped without one. What has no equivalent is left as written, so that
//! validation fails on it rather than the code doing something else.
//!
//! Package state (package-level variables and constants) lives in session
//! settings, read through one function per variable: `pkg.g_count()` reads
//! it, an assignment calls `set_config`. Unlike Oracle's, the settings
//! follow the transaction: a rollback restores them.
//!
//! Where Oracle's built-ins have no PostgreSQL twin, the output relies on
//! orafce (available on Aurora): `oracle.substr` is written out, and
//! `TRUNC`, `ROUND`, `ADD_MONTHS`, `INSTR` with a start resolve to orafce's
//! through a `search_path` that ends with `oracle`.
//!
//! # Known shortcomings
//!
//! - Expressions are rewritten as tokens, not trees: a rewrite that needs
//!   the type of an operand (date arithmetic, `TRUNC` of a date or a number,
//!   integer division) is not made.
//! - Nested subprograms that name their routine's cursors, types or
//!   exceptions, autonomous routines with OUT parameters, hierarchical
//!   queries over a join, `(+)` on a column without its table's name, and
//!   `GOTO` are reported, not translated.
//! - Methods are called through the static type the translator can see:
//!   inside an inherited method, a call of a method the subtype overrides
//!   runs the supertype's (noted), and a member procedure gets `self`
//!   INOUT only when it assigns to it.
//! - A package's initialisation section runs when one of its routines or
//!   state readers is first called in a session; an assignment to its
//!   state from another package does not run it.
//! - A compound trigger's timing points are triggers of their own: its
//!   AFTER EACH ROW runs at the end of the statement, as PostgreSQL fires
//!   row triggers, not between rows as Oracle does.
//! - An autonomous routine runs over a dblink connection to the same
//!   database, which needs the dblink extension and, on Aurora, the
//!   `autonomous.connection` setting.

mod catalog;
mod cx;
mod errors;
mod expr;
mod hierarchy;
mod joins;
mod object;
mod sql;
mod stmt;
pub mod text;
pub mod types;
mod unit;

#[cfg(test)]
mod tests;

pub use catalog::Catalog;

use crate::plsql::Object;

/// How much a reader should care about a [`Note`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteKind {
    /// A rewrite whose meaning may differ from Oracle's: check it.
    Review,
    /// No PostgreSQL equivalent: the construct is left as written (or,
    /// for a declaration with no effect in PostgreSQL, left out).
    Unsupported,
}

impl NoteKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteKind::Review => "review",
            NoteKind::Unsupported => "unsupported",
        }
    }
}

/// A rewrite or a gap, at its line of the extracted file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Note {
    pub line: u32,
    pub kind: NoteKind,
    pub message: String,
}

/// One object in PL/pgSQL.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    pub sql: String,
    /// Sorted by line; each once.
    pub notes: Vec<Note>,
}

/// Why an object could not be translated at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TranslateError {
    #[error("not parsed ({0})")]
    NotParsed(String),
    #[error("{0} is not translated by this engine")]
    Kind(&'static str),
    #[error("the translator failed on {0}; this is a bug in pipeline, please report it")]
    Bug(String),
}

/// Translates one parsed object, resolving names against `catalog`.
pub fn translate(object: &Object, catalog: &Catalog) -> Result<Translation, TranslateError> {
    let unit = object.unit.as_ref().ok_or_else(|| {
        let why = match &object.status {
            crate::plsql::ParseStatus::Skipped { reason } => reason.to_string(),
            _ => "no parse tree".to_owned(),
        };
        TranslateError::NotParsed(why)
    })?;
    let mut cx = cx::Cx::new(catalog, object);
    cx.hoistable = unit::hoistable(object, catalog);
    let sql = unit::translate(&mut cx, object, unit)?;
    let mut notes = cx.into_notes();
    notes.sort();
    notes.dedup();
    Ok(Translation { sql, notes })
}
