//! The names one object calls, reads, writes and references, before resolution.

use super::Reference;
use crate::plsql::Object;

/// The references of `object`, one entry per (kind, target).
pub fn extract(_object: &Object) -> Vec<Reference> {
    Vec::new()
}
