//! The one shape of every failed request: a status and
//! `{"error": "what is wrong"}`, worded for the person reading the client's
//! log.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::knowledge::search::SearchError;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.message });
        (self.status, Json(body)).into_response()
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        let status = match &e {
            SearchError::Invalid(_) | SearchError::Ambiguous { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            SearchError::NotFound(_) => StatusCode::NOT_FOUND,
            // The server is up; what it serves is not ready yet.
            SearchError::Missing(_)
            | SearchError::NoEmbeddings(_)
            | SearchError::OtherEmbedder { .. } => StatusCode::SERVICE_UNAVAILABLE,
            SearchError::Embed(_) => StatusCode::BAD_GATEWAY,
            SearchError::Store { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError::new(status, e.to_string())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> ApiError {
        match e {
            JsonRejection::MissingJsonContentType(_) => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON: send `Content-Type: application/json`",
            ),
            JsonRejection::JsonSyntaxError(e) => {
                ApiError::new(StatusCode::BAD_REQUEST, format!("malformed JSON: {}", source(&e)))
            }
            JsonRejection::JsonDataError(e) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("unexpected request body: {}", source(&e)),
            ),
            other => ApiError::new(other.status(), other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, format!("bad query string: {}", source(&e)))
    }
}

/// The innermost cause of a rejection: serde's own words (`missing field
/// `query` at line 1 column 2`) without axum's preamble.
fn source(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}
