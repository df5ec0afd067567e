//! Stage kinds: what a stage of a given `kind` does when the runner runs it.
//!
//! The runner decides *whether* a stage runs; a kind decides *what* running
//! means. Kinds get their resolved inputs, parameters and a per-object cache
//! through [`StageContext`], and report a one-line summary. They never look
//! at the lock file or decide staleness themselves.

use std::ops::Range;

use toml::Spanned;

mod classify;
mod cmd;
mod context;
mod convert_complex;
mod convert_native;
mod convert_simple;
mod embed;
mod folder;
mod load;
mod pick;
mod render;
mod scan;
mod shadow;
mod validate;

pub use context::{InputFile, Outcome, StageContext, StageError};

/// What every stage kind provides.
pub trait StageKind: Sync {
    /// The name used as `kind = "..."` in the manifest.
    fn name(&self) -> &'static str;

    /// One line for `--help` and the manifest reference.
    fn about(&self) -> &'static str;

    /// The version of what this kind writes. Bump it when the same inputs
    /// would now give different outputs (a new file, a changed format), so
    /// that locks written by an older build see their stages as stale even
    /// when pipeline's own version number did not change.
    fn output_version(&self) -> u32 {
        1
    }

    /// Whether the stage needs a `command` key (only `cmd` does).
    fn takes_command(&self) -> bool {
        false
    }

    /// Top-level manifest tables (or dotted keys of one) this kind always
    /// reads; a change to them makes the stage stale even if the stage does
    /// not list them.
    fn implicit_params(&self) -> &'static [&'static str] {
        &[]
    }

    /// Checks, when the manifest is loaded, that the stage's inputs and
    /// outputs have the shape this kind needs. An error names the offending
    /// entry (or `None`: the stage as a whole) and says what is expected.
    fn check_paths(&self, _inputs: &[Spanned<String>], _outputs: &[Spanned<String>]) -> PathCheck {
        Ok(())
    }

    /// Whether the runner records only the presence of `output`, not its
    /// content: for a database that other tools write to as well (the
    /// knowledge base gets its embeddings later), and whose bytes differ
    /// from run to run even when its content does not. Editing such an
    /// output by hand does not make the stage stale.
    fn untracked_output(&self, _output: &str) -> bool {
        false
    }

    /// Values from outside the manifest that the stage's result depends on
    /// (the database it writes to, named by an environment variable), as
    /// `(name, value)` pairs recorded like parameters under `env.NAME`. A
    /// change makes the stage stale. Values land in the lock file, which is
    /// committed: return a hash of anything a reader should not see.
    fn environment(&self, _manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Whether the stage adds to this input file, a database written by an
    /// earlier stage (embeddings filled into the knowledge base). The
    /// runner records such an input's hash as it is after the run, so the
    /// stage's own writes do not make it stale again.
    fn updates_input(&self, _input: &str) -> bool {
        false
    }

    /// What an untracked output holds, as a short stable string, for the
    /// stages that read it: its bytes differ from run to run, and a lock
    /// that recorded their hash would change on every run and machine.
    /// `None` when the output cannot be read (its file hash is used then).
    fn untracked_identity(&self, _output: &std::path::Path) -> Option<String> {
        None
    }

    /// Does the work. Outputs must be written before returning `Ok`.
    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError>;
}

/// What [`StageKind::check_paths`] returns.
pub type PathCheck = Result<(), (Option<Range<usize>>, String)>;

/// The check of kinds whose stage writes exactly one output folder.
pub(crate) fn one_output_folder(kind: &str, outputs: &[Spanned<String>]) -> PathCheck {
    match outputs {
        [one] if one.get_ref().ends_with('/') => Ok(()),
        [one] => Err((
            Some(one.span()),
            format!("the output of a {kind} stage is a folder: write `{}/`", one.get_ref()),
        )),
        _ => Err((None, format!("a {kind} stage takes one output: a folder ending in `/`"))),
    }
}

static KINDS: &[&dyn StageKind] = &[
    &cmd::Cmd,
    &scan::Scan,
    &classify::Classify,
    &embed::Embed,
    &load::Load,
    &render::Render,
    &convert_simple::ConvertSimple,
    &convert_complex::ConvertComplex,
    &convert_native::ConvertNative,
    &validate::Validate,
    &pick::Pick,
    &shadow::Shadow,
];

/// The kind called `name`, if there is one.
pub fn lookup(name: &str) -> Option<&'static dyn StageKind> {
    KINDS.iter().copied().find(|k| k.name() == name)
}

/// Every kind's name, for hints.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|k| k.name()).collect()
}

/// Every kind, for the manifest reference in `--help`.
pub fn kinds() -> &'static [&'static dyn StageKind] {
    KINDS
}
