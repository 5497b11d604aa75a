//! The step endpoints and their part of the OpenAPI document, from one table. One
//! generic handler (`cases::step`) serves every step, so a step's operation is built
//! here from its body's schema and a few words, rather than from an attribute on a
//! handler of its own. The answers every step shares are written once, below.

use std::borrow::Cow;

use utoipa::openapi::path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use super::cases::*;
use crate::AppState;
use crate::error::ErrorBody;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(step::<RecordFeeling>(StepDoc {
            path: "/cases/{id}/feeling",
            operation_id: "recordFeeling",
            summary: r#"Hear the feeling: how the customer felt and what mattered most"#,
            description: r#"Records `feeling_recorded` (internal: never shown to the customer); the case page shows the latest at every later step. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<WriteRestatement>(StepDoc {
            path: "/cases/{id}/restatement",
            operation_id: "writeRestatement",
            summary: r#"Restate: write the complaint back in staff's words"#,
            description: r#"Records `restatement_written`; the customer then confirms or corrects it. Refused once the restatement is confirmed. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<ConfirmRestatement>(StepDoc {
            path: "/cases/{id}/restatement/confirm",
            operation_id: "confirmRestatement",
            summary: r#"Restate: the customer confirms the restatement"#,
            description: r#"Records `restatement_confirmed` (by staff on the customer's behalf). Needs a restatement waiting for the customer. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<CorrectRestatement>(StepDoc {
            path: "/cases/{id}/restatement/correct",
            operation_id: "correctRestatement",
            summary: r#"Restate: the customer corrects the restatement"#,
            description: r#"Records `restatement_corrected`; staff then write a new restatement. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Apologise>(StepDoc {
            path: "/cases/{id}/apology",
            operation_id: "apologise",
            summary: r#"Apologise and own it"#,
            description: r#"Records `apologised`. Needs the restatement confirmed (or skipped). The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Escalate>(StepDoc {
            path: "/cases/{id}/escalation",
            operation_id: "escalate",
            summary: r#"Escalate"#,
            description: r#"Escalates the case to a person: `to_user_id` names an active manager or admin (the owner), and `reason` says why. Records `escalated` with their name; they become the case's `escalated_to`, are alerted (by email in business hours, if they keep email alerts on), and the Escalate step waits on them (`awaiting_decision`) until they take the case over or send it back with a decision. Escalating again names someone else. Changed in issue 17: the old body `{"to": "manager"}` named a label, not a person, and is refused (422, `field: to_user_id` is missing)."#,
            more: &[("422", r#"`invalid` with `field: to_user_id`: no active member of staff by that id, or an agent."#)],
        }))
        .routes(step::<TakeOverEscalation>(StepDoc {
            path: "/cases/{id}/escalation/take-over",
            operation_id: "takeOverEscalation",
            summary: r#"Escalate: the person it was escalated to takes the case over"#,
            description: r#"Records `escalation_taken_over`: the caller becomes the case's owner and the Escalate step is done. Only the person the case was escalated to, or an admin (403 otherwise); needs an escalation waiting. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<DecideEscalation>(StepDoc {
            path: "/cases/{id}/escalation/decision",
            operation_id: "decideEscalation",
            summary: r#"Escalate: send the case back with a decision"#,
            description: r#"Records `escalation_decided` with the decision in words, shown to the agent on the timeline (and mailed to whoever escalated it); the Escalate step is done and the case stays with its owner. Only the person the case was escalated to, or an admin (403 otherwise); needs an escalation waiting. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Offer>(StepDoc {
            path: "/cases/{id}/offer",
            operation_id: "offerOptions",
            summary: r#"Offer two options"#,
            description: r#"Records `options_offered`. Needs the restatement and the apology done (or skipped); refused once the offer is settled. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<ChooseOption>(StepDoc {
            path: "/cases/{id}/offer/choice",
            operation_id: "chooseOption",
            summary: r#"Offer: the customer chooses option 1 or 2"#,
            description: r#"Records `option_chosen`, settling the offer. Needs an open offer. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<ProposeAlternative>(StepDoc {
            path: "/cases/{id}/offer/alternative",
            operation_id: "proposeAlternative",
            summary: r#"Offer: the customer proposes their own solution"#,
            description: r#"Records `alternative_proposed`. Needs an open offer. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<AcceptAlternative>(StepDoc {
            path: "/cases/{id}/offer/alternative/accept",
            operation_id: "acceptAlternative",
            summary: r#"Offer: staff accept the customer's alternative"#,
            description: r#"Records `alternative_accepted`, settling the offer. Needs a proposed alternative. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<DeclineAlternative>(StepDoc {
            path: "/cases/{id}/offer/alternative/decline",
            operation_id: "declineAlternative",
            summary: r#"Offer: staff decline the customer's alternative, telling them why"#,
            description: r#"Records `alternative_declined` with `reason`, the words the customer is told (read by the coach like any offer: company-focused wording waits for a `coach_override` reason). The two options stand again, waiting for the customer's choice, and the customer gets a message with the reason, the two options and a link to answer. Needs a proposed alternative (409 `no_alternative_to_accept`). While a proposal waits for this answer (or acceptance) the offer is staff's next step, due within the restatement's time, and the case is never `awaiting_customer`."#,
            more: &[],
        }))
        .routes(step::<Gesture>(StepDoc {
            path: "/cases/{id}/gesture",
            operation_id: "recordGesture",
            summary: r#"Surprise gesture"#,
            description: r#"Records `gesture_recorded`. Needs the offer settled (or skipped). The step is checked against the playbook's rules; a refusal names the rule. An agent's gesture waits for a manager (202) when, with what was already given in its currency, it takes the case's gestures above the agent limit, the agent's gestures this month above the agent's monthly limit, or this month's gestures past the budget."#,
            more: &[("202", r#"`approval_needed`: the gesture is not recorded; it waits for a manager as the approval `approval_id`, and `reason` says why: `above_case_limit`, `above_monthly_limit` or `past_budget`. The same gesture sent again while it waits answers the same approval."#)],
        }))
        .routes(step::<PromiseFix>(StepDoc {
            path: "/cases/{id}/fix/promise",
            operation_id: "promiseFix",
            summary: r#"Fix: promise it with a date"#,
            description: r#"Records `fix_promised`. Needs the offer settled (or skipped); refused once the fix is done. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("422", r#"`invalid` with `field: due`: `due` is not in the future."#)],
        }))
        .routes(step::<FixDone>(StepDoc {
            path: "/cases/{id}/fix/done",
            operation_id: "fixDone",
            summary: r#"Fix: record it done"#,
            description: r#"Records `fix_done`. Needs a promised fix. `note` is what the customer reads: it is mailed to them and shown on their status page and letter; `internal_note` (optional) is how it was fixed, for staff only, on the staff timeline and never sent. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<LinkProblem>(StepDoc {
            path: "/cases/{id}/prevent",
            operation_id: "linkProblem",
            summary: r#"Prevent: link the root cause"#,
            description: r#"Records `problem_linked` and sets the case's `problem_id`. Needs the restatement confirmed (or skipped), and a problem with a corrective or preventive action written (409, rule `prevent_needs_action`, until it has one): linking a name prevents nothing. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("404", r#"Also when there is no such problem (`problem_id`)."#)],
        }))
        .routes(step::<ScheduleFollowUp>(StepDoc {
            path: "/cases/{id}/follow-up/schedule",
            operation_id: "scheduleFollowUp",
            summary: r#"Follow up: schedule it"#,
            description: r#"Records `follow_up_scheduled`. Needs the fix done (or skipped). The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<RecordFollowUp>(StepDoc {
            path: "/cases/{id}/follow-up",
            operation_id: "recordFollowUp",
            summary: r#"Follow up: record the customer's answer"#,
            description: r#"Records `follow_up_recorded`: `satisfaction` from 1 to 5, their `words`, and `satisfied`, their yes or no to "did we put it right?" (optional). Needs the fix done (or skipped). A low answer (1 or 2, or `satisfied: false`) opens the fix step again, records an `escalated` event and alerts the case's owner and the managers; the follow-up is then due again after the new fix. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Watch>(StepDoc {
            path: "/cases/{id}/watch",
            operation_id: "watch",
            summary: r#"Prove yourself next time: put the customer on the watch list"#,
            description: r#"Records `watch_set` and sets the customer's `watch`. Needs the follow-up done (or skipped). The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<NextTime>(StepDoc {
            path: "/cases/{id}/next-time",
            operation_id: "recordNextTime",
            summary: r#"Prove yourself next time: note the next order or visit"#,
            description: r#"Records `next_time_recorded`. Needs the customer on the watch list. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Skip>(StepDoc {
            path: "/cases/{id}/skip",
            operation_id: "skipStep",
            summary: r#"Skip a step, with a reason"#,
            description: r#"Records `step_skipped`. Any step but `hear`; refused for a step already done or skipped. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Note>(StepDoc {
            path: "/cases/{id}/notes",
            operation_id: "addNote",
            summary: r#"Add an internal note"#,
            description: r#"Records `note_added`. Allowed on closed cases too. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Assign>(StepDoc {
            path: "/cases/{id}/assign",
            operation_id: "assign",
            summary: r#"Assign or unassign the case"#,
            description: r#"Records `assigned` and sets the case's `owner_id`. Allowed on closed cases too. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("404", r#"Also when there is no such active user (`owner_id`)."#)],
        }))
        .routes(step::<RecordOutcome>(StepDoc {
            path: "/cases/{id}/outcome",
            operation_id: "recordOutcome",
            summary: r#"Record the outcome: retained or lost"#,
            description: r#"Records `outcome_recorded` and closes the case. `retained` needs every step done or skipped, and a satisfied follow-up (4 or 5, or a yes); without one it is a manager's decision with a `reason` (403 `forbidden` for an agent, 422 `retained_needs_reason` without a reason). `lost` needs a reason. Takes the customer off the watch list unless another of their cases is watching. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Reopen>(StepDoc {
            path: "/cases/{id}/reopen",
            operation_id: "reopen",
            summary: r#"Reopen a closed case (managers)"#,
            description: r#"Records `reopened`. Needs a case with an outcome, and the manager or admin role. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("403", r#"`forbidden`: this needs the manager (or admin) role."#)],
        }))
        .routes(step::<AddTag>(StepDoc {
            path: "/cases/{id}/tags",
            operation_id: "addTag",
            summary: r#"Add a tag"#,
            description: r#"Records `tag_added`; the tag is kept trimmed and in lower case. Allowed on closed cases too. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("409", r#"`conflict` with `field: tag`: the case already has the tag or carries 20."#),
            ("422", r#"`conflict` (409) with `field: tag`: the case already has this tag, or 20 tags."#)],
        }))
        .routes(step::<SetSeverity>(StepDoc {
            path: "/cases/{id}/severity",
            operation_id: "setSeverity",
            summary: r#"Set the severity"#,
            description: r#"Records `severity_changed`: the due times of the open steps scale with it, and high or critical sends the case to a manager. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<Snooze>(StepDoc {
            path: "/cases/{id}/snooze",
            operation_id: "snoozeCase",
            summary: r#"Snooze the case"#,
            description: r#"Records `snoozed`: the case leaves the inbox's views (`GET /cases?snoozed=false`) until `until`, or, without `until`, until the customer writes. Any word from the customer (a reply, an answer through a link) wakes it sooner. Promised dates are not moved. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("422", r#"`invalid` with `field: until`: the time has passed."#)],
        }))
        .routes(step::<Wake>(StepDoc {
            path: "/cases/{id}/wake",
            operation_id: "wakeCase",
            summary: r#"Wake a snoozed case now"#,
            description: r#"Records `unsnoozed`; 409 `step_refused` (`not_snoozed`) when the case is not snoozed. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<ScheduleMessage>(StepDoc {
            path: "/cases/{id}/scheduled-messages",
            operation_id: "scheduleMessage",
            summary: r#"Schedule a message to the customer"#,
            description: r#"Records `message_scheduled` and queues the message for `send_at`. When the customer writes first, it is cancelled (`scheduled_message_cancelled` on the timeline) and never sent. The language coach's gate applies as to every outgoing text. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[("422", r#"`invalid` with `field: send_at`: the time has passed. `coach_gate` with `field: coach_override` and `findings`: the coach held the text back; rewrite it or send `coach_override`."#)],
        }))
        .routes(step::<MarkSpam>(StepDoc {
            path: "/cases/{id}/spam",
            operation_id: "markSpam",
            summary: r#"Move a case to the spam folder"#,
            description: r#"Records `marked_spam`. The case leaves the inbox (status `spam`, no next step) and takes no playbook step until it is released. Refused (409 `step_refused`, rule `already_spam`) when it is already there, or `case_closed` when it has its outcome. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
        .routes(step::<ReleaseSpam>(StepDoc {
            path: "/cases/{id}/spam/release",
            operation_id: "releaseSpam",
            summary: r#"Release a case from the spam folder"#,
            description: r#"Records `spam_released`: it becomes a normal case and the playbook starts. A message the filter held when it came in is acknowledged to the customer now (mail from a backfill never is). Refused (409 `step_refused`, rule `not_spam`) when the case is not in the spam folder. The step is checked against the playbook's rules; a refusal names the rule."#,
            more: &[],
        }))
}

/// What the document says of one step beyond what all steps share.
struct StepDoc {
    path: &'static str,
    operation_id: &'static str,
    summary: &'static str,
    description: &'static str,
    /// A sentence added to the shared answer of a status (or an answer of its own).
    more: &'static [(&'static str, &'static str)],
}

/// The answers every step gives, beside the 401/500/503 and the idempotency and CSRF
/// answers every write gives (`document.rs` adds those).
const SHARED: &[(&str, &str)] = &[
    (
        "400",
        "`malformed_json`: the body is not well-formed JSON. `bad_request` with `field: if-match`: `If-Match` is not a version number.",
    ),
    ("404", "`not_found`: no such case."),
    (
        "409",
        "`conflict` with `field: version`: the case changed since the version in `If-Match` (or meanwhile); reload it. `step_refused`: the playbook's order forbids this step now (the case is closed, or an earlier step is missing); `rule` names the rule and `missing` the steps to do or skip first. On a merged case `rule` is `case_merged`, the message names the survivor and `merged_into` is its id.",
    ),
    (
        "413",
        "The request body is larger than 3 MiB. Step endpoints read the raw body, so this answer comes from the framework as plain text, not the JSON error shape (with an `Idempotency-Key` and a body over 16 MiB it is the JSON `too_large` error).",
    ),
    ("415", "`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."),
    (
        "422",
        "`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it. `invalid` with `rule`: the step itself breaks a playbook rule (blank or too long text, wrong number of options, a value out of range). `coach_gate` with `field: coach_override` and `findings`: the coach held a text back; rewrite it or send `coach_override`.",
    ),
];

/// `POST <path>` served by `cases::step::<R>` and documented with `R`'s schema.
fn step<R: StepRequest + ToSchema + Send + 'static>(doc: StepDoc) -> UtoipaMethodRouter<AppState> {
    let mut schemas = Vec::new();
    R::schemas(&mut schemas);
    // Named for the request ("NoteRequest"): a step's own name may also be a domain
    // type's (`Snooze`), and a component's name is its only key.
    let request = format!("{}Request", R::name());
    schemas.push((request.clone(), with_override(R::schema())));
    StepAnswer::schemas(&mut schemas);
    schemas.push((StepAnswer::name().into_owned(), StepAnswer::schema()));
    ErrorBody::schemas(&mut schemas);
    schemas.push((ErrorBody::name().into_owned(), ErrorBody::schema()));

    let json = |name: Cow<'static, str>| ContentBuilder::new().schema(Some(Ref::from_schema_name(name))).build();
    let error = || json(ErrorBody::name());
    let mut operation = OperationBuilder::new()
        .tag("steps")
        .operation_id(Some(doc.operation_id))
        .summary(Some(doc.summary))
        .description(Some(doc.description))
        .parameter(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(
                    "The case's id. An id that is not a positive integer answers 404, like an unknown one.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
                        .minimum(Some(1)),
                )),
        )
        .request_body(Some(
            RequestBodyBuilder::new()
                .description(Some("JSON; `Content-Type` is not checked. An empty body counts as `{}`."))
                .content("application/json", json(Cow::Owned(request)))
                .required(Some(Required::True))
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The step is recorded: the case as it is now, and the new event.")
                .content("application/json", json(StepAnswer::name())),
        );
    let mut statuses: Vec<(&str, String)> = SHARED.iter().map(|(s, d)| (*s, (*d).to_owned())).collect();
    for (status, more) in doc.more {
        match statuses.iter_mut().find(|(s, _)| s == status) {
            Some((_, text)) => *text = format!("{text} {more}"),
            None => statuses.push((status, (*more).to_owned())),
        }
    }
    for (status, text) in statuses {
        let mut response = ResponseBuilder::new().description(text).content("application/json", error());
        if status == "413" {
            response = response.content("text/plain", ContentBuilder::new().schema(Some(String::schema())).build());
        }
        operation = operation.response(status, response);
    }
    let mut paths = utoipa::openapi::path::Paths::new();
    paths.add_path_operation(doc.path, vec![HttpMethod::Post], operation.build());
    (schemas, paths, axum::routing::post(super::cases::step::<R>))
}

/// Any step may carry `coach_override`, the reason to send a text the coach held back
/// (`cases::parse_body` takes it out before the step's own body is read).
fn with_override(schema: RefOr<Schema>) -> RefOr<Schema> {
    match schema {
        RefOr::T(Schema::Object(object)) => {
            let mut object: Object = object;
            object.properties.insert(
                "coach_override".to_owned(),
                RefOr::T(Schema::Object(
                    ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([Type::String, Type::Null]))
                        .description(Some(
                            "When the language coach holds the text back (422 `coach_gate`, with `findings`), the reason to send it anyway; it is recorded on the timeline.",
                        ))
                        .build(),
                )),
            );
            RefOr::T(Schema::Object(object))
        }
        other => other,
    }
}
