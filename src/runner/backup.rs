//! Keeping a stage's previous outputs until it has succeeded.
//!
//! Before a stage runs, its existing outputs are copied aside. If it fails
//! or is interrupted, whatever it wrote is removed and the copies are put
//! back, so a failed run leaves the outputs exactly as the lock file
//! describes them. Copies, not hard links, because a command that rewrites
//! a file in place would change a hard-linked "backup" too.
//!
//! A backup is marked complete once every copy is made. If pipeline itself
//! dies while a stage runs (`kill -9`, a power cut), the complete backup is
//! still there at the next run, and is put back before anything else, since
//! the outputs on disk may be half written.

use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Marks a backup whose copies are all made.
const COMPLETE: &str = ".complete";

/// The saved outputs of one stage run.
#[derive(Debug)]
pub struct Backup {
    root: PathBuf,
    dir: PathBuf,
    outputs: Vec<String>,
}

impl Backup {
    /// Copies every existing output of a stage into `dir`. A complete
    /// backup left there by a run that died is restored first.
    pub fn take(root: &Path, dir: PathBuf, outputs: &[String]) -> io::Result<Backup> {
        if dir.join(COMPLETE).exists() {
            tracing::debug!(dir = %dir.display(), "restoring the outputs a dead run had set aside");
            Backup { root: root.to_path_buf(), dir: dir.clone(), outputs: outputs.to_vec() }
                .restore()?;
        }
        remove(&dir)?;
        fs_err::create_dir_all(&dir)?;
        for output in outputs {
            let from = root.join(output.trim_end_matches('/'));
            if from.exists() {
                copy_tree(&from, &dir.join(output.trim_end_matches('/')))?;
            }
        }
        fs_err::write(dir.join(COMPLETE), b"")?;
        Ok(Backup { root: root.to_path_buf(), dir, outputs: outputs.to_vec() })
    }

    /// Puts the saved outputs back, removing anything written since.
    pub fn restore(self) -> io::Result<()> {
        for output in &self.outputs {
            let rel = output.trim_end_matches('/');
            let live = self.root.join(rel);
            remove(&live)?;
            let saved = self.dir.join(rel);
            if saved.exists() {
                if let Some(parent) = live.parent() {
                    fs_err::create_dir_all(parent)?;
                }
                fs_err::rename(&saved, &live)?;
            }
        }
        remove(&self.dir)
    }

    /// The stage succeeded: drop the copies.
    pub fn discard(self) -> io::Result<()> {
        remove(&self.dir)
    }
}

fn copy_tree(from: &Path, to: &Path) -> io::Result<()> {
    if from.is_file() {
        if let Some(parent) = to.parent() {
            fs_err::create_dir_all(parent)?;
        }
        fs_err::copy(from, to)?;
        return Ok(());
    }
    for entry in WalkDir::new(from) {
        let entry = entry.map_err(io::Error::other)?;
        let target = to.join(entry.path().strip_prefix(from).expect("walk stays under its root"));
        if entry.file_type().is_dir() {
            fs_err::create_dir_all(&target)?;
        } else if entry.file_type().is_file() {
            fs_err::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Removes a file or a whole folder; a path that is not there is fine.
pub(crate) fn remove(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs_err::remove_dir_all(path),
        Ok(_) => fs_err::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_brings_back_files_and_folders_and_drops_new_ones() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(r.join("out.txt"), "old").unwrap();
        std::fs::create_dir_all(r.join("dir")).unwrap();
        std::fs::write(r.join("dir/a"), "old a").unwrap();
        let outputs = vec!["out.txt".to_owned(), "dir/".to_owned(), "new.txt".to_owned()];
        let backup = Backup::take(r, r.join(".bk"), &outputs).unwrap();
        std::fs::write(r.join("out.txt"), "half").unwrap();
        std::fs::write(r.join("dir/b"), "new b").unwrap();
        std::fs::write(r.join("new.txt"), "new").unwrap();
        backup.restore().unwrap();
        assert_eq!(std::fs::read_to_string(r.join("out.txt")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(r.join("dir/a")).unwrap(), "old a");
        assert!(!r.join("dir/b").exists());
        assert!(!r.join("new.txt").exists());
        assert!(!r.join(".bk").exists());
    }

    #[test]
    fn a_complete_backup_left_by_a_dead_run_is_restored_first() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::write(r.join("out.txt"), "good").unwrap();
        let outputs = vec!["out.txt".to_owned()];
        let backup = Backup::take(r, r.join(".bk"), &outputs).unwrap();
        std::fs::write(r.join("out.txt"), "HALF").unwrap();
        std::mem::forget(backup); // the run dies here
        let again = Backup::take(r, r.join(".bk"), &outputs).unwrap();
        assert_eq!(std::fs::read_to_string(r.join("out.txt")).unwrap(), "good");
        std::fs::write(r.join("out.txt"), "bad again").unwrap();
        again.restore().unwrap();
        assert_eq!(std::fs::read_to_string(r.join("out.txt")).unwrap(), "good");
    }
}
