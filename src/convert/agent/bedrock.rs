//! The `bedrock` agent: Amazon Bedrock's Converse API, which speaks one
//! shape for every chat model Bedrock hosts (Claude, Llama, Mistral, Nova),
//! signed with SigV4. Credentials come from the AWS default chain, as for
//! the embeddings (`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, SSO, roles), looked
//! up with the first request.
//!
//! See <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html>.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::service;
use super::{checked, Agent, AgentError, Config, ConfigError, Reply, Request, Usage};
use crate::knowledge::embed::aws::{escape_path_label, Signer};
use crate::knowledge::embed::http::Http;
use crate::runner::Interrupt;

/// Headers sent and signed with every request.
const HEADERS: [(&str, &str); 2] =
    [("accept", "application/json"), ("content-type", "application/json")];

/// One model through the Converse API in one region.
pub struct Bedrock {
    http: Http,
    signer: Signer,
    converse_url: String,
    model: String,
    max_tokens: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    system: [Text<'a>; 1],
    messages: [Message<'a>; 1],
    inference_config: InferenceConfig,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Message<'a> {
    role: &'static str,
    content: [Text<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InferenceConfig {
    max_tokens: u32,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    output: Output,
    stop_reason: Option<String>,
    usage: Option<ApiUsage>,
}

#[derive(Deserialize)]
struct Output {
    message: Option<OutputMessage>,
}

#[derive(Deserialize)]
struct OutputMessage {
    content: Vec<ContentBlock>,
}

/// A content block: text, or another kind (reasoning) with no `text`.
#[derive(Deserialize)]
struct ContentBlock {
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiUsage {
    input_tokens: u64,
    output_tokens: u64,
}

impl Bedrock {
    /// Reads the model and the region; credentials are looked up with the
    /// first request.
    pub fn new(config: &Config) -> Result<Bedrock, ConfigError> {
        let model =
            config.model("anthropic.claude-sonnet-4-5-20250929-v1:0, an inference profile")?;
        let region = region(config)?;
        let default = format!("https://bedrock-runtime.{region}.amazonaws.com");
        let endpoint = service::base_url(config, &default, &[])?;
        let service = match endpoint == default {
            true => format!("Bedrock ({region})"),
            false => format!("Bedrock ({region}, {endpoint})"),
        };
        let hint = format!(
            "check which AWS credentials are in use (AWS_PROFILE, AWS_ACCESS_KEY_ID) and that \
             they may call bedrock:InvokeModel on {model} in {region}, with access to the model \
             granted in the Bedrock console"
        );
        Ok(Bedrock {
            http: service::client(config, service, hint)?,
            signer: Signer::from_default_chain("bedrock", &region),
            converse_url: format!("{endpoint}/model/{}/converse", escape_path_label(model)),
            model: model.to_owned(),
            max_tokens: config.settings.max_tokens,
        })
    }
}

/// `aws.region`, checked to look like one.
pub(super) fn region(config: &Config) -> Result<String, ConfigError> {
    let region = config.region.as_deref().map(str::trim).unwrap_or_default();
    if region.is_empty() {
        return Err(ConfigError(
            "[convert.agent] provider = \"bedrock\" needs a region: set aws.region (us-east-1, \
             eu-west-1, ...)"
                .to_owned(),
        ));
    }
    if !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(ConfigError(format!(
            "aws.region = {region:?}: expected an AWS region name (us-east-1, eu-west-1, ...)"
        )));
    }
    Ok(region.to_owned())
}

impl Agent for Bedrock {
    fn identity(&self) -> String {
        format!("bedrock:{}", self.model)
    }

    fn convert(&self, request: &Request, interrupt: &Interrupt) -> Result<Reply, AgentError> {
        let body = Body {
            system: [Text { text: &request.system }],
            messages: [Message { role: "user", content: [Text { text: &request.prompt }] }],
            inference_config: InferenceConfig { max_tokens: self.max_tokens },
        };
        let body = serde_json::to_vec(&body).expect("a struct of strings and numbers");
        let answer = self
            .http
            .send_interruptible(interrupt, |client| {
                self.signer.post(client, &self.converse_url, &HEADERS, &body, SystemTime::now())
            })
            .map_err(service::failed)?;
        parse(self.http.service(), &answer, request, self.max_tokens)
    }
}

/// The reply in a Converse answer.
fn parse(
    service: &str,
    body: &[u8],
    request: &Request,
    max_tokens: u32,
) -> Result<Reply, AgentError> {
    let answer: Answer = serde_json::from_slice(body)
        .map_err(|e| service::not_the_shape(service, "a Converse reply", e, request, body))?;
    let blocks = answer.output.message.map(|m| m.content).unwrap_or_default();
    let texts: Vec<String> = blocks.into_iter().filter_map(|b| b.text).collect();
    let text = texts.concat();
    let (usage, estimated) = match &answer.usage {
        Some(u) => (Usage { input_tokens: u.input_tokens, output_tokens: u.output_tokens }, false),
        None => (service::estimate(request, &text), true),
    };
    let stop = answer.stop_reason.as_deref();
    let cut_off = (stop == Some("max_tokens")).then_some(max_tokens);
    if texts.is_empty() && cut_off.is_none() {
        let message = format!(
            "{service}: the answer has no text block (stopReason: {})",
            stop.unwrap_or("none")
        );
        return Err(AgentError::Malformed { message, usage });
    }
    checked(service, text, usage, estimated, cut_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_converses() {
        let body = Body {
            system: [Text { text: "rules" }],
            messages: [Message { role: "user", content: [Text { text: "convert" }] }],
            inference_config: InferenceConfig { max_tokens: 64 },
        };
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"system": [{"text": "rules"}],
                "messages": [{"role": "user", "content": [{"text": "convert"}]}],
                "inferenceConfig": {"maxTokens": 64}})
        );
    }

    #[test]
    fn reasoning_blocks_are_passed_over() {
        let body = br#"{"output":{"message":{"role":"assistant","content":[
            {"reasoningContent":{"reasoningText":{"text":"hm"}}},{"text":"SELECT 1;"}]}},
            "stopReason":"end_turn","usage":{"inputTokens":7,"outputTokens":2,"totalTokens":9}}"#;
        let request = Request { object: "o".into(), system: "s".into(), prompt: "p".into() };
        let reply = parse("b", body, &request, 64).unwrap();
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(reply.usage, Usage { input_tokens: 7, output_tokens: 2 });
    }
}
