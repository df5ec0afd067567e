//! The manifest, `pipeline.toml`: what the project is and which stages run.
//!
//! Loading validates everything that can be known without touching the
//! project's files: keys and types, stage kinds, paths, parameter
//! references, `after` edges, overlapping outputs and cycles. Each error
//! points at the offending text. What inputs exist on disk is the runner's
//! business, not this module's.

mod error;
mod raw;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

pub use error::ManifestError;

use crate::stages;

/// The file name the runner looks for.
pub const FILE_NAME: &str = "pipeline.toml";

/// A validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// Where the manifest was read from.
    pub path: PathBuf,
    /// The folder holding the manifest; every path in it is relative to this.
    pub root: PathBuf,
    pub project: Project,
    /// Stages in the order the manifest declares them.
    pub stages: Vec<Stage>,
    /// The whole document, from which stage parameters are read.
    document: toml::Table,
    text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Project {
    pub name: Option<String>,
    pub description: Option<String>,
}

/// One stage as declared.
#[derive(Debug, Clone)]
pub struct Stage {
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub command: Option<String>,
    /// Input paths or glob patterns, relative to the root.
    pub inputs: Vec<Spanned<String>>,
    /// Patterns removed from what `inputs` match.
    pub exclude: Vec<Spanned<String>>,
    /// Output paths; a trailing `/` marks a folder.
    pub outputs: Vec<Spanned<String>>,
    /// Dotted keys of the manifest this stage reads, its own and its kind's.
    pub params: Vec<Spanned<String>>,
    pub after: Vec<Spanned<String>>,
    /// Where the stage's table starts, for errors about the stage as a whole.
    pub span: Range<usize>,
}

impl Stage {
    /// Output paths without their spans.
    pub fn output_paths(&self) -> impl Iterator<Item = &str> {
        self.outputs.iter().map(|o| o.get_ref().as_str())
    }
}

impl Manifest {
    /// Reads and validates the manifest at `path`.
    pub fn load(path: &Path) -> Result<Manifest, LoadError> {
        let text = fs_err::read_to_string(path).map_err(LoadError::Io)?;
        Ok(Manifest::parse(path, &text)?)
    }

    /// Validates manifest `text`, reporting errors against `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Manifest, ManifestError> {
        let error = |span: Option<Range<usize>>, message: String| {
            ManifestError::new(path, text, span, message)
        };
        let document: toml::Table = toml::from_str(text)
            .map_err(|e| error(e.span(), format!("invalid TOML: {}", e.message())))?;
        let raw: raw::RawDocument = toml::from_str(text)
            .map_err(|e| error(e.span(), format!("invalid manifest: {}", e.message())))?;

        for (key, value) in &document {
            if key != "project" && key != "stages" && !value.is_table() {
                let span = find_key(text, key);
                return Err(error(span, format!("top-level key `{key}` must be a table"))
                    .with_hint(
                        "parameters live in tables, e.g. `[target]` with `postgres_version = 17`",
                    ));
            }
        }

        if raw.stages.is_empty() {
            let near_miss = document
                .keys()
                .find(|k| k.eq_ignore_ascii_case("stage") || k.eq_ignore_ascii_case("stages"));
            let mut err = error(
                near_miss.and_then(|k| find_table(text, k)),
                "the manifest defines no stages".into(),
            );
            err = match near_miss {
                Some(k) => err.with_hint(format!(
                    "stages are tables named `[stages.NAME]`, not `[{k}.NAME]`"
                )),
                None => {
                    err.with_hint("add a `[stages.NAME]` table; `pipeline init` writes an example")
                }
            };
            return Err(err);
        }
        let project = raw
            .project
            .map(|p| Project { name: p.name, description: p.description })
            .unwrap_or_default();
        let mut stages = Vec::new();
        for (name, stage) in raw.stages {
            stages.push(validate_stage(name, stage, &document, &error)?);
        }
        stages.sort_by_key(|s| s.span.start);

        let root = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let manifest = Manifest {
            path: path.to_path_buf(),
            root,
            project,
            stages,
            document,
            text: text.into(),
        };
        manifest.check_references()?;
        Ok(manifest)
    }

    /// A project-relative path as the user should see it: `pipeline.lock`,
    /// not `./pipeline.lock`.
    pub fn path_of(&self, relative: &str) -> PathBuf {
        if self.root == Path::new(".") {
            PathBuf::from(relative)
        } else {
            self.root.join(relative)
        }
    }

    /// The stage called `name`.
    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.name == name)
    }

    /// The value at a dotted key such as `target.postgres_version`.
    pub fn param(&self, key: &str) -> Option<&toml::Value> {
        let mut parts = key.split('.');
        let mut value = self.document.get(parts.next()?)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        Some(value)
    }

    /// Every top-level table except `stages`, for templates and built-in kinds.
    pub fn settings(&self) -> toml::Table {
        self.document
            .iter()
            .filter(|(k, _)| *k != "stages")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// An error located at `span` of this manifest's text.
    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> ManifestError {
        ManifestError::new(&self.path, &self.text, Some(span), message)
    }

    fn check_references(&self) -> Result<(), ManifestError> {
        let names: Vec<&str> = self.stages.iter().map(|s| s.name.as_str()).collect();
        for stage in &self.stages {
            for after in &stage.after {
                if !names.contains(&after.get_ref().as_str()) {
                    return Err(self
                        .error_at(
                            after.span(),
                            format!("unknown stage `{}` in `after`", after.get_ref()),
                        )
                        .with_hint(format!("stages defined: {}", names.join(", "))));
                }
                if after.get_ref() == &stage.name {
                    return Err(self.error_at(after.span(), "a stage cannot run after itself"));
                }
            }
            for param in &stage.params {
                if self.param(param.get_ref()).is_none() {
                    return Err(self.error_at(
                        param.span(),
                        format!("parameter `{}` is not set in the manifest", param.get_ref()),
                    ));
                }
            }
        }
        self.check_outputs_disjoint()
    }

    /// Two stages may not write the same path, nor one inside another's folder.
    fn check_outputs_disjoint(&self) -> Result<(), ManifestError> {
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for stage in &self.stages {
            for output in &stage.outputs {
                let path = output.get_ref().as_str();
                if let Some((other, other_path)) =
                    seen.iter().find(|(_, seen_path)| paths_overlap(seen_path, path))
                {
                    let message = if *other == stage.name {
                        format!("output `{path}` overlaps `{other_path}` of the same stage")
                    } else {
                        format!(
                            "output `{path}` is also written by stage `{other}` (`{other_path}`)"
                        )
                    };
                    return Err(self.error_at(output.span(), message));
                }
                seen.push((&stage.name, path));
            }
        }
        Ok(())
    }
}

/// Whether two output paths name the same file or one lies in the other's folder.
pub fn paths_overlap(a: &str, b: &str) -> bool {
    let a = a.trim_end_matches('/');
    let b = b.trim_end_matches('/');
    a == b || is_under(a, b) || is_under(b, a)
}

/// Whether `path` lies inside the folder `dir`.
pub fn is_under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/'
}

fn validate_stage(
    name: Spanned<String>,
    stage: Spanned<raw::RawStage>,
    document: &toml::Table,
    error: &impl Fn(Option<Range<usize>>, String) -> ManifestError,
) -> Result<Stage, ManifestError> {
    let span = stage.span();
    let name_span = name.span();
    let name = name.into_inner();
    let raw = stage.into_inner();
    if !is_valid_stage_name(&name) {
        return Err(error(
            Some(name_span),
            format!(
                "stage name `{name}` must start with a lowercase letter or digit and hold only \
                 those, `-` and `_`"
            ),
        ));
    }

    let kind_span = raw.kind.span();
    let Some(kind) = stages::lookup(raw.kind.get_ref()) else {
        return Err(error(Some(kind_span), format!("unknown stage kind `{}`", raw.kind.get_ref()))
            .with_hint(format!("available kinds: {}", stages::kind_names().join(", "))));
    };
    match (&raw.command, kind.takes_command()) {
        (None, true) => {
            return Err(error(
                Some(kind_span),
                format!("stage `{name}` of kind `{}` needs a `command`", kind.name()),
            ))
        }
        (Some(command), false) => {
            return Err(error(
                Some(command.span()),
                format!("stage kind `{}` takes no `command`", kind.name()),
            ))
        }
        _ => {}
    }

    for path in raw.inputs.iter().chain(&raw.exclude).chain(&raw.outputs) {
        if let Err(message) = check_relative(path.get_ref()) {
            return Err(error(Some(path.span()), message));
        }
    }
    for output in &raw.outputs {
        if has_glob_meta(output.get_ref()) {
            return Err(error(Some(output.span()), "outputs are paths, not glob patterns".into()));
        }
        if let Some(why) = reserved_output(output.get_ref()) {
            return Err(error(
                Some(output.span()),
                format!("`{}` cannot be an output: {why}", output.get_ref()),
            ));
        }
    }
    for pattern in raw.inputs.iter().chain(&raw.exclude) {
        if has_glob_meta(pattern.get_ref()) {
            if let Err(e) = globset::Glob::new(pattern.get_ref()) {
                return Err(error(
                    Some(pattern.span()),
                    format!("invalid glob `{}`: {}", pattern.get_ref(), e.kind()),
                ));
            }
        }
    }

    if let Err((span, message)) = kind.check_paths(&raw.inputs, &raw.outputs) {
        return Err(error(span.or(Some(kind_span.clone())), message));
    }

    // The kind's own parameters are read whether or not the stage lists them.
    let mut params = raw.params;
    for implicit in kind.implicit_params() {
        // A dotted name (`knowledge.embedding_dimensions`) reads one value of a table.
        let mut parts = implicit.split('.');
        let first = parts.next().and_then(|p| document.get(p));
        let present = parts.try_fold(first, |v, p| Some(v?.as_table()?.get(p))).flatten();
        if present.is_some() && !params.iter().any(|p| p.get_ref() == implicit) {
            params.push(Spanned::new(kind_span.clone(), (*implicit).to_owned()));
        }
    }

    Ok(Stage {
        name,
        kind: kind.name().to_owned(),
        description: raw.description,
        command: raw.command.map(Spanned::into_inner),
        inputs: raw.inputs.into_iter().map(normalize).collect(),
        exclude: raw.exclude.into_iter().map(normalize).collect(),
        outputs: raw.outputs.into_iter().map(normalize).collect(),
        params,
        after: raw.after,
        span,
    })
}

/// Why a path may never be a stage output: stages' outputs are removed by
/// `clean` and replaced on every run.
fn reserved_output(path: &str) -> Option<&'static str> {
    let clean = path.trim_start_matches("./").trim_end_matches('/');
    let first = clean.split('/').next().unwrap_or_default();
    if clean.is_empty() || clean == "." {
        return Some("it is the whole project folder");
    }
    if first == ".pipeline" || first == ".git" {
        return Some("pipeline and git keep their own state there");
    }
    if clean == FILE_NAME || clean == crate::runner::lock::FILE_NAME {
        return Some("pipeline reads it to decide what runs");
    }
    None
}

fn is_valid_stage_name(name: &str) -> bool {
    let plain = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    name.bytes().next().is_some_and(plain)
        && name.bytes().all(|b| plain(b) || b == b'-' || b == b'_')
}

fn check_relative(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("empty path".into());
    }
    if path.starts_with('/') || path.contains('\\') || path.get(1..2) == Some(":") {
        return Err(format!(
            "`{path}` must be relative to the manifest's folder, with `/` separators"
        ));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(format!("`{path}` must not leave the project folder"));
    }
    Ok(())
}

/// `./a//b` becomes `a/b`; a trailing `/` (a folder) is kept.
fn normalize(path: Spanned<String>) -> Spanned<String> {
    let span = path.span();
    let raw = path.into_inner();
    let folder = raw.ends_with('/');
    let mut clean: String =
        raw.split('/').filter(|p| !p.is_empty() && *p != ".").collect::<Vec<_>>().join("/");
    if folder && !clean.is_empty() {
        clean.push('/');
    }
    if clean.is_empty() {
        clean.push('.');
    }
    Spanned::new(span, clean)
}

/// Whether a path holds glob syntax and must be matched rather than read.
pub fn has_glob_meta(path: &str) -> bool {
    path.contains(['*', '?', '[', '{'])
}

/// Best-effort span of a `[key...]` table header.
fn find_table(text: &str, key: &str) -> Option<Range<usize>> {
    let needle = format!("[{key}");
    let start = text.find(&needle)?;
    Some(start..start + needle.len() + 1)
}

/// Best-effort span of a top-level `key` for errors found after parsing.
fn find_key(text: &str, key: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key) && trimmed[key.len()..].trim_start().starts_with('=') {
            let start = offset + (line.len() - trimmed.len());
            return Some(start..start + key.len());
        }
        offset += line.len();
    }
    None
}

/// Failure to read or validate the manifest.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Io(std::io::Error),
    #[error(transparent)]
    Invalid(#[from] ManifestError),
}

/// Values of a stage's parameters, keyed by their dotted names.
///
/// A table is spread into its leaves (`aws.http_client.memory_mb`), so the
/// lock file and the reasons for a re-run name the value that changed, not
/// the whole table.
pub fn param_values(manifest: &Manifest, stage: &Stage) -> BTreeMap<String, toml::Value> {
    let mut out = BTreeMap::new();
    for param in &stage.params {
        if let Some(value) = manifest.param(param.get_ref()) {
            flatten(param.get_ref(), value, &mut out);
        }
    }
    out
}

fn flatten(key: &str, value: &toml::Value, out: &mut BTreeMap<String, toml::Value>) {
    match value {
        toml::Value::Table(table) if !table.is_empty() => {
            for (k, v) in table {
                flatten(&format!("{key}.{k}"), v, out);
            }
        }
        other => {
            out.insert(key.to_owned(), other.clone());
        }
    }
}

#[cfg(test)]
mod tests;
