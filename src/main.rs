//! The `pipeline` binary: parses the command line and dispatches. Everything
//! else lives in the library or in `cli/`.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    cli::install_panic_hook();
    let args = cli::Args::parse();
    cli::main(args)
}
