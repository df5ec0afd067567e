//! The command line: argument types, dispatch, exit codes, and how errors
//! reach the user. The library never sees clap types; each command resolves
//! its arguments into plain settings first.

mod args;
mod commands;
mod knowledge;
mod ui;

use std::process::ExitCode;

pub use args::{after_help, Args};

/// Exit statuses, as documented in `--help`.
pub mod exit {
    /// Everything asked for succeeded (or was already up to date).
    pub const SUCCESS: u8 = 0;
    /// At least one stage failed.
    pub const STAGE_FAILED: u8 = 1;
    /// The command line or the manifest is wrong; nothing ran.
    pub const USER_ERROR: u8 = 2;
    /// A stage paused before its work was done (a token budget reached),
    /// and nothing failed; the next `pipeline run` resumes it.
    pub const PAUSED: u8 = 3;
    /// A bug in pipeline itself (a panic).
    pub const INTERNAL: u8 = 101;
    /// Stopped by Ctrl-C or SIGTERM; finished stages are recorded.
    pub const INTERRUPTED: u8 = 130;
}

pub fn main(args: Args) -> ExitCode {
    restore_sigpipe();
    init_logging(args.global.verbose);
    let ui = ui::Ui::new(&args.global);
    match commands::dispatch(args, &ui) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            ui.error(&error);
            ExitCode::from(exit::USER_ERROR)
        }
    }
}

/// `pipeline status | head -1` must end quietly when `head` exits: with
/// SIGPIPE at its default, writing to the closed pipe ends the process as
/// any Unix filter would, instead of a panic in `println!`.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing, before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Debug logging for `-vv`, or whatever `RUST_LOG` asks for.
fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) => EnvFilter::new(spec),
        Err(_) if verbose >= 2 => EnvFilter::new("pipeline=debug"),
        Err(_) => return,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(
            std::io::IsTerminal::is_terminal(&std::io::stderr())
                && std::env::var_os("NO_COLOR").is_none(),
        )
        .without_time()
        .with_target(false)
        .try_init();
}

/// A panic is a bug: say so, and exit with the code reserved for bugs.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default(info);
        eprintln!(
            "\nerror: this is a bug in pipeline {}, not in your project; please report it with the \
             message above",
            env!("CARGO_PKG_VERSION")
        );
        std::process::exit(exit::INTERNAL.into());
    }));
}
