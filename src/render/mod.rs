//! Renders the deploy artifacts (SQL, Lambda sources, SAM templates, scripts) from handlebars
//! templates and the manifest's values.
//!
//! A template tree mirrors the output tree: `templates/deploy/sql/x.sql.hbs` renders to
//! `sql/x.sql`. Rendering is strict and deterministic: a value the templates use but the
//! manifest lacks is an error naming the template and the key, files come back sorted by path,
//! and nothing time- or machine-dependent enters the output.
//!
//! Templates never insert a value raw. Each insertion goes through a helper that escapes it for
//! the context it lands in (see [`helpers`]); the default handlebars HTML escaping is switched
//! off because none of our outputs is HTML.
//!
//! This module does not write files: the caller owns the output directory and writes the
//! returned files atomically. It does not read `pipeline.toml` either; it takes the values as
//! JSON.

mod error;
pub mod helpers;

use std::path::{Path, PathBuf};

use handlebars::Handlebars;
use serde_json::Value;
use walkdir::WalkDir;

pub use error::RenderError;

/// The suffix that marks a file as a template; it is dropped from the output path.
pub const TEMPLATE_SUFFIX: &str = ".hbs";

/// One rendered file, ready to be written under the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedFile {
    /// Path relative to the output directory, with the template suffix dropped.
    pub path: PathBuf,
    pub contents: Vec<u8>,
    /// Whether the file should be written with its execute bits set. True for rendered files
    /// that start with a `#!` line, so scripts are runnable on every platform without relying
    /// on the template's file mode surviving a checkout.
    pub executable: bool,
}

/// A template found on disk: its path relative to the tree and its text.
struct Template {
    relative: PathBuf,
    name: String,
    text: String,
}

/// Renders every template under `templates_dir` (relative paths kept, `.hbs` suffix dropped)
/// with `values`.
///
/// Every file under `templates_dir` must be a template; any other file is an error, so a
/// forgotten suffix cannot ship unrendered `{{...}}` text.
pub fn render_tree(templates_dir: &Path, values: &Value) -> Result<Vec<RenderedFile>, RenderError> {
    let templates = read_templates(templates_dir)?;
    let registry = registry(&templates)?;
    let mut files: Vec<RenderedFile> = templates
        .iter()
        .map(|template| render_one(&registry, template, values))
        .collect::<Result<_, _>>()?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The templates of a folder, registered once and rendered by name, for
/// callers that render many times with different values (the conversion
/// prompts, one per object). Names are paths relative to the folder, such as
/// `convert.md.hbs`.
pub struct TemplateSet {
    registry: Handlebars<'static>,
    /// `(name, text)` of every template, sorted by name.
    sources: Vec<(String, String)>,
}

impl TemplateSet {
    /// Reads and checks every template under `dir`.
    pub fn load(dir: &Path) -> Result<TemplateSet, RenderError> {
        let templates = read_templates(dir)?;
        let registry = registry(&templates)?;
        let sources = templates.into_iter().map(|t| (t.name, t.text)).collect();
        Ok(TemplateSet { registry, sources })
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.iter().any(|(n, _)| n == name)
    }

    /// Renders template `name`; an error names the template and its line.
    pub fn render(&self, name: &str, values: &Value) -> Result<String, RenderError> {
        self.registry.render(name, values).map_err(|source| RenderError::render(name, source))
    }

    /// Every template's name and text, sorted by name: what a cache keyed
    /// on the templates hashes.
    pub fn sources(&self) -> &[(String, String)] {
        &self.sources
    }
}

fn read_templates(templates_dir: &Path) -> Result<Vec<Template>, RenderError> {
    let mut templates = Vec::new();
    let walk = WalkDir::new(templates_dir).follow_links(true).sort_by_file_name();
    for entry in walk {
        let entry =
            entry.map_err(|source| RenderError::Walk { dir: templates_dir.to_owned(), source })?;
        if !entry.file_type().is_file() {
            continue;
        }
        templates.push(read_template(templates_dir, entry.path())?);
    }
    if templates.is_empty() {
        return Err(RenderError::NoTemplates { dir: templates_dir.to_owned() });
    }
    Ok(templates)
}

fn read_template(templates_dir: &Path, path: &Path) -> Result<Template, RenderError> {
    let relative = path.strip_prefix(templates_dir).unwrap_or(path).to_owned();
    let name = template_name(&relative);
    if !name.ends_with(TEMPLATE_SUFFIX) {
        return Err(RenderError::NotATemplate { path: path.to_owned() });
    }
    let text = fs_err::read_to_string(path)
        .map_err(|source| RenderError::Read { path: path.to_owned(), source })?;
    Ok(Template { relative, name, text })
}

/// The template's name in the registry and in error messages: its relative path with `/`
/// separators on every platform.
fn template_name(relative: &Path) -> String {
    let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    parts.join("/")
}

fn registry(templates: &[Template]) -> Result<Handlebars<'static>, RenderError> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    helpers::register(&mut registry);
    for template in templates {
        registry
            .register_template_string(&template.name, &template.text)
            .map_err(|source| RenderError::syntax(&template.name, source))?;
    }
    Ok(registry)
}

fn render_one(
    registry: &Handlebars<'_>,
    template: &Template,
    values: &Value,
) -> Result<RenderedFile, RenderError> {
    let text = registry
        .render(&template.name, values)
        .map_err(|source| RenderError::render(&template.name, source))?;
    // read_template checked the suffix.
    let file_name = template.name.rsplit('/').next().unwrap_or_default();
    let path = template.relative.with_file_name(file_name.strip_suffix(TEMPLATE_SUFFIX).unwrap());
    Ok(RenderedFile { executable: text.starts_with("#!"), path, contents: text.into_bytes() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            fs_err::create_dir_all(path.parent().unwrap()).unwrap();
            fs_err::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn paths_keep_their_folders_and_lose_the_suffix_once() {
        let dir =
            tree(&[("b/run.sh.hbs", "#!/bin/sh\n"), ("a.sql.hbs.hbs", "x"), ("c.json.hbs", "{}")]);
        let files = render_tree(dir.path(), &json!({})).unwrap();
        let paths: Vec<_> =
            files.iter().map(|f| (f.path.to_str().unwrap(), f.executable)).collect();
        assert_eq!(paths, [("a.sql.hbs", false), ("b/run.sh", true), ("c.json", false)]);
    }

    #[test]
    fn a_missing_value_inside_a_subexpression_names_its_key() {
        let dir = tree(&[("x.sql.hbs", "SELECT {{sql_literal (concat a.b \"-\" a.c)}};\n")]);
        let error = render_tree(dir.path(), &json!({"a": {"b": "1"}})).unwrap_err();
        assert_eq!(error.missing_key(), Some("a.c"), "{error}");
    }

    #[test]
    fn a_missing_raw_value_is_an_error_too() {
        let dir = tree(&[("x.txt.hbs", "line one\n{{a.missing}}\n")]);
        let error = render_tree(dir.path(), &json!({"a": {}})).unwrap_err();
        assert_eq!(
            error.to_string(),
            "template `x.txt.hbs` line 2, column 1: value `a.missing` is missing from the manifest"
        );
    }

    #[test]
    fn a_syntax_error_names_the_template_and_line() {
        let dir = tree(&[("x.sql.hbs", "SELECT 1;\n{{#if a}}x{{/each}}\n")]);
        let error = render_tree(dir.path(), &json!({})).unwrap_err();
        assert!(
            matches!(&error, RenderError::Syntax { template, at, .. }
            if template == "x.sql.hbs" && at.line == Some(2)),
            "{error}"
        );
    }

    #[test]
    fn a_helper_refuses_a_value_of_the_wrong_kind() {
        let dir = tree(&[("x.sql.hbs", "vector({{integer k.dims}})")]);
        let error =
            render_tree(dir.path(), &json!({"k": {"dims": "1024; DROP TABLE t"}})).unwrap_err();
        assert!(error.to_string().contains("helper `integer` refused value `k.dims`"), "{error}");
    }
}
