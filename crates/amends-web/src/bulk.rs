//! Actions on many cases at once (the inbox's bulk bar and `POST /api/v1/cases/bulk`):
//! each case is its own transaction, so one case the rules refuse leaves the others
//! applied, and the answer says what became of each.

use amends_domain::playbook::{Actor, EventKind};
use amends_store::StoreError;
use serde::Serialize;
use time::OffsetDateTime;

use crate::AppState;
use crate::error::ApiError;

/// Most cases one bulk action takes.
pub const MAX_CASES: usize = 100;

#[derive(Debug, Clone)]
pub enum BulkAction {
    Assign {
        owner_id: Option<i64>,
    },
    Tag {
        tag: String,
    },
    Severity {
        severity: amends_domain::Severity,
    },
    /// Into the chosen case, or into the oldest of those selected.
    Merge {
        into: Option<i64>,
    },
    /// Until a time, or (None) until the customer writes.
    Snooze {
        until: Option<OffsetDateTime>,
    },
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BulkResult {
    pub case_id: i64,
    pub reference: String,
    /// Applied (or, for the survivor of a merge, kept as the case that carries on).
    pub ok: bool,
    /// Why not, as the API's error code and a sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub message: String,
}

/// The selected ids, each once, in the order given.
pub fn selection(ids: &[i64]) -> Result<Vec<i64>, ApiError> {
    let mut seen = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.contains(id) {
            seen.push(*id);
        }
    }
    if seen.is_empty() || seen.len() > MAX_CASES {
        return Err(ApiError::invalid("case_ids", format!("select 1 to {MAX_CASES} cases")));
    }
    Ok(seen)
}

fn refused(case_id: i64, e: StoreError) -> BulkResult {
    let error = ApiError::from(e);
    BulkResult {
        case_id,
        reference: amends_domain::CaseReference(case_id).to_string(),
        ok: false,
        error: Some(error.code.to_owned()),
        message: error.message,
    }
}

fn applied(case_id: i64, message: impl Into<String>) -> BulkResult {
    BulkResult {
        case_id,
        reference: amends_domain::CaseReference(case_id).to_string(),
        ok: true,
        error: None,
        message: message.into(),
    }
}

/// Applies `action` to each case; a refusal is reported for its case and the rest go on.
pub async fn apply(state: &AppState, user_id: i64, action: &BulkAction, ids: &[i64]) -> Vec<BulkResult> {
    let actor = Actor::Staff { user_id };
    if let BulkAction::Merge { into } = action {
        return merge(state, actor, *into, ids).await;
    }
    let mut results = Vec::with_capacity(ids.len());
    for &id in ids {
        let (kind, done) = match action {
            BulkAction::Assign { owner_id } => (EventKind::Assigned { owner_id: *owner_id }, "assigned"),
            BulkAction::Tag { tag } => (EventKind::TagAdded { tag: tag.clone() }, "tagged"),
            BulkAction::Severity { severity } => (EventKind::SeverityChanged { severity: *severity }, "severity set"),
            BulkAction::Snooze { until } => (EventKind::Snoozed { until: *until }, "snoozed"),
            BulkAction::Merge { .. } => continue,
        };
        results.push(match state.store.record_event(id, actor, kind, None).await {
            Ok(_) => applied(id, done),
            Err(e) => refused(id, e),
        });
    }
    results
}

async fn merge(state: &AppState, actor: Actor, into: Option<i64>, ids: &[i64]) -> Vec<BulkResult> {
    let mut results = Vec::with_capacity(ids.len() + 1);
    let mut found = Vec::with_capacity(ids.len());
    for &id in ids {
        match state.store.case(id).await {
            Ok(case) => found.push(case),
            Err(e) => results.push(refused(id, e)),
        }
    }
    let survivor = match into {
        Some(id) => id,
        None => match found.iter().min_by_key(|c| (c.created_at, c.id)) {
            Some(oldest) => oldest.id,
            None => return results,
        },
    };
    if !found.iter().any(|c| c.id == survivor)
        && let Err(e) = state.store.case(survivor).await
    {
        results.push(refused(survivor, e));
        return results;
    }
    for case in found {
        if case.id == survivor {
            results.push(applied(case.id, "kept: the others were merged into it"));
            continue;
        }
        results.push(match state.store.merge_cases(survivor, case.id, actor).await {
            Ok(m) => applied(case.id, format!("merged into {}", m.survivor.reference)),
            Err(e) => refused(case.id, e),
        });
    }
    results
}
