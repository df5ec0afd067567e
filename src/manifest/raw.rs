//! The shape of `pipeline.toml` as serde reads it, before validation.
//!
//! Every value a later check may complain about is `Spanned`, so the
//! complaint can point at it. Unknown keys in `[project]` and in a stage are
//! rejected here by serde; other top-level tables are free-form parameters.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
pub(super) struct RawDocument {
    #[serde(default)]
    pub project: Option<RawProject>,
    #[serde(default)]
    pub stages: BTreeMap<Spanned<String>, Spanned<RawStage>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProject {
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStage {
    pub kind: Spanned<String>,
    pub description: Option<String>,
    pub command: Option<Spanned<String>>,
    #[serde(default)]
    pub inputs: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub outputs: Vec<Spanned<String>>,
    #[serde(default)]
    pub params: Vec<Spanned<String>>,
    #[serde(default)]
    pub after: Vec<Spanned<String>>,
}
