//! Proving it afterwards: the next-time watch (a watched customer's next transaction
//! alerts staff), the print run of follow-up letters, and outgoing webhooks for case
//! events, each delivery a job enqueued in the transaction of its event.

use amends_domain::Role;
use amends_domain::gesture::{ApprovalReason, GestureLimits, GivenSoFar, needs_approval};
use amends_domain::playbook::{Actor, EventKind};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

use crate::cases::{EventRecord, append_event_in};
use crate::jobs::{enqueue_in, kinds};
use crate::{Backend, Store, StoreError, from_millis, millis};

/// The note put on each watching case when the customer's next transaction arrives.
pub const NEXT_ORDER_NOTE: &str = "Their next order just came in: give outstanding service";

/// The webhook event sent when a watched customer transacts again.
pub const NEXT_ORDER_EVENT: &str = "next_order_arrived";

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchAlert {
    pub id: i64,
    pub case_id: i64,
    pub case_reference: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub transaction_id: i64,
    pub transaction_kind: String,
    pub amount_minor: i64,
    pub currency: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// Inside the transaction that stored a watched customer's new transaction: a system
/// note on each case that watches them, an open alert for the inbox, a webhook event.
/// A case that already has an open alert is not alerted again.
pub(crate) async fn next_order_in(
    tx: &mut AnyConnection,
    policy: &amends_domain::DuePolicy,
    customer_id: i64,
    transaction_id: i64,
) -> Result<(), StoreError> {
    let cases: Vec<i64> = sqlx::query(
        "SELECT c.id FROM cases c WHERE c.customer_id = $1 AND c.status = 'watching'
           AND NOT EXISTS (SELECT 1 FROM watch_alerts w WHERE w.case_id = c.id AND w.cleared_at IS NULL)",
    )
    .bind(customer_id)
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    let now = OffsetDateTime::now_utc();
    let name: String = if cases.is_empty() {
        String::new()
    } else {
        sqlx::query("SELECT name FROM customers WHERE id = $1")
            .bind(customer_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?
    };
    for case_id in cases {
        let note = EventKind::NoteAdded { text: NEXT_ORDER_NOTE.to_owned() };
        let stored = append_event_in(&mut *tx, policy, case_id, Actor::System, note, None).await?;
        let reference = amends_domain::CaseReference(case_id);
        let alert = crate::hours::StaffAlert {
            case_id,
            subject: format!("{reference}: {name} is back: give outstanding service"),
            text: format!(
                "{name}, whose complaint you worked on ({reference}), just ordered again.\n\n\
                 This is the next time: give outstanding service, then record how it went on the case."
            ),
            to: crate::hours::AlertTo { owner: true, ..Default::default() },
        };
        crate::hours::alert_in(&mut *tx, &alert, now).await?;
        sqlx::query("INSERT INTO watch_alerts (case_id, transaction_id, created_at) VALUES ($1, $2, $3)")
            .bind(case_id)
            .bind(transaction_id)
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
        let data = serde_json::json!({ "transaction_id": transaction_id, "note": NEXT_ORDER_NOTE });
        webhooks_in(&mut *tx, case_id, Some(stored.id), NEXT_ORDER_EVENT, data, now).await?;
    }
    Ok(())
}

/// Staff recorded how the next time went, or closed the case: the alert is answered.
pub(crate) async fn clear_watch_alerts_in(tx: &mut AnyConnection, case_id: i64, at: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE watch_alerts SET cleared_at = $2 WHERE case_id = $1 AND cleared_at IS NULL")
        .bind(case_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Queues one delivery per active webhook that wants `event_kind`, in the caller's
/// transaction: the event and its deliveries commit together or not at all.
pub(crate) async fn webhooks_in(
    tx: &mut AnyConnection,
    case_id: i64,
    event_id: Option<i64>,
    event_kind: &str,
    data: serde_json::Value,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let hooks = sqlx::query("SELECT id, events FROM webhooks WHERE active = 1").fetch_all(&mut *tx).await?;
    if hooks.is_empty() {
        return Ok(());
    }
    let payload = serde_json::json!({
        "event": event_kind,
        "case_id": case_id,
        "case_reference": amends_domain::CaseReference(case_id).to_string(),
        "event_id": event_id,
        "at": at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "data": data,
    })
    .to_string();
    for hook in hooks {
        let id: i64 = hook.try_get("id")?;
        let events: String = hook.try_get("events")?;
        let wanted: Vec<String> = serde_json::from_str(&events).unwrap_or_default();
        if !wanted.is_empty() && !wanted.iter().any(|w| w == event_kind) {
            continue;
        }
        let delivery: i64 = sqlx::query(
            "INSERT INTO webhook_deliveries (webhook_id, case_id, event_kind, payload, status, created_at)
             VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id",
        )
        .bind(id)
        .bind(case_id)
        .bind(event_kind)
        .bind(payload.clone())
        .bind(millis(at))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        enqueue_in(&mut *tx, kinds::WEBHOOK, &serde_json::json!({ "delivery_id": delivery }), at).await?;
    }
    Ok(())
}

/// Every stored case event goes to the webhooks that want its kind.
pub(crate) async fn event_webhooks_in(tx: &mut AnyConnection, e: &EventRecord) -> Result<(), StoreError> {
    let mut data = serde_json::to_value(&e.event.kind).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    if let Some(map) = data.as_object_mut() {
        map.remove("kind");
        map.insert("actor".into(), serde_json::to_value(e.event.actor).unwrap_or_default());
    }
    webhooks_in(tx, e.case_id, Some(e.id), e.event.kind.name(), data, e.event.at).await
}

/// How long before a promised fix is due its owner is reminded.
pub const PROMISE_REMINDER: time::Duration = time::Duration::hours(24);

/// A promised fix schedules its reminder (a day before) and its check (when due).
pub(crate) async fn promise_jobs_in(tx: &mut AnyConnection, e: &EventRecord) -> Result<(), StoreError> {
    if let EventKind::FixPromised { due, .. } = &e.event.kind {
        let payload = serde_json::json!({ "case_id": e.case_id, "event_id": e.id });
        let soon = (*due - PROMISE_REMINDER).max(e.event.at);
        enqueue_in(&mut *tx, kinds::PROMISE_DUE_SOON, &payload, soon).await?;
        enqueue_in(&mut *tx, kinds::PROMISE_DUE, &payload, *due).await?;
    }
    Ok(())
}

// Gestures are judged one at a time on PostgreSQL, so that two sent together cannot
// both fit under a limit that only one of them fits under.
const PG_GESTURE_LOCK: i64 = 0x616d_656e_6467;

/// What was given before a gesture, in its currency: on the case, by the giver since
/// `month` began, and by everyone since then.
async fn given_so_far_in(
    tx: &mut AnyConnection,
    case_id: i64,
    user_id: i64,
    currency: &str,
    month: OffsetDateTime,
) -> Result<GivenSoFar, StoreError> {
    let rows = sqlx::query(
        "SELECT case_id, actor_user_id, at, data FROM case_events
         WHERE kind = 'gesture_recorded' AND (case_id = $1 OR at >= $2)",
    )
    .bind(case_id)
    .bind(millis(month))
    .fetch_all(&mut *tx)
    .await?;
    let mut given = GivenSoFar::default();
    for row in rows {
        let data: String = row.try_get("data")?;
        let Ok(EventKind::GestureRecorded { cost_minor, currency: c, .. }) = serde_json::from_str(&data) else {
            continue;
        };
        if !c.eq_ignore_ascii_case(currency) {
            continue;
        }
        let this_month = row.try_get::<i64, _>("at")? >= millis(month);
        if row.try_get::<i64, _>("case_id")? == case_id {
            given.case_minor = given.case_minor.saturating_add(cost_minor);
        }
        if this_month {
            given.this_month_minor = given.this_month_minor.saturating_add(cost_minor);
            if row.try_get::<Option<i64>, _>("actor_user_id")? == Some(user_id) {
                given.by_giver_this_month_minor = given.by_giver_this_month_minor.saturating_add(cost_minor);
            }
        }
    }
    Ok(given)
}

/// A gesture waiting for (or decided by) a manager.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRecord {
    pub id: i64,
    pub case_id: i64,
    pub case_reference: String,
    pub requested_by: i64,
    pub gesture: String,
    pub description: String,
    pub cost_minor: i64,
    pub currency: String,
    pub status: String,
    pub decided_by: Option<i64>,
    pub reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

fn approval(row: &AnyRow) -> Result<ApprovalRecord, StoreError> {
    let case_id: i64 = row.try_get("case_id")?;
    Ok(ApprovalRecord {
        id: row.try_get("id")?,
        case_id,
        case_reference: amends_domain::CaseReference(case_id).to_string(),
        requested_by: row.try_get("requested_by")?,
        gesture: row.try_get("gesture")?,
        description: row.try_get("description")?,
        cost_minor: row.try_get("cost_minor")?,
        currency: row.try_get("currency")?,
        status: row.try_get("status")?,
        decided_by: row.try_get("decided_by")?,
        reason: row.try_get("reason")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

/// What gestures cost in one month, in one currency, against the budget.
#[derive(Debug, Clone, Serialize)]
pub struct BudgetRow {
    pub currency: String,
    pub spent_minor: i64,
    pub budget_minor: i64,
    pub left_minor: i64,
}

/// A broken promise, as counted in reports.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokenPromise {
    pub case_id: i64,
    pub case_reference: String,
    pub event_id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub noted_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WebhookRecord {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Signs the deliveries; never shown back.
    #[serde(skip)]
    pub secret: String,
}

fn webhook(row: &AnyRow) -> Result<WebhookRecord, StoreError> {
    let events: String = row.try_get("events")?;
    Ok(WebhookRecord {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: serde_json::from_str(&events).map_err(|e| StoreError::Corrupt(format!("webhook events: {e}")))?,
        active: row.try_get::<i64, _>("active")? != 0,
        created_at: from_millis(row.try_get("created_at")?),
        secret: row.try_get("secret")?,
    })
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryRecord {
    pub id: i64,
    pub webhook_id: i64,
    pub case_id: Option<i64>,
    pub event_kind: String,
    #[serde(skip)]
    pub payload: String,
    pub status: String,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

fn delivery(row: &AnyRow) -> Result<DeliveryRecord, StoreError> {
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        case_id: row.try_get("case_id")?,
        event_kind: row.try_get("event_kind")?,
        payload: row.try_get("payload")?,
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        response_status: row.try_get("response_status")?,
        last_error: row.try_get("last_error")?,
        created_at: from_millis(row.try_get("created_at")?),
        delivered_at: row.try_get::<Option<i64>, _>("delivered_at")?.map(from_millis),
    })
}

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
}

impl Store {
    /// Inside the event's transaction: when the rules say a staff member's gesture
    /// waits for a manager (counting what the case, the giver and the month already
    /// had), it is not recorded but queued as an approval, once however often the form
    /// is sent, and the reason comes back. The sums are read under a lock on
    /// PostgreSQL (SQLite has one writer), so two gestures sent together are judged
    /// one after the other.
    pub(crate) async fn hold_gesture_in(
        &self,
        tx: &mut AnyConnection,
        case_id: i64,
        user_id: i64,
        kind: &EventKind,
    ) -> Result<Option<(i64, ApprovalReason)>, StoreError> {
        let EventKind::GestureRecorded { gesture, description, cost_minor, currency } = kind else { return Ok(None) };
        if self.backend() == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(PG_GESTURE_LOCK).execute(&mut *tx).await?;
        }
        let role: Option<String> = sqlx::query("SELECT role FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        let Some(role) = role.and_then(|r| r.parse::<Role>().ok()) else { return Ok(None) };
        let now = self.now();
        let month = now.replace_day(1).map(|d| d.replace_time(time::Time::MIDNIGHT)).unwrap_or(now);
        let given = given_so_far_in(&mut *tx, case_id, user_id, currency, month).await?;
        let settings = self.settings();
        let limits = GestureLimits {
            agent_per_case_minor: settings.gesture_agent_limit_minor,
            agent_per_month_minor: settings.gesture_agent_monthly_limit_minor,
            monthly_budget_minor: settings.gesture_monthly_budget_minor,
        };
        let Some(reason) = needs_approval(role, *cost_minor, given, limits) else { return Ok(None) };
        // Checked like any step first, so an approval is never queued for a refused one.
        let history = crate::cases::case_events(&mut *tx, case_id).await?;
        amends_domain::Playbook::replay(history.iter().map(|e| &e.event)).check(kind)?;
        // The request's columns, in the order both statements below take them.
        let request = |sql| {
            sqlx::query(sql)
                .bind(case_id)
                .bind(user_id)
                .bind(gesture.clone())
                .bind(description.clone())
                .bind(*cost_minor)
                .bind(currency.clone())
        };
        let inserted = request(
            "INSERT INTO gesture_approvals (case_id, requested_by, gesture, description, cost_minor, currency, status, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(millis(OffsetDateTime::now_utc()))
        .fetch_optional(&mut *tx)
        .await?;
        let row =
            match inserted {
                Some(row) => row,
                // The same request already waits (a form sent twice): it is that approval.
                None => request(
                    "SELECT id FROM gesture_approvals WHERE status = 'pending' AND case_id = $1 AND requested_by = $2
                       AND gesture = $3 AND description = $4 AND cost_minor = $5 AND currency = $6",
                )
                .fetch_one(&mut *tx)
                .await?,
            };
        Ok(Some((row.try_get(0)?, reason)))
    }

    pub async fn approval(&self, id: i64) -> Result<ApprovalRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM gesture_approvals WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("approval"))?;
        approval(&row)
    }

    /// Gestures waiting for a manager, oldest first.
    pub async fn pending_approvals(&self) -> Result<Vec<ApprovalRecord>, StoreError> {
        sqlx::query("SELECT * FROM gesture_approvals WHERE status = 'pending' ORDER BY created_at, id LIMIT 500")
            .fetch_all(self.read())
            .await?
            .iter()
            .map(approval)
            .collect()
    }

    /// A manager decides: approved, the gesture is recorded on the case (by the
    /// manager) in the same transaction; declined, a note says why.
    pub async fn decide_approval(
        &self,
        id: i64,
        manager_id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<ApprovalRecord, StoreError> {
        let mut tx = self.write().begin().await?;
        let row = sqlx::query("SELECT * FROM gesture_approvals WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("approval"))?;
        let pending = approval(&row)?;
        if pending.status != "pending" {
            return Err(StoreError::Conflict {
                field: None,
                message: format!("this gesture was already {}", pending.status),
            });
        }
        let kind = if approve {
            EventKind::GestureRecorded {
                gesture: pending.gesture.clone(),
                description: pending.description.clone(),
                cost_minor: pending.cost_minor,
                currency: pending.currency.clone(),
            }
        } else {
            EventKind::NoteAdded { text: format!("The gesture \"{}\" was not approved: {reason}", pending.description) }
        };
        let actor = Actor::Staff { user_id: manager_id };
        append_event_in(&mut tx, &self.settings().due, pending.case_id, actor, kind, None).await?;
        sqlx::query(
            "UPDATE gesture_approvals SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(if approve { "approved" } else { "declined" })
        .bind(manager_id)
        .bind(millis(OffsetDateTime::now_utc()))
        .bind((!reason.is_empty()).then(|| reason.to_owned()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.approval(id).await
    }

    /// What gestures cost in `[from, to)` per currency, against the monthly budget.
    pub async fn gesture_spending(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<BudgetRow>, StoreError> {
        let rows = sqlx::query("SELECT data FROM case_events WHERE kind = 'gesture_recorded' AND at >= $1 AND at < $2")
            .bind(millis(from))
            .bind(millis(to))
            .fetch_all(self.read())
            .await?;
        let mut spent: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for row in rows {
            let data: String = row.try_get("data")?;
            if let Ok(EventKind::GestureRecorded { cost_minor, currency, .. }) = serde_json::from_str(&data) {
                *spent.entry(currency).or_default() += cost_minor;
            }
        }
        let budget = self.settings().gesture_monthly_budget_minor;
        Ok(spent
            .into_iter()
            .map(|(currency, spent_minor)| BudgetRow {
                currency,
                spent_minor,
                budget_minor: budget,
                left_minor: budget - spent_minor,
            })
            .collect())
    }

    /// Records that the promise made by `event_id` was broken; false when it already was.
    pub async fn record_broken_promise(
        &self,
        case_id: i64,
        event_id: i64,
        due: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO broken_promises (event_id, case_id, due_at, noted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(case_id)
        .bind(millis(due))
        .bind(millis(OffsetDateTime::now_utc()))
        .execute(self.write())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Promises broken with a due date in `[from, to)`, newest first.
    pub async fn broken_promises(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<BrokenPromise>, StoreError> {
        sqlx::query(
            "SELECT event_id, case_id, due_at, noted_at FROM broken_promises WHERE due_at >= $1 AND due_at < $2
             ORDER BY due_at DESC, event_id DESC LIMIT 1000",
        )
        .bind(millis(from))
        .bind(millis(to))
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|r| {
            let case_id: i64 = r.try_get("case_id")?;
            Ok(BrokenPromise {
                case_id,
                case_reference: amends_domain::CaseReference(case_id).to_string(),
                event_id: r.try_get("event_id")?,
                due_at: from_millis(r.try_get("due_at")?),
                noted_at: from_millis(r.try_get("noted_at")?),
            })
        })
        .collect()
    }

    /// Open next-time alerts, oldest first: watched customers who just came back.
    pub async fn open_watch_alerts(&self) -> Result<Vec<WatchAlert>, StoreError> {
        sqlx::query(
            "SELECT w.id, w.case_id, c.customer_id, cu.name AS customer_name, w.transaction_id, t.kind, t.amount_minor,
                    t.currency, w.created_at
             FROM watch_alerts w JOIN cases c ON c.id = w.case_id JOIN customers cu ON cu.id = c.customer_id
             JOIN transactions t ON t.id = w.transaction_id
             WHERE w.cleared_at IS NULL ORDER BY w.created_at, w.id LIMIT 200",
        )
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|r| {
            let case_id: i64 = r.try_get("case_id")?;
            Ok(WatchAlert {
                id: r.try_get("id")?,
                case_id,
                case_reference: amends_domain::CaseReference(case_id).to_string(),
                customer_id: r.try_get("customer_id")?,
                customer_name: r.try_get("customer_name")?,
                transaction_id: r.try_get("transaction_id")?,
                transaction_kind: r.try_get("kind")?,
                amount_minor: r.try_get("amount_minor")?,
                currency: r.try_get("currency")?,
                created_at: from_millis(r.try_get("created_at")?),
            })
        })
        .collect()
    }

    pub async fn create_webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[String],
    ) -> Result<WebhookRecord, StoreError> {
        let events = serde_json::to_string(events).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let row = sqlx::query(
            "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING *",
        )
        .bind(url)
        .bind(secret)
        .bind(events)
        .bind(millis(OffsetDateTime::now_utc()))
        .fetch_one(self.write())
        .await?;
        webhook(&row)
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError> {
        sqlx::query("SELECT * FROM webhooks ORDER BY id").fetch_all(self.read()).await?.iter().map(webhook).collect()
    }

    pub async fn webhook(&self, id: i64) -> Result<WebhookRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM webhooks WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("webhook"))?;
        webhook(&row)
    }

    /// Stops a webhook; its delivery log stays.
    pub async fn deactivate_webhook(&self, id: i64) -> Result<(), StoreError> {
        let done = sqlx::query("UPDATE webhooks SET active = 0 WHERE id = $1").bind(id).execute(self.write()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook"));
        }
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn webhook_deliveries(&self, webhook_id: i64, limit: i64) -> Result<Vec<DeliveryRecord>, StoreError> {
        sqlx::query("SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(webhook_id)
            .bind(limit.clamp(1, 500))
            .fetch_all(self.read())
            .await?
            .iter()
            .map(delivery)
            .collect()
    }

    pub async fn webhook_delivery(&self, id: i64) -> Result<DeliveryRecord, StoreError> {
        let row = sqlx::query("SELECT * FROM webhook_deliveries WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("webhook delivery"))?;
        delivery(&row)
    }

    /// Records one attempt: `delivered` when the receiver answered 2xx; `gave_up`
    /// when no attempt is left.
    pub async fn record_delivery_attempt(
        &self,
        id: i64,
        response_status: Option<i64>,
        error: Option<&str>,
        delivered: bool,
        gave_up: bool,
    ) -> Result<(), StoreError> {
        let status = if delivered {
            "delivered"
        } else if gave_up {
            "failed"
        } else {
            "pending"
        };
        sqlx::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, response_status = $3, last_error = $4,
                    delivered_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(response_status)
        .bind(error)
        .bind(delivered.then(|| millis(OffsetDateTime::now_utc())))
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Follow-ups scheduled by letter that are due by `now`, still the case's latest
    /// schedule, not yet posted, and not yet answered.
    pub async fn letters_due(&self, now: OffsetDateTime) -> Result<Vec<LetterDue>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.case_id, e.data, cu.name AS customer_name FROM case_events e
             JOIN cases c ON c.id = e.case_id JOIN customers cu ON cu.id = c.customer_id
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
                });
            }
        }
        Ok(due)
    }

    /// Marks letters printed and posted; returns how many were newly marked. A letter
    /// already marked is left as it was.
    pub async fn mark_letters_posted(&self, event_ids: &[i64], by: i64) -> Result<u64, StoreError> {
        let now = millis(OffsetDateTime::now_utc());
        let mut tx = self.write().begin().await?;
        let mut marked = 0;
        for id in event_ids {
            let case_id: Option<i64> =
                sqlx::query("SELECT case_id FROM case_events WHERE id = $1 AND kind = 'follow_up_scheduled'")
                    .bind(*id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get(0))
                    .transpose()?;
            let Some(case_id) = case_id else { return Err(StoreError::NotFound("letter")) };
            let done = sqlx::query(
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
        Ok(sqlx::query("SELECT posted_at FROM letters_posted WHERE event_id = $1")
            .bind(event_id)
            .fetch_optional(self.read())
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .map(from_millis))
    }
}
