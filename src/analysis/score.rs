//! The complexity score, the class and the route of each object.
//!
//! The score adds up what makes an object hard to migrate, each part with a
//! weight that `pipeline.toml` can change (the `[classify]` table, read as
//! [`Settings`]):
//!
//! - **features**: each catalogue feature used adds its impact's weight
//!   (LOW 1, MEDIUM 3, HIGH 8 by default), once per feature however often it
//!   is used; a fifth more per further use, up to twice the weight, so that
//!   forty `DBMS_LOB` calls weigh more than one;
//! - **size**: one point per 50 code lines;
//! - **branching**: one point per 10 of the McCabe number summed over
//!   subprograms, and one per point of the highest single one above 10;
//! - **nesting**: one point per level beyond 3;
//! - **dependencies**: a quarter point per other object of the estate it
//!   depends on, half a point per unresolved name;
//! - **parse**: 5 points when the object parsed only in part, since what was
//!   not understood is unknown work.
//!
//! Below `simple_below` (10) an object is SIMPLE, from `complex_from` (30)
//! COMPLEX, MEDIUM in between; an object using a HIGH-impact feature is at
//! least MEDIUM, because ora2pg leaves those constructs as they are, and so
//! is an object that parsed only in part. The
//! route follows: SIMPLE to ora2pg, MEDIUM and COMPLEX to an AI agent, and
//! objects that were not parsed (wrapped, Java, unreadable) to a person.

use serde::{Deserialize, Serialize};

use super::estate::{AssessedObject, Class, Route, Score};
use super::features::{self, Impact};
use crate::plsql::ObjectKind;

/// Thresholds and weights, from the stage's `[classify]` parameter table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Scores below this are SIMPLE.
    pub simple_below: f64,
    /// Scores from this up are COMPLEX.
    pub complex_from: f64,
    pub weights: Weights,
    pub effort: Effort,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub low: f64,
    pub medium: f64,
    pub high: f64,
    /// Each further use of a feature adds this share of its weight...
    pub repeat_share: f64,
    /// ...up to this many times the weight in all.
    pub repeat_cap: f64,
    pub code_lines_per_point: f64,
    pub cyclomatic_per_point: f64,
    /// The highest McCabe number of one subprogram above which each unit adds a point.
    pub max_cyclomatic_above: f64,
    /// Nesting levels above which each adds a point.
    pub nesting_above: f64,
    pub per_dependency: f64,
    pub per_unresolved: f64,
    pub partial_parse: f64,
}

/// Our effort model: hours per object and per 100 code lines, by route and
/// class, for conversion, review and testing together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Effort {
    pub hours_per_day: f64,
    pub simple_hours: f64,
    pub simple_hours_per_100_lines: f64,
    pub medium_hours: f64,
    pub medium_hours_per_100_lines: f64,
    pub complex_hours: f64,
    pub complex_hours_per_100_lines: f64,
    pub manual_hours: f64,
    pub manual_hours_per_100_lines: f64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            simple_below: 10.0,
            complex_from: 30.0,
            weights: Weights::default(),
            effort: Effort::default(),
        }
    }
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            low: 1.0,
            medium: 3.0,
            high: 8.0,
            repeat_share: 0.2,
            repeat_cap: 2.0,
            code_lines_per_point: 50.0,
            cyclomatic_per_point: 10.0,
            max_cyclomatic_above: 10.0,
            nesting_above: 3.0,
            per_dependency: 0.25,
            per_unresolved: 0.5,
            partial_parse: 5.0,
        }
    }
}

impl Default for Effort {
    fn default() -> Self {
        Effort {
            hours_per_day: 8.0,
            simple_hours: 0.5,
            simple_hours_per_100_lines: 0.25,
            medium_hours: 2.0,
            medium_hours_per_100_lines: 1.0,
            complex_hours: 4.0,
            complex_hours_per_100_lines: 2.0,
            manual_hours: 8.0,
            manual_hours_per_100_lines: 3.0,
        }
    }
}

impl Settings {
    /// Reads the `[classify]` table; absent keys keep their defaults.
    pub fn from_table(table: Option<&toml::Value>) -> Result<Settings, String> {
        let settings: Settings = match table {
            None => Settings::default(),
            Some(value) => {
                value.clone().try_into().map_err(|e: toml::de::Error| e.message().to_owned())?
            }
        };
        settings.check()?;
        Ok(settings)
    }

    /// Values that would make every score infinite, negative or meaningless.
    fn check(&self) -> Result<(), String> {
        let w = &self.weights;
        let e = &self.effort;
        let non_negative = [
            ("simple_below", self.simple_below),
            ("weights.low", w.low),
            ("weights.medium", w.medium),
            ("weights.high", w.high),
            ("weights.repeat_share", w.repeat_share),
            ("weights.repeat_cap", w.repeat_cap),
            ("weights.max_cyclomatic_above", w.max_cyclomatic_above),
            ("weights.nesting_above", w.nesting_above),
            ("weights.per_dependency", w.per_dependency),
            ("weights.per_unresolved", w.per_unresolved),
            ("weights.partial_parse", w.partial_parse),
            ("effort.simple_hours", e.simple_hours),
            ("effort.simple_hours_per_100_lines", e.simple_hours_per_100_lines),
            ("effort.medium_hours", e.medium_hours),
            ("effort.medium_hours_per_100_lines", e.medium_hours_per_100_lines),
            ("effort.complex_hours", e.complex_hours),
            ("effort.complex_hours_per_100_lines", e.complex_hours_per_100_lines),
            ("effort.manual_hours", e.manual_hours),
            ("effort.manual_hours_per_100_lines", e.manual_hours_per_100_lines),
        ];
        for (key, value) in non_negative {
            if !(value.is_finite() && value >= 0.0) {
                return Err(format!("classify.{key} = {value}: must be a number, 0 or more"));
            }
        }
        let positive = [
            ("weights.code_lines_per_point", w.code_lines_per_point),
            ("weights.cyclomatic_per_point", w.cyclomatic_per_point),
            ("effort.hours_per_day", e.hours_per_day),
        ];
        for (key, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(format!("classify.{key} = {value}: must be a number above 0"));
            }
        }
        if !(self.complex_from.is_finite() && self.complex_from >= self.simple_below) {
            return Err(format!(
                "classify.complex_from = {} is below classify.simple_below = {}",
                self.complex_from, self.simple_below
            ));
        }
        Ok(())
    }
}

/// How an object is tied to the rest of the estate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Links {
    /// Other objects it depends on (its own package's spec or body aside).
    pub others: usize,
    /// Names it uses that resolve to nothing.
    pub unresolved: usize,
}

/// Scores `object`, given how it is tied to the rest of the estate.
pub fn score(object: &AssessedObject, links: Links, settings: &Settings) -> Score {
    let w = &settings.weights;
    let facts = &object.facts;
    let m = &facts.metrics;
    let mut parts = Vec::new();
    let mut reasons = Vec::new();
    let mut high = Vec::new();

    let mut feature_points = 0.0;
    for used in &facts.features {
        let Some(feature) = features::feature(&used.feature) else { continue };
        let weight = match feature.impact {
            Impact::Low => w.low,
            Impact::Medium => w.medium,
            Impact::High => w.high,
        };
        let repeats = used.lines.len().saturating_sub(1) as f64;
        feature_points += (weight * (1.0 + w.repeat_share * repeats)).min(weight * w.repeat_cap);
        if feature.impact == Impact::High {
            high.push(feature.name);
        }
        if feature.impact != Impact::Low {
            reasons.push(format!(
                "uses {} ({}, {}×)",
                feature.name,
                feature.impact.as_str(),
                used.lines.len()
            ));
        }
    }
    parts.push(("features".to_owned(), feature_points));

    let size = f64::from(m.code_lines) / w.code_lines_per_point;
    parts.push(("size".to_owned(), size));
    if size >= 4.0 {
        reasons.push(format!("{} code lines", m.code_lines));
    }

    let above = (f64::from(m.max_cyclomatic) - w.max_cyclomatic_above).max(0.0);
    let branching = f64::from(m.cyclomatic) / w.cyclomatic_per_point + above;
    parts.push(("branching".to_owned(), branching));
    if above > 0.0 {
        reasons.push(format!("a subprogram with McCabe number {}", m.max_cyclomatic));
    }

    let nesting = (f64::from(m.max_nesting) - w.nesting_above).max(0.0);
    parts.push(("nesting".to_owned(), nesting));
    if nesting > 0.0 {
        reasons.push(format!("nesting {} deep", m.max_nesting));
    }

    let (others, unresolved) = (links.others as f64, links.unresolved);
    let deps = others * w.per_dependency + unresolved as f64 * w.per_unresolved;
    parts.push(("dependencies".to_owned(), deps));
    if unresolved >= 5 {
        reasons.push(format!("{unresolved} names not found in the estate"));
    }

    let partial = if object.parse_status == "partial" { w.partial_parse } else { 0.0 };
    parts.push(("parse".to_owned(), partial));
    if partial > 0.0 {
        reasons.push(format!("parsed in part ({} errors)", object.parse_errors));
    }

    let total: f64 = parts.iter().map(|(_, p)| p).sum();
    let total = (total * 10.0).round() / 10.0;
    for (_, p) in &mut parts {
        *p = (*p * 10.0).round() / 10.0;
    }
    let mut class = if total < settings.simple_below {
        Class::Simple
    } else if total < settings.complex_from {
        Class::Medium
    } else {
        Class::Complex
    };
    // Table DDL is ora2pg's strength (an XMLTYPE column becomes xml): the
    // floor is for code that uses a construct, not for a column type.
    if class == Class::Simple && !high.is_empty() && object.kind != ObjectKind::Table {
        class = Class::Medium;
        reasons.push(format!("at least MEDIUM: ora2pg leaves {} as is", high.join(", ")));
    }
    if class == Class::Simple && partial > 0.0 {
        // What was not understood is unknown work: never convert it unseen.
        class = Class::Medium;
        reasons.push("at least MEDIUM: part of it could not be read".to_owned());
    }
    let route = if is_manual(object) {
        // Nothing of it could be read: the work is unknown, so assume the worst.
        class = Class::Complex;
        reasons.insert(0, object.parse_status.clone());
        Route::Manual
    } else if class == Class::Simple {
        Route::Ora2pg
    } else {
        Route::Agent
    };
    Score { total, parts, class, route, reasons }
}

/// Wrapped code, Java sources and untokenizable text are for a person.
fn is_manual(object: &AssessedObject) -> bool {
    object.parse_status.starts_with("not parsed") || object.kind == ObjectKind::JavaSource
}
