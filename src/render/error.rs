//! Errors of rendering, each naming the template (and the key and line when known).

use std::fmt;
use std::path::PathBuf;

use handlebars::{RenderErrorReason, TemplateError};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot list templates under `{}`", dir.display())]
    Walk { dir: PathBuf, source: walkdir::Error },

    #[error("no templates found under `{}`", dir.display())]
    NoTemplates { dir: PathBuf },

    #[error("cannot read template `{}`", path.display())]
    Read { path: PathBuf, source: std::io::Error },

    #[error("`{}` is not a template: template files end in `.hbs`", path.display())]
    NotATemplate { path: PathBuf },

    #[error("template `{template}`{at}: syntax error: {message}")]
    Syntax { template: String, at: Location, message: String },

    #[error("template `{template}`{at}: value `{key}` is missing from the manifest")]
    MissingValue { template: String, at: Location, key: String },

    #[error("template `{template}`{at}: {message}")]
    Render { template: String, at: Location, message: String },
}

/// A line (and column) in a template, printed as ` line L, column C` when known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Location {
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, " line {line}, column {column}"),
            (Some(line), None) => write!(f, " line {line}"),
            _ => Ok(()),
        }
    }
}

impl RenderError {
    pub(super) fn syntax(template: &str, source: TemplateError) -> Self {
        let (line, column) = source.pos().unzip();
        RenderError::Syntax {
            template: template.to_owned(),
            at: Location { line, column },
            message: source.reason().to_string(),
        }
    }

    pub(super) fn render(template: &str, source: handlebars::RenderError) -> Self {
        let at = Location { line: source.line_no, column: source.column_no };
        // An error raised inside an included template names that one, not the entry point.
        let template = source.template_name.clone().unwrap_or_else(|| template.to_owned());
        match source.reason() {
            RenderErrorReason::MissingVariable(key) => RenderError::MissingValue {
                template,
                at,
                key: key.clone().unwrap_or_else(|| "?".to_owned()),
            },
            reason => RenderError::Render { template, at, message: reason.to_string() },
        }
    }

    /// The manifest key a [`RenderError::MissingValue`] names.
    pub fn missing_key(&self) -> Option<&str> {
        match self {
            RenderError::MissingValue { key, .. } => Some(key),
            _ => None,
        }
    }
}
