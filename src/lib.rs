//! `pipeline`: make-like migration of Oracle PL/SQL estates to Aurora PostgreSQL.

pub mod plsql;
pub mod synth;
