//! Content hashes of files, with a stat cache so that a no-op run reads
//! nothing it has hashed before.
//!
//! A file's hash is reused while its size, modification time and inode are
//! the ones recorded with it; touching a file therefore costs one re-hash
//! and no re-run. Entries whose modification time is too close to the time
//! the cache was written are not trusted (the file may have changed again
//! within the clock's resolution), the same precaution git takes with its
//! index.

use std::collections::HashMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// Hex content hash: the first 128 bits of BLAKE3, plenty to tell files apart.
pub fn hash_bytes(bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes);
    hash.to_hex()[..32].to_owned()
}

/// Hash of a whole file, streamed.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut file = fs_err::File::open(path)?;
    let mut hasher = blake3::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().to_hex()[..32].to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    len: u64,
    mtime_ns: i128,
    ino: u64,
}

impl Stat {
    fn of(meta: &std::fs::Metadata) -> Stat {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        Stat { len: meta.len(), mtime_ns, ino: inode(meta) }
    }
}

#[cfg(unix)]
fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    written_ns: i128,
    entries: HashMap<String, (Stat, String)>,
}

/// Hashes project files by relative path, remembering what it hashed.
#[derive(Debug)]
pub struct Hasher {
    root: PathBuf,
    cache_path: PathBuf,
    previous: CacheFile,
    current: Mutex<HashMap<String, (Stat, String)>>,
}

/// Entries this close to the cache's write time are re-hashed.
const RACY_WINDOW_NS: i128 = 2_000_000_000;

impl Hasher {
    /// A hasher for files under `root`, keeping its cache at `cache_path`.
    pub fn new(root: &Path, cache_path: PathBuf) -> Hasher {
        let previous = std::fs::read(&cache_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        Hasher { root: root.to_path_buf(), cache_path, previous, current: Mutex::default() }
    }

    /// Hash of the file at `relative`, or `None` if it does not exist.
    pub fn hash(&self, relative: &str) -> io::Result<Option<String>> {
        let path = self.root.join(relative);
        let meta = match std::fs::metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io::Error::new(e.kind(), format!("{}: {e}", path.display()))),
        };
        let stat = Stat::of(&meta);
        if let Some((known, hash)) = self.previous.entries.get(relative) {
            let trusted = stat.mtime_ns < self.previous.written_ns - RACY_WINDOW_NS;
            if *known == stat && trusted {
                self.remember(relative, stat, hash.clone());
                return Ok(Some(hash.clone()));
            }
        }
        tracing::debug!(file = relative, "hashing: not in the cache, or changed since");
        let hash = hash_file(&path)?;
        self.remember(relative, stat, hash.clone());
        Ok(Some(hash))
    }

    /// Forgets what is known of `relative`, after a stage rewrote it.
    pub fn invalidate(&self, relative: &str) {
        self.current.lock().expect("hash cache lock").remove(relative);
    }

    fn remember(&self, relative: &str, stat: Stat, hash: String) {
        self.current.lock().expect("hash cache lock").insert(relative.to_owned(), (stat, hash));
    }

    /// Writes what was hashed in this run; entries not seen are dropped.
    pub fn save(&self) -> io::Result<()> {
        let entries = std::mem::take(&mut *self.current.lock().expect("hash cache lock"));
        tracing::debug!(files = entries.len(), "hash cache saved");
        let written_ns =
            SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i128);
        let bytes = serde_json::to_vec(&CacheFile { written_ns, entries })?;
        crate::runner::atomic::write_unsynced(&self.cache_path, &bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_content_same_hash() {
        assert_eq!(hash_bytes(b"abc"), hash_bytes(b"abc"));
        assert_ne!(hash_bytes(b"abc"), hash_bytes(b"abd"));
        assert_eq!(hash_bytes(b"abc").len(), 32);
    }

    #[test]
    fn a_changed_file_is_rehashed_even_with_a_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache.json");
        std::fs::write(dir.path().join("a"), "one").unwrap();
        let first = Hasher::new(dir.path(), cache.clone());
        let h1 = first.hash("a").unwrap().unwrap();
        first.save().unwrap();
        std::fs::write(dir.path().join("a"), "two").unwrap();
        let second = Hasher::new(dir.path(), cache);
        let h2 = second.hash("a").unwrap().unwrap();
        assert_ne!(h1, h2);
        assert_eq!(h2, hash_bytes(b"two"));
        assert_eq!(second.hash("missing").unwrap(), None);
    }
}
