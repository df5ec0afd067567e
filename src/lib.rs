//! `pipeline`: a make-like tool that inventories, classifies, converts and
//! validates an Oracle PL/SQL estate for Aurora PostgreSQL.
//!
//! The library holds everything but the command line: the manifest
//! ([`manifest`]), the runner that decides what is stale and runs it
//! ([`runner`]), the stage kinds that do the work ([`stages`]), the PL/SQL
//! front end that reads extracted code ([`plsql`]), the template renderer
//! behind the deploy artifacts ([`render`]), the assessment reports
//! ([`report`]), the HTTP API over the knowledge base ([`serve`]), and a
//! generator of synthetic estates for benchmarks ([`synth`]).

pub mod analysis;
pub mod convert;
pub mod knowledge;
pub mod manifest;
pub mod plsql;
pub mod render;
pub mod report;
pub mod runner;
pub mod serve;
pub mod stages;
pub mod synth;
