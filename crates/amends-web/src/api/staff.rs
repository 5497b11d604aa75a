//! Staff: signing in and out, users (admins), and API tokens.

use amends_domain::Role;
use amends_domain::staff::check_new_password;
use amends_store::{TokenRecord, UserRecord};
use std::net::SocketAddr;

use axum::Extension;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Page, created, id_from};
use crate::AppState;
use crate::auth::{
    Admin, Agent, END_SESSION_COOKIE, SESSION_COOKIE, cookie_value, new_api_token, secret_hash, start_session,
};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::SecretBearing;
use crate::json::JsonBody;
use crate::password::{hash_password, verify_password};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    JsonBody(body): JsonBody<SignIn>,
) -> ApiResult<Response> {
    let limits = &state.settings.limits;
    if let Err(wait) = state.limiter.guess_allowed(limits, addr.ip(), &body.email) {
        return Ok(too_many_guesses(wait));
    }
    let user = state.store.user_by_email(body.email.trim()).await?;
    let matches = verify_password(body.password, user.as_ref().map(|u| u.password_hash.clone())).await;
    let user = match user {
        Some(u) if matches && u.active => u,
        _ => {
            state.limiter.guess_failed(limits, addr.ip(), &body.email);
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong email or password"));
        }
    };
    state.limiter.guess_succeeded(addr.ip(), &body.email);
    let (cookie, csrf_token) = start_session(&state, user.id).await?;
    let mut response =
        (Extension(SecretBearing), axum::Json(json!({ "user": user, "csrf_token": csrf_token }))).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| ApiError::internal())?);
    Ok(response)
}

pub async fn sign_out(State(state): State<AppState>, _: Agent, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(session) = cookie_value(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret_hash(session)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static(END_SESSION_COOKIE));
    Ok(response)
}

pub async fn me(Agent(user): Agent) -> axum::Json<UserRecord> {
    axum::Json(user)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MyChange {
    email_alerts: Option<bool>,
}

/// What each staff member may change of their own account: whether alerts reach them
/// by email (the inbox and the timeline show them either way).
pub async fn update_me(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<MyChange>,
) -> ApiResult<axum::Json<UserRecord>> {
    match body.email_alerts {
        Some(on) => Ok(axum::Json(state.store.set_email_alerts(user.id, on).await?)),
        None => Ok(axum::Json(user)),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the caller's password. The current one is a guess like a sign-in's (a
/// stolen session must not test passwords freely), so it is throttled the same way;
/// the new one must be strong and new; every other session ends.
pub async fn change_password(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Agent(user): Agent,
    headers: HeaderMap,
    JsonBody(body): JsonBody<PasswordChange>,
) -> ApiResult<Response> {
    let limits = &state.settings.limits;
    if let Err(wait) = state.limiter.guess_allowed(limits, addr.ip(), &user.email) {
        return Ok(too_many_guesses(wait));
    }
    if !verify_password(body.current_password, Some(user.password_hash.clone())).await {
        state.limiter.guess_failed(limits, addr.ip(), &user.email);
        return Err(ApiError::invalid("current_password", "the current password is wrong"));
    }
    state.limiter.guess_succeeded(addr.ip(), &user.email);
    check_new_password(&body.new_password, &[&user.email, &user.name])
        .map_err(|e| ApiError::invalid("new_password", e.to_string()))?;
    if verify_password(body.new_password.clone(), Some(user.password_hash.clone())).await {
        return Err(ApiError::invalid("new_password", "the new password is the one you have; choose another"));
    }
    let hash = hash_password(body.new_password).await.map_err(|_| ApiError::internal())?;
    let keep = cookie_value(&headers, SESSION_COOKIE).map(secret_hash);
    state.store.set_password_hash(user.id, &hash, keep.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn too_many_guesses(wait: u64) -> Response {
    let refused = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_requests",
        format!("too many wrong passwords; try again in {wait} seconds"),
    );
    let mut response = refused.into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait));
    response
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    email: String,
    name: String,
    role: Role,
    password: String,
}

pub async fn create_user(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(body): JsonBody<NewUser>,
) -> ApiResult<impl IntoResponse> {
    let email = body.email.trim();
    if amends_domain::CustomerEmail::parse(email).is_err() {
        return Err(ApiError::invalid("email", format!("{email:?} is not an email address")));
    }
    let name =
        amends_domain::staff::parse_staff_name(&body.name).map_err(|e| ApiError::invalid("name", e.to_string()))?;
    check_new_password(&body.password, &[email, &name]).map_err(|e| ApiError::invalid("password", e.to_string()))?;
    let hash = hash_password(body.password).await.map_err(|_| ApiError::internal())?;
    let user = state.store.create_user(email, &name, body.role, &hash).await?;
    Ok(created(user))
}

pub async fn list_users(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<UserRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_users().await?, next_cursor: None }))
}

pub async fn get_user(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<UserRecord>> {
    Ok(axum::Json(state.store.user(id_from(&id, "user")?).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    role: Option<Role>,
    active: Option<bool>,
}

pub async fn update_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<UserChange>,
) -> ApiResult<axum::Json<UserRecord>> {
    let id = id_from(&id, "user")?;
    if id == admin.id && (body.active == Some(false) || body.role.is_some_and(|r| r != Role::Admin)) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "last_admin",
            "you cannot demote or deactivate yourself; ask another admin",
        ));
    }
    Ok(axum::Json(state.store.update_user(id, body.role, body.active).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
}

#[derive(Serialize)]
struct CreatedToken {
    #[serde(flatten)]
    record: TokenRecord,
    /// Shown once; only its hash is stored.
    token: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<NewToken>,
) -> ApiResult<impl IntoResponse> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::invalid("name", "a token's name has 1 to 100 characters"));
    }
    let token = new_api_token();
    let record = state.store.create_token(user.id, name, &secret_hash(&token)).await?;
    Ok((Extension(SecretBearing), created(CreatedToken { record, token })))
}

pub async fn list_tokens(
    State(state): State<AppState>,
    Agent(user): Agent,
) -> ApiResult<axum::Json<Page<TokenRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_tokens(user.id).await?, next_cursor: None }))
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let token = state.store.token(id_from(&id, "token")?).await?;
    // Someone else's token is reported missing, not forbidden: its existence is not theirs to learn.
    if token.user_id != user.id && user.role != Role::Admin {
        return Err(ApiError::not_found("token"));
    }
    state.store.revoke_token(token.id).await?;
    Ok(StatusCode::NO_CONTENT)
}
