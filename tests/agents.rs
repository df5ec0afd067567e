//! The agents of `convert-complex` against a local server that speaks each
//! API (Anthropic's Messages, OpenAI's chat completions, Bedrock's Converse,
//! signature checked) and against real programs for the `command` agent:
//! what they send, and what they make of every kind of answer.
//!
//! API keys are read from variables set once for the whole file; AWS
//! credentials come from process-wide variables, so every Bedrock case runs
//! in the one test function that sets them.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use pipeline::convert::agent::{
    Agent, AgentError, Backoff, Config, ConfigError, Reply, Request, Usage,
};
use pipeline::runner::Interrupt;
use serde_json::json;
use support::aws::{aws_environment, resign, Authorization, ACCESS_KEY, SESSION_TOKEN};
use support::http_server::{Reply as Answer, Server};

const FAST: Backoff = Backoff { base: Duration::from_millis(1), max: Duration::from_secs(5) };

/// The variable holding the test's API key, and the key.
const KEY_VAR: &str = "PIPELINE_TEST_AGENT_KEY";
const KEY: &str = "sk-test-agent-0123";

const SQL: &str = "CREATE OR REPLACE FUNCTION calc_total(p_id int) RETURNS numeric \
                   LANGUAGE plpgsql AS $$ BEGIN RETURN 0; END $$;";

fn set_key() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| std::env::set_var(KEY_VAR, KEY));
}

fn config(toml: &str) -> Result<Config, ConfigError> {
    let doc: toml::Value = toml::from_str(toml).expect("a test manifest");
    Config::from_manifest(|key| key.split('.').try_fold(&doc, |table, k| table.get(k)))
}

/// The agent `[convert.agent]` holding `table` makes, waiting little.
fn agent(table: &str) -> Box<dyn Agent> {
    set_key();
    let manifest = format!("[aws]\nregion = \"eu-west-1\"\n[convert.agent]\n{table}");
    let config = config(&manifest).expect("a valid [convert.agent]").with_backoff(FAST);
    config.agent().expect("an agent").expect("not provider none")
}

fn request() -> Request {
    Request {
        object: "SCOTT.PKG_ORDERS.CALC_TOTAL".to_owned(),
        system: "You convert Oracle PL/SQL to PostgreSQL.".to_owned(),
        prompt: "CREATE OR REPLACE FUNCTION calc_total ... END;".to_owned(),
    }
}

fn convert(agent: &dyn Agent) -> Result<Reply, AgentError> {
    agent.convert(&request(), &Interrupt::new())
}

fn fenced() -> String {
    format!("Here is the conversion:\n\n```sql\n{SQL}\n```\n")
}

/// The usage of a Malformed error, failing the test on anything else.
fn malformed(result: Result<Reply, AgentError>) -> (String, Usage) {
    match result {
        Err(AgentError::Malformed { message, usage }) => (message, usage),
        other => panic!("expected Malformed, got {other:?}"),
    }
}

/// Sets `interrupt` after `delay`, from another thread.
fn interrupt_after(delay: Duration) -> Interrupt {
    let interrupt = Interrupt::new();
    let setter = interrupt.clone();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        setter.set();
    });
    interrupt
}

// --- Anthropic -------------------------------------------------------------

fn anthropic(server: &Server, extra: &str) -> Box<dyn Agent> {
    agent(&format!(
        "provider = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\nurl = \"{}\"\n\
         api_key_env = \"{KEY_VAR}\"\nmax_tokens = 2048\n{extra}",
        server.url()
    ))
}

fn message(text: &str, stop_reason: &str) -> Answer {
    Answer::json(
        200,
        json!({"id": "msg_01", "type": "message", "role": "assistant",
               "model": "claude-sonnet-4-5", "content": [{"type": "text", "text": text}],
               "stop_reason": stop_reason, "stop_sequence": null,
               "usage": {"input_tokens": 1530, "output_tokens": 412}}),
    )
}

fn anthropic_error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, json!({"type": "error", "error": {"type": kind, "message": message}}))
}

#[test]
fn anthropic_sends_the_model_max_tokens_and_system_prompt_and_reads_usage() {
    let server = Server::scripted(vec![message(&fenced(), "end_turn")]);
    let agent = anthropic(&server, "");
    let reply = convert(agent.as_ref()).unwrap();

    assert_eq!(reply.text, fenced());
    assert_eq!(reply.usage, Usage { input_tokens: 1530, output_tokens: 412 });
    assert!(!reply.estimated);
    assert_eq!(agent.identity(), "anthropic:claude-sonnet-4-5");
    let sent = &server.requests()[0];
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/v1/messages"));
    assert_eq!(sent.header("x-api-key"), Some(KEY));
    assert_eq!(sent.header("anthropic-version"), Some("2023-06-01"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({"model": "claude-sonnet-4-5", "max_tokens": 2048,
               "system": "You convert Oracle PL/SQL to PostgreSQL.",
               "messages": [{"role": "user",
                             "content": "CREATE OR REPLACE FUNCTION calc_total ... END;"}]})
    );
}

#[test]
fn anthropic_rate_limit_waits_as_long_as_retry_after_asks_then_succeeds() {
    let server = Server::scripted(vec![
        anthropic_error(
            429,
            "rate_limit_error",
            "Number of request tokens has exceeded your rate limit",
        )
        .header("retry-after", "1"),
        message(&fenced(), "end_turn"),
    ]);
    let started = Instant::now();
    convert(anthropic(&server, "").as_ref()).unwrap();
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
}

#[test]
fn anthropic_overloaded_and_server_errors_are_retried() {
    let server = Server::scripted(vec![
        anthropic_error(529, "overloaded_error", "Overloaded"),
        anthropic_error(500, "api_error", "Internal server error"),
        message(&fenced(), "end_turn"),
    ]);
    assert!(convert(anthropic(&server, "").as_ref()).is_ok());
    assert_eq!(server.count(), 3);
}

#[test]
fn anthropic_still_throttled_after_the_retries_is_throttled() {
    let server = Server::start(|_| anthropic_error(529, "overloaded_error", "Overloaded"));
    match convert(anthropic(&server, "max_retries = 2").as_ref()) {
        Err(AgentError::Throttled(message)) => {
            assert!(message.contains("HTTP 529: Overloaded"), "{message}");
            assert!(message.contains("gave up after 2 retries ([convert.agent] max_retries)"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 3);
}

#[test]
fn anthropic_refused_key_is_a_credentials_error_and_not_retried() {
    let server =
        Server::scripted(vec![anthropic_error(401, "authentication_error", "invalid x-api-key")]);
    match convert(anthropic(&server, "").as_ref()) {
        Err(AgentError::Credentials(message)) => {
            assert!(message.contains("invalid x-api-key"), "{message}");
            assert!(message.contains(&format!("${KEY_VAR}")), "{message}");
            assert!(!message.contains(KEY), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[test]
fn anthropic_answer_cut_off_at_max_tokens_is_malformed_with_its_usage() {
    let server = Server::scripted(vec![message("```sql\nCREATE FUNCTION f() ...", "max_tokens")]);
    let (message, usage) = malformed(convert(anthropic(&server, "").as_ref()));
    assert!(message.contains("cut off at max_tokens = 2048"), "{message}");
    assert_eq!(usage, Usage { input_tokens: 1530, output_tokens: 412 });
}

#[test]
fn anthropic_prose_without_sql_is_malformed_with_its_usage() {
    let server = Server::scripted(vec![message(
        "I need the package specification to convert this body.",
        "end_turn",
    )]);
    let (message, usage) = malformed(convert(anthropic(&server, "").as_ref()));
    assert!(message.contains("holds no SQL"), "{message}");
    assert_eq!(usage.total(), 1530 + 412);
}

#[test]
fn anthropic_answer_with_no_text_block_is_malformed() {
    let server = Server::scripted(vec![Answer::json(
        200,
        json!({"content": [{"type": "tool_use", "id": "t", "name": "x", "input": {}}],
               "stop_reason": "tool_use", "usage": {"input_tokens": 10, "output_tokens": 3}}),
    )]);
    let (message, usage) = malformed(convert(anthropic(&server, "").as_ref()));
    assert!(message.contains("no text block (stop_reason: tool_use)"), "{message}");
    assert_eq!(usage, Usage { input_tokens: 10, output_tokens: 3 });
}

#[test]
fn anthropic_answer_that_is_not_json_is_malformed_with_estimated_usage() {
    let server = Server::scripted(vec![
        Answer::text(200, "{\"content\": [").header("content-type", "application/json")
    ]);
    let (message, usage) = malformed(convert(anthropic(&server, "").as_ref()));
    assert!(message.contains("not a Messages API reply"), "{message}");
    assert!(usage.input_tokens > 0, "{usage:?}");
}

#[test]
fn anthropic_other_client_errors_fail_at_once() {
    let server = Server::scripted(vec![anthropic_error(
        400,
        "invalid_request_error",
        "prompt is too long: 210000 tokens > 200000 maximum",
    )]);
    match convert(anthropic(&server, "").as_ref()) {
        Err(AgentError::Failed(message)) => {
            assert!(message.contains("400 Bad Request: prompt is too long"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[test]
fn anthropic_interrupt_ends_the_wait_for_a_slow_answer() {
    let server = Server::start(|_| {
        std::thread::sleep(Duration::from_secs(5));
        message(&fenced(), "end_turn")
    });
    let agent = anthropic(&server, "");
    let started = Instant::now();
    let result = agent.convert(&request(), &interrupt_after(Duration::from_millis(200)));
    assert!(matches!(result, Err(AgentError::Interrupted)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[test]
fn anthropic_interrupt_ends_a_backoff() {
    let server = Server::start(|_| {
        anthropic_error(429, "rate_limit_error", "slow down").header("retry-after", "4")
    });
    let started = Instant::now();
    let result =
        anthropic(&server, "").convert(&request(), &interrupt_after(Duration::from_millis(200)));
    assert!(matches!(result, Err(AgentError::Interrupted)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(server.count(), 1);
}

// --- OpenAI-compatible -------------------------------------------------------

fn openai(url: &str, extra: &str) -> Box<dyn Agent> {
    agent(&format!("provider = \"openai\"\nmodel = \"gpt-4.1\"\nurl = \"{url}\"\n{extra}"))
}

fn completion(content: &str, finish_reason: &str) -> Answer {
    Answer::json(
        200,
        json!({"id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4.1",
               "choices": [{"index": 0, "finish_reason": finish_reason,
                            "message": {"role": "assistant", "content": content}}],
               "usage": {"prompt_tokens": 900, "completion_tokens": 250, "total_tokens": 1150}}),
    )
}

#[test]
fn openai_sends_system_and_user_messages_and_reads_usage() {
    let server = Server::scripted(vec![completion(SQL, "stop")]);
    let agent = openai(&format!("{}/v1", server.url()), &format!("api_key_env = \"{KEY_VAR}\""));
    let reply = convert(agent.as_ref()).unwrap();

    assert_eq!(reply.text, SQL);
    assert_eq!(reply.usage, Usage { input_tokens: 900, output_tokens: 250 });
    assert!(!reply.estimated);
    assert_eq!(agent.identity(), "openai:gpt-4.1");
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
    assert_eq!(
        sent.json(),
        json!({"model": "gpt-4.1", "max_tokens": 8192, "messages": [
            {"role": "system", "content": "You convert Oracle PL/SQL to PostgreSQL."},
            {"role": "user", "content": "CREATE OR REPLACE FUNCTION calc_total ... END;"}]})
    );
}

#[test]
fn openai_url_may_be_the_endpoint_itself_and_a_local_server_gets_no_key() {
    let server = Server::scripted(vec![completion(SQL, "stop")]);
    let url = format!("{}/v1/chat/completions/", server.url());
    let agent = openai(&url, "");
    convert(agent.as_ref()).unwrap();
    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/v1/chat/completions");
    assert_eq!(sent.header("authorization"), None);

    // A variable the manifest names must be set, wherever the server is.
    let named = format!(
        "[convert.agent]\nprovider = \"openai\"\nmodel = \"m\"\nurl = \"{url}\"\n\
         api_key_env = \"PIPELINE_TEST_NEVER_SET\""
    );
    let err = config(&named).unwrap().agent().err().unwrap();
    assert!(err.to_string().contains("$PIPELINE_TEST_NEVER_SET"), "{err}");
}

#[test]
fn openai_answer_cut_off_at_length_is_malformed_with_its_usage() {
    let server = Server::scripted(vec![completion("```sql\nCREATE FUNCTION", "length")]);
    let (message, usage) = malformed(convert(openai(&server.url(), "max_tokens = 100").as_ref()));
    assert!(message.contains("cut off at max_tokens = 100"), "{message}");
    assert_eq!(usage, Usage { input_tokens: 900, output_tokens: 250 });
}

#[test]
fn openai_unavailable_is_retried_then_throttled() {
    let server =
        Server::scripted(vec![Answer::text(503, "upstream busy"), completion(SQL, "stop")]);
    convert(openai(&server.url(), "").as_ref()).unwrap();
    assert_eq!(server.count(), 2);

    let busy = Server::start(|_| {
        Answer::json(429, json!({"error": {"message": "Rate limit reached for gpt-4.1"}}))
    });
    let result = convert(openai(&busy.url(), "max_retries = 1").as_ref());
    assert!(
        matches!(&result, Err(AgentError::Throttled(m)) if m.contains("Rate limit")),
        "{result:?}"
    );
    assert_eq!(busy.count(), 2);
}

#[test]
fn openai_refused_key_is_a_credentials_error() {
    let server = Server::scripted(vec![Answer::json(
        401,
        json!({"error": {"message": "Incorrect API key provided",
                         "type": "invalid_request_error"}}),
    )]);
    let result = convert(openai(&server.url(), "").as_ref());
    assert!(matches!(&result, Err(AgentError::Credentials(m)) if m.contains("no key was sent")));
    assert_eq!(server.count(), 1);
}

// --- Bedrock ---------------------------------------------------------------

const CLAUDE_ON_BEDROCK: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

fn bedrock(server: &Server, extra: &str) -> Box<dyn Agent> {
    agent(&format!(
        "provider = \"bedrock\"\nmodel = \"{CLAUDE_ON_BEDROCK}\"\nurl = \"{}\"\nmax_tokens = 4096\n\
         {extra}",
        server.url()
    ))
}

fn converse(text: &str, stop_reason: &str) -> Answer {
    Answer::json(
        200,
        json!({"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
               "stopReason": stop_reason,
               "usage": {"inputTokens": 1100, "outputTokens": 300, "totalTokens": 1400},
               "metrics": {"latencyMs": 2100}}),
    )
    .header("x-amzn-requestid", "5d1e7a1c-0000-4000-8000-000000000000")
}

fn aws_error(status: u16, error_type: &str, message: &str) -> Answer {
    Answer::json(status, json!({"message": message}))
        .header("x-amzn-errortype", &format!("{error_type}:http://internal.amazon.com/coral/"))
}

#[test]
fn bedrock_agent_speaks_converse_signed_with_sigv4() {
    let nowhere = tempfile::tempdir().unwrap();
    aws_environment(Some(SESSION_TOKEN), nowhere.path());
    bedrock_requests_are_converse_and_signed();
    bedrock_throttling_is_retried_then_throttled();
    bedrock_answer_cut_off_is_malformed();
    bedrock_refused_credentials_stop_the_run();

    std::env::remove_var("AWS_ACCESS_KEY_ID");
    std::env::remove_var("AWS_SECRET_ACCESS_KEY");
    bedrock_without_credentials_is_a_credentials_error();
}

fn bedrock_requests_are_converse_and_signed() {
    let server = Server::scripted(vec![converse(&fenced(), "end_turn")]);
    let agent = bedrock(&server, "");
    let reply = convert(agent.as_ref()).unwrap();
    assert_eq!(reply.usage, Usage { input_tokens: 1100, output_tokens: 300 });
    assert_eq!(agent.identity(), format!("bedrock:{CLAUDE_ON_BEDROCK}"));

    let sent = &server.requests()[0];
    assert_eq!(sent.path, "/model/anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse",);
    assert_eq!(
        sent.json(),
        json!({"system": [{"text": "You convert Oracle PL/SQL to PostgreSQL."}],
               "messages": [{"role": "user", "content": [
                   {"text": "CREATE OR REPLACE FUNCTION calc_total ... END;"}]}],
               "inferenceConfig": {"maxTokens": 4096}})
    );
    let auth = Authorization::parse(sent);
    assert_eq!(
        auth.scope,
        format!("{ACCESS_KEY}/{}/eu-west-1/bedrock/aws4_request", &auth.date[..8])
    );
    assert_eq!(sent.header("x-amz-security-token"), Some(SESSION_TOKEN));
    assert_eq!(resign(sent, Some(SESSION_TOKEN)), sent.header("authorization").unwrap());
}

fn bedrock_throttling_is_retried_then_throttled() {
    let server = Server::scripted(vec![
        aws_error(
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        ),
        aws_error(503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
        converse(SQL, "end_turn"),
    ]);
    convert(bedrock(&server, "").as_ref()).unwrap();
    assert_eq!(server.count(), 3);

    let busy = Server::start(|_| aws_error(429, "ThrottlingException", "Too many tokens"));
    let result = convert(bedrock(&busy, "max_retries = 2").as_ref());
    match result {
        Err(AgentError::Throttled(message)) => {
            assert!(message.contains("ThrottlingException: Too many tokens"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(busy.count(), 3);
}

fn bedrock_answer_cut_off_is_malformed() {
    let server = Server::scripted(vec![converse("```sql\nCREATE", "max_tokens")]);
    let (message, usage) = malformed(convert(bedrock(&server, "").as_ref()));
    assert!(message.contains("cut off at max_tokens = 4096"), "{message}");
    assert_eq!(usage.total(), 1400);
}

fn bedrock_refused_credentials_stop_the_run() {
    let server = Server::scripted(vec![aws_error(
        403,
        "AccessDeniedException",
        "You don't have access to the model with the specified model ID.",
    )]);
    let result = convert(bedrock(&server, "").as_ref());
    match result {
        Err(AgentError::Credentials(message)) => {
            assert!(message.contains("don't have access to the model"), "{message}");
            assert!(message.contains("bedrock:InvokeModel"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);
}

fn bedrock_without_credentials_is_a_credentials_error() {
    let server = Server::scripted(vec![converse(SQL, "end_turn")]);
    let result = convert(bedrock(&server, "").as_ref());
    assert!(
        matches!(&result, Err(AgentError::Credentials(m)) if m.contains("AWS_PROFILE")),
        "{result:?}"
    );
    assert_eq!(server.count(), 0);
}

// --- command ---------------------------------------------------------------

/// An executable `sh` script `name` in `dir`.
fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

fn command(program: &Path, extra: &str) -> Box<dyn Agent> {
    agent(&format!("provider = \"command\"\ncommand = [{:?}, \"--strict\"]\n{extra}", program))
}

#[test]
fn command_gets_the_prompt_on_stdin_and_answers_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let seen = dir.path().join("stdin.txt");
    let program = script(
        dir.path(),
        "convert.sh",
        &format!("cat > {seen:?}\necho \"-- $PIPELINE_OBJECT, given $1\"\necho 'SELECT 1;'"),
    );
    let agent = command(&program, "");
    let reply = convert(agent.as_ref()).unwrap();

    assert_eq!(reply.text, "-- SCOTT.PKG_ORDERS.CALC_TOTAL, given --strict\nSELECT 1;\n");
    let request = request();
    assert_eq!(
        std::fs::read_to_string(&seen).unwrap(),
        format!("{}\n\n{}", request.system, request.prompt)
    );
    assert_eq!(agent.identity(), format!("command:{} --strict", program.display()));
}

#[test]
fn command_usage_is_estimated_unless_the_program_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let quiet = script(dir.path(), "quiet.sh", "cat > /dev/null\necho 'SELECT 1;'");
    let reply = convert(command(&quiet, "").as_ref()).unwrap();
    assert!(reply.estimated);
    let request = request();
    let asked =
        (request.system.len() as u64).div_ceil(4) + (request.prompt.len() as u64).div_ceil(4);
    assert_eq!(reply.usage, Usage { input_tokens: asked, output_tokens: 3 });

    let counting = script(
        dir.path(),
        "counting.sh",
        "cat > /dev/null\necho 'SELECT 1;'\necho 'calling the model' >&2\n\
         echo 'tokens: 1200 340' >&2",
    );
    let reply = convert(command(&counting, "").as_ref()).unwrap();
    assert!(!reply.estimated);
    assert_eq!(reply.usage, Usage { input_tokens: 1200, output_tokens: 340 });
}

#[test]
fn command_failing_exit_fails_showing_its_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let program = script(
        dir.path(),
        "fail.sh",
        "cat > /dev/null\necho 'SELECT 1;'\necho 'error: model llama3 not found' >&2\nexit 3",
    );
    match convert(command(&program, "").as_ref()) {
        Err(AgentError::Failed(message)) => {
            assert!(message.contains("exited with status 3"), "{message}");
            assert!(message.contains("error: model llama3 not found"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn command_prose_is_malformed_with_estimated_usage() {
    let dir = tempfile::tempdir().unwrap();
    let program =
        script(dir.path(), "chatty.sh", "cat > /dev/null\necho 'Sorry, I cannot do that.'");
    let (message, usage) = malformed(convert(command(&program, "").as_ref()));
    assert!(message.contains("holds no SQL"), "{message}");
    assert!(usage.input_tokens > 0 && usage.output_tokens > 0, "{usage:?}");
}

#[test]
fn command_running_past_the_timeout_is_killed_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let program = script(dir.path(), "slow.sh", "echo 'warming up' >&2\nsleep 30");
    let started = Instant::now();
    match convert(command(&program, "timeout_seconds = 1").as_ref()) {
        Err(AgentError::Failed(message)) => {
            assert!(message.contains("killed after timeout_seconds = 1"), "{message}");
            assert!(message.contains("warming up"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

#[cfg(target_os = "linux")]
#[test]
fn command_interrupt_kills_the_program_and_what_it_started() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("sleep.pid");
    let program =
        script(dir.path(), "hang.sh", &format!("sleep 30 &\necho $! > {pid_file:?}\nwait"));
    let agent = command(&program, "");
    let started = Instant::now();
    let result = agent.convert(&request(), &interrupt_after(Duration::from_millis(300)));
    assert!(matches!(result, Err(AgentError::Interrupted)), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());

    let pid = std::fs::read_to_string(&pid_file).unwrap().trim().to_owned();
    assert!(ends_soon(&pid), "the program's child {pid} outlived the interrupt");
}

/// Whether process `pid` has ended (a zombie has: it waits to be reaped).
#[cfg(target_os = "linux")]
fn ended(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits up to two seconds for process `pid` to end.
#[cfg(target_os = "linux")]
fn ends_soon(pid: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(2);
    while !ended(pid) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    ended(pid)
}

/// Set in the copy of this test binary that plays `pipeline` below.
const DEATH_DIR: &str = "PIPELINE_TEST_AGENT_DEATH_DIR";

/// This test runs itself again as a stand-in for `pipeline`, whose agent
/// runs a program; the stand-in is killed with SIGKILL, leaving it no
/// chance to clean up, and the program must end with it.
#[cfg(target_os = "linux")]
#[test]
fn command_program_dies_with_a_killed_pipeline() {
    if let Some(dir) = std::env::var_os(DEATH_DIR) {
        let dir = PathBuf::from(dir);
        let pid_file = dir.join("program.pid");
        let program = script(&dir, "hang.sh", &format!("echo $$ > {pid_file:?}\nexec sleep 30"));
        let _ = convert(command(&program, "").as_ref());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut stand_in = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["command_program_dies_with_a_killed_pipeline", "--exact", "--test-threads=1"])
        .env(DEATH_DIR, dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = dir.path().join("program.pid");
    let deadline = Instant::now() + Duration::from_secs(10);
    let pid = loop {
        match std::fs::read_to_string(&pid_file) {
            Ok(pid) if pid.ends_with('\n') => break pid.trim().to_owned(),
            _ if Instant::now() > deadline => panic!("the program never started"),
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    assert!(!ended(&pid), "the program ended before its parent was killed");
    stand_in.kill().unwrap();
    stand_in.wait().unwrap();
    assert!(ends_soon(&pid), "the program {pid} outlived its killed parent");
}

#[test]
fn command_that_does_not_exist_is_a_config_error() {
    set_key();
    let missing =
        config("[convert.agent]\nprovider = \"command\"\ncommand = [\"./no-such-converter\"]")
            .unwrap()
            .agent()
            .err()
            .unwrap();
    assert_eq!(
        missing.to_string(),
        "[convert.agent] command = [\"./no-such-converter\", ...]: there is no such file"
    );
    let off_path =
        config("[convert.agent]\nprovider = \"command\"\ncommand = [\"no-such-converter-xyz\"]")
            .unwrap()
            .agent()
            .err()
            .unwrap();
    assert!(off_path.to_string().ends_with("it is not on PATH"), "{off_path}");
    let empty = config("[convert.agent]\nprovider = \"command\"").unwrap_err();
    assert!(empty.to_string().contains("needs `command`"), "{empty}");
}

// --- configuration -----------------------------------------------------------

#[test]
fn an_unknown_key_is_refused_naming_it() {
    let err = config("[convert.agent]\nprovider = \"anthropic\"\nmodle = \"claude\"").unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("[convert.agent] in pipeline.toml: unknown field `modle`"), "{text}");
    assert!(text.contains("`model`"), "{text}");
}

#[test]
fn a_value_of_the_wrong_type_is_refused_on_one_line_naming_its_key() {
    let err = config("[convert.agent]\nprovider = \"command\"\ncommand = \"sh x.sh\"").unwrap_err();
    assert_eq!(
        err.to_string(),
        "[convert.agent] command in pipeline.toml: invalid type: string \"sh x.sh\", expected a \
         sequence"
    );
}

#[test]
fn an_unknown_provider_is_refused_listing_the_known_ones() {
    let err = config("[convert.agent]\nprovider = \"gemini\"").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("unknown variant `gemini`"), "{text}");
    for known in ["none", "command", "anthropic", "openai", "bedrock"] {
        assert!(text.contains(&format!("`{known}`")), "{text}");
    }
}

#[test]
fn a_key_of_the_wrong_type_is_refused() {
    let err = config("[convert.agent]\nmax_tokens = \"lots\"").unwrap_err();
    assert!(err.to_string().contains("max_tokens"), "{err}");
}

#[test]
fn a_missing_api_key_variable_is_named() {
    let err = config(
        "[convert.agent]\nprovider = \"anthropic\"\nmodel = \"claude-sonnet-4-5\"\n\
         api_key_env = \"PIPELINE_TEST_NEVER_SET\"",
    )
    .unwrap()
    .agent()
    .err()
    .unwrap();
    assert_eq!(
        err.to_string(),
        "[convert.agent] provider = \"anthropic\" needs an API key in $PIPELINE_TEST_NEVER_SET, \
         which is not set; set it, or name the variable that holds the key with [convert.agent] \
         api_key_env"
    );
}

#[test]
fn http_providers_need_a_model_and_bedrock_a_region() {
    let err = config("[convert.agent]\nprovider = \"openai\"").unwrap().agent().err().unwrap();
    assert!(err.to_string().contains("needs `model`"), "{err}");
    let err = config("[convert.agent]\nprovider = \"bedrock\"\nmodel = \"m\"").unwrap_err();
    assert!(err.to_string().contains("set aws.region"), "{err}");
}

#[test]
fn the_defaults_are_no_agent_and_four_at_once() {
    let config = config("[convert]\n").unwrap();
    assert!(config.agent().unwrap().is_none());
    assert_eq!(config.concurrency(), 4);
    let settings = &config.settings;
    assert_eq!(
        (settings.max_tokens, settings.timeout_seconds, settings.max_retries),
        (8192, 300, 5)
    );
}
