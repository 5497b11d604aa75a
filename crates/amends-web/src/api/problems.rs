//! Problems: the root causes cases are linked to in the prevent step.

use amends_store::ProblemRecord;
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    title: String,
    #[serde(default)]
    description: String,
}

pub async fn create(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<NewProblem>,
) -> ApiResult<impl IntoResponse> {
    let title = body.title.trim();
    if title.is_empty() || title.chars().count() > 300 {
        return Err(ApiError::invalid("title", "a problem's title has 1 to 300 characters"));
    }
    if body.description.chars().count() > 20_000 {
        return Err(ApiError::invalid("description", "a description has at most 20000 characters"));
    }
    Ok(created(state.store.create_problem(title, &body.description, user.id).await?))
}

pub async fn get(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ProblemRecord>> {
    Ok(axum::Json(state.store.problem(id_from(&id, "problem")?).await?))
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
