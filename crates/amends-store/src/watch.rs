//! The next-time watch: a watched customer's next transaction puts a note on each case
//! that watches them, an open alert in the inbox and a webhook event, in the
//! transaction that stored the transaction; staff recording how it went answer it.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn};
use crate::{Store, StoreError, from_millis};

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
    /// What was promised for this next time (a discount, a gift "for your next
    /// visit"), to honour; recording how it went closes it.
    pub promised: Vec<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What is promised for a case's next time and not yet honoured.
pub(crate) async fn promised_in(conn: &mut Conn, case_id: i64) -> Result<Vec<String>, StoreError> {
    let events: Vec<amends_domain::playbook::Event> =
        crate::cases::case_events(conn, case_id).await?.into_iter().map(|e| e.event).collect();
    Ok(amends_domain::gesture::open_next_time_promises(&events))
}

/// Staff recorded how the next time went, or closed the case: the alert is answered.
pub(crate) async fn clear_watch_alerts_in(tx: &mut Conn, case_id: i64, at: i64) -> Result<(), StoreError> {
    db::query("UPDATE watch_alerts SET cleared_at = $2 WHERE case_id = $1 AND cleared_at IS NULL")
        .bind(case_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

impl Store {
    /// Open next-time alerts, oldest first: watched customers who just came back.
    pub async fn open_watch_alerts(&self) -> Result<Vec<WatchAlert>, StoreError> {
        let mut alerts = self.open_watch_alert_rows().await?;
        let mut conn = self.read().acquire().await?;
        for alert in &mut alerts {
            alert.promised = promised_in(&mut conn, alert.case_id).await?;
        }
        Ok(alerts)
    }

    async fn open_watch_alert_rows(&self) -> Result<Vec<WatchAlert>, StoreError> {
        db::query(
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
                promised: Vec::new(),
                created_at: from_millis(r.try_get("created_at")?),
            })
        })
        .collect()
    }
}

/// The customer is watched for their next order (a case reached its watch step).
pub(crate) async fn set_watch_in(conn: &mut Conn, customer_id: i64, at: i64) -> Result<(), StoreError> {
    db::query("UPDATE customers SET watch = 1, updated_at = $2 WHERE id = $1")
        .bind(customer_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A case of theirs closed: the customer leaves the watch list unless another of their
/// cases still watches them.
pub(crate) async fn end_watch_in(
    conn: &mut Conn,
    customer_id: i64,
    closed_case: i64,
    at: i64,
) -> Result<(), StoreError> {
    db::query(
        "UPDATE customers SET watch = 0, updated_at = $2 WHERE id = $1 AND NOT EXISTS (
                SELECT 1 FROM cases WHERE customer_id = $1 AND id <> $3 AND status = 'watching')",
    )
    .bind(customer_id)
    .bind(at)
    .bind(closed_case)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
