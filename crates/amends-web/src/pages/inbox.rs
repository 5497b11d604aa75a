//! The inbox: the cases that need someone now, soonest due first.

use amends_domain::playbook::Step;
use amends_store::{CaseFilter, CaseOrder, OwnerFilter};
use axum::extract::State;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};

use super::{PageError, StaffSession, render};
use crate::AppState;
use crate::json::Params;

#[derive(Deserialize, Serialize, Default)]
pub struct InboxQuery {
    /// all, mine, unassigned, escalated, overdue
    view: Option<String>,
    severity: Option<String>,
    step: Option<String>,
    cursor: Option<String>,
}

#[derive(Serialize)]
struct StepCount {
    step: &'static str,
    title: &'static str,
    count: i64,
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<InboxQuery>,
) -> Result<impl IntoResponse, PageError> {
    let view = q.view.clone().unwrap_or_else(|| "all".to_owned());
    // The queue's clock: what is overdue here is what the escalation ladder sees.
    let now = state.store.now();
    let step = q.step.as_deref().and_then(|s| s.parse::<Step>().ok());
    let filter = CaseFilter {
        owner: match view.as_str() {
            "mine" => Some(OwnerFilter::User(session.user.id)),
            "unassigned" => Some(OwnerFilter::Unassigned),
            _ => None,
        },
        escalated: view == "escalated",
        overdue_at: (view == "overdue").then_some(now),
        severity: q.severity.clone().filter(|s| !s.is_empty()),
        next_step: step,
        order: CaseOrder::Due,
        after: q.cursor.clone(),
        limit: 25,
        ..CaseFilter::default()
    };
    let (cases, next_cursor) = state.store.list_cases(&filter).await?;
    let counts = state.store.open_counts_by_step().await?;
    let watch_alerts = state.store.open_watch_alerts().await?;
    let step_counts: Vec<StepCount> = Step::ALL
        .into_iter()
        .filter_map(|s| {
            let count = counts.iter().find(|(name, _)| name == s.as_str()).map(|(_, n)| *n)?;
            Some(StepCount { step: s.as_str(), title: s.title(), count })
        })
        .collect();
    let next_link = next_cursor.map(|c| {
        let mut query = vec![("view", view.clone()), ("cursor", c)];
        if let Some(s) = &q.severity {
            query.push(("severity", s.clone()));
        }
        if let Some(s) = &q.step {
            query.push(("step", s.clone()));
        }
        format!("/inbox?{}", serde_urlencoded::to_string(query).unwrap_or_default())
    });
    let step_titles: std::collections::HashMap<&str, &str> =
        Step::ALL.into_iter().map(|s| (s.as_str(), s.title())).collect();
    let now_text = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    render(
        "inbox.html",
        minijinja::context! {
            layout => session.layout(),
            cases, step_counts, step_titles, watch_alerts, view, next_link, now => now_text,
            severity => q.severity, step => q.step, paged => q.cursor.is_some(),
        },
    )
}
