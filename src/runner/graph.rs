//! The stage graph: which stage needs which, derived from inputs and
//! outputs plus explicit `after` edges, in an order that runs each stage
//! after everything it depends on.

use std::collections::BTreeSet;

use crate::manifest::{has_glob_meta, is_under, Manifest, ManifestError, Stage};

use super::inputs::{exclude_set, glob, literal_prefix};

/// Stages by index into `Manifest::stages`, with their dependencies.
#[derive(Debug, Clone)]
pub struct Graph {
    /// `deps[i]`: the stages stage `i` needs, sorted.
    pub deps: Vec<Vec<usize>>,
    /// Every stage, each after all it needs; ties keep manifest order.
    pub order: Vec<usize>,
}

impl Graph {
    /// Derives the graph, rejecting self-reads and cycles.
    pub fn build(manifest: &Manifest) -> Result<Graph, ManifestError> {
        let stages = &manifest.stages;
        let mut deps = vec![BTreeSet::new(); stages.len()];
        for (i, stage) in stages.iter().enumerate() {
            for (j, producer) in stages.iter().enumerate() {
                if let Some(input) = reads_output_of(stage, producer) {
                    if i == j {
                        let message = format!(
                            "stage `{}` reads its own output through `{}`",
                            stage.name, input.0
                        );
                        return Err(manifest.error_at(input.1, message));
                    }
                    deps[i].insert(j);
                }
            }
            for after in &stage.after {
                let j = stages
                    .iter()
                    .position(|s| &s.name == after.get_ref())
                    .expect("checked on load");
                deps[i].insert(j);
            }
        }
        let deps: Vec<Vec<usize>> = deps.into_iter().map(|d| d.into_iter().collect()).collect();
        let order = topological_order(&deps).map_err(|cycle| {
            let names: Vec<&str> = cycle.iter().map(|&i| stages[i].name.as_str()).collect();
            manifest.error_at(
                stages[cycle[0]].span.clone(),
                format!("stages depend on each other in a cycle: {}", names.join(" -> ")),
            )
        })?;
        Ok(Graph { deps, order })
    }

    /// `targets` and everything they need, in run order.
    pub fn closure(&self, targets: &[usize]) -> Vec<usize> {
        let mut wanted = vec![false; self.deps.len()];
        let mut stack = targets.to_vec();
        while let Some(i) = stack.pop() {
            if !std::mem::replace(&mut wanted[i], true) {
                stack.extend(&self.deps[i]);
            }
        }
        self.order.iter().copied().filter(|&i| wanted[i]).collect()
    }
}

/// The first input of `reader` that can see an output of `producer`.
fn reads_output_of(reader: &Stage, producer: &Stage) -> Option<(String, std::ops::Range<usize>)> {
    let excluded = exclude_set(reader).ok();
    for input in &reader.inputs {
        for output in producer.output_paths() {
            let out = output.trim_end_matches('/');
            if excluded.as_ref().is_some_and(|set| set.is_match(out)) {
                continue;
            }
            if pattern_touches(input.get_ref(), output) {
                return Some((input.get_ref().clone(), input.span()));
            }
        }
    }
    None
}

/// Whether input `pattern` may match a file that `output` names or holds.
fn pattern_touches(pattern: &str, output: &str) -> bool {
    let out = output.trim_end_matches('/');
    let is_dir = output.ends_with('/');
    if pattern == "." {
        return true;
    }
    if !has_glob_meta(pattern) {
        let input = pattern.trim_end_matches('/');
        return input == out || is_under(input, out) || is_under(out, input);
    }
    let prefix = literal_prefix(pattern);
    if !prefix.is_empty() && is_under(prefix, out) || prefix == out {
        return true;
    }
    let in_reach = prefix.is_empty() || is_under(out, prefix);
    if !in_reach {
        return false;
    }
    // A folder output may hold any name, so any pattern reaching into it sees it.
    is_dir || glob(pattern).is_ok_and(|g| g.compile_matcher().is_match(out))
}

/// Kahn's algorithm, taking the earliest-declared ready stage first; on a
/// cycle, returns one cycle's stages.
fn topological_order(deps: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let n = deps.len();
    let mut remaining: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut dependents = vec![Vec::new(); n];
    for (i, d) in deps.iter().enumerate() {
        for &j in d {
            dependents[j].push(i);
        }
    }
    let mut ready: BTreeSet<usize> = (0..n).filter(|&i| remaining[i] == 0).collect();
    let mut order = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        order.push(i);
        for &k in &dependents[i] {
            remaining[k] -= 1;
            if remaining[k] == 0 {
                ready.insert(k);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    Err(find_cycle(deps, &remaining))
}

fn find_cycle(deps: &[Vec<usize>], remaining: &[usize]) -> Vec<usize> {
    // Every stage left has an unfinished dependency, so walking those edges
    // must come back to a stage already on the path.
    let start = remaining.iter().position(|&r| r > 0).expect("a stage is left");
    let mut path = vec![start];
    loop {
        let last = *path.last().expect("path is never empty");
        let next = deps[last]
            .iter()
            .copied()
            .find(|&d| remaining[d] > 0)
            .expect("stuck stage has a stuck dependency");
        if let Some(pos) = path.iter().position(|&p| p == next) {
            let mut cycle: Vec<usize> = path[pos..].to_vec();
            cycle.reverse();
            cycle.push(cycle[0]);
            return cycle;
        }
        path.push(next);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_see_outputs_by_path_folder_and_glob() {
        assert!(pattern_touches("knowledge/inventory.json", "knowledge/inventory.json"));
        assert!(pattern_touches("knowledge/", "knowledge/inventory.json"));
        assert!(pattern_touches("knowledge/x.json", "knowledge/"));
        assert!(pattern_touches("knowledge/*.json", "knowledge/inventory.json"));
        assert!(pattern_touches("knowledge/**", "knowledge/"));
        assert!(pattern_touches("**/*.json", "knowledge/"));
        assert!(!pattern_touches("knowledge/*.csv", "knowledge/inventory.json"));
        assert!(!pattern_touches("extracted/**/*.sql", "knowledge/"));
        assert!(!pattern_touches("know/a", "knowledge/"));
        assert!(pattern_touches(".", "out.sql"));
    }

    #[test]
    fn order_respects_dependencies_and_reports_cycles() {
        assert_eq!(topological_order(&[vec![1], vec![], vec![0]]), Ok(vec![1, 0, 2]));
        assert_eq!(topological_order(&[vec![1], vec![0]]), Err(vec![1, 0, 1]));
    }
}
