//! Joining the desk through an invitation's link: the invitee chooses their own
//! password (strong, hashed with Argon2id) and signs in with it. A GET only shows the
//! form (mail scanners open links); the POST carries the form's CSRF token, which must
//! match the cookie the form's GET set (no session exists yet to hold one).

use std::net::SocketAddr;

use amends_domain::staff::{InvitationStatus, check_new_password};
use amends_store::secret::link_token_hash;
use amends_store::{Business, Invitation, UserRecord};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::login::capitalise;
use super::render;
use crate::AppState;
use crate::auth::{cookie_value, random_hex, same_secret};
use crate::customer::{public_message, too_many};
use crate::password::hash_password;

const JOIN_COOKIE: &str = "amends_join";

fn said(business: &Business, status: StatusCode, title: &str, message: &str) -> Response {
    public_message(business, status, title, message)
}

/// The invitation a token opens while it may still be used, or the page that says why not.
async fn open(state: &AppState, business: &Business, token: &str) -> Result<(Invitation, UserRecord), Response> {
    let not_ours = || {
        said(
            business,
            StatusCode::NOT_FOUND,
            "This link does not work",
            "Please check that you copied the whole link from your invitation.",
        )
    };
    let Some(hash) = link_token_hash(token) else { return Err(not_ours()) };
    let (invitation, user) = match state.store.invitation_by_token_hash(&hash).await {
        Ok(Some(found)) => found,
        Ok(None) => return Err(not_ours()),
        Err(e) => return Err(super::PageError::from(e).into_response()),
    };
    match invitation.status {
        InvitationStatus::Pending => Ok((invitation, user)),
        InvitationStatus::Used => Err(said(
            business,
            StatusCode::GONE,
            "This invitation was used already",
            "You chose your password with it. Sign in at /login with your email and that password.",
        )),
        InvitationStatus::Withdrawn => Err(said(
            business,
            StatusCode::GONE,
            "This invitation no longer works",
            "It was withdrawn, or a newer invitation replaced it. Use the link in the newest one, or ask your admin.",
        )),
        InvitationStatus::Expired => Err(said(
            business,
            StatusCode::GONE,
            "This invitation has expired",
            "Ask your admin to send you a new one; its link will work for another week.",
        )),
    }
}

fn form(user: &UserRecord, csrf: &str, error: Option<String>, status: StatusCode, secure: bool) -> Response {
    let page = match render(
        "join.html",
        minijinja::context! { name => user.name, email => user.email, role => user.role, csrf, error },
    ) {
        Ok(page) => page,
        Err(e) => return e.into_response(),
    };
    let mut response = (status, page).into_response();
    let secure = if secure { "; Secure" } else { "" };
    if let Ok(cookie) =
        HeaderValue::from_str(&format!("{JOIN_COOKIE}={csrf}; Path=/join; HttpOnly; SameSite=Strict{secure}"))
    {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Response {
    let business = crate::customer::business(&state).await;
    if let Err(wait) = state.limiter.check_ip("link", addr.ip(), state.settings.limits.link) {
        return too_many(&business, wait);
    }
    match open(&state, &business, &token).await {
        Ok((_, user)) => form(&user, &random_hex(32), None, StatusCode::OK, state.settings.secure_cookies),
        Err(page) => page,
    }
}

#[derive(Deserialize)]
pub struct Chosen {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    repeat_password: String,
}

pub async fn choose(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    axum::Form(chosen): axum::Form<Chosen>,
) -> Response {
    let business = crate::customer::business(&state).await;
    if let Err(wait) = state.limiter.check_ip("link", addr.ip(), state.settings.limits.link) {
        return too_many(&business, wait);
    }
    let (invitation, user) = match open(&state, &business, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let secure = state.settings.secure_cookies;
    let cookie = cookie_value(&headers, JOIN_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !same_secret(cookie, &chosen.csrf) {
        let error = "This form was not sent from the invitation's page. Please choose your password again.".to_owned();
        return form(&user, &random_hex(32), Some(error), StatusCode::FORBIDDEN, secure);
    }
    let problem = if chosen.password != chosen.repeat_password {
        Some("The two passwords differ.".to_owned())
    } else if let Err(e) = check_new_password(&chosen.password, &[&user.email, &user.name]) {
        Some(format!("{}.", capitalise(e.to_string().trim_end_matches('.'))))
    } else {
        None
    };
    if let Some(error) = problem {
        return form(&user, &chosen.csrf, Some(error), StatusCode::UNPROCESSABLE_ENTITY, secure);
    }
    let Ok(hash) = hash_password(chosen.password).await else {
        return super::PageError::Internal.into_response();
    };
    match state.store.accept_invitation(invitation.id, &hash).await {
        Ok(true) => {
            let notice = format!("Welcome, {}. Your password is set: sign in with it.", user.name);
            match render("login.html", minijinja::context! { next => "/inbox", email => user.email, notice }) {
                Ok(page) => page.into_response(),
                Err(e) => e.into_response(),
            }
        }
        // Used, withdrawn or expired between the form and now.
        Ok(false) => said(
            &business,
            StatusCode::GONE,
            "This invitation no longer works",
            "It was used, withdrawn or expired meanwhile. Ask your admin for a new one.",
        ),
        Err(e) => super::PageError::from(e).into_response(),
    }
}
