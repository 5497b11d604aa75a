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
