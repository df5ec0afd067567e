//! A per-object result cache for stages that do the same work for many
//! objects (most of ours): parse a file, classify an object, convert it.
//!
//! Results are stored under `.pipeline/cache/<stage kind>/` keyed by a hash
//! of the object's content, the tool's version and a salt the stage derives
//! from the configuration that affects the result. Editing one file of
//! 8,000 therefore redoes the work for that file only. Entries are written
//! atomically; one that cannot be read back is treated as a miss, never as
//! an error, since the work can always be redone. Entries are bincode (an
//! incremental run of a large estate decodes hundreds of megabytes of them,
//! several times faster than JSON) behind a checksum.
//!
//! Entries of other builds are not removed: `pipeline clean --state` (or
//! removing `.pipeline/cache/`) reclaims the space after upgrades.

use std::io;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::atomic;

/// Bytes of the checksum that starts each entry.
const CHECKSUM: usize = 8;

/// A cache of one stage kind's per-object results.
#[derive(Debug, Clone)]
pub struct ObjectCache {
    dir: PathBuf,
    salt: blake3::Hash,
    /// Set for a forced run: every lookup misses, results are stored anew.
    refresh: bool,
}

/// Which build of pipeline is running. The cache is local, so this may be
/// specific to the machine: the version, plus the size and modification
/// time of the executable, so that a rebuilt parser never serves results
/// of the old one under the same version number.
fn build_identity() -> &'static str {
    static IDENTITY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    IDENTITY.get_or_init(|| {
        let exe = std::env::current_exe().and_then(std::fs::metadata);
        let stamp = exe.ok().map(|m| {
            let modified =
                m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
            format!("{} {}", m.len(), modified.map_or(0, |d| d.as_nanos()))
        });
        format!("{} {}", env!("CARGO_PKG_VERSION"), stamp.unwrap_or_default())
    })
}

/// The key of one cached result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey(String);

impl ObjectCache {
    /// A cache in `dir`, for results that depend on `salt` as well as on the
    /// object's content (configuration, prompt template, model name...).
    pub fn new(dir: impl Into<PathBuf>, salt: &[u8]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(build_identity().as_bytes());
        hasher.update(&[0]);
        hasher.update(salt);
        ObjectCache { dir: dir.into(), salt: hasher.finalize(), refresh: false }
    }

    /// The same cache with more salt mixed in.
    pub fn salted(&self, extra: &[u8]) -> Self {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.salt.as_bytes());
        hasher.update(extra);
        ObjectCache { dir: self.dir.clone(), salt: hasher.finalize(), refresh: self.refresh }
    }

    /// The key of an object whose content is `content`.
    pub fn key(&self, content: &[u8]) -> CacheKey {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.salt.as_bytes());
        hasher.update(content);
        CacheKey(hasher.finalize().to_hex()[..40].to_owned())
    }

    /// The key of an object identified by several pieces (its bytes, its
    /// path, the metadata that applies to it...). Each piece is
    /// length-prefixed, so no two different lists give the same key.
    pub fn key_parts(&self, parts: &[&[u8]]) -> CacheKey {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.salt.as_bytes());
        for part in parts {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        CacheKey(hasher.finalize().to_hex()[..40].to_owned())
    }

    fn path(&self, key: &CacheKey) -> PathBuf {
        self.dir.join(&key.0[..2]).join(&key.0[2..])
    }

    /// Whether this run redoes everything (`--force`): a kind with state of
    /// its own beyond this cache (a database it updates) rebuilds it too.
    pub fn is_refreshing(&self) -> bool {
        self.refresh
    }

    /// The same cache, ignoring what it holds (`pipeline run --force`):
    /// lookups miss and results overwrite the old entries.
    pub fn refreshing(mut self) -> Self {
        self.refresh = true;
        self
    }

    /// The stored result for `key`, if there is a readable one.
    pub fn get<T: DeserializeOwned>(&self, key: &CacheKey) -> Option<T> {
        if self.refresh {
            return None;
        }
        let bytes = std::fs::read(self.path(key)).ok()?;
        // bincode is not self-describing: without the checksum, stray bytes
        // could decode into a plausible wrong value instead of failing.
        let (sum, payload) = bytes.split_at_checked(CHECKSUM)?;
        (sum == &blake3::hash(payload).as_bytes()[..CHECKSUM]).then_some(())?;
        bincode::deserialize(payload).ok()
    }

    /// Stores `value` under `key`.
    pub fn put<T: Serialize>(&self, key: &CacheKey, value: &T) -> io::Result<()> {
        let payload = bincode::serialize(value).map_err(io::Error::other)?;
        let mut bytes = Vec::with_capacity(CHECKSUM + payload.len());
        bytes.extend_from_slice(&blake3::hash(&payload).as_bytes()[..CHECKSUM]);
        bytes.extend_from_slice(&payload);
        atomic::write_unsynced(&self.path(key), &bytes)
    }

    /// The cached result for `content`, or `compute`'s, which is then stored.
    /// The flag says whether it came from the cache.
    pub fn get_or_compute<T, F>(&self, content: &[u8], compute: F) -> io::Result<(T, bool)>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> T,
    {
        let key = self.key(content);
        if let Some(value) = self.get(&key) {
            return Ok((value, true));
        }
        let value = compute();
        self.put(&key, &value)?;
        Ok((value, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_content_is_served_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ObjectCache::new(dir.path(), b"config-a");
        let (first, hit) = cache.get_or_compute(b"create procedure p", || 41 + 1).unwrap();
        assert_eq!((first, hit), (42, false));
        let (second, hit): (i32, bool) =
            cache.get_or_compute(b"create procedure p", || panic!("recomputed")).unwrap();
        assert_eq!((second, hit), (42, true));
    }

    #[test]
    fn other_content_or_salt_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ObjectCache::new(dir.path(), b"config-a");
        cache.get_or_compute(b"x", || 1).unwrap();
        assert_ne!(cache.key(b"x"), cache.key(b"y"));
        let other = ObjectCache::new(dir.path(), b"config-b");
        assert_eq!(other.get::<i32>(&other.key(b"x")), None);
        assert_ne!(cache.salted(b"model-1").key(b"x"), cache.key(b"x"));
        assert_ne!(cache.key_parts(&[b"ab", b"c"]), cache.key_parts(&[b"a", b"bc"]));
    }

    #[test]
    fn a_refreshing_cache_misses_and_rewrites() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ObjectCache::new(dir.path(), b"");
        cache.get_or_compute(b"x", || 1).unwrap();
        let (value, hit) = cache.clone().refreshing().get_or_compute(b"x", || 2).unwrap();
        assert_eq!((value, hit), (2, false));
        assert_eq!(cache.get::<i32>(&cache.key(b"x")), Some(2));
    }

    #[test]
    fn a_torn_entry_is_a_miss() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ObjectCache::new(dir.path(), b"");
        let key = cache.key(b"x");
        std::fs::create_dir_all(cache.path(&key).parent().unwrap()).unwrap();
        std::fs::write(cache.path(&key), b"{not json").unwrap();
        assert_eq!(cache.get::<i32>(&key), None);
        // A complete entry cut short fails its checksum.
        cache.put(&key, &(7_u64, String::from("seven"))).unwrap();
        let bytes = std::fs::read(cache.path(&key)).unwrap();
        std::fs::write(cache.path(&key), &bytes[..bytes.len() - 2]).unwrap();
        assert_eq!(cache.get::<(u64, String)>(&key), None);
    }
}
