//! A fast path for [`super::lexer::lex`]: the tokens sqlparser's tokenizer
//! gives the Oracle dialect, for the text that nearly all PL/SQL is made of,
//! read byte by byte without its per-character state, and without making a
//! token of every blank only to drop it.
//!
//! It knows words, quoted names, integers and decimals, `'...'` and
//! `q'[...]'` strings, both kinds of comment, and the operators PL/SQL uses.
//! At anything else it gives up: a character outside ASCII outside a
//! literal, comment or quoted name; `N'` and `X'` literals; exponents;
//! numbers against a dot, as in `1..n` and `.5`; `&`, `$`, `@`, `#` and `?`
//! as tokens; rare operators; an unterminated literal. The caller then
//! tokenizes the object with sqlparser, which also gives the error an
//! unterminated literal deserves. The output must be what sqlparser's
//! tokens become after `lexer::keep_tokens`; the tests compare the two on
//! every object of the bundled sample and on the cases above.

use memchr::memchr;
use memchr::memmem::find;
use sqlparser::ast::QuoteDelimitedString;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Word};

use super::ast::{Comment, Span};
use super::lexer::{Lexed, Origin, Tok};

/// The tokens and comments of `text`, an object at `origin` in its file, or
/// `None` where sqlparser must read it.
pub(super) fn lex(text: &str, origin: Origin) -> Option<Lexed> {
    let mut lexer = Lexer {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        line: 0,
        col: 1,
        origin,
        out: Lexed { tokens: Vec::with_capacity(text.len() / 5), comments: Vec::new() },
    };
    lexer.run()?;
    Some(lexer.out)
}

struct Lexer<'a> {
    bytes: &'a [u8],
    text: &'a str,
    /// The next byte to read.
    pos: usize,
    /// The line of `pos`, from 0 at the object's first line.
    line: u32,
    /// The column of `pos` in characters, from 1 (sqlparser's count).
    col: u32,
    origin: Origin,
    out: Lexed,
}

impl Lexer<'_> {
    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    /// Moves to byte `to`, counting lines and characters on the way.
    fn advance_to(&mut self, to: usize) {
        for &b in &self.bytes[self.pos..to] {
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                self.col += 1;
            }
        }
        self.pos = to;
    }

    /// The place of `pos` in file coordinates: byte, line, column.
    fn place(&self) -> (u32, u32, u32) {
        let col = match self.line {
            0 => self.origin.col + self.col - 1,
            _ => self.col,
        };
        ((self.origin.byte + self.pos) as u32, self.origin.line + self.line, col)
    }

    /// Emits `token` for the bytes from `pos` to `end`.
    fn token(&mut self, end: usize, token: Token) {
        let span = self.span_to(end);
        self.out.tokens.push(Tok { token, span });
    }

    fn span_to(&mut self, end: usize) -> Span {
        let (start, line, col) = self.place();
        self.advance_to(end);
        let (end, end_line, end_col) = self.place();
        Span { start, end, line, col, end_line, end_col }
    }

    fn run(&mut self) -> Option<()> {
        while self.pos < self.bytes.len() {
            let b = self.bytes[self.pos];
            let next = self.peek(1);
            match b {
                // sqlparser counts `\r` as a character of its line.
                b' ' | b'\t' | b'\r' | b'\n' => self.advance_to(self.pos + 1),
                b'a'..=b'z' | b'A'..=b'Z' => self.word(b, next)?,
                b'"' => self.quoted_name()?,
                b'0'..=b'9' => self.number()?,
                b'\'' => self.string()?,
                b'-' if next == b'-' => self.line_comment(),
                b'/' if next == b'*' => self.block_comment()?,
                b'.' if next.is_ascii_digit() || next == b'_' => return None,
                _ => {
                    let (len, token) = operator(b, next, self.peek(2))?;
                    self.token(self.pos + len, token);
                }
            }
        }
        Some(())
    }

    fn word(&mut self, first: u8, next: u8) -> Option<()> {
        if matches!(first, b'q' | b'Q') && next == b'\'' {
            return self.quote_delimited();
        }
        // `N'...'`, `X'...'`, `U&'...'` and the like are literals.
        if next == b'\'' || next == b'&' || next == b'"' {
            return None;
        }
        if matches!(first, b'n' | b'N') && matches!(next, b'q' | b'Q') && self.peek(2) == b'\'' {
            return None;
        }
        let start = self.pos;
        let mut end = start + 1;
        while let Some(&b) = self.bytes.get(end) {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'$' | b'#' | b'@' => end += 1,
                _ if !b.is_ascii() => return None,
                _ => break,
            }
        }
        let token = Token::make_word(&self.text[start..end], None);
        self.token(end, token);
        Some(())
    }

    fn quoted_name(&mut self) -> Option<()> {
        let start = self.pos + 1;
        let close = start + memchr(b'"', &self.bytes[start..])?;
        // `""` inside a quoted name is an escaped quote: left to sqlparser.
        if self.bytes.get(close + 1) == Some(&b'"') {
            return None;
        }
        let value = self.text[start..close].to_owned();
        let word = Word { value, quote_style: Some('"'), keyword: Keyword::NoKeyword };
        self.token(close + 1, Token::Word(word));
        Some(())
    }

    fn number(&mut self) -> Option<()> {
        let digits = |from: usize| {
            self.bytes[from..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(self.bytes.len(), |n| from + n)
        };
        let mut end = digits(self.pos);
        if self.bytes.get(end) == Some(&b'.') {
            // `1.` and `1..n` come apart in `keep_tokens`; decimals need a digit.
            if !self.bytes.get(end + 1).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            end = digits(end + 1);
        }
        // Exponents, `L`, hex and names that start with digits: sqlparser's.
        match self.bytes.get(end) {
            Some(b)
                if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'#' | b'@') =>
            {
                return None
            }
            Some(b) if !b.is_ascii() => return None,
            _ => {}
        }
        let value = self.text[self.pos..end].to_owned();
        self.token(end, Token::Number(value, false));
        Some(())
    }

    /// `q'[...]'`, with any delimiter but a blank: `[]`, `{}`, `<>` and `()`
    /// pair, others close themselves.
    fn quote_delimited(&mut self) -> Option<()> {
        let open = self.peek(2);
        if !open.is_ascii_graphic() {
            return None;
        }
        let close = match open {
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            b'(' => b')',
            c => c,
        };
        let start = self.pos + 3;
        let end = start + find(&self.bytes[start..], &[close, b'\''])?;
        let value = self.text[start..end].to_owned();
        let (start_quote, end_quote) = (char::from(open), char::from(close));
        let literal = QuoteDelimitedString { start_quote, value, end_quote };
        self.token(end + 2, Token::QuoteDelimitedStringLiteral(literal));
        Some(())
    }

    fn string(&mut self) -> Option<()> {
        let mut value = String::new();
        let mut from = self.pos + 1;
        loop {
            let quote = from + memchr(b'\'', &self.bytes[from..])?;
            value.push_str(&self.text[from..quote]);
            if self.bytes.get(quote + 1) == Some(&b'\'') {
                value.push('\'');
                from = quote + 2;
            } else {
                self.token(quote + 1, Token::SingleQuotedString(value));
                return Some(());
            }
        }
    }

    fn line_comment(&mut self) {
        let start = self.pos + 2;
        let end = memchr(b'\n', &self.bytes[start..]).map_or(self.bytes.len(), |n| start + n);
        let text = self.text[start..end].trim_end_matches(['\n', '\r']).to_owned();
        let span = self.span_to(end);
        self.out.comments.push(Comment { text, block: false, span });
    }

    fn block_comment(&mut self) -> Option<()> {
        let start = self.pos + 2;
        let close = start + find(&self.bytes[start..], b"*/")?;
        let text = self.text[start..close].to_owned();
        let span = self.span_to(close + 2);
        self.out.comments.push(Comment { text, block: true, span });
        Some(())
    }
}

/// The operator at a byte `b` followed by `next` and `after`, with its
/// length, as sqlparser reads it for Oracle; `None` for what it reads in
/// ways not copied here.
fn operator(b: u8, next: u8, after: u8) -> Option<(usize, Token)> {
    Some(match (b, next) {
        (b'(', _) => (1, Token::LParen),
        (b')', _) => (1, Token::RParen),
        (b',', _) => (1, Token::Comma),
        (b';', _) => (1, Token::SemiColon),
        (b'+', _) => (1, Token::Plus),
        (b'*', _) => (1, Token::Mul),
        (b'%', _) => (1, Token::Mod),
        (b'.', _) => (1, Token::Period),
        (b'-', b'>') => return None,
        (b'-', _) => (1, Token::Minus),
        (b'/', _) => (1, Token::Div),
        (b'|', b'|') if after != b'/' => (2, Token::StringConcat),
        (b'=', b'>') => (2, Token::RArrow),
        (b'=', b'=') => (2, Token::DoubleEq),
        (b'=', _) => (1, Token::Eq),
        (b'!', b'=') => (2, Token::Neq),
        (b'<', b'=') if after != b'>' => (2, Token::LtEq),
        (b'<', b'>') => (2, Token::Neq),
        (b'<', b'<') if after != b'|' => (2, Token::ShiftLeft),
        (b'<', b'|' | b'^' | b'@' | b'-' | b'<' | b'=') => return None,
        (b'<', _) => (1, Token::Lt),
        (b'>', b'=') => (2, Token::GtEq),
        (b'>', b'>') => (2, Token::ShiftRight),
        (b'>', b'^') => return None,
        (b'>', _) => (1, Token::Gt),
        (b':', b':') => (2, Token::DoubleColon),
        (b':', b'=') => (2, Token::Assignment),
        (b':', _) => (1, Token::Colon),
        _ => return None,
    })
}
