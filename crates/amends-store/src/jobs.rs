//! The durable job queue: jobs are rows, claimed with a lease (`locked_until`) so that
//! a job whose runner died is claimed again once the lease ends, and on PostgreSQL
//! with `FOR UPDATE SKIP LOCKED` so several instances never claim the same job.

use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Duration, OffsetDateTime};

use crate::{Backend, Store, StoreError, millis};

/// Kinds of job the store itself enqueues in the transactions that call for them.
pub mod kinds {
    /// A new case to acknowledge to its customer. Payload: `{"case_id"}`.
    pub const ACKNOWLEDGE: &str = "acknowledge";
    /// A case event the customer may need to hear about. Payload: `{"case_id", "event_id"}`.
    pub const CASE_EVENT: &str = "case_event";
    /// A message in the outbox to send. Payload: `{"outbox_id"}`.
    pub const SEND_EMAIL: &str = "send_email";
    /// A scheduled follow-up has come due. Payload: `{"case_id", "event_id"}`.
    pub const FOLLOW_UP_DUE: &str = "follow_up_due";
    /// A webhook delivery to make. Payload: `{"delivery_id"}`.
    pub const WEBHOOK: &str = "webhook";
    /// A promised fix is due within a day. Payload: `{"case_id", "event_id"}`.
    pub const PROMISE_DUE_SOON: &str = "promise_due_soon";
    /// A promised fix is due now: broken unless done. Payload: `{"case_id", "event_id"}`.
    pub const PROMISE_DUE: &str = "promise_due";
    /// A new case with a category: does it look like a fixed problem's case? Payload: `{"case_id"}`.
    pub const RECURRENCE_CHECK: &str = "recurrence_check";
    /// Queue a disclosure's notices, in batches, resuming where it stopped. Payload: `{"disclosure_id"}`.
    pub const DISCLOSURE_SEND: &str = "disclosure_send";
    /// Mail an alert to staff, inside service hours. Payload: a `StaffAlert`.
    pub const STAFF_ALERT: &str = "staff_alert";
    /// Recurring: take overdue steps up the escalation ladder. Payload: `{}`.
    pub const ESCALATION_SWEEP: &str = "escalation_sweep";
    /// A scheduled message's time has come: send it unless the customer wrote first.
    /// Payload: `{"case_id", "event_id"}`.
    pub const SCHEDULED_MESSAGE: &str = "scheduled_message";
}

/// Which jobs a runner takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobsToClaim {
    All,
    /// Everything but sending mail: with no SMTP server configured, messages wait in
    /// the outbox untouched (not retried and logged each time) until one is.
    AllButSending,
}

#[derive(Debug, Clone, Serialize)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct QueueStats {
    pub pending: i64,
    /// Seconds the oldest due job has waited.
    pub oldest_due_seconds: i64,
    pub failed: i64,
}

pub(crate) async fn enqueue_in(
    conn: &mut AnyConnection,
    kind: &str,
    payload: &serde_json::Value,
    run_at: OffsetDateTime,
) -> Result<i64, StoreError> {
    Ok(sqlx::query("INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(kind)
        .bind(payload.to_string())
        .bind(millis(run_at))
        .bind(millis(OffsetDateTime::now_utc()))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

impl Store {
    pub async fn enqueue_job(
        &self,
        kind: &str,
        payload: &serde_json::Value,
        run_at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut conn = self.write().acquire().await?;
        enqueue_in(&mut conn, kind, payload, run_at).await
    }

    /// Claims up to `limit` due jobs of `which` kinds for `worker`, for `lease`. A
    /// claimed job counts an attempt; it must be completed, retried, failed or released
    /// before the lease ends.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        lease: Duration,
        limit: i64,
        which: JobsToClaim,
    ) -> Result<Vec<JobRecord>, StoreError> {
        let now = self.now();
        let skip_locked = match self.backend() {
            Backend::Postgres => "FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        // A constant of ours, never input: safe to write into the statement.
        let kinds = match which {
            JobsToClaim::All => String::new(),
            JobsToClaim::AllButSending => format!("AND kind <> '{}'", kinds::SEND_EMAIL),
        };
        let rows = sqlx::query(&format!(
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $3
                          AND (locked_until IS NULL OR locked_until < $3) {kinds}
                          ORDER BY run_at, id LIMIT $4 {skip_locked})
             RETURNING id, kind, payload, attempts"
        ))
        .bind(worker)
        .bind(millis(now + lease))
        .bind(millis(now))
        .bind(limit)
        .fetch_all(self.write())
        .await?;
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload")?;
                Ok(JobRecord {
                    id: r.try_get("id")?,
                    kind: r.try_get("kind")?,
                    payload: serde_json::from_str(&payload)
                        .map_err(|e| StoreError::Corrupt(format!("job payload: {e}")))?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// Gives back the jobs `worker` claimed and has not run (at shutdown), uncounted, so
    /// another runner takes them at once rather than when the lease ends.
    pub async fn release_jobs(&self, worker: &str) -> Result<u64, StoreError> {
        Ok(sqlx::query(
            "UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
             WHERE locked_by = $1 AND done_at IS NULL AND failed_at IS NULL",
        )
        .bind(worker)
        .execute(self.write())
        .await?
        .rows_affected())
    }

    pub async fn complete_job(&self, id: i64, worker: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Puts a job back to run again at `run_at`, keeping why it failed.
    pub async fn retry_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        run_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET run_at = $3, last_error = $4, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(millis(run_at))
        .bind(error)
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Gives a job up for good; it stays in the table with its error for a person to see.
    pub async fn fail_job(&self, id: i64, worker: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET failed_at = $3, last_error = $4, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2",
        )
        .bind(id)
        .bind(worker)
        .bind(millis(self.now()))
        .bind(error)
        .execute(self.write())
        .await?;
        Ok(())
    }

    pub async fn job_stats(&self) -> Result<QueueStats, StoreError> {
        let now = millis(self.now());
        // The recurring sweep is a timer, not work waiting.
        let row = sqlx::query(
            "SELECT COUNT(*) AS pending, MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest,
                    (SELECT COUNT(*) FROM jobs WHERE failed_at IS NOT NULL) AS failed
             FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND kind <> $2",
        )
        .bind(now)
        .bind(kinds::ESCALATION_SWEEP)
        .fetch_one(self.read())
        .await?;
        let oldest: Option<i64> = row.try_get("oldest")?;
        Ok(QueueStats {
            pending: row.try_get("pending")?,
            oldest_due_seconds: oldest.map(|o| (now - o).max(0) / 1000).unwrap_or(0),
            failed: row.try_get("failed")?,
        })
    }
}
