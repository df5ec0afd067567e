//! Embedded SQL: what a statement inside PL/SQL reads and writes.
//!
//! sqlparser's parser (Oracle dialect) reads the statement from the tokens the lexer
//! already made, after the parts that only PL/SQL knows are set aside: `INTO` and
//! `BULK COLLECT INTO` targets of a `SELECT`, `RETURNING ... INTO` of DML, `:bind`
//! markers, a trailing `FOR UPDATE [OF col]` (which sqlparser's Oracle dialect does
//! not take), and the record of `INSERT ... VALUES rec`, given to sqlparser as `(rec)`. When sqlparser rejects the statement, a token-level reading still finds
//! the tables after `FROM`, `JOIN`, `INTO`, `UPDATE`, `USING`...; which path was taken
//! is recorded. This module does not resolve names against the inventory (is it a
//! table, a view, a synonym?): classification does that.

use std::ops::ControlFlow;

use sqlparser::ast::{FromTable, ObjectName, Statement as SqlAst, TableFactor, TableObject};
use sqlparser::dialect::OracleDialect;
use sqlparser::parser::Parser as SqlParser;
use sqlparser::tokenizer::{Location, Span as SqlSpan, Token, TokenWithSpan};

use super::ast::{Fragment, SqlKind, SqlPath, SqlStatement};
use super::lexer::Tok;

fn word_is(tok: &Tok, keyword: &str) -> bool {
    matches!(&tok.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
}

fn kind_of(toks: &[Tok]) -> SqlKind {
    let Some(first) = toks.first() else { return SqlKind::Other };
    let is = |k| word_is(first, k);
    let create_kind = || {
        let words: Vec<String> = toks
            .iter()
            .take(8)
            .filter_map(|t| match &t.token {
                Token::Word(w) => Some(w.value.to_ascii_uppercase()),
                _ => None,
            })
            .collect();
        let has = |k: &str| words.iter().any(|w| w == k);
        if has("TABLE") {
            SqlKind::CreateTable
        } else if has("VIEW") {
            SqlKind::CreateView
        } else if has("INDEX") {
            SqlKind::CreateIndex
        } else if has("SEQUENCE") {
            SqlKind::CreateSequence
        } else if has("SYNONYM") {
            SqlKind::CreateSynonym
        } else {
            SqlKind::Other
        }
    };
    match () {
        _ if is("SELECT") || is("WITH") => SqlKind::Select,
        _ if first.token == Token::LParen => SqlKind::Select,
        _ if is("INSERT") => SqlKind::Insert,
        _ if is("UPDATE") => SqlKind::Update,
        _ if is("DELETE") => SqlKind::Delete,
        _ if is("MERGE") => SqlKind::Merge,
        _ if is("LOCK") => SqlKind::Lock,
        _ if is("SET") => SqlKind::Transaction,
        _ if is("CREATE") => create_kind(),
        _ => SqlKind::Other,
    }
}

/// Tokens `from..to` of `toks` as source text.
fn fragment(text: &str, toks: &[Tok]) -> Fragment {
    let span = toks[0].span.to(toks[toks.len() - 1].span);
    Fragment { text: text[span.start as usize..span.end as usize].to_owned(), span }
}

/// Splits `toks` at commas outside parentheses.
fn comma_list(text: &str, toks: &[Tok]) -> Vec<Fragment> {
    let mut items = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, tok) in toks.iter().enumerate() {
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                if i > start {
                    items.push(fragment(text, &toks[start..i]));
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    if toks.len() > start {
        items.push(fragment(text, &toks[start..]));
    }
    items
}

/// Indexes of tokens outside parentheses.
fn top_level(toks: &[Tok]) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0i32;
    toks.iter().enumerate().filter_map(move |(i, tok)| {
        let here = depth;
        match tok.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        (here == 0 && tok.token != Token::LParen).then_some(i)
    })
}

/// What was set aside from a statement before sqlparser sees it.
#[derive(Default)]
struct SetAside {
    bulk_collect: bool,
    into: Vec<Fragment>,
    returning_into: Vec<Fragment>,
    for_update: Option<Fragment>,
    /// Token ranges removed.
    removed: Vec<(usize, usize)>,
    /// The record of `INSERT ... VALUES rec` (first and last token), to be put in
    /// parentheses.
    record: Option<(usize, usize)>,
    current_of: Option<Fragment>,
}

fn set_aside(text: &str, toks: &[Tok], kind: SqlKind) -> SetAside {
    let mut aside = SetAside::default();
    match kind {
        SqlKind::Select => {
            let top: Vec<usize> = top_level(toks).collect();
            let into = top.iter().copied().find(|&i| word_is(&toks[i], "INTO"));
            // The targets end at FROM, or, in a query on nothing (Oracle
            // 23's, or a row generator), at the next clause.
            const CLAUSES: &[&str] = &[
                "FROM",
                "WHERE",
                "CONNECT",
                "START",
                "GROUP",
                "HAVING",
                "ORDER",
                "UNION",
                "INTERSECT",
                "MINUS",
                "EXCEPT",
            ];
            let from = into.map(|into| {
                top.iter()
                    .copied()
                    .find(|&i| i > into && CLAUSES.iter().any(|w| word_is(&toks[i], w)))
                    .unwrap_or(toks.len())
            });
            if let (Some(into), Some(from)) = (into, from) {
                let bulk = into >= 2
                    && word_is(&toks[into - 1], "COLLECT")
                    && word_is(&toks[into - 2], "BULK");
                let start = if bulk { into - 2 } else { into };
                aside.bulk_collect = bulk;
                aside.into = comma_list(text, &toks[into + 1..from]);
                aside.removed.push((start, from));
            }
            let locking = top.iter().copied().find(|&i| {
                word_is(&toks[i], "FOR") && toks.get(i + 1).is_some_and(|t| word_is(t, "UPDATE"))
            });
            if let Some(at) = locking {
                aside.for_update = Some(fragment(text, &toks[at..]));
                aside.removed.push((at, toks.len()));
            }
        }
        SqlKind::Insert => {
            let top: Vec<usize> = top_level(toks).collect();
            let values = top.iter().copied().find(|&i| word_is(&toks[i], "VALUES"));
            let start =
                values.map(|v| v + 1).filter(|&r| r < toks.len() && toks[r].token != Token::LParen);
            if let Some(start) = start {
                let returning =
                    |i: &usize| word_is(&toks[*i], "RETURNING") || word_is(&toks[*i], "RETURN");
                let end = top.iter().copied().filter(|&i| i > start).find(|i| returning(i));
                aside.record = Some((start, end.unwrap_or(toks.len()) - 1));
            }
            set_aside_returning(text, toks, &mut aside);
        }
        SqlKind::Update | SqlKind::Delete => {
            // `WHERE CURRENT OF cursor` names a PL/SQL cursor's row.
            let current = top_level(toks).find(|&i| {
                word_is(&toks[i], "CURRENT") && toks.get(i + 1).is_some_and(|t| word_is(t, "OF"))
            });
            if let Some(at) = current.filter(|&at| at >= 1 && word_is(&toks[at - 1], "WHERE")) {
                let end = (at + 3).min(toks.len());
                aside.current_of = Some(fragment(text, &toks[at..end]));
                aside.removed.push((at - 1, end));
            }
            set_aside_returning(text, toks, &mut aside);
        }
        SqlKind::Merge => set_aside_returning(text, toks, &mut aside),
        _ => {}
    }
    aside
}

/// `RETURNING ... [BULK COLLECT] INTO targets` at the end of DML.
fn set_aside_returning(text: &str, toks: &[Tok], aside: &mut SetAside) {
    let top: Vec<usize> = top_level(toks).collect();
    let returning = |&&i: &&usize| word_is(&toks[i], "RETURNING") || word_is(&toks[i], "RETURN");
    let Some(&ret) = top.iter().find(returning) else { return };
    if let Some(&into) = top.iter().find(|&&i| i > ret && word_is(&toks[i], "INTO")) {
        aside.bulk_collect = word_is(&toks[into - 1], "COLLECT");
        aside.returning_into = comma_list(text, &toks[into + 1..]);
    }
    aside.removed.push((ret, toks.len()));
}

/// The tokens sqlparser is given: set-aside ranges dropped, binds made placeholders.
fn sqlparser_tokens(toks: &[Tok], aside: &SetAside, binds: &mut Vec<String>) -> Vec<TokenWithSpan> {
    let removed = &aside.removed;
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if let Some(&(_, end)) = removed.iter().find(|&&(start, _)| start == i) {
            i = end;
            continue;
        }
        let tok = &toks[i];
        let loc = |line: u32, col: u32| Location::new(u64::from(line), u64::from(col));
        let span = SqlSpan::new(
            loc(tok.span.line, tok.span.col),
            loc(tok.span.end_line, tok.span.end_col),
        );
        let next = toks.get(i + 1).filter(|n| n.span.start == tok.span.end);
        let bind = match (&tok.token, next.map(|n| &n.token)) {
            (Token::Colon, Some(Token::Word(w))) => Some(w.value.clone()),
            (Token::Colon, Some(Token::Number(n, _))) => Some(n.clone()),
            _ => None,
        };
        if let Some(name) = bind {
            binds.push(format!(":{name}"));
            let followed_by_field = toks.get(i + 2).is_some_and(|t| t.token == Token::Period);
            if followed_by_field {
                // `:NEW.col` reads as the record `NEW` for sqlparser.
                i += 1;
                continue;
            }
            out.push(TokenWithSpan::new(Token::Placeholder(format!(":{name}")), span));
            i += 2;
            continue;
        }
        if aside.record.is_some_and(|(first, _)| first == i) {
            out.push(TokenWithSpan::new(Token::LParen, span));
        }
        out.push(TokenWithSpan::new(tok.token.clone(), span));
        if aside.record.is_some_and(|(_, last)| last == i) {
            out.push(TokenWithSpan::new(Token::RParen, span));
        }
        i += 1;
    }
    out
}

fn canonical(name: &ObjectName) -> String {
    let parts: Vec<String> = name
        .0
        .iter()
        .filter_map(|part| part.as_ident())
        .map(|id| if id.quote_style.is_some() { id.value.clone() } else { id.value.to_uppercase() })
        .collect();
    parts.join(".")
}

fn push_unique(list: &mut Vec<String>, name: String) {
    if name != "DUAL" && name != "SYS.DUAL" && !list.contains(&name) {
        list.push(name);
    }
}

/// Tables read and written, from sqlparser's tree.
fn relations(statement: &SqlAst) -> (Vec<String>, Vec<String>) {
    let mut writes = Vec::new();
    let table_factor = |t: &TableFactor| match t {
        TableFactor::Table { name, .. } => Some(canonical(name)),
        _ => None,
    };
    match statement {
        SqlAst::Insert(insert) => {
            if let TableObject::TableName(name) = &insert.table {
                writes.push(canonical(name));
            }
        }
        SqlAst::Update(update) => writes.extend(table_factor(&update.table.relation)),
        SqlAst::Delete(delete) => {
            let from = match &delete.from {
                FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
            };
            writes.extend(from.iter().filter_map(|t| table_factor(&t.relation)));
        }
        SqlAst::Merge(merge) => writes.extend(table_factor(&merge.table)),
        _ => {}
    }
    let mut ctes = Vec::new();
    if let SqlAst::Query(query) = statement {
        if let Some(with) = &query.with {
            ctes.extend(with.cte_tables.iter().map(|c| c.alias.name.value.to_uppercase()));
        }
    }
    let mut reads = Vec::new();
    let mut seen_targets = writes.clone();
    let _ = sqlparser::ast::visit_relations(statement, |name| {
        let name = canonical(name);
        if let Some(i) = seen_targets.iter().position(|w| *w == name) {
            // The write target itself appears once as a relation.
            seen_targets.remove(i);
        } else if !ctes.contains(&name) {
            push_unique(&mut reads, name);
        }
        ControlFlow::<()>::Continue(())
    });
    (reads, writes)
}

/// The name starting at `toks[i]`, if it is a word (with `.`-separated parts).
fn name_at(toks: &[Tok], mut i: usize) -> Option<String> {
    // Where a table is missing (`UPDATE SET`), the reserved word in its place is none.
    if toks
        .get(i)
        .is_some_and(|t| ["SET", "WHERE", "VALUES", "SELECT"].iter().any(|k| word_is(t, k)))
    {
        return None;
    }
    let mut parts = Vec::new();
    while let Some(Token::Word(w)) = toks.get(i).map(|t| &t.token) {
        parts.push(if w.quote_style.is_some() { w.value.clone() } else { w.value.to_uppercase() });
        if toks.get(i + 1).map(|t| &t.token) != Some(&Token::Period) {
            break;
        }
        i += 2;
    }
    (!parts.is_empty()).then(|| parts.join("."))
}

/// Tables read and written, from the tokens alone.
fn token_relations(toks: &[Tok], kind: SqlKind) -> (Vec<String>, Vec<String>) {
    let (mut reads, mut writes) = (Vec::new(), Vec::new());
    const WRITE_AFTER: &[(&str, &str)] =
        &[("INSERT", "INTO"), ("MERGE", "INTO"), ("DELETE", "FROM")];
    for (i, tok) in toks.iter().enumerate() {
        let prev = i.checked_sub(1).map(|p| &toks[p]);
        let writes_here =
            WRITE_AFTER.iter().any(|(a, b)| word_is(tok, b) && prev.is_some_and(|p| word_is(p, a)))
                || (i == 0
                    && (word_is(tok, "UPDATE") || word_is(tok, "DELETE"))
                    && !word_is(toks.get(1).unwrap_or(tok), "FROM"));
        let reads_here =
            word_is(tok, "JOIN") || word_is(tok, "USING") || (word_is(tok, "FROM") && !writes_here);
        let reads_here = reads_here || (kind == SqlKind::CreateIndex && word_is(tok, "ON"));
        let reads_here = reads_here || (kind == SqlKind::CreateSynonym && word_is(tok, "FOR"));
        let reads_here = reads_here || word_is(tok, "REFERENCES");
        if let Some(name) = (writes_here || reads_here).then(|| name_at(toks, i + 1)).flatten() {
            if writes_here {
                push_unique(&mut writes, name);
            } else {
                push_unique(&mut reads, name);
            }
        }
    }
    (reads, writes)
}

/// A part that no statement of its kind can do without, when `toks` lack it: the index
/// of the token found in its place (`toks.len()` at the end) and what was expected.
///
/// Only the unmistakable cases: a `SELECT ... INTO` with no target before `FROM`, and
/// an `UPDATE`, `DELETE` or `INSERT` whose table would be a reserved word (`SET`,
/// `WHERE`, `VALUES`, `SELECT`) or is absent. Anything else sqlparser rejects may be
/// Oracle syntax it does not know, and is left to the token fallback.
pub fn missing_part(toks: &[Tok]) -> Option<(usize, &'static str)> {
    let word = |i: usize, keywords: &[&str]| {
        toks.get(i).is_some_and(|t| keywords.iter().any(|k| word_is(t, k)))
    };
    let table_at =
        |i: usize, taken: &[&str]| (i >= toks.len() || word(i, taken)).then_some((i, "a table"));
    match kind_of(toks) {
        SqlKind::Update => table_at(1, &["SET"]),
        SqlKind::Delete => table_at(if word(1, &["FROM"]) { 2 } else { 1 }, &["WHERE"]),
        SqlKind::Insert if !word(1, &["ALL", "FIRST"]) => {
            table_at(if word(1, &["INTO"]) { 2 } else { 1 }, &["VALUES", "SELECT"])
        }
        SqlKind::Select => top_level(toks)
            .find(|&i| word_is(&toks[i], "INTO") && (i + 1 == toks.len() || word(i + 1, &["FROM"])))
            .map(|i| (i + 1, "an `INTO` target")),
        _ => None,
    }
}

/// Reads one embedded SQL statement made of `toks` (no trailing `;`).
pub fn analyse(text: &str, toks: &[Tok]) -> SqlStatement {
    let kind = kind_of(toks);
    let aside = set_aside(text, toks, kind);
    let mut binds = Vec::new();
    let tokens = sqlparser_tokens(toks, &aside, &mut binds);
    let dialect = OracleDialect {};
    let mut parser = SqlParser::new(&dialect).with_tokens_with_locations(tokens);
    let parsed = parser.parse_statement().and_then(|statement| {
        let rest = parser.peek_token();
        match rest.token {
            Token::EOF => Ok(statement),
            other => Err(sqlparser::parser::ParserError::ParserError(format!(
                "unexpected `{other}` after the statement at {}",
                rest.span.start
            ))),
        }
    });
    let ddl = matches!(
        kind,
        SqlKind::CreateTable
            | SqlKind::CreateIndex
            | SqlKind::CreateSequence
            | SqlKind::CreateSynonym
    );
    let (path, sqlparser_error, (reads, writes)) = match parsed {
        Ok(statement) if !ddl => (SqlPath::Sqlparser, None, relations(&statement)),
        Ok(_) => (SqlPath::Sqlparser, None, token_relations(toks, kind)),
        Err(error) => {
            (SqlPath::TokenFallback, Some(error.to_string()), token_relations(toks, kind))
        }
    };
    let whole = fragment(text, toks);
    SqlStatement {
        kind,
        span: whole.span,
        text: whole.text,
        path,
        sqlparser_error,
        bulk_collect: aside.bulk_collect,
        into: aside.into,
        returning_into: aside.returning_into,
        for_update: aside.for_update,
        current_of: aside.current_of,
        binds,
        reads,
        writes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plsql::lexer::{lex, Origin};

    fn read(sql: &str) -> SqlStatement {
        let lexed = lex(sql, Origin { byte: 0, line: 1, col: 1 }).unwrap();
        analyse(sql, &lexed.tokens)
    }

    #[test]
    fn bulk_collect_into_is_set_aside_for_sqlparser() {
        let sql = read("SELECT e.id, e.name BULK COLLECT INTO v_ids, v_names FROM hr.emp e WHERE e.dept = p_dept");
        assert_eq!(sql.path, SqlPath::Sqlparser, "{:?}", sql.sqlparser_error);
        assert!(sql.bulk_collect);
        assert_eq!(
            sql.into.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(),
            ["v_ids", "v_names"]
        );
        assert_eq!(sql.reads, ["HR.EMP"]);
    }

    #[test]
    fn into_of_a_query_on_nothing_ends_at_the_next_clause() {
        let sql = read("SELECT ROWNUM BULK COLLECT INTO v_ids CONNECT BY LEVEL <= 3");
        assert!(sql.bulk_collect);
        assert_eq!(sql.into.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["v_ids"]);
        let sql = read("SELECT 1 INTO v");
        assert_eq!(sql.into.iter().map(|f| f.text.as_str()).collect::<Vec<_>>(), ["v"]);
    }

    #[test]
    fn returning_into_and_binds_are_set_aside() {
        let sql = read("UPDATE accounts SET balance = balance - :amt WHERE id = :1 RETURNING balance INTO v_bal");
        assert_eq!(sql.path, SqlPath::Sqlparser, "{:?}", sql.sqlparser_error);
        assert_eq!(sql.writes, ["ACCOUNTS"]);
        assert!(sql.reads.is_empty());
        assert_eq!(sql.binds, [":amt", ":1"]);
        assert_eq!(sql.returning_into[0].text, "v_bal");
    }

    #[test]
    fn insert_select_reads_and_writes() {
        let sql = read("INSERT INTO audit_log (id, who) SELECT seq.NEXTVAL, u.name FROM users u JOIN roles r ON r.id = u.role_id");
        assert_eq!(sql.writes, ["AUDIT_LOG"]);
        assert_eq!(sql.reads, ["USERS", "ROLES"]);
    }

    #[test]
    fn trigger_pseudo_records_are_binds_and_names() {
        let sql = read("INSERT INTO hist (id, old_sal) VALUES (:OLD.id, :old.sal)");
        assert_eq!(sql.path, SqlPath::Sqlparser, "{:?}", sql.sqlparser_error);
        assert_eq!(sql.binds, [":OLD", ":old"]);
    }

    #[test]
    fn rejected_statement_falls_back_to_tokens() {
        let sql = read("SELECT x FROM t1, t2 PIVOT XML (SUM(a) FOR b IN (ANY)) WHERE 1 = 1 MODEL DIMENSION BY (a) MEASURES (b) RULES ()");
        assert_eq!(sql.path, SqlPath::TokenFallback);
        assert!(sql.reads.contains(&"T1".to_owned()));
    }

    #[test]
    fn for_update_of_column_and_record_insert_reach_sqlparser() {
        let locked =
            read("SELECT value INTO v FROM params WHERE name = p FOR UPDATE OF value NOWAIT");
        assert_eq!(locked.path, SqlPath::Sqlparser, "{:?}", locked.sqlparser_error);
        assert_eq!(locked.for_update.unwrap().text, "FOR UPDATE OF value NOWAIT");
        let record = read("INSERT INTO audit_rows VALUES r_audit");
        assert_eq!(record.path, SqlPath::Sqlparser, "{:?}", record.sqlparser_error);
        assert_eq!(record.writes, ["AUDIT_ROWS"]);
        let element = read("INSERT INTO audit_rows VALUES v_rows(i) RETURNING id INTO v_id");
        assert_eq!(element.path, SqlPath::Sqlparser, "{:?}", element.sqlparser_error);
        let positioned = read("UPDATE emp SET sal = sal * 2 WHERE CURRENT OF c_emp");
        assert_eq!(positioned.path, SqlPath::Sqlparser, "{:?}", positioned.sqlparser_error);
        assert_eq!(positioned.current_of.unwrap().text, "CURRENT OF c_emp");
    }

    fn missing(sql: &str) -> Option<(usize, &'static str)> {
        let lexed = lex(sql, Origin { byte: 0, line: 1, col: 1 }).unwrap();
        missing_part(&lexed.tokens)
    }

    #[test]
    fn statements_without_their_table_or_into_target_are_reported() {
        assert_eq!(missing("SELECT 1 INTO FROM dual"), Some((3, "an `INTO` target")));
        assert_eq!(missing("UPDATE SET x = 1"), Some((1, "a table")));
        assert_eq!(missing("DELETE FROM WHERE x = 1"), Some((2, "a table")));
        assert_eq!(missing("DELETE"), Some((1, "a table")));
        assert_eq!(missing("INSERT INTO VALUES (1)"), Some((2, "a table")));
    }

    #[test]
    fn statements_with_their_table_and_targets_are_not_reported() {
        assert_eq!(missing("SELECT a INTO v FROM t"), None);
        assert_eq!(missing("SELECT a BULK COLLECT INTO v FROM t"), None);
        assert_eq!(missing("SELECT (SELECT 1 FROM dual) INTO v FROM t"), None);
        assert_eq!(missing("UPDATE t SET x = 1"), None);
        assert_eq!(missing("DELETE t WHERE x = 1"), None);
        assert_eq!(missing("INSERT INTO (SELECT a FROM t) VALUES (1)"), None);
        assert_eq!(missing("INSERT ALL INTO t VALUES (1) SELECT * FROM dual"), None);
    }

    #[test]
    fn cte_names_are_not_tables() {
        let sql = read("WITH recent AS (SELECT * FROM orders) SELECT COUNT(*) INTO n FROM recent");
        assert_eq!(sql.reads, ["ORDERS"]);
    }
}
