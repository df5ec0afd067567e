//! The state of one object's translation: what names mean where the
//! translator stands, and the notes it has made.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::plsql::ast::{Fragment, Ident, ParameterMode};
use crate::plsql::Object;

use super::catalog::{Catalog, PackageInfo, TypeDef};
use super::{Note, NoteKind};

/// Names declared in one block or routine.
#[derive(Debug, Default)]
pub(super) struct Scope {
    /// Variables, parameters and cursors, by canonical name.
    pub names: BTreeSet<String>,
    /// Types declared here.
    pub types: HashMap<String, TypeDef>,
    /// Variables whose type is an array, with its element type (Oracle).
    pub arrays: HashMap<String, Fragment>,
    /// Associative arrays indexed by strings (jsonb objects), with their
    /// element type.
    pub maps: HashMap<String, Fragment>,
    /// Exceptions declared here and their SQLSTATE.
    pub exceptions: HashMap<String, String>,
    /// Variables and parameters of a date or timestamp type.
    pub dates: BTreeSet<String>,
    /// Variables and parameters of type bytea (BLOB, RAW).
    pub binary: BTreeSet<String>,
    /// Cursors declared here (bound cursor variables in PL/pgSQL).
    pub cursors: BTreeSet<String>,
    /// Variables and parameters of type xml (XMLTYPE).
    pub xml: BTreeSet<String>,
    /// Variables and parameters of an object type, with the type.
    pub objects: HashMap<String, String>,
}

/// The trigger being translated: what `:NEW` and `:OLD` are called.
#[derive(Debug, Clone)]
pub(super) struct TriggerNames {
    pub new: String,
    pub old: String,
}

pub(super) struct Cx<'c> {
    pub catalog: &'c Catalog,
    /// The package (canonical name) whose member is being translated.
    pub package: Option<String>,
    /// What each routine of the package runs first: the call of its
    /// initialisation section.
    pub package_init: Option<String>,
    /// Translating the body of an autonomous routine, which a routine of
    /// its name runs over a connection of its own.
    pub autonomous: bool,
    /// The PostgreSQL schema objects of this unit go to.
    pub schema: String,
    pub trigger: Option<TriggerNames>,
    pub scopes: Vec<Scope>,
    /// Inside a function (where COMMIT is not allowed), not a procedure.
    pub in_function: bool,
    /// `SQL%ROWCOUNT` is read: the routine needs a variable kept up to date.
    pub uses_rowcount: bool,
    /// Declared cursors whose `%ROWCOUNT` is read (PostgreSQL names): a
    /// first pass finds them, the second counts their rows in a variable.
    pub counted_cursors: BTreeSet<String>,
    /// Declared cursors whose `%ISOPEN` is read, found the same way.
    pub open_cursors: BTreeSet<String>,
    /// Writing a routine in two passes, where cursor attributes can be
    /// kept in variables (not in a trigger's body).
    pub two_passes: bool,
    /// Cursor-loop records to declare in the routine.
    pub loop_records: BTreeSet<String>,
    /// Other variables the translation needs, declared in the routine.
    pub extra_declarations: BTreeSet<String>,
    /// Writing a type where PostgreSQL allows no `%TYPE` or `%ROWTYPE`
    /// (a composite type's attributes, a routine's header).
    pub no_anchors: bool,
    /// The package body's cursors, declared in each member that uses one.
    pub package_cursors: Vec<crate::plsql::ast::Declaration>,
    /// Composite types the routine's record types need, written before it.
    pub preamble: Vec<String>,
    /// Rewriting embedded SQL, where a column name wins over a PL/SQL name.
    pub in_sql: bool,
    /// Statements that must run before the one being written (a `GET
    /// DIAGNOSTICS` that fills a variable its expression reads).
    pub pending: Vec<String>,
    /// Inside an exception handler, where `GET STACKED DIAGNOSTICS` works.
    pub in_handler: usize,
    /// Writing declarations, where no statement can run first.
    pub declaring: bool,
    /// The object type whose body is being translated: its attributes are
    /// `self`'s, its methods callable by their bare names.
    pub object_type: Option<String>,
    /// What a `RETURN` without a value returns: `self` in a constructor.
    pub bare_return: Option<String>,
    /// The OUT parameter a function's value goes to, where the function
    /// has OUT parameters of its own (`RETURN x` sets it).
    pub return_into: Option<String>,
    /// Writing the call of a function with OUT parameters that stands alone
    /// (`SELECT * INTO ... FROM f(...)`).
    pub out_call_alone: bool,
    /// The object translated: its name, owner, kind and first line, for
    /// `$$PLSQL_UNIT` and `$$PLSQL_LINE`.
    pub unit: (String, Option<String>, &'static str, u32),
    /// Nested subprograms (by where they start) that become routines of
    /// their own, with what they use of the routine around them.
    pub hoistable: std::collections::BTreeMap<u32, Vec<super::unit::Passed>>,
    /// The nested subprograms of the routines being written, by name.
    pub nested: Vec<HashMap<String, Nested>>,
    /// The routine being written reaches its own names through its label.
    pub labelled: bool,
    /// The routines nested subprograms became, by where they start.
    hoisted: BTreeMap<u32, String>,
    /// Which package variables are associative arrays indexed by strings
    /// (their element type), as found.
    pub state_maps: std::cell::RefCell<HashMap<(String, String), Option<Fragment>>>,
    notes: Vec<Note>,
    /// Notes made once per object, by key.
    noted: BTreeSet<&'static str>,
}

/// The variable that stands for `SQL%ROWCOUNT`.
pub(super) const ROWCOUNT: &str = "sql_rowcount";

/// The routine a nested subprogram became.
#[derive(Debug, Clone)]
pub(super) struct Nested {
    pub routine: String,
    /// Its own parameters' names.
    pub parameters: Vec<String>,
    /// The routine's parameters and variables it is passed (canonical
    /// names): its first parameters.
    pub passed: Vec<String>,
    /// Where the routine's own names are among the scopes, and the label
    /// that reaches them past an inner block's or loop's names.
    pub scope: usize,
    pub label: String,
}

impl<'c> Cx<'c> {
    pub fn new(catalog: &'c Catalog, object: &Object) -> Cx<'c> {
        Cx {
            catalog,
            package: None,
            schema: pg_name(object.schema.as_deref().unwrap_or("PUBLIC")),
            trigger: None,
            scopes: Vec::new(),
            in_function: false,
            uses_rowcount: false,
            counted_cursors: BTreeSet::new(),
            open_cursors: BTreeSet::new(),
            two_passes: false,
            loop_records: BTreeSet::new(),
            extra_declarations: BTreeSet::new(),
            no_anchors: false,
            package_cursors: Vec::new(),
            package_init: None,
            autonomous: false,
            labelled: false,
            hoisted: BTreeMap::new(),
            state_maps: Default::default(),
            preamble: Vec::new(),
            in_sql: false,
            pending: Vec::new(),
            in_handler: 0,
            declaring: false,
            object_type: None,
            bare_return: None,
            return_into: None,
            out_call_alone: false,
            unit: (
                object.name.clone(),
                object.schema.clone(),
                object.kind.oracle_name(),
                object.first_line,
            ),
            hoistable: std::collections::BTreeMap::new(),
            nested: Vec::new(),
            notes: Vec::new(),
            noted: BTreeSet::new(),
        }
    }

    pub fn note(&mut self, line: u32, kind: NoteKind, message: impl Into<String>) {
        self.notes.push(Note { line, kind, message: message.into() });
    }

    /// A note made at its first occasion only: for what applies to the
    /// whole object.
    pub fn note_once(&mut self, key: &'static str, line: u32, kind: NoteKind, message: String) {
        if self.noted.insert(key) {
            self.note(line, kind, message);
        }
    }

    pub fn into_notes(self) -> Vec<Note> {
        self.notes
    }

    pub fn push_scope(&mut self) {
        self.scopes.push(Scope::default());
    }

    pub fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    pub fn scope(&mut self) -> &mut Scope {
        if self.scopes.is_empty() {
            self.scopes.push(Scope::default());
        }
        self.scopes.last_mut().expect("just pushed")
    }

    /// Declares a local name.
    pub fn declare(&mut self, name: &Ident) {
        self.scope().names.insert(name.canonical());
    }

    /// The routine a nested subprogram became, if `name` names one here.
    pub fn nested_routine(&self, name: &str) -> Option<&Nested> {
        self.nested.iter().rev().find_map(|n| n.get(name))
    }

    /// The routine the nested subprogram `nested` (starting at `start`) of
    /// `routine` becomes: `routine_nested`, numbered when an overload's or
    /// another nested subprogram's routine already has that name.
    pub fn hoisted_name(&mut self, start: u32, routine: &str, nested: &str) -> String {
        if let Some(name) = self.hoisted.get(&start) {
            return name.clone();
        }
        let (schema, outer) = routine.rsplit_once('.').unwrap_or((&self.schema, routine));
        // Back to Oracle's spelling: a plain PostgreSQL name is upper case there.
        let outer = match outer.strip_prefix('"') {
            Some(quoted) => quoted.trim_end_matches('"').to_owned(),
            None => outer.to_ascii_uppercase(),
        };
        let base = format!("{outer}_{nested}");
        let mut candidate = base.clone();
        let mut n = 1;
        let member = |c: &str| self.package_info().is_some_and(|p| p.members.contains_key(c));
        while member(&candidate)
            || self.hoisted.values().any(|h| *h == format!("{schema}.{}", pg_name(&candidate)))
        {
            n += 1;
            candidate = format!("{base}_{n}");
        }
        let name = format!("{schema}.{}", pg_name(&candidate));
        self.hoisted.insert(start, name.clone());
        name
    }

    /// A call of a nested subprogram's routine with `arguments`, all by
    /// name: what it is passed, then its own. A passed name that an inner
    /// block or loop declares again is reached through the routine's label.
    pub fn call_nested(&mut self, nested: &Nested, arguments: Vec<String>) -> String {
        if nested.passed.is_empty() {
            return format!("{}({})", nested.routine, arguments.join(", "));
        }
        let mut all = Vec::new();
        for name in &nested.passed {
            let p = pg_name(name);
            if self.scopes.iter().skip(nested.scope + 1).any(|s| s.names.contains(name)) {
                self.labelled = true;
                all.push(format!("{p} => {}.{p}", nested.label));
            } else {
                all.push(format!("{p} => {p}"));
            }
        }
        for (n, argument) in arguments.into_iter().enumerate() {
            let named = argument.split_once("=>").is_some_and(|(name, _)| {
                let name = name.trim();
                !name.is_empty()
                    && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '"')
            });
            match nested.parameters.get(n) {
                Some(parameter) if !named => all.push(format!("{parameter} => {argument}")),
                _ => all.push(argument),
            }
        }
        format!("{}({})", nested.routine, all.join(", "))
    }

    /// `e` where no statement can run before it: a declaration, a
    /// parameter's default, a package variable's initial value.
    pub fn declared_expr(&mut self, e: &Fragment) -> String {
        let declaring = std::mem::replace(&mut self.declaring, true);
        let text = self.expr(e);
        self.declaring = declaring;
        text
    }

    /// The parameter modes of the overloads of the function `parts` names
    /// (`f`, `pkg.f`, `owner.f`, `owner.pkg.f`), if the estate has it.
    pub fn function_modes(&self, parts: &[String]) -> Option<&'c Vec<Vec<ParameterMode>>> {
        self.modes(&self.catalog.function_modes, parts)
    }

    /// The same for a procedure.
    pub fn procedure_modes(&self, parts: &[String]) -> Option<&'c Vec<Vec<ParameterMode>>> {
        self.modes(&self.catalog.procedure_modes, parts)
    }

    fn modes(
        &self,
        modes: &'c HashMap<(String, String), Vec<Vec<ParameterMode>>>,
        parts: &[String],
    ) -> Option<&'c Vec<Vec<ParameterMode>>> {
        let key = |package: &str, name: &str| (package.to_owned(), name.to_owned());
        match parts {
            [name] => self
                .package
                .as_ref()
                .and_then(|p| modes.get(&key(p, name)))
                .or_else(|| modes.get(&key("", name))),
            [package, name] => modes.get(&key(package, name)).or_else(|| modes.get(&key("", name))),
            [_, package, name] => modes.get(&key(package, name)),
            _ => None,
        }
    }

    /// Whether `name` is a local variable, parameter or cursor.
    pub fn is_local(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.names.contains(name))
    }

    /// Whether `%ROWCOUNT` and `%ISOPEN` of `cursor` can be kept in
    /// variables: a cursor the routine declares, named without quotes, in a
    /// routine written in two passes.
    pub fn tracks_cursor(&self, cursor: &[&str]) -> bool {
        matches!(cursor, [name] if self.two_passes
            && self.is_local_cursor(name)
            && !pg_name(name).starts_with('"'))
    }

    /// Whether `name` is a cursor declared in the routine, in the innermost
    /// scope that declares the name at all.
    pub fn is_local_cursor(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.names.contains(name))
            .is_some_and(|s| s.cursors.contains(name))
    }

    /// Notes that a local holds a date or timestamp, when its PostgreSQL
    /// type says so.
    pub fn declare_typed(&mut self, name: &Ident, pg_type: &str) {
        self.declare(name);
        if pg_type.starts_with("timestamp") {
            self.scope().dates.insert(name.canonical());
        }
        if pg_type == "bytea" {
            self.scope().binary.insert(name.canonical());
        }
        if pg_type == "xml" {
            self.scope().xml.insert(name.canonical());
        }
    }

    /// Whether a local (canonical name) holds an XMLTYPE.
    pub fn is_xml_var(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.names.contains(name))
            .is_some_and(|s| s.xml.contains(name))
    }

    /// Whether a local (by its text as written) holds bytes, not characters.
    pub fn is_binary_var(&self, written: &str) -> bool {
        let name = written.trim().trim_matches('"').to_ascii_uppercase();
        self.scopes
            .iter()
            .rev()
            .find(|s| s.names.contains(&name))
            .is_some_and(|s| s.binary.contains(&name))
    }

    pub fn is_date_var(&self, name: &str) -> bool {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.names.contains(name))
            .is_some_and(|s| s.dates.contains(name))
    }

    /// Notes that a local holds an object when its type is an object type.
    pub fn remember_object(&mut self, name: &Ident, datatype: &Fragment) {
        let Ok(items) = super::text::items(datatype) else { return };
        let items = items.items;
        let parts: Vec<String> = items.iter().filter_map(super::text::Item::name).collect();
        let plain = !parts.is_empty() && items.len() == parts.len() * 2 - 1;
        if let Some(object) =
            parts.last().filter(|t| plain && self.catalog.objects.contains_key(*t))
        {
            let object = object.clone();
            self.scope().objects.insert(name.canonical(), object);
        }
    }

    /// The object type of a local, or of `SELF` in a type body.
    pub fn object_of(&self, name: &str) -> Option<String> {
        if let Some(scope) = self.scopes.iter().rev().find(|s| s.names.contains(name)) {
            return scope.objects.get(name).cloned();
        }
        if name == "SELF" {
            return self.object_type.clone();
        }
        // An attribute of SELF that is an object.
        let object = self.object_type.as_ref().filter(|_| self.is_self_attribute(name))?;
        let (_, datatype) =
            self.catalog.attribute_types(object).into_iter().find(|(a, _)| a == name)?;
        let written = datatype.text.trim().to_ascii_uppercase();
        let last = written.rsplit('.').next().unwrap_or_default().to_owned();
        self.catalog.objects.contains_key(&last).then_some(last)
    }

    /// `parts` with a synonym of the estate (`equal`, `owner.equal`)
    /// replaced by what it names, and Oracle's own packages without their
    /// owner (`SYS.DBMS_LOB.READ`, `SYS.STANDARD.TO_CHAR` is `TO_CHAR`).
    pub fn through_synonym(&self, mut parts: Vec<String>) -> Vec<String> {
        let oracle = |p: &String| p == "STANDARD" || super::expr::is_oracle_package(p);
        if parts.len() > 2 && parts[0] == "SYS" && oracle(&parts[1]) && !self.is_local("SYS") {
            parts.remove(0);
        }
        if parts.len() > 1 && parts[0] == "STANDARD" && !self.is_local("STANDARD") {
            parts.remove(0);
        }
        // Not a name the package has, nor in SQL a column or `alias.col`.
        let member = |name: &String| {
            self.package_info()
                .is_some_and(|p| p.members.contains_key(name) || p.state.contains_key(name))
        };
        let column = |name: &String| self.in_sql && self.catalog.column_names.contains(name);
        let synonym = match parts.as_slice() {
            [name] if !self.is_local(name) && !member(name) && !column(name) => {
                self.catalog.synonyms.get(name)
            }
            [owner, name]
                if !self.in_sql
                    && !self.is_local(owner)
                    && !self.catalog.is_package(owner)
                    && !oracle(owner) =>
            {
                self.catalog.synonyms.get(name)
            }
            _ => None,
        };
        match synonym {
            Some(target) => vec![target.clone()],
            None => parts,
        }
    }

    /// `value`, an object of a subtype of `target`, made one of `target`:
    /// a row of its first attributes, which are `target`'s.
    pub fn upcast(&self, value: &str, target: &str) -> String {
        let fields: Vec<String> = self
            .catalog
            .attributes(target)
            .iter()
            .map(|a| format!("{value}.{}", pg_name(a)))
            .collect();
        format!("ROW({})::{}", fields.join(", "), self.object_type_name(target))
    }

    /// The object type `target` as PostgreSQL names it, with its schema.
    pub fn object_type_name(&self, target: &str) -> String {
        let schema = self.catalog.type_schemas.get(target).cloned();
        let schema = schema.unwrap_or_else(|| self.schema.clone());
        format!("{schema}.{}", pg_name(target))
    }

    /// How an object that [`Cx::object_of`] knows is written: `self`, an
    /// attribute of it, or the local.
    pub fn object_value(&self, name: &str) -> String {
        if name == "SELF" {
            "self".to_owned()
        } else if self.is_self_attribute(name) {
            format!("self.{}", pg_name(name))
        } else {
            pg_name(name)
        }
    }

    /// Whether `name` is an attribute of the object type whose body this is.
    pub fn is_self_attribute(&self, name: &str) -> bool {
        self.object_type.as_ref().is_some_and(|t| {
            !self.is_local(name) && self.catalog.attributes(t).iter().any(|a| a == name)
        })
    }

    /// The element type of a local associative array indexed by strings.
    pub fn map_element(&self, name: &str) -> Option<&Fragment> {
        self.scopes.iter().rev().find_map(|s| s.maps.get(name))
    }

    /// The element type of a local array variable.
    pub fn array_element(&self, name: &str) -> Option<&Fragment> {
        self.scopes.iter().rev().find_map(|s| s.arrays.get(name))
    }

    pub fn package_info(&self) -> Option<&'c PackageInfo> {
        self.package.as_deref().and_then(|p| self.catalog.package(p))
    }

    /// A type by name: local, this package's, another package's
    /// (`pkg.t`), or the schema's.
    pub fn type_def(&self, parts: &[String]) -> Option<(String, TypeDef)> {
        match parts {
            [name] => {
                if let Some(def) = self.scopes.iter().rev().find_map(|s| s.types.get(name)) {
                    return Some((self.local_type_name(name), def.clone()));
                }
                if let (Some(p), Some(info)) = (&self.package, self.package_info()) {
                    if let Some(def) = info.types.get(name) {
                        return Some((format!("{}.{}", pg_name(p), pg_name(name)), def.clone()));
                    }
                }
                let def = self.catalog.types.get(name)?;
                Some((format!("{}.{}", self.schema, pg_name(name)), def.clone()))
            }
            [package, name] => {
                if let Some(info) = self.catalog.package(package) {
                    let def = info.types.get(name)?;
                    return Some((format!("{}.{}", pg_name(package), pg_name(name)), def.clone()));
                }
                if let Some(def) = super::catalog::oracle_type(package, name) {
                    return Some((format!("{package}.{name}"), def));
                }
                let def = self.catalog.types.get(name)?;
                // An owner the estate does not have (its objects were
                // extracted without it): the type of the inventory.
                let schema = if self.catalog.schemas.contains(package) {
                    pg_name(package)
                } else {
                    self.catalog.type_schemas.get(name).cloned().unwrap_or(self.schema.clone())
                };
                Some((format!("{schema}.{}", pg_name(name)), def.clone()))
            }
            [_owner, package, name] => self.type_def(&[package.clone(), name.clone()]),
            _ => None,
        }
    }

    /// The composite type a record type local to a routine becomes.
    pub fn local_type_name(&self, name: &str) -> String {
        match &self.package {
            Some(p) => format!("{}.{}", pg_name(p), pg_name(name)),
            None => format!("{}.{}", self.schema, pg_name(name)),
        }
    }

    /// The SQLSTATE of an exception by name, if it is declared anywhere
    /// the translator can see.
    pub fn exception_state(&self, parts: &[String]) -> Option<String> {
        match parts {
            [name] => {
                if let Some(s) = self.scopes.iter().rev().find_map(|s| s.exceptions.get(name)) {
                    return Some(s.clone());
                }
                self.package_info()?.exceptions.get(name).cloned()
            }
            [package, name] => self.catalog.package(package)?.exceptions.get(name).cloned(),
            [_, package, name] => self.catalog.package(package)?.exceptions.get(name).cloned(),
            _ => None,
        }
    }
}

/// An Oracle name as PostgreSQL spells the same identifier: an unquoted
/// upper-case name becomes lower case (PostgreSQL folds unquoted names to
/// lower case), anything else is quoted.
pub(super) fn pg_name(canonical: &str) -> String {
    // A name with no lower-case letter is Oracle's folded spelling: the
    // same identifier is lower case in PostgreSQL.
    let folded = !canonical.chars().any(char::is_lowercase);
    let name = if folded { canonical.to_lowercase() } else { canonical.to_owned() };
    let plain = folded
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$')
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    if plain && !is_reserved(canonical) {
        name
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// Whether a local of this (canonical) name must be quoted in PostgreSQL.
pub(super) fn needs_quotes(canonical: &str) -> bool {
    pg_name(canonical).starts_with('"')
}

/// PostgreSQL's reserved key words (its documentation's appendix C, the
/// "reserved" and "reserved (can be function or type)" ones, and the
/// column-name ones PL/pgSQL cannot take as variable names): an Oracle name
/// spelled so must be quoted.
fn is_reserved(upper: &str) -> bool {
    const RESERVED: &[&str] = &[
        "ALL",
        "ANALYSE",
        "ANALYZE",
        "AND",
        "ANY",
        "ARRAY",
        "AS",
        "ASC",
        "ASYMMETRIC",
        "AUTHORIZATION",
        "BINARY",
        "BOTH",
        "CASE",
        "CAST",
        "CHECK",
        "COLLATE",
        "COLLATION",
        "COLUMN",
        "CONCURRENTLY",
        "CONSTRAINT",
        "CREATE",
        "CROSS",
        "CURRENT_CATALOG",
        "CURRENT_DATE",
        "CURRENT_ROLE",
        "CURRENT_SCHEMA",
        "CURRENT_TIME",
        "CURRENT_TIMESTAMP",
        "CURRENT_USER",
        "DEFAULT",
        "DEFERRABLE",
        "DESC",
        "DISTINCT",
        "DO",
        "ELSE",
        "END",
        "EXCEPT",
        "FALSE",
        "FETCH",
        "FOR",
        "FOREIGN",
        "FREEZE",
        "FROM",
        "FULL",
        "GRANT",
        "GROUP",
        "HAVING",
        "ILIKE",
        "IN",
        "INITIALLY",
        "INNER",
        "INTERSECT",
        "INTERVAL",
        "INTO",
        "IS",
        "ISNULL",
        "JOIN",
        "LATERAL",
        "LEADING",
        "LEFT",
        "LIKE",
        "LIMIT",
        "LOCALTIME",
        "LOCALTIMESTAMP",
        "NATURAL",
        "NOT",
        "NOTNULL",
        "NULL",
        "OFFSET",
        "ON",
        "ONLY",
        "OR",
        "ORDER",
        "OUTER",
        "OVERLAPS",
        "OVERLAY",
        "PLACING",
        "POSITION",
        "PRIMARY",
        "REFERENCES",
        "RETURNING",
        "RIGHT",
        "ROW",
        "SELECT",
        "SESSION_USER",
        "SIMILAR",
        "SOME",
        "SYMMETRIC",
        "SYSTEM_USER",
        "TABLE",
        "TABLESAMPLE",
        "THEN",
        "TO",
        "TRAILING",
        "TRUE",
        "UNION",
        "UNIQUE",
        "USER",
        "USING",
        "VARIADIC",
        "VERBOSE",
        "WHEN",
        "WHERE",
        "WINDOW",
        "WITH",
    ];
    RESERVED.binary_search(&upper).is_ok()
}
