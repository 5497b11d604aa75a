//! Saved inbox views: what a view may hold, and who may see or change one. Shared by
//! the API and the inbox page so both keep the same rules: a private view is its
//! owner's alone (another user is told it does not exist), a shared one is seen by
//! everyone and made, changed or deleted by a manager (or its owner).

use amends_domain::Role;
use amends_domain::playbook::Step;
use amends_store::{SavedView, UserRecord, ViewDraft};
use serde_json::{Map, Value};

/// The inbox's own views a saved view may start from.
pub const INBOX_VIEWS: [&str; 6] = ["all", "mine", "unassigned", "escalated", "escalated_to_me", "overdue"];
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
            "view" => INBOX_VIEWS.contains(&text.as_str()),
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
