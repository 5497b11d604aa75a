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

#[utoipa::path(
    get, path = "/spam", tag = "spam", operation_id = "spamFolder",
    summary = r#"The spam folder"#,
    description = r#"Cases held as spam, newest first, each with why. They are in no inbox and were never acknowledged to their sender. Release one with `POST /cases/{id}/spam/release`."#,
    params(
        ("cursor" = Option<String>, Query, description = r#"The `next_cursor` of the previous page, with the same filters. A cursor this list did not give is 400 with `field: cursor`."#),
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"One page of held cases."#, body = Page<HeldCase>),
        (status = 400, description = r#"`bad_request`: a bad `cursor` or `limit`; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/mail/refused", tag = "spam", operation_id = "refusedMail",
    summary = r#"Mail that could not be taken"#,
    description = r#"Messages that arrived by IMAP or `amends mail ingest` and could never be taken (too large, not mail, no sender), newest first, each with why. They opened no case; this list is how staff learn they came."#,
    params(
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"The newest refused messages."#, body = Page<RefusedMail>),
        (status = 400, description = r#"`bad_request`: a bad `limit`; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
/// Mail that could never be taken (too large, not mail, no sender), newest first, each
/// with why: it opened no case, so without this list nobody would know it came.
pub async fn refused_mail(
    State(state): State<AppState>,
    _: Agent,
    Params(q): Params<RefusedQuery>,
) -> ApiResult<axum::Json<Page<RefusedMail>>> {
    Ok(axum::Json(Page { items: state.store.refused_mail(page_size(q.limit)?).await?, next_cursor: None }))
}

#[utoipa::path(
    get, path = "/spam/blocks", tag = "spam", operation_id = "listBlocks",
    summary = r#"The block list (admins)"#,
    description = r#"Addresses and domains whose mail and form posts are held in the spam folder (never dropped)."#,
    responses(
        (status = 200, description = r#"Every entry, newest first."#, body = Page<BlockRecord>),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn blocks(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<BlockRecord>>> {
    Ok(axum::Json(Page { items: state.store.spam_blocks().await?, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBlock {
    /// `address` or `domain`.
    kind: String,
    /// `name@example.com` for an address, `example.com` for a domain (a leading `@` is
    /// dropped); case and surrounding spaces do not matter.
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

#[utoipa::path(
    post, path = "/spam/blocks", tag = "spam", operation_id = "addBlock",
    summary = r#"Block an address or a domain (admins)"#,
    request_body(content = NewBlock),
    responses(
        (status = 201, description = r#"Blocked."#, body = BlockRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: value`: already blocked."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  A `value` that is not an address (or a domain) is refused with `field: value`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn add_block(
    State(state): State<AppState>,
    Admin(user): Admin,
    JsonBody(body): JsonBody<NewBlock>,
) -> ApiResult<impl IntoResponse> {
    let (kind, value) = checked_block(&body.kind, &body.value, &body.note)?;
    Ok(created(state.store.add_spam_block(kind, &value, body.note.trim(), user.id).await?))
}

#[utoipa::path(
    delete, path = "/spam/blocks/{id}", tag = "spam", operation_id = "removeBlock",
    summary = r#"Unblock (admins)"#,
    params(
        ("id" = i64, Path, description = r#"The block entry's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Removed."#),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such entry."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn remove_block(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    state.store.remove_spam_block(id_from(&id, "block")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
