//! Saved replies as the API and the pages share them: the domain checks the words
//! (`amends_domain::reply`: a known variable or a refusal naming it), the coach reads
//! them with sample values filled in, and the domain's gate decides which findings need
//! a reason to keep them; then each case fills them in for the one who answers.

use amends_coach::{Purpose, Review};
use amends_domain::reply::{Filling, SnippetError, check, fill, first_name};
use amends_store::{ReplyDraft, SavedReply};

use crate::AppState;
use crate::error::ApiError;

/// Why a saved reply is not kept.
pub enum Refused {
    /// The name or the words are wrong (an unknown variable, say).
    Invalid(SnippetError),
    /// The coach held the words back and no reason was given.
    Held(Review),
}

impl From<Refused> for ApiError {
    fn from(r: Refused) -> Self {
        match r {
            Refused::Invalid(e) => ApiError::invalid(e.field(), e.to_string()),
            Refused::Held(review) => ApiError {
                details: Some(serde_json::json!({ "findings": review.findings, "score": review.score })),
                ..ApiError::new(
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                    "coach_gate",
                    "the coach found company-focused wording; rewrite it, or send coach_override with your reason",
                )
                .with_field("coach_override")
            },
        }
    }
}

/// The values a preview of a saved reply is coached with.
const SAMPLE: Filling<'static> =
    Filling { customer_first_name: "Anna", case_reference: "AM-1042", agent_name: "Mia Schmidt" };

/// Checks and coaches a saved reply: the draft to keep (with the reason, when the coach
/// held words back), and the coach's review to show.
pub fn draft(
    coach: &crate::coaching::Coaches,
    name: &str,
    body: &str,
    coach_override: Option<&str>,
) -> Result<(ReplyDraft, Review), Refused> {
    let body = body.replace("\r\n", "\n");
    check(name, &body).map_err(Refused::Invalid)?;
    let review = coach.review(&fill(&body, &SAMPLE), Purpose::Other);
    let reading = crate::coaching::reading_of(&review);
    let reason = coach_override.map(str::trim).filter(|r| !r.is_empty());
    let coach_override = match (reading.holding_kinds().is_empty(), reason) {
        (true, _) => None,
        (false, Some(reason)) => Some(reason.to_owned()),
        (false, None) => return Err(Refused::Held(review)),
    };
    Ok((ReplyDraft { name: name.trim().to_owned(), body, coach_override }, review))
}

/// A saved reply's words filled in for one case, as `agent_name` would send them.
pub async fn filled(state: &AppState, reply: &SavedReply, case_id: i64, agent_name: &str) -> Result<String, ApiError> {
    let case = state.store.case(case_id).await?;
    let filling =
        Filling { customer_first_name: first_name(&case.customer_name), case_reference: &case.reference, agent_name };
    Ok(fill(&reply.body, &filling))
}
