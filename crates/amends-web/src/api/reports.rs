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

pub async fn report(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<RangeQuery>,
) -> ApiResult<axum::Json<Report>> {
    let (from, to) = q.range(state.store.now())?;
    Ok(axum::Json(state.store.report(from, to).await?))
}
