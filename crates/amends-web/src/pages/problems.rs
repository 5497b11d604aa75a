//! Problems: the list (with recurrence alarms as a badge) and one problem's page, where
//! staff edit its actions, move its status, suggest causes and fixes and vote.

use amends_domain::{ProblemStatus, SuggestionKind};
use amends_store::{ProblemPatch, StoreError};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;

pub async fn list(State(state): State<AppState>, session: StaffSession) -> Result<impl IntoResponse, PageError> {
    let problems = state.store.list_problems(200).await?;
    render("problems.html", minijinja::context! { layout => session.layout(), problems })
}

pub async fn create(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let title = field(&fields, "title").filter(|t| t.chars().count() <= 300);
    let Some(title) = title else {
        return Err(PageError::BadForm("A problem's title has 1 to 300 characters.".into()));
    };
    let made = state.store.create_problem(&title, "", session.user.id).await?;
    Ok(Redirect::to(&format!("/problems/{}", made.id)).into_response())
}

async fn show(state: &AppState, session: &StaffSession, id: i64, error: Option<String>) -> Result<Response, PageError> {
    let problem = state.store.problem(id).await?;
    let suggestions = state.store.problem_suggestions(id).await?;
    let alarms = state.store.alarms(Some(id), None, false).await?;
    let ideas = state.store.problem_ideas(id, session.user.id).await?;
    let manager = session.user.role.at_least(amends_domain::Role::Manager);
    let users: Vec<_> = state.store.list_users().await?.into_iter().filter(|u| u.active).collect();
    let status = if error.is_some() { axum::http::StatusCode::CONFLICT } else { axum::http::StatusCode::OK };
    let page = render(
        "problem.html",
        minijinja::context! { layout => session.layout(), problem, suggestions, alarms, users, error, ideas, manager },
    )?;
    Ok((status, page).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "problem").map_err(|_| PageError::NotFound("problem"))?;
    show(&state, &session, id, None).await
}

pub async fn act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let id = id_from(&id, "problem").map_err(|_| PageError::NotFound("problem"))?;
    let number = |name: &str| field(&fields, name).and_then(|v| v.parse::<i64>().ok());
    let done = match field(&fields, "action").as_deref() {
        Some("update") => {
            let Some(title) = field(&fields, "title") else {
                return show(&state, &session, id, Some("A problem needs a title.".into())).await;
            };
            let patch = ProblemPatch {
                title: Some(title),
                description: Some(fields.get("description").cloned().unwrap_or_default()),
                category: Some(field(&fields, "category").map(|c| c.to_lowercase())),
                owner_id: Some(number("owner_id")),
                corrective_action: Some(fields.get("corrective_action").cloned().unwrap_or_default()),
                preventive_action: Some(fields.get("preventive_action").cloned().unwrap_or_default()),
            };
            state.store.update_problem(id, &patch).await.map(|_| ())
        }
        Some("status") => match field(&fields, "status").and_then(|s| s.parse::<ProblemStatus>().ok()) {
            Some(to) => state.store.set_problem_status(id, to).await.map(|_| ()),
            None => return Err(PageError::BadForm("Choose a status.".into())),
        },
        Some("suggest") => {
            let kind = field(&fields, "kind").and_then(|k| k.parse::<SuggestionKind>().ok());
            match (kind, field(&fields, "text")) {
                (Some(kind), Some(text)) => {
                    state.store.add_suggestion(id, kind, &text, session.user.id).await.map(|_| ())
                }
                _ => return show(&state, &session, id, Some("Write your idea, as a cause or a fix.".into())).await,
            }
        }
        Some("vote") => match number("suggestion_id") {
            Some(sid) => state.store.vote(id, sid, session.user.id).await.map(|_| ()),
            None => return Err(PageError::BadForm("Which suggestion?".into())),
        },
        Some("seen") => match number("alarm_id") {
            Some(aid) => state.store.mark_alarm_seen(aid).await,
            None => return Err(PageError::BadForm("Which alarm?".into())),
        },
        _ => return Err(PageError::BadForm("This form cannot do that.".into())),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/problems/{id}")).into_response()),
        Err(StoreError::Conflict { message, .. }) => show(&state, &session, id, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}
