//! The `anthropic` agent: Anthropic's Messages API, one request per object.
//!
//! The answer is the text of the reply's `text` blocks; other blocks
//! (thinking, tool use) are passed over. Input tokens include those written
//! to and read from the prompt cache, since they count against a budget
//! too. A reply that stopped at `max_tokens` is cut off, so unusable.
//!
//! See <https://docs.anthropic.com/en/api/messages> and
//! <https://docs.anthropic.com/en/api/errors>.

use reqwest::header::{HeaderValue, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

use super::service::{self, TABLE};
use super::{checked, Agent, AgentError, Config, ConfigError, Reply, Request, Usage};
use crate::knowledge::embed::http::Http;
use crate::runner::Interrupt;

/// The API's address when `[convert.agent] url` names none.
pub const DEFAULT_URL: &str = "https://api.anthropic.com";

/// The API version the request and reply shapes are those of.
const VERSION: &str = "2023-06-01";

/// Anthropic's Messages API with one model.
pub struct Anthropic {
    http: Http,
    endpoint: String,
    model: String,
    /// Never printed: `Anthropic` has no `Debug` for that reason.
    api_key: String,
    max_tokens: u32,
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    max_tokens: u32,
    system: &'a str,
    messages: [Message<'a>; 1],
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct Answer {
    content: Vec<Block>,
    usage: Option<ApiUsage>,
    stop_reason: Option<String>,
}

#[derive(Deserialize)]
struct Block {
    #[serde(rename = "type")]
    kind: String,
    text: Option<String>,
}

#[derive(Deserialize)]
struct ApiUsage {
    input_tokens: u64,
    output_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
}

impl Anthropic {
    /// Reads the model, the URL and the API key; sends nothing.
    pub fn new(config: &Config) -> Result<Anthropic, ConfigError> {
        let model = config.model("claude-sonnet-4-5, claude-opus-4-1, ...")?.to_owned();
        let base = service::base_url(config, DEFAULT_URL, &["/v1/messages", "/v1"])?;
        let (var, key) = service::api_key(config, "ANTHROPIC_API_KEY", true)?;
        let service = match base.as_str() {
            DEFAULT_URL => "the Anthropic API".to_owned(),
            _ => format!("the Anthropic API at {base}"),
        };
        let hint = format!("check the API key in ${var} ({TABLE} api_key_env)");
        Ok(Anthropic {
            http: service::client(config, service, hint)?,
            endpoint: format!("{base}/v1/messages"),
            model,
            api_key: key.expect("a required key is present"),
            max_tokens: config.settings.max_tokens,
        })
    }
}

impl Agent for Anthropic {
    fn identity(&self) -> String {
        format!("anthropic:{}", self.model)
    }

    fn convert(&self, request: &Request, interrupt: &Interrupt) -> Result<Reply, AgentError> {
        let body = Body {
            model: &self.model,
            max_tokens: self.max_tokens,
            system: &request.system,
            messages: [Message { role: "user", content: &request.prompt }],
        };
        let body = serde_json::to_vec(&body).expect("a struct of strings and numbers");
        let mut key = HeaderValue::from_str(&self.api_key).map_err(|_| {
            AgentError::Credentials(format!("{}: the API key is not ASCII", self.http.service()))
        })?;
        key.set_sensitive(true);
        let answer = self
            .http
            .send_interruptible(interrupt, |client| {
                Ok(client
                    .post(&self.endpoint)
                    .header("x-api-key", key.clone())
                    .header("anthropic-version", VERSION)
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone()))
            })
            .map_err(service::failed)?;
        parse(self.http.service(), &answer, request, self.max_tokens)
    }
}

/// The reply in a Messages API answer.
fn parse(
    service: &str,
    body: &[u8],
    request: &Request,
    max_tokens: u32,
) -> Result<Reply, AgentError> {
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| service::not_the_shape(service, "a Messages API reply", e, request, body))?;
    let texts: Vec<&str> = answer
        .content
        .iter()
        .filter(|block| block.kind == "text")
        .filter_map(|block| block.text.as_deref())
        .collect();
    let text = texts.concat();
    let (usage, estimated) = match &answer.usage {
        Some(u) => {
            let cached =
                u.cache_creation_input_tokens.unwrap_or(0) + u.cache_read_input_tokens.unwrap_or(0);
            let usage =
                Usage { input_tokens: u.input_tokens + cached, output_tokens: u.output_tokens };
            (usage, false)
        }
        None => (service::estimate(request, &text), true),
    };
    let stop = answer.stop_reason.as_deref();
    if texts.is_empty() && stop != Some("max_tokens") {
        let message = format!(
            "{service}: the answer has no text block (stop_reason: {})",
            stop.unwrap_or("none")
        );
        return Err(AgentError::Malformed { message, usage });
    }
    checked(service, text, usage, estimated, (stop == Some("max_tokens")).then_some(max_tokens))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request { object: "o".into(), system: "rules".into(), prompt: "convert".into() }
    }

    #[test]
    fn the_body_is_the_messages_apis() {
        let body = Body {
            model: "claude-sonnet-4-5",
            max_tokens: 100,
            system: "rules",
            messages: [Message { role: "user", content: "convert" }],
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"model": "claude-sonnet-4-5", "max_tokens": 100, "system": "rules",
                               "messages": [{"role": "user", "content": "convert"}]})
        );
    }

    #[test]
    fn text_blocks_are_joined_and_cached_tokens_counted_as_input() {
        let body = br#"{"content":[{"type":"thinking","thinking":"hm"},
            {"type":"text","text":"```sql\nSELECT 1;"},{"type":"text","text":"\n```"}],
            "stop_reason":"end_turn","usage":{"input_tokens":10,"output_tokens":5,
            "cache_read_input_tokens":90,"cache_creation_input_tokens":0}}"#;
        let reply = parse("a", body, &request(), 100).unwrap();
        assert_eq!(reply.text, "```sql\nSELECT 1;\n```");
        assert_eq!(reply.usage, Usage { input_tokens: 100, output_tokens: 5 });
        assert!(!reply.estimated);
    }

    #[test]
    fn a_reply_without_usage_is_estimated() {
        let body = br#"{"content":[{"type":"text","text":"SELECT 1;"}]}"#;
        let reply = parse("a", body, &request(), 100).unwrap();
        assert!(reply.estimated);
        assert_eq!(reply.usage, Usage { input_tokens: 4, output_tokens: 3 });
    }
}
