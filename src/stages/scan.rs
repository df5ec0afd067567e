//! `scan`: the first stage of the main job. Reads every extracted file the
//! stage's inputs match, splits it into objects and parses each one with
//! the PL/SQL front end (`crate::plsql`), and writes the inventory.
//!
//! Work is per file, fanned out over cores, and cached per file (under its
//! path and the extraction metadata that applies to it, with the hash of
//! the content it was scanned from), so editing one file of thousands
//! re-parses that file only. The cache holds what this stage writes, not the parse trees: a
//! later stage that needs trees parses again, or caches them itself in a
//! format chosen for that. `classify` scans through the same code and also
//! keeps each object's facts with its text and place, so in a changed spool
//! of many objects only the edited ones are parsed again. A file
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

use std::collections::{BTreeMap, HashMap};
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
    // One file per task: files differ in size a thousandfold (a spool of
    // hundreds of packages beside one-object files), and rayon's default
    // split of the list into a few ranges left one core idle for half the
    // scan when the big files were at the end.
    let results: Vec<FileResult> = sources
        .par_iter()
        .with_max_len(1)
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

/// What the cache keeps of one file, under its path and the metadata that
/// applies to it: the hash of the bytes it was scanned from, the scan
/// without parse trees (or why the file was skipped), and each object's key
/// (its text and place) with its counts. When the file changes, the objects
/// whose key did not change are taken from here rather than parsed again.
/// One entry per file: the cache is as many small files as the estate, and
/// each result is written once.
#[derive(serde::Deserialize, Serialize)]
struct Entry {
    hash: String,
    scan: Result<(SourceFile, Vec<Facts>), String>,
    objects: Vec<(String, ScanStats)>,
}

/// An object's scan and facts, as [`Entry`] keeps them.
type Reused = HashMap<String, (plsql::Object, ScanStats, Facts)>;

impl Entry {
    /// Each object of the entry by its key, for a new scan of the file.
    fn reusable(self) -> Reused {
        let Ok((file, facts)) = self.scan else { return Reused::new() };
        let objects = file.objects.into_iter().zip(facts);
        self.objects
            .into_iter()
            .zip(objects)
            .map(|((key, stats), (object, facts))| (key, (object, stats, facts)))
            .collect()
    }
}

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
    let kind: &[u8] = if analyze { b"analyzed" } else { b"scanned" };
    let key = ctx.cache.key_parts(&[kind, path.as_bytes(), metadata_hash.as_bytes()]);
    let previous = ctx.cache.get::<Entry>(&key);
    let reused: Reused = match previous {
        Some(entry) if entry.hash == input.hash => {
            cached.fetch_add(1, Ordering::Relaxed);
            return entry.scan.map_or_else(skipped, found);
        }
        Some(entry) if analyze => entry.reusable(),
        _ => Reused::new(),
    };

    let bytes = match fs_err::read(ctx.path(path)) {
        Ok(bytes) => bytes,
        Err(e) => return skipped(format!("cannot read it: {e}")),
    };
    let (scan, objects) = match plsql::looks_like_sql(&bytes) {
        // Only summaries and facts are cached, never the parse trees: they
        // are about five times the size of the source, and an incremental
        // run would spend its time decoding them.
        Ok(()) if analyze => {
            let (file, facts, objects) =
                analyze_file(path, &bytes, metadata.map(|(_, m)| m), reused);
            (Ok((file, facts)), objects)
        }
        Ok(()) => {
            let file = plsql::scan_file(path, &bytes, metadata.map(|(_, m)| m));
            (Ok((without_trees(file), Vec::new())), Vec::new())
        }
        Err(reason) => (Err(reason.to_string()), Vec::new()),
    };
    let entry = Entry { hash: input.hash.clone(), scan, objects };
    // A cache that cannot be written only costs a re-parse next time.
    if let Err(e) = ctx.cache.put(&key, &entry) {
        tracing::debug!(file = path, error = %e, "could not cache the scan");
    }
    entry.scan.map_or_else(skipped, found)
}

/// Scans a file and computes each object's facts, taking from `reused`
/// those of objects whose text and place did not change: editing one
/// object of a spool of hundreds re-parses that one. Also returns each
/// object's key and counts, for the cache.
fn analyze_file(
    path: &str,
    bytes: &[u8],
    metadata: Option<&Metadata>,
    mut reused: Reused,
) -> (SourceFile, Vec<Facts>, Vec<(String, ScanStats)>) {
    let mut keys = Vec::new();
    let (file, facts) = plsql::scan_file_each(path, bytes, metadata, |key, scan| {
        let (object, stats, facts) = reused.remove(key).unwrap_or_else(|| {
            let (mut object, stats) = scan();
            let facts = analysis::analyze(&object);
            drop_tree(&mut object);
            (object, stats, facts)
        });
        keys.push((key.to_owned(), stats));
        ((object, stats), facts)
    });
    // Every object is without its tree already: reused ones never had it.
    (file, facts, keys)
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPOOL: &str = "CREATE OR REPLACE PROCEDURE a IS BEGIN NULL; END;\n/\n\
                         CREATE OR REPLACE PROCEDURE b IS BEGIN NULL; END;\n/\n";

    #[test]
    fn a_changed_file_takes_its_unchanged_objects_from_the_last_scan() {
        let (file, facts, keys) = analyze_file("f.sql", SPOOL.as_bytes(), None, Reused::new());
        assert_eq!(file.objects.len(), 2);
        // What the last scan kept, marked so that a reuse shows.
        let mut marked = facts.clone();
        marked[0].members.push("FROM THE CACHE".into());
        marked[1].members.push("FROM THE CACHE".into());
        let entry = Entry { hash: String::new(), scan: Ok((file, marked)), objects: keys };
        let reused = entry.reusable();

        // `b` edited: `a` comes from the last scan, `b` is parsed again.
        let edited = SPOOL.replace("b IS BEGIN NULL;", "b IS BEGIN NULL; NULL;");
        let (file, facts, _) = analyze_file("f.sql", edited.as_bytes(), None, reused);
        assert_eq!(file.objects.len(), 2);
        assert!(facts[0].members.contains(&"FROM THE CACHE".to_owned()), "{:?}", facts[0]);
        assert!(!facts[1].members.contains(&"FROM THE CACHE".to_owned()), "{:?}", facts[1]);
        assert_eq!(file.objects[1].name, "B");
    }
}
