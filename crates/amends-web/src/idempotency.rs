//! `Idempotency-Key` on writes: the same key again returns the first answer and
//! changes nothing, so a client may retry after a timeout without a second case.
//! An answer that carries a secret (an API token, a session's CSRF token) is never
//! kept: the key is recorded as used, and a replay says the secret was shown once.

use amends_store::StoredResponse;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::auth::{Identity, secret_hash};
use crate::error::ApiError;

const HEADER: &str = "idempotency-key";

/// Put in a response's extensions by a handler whose answer carries a secret: the
/// answer is then not kept for replay.
#[derive(Clone, Copy, Debug)]
pub struct SecretBearing;

/// What a replay of a secret-bearing request answers, kept in place of the answer
/// (migration 11 wrote the same over the secret-bearing answers kept before).
const SECRET_NOT_KEPT: &str = r#"{"error":"secret_not_kept","message":"the first request with this Idempotency-Key succeeded; its answer held a secret, which is shown only once and was not kept, so it cannot be shown again","field":null}"#;
/// Bodies larger than this are not buffered for replay (and so not deduplicated).
const MAX_BODY: usize = 16 * 1024 * 1024;

pub async fn idempotent(State(state): State<AppState>, req: Request, next: Next) -> Result<Response, ApiError> {
    let is_write = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE);
    let key = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let user_id = req.extensions().get::<Identity>().map(|i| i.user.id);
    let (Some(key), Some(user_id), true) = (key, user_id, is_write) else {
        return Ok(next.run(req).await);
    };
    if key.is_empty() || key.len() > 200 {
        return Err(ApiError::bad_request("an Idempotency-Key has 1 to 200 characters").with_field("idempotency-key"));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request body is too large"))?;
    let mut fingerprint = format!("{} {}\n", parts.method, parts.uri.path()).into_bytes();
    fingerprint.extend_from_slice(&bytes);
    let request_hash = secret_hash(&String::from_utf8_lossy(&fingerprint));

    match state.store.claim_idempotency_key(user_id, &key, &request_hash).await? {
        Some(StoredResponse::Done { request_hash: first, status, body }) => {
            if first != request_hash {
                return Err(reused());
            }
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            return Ok(response);
        }
        Some(StoredResponse::InFlight { request_hash: first }) => {
            if first != request_hash {
                return Err(reused());
            }
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "in_progress",
                "a request with this Idempotency-Key is still being answered; retry shortly",
            ));
        }
        None => {}
    }

    let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
    let status = response.status();
    if status.is_server_error() {
        state.store.release_idempotency_key(user_id, &key).await?;
        return Ok(response);
    }
    if status.is_success() && response.extensions().get::<SecretBearing>().is_some() {
        state.store.finish_idempotent(user_id, &key, StatusCode::CONFLICT.as_u16(), SECRET_NOT_KEPT).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| ApiError::internal())?;
    state.store.finish_idempotent(user_id, &key, status.as_u16(), &String::from_utf8_lossy(&bytes)).await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
}

fn reused() -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
        "this Idempotency-Key was used for a different request",
    )
    .with_field("idempotency-key")
}
