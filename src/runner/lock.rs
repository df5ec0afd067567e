//! `pipeline.lock`: what each stage last ran on and produced.
//!
//! The file is meant to be committed. It holds, per stage, the hash of its
//! definition, the tool version, the values of the parameters it reads and
//! the hashes of its input and output files: all sorted, no timestamps, no
//! machine-specific paths, so two checkouts of the same inputs write the
//! same bytes and a diff shows exactly what changed. Timings and logs live
//! in `.pipeline/`, never here.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::atomic;

/// The lock file's name, beside the manifest.
pub const FILE_NAME: &str = "pipeline.lock";

const HEADER: &str = "\
# Written by `pipeline run`: what each stage last ran on and produced.
# Commit it; do not edit it by hand.
";

const VERSION: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Lock {
    pub version: u32,
    #[serde(default)]
    pub stages: BTreeMap<String, LockEntry>,
}

/// The record of one stage's last successful run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LockEntry {
    /// Hash of the stage's definition in the manifest.
    pub definition: String,
    /// Version of `pipeline` that ran it.
    pub tool: String,
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    #[serde(default)]
    pub inputs: BTreeMap<String, String>,
    #[serde(default)]
    pub outputs: BTreeMap<String, String>,
}

/// A lock file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("cannot read `{path}`: {error}")]
    Read { path: String, error: io::Error },
    #[error(
        "`{path}` is not a valid lock file: {message}\n\nhint: if it is a merge conflict, take \
         either side (or delete the file) and run again: stages whose record is wrong re-run"
    )]
    Invalid { path: String, message: String },
    #[error("cannot write `{path}`: {error}")]
    Write { path: String, error: io::Error },
}

impl Lock {
    /// Reads the lock at `path`; a missing file is an empty lock.
    pub fn load(path: &Path) -> Result<Lock, LockError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(Lock { version: VERSION, stages: BTreeMap::new() })
            }
            Err(error) => return Err(LockError::Read { path: path.display().to_string(), error }),
        };
        let lock: Lock = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].matches('\n').count() + 1);
            LockError::Invalid {
                path: line.map_or_else(
                    || path.display().to_string(),
                    |l| format!("{}:{l}", path.display()),
                ),
                message: e.message().to_owned(),
            }
        })?;
        if lock.version != VERSION {
            return Err(LockError::Invalid {
                path: path.display().to_string(),
                message: format!(
                    "version {} is not the {VERSION} this pipeline writes",
                    lock.version
                ),
            });
        }
        Ok(lock)
    }

    /// The lock as it is written to disk.
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("a lock always serialises");
        format!("{HEADER}{body}")
    }

    /// Writes the lock atomically.
    pub fn save(&self, path: &Path) -> Result<(), LockError> {
        atomic::write(path, self.to_text().as_bytes())
            .map_err(|error| LockError::Write { path: path.display().to_string(), error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_sorted_and_round_trips() {
        let mut lock = Lock { version: VERSION, stages: BTreeMap::new() };
        let mut entry =
            LockEntry { definition: "d".into(), tool: "0.1.0".into(), ..Default::default() };
        entry.inputs.insert("b.sql".into(), "2".into());
        entry.inputs.insert("a.sql".into(), "1".into());
        entry.params.insert("target.postgres_version".into(), toml::Value::Integer(17));
        lock.stages.insert("scan".into(), entry.clone());
        lock.stages.insert("apply".into(), entry);
        let text = lock.to_text();
        assert!(
            text.find("[stages.apply]").unwrap() < text.find("[stages.scan]").unwrap(),
            "{text}"
        );
        assert!(text.find("\"a.sql\"").unwrap() < text.find("\"b.sql\"").unwrap(), "{text}");
        let back: Lock = toml::from_str(&text).unwrap();
        assert_eq!(back, lock);
    }
}
