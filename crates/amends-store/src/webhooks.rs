//! Outgoing webhooks: each case event (and each watched customer's return) queues one
//! delivery per webhook that wants it, a job enqueued in the event's transaction, so
//! the event and its deliveries commit together or not at all; and the delivery log.

use amends_domain::WebhookStatus;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::{EventRecord, parsed};
use crate::db::{self, Conn, Row};
use crate::jobs::{Job, enqueue_in};
use crate::{Store, StoreError, from_millis, millis};

/// Queues one delivery per active webhook that wants `event_kind`, in the caller's
/// transaction: the event and its deliveries commit together or not at all.
pub(crate) async fn webhooks_in(
    tx: &mut Conn,
    case_id: i64,
    event_id: Option<i64>,
    event_kind: &str,
    data: serde_json::Value,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let hooks = db::query("SELECT id, events FROM webhooks WHERE active = 1").fetch_all(&mut *tx).await?;
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
        let delivery: i64 = db::query(
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
        enqueue_in(&mut *tx, &Job::Webhook { delivery_id: delivery }, at, at).await?;
    }
    Ok(())
}

/// Every stored case event goes to the webhooks that want its kind.
pub(crate) async fn event_webhooks_in(tx: &mut Conn, e: &EventRecord) -> Result<(), StoreError> {
    let mut data = serde_json::to_value(&e.event.kind).map_err(|err| StoreError::Corrupt(err.to_string()))?;
    if let Some(map) = data.as_object_mut() {
        map.remove("kind");
        map.insert("actor".into(), serde_json::to_value(e.event.actor).unwrap_or_default());
    }
    webhooks_in(tx, e.case_id, Some(e.id), e.event.kind.name(), data, e.event.at).await
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

fn webhook(row: &Row) -> Result<WebhookRecord, StoreError> {
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
    pub status: WebhookStatus,
    pub attempts: i64,
    pub response_status: Option<i64>,
    pub last_error: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub delivered_at: Option<OffsetDateTime>,
}

fn delivery(row: &Row) -> Result<DeliveryRecord, StoreError> {
    Ok(DeliveryRecord {
        id: row.try_get("id")?,
        webhook_id: row.try_get("webhook_id")?,
        case_id: row.try_get("case_id")?,
        event_kind: row.try_get("event_kind")?,
        payload: row.try_get("payload")?,
        status: parsed(row, "status")?,
        attempts: row.try_get("attempts")?,
        response_status: row.try_get("response_status")?,
        last_error: row.try_get("last_error")?,
        created_at: from_millis(row.try_get("created_at")?),
        delivered_at: row.try_get::<Option<i64>, _>("delivered_at")?.map(from_millis),
    })
}

impl Store {
    pub async fn create_webhook(
        &self,
        url: &str,
        secret: &str,
        events: &[String],
    ) -> Result<WebhookRecord, StoreError> {
        let events = serde_json::to_string(events).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let row = db::query(
            "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES ($1, $2, $3, 1, $4) RETURNING *",
        )
        .bind(url)
        .bind(secret)
        .bind(events)
        .bind(millis(self.now()))
        .fetch_one(self.write())
        .await?;
        webhook(&row)
    }

    pub async fn webhooks(&self) -> Result<Vec<WebhookRecord>, StoreError> {
        db::query("SELECT * FROM webhooks ORDER BY id").fetch_all(self.read()).await?.iter().map(webhook).collect()
    }

    pub async fn webhook(&self, id: i64) -> Result<WebhookRecord, StoreError> {
        let row = db::query("SELECT * FROM webhooks WHERE id = $1")
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("webhook"))?;
        webhook(&row)
    }

    /// Stops a webhook; its delivery log stays.
    pub async fn deactivate_webhook(&self, id: i64) -> Result<(), StoreError> {
        let done = db::query("UPDATE webhooks SET active = 0 WHERE id = $1").bind(id).execute(self.write()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook"));
        }
        Ok(())
    }

    /// A webhook's deliveries, newest first.
    pub async fn webhook_deliveries(&self, webhook_id: i64, limit: i64) -> Result<Vec<DeliveryRecord>, StoreError> {
        db::query("SELECT * FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2")
            .bind(webhook_id)
            .bind(limit.clamp(1, 500))
            .fetch_all(self.read())
            .await?
            .iter()
            .map(delivery)
            .collect()
    }

    pub async fn webhook_delivery(&self, id: i64) -> Result<DeliveryRecord, StoreError> {
        let row = db::query("SELECT * FROM webhook_deliveries WHERE id = $1")
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
            WebhookStatus::Delivered
        } else if gave_up {
            WebhookStatus::Failed
        } else {
            WebhookStatus::Pending
        };
        db::query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2, response_status = $3, last_error = $4,
                    delivered_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(status.as_str())
        .bind(response_status)
        .bind(error)
        .bind(delivered.then(|| millis(self.now())))
        .execute(self.write())
        .await?;
        Ok(())
    }
}
