//! AWS credentials and SigV4 request signing, for the `bedrock` embedding
//! provider and the `bedrock` agent of `convert::agent`.
//!
//! Credentials come from `aws-config`'s default chain, the same sources and
//! order as the AWS CLI: the `AWS_ACCESS_KEY_ID` family of environment
//! variables, the shared config and credentials files (`AWS_PROFILE`, SSO,
//! assumed roles, `credential_process`), web identity, then the container
//! and instance metadata services. The chain is async; a current-thread
//! tokio runtime is built for it alone, on the first request rather than
//! when the provider is made, so a run whose texts are all cached needs no
//! credentials. Temporary credentials are loaded again a few minutes before
//! they expire.
//!
//! Nothing here logs or formats a secret: `Credentials`' own `Debug`
//! redacts them, and signed headers go straight onto the request.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::Region;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, SignableBody, SignableRequest, SigningParams, SigningSettings,
};
use aws_sigv4::sign::v4;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderValue;

use super::http::HttpError;

/// Credentials this close to their expiry are loaded again.
const REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Names the credentials in errors: they fail before any service is asked.
const SOURCE: &str = "AWS credentials";

/// What a path segment (a model id) is escaped from: everything but RFC
/// 3986's unreserved characters, as the AWS SDKs do (`:` becomes `%3A`).
const PATH_LABEL: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// `label` escaped to be one segment of a request's path.
pub(crate) fn escape_path_label(label: &str) -> String {
    utf8_percent_encode(label, PATH_LABEL).to_string()
}

/// Signs requests to one service in one region.
pub(crate) struct Signer {
    service: &'static str,
    region: String,
    state: Mutex<State>,
}

/// What is loaded lazily, under one lock so that concurrent requests load
/// credentials once.
#[derive(Default)]
struct State {
    runtime: Option<tokio::runtime::Runtime>,
    /// `None` until the default chain is built.
    provider: Option<SharedCredentialsProvider>,
    current: Option<Credentials>,
}

/// A header to add to a signed request.
pub(crate) struct SignedHeader {
    pub name: &'static str,
    pub value: String,
    /// The signature and the session token: to be marked sensitive.
    pub sensitive: bool,
}

impl Signer {
    /// Credentials from the default chain, looked up on first use.
    pub fn from_default_chain(service: &'static str, region: &str) -> Signer {
        Signer { service, region: region.to_owned(), state: Mutex::new(State::default()) }
    }

    /// Credentials from `provider`, not the chain.
    #[cfg(test)]
    pub fn with_provider(
        service: &'static str,
        region: &str,
        provider: SharedCredentialsProvider,
    ) -> Signer {
        let state = State { provider: Some(provider), ..State::default() };
        Signer { service, region: region.to_owned(), state: Mutex::new(state) }
    }

    /// The headers that sign a request made at `time`: `authorization`,
    /// `x-amz-date` and, with temporary credentials, `x-amz-security-token`.
    /// `url` is as sent, already percent-encoded; `headers` are the ones to
    /// sign besides `host`, and must be sent unchanged.
    pub fn sign(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<Vec<SignedHeader>, HttpError> {
        let identity = self.credentials()?.into();
        let failed = |e: &dyn std::fmt::Display| HttpError::Failed {
            service: self.service.to_owned(),
            detail: format!("the request could not be signed: {e}"),
        };
        let params: SigningParams = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(self.service)
            .time(time)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| failed(&e))?
            .into();
        let request =
            SignableRequest::new(method, url, headers.iter().copied(), SignableBody::Bytes(body))
                .map_err(|e| failed(&e))?;
        let (instructions, _signature) =
            sign(request, &params).map_err(|e| failed(&e))?.into_parts();
        let (signed, _query) = instructions.into_parts();
        Ok(signed
            .iter()
            .map(|h| SignedHeader {
                name: h.name(),
                value: h.value().to_owned(),
                // aws-sigv4 marks the token only; a signature is a credential
                // too for the minutes it is valid.
                sensitive: h.sensitive() || h.name() == "authorization",
            })
            .collect())
    }

    /// A POST of `body` to `url` with `headers`, signed for `time`: the
    /// headers are sent as they were signed, the secrets marked sensitive.
    pub fn post(
        &self,
        client: &Client,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        time: SystemTime,
    ) -> Result<RequestBuilder, HttpError> {
        let signed = self.sign("POST", url, headers, body, time)?;
        let mut request = client.post(url).body(body.to_vec());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        for header in signed {
            let mut value =
                HeaderValue::from_str(&header.value).map_err(|_| HttpError::Failed {
                    service: self.service.to_owned(),
                    detail: format!("the signed {} header is not ASCII", header.name),
                })?;
            value.set_sensitive(header.sensitive);
            request = request.header(header.name, value);
        }
        Ok(request)
    }

    /// The current credentials, loaded or refreshed as needed.
    fn credentials(&self) -> Result<Credentials, HttpError> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = &state.current {
            if fresh(current, SystemTime::now()) {
                return Ok(current.clone());
            }
        }
        if state.runtime.is_none() {
            state.runtime = Some(runtime()?);
        }
        let State { runtime, provider, current } = &mut *state;
        let runtime = runtime.as_ref().expect("built above");
        let provider = provider.get_or_insert_with(|| {
            let chain = DefaultCredentialsChain::builder().region(Region::new(self.region.clone()));
            SharedCredentialsProvider::new(runtime.block_on(chain.build()))
        });
        let loaded = runtime.block_on(provider.provide_credentials()).map_err(not_loaded)?;
        *current = Some(loaded.clone());
        Ok(loaded)
    }
}

/// Whether `credentials` are good for a while yet at `now`.
fn fresh(credentials: &Credentials, now: SystemTime) -> bool {
    credentials.expiry().is_none_or(|expiry| now + REFRESH_BEFORE < expiry)
}

fn runtime() -> Result<tokio::runtime::Runtime, HttpError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| {
        HttpError::NoCredentials {
            source_name: SOURCE.to_owned(),
            detail: format!("no runtime to load them in: {e}"),
        }
    })
}

/// Why no credentials were loaded, with what to do about it.
fn not_loaded(error: CredentialsError) -> HttpError {
    let mut detail = match &error {
        CredentialsError::CredentialsNotLoaded(_) => "none found".to_owned(),
        _ => "could not be loaded".to_owned(),
    };
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(e) = source {
        detail.push_str(": ");
        detail.push_str(&e.to_string());
        source = e.source();
    }
    detail.push_str(
        "; set AWS_PROFILE (after `aws sso login` for an SSO profile) or AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY, or run where an instance or task role applies",
    );
    HttpError::NoCredentials { source_name: SOURCE.to_owned(), detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(token: Option<&str>) -> SharedCredentialsProvider {
        let credentials = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_owned),
            None,
            "test",
        );
        SharedCredentialsProvider::new(credentials)
    }

    fn names(headers: &[SignedHeader]) -> Vec<&str> {
        let mut names: Vec<&str> = headers.iter().map(|h| h.name).collect();
        names.sort();
        names
    }

    #[test]
    fn a_signature_names_key_date_region_and_service() {
        let signer = Signer::with_provider("bedrock", "eu-west-1", fixed(None));
        // 2024-05-01T12:00:00Z.
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        let url = "https://bedrock-runtime.eu-west-1.amazonaws.com/model/m%3A0/invoke";
        let headers = [("content-type", "application/json")];
        let signed = signer.sign("POST", url, &headers, b"{}", time).unwrap();
        assert_eq!(names(&signed), ["authorization", "x-amz-date"]);
        let auth = &signed.iter().find(|h| h.name == "authorization").unwrap();
        assert!(auth.sensitive);
        let prefix =
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240501/eu-west-1/bedrock/aws4_request, \
                      SignedHeaders=content-type;host;x-amz-date, Signature=";
        let signature = auth.value.strip_prefix(prefix).unwrap_or_else(|| panic!("{}", auth.value));
        assert_eq!(signature.len(), 64);
        assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
        let date = &signed.iter().find(|h| h.name == "x-amz-date").unwrap().value;
        assert_eq!(date, "20240501T120000Z");
    }

    #[test]
    fn the_signature_covers_the_body() {
        let signer = Signer::with_provider("bedrock", "us-east-1", fixed(None));
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_714_564_800);
        let auth = |body: &[u8]| {
            let signed = signer.sign("POST", "https://h/model/x/invoke", &[], body, time).unwrap();
            signed.into_iter().find(|h| h.name == "authorization").unwrap().value
        };
        assert_eq!(auth(b"{\"a\":1}"), auth(b"{\"a\":1}"));
        assert_ne!(auth(b"{\"a\":1}"), auth(b"{\"a\":2}"));
    }

    #[test]
    fn a_session_token_is_signed_and_sent() {
        let signer = Signer::with_provider("bedrock", "us-east-1", fixed(Some("TOKEN")));
        let signed = signer.sign("POST", "https://h/", &[], b"", SystemTime::now()).unwrap();
        assert_eq!(names(&signed), ["authorization", "x-amz-date", "x-amz-security-token"]);
        let token = signed.iter().find(|h| h.name == "x-amz-security-token").unwrap();
        assert_eq!(token.value, "TOKEN");
        let auth = signed.iter().find(|h| h.name == "authorization").unwrap();
        assert!(auth.value.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"));
    }

    #[test]
    fn credentials_near_expiry_are_stale() {
        let now = SystemTime::now();
        let expiring =
            |after: Duration| Credentials::new("a", "s", None, Some(now + after), "test");
        assert!(fresh(&Credentials::new("a", "s", None, None, "test"), now));
        assert!(fresh(&expiring(Duration::from_secs(3600)), now));
        assert!(!fresh(&expiring(Duration::from_secs(60)), now));
    }

    /// Hands out credentials that expire `lifetime` after they are made,
    /// counting how often it is asked.
    #[derive(Debug)]
    struct Counting {
        lifetime: Duration,
        calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(
            &'a self,
        ) -> aws_credential_types::provider::future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let expiry = SystemTime::now() + self.lifetime;
            let credentials = Credentials::new("a", "s", None, Some(expiry), "counting");
            aws_credential_types::provider::future::ProvideCredentials::ready(Ok(credentials))
        }
    }

    fn loads(lifetime: Duration) -> usize {
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let provider = SharedCredentialsProvider::new(Counting { lifetime, calls: calls.clone() });
        let signer = Signer::with_provider("bedrock", "us-east-1", provider);
        for _ in 0..3 {
            signer.sign("POST", "https://h/", &[], b"", SystemTime::now()).unwrap();
        }
        calls.load(std::sync::atomic::Ordering::SeqCst)
    }

    #[test]
    fn credentials_are_loaded_once_and_again_when_they_expire() {
        assert_eq!(loads(Duration::from_secs(3600)), 1);
        assert_eq!(loads(Duration::from_secs(10)), 3);
    }

    #[test]
    fn missing_credentials_say_where_to_set_them() {
        let err =
            not_loaded(CredentialsError::not_loaded("no providers in chain provided credentials"));
        let text = err.to_string();
        assert!(text.starts_with("AWS credentials: none found"), "{text}");
        assert!(text.contains("no providers in chain"), "{text}");
        assert!(text.contains("AWS_PROFILE"), "{text}");
    }
}
