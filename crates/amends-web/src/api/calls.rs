//! A personal touch for disclosures (issue 22 §4): a draft disclosure made a call list,
//! its customers rung most valuable first from a script made of the coached notice, each
//! call's outcome kept with the concerns heard; the notice goes by mail or letter only
//! to those not reached once the time for calling has passed.

use amends_domain::calls::{CallOutcome, call_script, calling_time};
use amends_store::CallList;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{created, id_from};
use crate::AppState;
use crate::auth::Manager;
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_list, make)).routes(routes!(record))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCallList {
    /// How long staff call before the notice goes to those not reached: 1 to 720 hours.
    hours: i64,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCall {
    /// reached, message_left or no_answer.
    outcome: CallOutcome,
    /// What worried them, in their words (at most 5000 characters; kept as said).
    #[serde(default)]
    concerns: String,
}

/// Makes the script and the list (shared with the page).
pub(crate) async fn make_list(state: &AppState, id: i64, hours: i64, by: i64) -> Result<CallList, ApiError> {
    let wait = calling_time(hours).map_err(|m| ApiError::invalid("hours", m))?;
    let d = state.store.disclosure(id).await?;
    let script = call_script(&state.settings.letters.head.business_name, &d.title, &d.explanation, &d.solution);
    Ok(state.store.make_call_list(id, &script, state.store.now() + wait, by).await?)
}

/// Checks a call's concerns (shared with the page).
pub(crate) fn check_concerns(concerns: &str) -> Result<(), ApiError> {
    if concerns.chars().count() > 5000 {
        return Err(ApiError::invalid("concerns", "what they said has at most 5000 characters"));
    }
    Ok(())
}

#[utoipa::path(
    post, path = "/disclosures/{id}/calls", tag = "disclosures", operation_id = "makeCallList",
    summary = r#"Make a draft disclosure a call list (managers)"#,
    description = r#"Picks the disclosure's customers now (as a send would), keeps a call script made from its coached notice (`{first_name}` stands for each customer's), and sets the time after which the notice goes by mail or letter to those not reached by phone (a job: those reached are `called` and get nothing more). Sent twice, the list as it is (201)."#,
    params(("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1)),
    request_body(content = NewCallList),
    responses(
        (status = 201, description = r#"The call list, most valuable customers first."#, body = CallList),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: not a manager."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the disclosure was sent already."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: `hours` is not 1 to 720."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn make(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewCallList>,
) -> ApiResult<impl IntoResponse> {
    let id = id_from(&id, "disclosure")?;
    Ok(created(make_list(&state, id, body.hours, user.id).await?))
}

#[utoipa::path(
    get, path = "/disclosures/{id}/calls", tag = "disclosures", operation_id = "getCallList",
    summary = r#"A disclosure's call list: who to ring, most valuable first, and each call made (managers)"#,
    params(("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1)),
    responses(
        (status = 200, description = r#"The call list."#, body = CallList),
        (status = 403, description = r#"`forbidden`: not a manager."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such disclosure, or it is not a call list."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn get_list(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CallList>> {
    let id = id_from(&id, "disclosure")?;
    Ok(axum::Json(state.store.call_list(id).await?))
}

#[utoipa::path(
    post, path = "/disclosures/{id}/calls/{recipient}", tag = "disclosures", operation_id = "recordCall",
    summary = r#"Record a call: reached, message left or no answer, with the concerns heard (managers)"#,
    description = r#"Each call is kept; a customer reached before the time for calling has passed gets no mail or letter."#,
    params(
        ("id" = i64, Path, description = r#"The disclosure's id."#, minimum = 1),
        ("recipient" = i64, Path, description = r#"The recipient's id on the list."#, minimum = 1),
    ),
    request_body(content = NewCall),
    responses(
        (status = 200, description = r#"The call list with the call."#, body = CallList),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: not a manager."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such recipient on the disclosure's call list."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: an unknown outcome, or concerns over 5000 characters."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn record(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path((id, recipient)): Path<(String, String)>,
    JsonBody(body): JsonBody<NewCall>,
) -> ApiResult<axum::Json<CallList>> {
    let (id, recipient) = (id_from(&id, "disclosure")?, id_from(&recipient, "recipient")?);
    check_concerns(&body.concerns)?;
    Ok(axum::Json(state.store.record_call(id, recipient, body.outcome, &body.concerns, user.id).await?))
}
