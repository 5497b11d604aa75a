//! `POST /coach`: the language coach's review of a draft, and for a restatement, the
//! complaint's concerns it does not say back.

use amends_coach::{ConcernKind, Finding, MissedConcern, Purpose, Review, Severity};
use axum::extract::State;
use serde::{Deserialize, Serialize};

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
    /// For a restatement: the complaint it says back, given as text…
    complaint: Option<String>,
    /// …or as the case whose complaint it is.
    case_id: Option<i64>,
}

/// Drafts up to this size are reviewed; a letter is far shorter.
const MAX_DRAFT_BYTES: usize = 256 * 1024;

/// The review of a draft: the coach's findings on its wording, then (for a restatement
/// with its complaint) one `missed_concern` finding per concern it does not say back.
#[derive(Serialize)]
pub struct CoachAnswer {
    /// The draft's own score (missed concerns do not change it).
    score: u8,
    findings: Vec<AnswerFinding>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum AnswerFinding {
    Wording(Finding),
    Missed(MissedFinding),
}

/// A concern of the complaint the restatement leaves out; `start`/`end` point into the
/// complaint, not the draft.
#[derive(Serialize)]
struct MissedFinding {
    kind: &'static str,
    severity: Severity,
    start: usize,
    end: usize,
    why: String,
    suggestion: String,
    /// The complaint's own words for it.
    concern: String,
    concern_id: String,
    concern_kind: ConcernKind,
}

impl From<MissedConcern> for MissedFinding {
    fn from(m: MissedConcern) -> Self {
        MissedFinding {
            kind: "missed_concern",
            severity: Severity::Medium,
            start: m.concern.start,
            end: m.concern.end,
            why: m.explanation,
            suggestion: m.suggestion,
            concern: m.concern.words,
            concern_id: m.concern.id,
            concern_kind: m.concern.kind,
        }
    }
}

pub async fn review(
    State(state): State<AppState>,
    _: Agent,
    JsonBody(draft): JsonBody<Draft>,
) -> ApiResult<axum::Json<CoachAnswer>> {
    if draft.text.len() > MAX_DRAFT_BYTES {
        return Err(ApiError::invalid("text", "a draft to review has at most 256 KiB"));
    }
    let purpose = purpose_of(draft.step.as_deref());
    let complaint = match (draft.complaint, draft.case_id) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("case_id", "give the complaint or the case_id, not both")),
        (Some(text), None) => Some(text),
        (None, Some(id)) => Some(state.store.case(id).await?.body),
        (None, None) => None,
    };
    if complaint.is_some() && purpose != Purpose::Restatement {
        return Err(ApiError::invalid("step", "a complaint is compared only with a restatement (step: restatement)"));
    }
    if complaint.as_ref().is_some_and(|c| c.len() > MAX_DRAFT_BYTES) {
        return Err(ApiError::invalid("complaint", "a complaint to compare has at most 256 KiB"));
    }
    let Review { score, findings } = state.coach.review(&draft.text, purpose);
    let mut findings: Vec<AnswerFinding> = findings.into_iter().map(AnswerFinding::Wording).collect();
    if let Some(complaint) = complaint {
        findings.extend(
            state.coach.missed_concerns(&complaint, &draft.text).into_iter().map(|m| AnswerFinding::Missed(m.into())),
        );
    }
    Ok(axum::Json(CoachAnswer { score, findings }))
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
