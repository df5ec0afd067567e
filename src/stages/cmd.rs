//! `cmd`: an arbitrary shell command, as a make rule would run it.
//!
//! The command runs under `sh -c` in the project root. Its output goes to
//! `.pipeline/logs/<stage>.log` and is shown only when it fails or with
//! `-v`, so a quiet run stays one line per stage. Parameters reach it as
//! environment variables: `target.postgres_version` becomes
//! `PIPELINE_PARAM_TARGET_POSTGRES_VERSION`.

use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use super::{Outcome, StageContext, StageError, StageKind};
use crate::manifest;

pub(super) struct Cmd;

impl StageKind for Cmd {
    fn name(&self) -> &'static str {
        "cmd"
    }

    fn about(&self) -> &'static str {
        "runs `command` with `sh -c` in the project root"
    }

    fn takes_command(&self) -> bool {
        true
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let command = ctx.stage.command.as_deref().unwrap_or_default();
        let log_path = ctx.log_dir.join(format!("{}.log", ctx.stage.name));
        let log = fs_err::File::create(&log_path)?;
        clear_outputs(ctx)?;
        let mut command_line = Command::new("sh");
        command_line.arg("-c").arg(command);
        // Its own process group, so that stopping it stops everything it
        // started, not only the shell.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command_line, 0);
        let mut child = command_line
            .current_dir(ctx.root())
            .envs(param_env(ctx)?)
            .env("PIPELINE_STAGE", &ctx.stage.name)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?.into_parts().0)
            .stderr(log.into_parts().0)
            .spawn()
            .map_err(|e| StageError::Failed(format!("could not start `sh`: {e}")))?;

        // Poll rather than block, so Ctrl-C can stop the child and the runner
        // can restore the outputs it had before.
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            if ctx.interrupt.is_set() {
                stop_group(&mut child);
                return Err(StageError::Interrupted);
            }
            thread::sleep(Duration::from_millis(20));
        };

        let output = fs_err::read_to_string(&log_path).unwrap_or_default();
        if !status.success() {
            let mut message = describe_exit(status);
            if !output.trim().is_empty() {
                message.push_str(":\n");
                message.push_str(&indent(last_lines(&output, 20)));
            }
            return Err(StageError::Failed(message));
        }
        let mut outcome = Outcome::new("command succeeded");
        outcome.details = output.trim_end().lines().map(str::to_owned).collect();
        Ok(outcome)
    }
}

/// Outputs are removed before the command runs (the runner has set them
/// aside), so files a previous run wrote and this one does not are not
/// mistaken for results.
fn clear_outputs(ctx: &StageContext<'_>) -> std::io::Result<()> {
    for output in ctx.stage.output_paths() {
        crate::runner::remove_path(&ctx.path(output.trim_end_matches('/')))?;
    }
    Ok(())
}

/// Stops the command and everything it started: a polite SIGTERM to its
/// process group, then SIGKILL for what is left after a grace period.
fn stop_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let group = -(child.id() as libc::pid_t);
        // SAFETY: kill(2) takes no pointers; a stale group id only fails.
        unsafe { libc::kill(group, libc::SIGTERM) };
        for _ in 0..50 {
            if matches!(child.try_wait(), Ok(Some(_))) {
                break;
            }
            thread::sleep(Duration::from_millis(20));
        }
        // SAFETY: as above.
        unsafe { libc::kill(group, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("command exited with status {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("command was killed by signal {signal} ({})", signal_name(signal));
    }
    "command ended abnormally".into()
}

#[cfg(unix)]
fn signal_name(signal: i32) -> &'static str {
    match signal {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGABRT => "SIGABRT",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// The environment a command sees. Two parameters whose names differ only
/// in punctuation (`a.pg-version`, `a.pg_version`) would share a variable;
/// that is refused rather than one value silently winning.
fn param_env(ctx: &StageContext<'_>) -> Result<Vec<(String, String)>, StageError> {
    let root = std::path::absolute(ctx.root()).unwrap_or_else(|_| ctx.root().to_path_buf());
    let mut env = vec![("PIPELINE_ROOT".to_owned(), root.display().to_string())];
    let mut seen = std::collections::BTreeMap::new();
    for (key, value) in manifest::param_values(ctx.manifest, ctx.stage) {
        let name: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
            .collect();
        let text = match value {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        let var = format!("PIPELINE_PARAM_{name}");
        if let Some(other) = seen.insert(var.clone(), key.clone()) {
            return Err(StageError::Failed(format!(
                "parameters `{other}` and `{key}` would both be passed as `{var}`; rename one"
            )));
        }
        env.push((var, text));
    }
    Ok(env)
}

fn last_lines(text: &str, n: usize) -> &str {
    let trimmed = text.trim_end();
    match trimmed.rmatch_indices('\n').nth(n.saturating_sub(1)) {
        Some((i, _)) => &trimmed[i + 1..],
        None => trimmed,
    }
}

fn indent(text: &str) -> String {
    text.trim_end().lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}
