//! Object types: the composite type a spec becomes, with the routines of
//! the methods a subtype inherits, and the routines of a type body's
//! methods, in the schema of the type hierarchy
//! ([`super::catalog::Catalog::method_schema`]).

use std::borrow::Cow;

use super::catalog;
use super::cx::{pg_name, Cx};
use super::stmt::Writer;
use super::unit::{header, member_routines, plpgsql_function};
use super::{NoteKind, TranslateError};
use crate::plsql::ast::{
    Comment, Declaration, DeclarationItem, Fragment, Ident, Package, Parameter, ParameterMode,
    Span, Subprogram, SubprogramBody, SubprogramKind, TypeKind, TypeSpec,
};
use crate::plsql::Object;

pub(super) fn type_spec(
    cx: &mut Cx<'_>,
    t: &TypeSpec,
    _comments: &[Comment],
) -> Result<String, TranslateError> {
    let name = format!("{}.{}", cx.schema, pg_name(&t.name.last().canonical()));
    match t.kind {
        TypeKind::Object => {
            // A subtype holds its supertypes' attributes first, as Oracle's.
            let own: Vec<(String, Fragment)> =
                t.attributes.iter().map(|a| (a.name.canonical(), a.datatype.clone())).collect();
            let all = match &t.under {
                Some(_) => cx.catalog.attribute_types(&t.name.last().canonical()),
                None => own,
            };
            cx.no_anchors = true;
            let attributes: Vec<String> = all
                .iter()
                .map(|(a, datatype)| format!("{} {}", pg_name(a), cx.datatype(datatype)))
                .collect();
            cx.no_anchors = false;
            let mut out =
                format!("CREATE TYPE {name} AS (\n    {}\n);\n", attributes.join(",\n    "));
            // Without a body of its own, the type holds the routines of
            // the methods it inherits; else its body does.
            let type_name = t.name.last().canonical();
            let bodied = cx.catalog.type_bodies.contains(&type_name);
            if !t.methods.is_empty() && !bodied {
                cx.note(
                    t.name.span.line,
                    NoteKind::Unsupported,
                    "the type's body is not in the inventory: its methods are not created",
                );
            }
            if t.under.is_some() {
                let schema = cx.catalog.method_schema(&type_name);
                out.push_str(&format!("\nCREATE SCHEMA IF NOT EXISTS {schema};\n"));
                out.push_str(&upcasts(cx, &type_name, &name, t.name.span.line));
                if !bodied {
                    let line = t.name.span.line;
                    out.push_str(&inherited_methods(cx, &type_name, &t.methods, line));
                }
            }
            Ok(out)
        }
        TypeKind::Table | TypeKind::Varray => {
            let Some(definition) = &t.definition else {
                return Err(TranslateError::Kind("a collection type without its definition"));
            };
            match catalog::type_def(t.kind, definition) {
                Some(catalog::TypeDef::Array { element, .. }) => {
                    let element = cx.datatype(&element);
                    Ok(format!("CREATE DOMAIN {name} AS {element}[];\n"))
                }
                _ => Err(TranslateError::Kind("this collection type")),
            }
        }
        _ => Err(TranslateError::Kind("this kind of type")),
    }
}

/// Implicit casts from the subtype `type_name` (written `written`) to each
/// of its supertypes, so that a value of it goes where Oracle passes it: a
/// parameter, variable or attribute of a supertype. PostgreSQL's composite
/// types have no subtypes; the cast keeps the supertype's attributes.
fn upcasts(cx: &mut Cx<'_>, type_name: &str, written: &str, line: u32) -> String {
    let schema = cx.catalog.method_schema(type_name);
    let mut out = String::new();
    let ancestors: Vec<String> = cx.catalog.lineage(type_name).into_iter().skip(1).collect();
    for ancestor in &ancestors {
        let target = cx.object_type_name(ancestor);
        let function = format!("{schema}.as_{}", pg_name(ancestor).trim_matches('"'));
        out.push_str(&format!(
            "\n-- a {type_name} where a {ancestor} is expected\n\
             CREATE OR REPLACE FUNCTION {function}(value {written}) RETURNS {target}\n\
             LANGUAGE sql IMMUTABLE\nAS $body$ SELECT {} $body$;\n\
             DROP CAST IF EXISTS ({written} AS {target});\n\
             CREATE CAST ({written} AS {target}) WITH FUNCTION {function}({written}) AS IMPLICIT;\n",
            cx.upcast("(value)", ancestor)
        ));
    }
    cx.note(
        line,
        NoteKind::Review,
        format!(
            "a {type_name} passed where a {} is expected becomes one (an implicit cast): it \
             keeps that type's attributes, and methods called on it there are that type's, \
             where Oracle calls {type_name}'s",
            ancestors.join(" or ")
        ),
    );
    out
}

/// A type body: each method a routine of the schema of its type
/// hierarchy ([`catalog::Catalog::method_schema`]). A member takes the
/// object as its first parameter, `self`; a constructor declares `self`,
/// fills it and returns it; a static method is a plain routine.
pub(super) fn type_body(
    cx: &mut Cx<'_>,
    object: &Object,
    p: &Package,
    comments: &[Comment],
) -> Result<String, TranslateError> {
    let type_name = p.name.last().canonical();
    if !cx.catalog.objects.contains_key(&type_name) {
        return Err(TranslateError::Kind("a type body whose object type is not in the inventory"));
    }
    let schema = cx.catalog.method_schema(&type_name);
    let mut assigns = SelfAssignments {
        attributes: cx.catalog.attributes(&type_name),
        spans: Default::default(),
        around: Vec::new(),
    };
    crate::analysis::walk::walk(object, &mut assigns);
    cx.object_type = Some(type_name.clone());
    let mut out = format!("CREATE SCHEMA IF NOT EXISTS {schema};\n");
    let own = cx.catalog.objects[&type_name].specs.clone();
    if cx.catalog.lineage(&type_name).len() > 1 {
        out.push_str(&inherited_methods(cx, &type_name, &own, p.name.span.line));
    }
    member_routines(cx, p, comments, &mut out, |cx, s| {
        let assigns_self = assigns.spans.contains(&s.span.start);
        let (method, name) = method_routine(cx, s, &type_name, &schema, assigns_self);
        (Cow::Owned(method), name)
    });
    cx.object_type = None;
    Ok(out)
}

/// A method as the routine it becomes, and that routine's name.
fn method_routine(
    cx: &mut Cx<'_>,
    s: &Subprogram,
    type_name: &str,
    schema: &str,
    assigns_self: bool,
) -> (Subprogram, String) {
    let has = |word: &str| s.method_modifiers.iter().any(|w| w == word);
    let mut method = s.clone();
    let is_self = |p: &Parameter| p.name.canonical() == "SELF";
    let self_type = Fragment { text: type_name.to_owned(), span: s.span };
    let self_ident = Ident { text: "self".to_owned(), quoted: false, span: s.name.span };
    if has("MAP") || has("ORDER") {
        cx.note(
            s.span.line,
            NoteKind::Review,
            format!(
                "{} MEMBER FUNCTION {}: PostgreSQL compares composite values attribute by \
                 attribute, not with this method",
                if has("MAP") { "MAP" } else { "ORDER" },
                s.name.last().text
            ),
        );
    }
    if has("CONSTRUCTOR") {
        method.parameters.retain(|p| !is_self(p));
        method.return_type = Some(self_type.clone());
        if let Some(SubprogramBody::Block(block)) = &mut method.body {
            let declaration = Declaration {
                span: Span { end: s.span.start, ..s.span },
                item: DeclarationItem::Variable {
                    name: self_ident,
                    constant: false,
                    datatype: self_type,
                    not_null: false,
                    default: None,
                },
            };
            block.declarations.insert(0, declaration);
        }
        cx.bare_return = Some("self".to_owned());
        return (method, format!("{schema}.{}", pg_name(type_name)));
    }
    let method_name = s.name.last().canonical();
    let routine = cx.catalog.method_routine(schema, &method_name, s.kind);
    if routine != pg_name(&method_name) {
        super::unit::renamed_note(cx, s, &routine);
    }
    let name = format!("{schema}.{routine}");
    if has("STATIC") {
        return (method, name);
    }
    match method.parameters.iter_mut().find(|p| is_self(p)) {
        // A function's SELF is IN in Oracle; PostgreSQL would make an
        // INOUT one part of the result.
        Some(p) if s.kind == SubprogramKind::Function => {
            if p.mode != ParameterMode::In {
                cx.note(
                    p.span.line,
                    NoteKind::Review,
                    format!(
                        "{}: SELF IN OUT of a function became IN; PostgreSQL would return it as \
                         part of the result, so its changes are lost",
                        s.name.last().text
                    ),
                );
            }
            p.mode = ParameterMode::In;
        }
        Some(_) => {}
        None => {
            // A member procedure's SELF is IN OUT in Oracle. In PostgreSQL,
            // INOUT needs a variable as the argument: only where the
            // procedure changes the object.
            let mode = if s.kind == SubprogramKind::Procedure && assigns_self {
                ParameterMode::InOut
            } else {
                ParameterMode::In
            };
            method.parameters.insert(0, self_parameter(type_name, mode, s));
        }
    }
    (method, name)
}

/// `self`, of the object type, as the first parameter of method `s`.
fn self_parameter(type_name: &str, mode: ParameterMode, s: &Subprogram) -> Parameter {
    Parameter {
        name: Ident { text: "self".to_owned(), quoted: false, span: s.name.span },
        mode,
        nocopy: false,
        datatype: Fragment { text: type_name.to_owned(), span: s.span },
        default: None,
        span: s.name.span,
    }
}

/// A subtype's object is not its supertype's in PostgreSQL: for each
/// method it inherits and does not override, a routine taking the subtype
/// that calls the supertype's with the object made one of the supertype
/// (its attributes come first). A method whose SELF is IN OUT, or a
/// function with OUT parameters, is left out with a note.
fn inherited_methods(cx: &mut Cx<'_>, type_name: &str, own: &[Subprogram], line: u32) -> String {
    let type_name = type_name.to_owned();
    let schema = cx.catalog.method_schema(&type_name);
    // What overrides a method: one of its name, kind and parameter types.
    let key = |m: &Subprogram| {
        (m.name.last().canonical(), m.kind == SubprogramKind::Function, catalog::identity(m))
    };
    let mut covered: std::collections::BTreeSet<_> = own.iter().map(key).collect();
    let mut out = String::new();
    let catalog = cx.catalog;
    for ancestor in catalog.lineage(&type_name).iter().skip(1) {
        let Some(info) = catalog.objects.get(ancestor) else { continue };
        let upcast = cx.upcast("self", ancestor);
        for spec in &info.specs {
            let has = |word: &str| spec.method_modifiers.iter().any(|w| w == word);
            if has("STATIC") || has("CONSTRUCTOR") || !covered.insert(key(spec)) {
                continue;
            }
            let in_out_self = spec
                .parameters
                .iter()
                .any(|p| p.name.canonical() == "SELF" && p.mode != ParameterMode::In);
            let has_out = spec
                .parameters
                .iter()
                .any(|p| p.name.canonical() != "SELF" && p.mode != ParameterMode::In);
            let function = spec.kind == SubprogramKind::Function;
            if in_out_self || (function && has_out) {
                cx.note(
                    line,
                    NoteKind::Unsupported,
                    format!(
                        "{} inherited from {ancestor} is not callable on {type_name}: its object \
                         or its OUT parameters cannot be passed on",
                        spec.name.last().text
                    ),
                );
                continue;
            }
            let mut method = spec.clone();
            method.parameters.retain(|p| p.name.canonical() != "SELF");
            let arguments: Vec<String> = std::iter::once(upcast.clone())
                .chain(method.parameters.iter().map(|p| pg_name(&p.name.canonical())))
                .collect();
            method.parameters.insert(0, self_parameter(&type_name, ParameterMode::In, spec));
            let method_name = spec.name.last().canonical();
            let routine = catalog.method_routine(&schema, &method_name, spec.kind);
            let name = format!("{schema}.{routine}");
            let mut w = Writer::new(cx, &[]);
            w.cx.push_scope();
            let header = header(&mut w, &method, &name);
            w.cx.pop_scope();
            let call = format!("{name}({})", arguments.join(", "));
            let body = if header.contains("RETURNS SETOF ") {
                format!("BEGIN\n    RETURN QUERY SELECT * FROM {call};\nEND;\n")
            } else if function {
                format!("BEGIN\n    RETURN {call};\nEND;\n")
            } else {
                format!("BEGIN\n    CALL {call};\nEND;\n")
            };
            if own.iter().any(|m| m.method_modifiers.iter().any(|w| w == "OVERRIDING")) {
                cx.note_once(
                    "inherited-dispatch",
                    line,
                    NoteKind::Review,
                    format!(
                        "methods {type_name} inherits run as its supertype's: where they call a \
                         method {type_name} overrides, they call the supertype's (Oracle calls \
                         {type_name}'s)"
                    ),
                );
            }
            out.push_str(&format!("\n-- {} inherited from {ancestor}\n", spec.name.last().text));
            out.push_str(&plpgsql_function(&[], &header, None, Vec::new(), &body));
        }
    }
    out
}

/// The methods (by where they start) that assign to `SELF` or to one of
/// its attributes by name, themselves or in a nested subprogram (which
/// is passed their `self`).
struct SelfAssignments {
    attributes: Vec<String>,
    spans: std::collections::BTreeSet<u32>,
    /// The subprograms around the statement, outermost first.
    around: Vec<u32>,
}

impl<'a> crate::analysis::walk::Visitor<'a> for SelfAssignments {
    fn enter_routine(
        &mut self,
        routine: crate::analysis::walk::Routine<'a>,
        _: &crate::analysis::walk::Context<'a>,
    ) {
        if let crate::analysis::walk::Routine::Subprogram(s) = routine {
            self.around.push(s.span.start);
        }
    }

    fn leave_routine(&mut self, routine: crate::analysis::walk::Routine<'a>) {
        if let crate::analysis::walk::Routine::Subprogram(_) = routine {
            self.around.pop();
        }
    }

    fn statement(
        &mut self,
        statement: &'a crate::plsql::ast::Statement,
        cx: &crate::analysis::walk::Context<'a>,
    ) {
        let crate::plsql::ast::StatementItem::Assignment { target, .. } = &statement.item else {
            return;
        };
        let Some(s) = cx.subprogram else { return };
        let first = target.text.trim_start().split(['.', '(', ' ']).next().unwrap_or_default();
        let first = first.to_ascii_uppercase();
        // `SELF.x := ...`, or an attribute by its bare name.
        let parameter = s.parameters.iter().any(|p| p.name.canonical() == first);
        if first == "SELF" || (!parameter && self.attributes.contains(&first)) {
            self.spans.insert(s.span.start);
            self.spans.extend(self.around.iter().copied());
        }
    }
}
