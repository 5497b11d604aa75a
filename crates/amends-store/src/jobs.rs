//! The durable job queue: jobs are rows, claimed with a lease (`locked_until`) so that
//! a job whose runner died is claimed again once the lease ends, and on PostgreSQL
//! with `FOR UPDATE SKIP LOCKED` so several instances never claim the same job.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::db::{self, Conn};
use crate::query::{Filters, Value};
use crate::{Backend, StaffAlert, Store, StoreError, millis};

/// One job and what it needs, one variant per kind. A row keeps the kind in `kind` and
/// the fields in `payload` (JSON); the names here are the names those rows were written
/// with, so the rows of earlier versions read back unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum Job {
    /// A new case to acknowledge to its customer.
    Acknowledge { case_id: i64 },
    /// A case event the customer may need to hear about.
    CaseEvent { case_id: i64, event_id: i64 },
    /// A message in the outbox to send.
    SendEmail { outbox_id: i64 },
    /// A scheduled follow-up has come due.
    FollowUpDue { case_id: i64, event_id: i64 },
    /// A webhook delivery to make.
    Webhook { delivery_id: i64 },
    /// A promised fix is due within a day.
    PromiseDueSoon { case_id: i64, event_id: i64 },
    /// A promised fix is due now: broken unless done.
    PromiseDue { case_id: i64, event_id: i64 },
    /// A new case with a category: does it look like a fixed problem's case?
    RecurrenceCheck { case_id: i64 },
    /// Queue a disclosure's notices, in batches, resuming where it stopped.
    DisclosureSend { disclosure_id: i64 },
    /// Mail an alert to staff, inside service hours.
    StaffAlert(StaffAlert),
    /// Recurring: take overdue steps up the escalation ladder.
    EscalationSweep {},
    /// A scheduled message's time has come: send it unless the customer wrote first.
    ScheduledMessage { case_id: i64, event_id: i64 },
    /// Mail the staff just asked for their idea on a problem, inside service hours.
    IdeaWanted { problem_id: i64, user_ids: Vec<i64> },
    /// A call list's time for calling has passed: the notice goes to those not reached.
    CallListDue { disclosure_id: i64 },
}

impl Job {
    /// The `kind` column's value (the serde tag; a test keeps the two the same).
    pub fn kind(&self) -> &'static str {
        match self {
            Job::Acknowledge { .. } => "acknowledge",
            Job::CaseEvent { .. } => "case_event",
            Job::SendEmail { .. } => "send_email",
            Job::FollowUpDue { .. } => "follow_up_due",
            Job::Webhook { .. } => "webhook",
            Job::PromiseDueSoon { .. } => "promise_due_soon",
            Job::PromiseDue { .. } => "promise_due",
            Job::RecurrenceCheck { .. } => "recurrence_check",
            Job::DisclosureSend { .. } => "disclosure_send",
            Job::StaffAlert(_) => "staff_alert",
            Job::EscalationSweep {} => "escalation_sweep",
            Job::ScheduledMessage { .. } => "scheduled_message",
            Job::IdeaWanted { .. } => "idea_wanted",
            Job::CallListDue { .. } => "call_list_due",
        }
    }

    /// The `payload` column's value: the variant's fields as a JSON object.
    pub fn payload(&self) -> Result<String, StoreError> {
        let mut both = serde_json::to_value(self).map_err(|e| StoreError::Corrupt(format!("job payload: {e}")))?;
        Ok(both["payload"].take().to_string())
    }

    /// Reads a stored row back. An unknown kind or a payload that does not fit its kind
    /// is an error in words, for that one job to fail with; it never stops the claim.
    pub fn read(kind: &str, payload: &str) -> Result<Job, String> {
        let payload: serde_json::Value =
            serde_json::from_str(payload).map_err(|e| format!("the {kind} job's payload is not JSON: {e}"))?;
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| format!("the {kind} job cannot be read: {e}"))
    }
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
    /// The row's kind as stored, for logs (it may name no `Job`).
    pub kind: String,
    /// The job, or why its row cannot be read: such a job fails alone, with that reason.
    pub job: Result<Job, String>,
    pub attempts: i64,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct QueueStats {
    pub pending: i64,
    /// Seconds the oldest due job has waited.
    pub oldest_due_seconds: i64,
    pub failed: i64,
}

/// Queues `job` to run at `run_at`, in the caller's transaction; `now` (the desk's clock)
/// stamps when it was queued.
pub(crate) async fn enqueue_in(
    conn: &mut Conn,
    job: &Job,
    run_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    Ok(db::query("INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(job.kind())
        .bind(job.payload()?)
        .bind(millis(run_at))
        .bind(millis(now))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?)
}

impl Store {
    pub async fn enqueue_job(&self, job: &Job, run_at: OffsetDateTime) -> Result<i64, StoreError> {
        let mut conn = self.write().acquire().await?;
        enqueue_in(&mut conn, job, run_at, self.now()).await
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
            JobsToClaim::AllButSending => format!("AND kind <> '{}'", Job::SendEmail { outbox_id: 0 }.kind()),
        };
        let rows = db::query(&format!(
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
                let kind: String = r.try_get("kind")?;
                let payload: String = r.try_get("payload")?;
                Ok(JobRecord {
                    id: r.try_get("id")?,
                    job: Job::read(&kind, &payload),
                    kind,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect()
    }

    /// Gives back the jobs `worker` claimed and has not run (at shutdown), uncounted, so
    /// another runner takes them at once rather than when the lease ends.
    pub async fn release_jobs(&self, worker: &str) -> Result<u64, StoreError> {
        Ok(db::query(
            "UPDATE jobs SET locked_by = NULL, locked_until = NULL, attempts = attempts - 1
             WHERE locked_by = $1 AND done_at IS NULL AND failed_at IS NULL",
        )
        .bind(worker)
        .execute(self.write())
        .await?
        .rows_affected())
    }

    /// Puts a job back to run again at `run_at`, keeping why it failed.
    pub async fn retry_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        run_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        db::query(
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
        db::query(
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

    /// Makes sure one such `job` waits to run after `now` (a recurring sweep), starting
    /// it at `at` when none does.
    pub async fn ensure_recurring_job(
        &self,
        job: &Job,
        now: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        let waiting = db::query(
            "SELECT id FROM jobs WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL AND run_at > $2 LIMIT 1",
        )
        .bind(job.kind())
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        if waiting.is_none() {
            enqueue_in(&mut tx, job, at, self.now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn job_stats(&self) -> Result<QueueStats, StoreError> {
        let now = millis(self.now());
        // The recurring sweep is a timer, not work waiting.
        let row = db::query(
            "SELECT COUNT(*) AS pending, MIN(CASE WHEN run_at <= $1 THEN run_at END) AS oldest,
                    (SELECT COUNT(*) FROM jobs WHERE failed_at IS NOT NULL) AS failed
             FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND kind <> $2",
        )
        .bind(now)
        .bind(Job::EscalationSweep {}.kind())
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

/// Completes the jobs `ids` that `worker` still holds, in one statement.
pub(crate) async fn complete_jobs_in(
    conn: &mut Conn,
    ids: &[i64],
    worker: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut f = Filters::default();
    let ids = f.list(ids.iter().map(|id| Value::Int(*id)));
    let worker = f.param(Value::Text(worker.to_owned()));
    let now = f.param(Value::Int(millis(now)));
    let sql = format!(
        "UPDATE jobs SET done_at = {now}, locked_by = NULL, locked_until = NULL WHERE id IN ({ids}) AND locked_by = {worker}"
    );
    f.bind(&sql).execute(conn).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AlertTo;

    fn every_kind() -> Vec<Job> {
        vec![
            Job::Acknowledge { case_id: 1 },
            Job::CaseEvent { case_id: 1, event_id: 2 },
            Job::SendEmail { outbox_id: 3 },
            Job::FollowUpDue { case_id: 1, event_id: 2 },
            Job::Webhook { delivery_id: 4 },
            Job::PromiseDueSoon { case_id: 1, event_id: 2 },
            Job::PromiseDue { case_id: 1, event_id: 2 },
            Job::RecurrenceCheck { case_id: 1 },
            Job::DisclosureSend { disclosure_id: 5 },
            Job::StaffAlert(StaffAlert {
                case_id: 1,
                subject: "Overdue".into(),
                text: "AM-1 is overdue".into(),
                to: AlertTo { owner: true, ..AlertTo::default() },
            }),
            Job::EscalationSweep {},
            Job::ScheduledMessage { case_id: 1, event_id: 2 },
            Job::IdeaWanted { problem_id: 6, user_ids: vec![7, 8] },
            Job::CallListDue { disclosure_id: 5 },
        ]
    }

    #[test]
    fn every_job_reads_back_as_written_under_its_kind() {
        for job in every_kind() {
            let tag = serde_json::to_value(&job).unwrap()["kind"].clone();
            assert_eq!(tag, job.kind(), "the kind column and the serde tag agree");
            assert_eq!(Job::read(job.kind(), &job.payload().unwrap()), Ok(job));
        }
    }

    #[test]
    fn rows_of_earlier_versions_read_back() {
        assert_eq!(Job::read("send_email", r#"{"outbox_id": 7}"#), Ok(Job::SendEmail { outbox_id: 7 }));
        assert_eq!(
            Job::read("case_event", r#"{"case_id": 1, "event_id": 2}"#),
            Ok(Job::CaseEvent { case_id: 1, event_id: 2 })
        );
        assert_eq!(Job::read("escalation_sweep", "{}"), Ok(Job::EscalationSweep {}));
        assert_eq!(Job::SendEmail { outbox_id: 7 }.payload().unwrap(), r#"{"outbox_id":7}"#);
        assert_eq!(Job::EscalationSweep {}.payload().unwrap(), "{}");
    }

    #[test]
    fn an_unknown_kind_or_a_payload_that_does_not_fit_is_a_reason_not_a_panic() {
        assert!(Job::read("teleport", r#"{"case_id": 1}"#).unwrap_err().contains("teleport"));
        assert!(Job::read("acknowledge", "not json").unwrap_err().contains("not JSON"));
        assert!(Job::read("acknowledge", r#"{"case": 1}"#).unwrap_err().contains("case_id"));
        assert!(Job::read("send_email", r#"{"outbox_id": "seven"}"#).is_err());
    }
}
