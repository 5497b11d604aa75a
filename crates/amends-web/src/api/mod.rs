//! The JSON API, `/api/v1`. Conventions: errors as `{"error","message","field"}`, lists
//! as `{"items","next_cursor"}`, times in RFC 3339 UTC, money in minor units.

pub(crate) mod attachments;
pub mod bodies;
pub(crate) mod calls;
pub(crate) mod cases;
mod coach;
mod customers;
mod disclosures;
mod document;
pub(crate) mod hours;
pub(crate) mod ideas;
pub mod imports;
mod problems;
pub(crate) mod proof;
pub(crate) mod recovery;
mod replies;
pub(crate) mod reports;
pub(crate) mod spam;
mod staff;
mod steps;
pub(crate) mod templates;
mod views;

use axum::extract::DefaultBodyLimit;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::{Router, middleware};
use serde::Serialize;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};
use utoipa_axum::routes;

use crate::AppState;
use crate::error::ApiError;

/// Room for a complaint of the full 1 MiB with JSON escaping around it.
const BODY_LIMIT: usize = 3 * 1024 * 1024;
/// A complaint with its files (at most 10 MiB of them) as multipart; a JSON intake is
/// still held to `BODY_LIMIT` by its handler.
const INTAKE_BODY_LIMIT: usize = 14 * 1024 * 1024;
/// A batch of 10,000 transactions.
const BATCH_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// A CSV file of some hundred thousand rows (larger files: `amends import`).
const IMPORT_BODY_LIMIT: usize = 64 * 1024 * 1024;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Every route of the API with its part of the OpenAPI document, declared together:
/// each handler's `#[utoipa::path]` names its method and path, and `routes!` serves it
/// there, so nothing is served undocumented and nothing documented is not served (a
/// test calls every documented operation). The steps' table is `steps.rs`.
fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(document::serve))
        .routes(routes!(staff::sign_in, staff::sign_out))
        .routes(routes!(staff::me, staff::update_me))
        .routes(routes!(hours::get, hours::put))
        .routes(routes!(staff::change_password))
        .routes(routes!(staff::list_users, staff::create_user))
        .routes(routes!(staff::get_user, staff::update_user))
        .routes(routes!(staff::resend_invitation, staff::withdraw_invitation))
        .routes(routes!(staff::list_tokens, staff::create_token))
        .routes(routes!(staff::revoke_token))
        .routes(routes!(customers::list, customers::create))
        .routes(routes!(customers::get, customers::update))
        .routes(routes!(customers::transactions))
        .routes(routes!(customers::create_transaction))
        .routes(with_body_limit(routes!(customers::create_transactions), BATCH_BODY_LIMIT))
        .routes(routes!(coach::review))
        .routes(routes!(replies::list, replies::create))
        .routes(routes!(replies::update, replies::delete))
        .routes(routes!(coach::preview_template))
        .routes(routes!(templates::save))
        .routes(routes!(recovery::watch_alerts))
        .routes(routes!(recovery::broken_promises))
        .routes(routes!(reports::report))
        .routes(routes!(recovery::approvals))
        .routes(routes!(recovery::approve))
        .routes(routes!(recovery::decline))
        .routes(routes!(recovery::budget))
        .routes(routes!(recovery::gesture_suggestion))
        .routes(routes!(recovery::letters_due))
        .routes(routes!(recovery::letters_posted))
        .routes(routes!(recovery::list_webhooks, recovery::create_webhook))
        .routes(routes!(recovery::delete_webhook))
        .routes(routes!(recovery::deliveries))
        .routes(routes!(spam::folder))
        .routes(routes!(spam::refused_mail))
        .routes(routes!(spam::blocks, spam::add_block))
        .routes(routes!(spam::remove_block))
        .routes(routes!(views::list, views::create))
        .routes(routes!(views::one, views::update, views::delete))
        .merge(problems::router())
        .merge(proof::router())
        .merge(ideas::router())
        .merge(disclosures::router())
        .merge(calls::router())
        .routes(with_body_limit(routes!(imports::import), IMPORT_BODY_LIMIT))
        .merge(cases::router())
        .merge(steps::router())
}

/// A route that takes larger bodies than the rest.
fn with_body_limit(
    (schemas, paths, method): UtoipaMethodRouter<AppState>,
    limit: usize,
) -> UtoipaMethodRouter<AppState> {
    (schemas, paths, method.layer(DefaultBodyLimit::max(limit)))
}

/// The OpenAPI document of the API as this build serves it.
pub fn openapi() -> serde_json::Value {
    document::finish(routes().split_for_parts().1)
}

pub fn router(state: AppState) -> Router<AppState> {
    let (router, doc) = routes().split_for_parts();
    router
        .layer(axum::Extension(document::Served::new(document::finish(doc))))
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
    } else if matches!(path, "/cases" | "/api/v1/cases") && crate::json::is_multipart(req.headers()) {
        INTAKE_BODY_LIMIT
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
