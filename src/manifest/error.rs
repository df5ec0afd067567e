//! Errors about `pipeline.toml`, rendered with the offending line and a caret.
//!
//! Every error carries the byte span it is about, so the user sees
//! `pipeline.toml:14:10` and the line itself, as a compiler would show it.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

/// A problem with the manifest, located in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestError {
    path: PathBuf,
    source_text: String,
    span: Option<Range<usize>>,
    message: String,
    hint: Option<String>,
}

impl ManifestError {
    pub(crate) fn new(
        path: impl Into<PathBuf>,
        source_text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        ManifestError {
            path: path.into(),
            source_text: source_text.to_owned(),
            span,
            message: message.into(),
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The one-line message, without location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// 1-based line and column of the start of the span, if there is one.
    pub fn line_col(&self) -> Option<(usize, usize)> {
        let span = self.span.as_ref()?;
        Some(line_col(&self.source_text, span.start))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{}", self.message)?;
        let path = self.path.display();
        let Some(span) = &self.span else {
            write!(f, "  --> {path}")?;
            return self.write_hint(f);
        };
        let (line, col) = line_col(&self.source_text, span.start);
        let text = self.source_text.lines().nth(line - 1).unwrap_or("");
        let gutter = line.to_string().len();
        // The caret covers the span on its first line only; multi-line
        // spans (a whole table) are marked at their start.
        let line_end = text.len();
        let start_in_line = col - 1;
        let span_chars =
            self.source_text[span.clone()].lines().next().map_or(1, |s| s.chars().count());
        let width = span_chars.clamp(1, line_end.saturating_sub(start_in_line).max(1));
        writeln!(f, "{:gutter$}--> {path}:{line}:{col}", "")?;
        writeln!(f, "{:gutter$} |", "")?;
        writeln!(f, "{line} | {text}")?;
        write!(f, "{:gutter$} | {:start_in_line$}{}", "", "", "^".repeat(width))?;
        self.write_hint(f)
    }
}

impl ManifestError {
    fn write_hint(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.hint {
            Some(hint) => write!(f, "\n\nhint: {hint}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for ManifestError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 6), (2, 1));
        assert_eq!(line_col(text, 9), (2, 4));
    }

    #[test]
    fn display_points_at_the_span() {
        let text = "[stages.a]\nafter = [\"nope\"]\n";
        let start = text.find("\"nope\"").unwrap();
        let err =
            ManifestError::new("pipeline.toml", text, Some(start..start + 6), "unknown stage");
        let shown = err.to_string();
        assert!(shown.contains("--> pipeline.toml:2:10"), "{shown}");
        assert!(shown.contains("2 | after = [\"nope\"]"), "{shown}");
        assert!(shown.ends_with("  |          ^^^^^^"), "{shown}");
    }
}
