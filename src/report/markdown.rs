//! Renders a [`Document`] as GitHub-flavoured Markdown.
//!
//! Names and code go in code spans; prose is escaped where Markdown would read it as markup,
//! so an object called `A_*B*` or a reason holding `<` shows as written. Charts are left out:
//! the table before each one already holds its figures.

use std::fmt::Write;

use super::document::{Block, Document, Span, Table};

pub(crate) fn render(document: &Document) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", inline(&[Span::Text(document.title.clone())], false));
    let _ = writeln!(out, "{}", inline(&document.intro, false));
    for section in &document.sections {
        let hashes = "#".repeat(usize::from(section.level));
        let _ = writeln!(out, "\n{hashes} {}", escape_text(&section.title, false));
        for block in &section.blocks {
            match block {
                Block::Paragraph(spans) => {
                    let _ = writeln!(out, "\n{}", inline(spans, false));
                }
                Block::List(items) => {
                    out.push('\n');
                    for item in items {
                        let _ = writeln!(out, "- {}", inline(item, false));
                    }
                }
                Block::Table(table) => table_to(&mut out, table),
                Block::Chart(_) => {}
            }
        }
    }
    out
}

fn table_to(out: &mut String, table: &Table) {
    let titles: Vec<&str> = table.columns.iter().map(|c| c.title).collect();
    let rule: Vec<&str> =
        table.columns.iter().map(|c| if c.numeric { "---:" } else { "---" }).collect();
    let _ = writeln!(out, "\n| {} |", titles.join(" | "));
    let _ = writeln!(out, "|{}|", rule.join("|"));
    for row in &table.rows {
        let cells: Vec<String> = row.iter().map(|spans| inline(spans, true)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
}

/// Spans as one line of Markdown; `in_table` also escapes the cell separator `|`, which
/// GitHub honours even inside code spans.
fn inline(spans: &[Span], in_table: bool) -> String {
    let mut out = String::new();
    for span in spans {
        match span {
            Span::Text(text) => out.push_str(&escape_text(text, in_table)),
            Span::Strong(text) => {
                let _ = write!(out, "**{}**", escape_text(text, in_table));
            }
            Span::Code(text) => out.push_str(&code_span(text, in_table)),
        }
    }
    out
}

/// Backslash-escapes the punctuation Markdown could take for markup. Underscores inside a
/// word are left alone, since GitHub never reads them as emphasis and names like `EMP_PKG`
/// stay legible in the raw file.
fn escape_text(text: &str, in_table: bool) -> String {
    let chars: Vec<char> = one_line(text).chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let escape = match c {
            // `$` opens inline math on GitHub (`V$SESSION ... V$MYSTAT`).
            '\\' | '`' | '*' | '[' | ']' | '<' | '>' | '&' | '#' | '!' | '~' | '$' => true,
            '|' => in_table,
            '_' => {
                let word = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric())
                };
                !(word(i.checked_sub(1)) && word(Some(i + 1)))
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span with a fence longer than any run of backticks inside it.
fn code_span(text: &str, in_table: bool) -> String {
    let text = one_line(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    let body = if in_table { text.replace('|', "\\|") } else { text };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Line breaks would end a table row or a paragraph; they become spaces.
fn one_line(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscores_inside_words_stay_as_written() {
        assert_eq!(escape_text("EMP_PKG uses _x and y_", false), r"EMP_PKG uses \_x and y\_");
    }

    #[test]
    fn markup_characters_are_escaped_and_pipes_only_in_tables() {
        assert_eq!(escape_text("V$SESSION and V$MYSTAT", false), r"V\$SESSION and V\$MYSTAT");
        assert_eq!(escape_text("a*b* <c> [d] | e", false), r"a\*b\* \<c\> \[d\] | e");
        assert_eq!(escape_text("a | b", true), r"a \| b");
    }

    #[test]
    fn code_spans_get_a_fence_longer_than_their_backticks() {
        assert_eq!(code_span("a`b", false), "``a`b``");
        assert_eq!(code_span("`x`", false), "`` `x` ``");
        assert_eq!(code_span("a|b\nc", true), r"`a\|b c`");
    }
}
