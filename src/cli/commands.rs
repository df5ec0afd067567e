//! One function per subcommand. Each resolves its arguments, calls the
//! library, and turns the result into an exit status.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use pipeline::manifest::{self, LoadError, Manifest};
use pipeline::runner::{self, Interrupt, Outcome, Project, RunOptions};

use super::args::{Args, CleanArgs, Command, DagArgs, DagFormat, InitArgs, RunArgs, StatusArgs};
use super::exit;
use super::knowledge;
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
        Command::Show(a) => knowledge::show(open(manifest_path)?, a),
        Command::Search(a) => knowledge::search(open(manifest_path)?, a, ui),
        Command::Serve(a) => knowledge::serve(open(manifest_path)?, a, ui),
    }
}

/// The manifest given, or the nearest `pipeline.toml` here or above.
fn find_manifest(given: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(path) = given {
        return Ok(if path.is_dir() { path.join(manifest::FILE_NAME) } else { path });
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
    // `--force` applies to the stages named, or to all when none is; what
    // they need still runs only if it is stale.
    let forced = match (args.force, args.stages.is_empty()) {
        (false, _) => Vec::new(),
        (true, true) => selection.clone(),
        (true, false) => project.select_only(&args.stages)?,
    };
    if args.dry_run {
        return dry_run(&project, &selection, &forced);
    }
    let jobs = args
        .jobs
        .map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from);
    // Stages fan out with rayon; one pool sized by -j serves them all.
    // The parser recurses once per nesting level of the PL/SQL it reads;
    // generated code nests blocks a thousand deep, more than the default
    // 2 MB stacks of rayon's threads hold. Untouched stack costs nothing.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(jobs).stack_size(256 << 20).build_global();
    let interrupt = Interrupt::new();
    interrupt.install_handler().context("cannot install the Ctrl-C handler")?;
    let options = RunOptions { forced, keep_going: args.keep_going, jobs, verbose: ui.verbose() };

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
    let (ran, skipped, failed, blocked, paused) = (
        summary.count(Outcome::Ran),
        summary.count(Outcome::Skipped),
        summary.count(Outcome::Failed),
        summary.count(Outcome::Blocked),
        summary.count(Outcome::Paused),
    );
    let total = summary.results.len();
    let noun = if total == 1 { "stage" } else { "stages" };
    let mut line = format!("{total} {noun}: {ran} ran, {skipped} up to date");
    if paused > 0 {
        line.push_str(&format!(", {paused} paused"));
    }
    if failed + blocked > 0 {
        line.push_str(&format!(", {failed} failed, {blocked} blocked"));
    }
    if !not_run.is_empty() {
        line.push_str(&format!(", {} not started", not_run.len()));
    }
    ui.info(&format!("{line} ({})", seconds(summary.elapsed)));
    if summary.interrupted {
        ui.warn("interrupted: finished stages are recorded; run again to continue");
        return Ok(exit::INTERRUPTED);
    }
    Ok(if failed > 0 {
        exit::STAGE_FAILED
    } else if paused > 0 {
        exit::PAUSED
    } else if blocked > 0 {
        exit::STAGE_FAILED
    } else {
        exit::SUCCESS
    })
}

fn dry_run(project: &Project, selection: &[usize], forced: &[usize]) -> Result<u8> {
    for status in project.status(selection, forced)? {
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
    let statuses = project.status(&selection, &[])?;
    let mut summarized = false;
    for status in &statuses {
        let name = &project.stage(status.stage).name;
        let state = if status.reasons.is_empty() {
            "up to date".to_owned()
        } else if ui.verbose() {
            format!("stale: {}", explain(&status.reasons))
        } else {
            summarized |= status.reasons.len() > 1;
            format!("stale: {}", runner::summarize(&status.reasons))
        };
        println!("{name:width$}  {state}");
        if let Some(description) = project.stage(status.stage).description.as_deref() {
            if ui.verbose() {
                println!("{:width$}  ({description})", "");
            }
        }
    }
    if summarized {
        ui.info("hint: `pipeline status -v` lists every reason");
    }
    let stale = statuses.iter().any(|s| !s.reasons.is_empty());
    Ok(if args.check && stale { exit::STAGE_FAILED } else { exit::SUCCESS })
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
                println!("  {}[\"{} ({})\"]", mermaid_id(i), stages[i].name, stages[i].kind);
            }
            for (from, to) in edges() {
                println!("  {} --> {}", mermaid_id(from), mermaid_id(to));
            }
        }
    }
    Ok(exit::SUCCESS)
}

/// Mermaid node ids are generated: stage names such as `end` or `a-b` are
/// keywords or clash once sanitised; the name goes in the label.
fn mermaid_id(index: usize) -> String {
    format!("s{index}")
}

fn clean(project: Project, args: CleanArgs, ui: &Ui) -> Result<u8> {
    let selection = if args.stages.is_empty() {
        project.graph.order.clone()
    } else {
        project.select_only(&args.stages)?
    };
    let mut targets: Vec<PathBuf> = selection
        .iter()
        .flat_map(|&i| {
            project
                .stage(i)
                .output_paths()
                .map(|o| project.manifest.path_of(o.trim_end_matches('/')))
        })
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
        let noun = if removed == 1 { "path" } else { "paths" };
        ui.info(&format!("removed {removed} {noun}"));
    }
    Ok(exit::SUCCESS)
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
    // The runner's state, and the databases: binary, rewritten on each run,
    // reviewed through their text exports instead.
    let mut text = fs_err::read_to_string(&ignore).unwrap_or_default();
    let before = text.len();
    for entry in [format!("/{}/", runner::STATE_DIR), "/knowledge/*.duckdb".to_owned()] {
        if !text.lines().any(|l| l.trim() == entry) {
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&entry);
            text.push('\n');
        }
    }
    if text.len() != before {
        fs_err::write(&ignore, text)?;
    }
    ui.info(&format!(
        "wrote {}; put extracted PL/SQL under {}/extracted and run `pipeline run`",
        path.display(),
        args.dir.display()
    ));
    Ok(exit::SUCCESS)
}
