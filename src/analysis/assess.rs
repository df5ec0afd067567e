//! From every object's facts to the [`Assessment`] of the estate: resolve,
//! order, score, estimate.

use std::collections::HashSet;

use super::estate::{
    AssessedObject, Assessment, Class, Estimate, EstimateLine, Resolution, Route, Score,
};
use super::score::{self, Links, Settings};
use super::{ora2pg_cost, order, resolve, Facts};
use crate::plsql::{Object, ParseStatus};

/// Classifies the estate made of `objects`, in any order.
pub fn assess(objects: Vec<(Object, Facts)>, settings: &Settings) -> Assessment {
    let mut assessed: Vec<AssessedObject> = objects.into_iter().map(new_object).collect();
    assessed.sort_by_cached_key(|o| (o.id(), o.file.clone(), o.first_line));
    // One name, one kind, two places (a package extracted twice, a patch
    // script): number the later definitions. Names resolve to the first.
    for i in 1..assessed.len() {
        let (before, after) = assessed.split_at_mut(i);
        let (previous, this) = (&before[i - 1], &mut after[0]);
        if previous.kind == this.kind && previous.qualified_name == this.qualified_name {
            this.copy = previous.copy + 1;
        }
    }

    let dependencies = resolve::dependencies(&assessed);
    let mut links = vec![Links::default(); assessed.len()];
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    // Calls within one package are not dependencies (`resolve` leaves them
    // out), so every target here is another object.
    for dep in &dependencies {
        match dep.target_object {
            Some(t) if seen.insert((dep.source, t)) => links[dep.source].others += 1,
            Some(_) => {}
            None if dep.resolution == Resolution::Unresolved => links[dep.source].unresolved += 1,
            None => {}
        }
    }
    for (object, links) in assessed.iter_mut().zip(links) {
        object.score = score::score(object, links, settings);
    }
    let (order, cycles) = order::conversion_order(&assessed, &dependencies);
    let estimate = estimate(&assessed, settings);
    Assessment { objects: assessed, dependencies, order, cycles, estimate }
}

fn new_object((object, facts): (Object, Facts)) -> AssessedObject {
    let parse_status = match &object.status {
        ParseStatus::Full => "full".to_owned(),
        ParseStatus::Partial => "partial".to_owned(),
        ParseStatus::Skipped { reason } => format!("not parsed ({reason})"),
    };
    AssessedObject {
        qualified_name: object.qualified_name(),
        schema: object.schema,
        name: object.name,
        kind: object.kind,
        file: object.file,
        first_line: object.first_line,
        last_line: object.last_line,
        hash: object.hash,
        parse_status,
        parse_errors: object.errors.len() as u32,
        facts,
        copy: 0,
        score: Score {
            total: 0.0,
            parts: Vec::new(),
            class: Class::Simple,
            route: Route::Ora2pg,
            reasons: Vec::new(),
        },
    }
}

/// Our estimate and ora2pg's, side by side.
fn estimate(objects: &[AssessedObject], settings: &Settings) -> Estimate {
    let e = &settings.effort;
    let groups = [
        (Route::Ora2pg, Class::Simple, e.simple_hours, e.simple_hours_per_100_lines),
        (Route::Agent, Class::Medium, e.medium_hours, e.medium_hours_per_100_lines),
        (Route::Agent, Class::Complex, e.complex_hours, e.complex_hours_per_100_lines),
    ];
    let mut lines = Vec::new();
    let mut hours = 0.0;
    for (route, class, per_object, per_100) in groups {
        let members: Vec<&AssessedObject> =
            objects.iter().filter(|o| o.score.route == route && o.score.class == class).collect();
        let what = format!("{} objects by {}", class.as_str(), route.as_str());
        let (line, h) = estimate_line(what, &members, per_object, per_100, e.hours_per_day);
        lines.push(line);
        hours += h;
    }
    let manual: Vec<&AssessedObject> =
        objects.iter().filter(|o| o.score.route == Route::Manual).collect();
    let (line, h) = estimate_line(
        "objects left to a person".to_owned(),
        &manual,
        e.manual_hours,
        e.manual_hours_per_100_lines,
        e.hours_per_day,
    );
    lines.push(line);
    hours += h;

    let units: f64 = objects.iter().map(|o| o.facts.ora2pg.units).sum();
    let level = ora2pg_cost::migration_level(objects.iter().map(|o| (o.kind, &o.facts.ora2pg)));
    Estimate {
        ora2pg_units: round1(units),
        ora2pg_person_days: f64::from(ora2pg_cost::person_days(units)),
        ora2pg_level: level.to_string(),
        person_days: round1(hours / e.hours_per_day),
        lines,
        assumptions: assumptions(settings),
    }
}

fn estimate_line(
    what: String,
    members: &[&AssessedObject],
    per_object: f64,
    per_100: f64,
    hours_per_day: f64,
) -> (EstimateLine, f64) {
    let code_lines: u32 = members.iter().map(|o| o.facts.metrics.code_lines).sum();
    let hours = members.len() as f64 * per_object + f64::from(code_lines) / 100.0 * per_100;
    let line = EstimateLine {
        what,
        objects: members.len() as u32,
        code_lines,
        person_days: round1(hours / hours_per_day),
    };
    (line, hours)
}

fn assumptions(settings: &Settings) -> Vec<String> {
    let e = &settings.effort;
    vec![
        format!("a person-day is {} hours of an engineer who knows both databases", e.hours_per_day),
        format!(
            "SIMPLE objects go through ora2pg, then review and test: {} h each plus {} h per 100 code lines",
            e.simple_hours, e.simple_hours_per_100_lines
        ),
        format!(
            "MEDIUM objects are converted by an agent, then reviewed and tested: {} h each plus {} h per 100 code lines",
            e.medium_hours, e.medium_hours_per_100_lines
        ),
        format!(
            "COMPLEX objects likewise, with more review and redesign: {} h each plus {} h per 100 code lines",
            e.complex_hours, e.complex_hours_per_100_lines
        ),
        format!(
            "objects that could not be read (wrapped, Java) are rewritten by hand from their specification: {} h each plus {} h per 100 code lines",
            e.manual_hours, e.manual_hours_per_100_lines
        ),
        "data migration, performance tuning and the application side are not included".to_owned(),
    ]
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
