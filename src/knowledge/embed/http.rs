//! What the network clients share (the embedding providers here, the AI
//! agents of `convert::agent`): one HTTP client with a timeout, retries with
//! backoff, reading a service's error message, and a bounded number of
//! requests in flight.
//!
//! A request is retried after throttling (429, Anthropic's 529, or AWS's
//! `ThrottlingException`), a server error (500, 502, 503, 504, or
//! `ServiceUnavailableException`) and a request that never got an answer
//! (no connection, a reset, a timeout). Refused credentials (401, 403) and
//! every other error are final at once: a retry would fail the same way and
//! only hide the message. Nothing here logs a request: its headers hold
//! keys and signatures, its body the estate's code.

use std::error::Error as StdError;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;

use super::{truncate, EmbedError};
use crate::runner::Interrupt;

/// How long to wait between attempts. Not a manifest key: the defaults suit
/// every service; tests shorten them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait before the first retry; it doubles with each retry, with
    /// jitter so that clients throttled together do not retry in step.
    pub base: Duration,
    /// The longest wait, a service's `Retry-After` included.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { base: Duration::from_millis(500), max: Duration::from_secs(30) }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0 for the first): at least what
    /// the service asked for, never more than `max`.
    pub(super) fn delay(&self, retry: u32, asked: Option<Duration>) -> Duration {
        let doubled = self.base.saturating_mul(2u32.saturating_pow(retry)).min(self.max);
        let jittered = doubled.mul_f64(0.5 + 0.5 * jitter());
        asked.map_or(jittered, |asked| asked.max(jittered)).min(self.max)
    }
}

/// A number in [0, 1), another on each call. Jitter needs no more than this,
/// so no random-number crate for it.
fn jitter() -> f64 {
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let hash = std::collections::hash_map::RandomState::new().hash_one(nanos.as_nanos());
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// Why a request failed for good. Each client turns it into its own error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpError {
    /// HTTP 401 or 403.
    #[error("{service} refused the credentials: {detail}")]
    Refused { service: String, detail: String },
    /// There were none to send (AWS's chain found nothing).
    #[error("{source_name}: {detail}")]
    NoCredentials { source_name: String, detail: String },
    /// Still throttled (429, 529, 503) when the retries ran out.
    #[error("{service}: {detail}")]
    Throttled { service: String, detail: String },
    /// Anything else: a 4xx, server errors or lost connections past the
    /// retries, a request that could not be built.
    #[error("{service}: {detail}")]
    Failed { service: String, detail: String },
    /// The interrupt was set while waiting.
    #[error("interrupted")]
    Interrupted,
}

impl From<HttpError> for EmbedError {
    fn from(error: HttpError) -> EmbedError {
        match error {
            HttpError::Refused { service, detail } => EmbedError::Credentials { service, detail },
            HttpError::NoCredentials { source_name, detail } => {
                EmbedError::Request { service: source_name, detail }
            }
            HttpError::Throttled { service, detail } | HttpError::Failed { service, detail } => {
                EmbedError::Request { service, detail }
            }
            HttpError::Interrupted => {
                EmbedError::Request { service: "embedding".to_owned(), detail: error.to_string() }
            }
        }
    }
}

/// A client for one service, with its retry policy.
pub(crate) struct Http {
    client: Client,
    /// Names the service in every error ("Bedrock (eu-west-1)").
    service: String,
    /// The manifest table the settings come from, for the hint on
    /// `max_retries` ("[knowledge.embedding]").
    table: &'static str,
    max_retries: u32,
    pub backoff: Backoff,
    /// Appended to a credentials error: what the user should check.
    credentials_hint: String,
}

/// What one attempt came to.
enum Outcome {
    Done(Vec<u8>),
    /// Worth another attempt: why it failed, the wait the service asked for,
    /// and whether it was throttling rather than trouble.
    Retry {
        why: String,
        asked: Option<Duration>,
        throttled: bool,
    },
}

/// What came back over the wire, before it is judged.
enum Exchange {
    NoAnswer(reqwest::Error),
    CutOff(reqwest::Error),
    Answer { status: StatusCode, headers: HeaderMap, body: Vec<u8> },
}

/// How often a wait looks at the interrupt.
const POLL: Duration = Duration::from_millis(50);

impl Http {
    pub fn new(
        table: &'static str,
        service: String,
        timeout: Duration,
        max_retries: u32,
        credentials_hint: String,
    ) -> Result<Http, HttpError> {
        let client = Client::builder().timeout(timeout).build().map_err(|e| HttpError::Failed {
            service: service.clone(),
            detail: chain("no HTTP client", &e),
        })?;
        let backoff = Backoff::default();
        Ok(Http { client, service, table, max_retries, backoff, credentials_hint })
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The body of the first successful answer to the request `build` makes.
    /// `build` runs again before each retry, so a signed request carries the
    /// time it is really sent.
    pub fn send(
        &self,
        build: impl Fn(&Client) -> Result<RequestBuilder, HttpError>,
    ) -> Result<Vec<u8>, HttpError> {
        self.send_until(None, build)
    }

    /// [`Http::send`], giving up with [`HttpError::Interrupted`] as soon as
    /// `interrupt` is set, in a backoff or while a request is in flight. An
    /// abandoned request finishes on a thread of its own, its answer unread.
    pub fn send_interruptible(
        &self,
        interrupt: &Interrupt,
        build: impl Fn(&Client) -> Result<RequestBuilder, HttpError>,
    ) -> Result<Vec<u8>, HttpError> {
        self.send_until(Some(interrupt), build)
    }

    fn send_until(
        &self,
        interrupt: Option<&Interrupt>,
        build: impl Fn(&Client) -> Result<RequestBuilder, HttpError>,
    ) -> Result<Vec<u8>, HttpError> {
        let mut retry = 0;
        loop {
            let exchange = match interrupt {
                None => exchange(build(&self.client)?),
                Some(interrupt) => in_background(build(&self.client)?, interrupt)?,
            };
            let (why, asked, throttled) = match self.judge(exchange)? {
                Outcome::Done(body) => return Ok(body),
                Outcome::Retry { why, asked, throttled } => (why, asked, throttled),
            };
            if retry == self.max_retries {
                return Err(self.gave_up(why, throttled));
            }
            tracing::debug!("{}: {why}; retrying", self.service);
            pause(self.backoff.delay(retry, asked), interrupt)?;
            retry += 1;
        }
    }

    fn gave_up(&self, why: String, throttled: bool) -> HttpError {
        let (table, service) = (self.table, self.service.clone());
        let detail = match self.max_retries {
            0 => format!("{why}; not retried ({table} max_retries = 0)"),
            n => format!("{why}; gave up after {n} retries ({table} max_retries)"),
        };
        match throttled {
            true => HttpError::Throttled { service, detail },
            false => HttpError::Failed { service, detail },
        }
    }

    /// Sorts an answer into a body, a retry or a final error.
    fn judge(&self, exchange: Exchange) -> Result<Outcome, HttpError> {
        let (status, headers, body) = match exchange {
            Exchange::NoAnswer(e) if e.is_builder() => {
                return Err(self.request_error(chain("the request could not be built", &e)))
            }
            Exchange::NoAnswer(e) => {
                let why = chain("no answer", &e);
                return Ok(Outcome::Retry { why, asked: None, throttled: false });
            }
            Exchange::CutOff(e) => {
                let why = chain("the answer was cut off", &e);
                return Ok(Outcome::Retry { why, asked: None, throttled: false });
            }
            Exchange::Answer { status, headers, body } => (status, headers, body),
        };
        if status.is_success() {
            return Ok(Outcome::Done(body));
        }
        let error_type = aws_error_type(&headers, &body);
        let why = format!(
            "HTTP {}: {}",
            status_text(status),
            error_message(&body, error_type.as_deref())
        );
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            let detail = format!("{why}; {}", self.credentials_hint);
            return Err(HttpError::Refused { service: self.service.clone(), detail });
        }
        if is_transient(status, error_type.as_deref()) {
            let throttled = is_throttling(status, error_type.as_deref());
            return Ok(Outcome::Retry { why, asked: retry_after(&headers), throttled });
        }
        Err(self.request_error(why))
    }

    pub fn request_error(&self, detail: String) -> HttpError {
        HttpError::Failed { service: self.service.clone(), detail }
    }
}

/// Sends `request` and reads the whole answer.
fn exchange(request: RequestBuilder) -> Exchange {
    let response = match request.send() {
        Ok(response) => response,
        Err(e) => return Exchange::NoAnswer(e),
    };
    let status = response.status();
    let headers = response.headers().clone();
    match response.bytes() {
        Ok(body) => Exchange::Answer { status, headers, body: body.to_vec() },
        Err(e) => Exchange::CutOff(e),
    }
}

/// [`exchange`] on another thread, so that the interrupt is seen while the
/// service thinks: a model can take minutes to answer.
fn in_background(request: RequestBuilder, interrupt: &Interrupt) -> Result<Exchange, HttpError> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone when the wait was interrupted: nobody to tell.
        let _ = sender.send(exchange(request));
    });
    loop {
        if interrupt.is_set() {
            return Err(HttpError::Interrupted);
        }
        match receiver.recv_timeout(POLL) {
            Ok(exchange) => return Ok(exchange),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the request thread ended without an answer")
            }
        }
    }
}

/// Sleeps for `wait`, or until `interrupt` is set.
fn pause(wait: Duration, interrupt: Option<&Interrupt>) -> Result<(), HttpError> {
    let Some(interrupt) = interrupt else {
        std::thread::sleep(wait);
        return Ok(());
    };
    let end = Instant::now() + wait;
    loop {
        if interrupt.is_set() {
            return Err(HttpError::Interrupted);
        }
        let left = end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        std::thread::sleep(left.min(POLL));
    }
}

/// `429 Too Many Requests`, or `529` alone for codes without a reason
/// phrase (`529 <unknown status code>` reads as a fault of ours).
fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

/// Throttling and server trouble: what passes if one waits.
fn is_transient(status: StatusCode, error_type: Option<&str>) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504 | 529)
        || matches!(error_type, Some("ThrottlingException" | "ServiceUnavailableException"))
}

/// The transient errors that say "too much, slow down" rather than "broken":
/// 429, Anthropic's 529 `overloaded_error`, 503 and AWS's names for them.
fn is_throttling(status: StatusCode, error_type: Option<&str>) -> bool {
    matches!(status.as_u16(), 429 | 503 | 529)
        || matches!(error_type, Some("ThrottlingException" | "ServiceUnavailableException"))
}

/// AWS's name for the error: the `x-amzn-ErrorType` header, or `__type` in
/// the body, without the namespace or URL AWS sometimes wraps it in
/// (`ThrottlingException:http://internal...`, `com.amazon#ThrottlingException`).
fn aws_error_type(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    let from_body = || {
        let json: Value = serde_json::from_slice(body).ok()?;
        json.get("__type")?.as_str().map(str::to_owned)
    };
    let raw = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(from_body)?;
    let name = raw.split(':').next().unwrap_or_default();
    let name = name.rsplit('#').next().unwrap_or_default().trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// The message of an error body: OpenAI's `{"error": {"message": ...}}`,
/// AWS's `{"message": ...}`, Ollama's `{"error": "..."}`, or else the start
/// of the body as text.
fn error_message(body: &[u8], error_type: Option<&str>) -> String {
    let from_json = serde_json::from_slice::<Value>(body).ok().and_then(|json| {
        [
            json.pointer("/error/message"),
            json.get("message"),
            json.get("Message"),
            json.get("error"),
        ]
        .into_iter()
        .flatten()
        .find_map(Value::as_str)
        .map(str::to_owned)
    });
    let message = from_json.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        let text = truncate(text.trim(), 300);
        if text.is_empty() {
            "no message".to_owned()
        } else {
            text.to_owned()
        }
    });
    match error_type {
        Some(name) if !message.contains(name) => format!("{name}: {message}"),
        _ => message,
    }
}

/// The wait a `Retry-After` header asks for, in seconds. Its other form, a
/// date, is left to the backoff.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    // A day is past any cap; beyond it, the conversion could overflow.
    (0.0..86_400.0).contains(&seconds).then(|| Duration::from_secs_f64(seconds))
}

/// `what`, then the error and its causes: reqwest's own message ("error
/// sending request") hides the useful part ("connection refused").
fn chain(what: &str, error: &dyn StdError) -> String {
    let mut out = format!("{what}: {error}");
    let mut source = error.source();
    while let Some(e) = source {
        out.push_str(": ");
        out.push_str(&e.to_string());
        source = e.source();
    }
    out
}

/// `job` on every item, at most `concurrency` at once, the results in the
/// order of the items. After a failure no new item starts; the first
/// failure is returned.
pub(super) fn in_parallel<T: Sync, R: Send>(
    items: &[T],
    concurrency: usize,
    job: impl Fn(&T) -> Result<R, EmbedError> + Sync,
) -> Result<Vec<R>, EmbedError> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let worker = || -> Result<Vec<(usize, R)>, EmbedError> {
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            match job(item) {
                Ok(result) => done.push((i, result)),
                Err(e) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
        Ok(done)
    };
    let workers = concurrency.clamp(1, items.len().max(1));
    let finished: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for result in finished {
        for (i, r) in result? {
            slots[i] = Some(r);
        }
    }
    Ok(slots.into_iter().map(|r| r.expect("every item ran: none failed")).collect())
}

/// Reports texts done, `every` at a time and at the end, from any thread.
pub(super) struct Progress<'a> {
    report: &'a (dyn Fn(usize) + Sync),
    done: AtomicUsize,
    every: usize,
    total: usize,
}

impl<'a> Progress<'a> {
    pub fn new(report: &'a (dyn Fn(usize) + Sync), every: usize, total: usize) -> Progress<'a> {
        Progress { report, done: AtomicUsize::new(0), every: every.max(1), total }
    }

    pub fn add(&self, n: usize) {
        let before = self.done.fetch_add(n, Ordering::Relaxed);
        let now = before + n;
        if now / self.every > before / self.every || now == self.total {
            (self.report)(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use std::sync::Mutex;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        map
    }

    #[test]
    fn error_messages_are_read_from_each_services_shape() {
        let openai =
            br#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}"#;
        assert_eq!(error_message(openai, None), "Incorrect API key provided");
        let aws = br#"{"message":"Malformed input request"}"#;
        assert_eq!(
            error_message(aws, Some("ValidationException")),
            "ValidationException: Malformed input request"
        );
        assert_eq!(error_message(br#"{"error":"model not found"}"#, None), "model not found");
        assert_eq!(error_message(b"  Bad Gateway\n", None), "Bad Gateway");
        assert_eq!(error_message(b"", None), "no message");
    }

    #[test]
    fn aws_error_types_lose_their_namespace() {
        let h = headers(&[("x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/")]);
        assert_eq!(aws_error_type(&h, b"").as_deref(), Some("ThrottlingException"));
        let body = br#"{"__type":"com.amazon.coral#ServiceUnavailableException"}"#;
        assert_eq!(
            aws_error_type(&HeaderMap::new(), body).as_deref(),
            Some("ServiceUnavailableException")
        );
        assert_eq!(aws_error_type(&HeaderMap::new(), b"{}"), None);
    }

    #[test]
    fn throttling_and_server_errors_are_transient_others_are_not() {
        for status in [429, 500, 502, 503, 504, 529] {
            assert!(is_transient(StatusCode::from_u16(status).unwrap(), None), "{status}");
        }
        for status in [429, 503, 529] {
            assert!(is_throttling(StatusCode::from_u16(status).unwrap(), None), "{status}");
        }
        assert!(!is_throttling(StatusCode::BAD_GATEWAY, None));
        for status in [400, 404, 413, 501] {
            assert!(!is_transient(StatusCode::from_u16(status).unwrap(), None), "{status}");
        }
        assert!(is_transient(StatusCode::BAD_REQUEST, Some("ThrottlingException")));
        assert!(!is_transient(StatusCode::BAD_REQUEST, Some("ValidationException")));
    }

    #[test]
    fn codes_without_a_reason_phrase_are_shown_alone() {
        assert_eq!(status_text(StatusCode::TOO_MANY_REQUESTS), "429 Too Many Requests");
        assert_eq!(status_text(StatusCode::from_u16(529).unwrap()), "529");
    }

    #[test]
    fn an_interrupt_ends_a_pause_early() {
        let interrupt = Interrupt::new();
        interrupt.set();
        let started = Instant::now();
        assert!(matches!(
            pause(Duration::from_secs(10), Some(&interrupt)),
            Err(HttpError::Interrupted)
        ));
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(pause(Duration::from_millis(1), Some(&Interrupt::new())).is_ok());
    }

    #[test]
    fn retry_after_is_read_in_seconds() {
        assert_eq!(retry_after(&headers(&[("retry-after", "3")])), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "0.5")])),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")])),
            None
        );
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_cap() {
        let b = Backoff { base: Duration::from_millis(100), max: Duration::from_secs(1) };
        for retry in 0..3 {
            let full = Duration::from_millis(100 << retry);
            let d = b.delay(retry, None);
            assert!(d >= full / 2 && d <= full, "retry {retry}: {d:?}");
        }
        assert!(b.delay(20, None) <= b.max);
        assert_eq!(b.delay(0, Some(Duration::from_millis(700))), Duration::from_millis(700));
        assert_eq!(b.delay(0, Some(Duration::from_secs(3600))), b.max);
    }

    #[test]
    fn parallel_results_keep_the_order_of_the_items() {
        let items: Vec<u64> = (0..50).collect();
        let out = in_parallel(&items, 4, |&i| {
            std::thread::sleep(Duration::from_millis((50 - i) % 7));
            Ok(i * 10)
        })
        .unwrap();
        assert_eq!(out, items.iter().map(|i| i * 10).collect::<Vec<_>>());
    }

    #[test]
    fn no_more_than_concurrency_jobs_run_at_once() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items = vec![(); 24];
        in_parallel(&items, 3, |_| {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(20));
            running.fetch_sub(1, Ordering::SeqCst);
            Ok(())
        })
        .unwrap();
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_failure_stops_new_jobs_and_is_returned() {
        let started = AtomicUsize::new(0);
        let items: Vec<usize> = (0..100).collect();
        let err = in_parallel(&items, 2, |&i| {
            started.fetch_add(1, Ordering::SeqCst);
            if i == 3 {
                return Err(EmbedError::Request { service: "s".into(), detail: "boom".into() });
            }
            Ok(i)
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "s: boom");
        assert!(started.load(Ordering::SeqCst) < 10, "{}", started.load(Ordering::SeqCst));
    }

    #[test]
    fn progress_is_reported_every_step_and_at_the_end() {
        let seen = Mutex::new(Vec::new());
        let report = |n: usize| seen.lock().unwrap().push(n);
        let p = Progress::new(&report, 10, 25);
        for _ in 0..25 {
            p.add(1);
        }
        assert_eq!(*seen.lock().unwrap(), [10, 20, 25]);
    }
}
