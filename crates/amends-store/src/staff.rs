//! Staff users, their API tokens and their web sessions. Secrets are stored hashed:
//! the adapter hands in hashes, never the tokens themselves.

use amends_domain::staff::InvitationStatus;
use amends_domain::{Language, Role};
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
use crate::outbox::{NewEmail, insert_email_in};
use crate::{Store, StoreError, from_millis, millis};

/// An invitation to join the desk, sent by mail. Its link is its message's: the token
/// is made when the message is sent (`link_tokens` by outbox id), so only the mail
/// that left opens it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: i64,
    pub user_id: i64,
    pub invited_by: Option<i64>,
    /// pending, used, withdrawn or expired, now.
    pub status: InvitationStatus,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(skip)]
    pub outbox_id: i64,
}

fn invitation(row: &Row, now: OffsetDateTime) -> Result<Invitation, StoreError> {
    let expires_at = from_millis(row.try_get("expires_at")?);
    let used = row.try_get::<Option<i64>, _>("used_at")?.is_some();
    let withdrawn = row.try_get::<Option<i64>, _>("revoked_at")?.is_some();
    Ok(Invitation {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        invited_by: row.try_get("invited_by")?,
        status: InvitationStatus::at(expires_at, used, withdrawn, now),
        created_at: from_millis(row.try_get("created_at")?),
        expires_at,
        outbox_id: row.try_get("outbox_id")?,
    })
}

/// Queues the invitation's message and records the invitation, in the caller's transaction.
async fn invite_in(
    conn: &mut Conn,
    user_id: i64,
    invited_by: i64,
    expires_at: OffsetDateTime,
    mail: &NewEmail,
    now: OffsetDateTime,
) -> Result<Invitation, StoreError> {
    let outbox_id = insert_email_in(conn, mail, now, now).await?;
    let row = db::query(
        "INSERT INTO staff_invitations (user_id, outbox_id, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING *",
    )
    .bind(user_id)
    .bind(outbox_id)
    .bind(invited_by)
    .bind(millis(now))
    .bind(millis(expires_at))
    .fetch_one(&mut *conn)
    .await?;
    invitation(&row, now)
}

/// Withdraws the user's invitations still open, in the caller's transaction.
async fn withdraw_in(conn: &mut Conn, user_id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    db::query(
        "UPDATE staff_invitations SET revoked_at = $2 WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The user, when they were invited and have not joined; else why not.
async fn not_joined_in(conn: &mut Conn, user_id: i64) -> Result<(), StoreError> {
    let row = db::query("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("user"))?;
    let hash: String = row.try_get(0)?;
    if !hash.is_empty() {
        return Err(StoreError::Conflict {
            field: None,
            message: "they have joined already: they sign in with their own password".to_owned(),
        });
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub active: bool,
    /// Alerts by email (watch alerts, promises, escalations); off on the account page.
    pub email_alerts: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// False while they were invited and have not yet chosen a password.
    pub joined: bool,
    /// The language they read the desk in; none: their browser's.
    pub language: Option<Language>,
    #[serde(skip)]
    pub password_hash: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenRecord {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: UserRecord,
    pub csrf_token: String,
}

const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.role, u.active, u.email_alerts, u.created_at, u.password_hash, u.language";
const USER_COLUMNS_BARE: &str = "id, email, name, role, active, email_alerts, created_at, password_hash, language";

fn user(row: &Row) -> Result<UserRecord, StoreError> {
    let role: String = row.try_get("role")?;
    let password_hash: String = row.try_get("password_hash")?;
    Ok(UserRecord {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        role: role.parse().map_err(|_| StoreError::Corrupt(format!("role {role:?}")))?,
        active: row.try_get::<i64, _>("active")? != 0,
        email_alerts: row.try_get::<i64, _>("email_alerts")? != 0,
        created_at: from_millis(row.try_get("created_at")?),
        joined: !password_hash.is_empty(),
        password_hash,
        language: language(row)?,
    })
}

/// A stored language tag; one this build no longer speaks reads as none (the request's
/// or business's language is used), never as an error.
pub(crate) fn language(row: &Row) -> Result<Option<Language>, StoreError> {
    let tag: Option<String> = row.try_get("language")?;
    Ok(tag.as_deref().and_then(Language::from_tag))
}

fn token(row: &Row) -> Result<TokenRecord, StoreError> {
    Ok(TokenRecord {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        name: row.try_get("name")?,
        created_at: from_millis(row.try_get("created_at")?),
        last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(from_millis),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis),
    })
}

/// Whether `user_id` is someone a case may be given to: an active staff member.
pub(crate) async fn is_active_in(conn: &mut Conn, user_id: i64) -> Result<bool, StoreError> {
    let row =
        db::query("SELECT id FROM users WHERE id = $1 AND active = 1").bind(user_id).fetch_optional(&mut *conn).await?;
    Ok(row.is_some())
}

impl Store {
    pub async fn create_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        password_hash: &str,
    ) -> Result<UserRecord, StoreError> {
        let row = db::query(&format!(
            "INSERT INTO users (email, email_key, name, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING {USER_COLUMNS_BARE}"
        ))
        .bind(email)
        .bind(email.to_lowercase())
        .bind(name)
        .bind(role.as_str())
        .bind(password_hash)
        .bind(millis(self.now()))
        .fetch_one(self.write())
        .await
        .map_err(StoreError::unique("email", "a user with this email already exists"))?;
        user(&row)
    }

    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(db::query("SELECT COUNT(*) FROM users").fetch_one(self.read()).await?.try_get(0)?)
    }

    pub async fn user_by_email(&self, email: &str) -> Result<Option<UserRecord>, StoreError> {
        db::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email_key = $1"))
            .bind(email.to_lowercase())
            .fetch_optional(self.read())
            .await?
            .as_ref()
            .map(user)
            .transpose()
    }

    pub async fn user(&self, id: i64) -> Result<UserRecord, StoreError> {
        let row = db::query(&format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("user"))?;
        user(&row)
    }

    pub async fn list_users(&self) -> Result<Vec<UserRecord>, StoreError> {
        db::query(&format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.id"))
            .fetch_all(self.read())
            .await?
            .iter()
            .map(user)
            .collect()
    }

    /// Changes a user's role and whether they may sign in. A deactivated user's sessions
    /// end at once.
    pub async fn update_user(
        &self,
        id: i64,
        role: Option<Role>,
        active: Option<bool>,
    ) -> Result<UserRecord, StoreError> {
        let mut tx = self.write().begin().await?;
        let done = db::query("UPDATE users SET role = COALESCE($2, role), active = COALESCE($3, active) WHERE id = $1")
            .bind(id)
            .bind(role.map(|r| r.as_str()))
            .bind(active.map(i64::from))
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        if active == Some(false) {
            db::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.forget_tokens();
        self.user(id).await
    }

    /// Sets a new password and, in the same transaction, ends every session of the
    /// user but `keep` (the one that made the change, if it was a session): a session
    /// someone else holds does not outlive the password it was opened with.
    pub async fn set_password_hash(&self, id: i64, hash: &str, keep: Option<&str>) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        db::query("UPDATE users SET password_hash = $2 WHERE id = $1").bind(id).bind(hash).execute(&mut *tx).await?;
        db::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(id)
            .bind(keep.unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.forget_tokens();
        Ok(())
    }

    pub async fn create_token(&self, user_id: i64, name: &str, token_hash: &str) -> Result<TokenRecord, StoreError> {
        let row = db::query(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id, user_id, name, created_at, last_used_at, revoked_at",
        )
        .bind(user_id)
        .bind(name)
        .bind(token_hash)
        .bind(millis(self.now()))
        .fetch_one(self.write())
        .await?;
        token(&row)
    }

    pub async fn list_tokens(&self, user_id: i64) -> Result<Vec<TokenRecord>, StoreError> {
        db::query(
            "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(token)
        .collect()
    }

    pub async fn token(&self, id: i64) -> Result<TokenRecord, StoreError> {
        let row =
            db::query("SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE id = $1")
                .bind(id)
                .fetch_optional(self.read())
                .await?
                .ok_or(StoreError::NotFound("token"))?;
        token(&row)
    }

    pub async fn revoke_token(&self, id: i64) -> Result<(), StoreError> {
        db::query("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1")
            .bind(id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        self.forget_tokens();
        Ok(())
    }

    /// Forgets every remembered token, after any write to `users` or `api_tokens`
    /// commits (not before: a lookup in between would remember the old row again), so
    /// the change counts at once on this instance.
    pub(crate) fn forget_tokens(&self) {
        self.inner.tokens.forget_all();
    }

    /// The active user a live token belongs to: from the token memory while it is
    /// fresh, else from the database (and remembered).
    pub async fn user_by_token_hash(&self, token_hash: &str) -> Result<Option<UserRecord>, StoreError> {
        let now = self.now();
        if let Some(user) = self.inner.tokens.recall(token_hash, now) {
            return Ok(Some(user));
        }
        let found = db::query(&format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = 1"
        ))
        .bind(token_hash)
        .fetch_optional(self.read())
        .await?
        .as_ref()
        .map(user)
        .transpose()?;
        if let Some(user) = &found {
            self.inner.tokens.remember(token_hash, user, now);
        }
        Ok(found)
    }

    pub async fn create_session(
        &self,
        id_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        db::query(
            "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id_hash)
        .bind(user_id)
        .bind(csrf_token)
        .bind(millis(self.now()))
        .bind(millis(expires_at))
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// The session's active user, unless it expired.
    pub async fn session(&self, id_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = db::query(&format!(
            "SELECT {USER_COLUMNS}, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = 1"
        ))
        .bind(id_hash)
        .bind(millis(self.now()))
        .fetch_optional(self.read())
        .await?;
        row.map(|r| Ok(SessionRecord { user: user(&r)?, csrf_token: r.try_get("csrf_token")? })).transpose()
    }

    pub async fn delete_session(&self, id_hash: &str) -> Result<(), StoreError> {
        db::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(self.write()).await?;
        Ok(())
    }

    /// Invites someone: the user (with no password until they choose one), the message
    /// carrying the link, and the invitation, in one transaction.
    pub async fn invite_user(
        &self,
        email: &str,
        name: &str,
        role: Role,
        invited_by: i64,
        expires_at: OffsetDateTime,
        mail: &NewEmail,
    ) -> Result<(UserRecord, Invitation), StoreError> {
        let now = self.now();
        let mut tx = self.write().begin().await?;
        let row = db::query(&format!(
            "INSERT INTO users (email, email_key, name, role, password_hash, active, created_at)
             VALUES ($1, $2, $3, $4, '', 1, $5) RETURNING {USER_COLUMNS_BARE}"
        ))
        .bind(email)
        .bind(email.to_lowercase())
        .bind(name)
        .bind(role.as_str())
        .bind(millis(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::unique("email", "a user with this email already exists"))?;
        let user = user(&row)?;
        let invitation = invite_in(&mut tx, user.id, invited_by, expires_at, mail, now).await?;
        tx.commit().await?;
        Ok((user, invitation))
    }

    /// Sends a new invitation to someone who has not joined: the earlier links stop
    /// working, and a withdrawn invitee may sign in again once they join.
    pub async fn resend_invitation(
        &self,
        user_id: i64,
        invited_by: i64,
        expires_at: OffsetDateTime,
        mail: &NewEmail,
    ) -> Result<Invitation, StoreError> {
        let now = self.now();
        let mut tx = self.write().begin().await?;
        not_joined_in(&mut tx, user_id).await?;
        withdraw_in(&mut tx, user_id, now).await?;
        db::query("UPDATE users SET active = 1 WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        let invitation = invite_in(&mut tx, user_id, invited_by, expires_at, mail, now).await?;
        tx.commit().await?;
        self.forget_tokens();
        Ok(invitation)
    }

    /// Withdraws the invitation of someone who has not joined: its link stops working
    /// and they are deactivated.
    pub async fn withdraw_invitation(&self, user_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        let mut tx = self.write().begin().await?;
        not_joined_in(&mut tx, user_id).await?;
        withdraw_in(&mut tx, user_id, now).await?;
        db::query("UPDATE users SET active = 0 WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
        tx.commit().await?;
        self.forget_tokens();
        Ok(())
    }

    /// The newest invitation of each user who has not joined yet.
    pub async fn open_invitations(&self) -> Result<Vec<Invitation>, StoreError> {
        let now = self.now();
        let rows = db::query(
            "SELECT i.* FROM staff_invitations i JOIN users u ON u.id = i.user_id
             WHERE u.password_hash = '' AND i.id = (SELECT MAX(id) FROM staff_invitations WHERE user_id = i.user_id)
             ORDER BY i.id",
        )
        .fetch_all(self.read())
        .await?;
        rows.iter().map(|r| invitation(r, now)).collect()
    }

    /// The invitation a token opens (one made when its message was sent), and who it is for.
    pub async fn invitation_by_token_hash(
        &self,
        token_hash: &str,
    ) -> Result<Option<(Invitation, UserRecord)>, StoreError> {
        let now = self.now();
        let row = db::query(
            "SELECT i.* FROM link_tokens t JOIN staff_invitations i ON i.outbox_id = t.outbox_id
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.read())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let invitation = invitation(&row, now)?;
        let user = self.user(invitation.user_id).await?;
        Ok(Some((invitation, user)))
    }

    /// Uses the invitation: the password is set and the link never works again. False
    /// when it was used, withdrawn or expired meanwhile (nothing changes then).
    pub async fn accept_invitation(&self, invitation_id: i64, password_hash: &str) -> Result<bool, StoreError> {
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let row = db::query(
            "UPDATE staff_invitations SET used_at = $2
             WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING user_id",
        )
        .bind(invitation_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(false) };
        let user_id: i64 = row.try_get(0)?;
        let set = db::query("UPDATE users SET password_hash = $2 WHERE id = $1 AND password_hash = '' AND active = 1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&mut *tx)
            .await?;
        if set.rows_affected() == 0 {
            return Ok(false);
        }
        tx.commit().await?;
        self.forget_tokens();
        Ok(true)
    }
}

/// Who each bearer token belongs to, remembered for [`TOKEN_MEMORY_SECONDS`]: every API
/// request names its token, and looking it up was a query each time. A change made
/// through this instance (a token revoked; a role, a setting or a user's state changed:
/// every write to `users` or `api_tokens`) forgets everything at once; another instance on the same database sees it within the TTL.
/// Only live tokens are remembered, so a flood of wrong tokens cannot fill it.
#[derive(Default)]
pub(crate) struct TokenMemory {
    entries: std::sync::Mutex<std::collections::HashMap<String, (OffsetDateTime, UserRecord)>>,
}

const TOKEN_MEMORY_SECONDS: i64 = 5;
/// Past this many live tokens the memory starts over rather than grow.
const TOKEN_MEMORY_ENTRIES: usize = 4096;

impl TokenMemory {
    fn recall(&self, token_hash: &str, now: OffsetDateTime) -> Option<UserRecord> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, user) = entries.get(token_hash)?;
        let age = now - *at;
        (age >= time::Duration::ZERO && age < time::Duration::seconds(TOKEN_MEMORY_SECONDS)).then(|| user.clone())
    }

    fn remember(&self, token_hash: &str, user: &UserRecord, now: OffsetDateTime) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= TOKEN_MEMORY_ENTRIES {
            entries.clear();
        }
        entries.insert(token_hash.to_owned(), (now, user.clone()));
    }

    fn forget_all(&self) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}
