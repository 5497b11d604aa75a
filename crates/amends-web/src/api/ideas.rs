//! Ideas from the people who do the work (issue 22 §3): staff who handled a problem's
//! cases are asked for their idea on how to stop it happening again; everyone may give
//! one and vote (one vote per person per idea); a manager adopts one, which becomes the
//! problem's preventive action with its author credited.

use amends_store::{IdeaRecord, IdeaWanted};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Page, created, id_from};
use crate::AppState;
use crate::auth::{Agent, Manager};
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(vote))
        .routes(routes!(adopt))
        .routes(routes!(wanted))
}

/// An idea is at most this long.
pub(crate) const MAX_IDEA_CHARS: usize = 5000;

/// The words of an idea as kept: trimmed, 1 to 5000 characters.
pub(crate) fn idea_text(text: &str) -> Option<&str> {
    let text = text.trim();
    (!text.is_empty() && text.chars().count() <= MAX_IDEA_CHARS).then_some(text)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIdea {
    /// How to stop it happening again, in the author's words: 1 to 5000 characters after
    /// trimming.
    text: String,
}

#[utoipa::path(
    get, path = "/problems/{id}/ideas", tag = "problems", operation_id = "listIdeas",
    summary = r#"Ideas from staff on how to stop a problem happening again"#,
    description = r#"The adopted idea first (it is the problem's preventive action), then by votes. `voted` says whether the caller voted for it."#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The ideas."#, body = Page<IdeaRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<IdeaRecord>>> {
    let id = id_from(&id, "problem")?;
    state.store.problem(id).await?;
    Ok(axum::Json(Page { items: state.store.problem_ideas(id, user.id).await?, next_cursor: None }))
}

#[utoipa::path(
    post, path = "/problems/{id}/ideas", tag = "problems", operation_id = "giveIdea",
    summary = r#"Give an idea on how to stop a problem happening again (any employee)"#,
    description = r#"Keeps the idea under the caller's name and answers the caller's request for one (it leaves their inbox). The same words from the same person again are the first idea (201 with it), not a second one."#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    request_body(content = NewIdea),
    responses(
        (status = 201, description = r#"The idea."#, body = IdeaRecord),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: `text` is missing, blank or over 5000 characters."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewIdea>,
) -> ApiResult<impl IntoResponse> {
    let id = id_from(&id, "problem")?;
    let text = idea_text(&body.text).ok_or_else(|| ApiError::invalid("text", "an idea has 1 to 5000 characters"))?;
    Ok(created(state.store.add_idea(id, text, user.id).await?))
}

#[utoipa::path(
    post, path = "/problems/{id}/ideas/{idea}/votes", tag = "problems", operation_id = "voteIdea",
    summary = r#"Vote for an idea (one vote per member of staff; again changes nothing)"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
        ("idea" = i64, Path, description = r#"The idea's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The idea with its votes."#, body = IdeaRecord),
        (status = 404, description = r#"`not_found`: no such problem, or no such idea of it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn vote(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path((id, idea)): Path<(String, String)>,
) -> ApiResult<axum::Json<IdeaRecord>> {
    let (id, idea) = (id_from(&id, "problem")?, id_from(&idea, "idea")?);
    Ok(axum::Json(state.store.vote_idea(id, idea, user.id).await?))
}

#[utoipa::path(
    post, path = "/problems/{id}/ideas/{idea}/adopt", tag = "problems", operation_id = "adoptIdea",
    summary = r#"Adopt an idea as the problem's preventive action (managers)"#,
    description = r#"The idea's words become the problem's `preventive_action`, crediting its author ("… (idea of Sam Roe)"); an idea adopted before is no longer. Adopting the adopted idea again changes nothing. The owner's report counts ideas adopted."#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
        ("idea" = i64, Path, description = r#"The idea's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The adopted idea."#, body = IdeaRecord),
        (status = 403, description = r#"`forbidden`: not a manager."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such problem, or no such idea of it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn adopt(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path((id, idea)): Path<(String, String)>,
) -> ApiResult<axum::Json<IdeaRecord>> {
    let (id, idea) = (id_from(&id, "problem")?, id_from(&idea, "idea")?);
    Ok(axum::Json(state.store.adopt_idea(id, idea, user.id).await?))
}

#[utoipa::path(
    get, path = "/ideas/wanted", tag = "problems", operation_id = "ideasWanted",
    summary = r#"The problems the caller was asked for an idea on and has not answered"#,
    description = r#"Asked when a problem is opened or a case is linked to it, once per problem, of everyone who handled one of its cases; the staff inbox shows these as "Your idea is wanted". A verified problem asks no more."#,
    responses(
        (status = 200, description = r#"The open requests, newest first."#, body = Page<IdeaWanted>),
    ),
)]
pub async fn wanted(State(state): State<AppState>, Agent(user): Agent) -> ApiResult<axum::Json<Page<IdeaWanted>>> {
    Ok(axum::Json(Page { items: state.store.ideas_wanted(user.id).await?, next_cursor: None }))
}
