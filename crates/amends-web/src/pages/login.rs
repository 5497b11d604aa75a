//! Signing in and out, and changing one's password.

use amends_domain::staff::check_new_password;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{PageError, Posted, StaffSession, render, say, say_with, speaking};
use crate::AppState;
use crate::auth::{END_SESSION_COOKIE, Identity, SESSION_COOKIE, cookie_value, secret_hash, start_session};
use crate::json::Params;
use crate::password::{hash_password, verify_password};

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Only a path on this site: never another host (an open redirect). The value is
/// already decoded; browsers drop tabs and newlines from a URL (so `/\t/evil.example`
/// would become `//evil.example`) and read `\\` as `/`, so a path with any whitespace,
/// control character or backslash is refused, as is one starting `//`. Anything else
/// goes to the inbox.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n
        }
        _ => "/inbox",
    }
}

pub async fn form(identity: Option<axum::Extension<Identity>>, Params(q): Params<Next>) -> Result<Response, PageError> {
    if identity.is_some() {
        return Ok(Redirect::to(safe_next(q.next.as_deref())).into_response());
    }
    let lang = speaking().tag();
    Ok(render("login.html", minijinja::context! { next => safe_next(q.next.as_deref()), lang })?.into_response())
}

#[derive(Deserialize)]
pub struct SignIn {
    email: String,
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    axum::Form(form): axum::Form<SignIn>,
) -> Result<Response, PageError> {
    let limits = &state.settings.limits;
    if let Err(wait) = state.limiter.guess_allowed(limits, addr.ip(), &form.email) {
        let page = render(
            "login.html",
            minijinja::context! {
                next => safe_next(form.next.as_deref()), email => form.email, lang => speaking().tag(),
                error => say_with("login-too-many", &[("seconds", wait.into())]),
            },
        )?;
        let mut response = (axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(response);
    }
    let user = state.store.user_by_email(form.email.trim()).await?;
    let matches =
        verify_password(form.password, user.as_ref().map(|u| u.password_hash.clone()).filter(|h| !h.is_empty())).await;
    let Some(user) = user.filter(|u| matches && u.active) else {
        state.limiter.guess_failed(limits, addr.ip(), &form.email);
        let page = render(
            "login.html",
            minijinja::context! {
                next => safe_next(form.next.as_deref()), email => form.email, lang => speaking().tag(),
                error => say("login-wrong"),
            },
        )?;
        return Ok((axum::http::StatusCode::UNAUTHORIZED, page).into_response());
    };
    state.limiter.guess_succeeded(addr.ip(), &form.email);
    let (cookie, _) = start_session(&state, user.id).await.map_err(|_| PageError::Internal)?;
    let mut response = Redirect::to(safe_next(form.next.as_deref())).into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| PageError::Internal)?);
    Ok(response)
}

#[derive(Deserialize)]
pub struct Nothing {}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _: Posted<Nothing>,
) -> Result<Response, PageError> {
    if let Some(session) = cookie_value(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret_hash(session)).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static(END_SESSION_COOKIE));
    Ok(response)
}

pub async fn password_form(session: StaffSession) -> Result<impl IntoResponse, PageError> {
    render("password.html", minijinja::context! { layout => session.layout() })
}

#[derive(Deserialize)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
    repeat_password: String,
}

/// Like the API's: the current password is throttled as a guess, the new one must be
/// strong and new, and every other session ends.
pub async fn password_submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    posted: Posted<PasswordChange>,
) -> Result<Response, PageError> {
    let Posted { session, form, .. } = posted;
    let limits = &state.settings.limits;
    let user = &session.user;
    if let Err(wait) = state.limiter.guess_allowed(limits, addr.ip(), &user.email) {
        let error = say_with("password-too-many", &[("seconds", wait.into())]);
        let page = render("password.html", minijinja::context! { layout => session.layout(), error })?;
        let mut response = (axum::http::StatusCode::TOO_MANY_REQUESTS, page).into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return Ok(response);
    }
    let right = verify_password(form.current_password, Some(user.password_hash.clone())).await;
    if right {
        state.limiter.guess_succeeded(addr.ip(), &user.email);
    } else {
        state.limiter.guess_failed(limits, addr.ip(), &user.email);
    }
    let problem = if !right {
        Some(say("password-wrong"))
    } else if form.new_password != form.repeat_password {
        Some(say("password-differ"))
    } else if let Err(e) = check_new_password(&form.new_password, &[&user.email, &user.name]) {
        Some(weak_password(&e))
    } else if verify_password(form.new_password.clone(), Some(user.password_hash.clone())).await {
        Some(say("password-same"))
    } else {
        None
    };
    if let Some(error) = problem {
        let page = render("password.html", minijinja::context! { layout => session.layout(), error })?;
        return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let hash = hash_password(form.new_password).await.map_err(|_| PageError::Internal)?;
    let keep = cookie_value(&headers, SESSION_COOKIE).map(secret_hash);
    state.store.set_password_hash(session.user.id, &hash, keep.as_deref()).await?;
    Ok(render("password.html", minijinja::context! { layout => session.layout(), saved => true })?.into_response())
}

/// Why a new password was refused, in the page's language (zxcvbn's hint stays English).
fn weak_password(e: &amends_domain::staff::StaffError) -> String {
    use amends_domain::staff::StaffError;
    match e {
        StaffError::PasswordTooShort(n) => say_with("password-too-short", &[("count", (*n as i64).into())]),
        StaffError::PasswordTooLong(n) => say_with("password-too-long", &[("count", (*n as i64).into())]),
        StaffError::PasswordTooWeak(hint) => {
            say_with("password-too-weak", &[("hint", hint.trim_end_matches('.').to_owned().into())])
        }
        other => format!("{}.", capitalise(other.to_string().trim_end_matches('.'))),
    }
}

pub(crate) fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_only_a_path_on_this_site() {
        for ok in ["/inbox", "/cases/12?tab=timeline", "/search?q=caf%C3%A9"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "/\u{a0}/evil.example",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/inbox", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/inbox");
    }
}
