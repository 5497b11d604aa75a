//! The outbox: every message to a customer, stored before it is sent, so that a
//! restart loses nothing; a message marked sent is never sent again.

use amends_domain::{MessagePurpose, MessageStatus};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn, Row};
use crate::jobs::{Job, enqueue_in};
use crate::links::{NewLink, create_link_in};
use crate::secret::{random_hex, secret_hash};
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone)]
pub struct NewEmail {
    pub case_id: Option<i64>,
    pub to_email: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub purpose: MessagePurpose,
    /// The personal link the message carries, masked in its text: it is stored with
    /// the message, and the sending step makes its token (see
    /// [`crate::secret::MASKED_TOKEN`]).
    pub link: Option<NewLink>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailRecord {
    pub id: i64,
    pub case_id: Option<i64>,
    pub to_email: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub purpose: MessagePurpose,
    pub status: MessageStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
}

fn email(row: &Row) -> Result<EmailRecord, StoreError> {
    Ok(EmailRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        to_email: row.try_get("to_email")?,
        to_name: row.try_get("to_name")?,
        subject: row.try_get("subject")?,
        text_body: row.try_get("text_body")?,
        html_body: row.try_get("html_body")?,
        message_id: row.try_get("message_id")?,
        in_reply_to: row.try_get("in_reply_to")?,
        purpose: parsed(row, "purpose")?,
        status: parsed(row, "status")?,
        attempts: row.try_get("attempts")?,
        last_error: row.try_get("last_error")?,
        created_at: from_millis(row.try_get("created_at")?),
        sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(from_millis),
    })
}

/// Binds a message's columns from `to_email` to `purpose`, in the order every INSERT
/// into the outbox names them.
pub(crate) fn bind_message<'q>(query: db::Query<'q>, e: &NewEmail) -> db::Query<'q> {
    query
        .bind(e.to_email.clone())
        .bind(e.to_name.clone())
        .bind(e.subject.clone())
        .bind(e.text_body.clone())
        .bind(e.html_body.clone())
        .bind(e.message_id.clone())
        .bind(e.in_reply_to.clone())
        .bind(e.purpose.as_str())
}

/// Stores the message and the job that sends it at `send_at`, in the caller's transaction.
pub(crate) async fn insert_email_in(
    conn: &mut Conn,
    e: &NewEmail,
    send_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let link_id = match (e.link, e.case_id) {
        // The hash is of a token nobody ever holds: the one the customer gets is made
        // when the message is sent, so no kept copy can open the link.
        (Some(link), Some(case_id)) => Some(
            create_link_in(conn, case_id, link.purpose, &secret_hash(&random_hex(32)), link.expires_at, now).await?,
        ),
        (Some(_), None) => return Err(StoreError::Corrupt("a personal link needs a case".to_owned())),
        (None, _) => None,
    };
    let query = db::query(
        "INSERT INTO outbox (case_id, to_email, to_name, subject, text_body, html_body, message_id, in_reply_to, purpose, status, created_at, link_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'queued', $10, $11) RETURNING id",
    )
    .bind(e.case_id);
    let id: i64 = bind_message(query, e).bind(millis(now)).bind(link_id).fetch_one(&mut *conn).await?.try_get(0)?;
    enqueue_in(conn, &Job::SendEmail { outbox_id: id }, send_at, now).await?;
    Ok(id)
}

#[derive(Debug, Clone, Copy)]
pub struct OutboxStats {
    pub queued: i64,
    pub failed: i64,
}

impl Store {
    /// Stores the message and the job that sends it, in one transaction.
    pub async fn queue_email(&self, e: &NewEmail) -> Result<i64, StoreError> {
        let mut tx = self.write().begin().await?;
        let id = insert_email_in(&mut tx, e, self.now(), self.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Ends a batch of `worker`'s jobs in one transaction, so the batch waits for the disk
    /// once instead of once a message: each message a job wrote is stored with the job
    /// that sends it and its job completed with it (`messages`: `(job id, message)`), and
    /// the jobs finished without a write are completed (`finished`). Queueing and
    /// completing together is what keeps a job killed mid-run from sending twice (the
    /// crash test found a message sent under two Message-IDs before). A job `worker` no
    /// longer holds queues nothing. Each message is stored in a savepoint: one that cannot
    /// be is undone alone and returned with why, for its job to be tried again, and the
    /// others are queued.
    pub async fn end_job_batch(
        &self,
        messages: &[(i64, NewEmail)],
        finished: &[i64],
        worker: &str,
    ) -> Result<Vec<(i64, StoreError)>, StoreError> {
        if messages.is_empty() && finished.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now();
        let mut tx = self.write().begin().await?;
        let mut refused = Vec::new();
        for (job_id, email) in messages {
            let mut savepoint = tx.savepoint().await?;
            let queued = async {
                let held = db::query(
                    "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL \
                     WHERE id = $1 AND locked_by = $2 AND done_at IS NULL",
                )
                .bind(*job_id)
                .bind(worker)
                .bind(millis(now))
                .execute(&mut *savepoint)
                .await?
                .rows_affected();
                if held > 0 {
                    insert_email_in(&mut savepoint, email, now, now).await?;
                }
                Ok::<_, StoreError>(())
            }
            .await;
            match queued {
                Ok(()) => savepoint.commit().await?,
                Err(e) => {
                    savepoint.rollback().await?;
                    refused.push((*job_id, e));
                }
            }
        }
        crate::jobs::complete_jobs_in(&mut tx, finished, worker, now).await?;
        tx.commit().await?;
        Ok(refused)
    }

    pub async fn email(&self, id: i64) -> Result<EmailRecord, StoreError> {
        let row = db::query("SELECT * FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("message"))?;
        email(&row)
    }

    pub async fn case_emails(&self, case_id: i64) -> Result<Vec<EmailRecord>, StoreError> {
        db::query("SELECT * FROM outbox WHERE case_id = $1 ORDER BY id")
            .bind(case_id)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(email)
            .collect()
    }

    /// Marks the message sent and its job done together, so neither is done twice.
    pub async fn mark_email_sent(&self, id: i64, job_id: i64, worker: &str) -> Result<(), StoreError> {
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        db::query("UPDATE outbox SET status = 'sent', sent_at = $2, attempts = attempts + 1 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        db::query(
            "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL WHERE id = $1 AND locked_by = $2",
        )
        .bind(job_id)
        .bind(worker)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt; `gave_up` when no more attempts will be made.
    pub async fn mark_email_attempt(&self, id: i64, error: &str, gave_up: bool) -> Result<(), StoreError> {
        db::query("UPDATE outbox SET attempts = attempts + 1, last_error = $2, status = $3 WHERE id = $1")
            .bind(id)
            .bind(error)
            .bind(if gave_up { MessageStatus::Failed } else { MessageStatus::Queued }.as_str())
            .execute(self.write())
            .await?;
        Ok(())
    }

    /// How many messages wait to be sent, and how many were given up (one that could
    /// not even be built, or that the receiving server refused for good).
    pub async fn outbox_stats(&self) -> Result<OutboxStats, StoreError> {
        let row = db::query(
            "SELECT COUNT(CASE WHEN status = 'queued' THEN 1 END) AS queued,
                    COUNT(CASE WHEN status = 'failed' THEN 1 END) AS failed FROM outbox",
        )
        .fetch_one(self.read())
        .await?;
        Ok(OutboxStats { queued: row.try_get("queued")?, failed: row.try_get("failed")? })
    }

    /// The Message-IDs of the case's conversation, newest first: the customer's mail
    /// taken in on it (or on a case merged into it), then the messages the desk sent.
    /// A reply staff write answers the first that a mail header can carry.
    pub async fn thread_message_ids(&self, case_id: i64) -> Result<Vec<String>, StoreError> {
        let rows = db::query(
            "SELECT message_id FROM (
                 SELECT message_id, 0 AS mine, received_at AS at, id FROM inbound_mail
                  WHERE outcome IN ('case_opened', 'threaded', 'spam')
                    AND (case_id = $1 OR case_id IN (SELECT id FROM cases WHERE merged_into = $1))
                 UNION ALL
                 SELECT message_id, 1 AS mine, created_at AS at, id FROM outbox WHERE case_id = $1
             ) thread ORDER BY mine, at DESC, id DESC",
        )
        .bind(case_id)
        .fetch_all(self.read())
        .await?;
        rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
    }

    /// The case a message belongs to, found by the Message-ID a reply refers to.
    pub async fn case_by_message_id(&self, message_ids: &[String]) -> Result<Option<i64>, StoreError> {
        for id in message_ids {
            let row = db::query(
                "SELECT case_id FROM outbox WHERE message_id = $1 AND case_id IS NOT NULL
                 UNION ALL SELECT case_id FROM inbound_mail WHERE message_id = $1 AND case_id IS NOT NULL",
            )
            .bind(id.clone())
            .fetch_optional(self.read())
            .await?;
            if let Some(row) = row {
                return Ok(Some(row.try_get(0)?));
            }
        }
        Ok(None)
    }
}
