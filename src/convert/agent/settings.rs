//! The `[convert.agent]` table of `pipeline.toml`: which agent converts the
//! complex objects, and how hard it may be pushed.
//!
//! Everything that can be checked without the environment is checked when
//! the manifest is read, so a typo fails the plan rather than the first
//! object; API keys, AWS credentials and the command's program are looked
//! up by [`Config::agent`], when an agent is really needed.

use serde::Deserialize;

use super::{anthropic, bedrock, command, openai, Agent, Backoff};

/// Which agent, as `provider = "..."` names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    None,
    Command,
    Anthropic,
    Openai,
    Bedrock,
}

impl Provider {
    pub(super) fn name(self) -> &'static str {
        match self {
            Provider::None => "none",
            Provider::Command => "command",
            Provider::Anthropic => "anthropic",
            Provider::Openai => "openai",
            Provider::Bedrock => "bedrock",
        }
    }
}

/// The `[convert.agent]` table. Unknown keys are refused.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub provider: Provider,
    /// `command`: the program and its arguments, run without a shell.
    pub command: Vec<String>,
    /// `anthropic`: in place of `https://api.anthropic.com`. `openai`: the
    /// API's base URL (`.../v1`) or its `/chat/completions` endpoint,
    /// OpenAI's by default. `bedrock`: in place of the region's endpoint.
    pub url: Option<String>,
    /// The service's name for the model; needed by every HTTP provider.
    pub model: Option<String>,
    /// The environment variable holding the API key (`ANTHROPIC_API_KEY`,
    /// `OPENAI_API_KEY` by default).
    pub api_key_env: Option<String>,
    /// The longest answer asked for, in tokens. An answer cut off there is
    /// unusable.
    pub max_tokens: u32,
    /// Objects converted at once.
    pub concurrency: usize,
    /// Seconds one object may take: one request, or one run of the command.
    pub timeout_seconds: u64,
    /// Retries of a request after throttling, a server error or a lost
    /// connection, with exponential backoff.
    pub max_retries: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider: Provider::None,
            command: Vec::new(),
            url: None,
            model: None,
            api_key_env: None,
            max_tokens: 8192,
            concurrency: 4,
            timeout_seconds: 300,
            max_retries: 5,
        }
    }
}

/// The manifest asks for an agent that cannot be made; the message names
/// the `[convert.agent]` key and says what it should hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Everything an agent needs: the settings and what they take from the rest
/// of the manifest.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    /// `aws.region`, for `bedrock`.
    pub region: Option<String>,
    /// The waits between retries; not a manifest key.
    pub backoff: Backoff,
}

impl Config {
    /// Reads `[convert.agent]` and `aws.region`; `param` looks a dotted key
    /// up in the manifest.
    pub fn from_manifest<'a>(
        param: impl Fn(&str) -> Option<&'a toml::Value>,
    ) -> Result<Config, ConfigError> {
        let settings = match param("convert.agent") {
            None => Settings::default(),
            Some(value) => value
                .clone()
                .try_into::<Settings>()
                .map_err(|e| ConfigError(crate::convert::table_error("convert.agent", &e)))?,
        };
        let region = param("aws.region").and_then(toml::Value::as_str).map(str::to_owned);
        let config = Config { settings, region, backoff: Backoff::default() };
        config.check()?;
        Ok(config)
    }

    /// The same configuration waiting `backoff` between retries.
    pub fn with_backoff(mut self, backoff: Backoff) -> Config {
        self.backoff = backoff;
        self
    }

    /// The agent the settings name; `None` for `provider = "none"`.
    pub fn agent(&self) -> Result<Option<Box<dyn Agent>>, ConfigError> {
        Ok(Some(match self.settings.provider {
            Provider::None => return Ok(None),
            Provider::Command => Box::new(command::Command::new(self)?),
            Provider::Anthropic => Box::new(anthropic::Anthropic::new(self)?),
            Provider::Openai => Box::new(openai::OpenAi::new(self)?),
            Provider::Bedrock => Box::new(bedrock::Bedrock::new(self)?),
        }))
    }

    /// Objects to convert at once.
    pub fn concurrency(&self) -> usize {
        self.settings.concurrency
    }

    /// `[convert.agent] model`, or an error saying the provider needs it.
    pub(super) fn model(&self, examples: &str) -> Result<&str, ConfigError> {
        let model = self.settings.model.as_deref().map(str::trim).unwrap_or_default();
        if model.is_empty() {
            return Err(ConfigError(format!(
                "[convert.agent] provider = \"{}\" needs `model`, the service's name for the \
                 model ({examples})",
                self.settings.provider.name()
            )));
        }
        Ok(model)
    }

    /// The checks that need nothing but the manifest.
    fn check(&self) -> Result<(), ConfigError> {
        let s = &self.settings;
        for (key, value) in [
            ("max_tokens", u64::from(s.max_tokens)),
            ("concurrency", s.concurrency as u64),
            ("timeout_seconds", s.timeout_seconds),
        ] {
            if value == 0 {
                return Err(ConfigError(format!(
                    "[convert.agent] {key} = 0: expected a positive integer"
                )));
            }
        }
        let provider = s.provider.name();
        let set = |key: &str, present: bool| match present {
            true => Err(ConfigError(format!(
                "[convert.agent] {key} has no use with provider = \"{provider}\"; remove it"
            ))),
            false => Ok(()),
        };
        match s.provider {
            Provider::None => Ok(()),
            Provider::Command => {
                set("url", s.url.is_some())?;
                set("model", s.model.is_some())?;
                set("api_key_env", s.api_key_env.is_some())?;
                command::check(s)
            }
            Provider::Anthropic | Provider::Openai => set("command", !s.command.is_empty()),
            Provider::Bedrock => {
                set("command", !s.command.is_empty())?;
                set("api_key_env", s.api_key_env.is_some())?;
                bedrock::region(self).map(drop)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(toml: &str) -> Result<Config, ConfigError> {
        let doc: toml::Value = toml::from_str(toml).unwrap();
        Config::from_manifest(|key| key.split('.').try_fold(&doc, |table, k| table.get(k)))
    }

    #[test]
    fn without_the_table_there_is_no_agent() {
        let config = config("[convert]\n").unwrap();
        assert_eq!(config.settings, Settings::default());
        assert!(config.agent().unwrap().is_none());
        assert_eq!(config.concurrency(), 4);
    }

    #[test]
    fn zero_limits_are_refused_by_name() {
        let err = config("[convert.agent]\nconcurrency = 0").unwrap_err();
        assert_eq!(err.0, "[convert.agent] concurrency = 0: expected a positive integer");
    }

    #[test]
    fn keys_another_provider_uses_are_refused() {
        let err =
            config("[convert.agent]\nprovider = \"command\"\ncommand = [\"x\"]\nmodel = \"m\"")
                .unwrap_err();
        assert_eq!(
            err.0,
            "[convert.agent] model has no use with provider = \"command\"; remove it"
        );
        let err =
            config("[convert.agent]\nprovider = \"anthropic\"\ncommand = [\"x\"]").unwrap_err();
        assert!(err.0.contains("[convert.agent] command"), "{err}");
    }
}
