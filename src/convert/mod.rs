//! Conversion of the estate to PostgreSQL and the proof that it works.
//!
//! Two routes write converted objects: ora2pg for the simple ones
//! ([`ora2pg`]) and AI agents for the rest ([`agent`], orchestrated by the
//! `convert-complex` stage). Both write a folder of one SQL file per object
//! with an `index.tsv` ([`worklist`]), which [`validate`] applies to a real
//! PostgreSQL in dependency order ([`plan`], [`script`]), writing
//! [`results`]; [`shadow`] tests compare the converted code's values with
//! Oracle's.

pub mod agent;
pub mod answers;
pub mod ora2pg;
pub mod plan;
pub mod prompt;
pub mod results;
pub mod script;
pub mod session;
pub mod shadow;
pub mod validate;
pub mod worklist;
