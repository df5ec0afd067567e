//! The `pipeline` binary: parses the command line and dispatches. Everything
//! else lives in the library or in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

// The main job allocates and frees millions of small tokens and tree nodes
// on every core, and glibc's malloc, free and arena locks were about a fifth
// of its time. Cargo.toml says why mimalloc is built without huge pages.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::install_panic_hook();
    let matches = cli::Args::command().after_help(cli::after_help()).get_matches();
    let args = cli::Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli::main(args)
}
