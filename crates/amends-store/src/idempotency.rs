//! Idempotency keys: a write sent again with the same key gets the first answer back
//! and changes nothing.

use crate::db;
use crate::{Store, StoreError, millis};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredResponse {
    /// The first request with this key is still being answered.
    InFlight {
        request_hash: String,
    },
    Done {
        request_hash: String,
        status: u16,
        body: String,
    },
}

impl Store {
    /// Claims `key` for a new request. Returns `None` when the claim is new (go on and
    /// answer, then [`Store::finish_idempotent`]), or what the key already holds.
    pub async fn claim_idempotency_key(
        &self,
        user_id: i64,
        key: &str,
        request_hash: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        let claimed = db::query(
            "INSERT INTO idempotency_keys (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, key) DO NOTHING",
        )
        .bind(user_id)
        .bind(key)
        .bind(request_hash)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        if claimed.rows_affected() == 1 {
            return Ok(None);
        }
        let row = db::query("SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_one(self.write())
            .await?;
        let request_hash: String = row.try_get("request_hash")?;
        Ok(Some(match (row.try_get::<Option<i64>, _>("status")?, row.try_get::<Option<String>, _>("body")?) {
            (Some(status), Some(body)) => {
                StoredResponse::Done { request_hash, status: u16::try_from(status).unwrap_or(500), body }
            }
            _ => StoredResponse::InFlight { request_hash },
        }))
    }

    pub async fn finish_idempotent(&self, user_id: i64, key: &str, status: u16, body: &str) -> Result<(), StoreError> {
        db::query("UPDATE idempotency_keys SET status = $3, body = $4 WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .bind(i64::from(status))
            .bind(body)
            .execute(self.write())
            .await?;
        Ok(())
    }

    /// Frees a key whose request failed, so the client may try again with it.
    pub async fn release_idempotency_key(&self, user_id: i64, key: &str) -> Result<(), StoreError> {
        db::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND status IS NULL")
            .bind(user_id)
            .bind(key)
            .execute(self.write())
            .await?;
        Ok(())
    }
}
