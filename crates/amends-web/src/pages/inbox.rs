//! The inbox: the cases that need someone now, soonest due first.

use amends_domain::playbook::Step;
use amends_store::{CaseFilter, CaseOrder, OwnerFilter, SnoozeFilter};
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::{Deserialize, Serialize};

use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::bulk::{BulkAction, BulkResult};
use crate::json::Params;

#[derive(Deserialize, Serialize, Default)]
pub struct InboxQuery {
    /// all, mine, unassigned, escalated, overdue, snoozed
    view: Option<String>,
    severity: Option<String>,
    tag: Option<String>,
    /// What the bulk bar just did, e.g. "3 merged".
    done: Option<String>,
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
    inbox(&state, &session, q, None).await
}

async fn inbox(
    state: &AppState,
    session: &StaffSession,
    q: InboxQuery,
    results: Option<Vec<BulkResult>>,
) -> Result<axum::response::Response, PageError> {
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
        tag: q.tag.clone().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        // Snoozed cases leave every view but their own until they wake.
        snoozed: Some(if view == "snoozed" { SnoozeFilter::Asleep(now) } else { SnoozeFilter::Awake(now) }),
        next_step: step,
        // A snoozed case may wait on the customer (no due step): list those too.
        order: if view == "snoozed" { CaseOrder::Newest } else { CaseOrder::Due },
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
        if let Some(t) = &q.tag {
            query.push(("tag", t.clone()));
        }
        format!("/inbox?{}", serde_urlencoded::to_string(query).unwrap_or_default())
    });
    let step_titles: std::collections::HashMap<&str, &str> =
        Step::ALL.into_iter().map(|s| (s.as_str(), s.title())).collect();
    let now_text = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let users: Vec<_> = state.store.list_users().await?.into_iter().filter(|u| u.active).collect();
    let page = render(
        "inbox.html",
        minijinja::context! {
            layout => session.layout(),
            cases, step_counts, step_titles, watch_alerts, view, next_link, now => now_text, users, results,
            severity => q.severity, step => q.step, tag => q.tag, done => q.done, paged => q.cursor.is_some(),
        },
    )?;
    Ok(page.into_response())
}

/// The bulk bar: one action on the cases ticked in the inbox. When every case took it,
/// back to the inbox; when the rules refused some, the inbox again with what became of
/// each.
pub async fn bulk(
    State(state): State<AppState>,
    posted: Posted<Vec<(String, String)>>,
) -> Result<axum::response::Response, PageError> {
    let Posted { session, form, fields } = posted;
    let ids: Vec<i64> = form.iter().filter(|(k, _)| k == "case").filter_map(|(_, v)| v.parse().ok()).collect();
    let ids =
        crate::bulk::selection(&ids).map_err(|_| PageError::BadForm("Tick the cases first (at most 100).".into()))?;
    let bad = PageError::BadForm;
    let action = match field(&fields, "action").as_deref() {
        Some("assign") => BulkAction::Assign {
            owner_id: match field(&fields, "owner").as_deref() {
                None => None,
                Some("me") => Some(session.user.id),
                Some(id) => Some(id.parse().map_err(|_| bad("Choose someone from the list.".into()))?),
            },
        },
        Some("tag") => {
            BulkAction::Tag { tag: field(&fields, "tag").ok_or_else(|| bad("Type the tag to add.".into()))? }
        }
        Some("severity") => BulkAction::Severity {
            severity: field(&fields, "severity").ok_or_else(|| bad("Choose the severity.".into()))?,
        },
        Some("merge") => BulkAction::Merge {
            into: match field(&fields, "into").as_deref() {
                None | Some("oldest") => None,
                Some(id) => Some(id.parse().map_err(|_| bad("Choose the case to keep.".into()))?),
            },
        },
        Some("snooze") => BulkAction::Snooze { until: super::case::snooze_from_form(&fields).map_err(bad)? },
        _ => return Err(bad("Choose what to do with the ticked cases.".into())),
    };
    let results = crate::bulk::apply(&state, session.user.id, &action, &ids).await;
    let name = field(&fields, "action").unwrap_or_default();
    let view = field(&fields, "view").unwrap_or_else(|| "all".to_owned());
    if results.iter().all(|r| r.ok) {
        let done = format!("{} case(s): {name}", results.len());
        let target = format!("/inbox?view={}&done={}", super::urlencode(&view), super::urlencode(&done));
        return Ok(Redirect::to(&target).into_response());
    }
    let q = InboxQuery { view: Some(view), ..InboxQuery::default() };
    inbox(&state, &session, q, Some(results)).await
}
