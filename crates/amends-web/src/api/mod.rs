//! The JSON API, `/api/v1`. Conventions: errors as `{"error","message","field"}`, lists
//! as `{"items","next_cursor"}`, times in RFC 3339 UTC, money in minor units.

pub mod bodies;
pub(crate) mod cases;
mod coach;
mod customers;
mod disclosures;
pub(crate) mod hours;
pub mod imports;
mod problems;
mod recovery;
pub(crate) mod reports;
pub(crate) mod spam;
mod staff;
mod views;

use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Router, middleware};
use serde::Serialize;

use crate::AppState;
use crate::error::ApiError;

/// The OpenAPI document; a test checks that every path in it is served.
pub const OPENAPI: &str = include_str!("openapi.json");

/// Room for a complaint of the full 1 MiB with JSON escaping around it.
const BODY_LIMIT: usize = 3 * 1024 * 1024;
/// A batch of 10,000 transactions.
const BATCH_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// A CSV file of some hundred thousand rows (larger files: `amends import`).
const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
        .route("/session", post(staff::sign_in).delete(staff::sign_out))
        .route("/me", get(staff::me).patch(staff::update_me))
        .route("/settings/hours", get(hours::get).put(hours::put))
        .route("/me/password", post(staff::change_password))
        .route("/users", get(staff::list_users).post(staff::create_user))
        .route("/users/{id}", get(staff::get_user).patch(staff::update_user))
        .route("/tokens", get(staff::list_tokens).post(staff::create_token))
        .route("/tokens/{id}", axum::routing::delete(staff::revoke_token))
        .route("/customers", get(customers::list).post(customers::create))
        .route("/customers/{id}", get(customers::get).patch(customers::update))
        .route("/customers/{id}/transactions", get(customers::transactions))
        .route("/transactions", post(customers::create_transaction))
        .route(
            "/transactions/batch",
            post(customers::create_transactions).layer(DefaultBodyLimit::max(BATCH_BODY_LIMIT)),
        )
        .route("/coach", post(coach::review))
        .route("/templates/preview", post(coach::preview_template))
        .route("/watch-alerts", get(recovery::watch_alerts))
        .route("/promises/broken", get(recovery::broken_promises))
        .route("/reports", get(reports::report))
        .route("/approvals", get(recovery::approvals))
        .route("/approvals/{id}/approve", post(recovery::approve))
        .route("/approvals/{id}/decline", post(recovery::decline))
        .route("/gestures/budget", get(recovery::budget))
        .route("/cases/{id}/gesture/suggestion", get(recovery::gesture_suggestion))
        .route("/letters", get(recovery::letters_due))
        .route("/letters/posted", post(recovery::letters_posted))
        .route("/webhooks", get(recovery::list_webhooks).post(recovery::create_webhook))
        .route("/webhooks/{id}", axum::routing::delete(recovery::delete_webhook))
        .route("/webhooks/{id}/deliveries", get(recovery::deliveries))
        .route("/spam", get(spam::folder))
        .route("/mail/refused", get(spam::refused_mail))
        .route("/spam/blocks", get(spam::blocks).post(spam::add_block))
        .route("/spam/blocks/{id}", axum::routing::delete(spam::remove_block))
        .route("/views", get(views::list).post(views::create))
        .route("/views/{id}", get(views::one).patch(views::update).delete(views::delete))
        .merge(problems::router())
        .merge(disclosures::router())
        .route("/imports/{kind}", post(imports::import).layer(DefaultBodyLimit::max(IMPORT_BODY_LIMIT)))
        .merge(cases::router())
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn(refuse_oversized))
        .layer(middleware::from_fn_with_state(state.clone(), crate::idempotency::idempotent))
        .layer(middleware::from_fn_with_state(state, crate::auth::identify))
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this endpoint does not take that method",
            )
        })
}

/// Refuses a body whose declared length is over the endpoint's limit before reading
/// it, so a client is told at once instead of after uploading everything.
async fn refuse_oversized(req: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    let path = req.uri().path();
    let limit = if path.ends_with("/transactions/batch") {
        BATCH_BODY_LIMIT
    } else if path.contains("/imports/") {
        IMPORT_BODY_LIMIT
    } else {
        BODY_LIMIT
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the request body is larger than this endpoint accepts ({} MiB)", limit / 1024 / 1024),
        )
        .into_response();
    }
    next.run(req).await
}

/// Parses an `{id}` path segment, answering 404 (not 400) for one that cannot exist.
pub(crate) fn id_from(raw: &str, what: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| ApiError::not_found(what))
}

/// `limit` query parameter: 1 to 200, 50 when absent.
pub(crate) fn page_size(limit: Option<i64>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(50),
        Some(n) if (1..=200).contains(&n) => Ok(n),
        Some(_) => Err(ApiError::bad_request("limit is from 1 to 200").with_field("limit")),
    }
}

pub(crate) fn created<T: Serialize>(value: T) -> impl IntoResponse {
    (StatusCode::CREATED, axum::Json(value))
}
