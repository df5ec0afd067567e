//! Our PL/SQL structure parser, over the tokens of one object.
//!
//! Recursive descent with recovery: a statement or declaration that does not parse
//! becomes an `Unparsed` node holding its text and the error, and parsing resumes
//! after the next `;` at the same block depth, so one bad statement hides nothing
//! else. A statement or declaration that only lacks its `;` (the next one visibly
//! starts where its expression should go on, see `run_on.rs`) is kept, the missing `;`
//! reported, and parsing resumes at the next one. Embedded SQL is handed to [`embedded_sql`](super::embedded_sql). Expressions
//! are not parsed into trees: they are kept as fragments of source text (see
//! [`ast`](super::ast)).
//!
//! The parser is split by what it reads: `unit.rs` for whole objects, `decl.rs` for
//! declarations and subprograms, `stmt.rs` for statements and blocks, and
//! `directives.rs` for conditional compilation that cuts through the syntax.

mod decl;
mod directives;
mod run_on;
mod stmt;
#[cfg(test)]
mod tests;
mod unit;

use sqlparser::tokenizer::Token;

use super::ast::{Fragment, Ident, QualifiedName, Span};
use super::lexer::Tok;
use super::object::ParseError;
use super::source::ScanStats;
use run_on::RunOn;

pub use unit::parse_unit;

type PResult<T> = Result<T, ParseError>;

/// Where an expression scan stops, besides `;` and an unmatched `)`.
#[derive(Clone, Copy, Default)]
struct Stops<'s> {
    words: &'s [&'s str],
    comma: bool,
    assign: bool,
    /// Also stop where the next statement or declaration visibly starts (see
    /// [`run_on`]).
    run_on: Option<RunOn>,
}

impl<'s> Stops<'s> {
    fn words(words: &'s [&'s str]) -> Stops<'s> {
        Stops { words, ..Stops::default() }
    }

    fn with_comma(self) -> Stops<'s> {
        Stops { comma: true, ..self }
    }

    fn ending_statement(self) -> Stops<'s> {
        Stops { run_on: Some(RunOn::Statement), ..self }
    }

    fn stops_at(&self, tok: &Tok) -> bool {
        matches!(&tok.token, Token::Word(w)
            if w.quote_style.is_none() && self.words.iter().any(|s| w.value.eq_ignore_ascii_case(s)))
    }

    fn ending_declaration(self) -> Stops<'s> {
        Stops { run_on: Some(RunOn::Declaration), ..self }
    }
}

pub struct Parser<'a> {
    text: &'a str,
    toks: &'a [Tok],
    pos: usize,
    /// Where the last scan stopped at the start of a statement run on from its own.
    run_on_at: Option<usize>,
    pub errors: Vec<ParseError>,
    pub stats: ScanStats,
}

/// How a token is shown in "expected X, found Y".
fn describe(tok: Option<&Tok>) -> String {
    match tok {
        None => "end of object".to_owned(),
        Some(t) => {
            let shown: String = t.token.to_string().chars().take(30).collect();
            format!("`{shown}`")
        }
    }
}

impl<'a> Parser<'a> {
    pub fn new(text: &'a str, toks: &'a [Tok]) -> Parser<'a> {
        Parser {
            text,
            toks,
            pos: 0,
            run_on_at: None,
            errors: Vec::new(),
            stats: ScanStats::default(),
        }
    }

    fn tok(&self, ahead: usize) -> Option<&'a Tok> {
        self.toks.get(self.pos + ahead)
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }

    /// The unquoted word `ahead` tokens on, as written.
    fn word_at(&self, ahead: usize) -> Option<&'a str> {
        match &self.tok(ahead)?.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.as_str()),
            _ => None,
        }
    }

    fn at_kw_n(&self, ahead: usize, keyword: &str) -> bool {
        self.word_at(ahead).is_some_and(|w| w.eq_ignore_ascii_case(keyword))
    }

    fn at_kw(&self, keyword: &str) -> bool {
        self.at_kw_n(0, keyword)
    }

    fn at_any(&self, keywords: &[&str]) -> bool {
        self.word_at(0).is_some_and(|w| keywords.iter().any(|k| w.eq_ignore_ascii_case(k)))
    }

    fn eat_kw(&mut self, keyword: &str) -> bool {
        let found = self.at_kw(keyword);
        self.pos += usize::from(found);
        found
    }

    fn expect_kw(&mut self, keyword: &str) -> PResult<()> {
        if self.eat_kw(keyword) {
            return Ok(());
        }
        Err(self.error_here(keyword))
    }

    fn at_tok(&self, token: &Token) -> bool {
        self.tok(0).is_some_and(|t| &t.token == token)
    }

    fn eat_tok(&mut self, token: &Token) -> bool {
        let found = self.at_tok(token);
        self.pos += usize::from(found);
        found
    }

    fn expect_tok(&mut self, token: &Token) -> PResult<()> {
        if self.eat_tok(token) {
            return Ok(());
        }
        Err(self.error_here(&format!("`{token}`")))
    }

    /// `;` ending a statement; a missing one at the very end of the object is allowed,
    /// as SQL*Plus allows it before the `/`.
    fn expect_semicolon(&mut self) -> PResult<()> {
        if self.at_end() || self.missing_semicolon_reported() {
            return Ok(());
        }
        self.expect_tok(&Token::SemiColon)
    }

    /// At the start of a statement or declaration that a scan found run on from the
    /// previous one, or at a word that closes the enclosing construct (`END`, `ELSE`,
    /// `WHEN`...): reports the missing `;` and lets parsing resume right here.
    fn missing_semicolon_reported(&mut self) -> bool {
        let run_on = self.run_on_at == Some(self.pos) || self.at_any(stmt::LIST_END);
        if !run_on || self.at_tok(&Token::SemiColon) {
            return false;
        }
        let error = self.error_here("`;`");
        self.errors.push(error);
        true
    }

    fn error_here(&self, expected: &str) -> ParseError {
        self.error_at(self.pos, expected)
    }

    /// "expected X, found Y" about the token at index `at`.
    fn error_at(&self, at: usize, expected: &str) -> ParseError {
        let (line, col) = self.position_of(at);
        let found = describe(self.toks.get(at));
        ParseError { line, col, message: format!("expected {expected}, found {found}") }
    }

    fn position_of(&self, at: usize) -> (u32, u32) {
        match self.toks.get(at).or(self.toks.last()) {
            Some(t) => (t.span.line, t.span.col),
            None => (0, 0),
        }
    }

    fn ident(&mut self) -> PResult<Ident> {
        let Some(tok) = self.tok(0) else { return Err(self.error_here("a name")) };
        let Token::Word(w) = &tok.token else { return Err(self.error_here("a name")) };
        self.pos += 1;
        Ok(Ident { text: w.value.clone(), quoted: w.quote_style.is_some(), span: tok.span })
    }

    fn qualified(&mut self) -> PResult<QualifiedName> {
        let first = self.ident()?;
        let span = first.span;
        let mut parts = vec![first];
        while self.at_tok(&Token::Period)
            && matches!(self.tok(1), Some(Tok { token: Token::Word(_), .. }))
        {
            self.pos += 1;
            parts.push(self.ident()?);
        }
        let span = span.to(parts.last().expect("one part").span);
        Ok(QualifiedName { parts, span })
    }

    /// The span of tokens `from..self.pos`.
    fn span_from(&self, from: usize) -> Span {
        let last = self.pos.max(from + 1).min(self.toks.len()) - 1;
        match self.toks.get(from) {
            Some(first) => first.span.to(self.toks[last].span),
            None => self.toks.last().map(|t| t.span).unwrap_or_default(),
        }
    }

    /// The source text of tokens `from..to`.
    fn fragment(&self, from: usize, to: usize) -> Fragment {
        let span = self.toks[from].span.to(self.toks[to - 1].span);
        Fragment { text: self.text[span.start as usize..span.end as usize].to_owned(), span }
    }

    /// Advances over an expression to the first stop at depth zero; returns where it
    /// started. Parentheses and `CASE ... END` nest; any other `END` stops.
    fn scan(&mut self, stops: Stops) -> usize {
        let start = self.pos;
        let (mut parens, mut cases) = (0u32, 0u32);
        while let Some(tok) = self.tok(0) {
            let judged = parens == 0 && cases == 0 && self.pos > start && !stops.stops_at(tok);
            if let Some(context) = stops.run_on.filter(|_| judged) {
                if self.runs_on(self.pos, context) {
                    self.run_on_at = Some(self.pos);
                    break;
                }
            }
            match &tok.token {
                Token::SemiColon => break,
                Token::LParen => parens += 1,
                Token::RParen if parens == 0 => break,
                Token::RParen => parens -= 1,
                Token::Comma if parens == 0 && stops.comma => break,
                Token::Assignment if parens == 0 && stops.assign => break,
                Token::Word(w) if w.quote_style.is_none() && parens == 0 => {
                    let v = w.value.as_str();
                    if v.eq_ignore_ascii_case("CASE") {
                        cases += 1;
                    } else if v.eq_ignore_ascii_case("END") {
                        // Outside CASE, END belongs to a statement: a `;` is missing.
                        if cases == 0 {
                            break;
                        }
                        cases -= 1;
                    } else if cases == 0 && stops.words.iter().any(|s| v.eq_ignore_ascii_case(s)) {
                        break;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        start
    }

    /// An expression up to a stop; an empty one is an error.
    fn expr(&mut self, stops: Stops, what: &str) -> PResult<Fragment> {
        let start = self.scan(stops);
        if start == self.pos {
            return Err(self.error_here(what));
        }
        Ok(self.fragment(start, self.pos))
    }

    /// A comma-separated list of expressions up to a stop word.
    fn expr_list(&mut self, words: &[&str], what: &str) -> PResult<Vec<Fragment>> {
        let mut items = vec![self.expr(Stops::words(words).with_comma(), what)?];
        while self.eat_tok(&Token::Comma) {
            items.push(self.expr(Stops::words(words).with_comma(), what)?);
        }
        Ok(items)
    }

    /// A parenthesised group, returned without its parentheses' contents parsed.
    fn skip_parens(&mut self) -> PResult<()> {
        self.expect_tok(&Token::LParen)?;
        self.scan(Stops::default());
        self.expect_tok(&Token::RParen)
    }

    /// Skips what is left of a failed statement or declaration: to the `;` that ends it
    /// at block depth zero, and never past an `END`, `ELSE`, `ELSIF`, `EXCEPTION` or
    /// conditional-compilation directive that belongs to an enclosing construct.
    /// Consumes at least one token.
    fn recover(&mut self, start: usize) {
        let mut depth = 0u32;
        self.pos = start;
        while let Some(tok) = self.tok(0) {
            let word = match &tok.token {
                Token::SemiColon if depth == 0 => {
                    self.pos += 1;
                    return;
                }
                Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
                _ => {
                    self.pos += 1;
                    continue;
                }
            };
            let closes_outer = matches!(
                word.as_str(),
                "END" | "ELSE" | "ELSIF" | "EXCEPTION" | "$ELSE" | "$ELSIF" | "$END"
            );
            if depth == 0 && closes_outer && self.pos > start {
                return;
            }
            match word.as_str() {
                "BEGIN" | "IF" | "LOOP" | "CASE" => depth += 1,
                "END" => {
                    depth = depth.saturating_sub(1);
                    if self.at_any_n(1, &["IF", "LOOP", "CASE"]) {
                        self.pos += 1;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
    }

    /// Whether the tokens from index `at` (not relative to the cursor) are `words`.
    fn words_at(&self, at: usize, words: &[&str]) -> bool {
        words.iter().enumerate().all(|(i, word)| {
            matches!(self.toks.get(at + i).map(|t| &t.token), Some(Token::Word(w))
                if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
        })
    }

    fn at_any_n(&self, ahead: usize, keywords: &[&str]) -> bool {
        self.word_at(ahead).is_some_and(|w| keywords.iter().any(|k| w.eq_ignore_ascii_case(k)))
    }

    /// The text of tokens `from..self.pos`, for `Unparsed` nodes.
    fn text_from(&self, from: usize) -> String {
        if from >= self.pos || from >= self.toks.len() {
            return String::new();
        }
        self.fragment(from, self.pos.min(self.toks.len())).text
    }
}
