//! Cases and their append-only timelines.
//!
//! A case row carries columns derived from its events (status, next step and when it
//! is due) so the inbox is one index scan; `step` rewrites them in the same transaction
//! as every event, and `version` counts the changes so a stale writer is refused. This
//! module reads cases and timelines; it writes no event.

use amends_domain::playbook::{Actor, CaseStatus, Event, EventKind, Step};
use amends_domain::{CaseReference, Channel, Severity, SeverityReason};
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
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
    /// The manager or admin the case was escalated to, while it waits on them to take
    /// it over or decide.
    pub escalated_to: Option<PersonRef>,
    /// Why it was escalated to them.
    pub escalation_reason: Option<String>,
    /// What flagged the case as serious at intake: the words (the complaint's own, or
    /// what the customer's history shows) and why. Empty when nothing did.
    pub severity_reasons: Vec<SeverityReason>,
    /// What triage read in the words alone at intake (the API shows it beside the
    /// case's severity); None for a case stored before it was kept.
    #[serde(skip)]
    pub suggested_severity: Option<Severity>,
    /// The case this duplicate was merged into; its steps continue there.
    pub merged_into: Option<i64>,
    pub merged_into_reference: Option<String>,
    /// Out of the inbox now (until a time, or until the customer writes).
    pub snoozed: bool,
    /// When a snooze ends by itself; None while it waits for the customer.
    #[serde(with = "time::serde::rfc3339::option")]
    pub snoozed_until: Option<OffsetDateTime>,
    /// Since when the customer's words wait for staff's answer or step; None when staff
    /// acted last. Such a case is listed first, marked "Customer replied".
    #[serde(with = "time::serde::rfc3339::option")]
    pub customer_waiting_since: Option<OffsetDateTime>,
    /// The start of the customer's latest words, while they wait.
    pub customer_words: Option<String>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A member of staff as a case names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub id: i64,
    pub name: String,
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
    /// Only cases waiting on this person since they were escalated to them.
    pub escalated_to: Option<i64>,
    /// Only cases carrying this tag.
    pub tag: Option<String>,
    pub snoozed: Option<SnoozeFilter>,
    /// Only retained, lost and merged cases.
    pub closed: bool,
    /// The first page starts with every case whose customer waits for staff (oldest
    /// wait first, up to [`MAX_WAITING_FIRST`]); the order asked for follows, without them.
    pub waiting_first: bool,
    pub order: CaseOrder,
    pub after: Option<String>,
    pub limit: i64,
}

pub(crate) const CASE_COLUMNS: &str = "c.id, c.customer_id, cu.name AS customer_name, c.channel, c.severity, c.category, \
     c.tags, c.subject, c.body, c.wish, c.order_ref, c.owner_id, c.problem_id, c.status, c.next_step, \
     c.next_due_at, c.escalation_required, c.merged_into, c.snoozed_until, c.customer_waiting_since, c.customer_words, \
     c.version, c.created_at, c.updated_at, \
     c.escalated_to, (SELECT eu.name FROM users eu WHERE eu.id = c.escalated_to) AS escalated_to_name, \
     c.escalation_reason, c.severity_reasons, c.suggested_severity";

/// At most this many waiting cases head a first page.
pub const MAX_WAITING_FIRST: i64 = 200;

/// `snoozed_until` of a case that sleeps until the customer writes: 9999-12-31.
pub(crate) const UNTIL_REPLY_MS: i64 = 253_402_300_799_000;

pub(crate) fn case(row: &Row, now: OffsetDateTime) -> Result<CaseRecord, StoreError> {
    let id: i64 = row.try_get("id")?;
    let tags: String = row.try_get("tags")?;
    let merged_into: Option<i64> = row.try_get("merged_into")?;
    let snoozed_until: Option<i64> = row.try_get("snoozed_until")?;
    let snoozed = snoozed_until.is_some_and(|until| until > millis(now));
    let waiting_since: Option<i64> = row.try_get("customer_waiting_since")?;
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
        escalated_to: match row.try_get::<Option<i64>, _>("escalated_to")? {
            Some(id) => {
                Some(PersonRef { id, name: row.try_get::<Option<String>, _>("escalated_to_name")?.unwrap_or_default() })
            }
            None => None,
        },
        escalation_reason: row.try_get("escalation_reason")?,
        severity_reasons: serde_json::from_str(&row.try_get::<String, _>("severity_reasons")?)
            .map_err(|e| StoreError::Corrupt(format!("severity_reasons: {e}")))?,
        suggested_severity: row.try_get::<Option<String>, _>("suggested_severity")?.and_then(|s| s.parse().ok()),
        merged_into,
        merged_into_reference: merged_into.map(|m| CaseReference(m).to_string()),
        snoozed,
        snoozed_until: snoozed_until.filter(|u| snoozed && *u < UNTIL_REPLY_MS).map(from_millis),
        customer_waiting_since: waiting_since.map(from_millis),
        customer_words: if waiting_since.is_some() { row.try_get("customer_words")? } else { None },
        version: row.try_get("version")?,
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}

/// A column that holds one of the domain's named values (`"open"`, `"high"`…).
pub(crate) fn parsed<T: std::str::FromStr>(row: &Row, column: &str) -> Result<T, StoreError> {
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

pub(crate) fn event(row: &Row) -> Result<EventRecord, StoreError> {
    event_with_id(row, "id")
}

/// An event from a row whose event id is in `id_column` (a row that also holds its case).
fn event_with_id(row: &Row, id_column: &str) -> Result<EventRecord, StoreError> {
    let actor = match row.try_get::<String, _>("actor_kind")?.as_str() {
        "staff" => Actor::Staff { user_id: row.try_get::<Option<i64>, _>("actor_user_id")?.unwrap_or_default() },
        "customer" => Actor::Customer,
        _ => Actor::System,
    };
    let data: String = row.try_get("data")?;
    let kind: EventKind = serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("event: {e}")))?;
    Ok(EventRecord {
        id: row.try_get(id_column)?,
        case_id: row.try_get("case_id")?,
        event: Event { at: from_millis(row.try_get("at")?), actor, kind },
    })
}

/// Indexes a case's tags (lower case) for the tag filter.
pub(crate) async fn insert_tags_in(conn: &mut Conn, case_id: i64, tags: &[String]) -> Result<(), StoreError> {
    for tag in tags {
        db::query("INSERT INTO case_tags (tag, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
            .bind(tag.to_lowercase())
            .bind(case_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A case with its own timeline, the events of the cases merged into it, and its files.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: CaseRecord,
    /// The case's own events, oldest first.
    pub timeline: Vec<EventRecord>,
    /// The events of the cases merged into it, oldest first (each keeps its `case_id`).
    pub merged: Vec<EventRecord>,
    pub attachments: Vec<crate::AttachmentRecord>,
}

pub(crate) async fn case_events(conn: &mut Conn, case_id: i64) -> Result<Vec<EventRecord>, StoreError> {
    db::query("SELECT * FROM case_events WHERE case_id = $1 ORDER BY id")
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(event)
        .collect()
}

pub(crate) async fn case_by_id(conn: &mut Conn, id: i64, now: OffsetDateTime) -> Result<CaseRecord, StoreError> {
    let row = db::query(&format!(
        "SELECT {CASE_COLUMNS} FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound("case"))?;
    case(&row, now)
}

impl Store {
    pub async fn case(&self, id: i64) -> Result<CaseRecord, StoreError> {
        let mut conn = self.read().acquire().await?;
        case_by_id(&mut conn, id, self.now()).await
    }

    /// The case and its whole timeline, oldest first.
    pub async fn case_event(&self, case_id: i64, event_id: i64) -> Result<EventRecord, StoreError> {
        let row = db::query("SELECT * FROM case_events WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(event_id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("event"))?;
        event(&row)
    }

    pub async fn case_with_timeline(&self, id: i64) -> Result<(CaseRecord, Vec<EventRecord>), StoreError> {
        let mut conn = self.read().acquire().await?;
        let record = case_by_id(&mut conn, id, self.now()).await?;
        let events = case_events(&mut conn, id).await?;
        Ok((record, events))
    }

    /// Everything `GET /cases/{id}` shows, over one connection: one statement for a case
    /// with no files and nothing merged into it, which is most of them. The case comes
    /// with its own events, a row each (on PostgreSQL a round trip saved; on both, the
    /// case's version and its timeline are read from one snapshot, so they agree).
    pub async fn case_file(&self, id: i64) -> Result<CaseFile, StoreError> {
        static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            format!(
                "SELECT {CASE_COLUMNS}, EXISTS (SELECT 1 FROM attachments a WHERE a.case_id = c.id) AS has_files,
                    e.id AS event_id, e.case_id, e.at, e.actor_kind, e.actor_user_id, e.data
                 FROM cases c JOIN customers cu ON cu.id = c.customer_id
                 LEFT JOIN case_events e ON e.case_id = c.id
                 WHERE c.id = $1 ORDER BY e.id"
            )
        });
        let mut conn = self.read().acquire().await?;
        let rows = db::query(&SQL).bind(id).fetch_all(&mut *conn).await?;
        let first = rows.first().ok_or(StoreError::NotFound("case"))?;
        let record = case(first, self.now())?;
        let has_files: bool = first.try_get("has_files")?;
        let mut timeline = Vec::with_capacity(rows.len());
        for row in &rows {
            if row.try_get::<Option<i64>, _>("event_id")?.is_some() {
                timeline.push(event_with_id(row, "event_id")?);
            }
        }
        let merged = crate::merge::merged_events(&mut conn, id, &timeline).await?;
        let attachments = if has_files { crate::attachments::of_case(&mut conn, id).await? } else { Vec::new() };
        Ok(CaseFile { case: record, timeline, merged, attachments })
    }

    /// One page of cases; the second value is the cursor of the next page.
    pub async fn list_cases(&self, filter: &CaseFilter) -> Result<(Vec<CaseRecord>, Option<String>), StoreError> {
        let mut waiting = Vec::new();
        if filter.waiting_first && filter.after.is_none() {
            let (sql, f) = self.waiting_cases_query(filter)?;
            waiting = f
                .bind(&sql)
                .fetch_all(self.read())
                .await?
                .iter()
                .map(|row| case(row, self.now()))
                .collect::<Result<Vec<_>, _>>()?;
        }
        let (sql, f, limit) = self.case_list_query(filter)?;
        let mut items = f
            .bind(&sql)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(|row| case(row, self.now()))
            .collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            items.last().map(|last| match filter.order {
                CaseOrder::Newest => last.id.to_string(),
                CaseOrder::Due => format!("{}.{}", last.next_due_at.map(millis).unwrap_or_default(), last.id),
            })
        } else {
            None
        };
        waiting.extend(items);
        Ok((waiting, next))
    }

    /// The cases whose customer waits for staff, oldest wait first, with the filter's
    /// other conditions (also what [`Store::query_plans`] explains).
    pub(crate) fn waiting_cases_query(&self, filter: &CaseFilter) -> Result<(String, Filters), StoreError> {
        let f = self.case_filters(filter, Some(true))?;
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM cases c JOIN customers cu ON cu.id = c.customer_id {} \
             ORDER BY c.customer_waiting_since, c.id LIMIT {MAX_WAITING_FIRST}",
            f.where_sql()
        );
        Ok((sql, f))
    }

    /// The SQL and values of one page of cases (also what [`Store::query_plans`] explains),
    /// and the page's size.
    pub(crate) fn case_list_query(&self, filter: &CaseFilter) -> Result<(String, Filters, i64), StoreError> {
        let mut f = self.case_filters(filter, filter.waiting_first.then_some(false))?;
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

    /// The conditions of a case list; `waiting` keeps only the cases whose customer
    /// waits for staff (true) or only the others (false).
    fn case_filters(&self, filter: &CaseFilter, waiting: Option<bool>) -> Result<Filters, StoreError> {
        let mut f = Filters::default();
        match waiting {
            Some(true) => f.push("c.customer_waiting_since IS NOT NULL".to_owned()),
            Some(false) => f.push("c.customer_waiting_since IS NULL".to_owned()),
            None => {}
        }
        if filter.closed {
            f.push("c.status IN ('retained', 'lost', 'merged')".to_owned());
        }
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
        if let Some(person) = filter.escalated_to {
            let p = f.param(Value::Int(person));
            f.push(format!("c.escalated_to = {p}"));
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
            let words = match self.backend() {
                Backend::Sqlite => match fts5_query(text) {
                    Some(q) => {
                        let p = f.param(Value::Text(q));
                        format!("c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH {p})")
                    }
                    None => "1 = 0".to_owned(),
                },
                Backend::Postgres => {
                    let p = f.param(Value::Text(text.to_owned()));
                    format!("c.search @@ websearch_to_tsquery('english', {p})")
                }
            };
            // A reference as people type it (`AM-1001`, `1001`) finds its case too.
            match amends_domain::CaseReference::from_search(text) {
                Some(reference) => {
                    let p = f.param(Value::Int(reference.case_id()));
                    f.push(format!("(c.id = {p} OR {words})"));
                }
                None => f.push(words),
            }
        }
        Ok(f)
    }
}
