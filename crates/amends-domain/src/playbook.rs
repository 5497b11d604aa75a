//! The recovery playbook: ten steps every case moves through, as a state machine over
//! an append-only list of events.
//!
//! A case's state is never stored on its own: it is what its events add up to
//! ([`Playbook::replay`]). A new event is first [`Playbook::check`]ed against the rules;
//! a refused one comes back as a [`Refusal`] that names the rule and what is missing.
//!
//! The rules, in the product's words:
//! - the customer is heard first (intake), and hearing cannot be skipped;
//! - no apology and no options before the complaint is restated and the customer agrees;
//! - an offer is exactly two options; the customer picks one or proposes their own,
//!   which staff may accept;
//! - the surprise gesture and the fix come after the offer is settled; a fix is promised
//!   with a date before it is done;
//! - prevention (linking a problem) needs the agreed complaint;
//! - the follow-up comes after the fix, the next-time watch after the follow-up;
//! - a case ends retained only when every step is done or skipped; lost may be recorded
//!   at any time, with a reason; any step but hearing may be skipped, with a reason.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::case::{Channel, Severity};
use crate::hours::BusinessHours;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Hear,
    Restate,
    Apologise,
    Escalate,
    Offer,
    Gesture,
    Fix,
    Prevent,
    FollowUp,
    Watch,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::Hear,
        Step::Restate,
        Step::Apologise,
        Step::Escalate,
        Step::Offer,
        Step::Gesture,
        Step::Fix,
        Step::Prevent,
        Step::FollowUp,
        Step::Watch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Hear => "hear",
            Step::Restate => "restate",
            Step::Apologise => "apologise",
            Step::Escalate => "escalate",
            Step::Offer => "offer",
            Step::Gesture => "gesture",
            Step::Fix => "fix",
            Step::Prevent => "prevent",
            Step::FollowUp => "follow_up",
            Step::Watch => "watch",
        }
    }

    /// The step's name as a person reads it.
    pub fn title(self) -> &'static str {
        match self {
            Step::Hear => "Hear the customer",
            Step::Restate => "Restate and confirm",
            Step::Apologise => "Apologise and own it",
            Step::Escalate => "Escalate",
            Step::Offer => "Offer two options",
            Step::Gesture => "Surprise gesture",
            Step::Fix => "Fix",
            Step::Prevent => "Prevent the root cause",
            Step::FollowUp => "Follow up",
            Step::Watch => "Prove yourself next time",
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Step {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Step::ALL.into_iter().find(|step| step.as_str() == s).ok_or_else(|| UnknownName(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown name {0:?}")]
pub struct UnknownName(pub String);

/// How the customer felt, as staff heard it at the Hear step: a short fixed list, so the
/// desk can count and answer to it; their own words go beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Feeling {
    Angry,
    Upset,
    Anxious,
    Disappointed,
    Calm,
}

impl Feeling {
    pub const ALL: [Feeling; 5] =
        [Feeling::Angry, Feeling::Upset, Feeling::Anxious, Feeling::Disappointed, Feeling::Calm];

    pub fn as_str(self) -> &'static str {
        match self {
            Feeling::Angry => "angry",
            Feeling::Upset => "upset",
            Feeling::Anxious => "anxious",
            Feeling::Disappointed => "disappointed",
            Feeling::Calm => "calm",
        }
    }
}

impl std::fmt::Display for Feeling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Feeling {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Feeling::ALL.into_iter().find(|f| f.as_str() == s).ok_or_else(|| UnknownName(s.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Retained,
    Lost,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Retained => "retained",
            Outcome::Lost => "lost",
        }
    }
}

impl FromStr for Outcome {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "retained" => Ok(Outcome::Retained),
            "lost" => Ok(Outcome::Lost),
            other => Err(UnknownName(other.to_owned())),
        }
    }
}

/// Who made an event happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    Staff { user_id: i64 },
    Customer,
    System,
}

/// What happened on a case. Stored as JSON on the timeline, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// The complaint was heard; the words themselves live on the case.
    Opened {
        channel: Channel,
        severity: Severity,
        /// Why the case must be escalated, empty when it need not be.
        #[serde(default)]
        escalate_because: Vec<String>,
    },
    RestatementWritten {
        text: String,
        /// The complaint's words for each concern the restatement did not say back when
        /// staff sent it: advice, not a hold, so it is recorded rather than refused.
        /// Absent on events stored before it was kept.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        missed_concerns: Vec<String>,
    },
    RestatementConfirmed {
        by_customer: bool,
    },
    /// The customer wrote again (a reply by email), in their own words.
    CustomerWrote {
        subject: Option<String>,
        /// Every word as received, quoted history and signature included.
        text: String,
        message_id: Option<String>,
        /// Their new words alone, when the mail's quoted history or signature was told
        /// apart from them (shown first; `text` stays whole underneath).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_words: Option<String>,
    },
    /// Staff sent a text the language coach flagged, and said why.
    CoachOverridden {
        kinds: Vec<String>,
        reason: String,
    },
    /// The customer said what would put it right for them, in their words.
    WishStated {
        text: String,
    },
    /// How the customer felt and what mattered most to them, as staff heard it: the
    /// music under the words, for every later step to answer to.
    FeelingRecorded {
        feeling: Feeling,
        /// The customer's own words for it; may be empty.
        #[serde(default)]
        words: String,
        mattered_most: String,
    },
    RestatementCorrected {
        correction: String,
    },
    Apologised {
        text: String,
    },
    /// Escalated to a person: a manager or an admin, who takes the case over or sends it
    /// back with a decision; until then the step waits on them.
    Escalated {
        /// Who it went to, as people read it: their name (a label such as "manager" on
        /// events stored before a person was named).
        to: String,
        reason: String,
        /// The person it went to. Absent on events stored before escalation named a
        /// person: those were done at once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to_user_id: Option<i64>,
    },
    /// The person the case was escalated to took it over: they own it now, and the
    /// Escalate step is done.
    EscalationTakenOver,
    /// The person the case was escalated to sent it back with their decision, for the
    /// agent to carry out; the Escalate step is done.
    EscalationDecided {
        decision: String,
    },
    /// A step stayed overdue and went one level up the escalation ladder (owner,
    /// manager, admin). Staff's record of who was told; it moves no step.
    OverdueEscalated {
        level: u8,
        step: Step,
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
        /// Who was told, as people read it ("the owner", "managers", a name).
        told: Vec<String>,
    },
    OptionsOffered {
        options: Vec<String>,
    },
    OptionChosen {
        option: u8,
    },
    AlternativeProposed {
        text: String,
    },
    AlternativeAccepted,
    /// Staff could not do what the customer proposed; `reason` is what the customer is
    /// told (coached), and the two options stand for them to choose from.
    AlternativeDeclined {
        reason: String,
    },
    GestureRecorded {
        gesture: String,
        description: String,
        cost_minor: i64,
        currency: String,
    },
    FixPromised {
        what: String,
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
    },
    FixDone {
        /// What the customer reads: it is mailed to them, and on their page and letter.
        note: String,
        /// How it was fixed, for staff only: on the staff timeline, never in a mail, a
        /// letter or the customer's page.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        internal_note: Option<String>,
    },
    ProblemLinked {
        problem_id: i64,
    },
    FollowUpScheduled {
        #[serde(with = "time::serde::rfc3339")]
        due: OffsetDateTime,
        channel: String,
    },
    /// The customer's answer to the follow-up: how satisfied, from 1 to 5, and whether
    /// they said it was put right (absent when not asked). A low answer reopens the fix.
    FollowUpRecorded {
        satisfaction: u8,
        words: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        satisfied: Option<bool>,
    },
    /// At intake the customer's words matched a known problem closely: the case carries
    /// it from now on (its owner is told). The prevent step is still staff's to take.
    ProblemMatched {
        problem_id: i64,
        /// The shared words that weighed most.
        words: Vec<String>,
    },
    WatchSet,
    NextTimeRecorded {
        note: String,
    },
    StepSkipped {
        step: Step,
        reason: String,
    },
    NoteAdded {
        text: String,
    },
    Assigned {
        owner_id: Option<i64>,
    },
    OutcomeRecorded {
        outcome: Outcome,
        reason: String,
    },
    Reopened {
        reason: String,
    },
    /// This case was a duplicate and was merged into `into`, which carries on: it takes
    /// no more steps.
    Merged {
        into: i64,
    },
    /// A duplicate of the same customer (`from`) was merged into this case.
    MergedIn {
        from: i64,
    },
    /// Linked to another case of the same customer: the same trouble again.
    CaseLinked {
        case_id: i64,
    },
    TagAdded {
        tag: String,
    },
    SeverityChanged {
        severity: Severity,
    },
    /// Out of the inbox until `until` (None: until the customer writes). Any word from
    /// the customer wakes it sooner.
    Snoozed {
        #[serde(default, with = "time::serde::rfc3339::option")]
        until: Option<OffsetDateTime>,
    },
    Unsnoozed,
    /// Staff answered the customer in their own words, sent now, signed by the person
    /// who wrote it (the Reply box, `POST /cases/{id}/messages`).
    Replied {
        text: String,
    },
    /// A message to the customer, to be sent at `send_at` unless they write first.
    MessageScheduled {
        text: String,
        #[serde(with = "time::serde::rfc3339")]
        send_at: OffsetDateTime,
    },
    /// A scheduled message will not be sent (the customer wrote first, say).
    ScheduledMessageCancelled {
        scheduled_event_id: i64,
        reason: String,
    },
    /// Held in the spam folder: by the spam filter at intake, or by staff from the case.
    /// Nothing reaches the customer while it is held.
    MarkedSpam {
        /// The filter's score, or 0 when staff marked it.
        #[serde(default)]
        score: u32,
        reason: String,
        /// Whether releasing it sends the acknowledgement it never had (a message
        /// held at intake, not one from the past).
        #[serde(default)]
        acknowledge_on_release: bool,
    },
    /// Staff found it was a real complaint: it becomes a normal case.
    SpamReleased,
    /// Staff agreed it is spam; it stays in the spam folder.
    SpamConfirmed {
        /// The address or domain added to the block list, if any.
        #[serde(default)]
        blocked: Option<String>,
    },
    /// The customer was told what changed about the problem their case was linked to
    /// (once it was fixed), with an invitation back: the proof. Recorded by the system
    /// for the manager who sent it, on open and closed cases alike; it moves no step.
    ImprovementTold {
        problem_id: i64,
        /// The manager who sent the proof.
        by_user_id: i64,
        /// What a lost customer was offered with it, to come back for.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        gesture: Option<crate::proof::ProofGesture>,
    },
    /// A lost customer told what changed ordered again after it: won back.
    WonBack {
        problem_id: i64,
        transaction_id: i64,
    },
}

impl EventKind {
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Opened { .. } => "opened",
            EventKind::RestatementWritten { .. } => "restatement_written",
            EventKind::RestatementConfirmed { .. } => "restatement_confirmed",
            EventKind::WishStated { .. } => "wish_stated",
            EventKind::FeelingRecorded { .. } => "feeling_recorded",
            EventKind::CoachOverridden { .. } => "coach_overridden",
            EventKind::CustomerWrote { .. } => "customer_wrote",
            EventKind::RestatementCorrected { .. } => "restatement_corrected",
            EventKind::Apologised { .. } => "apologised",
            EventKind::Escalated { .. } => "escalated",
            EventKind::EscalationTakenOver => "escalation_taken_over",
            EventKind::EscalationDecided { .. } => "escalation_decided",
            EventKind::OverdueEscalated { .. } => "overdue_escalated",
            EventKind::OptionsOffered { .. } => "options_offered",
            EventKind::OptionChosen { .. } => "option_chosen",
            EventKind::AlternativeProposed { .. } => "alternative_proposed",
            EventKind::AlternativeAccepted => "alternative_accepted",
            EventKind::AlternativeDeclined { .. } => "alternative_declined",
            EventKind::GestureRecorded { .. } => "gesture_recorded",
            EventKind::FixPromised { .. } => "fix_promised",
            EventKind::FixDone { .. } => "fix_done",
            EventKind::ProblemLinked { .. } => "problem_linked",
            EventKind::ProblemMatched { .. } => "problem_matched",
            EventKind::FollowUpScheduled { .. } => "follow_up_scheduled",
            EventKind::FollowUpRecorded { .. } => "follow_up_recorded",
            EventKind::WatchSet => "watch_set",
            EventKind::NextTimeRecorded { .. } => "next_time_recorded",
            EventKind::StepSkipped { .. } => "step_skipped",
            EventKind::NoteAdded { .. } => "note_added",
            EventKind::Assigned { .. } => "assigned",
            EventKind::OutcomeRecorded { .. } => "outcome_recorded",
            EventKind::Reopened { .. } => "reopened",
            EventKind::Merged { .. } => "merged",
            EventKind::MergedIn { .. } => "merged_in",
            EventKind::CaseLinked { .. } => "case_linked",
            EventKind::TagAdded { .. } => "tag_added",
            EventKind::SeverityChanged { .. } => "severity_changed",
            EventKind::Snoozed { .. } => "snoozed",
            EventKind::Unsnoozed => "unsnoozed",
            EventKind::Replied { .. } => "replied",
            EventKind::MessageScheduled { .. } => "message_scheduled",
            EventKind::ScheduledMessageCancelled { .. } => "scheduled_message_cancelled",
            EventKind::MarkedSpam { .. } => "marked_spam",
            EventKind::SpamReleased => "spam_released",
            EventKind::SpamConfirmed { .. } => "spam_confirmed",
            EventKind::ImprovementTold { .. } => "improvement_told",
            EventKind::WonBack { .. } => "won_back",
        }
    }

    /// Internal events are never shown to the customer.
    pub fn is_internal(&self) -> bool {
        matches!(
            self,
            EventKind::NoteAdded { .. }
                | EventKind::Escalated { .. }
                | EventKind::EscalationTakenOver
                | EventKind::EscalationDecided { .. }
                | EventKind::OverdueEscalated { .. }
                | EventKind::ProblemMatched { .. }
                | EventKind::Assigned { .. }
                | EventKind::CoachOverridden { .. }
                | EventKind::FeelingRecorded { .. }
                | EventKind::Merged { .. }
                | EventKind::MergedIn { .. }
                | EventKind::CaseLinked { .. }
                | EventKind::TagAdded { .. }
                | EventKind::SeverityChanged { .. }
                | EventKind::Snoozed { .. }
                | EventKind::Unsnoozed
                | EventKind::ScheduledMessageCancelled { .. }
                | EventKind::MarkedSpam { .. }
                | EventKind::SpamReleased
                | EventKind::SpamConfirmed { .. }
                | EventKind::WonBack { .. }
        )
    }
}

impl EventKind {
    /// The names of the events that carry a gesture's cost, for the SQL that sums them.
    pub const WITH_GESTURE_COST: [&'static str; 2] = ["gesture_recorded", "improvement_told"];

    /// What a gesture on this event cost, in minor units of its currency: a gesture
    /// recorded on the case, or one offered to a lost customer with a proof. Every sum of
    /// what gestures cost (the limits, the budget, the reports) reads it here.
    pub fn gesture_cost(&self) -> Option<(i64, &str)> {
        match self {
            EventKind::GestureRecorded { cost_minor, currency, .. } => Some((*cost_minor, currency.as_str())),
            EventKind::ImprovementTold { gesture: Some(g), .. } => Some((g.cost_minor, g.currency.as_str())),
            _ => None,
        }
    }

    /// What the customer said with this event, as staff read it at a glance: their own
    /// words where they wrote some, else what they did. None for a staff or system step.
    pub fn customer_words(&self) -> Option<String> {
        let words = match self {
            EventKind::CustomerWrote { new_words: Some(words), .. } => words.clone(),
            EventKind::CustomerWrote { text, .. } => text.clone(),
            EventKind::RestatementCorrected { correction } => correction.clone(),
            EventKind::AlternativeProposed { text } => text.clone(),
            EventKind::WishStated { text } => text.clone(),
            EventKind::FollowUpRecorded { satisfaction, words, satisfied } if words.trim().is_empty() => {
                match satisfied {
                    Some(true) => format!("Rated it {satisfaction} of 5: put right"),
                    Some(false) => format!("Rated it {satisfaction} of 5: not put right"),
                    None => format!("Rated it {satisfaction} of 5"),
                }
            }
            EventKind::FollowUpRecorded { words, .. } => words.clone(),
            EventKind::RestatementConfirmed { .. } => "Confirmed what we understood".to_owned(),
            EventKind::OptionChosen { option } => format!("Chose option {option}"),
            _ => return None,
        };
        Some(words)
    }
}

/// Every wish the customer stated, the first (kept on the case) first, each once.
pub fn wishes<'a>(first: Option<&str>, events: impl IntoIterator<Item = &'a Event>) -> Vec<String> {
    let mut all: Vec<String> = first.map(str::to_owned).into_iter().collect();
    for event in events {
        if let EventKind::WishStated { text } = &event.kind
            && !all.iter().any(|w| w.trim() == text.trim())
        {
            all.push(text.clone());
        }
    }
    all
}

/// How many characters of the customer's words a case keeps for the inbox.
pub const WORDS_AT_A_GLANCE: usize = 200;

/// The start of `words` on one line, at most [`WORDS_AT_A_GLANCE`] characters.
pub fn at_a_glance(words: &str) -> String {
    let line = words.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= WORDS_AT_A_GLANCE {
        return line;
    }
    let mut cut: String = line.chars().take(WORDS_AT_A_GLANCE - 1).collect();
    cut.push('…');
    cut
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor: Actor,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// Why an event was refused: the rule's code, a sentence for a person, and the steps
/// that must be done (or skipped) first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Refusal {
    pub rule: &'static str,
    pub message: String,
    pub missing: Vec<Step>,
    /// The playbook's order forbids it now (a conflict with the case's state), rather
    /// than the event itself being malformed.
    pub out_of_order: bool,
    /// The request's field the refusal is about, when it is about one.
    pub field: Option<&'static str>,
}

impl Refusal {
    pub(crate) fn order(rule: &'static str, message: impl Into<String>, missing: Vec<Step>) -> Self {
        Self { rule, message: message.into(), missing, out_of_order: true, field: None }
    }

    pub(crate) fn invalid(rule: &'static str, message: impl Into<String>) -> Self {
        Self { rule, message: message.into(), missing: Vec::new(), out_of_order: false, field: None }
    }

    pub(crate) fn about(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }
}

/// Longest free text staff or a customer may put in one step.
pub const MAX_STEP_TEXT_CHARS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Restatement {
    None,
    Pending,
    Corrected,
    Confirmed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum OfferState {
    None,
    Pending,
    AlternativePending,
    Settled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FixState {
    None,
    Promised(OffsetDateTime),
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum FollowUpState {
    None,
    Scheduled(OffsetDateTime),
    Recorded,
}

/// The customer's answer to the follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpAnswer {
    /// 1 to 5.
    pub satisfaction: u8,
    /// Their yes or no to "did we put it right?", when asked.
    pub satisfied: Option<bool>,
}

impl FollowUpAnswer {
    /// 1 or 2 of 5, or a "no": the fix did not put it right for them. The fix step opens
    /// again, the owner is alerted and the case is escalated.
    pub fn is_low(self) -> bool {
        self.satisfied == Some(false) || self.satisfaction <= 2
    }

    /// 4 or 5 of 5 (or a "yes" with at least 3), and no "no": a case may end retained.
    pub fn is_satisfied(self) -> bool {
        !self.is_low() && (self.satisfaction >= 4 || self.satisfied == Some(true))
    }
}

/// Why a case ended retained: the customer said so, or a manager decided it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RetainedBy {
    /// After a satisfied answer to the follow-up.
    SatisfiedFollowUp,
    /// By a manager's decision, with a reason, without a satisfied follow-up.
    ManagerDecision,
}

/// What a case's events add up to.
#[derive(Debug, Clone)]
pub struct Playbook {
    opened_at: Option<OffsetDateTime>,
    severity: Severity,
    escalation_required: bool,
    restatement: Restatement,
    apologised: bool,
    escalated: bool,
    /// The person the case waits on since it was escalated to them.
    escalation_pending: Option<i64>,
    offer: OfferState,
    gestures: u32,
    fix: FixState,
    problem_linked: bool,
    follow_up: FollowUpState,
    /// The latest answer to the follow-up.
    last_answer: Option<FollowUpAnswer>,
    /// When a low follow-up answer opened the fix step again: its clock starts there.
    fix_reopened_at: Option<OffsetDateTime>,
    retained_by: Option<RetainedBy>,
    watching: bool,
    skipped: BTreeMap<Step, String>,
    /// When each step was first resolved (done or skipped): the clock of the next one.
    resolved_at: BTreeMap<Step, OffsetDateTime>,
    outcome: Option<Outcome>,
    merged_into: Option<i64>,
    merged_from: Vec<i64>,
    linked: Vec<i64>,
    snooze: Option<Snooze>,
    spam: Option<SpamHold>,
    /// When the customer's words staff have not answered began: any word of theirs
    /// starts it, any step of staff's ends it.
    customer_waiting_since: Option<OffsetDateTime>,
    /// When the customer proposed their own solution, while staff owe the answer.
    alternative_at: Option<OffsetDateTime>,
}

/// A case out of the inbox for a while. It wakes at `until`, or when the customer
/// writes, whichever comes first; with no `until`, only the customer wakes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Snooze {
    #[serde(with = "time::serde::rfc3339::option")]
    pub until: Option<OffsetDateTime>,
}

/// A case held in the spam folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpamHold {
    pub confirmed: bool,
    /// Releasing it sends the acknowledgement it never had.
    pub acknowledge_on_release: bool,
}

/// Where one step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Done,
    Skipped,
    /// Escalation when nothing calls for it.
    NotNeeded,
    /// Staff wait for the customer's answer (confirm the restatement, choose an option).
    AwaitingCustomer,
    /// Escalated: it waits on the person named, who takes the case over or decides.
    AwaitingDecision,
    /// Started and dated: a fix promised, a follow-up scheduled.
    InProgress,
    Due,
    /// An earlier step must come first.
    Waiting,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepState {
    pub step: Step,
    pub status: StepStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    pub skip_reason: Option<String>,
}

/// How long staff have for each step, before a severity factor. Staff steps count
/// working time in `hours`; the follow-up's delay and prevention count calendar time
/// (the customer's clock, and a longer job), and come due at a working moment.
#[derive(Debug, Clone)]
pub struct DuePolicy {
    pub hours: BusinessHours,
    pub escalate: Duration,
    pub restate: Duration,
    pub apologise: Duration,
    pub offer: Duration,
    pub gesture: Duration,
    pub fix: Duration,
    pub prevent: Duration,
    pub follow_up_delay: Duration,
    pub watch: Duration,
}

impl Default for DuePolicy {
    fn default() -> Self {
        // A working day is eight hours: "offer within a working day".
        Self {
            hours: BusinessHours::always(),
            escalate: Duration::hours(1),
            restate: Duration::hours(4),
            apologise: Duration::hours(4),
            offer: Duration::hours(8),
            gesture: Duration::hours(8),
            fix: Duration::hours(16),
            prevent: Duration::days(7),
            follow_up_delay: Duration::days(3),
            watch: Duration::hours(8),
        }
    }
}

impl DuePolicy {
    fn scaled(&self, base: Duration, severity: Severity) -> Duration {
        match severity {
            Severity::Critical => base / 4,
            Severity::High => base / 2,
            Severity::Normal => base,
            Severity::Low => base * 2,
        }
    }
}

/// The status a case is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Staff have a step to do.
    Open,
    AwaitingCustomer,
    /// Every step done; waiting for the customer's next order or visit.
    Watching,
    Retained,
    Lost,
    /// A duplicate merged into another case, which carries on.
    Merged,
    /// Held in the spam folder until staff release or confirm it.
    Spam,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 7] = [
        CaseStatus::Open,
        CaseStatus::AwaitingCustomer,
        CaseStatus::Watching,
        CaseStatus::Retained,
        CaseStatus::Lost,
        CaseStatus::Merged,
        CaseStatus::Spam,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::AwaitingCustomer => "awaiting_customer",
            CaseStatus::Watching => "watching",
            CaseStatus::Retained => "retained",
            CaseStatus::Lost => "lost",
            CaseStatus::Merged => "merged",
            CaseStatus::Spam => "spam",
        }
    }

    pub fn is_closed(self) -> bool {
        matches!(self, CaseStatus::Retained | CaseStatus::Lost | CaseStatus::Merged)
    }
}

impl FromStr for CaseStatus {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s).ok_or_else(|| UnknownName(s.to_owned()))
    }
}

/// What decides whether a new case goes to a manager.
#[derive(Debug, Clone, Copy)]
pub struct EscalationContext {
    pub severity: Severity,
    /// Cases this customer opened before this one in the last 90 days.
    pub recent_cases: i64,
    /// Lifetime value in minor units.
    pub lifetime_value_minor: i64,
    /// Lifetime value from which a customer's complaint always goes to a manager.
    pub valuable_customer_minor: i64,
}

/// The reasons a new case must be escalated; empty when it need not be.
pub fn escalation_reasons(ctx: EscalationContext) -> Vec<String> {
    let mut reasons = Vec::new();
    if ctx.severity >= Severity::High {
        reasons.push(format!("severity is {}", ctx.severity));
    }
    if ctx.recent_cases >= 1 {
        reasons.push(format!("repeat complaint: {} earlier case(s) in 90 days", ctx.recent_cases));
    }
    if ctx.valuable_customer_minor > 0 && ctx.lifetime_value_minor >= ctx.valuable_customer_minor {
        reasons.push("a high-value customer".to_owned());
    }
    reasons
}

fn text_ok(rule: &'static str, what: &str, text: &str) -> Result<(), Refusal> {
    if text.trim().is_empty() {
        return Err(Refusal::invalid(rule, format!("{what} is empty")));
    }
    if text.chars().count() > MAX_STEP_TEXT_CHARS {
        return Err(Refusal::invalid(rule, format!("{what} is longer than {MAX_STEP_TEXT_CHARS} characters")));
    }
    Ok(())
}

impl Playbook {
    fn empty() -> Self {
        Self {
            opened_at: None,
            severity: Severity::Normal,
            escalation_required: false,
            restatement: Restatement::None,
            apologised: false,
            escalated: false,
            escalation_pending: None,
            offer: OfferState::None,
            gestures: 0,
            fix: FixState::None,
            problem_linked: false,
            follow_up: FollowUpState::None,
            last_answer: None,
            fix_reopened_at: None,
            retained_by: None,
            watching: false,
            skipped: BTreeMap::new(),
            resolved_at: BTreeMap::new(),
            outcome: None,
            merged_into: None,
            merged_from: Vec::new(),
            linked: Vec::new(),
            snooze: None,
            spam: None,
            customer_waiting_since: None,
            alternative_at: None,
        }
    }

    /// Rebuilds the state from the case's events, oldest first. Events were checked when
    /// they were recorded, so they are applied without checking again.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Event>) -> Self {
        let mut playbook = Self::empty();
        for event in events {
            playbook.apply(event);
        }
        playbook
    }

    /// Checks `event` against the rules and applies it.
    pub fn record(&mut self, event: &Event) -> Result<(), Refusal> {
        self.check(&event.kind)?;
        self.apply(event);
        Ok(())
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome
    }

    /// Why the case ended retained, when it did.
    pub fn retained_by(&self) -> Option<RetainedBy> {
        self.retained_by
    }

    /// The latest answer to the follow-up, if any.
    pub fn last_answer(&self) -> Option<FollowUpAnswer> {
        self.last_answer
    }

    /// The follow-up is done and the customer said they are satisfied.
    pub fn satisfied_follow_up(&self) -> bool {
        self.follow_up == FollowUpState::Recorded && self.last_answer.is_some_and(FollowUpAnswer::is_satisfied)
    }

    /// The fix step was opened again by a low follow-up answer and is not done yet.
    pub fn fix_reopened(&self) -> bool {
        self.fix_reopened_at.is_some() && self.fix != FixState::Done
    }

    /// Whether (and how) the case is held in the spam folder.
    pub fn spam(&self) -> Option<SpamHold> {
        self.spam
    }

    pub fn is_resolved(&self, step: Step) -> bool {
        matches!(self.status_of(step), StepStatus::Done | StepStatus::Skipped | StepStatus::NotNeeded)
    }

    fn unresolved(&self, steps: &[Step]) -> Vec<Step> {
        steps.iter().copied().filter(|s| !self.is_resolved(*s)).collect()
    }

    /// Whether `kind` may happen now. Says which rule refuses it, and what is missing.
    pub fn check(&self, kind: &EventKind) -> Result<(), Refusal> {
        if self.opened_at.is_none() {
            return match kind {
                EventKind::Opened { .. } => Ok(()),
                _ => Err(Refusal::order("not_opened", "the case has not been opened", vec![Step::Hear])),
            };
        }
        if let Some(into) = self.merged_into {
            return Err(Refusal::order(
                "case_merged",
                format!("the case was merged into {}; take the step there", crate::CaseReference(into)),
                vec![],
            ));
        }
        if self.outcome.is_some()
            && !matches!(
                kind,
                EventKind::NoteAdded { .. }
                    | EventKind::Reopened { .. }
                    | EventKind::Assigned { .. }
                    | EventKind::CustomerWrote { .. }
                    | EventKind::Merged { .. }
                    | EventKind::MergedIn { .. }
                    | EventKind::CaseLinked { .. }
                    | EventKind::TagAdded { .. }
                    | EventKind::ScheduledMessageCancelled { .. }
                    | EventKind::Replied { .. }
                    | EventKind::ImprovementTold { .. }
                    | EventKind::WonBack { .. }
            )
        {
            return Err(Refusal::order("case_closed", "the case has its outcome; reopen it first", vec![]));
        }
        if self.spam.is_some()
            && !matches!(
                kind,
                EventKind::NoteAdded { .. }
                    | EventKind::Assigned { .. }
                    | EventKind::CustomerWrote { .. }
                    | EventKind::MarkedSpam { .. }
                    | EventKind::SpamReleased
                    | EventKind::SpamConfirmed { .. }
            )
        {
            return Err(Refusal::order(
                "case_in_spam",
                "the case is in the spam folder; release it first if it is a real complaint",
                vec![],
            ));
        }
        let needs = |rule: &'static str, steps: &[Step], why: &str| -> Result<(), Refusal> {
            let missing = self.unresolved(steps);
            if missing.is_empty() {
                Ok(())
            } else {
                let names: Vec<&str> = missing.iter().map(|s| s.title()).collect();
                Err(Refusal::order(rule, format!("{why} First: {}.", names.join(", ")), missing))
            }
        };
        match kind {
            EventKind::Opened { .. } => Err(Refusal::order("already_opened", "the case is already open", vec![])),
            EventKind::RestatementWritten { text, .. } => {
                if self.restatement == Restatement::Confirmed {
                    return Err(Refusal::order(
                        "restatement_already_confirmed",
                        "the customer already confirmed the restatement",
                        vec![],
                    ));
                }
                text_ok("restatement_text", "the restatement", text)
            }
            EventKind::RestatementConfirmed { .. } => self.restatement_pending("confirm"),
            EventKind::RestatementCorrected { correction } => {
                self.restatement_pending("correct")?;
                text_ok("correction_text", "the correction", correction)
            }
            EventKind::Apologised { text } => {
                needs(
                    "apology_before_agreement",
                    &[Step::Restate],
                    "Apologise for the problem the customer agreed to.",
                )?;
                text_ok("apology_text", "the apology", text)
            }
            // Staff name a person (`step::decide` refuses a request without one); the system's
            // escalation of a low follow-up answer goes to the owner and the managers.
            EventKind::Escalated { to, reason, .. } => {
                text_ok("escalation_target", "who it goes to", to)?;
                text_ok("escalation_reason", "the reason", reason).map_err(|r| r.about("reason"))
            }
            EventKind::EscalationTakenOver => self.escalation_waiting("take over"),
            EventKind::EscalationDecided { decision } => {
                self.escalation_waiting("decide")?;
                text_ok("escalation_decision", "the decision", decision).map_err(|r| r.about("decision"))
            }
            EventKind::OverdueEscalated { .. } => Ok(()),
            EventKind::OptionsOffered { options } => {
                if self.offer == OfferState::Settled {
                    return Err(Refusal::order("offer_already_settled", "the customer already chose", vec![]));
                }
                needs(
                    "options_before_confirmation",
                    &[Step::Restate],
                    "No solution is offered before the customer agrees on the problem.",
                )?;
                needs("options_before_apology", &[Step::Apologise], "Own the problem before offering a way out.")?;
                if options.len() != 2 {
                    return Err(Refusal::invalid(
                        "exactly_two_options",
                        format!("offer exactly two options (your best two), not {}", options.len()),
                    ));
                }
                for option in options {
                    text_ok("option_text", "an option", option)?;
                }
                if options[0].trim() == options[1].trim() {
                    return Err(Refusal::invalid("options_must_differ", "the two options are the same"));
                }
                Ok(())
            }
            EventKind::OptionChosen { option } => {
                if self.offer != OfferState::Pending && self.offer != OfferState::AlternativePending {
                    return Err(Refusal::order(
                        "no_offer_to_choose",
                        "there is no open offer to choose from",
                        vec![Step::Offer],
                    ));
                }
                if !(1..=2).contains(option) {
                    return Err(Refusal::invalid("option_out_of_range", "choose option 1 or 2"));
                }
                Ok(())
            }
            EventKind::AlternativeProposed { text } => {
                if self.offer != OfferState::Pending && self.offer != OfferState::AlternativePending {
                    return Err(Refusal::order(
                        "no_offer_to_answer",
                        "there is no open offer to answer",
                        vec![Step::Offer],
                    ));
                }
                text_ok("alternative_text", "the alternative", text)
            }
            EventKind::AlternativeAccepted | EventKind::AlternativeDeclined { .. } => {
                if let EventKind::AlternativeDeclined { reason } = kind {
                    text_ok("decline_reason", "what the customer is told", reason)?;
                }
                if self.offer != OfferState::AlternativePending {
                    return Err(Refusal::order(
                        "no_alternative_to_accept",
                        "the customer has not proposed an alternative",
                        vec![],
                    ));
                }
                Ok(())
            }
            EventKind::GestureRecorded { gesture, description, cost_minor, currency } => {
                needs("gesture_before_offer", &[Step::Offer], "The surprise comes on top of the agreed solution.")?;
                text_ok("gesture_kind", "the gesture's kind", gesture)?;
                text_ok("gesture_description", "the gesture's description", description)?;
                if *cost_minor < 0 {
                    return Err(Refusal::invalid("gesture_cost_negative", "a gesture's cost cannot be negative"));
                }
                crate::customer::parse_currency(currency)
                    .map(|_| ())
                    .map_err(|e| Refusal::invalid("gesture_currency", e.to_string()))
            }
            EventKind::FixPromised { what, .. } => {
                needs("fix_before_offer", &[Step::Offer], "Fix what the customer chose.")?;
                if self.fix == FixState::Done {
                    return Err(Refusal::order("fix_already_done", "the fix is already done", vec![]));
                }
                text_ok("fix_text", "what will be fixed", what)
            }
            EventKind::FixDone { .. } => match self.fix {
                FixState::Promised(_) => Ok(()),
                FixState::Done => Err(Refusal::order("fix_already_done", "the fix is already done", vec![])),
                FixState::None => Err(Refusal::order(
                    "fix_without_promise",
                    "promise the fix with a date before recording it done",
                    vec![Step::Fix],
                )),
            },
            EventKind::ProblemLinked { .. } => {
                needs("prevent_before_agreement", &[Step::Restate], "Link a root cause once the problem is agreed.")
            }
            EventKind::ProblemMatched { .. } => Ok(()),
            EventKind::FollowUpScheduled { channel, .. } => {
                needs("follow_up_before_fix", &[Step::Fix], "Follow up after the fix.")?;
                if !matches!(channel.as_str(), "call" | "email" | "letter") {
                    return Err(Refusal::invalid("follow_up_channel", "follow up by call, email or letter"));
                }
                Ok(())
            }
            EventKind::FollowUpRecorded { satisfaction, words, .. } => {
                needs("follow_up_before_fix", &[Step::Fix], "Follow up after the fix.")?;
                if words.chars().count() > MAX_STEP_TEXT_CHARS {
                    return Err(Refusal::invalid("follow_up_words", "their words are too long"));
                }
                if !(1..=5).contains(satisfaction) {
                    return Err(Refusal::invalid("satisfaction_out_of_range", "satisfaction is from 1 to 5"));
                }
                Ok(())
            }
            EventKind::WatchSet => needs(
                "watch_before_follow_up",
                &[Step::FollowUp],
                "Watch for the next order once the follow-up is done.",
            ),
            EventKind::NextTimeRecorded { note } => {
                if !self.watching {
                    return Err(Refusal::order(
                        "not_watching",
                        "the customer is not on the watch list",
                        vec![Step::Watch],
                    ));
                }
                text_ok("next_time_note", "the note", note)
            }
            EventKind::StepSkipped { step, reason } => {
                if *step == Step::Hear {
                    return Err(Refusal::invalid("hear_cannot_be_skipped", "the customer is always heard"));
                }
                if self.is_resolved(*step) {
                    return Err(Refusal::order(
                        "step_already_resolved",
                        format!("{} is already done or skipped", step.title()),
                        vec![],
                    ));
                }
                text_ok("skip_needs_reason", "the reason for skipping", reason)
            }
            EventKind::NoteAdded { text } => text_ok("note_text", "the note", text),
            // Whether a problem may be proven is `crate::proof`'s rule, which sees it.
            EventKind::ImprovementTold { .. } => Ok(()),
            EventKind::WonBack { .. } => {
                if self.outcome != Some(Outcome::Lost) {
                    return Err(Refusal::order("won_back_needs_lost", "only a lost customer is won back", vec![]));
                }
                Ok(())
            }
            EventKind::WishStated { text } => text_ok("wish_text", "the wish", text),
            EventKind::FeelingRecorded { words, mattered_most, .. } => {
                if words.chars().count() > MAX_STEP_TEXT_CHARS {
                    return Err(Refusal::invalid("feeling_words", "their words are too long"));
                }
                text_ok("mattered_most_text", "what mattered most to them", mattered_most)
            }
            // The customer's words are taken whatever they are, like the complaint itself.
            EventKind::CustomerWrote { .. } => Ok(()),
            EventKind::CoachOverridden { reason, .. } => {
                text_ok("override_reason", "the reason to send anyway", reason)
            }
            EventKind::Assigned { .. } => Ok(()),
            EventKind::OutcomeRecorded { outcome, reason } => match outcome {
                Outcome::Lost => text_ok("lost_needs_reason", "the reason the customer was lost", reason),
                Outcome::Retained => {
                    let open: Vec<Step> = Step::ALL.into_iter().filter(|s| !self.is_resolved(*s)).collect();
                    needs("retained_with_open_steps", &open, "A case ends retained when every step is done or skipped.")
                }
            },
            EventKind::Reopened { reason } => {
                if self.outcome.is_none() {
                    return Err(Refusal::order("case_not_closed", "the case is still open", vec![]));
                }
                text_ok("reopen_reason", "the reason to reopen", reason)
            }
            // Which case absorbs which is checked by `crate::merge`, which sees both.
            EventKind::Merged { .. } => Ok(()),
            EventKind::MergedIn { from } => {
                if self.merged_from.contains(from) {
                    return Err(Refusal::order(
                        "already_merged",
                        format!("{} is already merged into this case", crate::CaseReference(*from)),
                        vec![],
                    ));
                }
                Ok(())
            }
            EventKind::CaseLinked { case_id } => {
                if self.linked.contains(case_id) {
                    return Err(Refusal::order(
                        "already_linked",
                        format!("the case is already linked to {}", crate::CaseReference(*case_id)),
                        vec![],
                    ));
                }
                Ok(())
            }
            EventKind::TagAdded { tag } => {
                crate::case::parse_tag(tag).map(|_| ()).map_err(|e| Refusal::invalid("tag_text", e.to_string()))
            }
            EventKind::SeverityChanged { severity } => {
                let severity = *severity;
                if severity == self.severity {
                    return Err(Refusal::order(
                        "severity_unchanged",
                        format!("the severity is already {severity}"),
                        vec![],
                    ));
                }
                Ok(())
            }
            EventKind::Snoozed { .. } => Ok(()),
            EventKind::Unsnoozed => {
                if self.snooze.is_none() {
                    return Err(Refusal::order("not_snoozed", "the case is not snoozed", vec![]));
                }
                Ok(())
            }
            EventKind::MessageScheduled { text, .. } => text_ok("message_text", "the message", text),
            EventKind::Replied { text } => text_ok("reply_text", "the reply", text),
            EventKind::ScheduledMessageCancelled { .. } => Ok(()),
            EventKind::MarkedSpam { reason, .. } => {
                if self.spam.is_some() {
                    return Err(Refusal::order("already_spam", "the case is already in the spam folder", vec![]));
                }
                text_ok("spam_reason", "the reason it is spam", reason)
            }
            EventKind::SpamReleased => match self.spam {
                Some(_) => Ok(()),
                None => Err(Refusal::order("not_spam", "the case is not in the spam folder", vec![])),
            },
            EventKind::SpamConfirmed { .. } => match self.spam {
                Some(SpamHold { confirmed: false, .. }) => Ok(()),
                Some(_) => {
                    Err(Refusal::order("spam_already_confirmed", "the case is already confirmed as spam", vec![]))
                }
                None => Err(Refusal::order("not_spam", "the case is not in the spam folder", vec![])),
            },
        }
    }

    fn escalation_waiting(&self, verb: &str) -> Result<(), Refusal> {
        match self.escalation_pending {
            Some(_) => Ok(()),
            None => Err(Refusal::order(
                "no_escalation_waiting",
                format!("the case is not waiting on anyone to {verb}: escalate it first"),
                vec![Step::Escalate],
            )),
        }
    }

    /// The person an escalated case waits on, until they take it over or decide.
    pub fn escalation_pending(&self) -> Option<i64> {
        self.escalation_pending
    }

    fn restatement_pending(&self, verb: &str) -> Result<(), Refusal> {
        if self.restatement == Restatement::Pending {
            Ok(())
        } else {
            Err(Refusal::order(
                "no_restatement_to_confirm",
                format!("there is no restatement waiting for the customer to {verb}"),
                vec![Step::Restate],
            ))
        }
    }

    fn resolve(&mut self, step: Step, at: OffsetDateTime) {
        self.resolved_at.entry(step).or_insert(at);
    }

    fn apply(&mut self, event: &Event) {
        let at = event.at;
        // Any word from the customer (a reply, an answer through a link) wakes the case.
        match event.actor {
            Actor::Customer => {
                self.snooze = None;
                // A new complaint is heard by the inbox's own order; only what they say
                // next is a reply that waits.
                if !matches!(event.kind, EventKind::Opened { .. }) {
                    self.customer_waiting_since.get_or_insert(at);
                }
            }
            // Whatever staff do next answers them, or acts on what they said.
            Actor::Staff { .. } => self.customer_waiting_since = None,
            Actor::System => {}
        }
        match &event.kind {
            EventKind::Opened { severity, escalate_because, .. } => {
                self.opened_at = Some(at);
                self.severity = *severity;
                self.escalation_required = !escalate_because.is_empty();
                self.resolve(Step::Hear, at);
            }
            EventKind::RestatementWritten { .. } => self.restatement = Restatement::Pending,
            EventKind::RestatementConfirmed { .. } => {
                self.restatement = Restatement::Confirmed;
                self.resolve(Step::Restate, at);
            }
            EventKind::RestatementCorrected { .. } => self.restatement = Restatement::Corrected,
            EventKind::Apologised { .. } => {
                self.apologised = true;
                self.resolve(Step::Apologise, at);
            }
            EventKind::Escalated { to_user_id: Some(person), .. } => self.escalation_pending = Some(*person),
            // Stored before escalation named a person: done at once.
            EventKind::Escalated { to_user_id: None, .. }
            | EventKind::EscalationTakenOver
            | EventKind::EscalationDecided { .. } => {
                self.escalation_pending = None;
                self.escalated = true;
                self.resolve(Step::Escalate, at);
            }
            EventKind::OptionsOffered { .. } => self.offer = OfferState::Pending,
            EventKind::OptionChosen { .. } | EventKind::AlternativeAccepted => {
                self.offer = OfferState::Settled;
                self.alternative_at = None;
                self.resolve(Step::Offer, at);
            }
            EventKind::AlternativeProposed { .. } => {
                self.offer = OfferState::AlternativePending;
                self.alternative_at = Some(at);
            }
            EventKind::AlternativeDeclined { .. } => {
                self.offer = OfferState::Pending;
                self.alternative_at = None;
            }
            EventKind::GestureRecorded { .. } => {
                self.gestures += 1;
                self.resolve(Step::Gesture, at);
            }
            EventKind::FixPromised { due, .. } => self.fix = FixState::Promised(*due),
            EventKind::FixDone { .. } => {
                self.fix = FixState::Done;
                self.resolve(Step::Fix, at);
            }
            EventKind::ProblemLinked { .. } => {
                self.problem_linked = true;
                self.resolve(Step::Prevent, at);
            }
            EventKind::FollowUpScheduled { due, .. } => self.follow_up = FollowUpState::Scheduled(*due),
            EventKind::FollowUpRecorded { satisfaction, satisfied, .. } => {
                let answer = FollowUpAnswer { satisfaction: *satisfaction, satisfied: *satisfied };
                self.last_answer = Some(answer);
                if answer.is_low() {
                    // Not put right: the fix is to be done again, and followed up again;
                    // a manager hears of it.
                    self.fix = FixState::None;
                    self.follow_up = FollowUpState::None;
                    for step in [Step::Fix, Step::FollowUp] {
                        self.resolved_at.remove(&step);
                        self.skipped.remove(&step);
                    }
                    self.fix_reopened_at = Some(at);
                    self.escalation_required = true;
                } else {
                    self.follow_up = FollowUpState::Recorded;
                    self.resolve(Step::FollowUp, at);
                }
            }
            EventKind::WatchSet => {
                self.watching = true;
                self.resolve(Step::Watch, at);
            }
            EventKind::StepSkipped { step, reason } => {
                if *step == Step::Escalate {
                    self.escalation_pending = None;
                }
                self.skipped.insert(*step, reason.clone());
                self.resolve(*step, at);
            }
            EventKind::OutcomeRecorded { outcome, .. } => {
                self.outcome = Some(*outcome);
                self.retained_by = (*outcome == Outcome::Retained).then(|| {
                    if self.satisfied_follow_up() { RetainedBy::SatisfiedFollowUp } else { RetainedBy::ManagerDecision }
                });
            }
            EventKind::Reopened { .. } => {
                self.outcome = None;
                self.retained_by = None;
            }
            EventKind::MarkedSpam { acknowledge_on_release, .. } => {
                self.spam = Some(SpamHold { confirmed: false, acknowledge_on_release: *acknowledge_on_release })
            }
            EventKind::SpamReleased => self.spam = None,
            EventKind::SpamConfirmed { .. } => {
                if let Some(hold) = &mut self.spam {
                    hold.confirmed = true;
                }
            }
            EventKind::Merged { into } => {
                self.merged_into = Some(*into);
                self.snooze = None;
            }
            EventKind::MergedIn { from } => self.merged_from.push(*from),
            EventKind::CaseLinked { case_id } => self.linked.push(*case_id),
            EventKind::SeverityChanged { severity } => {
                self.severity = *severity;
                // A case raised to high or critical goes to a manager, as it would have at intake.
                if self.severity >= Severity::High {
                    self.escalation_required = true;
                }
            }
            EventKind::Snoozed { until } => self.snooze = Some(Snooze { until: *until }),
            EventKind::Unsnoozed => self.snooze = None,
            EventKind::TagAdded { .. }
            | EventKind::MessageScheduled { .. }
            | EventKind::Replied { .. }
            | EventKind::ScheduledMessageCancelled { .. }
            | EventKind::NextTimeRecorded { .. }
            | EventKind::ProblemMatched { .. }
            | EventKind::OverdueEscalated { .. }
            | EventKind::NoteAdded { .. }
            | EventKind::WishStated { .. }
            | EventKind::FeelingRecorded { .. }
            | EventKind::CoachOverridden { .. }
            | EventKind::CustomerWrote { .. }
            | EventKind::ImprovementTold { .. }
            | EventKind::WonBack { .. }
            | EventKind::Assigned { .. } => {}
        }
    }

    fn status_of(&self, step: Step) -> StepStatus {
        if self.skipped.contains_key(&step) {
            return StepStatus::Skipped;
        }
        if step == Step::Escalate && self.escalation_pending.is_some() {
            return StepStatus::AwaitingDecision;
        }
        let done = match step {
            Step::Hear => self.opened_at.is_some(),
            Step::Restate => self.restatement == Restatement::Confirmed,
            Step::Apologise => self.apologised,
            Step::Escalate => self.escalated,
            Step::Offer => self.offer == OfferState::Settled,
            Step::Gesture => self.gestures > 0,
            Step::Fix => self.fix == FixState::Done,
            Step::Prevent => self.problem_linked,
            Step::FollowUp => self.follow_up == FollowUpState::Recorded,
            Step::Watch => self.watching,
        };
        if done {
            return StepStatus::Done;
        }
        if step == Step::Escalate && !self.escalation_required {
            return StepStatus::NotNeeded;
        }
        if self.ready_at(step).is_none() {
            return StepStatus::Waiting;
        }
        match step {
            Step::Restate if self.restatement == Restatement::Pending => StepStatus::AwaitingCustomer,
            // Their own proposal waits on staff's answer, not on them.
            Step::Offer if self.offer == OfferState::AlternativePending => StepStatus::Due,
            Step::Offer if self.offer != OfferState::None => StepStatus::AwaitingCustomer,
            Step::Fix if matches!(self.fix, FixState::Promised(_)) => StepStatus::InProgress,
            Step::FollowUp if matches!(self.follow_up, FollowUpState::Scheduled(_)) => StepStatus::InProgress,
            _ => StepStatus::Due,
        }
    }

    /// When the steps a step depends on were all resolved: the start of its clock.
    fn ready_at(&self, step: Step) -> Option<OffsetDateTime> {
        let after = |steps: &[Step]| -> Option<OffsetDateTime> {
            let mut latest = self.opened_at?;
            for s in steps {
                latest = latest.max(*self.resolved_at.get(s)?);
            }
            Some(latest)
        };
        match step {
            Step::Hear | Step::Restate | Step::Escalate => self.opened_at,
            Step::Apologise | Step::Prevent => after(&[Step::Restate]),
            Step::Offer => after(&[Step::Restate, Step::Apologise]),
            Step::Gesture => after(&[Step::Offer]),
            // Opened again by a low follow-up answer: its clock starts then.
            Step::Fix => after(&[Step::Offer]).map(|ready| self.fix_reopened_at.map_or(ready, |at| ready.max(at))),
            Step::FollowUp => after(&[Step::Fix]),
            Step::Watch => after(&[Step::FollowUp]),
        }
    }

    fn due_at(&self, step: Step, policy: &DuePolicy) -> Option<OffsetDateTime> {
        let ready = self.ready_at(step)?;
        let hours = &policy.hours;
        let working = |d: Duration| hours.add(ready, policy.scaled(d, self.severity));
        Some(match step {
            Step::Hear => ready,
            Step::Escalate => working(policy.escalate),
            Step::Restate => working(policy.restate),
            Step::Apologise => working(policy.apologise),
            // A counter-proposal is answered as promptly as a restatement is written.
            Step::Offer => match self.alternative_at {
                Some(proposed) => hours.add(proposed, policy.scaled(policy.restate, self.severity)),
                None => working(policy.offer),
            },
            Step::Gesture => working(policy.gesture),
            // A date promised to the customer, or set for them, stands as given.
            Step::Fix => match self.fix {
                FixState::Promised(due) => due,
                _ => working(policy.fix),
            },
            Step::Prevent => hours.next_open(ready + policy.prevent),
            Step::FollowUp => match self.follow_up {
                FollowUpState::Scheduled(due) => due,
                _ => hours.next_open(ready + policy.follow_up_delay),
            },
            Step::Watch => hours.add(ready, policy.watch),
        })
    }

    /// Every step with where it stands, in playbook order.
    pub fn steps(&self, policy: &DuePolicy) -> Vec<StepState> {
        Step::ALL
            .into_iter()
            .map(|step| {
                let status = self.status_of(step);
                let due_at = match status {
                    StepStatus::Due | StepStatus::InProgress => self.due_at(step, policy),
                    _ => None,
                };
                StepState { step, status, due_at, skip_reason: self.skipped.get(&step).cloned() }
            })
            .collect()
    }

    /// The step staff should do next and when it is due: the soonest due of the steps
    /// that wait on staff. None when nothing waits on staff.
    pub fn next_step(&self, policy: &DuePolicy) -> Option<(Step, OffsetDateTime)> {
        if self.outcome.is_some() || self.merged_into.is_some() || self.spam.is_some() {
            return None;
        }
        self.steps(policy).into_iter().filter_map(|s| Some((s.step, s.due_at?))).min_by_key(|(step, due)| (*due, *step))
    }

    pub fn status(&self, policy: &DuePolicy) -> CaseStatus {
        if self.merged_into.is_some() {
            return CaseStatus::Merged;
        }
        if self.spam.is_some() {
            return CaseStatus::Spam;
        }
        match self.outcome {
            Some(Outcome::Retained) => return CaseStatus::Retained,
            Some(Outcome::Lost) => return CaseStatus::Lost,
            None => {}
        }
        // Staff owe the customer an answer, or the person it was escalated to owes a
        // decision: never "waiting on the customer".
        if self.next_step(policy).is_some()
            || self.customer_waiting_since.is_some()
            || self.escalation_pending.is_some()
        {
            return CaseStatus::Open;
        }
        let awaiting =
            [Step::Restate, Step::Offer].into_iter().any(|s| self.status_of(s) == StepStatus::AwaitingCustomer);
        if awaiting { CaseStatus::AwaitingCustomer } else { CaseStatus::Watching }
    }

    pub fn escalation_required(&self) -> bool {
        self.escalation_required
    }

    /// The case this one was merged into, if it was.
    pub fn merged_into(&self) -> Option<i64> {
        self.merged_into
    }

    /// The cases merged into this one, in the order they were merged.
    pub fn merged_from(&self) -> &[i64] {
        &self.merged_from
    }

    /// The cases linked to this one.
    pub fn linked(&self) -> &[i64] {
        &self.linked
    }

    /// Whether the customer's own proposal waits for staff to accept or decline it.
    pub fn alternative_pending(&self) -> bool {
        self.offer == OfferState::AlternativePending
    }

    /// Since when the customer's words wait for staff, if they do.
    pub fn customer_waiting_since(&self) -> Option<OffsetDateTime> {
        self.customer_waiting_since
    }

    /// The snooze in force, if any. Whether its time has passed is for the caller, who
    /// has a clock.
    pub fn snooze(&self) -> Option<Snooze> {
        self.snooze
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);

    fn ev(minutes: i64, kind: EventKind) -> Event {
        Event { at: T0 + Duration::minutes(minutes), actor: Actor::Staff { user_id: 1 }, kind }
    }

    fn opened(severity: &str, escalate: bool) -> Playbook {
        let mut p = Playbook::replay(&[]);
        let escalate_because = if escalate { vec!["severity is high".into()] } else { vec![] };
        let severity = severity.parse().expect("a severity");
        p.record(&ev(0, EventKind::Opened { channel: Channel::Phone, severity, escalate_because })).unwrap();
        p
    }

    fn rule(p: &Playbook, kind: EventKind) -> &'static str {
        p.check(&kind).unwrap_err().rule
    }

    fn two() -> EventKind {
        EventKind::OptionsOffered { options: vec!["A new cake tomorrow".into(), "A full refund today".into()] }
    }

    #[test]
    fn a_case_walks_every_step_to_retained() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        assert_eq!(p.next_step(&policy), Some((Step::Restate, T0 + Duration::hours(4))));
        let steps = [
            EventKind::RestatementWritten { text: "The cake came late and squashed.".into(), missed_concerns: vec![] },
            EventKind::RestatementConfirmed { by_customer: true },
            EventKind::Apologised { text: "I am sorry; I accept all responsibility.".into() },
            two(),
            EventKind::OptionChosen { option: 1 },
            EventKind::GestureRecorded {
                gesture: "voucher".into(),
                description: "Coffee for two".into(),
                cost_minor: 800,
                currency: "EUR".into(),
            },
            EventKind::FixPromised { what: "Bake and deliver a new cake".into(), due: T0 + Duration::days(1) },
            EventKind::FixDone { note: "Delivered at 10:00".into(), internal_note: None },
            EventKind::ProblemLinked { problem_id: 7 },
            EventKind::FollowUpScheduled { due: T0 + Duration::days(4), channel: "letter".into() },
            EventKind::FollowUpRecorded { satisfaction: 5, words: "Lovely".into(), satisfied: None },
            EventKind::WatchSet,
        ];
        for (i, kind) in steps.into_iter().enumerate() {
            p.record(&ev(i as i64 + 1, kind)).unwrap();
        }
        assert_eq!(p.status(&policy), CaseStatus::Watching);
        p.record(&ev(100, EventKind::OutcomeRecorded { outcome: Outcome::Retained, reason: String::new() })).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::Retained);
        assert!(p.steps(&policy).iter().all(|s| matches!(s.status, StepStatus::Done | StepStatus::NotNeeded)));
    }

    #[test]
    fn a_low_follow_up_opens_the_fix_again_and_retained_waits_for_a_good_one() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        for kind in [
            EventKind::RestatementWritten { text: "Burnt bread.".into(), missed_concerns: vec![] },
            EventKind::RestatementConfirmed { by_customer: true },
            EventKind::Apologised { text: "I am sorry.".into() },
            two(),
            EventKind::OptionChosen { option: 1 },
            EventKind::FixPromised { what: "A new loaf".into(), due: T0 + Duration::days(1) },
            EventKind::FixDone { note: "Delivered".into(), internal_note: None },
        ] {
            p.record(&ev(1, kind)).unwrap();
        }
        let low = EventKind::FollowUpRecorded { satisfaction: 2, words: "Still burnt".into(), satisfied: None };
        p.record(&ev(60 * 24 * 3, low)).unwrap();
        assert!(p.fix_reopened());
        assert!(p.escalation_required(), "a manager hears of it");
        assert_eq!(p.next_step(&policy).map(|(s, _)| s), Some(Step::Escalate), "until it is escalated");
        let fix = p.steps(&policy).into_iter().find(|s| s.step == Step::Fix).unwrap();
        assert_eq!(fix.status, StepStatus::Due);
        assert!(fix.due_at.unwrap() > T0 + Duration::days(3), "the clock starts at the answer, not at the first fix");
        assert_eq!(
            rule(&p, EventKind::FollowUpRecorded { satisfaction: 5, words: String::new(), satisfied: None }),
            "follow_up_before_fix"
        );
        let no = FollowUpAnswer { satisfaction: 4, satisfied: Some(false) };
        assert!(no.is_low() && !no.is_satisfied(), "a 'no' is low whatever the number");
        let neither = FollowUpAnswer { satisfaction: 3, satisfied: None };
        assert!(!neither.is_low() && !neither.is_satisfied());
        p.record(&ev(
            60 * 24 * 4,
            EventKind::FixPromised { what: "Bake it again".into(), due: T0 + Duration::days(5) },
        ))
        .unwrap();
        p.record(&ev(60 * 24 * 5, EventKind::FixDone { note: "Done".into(), internal_note: None })).unwrap();
        assert!(!p.fix_reopened());
        p.record(&ev(
            60 * 24 * 6,
            EventKind::FollowUpRecorded { satisfaction: 5, words: "Perfect".into(), satisfied: Some(true) },
        ))
        .unwrap();
        assert!(p.satisfied_follow_up());
        p.record(&ev(60 * 24 * 7, EventKind::OutcomeRecorded { outcome: Outcome::Lost, reason: "moved".into() }))
            .unwrap();
        assert_eq!(p.retained_by(), None);
    }

    #[test]
    fn due_times_count_working_hours() {
        let hours = crate::BusinessHours::parse(&crate::HoursSpec::office("UTC")).unwrap();
        let policy = DuePolicy { hours, ..DuePolicy::default() };
        let friday = datetime!(2026-11-06 16:00 UTC);
        let mut p = Playbook::replay(&[]);
        let opened =
            EventKind::Opened { channel: Channel::Phone, severity: Severity::Normal, escalate_because: vec![] };
        p.record(&Event { at: friday, actor: Actor::System, kind: opened }).unwrap();
        // Four working hours: one on Friday, three on Monday.
        assert_eq!(p.next_step(&policy), Some((Step::Restate, datetime!(2026-11-09 12:00 UTC))));
        // An overdue escalation is recorded without moving any step.
        let escalated = EventKind::OverdueEscalated { level: 1, step: Step::Restate, due: friday, told: vec![] };
        p.record(&Event { at: friday, actor: Actor::System, kind: escalated }).unwrap();
        assert_eq!(p.next_step(&policy), Some((Step::Restate, datetime!(2026-11-09 12:00 UTC))));
    }

    #[test]
    fn no_options_before_the_restatement_is_confirmed() {
        let mut p = opened("normal", false);
        assert_eq!(rule(&p, two()), "options_before_confirmation");
        p.record(&ev(1, EventKind::RestatementWritten { text: "x".into(), missed_concerns: vec![] })).unwrap();
        assert_eq!(rule(&p, two()), "options_before_confirmation");
        assert_eq!(p.status(&DuePolicy::default()), CaseStatus::AwaitingCustomer);
        p.record(&ev(2, EventKind::RestatementConfirmed { by_customer: false })).unwrap();
        let refusal = p.check(&two()).unwrap_err();
        assert_eq!(refusal.rule, "options_before_apology");
        assert_eq!(refusal.missing, vec![Step::Apologise]);
    }

    #[test]
    fn an_offer_is_exactly_two_different_options() {
        let mut p = opened("normal", false);
        p.record(&ev(1, EventKind::StepSkipped { step: Step::Restate, reason: "confirmed in person".into() })).unwrap();
        p.record(&ev(2, EventKind::Apologised { text: "Sorry".into() })).unwrap();
        let three = EventKind::OptionsOffered { options: vec!["a".into(), "b".into(), "c".into()] };
        assert_eq!(rule(&p, three), "exactly_two_options");
        let same = EventKind::OptionsOffered { options: vec!["a".into(), "a ".into()] };
        assert_eq!(rule(&p, same), "options_must_differ");
        p.record(&ev(3, two())).unwrap();
        assert_eq!(rule(&p, EventKind::AlternativeAccepted), "no_alternative_to_accept");
        p.record(&ev(4, EventKind::AlternativeProposed { text: "Half refund and the cake".into() })).unwrap();
        p.record(&ev(5, EventKind::AlternativeAccepted)).unwrap();
        assert!(p.is_resolved(Step::Offer));
        assert_eq!(rule(&p, two()), "offer_already_settled");
    }

    fn by_customer(minutes: i64, kind: EventKind) -> Event {
        Event { at: T0 + Duration::minutes(minutes), actor: Actor::Customer, kind }
    }

    #[test]
    fn a_counter_proposal_is_staffs_next_step_and_a_decline_puts_the_two_options_back() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        p.record(&ev(1, EventKind::StepSkipped { step: Step::Restate, reason: "confirmed in person".into() })).unwrap();
        p.record(&ev(2, EventKind::Apologised { text: "Sorry".into() })).unwrap();
        p.record(&ev(3, two())).unwrap();
        let offer = |p: &Playbook| p.steps(&policy)[Step::Offer as usize].status;
        assert_eq!(offer(&p), StepStatus::AwaitingCustomer, "the options wait on the customer");
        let declined = EventKind::AlternativeDeclined { reason: "We cannot bake on Sunday.".into() };
        assert_eq!(rule(&p, declined.clone()), "no_alternative_to_accept");
        p.record(&by_customer(60, EventKind::AlternativeProposed { text: "A cake on Sunday".into() })).unwrap();
        let proposed = T0 + Duration::minutes(60);
        assert_eq!(p.next_step(&policy), Some((Step::Offer, proposed + Duration::hours(4))), "staff owe the answer");
        assert_eq!(offer(&p), StepStatus::Due, "never waiting on the customer while staff owe it");
        assert_eq!(rule(&p, EventKind::AlternativeDeclined { reason: " ".into() }), "decline_reason");
        p.record(&ev(90, declined)).unwrap();
        assert_eq!(offer(&p), StepStatus::AwaitingCustomer, "the two options stand for them again");
        assert!(p.check(&EventKind::OptionChosen { option: 2 }).is_ok());
    }

    #[test]
    fn a_customers_word_waits_until_staff_act_whatever_staff_do() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        assert_eq!(p.customer_waiting_since(), None, "a new case is not a reply");
        p.record(&ev(1, EventKind::RestatementWritten { text: "Late cake.".into(), missed_concerns: vec![] })).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::AwaitingCustomer);
        let wrote = |text: &str| EventKind::CustomerWrote {
            subject: None,
            text: text.into(),
            message_id: None,
            new_words: None,
        };
        p.record(&by_customer(10, wrote("It was also squashed."))).unwrap();
        p.record(&by_customer(20, wrote("And cold."))).unwrap();
        assert_eq!(p.customer_waiting_since(), Some(T0 + Duration::minutes(10)), "from their first unanswered word");
        assert_eq!(p.status(&policy), CaseStatus::Open, "staff owe them an answer");
        p.record(&Event { at: T0, actor: Actor::System, kind: EventKind::Unsnoozed }).unwrap_err();
        p.record(&ev(30, EventKind::TagAdded { tag: "late".into() })).unwrap();
        assert_eq!(p.customer_waiting_since(), None, "any step of staff's ends the wait");
        assert_eq!(p.status(&policy), CaseStatus::AwaitingCustomer);
    }

    #[test]
    fn the_words_at_a_glance_are_one_short_line() {
        assert_eq!(at_a_glance("  Still\n\nno cake. "), "Still no cake.");
        let long = "word ".repeat(100);
        let cut = at_a_glance(&long);
        assert_eq!(cut.chars().count(), WORDS_AT_A_GLANCE);
        assert!(cut.ends_with('…'));
        let follow_up = EventKind::FollowUpRecorded { satisfaction: 2, words: String::new(), satisfied: None };
        assert_eq!(follow_up.customer_words().as_deref(), Some("Rated it 2 of 5"));
        assert_eq!(EventKind::NoteAdded { text: "x".into() }.customer_words(), None);
    }

    #[test]
    fn skipping_needs_a_reason_and_hearing_cannot_be_skipped() {
        let p = opened("normal", false);
        assert_eq!(rule(&p, EventKind::StepSkipped { step: Step::Gesture, reason: "  ".into() }), "skip_needs_reason");
        assert_eq!(
            rule(&p, EventKind::StepSkipped { step: Step::Hear, reason: "busy".into() }),
            "hear_cannot_be_skipped"
        );
    }

    #[test]
    fn later_steps_wait_for_earlier_ones() {
        let p = opened("normal", false);
        let due = T0 + Duration::days(1);
        assert_eq!(rule(&p, EventKind::FixPromised { what: "x".into(), due }), "fix_before_offer");
        assert_eq!(rule(&p, EventKind::FixDone { note: String::new(), internal_note: None }), "fix_without_promise");
        assert_eq!(
            rule(&p, EventKind::FollowUpRecorded { satisfaction: 4, words: String::new(), satisfied: None }),
            "follow_up_before_fix"
        );
        assert_eq!(rule(&p, EventKind::WatchSet), "watch_before_follow_up");
        assert_eq!(rule(&p, EventKind::ProblemLinked { problem_id: 1 }), "prevent_before_agreement");
        assert_eq!(rule(&p, EventKind::Apologised { text: "Sorry".into() }), "apology_before_agreement");
        let r = p.check(&EventKind::OutcomeRecorded { outcome: Outcome::Retained, reason: String::new() }).unwrap_err();
        assert_eq!(r.rule, "retained_with_open_steps");
        assert!(r.missing.contains(&Step::Restate) && r.missing.contains(&Step::Watch));
        assert!(!r.missing.contains(&Step::Escalate), "escalation not needed here");
    }

    #[test]
    fn serious_cases_must_be_escalated_first() {
        let policy = DuePolicy::default();
        let p = opened("high", true);
        assert_eq!(p.next_step(&policy), Some((Step::Escalate, T0 + Duration::minutes(30))));
        let reasons = escalation_reasons(EscalationContext {
            severity: Severity::Normal,
            recent_cases: 2,
            lifetime_value_minor: 500_000,
            valuable_customer_minor: 100_000,
        });
        assert_eq!(reasons.len(), 2);
    }

    #[test]
    fn lost_needs_a_reason_and_closes_the_case_until_reopened() {
        let mut p = opened("low", false);
        assert_eq!(
            rule(&p, EventKind::OutcomeRecorded { outcome: Outcome::Lost, reason: "".into() }),
            "lost_needs_reason"
        );
        p.record(&ev(1, EventKind::OutcomeRecorded { outcome: Outcome::Lost, reason: "moved away".into() })).unwrap();
        assert_eq!(
            rule(&p, EventKind::RestatementWritten { text: "x".into(), missed_concerns: vec![] }),
            "case_closed"
        );
        assert!(p.check(&EventKind::NoteAdded { text: "called once more".into() }).is_ok());
        p.record(&ev(2, EventKind::Reopened { reason: "they wrote back".into() })).unwrap();
        assert!(p.check(&EventKind::RestatementWritten { text: "x".into(), missed_concerns: vec![] }).is_ok());
    }

    #[test]
    fn events_round_trip_through_json() {
        let e = ev(5, EventKind::FixPromised { what: "new oven part".into(), due: T0 + Duration::days(2) });
        let json = serde_json::to_string(&e).unwrap();
        assert!(json.contains("\"kind\":\"fix_promised\""), "{json}");
        let back: Event = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn a_snooze_wakes_when_the_customer_writes_and_keeps_the_promised_date() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        for kind in [
            EventKind::RestatementWritten { text: "Late cake.".into(), missed_concerns: vec![] },
            EventKind::RestatementConfirmed { by_customer: true },
            EventKind::Apologised { text: "I am sorry; I accept all responsibility.".into() },
            two(),
            EventKind::OptionChosen { option: 1 },
            EventKind::FixPromised { what: "A new cake".into(), due: T0 + Duration::days(2) },
        ] {
            p.record(&ev(1, kind)).unwrap();
        }
        let before = p.next_step(&policy);
        p.record(&ev(2, EventKind::Snoozed { until: None })).unwrap();
        assert_eq!(p.snooze(), Some(Snooze { until: None }));
        let wrote = Event {
            at: T0 + Duration::minutes(3),
            actor: Actor::Customer,
            kind: EventKind::CustomerWrote {
                subject: None,
                text: "Any news?".into(),
                message_id: None,
                new_words: None,
            },
        };
        p.record(&wrote).unwrap();
        assert_eq!(p.snooze(), None, "the customer's words wake it");
        assert_eq!(p.next_step(&policy), before, "waking moves no date");
        assert_eq!(rule(&p, EventKind::Unsnoozed), "not_snoozed");
    }

    #[test]
    fn a_merged_case_takes_no_more_steps_and_names_its_survivor() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        p.record(&ev(1, EventKind::Merged { into: 5 })).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::Merged);
        assert_eq!(p.next_step(&policy), None);
        let refused = p.check(&EventKind::NoteAdded { text: "hello".into() }).unwrap_err();
        assert_eq!(refused.rule, "case_merged");
        assert!(refused.message.contains("AM-1005"), "{}", refused.message);
    }

    #[test]
    fn raising_the_severity_shortens_the_clock_and_calls_a_manager() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        assert!(!p.escalation_required());
        assert_eq!(rule(&p, EventKind::SeverityChanged { severity: Severity::Normal }), "severity_unchanged");
        assert!("urgent".parse::<Severity>().is_err(), "no such severity can even be asked for");
        p.record(&ev(0, EventKind::SeverityChanged { severity: Severity::Critical })).unwrap();
        assert!(p.escalation_required());
        assert_eq!(p.next_step(&policy), Some((Step::Escalate, T0 + Duration::minutes(15))));
    }

    #[test]
    fn a_case_in_the_spam_folder_waits_for_staff_to_decide() {
        let policy = DuePolicy::default();
        let mut p = opened("normal", false);
        let held = EventKind::MarkedSpam { score: 12, reason: "3 links".into(), acknowledge_on_release: true };
        p.record(&ev(0, held.clone())).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::Spam);
        assert_eq!(p.next_step(&policy), None, "a held case is in no one's inbox");
        assert_eq!(
            rule(&p, EventKind::RestatementWritten { text: "x".into(), missed_concerns: vec![] }),
            "case_in_spam"
        );
        assert_eq!(rule(&p, held), "already_spam");
        p.record(&ev(1, EventKind::NoteAdded { text: "looks real".into() })).unwrap();
        assert_eq!(p.spam(), Some(SpamHold { confirmed: false, acknowledge_on_release: true }));
        p.record(&ev(2, EventKind::SpamReleased)).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::Open);
        assert_eq!(p.next_step(&policy).map(|(s, _)| s), Some(Step::Restate));
        assert_eq!(rule(&p, EventKind::SpamReleased), "not_spam");

        p.record(&ev(
            3,
            EventKind::MarkedSpam { score: 0, reason: "a sales pitch".into(), acknowledge_on_release: false },
        ))
        .unwrap();
        p.record(&ev(4, EventKind::SpamConfirmed { blocked: Some("spam.example".into()) })).unwrap();
        assert_eq!(p.status(&policy), CaseStatus::Spam);
        assert_eq!(rule(&p, EventKind::SpamConfirmed { blocked: None }), "spam_already_confirmed");
        assert_eq!(
            rule(&p, EventKind::MarkedSpam { score: 0, reason: String::new(), acknowledge_on_release: false }),
            "already_spam"
        );
    }
}
