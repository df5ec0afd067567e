//! Output folders that a kind owns whole: after it writes what it writes,
//! anything else in the folder is removed, so the folder always equals a
//! fresh run (a file the previous version wrote does not linger in git).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` (atomically) unless the file already holds
/// exactly them; returns whether it wrote. Unchanged files keep their
/// timestamps, so editors and `git status` see only what really changed.
pub(crate) fn write_if_changed(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    crate::runner::atomic::write(path, bytes)?;
    Ok(true)
}

/// Removes every file under `dir` whose path relative to `dir` is not in
/// `keep`, and returns the removed paths (relative, sorted) so the user can
/// be told.
pub(crate) fn remove_unlisted(
    dir: &Path,
    keep: &BTreeSet<PathBuf>,
) -> std::io::Result<Vec<String>> {
    let mut removed = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        let Ok(rel) = entry.path().strip_prefix(dir) else { continue };
        if entry.file_type().is_file() && !keep.contains(rel) {
            fs_err::remove_file(entry.path())?;
            removed.push(rel.display().to_string());
        }
    }
    Ok(removed)
}

/// Writes `files` (paths relative to `dir`, and their text) under `dir`,
/// in parallel and only where changed, then removes every other file
/// there; returns the removed paths.
pub(crate) fn write_folder(dir: &Path, files: &[(String, String)]) -> std::io::Result<Vec<String>> {
    use rayon::prelude::*;
    files.par_iter().try_for_each(|(name, text)| {
        write_if_changed(&dir.join(name), text.as_bytes()).map(|_| ())
    })?;
    let keep: BTreeSet<PathBuf> = files.iter().map(|(name, _)| PathBuf::from(name)).collect();
    remove_unlisted(dir, &keep)
}
