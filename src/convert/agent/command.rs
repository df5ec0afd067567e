//! The `command` agent: a program of the user's converts each object, for
//! a model or a tool pipeline cannot call itself.
//!
//! The contract, per object:
//!
//! - The program is `command[0]`, run with the rest of `command` as its
//!   arguments, without a shell, in the directory `pipeline` runs in.
//! - stdin holds the system prompt, a blank line, then the prompt; it is
//!   closed after that. `PIPELINE_OBJECT` names the object.
//! - stdout is the answer: the converted SQL, bare or in a ```` ```sql ````
//!   block. Exit status 0 means it is one.
//! - stderr is shown when the program fails. Its last line may report the
//!   tokens spent, `tokens: INPUT OUTPUT` (two integers); without it the
//!   usage is estimated from the sizes of stdin and stdout.
//! - A non-zero exit, or running past `timeout_seconds`, fails the object;
//!   Ctrl-C kills the program. The program leads a process group of its
//!   own, and the whole group is killed, so what it started goes too.
//!
//! On Linux the program is also killed if `pipeline` dies without a chance
//! to clean up (`kill -9`, an out-of-memory kill), by `PR_SET_PDEATHSIG`.
//! That signal reaches the program only, not what it started, and fires
//! when the thread that started it ends: [`Command::convert`] waits for the
//! program on that thread, so it never fires early.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, ChildStderr, ChildStdout, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{checked, service, Agent, AgentError, Config, ConfigError, Reply, Request, Usage};
use crate::runner::Interrupt;

/// How often the program is checked on while it runs.
const POLL: Duration = Duration::from_millis(10);

/// Lines of stderr shown when the program fails.
const STDERR_LINES: usize = 10;

/// The user's program.
#[derive(Debug)]
pub struct Command {
    program: String,
    args: Vec<String>,
    timeout: Duration,
}

/// The `command` key on its own: a program is named.
pub(super) fn check(settings: &super::Settings) -> Result<(), ConfigError> {
    match settings.command.first() {
        Some(program) if !program.trim().is_empty() => Ok(()),
        _ => Err(ConfigError(
            "[convert.agent] provider = \"command\" needs `command`, the program and its \
             arguments (command = [\"./convert.sh\", \"--strict\"])"
                .to_owned(),
        )),
    }
}

impl Command {
    /// Checks that the program exists; runs nothing.
    pub fn new(config: &Config) -> Result<Command, ConfigError> {
        check(&config.settings)?;
        let (program, args) = config.settings.command.split_first().expect("checked above");
        if !exists(program) {
            let where_ = match program.contains('/') {
                true => "there is no such file",
                false => "it is not on PATH",
            };
            return Err(ConfigError(format!(
                "[convert.agent] command = [{program:?}, ...]: {where_}"
            )));
        }
        Ok(Command {
            program: program.clone(),
            args: args.to_vec(),
            timeout: Duration::from_secs(config.settings.timeout_seconds),
        })
    }

    fn name(&self) -> String {
        format!("`{}`", self.program)
    }

    fn spawn(&self, object: &str) -> Result<Child, AgentError> {
        let mut command = std::process::Command::new(&self.program);
        command
            .args(&self.args)
            .env("PIPELINE_OBJECT", object)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        #[cfg(target_os = "linux")]
        die_with_parent(&mut command);
        command
            .spawn()
            .map_err(|e| AgentError::Failed(format!("{} could not be started: {e}", self.name())))
    }
}

impl Agent for Command {
    fn identity(&self) -> String {
        let words: Vec<String> = std::iter::once(&self.program)
            .chain(&self.args)
            .map(|word| match word.contains(char::is_whitespace) || word.is_empty() {
                true => format!("'{word}'"),
                false => word.clone(),
            })
            .collect();
        format!("command:{}", words.join(" "))
    }

    fn convert(&self, request: &Request, interrupt: &Interrupt) -> Result<Reply, AgentError> {
        let input = format!("{}\n\n{}", request.system, request.prompt);
        let mut child = self.spawn(&request.object)?;
        let output = Output::collect(&mut child, input.into_bytes());
        let status = match self.wait(&mut child, interrupt) {
            Ok(status) => status,
            Err(error) => {
                kill(&mut child);
                return Err(match error {
                    Stop::Interrupted => AgentError::Interrupted,
                    Stop::TimedOut => AgentError::Failed(format!(
                        "{} was killed after timeout_seconds = {} ([convert.agent] \
                         timeout_seconds){}",
                        self.name(),
                        self.timeout.as_secs(),
                        output
                            .stderr_within(Duration::from_secs(1))
                            .map_or(String::new(), |e| tail(&e))
                    )),
                    Stop::Lost(e) => AgentError::Failed(format!("{}: {e}", self.name())),
                });
            }
        };
        let (stdout, stderr) = output.finish();
        if !status.success() {
            return Err(AgentError::Failed(format!(
                "{} {}{}",
                self.name(),
                describe(status),
                tail(&stderr)
            )));
        }
        let text = String::from_utf8(stdout).map_err(|e| AgentError::Malformed {
            message: format!("{}: its output is not UTF-8 ({e})", self.name()),
            usage: service::estimate(request, ""),
        })?;
        let (usage, estimated) = match reported(&stderr) {
            Some(usage) => (usage, false),
            None => (service::estimate(request, &text), true),
        };
        checked(&self.name(), text, usage, estimated, None)
    }
}

/// Why the wait for the program ended before it did.
enum Stop {
    Interrupted,
    TimedOut,
    Lost(std::io::Error),
}

impl Command {
    fn wait(
        &self,
        child: &mut Child,
        interrupt: &Interrupt,
    ) -> Result<std::process::ExitStatus, Stop> {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(status) = child.try_wait().map_err(Stop::Lost)? {
                return Ok(status);
            }
            if interrupt.is_set() {
                return Err(Stop::Interrupted);
            }
            if Instant::now() >= deadline {
                return Err(Stop::TimedOut);
            }
            std::thread::sleep(POLL);
        }
    }
}

/// The threads that feed the program its input and read what it writes:
/// on this thread alone a program that writes before it has read all its
/// input would block on a full pipe.
struct Output {
    stdout: Option<JoinHandle<Vec<u8>>>,
    stderr: Option<JoinHandle<Vec<u8>>>,
}

impl Output {
    fn collect(child: &mut Child, input: Vec<u8>) -> Output {
        if let Some(mut stdin) = child.stdin.take() {
            // A program may exit without reading all of it: not an error of
            // ours, and its exit status says what happened.
            std::thread::spawn(move || stdin.write_all(&input));
        }
        Output {
            stdout: child.stdout.take().map(|out: ChildStdout| std::thread::spawn(|| read(out))),
            stderr: child.stderr.take().map(|err: ChildStderr| std::thread::spawn(|| read(err))),
        }
    }

    /// What the killed program wrote to stderr, unless something it started
    /// still holds the pipe after `patience`.
    fn stderr_within(self, patience: Duration) -> Option<Vec<u8>> {
        let handle = self.stderr?;
        let deadline = Instant::now() + patience;
        while !handle.is_finished() {
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(POLL);
        }
        handle.join().ok()
    }

    /// Everything written, once the program has exited and its pipes closed.
    fn finish(self) -> (Vec<u8>, Vec<u8>) {
        let join = |handle: Option<JoinHandle<Vec<u8>>>| {
            handle.map(|h| h.join().unwrap_or_default()).unwrap_or_default()
        };
        (join(self.stdout), join(self.stderr))
    }
}

fn read(mut pipe: impl Read) -> Vec<u8> {
    let mut bytes = Vec::new();
    let _ = pipe.read_to_end(&mut bytes);
    bytes
}

/// Kills the program's process group, then the program, and reaps it.
fn kill(child: &mut Child) {
    #[cfg(unix)]
    if let Ok(group) = libc::pid_t::try_from(child.id()) {
        // The program is not reaped yet, so its id still names its group.
        unsafe { libc::kill(-group, libc::SIGKILL) };
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Asks Linux to kill the program when the thread that started it ends.
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let parent = unsafe { libc::getpid() };
    let set_signal = move || {
        // Only async-signal-safe calls between fork and exec: no allocation.
        if unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) } == -1 {
            return Err(std::io::Error::last_os_error());
        }
        // The parent died before the signal was asked for: it never comes.
        if unsafe { libc::getppid() } != parent {
            return Err(std::io::Error::from_raw_os_error(libc::ESRCH));
        }
        Ok(())
    };
    unsafe { command.pre_exec(set_signal) };
}

/// Whether `program` names a file, itself or on `PATH`.
fn exists(program: &str) -> bool {
    if program.contains('/') {
        return Path::new(program).is_file();
    }
    let Some(path) = std::env::var_os("PATH") else { return false };
    std::env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

/// "exited with status 3", "was killed by signal 9".
fn describe(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("was killed by signal {signal}");
    }
    match status.code() {
        Some(code) => format!("exited with status {code}"),
        None => format!("ended: {status}"),
    }
}

/// The last lines of stderr, indented under a line saying what they are.
fn tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return "; it wrote nothing to stderr".to_owned();
    }
    let start = lines.len().saturating_sub(STDERR_LINES);
    let shown: Vec<String> = lines[start..].iter().map(|l| format!("  {}", l.trim_end())).collect();
    let heading = match start {
        0 => "; its stderr:",
        _ => "; the end of its stderr:",
    };
    format!("{heading}\n{}", shown.join("\n"))
}

/// The usage the program's last line of stderr reports, `tokens: IN OUT`.
fn reported(stderr: &[u8]) -> Option<Usage> {
    let text = String::from_utf8_lossy(stderr);
    let last = text.lines().rev().find(|l| !l.trim().is_empty())?;
    let counts = last.trim().strip_prefix("tokens:")?;
    let mut numbers = counts.split_whitespace().map(str::parse::<u64>);
    match (numbers.next(), numbers.next(), numbers.next()) {
        (Some(Ok(input_tokens)), Some(Ok(output_tokens)), None) => {
            Some(Usage { input_tokens, output_tokens })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_is_read_from_the_last_line_of_stderr_only() {
        let usage = Some(Usage { input_tokens: 1200, output_tokens: 340 });
        assert_eq!(reported(b"thinking\ntokens: 1200 340\n\n"), usage);
        assert_eq!(reported(b"tokens: 1200 340\ndone\n"), None);
        assert_eq!(reported(b"tokens: many\n"), None);
        assert_eq!(reported(b"tokens: 1 2 3\n"), None);
        assert_eq!(reported(b""), None);
    }

    #[test]
    fn the_tail_of_stderr_keeps_its_last_lines() {
        let many: String = (1..=15).map(|i| format!("line {i}\n")).collect();
        let shown = tail(many.as_bytes());
        assert!(shown.starts_with("; the end of its stderr:\n  line 6\n"), "{shown}");
        assert!(shown.ends_with("  line 15"), "{shown}");
        assert_eq!(tail(b"\n"), "; it wrote nothing to stderr");
    }
}
