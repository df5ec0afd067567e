//! CPU time of our PL/SQL → PL/pgSQL translator, per routine.
//!
//! `cargo bench --bench native` generates the synthetic estate (8,122 objects, or
//! `NATIVE_OBJECTS`) in a temporary folder, parses it, and translates every object on
//! one thread, timing the translation alone with the thread's CPU clock;
//! `cargo bench --bench native -- DIR` does the same over the SQL files under DIR.
//! Prints the CPU time per routine (procedures, functions, package members, trigger
//! bodies) and per object, and how many objects the engine translates, by kind.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[path = "support/sql_files.rs"]
mod sql_files;

use pipeline::convert::native::{self, Catalog};

// The allocator the `pipeline` binary translates with (src/main.rs), so
// that the time is the time a user's run takes.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use pipeline::plsql::{self, ObjectKind};
use rayon::prelude::*;

/// This thread's CPU time, in seconds.
fn thread_cpu() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec to write to.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

/// Routines in an object: members with bodies for a package body, one for a
/// standalone routine or a trigger, none for the rest.
fn routines(object: &plsql::Object) -> usize {
    use plsql::ast::{DeclarationItem, UnitItem};
    match object.unit.as_ref().map(|u| &u.item) {
        Some(UnitItem::PackageBody(p)) => p
            .declarations
            .iter()
            .filter(|d| matches!(&d.item, DeclarationItem::Subprogram(s) if s.body.is_some()))
            .count(),
        Some(UnitItem::Subprogram(_)) | Some(UnitItem::Trigger(_)) => 1,
        _ => 0,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let temp;
    let dir = match args.first() {
        Some(dir) => PathBuf::from(dir),
        None => {
            temp = tempfile::tempdir().expect("a temporary folder");
            let objects = std::env::var("NATIVE_OBJECTS").ok().and_then(|n| n.parse().ok());
            pipeline::synth::write_estate(temp.path(), objects.unwrap_or(8_122), 1)
                .expect("the estate is written");
            temp.path().to_path_buf()
        }
    };
    let files = sql_files::sql_files(&dir);
    let objects: Vec<plsql::Object> = files
        .par_iter()
        .flat_map(|f| {
            let bytes = std::fs::read(f).expect("readable");
            plsql::scan_file(&f.display().to_string(), &bytes, None).objects
        })
        .collect();
    let catalog = Catalog::of(&objects);

    let mut by_kind: BTreeMap<ObjectKind, (usize, usize)> = BTreeMap::new();
    let mut total_routines = 0;
    let mut notes = 0;
    let started = thread_cpu();
    for object in &objects {
        let result = native::translate(object, &catalog);
        let entry = by_kind.entry(object.kind).or_default();
        entry.0 += 1;
        if let Ok(t) = result {
            entry.1 += 1;
            notes += t.notes.len();
            total_routines += routines(object);
        }
    }
    let cpu = thread_cpu() - started;
    println!("{} files, {} objects from {}", files.len(), objects.len(), dir.display());
    for (kind, (seen, translated)) in &by_kind {
        println!("  {:<18} {seen:>6} objects, {translated:>6} translated", kind.oracle_name());
    }
    println!(
        "translation: {:.3} s CPU on one thread; {:.3} ms per routine ({total_routines} \
         routines), {:.3} ms per object; {notes} notes",
        cpu,
        cpu * 1e3 / total_routines.max(1) as f64,
        cpu * 1e3 / objects.len().max(1) as f64,
    );
}
