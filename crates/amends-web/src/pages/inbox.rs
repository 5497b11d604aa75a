//! The inbox: the cases that need someone now, soonest due first; and the saved views
//! in its sidebar (a name for a set of its filters, private or shared).

use amends_domain::Language;
use amends_domain::playbook::{CaseStatus, Step};
use std::collections::HashMap;

use amends_store::{CaseFilter, CaseOrder, OwnerFilter, SavedView, SnoozeFilter, ViewDraft};
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render, say};
use crate::AppState;
use crate::bulk::{BulkAction, BulkResult};
use crate::json::Params;
use crate::views::InboxView;

#[derive(Deserialize, Serialize, Default)]
pub struct InboxQuery {
    /// all (needs someone), mine, unassigned, escalated, escalated_to_me, overdue, snoozed;
    /// everything (every case), waiting (on the customer), closed
    view: Option<String>,
    severity: Option<String>,
    tag: Option<String>,
    /// What the bulk bar just did (its action, e.g. "merge"), and to how many cases.
    done: Option<String>,
    count: Option<usize>,
    step: Option<String>,
    cursor: Option<String>,
    /// The saved view being shown, to mark it in the sidebar.
    saved: Option<i64>,
}

#[derive(Serialize)]
struct ViewLink {
    id: i64,
    name: String,
    shared: bool,
    href: String,
    editable: bool,
}

async fn view_links(state: &AppState, session: &StaffSession) -> Result<Vec<ViewLink>, PageError> {
    Ok(state
        .store
        .visible_views(session.user.id)
        .await?
        .into_iter()
        .map(|v| ViewLink {
            href: crate::views::inbox_link(&v),
            editable: crate::views::may_change(&v, &session.user),
            id: v.id,
            name: v.name,
            shared: v.shared,
        })
        .collect())
}

#[derive(Serialize)]
struct StepCount {
    step: &'static str,
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
    let view = InboxView::named(q.view.as_deref());
    // The queue's clock: what is overdue here is what the escalation ladder sees.
    let now = state.store.now();
    let step = q.step.as_deref().and_then(|s| s.parse::<Step>().ok());
    // Every case, those waiting on the customer, and the closed ones are listed newest
    // first; the working views soonest due first. Where a customer waits for staff,
    // their case heads the first page, marked.
    let filter = CaseFilter {
        status: (view == InboxView::WaitingOnCustomer).then_some(CaseStatus::AwaitingCustomer),
        closed: view == InboxView::Closed,
        waiting_first: !matches!(view, InboxView::Snoozed | InboxView::WaitingOnCustomer),
        owner: match view {
            InboxView::Mine => Some(OwnerFilter::User(session.user.id)),
            InboxView::Unassigned => Some(OwnerFilter::Unassigned),
            _ => None,
        },
        escalated: view == InboxView::Escalated,
        escalated_to: (view == InboxView::EscalatedToMe).then_some(session.user.id),
        overdue_at: (view == InboxView::Overdue).then_some(now),
        severity: q.severity.clone().filter(|s| !s.is_empty()),
        tag: q.tag.clone().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()),
        // Snoozed cases leave every view but their own until they wake.
        snoozed: match view {
            InboxView::Snoozed => Some(SnoozeFilter::Asleep(now)),
            InboxView::Everything | InboxView::Closed => None,
            _ => Some(SnoozeFilter::Awake(now)),
        },
        next_step: step,
        // A snoozed case may wait on the customer (no due step): list those too.
        // So may a case escalated to someone, which waits on them rather than on a due step.
        order: if matches!(view, InboxView::Snoozed | InboxView::EscalatedToMe) || view.is_listing() {
            CaseOrder::Newest
        } else {
            CaseOrder::Due
        },
        after: q.cursor.clone(),
        limit: 25,
        ..CaseFilter::default()
    };
    // The page's reads run at once: on PostgreSQL each is a round trip on a connection
    // of its own (as on the case page).
    let store = &state.store;
    let ((cases, next_cursor), counts, watch_alerts, ideas_wanted, users, saved_views) = tokio::try_join!(
        async { Ok::<_, PageError>(store.list_cases(&filter).await?) },
        async { Ok(store.open_counts_by_step().await?) },
        async { Ok(store.open_watch_alerts().await?) },
        async { Ok(store.ideas_wanted(session.user.id).await?) },
        async { Ok(store.list_users().await?) },
        view_links(state, session),
    )?;
    let step_counts: Vec<StepCount> = Step::ALL
        .into_iter()
        .filter_map(|s| {
            let count = counts.iter().find(|(name, _)| name == s.as_str()).map(|(_, n)| *n)?;
            Some(StepCount { step: s.as_str(), count })
        })
        .collect();
    let next_link = next_cursor.map(|c| {
        let mut query = vec![("view", view.as_str().to_owned()), ("cursor", c)];
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
    let now_text = now.format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let users: Vec<_> = users.into_iter().filter(|u| u.active).collect();
    let tabs: Vec<_> = InboxView::ALL.into_iter().map(InboxView::as_str).collect();
    let done_text = q.done.as_deref().and_then(|action| done_text(session.language, action, q.count));
    let results = results.map(|rs| rs.into_iter().map(|r| in_words(session.language, r)).collect::<Vec<_>>());
    let view = view.as_str();
    let page = render(
        "inbox.html",
        minijinja::context! {
            layout => session.layout(),
            cases, step_counts, watch_alerts, view, next_link, now => now_text, users, results,
            severity => q.severity, step => q.step, tag => q.tag, done_text, paged => q.cursor.is_some(),
            saved_views, saved => q.saved, tabs, ideas_wanted,
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
    let ids = crate::bulk::selection(&ids).map_err(|_| PageError::BadForm(say("inbox-bulk-tick-first")))?;
    let bad = PageError::BadForm;
    let action = match field(&fields, "action").as_deref() {
        Some("assign") => BulkAction::Assign {
            owner_id: match field(&fields, "owner").as_deref() {
                None => None,
                Some("me") => Some(session.user.id),
                Some(id) => Some(id.parse().map_err(|_| bad(say("inbox-bulk-choose-someone")))?),
            },
        },
        Some("tag") => BulkAction::Tag { tag: field(&fields, "tag").ok_or_else(|| bad(say("inbox-bulk-type-tag")))? },
        Some("severity") => BulkAction::Severity {
            severity: field(&fields, "severity")
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad(say("inbox-bulk-choose-severity")))?,
        },
        Some("merge") => BulkAction::Merge {
            into: match field(&fields, "into").as_deref() {
                None | Some("oldest") => None,
                Some(id) => Some(id.parse().map_err(|_| bad(say("inbox-bulk-choose-keep")))?),
            },
        },
        Some("snooze") => {
            let hours = state.store.due_policy().await?.hours;
            BulkAction::Snooze {
                until: super::case::snooze_from_form(&fields, state.store.now(), &hours).map_err(bad)?,
            }
        }
        _ => return Err(bad(say("inbox-bulk-choose-action"))),
    };
    let results = crate::bulk::apply(&state, session.user.id, &action, &ids).await;
    let name = field(&fields, "action").unwrap_or_default();
    let view = InboxView::named(field(&fields, "view").as_deref()).as_str().to_owned();
    if results.iter().all(|r| r.ok) {
        let target = format!("/inbox?view={view}&done={}&count={}", super::urlencode(&name), results.len());
        return Ok(Redirect::to(&target).into_response());
    }
    let q = InboxQuery { view: Some(view), ..InboxQuery::default() };
    inbox(&state, &session, q, Some(results)).await
}

/// The bulk bar's actions, as its form names them.
const BULK_ACTIONS: [&str; 5] = ["assign", "tag", "severity", "merge", "snooze"];

/// "Done: 3 case(s): merge." for the bulk action a link names; nothing for another word.
fn done_text(language: Language, action: &str, count: Option<usize>) -> Option<String> {
    let action = BULK_ACTIONS.into_iter().find(|a| *a == action)?;
    let count = count.unwrap_or(0) as i64;
    let action = amends_i18n::text(language, &format!("inbox-done-{action}"));
    Some(amends_i18n::text_with(language, "inbox-done", &[("count", count.into()), ("action", action.into())]))
}

/// A bulk result as the inbox shows it: what was done in the reader's language; a
/// refusal keeps the rule's own sentence. (The API answers the English sentence.)
fn in_words(language: Language, mut r: BulkResult) -> BulkResult {
    if r.ok {
        let said = match r.message.strip_prefix("merged into ") {
            Some(reference) => amends_i18n::text_with(
                language,
                "inbox-bulk-merged-into",
                &[("reference", reference.to_owned().into())],
            ),
            None if r.message.starts_with("kept") => amends_i18n::text(language, "inbox-bulk-kept"),
            None => amends_i18n::text(language, &format!("inbox-bulk-applied-{}", r.message.replace(' ', "-"))),
        };
        r.message = said;
    }
    r
}

/// The filters of a posted form, as a saved view keeps them.
fn posted_filters(fields: &HashMap<String, String>) -> serde_json::Map<String, serde_json::Value> {
    ["view", "severity", "step"]
        .into_iter()
        .filter_map(|k| {
            let value = fields.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())?;
            Some((k.to_owned(), serde_json::Value::String(value.to_owned())))
        })
        .collect()
}

/// Saves the inbox's current filters under a name.
pub async fn save_view(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let shared = fields.get("shared").is_some_and(|v| v == "on" || v == "true");
    let draft = crate::views::draft(
        &session.user,
        fields.get("name").map(String::as_str).unwrap_or(""),
        shared,
        &posted_filters(&fields),
    )
    .map_err(refused)?;
    let view = state.store.create_view(session.user.id, &draft).await?;
    Ok(Redirect::to(&crate::views::inbox_link(&view)).into_response())
}

/// A view refused, in the page's language (the API answers the rule's English sentence).
fn refused(r: crate::views::ViewRefused) -> PageError {
    let message = match r.field {
        "name" => say("inbox-view-error-name"),
        "shared" => say("inbox-view-error-shared"),
        _ => r.message,
    };
    if r.forbidden { PageError::Forbidden(message) } else { PageError::BadForm(message) }
}

/// A view the signed-in user may change; someone else's private view does not exist.
async fn changeable(state: &AppState, session: &StaffSession, id: &str) -> Result<SavedView, PageError> {
    let id = crate::api::id_from(id, "view").map_err(|_| PageError::NotFound("view"))?;
    let view = state.store.saved_view(id).await?;
    if !crate::views::may_see(&view, &session.user) {
        return Err(PageError::NotFound("view"));
    }
    if !crate::views::may_change(&view, &session.user) {
        return Err(PageError::Forbidden(say("inbox-view-shared-owner")));
    }
    Ok(view)
}

pub async fn view_form(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, PageError> {
    let view = changeable(&state, &session, &id).await?;
    let href = crate::views::inbox_link(&view);
    render("view_edit.html", minijinja::context! { layout => session.layout(), view, href })
}

/// Renames, shares or unshares, or deletes a saved view.
pub async fn change_view(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let view = changeable(&state, &session, &id).await?;
    if fields.get("action").map(String::as_str) == Some("delete") {
        state.store.delete_view(view.id).await?;
        return Ok(Redirect::to("/inbox").into_response());
    }
    let shared = fields.get("shared").is_some_and(|v| v == "on" || v == "true");
    let name = fields.get("name").map(String::as_str).unwrap_or(&view.name);
    let draft = crate::views::draft(&session.user, name, shared && !view.shared, &view.filters).map_err(refused)?;
    let view = state.store.update_view(view.id, &ViewDraft { shared, ..draft }).await?;
    Ok(Redirect::to(&crate::views::inbox_link(&view)).into_response())
}
