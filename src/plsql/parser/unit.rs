//! Whole objects: package specs and bodies, standalone subprograms, triggers, object
//! types and type bodies, views, and the DDL objects.

use sqlparser::tokenizer::Token;

use super::{PResult, Parser, Stops};
use crate::plsql::ast::{
    Attribute, Fragment, Package, QualifiedName, SqlPath, Subprogram, TimingPoint, Trigger,
    TriggerBody, TypeKind, TypeSpec, Unit, UnitItem, View,
};
use crate::plsql::lexer::{Lexed, Tok};
use crate::plsql::object::{ObjectKind, ParseError};
use crate::plsql::source::ScanStats;

/// What parsing one object gave.
pub struct Parsed {
    pub unit: Unit,
    pub errors: Vec<ParseError>,
    pub stats: ScanStats,
    /// The object's tokens, comments left out, for analyses that read expressions.
    pub tokens: Vec<Tok>,
}

/// The words that name each kind after `CREATE ... `.
fn kind_words(kind: ObjectKind) -> &'static [&'static str] {
    match kind {
        ObjectKind::PackageSpec => &["PACKAGE"],
        ObjectKind::PackageBody => &["PACKAGE", "BODY"],
        ObjectKind::Procedure => &["PROCEDURE"],
        ObjectKind::Function => &["FUNCTION"],
        ObjectKind::Trigger => &["TRIGGER"],
        ObjectKind::TypeSpec => &["TYPE"],
        ObjectKind::TypeBody => &["TYPE", "BODY"],
        ObjectKind::View => &["VIEW"],
        ObjectKind::MaterializedView => &["MATERIALIZED", "VIEW"],
        ObjectKind::Table => &["TABLE"],
        ObjectKind::Sequence => &["SEQUENCE"],
        ObjectKind::Synonym => &["SYNONYM"],
        ObjectKind::Index => &["INDEX"],
        ObjectKind::JavaSource => &["JAVA"],
        ObjectKind::Library => &["LIBRARY"],
    }
}

/// Parses the tokens of one object of `kind` found in `text`.
pub fn parse_unit(text: &str, lexed: Lexed, kind: ObjectKind) -> Parsed {
    let Lexed { tokens, comments } = lexed;
    let mut parsed = parse_tokens(text, &tokens, kind);
    if !parsed.errors.is_empty() {
        // Directives placed mid-construct: try again on one variant of the code.
        if let Some(variant) = super::directives::one_variant(&tokens) {
            let retry = parse_tokens(text, &variant, kind);
            if retry.errors.len() < parsed.errors.len() {
                parsed = retry;
                parsed.unit.one_variant = true;
            }
        }
    }
    parsed.unit.comments = comments;
    parsed.stats.tokens = tokens.len() as u64;
    parsed.tokens = tokens;
    parsed
}

fn parse_tokens(text: &str, tokens: &[Tok], kind: ObjectKind) -> Parsed {
    let mut parser = Parser::new(text, tokens);
    let item = parser.unit_item(kind).unwrap_or_else(|error| {
        parser.errors.push(error);
        fallback_item(&mut parser, kind)
    });
    if !parser.at_end() && parser.errors.is_empty() {
        let error = parser.error_here("the end of the object");
        parser.errors.push(error);
    }
    let span = match (tokens.first(), tokens.last()) {
        (Some(first), Some(last)) => first.span.to(last.span),
        _ => Default::default(),
    };
    // A failure deep inside is met again by each enclosing construct at the same
    // token; one report is enough.
    parser.errors.dedup();
    let (errors, stats) = (parser.errors, parser.stats);
    let unit = Unit { span, comments: Vec::new(), one_variant: false, item };
    Parsed { unit, errors, stats, tokens: Vec::new() }
}

/// An item that keeps at least the object's name when its structure did not parse.
fn fallback_item(parser: &mut Parser, kind: ObjectKind) -> UnitItem {
    parser.pos = 0;
    let name = parser
        .object_name(kind)
        .unwrap_or_else(|_| QualifiedName { parts: Vec::new(), span: Default::default() });
    let package = Package {
        name,
        options: Vec::new(),
        declarations: Vec::new(),
        initialization: None,
        handlers: Vec::new(),
    };
    match kind {
        ObjectKind::PackageBody => UnitItem::PackageBody(package),
        ObjectKind::TypeBody => UnitItem::TypeBody(package),
        _ => UnitItem::PackageSpec(package),
    }
}

impl Parser<'_> {
    /// Skips `CREATE [OR REPLACE] [EDITIONABLE]...` and the kind words; reads the name.
    fn object_name(&mut self, kind: ObjectKind) -> PResult<QualifiedName> {
        let words = kind_words(kind);
        if self.eat_kw("CREATE") {
            while !self.at_end() && !self.at_kw(words[0]) {
                self.pos += 1;
            }
        }
        for word in words {
            self.expect_kw(word)?;
        }
        if kind == ObjectKind::JavaSource {
            self.expect_kw("SOURCE")?;
            self.expect_kw("NAMED")?;
        }
        if self.at_kw("IF") && self.at_kw_n(1, "NOT") && self.at_kw_n(2, "EXISTS") {
            self.pos += 3;
        }
        self.qualified()
    }

    fn unit_item(&mut self, kind: ObjectKind) -> PResult<UnitItem> {
        match kind {
            ObjectKind::PackageSpec | ObjectKind::PackageBody | ObjectKind::TypeBody => {
                let package = self.package(kind)?;
                Ok(match kind {
                    ObjectKind::PackageSpec => UnitItem::PackageSpec(package),
                    ObjectKind::PackageBody => UnitItem::PackageBody(package),
                    _ => UnitItem::TypeBody(package),
                })
            }
            ObjectKind::Procedure | ObjectKind::Function => {
                self.eat_create_prefix(kind);
                Ok(UnitItem::Subprogram(self.subprogram()?))
            }
            ObjectKind::Trigger => Ok(UnitItem::Trigger(self.trigger()?)),
            ObjectKind::TypeSpec => Ok(UnitItem::TypeSpec(self.type_spec()?)),
            ObjectKind::View | ObjectKind::MaterializedView => Ok(UnitItem::View(self.view(kind)?)),
            ObjectKind::JavaSource => {
                let name = self.object_name(kind)?;
                self.pos = self.toks.len();
                Ok(UnitItem::JavaSource { name: name.last().canonical() })
            }
            ObjectKind::Table
            | ObjectKind::Sequence
            | ObjectKind::Synonym
            | ObjectKind::Index
            | ObjectKind::Library => {
                let end = self.toks.len();
                self.pos = end;
                let ddl = crate::plsql::embedded_sql::analyse(self.text, &self.toks[..end]);
                match ddl.path {
                    SqlPath::Sqlparser => self.stats.ddl_by_sqlparser += 1,
                    SqlPath::TokenFallback => self.stats.ddl_by_fallback += 1,
                }
                Ok(UnitItem::Ddl(ddl))
            }
        }
    }

    /// Skips `CREATE ...` before a standalone subprogram, leaving `PROCEDURE`/`FUNCTION`.
    fn eat_create_prefix(&mut self, kind: ObjectKind) {
        if self.eat_kw("CREATE") {
            let word = kind_words(kind)[0];
            while !self.at_end() && !self.at_kw(word) {
                self.pos += 1;
            }
        }
    }

    /// Options between a name and `IS`/`AS`, as one fragment each.
    fn options_until_is(&mut self) -> Vec<Fragment> {
        let start = self.scan(Stops::words(&["IS", "AS"]));
        if start == self.pos {
            return Vec::new();
        }
        vec![self.fragment(start, self.pos)]
    }

    fn package(&mut self, kind: ObjectKind) -> PResult<Package> {
        let name = self.object_name(kind)?;
        let options = self.options_until_is();
        if !self.eat_kw("IS") {
            self.expect_kw("AS")?;
        }
        let declarations = self.declarations(&[]);
        let (mut initialization, mut handlers) = (None, Vec::new());
        if kind != ObjectKind::PackageSpec && self.eat_kw("BEGIN") {
            initialization = Some(self.statements());
            if self.eat_kw("EXCEPTION") {
                handlers = self.handlers()?;
            }
        }
        self.expect_kw("END")?;
        if !self.at_tok(&Token::SemiColon) && !self.at_end() {
            self.ident()?;
        }
        self.expect_semicolon()?;
        Ok(Package { name, options, declarations, initialization, handlers })
    }

    fn trigger(&mut self) -> PResult<Trigger> {
        let name = self.object_name(ObjectKind::Trigger)?;
        let timing_start = self.pos;
        if !self.eat_kw("BEFORE") && !self.eat_kw("AFTER") && !self.eat_kw("FOR") {
            self.expect_kw("INSTEAD")?;
            self.expect_kw("OF")?;
        }
        let timing = self.fragment(timing_start, self.pos).text.to_uppercase();
        let events = self.expr(Stops::words(&["ON"]), "trigger events")?;
        self.expect_kw("ON")?;
        let target = if self.eat_kw("DATABASE") || self.eat_kw("SCHEMA") {
            None
        } else {
            if self.eat_kw("NESTED") {
                self.expect_kw("TABLE")?;
                self.ident()?;
                self.expect_kw("OF")?;
            }
            Some(self.qualified()?)
        };
        const BODY: &[&str] = &["DECLARE", "BEGIN", "COMPOUND", "CALL"];
        const CLAUSES: &[&str] = &[
            "REFERENCING",
            "FOR",
            "FOLLOWS",
            "PRECEDES",
            "ENABLE",
            "DISABLE",
            "WHEN",
            "FORWARD",
            "REVERSE",
            "CROSSEDITION",
            "DECLARE",
            "BEGIN",
            "COMPOUND",
            "CALL",
        ];
        let (mut clauses, mut when, mut for_each_row) = (Vec::new(), None, false);
        while !self.at_end() && !self.at_any(BODY) {
            if self.eat_kw("WHEN") {
                when = Some(self.expr(Stops::words(BODY), "a condition")?);
                continue;
            }
            let start = self.pos;
            self.pos += 1;
            self.scan(Stops::words(CLAUSES));
            let clause = self.fragment(start, self.pos);
            for_each_row |= self.words_at(start, &["FOR", "EACH", "ROW"]);
            clauses.push(clause);
        }
        let body = self.trigger_body()?;
        Ok(Trigger { name, timing, events, target, clauses, for_each_row, when, body })
    }

    fn trigger_body(&mut self) -> PResult<TriggerBody> {
        if self.eat_kw("CALL") {
            let call = self.expr(Stops::default(), "a call")?;
            self.eat_tok(&Token::SemiColon);
            return Ok(TriggerBody::Call(call));
        }
        if self.eat_kw("COMPOUND") {
            self.expect_kw("TRIGGER")?;
            return self.compound_body();
        }
        let start = self.pos;
        self.eat_kw("DECLARE");
        let declarations = self.declarations(&[]);
        Ok(TriggerBody::Block(self.block_body(start, declarations)?))
    }

    fn compound_body(&mut self) -> PResult<TriggerBody> {
        const TIMING: &[&str] = &["BEFORE", "AFTER", "INSTEAD"];
        let declarations = self.declarations(TIMING);
        let mut sections = Vec::new();
        while self.at_any(TIMING) {
            let timing = self.expr(Stops::words(&["IS"]), "a timing point")?;
            self.expect_kw("IS")?;
            let start = self.pos;
            let local = self.declarations(&[]);
            let block = self.block_to_end(start, local)?;
            self.scan(Stops::default());
            self.expect_tok(&Token::SemiColon)?;
            sections.push(TimingPoint { timing, block });
        }
        self.expect_kw("END")?;
        if !self.at_tok(&Token::SemiColon) && !self.at_end() {
            self.ident()?;
        }
        self.expect_semicolon()?;
        Ok(TriggerBody::Compound { declarations, sections })
    }

    fn type_spec(&mut self) -> PResult<TypeSpec> {
        let name = self.object_name(ObjectKind::TypeSpec)?;
        let mut options = Vec::new();
        let start = self.scan(Stops::words(&["IS", "AS", "UNDER"]));
        if start < self.pos {
            options.push(self.fragment(start, self.pos));
        }
        let mut spec = TypeSpec {
            name,
            kind: TypeKind::Other,
            under: None,
            attributes: Vec::new(),
            methods: Vec::new(),
            definition: None,
            options,
        };
        if self.eat_kw("UNDER") {
            spec.under = Some(self.qualified()?);
            spec.kind = TypeKind::Object;
        } else {
            if !self.eat_kw("IS") {
                self.expect_kw("AS")?;
            }
            if self.eat_kw("OBJECT") {
                spec.kind = TypeKind::Object;
            } else {
                spec.kind = match self.word_at(0).map(str::to_ascii_uppercase).as_deref() {
                    Some("TABLE") => TypeKind::Table,
                    Some("VARRAY" | "VARYING") => TypeKind::Varray,
                    _ => TypeKind::Other,
                };
                spec.definition = Some(self.expr(Stops::default(), "a type definition")?);
                self.expect_semicolon()?;
                return Ok(spec);
            }
        }
        if self.at_tok(&Token::LParen) {
            self.type_members(&mut spec)?;
        }
        let start = self.scan(Stops::default());
        if start < self.pos {
            spec.options.push(self.fragment(start, self.pos));
        }
        self.expect_semicolon()?;
        Ok(spec)
    }

    /// `( attribute type, ..., MEMBER FUNCTION f RETURN t, ... )` of an object type.
    fn type_members(&mut self, spec: &mut TypeSpec) -> PResult<()> {
        self.expect_tok(&Token::LParen)?;
        loop {
            if self.at_any(&[
                "MEMBER",
                "STATIC",
                "CONSTRUCTOR",
                "MAP",
                "ORDER",
                "OVERRIDING",
                "FINAL",
                "NOT",
                "INSTANTIABLE",
            ]) {
                let method: Subprogram = self.subprogram()?;
                spec.methods.push(method);
            } else if self.eat_kw("PRAGMA") {
                self.ident()?;
                self.skip_parens()?;
            } else {
                let name = self.ident()?;
                let datatype = self.expr(Stops::default().with_comma(), "a data type")?;
                spec.attributes.push(Attribute { name, datatype });
            }
            if !self.eat_tok(&Token::Comma) {
                break;
            }
        }
        self.expect_tok(&Token::RParen)
    }

    fn view(&mut self, kind: ObjectKind) -> PResult<View> {
        let name = self.object_name(kind)?;
        let mut columns = Vec::new();
        if self.eat_tok(&Token::LParen) {
            loop {
                if self.at_kw("CONSTRAINT") {
                    self.scan(Stops::default().with_comma());
                } else {
                    columns.push(self.ident()?);
                    self.scan(Stops::default().with_comma());
                }
                if !self.eat_tok(&Token::Comma) {
                    break;
                }
            }
            self.expect_tok(&Token::RParen)?;
        }
        // Options (BEQUEATH, REFRESH, BUILD...) run up to the AS that starts the query.
        while !(self.at_end() || self.at_kw("AS") && self.query_follows(1)) {
            self.pos += 1;
        }
        self.expect_kw("AS")?;
        let start = self.pos;
        let mut end = self.toks.len();
        let mut depth = 0i32;
        for i in start..self.toks.len() {
            match self.toks[i].token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                _ => {}
            }
            let read_only_or_check =
                self.words_at(i, &["WITH", "READ"]) || self.words_at(i, &["WITH", "CHECK"]);
            if depth == 0 && read_only_or_check {
                end = i;
                break;
            }
        }
        if start == end {
            return Err(self.error_here("a query"));
        }
        let query = self.analyse_sql(start, end);
        self.pos = self.toks.len();
        Ok(View { name, columns, query })
    }

    fn query_follows(&self, ahead: usize) -> bool {
        self.at_any_n(ahead, &["SELECT", "WITH"])
            || self.tok(ahead).is_some_and(|t| t.token == Token::LParen)
    }
}
