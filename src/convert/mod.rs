//! Conversion of the estate to PostgreSQL and the proof that it works.
//!
//! Two routes write converted objects: ora2pg for the simple ones
//! ([`ora2pg`]) and AI agents for the rest ([`agent`], orchestrated by the
//! `convert-complex` stage). Both write a folder of one SQL file per object
//! with an `index.tsv` ([`worklist`]), which [`validate`] applies to a real
//! PostgreSQL in dependency order ([`plan`], [`script`]), writing
//! [`results`]; [`shadow`] tests compare the converted code's values with
//! Oracle's.

pub mod agent;
pub mod answers;
pub mod native;
pub mod ora2pg;
pub mod outcomes;
pub mod plan;
pub mod prompt;
pub mod results;
pub mod script;
pub mod session;
pub mod shadow;
pub mod validate;
pub mod worklist;

/// A manifest table's value that does not deserialize, as one line naming
/// the key: `[convert] batch_size in pipeline.toml: invalid type: ...`.
/// toml puts the key on a line of its own after the message (`...\nin
/// `batch_size``), which reads as a stray line on a terminal.
pub fn table_error(table: &str, error: &toml::de::Error) -> String {
    let text = error.to_string();
    let text = text.trim_end();
    match text.rsplit_once("\nin `") {
        Some((message, key)) => {
            let key = key.trim_end_matches('`');
            format!("[{table}] {key} in pipeline.toml: {}", message.trim_end())
        }
        None => format!("[{table}] in pipeline.toml: {}", text.replace('\n', " ")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_table_error_is_one_line_that_names_the_key() {
        let value: toml::Value = toml::from_str("batch_size = -1").unwrap();
        let error = value.try_into::<std::collections::BTreeMap<String, usize>>().unwrap_err();
        assert_eq!(
            super::table_error("convert", &error),
            "[convert] batch_size in pipeline.toml: invalid value: integer `-1`, expected usize"
        );
    }
}
