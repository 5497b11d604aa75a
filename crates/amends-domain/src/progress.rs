//! Where a case stands, as the customer reads it on their status page: what they told
//! us, what we have done, what they are waiting for and what comes next, in their
//! words. Never the playbook's step names, staff notes or internal events, and never a
//! surprise gesture before it has been given.

use time::OffsetDateTime;

use crate::playbook::{DuePolicy, Event, EventKind, Playbook, Step, StepStatus};

/// Something the customer can know happened on their case, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub at: OffsetDateTime,
    pub what: String,
}

/// What the customer waits for: our next word by a time, or their own answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaited {
    pub what: String,
    /// By when, when we promised a time.
    pub by: Option<OffsetDateTime>,
}

/// The customer's view of their case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// The case is over for the customer: closed, or put right and followed up.
    pub finished: bool,
    /// Their own words after the complaint: corrections, wishes, messages.
    pub their_words: Vec<String>,
    pub done: Vec<Done>,
    pub waiting_for: Option<Awaited>,
    /// What we do next, when the case is not finished.
    pub next: Option<String>,
}

/// What comes next, in the customer's words; None for a step they are not told of
/// (an escalation is internal, a gesture is a surprise, the watch is ours).
fn next_words(step: Step) -> Option<&'static str> {
    Some(match step {
        Step::Hear => "We will read your message in full.",
        Step::Restate => "We will write back what we understood, so you can check we got it right.",
        Step::Apologise => "We will write to you personally about what went wrong.",
        Step::Offer => "We will offer you two ways to put it right, and you choose.",
        Step::Fix => "We will put it right, as agreed with you.",
        Step::FollowUp => "We will ask you whether we put it right.",
        // Prevention is told in honest tense where it is known (the follow-up).
        Step::Escalate | Step::Gesture | Step::Prevent | Step::Watch => return None,
    })
}

/// The customer's view of a case from its timeline. `now` dates nothing; `policy` says
/// when the next steps are due.
pub fn progress<'a>(events: impl IntoIterator<Item = &'a Event> + Clone, policy: &DuePolicy) -> Progress {
    let playbook = Playbook::replay(events.clone());
    let mut done = Vec::new();
    let mut their_words = Vec::new();
    let mut options: Vec<String> = Vec::new();
    let mut promised: Option<(String, OffsetDateTime)> = None;
    for event in events {
        let at = event.at;
        let mut say = |what: String| done.push(Done { at, what });
        match &event.kind {
            EventKind::Opened { .. } => say("We received your message.".to_owned()),
            EventKind::RestatementWritten { .. } => {
                say("We wrote back what we understood, for you to check.".to_owned())
            }
            EventKind::RestatementConfirmed { by_customer: true } => say("You confirmed we understood.".to_owned()),
            EventKind::RestatementConfirmed { by_customer: false } => {
                say("We agreed with you on what went wrong.".to_owned())
            }
            EventKind::RestatementCorrected { correction } => {
                their_words.push(correction.clone());
                say("You corrected what we understood.".to_owned());
            }
            EventKind::WishStated { text } => their_words.push(text.clone()),
            EventKind::CustomerWrote { text, new_words, .. } => {
                their_words.push(new_words.clone().unwrap_or_else(|| text.clone()))
            }
            EventKind::AlternativeProposed { text } => {
                their_words.push(text.clone());
                say("You suggested another way to put it right.".to_owned());
            }
            EventKind::Apologised { .. } => say("We apologised to you.".to_owned()),
            EventKind::OptionsOffered { options: offered } => {
                options.clone_from(offered);
                say("We offered you two ways to put it right.".to_owned());
            }
            EventKind::OptionChosen { option } => match options.get(usize::from(*option).saturating_sub(1)) {
                Some(chosen) => say(format!("You chose: {chosen}")),
                None => say("You chose how we put it right.".to_owned()),
            },
            EventKind::AlternativeAccepted => say("We agreed to your suggestion.".to_owned()),
            EventKind::AlternativeDeclined { .. } => {
                say("We wrote to you about your suggestion; the two ways we offered still stand.".to_owned())
            }
            // Told once it is given, never before: it is a surprise.
            EventKind::GestureRecorded { .. } => say("We added something of our own, to say sorry.".to_owned()),
            EventKind::FixPromised { what, due } => {
                promised = Some((what.clone(), *due));
                say(format!("We promised: {what}"));
            }
            EventKind::FixDone { note, .. } => {
                promised = None;
                say(if note.trim().is_empty() {
                    "We put it right.".to_owned()
                } else {
                    format!("We put it right: {}", note.trim())
                });
            }
            EventKind::FollowUpRecorded { .. } => say("You told us whether we put it right. Thank you.".to_owned()),
            EventKind::Replied { .. } => say("We wrote to you.".to_owned()),
            EventKind::OutcomeRecorded { .. } => say("Your case was closed.".to_owned()),
            EventKind::Reopened { .. } => say("We opened your case again.".to_owned()),
            _ => {}
        }
    }
    let finished = playbook.outcome().is_some()
        || (playbook.is_resolved(Step::Fix) && playbook.is_resolved(Step::FollowUp) && !playbook.fix_reopened());
    if finished {
        return Progress { finished, their_words, done, waiting_for: None, next: None };
    }
    let steps = playbook.steps(policy);
    let state = |step: Step| steps.iter().find(|s| s.step == step);
    let on_them = |step: Step| state(step).is_some_and(|s| s.status == StepStatus::AwaitingCustomer);
    // The first step still ours to take that the customer may hear of (one waiting on
    // their answer is what they wait for, not what we do next).
    let upcoming = steps.iter().find(|s| {
        matches!(s.status, StepStatus::Due | StepStatus::Waiting | StepStatus::InProgress)
            && next_words(s.step).is_some()
    });
    let waiting_for = if on_them(Step::Restate) {
        Some(Awaited {
            what: "Your answer: please tell us whether we understood you (the link is in our email).".to_owned(),
            by: None,
        })
    } else if on_them(Step::Offer) {
        Some(Awaited {
            what: "Your choice of the two ways we offered (the link is in our email).".to_owned(),
            by: None,
        })
    } else if let Some((what, due)) = promised {
        Some(Awaited { what, by: Some(due) })
    } else if let Some(s) = state(Step::FollowUp).filter(|s| s.status == StepStatus::InProgress) {
        Some(Awaited { what: "We will ask you whether we put it right.".to_owned(), by: s.due_at })
    } else {
        upcoming.map(|s| Awaited { what: "Our next message to you.".to_owned(), by: s.due_at })
    };
    let next = upcoming.and_then(|s| next_words(s.step)).map(str::to_owned);
    Progress { finished, their_words, done, waiting_for, next }
}
