//! Two statements or declarations run together, for want of a `;` between them.
//!
//! Expressions and data types are scanned as fragments up to the next `;`, so a
//! missing `;` would silently make one fragment of two statements (`v := 1 w := 2`).
//! The scan asks [`Parser::runs_on`] at each token outside parentheses and `CASE`: an
//! operand (a name, a literal, a `)`) directly followed by what can only start the
//! next statement or declaration is reported as "expected `;`", and parsing resumes
//! at that token.
//!
//! It is deliberately conservative, since a false error on valid code is worse than a
//! missed one. A plain name counts as a statement start only when `:=` follows it, or
//! when it opens a new line and a `.`, `(` or `;` follows it; as a declaration start
//! only when it opens a new line and a word (its type) follows it. So `v := a b;` and
//! `x := 1 y;` on one line are not caught, nor is a run-on inside parentheses or a
//! `CASE` expression, nor a missing `,` between parameters. In embedded SQL only
//! PL/SQL-only words (`IF`, `BEGIN`, `COMMIT`...), DML outside `MERGE`, and `name :=`
//! count, since a name after another may be an alias. Words that start with `$`
//! or `&` (directives, substitution variables) are never judged.

use sqlparser::tokenizer::Token;

use super::Parser;

/// What the scanned fragment belongs to, and so what may wrongly follow it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RunOn {
    /// An expression ending a statement, or a statement's condition.
    Statement,
    /// A variable's data type or default value.
    Declaration,
    /// Embedded SQL; `query` when it is a `SELECT` (which has no `RETURN INTO` and
    /// no DML clause), `merge` for a `MERGE` (whose clauses are DML words).
    Sql { query: bool, merge: bool },
}

/// PL/SQL words that no SQL statement holds after an operand, outside `CASE`.
const PLSQL_ONLY_STARTS: &[&str] = &[
    "BEGIN",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "DECLARE",
    "ELSE",
    "ELSIF",
    "END",
    "EXCEPTION",
    "EXIT",
    "FORALL",
    "FUNCTION",
    "GOTO",
    "IF",
    "LOOP",
    "OPEN",
    "PRAGMA",
    "PROCEDURE",
    "RAISE",
    "ROLLBACK",
    "SAVEPOINT",
    "SUBTYPE",
    "WHILE",
];

/// Words that no statement but `MERGE` (`DELETE WHERE`) holds after an operand; a
/// query holds no `RETURN` either, where DML may (`RETURN ... INTO`).
const DML_STARTS: &[&str] = &["DELETE", "INSERT", "MERGE", "UPDATE"];

/// Reserved words that start a statement, or end the statement list they are in.
const STATEMENT_STARTS: &[&str] = &[
    "BEGIN",
    "CASE",
    "CLOSE",
    "COMMIT",
    "CONTINUE",
    "DECLARE",
    "DELETE",
    "ELSE",
    "ELSIF",
    "END",
    "EXCEPTION",
    "EXECUTE",
    "EXIT",
    "FETCH",
    "FOR",
    "FORALL",
    "GOTO",
    "IF",
    "INSERT",
    "LOOP",
    "MERGE",
    "OPEN",
    "PIPE",
    "RAISE",
    "RETURN",
    "ROLLBACK",
    "SAVEPOINT",
    "SELECT",
    "UPDATE",
    "WHEN",
    "WHILE",
];

/// Words that start a declaration, or end the declare section they are in.
const DECLARATION_STARTS: &[&str] =
    &["BEGIN", "CURSOR", "END", "FUNCTION", "PRAGMA", "PROCEDURE", "SUBTYPE", "TYPE"];

/// Words that may follow an operand inside one expression or data type: operators
/// (`IS`, `MEMBER OF`, `MULTISET UNION`), interval and time zone qualifiers
/// (`'1' DAY TO SECOND`, `AT TIME ZONE`), and the words of multi-word data types
/// (`LONG RAW`, `TIMESTAMP WITH LOCAL TIME ZONE`, `CHARACTER SET`).
const CONTINUES: &[&str] = &[
    "A",
    "ALL",
    "AND",
    "AS",
    "AT",
    "BETWEEN",
    "BY",
    "BYTE",
    "CHAR",
    "CHARACTER",
    "COLLATE",
    "DAY",
    "DISTINCT",
    "ESCAPE",
    "EXCEPT",
    "FROM",
    "HOUR",
    "IN",
    "INDEX",
    "INTERSECT",
    "INTO",
    "IS",
    "LIKE",
    "LIKE2",
    "LIKE4",
    "LIKEC",
    "LOCAL",
    "MEMBER",
    "MINUTE",
    "MOD",
    "MONTH",
    "MULTISET",
    "NEW",
    "NOT",
    "OF",
    "OR",
    "PRECISION",
    "RANGE",
    "RAW",
    "REF",
    "REM",
    "SECOND",
    "SET",
    "SUBMULTISET",
    "THEN",
    "TIME",
    "TO",
    "UNION",
    "USING",
    "VARYING",
    "WITH",
    "WITHOUT",
    "YEAR",
    "ZONE",
];

fn listed(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// An unquoted word that is never judged: a directive or a substitution variable.
fn opaque(word: &str) -> bool {
    word.starts_with(['$', '&'])
}

impl Parser<'_> {
    /// Whether the token at `at` starts the next statement or declaration, right after
    /// an operand of the fragment being scanned.
    pub(super) fn runs_on(&self, at: usize, context: RunOn) -> bool {
        let (Some(prev), Some(tok)) = (at.checked_sub(1).map(|i| &self.toks[i]), self.toks.get(at))
        else {
            return false;
        };
        if !self.ends_operand(at - 1) {
            return false;
        }
        if tok.token == Token::Colon && context != RunOn::Declaration {
            return self.bind_assigned(at, prev);
        }
        let Token::Word(w) = &tok.token else { return false };
        if w.quote_style.is_none() {
            let starts = match context {
                RunOn::Statement => listed(STATEMENT_STARTS, &w.value),
                RunOn::Declaration => listed(DECLARATION_STARTS, &w.value),
                RunOn::Sql { query, merge } => {
                    listed(PLSQL_ONLY_STARTS, &w.value)
                        || !merge && listed(DML_STARTS, &w.value)
                        || query && w.value.eq_ignore_ascii_case("RETURN")
                }
            };
            if starts {
                return true;
            }
            let reserved = listed(STATEMENT_STARTS, &w.value)
                || listed(DECLARATION_STARTS, &w.value)
                || listed(CONTINUES, &w.value);
            if reserved || opaque(&w.value) {
                return false;
            }
        }
        let next = self.toks.get(at + 1).map(|t| &t.token);
        let new_line = tok.span.line > prev.span.end_line;
        match context {
            RunOn::Statement => {
                next == Some(&Token::Assignment)
                    || new_line
                        && matches!(next, Some(Token::Period | Token::LParen | Token::SemiColon))
            }
            RunOn::Declaration => new_line && matches!(next, Some(Token::Word(_))),
            // A name after a table or column may be its alias: only `:=` tells.
            RunOn::Sql { .. } => next == Some(&Token::Assignment),
        }
    }

    /// Whether the `:` at `at` opens a line `:new.col := ...` or `:bind := ...`: a
    /// trigger's assignment, which no expression holds after an operand.
    fn bind_assigned(&self, at: usize, prev: &crate::plsql::lexer::Tok) -> bool {
        let token = |i: usize| self.toks.get(at + i).map(|t| &t.token);
        let new_line = self.toks[at].span.line > prev.span.end_line;
        let named = matches!(token(1), Some(Token::Word(_)));
        let assigned = token(2) == Some(&Token::Assignment)
            || token(2) == Some(&Token::Period)
                && matches!(token(3), Some(Token::Word(_)))
                && token(4) == Some(&Token::Assignment);
        new_line && named && assigned
    }

    /// Whether the token at `at` can end an operand: a literal, a `)`, or a name.
    fn ends_operand(&self, at: usize) -> bool {
        let after_selector =
            at > 0 && matches!(self.toks[at - 1].token, Token::Period | Token::Mod);
        match &self.toks[at].token {
            Token::RParen | Token::Number(..) => true,
            Token::SingleQuotedString(_)
            | Token::NationalStringLiteral(_)
            | Token::QuoteDelimitedStringLiteral(_)
            | Token::NationalQuoteDelimitedStringLiteral(_) => true,
            Token::Word(w) if w.quote_style.is_some() || after_selector => true,
            Token::Word(w) => {
                !(listed(STATEMENT_STARTS, &w.value)
                    || listed(DECLARATION_STARTS, &w.value)
                    || listed(CONTINUES, &w.value)
                    || opaque(&w.value))
            }
            _ => false,
        }
    }
}
