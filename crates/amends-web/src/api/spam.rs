//! The spam folder and the block list. Holding, releasing and confirming are playbook
//! events (`/cases/{id}/spam...` in `cases.rs`); this module lists the folder and keeps
//! the installation's block list.

use amends_spam::{BlockKind, normalise_block};
use amends_store::{BlockRecord, HeldCase, RefusedMail};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::{Admin, Agent};
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderQuery {
    cursor: Option<String>,
    limit: Option<i64>,
}

/// The spam folder, newest first, each case with why it was held.
pub async fn folder(
    State(state): State<AppState>,
    _: Agent,
    Params(q): Params<FolderQuery>,
) -> ApiResult<axum::Json<Page<HeldCase>>> {
    let (items, next_cursor) = state.store.spam_folder(q.cursor, page_size(q.limit)?).await?;
    Ok(axum::Json(Page { items, next_cursor }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefusedQuery {
    limit: Option<i64>,
}

/// Mail that could never be taken (too large, not mail, no sender), newest first, each
/// with why: it opened no case, so without this list nobody would know it came.
pub async fn refused_mail(
    State(state): State<AppState>,
    _: Agent,
    Params(q): Params<RefusedQuery>,
) -> ApiResult<axum::Json<Page<RefusedMail>>> {
    Ok(axum::Json(Page { items: state.store.refused_mail(page_size(q.limit)?).await?, next_cursor: None }))
}

pub async fn blocks(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<BlockRecord>>> {
    Ok(axum::Json(Page { items: state.store.spam_blocks().await?, next_cursor: None }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBlock {
    /// `address` or `domain`.
    kind: String,
    value: String,
    #[serde(default)]
    note: String,
}

/// Checks a block-list entry as the API and the admin page take it.
pub(crate) fn checked_block(kind: &str, value: &str, note: &str) -> Result<(BlockKind, String), ApiError> {
    let kind = BlockKind::parse(kind).ok_or_else(|| ApiError::invalid("kind", "kind is address or domain"))?;
    let value = normalise_block(kind, value).map_err(|e| ApiError::invalid("value", e.to_string()))?;
    if value.len() > 320 || note.chars().count() > 500 {
        return Err(ApiError::invalid("note", "the value has at most 320 characters and the note 500"));
    }
    Ok((kind, value))
}

pub async fn add_block(
    State(state): State<AppState>,
    Admin(user): Admin,
    JsonBody(body): JsonBody<NewBlock>,
) -> ApiResult<impl IntoResponse> {
    let (kind, value) = checked_block(&body.kind, &body.value, &body.note)?;
    Ok(created(state.store.add_spam_block(kind, &value, body.note.trim(), user.id).await?))
}

pub async fn remove_block(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    state.store.remove_spam_block(id_from(&id, "block")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
