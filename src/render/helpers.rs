//! Escaping helpers, one per output context. Templates insert every value through one of these,
//! never raw, so a value containing a quote, a newline or a `$` cannot change the meaning of
//! the file it lands in.
//!
//! | helper | output | for |
//! |---|---|---|
//! | `json v` | `v` as compact JSON | JSON, JavaScript, and YAML (JSON is valid YAML flow syntax) |
//! | `sql_literal v` | `'v'` with quotes doubled | SQL string constants and SQL comments |
//! | `sql_ident v` | `"v"` with quotes doubled | SQL identifiers |
//! | `sh v` | `'v'`, POSIX single-quoted | shell words and `.env` values |
//! | `integer v` | `v`, which must be an integer | numbers in any context |
//! | `join list sep` | the items joined by `sep`, as a string | subexpressions, e.g. `(join ids ",")` |
//! | `concat a b ...` | the scalars put end to end, as a string | subexpressions, e.g. ARNs |
//!
//! A missing parameter is reported as a missing manifest value, with its path.

use handlebars::{
    Context, Handlebars, Helper, HelperDef, RenderContext, RenderError, RenderErrorReason,
    ScopedJson,
};
use serde_json::Value;

/// Registers every helper of this module on `registry`.
pub fn register(registry: &mut Handlebars<'_>) {
    registry.register_helper("json", Box::new(Escape(json)));
    registry.register_helper("sql_literal", Box::new(Escape(sql_literal)));
    registry.register_helper("sql_ident", Box::new(Escape(sql_ident)));
    registry.register_helper("sh", Box::new(Escape(sh)));
    registry.register_helper("integer", Box::new(Escape(integer)));
    registry.register_helper("join", Box::new(Join));
    registry.register_helper("concat", Box::new(Concat));
}

/// A one-parameter helper that turns a value into escaped text, or refuses it.
struct Escape(fn(&Value) -> Result<String, String>);

impl HelperDef for Escape {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let (path, value) = param(h, 0)?;
        let text = (self.0)(value).map_err(|why| refused(h.name(), &path, &why))?;
        Ok(ScopedJson::Derived(Value::String(text)))
    }
}

struct Join;

impl HelperDef for Join {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let (path, list) = param(h, 0)?;
        let (_, separator) = param(h, 1)?;
        let separator = separator.as_str().ok_or_else(|| refused("join", "", "separator"))?;
        let items = list.as_array().ok_or_else(|| refused("join", &path, "expected a list"))?;
        let words: Result<Vec<String>, String> = items.iter().map(scalar_text).collect();
        let words = words.map_err(|why| refused("join", &path, &why))?;
        Ok(ScopedJson::Derived(Value::String(words.join(separator))))
    }
}

struct Concat;

impl HelperDef for Concat {
    fn call_inner<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
    ) -> Result<ScopedJson<'rc>, RenderError> {
        let mut joined = String::new();
        for index in 0..h.params().len() {
            let (path, value) = param(h, index)?;
            joined.push_str(&scalar_text(value).map_err(|why| refused("concat", &path, &why))?);
        }
        Ok(ScopedJson::Derived(Value::String(joined)))
    }
}

/// The value of parameter `index` and the manifest path it came from. In strict mode a
/// parameter naming a missing value is an error that names the value's path.
fn param<'a>(h: &'a Helper<'_>, index: usize) -> Result<(String, &'a Value), RenderError> {
    let Some(param) = h.param(index) else {
        let reason = RenderErrorReason::ParamNotFoundForIndex("helper", index);
        return Err(reason.into());
    };
    let path = param.relative_path().cloned().unwrap_or_default();
    if param.is_value_missing() {
        return Err(RenderErrorReason::MissingVariable(Some(path)).into());
    }
    Ok((path, param.value()))
}

fn refused(helper: &str, path: &str, why: &str) -> RenderError {
    RenderErrorReason::Other(format!("helper `{helper}` refused value `{path}`: {why}")).into()
}

fn scalar_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => {
            Err(format!("expected a string, number or boolean, found {}", kind(value)))
        }
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

pub fn json(value: &Value) -> Result<String, String> {
    serde_json::to_string(value).map_err(|error| error.to_string())
}

/// Assumes `standard_conforming_strings` is on (the default since PostgreSQL 9.1), so a
/// backslash is an ordinary character and only the quote needs doubling.
pub fn sql_literal(value: &Value) -> Result<String, String> {
    let text = scalar_text(value)?;
    if text.contains('\0') {
        return Err("SQL text cannot contain a NUL character".to_owned());
    }
    Ok(format!("'{}'", text.replace('\'', "''")))
}

pub fn sql_ident(value: &Value) -> Result<String, String> {
    let Value::String(text) = value else {
        return Err(format!("expected an identifier string, found {}", kind(value)));
    };
    if text.is_empty() || text.contains('\0') {
        return Err("an identifier must be non-empty and contain no NUL".to_owned());
    }
    Ok(format!("\"{}\"", text.replace('"', "\"\"")))
}

pub fn sh(value: &Value) -> Result<String, String> {
    let text = scalar_text(value)?;
    Ok(format!("'{}'", text.replace('\'', r"'\''")))
}

pub fn integer(value: &Value) -> Result<String, String> {
    match value {
        Value::Number(number) if number.is_i64() || number.is_u64() => Ok(number.to_string()),
        _ => Err(format!("expected an integer, found {}", kind(value))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sql_literal_doubles_quotes_and_keeps_backslashes() {
        assert_eq!(sql_literal(&json!(r"O'Brien \n")).unwrap(), r"'O''Brien \n'");
    }

    #[test]
    fn sql_ident_doubles_double_quotes() {
        assert_eq!(sql_ident(&json!(r#"a"b"#)).unwrap(), r#""a""b""#);
    }

    #[test]
    fn sh_survives_single_quotes_and_dollars() {
        assert_eq!(sh(&json!("it's $HOME")).unwrap(), r"'it'\''s $HOME'");
    }

    #[test]
    fn integer_refuses_strings_and_fractions() {
        assert_eq!(integer(&json!(1024)).unwrap(), "1024");
        assert!(integer(&json!("1024")).is_err());
        assert!(integer(&json!(1.5)).is_err());
    }

    #[test]
    fn json_escapes_quotes_and_newlines() {
        assert_eq!(json(&json!("a\"\nb")).unwrap(), r#""a\"\nb""#);
    }
}
