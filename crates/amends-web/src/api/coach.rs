//! `POST /coach`: the language coach's review of a draft.

use amends_coach::Review;
use axum::extract::State;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Agent;
use crate::coaching::purpose_of;
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    text: String,
    step: Option<String>,
}

/// Drafts up to this size are reviewed; a letter is far shorter.
const MAX_DRAFT_BYTES: usize = 256 * 1024;

pub async fn review(
    State(state): State<AppState>,
    _: Agent,
    JsonBody(draft): JsonBody<Draft>,
) -> ApiResult<axum::Json<Review>> {
    if draft.text.len() > MAX_DRAFT_BYTES {
        return Err(ApiError::invalid("text", "a draft to review has at most 256 KiB"));
    }
    Ok(axum::Json(state.coach.review(&draft.text, purpose_of(draft.step.as_deref()))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateDraft {
    name: String,
    source: String,
}

#[derive(serde::Serialize)]
pub struct TemplatePreview {
    subject: String,
    body: String,
    /// Why the template does not render, when it does not.
    problem: Option<String>,
    review: Review,
}

/// A message template rendered with sample data, and the coach's review of it.
pub async fn preview_template(
    State(state): State<AppState>,
    _: crate::auth::Manager,
    JsonBody(draft): JsonBody<TemplateDraft>,
) -> ApiResult<axum::Json<TemplatePreview>> {
    let template = amends_jobs::messages::template(&draft.name).ok_or_else(|| ApiError::not_found("template"))?;
    if draft.source.len() > MAX_DRAFT_BYTES {
        return Err(ApiError::invalid("source", "a template has at most 256 KiB"));
    }
    let (subject, body, problem) =
        match amends_jobs::messages::render(&draft.source, amends_jobs::messages::sample_context("The team")) {
            Ok((subject, body)) => (subject, body, None),
            Err(e) => (String::new(), String::new(), Some(e)),
        };
    let review = state.coach.review(&body, template.purpose);
    Ok(axum::Json(TemplatePreview { subject, body, problem, review }))
}
