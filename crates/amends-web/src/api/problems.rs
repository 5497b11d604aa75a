//! Problems: the root causes cases are linked to in the prevent step, with their
//! actions, status, staff suggestions and votes, and recurrence alarms.

use amends_domain::{ProblemStatus, SuggestionKind};
use amends_store::{AlarmRecord, ProblemPatch, ProblemRecord, SuggestedProblem, SuggestionRecord};
use axum::Router;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde::{Deserialize, Deserializer, Serialize};

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/problems", get(list).post(create))
        .route("/problems/{id}", get(get_one).patch(update))
        .route("/problems/{id}/status", post(set_status))
        .route("/problems/{id}/suggestions", get(suggestions).post(suggest))
        .route("/problems/{id}/suggestions/{sid}/vote", post(vote).delete(unvote))
        .route("/problems/{id}/alarms", get(problem_alarms))
        .route("/alarms", get(alarms))
        .route("/alarms/{id}/seen", post(alarm_seen))
        .route("/cases/{id}/suggested-problems", get(suggested))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    title: String,
    #[serde(default)]
    description: String,
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

pub async fn create(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<NewProblem>,
) -> ApiResult<impl IntoResponse> {
    let title = body.title.trim();
    check_title(title)?;
    check_long("description", &body.description)?;
    Ok(created(state.store.create_problem(title, &body.description, user.id).await?))
}

/// One problem with what hangs off it.
#[derive(Serialize)]
pub struct ProblemDetail {
    #[serde(flatten)]
    problem: ProblemRecord,
    suggestions: Vec<SuggestionRecord>,
    alarms: Vec<AlarmRecord>,
}

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

#[derive(Deserialize)]
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    status: String,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    kind: String,
    text: String,
}

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

pub async fn suggestions(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<SuggestionRecord>>> {
    let id = id_from(&id, "problem")?;
    state.store.problem(id).await?;
    Ok(axum::Json(Page { items: state.store.problem_suggestions(id).await?, next_cursor: None }))
}

pub async fn vote(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<axum::Json<SuggestionRecord>> {
    let (id, sid) = (id_from(&id, "problem")?, id_from(&sid, "suggestion")?);
    Ok(axum::Json(state.store.vote(id, sid, user.id).await?))
}

pub async fn unvote(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path((id, sid)): Path<(String, String)>,
) -> ApiResult<axum::Json<SuggestionRecord>> {
    let (id, sid) = (id_from(&id, "problem")?, id_from(&sid, "suggestion")?);
    Ok(axum::Json(state.store.unvote(id, sid, user.id).await?))
}

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

pub async fn alarm_seen(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::http::StatusCode> {
    state.store.mark_alarm_seen(id_from(&id, "alarm")?).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

pub async fn suggested(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<SuggestedProblem>>> {
    let id = id_from(&id, "case")?;
    Ok(axum::Json(Page { items: state.store.suggested_problems(id, 10).await?, next_cursor: None }))
}
