//! What the HTTP agents share: a client built from the settings, the API
//! key, the base URL, and the sorting of a failed request into an
//! [`AgentError`].

use std::time::Duration;

use super::{AgentError, Config, ConfigError, Request, Usage};
use crate::knowledge::embed::http::{Http, HttpError};

/// The manifest table of these settings, as errors name it.
pub(super) const TABLE: &str = "[convert.agent]";

/// A client for `service`, with the settings' timeout, retries and backoff.
pub(super) fn client(config: &Config, service: String, hint: String) -> Result<Http, ConfigError> {
    let timeout = Duration::from_secs(config.settings.timeout_seconds);
    let mut http = Http::new(TABLE, service, timeout, config.settings.max_retries, hint)
        .map_err(|e| ConfigError(e.to_string()))?;
    http.backoff = config.backoff;
    Ok(http)
}

/// The API key in the variable `[convert.agent] api_key_env` names, or
/// `default` when it names none. A missing key is an error when `required`,
/// or when the manifest named the variable; otherwise none is sent, as
/// local servers expect.
pub(super) fn api_key(
    config: &Config,
    default: &str,
    required: bool,
) -> Result<(String, Option<String>), ConfigError> {
    let named = config.settings.api_key_env.as_deref();
    let var = named.unwrap_or(default).to_owned();
    let key = std::env::var(&var).ok().filter(|k| !k.trim().is_empty());
    if key.is_none() && (required || named.is_some()) {
        let provider = config.settings.provider.name();
        return Err(ConfigError(format!(
            "{TABLE} provider = \"{provider}\" needs an API key in ${var}, which is not set; \
             set it, or name the variable that holds the key with {TABLE} api_key_env"
        )));
    }
    Ok((var, key))
}

/// `[convert.agent] url` without a trailing slash or any of `suffixes`
/// (`/v1`, an endpoint's path), checked to be a URL; `default` when unset.
pub(super) fn base_url(
    config: &Config,
    default: &str,
    suffixes: &[&str],
) -> Result<String, ConfigError> {
    let url = config.settings.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    let Some(url) = url else { return Ok(default.to_owned()) };
    let mut base = url.trim_end_matches('/');
    for suffix in suffixes {
        base = base.strip_suffix(suffix).unwrap_or(base);
    }
    reqwest::Url::parse(base).map_err(|e| {
        ConfigError(format!("{TABLE} url = {url:?}: expected an http(s) URL ({e})"))
    })?;
    Ok(base.to_owned())
}

/// The agent's error for a request that failed for good.
pub(super) fn failed(error: HttpError) -> AgentError {
    let message = error.to_string();
    match error {
        HttpError::Refused { .. } | HttpError::NoCredentials { .. } => {
            AgentError::Credentials(message)
        }
        HttpError::Throttled { .. } => AgentError::Throttled(message),
        HttpError::Failed { .. } => AgentError::Failed(message),
        HttpError::Interrupted => AgentError::Interrupted,
    }
}

/// An answer that is not the API's shape. Its usage is unknown, so it is
/// estimated from the prompt and the body: the tokens were spent all the
/// same.
pub(super) fn not_the_shape(
    service: &str,
    what: &str,
    error: impl std::fmt::Display,
    request: &Request,
    body: &[u8],
) -> AgentError {
    let text = String::from_utf8_lossy(body);
    let start = crate::knowledge::embed::truncate(text.trim(), 200);
    AgentError::Malformed {
        message: format!("{service}: the answer is not {what} ({error}): {start}"),
        usage: estimate(request, &text),
    }
}

/// [`Usage::estimate`] of `request`'s prompts and an answer.
pub(super) fn estimate(request: &Request, answer: &str) -> Usage {
    let asked = Usage::estimate(&request.system, "").input_tokens
        + Usage::estimate(&request.prompt, "").input_tokens;
    Usage { input_tokens: asked, ..Usage::estimate("", answer) }
}
