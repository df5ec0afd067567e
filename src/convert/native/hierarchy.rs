//! Oracle's hierarchical queries as recursive queries.
//!
//! ```sql
//! SELECT LEVEL, SYS_CONNECT_BY_PATH(name, '/') FROM emp e WHERE e.active = 1
//!  START WITH manager_id IS NULL CONNECT BY PRIOR id = manager_id
//!  ORDER SIBLINGS BY name
//! ```
//!
//! keeps its select list and WHERE, and reads from a derived table of the
//! same alias that walks the hierarchy:
//!
//! ```sql
//! SELECT level, e.connect_by_path_1 FROM (WITH RECURSIVE connect_by AS (
//!     SELECT e AS connect_by_row, 1 AS level, ... FROM emp e WHERE manager_id IS NULL
//!     UNION ALL
//!     SELECT e, connect_by_prior.level + 1, ... FROM connect_by connect_by_prior
//!       JOIN emp e ON ((connect_by_prior.connect_by_row).id = manager_id) AND ...
//! ) SELECT (connect_by_prior.connect_by_row).*, ... ORDER BY connect_by_order) e
//! WHERE e.active = 1
//! ```
//!
//! As in Oracle, START WITH picks the roots, CONNECT BY links each row to
//! its parent (`PRIOR` names the parent's columns), WHERE filters the rows
//! the walk found, and rows come out depth first, siblings in ORDER
//! SIBLINGS BY's order. The parent's row is one composite column, so that
//! the child's columns keep their unqualified names in the condition.
//! `LEVEL`, `SYS_CONNECT_BY_PATH`, `CONNECT_BY_ROOT` and `CONNECT_BY_ISLEAF`
//! are columns of the derived table. A row met again on its own path
//! (a cycle) is not joined again: what NOCYCLE does, where Oracle without
//! it raises ORA-01436 (noted). PostgreSQL's own CYCLE clause would do
//! the same, but PostgreSQL 15 fails on it beside the window function
//! that numbers siblings.
//!
//! Left as written, with the reason: a hierarchy over a join (Oracle joins
//! first, with the WHERE's join conditions), `PRIOR` outside CONNECT BY,
//! and `CONNECT_BY_ISCYCLE`. `CONNECT BY LEVEL <= n` on no table, the row
//! generator, is [`super::sql`]'s.

use sqlparser::tokenizer::Token;

use super::sql::{made, rewrite_blocks, top_level, Said};
use super::text::{matching_paren, split_commas, Item};
use super::NoteKind;

/// Clauses that end a FROM, WHERE, START WITH or CONNECT BY.
const CLAUSES: &[&str] = &[
    "WHERE", "START", "CONNECT", "GROUP", "HAVING", "ORDER", "MODEL", "FOR", "FETCH", "OFFSET",
    "LIMIT", "WINDOW",
];

/// `items` with the hierarchical query blocks rewritten, subqueries
/// first. `columns` gives a table's columns in order, where known, for a
/// `SELECT *` over a hierarchy. What a person should know is pushed to
/// `said`.
pub(super) fn hierarchies(
    items: Vec<Item>,
    columns: &dyn Fn(&[Item]) -> Option<Vec<String>>,
    said: &mut Vec<Said>,
) -> Vec<Item> {
    let wanted = |items: &[Item]| items.iter().any(|i| i.is("CONNECT"));
    rewrite_blocks(items, &wanted, &mut |block_items, line| match block(block_items, columns) {
        Ok(Some((rewritten, notes))) => {
            said.extend(notes.into_iter().map(|mut n| {
                n.line = line;
                n
            }));
            Some(rewritten)
        }
        Ok(None) => None,
        Err(why) => {
            let why = format!("CONNECT BY left as written: {why}");
            said.push(Said::new(line, NoteKind::Unsupported, why));
            None
        }
    })
}

/// The clauses of a hierarchical query block.
struct Parts<'a> {
    /// `SELECT ... [INTO ...]`, up to FROM.
    select: &'a [Item],
    /// The FROM entry.
    entry: &'a [Item],
    alias: String,
    where_: Option<&'a [Item]>,
    /// What is written before WHERE.
    where_gap: String,
    start: Option<&'a [Item]>,
    connect: &'a [Item],
    nocycle: bool,
    /// ORDER SIBLINGS BY's list.
    siblings: Option<&'a [Item]>,
    /// GROUP BY, HAVING, ORDER BY and the rest, as written.
    rest: Vec<Item>,
}

fn parts(items: &[Item]) -> Result<Option<Parts<'_>>, String> {
    let top: Vec<usize> = top_level(items).collect();
    let next_is = |j: usize, word: &str| items.get(j + 1).is_some_and(|n| n.is(word));
    let clause_at = |j: usize| match items[j].word().as_deref() {
        Some("START") => next_is(j, "WITH"),
        Some("CONNECT") => next_is(j, "BY"),
        Some(w) => CLAUSES.contains(&w),
        None => false,
    };
    let Some(connect) = top.iter().copied().find(|&j| items[j].is("CONNECT") && clause_at(j))
    else {
        return Ok(None);
    };
    let from =
        top.iter().copied().find(|&j| items[j].is("FROM")).ok_or("CONNECT BY on no table")?;
    // Each clause from its keyword to the next.
    let starts: Vec<usize> = top.iter().copied().filter(|&j| j > from && clause_at(j)).collect();
    let clause = |at: usize| {
        let end = starts.iter().copied().find(|&j| j > at).unwrap_or(items.len());
        &items[at..end]
    };
    let entry = &items[from + 1..starts.first().copied().unwrap_or(items.len())];
    let joined = top_level(entry).any(|j| entry[j].token == Token::Comma || entry[j].is("JOIN"));
    if joined || entry.is_empty() {
        return Err("CONNECT BY over a join: Oracle joins before it walks the hierarchy".into());
    }
    let last = entry.len() - 1;
    let aliased = last > 0
        && entry[last].word().is_some()
        && !matches!(entry[last - 1].token, Token::Period | Token::AtSign);
    let alias = match (&entry[last].token, aliased) {
        (Token::Word(w), _) => w.value.clone(),
        _ => return Err("CONNECT BY over a subquery without an alias".into()),
    };
    let find = |word: &str| starts.iter().copied().find(|&j| items[j].is(word));
    let where_ = find("WHERE").map(|j| &clause(j)[1..]);
    let where_gap = find("WHERE").map_or_else(|| " ".to_owned(), |j| items[j].gap.clone());
    let start = find("START").map(|j| &clause(j)[2..]);
    let mut connect = &clause(connect)[2..];
    let nocycle = connect.first().is_some_and(|i| i.is("NOCYCLE"));
    if nocycle {
        connect = &connect[1..];
    }
    let mut rest = Vec::new();
    let mut siblings = None;
    let after = starts
        .iter()
        .copied()
        .filter(|&j| !["WHERE", "START", "CONNECT"].iter().any(|w| items[j].is(w)));
    for j in after {
        let c = clause(j);
        if c[0].is("ORDER") && c.get(1).is_some_and(|s| s.is("SIBLINGS")) {
            siblings = Some(&c[3..]);
        } else {
            rest.extend(c.iter().cloned());
        }
    }
    Ok(Some(Parts {
        select: &items[..from],
        entry,
        alias,
        where_,
        where_gap,
        start,
        connect,
        nocycle,
        siblings,
        rest,
    }))
}

/// The tokens being written.
#[derive(Default)]
struct Out {
    items: Vec<Item>,
    /// The indentation of the line the derived table starts on.
    base: String,
    /// The gap before the next token, when it starts a line.
    line: Option<String>,
}

impl Out {
    /// The translator's own SQL.
    fn sql(&mut self, sql: &str) -> &mut Self {
        self.items(&written(sql))
    }

    /// What comes next starts a line, `indent` further in than the base.
    fn line(&mut self, indent: usize) -> &mut Self {
        self.line = Some(format!("\n{}{}", self.base, " ".repeat(indent)));
        self
    }

    /// Tokens, after a space unless punctuation says otherwise.
    fn items(&mut self, items: &[Item]) -> &mut Self {
        let Some((first, rest)) = items.split_first() else { return self };
        let opened = self.items.last().is_none_or(|l| l.text.ends_with(['(', '[']));
        let closes = [",", ")", "]"].iter().any(|p| first.text.starts_with(p));
        let gap = match self.line.take() {
            Some(line) => line,
            None if opened || closes => String::new(),
            None => " ".to_owned(),
        };
        self.items.push(first.clone().after(&gap));
        self.items.extend(rest.iter().cloned());
        self
    }
}

/// A query block rewritten, and what to say about it.
type Rewritten = (Vec<Item>, Vec<Said>);

/// The values the walk carries for the outer query: each
/// `SYS_CONNECT_BY_PATH` and `CONNECT_BY_ROOT` operand once.
#[derive(Default)]
struct Carried {
    values: Vec<Vec<Item>>,
    /// The values with a path, and the path's separator.
    paths: Vec<(usize, Vec<Item>)>,
    roots: Vec<usize>,
    leaf: bool,
}

/// A hierarchical query block rewritten, with what to say; `None` when
/// the block has no CONNECT BY of its own.
fn block(
    items: &[Item],
    columns: &dyn Fn(&[Item]) -> Option<Vec<String>>,
) -> Result<Option<Rewritten>, String> {
    let Some(p) = parts(items)? else { return Ok(None) };
    let mut said = Vec::new();
    // Without PRIOR, every row is a child of every row, as deep as LEVEL
    // allows, and Oracle checks no loop.
    let linked_rows = p.connect.iter().any(|i| i.is("PRIOR"));
    if linked_rows && !p.nocycle {
        said.push(Said {
            once: Some("connect-by-loop"),
            ..Said::new(
                0,
                NoteKind::Review,
                "CONNECT BY became WITH RECURSIVE: a row met again on its own path ends the \
                 branch, where Oracle raises ORA-01436 (CONNECT BY loop)",
            )
        })
    }
    let a = p.alias.as_str();

    // The select list, WHERE and the rest read the derived table's columns.
    let mut carried = Carried::default();
    let select = pseudo_columns(p.select, a, &mut carried)?;
    let where_ = p.where_.map(|w| pseudo_columns(w, a, &mut carried)).transpose()?;
    let rest = pseudo_columns(&p.rest, a, &mut carried)?;
    let select = match (star(&select), columns(p.entry)) {
        (Some(at), Some(names)) => {
            let list: Vec<String> =
                names.iter().map(|c| format!("{a}.{}", super::cx::pg_name(c))).collect();
            let mut named = made(&list.join(", "));
            named[0].gap = select[at].gap.clone();
            let end = if select[at].token == Token::Mul { at + 1 } else { at + 3 };
            select[..at].iter().cloned().chain(named).chain(select[end..].iter().cloned()).collect()
        }
        (Some(_), None) => {
            said.push(Said::new(
                0,
                NoteKind::Review,
                "SELECT * over a hierarchy also returns its level and connect_by_* columns: name \
                 the columns",
            ));
            select
        }
        (None, _) => select,
    };
    let siblings = p.siblings.map(|s| sibling_order(s, p.select)).transpose()?;

    let from_gap = items[p.select.len()].gap.clone();
    let base = from_gap.rsplit('\n').next().filter(|_| from_gap.contains('\n')).unwrap_or("");
    let mut out = Out { base: base.to_owned(), ..Out::default() };
    let walk = Walk { p: &p, carried: &carried, siblings: siblings.as_deref(), linked_rows };
    walk.write(&mut out)?;
    let mut written = select;
    let mut from = out.items;
    from[0].gap = if from_gap.is_empty() { " ".to_owned() } else { from_gap };
    written.extend(from);
    if let Some(w) = where_ {
        let mut clause = Out::default();
        clause.sql("WHERE").items(&w);
        clause.items[0].gap = p.where_gap.clone();
        written.extend(clause.items);
    }
    written.extend(rest);
    Ok(Some((written, said)))
}

/// The derived table that walks a hierarchy.
struct Walk<'a> {
    p: &'a Parts<'a>,
    carried: &'a Carried,
    /// ORDER SIBLINGS BY's list, in terms of the table's columns.
    siblings: Option<&'a [Item]>,
    /// CONNECT BY names the parent with PRIOR: rows are linked, and a row
    /// met again on its path is a loop.
    linked_rows: bool,
}

impl Walk<'_> {
    fn write(&self, out: &mut Out) -> Result<(), String> {
        let (p, a) = (self.p, self.p.alias.as_str());
        let link = linked(p.connect, a)?;
        let child_level = written("(connect_by_prior.level + 1)");

        // The roots.
        out.sql("FROM (WITH RECURSIVE connect_by AS (").line(8).sql("SELECT");
        out.sql(&format!("{a} AS connect_by_row, 1 AS level, ARRAY["));
        self.sibling_number(out, false);
        out.sql(&format!("] AS connect_by_order, ARRAY[ROW({a}.*)::text] AS connect_by_visited"));
        for (n, value) in self.carried.values.iter().enumerate() {
            let value = level_is(value, &written("1"));
            if self.carried.roots.contains(&n) {
                out.sql(",").items(&value).sql(&format!("AS connect_by_root_{}", n + 1));
            }
            if let Some((_, separator)) = self.carried.paths.iter().find(|(v, _)| *v == n) {
                out.sql(", concat(").items(separator).sql(",").items(&value);
                out.sql(&format!(")::text AS connect_by_path_{}", n + 1));
            }
        }
        out.line(10).sql("FROM").items(p.entry);
        if let Some(start) = p.start {
            out.line(9).sql("WHERE").items(&level_is(start, &written("1")));
        }

        // Each row's children.
        out.line(8).sql("UNION ALL");
        out.line(8).sql(&format!("SELECT {a}, connect_by_prior.level + 1,"));
        out.sql("array_append(connect_by_prior.connect_by_order,");
        self.sibling_number(out, true);
        out.sql(&format!("), array_append(connect_by_prior.connect_by_visited, ROW({a}.*)::text)"));
        for (n, value) in self.carried.values.iter().enumerate() {
            if self.carried.roots.contains(&n) {
                out.sql(&format!(", connect_by_prior.connect_by_root_{}", n + 1));
            }
            if let Some((_, separator)) = self.carried.paths.iter().find(|(v, _)| *v == n) {
                out.sql(&format!(", concat(connect_by_prior.connect_by_path_{},", n + 1));
                let value = level_is(value, &child_level);
                out.items(separator).sql(",").items(&value).sql(")::text");
            }
        }
        out.line(10).sql("FROM connect_by connect_by_prior");
        out.line(10).sql("JOIN").items(p.entry).sql("ON (").items(&link).sql(")");
        if self.linked_rows {
            out.sql(&format!(
                "AND NOT ROW({a}.*)::text = ANY(connect_by_prior.connect_by_visited)"
            ));
        }

        // What the outer query reads, in the walk's order.
        out.line(4).sql(")");
        out.line(4).sql("SELECT (connect_by_prior.connect_by_row).*, connect_by_prior.level");
        for n in 0..self.carried.values.len() {
            if self.carried.roots.contains(&n) {
                out.sql(&format!(", connect_by_prior.connect_by_root_{}", n + 1));
            }
            if self.carried.paths.iter().any(|(v, _)| *v == n) {
                out.sql(&format!(", connect_by_prior.connect_by_path_{}", n + 1));
            }
        }
        if self.carried.leaf {
            out.sql(", CASE WHEN EXISTS (SELECT 1 FROM").items(p.entry).sql("WHERE").items(&link);
            out.sql(") THEN 0 ELSE 1 END AS connect_by_isleaf");
        }
        out.line(6).sql("FROM connect_by connect_by_prior");
        out.line(5).sql(&format!("ORDER BY connect_by_prior.connect_by_order) {a}"));
        Ok(())
    }

    /// A row's number among its siblings, in ORDER SIBLINGS BY's order.
    fn sibling_number(&self, out: &mut Out, partitioned: bool) {
        out.sql("row_number() OVER (");
        if partitioned {
            out.sql("PARTITION BY connect_by_prior.connect_by_order");
        }
        if let Some(s) = self.siblings {
            out.sql("ORDER BY").items(s);
        }
        out.sql(")");
    }
}

/// The translator's own SQL as tokens that later rewrites leave alone: a
/// token for each parenthesis and comma, so that they still see the
/// nesting and the arguments, and one for each stretch between. Cheaper
/// than lexing, which matters: the walk is most of what a hierarchy's
/// query becomes.
fn written(sql: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let mut rest = sql;
    while !rest.is_empty() {
        let trimmed = rest.trim_start();
        let gap = &rest[..rest.len() - trimmed.len()];
        let (text, token, next) = match trimmed.find(['(', ')', ',']) {
            Some(0) => {
                let token = match trimmed.as_bytes()[0] {
                    b'(' => Token::LParen,
                    b')' => Token::RParen,
                    _ => Token::Comma,
                };
                (&trimmed[..1], Some(token), &trimmed[1..])
            }
            Some(at) => {
                (trimmed[..at].trim_end(), None, &trimmed[trimmed[..at].trim_end().len()..])
            }
            None => (trimmed, None, ""),
        };
        if !text.is_empty() {
            let mut item = Item::new(text).after(gap);
            if let Some(token) = token {
                item.token = token;
            }
            out.push(item);
        }
        rest = next;
    }
    out
}

/// ORDER SIBLINGS BY's list with each position (`2`) and select-list
/// alias (`nm`) replaced by the expression it names.
fn sibling_order(siblings: &[Item], select: &[Item]) -> Result<Vec<Item>, String> {
    // The select list: SELECT's expressions up to INTO, each with its alias.
    let list_end = top_level(select).find(|&j| select[j].is("INTO")).unwrap_or(select.len());
    let list: Vec<Vec<Item>> = split_commas(&select[1.min(select.len())..list_end]);
    let alias_of = |e: &[Item]| {
        let last = e.len().checked_sub(1)?;
        (last > 0 && e[last - 1].token != Token::Period).then(|| e[last].name()).flatten()
    };
    let expression = |e: &Vec<Item>| -> Vec<Item> {
        let cut = if alias_of(e).is_some() { e.len() - 1 } else { e.len() };
        let cut = if cut > 1 && e[cut - 1].is("AS") { cut - 1 } else { cut };
        e[..cut].to_vec()
    };
    let mut out = Vec::new();
    for (n, key) in split_commas(siblings).into_iter().enumerate() {
        if n > 0 {
            out.extend(made(","));
        }
        let head = key.first().ok_or("ORDER SIBLINGS BY with an empty key")?;
        let named = match &head.token {
            Token::Number(n, _) => {
                let position: usize = n.parse().map_err(|_| "ORDER SIBLINGS BY a position")?;
                let e = list.get(position.wrapping_sub(1)).ok_or("ORDER SIBLINGS BY a position")?;
                Some(expression(e))
            }
            Token::Word(_)
                if key.len() == 1 || !key[1..].iter().any(|i| i.token == Token::Period) =>
            {
                let name = head.name();
                list.iter().find(|e| alias_of(e).is_some() && alias_of(e) == name).map(expression)
            }
            _ => None,
        };
        let mut written = match named {
            Some(mut e) => {
                e.extend(key[1..].iter().cloned());
                e
            }
            None => key.clone(),
        };
        written[0].gap = if n > 0 { " ".to_owned() } else { String::new() };
        out.extend(written);
    }
    Ok(out)
}

/// Where the select list is a lone `*` or `alias.*`: the position of the
/// `*`, or of the alias.
fn star(select: &[Item]) -> Option<usize> {
    let at = select.iter().position(|i| i.token == Token::Mul)?;
    let ends = select.get(at + 1).is_none_or(|n| n.is("INTO"));
    let qualified = at >= 3 && select[at - 1].token == Token::Period && select[at - 3].is("SELECT");
    match () {
        _ if ends && at >= 1 && select[at - 1].is("SELECT") => Some(at),
        _ if ends && qualified => Some(at - 2),
        _ => None,
    }
}

/// The CONNECT BY condition as the join of a child row to its parent,
/// `connect_by_prior`: `PRIOR x` is the parent's column, LEVEL the
/// child's level.
fn linked(connect: &[Item], alias: &str) -> Result<Vec<Item>, String> {
    let mut out = Vec::with_capacity(connect.len());
    let mut i = 0;
    while i < connect.len() {
        if connect[i].is("PRIOR") {
            // `PRIOR x` or `PRIOR alias.x`: the parent's column x.
            let qualified = connect.get(i + 2).is_some_and(|p| p.token == Token::Period);
            let end = if qualified { i + 3 } else { i + 1 };
            let of_alias =
                !qualified || connect[i + 1].name().is_some_and(|q| q.eq_ignore_ascii_case(alias));
            let column = connect.get(end).filter(|c| matches!(c.token, Token::Word(_)));
            let call = connect.get(end + 1).is_some_and(|n| n.token == Token::LParen);
            let column = column
                .filter(|_| of_alias && !call)
                .ok_or("PRIOR before something other than a column of the table")?;
            let at = out.len();
            out.extend(written(&format!("(connect_by_prior.connect_by_row).{}", column.text)));
            out[at].gap = connect[i].gap.clone();
            i = end + 1;
            continue;
        }
        if connect[i].is("LEVEL") {
            let gap = connect[i].gap.clone();
            let at = out.len();
            out.extend(written("(connect_by_prior.level + 1)"));
            out[at].gap = gap;
            i += 1;
            continue;
        }
        out.push(connect[i].clone());
        i += 1;
    }
    Ok(out)
}

/// `items` with LEVEL as `value`.
fn level_is(items: &[Item], value: &[Item]) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.is("LEVEL") {
            let at = out.len();
            out.extend(value.iter().cloned());
            out[at].gap = item.gap.clone();
        } else {
            out.push(item.clone());
        }
    }
    out
}

/// `part` of the outer query with the hierarchy's pseudo-columns as the
/// derived table's columns; the values they need are added to `carried`.
fn pseudo_columns(part: &[Item], alias: &str, carried: &mut Carried) -> Result<Vec<Item>, String> {
    let mut out = Vec::with_capacity(part.len());
    let mut i = 0;
    let column = |out: &mut Vec<Item>, gap: &str, name: String| {
        let at = out.len();
        out.extend(made(&format!("{alias}.{name}")));
        out[at].gap = gap.to_owned();
    };
    while i < part.len() {
        let item = &part[i];
        if item.is("PRIOR") {
            return Err("PRIOR outside CONNECT BY".into());
        }
        if item.is("CONNECT_BY_ISCYCLE") {
            return Err("CONNECT_BY_ISCYCLE has no equivalent".into());
        }
        if item.is("CONNECT_BY_ISLEAF") {
            carried.leaf = true;
        }
        let call = part.get(i + 1).is_some_and(|n| n.token == Token::LParen);
        if item.is("SYS_CONNECT_BY_PATH") && call {
            let close = matching_paren(part, i + 1).ok_or("SYS_CONNECT_BY_PATH not closed")?;
            let args = split_commas(&part[i + 2..close]);
            let [value, separator] = args.as_slice() else {
                return Err("SYS_CONNECT_BY_PATH without two arguments".into());
            };
            let n = value_index(&mut carried.values, value);
            if !carried.paths.iter().any(|(v, _)| *v == n) {
                carried.paths.push((n, separator.clone()));
            }
            column(&mut out, &item.gap, format!("connect_by_path_{}", n + 1));
            i = close + 1;
            continue;
        }
        if item.is("CONNECT_BY_ROOT") {
            // Its operand: a (qualified) column or a parenthesised expression.
            let mut end = i + 1;
            match part.get(end).map(|t| &t.token) {
                Some(Token::LParen) => {
                    end = matching_paren(part, end).ok_or("CONNECT_BY_ROOT not closed")?;
                }
                Some(Token::Word(_)) => {
                    while part.get(end + 1).is_some_and(|p| p.token == Token::Period)
                        && part.get(end + 2).is_some()
                    {
                        end += 2;
                    }
                }
                _ => return Err("CONNECT_BY_ROOT without an operand".into()),
            }
            let n = value_index(&mut carried.values, &part[i + 1..=end]);
            if !carried.roots.contains(&n) {
                carried.roots.push(n);
            }
            column(&mut out, &item.gap, format!("connect_by_root_{}", n + 1));
            i = end + 1;
            continue;
        }
        out.push(item.clone());
        i += 1;
    }
    Ok(out)
}

/// The index of `value` in `values`, added if new.
fn value_index(values: &mut Vec<Vec<Item>>, value: &[Item]) -> usize {
    let same = |v: &Vec<Item>| {
        v.len() == value.len()
            && v.iter().zip(value).all(|(a, b)| a.text.eq_ignore_ascii_case(&b.text))
    };
    match values.iter().position(same) {
        Some(n) => n,
        None => {
            values.push(value.to_vec());
            values.len() - 1
        }
    }
}
