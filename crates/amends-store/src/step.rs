//! Taking a step: the one writer of a case's events. In one transaction it reads what
//! the domain needs ([`CaseState`]), asks [`amends_domain::step::decide`], and carries
//! the decision out: checks the version, inserts the event(s), rewrites the case's
//! derived columns and applies each [`Effect`] with the plain SQL of its noun's module.
//! The noun modules never write events themselves; what they append goes through here.

use amends_domain::gesture::{ApprovalReason, GestureLimits};
use amends_domain::playbook::{Actor, Event, EventKind};
use amends_domain::step::{CaseState, Command, Decision, Effect, Person, Refused, Spending, decide};
use amends_domain::{Role, Severity};
use time::OffsetDateTime;

use crate::alerts::{AlertTo, StaffAlert, alert_in};
use crate::cases::{CaseRecord, EventRecord, UNTIL_REPLY_MS, actor_columns, case_by_id, case_events, insert_tags_in};
use crate::db::{self, Conn};
use crate::jobs::{Job, enqueue_in};
use crate::{Backend, Store, StoreError, StoreSettings, millis};

/// What a step came to, once carried out.
#[derive(Debug)]
pub(crate) enum Taken {
    /// On the timeline: the step's event first, then the coach's override if any.
    Recorded(Vec<EventRecord>),
    /// The same request was taken already (a form sent twice): this is its event.
    Repeated(EventRecord),
    /// Kept as this approval, waiting for a manager.
    Held { approval_id: i64, reason: ApprovalReason },
}

impl From<Refused> for StoreError {
    fn from(refused: Refused) -> Self {
        match refused {
            Refused::Rule(refusal) => StoreError::Refused(refusal),
            Refused::Changed { .. } => StoreError::Conflict { field: Some("version"), message: refused.to_string() },
            other => StoreError::StepRefused(other),
        }
    }
}

/// Appends one event row; the only statement that writes to `case_events`.
pub(crate) async fn insert_event(conn: &mut Conn, case_id: i64, e: &Event) -> Result<EventRecord, StoreError> {
    let (actor_kind, actor_user_id) = actor_columns(e.actor);
    let data = serde_json::to_string(&e.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = db::query(
        "INSERT INTO case_events (case_id, at, actor_kind, actor_user_id, kind, data) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(case_id)
    .bind(millis(e.at))
    .bind(actor_kind)
    .bind(actor_user_id)
    .bind(e.kind.name())
    .bind(data)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(EventRecord { id, case_id, event: e.clone() })
}

/// Takes `command` on the case inside the caller's transaction. See the module's comment.
pub(crate) async fn take_in(
    tx: &mut Conn,
    settings: &StoreSettings,
    backend: Backend,
    case_id: i64,
    mut command: Command,
    now: OffsetDateTime,
) -> Result<Taken, StoreError> {
    let current = case_by_id(&mut *tx, case_id, now).await?;
    // Due times count the business hours in force now, on whichever instance writes.
    let policy = crate::hours::policy_in(&mut *tx, &settings.due).await?;
    let history = case_events(&mut *tx, case_id).await?;
    let events: Vec<Event> = history.iter().map(|e| e.event.clone()).collect();
    // The role as it is now, not as it was when the caller signed in.
    if let Actor::Staff { user_id } = command.actor {
        command.role = role_in(&mut *tx, user_id).await?;
    }
    let spending = match (&command.request, command.actor) {
        (EventKind::GestureRecorded { currency, .. }, Actor::Staff { user_id }) => {
            Some(spending_in(&mut *tx, settings, backend, case_id, user_id, currency, now).await?)
        }
        _ => None,
    };
    let problem = match &command.request {
        // An unknown problem is refused by the link itself, after the playbook's order.
        EventKind::ProblemLinked { problem_id } => {
            match crate::problems::linked_problem_in(&mut *tx, *problem_id).await {
                Ok(problem) => Some(problem),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    let postal_address = match &command.request {
        EventKind::FollowUpScheduled { channel, .. } if channel == "letter" => {
            Some(has_postal_address_in(&mut *tx, case_id).await?)
        }
        _ => None,
    };
    let target = match &command.request {
        EventKind::Escalated { to_user_id: Some(id), .. } => person_in(&mut *tx, *id).await?,
        _ => None,
    };
    let state = CaseState {
        problem: problem.as_ref(),
        postal_address,
        id: case_id,
        history: &events,
        version: current.version,
        tags: &current.tags,
        next: current.next_step.zip(current.next_due_at),
        policy: &policy,
        spending,
        escalation_target: target.as_ref(),
        customer_name: &current.customer_name,
    };
    let request = command.request.clone();
    let actor = command.actor;
    let decision = decide(state, command, now)?;
    if let Some(reason) = decision.held() {
        let approval_id = hold_in(&mut *tx, case_id, actor, &decision, now).await?;
        return Ok(Taken::Held { approval_id, reason });
    }
    if decision.events.is_empty() {
        let first = history.into_iter().rev().find(|e| e.event.actor == actor && e.event.kind == request);
        return first.map(Taken::Repeated).ok_or(StoreError::NotFound("event"));
    }
    carry_out(&mut *tx, &current, decision, now).await.map(Taken::Recorded)
}

/// A member of staff as an escalation weighs them; None when there is no such user.
async fn person_in(tx: &mut Conn, user_id: i64) -> Result<Option<Person>, StoreError> {
    let Some(row) = db::query("SELECT id, name, role, active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(Person {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        role: crate::cases::parsed(&row, "role")?,
        active: row.try_get::<i64, _>(3)? != 0,
    }))
}

pub(crate) async fn role_in(tx: &mut Conn, user_id: i64) -> Result<Option<Role>, StoreError> {
    let role: Option<String> = db::query("SELECT role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?;
    Ok(role.and_then(|r| r.parse().ok()))
}

// Gestures are judged one at a time on PostgreSQL, so that two sent together cannot
// both fit under a limit that only one of them fits under.
const PG_GESTURE_LOCK: i64 = 0x616d_656e_6467;

pub(crate) async fn spending_in(
    tx: &mut Conn,
    settings: &StoreSettings,
    backend: Backend,
    case_id: i64,
    user_id: i64,
    currency: &str,
    now: OffsetDateTime,
) -> Result<Spending, StoreError> {
    if backend == Backend::Postgres {
        db::query("SELECT pg_advisory_xact_lock($1)").bind(PG_GESTURE_LOCK).execute(&mut *tx).await?;
    }
    let month = now.replace_day(1).map(|d| d.replace_time(time::Time::MIDNIGHT)).unwrap_or(now);
    let given = crate::approvals::given_so_far_in(&mut *tx, case_id, user_id, currency, month).await?;
    let limits = GestureLimits {
        agent_per_case_minor: settings.gesture_agent_limit_minor,
        agent_per_month_minor: settings.gesture_agent_monthly_limit_minor,
        monthly_budget_minor: settings.gesture_monthly_budget_minor,
    };
    Ok(Spending { given, limits })
}

/// Keeps a held gesture as a pending approval; the same request sent again is the same
/// approval.
async fn hold_in(
    tx: &mut Conn,
    case_id: i64,
    actor: Actor,
    decision: &Decision,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let (Actor::Staff { user_id }, Some(Effect::HoldGesture { gesture, description, cost_minor, currency, .. })) =
        (actor, decision.effects.iter().find(|e| matches!(e, Effect::HoldGesture { .. })))
    else {
        return Err(StoreError::Corrupt("a held gesture without its giver".into()));
    };
    crate::approvals::request_approval_in(&mut *tx, case_id, user_id, gesture, description, *cost_minor, currency, now)
        .await
}

/// Writes the decided events, rewrites the derived columns and applies the effects.
async fn carry_out(
    tx: &mut Conn,
    current: &CaseRecord,
    decision: Decision,
    now: OffsetDateTime,
) -> Result<Vec<EventRecord>, StoreError> {
    let case_id = current.id;
    let Decision { events, effects, derived } = decision;
    let at = events.first().map(|e| e.at).unwrap_or(now);
    let now = millis(at);
    let mut stored = Vec::with_capacity(events.len());
    for event in &events {
        let record = insert_event(&mut *tx, case_id, event).await?;
        // Every event goes to the webhooks that want its kind, with it or not at all.
        crate::webhooks::event_webhooks_in(&mut *tx, &record).await?;
        stored.push(record);
    }
    let Some(step) = stored.first().cloned() else { return Ok(stored) };
    let by = match step.event.actor {
        Actor::Staff { user_id } => Some(user_id),
        _ => None,
    };
    let event_id = step.id;
    for effect in effects {
        match effect {
            Effect::TellCustomer => {
                enqueue_in(&mut *tx, &Job::CaseEvent { case_id, event_id }, at, at).await?;
            }
            Effect::FollowUpDue { due } => {
                enqueue_in(&mut *tx, &Job::FollowUpDue { case_id, event_id }, due, at).await?;
            }
            Effect::PromiseReminders { remind, due } => {
                enqueue_in(&mut *tx, &Job::PromiseDueSoon { case_id, event_id }, remind, at).await?;
                enqueue_in(&mut *tx, &Job::PromiseDue { case_id, event_id }, due, at).await?;
            }
            Effect::ScheduleMessage { send_at } => {
                crate::scheduled::schedule_in(&mut *tx, case_id, step.id, send_at, at).await?;
            }
            Effect::CancelScheduled { reason } => {
                for scheduled_event_id in crate::scheduled::cancel_pending_rows_in(&mut *tx, case_id, now).await? {
                    let kind = EventKind::ScheduledMessageCancelled { scheduled_event_id, reason: reason.clone() };
                    let note = insert_event(&mut *tx, case_id, &Event { at, actor: Actor::System, kind }).await?;
                    crate::webhooks::event_webhooks_in(&mut *tx, &note).await?;
                }
            }
            Effect::Acknowledge => {
                // Released from the spam folder: heard and matched as any new case.
                enqueue_in(&mut *tx, &Job::Acknowledge { case_id }, at, at).await?;
                enqueue_in(&mut *tx, &Job::RecurrenceCheck { case_id }, at, at).await?;
            }
            Effect::BlockSender { value } => {
                crate::spam::insert_block_in(&mut *tx, &value, "confirmed spam", by, now).await?;
            }
            Effect::ClearWatchAlerts => crate::watch::clear_watch_alerts_in(&mut *tx, case_id, now).await?,
            Effect::SetWatch => crate::watch::set_watch_in(&mut *tx, current.customer_id, now).await?,
            Effect::EndWatch => crate::watch::end_watch_in(&mut *tx, current.customer_id, case_id, now).await?,
            Effect::SetTags { tags, added } => {
                let tags = serde_json::to_string(&tags).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                set_column(&mut *tx, case_id, "tags", tags).await?;
                insert_tags_in(&mut *tx, case_id, std::slice::from_ref(&added)).await?;
            }
            Effect::SetSeverity { severity } => set_severity(&mut *tx, case_id, severity).await?,
            Effect::FeelingReason { reason } => set_feeling_reason(&mut *tx, case_id, reason).await?,
            Effect::LinkProblem { problem_id } => {
                crate::problems::link_case_in(&mut *tx, problem_id, case_id, at).await?;
                crate::ideas::ask_in(&mut *tx, problem_id, at).await?;
            }
            Effect::MatchProblem { problem_id, words } => {
                crate::problems::match_case_in(&mut *tx, problem_id, current, &words, at).await?;
                crate::ideas::ask_in(&mut *tx, problem_id, at).await?;
            }
            Effect::AlertOwnerAndManagers { subject, text } => {
                let to = crate::alerts::AlertTo { owner: true, role: Some(Role::Manager), ..Default::default() };
                crate::alerts::alert_in(&mut *tx, &crate::alerts::StaffAlert { case_id, subject, text, to }, at)
                    .await?;
            }
            Effect::AssignOwner { owner_id } => {
                if let Some(owner) = owner_id
                    && !crate::staff::is_active_in(&mut *tx, owner).await?
                {
                    return Err(StoreError::NotFound("user"));
                }
                db::query("UPDATE cases SET owner_id = $2 WHERE id = $1")
                    .bind(case_id)
                    .bind(owner_id)
                    .execute(&mut *tx)
                    .await?;
            }
            // The first wish stays on the case; later ones are read from the timeline.
            Effect::KeepWish { text } => {
                db::query("UPDATE cases SET wish = COALESCE(wish, $2) WHERE id = $1")
                    .bind(case_id)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
            }
            Effect::MarkMerged { into } => {
                db::query("UPDATE cases SET merged_into = $2 WHERE id = $1")
                    .bind(case_id)
                    .bind(into)
                    .execute(&mut *tx)
                    .await?;
            }
            Effect::RestartEscalation => crate::escalations::clear_escalations_in(&mut *tx, case_id, now).await?,
            Effect::SetEscalation { to, reason } => {
                db::query("UPDATE cases SET escalated_to = $2, escalation_reason = $3 WHERE id = $1")
                    .bind(case_id)
                    .bind(to)
                    .bind(reason)
                    .execute(&mut *tx)
                    .await?;
            }
            Effect::AlertStaff { user_ids, managers, subject, text } => {
                let to = crate::alerts::AlertTo { owner: false, role: managers.then_some(Role::Manager), user_ids };
                let alert = crate::alerts::StaffAlert { case_id, subject, text, to };
                crate::alerts::alert_in(&mut *tx, &alert, at).await?;
            }
            Effect::CustomerWaiting { words, alert } => {
                set_column(&mut *tx, case_id, "customer_words", words.clone()).await?;
                if alert {
                    let alert = StaffAlert {
                        case_id,
                        subject: format!("{} wrote again on {}", current.customer_name, current.reference),
                        text: format!(
                            "{} wrote on {} and waits for your answer:\n\n{words}",
                            current.customer_name, current.reference
                        ),
                        // The owner, or the unassigned queue's managers; mailed in business hours.
                        to: AlertTo { owner: true, ..AlertTo::default() },
                    };
                    alert_in(&mut *tx, &alert, at).await?;
                }
            }
            // Handled before anything is written: a held gesture records no event.
            Effect::HoldGesture { .. } => {}
        }
    }
    if let Some(derived) = derived {
        let snoozed_until = derived.snooze.map(|s| s.until.map(millis).unwrap_or(UNTIL_REPLY_MS));
        let updated = db::query(
            "UPDATE cases SET status = $3, next_step = $4, next_due_at = $5, version = version + 1, updated_at = $6,
                    snoozed_until = $7, escalation_required = $8, customer_waiting_since = $9
                 WHERE id = $1 AND version = $2",
        )
        .bind(case_id)
        .bind(current.version)
        .bind(derived.status.as_str())
        .bind(derived.next.map(|(s, _)| s.as_str()))
        .bind(derived.next.map(|(_, due)| millis(due)))
        .bind(now)
        .bind(snoozed_until)
        .bind(i64::from(derived.escalation_required))
        .bind(derived.customer_waiting_since.map(millis))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: Some("version"),
                message: "the case changed meanwhile; try again".into(),
            });
        }
    }
    Ok(stored)
}

async fn set_column(tx: &mut Conn, case_id: i64, column: &str, value: String) -> Result<(), StoreError> {
    // `column` is one of this module's own names, never input.
    db::query(&format!("UPDATE cases SET {column} = $2 WHERE id = $1"))
        .bind(case_id)
        .bind(value)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

async fn set_severity(tx: &mut Conn, case_id: i64, severity: Severity) -> Result<(), StoreError> {
    set_column(tx, case_id, "severity", severity.as_str().to_owned()).await
}

/// Replaces the case's reason from the feeling heard (the intake's reasons stay).
async fn set_feeling_reason(
    tx: &mut Conn,
    case_id: i64,
    reason: Option<amends_domain::SeverityReason>,
) -> Result<(), StoreError> {
    let kept: String = db::query("SELECT severity_reasons FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
    let mut reasons: Vec<amends_domain::SeverityReason> =
        serde_json::from_str(&kept).map_err(|e| StoreError::Corrupt(format!("severity_reasons: {e}")))?;
    reasons.retain(|r| r.kind != amends_domain::SeriousKind::StrongFeeling);
    reasons.extend(reason);
    let reasons = serde_json::to_string(&reasons).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    set_column(tx, case_id, "severity_reasons", reasons).await
}

impl Store {
    /// Takes one step on a case in one transaction (see [`take_in`]): the case and the
    /// step's event, or why not. A gesture held for a manager commits its approval and
    /// answers [`StoreError::ApprovalNeeded`].
    pub async fn take_step(&self, case_id: i64, command: Command) -> Result<(CaseRecord, EventRecord), StoreError> {
        let mut tx = self.write().begin().await?;
        let now = self.now();
        let taken = take_in(&mut tx, self.settings(), self.backend(), case_id, command, now).await;
        let event = match taken {
            Ok(Taken::Recorded(events)) => events.into_iter().next().ok_or(StoreError::NotFound("event"))?,
            Ok(Taken::Repeated(event)) => event,
            Ok(Taken::Held { approval_id, reason }) => {
                tx.commit().await?;
                return Err(StoreError::ApprovalNeeded { approval_id, reason });
            }
            Err(e) => return Err(e),
        };
        let record = case_by_id(&mut tx, case_id, now).await?;
        tx.commit().await?;
        Ok((record, event))
    }

    /// Takes `kind` inside the caller's transaction, with nothing for the coach and no
    /// version to check (the two events of a merge, the customer's reply, a manager's
    /// approved gesture, the system's notes): the event written.
    pub(crate) async fn step_in(
        &self,
        tx: &mut Conn,
        case_id: i64,
        actor: Actor,
        kind: EventKind,
    ) -> Result<EventRecord, StoreError> {
        let command = Command::new(actor, None, kind);
        match take_in(tx, self.settings(), self.backend(), case_id, command, self.now()).await? {
            Taken::Recorded(events) => events.into_iter().next().ok_or(StoreError::NotFound("event")),
            Taken::Repeated(event) => Ok(event),
            Taken::Held { approval_id, reason } => Err(StoreError::ApprovalNeeded { approval_id, reason }),
        }
    }

    /// Records `kind` with nothing for the coach and no version to check: the system's
    /// notes, the customer's answers, a step from a bulk action.
    pub async fn record_event(
        &self,
        case_id: i64,
        actor: Actor,
        kind: EventKind,
        expected_version: Option<i64>,
    ) -> Result<(CaseRecord, EventRecord), StoreError> {
        let mut command = Command::new(actor, None, kind);
        command.expected_version = expected_version;
        self.take_step(case_id, command).await
    }
}

/// Whether the case's customer has a postal address now (a letter can reach them).
async fn has_postal_address_in(conn: &mut Conn, case_id: i64) -> Result<bool, StoreError> {
    let address: Option<String> =
        db::query("SELECT cu.postal_address FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1")
            .bind(case_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get::<Option<String>, _>(0))
            .transpose()?
            .flatten();
    Ok(address.is_some_and(|a| !a.trim().is_empty()))
}
