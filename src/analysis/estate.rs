//! The estate-wide step of classification: every object's facts together,
//! names resolved against the inventory, a conversion order, scores, classes,
//! routes and effort estimates.
//!
//! This is what the knowledge base, the exports and the reports are written
//! from; it is computed again from cached facts on every run, so it always
//! describes the whole estate as it is now.

use serde::{Deserialize, Serialize};

use super::{Facts, RefKind};
use crate::plsql::ObjectKind;

/// One object with its identity, its facts and its classification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssessedObject {
    /// `SCHEMA.NAME`, or `NAME` when the schema is unknown.
    pub qualified_name: String,
    pub schema: Option<String>,
    pub name: String,
    pub kind: ObjectKind,
    pub file: String,
    pub first_line: u32,
    pub last_line: u32,
    /// The front end's hash of the object's normalised text.
    pub hash: String,
    /// `full`, `partial`, or `not parsed (wrapped)` and the like.
    pub parse_status: String,
    pub parse_errors: u32,
    pub facts: Facts,
    pub score: Score,
    /// 0 for an object's first definition (by file and line); 1, 2... for
    /// further definitions of the same name and kind elsewhere in the
    /// extraction, which are kept and reported, never dropped.
    #[serde(default)]
    pub copy: u32,
}

impl AssessedObject {
    /// `HR.EMP_PKG (PACKAGE BODY)`: unique in an estate, used as the key of
    /// every export line. A further definition of the same object is
    /// `HR.EMP_PKG (PACKAGE BODY) #2`.
    pub fn id(&self) -> String {
        match self.copy {
            0 => format!("{} ({})", self.qualified_name, self.kind.oracle_name()),
            n => format!("{} ({}) #{}", self.qualified_name, self.kind.oracle_name(), n + 1),
        }
    }
}

/// How hard an object is to migrate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Class {
    Simple,
    Medium,
    Complex,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Simple => "SIMPLE",
            Class::Medium => "MEDIUM",
            Class::Complex => "COMPLEX",
        }
    }
}

/// Which conversion an object takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// Converted by ora2pg, then validated.
    Ora2pg,
    /// Converted by an AI agent under the token budget, then validated.
    Agent,
    /// Left to a person: wrapped code, Java, what cannot be read.
    Manual,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Ora2pg => "ora2pg",
            Route::Agent => "agent",
            Route::Manual => "manual",
        }
    }
}

/// An object's complexity score, its class and route, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The sum of `parts`.
    pub total: f64,
    /// What each factor added: `("features", 12.0)`, `("size", 3.5)`...
    pub parts: Vec<(String, f64)>,
    pub class: Class,
    pub route: Route,
    /// Sentences a reader can check: `uses UTL_HTTP (HIGH)`, `412 code lines`.
    pub reasons: Vec<String>,
}

/// Where a reference led.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// An object of the inventory.
    Internal,
    /// Supplied by Oracle: `DBMS_OUTPUT`, `NVL`, `DUAL`.
    Builtin,
    /// Nothing of the inventory nor a known built-in.
    Unresolved,
}

impl Resolution {
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Internal => "internal",
            Resolution::Builtin => "builtin",
            Resolution::Unresolved => "unresolved",
        }
    }
}

/// One edge of the dependency graph, in the seed's `dependencies` shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// Index into [`Assessment::objects`].
    pub source: usize,
    pub kind: RefKind,
    /// The object it resolved to (index into [`Assessment::objects`]), if any.
    pub target_object: Option<usize>,
    /// The resolved name (`HR.EMP_PKG.RAISE_SALARY`), or the name as written.
    pub target: String,
    /// `PACKAGE`, `TABLE`..., `BUILTIN` or `UNRESOLVED`.
    pub target_type: String,
    pub resolution: Resolution,
    pub count: u32,
    /// Lines of the uses, in the source object.
    pub lines: Vec<u32>,
}

/// The estate's effort, two ways.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// ora2pg's model, computed on the original code.
    pub ora2pg_units: f64,
    pub ora2pg_person_days: f64,
    /// `A`, `B` or `C`, and 1 to 5, as ora2pg's report gives them.
    pub ora2pg_level: String,
    /// Ours: per class and route, with the assumptions written out.
    pub person_days: f64,
    pub lines: Vec<EstimateLine>,
    pub assumptions: Vec<String>,
}

/// One line of our estimate: a group of objects and what they cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EstimateLine {
    /// `SIMPLE objects by ora2pg`, `COMPLEX objects by agent`...
    pub what: String,
    pub objects: u32,
    pub code_lines: u32,
    pub person_days: f64,
}

/// The whole estate, classified.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// Sorted by [`AssessedObject::id`].
    pub objects: Vec<AssessedObject>,
    /// Sorted by source, kind, target.
    pub dependencies: Vec<Dependency>,
    /// Indexes into `objects`: the order to convert in, dependencies first.
    pub order: Vec<usize>,
    /// Groups of objects that depend on each other in a cycle, each sorted.
    pub cycles: Vec<Vec<usize>>,
    pub estimate: Estimate,
}
