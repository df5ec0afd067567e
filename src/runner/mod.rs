//! The make-like core: decides which stages are stale, runs them in
//! dependency order, and records what they ran on in the lock file.
//!
//! What a stage *does* belongs to its kind (`crate::stages`); how results
//! are shown belongs to the caller, which receives [`Event`]s. This module
//! prints nothing.

pub mod atomic;
mod backup;
pub(crate) use backup::remove as remove_path;
mod execute;
mod graph;
pub mod hash;
mod inputs;
mod interrupt;
pub mod lock;
mod object_cache;
mod project;
mod staleness;

pub use execute::{run, Event, Outcome, RunError, RunOptions, RunSummary};
pub use graph::Graph;
pub use inputs::InputError;
pub use interrupt::Interrupt;
pub use lock::{Lock, LockEntry, LockError};
pub use object_cache::{CacheKey, ObjectCache};
pub use project::{Project, SelectError, StageStatus};
pub use staleness::{summarize, Reason, Snapshot};

/// The folder, beside the manifest, for state that is not committed: the
/// hash cache, per-object caches, logs, timings, backups.
pub const STATE_DIR: &str = ".pipeline";
