//! Where a case stands, as the customer reads it on their status page: what they told
//! us, what we have done, what they are waiting for and what comes next, in their
//! words. Never the playbook's step names, staff notes or internal events, and never a
//! surprise gesture before it has been given.
//!
//! The domain says which sentence, not its words: each is a [`Sentence`], a message id
//! (`status-…`, in the web's Fluent files) with its arguments, so the page says it in
//! the customer's language without the domain knowing any.

use time::OffsetDateTime;

use crate::playbook::{DuePolicy, Event, EventKind, Playbook, Step, StepStatus};

/// One sentence of the status page: a message id and its arguments (words staff or the
/// customer wrote, shown as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub id: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Sentence {
    fn plain(id: &'static str) -> Sentence {
        Sentence { id, args: Vec::new() }
    }

    fn with(id: &'static str, name: &'static str, value: impl Into<String>) -> Sentence {
        Sentence { id, args: vec![(name, value.into())] }
    }
}

/// Something the customer can know happened on their case, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    pub at: OffsetDateTime,
    pub what: Sentence,
}

/// What the customer waits for: our next word by a time, or their own answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Awaited {
    pub what: Sentence,
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
    pub next: Option<Sentence>,
}

/// What comes next, in the customer's words; None for a step they are not told of
/// (an escalation is internal, a gesture is a surprise, the watch is ours).
fn next_words(step: Step) -> Option<&'static str> {
    Some(match step {
        Step::Hear => "status-next-hear",
        Step::Restate => "status-next-restate",
        Step::Apologise => "status-next-apologise",
        Step::Offer => "status-next-offer",
        Step::Fix => "status-next-fix",
        Step::FollowUp => "status-next-follow-up",
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
        let mut say = |what: Sentence| done.push(Done { at, what });
        match &event.kind {
            EventKind::Opened { .. } => say(Sentence::plain("status-done-received")),
            EventKind::RestatementWritten { .. } => say(Sentence::plain("status-done-restated")),
            EventKind::RestatementConfirmed { by_customer: true } => say(Sentence::plain("status-done-confirmed")),
            EventKind::RestatementConfirmed { by_customer: false } => say(Sentence::plain("status-done-agreed")),
            EventKind::RestatementCorrected { correction } => {
                their_words.push(correction.clone());
                say(Sentence::plain("status-done-corrected"));
            }
            EventKind::WishStated { text } => their_words.push(text.clone()),
            EventKind::CustomerWrote { text, new_words, .. } => {
                their_words.push(new_words.clone().unwrap_or_else(|| text.clone()))
            }
            EventKind::AlternativeProposed { text } => {
                their_words.push(text.clone());
                say(Sentence::plain("status-done-suggested"));
            }
            EventKind::Apologised { .. } => say(Sentence::plain("status-done-apologised")),
            EventKind::OptionsOffered { options: offered } => {
                options.clone_from(offered);
                say(Sentence::plain("status-done-offered"));
            }
            EventKind::OptionChosen { option } => match options.get(usize::from(*option).saturating_sub(1)) {
                Some(chosen) => say(Sentence::with("status-done-chose", "option", chosen.as_str())),
                None => say(Sentence::plain("status-done-chose-unknown")),
            },
            EventKind::AlternativeAccepted => say(Sentence::plain("status-done-suggestion-accepted")),
            EventKind::AlternativeDeclined { .. } => say(Sentence::plain("status-done-suggestion-declined")),
            // Told once it is given, never before: it is a surprise.
            EventKind::GestureRecorded { .. } => say(Sentence::plain("status-done-gesture")),
            EventKind::FixPromised { what, due } => {
                promised = Some((what.clone(), *due));
                say(Sentence::with("status-done-promised", "what", what.as_str()));
            }
            EventKind::FixDone { note, .. } => {
                promised = None;
                say(if note.trim().is_empty() {
                    Sentence::plain("status-done-fixed")
                } else {
                    Sentence::with("status-done-fixed-how", "how", note.trim())
                });
            }
            EventKind::FollowUpRecorded { .. } => say(Sentence::plain("status-done-followed-up")),
            EventKind::Replied { .. } => say(Sentence::plain("status-done-replied")),
            EventKind::OutcomeRecorded { .. } => say(Sentence::plain("status-done-closed")),
            EventKind::Reopened { .. } => say(Sentence::plain("status-done-reopened")),
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
        Some(Awaited { what: Sentence::plain("status-waiting-restatement"), by: None })
    } else if on_them(Step::Offer) {
        Some(Awaited { what: Sentence::plain("status-waiting-choice"), by: None })
    } else if let Some((what, due)) = promised {
        Some(Awaited { what: Sentence::with("status-waiting-promised", "what", what), by: Some(due) })
    } else if let Some(s) = state(Step::FollowUp).filter(|s| s.status == StepStatus::InProgress) {
        Some(Awaited { what: Sentence::plain("status-next-follow-up"), by: s.due_at })
    } else {
        upcoming.map(|s| Awaited { what: Sentence::plain("status-waiting-our-message"), by: s.due_at })
    };
    let next = upcoming.and_then(|s| next_words(s.step)).map(Sentence::plain);
    Progress { finished, their_words, done, waiting_for, next }
}
