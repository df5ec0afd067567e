//! Questions asked of the knowledge base: search by meaning, the business
//! rules of a category, the dependency graph around an object, and the
//! objects that use a feature.
//!
//! [`Backend`] is what every consumer (`pipeline search`, `pipeline serve`)
//! calls, and [`duckdb::DuckDb`] answers it from the local file that the
//! classify and embed stages write. A backend takes and returns plain
//! values, never a database's own types, so that another store holding the
//! same `knowledge_base` tables can answer the same questions. What the
//! caller asks for is checked here, once ([`SearchQuery::checked`],
//! [`rule_category`], [`feature_id`], [`check_depth`]), so that every
//! backend and every consumer refuses the same input in the same words.
//!
//! Nothing here writes: backends only read.

pub mod duckdb;
pub mod graph;
pub mod postgres;
mod sql;

use std::fmt;

use serde::Serialize;

use crate::analysis::features;
use crate::knowledge::embed::{EmbedError, Embedder};

pub use graph::{Direction, Edge, Graph, Node};

/// Hits returned when the caller does not say.
pub const DEFAULT_LIMIT: usize = 10;
/// Most hits one search returns.
pub const MAX_LIMIT: usize = 100;
/// Hits below this cosine similarity are dropped unless the caller says
/// otherwise. Measured with the offline embedder: an item that shares no
/// word with the question scores 0 (rarely a hair either side, when two
/// words share a dimension); one common word shared with a long object
/// scores 0.005 to 0.05; the objects a question is about score 0.14 to
/// 0.40 on the bundled sample and 0.21 to 0.55 on the test estate. 0.05
/// keeps the last and drops the first two. A model that knows synonyms
/// scores everything higher and wants a higher threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.05;
/// Rules returned when the caller does not say.
pub const DEFAULT_RULES_LIMIT: usize = 50;
/// Most rules one call returns.
pub const MAX_RULES_LIMIT: usize = 1000;
/// Deepest dependency walk, and the one taken when the caller does not say.
pub const MAX_DEPTH: u32 = 10;
pub const DEFAULT_DEPTH: u32 = 1;

/// The rule categories classification writes, as stored.
pub const RULE_CATEGORIES: &[&str] = &["VALIDATION", "CALCULATION", "WORKFLOW"];
/// The knowledge types of `knowledge_items`, as its CHECK constraint lists them.
pub const KNOWLEDGE_TYPES: &[&str] =
    &["RULE", "FLOW", "DEPENDENCY", "FEATURE", "VALIDATION", "CALCULATION"];

/// The questions every consumer of the knowledge base asks.
///
/// Implementations check their input with this module's functions, so
/// that a bad limit or an unknown category reads the same whichever store
/// answers.
pub trait Backend: Send + Sync {
    /// The knowledge items nearest in meaning to `query.text`, most similar
    /// first; equal similarities are ordered by object, knowledge type and
    /// title.
    fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, SearchError>;

    /// Up to `limit` business rules of `category` (any case), by object and
    /// line.
    fn rules(&self, category: &str, limit: usize) -> Result<Vec<Rule>, SearchError>;

    /// What `object` depends on (or, `Incoming`, what depends on it), up to
    /// `depth` steps away.
    fn dependencies(
        &self,
        object: &str,
        depth: u32,
        direction: Direction,
    ) -> Result<Graph, SearchError>;

    /// The objects that use `feature` (a catalogue id such as `UTL_HTTP`, or
    /// its name, in any case).
    fn feature(&self, feature: &str) -> Result<FeatureUsage, SearchError>;
}

/// An object of the estate: `schema.name` and its Oracle type.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ObjectRef {
    pub schema: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub object_type: String,
}

impl ObjectRef {
    /// `SCHEMA.NAME`, or `NAME` without a schema.
    pub fn qualified(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.qualified(), self.object_type)
    }
}

/// A search by meaning, with its filters.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchQuery {
    /// The question, in words.
    pub text: String,
    /// Hits at most, 1 to [`MAX_LIMIT`].
    pub limit: usize,
    /// Lowest cosine similarity kept, -1 to 1.
    pub threshold: f64,
    /// Only items of objects of this type (`PACKAGE BODY`, `trigger`).
    pub object_type: Option<String>,
    /// Only items of objects that use this feature.
    pub feature: Option<String>,
    /// Only items of this knowledge type (`FLOW`, `CALCULATION`...).
    pub knowledge_type: Option<String>,
}

impl SearchQuery {
    /// A search for `text` with the default limit and threshold and no
    /// filter.
    pub fn new(text: impl Into<String>) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            limit: DEFAULT_LIMIT,
            threshold: DEFAULT_THRESHOLD,
            object_type: None,
            feature: None,
            knowledge_type: None,
        }
    }

    /// The query with its filters in the spelling the tables use (upper
    /// case, the feature's catalogue id), or why it cannot be run.
    pub fn checked(&self) -> Result<SearchQuery, SearchError> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(SearchError::Invalid("the query is empty: say what to look for".into()));
        }
        check_limit("limit", self.limit, MAX_LIMIT)?;
        if !(-1.0..=1.0).contains(&self.threshold) {
            return Err(SearchError::Invalid(format!(
                "threshold {} is out of range: a cosine similarity is between -1 and 1",
                self.threshold
            )));
        }
        let knowledge_type = match &self.knowledge_type {
            None => None,
            Some(k) => Some(knowledge_type(k)?),
        };
        let feature = match &self.feature {
            None => None,
            Some(f) => Some(feature_id(f)?.to_owned()),
        };
        let object_type = self.object_type.as_deref().map(|t| t.trim().to_uppercase());
        Ok(SearchQuery {
            text: text.to_owned(),
            limit: self.limit,
            threshold: self.threshold,
            object_type: object_type.map(|t| t.replace('_', " ")),
            feature,
            knowledge_type,
        })
    }
}

/// One knowledge item found by a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub object: ObjectRef,
    /// `FLOW` (the object as a whole) or the kind of rule.
    pub knowledge_type: String,
    pub title: String,
    /// Cosine similarity to the question, 1 = same direction.
    pub similarity: f64,
    pub source_file: String,
    /// The object's first line, or the rule's own line for a rule item.
    pub line: u32,
}

/// A business rule, as classification extracted it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub object: ObjectRef,
    pub name: String,
    pub category: String,
    pub conditions: Vec<String>,
    pub actions: Vec<String>,
    /// Where it lives: `VALIDATION in HR.EMP_PKG.RAISE_SALARY`.
    pub context: Option<String>,
    pub source_file: String,
    pub line: u32,
}

/// The objects that use one feature of the catalogue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureUsage {
    /// Catalogue id: `UTL_HTTP`.
    pub feature: String,
    /// What a reader calls it.
    pub name: String,
    pub category: String,
    /// `LOW`, `MEDIUM` or `HIGH`: what it adds to the work of migrating.
    pub impact: String,
    /// What a team does with it on PostgreSQL.
    pub strategy: String,
    /// By name, then type.
    pub objects: Vec<FeatureUser>,
}

/// One object's use of a feature.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FeatureUser {
    pub object: ObjectRef,
    pub occurrences: u32,
    /// Absent when the object's row is missing from `objects`.
    pub source_file: Option<String>,
    /// Lines of the uses, in the source file.
    pub lines: Vec<u32>,
}

/// Why a question could not be answered.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// No knowledge base where the manifest says.
    #[error("no knowledge base at `{0}`\n\nhint: `pipeline run` writes it")]
    Missing(String),
    /// The knowledge base was never embedded.
    #[error(
        "the knowledge base `{0}` holds no embeddings, so it cannot be searched by meaning\n\n\
         hint: an `embed` stage fills them: `pipeline run` runs it, or add one if the \
         manifest has none (kind = \"embed\", inputs = [\"{0}\"], \
         outputs = [\"knowledge/embeddings.duckdb\"])"
    )]
    NoEmbeddings(String),
    /// The stored vectors and the question's would not be comparable.
    #[error(
        "the knowledge base was embedded with `{stored}`, and the manifest now names \
         `{current}`\n\nhint: `pipeline run` embeds it again with the manifest's embedder"
    )]
    OtherEmbedder { stored: String, current: String },
    /// The caller asked for something that cannot be (a limit out of
    /// range, an empty query, an unknown knowledge type).
    #[error("{0}")]
    Invalid(String),
    /// The category, feature or object asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// An object name that matches objects of several schemas.
    #[error(
        "`{query}` names {} objects: {}\n\nhint: give the schema, as in `{}`",
        .candidates.len(),
        .candidates.join(", "),
        .candidates.first().map_or("", String::as_str)
    )]
    Ambiguous { query: String, candidates: Vec<String> },
    #[error("cannot embed the query: {0}")]
    Embed(#[from] EmbedError),
    /// The store refused a query: a damaged file, a schema from another
    /// version, a lost connection.
    #[error("cannot read the knowledge base `{path}`: {source}")]
    Store { path: String, source: Box<dyn std::error::Error + Send + Sync> },
}

/// The question's vector. A question of stop words only has none (all
/// zeros), and would match nothing.
pub fn embed_question(embedder: &dyn Embedder, text: &str) -> Result<Vec<f32>, SearchError> {
    let vector = embedder.embed(&[text.to_owned()], &|_| {})?.into_iter().next();
    let vector = vector.unwrap_or_default();
    if vector.iter().all(|x| *x == 0.0) {
        return Err(SearchError::Invalid(format!(
            "`{text}` has no word the embedder can use: ask with the names or terms the code uses"
        )));
    }
    Ok(vector)
}

/// A filter on a type no object has is a typo more often than not: say
/// which types there are (`types`) rather than find nothing.
pub fn check_object_type(types: &[String], wanted: &str) -> Result<(), SearchError> {
    match types.iter().any(|t| t == wanted) {
        true => Ok(()),
        false => Err(SearchError::Invalid(format!(
            "no object of type `{wanted}` in the knowledge base: its types are {}",
            types.join(", ")
        ))),
    }
}

/// `value` when it is between 1 and `max`.
pub fn check_limit(name: &str, value: usize, max: usize) -> Result<usize, SearchError> {
    match value {
        1.. if value <= max => Ok(value),
        _ => Err(SearchError::Invalid(format!("{name} {value} is out of range: give 1 to {max}"))),
    }
}

/// `depth` when it is between 1 and [`MAX_DEPTH`].
pub fn check_depth(depth: u32) -> Result<u32, SearchError> {
    match depth {
        1..=MAX_DEPTH => Ok(depth),
        _ => Err(SearchError::Invalid(format!(
            "depth {depth} is out of range: give 1 to {MAX_DEPTH}"
        ))),
    }
}

/// The stored spelling of a rule category given in any case.
pub fn rule_category(given: &str) -> Result<&'static str, SearchError> {
    let upper = given.trim().to_uppercase();
    RULE_CATEGORIES.iter().copied().find(|c| *c == upper).ok_or_else(|| {
        SearchError::NotFound(format!(
            "unknown rule category `{given}`: the categories are {}",
            RULE_CATEGORIES.join(", ")
        ))
    })
}

/// The stored spelling of a knowledge type given in any case.
pub fn knowledge_type(given: &str) -> Result<String, SearchError> {
    let upper = given.trim().to_uppercase();
    match KNOWLEDGE_TYPES.contains(&upper.as_str()) {
        true => Ok(upper),
        false => Err(SearchError::Invalid(format!(
            "unknown knowledge type `{given}`: the types are {}",
            KNOWLEDGE_TYPES.join(", ")
        ))),
    }
}

/// The catalogue id of a feature given by id or name, in any case, with
/// `-`, `_` or spaces between words (`utl-http`, `BULK COLLECT`).
pub fn feature_id(given: &str) -> Result<&'static str, SearchError> {
    let key = |s: &str| s.trim().to_uppercase().replace(['-', ' '], "_");
    let wanted = key(given);
    if let Some(f) = features::CATALOGUE.iter().find(|f| f.id == wanted || key(f.name) == wanted) {
        return Ok(f.id);
    }
    let close: Vec<&str> = features::CATALOGUE
        .iter()
        .filter(|f| !wanted.is_empty() && (f.id.contains(&wanted) || wanted.contains(f.id)))
        .map(|f| f.id)
        .take(8)
        .collect();
    let hint = match close.is_empty() {
        true => "ids look like UTL_HTTP, BULK_COLLECT, AUTONOMOUS_TRANSACTION; \
                 `pipeline show OBJECT` lists the features of an object"
            .to_owned(),
        false => format!("did you mean {}?", close.join(", ")),
    };
    Err(SearchError::NotFound(format!("unknown feature `{given}`\n\nhint: {hint}")))
}

/// The catalogue entry of a checked feature id.
pub fn usage_of(id: &str, objects: Vec<FeatureUser>) -> FeatureUsage {
    let entry = features::feature(id);
    FeatureUsage {
        feature: id.to_owned(),
        name: entry.map_or(id, |f| f.name).to_owned(),
        category: entry.map_or("", |f| f.category).to_owned(),
        impact: entry.map_or("", |f| f.impact.as_str()).to_owned(),
        strategy: entry.map_or("", |f| f.strategy).to_owned(),
        objects,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_trimmed_and_its_filters_take_the_stored_spelling() {
        let mut q = SearchQuery::new("  discount  ");
        q.object_type = Some("package_body".into());
        q.feature = Some("utl-http".into());
        q.knowledge_type = Some("calculation".into());
        let c = q.checked().unwrap();
        assert_eq!(c.text, "discount");
        assert_eq!(c.object_type.as_deref(), Some("PACKAGE BODY"));
        assert_eq!(c.feature.as_deref(), Some("UTL_HTTP"));
        assert_eq!(c.knowledge_type.as_deref(), Some("CALCULATION"));
    }

    #[test]
    fn out_of_range_limits_and_thresholds_are_refused_with_the_range() {
        let mut q = SearchQuery::new("x");
        q.limit = 0;
        assert!(q.checked().unwrap_err().to_string().contains("give 1 to 100"));
        q.limit = 101;
        assert!(q.checked().is_err());
        q.limit = 100;
        q.threshold = 1.5;
        assert!(q.checked().unwrap_err().to_string().contains("between -1 and 1"));
        assert!(SearchQuery::new("   ").checked().unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn an_unknown_category_lists_the_valid_ones() {
        assert_eq!(rule_category("validation").unwrap(), "VALIDATION");
        let e = rule_category("pricing").unwrap_err().to_string();
        assert!(e.contains("VALIDATION, CALCULATION, WORKFLOW"), "{e}");
    }

    #[test]
    fn features_are_found_by_id_or_name_and_near_misses_are_suggested() {
        assert_eq!(feature_id("bulk collect").unwrap(), "BULK_COLLECT");
        assert_eq!(feature_id("Utl_Http").unwrap(), "UTL_HTTP");
        let e = feature_id("HTTP").unwrap_err().to_string();
        assert!(e.contains("did you mean") && e.contains("UTL_HTTP"), "{e}");
        let e = feature_id("telepathy").unwrap_err().to_string();
        assert!(e.contains("ids look like"), "{e}");
    }

    #[test]
    fn depth_is_bounded() {
        assert_eq!(check_depth(1).unwrap(), 1);
        assert!(check_depth(0).is_err());
        assert!(check_depth(11).unwrap_err().to_string().contains("1 to 10"));
    }
}
