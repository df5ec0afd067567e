//! Candidate business rules, read off the structure of the code.

use super::Rule;
use crate::plsql::Object;

/// The candidate rules of `object`, in source order.
pub fn extract(_object: &Object) -> Vec<Rule> {
    Vec::new()
}
