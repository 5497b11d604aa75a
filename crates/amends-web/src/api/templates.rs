//! `PUT /templates/{name}`: a manager saves the installation's version of a message
//! template. The same rules as the settings page (`pages/templates.rs`), which calls
//! [`save_checked`]: only the message's own variables, every required one kept, and the
//! coach's gate (the domain's, `step::coach_gate`) on the words customers will read.
//! An edit is in one language (`language`, English when not given): customers of that
//! language read it; the others keep the built-in text in theirs.

use amends_coach::Review;
use amends_domain::Language;
use amends_domain::step::coach_gate;
use amends_jobs::messages::{MessageTemplate, TemplateProblem, check, template};
use amends_store::{StoreError, TemplateOverride};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Manager;
use crate::coaching::reading_of;
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;

/// A template's source is at most this long; a message is far shorter.
pub const MAX_TEMPLATE_BYTES: usize = 256 * 1024;

/// Why a template was not saved.
pub enum SaveRefused {
    /// It does not work, names variables the message lacks, or drops required ones.
    Problem(TemplateProblem),
    /// The coach held its words and no reason was given: the review, to show.
    Held { kinds: Vec<String>, review: Review },
}

/// A template as saved, rendered with sample data.
pub struct Saved {
    pub subject: String,
    pub body: String,
    pub review: Review,
    pub coach_override: Option<TemplateOverride>,
}

/// Checks `source` for `t` in `language` and saves it, or says why not (nothing is
/// saved then).
pub async fn save_checked(
    state: &AppState,
    t: &MessageTemplate,
    language: Language,
    source: &str,
    user_id: i64,
    override_reason: Option<&str>,
) -> Result<Result<Saved, SaveRefused>, StoreError> {
    let (subject, body) = match check(t, source, language) {
        Ok(rendered) => rendered,
        Err(problem) => return Ok(Err(SaveRefused::Problem(problem))),
    };
    let review = state.coach.review(&body, t.purpose);
    let coach_override = match coach_gate(&reading_of(&review), override_reason) {
        Ok(passed) => passed.map(|o| TemplateOverride { kinds: o.kinds, reason: o.reason }),
        Err(amends_domain::step::Refused::CoachHeld { kinds }) => {
            return Ok(Err(SaveRefused::Held { kinds, review }));
        }
        Err(other) => return Err(StoreError::StepRefused(other)),
    };
    state.store.save_template(t.name, language.tag(), source, user_id, coach_override.as_ref()).await?;
    Ok(Ok(Saved { subject, body, review, coach_override }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateSource {
    /// First line `Subject: …`, a blank line, then the body (minijinja), as the
    /// preview takes it; at most 256 KiB.
    source: String,
    /// The reason to save words the coach held back (as for a step's text).
    coach_override: Option<String>,
    /// The language of this edit, a tag (`en`, `de`); English when not given. Customers
    /// of that language receive it; the others keep the built-in text in theirs.
    language: Option<String>,
}

/// The language an edit is in: the tag given, English when none; an unknown tag is a 422.
pub fn edit_language(tag: Option<&str>) -> Result<Language, ApiError> {
    match tag.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(Language::English),
        Some(tag) => Language::from_tag(tag).ok_or_else(|| {
            let known: Vec<&str> = Language::ALL.iter().map(|l| l.tag()).collect();
            ApiError::invalid("language", format!("{tag:?} is not a language of the desk ({})", known.join(", ")))
        }),
    }
}

/// The template as saved, rendered with sample data, with the coach's review.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SavedTemplate {
    name: String,
    /// The language of the edit saved.
    language: String,
    source: String,
    subject: String,
    body: String,
    review: Review,
    /// Present when it was saved over the coach's findings.
    coach_override: Option<TemplateOverride>,
}

#[utoipa::path(
    put, path = "/templates/{name}", tag = "coach", operation_id = "saveTemplate",
    summary = r#"Save the installation's version of a message template (managers)"#,
    description = r#"Customers of the edit's `language` (English when not given) receive the saved version from then on; customers of another language keep the built-in text in theirs until that language is edited too. The built-in text is a skeleton of messages (`{{ t("mail-dear") }}`); an edit may call them too, and then reads in every language. The source may use only the message's own variables (those the editor lists, such as `name`, `customer.first_name`, `reference`), and must keep the ones the customer is asked to read or answer (the restatement's `restatement` and `link`, the offer's `option1`, `option2` and `link`…). The coach reads the body rendered with sample data; words it holds back need `coach_override`, a reason, which is kept beside the template."#,
    params(
        ("name" = String, Path, description = r#"acknowledgement, restatement, apology, offer, fix_promised, fix_done, disclosure, follow_up or message."#),
    ),
    request_body(content = TemplateSource),
    responses(
        (status = 200, description = r#"Saved."#, body = SavedTemplate),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: not a manager, or a session without its CSRF token."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such template."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid` with `field: source`: the template does not work, or names variables the message does not have (`unknown_variables`), or leaves out required ones (`missing_variables`); the message names them. `coach_gate` with `field: coach_override` and `findings`: the coach held the words back; rewrite them, or send `coach_override`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn save(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(name): Path<String>,
    JsonBody(body): JsonBody<TemplateSource>,
) -> ApiResult<axum::Json<SavedTemplate>> {
    let t = template(&name).ok_or_else(|| ApiError::not_found("template"))?;
    if body.source.len() > MAX_TEMPLATE_BYTES {
        return Err(ApiError::invalid("source", "a template has at most 256 KiB"));
    }
    let language = edit_language(body.language.as_deref())?;
    let source = body.source.replace("\r\n", "\n");
    match save_checked(&state, t, language, &source, user.id, body.coach_override.as_deref()).await? {
        Ok(Saved { subject, body, review, coach_override }) => Ok(axum::Json(SavedTemplate {
            name: t.name.to_owned(),
            language: language.tag().to_owned(),
            source,
            subject,
            body,
            review,
            coach_override,
        })),
        Err(SaveRefused::Problem(problem)) => {
            let details = match &problem {
                TemplateProblem::Variables { unknown, missing } => {
                    Some(serde_json::json!({ "unknown_variables": unknown, "missing_variables": missing }))
                }
                TemplateProblem::Broken(_) => None,
            };
            Err(ApiError { details, ..ApiError::invalid("source", problem.to_string()) })
        }
        Err(SaveRefused::Held { kinds, review }) => Err(ApiError {
            details: Some(serde_json::json!({ "findings": review.findings, "score": review.score, "held": kinds })),
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "coach_gate",
                format!(
                    "the coach found company-focused wording ({}); rewrite it, or send coach_override with your reason",
                    kinds.join(", ")
                ),
            )
            .with_field("coach_override")
        }),
    }
}
