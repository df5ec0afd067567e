//! The knowledge base: what classification found, stored where people and
//! later stages read it.
//!
//! [`duckdb`] writes the local knowledge base, a DuckDB file in the
//! `knowledge_base` schema the PostgreSQL knowledge base shares; [`export`]
//! writes the same facts as sorted text files for review in git. Both are
//! written from an [`crate::analysis::estate::Assessment`] and hold nothing
//! else.

pub mod duckdb;
pub mod embed;
pub mod export;
pub mod postgres;
pub mod show;
