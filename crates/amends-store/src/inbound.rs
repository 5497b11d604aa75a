//! Mail taken in: one row per Message-ID, written in the same transaction as what the
//! message became (a new case, a reply on a case), so a message delivered twice is
//! taken once and a message whose storing failed is taken again on the retry.

use amends_domain::playbook::{Actor, EventKind};
use sqlx::AnyConnection;
use time::OffsetDateTime;

use crate::cases::{EventRecord, append_event_in};
use crate::{NewAttachment, Store, StoreError, millis};

/// What an incoming message was, for `inbound_mail.outcome`.
pub mod outcomes {
    pub const CASE_OPENED: &str = "case_opened";
    /// A new case held in the spam folder.
    pub const SPAM: &str = "spam";
    pub const THREADED: &str = "threaded";
    pub const AUTO_REPLY: &str = "ignored_auto_reply";
    pub const BOUNCE: &str = "ignored_bounce";
}

/// Identifies a message taken in, so that it is taken only once.
#[derive(Debug, Clone)]
pub struct InboundRef {
    pub message_id: String,
    pub from_email: Option<String>,
    pub subject: Option<String>,
}

pub(crate) async fn insert_in(
    conn: &mut AnyConnection,
    r: &InboundRef,
    case_id: Option<i64>,
    outcome: &str,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO inbound_mail (message_id, case_id, from_email, subject, outcome, reason, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(r.message_id.clone())
    .bind(case_id)
    .bind(r.from_email.clone())
    .bind(r.subject.clone())
    .bind(outcome)
    .bind(reason)
    .bind(millis(OffsetDateTime::now_utc()))
    .execute(&mut *conn)
    .await
    .map_err(StoreError::unique("message_id", "this message was already taken in"))?;
    Ok(())
}

impl Store {
    /// Whether a message with this Message-ID was already taken in.
    pub async fn inbound_seen(&self, message_id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM inbound_mail WHERE message_id = $1")
            .bind(message_id)
            .fetch_optional(self.read())
            .await?
            .is_some())
    }

    /// Records a message that opens nothing (an auto-reply, a bounce). Returns false
    /// when it was already recorded.
    pub async fn note_inbound(&self, r: &InboundRef, outcome: &str, reason: &str) -> Result<bool, StoreError> {
        let mut conn = self.write().acquire().await?;
        match insert_in(&mut conn, r, None, outcome, Some(reason)).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A customer's reply on their case: the message, its attachments and the timeline
    /// event in one transaction. A message already taken in is a conflict on `message_id`.
    /// A reply to a merged case lands on the case it was merged into.
    pub async fn record_reply(
        &self,
        case_id: i64,
        inbound: &InboundRef,
        text: String,
        attachments: &[NewAttachment],
    ) -> Result<EventRecord, StoreError> {
        // Resolved before the transaction: on SQLite a transaction that reads first and
        // then writes cannot wait for another process's write lock.
        let case_id = self.surviving_case(case_id).await?;
        let mut tx = self.write().begin().await?;
        insert_in(&mut tx, inbound, Some(case_id), outcomes::THREADED, None).await?;
        let kind = EventKind::CustomerWrote {
            subject: inbound.subject.clone(),
            text,
            message_id: Some(inbound.message_id.clone()),
        };
        let event = append_event_in(&mut tx, &self.settings().due, case_id, Actor::Customer, kind, None).await?;
        let now = OffsetDateTime::now_utc();
        for a in attachments {
            crate::attachments::insert_in(&mut tx, case_id, a, now).await?;
        }
        tx.commit().await?;
        Ok(event)
    }

    /// The case whose customer has this email, when `reference` names one of theirs.
    pub async fn case_of_customer(&self, case_id: i64, email: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1 AND cu.email_key = $2",
        )
        .bind(case_id)
        .bind(email.to_lowercase())
        .fetch_optional(self.read())
        .await?;
        Ok(row.is_some())
    }
}
