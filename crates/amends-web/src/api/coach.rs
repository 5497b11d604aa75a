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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// The draft to review (at most 256 KiB).
    text: String,
    /// The step or purpose the text is for: restatement, apology, offer, gesture, fix,
    /// follow_up, letter, disclosure, other.
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
#[derive(Serialize, utoipa::ToSchema)]
pub struct CoachAnswer {
    /// The draft's own score (missed concerns do not change it).
    score: u8,
    findings: Vec<AnswerFinding>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
enum AnswerFinding {
    Wording(Finding),
    Missed(MissedFinding),
}

/// A concern of the complaint the restatement leaves out; `start`/`end` point into the
/// complaint, not the draft.
#[derive(Serialize, utoipa::ToSchema)]
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

#[utoipa::path(
    post, path = "/coach", tag = "coach", operation_id = "reviewDraft",
    summary = r#"The language coach's review of a draft"#,
    description = r#"Reviews the wording of a draft for the step it serves. For a restatement (`step: restatement`) with the complaint it says back (`complaint`, or `case_id` for the case's own words), the answer also holds one finding of kind `missed_concern` for each stated or implied concern of the complaint that the restatement does not cover in any words; its `start`/`end` point into the complaint and `concern` quotes the complaint's words. `score` is the draft's own score."#,
    request_body(content = Draft),
    responses(
        (status = 200, description = r#"Findings and a score."#, body = CoachAnswer),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no case with that `case_id`."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a missing or wrong-typed field, a draft or complaint over 256 KiB, both `complaint` and `case_id` (`field: case_id`), or a complaint with a step other than `restatement` (`field: step`)."#, body = crate::error::ErrorBody),
    ),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateDraft {
    /// acknowledgement, restatement, apology, offer, fix_promised, fix_done or
    /// follow_up
    name: String,
    /// First line `Subject: …`, a blank line, then the body (minijinja).
    source: String,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct TemplatePreview {
    subject: String,
    body: String,
    /// Why the template could not be saved: it does not render, names variables the
    /// message does not have, or leaves out required ones.
    problem: Option<String>,
    review: Review,
}

#[utoipa::path(
    post, path = "/templates/preview", tag = "coach", operation_id = "previewTemplate",
    summary = r#"A message template rendered with sample data, and the coach's review (managers)"#,
    request_body(content = TemplateDraft),
    responses(
        (status = 200, description = r#"The preview."#, body = TemplatePreview),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: not a manager, or a session without its CSRF token."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such template."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
    ),
)]
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
            // It renders; it may still name variables the message lacks or drop required ones.
            Ok((subject, body)) => {
                (subject, body, amends_jobs::messages::check(template, &draft.source).err().map(|p| p.to_string()))
            }
            Err(e) => (String::new(), String::new(), Some(e)),
        };
    let review = state.coach.review(&body, template.purpose);
    Ok(axum::Json(TemplatePreview { subject, body, problem, review }))
}
