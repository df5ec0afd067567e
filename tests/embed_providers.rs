//! The `openai` and `bedrock` embedding providers against a local server
//! that speaks each API: what they send, and what they make of every kind
//! of answer (vectors, throttling, server errors, refused credentials,
//! malformed bodies).
//!
//! AWS credentials come from process-wide environment variables, so every
//! Bedrock case runs in the one test function that sets them; the OpenAI
//! tests use an API-key variable of their own each.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use pipeline::knowledge::embed::bedrock::Bedrock;
use pipeline::knowledge::embed::openai::OpenAi;
use pipeline::knowledge::embed::{Backoff, Config, EmbedError, Embedder};
use serde_json::json;
use support::aws::{
    aws_environment, parse_amz_date, resign, Authorization, ACCESS_KEY, SECRET_KEY, SESSION_TOKEN,
};
use support::http_server::{Reply, Server};

const FAST: Backoff = Backoff { base: Duration::from_millis(1), max: Duration::from_secs(5) };

/// The configuration a manifest holding `toml` gives.
fn config(toml: &str) -> Config {
    let doc: toml::Value = toml::from_str(toml).expect("a test manifest");
    Config::from_manifest(|key| key.split('.').try_fold(&doc, |table, k| table.get(k)))
        .expect("a valid [knowledge.embedding]")
}

fn texts(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("text {i}")).collect()
}

/// `[1, 0, 0, ...]` shifted to `position`: a vector that says which text it
/// belongs to.
fn one_hot(position: usize, dims: usize) -> Vec<f32> {
    let mut v = vec![0.0; dims];
    v[position % dims] = 1.0;
    v
}

// --- OpenAI-compatible ---------------------------------------------------

/// The provider for `server`, with `extra` keys in `[knowledge.embedding]`;
/// its API key is in a variable no test sets unless `extra` names another.
fn openai(server: &Server, extra: &str) -> OpenAi {
    let key = if extra.contains("api_key_env") {
        ""
    } else {
        "api_key_env = \"PIPELINE_TEST_UNSET_KEY\""
    };
    let manifest = format!(
        "[knowledge]\nembedding_dimensions = 8\n[knowledge.embedding]\nprovider = \"openai\"\n\
         url = \"{}/v1\"\nmodel = \"text-embedding-3-small\"\n{key}\n{extra}",
        server.url()
    );
    OpenAi::new(&config(&manifest)).expect("an openai provider").with_backoff(FAST)
}

/// An embeddings server that answers text `text N` with `one_hot(N)`,
/// listing the results in reverse so that only `index` tells them apart.
fn embeddings_server() -> Server {
    Server::start(|request| {
        let body = request.json();
        let dims = body["dimensions"].as_u64().unwrap() as usize;
        let inputs = body["input"].as_array().unwrap();
        let mut data: Vec<_> = inputs
            .iter()
            .enumerate()
            .map(|(index, text)| {
                let n: usize = text.as_str().unwrap().trim_start_matches("text ").parse().unwrap();
                json!({"object": "embedding", "index": index, "embedding": one_hot(n, dims)})
            })
            .collect();
        data.reverse();
        Reply::json(
            200,
            json!({"object": "list", "data": data, "model": body["model"],
                   "usage": {"prompt_tokens": inputs.len(), "total_tokens": inputs.len()}}),
        )
    })
}

fn one_vector(dims: usize) -> Reply {
    Reply::json(200, json!({"data": [{"index": 0, "embedding": one_hot(1, dims)}], "usage": {}}))
}

fn openai_error(status: u16, message: &str) -> Reply {
    Reply::json(status, json!({"error": {"message": message, "type": "invalid_request_error"}}))
}

#[test]
fn openai_texts_go_in_batches_and_come_back_in_order_of_index() {
    let server = embeddings_server();
    let provider = openai(&server, "batch_size = 4\nconcurrency = 2");
    let seen = Mutex::new(Vec::new());
    let vectors = provider.embed(&texts(10), &|n| seen.lock().unwrap().push(n)).unwrap();

    assert_eq!(vectors, (0..10).map(|i| one_hot(i, 8)).collect::<Vec<_>>());
    let requests = server.requests();
    let mut sizes: Vec<usize> =
        requests.iter().map(|r| r.json()["input"].as_array().unwrap().len()).collect();
    sizes.sort();
    assert_eq!(sizes, [2, 4, 4]);
    for r in &requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/v1/embeddings"));
        assert_eq!(r.header("content-type"), Some("application/json"));
    }
    assert_eq!(seen.lock().unwrap().iter().max(), Some(&10));
}

#[test]
fn openai_asks_for_the_model_and_dimensions_of_the_manifest() {
    let server = embeddings_server();
    openai(&server, "").embed(&texts(1), &|_| {}).unwrap();
    let body = server.requests()[0].json();
    assert_eq!(
        body,
        json!({"model": "text-embedding-3-small", "input": ["text 0"], "dimensions": 8})
    );
}

#[test]
fn openai_texts_longer_than_max_input_chars_are_cut() {
    let server = Server::scripted(vec![one_vector(8)]);
    openai(&server, "max_input_chars = 6").embed(&["text 1 and more".to_owned()], &|_| {}).unwrap();
    assert_eq!(server.requests()[0].json()["input"], json!(["text 1"]));
}

#[test]
fn openai_key_is_sent_only_when_its_variable_is_set() {
    let server = Server::start(|_| one_vector(8));
    let var = "PIPELINE_TEST_KEY_FOR_AUTH_HEADER";
    let with_var = format!("api_key_env = \"{var}\"");
    std::env::remove_var(var);
    openai(&server, &with_var).embed(&texts(1), &|_| {}).unwrap();
    std::env::set_var(var, "sk-test-123");
    openai(&server, &with_var).embed(&texts(1), &|_| {}).unwrap();
    std::env::remove_var(var);

    let requests = server.requests();
    assert_eq!(requests[0].header("authorization"), None);
    assert_eq!(requests[1].header("authorization"), Some("Bearer sk-test-123"));
}

#[test]
fn openai_concurrency_bounds_the_requests_in_flight() {
    let in_flight = std::sync::Arc::new(AtomicUsize::new(0));
    let peak = std::sync::Arc::new(AtomicUsize::new(0));
    let (now, max) = (in_flight.clone(), peak.clone());
    let server = Server::start(move |_| {
        let n = now.fetch_add(1, Ordering::SeqCst) + 1;
        max.fetch_max(n, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(50));
        now.fetch_sub(1, Ordering::SeqCst);
        one_vector(8)
    });
    openai(&server, "batch_size = 1\nconcurrency = 2").embed(&texts(8), &|_| {}).unwrap();
    assert_eq!(server.count(), 8);
    assert_eq!(peak.load(Ordering::SeqCst), 2);
}

#[test]
fn openai_vectors_of_another_length_are_a_dimensions_error() {
    let server = Server::scripted(vec![one_vector(3)]);
    match openai(&server, "").embed(&texts(1), &|_| {}) {
        Err(EmbedError::Dimensions { expected: 8, got: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn openai_waits_as_long_as_retry_after_asks_then_succeeds() {
    let server = Server::scripted(vec![
        openai_error(429, "Rate limit reached").header("retry-after", "1"),
        one_vector(8),
    ]);
    let started = Instant::now();
    let vectors = openai(&server, "").embed(&texts(1), &|_| {}).unwrap();
    assert_eq!(vectors.len(), 1);
    assert_eq!(server.count(), 2);
    assert!(started.elapsed() >= Duration::from_secs(1), "{:?}", started.elapsed());
}

#[test]
fn openai_server_errors_and_dropped_connections_are_retried() {
    let server = Server::scripted(vec![
        Reply::text(500, "Internal Server Error"),
        Reply::hang_up(),
        Reply::text(502, "Bad Gateway"),
        one_vector(8),
    ]);
    assert_eq!(openai(&server, "").embed(&texts(1), &|_| {}).unwrap().len(), 1);
    assert_eq!(server.count(), 4);
}

#[test]
fn openai_refused_key_is_a_credentials_error_and_not_retried() {
    let server = Server::scripted(vec![openai_error(401, "Incorrect API key provided: sk-***")]);
    let err = openai(&server, "").embed(&texts(1), &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Credentials { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("Incorrect API key provided"), "{text}");
    assert!(text.contains("$PIPELINE_TEST_UNSET_KEY"), "{text}");
    assert_eq!(server.count(), 1);
}

#[test]
fn openai_other_client_errors_are_final_and_quote_the_service() {
    let server = Server::scripted(vec![openai_error(404, "model 'nomic' not found")]);
    let err = openai(&server, "").embed(&texts(1), &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Request { .. }), "{err:?}");
    assert!(err.to_string().contains("404 Not Found: model 'nomic' not found"), "{err}");
    assert_eq!(server.count(), 1);
}

#[test]
fn openai_malformed_answer_is_a_request_error() {
    let server = Server::scripted(vec![
        Reply::text(200, "{\"data\": [").header("content-type", "application/json")
    ]);
    let err = openai(&server, "").embed(&texts(1), &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Request { .. }), "{err:?}");
    assert!(err.to_string().contains("not an embeddings response"), "{err}");
}

#[test]
fn openai_gives_up_after_max_retries_naming_the_status() {
    let server = Server::start(|_| Reply::text(503, "overloaded"));
    let err = openai(&server, "max_retries = 2").embed(&texts(1), &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Request { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("503 Service Unavailable: overloaded"), "{text}");
    assert!(text.contains("gave up after 2 retries"), "{text}");
    assert_eq!(server.count(), 3);
}

#[test]
fn openai_needs_a_url() {
    let cfg = config("[knowledge.embedding]\nprovider = \"openai\"\nmodel = \"m\"");
    let err = OpenAi::new(&cfg).err().expect("no url is an error");
    assert!(matches!(err, EmbedError::Config(_)));
    assert!(err.to_string().contains("needs `url`"), "{err}");
}

#[test]
fn openai_progress_counts_every_text() {
    let server = embeddings_server();
    let seen = Mutex::new(BTreeSet::new());
    openai(&server, "batch_size = 3\nconcurrency = 1")
        .embed(&texts(7), &|n| {
            seen.lock().unwrap().insert(n);
        })
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), BTreeSet::from([3, 6, 7]));
}

#[test]
fn the_manifest_chooses_the_openai_provider() {
    let openai = config(
        "[knowledge.embedding]\nprovider = \"openai\"\nurl = \"http://localhost:11434/v1\"\n\
         model = \"nomic-embed-text\"",
    );
    assert_eq!(openai.embedder().unwrap().model(), "openai:nomic-embed-text");
}

// --- Bedrock --------------------------------------------------------------

const TITAN_PATH: &str = "/model/amazon.titan-embed-text-v2%3A0/invoke";

fn bedrock(server: &Server, dims: usize, extra: &str) -> Result<Bedrock, EmbedError> {
    let manifest = format!(
        "[aws]\nregion = \"eu-west-1\"\n[knowledge]\nembedding_dimensions = {dims}\n\
         embedding_model = \"amazon.titan-embed-text-v2:0\"\n\
         [knowledge.embedding]\nprovider = \"bedrock\"\nurl = \"{}\"\n{extra}",
        server.url()
    );
    Bedrock::new(&config(&manifest)).map(|b| b.with_backoff(FAST))
}

/// A Titan v2 server: the vector of each text is `one_hot` at its length.
fn titan_server() -> Server {
    Server::start(|request| {
        let body = request.json();
        let text = body["inputText"].as_str().unwrap();
        let dims = body["dimensions"].as_u64().unwrap() as usize;
        Reply::json(200, json!({"embedding": one_hot(text.len(), dims), "inputTextTokenCount": 3}))
            .header("x-amzn-requestid", "5d1e7a1c-0000-4000-8000-000000000000")
    })
}

fn aws_error(status: u16, error_type: &str, message: &str) -> Reply {
    Reply::json(status, json!({"message": message})).header(
        "x-amzn-errortype",
        &format!("{error_type}:http://internal.amazon.com/coral/com.amazon.bedrock/"),
    )
}

#[test]
fn bedrock_provider_speaks_titan_v2_signed_with_sigv4() {
    let nowhere = tempfile::tempdir().unwrap();
    aws_environment(Some(SESSION_TOKEN), nowhere.path());
    bedrock_refuses_dimensions_titan_cannot_make();
    bedrock_requests_are_titans_and_signed();
    bedrock_validation_error_is_a_request_error();
    bedrock_throttling_is_retried();
    bedrock_unrecognised_client_is_a_credentials_error();

    aws_environment(None, nowhere.path());
    bedrock_without_session_token_signs_no_token();

    std::env::remove_var("AWS_ACCESS_KEY_ID");
    std::env::remove_var("AWS_SECRET_ACCESS_KEY");
    bedrock_without_credentials_says_where_to_set_them();
}

fn bedrock_refuses_dimensions_titan_cannot_make() {
    let server = titan_server();
    let err = bedrock(&server, 300, "").err().expect("300 dimensions are refused");
    assert!(matches!(err, EmbedError::Config(_)), "{err:?}");
    assert!(err.to_string().contains("256, 512 or 1024"), "{err}");
    assert_eq!(server.count(), 0);
}

fn bedrock_requests_are_titans_and_signed() {
    let server = titan_server();
    let provider = bedrock(&server, 256, "max_input_chars = 9").unwrap();
    let texts = vec!["abc".to_owned(), "abcdefghijklmnop".to_owned()];
    let vectors = provider.embed(&texts, &|_| {}).unwrap();
    assert_eq!(vectors, [one_hot(3, 256), one_hot(9, 256)]);

    let mut requests = server.requests();
    requests.sort_by_key(|r| r.body.len());
    assert_eq!(requests.len(), 2);
    let inputs: Vec<_> = requests.iter().map(|r| r.json()).collect();
    assert_eq!(inputs[0], json!({"inputText": "abc", "dimensions": 256, "normalize": true}));
    assert_eq!(inputs[1]["inputText"], "abcdefghi");
    for r in &requests {
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", TITAN_PATH));
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.header("x-amz-security-token"), Some(SESSION_TOKEN));
        let auth = Authorization::parse(r);
        assert_eq!(
            auth.scope,
            format!("{ACCESS_KEY}/{}/eu-west-1/bedrock/aws4_request", &auth.date[..8])
        );
        assert!(auth.signed_headers.contains(&"host".to_owned()), "{:?}", auth.signed_headers);
        assert!(auth.signed_headers.contains(&"x-amz-security-token".to_owned()));
        assert!(auth.signed_headers.contains(&"content-type".to_owned()));
        let sent = parse_amz_date(&auth.date);
        let age = SystemTime::now().duration_since(sent).unwrap_or_default();
        assert!(age < Duration::from_secs(300), "x-amz-date {} is {age:?} old", auth.date);
        assert_eq!(resign(r, Some(SESSION_TOKEN)), r.header("authorization").unwrap());

        // The check can fail: a body changed on the way no longer matches.
        let mut tampered = r.clone();
        tampered.body = br#"{"inputText":"x","dimensions":256,"normalize":true}"#.to_vec();
        assert_ne!(resign(&tampered, Some(SESSION_TOKEN)), r.header("authorization").unwrap());
    }
}

fn bedrock_without_session_token_signs_no_token() {
    let server = titan_server();
    bedrock(&server, 512, "").unwrap().embed(&["hello".to_owned()], &|_| {}).unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.header("x-amz-security-token"), None);
    let auth = Authorization::parse(request);
    assert!(!auth.signed_headers.contains(&"x-amz-security-token".to_owned()));
    assert_eq!(resign(request, None), request.header("authorization").unwrap());
}

fn bedrock_validation_error_is_a_request_error() {
    let server = Server::scripted(vec![aws_error(
        400,
        "ValidationException",
        "Malformed input request: #: extraneous key [foo] is not permitted, please reformat \
         your input and try again.",
    )]);
    let err = bedrock(&server, 1024, "").unwrap().embed(&["x".to_owned()], &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Request { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("400 Bad Request: ValidationException: Malformed input request"),
        "{text}"
    );
    assert_eq!(server.count(), 1);
}

fn bedrock_throttling_is_retried() {
    let ok = Reply::json(200, json!({"embedding": one_hot(0, 1024), "inputTextTokenCount": 1}));
    let server = Server::scripted(vec![
        aws_error(
            429,
            "ThrottlingException",
            "Too many requests, please wait before trying again.",
        ),
        aws_error(503, "ServiceUnavailableException", "Bedrock is unable to process your request."),
        ok,
    ]);
    let vectors = bedrock(&server, 1024, "").unwrap().embed(&["x".to_owned()], &|_| {}).unwrap();
    assert_eq!(vectors, [one_hot(0, 1024)]);
    assert_eq!(server.count(), 3);
}

fn bedrock_unrecognised_client_is_a_credentials_error() {
    let server = Server::scripted(vec![aws_error(
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )]);
    let err = bedrock(&server, 1024, "").unwrap().embed(&["x".to_owned()], &|_| {}).unwrap_err();
    assert!(matches!(err, EmbedError::Credentials { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("The security token included in the request is invalid"), "{text}");
    assert!(text.contains("bedrock:InvokeModel"), "{text}");
    assert!(!text.contains(SECRET_KEY) && !text.contains(SESSION_TOKEN), "{text}");
    assert_eq!(server.count(), 1);
}

fn bedrock_without_credentials_says_where_to_set_them() {
    let server = titan_server();
    let err = bedrock(&server, 1024, "").unwrap().embed(&["x".to_owned()], &|_| {}).unwrap_err();
    let text = err.to_string();
    assert!(text.starts_with("AWS credentials: none found"), "{text}");
    assert!(text.contains("AWS_PROFILE"), "{text}");
    assert_eq!(server.count(), 0);
}

#[test]
fn amz_dates_are_read_as_utc() {
    assert_eq!(parse_amz_date("19700101T000001Z"), SystemTime::UNIX_EPOCH + Duration::from_secs(1));
    let may_first = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_564_800);
    assert_eq!(parse_amz_date("20240501T120000Z"), may_first);
    let leap_day = SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_164_800);
    assert_eq!(parse_amz_date("20240229T000000Z"), leap_day);
}

#[test]
fn the_manifest_chooses_the_bedrock_provider() {
    let bedrock = config(
        "[aws]\nregion = \"eu-west-1\"\n[knowledge]\nembedding_dimensions = 512\n\
         [knowledge.embedding]\nprovider = \"bedrock\"",
    );
    let embedder = bedrock.embedder().unwrap();
    assert_eq!(embedder.model(), "bedrock:amazon.titan-embed-text-v2:0");
    assert_eq!(embedder.dimensions(), 512);
}
