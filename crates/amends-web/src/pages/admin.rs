//! Admins: invite staff by mail (resend or withdraw an invitation until they join),
//! change their role, deactivate and reactivate them.

use amends_domain::Role;
use amends_store::StoreError;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::{Nothing, capitalise};
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;
use crate::invitations;

/// The staff list with each not-yet-joined person's invitation beside them.
async fn users_page(
    state: &AppState,
    session: &StaffSession,
    status: StatusCode,
    said: minijinja::Value,
) -> Result<Response, PageError> {
    let users = state.store.list_users().await?;
    let invitations: std::collections::HashMap<i64, amends_store::Invitation> =
        state.store.open_invitations().await?.into_iter().map(|i| (i.user_id, i)).collect();
    let hours = state.store.desk_hours().await?;
    let rows: Vec<minijinja::Value> = users
        .iter()
        .map(|u| {
            let invitation = invitations.get(&u.id);
            minijinja::context! {
                user => u,
                invitation => invitation.map(|i| i.status),
                until => invitation.map(|i| hours.parsed.describe(i.expires_at)),
            }
        })
        .collect();
    let page = render("users.html", minijinja::context! { layout => session.layout(), rows, ..said })?;
    Ok((status, page).into_response())
}

pub async fn users(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Admin)?;
    // An empty draft: the invite form reads `draft.name`, an error on an undefined value.
    users_page(&state, &session, StatusCode::OK, minijinja::context! { draft => minijinja::context! {} }).await
}

/// Invites someone by mail; the form is empty again once the invitation is on its way.
pub async fn invite(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let email = field(&fields, "email").unwrap_or_default();
    let name = field(&fields, "name").unwrap_or_default();
    let role = field(&fields, "role").unwrap_or_default().parse::<Role>();
    let lang = session.language;
    let error = if amends_domain::CustomerEmail::parse(&email).is_err() {
        Some(amends_i18n::text_with(lang, "admin-error-email", &[("email", format!("{email:?}").into())]))
    } else if name.is_empty() {
        Some(amends_i18n::text(lang, "admin-error-name"))
    } else if let Err(e) = amends_domain::staff::parse_staff_name(&name) {
        Some(amends_i18n::text_with(lang, "admin-error-name-why", &[("why", e.to_string().into())]))
    } else {
        None
    };
    let error = match (error, role) {
        (Some(e), _) => e,
        (None, Err(e)) => e.to_string(),
        (None, Ok(role)) => match invitations::invite(&state, &session.user, &email, &name, role).await {
            Ok((user, _)) => {
                let invited = amends_i18n::text_with(
                    lang,
                    "admin-invited",
                    &[("name", user.name.as_str().into()), ("email", user.email.as_str().into())],
                );
                let said = minijinja::context! { invited, draft => minijinja::context! {} };
                return users_page(&state, &session, StatusCode::OK, said).await;
            }
            Err(StoreError::Conflict { message, .. }) => format!("{}.", capitalise(&message)),
            Err(e) => return Err(e.into()),
        },
    };
    let said = minijinja::context! { error, draft => fields };
    users_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, said).await
}

/// Resends or withdraws the invitation of someone who has not joined.
pub async fn invitation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let id = id_from(&id, "user").map_err(|_| PageError::NotFound("user"))?;
    let user = state.store.user(id).await?;
    let done = match field(&fields, "action").as_deref() {
        Some("resend") => invitations::resend(&state, &session.user, id).await.map(|_| {
            amends_i18n::text_with(session.language, "admin-resent", &[("email", user.email.as_str().into())])
        }),
        Some("withdraw") => state.store.withdraw_invitation(id).await.map(|()| {
            amends_i18n::text_with(session.language, "admin-withdrawn", &[("email", user.email.as_str().into())])
        }),
        _ => {
            let error = amends_i18n::text(session.language, "admin-error-invitation");
            let said = minijinja::context! { error, draft => minijinja::context! {} };
            return users_page(&state, &session, StatusCode::UNPROCESSABLE_ENTITY, said).await;
        }
    };
    let (status, said) = match done {
        Ok(invited) => (StatusCode::OK, minijinja::context! { invited, draft => minijinja::context! {} }),
        Err(StoreError::Conflict { message, .. }) => (
            StatusCode::CONFLICT,
            minijinja::context! { error => format!("{}: {message}.", user.name), draft => minijinja::context! {} },
        ),
        Err(e) => return Err(e.into()),
    };
    users_page(&state, &session, status, said).await
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
        return Err(PageError::Forbidden(amends_i18n::text(session.language, "admin-error-self")));
    }
    state.store.update_user(id, form.role, active).await?;
    Ok(Redirect::to("/admin/users").into_response())
}
