//! Oracle data types as PostgreSQL writes them.
//!
//! The mapping keeps arithmetic meaning first: `NUMBER` with or without
//! precision becomes `numeric`, never `integer` or `bigint`, because
//! PostgreSQL divides integers by truncating and Oracle does not (`7/2` is
//! 3.5 in Oracle, 3 for two PostgreSQL integers). Only PL/SQL's own integer
//! types (`PLS_INTEGER`, `BINARY_INTEGER` and their subtypes) become
//! `integer`. `DATE` keeps its time of day as `timestamp(0)`.

use sqlparser::tokenizer::Token;

use super::text::{self, Item};

/// A type written for PostgreSQL, and what a reader should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapped {
    pub text: String,
    pub note: Option<String>,
}

impl Mapped {
    fn plain(text: impl Into<String>) -> Mapped {
        Mapped { text: text.into(), note: None }
    }
}

/// The PostgreSQL spelling of a built-in Oracle type, given as tokens
/// without `%TYPE` and the like; `None` for a name that is not built in
/// (a table's `%ROWTYPE`, a user's type).
pub fn builtin(items: &[Item]) -> Option<Mapped> {
    let first = items.first()?.word()?;
    let args = parenthesised(items);
    let rest: Vec<String> = items.iter().skip(1).filter_map(Item::word).collect();
    let has = |w: &str| rest.iter().any(|r| r == w);
    let mapped = match first.as_str() {
        "NUMBER" | "NUMERIC" | "DECIMAL" | "DEC" => match args.as_deref() {
            Some(a) if a.trim() == "*" || a.trim_start().starts_with('*') => {
                Mapped::plain("numeric")
            }
            Some(a) => Mapped::plain(format!("numeric({})", a.trim())),
            None => Mapped::plain("numeric"),
        },
        "INTEGER" | "INT" | "SMALLINT" => Mapped::plain("numeric(38)"),
        "PLS_INTEGER" | "BINARY_INTEGER" | "NATURAL" | "NATURALN" | "POSITIVE" | "POSITIVEN"
        | "SIGNTYPE" | "SIMPLE_INTEGER" => Mapped {
            text: "integer".to_owned(),
            note: Some(format!(
                "{first} (here and below) became integer: PostgreSQL truncates integer division \
                 where Oracle rounds the result on assignment"
            )),
        },
        "FLOAT" | "BINARY_DOUBLE" | "DOUBLE" => Mapped::plain("double precision"),
        "BINARY_FLOAT" | "REAL" => Mapped::plain("real"),
        "VARCHAR2" | "VARCHAR" | "NVARCHAR2" | "STRING" => match args {
            Some(a) => Mapped::plain(format!("varchar({})", length_only(&a))),
            None => Mapped::plain("varchar"),
        },
        "CHAR" | "NCHAR" | "CHARACTER" if has("VARYING") => Mapped::plain("varchar"),
        "CHAR" | "NCHAR" | "CHARACTER" => match args {
            Some(a) => Mapped::plain(format!("char({})", length_only(&a))),
            None => Mapped::plain("char"),
        },
        "CLOB" | "NCLOB" | "LONG" if !has("RAW") => Mapped::plain("text"),
        "BLOB" | "RAW" | "BFILE" | "LONG" => Mapped::plain("bytea"),
        "DATE" => Mapped::plain("timestamp(0)"),
        "TIMESTAMP" if has("ZONE") => Mapped::plain(match args {
            Some(a) => format!("timestamptz({})", a.trim()),
            None => "timestamptz".to_owned(),
        }),
        "TIMESTAMP" => Mapped::plain(match args {
            Some(a) => format!("timestamp({})", a.trim()),
            None => "timestamp".to_owned(),
        }),
        "INTERVAL" => Mapped::plain("interval"),
        // PL/SQL's STANDARD subtypes without precision limits.
        "TIMESTAMP_UNCONSTRAINED" => Mapped::plain("timestamp"),
        "TIMESTAMP_TZ_UNCONSTRAINED" | "TIMESTAMP_LTZ_UNCONSTRAINED" => {
            Mapped::plain("timestamptz")
        }
        "YMINTERVAL_UNCONSTRAINED" | "DSINTERVAL_UNCONSTRAINED" => Mapped::plain("interval"),
        "BOOLEAN" => Mapped::plain("boolean"),
        "XMLTYPE" => Mapped::plain("xml"),
        "SYS_REFCURSOR" => Mapped::plain("refcursor"),
        "ROWID" | "UROWID" => Mapped {
            text: "text".to_owned(),
            note: Some(format!("{first} has no PostgreSQL equivalent; kept as text")),
        },
        _ => return None,
    };
    Some(mapped)
}

/// `VARCHAR2(10 CHAR)` is 10 characters in PostgreSQL too; `BYTE` is close
/// enough for any single-byte data.
fn length_only(args: &str) -> String {
    let first = args.split_whitespace().next().unwrap_or("");
    first.trim_end_matches(',').to_owned()
}

/// The text inside the first `(...)` of a type, if any.
fn parenthesised(items: &[Item]) -> Option<String> {
    let open = items.iter().position(|i| i.token == Token::LParen)?;
    let close = text::matching_paren(items, open)?;
    Some(text::join(&items[open + 1..close]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plsql::ast::Span;

    fn map(text: &str) -> String {
        let items = text::items_of(text, Span::default()).unwrap().items;
        builtin(&items).map_or_else(|| "-".to_owned(), |m| m.text)
    }

    #[test]
    fn numbers_stay_numeric_so_division_keeps_its_meaning() {
        assert_eq!(map("NUMBER"), "numeric");
        assert_eq!(map("NUMBER(10)"), "numeric(10)");
        assert_eq!(map("number(12, 2)"), "numeric(12, 2)");
        assert_eq!(map("NUMBER(*,0)"), "numeric");
        assert_eq!(map("INTEGER"), "numeric(38)");
        assert_eq!(map("PLS_INTEGER"), "integer");
    }

    #[test]
    fn strings_dates_and_lobs() {
        assert_eq!(map("VARCHAR2(30 CHAR)"), "varchar(30)");
        assert_eq!(map("varchar2"), "varchar");
        assert_eq!(map("CHAR(1)"), "char(1)");
        assert_eq!(map("DATE"), "timestamp(0)");
        assert_eq!(map("TIMESTAMP(6) WITH TIME ZONE"), "timestamptz(6)");
        assert_eq!(map("TIMESTAMP WITH LOCAL TIME ZONE"), "timestamptz");
        assert_eq!(map("CLOB"), "text");
        assert_eq!(map("LONG RAW"), "bytea");
        assert_eq!(map("RAW(16)"), "bytea");
        assert_eq!(map("SYS_REFCURSOR"), "refcursor");
        assert_eq!(map("timestamp_tz_unconstrained"), "timestamptz");
        assert_eq!(map("DSINTERVAL_UNCONSTRAINED"), "interval");
        assert_eq!(map("EMPLOYEES"), "-");
    }
}
