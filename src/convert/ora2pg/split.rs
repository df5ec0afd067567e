//! Splitting one ora2pg output file back into one text per object.
//!
//! ora2pg writes all the objects of a run into one file, sorted by its own
//! rules rather than in input order, and its one-file-per-object settings
//! cover functions only (`FILE_PER_FUNCTION`, named by the name as written,
//! so two schemas' `f` collide). So the output is cut into statements, and
//! each statement is given to the object it names: `CREATE ... name`,
//! `ALTER TABLE name`, `COMMENT ON ... name`, `DROP TRIGGER name`, a
//! trigger's `trigger_fct_name` function. A package's output is the region
//! between ora2pg's own `-- Oracle package 'name' declaration` and `-- End
//! of Oracle package 'name' declaration` lines; its routines go to the body,
//! the rest to the spec.
//!
//! A statement naming no object of the run makes the split fail
//! ([`split`] returns `None`), and the caller converts the objects one by
//! one instead: a wrong split would give an object another's code, which is
//! worse than a slower run.

use std::collections::HashMap;

/// One object of a run, as the splitter sees it.
#[derive(Debug, Clone)]
pub struct Named {
    /// The object's name, without schema, as ora2pg writes it (lower case).
    pub name: String,
    /// Whether it is a package body: it takes a package's routines.
    pub body: bool,
}

/// The text after ora2pg's header (version, copyright, date and session
/// settings), which differs between versions and runs and is not part of
/// any object.
pub fn strip_header(output: &str) -> &str {
    const LAST: &str = "SET check_function_bodies = false;";
    match output.find(LAST) {
        Some(at) => &output[at + LAST.len()..],
        None => output,
    }
}

/// The reason ora2pg gave for writing nothing: its `-- Nothing found of
/// type X` line, if there is one.
pub fn nothing_found(output: &str) -> Option<&str> {
    output.lines().map(str::trim).find(|l| l.starts_with("-- Nothing found"))
}

/// The statements of `output` given to `objects` (by index); an error
/// quoting the first statement that names no object of the run, or that
/// two objects could own. Objects that got no statement are absent.
pub fn split(output: &str, objects: &[Named]) -> Result<HashMap<usize, String>, String> {
    let mut texts: HashMap<usize, String> = HashMap::new();
    let mut pending = String::new();
    let mut package: Option<String> = None;
    let mut last_owner = None;
    for statement in statements(strip_header(output)) {
        if let Some(name) = package_marker(&statement, "-- Oracle package '") {
            package = Some(name);
        }
        let ended = package_marker(&statement, "-- End of Oracle package '").is_some();
        let owner = if ended {
            package = None;
            last_owner
        } else {
            owner(&statement, package.as_deref(), objects).ok_or_else(|| {
                let first = first_code_line(&statement);
                format!(
                    "no single object of the run owns `{}`",
                    first.chars().take(80).collect::<String>()
                )
            })?
        };
        match owner {
            Some(owner) => {
                let text = texts.entry(owner).or_default();
                text.push_str(&std::mem::take(&mut pending));
                text.push_str(&statement);
                last_owner = Some(owner);
            }
            // A comment that names nothing goes with what follows it.
            None => pending.push_str(&statement),
        }
    }
    if !pending.trim().is_empty() {
        let last = last_owner.and_then(|o| texts.get_mut(&o));
        last.ok_or("the output holds only comments")?.push_str(&pending);
    }
    for text in texts.values_mut() {
        *text = tidy(text);
    }
    Ok(texts)
}

/// The object a statement belongs to: `Some(None)` for a comment that names
/// nothing (it goes with the next statement), `None` when the statement
/// names no object of the run (the split fails).
fn owner(statement: &str, package: Option<&str>, objects: &[Named]) -> Option<Option<usize>> {
    let first = first_code_line(statement);
    if first.is_empty() {
        // ora2pg comments out the REVOKE after each routine.
        let revoke = statement.lines().map(str::trim).find_map(|l| l.strip_prefix("-- REVOKE "));
        let Some(revoke) = revoke else { return Some(None) };
        return match package {
            Some(name) => package_owner(name, true, objects).map(Some),
            None => unique_owner(&statement_name(&format!("REVOKE {revoke}"))?, objects).map(Some),
        };
    }
    let upper = first.to_ascii_uppercase();
    if upper.starts_with("CREATE EXTENSION") {
        // What a table's defaults need (uuid-ossp for SYS_GUID): it goes
        // with the table that follows.
        return Some(None);
    }
    if let Some(name) = package {
        let routine = upper.contains(" FUNCTION ") || upper.contains(" PROCEDURE ");
        return package_owner(name, routine, objects).map(Some);
    }
    unique_owner(&statement_name(first)?, objects).map(Some)
}

/// The whole output as the one object's text, for a run of one object.
pub fn whole(output: &str) -> Option<String> {
    let text = tidy(strip_header(output));
    (!text.is_empty() && nothing_found(&text).is_none()).then_some(text)
}

/// Blank-line runs squeezed to one, surrounding blank lines removed, one
/// final newline: ora2pg pads its output with empty lines whose number
/// depends on what else was in the run. Runs of one-line `ALTER TABLE`
/// statements are sorted, foreign keys last: ora2pg writes a table's
/// constraints in an order that changes from run to run.
fn tidy(text: &str) -> String {
    let text = sort_constraints(text);
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn sort_constraints(text: &str) -> String {
    let is_alter = |l: &str| l.starts_with("ALTER TABLE ") && l.trim_end().ends_with(';');
    let key = |l: &&str| (l.contains(" FOREIGN KEY "), l.to_string());
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < lines.len() {
        let run = lines[i..].iter().take_while(|l| is_alter(l)).count().max(1);
        let mut group = lines[i..i + run].to_vec();
        group.sort_by_key(key);
        for line in group {
            out.push_str(line);
            out.push('\n');
        }
        i += run;
    }
    out
}

/// Cuts ora2pg's output into statements, each with the comment lines and
/// blank lines before it. A statement ends at a `;` that ends a line outside
/// a dollar-quoted body and a block comment; a `--` line between statements
/// is a statement of its own.
fn statements(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut dollar: Option<String> = None;
    let mut in_comment = false;
    for line in text.lines() {
        let between = dollar.is_none() && !in_comment && first_code_line(&current).is_empty();
        current.push_str(line);
        current.push('\n');
        if between && line.trim_start().starts_with("--") {
            out.push(std::mem::take(&mut current));
            continue;
        }
        let ends = scan_quotes(line, &mut dollar, &mut in_comment);
        if dollar.is_none() && !in_comment && ends {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Follows dollar quotes (`$body$`), strings and block comments across
/// one line; returns whether the line's code ends with `;`.
fn scan_quotes(line: &str, dollar: &mut Option<String>, in_comment: &mut bool) -> bool {
    let bytes = line.as_bytes();
    let mut last_code = None;
    let mut i = 0;
    while i < bytes.len() {
        if *in_comment {
            match line[i..].find("*/") {
                Some(end) => {
                    *in_comment = false;
                    i += end + 2;
                    continue;
                }
                None => break,
            }
        }
        if let Some(tag) = dollar.as_deref() {
            match line[i..].find(tag) {
                Some(end) => {
                    i += end + tag.len();
                    *dollar = None;
                    last_code = Some(b'$');
                    continue;
                }
                None => break,
            }
        }
        match bytes[i] {
            b'-' if bytes.get(i + 1) == Some(&b'-') => break,
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                *in_comment = true;
                i += 2;
            }
            b'\'' => {
                i += line[i + 1..].find('\'').map_or(bytes.len(), |end| end + 2);
                last_code = Some(b'\'');
            }
            b'$' => match dollar_tag(&line[i..]) {
                Some(tag) => {
                    i += tag.len();
                    *dollar = Some(tag);
                }
                None => i += 1,
            },
            b' ' | b'\t' | b'\r' => i += 1,
            other => {
                last_code = Some(other);
                i += 1;
            }
        }
    }
    last_code == Some(b';') && dollar.is_none() && !*in_comment
}

/// `$tag$` at the start of `text`, if it opens a dollar quote.
fn dollar_tag(text: &str) -> Option<String> {
    let end = text[1..].find('$')? + 1;
    let tag = &text[1..end];
    tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then(|| text[..=end].to_owned())
}

/// The first line of a statement that is not blank or a comment; empty for
/// a statement of comments only.
fn first_code_line(statement: &str) -> &str {
    let mut in_comment = false;
    for line in statement.lines() {
        let trimmed = line.trim();
        if in_comment {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with("--") {
            continue;
        }
        if trimmed.starts_with("/*") {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        return trimmed;
    }
    ""
}

/// The package named by one of ora2pg's package region markers.
fn package_marker(statement: &str, marker: &str) -> Option<String> {
    let line = statement.lines().map(str::trim).find(|l| l.starts_with(marker))?;
    let rest = &line[marker.len()..];
    Some(bare(&rest[..rest.find('\'')?]))
}

/// Who owns a statement inside package `name`'s region: the body for its
/// routines, the spec for the rest; either one when the other is not in the
/// run.
fn package_owner(name: &str, routine: bool, objects: &[Named]) -> Option<usize> {
    let find = |body: bool| objects.iter().position(|o| o.name == name && o.body == body);
    let (spec, body) = (find(false), find(true));
    if routine {
        body.or(spec)
    } else {
        spec.or(body)
    }
}

/// The one object called `name`; `None` when none or several are.
fn unique_owner(name: &str, objects: &[Named]) -> Option<usize> {
    let mut found = objects.iter().enumerate().filter(|(_, o)| o.name == name && !o.body);
    let (first, _) = found.next()?;
    found.next().is_none().then_some(first)
}

/// The name (without schema, lower case) of the object a statement creates
/// or changes, or `None` for a statement that names none (a comment).
fn statement_name(first_line: &str) -> Option<String> {
    if first_line.is_empty() {
        return None;
    }
    let words = words(first_line);
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let at = |i: usize| upper.get(i).map(String::as_str).unwrap_or_default();
    let mut i = 0;
    let name = match at(0) {
        "CREATE" | "ALTER" | "DROP" => {
            i += 1;
            while matches!(
                at(i),
                "OR" | "REPLACE"
                    | "UNIQUE"
                    | "EDITIONABLE"
                    | "NONEDITIONABLE"
                    | "FORCE"
                    | "GLOBAL"
                    | "TEMPORARY"
                    | "UNLOGGED"
                    | "MATERIALIZED"
                    | "BITMAP"
                    | "FOREIGN"
                    | "RECURSIVE"
            ) {
                i += 1;
            }
            // The object kind, then IF [NOT] EXISTS, ONLY, CONCURRENTLY.
            i += 1;
            while matches!(at(i), "IF" | "NOT" | "EXISTS" | "ONLY" | "CONCURRENTLY" | "BODY") {
                i += 1;
            }
            words.get(i)?.clone()
        }
        "COMMENT" => {
            // COMMENT ON COLUMN t.c IS: the table; COMMENT ON TABLE t IS.
            let target = words.get(3)?;
            if at(2) == "COLUMN" {
                let (table, _) = target.rsplit_once('.')?;
                table.to_owned()
            } else {
                target.clone()
            }
        }
        "GRANT" | "REVOKE" => {
            let on = upper.iter().position(|w| w == "ON")?;
            let kinds = ["TABLE", "SEQUENCE", "FUNCTION", "PROCEDURE", "VIEW", "SCHEMA", "TYPE"];
            let skip = usize::from(kinds.contains(&at(on + 1)));
            words.get(on + 1 + skip)?.clone()
        }
        _ => return None,
    };
    Some(generated_for(&bare(&name)))
}

/// The object a routine ora2pg generated belongs to: `trigger_fct_t` is
/// trigger `t`'s function; `virt_col_t_trigger` and its function
/// `fct_virt_col_t_trigger` compute table `t`'s virtual columns.
fn generated_for(name: &str) -> String {
    if let Some(trigger) = name.strip_prefix("trigger_fct_") {
        return trigger.to_owned();
    }
    let virtual_columns = name.strip_prefix("fct_").unwrap_or(name).strip_prefix("virt_col_");
    match virtual_columns.and_then(|n| n.strip_suffix("_trigger")) {
        Some(table) => table.to_owned(),
        None => name.to_owned(),
    }
}

/// The words of a line, with an identifier's quotes and what follows a
/// name (`(`) cut off.
fn words(line: &str) -> Vec<String> {
    line.split_whitespace()
        .map(|w| w.split('(').next().unwrap_or_default().trim_end_matches(';').to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

/// `"Schema"."Name"` → `name`; `trigger_fct_schema.name` → `name`.
fn bare(name: &str) -> String {
    let last = name.rsplit('.').next().unwrap_or(name);
    last.trim_matches('"').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(names: &[(&str, bool)]) -> Vec<Named> {
        names.iter().map(|(n, b)| Named { name: (*n).to_owned(), body: *b }).collect()
    }

    const HEADER: &str = "-- Generated by Ora2Pg, the Oracle database Schema converter, \
        version 23.2\n-- DATASOURCE: \n\nSET client_encoding TO 'UTF8';\n\n\\set ON_ERROR_STOP \
        ON\n\nSET check_function_bodies = false;\n\n";

    #[test]
    fn functions_are_given_to_their_objects_whatever_the_order() {
        let output = format!(
            "{HEADER}\n\n\nCREATE OR REPLACE FUNCTION b (p numeric) RETURNS numeric AS $body$\n\
             BEGIN\n  RETURN p; -- x;\nEND;\n$body$\nLANGUAGE PLPGSQL\n;\n\
             -- REVOKE ALL ON FUNCTION b (p numeric) FROM PUBLIC;\n\n\n\
             CREATE OR REPLACE FUNCTION a () RETURNS text AS $body$\nBEGIN\n  \
             RETURN 'it''s;';\nEND;\n$body$\nLANGUAGE PLPGSQL\n;\n\
             -- REVOKE ALL ON FUNCTION a () FROM PUBLIC;\n"
        );
        let texts = split(&output, &named(&[("a", false), ("b", false)])).unwrap();
        assert!(texts[&0].starts_with("CREATE OR REPLACE FUNCTION a ()"), "{}", texts[&0]);
        assert!(texts[&0].ends_with("-- REVOKE ALL ON FUNCTION a () FROM PUBLIC;\n"));
        assert!(texts[&1].contains("RETURN p; -- x;\nEND;"), "{}", texts[&1]);
        assert!(!texts[&1].contains("FUNCTION a"), "{}", texts[&1]);
    }

    #[test]
    fn a_table_takes_its_constraints_and_a_trigger_its_function() {
        let output = format!(
            "{HEADER}CREATE TABLE s.t (\n\tid bigint NOT NULL\n) ;\n\
             ALTER TABLE s.t ADD PRIMARY KEY (id);\n\
             COMMENT ON COLUMN s.t.id IS 'the key; unique';\n\
             DROP TRIGGER IF EXISTS s.trg ON s.t CASCADE;\n\
             CREATE OR REPLACE FUNCTION trigger_fct_s.trg() RETURNS trigger AS $BODY$\n\
             BEGIN\nRETURN NEW;\nEND\n$BODY$\n LANGUAGE 'plpgsql';\n\
             CREATE TRIGGER s.trg\n\tBEFORE INSERT ON s.t FOR EACH ROW\n\
             \tEXECUTE PROCEDURE trigger_fct_s.trg();\n"
        );
        let texts = split(&output, &named(&[("trg", false), ("t", false)])).unwrap();
        assert_eq!(texts[&1].lines().count(), 5, "{}", texts[&1]);
        assert!(texts[&0].starts_with("DROP TRIGGER IF EXISTS s.trg"), "{}", texts[&0]);
        assert!(texts[&0].contains("EXECUTE PROCEDURE trigger_fct_s.trg();"));
    }

    #[test]
    fn a_table_takes_the_trigger_of_its_virtual_columns_and_its_extension() {
        let output = format!(
            "{HEADER}CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";\n\
             CREATE TABLE t (\n\tid uuid DEFAULT uuid_generate_v4()\n) ;\n\
             DROP TRIGGER IF EXISTS virt_col_t_trigger ON t CASCADE;\n\
             CREATE OR REPLACE FUNCTION fct_virt_col_t_trigger() RETURNS trigger AS $BODY$\n\
             BEGIN\nRETURN NEW;\nend\n$BODY$\n LANGUAGE 'plpgsql';\n\
             CREATE TRIGGER virt_col_t_trigger\n\tBEFORE INSERT ON t FOR EACH ROW\n\
             \tEXECUTE PROCEDURE fct_virt_col_t_trigger();\n"
        );
        let texts = split(&output, &named(&[("t", false)])).unwrap();
        assert!(texts[&0].starts_with("CREATE EXTENSION"), "{}", texts[&0]);
        assert!(texts[&0].contains("CREATE TRIGGER virt_col_t_trigger"), "{}", texts[&0]);
    }

    #[test]
    fn a_table_s_constraints_come_in_one_order() {
        let one = "CREATE TABLE t (a int);\nALTER TABLE t ADD UNIQUE (a);\n\
                   ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES t (b);\n\
                   ALTER TABLE t ADD PRIMARY KEY (b);\n";
        let other = "CREATE TABLE t (a int);\nALTER TABLE t ADD PRIMARY KEY (b);\n\
                     ALTER TABLE t ADD UNIQUE (a);\n\
                     ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES t (b);\n";
        assert_eq!(tidy(one), tidy(other));
        assert!(tidy(one).trim_end().ends_with("REFERENCES t (b);"), "{}", tidy(one));
    }

    #[test]
    fn a_package_region_is_shared_between_spec_and_body() {
        let output = format!(
            "{HEADER}-- Oracle package 'pkg' declaration, please edit to match PostgreSQL \
             syntax.\nDROP SCHEMA IF EXISTS pkg CASCADE;\nCREATE SCHEMA IF NOT EXISTS pkg;\n\
             /* about p\n   CREATE nothing; */\n\
             CREATE OR REPLACE PROCEDURE pkg.p () AS $body$\nBEGIN\nNULL;\nEND;\n$body$\n\
             LANGUAGE PLPGSQL\n;\n-- REVOKE ALL ON PROCEDURE pkg.p () FROM PUBLIC;\n\
             -- End of Oracle package 'pkg' declaration\n"
        );
        let both = named(&[("pkg", false), ("pkg", true)]);
        let texts = split(&output, &both).unwrap();
        assert!(texts[&0].contains("CREATE SCHEMA IF NOT EXISTS pkg;"), "{}", texts[&0]);
        assert!(!texts[&0].contains("PROCEDURE"), "{}", texts[&0]);
        assert!(texts[&1].starts_with("/* about p"), "{}", texts[&1]);
        assert!(texts[&1].contains("-- End of Oracle package"), "{}", texts[&1]);
        let body_only = split(&output, &named(&[("pkg", true)])).unwrap();
        assert!(body_only[&0].starts_with("-- Oracle package 'pkg'"), "{}", body_only[&0]);
    }

    #[test]
    fn a_statement_of_no_object_in_the_run_fails_the_split() {
        let output = format!("{HEADER}CREATE SEQUENCE s.other START 1;\n");
        assert!(split(&output, &named(&[("mine", false)])).is_err());
        let twice = format!("{HEADER}CREATE VIEW a.v AS SELECT 1;\n");
        assert!(split(&twice, &named(&[("v", false), ("v", false)])).is_err());
    }

    #[test]
    fn the_header_and_padding_are_not_part_of_an_object() {
        let output = format!("{HEADER}\n\n\nCREATE SEQUENCE s.q START 1;\n\n\n");
        assert_eq!(whole(&output).unwrap(), "CREATE SEQUENCE s.q START 1;\n");
        let nothing = format!("{HEADER}-- Nothing found of type VIEW\n");
        assert_eq!(whole(&nothing), None);
        assert_eq!(nothing_found(&nothing), Some("-- Nothing found of type VIEW"));
    }
}
