//! Whole objects: the `CREATE` statements each kind of PL/SQL object
//! becomes.

use super::catalog::{self, StateVar};
use super::cx::{pg_name, Cx, TriggerNames, ROWCOUNT};
use super::stmt::{setting_name, Writer};
use super::text;
use super::{NoteKind, TranslateError};
use crate::plsql::ast::{
    Block, DeclarationItem, Package, ParameterMode, Subprogram, SubprogramBody, SubprogramKind,
    Trigger, TriggerBody, TypeKind, TypeSpec, Unit, UnitItem, View,
};
use crate::plsql::Object;

pub(super) fn translate(
    cx: &mut Cx<'_>,
    object: &Object,
    unit: &Unit,
) -> Result<String, TranslateError> {
    let comments = &unit.comments;
    match &unit.item {
        UnitItem::Subprogram(s) => {
            let name = format!("{}.{}", cx.schema, pg_name(&s.name.last().canonical()));
            routine(cx, s, &name, comments)
        }
        UnitItem::PackageSpec(p) => Ok(package_spec(cx, p, comments)),
        UnitItem::PackageBody(p) => package_body(cx, p, comments),
        UnitItem::Trigger(t) => trigger(cx, t, comments),
        UnitItem::View(v) => {
            Ok(view(cx, v, object.kind == crate::plsql::ObjectKind::MaterializedView))
        }
        UnitItem::TypeSpec(t) => type_spec(cx, t, comments),
        UnitItem::TypeBody(p) => type_body(cx, object, p, comments),
        UnitItem::Ddl(_) => Err(TranslateError::Kind(match object.kind {
            crate::plsql::ObjectKind::Table => "a table",
            crate::plsql::ObjectKind::Index => "an index",
            crate::plsql::ObjectKind::Sequence => "a sequence",
            crate::plsql::ObjectKind::Synonym => "a synonym",
            _ => "DDL",
        })),
        UnitItem::JavaSource { .. } => Err(TranslateError::Kind("Java source")),
    }
}

/// Oracle resolves a name that is both a column and a variable to the
/// column; PostgreSQL, by default, refuses it as ambiguous.
const CONFLICT: &str = "#variable_conflict use_column";

/// The dollar quote around a body: `$body$`, or one the text does not hold.
fn dollar_tag(text: &str) -> String {
    let mut tag = "$body$".to_owned();
    let mut n = 1;
    while text.contains(&tag) {
        tag = format!("$body{n}$");
        n += 1;
    }
    tag
}

/// `CREATE OR REPLACE FUNCTION|PROCEDURE name(...)` with its body.
fn routine(
    cx: &mut Cx<'_>,
    s: &Subprogram,
    name: &str,
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let Some(SubprogramBody::Block(block)) = &s.body else {
        return Err(TranslateError::Kind(match &s.body {
            Some(SubprogramBody::External { .. }) => "a call spec (Java or C)",
            _ => "a declaration without a body",
        }));
    };
    // Nested subprograms that use nothing of this routine come first, as
    // routines of their own named after both.
    // (Not in a type body: there they would read attributes of a `self`
    // they do not have.)
    let mut out = String::new();
    cx.nested.push(std::collections::HashMap::new());
    for d in catalog::flat(&block.declarations) {
        let DeclarationItem::Subprogram(n) = &d.item else { continue };
        let hoisted = n.body.is_some() && cx.hoistable.contains(&n.span.start);
        if !hoisted || cx.object_type.is_some() {
            continue;
        }
        let combined = format!("{}_{}", s.name.last().canonical(), n.name.last().canonical());
        let schema =
            name.rsplit_once('.').map_or(cx.schema.clone(), |(schema, _)| schema.to_owned());
        let inner = format!("{schema}.{}", pg_name(&combined));
        cx.nested
            .last_mut()
            .expect("pushed")
            .insert(n.name.last().canonical(), (inner.clone(), n.kind));
        let kind = if n.kind == SubprogramKind::Function { "function" } else { "procedure" };
        cx.note(
            n.span.line,
            NoteKind::Review,
            format!("nested {kind} {} became the routine {inner}", n.name.last().text),
        );
        let saved = std::mem::take(&mut cx.scopes);
        let bare_return = cx.bare_return.take();
        let text = routine(cx, n, &inner, comments);
        cx.scopes = saved;
        cx.bare_return = bare_return;
        match text {
            Ok(text) => {
                out.push_str(&text);
                out.push('\n');
            }
            Err(e) => {
                cx.note(n.span.line, NoteKind::Unsupported, format!("{}: {e}", n.name.last().text))
            }
        }
    }
    // A first pass finds whether SQL%ROWCOUNT is read; the second keeps it.
    let (mut text, uses_rowcount) = routine_text(cx, s, block, name, comments, false);
    if uses_rowcount {
        text = routine_text(cx, s, block, name, comments, true).0;
    }
    cx.nested.pop();
    out.push_str(&text);
    Ok(out)
}

/// The nested subprograms of `object` (by where they start) that name
/// nothing declared by the routine around them: no parameter, variable,
/// cursor, type or exception of it. They can live as routines of their
/// own; the others would need the routine's state passed to them.
pub(super) fn hoistable(object: &Object) -> std::collections::BTreeSet<u32> {
    let mut out = std::collections::BTreeSet::new();
    let Some(unit) = &object.unit else { return out };
    let mut routines: Vec<&Subprogram> = Vec::new();
    match &unit.item {
        UnitItem::Subprogram(s) => routines.push(s),
        UnitItem::PackageBody(p) | UnitItem::TypeBody(p) => {
            for d in catalog::flat(&p.declarations) {
                if let DeclarationItem::Subprogram(s) = &d.item {
                    routines.push(s);
                }
            }
        }
        _ => {}
    }
    while let Some(s) = routines.pop() {
        let Some(SubprogramBody::Block(block)) = &s.body else { continue };
        let mut names: std::collections::BTreeSet<String> =
            s.parameters.iter().map(|p| p.name.canonical()).collect();
        let declarations = catalog::flat(&block.declarations);
        for d in &declarations {
            match &d.item {
                DeclarationItem::Variable { name, .. }
                | DeclarationItem::Exception { name }
                | DeclarationItem::Type { name, .. }
                | DeclarationItem::Subtype { name, .. }
                | DeclarationItem::Cursor { name, .. } => {
                    names.insert(name.canonical());
                }
                _ => {}
            }
        }
        for d in &declarations {
            let DeclarationItem::Subprogram(n) = &d.item else { continue };
            if n.body.is_none() {
                continue;
            }
            routines.push(n);
            let own: std::collections::BTreeSet<String> =
                n.parameters.iter().map(|p| p.name.canonical()).collect();
            let uses_outer =
                crate::analysis::walk::tokens_in(&object.tokens, n.span).iter().any(|t| {
                    let sqlparser::tokenizer::Token::Word(w) = &t.token else { return false };
                    let name = if w.quote_style.is_some() {
                        w.value.clone()
                    } else {
                        w.value.to_ascii_uppercase()
                    };
                    names.contains(&name) && !own.contains(&name)
                });
            if !uses_outer {
                out.insert(n.span.start);
            }
        }
    }
    out
}

fn routine_text(
    cx: &mut Cx<'_>,
    s: &Subprogram,
    block: &Block,
    name: &str,
    comments: &[crate::plsql::ast::Comment],
    track_rowcount: bool,
) -> (String, bool) {
    cx.uses_rowcount = false;
    cx.loop_records.clear();
    cx.extra_declarations.clear();
    cx.preamble.clear();
    let function = s.kind == SubprogramKind::Function;
    cx.in_function = function;
    let package_cursors = std::mem::take(&mut cx.package_cursors);
    let mut w = Writer::new(cx, comments);
    w.track_rowcount = track_rowcount;
    w.cx.push_scope();
    w.skip_comments_before(s.span.start);
    let header = header(&mut w, s, name);
    // The package's cursors first; those the body never names are left out below.
    let mut cursors = Writer::new(&mut *w.cx, &[]);
    let cursor_lines = cursors.declarations(&package_cursors);
    let declarations = w.declarations(&block.declarations);
    let mut body = Writer::new(&mut *w.cx, comments);
    body.track_rowcount = track_rowcount;
    body.skip_comments_before(declarations_end(block));
    body.body(block);
    body.line("END;");
    let body_text = body.out;
    let mut decl = Vec::new();
    let used = |line: &String| {
        let name = line.split_whitespace().next().unwrap_or_default();
        body_text.contains(name) || declarations.iter().any(|d| d.contains(name))
    };
    decl.extend(cursor_lines.into_iter().filter(used));
    decl.extend(w.cx.loop_records.iter().map(|r| format!("{r} record;")));
    decl.extend(w.cx.extra_declarations.iter().cloned());
    if track_rowcount {
        decl.push(format!("{ROWCOUNT} integer := 0;"));
    }
    decl.extend(declarations);
    let out = plpgsql_function(&w.cx.preamble, &header, decl, &body_text);
    w.cx.pop_scope();
    w.cx.package_cursors = package_cursors;
    let uses = w.cx.uses_rowcount;
    (out, uses)
}

/// A PL/pgSQL function or procedure: the types it needs, its header
/// (`CREATE ... RETURNS ...`, ending in a line break), its DECLARE lines
/// and its body (`BEGIN ... END;`), in a dollar quote its text does not hold.
fn plpgsql_function(
    preamble: &[String],
    header: &str,
    declarations: Vec<String>,
    body: &str,
) -> String {
    let mut out = String::new();
    for p in preamble {
        out.push_str(p);
        out.push('\n');
    }
    let tag = dollar_tag(body);
    out.push_str(header);
    out.push_str(&format!("LANGUAGE plpgsql\nAS {tag}\n{CONFLICT}\n"));
    if !declarations.is_empty() {
        out.push_str("DECLARE\n");
        for d in declarations {
            for (i, l) in d.lines().enumerate() {
                out.push_str(if i == 0 { "    " } else { "        " });
                out.push_str(l.trim_start());
                out.push('\n');
            }
        }
    }
    out.push_str(body);
    out.push_str(&format!("{tag};\n"));
    out
}

/// Where a block's declarations end: comments before it are not the body's.
fn declarations_end(block: &Block) -> u32 {
    block.declarations.last().map_or(block.span.start, |d| d.span.end)
}

/// `CREATE OR REPLACE FUNCTION s.f(a numeric, OUT b text) RETURNS ...`.
fn header(w: &mut Writer<'_, '_>, s: &Subprogram, name: &str) -> String {
    let line = s.span.line;
    let mut params = Vec::new();
    let mut has_out = false;
    let mut seen_default = false;
    for p in &s.parameters {
        w.remember_array(&p.name.canonical(), &p.datatype);
        w.cx.remember_object(&p.name, &p.datatype);
        w.cx.no_anchors = true;
        let pg_type = w.cx.datatype(&p.datatype);
        w.cx.no_anchors = false;
        w.cx.declare_typed(&p.name, &pg_type);
        let mode = match p.mode {
            ParameterMode::In => "",
            ParameterMode::Out => "OUT ",
            ParameterMode::InOut => "INOUT ",
        };
        has_out |= p.mode != ParameterMode::In;
        let mut text = format!("{mode}{} {pg_type}", pg_name(&p.name.canonical()));
        match &p.default {
            Some(default) => {
                seen_default = true;
                text.push_str(" DEFAULT ");
                text.push_str(&w.cx.expr(default));
            }
            None if seen_default && p.mode == ParameterMode::In => {
                // Every Oracle call passes it (by position or name), so a
                // default it never uses changes no call.
                w.cx.note(
                    p.span.line,
                    NoteKind::Review,
                    format!(
                        "parameter {} got DEFAULT NULL: PostgreSQL needs a default on every parameter after one that has one",
                        p.name.text
                    ),
                );
                text.push_str(" DEFAULT NULL");
            }
            None => {}
        }
        params.push(text);
    }
    // A procedure's OUT parameter may not follow a defaulted one.
    let out_after_default = s.kind == SubprogramKind::Procedure
        && s.parameters.iter().enumerate().any(|(i, p)| {
            p.mode != ParameterMode::In && s.parameters[..i].iter().any(|q| q.default.is_some())
        });
    if out_after_default {
        w.cx.note(
            line,
            NoteKind::Review,
            "defaults dropped: PostgreSQL allows no OUT parameter after a defaulted one, so \
             callers must pass every argument",
        );
        for text in &mut params {
            if let Some(at) = text.find(" DEFAULT ") {
                text.truncate(at);
            }
        }
    }
    let params = match params.len() {
        0 => "()".to_owned(),
        1 => format!("({})", params[0]),
        _ => format!("(\n    {}\n)", params.join(",\n    ")),
    };
    let kind = if s.kind == SubprogramKind::Function { "FUNCTION" } else { "PROCEDURE" };
    let mut out = format!("CREATE OR REPLACE {kind} {name}{params}");
    if let Some(ret) = &s.return_type {
        let pipelined = s.options.iter().any(|o| o.text.to_ascii_uppercase().contains("PIPELINED"));
        let returns = if pipelined {
            let items = text::items(ret).map(|i| i.items).unwrap_or_default();
            let parts: Vec<String> = items.iter().filter_map(text::Item::name).collect();
            match w.cx.type_def(&parts) {
                Some((_, catalog::TypeDef::Array { element })) => {
                    format!("SETOF {}", w.cx.datatype(&element))
                }
                _ => {
                    w.cx.note(line, NoteKind::Review, "PIPELINED: the element type was not found");
                    format!("SETOF {}", w.cx.datatype(ret))
                }
            }
        } else {
            w.cx.no_anchors = true;
            let returns = w.cx.datatype(ret);
            w.cx.no_anchors = false;
            returns
        };
        if has_out {
            w.cx.note(
                line,
                NoteKind::Unsupported,
                "a function with OUT parameters and a return value: PostgreSQL returns one or the other",
            );
        }
        out.push_str(&format!("\nRETURNS {returns}"));
    }
    out.push('\n');
    out
}

fn package_schema(p: &Package) -> String {
    pg_name(&p.name.last().canonical())
}

/// A package spec (or the declarations of a body): its schema, its record
/// types and the functions that hold its state.
fn package_spec(cx: &mut Cx<'_>, p: &Package, comments: &[crate::plsql::ast::Comment]) -> String {
    cx.package = Some(p.name.last().canonical());
    let schema = package_schema(p);
    let mut out = format!("CREATE SCHEMA IF NOT EXISTS {schema};\n");
    let mut w = Writer::new(cx, comments);
    w.cx.push_scope();
    package_types(&mut w, p, &mut out);
    package_state(&mut w, p, &mut out);
    w.cx.pop_scope();
    for d in catalog::flat(&p.declarations) {
        if let DeclarationItem::Pragma { name, .. } = &d.item {
            if name.canonical() == "SERIALLY_REUSABLE" {
                cx.note(
                    d.span.line,
                    NoteKind::Review,
                    "SERIALLY_REUSABLE: package state now lasts the session",
                );
            }
        }
    }
    out
}

fn package_types(w: &mut Writer<'_, '_>, p: &Package, out: &mut String) {
    for d in catalog::flat(&p.declarations) {
        if let DeclarationItem::Type { name, kind: TypeKind::Record, definition } = &d.item {
            if let Some(catalog::TypeDef::Record { fields }) =
                catalog::type_def(TypeKind::Record, definition)
            {
                let qualified = format!("{}.{}", package_schema(p), pg_name(&name.canonical()));
                out.push('\n');
                out.push_str(&w.composite_type(&qualified, &fields));
            }
        }
    }
}

/// One reader function per package variable: its value in this session,
/// or its default until it is assigned.
fn package_state(w: &mut Writer<'_, '_>, p: &Package, out: &mut String) {
    let package = p.name.last().canonical();
    for d in catalog::flat(&p.declarations) {
        let DeclarationItem::Variable { name, constant, datatype, default, .. } = &d.item else {
            continue;
        };
        let var = StateVar {
            name: name.text.clone(),
            datatype: datatype.clone(),
            default: default.clone(),
            constant: *constant,
        };
        out.push('\n');
        out.push_str(&state_reader(w, &package, &name.canonical(), &var));
    }
}

fn state_reader(w: &mut Writer<'_, '_>, package: &str, name: &str, var: &StateVar) -> String {
    let datatype = w.cx.datatype(&var.datatype);
    let default = var.default.as_ref().map_or_else(|| "NULL".to_owned(), |d| w.cx.expr(d));
    let function = format!("{}.{}", pg_name(package), pg_name(name));
    if var.constant {
        return format!(
            "-- constant {}\nCREATE OR REPLACE FUNCTION {function}() RETURNS {datatype}\n\
             LANGUAGE sql IMMUTABLE\nAS $body$ SELECT ({default})::{datatype} $body$;\n",
            var.name
        );
    }
    let setting = setting_name(package, name);
    format!(
        "-- package variable {}: session setting {setting}\n\
         CREATE OR REPLACE FUNCTION {function}() RETURNS {datatype}\n\
         LANGUAGE plpgsql STABLE\nAS $body$\nDECLARE\n    v text := current_setting('{setting}', true);\n\
         BEGIN\n    IF v IS NULL THEN\n        RETURN {default};\n    END IF;\n    \
         RETURN nullif(v, '')::{datatype};\nEND;\n$body$;\n",
        var.name
    )
}

/// A package body: every member as a routine of the package's schema.
fn package_body(
    cx: &mut Cx<'_>,
    p: &Package,
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    // The body's own types and state, as a spec's.
    let mut out = package_spec(cx, p, comments);
    cx.package_cursors = catalog::flat(&p.declarations)
        .into_iter()
        .filter(|d| matches!(d.item, DeclarationItem::Cursor { .. }))
        .cloned()
        .collect();
    let schema = package_schema(p);
    let mut last_end = 0;
    for d in catalog::flat(&p.declarations) {
        let DeclarationItem::Subprogram(s) = &d.item else {
            last_end = d.span.end;
            continue;
        };
        let leading = leading_comments(comments, last_end, d.span.start);
        last_end = d.span.end;
        if s.body.is_none() {
            continue;
        }
        let name = format!("{schema}.{}", pg_name(&s.name.last().canonical()));
        match routine(cx, s, &name, comments) {
            Ok(text) => {
                out.push('\n');
                out.push_str(&leading);
                out.push_str(&text);
            }
            Err(e) => {
                cx.note(s.span.line, NoteKind::Unsupported, format!("{}: {e}", s.name.last().text))
            }
        }
    }
    cx.package_cursors.clear();
    if p.initialization.is_some() {
        let line = p.name.span.line;
        cx.note(line, NoteKind::Unsupported, "the package's initialisation section is not run");
    }
    Ok(out)
}

/// A type body: each method a routine of the schema of its type
/// hierarchy ([`catalog::Catalog::method_schema`]). A member takes the
/// object as its first parameter, `self`; a constructor declares `self`,
/// fills it and returns it; a static method is a plain routine.
fn type_body(
    cx: &mut Cx<'_>,
    object: &Object,
    p: &Package,
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let type_name = p.name.last().canonical();
    if !cx.catalog.objects.contains_key(&type_name) {
        return Err(TranslateError::Kind("a type body whose object type is not in the inventory"));
    }
    let schema = cx.catalog.method_schema(&type_name);
    let mut assigns = SelfAssignments {
        attributes: cx.catalog.attributes(&type_name),
        spans: Default::default(),
    };
    crate::analysis::walk::walk(object, &mut assigns);
    cx.object_type = Some(type_name.clone());
    let mut out = format!("CREATE SCHEMA IF NOT EXISTS {schema};\n");
    let own = cx.catalog.objects[&type_name].specs.clone();
    if cx.catalog.lineage(&type_name).len() > 1 {
        out.push_str(&inherited_methods(cx, &type_name, &own, p.name.span.line));
    }
    let mut last_end = 0;
    for d in catalog::flat(&p.declarations) {
        let DeclarationItem::Subprogram(s) = &d.item else {
            last_end = d.span.end;
            continue;
        };
        let leading = leading_comments(comments, last_end, d.span.start);
        last_end = d.span.end;
        if s.body.is_none() {
            continue;
        }
        let assigns_self = assigns.spans.contains(&s.span.start);
        let (method, name) = method_routine(cx, s, &type_name, &schema, assigns_self);
        match routine(cx, &method, &name, comments) {
            Ok(text) => {
                out.push('\n');
                out.push_str(&leading);
                out.push_str(&text);
            }
            Err(e) => {
                cx.note(s.span.line, NoteKind::Unsupported, format!("{}: {e}", s.name.last().text))
            }
        }
        cx.bare_return = None;
    }
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
    let is_self = |p: &crate::plsql::ast::Parameter| p.name.canonical() == "SELF";
    let self_type = crate::plsql::ast::Fragment { text: type_name.to_owned(), span: s.span };
    let self_ident =
        crate::plsql::ast::Ident { text: "self".to_owned(), quoted: false, span: s.name.span };
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
        if let Some(crate::plsql::ast::SubprogramBody::Block(block)) = &mut method.body {
            let declaration = crate::plsql::ast::Declaration {
                span: crate::plsql::ast::Span { end: s.span.start, ..s.span },
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
    let name = format!("{schema}.{}", pg_name(&s.name.last().canonical()));
    if has("STATIC") {
        return (method, name);
    }
    match method.parameters.iter_mut().find(|p| is_self(p)) {
        // A function's SELF is IN in Oracle; PostgreSQL would make an
        // INOUT one part of the result.
        Some(p) if s.kind == SubprogramKind::Function => p.mode = ParameterMode::In,
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
            let parameter = crate::plsql::ast::Parameter {
                name: self_ident,
                mode,
                nocopy: false,
                datatype: self_type,
                default: None,
                span: s.name.span,
            };
            method.parameters.insert(0, parameter);
        }
    }
    (method, name)
}

/// A subtype's object is not its supertype's in PostgreSQL: for each
/// method it inherits and does not override, a routine taking the subtype
/// that calls the supertype's with the object made one of the supertype
/// (its attributes come first). A method whose SELF is IN OUT, or a
/// function with OUT parameters, is left out with a note.
fn inherited_methods(cx: &mut Cx<'_>, type_name: &str, own: &[Subprogram], line: u32) -> String {
    let type_name = type_name.to_owned();
    let schema = cx.catalog.method_schema(&type_name);
    let key = |m: &Subprogram| {
        let arity = m.parameters.iter().filter(|p| p.name.canonical() != "SELF").count();
        (m.name.last().canonical(), arity)
    };
    let mut covered: std::collections::BTreeSet<(String, usize)> = own.iter().map(key).collect();
    let mut out = String::new();
    let catalog = cx.catalog;
    for ancestor in catalog.lineage(&type_name).iter().skip(1) {
        let Some(info) = catalog.objects.get(ancestor) else { continue };
        let parent = format!(
            "{}.{}",
            catalog.type_schemas.get(ancestor).cloned().unwrap_or_else(|| cx.schema.clone()),
            pg_name(ancestor)
        );
        let fields: Vec<String> =
            catalog.attributes(ancestor).iter().map(|a| format!("self.{}", pg_name(a))).collect();
        let upcast = format!("ROW({})::{parent}", fields.join(", "));
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
            method.parameters.insert(
                0,
                crate::plsql::ast::Parameter {
                    name: crate::plsql::ast::Ident {
                        text: "self".to_owned(),
                        quoted: false,
                        span: spec.name.span,
                    },
                    mode: ParameterMode::In,
                    nocopy: false,
                    datatype: crate::plsql::ast::Fragment {
                        text: type_name.clone(),
                        span: spec.span,
                    },
                    default: None,
                    span: spec.name.span,
                },
            );
            let name = format!("{schema}.{}", pg_name(&spec.name.last().canonical()));
            let mut w = Writer::new(cx, &[]);
            w.cx.push_scope();
            let header = header(&mut w, &method, &name);
            w.cx.pop_scope();
            let call = format!("{name}({})", arguments.join(", "));
            let body = if function {
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
            out.push_str(&plpgsql_function(&[], &header, Vec::new(), &body));
        }
    }
    out
}

/// The methods (by where they start) that assign to `SELF` or to one of
/// its attributes by name.
struct SelfAssignments {
    attributes: Vec<String>,
    spans: std::collections::BTreeSet<u32>,
}

impl<'a> crate::analysis::walk::Visitor<'a> for SelfAssignments {
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
        }
    }
}

/// The comments between `from` and `to`, as SQL comment lines.
fn leading_comments(comments: &[crate::plsql::ast::Comment], from: u32, to: u32) -> String {
    let mut out = String::new();
    for c in comments.iter().filter(|c| c.span.start >= from && c.span.start < to) {
        if c.block {
            out.push_str(&format!("/*{}*/\n", text::safe_comment_body(&c.text)));
        } else {
            out.push_str(&format!("--{}\n", c.text));
        }
    }
    out
}

/// A trigger: its function and the `CREATE TRIGGER` that calls it.
fn trigger(
    cx: &mut Cx<'_>,
    t: &Trigger,
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let Some(target) = &t.target else {
        return Err(TranslateError::Kind("a database or schema trigger"));
    };
    let block = match &t.body {
        TriggerBody::Block(b) => b,
        TriggerBody::Compound { .. } => return Err(TranslateError::Kind("a compound trigger")),
        TriggerBody::Call(_) => return Err(TranslateError::Kind("a CALL trigger")),
    };
    let mut names = TriggerNames { new: "NEW".to_owned(), old: "OLD".to_owned() };
    for clause in &t.clauses {
        let words: Vec<String> =
            clause.text.split_whitespace().map(|w| w.to_ascii_uppercase()).collect();
        if words.first().map(String::as_str) == Some("REFERENCING") {
            for pair in words.windows(3) {
                if pair[1] == "AS" {
                    match pair[0].as_str() {
                        "NEW" => names.new = pair[2].trim_matches('"').to_owned(),
                        "OLD" => names.old = pair[2].trim_matches('"').to_owned(),
                        _ => {}
                    }
                }
            }
        }
        if words.first().map(String::as_str) == Some("DISABLE") {
            cx.note(
                clause.span.line,
                NoteKind::Review,
                "the trigger was disabled in Oracle; it is created enabled",
            );
        }
    }
    let events_upper = t.events.text.to_ascii_uppercase();
    let when_in_body = t.when.as_ref().is_some_and(|w| {
        let c = w.text.to_ascii_uppercase();
        let uses =
            |record: &str| c.contains(&format!("{record}.")) || c.contains(&format!(":{record}"));
        (events_upper.contains("INSERT") && uses(&names.old))
            || (events_upper.contains("DELETE") && uses(&names.new))
    });
    cx.trigger = Some(names.clone());
    let row = t.for_each_row;
    let events = t.events.text.to_ascii_uppercase();
    let before = t.timing.starts_with("BEFORE") || t.timing.starts_with("INSTEAD");
    let ret = match (row && before, events.contains("DELETE")) {
        (true, true) => "COALESCE(NEW, OLD)",
        (true, false) => "NEW",
        (false, _) => "NULL",
    };
    let trigger_name = pg_name(&t.name.last().canonical());
    let function = format!("{}.{trigger_name}", cx.schema);
    cx.in_function = true;
    let mut w = Writer::new(cx, comments);
    w.trigger_return = Some(ret.to_owned());
    w.cx.push_scope();
    let declarations = w.declarations(&block.declarations);
    let mut body = Writer::new(&mut *w.cx, comments);
    body.trigger_return = Some(ret.to_owned());
    body.skip_comments_before(declarations_end(block));
    body.line("BEGIN");
    body.indent += 1;
    if let (true, Some(when)) = (when_in_body, &t.when) {
        // PostgreSQL refuses OLD in an INSERT trigger's WHEN (NEW in a
        // DELETE one); in the body OLD is NULL there, as in Oracle.
        let mut condition = body.cx.expr(when);
        for (alias, record) in [(&names.new, "NEW"), (&names.old, "OLD")] {
            condition = rename_record(&condition, alias, record);
        }
        body.line(&format!("IF NOT coalesce({condition}, false) THEN"));
        body.line(&format!("    RETURN {ret};"));
        body.line("END IF;");
    }
    body.statements(&block.statements);
    let ends_in_return = block
        .statements
        .last()
        .is_some_and(|s| matches!(s.item, crate::plsql::ast::StatementItem::Return { .. }));
    if !ends_in_return {
        body.line(&format!("RETURN {ret};"));
    }
    body.indent -= 1;
    body.handlers(&block.handlers);
    body.line("END;");
    let body_text = body.out;
    let mut decl: Vec<String> = w.cx.loop_records.iter().map(|r| format!("{r} record;")).collect();
    decl.extend(w.cx.extra_declarations.iter().cloned());
    decl.extend(declarations);
    let header = format!("CREATE OR REPLACE FUNCTION {function}() RETURNS trigger\n");
    let mut out = plpgsql_function(&w.cx.preamble, &header, decl, &body_text);
    out.push('\n');
    let table = target.parts.iter().map(|p| pg_name(&p.canonical())).collect::<Vec<_>>().join(".");
    let timing = if t.timing.starts_with("INSTEAD") { "INSTEAD OF" } else { t.timing.as_str() };
    let events = w.cx.expr(&t.events);
    let level = if row { "FOR EACH ROW" } else { "FOR EACH STATEMENT" };
    let when = match t.when.as_ref().filter(|_| !when_in_body) {
        Some(when) => {
            let mut condition = w.cx.expr(when);
            for (alias, record) in [(&names.new, "NEW"), (&names.old, "OLD")] {
                condition = rename_record(&condition, alias, record);
            }
            let condition = condition.trim().to_owned();
            if condition.starts_with('(') {
                format!("\nWHEN {condition}")
            } else {
                format!("\nWHEN ({condition})")
            }
        }
        None => String::new(),
    };
    out.push_str(&format!(
        "DROP TRIGGER IF EXISTS {trigger_name} ON {table};\n\
         CREATE TRIGGER {trigger_name}\n{timing} {events} ON {table}\n{level}{when}\nEXECUTE FUNCTION {function}();\n"
    ));
    w.cx.pop_scope();
    Ok(out)
}

/// `n.col` as `NEW.col` in a WHEN condition, where Oracle writes the
/// REFERENCING names without a colon.
fn rename_record(condition: &str, alias: &str, record: &str) -> String {
    if alias == record {
        return condition.to_owned();
    }
    let Ok(items) = text::items_of(condition, Default::default()) else {
        return condition.to_owned();
    };
    let mut items = items.items;
    for i in 0..items.len() {
        let next_is_period =
            items.get(i + 1).is_some_and(|n| n.token == sqlparser::tokenizer::Token::Period);
        if next_is_period && items[i].name().as_deref() == Some(alias) {
            items[i].text = record.to_owned();
        }
    }
    text::join_trimmed(&items)
}

fn view(cx: &mut Cx<'_>, v: &View, materialized: bool) -> String {
    let name = v.name.parts.iter().map(|p| pg_name(&p.canonical())).collect::<Vec<_>>().join(".");
    let name = if v.name.parts.len() == 1 { format!("{}.{name}", cx.schema) } else { name };
    let columns = if v.columns.is_empty() {
        String::new()
    } else {
        let c: Vec<String> = v.columns.iter().map(|c| pg_name(&c.canonical())).collect();
        format!(" ({})", c.join(", "))
    };
    let mut query = cx.sql(&v.query);
    let upper = query.to_ascii_uppercase();
    if let Some(at) = upper.rfind("WITH READ ONLY") {
        query.truncate(at);
        cx.note(
            v.query.span.line,
            NoteKind::Review,
            "WITH READ ONLY left out: grant only SELECT instead",
        );
    }
    // PostgreSQL has no CREATE OR REPLACE for a materialized view, nor
    // Oracle's refresh clauses (REFRESH FAST ON COMMIT...): it is refreshed
    // with REFRESH MATERIALIZED VIEW.
    let create = if materialized { "CREATE MATERIALIZED VIEW" } else { "CREATE OR REPLACE VIEW" };
    format!("{create} {name}{columns} AS\n{};\n", query.trim_end())
}

fn type_spec(
    cx: &mut Cx<'_>,
    t: &TypeSpec,
    _comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let name = format!("{}.{}", cx.schema, pg_name(&t.name.last().canonical()));
    match t.kind {
        TypeKind::Object => {
            // A subtype holds its supertypes' attributes first, as Oracle's.
            let own: Vec<(String, crate::plsql::ast::Fragment)> =
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
            if t.under.is_some() && !bodied {
                let inherited = inherited_methods(cx, &type_name, &t.methods, t.name.span.line);
                if !inherited.is_empty() {
                    let schema = cx.catalog.method_schema(&type_name);
                    out.push_str(&format!("\nCREATE SCHEMA IF NOT EXISTS {schema};\n"));
                    out.push_str(&inherited);
                }
            }
            Ok(out)
        }
        TypeKind::Table | TypeKind::Varray => {
            let Some(definition) = &t.definition else {
                return Err(TranslateError::Kind("a collection type without its definition"));
            };
            match catalog::type_def(t.kind, definition) {
                Some(catalog::TypeDef::Array { element }) => {
                    let element = cx.datatype(&element);
                    Ok(format!("CREATE DOMAIN {name} AS {element}[];\n"))
                }
                _ => Err(TranslateError::Kind("this collection type")),
            }
        }
        _ => Err(TranslateError::Kind("this kind of type")),
    }
}
