//! Shadow tests: the same call on Oracle and on the converted PostgreSQL
//! code must give the same value.
//!
//! A database engineer writes the cases in TOML, one `[[case]]` table
//! each; the value Oracle gives is captured once (with the rendered
//! `oracle.sql`) and written in as `expected`:
//!
//! ```toml
//! [[case]]
//! name = "iva general"
//! object = "FACTURACION.FN_CALCULAR_IVA (FUNCTION)"
//! args = [100, "GENERAL", { null = true }, 2024-01-31, { sql = "SYSDATE" }]
//! expected = 21.0
//! tolerance = 0.005
//! ```
//!
//! Arguments and `expected` are TOML values: numbers, strings, booleans,
//! dates (`2024-01-31`) and timestamps; `{ null = true }` is NULL; `{ sql
//! = "..." }` is an expression written as is on both sides, `{ oracle =
//! "...", postgres = "..." }` one per side. The call is `object`'s
//! `SCHEMA.NAME` (lower case on PostgreSQL), or `call` (`PKG.FN` of a
//! package) and `postgres_call` when the converted name differs. Instead
//! of a call, `oracle` and `postgres` may give a query of one value.
//!
//! What it does not do: compare rows or OUT parameters, or run anything on
//! Oracle itself (`oracle.sql` is for a person with a connection).

use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

/// Why a cases file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}: {message}")]
pub struct CasesError {
    pub path: String,
    pub line: usize,
    pub message: String,
}

/// One value of a case: an argument or the expected result.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Number(f64),
    Text(String),
    Bool(bool),
    /// `2024-01-31` or `2024-01-31 10:00:00`.
    Date(String),
    /// An expression written as is: the Oracle and the PostgreSQL text.
    Sql {
        oracle: String,
        postgres: String,
    },
}

/// One shadow test.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    /// `SCHEMA.NAME (TYPE)`, when the case tests one object.
    pub object: Option<String>,
    /// The value expression on each side.
    pub oracle: String,
    pub postgres: String,
    /// `None` until the Oracle value has been captured.
    pub expected: Option<Value>,
    /// How far a number may be from the expected one.
    pub tolerance: f64,
    /// The line of the case in the cases file.
    pub line: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    case: Vec<toml::Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    object: Option<String>,
    call: Option<String>,
    postgres_call: Option<String>,
    #[serde(default)]
    args: Vec<toml::Value>,
    oracle: Option<String>,
    postgres: Option<String>,
    expected: Option<toml::Value>,
    tolerance: Option<f64>,
}

/// Reads a cases file.
pub fn read_cases(path: &Path) -> Result<Vec<Case>, CasesError> {
    let shown = path.display().to_string();
    let text = fs_err::read_to_string(path).map_err(|e| CasesError {
        path: shown.clone(),
        line: 0,
        message: format!("cannot read it: {e}"),
    })?;
    parse_cases(&shown, &text)
}

/// Parses the text of a cases file named `shown` in messages.
pub fn parse_cases(shown: &str, text: &str) -> Result<Vec<Case>, CasesError> {
    let line_at = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    let raw: RawFile = toml::from_str(text).map_err(|e| CasesError {
        path: shown.to_owned(),
        line: e.span().map(|s| line_at(s.start)).unwrap_or(0),
        message: e.message().to_owned(),
    })?;
    let mut cases: Vec<Case> = Vec::new();
    for spanned in raw.case {
        let line = line_at(spanned.span().start);
        let err = |message: String| CasesError { path: shown.to_owned(), line, message };
        let case = build(spanned.into_inner(), line).map_err(err)?;
        if cases.iter().any(|c| c.name == case.name) {
            return Err(err(format!("a second case named `{}`: names must differ", case.name)));
        }
        cases.push(case);
    }
    Ok(cases)
}

fn build(raw: RawCase, line: usize) -> Result<Case, String> {
    let name = &raw.name;
    let args: Vec<Value> = raw.args.iter().map(value).collect::<Result<_, _>>()?;
    let (oracle, postgres) = match (&raw.oracle, &raw.postgres) {
        (Some(o), Some(p)) => (format!("({o})"), format!("({p})")),
        (None, None) => {
            let call = raw.call.clone().or_else(|| raw.object.as_deref().and_then(call_of));
            let Some(call) = call else {
                return Err(format!(
                    "case `{name}` says neither what to call nor what to query: give `object = \
                     \"SCHEMA.NAME (FUNCTION)\"`, `call = \"SCHEMA.PACKAGE.FUNCTION\"`, or \
                     `oracle` and `postgres` queries"
                ));
            };
            let pg_call = raw.postgres_call.clone().unwrap_or_else(|| call.to_lowercase());
            let list = |oracle: bool| -> String {
                let rendered: Vec<String> = args.iter().map(|a| literal(a, oracle)).collect();
                rendered.join(", ")
            };
            (format!("{call}({})", list(true)), format!("{pg_call}({})", list(false)))
        }
        _ => return Err(format!("case `{name}` has only one of `oracle` and `postgres`")),
    };
    let expected = raw.expected.as_ref().map(value).transpose()?;
    if matches!(expected, Some(Value::Sql { .. })) {
        return Err(format!("the expected value of case `{name}` is a value, not `sql`"));
    }
    let tolerance = raw.tolerance.unwrap_or(0.0);
    if tolerance < 0.0 {
        return Err(format!("the tolerance of case `{name}` is negative"));
    }
    Ok(Case { name: raw.name, object: raw.object, oracle, postgres, expected, tolerance, line })
}

/// `SCHEMA.NAME` of a function or procedure object; packages need `call`.
fn call_of(object: &str) -> Option<String> {
    let (schema, name, kind) = super::worklist::split_object(object);
    if kind.starts_with("PACKAGE") {
        return None;
    }
    Some(if schema.is_empty() { name.to_owned() } else { format!("{schema}.{name}") })
}

fn value(v: &toml::Value) -> Result<Value, String> {
    Ok(match v {
        toml::Value::String(s) => Value::Text(s.clone()),
        toml::Value::Integer(i) => Value::Number(*i as f64),
        toml::Value::Float(f) => Value::Number(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::Date(d.to_string().replace('T', " ")),
        toml::Value::Table(t) => table_value(t)?,
        toml::Value::Array(_) => return Err("a list is not a value of a case".to_owned()),
    })
}

fn table_value(t: &toml::Table) -> Result<Value, String> {
    let text = |key: &str| t.get(key).and_then(toml::Value::as_str).map(str::to_owned);
    if t.get("null").and_then(toml::Value::as_bool) == Some(true) && t.len() == 1 {
        return Ok(Value::Null);
    }
    match (text("sql"), text("oracle"), text("postgres")) {
        (Some(sql), None, None) => Ok(Value::Sql { oracle: sql.clone(), postgres: sql }),
        (None, Some(oracle), Some(postgres)) => Ok(Value::Sql { oracle, postgres }),
        _ => Err(format!(
            "`{t}` is not a value: write {{ null = true }}, {{ sql = \"...\" }} or {{ oracle = \
             \"...\", postgres = \"...\" }}"
        )
        .replace('\n', " ")),
    }
}

/// A value as SQL text for one side.
fn literal(v: &Value, oracle: bool) -> String {
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Text(s) => format!("'{}'", s.replace('\'', "''")),
        Value::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Value::Date(d) if d.len() <= 10 => format!("DATE '{d}'"),
        Value::Date(d) => format!("TIMESTAMP '{d}'"),
        Value::Sql { oracle: o, postgres: p } => if oracle { o } else { p }.clone(),
    }
}

/// A value as it reads in results.
pub fn shown(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Text(s) => format!("'{s}'"),
        Value::Bool(b) => b.to_string(),
        Value::Date(d) => d.clone(),
        Value::Sql { postgres, .. } => postgres.clone(),
    }
}

/// How a case fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// No expected value yet: capture it with `oracle.sql`.
    NoExpected,
    /// No database was configured.
    NotRun,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Fail => "FAIL",
            Outcome::NoExpected => "NO-EXPECTED",
            Outcome::NotRun => "NOT-RUN",
        }
    }
}

/// Compares what PostgreSQL returned (as text) with the expected value;
/// `Err` holds the difference, said in words.
pub fn compare(expected: &Value, actual: Option<&str>, tolerance: f64) -> Result<(), String> {
    let Some(actual) = actual else {
        return match expected {
            Value::Null => Ok(()),
            e => Err(format!("expected {}, got NULL", shown(e))),
        };
    };
    let mismatch = || Err(format!("expected {}, got '{actual}'", shown(expected)));
    match expected {
        Value::Null => Err(format!("expected NULL, got '{actual}'")),
        Value::Number(e) => {
            let Ok(a) = actual.trim().parse::<f64>() else {
                return Err(format!("expected the number {e}, got '{actual}'"));
            };
            let difference = a - e;
            // Decimal text and binary floats: allow what their rounding costs.
            let slack = tolerance + 1e-9 * e.abs().max(1.0);
            if difference.abs() <= slack {
                Ok(())
            } else {
                Err(format!(
                    "expected {e}, got {a}: difference {difference} (tolerance {tolerance})"
                ))
            }
        }
        Value::Text(e) if e == actual => Ok(()),
        Value::Bool(e) if matches!(actual, "t" | "true") == *e => Ok(()),
        Value::Bool(_) if matches!(actual, "t" | "true" | "f" | "false") => mismatch(),
        // Oracle's DATE became a timestamp: midnight of the expected date is that date.
        Value::Date(e) if actual == e || actual.strip_prefix(e.as_str()) == Some(" 00:00:00") => {
            Ok(())
        }
        _ => mismatch(),
    }
}

/// The script to run on Oracle (SQL*Plus or SQLcl) to capture or confirm
/// the expected values.
pub fn render_oracle(cases: &[Case], source: &str) -> String {
    let mut out = format!(
        "-- Shadow tests of {source}, for Oracle: run with SQL*Plus or SQLcl (@oracle.sql)\n\
         -- and write each `actual` as the case's `expected` (NULL as {{ null = true }}).\n\
         SET NULL '<NULL>'\nSET LINESIZE 200\nSET PAGESIZE 100\nCOLUMN case_name FORMAT A40\n\
         COLUMN actual FORMAT A60\n\n"
    );
    for case in cases {
        let _ = writeln!(out, "-- {}", comment(case));
        let _ = writeln!(
            out,
            "SELECT '{}' AS case_name, TO_CHAR({}) AS actual FROM dual;\n",
            case.name.replace('\'', "''"),
            case.oracle
        );
    }
    out
}

/// The script to run on PostgreSQL, after the converted objects, with psql.
pub fn render_postgres(cases: &[Case], source: &str) -> String {
    let mut out = format!(
        "-- Shadow tests of {source}, for PostgreSQL: run with psql after the converted\n\
         -- objects are applied; pipeline runs the same queries and compares.\n\\pset null '<NULL>'\n\n"
    );
    for case in cases {
        let _ = writeln!(out, "-- {}", comment(case));
        let _ = writeln!(out, "{};\n", postgres_query(case));
    }
    out
}

/// The query pipeline runs for a case: one text value.
pub fn postgres_query(case: &Case) -> String {
    format!(
        "SELECT '{}' AS case_name, ({})::text AS actual",
        case.name.replace('\'', "''"),
        case.postgres
    )
}

fn comment(case: &Case) -> String {
    let expected = match &case.expected {
        Some(v) => shown(v),
        None => "not captured yet".to_owned(),
    };
    let tolerance =
        if case.tolerance > 0.0 { format!(" ± {}", case.tolerance) } else { String::new() };
    format!("case `{}` (line {}): expected {expected}{tolerance}", case.name, case.line)
        .replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &str = r#"
[[case]]
name = "iva"
object = "FACTURACION.FN_CALCULAR_IVA (FUNCTION)"
args = [100, "O'Brien", { null = true }, 2024-01-31]
expected = 21.0
tolerance = 0.01

[[case]]
name = "pkg"
call = "VENTAS.PKG_A.TOTAL"
postgres_call = "pkg_a.total"
expected = { null = true }

[[case]]
name = "query"
oracle = "SELECT 1 FROM dual"
postgres = "SELECT 1"
"#;

    #[test]
    fn calls_render_for_each_side() {
        let cases = parse_cases("cases.toml", CASES).unwrap();
        assert_eq!(
            cases[0].oracle,
            "FACTURACION.FN_CALCULAR_IVA(100, 'O''Brien', NULL, DATE '2024-01-31')"
        );
        assert_eq!(
            cases[0].postgres,
            "facturacion.fn_calcular_iva(100, 'O''Brien', NULL, DATE '2024-01-31')"
        );
        assert_eq!(cases[0].line, 2);
        assert_eq!(cases[1].postgres, "pkg_a.total()");
        assert_eq!(cases[1].expected, Some(Value::Null));
        assert_eq!(cases[2].postgres, "(SELECT 1)");
        assert_eq!(cases[2].expected, None);
        let oracle = render_oracle(&cases, "cases.toml");
        assert!(oracle.contains("TO_CHAR((SELECT 1 FROM dual)) AS actual FROM dual;"), "{oracle}");
    }

    #[test]
    fn a_package_without_a_call_is_reported_at_its_line() {
        let text = "[[case]]\nname = \"a\"\ncall = \"S.F\"\n\n[[case]]\nname = \"b\"\n\
                    object = \"S.PKG (PACKAGE BODY)\"\n";
        let e = parse_cases("cases.toml", text).unwrap_err();
        assert_eq!(e.line, 5, "{e}");
        assert!(e.message.contains("neither what to call"), "{e}");
    }

    #[test]
    fn numbers_compare_within_the_tolerance() {
        assert!(compare(&Value::Number(21.0), Some("21.00"), 0.0).is_ok());
        assert!(compare(&Value::Number(21.0), Some("21.004"), 0.005).is_ok());
        let e = compare(&Value::Number(21.0), Some("21.5"), 0.01).unwrap_err();
        assert_eq!(e, "expected 21, got 21.5: difference 0.5 (tolerance 0.01)");
    }

    #[test]
    fn null_is_equal_only_to_null() {
        assert!(compare(&Value::Null, None, 0.0).is_ok());
        assert_eq!(compare(&Value::Null, Some("0"), 0.0).unwrap_err(), "expected NULL, got '0'");
        assert_eq!(
            compare(&Value::Text("x".into()), None, 0.0).unwrap_err(),
            "expected 'x', got NULL"
        );
    }

    #[test]
    fn a_date_matches_its_midnight() {
        let date = Value::Date("2024-01-31".into());
        assert!(compare(&date, Some("2024-01-31 00:00:00"), 0.0).is_ok());
        assert!(compare(&date, Some("2024-01-31 10:00:00"), 0.0).is_err());
    }
}
