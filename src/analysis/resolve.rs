//! Resolving the names each object uses against the inventory.
//!
//! Oracle resolves a name from the inside out: a member of the same package,
//! then an object of the caller's schema, then a public synonym. We follow
//! that order with what the extraction holds: members of the caller's
//! package, objects of the caller's schema, objects of any schema when only
//! one has that name, and synonyms defined in the estate. What resolves to
//! nothing is an Oracle built-in when [`super::builtins::is_builtin`] knows
//! it, and unresolved otherwise (often a table whose DDL was not
//! extracted). Grants, private synonyms of other schemas and database links
//! are not followed.

use std::collections::HashMap;

use super::builtins;
use super::estate::{AssessedObject, Dependency, Resolution};
use super::{RefKind, Reference};
use crate::plsql::ObjectKind;

/// Names of the inventory, for lookups.
pub struct Index<'a> {
    objects: &'a [AssessedObject],
    /// `NAME` → objects of that name, any schema and kind.
    by_name: HashMap<&'a str, Vec<usize>>,
    /// Synonym index → the name it stands for, when the estate defines it.
    synonyms: HashMap<usize, Vec<String>>,
}

impl<'a> Index<'a> {
    pub fn new(objects: &'a [AssessedObject]) -> Index<'a> {
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut synonyms = HashMap::new();
        for (i, object) in objects.iter().enumerate() {
            by_name.entry(object.name.as_str()).or_default().push(i);
            if object.kind == ObjectKind::Synonym {
                // The synonym's one reference is what it stands for.
                if let Some(target) = object.facts.references.first() {
                    synonyms.insert(i, split(&target.target));
                }
            }
        }
        Index { objects, by_name, synonyms }
    }

    /// The objects named `name` that a reference of `kind` can mean, in the
    /// schema `schema` if given, else in `home`'s schema first, else when
    /// only one schema has one.
    fn find(
        &self,
        schema: Option<&str>,
        name: &str,
        home: Option<&str>,
        kind: RefKind,
    ) -> Vec<usize> {
        let Some(candidates) = self.by_name.get(name) else { return Vec::new() };
        let fits: Vec<usize> =
            candidates.iter().copied().filter(|&i| can_mean(self.objects[i].kind, kind)).collect();
        if let Some(schema) = schema {
            return fits
                .into_iter()
                .filter(|&i| self.objects[i].schema.as_deref() == Some(schema))
                .collect();
        }
        let at_home: Vec<usize> =
            fits.iter().copied().filter(|&i| self.objects[i].schema.as_deref() == home).collect();
        if !at_home.is_empty() {
            return at_home;
        }
        // Then public synonyms (no owner), as Oracle resolves names.
        let public: Vec<usize> =
            fits.iter().copied().filter(|&i| self.objects[i].schema.is_none()).collect();
        if !public.is_empty() {
            return public;
        }
        // A private synonym serves its own schema only.
        let fits: Vec<usize> =
            fits.into_iter().filter(|&i| self.objects[i].kind != ObjectKind::Synonym).collect();
        let mut schemas: Vec<_> = fits.iter().map(|&i| self.objects[i].schema.as_deref()).collect();
        schemas.sort();
        schemas.dedup();
        if schemas.len() == 1 {
            fits
        } else {
            Vec::new()
        }
    }

    /// The object to point a dependency at among several of one name: the
    /// package spec over its body, the type over its body.
    fn preferred(&self, found: &[usize]) -> Option<usize> {
        found.iter().copied().min_by_key(|&i| (rank(self.objects[i].kind), i))
    }
}

/// Package and type specs first: callers depend on the interface.
fn rank(kind: ObjectKind) -> u8 {
    match kind {
        ObjectKind::PackageSpec | ObjectKind::TypeSpec => 0,
        ObjectKind::PackageBody | ObjectKind::TypeBody => 1,
        _ => 2,
    }
}

/// Whether an object of `object` kind can be what a reference of `kind`
/// names, directly or as the container of the member named.
fn can_mean(object: ObjectKind, kind: RefKind) -> bool {
    use ObjectKind::*;
    match kind {
        RefKind::Calls => matches!(
            object,
            Procedure | Function | PackageSpec | PackageBody | TypeSpec | TypeBody | Synonym
        ),
        RefKind::Reads | RefKind::Writes => {
            matches!(object, Table | View | MaterializedView | Synonym)
        }
        RefKind::References => !matches!(object, Index | JavaSource | Library),
    }
}

fn split(name: &str) -> Vec<String> {
    name.split('.').map(str::to_owned).collect()
}

/// Resolves every reference of every object, in object order.
pub fn dependencies(objects: &[AssessedObject]) -> Vec<Dependency> {
    let index = Index::new(objects);
    let mut out = Vec::new();
    for (source, object) in objects.iter().enumerate() {
        let spec = own_package(&index, source);
        for reference in &object.facts.references {
            let dep = resolve(&index, source, spec, reference);
            // A package calling its own members (or a procedure its nested
            // ones) is not a dependency between objects.
            let own = dep.target_object.is_some_and(|t| {
                let target = &objects[t];
                target.schema == object.schema && target.name == object.name
            });
            if !own {
                out.push(dep);
            }
        }
    }
    merge(out)
}

/// Several references can land on one target (`pkg.a` and `pkg.b` are both
/// `PKG`'s): one dependency each, counts and lines added up.
fn merge(mut deps: Vec<Dependency>) -> Vec<Dependency> {
    deps.sort_by(|a, b| (a.source, a.kind, &a.target).cmp(&(b.source, b.kind, &b.target)));
    let mut out: Vec<Dependency> = Vec::with_capacity(deps.len());
    for dep in deps {
        match out.last_mut() {
            Some(last)
                if last.source == dep.source
                    && last.kind == dep.kind
                    && last.target == dep.target =>
            {
                last.count += dep.count;
                last.lines.extend(dep.lines);
                last.lines.sort_unstable();
            }
            _ => out.push(dep),
        }
    }
    out
}

/// `spec` is the object `source`'s own names belong to: its package spec,
/// or itself ([`own_package`]).
fn resolve(index: &Index, source: usize, spec: usize, reference: &Reference) -> Dependency {
    let object = &index.objects[source];
    let parts = split(&reference.target);
    // A synonym may stand for anything: look its target up as a reference.
    let lookup_kind = match object.kind {
        ObjectKind::Synonym => RefKind::References,
        _ => reference.kind,
    };
    let found = lookup(index, source, spec, &parts, lookup_kind);
    let mut dep = Dependency {
        source,
        kind: reference.kind,
        target_object: None,
        target: reference.target.clone(),
        target_type: String::new(),
        resolution: Resolution::Unresolved,
        count: reference.lines.len() as u32,
        lines: reference.lines.clone(),
    };
    match found {
        Some((target, member)) => {
            let t = &index.objects[target];
            dep.target_object = Some(target);
            // A column (`t.col%TYPE`) is a reference to its table; a member
            // of a package or type is named, since callers use members.
            let keeps_member = matches!(
                t.kind,
                ObjectKind::PackageSpec
                    | ObjectKind::PackageBody
                    | ObjectKind::TypeSpec
                    | ObjectKind::TypeBody
            );
            dep.target = match member.filter(|_| keeps_member) {
                Some(member) => format!("{}.{member}", t.qualified_name),
                None => t.qualified_name.clone(),
            };
            dep.target_type = kind_group(t.kind).to_owned();
            dep.resolution = Resolution::Internal;
        }
        None if builtins::is_builtin(&reference.target) || is_dictionary(&parts) => {
            dep.target_type = "BUILTIN".to_owned();
            dep.resolution = Resolution::Builtin;
        }
        None => {
            dep.target_type = "UNRESOLVED".to_owned();
            // A name the caller's own schema would hold, spelled as Oracle would.
            if parts.len() == 1 && reference.kind != RefKind::Calls {
                if let Some(schema) = &object.schema {
                    dep.target = format!("{schema}.{}", reference.target);
                }
            }
        }
    }
    dep
}

/// `PACKAGE` for spec and body alike: a dependency is on the package.
fn kind_group(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::PackageSpec | ObjectKind::PackageBody => "PACKAGE",
        ObjectKind::TypeSpec | ObjectKind::TypeBody => "TYPE",
        other => other.oracle_name(),
    }
}

/// The data dictionary and `DUAL`: supplied by Oracle, read like tables.
fn is_dictionary(parts: &[String]) -> bool {
    let last = parts.last().map(String::as_str).unwrap_or_default();
    let first = parts.first().map(String::as_str).unwrap_or_default();
    last == "DUAL"
        || matches!(first, "SYS" | "SYSTEM")
        || ["ALL_", "USER_", "DBA_", "V$", "GV$", "V_$", "NLS_"].iter().any(|p| last.starts_with(p))
}

/// The object (and member, for package members) a name means, seen from
/// `source`.
fn lookup(
    index: &Index,
    source: usize,
    spec: usize,
    parts: &[String],
    kind: RefKind,
) -> Option<(usize, Option<String>)> {
    let object = &index.objects[source];
    let home = object.schema.as_deref();
    // The object's own names, and for a package body those of its spec.
    let own = |name: &str| {
        let declares = |o: &AssessedObject| o.facts.members.iter().any(|m| m == name);
        declares(object) || (spec != source && declares(&index.objects[spec]))
    };
    let found = match parts {
        [name] if own(name) => return Some((spec, Some(name.clone()))),
        [name] => {
            let found = index.find(None, name, home, kind);
            (!found.is_empty()).then_some((found, None))
        }
        [first, second] => {
            // `pkg.member` or `schema.object`; a column `t.col` for %TYPE.
            let in_schema = index.find(Some(first), second, home, kind);
            if !in_schema.is_empty() {
                Some((in_schema, None))
            } else {
                let container = index.find(None, first, home, kind);
                (!container.is_empty()).then(|| (container, Some(second.clone())))
            }
        }
        [schema, name, member, ..] => {
            let in_schema = index.find(Some(schema), name, home, kind);
            if !in_schema.is_empty() {
                Some((in_schema, Some(member.clone())))
            } else {
                let container = index.find(None, schema, home, kind);
                (!container.is_empty()).then(|| (container, Some(name.clone())))
            }
        }
        [] => None,
    };
    let (candidates, member) = found?;
    let target = index.preferred(&candidates)?;
    Some(through_synonym(index, target, kind).map_or((target, member.clone()), |t| (t, member)))
}

/// A synonym defined in the estate stands for its target, when that is in
/// the estate too.
fn through_synonym(index: &Index, target: usize, kind: RefKind) -> Option<usize> {
    let parts = index.synonyms.get(&target)?;
    let (schema, name) = match parts.as_slice() {
        [name] => (None, name),
        [schema, name, ..] => (Some(schema.as_str()), name),
        [] => return None,
    };
    let home = index.objects[target].schema.as_deref();
    let found = index.find(schema, name, home, kind);
    index.preferred(&found).filter(|&t| index.objects[t].kind != ObjectKind::Synonym)
}

/// The spec of the package `source` belongs to (itself when it is the spec).
fn own_package(index: &Index, source: usize) -> usize {
    let object = &index.objects[source];
    let home = object.schema.as_deref();
    let same = index.find(home, &object.name, home, RefKind::Calls);
    index.preferred(&same).unwrap_or(source)
}
