//! Classification: what each object uses, what it depends on, what business
//! rules it holds, and how hard it is to migrate.
//!
//! Work is in two steps. [`analyze`] reads one parsed object alone (its tree and
//! its tokens, never its comments or string literals) and gives its [`Facts`]:
//! the Oracle features it uses ([`features`]), the names it calls, reads, writes
//! and references ([`references`]), candidate business rules ([`rules`]), size
//! and shape ([`metrics`]), and its cost in ora2pg's units ([`ora2pg_cost`]).
//! They share one walk over the tree ([`walk`]) and one list of the names Oracle
//! itself supplies ([`builtins`]).
//! Facts depend on nothing but the object's text, so the scan caches them per
//! file. The second step, over the whole estate, resolves names against the
//! inventory, orders objects for conversion, scores them and picks a route.
//!
//! No model is called anywhere here: everything is read off the code.

pub mod assess;
pub mod builtins;
pub mod estate;
pub mod features;
pub mod metrics;
pub mod ora2pg_cost;
pub mod order;
pub mod references;
pub mod resolve;
pub mod rules;
pub mod score;
pub mod walk;

use serde::{Deserialize, Serialize};

use crate::plsql::ast::{self, Declaration, DeclarationItem, UnitItem};
use crate::plsql::Object;

/// What one object holds, found from its own text alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Sorted by feature id, one entry per feature.
    pub features: Vec<FeatureUse>,
    /// Sorted by kind, then target, one entry per (kind, target).
    pub references: Vec<Reference>,
    /// In source order.
    pub rules: Vec<Rule>,
    pub metrics: Metrics,
    pub ora2pg: ora2pg_cost::Ora2pgCost,
    /// The names the object declares that others or its own code may use:
    /// subprograms at any depth, and a package's types, variables, cursors and
    /// exceptions; sorted and unique, so that `pkg.member` and calls within the
    /// package resolve.
    pub members: Vec<String>,
}

/// One feature of [`features::CATALOGUE`] used by an object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureUse {
    /// The catalogue id, `UTL_HTTP`, `BULK_COLLECT`...
    pub feature: String,
    /// The line of each use, sorted; a line appears once per use on it.
    pub lines: Vec<u32>,
}

/// How an object depends on a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RefKind {
    /// A procedure or function call, `pkg.proc(...)` or a bare `f(x)`.
    Calls,
    /// A table or view read by embedded SQL.
    Reads,
    /// A table or view written (INSERT, UPDATE, DELETE, MERGE).
    Writes,
    /// `%TYPE`, `%ROWTYPE`, a declared type, a sequence's `NEXTVAL`.
    References,
}

impl RefKind {
    /// The seed's `dependency_type` spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RefKind::Calls => "CALLS",
            RefKind::Reads => "READS",
            RefKind::Writes => "WRITES",
            RefKind::References => "REFERENCES",
        }
    }
}

/// A name one object uses, as written (canonical spelling, parts joined with `.`),
/// before it is resolved against the inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    pub kind: RefKind,
    /// `EMP_PKG.RAISE_SALARY`, `HR.EMPLOYEES`, `DBMS_OUTPUT.PUT_LINE`, `EMP_SEQ`.
    /// For `t.col%TYPE` the target is `T.COL`; resolution drops trailing parts.
    pub target: String,
    /// The line of each use, sorted; its length is the call count.
    pub lines: Vec<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleCategory {
    /// A condition that leads to `RAISE_APPLICATION_ERROR` or a raised exception.
    Validation,
    /// An assignment computing a value from others.
    Calculation,
    /// A state change written to a table.
    Workflow,
}

impl RuleCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleCategory::Validation => "VALIDATION",
            RuleCategory::Calculation => "CALCULATION",
            RuleCategory::Workflow => "WORKFLOW",
        }
    }
}

/// A candidate business rule, in the shape of the seed's `business_rules` table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub category: RuleCategory,
    /// A short name a reader recognises: `RAISE_SALARY: reject when p_pct > 20`.
    pub name: String,
    /// The enclosing subprogram (`RAISE_SALARY`), `None` at the object's top level.
    pub subprogram: Option<String>,
    /// The conditions under which the rule applies, as written, outermost first.
    pub conditions: Vec<String>,
    /// What it does: the raise, the assignment, the SQL statement, as written.
    pub actions: Vec<String>,
    /// Error codes and exceptions raised (`-20001`, `E_INVALID_AMOUNT`).
    pub exceptions: Vec<String>,
    /// Entities affected: tables written, variables or columns assigned.
    pub applies_to: Vec<String>,
    /// The source text of the rule, at most a few lines.
    pub source_code: String,
    pub line: u32,
}

/// Size and shape of one object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Lines of the object's text, first to last.
    pub lines: u32,
    /// Lines holding at least one token: not blank, not only comment.
    pub code_lines: u32,
    /// PL/SQL statements at every depth.
    pub statements: u32,
    pub declarations: u32,
    /// Subprograms with a body, nested ones included.
    pub subprograms: u32,
    /// Sum over the object's subprograms (and its top-level block) of McCabe's
    /// number: 1 + decisions (IF/ELSIF, CASE WHEN, loops, EXIT WHEN, handlers,
    /// AND/OR in conditions).
    pub cyclomatic: u32,
    /// The highest McCabe number of a single subprogram or block.
    pub max_cyclomatic: u32,
    /// Deepest nesting of blocks, branches and loops in any subprogram.
    pub max_nesting: u32,
    /// Embedded SQL statements (static).
    pub sql_statements: u32,
    /// `EXECUTE IMMEDIATE`, `OPEN ... FOR string` and `DBMS_SQL` uses.
    pub dynamic_sql: u32,
    /// Variables and constants declared at package level (spec or body).
    pub package_variables: u32,
}

/// Everything [`Facts`] says of one object, computed from its tree and tokens.
/// An object that was not parsed (wrapped, Java, untokenizable) gets what its
/// status and header tell: its features (wrapped code, Java) and its size.
pub fn analyze(object: &Object) -> Facts {
    let mut facts = Facts {
        features: features::detect(object),
        references: references::extract(object),
        rules: rules::extract(object),
        metrics: metrics::measure(object),
        ora2pg: ora2pg_cost::of(object),
        members: members(object),
    };
    facts.features.sort_by(|a, b| a.feature.cmp(&b.feature));
    facts.references.sort_by(|a, b| (a.kind, &a.target).cmp(&(b.kind, &b.target)));
    facts
}

/// The names an object declares for its own use and its callers': every
/// subprogram at any depth (nested ones are called by their bare name), and
/// a package's or type's types, variables, constants, cursors and
/// exceptions, by canonical name.
fn members(object: &Object) -> Vec<String> {
    let Some(unit) = &object.unit else { return Vec::new() };
    let mut names = Vec::new();
    match &unit.item {
        UnitItem::PackageSpec(p) | UnitItem::PackageBody(p) | UnitItem::TypeBody(p) => {
            declared(&p.declarations, true, &mut names);
        }
        UnitItem::TypeSpec(t) => {
            names.extend(t.methods.iter().map(|m| m.name.last().canonical()));
            names.extend(t.attributes.iter().map(|a| a.name.canonical()));
        }
        UnitItem::Subprogram(s) => subprogram(s, &mut names),
        _ => {}
    }
    names.sort();
    names.dedup();
    names
}

fn declared(declarations: &[Declaration], package_level: bool, names: &mut Vec<String>) {
    for d in declarations {
        match &d.item {
            DeclarationItem::Subprogram(s) => subprogram(s, names),
            DeclarationItem::Conditional(c) => {
                for (_, branch) in &c.branches {
                    declared(branch, package_level, names);
                }
                declared(c.otherwise.as_deref().unwrap_or_default(), package_level, names);
            }
            DeclarationItem::Variable { name, .. }
            | DeclarationItem::Exception { name }
            | DeclarationItem::Type { name, .. }
            | DeclarationItem::Subtype { name, .. }
            | DeclarationItem::Cursor { name, .. }
                if package_level =>
            {
                names.push(name.canonical());
            }
            _ => {}
        }
    }
}

/// A subprogram's name, and those of the subprograms nested in it.
fn subprogram(s: &ast::Subprogram, names: &mut Vec<String>) {
    names.push(s.name.last().canonical());
    if let Some(ast::SubprogramBody::Block(block)) = &s.body {
        declared(&block.declarations, false, names);
    }
}
