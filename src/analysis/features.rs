//! The catalogue of Oracle features that matter for a PostgreSQL migration, and
//! their detection in one object's tree and tokens.

use serde::{Deserialize, Serialize};

use super::FeatureUse;
use crate::plsql::Object;

/// How much a feature adds to the work of migrating an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Impact {
    Low,
    Medium,
    High,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Low => "LOW",
            Impact::Medium => "MEDIUM",
            Impact::High => "HIGH",
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Feature {
    /// Stable id, upper snake case: `UTL_HTTP`, `BULK_COLLECT`.
    pub id: &'static str,
    /// What a reader calls it: `UTL_HTTP`, `BULK COLLECT`.
    pub name: &'static str,
    /// `PACKAGE_API`, `COLLECTIONS`, `SQL_DIALECT`, `TRANSACTIONS`...
    pub category: &'static str,
    pub impact: Impact,
    /// What a team should do with it on PostgreSQL, in a sentence or two.
    pub strategy: &'static str,
}

/// Every feature, sorted by id.
pub static CATALOGUE: &[Feature] = &[];

/// The catalogue entry of `id`.
pub fn feature(id: &str) -> Option<&'static Feature> {
    CATALOGUE.binary_search_by(|f| f.id.cmp(id)).ok().map(|i| &CATALOGUE[i])
}

/// The catalogue features `object` uses, with the line of each use.
pub fn detect(_object: &Object) -> Vec<FeatureUse> {
    Vec::new()
}
