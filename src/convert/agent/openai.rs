//! The `openai` agent: any server that speaks OpenAI's chat completions API
//! (`POST {url}/chat/completions`): OpenAI, Azure's and others' OpenAI
//! endpoints, vLLM, Ollama, LiteLLM.
//!
//! The length of the answer is bounded with `max_tokens`, which every such
//! server reads; OpenAI's reasoning models refuse it in favour of
//! `max_completion_tokens`, so reach those through a proxy that maps it. The
//! API key is required for OpenAI's own endpoint; for another `url` it is
//! sent only when its variable is set, since local servers want none.
//!
//! See <https://platform.openai.com/docs/api-reference/chat/create>.

use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use serde::{Deserialize, Serialize};

use super::service::{self, TABLE};
use super::{checked, Agent, AgentError, Config, ConfigError, Reply, Request, Usage};
use crate::knowledge::embed::http::Http;
use crate::runner::Interrupt;

/// OpenAI's own API, when `[convert.agent] url` names no other.
pub const DEFAULT_URL: &str = "https://api.openai.com/v1";

/// An OpenAI-compatible chat completions endpoint with one model.
pub struct OpenAi {
    http: Http,
    endpoint: String,
    model: String,
    /// `Bearer <key>`, marked sensitive. Never printed: `OpenAi` has no
    /// `Debug` for that reason.
    authorization: Option<HeaderValue>,
    max_tokens: u32,
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    messages: [Message<'a>; 2],
    max_tokens: u32,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: &'a str,
}

#[derive(Deserialize)]
struct Answer {
    choices: Vec<Choice>,
    usage: Option<ApiUsage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Option<ChoiceMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct ChoiceMessage {
    content: Option<String>,
}

#[derive(Deserialize)]
struct ApiUsage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

impl OpenAi {
    /// Reads the model, the URL and the API key; sends nothing.
    pub fn new(config: &Config) -> Result<OpenAi, ConfigError> {
        let model = config.model("gpt-4.1, a local server's model name, ...")?.to_owned();
        let base = service::base_url(config, DEFAULT_URL, &["/chat/completions"])?;
        let (var, key) = service::api_key(config, "OPENAI_API_KEY", base == DEFAULT_URL)?;
        let hint = match key {
            Some(_) => format!("check the API key in ${var} ({TABLE} api_key_env)"),
            None => format!("no key was sent: set ${var} to the API key ({TABLE} api_key_env)"),
        };
        let authorization = match key {
            None => None,
            Some(key) => {
                let mut value = HeaderValue::from_str(&format!("Bearer {key}"))
                    .map_err(|_| ConfigError(format!("the API key in ${var} is not ASCII")))?;
                value.set_sensitive(true);
                Some(value)
            }
        };
        let service = format!("the chat completions API at {base}");
        Ok(OpenAi {
            http: service::client(config, service, hint)?,
            endpoint: format!("{base}/chat/completions"),
            model,
            authorization,
            max_tokens: config.settings.max_tokens,
        })
    }
}

impl Agent for OpenAi {
    fn identity(&self) -> String {
        format!("openai:{}", self.model)
    }

    fn convert(&self, request: &Request, interrupt: &Interrupt) -> Result<Reply, AgentError> {
        let body = Body {
            model: &self.model,
            messages: [
                Message { role: "system", content: &request.system },
                Message { role: "user", content: &request.prompt },
            ],
            max_tokens: self.max_tokens,
        };
        let body = serde_json::to_vec(&body).expect("a struct of strings and numbers");
        let answer = self
            .http
            .send_interruptible(interrupt, |client| {
                let post = client
                    .post(&self.endpoint)
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
                Ok(match &self.authorization {
                    Some(value) => post.header(AUTHORIZATION, value.clone()),
                    None => post,
                })
            })
            .map_err(service::failed)?;
        parse(self.http.service(), &answer, request, self.max_tokens)
    }
}

/// The reply in a chat completions answer: its first choice.
fn parse(
    service: &str,
    body: &[u8],
    request: &Request,
    max_tokens: u32,
) -> Result<Reply, AgentError> {
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| service::not_the_shape(service, "a chat completion", e, request, body))?;
    let choice = answer.choices.into_iter().next();
    let text = choice.as_ref().and_then(|c| c.message.as_ref()?.content.clone());
    let (usage, estimated) = match &answer.usage {
        Some(u) => {
            (Usage { input_tokens: u.prompt_tokens, output_tokens: u.completion_tokens }, false)
        }
        None => (service::estimate(request, text.as_deref().unwrap_or_default()), true),
    };
    let finish = choice.as_ref().and_then(|c| c.finish_reason.as_deref());
    let cut_off = (finish == Some("length")).then_some(max_tokens);
    let Some(text) = text else {
        if cut_off.is_some() {
            return checked(service, String::new(), usage, estimated, cut_off);
        }
        let message = match choice {
            None => format!("{service}: the answer has no choices"),
            Some(_) => format!(
                "{service}: the answer's message has no content (finish_reason: {})",
                finish.unwrap_or("none")
            ),
        };
        return Err(AgentError::Malformed { message, usage });
    };
    checked(service, text, usage, estimated, cut_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request { object: "o".into(), system: "rules".into(), prompt: "convert".into() }
    }

    #[test]
    fn the_first_choice_is_the_answer() {
        let body = br#"{"choices":[{"index":0,"message":{"role":"assistant",
            "content":"SELECT 1;"},"finish_reason":"stop"}],
            "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"#;
        let reply = parse("o", body, &request(), 10).unwrap();
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(reply.usage, Usage { input_tokens: 12, output_tokens: 3 });
    }

    #[test]
    fn no_choices_or_no_content_is_malformed() {
        let none = parse(
            "o",
            br#"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":0}}"#,
            &request(),
            10,
        );
        let (message, _) = match none {
            Err(AgentError::Malformed { message, usage }) => (message, usage),
            other => panic!("{other:?}"),
        };
        assert!(message.contains("no choices"), "{message}");
        let refused =
            br#"{"choices":[{"message":{"content":null,"refusal":"no"},"finish_reason":"stop"}]}"#;
        let err = parse("o", refused, &request(), 10).unwrap_err();
        assert!(err.to_string().contains("no content (finish_reason: stop)"), "{err}");
    }
}
