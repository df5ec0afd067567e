//! Embedded SQL (and view queries) for PostgreSQL: the clauses Oracle
//! writes differently, then the expression rewrites of [`super::expr`].
//!
//! `SELECT ... INTO` becomes `INTO STRICT`, because Oracle raises
//! NO_DATA_FOUND and TOO_MANY_ROWS where PostgreSQL would quietly take the
//! first row or NULLs; `ROWNUM` limits become `LIMIT`; `FROM DUAL` goes;
//! `MINUS` is `EXCEPT`; qualified `SET` targets lose their qualifier.

use sqlparser::tokenizer::Token;

use super::cx::Cx;
use super::text::{self, matching_paren, Item};
use super::NoteKind;
use super::{hierarchy, joins};
use crate::plsql::ast::{SqlKind, SqlStatement};

impl Cx<'_> {
    /// The statement rewritten, without its final `;`.
    pub fn sql(&mut self, statement: &SqlStatement) -> String {
        let items = match text::items_of(&statement.text, statement.span) {
            Ok(items) => items.items,
            Err(e) => {
                self.note(statement.span.line, NoteKind::Unsupported, format!("not read: {e}"));
                return statement.text.trim().trim_end_matches(';').to_owned();
            }
        };
        let mut items = items;
        while items.last().is_some_and(|i| i.token == Token::SemiColon) {
            items.pop();
        }
        let items = self.clauses(statement, items);
        let outer = std::mem::replace(&mut self.in_sql, true);
        let items = self.rewrite(&items);
        self.in_sql = outer;
        text::join_trimmed(&items)
    }

    fn clauses(&mut self, statement: &SqlStatement, mut items: Vec<Item>) -> Vec<Item> {
        let line = statement.span.line;
        drop_from_dual(&mut items);
        for item in &mut items {
            if item.is("MINUS") {
                item.text = "EXCEPT".to_owned();
            }
        }
        let mut said = Vec::new();
        items = joins::outer_joins(items, &mut said);
        row_generators(&mut items);
        let catalog = self.catalog;
        items = hierarchy::hierarchies(items, &|entry| catalog.table_columns(entry), &mut said);
        for note in said {
            let at = if note.line == 0 { line } else { note.line };
            match note.once {
                Some(key) => self.note_once(key, at, note.kind, note.message),
                None => self.note(at, note.kind, note.message),
            }
        }
        for (i, item) in items.iter().enumerate() {
            if item.token == Token::AtSign && items.get(i + 1).is_some_and(|n| n.word().is_some()) {
                self.note(
                    line,
                    NoteKind::Unsupported,
                    format!("database link @{}: use postgres_fdw or dblink", items[i + 1].text),
                );
            }
        }
        if statement.kind == SqlKind::Insert {
            record_values(&mut items);
            insert_alias(&mut items);
        }
        strict_into(statement, &mut items);
        if statement.kind == SqlKind::Select {
            self.rownum_limit(&mut items, line);
        }
        if matches!(statement.kind, SqlKind::Update | SqlKind::Merge) {
            unqualify_set_targets(&mut items);
        }
        if statement.kind == SqlKind::Merge {
            if let Some(at) = merge_branches(&mut items) {
                self.note(
                    if at == 0 { line } else { at },
                    NoteKind::Unsupported,
                    "MERGE ... DELETE WHERE has no PostgreSQL form (PostgreSQL deletes in a \
                     WHEN MATCHED branch of its own, before any update)",
                );
            }
        }
        self.wait_clause(&mut items, line);
        alias_subqueries(&mut items);
        items
    }

    /// `WHERE ROWNUM <= n` (or `< n`, `= 1`) as `LIMIT n`, when the query
    /// has no ORDER BY, GROUP BY or aggregate that Oracle applies after.
    fn rownum_limit(&mut self, items: &mut Vec<Item>, line: u32) {
        let Some(at) = top_level(items).find(|&i| items[i].is("ROWNUM")) else {
            return;
        };
        let later = |w: &str| top_level(items).any(|i| items[i].is(w));
        let aggregate = top_level(items).take_while(|&i| !items[i].is("FROM")).any(|i| {
            ["COUNT", "SUM", "MIN", "MAX", "AVG", "LISTAGG"].iter().any(|f| items[i].is(f))
                && items.get(i + 1).is_some_and(|n| n.token == Token::LParen)
        });
        if later("ORDER") || later("GROUP") || later("UNION") || aggregate {
            self.note(
                line,
                NoteKind::Unsupported,
                "ROWNUM with ORDER BY, GROUP BY, UNION or an aggregate: Oracle numbers the rows \
                 before these apply; rewrite it as a subquery with LIMIT",
            );
            return;
        }
        let (Some(op), Some(value)) = (items.get(at + 1), items.get(at + 2)) else { return };
        let limit = match (&op.token, &value.token) {
            (Token::LtEq, Token::Number(n, _)) => n.clone(),
            (Token::Lt, Token::Number(n, _)) => match n.parse::<u64>() {
                Ok(n) => n.saturating_sub(1).to_string(),
                Err(_) => return,
            },
            (Token::Eq, Token::Number(n, _)) if n == "1" => "1".to_owned(),
            (Token::LtEq, Token::Word(_)) => value.text.clone(),
            _ => {
                self.note(
                    line,
                    NoteKind::Unsupported,
                    "ROWNUM in this form has no direct equivalent",
                );
                return;
            }
        };
        // Remove `ROWNUM op value` and the AND that joins it.
        let mut from = at;
        let mut to = at + 3;
        if items.get(to).is_some_and(|i| i.is("AND")) {
            to += 1;
        } else if from > 0 && (items[from - 1].is("AND") || items[from - 1].is("WHERE")) {
            from -= 1;
        }
        items.drain(from..to.min(items.len()));
        let limit_at = top_level(items)
            .find(|&i| items[i].is("FOR") && items.get(i + 1).is_some_and(|n| n.is("UPDATE")))
            .unwrap_or(items.len());
        items.insert(limit_at, Item::spaced("LIMIT"));
        items.insert(limit_at + 1, Item::spaced(limit));
    }

    /// `FOR UPDATE WAIT n` has no PostgreSQL form; `NOWAIT` and
    /// `SKIP LOCKED` do.
    fn wait_clause(&mut self, items: &mut Vec<Item>, line: u32) {
        let found = top_level(items).find(|&i| {
            items[i].is("WAIT")
                && items.get(i + 1).is_some_and(|n| matches!(n.token, Token::Number(..)))
        });
        if let Some(at) = found {
            items.drain(at..at + 2);
            self.note(
                line,
                NoteKind::Review,
                "FOR UPDATE WAIT n became FOR UPDATE (waits without limit; set lock_timeout)",
            );
        }
    }
}

/// A note that a rewrite of a query block makes, before it reaches the
/// object's notes.
pub(super) struct Said {
    pub line: u32,
    pub kind: NoteKind,
    pub message: String,
    /// Made once per object, under this key.
    pub once: Option<&'static str>,
}

impl Said {
    pub fn new(line: u32, kind: NoteKind, message: impl Into<String>) -> Said {
        Said { line, kind, message: message.into(), once: None }
    }
}

/// What rewrites one query block (given its tokens and first line): its
/// new tokens, or `None` to leave it.
pub(super) type BlockRewrite<'a> = dyn FnMut(&[Item], u32) -> Option<Vec<Item>> + 'a;

/// `items` with each query block rewritten by `rewrite`, the blocks of
/// subqueries before the blocks around them. A block runs from a SELECT
/// outside parentheses to the next one or to a set operator; `rewrite`
/// gets it and its first line, and answers its new tokens, or `None` to
/// leave it. `wanted` says whether a stretch of tokens needs the walk.
pub(super) fn rewrite_blocks(
    items: Vec<Item>,
    wanted: &dyn Fn(&[Item]) -> bool,
    rewrite: &mut BlockRewrite<'_>,
) -> Vec<Item> {
    if !wanted(&items) {
        return items;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        match (items[i].token == Token::LParen).then(|| matching_paren(&items, i)).flatten() {
            Some(close) if wanted(&items[i + 1..close]) => {
                out.push(items[i].clone());
                let inside = items[i + 1..close].to_vec();
                out.extend(rewrite_blocks(inside, wanted, rewrite));
                out.push(items[close].clone());
                i = close + 1;
            }
            Some(close) => {
                out.extend_from_slice(&items[i..=close]);
                i = close + 1;
            }
            None => {
                out.push(items[i].clone());
                i += 1;
            }
        }
    }
    // This level's blocks, from the last, so that positions hold.
    let starts: Vec<usize> = top_level(&out).filter(|&j| out[j].is("SELECT")).collect();
    for (n, &start) in starts.iter().enumerate().rev() {
        let end = top_level(&out)
            .find(|&j| j > start && (is_set_operator(&out[j]) || starts.get(n + 1) == Some(&j)))
            .unwrap_or(out.len());
        let line = out[start..end].iter().map(|i| i.line).find(|&l| l > 0).unwrap_or(0);
        if let Some(rewritten) = rewrite(&out[start..end], line) {
            out.splice(start..end, rewritten);
        }
    }
    out
}

pub(super) fn is_set_operator(item: &Item) -> bool {
    ["UNION", "INTERSECT", "MINUS", "EXCEPT"].iter().any(|w| item.is(w))
}

/// Indexes of the tokens at paren depth 0.
pub(super) fn top_level(items: &[Item]) -> impl Iterator<Item = usize> + '_ {
    let mut depth = 0i32;
    items.iter().enumerate().filter_map(move |(i, item)| {
        match item.token {
            Token::LParen => {
                depth += 1;
                return None;
            }
            Token::RParen => {
                depth -= 1;
                return None;
            }
            _ => {}
        }
        (depth == 0).then_some(i)
    })
}

/// `FROM DUAL` (PostgreSQL needs no FROM), at any depth.
fn drop_from_dual(items: &mut Vec<Item>) {
    let mut i = 0;
    while i + 1 < items.len() {
        let dual = items[i + 1].is("DUAL")
            || (items[i + 1].is("SYS")
                && items.get(i + 2).is_some_and(|p| p.token == Token::Period)
                && items.get(i + 3).is_some_and(|d| d.is("DUAL")));
        if items[i].is("FROM") && dual {
            let len = if items[i + 1].is("SYS") { 4 } else { 2 };
            // An alias after DUAL (`FROM dual d`) goes too.
            let mut end = i + len;
            if items.get(end).is_some_and(|a| {
                a.word().is_some_and(|w| {
                    !matches!(
                        w.as_str(),
                        "WHERE"
                            | "CONNECT"
                            | "UNION"
                            | "ORDER"
                            | "GROUP"
                            | "FOR"
                            | "INTERSECT"
                            | "MINUS"
                            | "EXCEPT"
                            | "START"
                    )
                })
            }) {
                end += 1;
            }
            items.drain(i..end);
            // `SELECT * FROM dual` is DUAL's one column.
            let select = (0..i).rev().find(|&j| items[j].is("SELECT"));
            if let Some(select) = select.filter(|&j| j + 2 == i && items[j + 1].token == Token::Mul)
            {
                let gap = items[select + 1].gap.clone();
                items[select + 1] = Item::new("'X'::varchar(1) AS dummy").after(&gap);
            }
            continue;
        }
        i += 1;
    }
}

/// Oracle's row generator, a query on nothing (or DUAL, already gone)
/// with `CONNECT BY LEVEL <= n` (or `<`, or ROWNUM), as a query on
/// `generate_series(1, n) AS connect_by(level)`: the same rows, `level`
/// numbering them. Where the query has no WHERE, ROWNUM is that number
/// too. A hierarchy (PRIOR, START WITH) or a query on a table is left for
/// the CONNECT BY note.
fn row_generators(items: &mut Vec<Item>) {
    let mut i = 0;
    while i + 4 < items.len() {
        i = match generator_at(items, i) {
            Some(generator) => rewrite_generator(items, i, generator),
            None => i + 1,
        };
    }
}

/// A row generator whose `CONNECT BY` is at `items[i]`.
struct Generator {
    /// Its query block's SELECT.
    select: usize,
    /// Its WHERE, before the CONNECT BY.
    where_at: Option<usize>,
    /// Where its condition ends.
    end: usize,
}

fn generator_at(items: &[Item], i: usize) -> Option<Generator> {
    let generator = items[i].is("CONNECT")
        && items[i + 1].is("BY")
        && (items[i + 2].is("LEVEL") || items[i + 2].is("ROWNUM"))
        && matches!(items[i + 3].token, Token::Lt | Token::LtEq);
    if !generator {
        return None;
    }
    let start = block_start(items, i);
    let before: Vec<usize> = top_level(&items[start..i]).map(|j| j + start).collect();
    let select = before.iter().rposition(|&j| items[j].is("SELECT"))?;
    let on_nothing = !before[select..]
        .iter()
        .any(|&j| ["FROM", "START", "PRIOR"].iter().any(|w| items[j].is(w)));
    if !on_nothing {
        return None;
    }
    let end = condition_end(items, i + 4)?;
    let select = before[select];
    let where_at = before.iter().copied().find(|&j| j > select && items[j].is("WHERE"));
    Some(Generator { select, where_at, end })
}

/// Where the query block holding `items[i]` starts: after the parenthesis
/// that opens it, or at the start.
fn block_start(items: &[Item], i: usize) -> usize {
    let mut depth = 0i32;
    for j in (0..i).rev() {
        match items[j].token {
            Token::RParen => depth += 1,
            Token::LParen if depth == 0 => return j + 1,
            Token::LParen => depth -= 1,
            _ => {}
        }
    }
    0
}

/// The end of a generator's condition starting at `from`: the next clause,
/// or the block's end. `None` for a hierarchy (PRIOR, a condition joined
/// with AND or OR, a START WITH after it) or no condition at all.
fn condition_end(items: &[Item], from: usize) -> Option<usize> {
    const CLAUSES: &[&str] =
        &["ORDER", "GROUP", "UNION", "INTERSECT", "MINUS", "EXCEPT", "START", "FETCH", "OFFSET"];
    let mut end = from;
    let mut depth = 0i32;
    while end < items.len() {
        match items[end].token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => break,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth == 0 => break,
            _ => {}
        }
        let clause = CLAUSES.iter().any(|w| items[end].is(w));
        if depth == 0 && (clause || items[end].is("AND") || items[end].is("OR")) {
            break;
        }
        if items[end].is("PRIOR") {
            return None;
        }
        end += 1;
    }
    let joined = end < items.len()
        && (items[end].is("AND") || items[end].is("OR") || items[end].is("START"));
    (!joined && end > from).then_some(end)
}

/// Replaces the generator's `CONNECT BY` at `items[i]` with its FROM;
/// returns where to go on.
fn rewrite_generator(items: &mut Vec<Item>, i: usize, g: Generator) -> usize {
    let less = items[i + 3].token == Token::Lt;
    let gap = items[i].gap.clone();
    let mut count: Vec<Item> = items.drain(i..g.end).skip(4).collect();
    // Oracle returns the first level whatever the condition says
    // (LEVEL <= 0, or NULL): at least one row. A literal needs no guard.
    let literal = match count.as_slice() {
        [n] => n.text.parse::<i64>().ok(),
        _ => None,
    };
    let (open, close) = match (less, literal) {
        (false, Some(n)) if n >= 1 => ("FROM generate_series(1, ", ") AS connect_by(level)"),
        (true, Some(n)) if n >= 2 => ("FROM generate_series(1, (", ") - 1) AS connect_by(level)"),
        (false, _) => ("FROM generate_series(1, greatest(", ", 1)) AS connect_by(level)"),
        (true, _) => ("FROM generate_series(1, greatest((", ") - 1, 1)) AS connect_by(level)"),
    };
    if let Some(first) = count.first_mut() {
        first.gap = if open.ends_with('(') { String::new() } else { " ".to_owned() };
    }
    let at = g.where_at.unwrap_or(i);
    let gap = match g.where_at {
        Some(w) => items[w].gap.clone(),
        None if gap.is_empty() => " ".to_owned(),
        None => gap,
    };
    let mut from = made(open);
    from[0].gap = gap;
    from.append(&mut count);
    from.append(&mut made(close));
    let added = from.len();
    items.splice(at..at, from);
    if g.where_at.is_none() {
        // In the select list, in expressions too, and in the ORDER BY after.
        let end = block_end(items, at + added);
        let mut rownums = outside_subqueries(items, g.select, at);
        rownums.extend(outside_subqueries(items, at + added, end));
        for j in rownums {
            if items[j].is("ROWNUM") {
                let gap = items[j].gap.clone();
                items[j] = Item::new("level").after(&gap);
            }
        }
    }
    at + added
}

/// The positions in `items[from..to]` that are not inside a parenthesised
/// subquery.
fn outside_subqueries(items: &[Item], from: usize, to: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut j = from;
    while j < to.min(items.len()) {
        let subquery = items[j].token == Token::LParen
            && items.get(j + 1).is_some_and(|n| n.is("SELECT") || n.is("WITH"));
        if subquery {
            j = text::matching_paren(items, j).map_or(to, |close| close + 1);
            continue;
        }
        out.push(j);
        j += 1;
    }
    out
}

/// Where the query block that goes on at `items[from]` ends: at the
/// parenthesis that closes it, a set operator, or the end.
fn block_end(items: &[Item], from: usize) -> usize {
    let mut depth = 0i32;
    for (j, item) in items.iter().enumerate().skip(from) {
        match item.token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => return j,
            Token::RParen => depth -= 1,
            _ if depth == 0
                && ["UNION", "INTERSECT", "EXCEPT", "MINUS"].iter().any(|w| item.is(w)) =>
            {
                return j
            }
            _ => {}
        }
    }
    items.len()
}

/// The tokens of SQL the translator writes, so that later rewrites see
/// its words and parentheses.
pub(super) fn made(sql: &str) -> Vec<Item> {
    let mut items = text::items_of(sql, crate::plsql::ast::Span::default())
        .expect("the translator's own SQL lexes")
        .items;
    for item in &mut items {
        item.line = 0;
    }
    items
}

/// `SELECT ... INTO x` raises on no row and on two in Oracle; `STRICT`
/// makes PostgreSQL do the same.
fn strict_into(statement: &SqlStatement, items: &mut Vec<Item>) {
    if statement.kind != SqlKind::Select || statement.into.is_empty() || statement.bulk_collect {
        return;
    }
    let found = top_level(items).find(|&i| items[i].is("INTO"));
    if let Some(at) = found {
        if !items.get(at + 1).is_some_and(|n| n.is("STRICT")) {
            items.insert(at + 1, Item::spaced("STRICT"));
        }
    }
}

/// `INSERT INTO t x (...)`: PostgreSQL wants `AS` before the alias.
fn insert_alias(items: &mut Vec<Item>) {
    let Some(into) = items.iter().position(|i| i.is("INTO")) else { return };
    let mut at = into + 2;
    while items.get(at).is_some_and(|i| i.token == Token::Period) {
        at += 2;
    }
    let Some(next) = items.get(at) else { return };
    let is_alias = matches!(next.token, Token::Word(_))
        && !["VALUES", "SELECT", "WITH", "DEFAULT", "AS"].iter().any(|w| next.is(w));
    if is_alias {
        items.insert(at, Item::spaced("AS"));
        at += 2;
    }
    // `(l.msg)`: PostgreSQL allows no qualifier on an inserted column.
    if items.get(at).is_some_and(|i| i.token == Token::LParen) {
        let close = matching_paren(items, at).unwrap_or(items.len());
        let mut i = at + 1;
        let mut end = close;
        while i + 2 < end {
            let qualified = matches!(items[i].token, Token::Word(_))
                && items[i + 1].token == Token::Period
                && matches!(items[i + 2].token, Token::Word(_))
                && (items[i - 1].token == Token::LParen || items[i - 1].token == Token::Comma);
            if qualified {
                let gap = items[i].gap.clone();
                items.drain(i..i + 2);
                items[i].gap = gap;
                end -= 2;
            }
            i += 1;
        }
    }
}

/// `INSERT INTO t VALUES r` inserts a record: `VALUES (r.*)`.
fn record_values(items: &mut [Item]) {
    let Some(at) = top_level(items).find(|&i| items[i].is("VALUES")) else { return };
    let rest = &items[at + 1..];
    let is_record = !rest.is_empty()
        && rest.iter().all(|i| matches!(i.token, Token::Word(_) | Token::Period))
        && !rest.iter().any(|i| i.is("RETURNING"));
    if is_record {
        let record = text::join_trimmed(rest);
        let gap = rest[0].gap.clone();
        let n = rest.len();
        items[at + 1] = Item::new(format!("({record}.*)")).after(&gap);
        for item in &mut items[at + 2..at + 1 + n] {
            item.text.clear();
            item.gap.clear();
        }
    }
}

/// `UPDATE t SET t.a = 1` is `SET a = 1` in PostgreSQL, which allows no
/// qualifier on a target column.
fn unqualify_set_targets(items: &mut Vec<Item>) {
    let mut i = 0;
    let mut in_set = false;
    let mut depth = 0i32;
    while i < items.len() {
        match items[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        if items[i].is("SET") {
            in_set = true;
        } else if items[i].is("WHERE") || items[i].is("WHEN") || items[i].is("RETURNING") {
            in_set = false;
        }
        let target_start = in_set
            && i > 0
            && (items[i - 1].is("SET") || (items[i - 1].token == Token::Comma && depth == 0));
        if target_start
            && matches!(items[i].token, Token::Word(_))
            && items.get(i + 1).is_some_and(|p| p.token == Token::Period)
            && items.get(i + 2).is_some_and(|c| matches!(c.token, Token::Word(_)))
            && items.get(i + 3).is_some_and(|e| e.token == Token::Eq)
        {
            let gap = items[i].gap.clone();
            items.drain(i..i + 2);
            items[i].gap = gap;
        }
        i += 1;
    }
}

/// Oracle's MERGE branches as PostgreSQL's: `WHEN MATCHED THEN UPDATE SET
/// ... WHERE c` is `WHEN MATCHED AND (c) THEN UPDATE SET ...`, likewise the
/// WHERE of an INSERT branch; the INSERT's columns lose their qualifier.
/// Returns the line of a `DELETE WHERE`, which is left as written.
fn merge_branches(items: &mut Vec<Item>) -> Option<u32> {
    // A branch's WHEN, not a CASE's.
    let branch = |i: usize| {
        items[i].is("WHEN") && items.get(i + 1).is_some_and(|n| n.is("MATCHED") || n.is("NOT"))
    };
    let whens: Vec<usize> = top_level(items).filter(|&i| branch(i)).collect();
    let mut delete = None;
    for (n, &when) in whens.iter().enumerate().rev() {
        let end = whens.get(n + 1).copied().unwrap_or(items.len());
        let Some(then) = (when..end).find(|&i| items[i].is("THEN")) else { continue };
        let top: Vec<usize> = top_level(&items[..end]).filter(|&i| i > then).collect();
        if let Some(&d) = top
            .iter()
            .find(|&&i| items[i].is("DELETE") && items.get(i + 1).is_some_and(|w| w.is("WHERE")))
        {
            delete = Some(items[d].line);
        }
        let stop =
            top.iter().copied().find(|&i| items[i].is("DELETE") && i > then + 1).unwrap_or(end);
        let Some(&at) = top.iter().find(|&&i| items[i].is("WHERE") && i < stop) else {
            unqualify_insert_columns(items, then, end);
            continue;
        };
        let mut condition: Vec<Item> = items.drain(at..stop).skip(1).collect();
        if let Some(first) = condition.first_mut() {
            first.gap = String::new();
        }
        let mut guard = made("AND (");
        guard[0].gap = " ".to_owned();
        guard.extend(condition);
        guard.extend(made(")"));
        let added = guard.len();
        items.splice(then..then, guard);
        unqualify_insert_columns(items, then + added, end + added - (stop - at));
    }
    delete
}

/// `INSERT (t.a, t.b)` in a MERGE branch between `from` and `to` as
/// `INSERT (a, b)`.
fn unqualify_insert_columns(items: &mut Vec<Item>, from: usize, to: usize) {
    let Some(insert) = (from..to.min(items.len())).find(|&i| items[i].is("INSERT")) else {
        return;
    };
    if items.get(insert + 1).is_none_or(|i| i.token != Token::LParen) {
        return;
    }
    let close = matching_paren(items, insert + 1).unwrap_or(items.len());
    let mut i = insert + 2;
    let mut close = close;
    while i + 2 < close {
        if items[i].word().is_some() && items[i + 1].token == Token::Period {
            let gap = items[i].gap.clone();
            items.drain(i..i + 2);
            items[i].gap = gap;
            close -= 2;
        }
        i += 1;
    }
}

/// PostgreSQL before 16 wants an alias on every subquery in FROM.
fn alias_subqueries(items: &mut Vec<Item>) {
    let mut n = 0;
    let mut i = 0;
    while i + 1 < items.len() {
        let opens_subquery = items[i].token == Token::LParen
            && items[i + 1].is("SELECT")
            && i > 0
            && (items[i - 1].is("FROM") || items[i - 1].is("JOIN"));
        if opens_subquery {
            if let Some(close) = matching_paren(items, i) {
                let needs = match items.get(close + 1) {
                    None => true,
                    Some(next) => {
                        matches!(next.token, Token::Comma | Token::RParen | Token::SemiColon)
                            || next.word().is_some_and(|w| {
                                matches!(
                                    w.as_str(),
                                    "WHERE"
                                        | "GROUP"
                                        | "ORDER"
                                        | "UNION"
                                        | "MINUS"
                                        | "EXCEPT"
                                        | "INTERSECT"
                                        | "CONNECT"
                                        | "START"
                                        | "JOIN"
                                        | "LEFT"
                                        | "RIGHT"
                                        | "INNER"
                                        | "FULL"
                                        | "CROSS"
                                        | "FOR"
                                        | "ON"
                                        | "HAVING"
                                        | "LIMIT"
                                )
                            })
                    }
                };
                if needs {
                    n += 1;
                    items.insert(close + 1, Item::spaced(format!("sub{n}")));
                }
            }
        }
        i += 1;
    }
}
