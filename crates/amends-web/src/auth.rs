//! Who is calling, and whether they may. Handlers say who may call them by the type of
//! one argument: [`Agent`], [`Manager`] or [`Admin`]. A route cannot forget the check.
//!
//! Staff authenticate with an API token (`Authorization: Bearer …`) or a session
//! cookie. A session's unsafe requests must also carry its CSRF token in
//! `X-CSRF-Token`, since a browser sends the cookie on a forged request too.

use amends_domain::Role;
use amends_store::UserRecord;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "amends_session";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const TOKEN_PREFIX: &str = "amends_";

#[derive(Clone, Debug)]
pub enum Via {
    Token,
    Session { csrf_token: String },
}

/// The caller, when they proved who they are. Put in the request's extensions by
/// [`identify`].
#[derive(Clone, Debug)]
pub struct Identity {
    pub user: UserRecord,
    pub via: Via,
}

pub use amends_store::secret::{hex, random_hex, same_secret, secret_hash};

pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_hex(32))
}

/// Starts a session for `user`: returns the `Set-Cookie` value and the CSRF token.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<(String, String), ApiError> {
    let session = random_hex(32);
    let csrf_token = random_hex(32);
    let ttl = state.settings.session_ttl;
    let expires = state.store.now() + ttl;
    state.store.create_session(&secret_hash(&session), user_id, &csrf_token, expires).await?;
    let secure = if state.settings.secure_cookies { "; Secure" } else { "" };
    let cookie =
        format!("{SESSION_COOKIE}={session}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", ttl.as_secs());
    Ok((cookie, csrf_token))
}

/// The `Set-Cookie` value that ends a session in the browser.
pub const END_SESSION_COOKIE: &str = "amends_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0";

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Option<Identity>, ApiError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(ApiError::unauthorized)?;
        let user = state.store.user_by_token_hash(&secret_hash(token)).await?;
        return match user {
            Some(user) => Ok(Some(Identity { user, via: Via::Token })),
            None => Err(ApiError::unauthorized()),
        };
    }
    if let Some(session) = cookie_value(headers, SESSION_COOKIE)
        && let Some(s) = state.store.session(&secret_hash(session)).await?
    {
        return Ok(Some(Identity { user: s.user, via: Via::Session { csrf_token: s.csrf_token } }));
    }
    Ok(None)
}

/// Middleware: finds who the caller is. It refuses only a bad bearer token; a request
/// with no credentials goes on anonymous, for the handler's extractor to judge.
pub async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Result<Response, ApiError> {
    if let Some(identity) = resolve(&state, req.headers()).await? {
        // A staff page shows times and money in the business's zone and currency.
        if matches!(identity.via, Via::Session { .. }) {
            req.extensions_mut().insert(state.store.business().await?);
        }
        req.extensions_mut().insert(identity);
    }
    Ok(next.run(req).await)
}

fn staff_with(parts: &Parts, needed: Role) -> Result<UserRecord, ApiError> {
    let identity = parts.extensions.get::<Identity>().ok_or_else(ApiError::unauthorized)?;
    if let Via::Session { csrf_token } = &identity.via {
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
        if !safe && !same_secret(sent, csrf_token) {
            return Err(
                ApiError::forbidden("the CSRF token is missing or wrong; reload the page").with_field("x-csrf-token")
            );
        }
    }
    if !identity.user.role.at_least(needed) {
        return Err(ApiError::forbidden(format!("this needs the {needed} role; you are {}", identity.user.role)));
    }
    Ok(identity.user.clone())
}

macro_rules! role_extractor {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name(pub UserRecord);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = ApiError;
            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
                staff_with(parts, $role).map($name)
            }
        }
    };
}

role_extractor!(
    /// Any signed-in staff member.
    Agent,
    Role::Agent
);
role_extractor!(
    /// A manager or an admin.
    Manager,
    Role::Manager
);
role_extractor!(
    /// An admin.
    Admin,
    Role::Admin
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert_eq!(secret_hash("x").len(), 64);
        assert!(new_api_token().starts_with(TOKEN_PREFIX));
    }
}
