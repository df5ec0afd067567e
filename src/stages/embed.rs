//! `embed`: fills the knowledge base's embedding columns, for search by
//! meaning.
//!
//! Its input is the knowledge base a classify stage writes (a `.duckdb`
//! file); its output is the embedding cache (another `.duckdb` file), which
//! survives a rebuild of the knowledge base so that no text is ever sent to
//! a paid service twice. The provider, model and dimension come from
//! `[knowledge.embedding]` and `knowledge.embedding_dimensions` (see
//! [`crate::knowledge::embed`]).

use std::path::Path;

use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::knowledge::embed::{self, store};

pub(super) struct Embed;

const USAGE: &str = "an embed stage reads the knowledge base and writes the embedding cache, e.g. \
     inputs = [\"knowledge/knowledge.duckdb\"], outputs = [\"knowledge/embeddings.duckdb\"]";

impl StageKind for Embed {
    fn name(&self) -> &'static str {
        "embed"
    }

    fn about(&self) -> &'static str {
        "computes the embeddings of the knowledge base, through a cache"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &[
            "knowledge.embedding",
            "knowledge.embedding_dimensions",
            "knowledge.embedding_model",
            "aws.region",
        ]
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        let databases = |paths: &[Spanned<String>]| {
            paths.iter().filter(|p| p.get_ref().ends_with(".duckdb")).count()
        };
        match (databases(inputs), outputs) {
            (1, [out]) if out.get_ref().ends_with(".duckdb") => Ok(()),
            (1, [out]) => Err((Some(out.span()), USAGE.to_owned())),
            _ => Err((None, USAGE.to_owned())),
        }
    }

    fn untracked_output(&self, output: &str) -> bool {
        output.ends_with(".duckdb")
    }

    fn updates_input(&self, input: &str) -> bool {
        input.ends_with(".duckdb")
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let base = ctx
            .stage
            .inputs
            .iter()
            .map(|p| p.get_ref())
            .find(|p| p.ends_with(".duckdb"))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let cache =
            ctx.stage.output_paths().next().ok_or_else(|| StageError::Failed(USAGE.into()))?;
        if !ctx.path(base).exists() {
            return Err(StageError::Failed(format!(
                "the knowledge base `{base}` does not exist: the classify stage writes it"
            )));
        }
        let config = embed::Config::from_manifest(|k| ctx.manifest.param(k))
            .map_err(|e| StageError::Failed(e.to_string()))?;
        let embedder = config.embedder().map_err(|e| StageError::Failed(e.to_string()))?;
        if let Some(parent) = ctx.path(cache).parent() {
            fs_err::create_dir_all(parent)?;
        }
        let root = ctx.root().to_owned();
        // Items come in file order: one file read serves all its objects.
        let last_file: std::sync::Mutex<(String, Option<Vec<String>>)> = Default::default();
        let source_of = move |file: &str, first: i32, last: i32| {
            let mut held = last_file.lock().unwrap_or_else(|e| e.into_inner());
            if held.0 != file {
                *held = (file.to_owned(), read_lines(&root.join(file)));
            }
            let lines = held.1.as_ref()?;
            let from = usize::try_from(first.max(1) - 1).ok()?.min(lines.len());
            let to = usize::try_from(last.max(0)).ok()?.clamp(from, lines.len());
            Some(lines[from..to].join("\n"))
        };
        let filled = store::fill(
            &ctx.path(base),
            &ctx.path(cache),
            embedder.as_ref(),
            config.settings.max_input_chars,
            &source_of,
            &|| ctx.interrupt.is_set(),
            &|done, total| (ctx.progress)(done as u64, total as u64),
        )
        .map_err(|e| match e {
            store::FillError::Interrupted => StageError::Interrupted,
            other => StageError::Failed(other.to_string()),
        })?;
        let mut outcome = Outcome::new(match filled.rows {
            0 => format!("{} embeddings up to date ({})", filled.kept, embedder.model()),
            rows => format!(
                "{rows} rows embedded with {}: {} texts embedded, {} from the cache, {} rows unchanged",
                embedder.model(),
                filled.sent,
                filled.cached,
                filled.kept
            ),
        });
        outcome.details.push(format!("{} dimensions; cache `{cache}`", embedder.dimensions()));
        Ok(outcome)
    }
}

/// The lines of a file, decoded as the scan decoded it (so that an object's
/// lines are the ones the inventory names); `None` when it cannot be read
/// (the embeddings of its objects then hold no code).
fn read_lines(path: &Path) -> Option<Vec<String>> {
    let bytes = std::fs::read(path).ok()?;
    let decoded = crate::plsql::encoding::decode(&bytes);
    Some(decoded.text.lines().map(str::to_owned).collect())
}
