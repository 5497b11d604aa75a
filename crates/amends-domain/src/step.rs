//! A step is one command: given the case as it is, who asks, what they ask, what the
//! coach said about its words and the time, [`decide`] answers with a [`Refused`] in
//! words, or a [`Decision`]: the events to put on the timeline, the case's derived
//! columns after them, and the [`Effect`]s the store carries out in the same
//! transaction. Every rule of taking a step lives here; the API and the pages only
//! translate a request into a [`Command`], the store only reads what [`CaseState`] needs
//! and writes what the decision says.
//!
//! Pure: no I/O, no clock (the caller passes `now`), no coach (the caller passes its
//! findings as a [`CoachReading`], so the coach stays a leaf crate; which findings hold
//! the words back is decided here).

use time::OffsetDateTime;

use crate::CaseReference;
use crate::gesture::{ApprovalReason, GestureLimits, GivenSoFar, needs_approval};
use crate::playbook::{
    Actor, CaseStatus, DuePolicy, Event, EventKind, Feeling, FollowUpAnswer, Outcome, Playbook, Refusal, Snooze, Step,
};
use crate::problem::LinkedProblem;
use crate::{Role, Severity};

/// How much a coach finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FindingSeverity {
    Low,
    Medium,
    /// Company-focused wording (blame, hiding behind policy, over-promising…).
    High,
}

/// One thing the coach found in a step's outgoing words: its kind (`blame`, …) and weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachFinding {
    pub kind: String,
    pub severity: FindingSeverity,
}

/// What the coach read in a step's outgoing words, as far as the rules need it. Empty
/// for a step with no words to read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CoachReading {
    pub findings: Vec<CoachFinding>,
    /// For a restatement: the complaint's words for each of its concerns the text does
    /// not say back. Advice: the step goes, and they are kept on its event.
    pub missed_concerns: Vec<String>,
}

/// Findings of this weight hold the words back until staff give a reason; lighter ones
/// are advice, and the words go.
pub const HOLDS: FindingSeverity = FindingSeverity::High;

impl CoachReading {
    /// The kinds of finding that hold the words back, each once, in the order found.
    pub fn holding_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = Vec::new();
        for finding in self.findings.iter().filter(|f| f.severity >= HOLDS) {
            if !kinds.contains(&finding.kind) {
                kinds.push(finding.kind.clone());
            }
        }
        kinds
    }
}

/// Words the coach held, sent anyway: the kinds held and staff's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoachOverride {
    pub kinds: Vec<String>,
    pub reason: String,
}

/// The coach's gate, for a step's words and for any other text staff write for
/// customers (a message template): words with a holding finding go only with a reason
/// (not blank), which is then recorded. `Ok(None)`: nothing held.
pub fn coach_gate(coach: &CoachReading, override_reason: Option<&str>) -> Result<Option<CoachOverride>, Refused> {
    let kinds = coach.holding_kinds();
    if kinds.is_empty() {
        return Ok(None);
    }
    match override_reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(reason) => Ok(Some(CoachOverride { kinds, reason: reason.to_owned() })),
        None => Err(Refused::CoachHeld { kinds }),
    }
}

/// What a step's outgoing words are for: the coach reads each purpose its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Restatement,
    Apology,
    Offer,
    Fix,
    /// A message staff wrote themselves (a reply, now or scheduled).
    Message,
}

impl EventKind {
    /// The words this step sends the customer, and what for; None for a step that sends
    /// nothing staff wrote. These are what the coach reads before the step is taken.
    pub fn outgoing_text(&self) -> Option<(Purpose, String)> {
        match self {
            EventKind::RestatementWritten { text, .. } => Some((Purpose::Restatement, text.clone())),
            EventKind::Apologised { text } => Some((Purpose::Apology, text.clone())),
            EventKind::OptionsOffered { options } => Some((Purpose::Offer, options.join("\n"))),
            EventKind::FixPromised { what, .. } => Some((Purpose::Fix, what.clone())),
            EventKind::AlternativeDeclined { reason } => Some((Purpose::Offer, reason.clone())),
            EventKind::MessageScheduled { text, .. } | EventKind::Replied { text } => {
                Some((Purpose::Message, text.clone()))
            }
            _ => None,
        }
    }
}

/// One request to take a step on a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub actor: Actor,
    /// The role of a staff actor (None for the customer and the system).
    pub role: Option<Role>,
    pub request: EventKind,
    pub coach: CoachReading,
    /// Staff's reason to send words the coach flagged.
    pub override_reason: Option<String>,
    /// The version the caller read; None takes the step on the case as it is.
    pub expected_version: Option<i64>,
}

impl Command {
    /// A step with no words for the coach and no version to check (the system's notes,
    /// the customer's answers).
    pub fn new(actor: Actor, role: Option<Role>, request: EventKind) -> Self {
        Self { actor, role, request, coach: CoachReading::default(), override_reason: None, expected_version: None }
    }
}

/// The case as the store read it, inside the step's transaction.
#[derive(Debug, Clone, Copy)]
pub struct CaseState<'a> {
    pub id: i64,
    pub history: &'a [Event],
    pub version: i64,
    pub tags: &'a [String],
    /// The next step and its due time the case's columns hold now.
    pub next: Option<(Step, OffsetDateTime)>,
    /// Due times count the business hours in force now.
    pub policy: &'a DuePolicy,
    /// What gestures were given already and the limits, read only for a gesture.
    pub spending: Option<Spending>,
    /// The person an escalation names, read only for an escalation (None: no such user).
    pub escalation_target: Option<&'a Person>,
    /// The problem a prevent step links, read only for that step.
    pub problem: Option<&'a LinkedProblem>,
    /// Whether the customer has a postal address now, read only for a follow-up by
    /// letter.
    pub postal_address: Option<bool>,
    /// The customer's name, as the timeline says who wrote again.
    pub customer_name: &'a str,
}

/// A member of staff, as an escalation weighs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub active: bool,
}

/// Who a case may be escalated to: a manager or an admin (the owner).
pub const ESCALATES_TO: Role = Role::Manager;

/// What a gesture is weighed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spending {
    pub given: GivenSoFar,
    pub limits: GestureLimits,
}

/// Why a step was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// A rule of recovery: the playbook's order, or a request that can never succeed.
    #[error(transparent)]
    Rule(#[from] Refusal),
    /// The step is for someone with a higher role.
    #[error("{message}")]
    NeedsRole { role: Role, message: &'static str },
    /// The case changed since the caller read it; taking the step now could undo a
    /// colleague's work.
    #[error("the case changed since you loaded it (version {expected}, now {now}); reload it")]
    Changed { expected: i64, now: i64 },
    /// The coach flagged the words and no reason to send them anyway was given.
    #[error("the coach found company-focused wording; rewrite it, or give your reason to send it anyway")]
    CoachHeld { kinds: Vec<String> },
}

/// What the store does beside writing the events, in the same transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Tell the customer about the step (the restatement to confirm, the apology, the
    /// options, the fix), now.
    TellCustomer,
    /// Follow up with the customer at `due`.
    FollowUpDue {
        due: OffsetDateTime,
    },
    /// Remind the owner of a promised fix at `remind`, and check it at `due`.
    PromiseReminders {
        remind: OffsetDateTime,
        due: OffsetDateTime,
    },
    /// Send the step's message at `send_at`, unless the customer writes first.
    ScheduleMessage {
        send_at: OffsetDateTime,
    },
    /// What was scheduled for the customer is not sent, for this reason.
    CancelScheduled {
        reason: String,
    },
    /// Send the acknowledgement held back while the case was in the spam folder.
    Acknowledge,
    /// Add the address or domain to the block list.
    BlockSender {
        value: String,
    },
    /// The watch alerts of the case are answered.
    ClearWatchAlerts,
    /// The customer is on the watch list for their next order.
    SetWatch,
    /// The customer leaves the watch list unless another case of theirs still watches.
    EndWatch,
    /// Mail the case's owner (the managers when it has none) and the managers.
    AlertOwnerAndManagers {
        subject: String,
        text: String,
    },
    /// The case carries this problem from now on (matched at intake): its owner is
    /// mailed, with a recurrence alarm when the problem was marked fixed.
    MatchProblem {
        problem_id: i64,
        words: Vec<String>,
    },
    /// The case's tags are now these (`added` the new one, for the index).
    SetTags {
        tags: Vec<String>,
        added: String,
    },
    SetSeverity {
        severity: Severity,
    },
    /// The case's reason from the feeling heard is now this one (None: no reason; the
    /// customer is no longer heard as angry or upset). The intake's reasons stay.
    FeelingReason {
        reason: Option<crate::SeverityReason>,
    },
    LinkProblem {
        problem_id: i64,
    },
    AssignOwner {
        owner_id: Option<i64>,
    },
    KeepWish {
        text: String,
    },
    MarkMerged {
        into: i64,
    },
    /// A new step or a new due time: the escalation ladder starts again.
    RestartEscalation,
    /// The person the case now waits on since it was escalated, and why (None: nobody).
    SetEscalation {
        to: Option<i64>,
        reason: Option<String>,
    },
    /// Tell staff (the people named, and the managers when `managers`), by the alerts
    /// they chose, in business hours.
    AlertStaff {
        user_ids: Vec<i64>,
        managers: bool,
        subject: String,
        text: String,
    },
    /// The customer's words wait for staff: keep them at a glance for the inbox, and when
    /// the wait begins (`alert`), alert the case's owner (or the unassigned queue).
    CustomerWaiting {
        words: String,
        alert: bool,
    },
    /// Nothing goes on the timeline yet: the gesture waits for a manager.
    HoldGesture {
        reason: ApprovalReason,
        gesture: String,
        description: String,
        cost_minor: i64,
        currency: String,
    },
}

/// The case's columns derived from its events, after the step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub status: CaseStatus,
    pub next: Option<(Step, OffsetDateTime)>,
    pub snooze: Option<Snooze>,
    pub escalation_required: bool,
    /// Since when the customer's words wait for staff (any staff step ends it).
    pub customer_waiting_since: Option<OffsetDateTime>,
}

/// What a step comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The step's event first, then the coach's override when one was given. Empty when
    /// nothing is recorded now (a gesture held for approval, a form sent twice).
    pub events: Vec<Event>,
    pub effects: Vec<Effect>,
    /// None when no event is recorded.
    pub derived: Option<Derived>,
}

impl Decision {
    fn nothing(effects: Vec<Effect>) -> Self {
        Self { events: Vec::new(), effects, derived: None }
    }

    /// The approval a held gesture waits as, if it is one.
    pub fn held(&self) -> Option<ApprovalReason> {
        self.effects.iter().find_map(|e| match e {
            Effect::HoldGesture { reason, .. } => Some(*reason),
            _ => None,
        })
    }
}

/// Who may reopen a closed case: taking back an outcome is a manager's call.
pub const REOPENS: Role = Role::Manager;

/// Who may call a case retained without a satisfied follow-up, with a reason.
pub const RETAINS_WITHOUT_SATISFACTION: Role = Role::Manager;

/// Retained only after a satisfied follow-up, or by a manager's decision with a reason.
fn retained_allowed(playbook: &Playbook, role: Option<Role>, reason: &str) -> Result<(), Refused> {
    if playbook.satisfied_follow_up() {
        return Ok(());
    }
    if !role.is_some_and(|r| r.at_least(RETAINS_WITHOUT_SATISFACTION)) {
        return Err(Refused::NeedsRole {
            role: RETAINS_WITHOUT_SATISFACTION,
            message: "the customer has not said they are satisfied: a case ends retained after a satisfied \
                      follow-up, or by a manager's decision with a reason",
        });
    }
    if reason.trim().is_empty() {
        return Err(Refused::Rule(
            Refusal::invalid(
                "retained_needs_reason",
                "the customer has not said they are satisfied: give the reason for your decision that they stayed",
            )
            .about("reason"),
        ));
    }
    Ok(())
}

/// The prevent step is done only with a problem that has a corrective or preventive
/// action written: linking a name changes nothing.
fn prevention_allowed(problem: Option<&LinkedProblem>) -> Result<(), Refusal> {
    match problem {
        Some(p) if !p.has_action() => Err(Refusal::order(
            "prevent_needs_action",
            format!(
                "the problem “{}” has no corrective or preventive action yet: write on it what is being \
                 changed, then link it",
                p.title
            ),
            vec![],
        )
        .about("problem_id")),
        _ => Ok(()),
    }
}

/// The escalation a low follow-up answer records beside it, and the alert it mails.
fn low_answer(case_id: i64, answer: FollowUpAnswer, words: &str, now: OffsetDateTime) -> (Event, Effect) {
    let reference = CaseReference(case_id);
    let said = match answer.satisfied {
        Some(false) => format!("{} of 5, and no, it was not put right", answer.satisfaction),
        _ => format!("{} of 5", answer.satisfaction),
    };
    let reason = format!("The customer answered the follow-up {said}: the fix step is open again.");
    let words = words.trim();
    let text = if words.is_empty() {
        format!("{reference}: {reason}\n\nPut it right with them again, then follow up once more.")
    } else {
        format!(
            "{reference}: {reason}\n\nIn their words: \"{words}\"\n\nPut it right with them again, then follow up once more."
        )
    };
    let event = Event {
        at: now,
        actor: Actor::System,
        kind: EventKind::Escalated { to: "the owner and the managers".to_owned(), reason, to_user_id: None },
    };
    let subject = format!("{reference}: the customer is not satisfied ({said})");
    (event, Effect::AlertOwnerAndManagers { subject, text })
}

/// Decides one step. See the module's comment.
pub fn decide(case: CaseState<'_>, command: Command, now: OffsetDateTime) -> Result<Decision, Refused> {
    let Command { actor, role, mut request, coach, override_reason, expected_version } = command;
    // Sent without saying back some of the complaint: recorded on the step, never a
    // hold. Set before anything compares the request with the timeline.
    if let EventKind::RestatementWritten { missed_concerns, .. } = &mut request {
        missed_concerns.clone_from(&coach.missed_concerns);
    }
    if let EventKind::Reopened { .. } = request
        && !role.is_some_and(|r| r.at_least(REOPENS))
    {
        return Err(Refused::NeedsRole { role: REOPENS, message: "only a manager reopens a closed case" });
    }
    if let Some(expected) = expected_version
        && expected != case.version
    {
        // The same form sent twice (a double click, a reload): the first one did it.
        if already_taken(case.history, actor, &request) && expected < case.version {
            return Ok(Decision::nothing(Vec::new()));
        }
        return Err(Refused::Changed { expected, now: case.version });
    }
    let mut playbook = Playbook::replay(case.history);
    let held = playbook.spam();
    escalation_allowed(case, &playbook, actor, role, &mut request)?;
    playbook.check(&request)?;
    in_time(&request, now)?;
    reachable(&request, case.postal_address)?;
    match &request {
        EventKind::OutcomeRecorded { outcome: Outcome::Retained, reason } => retained_allowed(&playbook, role, reason)?,
        EventKind::ProblemLinked { .. } => prevention_allowed(case.problem)?,
        _ => {}
    }
    let low = match &request {
        EventKind::FollowUpRecorded { satisfaction, satisfied, words } => {
            let answer = FollowUpAnswer { satisfaction: *satisfaction, satisfied: *satisfied };
            answer.is_low().then(|| low_answer(case.id, answer, words, now))
        }
        _ => None,
    };
    let tags = match &request {
        EventKind::TagAdded { tag } => Some(tags_with(case, tag)?),
        _ => None,
    };
    let override_event = coach_gate(&coach, override_reason.as_deref())?
        .map(|CoachOverride { kinds, reason }| EventKind::CoachOverridden { kinds, reason });
    if let (EventKind::GestureRecorded { gesture, description, cost_minor, currency }, Some(role), Some(spending)) =
        (&request, role, case.spending)
        && let Some(reason) = needs_approval(role, *cost_minor, spending.given, spending.limits)
    {
        return Ok(Decision::nothing(vec![Effect::HoldGesture {
            reason,
            gesture: gesture.clone(),
            description: description.clone(),
            cost_minor: *cost_minor,
            currency: currency.clone(),
        }]));
    }

    let mut effects = Vec::new();
    if let Some((tags, added)) = tags {
        effects.push(Effect::SetTags { tags, added });
    }
    effects.extend(effects_of(&request, actor, held.is_some_and(|h| h.acknowledge_on_release), now));
    effects.extend(escalation_effects(case, &playbook, actor, &request));
    let words = if actor == Actor::Customer { request.customer_words() } else { None };
    let was_waiting = playbook.customer_waiting_since().is_some();
    let closed = playbook.outcome().is_some();
    let mut events = vec![Event { at: now, actor, kind: request }];
    events.extend(override_event.map(|kind| Event { at: now, actor, kind }));
    if let Some((escalated, alert)) = low {
        events.push(escalated);
        effects.push(alert);
    }
    // Triage reads the feeling heard: an angry or upset customer's case is no longer low
    // (unless staff chose its severity); it still goes to a manager only for a reason of
    // its own, as at intake.
    if let Some(EventKind::FeelingRecorded { feeling: Feeling::Angry | Feeling::Upset, .. }) =
        events.first().map(|e| &e.kind)
        && severity_heard(case.history) == Some(Severity::Low)
    {
        let kind = EventKind::SeverityChanged { severity: Severity::Normal };
        events.push(Event { at: now, actor: Actor::System, kind });
        effects.push(Effect::SetSeverity { severity: Severity::Normal });
    }
    // A customer who writes to a closed case is never left unheard: it opens again, and
    // the timeline says why.
    if actor == Actor::Customer && closed {
        let name = first_name(case.customer_name);
        let kind = EventKind::Reopened { reason: format!("{name} wrote again") };
        events.push(Event { at: now, actor: Actor::System, kind });
    }
    for event in &events {
        playbook.record(event)?;
    }
    if let Some(words) = words {
        effects.push(Effect::CustomerWaiting { words: crate::playbook::at_a_glance(&words), alert: !was_waiting });
    }
    let next = playbook.next_step(case.policy);
    if next != case.next {
        effects.push(Effect::RestartEscalation);
    }
    let derived = Derived {
        status: playbook.status(case.policy),
        next,
        snooze: playbook.snooze(),
        escalation_required: playbook.escalation_required(),
        customer_waiting_since: playbook.customer_waiting_since(),
    };
    Ok(Decision { events, effects, derived: Some(derived) })
}

/// The case's severity as intake or the system set it; None when staff chose it since.
fn severity_heard(history: &[Event]) -> Option<Severity> {
    let mut severity = None;
    for e in history {
        match (&e.kind, e.actor) {
            (EventKind::SeverityChanged { .. }, Actor::Staff { .. }) => return None,
            (EventKind::Opened { severity: s, .. } | EventKind::SeverityChanged { severity: s }, _) => {
                severity = Some(*s)
            }
            _ => {}
        }
    }
    severity
}

/// The name a person is called by: the first word of their name ("the customer" when
/// there is none).
pub fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("the customer")
}

/// An escalation names an active manager or admin (the request then carries their name);
/// only that person, or an admin, takes the case over or decides.
fn escalation_allowed(
    case: CaseState<'_>,
    playbook: &Playbook,
    actor: Actor,
    role: Option<Role>,
    request: &mut EventKind,
) -> Result<(), Refused> {
    match request {
        EventKind::Escalated { to, to_user_id: Some(id), .. } => {
            let refuse =
                |message: String| Refused::Rule(Refusal::invalid("escalation_target", message).about("to_user_id"));
            let person = case.escalation_target.filter(|p| p.id == *id && p.active).ok_or_else(|| {
                refuse(format!("there is no active member of staff {id}; choose a manager or an admin"))
            })?;
            if !person.role.at_least(ESCALATES_TO) {
                return Err(refuse(format!("{} is an agent; escalate to a manager or an admin", person.name)));
            }
            to.clone_from(&person.name);
            Ok(())
        }
        EventKind::Escalated { to_user_id: None, .. } => Err(Refused::Rule(
            Refusal::invalid("escalation_target", "name the manager or admin it goes to (to_user_id)")
                .about("to_user_id"),
        )),
        EventKind::EscalationTakenOver | EventKind::EscalationDecided { .. } => {
            let named = matches!(actor, Actor::Staff { user_id } if Some(user_id) == playbook.escalation_pending());
            if named || role == Some(Role::Admin) {
                Ok(())
            } else {
                Err(Refused::NeedsRole {
                    role: ESCALATES_TO,
                    message: "only the person it was escalated to (or an admin) takes it over or decides",
                })
            }
        }
        _ => Ok(()),
    }
}

/// What an escalation sets going: the person it waits on, and their alert; the case to
/// them when they take it over; the decision to whoever escalated it.
fn escalation_effects(case: CaseState<'_>, before: &Playbook, actor: Actor, request: &EventKind) -> Vec<Effect> {
    let reference = CaseReference(case.id);
    let escalated_by = || {
        case.history.iter().rev().find_map(|e| match (&e.kind, e.actor) {
            (EventKind::Escalated { .. }, Actor::Staff { user_id }) => Some(user_id),
            _ => None,
        })
    };
    match request {
        EventKind::Escalated { to_user_id: Some(id), reason, .. } => vec![
            Effect::SetEscalation { to: Some(*id), reason: Some(reason.clone()) },
            Effect::AlertStaff {
                user_ids: vec![*id],
                managers: false,
                subject: format!("{reference} was escalated to you"),
                text: format!(
                    "{reference} was escalated to you: {reason}\n\n\
                     Take it over, or send it back with your decision; until then it waits on you."
                ),
            },
        ],
        EventKind::EscalationTakenOver => match actor {
            Actor::Staff { user_id } => {
                vec![Effect::AssignOwner { owner_id: Some(user_id) }, Effect::SetEscalation { to: None, reason: None }]
            }
            _ => vec![Effect::SetEscalation { to: None, reason: None }],
        },
        EventKind::EscalationDecided { decision } => {
            let mut effects = vec![Effect::SetEscalation { to: None, reason: None }];
            if let Some(by) = escalated_by() {
                effects.push(Effect::AlertStaff {
                    user_ids: vec![by],
                    managers: false,
                    subject: format!("{reference}: the decision on your escalation"),
                    text: format!("The decision on {reference}:\n\n{decision}"),
                });
            }
            effects
        }
        EventKind::StepSkipped { step: Step::Escalate, .. } if before.escalation_pending().is_some() => {
            vec![Effect::SetEscalation { to: None, reason: None }]
        }
        _ => Vec::new(),
    }
}

/// Whether the latest of the actor's events on the case is this very request (the
/// coach's override after it aside).
fn already_taken(history: &[Event], actor: Actor, request: &EventKind) -> bool {
    history
        .iter()
        .rev()
        .filter(|e| !matches!(e.kind, EventKind::CoachOverridden { .. }))
        .find(|e| e.actor == actor)
        .is_some_and(|e| &e.kind == request)
}

/// A promise, a scheduled message and a snooze's end are times still to come.
pub fn in_time(request: &EventKind, now: OffsetDateTime) -> Result<(), Refusal> {
    let past = |rule: &'static str, field: &'static str, message: &str| {
        Err(Refusal::invalid(rule, message.to_owned()).about(field))
    };
    match request {
        EventKind::FixPromised { due, .. } if *due <= now => {
            past("promise_in_past", "due", "a promise is due in the future")
        }
        EventKind::MessageScheduled { send_at, .. } if *send_at <= now => {
            past("message_in_past", "send_at", "a scheduled message is sent at a time still to come")
        }
        EventKind::Snoozed { until: Some(until) } if *until <= now => {
            past("snooze_in_past", "until", "snooze until a time still to come")
        }
        _ => Ok(()),
    }
}

/// A letter needs somewhere to go: a follow-up by letter is refused, when it is chosen,
/// while the customer has no postal address.
pub fn reachable(request: &EventKind, postal_address: Option<bool>) -> Result<(), Refusal> {
    match request {
        EventKind::FollowUpScheduled { channel, .. } if channel == "letter" && postal_address == Some(false) => {
            Err(Refusal::invalid(
                "letter_without_address",
                "the customer has no postal address, so a letter cannot reach them: add their address on the \
                 customer's page, or follow up by call or email",
            )
            .about("channel"))
        }
        _ => Ok(()),
    }
}

/// The case's tags with `tag` added: one of each, at most [`crate::case::MAX_TAGS`].
fn tags_with(case: CaseState<'_>, tag: &str) -> Result<(Vec<String>, String), Refusal> {
    let tag = crate::case::parse_tag(tag).map_err(|e| Refusal::invalid("tag_text", e.to_string()).about("tag"))?;
    if case.tags.iter().any(|t| t.to_lowercase() == tag) {
        let message = format!("{} already has the tag {tag:?}", CaseReference(case.id));
        return Err(Refusal::order("tag_present", message, vec![]).about("tag"));
    }
    if case.tags.len() >= crate::case::MAX_TAGS {
        let message = format!("a case carries at most {} tags", crate::case::MAX_TAGS);
        return Err(Refusal::order("too_many_tags", message, vec![]).about("tag"));
    }
    let mut tags = case.tags.to_vec();
    tags.push(tag.clone());
    Ok((tags, tag))
}

/// How long before a promised fix is due its owner is reminded.
pub const PROMISE_REMINDER: time::Duration = time::Duration::hours(24);

/// What taking `request` sets going, beside its event.
fn effects_of(request: &EventKind, actor: Actor, acknowledge_on_release: bool, now: OffsetDateTime) -> Vec<Effect> {
    let by_staff = matches!(actor, Actor::Staff { .. });
    let mut effects = Vec::new();
    match request {
        EventKind::RestatementWritten { .. }
        | EventKind::Apologised { .. }
        | EventKind::OptionsOffered { .. }
        | EventKind::FixDone { .. }
        | EventKind::AlternativeDeclined { .. }
        | EventKind::Replied { .. }
            if by_staff =>
        {
            effects.push(Effect::TellCustomer)
        }
        EventKind::FixPromised { due, .. } => {
            if by_staff {
                effects.push(Effect::TellCustomer);
            }
            effects.push(Effect::PromiseReminders { remind: (*due - PROMISE_REMINDER).max(now), due: *due });
        }
        EventKind::FollowUpScheduled { due, .. } if by_staff => effects.push(Effect::FollowUpDue { due: *due }),
        EventKind::ProblemLinked { problem_id } => effects.push(Effect::LinkProblem { problem_id: *problem_id }),
        EventKind::ProblemMatched { problem_id, words } => {
            effects.push(Effect::MatchProblem { problem_id: *problem_id, words: words.clone() })
        }
        EventKind::Assigned { owner_id } => effects.push(Effect::AssignOwner { owner_id: *owner_id }),
        EventKind::WishStated { text } => effects.push(Effect::KeepWish { text: text.clone() }),
        EventKind::WatchSet => effects.push(Effect::SetWatch),
        EventKind::NextTimeRecorded { .. } => effects.push(Effect::ClearWatchAlerts),
        EventKind::OutcomeRecorded { .. } => effects.extend([Effect::ClearWatchAlerts, Effect::EndWatch]),
        EventKind::SeverityChanged { severity } => effects.push(Effect::SetSeverity { severity: *severity }),
        EventKind::FeelingRecorded { feeling, words, mattered_most } => effects
            .push(Effect::FeelingReason { reason: crate::serious::feeling_reason(*feeling, words, mattered_most) }),
        EventKind::MessageScheduled { send_at, .. } => effects.push(Effect::ScheduleMessage { send_at: *send_at }),
        // A merged case says nothing more: what it had scheduled is not sent.
        EventKind::Merged { into } => effects.extend([
            Effect::MarkMerged { into: *into },
            Effect::CancelScheduled { reason: format!("the case was merged into {}", CaseReference(*into)) },
        ]),
        EventKind::SpamReleased if acknowledge_on_release => effects.push(Effect::Acknowledge),
        EventKind::SpamConfirmed { blocked: Some(value) } => effects.push(Effect::BlockSender { value: value.clone() }),
        _ => {}
    }
    // Whatever the customer says makes what staff scheduled out of date.
    if actor == Actor::Customer {
        effects.push(Effect::CancelScheduled { reason: "the customer wrote first".to_owned() });
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Channel;
    use time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-11-02 09:00 UTC);
    const AGENT: Actor = Actor::Staff { user_id: 7 };
    const LIMITS: GestureLimits =
        GestureLimits { agent_per_case_minor: 2_000, agent_per_month_minor: 5_000, monthly_budget_minor: 10_000 };

    fn opened() -> Vec<Event> {
        let kind = EventKind::Opened { channel: Channel::Phone, severity: Severity::Normal, escalate_because: vec![] };
        vec![Event { at: T0, actor: Actor::System, kind }]
    }

    fn state<'a>(history: &'a [Event], tags: &'a [String], policy: &'a DuePolicy) -> CaseState<'a> {
        let next = Playbook::replay(history).next_step(policy);
        CaseState {
            id: 42,
            history,
            version: 1,
            tags,
            next,
            policy,
            spending: None,
            problem: None,
            postal_address: None,
            customer_name: "Hannah Berg",
            escalation_target: None,
        }
    }

    #[test]
    fn a_letter_is_refused_when_the_customer_has_no_postal_address() {
        let by = |channel: &str| EventKind::FollowUpScheduled { due: T0, channel: channel.to_owned() };
        let refused = reachable(&by("letter"), Some(false)).unwrap_err();
        assert_eq!(refused.rule, "letter_without_address");
        assert_eq!(refused.field, Some("channel"));
        assert!(refused.message.contains("no postal address"), "{}", refused.message);
        assert!(reachable(&by("letter"), Some(true)).is_ok());
        assert!(reachable(&by("email"), Some(false)).is_ok());
        assert!(reachable(&by("call"), None).is_ok());
    }

    fn staff(request: EventKind) -> Command {
        Command::new(AGENT, Some(Role::Agent), request)
    }

    fn take(history: &[Event], command: Command) -> Result<Decision, Refused> {
        let policy = DuePolicy::default();
        decide(state(history, &[], &policy), command, T0 + Duration::hours(1))
    }

    fn rule_of(refused: Refused) -> &'static str {
        match refused {
            Refused::Rule(r) => r.rule,
            other => panic!("not a rule: {other:?}"),
        }
    }

    #[test]
    fn a_restatement_is_recorded_told_and_moves_the_next_step() {
        let d = take(
            &opened(),
            staff(EventKind::RestatementWritten { text: "Your cake came late.".into(), missed_concerns: vec![] }),
        )
        .unwrap();
        assert_eq!(d.events.len(), 1);
        assert_eq!(d.events[0].at, T0 + Duration::hours(1), "stamped with the time given");
        assert_eq!(d.effects, vec![Effect::TellCustomer, Effect::RestartEscalation]);
        let derived = d.derived.unwrap();
        assert_eq!(derived.status, CaseStatus::AwaitingCustomer);
    }

    #[test]
    fn a_reply_is_a_staff_step_that_tells_the_customer_on_open_and_closed_cases() {
        let reply = EventKind::Replied { text: "Your new cake leaves at nine.".into() };
        let d = take(&opened(), staff(reply.clone())).unwrap();
        assert_eq!(d.events[0].actor, AGENT, "a staff event: it answers the customer");
        assert_eq!(d.events[0].kind, reply);
        assert_eq!(d.effects, vec![Effect::TellCustomer]);
        assert_eq!(reply.outgoing_text(), Some((Purpose::Message, "Your new cake leaves at nine.".into())));
        let mut closed = opened();
        closed.push(Event {
            at: T0,
            actor: AGENT,
            kind: EventKind::OutcomeRecorded { outcome: crate::playbook::Outcome::Lost, reason: "moved away".into() },
        });
        assert!(take(&closed, staff(reply.clone())).is_ok(), "a closed case may still be answered");
        let blank = take(&opened(), staff(EventKind::Replied { text: "  ".into() })).unwrap_err();
        assert_eq!(rule_of(blank), "reply_text");
        let mut merged = opened();
        merged.push(Event { at: T0, actor: AGENT, kind: EventKind::Merged { into: 9 } });
        assert_eq!(rule_of(take(&merged, staff(reply)).unwrap_err()), "case_merged");
    }

    #[test]
    fn a_reply_sent_twice_from_one_form_is_taken_once() {
        let reply = EventKind::Replied { text: "Your new cake leaves at nine.".into() };
        let mut history = opened();
        history.push(Event { at: T0, actor: AGENT, kind: reply.clone() });
        let policy = DuePolicy::default();
        let mut command = staff(reply);
        command.expected_version = Some(1);
        let state = CaseState { version: 2, ..state(&history, &[], &policy) };
        let d = decide(state, command, T0 + Duration::hours(1)).unwrap();
        assert!(d.events.is_empty() && d.effects.is_empty(), "nothing more is sent: {d:?}");
    }

    #[test]
    fn steps_out_of_order_are_refused_by_the_playbook() {
        let refused = take(&opened(), staff(EventKind::OptionChosen { option: 1 })).unwrap_err();
        assert_eq!(rule_of(refused), "no_offer_to_choose");
    }

    #[test]
    fn flagged_words_wait_for_a_reason_and_the_reason_is_recorded_with_the_step() {
        let apology =
            EventKind::RestatementWritten { text: "You should have read the label.".into(), missed_concerns: vec![] };
        let finding = |kind: &str, severity| CoachFinding { kind: kind.into(), severity };
        let mut command = staff(apology.clone());
        command.coach.findings =
            vec![finding("jargon", FindingSeverity::Medium), finding("passive_voice", FindingSeverity::Low)];
        assert_eq!(take(&opened(), command.clone()).unwrap().events.len(), 1, "advice only: the words go");
        command.coach.findings = vec![
            finding("blame", FindingSeverity::High),
            finding("jargon", FindingSeverity::Medium),
            finding("blame", FindingSeverity::High),
        ];
        assert_eq!(take(&opened(), command.clone()).unwrap_err(), Refused::CoachHeld { kinds: vec!["blame".into()] });
        command.override_reason = Some("   ".into());
        assert!(matches!(take(&opened(), command.clone()), Err(Refused::CoachHeld { .. })), "blank is no reason");
        command.override_reason = Some("They asked for it plainly.".into());
        let d = take(&opened(), command).unwrap();
        let kinds: Vec<&EventKind> = d.events.iter().map(|e| &e.kind).collect();
        assert_eq!(
            kinds,
            vec![
                &apology,
                &EventKind::CoachOverridden {
                    kinds: vec!["blame".into()],
                    reason: "They asked for it plainly.".into()
                }
            ]
        );
    }

    #[test]
    fn a_restatement_missing_concerns_still_goes_and_keeps_them() {
        let text = "Your cake came late.";
        let mut command = staff(EventKind::RestatementWritten { text: text.into(), missed_concerns: vec![] });
        command.coach.missed_concerns = vec!["birthday".into(), "daughter's".into()];
        let d = take(&opened(), command).unwrap();
        assert_eq!(d.events.len(), 1, "advice, not a hold: no reason asked, no override recorded");
        assert_eq!(
            d.events[0].kind,
            EventKind::RestatementWritten {
                text: text.into(),
                missed_concerns: vec!["birthday".into(), "daughter's".into()]
            }
        );
        assert!(d.effects.contains(&Effect::TellCustomer));
        // A restatement stored before the missed concerns were kept still reads.
        let old: EventKind = serde_json::from_str(r#"{"kind":"restatement_written","text":"Late cake."}"#).unwrap();
        assert_eq!(old, EventKind::RestatementWritten { text: "Late cake.".into(), missed_concerns: vec![] });
    }

    #[test]
    fn a_promise_a_scheduled_message_and_a_snooze_are_for_later() {
        let now = T0 + Duration::hours(1);
        for (kind, field) in [
            (EventKind::FixPromised { what: "A new cake".into(), due: now }, "due"),
            (
                EventKind::MessageScheduled { text: "Hello again".into(), send_at: now - Duration::minutes(1) },
                "send_at",
            ),
            (EventKind::Snoozed { until: Some(now) }, "until"),
        ] {
            match take(&agreed(), staff(kind)).unwrap_err() {
                Refused::Rule(r) => assert_eq!((r.field, r.out_of_order), (Some(field), false)),
                other => panic!("{other:?}"),
            }
        }
        assert!(take(&opened(), staff(EventKind::Snoozed { until: None })).is_ok(), "until the customer writes");
    }

    /// A case where the customer chose one of the two options.
    fn agreed() -> Vec<Event> {
        let mut history = opened();
        for kind in [
            EventKind::RestatementWritten { text: "Late cake.".into(), missed_concerns: vec![] },
            EventKind::RestatementConfirmed { by_customer: true },
            EventKind::Apologised { text: "I am sorry.".into() },
            EventKind::OptionsOffered { options: vec!["A".into(), "B".into()] },
            EventKind::OptionChosen { option: 1 },
        ] {
            history.push(Event { at: T0, actor: AGENT, kind });
        }
        history
    }

    /// A case fixed, with the follow-up still to come (nothing to escalate at intake).
    fn fixed() -> Vec<Event> {
        let mut history = agreed();
        for kind in [
            EventKind::StepSkipped { step: Step::Gesture, reason: "not this time".into() },
            EventKind::FixPromised { what: "A new loaf".into(), due: T0 + Duration::minutes(30) },
            EventKind::FixDone { note: "Delivered".into(), internal_note: None },
            EventKind::StepSkipped { step: Step::Prevent, reason: "a one-off".into() },
        ] {
            history.push(Event { at: T0, actor: AGENT, kind });
        }
        history
    }

    #[test]
    fn a_low_follow_up_opens_the_fix_again_escalates_and_alerts() {
        let answer = EventKind::FollowUpRecorded { satisfaction: 2, words: "Still burnt".into(), satisfied: None };
        let d = take(&fixed(), Command::new(Actor::Customer, None, answer.clone())).unwrap();
        assert_eq!(d.events[0].kind, answer);
        assert!(
            matches!(&d.events[1].kind, EventKind::Escalated { reason, .. } if reason.contains("2 of 5") && reason.contains("fix step is open again")),
            "{:?}",
            d.events
        );
        assert!(
            d.effects
                .iter()
                .any(|e| matches!(e, Effect::AlertOwnerAndManagers { text, .. } if text.contains("Still burnt")))
        );
        assert_eq!(d.derived.unwrap().next.map(|(s, _)| s), Some(Step::Fix));
        let fine = EventKind::FollowUpRecorded { satisfaction: 4, words: String::new(), satisfied: Some(true) };
        let d = take(&fixed(), Command::new(Actor::Customer, None, fine)).unwrap();
        assert_eq!(d.events.len(), 1, "a satisfied answer escalates nothing");
    }

    #[test]
    fn retained_after_a_satisfied_follow_up_or_by_a_managers_decision_with_a_reason() {
        let mut watched = fixed();
        watched.push(Event {
            at: T0,
            actor: AGENT,
            kind: EventKind::FollowUpRecorded { satisfaction: 3, words: String::new(), satisfied: None },
        });
        watched.push(Event { at: T0, actor: AGENT, kind: EventKind::WatchSet });
        let retained = |reason: &str| EventKind::OutcomeRecorded { outcome: Outcome::Retained, reason: reason.into() };
        assert!(matches!(take(&watched, staff(retained(""))), Err(Refused::NeedsRole { role: Role::Manager, .. })));
        let manager = |reason: &str| Command::new(AGENT, Some(Role::Manager), retained(reason));
        assert_eq!(rule_of(take(&watched, manager(" ")).unwrap_err()), "retained_needs_reason");
        assert!(take(&watched, manager("Came in twice since, happy")).is_ok());
        // A satisfied answer lets anyone record it.
        let mut satisfied = watched.clone();
        satisfied[watched.len() - 2].kind =
            EventKind::FollowUpRecorded { satisfaction: 5, words: String::new(), satisfied: None };
        assert!(take(&satisfied, staff(retained(""))).is_ok());
    }

    #[test]
    fn the_prevent_step_waits_for_an_action_on_the_problem() {
        let policy = DuePolicy::default();
        let history = agreed();
        let problem = crate::problem::LinkedProblem {
            title: "Burnt bread".into(),
            status: crate::problem::ProblemStatus::Open,
            corrective_action: String::new(),
            preventive_action: String::new(),
        };
        let link = || staff(EventKind::ProblemLinked { problem_id: 3 });
        let mut case = state(&history, &[], &policy);
        case.problem = Some(&problem);
        let refused = decide(case, link(), T0).unwrap_err();
        assert!(
            matches!(&refused, Refused::Rule(r) if r.rule == "prevent_needs_action" && r.message.contains("Burnt bread"))
        );
        let acted =
            crate::problem::LinkedProblem { corrective_action: "Threw out the burnt batch".into(), ..problem.clone() };
        case.problem = Some(&acted);
        assert!(decide(case, link(), T0).is_ok());
    }

    #[test]
    fn a_promise_reminds_a_day_before_or_now_when_sooner() {
        let history = agreed();
        let now = T0 + Duration::hours(1);
        let due = now + Duration::hours(3);
        let d = take(&history, staff(EventKind::FixPromised { what: "A new cake".into(), due })).unwrap();
        assert!(d.effects.contains(&Effect::PromiseReminders { remind: now, due }), "{:?}", d.effects);
        assert!(d.effects.contains(&Effect::TellCustomer));
    }

    #[test]
    fn only_a_manager_reopens() {
        let mut history = opened();
        let lost = EventKind::OutcomeRecorded { outcome: crate::Outcome::Lost, reason: "Moved away".into() };
        history.push(Event { at: T0, actor: AGENT, kind: lost });
        let reopen = EventKind::Reopened { reason: "They wrote back".into() };
        assert!(matches!(take(&history, staff(reopen.clone())), Err(Refused::NeedsRole { role: Role::Manager, .. })));
        let manager = Command::new(AGENT, Some(Role::Manager), reopen);
        assert!(take(&history, manager).is_ok());
    }

    #[test]
    fn tags_are_one_of_each_and_twenty_at_most() {
        let policy = DuePolicy::default();
        let history = opened();
        let tags = vec!["late".to_owned()];
        let add = |tag: &str| staff(EventKind::TagAdded { tag: tag.into() });
        let d = decide(state(&history, &tags, &policy), add(" VIP "), T0).unwrap();
        assert_eq!(d.effects[0], Effect::SetTags { tags: vec!["late".into(), "vip".into()], added: "vip".into() });
        let again = decide(state(&history, &tags, &policy), add("LATE"), T0).unwrap_err();
        assert_eq!(rule_of(again), "tag_present");
        let full: Vec<String> = (0..20).map(|i| format!("t{i}")).collect();
        let over = decide(state(&history, &full, &policy), add("one more"), T0).unwrap_err();
        assert_eq!(rule_of(over), "too_many_tags");
    }

    #[test]
    fn a_gesture_above_an_agents_limit_waits_for_a_manager_and_nothing_is_recorded() {
        let policy = DuePolicy::default();
        let history = agreed();
        let mut case = state(&history, &[], &policy);
        case.spending = Some(Spending { given: GivenSoFar::default(), limits: LIMITS });
        let gesture = |cost_minor| EventKind::GestureRecorded {
            gesture: "voucher".into(),
            description: "Coffee".into(),
            cost_minor,
            currency: "EUR".into(),
        };
        let held = decide(case, staff(gesture(2_500)), T0).unwrap();
        assert!(held.events.is_empty() && held.derived.is_none());
        assert_eq!(held.held(), Some(ApprovalReason::AboveCaseLimit));
        let within = decide(case, staff(gesture(2_000)), T0).unwrap();
        assert_eq!((within.events.len(), within.held()), (1, None));
        let manager = decide(case, Command::new(AGENT, Some(Role::Manager), gesture(9_000)), T0).unwrap();
        assert_eq!(manager.held(), None, "managers decide for themselves");
    }

    #[test]
    fn triage_reads_the_feeling_heard_and_a_low_case_of_an_angry_customer_is_no_longer_low() {
        let policy = DuePolicy::default();
        let kind = EventKind::Opened { channel: Channel::Phone, severity: Severity::Low, escalate_because: vec![] };
        let mut history = vec![Event { at: T0, actor: Actor::System, kind }];
        let felt = |feeling| {
            staff(EventKind::FeelingRecorded {
                feeling,
                words: "I am fuming".into(),
                mattered_most: "The party".into(),
            })
        };
        let angry = decide(state(&history, &[], &policy), felt(Feeling::Angry), T0).unwrap();
        let kinds: Vec<&str> = angry.events.iter().map(|e| e.kind.name()).collect();
        assert_eq!(kinds, ["feeling_recorded", "severity_changed"]);
        assert_eq!(angry.events.get(1).map(|e| e.actor), Some(Actor::System));
        assert!(angry.effects.contains(&Effect::SetSeverity { severity: Severity::Normal }));
        let reason = angry.effects.iter().find_map(|e| match e {
            Effect::FeelingReason { reason } => reason.clone(),
            _ => None,
        });
        assert_eq!(reason.map(|r| (r.kind, r.words)), Some((crate::SeriousKind::StrongFeeling, "I am fuming".into())));
        assert!(!angry.derived.unwrap().escalation_required, "a feeling alone never goes to a manager");
        let calm = decide(state(&history, &[], &policy), felt(Feeling::Calm), T0).unwrap();
        assert_eq!(calm.events.len(), 1);
        assert!(calm.effects.contains(&Effect::FeelingReason { reason: None }), "a calm customer's reason goes");
        // Staff chose low: the feeling adds its reason but leaves their choice.
        let kind = EventKind::SeverityChanged { severity: Severity::Low };
        history.splice(
            0..1,
            [
                Event {
                    at: T0,
                    actor: Actor::System,
                    kind: EventKind::Opened {
                        channel: Channel::Phone,
                        severity: Severity::Normal,
                        escalate_because: vec![],
                    },
                },
                Event { at: T0, actor: AGENT, kind },
            ],
        );
        let chosen = decide(state(&history, &[], &policy), felt(Feeling::Upset), T0).unwrap();
        assert_eq!(chosen.events.len(), 1);
    }

    #[test]
    fn a_stale_version_is_refused_but_the_same_form_twice_is_done_once() {
        let policy = DuePolicy::default();
        let mut history = opened();
        let restate = EventKind::RestatementWritten { text: "Late cake.".into(), missed_concerns: vec![] };
        let mut command = staff(restate.clone());
        command.expected_version = Some(1);
        let mut case = state(&history, &[], &policy);
        assert_eq!(decide(case, command.clone(), T0).unwrap().events.len(), 1);
        history.push(Event { at: T0, actor: AGENT, kind: restate });
        case = state(&history, &[], &policy);
        case.version = 2;
        let twice = decide(case, command.clone(), T0).unwrap();
        assert!(twice.events.is_empty() && twice.effects.is_empty(), "the first sending did it");
        command.request = EventKind::NoteAdded { text: "Another thing".into() };
        assert_eq!(decide(case, command, T0).unwrap_err(), Refused::Changed { expected: 1, now: 2 });
    }

    #[test]
    fn how_they_felt_is_kept_for_staff_and_sets_only_triage_going() {
        let heard = |mattered_most: &str| {
            staff(EventKind::FeelingRecorded {
                feeling: crate::Feeling::Upset,
                words: "I was so embarrassed in front of my guests".into(),
                mattered_most: mattered_most.into(),
            })
        };
        let d = take(&opened(), heard("The cake for her mother's 80th")).unwrap();
        assert!(d.events[0].kind.is_internal(), "never shown to the customer");
        let reason = crate::serious::feeling_reason(
            crate::Feeling::Upset,
            "I was so embarrassed in front of my guests",
            "The cake for her mother's 80th",
        );
        assert_eq!(
            d.effects,
            vec![Effect::FeelingReason { reason }],
            "a record for staff and a reason for triage; the next step stays where it was"
        );
        assert_eq!(rule_of(take(&opened(), heard("  ")).unwrap_err()), "mattered_most_text");
    }

    #[test]
    fn hannah_writes_to_her_closed_case_and_it_opens_again_with_the_reason_on_the_timeline() {
        let mut history = agreed();
        let retained = EventKind::OutcomeRecorded { outcome: crate::Outcome::Lost, reason: "Moved away".into() };
        history.push(Event { at: T0, actor: AGENT, kind: retained });
        let wrote = EventKind::CustomerWrote {
            subject: None,
            text: "The new cake was lovely, but…".into(),
            message_id: None,
            new_words: None,
        };
        let d = take(&history, Command::new(Actor::Customer, None, wrote.clone())).unwrap();
        let kinds: Vec<&EventKind> = d.events.iter().map(|e| &e.kind).collect();
        assert_eq!(kinds, vec![&wrote, &EventKind::Reopened { reason: "Hannah wrote again".into() }]);
        assert_eq!(d.events[1].actor, Actor::System, "nobody reopened it by hand");
        let derived = d.derived.unwrap();
        assert_eq!(derived.status, CaseStatus::Open);
        assert_eq!(derived.customer_waiting_since, Some(T0 + Duration::hours(1)));
        assert!(
            d.effects
                .contains(&Effect::CustomerWaiting { words: "The new cake was lovely, but…".into(), alert: true })
        );
    }

    #[test]
    fn the_owner_is_alerted_when_the_wait_begins_not_at_every_word() {
        let mut history = opened();
        let wrote = |text: &str| EventKind::CustomerWrote {
            subject: None,
            text: text.into(),
            message_id: None,
            new_words: None,
        };
        history.push(Event { at: T0, actor: Actor::Customer, kind: wrote("Hello?") });
        let d = take(&history, Command::new(Actor::Customer, None, wrote("Anyone there?"))).unwrap();
        assert!(d.effects.contains(&Effect::CustomerWaiting { words: "Anyone there?".into(), alert: false }));
        assert_eq!(d.derived.unwrap().customer_waiting_since, Some(T0), "still since their first word");
        let answered = take(&history, staff(EventKind::NoteAdded { text: "Calling her".into() })).unwrap();
        assert_eq!(answered.derived.unwrap().customer_waiting_since, None, "a staff step ends the wait");
    }

    #[test]
    fn declining_a_counter_proposal_tells_the_customer_in_words_the_coach_read() {
        let mut history = agreed();
        history.truncate(history.len() - 1);
        history.push(Event {
            at: T0,
            actor: Actor::Customer,
            kind: EventKind::AlternativeProposed { text: "Sunday".into() },
        });
        let decline = EventKind::AlternativeDeclined { reason: "We are closed on Sunday; Monday at 9?".into() };
        assert_eq!(decline.outgoing_text().map(|(p, _)| p), Some(Purpose::Offer));
        assert_eq!(Playbook::replay(&history).next_step(&DuePolicy::default()).map(|(s, _)| s), Some(Step::Offer));
        let d = take(&history, staff(decline)).unwrap();
        assert!(d.effects.contains(&Effect::TellCustomer));
        history.extend(d.events);
        let offer = Playbook::replay(&history).steps(&DuePolicy::default())[Step::Offer as usize].status;
        assert_eq!(offer, crate::playbook::StepStatus::AwaitingCustomer, "the two options wait on them again");
    }

    #[test]
    fn an_escalation_waits_on_the_manager_named_until_they_act() {
        let policy = DuePolicy::default();
        let maria = Person { id: 3, name: "Maria".into(), role: Role::Manager, active: true };
        let escalate = staff(EventKind::Escalated { to: String::new(), reason: "Allergy".into(), to_user_id: Some(3) });
        let history = opened();
        let mut case = state(&history, &[], &policy);
        assert_eq!(rule_of(decide(case, escalate.clone(), T0).unwrap_err()), "escalation_target", "nobody by that id");
        let sam = Person { id: 3, name: "Sam".into(), role: Role::Agent, active: true };
        case.escalation_target = Some(&sam);
        assert_eq!(rule_of(decide(case, escalate.clone(), T0).unwrap_err()), "escalation_target", "an agent");
        case.escalation_target = Some(&maria);
        let d = decide(case, escalate, T0).unwrap();
        assert_eq!(
            d.events[0].kind,
            EventKind::Escalated { to: "Maria".into(), reason: "Allergy".into(), to_user_id: Some(3) }
        );
        assert!(d.effects.contains(&Effect::SetEscalation { to: Some(3), reason: Some("Allergy".into()) }));
        assert!(d.effects.iter().any(|e| matches!(e, Effect::AlertStaff { user_ids, .. } if user_ids == &[3])));
        let mut history = history.clone();
        history.extend(d.events);
        let playbook = Playbook::replay(&history);
        let escalate_step = playbook.steps(&policy)[3].clone();
        assert_eq!((escalate_step.step, escalate_step.status), (Step::Escalate, crate::StepStatus::AwaitingDecision));
        let case = state(&history, &[], &policy);
        // Not the agent who escalated: Maria decides.
        let decided = EventKind::EscalationDecided { decision: "Refund in full and call her today.".into() };
        assert!(matches!(decide(case, staff(decided.clone()), T0), Err(Refused::NeedsRole { .. })));
        let by_maria = Command::new(Actor::Staff { user_id: 3 }, Some(Role::Manager), EventKind::EscalationTakenOver);
        let d = decide(case, by_maria, T0).unwrap();
        assert!(d.effects.contains(&Effect::AssignOwner { owner_id: Some(3) }));
        assert!(d.effects.contains(&Effect::SetEscalation { to: None, reason: None }));
        let d = decide(case, Command::new(Actor::Staff { user_id: 3 }, Some(Role::Manager), decided), T0).unwrap();
        assert!(
            d.effects.iter().any(|e| matches!(e, Effect::AlertStaff { user_ids, text, .. } if user_ids == &[7] && text.contains("Refund in full"))),
            "the agent who escalated hears the decision: {:?}",
            d.effects
        );
        history.extend(d.events);
        assert!(Playbook::replay(&history).is_resolved(Step::Escalate));
    }

    #[test]
    fn what_a_step_sets_going() {
        let customer = Command::new(Actor::Customer, None, EventKind::WishStated { text: "A new cake".into() });
        let d = take(&opened(), customer).unwrap();
        assert!(d.effects.contains(&Effect::KeepWish { text: "A new cake".into() }));
        assert!(d.effects.contains(&Effect::CancelScheduled { reason: "the customer wrote first".into() }));
        let merged = take(&opened(), Command::new(AGENT, Some(Role::Agent), EventKind::Merged { into: 9 })).unwrap();
        assert_eq!(merged.effects[0], Effect::MarkMerged { into: 9 });
        assert!(matches!(&merged.effects[1], Effect::CancelScheduled { reason } if reason.contains("merged into")));
        let note = take(&opened(), staff(EventKind::NoteAdded { text: "Called back".into() })).unwrap();
        assert!(note.effects.is_empty(), "a note changes nothing else: {:?}", note.effects);
    }
}
