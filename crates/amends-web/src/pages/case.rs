//! The case page (the customer's words, the playbook as a stepper with the next step's
//! form, the timeline) and logging a new complaint.

use std::collections::HashMap;

use amends_domain::playbook::{Actor, EventKind, Outcome, Playbook, Step, StepStatus};
use amends_domain::step::{Command, Refused};
use amends_domain::{BusinessHours, CaseReference, Channel, Complaint, MessageStatus, ScheduledStatus, Severity};
use amends_store::{CustomerRef, EventRecord, NewCase, StoreError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

use super::customers::customer_from_form;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;
use crate::json::Params;

#[derive(Serialize)]
struct StepView {
    step: &'static str,
    title: &'static str,
    status: StepStatus,
    due_at: Option<String>,
    skip_reason: Option<String>,
    overdue: bool,
}

/// One line of the timeline as a person reads it.
#[derive(Serialize)]
struct TimelineItem {
    #[serde(skip)]
    order: OffsetDateTime,
    at: String,
    who: String,
    title: String,
    text: String,
    internal: bool,
    /// A message sent to the customer, rather than an event.
    message: bool,
    /// The merged case it happened on, when not this one.
    from_case: Option<String>,
    /// A mail reply's whole text, quoted history and signature included, folded away
    /// under its new words (`text`).
    folded: Option<String>,
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Names the timeline shows instead of ids.
struct Names {
    users: HashMap<i64, String>,
    problems: HashMap<i64, String>,
    /// The business's zone: times in the timeline's words are on its wall clock.
    zone: String,
}

impl Names {
    fn when(&self, t: OffsetDateTime) -> String {
        amends_domain::hours::wall_clock(t, &self.zone, amends_domain::hours::WallClock::Short)
    }
}

fn describe(kind: &EventKind, names: &Names) -> (String, String) {
    let s = |t: &str| t.to_owned();
    match kind {
        EventKind::Opened { channel, severity, escalate_because } => {
            let mut text = format!("By {}, severity {severity}.", channel.as_str().replace('_', " "));
            if !escalate_because.is_empty() {
                text.push_str(&format!(" To be escalated: {}.", escalate_because.join("; ")));
            }
            (s("Complaint heard"), text)
        }
        EventKind::RestatementWritten { text, missed_concerns } if missed_concerns.is_empty() => {
            (s("Restatement written"), text.clone())
        }
        EventKind::RestatementWritten { text, missed_concerns } => {
            let quoted: Vec<String> = missed_concerns.iter().map(|c| format!("“{c}”")).collect();
            (s("Restatement written"), format!("{text}\nSent without saying back: {}", quoted.join(", ")))
        }
        EventKind::RestatementConfirmed { by_customer } => (
            s("Restatement confirmed"),
            if *by_customer {
                s("The customer confirmed it through their link.")
            } else {
                s("The customer confirmed it in conversation.")
            },
        ),
        EventKind::RestatementCorrected { correction } => {
            (s("The customer corrected the restatement"), correction.clone())
        }
        EventKind::Apologised { text } => (s("Apology"), text.clone()),
        EventKind::CustomerWrote { subject, text, .. } => (
            format!("The customer wrote{}", subject.as_ref().map(|s| format!(": {s}")).unwrap_or_default()),
            text.clone(),
        ),
        EventKind::CoachOverridden { kinds, reason } => {
            (format!("Sent despite the coach ({})", kinds.join(", ").replace('_', " ")), reason.clone())
        }
        EventKind::WishStated { text } => (s("What would put it right, in their words"), text.clone()),
        EventKind::FeelingRecorded { feeling, words, mattered_most } => {
            (format!("They felt {feeling}"), format!("{words}\nWhat mattered most: {mattered_most}").trim().to_owned())
        }
        EventKind::Escalated { to, reason, .. } => (format!("Escalated to {to}"), reason.clone()),
        EventKind::EscalationTakenOver => {
            (s("Took the case over"), s("The escalation is answered: the case is theirs now."))
        }
        EventKind::EscalationDecided { decision } => (s("Sent back with a decision"), decision.clone()),
        EventKind::OverdueEscalated { level, step, told, .. } => (
            format!("Overdue: escalation level {level}"),
            format!("{} is overdue. Told: {}.", step.title(), told.join(", ")),
        ),
        EventKind::OptionsOffered { options } => (
            s("Two options offered"),
            options.iter().enumerate().map(|(i, o)| format!("{}. {o}", i + 1)).collect::<Vec<_>>().join("\n"),
        ),
        EventKind::OptionChosen { option } => (format!("The customer chose option {option}"), String::new()),
        EventKind::AlternativeProposed { text } => (s("The customer proposed their own solution"), text.clone()),
        EventKind::AlternativeAccepted => (s("Their solution was accepted"), String::new()),
        EventKind::AlternativeDeclined { reason } => {
            (s("Their solution was declined; they were told why"), reason.clone())
        }
        EventKind::GestureRecorded { gesture, description, cost_minor, currency } => (
            format!("Gesture: {gesture}"),
            format!("{description} (cost {})", amends_domain::format_money(*cost_minor, currency)),
        ),
        EventKind::FixPromised { what, due } => (format!("Fix promised by {}", names.when(*due)), what.clone()),
        EventKind::FixDone { note, internal_note } => (
            s("Fixed"),
            match internal_note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                // Staff read both; the customer only the first.
                Some(internal) => format!("Told the customer: {note}\nFor staff: {internal}"),
                None => note.clone(),
            },
        ),
        EventKind::ProblemLinked { problem_id } => (
            s("Linked to a root cause"),
            names.problems.get(problem_id).cloned().unwrap_or_else(|| format!("Problem #{problem_id}")),
        ),
        EventKind::FollowUpScheduled { due, channel } => {
            (format!("Follow-up by {channel} scheduled for {}", names.when(*due)), String::new())
        }
        EventKind::FollowUpRecorded { satisfaction, words, satisfied } => {
            let answer = amends_domain::playbook::FollowUpAnswer { satisfaction: *satisfaction, satisfied: *satisfied };
            let said = match satisfied {
                Some(true) => ", put right: yes",
                Some(false) => ", put right: no",
                None => "",
            };
            let title = if answer.is_low() {
                format!("Follow-up: satisfaction {satisfaction} of 5{said}. Not put right: the fix step is open again")
            } else {
                format!("Follow-up: satisfaction {satisfaction} of 5{said}")
            };
            (title, words.clone())
        }
        EventKind::ProblemMatched { problem_id, words } => (
            format!(
                "Reads like a known problem: {}",
                names.problems.get(problem_id).cloned().unwrap_or_else(|| format!("Problem #{problem_id}"))
            ),
            format!("Linked at intake by the customer's words ({}); its owner was told.", words.join(", ")),
        ),
        EventKind::WatchSet => (s("On the watch list for the next order"), String::new()),
        EventKind::NextTimeRecorded { note } => (s("Next time"), note.clone()),
        EventKind::StepSkipped { step, reason } => (format!("Skipped: {}", step.title()), reason.clone()),
        EventKind::NoteAdded { text } => (s("Internal note"), text.clone()),
        EventKind::Assigned { owner_id } => (
            s("Owner changed"),
            match owner_id {
                Some(id) => {
                    format!("Assigned to {}", names.users.get(id).cloned().unwrap_or_else(|| format!("user #{id}")))
                }
                None => s("Unassigned"),
            },
        ),
        EventKind::OutcomeRecorded { outcome, reason } => (
            match outcome {
                Outcome::Retained => s("Outcome: retained"),
                Outcome::Lost => s("Outcome: lost"),
            },
            reason.clone(),
        ),
        EventKind::Reopened { reason } => (format!("Reopened: {reason}"), String::new()),
        EventKind::Merged { into } => {
            (format!("Merged into {}", CaseReference(*into)), s("Its steps continue on that case."))
        }
        EventKind::MergedIn { from } => {
            (format!("{} merged into this case", CaseReference(*from)), s("Its timeline is shown here too."))
        }
        EventKind::CaseLinked { case_id } => (format!("Linked to {}", CaseReference(*case_id)), String::new()),
        EventKind::TagAdded { tag } => (format!("Tagged {tag}"), String::new()),
        EventKind::SeverityChanged { severity } => (format!("Severity set to {severity}"), String::new()),
        EventKind::Snoozed { until } => (
            match until {
                Some(t) => {
                    format!("Snoozed until {} or the customer's reply", names.when(*t))
                }
                None => s("Snoozed until the customer writes"),
            },
            String::new(),
        ),
        EventKind::Unsnoozed => (s("Woken from the snooze"), String::new()),
        EventKind::Replied { text } => (s("Replied to the customer"), text.clone()),
        EventKind::MessageScheduled { text, send_at } => {
            (format!("Message scheduled for {}", names.when(*send_at)), text.clone())
        }
        EventKind::ScheduledMessageCancelled { reason, .. } => (
            s("Scheduled message cancelled"),
            format!("It was not sent: {reason}. Read what they wrote before you answer."),
        ),
        EventKind::MarkedSpam { score, reason, .. } => {
            (if *score > 0 { format!("Held as spam (score {score})") } else { s("Marked as spam") }, reason.clone())
        }
        EventKind::SpamReleased => (s("Released from the spam folder"), s("A real complaint: the playbook starts.")),
        EventKind::SpamConfirmed { blocked } => (
            s("Confirmed as spam"),
            blocked.as_ref().map(|b| format!("{b} is blocked from now on.")).unwrap_or_default(),
        ),
        EventKind::ImprovementTold { problem_id, by_user_id, gesture } => {
            let problem = names.problems.get(problem_id).cloned().unwrap_or_else(|| format!("Problem #{problem_id}"));
            let by = names.users.get(by_user_id).cloned().unwrap_or_else(|| format!("user #{by_user_id}"));
            let mut text = format!("The root cause “{problem}” is fixed; {by} sent the proof of what changed.");
            if let Some(g) = gesture {
                let cost = amends_domain::format_money(g.cost_minor, &g.currency);
                text.push_str(&format!(" Offered to come back: {} (cost {cost}).", g.description));
            }
            (s("Told what changed, and invited back"), text)
        }
        EventKind::WonBack { .. } => (s("Won back"), s("A lost customer, told what changed, ordered again after it.")),
    }
}

/// This month's gestures against the budget, and an agent's limit per case: past them,
/// a gesture waits for a manager.
pub(crate) async fn month_budget(state: &AppState, now: OffsetDateTime) -> Result<minijinja::Value, PageError> {
    let start = now.replace_day(1).map(|d| d.replace_time(time::Time::MIDNIGHT)).unwrap_or(now);
    let end = if start.month() == time::Month::December {
        start.replace_year(start.year() + 1).and_then(|d| d.replace_month(time::Month::January))
    } else {
        start.replace_month(start.month().next())
    }
    .unwrap_or(now);
    let spent = state.store.gesture_spending(start, end).await?;
    let settings = state.store.settings();
    Ok(minijinja::context! {
        spent,
        budget_minor => settings.gesture_monthly_budget_minor,
        agent_limit_minor => settings.gesture_agent_limit_minor,
    })
}

/// Everything the case page shows.
async fn case_context(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    error: Option<String>,
    draft: HashMap<String, String>,
) -> Result<minijinja::Value, PageError> {
    let (case, events) = state.store.case_with_timeline(id).await?;
    let merged_events = state.store.merged_events(id, &events).await?;
    let customer = state.store.customer(case.customer_id).await?;
    let transactions = state.store.customer_transactions(case.customer_id, 10).await?;
    let users = state.store.list_users().await?;
    let problems = state.store.list_problems(100).await?;
    let suggested_problems = state.store.suggested_problems(id, 3).await?;
    let name_of = |actor: &Actor| match actor {
        Actor::Staff { user_id } => users
            .iter()
            .find(|u| u.id == *user_id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| format!("user #{user_id}")),
        Actor::Customer => customer.name.clone(),
        Actor::System => "Amends".to_owned(),
    };
    let names = Names {
        users: users.iter().map(|u| (u.id, u.name.clone())).collect(),
        problems: problems.iter().map(|p| (p.id, p.title.clone())).collect(),
        zone: session.business.zone.clone(),
    };
    let now = state.store.now();
    let playbook = Playbook::replay(events.iter().map(|e| &e.event));
    let steps: Vec<StepView> = playbook
        .steps(&state.store.due_policy().await?)
        .into_iter()
        .map(|s| StepView {
            step: s.step.as_str(),
            title: s.step.title(),
            status: s.status,
            due_at: s.due_at.map(rfc3339),
            skip_reason: s.skip_reason,
            overdue: s.due_at.is_some_and(|d| d < now),
        })
        .collect();
    // The timeline of a case holds those of the duplicates merged into it.
    let mut timeline: Vec<TimelineItem> = events
        .iter()
        .chain(merged_events.iter())
        .map(|e| {
            let (title, mut text) = describe(&e.event.kind, &names);
            let mut folded = None;
            if let EventKind::CustomerWrote { text: whole, new_words: Some(words), .. } = &e.event.kind {
                text.clone_from(words);
                folded = Some(whole.clone());
            }
            TimelineItem {
                folded,
                order: e.event.at,
                at: rfc3339(e.event.at),
                who: name_of(&e.event.actor),
                title,
                text,
                internal: e.event.kind.is_internal(),
                message: false,
                from_case: (e.case_id != id).then(|| CaseReference(e.case_id).to_string()),
            }
        })
        .collect();
    let merged_ids = state.store.merged_case_ids(id).await?;
    let mut emails = state.store.case_emails(id).await?;
    for merged in &merged_ids {
        emails.extend(state.store.case_emails(*merged).await?);
    }
    // The messages sent to the customer stand in the timeline too, with their Message-ID.
    for m in emails {
        let status = match m.status {
            MessageStatus::Sent => "Sent",
            MessageStatus::Failed => "Could not be delivered",
            MessageStatus::Queued => "Waiting to be sent",
        };
        timeline.push(TimelineItem {
            order: m.sent_at.unwrap_or(m.created_at),
            at: rfc3339(m.sent_at.unwrap_or(m.created_at)),
            who: "Amends".to_owned(),
            title: format!("{status} to {}: \"{}\"", m.to_email, m.subject),
            text: format!("{}\nMessage-ID: {}", m.text_body.trim_end(), m.message_id),
            internal: false,
            message: true,
            from_case: m.case_id.filter(|c| *c != id).map(|c| CaseReference(c).to_string()),
            folded: None,
        });
    }
    timeline.sort_by_key(|e| std::cmp::Reverse(e.order));
    // The customer's other cases: what this one may be merged into or linked to.
    let (others, _) = state
        .store
        .list_cases(&amends_store::CaseFilter { customer_id: Some(case.customer_id), limit: 50, ..Default::default() })
        .await?;
    let other_cases: Vec<_> = others.into_iter().filter(|c| c.id != id && c.merged_into.is_none()).collect();
    let linked: Vec<String> = playbook.linked().iter().map(|c| CaseReference(*c).to_string()).collect();
    let linked_cases: Vec<minijinja::Value> = playbook
        .linked()
        .iter()
        .map(|c| minijinja::context! { id => c, reference => CaseReference(*c).to_string() })
        .collect();
    let merged_cases: Vec<minijinja::Value> = merged_ids
        .iter()
        .map(|c| minijinja::context! { id => c, reference => CaseReference(*c).to_string() })
        .collect();
    let scheduled = state.store.scheduled_messages(id).await?;
    let cancelled_messages = scheduled.iter().filter(|m| m.status == ScheduledStatus::Cancelled).count();
    let latest = |pick: fn(&EventRecord) -> Option<String>| events.iter().rev().find_map(pick);
    let restatement = latest(|e| match &e.event.kind {
        EventKind::RestatementWritten { text, .. } => Some(text.clone()),
        _ => None,
    });
    let correction = latest(|e| match &e.event.kind {
        EventKind::RestatementCorrected { correction } => Some(correction.clone()),
        _ => None,
    });
    let options: Vec<String> = events
        .iter()
        .rev()
        .find_map(|e| match &e.event.kind {
            EventKind::OptionsOffered { options } => Some(options.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let feeling = events.iter().rev().find_map(|e| match &e.event.kind {
        EventKind::FeelingRecorded { feeling, words, mattered_most } => {
            Some(minijinja::context! { feeling => feeling.as_str(), words, mattered_most })
        }
        _ => None,
    });
    let alternative = latest(|e| match &e.event.kind {
        EventKind::AlternativeProposed { text } => Some(text.clone()),
        _ => None,
    });
    // Their proposal waits for staff's answer (accept, or decline and say why).
    let alternative_pending = playbook.alternative_pending();
    // Every wish they stated, the first (kept on the case) beside the later ones.
    let wishes = amends_domain::playbook::wishes(case.wish.as_deref(), events.iter().map(|e| &e.event));
    let spam = playbook.spam().map(|hold| {
        let reason = latest(|e| match &e.event.kind {
            EventKind::MarkedSpam { reason, .. } => Some(reason.clone()),
            _ => None,
        });
        minijinja::context! { confirmed => hold.confirmed, reason }
    });
    let owner = case.owner_id.and_then(|id| users.iter().find(|u| u.id == id)).map(|u| u.name.clone());
    // The gesture step shows its suggested size and this month's budget beside the form.
    let gesture_suggestion = if playbook.is_resolved(Step::Gesture) {
        None
    } else {
        Some(crate::api::recovery::suggestion_for(state, &case, &customer).await?)
    };
    let budget = if gesture_suggestion.is_some() { Some(month_budget(state, now).await?) } else { None };
    // The cost field starts at the suggestion, as a person types an amount ("47.00").
    let suggested_cost = gesture_suggestion
        .as_ref()
        .map(|g| g.suggested_minor)
        .filter(|m| *m > 0)
        .map(|m| format!("{}.{:02}", m / 100, m % 100));
    let timeline_events: Vec<amends_domain::playbook::Event> = events.iter().map(|e| e.event.clone()).collect();
    let promised = amends_domain::gesture::open_next_time_promises(&timeline_events);
    let low_answer = playbook.fix_reopened().then(|| playbook.last_answer()).flatten().map(|a| {
        let words = events.iter().rev().find_map(|e| match &e.event.kind {
            EventKind::FollowUpRecorded { words, .. } => Some(words.clone()),
            _ => None,
        });
        minijinja::context! { satisfaction => a.satisfaction, satisfied => a.satisfied, words }
    });
    let case_problem = case.problem_id.and_then(|p| problems.iter().find(|x| x.id == p)).cloned();
    let active_users: Vec<_> = users.iter().filter(|u| u.active).collect();
    // Who a case may be escalated to: an active manager or admin.
    let deciders: Vec<_> =
        active_users.iter().filter(|u| u.role.at_least(amends_domain::step::ESCALATES_TO)).copied().collect();
    // Whether the person signed in is the one the case waits on (or an admin).
    let decides = case.escalated_to.as_ref().is_some_and(|p| p.id == session.user.id)
        || (case.escalated_to.is_some() && session.user.role == amends_domain::Role::Admin);
    // What the coach reads in the customer's words, beside the severity staff set.
    let triage = state.coach.triage(&case.body);
    let saved_replies = state.store.saved_replies().await?;
    let attachments: Vec<crate::api::attachments::AttachmentView> =
        state.store.case_attachments(id).await?.into_iter().map(crate::api::attachments::AttachmentView::new).collect();
    let hours = state.store.due_policy().await?.hours;
    let zone = hours.zone_name().to_owned();
    // Each step's mail as it will leave, signed by whoever sends it.
    let previews = if customer.email.is_some() {
        let around = super::outgoing::Around {
            case: &case,
            customer: &customer,
            business: &session.business,
            hours: &hours,
            writer: &session.user.name,
            options: &options,
            alternative: alternative.as_deref(),
        };
        super::outgoing::previews(state, &around, &draft).await
    } else {
        HashMap::new()
    };
    let first_name = amends_domain::CustomerName::first_name(&customer.name).to_owned();
    Ok(minijinja::context! {
        previews, first_name,
        layout => session.layout(),
        triage,
        case, customer, transactions, steps, timeline, problems, owner, suggested_problems,
        gesture_suggestion, suggested_cost, budget, promised, low_answer, case_problem,
        users => active_users,
        deciders, decides,
        restatement, correction, options, alternative, alternative_pending, wishes, feeling,
        // At the Hear step (nothing said back yet) the feeling is asked for first.
        hearing => !events.iter().any(|e| matches!(e.event.kind, EventKind::RestatementWritten { .. })),
        first_name => amends_domain::step::first_name(&case.customer_name),
        feelings => amends_domain::Feeling::ALL.map(|f| f.as_str()),
        other_cases, linked_cases, merged_cases, scheduled, cancelled_messages, linked,
        merged => case.merged_into.is_some(),
        closed => playbook.outcome().is_some() || case.merged_into.is_some() || spam.is_some(),
        spam,
        error, draft, saved_replies, zone, attachments,
        reachable => customer.email.is_some(),
        now => rfc3339(now),
    })
}

#[derive(Deserialize)]
pub struct Done {
    done: Option<String>,
    /// A saved reply to fill the Reply box with, filled in for this case.
    reply_with: Option<String>,
    /// A gesture was kept and waits for a manager, for this reason.
    waiting: Option<amends_domain::gesture::ApprovalReason>,
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Params(q): Params<Done>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    let mut draft = HashMap::new();
    let mut error = None;
    if let Some(reply_id) = q.reply_with.as_deref().filter(|r| !r.is_empty()) {
        match reply_id.parse::<i64>().ok().filter(|r| *r > 0) {
            Some(reply_id) => match state.store.saved_reply(reply_id).await {
                Ok(reply) => {
                    let text = crate::replies::filled(&state, &reply, id, &session.user.name).await.map_err(|e| {
                        if e.status == StatusCode::NOT_FOUND {
                            PageError::NotFound("case")
                        } else {
                            PageError::Internal
                        }
                    })?;
                    draft.insert("reply".to_owned(), text);
                }
                Err(StoreError::NotFound(_)) => error = Some("That saved reply no longer exists.".to_owned()),
                Err(e) => return Err(e.into()),
            },
            None => error = Some("That saved reply no longer exists.".to_owned()),
        }
    }
    let mut ctx = case_context(&state, &session, id, error, draft).await?;
    if let Some(done) = q.done {
        ctx = minijinja::context! { done, ..ctx };
    }
    if let Some(reason) = q.waiting {
        let waiting = super::login::capitalise(reason.sentence());
        ctx = minijinja::context! { waiting, ..ctx };
    }
    Ok(render("case.html", ctx)?.into_response())
}

/// A time staff typed, read on the business's wall clock (its zone's), as every time
/// on the page is shown.
pub(super) fn parse_when(value: Option<String>, what: &str, hours: &BusinessHours) -> Result<OffsetDateTime, String> {
    let local = parse_local(value, what)?;
    hours.from_wall_clock(local).ok_or_else(|| format!("{local} is not a time in {}.", hours.zone_name()))
}

/// A form's `datetime-local` value, as read off a wall clock.
fn parse_local(value: Option<String>, what: &str) -> Result<PrimitiveDateTime, String> {
    let value = value.ok_or_else(|| format!("Give {what}."))?;
    PrimitiveDateTime::parse(&value, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .or_else(|_| {
            PrimitiveDateTime::parse(&value, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        })
        .map_err(|_| format!("{value:?} is not a date and time."))
}

/// A snooze from a form: until the time given, or until the customer writes.
pub(crate) fn snooze_from_form(
    f: &HashMap<String, String>,
    now: OffsetDateTime,
    hours: &BusinessHours,
) -> Result<Option<OffsetDateTime>, String> {
    if field(f, "until_reply").is_some() || field(f, "snooze_until").is_none() {
        return Ok(None);
    }
    let until = Some(parse_when(field(f, "snooze_until"), "until when", hours)?);
    // The domain's rule, asked before a bulk action so every case is not refused alike.
    amends_domain::step::in_time(&EventKind::Snoozed { until }, now).map_err(|r| sentence(&r.message))?;
    Ok(until)
}

/// "12", "12.5", "12,50" in major units to minor units.
pub(crate) fn parse_money(value: Option<String>) -> Result<i64, String> {
    let value = value.unwrap_or_else(|| "0".to_owned()).replace(',', ".");
    let (whole, frac) = value.split_once('.').unwrap_or((&value, ""));
    let frac = format!("{frac:0<2}");
    match (whole.parse::<i64>(), frac.get(..2).and_then(|f| f.parse::<i64>().ok()), frac.len() <= 2) {
        (Ok(w), Some(f), true) if w >= 0 => Ok(w * 100 + f),
        _ => Err(format!("{value:?} is not an amount such as 12.50.")),
    }
}

/// The event a step form asks for, or a sentence saying what is wrong with the form.
fn event_from_form(
    action: &str,
    f: &HashMap<String, String>,
    session: &StaffSession,
    now: OffsetDateTime,
    hours: &BusinessHours,
) -> Result<EventKind, String> {
    let text = |name: &str| field(f, name).unwrap_or_default();
    Ok(match action {
        "feeling" => EventKind::FeelingRecorded {
            feeling: text("feeling").parse().map_err(|_| "Choose how they felt.".to_owned())?,
            words: text("feeling_words"),
            mattered_most: text("mattered_most"),
        },
        "restatement" => EventKind::RestatementWritten { text: text("restatement"), missed_concerns: vec![] },
        "confirm" => EventKind::RestatementConfirmed { by_customer: false },
        "correct" => EventKind::RestatementCorrected { correction: text("correction") },
        "apology" => EventKind::Apologised { text: text("apology") },
        "escalate" => EventKind::Escalated {
            to: String::new(),
            reason: text("escalate_reason"),
            to_user_id: Some(text("escalate_to").parse().map_err(|_| "Choose the manager it goes to.".to_owned())?),
        },
        "take_over" => EventKind::EscalationTakenOver,
        "decide" => EventKind::EscalationDecided { decision: text("decision") },
        "offer" => EventKind::OptionsOffered {
            options: ["option1", "option2", "option3"].iter().filter_map(|n| field(f, n)).collect(),
        },
        "choose" => {
            EventKind::OptionChosen { option: text("option").parse().map_err(|_| "Pick option 1 or 2.".to_owned())? }
        }
        "alternative" => EventKind::AlternativeProposed { text: text("alternative") },
        "accept_alternative" => EventKind::AlternativeAccepted,
        "decline_alternative" => EventKind::AlternativeDeclined { reason: text("decline_reason") },
        "gesture" => EventKind::GestureRecorded {
            gesture: text("gesture"),
            description: text("description"),
            cost_minor: parse_money(field(f, "cost"))?,
            currency: text("currency").to_uppercase(),
        },
        "promise" => EventKind::FixPromised {
            what: text("fix_what"),
            due: parse_when(field(f, "fix_due"), "the date the fix is promised for", hours)?,
        },
        "fixed" => EventKind::FixDone { note: text("fix_note"), internal_note: field(f, "fix_internal_note") },
        "schedule_follow_up" => EventKind::FollowUpScheduled {
            due: parse_when(field(f, "follow_up_due"), "when to follow up", hours)?,
            channel: text("follow_up_channel"),
        },
        "follow_up" => EventKind::FollowUpRecorded {
            satisfaction: text("satisfaction")
                .parse()
                .map_err(|_| "Give the customer's satisfaction from 1 to 5.".to_owned())?,
            words: text("follow_up_words"),
            satisfied: match text("satisfied").as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
        },
        "watch" => EventKind::WatchSet,
        "next_time" => EventKind::NextTimeRecorded { note: text("next_time_note") },
        "skip" => EventKind::StepSkipped {
            step: text("skip_step").parse::<Step>().map_err(|_| "Choose the step to skip.".to_owned())?,
            reason: text("skip_reason"),
        },
        "note" => EventKind::NoteAdded { text: text("note") },
        "assign" => EventKind::Assigned {
            owner_id: match text("owner").as_str() {
                "" => None,
                "me" => Some(session.user.id),
                id => Some(id.parse().map_err(|_| "Choose someone from the list.".to_owned())?),
            },
        },
        "outcome" => EventKind::OutcomeRecorded {
            outcome: text("outcome").parse().map_err(|_| "Choose retained or lost.".to_owned())?,
            reason: text("outcome_reason"),
        },
        "reopen" => EventKind::Reopened { reason: text("reopen_reason") },
        "tag" => EventKind::TagAdded { tag: text("tag") },
        "severity" => EventKind::SeverityChanged {
            severity: text("severity").parse().map_err(|_| "Choose low, normal, high or critical.".to_owned())?,
        },
        "snooze" => EventKind::Snoozed { until: snooze_from_form(f, now, hours)? },
        "wake" => EventKind::Unsnoozed,
        "schedule" => EventKind::MessageScheduled {
            text: text("message"),
            send_at: parse_when(field(f, "send_at"), "when to send it", hours)?,
        },
        "mark_spam" => EventKind::MarkedSpam {
            score: 0,
            reason: field(f, "spam_reason").unwrap_or_else(|| "Marked as spam by staff.".to_owned()),
            acknowledge_on_release: false,
        },
        "release_spam" => EventKind::SpamReleased,
        _ => return Err("That is not a step of the playbook.".to_owned()),
    })
}

/// Takes the step a case page's form asks for: the domain decides, this translates.
/// Every outcome is a page in words with the draft kept: a refusal, a case changed
/// meanwhile, a text the coach held back, a gesture waiting for a manager. A form sent
/// twice is taken once.
pub async fn take_step(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    posted: Posted<super::login::Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    // "Preview the mail": the page again with the words typed, nothing taken.
    if field(&fields, "preview").is_some() {
        let ctx = case_context(&state, &session, id, None, fields).await?;
        let ctx = minijinja::context! { previewed => action, ..ctx };
        return Ok(render("case.html", ctx)?.into_response());
    }
    if action == "merge" || action == "link" {
        return join(&state, session, id, &action, fields).await;
    }
    let kind = if action == "reply" {
        reply_from_form(&state, id, &fields).await?
    } else if action == "prevent" {
        link_problem(&state, &session, &fields).await
    } else if action == "confirm_spam" {
        match field(&fields, "block") {
            None => Ok(EventKind::SpamConfirmed { blocked: None }),
            Some(kind) => crate::api::cases::sender_block(&state, id, &kind)
                .await
                .map(|value| EventKind::SpamConfirmed { blocked: Some(value) })
                .map_err(|e| e.message),
        }
    } else {
        let hours = state.store.due_policy().await?.hours;
        event_from_form(&action, &fields, &session, state.store.now(), &hours)
    };
    let kind = match kind {
        Ok(kind) => kind,
        Err(message) => return refused(&state, &session, id, message, fields, StatusCode::CONFLICT).await,
    };
    let complaint = if crate::coaching::needs_complaint(&kind) { Some(state.store.case(id).await?.body) } else { None };
    let reading = crate::coaching::read(&state.coach, &kind, complaint.as_deref());
    let command = Command {
        actor: Actor::Staff { user_id: session.user.id },
        role: Some(session.user.role),
        request: kind,
        coach: reading.coach,
        override_reason: field(&fields, "coach_override"),
        expected_version: field(&fields, "version").and_then(|v| v.parse::<i64>().ok()),
    };
    match state.store.take_step(id, command).await {
        // The spam folder's own buttons bring the reviewer back to the folder.
        Ok(_) if field(&fields, "back").as_deref() == Some("/spam") => Ok(Redirect::to("/spam?done=1").into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}?done={action}#playbook")).into_response()),
        // Kept, and waiting for a manager: a success, said in words on the case page.
        Err(StoreError::ApprovalNeeded { reason, .. }) => Ok(Redirect::to(&format!(
            "/cases/{id}?waiting={}#playbook",
            serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
        ))
        .into_response()),
        Err(StoreError::StepRefused(Refused::CoachHeld { .. })) => {
            held(&state, &session, id, &action, reading.review, fields).await
        }
        Err(StoreError::StepRefused(Refused::NeedsRole { message, .. })) => {
            refused(&state, &session, id, message.to_owned(), fields, StatusCode::FORBIDDEN).await
        }
        Err(StoreError::Refused(refusal)) => {
            refused(&state, &session, id, refusal.message, fields, StatusCode::CONFLICT).await
        }
        Err(StoreError::Conflict { message, .. }) => {
            refused(&state, &session, id, message, fields, StatusCode::CONFLICT).await
        }
        Err(StoreError::NotFound(what)) if what != "case" => {
            let message = format!("That {what} does not exist.");
            refused(&state, &session, id, message, fields, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// Merges this case into another of the customer's (`into`), or another into this one
/// (`absorb`); or links the two (`link`). A refusal shows on the case page.
async fn join(
    state: &AppState,
    session: StaffSession,
    id: i64,
    action: &str,
    fields: HashMap<String, String>,
) -> Result<Response, PageError> {
    let actor = Actor::Staff { user_id: session.user.id };
    let other = |name: &str| field(&fields, name).and_then(|v| v.parse::<i64>().ok());
    let result = match (action, other("into"), other("absorb"), other("other")) {
        ("merge", Some(into), _, _) => state.store.merge_cases(into, id, actor).await.map(|m| m.survivor.id),
        ("merge", None, Some(absorb), _) => state.store.merge_cases(id, absorb, actor).await.map(|m| m.survivor.id),
        ("link", _, _, Some(other)) => state.store.link_cases(id, other, actor).await.map(|c| c.id),
        _ => Err(StoreError::Conflict { field: None, message: "Choose the other case first.".to_owned() }),
    };
    match result {
        Ok(survivor) => Ok(Redirect::to(&format!("/cases/{survivor}?done={action}")).into_response()),
        Err(StoreError::Refused(refusal)) => {
            let status = if refusal.out_of_order { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
            refused(state, &session, id, refusal.message, fields, status).await
        }
        Err(StoreError::Conflict { message, .. }) => {
            refused(state, &session, id, message, fields, StatusCode::CONFLICT).await
        }
        Err(StoreError::NotFound(_)) => {
            refused(
                state,
                &session,
                id,
                "That case does not exist.".to_owned(),
                fields,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The Reply box: the words, sent now, or at a time on the desk's wall clock ("Send
/// later at …", in the business's zone). A customer without an email address is told
/// of in words, and the words stay in the box.
async fn reply_from_form(
    state: &AppState,
    id: i64,
    f: &HashMap<String, String>,
) -> Result<Result<EventKind, String>, PageError> {
    // The words as typed: a reply is not trimmed into something else.
    let text = f.get("reply").cloned().unwrap_or_default().replace("\r\n", "\n");
    match crate::api::cases::unreachable(state, id).await {
        Ok(Some(why)) => return Ok(Err(why)),
        Ok(None) => {}
        Err(e) if e.status == StatusCode::NOT_FOUND => return Err(PageError::NotFound("case")),
        Err(_) => return Err(PageError::Internal),
    }
    if field(f, "when").as_deref() != Some("later") {
        return Ok(Ok(EventKind::Replied { text }));
    }
    let hours = state.store.due_policy().await?.hours;
    let local = match parse_local(field(f, "send_at"), "when to send it") {
        Ok(local) => local,
        Err(message) => return Ok(Err(message)),
    };
    Ok(match hours.from_wall_clock(local) {
        Some(send_at) => Ok(EventKind::MessageScheduled { text, send_at }),
        None => Err(format!("{local} is not a time in {}.", hours.zone_name())),
    })
}

/// The prevent step's form: a known problem or a new one, and what is being changed
/// (written on the problem as its preventive action when it has none yet; the domain
/// refuses a problem with no action).
async fn link_problem(
    state: &AppState,
    session: &StaffSession,
    f: &HashMap<String, String>,
) -> Result<EventKind, String> {
    let unsaved = |_| "The problem could not be saved; try again.".to_owned();
    let problem_id = if let Some(title) = field(f, "new_problem") {
        let problem = state
            .store
            .create_problem(&title, &field(f, "description").unwrap_or_default(), session.user.id)
            .await
            .map_err(unsaved)?;
        problem.id
    } else {
        field(f, "problem_id").and_then(|p| p.parse().ok()).ok_or("Choose a problem or name a new one.")?
    };
    if let Some(action) = field(f, "preventive_action") {
        let problem = state.store.problem(problem_id).await.map_err(|_| "That problem does not exist.".to_owned())?;
        if problem.preventive_action.trim().is_empty() {
            let patch = amends_store::ProblemPatch { preventive_action: Some(action), ..Default::default() };
            state.store.update_problem(problem_id, &patch).await.map_err(unsaved)?;
        }
    }
    Ok(EventKind::ProblemLinked { problem_id })
}

/// Shows the case again with the reason in plain words and what was typed kept.
async fn refused(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    message: String,
    mut draft: HashMap<String, String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let stale = message.contains("changed since you loaded it");
    let message = if stale {
        "Someone else changed this case while you were writing. Read what changed in the timeline below.".to_owned()
    } else {
        sentence(&message)
    };
    // The form's version is the one loaded; sending again applies the draft to the case as it is now.
    draft.remove("version");
    let ctx = case_context(state, session, id, Some(message), draft).await?;
    let ctx = minijinja::context! { stale, ..ctx };
    Ok((status, render("case.html", ctx)?).into_response())
}

/// Shows the case again with the coach's findings beside the held-back text, and a
/// field to send it anyway with a reason.
async fn held(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    action: &str,
    review: Option<amends_coach::Review>,
    draft: HashMap<String, String>,
) -> Result<Response, PageError> {
    let findings = review.map(|r| r.findings).unwrap_or_default();
    let message =
        "The language coach held this back: it reads as company-focused. Rewrite it, or send it anyway with a reason."
            .to_owned();
    let ctx = case_context(state, session, id, Some(message), draft).await?;
    let ctx = minijinja::context! { coach_action => action, coach_findings => findings, ..ctx };
    let page = render("case.html", ctx)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// A refusal as a sentence: capitalised, with a full stop.
fn sentence(message: &str) -> String {
    let mut text = super::login::capitalise(message.trim());
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

#[derive(Deserialize)]
pub struct NewCaseQuery {
    customer_id: Option<i64>,
}

pub async fn new_form(
    State(state): State<AppState>,
    session: StaffSession,
    Params(q): Params<NewCaseQuery>,
) -> Result<Response, PageError> {
    let customer = match q.customer_id {
        Some(id) => Some(state.store.customer(id).await?),
        None => None,
    };
    let draft: HashMap<String, String> = HashMap::new();
    Ok(render("case_new.html", minijinja::context! { layout => session.layout(), customer, draft })?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    posted: Posted<super::login::Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    match new_case_from_form(&fields, &session) {
        Ok(new) => match state.store.open_case(new).await {
            Ok((case, _)) => Ok(Redirect::to(&format!("/cases/{}", case.id)).into_response()),
            Err(StoreError::Conflict { message, .. }) => new_form_again(&state, &session, fields, message).await,
            Err(StoreError::NotFound(what)) => {
                new_form_again(&state, &session, fields, format!("That {what} does not exist.")).await
            }
            Err(e) => Err(e.into()),
        },
        Err(message) => new_form_again(&state, &session, fields, message).await,
    }
}

async fn new_form_again(
    state: &AppState,
    session: &StaffSession,
    draft: HashMap<String, String>,
    error: String,
) -> Result<Response, PageError> {
    let customer = match field(&draft, "customer_id").and_then(|c| c.parse().ok()) {
        Some(id) => Some(state.store.customer(id).await?),
        None => None,
    };
    let page = render("case_new.html", minijinja::context! { layout => session.layout(), customer, draft, error })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn new_case_from_form(f: &HashMap<String, String>, session: &StaffSession) -> Result<NewCase, String> {
    let customer = match field(f, "customer_id") {
        Some(id) => CustomerRef::Existing(id.parse().map_err(|_| "Choose the customer again.".to_owned())?),
        None => CustomerRef::Details(customer_from_form(f)?),
    };
    // The customer's words are kept exactly as typed, untrimmed.
    let words = f.get("body").cloned().unwrap_or_default();
    Ok(NewCase {
        customer,
        channel: field(f, "channel").unwrap_or_else(|| "phone".into()).parse::<Channel>().map_err(|e| e.to_string())?,
        // Left on "from the words", intake decides it (a serious case is raised).
        severity: field(f, "severity").map(|s| s.parse::<Severity>()).transpose().map_err(|e| e.to_string())?,
        subject: amends_domain::case::parse_subject(field(f, "subject").as_deref()).map_err(|e| e.to_string())?,
        body: Complaint::parse(words).map_err(|e| format!("{}.", super::login::capitalise(&e.to_string())))?,
        wish: field(f, "wish"),
        order_ref: field(f, "order_ref"),
        category: None,
        tags: Vec::new(),
        acknowledge: true,
        attachments: Vec::new(),
        inbound: None,
        spam: None,
        answers_notice: None,
        language: None,
        actor: Actor::Staff { user_id: session.user.id },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_and_times_from_forms() {
        assert_eq!(parse_money(Some("12.5".into())), Ok(1250));
        assert_eq!(parse_money(Some("12,05".into())), Ok(1205));
        assert_eq!(parse_money(Some("7".into())), Ok(700));
        assert!(parse_money(Some("1.234".into())).is_err());
        assert!(parse_money(Some("-3".into())).is_err());
        assert!(parse_money(Some("ten".into())).is_err());
        let utc = BusinessHours::always();
        assert!(parse_when(Some("2026-12-01T09:30".into()), "x", &utc).is_ok());
        assert!(parse_when(Some("tomorrow".into()), "x", &utc).is_err());
        // A typed time is on the business's wall clock: 09:30 in Berlin is 08:30 UTC.
        let berlin = BusinessHours::parse(&amends_domain::HoursSpec::office("Europe/Berlin")).unwrap();
        let at = parse_when(Some("2026-12-01T09:30".into()), "x", &berlin).unwrap();
        assert_eq!(at, time::macros::datetime!(2026-12-01 08:30 UTC));
    }
}
