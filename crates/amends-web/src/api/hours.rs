//! Business hours and the escalation ladder: every agent may read them (due times count
//! in them); only an admin changes them.

use amends_domain::hours::{LevelSpec, WeekSpec};
use amends_domain::{BusinessHours, EscalationLadder, HoursSpec};
use amends_store::DeskHours;
use axum::extract::State;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Admin, Agent};
use crate::error::{ApiError, ApiResult};
use crate::json::JsonBody;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoursChange {
    pub zone: String,
    pub week: WeekSpec,
    #[serde(default)]
    pub holidays: Vec<String>,
    pub escalation: Vec<LevelSpec>,
}

pub async fn get(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<DeskHours>> {
    Ok(axum::Json(state.store.desk_hours().await?))
}

pub async fn put(
    State(state): State<AppState>,
    Admin(admin): Admin,
    JsonBody(body): JsonBody<HoursChange>,
) -> ApiResult<axum::Json<DeskHours>> {
    let (hours, ladder) = check(&state, body).await?;
    Ok(axum::Json(state.store.set_desk_hours(&hours, &ladder, admin.id).await?))
}

/// Parses the hours and the ladder, and checks that every named user exists.
pub(crate) async fn check(state: &AppState, body: HoursChange) -> ApiResult<(BusinessHours, EscalationLadder)> {
    let spec = HoursSpec { zone: body.zone, week: body.week, holidays: body.holidays };
    let hours = BusinessHours::parse(&spec).map_err(|e| ApiError::invalid(&e.field, e.message))?;
    let ladder = EscalationLadder::parse(&body.escalation).map_err(|e| ApiError::invalid(&e.field, e.message))?;
    let users = state.store.list_users().await?;
    for (i, level) in ladder.levels().iter().enumerate() {
        if let Some(missing) = level.user_ids.iter().find(|id| !users.iter().any(|u| u.id == **id && u.active)) {
            return Err(ApiError::invalid(
                &format!("escalation[{i}].user_ids"),
                format!("there is no active user {missing}"),
            ));
        }
    }
    Ok((hours, ladder))
}
