//! `pipeline run` with the `convert-complex` stage over the bundled sample,
//! with agent `none` (prompts) and a `command` agent (a shell script that
//! logs every request it gets): results kept per object, the token budget
//! pausing and resuming, and `kill -9` in the middle of a batch.

mod support;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::TestProject;

const STAGES: &str = r#"
[stages.classify]
kind = "classify"
inputs = ["extracted/"]
exclude = ["extracted/**/*.md"]
outputs = ["knowledge/inventory/", "knowledge/analysis/", "knowledge/reports/", "knowledge/kb.duckdb"]

[stages.convert-complex]
kind = "convert-complex"
inputs = ["knowledge/analysis/", "knowledge/inventory/objects.tsv", "extracted/", "templates/prompts/"]
outputs = ["migrated/complex/"]
"#;

/// A stand-in agent: logs `start OBJECT` and `done OBJECT` around its work,
/// answers with one SQL block, and reports 1,000 input and 200 output
/// tokens. `AGENT_SLEEP` seconds of work; `AGENT_LOG` the log.
const AGENT: &str = r#"#!/bin/sh
echo "start $PIPELINE_OBJECT" >> "$AGENT_LOG"
cat > /dev/null
sleep "${AGENT_SLEEP:-0}"
printf '```sql\n-- converted: %s\nSELECT 1;\n```\n' "$PIPELINE_OBJECT"
echo "done $PIPELINE_OBJECT" >> "$AGENT_LOG"
echo "tokens: 1000 200" >&2
"#;

fn project(convert: &str) -> TestProject {
    let p = TestProject::new();
    p.copy_sample();
    p.copy_repo("templates/prompts");
    p.write("agent.sh", AGENT);
    p.manifest(&format!("{convert}\n{STAGES}"));
    p
}

fn command_agent(extra: &str) -> String {
    format!(
        "[convert]\nbatch_size = 5\n{extra}\n\n[convert.agent]\nprovider = \"command\"\n\
         command = [\"sh\", \"agent.sh\"]\nconcurrency = 1\n"
    )
}

fn agent_objects(p: &TestProject) -> Vec<String> {
    let text = p.read("knowledge/analysis/routes/agent.tsv");
    text.lines().skip(1).map(|l| l.split('\t').next().unwrap().to_owned()).collect()
}

/// How many times the agent finished each object.
fn done_counts(p: &TestProject) -> BTreeMap<String, usize> {
    let log = std::fs::read_to_string(p.path("agent.log")).unwrap_or_default();
    let mut counts = BTreeMap::new();
    for line in log.lines() {
        if let Some(object) = line.strip_prefix("done ") {
            *counts.entry(object.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

fn state(p: &TestProject) -> Value {
    let text = p.read(".pipeline/sessions/convert-complex/migration_state.json");
    serde_json::from_str(&text).unwrap()
}

fn run(p: &TestProject, env: &[(&str, &str)]) -> support::Run {
    let log = p.path("agent.log");
    let mut all = vec![("AGENT_LOG", log.to_str().unwrap())];
    all.extend_from_slice(env);
    p.run_env(&["run"], &all)
}

#[test]
fn without_an_agent_the_prompts_are_written_with_what_the_agent_needs() {
    let p = project("");
    let run = p.run_ok(&[]);
    assert!(run.stderr.contains("prompts written"), "{}", run.stderr);
    let objects = agent_objects(&p);
    let index = p.read("migrated/complex/index.tsv");
    assert_eq!(index.lines().count(), objects.len() + 1, "{index}");
    assert!(index.lines().skip(1).all(|l| l.split('\t').nth(3) == Some("prompt")), "{index}");

    let body = p.read("migrated/complex/prompts/ventas/pkg_pedidos.package_body.md");
    // The source, its spec, what it calls with signatures, and the
    // strategy of each feature.
    assert!(body.contains("# Convert VENTAS.PKG_PEDIDOS (PACKAGE BODY)"), "{body}");
    assert!(body.contains("## Its specification (VENTAS.PKG_PEDIDOS (PACKAGE))"), "{body}");
    assert!(body.contains("## What it calls or references"), "{body}");
    assert!(body.contains("## Oracle features it uses"), "{body}");
    let cierre = p.read("migrated/complex/prompts/facturacion/prc_cierre_mensual.procedure.md");
    assert!(
        cierre.contains("PROCEDURE exportar_ventas_csv(p_anio IN NUMBER, p_mes IN NUMBER, p_archivo OUT VARCHAR2);"),
        "{cierre}"
    );
    assert!(cierre.contains("**GOTO** (MEDIUM"), "{cierre}");
    assert!(cierre.contains("restructure with labelled loops"), "{cierre}");

    // Deterministic: a forced second run writes the same bytes.
    let before = p.read("migrated/complex/prompts/ventas/pkg_pedidos.package_body.md");
    p.run_ok(&["--force", "convert-complex"]);
    assert_eq!(p.read("migrated/complex/prompts/ventas/pkg_pedidos.package_body.md"), before);
}

#[test]
fn every_object_is_sent_once_and_an_edit_resends_only_that_object() {
    let p = project(&command_agent(""));
    let first = run(&p, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let objects = agent_objects(&p);
    let counts = done_counts(&p);
    assert_eq!(counts.len(), objects.len());
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");

    let sql = p.read("migrated/complex/ventas/pkg_pedidos.package_body.sql");
    assert!(sql.contains("-- converted: VENTAS.PKG_PEDIDOS (PACKAGE BODY)"), "{sql}");
    assert!(sql.contains("SELECT 1;"), "{sql}");
    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "completed");
    assert_eq!(s["phases"]["conversion_complex"]["processed_objects"], objects.len());
    assert_eq!(s["token_usage"]["session_tokens_used"], 1200 * objects.len() as u64);

    // Forced: nothing is sent again, the results are the same.
    let forced = p.run_env(
        &["run", "--force", "convert-complex"],
        &[("AGENT_LOG", p.path("agent.log").to_str().unwrap())],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(done_counts(&p).values().all(|&n| n == 1));
    assert_eq!(p.read("migrated/complex/ventas/pkg_pedidos.package_body.sql"), sql);

    // One object edited: only it goes to the agent.
    let file = "extracted/ddl/VENTAS/PKG_PEDIDOS.sql";
    let text = p.read(file);
    let body_at = text.find("PACKAGE BODY").expect("the file holds the body");
    let (head, tail) = text.split_at(body_at);
    p.write(file, &format!("{head}{}", tail.replacen(" IS", " IS\n  -- reviewed", 1)));
    let third = run(&p, &[]);
    assert_eq!(third.code, 0, "{}", third.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts["VENTAS.PKG_PEDIDOS (PACKAGE BODY)"], 2, "{counts:?}");
    assert_eq!(counts.values().filter(|&&n| n == 2).count(), 1, "{counts:?}");
}

#[test]
fn the_budget_pauses_the_run_and_the_next_run_resumes_where_it_stopped() {
    // 1,200 tokens per object; the pause comes at 4,680: three objects a run.
    // (The threshold must also stay above the largest prompt among the first
    // objects, about 4,600 tokens, or that object is left out.)
    let p = project(&command_agent("token_budget = 5200\npause_at = 0.9"));
    let first = run(&p, &[]);
    assert_eq!(first.code, 3, "a paused run exits with 3:\n{}", first.stderr);
    assert!(first.stderr.contains("paused convert-complex"), "{}", first.stderr);
    assert!(first.stderr.contains("`pipeline run` resumes"), "{}", first.stderr);
    assert_eq!(done_counts(&p).len(), 3, "{:?}", done_counts(&p));

    let objects = agent_objects(&p);
    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "paused");
    assert_eq!(s["phases"]["conversion_complex"]["processed_objects"], 3);
    assert_eq!(s["token_usage"]["session_tokens_used"], 3600);
    assert_eq!(s["token_usage"]["pause_threshold"], 4680);
    assert_eq!(s["recovery"]["can_resume"], true);
    assert_eq!(s["recovery"]["resume_from"]["object_index"], 3);
    assert_eq!(s["recovery"]["resume_from"]["object"], objects[3].as_str());
    let log = p.read(".pipeline/sessions/convert-complex/migration_log.md");
    assert!(log.contains("- Paused at the token budget"), "{log}");
    assert!(log.contains(&format!("next: {}", objects[3])), "{log}");
    // What it converted so far is there to read.
    assert_eq!(p.read("migrated/complex/index.tsv").lines().count(), 4);

    // The next run resumes with the fourth object and a new budget.
    let second = run(&p, &[]);
    assert_eq!(second.code, 3, "{}", second.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts.len(), 6, "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    assert_eq!(state(&p)["token_usage"]["total_tokens_used"], 7200);

    // Without a budget it finishes; no object was converted twice.
    let manifest = p.read("pipeline.toml").replace("token_budget = 5200", "token_budget = 0");
    p.manifest(&manifest);
    let last = run(&p, &[]);
    assert_eq!(last.code, 0, "{}", last.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts.len(), objects.len());
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "completed");
    assert_eq!(s["token_usage"]["total_tokens_used"], 1200 * objects.len() as u64);
    assert_eq!(s["recovery"]["can_resume"], false);
}

// The child is killed and waited for where the loop below breaks, which
// clippy cannot follow.
#[allow(clippy::zombie_processes)]
#[test]
fn kill_9_mid_batch_loses_no_finished_object_and_converts_none_twice() {
    let p = project(&command_agent(""));
    // Classification first, so the kill lands in conversion.
    let classify = p.run(&["run", "classify"]);
    assert_eq!(classify.code, 0, "{}", classify.stderr);
    let objects = agent_objects(&p);
    assert!(objects.len() > 10, "{objects:?}");

    let log = p.path("agent.log");
    let mut child = p
        .command(&["run"])
        .env("AGENT_LOG", &log)
        .env("AGENT_SLEEP", "0.4")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Seven objects done is the middle of the second batch of five; kill
    // while the agent works on the eighth.
    let deadline = Instant::now() + Duration::from_secs(60);
    let killed_during = loop {
        assert!(Instant::now() < deadline, "the agent never reached the eighth object");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let last = text.lines().last().unwrap_or_default().to_owned();
        if text.matches("\ndone ").count() + usize::from(text.starts_with("done ")) >= 7
            && last.starts_with("start ")
        {
            child.kill().unwrap();
            child.wait().unwrap();
            break last.trim_start_matches("start ").to_owned();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    std::thread::sleep(Duration::from_millis(600));
    let before = done_counts(&p);
    assert_eq!(before.len(), 7, "the agent was killed with pipeline: {before:?}");
    assert!(!before.contains_key(&killed_during));
    // The last checkpoint is the first batch's.
    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "in_progress");
    assert_eq!(s["phases"]["conversion_complex"]["processed_objects"], 5);

    let resumed = run(&p, &[]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts.len(), objects.len(), "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    let index = p.read("migrated/complex/index.tsv");
    assert_eq!(index.lines().count(), objects.len() + 1);
    assert!(index.lines().skip(1).all(|l| l.split('\t').nth(3) == Some("converted")), "{index}");

    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "completed");
    assert_eq!(s["phases"]["conversion_complex"]["processed_objects"], objects.len());
    assert_eq!(s["phases"]["conversion_complex"]["reused_objects"], 7);
    assert_eq!(s["token_usage"]["total_tokens_used"], 1200 * objects.len() as u64);
    let log = p.read(".pipeline/sessions/convert-complex/migration_log.md");
    assert!(log.contains("Resumed after a run that stopped without its last checkpoint"), "{log}");
    assert!(log.contains("Objects with a result: 7 (the last checkpoint said 5)"), "{log}");
}

/// An agent whose first answer has a syntax error and whose repair is
/// right, except for one object it never gets right. It keeps the repair
/// prompts it is sent in `AGENT_PROMPTS`.
const REPAIRING_AGENT: &str = r##"#!/bin/sh
prompt=$(cat)
echo "request $PIPELINE_OBJECT" >> "$AGENT_LOG"
name=$(printf '%s' "$PIPELINE_OBJECT" | tr -c 'A-Za-z0-9_' '_' | tr 'A-Z' 'a-z')
case "$prompt" in
  *"# Repair the conversion"*)
    printf '%s\n' "$prompt" > "$AGENT_PROMPTS/$name.md"
    body='BEGIN RETURN 1; END;' ;;
  *) body='BEGIN RETURN 1 END;' ;;
esac
case "$PIPELINE_OBJECT" in
  "VENTAS.PKG_PEDIDOS (PACKAGE BODY)") body='BEGIN RETURN nothing_here; END;' ;;
esac
printf '```sql\nCREATE FUNCTION f_%s() RETURNS int\nLANGUAGE plpgsql AS $$\n%s\n$$;\n```\n' "$name" "$body"
echo "tokens: 100 50" >&2
"##;

#[test]
fn answers_that_fail_on_postgresql_go_back_to_the_agent_with_the_error() {
    let server = support::pg::Server::shared_15();
    let url = server.database("repair");
    let p = project(&command_agent("max_attempts = 2"));
    p.write("agent.sh", REPAIRING_AGENT);
    std::fs::create_dir_all(p.path("prompts")).unwrap();
    let prompts = p.path("prompts");
    let run = run(&p, &[("DATABASE_URL", &url), ("AGENT_PROMPTS", prompts.to_str().unwrap())]);
    assert_eq!(run.code, 0, "{}", run.stderr);

    let objects = agent_objects(&p);
    let log = p.read("agent.log");
    // Two requests per object: the answer and its repair.
    assert_eq!(log.lines().count(), 2 * objects.len(), "{log}");
    let index = p.read("migrated/complex/index.tsv");
    for line in index.lines().skip(1) {
        let cells: Vec<&str> = line.split('\t').collect();
        if cells[0] == "VENTAS.PKG_PEDIDOS (PACKAGE BODY)" {
            assert_eq!(cells[3], "failed", "{line}");
            assert!(cells[7].contains("nothing_here"), "{line}");
            assert!(cells[7].contains("after 2 attempts"), "{line}");
        } else {
            assert_eq!(cells[3], "converted", "{line}");
        }
    }
    // The repair prompt carries the error, with its line, and the answer.
    let repair =
        std::fs::read_to_string(prompts.join("ventas_pkg_clientes__package_body_.md")).unwrap();
    assert!(repair.contains("attempt 2 of 2"), "{repair}");
    assert!(repair.contains("line 4: syntax error at end of input"), "{repair}");
    assert!(repair.contains("BEGIN RETURN 1 END;"), "{repair}");
    // The object still failing is named for a person.
    assert!(
        run.stderr.contains("VENTAS.PKG_PEDIDOS (PACKAGE BODY) needs a person"),
        "{}",
        run.stderr
    );
    // Nothing was left in the database.
    let left = server.psql(
        support::pg::Server::name_of(&url),
        "SELECT count(*) FROM pg_proc WHERE proname LIKE 'f\\_%'",
    );
    assert_eq!(left.trim(), "0");
}

#[test]
fn an_object_whose_prompt_alone_is_over_the_budget_is_left_out_instead_of_pausing_forever() {
    // 90 tokens a run: no prompt of the sample fits, so every run used to
    // pause before its first object, and the next run the same.
    let p = project(&command_agent("token_budget = 100"));
    for _ in 0..2 {
        let run = run(&p, &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert!(!run.stderr.contains("paused"), "{}", run.stderr);
        assert!(run.stderr.contains("over the 90 a run may spend"), "{}", run.stderr);
        assert!(run.stderr.contains("raise token_budget"), "{}", run.stderr);
    }
    assert!(done_counts(&p).is_empty(), "{:?}", done_counts(&p));
    assert_eq!(state(&p)["phases"]["conversion_complex"]["status"], "failed");
}

#[test]
fn a_template_that_fails_to_render_is_not_logged_as_refused_credentials() {
    let p = project(&command_agent(""));
    let template = p.read("templates/prompts/convert.md.hbs");
    p.write("templates/prompts/convert.md.hbs", &format!("{{{{no_such_helper 1}}}}\n{template}"));
    let run = run(&p, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("no_such_helper"), "{}", run.stderr);
    let log = p.read(".pipeline/sessions/convert-complex/migration_log.md");
    assert!(!log.contains("credentials"), "{log}");
    assert!(log.contains("Stopped: no other object can be converted"), "{log}");
}

#[test]
fn a_package_body_outside_any_schema_is_shown_with_its_spec() {
    let p = project("");
    let sample = p.read("extracted/ddl/VENTAS/PKG_PEDIDOS.sql");
    p.write(
        "extracted/ddl/PLAIN/PKG_PLAIN.sql",
        &sample.replace("\"VENTAS\".\"PKG_PEDIDOS\"", "PKG_PLAIN"),
    );
    p.run_ok(&[]);
    let body = p.read("migrated/complex/prompts/_/pkg_plain.package_body.md");
    assert!(body.contains("## Its specification (PKG_PLAIN (PACKAGE))"), "{body}");
}

#[test]
fn ctrl_c_mid_batch_is_logged_as_an_interruption_and_the_next_run_resumes() {
    let p = project(&command_agent(""));
    let classify = p.run(&["run", "classify"]);
    assert_eq!(classify.code, 0, "{}", classify.stderr);
    let log = p.path("agent.log");
    let mut child = p
        .command(&["run"])
        .env("AGENT_LOG", &log)
        .env("AGENT_SLEEP", "0.4")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Two objects done is the middle of the first batch of five.
    let deadline = Instant::now() + Duration::from_secs(60);
    while done_counts(&p).len() < 2 {
        assert!(Instant::now() < deadline, "the agent never finished two objects");
        std::thread::sleep(Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    let sent = std::process::Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(sent.success());
    assert!(!child.wait().unwrap().success());

    let s = state(&p);
    assert_eq!(s["phases"]["conversion_complex"]["status"], "interrupted");
    let text = p.read(".pipeline/sessions/convert-complex/migration_log.md");
    assert!(text.contains("- Batch 1 interrupted"), "{text}");
    assert!(!text.contains("- Batch 1 done"), "{text}");
    assert!(text.contains("- Interrupted"), "{text}");

    let resumed = run(&p, &[]);
    assert_eq!(resumed.code, 0, "{}", resumed.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts.len(), agent_objects(&p).len(), "{counts:?}");
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}

#[test]
fn a_failed_answer_is_kept_and_the_warning_names_the_file_to_delete_to_send_it_again() {
    let p = project(&command_agent("max_attempts = 1"));
    p.write(
        "agent.sh",
        &AGENT.replace(
            "printf '```sql",
            "[ -n \"$GARBAGE\" ] && echo 'I cannot help' || printf '```sql",
        ),
    );
    let first = run(&p, &[("GARBAGE", "1")]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let object = "VENTAS.PKG_PEDIDOS (PACKAGE BODY)";
    let line = first.stderr.lines().find(|l| l.contains(object)).expect("a warning");
    assert!(line.contains("needs a person"), "{line}");
    let file = line.rsplit_once("delete ").expect("a file to delete").1.trim_end_matches(')');
    assert!(p.path(file).exists(), "{line}");

    // Forced, nothing is sent: the failed answers are kept.
    let forced = p.run_env(
        &["run", "--force", "convert-complex"],
        &[("AGENT_LOG", p.path("agent.log").to_str().unwrap())],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(done_counts(&p).values().all(|&n| n == 1));

    std::fs::remove_file(p.path(file)).unwrap();
    let again = p.run_env(
        &["run", "--force", "convert-complex"],
        &[("AGENT_LOG", p.path("agent.log").to_str().unwrap())],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let counts = done_counts(&p);
    assert_eq!(counts[object], 2, "{counts:?}");
    assert_eq!(counts.values().filter(|&&n| n == 2).count(), 1, "{counts:?}");
    let sql = p.read("migrated/complex/ventas/pkg_pedidos.package_body.sql");
    assert!(sql.contains("SELECT 1;"), "{sql}");
}
