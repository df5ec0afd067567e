//! Whole objects: the `CREATE` statements each kind of PL/SQL object
//! becomes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use sqlparser::tokenizer::Token;

use super::catalog::{self, StateVar};
use super::cx::{pg_name, Cx, TriggerNames, ROWCOUNT};
use super::stmt::{setting_name, Writer};
use super::text;
use super::{NoteKind, TranslateError};
use crate::plsql::ast::{
    Block, Declaration, DeclarationItem, Fragment, Ident, Package, Parameter, ParameterMode, Span,
    Statement, Subprogram, SubprogramBody, SubprogramKind, Trigger, TriggerBody, TypeKind, Unit,
    UnitItem, View,
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
        UnitItem::TypeSpec(t) => super::object::type_spec(cx, t, comments),
        UnitItem::TypeBody(p) => super::object::type_body(cx, object, p, comments),
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
pub(super) fn routine(
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
    // Nested subprograms come first, as routines of their own named after
    // both, passed what they use of this routine.
    let mut out = String::new();
    // All are known before any is written: one may call another declared
    // after it (forward declarations).
    let mut hoisted = Vec::new();
    let mut known = std::collections::HashMap::new();
    for d in catalog::flat(&block.declarations) {
        let DeclarationItem::Subprogram(n) = &d.item else { continue };
        let passed = match cx.hoistable.get(&n.span.start) {
            Some(passed) if n.body.is_some() => passed.clone(),
            _ => continue,
        };
        let inner = cx.hoisted_name(n.span.start, name, &n.name.last().canonical());
        let nested = super::cx::Nested {
            routine: inner.clone(),
            parameters: n.parameters.iter().map(|p| pg_name(&p.name.canonical())).collect(),
            passed: passed.iter().map(|p| p.name.canonical()).collect(),
            scope: cx.scopes.len(),
            label: label(name).to_owned(),
        };
        known.insert(n.name.last().canonical(), nested);
        hoisted.push((n, passed, inner));
    }
    cx.nested.push(known);
    for (n, passed, inner) in hoisted {
        let kind = if n.kind == SubprogramKind::Function { "function" } else { "procedure" };
        let passing = match passed.len() {
            0 => String::new(),
            _ => {
                let names: Vec<&str> = passed.iter().map(|p| p.name.text.as_str()).collect();
                format!(", passed {} of {}", names.join(", "), s.name.last().text)
            }
        };
        cx.note(
            n.span.line,
            NoteKind::Review,
            format!("nested {kind} {} became the routine {inner}{passing}", n.name.last().text),
        );
        let n = with_passed(n, &passed);
        let saved = std::mem::take(&mut cx.scopes);
        let bare_return = cx.bare_return.take();
        let text = routine(cx, &n, &inner, comments);
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
    // An autonomous routine runs in a transaction of its own, over a
    // connection of its own; its body is a routine the connection calls.
    let autonomous = autonomous(s, block);
    let body_name = if autonomous { format!("{name}_autonomous") } else { name.to_owned() };
    cx.autonomous = autonomous;
    // A first pass finds whether SQL%ROWCOUNT, or a cursor's %ROWCOUNT, is
    // read; the second keeps it.
    cx.counted_cursors.clear();
    cx.open_cursors.clear();
    cx.two_passes = true;
    let (mut text, uses_rowcount) = routine_text(cx, s, block, &body_name, comments, false);
    if uses_rowcount || !cx.counted_cursors.is_empty() || !cx.open_cursors.is_empty() {
        text = routine_text(cx, s, block, &body_name, comments, uses_rowcount).0;
    }
    cx.two_passes = false;
    cx.autonomous = false;
    cx.nested.pop();
    out.push_str(&text);
    if autonomous {
        out.push('\n');
        out.push_str(&autonomous_caller(cx, s, name, &body_name));
    }
    Ok(out)
}

/// Whether `s` is an autonomous transaction the translator can run apart:
/// PRAGMA AUTONOMOUS_TRANSACTION, and only IN parameters (the connection
/// that runs it gives back one value, not OUT parameters).
fn autonomous(s: &Subprogram, block: &Block) -> bool {
    let pragma = catalog::flat(&block.declarations).iter().any(|d| {
        matches!(&d.item, DeclarationItem::Pragma { name, .. }
            if name.canonical() == "AUTONOMOUS_TRANSACTION")
    });
    let pipelined = s.options.iter().any(|o| o.text.to_ascii_uppercase().contains("PIPELINED"));
    pragma && !pipelined && s.parameters.iter().all(|p| p.mode == ParameterMode::In)
}

/// The connection an autonomous routine runs over: the setting
/// `autonomous.connection` (a dblink connection string, or the name of a
/// `dblink_fdw` server with a user mapping), or else this server's own
/// socket, as this user, with this session's search_path and a lock
/// timeout. A row this session has locked would make the two wait for
/// each other unseen; the other connection gives up after 10 s.
const AUTONOMOUS_CONNECTION: &str =
    "coalesce(nullif(current_setting('autonomous.connection', true), ''),
                 format('dbname=%s port=%s host=%s user=%s options=%L', current_database(),
                        current_setting('port'),
                        split_part(current_setting('unix_socket_directories'), ',', 1),
                        current_user,
                        '-csearch_path=' || replace(current_setting('search_path'), ' ', '')
                            || ' -clock_timeout=10s'))";

/// The routine callers call, `name`: it runs `body` over a dblink
/// connection of its own, which commits (or rolls back) apart from the
/// caller's transaction, as Oracle's autonomous transaction does.
fn autonomous_caller(cx: &mut Cx<'_>, s: &Subprogram, name: &str, body: &str) -> String {
    let mut w = Writer::new(cx, &[]);
    w.cx.push_scope();
    let header = header(&mut w, s, name);
    // Each argument as a literal of its parameter's type, so that the
    // other connection picks the same overload; dates in ISO form, which
    // reads the same whatever its DateStyle.
    w.cx.no_anchors = true;
    let mut placeholders = Vec::new();
    let mut arguments = String::new();
    for p in &s.parameters {
        let pg_type = w.cx.datatype(&p.datatype);
        let name = pg_name(&p.name.canonical());
        let dated = pg_type.starts_with("timestamp") || pg_type == "date";
        arguments.push_str(&match dated {
            true => format!(", to_char({name}, 'YYYY-MM-DD HH24:MI:SS.US')"),
            false => format!(", {name}"),
        });
        placeholders.push(format!("%L::{pg_type}"));
    }
    let returns = s.return_type.as_ref().map(|r| w.cx.datatype(r));
    w.cx.no_anchors = false;
    w.cx.pop_scope();
    let run = if returns.is_some() { "SELECT" } else { "CALL" };
    let call = format!("format('{run} {body}({})'{arguments})", placeholders.join(", "));
    let (decl, statements) = match returns {
        Some(returns) => (
            vec![format!("result {returns};")],
            format!(
                "    SELECT r INTO result\n      FROM dblink(\n        {AUTONOMOUS_CONNECTION},\n        \
                 {call}) AS t(r {returns});\n    RETURN result;\n"
            ),
        ),
        None => (
            Vec::new(),
            format!("    PERFORM dblink_exec(\n        {AUTONOMOUS_CONNECTION},\n        {call});\n"),
        ),
    };
    let body_text = format!("BEGIN\n{statements}END;\n");
    plpgsql_function(&[], &header, None, decl, &body_text)
}

/// An outer parameter or variable that a nested subprogram uses, passed
/// to the routine the subprogram becomes.
#[derive(Debug, Clone)]
pub(super) struct Passed {
    pub name: Ident,
    pub datatype: Fragment,
    /// Assigned in the subprogram (`x :=`, `INTO x`), as far as its words
    /// show.
    pub assigned: bool,
    /// A constant, which the subprogram cannot change.
    pub constant: bool,
}

/// The nested subprograms of `object` (by where they start) that can be
/// routines of their own, with the parameters and variables of the
/// routine around them that they use, to pass them; in a member method,
/// `self` first. Not those that name its cursors, types or exceptions, or
/// anything of a routine further out; nor a function that assigns what it
/// would be passed, since the change would not reach the caller.
pub(super) fn hoistable(object: &Object, catalog: &catalog::Catalog) -> BTreeMap<u32, Vec<Passed>> {
    let mut out = BTreeMap::new();
    let Some(unit) = &object.unit else { return out };
    // In a type body: its type and attributes.
    let object_type = match &unit.item {
        UnitItem::TypeBody(p) => {
            let name = p.name.last().canonical();
            let attributes: BTreeSet<String> = catalog.attributes(&name).into_iter().collect();
            Some((p.name.last().clone(), attributes))
        }
        _ => None,
    };
    // Each routine, with the names the routines around its parent declare,
    // and whether it is in a member method (which has a SELF).
    let mut routines: Vec<(&Subprogram, BTreeSet<String>, bool)> = Vec::new();
    match &unit.item {
        UnitItem::Subprogram(s) => routines.push((s, BTreeSet::new(), false)),
        UnitItem::PackageBody(p) | UnitItem::TypeBody(p) => {
            for d in catalog::flat(&p.declarations) {
                if let DeclarationItem::Subprogram(s) = &d.item {
                    let member =
                        object_type.is_some() && !s.method_modifiers.iter().any(|m| m == "STATIC");
                    routines.push((s, BTreeSet::new(), member));
                }
            }
        }
        _ => {}
    }
    let words = |span| {
        let tokens = crate::analysis::walk::tokens_in(&object.tokens, span);
        let mut used = BTreeSet::new();
        let mut assigned = BTreeSet::new();
        for (n, t) in tokens.iter().enumerate() {
            let Token::Word(w) = &t.token else { continue };
            let name = if w.quote_style.is_some() {
                w.value.clone()
            } else {
                w.value.to_ascii_uppercase()
            };
            let next = tokens[n + 1..].iter().find(|t| !matches!(t.token, Token::Whitespace(_)));
            let before =
                tokens[..n].iter().rev().find(|t| !matches!(t.token, Token::Whitespace(_)));
            let into = before.is_some_and(
                |b| matches!(&b.token, Token::Word(w) if w.value.eq_ignore_ascii_case("INTO")),
            );
            if next.is_some_and(|t| t.token == Token::Assignment) || into {
                assigned.insert(name.clone());
            }
            used.insert(name);
        }
        (used, assigned)
    };
    while let Some((s, further_out, member)) = routines.pop() {
        let Some(SubprogramBody::Block(block)) = &s.body else { continue };
        let declarations = catalog::flat(&block.declarations);
        let mut passable: Vec<(&Ident, &Fragment, bool)> =
            s.parameters.iter().map(|p| (&p.name, &p.datatype, false)).collect();
        let mut other = BTreeSet::new();
        for d in &declarations {
            match &d.item {
                DeclarationItem::Variable { name, datatype, constant, .. } => {
                    passable.push((name, datatype, *constant))
                }
                DeclarationItem::Exception { name }
                | DeclarationItem::Type { name, .. }
                | DeclarationItem::Subtype { name, .. }
                | DeclarationItem::Cursor { name, .. } => {
                    other.insert(name.canonical());
                }
                _ => {}
            }
        }
        let mut declared: BTreeSet<String> = other.clone();
        declared.extend(passable.iter().map(|(name, _, _)| name.canonical()));
        // Each nested subprogram: what it uses of the routine, and whether
        // it names what cannot be passed.
        let mut nested: Vec<(&Subprogram, BTreeSet<String>, Vec<Passed>, bool)> = Vec::new();
        for d in &declarations {
            let DeclarationItem::Subprogram(n) = &d.item else { continue };
            let Some(SubprogramBody::Block(inner)) = &n.body else { continue };
            routines.push((n, further_out.union(&declared).cloned().collect(), member));
            let mut own: BTreeSet<String> =
                n.parameters.iter().map(|p| p.name.canonical()).collect();
            own.extend(catalog::flat(&inner.declarations).iter().filter_map(|d| declared_name(d)));
            let (used, assigned) = words(n.span);
            let used: BTreeSet<String> = used.into_iter().filter(|w| !own.contains(w)).collect();
            let outer_names = used.iter().any(|w| other.contains(w))
                || used.iter().any(|w| further_out.contains(w) && !declared.contains(w));
            let passed: Vec<Passed> = passable
                .iter()
                .filter(|(name, _, _)| used.contains(&name.canonical()))
                .map(|(name, datatype, constant)| Passed {
                    name: (*name).clone(),
                    datatype: (*datatype).clone(),
                    constant: *constant,
                    assigned: assigned.contains(&name.canonical())
                        || (name.canonical() == "SELF" && assigned.contains("SELF")),
                })
                .collect();
            // A type written in the routine's terms (`v%TYPE`, a local type).
            let local_type = passed.iter().any(|p| {
                text::items(&p.datatype).is_ok_and(|items| {
                    items.items.iter().filter_map(text::Item::name).any(|w| declared.contains(&w))
                })
            });
            let mut uses = used;
            if let Some((_, attributes)) = &object_type {
                // Assigning an attribute is changing SELF.
                if assigned.iter().any(|a| a == "SELF" || attributes.contains(a)) {
                    uses.insert(SELF_CHANGED.to_owned());
                }
            }
            let function_assigns =
                n.kind == SubprogramKind::Function && passed.iter().any(|p| p.assigned);
            nested.push((n, uses, passed, outer_names || local_type || function_assigns));
        }
        // A call of a sibling needs what the sibling is passed, and changes
        // what it changes.
        loop {
            let mut changed = false;
            for i in 0..nested.len() {
                for j in 0..nested.len() {
                    let sibling = nested[j].0.name.last().canonical();
                    if i == j || !nested[i].1.contains(&sibling) {
                        continue;
                    }
                    let (blocked, passed, self_changed) =
                        (nested[j].3, nested[j].2.clone(), nested[j].1.contains(SELF_CHANGED));
                    let caller = &mut nested[i];
                    if blocked && !caller.3 {
                        caller.3 = true;
                        changed = true;
                    }
                    if self_changed && caller.1.insert(SELF_CHANGED.to_owned()) {
                        changed = true;
                    }
                    for p in passed {
                        match caller.2.iter_mut().find(|q| q.name.canonical() == p.name.canonical())
                        {
                            Some(q) if p.assigned && !q.assigned => {
                                q.assigned = true;
                                changed = true;
                            }
                            Some(_) => {}
                            None => {
                                caller.2.push(p);
                                changed = true;
                            }
                        }
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let position = |p: &Passed| {
            passable.iter().position(|(name, _, _)| name.canonical() == p.name.canonical())
        };
        for (n, uses, mut passed, blocked) in nested {
            let function_assigns =
                n.kind == SubprogramKind::Function && passed.iter().any(|p| p.assigned);
            if blocked || function_assigns {
                continue;
            }
            passed.sort_by_key(|p| position(p));
            // A method's SELF, declared or not, is passed first.
            passed.retain(|p| p.name.canonical() != "SELF");
            if let Some((type_name, _)) = object_type.as_ref().filter(|_| member) {
                let changes = uses.contains(SELF_CHANGED);
                if changes && n.kind == SubprogramKind::Function {
                    continue;
                }
                let name = Ident { text: "self".to_owned(), quoted: false, span: type_name.span };
                let datatype = Fragment { text: type_name.canonical(), span: type_name.span };
                passed.insert(0, Passed { name, datatype, assigned: changes, constant: false });
            }
            out.insert(n.span.start, passed);
        }
    }
    out
}

/// Marks, among the names a nested subprogram uses, that it changes SELF
/// (no PL/SQL name has a space).
const SELF_CHANGED: &str = "SELF CHANGED";

/// Nested subprogram `n` with what it uses of its routine as its first
/// parameters (before its own, which may have defaults; calls name every
/// argument). A procedure's are IN OUT where it assigns them.
fn with_passed(n: &Subprogram, passed: &[Passed]) -> Subprogram {
    let mut n = n.clone();
    let passed = passed.iter().map(|p| {
        // A procedure may change what it is passed in ways `assigned` does
        // not see (`SELECT INTO a, b`, an OUT argument, `r.f :=`): all IN
        // OUT but constants.
        let assigned = n.kind == SubprogramKind::Procedure && !p.constant;
        Parameter {
            name: p.name.clone(),
            mode: if assigned { ParameterMode::InOut } else { ParameterMode::In },
            nocopy: false,
            datatype: p.datatype.clone(),
            default: None,
            span: p.name.span,
        }
    });
    n.parameters.splice(0..0, passed.collect::<Vec<_>>());
    n
}

/// The name a declaration declares, if it is no subprogram.
fn declared_name(d: &Declaration) -> Option<String> {
    match &d.item {
        DeclarationItem::Variable { name, .. }
        | DeclarationItem::Exception { name }
        | DeclarationItem::Type { name, .. }
        | DeclarationItem::Subtype { name, .. }
        | DeclarationItem::Cursor { name, .. } => Some(name.canonical()),
        _ => None,
    }
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
    cx.labelled = false;
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
    // A package's cursor lives across calls in Oracle: its attributes are
    // not this routine's to keep.
    for declaration in &package_cursors {
        if let DeclarationItem::Cursor { name, .. } = &declaration.item {
            w.cx.scope().cursors.remove(&name.canonical());
        }
    }
    let declarations = w.declarations(&block.declarations);
    let mut body = Writer::new(&mut *w.cx, comments);
    body.track_rowcount = track_rowcount;
    body.skip_comments_before(declarations_end(block));
    body.opening = body.cx.package_init.clone();
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
    w.cx.return_into = None;
    let label = w.cx.labelled.then(|| label(name));
    let out = plpgsql_function(&w.cx.preamble, &header, label, decl, &body_text);
    w.cx.pop_scope();
    w.cx.package_cursors = package_cursors;
    let uses = w.cx.uses_rowcount;
    (out, uses)
}

/// A PL/pgSQL function or procedure: the types it needs, its header
/// (`CREATE ... RETURNS ...`, ending in a line break), its DECLARE lines
/// and its body (`BEGIN ... END;`), in a dollar quote its text does not hold.
pub(super) fn plpgsql_function(
    preamble: &[String],
    header: &str,
    label: Option<&str>,
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
    if let Some(label) = label {
        out.push_str(&format!("<<{label}>>\n"));
    }
    if !declarations.is_empty() {
        out.push_str("DECLARE\n");
        for d in declarations {
            // Continuation lines keep their layout relative to each other,
            // the least indented one under the first line, four further in.
            let least = d
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0);
            for (i, l) in d.lines().enumerate() {
                if i == 0 {
                    out.push_str("    ");
                    out.push_str(l.trim_start());
                } else {
                    out.push_str("        ");
                    out.push_str(l.get(least..).unwrap_or(l.trim_start()));
                }
                out.push('\n');
            }
        }
    }
    out.push_str(body);
    out.push_str(&format!("{tag};\n"));
    out
}

/// The label of a routine's outermost block: its bare name, which
/// PL/pgSQL also qualifies its parameters with.
fn label(routine: &str) -> &str {
    routine.rsplit_once('.').map_or(routine, |(_, name)| name)
}

/// Where a block's declarations end: comments before it are not the body's.
fn declarations_end(block: &Block) -> u32 {
    block.declarations.last().map_or(block.span.start, |d| d.span.end)
}

/// `CREATE OR REPLACE FUNCTION s.f(a numeric, OUT b text) RETURNS ...`.
pub(super) fn header(w: &mut Writer<'_, '_>, s: &Subprogram, name: &str) -> String {
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
                text.push_str(&w.cx.declared_expr(default));
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
    // A function with OUT parameters returns its value as one more: what
    // PostgreSQL returns is the row of them.
    let pipelined = s.options.iter().any(|o| o.text.to_ascii_uppercase().contains("PIPELINED"));
    w.cx.return_into = None;
    if let Some(ret) = s.return_type.as_ref().filter(|_| has_out && !pipelined) {
        w.cx.no_anchors = true;
        let returns = w.cx.datatype(ret);
        w.cx.no_anchors = false;
        let into = result_parameter(s);
        params.push(format!("OUT {into} {returns}"));
        w.cx.note(
            line,
            NoteKind::Review,
            format!(
                "a function with OUT parameters: its value is the OUT parameter {into}, after \
                 the others; a call that stands alone (x := f(...)) becomes SELECT ... INTO, \
                 other calls need rewriting"
            ),
        );
        w.cx.return_into = Some(into);
    }
    let params = match params.len() {
        0 => "()".to_owned(),
        1 => format!("({})", params[0]),
        _ => format!("(\n    {}\n)", params.join(",\n    ")),
    };
    let kind = if s.kind == SubprogramKind::Function { "FUNCTION" } else { "PROCEDURE" };
    let mut out = format!("CREATE OR REPLACE {kind} {name}{params}");
    if let Some(ret) = s.return_type.as_ref().filter(|_| w.cx.return_into.is_none()) {
        let returns = if pipelined {
            let items = text::items(ret).map(|i| i.items).unwrap_or_default();
            let parts: Vec<String> = items.iter().filter_map(text::Item::name).collect();
            match w.cx.type_def(&parts) {
                Some((_, catalog::TypeDef::Array { element, .. })) => {
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
                "a pipelined function with OUT parameters: PostgreSQL returns one or the other",
            );
        }
        out.push_str(&format!("\nRETURNS {returns}"));
    }
    out.push('\n');
    out
}

/// The OUT parameter a function with OUT parameters returns its value in:
/// `result`, unless a parameter has that name.
pub(super) fn result_parameter(s: &Subprogram) -> String {
    // Nor a variable of the routine, which would hide it.
    let declared: Vec<String> = match &s.body {
        Some(SubprogramBody::Block(block)) => {
            catalog::flat(&block.declarations).iter().filter_map(|d| declared_name(d)).collect()
        }
        _ => Vec::new(),
    };
    let taken = |name: &str| {
        s.parameters.iter().any(|p| p.name.canonical() == name)
            || declared.iter().any(|d| d == name)
    };
    let mut name = "RESULT".to_owned();
    let mut n = 1;
    while taken(&name) {
        n += 1;
        name = format!("RESULT_{n}");
    }
    name.to_ascii_lowercase()
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
    let default = var.default.as_ref().map_or_else(|| "NULL".to_owned(), |d| w.cx.declared_expr(d));
    let function = format!("{}.{}", pg_name(package), pg_name(name));
    if var.constant {
        return format!(
            "-- constant {}\nCREATE OR REPLACE FUNCTION {function}() RETURNS {datatype}\n\
             LANGUAGE sql IMMUTABLE\nAS $body$ SELECT ({default})::{datatype} $body$;\n",
            var.name
        );
    }
    let setting = setting_name(package, name);
    // The initialisation section may set it: it runs before the first read.
    let initialized = w.cx.catalog.package(package).is_some_and(|p| p.initialized);
    // STABLE still, so that a query comparing with it can use an index:
    // the initialisation it may run first sets the value before any read.
    let (init, read) = match initialized {
        true => (
            format!("    PERFORM {}.{INITIALIZE}();\n", pg_name(package)),
            format!("    v := current_setting('{setting}', true);\n"),
        ),
        false => (String::new(), String::new()),
    };
    let declared = if initialized {
        "v text;".to_owned()
    } else {
        format!("v text := current_setting('{setting}', true);")
    };
    format!(
        "-- package variable {}: session setting {setting}\n\
         CREATE OR REPLACE FUNCTION {function}() RETURNS {datatype}\n\
         LANGUAGE plpgsql STABLE\nAS $body$\nDECLARE\n    {declared}\n\
         BEGIN\n{init}{read}    IF v IS NULL THEN\n        RETURN {default};\n    END IF;\n    \
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
    let package = p.name.last().canonical();
    if let Some(statements) = &p.initialization {
        out.push('\n');
        out.push_str(&initialization(cx, p, statements, comments));
        cx.package_init = Some(format!("PERFORM {schema}.{INITIALIZE}();"));
    }
    member_routines(cx, p, comments, &mut out, |cx, s| {
        let name = s.name.last().canonical();
        let routine = match s.kind {
            SubprogramKind::Procedure => cx.catalog.procedure(&package, &name),
            SubprogramKind::Function => pg_name(&name),
        };
        if routine != pg_name(&name) {
            renamed_note(cx, s, &routine);
        }
        (Cow::Borrowed(s), format!("{schema}.{routine}"))
    });
    cx.package_cursors.clear();
    cx.package_init = None;
    Ok(out)
}

/// The function that runs a package's initialisation section once per
/// session, called first by each of its routines and state readers.
pub(super) const INITIALIZE: &str = "package_initialization";

fn initialization(
    cx: &mut Cx<'_>,
    p: &Package,
    statements: &[Statement],
    comments: &[crate::plsql::ast::Comment],
) -> String {
    let package = p.name.last().canonical();
    let setting = setting_name(&package, "_INITIALIZED");
    let start = statements.first().map_or(p.name.span, |s| s.span);
    let block = Block {
        declarations: Vec::new(),
        statements: statements.to_vec(),
        handlers: p.handlers.clone(),
        end_label: None,
        span: Span { end: start.end.max(statements.last().map_or(0, |s| s.span.end)), ..start },
    };
    cx.note(
        start.line,
        NoteKind::Review,
        format!(
            "the initialisation section runs in {}.{INITIALIZE}(), which each routine and state \
             reader of the package calls first, as does an assignment to its state from \
             elsewhere; like the state, whether it ran follows the transaction, so it runs again \
             after a rollback",
            package_schema(p)
        ),
    );
    cx.in_function = true;
    let mut w = Writer::new(cx, comments);
    w.cx.push_scope();
    w.skip_comments_before(start.start);
    w.indent = 1;
    w.line(&format!("IF current_setting('{setting}', true) = 'yes' THEN"));
    w.line("    RETURN;");
    w.line("END IF;");
    w.line(&format!("PERFORM set_config('{setting}', 'yes', false);"));
    w.body(&block);
    w.line("END;");
    w.indent = 0;
    let body = format!("BEGIN\n{}END;\n", w.out);
    let mut decl: Vec<String> = w.cx.loop_records.iter().map(|r| format!("{r} record;")).collect();
    decl.extend(w.cx.extra_declarations.iter().cloned());
    w.cx.pop_scope();
    let header =
        format!("CREATE OR REPLACE FUNCTION {}.{INITIALIZE}() RETURNS void\n", package_schema(p));
    plpgsql_function(&w.cx.preamble, &header, None, decl, &body)
}

/// Says that procedure `s` is created as `routine`, apart from the function
/// with its name.
pub(super) fn renamed_note(cx: &mut Cx<'_>, s: &Subprogram, routine: &str) {
    cx.note(
        s.span.line,
        NoteKind::Review,
        format!(
            "procedure {} is {routine}: a function has its name, and PostgreSQL resolves calls \
             over functions and procedures together; calls from the estate are rewritten, other \
             callers must change",
            s.name.last().text
        ),
    );
}

/// Each member of a package or type body that has a body, as the routine
/// `as_routine` makes of it (the subprogram to write and its name), after
/// the comments before it; one that cannot be translated is noted.
pub(super) fn member_routines<'p>(
    cx: &mut Cx<'_>,
    p: &'p Package,
    comments: &[crate::plsql::ast::Comment],
    out: &mut String,
    mut as_routine: impl FnMut(&mut Cx<'_>, &'p Subprogram) -> (Cow<'p, Subprogram>, String),
) {
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
        let (member, name) = as_routine(cx, s);
        match routine(cx, &member, &name, comments) {
            Ok(text) => {
                out.push('\n');
                out.push_str(&leading);
                out.push_str(&text);
            }
            Err(e) => {
                cx.note(s.span.line, NoteKind::Unsupported, format!("{}: {e}", s.name.last().text))
            }
        }
        // What a constructor's RETURN returns is its own.
        cx.bare_return = None;
    }
}

/// The comments between `from` and `to`, as SQL comment lines.
pub(super) fn leading_comments(
    comments: &[crate::plsql::ast::Comment],
    from: u32,
    to: u32,
) -> String {
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

/// A trigger: its function and the `CREATE TRIGGER` that calls it; for a
/// compound trigger, one of each per timing point.
fn trigger(
    cx: &mut Cx<'_>,
    t: &Trigger,
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let Some(target) = &t.target else {
        return Err(TranslateError::Kind("a database or schema trigger"));
    };
    let names = referencing(cx, t);
    cx.trigger = Some(names.clone());
    let table = target.parts.iter().map(|p| pg_name(&p.canonical())).collect::<Vec<_>>().join(".");
    let events = cx.expr(&t.events);
    let on = TriggerOn { trigger: t, names: &names, table: &table, events: &events };
    let trigger_name = pg_name(&t.name.last().canonical());
    match &t.body {
        TriggerBody::Compound { declarations, sections } => {
            compound(cx, &on, declarations, sections, comments)
        }
        TriggerBody::Block(block) => {
            let timing = if t.timing.starts_with("INSTEAD") { "INSTEAD OF" } else { &t.timing };
            let part = TriggerPart {
                name: trigger_name,
                timing,
                row: t.for_each_row,
                block,
                when: t.when.as_ref(),
                opening: Vec::new(),
            };
            Ok(trigger_part(cx, &on, part, comments))
        }
        TriggerBody::Call(_) => Err(TranslateError::Kind("a CALL trigger")),
    }
}

/// What `:NEW` and `:OLD` are called (REFERENCING), with a note for a
/// disabled trigger.
fn referencing(cx: &mut Cx<'_>, t: &Trigger) -> TriggerNames {
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
    names
}

/// The table and events a trigger fires on.
struct TriggerOn<'a> {
    trigger: &'a Trigger,
    names: &'a TriggerNames,
    /// The table, as PostgreSQL names it.
    table: &'a str,
    /// `INSERT OR UPDATE OF x`, rewritten.
    events: &'a str,
}

/// One trigger function and its `CREATE TRIGGER`.
struct TriggerPart<'a> {
    /// The trigger's name, and its function's in the object's schema.
    name: String,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    timing: &'a str,
    row: bool,
    block: &'a Block,
    when: Option<&'a Fragment>,
    /// Statements to run first.
    opening: Vec<String>,
}

fn trigger_part(
    cx: &mut Cx<'_>,
    on: &TriggerOn<'_>,
    part: TriggerPart<'_>,
    comments: &[crate::plsql::ast::Comment],
) -> String {
    let names = on.names;
    let events_upper = on.trigger.events.text.to_ascii_uppercase();
    let when_in_body = part.when.is_some_and(|w| {
        let c = w.text.to_ascii_uppercase();
        let uses =
            |record: &str| c.contains(&format!("{record}.")) || c.contains(&format!(":{record}"));
        (events_upper.contains("INSERT") && uses(&names.old))
            || (events_upper.contains("DELETE") && uses(&names.new))
    });
    let before = part.timing.starts_with("BEFORE") || part.timing.starts_with("INSTEAD");
    let ret = match (part.row && before, events_upper.contains("DELETE")) {
        (true, true) => "COALESCE(NEW, OLD)",
        (true, false) => "NEW",
        (false, _) => "NULL",
    };
    let trigger_name = &part.name;
    let function = format!("{}.{trigger_name}", cx.schema);
    let block = part.block;
    cx.in_function = true;
    cx.loop_records.clear();
    cx.extra_declarations.clear();
    cx.preamble.clear();
    let mut w = Writer::new(cx, comments);
    w.trigger_return = Some(ret.to_owned());
    w.cx.push_scope();
    w.skip_comments_before(block.span.start);
    let declarations = w.declarations(&block.declarations);
    let mut body = Writer::new(&mut *w.cx, comments);
    body.trigger_return = Some(ret.to_owned());
    body.skip_comments_before(declarations_end(block));
    body.line("BEGIN");
    body.indent += 1;
    for statement in &part.opening {
        body.line(statement);
    }
    if let (true, Some(when)) = (when_in_body, part.when) {
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
    let mut out = plpgsql_function(&w.cx.preamble, &header, None, decl, &body_text);
    out.push('\n');
    let level = if part.row { "FOR EACH ROW" } else { "FOR EACH STATEMENT" };
    let when = match part.when.filter(|_| !when_in_body) {
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
    let (timing, events, table) = (part.timing, on.events, on.table);
    out.push_str(&format!(
        "DROP TRIGGER IF EXISTS {trigger_name} ON {table};\n\
         CREATE TRIGGER {trigger_name}\n{timing} {events} ON {table}\n{level}{when}\nEXECUTE FUNCTION {function}();\n"
    ));
    w.cx.pop_scope();
    out
}

/// A compound trigger: its declarations are state shared by its timing
/// points, kept as a package's is (a schema named after the trigger), and
/// set back to their defaults before each triggering statement, as Oracle
/// does; each timing point is a trigger of its own.
fn compound(
    cx: &mut Cx<'_>,
    on: &TriggerOn<'_>,
    declarations: &[Declaration],
    sections: &[crate::plsql::ast::TimingPoint],
    comments: &[crate::plsql::ast::Comment],
) -> Result<String, TranslateError> {
    let t = on.trigger;
    let state = Package {
        name: t.name.clone(),
        options: Vec::new(),
        declarations: declarations.to_vec(),
        initialization: None,
        handlers: Vec::new(),
    };
    let mut out = package_spec(cx, &state, comments);
    let package = t.name.last().canonical();
    // Its procedures and functions, as a package's members.
    let schema = package_schema(&state);
    member_routines(cx, &state, comments, &mut out, |cx, s| {
        let name = s.name.last().canonical();
        let routine = match s.kind {
            SubprogramKind::Procedure => cx.catalog.procedure(&package, &name),
            SubprogramKind::Function => pg_name(&name),
        };
        (Cow::Borrowed(s), format!("{schema}.{routine}"))
    });
    // Each variable back to its default: a statement's timing points share
    // what the statement's own BEFORE STATEMENT starts with.
    let mut reset = Vec::new();
    for d in catalog::flat(declarations) {
        let DeclarationItem::Variable { name, constant: false, default, .. } = &d.item else {
            continue;
        };
        let value = default.as_ref().map_or_else(|| "NULL".to_owned(), |d| cx.declared_expr(d));
        let setting = setting_name(&package, &name.canonical());
        reset.push(format!(
            "PERFORM set_config('{setting}', coalesce(({value})::text, ''), false);"
        ));
    }
    cx.note(
        t.name.span.line,
        NoteKind::Review,
        "a compound trigger became one trigger per timing point, sharing its declarations as \
         session settings: PostgreSQL fires AFTER EACH ROW triggers at the end of the statement, \
         after every BEFORE EACH ROW, where Oracle fires them row by row",
    );
    let base = pg_name(&package);
    let before_statement = |s: &crate::plsql::ast::TimingPoint| {
        s.timing.text.split_whitespace().map(str::to_ascii_uppercase).collect::<Vec<_>>()
            == ["BEFORE", "STATEMENT"]
    };
    if !reset.is_empty() && !sections.iter().any(before_statement) {
        let nothing = Block {
            declarations: Vec::new(),
            statements: Vec::new(),
            handlers: Vec::new(),
            end_label: None,
            span: Span { start: t.name.span.start, end: t.name.span.start, ..t.name.span },
        };
        let part = TriggerPart {
            name: format!("{base}_reset"),
            timing: "BEFORE",
            row: false,
            block: &nothing,
            when: None,
            opening: reset.clone(),
        };
        out.push('\n');
        out.push_str(&trigger_part(cx, on, part, comments));
    }
    for section in sections {
        let words: Vec<String> =
            section.timing.text.split_whitespace().map(str::to_ascii_uppercase).collect();
        let (timing, row) = match words.iter().map(String::as_str).collect::<Vec<_>>()[..] {
            ["BEFORE", "STATEMENT"] => ("BEFORE", false),
            ["AFTER", "STATEMENT"] => ("AFTER", false),
            ["BEFORE", "EACH", "ROW"] => ("BEFORE", true),
            ["AFTER", "EACH", "ROW"] => ("AFTER", true),
            ["INSTEAD", "OF", "EACH", "ROW"] => ("INSTEAD OF", true),
            _ => return Err(TranslateError::Kind("a compound trigger's unknown timing point")),
        };
        let suffix =
            words.iter().filter(|w| *w != "EACH" && *w != "OF").map(|w| w.to_ascii_lowercase());
        let name = std::iter::once(base.clone()).chain(suffix).collect::<Vec<_>>().join("_");
        let part = TriggerPart {
            name,
            timing,
            row,
            block: &section.block,
            // The trigger's WHEN is tested for each row.
            when: t.when.as_ref().filter(|_| row),
            opening: if before_statement(section) { reset.clone() } else { Vec::new() },
        };
        out.push('\n');
        out.push_str(&trigger_part(cx, on, part, comments));
    }
    cx.package = None;
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
