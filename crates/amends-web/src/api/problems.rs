//! Problems: the root causes cases are linked to in the prevent step, with their
//! actions, status, staff suggestions and votes, and recurrence alarms.

use amends_domain::{ProblemStatus, SuggestionKind};
use amends_store::{AlarmRecord, ProblemPatch, ProblemRecord, SuggestedProblem, SuggestionRecord};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, update))
        .routes(routes!(set_status))
        .routes(routes!(suggestions, suggest))
        .routes(routes!(vote, unvote))
        .routes(routes!(problem_alarms))
        .routes(routes!(alarms))
        .routes(routes!(alarm_seen))
        .routes(routes!(suggested))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    /// 1 to 300 characters after trimming.
    title: String,
    /// At most 20000 characters; kept as sent (not trimmed).
    #[serde(default)]
    description: String,
    /// What was put right, if known already. At most 20000 characters.
    #[serde(default)]
    corrective_action: String,
    /// What changes in the way of working so it does not happen again, if known
    /// already: a case's prevent step needs one of the two actions. At most 20000
    /// characters.
    #[serde(default)]
    preventive_action: String,
}

fn check_title(title: &str) -> Result<(), ApiError> {
    if title.is_empty() || title.chars().count() > 300 {
        return Err(ApiError::invalid("title", "a problem's title has 1 to 300 characters"));
    }
    Ok(())
}

fn check_long(field: &str, text: &str) -> Result<(), ApiError> {
    if text.chars().count() > 20_000 {
        return Err(ApiError::invalid(field, format!("{field} has at most 20000 characters")));
    }
    Ok(())
}

#[utoipa::path(
    post, path = "/problems", tag = "problems", operation_id = "createProblem",
    summary = r#"Create a problem"#,
    request_body(content = NewProblem),
    responses(
        (status = 201, description = r#"Created."#, body = ProblemRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<NewProblem>,
) -> ApiResult<impl IntoResponse> {
    let title = body.title.trim();
    check_title(title)?;
    check_long("description", &body.description)?;
    check_long("corrective_action", &body.corrective_action)?;
    check_long("preventive_action", &body.preventive_action)?;
    let problem = state.store.create_problem(title, &body.description, user.id).await?;
    if !body.corrective_action.is_empty() || !body.preventive_action.is_empty() {
        let patch = amends_store::ProblemPatch {
            corrective_action: Some(body.corrective_action),
            preventive_action: Some(body.preventive_action),
            ..Default::default()
        };
        return Ok(created(state.store.update_problem(problem.id, &patch).await?));
    }
    Ok(created(problem))
}

/// One problem with what hangs off it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProblemDetail {
    #[serde(flatten)]
    problem: ProblemRecord,
    suggestions: Vec<SuggestionRecord>,
    alarms: Vec<AlarmRecord>,
}

#[utoipa::path(
    get, path = "/problems/{id}", tag = "problems", operation_id = "getProblem",
    summary = r#"One problem"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The problem."#, body = ProblemDetail),
        (status = 404, description = r#"`not_found`: no such problem."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn get_one(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ProblemDetail>> {
    let id = id_from(&id, "problem")?;
    let problem = state.store.problem(id).await?;
    Ok(axum::Json(ProblemDetail {
        problem,
        suggestions: state.store.problem_suggestions(id).await?,
        alarms: state.store.alarms(Some(id), None, false).await?,
    }))
}

#[derive(Deserialize)]
pub struct ListQuery {
    limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/problems", tag = "problems", operation_id = "listProblems",
    summary = r#"List problems (root causes)"#,
    description = r#"Newest first, up to `limit`; not paged (`next_cursor` is always null)."#,
    params(
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"The latest problems."#, body = Page<ProblemRecord>),
        (status = 400, description = r#"`bad_query`: `limit` is not an integer. `bad_request` with `field: limit`: `limit` is not 1 to 200."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    _: Agent,
    Params(q): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<ProblemRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_problems(page_size(q.limit)?).await?, next_cursor: None }))
}

/// A field that may be set, cleared (`null`) or left alone (absent).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchProblem {
    title: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    category: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    owner_id: Option<Option<i64>>,
    corrective_action: Option<String>,
    preventive_action: Option<String>,
}

#[utoipa::path(
    patch, path = "/problems/{id}", tag = "problems", operation_id = "updateProblem",
    summary = r#"Change a problem's title, description, category, owner or actions"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    request_body(content = PatchProblem),
    responses(
        (status = 200, description = r#"The problem."#, body = ProblemRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<PatchProblem>,
) -> ApiResult<axum::Json<ProblemRecord>> {
    let id = id_from(&id, "problem")?;
    let title = body.title.map(|t| t.trim().to_owned());
    if let Some(t) = &title {
        check_title(t)?;
    }
    for (field, text) in [
        ("description", &body.description),
        ("corrective_action", &body.corrective_action),
        ("preventive_action", &body.preventive_action),
    ] {
        if let Some(text) = text {
            check_long(field, text)?;
        }
    }
    let category = body.category.map(|c| c.map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()));
    if category.as_ref().and_then(|c| c.as_ref()).is_some_and(|c| c.chars().count() > 100) {
        return Err(ApiError::invalid("category", "a category has at most 100 characters"));
    }
    let patch = ProblemPatch {
        title,
        description: body.description,
        category,
        owner_id: body.owner_id,
        corrective_action: body.corrective_action,
        preventive_action: body.preventive_action,
    };
    Ok(axum::Json(state.store.update_problem(id, &patch).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// open → fixing → fixed (needs both actions) → verified; fixed or verified may go
    /// back to fixing.
    status: String,
}

#[utoipa::path(
    post, path = "/problems/{id}/status", tag = "problems", operation_id = "setProblemStatus",
    summary = r#"Move a problem to another status (its date is recorded)"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    request_body(content = StatusChange),
    responses(
        (status = 200, description = r#"The problem."#, body = ProblemRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn set_status(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<StatusChange>,
) -> ApiResult<axum::Json<ProblemRecord>> {
    let id = id_from(&id, "problem")?;
    let to = body
        .status
        .parse::<ProblemStatus>()
        .map_err(|_| ApiError::invalid("status", "status is one of open, fixing, fixed, verified"))?;
    Ok(axum::Json(state.store.set_problem_status(id, to).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    kind: String,
    text: String,
}

#[utoipa::path(
    post, path = "/problems/{id}/suggestions", tag = "problems", operation_id = "suggest",
    summary = r#"Suggest a cause or a fix (any employee)"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    request_body(content = NewSuggestion),
    responses(
        (status = 201, description = r#"The suggestion."#, body = SuggestionRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn suggest(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<NewSuggestion>,
) -> ApiResult<impl IntoResponse> {
    let id = id_from(&id, "problem")?;
    let kind = body
        .kind
        .parse::<SuggestionKind>()
        .map_err(|_| ApiError::invalid("kind", "a suggestion is a cause or a fix"))?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > 5000 {
        return Err(ApiError::invalid("text", "a suggestion has 1 to 5000 characters"));
    }
    Ok(created(state.store.add_suggestion(id, kind, text, user.id).await?))
}

#[utoipa::path(
    get, path = "/problems/{id}/suggestions", tag = "problems", operation_id = "listSuggestions",
    summary = r#"Staff suggestions of a cause or a fix, most votes first"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The suggestions."#, body = Page<SuggestionRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn suggestions(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<SuggestionRecord>>> {
    let id = id_from(&id, "problem")?;
    state.store.problem(id).await?;
    Ok(axum::Json(Page { items: state.store.problem_suggestions(id).await?, next_cursor: None }))
}

#[utoipa::path(
    post, path = "/problems/{id}/suggestions/{sid}/vote", tag = "problems", operation_id = "vote",
    summary = r#"Vote for a suggestion (one vote per person; again changes nothing)"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
        ("sid" = i64, Path, description = r#"The suggestion's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The suggestion with its votes."#, body = SuggestionRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn vote(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<axum::Json<SuggestionRecord>> {
    let (id, sid) = (id_from(&id, "problem")?, id_from(&sid, "suggestion")?);
    Ok(axum::Json(state.store.vote(id, sid, user.id).await?))
}

#[utoipa::path(
    delete, path = "/problems/{id}/suggestions/{sid}/vote", tag = "problems", operation_id = "unvote",
    summary = r#"Take one's vote back"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
        ("sid" = i64, Path, description = r#"The suggestion's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The suggestion with its votes."#, body = SuggestionRecord),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn unvote(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<axum::Json<SuggestionRecord>> {
    let (id, sid) = (id_from(&id, "problem")?, id_from(&sid, "suggestion")?);
    Ok(axum::Json(state.store.unvote(id, sid, user.id).await?))
}

#[utoipa::path(
    get, path = "/problems/{id}/alarms", tag = "problems", operation_id = "problemAlarms",
    summary = r#"Recurrence alarms of a problem"#,
    params(
        ("id" = i64, Path, description = r#"The problem's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The alarms, newest first."#, body = Page<AlarmRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn problem_alarms(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<AlarmRecord>>> {
    let id = id_from(&id, "problem")?;
    state.store.problem(id).await?;
    Ok(axum::Json(Page { items: state.store.alarms(Some(id), None, false).await?, next_cursor: None }))
}

#[derive(Deserialize)]
pub struct AlarmQuery {
    /// `me`: only alarms on problems the caller owns.
    owner: Option<String>,
    #[serde(default)]
    unseen: bool,
}

#[utoipa::path(
    get, path = "/alarms", tag = "problems", operation_id = "listAlarms",
    summary = r#"Recurrence alarms: a case linked to a fixed problem, or a new case like one of its cases"#,
    params(
        ("owner" = Option<String>, Query, description = r#"`me` or a user id: alarms on problems they own."#),
        ("unseen" = Option<bool>, Query),
    ),
    responses(
        (status = 200, description = r#"The alarms, newest first."#, body = Page<AlarmRecord>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: `owner` is `me` or a user id."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn alarms(
    State(state): State<AppState>,
    Agent(user): Agent,
    Params(q): Params<AlarmQuery>,
) -> ApiResult<axum::Json<Page<AlarmRecord>>> {
    let owner = match q.owner.as_deref() {
        None => None,
        Some("me") => Some(user.id),
        Some(other) => {
            Some(other.parse::<i64>().map_err(|_| ApiError::invalid("owner", "owner is `me` or a user id"))?)
        }
    };
    Ok(axum::Json(Page { items: state.store.alarms(None, owner, q.unseen).await?, next_cursor: None }))
}

#[utoipa::path(
    post, path = "/alarms/{id}/seen", tag = "problems", operation_id = "alarmSeen",
    summary = r#"Mark an alarm seen"#,
    params(
        ("id" = i64, Path, description = r#"The alarm's id."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Marked."#),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn alarm_seen(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    state.store.mark_alarm_seen(id_from(&id, "alarm")?).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get, path = "/cases/{id}/suggested-problems", tag = "problems", operation_id = "suggestedProblems",
    summary = r#"Problems likely behind a case, ranked by word similarity to their cases"#,
    params(
        ("id" = i64, Path, description = r#"The case's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"Ranked, best first, with the shared words that weigh most."#, body = Page<SuggestedProblem>),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn suggested(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<SuggestedProblem>>> {
    let id = id_from(&id, "case")?;
    Ok(axum::Json(Page { items: state.store.suggested_problems(id, 10).await?, next_cursor: None }))
}
