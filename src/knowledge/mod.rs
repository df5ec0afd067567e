//! The knowledge base: what classification found, stored where people and
//! later stages read it.
//!
//! [`duckdb`] writes the local knowledge base, a DuckDB file in the
//! `knowledge_base` schema the PostgreSQL knowledge base shares; [`export`]
//! writes the same facts as sorted text files for review in git. Both are
//! written from an [`crate::analysis::estate::Assessment`] and hold nothing
//! else. [`search`] answers the questions asked of a knowledge base
//! (search by meaning, rules, dependencies, features) for `pipeline search`
//! and `pipeline serve`.

pub mod duckdb;
pub mod embed;
pub mod export;
pub mod outcomes;
pub mod postgres;
pub mod search;
pub mod show;
