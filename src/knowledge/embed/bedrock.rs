//! The `bedrock` provider: Amazon Titan Text Embeddings v2 through the
//! Bedrock Runtime `InvokeModel` API, one text per request, signed with
//! SigV4 (the `aws` module says where the credentials come from).
//!
//! The request body is Titan v2's, so another model id works only if it
//! names Titan v2 too (an inference profile or an ARN for it); Cohere's
//! and Titan v1's bodies differ and are not spoken here.
//!
//! See <https://docs.aws.amazon.com/bedrock/latest/userguide/titan-embedding-models.html>
//! and <https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html>.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::aws::{escape_path_label, Signer};
use super::http::{in_parallel, Backoff, Http, Progress};
use super::{normalise, truncate, Config, EmbedError, Embedder, TABLE};

/// The model used when neither `[knowledge.embedding] model` nor
/// `knowledge.embedding_model` names one.
pub const TITAN_V2: &str = "amazon.titan-embed-text-v2:0";

/// The only vector lengths Titan v2 makes.
pub const TITAN_V2_DIMENSIONS: [usize; 3] = [256, 512, 1024];

/// Headers sent and signed with every request.
const HEADERS: [(&str, &str); 2] =
    [("accept", "application/json"), ("content-type", "application/json")];

/// Titan Text Embeddings v2 in one region.
pub struct Bedrock {
    http: Http,
    signer: Signer,
    invoke_url: String,
    cache_model: String,
    dimensions: usize,
    batch_size: usize,
    concurrency: usize,
    max_input_chars: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Request<'a> {
    input_text: &'a str,
    dimensions: usize,
    normalize: bool,
}

#[derive(Deserialize)]
struct Response {
    embedding: Vec<f32>,
}

impl Bedrock {
    /// Checks the region and dimensions; credentials are looked up with the
    /// first request.
    pub fn new(config: &Config) -> Result<Bedrock, EmbedError> {
        let settings = &config.settings;
        let region = region(config)?;
        if !TITAN_V2_DIMENSIONS.contains(&config.dimensions) {
            return Err(EmbedError::Config(format!(
                "knowledge.embedding_dimensions = {}: Titan Text Embeddings v2 makes vectors of \
                 256, 512 or 1024 dimensions; set one of them",
                config.dimensions
            )));
        }
        let model = config.model.clone().unwrap_or_else(|| TITAN_V2.to_owned());
        let endpoint = match settings.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("https://bedrock-runtime.{region}.amazonaws.com"),
        };
        let invoke_url = format!("{endpoint}/model/{}/invoke", escape_path_label(&model));
        reqwest::Url::parse(&invoke_url).map_err(|e| {
            EmbedError::Config(format!(
                "[knowledge.embedding] url = {endpoint:?} is not a URL: {e}"
            ))
        })?;
        let service = match &settings.url {
            Some(_) => format!("Bedrock ({region}, {endpoint})"),
            None => format!("Bedrock ({region})"),
        };
        let hint = format!(
            "check which AWS credentials are in use (AWS_PROFILE, AWS_ACCESS_KEY_ID) and that \
             they may call bedrock:InvokeModel on {model} in {region}, with access to the model \
             granted in the Bedrock console"
        );
        let timeout = Duration::from_secs(settings.timeout_seconds);
        Ok(Bedrock {
            http: Http::new(TABLE, service, timeout, settings.max_retries, hint)?,
            signer: Signer::from_default_chain("bedrock", &region),
            invoke_url,
            cache_model: format!("bedrock:{model}"),
            dimensions: config.dimensions,
            batch_size: settings.batch_size,
            concurrency: settings.concurrency,
            max_input_chars: settings.max_input_chars,
        })
    }

    /// The same provider waiting `backoff` between attempts.
    pub fn with_backoff(mut self, backoff: Backoff) -> Bedrock {
        self.http.backoff = backoff;
        self
    }

    fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        let input_text = truncate(text, self.max_input_chars);
        let request = Request { input_text, dimensions: self.dimensions, normalize: true };
        let body = serde_json::to_vec(&request).expect("a struct of strings and numbers");
        let reply = self.http.send(|client| {
            self.signer.post(client, &self.invoke_url, &HEADERS, &body, SystemTime::now())
        })?;
        parse(&reply, self.dimensions, self.http.service())
    }
}

/// `[knowledge.embedding] region`, or else `aws.region`.
fn region(config: &Config) -> Result<String, EmbedError> {
    let region = config.region.as_deref().map(str::trim).unwrap_or_default();
    if region.is_empty() {
        return Err(EmbedError::Config(
            "provider = \"bedrock\" needs a region: set aws.region, or [knowledge.embedding] \
             region (us-east-1, eu-west-1, ...)"
                .to_owned(),
        ));
    }
    if !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(EmbedError::Config(format!(
            "region {region:?} is not an AWS region name (us-east-1, eu-west-1, ...)"
        )));
    }
    Ok(region.to_owned())
}

/// The vector of one `InvokeModel` response body.
fn parse(body: &[u8], dimensions: usize, service: &str) -> Result<Vec<f32>, EmbedError> {
    let response: Response = serde_json::from_slice(body).map_err(|e| EmbedError::Request {
        service: service.to_owned(),
        detail: format!(
            "the answer is not a Titan embedding ({e}): {}",
            truncate(String::from_utf8_lossy(body).trim(), 200)
        ),
    })?;
    let mut vector = response.embedding;
    if vector.len() != dimensions {
        return Err(EmbedError::Dimensions {
            service: service.to_owned(),
            expected: dimensions,
            got: vector.len(),
        });
    }
    // Titan normalises already; this makes it so whatever answers.
    normalise(&mut vector);
    Ok(vector)
}

impl Embedder for Bedrock {
    fn model(&self) -> &str {
        &self.cache_model
    }

    fn dimensions(&self) -> usize {
        self.dimensions
    }

    fn embed(
        &self,
        texts: &[String],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<f32>>, EmbedError> {
        let done = Progress::new(progress, self.batch_size, texts.len());
        in_parallel(texts, self.concurrency, |text| {
            let vector = self.embed_one(text)?;
            done.add(1);
            Ok(vector)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::embed::Settings;

    fn config(dimensions: usize, region: Option<&str>, url: Option<&str>) -> Config {
        let settings = Settings { url: url.map(str::to_owned), ..Settings::default() };
        Config { settings, dimensions, model: None, region: region.map(str::to_owned) }
    }

    #[test]
    fn the_model_id_is_escaped_in_the_invoke_url() {
        let b = Bedrock::new(&config(1024, Some("eu-west-1"), None)).unwrap();
        let host = "https://bedrock-runtime.eu-west-1.amazonaws.com";
        assert_eq!(b.invoke_url, format!("{host}/model/amazon.titan-embed-text-v2%3A0/invoke"));
        assert_eq!(b.model(), "bedrock:amazon.titan-embed-text-v2:0");
        let arn = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.titan";
        let escaped = escape_path_label(arn);
        assert_eq!(
            escaped,
            "arn%3Aaws%3Abedrock%3Aeu-west-1%3A123456789012%3Ainference-profile%2Feu.titan"
        );
    }

    #[test]
    fn a_url_replaces_the_regions_endpoint() {
        let url = "https://vpce-0abc.bedrock-runtime.eu-west-1.vpce.amazonaws.com";
        let b = Bedrock::new(&config(512, Some("eu-west-1"), Some(&format!("{url}/")))).unwrap();
        assert_eq!(b.invoke_url, format!("{url}/model/amazon.titan-embed-text-v2%3A0/invoke"));
    }

    #[test]
    fn the_body_is_titans() {
        let request = Request { input_text: "hello", dimensions: 256, normalize: true };
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            serde_json::json!({"inputText": "hello", "dimensions": 256, "normalize": true})
        );
    }

    #[test]
    fn dimensions_titan_cannot_make_are_refused() {
        let err = Bedrock::new(&config(300, Some("us-east-1"), None)).err().unwrap();
        assert!(matches!(err, EmbedError::Config(_)));
        assert!(err.to_string().contains("256, 512 or 1024"), "{err}");
    }

    #[test]
    fn a_missing_region_names_both_keys() {
        let err = Bedrock::new(&config(1024, None, None)).err().unwrap();
        let text = err.to_string();
        assert!(
            text.contains("aws.region") && text.contains("[knowledge.embedding] region"),
            "{text}"
        );
        assert!(Bedrock::new(&config(1024, Some("eu west"), None)).is_err());
    }

    #[test]
    fn responses_are_read_checked_and_normalised() {
        let body = br#"{"embedding":[3.0,4.0],"inputTextTokenCount":2}"#;
        assert_eq!(parse(body, 2, "b").unwrap(), [0.6, 0.8]);
        assert!(matches!(
            parse(body, 3, "b"),
            Err(EmbedError::Dimensions { expected: 3, got: 2, .. })
        ));
        let err = parse(br#"{"inputTextTokenCount":2}"#, 2, "b").unwrap_err();
        assert!(matches!(err, EmbedError::Request { .. }));
        assert!(err.to_string().contains("inputTextTokenCount"), "{err}");
    }
}
