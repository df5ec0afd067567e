//! The dependency graph around one object, walked breadth-first.
//!
//! The walk is the same whatever store holds the `dependencies` rows: a
//! backend supplies the estate's objects and, through [`EdgeSource`], the
//! rows that start from (or lead to) one object; [`walk`] does the rest.
//!
//! A row's target is a name as classification resolved it, often a member
//! of an object (`HR.EMP_PKG.RAISE_SALARY`) rather than the object: the
//! walk maps it to the estate object it falls in, so that calls to three
//! procedures of a package make one edge to the package, with their counts
//! summed. A target outside the estate (a table whose DDL was not
//! extracted) is a node of its own and a dead end. Oracle's own packages
//! are folded the same way (`UTL_SMTP.HELO` and `UTL_SMTP.QUIT` make one
//! node, `UTL_SMTP`), and its built-in functions (`TO_CHAR`, `NVL`,
//! `RAISE_APPLICATION_ERROR`) are left out: every object uses them, and
//! the features list (`technical_features`) is where the ones that matter
//! to a migration are found. A package body's calls into its own spec are
//! not edges either: they say nothing about what the package needs from
//! elsewhere.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::str::FromStr;

use serde::Serialize;

use super::SearchError;

/// Which way the walk follows the edges.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From an object to what it calls, reads and writes.
    #[default]
    Outgoing,
    /// From an object to what calls, reads or writes it.
    Incoming,
}

impl FromStr for Direction {
    type Err = SearchError;

    fn from_str(s: &str) -> Result<Direction, SearchError> {
        match s.trim().to_lowercase().as_str() {
            "outgoing" | "out" => Ok(Direction::Outgoing),
            "incoming" | "in" => Ok(Direction::Incoming),
            _ => Err(SearchError::Invalid(format!(
                "unknown direction `{s}`: give outgoing or incoming"
            ))),
        }
    }
}

/// The objects reached, and the edges between them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Graph {
    /// The object the walk started from, `SCHEMA.NAME`.
    pub root: String,
    pub direction: Direction,
    pub depth: u32,
    /// By distance from the root, then name; the root first.
    pub nodes: Vec<Node>,
    /// Always from the dependent object to what it depends on, whichever
    /// way the walk went; by source, target and type.
    pub edges: Vec<Edge>,
}

/// An object reached by the walk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Node {
    /// `SCHEMA.NAME` of an estate object, or the name as stored for one
    /// outside the estate.
    pub name: String,
    /// The Oracle types of the objects of that name (a package's spec and
    /// body), or the type the dependency row gives.
    pub types: Vec<String>,
    /// Steps from the root.
    pub depth: u32,
    /// Whether the estate holds its code (else the walk stops there).
    pub in_estate: bool,
}

/// `source` depends on `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// `CALLS`, `READS`, `WRITES` or `REFERENCES`.
    pub dependency_type: String,
    /// Uses in the source, summed over its rows (a spec and a body, the
    /// members of a package target).
    pub call_count: u64,
}

/// A row of `dependencies`, or rows summed by their five columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub source: String,
    pub target: String,
    pub target_type: String,
    pub dependency_type: String,
    pub call_count: u64,
}

/// What a store gives the walk.
pub trait EdgeSource {
    /// Rows whose `source_object` is `object` (`SCHEMA.NAME`, any case).
    fn outgoing(&self, object: &str) -> Result<Vec<Row>, SearchError>;
    /// Rows whose `target_object` is `object` or a member of it
    /// (`object.` followed by anything), any case.
    fn incoming(&self, object: &str) -> Result<Vec<Row>, SearchError>;
}

/// The estate's objects by upper-case `SCHEMA.NAME`: the spelling as
/// stored, and the types of the objects of that name.
#[derive(Clone, Debug, Default)]
pub struct Objects {
    by_upper: HashMap<String, (String, BTreeSet<String>)>,
    /// Upper-case bare names to the qualified names they stand for.
    by_name: HashMap<String, BTreeSet<String>>,
}

impl Objects {
    /// From `(schema, name, type)` rows of `objects`.
    pub fn new(rows: impl IntoIterator<Item = (Option<String>, String, String)>) -> Objects {
        let mut objects = Objects::default();
        for (schema, name, kind) in rows {
            let qualified = match &schema {
                Some(s) => format!("{s}.{name}"),
                None => name.clone(),
            };
            let entry = objects
                .by_upper
                .entry(qualified.to_uppercase())
                .or_insert_with(|| (qualified.clone(), BTreeSet::new()));
            entry.1.insert(kind);
            objects.by_name.entry(name.to_uppercase()).or_default().insert(qualified);
        }
        objects
    }

    /// The one object `query` names: `SCHEMA.NAME`, `NAME`, or an id such
    /// as `HR.EMP_PKG (PACKAGE BODY)`, in any case.
    pub fn find(&self, query: &str) -> Result<String, SearchError> {
        let trimmed = query.trim();
        // `HR.EMP_PKG (PACKAGE BODY)`: the type adds nothing to the name.
        let name = match trimmed.split_once(" (") {
            Some((name, rest)) if rest.ends_with(')') => name,
            _ => trimmed,
        };
        let upper = name.to_uppercase();
        if let Some((qualified, _)) = self.by_upper.get(&upper) {
            return Ok(qualified.clone());
        }
        match self.by_name.get(&upper) {
            Some(names) if names.len() == 1 => Ok(names.iter().next().cloned().unwrap_or_default()),
            Some(names) => Err(SearchError::Ambiguous {
                query: query.to_owned(),
                candidates: names.iter().cloned().collect(),
            }),
            None => Err(SearchError::NotFound(self.not_found(query, &upper))),
        }
    }

    fn not_found(&self, query: &str, upper: &str) -> String {
        let mut close: Vec<&str> = self
            .by_upper
            .iter()
            // One or two letters are in every name.
            .filter(|(u, _)| upper.len() >= 3 && u.contains(upper))
            .map(|(_, (q, _))| q.as_str())
            .collect();
        close.sort_unstable();
        close.truncate(5);
        match close.is_empty() {
            true => format!("no object `{query}` in the knowledge base"),
            false => format!(
                "no object `{query}` in the knowledge base\n\nhint: did you mean {}?",
                close.join(", ")
            ),
        }
    }

    /// The estate object a dependency target falls in: the target itself,
    /// or the longest prefix of it, cut at dots, that names an object.
    fn owner(&self, target: &str) -> Option<&str> {
        let upper = target.to_uppercase();
        let mut candidate = upper.as_str();
        loop {
            if let Some((qualified, _)) = self.by_upper.get(candidate) {
                return Some(qualified);
            }
            candidate = &candidate[..candidate.rfind('.')?];
        }
    }

    fn types(&self, qualified: &str) -> Vec<String> {
        self.by_upper
            .get(&qualified.to_uppercase())
            .map(|(_, t)| t.iter().cloned().collect())
            .unwrap_or_default()
    }
}

/// The graph from `root` (an object of `objects`, as [`Objects::find`]
/// names it), `depth` steps in `direction`. Every node is visited once,
/// so cycles end the walk rather than loop it.
pub fn walk(
    root: &str,
    depth: u32,
    direction: Direction,
    objects: &Objects,
    source: &dyn EdgeSource,
) -> Result<Graph, SearchError> {
    let depth = super::check_depth(depth)?;
    let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
    let mut edges: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    let mut queue = VecDeque::from([(root.to_owned(), 0)]);
    nodes.insert(root.to_owned(), node(objects, root, None, 0));

    while let Some((current, level)) = queue.pop_front() {
        if level == depth {
            continue;
        }
        for (neighbour, neighbour_type, edge, count) in
            neighbours(&current, direction, objects, source)?
        {
            *edges.entry(edge).or_default() += count;
            if nodes.contains_key(&neighbour) {
                continue;
            }
            let reached = node(objects, &neighbour, Some(neighbour_type), level + 1);
            if reached.in_estate {
                queue.push_back((neighbour.clone(), level + 1));
            }
            nodes.insert(neighbour, reached);
        }
    }

    let mut nodes: Vec<Node> = nodes.into_values().collect();
    nodes.sort_by(|a, b| (a.depth, &a.name).cmp(&(b.depth, &b.name)));
    let edges = edges
        .into_iter()
        .map(|((source, target, dependency_type), call_count)| Edge {
            source,
            target,
            dependency_type,
            call_count,
        })
        .collect();
    Ok(Graph { root: root.to_owned(), direction, depth, nodes, edges })
}

/// The objects one step from `current`: each with its type as the row
/// gives it, the edge as (source, target, type), and the row's count.
type Step = (String, String, (String, String, String), u64);

fn neighbours(
    current: &str,
    direction: Direction,
    objects: &Objects,
    source: &dyn EdgeSource,
) -> Result<Vec<Step>, SearchError> {
    let mut steps = Vec::new();
    match direction {
        Direction::Outgoing => {
            for row in source.outgoing(current)? {
                let Some(target) = target_node(objects, &row) else { continue };
                if target != current {
                    let edge = (current.to_owned(), target.clone(), row.dependency_type);
                    steps.push((target, row.target_type, edge, row.call_count));
                }
            }
        }
        Direction::Incoming => {
            for row in source.incoming(current)? {
                // `HR.EMP` also matches `HR.EMP.X` when `HR.EMP.X` is an
                // object of its own (a schema named like a package).
                let owner = objects.owner(&row.target);
                let from = objects.owner(&row.source).map_or(row.source.clone(), str::to_owned);
                if owner == Some(current) && from != current {
                    let edge = (from.clone(), current.to_owned(), row.dependency_type);
                    steps.push((from, String::new(), edge, row.call_count));
                }
            }
        }
    }
    Ok(steps)
}

/// What the walk calls a row's target: the estate object it falls in, the
/// Oracle package of a built-in member, or the name as stored; `None` for
/// a built-in function.
fn target_node(objects: &Objects, row: &Row) -> Option<String> {
    if let Some(owner) = objects.owner(&row.target) {
        return Some(owner.to_owned());
    }
    if row.target_type != BUILTIN {
        return Some(row.target.clone());
    }
    let name = row.target.strip_prefix("SYS.").unwrap_or(&row.target);
    name.split_once('.').map(|(package, _)| package.to_owned())
}

/// `target_type` of the names Oracle itself defines.
const BUILTIN: &str = "BUILTIN";

fn node(objects: &Objects, name: &str, row_type: Option<String>, depth: u32) -> Node {
    let types = objects.types(name);
    let in_estate = !types.is_empty();
    let types = match (in_estate, row_type) {
        (false, Some(t)) if !t.is_empty() => vec![t],
        _ => types,
    };
    Node { name: name.to_owned(), types, depth, in_estate }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows in memory, as a store would return them.
    struct Rows(Vec<Row>);

    impl EdgeSource for Rows {
        fn outgoing(&self, object: &str) -> Result<Vec<Row>, SearchError> {
            let o = object.to_uppercase();
            Ok(self.0.iter().filter(|r| r.source.to_uppercase() == o).cloned().collect())
        }

        fn incoming(&self, object: &str) -> Result<Vec<Row>, SearchError> {
            let o = object.to_uppercase();
            let member = format!("{o}.");
            Ok(self
                .0
                .iter()
                .filter(|r| {
                    let t = r.target.to_uppercase();
                    t == o || t.starts_with(&member)
                })
                .cloned()
                .collect())
        }
    }

    fn row(source: &str, target: &str, kind: &str, count: u64) -> Row {
        let builtin = !target.starts_with("S.");
        Row {
            source: source.into(),
            target: target.into(),
            target_type: if builtin { BUILTIN } else { "PACKAGE" }.into(),
            dependency_type: kind.into(),
            call_count: count,
        }
    }

    fn estate() -> (Objects, Rows) {
        let objects = Objects::new([
            (Some("S".into()), "A".into(), "PACKAGE".into()),
            (Some("S".into()), "A".into(), "PACKAGE BODY".into()),
            (Some("S".into()), "B".into(), "PROCEDURE".into()),
            (Some("S".into()), "C".into(), "FUNCTION".into()),
            (Some("T".into()), "C".into(), "FUNCTION".into()),
        ]);
        let rows = Rows(vec![
            row("S.A", "S.B", "CALLS", 2),
            row("S.A", "S.A.INTERNAL", "CALLS", 5),
            row("S.B", "S.C.RUN", "CALLS", 1),
            row("S.B", "S.C.STOP", "CALLS", 3),
            // A cycle back to the root.
            row("S.C", "S.A", "CALLS", 1),
            row("S.C", "UTL_HTTP.BEGIN_REQUEST", "CALLS", 4),
            row("S.C", "UTL_HTTP.END_RESPONSE", "CALLS", 1),
            row("S.C", "TO_CHAR", "CALLS", 9),
        ]);
        (objects, rows)
    }

    fn names(g: &Graph) -> Vec<(&str, u32)> {
        g.nodes.iter().map(|n| (n.name.as_str(), n.depth)).collect()
    }

    #[test]
    fn members_fold_into_their_object_and_counts_add_up() {
        let (objects, rows) = estate();
        let g = walk("S.B", 1, Direction::Outgoing, &objects, &rows).unwrap();
        assert_eq!(names(&g), [("S.B", 0), ("S.C", 1)]);
        assert_eq!(g.edges.len(), 1);
        assert_eq!(g.edges[0].call_count, 4);
    }

    #[test]
    fn a_cycle_ends_the_walk_and_outside_names_are_dead_ends() {
        let (objects, rows) = estate();
        let g = walk("S.A", 10, Direction::Outgoing, &objects, &rows).unwrap();
        // Oracle's package is one node for its two members; TO_CHAR is none.
        assert_eq!(names(&g), [("S.A", 0), ("S.B", 1), ("S.C", 2), ("UTL_HTTP", 3)]);
        // No self-edge for the body's call into its own spec; the cycle's
        // closing edge is there once.
        let pairs: Vec<(&str, &str)> =
            g.edges.iter().map(|e| (e.source.as_str(), e.target.as_str())).collect();
        assert_eq!(pairs, [("S.A", "S.B"), ("S.B", "S.C"), ("S.C", "S.A"), ("S.C", "UTL_HTTP")]);
        assert_eq!(g.edges[3].call_count, 5);
        let outside = g.nodes.last().unwrap();
        assert!(!outside.in_estate);
        assert_eq!(outside.types, [BUILTIN]);
    }

    #[test]
    fn incoming_edges_point_at_what_is_depended_on() {
        let (objects, rows) = estate();
        let g = walk("S.C", 2, Direction::Incoming, &objects, &rows).unwrap();
        assert_eq!(names(&g), [("S.C", 0), ("S.B", 1), ("S.A", 2)]);
        assert!(g.edges.iter().all(|e| e.dependency_type == "CALLS"));
        assert_eq!(g.edges[0].source, "S.A");
        assert_eq!(g.edges[0].target, "S.B");
    }

    #[test]
    fn names_are_found_in_any_case_and_ambiguity_lists_candidates() {
        let (objects, _) = estate();
        assert_eq!(objects.find("b").unwrap(), "S.B");
        assert_eq!(objects.find("s.a (PACKAGE BODY)").unwrap(), "S.A");
        match objects.find("c") {
            Err(SearchError::Ambiguous { candidates, .. }) => {
                assert_eq!(candidates, ["S.C", "T.C"])
            }
            other => panic!("{other:?}"),
        }
        let e = objects.find("S.X").unwrap_err().to_string();
        assert!(e.contains("no object `S.X`"), "{e}");
    }
}
