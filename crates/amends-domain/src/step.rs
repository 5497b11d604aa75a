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
use crate::playbook::{Actor, CaseStatus, DuePolicy, Event, EventKind, Playbook, Refusal, Snooze, Step};
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
}

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
    /// The case's tags are now these (`added` the new one, for the index).
    SetTags {
        tags: Vec<String>,
        added: String,
    },
    SetSeverity {
        severity: Severity,
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
    playbook.check(&request)?;
    in_time(&request, now)?;
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
    let mut events = vec![Event { at: now, actor, kind: request }];
    events.extend(override_event.map(|kind| Event { at: now, actor, kind }));
    for event in &events {
        playbook.record(event)?;
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
    };
    Ok(Decision { events, effects, derived: Some(derived) })
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
        EventKind::Assigned { owner_id } => effects.push(Effect::AssignOwner { owner_id: *owner_id }),
        EventKind::WishStated { text } => effects.push(Effect::KeepWish { text: text.clone() }),
        EventKind::WatchSet => effects.push(Effect::SetWatch),
        EventKind::NextTimeRecorded { .. } => effects.push(Effect::ClearWatchAlerts),
        EventKind::OutcomeRecorded { .. } => effects.extend([Effect::ClearWatchAlerts, Effect::EndWatch]),
        EventKind::SeverityChanged { severity } => effects.push(Effect::SetSeverity { severity: *severity }),
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
        CaseState { id: 42, history, version: 1, tags, next, policy, spending: None }
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
    fn how_they_felt_is_kept_for_staff_and_sets_nothing_going() {
        let heard = |mattered_most: &str| {
            staff(EventKind::FeelingRecorded {
                feeling: crate::Feeling::Upset,
                words: "I was so embarrassed in front of my guests".into(),
                mattered_most: mattered_most.into(),
            })
        };
        let d = take(&opened(), heard("The cake for her mother's 80th")).unwrap();
        assert!(d.events[0].kind.is_internal(), "never shown to the customer");
        assert_eq!(d.effects, vec![], "a record for staff; the next step stays where it was");
        assert_eq!(rule_of(take(&opened(), heard("  ")).unwrap_err()), "mattered_most_text");
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
