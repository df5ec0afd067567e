//! `scan`: the first stage of the main job. Reads every extracted file the
//! stage's inputs match, splits it into objects and parses each one with
//! the PL/SQL front end (`crate::plsql`), and writes the inventory.
//!
//! Work is per file, fanned out over cores, and cached per file (keyed by
//! the file's content hash, its path and the extraction metadata that
//! applies to it), so editing one file of thousands re-parses that file
//! only. The cache holds what this stage writes, not the parse trees: a
//! later stage that needs trees parses again, or caches them itself in a
//! format chosen for that. `classify` scans through the same code and also
//! caches each object's facts by the object's own text, so in a changed
//! spool of many objects only the edited ones are parsed again. A file
//! that cannot be read or is not SQL text is reported and skipped; it never
//! stops the run.
//!
//! The output folder holds text that reviews well in git, sorted, with no
//! timestamps:
//! - `objects.tsv`: one line per object (place, kind, schema, name, parse
//!   status, error count, content hash), tab-separated with a header, so it
//!   reads as a table in review tools and loads into anything;
//! - `files.tsv`: one line per input file (encoding, line endings, counts);
//! - `problems.txt`: every parse error, file diagnostic and skipped file,
//!   as `file:line: message`;
//! - `summary.json`: counts by kind and status, and how embedded SQL was read.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use toml::Spanned;

use super::{InputFile, Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::analysis::{self, Facts};
use crate::plsql::{self, Inventory, Metadata, ParseStatus, ScanStats, SourceFile};
use crate::runner::hash;

pub(super) struct Scan;

impl StageKind for Scan {
    fn name(&self) -> &'static str {
        "scan"
    }

    fn about(&self) -> &'static str {
        "inventories and parses every extracted PL/SQL object its inputs match"
    }

    /// 2: objects.tsv replaced objects.txt. 3: statements run together
    /// (a missing `;`) make an object partial instead of full.
    fn output_version(&self) -> u32 {
        3
    }

    fn check_paths(&self, _inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        super::one_output_folder("scan", outputs)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let out = output_folder(ctx);
        let scanned = scan_inputs(ctx, false)?;
        let summary = write_inventory(ctx, out, &scanned)?;
        Ok(outcome(&summary, scanned.cached, &scanned.problems, out))
    }
}

/// Every input file scanned, with each object's facts when asked for.
pub(super) struct Scanned {
    pub files: Vec<SourceFile>,
    /// For each file, its objects' facts, in the order of `objects` (empty
    /// when the analysis was not asked for).
    pub facts: Vec<Vec<Facts>>,
    pub skipped_files: Vec<(String, String)>,
    /// Every problem to report, as `file:line: message`, sorted.
    pub problems: Vec<String>,
    /// Files whose results came from the cache.
    pub cached: usize,
}

/// Scans every input (fanned out over cores, cached per file), and with
/// `analyze` also computes each object's facts while its tree is in memory.
pub(super) fn scan_inputs(ctx: &StageContext<'_>, analyze: bool) -> Result<Scanned, StageError> {
    let (metadata, mut problems) = read_metadata(ctx);
    let sources: Vec<&InputFile> =
        ctx.inputs.iter().filter(|i| !plsql::is_metadata_file(&i.path)).collect();

    let total = sources.len() as u64;
    let done = AtomicU64::new(0);
    let cached = AtomicUsize::new(0);
    let results: Vec<FileResult> = sources
        .par_iter()
        .map(|input| {
            if ctx.interrupt.is_set() {
                return FileResult::Interrupted;
            }
            let metadata = metadata_for(&metadata, &input.path);
            let result = scan_one(ctx, input, metadata, analyze, &cached);
            (ctx.progress)(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            result
        })
        .collect();
    if ctx.interrupt.is_set() {
        return Err(StageError::Interrupted);
    }

    let mut files = Vec::new();
    let mut facts = Vec::new();
    let mut skipped_files = Vec::new();
    for result in results {
        match result {
            FileResult::Scanned(scanned) => {
                let (file, file_facts) = *scanned;
                files.push(file);
                facts.push(file_facts);
            }
            FileResult::Skipped { path, reason } => skipped_files.push((path, reason)),
            FileResult::Interrupted => return Err(StageError::Interrupted),
        }
    }
    for (path, reason) in &skipped_files {
        problems.push(format!("{path}: skipped: {reason}"));
    }
    problems.extend(file_problems(&files));
    problems.sort_by_cached_key(|p| place_key(p));
    Ok(Scanned { files, facts, skipped_files, problems, cached: cached.into_inner() })
}

/// Writes the inventory files into `out`, removing any it no longer writes.
pub(super) fn write_inventory(
    ctx: &StageContext<'_>,
    out: &str,
    scanned: &Scanned,
) -> Result<Summary, StageError> {
    let files = &scanned.files;
    let inventory = Inventory::of(files);
    let summary = Summary::of(files, &inventory, scanned.skipped_files.len());
    let json = serde_json::to_string_pretty(&summary).map_err(std::io::Error::other)? + "\n";
    let outputs = [
        ("objects.tsv".to_owned(), objects_table(&inventory)),
        ("files.tsv".to_owned(), files_table(files, &scanned.skipped_files)),
        ("problems.txt".to_owned(), lines(&scanned.problems)),
        ("summary.json".to_owned(), json),
    ];
    for removed in super::folder::write_folder(&ctx.path(out), &outputs)? {
        tracing::debug!(file = removed, "removed: scan no longer writes it");
    }
    Ok(summary)
}

enum FileResult {
    Scanned(Box<(SourceFile, Vec<Facts>)>),
    Skipped { path: String, reason: String },
    Interrupted,
}

/// What the cache keeps of one file: the scan without parse trees, and the
/// facts of each object when they were asked for.
type Cached = Result<(SourceFile, Vec<Facts>), String>;

fn scan_one(
    ctx: &StageContext<'_>,
    input: &InputFile,
    metadata: Option<&(String, Metadata)>,
    analyze: bool,
    cached: &AtomicUsize,
) -> FileResult {
    let path = input.path.as_str();
    let skipped = |reason: String| FileResult::Skipped { path: path.to_owned(), reason };
    let found = |scanned| FileResult::Scanned(Box::new(scanned));
    // The runner has hashed the file already: a cache hit reads only the
    // cached result, never the source.
    let metadata_hash = metadata.map_or("", |(h, _)| h.as_str());
    let key =
        ctx.cache.key_parts(&[path.as_bytes(), metadata_hash.as_bytes(), input.hash.as_bytes()]);
    if let Some(result) = ctx.cache.get::<Cached>(&key) {
        cached.fetch_add(1, Ordering::Relaxed);
        return result.map_or_else(skipped, found);
    }

    let bytes = match fs_err::read(ctx.path(path)) {
        Ok(bytes) => bytes,
        Err(e) => return skipped(format!("cannot read it: {e}")),
    };
    let result: Cached = match plsql::looks_like_sql(&bytes) {
        // Only summaries and facts are cached, never the parse trees: they
        // are about five times the size of the source, and an incremental
        // run would spend its time decoding them.
        Ok(()) if analyze => Ok(analyze_file(ctx, path, &bytes, metadata.map(|(_, m)| m))),
        Ok(()) => Ok((
            without_trees(plsql::scan_file(path, &bytes, metadata.map(|(_, m)| m))),
            Vec::new(),
        )),
        Err(reason) => Err(reason.to_string()),
    };
    // A cache that cannot be written only costs a re-parse next time.
    if let Err(e) = ctx.cache.put(&key, &result) {
        tracing::debug!(file = path, error = %e, "could not cache the scan");
    }
    result.map_or_else(skipped, found)
}

/// Scans a file and computes each object's facts, reusing the cached
/// results of objects whose text and place did not change: editing one
/// object of a spool of hundreds re-parses that one.
fn analyze_file(
    ctx: &StageContext<'_>,
    path: &str,
    bytes: &[u8],
    metadata: Option<&Metadata>,
) -> (SourceFile, Vec<Facts>) {
    type PerObject = (plsql::Object, ScanStats, Facts);
    let (file, facts) = plsql::scan_file_each(path, bytes, metadata, |key, scan| {
        let key = ctx.cache.key_parts(&[b"object", key.as_bytes()]);
        if let Some((object, stats, facts)) = ctx.cache.get::<PerObject>(&key) {
            return ((object, stats), facts);
        }
        let (mut object, stats) = scan();
        let facts = analysis::analyze(&object);
        drop_tree(&mut object);
        let entry: PerObject = (object, stats, facts);
        if let Err(e) = ctx.cache.put(&key, &entry) {
            tracing::debug!(file = path, error = %e, "could not cache an object");
        }
        let (object, stats, facts) = entry;
        ((object, stats), facts)
    });
    // Every object is without its tree already: cached ones never had it.
    (file, facts)
}

/// A scanned file with its objects' parse trees left out.
fn without_trees(mut summary: SourceFile) -> SourceFile {
    summary.objects.iter_mut().for_each(drop_tree);
    summary
}

fn drop_tree(object: &mut plsql::Object) {
    object.unit = None;
    object.tokens = Vec::new();
}

/// Every `metadata.json` among the inputs, by the folder it describes, with
/// the hash of its bytes (part of each file's cache key).
fn read_metadata(ctx: &StageContext<'_>) -> (BTreeMap<String, (String, Metadata)>, Vec<String>) {
    let mut found = BTreeMap::new();
    let mut problems = Vec::new();
    for input in ctx.inputs.iter().filter(|i| plsql::is_metadata_file(&i.path)) {
        let folder = parent(&input.path).to_owned();
        match fs_err::read(ctx.path(&input.path)).map_err(|e| e.to_string()).and_then(|bytes| {
            Metadata::parse(&bytes)
                .map(|m| (hash::hash_bytes(&bytes), m))
                .map_err(|e| e.to_string())
        }) {
            Ok(entry) => {
                found.insert(folder, entry);
            }
            Err(e) => problems.push(format!("{}: ignored: {e}", input.path)),
        }
    }
    (found, problems)
}

/// The metadata of the nearest folder at or above `path`'s.
fn metadata_for<'m>(
    all: &'m BTreeMap<String, (String, Metadata)>,
    path: &str,
) -> Option<&'m (String, Metadata)> {
    let mut folder = parent(path);
    loop {
        if let Some(found) = all.get(folder) {
            return Some(found);
        }
        if folder.is_empty() {
            return None;
        }
        folder = parent(folder);
    }
}

fn parent(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

/// The stage's output folder (its one output, checked when the manifest
/// was loaded).
fn output_folder<'a>(ctx: &'a StageContext<'_>) -> &'a str {
    ctx.stage.outputs[0].get_ref().trim_end_matches('/')
}

/// Sort key of a problem line `file:line[:col]: ...`: by file, then by line
/// and column as numbers, so line 8 comes before line 14.
fn place_key(problem: &str) -> (String, u32, u32, String) {
    let mut parts = problem.splitn(4, ':');
    let file = parts.next().unwrap_or_default().to_owned();
    let line = parts.next().and_then(|p| p.trim().parse().ok()).unwrap_or(0);
    let col = parts.next().and_then(|p| p.trim().parse().ok()).unwrap_or(0);
    (file, line, col, problem.to_owned())
}

fn lines(items: &[String]) -> String {
    items.iter().fold(String::new(), |mut out, l| {
        out.push_str(l);
        out.push('\n');
        out
    })
}

fn file_problems(files: &[SourceFile]) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        for d in &file.diagnostics {
            out.push(format!("{}:{}: {}", file.path, d.line, d.message));
        }
        for o in &file.objects {
            let name = match &o.schema {
                Some(s) => format!("{s}.{}", o.name),
                None => o.name.clone(),
            };
            if let ParseStatus::Skipped { reason } = &o.status {
                out.push(format!(
                    "{}:{}: {} {name}: not parsed ({reason})",
                    o.file,
                    o.first_line,
                    o.kind.oracle_name()
                ));
            }
            for e in &o.errors {
                out.push(format!(
                    "{}:{}:{}: {} {name}: {}",
                    o.file,
                    e.line,
                    e.col,
                    o.kind.oracle_name(),
                    e.message
                ));
            }
        }
    }
    out
}

fn objects_table(inventory: &Inventory) -> String {
    let mut out =
        String::from("file\tfirst_line\tlast_line\tkind\tschema\tname\tstatus\terrors\thash\n");
    for e in &inventory.entries {
        let status = match &e.status {
            ParseStatus::Full => "full".to_owned(),
            ParseStatus::Partial => "partial".to_owned(),
            ParseStatus::Skipped { reason } => format!("not parsed ({reason})"),
        };
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}\t{status}\t{}\t{}",
            e.file,
            e.first_line,
            e.last_line,
            e.kind.oracle_name(),
            e.schema.as_deref().unwrap_or(""),
            e.name,
            e.errors,
            e.hash
        );
    }
    out
}

/// The names people know encodings by (IANA's), not the enum's.
fn encoding_name(encoding: plsql::Encoding) -> &'static str {
    match encoding {
        plsql::Encoding::Utf8 => "UTF-8",
        plsql::Encoding::Utf8Bom => "UTF-8 with BOM",
        plsql::Encoding::Utf16Le => "UTF-16LE",
        plsql::Encoding::Utf16Be => "UTF-16BE",
        plsql::Encoding::Windows1252 => "windows-1252",
    }
}

fn files_table(files: &[SourceFile], skipped: &[(String, String)]) -> String {
    let mut rows: Vec<String> = files
        .iter()
        .map(|f| {
            format!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                f.path,
                encoding_name(f.encoding),
                if f.crlf { "crlf" } else { "lf" },
                f.stats.lines,
                f.objects.len(),
                f.skipped.len()
            )
        })
        .collect();
    rows.extend(skipped.iter().map(|(path, reason)| format!("{path}\tskipped: {reason}\t\t\t\t")));
    rows.sort();
    let mut out = String::from("file\tencoding\tline_endings\tlines\tobjects\tset_aside\n");
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
    out
}

#[derive(Debug, Serialize)]
pub(super) struct Summary {
    files: usize,
    files_skipped: usize,
    objects: usize,
    by_kind: BTreeMap<String, usize>,
    parsed_fully: usize,
    parsed_partially: usize,
    not_parsed: usize,
    stats: ScanStats,
}

impl Summary {
    fn of(files: &[SourceFile], inventory: &Inventory, files_skipped: usize) -> Summary {
        let mut stats = ScanStats::default();
        for f in files {
            stats.add(&f.stats);
        }
        Summary {
            files: files.len(),
            files_skipped,
            objects: inventory.entries.len(),
            by_kind: inventory.by_kind.clone(),
            parsed_fully: inventory.full,
            parsed_partially: inventory.partial,
            not_parsed: inventory.skipped,
            stats,
        }
    }
}

pub(super) fn outcome(s: &Summary, cached: usize, problems: &[String], out: &str) -> Outcome {
    let mut summary = format!("{} objects in {} files", s.objects, s.files);
    if cached > 0 {
        let read = (s.files + s.files_skipped).saturating_sub(cached);
        let _ = write!(summary, " ({read} parsed, {cached} unchanged)");
    }
    if s.parsed_partially + s.not_parsed > 0 {
        let _ = write!(summary, "; {} partial, {} not parsed", s.parsed_partially, s.not_parsed);
    }
    let mut outcome = Outcome::new(summary);
    if s.files_skipped > 0 {
        let noun = if s.files_skipped == 1 { "file" } else { "files" };
        outcome
            .warnings
            .push(format!("{} {noun} skipped: see {out}/problems.txt", s.files_skipped));
    }
    // An unreadable metadata.json takes the schema of every object of its
    // folder with it: that needs a person's attention, not just a line in
    // problems.txt.
    for p in problems.iter().filter(|p| plsql::is_metadata_file(p.split(": ").next().unwrap_or("")))
    {
        if p.contains(": ignored: ") {
            outcome.warnings.push(format!("{p}; the objects it describes have no schema"));
        }
    }
    outcome.details = problems.to_vec();
    outcome
}
