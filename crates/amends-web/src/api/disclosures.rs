//! Disclosures (managers): pick the affected customers from the transactions, see how
//! many and who before sending, and send each a personal notice in the background.

use amends_domain::disclosure::{Audience, Channels};
use amends_store::{AudiencePreview, DisclosureRecord, RecipientRecord};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::Deserialize;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Manager;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

/// How many customers a preview shows.
const SAMPLE: i64 = 20;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/disclosures", get(list).post(create))
        .route("/disclosures/preview", post(preview))
        .route("/disclosures/{id}", get(one))
        .route("/disclosures/{id}/audience", get(audience))
        .route("/disclosures/{id}/send", post(send))
        .route("/disclosures/{id}/recipients", get(recipients))
}

fn checked(a: Audience) -> Result<Audience, ApiError> {
    a.check().map_err(|e| ApiError::invalid(e.field, e.message))?;
    Ok(a)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    audience: Audience,
}

pub async fn preview(
    State(state): State<AppState>,
    _: Manager,
    JsonBody(body): JsonBody<PreviewRequest>,
) -> ApiResult<axum::Json<AudiencePreview>> {
    Ok(axum::Json(state.store.audience_preview(&checked(body.audience)?, SAMPLE).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewDisclosure {
    problem_id: i64,
    title: String,
    explanation: String,
    solution: String,
    audience: Audience,
    /// `["email"]` (the default), `["letter"]` or both.
    #[serde(default)]
    channels: Option<Vec<String>>,
}

pub(crate) fn channels(given: Option<&[String]>) -> Result<Channels, ApiError> {
    match given {
        None => Ok(Channels::default()),
        Some(list) if list.iter().all(|c| !c.contains(',')) => Channels::parse(&list.join(","))
            .ok_or_else(|| ApiError::invalid("channels", "channels are one or both of \"email\" and \"letter\"")),
        Some(_) => Err(ApiError::invalid("channels", "channels are one or both of \"email\" and \"letter\"")),
    }
}

fn text(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(ApiError::invalid(field, format!("{field} has 1 to {max} characters")));
    }
    Ok(())
}

pub async fn create(
    State(state): State<AppState>,
    Manager(user): Manager,
    JsonBody(body): JsonBody<NewDisclosure>,
) -> ApiResult<impl IntoResponse> {
    text("title", &body.title, 200)?;
    text("explanation", &body.explanation, 20_000)?;
    text("solution", &body.solution, 20_000)?;
    let audience = checked(body.audience)?;
    let channels = channels(body.channels.as_deref())?;
    let new = amends_store::NewDisclosure {
        problem_id: body.problem_id,
        title: body.title.trim().to_owned(),
        explanation: body.explanation,
        solution: body.solution,
        audience,
        channels,
    };
    let d = state.store.create_disclosure(&new, user.id).await?;
    Ok(created(d))
}

pub async fn one(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<DisclosureRecord>> {
    Ok(axum::Json(state.store.disclosure(id_from(&id, "disclosure")?).await?))
}

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<i64>,
}

pub async fn list(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<DisclosureRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_disclosures(page_size(q.limit)?).await?, next_cursor: None }))
}

pub async fn audience(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AudiencePreview>> {
    let d = state.store.disclosure(id_from(&id, "disclosure")?).await?;
    Ok(axum::Json(state.store.audience_preview(&d.audience, SAMPLE).await?))
}

/// Fixes the audience and starts the background send; 202, follow `progress`.
pub async fn send(State(state): State<AppState>, _: Manager, Path(id): Path<String>) -> ApiResult<impl IntoResponse> {
    let d = state.store.start_disclosure(id_from(&id, "disclosure")?).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(d)))
}

#[derive(Deserialize)]
pub struct RecipientQuery {
    limit: Option<i64>,
    cursor: Option<String>,
}

pub async fn recipients(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
    Params(q): Params<RecipientQuery>,
) -> ApiResult<axum::Json<Page<RecipientRecord>>> {
    let id = id_from(&id, "disclosure")?;
    state.store.disclosure(id).await?;
    let limit = page_size(q.limit)?;
    let after = match q.cursor {
        None => 0,
        Some(c) => c
            .parse::<i64>()
            .map_err(|_| ApiError::bad_request("the cursor is not one this list gave").with_field("cursor"))?,
    };
    let items = state.store.disclosure_recipients(id, after, limit).await?;
    let next_cursor = (items.len() as i64 == limit).then(|| items.last().map(|r| r.id.to_string())).flatten();
    Ok(axum::Json(Page { items, next_cursor }))
}
