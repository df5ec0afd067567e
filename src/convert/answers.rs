//! Agents' results, kept the moment they arrive.
//!
//! A result is keyed by the object's source hash, the hash of the prompt
//! templates and the agent (provider and model): an object none of these
//! changed for is never sent again, whatever else changed around it, and a
//! run killed mid-batch loses none of the answers it had received. Entries
//! are JSON, one file per result, written atomically, so a person can read
//! what an agent answered and how many tokens it cost.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::agent::Usage;

/// What became of one object sent to an agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentResult {
    pub object: String,
    pub source_hash: String,
    pub template_hash: String,
    pub agent: String,
    /// `converted`, or `failed` when the last attempt's SQL still fails
    /// validation or no usable SQL came back.
    pub status: String,
    /// The SQL of the last usable answer; empty when there was none.
    pub sql: String,
    /// One line: the validation verdict, or why the answer was unusable.
    pub message: String,
    pub attempts: Vec<Attempt>,
}

/// One request to the agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub usage: Usage,
    /// The agent reported no counts: `usage` is an estimate.
    pub estimated: bool,
    /// What came of it: `ok`, the validation error, or why it was unusable.
    pub outcome: String,
}

impl AgentResult {
    pub fn usage(&self) -> Usage {
        let mut total = Usage::default();
        for a in &self.attempts {
            total.input_tokens += a.usage.input_tokens;
            total.output_tokens += a.usage.output_tokens;
        }
        total
    }

    pub fn converted(&self) -> bool {
        self.status == "converted"
    }
}

/// The folder of results.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(dir: impl Into<PathBuf>) -> Store {
        Store { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of an object's result.
    pub fn key(source_hash: &str, template_hash: &str, agent: &str) -> String {
        let mut h = blake3::Hasher::new();
        for part in [source_hash, template_hash, agent] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().to_hex().to_string()
    }

    /// The file of the result under `key`.
    pub fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The stored result, if there is one that reads back; an unreadable
    /// one counts as absent (the object is converted again).
    pub fn get(&self, key: &str) -> Option<AgentResult> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub fn put(&self, key: &str, result: &AgentResult) -> std::io::Result<()> {
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent)?;
        }
        let text = serde_json::to_string_pretty(result).map_err(std::io::Error::other)?;
        crate::runner::atomic::write(&path, text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_result_is_found_under_its_three_parts_only() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path());
        let key = Store::key("src", "tpl", "anthropic:m");
        assert_ne!(key, Store::key("src", "tpl", "anthropic:n"));
        assert_ne!(key, Store::key("srct", "pl", "anthropic:m"));
        let result = AgentResult {
            object: "A.B (PROCEDURE)".into(),
            source_hash: "src".into(),
            template_hash: "tpl".into(),
            agent: "anthropic:m".into(),
            status: "converted".into(),
            sql: "CREATE PROCEDURE b() ...".into(),
            message: "ok".into(),
            attempts: vec![
                Attempt {
                    usage: Usage { input_tokens: 100, output_tokens: 20 },
                    estimated: false,
                    outcome: "line 2: syntax error".into(),
                },
                Attempt {
                    usage: Usage { input_tokens: 150, output_tokens: 25 },
                    estimated: false,
                    outcome: "ok".into(),
                },
            ],
        };
        assert!(store.get(&key).is_none());
        store.put(&key, &result).unwrap();
        assert_eq!(store.get(&key).unwrap(), result);
        assert_eq!(result.usage(), Usage { input_tokens: 250, output_tokens: 45 });
    }
}
