//! The PL/SQL front end: from extracted files to an inventory of parsed objects.
//!
//! [`scan_file`] is the entry point: it decodes a file ([`encoding`]), splits it into
//! statements the way SQL*Plus would ([`split`], reading object headers with
//! [`header`]), tokenizes each object once with sqlparser's tokenizer ([`lexer`]),
//! parses its PL/SQL structure ([`parser`], into the tree of [`ast`]) and hands the
//! embedded SQL to sqlparser's parser ([`embedded_sql`]). [`metadata`] reads an
//! extraction's `metadata.json`; [`inventory`] lists what was found; [`sniff`] tells
//! SQL text from other files.
//!
//! This module reads files it is given; walking folders, globs and caching are the
//! scan stage's job. It classifies nothing (features, complexity) and resolves no
//! names across objects: later stages do that from the parse trees.
//!
//! # Known shortcomings
//!
//! - Expressions, conditions and data types are source fragments, not trees; a
//!   translator that needs more re-tokenizes the fragment (its span is exact).
//!   So a missing `;` is found only where the next statement or declaration visibly
//!   starts (`parser/run_on.rs` says which cases are not caught), and an expression
//!   that is wrong in itself (`v := 1 +;` aside) is not reported.
//! - When `$IF` cuts through the syntax, the tree is one variant of the code
//!   ([`ast::Unit::one_variant`]); the other branches are only in the source.
//! - sqlparser parses about 40 % of Oracle DDL objects (no `CREATE SYNONYM`, few
//!   storage clauses); their names and referenced tables come from the tokens.
//! - Only a `/` alone on its line ends a PL/SQL object: a changed `SQLTERMINATOR` or
//!   `BLOCKTERMINATOR` is not honoured, and SQL*Plus commands inside an object's text
//!   (before its `/`) are read as part of it.
//! - Serialised scan results are about four times the size of the source, mostly
//!   spans and fragment texts.

pub mod ast;
pub mod embedded_sql;
pub mod encoding;
mod fast_lex;
pub mod header;
pub mod inventory;
pub mod lexer;
pub mod metadata;
pub mod object;
pub mod parser;
pub mod quoting;
mod scan;
pub mod sniff;
pub mod source;
pub mod split;

pub use encoding::Encoding;
pub use inventory::{Inventory, InventoryEntry};
pub use metadata::{is_metadata_file, Metadata, MetadataEntry, MetadataError};
pub use object::{Object, ObjectKind, ObjectSkipReason, ParseError, ParseStatus};
pub use scan::{scan_file, scan_file_each};
pub use sniff::{looks_like_sql, SkipReason};
pub use source::{Diagnostic, ScanStats, Skipped, SourceFile};
