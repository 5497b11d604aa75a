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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursChange {
    /// An IANA time zone name.
    #[schema(example = "Europe/Berlin")]
    pub zone: String,
    pub week: WeekSpec,
    /// Local dates on which no working period starts.
    #[serde(default)]
    pub holidays: Vec<String>,
    /// Empty: overdue steps are not escalated.
    pub escalation: Vec<LevelSpec>,
}

#[utoipa::path(
    get, path = "/settings/hours", tag = "staff", operation_id = "getBusinessHours",
    summary = r#"The business hours and the escalation ladder in force"#,
    description = r#"Due times of the playbook's steps count working time in these hours; alerts to staff are mailed inside them. Until an admin sets them, the configuration's defaults apply (`customised: false`)."#,
    responses(
        (status = 200, description = r#"The hours in force."#, body = DeskHours),
    ),
)]
pub async fn get(State(state): State<AppState>, _: Agent) -> ApiResult<axum::Json<DeskHours>> {
    Ok(axum::Json(state.store.desk_hours().await?))
}

#[utoipa::path(
    put, path = "/settings/hours", tag = "staff", operation_id = "setBusinessHours",
    summary = r#"Set the business hours and the escalation ladder (admins)"#,
    description = r#"Replaces both. A case counts the new hours from its next event on; the ladder applies from the next sweep (every minute)."#,
    request_body(content = HoursChange),
    responses(
        (status = 200, description = r#"Saved; the hours now in force."#, body = DeskHours),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: this needs the admin role."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`last_admin`: admins cannot demote or deactivate themselves."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it: `zone` (not a known IANA zone), `week` (no working period at all), `week.monday` … `week.sunday` (a time not HH:MM, an empty period, more than 6 periods, or two periods that overlap, a night shift into the next day included), `holidays` (not a YYYY-MM-DD date, or more than 1000), `escalation` (more than 5 levels), `escalation[i].after_minutes` (not 0 to 144000, or not later than the level before), `escalation[i].to` (not owner, agent, manager or admin, and no users named), `escalation[i].user_ids` (a user that does not exist or is deactivated)."#, body = crate::error::ErrorBody),
    ),
)]
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
