//! Scanning one file: decode, split, lex and parse each object, check the metadata.

use super::encoding::decode;
use super::header::BodyMode;
use super::lexer::{lex, Origin};
use super::metadata::Metadata;
use super::object::{Object, ObjectSkipReason, ParseError, ParseStatus};
use super::parser::parse_unit;
use super::source::{Diagnostic, ScanStats, SourceFile};
use super::split::{split, Chunk};

/// Scans one extracted file: decodes it, splits it into objects, parses each one.
///
/// `display_path` is how the file is named in the results; it is also matched against
/// the `file` of metadata entries (by file name). Never fails: what cannot be read is
/// reported in the result.
pub fn scan_file(display_path: &str, bytes: &[u8], metadata: Option<&Metadata>) -> SourceFile {
    scan_file_each(display_path, bytes, metadata, |_, scan| (scan(), ())).0
}

/// Scans one file as [`scan_file`] does, handing each object to `each`
/// before its metadata is applied: `each` gets a key that identifies the
/// object's text and place in the file (its exact bytes, line and column,
/// the file's name), and a function that lexes and parses it, and returns
/// the object with its parse counts and anything else it computed from it.
///
/// This is how a caller caches per object: when the key is known, it
/// returns what it stored instead of calling the parse, so editing one
/// object of a spool of hundreds parses that one alone.
pub fn scan_file_each<R>(
    display_path: &str,
    bytes: &[u8],
    metadata: Option<&Metadata>,
    mut each: impl FnMut(&str, &mut dyn FnMut() -> (Object, ScanStats)) -> ((Object, ScanStats), R),
) -> (SourceFile, Vec<R>) {
    let decoded = decode(bytes);
    let text = decoded.text.as_str();
    let split = split(text);
    let mut stats = ScanStats {
        bytes: bytes.len() as u64,
        lines: text.bytes().filter(|&b| b == b'\n').count() as u32,
        ..ScanStats::default()
    };
    let mut objects = Vec::with_capacity(split.chunks.len());
    let mut results = Vec::with_capacity(split.chunks.len());
    for chunk in &split.chunks {
        let key = object_key(display_path, text, chunk);
        let ((object, object_stats), result) =
            each(&key, &mut || scan_object(display_path, text, chunk));
        stats.add(&object_stats);
        objects.push(object);
        results.push(result);
    }
    let mut file = SourceFile {
        path: display_path.to_owned(),
        encoding: decoded.encoding,
        crlf: decoded.crlf,
        objects,
        skipped: split.skipped,
        diagnostics: split.diagnostics,
        stats,
    };
    if let Some(metadata) = metadata {
        reconcile(&mut file, metadata);
    }
    (file, results)
}

/// What an object's scan depends on: its exact text, the line and column it
/// starts at (lines in its results are file lines), its header as the
/// splitter read it, and the file's name (objects record it). Not its byte
/// offset: nothing kept of a scan depends on it, so an edit above that
/// keeps the line count keeps the key.
fn object_key(path: &str, text: &str, chunk: &Chunk) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(path.as_bytes());
    hasher.update(&[0]);
    hasher.update(&chunk.first_line.to_le_bytes());
    hasher.update(&column_of(text, chunk.start).to_le_bytes());
    hasher.update(format!("{:?}", chunk.header).as_bytes());
    hasher.update(&[0]);
    hasher.update(&text.as_bytes()[chunk.start..chunk.end]);
    hasher.finalize().to_hex().to_string()
}

/// blake3 of the text with `\r\n` as `\n`, trailing blanks and blank end lines removed,
/// so that a re-extraction with another client or editor keeps the same hash.
fn normalised_hash(text: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    for line in text.trim_end().lines() {
        hasher.update(line.trim_end().as_bytes());
        hasher.update(b"\n");
    }
    hasher.finalize().to_hex().to_string()
}

/// The 1-based column, in characters, of byte `at` in `text`.
fn column_of(text: &str, at: usize) -> u32 {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..at].chars().count() as u32 + 1
}

fn scan_object(path: &str, text: &str, chunk: &Chunk) -> (Object, ScanStats) {
    let header = &chunk.header;
    let body = &text[chunk.start..chunk.end];
    let mut object = Object {
        kind: header.kind,
        schema: header.schema.as_ref().map(|s| s.canonical()),
        name: header.name.canonical(),
        file: path.to_owned(),
        first_line: chunk.first_line,
        last_line: chunk.last_line,
        hash: normalised_hash(body),
        status: ParseStatus::Full,
        errors: Vec::new(),
        unit: None,
        tokens: Vec::new(),
    };
    let skip = match header.mode {
        BodyMode::Wrapped => Some(ObjectSkipReason::Wrapped),
        BodyMode::Java => Some(ObjectSkipReason::JavaSource),
        BodyMode::Code => None,
    };
    if let Some(reason) = skip {
        object.status = ParseStatus::Skipped { reason };
        return (object, ScanStats::default());
    }
    let origin =
        Origin { byte: chunk.start, line: chunk.first_line, col: column_of(text, chunk.start) };
    let lexed = match lex(body, origin) {
        Ok(lexed) => lexed,
        Err(error) => {
            object.status = ParseStatus::Skipped { reason: ObjectSkipReason::Untokenizable };
            object.errors.push(ParseError {
                line: error.line,
                col: error.col,
                message: error.message,
            });
            return (object, ScanStats::default());
        }
    };
    let parsed = parse_unit(text, lexed, header.kind);
    if !parsed.errors.is_empty() {
        object.status = ParseStatus::Partial;
    }
    object.errors = parsed.errors;
    object.unit = Some(parsed.unit);
    object.tokens = parsed.tokens;
    (object, parsed.stats)
}

/// Fills schemas from the metadata and reports where file and metadata disagree.
fn reconcile(file: &mut SourceFile, metadata: &Metadata) {
    let entries: Vec<_> = metadata.entries_for(&file.path).collect();
    let mut matched = vec![false; entries.len()];
    for object in &mut file.objects {
        let found = entries.iter().position(|e| e.describes(object.kind, &object.name));
        let Some(i) = found else { continue };
        matched[i] = true;
        let entry = entries[i];
        if object.schema.is_none() {
            object.schema = entry.schema.as_ref().map(|s| s.to_owned());
        }
        let lines = object.last_line - object.first_line + 1;
        if let Some(expected) = entry.lines.filter(|&n| n != lines) {
            file.diagnostics.push(Diagnostic {
                line: object.first_line,
                message: format!(
                    "{} has {lines} lines here but {expected} in the metadata",
                    object.qualified_name()
                ),
            });
        }
    }
    for (entry, _) in entries.iter().zip(&matched).filter(|(e, m)| !**m && e.file.is_some()) {
        file.diagnostics.push(Diagnostic {
            line: 0,
            message: format!(
                "metadata lists {} {} but this file does not define it",
                entry.kind, entry.name
            ),
        });
    }
}
