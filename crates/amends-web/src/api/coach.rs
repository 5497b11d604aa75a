//! `POST /coach`: the language coach's review of a draft, and for a restatement, the
//! complaint's concerns it does not say back.

use amends_coach::{ConcernKind, Finding, MissedConcern, Purpose, Review, Severity, UnheardFeeling};
use amends_domain::Feeling;
use amends_domain::playbook::EventKind;
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
    /// …or as the case whose complaint it is. For a restatement or an apology, the case
    /// also gives how the customer felt when heard (its latest `feeling_recorded`).
    case_id: Option<i64>,
    /// For a restatement or an apology without a case: how the customer felt (angry,
    /// upset, anxious, disappointed, calm).
    feeling: Option<Feeling>,
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
    Feeling(FeelingFinding),
}

/// How the customer felt when heard, which the draft does not acknowledge in any words
/// of that feeling's kind (kind `unacknowledged_feeling`; advisory, it never holds a
/// send). It points at no words of the draft (`start` = `end` = 0).
#[derive(Serialize, utoipa::ToSchema)]
struct FeelingFinding {
    kind: &'static str,
    severity: Severity,
    start: usize,
    end: usize,
    /// "Hannah felt anxious — say you understand the worry."
    why: String,
    suggestion: String,
    feeling: Feeling,
}

/// The reminder to acknowledge `feeling`, said of the customer by their first name.
fn feeling_finding(first_name: &str, feeling: Feeling, unheard: UnheardFeeling) -> FeelingFinding {
    FeelingFinding {
        kind: "unacknowledged_feeling",
        severity: Severity::Medium,
        start: 0,
        end: 0,
        why: format!("{first_name} felt {} — {}. {}", unheard.name, unheard.suggestion, unheard.why),
        suggestion: {
            let mut s = unheard.suggestion;
            if let Some(first) = s.get(..1) {
                s.replace_range(..1, &first.to_uppercase());
            }
            format!("{s}.")
        },
        feeling,
    }
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
    description = r#"Reviews the wording of a draft for the step it serves. For a restatement (`step: restatement`) with the complaint it says back (`complaint`, or `case_id` for the case's own words), the answer also holds one finding of kind `missed_concern` for each stated or implied concern of the complaint that the restatement does not cover in any words; its `start`/`end` point into the complaint and `concern` quotes the complaint's words. For a restatement or an apology with `case_id` (or `feeling`), when the customer was heard angry, upset, anxious or disappointed and the draft does not acknowledge that feeling in any words of its kind, one finding of kind `unacknowledged_feeling` reminds the writer (“Hannah felt anxious — say you understand the worry”); it is advisory. `score` is the draft's own score."#,
    request_body(content = Draft),
    responses(
        (status = 200, description = r#"Findings and a score."#, body = CoachAnswer),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no case with that `case_id`."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a missing or wrong-typed field, a draft or complaint over 256 KiB, both `complaint` and `case_id` (`field: case_id`), a complaint with a step other than `restatement`, or a `case_id` or `feeling` with a step other than `restatement` or `apology` (`field: step`)."#, body = crate::error::ErrorBody),
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
    let hears_feeling = matches!(purpose, Purpose::Restatement | Purpose::Apology);
    if draft.case_id.is_some() && !hears_feeling {
        return Err(ApiError::invalid(
            "step",
            "a case is read only for a restatement or an apology (step: restatement or apology)",
        ));
    }
    if draft.feeling.is_some() && !hears_feeling {
        return Err(ApiError::invalid("step", "a feeling is acknowledged in a restatement or an apology"));
    }
    let case = match draft.case_id {
        Some(id) => Some(state.store.case_with_timeline(id).await?),
        None => None,
    };
    let complaint = match (draft.complaint, &case) {
        (Some(_), Some(_)) => return Err(ApiError::invalid("case_id", "give the complaint or the case_id, not both")),
        (Some(text), None) => Some(text),
        (None, Some((case, _))) if purpose == Purpose::Restatement => Some(case.body.clone()),
        (None, _) => None,
    };
    if complaint.is_some() && purpose != Purpose::Restatement {
        return Err(ApiError::invalid("step", "a complaint is compared only with a restatement (step: restatement)"));
    }
    let (first_name, feeling) = match &case {
        Some((case, events)) => {
            let heard = events.iter().rev().find_map(|e| match &e.event.kind {
                EventKind::FeelingRecorded { feeling, .. } => Some(*feeling),
                _ => None,
            });
            (amends_domain::step::first_name(&case.customer_name).to_owned(), draft.feeling.or(heard))
        }
        None => ("The customer".to_owned(), draft.feeling),
    };
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
    if let Some(feeling) = feeling
        && let Some(unheard) = state.coach.unheard_feeling(feeling.as_str(), &draft.text)
    {
        findings.push(AnswerFinding::Feeling(feeling_finding(&first_name, feeling, unheard)));
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
    /// The language to preview it in, a tag (`en`, `de`); English when not given.
    language: Option<String>,
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
    let language = super::templates::edit_language(draft.language.as_deref())?;
    let sample = amends_jobs::messages::sample_context(language, "The team");
    let (subject, body, problem) = match amends_jobs::messages::render(&draft.source, sample) {
        // It renders; it may still name variables the message lacks or drop required ones.
        Ok((subject, body)) => (
            subject,
            body,
            amends_jobs::messages::check(template, &draft.source, language).err().map(|p| p.to_string()),
        ),
        Err(e) => (String::new(), String::new(), Some(e)),
    };
    let review = state.coach.review(&body, template.purpose);
    Ok(axum::Json(TemplatePreview { subject, body, problem, review }))
}
