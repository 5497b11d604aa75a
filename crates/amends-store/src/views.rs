//! Saved inbox views: a name for a set of the inbox's filters, private to its owner or
//! shared with everyone. Who may see or change one is decided by the web layer; this
//! module only stores them.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Row};
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedView {
    pub id: i64,
    pub owner_id: i64,
    pub owner_name: String,
    pub shared: bool,
    pub name: String,
    /// The inbox's query parameters (view, severity, step) as a JSON object.
    pub filters: serde_json::Map<String, serde_json::Value>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A view to store, already checked.
#[derive(Debug, Clone)]
pub struct ViewDraft {
    pub name: String,
    pub shared: bool,
    pub filters: serde_json::Map<String, serde_json::Value>,
}

const COLUMNS: &str = "v.id, v.owner_id, u.name AS owner_name, v.shared, v.name, v.filters, v.created_at, v.updated_at";

fn view(row: &Row) -> Result<SavedView, StoreError> {
    let filters: String = row.try_get("filters")?;
    Ok(SavedView {
        id: row.try_get("id")?,
        owner_id: row.try_get("owner_id")?,
        owner_name: row.try_get("owner_name")?,
        shared: row.try_get::<i64, _>("shared")? != 0,
        name: row.try_get("name")?,
        filters: serde_json::from_str(&filters).map_err(|e| StoreError::Corrupt(format!("view filters: {e}")))?,
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}

fn filters_json(d: &ViewDraft) -> Result<String, StoreError> {
    serde_json::to_string(&d.filters).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// The views `user_id` sees: their own, then everyone's shared ones, by name.
    pub async fn visible_views(&self, user_id: i64) -> Result<Vec<SavedView>, StoreError> {
        db::query(&format!(
            "SELECT {COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id
             WHERE v.owner_id = $1 OR v.shared = 1 ORDER BY v.shared, v.name, v.id LIMIT 200"
        ))
        .bind(user_id)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(view)
        .collect()
    }

    pub async fn saved_view(&self, id: i64) -> Result<SavedView, StoreError> {
        let row = db::query(&format!(
            "SELECT {COLUMNS} FROM saved_views v JOIN users u ON u.id = v.owner_id WHERE v.id = $1"
        ))
        .bind(id)
        .fetch_optional(self.read())
        .await?
        .ok_or(StoreError::NotFound("view"))?;
        view(&row)
    }

    pub async fn create_view(&self, owner_id: i64, d: &ViewDraft) -> Result<SavedView, StoreError> {
        let now = millis(self.now());
        let id: i64 = db::query(
            "INSERT INTO saved_views (owner_id, shared, name, filters, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
        )
        .bind(owner_id)
        .bind(i64::from(d.shared))
        .bind(d.name.clone())
        .bind(filters_json(d)?)
        .bind(now)
        .fetch_one(self.write())
        .await?
        .try_get(0)?;
        self.saved_view(id).await
    }

    pub async fn update_view(&self, id: i64, d: &ViewDraft) -> Result<SavedView, StoreError> {
        let done =
            db::query("UPDATE saved_views SET name = $2, shared = $3, filters = $4, updated_at = $5 WHERE id = $1")
                .bind(id)
                .bind(d.name.clone())
                .bind(i64::from(d.shared))
                .bind(filters_json(d)?)
                .bind(millis(self.now()))
                .execute(self.write())
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("view"));
        }
        self.saved_view(id).await
    }

    pub async fn delete_view(&self, id: i64) -> Result<(), StoreError> {
        let done = db::query("DELETE FROM saved_views WHERE id = $1").bind(id).execute(self.write()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("view"));
        }
        Ok(())
    }
}
