//! Argument types. Help text here is what a newcomer learns the tool from.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// The help epilogue: stage kinds (from the registry, so it never goes
/// stale), exit statuses, and where to start.
pub fn after_help() -> String {
    let mut text = String::from("Stage kinds (`kind = \"...\"` in pipeline.toml):\n");
    for kind in pipeline::stages::kinds() {
        text.push_str(&format!("  {:8} {}\n", kind.name(), kind.about()));
    }
    text.push('\n');
    text.push_str(EXIT_AND_START);
    text
}

const EXIT_AND_START: &str = "\
Exit status:
  0    success (or nothing to do)
  1    a stage failed
  2    the command line or pipeline.toml is wrong; nothing ran
  3    a stage paused (token budget reached); `pipeline run` resumes it
  101  a bug in pipeline
  130  interrupted (Ctrl-C); finished stages are kept

Start with `pipeline init` in a new folder, or `pipeline status` in a
project that has a pipeline.toml. `pipeline run -v` says why each stage runs.";

/// Make-like migration of Oracle PL/SQL estates to Aurora PostgreSQL.
///
/// pipeline reads pipeline.toml, works out which stages are stale (an input,
/// parameter, definition or output changed since the last run recorded in
/// pipeline.lock) and runs those, in dependency order.
#[derive(Debug, Parser)]
#[command(name = "pipeline", version, max_term_width = 100)]
pub struct Args {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct Global {
    /// Use this manifest instead of the nearest pipeline.toml.
    #[arg(long, global = true, value_name = "FILE", env = "PIPELINE_MANIFEST")]
    pub manifest: Option<PathBuf>,

    /// Explain decisions (-v); show debug detail (-vv).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Print only errors and warnings.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Never draw progress bars (they are drawn only on a terminal anyway).
    #[arg(long, global = true)]
    pub no_progress: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run stale stages (all, or the named ones and what they need).
    Run(RunArgs),
    /// Show each stage: up to date, or stale and why.
    Status(StatusArgs),
    /// Print the stage graph.
    Dag(DagArgs),
    /// Remove stage outputs (and with --state, the .pipeline/ folder).
    Clean(CleanArgs),
    /// Write a commented starter pipeline.toml into a folder.
    Init(InitArgs),
    /// Print everything the knowledge base knows of one object.
    Show(ShowArgs),
    /// Search the knowledge base by meaning: which objects deal with what you ask.
    Search(SearchArgs),
    /// Answer the knowledge base's questions over HTTP (JSON; see GET /openapi.json).
    Serve(ServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The question, in words: "how is the discount computed?".
    pub query: String,

    /// Hits at most (1 to 100).
    #[arg(long, value_name = "N", default_value_t = pipeline::knowledge::search::DEFAULT_LIMIT)]
    pub limit: usize,

    /// Lowest cosine similarity shown (-1 to 1).
    #[arg(long, value_name = "X", default_value_t = pipeline::knowledge::search::DEFAULT_THRESHOLD, allow_negative_numbers = true)]
    pub threshold: f64,

    /// Only objects of this type: `PACKAGE BODY`, `TRIGGER`, `function`...
    #[arg(long = "type", value_name = "T")]
    pub object_type: Option<String>,

    /// Only objects that use this feature: `UTL_HTTP`, `BULK_COLLECT`...
    #[arg(long, value_name = "F")]
    pub feature: Option<String>,

    /// Only items of this kind: FLOW (whole objects), VALIDATION, CALCULATION, RULE.
    #[arg(long, value_name = "K")]
    pub knowledge_type: Option<String>,

    /// Print the hits as JSON, for scripts.
    #[arg(long)]
    pub json: bool,

    /// Search the PostgreSQL knowledge base (DATABASE_URL, else
    /// `[knowledge.database] url`) instead of the local DuckDB file.
    #[arg(long)]
    pub postgres: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on [default: `[knowledge.serve] bind`, else 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,

    /// Answer from the PostgreSQL knowledge base (DATABASE_URL, else
    /// `[knowledge.database] url`) instead of the local DuckDB file.
    #[arg(long)]
    pub postgres: bool,
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The object: `SCHEMA.NAME`, `NAME`, or an id such as `HR.EMP_PKG (PACKAGE BODY)`.
    pub object: String,
}

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Stages to run; what they need runs first. Default: every stage.
    pub stages: Vec<String>,

    /// Run the selected stages even if they are up to date.
    #[arg(short, long)]
    pub force: bool,

    /// Print what would run and why, and run nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,

    /// After a stage fails, go on with stages that do not need it.
    #[arg(short, long)]
    pub keep_going: bool,

    /// Stages to run at once, and threads per stage [default: CPU count].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Stages to show (with what they need). Default: every stage.
    pub stages: Vec<String>,

    /// Exit with status 1 if any stage is stale (for CI and scripts).
    #[arg(long)]
    pub check: bool,
}

#[derive(Debug, clap::Args)]
pub struct DagArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = DagFormat::Text)]
    pub format: DagFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DagFormat {
    /// One line per stage with what it needs.
    Text,
    /// Graphviz, for `dot -Tsvg`.
    Dot,
    /// Mermaid flowchart, for Markdown.
    Mermaid,
}

#[derive(Debug, clap::Args)]
pub struct CleanArgs {
    /// Stages whose outputs to remove. Default: every stage.
    pub stages: Vec<String>,

    /// Also remove the .pipeline/ folder (caches, logs, timings).
    #[arg(long)]
    pub state: bool,

    /// Print what would be removed, and remove nothing.
    #[arg(short = 'n', long)]
    pub dry_run: bool,
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// Folder to create the manifest in.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
}
