//! The names one object calls, reads, writes and references, before resolution.
//!
//! Calls are read from call statements and from the tokens of expressions,
//! conditions, defaults and embedded SQL: a name followed by `(`, and in PL/SQL a
//! dotted name without parentheses (a parameterless `pkg.fn`, or a package
//! variable: the resolver tells them apart). Names declared in the object
//! (variables, parameters, cursors, loop records, types, exceptions) are local and
//! are not references; its own subprograms are calls by their bare name, so the
//! resolver can match them against the package's members. Oracle's built-ins stay
//! in ([`super::builtins::is_builtin`] tells them), but SQL keywords that take
//! parentheses (`IN (`, `EXISTS (`, `CAST (`) and data types (`VARCHAR2(10)`) are
//! not calls.
//!
//! Reads and writes come from the embedded SQL statements, one use per statement.
//! References are `%TYPE` and `%ROWTYPE` anchors, sequences (`seq.NEXTVAL`), data
//! types naming a user type, and the table or view a trigger is defined on: a
//! trigger depends on its table's existence and shape without reading it, and
//! the supertype a subtype is declared `UNDER`.
//!
//! Scoping is per object, not per block: a name declared anywhere in the object is
//! local everywhere in it. A bare name without parentheses (`v := f;`) is taken for a
//! variable, so parameterless calls without a package prefix are missed. Inside SQL
//! only names followed by `(` are calls, since `alias.column` is far more common
//! than `pkg.fn` there.

use std::collections::{BTreeMap, HashSet};

use sqlparser::tokenizer::Token;

use super::builtins::is_builtin_type;
use super::walk::{self, tokens_in, Role, Routine, Visitor};
use super::{RefKind, Reference};
use crate::plsql::ast::{
    Declaration, DeclarationItem, Fragment, Ident, LoopKind, SqlKind, SqlStatement, Statement,
    StatementItem, TypeKind, UnitItem,
};
use crate::plsql::lexer::Tok;
use crate::plsql::Object;

/// Words that may be followed by `(` without being a call.
pub(super) static KEYWORDS: &[&str] = &[
    "ALL",
    "AND",
    "ANY",
    "AS",
    "BETWEEN",
    "BY",
    "CASE",
    "CAST",
    "CONNECT",
    "CURSOR",
    "DISTINCT",
    "ELSE",
    "ELSIF",
    "END",
    "EXCEPT",
    "EXISTS",
    "FOR",
    "FROM",
    "GROUP",
    "IF",
    "IN",
    "INSERT",
    "INTERSECT",
    "INTO",
    "IS",
    "JOIN",
    "KEEP",
    "LIKE",
    "LOOP",
    "MEASURES",
    "MINUS",
    "MULTISET",
    "NOT",
    "NULL",
    "OF",
    "ON",
    "OR",
    "ORDER",
    "OVER",
    "PARTITION",
    "PIVOT",
    "PRIOR",
    "RETURN",
    "RETURNING",
    "ROW",
    "SELECT",
    "SET",
    "SOME",
    "TABLE",
    "THE",
    "THEN",
    "UNION",
    "UNPIVOT",
    "USING",
    "VALUE",
    "VALUES",
    "WHEN",
    "WHERE",
    "WHILE",
    "WITH",
    "WITHIN",
];

/// Words of data type syntax that are not type names.
static TYPE_WORDS: &[&str] = &[
    "ARRAY",
    "AS",
    "BY",
    "BYTE",
    "CONSTANT",
    "CURSOR",
    "DAY",
    "DEFAULT",
    "FINAL",
    "INDEX",
    "INSTANTIABLE",
    "IS",
    "LOCAL",
    "MONTH",
    "NOCOPY",
    "NOT",
    "NULL",
    "OBJECT",
    "OF",
    "PRECISION",
    "RANGE",
    "RECORD",
    "REF",
    "RESULT",
    "RETURN",
    "SECOND",
    "SELF",
    "SET",
    "TABLE",
    "TIME",
    "TO",
    "VARRAY",
    "VARYING",
    "WITH",
    "YEAR",
    "ZONE",
];

/// Words the token reading of DDL takes for tables (`USING INDEX`, `FROM TABLE(x)`).
static NOT_TABLES: &[&str] = &["INDEX", "TABLE"];

/// Words after which a name in SQL is a table, not a call.
static TABLE_BEFORE: &[&str] = &["FROM", "INTO", "JOIN", "UPDATE", "USING"];

/// The references of `object`, one entry per (kind, target).
pub fn extract(object: &Object) -> Vec<Reference> {
    let mut refs =
        Refs { tokens: &object.tokens, locals: Locals::of(object), found: BTreeMap::new() };
    walk::walk(object, &mut refs);
    // A trigger depends on its table, a subtype on its supertype: neither
    // is read from a statement.
    let structural = match object.unit.as_ref().map(|u| &u.item) {
        Some(UnitItem::Trigger(t)) => t.target.as_ref(),
        Some(UnitItem::TypeSpec(t)) => t.under.as_ref(),
        _ => None,
    };
    if let Some(target) = structural {
        refs.add(RefKind::References, target.canonical(), target.span.line);
    }
    // A type naming itself (a method's parameter of its own type) depends on nothing.
    let own = [object.name.clone(), object.qualified_name()];
    refs.found
        .into_iter()
        .filter(|((kind, target), _)| *kind != RefKind::References || !own.contains(target))
        .map(|((kind, target), mut lines)| {
            lines.sort_unstable();
            Reference { kind, target, lines }
        })
        .collect()
}

/// Names declared in the object, canonical.
#[derive(Default)]
pub(super) struct Locals {
    /// Everything that is not a subprogram: variables, constants, parameters,
    /// cursors, loop indexes and records, exceptions, types. A name whose first part
    /// is one of them is no call and no reference.
    pub(super) values: HashSet<String>,
    /// Types and subtypes, which data types may name.
    types: HashSet<String>,
    /// Local record and collection types.
    composite_types: HashSet<String>,
    /// Variables holding a row or a collection (`%ROWTYPE`, a local record or
    /// collection type): assigning one is fetching, not computing.
    pub(super) composites: HashSet<String>,
}

impl Locals {
    pub(super) fn of(object: &Object) -> Locals {
        let mut locals = Locals::default();
        let pseudo: &[&str] = match object.unit.as_ref().map(|u| &u.item) {
            Some(UnitItem::Trigger(t)) => {
                locals.values.extend(t.clauses.iter().flat_map(|c| referencing_names(&c.text)));
                &["NEW", "OLD", "PARENT"]
            }
            Some(UnitItem::TypeSpec(_) | UnitItem::TypeBody(_)) => &["SELF"],
            _ => &[],
        };
        locals.values.extend(pseudo.iter().map(|s| s.to_string()));
        walk::walk(object, &mut locals);
        locals
    }

    fn add(&mut self, name: &Ident) {
        self.values.insert(name.canonical());
    }

    fn add_type(&mut self, name: &Ident) {
        self.add(name);
        self.types.insert(name.canonical());
    }

    fn is_local(&self, first_part: &str) -> bool {
        self.values.contains(first_part)
    }
}

impl<'a> Visitor<'a> for Locals {
    fn enter_routine(&mut self, routine: Routine<'a>, _: &walk::Context<'a>) {
        if let Routine::Subprogram(s) = routine {
            s.parameters.iter().for_each(|p| self.add(&p.name));
        }
    }

    fn declaration(&mut self, declaration: &'a Declaration, _: &walk::Context<'a>) {
        match &declaration.item {
            DeclarationItem::Variable { name, datatype, .. } => {
                let datatype = datatype.text.trim().to_uppercase();
                if datatype.ends_with("%ROWTYPE") || self.composite_types.contains(&datatype) {
                    self.composites.insert(name.canonical());
                }
                self.add(name);
            }
            DeclarationItem::Exception { name } => self.add(name),
            DeclarationItem::Cursor { name, parameters, .. } => {
                self.add(name);
                parameters.iter().for_each(|p| self.add(&p.name));
            }
            DeclarationItem::Type { name, kind, .. } => {
                if !matches!(kind, TypeKind::RefCursor | TypeKind::Other) {
                    self.composite_types.insert(name.canonical());
                }
                self.add_type(name);
            }
            DeclarationItem::Subtype { name, .. } => self.add_type(name),
            _ => {}
        }
    }

    fn statement(&mut self, statement: &'a Statement, _: &walk::Context<'a>) {
        match &statement.item {
            StatementItem::Loop { kind: LoopKind::Range { index, .. }, .. }
            | StatementItem::Loop { kind: LoopKind::Cursor { record: index, .. }, .. }
            | StatementItem::Forall { index, .. } => self.add(index),
            _ => {}
        }
    }
}

/// The aliases a trigger's `REFERENCING OLD AS o NEW AS n` clause gives.
fn referencing_names(clause: &str) -> Vec<String> {
    let words: Vec<String> = clause.split_whitespace().map(str::to_uppercase).collect();
    if words.first().map(String::as_str) != Some("REFERENCING") {
        return Vec::new();
    }
    let mut names = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if matches!(w.as_str(), "OLD" | "NEW" | "PARENT") {
            let skip = usize::from(words.get(i + 1).is_some_and(|n| n == "AS"));
            names.extend(words.get(i + 1 + skip).cloned());
        }
    }
    names
}

struct Refs<'a> {
    tokens: &'a [Tok],
    locals: Locals,
    found: BTreeMap<(RefKind, String), Vec<u32>>,
}

impl Refs<'_> {
    fn add(&mut self, kind: RefKind, target: String, line: u32) {
        self.found.entry((kind, target)).or_default().push(line);
    }

    /// Calls, `%TYPE` anchors and sequences in the tokens of an expression or of an
    /// SQL statement (`sql` set).
    fn scan_code(&mut self, toks: &[Tok], sql: Option<&SqlStatement>) {
        let aliases = if sql.is_some() { column_qualifiers(toks) } else { HashSet::new() };
        let mut i = 0;
        while i < toks.len() {
            let Some(name) = Name::at(toks, i) else {
                i += 1;
                continue;
            };
            i = name.end;
            let first = &name.parts[0];
            let next = toks.get(name.end).map(|t| &t.token);
            if let Some(attribute) = name.attribute {
                if (attribute == "TYPE" || attribute == "ROWTYPE") && !self.locals.is_local(first) {
                    self.add(RefKind::References, name.parts.join("."), name.line);
                }
                continue;
            }
            if let Some(sequence) = name.sequence() {
                self.add(RefKind::References, sequence, name.line);
                continue;
            }
            let call = match next {
                Some(Token::LParen) => !outer_join(toks, name.end) && !not_a_call(toks, &name, sql),
                _ => sql.is_none() && name.parts.len() > 1,
            };
            let method_on_alias = name.parts.len() > 1 && aliases.contains(first);
            if call && !self.locals.is_local(first) && !method_on_alias {
                self.add(RefKind::Calls, name.parts.join("."), name.line);
            }
        }
    }

    /// User types named in a data type or a type definition.
    fn scan_type(&mut self, toks: &[Tok], kind: Option<TypeKind>) {
        let fields = matches!(kind, Some(TypeKind::Record | TypeKind::Object));
        let (mut depth, mut field_name_next, mut in_default) = (0, false, false);
        let mut i = 0;
        while i < toks.len() {
            match &toks[i].token {
                Token::LParen => {
                    depth += 1;
                    field_name_next = fields && depth == 1;
                }
                Token::RParen => depth -= 1,
                Token::Comma if depth == 1 => {
                    field_name_next = fields;
                    in_default = false;
                }
                Token::Assignment if depth == 1 => in_default = true,
                Token::Word(w) if depth == 1 && w.value.eq_ignore_ascii_case("DEFAULT") => {
                    in_default = true
                }
                _ => {}
            }
            let Some(name) = Name::at(toks, i).filter(|_| !in_default) else {
                i += 1;
                continue;
            };
            i = name.end;
            if std::mem::take(&mut field_name_next) {
                continue;
            }
            let first = &name.parts[0];
            if name.attribute.is_some() {
                if !self.locals.is_local(first) {
                    self.add(RefKind::References, name.parts.join("."), name.line);
                }
                continue;
            }
            let single = name.parts.len() == 1;
            let syntax = single && (is_builtin_type(first) || TYPE_WORDS.contains(&first.as_str()));
            if !syntax && !self.locals.types.contains(first) && name.quoted_or_word() {
                self.add(RefKind::References, name.parts.join("."), name.line);
            }
        }
    }
}

impl<'a> Visitor<'a> for Refs<'a> {
    fn statement(&mut self, statement: &'a Statement, _: &walk::Context<'a>) {
        if let StatementItem::Call { name, .. } = &statement.item {
            let parts: Vec<String> = name.parts.iter().map(Ident::canonical).collect();
            if !self.locals.is_local(&parts[0]) {
                self.add(RefKind::Calls, parts.join("."), name.span.line);
            }
        }
    }

    fn fragment(&mut self, fragment: &'a Fragment, role: Role, _: &walk::Context<'a>) {
        let toks = tokens_in(self.tokens, fragment.span);
        match role {
            Role::Expression | Role::Condition => self.scan_code(toks, None),
            Role::DataType => self.scan_type(toks, None),
            Role::TypeDefinition(kind) => self.scan_type(toks, Some(kind)),
            Role::Pragma => {}
        }
    }

    fn sql(&mut self, sql: &'a SqlStatement, _: &walk::Context<'a>) {
        let toks = tokens_in(self.tokens, sql.span);
        let ctes = cte_names(toks);
        let line = sql.span.line;
        let keep = |name: &&String| {
            !NOT_TABLES.contains(&name.as_str())
                && !ctes.contains(*name)
                && !self.locals.is_local(name)
        };
        let reads: Vec<String> = sql.reads.iter().filter(keep).cloned().collect();
        let writes: Vec<String> = sql.writes.iter().filter(keep).cloned().collect();
        for name in reads {
            self.add(RefKind::Reads, name, line);
        }
        for name in writes {
            self.add(RefKind::Writes, name, line);
        }
        let ddl = matches!(
            sql.kind,
            SqlKind::CreateTable
                | SqlKind::CreateIndex
                | SqlKind::CreateSequence
                | SqlKind::CreateSynonym
                | SqlKind::Other
        );
        if !ddl {
            self.scan_code(toks, Some(sql));
        }
    }
}

/// A name in code: a word and its `.`-separated parts, with a `%attribute` after it.
struct Name {
    parts: Vec<String>,
    attribute: Option<String>,
    line: u32,
    /// The index of its first token.
    start: usize,
    /// The index of the first token after the name (and its attribute).
    end: usize,
    quoted: bool,
}

impl Name {
    /// The name starting at `toks[i]`, unless `toks[i]` is not a word or continues a
    /// name (`a.b`, `:NEW`, `%TYPE`) rather than starting one.
    fn at(toks: &[Tok], i: usize) -> Option<Name> {
        let Token::Word(w) = &toks[i].token else { return None };
        let prev = i.checked_sub(1).map(|p| &toks[p].token);
        if matches!(prev, Some(Token::Colon | Token::Period | Token::Mod)) {
            return None;
        }
        let mut parts = vec![canonical(w)];
        let mut quoted = w.quote_style.is_some();
        let mut end = i + 1;
        while let (Some(Token::Period), Some(Token::Word(w))) =
            (toks.get(end).map(|t| &t.token), toks.get(end + 1).map(|t| &t.token))
        {
            parts.push(canonical(w));
            quoted |= w.quote_style.is_some();
            end += 2;
        }
        let mut attribute = None;
        if let (Some(Token::Mod), Some(Token::Word(w))) =
            (toks.get(end).map(|t| &t.token), toks.get(end + 1).map(|t| &t.token))
        {
            attribute = Some(w.value.to_ascii_uppercase());
            end += 2;
        }
        Some(Name { parts, attribute, line: toks[i].span.line, start: i, end, quoted })
    }

    /// `seq` of `seq.NEXTVAL` or `schema.seq.CURRVAL`.
    fn sequence(&self) -> Option<String> {
        let (last, rest) = self.parts.split_last()?;
        let is_sequence = !rest.is_empty() && (last == "NEXTVAL" || last == "CURRVAL");
        is_sequence.then(|| rest.join("."))
    }

    /// Whether the name can be a user object's: quoted, or an identifier rather than
    /// a directive or substitution variable.
    fn quoted_or_word(&self) -> bool {
        self.quoted || self.parts.iter().all(|p| !p.starts_with(['$', '&']))
    }
}

fn canonical(word: &sqlparser::tokenizer::Word) -> String {
    if word.quote_style.is_some() {
        word.value.clone()
    } else {
        word.value.to_uppercase()
    }
}

/// Whether `name(` is syntax rather than a call: a keyword or data type, or in SQL a
/// table (`INSERT INTO t (cols)`).
fn not_a_call(toks: &[Tok], name: &Name, sql: Option<&SqlStatement>) -> bool {
    let joined = name.parts.join(".");
    if name.parts.len() == 1 && !name.quoted {
        let word = joined.as_str();
        if KEYWORDS.contains(&word) || is_builtin_type(word) {
            return true;
        }
    }
    let Some(sql) = sql else { return false };
    after_table_keyword(toks, name.start)
        || sql.reads.contains(&joined)
        || sql.writes.contains(&joined)
}

/// `col(+)`, Oracle's outer join marker, at `toks[open]`.
fn outer_join(toks: &[Tok], open: usize) -> bool {
    matches!(toks.get(open + 1).map(|t| &t.token), Some(Token::Plus))
        && matches!(toks.get(open + 2).map(|t| &t.token), Some(Token::RParen))
}

/// Names of a `WITH name AS (...)` list, read from the tokens so that they hold for
/// statements sqlparser did not parse.
fn cte_names(toks: &[Tok]) -> HashSet<String> {
    let word = |i: usize, k: &str| matches!(toks.get(i).map(|t| &t.token), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case(k));
    let mut names = HashSet::new();
    for i in 1..toks.len() {
        let after_list = word(i - 1, "WITH") || toks[i - 1].token == Token::Comma;
        let defined =
            word(i + 1, "AS") && matches!(toks.get(i + 2).map(|t| &t.token), Some(Token::LParen));
        if let (true, true, Token::Word(w)) = (after_list, defined, &toks[i].token) {
            names.insert(canonical(w));
        }
    }
    names
}

/// First parts of the dotted names without parentheses in an SQL statement: there
/// they are table aliases (`e.salary`), so `e.total()` is a method of a row, not a
/// package's function.
fn column_qualifiers(toks: &[Tok]) -> HashSet<String> {
    let mut found = HashSet::new();
    let mut i = 0;
    while i < toks.len() {
        let Some(name) = Name::at(toks, i) else {
            i += 1;
            continue;
        };
        let call = toks.get(name.end).is_some_and(|t| t.token == Token::LParen);
        if name.parts.len() > 1 && !call && name.attribute.is_none() {
            found.insert(name.parts[0].clone());
        }
        i = name.end;
    }
    found
}

/// Whether the word before `toks[i]` makes it a table in SQL.
fn after_table_keyword(toks: &[Tok], i: usize) -> bool {
    let prev = i.checked_sub(1).map(|p| &toks[p].token);
    matches!(prev, Some(Token::Word(w)) if TABLE_BEFORE.iter().any(|k| w.value.eq_ignore_ascii_case(k)))
}
