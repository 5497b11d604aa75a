//! Presence: who else has a case open, and who is writing on it. Kept in the database
//! so that every instance behind a load balancer sees everyone.

use serde::Serialize;
use time::{Duration, OffsetDateTime};

use crate::db;
use crate::{Store, StoreError, from_millis, millis};

/// How long a heartbeat counts; pages send one every 10 seconds.
pub const PRESENCE_WINDOW: Duration = Duration::seconds(30);

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Presence {
    pub user_id: i64,
    pub name: String,
    pub writing: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub seen_at: OffsetDateTime,
}

impl Store {
    /// Records that `user_id` has the case open (and whether they are writing), and
    /// returns the others who have it open now.
    pub async fn heartbeat(&self, case_id: i64, user_id: i64, writing: bool) -> Result<Vec<Presence>, StoreError> {
        let now = self.now();
        db::query(
            "INSERT INTO presence (case_id, user_id, writing, seen_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (case_id, user_id) DO UPDATE SET writing = excluded.writing, seen_at = excluded.seen_at",
        )
        .bind(case_id)
        .bind(user_id)
        .bind(i64::from(writing))
        .bind(millis(now))
        .execute(self.write())
        .await
        .map_err(|e| match e.as_database_error() {
            Some(db) if db.is_foreign_key_violation() => StoreError::NotFound("case"),
            _ => StoreError::Database(e),
        })?;
        db::query(
            "SELECT p.user_id, u.name, p.writing, p.seen_at FROM presence p JOIN users u ON u.id = p.user_id
             WHERE p.case_id = $1 AND p.user_id <> $2 AND p.seen_at > $3 ORDER BY u.name",
        )
        .bind(case_id)
        .bind(user_id)
        .bind(millis(now - PRESENCE_WINDOW))
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|r| {
            Ok(Presence {
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                writing: r.try_get::<i64, _>("writing")? != 0,
                seen_at: from_millis(r.try_get("seen_at")?),
            })
        })
        .collect()
    }
}
