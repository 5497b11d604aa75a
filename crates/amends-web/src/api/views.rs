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

#[utoipa::path(
    get, path = "/views", tag = "views", operation_id = "listViews",
    summary = r#"Saved inbox views I can see"#,
    description = r#"My own views, then the shared ones, by name."#,
    responses(
        (status = 200, description = r#"The views."#, body = Page<SavedView>),
    ),
)]
pub async fn list(State(state): State<AppState>, Agent(user): Agent) -> ApiResult<axum::Json<Page<SavedView>>> {
    Ok(axum::Json(Page { items: state.store.visible_views(user.id).await?, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewView {
    /// Not blank (whitespace only is refused with 422); trimmed.
    name: String,
    /// Share with everyone: managers and admins only (else 403).
    #[serde(default)]
    shared: bool,
    #[serde(default)]
    filters: Map<String, Value>,
}

#[utoipa::path(
    post, path = "/views", tag = "views", operation_id = "createView",
    summary = r#"Save a named set of inbox filters"#,
    description = r#"Private to me unless `shared` (managers and admins only)."#,
    request_body(content = NewView),
    responses(
        (status = 201, description = r#"Saved."#, body = SavedView),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden` with `field: shared`: only a manager may share a view."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  A blank or too long `name`, or a filter that is not `view`, `severity` or `step` or has no such value."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/views/{id}", tag = "views", operation_id = "getView",
    summary = r#"One saved view"#,
    params(
        ("id" = i64, Path, description = r#"The view's id. An id that is not a positive integer answers 404, like an unknown one. Someone else's private view answers 404 too."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The view."#, body = SavedView),
        (status = 404, description = r#"`not_found`: no such view, or another user's private one."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn one(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SavedView>> {
    Ok(axum::Json(visible(&state, &user, &id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ViewPatch {
    name: Option<String>,
    /// Sharing a private view needs a manager (else 403).
    shared: Option<bool>,
    filters: Option<Map<String, Value>>,
}

#[utoipa::path(
    patch, path = "/views/{id}", tag = "views", operation_id = "updateView",
    summary = r#"Rename, refilter, share or unshare a saved view"#,
    description = r#"By its owner; a shared view also by a manager."#,
    params(
        ("id" = i64, Path, description = r#"The view's id. An id that is not a positive integer answers 404, like an unknown one. Someone else's private view answers 404 too."#, minimum = 1),
    ),
    request_body(content = ViewPatch),
    responses(
        (status = 200, description = r#"The view as changed."#, body = SavedView),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: a shared view is changed by its owner or a manager; only a manager may share."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such view, or another user's private one."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  A blank or too long `name`, or a bad filter."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    delete, path = "/views/{id}", tag = "views", operation_id = "deleteView",
    summary = r#"Delete a saved view"#,
    description = r#"By its owner; a shared view also by a manager."#,
    params(
        ("id" = i64, Path, description = r#"The view's id. An id that is not a positive integer answers 404, like an unknown one. Someone else's private view answers 404 too."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Deleted."#),
        (status = 403, description = r#"`forbidden`: a shared view is deleted by its owner or a manager."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such view, or another user's private one."#, body = crate::error::ErrorBody),
    ),
)]
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
