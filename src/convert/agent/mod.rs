//! The AI agents of the `convert-complex` stage: one PL/SQL object in, its
//! PostgreSQL conversion out.
//!
//! Every agent implements [`Agent`]; [`Config::from_manifest`] reads the
//! `[convert.agent]` table and [`Config::agent`] builds the one it names:
//!
//! - `none` (the default): no agent; the stage has nothing to call.
//! - `command`: a program of the user's ([`command`]), prompt on stdin,
//!   SQL on stdout.
//! - `anthropic`: Anthropic's Messages API ([`anthropic`]).
//! - `openai`: any OpenAI-compatible chat completions API ([`openai`]).
//! - `bedrock`: Amazon Bedrock's Converse API, signed with SigV4
//!   ([`bedrock`]).
//!
//! An agent makes one attempt at one object: it retries throttling and
//! server trouble, but the prompt, batches, checkpoints, the token budget
//! and the repair of SQL that fails to apply belong to the stage. An answer
//! is accepted only when [`extract_sql`] finds SQL in it; anything else is
//! [`AgentError::Malformed`], with the tokens it cost.

use serde::{Deserialize, Serialize};

pub mod anthropic;
pub mod bedrock;
pub mod command;
mod extract;
pub mod openai;
mod service;
mod settings;

pub use crate::knowledge::embed::Backoff;
pub use extract::extract_sql;
pub use settings::{Config, ConfigError, Provider, Settings};

/// One object to convert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The object's name, for errors and for a command's `PIPELINE_OBJECT`.
    pub object: String,
    /// The system prompt: the rules of the conversion.
    pub system: String,
    /// The user prompt: the object's source and its context.
    pub prompt: String,
}

/// Tokens one answer cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.input_tokens + self.output_tokens
    }

    /// A guess from sizes when the agent reports nothing: about four bytes
    /// to a token for code and English, rounded up.
    pub fn estimate(input: &str, output: &str) -> Usage {
        let tokens = |text: &str| (text.len() as u64).div_ceil(4);
        Usage { input_tokens: tokens(input), output_tokens: tokens(output) }
    }
}

/// An agent's answer, checked to hold SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The whole answer; [`extract_sql`] takes the SQL out of it.
    pub text: String,
    pub usage: Usage,
    /// `usage` is [`Usage::estimate`]'s guess, not the agent's count.
    pub estimated: bool,
}

/// Converts objects. Implementations are called from several threads at
/// once, up to [`Config::concurrency`].
pub trait Agent: Send + Sync {
    /// What results are cached under with the source and template hashes:
    /// provider and model, e.g. `anthropic:claude-sonnet-4-5`,
    /// `command:my-converter`.
    fn identity(&self) -> String;

    /// One attempt at `request`, given up as soon as `interrupt` is set.
    fn convert(
        &self,
        request: &Request,
        interrupt: &crate::runner::Interrupt,
    ) -> Result<Reply, AgentError>;
}

/// Why an agent gave no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    /// The service refused the credentials (HTTP 401 or 403), or there were
    /// none. Never retried: every other object would fail the same way, so
    /// the run should stop.
    #[error("{0}")]
    Credentials(String),
    /// Still throttled or overloaded after the retries.
    #[error("{0}")]
    Throttled(String),
    /// An answer that cannot be used (not the API's shape, cut off at
    /// `max_tokens`, no SQL in it); its tokens were still spent.
    #[error("{message}")]
    Malformed { message: String, usage: Usage },
    /// Anything else: a failed command, a rejected request, a server down
    /// past the retries.
    #[error("{0}")]
    Failed(String),
    /// The interrupt was set; a running command was killed.
    #[error("interrupted")]
    Interrupted,
}

/// The reply for an answer `text`, or Malformed when it was cut off or
/// holds no SQL. `service` names the agent in the message.
fn checked(
    service: &str,
    text: String,
    usage: Usage,
    estimated: bool,
    cut_off: Option<u32>,
) -> Result<Reply, AgentError> {
    if let Some(max_tokens) = cut_off {
        let message = format!(
            "{service}: the answer was cut off at max_tokens = {max_tokens} ([convert.agent] \
             max_tokens); raise it, or split the object"
        );
        return Err(AgentError::Malformed { message, usage });
    }
    match extract_sql(&text) {
        Ok(_) => Ok(Reply { text, usage, estimated }),
        Err(reason) => {
            Err(AgentError::Malformed { message: format!("{service}: {reason}"), usage })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_round_up_to_whole_tokens() {
        assert_eq!(Usage::estimate("", "abcd"), Usage { input_tokens: 0, output_tokens: 1 });
        assert_eq!(Usage::estimate("abcde", "").input_tokens, 2);
        assert_eq!(Usage { input_tokens: 3, output_tokens: 4 }.total(), 7);
    }

    #[test]
    fn answers_cut_off_or_without_sql_are_malformed_and_keep_their_usage() {
        let usage = Usage { input_tokens: 10, output_tokens: 20 };
        let sql = "```sql\nSELECT 1;\n```".to_owned();
        assert!(checked("s", sql.clone(), usage, false, None).is_ok());
        match checked("s", sql, usage, false, Some(64)) {
            Err(AgentError::Malformed { message, usage: u }) => {
                assert!(message.contains("max_tokens = 64"), "{message}");
                assert_eq!(u, usage);
            }
            other => panic!("{other:?}"),
        }
        let prose = checked("s", "I cannot help with that.".to_owned(), usage, false, None);
        assert!(matches!(prose, Err(AgentError::Malformed { usage: u, .. }) if u == usage));
    }
}
