//! A JSON body extractor whose rejections speak our error shape: malformed JSON is a
//! 400, a value of the wrong type or a missing field a 422 naming the field, a body
//! over the limit a 413, and a body that is not JSON a 415.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers()) {
            return Err(not_json());
        }
        let bytes = match axum::body::Bytes::from_request(req, state).await {
            Ok(bytes) => bytes,
            Err(rejection) => return Err(rejected(JsonRejection::BytesRejection(rejection))),
        };
        decode(&bytes).map(JsonBody)
    }
}

/// A JSON body read with a limit of its own, for a route that takes larger bodies of
/// another kind (an intake's files).
pub async fn json_within<T: DeserializeOwned>(req: Request, limit: usize) -> Result<JsonBody<T>, ApiError> {
    if !is_json(req.headers()) {
        return Err(not_json());
    }
    let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is larger than this endpoint accepts",
        )
    })?;
    decode(&bytes).map(JsonBody)
}

/// `multipart/form-data`, whatever its boundary.
pub fn is_multipart(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// A JSON request body as every handler taking [`JsonBody`] reads it, without the
/// request around it (the fuzz targets call it directly).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    refuse_nul(body)?;
    axum::Json::<T>::from_bytes(body).map(|axum::Json(value)| value).map_err(rejected)
}

/// `application/json` or any `application/*+json`, as axum's own `Json` accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("application", subtype)) => subtype == "json" || subtype.ends_with("+json"),
        _ => false,
    }
}

/// Text with a NUL character (U+0000) cannot be stored in PostgreSQL and is never what a
/// person typed: it is refused with a clear message rather than altered.
pub(crate) fn refuse_nul(body: &[u8]) -> Result<(), ApiError> {
    let escaped = body.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"));
    if escaped || body.contains(&0) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "text may not contain the NUL character (U+0000)",
        ));
    }
    Ok(())
}

fn not_json() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "send the body as JSON with Content-Type: application/json",
    )
}

fn rejected(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::JsonDataError(e) => {
            // serde's message names the path: "body.customer.email: invalid type ..."
            let text = e.body_text();
            let detail = text.split_once(": ").map(|(_, d)| d).unwrap_or(&text).to_owned();
            let field = detail.split_once(": ").map(|(path, _)| path.to_owned());
            let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", detail);
            match field {
                Some(f) if !f.contains(' ') => err.with_field(f),
                _ => err,
            }
        }
        JsonRejection::JsonSyntaxError(e) => ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.body_text()),
        JsonRejection::MissingJsonContentType(_) => not_json(),
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is larger than this endpoint accepts",
        ),
        other => ApiError::new(other.status(), "bad_request", other.body_text()),
    }
}

/// Query parameters, with a 400 in our error shape when one has the wrong type.
pub struct Params<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for Params<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Params(q.0))
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_query", e.body_text()))
    }
}
