//! The migration cost ora2pg would give, computed on the original code.
//!
//! ora2pg (`lib/Ora2Pg/PLSQL.pm`, `estimate_cost`) prices each routine at 2 units for
//! testing, plus one unit per 1,000 characters (at least one), plus a weight for each
//! occurrence of keywords it considers hard to port, and adds a score per object type
//! (package body 3, type body 10...). One unit is five minutes, a person-day 84 units.
//! Its report turns the estate's total into person-days ([`person_days`]) and a level
//! such as `B-5` ([`migration_level`]). This module reproduces that model so that our
//! report can show an "ora2pg-comparable" figure next to our own scoring; it is not
//! our estimate of the work, and it does not read or run ora2pg.
//!
//! # Where we deviate on purpose
//!
//! - ora2pg prices the text it has already converted, so constructs it rewrote cost
//!   nothing; we price the original Oracle code, read as tokens (comments and the
//!   insides of string literals never match).
//! - Its `WHEN OTHER THEN` pattern never matches `WHEN OTHERS THEN`, and it counts
//!   `MERGE INTO` under a name that has no weight and `COMMIT` not at all; we count
//!   all three with the weights its table gives them (10, 3 and 1).
//! - It counts each `EXTRACT(` twice, at 3 units each; we count it once, at 3.
//! - On converted code it looks for `SQLSTATE`; on the original we count `SQLCODE`.
//! - A database link is any `name@link`, not only one between `FROM` and `WHERE`.
//! - `TABLE(` after `FROM` counts once per occurrence, not once per statement.
//! - Not reproduced: the Oracle E-Business Suite (`FND_*`), PL/Vision and Oracle Text
//!   scoring keywords, `ADD CONSTRAINT`, the orafce option, and the per-type floors
//!   and ceilings its report applies (a type total below 1 raised to 1, triggers
//!   and views capped at 168 units). The size of a routine counts its string
//!   literals, which ora2pg replaces by placeholders, and a trigger's counts its
//!   header, where ora2pg measures the body alone.
//! - A wrapped routine's size is unknown and counted as one unit; a wrapped package
//!   body gets only its object score.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sqlparser::tokenizer::Token;

use crate::plsql::ast::{Comment, Declaration, DeclarationItem, Span, SubprogramBody, UnitItem};
use crate::plsql::lexer::Tok;
use crate::plsql::{Object, ObjectKind};

/// One object's cost in ora2pg's units (one unit is five minutes).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Ora2pgCost {
    /// Everything below added up.
    pub units: f64,
    /// The score of the object's type (function 1, package body 3, type body 10...).
    pub object_score: f64,
    /// The routines priced one by one: one for a function, procedure or trigger, one
    /// per subprogram of a package body, none for other objects.
    pub routines: u32,
    /// Testing and size: 2 units per routine plus one per 1,000 characters of it.
    pub test_and_size: f64,
    /// The keywords found, sorted by keyword.
    pub keywords: Vec<KeywordCost>,
    /// Whether any keyword was found, zero-weight ones included: this is what
    /// ora2pg's migration level looks at.
    pub has_costed_keywords: bool,
}

/// One of ora2pg's keywords and what its occurrences in one object cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeywordCost {
    /// ora2pg's name for it: `BULK COLLECT`, `DBMS_`, `WHEN OTHERS`.
    pub keyword: String,
    pub count: u32,
    /// `count` times the keyword's weight.
    pub units: f64,
}

/// Units in one person-day: 7 hours of 5-minute units.
pub const UNITS_PER_DAY: f64 = 84.0;

/// Minutes in one unit.
pub const MINUTES_PER_UNIT: f64 = 5.0;

/// ora2pg's default `HUMAN_DAYS_LIMIT`: above it, a migration needing code rewrite is
/// level C rather than B.
pub const HUMAN_DAYS_LIMIT: u32 = 5;

/// The weight of each keyword, from ora2pg's `%UNCOVERED_SCORE`; sorted by keyword.
const WEIGHTS: &[(&str, f64)] = &[
    ("'J'", 2.0),
    ("'SSSSS'", 2.0),
    ("ADD_MONTHS", 0.1),
    ("ANYDATA", 2.0),
    ("BULK COLLECT", 5.0),
    ("COMMIT", 1.0),
    ("CONCAT", 0.1),
    ("CONNECT BY", 3.0),
    ("CONTAINS", 1.0),
    ("CTX_", 3.0),
    ("CURSOR", 1.0),
    ("DBLINK", 1.0),
    ("DBMS_", 3.0),
    ("DBMS_OUTPUT.put", 1.0),
    ("EXCEPTION", 2.0),
    ("EXTRACT", 3.0),
    ("FORALL", 1.0),
    ("GOTO", 2.0),
    ("HTP", 0.2),
    ("IS RECORD", 1.0),
    ("IS TABLE OF", 4.0),
    ("ISOPEN", 1.0),
    ("JSON", 3.0),
    ("LAST_DAY", 1.0),
    ("MDSYS", 1.0),
    ("MERGE INTO", 3.0),
    ("MONTHS_BETWEEN", 1.0),
    ("NEXT_DAY", 1.0),
    ("NOTFOUND", 0.0),
    ("NVL2", 0.0),
    ("ORA_ROWSCN", 3.0),
    ("OUTER JOIN", 2.0),
    ("PIPE ROW", 1.0),
    ("PRAGMA", 3.0),
    ("REGEXP_COUNT", 0.2),
    ("REGEXP_INSTR", 1.0),
    ("REGEXP_LIKE", 0.1),
    ("REGEXP_SUBSTR", 1.0),
    ("ROWCOUNT", 1.0),
    ("ROWID", 2.0),
    ("ROWNUM", 1.0),
    ("SAVEPOINT", 1.0),
    ("SDO_", 3.0),
    ("SQLCODE", 1.0),
    ("TABLE", 2.0),
    ("TG_OP", 0.0),
    ("TIMEZONE", 1.0),
    ("TO_CHAR", 0.1),
    ("TO_CLOB", 0.1),
    ("TO_NCHAR", 0.1),
    ("TO_NUMBER", 0.1),
    ("TRUNC", 0.1),
    ("UROWID", 2.0),
    ("UTL_", 3.0),
    ("WHEN OTHERS", 10.0),
    ("XMLTYPE", 3.0),
];

/// Oracle functions that cost one unit per routine using them, however often
/// (ora2pg's `@ORA_FUNCTIONS`); sorted. ora2pg's list has `TO_CLOB` too, which it
/// also prices as a keyword; here it is only the keyword.
const ORA_FUNCTIONS: &[&str] = &[
    "ASCIISTR",
    "BFILENAME",
    "BIN_TO_NUM",
    "BITAND",
    "CARDINALITY",
    "CHARTOROWID",
    "COMPOSE",
    "DBTIMEZONE",
    "DECOMPOSE",
    "DUMP",
    "FROM_TZ",
    "GET_ENV",
    "GROUP_ID",
    "HEXTORAW",
    "LNNVL",
    "MEDIAN",
    "NANVL",
    "NEW_TIME",
    "NUMTODSINTERVAL",
    "NUMTOYMINTERVAL",
    "RAWTOHEX",
    "REMAINDER",
    "SESSIONTIMEZONE",
    "SYS_CONTEXT",
    "TO_DSINTERVAL",
    "TO_LOB",
    "TO_MULTI_BYTE",
    "TO_NCLOB",
    "TO_SINGLE_BYTE",
    "TO_YMINTERVAL",
    "TZ_OFFSET",
    "UID",
    "USERENV",
    "VSIZE",
];

/// Methods of XMLTYPE that ora2pg prices like XMLTYPE itself when called.
const XML_METHODS: &[&str] = &[
    "CREATENONSCHEMABASEDXML",
    "CREATESCHEMABASEDXML",
    "CREATEXML",
    "EXISTSNODE",
    "GETNAMESPACE",
    "GETROOTELEMENT",
    "GETSCHEMAURL",
    "ISFRAGMENT",
    "ISSCHEMABASED",
    "ISSCHEMAVALID",
    "ISSCHEMAVALIDATED",
    "SCHEMAVALIDATE",
    "SETSCHEMAVALIDATED",
    "TOOBJECT",
    "TRANSFORM",
    "XMLTYPE",
];

/// Predefined exceptions that ora2pg prices (`EXCEPTION`); sorted.
const PRICED_EXCEPTIONS: &[&str] = &[
    "ACCESS_INTO_NULL",
    "COLLECTION_IS_NULL",
    "CURSOR_ALREADY_OPEN",
    "DUP_VAL_ON_INDEX",
    "INVALID_NUMBER",
    "LOGIN_DENIED",
    "NOT_LOGGED_ON",
    "PROGRAM_ERROR",
    "ROWTYPE_MISMATCH",
    "TIMEOUT_ON_RESOURCE",
    "TRANSACTION_BACKED_OUT",
    "VALUE_ERROR",
];

/// The cost of `object` by ora2pg's model. Like feature detection, it reads the
/// object's tokens, so it runs on a fresh scan, not on a cached object.
pub fn of(object: &Object) -> Ora2pgCost {
    let mut cost = Ora2pgCost { object_score: object_score(object), ..Ora2pgCost::default() };
    let mut counts: BTreeMap<&'static str, u32> = BTreeMap::new();
    for routine in routines(object) {
        cost.routines += 1;
        cost.test_and_size += 2.0 + routine.size_units();
        count_keywords(routine.tokens, &mut counts);
    }
    if matches!(object.kind, ObjectKind::View) && object.unit.is_some() {
        // Views are priced on their keywords only: no testing, no size.
        count_keywords(&object.tokens, &mut counts);
    }
    cost.keywords = counts
        .into_iter()
        .filter(|&(_, count)| count > 0)
        .map(|(keyword, count)| KeywordCost {
            keyword: keyword.to_owned(),
            count,
            units: f64::from(count) * weight(keyword),
        })
        .collect();
    cost.has_costed_keywords = !cost.keywords.is_empty();
    cost.units =
        cost.object_score + cost.test_and_size + cost.keywords.iter().map(|k| k.units).sum::<f64>();
    cost
}

/// ora2pg's `%OBJECT_SCORE` for the object's type.
fn object_score(object: &Object) -> f64 {
    match object.kind {
        ObjectKind::Function
        | ObjectKind::Procedure
        | ObjectKind::Trigger
        | ObjectKind::TypeSpec
        | ObjectKind::View => 1.0,
        ObjectKind::PackageBody | ObjectKind::MaterializedView => 3.0,
        ObjectKind::TypeBody => 10.0,
        ObjectKind::Table if is_global_temporary(&object.tokens) => 10.0,
        ObjectKind::Table | ObjectKind::Index | ObjectKind::Sequence | ObjectKind::Synonym => 0.1,
        // ora2pg knows no package spec score, and nothing of Java or libraries.
        ObjectKind::PackageSpec | ObjectKind::JavaSource | ObjectKind::Library => 0.0,
    }
}

fn is_global_temporary(tokens: &[Tok]) -> bool {
    tokens.windows(2).take(6).any(|w| is_word(&w[0], "GLOBAL") && is_word(&w[1], "TEMPORARY"))
}

fn weight(keyword: &str) -> f64 {
    match WEIGHTS.binary_search_by(|(k, _)| k.cmp(&keyword)) {
        Ok(i) => WEIGHTS[i].1,
        // An Oracle function of `ORA_FUNCTIONS`.
        Err(_) => 1.0,
    }
}

/// One routine ora2pg prices on its own: its tokens and the bytes it spans.
struct Routine<'a> {
    tokens: &'a [Tok],
    /// Characters of code: the span less the comments inside it.
    length: u32,
}

impl Routine<'_> {
    /// One unit per 1,000 characters, rounded down, at least one.
    fn size_units(&self) -> f64 {
        f64::from((self.length / 1000).max(1))
    }
}

/// The routines of `object`: the object itself for a function, procedure or
/// trigger, each subprogram for a package body.
fn routines(object: &Object) -> Vec<Routine<'_>> {
    let comments: &[Comment] = object.unit.as_ref().map_or(&[], |u| &u.comments);
    match object.kind {
        ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Trigger => {
            match (object.tokens.first(), object.tokens.last()) {
                (Some(first), Some(last)) if object.unit.is_some() => {
                    let span = first.span.to(last.span);
                    vec![Routine { tokens: &object.tokens, length: code_length(span, comments) }]
                }
                // Wrapped or not tokenized: its size is unknown.
                _ => vec![Routine { tokens: &[], length: 0 }],
            }
        }
        ObjectKind::PackageBody => {
            let Some(UnitItem::PackageBody(p)) = object.unit.as_ref().map(|u| &u.item) else {
                return Vec::new();
            };
            let mut spans = Vec::new();
            subprogram_spans(&p.declarations, &mut spans);
            spans
                .into_iter()
                .map(|span| Routine {
                    tokens: tokens_within(&object.tokens, span),
                    length: code_length(span, comments),
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The spans of the subprograms with a body among `declarations`.
fn subprogram_spans(declarations: &[Declaration], spans: &mut Vec<Span>) {
    for d in declarations {
        match &d.item {
            DeclarationItem::Subprogram(s) if matches!(s.body, Some(SubprogramBody::Block(_))) => {
                spans.push(s.span)
            }
            DeclarationItem::Conditional(c) => {
                for (_, branch) in &c.branches {
                    subprogram_spans(branch, spans);
                }
                subprogram_spans(c.otherwise.as_deref().unwrap_or_default(), spans);
            }
            _ => {}
        }
    }
}

fn tokens_within(tokens: &[Tok], span: Span) -> &[Tok] {
    let start = tokens.partition_point(|t| t.span.start < span.start);
    let end = tokens.partition_point(|t| t.span.start < span.end);
    &tokens[start..end.max(start)]
}

/// The bytes of `span` that are not comments (ora2pg removes them before measuring).
fn code_length(span: Span, comments: &[Comment]) -> u32 {
    let commented: u32 = comments
        .iter()
        .filter(|c| c.span.start >= span.start && c.span.end <= span.end)
        .map(|c| c.span.end - c.span.start)
        .sum();
    (span.end - span.start).saturating_sub(commented)
}

/// Adds the keywords of `tokens` to `counts`.
fn count_keywords(tokens: &[Tok], counts: &mut BTreeMap<&'static str, u32>) {
    let mut after_from = false;
    let mut functions_seen: Vec<&'static str> = Vec::new();
    for i in 0..tokens.len() {
        match &tokens[i].token {
            Token::SemiColon => after_from = false,
            Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("FROM") => {
                after_from = true
            }
            _ => {}
        }
        // Every token is looked at: its word in capitals goes on the stack.
        let mut buf = [0u8; 64];
        let upper = word(tokens, i).map(|w| capitals(w, &mut buf));
        if let Some(keyword) = keyword_at(tokens, i, upper.as_deref(), after_from) {
            *counts.entry(keyword).or_default() += 1;
        }
        if let Some(f) = upper.as_deref().and_then(ora_function) {
            if !functions_seen.contains(&f) {
                functions_seen.push(f);
            }
        }
    }
    for f in functions_seen {
        *counts.entry(f).or_default() += 1;
    }
}

fn ora_function(upper: &str) -> Option<&'static str> {
    ORA_FUNCTIONS.binary_search(&upper).ok().map(|i| ORA_FUNCTIONS[i])
}

/// `word` in ASCII capitals, in `buf` when it fits (every keyword does).
fn capitals<'b>(word: &str, buf: &'b mut [u8; 64]) -> std::borrow::Cow<'b, str> {
    match buf.get_mut(..word.len()) {
        Some(out) => {
            out.copy_from_slice(word.as_bytes());
            out.make_ascii_uppercase();
            // ASCII case changes keep UTF-8 valid.
            std::borrow::Cow::Borrowed(std::str::from_utf8(out).unwrap_or_default())
        }
        None => std::borrow::Cow::Owned(word.to_ascii_uppercase()),
    }
}

/// The unquoted word at `i`.
fn word(tokens: &[Tok], i: usize) -> Option<&str> {
    match tokens.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(&w.value),
        _ => None,
    }
}

fn is_word(tok: &Tok, keyword: &str) -> bool {
    match &tok.token {
        Token::Word(w) => w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword),
        _ => false,
    }
}

fn word_is(tokens: &[Tok], i: usize, keyword: &str) -> bool {
    tokens.get(i).is_some_and(|t| is_word(t, keyword))
}

fn token_is(tokens: &[Tok], i: usize, token: &Token) -> bool {
    tokens.get(i).is_some_and(|t| t.token == *token)
}

/// The priced keyword that starts at token `i`, if any. `upper` is the token's word
/// in capitals, if it is a word; `after_from` says whether a `FROM` came earlier in
/// the statement.
fn keyword_at(
    tokens: &[Tok],
    i: usize,
    upper: Option<&str>,
    after_from: bool,
) -> Option<&'static str> {
    let tok = &tokens[i].token;
    match tok {
        Token::StringConcat => return Some("CONCAT"),
        Token::LParen
            if token_is(tokens, i + 1, &Token::Plus) && token_is(tokens, i + 2, &Token::RParen) =>
        {
            return Some("OUTER JOIN")
        }
        Token::Mod => {
            return match word(tokens, i + 1).map(str::to_ascii_uppercase).as_deref() {
                Some("ISOPEN") => Some("ISOPEN"),
                Some("ROWCOUNT") => Some("ROWCOUNT"),
                _ => None,
            }
        }
        // `TO_CHAR(d, 'J')`: a format ora2pg says needs rewriting.
        Token::Comma if token_is(tokens, i + 2, &Token::RParen) => {
            return match tokens.get(i + 1).map(|t| &t.token) {
                Some(Token::SingleQuotedString(s)) if s.eq_ignore_ascii_case("J") => Some("'J'"),
                Some(Token::SingleQuotedString(s)) if s.eq_ignore_ascii_case("SSSSS") => {
                    Some("'SSSSS'")
                }
                _ => None,
            }
        }
        _ => {}
    }
    let upper = upper?;
    let call = token_is(tokens, i + 1, &Token::LParen);
    let next = |k: &str| word_is(tokens, i + 1, k);
    let keyword = match upper {
        "IS" if next("TABLE") && word_is(tokens, i + 2, "OF") => "IS TABLE OF",
        "IS" if next("RECORD") => "IS RECORD",
        "IS" if next("JSON") || (next("NOT") && word_is(tokens, i + 2, "JSON")) => "JSON",
        "CONNECT" if next("BY") => "CONNECT BY",
        "BULK" if next("COLLECT") => "BULK COLLECT",
        "MERGE" if next("INTO") => "MERGE INTO",
        "PIPE" if next("ROW") => "PIPE ROW",
        "REF" if next("CURSOR") => "CURSOR",
        "SYS_REFCURSOR" => "CURSOR",
        "WHEN" if next("OTHERS") && word_is(tokens, i + 2, "THEN") => "WHEN OTHERS",
        "FORALL" | "GOTO" | "ROWNUM" | "NOTFOUND" | "ROWID" | "UROWID" | "SQLCODE"
        | "SAVEPOINT" | "ORA_ROWSCN" | "ANYDATA" | "ADD_MONTHS" | "LAST_DAY" | "NEXT_DAY"
        | "MONTHS_BETWEEN" | "REGEXP_LIKE" | "REGEXP_SUBSTR" | "REGEXP_COUNT" | "REGEXP_INSTR"
        | "NVL2" => keyword_name(upper),
        _ if PRICED_EXCEPTIONS.binary_search(&upper).is_ok() => "EXCEPTION",
        "COMMIT" if !(i > 0 && word_is(tokens, i - 1, "ON")) => "COMMIT",
        "INSERTING" | "UPDATING" | "DELETING" => "TG_OP",
        "TIMEZONE_REGION" | "TIMEZONE_ABBR" => "TIMEZONE",
        "TABLE" if call && after_from => "TABLE",
        "TRUNC" | "TO_NUMBER" | "EXTRACT" | "CONTAINS" if call => keyword_name(upper),
        "TO_CHAR" | "TO_NCHAR" | "TO_CLOB" if call && single_argument(tokens, i + 1) => {
            keyword_name(upper)
        }
        "PRAGMA" => {
            let ignored = ["RESTRICT_REFERENCES", "SERIALLY_REUSABLE", "INLINE"];
            if ignored.iter().any(|p| next(p)) {
                return None;
            }
            "PRAGMA"
        }
        "DBMS_OUTPUT" if token_is(tokens, i + 1, &Token::Period) => {
            // ora2pg converts PUT_LINE and NEW_LINE itself and prices only PUT.
            match word(tokens, i + 2).map(str::to_ascii_uppercase).as_deref() {
                Some("PUT") => "DBMS_OUTPUT.put",
                Some("PUT_LINE" | "NEW_LINE") => return None,
                _ => "DBMS_",
            }
        }
        "MDSYS" if token_is(tokens, i + 1, &Token::Period) => "MDSYS",
        "HTP" | "HTF" if token_is(tokens, i + 1, &Token::Period) => "HTP",
        _ if call && XML_METHODS.contains(&upper) => "XMLTYPE",
        _ if upper.contains('@') && !upper.starts_with('@') => "DBLINK",
        _ if upper.len() > 5 && upper.starts_with("DBMS_") => "DBMS_",
        _ if upper.len() > 4 && upper.starts_with("UTL_") => "UTL_",
        _ if upper.len() > 4 && upper.starts_with("CTX_") => "CTX_",
        _ if upper.len() > 4 && upper.starts_with("SDO_") => "SDO_",
        _ => return None,
    };
    Some(keyword)
}

/// The `'static` name of a keyword spelled like its word.
fn keyword_name(upper: &str) -> &'static str {
    WEIGHTS.iter().find(|(k, _)| *k == upper).map(|(k, _)| *k).expect("a keyword of WEIGHTS")
}

/// Whether the parenthesis at `open` holds one argument with no parenthesis inside
/// (ora2pg's `TO_CHAR\([^,\)]+\)`).
fn single_argument(tokens: &[Tok], open: usize) -> bool {
    let mut i = open + 1;
    while let Some(t) = tokens.get(i) {
        match t.token {
            Token::RParen => return i > open + 1,
            Token::Comma | Token::LParen => return false,
            _ => i += 1,
        }
    }
    false
}

/// ora2pg's person-days for a total of `units`: rounded up, at least one when there is
/// any cost.
pub fn person_days(units: f64) -> u32 {
    if units <= 0.0 {
        return 0;
    }
    (units / UNITS_PER_DAY).ceil().max(1.0) as u32
}

/// ora2pg's migration level of an estate: a difficulty from 1 to 5 and a letter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationLevel {
    /// 1 trivial (no code), 2 triggers only, 3 stored code without costed keywords,
    /// 4 triggers or views with costed keywords, 5 stored code with costed keywords.
    pub difficulty: u8,
    /// A: automatic; B: code rewrite up to [`HUMAN_DAYS_LIMIT`] person-days; C: more.
    pub letter: char,
}

impl fmt::Display for MigrationLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.letter, self.difficulty)
    }
}

/// The migration level ora2pg's report would give an estate of `objects`, each with
/// its kind and its cost.
pub fn migration_level<'a>(
    objects: impl IntoIterator<Item = (ObjectKind, &'a Ora2pgCost)>,
) -> MigrationLevel {
    let (mut stored, mut triggers, mut stored_kw, mut trigger_kw, mut view_kw) =
        (false, false, false, false, false);
    let mut total = 0.0;
    for (kind, cost) in objects {
        total += cost.units;
        let keywords = cost.has_costed_keywords;
        match kind {
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::PackageBody => {
                stored = true;
                stored_kw |= keywords;
            }
            ObjectKind::Trigger => {
                triggers = true;
                trigger_kw |= keywords;
            }
            ObjectKind::View => view_kw |= keywords,
            _ => {}
        }
    }
    let mut difficulty = if stored { 3 } else { 1 };
    if difficulty < 3 && triggers {
        difficulty += 1;
    }
    if difficulty < 3 && trigger_kw {
        difficulty = 4;
    }
    if difficulty <= 3 && view_kw {
        difficulty = 4;
    }
    if difficulty >= 3 && stored_kw {
        difficulty = 5;
    }
    let letter = match difficulty {
        0..=3 => 'A',
        _ if person_days(total) > HUMAN_DAYS_LIMIT => 'C',
        _ => 'B',
    };
    MigrationLevel { difficulty, letter }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost_of(text: &str) -> Ora2pgCost {
        let objects = crate::plsql::scan_file("t.sql", text.as_bytes(), None).objects;
        of(&objects[0])
    }

    fn count(cost: &Ora2pgCost, keyword: &str) -> u32 {
        cost.keywords.iter().find(|k| k.keyword == keyword).map_or(0, |k| k.count)
    }

    #[test]
    fn lookup_tables_are_sorted() {
        // `weight` and the exception and function lookups search them by bisection.
        assert!(WEIGHTS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(ORA_FUNCTIONS.windows(2).all(|w| w[0] < w[1]));
        assert!(PRICED_EXCEPTIONS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn every_keyword_spelled_like_its_word_has_a_weight() {
        let cost = cost_of(
            "CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n\
             x := TRUNC(d) + TO_NUMBER(s) + EXTRACT(YEAR FROM d) + LENGTH(TO_CHAR(d))\n\
             + LENGTH(TO_NCHAR(d)) + LENGTH(TO_CLOB(s)) + ADD_MONTHS(d, 1) - LAST_DAY(d)\n\
             - NEXT_DAY(d, 'MON') + MONTHS_BETWEEN(d, e) + NVL2(a, b, c) + ROWNUM;\n\
             IF REGEXP_LIKE(s, 'a') OR REGEXP_SUBSTR(s, 'a') IS NULL OR REGEXP_COUNT(s, 'a') > 0\n\
             OR REGEXP_INSTR(s, 'a') > 0 OR c%NOTFOUND OR SQLCODE = 1 THEN GOTO l; END IF;\n\
             SELECT ROWID, ORA_ROWSCN INTO r, n FROM t WHERE CONTAINS(c, 'x') > 0;\n\
             SAVEPOINT s; FORALL i IN 1 .. 2 DELETE t WHERE u = UROWID; v ANYDATA;\n\
             <<l>> NULL;\nEND;\n/\n",
        );
        for keyword in [
            "TRUNC",
            "TO_NUMBER",
            "EXTRACT",
            "TO_CHAR",
            "TO_NCHAR",
            "TO_CLOB",
            "ADD_MONTHS",
            "LAST_DAY",
            "NEXT_DAY",
            "MONTHS_BETWEEN",
            "NVL2",
            "ROWNUM",
            "REGEXP_LIKE",
            "REGEXP_SUBSTR",
            "REGEXP_COUNT",
            "REGEXP_INSTR",
            "NOTFOUND",
            "SQLCODE",
            "GOTO",
            "ROWID",
            "ORA_ROWSCN",
            "CONTAINS",
            "SAVEPOINT",
            "FORALL",
            "UROWID",
            "ANYDATA",
        ] {
            assert_eq!(count(&cost, keyword), 1, "{keyword}");
        }
    }

    #[test]
    fn to_char_with_a_format_is_not_priced() {
        let cost = cost_of(
            "CREATE OR REPLACE FUNCTION f RETURN VARCHAR2 IS\nBEGIN\n\
             RETURN TO_CHAR(SYSDATE, 'J') || TO_CHAR(n);\nEND;\n/\n",
        );
        assert_eq!(count(&cost, "TO_CHAR"), 1);
        assert_eq!(count(&cost, "'J'"), 1);
        assert_eq!(count(&cost, "CONCAT"), 1);
    }

    #[test]
    fn ignored_pragmas_and_on_commit_cost_nothing() {
        let cost = cost_of(
            "CREATE OR REPLACE PROCEDURE p IS\n\
             PRAGMA SERIALLY_REUSABLE;\nPRAGMA AUTONOMOUS_TRANSACTION;\nBEGIN\n\
             EXECUTE IMMEDIATE 'x';\nCOMMIT;\nEND;\n/\n",
        );
        assert_eq!(count(&cost, "PRAGMA"), 1);
        assert_eq!(count(&cost, "COMMIT"), 1);
        assert_eq!(cost.units, 1.0 + 2.0 + 1.0 + 3.0 + 1.0);
    }

    #[test]
    fn size_is_a_unit_per_thousand_characters_of_code() {
        let filler = "  x := x + 1;\n".repeat(150);
        let comment = format!("/*{}*/\n", "c".repeat(3000));
        let text = format!("CREATE OR REPLACE PROCEDURE p IS\nBEGIN\n{comment}{filler}END;\n/\n");
        let cost = cost_of(&text);
        // About 2,100 characters of code; the 3,000 of comment do not count.
        assert_eq!(cost.test_and_size, 2.0 + 2.0);
    }
}
