//! One function per subcommand. Each resolves its arguments, calls the
//! library, and turns the result into an exit status.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use pipeline::manifest::{self, LoadError, Manifest};
use pipeline::runner::{self, Interrupt, Outcome, Project, RunOptions};

use super::args::{Args, CleanArgs, Command, DagArgs, DagFormat, InitArgs, RunArgs, StatusArgs};
use super::exit;
use super::ui::{explain, seconds, Ui};

const STARTER: &str = include_str!("starter.toml");

pub fn dispatch(args: Args, ui: &Ui) -> Result<u8> {
    let manifest_path = args.global.manifest.clone();
    match args.command {
        Command::Init(a) => init(a, ui),
        Command::Run(a) => run(open(manifest_path)?, a, ui),
        Command::Status(a) => status(open(manifest_path)?, a, ui),
        Command::Dag(a) => dag(open(manifest_path)?, a),
        Command::Clean(a) => clean(open(manifest_path)?, a, ui),
    }
}

/// The manifest given, or the nearest `pipeline.toml` here or above.
fn find_manifest(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path);
    }
    let cwd = std::env::current_dir().context("cannot read the current folder")?;
    for dir in cwd.ancestors() {
        let candidate = dir.join(manifest::FILE_NAME);
        if candidate.is_file() {
            // Relative to the current folder when possible, so messages and
            // the lock file never show where the project happens to live.
            return Ok(candidate.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(candidate));
        }
    }
    bail!(
        "no {} in `{}` or any folder above it\n\nhint: create one with `pipeline init`",
        manifest::FILE_NAME,
        cwd.display()
    )
}

fn open(given: Option<PathBuf>) -> Result<Project> {
    let path = find_manifest(given)?;
    let manifest = match Manifest::load(&path) {
        Ok(m) => m,
        Err(LoadError::Io(e)) => return Err(e).context("cannot read the manifest"),
        Err(LoadError::Invalid(e)) => return Err(e.into()),
    };
    Ok(Project::new(manifest)?)
}

fn run(project: Project, args: RunArgs, ui: &Ui) -> Result<u8> {
    let selection = project.select(&args.stages)?;
    if args.dry_run {
        return dry_run(&project, &selection, args.force);
    }
    let jobs =
        args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Stages fan out with rayon; one pool sized by -j serves them all.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs).build_global();
    let interrupt = Interrupt::new();
    interrupt.install_handler().context("cannot install the Ctrl-C handler")?;
    let options =
        RunOptions { force: args.force, keep_going: args.keep_going, jobs, verbose: ui.verbose() };

    let summary = runner::run(&project, &selection, &options, &interrupt, &|e| ui.event(e))?;

    let not_run: Vec<&str> = summary
        .results
        .iter()
        .filter(|(_, o)| *o == Outcome::NotRun)
        .map(|(n, _)| n.as_str())
        .collect();
    if !not_run.is_empty() {
        ui.info(&format!("not started: {}", not_run.join(", ")));
    }
    let (ran, skipped, failed, blocked) = (
        summary.count(Outcome::Ran),
        summary.count(Outcome::Skipped),
        summary.count(Outcome::Failed),
        summary.count(Outcome::Blocked),
    );
    let total = summary.results.len();
    let noun = if total == 1 { "stage" } else { "stages" };
    let mut line = format!("{total} {noun}: {ran} ran, {skipped} up to date");
    if failed + blocked > 0 {
        line.push_str(&format!(", {failed} failed, {blocked} blocked"));
    }
    ui.info(&format!("{line} ({})", seconds(summary.elapsed)));
    if summary.interrupted {
        ui.warn("interrupted: finished stages are recorded; run again to continue");
        return Ok(exit::INTERRUPTED);
    }
    Ok(if failed + blocked > 0 { exit::STAGE_FAILED } else { exit::SUCCESS })
}

fn dry_run(project: &Project, selection: &[usize], force: bool) -> Result<u8> {
    for status in project.status(selection, force)? {
        let name = &project.stage(status.stage).name;
        if status.reasons.is_empty() {
            println!("skip {name}: up to date");
        } else {
            println!("run  {name}: {}", explain(&status.reasons));
        }
    }
    Ok(exit::SUCCESS)
}

fn status(project: Project, args: StatusArgs, ui: &Ui) -> Result<u8> {
    let selection = project.select(&args.stages)?;
    let width = selection.iter().map(|&i| project.stage(i).name.len()).max().unwrap_or(0);
    for status in project.status(&selection, false)? {
        let name = &project.stage(status.stage).name;
        let state = if status.reasons.is_empty() {
            "up to date".to_owned()
        } else if ui.verbose() {
            format!("stale: {}", explain(&status.reasons))
        } else {
            format!("stale: {}", runner::summarize(&status.reasons))
        };
        println!("{name:width$}  {state}");
    }
    Ok(exit::SUCCESS)
}

fn dag(project: Project, args: DagArgs) -> Result<u8> {
    let stages = &project.manifest.stages;
    let edges = || {
        project.graph.order.iter().flat_map(|&i| project.graph.deps[i].iter().map(move |&d| (d, i)))
    };
    match args.format {
        DagFormat::Text => {
            for &i in &project.graph.order {
                let needs: Vec<&str> =
                    project.graph.deps[i].iter().map(|&d| stages[d].name.as_str()).collect();
                match needs.is_empty() {
                    true => println!("{}", stages[i].name),
                    false => println!("{} <- {}", stages[i].name, needs.join(", ")),
                }
            }
        }
        DagFormat::Dot => {
            println!("digraph pipeline {{\n  rankdir=LR;");
            for &i in &project.graph.order {
                println!(
                    "  \"{}\" [label=\"{}\\n({})\"];",
                    stages[i].name, stages[i].name, stages[i].kind
                );
            }
            for (from, to) in edges() {
                println!("  \"{}\" -> \"{}\";", stages[from].name, stages[to].name);
            }
            println!("}}");
        }
        DagFormat::Mermaid => {
            println!("flowchart LR");
            for &i in &project.graph.order {
                println!(
                    "  {}[\"{} ({})\"]",
                    mermaid_id(&stages[i].name),
                    stages[i].name,
                    stages[i].kind
                );
            }
            for (from, to) in edges() {
                println!(
                    "  {} --> {}",
                    mermaid_id(&stages[from].name),
                    mermaid_id(&stages[to].name)
                );
            }
        }
    }
    Ok(exit::SUCCESS)
}

fn mermaid_id(name: &str) -> String {
    name.replace('-', "_")
}

fn clean(project: Project, args: CleanArgs, ui: &Ui) -> Result<u8> {
    let selection = if args.stages.is_empty() {
        project.graph.order.clone()
    } else {
        select_only(&project, &args.stages)?
    };
    let root = &project.manifest.root;
    let mut targets: Vec<PathBuf> = selection
        .iter()
        .flat_map(|&i| project.stage(i).output_paths().map(|o| root.join(o.trim_end_matches('/'))))
        .collect();
    if args.state {
        targets.push(project.state_dir.clone());
    }
    let mut removed = 0;
    for path in targets.iter().filter(|p| p.exists()) {
        if args.dry_run {
            println!("would remove {}", path.display());
            continue;
        }
        let result =
            if path.is_dir() { fs_err::remove_dir_all(path) } else { fs_err::remove_file(path) };
        result?;
        removed += 1;
        if ui.verbose() {
            ui.info(&format!("removed {}", path.display()));
        }
    }
    if !args.dry_run {
        ui.info(&format!("removed {removed} paths"));
    }
    Ok(exit::SUCCESS)
}

/// The named stages alone, without what they need (for `clean`).
fn select_only(project: &Project, names: &[String]) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            project
                .manifest
                .stages
                .iter()
                .position(|s| &s.name == n)
                .with_context(|| format!("no stage named `{n}` in the manifest"))
        })
        .collect()
}

fn init(args: InitArgs, ui: &Ui) -> Result<u8> {
    let path = args.dir.join(manifest::FILE_NAME);
    if path.exists() {
        bail!("`{}` already exists; pipeline init never overwrites a manifest", path.display());
    }
    fs_err::create_dir_all(&args.dir)?;
    fs_err::write(&path, STARTER)?;
    for dir in ["extracted", "knowledge", "migrated"] {
        fs_err::create_dir_all(args.dir.join(dir))?;
    }
    let ignore = args.dir.join(".gitignore");
    if !ignore.exists() {
        fs_err::write(&ignore, format!("/{}/\n", runner::STATE_DIR))?;
    }
    ui.info(&format!(
        "wrote {}; put extracted PL/SQL under {}/extracted and run `pipeline run`",
        path.display(),
        args.dir.display()
    ));
    Ok(exit::SUCCESS)
}
