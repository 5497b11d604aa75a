//! Promised fixes: the broken promises the reports count. (The reminder a day before
//! and the check when due are the domain's effects of the promise, queued by `step`.)

use serde::Serialize;
use time::OffsetDateTime;

use crate::db;
use crate::{Store, StoreError, from_millis, millis};

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

impl Store {
    /// Records that the promise made by `event_id` was broken; false when it already was.
    pub async fn record_broken_promise(
        &self,
        case_id: i64,
        event_id: i64,
        due: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = db::query(
            "INSERT INTO broken_promises (event_id, case_id, due_at, noted_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(case_id)
        .bind(millis(due))
        .bind(millis(self.now()))
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
        db::query(
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
}
