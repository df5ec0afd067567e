//! Proof, on a real PostgreSQL, that converted objects compile: each
//! object's SQL runs with `check_function_bodies` on, then
//! [plpgsql_check](https://github.com/okbob/plpgsql_check) reads every
//! PL/pgSQL function and procedure it created, which finds what compiling
//! does not (a missing table or column in a query of a body).
//!
//! Everything happens in one transaction that is never committed: objects
//! that pass are kept until the end, so that later objects can use them,
//! and each object runs in a savepoint that is undone when it fails. Each
//! statement runs in a savepoint of its own too: a refused `CREATE
//! FUNCTION` does not stop the members after it, every function and
//! procedure gets a verdict of its own, and when the object fails, the
//! statements that succeeded are applied again, so that what validates
//! later sees the members that compiled. The database is left as it was,
//! whatever the SQL creates (schemas too).
//!
//! Errors are reported at the line of the object's SQL file: PostgreSQL's
//! character position in a statement, PL/pgSQL's "line N" of a body and
//! plpgsql_check's line numbers are all mapped back through [`script`].
//!
//! What it does not do: run the code (shadow tests do, see
//! [`super::shadow`]), or check trigger functions no trigger uses yet
//! (plpgsql_check needs the table a trigger function is for).

use std::collections::{HashMap, HashSet};

use postgres::error::{DbError, ErrorPosition};
use postgres::Client;

use super::script::{self, Statement};
use crate::knowledge::postgres::{describe, PgError, Target};

/// Why validation could not start.
#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error(transparent)]
    Connect(#[from] PgError),
    #[error("PostgreSQL refused {what}: {detail}")]
    Sql { what: String, detail: String },
}

/// What the validation transaction allows itself: a shared database must
/// not wait on others' locks, and a body that loops must not hold the run.
const LIMITS: &str = "SET LOCAL lock_timeout = '10s'; SET LOCAL statement_timeout = '2min'";

/// How long a validation waits for another of the same database.
const TURN_WAIT: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Validations of one database take turns (two stages of a run, or two
/// people): each creates schemas, types and setup scripts' objects the
/// other would wait for, until its lock_timeout failed them. The lock is
/// the session's, released when the connection closes. The wait is said,
/// and bounded.
fn wait_for_turn(client: &mut Client) -> Result<(), String> {
    let started = std::time::Instant::now();
    let mut said = false;
    loop {
        let row = client
            .query_one("SELECT pg_try_advisory_lock(hashtext('pipeline validation'))", &[])
            .map_err(|e| describe(&e))?;
        if row.get::<_, bool>(0) {
            return Ok(());
        }
        if started.elapsed() > TURN_WAIT {
            return Err(format!(
                "another validation of this database has run for more than {} minutes",
                TURN_WAIT.as_secs() / 60
            ));
        }
        if !said {
            tracing::warn!("waiting for another validation of this database to finish");
            said = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// How an object fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VerdictStatus {
    Ok,
    /// It compiled, and plpgsql_check found only warnings.
    Warnings,
    Failed,
}

impl VerdictStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VerdictStatus::Ok => "ok",
            VerdictStatus::Warnings => "warnings",
            VerdictStatus::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Error,
    Warning,
}

/// One thing PostgreSQL or plpgsql_check said about an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The line in the SQL given, when it is known.
    pub line: Option<u32>,
    pub level: Level,
    pub message: String,
}

/// What validating one object found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub status: VerdictStatus,
    /// Errors first, then warnings, each group in line order.
    pub findings: Vec<Finding>,
    /// Whether plpgsql_check read every PL/pgSQL routine the object created
    /// (false when it created none, or when the extension is missing).
    pub checked: bool,
    /// Each function and procedure the object's SQL creates, in file
    /// order, and how it fared on its own: a package fails as a whole when
    /// one member does, but a team wants to know which members are fine.
    pub routines: Vec<RoutineVerdict>,
}

/// How one `CREATE FUNCTION` or `CREATE PROCEDURE` of an object fared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutineVerdict {
    /// The name as the statement writes it, in lower case, without quotes:
    /// `emp_pkg.raise_salary`.
    pub name: String,
    /// The line of the statement.
    pub line: u32,
    pub status: RoutineStatus,
    /// The first finding, on one line; empty when there is none.
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RoutineStatus {
    /// Created, and plpgsql_check found no error in it.
    Clean,
    /// Created; plpgsql_check did not read it (not PL/pgSQL, a trigger
    /// function with no trigger yet, or no plpgsql_check).
    Created,
    /// Created, and plpgsql_check found errors in it.
    Errors,
    /// The server refused the statement.
    Refused,
}

impl RoutineStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RoutineStatus::Clean => "clean",
            RoutineStatus::Created => "created",
            RoutineStatus::Errors => "errors",
            RoutineStatus::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<RoutineStatus> {
        use RoutineStatus::*;
        [Clean, Created, Errors, Refused].into_iter().find(|v| v.as_str() == s)
    }

    /// Whether the server created it.
    pub fn created(self) -> bool {
        self != RoutineStatus::Refused
    }
}

impl Verdict {
    fn from_findings(mut findings: Vec<Finding>, checked: bool) -> Verdict {
        findings.sort_by_key(|f| (f.level, f.line));
        let status = match findings.first().map(|f| f.level) {
            Some(Level::Error) => VerdictStatus::Failed,
            Some(Level::Warning) => VerdictStatus::Warnings,
            None => VerdictStatus::Ok,
        };
        Verdict { status, findings, checked, routines: Vec::new() }
    }

    /// The first finding, on one line: `line 12: relation "facturas" does
    /// not exist`; `ok` when there is none.
    pub fn summary(&self) -> String {
        match self.line() {
            Some(line) => format!("line {line}: {}", self.message()),
            None if self.findings.is_empty() => "ok".to_owned(),
            None => self.message(),
        }
    }

    /// The first finding's message on one line, without its line, saying
    /// how many more there are; empty when there is none.
    pub fn message(&self) -> String {
        let Some(first) = self.findings.first() else {
            return String::new();
        };
        let text = first.message.replace(['\n', '\t', '\r'], " ");
        match self.findings.len() - 1 {
            0 => text,
            more => format!("{text} (and {more} more)"),
        }
    }

    /// The first finding's line, if any.
    pub fn line(&self) -> Option<u32> {
        self.findings.first().and_then(|f| f.line)
    }
}

/// What of an object stays in the transaction after its validation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Keep {
    Nothing,
    /// The object, when it passes.
    Passed,
    /// The object when it passes, else the statements that succeeded.
    WhatCompiled,
}

/// What running an object's statements did.
#[derive(Default)]
struct Run {
    routines: Vec<Routine>,
    /// The statements creating a function or procedure that were refused,
    /// with why, in file order.
    refused: Vec<(usize, Finding)>,
    /// The statement of another kind that failed, which ended the run.
    stopped: Option<(usize, Finding)>,
    /// The statements that succeeded, in file order.
    applied: Vec<usize>,
}

impl Run {
    /// The first failure in file order.
    fn first_failure(&self) -> Option<&Finding> {
        let refused = self.refused.first();
        match (refused, &self.stopped) {
            (Some(r), Some(s)) if s.0 < r.0 => Some(&s.1),
            (Some(r), _) => Some(&r.1),
            (None, Some(s)) => Some(&s.1),
            (None, None) => None,
        }
    }
}

/// A routine an object created, and the statement that created it.
struct Routine {
    oid: i64,
    statement: usize,
}

/// What plpgsql_check made of one routine.
enum Check {
    NotPlpgsql,
    /// A trigger function no trigger uses yet, or an event trigger's.
    NotYet,
    Found(Vec<Finding>),
}

/// One validation session: a connection in an open transaction.
pub struct Validator {
    client: Client,
    /// The schema plpgsql_check's functions are in, when it is usable.
    check_schema: Option<String>,
    check_note: Option<String>,
}

const ROUTINES: &str = "SELECT oid::int8, xmin::text FROM pg_proc \
     WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)";

impl Validator {
    /// Connects and begins one transaction that [`Validator::finish`] (or
    /// drop) rolls back: nothing the validation creates persists, including
    /// schemas converted packages create.
    pub fn start(target: &Target) -> Result<Validator, ValidateError> {
        let mut client = target.connect()?;
        let sql = |what: &'static str| {
            move |e: postgres::Error| ValidateError::Sql { what: what.into(), detail: describe(&e) }
        };
        wait_for_turn(&mut client).map_err(|detail| ValidateError::Sql {
            what: "the wait for other validations of this database".into(),
            detail,
        })?;
        client
            .batch_execute(&format!("BEGIN; {LIMITS}"))
            .map_err(sql("the start of the validation transaction"))?;
        let mut v = Validator { client, check_schema: None, check_note: None };
        v.find_plpgsql_check().map_err(sql("the look-up of plpgsql_check"))?;
        Ok(v)
    }

    /// Finds plpgsql_check, creating it (inside the transaction) when it is
    /// installed on the server but not created in the database.
    fn find_plpgsql_check(&mut self) -> Result<(), postgres::Error> {
        let schema = "SELECT extnamespace::regnamespace::text FROM pg_extension \
                      WHERE extname = 'plpgsql_check'";
        if let Some(row) = self.client.query_opt(schema, &[])? {
            self.check_schema = Some(row.get(0));
            return Ok(());
        }
        let available = self
            .client
            .query_opt("SELECT 1 FROM pg_available_extensions WHERE name = 'plpgsql_check'", &[])?;
        if available.is_none() {
            self.check_note = Some(
                "plpgsql_check is not installed on the server (Debian: apt-get install \
                 postgresql-15-plpgsql-check; Aurora does not offer it), so function bodies are \
                 only compiled, not checked"
                    .to_owned(),
            );
            return Ok(());
        }
        self.client.batch_execute("SAVEPOINT pipeline_extension")?;
        match self.client.batch_execute("CREATE EXTENSION plpgsql_check") {
            Ok(()) => {
                self.client.batch_execute("RELEASE SAVEPOINT pipeline_extension")?;
                let row = self.client.query_one(schema, &[])?;
                self.check_schema = Some(row.get(0));
            }
            Err(e) => {
                self.client.batch_execute("ROLLBACK TO SAVEPOINT pipeline_extension")?;
                self.check_note = Some(format!(
                    "plpgsql_check is installed but could not be created: {}",
                    describe(&e)
                ));
            }
        }
        Ok(())
    }

    /// Creates extension `name` inside the transaction, unless the database
    /// has it: orafce, for converted code that calls its Oracle functions.
    /// The error says why it could not be created.
    pub fn create_extension(&mut self, name: &str) -> Result<(), String> {
        let sql = format!(
            "SAVEPOINT pipeline_extension; CREATE EXTENSION IF NOT EXISTS {} CASCADE; \
             RELEASE SAVEPOINT pipeline_extension",
            quote_ident(name)
        );
        let Err(e) = self.client.batch_execute(&sql) else {
            return Ok(());
        };
        let undo = "ROLLBACK TO SAVEPOINT pipeline_extension; RELEASE SAVEPOINT pipeline_extension";
        self.client.batch_execute(undo).map_err(|e| describe(&e))?;
        Err(message_of(&e))
    }

    /// Runs a setup script (psql's meta-commands and transaction control
    /// left out) before the objects, kept for the rest of the validation;
    /// on an error nothing of it is kept, and the error says at which line.
    /// What it returns are notes on what was left out that a person should
    /// know: files the script includes with `\i`, which are not read.
    pub fn setup(&mut self, sql: &str) -> Result<Vec<String>, String> {
        self.client
            .batch_execute("SAVEPOINT pipeline_setup; RESET search_path")
            .map_err(|e| describe(&e))?;
        let (statements, meta) = script::split_with_meta_commands(sql);
        let notes = meta
            .iter()
            .filter(|m| includes_a_file(&m.text))
            .map(|m| {
                format!(
                    "line {}: `{}` is psql's, and the file it includes is not read: list that \
                     file among the stage's inputs instead",
                    m.line, m.text
                )
            })
            .collect();
        for statement in statements {
            let words = statement.words();
            if is_ignored(&words) {
                continue;
            }
            let refused = if words.starts_with("copy ") && words.contains(" from stdin") {
                Some(format!(
                    "line {}: COPY ... FROM stdin reads psql's input, which validation does not \
                     have; load the data with psql",
                    statement.line
                ))
            } else {
                self.client.batch_execute(&statement.text).err().map(|e| {
                    let finding = finding_of(&statement, &e);
                    let line = finding.line.unwrap_or(statement.line);
                    format!("line {line}: {}", finding.message)
                })
            };
            if let Some(why) = refused {
                let undo = "ROLLBACK TO SAVEPOINT pipeline_setup; RELEASE SAVEPOINT pipeline_setup";
                self.client.batch_execute(undo).map_err(|e| describe(&e))?;
                return Err(why);
            }
        }
        // A script's own SETs (pg_dump turns the timeouts off) would
        // outlast it: the validation's limits are set again.
        self.client
            .batch_execute(&format!("RELEASE SAVEPOINT pipeline_setup; {LIMITS}"))
            .map_err(|e| describe(&e))?;
        Ok(notes)
    }

    pub fn has_plpgsql_check(&self) -> bool {
        self.check_schema.is_some()
    }

    /// Whether the connection was lost: every later object would fail.
    pub fn is_lost(&self) -> bool {
        self.client.is_closed()
    }

    /// Why plpgsql_check is not used, when it is not.
    pub fn plpgsql_check_note(&self) -> Option<&str> {
        self.check_note.as_deref()
    }

    /// Applies an object's SQL in a savepoint with `check_function_bodies`
    /// on, then runs plpgsql_check on every function and procedure it
    /// created. Keeps the object when it passes (so that later objects can
    /// use it); undoes it otherwise.
    pub fn apply(&mut self, object: &str, sql: &str) -> Verdict {
        self.check(object, sql, Keep::Passed)
    }

    /// [`Validator::apply`], and when the object fails, the statements
    /// that succeeded are applied again on their own: the members of a
    /// package body that compiled stay for the objects validated after
    /// it, whose findings are then their own rather than the echo of one
    /// broken member. For a validation run, not for attempts that will be
    /// tried again.
    pub fn apply_keeping_what_compiled(&mut self, object: &str, sql: &str) -> Verdict {
        self.check(object, sql, Keep::WhatCompiled)
    }

    /// The same checks as [`Validator::apply`], always undone: for trying
    /// an agent's attempt.
    pub fn try_sql(&mut self, object: &str, sql: &str) -> Verdict {
        self.check(object, sql, Keep::Nothing)
    }

    /// Runs `sql` (one query, inside the transaction) and returns the rows'
    /// first column as text, for shadow tests.
    pub fn query_text(&mut self, sql: &str) -> Result<Vec<Option<String>>, String> {
        self.client.batch_execute("SAVEPOINT pipeline_query").map_err(|e| describe(&e))?;
        let rows = self.client.simple_query(sql);
        let undo = self.client.batch_execute("ROLLBACK TO SAVEPOINT pipeline_query");
        let rows = rows.map_err(|e| message_of(&e))?;
        undo.map_err(|e| describe(&e))?;
        Ok(rows
            .into_iter()
            .filter_map(|m| match m {
                postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_owned)),
                _ => None,
            })
            .collect())
    }

    /// Rolls everything back and closes the connection.
    pub fn finish(self) {}

    fn check(&mut self, object: &str, sql: &str, keep: Keep) -> Verdict {
        tracing::debug!("validating {object}");
        // The object's Oracle schema exists (ora2pg and agents keep it, in
        // lower case, for tables and routines), for the rest of the
        // validation, and its unqualified names resolve there first, as
        // Oracle resolves them in the owner's schema (then public, and
        // orafce's `oracle` schema when it is there).
        let (schema, _, _) = super::worklist::split_object(object);
        let (create, settings) = if schema.is_empty() {
            (String::new(), "SET LOCAL check_function_bodies = on; RESET search_path".to_owned())
        } else {
            let schema = format!("\"{}\"", schema.to_lowercase().replace('"', "\"\""));
            (
                format!("CREATE SCHEMA IF NOT EXISTS {schema}; "),
                format!(
                    "SET LOCAL check_function_bodies = on; \
                     SET LOCAL search_path = {schema}, public, oracle"
                ),
            )
        };
        let setup = format!("{create}SAVEPOINT pipeline_object; {settings}");
        if let Err(e) = self.client.batch_execute(&setup) {
            return failed(None, format!("the savepoint could not be set: {}", describe(&e)));
        }
        let statements = script::split(sql);
        let mut applied = Vec::new();
        let verdict = match self.run_statements(&statements) {
            Ok(run) => {
                applied.clone_from(&run.applied);
                let (mut verdict, checks) = self.check_routines(&statements, &run.routines);
                let routines = routine_verdicts(&statements, &run, &checks);
                if let Some(first) = run.first_failure().cloned() {
                    // The object failed at its first refused statement;
                    // what plpgsql_check found in the members that were
                    // created is in their own verdicts.
                    verdict = Verdict::from_findings(vec![first], false);
                }
                verdict.routines = routines;
                verdict
            }
            Err(finding) => Verdict::from_findings(vec![finding], false),
        };
        let end = if keep != Keep::Nothing && verdict.status != VerdictStatus::Failed {
            "RELEASE SAVEPOINT pipeline_object"
        } else {
            "ROLLBACK TO SAVEPOINT pipeline_object; RELEASE SAVEPOINT pipeline_object"
        };
        if let Err(e) = self.client.batch_execute(end) {
            return failed(None, format!("the savepoint could not be closed: {}", describe(&e)));
        }
        if keep == Keep::WhatCompiled
            && verdict.status == VerdictStatus::Failed
            && !applied.is_empty()
        {
            self.keep_what_passed(&statements, &applied, &settings);
        }
        verdict
    }

    /// Applies again, each on its own, the statements of a failed object
    /// that succeeded.
    fn keep_what_passed(&mut self, statements: &[Statement], applied: &[usize], settings: &str) {
        let setup = format!("SAVEPOINT pipeline_partial; {settings}");
        if self.client.batch_execute(&setup).is_err() {
            return;
        }
        for &n in applied {
            let statement = &statements[n];
            let words = statement.words();
            // What later objects call, and what a retry of this object can
            // run again: its schema, its routines (run as CREATE OR
            // REPLACE) and DO blocks. A table or type kept here would make
            // the retry fail on "already exists".
            let callable = words.starts_with("create schema")
                || words.starts_with("do ")
                || routine_name(&words).is_some();
            if !callable {
                continue;
            }
            // A refused statement is simply not kept.
            if self.in_savepoint(statement, &words).is_err() {
                break;
            }
        }
        // RELEASE keeps what was applied; the settings end with the
        // transaction, as every object's do.
        let _ = self.client.batch_execute("RELEASE SAVEPOINT pipeline_partial");
    }

    /// Runs the statements and returns the routines they created or
    /// replaced. A statement that creates a function or procedure runs in a
    /// savepoint of its own, and its failure does not stop the rest, so
    /// that every member of a package gets a verdict; any other failure
    /// stops the object there.
    fn run_statements(&mut self, statements: &[Statement]) -> Result<Run, Finding> {
        let mut known = self.routines().map_err(|e| internal(&e))?;
        let mut run = Run::default();
        for (n, statement) in statements.iter().enumerate() {
            let words = statement.words();
            if is_ignored(&words) {
                tracing::debug!("line {}: left out: {words}", statement.line);
                continue;
            }
            // The members created before a failure are still checked.
            if let Err(finding) = self.in_savepoint(statement, &words).map_err(|e| internal(&e))? {
                if routine_name(&words).is_none() {
                    run.stopped = Some((n, finding));
                    break;
                }
                run.refused.push((n, finding));
                continue;
            }
            run.applied.push(n);
            if !(words.starts_with("create") || words.starts_with("do")) {
                continue;
            }
            let now = self.routines().map_err(|e| internal(&e))?;
            for &(oid, _) in now.difference(&known) {
                run.routines.push(Routine { oid, statement: n });
            }
            known = now;
        }
        Ok(run)
    }

    /// Runs one statement, as validation runs it ([`as_run`]), in a
    /// savepoint of its own that is undone when it fails, so that the
    /// transaction stays usable. The inner error is the statement's, at its
    /// line; the outer one, the savepoint's (a lost connection).
    fn in_savepoint(
        &mut self,
        statement: &Statement,
        words: &str,
    ) -> Result<Result<(), Finding>, postgres::Error> {
        // Positions are in the text run, which may differ from the file's.
        let run_as = match as_run(&statement.text, words) {
            Some(text) => std::borrow::Cow::Owned(Statement {
                text,
                line: statement.line,
                body_line: statement.body_line,
            }),
            None => std::borrow::Cow::Borrowed(statement),
        };
        self.client.batch_execute("SAVEPOINT pipeline_statement")?;
        match self.client.batch_execute(&run_as.text) {
            Ok(()) => {
                self.client.batch_execute("RELEASE SAVEPOINT pipeline_statement")?;
                Ok(Ok(()))
            }
            Err(e) => {
                let finding = finding_of(&run_as, &e);
                self.client.batch_execute(
                    "ROLLBACK TO SAVEPOINT pipeline_statement; RELEASE SAVEPOINT pipeline_statement",
                )?;
                Ok(Err(finding))
            }
        }
    }

    /// Every routine outside the system schemas, with its row version, so
    /// that a replaced routine shows as new.
    fn routines(&mut self) -> Result<HashSet<(i64, String)>, postgres::Error> {
        let rows = self.client.query(ROUTINES, &[])?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    /// The object's verdict from plpgsql_check's findings on the routines
    /// it created, and what was found per statement that created one.
    fn check_routines(
        &mut self,
        statements: &[Statement],
        routines: &[Routine],
    ) -> (Verdict, HashMap<usize, Vec<Finding>>) {
        let mut per_statement: HashMap<usize, Vec<Finding>> = HashMap::new();
        let Some(schema) = self.check_schema.clone() else {
            return (Verdict::from_findings(Vec::new(), false), per_statement);
        };
        let mut findings = Vec::new();
        let mut checked = 0;
        let mut plpgsql = 0;
        let mut by_statement: HashMap<i64, usize> = HashMap::new();
        for r in routines {
            by_statement.insert(r.oid, r.statement);
        }
        let mut oids: Vec<i64> = by_statement.keys().copied().collect();
        oids.sort_unstable();
        for oid in oids {
            let statement = &statements[by_statement[&oid]];
            match self.check_routine(&schema, oid, statement) {
                Ok(Check::NotPlpgsql) => {}
                Ok(Check::NotYet) => plpgsql += 1,
                Ok(Check::Found(found)) => {
                    plpgsql += 1;
                    checked += 1;
                    per_statement.entry(by_statement[&oid]).or_default().extend(found.clone());
                    findings.extend(found);
                }
                Err(e) => {
                    let finding = Finding {
                        line: Some(statement.line),
                        level: Level::Error,
                        message: format!("plpgsql_check could not read it: {}", message_of(&e)),
                    };
                    per_statement.entry(by_statement[&oid]).or_default().push(finding.clone());
                    findings.push(finding);
                }
            }
        }
        (Verdict::from_findings(findings, plpgsql > 0 && checked == plpgsql), per_statement)
    }

    /// plpgsql_check's findings on one routine.
    fn check_routine(
        &mut self,
        schema: &str,
        oid: i64,
        statement: &Statement,
    ) -> Result<Check, postgres::Error> {
        let about = self.client.query_one(
            "SELECT l.lanname, p.prorettype = 'trigger'::regtype,
                    p.prorettype = 'event_trigger'::regtype,
                    coalesce((SELECT t.tgrelid::int8 FROM pg_trigger t
                              WHERE t.tgfoid = p.oid ORDER BY t.oid LIMIT 1), 0)
             FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
             WHERE p.oid = $1::int8::oid",
            &[&oid],
        )?;
        let (language, trigger, event, relid): (String, bool, bool, i64) =
            (about.get(0), about.get(1), about.get(2), about.get(3));
        if language != "plpgsql" {
            return Ok(Check::NotPlpgsql);
        }
        if event || (trigger && relid == 0) {
            return Ok(Check::NotYet);
        }
        let query = format!(
            "SELECT lineno, level, message, hint FROM {}.plpgsql_check_function_tb(\
             $1::int8::oid::regprocedure, relid => $2::int8::oid, fatal_errors => false, \
             extra_warnings => false, performance_warnings => false)",
            quote_ident(schema)
        );
        let rows = self.client.query(&query, &[&oid, &relid])?;
        let findings = rows
            .iter()
            .map(|row| {
                let lineno: Option<i32> = row.get(0);
                let level: Option<String> = row.get(1);
                let message: Option<String> = row.get(2);
                let hint: Option<String> = row.get(3);
                let mut message = message.unwrap_or_default();
                if let Some(hint) = hint.filter(|h| !h.is_empty()) {
                    message.push_str(&format!(" (hint: {hint})"));
                }
                let level = match level.as_deref() {
                    Some("error") => Level::Error,
                    _ => Level::Warning,
                };
                let line = lineno.map(|n| statement.line_of_body_line(n.max(1) as u32));
                Finding { line: line.or(Some(statement.line)), level, message }
            })
            .collect();
        Ok(Check::Found(findings))
    }
}

impl Drop for Validator {
    fn drop(&mut self) {
        // Closing the connection would roll back too; saying so is quicker
        // for the server than noticing a vanished client.
        let _ = self.client.batch_execute("ROLLBACK");
    }
}

/// Whether a psql meta-command reads another file: `\i`, `\ir`,
/// `\include`, `\include_relative`.
fn includes_a_file(meta: &str) -> bool {
    let command = meta.split_whitespace().next().unwrap_or_default();
    matches!(command, "\\i" | "\\ir" | "\\include" | "\\include_relative")
}

/// Statements validation leaves out: transaction control, which would end
/// the savepoints, and switching body checks off (ora2pg's files start with
/// `SET check_function_bodies = false`).
fn is_ignored(words: &str) -> bool {
    const CONTROL: &[&str] = &["begin", "commit", "end", "rollback", "abort"];
    let first = words.split([' ', ';']).next().unwrap_or_default();
    let transaction = CONTROL.contains(&first)
        && words
            .split(' ')
            .skip(1)
            .all(|w| matches!(w, "work" | "transaction" | "and" | "no" | "chain"));
    let start = words.starts_with("start transaction");
    let bodies_off = words.starts_with("set") && words.contains("check_function_bodies");
    transaction || start || bodies_off
}

/// The statement as validation runs it: see [`idempotent_schema`],
/// [`extension_in_public`] and [`replaceable_routine`].
fn as_run(text: &str, words: &str) -> Option<String> {
    idempotent_schema(text, words)
        .or_else(|| extension_in_public(text, words))
        .or_else(|| replaceable_routine(text, words))
}

/// `CREATE FUNCTION` as `CREATE OR REPLACE FUNCTION` (and procedures): a
/// failed object's routines are kept for the objects after it, and the
/// object is tried again at the end, when its own routines exist.
fn replaceable_routine(text: &str, words: &str) -> Option<String> {
    if !(words.starts_with("create function ") || words.starts_with("create procedure ")) {
        return None;
    }
    let at = text.to_ascii_lowercase().find("create")? + "create".len();
    Some(format!("{} OR REPLACE{}", &text[..at], &text[at..]))
}

/// `CREATE EXTENSION x` without a schema lands in the first schema of the
/// path, which is the object's own during validation; once there, it is
/// invisible to the objects of other schemas, for which `IF NOT EXISTS`
/// then does nothing. In `public` it is seen by every object, as it is
/// where a team installs it.
fn extension_in_public(text: &str, words: &str) -> Option<String> {
    if !words.starts_with("create extension ") || words.contains(" schema ") {
        return None;
    }
    Some(format!("{} SCHEMA public", text.trim_end()))
}

/// `CREATE SCHEMA s` as `CREATE SCHEMA IF NOT EXISTS s`: validation
/// creates each object's schema beforehand, and a script that creates it
/// too is right on a database that does not have it yet.
fn idempotent_schema(text: &str, words: &str) -> Option<String> {
    if !words.starts_with("create schema ") || words.starts_with("create schema if not exists") {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let at = lower.find("schema")? + "schema".len();
    Some(format!("{} IF NOT EXISTS{}", &text[..at], &text[at..]))
}

/// The name a `CREATE [OR REPLACE] FUNCTION|PROCEDURE` statement gives,
/// from its [`Statement::words`]: lower case, quotes taken out.
fn routine_name(words: &str) -> Option<String> {
    let rest = words.strip_prefix("create ")?;
    let rest = rest.strip_prefix("or replace ").unwrap_or(rest);
    let rest = rest.strip_prefix("function ").or_else(|| rest.strip_prefix("procedure "))?;
    let name: String = rest.chars().take_while(|&c| c != '(' && c != ' ').collect();
    Some(name.replace('"', "")).filter(|n| !n.is_empty())
}

/// Per statement that creates a function or procedure, its verdict: from
/// its refusal, or plpgsql_check's findings on what it created.
fn routine_verdicts(
    statements: &[Statement],
    run: &Run,
    checks: &HashMap<usize, Vec<Finding>>,
) -> Vec<RoutineVerdict> {
    let refused: HashMap<usize, &Finding> = run.refused.iter().map(|(n, f)| (*n, f)).collect();
    let one_line = |f: &Finding| f.message.replace(['\n', '\t', '\r'], " ");
    let mut out = Vec::new();
    for (n, statement) in statements.iter().enumerate() {
        let Some(name) = routine_name(&statement.words()) else { continue };
        let (status, message) = if let Some(f) = refused.get(&n) {
            (RoutineStatus::Refused, one_line(f))
        } else if let Some((at, f)) = run.stopped.as_ref().filter(|(at, _)| *at < n) {
            let line = statements[*at].line;
            (RoutineStatus::Refused, format!("not run: line {line} failed first: {}", one_line(f)))
        } else if let Some(found) = checks.get(&n) {
            match found.iter().find(|f| f.level == Level::Error) {
                Some(f) => (RoutineStatus::Errors, one_line(f)),
                None => (RoutineStatus::Clean, String::new()),
            }
        } else {
            (RoutineStatus::Created, String::new())
        };
        out.push(RoutineVerdict { name, line: statement.line, status, message });
    }
    out
}

fn failed(line: Option<u32>, message: String) -> Verdict {
    Verdict::from_findings(vec![Finding { line, level: Level::Error, message }], false)
}

fn internal(e: &postgres::Error) -> Finding {
    Finding { line: None, level: Level::Error, message: describe(e) }
}

/// The error's message, with its hint.
fn message_of(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return describe(e);
    };
    match db.hint() {
        Some(hint) => format!("{} (hint: {hint})", db.message()),
        None => db.message().to_owned(),
    }
}

/// The finding of a statement's error, at the file line it points to.
fn finding_of(statement: &Statement, e: &postgres::Error) -> Finding {
    let line = e.as_db_error().map(|db| line_of(statement, db)).unwrap_or(statement.line);
    Finding { line: Some(line), level: Level::Error, message: message_of(e) }
}

fn line_of(statement: &Statement, db: &DbError) -> u32 {
    if let Some(ErrorPosition::Original(position)) = db.position() {
        return statement.line_of_position(*position);
    }
    match db.where_().and_then(body_line_in_context) {
        Some(n) => statement.line_of_body_line(n),
        None => statement.line,
    }
}

/// The body line of the outermost PL/pgSQL frame of an error's context:
/// `PL/pgSQL function inline_code_block line 4 at RAISE`, `compilation of
/// PL/pgSQL function "f" near line 2`.
fn body_line_in_context(context: &str) -> Option<u32> {
    context.lines().rev().find_map(|frame| {
        let (_, after) = frame.rsplit_once("line ")?;
        after.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    })
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schema_created_twice_is_no_error() {
        let text = "CREATE SCHEMA ventas;";
        let words = "create schema ventas;";
        assert_eq!(
            idempotent_schema(text, words).as_deref(),
            Some("CREATE SCHEMA IF NOT EXISTS ventas;")
        );
        assert_eq!(
            idempotent_schema("CREATE SCHEMA IF NOT EXISTS x;", "create schema if not exists x;"),
            None
        );
        assert_eq!(idempotent_schema("CREATE TABLE t (a int);", "create table t (a int);"), None);
    }

    #[test]
    fn an_extension_without_a_schema_goes_to_public() {
        let text = "CREATE EXTENSION IF NOT EXISTS dblink";
        assert_eq!(
            as_run(text, "create extension if not exists dblink").as_deref(),
            Some("CREATE EXTENSION IF NOT EXISTS dblink SCHEMA public")
        );
        let text = "CREATE EXTENSION orafce SCHEMA oracle";
        assert_eq!(as_run(text, "create extension orafce schema oracle"), None);
    }

    #[test]
    fn transaction_control_and_body_checks_off_are_left_out() {
        for words in [
            "begin",
            "commit",
            "commit and chain",
            "rollback and no chain",
            "end transaction",
            "start transaction isolation level serializable",
            "set check_function_bodies = false",
            "set local check_function_bodies to off",
        ] {
            assert!(is_ignored(words), "{words}");
        }
        for words in ["begin_date_check()", "set search_path = a", "end_of_month"] {
            assert!(!is_ignored(words), "{words}");
        }
    }

    #[test]
    fn the_outermost_plpgsql_frame_gives_the_body_line() {
        let context =
            "SQL statement \"SELECT 1/0\"\nPL/pgSQL function inline_code_block line 4 at \
                       PERFORM";
        assert_eq!(body_line_in_context(context), Some(4));
        assert_eq!(
            body_line_in_context("compilation of PL/pgSQL function \"f\" near line 2"),
            Some(2)
        );
        assert_eq!(body_line_in_context("SQL function \"g\""), None);
    }

    #[test]
    fn a_summary_is_the_first_error_on_one_line() {
        let v = Verdict::from_findings(
            vec![
                Finding { line: Some(9), level: Level::Warning, message: "unused".into() },
                Finding {
                    line: Some(12),
                    level: Level::Error,
                    message: "relation \"facturas\" does not exist".into(),
                },
            ],
            true,
        );
        assert_eq!(v.status, VerdictStatus::Failed);
        assert_eq!(v.summary(), "line 12: relation \"facturas\" does not exist (and 1 more)");
    }
}
