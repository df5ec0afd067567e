//! `convert-complex`: the objects classification routes to an AI agent
//! (MEDIUM and COMPLEX), and the route-1 objects whose ora2pg output failed
//! validation, converted by the agent `[convert.agent]` names, under a token
//! budget, in batches with a checkpoint after each.
//!
//! For each object a prompt is rendered from `templates/prompts/`
//! ([`crate::convert::prompt`]). With agent `none` the prompts are the
//! output, for people or other tools. With an agent, each answer's SQL is
//! tried on PostgreSQL when a database is set (`DATABASE_URL`) and, while it
//! fails, the error goes back to the agent, up to `max_attempts` requests.
//!
//! Every result is stored the moment it arrives, keyed by source, templates
//! and agent ([`crate::convert::answers`]): an unchanged object is never
//! sent again, and a run stopped in any way (the budget, Ctrl-C, a crash,
//! `kill -9`) loses no finished object. The checkpoint and the run log are
//! in `.pipeline/sessions/<stage>/` ([`crate::convert::session`]).
//!
//! At `pause_at` of `token_budget` (tokens per run), no new object is sent;
//! those in flight finish, the checkpoint is written, and the stage pauses:
//! what it wrote is kept and the next `pipeline run` resumes with the next
//! object and a new budget.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use serde::Deserialize;
use serde_json::{json, Value};
use toml::Spanned;

use super::{Outcome, PathCheck, StageContext, StageError, StageKind};
use crate::convert::agent::{self, Agent, AgentError, Request, Usage};
use crate::convert::answers::{AgentResult, Attempt, Store};
use crate::convert::prompt::{self, Knowledge};
use crate::convert::results::{ResultRow, ResultStatus};
use crate::convert::session::{self, ObjectError, ResumeFrom, Session, State};
use crate::convert::validate::{Validator, VerdictStatus};
use crate::convert::worklist::{self, Converted, RouteEntry, Sources, Status};
use crate::knowledge::postgres::Target;
use crate::render::TemplateSet;

pub(super) struct ConvertComplex;

const USAGE: &str = "a convert-complex stage reads classification's analysis folder (with \
     routes/agent.tsv), the inventory's objects.tsv, the extracted sources and a folder of prompt \
     templates, and writes one folder, e.g. inputs = [\"knowledge/analysis/\", \
     \"knowledge/inventory/objects.tsv\", \"extracted/\", \"templates/prompts/\"], outputs = \
     [\"migrated/complex/\"]";

/// The prompts an agent `none` writes, under the output folder.
const PROMPTS: &str = "prompts";

/// `[convert]` of the manifest.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default = "default_batch_size")]
    batch_size: usize,
    /// Tokens (input and output) one run may spend; 0 for no limit.
    #[serde(default)]
    token_budget: u64,
    #[serde(default = "default_pause_at")]
    pause_at: f64,
    /// Requests per object at most, repairs included.
    #[serde(default = "default_max_attempts")]
    max_attempts: u32,
    /// Related objects from the knowledge base shown in a prompt.
    #[serde(default = "default_related")]
    related: usize,
    // Read by the agents and by convert-simple.
    #[allow(dead_code)]
    agent: Option<toml::Value>,
    #[allow(dead_code)]
    ora2pg: Option<toml::Value>,
}

fn default_batch_size() -> usize {
    100
}
fn default_pause_at() -> f64 {
    0.9
}
fn default_max_attempts() -> u32 {
    3
}
fn default_related() -> usize {
    3
}

impl Settings {
    fn from_manifest(manifest: &crate::manifest::Manifest) -> Result<Settings, StageError> {
        let settings: Settings = match manifest.param("convert") {
            None => toml::from_str("").expect("defaults"),
            Some(value) => value
                .clone()
                .try_into()
                .map_err(|e| StageError::Failed(crate::convert::table_error("convert", &e)))?,
        };
        let bad = |key: &str, what: &str| {
            Err(StageError::Failed(format!("[convert] {key} in pipeline.toml must be {what}")))
        };
        if settings.batch_size == 0 {
            return bad("batch_size", "at least 1");
        }
        if !(settings.pause_at > 0.0 && settings.pause_at <= 1.0) {
            return bad("pause_at", "a share above 0 and at most 1, such as 0.9");
        }
        if settings.max_attempts == 0 {
            return bad("max_attempts", "at least 1");
        }
        Ok(settings)
    }
}

/// The inputs a stage of this kind found, by role.
struct Paths {
    analysis: PathBuf,
    inventory: PathBuf,
    templates: PathBuf,
    /// The validation of route 1, whose failures come here.
    validation: Option<PathBuf>,
    /// The knowledge base, for related objects.
    base: Option<PathBuf>,
    output: PathBuf,
    output_name: String,
}

impl Paths {
    fn of(ctx: &StageContext<'_>) -> Result<Paths, StageError> {
        let inputs: Vec<&str> = ctx.stage.inputs.iter().map(|p| p.get_ref().as_str()).collect();
        let find = |pred: &dyn Fn(&str) -> bool| inputs.iter().copied().find(|p| pred(p));
        let analysis = find(&|p| ctx.path(p).join("routes").join("agent.tsv").exists())
            .or_else(|| find(&|p| p.trim_end_matches('/').ends_with("analysis")))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let inventory = find(&|p| p.ends_with("objects.tsv") && p.contains("inventory"))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let templates = find(&|p| p.trim_end_matches('/').ends_with("prompts"))
            .ok_or_else(|| StageError::Failed(USAGE.to_owned()))?;
        let validation = find(&|p| p.contains("validation"));
        let base = find(&|p| p.ends_with(".duckdb"));
        let output =
            ctx.stage.output_paths().next().ok_or_else(|| StageError::Failed(USAGE.into()))?;
        Ok(Paths {
            analysis: ctx.path(analysis),
            inventory: ctx.path(inventory),
            templates: ctx.path(templates),
            validation: validation.map(|p| ctx.path(p)),
            base: base.map(|p| ctx.path(p)),
            output: ctx.path(output),
            output_name: output.to_owned(),
        })
    }
}

/// One object to convert.
struct Item {
    entry: RouteEntry,
    source: String,
    /// The earlier route's failure, for a route-1 object.
    earlier: Option<Value>,
    key: String,
}

/// The tokens of one run: spent, promised to requests in flight, and the
/// limit.
struct Budget {
    limit: u64,
    threshold: u64,
    used: u64,
    input: u64,
    output: u64,
    reserved: u64,
    requests: u64,
    estimated: bool,
    paused: bool,
}

impl Budget {
    fn new(limit: u64, pause_at: f64) -> Budget {
        let threshold = if limit == 0 { 0 } else { ((limit as f64) * pause_at).floor() as u64 };
        Budget {
            limit,
            threshold,
            used: 0,
            input: 0,
            output: 0,
            reserved: 0,
            requests: 0,
            estimated: false,
            paused: false,
        }
    }

    /// Sets `estimate` tokens aside for a new object, or pauses: a request
    /// is sent only if what is spent, what is in flight and its own estimate
    /// stay under the threshold.
    fn reserve(&mut self, estimate: u64) -> bool {
        if self.paused {
            return false;
        }
        if self.limit > 0 && self.used + self.reserved + estimate > self.threshold {
            self.paused = true;
            return false;
        }
        self.reserved += estimate;
        true
    }

    fn release(&mut self, estimate: u64) {
        self.reserved = self.reserved.saturating_sub(estimate);
    }

    /// Tokens per request so far in this run.
    fn average(&self) -> Option<u64> {
        (self.requests > 0).then(|| self.used / self.requests)
    }

    fn spend(&mut self, usage: Usage, estimated: bool) {
        self.requests += 1;
        self.input += usage.input_tokens;
        self.output += usage.output_tokens;
        self.used += usage.input_tokens + usage.output_tokens;
        self.estimated |= estimated;
    }
}

/// What one object's conversion came to in this run.
enum Done {
    /// A result to keep (converted, or failed for good).
    Result(AgentResult),
    /// Not converted for a reason outside the object (throttling, a
    /// network error, a prompt over the budget): it is sent again on the
    /// next run.
    Retry(String),
    /// No other request can succeed: the agent refused the credentials, or
    /// a prompt template fails to render.
    Fatal(String),
    /// Not sent: the budget is spent.
    NotSent,
    Interrupted,
}

/// What the workers share.
struct Shared<'a> {
    agent: &'a dyn Agent,
    templates: &'a TemplateSet,
    system: &'a str,
    template_hash: &'a str,
    max_attempts: u32,
    validator: Option<Mutex<Validator>>,
    budget: Mutex<Budget>,
    stop: AtomicBool,
    interrupt: &'a crate::runner::Interrupt,
}

impl StageKind for ConvertComplex {
    fn name(&self) -> &'static str {
        "convert-complex"
    }

    fn about(&self) -> &'static str {
        "converts MEDIUM and COMPLEX objects with an AI agent, under a token budget, with checkpoints"
    }

    fn implicit_params(&self) -> &'static [&'static str] {
        &["convert", "target.postgres_version", "aws.region"]
    }

    fn environment(&self, manifest: &crate::manifest::Manifest) -> Vec<(String, String)> {
        let identity = match database(manifest) {
            Ok(Some(t)) => crate::runner::hash::hash_bytes(t.identity().as_bytes()),
            Ok(None) => "unset".to_owned(),
            Err(e) => crate::runner::hash::hash_bytes(e.as_bytes()),
        };
        vec![("DATABASE_URL".to_owned(), identity)]
    }

    fn check_paths(&self, inputs: &[Spanned<String>], outputs: &[Spanned<String>]) -> PathCheck {
        let has = |pred: &dyn Fn(&str) -> bool| inputs.iter().any(|p| pred(p.get_ref()));
        if !has(&|p| p.trim_end_matches('/').ends_with("prompts")) {
            return Err((None, USAGE.to_owned()));
        }
        super::one_output_folder("convert-complex", outputs)
    }

    fn run(&self, ctx: &StageContext<'_>) -> Result<Outcome, StageError> {
        let settings = Settings::from_manifest(ctx.manifest)?;
        let paths = Paths::of(ctx)?;
        let failed = |e: &dyn std::fmt::Display| StageError::Failed(e.to_string());
        let templates = TemplateSet::load(&paths.templates).map_err(|e| failed(&e))?;
        for name in [prompt::SYSTEM, prompt::CONVERT, prompt::REPAIR] {
            if !templates.has(name) {
                return Err(StageError::Failed(format!(
                    "the prompt templates in `{}` have no `{name}`",
                    paths.templates.display()
                )));
            }
        }
        let template_hash = {
            let mut h = blake3::Hasher::new();
            for (name, text) in templates.sources() {
                h.update(name.as_bytes());
                h.update(&[0]);
                h.update(text.as_bytes());
                h.update(&[0]);
            }
            h.finalize().to_hex().to_string()
        };
        let config =
            agent::Config::from_manifest(|k| ctx.manifest.param(k)).map_err(|e| failed(&e))?;
        let agent = config.agent().map_err(|e| failed(&e))?;
        let identity = agent.as_ref().map_or_else(|| "none".to_owned(), |a| a.identity());
        let knowledge =
            Knowledge::load(&paths.analysis, &paths.inventory).map_err(|e| failed(&e))?;
        let mut warnings = Vec::new();

        // The work list: the agent route, then route-1 failures.
        let mut sources = Sources::new(ctx.root());
        let mut items = Vec::new();
        let mut unreadable = Vec::new();
        let route = worklist::read_route(&paths.analysis.join("routes").join("agent.tsv"))
            .map_err(|e| failed(&e))?;
        let earlier = match &paths.validation {
            Some(dir) => route_one_failures(ctx.root(), dir, &paths.analysis, &mut warnings)?,
            None => Vec::new(),
        };
        for (entry, earlier) in route.into_iter().map(|e| (e, None)).chain(earlier) {
            let Some(source) = sources.text(&entry) else {
                unreadable.push(format!(
                    "{}: lines {}-{} of {} cannot be read",
                    entry.object, entry.first_line, entry.last_line, entry.file
                ));
                continue;
            };
            let key = Store::key(&entry.hash, &template_hash, &identity);
            items.push(Item { entry, source, earlier, key });
        }
        for u in &unreadable {
            warnings.push(format!("{u}; it is left out (run classify again)"));
        }

        let related = related_finder(ctx, &paths, settings.related, &mut warnings);
        let postgres_version = ctx
            .manifest
            .param("target.postgres_version")
            .and_then(toml::Value::as_integer)
            .unwrap_or(17);
        let context_of = |sources: &mut Sources, item: &Item| {
            let related = related.as_ref().map(|f| f(&item.entry)).unwrap_or_default();
            knowledge.context(
                sources,
                &item.entry,
                &item.source,
                related,
                item.earlier.clone(),
                postgres_version,
            )
        };
        let system = templates.render(prompt::SYSTEM, &json!({})).map_err(|e| failed(&e))?;

        // The output folder is written afresh; the runner kept the old one.
        if paths.output.exists() {
            crate::runner::remove_path(&paths.output)?;
        }
        fs_err::create_dir_all(&paths.output)?;

        let Some(agent) = agent else {
            return write_prompts(
                ctx,
                &paths,
                &items,
                &mut sources,
                &templates,
                &system,
                &context_of,
                warnings,
            );
        };

        let state_dir = ctx.log_dir.parent().unwrap_or(ctx.log_dir).to_owned();
        let store = Store::new(state_dir.join("agent-results"));
        let session = Session::new(&state_dir, &ctx.stage.name);
        let now = session::now();
        let mut state = session.load().unwrap_or_else(|| State::new(&now));
        let previous_status = state.phases.get(session::PHASE).map(|p| p.status.clone());

        // What is already done: stored results of this very work.
        let mut results: HashMap<String, AgentResult> = HashMap::new();
        for item in &items {
            if let Some(r) = store.get(&item.key) {
                results.insert(item.key.clone(), r);
            }
        }
        let reused = results.len();
        let pending: Vec<usize> =
            (0..items.len()).filter(|&i| !results.contains_key(&items[i].key)).collect();

        {
            let recorded = state.phases.get(session::PHASE).map_or(0, |p| p.processed_objects);
            let phase = state.phase();
            if previous_status.as_deref() == Some("in_progress") {
                session.log(
                    &now,
                    "Resumed after a run that stopped without its last checkpoint",
                    &[
                        format!(
                            "Objects with a result: {reused} (the last checkpoint said {recorded})"
                        ),
                        "Finished objects were kept; none is sent again".to_owned(),
                    ],
                )?;
            }
            phase.status = "in_progress".to_owned();
            phase.total_objects = items.len();
            phase.batch_size = settings.batch_size;
            if phase.started_at.is_empty() {
                phase.started_at = now.clone();
            }
            phase.errors.clear();
        }
        let total_before: u64 = results.values().map(|r| r.usage().total()).sum();
        state.token_usage = session::TokenUsage {
            session_limit: settings.token_budget,
            pause_threshold: Budget::new(settings.token_budget, settings.pause_at).threshold,
            total_tokens_used: total_before,
            last_reset: now.clone(),
            ..Default::default()
        };
        session.log(
            &now,
            "Session started",
            &[
                format!("Agent: {identity}"),
                format!(
                    "Objects: {} ({} already converted, {} to send)",
                    items.len(),
                    reused,
                    pending.len()
                ),
                format!(
                    "Token budget: {}",
                    if settings.token_budget == 0 {
                        "none".to_owned()
                    } else {
                        format!(
                            "{} (pause at {})",
                            settings.token_budget, state.token_usage.pause_threshold
                        )
                    }
                ),
            ],
        )?;

        let validator = match database(ctx.manifest).map_err(|e| failed(&e))? {
            None => {
                if !pending.is_empty() {
                    warnings.push(
                        "no database (DATABASE_URL): agents' answers are kept without being tried \
                         on PostgreSQL, so there is no repair loop"
                            .to_owned(),
                    );
                }
                None
            }
            Some(target) if !pending.is_empty() => {
                let (mut v, notes) = super::validate::start(ctx.manifest, &target)?;
                warnings.extend(notes);
                apply_route_one(ctx.root(), paths.validation.as_deref(), &mut v, &mut warnings);
                Some(Mutex::new(v))
            }
            Some(_) => None,
        };

        let shared = Shared {
            agent: agent.as_ref(),
            templates: &templates,
            system: &system,
            template_hash: &template_hash,
            max_attempts: settings.max_attempts,
            validator,
            budget: Mutex::new(Budget::new(settings.token_budget, settings.pause_at)),
            stop: AtomicBool::new(false),
            interrupt: ctx.interrupt,
        };
        let progress_total = items.len() as u64;
        let done_count = AtomicUsize::new(reused);
        (ctx.progress)(reused as u64, progress_total);

        let mut retry: Vec<(String, String)> = Vec::new();
        let mut fatal: Option<String> = None;
        let mut interrupted = false;
        let concurrency = config.concurrency().max(1);
        for batch in pending.chunks(settings.batch_size) {
            let outcomes: Mutex<Vec<(usize, Done)>> = Mutex::new(Vec::new());
            let cursor = AtomicUsize::new(0);
            std::thread::scope(|scope| {
                for _ in 0..concurrency.min(batch.len()) {
                    scope.spawn(|| {
                        let mut sources = Sources::new(ctx.root());
                        loop {
                            if shared.stop.load(Ordering::SeqCst) || shared.interrupt.is_set() {
                                return;
                            }
                            let n = cursor.fetch_add(1, Ordering::SeqCst);
                            let Some(&i) = batch.get(n) else { return };
                            let item = &items[i];
                            let values = context_of(&mut sources, item);
                            let done = convert_one(&shared, item, &values, &store);
                            if matches!(done, Done::Fatal(_)) {
                                shared.stop.store(true, Ordering::SeqCst);
                            }
                            if let Done::Result(_) = &done {
                                let d = done_count.fetch_add(1, Ordering::SeqCst) + 1;
                                (ctx.progress)(d as u64, progress_total);
                            }
                            outcomes.lock().unwrap_or_else(|e| e.into_inner()).push((i, done));
                        }
                    });
                }
            });
            let mut outcomes = outcomes.into_inner().unwrap_or_else(|e| e.into_inner());
            outcomes.sort_by_key(|(i, _)| *i);
            let mut batch_tokens = Usage::default();
            let (mut ok, mut bad) = (0, 0);
            for (i, done) in outcomes {
                let item = &items[i];
                match done {
                    Done::Result(r) => {
                        let u = r.usage();
                        batch_tokens.input_tokens += u.input_tokens;
                        batch_tokens.output_tokens += u.output_tokens;
                        if r.converted() {
                            ok += 1;
                        } else {
                            bad += 1;
                        }
                        results.insert(item.key.clone(), r);
                    }
                    Done::Retry(message) => retry.push((item.entry.object.clone(), message)),
                    Done::Fatal(message) => fatal = Some(message),
                    Done::Interrupted => interrupted = true,
                    Done::NotSent => {}
                }
            }
            interrupted |= ctx.interrupt.is_set();
            let budget = shared.budget.lock().unwrap_or_else(|e| e.into_inner());
            checkpoint(
                &mut state,
                &items,
                &results,
                &pending,
                reused,
                &budget,
                &retry,
                total_before,
            );
            state.phase().current_batch += 1;
            let phase = state.phase().clone();
            state.updated_at = session::now();
            session.save(&state)?;
            session.log(
                &state.updated_at,
                &format!(
                    "Batch {} {}",
                    phase.current_batch,
                    if interrupted { "interrupted" } else { "done" }
                ),
                &[
                    format!(
                        "Objects processed: {} / {}",
                        phase.processed_objects, phase.total_objects
                    ),
                    format!("This batch: {ok} converted, {bad} failed, {} to retry", retry.len()),
                    format!(
                        "Tokens: {} this batch, {} this session, {} in all",
                        batch_tokens.total(),
                        budget.used,
                        state.token_usage.total_tokens_used
                    ),
                ],
            )?;
            if budget.paused || fatal.is_some() || interrupted {
                break;
            }
        }
        if let Some(v) = shared.validator {
            v.into_inner().unwrap_or_else(|e| e.into_inner()).finish();
        }
        let budget = shared.budget.into_inner().unwrap_or_else(|e| e.into_inner());

        // Where things stand, in the state file and the log.
        let remaining: Vec<&Item> =
            items.iter().filter(|it| !results.contains_key(&it.key)).collect();
        let status = if let Some(m) = &fatal {
            session.log(
                &session::now(),
                "Stopped: no other object can be converted",
                std::slice::from_ref(m),
            )?;
            "failed"
        } else if interrupted {
            session.log(
                &session::now(),
                "Interrupted",
                &["Finished objects were kept; `pipeline run` resumes with the next".to_owned()],
            )?;
            "interrupted"
        } else if budget.paused && !remaining.is_empty() {
            "paused"
        } else if !retry.is_empty() {
            "failed"
        } else {
            "completed"
        };
        state.phase().status = status.to_owned();
        state.recovery = match remaining.first() {
            None => Default::default(),
            Some(first) => {
                let index = items.iter().position(|it| it.key == first.key).unwrap_or(0);
                session::Recovery {
                    can_resume: true,
                    resume_from: Some(ResumeFrom {
                        phase: session::PHASE.to_owned(),
                        batch: state.phases.get(session::PHASE).map_or(0, |p| p.current_batch) + 1,
                        object_index: index,
                        object: first.entry.object.clone(),
                    }),
                }
            }
        };
        state.updated_at = session::now();
        session.save(&state)?;

        if interrupted {
            return Err(StageError::Interrupted);
        }
        write_results(&paths, &items, &results, &identity, settings.max_attempts)?;
        let converted = results.values().filter(|r| r.converted()).count();
        let failed_list: Vec<(&String, &AgentResult)> = {
            let mut v: Vec<_> = results.iter().filter(|(_, r)| !r.converted()).collect();
            v.sort_by(|a, b| a.1.object.cmp(&b.1.object));
            v
        };
        let tokens = if budget.estimated {
            format!("{} tokens (some estimated)", budget.used)
        } else {
            format!("{} tokens", budget.used)
        };
        if let Some(message) = fatal {
            return Err(StageError::Failed(format!(
                "{message}; {} objects converted before it are kept",
                results.len() - reused
            )));
        }
        if status == "paused" {
            session.log(
                &state.updated_at,
                "Paused at the token budget",
                &[
                    format!(
                        "Tokens: {} of {} (pause at {})",
                        budget.used, budget.limit, budget.threshold
                    ),
                    format!(
                        "Objects left: {}; next: {}",
                        remaining.len(),
                        remaining[0].entry.object
                    ),
                    "`pipeline run` resumes with a new budget".to_owned(),
                ],
            )?;
            return Err(StageError::Paused(format!(
                "{tokens} of the budget of {} spent; {} of {} objects done, {} left (next: {}). \
                 `pipeline run` resumes with a new budget; raise [convert] token_budget to send \
                 more per run. State: {}",
                budget.limit,
                items.len() - remaining.len(),
                items.len(),
                remaining.len(),
                remaining[0].entry.object,
                display(ctx.root(), &session.state_path())
            )));
        }
        if !retry.is_empty() {
            let list: Vec<String> = retry.iter().map(|(o, m)| format!("{o}: {m}")).collect();
            return Err(StageError::Failed(format!(
                "{} objects could not be sent and will be on the next run (the {} finished are kept):\n  {}",
                retry.len(),
                results.len(),
                list.join("\n  ")
            )));
        }
        session.log(
            &state.updated_at,
            "Completed",
            &[format!(
                "{converted} converted, {} failed, {tokens} this session",
                failed_list.len()
            )],
        )?;
        let mut outcome = Outcome::new(format!(
            "{} objects: {converted} converted, {} failed ({} reused); {tokens}",
            items.len(),
            failed_list.len(),
            reused
        ));
        // A failed answer is kept like any other, so that no run pays for it
        // twice; the way to pay again is to delete it.
        for (key, r) in &failed_list {
            outcome.warnings.push(format!(
                "{} needs a person: {} (to send it again, delete {})",
                r.object,
                r.message,
                display(ctx.root(), &store.path(key))
            ));
        }
        outcome.warnings.extend(warnings);
        outcome.details.push(format!("state: {}", display(ctx.root(), &session.state_path())));
        outcome.details.push(format!("log: {}", display(ctx.root(), &session.log_path())));
        let _ = paths.output_name;
        Ok(outcome)
    }
}

/// The database answers are tried on: validation's, `DATABASE_URL` or
/// `[validate] url`.
fn database(manifest: &crate::manifest::Manifest) -> Result<Option<Target>, String> {
    super::validate::target(manifest)
}

fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Converts one object: a request, then repairs while validation fails.
fn convert_one(shared: &Shared<'_>, item: &Item, values: &Value, store: &Store) -> Done {
    let object = &item.entry.object;
    let prompt = match shared.templates.render(prompt::CONVERT, values) {
        Ok(p) => p,
        Err(e) => return Done::Fatal(format!("{object}: {e}")),
    };
    // What the request may cost, held back from the budget while it is in
    // flight: the average of this run's requests, or before the first, the
    // prompt's size in tokens (about four bytes each).
    let own = prompt.len() as u64 / 4;
    let estimate = {
        let budget = shared.budget.lock().unwrap_or_else(|e| e.into_inner());
        // A prompt over the threshold would pause every run before it, and
        // every object after it with it: it is left out instead.
        if budget.limit > 0 && own > budget.threshold {
            return Done::Retry(format!(
                "not sent: its prompt alone is about {own} tokens, over the {} a run may spend \
                 (pause_at of [convert] token_budget); raise token_budget to convert it",
                budget.threshold
            ));
        }
        budget.average().unwrap_or(own)
    };
    if !shared.budget.lock().unwrap_or_else(|e| e.into_inner()).reserve(estimate) {
        shared.stop.store(true, Ordering::SeqCst);
        return Done::NotSent;
    }
    let release = || shared.budget.lock().unwrap_or_else(|e| e.into_inner()).release(estimate);
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut request = Request { object: object.clone(), system: shared.system.to_owned(), prompt };
    let mut last_sql = String::new();
    let mut last_message;
    loop {
        let n = attempts.len() as u32 + 1;
        let answer = shared.agent.convert(&request, shared.interrupt);
        let (usage, estimated, sql) = match answer {
            Ok(reply) => {
                let sql = agent::extract_sql(&reply.text);
                (reply.usage, reply.estimated, sql)
            }
            Err(AgentError::Malformed { message, usage }) => (usage, false, Err(message)),
            Err(AgentError::Credentials(m)) => {
                release();
                return Done::Fatal(m);
            }
            Err(AgentError::Interrupted) => {
                release();
                return Done::Interrupted;
            }
            Err(e @ (AgentError::Throttled(_) | AgentError::Failed(_))) => {
                release();
                return Done::Retry(e.to_string());
            }
        };
        shared.budget.lock().unwrap_or_else(|e| e.into_inner()).spend(usage, estimated);
        let (passed, outcome) = match sql {
            Err(reason) => (false, format!("unusable answer: {reason}")),
            Ok(sql) => {
                last_sql = sql;
                match &shared.validator {
                    None => (true, "not validated: no database".to_owned()),
                    Some(v) => {
                        let verdict =
                            v.lock().unwrap_or_else(|e| e.into_inner()).apply(object, &last_sql);
                        match verdict.status {
                            VerdictStatus::Ok => (true, "ok".to_owned()),
                            VerdictStatus::Warnings => {
                                (true, format!("warnings: {}", verdict.summary()))
                            }
                            VerdictStatus::Failed => (false, verdict.summary()),
                        }
                    }
                }
            }
        };
        attempts.push(Attempt { usage, estimated, outcome: outcome.clone() });
        last_message = outcome.clone();
        if passed || n >= shared.max_attempts || shared.interrupt.is_set() {
            let result = AgentResult {
                object: object.clone(),
                source_hash: item.entry.hash.clone(),
                template_hash: shared.template_hash.to_owned(),
                agent: shared.agent.identity(),
                status: if passed { "converted" } else { "failed" }.to_owned(),
                sql: last_sql,
                message: if passed || attempts.len() == 1 {
                    last_message
                } else {
                    format!("{last_message} (after {} attempts)", attempts.len())
                },
                attempts,
            };
            release();
            if let Err(e) = store.put(&item.key, &result) {
                return Done::Retry(format!("cannot keep its result: {e}"));
            }
            return Done::Result(result);
        }
        let mut repair = values.clone();
        repair["attempt"] = json!(n + 1);
        repair["max_attempts"] = json!(shared.max_attempts);
        repair["previous_sql"] = json!(last_sql);
        repair["error"] = json!(outcome);
        request.prompt = match shared.templates.render(prompt::REPAIR, &repair) {
            Ok(p) => p,
            Err(e) => {
                release();
                return Done::Fatal(format!("{object}: {e}"));
            }
        };
    }
}

/// Brings the state file's counts up to date with the results.
#[allow(clippy::too_many_arguments)]
fn checkpoint(
    state: &mut State,
    items: &[Item],
    results: &HashMap<String, AgentResult>,
    pending: &[usize],
    reused: usize,
    budget: &Budget,
    retry: &[(String, String)],
    total_before: u64,
) {
    let converted = results.values().filter(|r| r.converted()).count();
    let last = pending.iter().rev().find(|&&i| results.contains_key(&items[i].key));
    let mut errors: Vec<ObjectError> = results
        .values()
        .filter(|r| !r.converted())
        .map(|r| ObjectError { object: r.object.clone(), message: r.message.clone() })
        .chain(retry.iter().map(|(o, m)| ObjectError { object: o.clone(), message: m.clone() }))
        .collect();
    errors.sort_by(|a, b| a.object.cmp(&b.object));
    let phase = state.phase();
    phase.processed_objects = results.len();
    phase.converted_objects = converted;
    phase.failed_objects = results.len() - converted;
    phase.reused_objects = reused;
    phase.last_object_id =
        last.map(|&i| items[i].entry.object.clone()).or(phase.last_object_id.take());
    phase.errors = errors;
    let t = &mut state.token_usage;
    t.session_tokens_used = budget.used;
    t.session_input_tokens = budget.input;
    t.session_output_tokens = budget.output;
    t.estimated = budget.estimated;
    // What the reused results cost, and all this session spent (answers
    // kept or not).
    t.total_tokens_used = total_before + budget.used;
}

/// The SQL files and index of the results.
fn write_results(
    paths: &Paths,
    items: &[Item],
    results: &HashMap<String, AgentResult>,
    identity: &str,
    max_attempts: u32,
) -> Result<(), StageError> {
    let mut rows = Vec::new();
    for item in items {
        let Some(r) = results.get(&item.key) else { continue };
        let mut file = String::new();
        if !r.sql.is_empty() {
            file = worklist::file_name(&item.entry.object, "sql");
            let path = paths.output.join(&file);
            if let Some(parent) = path.parent() {
                fs_err::create_dir_all(parent)?;
            }
            let mut text = String::new();
            let _ = writeln!(
                text,
                "-- {} from {} line {}: converted by {} in {} of at most {} attempts.",
                item.entry.object,
                item.entry.file,
                item.entry.first_line,
                if r.agent.is_empty() { identity } else { &r.agent },
                r.attempts.len(),
                max_attempts
            );
            let _ = writeln!(text, "-- Validation: {}", r.message);
            text.push_str(r.sql.trim_end());
            text.push('\n');
            crate::runner::atomic::write(&path, text.as_bytes())?;
        }
        rows.push(Converted {
            object: item.entry.object.clone(),
            file,
            route: "agent".to_owned(),
            status: if r.converted() { Status::Converted } else { Status::Failed },
            source: item.entry.file.clone(),
            first_line: item.entry.first_line,
            hash: item.entry.hash.clone(),
            message: r.message.clone(),
        });
    }
    worklist::write_index(&paths.output, &rows)?;
    Ok(())
}

/// Agent `none`: the prompts are the output.
#[allow(clippy::too_many_arguments)]
fn write_prompts(
    ctx: &StageContext<'_>,
    paths: &Paths,
    items: &[Item],
    sources: &mut Sources,
    templates: &TemplateSet,
    system: &str,
    context_of: &dyn Fn(&mut Sources, &Item) -> Value,
    warnings: Vec<String>,
) -> Result<Outcome, StageError> {
    let dir = paths.output.join(PROMPTS);
    fs_err::create_dir_all(&dir)?;
    crate::runner::atomic::write(&dir.join("system.md"), system.as_bytes())?;
    let mut rows = Vec::new();
    for (n, item) in items.iter().enumerate() {
        if ctx.interrupt.is_set() {
            return Err(StageError::Interrupted);
        }
        let values = context_of(sources, item);
        let text = templates
            .render(prompt::CONVERT, &values)
            .map_err(|e| StageError::Failed(format!("{}: {e}", item.entry.object)))?;
        let file = format!("{PROMPTS}/{}", worklist::file_name(&item.entry.object, "md"));
        let path = paths.output.join(&file);
        if let Some(parent) = path.parent() {
            fs_err::create_dir_all(parent)?;
        }
        crate::runner::atomic::write(&path, text.as_bytes())?;
        rows.push(Converted {
            object: item.entry.object.clone(),
            file,
            route: "agent".to_owned(),
            status: Status::Prompt,
            source: item.entry.file.clone(),
            first_line: item.entry.first_line,
            hash: item.entry.hash.clone(),
            message: "prompt written; no agent is set ([convert.agent] provider)".to_owned(),
        });
        (ctx.progress)(n as u64 + 1, items.len() as u64);
    }
    worklist::write_index(&paths.output, &rows)?;
    let mut outcome = Outcome::new(format!(
        "{} prompts written to {}/{PROMPTS}/ (no agent set)",
        items.len(),
        paths.output_name.trim_end_matches('/')
    ));
    outcome.warnings = warnings;
    Ok(outcome)
}

/// The route-1 objects whose ora2pg output failed validation, with the
/// failure, as work for the agent.
fn route_one_failures(
    root: &Path,
    validation: &Path,
    analysis: &Path,
    warnings: &mut Vec<String>,
) -> Result<Vec<(RouteEntry, Option<Value>)>, StageError> {
    let rows = match crate::convert::results::read_results(validation) {
        Ok(rows) => rows,
        Err(e) => {
            warnings.push(format!("route-1 failures are not picked up: {e}"));
            return Ok(Vec::new());
        }
    };
    let simple = worklist::read_route(&analysis.join("routes").join("ora2pg.tsv"))
        .map_err(|e| StageError::Failed(e.to_string()))?;
    let by_object: BTreeMap<&str, &RouteEntry> =
        simple.iter().map(|e| (e.object.as_str(), e)).collect();
    let mut out = Vec::new();
    for row in rows {
        if row.route != "ora2pg" || row.status != ResultStatus::Failed {
            continue;
        }
        let Some(entry) = by_object.get(row.object.as_str()) else { continue };
        let sql = std::fs::read_to_string(root.join(&row.file)).unwrap_or_default();
        out.push((
            (*entry).clone(),
            Some(json!({
                "route": "ora2pg",
                "line": row.line,
                "error": row.message,
                "sql": sql,
            })),
        ));
    }
    Ok(out)
}

/// Applies the route-1 objects that passed validation, so that the agents'
/// answers are tried against what they depend on.
fn apply_route_one(
    root: &Path,
    validation: Option<&Path>,
    v: &mut Validator,
    warnings: &mut Vec<String>,
) {
    let Some(dir) = validation else { return };
    let Ok(rows) = crate::convert::results::read_results(dir) else { return };
    let mut missing = 0;
    let passed = |r: &&ResultRow| {
        r.route == "ora2pg" && matches!(r.status, ResultStatus::Ok | ResultStatus::Warnings)
    };
    for row in rows.iter().filter(passed) {
        match std::fs::read_to_string(root.join(&row.file)) {
            Ok(sql) => {
                v.apply(&row.object, &sql);
            }
            Err(_) => missing += 1,
        }
    }
    if missing > 0 {
        warnings.push(format!(
            "{missing} validated route-1 files could not be read to try answers against"
        ));
    }
}

/// The related objects of an object, as a prompt shows them.
type RelatedFinder<'a> = Box<dyn Fn(&RouteEntry) -> Vec<Value> + Sync + 'a>;

/// A finder of related objects in the knowledge base, when there is one.
fn related_finder<'a>(
    ctx: &StageContext<'a>,
    paths: &Paths,
    limit: usize,
    warnings: &mut Vec<String>,
) -> Option<RelatedFinder<'a>> {
    use crate::knowledge::search::{Backend, SearchQuery};
    if limit == 0 {
        return None;
    }
    let base = paths.base.as_ref()?;
    let config = crate::knowledge::embed::Config::from_manifest(|k| ctx.manifest.param(k)).ok()?;
    let embedder = match config.embedder() {
        Ok(e) => e,
        Err(e) => {
            warnings.push(format!("prompts have no related objects: {e}"));
            return None;
        }
    };
    let backend = match crate::knowledge::search::duckdb::DuckDb::open(base, embedder) {
        Ok(b) => b,
        Err(e) => {
            warnings.push(format!("prompts have no related objects: {e}"));
            return None;
        }
    };
    let backend = Mutex::new(backend);
    let sources = Mutex::new(Sources::new(ctx.root()));
    let source_of = move |entry: &RouteEntry| {
        sources.lock().unwrap_or_else(|e| e.into_inner()).text(entry).unwrap_or_default()
    };
    Some(Box::new(move |entry: &RouteEntry| {
        // The object's own words: its name and the start of its code, as
        // the knowledge base's texts are made.
        let source = source_of(entry);
        let question =
            format!("{} {}", entry.name(), crate::knowledge::embed::truncate(&source, 4000));
        let mut query = SearchQuery::new(question);
        query.limit = limit + 4;
        query.knowledge_type = Some("FLOW".to_owned());
        let hits = match backend.lock().unwrap_or_else(|e| e.into_inner()).search(&query) {
            Ok(h) => h,
            Err(_) => return Vec::new(),
        };
        // Similarities are rounded before ranking: the same knowledge base
        // built another way (incrementally, or afresh) sums its floats in
        // another order, and the committed prompts must not change with it.
        let mut hits: Vec<_> = hits
            .into_iter()
            .filter(|h| h.object.to_string() != entry.object)
            .map(|h| ((h.similarity * 1000.0).round() as i64, h))
            .collect();
        hits.sort_by(|(a, x), (b, y)| b.cmp(a).then_with(|| x.object.cmp(&y.object)));
        hits.into_iter()
            .map(|(_, h)| h)
            .take(limit)
            .map(|h| {
                json!({
                    "object": h.object.to_string(),
                    "knowledge_type": h.knowledge_type,
                    "title": h.title,
                    "file": h.source_file,
                    "line": h.line,
                    "similarity": format!("{:.2}", h.similarity),
                })
            })
            .collect()
    }))
}
