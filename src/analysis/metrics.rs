//! Size and shape of one object: lines, statements, McCabe numbers, nesting.
//!
//! Everything but the line counts is read off the parse tree, so an object that was
//! not parsed (wrapped, Java, untokenizable) has only `lines` and `code_lines`. CASE
//! expressions and AND/OR inside expressions or SQL are not decisions here: only the
//! conditions of PL/SQL statements count. Nesting counts a subprogram's body as 1,
//! so a body with one IF has a nesting of 2; a nested subprogram starts again at 1.

use std::collections::BTreeSet;

use sqlparser::tokenizer::Token;

use super::walk::{self, tokens_in, Context, Role, Routine, Visitor};
use super::Metrics;
use crate::plsql::ast::{
    Declaration, DeclarationItem, Fragment, Handler, SqlStatement, Statement, StatementItem,
    SubprogramBody,
};
use crate::plsql::lexer::Tok;
use crate::plsql::Object;

/// Measures `object` from its tree and tokens.
pub fn measure(object: &Object) -> Metrics {
    let mut lines = BTreeSet::new();
    for t in &object.tokens {
        lines.extend(t.span.line..=t.span.end_line.max(t.span.line));
    }
    let mut m = Measure {
        tokens: &object.tokens,
        metrics: Metrics {
            lines: object.last_line.saturating_sub(object.first_line) + 1,
            // Text that was not tokenized (wrapped, Java) still has to be
            // rewritten: count its lines, so that estimates see its size.
            code_lines: match object.tokens.is_empty() {
                true => object.last_line.saturating_sub(object.first_line) + 1,
                false => lines.len() as u32,
            },
            ..Metrics::default()
        },
        routines: Vec::new(),
    };
    walk::walk(object, &mut m);
    m.metrics
}

struct Measure<'a> {
    tokens: &'a [Tok],
    metrics: Metrics,
    /// McCabe numbers of the routines being walked, innermost last; `None` for a
    /// subprogram without a body, which counts for nothing.
    routines: Vec<Option<u32>>,
}

impl Measure<'_> {
    fn decisions(&mut self, n: u32) {
        if let Some(Some(count)) = self.routines.last_mut() {
            *count += n;
        }
    }

    fn nesting(&mut self, level: u32) {
        self.metrics.max_nesting = self.metrics.max_nesting.max(level);
    }
}

impl<'a> Visitor<'a> for Measure<'a> {
    fn enter_routine(&mut self, routine: Routine<'a>, _: &Context<'a>) {
        let has_body = match routine {
            Routine::Subprogram(s) => matches!(s.body, Some(SubprogramBody::Block(_))),
            Routine::Initialization | Routine::Trigger(_) => true,
        };
        if has_body {
            if let Routine::Subprogram(_) = routine {
                self.metrics.subprograms += 1;
            }
            self.nesting(1);
        }
        self.routines.push(has_body.then_some(1));
    }

    fn leave_routine(&mut self, _: Routine<'a>) {
        if let Some(Some(count)) = self.routines.pop() {
            self.metrics.cyclomatic += count;
            self.metrics.max_cyclomatic = self.metrics.max_cyclomatic.max(count);
        }
    }

    fn declaration(&mut self, declaration: &'a Declaration, _: &Context<'a>) {
        let item = &declaration.item;
        if matches!(item, DeclarationItem::Conditional(_)) {
            return;
        }
        self.metrics.declarations += 1;
        let package_level = self.routines.is_empty();
        if package_level && matches!(item, DeclarationItem::Variable { .. }) {
            self.metrics.package_variables += 1;
        }
    }

    fn statement(&mut self, statement: &'a Statement, cx: &Context<'a>) {
        self.metrics.statements += 1;
        let compound = match &statement.item {
            StatementItem::If { branches, .. } => {
                self.decisions(branches.len() as u32);
                true
            }
            StatementItem::Case { whens, .. } => {
                self.decisions(whens.len() as u32);
                true
            }
            StatementItem::Loop { .. } | StatementItem::Forall { .. } => {
                self.decisions(1);
                true
            }
            StatementItem::Exit { when: Some(_), .. } => {
                self.decisions(1);
                false
            }
            StatementItem::Block(_) => true,
            StatementItem::ExecuteImmediate { .. }
            | StatementItem::Open { dynamic: Some(_), .. } => {
                self.metrics.dynamic_sql += 1;
                false
            }
            StatementItem::Call { name, .. } => {
                if name.canonical().ends_with("DBMS_SQL.PARSE") {
                    self.metrics.dynamic_sql += 1;
                }
                false
            }
            _ => false,
        };
        if compound {
            self.nesting(cx.depth + 1);
        }
    }

    fn handler(&mut self, _: &'a Handler, _: &Context<'a>) {
        self.decisions(1);
    }

    fn fragment(&mut self, fragment: &'a Fragment, role: Role, _: &Context<'a>) {
        if role != Role::Condition {
            return;
        }
        let connectives = tokens_in(self.tokens, fragment.span)
            .iter()
            .filter(|t| {
                matches!(&t.token, Token::Word(w) if w.quote_style.is_none()
                    && (w.value.eq_ignore_ascii_case("AND") || w.value.eq_ignore_ascii_case("OR")))
            })
            .count();
        self.decisions(connectives as u32);
    }

    fn sql(&mut self, _: &'a SqlStatement, _: &Context<'a>) {
        self.metrics.sql_statements += 1;
    }
}
