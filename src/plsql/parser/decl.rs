//! Declarations: variables, constants, types, cursors, exceptions, pragmas and
//! subprograms, in declare sections, package specs and bodies, and type bodies.

use sqlparser::tokenizer::Token;

use super::{PResult, Parser, Stops};
use crate::plsql::ast::{
    Conditional, Declaration, DeclarationItem, Parameter, ParameterMode, Subprogram,
    SubprogramBody, SubprogramKind, TypeKind,
};

/// Words that may come before `PROCEDURE`/`FUNCTION` in object types.
const METHOD_MODIFIERS: &[&str] = &[
    "MEMBER",
    "STATIC",
    "CONSTRUCTOR",
    "MAP",
    "ORDER",
    "OVERRIDING",
    "FINAL",
    "INSTANTIABLE",
    "NOT",
];

/// Options after a subprogram's signature.
const SUBPROGRAM_OPTIONS: &[&str] = &[
    "AUTHID",
    "ACCESSIBLE",
    "DETERMINISTIC",
    "PIPELINED",
    "PARALLEL_ENABLE",
    "RESULT_CACHE",
    "RELIES_ON",
    "AGGREGATE",
    "SQL_MACRO",
    "SHARING",
    "DEFAULT",
];

/// What ends a return type or a parameter's data type.
const TYPE_STOPS: &[&str] = &[
    "IS",
    "AS",
    "AUTHID",
    "ACCESSIBLE",
    "DETERMINISTIC",
    "PIPELINED",
    "PARALLEL_ENABLE",
    "RESULT_CACHE",
    "AGGREGATE",
    "SQL_MACRO",
    "SHARING",
    "DEFAULT",
    "USING",
    "$IF",
];

impl Parser<'_> {
    /// Declarations up to `BEGIN`, `END`, the end of the object, or one of `until`.
    pub(super) fn declarations(&mut self, until: &[&str]) -> Vec<Declaration> {
        let mut items = Vec::new();
        while !self.at_end() && !self.at_any(&["BEGIN", "END", "$ELSE", "$ELSIF", "$END"]) {
            if self.at_any(until) {
                break;
            }
            if self.eat_tok(&Token::SemiColon) {
                continue;
            }
            let start = self.pos;
            let item = match self.declaration() {
                Ok(item) => item,
                Err(error) => {
                    self.recover(start);
                    self.stats.unparsed_statements += 1;
                    let text = self.text_from(start);
                    self.errors.push(error.clone());
                    DeclarationItem::Unparsed { text, error: error.message }
                }
            };
            self.stats.declarations += 1;
            items.push(Declaration { span: self.span_from(start), item });
        }
        items
    }

    fn declaration(&mut self) -> PResult<DeclarationItem> {
        if self.at_kw("$IF") || self.at_kw("$ERROR") {
            return Ok(DeclarationItem::Conditional(self.conditional(|p| p.declarations(&[]))?));
        }
        if self.at_any(&["PROCEDURE", "FUNCTION"]) || self.at_method_modifiers() {
            return Ok(DeclarationItem::Subprogram(self.subprogram()?));
        }
        if self.eat_kw("CURSOR") {
            return self.cursor();
        }
        if self.at_kw("TYPE") {
            return self.type_declaration();
        }
        if self.eat_kw("SUBTYPE") {
            let name = self.ident()?;
            self.expect_kw("IS")?;
            let stops = Stops::default().ending_declaration();
            let definition = self.expr(stops, "a subtype definition")?;
            if !self.missing_semicolon_reported() {
                self.expect_tok(&Token::SemiColon)?;
            }
            return Ok(DeclarationItem::Subtype { name, definition });
        }
        if self.eat_kw("PRAGMA") {
            let name = self.ident()?;
            let mut arguments = Vec::new();
            if self.eat_tok(&Token::LParen) {
                arguments = self.expr_list(&[], "a pragma argument")?;
                self.expect_tok(&Token::RParen)?;
            }
            self.expect_tok(&Token::SemiColon)?;
            return Ok(DeclarationItem::Pragma { name, arguments });
        }
        let name = self.ident()?;
        if self.eat_kw("EXCEPTION") {
            self.expect_tok(&Token::SemiColon)?;
            return Ok(DeclarationItem::Exception { name });
        }
        let constant = self.eat_kw("CONSTANT");
        let stops = Stops { words: &["NOT", "DEFAULT"], comma: true, assign: true, run_on: None };
        let datatype = self.expr(stops.ending_declaration(), "a data type")?;
        let not_null = self.eat_kw("NOT");
        if not_null {
            self.expect_kw("NULL")?;
        }
        let default = if self.eat_tok(&Token::Assignment) || self.eat_kw("DEFAULT") {
            Some(self.expr(Stops::default().ending_declaration(), "a default value")?)
        } else {
            None
        };
        if !self.missing_semicolon_reported() {
            self.expect_tok(&Token::SemiColon)?;
        }
        Ok(DeclarationItem::Variable { name, constant, datatype, not_null, default })
    }

    /// A data type, up to `:=`, `;`, `,`, `)` or one of `stops`.
    fn datatype(&mut self, stops: &[&str]) -> PResult<crate::plsql::ast::Fragment> {
        self.expr(Stops { words: stops, comma: true, assign: true, run_on: None }, "a data type")
    }

    fn at_method_modifiers(&self) -> bool {
        (0..4)
            .take_while(|&n| self.at_any_n(n, METHOD_MODIFIERS))
            .last()
            .is_some_and(|last| self.at_any_n(last + 1, &["PROCEDURE", "FUNCTION"]))
    }

    fn cursor(&mut self) -> PResult<DeclarationItem> {
        let name = self.ident()?;
        let parameters = if self.at_tok(&Token::LParen) { self.parameters()? } else { Vec::new() };
        let return_type = if self.eat_kw("RETURN") {
            Some(self.expr(Stops::words(&["IS"]), "a type")?)
        } else {
            None
        };
        let query = if self.eat_kw("IS") { Some(self.sql_statement()?) } else { None };
        if !self.missing_semicolon_reported() {
            self.expect_tok(&Token::SemiColon)?;
        }
        Ok(DeclarationItem::Cursor { name, parameters, return_type, query })
    }

    fn type_declaration(&mut self) -> PResult<DeclarationItem> {
        self.expect_kw("TYPE")?;
        let name = self.ident()?;
        if !self.eat_kw("IS") {
            self.expect_kw("AS")?;
        }
        let kind = match self.word_at(0).map(str::to_ascii_uppercase).as_deref() {
            Some("RECORD") => TypeKind::Record,
            Some("TABLE") => TypeKind::Table,
            Some("VARRAY" | "VARYING") => TypeKind::Varray,
            Some("REF") => TypeKind::RefCursor,
            Some("OBJECT") => TypeKind::Object,
            _ => TypeKind::Other,
        };
        let start = self.scan(Stops::default().ending_declaration());
        if start == self.pos {
            return Err(self.error_here("a type definition"));
        }
        let definition = self.fragment(start, self.pos);
        let indexed = self.toks[start..self.pos].windows(2).any(|w| {
            matches!((&w[0].token, &w[1].token), (Token::Word(a), Token::Word(b))
                if a.value.eq_ignore_ascii_case("INDEX") && b.value.eq_ignore_ascii_case("BY"))
        });
        let kind =
            if kind == TypeKind::Table && indexed { TypeKind::AssociativeArray } else { kind };
        if !self.missing_semicolon_reported() {
            self.expect_tok(&Token::SemiColon)?;
        }
        Ok(DeclarationItem::Type { name, kind, definition })
    }

    /// `( name [IN] [OUT] [NOCOPY] type [:= | DEFAULT expr], ... )`.
    pub(super) fn parameters(&mut self) -> PResult<Vec<Parameter>> {
        self.expect_tok(&Token::LParen)?;
        let mut parameters = Vec::new();
        loop {
            let start = self.pos;
            let name = self.ident()?;
            let input = self.eat_kw("IN");
            let output = self.eat_kw("OUT");
            let mode = match (input, output) {
                (_, false) => ParameterMode::In,
                (false, true) => ParameterMode::Out,
                (true, true) => ParameterMode::InOut,
            };
            let nocopy = self.eat_kw("NOCOPY");
            let datatype = self.datatype(&["DEFAULT"])?;
            let default = if self.eat_tok(&Token::Assignment) || self.eat_kw("DEFAULT") {
                Some(self.expr(Stops::default().with_comma(), "a default value")?)
            } else {
                None
            };
            let span = self.span_from(start);
            parameters.push(Parameter { name, mode, nocopy, datatype, default, span });
            if !self.eat_tok(&Token::Comma) {
                break;
            }
        }
        self.expect_tok(&Token::RParen)?;
        Ok(parameters)
    }

    /// A procedure or function: its signature and, unless it is a spec, its body.
    pub(super) fn subprogram(&mut self) -> PResult<Subprogram> {
        let start = self.pos;
        let mut method_modifiers = Vec::new();
        while !self.at_any(&["PROCEDURE", "FUNCTION"]) {
            method_modifiers.push(self.ident()?.text.to_uppercase());
        }
        let kind = if self.eat_kw("PROCEDURE") {
            SubprogramKind::Procedure
        } else {
            SubprogramKind::Function
        };
        if kind == SubprogramKind::Function {
            self.expect_kw("FUNCTION")?;
        }
        let name = self.qualified()?;
        let parameters = if self.at_tok(&Token::LParen) { self.parameters()? } else { Vec::new() };
        let return_type = if self.eat_kw("RETURN") { Some(self.return_type()?) } else { None };
        let options = self.subprogram_options()?;
        let body = if self.eat_kw("IS") || self.eat_kw("AS") {
            Some(self.subprogram_body()?)
        } else {
            if self.at_tok(&Token::SemiColon) {
                self.pos += 1;
            } else if !self.at_end()
                && !self.at_tok(&Token::Comma)
                && !self.at_tok(&Token::RParen)
                && !self.missing_semicolon_reported()
            {
                return Err(self.error_here("`IS`, `AS` or `;`"));
            }
            None
        };
        let span = self.span_from(start);
        Ok(Subprogram {
            kind,
            name,
            method_modifiers,
            parameters,
            return_type,
            options,
            body,
            span,
        })
    }

    fn return_type(&mut self) -> PResult<crate::plsql::ast::Fragment> {
        if self.at_kw("SELF") && self.at_kw_n(1, "AS") && self.at_kw_n(2, "RESULT") {
            let start = self.pos;
            self.pos += 3;
            return Ok(self.fragment(start, self.pos));
        }
        let stops = Stops { words: TYPE_STOPS, comma: true, ..Stops::default() };
        let stops = stops.ending_declaration();
        self.expr(stops, "a return type")
    }

    fn subprogram_options(&mut self) -> PResult<Vec<crate::plsql::ast::Fragment>> {
        let mut options = Vec::new();
        let mut open_directives = 0u32;
        loop {
            let closes_directive = open_directives > 0 && self.at_any(&["$ELSIF", "$ELSE", "$END"]);
            if !(self.at_any(SUBPROGRAM_OPTIONS) || self.at_kw("$IF") || closes_directive) {
                break;
            }
            let start = self.pos;
            let word = self.word_at(0).unwrap_or_default().to_ascii_uppercase();
            self.pos += 1;
            match word.as_str() {
                // Options chosen by conditional compilation, kept with their directives.
                "$IF" | "$ELSIF" => {
                    open_directives += u32::from(word == "$IF");
                    self.expr(Stops::words(&["$THEN"]), "a condition")?;
                    self.expect_kw("$THEN")?;
                }
                "$END" => open_directives -= 1,
                "$ELSE" => {}
                "AUTHID" | "SHARING" => {
                    self.eat_tok(&Token::Eq);
                    self.ident()?;
                }
                "DEFAULT" => {
                    self.expect_kw("COLLATION")?;
                    self.ident()?;
                }
                "ACCESSIBLE" => {
                    self.expect_kw("BY")?;
                    self.skip_parens()?;
                }
                // A polymorphic table function: `PIPELINED TABLE POLYMORPHIC USING pkg`.
                "PIPELINED" if self.eat_kw("TABLE") || self.eat_kw("ROW") => {
                    self.expect_kw("POLYMORPHIC")?;
                    self.expect_kw("USING")?;
                    self.qualified()?;
                }
                "AGGREGATE" | "PIPELINED" if self.eat_kw("USING") => {
                    self.qualified()?;
                }
                "RESULT_CACHE" if self.eat_kw("RELIES_ON") => self.skip_parens()?,
                _ if self.at_tok(&Token::LParen) => self.skip_parens()?,
                _ => {}
            }
            options.push(self.fragment(start, self.pos));
        }
        Ok(options)
    }

    fn subprogram_body(&mut self) -> PResult<SubprogramBody> {
        if self.at_kw("LANGUAGE") || self.at_kw("EXTERNAL") {
            let start = self.pos;
            let language = if self.eat_kw("LANGUAGE") {
                self.ident()?.text.to_uppercase()
            } else {
                "C".to_owned()
            };
            self.eat_kw("EXTERNAL");
            let mut name = None;
            while !self.at_end() && !self.at_tok(&Token::SemiColon) {
                if self.eat_kw("NAME") {
                    name = self.tok(0).map(|t| match &t.token {
                        Token::SingleQuotedString(s) => s.clone(),
                        other => other.to_string(),
                    });
                }
                self.pos += 1;
            }
            let span = self.span_from(start);
            self.expect_semicolon()?;
            return Ok(SubprogramBody::External { language, name, span });
        }
        let start = self.pos;
        let declarations = self.declarations(&[]);
        Ok(SubprogramBody::Block(self.block_body(start, declarations)?))
    }

    /// `$IF c $THEN items [$ELSIF c $THEN items]... [$ELSE items] $END`, or
    /// `$ERROR message $END`.
    pub(super) fn conditional<T>(
        &mut self,
        mut items: impl FnMut(&mut Self) -> Vec<T>,
    ) -> PResult<Conditional<T>> {
        let mut conditional = Conditional { branches: Vec::new(), otherwise: None, error: None };
        if self.eat_kw("$ERROR") {
            conditional.error = Some(self.expr(Stops::words(&["$END"]), "an error message")?);
            self.expect_kw("$END")?;
            return Ok(conditional);
        }
        self.expect_kw("$IF")?;
        loop {
            let condition = self.expr(Stops::words(&["$THEN"]), "a condition")?;
            self.expect_kw("$THEN")?;
            conditional.branches.push((condition, items(self)));
            if !self.eat_kw("$ELSIF") {
                break;
            }
        }
        if self.eat_kw("$ELSE") {
            conditional.otherwise = Some(items(self));
        }
        self.expect_kw("$END")?;
        Ok(conditional)
    }
}
