//! Saved replies: the business's snippets, kept as written (variables and all); the
//! domain checks them (`amends_domain::reply`) and the web coaches them before they
//! are saved here.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Row};
use crate::{Store, StoreError, from_millis, millis};

/// One saved reply as kept: its variables unfilled.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedReply {
    pub id: i64,
    pub name: String,
    /// As written, with its variables (`{{ customer.first_name }}`…).
    pub body: String,
    /// The reason staff gave to keep words the coach held back, if it held any.
    pub coach_override: Option<String>,
    pub updated_by: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// What a saved reply is made or changed with (checked by the domain first).
#[derive(Debug, Clone)]
pub struct ReplyDraft {
    pub name: String,
    pub body: String,
    pub coach_override: Option<String>,
}

const COLUMNS: &str = "id, name, body, coach_override, updated_by, created_at, updated_at";
const TAKEN: &str = "there is already a saved reply with this name";

fn reply(row: &Row) -> Result<SavedReply, StoreError> {
    Ok(SavedReply {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        body: row.try_get("body")?,
        coach_override: row.try_get("coach_override")?,
        updated_by: row.try_get("updated_by")?,
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
    })
}

impl Store {
    /// Every saved reply, by name.
    pub async fn saved_replies(&self) -> Result<Vec<SavedReply>, StoreError> {
        db::query(&format!("SELECT {COLUMNS} FROM saved_replies ORDER BY name, id LIMIT 500"))
            .fetch_all(self.read())
            .await?
            .iter()
            .map(reply)
            .collect()
    }

    pub async fn saved_reply(&self, id: i64) -> Result<SavedReply, StoreError> {
        let row = db::query(&format!("SELECT {COLUMNS} FROM saved_replies WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("saved reply"))?;
        reply(&row)
    }

    pub async fn create_saved_reply(&self, draft: &ReplyDraft, user_id: i64) -> Result<SavedReply, StoreError> {
        let now = millis(self.now());
        let row = db::query(&format!(
            "INSERT INTO saved_replies (name, body, coach_override, created_by, updated_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4, $5, $5) RETURNING {COLUMNS}"
        ))
        .bind(draft.name.trim().to_owned())
        .bind(draft.body.clone())
        .bind(draft.coach_override.clone())
        .bind(user_id)
        .bind(now)
        .fetch_one(self.write())
        .await
        .map_err(StoreError::unique("name", TAKEN))?;
        reply(&row)
    }

    pub async fn update_saved_reply(
        &self,
        id: i64,
        draft: &ReplyDraft,
        user_id: i64,
    ) -> Result<SavedReply, StoreError> {
        let row = db::query(&format!(
            "UPDATE saved_replies SET name = $2, body = $3, coach_override = $4, updated_by = $5, updated_at = $6
             WHERE id = $1 RETURNING {COLUMNS}"
        ))
        .bind(id)
        .bind(draft.name.trim().to_owned())
        .bind(draft.body.clone())
        .bind(draft.coach_override.clone())
        .bind(user_id)
        .bind(millis(self.now()))
        .fetch_optional(self.write())
        .await
        .map_err(StoreError::unique("name", TAKEN))?
        .ok_or(StoreError::NotFound("saved reply"))?;
        reply(&row)
    }

    pub async fn delete_saved_reply(&self, id: i64) -> Result<(), StoreError> {
        let done = db::query("DELETE FROM saved_replies WHERE id = $1").bind(id).execute(self.write()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("saved reply"));
        }
        Ok(())
    }
}
