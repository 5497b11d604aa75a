//! Saved replies for the business: managers write them (as they edit the message
//! templates), checked and coached as the API does (`crate::replies`); agents use them
//! from a case's Reply box.

use amends_domain::Role;
use amends_domain::reply::VARIABLES;
use amends_store::StoreError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::replies::Refused;

/// What the page shows beside the list or the form: a refusal in words, the coach's
/// findings, and whether the reason to keep held words is asked for.
struct Outcome {
    error: Option<String>,
    findings: Vec<amends_coach::Finding>,
    held: bool,
}

impl Outcome {
    fn none() -> Self {
        Self { error: None, findings: Vec::new(), held: false }
    }
}

fn variables() -> Vec<String> {
    VARIABLES.iter().map(|v| format!("{{{{ {v} }}}}")).collect()
}

pub async fn list(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    page(&state, &session, None, Outcome::none(), StatusCode::OK).await
}

async fn page(
    state: &AppState,
    session: &StaffSession,
    draft: Option<(String, String)>,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, PageError> {
    let replies = state.store.saved_replies().await?;
    let (name, body) = draft.unwrap_or_default();
    let ctx = minijinja::context! {
        layout => session.layout(), replies, name, body, variables => variables(),
        error => outcome.error, findings => outcome.findings, held => outcome.held,
    };
    Ok((status, render("replies.html", ctx)?).into_response())
}

async fn edit_page(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    draft: Option<(String, String)>,
    outcome: Outcome,
    saved: bool,
    status: StatusCode,
) -> Result<Response, PageError> {
    let reply = state.store.saved_reply(id).await?;
    let (name, body) = draft.unwrap_or_else(|| (reply.name.clone(), reply.body.clone()));
    let findings = if outcome.findings.is_empty() && outcome.error.is_none() {
        state.coach.review(&body, amends_coach::Purpose::Other).findings
    } else {
        outcome.findings
    };
    let ctx = minijinja::context! {
        layout => session.layout(), reply, name, body, variables => variables(), saved,
        error => outcome.error, findings, held => outcome.held,
    };
    Ok((status, render("reply_edit.html", ctx)?).into_response())
}

/// A refusal as the page says it.
fn refused(r: Refused, lang: amends_domain::Language) -> Outcome {
    match r {
        Refused::Invalid(e) => {
            Outcome { error: Some(super::login::capitalise(&format!("{e}."))), findings: Vec::new(), held: false }
        }
        Refused::Held(review) => Outcome {
            error: Some(amends_i18n::text(lang, "admin-error-coach-reply")),
            findings: review.findings,
            held: true,
        },
    }
}

pub async fn create(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let name = fields.get("name").cloned().unwrap_or_default();
    let body = fields.get("body").cloned().unwrap_or_default();
    let over = field(&fields, "coach_override");
    let draft = match crate::replies::draft(&state.coach, &name, &body, over.as_deref()) {
        Ok((draft, _)) => draft,
        Err(r) => {
            return page(
                &state,
                &session,
                Some((name, body)),
                refused(r, session.language),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match state.store.create_saved_reply(&draft, session.user.id).await {
        Ok(reply) => Ok(Redirect::to(&format!("/admin/replies/{}?saved=1", reply.id)).into_response()),
        Err(StoreError::Conflict { message, .. }) => {
            let outcome = Outcome { error: Some(super::login::capitalise(&format!("{message}."))), ..Outcome::none() };
            page(&state, &session, Some((name, body)), outcome, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct Saved {
    saved: Option<String>,
}

pub async fn edit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    crate::json::Params(q): crate::json::Params<Saved>,
) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let id = id.parse::<i64>().map_err(|_| PageError::NotFound("saved reply"))?;
    edit_page(&state, &session, id, None, Outcome::none(), q.saved.is_some(), StatusCode::OK).await
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let id = id.parse::<i64>().map_err(|_| PageError::NotFound("saved reply"))?;
    if fields.contains_key("delete") {
        state.store.delete_saved_reply(id).await?;
        return Ok(Redirect::to("/admin/replies?deleted=1").into_response());
    }
    let name = fields.get("name").cloned().unwrap_or_default();
    let body = fields.get("body").cloned().unwrap_or_default();
    let over = field(&fields, "coach_override");
    let draft = match crate::replies::draft(&state.coach, &name, &body, over.as_deref()) {
        Ok((draft, _)) => draft,
        Err(r) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return edit_page(&state, &session, id, Some((name, body)), refused(r, session.language), false, status)
                .await;
        }
    };
    match state.store.update_saved_reply(id, &draft, session.user.id).await {
        Ok(reply) => Ok(Redirect::to(&format!("/admin/replies/{}?saved=1", reply.id)).into_response()),
        Err(StoreError::Conflict { message, .. }) => {
            let outcome = Outcome { error: Some(super::login::capitalise(&format!("{message}."))), ..Outcome::none() };
            edit_page(&state, &session, id, Some((name, body)), outcome, false, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e.into()),
    }
}
