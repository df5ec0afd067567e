//! Oracle's `(+)` outer joins as ANSI joins.
//!
//! `FROM a, b WHERE a.id = b.id(+) AND b.kind(+) = 'X' AND a.n > 1` is
//! `FROM a LEFT JOIN b ON a.id = b.id AND b.kind = 'X' WHERE a.n > 1`: a
//! condition that marks a table's columns with `(+)` goes to the ON clause
//! of that table's join, and every other condition stays in WHERE, which
//! Oracle too applies after the joins. A table outer-joined to columns of
//! several tables joins after all of them (`a CROSS JOIN c LEFT JOIN b ON
//! ...`), and one outer-joined to an outer-joined table joins after it.
//!
//! Query blocks are taken one at a time, subqueries first. A block is left
//! as written, with the reason, when a `(+)` is not in its WHERE, a marked
//! column has no table qualifier, its FROM already has ANSI joins, or its
//! outer joins go round in a cycle; the `(+)` left behind is noted again
//! where expressions are rewritten.

use sqlparser::tokenizer::Token;

use super::sql::{rewrite_blocks, top_level, Said};
use super::text::{matching_paren, split_commas, Item};
use super::NoteKind;

/// Clauses that end a WHERE.
const AFTER_WHERE: &[&str] = &[
    "GROUP",
    "HAVING",
    "ORDER",
    "CONNECT",
    "START",
    "FOR",
    "FETCH",
    "OFFSET",
    "LIMIT",
    "WINDOW",
    "MODEL",
    "UNION",
    "INTERSECT",
    "MINUS",
    "EXCEPT",
];

/// `items` with the outer joins of every query block rewritten. What a
/// person should know (the blocks left as written, with their reason) is
/// pushed to `said`.
pub(super) fn outer_joins(items: Vec<Item>, said: &mut Vec<Said>) -> Vec<Item> {
    let wanted = |items: &[Item]| (0..items.len()).any(|i| is_marker(items, i));
    rewrite_blocks(items, &wanted, &mut |block_items, line| match block(block_items) {
        Ok(Some((rewritten, review))) => {
            said.extend(review.map(|r| Said::new(line, NoteKind::Review, r)));
            Some(rewritten)
        }
        Ok(None) => None,
        Err(why) => {
            let why = format!("(+) outer join left as written: {why}");
            said.push(Said::new(line, NoteKind::Unsupported, why));
            None
        }
    })
}

/// Where the `(+)` of `items` are, but those of its subqueries (left as
/// written when they got there).
fn own_markers(items: &[Item]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let subquery = items[i].token == Token::LParen
            && items.get(i + 1).is_some_and(|n| n.is("SELECT") || n.is("WITH"));
        if subquery {
            i = matching_paren(items, i).map_or(items.len(), |close| close + 1);
            continue;
        }
        if is_marker(items, i) {
            out.push(i);
        }
        i += 1;
    }
    out
}

/// `(+)` at `items[i]`.
fn is_marker(items: &[Item], i: usize) -> bool {
    items[i].token == Token::LParen
        && items.get(i + 1).is_some_and(|p| p.token == Token::Plus)
        && items.get(i + 2).is_some_and(|c| c.token == Token::RParen)
}

/// One FROM entry: its tokens, and the name conditions qualify it by.
struct Entry {
    items: Vec<Item>,
    key: Option<String>,
}

/// One condition of the WHERE, with the AND written before it.
struct Condition {
    and: Option<Item>,
    items: Vec<Item>,
    /// The entry whose columns it marks with `(+)`.
    optional: Option<usize>,
    /// The other entries it names.
    names: Vec<usize>,
}

/// A block's tokens with its joins made, and what to say about it.
type Joined = (Vec<Item>, Option<&'static str>);

/// The query block `items` (from its SELECT) with its outer joins
/// rewritten, and a note when that changes what `SELECT *` lists; `None`
/// when it has none of its own.
fn block(items: &[Item]) -> Result<Option<Joined>, String> {
    let top: Vec<usize> = top_level(items).collect();
    let markers = own_markers(items);
    if markers.is_empty() {
        return Ok(None);
    }
    let find =
        |word: &str, after: usize| top.iter().copied().find(|&j| j > after && items[j].is(word));
    let from = find("FROM", 0).ok_or("a (+) in a query without FROM")?;
    let Some(where_at) = find("WHERE", from) else {
        return Err("a (+) outside WHERE".to_owned());
    };
    let tail =
        top.iter().copied().find(|&j| j > where_at && AFTER_WHERE.iter().any(|w| items[j].is(w)));
    let tail = tail.unwrap_or(items.len());
    if markers.iter().any(|&m| m < where_at || m > tail) {
        return Err("a (+) outside WHERE".to_owned());
    }
    let entries = entries(&items[from + 1..where_at])?;
    let mut conditions = conditions(&items[where_at + 1..tail]);
    for c in &mut conditions {
        classify(c, &entries)?;
    }
    // A table whose (+) conditions name no other table, while another is
    // outer-joined to it, is joined to nothing: its conditions filter it.
    let preserved: Vec<usize> = conditions
        .iter()
        .filter(|c| c.optional.is_some())
        .flat_map(|c| c.names.iter().copied())
        .collect();
    let joined: Vec<usize> =
        conditions.iter().filter(|c| !c.names.is_empty()).filter_map(|c| c.optional).collect();
    for c in &mut conditions {
        if c.optional.is_some_and(|t| preserved.contains(&t) && !joined.contains(&t)) {
            c.optional = None;
        }
    }
    let (groups, order) = join(&entries, &conditions)?;
    let star = top.iter().any(|&j| j < from && items[j].token == Token::Mul);
    let review = (star && order.windows(2).any(|w| w[0] > w[1])).then_some(
        "SELECT * over outer joins lists the tables' columns in the joins' order, which is not \
         the order of FROM: name the columns",
    );

    let mut out: Vec<Item> = items[..=from].to_vec();
    for (n, group) in groups.into_iter().enumerate() {
        if n > 0 {
            out.extend(words(",").into_iter().map(|i| i.after("")));
        }
        out.extend(group);
    }
    let kept: Vec<Condition> = conditions.into_iter().filter(|c| c.optional.is_none()).collect();
    for (n, c) in kept.into_iter().enumerate() {
        if n == 0 {
            out.push(items[where_at].clone());
        } else {
            out.extend(c.and.map_or_else(|| words("AND"), |and| vec![and]));
        }
        out.extend(spaced(c.items));
    }
    out.extend(items[tail..].iter().cloned());
    Ok(Some((out, review)))
}

/// The FROM entries of a block with outer joins.
fn entries(items: &[Item]) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for part in split_commas(items) {
        let joined = top_level(&part).any(|j| part[j].is("JOIN"));
        if joined || part.is_empty() {
            return Err("a (+) where FROM already has ANSI joins".to_owned());
        }
        let last = part.len() - 1;
        let aliased = last > 0
            && part[last].word().is_some()
            && !matches!(part[last - 1].token, Token::Period | Token::AtSign);
        let key = if aliased || part[last].name().is_some() { part[last].name() } else { None };
        out.push(Entry { items: part, key });
    }
    Ok(out)
}

/// The conditions of a WHERE, split at the ANDs outside parentheses (not
/// BETWEEN's, nor those inside CASE). A condition that is a parenthesised
/// AND of its own, with a `(+)` in it, is split too: Oracle's joins do
/// not depend on the parentheses.
fn conditions(items: &[Item]) -> Vec<Condition> {
    let mut out = vec![Condition { and: None, items: Vec::new(), optional: None, names: vec![] }];
    let mut depth = 0i32;
    let mut cases = 0usize;
    let mut between = false;
    for item in items {
        match item.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ if depth == 0 && item.is("CASE") => cases += 1,
            _ if depth == 0 && item.is("END") => cases = cases.saturating_sub(1),
            _ if depth > 0 || cases > 0 => {}
            _ if item.is("BETWEEN") => between = true,
            _ if item.is("AND") && between => between = false,
            _ if item.is("AND") => {
                out.push(Condition {
                    and: Some(item.clone()),
                    items: Vec::new(),
                    optional: None,
                    names: vec![],
                });
                continue;
            }
            _ => {}
        }
        out.last_mut().expect("never empty").items.push(item.clone());
    }
    out.into_iter().flat_map(parenthesised_group).collect()
}

/// `(a AND b)` holding a `(+)` as its conditions; any other as it is.
fn parenthesised_group(c: Condition) -> Vec<Condition> {
    let whole = c.items.first().is_some_and(|o| o.token == Token::LParen)
        && matching_paren(&c.items, 0) == Some(c.items.len() - 1);
    if !whole {
        return vec![c];
    }
    let inside = &c.items[1..c.items.len() - 1];
    if own_markers(inside).is_empty() || !top_level(inside).any(|j| inside[j].is("AND")) {
        return vec![c];
    }
    let mut parts = conditions(inside);
    parts[0].and = c.and;
    if let Some(first) = parts[0].items.first_mut() {
        first.gap = c.items[0].gap.clone();
    }
    parts
}

/// Finds which entry `c` outer-joins and which others it names; takes its
/// `(+)` out.
fn classify(c: &mut Condition, entries: &[Entry]) -> Result<(), String> {
    let index_of = |name: &str| entries.iter().position(|e| e.key.as_deref() == Some(name));
    let mut marked: Option<String> = None;
    // From the last, so that taking one out moves none still to come.
    for i in own_markers(&c.items).into_iter().rev() {
        let qualified = i >= 3
            && c.items[i - 1].word().is_some()
            && c.items[i - 2].token == Token::Period
            && c.items[i - 3].name().is_some();
        if !qualified {
            return Err("a (+) column without its table's name or alias".to_owned());
        }
        let table = c.items[i - 3].name().unwrap_or_default();
        if marked.as_ref().is_some_and(|m| *m != table) {
            return Err("a condition marks the columns of two tables with (+)".to_owned());
        }
        marked = Some(table);
        c.items.drain(i..i + 3);
    }
    if let Some(table) = marked {
        let at = index_of(&table).ok_or_else(|| format!("(+) on {table}, not in this FROM"))?;
        if top_level(&c.items).any(|j| c.items[j].is("OR")) {
            return Err("a (+) in a condition with OR".to_owned());
        }
        c.optional = Some(at);
    }
    for j in 0..c.items.len().saturating_sub(1) {
        if c.items[j + 1].token != Token::Period || (j > 0 && c.items[j - 1].token == Token::Period)
        {
            continue;
        }
        let named = c.items[j].name().and_then(|n| index_of(&n));
        if let Some(n) = named.filter(|&n| Some(n) != c.optional && !c.names.contains(&n)) {
            c.names.push(n);
        }
    }
    Ok(())
}

/// The FROM entries joined: each outer-joined entry after the entries its
/// conditions name, in groups that commas separate; and the order the
/// entries come in.
fn join(
    entries: &[Entry],
    conditions: &[Condition],
) -> Result<(Vec<Vec<Item>>, Vec<usize>), String> {
    // Each group: its entries in order, and its tokens.
    let mut groups: Vec<Option<(Vec<usize>, Vec<Item>)>> =
        entries.iter().enumerate().map(|(n, e)| Some((vec![n], spaced(e.items.clone())))).collect();
    let group_of = |groups: &[Option<(Vec<usize>, Vec<Item>)>], entry: usize| {
        groups.iter().position(|g| g.as_ref().is_some_and(|(members, _)| members.contains(&entry)))
    };
    let mut optional: Vec<usize> = conditions.iter().filter_map(|c| c.optional).collect();
    optional.sort_unstable();
    optional.dedup();
    let needs = |t: usize| -> Vec<usize> {
        let mut n: Vec<usize> = conditions
            .iter()
            .filter(|c| c.optional == Some(t))
            .flat_map(|c| c.names.iter().copied())
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    };
    let mut done: Vec<usize> = Vec::new();
    while done.len() < optional.len() {
        let next = optional.iter().copied().find(|&t| {
            !done.contains(&t) && needs(t).iter().all(|n| !optional.contains(n) || done.contains(n))
        });
        let t = next.ok_or("outer joins that go round in a cycle")?;
        let own = group_of(&groups, t).ok_or("an outer-joined table joined twice")?;
        let mut targets: Vec<usize> =
            needs(t).iter().filter_map(|&n| group_of(&groups, n)).filter(|&g| g != own).collect();
        if targets.is_empty() {
            // Only conditions on t itself: it joins the first other group.
            let first = (0..groups.len()).find(|&g| g != own && groups[g].is_some());
            targets.push(first.ok_or("a (+) on the only table")?);
        }
        targets.sort_unstable();
        targets.dedup();
        let into = targets[0];
        let (mut members, mut joined) = groups[into].take().ok_or("a group joined twice")?;
        for &other in &targets[1..] {
            let (more, tokens) = groups[other].take().ok_or("a group joined twice")?;
            joined.extend(words("CROSS JOIN"));
            joined.extend(tokens);
            members.extend(more);
        }
        let (more, tokens) = groups[own].take().ok_or("a group joined twice")?;
        joined.extend(words("LEFT JOIN"));
        joined.extend(tokens);
        members.extend(more);
        joined.extend(words("ON"));
        let on: Vec<&Condition> = conditions.iter().filter(|c| c.optional == Some(t)).collect();
        for (n, c) in on.into_iter().enumerate() {
            if n > 0 {
                joined.extend(words("AND"));
            }
            let or = top_level(&c.items).any(|j| c.items[j].is("OR"));
            if or {
                joined.extend(words("("));
            }
            joined.extend(spaced(c.items.clone()));
            if or {
                joined.extend(words(")").into_iter().map(|i| i.after("")));
            }
        }
        groups[into] = Some((members, joined));
        done.push(t);
    }
    let mut order = Vec::new();
    let mut out = Vec::new();
    for (members, tokens) in groups.into_iter().flatten() {
        order.extend(members);
        out.push(tokens);
    }
    Ok((out, order))
}

/// `items` with one space before the first, unless it starts a line.
fn spaced(mut items: Vec<Item>) -> Vec<Item> {
    if let Some(first) = items.first_mut() {
        if !first.gap.contains('\n') {
            first.gap = " ".to_owned();
        }
    }
    items
}

/// The translator's own keywords and punctuation, after a space: made
/// directly, as lexing them again for each join would cost more than the
/// join.
fn words(sql: &str) -> Vec<Item> {
    sql.split(' ')
        .map(|word| {
            let token = match word {
                "(" => Token::LParen,
                ")" => Token::RParen,
                "," => Token::Comma,
                _ => Token::make_word(word, None),
            };
            Item { token, text: word.to_owned(), gap: " ".to_owned(), line: 0 }
        })
        .collect()
}
