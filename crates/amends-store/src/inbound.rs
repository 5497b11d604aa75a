//! Mail taken in: one row per Message-ID, written in the same transaction as what the
//! message became (a new case, a reply on a case), so a message delivered twice is
//! taken once and a message whose storing failed is taken again on the retry.

use time::OffsetDateTime;

use crate::db::{self, Conn};
use crate::{Store, StoreError, millis};

/// What an incoming message was, for `inbound_mail.outcome`.
pub mod outcomes {
    pub const CASE_OPENED: &str = "case_opened";
    /// A new case held in the spam folder.
    pub const SPAM: &str = "spam";
    pub const THREADED: &str = "threaded";
    pub const AUTO_REPLY: &str = "ignored_auto_reply";
    pub const BOUNCE: &str = "ignored_bounce";
    /// A message that can never be taken (too large, not mail, no sender): kept as a
    /// note with the reason so that staff see it, never silently dropped.
    pub const REFUSED: &str = "refused";
}

/// A message that could not be taken, for staff to see.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedMail {
    pub id: i64,
    pub message_id: String,
    pub from_email: Option<String>,
    pub subject: Option<String>,
    /// Why it could not be taken, in words.
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
}

/// Identifies a message taken in, so that it is taken only once.
#[derive(Debug, Clone)]
pub struct InboundRef {
    pub message_id: String,
    pub from_email: Option<String>,
    pub subject: Option<String>,
}

pub(crate) async fn insert_in(
    conn: &mut Conn,
    r: &InboundRef,
    case_id: Option<i64>,
    outcome: &str,
    reason: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    db::query(
        "INSERT INTO inbound_mail (message_id, case_id, from_email, subject, outcome, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.message_id.clone())
    .bind(case_id)
    .bind(r.from_email.clone())
    .bind(r.subject.clone())
    .bind(outcome)
    .bind(reason)
    .bind(millis(now))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique("message_id", "this message was already taken in"))?;
    Ok(())
}

impl Store {
    /// Whether a message with this Message-ID was already taken in.
    pub async fn inbound_seen(&self, message_id: &str) -> Result<bool, StoreError> {
        Ok(db::query("SELECT 1 FROM inbound_mail WHERE message_id = $1")
            .bind(message_id)
            .fetch_optional(self.read())
            .await?
            .is_some())
    }

    /// Records a message that opens nothing (an auto-reply, a bounce). Returns false
    /// when it was already recorded.
    pub async fn note_inbound(&self, r: &InboundRef, outcome: &str, reason: &str) -> Result<bool, StoreError> {
        let mut conn = self.write().acquire().await?;
        match insert_in(&mut conn, r, None, outcome, Some(reason), self.now()).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The messages that could not be taken, newest first.
    pub async fn refused_mail(&self, limit: i64) -> Result<Vec<RefusedMail>, StoreError> {
        let rows = db::query(
            "SELECT id, message_id, from_email, subject, COALESCE(reason, '') AS reason, received_at
             FROM inbound_mail WHERE outcome = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(outcomes::REFUSED)
        .bind(limit)
        .fetch_all(self.read())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RefusedMail {
                    id: r.try_get("id")?,
                    message_id: r.try_get("message_id")?,
                    from_email: r.try_get("from_email")?,
                    subject: r.try_get("subject")?,
                    reason: r.try_get("reason")?,
                    received_at: crate::from_millis(r.try_get("received_at")?),
                })
            })
            .collect()
    }

    /// The case whose customer has this email, when `reference` names one of theirs.
    pub async fn case_of_customer(&self, case_id: i64, email: &str) -> Result<bool, StoreError> {
        let row = db::query(
            "SELECT 1 FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1 AND cu.email_key = $2",
        )
        .bind(case_id)
        .bind(email.to_lowercase())
        .fetch_optional(self.read())
        .await?;
        Ok(row.is_some())
    }
}
