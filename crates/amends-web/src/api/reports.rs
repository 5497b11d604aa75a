//! The owner's report over a date range, as JSON.

use amends_store::Report;
use axum::extract::State;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::Manager;
use crate::error::{ApiError, ApiResult};
use crate::json::Params;

#[derive(Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub from: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub to: Option<OffsetDateTime>,
}

impl RangeQuery {
    /// `[from, to)`, by default the 30 days up to `now`.
    pub fn range(&self, now: OffsetDateTime) -> Result<(OffsetDateTime, OffsetDateTime), ApiError> {
        let to = self.to.unwrap_or(now);
        let from = self.from.unwrap_or(to - time::Duration::days(30));
        if from >= to {
            return Err(ApiError::invalid("from", "from comes before to"));
        }
        if to - from > time::Duration::days(3660) {
            return Err(ApiError::invalid("from", "a report covers at most ten years"));
        }
        Ok((from, to))
    }
}

#[utoipa::path(
    get, path = "/reports", tag = "recovery", operation_id = "getReport",
    summary = r#"The owner's report over a date range (managers)"#,
    description = r#"Over cases opened in `[from, to)`: recovery rate (retained / (retained + lost)), beside it the win-back rate (`won_back` / `lost_told`: lost customers told what changed once their problem was fixed, and of them those whose next order came after it), the walking testimonials given in the range (`testimonials`, `would_recommend`; their words: `GET /api/v1/testimonials`), satisfaction after follow-up, average hours to acknowledge (first restatement or apology), to fix and to follow up, playbook steps done per case, broken promises, gesture cost against the lifetime value of retained customers (per currency), return rate of complaining customers (an order or visit after their first complaint) against customers who never complained (an order or visit in the range), repeat complainers, and root causes by frequency with the cumulative share (Pareto). The staff page `/reports` draws it and exports each table as CSV."#,
    params(
        ("from" = Option<time::OffsetDateTime>, Query, description = r#"RFC 3339; default 30 days before `to`."#),
        ("to" = Option<time::OffsetDateTime>, Query, description = r#"RFC 3339, exclusive; default now."#),
    ),
    responses(
        (status = 200, description = r#"The report."#, body = Report),
        (status = 403, description = r#"`forbidden`: for managers and admins."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: from is not before to, or the range is over ten years."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn report(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<RangeQuery>,
) -> ApiResult<axum::Json<Report>> {
    let (from, to) = q.range(state.store.now())?;
    Ok(axum::Json(state.store.report(from, to).await?))
}
