//! Disclosures (managers): pick the affected customers from the transactions, see how
//! many and who before sending, and send each a personal notice in the background.

use amends_domain::disclosure::{Audience, Channels};
use amends_store::{AudiencePreview, DisclosureRecord, RecipientRecord};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Manager;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

/// How many customers a preview shows.
const SAMPLE: i64 = 20;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(preview))
        .routes(routes!(one))
        .routes(routes!(audience))
        .routes(routes!(send))
        .routes(routes!(recipients))
}

fn checked(a: Audience) -> Result<Audience, ApiError> {
    a.check().map_err(|e| ApiError::invalid(e.field, e.message))?;
    Ok(a)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    audience: Audience,
}

#[utoipa::path(
    post, path = "/disclosures/preview", tag = "disclosures", operation_id = "previewAudience",
    summary = r#"Count and sample the customers an audience reaches (managers)"#,
    request_body(content = PreviewRequest),
    responses(
        (status = 200, description = r#"Count and a sample of 20."#, body = AudiencePreview),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn preview(
    State(state): State<AppState>,
    _: Manager,
    JsonBody(body): JsonBody<PreviewRequest>,
) -> ApiResult<axum::Json<AudiencePreview>> {
    Ok(axum::Json(state.store.audience_preview(&checked(body.audience)?, SAMPLE).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
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

#[utoipa::path(
    post, path = "/disclosures", tag = "disclosures", operation_id = "createDisclosure",
    summary = r#"Open a disclosure for a problem (managers)"#,
    request_body(content = NewDisclosure),
    responses(
        (status = 201, description = r#"The draft."#, body = DisclosureRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/disclosures/{id}", tag = "disclosures", operation_id = "getDisclosure",
    summary = r#"One disclosure with its progress (managers)"#,
    params(
        ("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The disclosure."#, body = DisclosureRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/disclosures", tag = "disclosures", operation_id = "listDisclosures",
    summary = r#"Disclosures, newest first (managers)"#,
    responses(
        (status = 200, description = r#"The disclosures."#, body = Page<DisclosureRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<DisclosureRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_disclosures(page_size(q.limit)?).await?, next_cursor: None }))
}

#[utoipa::path(
    get, path = "/disclosures/{id}/audience", tag = "disclosures", operation_id = "disclosureAudience",
    summary = r#"Count and sample of the disclosure's audience (managers)"#,
    params(
        ("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"Count and a sample."#, body = AudiencePreview),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn audience(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AudiencePreview>> {
    let d = state.store.disclosure(id_from(&id, "disclosure")?).await?;
    Ok(axum::Json(state.store.audience_preview(&d.audience, SAMPLE).await?))
}

#[utoipa::path(
    post, path = "/disclosures/{id}/send", tag = "disclosures", operation_id = "sendDisclosure",
    summary = r#"Fix the audience and send each customer a personal notice in the background (managers). 409 when already sent."#,
    params(
        ("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1),
    ),
    responses(
        (status = 202, description = r#"Sending; follow `progress`."#, body = DisclosureRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/disclosures/{id}/recipients", tag = "disclosures", operation_id = "disclosureRecipients",
    summary = r#"Each customer told, with the status of their notice (managers)"#,
    params(
        ("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1),
        ("limit" = Option<i64>, Query),
        ("cursor" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = r#"The recipients."#, body = Page<RecipientRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
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
