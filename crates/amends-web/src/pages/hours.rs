//! Business hours and the escalation ladder (admins), and each staff member's choice of
//! email alerts (their account page).

use amends_domain::hours::{LevelSpec, PeriodSpec, WEEKDAYS, WeekSpec};
use amends_domain::{Language, Role};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::hours::{HoursChange, check};

/// Rows of the ladder the form offers.
const LEVEL_ROWS: usize = amends_domain::hours::MAX_LEVELS;

pub async fn account(session: StaffSession) -> Result<impl IntoResponse, PageError> {
    render(
        "account.html",
        minijinja::context! {
            layout => session.layout(),
            alerts => session.user.email_alerts,
            chosen => session.user.language.map(Language::tag),
            languages => languages(),
        },
    )
}

/// The languages a picker offers, each named in itself.
pub(crate) fn languages() -> Vec<minijinja::Value> {
    Language::ALL.iter().map(|l| minijinja::context! { tag => l.tag(), name => l.own_name() }).collect()
}

pub async fn account_save(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let on = field(&fields, "email_alerts").is_some_and(|v| v == "on");
    // "" is "as my browser says"; a tag we do not speak is the same.
    let language = field(&fields, "language").and_then(|tag| Language::from_tag(&tag));
    let user = state.store.update_account(session.user.id, Some(on), Some(language)).await?;
    let session = StaffSession { language: language.unwrap_or(session.language), ..session };
    Ok(render(
        "account.html",
        minijinja::context! {
            layout => session.layout(),
            alerts => user.email_alerts,
            chosen => user.language.map(Language::tag),
            languages => languages(),
            saved => true,
        },
    )?
    .into_response())
}

/// The form's fields for what is in force.
fn form_of(desk: &amends_store::DeskHours) -> HashMap<String, String> {
    let mut form = HashMap::new();
    form.insert("zone".to_owned(), desk.hours.zone.clone());
    let week = serde_json::to_value(&desk.hours.week).unwrap_or_default();
    for day in WEEKDAYS {
        let periods: Vec<PeriodSpec> = serde_json::from_value(week[day].clone()).unwrap_or_default();
        let text = periods.iter().map(|p| format!("{}-{}", p.start, p.end)).collect::<Vec<_>>().join(", ");
        form.insert(format!("week_{day}"), text);
    }
    form.insert("holidays".to_owned(), desk.hours.holidays.join("\n"));
    for (i, level) in desk.escalation.iter().enumerate() {
        form.insert(format!("level{i}_after"), level.after_minutes.to_string());
        form.insert(format!("level{i}_to"), level.to.clone());
        let ids = level.user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
        form.insert(format!("level{i}_users"), ids);
    }
    form
}

async fn show(
    state: &AppState,
    session: &StaffSession,
    form: HashMap<String, String>,
    error: Option<(String, String)>,
    saved: bool,
) -> Result<Response, PageError> {
    let desk = state.store.desk_hours().await?;
    let users = state.store.list_users().await?;
    let mut form = form;
    if !form.contains_key("currency") {
        form.insert("currency".to_owned(), session.business.currency.clone().unwrap_or_default());
    }
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (error_field, error) = error.unzip();
    let page = render(
        "hours.html",
        minijinja::context! {
            layout => session.layout(), form, error, error_field, saved, users,
            weekdays => WEEKDAYS, levels => (0..LEVEL_ROWS).collect::<Vec<_>>(),
            customised => desk.customised, updated_at => desk.updated_at.map(|t| t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()),
        },
    )?;
    Ok((status, page).into_response())
}

pub async fn hours(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Admin)?;
    let form = form_of(&state.store.desk_hours().await?);
    show(&state, &session, form, None, false).await
}

/// `"09:00-17:00, 22:00-06:00"` → periods; a malformed one is left for the domain to name.
fn periods(text: &str) -> Vec<PeriodSpec> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once(['-', '–']) {
            Some((start, end)) => PeriodSpec::new(start.trim(), end.trim()),
            None => PeriodSpec::new(p, ""),
        })
        .collect()
}

pub async fn save_hours(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let text = |name: &str| field(&fields, name).unwrap_or_default();
    let mut week = WeekSpec::default();
    let days = [
        &mut week.monday,
        &mut week.tuesday,
        &mut week.wednesday,
        &mut week.thursday,
        &mut week.friday,
        &mut week.saturday,
        &mut week.sunday,
    ];
    for (day, slot) in WEEKDAYS.iter().zip(days) {
        *slot = periods(&text(&format!("week_{day}")));
    }
    let holidays: Vec<String> =
        text("holidays").split(['\n', ',']).map(str::trim).filter(|d| !d.is_empty()).map(str::to_owned).collect();
    let mut escalation = Vec::new();
    for i in 0..LEVEL_ROWS {
        let after = text(&format!("level{i}_after"));
        if after.is_empty() {
            continue;
        }
        let Ok(after_minutes) = after.parse::<i64>() else {
            let error = (format!("escalation[{i}].after_minutes"), format!("{after:?} is not a number of minutes"));
            return show(&state, &session, fields, Some(error), false).await;
        };
        let mut user_ids = Vec::new();
        for id in text(&format!("level{i}_users")).split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match id.parse::<i64>() {
                Ok(id) => user_ids.push(id),
                Err(_) => {
                    let error = (format!("escalation[{i}].user_ids"), format!("{id:?} is not a user id"));
                    return show(&state, &session, fields, Some(error), false).await;
                }
            }
        }
        escalation.push(LevelSpec { after_minutes, to: text(&format!("level{i}_to")), user_ids });
    }
    let change = HoursChange { zone: text("zone"), week, holidays, escalation };
    match check(&state, change).await {
        Ok((hours, ladder)) => {
            let desk = state.store.set_desk_hours(&hours, &ladder, session.user.id).await?;
            show(&state, &session, form_of(&desk), None, true).await
        }
        Err(e) => {
            let error = (e.field.clone().unwrap_or_default(), e.message.clone());
            show(&state, &session, fields, Some(error), false).await
        }
    }
}

/// `POST /admin/currency`: the business's currency. Amounts already recorded keep theirs.
pub async fn save_currency(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Admin)?;
    let given = field(&fields, "currency").unwrap_or_default().trim().to_uppercase();
    let mut form = form_of(&state.store.desk_hours().await?);
    form.insert("currency".to_owned(), given.clone());
    match amends_domain::customer::parse_currency(&given) {
        Ok(currency) => {
            state.store.set_currency(&currency, session.user.id).await?;
            form.insert("currency_saved".to_owned(), "1".to_owned());
            show(&state, &session, form, None, false).await
        }
        Err(e) => show(&state, &session, form, Some(("currency".to_owned(), e.to_string())), false).await,
    }
}
