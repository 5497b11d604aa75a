//! The language coach at the door: every text staff send a customer is reviewed, and a
//! text with a high-severity finding (blame, hiding behind policy, over-promising…)
//! goes out only with a reason to send it anyway, which lands on the timeline.

use amends_coach::{Coach, Purpose, Review};
use amends_domain::playbook::EventKind;

/// The purpose and words of an outgoing text, or None for a step that sends nothing.
pub fn outgoing_text(kind: &EventKind) -> Option<(Purpose, String)> {
    match kind {
        EventKind::RestatementWritten { text } => Some((Purpose::Restatement, text.clone())),
        EventKind::Apologised { text } => Some((Purpose::Apology, text.clone())),
        EventKind::OptionsOffered { options } => Some((Purpose::Offer, options.join("\n"))),
        EventKind::FixPromised { what, .. } => Some((Purpose::Fix, what.clone())),
        EventKind::MessageScheduled { text, .. } => Some((Purpose::Other, text.clone())),
        _ => None,
    }
}

pub enum Gate {
    /// Nothing to say, or only advice: send.
    Pass,
    /// Send, and record this override on the timeline.
    Overridden(EventKind),
    /// Held back: the findings staff must see first.
    Held(Review),
}

pub fn gate(coach: &Coach, kind: &EventKind, override_reason: Option<&str>) -> Gate {
    let Some((purpose, text)) = outgoing_text(kind) else { return Gate::Pass };
    let review = coach.review(&text, purpose);
    if !review.has_high() {
        return Gate::Pass;
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => {
            let mut kinds: Vec<String> = review
                .findings
                .iter()
                .filter(|f| f.severity == amends_coach::Severity::High)
                .map(|f| f.kind.as_str().to_owned())
                .collect();
            kinds.dedup();
            Gate::Overridden(EventKind::CoachOverridden { kinds, reason: reason.to_owned() })
        }
        None => Gate::Held(review),
    }
}

/// The coach's purpose for a step name from a client (`apology`, `offer`, …).
pub fn purpose_of(step: Option<&str>) -> Purpose {
    match step.unwrap_or("") {
        "restate" | "restatement" => Purpose::Restatement,
        "apologise" | "apology" => Purpose::Apology,
        "offer" => Purpose::Offer,
        "gesture" => Purpose::Gesture,
        "fix" => Purpose::Fix,
        "follow_up" => Purpose::FollowUp,
        "letter" => Purpose::Letter,
        "disclosure" => Purpose::Disclosure,
        other => other.parse().unwrap_or(Purpose::Other),
    }
}
