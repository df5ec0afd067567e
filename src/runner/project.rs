//! A loaded project: its manifest, stage graph, lock and state folder, and
//! the snapshot of a stage as it is on disk now.

use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::graph::Graph;
use super::hash::Hasher;
use super::inputs::{self, InputError};
use super::lock::{self, Lock, LockError};
use super::staleness::{self, Reason, Snapshot};
use super::STATE_DIR;
use crate::manifest::{self, paths_overlap, Manifest, ManifestError, Stage};

/// A manifest with its derived graph and the places its state lives.
#[derive(Debug)]
pub struct Project {
    pub manifest: Manifest,
    pub graph: Graph,
    pub lock_path: PathBuf,
    pub state_dir: PathBuf,
}

/// A stage's predicted state, for `status` and `--dry-run`.
#[derive(Debug, Clone)]
pub struct StageStatus {
    pub stage: usize,
    pub reasons: Vec<Reason>,
}

/// A stage name on the command line that the manifest does not define.
#[derive(Debug, thiserror::Error)]
#[error("no stage named `{name}` in the manifest (stages: {known})")]
pub struct SelectError {
    pub name: String,
    pub known: String,
}

impl Project {
    pub fn new(manifest: Manifest) -> Result<Project, ManifestError> {
        let graph = Graph::build(&manifest)?;
        let lock_path = manifest.path_of(lock::FILE_NAME);
        let state_dir = manifest.path_of(STATE_DIR);
        Ok(Project { manifest, graph, lock_path, state_dir })
    }

    /// The named stages and all they need, in run order; every stage if
    /// `names` is empty.
    pub fn select(&self, names: &[String]) -> Result<Vec<usize>, SelectError> {
        if names.is_empty() {
            return Ok(self.graph.order.clone());
        }
        let targets = self.select_only(names)?;
        Ok(self.graph.closure(&targets))
    }

    /// The named stages alone, without what they need.
    pub fn select_only(&self, names: &[String]) -> Result<Vec<usize>, SelectError> {
        names
            .iter()
            .map(|name| {
                self.manifest.stages.iter().position(|s| &s.name == name).ok_or_else(|| {
                    let known: Vec<&str> =
                        self.manifest.stages.iter().map(|s| s.name.as_str()).collect();
                    SelectError { name: name.clone(), known: known.join(", ") }
                })
            })
            .collect()
    }

    pub fn stage(&self, i: usize) -> &Stage {
        &self.manifest.stages[i]
    }

    pub fn load_lock(&self) -> Result<Lock, LockError> {
        Lock::load(&self.lock_path)
    }

    pub(crate) fn hasher(&self) -> Hasher {
        Hasher::new(&self.manifest.root, self.state_dir.join("hashes.json"))
    }

    /// Whether `path` is (inside) an output of a stage other than `i`.
    fn produced_upstream(&self, i: usize, path: &str) -> bool {
        self.manifest
            .stages
            .iter()
            .enumerate()
            .any(|(j, s)| j != i && s.output_paths().any(|o| paths_overlap(o, path)))
    }

    /// The identity of input `path` of stage `i` when another stage writes
    /// it as an untracked output (a database), in place of its file hash.
    pub(crate) fn untracked_identity(&self, i: usize, path: &str) -> Option<String> {
        self.manifest.stages.iter().enumerate().find_map(|(j, s)| {
            let kind = crate::stages::lookup(&s.kind)?;
            let produces = j != i && s.output_paths().any(|o| o == path);
            match produces && kind.untracked_output(path) {
                true => kind.untracked_identity(&self.manifest.root.join(path)),
                false => None,
            }
        })
    }

    /// Stage `i` as it is on disk now.
    pub(crate) fn snapshot(&self, i: usize, hasher: &Hasher) -> Result<Snapshot, InputError> {
        let stage = self.stage(i);
        let root = &self.manifest.root;
        let files = match inputs::expand(root, stage) {
            Ok(files) => files,
            // An input another stage writes may not exist before it runs.
            Err(InputError::Missing(path)) if self.produced_upstream(i, &path) => {
                let mut stage = stage.clone();
                stage.inputs.retain(|p| {
                    !self.produced_upstream(i, p.get_ref()) || root.join(p.get_ref()).exists()
                });
                inputs::expand(root, &stage)?
            }
            Err(e) => return Err(e),
        };
        tracing::debug!(stage = %stage.name, inputs = files.len(), "inputs matched");
        let mut inputs = hash_all(hasher, &files)?;
        for (path, hash) in inputs.iter_mut() {
            if let Some(identity) = self.untracked_identity(i, path) {
                *hash = identity;
            }
        }

        let mut outputs = BTreeMap::new();
        let mut missing_outputs = Vec::new();
        let kind = crate::stages::lookup(&stage.kind);
        for output in stage.output_paths() {
            if kind.is_some_and(|k| k.untracked_output(output)) {
                match root.join(output).exists() {
                    true => outputs.insert(output.to_owned(), UNTRACKED.to_owned()),
                    false => {
                        missing_outputs.push(output.to_owned());
                        None
                    }
                };
                continue;
            }
            let files = output_files(root, output);
            // An output folder may rightly be empty (no errors to list).
            if files.is_empty() && !root.join(output.trim_end_matches('/')).is_dir() {
                missing_outputs.push(output.to_owned());
            }
            outputs.extend(hash_all(hasher, &files)?);
        }

        Ok(Snapshot {
            definition: definition_hash(stage),
            tool: tool_identity(stage),
            params: params_of(&self.manifest, stage),
            inputs,
            outputs,
            missing_outputs,
        })
    }

    /// Predicts, for each selected stage in order, why it would run.
    pub fn status(
        &self,
        selection: &[usize],
        forced: &[usize],
    ) -> Result<Vec<StageStatus>, LockError> {
        let lock = self.load_lock()?;
        let hasher = self.hasher();
        let mut out: Vec<StageStatus> = Vec::new();
        for &i in selection {
            let stage = self.stage(i);
            let mut reasons = match self.snapshot(i, &hasher) {
                Ok(snapshot) => staleness::reasons(lock.stages.get(&stage.name), &snapshot),
                Err(e) => vec![Reason::Unreadable(e.to_string())],
            };
            if forced.contains(&i) {
                reasons.insert(0, Reason::Forced);
            }
            if reasons.is_empty() {
                let stale_dep = self.graph.deps[i]
                    .iter()
                    .find(|d| out.iter().any(|s| s.stage == **d && !s.reasons.is_empty()));
                if let Some(&d) = stale_dep {
                    reasons.push(Reason::UpstreamStale(self.stage(d).name.clone()));
                }
            }
            out.push(StageStatus { stage: i, reasons });
        }
        // A read-only checkout can still be asked for its status.
        if let Err(e) = hasher.save() {
            tracing::debug!(error = %e, "could not save the hash cache");
        }
        Ok(out)
    }
}

/// What the lock records, instead of a hash, for an output whose content
/// the runner does not track ([`crate::stages::StageKind::untracked_output`]).
pub(crate) const UNTRACKED: &str = "untracked";

fn hash_all(hasher: &Hasher, files: &[String]) -> Result<BTreeMap<String, String>, InputError> {
    files
        .par_iter()
        .map(|f| match hasher.hash(f) {
            Ok(Some(h)) => Ok((f.clone(), h)),
            Ok(None) => Err(InputError::Missing(f.clone())),
            Err(e) => Err(InputError::Walk { path: f.clone(), message: e.to_string() }),
        })
        .collect()
}

/// Files an output names: itself, or every file under it if it is a folder.
pub(crate) fn output_files(root: &std::path::Path, output: &str) -> Vec<String> {
    let rel = output.trim_end_matches('/');
    let path = root.join(rel);
    if path.is_file() {
        return vec![rel.to_owned()];
    }
    if !path.is_dir() {
        return Vec::new();
    }
    let mut files: Vec<String> = WalkDir::new(&path)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?;
            Some(rel.to_string_lossy().replace('\\', "/"))
        })
        .collect();
    files.sort();
    files
}

/// What produced a stage's outputs: pipeline's version and the version of
/// its kind's output (`0.1.0 scan/2`), so a build that writes differently
/// makes the stage stale even before the version number moves.
/// The stage's parameter values, and what its kind reads from the
/// environment (under `env.`).
fn params_of(m: &crate::manifest::Manifest, stage: &Stage) -> BTreeMap<String, toml::Value> {
    let mut params = manifest::param_values(m, stage);
    if let Some(kind) = crate::stages::lookup(&stage.kind) {
        for (name, value) in kind.environment(m) {
            params.insert(format!("env.{name}"), toml::Value::String(value));
        }
    }
    params
}

pub(crate) fn tool_identity(stage: &Stage) -> String {
    let kind_version = crate::stages::lookup(&stage.kind).map_or(0, |k| k.output_version());
    format!("{} {}/{kind_version}", env!("CARGO_PKG_VERSION"), stage.kind)
}

/// Hash of what makes a stage do what it does. The description and `after`
/// edges are left out: changing them changes no result.
pub(crate) fn definition_hash(stage: &Stage) -> String {
    let strings = |v: &[toml::Spanned<String>]| -> Vec<String> {
        v.iter().map(|s| s.get_ref().clone()).collect()
    };
    let mut params = strings(&stage.params);
    params.sort();
    let canonical = serde_json::json!({
        "kind": stage.kind,
        "command": stage.command,
        "inputs": strings(&stage.inputs),
        "exclude": strings(&stage.exclude),
        "outputs": strings(&stage.outputs),
        "params": params,
    });
    super::hash::hash_bytes(canonical.to_string().as_bytes())
}
