//! What a stage kind is handed when it runs, and what it hands back.

use std::path::{Path, PathBuf};

use crate::manifest::{Manifest, Stage};
use crate::runner::{Interrupt, ObjectCache};

/// One input file, already hashed by the runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the project root, with `/` separators.
    pub path: String,
    /// Content hash (hex).
    pub hash: String,
}

/// Everything a kind may use while it runs.
pub struct StageContext<'a> {
    pub manifest: &'a Manifest,
    pub stage: &'a Stage,
    /// The files the stage's `inputs` matched, sorted by path.
    pub inputs: &'a [InputFile],
    /// A cache of per-object results that survives between runs.
    pub cache: ObjectCache,
    pub interrupt: &'a Interrupt,
    /// Where the stage may write its run log and scratch files.
    pub log_dir: &'a Path,
    /// How many threads the stage may keep busy.
    pub jobs: usize,
    pub verbose: bool,
    /// Reports `done` of `total` units of work, for a progress bar. Cheap
    /// enough to call once per object.
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl StageContext<'_> {
    /// The project root; every manifest path is relative to it.
    pub fn root(&self) -> &Path {
        &self.manifest.root
    }

    /// Absolute path of a project-relative path.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }
}

/// A finished stage: the summary shown on its status line, and warnings that
/// need a person's attention (shown even when quiet).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub summary: String,
    pub warnings: Vec<String>,
    /// Lines shown under the status line with `-v`: the decisions and
    /// findings behind the summary.
    pub details: Vec<String>,
}

impl Outcome {
    pub fn new(summary: impl Into<String>) -> Self {
        Outcome { summary: summary.into(), warnings: Vec::new(), details: Vec::new() }
    }
}

/// Why a stage did not finish.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("{0}")]
    Failed(String),
    #[error("interrupted")]
    Interrupted,
    /// The stage stopped on purpose before its work was done (a token
    /// budget reached): what it wrote is kept and the lock is not updated,
    /// so the next run resumes it. The message says how to continue.
    #[error("paused: {0}")]
    Paused(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}
