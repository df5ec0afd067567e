//! Running the selected stages: in dependency order, up to `jobs` at once,
//! each only if it is stale, recording each success in the lock file as
//! soon as it happens so an interruption later loses nothing.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use super::backup::Backup;
use super::hash::Hasher;
use super::interrupt::Interrupt;
use super::lock::{LockEntry, LockError};
use super::object_cache::ObjectCache;
use super::project::{output_files, Project};
use super::staleness::{self, Reason};
use crate::stages::{self, InputFile, StageContext, StageError};

/// How to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Stages (indices) to run even if they are up to date.
    pub forced: Vec<usize>,
    /// After a failure, go on with the stages that do not need the failed one.
    pub keep_going: bool,
    /// Stages run at once, and threads each stage may use.
    pub jobs: usize,
    pub verbose: bool,
}

/// What happened to a stage, as the caller is told.
#[derive(Debug)]
pub enum Event<'a> {
    Started {
        stage: &'a str,
        reasons: &'a [Reason],
    },
    Skipped {
        stage: &'a str,
    },
    Finished {
        stage: &'a str,
        outcome: &'a stages::Outcome,
        elapsed: Duration,
    },
    Failed {
        stage: &'a str,
        error: &'a str,
        elapsed: Duration,
    },
    Blocked {
        stage: &'a str,
        by: &'a str,
    },
    /// The stage stopped before its work was done and will resume on the
    /// next run; `message` says how to continue.
    Paused {
        stage: &'a str,
        message: &'a str,
        elapsed: Duration,
    },
    /// A running stage has done `done` of `total` units of work (objects,
    /// files); sent by kinds that have many.
    Progress {
        stage: &'a str,
        done: u64,
        total: u64,
    },
}

/// Final state of one selected stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ran,
    Skipped,
    Failed,
    /// Not run because a stage it needs failed or paused.
    Blocked,
    /// Stopped before its work was done (a token budget); the next run
    /// resumes it.
    Paused,
    /// Not started: the run stopped first (a failure without
    /// `--keep-going`, or Ctrl-C).
    NotRun,
}

#[derive(Debug)]
pub struct RunSummary {
    pub results: Vec<(String, Outcome)>,
    pub interrupted: bool,
    pub elapsed: Duration,
}

impl RunSummary {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results.iter().filter(|(_, o)| *o == outcome).count()
    }
}

/// Why the run could not go on at all (as opposed to a stage failing).
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error("cannot use the state folder `{path}`: {error}")]
    State { path: String, error: std::io::Error },
    #[error("another `pipeline run` is working in this project (it holds `{0}`)")]
    Busy(String),
}

enum Report {
    Skipped,
    Ran(LockEntry, stages::Outcome),
    Failed(String),
    Interrupted,
    Paused(String),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Pending,
    Running,
    Done(Outcome),
}

/// Runs `selection` (indices in run order) and reports each step to `on_event`.
pub fn run(
    project: &Project,
    selection: &[usize],
    options: &RunOptions,
    interrupt: &Interrupt,
    on_event: &(dyn Fn(Event<'_>) + Sync),
) -> Result<RunSummary, RunError> {
    let started = Instant::now();
    let mut lock = project.load_lock()?;
    for dir in ["logs", "cache", "backup"] {
        let path = project.state_dir.join(dir);
        fs_err::create_dir_all(&path)
            .map_err(|error| RunError::State { path: path.display().to_string(), error })?;
    }
    let _guard = lock_project(project)?;
    let hasher = project.hasher();
    let mut state = vec![State::Pending; project.manifest.stages.len()];
    let mut stopping = false;
    let mut timings = Vec::new();

    thread::scope(|scope| -> Result<(), RunError> {
        let (tx, rx) = mpsc::channel::<(usize, Report, Duration)>();
        let mut running = 0;
        loop {
            stopping |= interrupt.is_set();
            while !stopping && running < options.jobs.max(1) {
                let Some(i) = next_ready(project, selection, &mut state, on_event) else { break };
                state[i] = State::Running;
                running += 1;
                let entry = lock.stages.get(&project.stage(i).name).cloned();
                let (tx, hasher) = (tx.clone(), &hasher);
                scope.spawn(move || {
                    let t = Instant::now();
                    let report = run_stage(project, i, entry, hasher, options, interrupt, on_event);
                    let _ = tx.send((i, report, t.elapsed()));
                });
            }
            if running == 0 {
                break;
            }
            let (i, report, elapsed) = rx.recv().expect("a running stage always reports");
            running -= 1;
            let name = &project.stage(i).name;
            let outcome = match report {
                Report::Skipped => Outcome::Skipped,
                Report::Ran(entry, outcome) => {
                    lock.stages.insert(name.clone(), entry);
                    lock.save(&project.lock_path)?;
                    on_event(Event::Finished { stage: name, outcome: &outcome, elapsed });
                    Outcome::Ran
                }
                Report::Failed(error) => {
                    on_event(Event::Failed { stage: name, error: &error, elapsed });
                    stopping |= !options.keep_going;
                    Outcome::Failed
                }
                Report::Interrupted => {
                    on_event(Event::Failed { stage: name, error: "interrupted", elapsed });
                    Outcome::Failed
                }
                Report::Paused(message) => {
                    on_event(Event::Paused { stage: name, message: &message, elapsed });
                    Outcome::Paused
                }
            };
            timings.push((name.clone(), outcome, elapsed));
            state[i] = State::Done(outcome);
            stopping |= interrupt.is_set();
        }
        Ok(())
    })?;

    // Entries of stages the manifest no longer has are dropped, but only on
    // a run of everything: a partial run says nothing about other stages.
    if selection.len() == project.manifest.stages.len() {
        let before = lock.stages.len();
        lock.stages.retain(|name, _| project.manifest.stage(name).is_some());
        if lock.stages.len() != before {
            lock.save(&project.lock_path)?;
        }
    }
    let state_error =
        |error| RunError::State { path: project.state_dir.display().to_string(), error };
    hasher.save().map_err(state_error)?;
    append_timings(project, &timings).map_err(state_error)?;

    let results = selection
        .iter()
        .map(|&i| {
            let outcome = match state[i] {
                State::Done(o) => o,
                State::Pending | State::Running => Outcome::NotRun,
            };
            (project.stage(i).name.clone(), outcome)
        })
        .collect();
    Ok(RunSummary { results, interrupted: interrupt.is_set(), elapsed: started.elapsed() })
}

/// The stage kind's per-object cache; a forced stage redoes every object.
fn object_cache(
    project: &Project,
    stage: &crate::manifest::Stage,
    salt: &str,
    forced: bool,
) -> ObjectCache {
    let cache =
        ObjectCache::new(project.state_dir.join("cache").join(&stage.kind), salt.as_bytes());
    if forced {
        cache.refreshing()
    } else {
        cache
    }
}

/// Holds `.pipeline/run.lock` for the whole run: two runs in one project
/// would share backups and race on the lock file.
fn lock_project(project: &Project) -> Result<std::fs::File, RunError> {
    let path = project.state_dir.join("run.lock");
    let state_error = |error| RunError::State { path: path.display().to_string(), error };
    let file = std::fs::File::create(&path).map_err(state_error)?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(RunError::Busy(path.display().to_string())),
        Err(std::fs::TryLockError::Error(error)) => Err(state_error(error)),
    }
}

/// The first pending stage whose needs are met; stages whose needs failed
/// are marked blocked on the way.
fn next_ready(
    project: &Project,
    selection: &[usize],
    state: &mut [State],
    on_event: &(dyn Fn(Event<'_>) + Sync),
) -> Option<usize> {
    'stages: for &i in selection {
        if state[i] != State::Pending {
            continue;
        }
        for &d in &project.graph.deps[i] {
            match state[d] {
                State::Done(Outcome::Ran | Outcome::Skipped) => {}
                State::Done(_) => {
                    state[i] = State::Done(Outcome::Blocked);
                    let by = &project.stage(d).name;
                    on_event(Event::Blocked { stage: &project.stage(i).name, by });
                    continue 'stages;
                }
                State::Pending | State::Running => continue 'stages,
            }
        }
        return Some(i);
    }
    None
}

fn run_stage(
    project: &Project,
    i: usize,
    entry: Option<LockEntry>,
    hasher: &Hasher,
    options: &RunOptions,
    interrupt: &Interrupt,
    on_event: &(dyn Fn(Event<'_>) + Sync),
) -> Report {
    let stage = project.stage(i);
    let snapshot = match project.snapshot(i, hasher) {
        Ok(s) => s,
        Err(e) => return Report::Failed(e.to_string()),
    };
    let mut reasons = staleness::reasons(entry.as_ref(), &snapshot);
    if options.forced.contains(&i) {
        reasons.insert(0, Reason::Forced);
    }
    if reasons.is_empty() {
        on_event(Event::Skipped { stage: &stage.name });
        return Report::Skipped;
    }
    // Hashing a large estate takes a while: a Ctrl-C during it must not
    // wait for the stage to start before it is noticed.
    if interrupt.is_set() {
        return Report::Interrupted;
    }
    on_event(Event::Started { stage: &stage.name, reasons: &reasons });

    let outputs: Vec<String> = stage.output_paths().map(str::to_owned).collect();
    let backup_dir = project.state_dir.join("backup").join(&stage.name);
    let kind = stages::lookup(&stage.kind).expect("kinds are checked on load");
    // An untracked output (a database) is updated in a transaction by its
    // kind, which leaves it as it was on failure: copying it aside would
    // cost more than the run.
    let saved: Vec<String> =
        outputs.iter().filter(|o| !kind.untracked_output(o)).cloned().collect();
    let backup = match Backup::take(&project.manifest.root, backup_dir, &saved) {
        Ok(b) => b,
        Err(e) => return Report::Failed(format!("cannot set the old outputs aside: {e}")),
    };
    let inputs: Vec<InputFile> = snapshot
        .inputs
        .iter()
        .map(|(path, hash)| InputFile { path: path.clone(), hash: hash.clone() })
        .collect();
    // The kind's name only: a kind whose per-object results depend on its
    // parameters mixes them in itself (`ObjectCache::salted`), so that a
    // change to a threshold read by the estate-wide step alone does not
    // throw away every object's work.
    let salt = stage.kind.clone();
    let ctx = StageContext {
        manifest: &project.manifest,
        stage,
        inputs: &inputs,
        cache: object_cache(project, stage, &salt, options.forced.contains(&i)),
        interrupt,
        log_dir: &project.state_dir.join("logs"),
        jobs: options.jobs,
        verbose: options.verbose,
        progress: &|done, total| on_event(Event::Progress { stage: &stage.name, done, total }),
    };

    let result = kind.run(&ctx).and_then(|outcome| {
        let missing: Vec<&str> = outputs
            .iter()
            .filter(|o| !project.manifest.root.join(o.trim_end_matches('/')).exists())
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            Ok(outcome)
        } else {
            Err(StageError::Failed(format!(
                "it did not write its output `{}`",
                missing.join("`, `")
            )))
        }
    });
    let outcome = match result {
        Ok(mut outcome) => {
            outcome.warnings.extend(unmatched_inputs(stage, &snapshot.inputs));
            outcome
        }
        // A paused stage keeps what it wrote, for people to look at and for
        // the next run to resume from; the lock still holds the entry of its
        // last complete run, so that run sees it as stale.
        Err(StageError::Paused(message)) => {
            let _ = backup.discard();
            return Report::Paused(message);
        }
        Err(error) => {
            let restored = backup.restore();
            let mut message = match error {
                StageError::Interrupted => return Report::Interrupted,
                other => other.to_string(),
            };
            if let Err(e) = restored {
                message.push_str(&format!("\n(and its old outputs could not be restored: {e})"));
            }
            return Report::Failed(message);
        }
    };
    let _ = backup.discard();

    let mut recorded = LockEntry {
        definition: snapshot.definition,
        tool: snapshot.tool,
        params: snapshot.params,
        inputs: snapshot.inputs,
        outputs: Default::default(),
    };
    // What the stage added to a database it reads is its own doing, not a
    // change upstream.
    for (path, hash) in recorded.inputs.iter_mut() {
        if kind.updates_input(path) {
            if let Some(identity) = project.untracked_identity(i, path) {
                *hash = identity;
                continue;
            }
            match hasher.hash(path) {
                Ok(Some(now)) => *hash = now,
                Ok(None) => {}
                Err(e) => return Report::Failed(format!("cannot hash input `{path}`: {e}")),
            }
        }
    }
    for output in &outputs {
        if kind.untracked_output(output) {
            recorded.outputs.insert(output.clone(), super::project::UNTRACKED.to_owned());
            continue;
        }
        for file in output_files(&project.manifest.root, output) {
            match hasher.hash(&file) {
                Ok(Some(hash)) => {
                    recorded.outputs.insert(file, hash);
                }
                Ok(None) => {}
                Err(e) => return Report::Failed(format!("cannot hash output `{file}`: {e}")),
            }
        }
    }
    Report::Ran(recorded, outcome)
}

/// Input patterns that matched no file: usually a typo, which would
/// otherwise leave the stage never re-running when the real files change.
fn unmatched_inputs(
    stage: &crate::manifest::Stage,
    inputs: &std::collections::BTreeMap<String, String>,
) -> Vec<String> {
    stage
        .inputs
        .iter()
        .filter(|pattern| {
            let pattern = pattern.get_ref();
            let folder = format!("{}/", pattern.trim_end_matches('/'));
            match super::inputs::glob(pattern) {
                Ok(glob) if crate::manifest::has_glob_meta(pattern) => {
                    let glob = glob.compile_matcher();
                    !inputs.keys().any(|f| glob.is_match(f))
                }
                _ => !inputs.keys().any(|f| f == pattern || f.starts_with(&folder)),
            }
        })
        .map(|pattern| format!("input `{}` matched no file", pattern.get_ref()))
        .collect()
}

/// Timings go to an ignored log, never to the lock file.
fn append_timings(
    project: &Project,
    timings: &[(String, Outcome, Duration)],
) -> std::io::Result<()> {
    use std::io::Write;
    if timings.is_empty() {
        return Ok(());
    }
    let stages: Vec<_> = timings
        .iter()
        .map(|(name, outcome, elapsed)| {
            serde_json::json!({"stage": name, "outcome": format!("{outcome:?}"), "seconds": elapsed.as_secs_f64()})
        })
        .collect();
    let unix = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let line = serde_json::json!({"finished_unix": unix, "stages": stages});
    let mut file = fs_err::OpenOptions::new()
        .create(true)
        .append(true)
        .open(project.state_dir.join("runs.jsonl"))?;
    writeln!(file, "{line}")
}
