//! Proving it afterwards: next-time alerts, the letters' print run, outgoing webhooks.

use amends_store::{ApprovalRecord, BrokenPromise, DeliveryRecord, LetterDue, WatchAlert, WebhookRecord};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::{Admin, Agent, Manager};
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

/// Watched customers who just came back, oldest alert first.
pub async fn watch_alerts(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<Page<WatchAlert>>> {
    Ok(axum::Json(Page { items: state.store.open_watch_alerts().await?, next_cursor: None }))
}

/// Letters due for the print run.
pub async fn letters_due(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<Page<LetterDue>>> {
    Ok(axum::Json(Page { items: state.store.letters_due(state.store.now()).await?, next_cursor: None }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Posted {
    /// The follow-up events whose letters were printed and posted.
    letters: Vec<i64>,
}

pub async fn letters_posted(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<Posted>,
) -> ApiResult<impl IntoResponse> {
    if body.letters.is_empty() || body.letters.len() > 500 {
        return Err(ApiError::invalid("letters", "name 1 to 500 letters"));
    }
    let marked = state.store.mark_letters_posted(&body.letters, user.id).await?;
    Ok(axum::Json(serde_json::json!({ "marked": marked })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    url: String,
    secret: String,
    /// Event kinds to send (`opened`, `apologised`, `next_order_arrived`, ...); empty
    /// or absent: every kind.
    #[serde(default)]
    events: Vec<String>,
}

pub async fn create_webhook(
    State(state): State<AppState>,
    _: Admin,
    JsonBody(body): JsonBody<NewWebhook>,
) -> ApiResult<impl IntoResponse> {
    let url = body.url.trim();
    if !(url.starts_with("http://") || url.starts_with("https://"))
        || url.len() > 2000
        || url.contains(char::is_whitespace)
    {
        return Err(ApiError::invalid("url", "a webhook URL starts with http:// or https://"));
    }
    if body.secret.chars().count() < 16 || body.secret.len() > 500 {
        return Err(ApiError::invalid("secret", "a webhook secret has at least 16 characters"));
    }
    if body.events.len() > 50 || body.events.iter().any(|e| e.is_empty() || e.len() > 60) {
        return Err(ApiError::invalid("events", "name up to 50 event kinds"));
    }
    Ok(created(state.store.create_webhook(url, &body.secret, &body.events).await?))
}

pub async fn list_webhooks(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<WebhookRecord>>> {
    Ok(axum::Json(Page { items: state.store.webhooks().await?, next_cursor: None }))
}

pub async fn delete_webhook(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
) -> ApiResult<impl IntoResponse> {
    state.store.deactivate_webhook(id_from(&id, "webhook")?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct DeliveriesQuery {
    limit: Option<i64>,
}

/// The delivery log of one webhook, newest first.
pub async fn deliveries(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<String>,
    Params(q): Params<DeliveriesQuery>,
) -> ApiResult<axum::Json<Page<DeliveryRecord>>> {
    let hook = state.store.webhook(id_from(&id, "webhook")?).await?;
    Ok(axum::Json(Page {
        items: state.store.webhook_deliveries(hook.id, page_size(q.limit)?).await?,
        next_cursor: None,
    }))
}

#[derive(Deserialize)]
pub struct RangeQuery {
    #[serde(default, with = "time::serde::rfc3339::option")]
    from: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    to: Option<OffsetDateTime>,
}

#[derive(serde::Serialize)]
pub struct BrokenPromises {
    count: usize,
    items: Vec<BrokenPromise>,
}

/// Promises to customers not kept by their date, by due date in `[from, to)`
/// (default: the last 90 days up to now).
pub async fn broken_promises(
    State(state): State<AppState>,
    _: Agent,
    Params(q): Params<RangeQuery>,
) -> ApiResult<axum::Json<BrokenPromises>> {
    let to = q.to.unwrap_or_else(|| state.store.now());
    let from = q.from.unwrap_or(to - time::Duration::days(90));
    if from >= to {
        return Err(ApiError::invalid("from", "from comes before to"));
    }
    let items = state.store.broken_promises(from, to).await?;
    Ok(axum::Json(BrokenPromises { count: items.len(), items }))
}

/// The suggested size of a gesture for a case, weighing the customer's lifetime value,
/// the case's severity and their recent complaints; with the catalogue's defaults.
pub async fn gesture_suggestion(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    use amends_domain::gesture::{CATALOGUE, GestureContext, suggested_gesture_minor};
    let case = state.store.case(id_from(&id, "case")?).await?;
    let customer = state.store.customer(case.customer_id).await?;
    let best = customer.lifetime_value.iter().max_by_key(|v| v.amount_minor);
    let since = state.store.now() - time::Duration::days(90);
    let filter = amends_store::CaseFilter { customer_id: Some(customer.id), limit: 200, ..Default::default() };
    let (cases, _) = state.store.list_cases(&filter).await?;
    let recent_complaints = cases.iter().filter(|c| c.created_at >= since).count() as i64;
    let severity = case.severity;
    let ctx =
        GestureContext { severity, lifetime_value_minor: best.map(|v| v.amount_minor).unwrap_or(0), recent_complaints };
    let catalogue: Vec<serde_json::Value> = CATALOGUE
        .iter()
        .map(|(kind, title, default_minor)| serde_json::json!({ "gesture": kind, "title": title, "default_minor": default_minor }))
        .collect();
    Ok(axum::Json(serde_json::json!({
        "suggested_minor": suggested_gesture_minor(ctx),
        "currency": best.map(|v| v.currency.clone()),
        "lifetime_value_minor": ctx.lifetime_value_minor,
        "severity": case.severity,
        "recent_complaints": recent_complaints,
        "catalogue": catalogue,
    })))
}

/// Gestures waiting for a manager, oldest first.
pub async fn approvals(State(state): State<AppState>, _: Manager) -> ApiResult<axum::Json<Page<ApprovalRecord>>> {
    Ok(axum::Json(Page { items: state.store.pending_approvals().await?, next_cursor: None }))
}

pub async fn approve(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ApprovalRecord>> {
    Ok(axum::Json(state.store.decide_approval(id_from(&id, "approval")?, user.id, true, "").await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    reason: String,
}

pub async fn decline(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<Decline>,
) -> ApiResult<axum::Json<ApprovalRecord>> {
    let reason = body.reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(ApiError::invalid("reason", "say why, in up to 2000 characters"));
    }
    Ok(axum::Json(state.store.decide_approval(id_from(&id, "approval")?, user.id, false, reason).await?))
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; this month when absent.
    month: Option<String>,
}

/// What gestures cost this month (or `month`), per currency, against the budget.
pub async fn budget(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<MonthQuery>,
) -> ApiResult<axum::Json<serde_json::Value>> {
    let bad = || ApiError::invalid("month", "a month is written YYYY-MM");
    let now = state.store.now();
    let (year, month) = match q.month.as_deref() {
        None => (now.year(), now.month()),
        Some(m) => {
            let (y, mo) = m.split_once('-').ok_or_else(bad)?;
            let mo: u8 = mo.parse().map_err(|_| bad())?;
            (y.parse().map_err(|_| bad())?, time::Month::try_from(mo).map_err(|_| bad())?)
        }
    };
    let start = time::Date::from_calendar_date(year, month, 1).map_err(|_| bad())?;
    let (next_year, next_month) =
        if month == time::Month::December { (year + 1, time::Month::January) } else { (year, month.next()) };
    let end = time::Date::from_calendar_date(next_year, next_month, 1).map_err(|_| bad())?;
    let items = state.store.gesture_spending(start.midnight().assume_utc(), end.midnight().assume_utc()).await?;
    Ok(axum::Json(serde_json::json!({
        "month": format!("{year:04}-{:02}", u8::from(month)),
        "budget_minor": state.store.settings().gesture_monthly_budget_minor,
        "agent_limit_minor": state.store.settings().gesture_agent_limit_minor,
        "agent_monthly_limit_minor": state.store.settings().gesture_agent_monthly_limit_minor,
        "items": items,
    })))
}
