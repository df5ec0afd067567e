//! `pipeline serve` over a real socket: the binary is started on port 0,
//! the address it prints is read back, and every endpoint is called, with
//! good input and with each kind of bad input, before it is stopped with
//! Ctrl-C.

mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStderr, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::TestProject;

const MANIFEST: &str = r#"
[stages.classify]
kind = "classify"
inputs = ["extracted/"]
outputs = ["knowledge/inventory/", "knowledge/analysis/", "knowledge/reports/", "knowledge/knowledge.duckdb"]

[stages.embed]
kind = "embed"
inputs = ["knowledge/knowledge.duckdb"]
outputs = ["knowledge/embeddings.duckdb"]
"#;

/// The search fixture estate, classified and embedded.
fn embedded() -> TestProject {
    let p = TestProject::new();
    p.manifest(MANIFEST);
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
    for entry in std::fs::read_dir(fixtures).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        p.write(&format!("extracted/{name}"), &std::fs::read_to_string(&path).unwrap());
    }
    p.run_ok(&[]);
    p
}

/// A running `pipeline serve`; killed if a test fails before stopping it.
struct Server {
    child: Child,
    stderr: BufReader<ChildStderr>,
    /// What it printed before and including the address line.
    banner: String,
    base: String,
    http: Client,
}

impl Server {
    fn start(p: &TestProject, bind: &str) -> Server {
        let mut child = p
            .command(&["serve", "--bind", bind])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pipeline serve starts");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut banner = String::new();
        let base = loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                panic!("pipeline serve ended before listening:\n{banner}");
            }
            banner.push_str(&line);
            if let Some(rest) = line.trim().strip_prefix("listening on ") {
                break rest.split_whitespace().next().unwrap().to_owned();
            }
        };
        let http = Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
        Server { child, stderr, banner, base, http }
    }

    fn get(&self, path: &str) -> (StatusCode, Value) {
        answer(self.http.get(format!("{}{path}", self.base)).send().unwrap())
    }

    fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        answer(self.http.post(format!("{}{path}", self.base)).json(&body).send().unwrap())
    }

    fn post_raw(&self, path: &str, content_type: &str, body: &str) -> (StatusCode, Value) {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body.to_owned());
        answer(request.send().unwrap())
    }

    /// Sends Ctrl-C and waits; returns the exit code and what it printed.
    fn stop(mut self) -> (Option<i32>, String) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "pipeline serve did not stop on Ctrl-C");
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut rest = String::new();
        let _ = self.stderr.read_to_string(&mut rest);
        (status.code(), rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answer(response: reqwest::blocking::Response) -> (StatusCode, Value) {
    let status = response.status();
    let is_json = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .is_some_and(|v| v.to_str().unwrap_or_default().starts_with("application/json"));
    let text = response.text().unwrap();
    assert!(is_json, "{status}: not JSON: {text}");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")))
}

/// Asserts `got` is an error of `status` whose message contains `says`.
#[track_caller]
fn refused(got: (StatusCode, Value), status: StatusCode, says: &str) {
    let (code, body) = got;
    assert_eq!(code, status, "{body}");
    let message = body["error"].as_str().unwrap_or_else(|| panic!("no error message: {body}"));
    assert!(message.contains(says), "`{says}` not in: {message}");
}

#[test]
fn every_endpoint_answers_and_refuses_bad_input_then_ctrl_c_stops_it() {
    let p = embedded();
    let server = Server::start(&p, "127.0.0.1:0");
    assert!(!server.banner.contains("warning"), "{}", server.banner);

    let (code, health) = server.get("/health");
    assert_eq!((code, health), (StatusCode::OK, json!({ "status": "ok" })));

    // Search.
    let (code, found) = server.post("/search", json!({ "query": "how is the discount computed?" }));
    assert_eq!(code, StatusCode::OK, "{found}");
    assert_eq!(found["hits"][0]["object"]["name"], "PKG_PRICING", "{found}");
    assert_eq!(found["hits"][0]["source_file"], "extracted/pkg_pricing.sql");
    let (_, filtered) = server.post(
        "/search",
        json!({ "query": "discount", "limit": 1, "threshold": -1, "knowledge_type": "flow",
                "object_type": "PACKAGE BODY", "feature": null }),
    );
    assert_eq!(filtered["hits"].as_array().unwrap().len(), 1, "{filtered}");
    assert_eq!(filtered["hits"][0]["knowledge_type"], "FLOW");
    refused(
        server.post("/search", json!({ "limit": 3 })),
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing `query`",
    );
    refused(
        server.post("/search", json!({ "query": " " })),
        StatusCode::UNPROCESSABLE_ENTITY,
        "empty",
    );
    refused(
        server.post("/search", json!({ "query": "x", "limit": 500 })),
        StatusCode::UNPROCESSABLE_ENTITY,
        "give 1 to 100",
    );
    refused(
        server.post("/search", json!({ "query": "x", "limt": 5 })),
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown field `limt`",
    );
    refused(
        server.post("/search", json!({ "query": "x", "feature": "telepathy" })),
        StatusCode::NOT_FOUND,
        "unknown feature",
    );
    refused(
        server.post_raw("/search", "application/json", "{\"query\": "),
        StatusCode::BAD_REQUEST,
        "malformed JSON",
    );
    refused(
        server.post_raw("/search", "text/plain", "{\"query\": \"x\"}"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "Content-Type: application/json",
    );

    // Rules.
    let (code, rules) = server.get("/rules/validation?limit=2");
    assert_eq!(code, StatusCode::OK, "{rules}");
    assert_eq!(rules["category"], "VALIDATION");
    assert_eq!(rules["rules"].as_array().unwrap().len(), 2);
    assert!(rules["rules"][0]["line"].as_u64().unwrap() > 0);
    refused(
        server.get("/rules/pricing"),
        StatusCode::NOT_FOUND,
        "VALIDATION, CALCULATION, WORKFLOW",
    );
    refused(
        server.get("/rules/calculation?limit=0"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "give 1 to",
    );
    refused(server.get("/rules/calculation?limit=many"), StatusCode::BAD_REQUEST, "limit");

    // Dependencies.
    let (code, graph) = server.get("/dependencies/shop.pkg_orders?depth=2");
    assert_eq!(code, StatusCode::OK, "{graph}");
    assert_eq!(graph["root"], "SHOP.PKG_ORDERS");
    assert_eq!(graph["direction"], "outgoing");
    assert!(graph["edges"].as_array().unwrap().iter().any(|e| e["target"] == "SHOP.PKG_PRICING"));
    let (_, incoming) = server.get("/dependencies/PKG_PRICING?direction=incoming");
    let sources: Vec<&Value> =
        incoming["edges"].as_array().unwrap().iter().map(|e| &e["source"]).collect();
    assert_eq!(sources, [&json!("SHOP.PKG_ORDERS")], "{incoming}");
    // An id with spaces and parentheses, percent-encoded.
    let (code, _) = server.get("/dependencies/SHOP.PKG_ORDERS%20(PACKAGE%20BODY)");
    assert_eq!(code, StatusCode::OK);
    refused(
        server.get("/dependencies/nothing_here"),
        StatusCode::NOT_FOUND,
        "no object `nothing_here`",
    );
    refused(
        server.get("/dependencies/pkg_orders?depth=11"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "1 to 10",
    );
    refused(
        server.get("/dependencies/pkg_orders?direction=up"),
        StatusCode::UNPROCESSABLE_ENTITY,
        "incoming",
    );
    refused(server.get("/dependencies/pkg_orders?depth=-1"), StatusCode::BAD_REQUEST, "depth");

    // Features.
    let (code, http) = server.get("/features/utl_http");
    assert_eq!(code, StatusCode::OK, "{http}");
    assert_eq!(http["feature"], "UTL_HTTP");
    assert_eq!(http["objects"][0]["object"]["name"], "FN_FETCH_EXCHANGE_RATE");
    refused(
        server.get("/features/telepathy"),
        StatusCode::NOT_FOUND,
        "unknown feature `telepathy`",
    );

    // Routes that do not exist, and methods a route does not take.
    refused(server.get("/nowhere"), StatusCode::NOT_FOUND, "/openapi.json");
    refused(server.post("/health", json!({})), StatusCode::METHOD_NOT_ALLOWED, "GET");

    let (code, rest) = server.stop();
    assert_eq!(code, Some(0), "{rest}");
    assert!(rest.contains("stopped"), "{rest}");
}

/// Each operation the description lists, called with sample values: none
/// is answered by the router's fallback.
#[test]
fn every_described_operation_is_served() {
    let p = embedded();
    let server = Server::start(&p, "127.0.0.1:0");
    let (code, doc) = server.get("/openapi.json");
    assert_eq!(code, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let samples = [
        ("{category}", "VALIDATION"),
        ("{object_name}", "PKG_ORDERS"),
        ("{feature_name}", "UTL_HTTP"),
    ];
    for (path, item) in doc["paths"].as_object().unwrap() {
        let mut concrete = path.clone();
        for (param, value) in samples {
            concrete = concrete.replace(param, value);
        }
        assert!(!concrete.contains('{'), "no sample value for {path}");
        for method in item.as_object().unwrap().keys() {
            let (code, body) = match method.as_str() {
                "get" => server.get(&concrete),
                "post" => server.post(&concrete, json!({ "query": "discount" })),
                other => panic!("{other} {path}: the test knows GET and POST only"),
            };
            assert_eq!(code, StatusCode::OK, "{method} {concrete}: {body}");
        }
    }
}

#[test]
fn a_non_loopback_address_is_served_with_a_warning() {
    let p = embedded();
    let server = Server::start(&p, "0.0.0.0:0");
    assert!(server.banner.contains("warning:"), "{}", server.banner);
    assert!(server.banner.contains("reachable from other machines"), "{}", server.banner);
}

#[test]
fn the_manifest_can_name_the_address_and_a_bad_one_is_refused() {
    let p = embedded();
    p.manifest(&format!("{MANIFEST}\n[knowledge.serve]\nbind = \"not an address\"\n"));
    let run = p.run(&["serve"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("knowledge.serve.bind"), "{}", run.stderr);
    assert!(run.stderr.contains("HOST:PORT"), "{}", run.stderr);
}

#[test]
fn serving_without_a_knowledge_base_says_to_run_the_pipeline() {
    let p = TestProject::new();
    p.manifest(MANIFEST);
    let run = p.run(&["serve", "--bind", "127.0.0.1:0"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no knowledge base"), "{}", run.stderr);
    assert!(run.stderr.contains("pipeline run"), "{}", run.stderr);
}
