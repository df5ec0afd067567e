//! A PostgreSQL script cut into the statements a server runs one by one,
//! each with where it starts in the file, so that an error's position can
//! be told as a line of the file.
//!
//! The cut follows PostgreSQL's lexical rules only as far as finding the
//! semicolons that end statements needs: quoted strings (with `E''`
//! escapes), quoted identifiers, dollar quoting, `--` and nested `/* */`
//! comments. psql's meta-commands (`\set`, `\i`, ...) are lines of their
//! own that the server never sees; they are left out. It does not parse
//! SQL: whatever is between two semicolons is one statement.

/// One statement of a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement's text, without the terminating semicolon.
    pub text: String,
    /// The file line (1-based) of the statement's first character.
    pub line: u32,
    /// The file line where the first dollar-quoted string of the statement
    /// opens (the body of a function or `DO` block), if it has one.
    pub body_line: Option<u32>,
}

impl Statement {
    /// The file line of a character offset in [`Statement::text`], as
    /// PostgreSQL reports an error position: 1-based, in characters.
    pub fn line_of_position(&self, position: u32) -> u32 {
        let before = self.text.chars().take(position.saturating_sub(1) as usize);
        self.line + before.filter(|&c| c == '\n').count() as u32
    }

    /// The file line of line `n` of the statement's body, as PL/pgSQL
    /// counts them: line 1 is the one the opening dollar quote is on.
    pub fn line_of_body_line(&self, n: u32) -> u32 {
        match self.body_line {
            Some(first) => first + n.saturating_sub(1),
            None => self.line,
        }
    }

    /// The text in lower case with runs of white space made one space, for
    /// recognising a statement by its words.
    pub fn words(&self) -> String {
        self.text.split_whitespace().collect::<Vec<_>>().join(" ").to_ascii_lowercase()
    }
}

/// A psql meta-command line of a script (`\i other.sql`), which the
/// server never sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaCommand {
    /// The line, without its end.
    pub text: String,
    /// Its file line, 1-based.
    pub line: u32,
}

/// Cuts `text` into statements. Statements holding nothing but comments
/// are left out.
pub fn split(text: &str) -> Vec<Statement> {
    split_with_meta_commands(text).0
}

/// [`split`], and the psql meta-command lines it left out.
pub fn split_with_meta_commands(text: &str) -> (Vec<Statement>, Vec<MetaCommand>) {
    let mut cutter = Cutter { chars: text.chars().collect(), at: 0, line: 1, meta: Vec::new() };
    let mut out = Vec::new();
    while let Some(statement) = cutter.next_statement() {
        out.push(statement);
    }
    (out, cutter.meta)
}

struct Cutter {
    chars: Vec<char>,
    at: usize,
    line: u32,
    meta: Vec<MetaCommand>,
}

impl Cutter {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.at += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    /// Skips white space, comments and psql meta-command lines.
    fn skip_blank(&mut self) {
        loop {
            match (self.peek(0), self.peek(1)) {
                (Some(c), _) if c.is_whitespace() => {
                    self.bump();
                }
                (Some('-'), Some('-')) => self.skip_line(),
                (Some('/'), Some('*')) => self.skip_block_comment(),
                (Some('\\'), _) => {
                    let (start, line) = (self.at, self.line);
                    self.skip_line();
                    let text: String = self.chars[start..self.at].iter().collect();
                    self.meta.push(MetaCommand { text: text.trim_end().to_owned(), line });
                }
                _ => return,
            }
        }
    }

    fn skip_line(&mut self) {
        while let Some(c) = self.bump() {
            if c == '\n' {
                return;
            }
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 0;
        while let Some(c) = self.bump() {
            match (c, self.peek(0)) {
                ('/', Some('*')) => {
                    self.bump();
                    depth += 1;
                }
                ('*', Some('/')) => {
                    self.bump();
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn next_statement(&mut self) -> Option<Statement> {
        self.skip_blank();
        let start = self.at;
        let line = self.line;
        let mut body_line = None;
        let mut end = None;
        while let Some(c) = self.peek(0) {
            match c {
                ';' => {
                    end = Some(self.at);
                    self.bump();
                    break;
                }
                '\'' => {
                    let escapes = start < self.at && matches!(self.chars[self.at - 1], 'e' | 'E');
                    self.skip_quoted('\'', escapes);
                }
                '"' => self.skip_quoted('"', false),
                '-' if self.peek(1) == Some('-') => self.skip_line(),
                '/' if self.peek(1) == Some('*') => self.skip_block_comment(),
                '$' => {
                    let opened = self.line;
                    if self.skip_dollar_quoted(start) {
                        body_line.get_or_insert(opened);
                    }
                }
                _ => {
                    self.bump();
                }
            }
        }
        let end = end.unwrap_or(self.at);
        if start == end {
            return if self.at < self.chars.len() { self.next_statement() } else { None };
        }
        let text: String = self.chars[start..end].iter().collect();
        Some(Statement { text: text.trim_end().to_owned(), line, body_line })
    }

    /// Skips a quoted string or identifier; a doubled quote is part of it.
    fn skip_quoted(&mut self, quote: char, backslash_escapes: bool) {
        self.bump();
        while let Some(c) = self.bump() {
            if backslash_escapes && c == '\\' {
                self.bump();
            } else if c == quote {
                if self.peek(0) == Some(quote) {
                    self.bump();
                } else {
                    return;
                }
            }
        }
    }

    /// Skips a dollar-quoted string, `$tag$ ... $tag$`, and says whether
    /// there was one: a `$` may also be a parameter (`$1`) or part of an
    /// identifier (`a$b`).
    fn skip_dollar_quoted(&mut self, start: usize) -> bool {
        let in_word = start < self.at && {
            let before = self.chars[self.at - 1];
            before.is_alphanumeric() || before == '_' || before == '$'
        };
        let mut tag_end = self.at + 1;
        while let Some(&c) = self.chars.get(tag_end) {
            if c == '$' {
                break;
            }
            if !(c.is_alphanumeric() || c == '_') || (tag_end == self.at + 1 && c.is_ascii_digit())
            {
                tag_end = usize::MAX;
                break;
            }
            tag_end += 1;
        }
        if in_word || tag_end >= self.chars.len() {
            self.bump();
            return false;
        }
        let tag: Vec<char> = self.chars[self.at..=tag_end].to_vec();
        for _ in 0..tag.len() {
            self.bump();
        }
        while self.at < self.chars.len() {
            if self.chars[self.at..].starts_with(&tag) {
                for _ in 0..tag.len() {
                    self.bump();
                }
                return true;
            }
            self.bump();
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(String, u32)> {
        split(sql).into_iter().map(|s| (s.text, s.line)).collect()
    }

    #[test]
    fn semicolons_inside_strings_comments_and_bodies_do_not_cut() {
        let sql = "SET search_path = a;\n\
                   -- a comment; still a comment\n\
                   CREATE FUNCTION f() RETURNS text AS $body$\n\
                   BEGIN RETURN 'x;y'; END;\n\
                   $body$ LANGUAGE plpgsql;\n\
                   /* one; /* nested; */ two; */ SELECT E'it\\'s;', \"a;b\" FROM t;\n";
        let got = texts(sql);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], ("SET search_path = a".to_owned(), 1));
        assert_eq!(got[1].1, 3);
        assert!(got[1].0.ends_with("LANGUAGE plpgsql"));
        assert_eq!(got[2], ("SELECT E'it\\'s;', \"a;b\" FROM t".to_owned(), 6));
    }

    #[test]
    fn psql_meta_lines_are_left_out() {
        let got = texts("\\set ON_ERROR_STOP on\n\\i other.sql\nSELECT 1;\n");
        assert_eq!(got, vec![("SELECT 1".to_owned(), 3)]);
        let (_, meta) = split_with_meta_commands("SELECT 1;\n  \\i other.sql  \r\nSELECT 2;\n");
        assert_eq!(meta, [MetaCommand { text: "\\i other.sql".into(), line: 2 }]);
    }

    #[test]
    fn a_body_line_counts_from_the_opening_quote() {
        let s =
            &split("\n\nCREATE FUNCTION f() RETURNS int\nAS $$\nBEGIN\n  RETURN 1;\nEND $$;")[0];
        assert_eq!(s.line, 3);
        assert_eq!(s.body_line, Some(4));
        assert_eq!(s.line_of_body_line(3), 6);
    }

    #[test]
    fn positions_become_file_lines() {
        let s = &split("-- head\nCREATE VIEW v AS\nSELECT b\nFROM t;")[0];
        let position = s.text.find("VIEW").unwrap() as u32 + 1;
        assert_eq!(s.line_of_position(position), 2);
        let position = s.text.rfind('t').unwrap() as u32 + 1;
        assert_eq!(s.line_of_position(position), 4);
    }

    #[test]
    fn dollars_in_names_and_parameters_are_not_quotes() {
        let got = texts("SELECT a$b, $1 FROM t$x;\nSELECT 2;");
        assert_eq!(got.len(), 2, "{got:?}");
    }

    #[test]
    fn a_statement_without_a_final_semicolon_is_kept() {
        assert_eq!(
            texts("SELECT 1;\nSELECT 2\n"),
            vec![("SELECT 1".into(), 1), ("SELECT 2".into(), 2)]
        );
    }
}
