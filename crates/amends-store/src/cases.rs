//! Cases and their append-only timelines.
//!
//! A case row carries columns derived from its events (status, next step and when it
//! is due) so the inbox is one index scan; they are rewritten in the same transaction
//! as every event, and `version` counts the changes so a stale writer is refused.

use amends_domain::playbook::{Actor, CaseStatus, Event, EventKind, Playbook, Step};
use amends_domain::{CaseReference, Channel, Severity};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

use crate::query::{Filters, Value, fts5_query};
use crate::{Backend, Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRecord {
    pub id: i64,
    pub reference: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub channel: Channel,
    pub severity: Severity,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub subject: Option<String>,
    /// The customer's own words, exactly as received.
    pub body: String,
    /// What the customer said would put it right, in their words.
    pub wish: Option<String>,
    pub order_ref: Option<String>,
    pub owner_id: Option<i64>,
    pub problem_id: Option<i64>,
    pub status: CaseStatus,
    pub next_step: Option<Step>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub next_due_at: Option<OffsetDateTime>,
    pub escalation_required: bool,
    /// The case this duplicate was merged into; its steps continue there.
    pub merged_into: Option<i64>,
    pub merged_into_reference: Option<String>,
    /// Out of the inbox now (until a time, or until the customer writes).
    pub snoozed: bool,
    /// When a snooze ends by itself; None while it waits for the customer.
    #[serde(with = "time::serde::rfc3339::option")]
    pub snoozed_until: Option<OffsetDateTime>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventRecord {
    pub id: i64,
    pub case_id: i64,
    #[serde(flatten)]
    pub event: Event,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Soonest due first; only cases with a step waiting on staff.
    Due,
}

/// Snoozed cases, as of a time: leave them out (the inbox) or list only them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnoozeFilter {
    Awake(OffsetDateTime),
    Asleep(OffsetDateTime),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OwnerFilter {
    User(i64),
    Unassigned,
}

#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub status: Option<CaseStatus>,
    pub next_step: Option<Step>,
    pub owner: Option<OwnerFilter>,
    pub severity: Option<String>,
    pub customer_id: Option<i64>,
    pub text: Option<String>,
    pub overdue_at: Option<OffsetDateTime>,
    /// Only open cases that must go to a manager.
    pub escalated: bool,
    /// Only cases carrying this tag.
    pub tag: Option<String>,
    pub snoozed: Option<SnoozeFilter>,
    pub order: CaseOrder,
    pub after: Option<String>,
    pub limit: i64,
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.customer_id, cu.name AS customer_name, c.channel, c.severity, c.category, \
     c.tags, c.subject, c.body, c.wish, c.order_ref, c.owner_id, c.problem_id, c.status, c.next_step, \
     c.next_due_at, c.escalation_required, c.merged_into, c.snoozed_until, c.version, c.created_at, c.updated_at";

/// `snoozed_until` of a case that sleeps until the customer writes: 9999-12-31.
pub(crate) const UNTIL_REPLY_MS: i64 = 253_402_300_799_000;

pub(crate) fn case(row: &AnyRow) -> Result<CaseRecord, StoreError> {
    let id: i64 = row.try_get("id")?;
    let tags: String = row.try_get("tags")?;
    let merged_into: Option<i64> = row.try_get("merged_into")?;
    let snoozed_until: Option<i64> = row.try_get("snoozed_until")?;
    let snoozed = snoozed_until.is_some_and(|until| until > millis(OffsetDateTime::now_utc()));
    Ok(CaseRecord {
        id,
        reference: CaseReference(id).to_string(),
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        channel: parsed(row, "channel")?,
        severity: parsed(row, "severity")?,
        category: row.try_get("category")?,
        tags: serde_json::from_str(&tags).map_err(|e| StoreError::Corrupt(format!("tags: {e}")))?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        wish: row.try_get("wish")?,
        order_ref: row.try_get("order_ref")?,
        owner_id: row.try_get("owner_id")?,
        problem_id: row.try_get("problem_id")?,
        status: parsed(row, "status")?,
        next_step: row.try_get::<Option<String>, _>("next_step")?.map(|s| parse_column("next_step", &s)).transpose()?,
        next_due_at: row.try_get::<Option<i64>, _>("next_due_at")?.map(from_millis),
        escalation_required: row.try_get::<i64, _>("escalation_required")? != 0,
        merged_into,
        merged_into_reference: merged_into.map(|m| CaseReference(m).to_string()),
        snoozed,
        snoozed_until: snoozed_until.filter(|u| snoozed && *u < UNTIL_REPLY_MS).map(from_millis),
        version: row.try_get("version")?,
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}

/// A column that holds one of the domain's named values (`"open"`, `"high"`…).
pub(crate) fn parsed<T: std::str::FromStr>(row: &AnyRow, column: &str) -> Result<T, StoreError> {
    parse_column(column, &row.try_get::<String, _>(column)?)
}

fn parse_column<T: std::str::FromStr>(column: &str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("{column}: {text:?}")))
}

pub(crate) fn actor_columns(actor: Actor) -> (&'static str, Option<i64>) {
    match actor {
        Actor::Staff { user_id } => ("staff", Some(user_id)),
        Actor::Customer => ("customer", None),
        Actor::System => ("system", None),
    }
}

pub(crate) fn event(row: &AnyRow) -> Result<EventRecord, StoreError> {
    let actor = match row.try_get::<String, _>("actor_kind")?.as_str() {
        "staff" => Actor::Staff { user_id: row.try_get::<Option<i64>, _>("actor_user_id")?.unwrap_or_default() },
        "customer" => Actor::Customer,
        _ => Actor::System,
    };
    let data: String = row.try_get("data")?;
    let kind: EventKind = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?;
    Ok(EventRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        event: Event { at: from_millis(row.try_get("at")?), actor, kind },
    })
}

pub(crate) async fn insert_event(conn: &mut AnyConnection, case_id: i64, e: &Event) -> Result<EventRecord, StoreError> {
    let (actor_kind, actor_user_id) = actor_columns(e.actor);
    let data = serde_json::to_string(&e.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = sqlx::query(
        "INSERT INTO case_events (case_id, at, actor_kind, actor_user_id, kind, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(millis(e.at))
    .bind(actor_kind)
    .bind(actor_user_id)
    .bind(e.kind.name())
    .bind(data)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(EventRecord { id, case_id, event: e.clone() })
}

/// Indexes a case's tags (lower case) for the tag filter.
pub(crate) async fn insert_tags_in(conn: &mut AnyConnection, case_id: i64, tags: &[String]) -> Result<(), StoreError> {
    for tag in tags {
        sqlx::query("INSERT INTO case_tags (tag, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(tag.to_lowercase())
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Checks `kind` against the case's playbook and appends it, updating the case's
/// derived columns, inside the caller's transaction.
pub(crate) async fn append_event_in(
    tx: &mut AnyConnection,
    policy: &amends_domain::DuePolicy,
    case_id: i64,
    actor: Actor,
    kind: EventKind,
    expected_version: Option<i64>,
) -> Result<EventRecord, StoreError> {
    let current = case_by_id(&mut *tx, case_id).await?;
    if let Some(expected) = expected_version
        && expected != current.version
    {
        return Err(StoreError::Conflict {
            field: Some("version"),
            message: format!(
                "the case changed since you loaded it (version {expected}, now {}); reload it",
                current.version
            ),
        });
    }
    // Due times count the business hours in force now, on whichever instance writes.
    let policy = &crate::hours::policy_in(&mut *tx, policy).await?;
    let history = case_events(&mut *tx, case_id).await?;
    let mut playbook = Playbook::replay(history.iter().map(|e| &e.event));
    let event = Event { at: crate::now(), actor, kind };
    let held = playbook.spam();
    playbook.record(&event)?;

    let now = millis(event.at);
    match &event.kind {
        EventKind::ProblemLinked { problem_id } => {
            let exists =
                sqlx::query("SELECT id FROM problems WHERE id = $1").bind(*problem_id).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("problem"));
            }
            sqlx::query("UPDATE cases SET problem_id = $2 WHERE id = $1")
                .bind(case_id)
                .bind(*problem_id)
                .execute(&mut *tx)
                .await?;
            crate::problems::on_case_linked_in(&mut *tx, *problem_id, case_id).await?;
        }
        EventKind::Assigned { owner_id } => {
            if let Some(owner) = owner_id {
                let exists = sqlx::query("SELECT id FROM users WHERE id = $1 AND active = 1")
                    .bind(*owner)
                    .fetch_optional(&mut *tx)
                    .await?;
                if exists.is_none() {
                    return Err(StoreError::NotFound("user"));
                }
            }
            sqlx::query("UPDATE cases SET owner_id = $2 WHERE id = $1")
                .bind(case_id)
                .bind(*owner_id)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::WishStated { text } => {
            sqlx::query("UPDATE cases SET wish = $2 WHERE id = $1")
                .bind(case_id)
                .bind(text.clone())
                .execute(&mut *tx)
                .await?;
        }
        EventKind::WatchSet => {
            sqlx::query("UPDATE customers SET watch = 1, updated_at = $2 WHERE id = $1")
                .bind(current.customer_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::NextTimeRecorded { .. } => crate::watch::clear_watch_alerts_in(&mut *tx, case_id, now).await?,
        EventKind::Merged { into } => {
            sqlx::query("UPDATE cases SET merged_into = $2 WHERE id = $1")
                .bind(case_id)
                .bind(*into)
                .execute(&mut *tx)
                .await?;
        }
        EventKind::TagAdded { tag } => {
            let tag = amends_domain::case::parse_tag(tag)
                .map_err(|e| StoreError::Conflict { field: Some("tag"), message: e.to_string() })?;
            let mut tags = current.tags.clone();
            if tags.iter().any(|t| t.to_lowercase() == tag) {
                return Err(StoreError::Conflict {
                    field: Some("tag"),
                    message: format!("{} already has the tag {tag:?}", current.reference),
                });
            }
            if tags.len() >= amends_domain::case::MAX_TAGS {
                return Err(StoreError::Conflict {
                    field: Some("tag"),
                    message: format!("a case carries at most {} tags", amends_domain::case::MAX_TAGS),
                });
            }
            tags.push(tag.clone());
            let tags = serde_json::to_string(&tags).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            sqlx::query("UPDATE cases SET tags = $2 WHERE id = $1").bind(case_id).bind(tags).execute(&mut *tx).await?;
            insert_tags_in(&mut *tx, case_id, std::slice::from_ref(&tag)).await?;
        }
        EventKind::SeverityChanged { severity } => {
            sqlx::query("UPDATE cases SET severity = $2 WHERE id = $1")
                .bind(case_id)
                .bind(severity.as_str())
                .execute(&mut *tx)
                .await?;
        }
        // Released from the spam folder: the acknowledgement it was held back from.
        EventKind::SpamReleased if held.is_some_and(|h| h.acknowledge_on_release) => {
            crate::jobs::enqueue_in(&mut *tx, &crate::jobs::Job::Acknowledge { case_id }, event.at).await?;
        }
        EventKind::SpamConfirmed { blocked: Some(value) } => {
            let actor_id = match actor {
                Actor::Staff { user_id } => Some(user_id),
                _ => None,
            };
            crate::spam::insert_block_in(&mut *tx, value, "confirmed spam", actor_id, now).await?;
        }
        EventKind::OutcomeRecorded { .. } => {
            crate::watch::clear_watch_alerts_in(&mut *tx, case_id, now).await?;
            // A customer with a closed case leaves the watch list unless another
            // of their cases still watches them.
            sqlx::query(
                "UPDATE customers SET watch = 0, updated_at = $2 WHERE id = $1 AND NOT EXISTS (
                        SELECT 1 FROM cases WHERE customer_id = $1 AND id <> $3 AND status = 'watching')",
            )
            .bind(current.customer_id)
            .bind(now)
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    let stored = insert_event(&mut *tx, case_id, &event).await?;
    notify_in(&mut *tx, case_id, &stored).await?;
    crate::webhooks::event_webhooks_in(&mut *tx, &stored).await?;
    crate::promises::promise_jobs_in(&mut *tx, &stored).await?;
    match &event.kind {
        EventKind::MessageScheduled { send_at, .. } => {
            crate::scheduled::schedule_in(&mut *tx, case_id, stored.id, *send_at).await?;
        }
        // A merged case says nothing more: what it had scheduled is not sent.
        EventKind::Merged { into } => {
            let reason = format!("the case was merged into {}", CaseReference(*into));
            crate::scheduled::cancel_pending_in(&mut *tx, case_id, &reason).await?;
        }
        _ if event.actor == Actor::Customer => {
            crate::scheduled::cancel_pending_in(&mut *tx, case_id, "the customer wrote first").await?;
        }
        _ => {}
    }
    let next = playbook.next_step(policy);
    let moved = next.map(|(step, due)| (step, millis(due))) != current.next_step.zip(current.next_due_at.map(millis));
    if moved {
        // A new step or a new due time starts the escalation ladder again.
        crate::escalations::clear_escalations_in(&mut *tx, case_id, now).await?;
    }
    let snoozed_until = playbook.snooze().map(|s| s.until.map(millis).unwrap_or(UNTIL_REPLY_MS));
    let updated = sqlx::query(
        "UPDATE cases SET status = $3, next_step = $4, next_due_at = $5, version = version + 1, updated_at = $6,
                snoozed_until = $7, escalation_required = $8
             WHERE id = $1 AND version = $2",
    )
    .bind(case_id)
    .bind(current.version)
    .bind(playbook.status(policy).as_str())
    .bind(next.map(|(s, _)| s.as_str()))
    .bind(next.map(|(_, due)| millis(due)))
    .bind(now)
    .bind(snoozed_until)
    .bind(i64::from(playbook.escalation_required()))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Conflict {
            field: Some("version"),
            message: "the case changed meanwhile; try again".into(),
        });
    }
    Ok(stored)
}

/// Queues, in the caller's transaction, the job that tells the customer about a step
/// staff took: the restatement to confirm, the apology, the two options, the fix; a
/// scheduled follow-up is queued for its due time.
async fn notify_in(conn: &mut AnyConnection, case_id: i64, e: &EventRecord) -> Result<(), StoreError> {
    if !matches!(e.event.actor, Actor::Staff { .. }) {
        return Ok(());
    }
    let event_id = e.id;
    match &e.event.kind {
        EventKind::RestatementWritten { .. }
        | EventKind::Apologised { .. }
        | EventKind::OptionsOffered { .. }
        | EventKind::FixPromised { .. }
        | EventKind::FixDone { .. } => {
            crate::jobs::enqueue_in(conn, &crate::jobs::Job::CaseEvent { case_id, event_id }, e.event.at).await?;
        }
        EventKind::FollowUpScheduled { due, .. } => {
            crate::jobs::enqueue_in(conn, &crate::jobs::Job::FollowUpDue { case_id, event_id }, *due).await?;
        }
        _ => {}
    }
    Ok(())
}

pub(crate) async fn case_events(conn: &mut AnyConnection, case_id: i64) -> Result<Vec<EventRecord>, StoreError> {
    sqlx::query("SELECT * FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(event)
        .collect()
}

pub(crate) async fn case_by_id(conn: &mut AnyConnection, id: i64) -> Result<CaseRecord, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?;
    case(&row)
}

impl Store {
    pub async fn case(&self, id: i64) -> Result<CaseRecord, StoreError> {
        let mut conn = self.read().acquire().await?;
        case_by_id(&mut conn, id).await
    }

    /// The case and its whole timeline, oldest first.
    pub async fn case_event(&self, case_id: i64, event_id: i64) -> Result<EventRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM case_events WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(event_id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("event"))?;
        event(&row)
    }

    pub async fn case_with_timeline(&self, id: i64) -> Result<(CaseRecord, Vec<EventRecord>), StoreError> {
        let mut conn = self.read().acquire().await?;
        let record = case_by_id(&mut conn, id).await?;
        let events = case_events(&mut conn, id).await?;
        Ok((record, events))
    }

    /// One page of cases; the second value is the cursor of the next page.
    pub async fn list_cases(&self, filter: &CaseFilter) -> Result<(Vec<CaseRecord>, Option<String>), StoreError> {
        let (sql, f, limit) = self.case_list_query(filter)?;
        let mut items = f.bind(&sql).fetch_all(self.read()).await?.iter().map(case).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|last| match filter.order {
                CaseOrder::Newest => last.id.to_string(),
                CaseOrder::Due => format!("{}.{}", last.next_due_at.map(millis).unwrap_or_default(), last.id),
            })
        } else {
            None
        };
        Ok((items, next))
    }

    /// The SQL and values of one page of cases (also what [`Store::query_plans`] explains),
    /// and the page's size.
    pub(crate) fn case_list_query(&self, filter: &CaseFilter) -> Result<(String, Filters, i64), StoreError> {
        let mut f = Filters::default();
        if let Some(status) = filter.status {
            let p = f.param(Value::Text(status.as_str().to_owned()));
            f.push(format!("c.status = {p}"));
        } else {
            // The spam folder is only seen by asking for it.
            f.push("c.status <> 'spam'".to_owned());
        }
        if let Some(step) = filter.next_step {
            let p = f.param(Value::Text(step.as_str().to_owned()));
            f.push(format!("c.next_step = {p}"));
        }
        match &filter.owner {
            Some(OwnerFilter::User(id)) => {
                let p = f.param(Value::Int(*id));
                f.push(format!("c.owner_id = {p}"));
            }
            Some(OwnerFilter::Unassigned) => f.push("c.owner_id IS NULL".to_owned()),
            None => {}
        }
        if let Some(severity) = &filter.severity {
            let p = f.param(Value::Text(severity.clone()));
            f.push(format!("c.severity = {p}"));
        }
        if let Some(customer_id) = filter.customer_id {
            let p = f.param(Value::Int(customer_id));
            f.push(format!("c.customer_id = {p}"));
        }
        if filter.escalated {
            // Cases that must go to a manager, and those whose overdue step went up the
            // escalation ladder (until the step is done or its due time moves).
            f.push(
                "c.id IN (SELECT id FROM cases WHERE escalation_required = 1 \
                 UNION SELECT case_id FROM case_escalations WHERE cleared_at IS NULL) \
                 AND c.status NOT IN ('retained', 'lost')"
                    .to_owned(),
            );
        }
        if let Some(tag) = &filter.tag {
            let p = f.param(Value::Text(tag.trim().to_lowercase()));
            f.push(format!("c.id IN (SELECT case_id FROM case_tags WHERE tag = {p})"));
        }
        match filter.snoozed {
            Some(SnoozeFilter::Awake(at)) => {
                let p = f.param(Value::Int(millis(at)));
                f.push(format!("(c.snoozed_until IS NULL OR c.snoozed_until <= {p})"));
            }
            Some(SnoozeFilter::Asleep(at)) => {
                let p = f.param(Value::Int(millis(at)));
                f.push(format!("c.snoozed_until > {p}"));
            }
            None => {}
        }
        if let Some(at) = filter.overdue_at {
            let p = f.param(Value::Int(millis(at)));
            f.push(format!("c.next_due_at < {p}"));
        }
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            match self.backend() {
                Backend::Sqlite => match fts5_query(text) {
                    Some(q) => {
                        let p = f.param(Value::Text(q));
                        f.push(format!("c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH {p})"));
                    }
                    None => f.push("1 = 0".to_owned()),
                },
                Backend::Postgres => {
                    let p = f.param(Value::Text(text.to_owned()));
                    f.push(format!("c.search @@ websearch_to_tsquery('english', {p})"));
                }
            }
        }
        let bad_cursor = || StoreError::BadCursor;
        let order = match filter.order {
            CaseOrder::Newest => {
                if let Some(after) = &filter.after {
                    let id: i64 = after.parse().map_err(|_| bad_cursor())?;
                    let p = f.param(Value::Int(id));
                    f.push(format!("c.id < {p}"));
                }
                "c.id DESC"
            }
            CaseOrder::Due => {
                f.push("c.next_due_at IS NOT NULL".to_owned());
                if let Some(after) = &filter.after {
                    let (due, id) = after.split_once('.').ok_or_else(bad_cursor)?;
                    let due: i64 = due.parse().map_err(|_| bad_cursor())?;
                    let id: i64 = id.parse().map_err(|_| bad_cursor())?;
                    let d = f.param(Value::Int(due));
                    let i = f.param(Value::Int(id));
                    f.push(format!("(c.next_due_at, c.id) > ({d}, {i})"));
                }
                "c.next_due_at, c.id"
            }
        };
        let limit = filter.limit.clamp(1, 200);
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c JOIN customers cu ON cu.id = c.customer_id {} ORDER BY {order} LIMIT {}",
            f.where_sql(),
            limit + 1
        );
        Ok((sql, f, limit))
    }

    /// Checks `kind` against the case's playbook and, when the rules allow it, appends it
    /// to the timeline and updates the case, all in one transaction. With
    /// `expected_version`, a case changed since the caller read it is refused.
    pub async fn record_event(
        &self,
        case_id: i64,
        actor: Actor,
        kind: EventKind,
        expected_version: Option<i64>,
    ) -> Result<(CaseRecord, EventRecord), StoreError> {
        let mut tx = self.write().begin().await?;
        if let Actor::Staff { user_id } = actor
            && let Some((approval_id, reason)) = self.hold_gesture_in(&mut tx, case_id, user_id, &kind).await?
        {
            tx.commit().await?;
            return Err(StoreError::ApprovalNeeded { approval_id, reason });
        }
        let stored = append_event_in(&mut tx, &self.settings().due, case_id, actor, kind, expected_version).await?;
        let record = case_by_id(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok((record, stored))
    }
}
