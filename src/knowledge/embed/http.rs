//! What the network providers share: one HTTP client with a timeout,
//! retries with backoff, reading a service's error message, and a bounded
//! number of requests in flight.
//!
//! A request is retried after throttling (429, or AWS's
//! `ThrottlingException`), a server error (500, 502, 503, 504, or
//! `ServiceUnavailableException`) and a request that never got an answer
//! (no connection, a reset, a timeout). Refused credentials (401, 403) and
//! every other error are final at once: a retry would fail the same way and
//! only hide the message. Nothing here logs a request: its headers hold
//! keys and signatures, its body the estate's code.

use std::error::Error as StdError;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::Value;

use super::{truncate, EmbedError};

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

/// A client for one service, with its retry policy.
pub(super) struct Http {
    client: Client,
    /// Names the service in every error ("Bedrock (eu-west-1)").
    service: String,
    max_retries: u32,
    pub backoff: Backoff,
    /// Appended to a credentials error: what the user should check.
    credentials_hint: String,
}

/// What one attempt came to.
enum Outcome {
    Done(Vec<u8>),
    /// Worth another attempt: why it failed, and the wait the service asked for.
    Retry(String, Option<Duration>),
}

impl Http {
    pub fn new(
        service: String,
        timeout: Duration,
        max_retries: u32,
        credentials_hint: String,
    ) -> Result<Http, EmbedError> {
        let client = Client::builder().timeout(timeout).build().map_err(|e| {
            EmbedError::Request { service: service.clone(), detail: chain("no HTTP client", &e) }
        })?;
        Ok(Http { client, service, max_retries, backoff: Backoff::default(), credentials_hint })
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// The body of the first successful answer to the request `build` makes.
    /// `build` runs again before each retry, so a signed request carries the
    /// time it is really sent.
    pub fn send(
        &self,
        build: impl Fn(&Client) -> Result<RequestBuilder, EmbedError>,
    ) -> Result<Vec<u8>, EmbedError> {
        let mut retry = 0;
        loop {
            let (why, asked) = match self.attempt(build(&self.client)?)? {
                Outcome::Done(body) => return Ok(body),
                Outcome::Retry(why, asked) => (why, asked),
            };
            if retry == self.max_retries {
                let detail = match self.max_retries {
                    0 => format!("{why}; not retried ([knowledge.embedding] max_retries = 0)"),
                    n => format!(
                        "{why}; gave up after {n} retries ([knowledge.embedding] max_retries)"
                    ),
                };
                return Err(self.request_error(detail));
            }
            tracing::debug!("{}: {why}; retrying", self.service);
            std::thread::sleep(self.backoff.delay(retry, asked));
            retry += 1;
        }
    }

    fn attempt(&self, request: RequestBuilder) -> Result<Outcome, EmbedError> {
        let response = match request.send() {
            Ok(response) => response,
            Err(e) if e.is_builder() => {
                return Err(self.request_error(chain("the request could not be built", &e)))
            }
            Err(e) => return Ok(Outcome::Retry(chain("no answer", &e), None)),
        };
        self.judge(response)
    }

    /// Sorts an answer into a body, a retry or a final error.
    fn judge(&self, response: Response) -> Result<Outcome, EmbedError> {
        let status = response.status();
        let headers = response.headers().clone();
        let body = match response.bytes() {
            Ok(body) => body,
            Err(e) => return Ok(Outcome::Retry(chain("the answer was cut off", &e), None)),
        };
        if status.is_success() {
            return Ok(Outcome::Done(body.to_vec()));
        }
        let error_type = aws_error_type(&headers, &body);
        let why = format!("HTTP {status}: {}", error_message(&body, error_type.as_deref()));
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            let detail = format!("{why}; {}", self.credentials_hint);
            return Err(EmbedError::Credentials { service: self.service.clone(), detail });
        }
        if is_transient(status, error_type.as_deref()) {
            return Ok(Outcome::Retry(why, retry_after(&headers)));
        }
        Err(self.request_error(why))
    }

    pub fn request_error(&self, detail: String) -> EmbedError {
        EmbedError::Request { service: self.service.clone(), detail }
    }
}

/// Throttling and server trouble: what passes if one waits.
fn is_transient(status: StatusCode, error_type: Option<&str>) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
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
        for status in [429, 500, 502, 503, 504] {
            assert!(is_transient(StatusCode::from_u16(status).unwrap(), None), "{status}");
        }
        for status in [400, 404, 413, 501] {
            assert!(!is_transient(StatusCode::from_u16(status).unwrap(), None), "{status}");
        }
        assert!(is_transient(StatusCode::BAD_REQUEST, Some("ThrottlingException")));
        assert!(!is_transient(StatusCode::BAD_REQUEST, Some("ValidationException")));
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
