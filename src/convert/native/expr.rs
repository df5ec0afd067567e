//! Expressions and conditions, rewritten token by token where Oracle and
//! PostgreSQL differ in spelling or meaning.
//!
//! NULL rules come first: `NVL`, `NVL2` and `DECODE` become `coalesce` and
//! `CASE` with Oracle's NULL matching (`DECODE(x, NULL, ...)` matches a
//! NULL `x`); `||` becomes `concat(...)`, which, like Oracle and unlike
//! PostgreSQL's `||`, ignores NULL operands; an empty string literal where
//! a value is assigned or compared becomes `NULL`, which it is in Oracle.

use sqlparser::tokenizer::Token;

use super::cx::{pg_name, Cx, ROWCOUNT};
use super::text::{self, matching_paren, quote_literal, split_commas, Item};
use super::NoteKind;
use crate::plsql::ast::{Fragment, ParameterMode};

impl Cx<'_> {
    /// A rewritten expression or condition, trimmed.
    pub fn expr(&mut self, fragment: &Fragment) -> String {
        match text::items(fragment) {
            Ok(items) => text::join_trimmed(&self.rewrite(&items.items)),
            Err(e) => {
                self.note(fragment.span.line, NoteKind::Unsupported, format!("not read: {e}"));
                fragment.text.trim().to_owned()
            }
        }
    }

    /// Rewrites a list of tokens, parenthesised groups and call arguments
    /// recursively.
    pub fn rewrite(&mut self, items: &[Item]) -> Vec<Item> {
        let mut out: Vec<Item> = Vec::with_capacity(items.len());
        let mut i = 0;
        while i < items.len() {
            let item = &items[i];
            match &item.token {
                // `f(x)(i)`: an element of what a function returns (not
                // an outer join's `TABLE(f(x)) (+)`).
                Token::LParen
                    if called_before(items, i)
                        && items.get(i + 1).is_none_or(|i| i.token != Token::Plus) =>
                {
                    let close = matching_paren(items, i).unwrap_or(items.len());
                    let index = text::join_trimmed(&self.rewrite(&items[i + 1..close]));
                    if let Some(operand) = take_operand(&mut out) {
                        let gap = operand[0].gap.clone();
                        let operand = text::join_trimmed(&operand);
                        out.push(Item::new(format!("({operand})[{index}]")).after(&gap));
                        i = close + 1;
                        continue;
                    }
                    out.push(Item::new(format!("({index})")).after(&item.gap));
                    i = close + 1;
                    continue;
                }
                Token::LParen => {
                    if let Some((text, next, _)) = self.upcast_chain(items, i, false) {
                        out.push(Item::new(text).after(&item.gap));
                        i = next;
                        continue;
                    }
                    let close = matching_paren(items, i).unwrap_or(items.len());
                    // In SQL, the outer joins left as written are noted with
                    // their reason already.
                    if close == i + 2 && items[i + 1].token == Token::Plus && !self.in_sql {
                        self.note(
                            item.line,
                            NoteKind::Unsupported,
                            "(+) outer join: rewrite it as LEFT JOIN",
                        );
                    }
                    out.push(item.clone());
                    out.extend(self.rewrite(&items[i + 1..close.min(items.len())]));
                    if let Some(c) = items.get(close) {
                        out.push(c.clone());
                    }
                    i = close + 1;
                    continue;
                }
                // `v IS [NOT] EMPTY`: the array's cardinality, which is NULL
                // for a NULL array, as IS EMPTY is in Oracle.
                Token::Word(_) if item.is("IS") => {
                    let not = items.get(i + 1).is_some_and(|n| n.is("NOT"));
                    let at = if not { i + 2 } else { i + 1 };
                    if items.get(at).is_some_and(|e| e.is("EMPTY")) {
                        let op = if not { "<>" } else { "=" };
                        let text = match take_operand(&mut out) {
                            Some(operand) => {
                                let gap = operand[0].gap.clone();
                                let operand = text::join_trimmed(&operand);
                                Item::new(format!("cardinality({operand}) {op} 0")).after(&gap)
                            }
                            None => Item::new(format!("{op} '{{}}'")).after(&item.gap),
                        };
                        out.push(text);
                        i = at + 1;
                        continue;
                    }
                    // `x IS [NOT] OF [TYPE] (t, ...)`, a test of the value's subtype.
                    if let Some((text, next)) = self.is_of(items, i, &mut out) {
                        out.push(Item::new(text).after(&item.gap));
                        i = next;
                        continue;
                    }
                }
                // PL/SQL's `a MOD b`: PostgreSQL's `%`, which also takes the
                // sign of `a`.
                Token::Word(_)
                    if item.is("MOD")
                        && !out.is_empty()
                        && items.get(i + 1).is_some_and(|n| n.token != Token::LParen) =>
                {
                    out.push(Item::new("%").after(&item.gap));
                    i += 1;
                    continue;
                }
                // `x [NOT] MEMBER [OF] list`: x is an element of the array.
                Token::Word(_) if item.is("MEMBER") => {
                    let not = out.last().is_some_and(|l| l.is("NOT"));
                    let at = i + 1 + usize::from(items.get(i + 1).is_some_and(|o| o.is("OF")));
                    let end = primary_end(items, at);
                    let mut before = out[..out.len() - usize::from(not)].to_vec();
                    if let Some(operand) = take_operand(&mut before).filter(|_| end > at) {
                        out = before;
                        let element = text::join_trimmed(&operand);
                        let list = text::join_trimmed(&self.rewrite(&items[at..end]));
                        let test = format!("{element} = ANY({list})");
                        let text = if not { format!("NOT ({test})") } else { test };
                        out.push(Item::new(text).after(&operand[0].gap));
                        i = end;
                        continue;
                    }
                }
                // Oracle's inquiry directives, which PostgreSQL would read
                // as the start of a dollar quote.
                _ if item.text.starts_with("$$") => {
                    let text = self.inquiry(&item.text, item.line);
                    out.push(Item::new(text).after(&item.gap));
                    i += 1;
                    continue;
                }
                Token::Placeholder(p) => {
                    if let Some(replacement) = self.pseudo_record(p, item) {
                        out.push(replacement);
                        i += 1;
                        continue;
                    }
                }
                // `:new` read as `:` and a word.
                Token::Colon if items.get(i + 1).and_then(Item::word).is_some() => {
                    let word = &items[i + 1];
                    if let Some(replacement) = self.pseudo_record(&word.text, item) {
                        out.push(replacement);
                        i += 2;
                        continue;
                    }
                }
                Token::QuoteDelimitedStringLiteral(q)
                | Token::NationalQuoteDelimitedStringLiteral(q) => {
                    // `q'[it's]'` is Oracle's alone.
                    out.push(Item::new(quote_literal(&q.value)).after(&item.gap));
                    i += 1;
                    continue;
                }
                Token::SingleQuotedString(s) if s.is_empty() && empty_means_null(&out) => {
                    out.push(Item::new("NULL").after(&item.gap));
                    i += 1;
                    continue;
                }
                Token::Word(w)
                    if w.quote_style.is_none()
                        && !matches!(out.last().map(|o| &o.token), Some(Token::Period))
                        && self.is_local(&w.value.to_ascii_uppercase())
                        && super::cx::needs_quotes(&w.value.to_ascii_uppercase())
                        && !matches!(items.get(i + 1).map(|n| &n.token), Some(Token::Period)) =>
                {
                    // A local named with a word PostgreSQL reserves (`offset`).
                    out.push(Item::new(pg_name(&w.value.to_ascii_uppercase())).after(&item.gap));
                    i += 1;
                    continue;
                }
                // `NEW t(...)` is the constructor `t(...)`.
                Token::Word(_)
                    if item.is("NEW")
                        && self.trigger.is_none()
                        && items.get(i + 1).and_then(Item::name).is_some_and(|t| {
                            self.catalog.objects.contains_key(&t) && !self.is_local(&t)
                        }) =>
                {
                    i += 1;
                    continue;
                }
                Token::Word(_) if !matches!(out.last().map(|o| &o.token), Some(Token::Period)) => {
                    let end = name_end(items, i);
                    if let Some((text, next)) = self.xml_method(items, i, end) {
                        out.push(Item::new(text).after(&item.gap));
                        i = next;
                        continue;
                    }
                    if let Some((text, next, _)) = self.method_chain(items, i, end, false) {
                        out.push(Item::new(text).after(&item.gap));
                        i = next;
                        continue;
                    }
                    if let Some((replacement, next)) = self.rewrite_name(items, i, end) {
                        out.extend(replacement);
                        i = next;
                        continue;
                    }
                    out.extend(items[i..end].iter().cloned());
                    i = end;
                    continue;
                }
                _ => {}
            }
            out.push(item.clone());
            i += 1;
        }
        let out = concat_operators(out, &|operand: &str| self.is_binary_var(operand));
        self.date_arithmetic(out)
    }

    /// Oracle adds days to a date with `+ n`; PostgreSQL needs an interval.
    /// `date - date` is a number of days in Oracle, an interval here.
    /// Applied where the left operand is visibly a date: a date variable,
    /// SYSDATE, TO_DATE, or TRUNC/ADD_MONTHS/LAST_DAY of one.
    fn date_arithmetic(&mut self, mut items: Vec<Item>) -> Vec<Item> {
        let mut i = 1;
        let mut depth = 0i32;
        while i + 1 < items.len() {
            match items[i - 1].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            // Groups were done when their own tokens were rewritten.
            let plus = items[i].token == Token::Plus && items[i].text == "+";
            let minus = items[i].token == Token::Minus && items[i].text == "-";
            if depth != 0 || !(plus || minus) {
                i += 1;
                continue;
            }
            let Some(left) = operand_before(&items, i) else {
                i += 1;
                continue;
            };
            if !self.is_date(&items[left..i]) {
                i += 1;
                continue;
            }
            let right_end = operand_after(&items, i + 1);
            let right_is_date = self.is_date(&items[i + 1..right_end]);
            if minus && right_is_date {
                let l = text::join_trimmed(&items[left..i]);
                let r = text::join_trimmed(&items[i + 1..right_end]);
                let gap = items[left].gap.clone();
                let replacement =
                    Item::new(format!("(extract(epoch FROM ({l}) - ({r})) / 86400)")).after(&gap);
                items.splice(left..right_end, [replacement]);
                i = left + 1;
                continue;
            }
            // `date - x` with x not visibly a number may be date - date.
            let right_is_number = matches!(items[i + 1].token, Token::Number(..));
            let op = if plus { "+" } else { "-" };
            if right_is_number && right_end == i + 2 {
                // `d + 1` reads best as `d + interval '1 day'`.
                let n = items[i + 1].text.clone();
                items[i].text = format!("{op} interval '{n} day'");
                items.remove(i + 1);
            } else if plus && !right_is_date {
                items[i].text = format!("{op} interval '1 day' *");
            }
            i += 1;
        }
        items
    }

    /// Whether tokens visibly hold a date or timestamp.
    fn is_date(&self, items: &[Item]) -> bool {
        let Some(first) = items.first() else { return false };
        if first.line == 0
            && (first.text.starts_with("clock_timestamp()")
                || first.text.starts_with("to_timestamp("))
        {
            return true;
        }
        let Some(word) = first.name() else { return false };
        if items.len() == 1 {
            return self.is_date_var(&word)
                || matches!(
                    word.as_str(),
                    "CURRENT_DATE" | "LOCALTIMESTAMP" | "CURRENT_TIMESTAMP"
                );
        }
        let call = items.get(1).is_some_and(|i| i.token == Token::LParen)
            && matching_paren(items, 1) == Some(items.len() - 1);
        match word.as_str() {
            "ADD_MONTHS" | "LAST_DAY" | "NEXT_DAY" => call,
            "TRUNC" | "ROUND" => {
                call && {
                    let inner = &items[2..items.len() - 1];
                    let first_arg = split_commas(inner).into_iter().next().unwrap_or_default();
                    self.is_date(&first_arg)
                }
            }
            _ => false,
        }
    }

    /// `:NEW` and `:OLD` (or their `REFERENCING` names) in a trigger.
    fn pseudo_record(&mut self, placeholder: &str, item: &Item) -> Option<Item> {
        let trigger = self.trigger.as_ref()?;
        let name = placeholder.trim_start_matches(':').to_ascii_uppercase();
        let record = if name == trigger.new {
            "NEW"
        } else if name == trigger.old {
            "OLD"
        } else {
            return None;
        };
        Some(Item::new(record).after(&item.gap))
    }

    /// The rewrite of the name at `items[start..end]` (`a`, `a.b.c`) and
    /// what follows it, if it needs one, with where to go on.
    fn rewrite_name(
        &mut self,
        items: &[Item],
        start: usize,
        end: usize,
    ) -> Option<(Vec<Item>, usize)> {
        let written: Vec<String> = items[start..end].iter().filter_map(Item::name).collect();
        let parts = self.through_synonym(written.clone());
        // Oracle's package without its owner, and outside SQL what a
        // synonym names, even where no other rule rewrites it. (In SQL, a
        // table's synonym may also qualify its columns: `emp.status`.)
        if parts != written && (!self.in_sql || written.ends_with(&parts)) {
            let rewritten = self.rewrite_name_parts(items, &parts, start, end);
            return rewritten.or_else(|| {
                let name: Vec<String> = parts.iter().map(|p| pg_name(p)).collect();
                Some((vec![Item::new(name.join(".")).after(&items[start].gap)], end))
            });
        }
        self.rewrite_name_parts(items, &parts, start, end)
    }

    fn rewrite_name_parts(
        &mut self,
        items: &[Item],
        parts: &[String],
        start: usize,
        end: usize,
    ) -> Option<(Vec<Item>, usize)> {
        let parts = parts.to_vec();
        let upper: Vec<&str> = parts.iter().map(String::as_str).collect();
        let gap = items[start].gap.clone();
        let line = items[start].line;
        let call = match items.get(end) {
            Some(Item { token: Token::LParen, .. }) => {
                matching_paren(items, end).map(|close| (end + 1, close))
            }
            _ => None,
        };
        // A function with OUT parameters is called alone in an assignment
        // (see the writer); anywhere else PostgreSQL has no form for it.
        let out_function = call.is_some()
            && !self.out_call_alone
            && !(parts.len() == 1 && self.is_local(&parts[0]))
            && self.function_modes(&parts).is_some_and(|overloads| {
                overloads.iter().all(|m| m.iter().any(|m| *m != ParameterMode::In))
            });
        if out_function {
            self.note(
                line,
                NoteKind::Unsupported,
                format!(
                    "{}: a function with OUT parameters called inside an expression; PostgreSQL \
                     returns them with its value as a row, so call it alone (x := f(...))",
                    parts.join(".")
                ),
            );
        }
        let args = |cx: &mut Cx| -> Vec<String> {
            let Some((open, close)) = call else { return Vec::new() };
            split_commas(&items[open..close])
                .into_iter()
                .map(|a| text::join_trimmed(&cx.rewrite(&a)))
                .collect()
        };
        let after_call = call.map_or(end, |(_, close)| close + 1);
        let one = |text: String| vec![Item::new(text).after(&gap)];

        // `c%FOUND`, `SQL%ROWCOUNT`.
        if matches!(items.get(end).map(|i| &i.token), Some(Token::Mod)) {
            let attribute = items.get(end + 1).and_then(Item::word)?;
            let text = self.cursor_attribute(&upper, &attribute, line)?;
            return Some((one(text), end + 2));
        }

        // `FROM TABLE(f(x))` reads a pipelined function, `TABLE(v)` an array.
        if upper == ["TABLE"]
            && start > 0
            && (items[start - 1].is("FROM")
                || items[start - 1].is("JOIN")
                || items[start - 1].token == Token::Comma)
        {
            if let Some((open, close)) = call {
                let inner = &items[open..close];
                let is_array = inner.len() == 1
                    && inner[0].name().is_some_and(|n| self.array_element(&n).is_some());
                let rewritten = text::join_trimmed(&self.rewrite(inner));
                // A collection's constructor is an array too.
                let is_array =
                    is_array || (rewritten.starts_with("ARRAY[") && rewritten.ends_with("[]"));
                let text = if is_array { format!("unnest({rewritten})") } else { rewritten };
                return Some((one(text), after_call));
            }
        }

        if let Some(rewritten) = self.builtin_call(&upper, call.is_some(), &args, line, items, call)
        {
            let (text, next) = rewritten;
            return Some((one(text), next.unwrap_or(after_call)));
        }

        // A sequence: `seq.NEXTVAL`, `owner.seq.CURRVAL`.
        if let Some(last) = upper.last().filter(|_| upper.len() >= 2) {
            if *last == "NEXTVAL" || *last == "CURRVAL" {
                let sequence: Vec<String> =
                    parts[..parts.len() - 1].iter().map(|p| pg_name(p)).collect();
                let function = last.to_ascii_lowercase();
                let literal = quote_literal(&sequence.join("."));
                return Some((one(format!("{function}({literal})")), end));
            }
        }

        // Trigger predicates.
        if self.trigger.is_some() && upper.len() == 1 {
            let op = match upper[0] {
                "INSERTING" => Some("INSERT"),
                "UPDATING" => Some("UPDATE"),
                "DELETING" => Some("DELETE"),
                _ => None,
            };
            if let Some(op) = op {
                let columns = args(self);
                if let Some(column) = columns.first() {
                    self.note(
                        line,
                        NoteKind::Review,
                        "UPDATING(column) became a test that the column changed; Oracle tests \
                         that it was in the SET list",
                    );
                    let column = column.trim_matches('\'').to_ascii_lowercase();
                    let text = format!(
                        "(TG_OP = 'UPDATE' AND NEW.{column} IS DISTINCT FROM OLD.{column})"
                    );
                    return Some((one(text), after_call));
                }
                return Some((one(format!("(TG_OP = '{op}')")), end));
            }
        }

        // Arrays: `v(i)` is `v[i]`, methods become array functions.
        if let Some(text) = self.map_use(&upper, &parts, &args, call) {
            // `m(k).field` needs `(...).field`.
            let text = match items.get(after_call).map(|i| &i.token) {
                Some(Token::Period) => format!("({text})"),
                _ => text,
            };
            return Some((one(text), after_call));
        }
        if let Some(rewritten) = self.array_use(&upper, &parts, &args, call, line) {
            let (text, next) = rewritten;
            let next = next.unwrap_or(after_call);
            // `v(i).field` needs `(v[i]).field`.
            let text = if matches!(items.get(next).map(|i| &i.token), Some(Token::Period)) {
                format!("({text})")
            } else {
                text
            };
            return Some((one(text), next));
        }

        // Collection constructors: `t_list('a', 'b')`.
        let constructor = parts.len() > 1 || !self.is_local(&parts[0]);
        if let Some((_, super::catalog::TypeDef::Array { element, .. })) =
            self.type_def(&parts).filter(|_| constructor)
        {
            if call.is_some() {
                let anchors = std::mem::replace(&mut self.no_anchors, true);
                let element = self.datatype(&element);
                self.no_anchors = anchors;
                let values = args(self);
                let text = if values.is_empty() {
                    format!("ARRAY[]::{element}[]")
                } else {
                    format!("ARRAY[{}]::{element}[]", values.join(", "))
                };
                return Some((one(text), after_call));
            }
        }

        // Object constructors: `t(a, b)`, the type's own or one it declares.
        if let (Some((type_name, super::catalog::TypeDef::Object)), Some(_)) =
            (self.type_def(&parts).filter(|_| constructor), call)
        {
            let object = parts.last().cloned().unwrap_or_default();
            let values = args(self);
            let declared = self.catalog.objects.get(&object).and_then(|o| o.methods.get(&object));
            // Arguments by name are a declared constructor's parameters.
            let named = values.iter().any(|v| v.contains("=>"));
            let fits = |c: &super::catalog::Method| {
                c.arities.iter().any(|&(min, max)| (min..=max).contains(&values.len()))
            };
            let text = if declared.is_some_and(|c| named || fits(c)) {
                let schema = self.catalog.method_schema(&object);
                format!("{schema}.{}({})", pg_name(&object), values.join(", "))
            } else {
                format!("ROW({})::{type_name}", values.join(", "))
            };
            return Some((one(text), after_call));
        }

        self.qualified_name(&parts, &gap, items, end, line)
    }

    /// A method call, as a call of the function or procedure the method
    /// became, with the object as its first argument: `v.m(x)` on a local
    /// object, `SELF.m(x)` and `m(x)` in a type body, `t.m(x)` of a static
    /// method, and `f(x).m(y)` on what a function returns, chained as far
    /// as it goes (`f(x).m(y).n`). Returns the text, where to go on and
    /// the last method's kind.
    pub(super) fn method_chain(
        &mut self,
        items: &[Item],
        start: usize,
        end: usize,
        statement: bool,
    ) -> Option<(String, usize, crate::plsql::ast::SubprogramKind)> {
        if self.catalog.objects.is_empty() {
            return None;
        }
        let parts: Vec<String> = items[start..end].iter().filter_map(Item::name).collect();
        let parts = self.through_synonym(parts);
        // The parameter of a named argument; in SQL, a column (of a table
        // alias named like a local, too), as Oracle reads them.
        if items.get(end).is_some_and(|i| i.token == Token::RArrow)
            || (self.in_sql && parts.last().is_some_and(|p| self.catalog.column_names.contains(p)))
        {
            return None;
        }
        let catalog = self.catalog;
        let not_attribute =
            |object: &str, name: &str| !catalog.attributes(object).iter().any(|a| a == name);
        // The object the first method is called on, its type when known,
        // and where the first method's name is.
        // `f(x).m`: a call, then a period and a name.
        let chained = items.get(end).is_some_and(|i| i.token == Token::LParen)
            && matching_paren(items, end).is_some_and(|close| {
                items.get(close + 1).is_some_and(|i| i.token == Token::Period)
                    && items.get(close + 2).and_then(Item::word).is_some()
            });
        let (base, object, at): (Option<String>, Option<String>, usize) = if chained {
            let close = matching_paren(items, end)?;
            let method = items[close + 2].name()?;
            let returned = match parts.as_slice() {
                // `TREAT(x AS t).m`: a method of t.
                [treat] if treat == "TREAT" => {
                    let inner = &items[end + 1..close];
                    let at = inner.iter().rposition(|i| i.is("AS"))?;
                    let target = inner[at + 1..].iter().filter_map(Item::name).next_back()?;
                    Some(target).filter(|t| catalog.objects.contains_key(t))
                }
                // `v(i).m`: an element of a local array, if it is an object.
                [var] if self.is_local(var) => {
                    let element = self.array_element(var)?.text.to_ascii_uppercase();
                    let element = element.rsplit('.').next().unwrap_or_default().trim().to_owned();
                    Some(element).filter(|t| catalog.objects.contains_key(t))
                }
                _ => self.returned_object(&parts),
            };
            // Overloads that return different types of one hierarchy: the
            // method is that hierarchy's. Anything else (a record, an
            // array element of records) is not an object.
            if returned.is_none() {
                let hierarchy = self.returned_hierarchy(&parts);
                if hierarchy.is_none() || hierarchy != catalog.method_home(&method) {
                    return None;
                }
            }
            let called = text::join_trimmed(&self.rewrite(&items[start..=close]));
            (Some(called), returned, close + 2)
        } else {
            match parts.as_slice() {
                [var, method] => match self.object_of(var) {
                    Some(t)
                        if catalog.method(&t, method).is_some() && not_attribute(&t, method) =>
                    {
                        (Some(self.object_value(var)), Some(t), end - 1)
                    }
                    None if !self.is_local(var)
                        && catalog.objects.get(var).is_some_and(|o| {
                            o.methods.get(method).is_some_and(|m| m.is_static)
                        }) =>
                    {
                        (None, Some(var.clone()), end - 1)
                    }
                    _ => return None,
                },
                [method] if !self.is_local(method) && !self.is_self_attribute(method) => {
                    let t = self.object_type.clone()?;
                    let m = catalog.method(&t, method)?;
                    if m.constructor {
                        return None;
                    }
                    (Some("self".to_owned()), Some(t), start)
                }
                _ => return None,
            }
        };
        self.chain_from(items, base, object, at, statement)
    }

    /// `(x AS t).m(...)`, Oracle's generalised invocation: the method of
    /// supertype `t` called on `x` (SELF or a local object) made one of
    /// `t`, whose attributes are `x`'s first.
    pub(super) fn upcast_chain(
        &mut self,
        items: &[Item],
        open: usize,
        statement: bool,
    ) -> Option<(String, usize, crate::plsql::ast::SubprogramKind)> {
        let close = matching_paren(items, open)?;
        let inner = &items[open + 1..close];
        let var = inner.first()?.name()?;
        if !inner.get(1)?.is("AS")
            || items.get(close + 1)?.token != Token::Period
            || items.get(close + 2).and_then(Item::word).is_none()
        {
            return None;
        }
        let target = inner[2..].iter().rev().find_map(Item::name)?;
        let own = self.object_of(&var)?;
        let value = self.object_value(&var);
        if !self.catalog.lineage(&own).contains(&target) {
            return None;
        }
        let upcast = if own == target { value } else { self.upcast(&value, &target) };
        self.chain_from(items, Some(upcast), Some(target), close + 2, statement)
    }

    /// The methods called from `items[at]` on, on `base` (of type `object`
    /// when known; `None` for a static method's type), as far as the
    /// chain goes.
    fn chain_from(
        &mut self,
        items: &[Item],
        mut base: Option<String>,
        mut object: Option<String>,
        mut at: usize,
        statement: bool,
    ) -> Option<(String, usize, crate::plsql::ast::SubprogramKind)> {
        let catalog = self.catalog;
        loop {
            let method = items[at].name()?;
            let mut next = at + 1;
            let mut arguments: Vec<String> = Vec::new();
            if items.get(next).map(|i| &i.token) == Some(&Token::LParen) {
                let close = matching_paren(items, next)?;
                arguments = split_commas(&items[next + 1..close])
                    .into_iter()
                    .map(|a| text::join_trimmed(&self.rewrite(&a)))
                    .collect();
                next = close + 1;
            }
            let more = items.get(next).is_some_and(|i| i.token == Token::Period)
                && items.get(next + 1).and_then(Item::word).is_some();
            // The one a statement can end with is a procedure; any other,
            // a function.
            let procedure = statement && !more;
            let (schema, m) = match &object {
                Some(t) => (catalog.method_schema(t), catalog.method_for(t, &method, procedure)?),
                None => {
                    // Of the type's own method and its subtypes'.
                    let schema = catalog.method_home(&method)?;
                    let named = catalog.methods_named(&method);
                    let wanted = |m: &&super::catalog::Method| {
                        (m.kind_for(procedure) == crate::plsql::ast::SubprogramKind::Procedure)
                            == procedure
                    };
                    let m = named.iter().map(|(_, m)| *m).find(wanted).unwrap_or(named[0].1);
                    (schema, m)
                }
            };
            if !m.is_static {
                arguments.insert(0, base.take()?);
            }
            let kind = m.kind_for(procedure);
            let routine = catalog.method_routine(&schema, &method, kind);
            let text = format!("{schema}.{routine}({})", arguments.join(", "));
            object = m.returns.clone().filter(|t| catalog.objects.contains_key(t));
            base = Some(text);
            if !more {
                return Some((base?, next, kind));
            }
            at = next + 1;
        }
    }

    /// XMLTYPE's methods on a local: `x.extract(path)` and what is read of
    /// it (`.getStringVal()`, `.getClobVal()`, `.getNumberVal()`), and
    /// `x.existsNode(path)`, as PostgreSQL's `xpath` functions. Oracle's
    /// extract serialises the nodes found one after the other, as
    /// `array_to_string` of xpath's array does. Also on a parameter, and on
    /// a column or attribute the estate declares XMLTYPE; a namespace
    /// argument becomes xpath's array of prefixes.
    fn xml_method(&mut self, items: &[Item], start: usize, end: usize) -> Option<(String, usize)> {
        let parts: Vec<String> = items[start..end].iter().filter_map(Item::name).collect();
        let (method, of) = parts.split_last()?;
        // A local, or a column or attribute that is an XMLTYPE somewhere
        // in the estate (`t.doc` in a query, `r.doc` of a record).
        let value = match of {
            [var] if self.is_xml_var(var) => pg_name(var),
            [attribute] if self.is_self_attribute(attribute) => {
                match self.catalog.xml_names.contains(attribute) {
                    true => format!("self.{}", pg_name(attribute)),
                    false => return None,
                }
            }
            [.., name] if !self.is_xml_var(&of[0]) && self.catalog.xml_names.contains(name) => {
                of.iter().map(|p| pg_name(p)).collect::<Vec<_>>().join(".")
            }
            _ => return None,
        };
        if items.get(end).map(|i| &i.token) != Some(&Token::LParen) {
            return None;
        }
        let close = matching_paren(items, end)?;
        let args: Vec<String> = split_commas(&items[end + 1..close])
            .into_iter()
            .map(|a| text::join_trimmed(&self.rewrite(&a)))
            .collect();
        let next = close + 1;
        let line = items[start].line;
        // Oracle's namespace argument, `xmlns:a="uri" ...`, is xpath's
        // array of prefixes and URIs.
        let namespaces = |cx: &mut Self, ns: Option<&String>| match ns {
            None => String::new(),
            Some(ns) => {
                cx.note_once(
                    "xml-default-namespace",
                    line,
                    NoteKind::Review,
                    "an XPath namespace argument became xpath's prefixes: a default namespace \
                     (xmlns=\"...\") in it is not applied, so unprefixed names match only \
                     elements in no namespace"
                        .to_owned(),
                );
                format!(
                    ", coalesce((SELECT array_agg(ARRAY[m[1], m[2]]) FROM regexp_matches({ns}, \
                     'xmlns:([^=[:space:]]+)=\"([^\"]*)\"', 'g') m), '{{}}'::text[])"
                )
            }
        };
        match (method.as_str(), args.as_slice()) {
            ("EXISTSNODE", [path, ns @ ..]) if ns.len() <= 1 => {
                let ns = namespaces(self, ns.first());
                Some((
                    format!("(CASE WHEN xpath_exists({path}, {value}{ns}) THEN 1 ELSE 0 END)"),
                    next,
                ))
            }
            ("GETSTRINGVAL" | "GETCLOBVAL", []) => Some((format!("({value})::text"), next)),
            ("EXTRACT", [path, ns @ ..]) if ns.len() <= 1 => {
                let ns = namespaces(self, ns.first());
                let found = format!("array_to_string(xpath({path}, {value}{ns})::text[], '')");
                // `.getStringVal()` and the like after it.
                let read = (items.get(next).is_some_and(|i| i.token == Token::Period))
                    .then(|| items.get(next + 1).and_then(Item::name))
                    .flatten();
                let called = |at: usize| {
                    items.get(at).is_some_and(|i| i.token == Token::LParen)
                        && items.get(at + 1).is_some_and(|i| i.token == Token::RParen)
                };
                // Oracle calls a method without arguments with or without `()`.
                let after = if called(next + 2) { next + 4 } else { next + 2 };
                match read.as_deref() {
                    Some("GETSTRINGVAL" | "GETCLOBVAL") => Some((found, after)),
                    Some("GETNUMBERVAL") => Some((format!("({found})::numeric"), after)),
                    Some(_) => None,
                    None => Some((format!("({found})::xml"), next)),
                }
            }
            _ => None,
        }
    }

    /// `x IS [NOT] OF [TYPE] ([ONLY] t, ...)` at `items[at]` (the IS), with
    /// `x` already written at the end of `out` (taken from it). PostgreSQL
    /// keeps no subtype in a composite value: a value is of the type it was
    /// declared with and of that type's supertypes, and of no subtype.
    fn is_of(&mut self, items: &[Item], at: usize, out: &mut Vec<Item>) -> Option<(String, usize)> {
        let negated = items.get(at + 1).is_some_and(|i| i.is("NOT"));
        let of = at + 1 + usize::from(negated);
        if !items.get(of).is_some_and(|i| i.is("OF")) {
            return None;
        }
        let open = of + 1 + usize::from(items.get(of + 1).is_some_and(|i| i.is("TYPE")));
        if items.get(open).map(|i| &i.token) != Some(&Token::LParen) {
            return None;
        }
        let close = matching_paren(items, open)?;
        let tested: Vec<String> = split_commas(&items[open + 1..close])
            .iter()
            .filter_map(|t| t.iter().filter_map(Item::name).next_back())
            .collect();
        // `ONLY t` excludes t's subtypes, which a value of t may be in Oracle.
        let only = items[open + 1..close].iter().any(|i| i.is("ONLY"));
        // The declared type of a plain name (a local, or SELF).
        let declared = match at.checked_sub(1).and_then(|p| items.get(p)) {
            Some(before) if !(at >= 2 && items[at - 2].token == Token::Period) => {
                before.name().and_then(|n| self.object_of(&n))
            }
            _ => None,
        };
        let operand = text::join_trimmed(&take_operand(out)?);
        let mut ancestors = Vec::new();
        let mut t = declared.clone();
        while let Some(name) = t {
            t = self.catalog.objects.get(&name).and_then(|o| o.under.clone());
            ancestors.push(name);
        }
        let has_subtypes =
            |t: &String| self.catalog.objects.values().any(|o| o.under.as_ref() == Some(t));
        let holds = declared.is_some()
            && tested.iter().all(|t| ancestors.contains(t))
            && !(only && tested.iter().any(|t| Some(t) != declared.as_ref() || has_subtypes(t)));
        // A value is always of its declared type and its supertypes, as in
        // Oracle; a subtype's test is the one PostgreSQL cannot make.
        if !holds {
            self.note(
                items[at].line,
                NoteKind::Unsupported,
                format!(
                    "IS OF ({}) became {}: PostgreSQL keeps no subtype in a value, so a value \
                     is only of its declared type (Oracle tests the value's own)",
                    tested.join(", ").to_ascii_lowercase(),
                    if negated { "TRUE" } else { "FALSE" }
                ),
            );
        }
        let text = match (holds, negated) {
            (true, false) => format!("({operand} IS NOT NULL)"),
            (true, true) => format!("({operand} IS NULL)"),
            (false, false) => "FALSE".to_owned(),
            (false, true) => "TRUE".to_owned(),
        };
        Some((text, close + 1))
    }

    /// The value of `$$PLSQL_UNIT` and the other inquiry directives Oracle
    /// predefines; any other is NULL, as an undefined one is in Oracle.
    fn inquiry(&mut self, directive: &str, line: u32) -> String {
        let (name, owner, kind, first_line) = self.unit.clone();
        match directive[2..].to_ascii_uppercase().as_str() {
            "PLSQL_UNIT" => quote_literal(&name),
            "PLSQL_UNIT_TYPE" => quote_literal(kind),
            "PLSQL_LINE" => (line.saturating_sub(first_line) + 1).to_string(),
            "PLSQL_UNIT_OWNER" if owner.is_some() => quote_literal(&owner.unwrap_or_default()),
            _ => {
                self.note(
                    line,
                    NoteKind::Unsupported,
                    format!("{directive}: no such setting on PostgreSQL; NULL, as Oracle gives for an undefined one"),
                );
                "NULL".to_owned()
            }
        }
    }

    /// The types what `parts` names returns, over its overloads: a
    /// package function, a standalone function, or an object type's
    /// constructor (`t(...)`, `owner.t(...)`).
    fn returns_of(&self, parts: &[String]) -> Option<&[String]> {
        let member = |package: &str, name: &str| {
            let info = self.catalog.package(package)?;
            if info.state.contains_key(name) {
                return None;
            }
            info.returns.get(name).map(Vec::as_slice)
        };
        let constructor = |name: &String| {
            let object = self.catalog.objects.get_key_value(name)?.0;
            Some(std::slice::from_ref(object))
        };
        match parts {
            [name] if self.is_local(name) => None,
            [name] => self
                .package
                .as_deref()
                .and_then(|p| member(p, name))
                .or_else(|| self.catalog.functions.get(name).map(Vec::as_slice))
                .or_else(|| constructor(name)),
            [package, name] if self.catalog.is_package(package) => member(package, name),
            // `t.m()`: a static method.
            [object, name] if !self.is_local(object) => {
                let method = self.catalog.objects.get(object).and_then(|o| o.methods.get(name));
                match method.filter(|m| m.is_static) {
                    Some(m) => m.returns.as_ref().map(std::slice::from_ref),
                    None => constructor(name)
                        .or_else(|| self.catalog.functions.get(name).map(Vec::as_slice)),
                }
            }
            [_, name] => {
                constructor(name).or_else(|| self.catalog.functions.get(name).map(Vec::as_slice))
            }
            [_, package, name] => member(package, name),
            _ => None,
        }
    }

    /// The schema of the methods of the types a function named `parts`
    /// returns, when every overload returns an object of one hierarchy.
    fn returned_hierarchy(&self, parts: &[String]) -> Option<String> {
        let returns = self.returns_of(parts)?;
        let mut schemas = returns
            .iter()
            .map(|t| self.catalog.objects.contains_key(t).then(|| self.catalog.method_schema(t)));
        let first = schemas.next()??;
        schemas.all(|s| s.as_ref() == Some(&first)).then_some(first)
    }

    /// The object type a function named `parts` returns, when every
    /// overload returns the same one.
    fn returned_object(&self, parts: &[String]) -> Option<String> {
        let returns = self.returns_of(parts)?;
        let first = returns.first().filter(|t| self.catalog.objects.contains_key(*t))?;
        returns.iter().all(|t| t == first).then(|| first.clone())
    }

    /// `owner.pkg.member` without its owner, a package member or package
    /// state named from inside its package with its package.
    /// A read of package state: `pkg.g_list()`, and `(pkg.g_list())[i]` for
    /// an element `g_list(i)`.
    /// Of an associative array indexed by strings (`map` its element
    /// type), `m(k)` reads the element at key `k`.
    fn state_read(
        &mut self,
        reader: String,
        map: Option<Fragment>,
        items: &[Item],
        gap: &str,
        end: usize,
    ) -> Option<(Vec<Item>, usize)> {
        let call = match items.get(end) {
            Some(Item { token: Token::LParen, .. }) => matching_paren(items, end),
            _ => None,
        };
        let Some(close) = call else {
            return Some((vec![Item::new(reader).after(gap)], end));
        };
        let index = text::join_trimmed(&self.rewrite(&items[end + 1..close]));
        let text = match map {
            Some(element) => {
                let read = self.map_read(&element, &format!("{reader} -> ({index})::text"))?;
                // `m(k).field` needs `(...).field`.
                match items.get(close + 1).map(|i| &i.token) {
                    Some(Token::Period) => format!("({read})"),
                    _ => read,
                }
            }
            None => format!("({reader})[{index}]"),
        };
        Some((vec![Item::new(text).after(gap)], close + 1))
    }

    /// A package variable's reader function, when `parts` name one:
    /// `g_list` inside its package, `pkg.g_list` anywhere.
    pub fn state_reader(&self, parts: &[String]) -> Option<(String, String)> {
        let (package, name) = match parts {
            [name] if !self.is_local(name) => (self.package.clone()?, name.clone()),
            [package, name] => (package.clone(), name.clone()),
            [_, package, name] => (package.clone(), name.clone()),
            _ => return None,
        };
        let info = self.catalog.package(&package)?;
        if !info.state.contains_key(&name) || info.members.contains_key(&name) {
            return None;
        }
        Some((package.clone(), format!("{}.{}()", pg_name(&package), pg_name(&name))))
    }

    /// `g_list.COUNT`, `.FIRST`, `.LAST`, `.EXISTS(i)` of a package-state
    /// collection, read through its reader.
    fn state_method(
        &mut self,
        parts: &[String],
        items: &[Item],
        gap: &str,
        end: usize,
    ) -> Option<(Vec<Item>, usize)> {
        let (method, var) = parts.split_last()?;
        // A collection field of a package-state record: `g_book.sheets.COUNT`.
        let field = match var {
            [record, field] if self.state_reader(var).is_none() && !self.is_local(record) => {
                let (package, reader) = self.state_reader(std::slice::from_ref(record))?;
                Some((package, format!("({reader}).{}", pg_name(field))))
            }
            _ => None,
        };
        let whole = field.is_none();
        let (package, reader) = match field {
            Some(found) => found,
            None => self.state_reader(var)?,
        };
        let call = match items.get(end) {
            Some(Item { token: Token::LParen, .. }) => matching_paren(items, end),
            _ => None,
        };
        // `COUNT()` is `COUNT`.
        let arg = call
            .map(|close| text::join_trimmed(&self.rewrite(&items[end + 1..close])))
            .filter(|a| !a.is_empty());
        let next = call.map_or(end, |close| close + 1);
        if whole && self.state_map(&package, var.last()?).is_some() {
            let text = self.map_method(&reader, method, arg)?;
            return Some((vec![Item::new(text).after(gap)], next));
        }
        let text = match (method.as_str(), &arg) {
            ("COUNT", None) => format!("coalesce(cardinality({reader}), 0)"),
            ("FIRST", None) => format!("array_lower({reader}, 1)"),
            ("LAST", None) => format!("array_upper({reader}, 1)"),
            ("EXISTS", Some(i)) => {
                format!("({i} BETWEEN array_lower({reader}, 1) AND array_upper({reader}, 1))")
            }
            ("NEXT", Some(i)) => {
                format!("CASE WHEN {i} < array_upper({reader}, 1) THEN {i} + 1 END")
            }
            ("PRIOR", Some(i)) => {
                format!("CASE WHEN {i} > array_lower({reader}, 1) THEN {i} - 1 END")
            }
            _ => return None,
        };
        Some((vec![Item::new(text).after(gap)], next))
    }

    fn qualified_name(
        &mut self,
        parts: &[String],
        gap: &str,
        items: &[Item],
        end: usize,
        line: u32,
    ) -> Option<(Vec<Item>, usize)> {
        let one = |text: String| Some((vec![Item::new(text).after(gap)], end));
        if let Some(rewritten) = self.state_method(parts, items, gap, end) {
            return Some(rewritten);
        }
        // A function called without arguments is written without
        // parentheses in PL/SQL; PostgreSQL needs them.
        let called = items.get(end).is_some_and(|i| i.token == Token::LParen);
        let parens = |info: &super::catalog::PackageInfo, name: &str| {
            let function =
                info.members.get(name) == Some(&crate::plsql::ast::SubprogramKind::Function);
            if function && !called {
                "()"
            } else {
                ""
            }
        };
        // A field of a package-state record: `g_settings.width` in its
        // package, `pkg.g_settings.width` elsewhere.
        const METHODS: &[&str] = &[
            "COUNT", "FIRST", "LAST", "EXISTS", "NEXT", "PRIOR", "LIMIT", "DELETE", "EXTEND",
            "TRIM",
        ];
        let method = parts.last().is_some_and(|p| METHODS.contains(&p.as_str()));
        if !called && !method {
            let field_of = |cx: &Self, package: &str, var: &str| {
                cx.catalog.package(package).is_some_and(|info| {
                    info.state.contains_key(var) && !info.members.contains_key(var)
                })
            };
            let state_field = match parts {
                [var, field] if !self.is_local(var) => {
                    self.package.clone().filter(|p| field_of(self, p, var)).map(|p| (p, var, field))
                }
                [package, var, field] if field_of(self, package, var) => {
                    Some((package.clone(), var, field))
                }
                _ => None,
            };
            if let Some((package, var, field)) = state_field {
                return one(format!(
                    "({}.{}()).{}",
                    pg_name(&package),
                    pg_name(var),
                    pg_name(field)
                ));
            }
        }
        // The parameter name of a named argument (`p => x`) is not read,
        // and in SQL a column's name is the column, as in Oracle.
        let named_argument = items.get(end).is_some_and(|i| i.token == Token::RArrow);
        let column = |cx: &Self, name: &str| cx.in_sql && cx.catalog.column_names.contains(name);
        match parts {
            [name] if named_argument || column(self, name) => None,
            [name] if self.is_self_attribute(name) => one(format!("self.{}", pg_name(name))),
            [name] if !self.is_local(name) && self.nested_routine(name).is_some() => {
                let nested = self.nested_routine(name).expect("just found").clone();
                let (arguments, next) = match items.get(end) {
                    Some(Item { token: Token::LParen, .. }) => {
                        let close = matching_paren(items, end)?;
                        let arguments = split_commas(&items[end + 1..close])
                            .into_iter()
                            .map(|a| text::join_trimmed(&self.rewrite(&a)))
                            .collect();
                        (arguments, close + 1)
                    }
                    _ => (Vec::new(), end),
                };
                Some((vec![Item::new(self.call_nested(&nested, arguments)).after(gap)], next))
            }
            [name] if !self.is_local(name) => {
                if let (Some(package), Some(info)) = (self.package.clone(), self.package_info()) {
                    if info.members.contains_key(name) {
                        let parens = parens(info, name);
                        return one(format!("{}.{}{parens}", pg_name(&package), pg_name(name)));
                    }
                    if info.state.contains_key(name) {
                        let reader = format!("{}.{}()", pg_name(&package), pg_name(name));
                        let map = self.state_map(&package, name);
                        return self.state_read(reader, map, items, gap, end);
                    }
                }
                // A standalone function called without arguments.
                if !called && !method && !self.in_sql && self.catalog.parameterless.contains(name) {
                    return one(format!("{}()", pg_name(name)));
                }
                None
            }
            [package, name] => {
                let Some(info) = self.catalog.package(package) else {
                    self.builtin_package_note(package, line);
                    return None;
                };
                if info.state.contains_key(name) && !info.members.contains_key(name) {
                    let reader = format!("{}.{}()", pg_name(package), pg_name(name));
                    let map = self.state_map(package, name);
                    return self.state_read(reader, map, items, gap, end);
                }
                match parens(info, name) {
                    "" => None,
                    parens => one(format!("{}.{}{parens}", pg_name(package), pg_name(name))),
                }
            }
            [_owner, package, name] if self.catalog.is_package(package) => {
                let info = self.catalog.package(package)?;
                let suffix = if info.state.contains_key(name) { "()" } else { parens(info, name) };
                one(format!("{}.{}{suffix}", pg_name(package), pg_name(name)))
            }
            // `r.a.b`, a field of a field of a local: PostgreSQL would read
            // `r.a` as a table and its column; the value needs parentheses.
            [first, second, rest @ ..]
                if !rest.is_empty()
                    && !called
                    && !method
                    && (self.is_local(first)
                        || first == "SELF"
                        || self.is_self_attribute(first)) =>
            {
                let mut text = format!("{}.{}", self.object_value(first), pg_name(second));
                for field in rest {
                    text = format!("({text}).{}", pg_name(field));
                }
                one(text)
            }
            _ => {
                if let Some(first) = parts.first() {
                    self.builtin_package_note(first, line);
                }
                None
            }
        }
    }

    /// A call into an Oracle-supplied package that nothing rewrote.
    fn builtin_package_note(&mut self, package: &str, line: u32) {
        if is_oracle_package(package) && !self.is_local(package) {
            self.note(
                line,
                NoteKind::Unsupported,
                format!(
                    "{package} has no equivalent on PostgreSQL; left as written{}",
                    strategy(package)
                ),
            );
        }
    }

    fn cursor_attribute(&mut self, cursor: &[&str], attribute: &str, line: u32) -> Option<String> {
        let implicit = cursor == ["SQL"];
        match attribute {
            "ROWCOUNT" if implicit => {
                self.uses_rowcount = true;
                Some(ROWCOUNT.to_owned())
            }
            "FOUND" | "NOTFOUND" => {
                if !implicit {
                    self.note(
                        line,
                        NoteKind::Review,
                        format!(
                            "{}%{attribute} became FOUND, which the last FETCH of any cursor sets",
                            cursor.join(".")
                        ),
                    );
                }
                Some(if attribute == "FOUND" { "FOUND" } else { "(NOT FOUND)" }.to_owned())
            }
            // Counted in a variable, where the routine is written in two
            // passes (the first finds the cursors to count).
            "ROWCOUNT" if self.tracks_cursor(cursor) => {
                let name = pg_name(cursor[0]);
                let counter = cursor_variable(&name, "rowcount");
                self.extra_declarations.insert(format!("{counter} integer := 0;"));
                self.counted_cursors.insert(name);
                Some(counter)
            }
            "ISOPEN" if implicit => Some("false".to_owned()),
            // Opened by this call of the routine (a flag), and not closed
            // since, by CLOSE or by the rollback of the block that opened it
            // (its portal, named as the variable, is in pg_cursors).
            "ISOPEN" if self.tracks_cursor(cursor) => {
                let name = pg_name(cursor[0]);
                let flag = cursor_variable(&name, "isopen");
                self.extra_declarations.insert(format!("{flag} boolean := false;"));
                self.open_cursors.insert(name.clone());
                Some(format!(
                    "({flag} AND EXISTS (SELECT FROM pg_catalog.pg_cursors \
                     WHERE pg_catalog.pg_cursors.name = {name}::text))"
                ))
            }
            "TYPE" | "ROWTYPE" => None,
            _ => {
                self.note(
                    line,
                    NoteKind::Unsupported,
                    format!("{}%{attribute} has no PostgreSQL equivalent", cursor.join(".")),
                );
                None
            }
        }
    }

    /// Oracle built-in functions whose PostgreSQL spelling or meaning
    /// differs. Returns the text and, when it consumed more than the call,
    /// where to go on.
    fn builtin_call(
        &mut self,
        name: &[&str],
        has_call: bool,
        args: &dyn Fn(&mut Cx) -> Vec<String>,
        line: u32,
        items: &[Item],
        call: Option<(usize, usize)>,
    ) -> Option<(String, Option<usize>)> {
        if name.len() == 1 && self.is_local(name[0]) {
            return None;
        }
        let done = |text: String| Some((text, None));
        match (name, has_call) {
            (["NVL"], true) => {
                let a = args(self);
                done(format!("coalesce({})", a.join(", ")))
            }
            (["NVL2"], true) => {
                let a = args(self);
                if a.len() != 3 {
                    return None;
                }
                done(format!("CASE WHEN {} IS NOT NULL THEN {} ELSE {} END", a[0], a[1], a[2]))
            }
            (["DECODE"], true) => {
                let a = args(self);
                (a.len() >= 3).then(|| (decode(&a), None))
            }
            // `VALUE(x)` of a row of a collection or object table: the row,
            // its fields where it is selected (so a FETCH or SELECT INTO an
            // object fills it), the whole in a function's argument.
            (["VALUE"], true) if self.in_sql && !self.catalog.functions.contains_key("VALUE") => {
                let field = call.is_some_and(|(_, close)| {
                    items.get(close + 1).is_some_and(|i| i.token == Token::Period)
                });
                match args(self).as_slice() {
                    // `VALUE(t).x` is the row's field.
                    [alias] if field => done(alias.clone()),
                    [alias] if alias.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                        done(format!("{alias}.*"))
                    }
                    _ => None,
                }
            }
            // An empty LOB is a value, not NULL, as '' is in PostgreSQL.
            (["EMPTY_CLOB"], true) => done("''::text".to_owned()),
            (["EMPTY_BLOB"], true) => done("'\\x'::bytea".to_owned()),
            (["SYSDATE"], false) => done("clock_timestamp()::timestamp(0)".to_owned()),
            (["SYSTIMESTAMP"], false) => done("clock_timestamp()".to_owned()),
            (["USER"], false) => done("current_user".to_owned()),
            (["SYS_GUID"], true) => {
                self.note(
                    line,
                    NoteKind::Review,
                    "SYS_GUID() became a random UUID as 32 hex digits",
                );
                done("upper(replace(gen_random_uuid()::text, '-', ''))".to_owned())
            }
            (["TO_NUMBER" | "TO_CHAR"], true) => {
                let a = args(self);
                match a.len() {
                    1 if name[0] == "TO_NUMBER" => done(format!("({})::numeric", a[0])),
                    // PostgreSQL's to_char always takes a format.
                    1 => done(format!("({})::text", a[0])),
                    3 => {
                        self.note(
                            line,
                            NoteKind::Review,
                            format!("{}: the NLS argument was left out", name[0]),
                        );
                        done(format!("{}({}, {})", name[0].to_ascii_lowercase(), a[0], a[1]))
                    }
                    _ => None,
                }
            }
            (["TO_DATE"], true) => {
                let a = args(self);
                match a.len() {
                    1 => done(format!("({})::timestamp(0)", a[0])),
                    2 => done(format!("to_timestamp({}, {})::timestamp(0)", a[0], a[1])),
                    _ => None,
                }
            }
            (["TO_CLOB" | "TO_NCLOB" | "TO_NCHAR"], true) => {
                let a = args(self);
                (a.len() == 1).then(|| (format!("({})::text", a[0]), None))
            }
            (["SUBSTR"], true) => {
                // PostgreSQL's substr counts a start of 0 or below differently;
                // orafce's oracle.substr is Oracle's.
                // PostgreSQL's takes integer positions only; orafce's also
                // takes NUMBER ones, truncated as Oracle does.
                let a = args(self);
                let literal = |s: &String| s.parse::<u64>().is_ok_and(|n| n > 0);
                let plain = a.len() >= 2 && a[1..].iter().all(literal);
                (a.len() >= 2 && !plain).then(|| (format!("oracle.substr({})", a.join(", ")), None))
            }
            (["INSTR"], true) => {
                let a = args(self);
                match a.len() {
                    2 => done(format!("strpos({}, {})", a[0], a[1])),
                    // orafce's instr takes integer positions; it is in the
                    // `oracle` schema, which a search path may lack.
                    3 | 4 => {
                        let ints: Vec<String> = a[2..].iter().map(|x| integer_arg(x)).collect();
                        done(format!("oracle.instr({}, {}, {})", a[0], a[1], ints.join(", ")))
                    }
                    _ => None,
                }
            }
            // Oracle pads a number as its text, to a NUMBER length.
            (["LPAD" | "RPAD"], true) => {
                let a = args(self);
                let function = name[0].to_ascii_lowercase();
                let rest: String = a.iter().skip(2).map(|p| format!(", {p}")).collect();
                (a.len() >= 2).then(|| {
                    let text = if a[0].starts_with('\'') {
                        a[0].clone()
                    } else {
                        format!("({})::text", a[0])
                    };
                    (format!("{function}({text}, {}{rest})", integer_arg(&a[1])), None)
                })
            }
            (["CHR"], true) => {
                let a = args(self);
                (a.len() == 1).then(|| (format!("chr(({})::integer)", a[0]), None))
            }
            (["BITAND"], true) => {
                let a = args(self);
                (a.len() == 2).then(|| (format!("(({})::bigint & ({})::bigint)", a[0], a[1]), None))
            }
            (["XMLTYPE"], true) => {
                let a = args(self);
                (a.len() == 1).then(|| (format!("xmlparse(document {})", a[0]), None))
            }
            (["LENGTHB"], true) => done(format!("octet_length({})", args(self).join(", "))),
            (["RAWTOHEX"], true) => {
                done(format!("upper(encode({}, 'hex'))", args(self).join(", ")))
            }
            (["HEXTORAW"], true) => done(format!("decode({}, 'hex')", args(self).join(", "))),
            (["REGEXP_REPLACE"], true) => {
                let a = args(self);
                (a.len() == 3)
                    .then(|| (format!("regexp_replace({}, {}, {}, 'g')", a[0], a[1], a[2]), None))
            }
            // `TREAT(x AS t)`: PostgreSQL's composite types have no
            // subtypes, so the attributes the value has by name.
            (["TREAT"], true) => {
                let (open, close) = call?;
                let inner = &items[open..close];
                let at = inner.iter().rposition(|i| i.is("AS"))?;
                let value = text::join_trimmed(&self.rewrite(&inner[..at]));
                let written = text::join_trimmed(&inner[at + 1..]);
                let datatype = Fragment { text: written.clone(), span: Default::default() };
                let target = self.datatype(&datatype);
                self.note(
                    line,
                    NoteKind::Unsupported,
                    format!(
                        "TREAT(... AS {written}): PostgreSQL has no subtypes of a composite type; \
                         the value's attributes of the same names are copied, the rest are NULL \
                         (Oracle gives NULL for a value that is not a {written})"
                    ),
                );
                done(format!("jsonb_populate_record(NULL::{target}, to_jsonb({value}))"))
            }
            (["LISTAGG"], true) => {
                let a = args(self);
                self.listagg(a, items, call?.1 + 1)
            }
            (["SYS_CONTEXT"], true) => {
                let a = args(self);
                (a.len() == 2).then(|| (sys_context(&a[0], &a[1]), None))
            }
            (["SQLCODE"], false) => {
                self.note(
                    line,
                    NoteKind::Review,
                    "SQLCODE is computed from SQLSTATE: exact for application errors \
                     (-20000..-20999) and NO_DATA_FOUND, -1 for the rest",
                );
                done(
                    "(CASE WHEN SQLSTATE LIKE 'U0%' THEN -20000 - right(SQLSTATE, 3)::integer \
                     WHEN SQLSTATE = 'P0002' THEN 100 ELSE -1 END)"
                        .to_owned(),
                )
            }
            (["DBMS_RANDOM", "VALUE"], _) => {
                let a = args(self);
                match a.len() {
                    0 => done("random()".to_owned()),
                    2 => {
                        done(format!("({lo} + random() * (({hi}) - ({lo})))", lo = a[0], hi = a[1]))
                    }
                    _ => None,
                }
            }
            (["DBMS_UTILITY", "GET_TIME"], _) => {
                done("(extract(epoch FROM clock_timestamp()) * 100)::bigint".to_owned())
            }
            (["DBMS_UTILITY", "FORMAT_ERROR_STACK"], _) => done("SQLERRM".to_owned()),
            (["DBMS_UTILITY", which @ ("FORMAT_ERROR_BACKTRACE" | "FORMAT_CALL_STACK")], _) => {
                let backtrace = *which == "FORMAT_ERROR_BACKTRACE";
                done(self.diagnostics(backtrace, line))
            }
            (["DBMS_LOB", "GETLENGTH"], true) => done(format!("length({})", args(self).join(", "))),
            // PostgreSQL's substr takes integer positions; on bytea there is
            // no NUMBER overload to fall back on.
            (["DBMS_LOB", "SUBSTR"], true) => {
                let a = args(self);
                match a.len() {
                    1 => done(format!("substr({}, 1, 32767)", a[0])),
                    2 => done(format!("substr({}, 1, {})", a[0], integer_arg(&a[1]))),
                    3 => done(format!(
                        "substr({}, {}, {})",
                        a[0],
                        integer_arg(&a[2]),
                        integer_arg(&a[1])
                    )),
                    _ => None,
                }
            }
            (["DBMS_LOB", "INSTR"], true) => {
                let a = args(self);
                let binary = a.first().is_some_and(|lob| self.is_binary_var(lob));
                match a.len() {
                    2 if binary => done(format!("position({} in {})", a[1], a[0])),
                    _ if binary => None,
                    2 => done(format!("strpos({}, {})", a[0], a[1])),
                    3 | 4 => {
                        let ints: Vec<String> = a[2..].iter().map(|x| integer_arg(x)).collect();
                        done(format!("oracle.instr({}, {}, {})", a[0], a[1], ints.join(", ")))
                    }
                    _ => None,
                }
            }
            (["DBMS_LOB", "COMPARE"], true) => {
                let a = args(self);
                (a.len() == 2).then(|| {
                    let (x, y) = (&a[0], &a[1]);
                    (
                        format!("(CASE WHEN {x} = {y} THEN 0 WHEN {x} < {y} THEN -1 ELSE 1 END)"),
                        None,
                    )
                })
            }
            // The package's constants, as Oracle defines them.
            (["DBMS_LOB", constant], false) => {
                let value = match *constant {
                    "LOBMAXSIZE" => "18446744073709551615",
                    "CALL" => "12",
                    "SESSION" => "10",
                    "LOB_READONLY" | "FILE_READONLY" | "DEFAULT_CSID" | "DEFAULT_LANG_CTX"
                    | "NO_WARNING" => "0",
                    "LOB_READWRITE" | "WARN_INCONVERTIBLE_CHAR" => "1",
                    _ => return None,
                };
                done(value.to_owned())
            }
            (["UTL_RAW", "LENGTH"], true) => done(format!("length({})", args(self).join(", "))),
            (["UTL_RAW", "SUBSTR"], true) => {
                let a = args(self);
                // A negative position counts from the end, as in Oracle.
                let start = match a.get(1).map(|p| p.parse::<i64>()) {
                    Some(Ok(p)) if p < 0 => format!("length({}) + {}", a[0], p + 1),
                    _ => integer_arg(a.get(1)?),
                };
                match a.len() {
                    2 => done(format!("substr({}, {start})", a[0])),
                    3 => done(format!("substr({}, {start}, {})", a[0], integer_arg(&a[2]))),
                    _ => None,
                }
            }
            // NULL operands are left out; all of them NULL is NULL.
            (["UTL_RAW", "CONCAT"], true) => {
                let a = args(self);
                let parts: Vec<String> =
                    a.iter().map(|x| format!("coalesce({x}, ''::bytea)")).collect();
                done(format!("nullif({}, ''::bytea)", parts.join(" || ")))
            }
            (["UTL_RAW", "COPIES"], true) => {
                let a = args(self);
                (a.len() == 2).then(|| {
                    let n = integer_arg(&a[1]);
                    (format!("decode(repeat(encode({}, 'hex'), {n}), 'hex')", a[0]), None)
                })
            }
            // UTL_RAW.BIG_ENDIAN is 1 and LITTLE_ENDIAN 2 (below); the
            // machine's order, 3, is not known here.
            (["UTL_RAW", "CAST_FROM_BINARY_INTEGER"], true) => {
                let a = args(self);
                let bytes = format!("int4send(({})::integer)", a.first()?);
                match a.get(1).map(String::as_str) {
                    None | Some("1") => done(bytes),
                    Some("2") => done(reversed_bytes(&bytes)),
                    _ => None,
                }
            }
            (["UTL_RAW", "CAST_TO_BINARY_INTEGER"], true) => {
                let a = args(self);
                let raw = match a.get(1).map(String::as_str) {
                    None | Some("1") => a.first()?.clone(),
                    Some("2") => reversed_bytes(a.first()?),
                    _ => return None,
                };
                let hex = format!("lpad(encode({raw}, 'hex'), 8, '0')");
                done(format!("('x' || {hex})::bit(32)::integer"))
            }
            (["UTL_RAW", "REVERSE"], true) => {
                let a = args(self);
                (a.len() == 1).then(|| (reversed_bytes(&a[0]), None))
            }
            (["UTL_RAW", function @ ("BIT_AND" | "BIT_OR" | "BIT_XOR")], true) => {
                let a = args(self);
                let op = match *function {
                    "BIT_AND" => "&",
                    "BIT_OR" => "|",
                    _ => "#",
                };
                (a.len() == 2).then(|| (bytewise(&a[0], &a[1], op), None))
            }
            (["UTL_RAW", "BIG_ENDIAN"], false) => done("1".to_owned()),
            (["UTL_RAW", "LITTLE_ENDIAN"], false) => done("2".to_owned()),
            (["UTL_RAW", "MACHINE_ENDIAN"], false) => done("3".to_owned()),
            (["UTL_ENCODE", "BASE64_ENCODE"], true) => {
                self.note(
                    line,
                    NoteKind::Review,
                    "UTL_ENCODE.BASE64_ENCODE became encode(..., 'base64'), which breaks lines \
                     after 76 characters with LF where Oracle breaks them after 64 with CR LF",
                );
                done(format!("convert_to(encode({}, 'base64'), 'UTF8')", args(self).join(", ")))
            }
            (["UTL_ENCODE", "BASE64_DECODE"], true) => {
                done(format!("decode(convert_from({}, 'UTF8'), 'base64')", args(self).join(", ")))
            }
            (["UTL_I18N", "STRING_TO_RAW"], true) => {
                let a = args(self);
                let value = a.first().filter(|_| a.len() <= 2 && utf8(a.get(1)))?;
                done(format!("convert_to({value}, 'UTF8')"))
            }
            (["UTL_I18N", "RAW_TO_CHAR"], true) => {
                let a = args(self);
                let value = a.first().filter(|_| a.len() <= 2 && utf8(a.get(1)))?;
                done(format!("convert_from({value}, 'UTF8')"))
            }
            (["UTL_RAW", "CAST_TO_RAW"], true) => {
                done(format!("convert_to({}, 'UTF8')", args(self).join(", ")))
            }
            (["UTL_RAW", "CAST_TO_VARCHAR2"], true) => {
                done(format!("convert_from({}, 'UTF8')", args(self).join(", ")))
            }
            (["UTL_FILE", "FOPEN" | "FOPEN_NCHAR"], true) => {
                self.note(
                    line,
                    NoteKind::Review,
                    "UTL_FILE works on S3 through utl_file_utility (deploy/sql/utl_file_utility): \
                     each directory needs a row of utl_file_utility.directories, a file \
                     reaches S3 whole at FFLUSH and FCLOSE, and lines written in a transaction \
                     or block that rolls back are lost"
                        .to_owned(),
                );
                done(format!("utl_file_utility.fopen({})", args(self).join(", ")))
            }
            (["UTL_FILE", "IS_OPEN"], true) => {
                done(format!("utl_file_utility.is_open({})", args(self).join(", ")))
            }
            ([package, function], _) if *package == "UTL_HTTP" => {
                let a = args(self);
                let name = function.to_ascii_lowercase();
                if has_call {
                    done(format!("utl_http_utility.{name}({})", a.join(", ")))
                } else {
                    done(format!("utl_http_utility.{name}"))
                }
            }
            _ => None,
        }
    }

    /// DBMS_UTILITY's error backtrace and call stack: a variable that a
    /// `GET DIAGNOSTICS` before the statement fills, with PostgreSQL's
    /// context lines (which name functions and lines as PostgreSQL sees
    /// them). The backtrace exists only in an exception handler, and
    /// neither can be read in a declaration: there, NULL with a note.
    fn diagnostics(&mut self, backtrace: bool, line: u32) -> String {
        let what = if backtrace { "FORMAT_ERROR_BACKTRACE" } else { "FORMAT_CALL_STACK" };
        let refused = if self.declaring {
            Some("in a declaration became NULL: PostgreSQL reads it with a statement")
        } else if backtrace && self.in_handler == 0 {
            Some("outside an exception handler became NULL: PostgreSQL has the error's context only in the handler")
        } else {
            None
        };
        if let Some(why) = refused {
            self.note(line, NoteKind::Unsupported, format!("DBMS_UTILITY.{what} {why}"));
            return "NULL::text".to_owned();
        }
        let (var, statement) = if backtrace {
            (
                "sql_error_backtrace",
                "GET STACKED DIAGNOSTICS sql_error_backtrace = PG_EXCEPTION_CONTEXT;",
            )
        } else {
            ("sql_call_stack", "GET DIAGNOSTICS sql_call_stack = PG_CONTEXT;")
        };
        self.note_once(
            if backtrace { "error-backtrace" } else { "call-stack" },
            line,
            NoteKind::Review,
            format!("DBMS_UTILITY.{what} (here and below) is PostgreSQL's context: its lines name functions and lines differently"),
        );
        self.extra_declarations.insert(format!("{var} text;"));
        if !self.pending.iter().any(|p| p == statement) {
            self.pending.push(statement.to_owned());
        }
        var.to_owned()
    }

    /// `LISTAGG(x, sep) WITHIN GROUP (ORDER BY y)` is
    /// `string_agg(x, sep ORDER BY y)`.
    fn listagg(
        &mut self,
        args: Vec<String>,
        items: &[Item],
        after: usize,
    ) -> Option<(String, Option<usize>)> {
        let separator = args.get(1).cloned().unwrap_or_else(|| "''".to_owned());
        let value = args.first()?.clone();
        let within = items.get(after).is_some_and(|i| i.is("WITHIN"))
            && items.get(after + 1).is_some_and(|i| i.is("GROUP"))
            && items.get(after + 2).is_some_and(|i| i.token == Token::LParen);
        if !within {
            return Some((format!("string_agg(({value})::text, {separator})"), None));
        }
        let close = matching_paren(items, after + 2)?;
        let order = text::join_trimmed(&self.rewrite(&items[after + 3..close]));
        Some((format!("string_agg(({value})::text, {separator} {order})"), Some(close + 1)))
    }

    /// Reads and methods of a local associative array indexed by strings,
    /// a jsonb object: `m(k)` is the element at key `k`, FIRST, LAST, NEXT
    /// and PRIOR take the keys in binary order, as Oracle's default does.
    fn map_use(
        &mut self,
        upper: &[&str],
        parts: &[String],
        args: &dyn Fn(&mut Cx) -> Vec<String>,
        call: Option<(usize, usize)>,
    ) -> Option<String> {
        let element = self.map_element(parts.first()?)?.clone();
        let name = pg_name(&parts[0]);
        let key = args(self).into_iter().next().filter(|_| call.is_some());
        match upper {
            [_] => self.map_read(&element, &format!("{name} -> ({})::text", key?)),
            [_, method] => self.map_method(&name, method, key),
            _ => None,
        }
    }

    /// A method of the jsonb map `map` (a variable, or a state reader's
    /// call): COUNT, FIRST, LAST, NEXT(k), PRIOR(k), EXISTS(k).
    fn map_method(&mut self, map: &str, method: &str, key: Option<String>) -> Option<String> {
        // Qualified, so no variable of the routine is read for the key.
        let keys =
            |filter: &str| format!("FROM jsonb_object_keys({map}) AS map_keys(key){filter})");
        let key = key.map(|k| format!("({k})::text"));
        match (method, key) {
            ("COUNT", None) => Some(format!("(SELECT count(*)::integer {}", keys(""))),
            ("FIRST", None) => Some(format!("(SELECT min({KEY}) {}", keys(""))),
            ("LAST", None) => Some(format!("(SELECT max({KEY}) {}", keys(""))),
            ("NEXT", Some(key)) => {
                Some(format!("(SELECT min({KEY}) {}", keys(&format!(" WHERE {KEY} > {key}"))))
            }
            ("PRIOR", Some(key)) => {
                Some(format!("(SELECT max({KEY}) {}", keys(&format!(" WHERE {KEY} < {key}"))))
            }
            ("EXISTS", Some(key)) => Some(format!("coalesce({map} ? {key}, false)")),
            _ => None,
        }
    }

    /// The element type of a package variable that is an associative array
    /// indexed by strings.
    pub fn state_map(&self, package: &str, name: &str) -> Option<Fragment> {
        let key = (package.to_owned(), name.to_owned());
        if let Some(known) = self.state_maps.borrow().get(&key) {
            return known.clone();
        }
        let found = self.find_state_map(package, name);
        self.state_maps.borrow_mut().insert(key, found.clone());
        found
    }

    fn find_state_map(&self, package: &str, name: &str) -> Option<Fragment> {
        use super::catalog::TypeDef;
        let var = self.catalog.package(package)?.state.get(name)?;
        let items = text::items(&var.datatype).ok()?.items;
        let parts: Vec<String> = items.iter().filter_map(Item::name).collect();
        let found = match parts.as_slice() {
            [one] => {
                self.type_def(&[package.to_owned(), one.clone()]).or_else(|| self.type_def(&parts))
            }
            _ => self.type_def(&parts),
        };
        match found?.1 {
            TypeDef::StringIndexed { element, .. } => Some(element),
            _ => None,
        }
    }

    /// The element of a jsonb map at `at` (`m -> key`), as its type: a
    /// row populated from the object, or a scalar cast from its text.
    /// `None` for a collection of collections.
    pub fn map_read(&mut self, element: &Fragment, at: &str) -> Option<String> {
        let here = std::mem::replace(&mut self.no_anchors, true);
        let pg_type = self.datatype(element);
        self.no_anchors = here;
        match self.shape(element) {
            Shape::Row => Some(format!("jsonb_populate_record(NULL::{pg_type}, {at})")),
            Shape::Collection => None,
            Shape::Scalar => {
                let text = at.replacen(" -> ", " ->> ", 1);
                Some(format!("({text})::{pg_type}"))
            }
        }
    }

    /// Whether a type as Oracle writes it is a row (`t%ROWTYPE`, a record
    /// or object type), a collection, or a scalar.
    pub fn shape(&self, datatype: &Fragment) -> Shape {
        use super::catalog::TypeDef;
        let mut datatype = datatype.clone();
        for _ in 0..16 {
            let text = datatype.text.trim().to_ascii_uppercase();
            if text.ends_with("%ROWTYPE") {
                return Shape::Row;
            }
            let parts: Vec<String> = text.split('.').map(|p| p.trim().to_owned()).collect();
            match self.type_def(&parts).map(|(_, d)| d) {
                Some(TypeDef::Alias { of, .. }) => datatype = of,
                Some(TypeDef::Record { .. } | TypeDef::Object) => return Shape::Row,
                Some(TypeDef::Array { .. } | TypeDef::StringIndexed { .. }) => {
                    return Shape::Collection
                }
                Some(TypeDef::RefCursor) | None => return Shape::Scalar,
            }
        }
        Shape::Scalar
    }

    /// Reads and methods of a local array variable.
    fn array_use(
        &mut self,
        upper: &[&str],
        parts: &[String],
        args: &dyn Fn(&mut Cx) -> Vec<String>,
        call: Option<(usize, usize)>,
        line: u32,
    ) -> Option<(String, Option<usize>)> {
        // A local array, or an array field of a local record (`r.list`).
        parts.first()?;
        let field = parts.len() >= 2 && self.array_element(&parts[..2].join(".")).is_some();
        let width = if field { 2 } else { 1 };
        self.array_element(&parts[..width].join("."))?;
        let name = parts[..width].iter().map(|p| pg_name(p)).collect::<Vec<_>>().join(".");
        let upper = &upper[width - 1..];
        match upper {
            [_] if call.is_some() => {
                let a = args(self);
                Some((format!("{name}[{}]", a.join("][")), None))
            }
            [_, "COUNT"] => Some((format!("coalesce(cardinality({name}), 0)"), None)),
            [_, "FIRST"] => Some((format!("array_lower({name}, 1)"), None)),
            [_, "LAST"] => Some((format!("array_upper({name}, 1)"), None)),
            [_, "EXISTS"] => {
                let a = args(self);
                let i = a.first()?;
                Some((
                    format!("({i} BETWEEN array_lower({name}, 1) AND array_upper({name}, 1))"),
                    None,
                ))
            }
            [_, "NEXT"] => {
                let a = args(self);
                let i = a.first()?;
                Some((format!("CASE WHEN {i} < array_upper({name}, 1) THEN {i} + 1 END"), None))
            }
            [_, "PRIOR"] => {
                let a = args(self);
                let i = a.first()?;
                Some((format!("CASE WHEN {i} > array_lower({name}, 1) THEN {i} - 1 END"), None))
            }
            [_, "LIMIT"] => {
                self.note(line, NoteKind::Review, "VARRAY LIMIT is not kept by PostgreSQL arrays");
                Some(("NULL".to_owned(), None))
            }
            _ => None,
        }
    }

    /// A PL/SQL data type in PostgreSQL.
    pub fn datatype(&mut self, fragment: &Fragment) -> String {
        let Ok(items) = text::items(fragment) else {
            return fragment.text.trim().to_owned();
        };
        let items = items.items;
        if let Some(mapped) = super::types::builtin(&items) {
            if let Some(note) = mapped.note {
                let key = if mapped.text == "integer" { "integer" } else { "type" };
                self.note_once(key, fragment.span.line, NoteKind::Review, note);
            }
            return mapped.text;
        }
        // `x%TYPE`, `t%ROWTYPE`.
        if let Some(at) = items.iter().position(|i| i.token == Token::Mod) {
            let parts: Vec<String> = items[..at].iter().filter_map(Item::name).collect();
            let attribute = items.get(at + 1).and_then(Item::word).unwrap_or_default();
            return self.anchored_type(&parts, &attribute, fragment.span.line);
        }
        let parts: Vec<String> = items.iter().filter_map(Item::name).collect();
        if let Some((name, def)) = self.type_def(&parts) {
            return self.defined_type(&name, &def, fragment.span.line);
        }
        match parts.as_slice() {
            [package, name] if package == "UTL_HTTP" => {
                format!("utl_http_utility.{}", name.to_ascii_lowercase())
            }
            [package, name] if package == "UTL_FILE" && name == "FILE_TYPE" => {
                "utl_file_utility.file_type".to_owned()
            }
            [package, ..] if is_oracle_package(package) => {
                self.note(
                    fragment.span.line,
                    NoteKind::Unsupported,
                    format!("type {} has no PostgreSQL equivalent", parts.join(".")),
                );
                text::join_trimmed(&items)
            }
            // A synonym for an object type (`equal` for `ut_equal`).
            [name]
                if self.catalog.synonyms.get(name).is_some_and(|t| {
                    self.catalog.objects.contains_key(t) && !self.catalog.objects.contains_key(name)
                }) =>
            {
                pg_name(&self.catalog.synonyms[name])
            }
            _ => parts.iter().map(|p| pg_name(p)).collect::<Vec<_>>().join("."),
        }
    }

    fn anchored_type(&mut self, parts: &[String], attribute: &str, line: u32) -> String {
        let written = parts.iter().map(|p| pg_name(p)).collect::<Vec<_>>().join(".");
        // A package variable's `%TYPE` is the variable's type.
        let state = match parts {
            [name] if !self.is_local(name) => {
                self.package_info().and_then(|i| i.state.get(name)).map(|v| v.datatype.clone())
            }
            [package, name] => self
                .catalog
                .package(package)
                .and_then(|i| i.state.get(name))
                .map(|v| v.datatype.clone()),
            _ => None,
        };
        if let (Some(datatype), "TYPE") = (state, attribute) {
            let package = match parts {
                [package, _] => Some(package.clone()),
                _ => self.package.clone(),
            };
            let here = std::mem::replace(&mut self.package, package);
            let text = self.datatype(&datatype);
            self.package = here;
            return text;
        }
        if attribute == "ROWTYPE" && parts.len() == 1 && self.is_local(&parts[0]) {
            // A cursor's %ROWTYPE.
            return "record".to_owned();
        }
        if !self.no_anchors {
            return format!("{written}%{}", attribute.to_ascii_uppercase());
        }
        // Where PostgreSQL takes no anchor: a table's row type is the table's
        // name, a column's type comes from the table's DDL.
        match (attribute, parts) {
            ("ROWTYPE", _) => written,
            ("TYPE", [.., table, column]) => {
                let key = (table.clone(), column.clone());
                match self.catalog.columns.get(&key).cloned() {
                    Some(datatype) => self.datatype(&datatype),
                    None => {
                        self.note(
                            line,
                            NoteKind::Unsupported,
                            format!(
                                "{}%TYPE: the column's type is not known here",
                                parts.join(".")
                            ),
                        );
                        format!("{written}%TYPE")
                    }
                }
            }
            _ => format!("{written}%{}", attribute.to_ascii_uppercase()),
        }
    }

    fn defined_type(&mut self, name: &str, def: &super::catalog::TypeDef, line: u32) -> String {
        use super::catalog::TypeDef;
        match def {
            TypeDef::Array { element, sparse } => {
                if *sparse {
                    self.note_once(
                        "sparse-array",
                        line,
                        NoteKind::Review,
                        "associative arrays indexed by integers are PostgreSQL arrays (here and \
                         below): an index between the lowest and highest assigned exists, NULL, \
                         so COUNT, EXISTS, NEXT and PRIOR see it where Oracle skips it, and keys \
                         far apart make a large array"
                            .to_owned(),
                    );
                }
                // No `%TYPE[]` in PostgreSQL.
                let anchors = std::mem::replace(&mut self.no_anchors, true);
                let element = self.datatype(element);
                self.no_anchors = anchors;
                format!("{element}[]")
            }
            TypeDef::RefCursor => "refcursor".to_owned(),
            TypeDef::Alias { of, package } => {
                let package = package.clone().or(self.package.clone());
                let here = std::mem::replace(&mut self.package, package);
                let text = self.datatype(of);
                self.package = here;
                text
            }
            TypeDef::Record { .. } | TypeDef::Object => name.to_owned(),
            TypeDef::StringIndexed { text_keys: false, .. } => {
                self.note(
                    line,
                    NoteKind::Unsupported,
                    "an associative array indexed by a subtype not known to be a string is a \
                     jsonb object: FIRST, NEXT and the rest take its keys in text order, which \
                     for numbers is not Oracle's",
                );
                "jsonb".to_owned()
            }
            TypeDef::StringIndexed { .. } => {
                self.note_once(
                    "string-indexed",
                    line,
                    NoteKind::Review,
                    "associative arrays indexed by strings are jsonb objects (here and below): \
                     FIRST, NEXT and the rest take the keys in binary order, and reading a key \
                     that is not there gives NULL where Oracle raises NO_DATA_FOUND"
                        .to_owned(),
                );
                "jsonb".to_owned()
            }
        }
    }
}

/// Where the operand ending just before `op` starts: a word, a literal, a
/// dotted name, or a call or parenthesised group.
fn operand_before(items: &[Item], op: usize) -> Option<usize> {
    let last = op.checked_sub(1)?;
    if items[last].token == Token::RParen {
        let mut depth = 0usize;
        let mut at = last;
        loop {
            match items[at].token {
                Token::RParen => depth += 1,
                Token::LParen => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            at = at.checked_sub(1)?;
        }
        // A call: the function's name before the `(`.
        if at > 0 && matches!(items[at - 1].token, Token::Word(_)) {
            return Some(at - 1);
        }
        return Some(at);
    }
    let mut start = last;
    while start >= 2
        && items[start - 1].token == Token::Period
        && matches!(items[start - 2].token, Token::Word(_))
    {
        start -= 2;
    }
    Some(start)
}

/// Where the operand starting at `start` ends (exclusive): one primary,
/// with a call's arguments.
fn operand_after(items: &[Item], start: usize) -> usize {
    let Some(first) = items.get(start) else { return start };
    if first.token == Token::LParen {
        return matching_paren(items, start).map_or(items.len(), |c| c + 1);
    }
    let mut end = name_end(items, start);
    if items.get(end).is_some_and(|i| i.token == Token::LParen)
        && matches!(first.token, Token::Word(_))
    {
        end = matching_paren(items, end).map_or(items.len(), |c| c + 1);
    }
    end
}

/// Where a dotted name starting at `start` ends: `a . b . c`.
pub(super) fn name_end(items: &[Item], start: usize) -> usize {
    let mut end = start + 1;
    while end + 1 < items.len()
        && items[end].token == Token::Period
        && matches!(items[end + 1].token, Token::Word(_))
    {
        end += 2;
    }
    end
}

/// Whether an empty string literal after `out` is a value assigned or
/// compared, where Oracle reads it as NULL.
fn empty_means_null(out: &[Item]) -> bool {
    let Some(last) = out.last() else { return true };
    matches!(last.token, Token::Assignment | Token::Eq | Token::Neq)
        || ["DEFAULT", "RETURN", "THEN", "ELSE"].iter().any(|w| last.is(w))
}

/// `DECODE(x, s1, r1, ..., default)` with Oracle's rule that NULL matches
/// NULL: a simple `CASE` when every search value is a non-NULL literal,
/// `IS NOT DISTINCT FROM` tests otherwise.
fn decode(args: &[String]) -> String {
    let subject = &args[0];
    let pairs = &args[1..];
    let literal = |s: &str| {
        let s = s.trim();
        (s.starts_with('\'') && s.ends_with('\'') && s.len() >= 2 && s != "''")
            || s.parse::<f64>().is_ok()
    };
    let simple = pairs.chunks(2).filter(|c| c.len() == 2).all(|c| literal(&c[0]));
    let mut out = if simple { format!("CASE {subject}") } else { "CASE".to_owned() };
    for pair in pairs.chunks(2) {
        match pair {
            [search, result] if simple => out.push_str(&format!(" WHEN {search} THEN {result}")),
            [search, result] if search.eq_ignore_ascii_case("NULL") || search == "''" => {
                out.push_str(&format!(" WHEN {subject} IS NULL THEN {result}"));
            }
            [search, result] => out
                .push_str(&format!(" WHEN {subject} IS NOT DISTINCT FROM {search} THEN {result}")),
            [default] => out.push_str(&format!(" ELSE {default}")),
            _ => {}
        }
    }
    out.push_str(" END");
    out
}

/// `SYS_CONTEXT('USERENV', attribute)`; other namespaces are application
/// contexts, kept in session settings named `namespace.attribute`.
fn sys_context(namespace: &str, attribute: &str) -> String {
    let unquote = |s: &str| s.trim().trim_matches('\'').to_ascii_uppercase();
    let (ns, attr) = (unquote(namespace), unquote(attribute));
    if ns == "USERENV" {
        let known = match attr.as_str() {
            "SESSION_USER" | "CURRENT_USER" | "CURRENT_SCHEMA" if attr == "CURRENT_SCHEMA" => {
                "current_schema()"
            }
            "SESSION_USER" | "CURRENT_USER" => "current_user",
            "OS_USER" | "AUTHENTICATED_IDENTITY" => "session_user",
            "DB_NAME" | "DB_UNIQUE_NAME" | "INSTANCE_NAME" | "SERVICE_NAME" => "current_database()",
            "IP_ADDRESS" => "host(inet_client_addr())",
            "SESSIONID" | "SID" => "pg_backend_pid()::text",
            "HOST" | "SERVER_HOST" => "host(inet_server_addr())",
            // NULL when unset, as in Oracle.
            "MODULE" | "ACTION" | "CLIENT_INFO" | "CLIENT_IDENTIFIER" => {
                "nullif(current_setting('application_name'), '')"
            }
            "LANG" | "LANGUAGE" | "NLS_TERRITORY" => "current_setting('lc_messages')",
            _ => "",
        };
        if !known.is_empty() {
            return known.to_owned();
        }
    }
    format!(
        "current_setting({}, true)",
        quote_literal(&format!("{}.{}", ns.to_ascii_lowercase(), attr.to_ascii_lowercase()))
    )
}

/// Oracle-supplied packages: a call into one that no rewrite handles has no
/// equivalent.
pub(super) fn is_oracle_package(name: &str) -> bool {
    name.starts_with("DBMS_")
        || name.starts_with("UTL_")
        || name.starts_with("OWA_")
        || matches!(name, "HTP" | "HTF" | "OWA" | "CTX_DDL" | "CTX_DOC" | "DEBUG_EXTPROC")
}

/// The bytes of `raw` in reverse order, as UTL_RAW.REVERSE gives them.
fn reversed_bytes(raw: &str) -> String {
    format!(
        "(SELECT string_agg(substr(r.raw, n, 1), ''::bytea ORDER BY n DESC) \
         FROM (SELECT ({raw})::bytea AS raw) r, generate_series(1, length(r.raw)) n)"
    )
}

/// UTL_RAW's BIT_AND, BIT_OR and BIT_XOR: `op` on each pair of bytes as far
/// as the shorter goes, then the rest of the longer, as Oracle does.
fn bytewise(a: &str, b: &str, op: &str) -> String {
    format!(
        "(SELECT (SELECT string_agg(set_byte('\\x00'::bytea, 0, get_byte(r.a, n) {op} get_byte(r.b, n)), \
         ''::bytea ORDER BY n) FROM generate_series(0, least(length(r.a), length(r.b)) - 1) n) \
         || substr(CASE WHEN length(r.a) > length(r.b) THEN r.a ELSE r.b END, \
         least(length(r.a), length(r.b)) + 1) FROM (SELECT ({a})::bytea AS a, ({b})::bytea AS b) r)"
    )
}

/// Tokens that end an operand of `||`: what binds less tightly.
fn ends_operand(item: &Item) -> bool {
    matches!(
        item.token,
        Token::Comma
            | Token::SemiColon
            | Token::Eq
            | Token::Neq
            | Token::Lt
            | Token::Gt
            | Token::LtEq
            | Token::GtEq
            | Token::Assignment
            | Token::RArrow
    ) || item.word().is_some_and(|w| {
        matches!(
            w.as_str(),
            "AND"
                | "OR"
                | "NOT"
                | "IS"
                | "LIKE"
                | "BETWEEN"
                | "IN"
                | "THEN"
                | "WHEN"
                | "ELSE"
                | "END"
                | "SELECT"
                | "FROM"
                | "WHERE"
                | "INTO"
                | "AS"
                | "ORDER"
                | "GROUP"
                | "BY"
                | "HAVING"
                | "UNION"
                | "INTERSECT"
                | "MINUS"
                | "EXCEPT"
                | "VALUES"
                | "SET"
                | "RETURNING"
                | "USING"
                | "ON"
                | "JOIN"
                | "LOOP"
                | "ESCAPE"
                | "DISTINCT"
                | "ALL"
                | "LIMIT"
                | "BULK"
                | "COLLECT"
                | "FOR"
                | "WITH"
                | "IF"
                | "ELSIF"
                | "EXIT"
                | "RETURN"
                | "DEFAULT"
                | "ASC"
                | "DESC"
                | "NULLS"
        )
    })
}

/// Each `CASE ... END` at this depth with its inside rewritten: the
/// expression as a whole is one operand of a `||` around it.
fn concat_inside_cases(items: Vec<Item>, binary: &dyn Fn(&str) -> bool) -> Vec<Item> {
    let mut out = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        match items[i].token {
            Token::LParen => {
                let close = matching_paren(&items, i).unwrap_or(items.len() - 1);
                out.extend(items[i..=close].iter().cloned());
                i = close + 1;
            }
            _ if items[i].is("CASE") => {
                let Some(end) = case_end(&items, i) else {
                    out.extend(items[i..].iter().cloned());
                    break;
                };
                out.push(items[i].clone());
                out.extend(concat_operators(items[i + 1..end].to_vec(), binary));
                out.push(items[end].clone());
                i = end + 1;
            }
            _ => {
                out.push(items[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The `END` of the `CASE` at `start`, nested ones skipped.
fn case_end(items: &[Item], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, item) in items.iter().enumerate().skip(start) {
        if item.is("CASE") {
            depth += 1;
        } else if item.is("END") {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Whether a token can end an operand: a literal, a name, a `)`.
fn is_primary_end(item: &Item) -> bool {
    matches!(
        item.token,
        Token::Word(_)
            | Token::Number(..)
            | Token::SingleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::RParen
    ) || item.line == 0
}

/// Rewrites each run `a || b || c` at this depth as `concat(a, b, c)`,
/// unless every operand is a string literal. Where every operand is bytes
/// (`binary` says which names are), the bytes are joined, NULL as empty
/// and empty as NULL, as Oracle's RAW values are.
fn concat_operators(items: Vec<Item>, binary: &dyn Fn(&str) -> bool) -> Vec<Item> {
    if !items.iter().any(|i| i.token == Token::StringConcat) {
        return items;
    }
    let items = concat_inside_cases(items, binary);
    // Operands: [start, end) ranges between boundaries, skipping groups.
    let mut out = Vec::with_capacity(items.len());
    let mut i = 0;
    while i < items.len() {
        let start = i;
        let mut operands = Vec::new();
        let mut operand_start = i;
        let mut j = i;
        let mut ok = true;
        // A word after a `.` is part of a name (`utl_url.escape`), not a
        // keyword that ends the operand.
        let qualified = |j: usize| j > 0 && items[j - 1].token == Token::Period;
        while j < items.len() && (!ends_operand(&items[j]) || qualified(j)) {
            // `'a' || b alias`: a word right after a complete operand is an
            // alias, not part of it.
            let after_primary = j > operand_start && is_primary_end(&items[j - 1]);
            if after_primary && matches!(items[j].token, Token::Word(_)) {
                break;
            }
            match items[j].token {
                Token::LParen => {
                    j = matching_paren(&items, j).map_or(items.len(), |c| c + 1);
                    continue;
                }
                _ if items[j].is("CASE") => {
                    j = case_end(&items, j).map_or(items.len(), |e| e + 1);
                    continue;
                }
                Token::StringConcat => {
                    ok &= j > operand_start;
                    operands.push((operand_start, j));
                    operand_start = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        if operands.is_empty() {
            // No `||` in this stretch: copy it and the boundary after it.
            out.extend(items[start..j].iter().cloned());
            if j < items.len() {
                out.push(items[j].clone());
            }
            i = j + 1;
            continue;
        }
        ok &= j > operand_start;
        operands.push((operand_start, j));
        let all_literals = operands.iter().all(|&(a, b)| b == a + 1 && items[a].is_string());
        if !ok || all_literals {
            out.extend(items[start..j].iter().cloned());
        } else {
            let gap = items[start].gap.clone();
            let parts: Vec<String> =
                operands.iter().map(|&(a, b)| text::join_trimmed(&items[a..b])).collect();
            let bytes = operands.iter().all(|&(a, b)| {
                let text = text::join_trimmed(&items[a..b]);
                (b == a + 1 && binary(&text)) || text.ends_with("::bytea")
            });
            let text = if bytes {
                let joined: Vec<String> =
                    parts.iter().map(|p| format!("coalesce({p}, '\\x'::bytea)")).collect();
                format!("nullif({}, '\\x'::bytea)", joined.join(" || "))
            } else {
                format!("concat({})", parts.join(", "))
            };
            out.push(Item::new(text).after(&gap));
        }
        if j < items.len() {
            out.push(items[j].clone());
        }
        i = j + 1;
    }
    out
}

/// Whether a character set argument is UTF-8, or left to the default
/// (the database's, which is UTF-8 on Aurora).
fn utf8(charset: Option<&String>) -> bool {
    charset
        .is_none_or(|c| matches!(c.to_ascii_uppercase().as_str(), "'AL32UTF8'" | "'UTF8'" | "NULL"))
}

/// An argument where PostgreSQL wants an integer: a literal as it is,
/// anything else truncated, as Oracle truncates the NUMBER it takes there
/// (a cast would round).
pub(super) fn integer_arg(arg: &str) -> String {
    if arg.parse::<i64>().is_ok() {
        arg.to_owned()
    } else {
        format!("trunc({arg})::integer")
    }
}

/// Whether the group opening at `items[open]` follows a call's closing
/// parenthesis, with one argument: the index of an element of the result.
fn called_before(items: &[Item], open: usize) -> bool {
    let Some(before) = open.checked_sub(1) else { return false };
    if items[before].token != Token::RParen {
        return false;
    }
    // The parenthesis `items[before]` closes.
    let mut depth = 0;
    let Some(call) = (0..before).rev().find(|&j| {
        match items[j].token {
            Token::RParen => depth += 1,
            Token::LParen if depth == 0 => return true,
            Token::LParen => depth -= 1,
            _ => {}
        }
        false
    }) else {
        return false;
    };
    let named = call.checked_sub(1).is_some_and(|n| items[n].word().is_some());
    let close = matching_paren(items, open).unwrap_or(items.len());
    let one_argument = close > open + 1 && split_commas(&items[open + 1..close]).len() == 1;
    // `INSERT INTO t (c) (SELECT ...)` is no index.
    let query = items.get(open + 1).is_some_and(|i| i.is("SELECT") || i.is("WITH"));
    named && one_argument && !query
}

/// The operand just written at the end of `out`: a name (`a.b`, or what
/// a rewrite made of one), or a call or parenthesised expression.
fn take_operand(out: &mut Vec<Item>) -> Option<Vec<Item>> {
    let named = |i: &Item| matches!(i.token, Token::Word(_) | Token::Char(' '));
    let last = out.len().checked_sub(1)?;
    let mut start = match out[last].token {
        Token::RParen => {
            let mut depth = 0i32;
            let mut open = None;
            for j in (0..=last).rev() {
                match out[j].token {
                    Token::RParen => depth += 1,
                    Token::LParen => {
                        depth -= 1;
                        if depth == 0 {
                            open = Some(j);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let open = open?;
            if open > 0 && named(&out[open - 1]) {
                open - 1
            } else {
                open
            }
        }
        _ if named(&out[last]) => last,
        _ => return None,
    };
    while start >= 2 && out[start - 1].token == Token::Period && named(&out[start - 2]) {
        start -= 2;
    }
    Some(out.split_off(start))
}

/// A key of a jsonb map, in binary order.
const KEY: &str = "map_keys.key COLLATE \"C\"";

/// What a value of a type is made of, for reading it back from jsonb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Shape {
    Row,
    Collection,
    Scalar,
}

/// The feature catalogue's strategy for Oracle's package `package`, as the
/// end of a note: what to do instead.
pub(super) fn strategy(package: &str) -> String {
    let upper = package.to_ascii_uppercase();
    let name = upper.strip_prefix("SYS.").unwrap_or(&upper);
    crate::analysis::features::package_strategy(name).map_or_else(String::new, |s| format!(". {s}"))
}

/// Where the primary expression starting at `items[at]` ends: a name,
/// qualified or not, and the calls or indexes after it.
fn primary_end(items: &[Item], at: usize) -> usize {
    let mut end = at;
    loop {
        match items.get(end).map(|i| &i.token) {
            Some(Token::Word(_)) => end += 1,
            _ => return end,
        }
        while items.get(end).is_some_and(|i| i.token == Token::LParen) {
            end = matching_paren(items, end).map_or(items.len(), |c| c + 1);
        }
        if items.get(end).is_some_and(|i| i.token == Token::Period) {
            end += 1;
        } else {
            return end;
        }
    }
}

/// The variable that keeps `what` (`rowcount`, `isopen`) of cursor `name`
/// (its PostgreSQL name, never quoted).
pub(super) fn cursor_variable(name: &str, what: &str) -> String {
    format!("{name}_{what}")
}
