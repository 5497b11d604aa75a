//! Proving it afterwards: next-time alerts, the letters' print run, outgoing webhooks.

use amends_store::{ApprovalRecord, BrokenPromise, DeliveryRecord, LetterDue, WatchAlert, WebhookRecord};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::{Admin, Agent, Manager};
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

#[utoipa::path(
    get, path = "/watch-alerts", tag = "recovery", operation_id = "listWatchAlerts",
    summary = r#"Watched customers who just came back"#,
    description = r#"A transaction for a customer on the watch list puts a system note on each of their watching cases and opens an alert here, until staff record the next time (`POST /cases/{id}/next-time`) or the outcome."#,
    responses(
        (status = 200, description = r#"Open alerts, oldest first."#, body = Page<WatchAlert>),
    ),
)]
/// Watched customers who just came back, oldest alert first.
pub async fn watch_alerts(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<Page<WatchAlert>>> {
    Ok(axum::Json(Page { items: state.store.open_watch_alerts().await?, next_cursor: None }))
}

#[utoipa::path(
    get, path = "/letters", tag = "recovery", operation_id = "listLettersDue",
    summary = r#"Letters due for the print run"#,
    description = r#"Follow-ups scheduled by letter that are due, not yet posted and not yet answered. The staff pages `/letters`, `/letters/batch.pdf` and `/cases/{id}/letter.pdf` print them."#,
    responses(
        (status = 200, description = r#"Letters due."#, body = Page<LetterDue>),
    ),
)]
/// Letters due for the print run.
pub async fn letters_due(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<Page<LetterDue>>> {
    Ok(axum::Json(Page { items: state.store.letters_due(state.store.now()).await?, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Posted {
    /// The follow-up events whose letters were printed and posted.
    letters: Vec<i64>,
}

#[utoipa::path(
    post, path = "/letters/posted", tag = "recovery", operation_id = "markLettersPosted",
    summary = r#"Mark letters printed and posted"#,
    request_body(content = Posted),
    responses(
        (status = 200, description = r#"How many were newly marked."#, body = LettersPosted),
        (status = 404, description = r#"`not_found`: no such letter."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: no letters named."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn letters_posted(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<Posted>,
) -> ApiResult<impl IntoResponse> {
    if body.letters.is_empty() || body.letters.len() > 500 {
        return Err(ApiError::invalid("letters", "name 1 to 500 letters"));
    }
    let marked = state.store.mark_letters_posted(&body.letters, user.id).await?;
    Ok(axum::Json(LettersPosted { marked }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LettersPosted {
    /// How many letters were marked posted (a letter already marked is not counted).
    marked: u64,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    url: String,
    secret: String,
    /// Event kinds to send (`opened`, `apologised`, `next_order_arrived`, ...); empty
    /// or absent: every kind.
    #[serde(default)]
    events: Vec<String>,
}

#[utoipa::path(
    post, path = "/webhooks", tag = "recovery", operation_id = "createWebhook",
    summary = r#"Subscribe a URL to case events (admins)"#,
    description = r#"Every case event of the chosen kinds (all when `events` is empty) is POSTed as JSON `{event, case_id, case_reference, event_id, at, data}` with the header `X-Amends-Signature: sha256=<hex HMAC-SHA256 of the body under the secret>`, plus `X-Amends-Event` and `X-Amends-Delivery`. A delivery that does not get a 2xx is retried with backoff. The event `next_order_arrived` tells that a watched customer came back."#,
    request_body(content = NewWebhook),
    responses(
        (status = 201, description = r#"The subscription (the secret is never shown back)."#, body = WebhookRecord),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a bad URL, secret or event list."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/webhooks", tag = "recovery", operation_id = "listWebhooks",
    summary = r#"Webhook subscriptions (admins)"#,
    responses(
        (status = 200, description = r#"Subscriptions."#, body = Page<WebhookRecord>),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list_webhooks(State(state): State<AppState>, _: Admin) -> ApiResult<axum::Json<Page<WebhookRecord>>> {
    Ok(axum::Json(Page { items: state.store.webhooks().await?, next_cursor: None }))
}

#[utoipa::path(
    delete, path = "/webhooks/{id}", tag = "recovery", operation_id = "deleteWebhook",
    summary = r#"Turn a webhook off (its delivery log stays)"#,
    params(
        ("id" = i64, Path, description = r#"The webhook's id."#, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Turned off."#),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such webhook."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/webhooks/{id}/deliveries", tag = "recovery", operation_id = "listWebhookDeliveries",
    summary = r#"A webhook's delivery log, newest first"#,
    params(
        ("id" = i64, Path, description = r#"The webhook's id."#, minimum = 1),
        ("limit" = Option<i64>, Query, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"Deliveries: status pending, delivered or failed, attempts, the last response status and error."#, body = Page<DeliveryRecord>),
        (status = 403, description = r#"`forbidden`: for admins."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such webhook."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
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

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct BrokenPromises {
    count: usize,
    items: Vec<BrokenPromise>,
}

#[utoipa::path(
    get, path = "/promises/broken", tag = "recovery", operation_id = "listBrokenPromises",
    summary = r#"Broken promises"#,
    description = r#"A promised fix (`POST /cases/{id}/fix/promise`) puts a reminder note on the case a day before it is due and, when it is due and not done, a note that it is broken; each broken promise is counted here."#,
    params(
        ("from" = Option<time::OffsetDateTime>, Query, description = r#"RFC 3339; default 90 days before `to`."#),
        ("to" = Option<time::OffsetDateTime>, Query, description = r#"RFC 3339, exclusive; default now."#),
    ),
    responses(
        (status = 200, description = r#"The count and the promises, newest due first."#, body = BrokenPromises),
        (status = 422, description = r#"`invalid`: from is not before to."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/cases/{id}/gesture/suggestion", tag = "recovery", operation_id = "suggestGesture",
    summary = r#"The suggested size of a gesture for a case"#,
    description = r#"A base by severity (low 5.00, normal 10.00, high 25.00, critical 50.00) plus up to 3 % of the customer's lifetime value weighted by severity, half as much again for a repeat complaint within 90 days, capped at 250.00 and rounded down to whole units. With the catalogue of gesture kinds and their default values."#,
    params(
        ("id" = i64, Path, description = r#"The case's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The suggestion."#, body = GestureSuggestion),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
    ),
)]
/// The suggested size of a gesture for a case, weighing the customer's lifetime value,
/// the case's severity and their recent complaints; with the catalogue's defaults.
pub async fn gesture_suggestion(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<GestureSuggestion>> {
    let case = state.store.case(id_from(&id, "case")?).await?;
    let customer = state.store.customer(case.customer_id).await?;
    Ok(axum::Json(suggestion_for(&state, &case, &customer).await?))
}

/// The suggested gesture for a case, as the API answers it and the case page shows it.
pub(crate) async fn suggestion_for(
    state: &AppState,
    case: &amends_store::CaseRecord,
    customer: &amends_store::CustomerRecord,
) -> Result<GestureSuggestion, amends_store::StoreError> {
    use amends_domain::gesture::{CATALOGUE, GestureContext, suggested_gesture_minor};
    let best = customer.lifetime_value.iter().max_by_key(|v| v.amount_minor);
    let since = state.store.now() - time::Duration::days(90);
    let filter = amends_store::CaseFilter { customer_id: Some(customer.id), limit: 200, ..Default::default() };
    let (cases, _) = state.store.list_cases(&filter).await?;
    let recent_complaints = cases.iter().filter(|c| c.created_at >= since).count() as i64;
    let severity = case.severity;
    let ctx =
        GestureContext { severity, lifetime_value_minor: best.map(|v| v.amount_minor).unwrap_or(0), recent_complaints };
    let catalogue = CATALOGUE
        .iter()
        .map(|(gesture, title, default_minor)| CatalogueGesture { gesture, title, default_minor: *default_minor })
        .collect();
    Ok(GestureSuggestion {
        suggested_minor: suggested_gesture_minor(ctx),
        currency: best.map(|v| v.currency.clone()),
        lifetime_value_minor: ctx.lifetime_value_minor,
        severity: case.severity,
        recent_complaints,
        catalogue,
    })
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GestureSuggestion {
    /// The suggested size, in minor units of `currency`.
    pub(crate) suggested_minor: i64,
    /// The currency of the customer's largest lifetime value; null when they have none.
    currency: Option<String>,
    lifetime_value_minor: i64,
    severity: amends_domain::Severity,
    /// The customer's cases opened in the last 90 days.
    recent_complaints: i64,
    catalogue: Vec<CatalogueGesture>,
}

/// A kind of gesture and its default size.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CatalogueGesture {
    gesture: &'static str,
    title: &'static str,
    default_minor: i64,
}

#[utoipa::path(
    get, path = "/approvals", tag = "recovery", operation_id = "listApprovals",
    summary = r#"Gestures waiting for a manager"#,
    description = r#"An agent's gesture (`POST /cases/{id}/gesture`) that would take the case's gestures above the agent limit, the agent's month above the agent's monthly limit, or the month past the budget is not recorded: it answers 202 `approval_needed` with `approval_id` and waits here."#,
    responses(
        (status = 200, description = r#"Pending approvals, oldest first."#, body = Page<ApprovalRecord>),
        (status = 403, description = r#"`forbidden`: for managers and admins."#, body = crate::error::ErrorBody),
    ),
)]
/// Gestures waiting for a manager, oldest first.
pub async fn approvals(State(state): State<AppState>, _: Manager) -> ApiResult<axum::Json<Page<ApprovalRecord>>> {
    Ok(axum::Json(Page { items: state.store.pending_approvals().await?, next_cursor: None }))
}

#[utoipa::path(
    post, path = "/approvals/{id}/approve", tag = "recovery", operation_id = "approveGesture",
    summary = r#"Approve a gesture: it is recorded on the case"#,
    params(
        ("id" = i64, Path, description = r#"The approval's id."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The decided approval."#, body = ApprovalRecord),
        (status = 403, description = r#"`forbidden`: for managers and admins."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such approval."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: already decided, or `step_refused`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn approve(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ApprovalRecord>> {
    Ok(axum::Json(state.store.decide_approval(id_from(&id, "approval")?, user.id, true, "").await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    reason: String,
}

#[utoipa::path(
    post, path = "/approvals/{id}/decline", tag = "recovery", operation_id = "declineGesture",
    summary = r#"Decline a gesture, saying why (a note on the case)"#,
    params(
        ("id" = i64, Path, description = r#"The approval's id."#, minimum = 1),
    ),
    request_body(content = Decline),
    responses(
        (status = 200, description = r#"The decided approval."#, body = ApprovalRecord),
        (status = 403, description = r#"`forbidden`: for managers and admins."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such approval."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: already decided."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: no reason."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
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

#[utoipa::path(
    get, path = "/gestures/budget", tag = "recovery", operation_id = "gestureBudget",
    summary = r#"What gestures cost in a month against the budget"#,
    params(
        ("month" = Option<String>, Query, description = r#"`YYYY-MM`; this month when absent."#),
    ),
    responses(
        (status = 200, description = r#"Spending per currency."#, body = Budget),
        (status = 403, description = r#"`forbidden`: for managers and admins."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a bad month."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
/// What gestures cost this month (or `month`), per currency, against the budget.
pub async fn budget(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<MonthQuery>,
) -> ApiResult<axum::Json<Budget>> {
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
    Ok(axum::Json(Budget {
        month: format!("{year:04}-{:02}", u8::from(month)),
        budget_minor: state.store.settings().gesture_monthly_budget_minor,
        agent_limit_minor: state.store.settings().gesture_agent_limit_minor,
        agent_monthly_limit_minor: state.store.settings().gesture_agent_monthly_limit_minor,
        items,
    }))
}

/// A month's gestures against the budget and the agents' limits.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Budget {
    /// `YYYY-MM`.
    month: String,
    budget_minor: i64,
    /// The most an agent's gestures on one case may cost without a manager.
    agent_limit_minor: i64,
    /// The most an agent's gestures in a month may cost without a manager.
    agent_monthly_limit_minor: i64,
    /// What was spent, per currency.
    items: Vec<amends_store::BudgetRow>,
}
