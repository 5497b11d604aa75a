//! Admins: invite staff, change their role, deactivate and reactivate them.

use amends_domain::Role;
use amends_store::StoreError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;
use crate::password::{generate_password, hash_password};

pub async fn users(State(state): State<AppState>, session: StaffSession) -> Result<impl IntoResponse, PageError> {
    session.require(Role::Admin)?;
    let users = state.store.list_users().await?;
    // An empty draft: the invite form reads `draft.name`, an error on an undefined value.
    render("users.html", minijinja::context! { layout => session.layout(), users, draft => minijinja::context! {} })
}

pub async fn invite(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let email = field(&fields, "email").unwrap_or_default();
    let name = field(&fields, "name").unwrap_or_default();
    let role = field(&fields, "role").unwrap_or_default().parse::<Role>();
    let error = if amends_domain::CustomerEmail::parse(&email).is_err() {
        Some(format!("{email:?} is not an email address."))
    } else if name.is_empty() {
        Some("Give the person's name.".to_owned())
    } else if let Err(e) = amends_domain::staff::parse_staff_name(&name) {
        Some(format!("The name: {e}."))
    } else {
        None
    };
    let (error, invited) = match (error, role) {
        (Some(e), _) => (Some(e), None),
        (None, Err(e)) => (Some(e.to_string()), None),
        (None, Ok(role)) => {
            let password = generate_password();
            let hash = hash_password(password.clone()).await.map_err(|_| PageError::Internal)?;
            match state.store.create_user(&email, &name, role, &hash).await {
                Ok(user) => (None, Some(minijinja::context! { email => user.email, password })),
                Err(StoreError::Conflict { message, .. }) => (Some(message), None),
                Err(e) => return Err(e.into()),
            }
        }
    };
    let users = state.store.list_users().await?;
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = render(
        "users.html",
        minijinja::context! { layout => session.layout(), users, error, invited, draft => fields },
    )?;
    Ok((status, page).into_response())
}

#[derive(Deserialize)]
pub struct Change {
    role: Option<Role>,
    active: Option<String>,
}

pub async fn change(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Change>,
) -> Result<Response, PageError> {
    let Posted { session, form, .. } = posted;
    session.require(Role::Admin)?;
    let id = id_from(&id, "user").map_err(|_| PageError::NotFound("user"))?;
    let active = form.active.as_deref().map(|a| a == "true");
    if id == session.user.id && (active == Some(false) || form.role.is_some_and(|r| r != Role::Admin)) {
        return Err(PageError::Forbidden("You cannot demote or deactivate yourself; ask another admin.".into()));
    }
    state.store.update_user(id, form.role, active).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
