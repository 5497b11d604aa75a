//! Personal links: single-purpose, expiring, revocable. The token (256 random bits) is
//! put in the customer's message; only its hash is stored.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
pub struct LinkRecord {
    pub id: i64,
    pub case_id: i64,
    pub purpose: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

fn link(row: &AnyRow) -> Result<LinkRecord, StoreError> {
    Ok(LinkRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        purpose: row.try_get("purpose")?,
        expires_at: from_millis(row.try_get("expires_at")?),
        used_at: row.try_get::<Option<i64>, _>("used_at")?.map(from_millis),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis),
    })
}

impl Store {
    /// Stores a new link, revoking the case's earlier links of the same purpose: only
    /// the newest restatement or offer may be answered.
    pub async fn create_link(
        &self,
        case_id: i64,
        purpose: &str,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let now = millis(OffsetDateTime::now_utc());
        let mut tx = self.write().begin().await?;
        sqlx::query(
            "UPDATE customer_links SET revoked_at = $3 WHERE case_id = $1 AND purpose = $2 AND revoked_at IS NULL",
        )
        .bind(case_id)
        .bind(purpose)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let id: i64 = sqlx::query(
            "INSERT INTO customer_links (token_hash, case_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(token_hash)
        .bind(case_id)
        .bind(purpose)
        .bind(now)
        .bind(millis(expires_at))
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn link_by_token_hash(&self, token_hash: &str) -> Result<Option<LinkRecord>, StoreError> {
        sqlx::query("SELECT * FROM customer_links WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(self.read())
            .await?
            .as_ref()
            .map(link)
            .transpose()
    }

    pub async fn mark_link_used(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE customer_links SET used_at = COALESCE(used_at, $2) WHERE id = $1")
            .bind(id)
            .bind(millis(OffsetDateTime::now_utc()))
            .execute(self.write())
            .await?;
        Ok(())
    }

    pub async fn revoke_case_links(&self, case_id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE customer_links SET revoked_at = $2 WHERE case_id = $1 AND revoked_at IS NULL")
            .bind(case_id)
            .bind(millis(OffsetDateTime::now_utc()))
            .execute(self.write())
            .await?;
        Ok(())
    }
}
