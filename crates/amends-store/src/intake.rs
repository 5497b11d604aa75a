//! Intake: a new complaint becomes a case, durably, with group commit.
//!
//! One writer task takes every intake waiting in its queue, stores them all in one
//! transaction (each inside its own savepoint, so one bad request fails alone), commits,
//! and only then answers each caller. A commit costs a disk flush; sharing it among
//! many complaints is what makes durable intake fast, without weakening durability.

use amends_domain::playbook::{Actor, EscalationContext, Event, EventKind, Playbook, escalation_reasons};
use amends_domain::{Channel, Complaint, Severity};
use sqlx::{AnyConnection, Connection, Row};
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};

use crate::cases::{CaseRecord, EventRecord, insert_event};
use crate::customers::{NewCustomer, insert_customer, lifetime_value};
use crate::{Store, StoreError, WriterHandle, millis};

/// Most complaints committed together; bounds the time a batch holds the write lock.
const MAX_BATCH: usize = 256;

#[derive(Debug, Clone)]
pub enum CustomerRef {
    Existing(i64),
    /// Found by email, then external id; created when neither matches.
    Details(NewCustomer),
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub customer: CustomerRef,
    pub channel: Channel,
    pub severity: Severity,
    pub subject: Option<String>,
    pub body: Complaint,
    pub wish: Option<String>,
    pub order_ref: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub actor: Actor,
    /// Send the customer an acknowledgement. Off for mail taken from the past (an
    /// import or a backfill), which must never be answered.
    pub acknowledge: bool,
    pub attachments: Vec<crate::NewAttachment>,
    /// The email this case came from, recorded with it so it is taken only once.
    pub inbound: Option<crate::InboundRef>,
    /// The spam filter held it: the case opens in the spam folder, unacknowledged.
    pub spam: Option<SpamHeld>,
}

/// Why the spam filter held a new case.
#[derive(Debug, Clone)]
pub struct SpamHeld {
    pub score: u32,
    pub reason: String,
}

pub(crate) struct IntakeJob {
    case: NewCase,
    reply: oneshot::Sender<Result<(CaseRecord, EventRecord), StoreError>>,
}

impl Store {
    /// Stores a new case; returns once it is committed.
    pub async fn open_case(&self, case: NewCase) -> Result<(CaseRecord, EventRecord), StoreError> {
        let (reply, answer) = oneshot::channel();
        self.inner.intake.send(IntakeJob { case, reply }).await.map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

pub(crate) async fn run_writer(store: WriterHandle, mut queue: mpsc::Receiver<IntakeJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        write_batch(&store, &mut batch).await;
        batch.clear();
    }
}

async fn write_batch(store: &WriterHandle, batch: &mut Vec<IntakeJob>) {
    let mut results = Vec::with_capacity(batch.len());
    let outcome: Result<(), StoreError> = async {
        let mut conn = store.write.acquire().await?;
        // On SQLite the batch takes the write lock at once: a transaction that reads
        // first and writes later fails at once ("database is locked", no busy wait) when
        // another process (`amends mail ingest`, another instance) wrote in between.
        let mut tx = match store.backend {
            crate::Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            crate::Backend::Postgres => conn.begin().await?,
        };
        for job in batch.iter() {
            let mut savepoint = tx.begin().await?;
            match insert_case(store, &mut savepoint, &job.case).await {
                Ok(done) => {
                    savepoint.commit().await?;
                    results.push(Ok(done));
                }
                Err(e) => {
                    savepoint.rollback().await?;
                    results.push(Err(e));
                }
            }
        }
        tx.commit().await?;
        Ok(())
    }
    .await;
    match outcome {
        Ok(()) => {
            for (job, result) in batch.drain(..).zip(results) {
                // The caller may have gone (client hung up); the case is stored anyway.
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, cases = batch.len(), "intake batch failed; nothing in it was stored");
            let temporary = e.is_temporary();
            for job in batch.drain(..) {
                let err = if temporary {
                    StoreError::WriterStopped
                } else {
                    StoreError::Corrupt(format!("intake failed: {e}"))
                };
                let _ = job.reply.send(Err(err));
            }
        }
    }
}

async fn insert_case(
    store: &WriterHandle,
    conn: &mut AnyConnection,
    new: &NewCase,
) -> Result<(CaseRecord, EventRecord), StoreError> {
    let now = crate::now();
    let customer = match &new.customer {
        CustomerRef::Existing(id) => sqlx::query("SELECT id, name FROM customers WHERE id = $1")
            .bind(*id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| Ok::<_, StoreError>((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .transpose()?
            .ok_or(StoreError::NotFound("customer"))?,
        CustomerRef::Details(details) => find_or_create_customer(conn, details, now).await?,
    };
    let (customer_id, customer_name) = customer;

    let recent_cases: i64 = sqlx::query("SELECT COUNT(*) FROM cases WHERE customer_id = $1 AND created_at >= $2")
        .bind(customer_id)
        .bind(millis(now - Duration::days(90)))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let value = lifetime_value(conn, customer_id).await?.iter().map(|v| v.amount_minor).max().unwrap_or(0);
    let escalate_because = escalation_reasons(EscalationContext {
        severity: new.severity,
        recent_cases,
        lifetime_value_minor: value,
        valuable_customer_minor: store.settings.valuable_customer_minor,
    });

    let opened = Event {
        at: now,
        actor: new.actor,
        kind: EventKind::Opened {
            channel: new.channel.as_str().to_owned(),
            severity: new.severity.as_str().to_owned(),
            escalate_because,
        },
    };
    let held = new.spam.as_ref().map(|h| Event {
        at: now,
        actor: Actor::System,
        kind: EventKind::MarkedSpam {
            score: h.score,
            reason: h.reason.clone(),
            acknowledge_on_release: new.acknowledge,
        },
    });
    let playbook = Playbook::replay(std::iter::once(&opened).chain(held.as_ref()));
    let policy = &store.settings.due;
    let next = playbook.next_step(policy);
    let tags = serde_json::to_string(&new.tags).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO cases (customer_id, channel, severity, category, tags, subject, body, wish, order_ref,
            status, next_step, next_due_at, escalation_required, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1, $14, $14) RETURNING id",
    )
    .bind(customer_id)
    .bind(new.channel.as_str())
    .bind(new.severity.as_str())
    .bind(new.category.clone())
    .bind(tags)
    .bind(new.subject.clone())
    .bind(new.body.as_str().to_owned())
    .bind(new.wish.clone())
    .bind(new.order_ref.clone())
    .bind(playbook.status(policy).as_str())
    .bind(next.map(|(s, _)| s.as_str()))
    .bind(next.map(|(_, due)| millis(due)))
    .bind(i64::from(playbook.escalation_required()))
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let event = insert_event(conn, id, &opened).await?;
    crate::recovery::event_webhooks_in(&mut *conn, &event).await?;
    if let Some(held) = &held {
        insert_event(conn, id, held).await?;
    }
    if let Some(inbound) = &new.inbound {
        let outcome =
            if held.is_some() { crate::inbound::outcomes::SPAM } else { crate::inbound::outcomes::CASE_OPENED };
        crate::inbound::insert_in(conn, inbound, Some(id), outcome, None).await?;
    }
    for attachment in &new.attachments {
        crate::attachments::insert_in(conn, id, attachment, now).await?;
    }
    // A held message is acknowledged only if staff release it.
    if new.acknowledge && held.is_none() {
        crate::jobs::enqueue_in(conn, crate::jobs::kinds::ACKNOWLEDGE, &serde_json::json!({ "case_id": id }), now)
            .await?;
    }
    // Only a case with a category can be the look-alike of a fixed problem's case.
    if new.category.is_some() {
        crate::jobs::enqueue_in(conn, crate::jobs::kinds::RECURRENCE_CHECK, &serde_json::json!({ "case_id": id }), now)
            .await?;
    }
    let record = CaseRecord {
        id,
        reference: amends_domain::CaseReference(id).to_string(),
        customer_id,
        customer_name,
        channel: new.channel.as_str().to_owned(),
        severity: new.severity.as_str().to_owned(),
        category: new.category.clone(),
        tags: new.tags.clone(),
        subject: new.subject.clone(),
        body: new.body.as_str().to_owned(),
        wish: new.wish.clone(),
        order_ref: new.order_ref.clone(),
        owner_id: None,
        problem_id: None,
        status: playbook.status(policy).as_str().to_owned(),
        next_step: next.map(|(s, _)| s.as_str().to_owned()),
        next_due_at: next.map(|(_, due)| crate::from_millis(millis(due))),
        escalation_required: playbook.escalation_required(),
        version: 1,
        created_at: now,
        updated_at: now,
    };
    Ok((record, event))
}

async fn find_or_create_customer(
    conn: &mut AnyConnection,
    details: &NewCustomer,
    now: OffsetDateTime,
) -> Result<(i64, String), StoreError> {
    let found = if let Some(email) = &details.email {
        sqlx::query("SELECT id, name FROM customers WHERE email_key = $1")
            .bind(email.normalized())
            .fetch_optional(&mut *conn)
            .await?
    } else {
        None
    };
    let found = match (found, &details.external_id) {
        (None, Some(ext)) => {
            sqlx::query("SELECT id, name FROM customers WHERE external_id = $1")
                .bind(ext.clone())
                .fetch_optional(&mut *conn)
                .await?
        }
        (found, _) => found,
    };
    if let Some(row) = found {
        return Ok((row.try_get(0)?, row.try_get(1)?));
    }
    let created = insert_customer(conn, details, now).await?;
    Ok((created.id, created.name))
}
