//! A disclosure made a call list (issue 22 §4): its customers are picked as a send would
//! pick them, rung most valuable first from a script, and each call is kept with the
//! concerns heard. When the time set for calling has passed a job marks those reached
//! `called` and starts the send, so the mail or letter goes only to the rest; a list is
//! due once (its `mailed_at`), so a job run twice tells nobody twice.

use amends_domain::calls::CallOutcome;
use amends_domain::disclosure::RecipientStatus;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::customers::LifetimeValue;
use crate::db::{self, Row};
use crate::disclosures::pick_audience_in;
use crate::jobs::{Job, enqueue_in};
use crate::{Store, StoreError, from_millis, millis};

/// One call made.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallRecord {
    pub id: i64,
    pub outcome: CallOutcome,
    /// What worried them, in their words (may be empty).
    pub concerns: String,
    pub called_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub called_at: OffsetDateTime,
}

/// A customer on the call list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallRecipient {
    /// The disclosure recipient's id (`POST …/calls/{recipient}` records a call).
    pub recipient_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Their lifetime value in their largest currency (the list's order).
    pub lifetime_value: Option<LifetimeValue>,
    pub status: RecipientStatus,
    /// The script with their first name.
    pub script: String,
    /// The latest call's outcome; absent before the first call.
    pub outcome: Option<CallOutcome>,
    /// Every call, oldest first.
    pub calls: Vec<CallRecord>,
}

/// A disclosure's call list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CallList {
    pub disclosure_id: i64,
    /// The script, `{first_name}` standing for each customer's.
    pub script: String,
    /// When the notice goes to those not reached.
    #[serde(with = "time::serde::rfc3339")]
    pub mail_after: OffsetDateTime,
    /// When it went (absent: still calling).
    #[serde(with = "time::serde::rfc3339::option")]
    pub mailed_at: Option<OffsetDateTime>,
    pub reached: i64,
    /// Most valuable first.
    pub recipients: Vec<CallRecipient>,
}

fn call(row: &Row) -> Result<(i64, CallRecord), StoreError> {
    Ok((
        row.try_get("recipient_id")?,
        CallRecord {
            id: row.try_get("id")?,
            outcome: parsed(row, "outcome")?,
            concerns: row.try_get("concerns")?,
            called_by_name: row.try_get("called_by_name")?,
            called_at: from_millis(row.try_get("called_at")?),
        },
    ))
}

impl Store {
    /// Makes a draft disclosure a call list: picks its customers now, keeps the script,
    /// and queues the job that sends the notice to those not reached at `mail_after`.
    pub async fn make_call_list(
        &self,
        disclosure_id: i64,
        script: &str,
        mail_after: OffsetDateTime,
        by: i64,
    ) -> Result<CallList, StoreError> {
        let d = self.disclosure(disclosure_id).await?;
        let now = self.now();
        let mut tx = self.write().begin().await?;
        let made = db::query("SELECT disclosure_id FROM disclosure_call_lists WHERE disclosure_id = $1")
            .bind(disclosure_id)
            .fetch_optional(&mut *tx)
            .await?;
        if made.is_some() {
            // Made already (a form sent twice): the list as it is.
            drop(tx);
            return self.call_list(disclosure_id).await;
        }
        let draft = db::query("SELECT status FROM disclosures WHERE id = $1 AND status = 'draft'")
            .bind(disclosure_id)
            .fetch_optional(&mut *tx)
            .await?;
        if draft.is_none() {
            return Err(StoreError::Conflict {
                field: None,
                message: "this disclosure was sent already: a call list is made before it goes".into(),
            });
        }
        let made = db::query(
            "INSERT INTO disclosure_call_lists (disclosure_id, script, mail_after, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (disclosure_id) DO NOTHING",
        )
        .bind(disclosure_id)
        .bind(script)
        .bind(millis(mail_after))
        .bind(by)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        if made.rows_affected() == 0 {
            // Made already (a form sent twice): the list as it is.
            drop(tx);
            return self.call_list(disclosure_id).await;
        }
        pick_audience_in(&mut tx, disclosure_id, &d.audience, millis(now)).await?;
        enqueue_in(&mut tx, &Job::CallListDue { disclosure_id }, mail_after, now).await?;
        tx.commit().await?;
        self.call_list(disclosure_id).await
    }

    /// The call list, most valuable customers first.
    pub async fn call_list(&self, disclosure_id: i64) -> Result<CallList, StoreError> {
        let list =
            db::query("SELECT script, mail_after, mailed_at FROM disclosure_call_lists WHERE disclosure_id = $1")
                .bind(disclosure_id)
                .fetch_optional(self.read())
                .await?
                .ok_or(StoreError::NotFound("call list"))?;
        let script: String = list.try_get("script")?;
        let rows = db::query(
            "SELECT r.id, r.customer_id, c.name, c.phone, c.email, r.status
             FROM disclosure_recipients r JOIN customers c ON c.id = r.customer_id
             WHERE r.disclosure_id = $1 ORDER BY r.id",
        )
        .bind(disclosure_id)
        .fetch_all(self.read())
        .await?;
        let calls = db::query(
            "SELECT k.id, k.recipient_id, k.outcome, k.concerns, u.name AS called_by_name, k.called_at
             FROM disclosure_calls k JOIN disclosure_recipients r ON r.id = k.recipient_id
             JOIN users u ON u.id = k.called_by WHERE r.disclosure_id = $1 ORDER BY k.id",
        )
        .bind(disclosure_id)
        .fetch_all(self.read())
        .await?;
        let mut conn = self.read().acquire().await?;
        let mut recipients = Vec::with_capacity(rows.len());
        for row in &rows {
            let recipient_id: i64 = row.try_get("id")?;
            let customer_id: i64 = row.try_get("customer_id")?;
            let name: String = row.try_get("name")?;
            let values = crate::customers::lifetime_value(&mut conn, customer_id).await?;
            let mut made: Vec<CallRecord> = Vec::new();
            for c in &calls {
                let (to, record) = call(c)?;
                if to == recipient_id {
                    made.push(record);
                }
            }
            recipients.push(CallRecipient {
                recipient_id,
                customer_id,
                script: amends_domain::calls::script_for(&script, &name),
                customer_name: name,
                phone: row.try_get("phone")?,
                email: row.try_get("email")?,
                lifetime_value: values.into_iter().max_by_key(|v| v.amount_minor),
                status: parsed(row, "status")?,
                outcome: made.last().map(|c| c.outcome),
                calls: made,
            });
        }
        recipients.sort_by_key(|r| {
            (std::cmp::Reverse(r.lifetime_value.as_ref().map_or(0, |v| v.amount_minor)), r.recipient_id)
        });
        let reached =
            recipients.iter().filter(|r| r.calls.iter().any(|c| amends_domain::calls::reached(c.outcome))).count();
        Ok(CallList {
            disclosure_id,
            script,
            mail_after: from_millis(list.try_get("mail_after")?),
            mailed_at: list.try_get::<Option<i64>, _>("mailed_at")?.map(from_millis),
            reached: i64::try_from(reached).unwrap_or(i64::MAX),
            recipients,
        })
    }

    /// Keeps one call's outcome and the concerns heard.
    pub async fn record_call(
        &self,
        disclosure_id: i64,
        recipient_id: i64,
        outcome: CallOutcome,
        concerns: &str,
        by: i64,
    ) -> Result<CallList, StoreError> {
        let on_list = db::query(
            "SELECT r.id FROM disclosure_recipients r JOIN disclosure_call_lists l ON l.disclosure_id = r.disclosure_id
             WHERE r.id = $1 AND r.disclosure_id = $2",
        )
        .bind(recipient_id)
        .bind(disclosure_id)
        .fetch_optional(self.read())
        .await?;
        if on_list.is_none() {
            return Err(StoreError::NotFound("recipient"));
        }
        db::query(
            "INSERT INTO disclosure_calls (recipient_id, outcome, concerns, called_by, called_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(recipient_id)
        .bind(outcome.as_str())
        .bind(concerns)
        .bind(by)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.call_list(disclosure_id).await
    }

    /// The time for calling has passed: those reached are `called`, and the notice goes
    /// to the rest (the send starts), once. False when it was done already or the
    /// disclosure was sent by hand meanwhile.
    pub async fn call_list_due(&self, disclosure_id: i64) -> Result<bool, StoreError> {
        let now = self.now();
        let mut tx = self.write().begin().await?;
        let due =
            db::query("UPDATE disclosure_call_lists SET mailed_at = $2 WHERE disclosure_id = $1 AND mailed_at IS NULL")
                .bind(disclosure_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
        if due.rows_affected() == 0 {
            return Ok(false);
        }
        db::query(
            "UPDATE disclosure_recipients SET status = 'called', updated_at = $2
             WHERE disclosure_id = $1 AND status = 'selected'
             AND id IN (SELECT recipient_id FROM disclosure_calls WHERE outcome = 'reached')",
        )
        .bind(disclosure_id)
        .bind(millis(now))
        .execute(&mut *tx)
        .await?;
        let started = db::query("UPDATE disclosures SET status = 'sending' WHERE id = $1 AND status = 'draft'")
            .bind(disclosure_id)
            .execute(&mut *tx)
            .await?;
        let sending = started.rows_affected() > 0;
        if sending {
            enqueue_in(&mut tx, &Job::DisclosureSend { disclosure_id }, now, now).await?;
        }
        tx.commit().await?;
        Ok(sending)
    }
}
