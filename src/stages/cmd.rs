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
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(ctx.root())
            .envs(param_env(ctx))
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
                let _ = child.kill();
                let _ = child.wait();
                return Err(StageError::Interrupted);
            }
            thread::sleep(Duration::from_millis(20));
        };

        let output = fs_err::read_to_string(&log_path).unwrap_or_default();
        if !status.success() {
            let code = status.code().map_or_else(|| "a signal".into(), |c| format!("status {c}"));
            let mut message = format!("command exited with {code}");
            if !output.trim().is_empty() {
                message.push_str(":\n");
                message.push_str(&indent(last_lines(&output, 20)));
            }
            return Err(StageError::Failed(message));
        }
        let mut outcome = Outcome::new("command succeeded");
        if ctx.verbose && !output.trim().is_empty() {
            outcome.summary.push_str(":\n");
            outcome.summary.push_str(&indent(&output));
        }
        Ok(outcome)
    }
}

fn param_env(ctx: &StageContext<'_>) -> Vec<(String, String)> {
    let mut env = vec![("PIPELINE_ROOT".to_owned(), ctx.root().display().to_string())];
    for (key, value) in manifest::param_values(ctx.manifest, ctx.stage) {
        let name: String = key
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_uppercase() } else { '_' })
            .collect();
        let text = match value {
            toml::Value::String(s) => s,
            other => other.to_string(),
        };
        env.push((format!("PIPELINE_PARAM_{name}"), text));
    }
    env
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
