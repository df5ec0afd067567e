//! `convert-simple`: the objects classification routed to ora2pg, converted
//! by ora2pg, one file per object.
//!
//! Inputs: the route list (`routes/ora2pg.tsv`), the extracted sources it
//! points into, and the ora2pg configuration (a `.conf` file). Output: one
//! folder holding `<schema>/<name>.<type>.sql` per converted object and an
//! `index.tsv` with every object's outcome, which validation reads. The
//! folder is owned whole: files of objects no longer converted are removed.
//!
//! Each object's result is cached by its text, the configuration and
//! ora2pg's version, so a rerun sends only changed objects to ora2pg. When
//! ora2pg is missing, every object is recorded as failed and the stage
//! still succeeds: the rest of the pipeline does not depend on ora2pg being
//! installed. It does not check that the SQL it writes compiles; the
//! validation stage does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::ora2pg::{self, Conversion, Input, Ora2Pg};
use crate::convert::worklist::{self, Converted, RouteEntry, Sources, Status};

pub(super) struct ConvertSimple;

const USAGE: &str = "a convert-simple stage reads a route list (`.tsv`) and an ora2pg \
     configuration (`.conf`) and writes one folder, e.g. inputs = \
     [\"knowledge/analysis/routes/ora2pg.tsv\", \"extracted/\", \"deploy/config/ora2pg.conf\"], \
     outputs = [\"migrated/simple/\"]";

/// The program run; found on `PATH`.
const PROGRAM: &str = "ora2pg";

impl StageKind for ConvertSimple {
    fn name(&self) -> &'static str {
        "convert-simple"
    }

    fn about(&self) -> &'static str {
        "converts the objects routed to ora2pg with ora2pg, one file per object"
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        let has = |suffix: &str| inputs.iter().any(|p| p.get_ref().ends_with(suffix));
        if !has(".tsv") || !has(".conf") {
            return Err((None, USAGE.to_owned()));
        }
        super::one_output_folder("convert-simple", outputs)
    }

    fn environment(&self, _manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        let version = installed().as_ref().map_or("missing", String::as_str);
        vec![("ORA2PG_VERSION".to_owned(), version.to_owned())]
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let route = input_ending(ctx, ".tsv")?;
        let conf = input_ending(ctx, ".conf")?;
        let out = ctx.stage.outputs[0].get_ref().trim_end_matches('/');
        let entries = worklist::read_route(&ctx.path(route))
            .map_err(|e| StageError::Failed(e.to_string()))?;
        let conf_bytes = fs_err::read(ctx.path(conf)).map_err(|e| {
            StageError::Failed(format!("{e}: the render stage writes it from its template"))
        })?;

        let mut outcome = Outcome::new(String::new());
        let (results, cached) = match installed() {
            Ok(version) => {
                let cache = ctx.cache.salted(&conf_bytes).salted(version.as_bytes());
                convert(ctx, &entries, &ctx.path(conf), &cache, &mut outcome)?
            }
            Err(why) => {
                outcome.warnings.push(format!(
                    "ora2pg is not installed, so no object was converted ({why})\n\nhint: {}",
                    ora2pg::INSTALL_HINT
                ));
                let reason = format!("ora2pg is not installed ({})", ora2pg::INSTALL_HINT);
                (entries.iter().map(|_| Conversion::Failed(reason.clone())).collect(), 0)
            }
        };
        write(ctx, out, &entries, &results, &mut outcome)?;
        if cached > 0 {
            outcome.summary.push_str(&format!(" ({cached} from the cache)"));
        }
        Ok(outcome)
    }
}

/// ora2pg's version, or why it cannot be run; asked once per process.
fn installed() -> &'static Result<String, String> {
    static VERSION: OnceLock<Result<String, String>> = OnceLock::new();
    VERSION.get_or_init(|| ora2pg::version(Path::new(PROGRAM)))
}

fn input_ending<'a>(ctx: &'a StageContext<'_>, suffix: &str) -> Result<&'a str, StageError> {
    let found = ctx.stage.inputs.iter().map(|p| p.get_ref()).find(|p| p.ends_with(suffix));
    found.map(String::as_str).ok_or_else(|| StageError::Failed(USAGE.to_owned()))
}

/// Objects converted together: one, or a package spec and its body.
struct Unit {
    /// Indexes into the route list.
    members: Vec<usize>,
    export: &'static str,
    inputs: Vec<Input>,
    key: crate::runner::CacheKey,
}

/// Converts every entry: from the cache where it can, through ora2pg for
/// the rest. One conversion per entry, in route order, and how many came
/// from the cache.
fn convert(
    ctx: &StageContext<'_>,
    entries: &[RouteEntry],
    conf: &Path,
    cache: &crate::runner::ObjectCache,
    outcome: &mut Outcome,
) -> Result<(Vec<Conversion>, usize), StageError> {
    let mut results: Vec<Option<Conversion>> = vec![None; entries.len()];
    let mut sources = Sources::new(ctx.root());
    let mut units = Vec::new();
    let mut cached = 0;
    for members in units_of(entries) {
        let (export, inputs) = match unit_inputs(&mut sources, entries, &members) {
            Ok(found) => found,
            Err(reason) => {
                for &i in &members {
                    results[i] = Some(Conversion::Failed(reason.clone()));
                }
                continue;
            }
        };
        let parts: Vec<&[u8]> = members
            .iter()
            .zip(&inputs)
            .flat_map(|(&i, input)| [entries[i].object.as_bytes(), input.text.as_bytes()])
            .collect();
        let key = cache.key_parts(&parts);
        if let Some(done) = cache.get::<Vec<Conversion>>(&key) {
            cached += members.len();
            for (&i, conversion) in members.iter().zip(done) {
                results[i] = Some(conversion);
            }
            continue;
        }
        units.push(Unit { members, export, inputs, key });
    }
    let known = results.iter().filter(|r| r.is_some()).count();

    let batches = batches(&units);
    let scratch = tempfile::Builder::new().prefix("convert-simple-").tempdir_in(ctx.log_dir)?;
    // ora2pg runs in its scratch folder: the paths it gets must not be
    // relative to the project.
    let conf = std::path::absolute(conf)?;
    let tool = Ora2Pg::new(PathBuf::from(PROGRAM), conf, std::path::absolute(scratch.path())?);
    let done = run_batches(ctx, &tool, &units, &batches, known, entries.len())?;
    for (u, conversions) in done {
        let unit = &units[u];
        if !conversions.iter().any(|c| matches!(c, Conversion::RunFailed(_))) {
            cache.put(&unit.key, &conversions)?;
        }
        for (&i, conversion) in unit.members.iter().zip(conversions) {
            results[i] = Some(conversion);
        }
    }
    outcome.details.push(format!(
        "{cached} objects from the cache; {} sent to ora2pg in {} batches of at most {} \
         ({} ora2pg runs)",
        units.iter().map(|u| u.members.len()).sum::<usize>(),
        batches.len(),
        ora2pg::BATCH_OBJECTS,
        tool.runs()
    ));
    let missing = || Conversion::Failed("not converted".into());
    Ok((results.into_iter().map(|r| r.unwrap_or_else(missing)).collect(), cached))
}

/// What ora2pg is given for a unit: its export type and each member's text;
/// or why the unit cannot go to ora2pg.
fn unit_inputs(
    sources: &mut Sources,
    entries: &[RouteEntry],
    members: &[usize],
) -> Result<(&'static str, Vec<Input>), String> {
    let mut export = "";
    let mut inputs = Vec::new();
    for &i in members {
        let entry = &entries[i];
        export = ora2pg::export_type(entry.object_type())?;
        let text = sources.text(entry).ok_or_else(|| {
            format!(
                "cannot read lines {}-{} of `{}`",
                entry.first_line, entry.last_line, entry.file
            )
        })?;
        let name = entry.name().trim_matches('"').to_lowercase();
        inputs.push(Input { name, body: entry.object_type() == "PACKAGE BODY", text });
    }
    Ok((export, inputs))
}

/// The route's entries as units, in route order: a package body joins its
/// spec (same schema and name) when the spec is in the list too.
fn units_of(entries: &[RouteEntry]) -> Vec<Vec<usize>> {
    let key = |e: &RouteEntry| (e.schema().to_uppercase(), e.name().to_uppercase());
    let mut specs: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.object_type() == "PACKAGE" {
            specs.entry(key(e)).or_default().push(i);
        }
    }
    let mut spec_of: HashMap<usize, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        if e.object_type() != "PACKAGE BODY" {
            continue;
        }
        if let Some(free) = specs.get_mut(&key(e)).filter(|s| !s.is_empty()) {
            // The spec with the same ` #n`, else the first one left.
            let suffix = |x: &RouteEntry| x.object.rsplit_once(')').map(|(_, s)| s.to_owned());
            let at = free.iter().position(|&s| suffix(&entries[s]) == suffix(e)).unwrap_or(0);
            spec_of.insert(i, free.remove(at));
        }
    }
    let paired: std::collections::HashSet<usize> = spec_of.values().copied().collect();
    let mut units = Vec::new();
    for i in 0..entries.len() {
        match spec_of.get(&i) {
            Some(&spec) => units.push(vec![spec, i]),
            None if paired.contains(&i) => {}
            None => units.push(vec![i]),
        }
    }
    units
}

/// Units grouped into ora2pg runs: same export type, at most
/// [`ora2pg::BATCH_OBJECTS`] objects and [`ora2pg::BATCH_BYTES`] of source,
/// and no two objects of the same name (ora2pg's output names objects
/// without their schema, so they could not be told apart).
fn batches(units: &[Unit]) -> Vec<Vec<usize>> {
    struct Open {
        export: &'static str,
        units: Vec<usize>,
        objects: usize,
        bytes: usize,
        names: std::collections::HashSet<(String, bool)>,
    }
    let mut open: Vec<Open> = Vec::new();
    let mut full = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        let bytes: usize = unit.inputs.iter().map(|i| i.text.len()).sum();
        let names: Vec<(String, bool)> =
            unit.inputs.iter().map(|i| (i.name.clone(), i.body)).collect();
        let fits = |b: &Open| {
            b.export == unit.export
                && b.objects + unit.inputs.len() <= ora2pg::BATCH_OBJECTS
                && (b.bytes + bytes <= ora2pg::BATCH_BYTES || b.units.is_empty())
                && !unit.inputs.iter().any(|i| b.names.iter().any(|(n, _)| *n == i.name))
        };
        let at = match open.iter().position(fits) {
            Some(at) => at,
            None => {
                open.push(Open {
                    export: unit.export,
                    units: Vec::new(),
                    objects: 0,
                    bytes: 0,
                    names: Default::default(),
                });
                open.len() - 1
            }
        };
        let batch = &mut open[at];
        batch.units.push(u);
        batch.objects += unit.inputs.len();
        batch.bytes += bytes;
        batch.names.extend(names);
        if batch.objects >= ora2pg::BATCH_OBJECTS {
            full.push(open.remove(at).units);
        }
    }
    full.extend(open.into_iter().map(|b| b.units));
    full
}

/// Runs the batches on up to `ctx.jobs` threads, each driving one ora2pg at
/// a time; returns each unit's conversions.
fn run_batches(
    ctx: &StageContext<'_>,
    tool: &Ora2Pg,
    units: &[Unit],
    batches: &[Vec<usize>],
    cached: usize,
    total: usize,
) -> Result<Vec<(usize, Vec<Conversion>)>, StageError> {
    let next = AtomicUsize::new(0);
    let done_objects = AtomicUsize::new(cached);
    let results = Mutex::new(Vec::new());
    let interrupted = std::sync::atomic::AtomicBool::new(false);
    (ctx.progress)(cached as u64, total as u64);
    std::thread::scope(|scope| {
        for _ in 0..ctx.jobs.max(1).min(batches.len()) {
            scope.spawn(|| loop {
                let b = next.fetch_add(1, Ordering::Relaxed);
                let Some(batch) = batches.get(b) else { break };
                let export = units[batch[0]].export;
                let inputs: Vec<Vec<Input>> =
                    batch.iter().map(|&u| units[u].inputs.clone()).collect();
                let Ok(converted) = tool.convert(export, &inputs, ctx.interrupt) else {
                    interrupted.store(true, Ordering::SeqCst);
                    break;
                };
                let objects: usize = inputs.iter().map(Vec::len).sum();
                let done = done_objects.fetch_add(objects, Ordering::Relaxed) + objects;
                (ctx.progress)(done as u64, total as u64);
                let mut held = results.lock().unwrap_or_else(|e| e.into_inner());
                held.extend(batch.iter().copied().zip(converted));
            });
        }
    });
    if interrupted.into_inner() || ctx.interrupt.is_set() {
        return Err(StageError::Interrupted);
    }
    Ok(results.into_inner().unwrap_or_else(|e| e.into_inner()))
}

/// Writes the folder and its index, and fills in the summary.
fn write(
    ctx: &StageContext<'_>,
    out: &str,
    entries: &[RouteEntry],
    results: &[Conversion],
    outcome: &mut Outcome,
) -> Result<(), StageError> {
    let mut files = Vec::new();
    let mut rows = Vec::new();
    let mut failed = 0;
    for (entry, result) in entries.iter().zip(results) {
        let mut row = Converted {
            object: entry.object.clone(),
            file: String::new(),
            route: "ora2pg".into(),
            status: Status::Converted,
            source: entry.file.clone(),
            first_line: entry.first_line,
            hash: entry.hash.clone(),
            message: String::new(),
        };
        match result {
            Conversion::Sql(sql) => {
                row.file = worklist::file_name(&entry.object, "sql");
                files.push((row.file.clone(), sql.clone()));
            }
            Conversion::Failed(why) | Conversion::RunFailed(why) => {
                failed += 1;
                row.status = Status::Failed;
                row.message = why.clone();
                outcome.details.push(format!("failed {}: {why}", entry.object));
            }
        }
        rows.push(row);
    }
    let dir = ctx.path(out);
    fs_err::create_dir_all(&dir)?;
    super::folder::write_folder(&dir, &files)?;
    worklist::write_index(&dir, &rows)?;
    outcome.summary =
        format!("{} objects: {} converted, {failed} failed", entries.len(), entries.len() - failed);
    Ok(())
}
