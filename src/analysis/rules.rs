//! Candidate business rules, read off the structure of the code.
//!
//! Three shapes are recognised. A *validation* is a raise (`RAISE_APPLICATION_ERROR`
//! or `RAISE e`) under an IF or CASE branch. A *calculation* is an assignment, or a
//! function's `RETURN`, whose value is arithmetic or a call to a user function or a
//! numeric built-in. A *workflow* step is an `UPDATE` or `INSERT` setting a
//! status-like column to a literal, or an `INSERT` into a history, audit, log or
//! queue table.
//!
//! These are candidates for a person to confirm, not rules proven to be business
//! logic: the reading is syntactic, knows no data and does not follow calls, so a
//! lookup through a user function (`v := get_pref(...)`) is a calculation candidate
//! like a real formula. Assigning a record or collection from a function is not.
//! The conditions of a rule are those of the branches around it; an ELSIF branch
//! does not list the earlier conditions it implies were false.

use std::collections::HashSet;

use sqlparser::tokenizer::Token;

use super::builtins::{is_builtin, is_builtin_type};
use super::references::{Locals, KEYWORDS};
use super::walk::{self, tokens_in, Branch, Condition, Context, Visitor};
use super::{Rule, RuleCategory};
use crate::plsql::ast::{
    Fragment, SqlKind, SqlStatement, Statement, StatementItem, SubprogramKind, UnitItem,
};
use crate::plsql::lexer::Tok;
use crate::plsql::Object;

/// The most lines of source a rule keeps.
const MAX_SOURCE_LINES: usize = 5;

/// The longest condition text a rule's name repeats.
const MAX_NAME_CONDITION: usize = 60;

/// Built-ins whose use makes an assignment a calculation.
static NUMERIC_BUILTINS: &[&str] = &[
    "ABS",
    "ADD_MONTHS",
    "CEIL",
    "EXP",
    "FLOOR",
    "GREATEST",
    "LEAST",
    "LN",
    "LOG",
    "MOD",
    "MONTHS_BETWEEN",
    "POWER",
    "REMAINDER",
    "ROUND",
    "SIGN",
    "SQRT",
    "TRUNC",
];

/// Built-ins on text, whose arguments' arithmetic is about positions and lengths.
static TEXT_BUILTINS: &[&str] = &[
    "CHR",
    "INSTR",
    "INSTRB",
    "LPAD",
    "LTRIM",
    "REGEXP_INSTR",
    "REGEXP_REPLACE",
    "REGEXP_SUBSTR",
    "REPLACE",
    "RPAD",
    "RTRIM",
    "SUBSTR",
    "SUBSTRB",
    "TO_CHAR",
    "TRIM",
];

/// Words that name a status-like column, alone or as a `_`-separated part.
static STATUS_WORDS: &[&str] =
    &["ESTADO", "ETAPA", "FASE", "FLAG", "SITUACION", "STAGE", "STATE", "STATUS"];

/// Words of a table name that suggest a history, audit, log or queue table.
static TRAIL_WORDS: &[&str] = &[
    "AUDIT",
    "AUDITORIA",
    "BITACORA",
    "COLA",
    "HIST",
    "HISTORIAL",
    "HISTORICO",
    "HISTORY",
    "JOURNAL",
    "LOG",
    "LOGS",
    "OUTBOX",
    "QUEUE",
    "TRAZA",
];

/// The candidate rules of `object`, in source order.
pub fn extract(object: &Object) -> Vec<Rule> {
    let mut rules = Rules { object, locals: Locals::of(object), rules: Vec::new() };
    walk::walk(object, &mut rules);
    rules.rules.sort_by_key(|r| r.line);
    rules.rules
}

struct Rules<'a> {
    object: &'a Object,
    locals: Locals,
    rules: Vec<Rule>,
}

impl<'a> Rules<'a> {
    fn tokens(&self, fragment: &Fragment) -> &'a [Tok] {
        tokens_in(&self.object.tokens, fragment.span)
    }

    /// The enclosing subprogram's name, or the object's for code outside any.
    fn owner(cx: &Context, object: &Object) -> (Option<String>, String) {
        match cx.subprogram {
            Some(s) => (Some(s.name.last().canonical()), s.name.last().canonical()),
            None => (None, object.name.clone()),
        }
    }

    fn push(&mut self, category: RuleCategory, what: String, cx: &Context, found: Found) {
        let (subprogram, owner) = Rules::owner(cx, self.object);
        let conditions: Vec<String> = cx.conditions.iter().map(|c| c.text.clone()).collect();
        let mut source = String::new();
        match cx.conditions.last() {
            Some(c) if c.branch == Branch::When => {
                source.push_str(&format!("CASE WHEN {} THEN\n  ", c.text))
            }
            Some(c) if c.branch == Branch::Else => {
                source.push_str(&format!("ELSE -- {}\n  ", branch_condition(cx)))
            }
            Some(c) => source.push_str(&format!("IF {} THEN\n  ", c.text)),
            None => {}
        }
        source.push_str(&found.action);
        source.push(';');
        self.rules.push(Rule {
            category,
            name: format!("{owner}: {what}"),
            subprogram,
            conditions,
            actions: vec![found.action],
            exceptions: found.exceptions,
            applies_to: found.applies_to,
            source_code: clip(&source),
            line: found.line,
        });
    }

    fn validation(&mut self, statement: &Statement, cx: &Context) {
        if cx.conditions.is_empty() {
            return;
        }
        let (action, exceptions) = match &statement.item {
            StatementItem::Call { name, arguments, text } => {
                if name.canonical() != "RAISE_APPLICATION_ERROR" {
                    return;
                }
                (text.text.clone(), arguments.iter().take(1).map(|a| a.text.clone()).collect())
            }
            StatementItem::Raise { exception: Some(e) } => {
                (format!("RAISE {}", e.canonical()), vec![e.canonical()])
            }
            _ => return,
        };
        let what = format!("rejects when {}", shortened(&branch_condition(cx)));
        let applies_to = self.applies_to(cx);
        let found = Found { action, exceptions, applies_to, line: statement.span.line };
        self.push(RuleCategory::Validation, what, cx, found);
    }

    /// Parameters of the enclosing subprogram and `:NEW.col` named in the conditions.
    fn applies_to(&self, cx: &Context) -> Vec<String> {
        let parameters: Vec<String> = cx
            .subprogram
            .map(|s| s.parameters.iter().map(|p| p.name.canonical()).collect())
            .unwrap_or_default();
        let mut names = Vec::new();
        for Condition { fragment, .. } in &cx.conditions {
            let toks = self.tokens(fragment);
            for (i, t) in toks.iter().enumerate() {
                let Token::Word(w) = &t.token else { continue };
                let name = w.value.to_uppercase();
                let after = |k: usize| toks.get(i + k).map(|t| &t.token);
                let before = i.checked_sub(1).map(|p| &toks[p].token);
                let found = if (name == "NEW" || name == "OLD") && before == Some(&Token::Colon) {
                    match (after(1), after(2)) {
                        (Some(Token::Period), Some(Token::Word(col))) => {
                            Some(format!(":{name}.{}", col.value.to_uppercase()))
                        }
                        _ => None,
                    }
                } else if parameters.contains(&name) && before != Some(&Token::Period) {
                    Some(name)
                } else {
                    None
                };
                if let Some(found) = found.filter(|f| !names.contains(f)) {
                    names.push(found);
                }
            }
        }
        names
    }

    fn calculation(&mut self, statement: &Statement, cx: &Context) {
        let (target, value) = match &statement.item {
            StatementItem::Assignment { target, value } => (Some(target), value),
            StatementItem::Return { value: Some(value) } => {
                let function = cx.subprogram.is_some_and(|s| s.kind == SubprogramKind::Function);
                if !function {
                    return;
                }
                (None, value)
            }
            _ => return,
        };
        let toks = self.tokens(value);
        if target.is_some_and(|t| is_counter(&t.text, &value.text)) {
            return;
        }
        let fetches_row = target.is_some_and(|t| {
            let first = t.text.split(['.', '(']).next().unwrap_or_default();
            self.locals.composites.contains(first.trim().to_uppercase().as_str())
        });
        if !computes(toks, target.is_none() || fetches_row, &self.locals.values) {
            return;
        }
        let (action, what, applies_to) = match target {
            Some(t) => {
                let name = t.text.trim().to_owned();
                (format!("{name} := {}", value.text), format!("computes {name}"), vec![name])
            }
            None => {
                let what = format!("returns {}", shortened(&value.text));
                (format!("RETURN {}", value.text), what, Vec::new())
            }
        };
        let found = Found { action, exceptions: Vec::new(), applies_to, line: statement.span.line };
        self.push(RuleCategory::Calculation, what, cx, found);
    }

    fn workflow(&mut self, sql: &SqlStatement, cx: &Context) {
        if !matches!(sql.kind, SqlKind::Update | SqlKind::Insert) {
            return;
        }
        let toks = tokens_in(&self.object.tokens, sql.span);
        let status = match sql.kind {
            SqlKind::Update => update_status(toks),
            _ => insert_status(toks),
        };
        let table = sql.writes.first().cloned().unwrap_or_default();
        let what = match status {
            Some((column, value)) => format!("sets {table}.{column} to {value}"),
            None if sql.kind == SqlKind::Insert && is_trail_table(&table) => {
                format!("records in {table}")
            }
            None => return,
        };
        let found = Found {
            action: sql.text.clone(),
            exceptions: Vec::new(),
            applies_to: sql.writes.clone(),
            line: sql.span.line,
        };
        self.push(RuleCategory::Workflow, what, cx, found);
    }
}

/// The condition of the innermost branch: for an ELSE, every earlier branch's
/// condition negated.
fn branch_condition(cx: &Context) -> String {
    let Some(last) = cx.conditions.last() else { return String::new() };
    if last.branch != Branch::Else {
        return last.text.clone();
    }
    let negated = cx.conditions.iter().rev().take_while(|c| c.branch == Branch::Else);
    let mut texts: Vec<&str> = negated.map(|c| c.text.as_str()).collect();
    texts.reverse();
    texts.join(" AND ")
}

/// What a rule does, found at a line.
struct Found {
    action: String,
    exceptions: Vec<String>,
    applies_to: Vec<String>,
    line: u32,
}

impl<'a> Visitor<'a> for Rules<'a> {
    fn statement(&mut self, statement: &'a Statement, cx: &Context<'a>) {
        self.validation(statement, cx);
        self.calculation(statement, cx);
    }

    fn sql(&mut self, sql: &'a SqlStatement, cx: &Context<'a>) {
        let in_code = !matches!(
            self.object.unit.as_ref().map(|u| &u.item),
            Some(UnitItem::View(_) | UnitItem::Ddl(_))
        );
        if in_code {
            self.workflow(sql, cx);
        }
    }
}

/// Whether a value computes something: arithmetic, or (unless `arithmetic_only`) a
/// call to a user function or a numeric built-in. String building (`||`) is not.
fn computes(toks: &[Tok], arithmetic_only: bool, locals: &HashSet<String>) -> bool {
    if toks.iter().any(|t| t.token == Token::StringConcat) {
        return false;
    }
    let arithmetic = has_arithmetic(toks);
    if arithmetic || arithmetic_only {
        return arithmetic;
    }
    (1..toks.len()).any(|i| toks[i].token == Token::LParen && computing_call(toks, i - 1, locals))
}

/// Whether `toks` hold arithmetic outside the arguments of a text built-in:
/// `SUBSTR(s, i + 1)` moves a position, it computes no business value.
fn has_arithmetic(toks: &[Tok]) -> bool {
    let mut shielded = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &toks[p].token);
        let inside_text = shielded.last().copied().unwrap_or(false);
        match &t.token {
            Token::LParen => {
                let text = matches!(prev, Some(Token::Word(w))
                    if TEXT_BUILTINS.contains(&w.value.to_uppercase().as_str()));
                shielded.push(inside_text || text);
            }
            Token::RParen => {
                shielded.pop();
            }
            Token::Mul | Token::Div if !inside_text => return true,
            Token::Plus | Token::Minus if !inside_text => {
                // After an operator, a `(` or a `,`, it is a sign, not a sum.
                let sign = matches!(
                    prev,
                    None | Some(
                        Token::LParen
                            | Token::Comma
                            | Token::Mul
                            | Token::Div
                            | Token::Plus
                            | Token::Minus
                    )
                );
                if !sign {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether the name ending at `toks[last]`, before a `(`, is a call to a user
/// function or a numeric built-in, rather than a local collection's element or
/// another built-in.
fn computing_call(toks: &[Tok], last: usize, locals: &HashSet<String>) -> bool {
    let mut start = last;
    while start >= 2
        && toks[start - 1].token == Token::Period
        && matches!(toks[start - 2].token, Token::Word(_))
    {
        start -= 2;
    }
    let parts: Vec<String> = toks[start..=last]
        .iter()
        .filter_map(|t| match &t.token {
            Token::Word(w) => Some(w.value.to_uppercase()),
            _ => None,
        })
        .collect();
    let Some(first) = parts.first() else { return false };
    let name = parts.join(".");
    let syntax = parts.len() == 1 && (KEYWORDS.contains(&first.as_str()) || is_builtin_type(first));
    !locals.contains(first)
        && !syntax
        && (NUMERIC_BUILTINS.contains(&name.as_str()) || !is_builtin(&name))
}

/// `i := i + 1`: the target plus or minus a number.
fn is_counter(target: &str, value: &str) -> bool {
    let squeeze = |t: &str| -> String {
        t.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase()
    };
    let (target, value) = (squeeze(target), squeeze(value));
    let Some(step) = value.strip_prefix(&target) else { return false };
    let Some(number) = step.strip_prefix(['+', '-']) else { return false };
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `col = 'LITERAL'` in the SET clause of an UPDATE, for a status-like column.
fn update_status(toks: &[Tok]) -> Option<(String, String)> {
    let set = toks.iter().position(|t| word_is(t, "SET"))?;
    let end = toks.iter().position(|t| word_is(t, "WHERE")).unwrap_or(toks.len());
    let clause = &toks[set + 1..end.max(set + 1)];
    clause.windows(3).find_map(|w| match (&w[0].token, &w[1].token) {
        (Token::Word(col), Token::Eq) if is_status_column(&col.value) => {
            literal(&w[2]).map(|v| (col.value.to_uppercase(), v))
        }
        _ => None,
    })
}

/// A status-like column of `INSERT INTO t (cols) VALUES (values)` given a literal.
fn insert_status(toks: &[Tok]) -> Option<(String, String)> {
    let columns = toks.iter().position(|t| t.token == Token::LParen)?;
    let values = toks.iter().position(|t| word_is(t, "VALUES"))?;
    if columns > values || toks.get(values + 1).map(|t| &t.token) != Some(&Token::LParen) {
        return None;
    }
    let names = split_list(&toks[columns + 1..]);
    let given = split_list(&toks[values + 2..]);
    names.iter().zip(&given).find_map(|(name, value)| match (name, value) {
        ([Tok { token: Token::Word(col), .. }], [v]) if is_status_column(&col.value) => {
            literal(v).map(|v| (col.value.to_uppercase(), v))
        }
        _ => None,
    })
}

/// The comma-separated items of a parenthesised list, up to its closing `)`.
fn split_list(toks: &[Tok]) -> Vec<&[Tok]> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, t) in toks.iter().enumerate() {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => {
                items.push(&toks[start..i]);
                return items;
            }
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                items.push(&toks[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items
}

fn literal(tok: &Tok) -> Option<String> {
    match &tok.token {
        Token::SingleQuotedString(s) => Some(format!("'{s}'")),
        Token::Number(n, _) => Some(n.clone()),
        _ => None,
    }
}

fn word_is(tok: &Tok, keyword: &str) -> bool {
    matches!(&tok.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
}

fn is_status_column(name: &str) -> bool {
    name.to_uppercase().split('_').any(|part| STATUS_WORDS.contains(&part))
}

fn is_trail_table(name: &str) -> bool {
    let own = name.rsplit('.').next().unwrap_or(name);
    own.split('_').any(|part| TRAIL_WORDS.contains(&part))
}

/// The first line of `text`, cut to a length that fits a rule's name.
fn shortened(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    let mut short: String = line.chars().take(MAX_NAME_CONDITION).collect();
    if short.len() < line.len() || text.trim().lines().count() > 1 {
        short.push_str("...");
    }
    short
}

/// `text` cut to [`MAX_SOURCE_LINES`] lines.
fn clip(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_SOURCE_LINES {
        return text.to_owned();
    }
    let mut kept = lines[..MAX_SOURCE_LINES].join("\n");
    kept.push_str("\n...");
    kept
}
