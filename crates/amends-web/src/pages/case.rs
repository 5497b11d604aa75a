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
use super::{PageError, Posted, StaffSession, field, render, say, say_with};
use crate::AppState;
use crate::api::id_from;
use crate::json::Params;

#[derive(Serialize)]
struct StepView {
    step: &'static str,
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
    /// The reader's language.
    language: amends_domain::Language,
}

impl Names {
    fn when(&self, t: OffsetDateTime) -> String {
        amends_domain::hours::wall_clock(t, &self.zone, amends_domain::hours::WallClock::Short)
    }
}

/// An event's title and text on the timeline, in the reader's language. What staff or
/// the customer wrote stays as written; the rest is a message (`event-…`).
fn describe(kind: &EventKind, names: &Names) -> (String, String) {
    let lang = names.language;
    let s = |id: &str| amends_i18n::text(lang, id);
    let w = |id: &str, args: &[(&str, amends_i18n::Arg<'_>)]| amends_i18n::text_with(lang, id, args);
    let arg = |v: &str| -> amends_i18n::Arg<'static> { v.to_owned().into() };
    let problem = |id: &i64| {
        names.problems.get(id).cloned().unwrap_or_else(|| w("event-problem-number", &[("id", (*id).into())]))
    };
    let user =
        |id: &i64| names.users.get(id).cloned().unwrap_or_else(|| w("event-user-number", &[("id", (*id).into())]));
    let money = |minor: i64, currency: &str| amends_domain::format_money(minor, currency);
    // A value named by a message where there is one (`prefix` + value), else as stored.
    let named = |prefix: &str, value: &str| {
        let id = format!("{prefix}{}", value.replace(' ', "-"));
        if amends_i18n::has(amends_domain::Language::English, &id) { s(&id) } else { value.to_owned() }
    };
    match kind {
        EventKind::Opened { channel, severity, escalate_because } => {
            let by = s(&format!("case-channel-{}", channel.as_str()));
            let severity = s(&format!("case-severity-{}", severity.as_str()));
            let mut text = w("event-opened-text", &[("channel", by.into()), ("severity", severity.into())]);
            if !escalate_because.is_empty() {
                text.push(' ');
                text.push_str(&w("event-opened-escalate", &[("reasons", arg(&escalate_because.join("; ")))]));
            }
            (s("event-opened"), text)
        }
        EventKind::RestatementWritten { text, missed_concerns } if missed_concerns.is_empty() => {
            (s("event-restatement-written"), text.clone())
        }
        EventKind::RestatementWritten { text, missed_concerns } => {
            let quoted: Vec<String> = missed_concerns.iter().map(|c| format!("“{c}”")).collect();
            let missed = w("event-restatement-missed", &[("concerns", arg(&quoted.join(", ")))]);
            (s("event-restatement-written"), format!("{text}\n{missed}"))
        }
        EventKind::RestatementConfirmed { by_customer } => (
            s("event-restatement-confirmed"),
            if *by_customer { s("event-restatement-confirmed-link") } else { s("event-restatement-confirmed-talk") },
        ),
        EventKind::RestatementCorrected { correction } => (s("event-restatement-corrected"), correction.clone()),
        EventKind::Apologised { text } => (s("event-apologised"), text.clone()),
        EventKind::CustomerWrote { subject, text, .. } => (
            match subject {
                Some(subject) => w("event-customer-wrote-subject", &[("subject", arg(subject))]),
                None => s("event-customer-wrote"),
            },
            text.clone(),
        ),
        EventKind::CoachOverridden { kinds, reason } => {
            (w("event-coach-overridden", &[("kinds", arg(&kinds.join(", ").replace('_', " ")))]), reason.clone())
        }
        EventKind::WishStated { text } => (s("event-wish"), text.clone()),
        EventKind::FeelingRecorded { feeling, words, mattered_most } => {
            let feeling = s(&format!("case-feeling-{}", feeling.as_str()));
            let mattered = w("event-feeling-mattered", &[("mattered", arg(mattered_most))]);
            (w("event-feeling", &[("feeling", feeling.into())]), format!("{words}\n{mattered}").trim().to_owned())
        }
        EventKind::Escalated { to, reason, .. } => (w("event-escalated", &[("name", arg(to))]), reason.clone()),
        EventKind::EscalationTakenOver => (s("event-taken-over"), s("event-taken-over-text")),
        EventKind::EscalationDecided { decision } => (s("event-decided"), decision.clone()),
        EventKind::OverdueEscalated { level, step, told, .. } => (
            w("event-overdue", &[("level", (*level as i64).into())]),
            w(
                "event-overdue-text",
                &[("step", s(&format!("step-{}", step.as_str())).into()), ("told", arg(&told.join(", ")))],
            ),
        ),
        EventKind::OptionsOffered { options } => (
            s("event-options-offered"),
            options.iter().enumerate().map(|(i, o)| format!("{}. {o}", i + 1)).collect::<Vec<_>>().join("\n"),
        ),
        EventKind::OptionChosen { option } => {
            (w("event-option-chosen", &[("option", (*option as i64).into())]), String::new())
        }
        EventKind::AlternativeProposed { text } => (s("event-alternative-proposed"), text.clone()),
        EventKind::AlternativeAccepted => (s("event-alternative-accepted"), String::new()),
        EventKind::AlternativeDeclined { reason } => (s("event-alternative-declined"), reason.clone()),
        EventKind::GestureRecorded { gesture, description, cost_minor, currency } => (
            w("event-gesture", &[("gesture", named("case-gesture-kind-", gesture).into())]),
            w(
                "event-gesture-text",
                &[("description", arg(description)), ("cost", money(*cost_minor, currency).into())],
            ),
        ),
        EventKind::FixPromised { what, due } => {
            (w("event-fix-promised", &[("when", names.when(*due).into())]), what.clone())
        }
        EventKind::FixDone { note, internal_note } => (
            s("event-fixed"),
            match internal_note.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
                // Staff read both; the customer only the first.
                Some(internal) => w("event-fixed-both", &[("note", arg(note)), ("internal", arg(internal))]),
                None => note.clone(),
            },
        ),
        EventKind::ProblemLinked { problem_id } => (s("event-problem-linked"), problem(problem_id)),
        EventKind::FollowUpScheduled { due, channel } => (
            w(
                "event-follow-up-scheduled",
                &[("channel", named("event-follow-up-by-", channel).into()), ("when", names.when(*due).into())],
            ),
            String::new(),
        ),
        EventKind::FollowUpRecorded { satisfaction, words, satisfied } => {
            let answer = amends_domain::playbook::FollowUpAnswer { satisfaction: *satisfaction, satisfied: *satisfied };
            let said = match satisfied {
                Some(true) => "yes",
                Some(false) => "no",
                None => "unasked",
            };
            let args = [("satisfaction", amends_i18n::Arg::from(*satisfaction as i64)), ("said", said.into())];
            let title = if answer.is_low() { w("event-follow-up-low", &args) } else { w("event-follow-up", &args) };
            (title, words.clone())
        }
        EventKind::ProblemMatched { problem_id, words } => (
            w("event-problem-matched", &[("problem", problem(problem_id).into())]),
            w("event-problem-matched-text", &[("words", arg(&words.join(", ")))]),
        ),
        EventKind::WatchSet => (s("event-watch-set"), String::new()),
        EventKind::NextTimeRecorded { note } => (s("event-next-time"), note.clone()),
        EventKind::StepSkipped { step, reason } => {
            (w("event-step-skipped", &[("step", s(&format!("step-{}", step.as_str())).into())]), reason.clone())
        }
        EventKind::NoteAdded { text } => (s("event-note"), text.clone()),
        EventKind::Assigned { owner_id } => (
            s("event-owner-changed"),
            match owner_id {
                Some(id) => w("event-assigned", &[("name", user(id).into())]),
                None => s("event-unassigned"),
            },
        ),
        EventKind::OutcomeRecorded { outcome, reason } => (
            match outcome {
                Outcome::Retained => s("event-outcome-retained"),
                Outcome::Lost => s("event-outcome-lost"),
            },
            reason.clone(),
        ),
        EventKind::Reopened { reason } => (w("event-reopened", &[("reason", arg(reason))]), String::new()),
        EventKind::Merged { into } => {
            (w("event-merged", &[("reference", CaseReference(*into).to_string().into())]), s("event-merged-text"))
        }
        EventKind::MergedIn { from } => {
            (w("event-merged-in", &[("reference", CaseReference(*from).to_string().into())]), s("event-merged-in-text"))
        }
        EventKind::CaseLinked { case_id } => {
            (w("event-linked", &[("reference", CaseReference(*case_id).to_string().into())]), String::new())
        }
        EventKind::TagAdded { tag } => (w("event-tagged", &[("tag", arg(tag))]), String::new()),
        EventKind::SeverityChanged { severity } => (
            w("event-severity", &[("severity", s(&format!("case-severity-{}", severity.as_str())).into())]),
            String::new(),
        ),
        EventKind::Snoozed { until } => (
            match until {
                Some(t) => w("event-snoozed-until", &[("when", names.when(*t).into())]),
                None => s("event-snoozed-until-reply"),
            },
            String::new(),
        ),
        EventKind::Unsnoozed => (s("event-woken"), String::new()),
        EventKind::Replied { text } => (s("event-replied"), text.clone()),
        EventKind::MessageScheduled { text, send_at } => {
            (w("event-message-scheduled", &[("when", names.when(*send_at).into())]), text.clone())
        }
        EventKind::ScheduledMessageCancelled { reason, .. } => {
            (s("event-message-cancelled"), w("event-message-cancelled-text", &[("reason", arg(reason))]))
        }
        EventKind::MarkedSpam { score, reason, .. } => (
            if *score > 0 {
                w("event-held-as-spam", &[("score", (*score as i64).into())])
            } else {
                s("event-marked-spam")
            },
            reason.clone(),
        ),
        EventKind::SpamReleased => (s("event-spam-released"), s("event-spam-released-text")),
        EventKind::SpamConfirmed { blocked } => (
            s("event-spam-confirmed"),
            blocked.as_ref().map(|b| w("event-spam-blocked", &[("blocked", arg(b))])).unwrap_or_default(),
        ),
        EventKind::ImprovementTold { problem_id, by_user_id, gesture } => {
            let mut text = w(
                "event-improvement-text",
                &[("problem", problem(problem_id).into()), ("name", user(by_user_id).into())],
            );
            if let Some(g) = gesture {
                let cost = money(g.cost_minor, &g.currency);
                text.push(' ');
                text.push_str(&w(
                    "event-improvement-gesture",
                    &[("description", arg(&g.description)), ("cost", cost.into())],
                ));
            }
            (s("event-improvement"), text)
        }
        EventKind::WonBack { .. } => (s("event-won-back"), s("event-won-back-text")),
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
    let amends_store::CaseFile { case, timeline: events, merged: merged_events, attachments } =
        state.store.case_file(id).await?;
    // The reads that need only the case run at once: on PostgreSQL each is a round trip
    // on a connection of its own, and one after another they made the page's wait.
    let store = &state.store;
    let others_filter =
        amends_store::CaseFilter { customer_id: Some(case.customer_id), limit: 50, ..Default::default() };
    let (
        customer,
        transactions,
        users,
        problems,
        suggested_problems,
        merged_ids,
        mut emails,
        (others, _),
        scheduled,
        saved_replies,
        policy,
    ) = tokio::try_join!(
        store.customer(case.customer_id),
        store.customer_transactions(case.customer_id, 10),
        store.list_users(),
        store.list_problems(100),
        store.suggested_problems(id, 3),
        store.merged_case_ids(id),
        store.case_emails(id),
        store.list_cases(&others_filter),
        store.scheduled_messages(id),
        store.saved_replies(),
        store.due_policy(),
    )?;
    let name_of = |actor: &Actor| match actor {
        Actor::Staff { user_id } => {
            users.iter().find(|u| u.id == *user_id).map(|u| u.name.clone()).unwrap_or_else(|| {
                amends_i18n::text_with(session.language, "event-user-number", &[("id", (*user_id).into())])
            })
        }
        Actor::Customer => customer.name.clone(),
        Actor::System => amends_i18n::text(session.language, "app-name"),
    };
    let names = Names {
        users: users.iter().map(|u| (u.id, u.name.clone())).collect(),
        problems: problems.iter().map(|p| (p.id, p.title.clone())).collect(),
        zone: session.business.zone.clone(),
        language: session.language,
    };
    let now = state.store.now();
    let playbook = Playbook::replay(events.iter().map(|e| &e.event));
    let steps: Vec<StepView> = playbook
        .steps(&policy)
        .into_iter()
        .map(|s| StepView {
            step: s.step.as_str(),
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
    for merged in &merged_ids {
        emails.extend(state.store.case_emails(*merged).await?);
    }
    // The messages sent to the customer stand in the timeline too, with their Message-ID.
    for m in emails {
        let status = match m.status {
            MessageStatus::Sent => "event-mail-sent",
            MessageStatus::Failed => "event-mail-failed",
            MessageStatus::Queued => "event-mail-queued",
        };
        timeline.push(TimelineItem {
            order: m.sent_at.unwrap_or(m.created_at),
            at: rfc3339(m.sent_at.unwrap_or(m.created_at)),
            who: amends_i18n::text(session.language, "app-name"),
            title: amends_i18n::text_with(
                session.language,
                status,
                &[("email", m.to_email.clone().into()), ("subject", m.subject.clone().into())],
            ),
            text: format!("{}\nMessage-ID: {}", m.text_body.trim_end(), m.message_id),
            internal: false,
            message: true,
            from_case: m.case_id.filter(|c| *c != id).map(|c| CaseReference(c).to_string()),
            folded: None,
        });
    }
    timeline.sort_by_key(|e| std::cmp::Reverse(e.order));
    // The customer's other cases: what this one may be merged into or linked to.
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
    let attachments: Vec<crate::api::attachments::AttachmentView> =
        attachments.into_iter().map(crate::api::attachments::AttachmentView::new).collect();
    let hours = policy.hours;
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
            language: session.language,
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
                Err(StoreError::NotFound(_)) => error = Some(say("case-saved-reply-gone")),
                Err(e) => return Err(e.into()),
            },
            None => error = Some(say("case-saved-reply-gone")),
        }
    }
    let mut ctx = case_context(&state, &session, id, error, draft).await?;
    if let Some(done) = q.done {
        ctx = minijinja::context! { done, ..ctx };
    }
    if let Some(reason) = q.waiting {
        let waiting = super::approval_reason(reason);
        ctx = minijinja::context! { waiting, ..ctx };
    }
    Ok(render("case.html", ctx)?.into_response())
}

/// A time staff typed, read on the business's wall clock (its zone's), as every time
/// on the page is shown. `what` names the field: the message `case-give-<what>` asks for it.
pub(super) fn parse_when(value: Option<String>, what: &str, hours: &BusinessHours) -> Result<OffsetDateTime, String> {
    let local = parse_local(value, what)?;
    hours.from_wall_clock(local).ok_or_else(|| {
        say_with("case-not-a-time-in", &[("time", local.to_string().into()), ("zone", hours.zone_name().into())])
    })
}

/// A form's `datetime-local` value, as read off a wall clock.
fn parse_local(value: Option<String>, what: &str) -> Result<PrimitiveDateTime, String> {
    let value = value.ok_or_else(|| say(&format!("case-give-{what}")))?;
    PrimitiveDateTime::parse(&value, format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .or_else(|_| {
            PrimitiveDateTime::parse(&value, format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"))
        })
        .map_err(|_| say_with("case-not-a-time", &[("value", format!("{value:?}").into())]))
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
    let until = Some(parse_when(field(f, "snooze_until"), "snooze-until", hours)?);
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
        _ => Err(say_with("case-not-an-amount", &[("value", format!("{value:?}").into())])),
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
            feeling: text("feeling").parse().map_err(|_| say("case-choose-feeling"))?,
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
            to_user_id: Some(text("escalate_to").parse().map_err(|_| say("case-choose-manager"))?),
        },
        "take_over" => EventKind::EscalationTakenOver,
        "decide" => EventKind::EscalationDecided { decision: text("decision") },
        "offer" => EventKind::OptionsOffered {
            options: ["option1", "option2", "option3"].iter().filter_map(|n| field(f, n)).collect(),
        },
        "choose" => EventKind::OptionChosen { option: text("option").parse().map_err(|_| say("case-choose-option"))? },
        "alternative" => EventKind::AlternativeProposed { text: text("alternative") },
        "accept_alternative" => EventKind::AlternativeAccepted,
        "decline_alternative" => EventKind::AlternativeDeclined { reason: text("decline_reason") },
        "gesture" => EventKind::GestureRecorded {
            gesture: text("gesture"),
            description: text("description"),
            cost_minor: parse_money(field(f, "cost"))?,
            currency: text("currency").to_uppercase(),
        },
        "promise" => {
            EventKind::FixPromised { what: text("fix_what"), due: parse_when(field(f, "fix_due"), "fix-due", hours)? }
        }
        "fixed" => EventKind::FixDone { note: text("fix_note"), internal_note: field(f, "fix_internal_note") },
        "schedule_follow_up" => EventKind::FollowUpScheduled {
            due: parse_when(field(f, "follow_up_due"), "follow-up-due", hours)?,
            channel: text("follow_up_channel"),
        },
        "follow_up" => EventKind::FollowUpRecorded {
            satisfaction: text("satisfaction").parse().map_err(|_| say("case-choose-satisfaction"))?,
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
            step: text("skip_step").parse::<Step>().map_err(|_| say("case-choose-skip"))?,
            reason: text("skip_reason"),
        },
        "note" => EventKind::NoteAdded { text: text("note") },
        "assign" => EventKind::Assigned {
            owner_id: match text("owner").as_str() {
                "" => None,
                "me" => Some(session.user.id),
                id => Some(id.parse().map_err(|_| say("case-choose-someone"))?),
            },
        },
        "outcome" => EventKind::OutcomeRecorded {
            outcome: text("outcome").parse().map_err(|_| say("case-choose-outcome"))?,
            reason: text("outcome_reason"),
        },
        "reopen" => EventKind::Reopened { reason: text("reopen_reason") },
        "tag" => EventKind::TagAdded { tag: text("tag") },
        "severity" => {
            EventKind::SeverityChanged { severity: text("severity").parse().map_err(|_| say("case-choose-severity"))? }
        }
        "snooze" => EventKind::Snoozed { until: snooze_from_form(f, now, hours)? },
        "wake" => EventKind::Unsnoozed,
        "schedule" => EventKind::MessageScheduled {
            text: text("message"),
            send_at: parse_when(field(f, "send_at"), "send-at", hours)?,
        },
        "mark_spam" => EventKind::MarkedSpam {
            score: 0,
            reason: field(f, "spam_reason").unwrap_or_else(|| "Marked as spam by staff.".to_owned()),
            acknowledge_on_release: false,
        },
        "release_spam" => EventKind::SpamReleased,
        _ => return Err(say("case-no-such-step")),
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
            let (_, _, message) = PageError::NotFound(what).words_in(session.language);
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
        _ => Err(StoreError::Conflict { field: None, message: say("case-choose-other-case") }),
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
            let (_, _, message) = PageError::NotFound("case").words_in(session.language);
            refused(state, &session, id, message, fields, StatusCode::UNPROCESSABLE_ENTITY).await
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
    let local = match parse_local(field(f, "send_at"), "send-at") {
        Ok(local) => local,
        Err(message) => return Ok(Err(message)),
    };
    Ok(match hours.from_wall_clock(local) {
        Some(send_at) => Ok(EventKind::MessageScheduled { text, send_at }),
        None => Err(say_with(
            "case-not-a-time-in",
            &[("time", local.to_string().into()), ("zone", hours.zone_name().into())],
        )),
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
    let unsaved = |_| say("case-problem-unsaved");
    let problem_id = if let Some(title) = field(f, "new_problem") {
        let problem = state
            .store
            .create_problem(&title, &field(f, "description").unwrap_or_default(), session.user.id)
            .await
            .map_err(unsaved)?;
        problem.id
    } else {
        field(f, "problem_id").and_then(|p| p.parse().ok()).ok_or_else(|| say("case-choose-problem"))?
    };
    if let Some(action) = field(f, "preventive_action") {
        let problem = state.store.problem(problem_id).await.map_err(|_| say("error-missing-problem"))?;
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
    let message = if stale { say("case-stale") } else { sentence(&message) };
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
    let message = say("case-coach-held");
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
                let (_, _, missing) = PageError::NotFound(what).words_in(session.language);
                new_form_again(&state, &session, fields, missing).await
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
        Some(id) => CustomerRef::Existing(id.parse().map_err(|_| say("case-new-choose-customer"))?),
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
