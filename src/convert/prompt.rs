//! What an agent is told about one object: the values the prompt templates
//! (`templates/prompts/*.hbs`) are rendered with.
//!
//! Everything comes from what classification already wrote: the object's
//! source and, for a package body, its spec; the signatures of what it
//! calls, read from their declarations; its features with the migration
//! strategy of each; its business rules; and, from the knowledge base, the
//! objects nearest to it in meaning.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{json, Value};

use super::worklist::{RouteEntry, Sources, Table, WorklistError};
use crate::analysis::features;

/// The template of the first request for an object.
pub const CONVERT: &str = "convert.md.hbs";
/// The template of a request after a failed validation.
pub const REPAIR: &str = "repair.md.hbs";
/// The system prompt.
pub const SYSTEM: &str = "system.md.hbs";

/// Lines of a declaration taken at most, so that one odd file cannot fill
/// a prompt.
const MAX_SIGNATURE_LINES: usize = 30;

/// What classification wrote, indexed by object.
#[derive(Debug, Default)]
pub struct Knowledge {
    /// Every object of the inventory, by `SCHEMA.NAME (TYPE)`.
    objects: HashMap<String, RouteEntry>,
    features: HashMap<String, Vec<Value>>,
    /// `(target, target type)` of the CALLS and REFERENCES that resolved
    /// inside the estate.
    calls: HashMap<String, Vec<(String, String)>>,
    rules: HashMap<String, Vec<Value>>,
}

impl Knowledge {
    /// Reads `features.tsv`, `dependencies.tsv` and `rules.jsonl` of the
    /// analysis folder and the inventory's `objects.tsv`.
    pub fn load(analysis: &Path, inventory: &Path) -> Result<Knowledge, WorklistError> {
        let mut k = Knowledge::default();
        let columns = [
            "file",
            "first_line",
            "last_line",
            "kind",
            "schema",
            "name",
            "status",
            "errors",
            "hash",
        ];
        let table = Table::read(inventory)?;
        for row in table.rows(columns) {
            let (_, [file, first, last, kind, schema, name, ..]) = row?;
            let object = if schema.is_empty() {
                format!("{name} ({kind})")
            } else {
                format!("{schema}.{name} ({kind})")
            };
            k.objects.insert(
                object.clone(),
                RouteEntry {
                    object,
                    file: file.to_owned(),
                    first_line: first.parse().unwrap_or(0),
                    last_line: last.parse().unwrap_or(0),
                    hash: String::new(),
                    class: String::new(),
                },
            );
        }
        let table = Table::read(&analysis.join("features.tsv"))?;
        for row in table.rows(["object", "feature", "category", "impact", "uses", "lines"]) {
            let (_, [object, id, category, impact, uses, lines]) = row?;
            let f = features::feature(id);
            k.features.entry(object.to_owned()).or_default().push(json!({
                "id": id,
                "name": f.map_or(id, |f| f.name),
                "category": category,
                "impact": impact,
                "uses": uses.parse::<u64>().unwrap_or(0),
                "lines": lines,
                "strategy": f.map_or("", |f| f.strategy),
            }));
        }
        let table = Table::read(&analysis.join("dependencies.tsv"))?;
        let columns = ["object", "kind", "target", "target_type", "resolution", "count", "lines"];
        for row in table.rows(columns) {
            let (_, [object, kind, target, target_type, resolution, ..]) = row?;
            if resolution == "internal" && (kind == "CALLS" || kind == "REFERENCES") {
                let list = k.calls.entry(object.to_owned()).or_default();
                let pair = (target.to_owned(), target_type.to_owned());
                if !list.contains(&pair) {
                    list.push(pair);
                }
            }
        }
        let rules = analysis.join("rules.jsonl");
        let text = fs_err::read_to_string(&rules).map_err(|e| WorklistError {
            path: rules.display().to_string(),
            line: 0,
            message: format!("cannot read it: {e}"),
        })?;
        for (n, line) in text.lines().enumerate() {
            let rule: Value = serde_json::from_str(line).map_err(|e| WorklistError {
                path: rules.display().to_string(),
                line: n + 1,
                message: format!("not a JSON rule: {e}"),
            })?;
            let object = rule["object"].as_str().unwrap_or_default().to_owned();
            k.rules.entry(object).or_default().push(json!({
                "line": rule["line"],
                "category": rule["category"],
                "name": rule["name"],
                "conditions": rule["conditions"],
                "actions": rule["actions"],
            }));
        }
        Ok(k)
    }

    /// The inventory's entry of `object`.
    pub fn object(&self, object: &str) -> Option<&RouteEntry> {
        self.objects.get(object)
    }

    /// The values a prompt template is rendered with. `related` is what a
    /// search of the knowledge base found; `earlier` the failure of an
    /// earlier route (ora2pg), with its SQL when there is some.
    pub fn context(
        &self,
        sources: &mut Sources,
        entry: &RouteEntry,
        source: &str,
        related: Vec<Value>,
        earlier: Option<Value>,
        postgres_version: i64,
    ) -> Value {
        let (schema, name, kind) = super::worklist::split_object(&entry.object);
        let spec = match kind {
            "PACKAGE BODY" | "TYPE BODY" => {
                let spec_kind = kind.trim_end_matches(" BODY");
                // An object outside any schema is named without one.
                let id = match schema {
                    "" => format!("{name} ({spec_kind})"),
                    _ => format!("{schema}.{name} ({spec_kind})"),
                };
                self.objects
                    .get(&id)
                    .and_then(|e| sources.text(e))
                    .map(|text| json!({ "object": id, "source": text }))
            }
            _ => None,
        };
        let calls: Vec<Value> = self
            .calls
            .get(&entry.object)
            .into_iter()
            .flatten()
            .map(|(target, target_type)| {
                json!({
                    "target": target,
                    "type": target_type,
                    "signature": self.signature(sources, target, target_type),
                })
            })
            .collect();
        json!({
            "object": {
                "id": entry.object,
                "schema": schema,
                "name": name,
                "type": kind,
                "class": entry.class,
                "file": entry.file,
                "first_line": entry.first_line,
                "last_line": entry.last_line,
            },
            "source": source,
            "spec": spec,
            "calls": calls,
            "features": self.features.get(&entry.object).cloned().unwrap_or_default(),
            "rules": self.rules.get(&entry.object).cloned().unwrap_or_default(),
            "related": related,
            "earlier": earlier,
            "target": { "postgres_version": postgres_version },
        })
    }

    /// The declaration of a called routine or type, as written in its spec
    /// or at the head of its own source; `None` when it cannot be found.
    fn signature(&self, sources: &mut Sources, target: &str, target_type: &str) -> Option<String> {
        let parts: Vec<&str> = target.split('.').collect();
        match (target_type, &parts[..]) {
            ("PACKAGE", [schema, package, member]) => {
                let spec = self.objects.get(&format!("{schema}.{package} (PACKAGE)"))?;
                let text = sources.text(spec)?;
                let found = member_declarations(&text, member);
                (!found.is_empty()).then(|| found.join("\n"))
            }
            ("FUNCTION" | "PROCEDURE", _) => {
                let entry = self.objects.get(&format!("{target} ({target_type})"))?;
                let text = sources.text(entry)?;
                Some(routine_head(&text))
            }
            ("TYPE", _) => {
                let entry = self.objects.get(&format!("{target} (TYPE)"))?;
                let text = sources.text(entry)?;
                Some(text.lines().take(MAX_SIGNATURE_LINES).collect::<Vec<_>>().join("\n"))
            }
            _ => None,
        }
    }
}

/// The `FUNCTION member ...;` and `PROCEDURE member ...;` declarations of
/// a package spec (every overload), each up to its semicolon.
fn member_declarations(spec: &str, member: &str) -> Vec<String> {
    let lines: Vec<&str> = spec.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let upper = lines[i].trim_start().to_ascii_uppercase();
        let declares = ["FUNCTION ", "PROCEDURE "].iter().any(|kw| {
            upper.strip_prefix(kw).is_some_and(|rest| {
                let rest = rest.trim_start().trim_start_matches('"');
                rest.starts_with(&member.to_ascii_uppercase())
                    && !rest[member.len().min(rest.len())..].starts_with(|c: char| {
                        c.is_ascii_alphanumeric() || matches!(c, '_' | '$' | '#')
                    })
            })
        });
        if declares {
            let mut decl = Vec::new();
            while i < lines.len() && decl.len() < MAX_SIGNATURE_LINES {
                decl.push(lines[i].trim_end());
                if lines[i].contains(';') {
                    break;
                }
                i += 1;
            }
            out.push(decl.join("\n"));
        }
        i += 1;
    }
    out
}

/// A standalone routine's head: its lines up to the `IS` or `AS` that
/// starts its body.
fn routine_head(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.lines().take(MAX_SIGNATURE_LINES) {
        out.push(line.trim_end());
        let upper = line.to_ascii_uppercase();
        let words: Vec<&str> =
            upper.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').collect();
        if words.iter().any(|w| *w == "IS" || *w == "AS") {
            break;
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "CREATE OR REPLACE PACKAGE ventas.pkg AS\n  \
        FUNCTION total(p_id NUMBER) RETURN NUMBER;\n  \
        FUNCTION total_iva(p_id NUMBER) RETURN NUMBER;\n  \
        PROCEDURE total(p_id NUMBER,\n                  p_out OUT NUMBER);\nEND pkg;\n";

    #[test]
    fn a_members_overloads_are_found_and_not_its_longer_namesakes() {
        let found = member_declarations(SPEC, "TOTAL");
        assert_eq!(
            found,
            vec![
                "  FUNCTION total(p_id NUMBER) RETURN NUMBER;".to_owned(),
                "  PROCEDURE total(p_id NUMBER,\n                  p_out OUT NUMBER);".to_owned(),
            ]
        );
        assert!(member_declarations(SPEC, "MISSING").is_empty());
    }

    #[test]
    fn a_routine_head_stops_at_its_body() {
        let text =
            "CREATE OR REPLACE FUNCTION f(\n  a NUMBER\n) RETURN NUMBER\nIS\n  v NUMBER;\nBEGIN\n";
        assert_eq!(
            routine_head(text),
            "CREATE OR REPLACE FUNCTION f(\n  a NUMBER\n) RETURN NUMBER\nIS"
        );
    }
}
