//! Message templates as edited by the installation's managers.

use sqlx::Row;

use crate::{Store, StoreError, millis};

impl Store {
    pub async fn template_override(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query("SELECT body FROM message_templates WHERE name = $1")
            .bind(name)
            .fetch_optional(self.read())
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    pub async fn save_template(&self, name: &str, body: &str, user_id: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO message_templates (name, body, updated_by, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(name)
        .bind(body)
        .bind(user_id)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Goes back to the built-in template.
    pub async fn reset_template(&self, name: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM message_templates WHERE name = $1").bind(name).execute(self.write()).await?;
        Ok(())
    }
}
