//! Gestures that wait for a manager, and the monthly budget they are judged against:
//! the pending approval a held gesture becomes (the rule is the domain's, weighed in
//! `step`),
//! the approvals list, a manager's decision, and what gestures cost per month.

use amends_domain::ApprovalStatus;
use amends_domain::gesture::GivenSoFar;
use amends_domain::playbook::EventKind;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn, Row};
use crate::{Store, StoreError, from_millis, millis};

/// What was given before a gesture, in its currency: on the case, by the giver since
/// `month` began, and by everyone since then.
pub(crate) async fn given_so_far_in(
    tx: &mut Conn,
    case_id: i64,
    user_id: i64,
    currency: &str,
    month: OffsetDateTime,
) -> Result<GivenSoFar, StoreError> {
    let rows = db::query(
        "SELECT case_id, actor_user_id, at, data FROM case_events
         WHERE kind IN ('gesture_recorded', 'improvement_told') AND (case_id = $1 OR at >= $2)",
    )
    .bind(case_id)
    .bind(millis(month))
    .fetch_all(&mut *tx)
    .await?;
    let mut given = GivenSoFar::default();
    for row in rows {
        let data: String = row.try_get("data")?;
        let Ok(kind) = serde_json::from_str::<EventKind>(&data) else { continue };
        let Some((cost_minor, c)) = kind.gesture_cost() else { continue };
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

pub(crate) fn approval(row: &Row) -> Result<ApprovalRecord, StoreError> {
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

/// Keeps a gesture the domain held for a manager as a pending approval; the same
/// request sent again (a form sent twice) is the approval already waiting.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn request_approval_in(
    tx: &mut Conn,
    case_id: i64,
    user_id: i64,
    gesture: &str,
    description: &str,
    cost_minor: i64,
    currency: &str,
    at: OffsetDateTime,
) -> Result<i64, StoreError> {
    // The request's columns, in the order both statements below take them.
    let request = |sql| {
        db::query(sql)
            .bind(case_id)
            .bind(user_id)
            .bind(gesture.to_owned())
            .bind(description.to_owned())
            .bind(cost_minor)
            .bind(currency.to_owned())
    };
    let inserted = request(
        "INSERT INTO gesture_approvals (case_id, requested_by, gesture, description, cost_minor, currency, status, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) ON CONFLICT DO NOTHING RETURNING id",
    )
    .bind(millis(at))
    .fetch_optional(&mut *tx)
    .await?;
    let row = match inserted {
        Some(row) => row,
        None => {
            request(
                "SELECT id FROM gesture_approvals WHERE status = 'pending' AND case_id = $1 AND requested_by = $2
                   AND gesture = $3 AND description = $4 AND cost_minor = $5 AND currency = $6",
            )
            .fetch_one(&mut *tx)
            .await?
        }
    };
    Ok(row.try_get(0)?)
}

impl Store {
    pub async fn approval(&self, id: i64) -> Result<ApprovalRecord, StoreError> {
        let row = db::query("SELECT * FROM gesture_approvals WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("approval"))?;
        approval(&row)
    }

    /// Gestures waiting for a manager, oldest first.
    pub async fn pending_approvals(&self) -> Result<Vec<ApprovalRecord>, StoreError> {
        db::query("SELECT * FROM gesture_approvals WHERE status = 'pending' ORDER BY created_at, id LIMIT 500")
            .fetch_all(self.read())
            .await?
            .iter()
            .map(approval)
            .collect()
    }

    /// What gestures cost in `[from, to)` per currency, against the monthly budget.
    pub async fn gesture_spending(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<BudgetRow>, StoreError> {
        let rows = db::query("SELECT data FROM case_events WHERE kind IN ('gesture_recorded', 'improvement_told') AND at >= $1 AND at < $2")
            .bind(millis(from))
            .bind(millis(to))
            .fetch_all(self.read())
            .await?;
        let mut spent: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for row in rows {
            let data: String = row.try_get("data")?;
            if let Ok(kind) = serde_json::from_str::<EventKind>(&data)
                && let Some((cost_minor, currency)) = kind.gesture_cost()
            {
                *spent.entry(currency.to_owned()).or_default() += cost_minor;
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
