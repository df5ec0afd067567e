//! `render`: the deploy artifacts, rendered from handlebars templates with
//! values from the manifest.
//!
//! The stage's single input folder holds the templates; its single output
//! folder receives the rendered tree, which users commit and diff. Files
//! whose content did not change are not rewritten, and files the templates
//! no longer produce are removed, so the folder always equals a fresh
//! render. The templates see only the parameter tables the stage reads
//! (its `params` plus the kind's own), so every value that can change the
//! output is one whose change re-runs the stage.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::manifest;
use crate::render::{render_tree, RenderedFile};

pub(super) struct Render;

impl StageKind for Render {
    fn name(&self) -> &'static str {
        "render"
    }

    fn about(&self) -> &'static str {
        "renders the templates folder (its input) into the artifacts folder (its output)"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["project", "target", "aws", "knowledge"]
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        if inputs.len() != 1 || crate::manifest::has_glob_meta(inputs[0].get_ref()) {
            let span = inputs.get(1).or(inputs.first()).map(Spanned::span);
            return Err((span, "a render stage takes one input: its templates folder".into()));
        }
        super::one_output_folder("render", outputs)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let (templates, out) = folders(ctx);
        let values = template_values(ctx);
        let files = render_tree(&ctx.path(templates), &values)
            .map_err(|e| StageError::Failed(e.to_string()))?;
        let out_dir = ctx.path(out);
        let mut changed = 0;
        for file in &files {
            changed += usize::from(write_if_changed(&out_dir, file)?);
        }
        let keep: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let removed = super::folder::remove_unlisted(&out_dir, &keep)?;
        let noun = if files.len() == 1 { "file" } else { "files" };
        let mut summary = format!("{} {noun}, {changed} changed", files.len());
        if !removed.is_empty() {
            summary.push_str(&format!(", {} removed", removed.len()));
        }
        let mut outcome = Outcome::new(summary);
        outcome.warnings = removed
            .iter()
            .map(|f| format!("removed `{out}/{f}`: the templates do not produce it (keep your own files elsewhere)"))
            .collect();
        Ok(outcome)
    }
}

/// The templates folder and the output folder: the stage's one input and
/// one output, whose shape was checked when the manifest was loaded.
fn folders<'a>(ctx: &'a StageContext<'_>) -> (&'a str, &'a str) {
    let stage = ctx.stage;
    (
        stage.inputs[0].get_ref().trim_end_matches('/'),
        stage.outputs[0].get_ref().trim_end_matches('/'),
    )
}

/// The parameter values as one JSON document, nested by their dotted keys.
fn template_values(ctx: &StageContext<'_>) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (key, value) in manifest::param_values(ctx.manifest, ctx.stage) {
        let json = serde_json::to_value(&value).unwrap_or(serde_json::Value::Null);
        let parts: Vec<&str> = key.split('.').collect();
        insert(&mut root, &parts, json);
    }
    serde_json::Value::Object(root)
}

fn insert(
    table: &mut serde_json::Map<String, serde_json::Value>,
    key: &[&str],
    value: serde_json::Value,
) {
    match key {
        [] => {}
        [last] => {
            table.insert((*last).to_owned(), value);
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(*first)
                .or_insert_with(|| serde_json::Value::Object(Default::default()));
            if let serde_json::Value::Object(next) = entry {
                insert(next, rest, value);
            }
        }
    }
}

fn write_if_changed(out_dir: &Path, file: &RenderedFile) -> Result<bool, StageError> {
    let path = out_dir.join(&file.path);
    let written = super::folder::write_if_changed(&path, &file.contents)?;
    set_executable(&path, file.executable)?;
    Ok(written)
}

#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    let current = fs_err::metadata(path)?.permissions().mode() & 0o777;
    if current != mode {
        fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn set_executable(_path: &Path, _executable: bool) -> std::io::Result<()> {
    Ok(())
}
