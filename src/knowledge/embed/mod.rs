//! Embeddings: text to fixed-size vectors, for search by meaning.
//!
//! Every provider implements [`Embedder`]; [`Config::from_manifest`] reads
//! the `[knowledge.embedding]` table and [`Config::embedder`] builds the one
//! it names:
//!
//! - `offline` (the default): [`offline::Offline`], feature hashing of the
//!   words and identifiers of a text. No service, no download, the same
//!   vector on every machine. It finds texts that share words with the
//!   question; it knows no synonyms and no other language.
//! - `bedrock`: Amazon Titan Text Embeddings v2, signed with SigV4.
//! - `openai`: any OpenAI-compatible `/v1/embeddings` endpoint (OpenAI,
//!   Ollama, vLLM, LiteLLM).
//!
//! Vectors are L2-normalised, so cosine similarity is their dot product.

use serde::Deserialize;

pub(crate) mod aws;
pub mod bedrock;
pub(crate) mod http;
pub mod offline;
pub mod openai;
pub mod store;

pub use http::Backoff;

/// The manifest table of these settings, as errors name it.
const TABLE: &str = "[knowledge.embedding]";

/// Turns texts into vectors of [`Embedder::dimensions`] floats.
pub trait Embedder: Send + Sync {
    /// Names the model for the embedding cache, provider included
    /// (`offline:hash-v1`, `bedrock:amazon.titan-embed-text-v2:0`): vectors
    /// of two models are never mixed.
    fn model(&self) -> &str;

    /// Length of every vector returned.
    fn dimensions(&self) -> usize;

    /// One vector per text, in order. `progress` is called with the number
    /// of texts done so far, from any thread.
    fn embed(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError>;
}

/// Why texts could not be embedded.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// The manifest asks for something no provider does.
    #[error("{0}")]
    Config(String),
    /// The service refused the credentials (HTTP 401 or 403).
    #[error("{service} refused the credentials: {detail}")]
    Credentials { service: String, detail: String },
    /// The service answered with vectors of another length.
    #[error("{service} returned vectors of {got} dimensions; the manifest asks for {expected} (knowledge.embedding_dimensions)")]
    Dimensions { service: String, expected: usize, got: usize },
    /// A request failed for good (after its retries, or a 4xx that a retry cannot fix).
    #[error("{service}: {detail}")]
    Request { service: String, detail: String },
}

/// Which provider, as `provider = "..."` names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    #[default]
    Offline,
    Bedrock,
    Openai,
}

/// The `[knowledge.embedding]` table. Unknown keys are refused.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub provider: ProviderKind,
    /// The model. `bedrock` defaults to `knowledge.embedding_model`;
    /// `openai` needs it here (the server's name for it). The offline
    /// provider has one model.
    pub model: Option<String>,
    /// `openai`: the API's base URL (`.../v1`) or its embeddings endpoint.
    /// `bedrock`: an endpoint in place of the region's (a VPC endpoint).
    pub url: Option<String>,
    /// `bedrock`: the region; defaults to `aws.region`.
    pub region: Option<String>,
    /// `openai`: the environment variable holding the API key (none sent
    /// when it is unset, as local servers expect).
    pub api_key_env: String,
    /// Texts per request (`openai`) and per progress step.
    pub batch_size: usize,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Retries of a request after throttling, a server error or a lost
    /// connection, with exponential backoff.
    pub max_retries: u32,
    /// Seconds one request may take.
    pub timeout_seconds: u64,
    /// Texts longer than this many characters are cut (Titan v2 takes at
    /// most 8,192 tokens, about 50,000 characters).
    pub max_input_chars: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            provider: ProviderKind::Offline,
            model: None,
            url: None,
            region: None,
            api_key_env: "OPENAI_API_KEY".to_owned(),
            batch_size: 32,
            concurrency: 4,
            max_retries: 5,
            timeout_seconds: 60,
            max_input_chars: 20_000,
        }
    }
}

/// Everything a provider needs: the settings with the manifest's defaults
/// filled in.
#[derive(Debug, Clone)]
pub struct Config {
    pub settings: Settings,
    pub dimensions: usize,
    /// `settings.model`, or else `knowledge.embedding_model`.
    pub model: Option<String>,
    /// `settings.region`, or else `aws.region`.
    pub region: Option<String>,
}

impl Config {
    /// Reads `[knowledge.embedding]`, `knowledge.embedding_dimensions`,
    /// `knowledge.embedding_model` and `aws.region` from the manifest's
    /// top-level tables. `param` looks a dotted key up.
    pub fn from_manifest<'a>(
        param: impl Fn(&str) -> Option<&'a toml::Value>,
    ) -> Result<Config, EmbedError> {
        let settings = match param("knowledge.embedding") {
            None => Settings::default(),
            Some(value) => value
                .clone()
                .try_into::<Settings>()
                .map_err(|e| EmbedError::Config(format!("the [knowledge.embedding] table: {e}")))?,
        };
        let dimensions = match param("knowledge.embedding_dimensions") {
            None => 1024,
            Some(v) => {
                v.as_integer().and_then(|d| usize::try_from(d).ok()).filter(|&d| d > 0).ok_or_else(
                    || {
                        EmbedError::Config(format!(
                            "knowledge.embedding_dimensions = {v}: must be a positive integer"
                        ))
                    },
                )?
            }
        };
        if settings.batch_size == 0 || settings.concurrency == 0 || settings.max_input_chars == 0 {
            return Err(EmbedError::Config(
                "[knowledge.embedding]: batch_size, concurrency and max_input_chars must be positive"
                    .to_owned(),
            ));
        }
        let text = |key: &str| param(key).and_then(toml::Value::as_str).map(str::to_owned);
        let model = settings.model.clone().or_else(|| text("knowledge.embedding_model"));
        let region = settings.region.clone().or_else(|| text("aws.region"));
        Ok(Config { settings, dimensions, model, region })
    }

    /// The provider the settings name.
    pub fn embedder(&self) -> Result<Box<dyn Embedder>, EmbedError> {
        match self.settings.provider {
            ProviderKind::Offline => Ok(Box::new(offline::Offline::new(self.dimensions))),
            ProviderKind::Bedrock => Ok(Box::new(bedrock::Bedrock::new(self)?)),
            ProviderKind::Openai => Ok(Box::new(openai::OpenAi::new(self)?)),
        }
    }
}

/// `text` cut to at most `max_chars` characters, on a character boundary.
pub fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Scales `v` to unit length; a zero vector stays zero.
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}
