//! Source text as tokens to rewrite: each token keeps the blanks and
//! comments written before it, so that what the translator leaves alone
//! comes out exactly as it was written.

use sqlparser::tokenizer::Token;

use crate::plsql::ast::{Fragment, Span};
use crate::plsql::lexer::{lex, Origin};

/// One token and what precedes it.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub token: Token,
    /// What is written for the token: its source text, or a rewrite.
    pub text: String,
    /// Blanks and comments before it, comments made safe for PostgreSQL.
    pub gap: String,
    /// The file line it came from; 0 for a token the translator made.
    pub line: u32,
}

impl Item {
    /// A token the translator writes; `text` is PostgreSQL as it stands.
    pub fn new(text: impl Into<String>) -> Item {
        Item { token: Token::Char(' '), text: text.into(), gap: String::new(), line: 0 }
    }

    /// [`Item::new`] with a space before it.
    pub fn spaced(text: impl Into<String>) -> Item {
        Item { gap: " ".to_owned(), ..Item::new(text) }
    }

    /// The word, upper case, when the token is an unquoted word.
    pub fn word(&self) -> Option<String> {
        match &self.token {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    /// Whether the token is the unquoted word `word` (upper case).
    pub fn is(&self, word: &str) -> bool {
        matches!(&self.token, Token::Word(w)
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
    }

    /// A word, quoted or not, as Oracle's dictionary spells it.
    pub fn name(&self) -> Option<String> {
        match &self.token {
            Token::Word(w) if w.quote_style == Some('"') => Some(w.value.clone()),
            Token::Word(w) => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self.token, Token::SingleQuotedString(_) | Token::NationalStringLiteral(_))
            || matches!(self.token, Token::QuoteDelimitedStringLiteral(_))
    }

    /// The same token with `gap` before it.
    pub fn after(mut self, gap: &str) -> Item {
        self.gap = gap.to_owned();
        self
    }
}

/// The tokens of a piece of source, and the blanks after the last one.
#[derive(Clone, Debug, Default)]
pub struct Items {
    pub items: Vec<Item>,
    pub tail: String,
}

/// The tokens of a fragment of the parse tree.
pub fn items(fragment: &Fragment) -> Result<Items, String> {
    items_of(&fragment.text, fragment.span)
}

/// The tokens of `text`, which starts at `at` in its file.
pub fn items_of(text: &str, at: Span) -> Result<Items, String> {
    let origin = Origin { byte: 0, line: at.line.max(1), col: at.col.max(1) };
    let lexed = lex(text, origin).map_err(|e| format!("{}:{}: {}", e.line, e.col, e.message))?;
    let mut out = Vec::with_capacity(lexed.tokens.len());
    let mut pos = 0;
    for tok in lexed.tokens {
        let (start, end) = (tok.span.start as usize, tok.span.end as usize);
        let gap = text.get(pos..start).unwrap_or("");
        let text = text.get(start..end).unwrap_or("").to_owned();
        out.push(Item { token: tok.token, text, gap: safe_gap(gap), line: tok.span.line });
        pos = end.max(pos);
    }
    Ok(Items { items: out, tail: safe_gap(text.get(pos..).unwrap_or("")) })
}

/// Writes tokens back as text.
pub fn join(items: &[Item]) -> String {
    let mut out = String::new();
    for item in items {
        out.push_str(&item.gap);
        out.push_str(&item.text);
    }
    out
}

/// [`join`], without the blanks before the first token.
pub fn join_trimmed(items: &[Item]) -> String {
    join(items).trim().to_owned()
}

/// Blanks and comments between tokens, with every block comment made to
/// close where Oracle closes it. PostgreSQL nests block comments, so a `/*`
/// inside an Oracle comment (`/*** header /* old */`) would open a level
/// that Oracle never had, and the comment would swallow the code after it.
pub fn safe_gap(gap: &str) -> String {
    if !gap.contains("/*") {
        return gap.to_owned();
    }
    let mut out = String::with_capacity(gap.len() + 4);
    let mut rest = gap;
    while let Some(at) = rest.find(['-', '/']) {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with("--") {
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else if rest.starts_with("/*") {
            let end = rest[2..].find("*/").map_or(rest.len(), |e| e + 2);
            out.push_str("/*");
            out.push_str(&safe_comment_body(&rest[2..end]));
            rest = &rest[end..];
            if rest.starts_with("*/") {
                out.push_str("*/");
                rest = &rest[2..];
            }
        } else {
            out.push_str(&rest[..1]);
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    out
}

/// The text of an Oracle block comment, as PostgreSQL reads it the same
/// way: no `/*` inside, and no `/` just before the closing `*/`.
pub fn safe_comment_body(body: &str) -> String {
    let mut text = body.replace("/*", "/ *");
    if text.ends_with('/') {
        text.push(' ');
    }
    text
}

/// Where the `)` matching the `(` at `open` is.
pub fn matching_paren(items: &[Item], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, item) in items.iter().enumerate().skip(open) {
        match item.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The comma-separated parts of `items` at paren depth 0.
pub fn split_commas(items: &[Item]) -> Vec<Vec<Item>> {
    let mut parts = vec![Vec::new()];
    let mut depth = 0usize;
    for item in items {
        match item.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Comma if depth == 0 => {
                parts.push(Vec::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut().expect("never empty").push(item.clone());
    }
    if parts.len() == 1 && parts[0].is_empty() {
        parts.clear();
    }
    parts
}

/// For each line break of `text`, whether it is inside a string literal
/// or a dollar quote (so the spaces around it are the literal's).
pub fn quoted_breaks(text: &str) -> Vec<bool> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut quote: Option<&str> = None;
    let mut i = 0;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (_, b'\n') => out.push(quote.is_some_and(|q| q != "*/")),
            (None, b'\'') => quote = Some("'"),
            (Some("'"), b'\'') => quote = None,
            (None, b'-') if bytes.get(i + 1) == Some(&b'-') => {
                // A comment to the end of the line.
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            (None, b'/') if bytes.get(i + 1) == Some(&b'*') => quote = Some("*/"),
            (Some("*/"), b'*') if bytes.get(i + 1) == Some(&b'/') => {
                // A block comment's breaks are no literal's.
                quote = None;
                i += 1;
            }
            (None, b'$')
                if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_') => {}
            (None, b'$') => {
                let tag_end = text[i + 1..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map(|n| i + 1 + n);
                if let Some(end) = tag_end.filter(|&e| bytes[e] == b'$') {
                    quote = Some(&text[i..=end]);
                    i = end;
                }
            }
            (Some(tag), b'$') if text[i..].starts_with(tag) => {
                i += tag.len() - 1;
                quote = None;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// An SQL string literal holding `text`.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_openers_in_oracle_comments_are_defused() {
        assert_eq!(safe_gap(" /*** a /* b */ "), " /*** a / * b */ ");
        assert_eq!(safe_gap("/* path a/*/"), "/* path a/ */");
        assert_eq!(safe_gap("-- /* line\n"), "-- /* line\n");
    }

    #[test]
    fn tokens_keep_their_spelling_and_blanks() {
        let at = Span { line: 3, col: 5, ..Span::default() };
        let items = items_of("nvl(a ,  'x''y') -- c\n", at).unwrap();
        assert_eq!(join(&items.items) + &items.tail, "nvl(a ,  'x''y') -- c\n");
        assert_eq!(items.items[0].line, 3);
        assert!(items.items[0].is("NVL"));
    }

    #[test]
    fn commas_split_only_at_the_top() {
        let items = items_of("a, f(b, c), d", Span::default()).unwrap().items;
        let parts: Vec<String> = split_commas(&items).iter().map(|p| join_trimmed(p)).collect();
        assert_eq!(parts, ["a", "f(b, c)", "d"]);
    }
}
