//! Gestures: what a business gives beyond the fix, and how big it should be.
//!
//! "A few dollars can keep an account worth thousands": the suggested size grows with
//! what the customer is worth to the business and with how bad the failure was, and
//! stays a gesture (capped), not a second refund.

use crate::Severity;

/// The kinds of gesture, with a default value in minor units for the catalogue.
pub const CATALOGUE: &[(&str, &str, i64)] = &[
    ("discount", "A discount on the next order", 1000),
    ("voucher", "A voucher to spend with us", 1500),
    ("gift", "A small gift chosen for them", 2000),
    ("free_service", "A service on the house", 2500),
    ("replacement", "A replacement, delivered", 3000),
    ("refund", "A refund of what went wrong", 0),
];

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_catalogue_names_every_kind_once() {
        let mut kinds: Vec<&str> = CATALOGUE.iter().map(|(k, _, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(kinds.len(), 6);
    }
}
