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

use super::{Page, created, id_from};
use crate::AppState;
use crate::auth::{
    Admin, Agent, END_SESSION_COOKIE, SESSION_COOKIE, cookie_value, new_api_token, secret_hash, start_session,
};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::SecretBearing;
use crate::json::JsonBody;
use crate::password::{hash_password, verify_password};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    /// The user's email (trimmed; compared case-insensitively).
    email: String,
    password: String,
}

/// A new session: who signed in, and the token every write with the session carries.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SessionAnswer {
    user: UserRecord,
    /// Send it as `X-CSRF-Token` on every write made with the session cookie.
    csrf_token: String,
}

#[utoipa::path(
    post, path = "/session", tag = "staff", operation_id = "signIn",
    summary = r#"Sign in (start a session)"#,
    description = r#"Checks the email and password and starts a session: the answer sets the `amends_session` cookie (HttpOnly, SameSite=Lax, `Secure` when served over HTTPS) and returns the CSRF token every write with this session must carry in `X-CSRF-Token`."#,
    request_body(content = SignIn),
    responses(
        (status = 200, description = r#"Signed in."#, body = SessionAnswer),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 401, description = r#"`bad_credentials`: wrong email or password, or the user is deactivated. `unauthorized`: an `Authorization` header was sent with a malformed, unknown or revoked bearer token."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: the browser says the request comes from another site (`Sec-Fetch-Site` or `Origin`); a sign-in is only made from this site's pages or without those headers."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type or is unknown."#, body = crate::error::ErrorBody),
        (status = 429, description = r#"`too_many_requests`: too many wrong passwords for this account from this address (growing delays), or from this address for any account; `Retry-After` says when to try again."#, body = crate::error::ErrorBody),
    ),
    security(()),
)]
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
    let matches =
        verify_password(body.password, user.as_ref().map(|u| u.password_hash.clone()).filter(|h| !h.is_empty())).await;
    let user = match user {
        Some(u) if matches && u.active => u,
        _ => {
            state.limiter.guess_failed(limits, addr.ip(), &body.email);
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "bad_credentials", "wrong email or password"));
        }
    };
    state.limiter.guess_succeeded(addr.ip(), &body.email);
    let (cookie, csrf_token) = start_session(&state, user.id).await?;
    let mut response = (Extension(SecretBearing), axum::Json(SessionAnswer { user, csrf_token })).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|_| ApiError::internal())?);
    Ok(response)
}

#[utoipa::path(
    delete, path = "/session", tag = "staff", operation_id = "signOut",
    summary = r#"Sign out (end the session)"#,
    description = r#"Ends the session named by the `amends_session` cookie, if any, and clears the cookie. With a bearer token it only answers 204."#,
    responses(
        (status = 204, description = r#"Signed out."#),
    ),
)]
pub async fn sign_out(State(state): State<AppState>, _: Agent, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(session) = cookie_value(&headers, SESSION_COOKIE) {
        state.store.delete_session(&secret_hash(session)).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_static(END_SESSION_COOKIE));
    Ok(response)
}

#[utoipa::path(
    get, path = "/me", tag = "staff", operation_id = "getMe",
    summary = r#"The signed-in user"#,
    responses(
        (status = 200, description = r#"The caller."#, body = UserRecord),
    ),
)]
pub async fn me(Agent(user): Agent) -> axum::Json<UserRecord> {
    axum::Json(user)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyChange {
    /// Alerts by email, inside business hours.
    email_alerts: Option<bool>,
    /// The language the pages speak to them (`en`, `de`); null: their browser's.
    #[serde(default, deserialize_with = "some_or_null")]
    #[schema(value_type = Option<amends_domain::Language>)]
    language: Option<Option<amends_domain::Language>>,
}

/// A present field (null included) as `Some`, an absent one as `None` (the default).
fn some_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<amends_domain::Language>>, D::Error> {
    Option::<amends_domain::Language>::deserialize(d).map(Some)
}

#[utoipa::path(
    patch, path = "/me", tag = "staff", operation_id = "updateMe",
    summary = r#"Change the caller's own settings: email alerts on or off, the pages' language"#,
    description = r#"Alerts (a watched customer's next order, promises due or broken, overdue steps escalated) always show in the inbox and on the case; with `email_alerts` they are also mailed, inside business hours."#,
    request_body(content = MyChange),
    responses(
        (status = 200, description = r#"The caller, changed."#, body = UserRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`last_admin`: admins cannot demote or deactivate themselves."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
/// What each staff member may change of their own account: whether alerts reach them
/// by email (the inbox and the timeline show them either way).
pub async fn update_me(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<MyChange>,
) -> ApiResult<axum::Json<UserRecord>> {
    if body.email_alerts.is_none() && body.language.is_none() {
        return Ok(axum::Json(user));
    }
    Ok(axum::Json(state.store.update_account(user.id, body.email_alerts, body.language).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// A wrong one is 422 with `field: current_password`.
    current_password: String,
    /// 10 to 256 characters.
    new_password: String,
}

#[utoipa::path(
    post, path = "/me/password", tag = "staff", operation_id = "changePassword",
    summary = r#"Change the caller's password"#,
    description = r#"Changes the caller's password. A wrong current password counts as a guess, throttled like a sign-in per account and address (429 with `Retry-After`). The new password must be 10 to 256 characters, not easy to guess (zxcvbn score 3 of 4 at least, with the caller's email and name known to a guesser) and not the current one. Every other session of the caller ends; API tokens stay."#,
    request_body(content = PasswordChange),
    responses(
        (status = 204, description = r#"Changed."#),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  `invalid` with `field: current_password` when the current password is wrong, or `field: new_password` when the new one is not 10 to 256 characters, is easy to guess, or is the current one."#, body = crate::error::ErrorBody),
        (status = 429, description = r#"`too_many_requests`: too many wrong current passwords from this address for this account lately; `Retry-After` says when to try again."#, body = crate::error::ErrorBody),
    ),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Trimmed, then checked for the shape of an email address; unique (case-
    /// insensitively) among users, else 409.
    email: String,
    /// 1 to 200 characters after trimming.
    name: String,
    role: Role,
    /// 10 to 256 characters. Left out, the user is invited by mail instead: they get a
    /// link to choose their own password (`joined` is false until they do). Give one
    /// only where an integration provisions accounts itself and hands the password over.
    password: Option<String>,
}

#[utoipa::path(
    post, path = "/users", tag = "staff", operation_id = "createUser",
    summary = r#"Create a staff user, or invite one by mail (admins)"#,
    description = r#"Without `password`, the person is invited: an email carries a link (single-use, for 7 days) where they choose their own password; until then the user has `joined: false` and cannot sign in. `POST /users/{id}/invitation` sends a new link, `DELETE /users/{id}/invitation` withdraws it. With `password` (for integrations that provision accounts), the user can sign in at once."#,
    request_body(content = NewUser),
    responses(
        (status = 201, description = r#"Created (with a password), or invited (without; `joined: false`)."#, body = UserRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: email`: a user with this email already exists."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  `invalid` with `field: password` when the password is not 10 to 256 characters or is easy to guess (zxcvbn score under 3, with the user's email and name known to a guesser)."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create_user(
    State(state): State<AppState>,
    Admin(admin): Admin,
    JsonBody(body): JsonBody<NewUser>,
) -> ApiResult<impl IntoResponse> {
    let email = body.email.trim();
    if amends_domain::CustomerEmail::parse(email).is_err() {
        return Err(ApiError::invalid("email", format!("{email:?} is not an email address")));
    }
    let name =
        amends_domain::staff::parse_staff_name(&body.name).map_err(|e| ApiError::invalid("name", e.to_string()))?;
    let Some(password) = body.password else {
        let (user, _) = crate::invitations::invite(&state, &admin, email, &name, body.role).await?;
        return Ok(created(user));
    };
    check_new_password(&password, &[email, &name]).map_err(|e| ApiError::invalid("password", e.to_string()))?;
    let hash = hash_password(password).await.map_err(|_| ApiError::internal())?;
    let user = state.store.create_user(email, &name, body.role, &hash).await?;
    Ok(created(user))
}

#[utoipa::path(
    post, path = "/users/{id}/invitation", tag = "staff", operation_id = "resendInvitation",
    summary = r#"Send an invited user a new invitation (admins)"#,
    description = r#"Mails a new link (single-use, for 7 days) to someone who has not joined yet; the links of earlier invitations stop working, and a withdrawn invitee is active again."#,
    params(
        ("id" = i64, Path, description = r#"The user's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 201, description = r#"Sent."#, body = amends_store::Invitation),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such user."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: they have joined already."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn resend_invitation(
    State(state): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    let invitation = crate::invitations::resend(&state, &admin, id_from(&id, "user")?).await?;
    Ok(created(invitation))
}

#[utoipa::path(
    delete, path = "/users/{id}/invitation", tag = "staff", operation_id = "withdrawInvitation",
    summary = r#"Withdraw an invited user's invitation (admins)"#,
    description = r#"The link stops working and the user is deactivated; a resend invites them again."#,
    params(
        ("id" = i64, Path, description = r#"The user's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Withdrawn."#),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such user."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: they have joined already."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.withdraw_invitation(id_from(&id, "user")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get, path = "/users", tag = "staff", operation_id = "listUsers",
    summary = r#"List staff users (admins)"#,
    responses(
        (status = 200, description = r#"Every user, by id."#, body = Page<UserRecord>),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list_users(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<UserRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_users().await?, next_cursor: None }))
}

#[utoipa::path(
    get, path = "/users/{id}", tag = "staff", operation_id = "getUser",
    summary = r#"One staff user (admins)"#,
    params(
        ("id" = i64, Path, description = r#"The user's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The user."#, body = UserRecord),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such user."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn get_user(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<UserRecord>> {
    Ok(axum::Json(state.store.user(id_from(&id, "user")?).await?))
}

/// Fields left out (or null) stay as they are. Deactivating a user ends their sessions;
/// an admin cannot demote or deactivate themselves (409 `last_admin`).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// The new role; null leaves it unchanged.
    role: Option<Role>,
    /// False deactivates the user; null leaves it unchanged.
    active: Option<bool>,
}

#[utoipa::path(
    patch, path = "/users/{id}", tag = "staff", operation_id = "updateUser",
    summary = r#"Change a user's role or active flag (admins)"#,
    description = r#"Deactivating a user ends their sessions at once; their API tokens stop working while they are inactive."#,
    params(
        ("id" = i64, Path, description = r#"The user's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    request_body(content = UserChange),
    responses(
        (status = 200, description = r#"The user as changed."#, body = UserRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such user."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`last_admin`: admins cannot demote or deactivate themselves."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    /// A label for the token: 1 to 100 characters after trimming.
    name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
struct CreatedToken {
    #[serde(flatten)]
    record: TokenRecord,
    /// Shown once; only its hash is stored.
    token: String,
}

#[utoipa::path(
    post, path = "/tokens", tag = "staff", operation_id = "createToken",
    summary = r#"Create an API token for the caller"#,
    request_body(content = NewToken),
    responses(
        (status = 201, description = r#"Created. The `token` is shown only this once: it is stored hashed, and a retry with the same `Idempotency-Key` does not show it again (409 `secret_not_kept`)."#, body = CreatedToken),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`secret_not_kept`: a request with this `Idempotency-Key` already created a token; the token is shown only once and is not kept for replay, so the answer cannot be repeated."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/tokens", tag = "staff", operation_id = "listTokens",
    summary = r#"The caller's API tokens"#,
    responses(
        (status = 200, description = r#"The caller's own tokens, revoked ones included, by id."#, body = Page<TokenRecord>),
    ),
)]
pub async fn list_tokens(
    State(state): State<AppState>,
    Agent(user): Agent,
) -> ApiResult<axum::Json<Page<TokenRecord>>> {
    Ok(axum::Json(Page { items: state.store.list_tokens(user.id).await?, next_cursor: None }))
}

#[utoipa::path(
    delete, path = "/tokens/{id}", tag = "staff", operation_id = "revokeToken",
    summary = r#"Revoke an API token"#,
    description = r#"Revokes one of the caller's tokens (an admin may revoke anyone's). Revoking a revoked token answers 204 again and keeps its first `revoked_at`."#,
    params(
        ("id" = i64, Path, description = r#"The token's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Revoked."#),
        (status = 404, description = r#"`not_found`: no such token, or it is another user's and the caller is not an admin."#, body = crate::error::ErrorBody),
    ),
)]
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
