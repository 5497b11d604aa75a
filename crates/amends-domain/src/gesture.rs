//! Gestures: what a business gives beyond the fix, and how big it should be.
//!
//! "A few dollars can keep an account worth thousands": the suggested size grows with
//! what the customer is worth to the business and with how bad the failure was, and
//! stays a gesture (capped), not a second refund.

use crate::case::named_enum;
use crate::{Role, Severity};

/// The kinds of gesture, with a default value in minor units for the catalogue.
pub const CATALOGUE: &[(&str, &str, i64)] = &[
    ("discount", "A discount on the next order", 1000),
    ("voucher", "A voucher to spend with us", 1500),
    ("gift", "A small gift chosen for them", 2000),
    ("free_service", "A service on the house", 2500),
    ("replacement", "A replacement, delivered", 3000),
    ("refund", "A refund of what went wrong", 0),
];

/// Whether a gesture is something the customer still comes for — a discount on the next
/// order, a voucher to spend, or any gesture whose description says it is for next time
/// ("a coffee on us for your next visit") — rather than given already (a gift, a
/// service, a replacement, a refund). Only the first is "for your next visit" in a
/// letter and honoured when the watch alert fires; the second is told as done.
pub fn is_for_next_time(gesture: &str, description: &str) -> bool {
    let description = description.to_lowercase();
    matches!(gesture.trim().to_ascii_lowercase().as_str(), "discount" | "voucher")
        || ["next visit", "next order", "next time", "next purchase", "next delivery"]
            .iter()
            .any(|words| description.contains(words))
}

/// What was promised for the customer's next time and is still to be honoured: the
/// next-time gestures recorded since staff last recorded how a next time went (which
/// closes them), their descriptions oldest first.
pub fn open_next_time_promises(events: &[crate::playbook::Event]) -> Vec<String> {
    use crate::playbook::EventKind;
    let since = events.iter().rposition(|e| matches!(e.kind, EventKind::NextTimeRecorded { .. })).map_or(0, |i| i + 1);
    events[since..]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::GestureRecorded { gesture, description, .. } if is_for_next_time(gesture, description) => {
                Some(description.clone())
            }
            _ => None,
        })
        .collect()
}

/// What the suggestion weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GestureContext {
    pub severity: Severity,
    /// Orders and visits less refunds, in minor units (the largest currency).
    pub lifetime_value_minor: i64,
    /// Complaints from the same customer in the last 90 days, this one included.
    pub recent_complaints: i64,
}

/// The part of the lifetime value a gesture may spend (in basis points: 300 = 3 %).
const VALUE_SHARE_BP: i64 = 300;
/// A gesture never suggests more than this (minor units).
const CAP_MINOR: i64 = 25_000;

fn base(severity: Severity) -> i64 {
    match severity {
        Severity::Low => 500,
        Severity::Normal => 1_000,
        Severity::High => 2_500,
        Severity::Critical => 5_000,
    }
}

/// The suggested size of a gesture in minor units, rounded to whole units of the
/// currency: a base by severity, plus a share of the lifetime value scaled by
/// severity, half as much again for a repeat complaint, capped.
pub fn suggested_gesture_minor(ctx: GestureContext) -> i64 {
    let value = ctx.lifetime_value_minor.max(0);
    let weight = match ctx.severity {
        Severity::Low => 1,
        Severity::Normal => 2,
        Severity::High => 3,
        Severity::Critical => 4,
    };
    // Integer arithmetic only: money is never a float.
    let share = value.saturating_mul(VALUE_SHARE_BP).saturating_mul(weight) / (10_000 * 4);
    let mut size = base(ctx.severity).saturating_add(share);
    if ctx.recent_complaints > 1 {
        size = size.saturating_add(size / 2);
    }
    let capped = size.min(CAP_MINOR);
    // Round to whole units (down: never above the cap).
    capped - capped % 100
}

/// What a staff member may give without asking, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GestureLimits {
    /// What an agent may give on one case, all gestures on it together.
    pub agent_per_case_minor: i64,
    /// What one agent may give in a calendar month, all cases together.
    pub agent_per_month_minor: i64,
    /// What all gestures together may cost in a calendar month.
    pub monthly_budget_minor: i64,
}

/// What was already given, in the gesture's currency, before this one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GivenSoFar {
    /// On this case, by anyone.
    pub case_minor: i64,
    /// By this staff member this month, on any case.
    pub by_giver_this_month_minor: i64,
    /// By everyone this month.
    pub this_month_minor: i64,
}

named_enum!(
    /// A gesture held for a manager: `Pending` until one approves it (it is recorded on
    /// the case then) or declines it. A decided approval is not decided again.
    ApprovalStatus, unknown "approval status",
    Pending => "pending", Approved => "approved", Declined => "declined",
);

impl ApprovalStatus {
    pub fn decided(approve: bool) -> Self {
        if approve { ApprovalStatus::Approved } else { ApprovalStatus::Declined }
    }
}

/// Why a gesture waits for a manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalReason {
    /// With what the case already had, it is above an agent's limit per case.
    AboveCaseLimit,
    /// With what the agent gave this month, it is above an agent's monthly limit.
    AboveMonthlyLimit,
    /// With what was given this month, it is past the month's budget.
    PastBudget,
}

impl ApprovalReason {
    pub fn sentence(self) -> &'static str {
        match self {
            ApprovalReason::AboveCaseLimit => "with what this case was already given, the gesture is above your limit",
            ApprovalReason::AboveMonthlyLimit => {
                "with what you gave this month, the gesture is above your monthly limit"
            }
            ApprovalReason::PastBudget => "the gesture would take this month's gestures past the budget",
        }
    }
}

impl std::fmt::Display for ApprovalReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.sentence())
    }
}

/// Whether a gesture of `cost_minor` given by someone of `role` waits for a manager.
/// Limits count what was already given, so one gesture split into several is judged
/// as the whole; managers and admins decide for themselves.
pub fn needs_approval(role: Role, cost_minor: i64, given: GivenSoFar, limits: GestureLimits) -> Option<ApprovalReason> {
    if role.at_least(Role::Manager) {
        return None;
    }
    let with = |before: i64| before.saturating_add(cost_minor);
    if with(given.case_minor) > limits.agent_per_case_minor {
        Some(ApprovalReason::AboveCaseLimit)
    } else if with(given.by_giver_this_month_minor) > limits.agent_per_month_minor {
        Some(ApprovalReason::AboveMonthlyLimit)
    } else if with(given.this_month_minor) > limits.monthly_budget_minor {
        Some(ApprovalReason::PastBudget)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_discount_or_a_gift_for_the_next_visit_is_promised_for_next_time() {
        assert!(is_for_next_time("discount", "10 % off"));
        assert!(is_for_next_time("gift", "A croissant on us for your Next Visit"));
        assert!(!is_for_next_time("refund", "The bread, refunded today"));
    }

    #[test]
    fn recording_the_next_time_closes_its_promise() {
        use crate::playbook::{Actor, Event, EventKind};
        let at = time::macros::datetime!(2026-11-02 09:00 UTC);
        let ev = |kind| Event { at, actor: Actor::Staff { user_id: 1 }, kind };
        let gesture = |g: &str, d: &str| {
            ev(EventKind::GestureRecorded {
                gesture: g.into(),
                description: d.into(),
                cost_minor: 500,
                currency: "EUR".into(),
            })
        };
        let mut events = vec![gesture("refund", "The loaf, refunded"), gesture("gift", "A cake for your next visit")];
        assert_eq!(open_next_time_promises(&events), vec!["A cake for your next visit".to_owned()]);
        events.push(ev(EventKind::NextTimeRecorded { note: "Gave her the cake".into() }));
        assert!(open_next_time_promises(&events).is_empty());
    }

    fn ctx(severity: Severity, value: i64, recent: i64) -> GestureContext {
        GestureContext { severity, lifetime_value_minor: value, recent_complaints: recent }
    }

    #[test]
    fn a_new_customer_gets_the_base_for_the_severity() {
        assert_eq!(suggested_gesture_minor(ctx(Severity::Low, 0, 1)), 500);
        assert_eq!(suggested_gesture_minor(ctx(Severity::Normal, 0, 1)), 1_000);
        assert_eq!(suggested_gesture_minor(ctx(Severity::Critical, 0, 1)), 5_000);
    }

    #[test]
    fn a_valuable_customer_gets_more() {
        // 3 % of 2000.00 at normal weight (2/4) = 30.00, plus the 10.00 base.
        assert_eq!(suggested_gesture_minor(ctx(Severity::Normal, 200_000, 1)), 4_000);
        // Critical: 3 % in full = 60.00, plus 50.00.
        assert_eq!(suggested_gesture_minor(ctx(Severity::Critical, 200_000, 1)), 11_000);
        assert!(
            suggested_gesture_minor(ctx(Severity::Normal, 500_000, 1))
                > suggested_gesture_minor(ctx(Severity::Normal, 50_000, 1))
        );
    }

    #[test]
    fn severity_weighs_more_at_the_same_value() {
        let sizes: Vec<i64> = [Severity::Low, Severity::Normal, Severity::High, Severity::Critical]
            .into_iter()
            .map(|s| suggested_gesture_minor(ctx(s, 100_000, 1)))
            .collect();
        assert!(sizes.windows(2).all(|w| w[0] < w[1]), "{sizes:?}");
    }

    #[test]
    fn a_repeat_complaint_adds_half() {
        assert_eq!(suggested_gesture_minor(ctx(Severity::Normal, 0, 2)), 1_500);
    }

    #[test]
    fn it_stays_a_gesture_and_in_whole_units() {
        assert_eq!(suggested_gesture_minor(ctx(Severity::Critical, i64::MAX, 5)), CAP_MINOR);
        assert_eq!(suggested_gesture_minor(ctx(Severity::Low, 12_345, 1)) % 100, 0);
        assert_eq!(suggested_gesture_minor(ctx(Severity::Low, -5_000, 1)), 500, "refunds never go below the base");
    }

    const LIMITS: GestureLimits =
        GestureLimits { agent_per_case_minor: 2_000, agent_per_month_minor: 5_000, monthly_budget_minor: 10_000 };

    #[test]
    fn a_gesture_split_in_parts_is_judged_whole() {
        let none = GivenSoFar::default();
        assert_eq!(needs_approval(Role::Agent, 2_000, none, LIMITS), None, "up to the limit");
        let after_one = GivenSoFar { case_minor: 2_000, by_giver_this_month_minor: 2_000, this_month_minor: 2_000 };
        assert_eq!(needs_approval(Role::Agent, 2_000, after_one, LIMITS), Some(ApprovalReason::AboveCaseLimit));
        assert_eq!(needs_approval(Role::Agent, 1, after_one, LIMITS), Some(ApprovalReason::AboveCaseLimit));
    }

    #[test]
    fn an_agent_has_a_monthly_limit_across_cases() {
        let given = GivenSoFar { case_minor: 0, by_giver_this_month_minor: 4_000, this_month_minor: 4_000 };
        assert_eq!(needs_approval(Role::Agent, 1_000, given, LIMITS), None);
        assert_eq!(needs_approval(Role::Agent, 1_001, given, LIMITS), Some(ApprovalReason::AboveMonthlyLimit));
    }

    #[test]
    fn past_the_budget_a_manager_decides() {
        let given = GivenSoFar { case_minor: 0, by_giver_this_month_minor: 0, this_month_minor: 9_500 };
        assert_eq!(needs_approval(Role::Agent, 500, given, LIMITS), None);
        assert_eq!(needs_approval(Role::Agent, 501, given, LIMITS), Some(ApprovalReason::PastBudget));
        assert_eq!(needs_approval(Role::Manager, 501, given, LIMITS), None);
        let huge = GivenSoFar { case_minor: i64::MAX, by_giver_this_month_minor: i64::MAX, this_month_minor: i64::MAX };
        assert_eq!(needs_approval(Role::Admin, i64::MAX, huge, LIMITS), None);
        assert_eq!(needs_approval(Role::Agent, i64::MAX, huge, LIMITS), Some(ApprovalReason::AboveCaseLimit));
    }

    #[test]
    fn the_catalogue_names_every_kind_once() {
        let mut kinds: Vec<&str> = CATALOGUE.iter().map(|(k, _, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 6);
    }

    #[test]
    fn only_what_the_customer_still_comes_for_is_for_the_next_visit() {
        assert!(is_for_next_time("voucher", "") && is_for_next_time("Discount", ""));
        for given in ["gift", "free_service", "free service", "replacement", "refund"] {
            assert!(!is_for_next_time(given, "A cake today"), "{given}");
        }
    }
}
