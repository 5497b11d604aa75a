//! The next-time watch: a watched customer's next transaction puts a note on each case
//! that watches them, an open alert in the inbox and a webhook event, in the
//! transaction that stored the transaction; staff recording how it went answer it.

use amends_domain::playbook::{Actor, EventKind};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::OffsetDateTime;

use crate::cases::append_event_in;
use crate::webhooks::webhooks_in;
use crate::{Store, StoreError, from_millis, millis};

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
        let alert = crate::alerts::StaffAlert {
            case_id,
            subject: format!("{reference}: {name} is back: give outstanding service"),
            text: format!(
                "{name}, whose complaint you worked on ({reference}), just ordered again.\n\n\
                 This is the next time: give outstanding service, then record how it went on the case."
            ),
            to: crate::alerts::AlertTo { owner: true, ..Default::default() },
        };
        crate::alerts::alert_in(&mut *tx, &alert, now).await?;
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

impl Store {
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
}
