//! The SQL in an agent's answer.
//!
//! Models are asked for one ```` ```sql ```` block, and most comply; some
//! add a sentence before or after it, split the object over several blocks,
//! leave the language off the fence, or send bare SQL. All of those are
//! read. What is refused, with a reason a person can act on: an empty
//! answer, prose with no SQL, code in another language, and a fence left
//! open (an answer cut off mid-block would otherwise pass for a short one).

/// Languages a fence may name for its block to count as SQL.
const SQL_FENCES: [&str; 6] = ["sql", "pgsql", "plpgsql", "postgres", "postgresql", "psql"];

/// Words a statement of converted code can start with.
const SQL_STARTS: [&str; 19] = [
    "ALTER", "BEGIN", "CALL", "COMMENT", "COMMIT", "CREATE", "DECLARE", "DELETE", "DO", "DROP",
    "GRANT", "INSERT", "REVOKE", "SELECT", "SET", "TRUNCATE", "UPDATE", "VALUES", "WITH",
];

/// A fenced block: the language its fence names (lowercased, maybe empty)
/// and its lines.
struct Block {
    language: String,
    body: String,
}

/// The SQL in an agent's answer: the ```` ```sql ```` fenced block(s)
/// joined, or the whole text when it has no fence and reads as SQL. Blocks
/// with no language count when no block names SQL. Err with a one-line
/// reason for an empty answer, prose only, code in another language, or an
/// unterminated fence.
pub fn extract_sql(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the answer is empty".to_owned());
    }
    let blocks = blocks(text)?;
    if blocks.is_empty() {
        return match reads_as_sql(text) {
            true => Ok(format!("{}\n", text.trim())),
            false => Err(format!("the answer holds no SQL: {}", opening(text))),
        };
    }
    let named: Vec<&Block> =
        blocks.iter().filter(|b| SQL_FENCES.contains(&b.language.as_str())).collect();
    let chosen = match named.is_empty() {
        false => named,
        true => blocks.iter().filter(|b| b.language.is_empty() && reads_as_sql(&b.body)).collect(),
    };
    let sql: Vec<&str> =
        chosen.iter().map(|b| b.body.trim()).filter(|body| !body.is_empty()).collect();
    if sql.is_empty() {
        let languages: Vec<&str> = blocks
            .iter()
            .map(|b| if b.language.is_empty() { "unlabelled" } else { b.language.as_str() })
            .collect();
        return Err(format!(
            "the answer has no ```sql block with code in it (its blocks: {})",
            languages.join(", ")
        ));
    }
    Ok(format!("{}\n", sql.join("\n\n")))
}

/// The fenced blocks of `text`, in order; Err when one is never closed.
fn blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, usize, Block)> = None;
    for (number, line) in text.lines().enumerate() {
        let fence = fence(line);
        match (&mut open, fence) {
            (None, Some((ticks, info))) => {
                let language = info.split_whitespace().next().unwrap_or_default();
                let block = Block { language: language.to_ascii_lowercase(), body: String::new() };
                open = Some((number + 1, ticks, block));
            }
            (Some((_, ticks, _)), Some((closing, ""))) if closing >= *ticks => {
                let (_, _, block) = open.take().expect("a block is open");
                blocks.push(block);
            }
            (Some((_, _, block)), _) => {
                block.body.push_str(line);
                block.body.push('\n');
            }
            (None, None) => {}
        }
    }
    match open {
        Some((line, _, _)) => {
            Err(format!("the answer's code block opened on line {line} is never closed (cut off?)"))
        }
        None => Ok(blocks),
    }
}

/// A fence line's backticks and the text after them (its info string).
fn fence(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    // Indented four spaces or more, it is code, not a fence.
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let ticks = trimmed.bytes().take_while(|&b| b == b'`').count();
    let info = trimmed[ticks..].trim();
    (ticks >= 3 && !info.contains('`')).then_some((ticks, info))
}

/// Whether `text`'s first line of code, past comments, starts a statement,
/// and a statement ends somewhere: prose can open with "Create" or "With",
/// but seldom holds a semicolon.
fn reads_as_sql(text: &str) -> bool {
    starts_a_statement(text) && text.contains(';')
}

fn starts_a_statement(text: &str) -> bool {
    let mut in_comment = false;
    for line in text.lines() {
        let mut rest = line.trim();
        if in_comment {
            let Some(end) = rest.find("*/") else { continue };
            rest = rest[end + 2..].trim();
            in_comment = false;
        }
        if let Some(after) = rest.strip_prefix("/*") {
            match after.find("*/") {
                Some(end) => rest = after[end + 2..].trim(),
                None => {
                    in_comment = true;
                    continue;
                }
            }
        }
        if rest.is_empty() || rest.starts_with("--") {
            continue;
        }
        let word: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
        return SQL_STARTS.contains(&word.to_ascii_uppercase().as_str());
    }
    false
}

/// The start of an answer, on one line, for an error.
fn opening(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(80) {
        Some((end, _)) => format!("\"{}...\"", &line[..end]),
        None => format!("\"{line}\""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FUNCTION: &str = "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql AS $$ \
                            SELECT 1 $$;";

    #[test]
    fn a_sql_block_is_taken_from_the_prose_around_it() {
        let text = format!(
            "Here is the conversion:\n\n```sql\n{FUNCTION}\n```\n\nNote: NVL became COALESCE."
        );
        assert_eq!(extract_sql(&text).unwrap(), format!("{FUNCTION}\n"));
    }

    #[test]
    fn several_sql_blocks_are_joined_in_order() {
        let text = "First the type:\n```sql\nCREATE TYPE t AS (a int);\n```\nThen:\n\
                    ```SQL\nCREATE FUNCTION g() RETURNS t LANGUAGE sql AS $$ SELECT ROW(1) $$;\n\
                    ```\n";
        assert_eq!(
            extract_sql(text).unwrap(),
            "CREATE TYPE t AS (a int);\n\n\
             CREATE FUNCTION g() RETURNS t LANGUAGE sql AS $$ SELECT ROW(1) $$;\n"
        );
    }

    #[test]
    fn postgres_dialect_names_count_as_sql() {
        let text = "```plpgsql\nDO $$ BEGIN NULL; END $$;\n```";
        assert_eq!(extract_sql(text).unwrap(), "DO $$ BEGIN NULL; END $$;\n");
    }

    #[test]
    fn only_sql_blocks_are_taken_when_other_languages_come_too() {
        let text = "```sql\nDROP TABLE t;\n```\nTest it with:\n```bash\npsql -f out.sql\n```";
        assert_eq!(extract_sql(text).unwrap(), "DROP TABLE t;\n");
    }

    #[test]
    fn an_unlabelled_block_counts_when_it_reads_as_sql() {
        assert_eq!(
            extract_sql("```\n-- converted\nSELECT 1;\n```").unwrap(),
            "-- converted\nSELECT 1;\n"
        );
        let err = extract_sql("```\nThis cannot be converted.\n```").unwrap_err();
        assert!(err.contains("no ```sql block"), "{err}");
    }

    #[test]
    fn bare_sql_is_taken_whole() {
        let text = format!("\n/* from pkg_orders */\n-- body\n{FUNCTION}\n\n");
        assert_eq!(
            extract_sql(&text).unwrap(),
            format!("/* from pkg_orders */\n-- body\n{FUNCTION}\n")
        );
    }

    #[test]
    fn an_empty_answer_is_refused() {
        assert_eq!(extract_sql(" \n\t").unwrap_err(), "the answer is empty");
    }

    #[test]
    fn prose_alone_is_refused_quoting_its_start() {
        let err = extract_sql("I'm sorry, but I need the package specification too.").unwrap_err();
        assert_eq!(
            err,
            "the answer holds no SQL: \"I'm sorry, but I need the package specification too.\""
        );
        assert!(extract_sql("-- nothing to convert\n").is_err());
        assert!(!extract_sql(&"word ".repeat(100)).unwrap_err().contains('\n'));
        assert!(extract_sql("Create the function by hand: it needs DBMS_PIPE").is_err());
    }

    #[test]
    fn code_in_another_language_is_refused_naming_it() {
        let err = extract_sql("```python\nprint('hi')\n```").unwrap_err();
        assert_eq!(err, "the answer has no ```sql block with code in it (its blocks: python)");
        assert!(extract_sql("```sql\n\n```").is_err());
    }

    #[test]
    fn an_unterminated_fence_is_refused_naming_its_line() {
        let err =
            extract_sql("Here:\n```sql\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN").unwrap_err();
        assert_eq!(err, "the answer's code block opened on line 2 is never closed (cut off?)");
    }

    #[test]
    fn a_longer_fence_holds_a_shorter_one() {
        let text = "````sql\nSELECT '```';\n```\n````";
        assert_eq!(extract_sql(text).unwrap(), "SELECT '```';\n```\n");
    }
}
