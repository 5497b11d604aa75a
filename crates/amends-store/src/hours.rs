//! Business hours as the admin set them, with the escalation ladder in force.
//!
//! The hours are read inside each event's transaction, so the derived `next_due_at`
//! always counts the hours in force when the event was written, on every instance.

use amends_domain::hours::LevelSpec;
use amends_domain::{BusinessHours, DuePolicy, EscalationLadder, HoursSpec};
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn};
use crate::{Store, StoreError, from_millis, millis};

/// The business hours and escalation ladder in force.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskHours {
    #[serde(flatten)]
    pub hours: HoursSpec,
    pub escalation: Vec<LevelSpec>,
    /// False while the configuration's defaults apply (no admin changed them yet).
    pub customised: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    pub updated_by: Option<i64>,
    #[serde(skip)]
    pub parsed: BusinessHours,
    #[serde(skip)]
    pub ladder: EscalationLadder,
}

async fn desk_hours_in(conn: &mut Conn, defaults: &crate::StoreSettings) -> Result<DeskHours, StoreError> {
    let row = db::query("SELECT hours, escalation, updated_by, updated_at FROM business_hours WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(DeskHours {
            hours: defaults.due.hours.spec().clone(),
            escalation: defaults.escalation.specs(),
            customised: false,
            updated_at: None,
            updated_by: None,
            parsed: defaults.due.hours.clone(),
            ladder: defaults.escalation.clone(),
        });
    };
    let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("{what}: {e}"));
    let hours: String = row.try_get("hours")?;
    let escalation: String = row.try_get("escalation")?;
    let spec: HoursSpec = serde_json::from_str(&hours).map_err(|e| corrupt("business hours", e.to_string()))?;
    let levels: Vec<LevelSpec> =
        serde_json::from_str(&escalation).map_err(|e| corrupt("escalation ladder", e.to_string()))?;
    let parsed = BusinessHours::parse(&spec).map_err(|e| corrupt("business hours", e.to_string()))?;
    let ladder = EscalationLadder::parse(&levels).map_err(|e| corrupt("escalation ladder", e.to_string()))?;
    Ok(DeskHours {
        hours: parsed.spec().clone(),
        escalation: ladder.specs(),
        customised: true,
        updated_at: Some(from_millis(row.try_get("updated_at")?)),
        updated_by: row.try_get("updated_by")?,
        parsed,
        ladder,
    })
}

/// `base` with the business hours in force, read in the caller's transaction.
pub(crate) async fn policy_in(conn: &mut Conn, base: &DuePolicy) -> Result<DuePolicy, StoreError> {
    let row = db::query("SELECT hours FROM business_hours WHERE id = 1").fetch_optional(&mut *conn).await?;
    let mut policy = base.clone();
    if let Some(row) = row {
        let text: String = row.try_get(0)?;
        let spec: HoursSpec =
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("business hours: {e}")))?;
        policy.hours = BusinessHours::parse(&spec).map_err(|e| StoreError::Corrupt(format!("business hours: {e}")))?;
    }
    Ok(policy)
}

impl Store {
    pub async fn desk_hours(&self) -> Result<DeskHours, StoreError> {
        let mut conn = self.read().acquire().await?;
        desk_hours_in(&mut conn, self.settings()).await
    }

    /// The due policy with the business hours in force, for showing due times: read
    /// again after a few seconds, so another instance's change shows soon.
    pub async fn due_policy(&self) -> Result<DuePolicy, StoreError> {
        if let Some(policy) = self.kept_policy().fresh() {
            return Ok(policy);
        }
        let policy = DuePolicy { hours: self.desk_hours().await?.parsed, ..self.settings().due.clone() };
        self.kept_policy().keep(policy.clone());
        Ok(policy)
    }

    /// Stores new business hours and ladder (already checked by the domain). Cases keep
    /// their due times until their next event; the ladder applies from the next sweep.
    pub async fn set_desk_hours(
        &self,
        hours: &BusinessHours,
        ladder: &EscalationLadder,
        by: i64,
    ) -> Result<DeskHours, StoreError> {
        let hours_json = serde_json::to_string(hours.spec()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let ladder_json = serde_json::to_string(&ladder.specs()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().begin().await?;
        db::query(
            "INSERT INTO business_hours (id, hours, escalation, updated_by, updated_at) VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET hours = $1, escalation = $2, updated_by = $3, updated_at = $4",
        )
        .bind(hours_json)
        .bind(ladder_json)
        .bind(by)
        .bind(millis(self.now()))
        .execute(&mut *tx)
        .await?;
        let desk = desk_hours_in(&mut tx, self.settings()).await?;
        tx.commit().await?;
        self.kept_policy().forget();
        Ok(desk)
    }
}
