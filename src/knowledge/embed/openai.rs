//! The `openai` provider: any server that speaks OpenAI's embeddings API
//! (`POST {url}/embeddings`), which OpenAI, Ollama, vLLM and LiteLLM all do.
//!
//! Texts go `batch_size` to a request. `dimensions` is always sent: OpenAI's
//! `text-embedding-3` models shorten their vectors to it; a model that
//! cannot, or a server that ignores it, answers with vectors of another
//! length, which is reported rather than stored. The API key is sent only
//! when its environment variable is set, since local servers want none.
//!
//! See <https://platform.openai.com/docs/api-reference/embeddings/create>.

use std::time::Duration;

use reqwest::header::ACCEPT;
use serde::{Deserialize, Serialize};

use super::http::{in_parallel, Backoff, Http, Progress};
use super::{normalise, truncate, Config, EmbedError, Embedder, TABLE};

/// An OpenAI-compatible embeddings endpoint.
pub struct OpenAi {
    http: Http,
    endpoint: String,
    /// The server's name for the model.
    api_model: String,
    /// `openai:<api_model>`, for the cache.
    model: String,
    dimensions: usize,
    /// Never printed: `OpenAi` has no `Debug` for that reason.
    api_key: Option<String>,
    batch_size: usize,
    concurrency: usize,
    max_input_chars: usize,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: Vec<&'a str>,
    dimensions: usize,
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    index: usize,
    embedding: Vec<f32>,
}

impl OpenAi {
    /// Reads the URL, the model and the API key; sends nothing.
    pub fn new(config: &Config) -> Result<OpenAi, EmbedError> {
        let settings = &config.settings;
        let base = settings.url.as_deref().map(str::trim).unwrap_or_default();
        if base.is_empty() {
            return Err(EmbedError::Config(
                "[knowledge.embedding] provider = \"openai\" needs `url`, the API's base URL up \
                 to and including /v1 (https://api.openai.com/v1; http://localhost:11434/v1 \
                 for Ollama)"
                    .to_owned(),
            ));
        }
        // The base URL (`.../v1`) or the endpoint itself (`.../v1/embeddings`).
        let base = base.trim_end_matches('/');
        let base = base.strip_suffix("/embeddings").unwrap_or(base);
        reqwest::Url::parse(base).map_err(|e| {
            EmbedError::Config(format!("[knowledge.embedding] url = {base:?} is not a URL: {e}"))
        })?;
        // Only the manifest's own [knowledge.embedding] model: the shared
        // knowledge.embedding_model names a Bedrock model.
        let model = settings.model.clone().ok_or_else(|| {
            EmbedError::Config(
                "[knowledge.embedding] provider = \"openai\" needs `model`, the server's name for \
                 the embedding model (text-embedding-3-small, nomic-embed-text, ...)"
                    .to_owned(),
            )
        })?;
        let key_var = &settings.api_key_env;
        let api_key = std::env::var(key_var).ok().filter(|k| !k.trim().is_empty());
        let hint = match api_key {
            Some(_) => {
                format!("check the API key in ${key_var} ([knowledge.embedding] api_key_env)")
            }
            None => format!(
                "no key was sent: set ${key_var} to the API key ([knowledge.embedding] api_key_env)"
            ),
        };
        let service = format!("the embeddings API at {base}");
        let timeout = Duration::from_secs(settings.timeout_seconds);
        Ok(OpenAi {
            http: Http::new(TABLE, service, timeout, settings.max_retries, hint)?,
            endpoint: format!("{base}/embeddings"),
            model: format!("openai:{model}"),
            api_model: model,
            dimensions: config.dimensions,
            api_key,
            batch_size: settings.batch_size,
            concurrency: settings.concurrency,
            max_input_chars: settings.max_input_chars,
        })
    }

    /// The same provider waiting `backoff` between attempts.
    pub fn with_backoff(mut self, backoff: Backoff) -> OpenAi {
        self.http.backoff = backoff;
        self
    }

    fn embed_batch(&self, batch: &[String]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let request = Request {
            model: &self.api_model,
            input: batch.iter().map(|t| truncate(t, self.max_input_chars)).collect(),
            dimensions: self.dimensions,
        };
        let body = self.http.send(|client| {
            let post =
                client.post(&self.endpoint).header(ACCEPT, "application/json").json(&request);
            Ok(match &self.api_key {
                Some(key) => post.bearer_auth(key),
                None => post,
            })
        })?;
        parse(&body, batch.len(), self.dimensions, self.http.service())
    }
}

/// The vectors of one response, in the order of the texts sent: the API
/// numbers them with `index`, and nothing promises they come in order.
fn parse(
    body: &[u8],
    texts: usize,
    dimensions: usize,
    service: &str,
) -> Result<Vec<Vec<f32>>, EmbedError> {
    let request_error =
        |detail: String| EmbedError::Request { service: service.to_owned(), detail };
    let response: Response = serde_json::from_slice(body).map_err(|e| {
        request_error(format!("the answer is not an embeddings response ({e}): {}", start(body)))
    })?;
    if response.data.len() != texts {
        return Err(request_error(format!(
            "{} embeddings came back for {texts} texts",
            response.data.len()
        )));
    }
    let mut vectors: Vec<Option<Vec<f32>>> = vec![None; texts];
    for item in response.data {
        let got = item.embedding.len();
        if got != dimensions {
            return Err(EmbedError::Dimensions {
                service: service.to_owned(),
                expected: dimensions,
                got,
            });
        }
        let Some(slot) = vectors.get_mut(item.index) else {
            return Err(request_error(format!("index {} came back for {texts} texts", item.index)));
        };
        if slot.is_some() {
            return Err(request_error(format!("index {} came back twice", item.index)));
        }
        *slot = Some(item.embedding);
    }
    Ok(vectors
        .into_iter()
        .map(|v| {
            let mut v = v.expect("as many distinct indexes as texts");
            normalise(&mut v);
            v
        })
        .collect())
}

/// The start of a body, for an error message.
fn start(body: &[u8]) -> String {
    truncate(String::from_utf8_lossy(body).trim(), 200).to_owned()
}

impl Embedder for OpenAi {
    fn model(&self) -> &str {
        &self.model
    }

    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let batches: Vec<&[String]> = texts.chunks(self.batch_size).collect();
        let done = Progress::new(progress, self.batch_size, texts.len());
        let vectors = in_parallel(&batches, self.concurrency, |batch| {
            let vectors = self.embed_batch(batch)?;
            done.add(batch.len());
            Ok(vectors)
        })?;
        Ok(vectors.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str, texts: usize, dims: usize) -> Result<Vec<Vec<f32>>, EmbedError> {
        parse(body.as_bytes(), texts, dims, "api")
    }

    #[test]
    fn the_request_names_model_inputs_and_dimensions() {
        let request =
            Request { model: "text-embedding-3-small", input: vec!["a", "b"], dimensions: 512 };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({
                "model": "text-embedding-3-small", "input": ["a", "b"], "dimensions": 512
            })
        );
    }

    #[test]
    fn vectors_are_ordered_by_index_and_normalised() {
        let body = r#"{"object":"list","data":[
            {"object":"embedding","index":1,"embedding":[0.0,2.0]},
            {"object":"embedding","index":0,"embedding":[3.0,4.0]}],
            "model":"m","usage":{"prompt_tokens":2,"total_tokens":2}}"#;
        assert_eq!(parsed(body, 2, 2).unwrap(), [vec![0.6, 0.8], vec![0.0, 1.0]]);
    }

    #[test]
    fn a_vector_of_another_length_is_a_dimensions_error() {
        let body = r#"{"data":[{"index":0,"embedding":[1.0,0.0,0.0]}]}"#;
        match parsed(body, 1, 2) {
            Err(EmbedError::Dimensions { expected: 2, got: 3, .. }) => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn missing_repeated_or_stray_indexes_are_refused() {
        let one = r#"{"data":[{"index":0,"embedding":[1.0]}]}"#;
        assert!(parsed(one, 2, 1)
            .unwrap_err()
            .to_string()
            .contains("1 embeddings came back for 2"));
        let twice = r#"{"data":[{"index":0,"embedding":[1.0]},{"index":0,"embedding":[1.0]}]}"#;
        assert!(parsed(twice, 2, 1).unwrap_err().to_string().contains("index 0 came back twice"));
        let stray = r#"{"data":[{"index":0,"embedding":[1.0]},{"index":5,"embedding":[1.0]}]}"#;
        assert!(parsed(stray, 2, 1).unwrap_err().to_string().contains("index 5"));
    }

    #[test]
    fn a_body_without_embeddings_is_a_request_error_that_quotes_it() {
        let err = parsed(r#"{"object":"list"}"#, 1, 2).unwrap_err();
        assert!(matches!(err, EmbedError::Request { .. }), "{err:?}");
        assert!(err.to_string().contains(r#"{"object":"list"}"#), "{err}");
        assert!(matches!(parsed("<html>", 1, 2), Err(EmbedError::Request { .. })));
    }
}
