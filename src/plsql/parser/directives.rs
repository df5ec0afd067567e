//! One variant of a unit whose conditional compilation does not follow its syntax.
//!
//! `$IF` usually wraps whole declarations or statements, and the parser keeps both
//! branches in a `Conditional` node. Some code puts directives mid-construct (half an
//! `IF`, a return type, one option); Oracle resolves them before parsing, and so does
//! this module when the plain parse failed: it keeps, for each `$IF`, the `$ELSE`
//! branch when there is one (typically the code for current releases) and the `$IF`
//! branch otherwise, and drops `$ERROR ... $END`. The flags cannot be known here, so
//! the tree then describes one of the variants, and says so.

use sqlparser::tokenizer::Token;

use crate::plsql::lexer::Tok;

fn directive(tok: &Tok) -> Option<&str> {
    match &tok.token {
        Token::Word(w) if w.quote_style.is_none() && w.value.starts_with('$') => Some(&w.value),
        _ => None,
    }
}

fn is(tok: &Tok, name: &str) -> bool {
    directive(tok).is_some_and(|d| d.eq_ignore_ascii_case(name))
}

/// Whether the `$IF` at `toks[at]` has an `$ELSE` of its own.
fn has_else(toks: &[Tok], at: usize) -> bool {
    let mut depth = 0;
    for tok in &toks[at + 1..] {
        if is(tok, "$IF") || is(tok, "$ERROR") {
            depth += 1;
        } else if is(tok, "$END") {
            if depth == 0 {
                return false;
            }
            depth -= 1;
        } else if depth == 0 && is(tok, "$ELSE") {
            return true;
        }
    }
    false
}

/// Index just after the `$THEN` that ends the condition starting at `from`.
fn after_then(toks: &[Tok], from: usize) -> usize {
    toks[from..].iter().position(|t| is(t, "$THEN")).map_or(toks.len(), |p| from + p + 1)
}

/// The tokens of one variant, or `None` when `toks` holds no directive.
pub fn one_variant(toks: &[Tok]) -> Option<Vec<Tok>> {
    if !toks.iter().any(|t| is(t, "$IF") || is(t, "$ERROR")) {
        return None;
    }
    // Per open `$IF`: whether its surroundings are kept, and whether it has `$ELSE`.
    let mut open: Vec<(bool, bool)> = Vec::new();
    let mut keep = true;
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        let tok = &toks[i];
        i += 1;
        match directive(tok).map(str::to_ascii_uppercase).as_deref() {
            Some("$IF") => {
                let with_else = has_else(toks, i - 1);
                open.push((keep, with_else));
                keep = keep && !with_else;
                i = after_then(toks, i);
            }
            Some("$ELSIF") => {
                keep = false;
                i = after_then(toks, i);
            }
            Some("$ELSE") => {
                keep = open.last().is_some_and(|&(outer, with_else)| outer && with_else)
            }
            Some("$ERROR") => {
                open.push((keep, false));
                keep = false;
            }
            Some("$END") => keep = open.pop().is_none_or(|(outer, _)| outer),
            Some("$THEN") => {}
            _ if keep => out.push(tok.clone()),
            _ => {}
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plsql::lexer::{lex, Origin};

    fn variant(text: &str) -> String {
        let lexed = lex(text, Origin { byte: 0, line: 1, col: 1 }).unwrap();
        let toks = one_variant(&lexed.tokens).unwrap();
        toks.iter().map(|t| t.token.to_string()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn else_branch_is_kept_when_there_is_one() {
        let text = "$IF dbms_db_version.ver_le_10 $THEN IF a THEN $ELSE IF b THEN $END x; END IF;";
        assert_eq!(variant(text), "IF b THEN x ; END IF ;");
    }

    #[test]
    fn if_branch_is_kept_without_else_and_errors_are_dropped() {
        let text = "RETURN $IF $$x $THEN NUMBER $ELSIF $$y $THEN DATE $END $ERROR 'no' $END IS";
        assert_eq!(variant(text), "RETURN NUMBER IS");
    }
}
