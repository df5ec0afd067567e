//! `load`: copies the local knowledge base into PostgreSQL (pgvector).
//!
//! Inputs: the DuckDB knowledge base and the rendered `schema.sql` and
//! `functions.sql` of the `knowledge_base` schema (the render stage writes
//! them from `templates/deploy/`). Output: a small JSON receipt saying where
//! the base was loaded and what changed, so the runner knows the load is
//! done; with no database configured the receipt says so, the stage warns,
//! and setting `DATABASE_URL` later makes it run.
//!
//! The schema scripts run first (they create what is missing and change
//! nothing that exists), then every table is loaded in one transaction
//! ([`crate::knowledge::postgres::load`]).

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::knowledge::postgres::{self, Target};

pub(super) struct Load;

const USAGE: &str = "a load stage reads the DuckDB knowledge base and the rendered knowledge_base \
     scripts, and writes a receipt, e.g. inputs = [\"knowledge/knowledge.duckdb\", \
     \"deploy/sql/knowledge_base/\"], outputs = [\"knowledge/load.json\"]";

/// The target of the manifest and environment, if any.
fn target(manifest: &crate::manifest::Manifest) -> Result<Option<Target>, String> {
    let url = manifest.param("knowledge.database.url").and_then(toml::Value::as_str);
    Target::from_env_or(url).map_err(|e| e.to_string())
}

impl StageKind for Load {
    fn name(&self) -> &'static str {
        "load"
    }

    fn about(&self) -> &'static str {
        "loads the knowledge base into PostgreSQL with pgvector (DATABASE_URL)"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["knowledge.database"]
    }

    fn environment(&self, manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        // The database, not the password; hashed, as the lock is committed.
        let identity = match target(manifest) {
            Ok(Some(t)) => crate::runner::hash::hash_bytes(t.identity().as_bytes()),
            Ok(None) => "unset".to_owned(),
            Err(e) => crate::runner::hash::hash_bytes(e.as_bytes()),
        };
        vec![("DATABASE_URL".to_owned(), identity)]
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        let has_base = inputs.iter().any(|p| p.get_ref().ends_with(".duckdb"));
        match outputs {
            [out] if has_base && out.get_ref().ends_with(".json") => Ok(()),
            [out] if has_base => Err((Some(out.span()), USAGE.to_owned())),
            _ => Err((None, USAGE.to_owned())),
        }
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let receipt =
            ctx.stage.output_paths().next().ok_or_else(|| StageError::Failed(USAGE.into()))?;
        let base = ctx
            .stage
            .inputs
            .iter()
            .map(|p| p.get_ref())
            .find(|p| p.ends_with(".duckdb"))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let script = |name: &str| {
            ctx.inputs.iter().find(|f| f.path == name || f.path.ends_with(&format!("/{name}")))
        };
        let (Some(schema), Some(functions)) = (script("schema.sql"), script("functions.sql"))
        else {
            return Err(StageError::Failed(
                "the load stage needs the rendered knowledge_base scripts among its inputs: \
                 schema.sql and functions.sql (the render stage writes them to \
                 deploy/sql/knowledge_base/)"
                    .to_owned(),
            ));
        };

        let Some(target) = target(ctx.manifest).map_err(StageError::Failed)? else {
            write_receipt(
                ctx,
                receipt,
                &serde_json::json!({
                    "target": null,
                    "loaded": false,
                    "why": "DATABASE_URL is not set and [knowledge.database] has no url",
                }),
            )?;
            let mut outcome = Outcome::new("not loaded: no database configured");
            outcome.warnings.push(
                "the knowledge base was not loaded into PostgreSQL: set DATABASE_URL \
                 (postgres://user@host:5432/database) or [knowledge.database] url, and run again"
                    .to_owned(),
            );
            return Ok(outcome);
        };

        let mut client = target.connect().map_err(|e| StageError::Failed(e.to_string()))?;
        for file in [schema, functions] {
            let text = fs_err::read_to_string(ctx.path(&file.path))?;
            postgres::run_script(&mut client, &file.path, &text)
                .map_err(|e| StageError::Failed(e.to_string()))?;
        }
        if ctx.interrupt.is_set() {
            return Err(StageError::Interrupted);
        }
        let tables = postgres::load(&mut client, &ctx.path(base))
            .map_err(|e| StageError::Failed(format!("{e}; the database keeps what it held")))?;

        write_receipt(
            ctx,
            receipt,
            &serde_json::json!({
                "target": target.display(),
                "loaded": true,
                "tables": tables,
            }),
        )?;
        let rows: u64 = tables.iter().map(|t| t.rows).sum();
        let changed: u64 = tables.iter().map(|t| t.inserted + t.updated + t.deleted).sum();
        let mut outcome =
            Outcome::new(format!("{rows} rows in {}, {changed} changed", target.display()));
        for t in &tables {
            outcome.details.push(format!(
                "{}: {} rows, {} inserted, {} updated, {} deleted",
                t.table, t.rows, t.inserted, t.updated, t.deleted
            ));
        }
        Ok(outcome)
    }
}

fn write_receipt(
    ctx: &StageContext<'_>,
    path: &str,
    value: &serde_json::Value,
) -> Result<(), StageError> {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialise");
    text.push('\n');
    let path = ctx.path(path);
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent)?;
    }
    crate::runner::atomic::write(&path, text.as_bytes())?;
    Ok(())
}
