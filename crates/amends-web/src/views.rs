//! Saved inbox views: what a view may hold, and who may see or change one. Shared by
//! the API and the inbox page so both keep the same rules: a private view is its
//! owner's alone (another user is told it does not exist), a shared one is seen by
//! everyone and made, changed or deleted by a manager (or its owner).

use amends_domain::Role;
use amends_domain::playbook::Step;
use amends_store::{SavedView, UserRecord, ViewDraft};
use serde_json::{Map, Value};

/// The inbox's own views, in the order of its tabs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InboxView {
    /// Every open case that needs someone (the default).
    NeedsSomeone,
    Mine,
    Unassigned,
    Escalated,
    EscalatedToMe,
    Overdue,
    Snoozed,
    /// Every case, open or closed.
    Everything,
    /// Open cases waiting on the customer.
    WaitingOnCustomer,
    Closed,
}

impl InboxView {
    pub const ALL: [InboxView; 10] = [
        Self::NeedsSomeone,
        Self::Mine,
        Self::Unassigned,
        Self::Escalated,
        Self::EscalatedToMe,
        Self::Overdue,
        Self::Snoozed,
        Self::Everything,
        Self::WaitingOnCustomer,
        Self::Closed,
    ];

    /// Its name in links (`/inbox?view=…`) and in saved views' filters.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NeedsSomeone => "all",
            Self::Mine => "mine",
            Self::Unassigned => "unassigned",
            Self::Escalated => "escalated",
            Self::EscalatedToMe => "escalated_to_me",
            Self::Overdue => "overdue",
            Self::Snoozed => "snoozed",
            Self::Everything => "everything",
            Self::WaitingOnCustomer => "waiting",
            Self::Closed => "closed",
        }
    }

    /// The view a link names; an unknown name shows the default view.
    pub fn named(name: Option<&str>) -> Self {
        Self::ALL.into_iter().find(|v| Some(v.as_str()) == name).unwrap_or(Self::NeedsSomeone)
    }

    /// Whether a saved view may start from it: the working views, whose cases need
    /// someone (a saved "closed" list would be a report, not a queue).
    fn savable(self) -> bool {
        matches!(
            self,
            Self::NeedsSomeone | Self::Mine | Self::Unassigned | Self::Escalated | Self::EscalatedToMe | Self::Overdue
        )
    }

    /// Lists every case, newest first, rather than the cases that need someone.
    pub fn is_listing(self) -> bool {
        matches!(self, Self::Everything | Self::WaitingOnCustomer | Self::Closed)
    }
}
const SEVERITIES: [&str; 4] = ["critical", "high", "normal", "low"];
const MAX_NAME_CHARS: usize = 80;

/// Why a view was refused, naming the field.
#[derive(Debug)]
pub struct ViewRefused {
    pub field: &'static str,
    pub message: String,
    /// The caller may not do this (rather than having sent a bad value).
    pub forbidden: bool,
}

fn bad(field: &'static str, message: impl Into<String>) -> ViewRefused {
    ViewRefused { field, message: message.into(), forbidden: false }
}

/// Checks a view's name and filters; only managers may share.
pub fn draft(
    user: &UserRecord,
    name: &str,
    shared: bool,
    filters: &Map<String, Value>,
) -> Result<ViewDraft, ViewRefused> {
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(bad("name", format!("a view's name has 1 to {MAX_NAME_CHARS} characters")));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("name", format!("a view's name has 1 to {MAX_NAME_CHARS} characters")));
    }
    if shared && !user.role.at_least(Role::Manager) {
        return Err(ViewRefused {
            field: "shared",
            message: "only a manager may share a view with everyone".into(),
            forbidden: true,
        });
    }
    let mut kept = Map::new();
    for (key, value) in filters {
        let Value::String(text) = value else {
            return Err(bad("filters", format!("filter {key} is text")));
        };
        let ok = match key.as_str() {
            "view" => InboxView::ALL.into_iter().any(|v| v.savable() && v.as_str() == text),
            "severity" => SEVERITIES.contains(&text.as_str()),
            "step" => text.parse::<Step>().is_ok(),
            _ => return Err(bad("filters", format!("{key} is not an inbox filter (view, severity, step)"))),
        };
        if !ok {
            return Err(bad("filters", format!("{text} is not a value of the {key} filter")));
        }
        kept.insert(key.clone(), Value::String(text.clone()));
    }
    Ok(ViewDraft { name: name.to_owned(), shared, filters: kept })
}

pub fn may_see(view: &SavedView, user: &UserRecord) -> bool {
    view.shared || view.owner_id == user.id
}

pub fn may_change(view: &SavedView, user: &UserRecord) -> bool {
    view.owner_id == user.id || (view.shared && user.role.at_least(Role::Manager))
}

/// The inbox address that shows the view.
pub fn inbox_link(view: &SavedView) -> String {
    let mut query: Vec<(&str, String)> = Vec::new();
    for key in ["view", "severity", "step"] {
        if let Some(Value::String(v)) = view.filters.get(key) {
            query.push((key, v.clone()));
        }
    }
    query.push(("saved", view.id.to_string()));
    format!("/inbox?{}", serde_urlencoded::to_string(query).unwrap_or_default())
}
