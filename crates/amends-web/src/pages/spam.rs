//! The spam folder (staff review what the filter held: release it or confirm it) and
//! the block list (admins). Release and confirm post to the case's steps, like every
//! other playbook move.

use amends_domain::Role;
use amends_store::StoreError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;
use crate::json::Params;

#[derive(Deserialize)]
pub struct FolderQuery {
    cursor: Option<String>,
    done: Option<String>,
}

pub async fn folder(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<FolderQuery>,
) -> Result<impl IntoResponse, PageError> {
    let (held, next_cursor) = state.store.spam_folder(q.cursor.clone(), 25).await?;
    let next_link = next_cursor.map(|c| format!("/spam?cursor={}", super::urlencode(&c)));
    let refused = if q.cursor.is_none() { state.store.refused_mail(25).await? } else { Vec::new() };
    render(
        "spam.html",
        minijinja::context! {
            layout => session.layout(), held, next_link, done => q.done.is_some(), paged => q.cursor.is_some(),
            refused,
        },
    )
}

async fn blocks_page(
    state: &AppState,
    session: &StaffSession,
    error: Option<String>,
    draft: minijinja::Value,
    status: StatusCode,
) -> Result<Response, PageError> {
    let blocks = state.store.spam_blocks().await?;
    let page = render("spam_blocks.html", minijinja::context! { layout => session.layout(), blocks, error, draft })?;
    Ok((status, page).into_response())
}

pub async fn blocks(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Admin)?;
    blocks_page(&state, &session, None, minijinja::context! {}, StatusCode::OK).await
}

pub async fn add_block(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let kind = field(&fields, "kind").unwrap_or_default();
    let value = field(&fields, "value").unwrap_or_default();
    let note = field(&fields, "note").unwrap_or_default();
    let error = match crate::api::spam::checked_block(&kind, &value, &note) {
        Err(e) => e.message,
        Ok((kind, value)) => match state.store.add_spam_block(kind, &value, &note, session.user.id).await {
            Ok(_) => return Ok(Redirect::to("/admin/spam").into_response()),
            Err(StoreError::Conflict { message, .. }) => message,
            Err(e) => return Err(e.into()),
        },
    };
    blocks_page(
        &state,
        &session,
        Some(error),
        minijinja::Value::from_serialize(&fields),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn remove_block(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    posted.session.require(Role::Admin)?;
    let id = id_from(&id, "block").map_err(|_| PageError::NotFound("block"))?;
    state.store.remove_spam_block(id).await?;
    Ok(Redirect::to("/admin/spam").into_response())
}
