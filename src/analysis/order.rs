//! The order to convert objects in: what an object depends on comes first.
//!
//! Dependencies between objects of the estate form a graph; its strongly
//! connected components (Tarjan's algorithm) are the cycles, converted
//! together. Components are emitted dependencies first, ties broken by the
//! objects' order (their ids), so the order is the same on every run. A
//! package or type body always follows its spec.

use std::collections::HashMap;

use super::estate::{AssessedObject, Dependency};
use crate::plsql::ObjectKind;

/// The conversion order (indexes into `objects`) and the cycles, each sorted.
///
/// A package's spec and body are one node of the graph: callers depend on
/// the spec, and the body holds the calls, so two packages that call each
/// other form a cycle only when the two halves are taken together. Within
/// the node the spec comes first.
pub fn conversion_order(
    objects: &[AssessedObject],
    dependencies: &[Dependency],
) -> (Vec<usize>, Vec<Vec<usize>>) {
    let unit = units(objects);
    let mut members = vec![Vec::new(); objects.len()];
    for (i, &u) in unit.iter().enumerate() {
        members[u].push(i);
    }
    for (u, m) in members.iter_mut().enumerate() {
        m.sort_by_key(|&i| (i != u, i));
    }
    let mut edges = vec![Vec::new(); objects.len()];
    for dep in dependencies {
        let Some(target) = dep.target_object else { continue };
        let (from, to) = (unit[dep.source], unit[target]);
        if from != to {
            edges[from].push(to);
        }
    }
    for targets in &mut edges {
        targets.sort_unstable();
        targets.dedup();
    }

    let mut order = Vec::with_capacity(objects.len());
    let mut cycles = Vec::new();
    // Tarjan emits a component only after every component it reaches:
    // dependencies first, as conversion needs. Nodes that are the body
    // half of a unit have no edges and are emitted with their spec.
    for mut component in tarjan(&edges) {
        component.retain(|&u| unit[u] == u);
        component.sort_unstable();
        let objects_in: Vec<usize> =
            component.iter().flat_map(|&u| members[u].iter().copied()).collect();
        if component.len() > 1 {
            let mut cycle = objects_in.clone();
            cycle.sort_unstable();
            cycles.push(cycle);
        }
        order.extend(objects_in);
    }
    cycles.sort();
    (order, cycles)
}

/// For each object, the node it belongs to: a package or type body belongs
/// to its spec, when the estate has it; anything else is its own node.
fn units(objects: &[AssessedObject]) -> Vec<usize> {
    let specs: HashMap<(&Option<String>, &str, ObjectKind), usize> = objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.copy == 0)
        .map(|(i, o)| ((&o.schema, o.name.as_str(), o.kind), i))
        .collect();
    objects
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let spec_kind = match body.kind {
                ObjectKind::PackageBody => ObjectKind::PackageSpec,
                ObjectKind::TypeBody => ObjectKind::TypeSpec,
                _ => return i,
            };
            specs.get(&(&body.schema, body.name.as_str(), spec_kind)).copied().unwrap_or(i)
        })
        .collect()
}

/// Strongly connected components, each emitted after those it reaches.
/// Iterative, so a long chain of dependencies cannot overflow the stack.
fn tarjan(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its edge list)
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut at)) = work.last_mut() {
            if *at == 0 && index[node] == UNSEEN {
                index[node] = next;
                low[node] = next;
                next += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&target) = edges[node].get(*at) {
                *at += 1;
                if index[target] == UNSEEN {
                    work.push((target, 0));
                } else if on_stack[target] {
                    low[node] = low[node].min(index[target]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::tarjan;

    #[test]
    fn dependencies_come_first_and_cycles_are_grouped() {
        // 0 -> 1 -> 2 -> 1, 3 -> 0
        let edges = vec![vec![1], vec![2], vec![1], vec![0]];
        let components = tarjan(&edges);
        let mut sorted: Vec<Vec<usize>> = components
            .iter()
            .map(|c| {
                let mut c = c.clone();
                c.sort();
                c
            })
            .collect();
        assert_eq!(sorted.remove(0), vec![1, 2]);
        assert_eq!(sorted, vec![vec![0], vec![3]]);
    }

    #[test]
    fn a_long_chain_does_not_overflow() {
        let n = 200_000;
        let edges: Vec<Vec<usize>> =
            (0..n).map(|i| if i + 1 < n { vec![i + 1] } else { vec![] }).collect();
        let components = tarjan(&edges);
        assert_eq!(components.len(), n);
        assert_eq!(components[0], vec![n - 1]);
    }
}
