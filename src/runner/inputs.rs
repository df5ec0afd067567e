//! Expanding a stage's `inputs` into the sorted list of files it reads.
//!
//! Patterns use glob syntax where `*` stays within one folder and `**`
//! crosses folders. A literal folder means every file under it. Hidden
//! files and folders (`.git`, `.pipeline`, `.gitkeep`, ...) are left out
//! unless named; symbolic links are followed.

use std::collections::BTreeSet;
use std::path::Path;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use walkdir::WalkDir;

use super::lock;
use crate::manifest::{has_glob_meta, Stage};

/// Why a stage's inputs could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("input `{0}` does not exist")]
    Missing(String),
    #[error("invalid pattern `{pattern}`: {message}")]
    Pattern { pattern: String, message: String },
    #[error("cannot read `{path}`: {message}")]
    Walk { path: String, message: String },
}

/// The files `stage` reads, relative to `root`, sorted and without repeats.
pub fn expand(root: &Path, stage: &Stage) -> Result<Vec<String>, InputError> {
    let exclude = exclude_set(stage)?;
    let mut files = BTreeSet::new();
    for input in &stage.inputs {
        let pattern = input.get_ref();
        if has_glob_meta(pattern) {
            let glob = glob(pattern)?.compile_matcher();
            walk(root, literal_prefix(pattern), &mut |rel| {
                if glob.is_match(rel) {
                    files.insert(rel.to_owned());
                }
            })?;
            continue;
        }
        let path = root.join(pattern.trim_end_matches('/'));
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                walk(root, pattern.trim_end_matches('/'), &mut |rel| {
                    files.insert(rel.to_owned());
                })?;
            }
            Ok(_) => {
                files.insert(pattern.clone());
            }
            Err(_) => return Err(InputError::Missing(pattern.clone())),
        }
    }
    // The lock file records what inputs were; it is never one of them.
    Ok(files.into_iter().filter(|f| !exclude.is_match(f) && f != lock::FILE_NAME).collect())
}

/// What a stage's `exclude` removes. Each entry matches itself and, since
/// it may name a folder, everything under it.
pub(crate) fn exclude_set(stage: &Stage) -> Result<GlobSet, InputError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in &stage.exclude {
        let pattern = pattern.get_ref().trim_end_matches('/');
        builder.add(glob(pattern)?);
        builder.add(glob(&format!("{pattern}/**"))?);
    }
    builder
        .build()
        .map_err(|e| InputError::Pattern { pattern: "exclude".into(), message: e.to_string() })
}

/// A glob where `*` does not cross `/`.
pub fn glob(pattern: &str) -> Result<Glob, InputError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| InputError::Pattern { pattern: pattern.into(), message: e.kind().to_string() })
}

/// The folder part of a pattern before its first glob character: where to
/// start walking.
pub fn literal_prefix(pattern: &str) -> &str {
    let meta = pattern.find(['*', '?', '[', '{']).unwrap_or(pattern.len());
    match pattern[..meta].rfind('/') {
        Some(slash) => &pattern[..slash],
        None => "",
    }
}

fn walk(root: &Path, base: &str, visit: &mut impl FnMut(&str)) -> Result<(), InputError> {
    let start = if base.is_empty() { root.to_path_buf() } else { root.join(base) };
    if !start.exists() {
        return Ok(());
    }
    // No sorting here: callers collect into sorted sets.
    // Symbolic links are followed: an extraction folder often links to a
    // dump kept elsewhere, and its files must be hashed like any other.
    let entries = WalkDir::new(&start)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in entries {
        let entry = entry.map_err(|e| InputError::Walk {
            path: e.path().map_or_else(|| base.to_owned(), |p| p.display().to_string()),
            message: e.to_string(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else { continue };
        let rel = rel.to_string_lossy();
        let rel = if std::path::MAIN_SEPARATOR == '/' {
            rel.into_owned()
        } else {
            rel.replace('\\', "/")
        };
        visit(&rel);
    }
    Ok(())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_prefix_stops_at_the_first_glob() {
        assert_eq!(literal_prefix("extracted/**/*.sql"), "extracted");
        assert_eq!(literal_prefix("a/b/c*.sql"), "a/b");
        assert_eq!(literal_prefix("*.sql"), "");
        assert_eq!(literal_prefix("a/b.sql"), "a");
    }

    #[test]
    fn star_does_not_cross_folders() {
        let g = glob("src/*.sql").unwrap().compile_matcher();
        assert!(g.is_match("src/a.sql"));
        assert!(!g.is_match("src/x/a.sql"));
        let g = glob("src/**/*.sql").unwrap().compile_matcher();
        assert!(g.is_match("src/a.sql") && g.is_match("src/x/y/a.sql"));
    }
}
