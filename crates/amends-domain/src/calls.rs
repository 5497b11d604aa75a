//! A personal touch for disclosures (issue 22 §4): a disclosure made a call list. Its
//! customers are rung, most valuable first, from a script made of the coached notice;
//! each call's outcome is kept with the concerns heard in their words; those reached
//! hear it from a person and get no mail or letter, the rest are told as the notice
//! says once the time set for calling has passed.

use time::Duration;

use crate::case::named_enum;

named_enum!(
    /// How a call went: `Reached` (they heard it from us: no notice follows),
    /// `MessageLeft` (a voicemail or a message with someone), `NoAnswer`.
    CallOutcome, unknown "call outcome",
    Reached => "reached", MessageLeft => "message_left", NoAnswer => "no_answer",
);

/// How long staff may call before the notice goes to those not reached: an hour to 30
/// days.
pub fn calling_time(hours: i64) -> Result<Duration, &'static str> {
    if (1..=24 * 30).contains(&hours) {
        Ok(Duration::hours(hours))
    } else {
        Err("the time for calling is 1 hour to 30 days (720 hours)")
    }
}

/// The call script: the coached notice said by a person, with a question that lets them
/// say what worries them. `{first_name}` is the customer's, filled in per call.
pub fn call_script(business: &str, title: &str, explanation: &str, solution: &str) -> String {
    let business = if business.trim().is_empty() { "us" } else { business.trim() };
    format!(
        "Hello {{first_name}}, this is [your name] from {business}. I am calling you personally, before \
         anything is sent, about: {title}.\n\n{explanation}\n\n{solution}\n\n\
         Has it affected you, or is there anything about it that worries you? \
         (Write down what they say, in their words.)\n\n\
         Thank you for hearing it from me. You can call us back on this number whenever you need to.",
        title = title.trim(),
        explanation = explanation.trim(),
        solution = solution.trim(),
    )
}

/// The script for one customer: `{first_name}` filled in.
pub fn script_for(script: &str, customer_name: &str) -> String {
    script.replace("{first_name}", crate::step::first_name(customer_name))
}

/// Whether a call's outcome means the customer heard it from us (no notice follows).
pub fn reached(outcome: CallOutcome) -> bool {
    outcome == CallOutcome::Reached
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_says_the_notice_and_asks_what_worries_them() {
        let script = call_script("Corner Bakery", "Nuts in the rye bread", "A batch had walnuts.", "It is recalled.");
        let for_grace = script_for(&script, "Grace Obi");
        assert!(for_grace.starts_with("Hello Grace, this is [your name] from Corner Bakery."), "{for_grace}");
        assert!(for_grace.contains("A batch had walnuts.\n\nIt is recalled."));
        assert!(for_grace.contains("anything about it that worries you"));
    }

    #[test]
    fn calling_takes_an_hour_to_thirty_days() {
        assert!(calling_time(0).is_err() && calling_time(721).is_err());
        assert_eq!(calling_time(48), Ok(Duration::hours(48)));
        assert_eq!("message_left".parse::<CallOutcome>(), Ok(CallOutcome::MessageLeft));
        assert!(reached(CallOutcome::Reached) && !reached(CallOutcome::NoAnswer));
    }
}
