//! Whether a stage must run, and why.
//!
//! A stage is compared with its lock entry: definition, tool version,
//! parameter values, the hashes of its inputs and of its outputs as they are
//! on disk now. Every difference is a [`Reason`], so `status`, `--dry-run`
//! and `-v` can all say exactly why something runs.

use std::collections::BTreeMap;
use std::fmt;

use super::lock::LockEntry;

/// What a stage looks like now, to compare with its lock entry.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub definition: String,
    pub tool: String,
    pub params: BTreeMap<String, toml::Value>,
    pub inputs: BTreeMap<String, String>,
    /// Outputs found on disk now.
    pub outputs: BTreeMap<String, String>,
    /// Declared output paths that do not exist now.
    pub missing_outputs: Vec<String>,
}

/// One reason a stage must run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    Forced,
    NeverRun,
    DefinitionChanged,
    ToolChanged {
        was: String,
        now: String,
    },
    ParamChanged(String),
    InputAdded(String),
    InputRemoved(String),
    InputChanged(String),
    OutputMissing(String),
    OutputChanged(String),
    /// A file appeared in an output folder that the stage did not write.
    OutputAdded(String),
    /// Only predicted (`--dry-run`, `status`): a stage it needs will run
    /// first, and may change what this one reads.
    UpstreamStale(String),
    /// Only predicted: its inputs cannot be listed or read now; running it
    /// will fail with this message unless a stage before it fixes that.
    Unreadable(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Forced => write!(f, "forced"),
            Reason::NeverRun => write!(f, "never ran"),
            Reason::DefinitionChanged => write!(f, "its definition in the manifest changed"),
            Reason::ToolChanged { was, now } => write!(f, "pipeline changed from {was} to {now}"),
            Reason::ParamChanged(p) => write!(f, "parameter `{p}` changed"),
            Reason::InputAdded(p) => write!(f, "input `{p}` is new"),
            Reason::InputRemoved(p) => write!(f, "input `{p}` is gone"),
            Reason::InputChanged(p) => write!(f, "input `{p}` changed"),
            Reason::OutputMissing(p) => write!(f, "output `{p}` is missing"),
            Reason::OutputChanged(p) => write!(f, "output `{p}` was changed by hand"),
            Reason::OutputAdded(p) => write!(f, "`{p}` appeared in an output folder"),
            Reason::UpstreamStale(s) => write!(f, "it needs `{s}`, which will run first"),
            Reason::Unreadable(e) => write!(f, "its inputs cannot be read: {e}"),
        }
    }
}

/// Every reason `now` differs from `entry`; empty means up to date.
pub fn reasons(entry: Option<&LockEntry>, now: &Snapshot) -> Vec<Reason> {
    let mut out: Vec<Reason> =
        now.missing_outputs.iter().cloned().map(Reason::OutputMissing).collect();
    let Some(entry) = entry else {
        out.insert(0, Reason::NeverRun);
        return out;
    };
    if entry.tool != now.tool {
        out.push(Reason::ToolChanged { was: entry.tool.clone(), now: now.tool.clone() });
    }
    if entry.definition != now.definition {
        out.push(Reason::DefinitionChanged);
    }
    for key in union(&entry.params, &now.params) {
        if entry.params.get(key) != now.params.get(key) {
            out.push(Reason::ParamChanged(key.clone()));
        }
    }
    for path in union(&entry.inputs, &now.inputs) {
        match (entry.inputs.get(path), now.inputs.get(path)) {
            (None, Some(_)) => out.push(Reason::InputAdded(path.clone())),
            (Some(_), None) => out.push(Reason::InputRemoved(path.clone())),
            (Some(a), Some(b)) if a != b => out.push(Reason::InputChanged(path.clone())),
            _ => {}
        }
    }
    for path in union(&entry.outputs, &now.outputs) {
        match (entry.outputs.get(path), now.outputs.get(path)) {
            (Some(_), None) if !now.missing_outputs.contains(path) => {
                out.push(Reason::OutputMissing(path.clone()))
            }
            (None, Some(_)) => out.push(Reason::OutputAdded(path.clone())),
            (Some(a), Some(b)) if a != b => out.push(Reason::OutputChanged(path.clone())),
            _ => {}
        }
    }
    out
}

fn union<'a, V>(a: &'a BTreeMap<String, V>, b: &'a BTreeMap<String, V>) -> Vec<&'a String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys
}

/// One line for a list of reasons: the first, and how many more.
pub fn summarize(reasons: &[Reason]) -> String {
    match reasons {
        [] => "up to date".into(),
        [only] => only.to_string(),
        [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> LockEntry {
        let mut e = LockEntry { definition: "d".into(), tool: "t".into(), ..Default::default() };
        e.inputs.insert("a".into(), "1".into());
        e.outputs.insert("o".into(), "9".into());
        e
    }

    fn same() -> Snapshot {
        let e = entry();
        Snapshot {
            definition: e.definition,
            tool: e.tool,
            params: e.params,
            inputs: e.inputs,
            outputs: e.outputs,
            missing_outputs: vec![],
        }
    }

    #[test]
    fn identical_snapshot_is_up_to_date() {
        assert!(reasons(Some(&entry()), &same()).is_empty());
        assert_eq!(reasons(None, &same()), vec![Reason::NeverRun]);
    }

    #[test]
    fn each_difference_is_named() {
        let mut now = same();
        now.inputs.insert("a".into(), "2".into());
        now.inputs.insert("b".into(), "3".into());
        now.outputs.clear();
        now.missing_outputs.push("o".into());
        now.params.insert("x.y".into(), toml::Value::Boolean(true));
        let got = reasons(Some(&entry()), &now);
        assert_eq!(
            got,
            vec![
                Reason::OutputMissing("o".into()),
                Reason::ParamChanged("x.y".into()),
                Reason::InputChanged("a".into()),
                Reason::InputAdded("b".into()),
            ]
        );
        assert_eq!(summarize(&got), "output `o` is missing (and 3 more)");
    }
}
