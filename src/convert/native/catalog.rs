//! What the translator knows of the estate beyond the object at hand:
//! packages and their members, state, exceptions and types, so that a call
//! to `pkg.proc`, a read of `pkg.g_limit` or a `WHEN pkg.e_locked` is
//! written the same way in every object that uses it.

use std::collections::{BTreeMap, HashMap};

use crate::plsql::ast::{
    Declaration, DeclarationItem, Fragment, Package, ParameterMode, Subprogram, SubprogramKind,
    TypeKind, UnitItem,
};
use crate::plsql::Object;

use super::errors;
use super::text;

/// The names of the estate, collected from its parse trees.
#[derive(Debug, Default, Clone)]
pub struct Catalog {
    pub(super) packages: HashMap<String, PackageInfo>,
    /// Schema-level collection and object types, by name.
    pub(super) types: HashMap<String, TypeDef>,
    /// Column types of the tables, by table and column name, as Oracle
    /// writes them: what `t.c%TYPE` means where PostgreSQL cannot anchor.
    pub(super) columns: HashMap<(String, String), Fragment>,
    /// Every column name of those tables: in SQL, a name that is one is
    /// read as the column, as Oracle does, not as a package function.
    pub(super) column_names: std::collections::HashSet<String>,
    /// Each table's columns in order, by table name.
    ordered_columns: HashMap<String, Vec<String>>,
    /// The names of every package's variables, to tell quickly that a
    /// name is none of them.
    pub(super) state_names: std::collections::HashSet<String>,
    /// Object types (`AS OBJECT`, `UNDER t`), by name.
    pub(super) objects: HashMap<String, ObjectInfo>,
    /// The types standalone functions return, by function name.
    pub(super) functions: HashMap<String, Vec<String>>,
    /// Names of table columns and object attributes of type XMLTYPE: what
    /// `t.doc.extract(...)` is called on.
    pub(super) xml_names: std::collections::HashSet<String>,
    /// The parameter modes of each function's overloads, by package (empty
    /// for a standalone function) and name, each list once.
    pub(super) function_modes: HashMap<(String, String), Vec<Vec<ParameterMode>>>,
    /// The same for procedures.
    pub(super) procedure_modes: HashMap<(String, String), Vec<Vec<ParameterMode>>>,
    /// The standalone functions that can be called without arguments.
    pub(super) parameterless: std::collections::HashSet<String>,
    /// The object types that have a body.
    pub(super) type_bodies: std::collections::HashSet<String>,
    /// The owners objects of the estate have.
    pub(super) schemas: std::collections::HashSet<String>,
    /// The PostgreSQL schema of each schema-level type, by name: the
    /// first owner's, for a name two owners use.
    pub(super) type_schemas: HashMap<String, String>,
    /// Synonyms for another name of the estate (`equal` for `ut_equal`),
    /// by name: what they name, by its last name.
    pub(super) synonyms: HashMap<String, String>,
    /// The methods' schemas and names whose procedures are renamed (see
    /// [`Catalog::method_routine`]), worked out on first use.
    renamed_methods: std::sync::OnceLock<std::collections::HashSet<(String, String)>>,
}

/// An object type: its supertype, attributes and methods.
#[derive(Debug, Default, Clone)]
pub(super) struct ObjectInfo {
    pub under: Option<String>,
    /// Its own attributes and their types as written, in order, without
    /// the supertype's.
    pub attributes: Vec<(String, Fragment)>,
    /// Its methods by name (overloads share one entry), constructors
    /// under the type's name.
    pub methods: HashMap<String, Method>,
    /// The methods as the type's spec declares them, in order.
    pub specs: Vec<Subprogram>,
}

/// The kinds of the overloads of one name: a function, a procedure, or
/// both.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Overloads {
    function: bool,
    procedure: bool,
}

impl Overloads {
    fn add(&mut self, kind: SubprogramKind) {
        match kind {
            SubprogramKind::Function => self.function = true,
            SubprogramKind::Procedure => self.procedure = true,
        }
    }

    /// Whether there are both: PostgreSQL resolves a call over functions
    /// and procedures alike, and refuses a procedure with a function's
    /// parameters, so the procedures of this name are renamed.
    pub(super) fn collide(&self) -> bool {
        self.function && self.procedure
    }

    fn has(&self, kind: SubprogramKind) -> bool {
        match kind {
            SubprogramKind::Function => self.function,
            SubprogramKind::Procedure => self.procedure,
        }
    }

    fn extend(&mut self, other: &Overloads) {
        self.function |= other.function;
        self.procedure |= other.procedure;
    }
}

/// What PostgreSQL tells routines of one name apart by: the types of the
/// IN and IN OUT parameters (SELF aside; a static method has none), as
/// written, without an owner.
pub(super) fn identity(s: &Subprogram) -> Vec<String> {
    let is_static = s.method_modifiers.iter().any(|w| w == "STATIC");
    let member = !s.method_modifiers.is_empty() && !is_static;
    let parameters = s
        .parameters
        .iter()
        .filter(|p| p.mode != ParameterMode::Out && p.name.canonical() != "SELF")
        .map(|p| {
            let written: String = p.datatype.text.split_whitespace().collect();
            let written = written.to_ascii_uppercase();
            // `owner.t` is `t`; an anchor (`t.c%TYPE`) stays whole.
            match written.contains('%') {
                true => written,
                false => written.rsplit('.').next().unwrap_or_default().to_owned(),
            }
        });
    member.then(|| "SELF".to_owned()).into_iter().chain(parameters).collect()
}

/// The name a procedure that shares its name with a function of its
/// package or type is created under.
pub(super) fn renamed_procedure(name: &str) -> String {
    super::cx::pg_name(&format!("{name}_PROC"))
}

/// What a call of a method needs to know: what it is, and what it returns.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Method {
    pub kind: SubprogramKind,
    /// `STATIC`: called without an object.
    pub is_static: bool,
    pub constructor: bool,
    /// The object type a function returns, when it returns one.
    pub returns: Option<String>,
    /// Constructors: how many arguments each takes, at least and at most.
    pub arities: Vec<(usize, usize)>,
    pub overloads: Overloads,
}

impl Method {
    /// The overload a call takes, when the method has both kinds: the
    /// procedure for a call a statement ends with, else the function.
    pub(super) fn kind_for(&self, procedure: bool) -> SubprogramKind {
        let wanted = if procedure { SubprogramKind::Procedure } else { SubprogramKind::Function };
        if self.overloads.has(wanted) {
            wanted
        } else {
            self.kind
        }
    }
}

#[derive(Debug, Default, Clone)]
pub(super) struct PackageInfo {
    /// The members by name: a function when one of the overloads is.
    pub members: HashMap<String, SubprogramKind>,
    pub overloads: HashMap<String, Overloads>,
    /// The object types a member function returns, over its overloads.
    pub returns: HashMap<String, Vec<String>>,
    /// Package-level variables and constants, sorted by name.
    pub state: BTreeMap<String, StateVar>,
    /// Declared exceptions and the SQLSTATE each is raised with.
    pub exceptions: HashMap<String, String>,
    pub types: HashMap<String, TypeDef>,
    /// The body has an initialisation section (`BEGIN ... END` after its
    /// members), run before the package's first use in a session.
    pub initialized: bool,
}

/// A package-level variable or constant.
#[derive(Debug, Clone)]
pub(super) struct StateVar {
    /// The name as written.
    pub name: String,
    pub datatype: Fragment,
    pub default: Option<Fragment>,
    pub constant: bool,
}

/// A PL/SQL type as the translator needs to know it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum TypeDef {
    /// `TABLE OF x`, `VARRAY(n) OF x`, `TABLE OF x INDEX BY PLS_INTEGER`: an
    /// array of the element type as Oracle writes it.
    Array {
        element: Fragment,
        /// Indexed by integers (INDEX BY), where Oracle keeps only the
        /// indexes assigned.
        sparse: bool,
    },
    /// `TABLE OF x INDEX BY VARCHAR2(n)`: a jsonb object from key to
    /// element.
    StringIndexed {
        element: Fragment,
        /// The key type is a string type; otherwise a subtype the
        /// catalogue cannot see through, whose keys may be numbers.
        text_keys: bool,
    },
    /// `RECORD (...)`: a composite type of its own.
    Record {
        fields: Vec<(String, Fragment)>,
    },
    RefCursor,
    /// An object type (`CREATE TYPE t AS OBJECT`).
    Object,
    /// `SUBTYPE t IS base`: the base type, read in the package that
    /// declares it.
    Alias {
        of: Fragment,
        package: Option<String>,
    },
}

/// The types Oracle's own packages declare that PostgreSQL can hold, as
/// Oracle documents them: handles that are numbers, and the collections
/// of scalars indexed by integers.
pub(super) fn oracle_type(package: &str, name: &str) -> Option<TypeDef> {
    let of = |text: &str| Fragment { text: text.to_owned(), span: Default::default() };
    let array = |element: &str| Some(TypeDef::Array { element: of(element), sparse: true });
    match (package, name) {
        ("DBMS_XMLGEN", "CTXHANDLE") | ("DBMS_XMLSTORE", "CTXTYPE") => {
            Some(TypeDef::Alias { of: of("NUMBER"), package: None })
        }
        ("DBMS_SQL", "NUMBER_TABLE") => array("NUMBER"),
        ("DBMS_SQL", "DATE_TABLE") => array("DATE"),
        ("DBMS_SQL", "CLOB_TABLE") => array("CLOB"),
        ("DBMS_SQL", "BLOB_TABLE") => array("BLOB"),
        ("DBMS_SQL", "VARCHAR2_TABLE") => array("VARCHAR2(2000)"),
        ("DBMS_SQL", "VARCHAR2S") | ("HTP", "HTBUF_ARR") => array("VARCHAR2(256)"),
        ("DBMS_SQL", "VARCHAR2A")
        | ("DBMS_OUTPUT", "CHARARR")
        | ("DBMS_PREPROCESSOR", "SOURCE_LINES_T")
        | ("APEX_APPLICATION_GLOBAL", "VC_ARR2") => array("VARCHAR2(32767)"),
        ("OWA", "VC_ARR") => array("VARCHAR2(32000)"),
        ("DBMS_UTILITY", "UNCL_ARRAY") => array("VARCHAR2(227)"),
        ("DBMS_UTILITY", "NAME_ARRAY") => array("VARCHAR2(30)"),
        ("DBMS_UTILITY", "LNAME_ARRAY" | "MAXNAME_ARRAY") => array("VARCHAR2(4000)"),
        _ => None,
    }
}

impl Catalog {
    /// The catalogue of `objects`.
    pub fn of<'a>(objects: impl IntoIterator<Item = &'a Object>) -> Catalog {
        let mut catalog = Catalog::default();
        for object in objects {
            catalog.add(object);
        }
        catalog
    }

    /// The columns, in order, of the table a FROM entry (`hr.emp e`)
    /// names, when the estate has its DDL.
    pub(super) fn table_columns(&self, entry: &[text::Item]) -> Option<Vec<String>> {
        let mut at = 0;
        while entry.get(at + 1).is_some_and(|p| p.token == sqlparser::tokenizer::Token::Period) {
            at += 2;
        }
        self.ordered_columns.get(&entry.get(at)?.name()?).cloned()
    }

    /// Adds what one object declares.
    pub fn add(&mut self, object: &Object) {
        self.renamed_methods = std::sync::OnceLock::new();
        if let Some(schema) = &object.schema {
            self.schemas.insert(schema.clone());
        }
        let Some(unit) = &object.unit else { return };
        match &unit.item {
            UnitItem::PackageSpec(p) | UnitItem::PackageBody(p) => self.add_package(p),
            // A compound trigger's declarations are state its timing points
            // share, kept as a package named after the trigger keeps its own.
            UnitItem::Trigger(crate::plsql::ast::Trigger {
                name,
                body: crate::plsql::ast::TriggerBody::Compound { declarations, .. },
                ..
            }) => self.add_package(&Package {
                name: name.clone(),
                options: Vec::new(),
                declarations: declarations.clone(),
                initialization: None,
                handlers: Vec::new(),
            }),
            UnitItem::TypeBody(p) => {
                self.type_bodies.insert(p.name.last().canonical());
            }
            UnitItem::Subprogram(s) => {
                self.add_modes("", s);
                let bare = s.parameters.iter().all(|p| p.default.is_some());
                if s.kind == SubprogramKind::Function && bare {
                    self.parameterless.insert(s.name.last().canonical());
                }
                if let Some(returned) = returned_type(s) {
                    self.functions.entry(s.name.last().canonical()).or_default().push(returned);
                }
            }
            UnitItem::Ddl(statement) if object.kind == crate::plsql::ObjectKind::Synonym => {
                if let Some(target) = synonym_target(&statement.text, statement.span) {
                    if target != object.name {
                        self.synonyms.insert(object.name.clone(), target);
                    }
                }
            }
            UnitItem::Ddl(statement) if object.kind == crate::plsql::ObjectKind::Table => {
                let columns = table_columns(&statement.text, statement.span);
                let names = columns.iter().map(|(c, _)| c.clone()).collect();
                self.ordered_columns.insert(object.name.clone(), names);
                for (column, datatype) in columns {
                    self.column_names.insert(column.clone());
                    if is_xmltype(&datatype) {
                        self.xml_names.insert(column.clone());
                    }
                    self.columns.insert((object.name.clone(), column), datatype);
                }
            }
            UnitItem::TypeSpec(t) => {
                if t.kind == TypeKind::Object {
                    self.add_object(t);
                }
                let def = match (&t.kind, &t.definition) {
                    (TypeKind::Object, _) => Some(TypeDef::Object),
                    (_, Some(definition)) => type_def(t.kind, definition),
                    _ => None,
                };
                if let Some(def) = def {
                    let schema = super::cx::pg_name(object.schema.as_deref().unwrap_or("PUBLIC"));
                    self.type_schemas.entry(t.name.last().canonical()).or_insert(schema);
                    self.types.insert(t.name.last().canonical(), def);
                }
            }
            _ => {}
        }
    }

    fn add_object(&mut self, t: &crate::plsql::ast::TypeSpec) {
        let name = t.name.last().canonical();
        for a in t.attributes.iter().filter(|a| is_xmltype(&a.datatype)) {
            self.xml_names.insert(a.name.canonical());
        }
        let mut info = ObjectInfo {
            under: t.under.as_ref().map(|u| u.last().canonical()),
            attributes: t
                .attributes
                .iter()
                .map(|a| (a.name.canonical(), a.datatype.clone()))
                .collect(),
            methods: HashMap::new(),
            specs: t.methods.clone(),
        };
        for m in &t.methods {
            let has = |word: &str| m.method_modifiers.iter().any(|w| w == word);
            let constructor = has("CONSTRUCTOR");
            let method_name = if constructor { name.clone() } else { m.name.last().canonical() };
            let returns = if constructor { Some(name.clone()) } else { returned_type(m) };
            let parameters: Vec<_> =
                m.parameters.iter().filter(|p| p.name.canonical() != "SELF").collect();
            let required = parameters.iter().filter(|p| p.default.is_none()).count();
            let arity = (required, parameters.len());
            let entry = info.methods.entry(method_name).or_insert(Method {
                kind: m.kind,
                is_static: has("STATIC"),
                constructor,
                returns,
                arities: Vec::new(),
                overloads: Overloads::default(),
            });
            entry.arities.push(arity);
            entry.overloads.add(m.kind);
        }
        self.objects.insert(name, info);
    }

    /// An object type's attribute names, its supertypes' first.
    pub(super) fn attributes(&self, object: &str) -> Vec<String> {
        self.attribute_types(object).into_iter().map(|(name, _)| name).collect()
    }

    /// An object type's attributes and their types, its supertypes' first.
    pub(super) fn attribute_types(&self, object: &str) -> Vec<(String, Fragment)> {
        let mut chain = self.lineage(object);
        chain.reverse();
        chain
            .iter()
            .filter_map(|t| self.objects.get(t))
            .flat_map(|o| o.attributes.iter().cloned())
            .collect()
    }

    /// The type and its supertypes, nearest first.
    pub(super) fn lineage(&self, object: &str) -> Vec<String> {
        let mut out = vec![object.to_owned()];
        // A bound, should types name each other in a circle.
        while out.len() < 32 {
            let Some(parent) =
                self.objects.get(out.last().expect("one")).and_then(|o| o.under.clone())
            else {
                break;
            };
            out.push(parent);
        }
        out
    }

    /// The schema that holds the methods of a type hierarchy: its root
    /// type's name. One schema per hierarchy lets PostgreSQL's overload
    /// resolution pick, for an object of a subtype, the method that type
    /// declares, as Oracle's dispatch does for the static type.
    pub(super) fn method_schema(&self, object: &str) -> String {
        let lineage = self.lineage(object);
        super::cx::pg_name(lineage.last().expect("at least the type"))
    }

    /// A method by name, on the type or one of its supertypes.
    pub(super) fn method(&self, object: &str, method: &str) -> Option<&Method> {
        self.lineage(object)
            .iter()
            .find_map(|t| self.objects.get(t).and_then(|o| o.methods.get(method)))
    }

    /// The method a call takes on an object of type `object`: the nearest
    /// in its lineage with a procedure of this name for a call a statement
    /// ends with (`procedure`), with a function for any other.
    pub(super) fn method_for(
        &self,
        object: &str,
        method: &str,
        procedure: bool,
    ) -> Option<&Method> {
        let wanted = if procedure { SubprogramKind::Procedure } else { SubprogramKind::Function };
        let lineage = self.lineage(object);
        let of = |t: &String| self.objects.get(t).and_then(|o| o.methods.get(method));
        lineage
            .iter()
            .filter_map(of)
            .find(|m| m.overloads.has(wanted))
            .or_else(|| self.method(object, method))
    }

    /// The routine that a call of a method of `kind`, in the methods'
    /// schema `schema`, names. A procedure named like a function in some
    /// type of the hierarchy, declared there or inherited, is renamed in
    /// every type of it, so that the name depends on the hierarchy alone.
    pub(super) fn method_routine(
        &self,
        schema: &str,
        method: &str,
        kind: SubprogramKind,
    ) -> String {
        let renamed = self.renamed_methods.get_or_init(|| {
            let mut renamed = std::collections::HashSet::new();
            for t in self.objects.keys() {
                let mut all: HashMap<&String, Overloads> = HashMap::new();
                for a in self.lineage(t) {
                    for (name, m) in self.objects.get(&a).into_iter().flat_map(|o| &o.methods) {
                        all.entry(name).or_default().extend(&m.overloads);
                    }
                }
                let schema = self.method_schema(t);
                renamed.extend(
                    all.into_iter()
                        .filter(|(_, o)| o.collide())
                        .map(|(name, _)| (schema.clone(), name.clone())),
                );
            }
            renamed
        });
        let key = (schema.to_owned(), method.to_owned());
        if kind == SubprogramKind::Procedure && renamed.contains(&key) {
            renamed_procedure(method)
        } else {
            super::cx::pg_name(method)
        }
    }

    /// The methods of this name over every type, with the schema each is
    /// in, sorted by schema: a call needs them all in one schema.
    pub(super) fn methods_named(&self, method: &str) -> Vec<(String, &Method)> {
        let mut out: Vec<(String, &String, &Method)> = self
            .objects
            .iter()
            .filter_map(|(t, o)| o.methods.get(method).map(|m| (self.method_schema(t), t, m)))
            .filter(|(_, _, m)| !m.constructor)
            .collect();
        // By type too: the first of a schema's is the same on every run.
        out.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        out.into_iter().map(|(schema, _, m)| (schema, m)).collect()
    }

    /// The one schema that holds methods of this name, if only one does.
    pub(super) fn method_home(&self, method: &str) -> Option<String> {
        let named = self.methods_named(method);
        let first = named.first()?.0.clone();
        named.iter().all(|(s, _)| *s == first).then_some(first)
    }

    fn add_modes(&mut self, package: &str, s: &Subprogram) {
        let key = (package.to_owned(), s.name.last().canonical());
        let modes: Vec<ParameterMode> = s.parameters.iter().map(|p| p.mode).collect();
        let known = match s.kind {
            SubprogramKind::Function => self.function_modes.entry(key).or_default(),
            _ => self.procedure_modes.entry(key).or_default(),
        };
        if !known.contains(&modes) {
            known.push(modes);
        }
    }

    fn add_package(&mut self, package: &Package) {
        let name = package.name.last().canonical();
        for declaration in flat(&package.declarations) {
            if let DeclarationItem::Subprogram(s) = &declaration.item {
                self.add_modes(&name, s);
            }
        }
        let info = self.packages.entry(name).or_default();
        info.initialized |= package.initialization.is_some();
        for declaration in flat(&package.declarations) {
            match &declaration.item {
                DeclarationItem::Subprogram(s) => {
                    let kind = info.members.entry(s.name.last().canonical()).or_insert(s.kind);
                    if s.kind == SubprogramKind::Function {
                        *kind = s.kind;
                    }
                    info.overloads.entry(s.name.last().canonical()).or_default().add(s.kind);
                    if let Some(returned) = returned_type(s) {
                        let returns = info.returns.entry(s.name.last().canonical()).or_default();
                        if !returns.contains(&returned) {
                            returns.push(returned);
                        }
                    }
                }
                DeclarationItem::Variable { name, constant, datatype, default, .. } => {
                    let var = StateVar {
                        name: name.text.clone(),
                        datatype: datatype.clone(),
                        default: default.clone(),
                        constant: *constant,
                    };
                    self.state_names.insert(name.canonical());
                    info.state.insert(name.canonical(), var);
                }
                DeclarationItem::Exception { name } => {
                    let state = errors::declared_state(&package.name.last().canonical(), name);
                    info.exceptions.entry(name.canonical()).or_insert(state);
                }
                DeclarationItem::Pragma { name, arguments } => {
                    if let Some((exception, state)) = errors::exception_init(name, arguments) {
                        info.exceptions.insert(exception, state);
                    }
                }
                DeclarationItem::Type { name, kind, definition } => {
                    let types = &info.types;
                    let subtype_base = |key: &str| match types.get(key) {
                        Some(TypeDef::Alias { of, .. }) => {
                            Some(of.text.trim().to_ascii_uppercase())
                        }
                        _ => None,
                    };
                    if let Some(def) = type_def_with(*kind, definition, subtype_base) {
                        info.types.insert(name.canonical(), def);
                    }
                }
                DeclarationItem::Subtype { name, definition } => {
                    let package = package.name.last().canonical();
                    info.types.insert(name.canonical(), subtype(definition, Some(package)));
                }
                _ => {}
            }
        }
    }

    pub(super) fn package(&self, name: &str) -> Option<&PackageInfo> {
        self.packages.get(name)
    }

    /// The routine a package member called as a procedure is: its name, or
    /// the renamed one where a function of the package has it too.
    pub(super) fn procedure(&self, package: &str, name: &str) -> String {
        let collide = self
            .packages
            .get(package)
            .and_then(|info| info.overloads.get(name))
            .is_some_and(Overloads::collide);
        if collide {
            renamed_procedure(name)
        } else {
            super::cx::pg_name(name)
        }
    }

    /// The package names, for telling `owner.pkg.proc` from `pkg.proc.x`.
    pub(super) fn is_package(&self, name: &str) -> bool {
        self.packages.contains_key(name)
    }
}

/// Whether a type as written is XMLTYPE (`SYS.XMLTYPE` too).
fn is_xmltype(datatype: &Fragment) -> bool {
    let written = datatype.text.trim().to_ascii_uppercase();
    written == "XMLTYPE" || written == "SYS.XMLTYPE"
}

/// The last name of what `CREATE SYNONYM s FOR [owner.]target` names; none
/// for an object across a database link.
fn synonym_target(sql: &str, span: crate::plsql::ast::Span) -> Option<String> {
    let items = text::items_of(sql, span).ok()?.items;
    let after = items.iter().position(|i| i.is("FOR"))? + 1;
    let target = &items[after..];
    if target.iter().any(|i| i.token == sqlparser::tokenizer::Token::AtSign) {
        return None;
    }
    target
        .iter()
        .take_while(|i| i.token != sqlparser::tokenizer::Token::SemiColon)
        .filter_map(text::Item::name)
        .last()
}

/// The type a function returns, by its last name (`RETURN t`,
/// `RETURN owner.t`), when it names one rather than a built-in type.
fn returned_type(s: &Subprogram) -> Option<String> {
    let ret = s.return_type.as_ref()?;
    let items = text::items(ret).ok()?.items;
    let parts: Vec<String> = items.iter().filter_map(text::Item::name).collect();
    (parts.len() == items.len().div_ceil(2)).then(|| parts.last().cloned()).flatten()
}

/// Declarations with conditional-compilation branches opened up: every
/// branch's names are known.
pub(super) fn flat(declarations: &[Declaration]) -> Vec<&Declaration> {
    let mut out = Vec::new();
    for d in declarations {
        match &d.item {
            DeclarationItem::Conditional(c) => {
                for (_, branch) in &c.branches {
                    out.extend(flat(branch));
                }
                if let Some(otherwise) = &c.otherwise {
                    out.extend(flat(otherwise));
                }
            }
            _ => out.push(d),
        }
    }
    out
}

/// The type a `TYPE t IS ...` declaration defines.
pub(super) fn type_def(kind: TypeKind, definition: &Fragment) -> Option<TypeDef> {
    type_def_with(kind, definition, |_| None)
}

/// The integer types an associative array can be indexed by.
const INTEGERS: &[&str] = &[
    "PLS_INTEGER",
    "BINARY_INTEGER",
    "SIMPLE_INTEGER",
    "INTEGER",
    "INT",
    "NATURAL",
    "NATURALN",
    "POSITIVE",
    "POSITIVEN",
    "SIGNTYPE",
    "NUMBER",
];

/// [`type_def`], with `subtype_base` giving the base type of the
/// subtypes it knows (`SUBTYPE t_line_no IS BINARY_INTEGER`): an array is
/// indexed by a subtype as by its base type.
fn type_def_with(
    kind: TypeKind,
    definition: &Fragment,
    subtype_base: impl Fn(&str) -> Option<String>,
) -> Option<TypeDef> {
    let items = text::items(definition).ok()?.items;
    let upper: Vec<String> = items.iter().map(|i| i.word().unwrap_or_default()).collect();
    match kind {
        TypeKind::RefCursor => Some(TypeDef::RefCursor),
        TypeKind::Object => Some(TypeDef::Object),
        TypeKind::Record => {
            let open = items.iter().position(|i| i.token == sqlparser::tokenizer::Token::LParen)?;
            let close = text::matching_paren(&items, open)?;
            let fields = text::split_commas(&items[open + 1..close])
                .into_iter()
                .filter_map(|field| {
                    let (name, rest) = field.split_first()?;
                    let end = rest
                        .iter()
                        .position(|i| {
                            i.is("NOT")
                                || i.is("DEFAULT")
                                || i.token == sqlparser::tokenizer::Token::Assignment
                        })
                        .unwrap_or(rest.len());
                    let datatype =
                        Fragment { text: text::join_trimmed(&rest[..end]), span: definition.span };
                    Some((name.text.clone(), datatype))
                })
                .collect();
            Some(TypeDef::Record { fields })
        }
        TypeKind::Table | TypeKind::AssociativeArray | TypeKind::Varray | TypeKind::Other => {
            let of = upper.iter().position(|w| w == "OF")?;
            let index_by = upper.iter().position(|w| w == "INDEX");
            let end = index_by.unwrap_or(items.len());
            let mut element_end = end;
            // `TABLE OF x NOT NULL`
            if let Some(not) = upper[of + 1..end].iter().position(|w| w == "NOT") {
                element_end = of + 1 + not;
            }
            // Indexed by an integer type, an array; by anything else (a
            // string, or a subtype the catalogue cannot see through), a map
            // from key to element: safer than an array read by a string.
            let element = Fragment {
                text: text::join_trimmed(&items[of + 1..element_end]),
                span: definition.span,
            };
            if let Some(at) = index_by {
                let key = upper.get(at + 2).cloned().unwrap_or_default();
                let base = subtype_base(&key).unwrap_or(key);
                let base = base.split(['(', ' ']).next().unwrap_or_default();
                if !INTEGERS.contains(&base) {
                    let text_keys = matches!(
                        base,
                        "VARCHAR2" | "VARCHAR" | "STRING" | "NVARCHAR2" | "CHAR" | "NCHAR" | "LONG"
                    );
                    return Some(TypeDef::StringIndexed { element, text_keys });
                }
            }
            Some(TypeDef::Array { element, sparse: index_by.is_some() })
        }
    }
}

/// `SUBTYPE t IS base [NOT NULL]`, `base RANGE a..b`: the base type.
pub(super) fn subtype(definition: &Fragment, package: Option<String>) -> TypeDef {
    let text = definition.text.trim();
    let upper = text.to_ascii_uppercase();
    let end =
        [" NOT NULL", " RANGE "].iter().filter_map(|w| upper.find(w)).min().unwrap_or(text.len());
    let of = Fragment { text: text[..end].to_owned(), span: definition.span };
    TypeDef::Alias { of, package }
}

/// The columns of a `CREATE TABLE` and their types as written.
fn table_columns(text: &str, span: crate::plsql::ast::Span) -> Vec<(String, Fragment)> {
    use sqlparser::tokenizer::Token;
    let Ok(items) = text::items_of(text, span) else { return Vec::new() };
    let items = items.items;
    let Some(open) = items.iter().position(|i| i.token == Token::LParen) else {
        return Vec::new();
    };
    let Some(close) = text::matching_paren(&items, open) else { return Vec::new() };
    const NOT_COLUMNS: &[&str] =
        &["CONSTRAINT", "PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "SUPPLEMENTAL", "PERIOD"];
    const ENDS_TYPE: &[&str] = &[
        "DEFAULT",
        "NOT",
        "NULL",
        "CONSTRAINT",
        "PRIMARY",
        "REFERENCES",
        "CHECK",
        "UNIQUE",
        "GENERATED",
        "ENABLE",
        "DISABLE",
        "COLLATE",
        "INVISIBLE",
        "VISIBLE",
        "ENCRYPT",
        "AS",
    ];
    let mut out = Vec::new();
    for part in text::split_commas(&items[open + 1..close]) {
        let Some((name, rest)) = part.split_first() else { continue };
        let Some(column) = name.name() else { continue };
        if NOT_COLUMNS.iter().any(|w| name.is(w)) {
            continue;
        }
        let end = rest.iter().position(|i| ENDS_TYPE.iter().any(|w| i.is(w))).unwrap_or(rest.len());
        if end == 0 {
            continue;
        }
        out.push((column, Fragment { text: text::join_trimmed(&rest[..end]), span }));
    }
    out
}
