//! Tokens of one object, from sqlparser's tokenizer with the Oracle dialect.
//!
//! The tokenizer is run once per object; its tokens serve both our PL/SQL parser and
//! sqlparser's parser for the embedded SQL. This module adds what the parse tree
//! needs: spans in file coordinates (byte offsets as well as line and column),
//! comments kept apart, and repairs where sqlparser reads Oracle differently:
//! `$IF`/`$$name` directives (it would read `$$...$$` as a dollar-quoted string),
//! ranges `1..n` (it reads `1.` and `.n` as numbers), and SQL*Plus substitution
//! variables `&name` and `&&name.` (it reads operators), which become one word. It
//! does not classify keywords: PL/SQL's reserved words are not sqlparser's.

use sqlparser::dialect::OracleDialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace, Word};

use super::ast::{Comment, Span};
use super::quoting::directive_dollars;

/// A token with its place in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Tok {
    pub token: Token,
    pub span: Span,
}

/// The tokens and comments of one object.
#[derive(Debug, Default)]
pub struct Lexed {
    pub tokens: Vec<Tok>,
    pub comments: Vec<Comment>,
}

/// Where a piece of text starts in its file.
#[derive(Clone, Copy, Debug)]
pub struct Origin {
    pub byte: usize,
    pub line: u32,
    pub col: u32,
}

/// A tokenizer failure, located in the file.
#[derive(Debug)]
pub struct LexError {
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// Maps the tokenizer's line and column (in characters) to file coordinates.
struct Positions<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    /// Whether each line is ASCII, so that columns are byte offsets.
    line_ascii: Vec<bool>,
    origin: Origin,
}

impl Positions<'_> {
    fn new(text: &str, origin: Origin) -> Positions<'_> {
        let mut line_starts = vec![0];
        let mut line_ascii = Vec::new();
        let mut ascii = true;
        for (i, b) in text.bytes().enumerate() {
            ascii &= b.is_ascii();
            if b == b'\n' {
                line_starts.push(i + 1);
                line_ascii.push(ascii);
                ascii = true;
            }
        }
        line_ascii.push(ascii);
        Positions { text, line_starts, line_ascii, origin }
    }

    /// Byte offset in the object text, then file line and column.
    #[inline]
    fn resolve(&self, at: Location) -> (usize, u32, u32) {
        let line_index = (at.line.max(1) - 1) as usize;
        let line_start = self.line_starts.get(line_index).copied().unwrap_or(self.text.len());
        let line = &self.text[line_start..];
        let chars_before = (at.column.max(1) - 1) as usize;
        let byte_in_line = if self.line_ascii.get(line_index).copied().unwrap_or(true) {
            chars_before.min(line.len())
        } else {
            line.char_indices().nth(chars_before).map_or(line.len(), |(i, _)| i)
        };
        let file_line = self.origin.line + line_index as u32;
        let file_col =
            if line_index == 0 { self.origin.col + at.column as u32 - 1 } else { at.column as u32 };
        (line_start + byte_in_line, file_line, file_col)
    }

    fn span(&self, start: Location, end: Location) -> Span {
        let (start_byte, line, col) = self.resolve(start);
        let (end_byte, end_line, end_col) = self.resolve(end);
        let base = self.origin.byte as u32;
        Span {
            start: base + start_byte as u32,
            end: base + end_byte as u32,
            line,
            col,
            end_line,
            end_col,
        }
    }
}

/// Tokenizes `text`, an object found at `origin` in its file.
pub fn lex(text: &str, origin: Origin) -> Result<Lexed, LexError> {
    let dollars = directive_dollars(text);
    // Most objects need none of sqlparser's corner cases nor our repairs.
    if dollars.is_empty() {
        if let Some(lexed) = super::fast_lex::lex(text, origin) {
            return Ok(lexed);
        }
    }
    sqlparser_lex(text, origin, &dollars)
}

/// [`lex`] through sqlparser's tokenizer, with the repairs below.
fn sqlparser_lex(text: &str, origin: Origin, dollars: &[usize]) -> Result<Lexed, LexError> {
    let rewritten;
    let input = if dollars.is_empty() {
        text
    } else {
        // `$` becomes `_`, which no unquoted Oracle name starts with; same length, so
        // every position stays true. The `_` tokens are turned back into directives.
        let mut bytes = text.as_bytes().to_vec();
        for &i in dollars {
            bytes[i] = b'_';
        }
        rewritten = String::from_utf8(bytes).expect("only ASCII bytes were replaced");
        rewritten.as_str()
    };
    let positions = Positions::new(text, origin);
    RAW_TOKENS.with(|raw| {
        let mut raw = raw.borrow_mut();
        raw.clear();
        let mut tokenizer = Tokenizer::new(&OracleDialect {}, input);
        tokenizer.tokenize_with_location_into_buf(&mut raw).map_err(|e| {
            let (_, line, col) = positions.resolve(e.location);
            LexError { line, col, message: e.message }
        })?;
        Ok(keep_tokens(&mut raw, &positions, dollars, origin))
    })
}

thread_local! {
    /// The tokenizer's output, blanks included, reused from one object to the next: a
    /// large package body makes millions of them, and a fresh buffer each time cost
    /// more in page faults and copies as it grew than the tokens themselves. It keeps
    /// the capacity of the largest object seen on its thread (about 90 bytes a token).
    static RAW_TOKENS: std::cell::RefCell<Vec<TokenWithSpan>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Moves the tokens worth keeping out of `raw`, with file positions and repairs.
fn keep_tokens(
    raw: &mut Vec<TokenWithSpan>,
    positions: &Positions,
    dollars: &[usize],
    origin: Origin,
) -> Lexed {
    let mut lexed = Lexed { tokens: Vec::with_capacity(raw.len() / 2), comments: Vec::new() };
    for t in raw.drain(..) {
        // Blanks are half the tokens: they get no span.
        let (start, end) = (t.span.start, t.span.end);
        let span = || positions.span(start, end);
        match t.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                let text = comment.trim_end_matches(['\n', '\r']).to_owned();
                lexed.comments.push(Comment { text, block: false, span: span() });
            }
            Token::Whitespace(Whitespace::MultiLineComment(text)) => {
                lexed.comments.push(Comment { text, block: true, span: span() });
            }
            Token::Whitespace(_) => {}
            token => {
                let tok = Tok { token, span: span() };
                push_repaired(&mut lexed.tokens, tok, dollars, origin.byte);
            }
        }
    }
    lexed
}

/// Whether `prev`, a `.`, directly follows a substitution variable it then ends.
fn ends_substitution(prev: &Tok, tokens: &[Tok]) -> bool {
    let before = tokens.len().checked_sub(2).map(|i| &tokens[i]);
    prev.token == Token::Period
        && before.is_some_and(|b| {
            b.span.end == prev.span.start
                && matches!(&b.token, Token::Word(w)
                    if w.quote_style.is_none() && w.value.starts_with('&') && !w.value.ends_with('.'))
        })
}

fn word(value: String) -> Token {
    Token::Word(Word { value, quote_style: None, keyword: sqlparser::keywords::Keyword::NoKeyword })
}

/// Appends `tok`, undoing the tokenizer's misreadings of Oracle described above.
fn push_repaired(tokens: &mut Vec<Tok>, tok: Tok, dollars: &[usize], base: usize) {
    let adjacent = tokens.last().is_some_and(|prev| prev.span.end == tok.span.start);
    match (&tok.token, tokens.last()) {
        (Token::Char('_'), _)
            if dollars.binary_search(&(tok.span.start as usize - base)).is_ok() =>
        {
            tokens.push(Tok { token: Token::Char('$'), span: tok.span });
        }
        (Token::Word(w), Some(prev)) if adjacent && prev.token == Token::Char('$') => {
            let mut start = prev.span;
            let mut prefix = "$".to_owned();
            tokens.pop();
            if let Some(before) = tokens.last() {
                if before.token == Token::Char('$') && before.span.end == start.start {
                    start = before.span;
                    prefix.push('$');
                    tokens.pop();
                }
            }
            tokens.push(Tok {
                token: word(format!("{prefix}{}", w.value)),
                span: start.to(tok.span),
            });
        }
        (Token::Word(w), Some(prev))
            if adjacent
                && w.quote_style.is_none()
                && matches!(prev.token, Token::Ampersand | Token::Overlap) =>
        {
            let prefix = if prev.token == Token::Overlap { "&&" } else { "&" };
            let span = prev.span.to(tok.span);
            tokens.pop();
            tokens.push(Tok { token: word(format!("{prefix}{}", w.value)), span });
        }
        (Token::Period, Some(prev)) if adjacent && ends_substitution(prev, tokens) => {
            // `&&owner..pkg`: the first dot ends the variable's name; keep it in the word.
            let first_dot = tokens.pop().expect("a previous token");
            let variable = tokens.last_mut().expect("the variable");
            variable.span = variable.span.to(first_dot.span);
            if let Token::Word(w) = &mut variable.token {
                w.value.push('.');
            }
            tokens.push(tok);
        }
        (Token::Number(n, long), _) if n.len() > 1 && n.ends_with('.') => {
            // `1..10`: the first bound comes as `1.`; the second `.` follows.
            let mut left = tok.span;
            left.end -= 1;
            left.end_col -= 1;
            let dot = Span { start: left.end, col: left.end_col, ..tok.span };
            tokens
                .push(Tok { token: Token::Number(n[..n.len() - 1].to_owned(), *long), span: left });
            tokens.push(Tok { token: Token::Period, span: dot });
        }
        (Token::Number(n, long), Some(prev))
            if adjacent && n.starts_with('.') && prev.token == Token::Period =>
        {
            let dot = Span { end: tok.span.start + 1, end_col: tok.span.col + 1, ..tok.span };
            let right = Span { start: dot.end, col: dot.end_col, ..tok.span };
            tokens.push(Tok { token: Token::Period, span: dot });
            tokens.push(Tok { token: Token::Number(n[1..].to_owned(), *long), span: right });
        }
        _ => tokens.push(tok),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin() -> Origin {
        Origin { byte: 0, line: 1, col: 1 }
    }

    fn shown(text: &str) -> Vec<String> {
        lex(text, origin()).unwrap().tokens.iter().map(|t| t.token.to_string()).collect()
    }

    #[test]
    fn conditional_compilation_directives_are_words() {
        assert_eq!(
            shown("$IF $$debug $THEN x; $END"),
            ["$IF", "$$debug", "$THEN", "x", ";", "$END"]
        );
    }

    #[test]
    fn range_bounds_are_split_from_the_dots() {
        assert_eq!(shown("1..10"), ["1", ".", ".", "10"]);
        assert_eq!(shown("1 .. n"), ["1", ".", ".", "n"]);
        assert_eq!(shown("x..y"), ["x", ".", ".", "y"]);
    }

    #[test]
    fn substitution_variables_are_words() {
        assert_eq!(shown("&&owner..pkg.f(&v)"), ["&&owner.", ".", "pkg", ".", "f", "(", "&v", ")"]);
        assert_eq!(shown("&schema.tab"), ["&schema", ".", "tab"]);
    }

    #[test]
    fn spans_are_byte_offsets_in_the_file() {
        let text = "-- año\nv := 'ñ' || x;";
        let lexed = lex(text, Origin { byte: 100, line: 10, col: 1 }).unwrap();
        let x = &lexed.tokens[4];
        assert_eq!(x.token.to_string(), "x");
        assert_eq!((x.span.line, x.span.col), (11, 13));
        assert_eq!(&text[x.span.start as usize - 100..x.span.end as usize - 100], "x");
        assert_eq!(lexed.comments[0].text, " año");
    }

    /// The fast path's tokens for `text` at `origin`, checked against
    /// sqlparser's; `None` where it leaves `text` to sqlparser.
    fn fast_checked(text: &str, origin: Origin) -> Option<Lexed> {
        let fast = super::super::fast_lex::lex(text, origin)?;
        let slow = sqlparser_lex(text, origin, &directive_dollars(text));
        let slow = slow.unwrap_or_else(|e| panic!("sqlparser refused {text:?}: {}", e.message));
        assert_eq!(fast.tokens, slow.tokens, "tokens of {text:?}");
        assert_eq!(fast.comments, slow.comments, "comments of {text:?}");
        Some(fast)
    }

    #[test]
    fn the_fast_path_reads_as_sqlparser_does_or_not_at_all() {
        let origin = Origin { byte: 7, line: 3, col: 5 };
        let fast = [
            "CREATE OR REPLACE PACKAGE BODY hr.pkg AS\n  PROCEDURE p(a IN NUMBER := 1) IS\n  BEGIN\n    NULL;\n  END;\nEND pkg;",
            "v := 'it''s' || '' || ''''; -- done\r\nx:=1.50*y/2-3+z%ROWTYPE;",
            "\"Mixed Case\".col <> 1 AND a != b AND c <= d AND e >= f AND g < h AND i > j",
            "f(p => 1) = 2; <<outer>> LOOP EXIT outer; END LOOP; a :: b; c : d",
            "/* año\n * ñ */ x := 'ñ\nü'; -- señal\n y",
            "a||b, c ==d, e<+f, x%type, t.c(+) = 1, sys_guid(), a_b$c#d@link, a#b",
            "\tnested\r\n\ttabs",
            "x := y;\r",
            "x := q'[it's]' || Q'{a}' || q'<b>' || q'(c)' || q'!d!' || q'[a]b]';",
            // A quoted name is never a substitution variable.
            "\"&x\"..y",
        ];
        for text in fast {
            assert!(fast_checked(text, origin).is_some(), "{text:?} left to sqlparser");
        }
        let left = [
            "x := q' a ';",
            "x := q'[open",
            "x := N'abc';",
            "x := X'FF';",
            "x := 1e10;",
            "1..10",
            "x := 1.;",
            "x := .5;",
            "&var",
            "a ? b",
            "x := '",
            "/* open",
            "\"open",
            "\"a\"\"b\"",
            "a->b",
            "a|b",
            "a<->b",
            "a<@b",
            "x := 10L",
            "café := 1",
            "$$plsql_line",
            "a [1]",
            "1_000",
        ];
        for text in left {
            assert!(super::super::fast_lex::lex(text, origin).is_none(), "{text:?} read fast");
        }
    }

    #[test]
    fn the_fast_path_reads_the_bundled_sample_as_sqlparser_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extracted");
        let (mut objects, mut fast) = (0, 0);
        for entry in walkdir::WalkDir::new(root).into_iter().filter_map(Result::ok) {
            if !entry.file_type().is_file() || entry.path().extension().is_none_or(|e| e != "sql") {
                continue;
            }
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = super::super::encoding::decode(&bytes).text;
            for chunk in super::super::split::split(&text).chunks {
                let line_start = text[..chunk.start].rfind('\n').map_or(0, |i| i + 1);
                let col = text[line_start..chunk.start].chars().count() as u32 + 1;
                let origin = Origin { byte: chunk.start, line: chunk.first_line, col };
                objects += 1;
                fast += usize::from(fast_checked(&text[chunk.start..chunk.end], origin).is_some());
            }
        }
        assert!(objects > 80, "{objects} objects");
        // The sample is written to be hard; still, most of it is plain.
        assert!(fast * 10 >= objects * 6, "{fast} of {objects} objects on the fast path");
    }

    #[test]
    fn first_line_columns_count_from_the_objects_column() {
        let lexed = lex("a b", Origin { byte: 4, line: 3, col: 5 }).unwrap();
        assert_eq!((lexed.tokens[1].span.line, lexed.tokens[1].span.col), (3, 7));
    }
}
