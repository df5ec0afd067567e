//! A walk over one object's parse tree, in source order, shared by the analyses.
//!
//! [`walk`] calls a [`Visitor`] for every routine, declaration, statement, handler,
//! expression fragment and embedded SQL statement, with a [`Context`]: the enclosing
//! subprogram, the branch conditions that lead to the node and its nesting depth.
//! It reads the tree only; looking inside a fragment is the visitor's business
//! ([`tokens_in`] gives the fragment's tokens). Statements that did not parse and the
//! conditions of `$IF` directives are not looked into.

use crate::plsql::ast::{
    Block, Declaration, DeclarationItem, Fragment, Handler, LoopKind, Package, Span, SqlStatement,
    Statement, StatementItem, Subprogram, SubprogramBody, Trigger, TriggerBody, TypeKind, UnitItem,
};
use crate::plsql::lexer::Tok;
use crate::plsql::Object;

/// What a fragment is, for a visitor that treats them differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A value: an assignment's sides, an argument, a default, a bound.
    Expression,
    /// A boolean that decides a branch or a loop: IF, ELSIF, searched CASE WHEN,
    /// WHILE, EXIT WHEN, a trigger's WHEN.
    Condition,
    /// The data type of a variable, parameter, attribute, subtype or return value.
    DataType,
    /// The text after `IS` of a `TYPE` declaration or collection type.
    TypeDefinition(TypeKind),
    /// The arguments of a `PRAGMA`.
    Pragma,
}

/// A unit of code with its own McCabe number.
#[derive(Clone, Copy, Debug)]
pub enum Routine<'a> {
    /// A procedure or function, with or without a body.
    Subprogram(&'a Subprogram),
    /// A package body's initialisation section.
    Initialization,
    /// A trigger's body, all sections of a compound trigger together.
    Trigger(&'a Trigger),
}

/// A branch condition on the way to a node, outermost first.
#[derive(Clone, Debug)]
pub struct Condition<'a> {
    /// As a reader would write it: the condition, `selector = value` for a simple
    /// CASE, `NOT (condition)` for an ELSE branch.
    pub text: String,
    /// The fragment the condition was read from.
    pub fragment: &'a Fragment,
    pub branch: Branch,
}

/// The kind of branch a [`Condition`] leads into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    /// `IF` or `ELSIF`.
    If,
    /// `WHEN` of a CASE statement.
    When,
    /// `ELSE` of either: the condition is an earlier branch's, negated.
    Else,
}

/// Where a node is.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// The innermost subprogram around the node.
    pub subprogram: Option<&'a Subprogram>,
    pub conditions: Vec<Condition<'a>>,
    /// Blocks, branches and loops around the node inside its routine; the body block
    /// of a subprogram counts, so its statements are at depth 1.
    pub depth: u32,
}

/// Callbacks of [`walk`]; each does nothing unless overridden.
pub trait Visitor<'a> {
    fn enter_routine(&mut self, _routine: Routine<'a>, _cx: &Context<'a>) {}
    fn leave_routine(&mut self, _routine: Routine<'a>) {}
    fn declaration(&mut self, _declaration: &'a Declaration, _cx: &Context<'a>) {}
    fn statement(&mut self, _statement: &'a Statement, _cx: &Context<'a>) {}
    fn handler(&mut self, _handler: &'a Handler, _cx: &Context<'a>) {}
    fn fragment(&mut self, _fragment: &'a Fragment, _role: Role, _cx: &Context<'a>) {}
    fn sql(&mut self, _sql: &'a SqlStatement, _cx: &Context<'a>) {}
}

/// Visits the tree of `object`, if it has one.
pub fn walk<'a>(object: &'a Object, visitor: &mut impl Visitor<'a>) {
    let Some(unit) = &object.unit else { return };
    let mut w = Walker { visitor, cx: Context::default() };
    match &unit.item {
        UnitItem::PackageSpec(p) | UnitItem::PackageBody(p) | UnitItem::TypeBody(p) => w.package(p),
        UnitItem::Subprogram(s) => w.subprogram(s),
        UnitItem::Trigger(t) => w.trigger(t),
        UnitItem::TypeSpec(t) => {
            for attribute in &t.attributes {
                w.fragment(&attribute.datatype, Role::DataType);
            }
            if let Some(definition) = &t.definition {
                w.fragment(definition, Role::TypeDefinition(t.kind));
            }
            for method in &t.methods {
                w.subprogram(method);
            }
        }
        UnitItem::View(v) => w.visitor.sql(&v.query, &w.cx),
        UnitItem::Ddl(sql) => w.visitor.sql(sql, &w.cx),
        UnitItem::JavaSource { .. } => {}
    }
}

/// The tokens of `tokens` (sorted by position) that lie within `span`.
pub fn tokens_in(tokens: &[Tok], span: Span) -> &[Tok] {
    let from = tokens.partition_point(|t| t.span.start < span.start);
    let to = tokens.partition_point(|t| t.span.start < span.end);
    &tokens[from..to.max(from)]
}

struct Walker<'a, 'v, V> {
    visitor: &'v mut V,
    cx: Context<'a>,
}

impl<'a, V: Visitor<'a>> Walker<'a, '_, V> {
    fn fragment(&mut self, fragment: &'a Fragment, role: Role) {
        self.visitor.fragment(fragment, role, &self.cx);
    }

    fn fragments(&mut self, fragments: &'a [Fragment], role: Role) {
        for f in fragments {
            self.fragment(f, role);
        }
    }

    fn package(&mut self, package: &'a Package) {
        self.declarations(&package.declarations);
        if let Some(statements) = &package.initialization {
            self.routine(Routine::Initialization, |w| {
                w.cx.depth = 1;
                w.statements(statements);
                w.handlers(&package.handlers);
            });
        }
    }

    /// Runs `body` as `routine`, with a fresh depth and no enclosing conditions.
    fn routine(&mut self, routine: Routine<'a>, body: impl FnOnce(&mut Self)) {
        let outer = self.cx.clone();
        self.cx.conditions.clear();
        self.cx.depth = 0;
        if let Routine::Subprogram(s) = routine {
            self.cx.subprogram = Some(s);
        }
        self.visitor.enter_routine(routine, &self.cx);
        body(self);
        self.visitor.leave_routine(routine);
        self.cx = outer;
    }

    fn subprogram(&mut self, subprogram: &'a Subprogram) {
        self.routine(Routine::Subprogram(subprogram), |w| {
            for p in &subprogram.parameters {
                w.fragment(&p.datatype, Role::DataType);
                if let Some(default) = &p.default {
                    w.fragment(default, Role::Expression);
                }
            }
            if let Some(r) = &subprogram.return_type {
                w.fragment(r, Role::DataType);
            }
            if let Some(SubprogramBody::Block(block)) = &subprogram.body {
                w.block(block);
            }
        });
    }

    fn trigger(&mut self, trigger: &'a Trigger) {
        self.routine(Routine::Trigger(trigger), |w| {
            if let Some(when) = &trigger.when {
                w.fragment(when, Role::Condition);
            }
            match &trigger.body {
                TriggerBody::Block(block) => w.block(block),
                TriggerBody::Call(call) => w.fragment(call, Role::Expression),
                TriggerBody::Compound { declarations, sections } => {
                    w.declarations(declarations);
                    for section in sections {
                        w.block(&section.block);
                    }
                }
            }
        });
    }

    /// A block one level deeper than the current depth.
    fn block(&mut self, block: &'a Block) {
        self.cx.depth += 1;
        self.declarations(&block.declarations);
        self.statements(&block.statements);
        self.handlers(&block.handlers);
        self.cx.depth -= 1;
    }

    fn handlers(&mut self, handlers: &'a [Handler]) {
        for handler in handlers {
            self.visitor.handler(handler, &self.cx);
            self.nested(None, &handler.statements);
        }
    }

    fn declarations(&mut self, declarations: &'a [Declaration]) {
        for d in declarations {
            self.declaration(d);
        }
    }

    fn declaration(&mut self, declaration: &'a Declaration) {
        self.visitor.declaration(declaration, &self.cx);
        match &declaration.item {
            DeclarationItem::Variable { datatype, default, .. } => {
                self.fragment(datatype, Role::DataType);
                if let Some(default) = default {
                    self.fragment(default, Role::Expression);
                }
            }
            DeclarationItem::Pragma { arguments, .. } => self.fragments(arguments, Role::Pragma),
            DeclarationItem::Type { kind, definition, .. } => {
                self.fragment(definition, Role::TypeDefinition(*kind))
            }
            DeclarationItem::Subtype { definition, .. } => {
                self.fragment(definition, Role::DataType)
            }
            DeclarationItem::Cursor { parameters, return_type, query, .. } => {
                for p in parameters {
                    self.fragment(&p.datatype, Role::DataType);
                    if let Some(default) = &p.default {
                        self.fragment(default, Role::Expression);
                    }
                }
                if let Some(r) = return_type {
                    self.fragment(r, Role::DataType);
                }
                if let Some(query) = query {
                    self.visitor.sql(query, &self.cx);
                }
            }
            DeclarationItem::Subprogram(s) => self.subprogram(s),
            DeclarationItem::Conditional(c) => {
                for (_, branch) in &c.branches {
                    self.declarations(branch);
                }
                if let Some(otherwise) = &c.otherwise {
                    self.declarations(otherwise);
                }
            }
            DeclarationItem::Exception { .. } | DeclarationItem::Unparsed { .. } => {}
        }
    }

    fn statements(&mut self, statements: &'a [Statement]) {
        for s in statements {
            self.statement(s);
        }
    }

    /// `statements` one level deeper, under `condition` when there is one.
    fn nested(&mut self, condition: Option<Condition<'a>>, statements: &'a [Statement]) {
        let pushed = condition.is_some();
        self.cx.conditions.extend(condition);
        self.cx.depth += 1;
        self.statements(statements);
        self.cx.depth -= 1;
        if pushed {
            self.cx.conditions.pop();
        }
    }

    fn statement(&mut self, statement: &'a Statement) {
        self.visitor.statement(statement, &self.cx);
        match &statement.item {
            StatementItem::Assignment { target, value } => {
                self.fragment(target, Role::Expression);
                self.fragment(value, Role::Expression);
            }
            StatementItem::Call { arguments, .. } => self.fragments(arguments, Role::Expression),
            StatementItem::If { branches, otherwise } => {
                for (condition, body) in branches {
                    self.fragment(condition, Role::Condition);
                    let text = condition.text.clone();
                    let c = Condition { text, fragment: condition, branch: Branch::If };
                    self.nested(Some(c), body);
                }
                if let Some(otherwise) = otherwise {
                    let negated = branches.iter().map(|(condition, _)| Condition {
                        text: format!("NOT ({})", condition.text),
                        fragment: condition,
                        branch: Branch::Else,
                    });
                    self.otherwise(negated.collect(), otherwise);
                }
            }
            StatementItem::Case { selector, whens, otherwise } => {
                if let Some(selector) = selector {
                    self.fragment(selector, Role::Expression);
                }
                for (when, body) in whens {
                    let role = if selector.is_some() { Role::Expression } else { Role::Condition };
                    self.fragment(when, role);
                    let text = match selector {
                        Some(s) => format!("{} = {}", s.text, when.text),
                        None => when.text.clone(),
                    };
                    self.nested(
                        Some(Condition { text, fragment: when, branch: Branch::When }),
                        body,
                    );
                }
                if let Some(otherwise) = otherwise {
                    let whens = whens.iter().map(|(when, _)| {
                        let text = match selector {
                            Some(s) => format!("NOT ({} = {})", s.text, when.text),
                            None => format!("NOT ({})", when.text),
                        };
                        Condition { text, fragment: when, branch: Branch::Else }
                    });
                    self.otherwise(whens.collect(), otherwise);
                }
            }
            StatementItem::Loop { kind, body, .. } => {
                match kind {
                    LoopKind::Basic => {}
                    LoopKind::While { condition } => self.fragment(condition, Role::Condition),
                    LoopKind::Range { bounds, .. } => self.fragment(bounds, Role::Expression),
                    LoopKind::Cursor { cursor, query, .. } => {
                        if let Some(cursor) = cursor {
                            self.fragment(cursor, Role::Expression);
                        }
                        if let Some(query) = query {
                            self.visitor.sql(query, &self.cx);
                        }
                    }
                }
                self.nested(None, body);
            }
            StatementItem::Exit { when: Some(when), .. } => self.fragment(when, Role::Condition),
            StatementItem::Return { value: Some(value) } | StatementItem::PipeRow { value } => {
                self.fragment(value, Role::Expression)
            }
            StatementItem::Open { cursor, query, dynamic, using } => {
                self.fragment(cursor, Role::Expression);
                if let Some(query) = query {
                    self.visitor.sql(query, &self.cx);
                }
                if let Some(dynamic) = dynamic {
                    self.fragment(dynamic, Role::Expression);
                }
                self.fragments(using, Role::Expression);
            }
            StatementItem::Fetch { cursor, into, limit, .. } => {
                self.fragment(cursor, Role::Expression);
                self.fragments(into, Role::Expression);
                if let Some(limit) = limit {
                    self.fragment(limit, Role::Expression);
                }
            }
            StatementItem::Close { cursor } => self.fragment(cursor, Role::Expression),
            StatementItem::ExecuteImmediate { sql, into, using, returning_into, .. } => {
                self.fragment(sql, Role::Expression);
                self.fragments(into, Role::Expression);
                self.fragments(using, Role::Expression);
                self.fragments(returning_into, Role::Expression);
            }
            StatementItem::Forall { bounds, statement, .. } => {
                self.fragment(bounds, Role::Expression);
                self.nested(None, std::slice::from_ref(statement));
            }
            StatementItem::Sql(sql) => self.visitor.sql(sql, &self.cx),
            StatementItem::Block(block) => self.block(block),
            StatementItem::Conditional(c) => {
                for (_, branch) in &c.branches {
                    self.statements(branch);
                }
                if let Some(otherwise) = &c.otherwise {
                    self.statements(otherwise);
                }
            }
            _ => {}
        }
    }

    /// The ELSE branch of an IF or CASE, under the negation of each earlier condition.
    fn otherwise(&mut self, negated: Vec<Condition<'a>>, body: &'a [Statement]) {
        let before = self.cx.conditions.len();
        self.cx.conditions.extend(negated);
        self.nested(None, body);
        self.cx.conditions.truncate(before);
    }
}
