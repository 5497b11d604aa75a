//! Proof that the service improved, and the customers it wins back: when a problem is
//! fixed, everyone a case linked to it was told what changed, personally (their case,
//! their own words), with an invitation back; a lost customer may be offered a gesture.
//! A lost customer whose next order comes after the proof is **won back**. And a walking
//! testimonial: a retained customer who said they were satisfied may be asked whether
//! they would recommend us, never a lost or unhappy one.
//!
//! Pure rules only; the store keeps one recipient per customer per problem, so a proof
//! sent twice tells nobody twice.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::gesture::{GestureLimits, GivenSoFar, needs_approval};
use crate::playbook::{Outcome, Playbook, Refusal};
use crate::problem::ProblemStatus;
use crate::staff::Role;

/// Who may tell everyone a problem affected: a manager (or the owner).
pub const PROVES: Role = Role::Manager;

/// Only a fixed or verified problem has changed anything to prove.
pub fn proof_allowed(status: ProblemStatus) -> Result<(), Refusal> {
    if status.counts_as_recurrence() {
        return Ok(());
    }
    Err(Refusal::order(
        "proof_needs_fixed_problem",
        format!(
            "The problem is {}: customers hear what changed only once it is fixed. Mark it fixed (with its \
             corrective and preventive actions), then tell everyone it affected.",
            status.as_str()
        ),
        vec![],
    ))
}

/// What a lost customer is offered with the proof, to come back for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProofGesture {
    /// The kind, as a gesture's (`discount`, `voucher`, `gift`…).
    pub gesture: String,
    /// What they are offered, as they will read it ("10 % off your next order").
    pub description: String,
    /// What it costs for one customer, in minor units.
    pub cost_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// A proof's gesture that is not one: refused as invalid, about the gesture.
fn gesture_invalid(rule: &'static str, message: &str) -> Result<(), Refusal> {
    Err(Refusal::invalid(rule, message).about("gesture"))
}

/// A proof's gesture goes to every lost customer at once, so it is weighed whole (its
/// cost times the lost customers) by the gesture rules of the sender's role; as there is
/// nobody above a manager to hold a bulk offer for, one past the month's budget is
/// refused rather than held: offer less, or send the proof without it.
pub fn gesture_allowed(
    role: Role,
    gesture: &ProofGesture,
    lost_customers: i64,
    given: GivenSoFar,
    limits: GestureLimits,
) -> Result<(), Refusal> {
    if gesture.description.trim().is_empty() || gesture.gesture.trim().is_empty() {
        return gesture_invalid("proof_gesture_words", "Say what the gesture is and what it gives them.");
    }
    if gesture.cost_minor <= 0 {
        return gesture_invalid("proof_gesture_cost", "A gesture's cost is more than nothing.");
    }
    let total = gesture.cost_minor.saturating_mul(lost_customers.max(0));
    if let Some(reason) = needs_approval(role, total, given, limits) {
        let message = format!("Only a manager offers a gesture with a proof: {reason}.");
        return Err(Refusal::order("proof_gesture_needs_approval", message, vec![]).about("gesture"));
    }
    if given.this_month_minor.saturating_add(total) > limits.monthly_budget_minor {
        let left = (limits.monthly_budget_minor - given.this_month_minor).max(0);
        let message = format!(
            "The gesture for {lost_customers} lost customer(s) would cost {} in all, past this month's budget \
                 ({} left): offer less, or send the proof without it.",
            crate::format_money(total, &gesture.currency),
            crate::format_money(left, &gesture.currency)
        );
        return Err(Refusal::order("proof_gesture_past_budget", message, vec![]).about("gesture"));
    }
    Ok(())
}

/// How many characters of the customer's own words a proof quotes.
pub const QUOTE_CHARS: usize = 140;

/// The customer's words, quoted briefly: one line, cut at a word with "…" when long.
pub fn brief_quote(words: &str) -> String {
    let line = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= QUOTE_CHARS {
        return line;
    }
    let cut: String = line.chars().take(QUOTE_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > QUOTE_CHARS / 2 => &cut[..at],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

/// The invitation back, by how their case ended: a lost customer is asked back, one we
/// kept thanked, one whose case is still open told it goes on.
pub fn invitation(outcome: Option<Outcome>) -> &'static str {
    match outcome {
        Some(Outcome::Lost) => {
            "We know we lost your trust. We would be glad of the chance to show you the difference ourselves: \
             come and see us again."
        }
        Some(Outcome::Retained) => {
            "Thank you for staying with us. Come and see the difference next time; we would love to hear what you \
             think."
        }
        None => {
            "Your case is still open with us and we are seeing it through. When you next visit, we hope you notice \
             the difference."
        }
    }
}

/// A lost customer told what changed is won back by their next order after the proof.
pub fn won_back(outcome: Option<Outcome>, told_at: OffsetDateTime, order_at: OffsetDateTime) -> bool {
    outcome == Some(Outcome::Lost) && order_at > told_at
}

/// Won back of the lost customers told, None when no lost customer was told.
pub fn win_back_rate(won_back: i64, lost_told: i64) -> Option<f64> {
    (lost_told > 0).then(|| won_back as f64 / lost_told as f64)
}

/// A walking testimonial is asked only of a customer we kept who said they were
/// satisfied: the latest follow-up answer satisfied, and the case not lost. Never a lost
/// or unhappy one.
pub fn may_ask_testimonial(playbook: &Playbook) -> bool {
    playbook.satisfied_follow_up() && playbook.outcome() != Some(Outcome::Lost)
}

/// How many characters a testimonial's few words may have.
pub const TESTIMONIAL_CHARS: usize = 500;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playbook::{Actor, Event, EventKind};
    use crate::{Channel, Severity};

    #[test]
    fn only_a_fixed_or_verified_problem_is_proven() {
        assert!(proof_allowed(ProblemStatus::Fixed).is_ok());
        assert!(proof_allowed(ProblemStatus::Verified).is_ok());
        let refused = proof_allowed(ProblemStatus::Fixing).unwrap_err();
        assert_eq!(refused.rule, "proof_needs_fixed_problem");
        assert!(refused.message.contains("fixing"), "{}", refused.message);
        assert!(proof_allowed(ProblemStatus::Open).is_err());
    }

    const LIMITS: GestureLimits =
        GestureLimits { agent_per_case_minor: 2_000, agent_per_month_minor: 5_000, monthly_budget_minor: 10_000 };

    fn voucher(cost: i64) -> ProofGesture {
        ProofGesture {
            gesture: "voucher".into(),
            description: "A coffee on us".into(),
            cost_minor: cost,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn a_proof_gesture_is_weighed_whole_and_stays_in_the_budget() {
        let given = GivenSoFar { case_minor: 0, by_giver_this_month_minor: 0, this_month_minor: 6_000 };
        assert!(gesture_allowed(Role::Manager, &voucher(1_000), 4, given, LIMITS).is_ok());
        let refused = gesture_allowed(Role::Manager, &voucher(1_000), 5, given, LIMITS).unwrap_err();
        assert_eq!(refused.rule, "proof_gesture_past_budget");
        assert!(refused.message.contains("€50.00") && refused.message.contains("€40.00"), "{}", refused.message);
        let agent = gesture_allowed(Role::Agent, &voucher(1_000), 3, GivenSoFar::default(), LIMITS).unwrap_err();
        assert_eq!(agent.rule, "proof_gesture_needs_approval");
        assert_eq!(
            gesture_allowed(Role::Manager, &voucher(0), 1, given, LIMITS).unwrap_err().rule,
            "proof_gesture_cost"
        );
    }

    #[test]
    fn a_long_complaint_is_quoted_briefly_at_a_word() {
        assert_eq!(brief_quote("  The cake\nwas late.  "), "The cake was late.");
        let long = "word ".repeat(60);
        let quoted = brief_quote(&long);
        assert!(quoted.ends_with("word…") && quoted.chars().count() <= QUOTE_CHARS + 1, "{quoted}");
    }

    #[test]
    fn only_a_lost_customers_next_order_after_the_proof_wins_them_back() {
        let told = time::macros::datetime!(2026-12-01 10:00 UTC);
        let later = time::macros::datetime!(2026-12-02 10:00 UTC);
        assert!(won_back(Some(Outcome::Lost), told, later));
        assert!(!won_back(Some(Outcome::Lost), later, told));
        assert!(!won_back(Some(Outcome::Retained), told, later));
        assert!(!won_back(None, told, later));
        assert_eq!(win_back_rate(1, 4), Some(0.25));
        assert_eq!(win_back_rate(0, 0), None);
    }

    fn case_with(answer: Option<(u8, Option<bool>)>, outcome: Option<Outcome>) -> Playbook {
        let at = time::macros::datetime!(2026-11-02 09:00 UTC);
        let ev = |kind| Event { at, actor: Actor::Staff { user_id: 1 }, kind };
        let mut events = vec![ev(EventKind::Opened {
            channel: Channel::Email,
            severity: Severity::Normal,
            escalate_because: vec![],
        })];
        if let Some((satisfaction, satisfied)) = answer {
            events.push(ev(EventKind::FollowUpScheduled { due: at, channel: "email".into() }));
            events.push(Event {
                actor: Actor::Customer,
                ..ev(EventKind::FollowUpRecorded { satisfaction, words: String::new(), satisfied })
            });
        }
        if let Some(outcome) = outcome {
            events.push(ev(EventKind::OutcomeRecorded { outcome, reason: "as it went".into() }));
        }
        Playbook::replay(&events)
    }

    #[test]
    fn a_testimonial_is_asked_only_of_a_satisfied_customer_we_kept() {
        assert!(may_ask_testimonial(&case_with(Some((5, Some(true))), Some(Outcome::Retained))));
        assert!(!may_ask_testimonial(&case_with(Some((5, Some(true))), Some(Outcome::Lost))), "never a lost one");
        assert!(!may_ask_testimonial(&case_with(Some((2, None)), None)), "never an unhappy one");
        assert!(!may_ask_testimonial(&case_with(Some((5, Some(false))), None)), "a 'no' is unhappy");
        assert!(!may_ask_testimonial(&case_with(None, Some(Outcome::Retained))), "retained by decision alone");
    }
}
