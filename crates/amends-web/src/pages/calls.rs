//! A disclosure's call list as a page (issue 22 §4): who to ring, most valuable first,
//! each with the script in their name and the calls made; a form per customer records
//! the outcome and the concerns heard. Managers only, as disclosures are.

use amends_domain::Role;
use amends_domain::calls::CallOutcome;
use amends_i18n::text;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::calls::{check_concerns, make_list};
use crate::api::id_from;

fn disclosure_id(id: &str) -> Result<i64, PageError> {
    id_from(id, "disclosure").map_err(|_| PageError::NotFound("disclosure"))
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let id = disclosure_id(&id)?;
    let disclosure = state.store.disclosure(id).await?;
    let list = state.store.call_list(id).await?;
    let outcomes = ["reached", "message_left", "no_answer"];
    let page = render("calls.html", minijinja::context! { layout => session.layout(), disclosure, list, outcomes })?;
    Ok(page.into_response())
}

pub async fn make(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let Some(hours) = field(&fields, "hours").and_then(|h| h.parse::<i64>().ok()) else {
        return Err(PageError::BadForm(text(session.language, "calls-error-hours")));
    };
    let id = disclosure_id(&id)?;
    make_list(&state, id, hours, session.user.id).await.map_err(|e| match e.status.as_u16() {
        404 => PageError::NotFound("disclosure"),
        _ => PageError::BadForm(e.message),
    })?;
    Ok(Redirect::to(&format!("/disclosures/{id}/calls")).into_response())
}

pub async fn record(
    State(state): State<AppState>,
    Path((id, recipient)): Path<(String, String)>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let Some(outcome) = field(&fields, "outcome").and_then(|o| o.parse::<CallOutcome>().ok()) else {
        return Err(PageError::BadForm(text(session.language, "calls-error-outcome")));
    };
    let concerns = fields.get("concerns").cloned().unwrap_or_default();
    check_concerns(&concerns).map_err(|e| PageError::BadForm(e.message))?;
    let id = disclosure_id(&id)?;
    let recipient = id_from(&recipient, "recipient").map_err(|_| PageError::NotFound("recipient"))?;
    state.store.record_call(id, recipient, outcome, &concerns, session.user.id).await?;
    Ok(Redirect::to(&format!("/disclosures/{id}/calls#r{recipient}")).into_response())
}
