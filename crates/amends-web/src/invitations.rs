//! Staff join by invitation: an admin names someone (the staff page or `POST
//! /api/v1/users` without a password) and the desk mails them a link to choose their
//! own password (`pages/join.rs`). The link is made like a customer's: 256 random bits
//! made when the mail is sent, kept only as a hash, single-use, expiring after
//! [`INVITATION_DAYS`] days, and withdrawn by a resend or by an admin.

use amends_domain::MessagePurpose;
use amends_domain::Role;
use amends_domain::staff::INVITATION_DAYS;
use amends_store::secret::{masked_join_path, random_hex};
use amends_store::{Invitation, NewEmail, StoreError, UserRecord};
use time::OffsetDateTime;

use crate::AppState;

fn role_words(role: Role) -> &'static str {
    match role {
        Role::Agent => "an agent",
        Role::Manager => "a manager",
        Role::Admin => "an admin",
    }
}

/// The desk's address for people (the configured public URL).
fn base_url(state: &AppState) -> String {
    state.settings.public_url.as_deref().unwrap_or("http://localhost:8080").trim_end_matches('/').to_owned()
}

/// When the invitation stops working, and that time as the business reads it.
async fn expiry(state: &AppState) -> Result<(OffsetDateTime, String), StoreError> {
    let expires_at = state.store.now() + time::Duration::days(INVITATION_DAYS);
    let hours = state.store.desk_hours().await?;
    Ok((expires_at, hours.parsed.describe(expires_at)))
}

/// The invitation's mail, its link masked (the sending step makes the token).
fn mail(state: &AppState, admin: &UserRecord, to: (&str, &str), role: Role, until: &str) -> NewEmail {
    let (email, name) = to;
    let business = &state.settings.letters.head.business_name;
    let base = base_url(state);
    let host = base.split_once("://").map_or(base.as_str(), |(_, rest)| rest).split(['/', ':']).next().unwrap_or("");
    let host = if host.is_empty() { "amends.invalid" } else { host };
    let link = format!("{base}{}", masked_join_path());
    NewEmail {
        case_id: None,
        to_email: email.to_owned(),
        to_name: Some(name.to_owned()),
        subject: format!("{} invites you to the customer care desk of {business}", admin.name),
        text_body: format!(
            "Dear {name},\n\n{} invited you to work on customers' complaints at {business} with Amends, as {}.\n\n\
             Choose your own password here to join:\n{link}\n\n\
             The link works once, until {until}. If it has expired, ask {} to send a new one.\n\
             If you did not expect this invitation, ignore it: nothing happens without the link.\n\n{}\n{business}\n",
            admin.name,
            role_words(role),
            admin.name,
            admin.name,
        ),
        html_body: None,
        message_id: format!("<invitation.{}@{host}>", random_hex(12)),
        in_reply_to: None,
        purpose: MessagePurpose::StaffInvitation,
        link: None,
    }
}

/// Invites someone by mail: they appear as invited, not yet joined.
pub async fn invite(
    state: &AppState,
    admin: &UserRecord,
    email: &str,
    name: &str,
    role: Role,
) -> Result<(UserRecord, Invitation), StoreError> {
    let (expires_at, until) = expiry(state).await?;
    let message = mail(state, admin, (email, name), role, &until);
    state.store.invite_user(email, name, role, admin.id, expires_at, &message).await
}

/// Sends someone who has not joined a new invitation; the earlier links stop working.
pub async fn resend(state: &AppState, admin: &UserRecord, user_id: i64) -> Result<Invitation, StoreError> {
    let user = state.store.user(user_id).await?;
    let (expires_at, until) = expiry(state).await?;
    let message = mail(state, admin, (&user.email, &user.name), user.role, &until);
    state.store.resend_invitation(user.id, admin.id, expires_at, &message).await
}
