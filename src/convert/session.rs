//! The checkpoint of a conversion run and its Markdown log.
//!
//! After every batch the state file (`migration_state.json`, shaped like
//! the plan's: phases, batch, processed counts, errors, token usage, where
//! to resume) is rewritten atomically and the log gains an entry. Both live
//! in the project's state folder, not among the stage's outputs: the runner
//! puts a failed or killed stage's outputs back as they were, and a
//! checkpoint must survive exactly that.
//!
//! The state file records progress; it is not what prevents double work.
//! Each finished object's result is stored the moment it arrives
//! ([`super::answers`]), so a run killed between two checkpoints loses
//! nothing, and the next run reconciles the state file with the results.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The name of the conversion phase in the state file.
pub const PHASE: &str = "conversion_complex";

/// `migration_state.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct State {
    pub version: String,
    pub created_at: String,
    pub updated_at: String,
    pub current_phase: String,
    pub phases: BTreeMap<String, Phase>,
    pub token_usage: TokenUsage,
    pub recovery: Recovery,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// `pending`, `in_progress`, `paused`, `interrupted`, `completed` or
    /// `failed`.
    pub status: String,
    pub total_objects: usize,
    /// Objects with a result: converted, failed for good, or prompt written.
    pub processed_objects: usize,
    pub converted_objects: usize,
    pub failed_objects: usize,
    /// Of the processed, those whose result came from an earlier run.
    pub reused_objects: usize,
    /// Batches finished in this phase, over every run.
    pub current_batch: usize,
    pub batch_size: usize,
    pub last_object_id: Option<String>,
    pub started_at: String,
    pub errors: Vec<ObjectError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectError {
    pub object: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Tokens (input and output) spent by this run, the session.
    pub session_tokens_used: u64,
    pub session_input_tokens: u64,
    pub session_output_tokens: u64,
    /// The budget of one run; 0 when there is none.
    pub session_limit: u64,
    /// Where the run pauses: `pause_at` of the limit.
    pub pause_threshold: u64,
    /// Tokens spent by every run so far on the objects of this work list.
    pub total_tokens_used: u64,
    /// Whether some of the counts are estimates (an agent that reports none).
    pub estimated: bool,
    /// When the session, and its budget, began.
    pub last_reset: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Recovery {
    pub can_resume: bool,
    pub resume_from: Option<ResumeFrom>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeFrom {
    pub phase: String,
    /// The batch the next run starts with (1-based, over every run).
    pub batch: usize,
    /// Position of the next object in the work list (0-based).
    pub object_index: usize,
    pub object: String,
}

impl State {
    pub fn new(now: &str) -> State {
        State {
            version: "1".to_owned(),
            created_at: now.to_owned(),
            updated_at: now.to_owned(),
            current_phase: PHASE.to_owned(),
            phases: BTreeMap::new(),
            token_usage: TokenUsage::default(),
            recovery: Recovery::default(),
        }
    }

    pub fn phase(&mut self) -> &mut Phase {
        self.phases.entry(PHASE.to_owned()).or_default()
    }
}

/// Where a stage keeps its state file and log.
#[derive(Debug, Clone)]
pub struct Session {
    dir: PathBuf,
}

impl Session {
    /// The session folder of stage `stage` under the project's state folder.
    pub fn new(state_dir: &Path, stage: &str) -> Session {
        Session { dir: state_dir.join("sessions").join(stage) }
    }

    pub fn state_path(&self) -> PathBuf {
        self.dir.join("migration_state.json")
    }

    pub fn log_path(&self) -> PathBuf {
        self.dir.join("migration_log.md")
    }

    /// The last checkpoint, if there is one that can be read. One that
    /// cannot (a different version, a hand edit) is started afresh: the
    /// results themselves are kept elsewhere.
    pub fn load(&self) -> Option<State> {
        let text = std::fs::read_to_string(self.state_path()).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Writes the checkpoint atomically.
    pub fn save(&self, state: &State) -> std::io::Result<()> {
        fs_err::create_dir_all(&self.dir)?;
        let mut text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
        text.push('\n');
        crate::runner::atomic::write(&self.state_path(), text.as_bytes())
    }

    /// Appends an entry to the log: a `###` heading with the time, then
    /// one bullet per line of `lines`.
    pub fn log(&self, now: &str, title: &str, lines: &[String]) -> std::io::Result<()> {
        fs_err::create_dir_all(&self.dir)?;
        let path = self.log_path();
        let mut entry = String::new();
        if !path.exists() {
            entry.push_str("# Migration log: conversion of complex objects\n");
        }
        let _ = writeln!(entry, "\n### {now} - {title}");
        for line in lines {
            let _ = writeln!(entry, "- {line}");
        }
        let mut file = fs_err::OpenOptions::new().create(true).append(true).open(&path)?;
        file.write_all(entry.as_bytes())?;
        file.sync_data()
    }
}

/// The current time, RFC 3339 in UTC to the second.
pub fn now() -> String {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_and_the_log_grows() {
        let dir = tempfile::tempdir().unwrap();
        let session = Session::new(dir.path(), "convert-complex");
        assert!(session.load().is_none());
        let mut state = State::new("2026-01-01T00:00:00Z");
        state.phase().processed_objects = 7;
        state.token_usage.session_tokens_used = 1200;
        session.save(&state).unwrap();
        assert_eq!(session.load().unwrap(), state);

        session.log("t1", "Batch 1 done", &["Objects: 7".into()]).unwrap();
        session.log("t2", "Paused", &[]).unwrap();
        let log = std::fs::read_to_string(session.log_path()).unwrap();
        assert_eq!(log.matches("# Migration log").count(), 1);
        assert!(log.contains("### t1 - Batch 1 done\n- Objects: 7\n"), "{log}");
        assert!(log.ends_with("### t2 - Paused\n"), "{log}");
    }

    #[test]
    fn the_time_is_rfc3339_utc() {
        let t = now();
        assert_eq!(t.len(), "2026-12-03T20:00:00Z".len(), "{t}");
        assert!(t.ends_with('Z'), "{t}");
    }
}
