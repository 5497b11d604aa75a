//! The approvals queue: gestures above an agent's limit, waiting for a manager.

use amends_domain::Role;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageError, Posted, StaffSession, render};
use crate::AppState;
use crate::api::id_from;

/// `GET /approvals`
pub async fn page(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let pending = state.store.pending_approvals().await?;
    let now = state.store.now();
    let start = now.replace_day(1).map(|d| d.replace_time(time::Time::MIDNIGHT)).unwrap_or(now);
    let spending = state.store.gesture_spending(start, now + time::Duration::seconds(1)).await?;
    let budget = state.store.settings().gesture_monthly_budget_minor;
    let limit = state.store.settings().gesture_agent_limit_minor;
    Ok(render("approvals.html", minijinja::context! { layout => session.layout(), pending, spending, budget, limit })?
        .into_response())
}

#[derive(Deserialize)]
pub struct Decision {
    /// approve or decline
    decision: String,
    #[serde(default)]
    reason: String,
}

/// `POST /approvals/{id}`
pub async fn decide(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Posted<Decision>,
) -> Result<Response, PageError> {
    form.session.require(Role::Manager)?;
    let id = id_from(&id, "approval").map_err(|_| PageError::NotFound("approval"))?;
    let approve = form.form.decision == "approve";
    let reason = form.form.reason.trim();
    if !approve && reason.is_empty() {
        return Err(PageError::BadForm(amends_i18n::text(form.session.language, "approvals-error-reason")));
    }
    state.store.decide_approval(id, form.session.user.id, approve, reason).await?;
    Ok(Redirect::to("/approvals").into_response())
}
