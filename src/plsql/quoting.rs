//! A byte-level reading of where code is, and where strings and comments are.
//!
//! The splitter must know whether a `/` or `;` is code before anything is tokenized,
//! and it must be much faster than the tokenizer, so it reads lines with this small
//! state machine instead. It knows Oracle's quoting: `'...'` with `''`, `q'[...]'`
//! with any delimiter, `"identifiers"`, `--` and `/* */` comments. It does not
//! produce tokens; `lexer` does that once per object.

/// Where a position is, carried from one line to the next.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Quoting {
    #[default]
    Code,
    BlockComment,
    String,
    /// Inside `q'X...X'`; holds the closing delimiter, or the last byte of its UTF-8
    /// encoding when it is not ASCII (`q'¬...¬'`).
    QString(u8),
    QuotedIdent,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'#') || b >= 0x80
}

fn q_closing(open: u8) -> u8 {
    match open {
        b'[' => b']',
        b'{' => b'}',
        b'(' => b')',
        b'<' => b'>',
        other => other,
    }
}

/// Whether `line[i]` (a `q` or `Q`) opens a q-quoted string.
fn opens_q_string(line: &[u8], i: usize) -> bool {
    if line.get(i + 1) != Some(&b'\'') || i + 2 >= line.len() {
        return false;
    }
    match i.checked_sub(1).map(|p| line[p]) {
        None => true,
        Some(b'n' | b'N') => i < 2 || !is_ident_byte(line[i - 2]),
        Some(prev) => !is_ident_byte(prev),
    }
}

/// Reads one line (without its line break) from `state`, calling `on_code` with the
/// index of every byte that is code, and returns the state at the end of the line.
pub fn scan_line(mut state: Quoting, line: &[u8], mut on_code: impl FnMut(usize, u8)) -> Quoting {
    let mut i = 0;
    while i < line.len() {
        let b = line[i];
        match state {
            Quoting::Code => match b {
                b'-' if line.get(i + 1) == Some(&b'-') => return Quoting::Code,
                b'/' if line.get(i + 1) == Some(&b'*') => {
                    state = Quoting::BlockComment;
                    i += 1;
                }
                b'\'' => state = Quoting::String,
                b'"' => state = Quoting::QuotedIdent,
                b'q' | b'Q' if opens_q_string(line, i) => {
                    let len = match line[i + 2] {
                        0xF0.. => 4,
                        0xE0.. => 3,
                        0xC0.. => 2,
                        _ => 1,
                    };
                    let last = line.get(i + 1 + len).copied().unwrap_or(line[i + 2]);
                    state = Quoting::QString(q_closing(last));
                    i += 1 + len;
                }
                _ => on_code(i, b),
            },
            Quoting::BlockComment => {
                if b == b'*' && line.get(i + 1) == Some(&b'/') {
                    state = Quoting::Code;
                    i += 1;
                }
            }
            Quoting::String => {
                if b == b'\'' {
                    if line.get(i + 1) == Some(&b'\'') {
                        i += 1;
                    } else {
                        state = Quoting::Code;
                    }
                }
            }
            Quoting::QString(close) => {
                if b == close && line.get(i + 1) == Some(&b'\'') {
                    state = Quoting::Code;
                    i += 1;
                }
            }
            Quoting::QuotedIdent => {
                if b == b'"' {
                    state = Quoting::Code;
                }
            }
        }
        i += 1;
    }
    state
}

/// Byte offsets of every `$` in `text` that starts a word in code: the conditional
/// compilation directives (`$IF`, `$THEN`, `$END`, ...) and inquiry directives (`$$X`).
pub fn directive_dollars(text: &str) -> Vec<usize> {
    let mut found = Vec::new();
    if !text.as_bytes().contains(&b'$') {
        return found;
    }
    let mut state = Quoting::Code;
    let mut start = 0;
    for line in text.as_bytes().split(|&b| b == b'\n') {
        state = scan_line(state, line, |i, b| {
            if b == b'$' && (i == 0 || !is_ident_byte(line[i - 1]) || line[i - 1] == b'$') {
                found.push(start + i);
            }
        });
        start += line.len() + 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(line: &str) -> String {
        let mut out = String::new();
        scan_line(Quoting::Code, line.as_bytes(), |_, b| out.push(b as char));
        out
    }

    #[test]
    fn strings_comments_and_q_quotes_are_not_code() {
        assert_eq!(code_of("a := 'x;y' || q'[it's; ]' ; -- c;"), "a :=  ||  ; ");
        assert_eq!(code_of("x /* ; */ y"), "x  y");
    }

    #[test]
    fn q_string_with_a_non_ascii_delimiter_closes() {
        assert_eq!(code_of("x := q'¬it's ; done¬'; y"), "x := ; y");
    }

    #[test]
    fn doubled_quote_stays_in_string() {
        assert_eq!(scan_line(Quoting::Code, b"v := 'it''s", |_, _| ()), Quoting::String);
    }

    #[test]
    fn identifier_ending_in_q_does_not_open_q_string() {
        assert_eq!(code_of("seq'"), "seq");
        assert_eq!(scan_line(Quoting::Code, b"seq'x", |_, _| ()), Quoting::String);
    }

    #[test]
    fn directives_are_found_but_not_dollars_inside_names() {
        let text = "$IF $$debug $THEN v$session; '$x' $END";
        assert_eq!(directive_dollars(text), vec![0, 4, 5, 12, 34]);
    }
}
