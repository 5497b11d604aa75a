//! Saved inbox views over the API: the same rules as the inbox page (`crate::views`).

use amends_store::SavedView;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Page, created, id_from};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;
use crate::views::{ViewRefused, draft, may_change, may_see};

impl From<ViewRefused> for ApiError {
    fn from(r: ViewRefused) -> Self {
        if r.forbidden {
            ApiError::forbidden(r.message).with_field(r.field)
        } else {
            ApiError::invalid(r.field, r.message)
        }
    }
}

pub async fn list(State(state): State<AppState>, Agent(user): Agent) -> ApiResult<axum::Json<Page<SavedView>>> {
    Ok(axum::Json(Page { items: state.store.visible_views(user.id).await?, next_cursor: None }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewView {
    name: String,
    #[serde(default)]
    shared: bool,
    #[serde(default)]
    filters: Map<String, Value>,
}

pub async fn create(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<NewView>,
) -> ApiResult<impl IntoResponse> {
    let d = draft(&user, &body.name, body.shared, &body.filters)?;
    Ok(created(state.store.create_view(user.id, &d).await?))
}

/// The view when the caller may see it; someone else's private view does not exist for them.
async fn visible(state: &AppState, user: &amends_store::UserRecord, id: &str) -> ApiResult<SavedView> {
    let view = state.store.saved_view(id_from(id, "view")?).await?;
    if may_see(&view, user) { Ok(view) } else { Err(ApiError::not_found("view")) }
}

pub async fn one(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SavedView>> {
    Ok(axum::Json(visible(&state, &user, &id).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewPatch {
    name: Option<String>,
    shared: Option<bool>,
    filters: Option<Map<String, Value>>,
}

pub async fn update(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<ViewPatch>,
) -> ApiResult<axum::Json<SavedView>> {
    let view = visible(&state, &user, &id).await?;
    if !may_change(&view, &user) {
        return Err(ApiError::forbidden("a shared view is changed by its owner or a manager"));
    }
    let shared = patch.shared.unwrap_or(view.shared);
    // Keeping a view shared is not sharing it anew: its owner may rename it.
    let sharing_anew = shared && !view.shared;
    let d = draft(
        &user,
        patch.name.as_deref().unwrap_or(&view.name),
        sharing_anew,
        patch.filters.as_ref().unwrap_or(&view.filters),
    )?;
    let d = amends_store::ViewDraft { shared, ..d };
    Ok(axum::Json(state.store.update_view(view.id, &d).await?))
}

pub async fn delete(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let view = visible(&state, &user, &id).await?;
    if !may_change(&view, &user) {
        return Err(ApiError::forbidden("a shared view is deleted by its owner or a manager"));
    }
    state.store.delete_view(view.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
