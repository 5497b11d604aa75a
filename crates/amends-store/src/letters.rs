//! The print run of follow-up letters: follow-ups scheduled by letter that are due, and
//! marking them posted.

use amends_domain::playbook::EventKind;
use serde::Serialize;
use time::OffsetDateTime;

use crate::db;
use crate::{Store, StoreError, from_millis, millis};

/// A follow-up scheduled by letter, due for the print run.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterDue {
    pub event_id: i64,
    pub case_id: i64,
    pub case_reference: String,
    pub customer_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// Staff read the letter and queued it: it goes in the next print run. A letter
    /// not yet queued waits on its case's letter page.
    pub queued: bool,
}

/// A case's follow-up letter still to be posted: its follow-up event, and the text
/// staff saved for it, if they did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingLetter {
    pub event_id: i64,
    pub case_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub due: OffsetDateTime,
    /// The body as staff saved it (paragraphs between blank lines); none: the letter
    /// reads as composed from the timeline.
    pub body: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub saved_at: Option<OffsetDateTime>,
    /// When it was queued for the print run; none: not queued (or edited since).
    #[serde(with = "time::serde::rfc3339::option")]
    pub queued_at: Option<OffsetDateTime>,
}

impl Store {
    /// Follow-ups scheduled by letter that are due by `now`, still the case's latest
    /// schedule, not yet posted, and not yet answered.
    pub async fn letters_due(&self, now: OffsetDateTime) -> Result<Vec<LetterDue>, StoreError> {
        let rows = db::query(
            "SELECT e.id, e.case_id, e.data, cu.name AS customer_name, t.queued_at FROM case_events e
             JOIN cases c ON c.id = e.case_id JOIN customers cu ON cu.id = c.customer_id
             LEFT JOIN letter_texts t ON t.event_id = e.id
             WHERE e.kind = 'follow_up_scheduled' AND c.status NOT IN ('retained', 'lost')
               AND NOT EXISTS (SELECT 1 FROM letters_posted p WHERE p.event_id = e.id)
               AND NOT EXISTS (SELECT 1 FROM case_events l WHERE l.case_id = e.case_id AND l.id > e.id
                               AND l.kind IN ('follow_up_scheduled', 'follow_up_recorded'))
             ORDER BY e.id LIMIT 500",
        )
        .fetch_all(self.read())
        .await?;
        let mut due = Vec::new();
        for row in rows {
            let data: String = row.try_get("data")?;
            let kind: EventKind =
                serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?;
            if let EventKind::FollowUpScheduled { due: at, channel } = kind
                && channel == "letter"
                && at <= now
            {
                let case_id: i64 = row.try_get("case_id")?;
                due.push(LetterDue {
                    event_id: row.try_get("id")?,
                    case_id,
                    case_reference: amends_domain::CaseReference(case_id).to_string(),
                    customer_name: row.try_get("customer_name")?,
                    due: at,
                    queued: row.try_get::<Option<i64>, _>("queued_at")?.is_some(),
                });
            }
        }
        Ok(due)
    }

    /// The case's follow-up letter still to be posted: its latest follow-up, when that
    /// is by letter, not yet posted and not yet answered.
    pub async fn pending_letter(&self, case_id: i64) -> Result<Option<PendingLetter>, StoreError> {
        let row = db::query(
            "SELECT e.id, e.kind, e.data, t.body, t.saved_at, t.queued_at FROM case_events e
             LEFT JOIN letter_texts t ON t.event_id = e.id
             WHERE e.case_id = $1 AND e.kind IN ('follow_up_scheduled', 'follow_up_recorded')
             ORDER BY e.id DESC LIMIT 1",
        )
        .bind(case_id)
        .fetch_optional(self.read())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let data: String = row.try_get("data")?;
        let kind: EventKind = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?;
        let EventKind::FollowUpScheduled { due, channel } = kind else { return Ok(None) };
        let event_id: i64 = row.try_get("id")?;
        if channel != "letter" || self.letter_posted_at(event_id).await?.is_some() {
            return Ok(None);
        }
        Ok(Some(PendingLetter {
            event_id,
            case_id,
            due,
            body: row.try_get("body")?,
            saved_at: row.try_get::<Option<i64>, _>("saved_at")?.map(from_millis),
            queued_at: row.try_get::<Option<i64>, _>("queued_at")?.map(from_millis),
        }))
    }

    /// Saves the body staff edited for a case's pending letter, and queues it for the
    /// print run when `queue` (else an edit takes it out of the queue until queued
    /// again). None when the case has no letter to post.
    pub async fn save_letter(
        &self,
        case_id: i64,
        body: &str,
        queue: bool,
        by: i64,
    ) -> Result<Option<PendingLetter>, StoreError> {
        let Some(pending) = self.pending_letter(case_id).await? else { return Ok(None) };
        let now = millis(self.now());
        let queued_at = queue.then_some(now);
        let queued_by = queue.then_some(by);
        db::query(
            "INSERT INTO letter_texts (event_id, case_id, body, saved_by, saved_at, queued_by, queued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (event_id) DO UPDATE SET body = excluded.body, saved_by = excluded.saved_by,
               saved_at = excluded.saved_at, queued_by = excluded.queued_by, queued_at = excluded.queued_at",
        )
        .bind(pending.event_id)
        .bind(case_id)
        .bind(body)
        .bind(by)
        .bind(now)
        .bind(queued_by)
        .bind(queued_at)
        .execute(self.write())
        .await?;
        self.pending_letter(case_id).await
    }

    /// Marks letters printed and posted; returns how many were newly marked. A letter
    /// already marked is left as it was.
    pub async fn mark_letters_posted(&self, event_ids: &[i64], by: i64) -> Result<u64, StoreError> {
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let mut marked = 0;
        for id in event_ids {
            let case_id: Option<i64> =
                db::query("SELECT case_id FROM case_events WHERE id = $1 AND kind = 'follow_up_scheduled'")
                    .bind(*id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get(0))
                    .transpose()?;
            let Some(case_id) = case_id else { return Err(StoreError::NotFound("letter")) };
            let done = db::query(
                "INSERT INTO letters_posted (event_id, case_id, posted_by, posted_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (event_id) DO NOTHING",
            )
            .bind(*id)
            .bind(case_id)
            .bind(by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            marked += done.rows_affected();
        }
        tx.commit().await?;
        Ok(marked)
    }

    /// When a letter (by its follow-up event) was posted, if it was.
    pub async fn letter_posted_at(&self, event_id: i64) -> Result<Option<OffsetDateTime>, StoreError> {
        Ok(db::query("SELECT posted_at FROM letters_posted WHERE event_id = $1")
            .bind(event_id)
            .fetch_optional(self.read())
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .map(from_millis))
    }
}
