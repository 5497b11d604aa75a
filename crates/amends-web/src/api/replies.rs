//! Saved replies over the API: agents list them (filled in for a case when asked);
//! managers write them, as they edit the message templates (`crate::replies`).

use amends_store::SavedReply;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use super::{Page, created, id_from};
use crate::AppState;
use crate::auth::{Agent, Manager};
use crate::error::ApiResult;
use crate::json::{JsonBody, Params};

/// A saved reply, with what the coach found when it was just saved, or its words filled
/// in for a case when listed with `case_id`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReplyView {
    #[serde(flatten)]
    reply: SavedReply,
    /// With `case_id`: the words filled in for that case, signed by the caller, as the
    /// Reply box takes them.
    #[serde(skip_serializing_if = "Option::is_none")]
    filled: Option<String>,
    /// After a save: what the coach found in the words (with sample values filled in).
    #[serde(skip_serializing_if = "Option::is_none")]
    findings: Option<Vec<amends_coach::Finding>>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Fill each reply's variables in for this case.
    case_id: Option<i64>,
}

#[utoipa::path(
    get, path = "/replies", tag = "replies", operation_id = "listSavedReplies",
    summary = r#"The business's saved replies"#,
    description = r#"By name. With `case_id`, each carries `filled`: its variables (`{{ customer.first_name }}`, `{{ case.reference }}`, `{{ agent.name }}`) filled in for that case and the caller."#,
    params(ListQuery),
    responses(
        (status = 200, description = r#"The saved replies."#, body = Page<ReplyView>),
        (status = 400, description = r#"`bad_query`: a query parameter is unknown or not a number."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case (`case_id`)."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Agent(user): Agent,
    Params(q): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<ReplyView>>> {
    let mut items = Vec::new();
    for reply in state.store.saved_replies().await? {
        let filled = match q.case_id {
            Some(case_id) => Some(crate::replies::filled(&state, &reply, case_id, &user.name).await?),
            None => None,
        };
        items.push(ReplyView { reply, filled, findings: None });
    }
    Ok(axum::Json(Page { items, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyInput {
    /// 1 to 100 characters, trimmed; unique.
    name: String,
    /// The words, with any of `{{ customer.first_name }}`, `{{ case.reference }}` and
    /// `{{ agent.name }}`; another variable is refused (422, naming it).
    body: String,
    /// When the coach holds the words back (422 `coach_gate` with `findings`), the
    /// reason to keep them anyway; it is kept with the reply.
    coach_override: Option<String>,
}

const WRITE_ERRORS: &str = "`invalid` with `field`: a blank or too long `name`; an empty `body`, a variable it may not use (the message names it, e.g. `{{ customer.last_name }}`), or a `{{` never closed. `coach_gate` with `field: coach_override` and `findings`: the coach held the words back; rewrite them or send `coach_override`.";

#[utoipa::path(
    post, path = "/replies", tag = "replies", operation_id = "createSavedReply",
    summary = r#"Save a reply for the business (managers)"#,
    description = r#"Checked (its variables) and coached (with sample values filled in) before it is kept; the answer carries the coach's `findings`."#,
    request_body(content = ReplyInput),
    responses(
        (status = 201, description = r#"Saved."#, body = ReplyView),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers and admins write saved replies."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: name`: a saved reply has this name."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = WRITE_ERRORS, body = crate::error::ErrorBody),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Manager(user): Manager,
    JsonBody(body): JsonBody<ReplyInput>,
) -> ApiResult<impl IntoResponse> {
    let (draft, review) = crate::replies::draft(&state.coach, &body.name, &body.body, body.coach_override.as_deref())?;
    let reply = state.store.create_saved_reply(&draft, user.id).await?;
    Ok(created(ReplyView { reply, filled: None, findings: Some(review.findings) }))
}

#[utoipa::path(
    put, path = "/replies/{id}", tag = "replies", operation_id = "updateSavedReply",
    summary = r#"Change a saved reply (managers)"#,
    description = r#"Its name and words as given, checked and coached as when it was made."#,
    params(("id" = i64, Path, minimum = 1)),
    request_body(content = ReplyInput),
    responses(
        (status = 200, description = r#"Changed."#, body = ReplyView),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers and admins write saved replies."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such saved reply."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: name`: another saved reply has this name."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = WRITE_ERRORS, body = crate::error::ErrorBody),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ReplyInput>,
) -> ApiResult<axum::Json<ReplyView>> {
    let id = id_from(&id, "saved reply")?;
    let (draft, review) = crate::replies::draft(&state.coach, &body.name, &body.body, body.coach_override.as_deref())?;
    let reply = state.store.update_saved_reply(id, &draft, user.id).await?;
    Ok(axum::Json(ReplyView { reply, filled: None, findings: Some(review.findings) }))
}

#[utoipa::path(
    delete, path = "/replies/{id}", tag = "replies", operation_id = "deleteSavedReply",
    summary = r#"Delete a saved reply (managers)"#,
    params(("id" = i64, Path, minimum = 1)),
    responses(
        (status = 204, description = r#"Deleted. Replies already sent with it are kept on their cases."#),
        (status = 403, description = r#"`forbidden`: managers and admins write saved replies."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such saved reply."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn delete(State(state): State<AppState>, _: Manager, Path(id): Path<String>) -> ApiResult<StatusCode> {
    state.store.delete_saved_reply(id_from(&id, "saved reply")?).await?;
    Ok(StatusCode::NO_CONTENT)
}
