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

/// The estate's figures as ora2pg's report gives them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EstateCost {
    pub units: f64,
    pub person_days: f64,
    pub level: String,
}

/// Adds up the objects' costs.
pub fn estate(costs: &[&Ora2pgCost]) -> EstateCost {
    let units: f64 = costs.iter().map(|c| c.units).sum();
    EstateCost { units, person_days: units / 84.0, level: String::new() }
}
