//! Scheduled messages: a text an agent wrote to reach the customer later. Each is a
//! `message_scheduled` event, a row here and a job due at its time, all written in one
//! transaction. The customer's next word cancels every pending one in the transaction
//! that records that word, so a message never answers a question the customer has
//! since changed; the job finds the row settled and sends nothing.

use amends_domain::ScheduledStatus;
use amends_domain::playbook::EventKind;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn};
use crate::jobs::{Job, enqueue_in};
use crate::outbox::NewEmail;
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScheduledMessage {
    pub event_id: i64,
    pub case_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub send_at: OffsetDateTime,
    pub status: ScheduledStatus,
    pub text: String,
}

pub(crate) async fn schedule_in(
    tx: &mut Conn,
    case_id: i64,
    event_id: i64,
    send_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    db::query("INSERT INTO scheduled_messages (event_id, case_id, send_at, status) VALUES ($1, $2, $3, 'pending')")
        .bind(event_id)
        .bind(case_id)
        .bind(millis(send_at))
        .execute(&mut *tx)
        .await?;
    enqueue_in(tx, &Job::ScheduledMessage { case_id, event_id }, send_at, now).await?;
    Ok(())
}

/// Cancels the case's pending scheduled messages and answers the events that scheduled
/// them; the step's writer puts a cancellation on the timeline for each.
pub(crate) async fn cancel_pending_rows_in(tx: &mut Conn, case_id: i64, at: i64) -> Result<Vec<i64>, StoreError> {
    let rows = db::query(
        "UPDATE scheduled_messages SET status = 'cancelled', settled_at = $2 WHERE case_id = $1 AND status = 'pending'
         RETURNING event_id",
    )
    .bind(case_id)
    .bind(at)
    .fetch_all(&mut *tx)
    .await?;
    let mut cancelled: Vec<i64> = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<_, _>>()?;
    cancelled.sort_unstable();
    Ok(cancelled)
}

impl Store {
    /// The case's scheduled messages, oldest first.
    pub async fn scheduled_messages(&self, case_id: i64) -> Result<Vec<ScheduledMessage>, StoreError> {
        let rows = db::query(
            "SELECT s.event_id, s.case_id, s.send_at, s.status, e.data FROM scheduled_messages s
             JOIN case_events e ON e.id = s.event_id WHERE s.case_id = $1 ORDER BY s.event_id",
        )
        .bind(case_id)
        .fetch_all(self.read())
        .await?;
        rows.iter()
            .map(|r| {
                let data: String = r.try_get("data")?;
                let text = match serde_json::from_str::<EventKind>(&data) {
                    Ok(EventKind::MessageScheduled { text, .. }) => text,
                    _ => String::new(),
                };
                Ok(ScheduledMessage {
                    event_id: r.try_get("event_id")?,
                    case_id: r.try_get("case_id")?,
                    send_at: from_millis(r.try_get("send_at")?),
                    status: parsed(r, "status")?,
                    text,
                })
            })
            .collect()
    }

    /// Sends a scheduled message that is still pending: its row settles, the message
    /// goes to the outbox with its send job, and `job` (the scheduling job) completes,
    /// all in one transaction. A message the customer's reply cancelled settles nothing
    /// and queues nothing. Without an address (`email` None) it settles as unsent.
    /// Returns whether the message was queued.
    pub async fn send_scheduled_message(
        &self,
        event_id: i64,
        email: Option<&NewEmail>,
        job: (i64, &str),
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().begin().await?;
        let now = self.now();
        let held = db::query(
            "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL \
             WHERE id = $1 AND locked_by = $2 AND done_at IS NULL",
        )
        .bind(job.0)
        .bind(job.1)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            return Ok(false);
        }
        let settled = db::query(
            "UPDATE scheduled_messages SET status = $2, settled_at = $3 WHERE event_id = $1 AND status = 'pending'",
        )
        .bind(event_id)
        .bind(if email.is_some() { ScheduledStatus::Sent } else { ScheduledStatus::Unsent }.as_str())
        .bind(millis(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        let queued = match email {
            Some(e) if settled == 1 => {
                crate::outbox::insert_email_in(&mut tx, e, self.now(), self.now()).await?;
                true
            }
            _ => false,
        };
        tx.commit().await?;
        Ok(queued)
    }
}
