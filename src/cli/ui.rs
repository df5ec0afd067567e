//! How pipeline talks to a person, following `docs/messages.md`: data on
//! stdout, everything else on stderr; one line per stage; warnings always;
//! reasons with `-v`; progress spinners only on a terminal, never mixed
//! with log lines; no colour without a terminal or with `NO_COLOR`.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use console::{style, StyledObject};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use pipeline::runner::{Event, Reason};

use super::args::Global;

/// Reasons shown per stage with `-v` before "and N more".
const MAX_REASONS: usize = 10;

pub struct Ui {
    verbose: u8,
    quiet: bool,
    progress: Option<MultiProgress>,
    spinners: Mutex<HashMap<String, ProgressBar>>,
}

impl Ui {
    pub fn new(global: &Global) -> Ui {
        let terminal = std::io::stderr().is_terminal();
        if !terminal {
            console::set_colors_enabled_stderr(false);
        }
        let progress = (terminal && !global.no_progress && !global.quiet)
            .then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
        Ui { verbose: global.verbose, quiet: global.quiet, progress, spinners: Mutex::default() }
    }

    pub fn verbose(&self) -> bool {
        self.verbose > 0
    }

    /// A line on stderr that does not tear a progress bar.
    fn line(&self, text: &str) {
        match &self.progress {
            Some(multi) => {
                let _ = multi.println(text);
            }
            None => eprintln!("{text}"),
        }
    }

    /// An informational line, hidden with `--quiet`.
    pub fn info(&self, text: &str) {
        if !self.quiet {
            self.line(text);
        }
    }

    /// Shown whatever the verbosity: something needs a person's attention.
    pub fn warn(&self, text: &str) {
        self.line(&format!("{}: {text}", style("warning").yellow().bold()));
    }

    pub fn error(&self, error: &anyhow::Error) {
        let mut text = format!("{}: {error}", style("error").red().bold());
        for cause in error.chain().skip(1) {
            text.push_str(&format!("\n  caused by: {cause}"));
        }
        self.line(&text);
    }

    /// Reports one runner event.
    pub fn event(&self, event: Event<'_>) {
        match event {
            Event::Started { stage, reasons } => {
                if self.verbose() {
                    self.line(&format!(
                        "{} {stage}: {}",
                        verb(style("running").cyan()),
                        explain(reasons)
                    ));
                }
                self.start_spinner(stage);
            }
            Event::Skipped { stage } => {
                self.info(&format!("{} {stage}: up to date", verb(style("skipped").dim())));
            }
            Event::Finished { stage, outcome, elapsed } => {
                self.stop_spinner(stage);
                self.info(&format!(
                    "{} {stage}: {} ({})",
                    verb(style("ran").green()),
                    outcome.summary,
                    seconds(elapsed)
                ));
                if self.verbose() {
                    for detail in &outcome.details {
                        self.line(&format!("        {detail}"));
                    }
                }
                for warning in &outcome.warnings {
                    self.warn(&format!("{stage}: {warning}"));
                }
            }
            Event::Failed { stage, error, elapsed } => {
                self.stop_spinner(stage);
                self.line(&format!(
                    "{} {stage} ({}): {error}",
                    verb(style("failed").red().bold()),
                    seconds(elapsed)
                ));
            }
            Event::Paused { stage, message, elapsed } => {
                self.stop_spinner(stage);
                self.line(&format!(
                    "{} {stage} ({}): {message}",
                    verb(style("paused").yellow().bold()),
                    seconds(elapsed)
                ));
            }
            Event::Progress { stage, done, total } => self.advance(stage, done, total),
            Event::Blocked { stage, by } => {
                self.line(&format!(
                    "{} {stage}: needs `{by}`, which did not succeed",
                    verb(style("blocked").yellow())
                ));
            }
        }
    }

    fn start_spinner(&self, stage: &str) {
        let Some(multi) = &self.progress else { return };
        let bar = multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("valid template"),
        );
        bar.set_message(stage.to_owned());
        bar.enable_steady_tick(Duration::from_millis(120));
        self.spinners.lock().expect("spinner lock").insert(stage.to_owned(), bar);
    }

    /// Turns a stage's spinner into a bar once it knows its amount of work.
    fn advance(&self, stage: &str, done: u64, total: u64) {
        let spinners = self.spinners.lock().expect("spinner lock");
        let Some(bar) = spinners.get(stage) else { return };
        if bar.length() != Some(total) {
            bar.set_length(total);
            let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                .expect("valid template")
                .progress_chars("=> ");
            bar.set_style(style);
        }
        bar.set_position(done);
    }

    fn stop_spinner(&self, stage: &str) {
        if let Some(bar) = self.spinners.lock().expect("spinner lock").remove(stage) {
            bar.finish_and_clear();
            if let Some(multi) = &self.progress {
                multi.remove(&bar);
            }
        }
    }
}

/// The status word, right-aligned so stage names line up.
fn verb<D: std::fmt::Display>(word: StyledObject<D>) -> String {
    let plain = word.to_string();
    let width = console::measure_text_width(&plain);
    format!("{}{plain}", " ".repeat(7usize.saturating_sub(width)))
}

/// Reasons for `-v`: each one, up to a limit.
pub fn explain(reasons: &[Reason]) -> String {
    let mut shown: Vec<String> =
        reasons.iter().take(MAX_REASONS).map(ToString::to_string).collect();
    if reasons.len() > MAX_REASONS {
        shown.push(format!("and {} more", reasons.len() - MAX_REASONS));
    }
    shown.join("; ")
}

pub fn seconds(d: Duration) -> String {
    if d < Duration::from_secs(10) {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}
