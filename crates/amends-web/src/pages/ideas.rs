//! The ideas on a problem's page (issue 22 §3): give one, vote for one (once), and for a
//! manager, adopt one as the problem's preventive action. The API's rules
//! (`api/ideas.rs`) and the store's; the page says a refusal in words.

use amends_domain::Role;
use amends_i18n::text;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};

use super::login::Nothing;
use super::{PageError, Posted, field};
use crate::AppState;
use crate::api::id_from;
use crate::api::ideas::idea_text;

pub async fn act(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let id = id_from(&id, "problem").map_err(|_| PageError::NotFound("problem"))?;
    let idea = || field(&fields, "idea_id").and_then(|v| v.parse::<i64>().ok());
    match field(&fields, "action").as_deref() {
        Some("give") => {
            let given = fields.get("text").map(String::as_str).unwrap_or_default();
            let Some(given) = idea_text(given) else {
                return Err(PageError::BadForm(text(session.language, "problem-error-idea-length")));
            };
            state.store.add_idea(id, given, session.user.id).await?;
        }
        Some("vote") => {
            let idea = idea().ok_or_else(|| PageError::BadForm(text(session.language, "problem-error-which-idea")))?;
            state.store.vote_idea(id, idea, session.user.id).await?;
        }
        Some("adopt") => {
            session.require(Role::Manager)?;
            let idea = idea().ok_or_else(|| PageError::BadForm(text(session.language, "problem-error-which-idea")))?;
            state.store.adopt_idea(id, idea, session.user.id).await?;
        }
        _ => return Err(PageError::BadForm(text(session.language, "problem-error-form"))),
    }
    Ok(Redirect::to(&format!("/problems/{id}#ideas")).into_response())
}
