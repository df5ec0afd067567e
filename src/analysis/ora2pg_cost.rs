//! The migration cost ora2pg would give, computed on the original code.

use serde::{Deserialize, Serialize};

use crate::plsql::Object;

/// One object's cost in ora2pg's units (one unit is five minutes).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ora2pgCost {
    pub units: f64,
}

/// The cost of `object` by ora2pg's model.
pub fn of(_object: &Object) -> Ora2pgCost {
    Ora2pgCost::default()
}
