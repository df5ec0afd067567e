//! The inventory: one line per object, in a stable order, for people and for diffs.
//!
//! This is what the scan stage writes and what the fixture tests compare: identity,
//! place, status and error count of each object, plus what was skipped and why. It
//! leaves out the parse trees; they are cached per file as JSON by the stage.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::object::{ObjectKind, ParseStatus};
use super::source::SourceFile;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryEntry {
    pub file: String,
    pub kind: ObjectKind,
    pub schema: Option<String>,
    pub name: String,
    pub first_line: u32,
    pub last_line: u32,
    pub status: ParseStatus,
    pub errors: usize,
    pub hash: String,
}

/// Everything found in a set of files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub entries: Vec<InventoryEntry>,
    pub by_kind: BTreeMap<String, usize>,
    pub full: usize,
    pub partial: usize,
    pub skipped: usize,
}

impl Inventory {
    /// The inventory of `files`, ordered by file, then line.
    pub fn of(files: &[SourceFile]) -> Inventory {
        let mut inventory = Inventory::default();
        for file in files {
            for o in &file.objects {
                *inventory.by_kind.entry(o.kind.oracle_name().to_owned()).or_default() += 1;
                match o.status {
                    ParseStatus::Full => inventory.full += 1,
                    ParseStatus::Partial => inventory.partial += 1,
                    ParseStatus::Skipped { .. } => inventory.skipped += 1,
                }
                inventory.entries.push(InventoryEntry {
                    file: o.file.clone(),
                    kind: o.kind,
                    schema: o.schema.clone(),
                    name: o.name.clone(),
                    first_line: o.first_line,
                    last_line: o.last_line,
                    status: o.status.clone(),
                    errors: o.errors.len(),
                    hash: o.hash.clone(),
                });
            }
        }
        inventory.entries.sort_by(|a, b| (&a.file, a.first_line).cmp(&(&b.file, b.first_line)));
        inventory
    }

    /// One aligned line per object: `file:first-last KIND SCHEMA.NAME status`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for e in &self.entries {
            let name = match &e.schema {
                Some(schema) => format!("{schema}.{}", e.name),
                None => e.name.clone(),
            };
            let status = match &e.status {
                ParseStatus::Full => "full".to_owned(),
                ParseStatus::Partial => format!("partial ({} errors)", e.errors),
                ParseStatus::Skipped { reason } => format!("skipped ({reason})"),
            };
            let place = format!("{}:{}-{}", e.file, e.first_line, e.last_line);
            let _ = writeln!(out, "{place:<32} {:<17} {name:<32} {status}", e.kind.oracle_name());
        }
        out
    }
}
