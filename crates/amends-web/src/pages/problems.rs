//! Problems: the list (with recurrence alarms as a badge) and one problem's page, where
//! staff edit its actions, move its status, suggest causes and fixes and vote; once it is
//! fixed, a manager tells everyone it affected what changed (the proof, `api/proof.rs`).

use amends_domain::{ProblemStatus, SuggestionKind};
use amends_i18n::text;
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
        return Err(PageError::BadForm(text(session.language, "problem-error-title-length")));
    };
    let made = state.store.create_problem(&title, "", session.user.id).await?;
    Ok(Redirect::to(&format!("/problems/{}", made.id)).into_response())
}

/// What the proof's form shows again when it was not sent: the draft, and the coach's
/// findings when it held the words.
#[derive(Default, serde::Serialize)]
struct ProofDraft {
    text: String,
    coach_override: String,
    gesture_kind: String,
    gesture_description: String,
    gesture_cost: String,
    held: Vec<String>,
    findings: Vec<String>,
}

async fn show(state: &AppState, session: &StaffSession, id: i64, error: Option<String>) -> Result<Response, PageError> {
    show_with(state, session, id, error, None).await
}

async fn show_with(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    error: Option<String>,
    draft: Option<ProofDraft>,
) -> Result<Response, PageError> {
    let problem = state.store.problem(id).await?;
    let suggestions = state.store.problem_suggestions(id).await?;
    let alarms = state.store.alarms(Some(id), None, false).await?;
    let ideas = state.store.problem_ideas(id, session.user.id).await?;
    let manager = session.user.role.at_least(amends_domain::Role::Manager);
    let users: Vec<_> = state.store.list_users().await?.into_iter().filter(|u| u.active).collect();
    let status = if error.is_some() { axum::http::StatusCode::CONFLICT } else { axum::http::StatusCode::OK };
    // The proof, for managers once the problem is fixed: everyone it affected, their
    // case's outcome and where their proof stands, and the month's gesture budget.
    let proof = if session.layout().is_manager && problem.status.counts_as_recurrence() {
        let recipients = state.store.proof_recipients(id).await?;
        let sent = state.store.proof(id).await?;
        let budget = super::case::month_budget(state, state.store.now()).await?;
        let not_told = recipients.iter().filter(|r| r.status.is_none()).count();
        Some(minijinja::context! { recipients, sent, budget, not_told, draft => draft.unwrap_or_default() })
    } else {
        None
    };
    let page = render(
        "problem.html",
        minijinja::context! {
            layout => session.layout(), problem, suggestions, alarms, users, error, ideas, manager, proof,
        },
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
                return show(&state, &session, id, Some(text(session.language, "problem-error-no-title"))).await;
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
            None => return Err(PageError::BadForm(text(session.language, "problem-error-status"))),
        },
        Some("suggest") => {
            let kind = field(&fields, "kind").and_then(|k| k.parse::<SuggestionKind>().ok());
            match (kind, field(&fields, "text")) {
                (Some(kind), Some(idea)) => {
                    state.store.add_suggestion(id, kind, &idea, session.user.id).await.map(|_| ())
                }
                _ => return show(&state, &session, id, Some(text(session.language, "problem-error-idea-text"))).await,
            }
        }
        Some("vote") => match number("suggestion_id") {
            Some(sid) => state.store.vote(id, sid, session.user.id).await.map(|_| ()),
            None => return Err(PageError::BadForm(text(session.language, "problem-error-which-suggestion"))),
        },
        Some("proof") => return send_proof(&state, &session, id, &fields).await,
        Some("seen") => match number("alarm_id") {
            Some(aid) => state.store.mark_alarm_seen(aid).await,
            None => return Err(PageError::BadForm(text(session.language, "problem-error-which-alarm"))),
        },
        _ => return Err(PageError::BadForm(text(session.language, "problem-error-form"))),
    };
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/problems/{id}")).into_response()),
        Err(StoreError::Conflict { message, .. }) => show(&state, &session, id, Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

/// "Tell everyone it affected": the proof as the API sends it (`api::proof::send_checked`);
/// what stops it (the coach, the rules, the budget) is said on the page with the draft kept.
async fn send_proof(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    fields: &std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    session.require(amends_domain::Role::Manager)?;
    let mut draft = ProofDraft {
        text: fields.get("text").cloned().unwrap_or_default(),
        coach_override: fields.get("coach_override").cloned().unwrap_or_default(),
        gesture_kind: fields.get("gesture_kind").cloned().unwrap_or_default(),
        gesture_description: fields.get("gesture_description").cloned().unwrap_or_default(),
        gesture_cost: fields.get("gesture_cost").cloned().unwrap_or_default(),
        ..ProofDraft::default()
    };
    let gesture = match field(fields, "gesture_description") {
        None => None,
        Some(description) => {
            let cost = match super::case::parse_money(field(fields, "gesture_cost")) {
                Ok(cost) => cost,
                Err(why) => return show_with(state, session, id, Some(why), Some(draft)).await,
            };
            let body = crate::api::proof::GestureBody {
                gesture: field(fields, "gesture_kind").unwrap_or_else(|| "voucher".to_owned()),
                description,
                cost_minor: cost,
                currency: None,
            };
            match crate::api::proof::gesture_of(state, body).await {
                Ok(g) => Some(g),
                Err(e) => return show_with(state, session, id, Some(e.message), Some(draft)).await,
            }
        }
    };
    let words = draft.text.clone();
    let reason = field(fields, "coach_override");
    match crate::api::proof::send_checked(state, id, words, gesture, reason.as_deref(), session.user.id).await {
        Ok(_) => Ok(Redirect::to(&format!("/problems/{id}#proof")).into_response()),
        Err(crate::api::proof::NotSent::Held { kinds, review }) => {
            draft.held = kinds;
            draft.findings = review.findings.iter().map(|f| format!("{}: {}", f.kind.as_str(), f.why)).collect();
            let why = text(session.language, "problem-error-coach");
            show_with(state, session, id, Some(why), Some(draft)).await
        }
        Err(crate::api::proof::NotSent::Invalid(e)) => {
            show_with(state, session, id, Some(e.message), Some(draft)).await
        }
        Err(crate::api::proof::NotSent::Store(StoreError::Refused(refusal))) => {
            show_with(state, session, id, Some(refusal.message), Some(draft)).await
        }
        Err(crate::api::proof::NotSent::Store(StoreError::Conflict { message, .. })) => {
            show_with(state, session, id, Some(message), Some(draft)).await
        }
        Err(crate::api::proof::NotSent::Store(e)) => Err(e.into()),
    }
}
