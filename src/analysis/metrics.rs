//! Size and shape of one object: lines, statements, McCabe numbers, nesting.

use super::Metrics;
use crate::plsql::Object;

/// Measures `object` from its tree and tokens.
pub fn measure(object: &Object) -> Metrics {
    Metrics { lines: object.last_line - object.first_line + 1, ..Metrics::default() }
}
