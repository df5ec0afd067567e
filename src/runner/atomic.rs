//! Writes that either happen whole or not at all.

use std::io::{self, Write};
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// then renames it into place, so no reader ever sees half a file, and
/// flushes it to disk first so a power cut cannot leave it empty.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_inner(path, bytes, true)
}

/// Like [`write`], without flushing to disk: for caches, which a crash may
/// lose but never tear.
pub fn write_unsynced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_inner(path, bytes, false)
}

fn write_inner(path: &Path, bytes: &[u8], sync: bool) -> io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs_err::create_dir_all(dir)?;
    let mut file = tempfile::Builder::new()
        .prefix(".pipeline-tmp-")
        .tempfile_in(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
    file.write_all(bytes)?;
    // tempfile creates files readable by their owner only; a committed file
    // such as the lock must be as readable as any other.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o777);
        file.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    if sync {
        file.as_file().sync_data()?;
    }
    file.persist(path)
        .map_err(|e| io::Error::new(e.error.kind(), format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}
