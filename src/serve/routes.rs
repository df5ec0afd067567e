//! The routes and their handlers. Each handler checks what it was sent,
//! hands the question to the backend on the blocking pool, and returns the
//! backend's answer as JSON; the backend checks ranges and names, so the
//! API and the command line refuse the same things in the same words.

use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ApiError;
use crate::knowledge::search::{
    Backend, Direction, SearchQuery, DEFAULT_DEPTH, DEFAULT_LIMIT, DEFAULT_RULES_LIMIT,
    DEFAULT_THRESHOLD,
};

type Shared = Arc<dyn Backend>;
type Answer = Result<Json<Value>, ApiError>;

/// Every route: method, path as OpenAPI writes it, handler.
fn table() -> Vec<(Method, &'static str, MethodRouter<Shared>)> {
    vec![
        (Method::POST, "/search", post(search)),
        (Method::GET, "/rules/{category}", get(rules)),
        (Method::GET, "/dependencies/{object_name}", get(dependencies)),
        (Method::GET, "/features/{feature_name}", get(feature)),
        (Method::GET, "/openapi.json", get(openapi)),
        (Method::GET, "/health", get(health)),
    ]
}

/// The method and path of every route the router serves.
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|(method, path, _)| (method, path)).collect()
}

/// The API over `backend`.
pub fn router(backend: Shared) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in table() {
        router = router.route(path, handler);
    }
    router.fallback(no_route).method_not_allowed_fallback(wrong_method).with_state(backend)
}

/// Runs `ask` on the blocking pool and wraps its answer.
async fn blocking<T: serde::Serialize + Send + 'static>(
    ask: impl FnOnce() -> Result<T, crate::knowledge::search::SearchError> + Send + 'static,
) -> Answer {
    let answer = tokio::task::spawn_blocking(ask).await.map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("the query stopped: {e}"))
    })??;
    let value = serde_json::to_value(answer)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(Json(value))
}

/// `POST /search`'s body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchBody {
    query: Option<String>,
    limit: Option<usize>,
    threshold: Option<f64>,
    object_type: Option<String>,
    feature: Option<String>,
    knowledge_type: Option<String>,
}

async fn search(
    State(backend): State<Shared>,
    body: Result<Json<SearchBody>, JsonRejection>,
) -> Answer {
    let Json(body) = body?;
    let Some(text) = body.query else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing `query`: the question to search for, as in {\"query\": \"discount\"}",
        ));
    };
    let query = SearchQuery {
        text: text.clone(),
        limit: body.limit.unwrap_or(DEFAULT_LIMIT),
        threshold: body.threshold.unwrap_or(DEFAULT_THRESHOLD),
        object_type: body.object_type,
        feature: body.feature,
        knowledge_type: body.knowledge_type,
    };
    let Json(hits) = blocking(move || backend.search(&query)).await?;
    Ok(Json(json!({ "query": text, "hits": hits })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesParams {
    limit: Option<usize>,
}

async fn rules(
    State(backend): State<Shared>,
    Path(category): Path<String>,
    params: Result<Query<RulesParams>, QueryRejection>,
) -> Answer {
    let Query(params) = params?;
    let limit = params.limit.unwrap_or(DEFAULT_RULES_LIMIT);
    let asked = category.clone();
    let Json(rules) = blocking(move || backend.rules(&asked, limit)).await?;
    Ok(Json(json!({ "category": category.to_uppercase(), "rules": rules })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyParams {
    depth: Option<u32>,
    direction: Option<String>,
}

async fn dependencies(
    State(backend): State<Shared>,
    Path(object): Path<String>,
    params: Result<Query<DependencyParams>, QueryRejection>,
) -> Answer {
    let Query(params) = params?;
    let direction: Direction = match params.direction.as_deref() {
        None => Direction::default(),
        Some(d) => d.parse()?,
    };
    let depth = params.depth.unwrap_or(DEFAULT_DEPTH);
    blocking(move || backend.dependencies(&object, depth, direction)).await
}

async fn feature(State(backend): State<Shared>, Path(name): Path<String>) -> Answer {
    blocking(move || backend.feature(&name)).await
}

async fn openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], super::OPENAPI)
}

async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn no_route(method: Method, uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!("no route {method} {}: GET /openapi.json describes the API", uri.path()),
    )
}

async fn wrong_method(method: Method, uri: Uri) -> ApiError {
    let allowed: Vec<String> = table()
        .into_iter()
        .filter(|(_, path, _)| matches(path, uri.path()))
        .map(|(m, _, _)| m.to_string())
        .collect();
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{} does not take {method}: use {}", uri.path(), allowed.join(", ")),
    )
}

/// Whether `path` fits the route `pattern`, a `{name}` matching one segment.
fn matches(pattern: &str, path: &str) -> bool {
    let (p, q): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len() && p.iter().zip(&q).all(|(a, b)| a.starts_with('{') || a == b)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// (method, path) of every operation `openapi.json` describes.
    fn described() -> BTreeSet<(String, String)> {
        let doc: Value = serde_json::from_str(super::super::OPENAPI).expect("openapi.json is JSON");
        assert_eq!(doc["openapi"].as_str().map(|v| &v[..3]), Some("3.1"));
        let mut out = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in item.as_object().expect("path item").keys() {
                if ["get", "post", "put", "delete", "patch"].contains(&method.as_str()) {
                    out.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        out
    }

    #[test]
    fn every_route_is_described_and_every_description_is_served() {
        let served: BTreeSet<(String, String)> =
            routes().into_iter().map(|(m, p)| (m.to_string(), p.to_owned())).collect();
        assert_eq!(served, described());
    }

    #[test]
    fn route_patterns_match_one_segment_per_parameter() {
        assert!(matches("/rules/{category}", "/rules/VALIDATION"));
        assert!(!matches("/rules/{category}", "/rules/a/b"));
        assert!(!matches("/health", "/rules"));
    }
}
