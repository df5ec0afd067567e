//! The figures every report shows, computed once from an [`Assessment`]: totals by type,
//! class, route and feature, the hardest objects, dependency hot spots, conversion waves and
//! parse problems.
//!
//! Every list is fully sorted, ties broken by object id or name, so reports are stable. This
//! file knows nothing of wording or layout.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::estate::{AssessedObject, Assessment, Class, Resolution, Route};
use crate::analysis::features::{self, Impact};

/// How many entries the top lists keep.
pub(crate) const HARDEST: usize = 15;
pub(crate) const HOT_SPOTS: usize = 10;
pub(crate) const UNRESOLVED: usize = 15;

const CLASSES: [Class; 3] = [Class::Simple, Class::Medium, Class::Complex];
const ROUTES: [Route; 3] = [Route::Ora2pg, Route::Agent, Route::Manual];

/// The computed figures, borrowing the assessment they describe.
pub(crate) struct Summary<'a> {
    pub assessment: &'a Assessment,
    /// [`AssessedObject::id`] of each object, by index.
    pub ids: Vec<String>,
    pub code_lines: u64,
    pub parse: ParseCoverage,
    pub rules: usize,
    pub by_type: Vec<Group>,
    pub by_class: Vec<Group>,
    pub by_route: Vec<Group>,
    pub scores: Vec<Bucket>,
    pub features: Vec<FeatureRow>,
    /// Indexes of the hardest objects, hardest first.
    pub hardest: Vec<usize>,
    pub fan: Vec<Fan>,
    pub edges: EdgeTotals,
    pub unresolved: Vec<UnresolvedName>,
    pub waves: Vec<Wave>,
    /// The 1-based position of each object in the conversion order, if it has one.
    pub position: Vec<Option<usize>>,
    /// Indexes of objects not parsed, or parsed with errors, sorted by id.
    pub problems: Vec<usize>,
}

/// How much of the estate the front end could read.
#[derive(Default)]
pub(crate) struct ParseCoverage {
    pub full: usize,
    pub partial: usize,
    pub not_parsed: usize,
    /// Code lines of the objects parsed in full.
    pub full_code_lines: u64,
}

/// Objects sharing a type, class or route.
pub(crate) struct Group {
    pub label: String,
    pub objects: usize,
    pub code_lines: u64,
    pub ora2pg_units: f64,
}

/// Objects whose score falls in `[low, high)`.
pub(crate) struct Bucket {
    pub low: f64,
    pub high: f64,
    pub objects: usize,
}

/// One feature of the estate, described from the catalogue when it is there.
pub(crate) struct FeatureRow {
    pub id: String,
    pub name: String,
    pub category: Option<&'static str>,
    pub impact: Option<Impact>,
    pub strategy: Option<&'static str>,
    pub objects: usize,
    pub uses: usize,
}

/// One object's dependencies within the estate, both ways.
#[derive(Clone, Default)]
pub(crate) struct Fan {
    /// Distinct other objects that depend on this one.
    pub dependents: BTreeSet<usize>,
    /// Uses of this object by other objects.
    pub incoming_uses: u64,
    /// Distinct other objects this one depends on.
    pub depends_on: BTreeSet<usize>,
    pub builtin: usize,
    pub unresolved: usize,
}

/// Dependency edges by resolution.
#[derive(Default)]
pub(crate) struct EdgeTotals {
    pub internal: usize,
    pub builtin: usize,
    pub unresolved: usize,
}

/// A name no object of the inventory nor any built-in answers to.
pub(crate) struct UnresolvedName {
    pub name: String,
    pub objects: usize,
    pub uses: u64,
}

/// Objects that can be converted together once every earlier wave is done.
pub(crate) struct Wave {
    pub objects: Vec<usize>,
    pub code_lines: u64,
}

impl<'a> Summary<'a> {
    pub(crate) fn of(assessment: &'a Assessment) -> Summary<'a> {
        let objects = &assessment.objects;
        let (fan, edges, unresolved) = dependencies(assessment);
        let position = positions(assessment);
        let mut summary = Summary {
            assessment,
            ids: objects.iter().map(AssessedObject::id).collect(),
            code_lines: objects.iter().map(|o| u64::from(o.facts.metrics.code_lines)).sum(),
            parse: parse_coverage(objects),
            rules: objects.iter().map(|o| o.facts.rules.len()).sum(),
            by_type: by_type(objects),
            by_class: fixed_groups(objects, &CLASSES.map(Class::as_str), |o| {
                o.score.class.as_str()
            }),
            by_route: fixed_groups(objects, &ROUTES.map(Route::as_str), |o| o.score.route.as_str()),
            scores: score_buckets(objects),
            features: feature_rows(objects),
            hardest: Vec::new(),
            fan,
            edges,
            unresolved,
            waves: waves(assessment),
            position,
            problems: objects
                .iter()
                .enumerate()
                .filter(|(_, o)| parse_state(o) != ParseState::Full || o.parse_errors > 0)
                .map(|(i, _)| i)
                .collect(),
        };
        summary.hardest = summary.hardest_objects();
        let ids = &summary.ids;
        summary.problems.sort_by(|&a, &b| ids[a].cmp(&ids[b]));
        summary
    }

    pub(crate) fn object(&self, index: usize) -> &'a AssessedObject {
        &self.assessment.objects[index]
    }

    fn hardest_objects(&self) -> Vec<usize> {
        let objects = &self.assessment.objects;
        let mut order: Vec<usize> = (0..objects.len()).collect();
        order.sort_by(|&a, &b| {
            let by_score = objects[b].score.total.total_cmp(&objects[a].score.total);
            by_score.then_with(|| self.ids[a].cmp(&self.ids[b]))
        });
        order.truncate(HARDEST);
        order
    }

    /// The objects most depended on, most dependents first.
    pub(crate) fn most_depended_on(&self) -> Vec<usize> {
        let mut order: Vec<usize> =
            (0..self.fan.len()).filter(|&i| !self.fan[i].dependents.is_empty()).collect();
        order.sort_by(|&a, &b| {
            let (fa, fb) = (&self.fan[a], &self.fan[b]);
            (fb.dependents.len(), fb.incoming_uses)
                .cmp(&(fa.dependents.len(), fa.incoming_uses))
                .then_with(|| self.ids[a].cmp(&self.ids[b]))
        });
        order.truncate(HOT_SPOTS);
        order
    }

    /// The objects with the most outgoing dependencies, inventory objects first, then
    /// unresolved names.
    pub(crate) fn most_dependent(&self) -> Vec<usize> {
        let outgoing = |f: &Fan| (f.depends_on.len(), f.unresolved);
        let mut order: Vec<usize> =
            (0..self.fan.len()).filter(|&i| outgoing(&self.fan[i]) != (0, 0)).collect();
        order.sort_by(|&a, &b| {
            outgoing(&self.fan[b])
                .cmp(&outgoing(&self.fan[a]))
                .then_with(|| self.ids[a].cmp(&self.ids[b]))
        });
        order.truncate(HOT_SPOTS);
        order
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParseState {
    Full,
    Partial,
    NotParsed,
}

/// Reads [`AssessedObject::parse_status`]: `full`, `partial...`, anything else is not parsed.
pub(crate) fn parse_state(object: &AssessedObject) -> ParseState {
    match object.parse_status.as_str() {
        "full" => ParseState::Full,
        s if s.starts_with("partial") => ParseState::Partial,
        _ => ParseState::NotParsed,
    }
}

fn parse_coverage(objects: &[AssessedObject]) -> ParseCoverage {
    let mut coverage = ParseCoverage::default();
    for object in objects {
        match parse_state(object) {
            ParseState::Full => {
                coverage.full += 1;
                coverage.full_code_lines += u64::from(object.facts.metrics.code_lines);
            }
            ParseState::Partial => coverage.partial += 1,
            ParseState::NotParsed => coverage.not_parsed += 1,
        }
    }
    coverage
}

fn add(group: &mut Group, object: &AssessedObject) {
    group.objects += 1;
    group.code_lines += u64::from(object.facts.metrics.code_lines);
    group.ora2pg_units += object.facts.ora2pg.units;
}

fn empty_group(label: &str) -> Group {
    Group { label: label.to_owned(), objects: 0, code_lines: 0, ora2pg_units: 0.0 }
}

/// Groups by object type, most objects first: the types present, nothing else.
fn by_type(objects: &[AssessedObject]) -> Vec<Group> {
    let mut groups: BTreeMap<&str, Group> = BTreeMap::new();
    for object in objects {
        let label = object.kind.oracle_name();
        add(groups.entry(label).or_insert_with(|| empty_group(label)), object);
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| b.objects.cmp(&a.objects).then_with(|| a.label.cmp(&b.label)));
    groups
}

/// One group per label of `labels`, in that order, empty ones included, so a reader always
/// sees every class and every route.
fn fixed_groups(
    objects: &[AssessedObject],
    labels: &[&str],
    label: impl Fn(&AssessedObject) -> &'static str,
) -> Vec<Group> {
    let mut groups: Vec<Group> = labels.iter().map(|l| empty_group(l)).collect();
    for object in objects {
        if let Some(group) = groups.iter_mut().find(|g| g.label == label(object)) {
            add(group, object);
        }
    }
    groups
}

/// Bounds of the score histogram. Scores spread like sizes do (most objects
/// small, a long tail), so the buckets widen as scores grow; the default
/// class thresholds (10 and 30) are bounds, so the buckets add up to classes.
const SCORE_BOUNDS: &[f64] = &[0.0, 5.0, 10.0, 20.0, 30.0, 50.0, 100.0, 200.0, 500.0];

/// The objects per bucket of [`SCORE_BOUNDS`], the last one open-ended; empty
/// buckets past the highest score are left out.
fn score_buckets(objects: &[AssessedObject]) -> Vec<Bucket> {
    if objects.is_empty() {
        return Vec::new();
    }
    let mut buckets: Vec<Bucket> = SCORE_BOUNDS
        .iter()
        .enumerate()
        .map(|(i, &low)| Bucket {
            low,
            high: SCORE_BOUNDS.get(i + 1).copied().unwrap_or(f64::INFINITY),
            objects: 0,
        })
        .collect();
    for object in objects {
        // Negative scores would be a scoring bug; they are counted in the first bucket
        // rather than dropped, so the histogram's total still matches the estate.
        let score = object.score.total.max(0.0);
        let index = buckets.iter().rposition(|b| b.low <= score).unwrap_or(0);
        buckets[index].objects += 1;
    }
    while buckets.len() > 1 && buckets.last().is_some_and(|b| b.objects == 0) {
        buckets.pop();
    }
    buckets
}

/// Every feature used, most objects first.
fn feature_rows(objects: &[AssessedObject]) -> Vec<FeatureRow> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for object in objects {
        for used in &object.facts.features {
            let entry = counts.entry(used.feature.as_str()).or_default();
            entry.0 += 1;
            entry.1 += used.lines.len();
        }
    }
    let mut rows: Vec<FeatureRow> = counts
        .into_iter()
        .map(|(id, (objects, uses))| {
            let known = features::feature(id);
            FeatureRow {
                id: id.to_owned(),
                name: known.map_or(id, |f| f.name).to_owned(),
                category: known.map(|f| f.category),
                impact: known.map(|f| f.impact),
                strategy: known.map(|f| f.strategy),
                objects,
                uses,
            }
        })
        .collect();
    rows.sort_by(|a, b| (b.objects, b.uses).cmp(&(a.objects, a.uses)).then(a.id.cmp(&b.id)));
    rows
}

type Dependencies = (Vec<Fan>, EdgeTotals, Vec<UnresolvedName>);

/// Each object's fan in and out, edge totals, and the most used unresolved names.
///
/// Edges whose indexes fall outside the object list are ignored rather than trusted: a
/// report should still come out of an assessment that is slightly off.
fn dependencies(assessment: &Assessment) -> Dependencies {
    let count = assessment.objects.len();
    let mut fan = vec![Fan::default(); count];
    let mut edges = EdgeTotals::default();
    let mut names: BTreeMap<&str, (BTreeSet<usize>, u64)> = BTreeMap::new();
    for dep in assessment.dependencies.iter().filter(|d| d.source < count) {
        match dep.resolution {
            Resolution::Internal => edges.internal += 1,
            Resolution::Builtin => {
                edges.builtin += 1;
                fan[dep.source].builtin += 1;
            }
            Resolution::Unresolved => {
                edges.unresolved += 1;
                fan[dep.source].unresolved += 1;
                let entry = names.entry(dep.target.as_str()).or_default();
                entry.0.insert(dep.source);
                entry.1 += u64::from(dep.count);
            }
        }
        let Some(target) = dep.target_object.filter(|&t| t < count && t != dep.source) else {
            continue;
        };
        fan[dep.source].depends_on.insert(target);
        fan[target].dependents.insert(dep.source);
        fan[target].incoming_uses += u64::from(dep.count);
    }
    let mut unresolved: Vec<UnresolvedName> = names
        .into_iter()
        .map(|(name, (sources, uses))| UnresolvedName {
            name: name.to_owned(),
            objects: sources.len(),
            uses,
        })
        .collect();
    unresolved
        .sort_by(|a, b| (b.objects, b.uses).cmp(&(a.objects, a.uses)).then(a.name.cmp(&b.name)));
    unresolved.truncate(UNRESOLVED);
    (fan, edges, unresolved)
}

fn positions(assessment: &Assessment) -> Vec<Option<usize>> {
    let mut position = vec![None; assessment.objects.len()];
    for (at, &index) in assessment.order.iter().enumerate() {
        if let Some(slot) = position.get_mut(index) {
            *slot = Some(at + 1);
        }
    }
    position
}

/// Splits the conversion order into waves: an object's wave is one more than the latest wave
/// among the objects it depends on. The members of a cycle share one wave, computed from
/// what the cycle as a whole depends on, since a cycle is converted together.
fn waves(assessment: &Assessment) -> Vec<Wave> {
    let count = assessment.objects.len();
    let mut depends_on = vec![Vec::new(); count];
    for dep in &assessment.dependencies {
        if let Some(target) = dep.target_object.filter(|&t| t < count && dep.source < count) {
            depends_on[dep.source].push(target);
        }
    }
    let mut cycle_of: Vec<Option<usize>> = vec![None; count];
    for (n, cycle) in assessment.cycles.iter().enumerate() {
        for &member in cycle.iter().filter(|&&m| m < count) {
            cycle_of[member] = Some(n);
        }
    }

    let mut wave_of: Vec<Option<usize>> = vec![None; count];
    for &index in assessment.order.iter().filter(|&&i| i < count) {
        if wave_of[index].is_some() {
            continue;
        }
        let members = match cycle_of[index] {
            Some(n) => assessment.cycles[n].iter().copied().filter(|&m| m < count).collect(),
            None => vec![index],
        };
        // Targets without a wave yet come later in the order (an order that is not
        // dependencies-first); they cannot hold this object back, so they are skipped.
        let wave = members
            .iter()
            .flat_map(|&m| &depends_on[m])
            .filter(|t| !members.contains(t))
            .filter_map(|&t| wave_of[t])
            .max()
            .map_or(0, |w| w + 1);
        for &member in &members {
            wave_of[member] = Some(wave);
        }
    }

    let mut waves: Vec<Wave> = Vec::new();
    let mut seen = vec![false; count];
    for &index in assessment.order.iter().filter(|&&i| i < count) {
        let Some(wave) = wave_of[index].filter(|_| !seen[index]) else { continue };
        seen[index] = true;
        if waves.len() <= wave {
            waves.resize_with(wave + 1, || Wave { objects: Vec::new(), code_lines: 0 });
        }
        waves[wave].objects.push(index);
        waves[wave].code_lines += u64::from(assessment.objects[index].facts.metrics.code_lines);
    }
    waves
}
