//! Message templates as edited by the installation's managers.

use serde::Serialize;

use crate::db;
use crate::{Store, StoreError, millis};

/// A template saved over the coach's findings: what it held and the manager's reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TemplateOverride {
    /// The kinds of finding that held it (`blame`, `policy`…).
    pub kinds: Vec<String>,
    pub reason: String,
}

impl Store {
    /// The installation's edit of template `name` in `language` (a tag such as "de").
    pub async fn template_override(&self, name: &str, language: &str) -> Result<Option<String>, StoreError> {
        Ok(db::query("SELECT body FROM message_templates WHERE name = $1 AND language = $2")
            .bind(name)
            .bind(language)
            .fetch_optional(self.read())
            .await?
            .map(|r| r.try_get(0))
            .transpose()?)
    }

    /// Why the edited template was saved over the coach's findings, if it was.
    pub async fn template_coach_override(
        &self,
        name: &str,
        language: &str,
    ) -> Result<Option<TemplateOverride>, StoreError> {
        let row =
            db::query("SELECT coach_held, coach_override FROM message_templates WHERE name = $1 AND language = $2")
                .bind(name)
                .bind(language)
                .fetch_optional(self.read())
                .await?;
        let Some(row) = row else { return Ok(None) };
        let held: Option<String> = row.try_get(0)?;
        let reason: Option<String> = row.try_get(1)?;
        Ok(held.zip(reason).map(|(held, reason)| TemplateOverride {
            kinds: held.split(',').filter(|k| !k.is_empty()).map(str::to_owned).collect(),
            reason,
        }))
    }

    /// Saves a checked template; `coach_override` when the coach held its words and the
    /// manager gave a reason (kept beside it; a later save without one clears it).
    pub async fn save_template(
        &self,
        name: &str,
        language: &str,
        body: &str,
        user_id: i64,
        coach_override: Option<&TemplateOverride>,
    ) -> Result<(), StoreError> {
        db::query(
            "INSERT INTO message_templates (name, language, body, updated_by, updated_at, coach_held, coach_override)
             VALUES ($1, $7, $2, $3, $4, $5, $6)
             ON CONFLICT (name, language) DO UPDATE SET body = excluded.body, updated_by = excluded.updated_by,
               updated_at = excluded.updated_at, coach_held = excluded.coach_held,
               coach_override = excluded.coach_override",
        )
        .bind(name)
        .bind(body)
        .bind(user_id)
        .bind(millis(self.now()))
        .bind(coach_override.map(|o| o.kinds.join(",")))
        .bind(coach_override.map(|o| o.reason.clone()))
        .bind(language)
        .execute(self.write())
        .await?;
        Ok(())
    }

    /// Goes back to the built-in template in `language`.
    pub async fn reset_template(&self, name: &str, language: &str) -> Result<(), StoreError> {
        db::query("DELETE FROM message_templates WHERE name = $1 AND language = $2")
            .bind(name)
            .bind(language)
            .execute(self.write())
            .await?;
        Ok(())
    }
}
