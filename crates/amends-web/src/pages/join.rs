//! Joining the desk through an invitation's link: the invitee chooses their own
//! password (strong, hashed with Argon2id) and signs in with it. A GET only shows the
//! form (mail scanners open links); the POST carries the form's CSRF token, which must
//! match the cookie the form's GET set (no session exists yet to hold one).

use std::net::SocketAddr;

use amends_domain::staff::{InvitationStatus, check_new_password};
use amends_store::secret::link_token_hash;
use amends_store::{Invitation, UserRecord};
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::login::capitalise;
use super::render;
use crate::AppState;
use crate::auth::{cookie_value, random_hex, same_secret};
use crate::customer::{Public, said, too_many};
use crate::password::hash_password;

const JOIN_COOKIE: &str = "amends_join";

/// The invitation a token opens while it may still be used, or the page that says why not.
async fn open(state: &AppState, public: &Public, token: &str) -> Result<(Invitation, UserRecord), Response> {
    let not_ours = || said(public, StatusCode::NOT_FOUND, "join-not-ours-title", "join-not-ours");
    let Some(hash) = link_token_hash(token) else { return Err(not_ours()) };
    let (invitation, user) = match state.store.invitation_by_token_hash(&hash).await {
        Ok(Some(found)) => found,
        Ok(None) => return Err(not_ours()),
        Err(e) => return Err(super::PageError::from(e).into_response()),
    };
    match invitation.status {
        InvitationStatus::Pending => Ok((invitation, user)),
        InvitationStatus::Used => Err(said(public, StatusCode::GONE, "join-used-title", "join-used")),
        InvitationStatus::Withdrawn => Err(said(public, StatusCode::GONE, "join-withdrawn-title", "join-withdrawn")),
        InvitationStatus::Expired => Err(said(public, StatusCode::GONE, "join-expired-title", "join-expired")),
    }
}

fn form(
    public: &Public,
    user: &UserRecord,
    csrf: &str,
    error: Option<String>,
    status: StatusCode,
    secure: bool,
) -> Response {
    let lang = public.language.tag();
    let page = match render(
        "join.html",
        minijinja::context! { name => user.name, email => user.email, role => user.role, csrf, error, lang },
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
    headers: HeaderMap,
) -> Response {
    // Before sign-in the page speaks the browser's language (the invitee chose none yet).
    let public = crate::customer::public(&state, &headers).await;
    if let Err(wait) = state.limiter.check_ip("link", addr.ip(), state.settings.limits.link) {
        return too_many(&public, wait);
    }
    match open(&state, &public, &token).await {
        Ok((_, user)) => form(&public, &user, &random_hex(32), None, StatusCode::OK, state.settings.secure_cookies),
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
    let public = crate::customer::public(&state, &headers).await;
    if let Err(wait) = state.limiter.check_ip("link", addr.ip(), state.settings.limits.link) {
        return too_many(&public, wait);
    }
    let (invitation, user) = match open(&state, &public, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let secure = state.settings.secure_cookies;
    let cookie = cookie_value(&headers, JOIN_COOKIE).unwrap_or_default();
    if cookie.is_empty() || !same_secret(cookie, &chosen.csrf) {
        let error = public.text("join-foreign-form");
        return form(&public, &user, &random_hex(32), Some(error), StatusCode::FORBIDDEN, secure);
    }
    let problem = if chosen.password != chosen.repeat_password {
        Some(public.text("join-passwords-differ"))
    } else if let Err(e) = check_new_password(&chosen.password, &[&user.email, &user.name]) {
        Some(format!("{}.", capitalise(e.to_string().trim_end_matches('.'))))
    } else {
        None
    };
    if let Some(error) = problem {
        return form(&public, &user, &chosen.csrf, Some(error), StatusCode::UNPROCESSABLE_ENTITY, secure);
    }
    let Ok(hash) = hash_password(chosen.password).await else {
        return super::PageError::Internal.into_response();
    };
    match state.store.accept_invitation(invitation.id, &hash).await {
        Ok(true) => {
            let notice = public.text_with("join-welcome-done", &[("name", user.name.as_str().into())]);
            let lang = public.language.tag();
            match render("login.html", minijinja::context! { next => "/inbox", email => user.email, notice, lang }) {
                Ok(page) => page.into_response(),
                Err(e) => e.into_response(),
            }
        }
        // Used, withdrawn or expired between the form and now.
        Ok(false) => said(&public, StatusCode::GONE, "join-withdrawn-title", "join-gone"),
        Err(e) => super::PageError::from(e).into_response(),
    }
}
