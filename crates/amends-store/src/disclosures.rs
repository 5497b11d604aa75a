//! Disclosures: a notice about a problem to the customers its transactions point to.
//! Each customer told has one row in `disclosure_recipients` (unique per disclosure),
//! moved from `selected` to `queued` in the same transaction that puts their message in
//! the outbox, so a send that stops half-way resumes without telling anyone twice.
//! A notice by letter waits in the same row (its text kept, as the outbox keeps a
//! mail's) until the print run marks it posted.
//!
//! A send of 100,000 notices must take seconds, not minutes: each batch is written with
//! a few multi-row statements (outbox, jobs, recipients), never one statement per row.

use std::collections::{HashMap, HashSet};

use amends_domain::disclosure::{Audience, Channels, DisclosureKind, DisclosureStatus, RecipientStatus};
use amends_domain::playbook::Outcome;
use amends_domain::proof::ProofGesture;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn, Row};
use crate::intake::NoticeAnswer;
use crate::jobs::{Job, enqueue_in};
use crate::outbox::NewEmail;
use crate::query::{ROWS_PER_STATEMENT, in_list, value_rows};
use crate::{Backend, Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Progress {
    pub total: i64,
    pub selected: i64,
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub confirmed: i64,
    pub replied: i64,
    /// Reached by phone from the call list: no notice sent to them.
    pub called: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisclosureRecord {
    pub id: i64,
    pub problem_id: i64,
    pub title: String,
    pub explanation: String,
    pub solution: String,
    pub audience: Audience,
    pub channels: Channels,
    pub status: DisclosureStatus,
    pub progress: Progress,
    pub created_by: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    /// A notice, or a fixed problem's proof (which has its own routes under the problem).
    #[serde(skip)]
    pub kind: DisclosureKind,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudienceMember {
    pub customer_id: i64,
    pub name: String,
    pub email: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudiencePreview {
    pub count: i64,
    pub sample: Vec<AudienceMember>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecipientRecord {
    pub id: i64,
    pub disclosure_id: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub email: Option<String>,
    pub status: RecipientStatus,
    pub case_id: Option<i64>,
    pub error: Option<String>,
    /// Told by printed letter (too).
    pub by_letter: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub letter_posted_at: Option<OffsetDateTime>,
    /// Where a letter goes; not part of the list the API shows.
    #[serde(skip)]
    pub postal_address: Option<String>,
    /// For a proof: the case's outcome when it was sent, and what a lost customer was
    /// offered with it.
    #[serde(skip)]
    pub outcome: Option<Outcome>,
    #[serde(skip)]
    pub gesture: Option<ProofGesture>,
}

/// A disclosure's printed notice waiting for the print run.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosureLetterDue {
    pub recipient_id: i64,
    pub disclosure_id: i64,
    pub disclosure_title: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub postal_address: String,
    /// The notice's paragraphs, separated by blank lines, with the personal link.
    pub letter_text: String,
    /// A fixed problem's proof rather than a notice: its page is the problem's.
    pub proof_of: Option<i64>,
}

/// A disclosure as staff write it, before it is sent.
#[derive(Debug, Clone)]
pub struct NewDisclosure {
    pub problem_id: i64,
    pub title: String,
    pub explanation: String,
    pub solution: String,
    pub audience: Audience,
    pub channels: Channels,
}

/// What a customer's link shows and may do.
#[derive(Debug, Clone)]
pub struct DisclosureLink {
    pub recipient: RecipientRecord,
    pub disclosure: DisclosureRecord,
    pub problem_category: Option<String>,
    /// After this the link shows only that it expired (unknown for none: expired).
    pub expires_at: Option<OffsetDateTime>,
}

/// Inside the transaction that opens a recipient's case: the answer's row (keyed by the
/// recipient, so a second case for them fails the whole of its transaction), the
/// recipient marked replied, and the case carrying the problem (the prevent step still
/// records the link in its timeline when staff agree it).
pub(crate) async fn answered_in(
    conn: &mut Conn,
    answer: NoticeAnswer,
    case_id: i64,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    db::query("INSERT INTO disclosure_answers (recipient_id, case_id, answered_at) VALUES ($1, $2, $3)")
        .bind(answer.recipient_id)
        .bind(case_id)
        .bind(millis(at))
        .execute(&mut *conn)
        .await
        .map_err(StoreError::unique("recipient", "this notice was already answered"))?;
    db::query("UPDATE cases SET problem_id = $2 WHERE id = $1 AND problem_id IS NULL")
        .bind(case_id)
        .bind(answer.problem_id)
        .execute(&mut *conn)
        .await?;
    db::query("UPDATE disclosure_recipients SET status = 'replied', case_id = $2, updated_at = $3 WHERE id = $1")
        .bind(answer.recipient_id)
        .bind(case_id)
        .bind(millis(at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One notice to queue: the recipient, their message by email and by letter (either
/// may be absent; with neither, the recipient is marked failed) and the hash of their
/// link (a proof has none: the customer answers by replying, on their case).
pub struct Notice {
    pub recipient_id: i64,
    pub email: Option<NewEmail>,
    pub letter: Option<String>,
    pub link_hash: Option<String>,
    pub link_expires_at: Option<OffsetDateTime>,
}

/// The transactions matching `a`, as SQL over `transactions t` with placeholders from
/// `$first`, and the values to bind in order.
pub(crate) enum Value {
    Text(String),
    Int(i64),
}

/// Fixes a disclosure's audience in `conn`'s transaction: a `selected` recipient row for
/// each customer its transactions pick (one picked before stays as it is), and the total.
pub(crate) async fn pick_audience_in(
    conn: &mut Conn,
    disclosure_id: i64,
    audience: &Audience,
    now: i64,
) -> Result<(), StoreError> {
    let (filter, values) = audience_sql(audience, 3);
    let picked = bind_all(
        db::query(&format!(
            "INSERT INTO disclosure_recipients (disclosure_id, customer_id, status, updated_at)
             SELECT DISTINCT $1, t.customer_id, 'selected', $2 FROM transactions t WHERE {filter}
             ON CONFLICT (disclosure_id, customer_id) DO NOTHING"
        ))
        .bind(disclosure_id)
        .bind(now),
        values,
    )
    .execute(&mut *conn)
    .await?;
    db::query("UPDATE disclosures SET total = $2 WHERE id = $1")
        .bind(disclosure_id)
        .bind(i64::try_from(picked.rows_affected()).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub(crate) fn audience_sql(a: &Audience, first: usize) -> (String, Vec<Value>) {
    let mut clauses = Vec::new();
    let mut values = Vec::new();
    let mut next = first;
    let mut list = |items: &[String], column: &str, clauses: &mut Vec<String>, values: &mut Vec<Value>| {
        if items.is_empty() {
            return;
        }
        let marks: Vec<String> = items
            .iter()
            .map(|s| {
                values.push(Value::Text(s.clone()));
                next += 1;
                format!("${}", next - 1)
            })
            .collect();
        clauses.push(format!("t.{column} IN ({})", marks.join(", ")));
    };
    list(&a.skus, "sku", &mut clauses, &mut values);
    list(&a.locations, "location", &mut clauses, &mut values);
    for (value, clause) in [
        (a.from.map(millis), "t.occurred_at >="),
        (a.to.map(millis), "t.occurred_at <"),
        (a.min_amount_minor, "t.amount_minor >="),
        (a.max_amount_minor, "t.amount_minor <="),
    ] {
        if let Some(v) = value {
            values.push(Value::Int(v));
            clauses.push(format!("{clause} ${}", first + values.len() - 1));
        }
    }
    let sql = if clauses.is_empty() { "1 = 1".to_owned() } else { clauses.join(" AND ") };
    (sql, values)
}

pub(crate) fn bind_all<'q>(mut q: db::Query<'q>, values: Vec<Value>) -> db::Query<'q> {
    for v in values {
        q = match v {
            Value::Text(s) => q.bind(s),
            Value::Int(i) => q.bind(i),
        };
    }
    q
}

// A queued message's delivery shows through: its recipient is sent or failed with it.
const RECIPIENT_SELECT: &str = "SELECT r.id, r.disclosure_id, r.customer_id, c.name AS customer_name, c.email,
    CASE WHEN r.status = 'queued' AND o.status IN ('sent', 'failed') THEN o.status ELSE r.status END AS status,
    r.case_id, COALESCE(r.error, o.last_error) AS error, r.letter_text IS NOT NULL AS by_letter, r.letter_posted_at,
    c.postal_address, r.link_expires_at, r.outcome, r.gesture
    FROM disclosure_recipients r JOIN customers c ON c.id = r.customer_id LEFT JOIN outbox o ON o.id = r.outbox_id";

fn recipient(row: &Row) -> Result<RecipientRecord, StoreError> {
    Ok(RecipientRecord {
        id: row.try_get("id")?,
        disclosure_id: row.try_get("disclosure_id")?,
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        email: row.try_get("email")?,
        status: parsed(row, "status")?,
        case_id: row.try_get("case_id")?,
        error: row.try_get("error")?,
        by_letter: row
            .try_get::<bool, _>("by_letter")
            .or_else(|_| row.try_get::<i64, _>("by_letter").map(|b| b != 0))?,
        letter_posted_at: row.try_get::<Option<i64>, _>("letter_posted_at")?.map(from_millis),
        postal_address: row.try_get("postal_address")?,
        outcome: match row.try_get::<Option<String>, _>("outcome")? {
            Some(o) => Some(o.parse().map_err(|_| StoreError::Corrupt(format!("outcome: {o:?}")))?),
            None => None,
        },
        gesture: match row.try_get::<Option<String>, _>("gesture")? {
            Some(g) => Some(serde_json::from_str(&g).map_err(|e| StoreError::Corrupt(format!("gesture: {e}")))?),
            None => None,
        },
    })
}

impl Store {
    /// How many customers the audience reaches, and the first few of them.
    pub async fn audience_preview(&self, a: &Audience, sample: i64) -> Result<AudiencePreview, StoreError> {
        let (filter, values) = audience_sql(a, 1);
        let count: i64 = bind_all(
            db::query(&format!("SELECT COUNT(DISTINCT t.customer_id) FROM transactions t WHERE {filter}")),
            values,
        )
        .fetch_one(self.read())
        .await?
        .try_get(0)?;
        let (filter, values) = audience_sql(a, 2);
        let rows = bind_all(
            db::query(&format!(
                "SELECT c.id, c.name, c.email FROM customers c WHERE c.id IN
                 (SELECT t.customer_id FROM transactions t WHERE {filter}) ORDER BY c.id LIMIT $1"
            ))
            .bind(sample),
            values,
        )
        .fetch_all(self.read())
        .await?;
        let sample = rows
            .iter()
            .map(|r| {
                Ok(AudienceMember {
                    customer_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    email: r.try_get("email")?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(AudiencePreview { count, sample })
    }

    pub async fn create_disclosure(&self, d: &NewDisclosure, created_by: i64) -> Result<DisclosureRecord, StoreError> {
        let NewDisclosure { problem_id, title, explanation, solution, audience, channels } = d;
        let problem_id = *problem_id;
        self.problem(problem_id).await?;
        let audience_json =
            serde_json::to_string(audience).map_err(|e| StoreError::Corrupt(format!("audience: {e}")))?;
        let id: i64 = db::query(
            "INSERT INTO disclosures (problem_id, title, explanation, solution, audience, status, created_by, created_at, channels)
             VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8) RETURNING id",
        )
        .bind(problem_id)
        .bind(title.as_str())
        .bind(explanation.as_str())
        .bind(solution.as_str())
        .bind(audience_json)
        .bind(created_by)
        .bind(millis(self.now()))
        .bind(channels.as_str())
        .fetch_one(self.write())
        .await?
        .try_get(0)?;
        self.disclosure(id).await
    }

    pub async fn disclosure(&self, id: i64) -> Result<DisclosureRecord, StoreError> {
        let row = db::query("SELECT * FROM disclosures WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("disclosure"))?;
        let counts = db::query(&format!(
            "SELECT status, COUNT(*) AS n FROM ({RECIPIENT_SELECT} WHERE r.disclosure_id = $1) x GROUP BY status"
        ))
        .bind(id)
        .fetch_all(self.read())
        .await?;
        let mut p =
            Progress { total: 0, selected: 0, queued: 0, sent: 0, failed: 0, confirmed: 0, replied: 0, called: 0 };
        for c in counts {
            let n: i64 = c.try_get("n")?;
            p.total += n;
            match parsed(&c, "status")? {
                RecipientStatus::Selected => p.selected += n,
                RecipientStatus::Queued => p.queued += n,
                RecipientStatus::Sent => p.sent += n,
                RecipientStatus::Failed => p.failed += n,
                RecipientStatus::Confirmed => p.confirmed += n,
                RecipientStatus::Replied => p.replied += n,
                RecipientStatus::Called => p.called += n,
            }
        }
        let audience: String = row.try_get("audience")?;
        Ok(DisclosureRecord {
            id,
            problem_id: row.try_get("problem_id")?,
            title: row.try_get("title")?,
            explanation: row.try_get("explanation")?,
            solution: row.try_get("solution")?,
            audience: serde_json::from_str(&audience).map_err(|e| StoreError::Corrupt(format!("audience: {e}")))?,
            channels: parsed(&row, "channels")?,
            status: parsed(&row, "status")?,
            progress: p,
            created_by: row.try_get("created_by")?,
            created_at: from_millis(row.try_get("created_at")?),
            sent_at: row.try_get::<Option<i64>, _>("sent_at")?.map(from_millis),
            kind: parsed(&row, "kind")?,
        })
    }

    pub async fn list_disclosures(&self, limit: i64) -> Result<Vec<DisclosureRecord>, StoreError> {
        let ids: Vec<i64> = db::query("SELECT id FROM disclosures WHERE kind = 'notice' ORDER BY id DESC LIMIT $1")
            .bind(limit)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.disclosure(id).await?);
        }
        Ok(out)
    }

    /// Fixes the audience (one row per customer) and starts the background send, in
    /// one transaction; a disclosure is sent once.
    pub async fn start_disclosure(&self, id: i64) -> Result<DisclosureRecord, StoreError> {
        let d = self.disclosure(id).await?;
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let started = db::query("UPDATE disclosures SET status = 'sending' WHERE id = $1 AND status = 'draft'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if started.rows_affected() == 0 {
            return Err(StoreError::Conflict { field: None, message: "this disclosure was already sent".into() });
        }
        pick_audience_in(&mut tx, id, &d.audience, now).await?;
        enqueue_in(&mut tx, &Job::DisclosureSend { disclosure_id: id }, self.now(), self.now()).await?;
        tx.commit().await?;
        self.disclosure(id).await
    }

    /// Recipients still to be told, in order.
    pub async fn recipients_to_notify(
        &self,
        disclosure_id: i64,
        limit: i64,
    ) -> Result<Vec<RecipientRecord>, StoreError> {
        db::query(&format!(
            "{RECIPIENT_SELECT} WHERE r.disclosure_id = $1 AND r.status = 'selected' ORDER BY r.id LIMIT $2"
        ))
        .bind(disclosure_id)
        .bind(limit)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(recipient)
        .collect()
    }

    pub async fn disclosure_recipients(
        &self,
        disclosure_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<RecipientRecord>, StoreError> {
        db::query(&format!("{RECIPIENT_SELECT} WHERE r.disclosure_id = $1 AND r.id > $2 ORDER BY r.id LIMIT $3"))
            .bind(disclosure_id)
            .bind(after)
            .bind(limit)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(recipient)
            .collect()
    }

    /// Queues a batch of notices in one transaction: their outbox rows, one send job per
    /// message, and each recipient's new status, link and letter. A recipient already
    /// moved on (by an earlier run of the same job) is skipped, so nothing is queued
    /// twice; on PostgreSQL the rows are locked first, so two runners cannot both pass.
    pub async fn queue_notices(&self, notices: &[Notice]) -> Result<usize, StoreError> {
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let mut open = HashSet::new();
        for chunk in notices.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT id FROM disclosure_recipients WHERE id IN ({}) AND status = 'selected'{lock}",
                in_list(self.backend(), chunk.len())
            );
            let mut q = db::query_as::<(i64,)>(&sql);
            for n in chunk {
                q = q.bind(n.recipient_id);
            }
            open.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(id,)| id));
        }
        let todo: Vec<&Notice> = notices.iter().filter(|n| open.remove(&n.recipient_id)).collect();

        let emails: Vec<&Notice> = todo.iter().copied().filter(|n| n.email.is_some()).collect();
        let mut outbox_of: HashMap<i64, i64> = HashMap::with_capacity(emails.len());
        for chunk in emails.chunks(ROWS_PER_STATEMENT) {
            let rows =
                value_rows(self.backend(), chunk.len(), 8, |m| format!("NULL, {}, 'queued', {now}", m.join(", ")));
            let sql = format!(
                "INSERT INTO outbox (case_id, to_email, to_name, subject, text_body, html_body, message_id, in_reply_to, purpose, status, created_at)
                 VALUES {rows} RETURNING id, message_id"
            );
            let mut q = db::query(&sql);
            let mut recipient_of = HashMap::with_capacity(chunk.len());
            for n in chunk {
                let Some(e) = &n.email else { continue };
                recipient_of.insert(e.message_id.as_str(), n.recipient_id);
                q = crate::outbox::bind_message(q, e);
            }
            for row in q.fetch_all(&mut *tx).await? {
                let message_id: String = row.try_get("message_id")?;
                let recipient = recipient_of
                    .get(message_id.as_str())
                    .ok_or_else(|| StoreError::Corrupt(format!("outbox row for an unknown message {message_id}")))?;
                outbox_of.insert(*recipient, row.try_get("id")?);
            }
        }

        let outbox_ids: Vec<i64> = emails.iter().filter_map(|n| outbox_of.get(&n.recipient_id).copied()).collect();
        for chunk in outbox_ids.chunks(ROWS_PER_STATEMENT) {
            let kind = Job::SendEmail { outbox_id: 0 }.kind();
            let rows = value_rows(self.backend(), chunk.len(), 1, |m| format!("'{kind}', {}, {now}, {now}", m[0]));
            let sql = format!("INSERT INTO jobs (kind, payload, run_at, created_at) VALUES {rows}");
            let mut q = db::query(&sql);
            for &outbox_id in chunk {
                q = q.bind(Job::SendEmail { outbox_id }.payload()?);
            }
            q.execute(&mut *tx).await?;
        }

        for chunk in todo.chunks(ROWS_PER_STATEMENT) {
            let rows = value_rows(self.backend(), chunk.len(), 7, |m| m.join(", "));
            let sql = format!(
                "UPDATE disclosure_recipients SET status = v.column2, link_hash = v.column3,
                    outbox_id = CAST(v.column4 AS BIGINT), error = v.column5, letter_text = v.column6,
                    link_expires_at = CAST(v.column7 AS BIGINT), updated_at = {now}
                 FROM (VALUES {rows}) AS v WHERE disclosure_recipients.id = CAST(v.column1 AS BIGINT)"
            );
            let mut q = db::query(&sql);
            for n in chunk {
                let reached = n.email.is_some() || n.letter.is_some();
                q = q
                    .bind(n.recipient_id)
                    .bind(if reached { RecipientStatus::Queued } else { RecipientStatus::Failed }.as_str())
                    .bind(n.link_hash.clone())
                    .bind(outbox_of.get(&n.recipient_id).copied())
                    .bind((!reached).then_some("the customer has neither an email address nor a postal address"))
                    .bind(n.letter.clone())
                    .bind(n.link_expires_at.map(millis));
            }
            q.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(todo.iter().filter(|n| n.email.is_some() || n.letter.is_some()).count())
    }

    /// Printed notices not yet posted, oldest first.
    pub async fn disclosure_letters_due(&self, limit: i64) -> Result<Vec<DisclosureLetterDue>, StoreError> {
        db::query(
            "SELECT r.id, r.disclosure_id, d.title, r.customer_id, c.name, c.postal_address, r.letter_text,
                 CASE WHEN d.kind = 'proof' THEN d.problem_id END AS proof_of
             FROM disclosure_recipients r JOIN disclosures d ON d.id = r.disclosure_id JOIN customers c ON c.id = r.customer_id
             WHERE r.letter_text IS NOT NULL AND r.letter_posted_at IS NULL ORDER BY r.id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|row| {
            Ok(DisclosureLetterDue {
                recipient_id: row.try_get("id")?,
                disclosure_id: row.try_get("disclosure_id")?,
                disclosure_title: row.try_get("title")?,
                customer_id: row.try_get("customer_id")?,
                customer_name: row.try_get("name")?,
                postal_address: row.try_get::<Option<String>, _>("postal_address")?.unwrap_or_default(),
                letter_text: row.try_get("letter_text")?,
                proof_of: row.try_get("proof_of")?,
            })
        })
        .collect()
    }

    /// Marks printed notices posted; returns how many were newly marked. A notice that
    /// went only by letter is now sent.
    pub async fn mark_disclosure_letters_posted(&self, recipient_ids: &[i64], by: i64) -> Result<u64, StoreError> {
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let mut marked = 0;
        for chunk in recipient_ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "UPDATE disclosure_recipients SET letter_posted_at = $1, letter_posted_by = $2, updated_at = $1,
                    status = CASE WHEN status = 'queued' AND outbox_id IS NULL THEN 'sent' ELSE status END
                 WHERE id IN ({}) AND letter_text IS NOT NULL AND letter_posted_at IS NULL",
                (3..3 + chunk.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
            );
            let mut q = db::query(&sql).bind(now).bind(by);
            for id in chunk {
                q = q.bind(*id);
            }
            marked += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(marked)
    }

    pub async fn finish_disclosure(&self, id: i64) -> Result<(), StoreError> {
        db::query("UPDATE disclosures SET status = 'sent', sent_at = $2 WHERE id = $1 AND status = 'sending'")
            .bind(id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        Ok(())
    }

    /// The notice behind a customer's link, found by the link's hash: the one made with
    /// the notice (a letter's), or one made when the notice's email was sent.
    pub async fn disclosure_link(&self, link_hash: &str) -> Result<Option<DisclosureLink>, StoreError> {
        let row = db::query(&format!(
            "{RECIPIENT_SELECT} WHERE r.link_hash = $1
             UNION ALL
             {RECIPIENT_SELECT} WHERE r.outbox_id = (SELECT outbox_id FROM link_tokens WHERE token_hash = $1)"
        ))
        .bind(link_hash)
        .fetch_optional(self.read())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let recipient = recipient(&row)?;
        let expires_at = row.try_get::<Option<i64>, _>("link_expires_at")?.map(from_millis);
        let disclosure = self.disclosure(recipient.disclosure_id).await?;
        let problem_category = self.problem(disclosure.problem_id).await?.category;
        Ok(Some(DisclosureLink { recipient, disclosure, problem_category, expires_at }))
    }

    /// When each customer first told us about the problem themselves: the opening of
    /// their earliest case carrying it (a case merged away or held as spam is not one).
    /// Cases linked to one problem are few, so this is read once per send.
    pub async fn customers_who_told_us(&self, problem_id: i64) -> Result<HashMap<i64, OffsetDateTime>, StoreError> {
        db::query(
            "SELECT customer_id, MIN(created_at) AS first FROM cases
             WHERE problem_id = $1 AND merged_into IS NULL AND status <> 'spam' GROUP BY customer_id",
        )
        .bind(problem_id)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|row| Ok((row.try_get("customer_id")?, from_millis(row.try_get("first")?))))
        .collect()
    }

    /// The customer read the notice and says it did not affect them.
    pub async fn confirm_recipient(&self, recipient_id: i64) -> Result<(), StoreError> {
        db::query(
            "UPDATE disclosure_recipients SET status = 'confirmed', updated_at = $2
             WHERE id = $1 AND status NOT IN ('confirmed', 'replied')",
        )
        .bind(recipient_id)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        Ok(())
    }
}
