//! Gestures that wait for a manager, and the monthly budget they are judged against:
//! the hold inside the event's transaction (the rule is the domain's `needs_approval`),
//! the approvals list, a manager's decision, and what gestures cost per month.

use amends_domain::gesture::{ApprovalReason, GestureLimits, GivenSoFar, needs_approval};
use amends_domain::playbook::{Actor, EventKind};
use amends_domain::{ApprovalStatus, Role};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

use crate::cases::{append_event_in, parsed};
use crate::{Backend, Store, StoreError, from_millis, millis};

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
    pub status: ApprovalStatus,
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
        status: parsed(row, "status")?,
        decided_by: row.try_get("decided_by")?,
        reason: row.try_get("reason")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

/// What gestures cost in one month, in one currency, against the budget.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetRow {
    pub currency: String,
    pub spent_minor: i64,
    pub budget_minor: i64,
    pub left_minor: i64,
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
        if pending.status != ApprovalStatus::Pending {
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
        .bind(ApprovalStatus::decided(approve).as_str())
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
}
