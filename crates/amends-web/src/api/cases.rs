//! Cases: intake, lists, one case with its playbook and timeline, and one endpoint per
//! playbook step. Each step endpoint turns its body into a domain event, the coach's
//! reading and the `If-Match` version into a `step::Command`, and hands it to the store,
//! which asks the domain; it decides nothing itself.

use amends_domain::playbook::{Actor, CaseStatus, EventKind, Feeling, Outcome, Playbook, Step, StepState};
use amends_domain::step::{Command, Refused};
use amends_domain::{Complaint, NewCaseError, Role, Severity};
use amends_store::{
    CaseFile, CaseFilter, CaseOrder, CaseRecord, CustomerRef, EventRecord, NewCase, OwnerFilter, SnoozeFilter,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::attachments::AttachmentView;
use super::customers::{CustomerInput, optional_text};
use super::{Page, id_from, page_size};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(super::with_body_limit(routes!(list, open), super::INTAKE_BODY_LIMIT))
        .routes(routes!(super::attachments::download))
        .routes(routes!(one))
        .routes(routes!(messages, reply))
        .routes(routes!(presence))
        .routes(routes!(revoke_links))
        .routes(routes!(scheduled))
        .routes(routes!(merge))
        .routes(routes!(link))
        .routes(routes!(bulk))
        .routes(routes!(confirm_spam))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    customer: Option<CustomerInput>,
    customer_id: Option<i64>,
    body: String,
    channel: Option<String>,
    severity: Option<String>,
    subject: Option<String>,
    order_ref: Option<String>,
    wish: Option<String>,
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    /// Send the customer an acknowledgement (when they have an email address). Set it
    /// to false when loading complaints from the past.
    acknowledge: Option<bool>,
}

fn case_error(e: NewCaseError) -> ApiError {
    match e {
        NewCaseError::BodyTooLarge(_) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", e.to_string()).with_field("body")
        }
        NewCaseError::BodyEmpty => ApiError::invalid("body", e.to_string()),
        NewCaseError::ChannelUnknown(_) => ApiError::invalid("channel", e.to_string()),
        NewCaseError::SeverityUnknown(_) => ApiError::invalid("severity", e.to_string()),
        NewCaseError::SubjectTooLong(_) | NewCaseError::SubjectControl => ApiError::invalid("subject", e.to_string()),
    }
}

impl Intake {
    pub(super) fn parse(self, actor: Actor) -> Result<NewCase, ApiError> {
        let customer = match (self.customer, self.customer_id) {
            (Some(c), None) => CustomerRef::Details(c.parse("customer.")?),
            (None, Some(id)) => CustomerRef::Existing(id),
            _ => {
                return Err(ApiError::invalid("customer", "give either customer (name, email, ...) or customer_id"));
            }
        };
        let tags = amends_domain::case::parse_tags(&self.tags)
            .map_err(|_| ApiError::invalid("tags", "up to 20 tags of 1 to 50 characters"))?;
        Ok(NewCase {
            customer,
            channel: self.channel.as_deref().unwrap_or("api").parse().map_err(case_error)?,
            severity: self.severity.as_deref().map(str::parse).transpose().map_err(case_error)?,
            subject: amends_domain::case::parse_subject(self.subject.as_deref()).map_err(case_error)?,
            body: Complaint::parse(self.body).map_err(case_error)?,
            wish: optional_text("wish", self.wish, 20_000)?,
            order_ref: optional_text("order_ref", self.order_ref, 200)?,
            category: optional_text("category", self.category, 100)?,
            tags,
            actor,
            acknowledge: self.acknowledge.unwrap_or(true),
            attachments: Vec::new(),
            inbound: None,
            spam: None,
            answers_notice: None,
            language: None,
        })
    }
}

/// A case as the API shows it: the record, where each step stands, and the timeline.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CaseView {
    #[serde(flatten)]
    case: CaseRecord,
    steps: Vec<StepState>,
    /// The cases merged into this one.
    merged_cases: Vec<i64>,
    /// The cases linked to this one.
    linked_cases: Vec<i64>,
    /// What the coach reads in the complaint's words now: the severity they suggest.
    /// Computed on read; what flagged the case at intake is `severity_reasons`.
    suggested_severity: amends_coach::CaseSeverity,
    /// Everything the customer said would put it right, first wish first: a later wish
    /// never replaces the first (`wish`).
    wishes: Vec<String>,
    /// The files the customer sent (with the complaint or a later mail), oldest first.
    attachments: Vec<AttachmentView>,
    /// Its own events and those of the cases merged into it, oldest first; each event
    /// names the case it happened on.
    #[serde(skip_serializing_if = "Option::is_none")]
    timeline: Option<Vec<EventRecord>>,
}

impl CaseView {
    async fn new(state: &AppState, file: CaseFile) -> ApiResult<Self> {
        let CaseFile { case, timeline: events, merged, attachments } = file;
        let policy = state.store.due_policy().await?;
        let playbook = Playbook::replay(events.iter().map(|e| &e.event));
        let steps = playbook.steps(&policy);
        let merged_cases = playbook.merged_from().to_vec();
        let linked_cases = playbook.linked().to_vec();
        let mut timeline = events;
        timeline.extend(merged);
        timeline.sort_by_key(|e| (e.event.at, e.id));
        // Kept at intake; read again only for a case stored before it was kept.
        let suggested_severity = match case.suggested_severity {
            Some(severity) => coach_severity(severity),
            None => state.coach.triage(&case.body).severity,
        };
        let wishes = amends_domain::playbook::wishes(case.wish.as_deref(), timeline.iter().map(|e| &e.event));
        Ok(CaseView {
            wishes,
            attachments: attachments.into_iter().map(AttachmentView::new).collect(),
            case,
            steps,
            merged_cases,
            linked_cases,
            suggested_severity,
            timeline: Some(timeline),
        })
    }
}

/// The domain's severity as the coach names it (the API's `suggested_severity`).
fn coach_severity(severity: amends_domain::Severity) -> amends_coach::CaseSeverity {
    match severity {
        amends_domain::Severity::Low => amends_coach::CaseSeverity::Low,
        amends_domain::Severity::Normal => amends_coach::CaseSeverity::Normal,
        amends_domain::Severity::High => amends_coach::CaseSeverity::High,
        amends_domain::Severity::Critical => amends_coach::CaseSeverity::Critical,
    }
}

#[utoipa::path(
    post, path = "/cases", tag = "cases", operation_id = "openCase",
    summary = r#"Intake: open a case from a complaint"#,
    description = r#"Stores the complaint, durably, as a new case (finding or creating the customer), and answers once it is committed: the case with its human `reference`, the body exactly as sent, where each step stands and its timeline (the `opened` event).

The complaint is sent as `application/json`, or, with the customer's files, as `multipart/form-data`: a part named `case` holding the same JSON object, and one part named `files` per file, with its file name and content type (up to 5 files, each at most 5 MiB, together at most 10 MiB). The case and its files are stored in one transaction: a request refused for a file stores nothing. The files are listed in the case's `attachments`."#,
    request_body(content(
        (Intake = "application/json"),
        (super::attachments::IntakeWithFiles = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = r#"Opened."#, body = CaseView),
        (status = 400, description = r#"`malformed_json`: the body (or the `case` part) is not well-formed JSON. `bad_request`: the multipart body cannot be read."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such customer (`customer_id`)."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the new customer's email or external id is taken."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large` with `field: body`: the complaint is larger than 1 MiB (1048576 bytes). `too_large` with `field: files`: a file is larger than 5 MiB, or the files together larger than 10 MiB. `too_large`: a JSON body is larger than 3 MiB, a multipart one larger than 14 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was sent neither as `application/json` nor as `multipart/form-data`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it (`case` when the multipart body has no `case` part, `files` for more than 5 files or an empty one)."#, body = crate::error::ErrorBody),
        (status = 503, description = r#"`unavailable`: the intake writer or the database cannot take the case right now; nothing was stored. Retry, ideally with the same `Idempotency-Key`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn open(
    State(state): State<AppState>,
    Agent(user): Agent,
    req: axum::extract::Request,
) -> ApiResult<impl IntoResponse> {
    let (body, files) = if crate::json::is_multipart(req.headers()) {
        let multipart = <axum::extract::Multipart as axum::extract::FromRequest<AppState>>::from_request(req, &state)
            .await
            .map_err(|e| ApiError::bad_request(e.body_text()))?;
        super::attachments::read_intake(multipart).await?
    } else {
        let JsonBody(body) = crate::json::json_within(req, super::BODY_LIMIT).await?;
        (body, Vec::new())
    };
    let mut new = body.parse(Actor::Staff { user_id: user.id })?;
    let with_files = !files.is_empty();
    new.attachments = files;
    let (case, opened) = state.store.open_case(new).await?;
    let location = format!("/api/v1/cases/{}", case.id);
    // A new case's files are only those just sent: without any, there is nothing to read.
    let attachments = if with_files { state.store.case_attachments(case.id).await? } else { Vec::new() };
    let file = CaseFile { case, timeline: vec![opened], merged: Vec::new(), attachments };
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], axum::Json(CaseView::new(&state, file).await?)))
}

#[utoipa::path(
    get, path = "/cases/{id}", tag = "cases", operation_id = "getCase",
    summary = r#"One case, its steps and its timeline"#,
    params(
        ("id" = i64, Path, description = r#"The case's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The case."#, body = CaseView),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn one(State(state): State<AppState>, _: Agent, Path(id): Path<String>) -> ApiResult<axum::Json<CaseView>> {
    let id = id_from(&id, "case")?;
    Ok(axum::Json(CaseView::new(&state, state.store.case_file(id).await?).await?))
}

#[utoipa::path(
    get, path = "/cases/{id}/scheduled-messages", tag = "cases", operation_id = "listScheduledMessages",
    summary = r#"The case's scheduled messages and where each stands"#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"Oldest first."#, body = Page<amends_store::ScheduledMessage>),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
    ),
)]
/// The case's scheduled messages, oldest first, with where each stands.
pub async fn scheduled(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<amends_store::ScheduledMessage>>> {
    let id = id_from(&id, "case")?;
    state.store.case(id).await?;
    Ok(axum::Json(Page { items: state.store.scheduled_messages(id).await?, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// The case that carries on; the case in the path is merged into it.
    into: i64,
}

#[utoipa::path(
    post, path = "/cases/{id}/merge", tag = "cases", operation_id = "mergeCase",
    summary = r#"Merge this case into another of the same customer's"#,
    description = r#"The case in the path (a duplicate) is merged into `into`, or into the case `into` was itself merged into. Both cases keep their events: the survivor's timeline (`GET /cases/{id}`) shows those of the merged case too, each with its `case_id`. The merged case records `merged` and takes no more steps (409 `case_merged`, naming the survivor); the survivor records `merged_in`. Replies to the merged case's messages, its `[AM-n]` tag and its customer's links lead to the survivor."#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    request_body(content = MergeRequest),
    responses(
        (status = 200, description = r#"Merged: the survivor and the merged case as they are now."#, body = amends_store::Merge),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case in the path."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type or is unknown; `field` names it. `idempotency_key_reused`. `invalid` with `field: into`: no such case to merge into. `invalid` with `rule`: `merge_into_itself`, or `different_customers` (only one customer's cases are merged)."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`in_progress`: a request with this `Idempotency-Key` is still being answered. `step_refused` with `rule`: `already_merged` (the case was merged before; the message names where), or the survivor refuses it."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the body is larger than 3 MiB."#, body = crate::error::ErrorBody),
    ),
)]
/// Merges the case into another case of the same customer (or into the case that one
/// was itself merged into).
pub async fn merge(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<MergeRequest>,
) -> ApiResult<axum::Json<amends_store::Merge>> {
    let id = id_from(&id, "case")?;
    state.store.case(id).await?;
    if let Err(amends_store::StoreError::NotFound(_)) = state.store.case(body.into).await {
        return Err(ApiError::invalid("into", "there is no such case to merge into"));
    }
    Ok(axum::Json(state.store.merge_cases(body.into, id, Actor::Staff { user_id: user.id }).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkRequest {
    case_id: i64,
}

#[utoipa::path(
    post, path = "/cases/{id}/links", tag = "cases", operation_id = "linkCase",
    summary = r#"Link this case to another of the same customer's"#,
    description = r#"Records `case_linked` on both cases ("same customer, same trouble"); each case's `linked_cases` lists the other."#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    request_body(content = LinkRequest),
    responses(
        (status = 200, description = r#"Linked: the case in the path as it is now."#, body = CaseRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case in the path."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type or is unknown; `field` names it. `idempotency_key_reused`. `invalid` with `field: case_id`: no such case. `invalid` with `rule`: `link_to_itself`, or `different_customers`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`in_progress`: a request with this `Idempotency-Key` is still being answered. `step_refused` with `rule`: `already_linked`, or `case_merged` when one of them was merged."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the body is larger than 3 MiB."#, body = crate::error::ErrorBody),
    ),
)]
/// Links the case to another case of the same customer; the link shows on both.
pub async fn link(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<LinkRequest>,
) -> ApiResult<axum::Json<CaseRecord>> {
    let id = id_from(&id, "case")?;
    state.store.case(id).await?;
    match state.store.link_cases(id, body.case_id, Actor::Staff { user_id: user.id }).await {
        Ok(case) => Ok(axum::Json(case)),
        Err(amends_store::StoreError::NotFound("case")) => {
            Err(ApiError::invalid("case_id", "there is no such case to link to"))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    action: String,
    case_ids: Vec<i64>,
    owner_id: Option<i64>,
    tag: Option<String>,
    severity: Option<Severity>,
    into: Option<i64>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    until: Option<OffsetDateTime>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct BulkAnswer {
    applied: usize,
    refused: usize,
    results: Vec<crate::bulk::BulkResult>,
}

#[utoipa::path(
    post, path = "/cases/bulk", tag = "cases", operation_id = "bulkCases",
    summary = r#"One action on many cases"#,
    description = r#"Applies `action` to each case in `case_ids` (1 to 100), each in its own transaction: a case the rules refuse is reported in `results` and the others are still applied. `assign` takes `owner_id` (null unassigns); `tag` takes `tag`; `severity` takes `severity`; `merge` merges every selected case of one customer into `into`, or into the oldest selected (a case of another customer is refused); `snooze` takes `until` (absent: until the customer writes)."#,
    request_body(content = BulkRequest),
    responses(
        (status = 200, description = r#"What became of each case."#, body = BulkAnswer),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type or is unknown; `field` names it. `idempotency_key_reused`. `invalid` with `field`: `action` is unknown, `case_ids` is empty or longer than 100, or the action's field is missing (`tag`, `severity`), or `until` has passed."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`in_progress`: a request with this `Idempotency-Key` is still being answered."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the body is larger than 3 MiB."#, body = crate::error::ErrorBody),
    ),
)]
/// One action on many cases; each case is applied or refused on its own.
pub async fn bulk(
    State(state): State<AppState>,
    Agent(user): Agent,
    JsonBody(body): JsonBody<BulkRequest>,
) -> ApiResult<axum::Json<BulkAnswer>> {
    use crate::bulk::BulkAction;
    let ids = crate::bulk::selection(&body.case_ids)?;
    let action = match body.action.as_str() {
        "assign" => BulkAction::Assign { owner_id: body.owner_id },
        "tag" => BulkAction::Tag { tag: body.tag.ok_or_else(|| ApiError::invalid("tag", "give the tag to add"))? },
        "severity" => BulkAction::Severity {
            severity: body
                .severity
                .ok_or_else(|| ApiError::invalid("severity", "give the severity: low, normal, high or critical"))?,
        },
        "merge" => BulkAction::Merge { into: body.into },
        "snooze" => BulkAction::Snooze { until: snooze_until(body.until, state.store.now())? },
        _ => return Err(ApiError::invalid("action", "action is assign, tag, severity, merge or snooze")),
    };
    let results = crate::bulk::apply(&state, user.id, &action, &ids).await;
    let applied = results.iter().filter(|r| r.ok).count();
    Ok(axum::Json(BulkAnswer { applied, refused: results.len() - applied, results }))
}

/// A snooze's end for every case of a bulk action, refused at once when the domain
/// says it is not still to come (None: until the customer writes).
fn snooze_until(until: Option<OffsetDateTime>, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, ApiError> {
    amends_domain::step::in_time(&EventKind::Snoozed { until }, now)?;
    Ok(until)
}

#[utoipa::path(
    get, path = "/cases/{id}/messages", tag = "cases", operation_id = "listCaseMessages",
    summary = r#"Messages sent or waiting to be sent to the case's customer"#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"Oldest first. A personal link in a message shows its token masked (`/c/••••••`): the live token exists only in the mail that left."#, body = Page<amends_store::EmailRecord>),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
    ),
)]
/// The messages sent (or waiting to be sent) to the case's customer, oldest first.
pub async fn messages(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<Page<amends_store::EmailRecord>>> {
    let id = id_from(&id, "case")?;
    state.store.case(id).await?;
    Ok(axum::Json(Page { items: state.store.case_emails(id).await?, next_cursor: None }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    /// What staff say to the customer, in their own words; signed with the writer's
    /// name and the business's.
    body: String,
    /// Send it later, at this time (RFC 3339), unless the customer writes first;
    /// absent: now.
    #[serde(default, with = "time::serde::rfc3339::option")]
    send_at: Option<OffsetDateTime>,
    /// When the language coach holds the words back (422 `coach_gate`, with
    /// `findings`), the reason to send them anyway; it is recorded on the timeline.
    coach_override: Option<String>,
}

/// Who wrote a reply.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Author {
    id: i64,
    name: String,
}

/// A reply staff wrote to the customer, as it stands.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ReplyAnswer {
    /// The reply's event on the case's timeline.
    id: i64,
    case_id: i64,
    body: String,
    /// `queued`: on its way to the customer now (the outbox sends it, and
    /// `GET /cases/{id}/messages` shows it `sent`); `scheduled`: to be sent at `send_at`.
    status: &'static str,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    send_at: Option<OffsetDateTime>,
    author: Author,
    /// The reason given to send words the coach held back, when it held some.
    coach_override: Option<String>,
    /// The case's version after the reply.
    case_version: i64,
}

/// Why a case's customer cannot be answered by mail: they have no address.
pub(crate) async fn unreachable(state: &AppState, case_id: i64) -> Result<Option<String>, ApiError> {
    let case = state.store.case(case_id).await?;
    let customer = state.store.customer(case.customer_id).await?;
    Ok(customer.email.is_none().then(|| {
        let how = match customer.phone.as_deref() {
            Some(phone) => format!("Call them on {phone}, then add a note of what you said."),
            None => "Reach them another way, then add a note of what you said.".to_owned(),
        };
        format!("{} has no email address, so a reply cannot reach them. {how}", customer.name)
    }))
}

#[utoipa::path(
    post, path = "/cases/{id}/messages", tag = "cases", operation_id = "replyToCustomer",
    summary = r#"Reply to the customer, now or later"#,
    description = r#"Records `replied` (or, with `send_at`, `message_scheduled`) by the caller and sends the customer the words, signed by the caller's name and the business's, threaded on the case's conversation (In-Reply-To the customer's newest mail on the case, else the newest message sent them). Through the coach's gate like every outgoing text: held words need `coach_override`, recorded as `coach_overridden`. Allowed on closed cases; refused on a merged case or one in the spam folder. `If-Match: <version>` refuses it when the case changed since it was read; with `If-Match` the same reply sent again is sent once, as with an `Idempotency-Key`."#,
    params(
        ("id" = i64, Path, description = r#"The case's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    request_body(content = ReplyRequest),
    responses(
        (status = 201, description = r#"Taken: the reply, `queued` (or `scheduled`)."#, body = ReplyAnswer),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON. `bad_request` with `field: if-match`: `If-Match` is not a version number."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: version`: the case changed since the version in `If-Match`; reload it. `step_refused`: `case_merged` (the message names the survivor, `merged_into` its id) or `case_in_spam`; with `send_at`, a closed case (`case_closed`). `in_progress`: a request with this `Idempotency-Key` is still being answered."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type or is unknown; `field` names it. `invalid` with `rule`: `reply_text` (empty or longer than 20,000 characters), `message_in_past` (`send_at` has passed). `no_email` with `field: body`: the customer has no email address. `coach_gate` with `field: coach_override` and `findings`: the coach held the words back; rewrite them or send `coach_override`. `idempotency_key_reused`."#, body = crate::error::ErrorBody),
    ),
)]
/// Sends the customer a reply in the caller's words (or schedules it): one step.
pub async fn reply(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<ReplyRequest>,
) -> ApiResult<impl IntoResponse> {
    let id = id_from(&id, "case")?;
    let expected_version = if_match(&headers)?;
    if let Some(why) = unreachable(&state, id).await? {
        return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "no_email", why).with_field("body"));
    }
    let kind = match body.send_at {
        Some(send_at) => EventKind::MessageScheduled { text: body.body, send_at },
        None => EventKind::Replied { text: body.body },
    };
    let reading = crate::coaching::read(&state.coach, &kind, None);
    // Kept on the timeline only when the coach held the words back.
    let coach_override = body.coach_override.clone().filter(|_| !reading.coach.holding_kinds().is_empty());
    let command = Command {
        actor: Actor::Staff { user_id: user.id },
        role: Some(user.role),
        request: kind,
        coach: reading.coach,
        override_reason: body.coach_override,
        expected_version,
    };
    let (case, event) = match state.store.take_step(id, command).await {
        Ok(taken) => taken,
        Err(e) => return Err(step_error(&state, id, e, reading.review).await),
    };
    let (text, send_at) = match event.event.kind {
        EventKind::Replied { text } => (text, None),
        EventKind::MessageScheduled { text, send_at } => (text, Some(send_at)),
        _ => return Err(ApiError::internal()),
    };
    Ok((
        StatusCode::CREATED,
        axum::Json(ReplyAnswer {
            id: event.id,
            case_id: id,
            body: text,
            status: if send_at.is_some() { "scheduled" } else { "queued" },
            created_at: event.event.at,
            send_at,
            author: Author { id: user.id, name: user.name.clone() },
            coach_override,
            case_version: case.version,
        }),
    ))
}

#[utoipa::path(
    post, path = "/cases/{id}/links/revoke", tag = "cases", operation_id = "revokeCaseLinks",
    summary = r#"Revoke every personal link of the case"#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    responses(
        (status = 204, description = r#"Revoked; the links answer 410 from now on."#),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
    ),
)]
/// Revokes every personal link of the case (a message went to the wrong person, say).
pub async fn revoke_links(State(state): State<AppState>, _: Agent, Path(id): Path<String>) -> ApiResult<StatusCode> {
    let id = id_from(&id, "case")?;
    state.store.case(id).await?;
    state.store.revoke_case_links(id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    #[serde(default)]
    writing: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PresenceAnswer {
    /// The others who have the case open now.
    others: Vec<amends_store::Presence>,
    /// The case's version now: a page that loaded an older one is out of date.
    version: i64,
}

#[utoipa::path(
    post, path = "/cases/{id}/presence", tag = "cases", operation_id = "casePresence",
    summary = r#"The collision guard's heartbeat: who else has the case open, and its version now"#,
    params(
        ("id" = i64, Path, minimum = 1),
    ),
    request_body(content = Heartbeat),
    responses(
        (status = 200, description = r#"The others and the version."#, body = PresenceAnswer),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
    ),
)]
/// The collision guard's heartbeat: says the caller has the case open (and whether
/// they are writing), and answers who else has, and the case's current version.
pub async fn presence(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    JsonBody(beat): JsonBody<Heartbeat>,
) -> ApiResult<axum::Json<PresenceAnswer>> {
    let id = id_from(&id, "case")?;
    let case = state.store.case(id).await?;
    let others = state.store.heartbeat(id, user.id, beat.writing).await?;
    Ok(axum::Json(PresenceAnswer { others, version: case.version }))
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    step: Option<String>,
    /// A user id, `me`, or `unassigned`.
    owner: Option<String>,
    severity: Option<String>,
    customer_id: Option<i64>,
    q: Option<String>,
    overdue: Option<bool>,
    /// `true`: cases that must go to a manager or whose overdue step was escalated.
    escalated: Option<bool>,
    /// A user id or `me`: cases waiting on that person since they were escalated to them.
    escalated_to: Option<String>,
    tag: Option<String>,
    /// true: only snoozed cases; false: leave them out. Absent: both.
    snoozed: Option<bool>,
    /// `attention` (default), `newest` or `due`.
    order: Option<String>,
    /// `all` (default), `awaiting_customer` or `closed`: the inbox's views.
    view: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/cases", tag = "cases", operation_id = "listCases",
    summary = r#"List cases (the inbox)"#,
    params(
        ("status" = Option<amends_domain::playbook::CaseStatus>, Query, description = r#"Only cases with this status. Without it, every status but `spam` (the spam folder is listed only when asked for)."#),
        ("step" = Option<amends_domain::playbook::Step>, Query, description = r#"Cases whose `next_step` is this step."#),
        ("owner" = Option<String>, Query, description = r#"A user id, `me`, or `unassigned` (cases with no owner)."#),
        ("severity" = Option<amends_domain::Severity>, Query),
        ("customer_id" = Option<i64>, Query),
        ("q" = Option<String>, Query, description = r#"Full-text search over the cases' words; a reference as people type it (`AM-1001`, `am 1001`, `#1001` or `1001`) also finds its case."#),
        ("overdue" = Option<bool>, Query, description = r#"`true`: only cases whose next step is past due. `false` is the same as leaving it out."#),
        ("escalated" = Option<bool>, Query, description = r#"`true`: only open cases that must go to a manager, or whose overdue step went up the escalation ladder (until the step is done or its due time moves). `false` is the same as leaving it out."#),
        ("escalated_to" = Option<String>, Query, description = r#"A user id or `me`: only cases escalated to that person and waiting on them to take it over or decide ("Escalated to me")."#),
        ("order" = Option<String>, Query, description = r#"`attention` (the default): the first page starts with every case whose customer wrote and waits for staff (`customer_waiting_since` set, the longest wait first, up to 200), then the others newest first. `newest` first (by id), or `due`: soonest due first, only cases with a step waiting on staff."#, example = "attention"),
        ("view" = Option<String>, Query, description = r#"The inbox's views: `all` (the default: every case but the spam folder), `awaiting_customer` (waiting on the customer: never a case whose customer waits for staff), or `closed` (retained, lost or merged)."#, example = "closed"),
        ("cursor" = Option<String>, Query, description = r#"The `next_cursor` of the previous page, with the same filters. A cursor this list did not give is 400 with `field: cursor`."#),
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
        ("tag" = Option<String>, Query, description = r#"Only cases with this tag (any case)."#),
        ("snoozed" = Option<bool>, Query, description = r#"`true`: only snoozed cases; `false`: leave them out (the inbox). Absent: both."#),
    ),
    responses(
        (status = 200, description = r#"One page of cases (without steps and timeline)."#, body = Page<CaseRecord>),
        (status = 400, description = r#"`bad_query`: a query parameter has the wrong type (`customer_id`, `overdue`, `limit`). `bad_request`: a filter has an unknown value (`status`, `step`, `owner`, `escalated_to`, `severity`, `order`, `view`), `limit` is not 1 to 200, or the cursor is not one this list gave; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    Agent(user): Agent,
    Params(q): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<CaseRecord>>> {
    let bad = |field: &str, message: &str| ApiError::bad_request(message).with_field(field);
    let (awaiting, closed) = match q.view.as_deref() {
        None | Some("all") => (false, false),
        Some("awaiting_customer") => (true, false),
        Some("closed") => (false, true),
        Some(_) => return Err(bad("view", "view is all, awaiting_customer or closed")),
    };
    let status =
        q.status.map(|s| s.parse::<CaseStatus>()).transpose().map_err(|_| {
            bad("status", "status is open, awaiting_customer, watching, retained, lost, merged or spam")
        })?;
    let (order, waiting_first) = match q.order.as_deref() {
        None | Some("attention") => (CaseOrder::Newest, true),
        Some("newest") => (CaseOrder::Newest, false),
        Some("due") => (CaseOrder::Due, false),
        Some(_) => return Err(bad("order", "order is attention, newest or due")),
    };
    let filter = CaseFilter {
        status: status.or(awaiting.then_some(CaseStatus::AwaitingCustomer)),
        closed,
        waiting_first,
        next_step: q.step.map(|s| s.parse::<Step>()).transpose().map_err(|_| bad("step", "not a playbook step"))?,
        owner: match q.owner.as_deref() {
            None => None,
            Some("me") => Some(OwnerFilter::User(user.id)),
            Some("unassigned") => Some(OwnerFilter::Unassigned),
            Some(id) => {
                Some(OwnerFilter::User(id.parse().map_err(|_| bad("owner", "owner is a user id, me or unassigned"))?))
            }
        },
        severity: q
            .severity
            .map(|s| s.parse::<Severity>().map(|s| s.as_str().to_owned()))
            .transpose()
            .map_err(|_| bad("severity", "severity is low, normal, high or critical"))?,
        customer_id: q.customer_id,
        text: q.q,
        tag: q.tag.filter(|t| !t.trim().is_empty()),
        snoozed: q.snoozed.map(|asleep| {
            let now = state.store.now();
            if asleep { SnoozeFilter::Asleep(now) } else { SnoozeFilter::Awake(now) }
        }),
        escalated: q.escalated == Some(true),
        escalated_to: match q.escalated_to.as_deref() {
            None => None,
            Some("me") => Some(user.id),
            Some(id) => Some(id.parse().map_err(|_| bad("escalated_to", "escalated_to is a user id or me"))?),
        },
        overdue_at: q.overdue.filter(|o| *o).map(|_| state.store.now()),
        order,
        after: q.cursor,
        limit: page_size(q.limit)?,
    };
    let (items, next_cursor) = state.store.list_cases(&filter).await?;
    Ok(axum::Json(Page { items, next_cursor }))
}

/// The body of one step endpoint, and the event it becomes.
pub trait StepRequest: DeserializeOwned {
    fn into_event(self) -> Result<EventKind, ApiError>;
    /// Who may take the step: the domain's rule, checked here before the body is read
    /// too, so that a caller without the role learns nothing about the body's shape.
    const ROLE: Role = Role::Agent;
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StepAnswer {
    case: CaseRecord,
    event: EventRecord,
}

/// Takes one playbook step. An `If-Match: <version>` header makes it refuse (409) when
/// the case changed since the caller loaded it. The domain decides; this translates.
pub(super) async fn step<R: StepRequest>(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<StepAnswer>> {
    let id = id_from(&id, "case")?;
    if !user.role.at_least(R::ROLE) {
        return Err(ApiError::forbidden(format!("this step needs the {} role", R::ROLE)));
    }
    let expected_version = if_match(&headers)?;
    let (request, override_reason): (R, Option<String>) = parse_body(&body)?;
    let kind = request.into_event()?;
    let complaint = if crate::coaching::needs_complaint(&kind) { Some(state.store.case(id).await?.body) } else { None };
    let reading = crate::coaching::read(&state.coach, &kind, complaint.as_deref());
    let command = Command {
        actor: Actor::Staff { user_id: user.id },
        role: Some(user.role),
        request: kind,
        coach: reading.coach,
        override_reason,
        expected_version,
    };
    match state.store.take_step(id, command).await {
        Ok((case, event)) => Ok(axum::Json(StepAnswer { case, event })),
        Err(e) => Err(step_error(&state, id, e, reading.review).await),
    }
}

/// A step's refusal as the API says it: the coach's findings beside a held text, the
/// survivor beside a refusal on a merged case.
async fn step_error(
    state: &AppState,
    id: i64,
    error: amends_store::StoreError,
    review: Option<amends_coach::Review>,
) -> ApiError {
    match error {
        amends_store::StoreError::StepRefused(Refused::CoachHeld { .. }) => ApiError {
            details: review.map(|r| serde_json::json!({ "findings": r.findings, "score": r.score })),
            ..ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "coach_gate",
                "the coach found company-focused wording; rewrite it, or send coach_override with your reason",
            )
            .with_field("coach_override")
        },
        amends_store::StoreError::Refused(r) if r.rule == "case_merged" => {
            // Name the survivor in a form a client can follow, beside the sentence.
            let survivor = match state.store.surviving_case(id).await {
                Ok(survivor) => survivor,
                Err(e) => return e.into(),
            };
            let mut error = ApiError::from(amends_store::StoreError::Refused(r));
            if let Some(serde_json::Value::Object(details)) = error.details.as_mut() {
                details.insert("merged_into".into(), survivor.into());
            }
            error
        }
        other => other.into(),
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmSpam {
    /// Also block the sender: `address` or `domain`.
    block: Option<String>,
}

#[utoipa::path(
    post, path = "/cases/{id}/spam/confirm", tag = "steps", operation_id = "confirmSpam",
    summary = r#"Confirm a held case is spam"#,
    description = r#"Records `spam_confirmed`; the case stays in the spam folder. With `block`, the sender's address (or its domain, which covers subdomains) joins the block list in the same transaction, so their next message is held too. Refused (409 `step_refused`, rule `not_spam` or `spam_already_confirmed`). The step is checked against the playbook's rules; a refusal names the rule."#,
    params(
        ("id" = i64, Path, description = r#"The case's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    request_body(content = ConfirmSpam, description = r#"JSON; `Content-Type` is not checked. An empty body counts as `{}`."#),
    responses(
        (status = 200, description = r#"The step is recorded: the case as it is now, and the new event."#, body = StepAnswer),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON.  `bad_request` with `field: if-match`: `If-Match` is not a version number."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: version`: the case changed since the version in `If-Match` (or meanwhile); reload it. `step_refused`: the playbook's order forbids this step now (the case is closed, or an earlier step is missing); `rule` names the rule and `missing` the steps to do or skip first."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"The request body is larger than 3 MiB. Step endpoints read the raw body, so this answer comes from the framework as plain text, not the JSON error shape (with an `Idempotency-Key` and a body over 16 MiB it is the JSON `too_large` error)."#, content((String = "text/plain"), (crate::error::ErrorBody = "application/json"))),
        (status = 422, description = r#"`invalid`: a field is unknown or has the wrong type, or `block` is not `address` or `domain`, or the sender has no email address to block; `field` names it."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
/// Confirms a held case as spam and, when asked, blocks its sender's address or domain
/// in the same transaction.
async fn confirm_spam(
    State(state): State<AppState>,
    Agent(user): Agent,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<StepAnswer>> {
    let id = id_from(&id, "case")?;
    let expected_version = if_match(&headers)?;
    let (request, _): (ConfirmSpam, Option<String>) = parse_body(&body)?;
    let blocked = match request.block.as_deref() {
        None => None,
        Some(kind) => Some(sender_block(&state, id, kind).await?),
    };
    let mut command =
        Command::new(Actor::Staff { user_id: user.id }, Some(user.role), EventKind::SpamConfirmed { blocked });
    command.expected_version = expected_version;
    let (case, event) = state.store.take_step(id, command).await?;
    Ok(axum::Json(StepAnswer { case, event }))
}

/// The block-list value for a case's sender: their address, or its domain.
pub(crate) async fn sender_block(state: &AppState, case_id: i64, kind: &str) -> Result<String, ApiError> {
    let kind =
        amends_spam::BlockKind::parse(kind).ok_or_else(|| ApiError::invalid("block", "block is address or domain"))?;
    let case = state.store.case(case_id).await?;
    let email = state
        .store
        .customer(case.customer_id)
        .await?
        .email
        .ok_or_else(|| ApiError::invalid("block", "the sender has no email address to block"))?;
    let value = match kind {
        amends_spam::BlockKind::Address => email,
        amends_spam::BlockKind::Domain => amends_spam::domain_of(&email).unwrap_or_default(),
    };
    amends_spam::normalise_block(kind, &value).map_err(|e| ApiError::invalid("block", e.to_string()))
}

fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    match headers.get(header::IF_MATCH) {
        None => Ok(None),
        Some(v) => Ok(Some(
            v.to_str().ok().map(|s| s.trim().trim_matches('"')).and_then(|s| s.parse::<i64>().ok()).ok_or_else(
                || ApiError::bad_request("If-Match holds the case's version number").with_field("if-match"),
            )?,
        )),
    }
}

/// Step bodies may be empty (no bytes at all) when the step needs nothing more: `{}` is implied. Any
/// step that sends a text may carry `coach_override`, the reason to send it anyway.
pub(super) fn parse_body<R: DeserializeOwned>(body: &[u8]) -> Result<(R, Option<String>), ApiError> {
    let body: &[u8] = if body.is_empty() { b"{}" } else { body };
    crate::json::refuse_nul(body)?;
    let invalid = |e: serde_json::Error| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", e.to_string());
    let mut value: serde_json::Value = serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => invalid(e),
        _ => ApiError::new(StatusCode::BAD_REQUEST, "malformed_json", e.to_string()),
    })?;
    let override_reason = match value.as_object_mut().and_then(|o| o.remove("coach_override")) {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(reason)) => Some(reason),
        Some(_) => return Err(ApiError::invalid("coach_override", "coach_override is the reason, as text")),
    };
    Ok((serde_json::from_value(value).map_err(invalid)?, override_reason))
}

macro_rules! step_request {
    ($name:ident { $($field:ident : $ty:ty),* $(,)? } => |$this:ident| $event:expr) => {
        #[derive(Deserialize, utoipa::ToSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name { $($field: $ty),* }

        impl StepRequest for $name {
            fn into_event(self) -> Result<EventKind, ApiError> {
                let $this = self;
                Ok($event)
            }
        }
    };
}

step_request!(RecordFeeling { feeling: Feeling, words: Option<String>, mattered_most: String }
    => |b| EventKind::FeelingRecorded { feeling: b.feeling, words: b.words.unwrap_or_default(), mattered_most: b.mattered_most });
step_request!(WriteRestatement { text: String } => |b| EventKind::RestatementWritten { text: b.text, missed_concerns: vec![] });
step_request!(ConfirmRestatement {} => |_b| EventKind::RestatementConfirmed { by_customer: false });
step_request!(CorrectRestatement { correction: String } => |b| EventKind::RestatementCorrected { correction: b.correction });
step_request!(Apologise { text: String } => |b| EventKind::Apologised { text: b.text });
step_request!(Escalate { to_user_id: i64, reason: String }
    => |b| EventKind::Escalated { to: String::new(), reason: b.reason, to_user_id: Some(b.to_user_id) });
step_request!(TakeOverEscalation {} => |_b| EventKind::EscalationTakenOver);
step_request!(DecideEscalation { decision: String } => |b| EventKind::EscalationDecided { decision: b.decision });
step_request!(Offer { options: Vec<String> } => |b| EventKind::OptionsOffered { options: b.options });
step_request!(ChooseOption { option: u8 } => |b| EventKind::OptionChosen { option: b.option });
step_request!(ProposeAlternative { text: String } => |b| EventKind::AlternativeProposed { text: b.text });
step_request!(AcceptAlternative {} => |_b| EventKind::AlternativeAccepted);
step_request!(DeclineAlternative { reason: String } => |b| EventKind::AlternativeDeclined { reason: b.reason });
step_request!(Gesture { gesture: String, description: String, cost_minor: i64, currency: String }
    => |b| EventKind::GestureRecorded { gesture: b.gesture, description: b.description, cost_minor: b.cost_minor, currency: b.currency });
/// The fix, done: what the customer is told, and how it was done for staff.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FixDone {
    /// What the customer reads: mailed to them ("It is done"), and shown on their
    /// status page and follow-up letter. Optional; older clients send only this.
    note: Option<String>,
    /// How it was fixed, for staff only: shown on the staff timeline, never in a mail,
    /// a letter or the customer's status page.
    #[serde(default)]
    internal_note: Option<String>,
}

impl StepRequest for FixDone {
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::FixDone {
            note: self.note.unwrap_or_default(),
            internal_note: self.internal_note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
        })
    }
}
step_request!(LinkProblem { problem_id: i64 } => |b| EventKind::ProblemLinked { problem_id: b.problem_id });
step_request!(RecordFollowUp { satisfaction: u8, words: Option<String>, satisfied: Option<bool> }
    => |b| EventKind::FollowUpRecorded { satisfaction: b.satisfaction, words: b.words.unwrap_or_default(), satisfied: b.satisfied });
step_request!(Watch {} => |_b| EventKind::WatchSet);
step_request!(NextTime { note: String } => |b| EventKind::NextTimeRecorded { note: b.note });
step_request!(Skip { step: Step, reason: String } => |b| EventKind::StepSkipped { step: b.step, reason: b.reason });
step_request!(Note { text: String } => |b| EventKind::NoteAdded { text: b.text });
step_request!(Assign { owner_id: Option<i64> } => |b| EventKind::Assigned { owner_id: b.owner_id });
step_request!(MarkSpam { reason: Option<String> } => |b| EventKind::MarkedSpam {
    score: 0,
    reason: b.reason.filter(|r| !r.trim().is_empty()).unwrap_or_else(|| "Marked as spam by staff.".to_owned()),
    acknowledge_on_release: false,
});
step_request!(ReleaseSpam {} => |_b| EventKind::SpamReleased);
step_request!(RecordOutcome { outcome: Outcome, reason: Option<String> }
    => |b| EventKind::OutcomeRecorded { outcome: b.outcome, reason: b.reason.unwrap_or_default() });

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromiseFix {
    what: String,
    #[serde(with = "time::serde::rfc3339")]
    due: OffsetDateTime,
}

impl StepRequest for PromiseFix {
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::FixPromised { what: self.what, due: self.due })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFollowUp {
    #[serde(with = "time::serde::rfc3339")]
    due: OffsetDateTime,
    channel: String,
}

impl StepRequest for ScheduleFollowUp {
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::FollowUpScheduled { due: self.due, channel: self.channel })
    }
}

step_request!(AddTag { tag: String } => |b| EventKind::TagAdded { tag: b.tag });
step_request!(SetSeverity { severity: Severity } => |b| EventKind::SeverityChanged { severity: b.severity });
step_request!(Wake {} => |_b| EventKind::Unsnoozed);

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Snooze {
    /// Absent: until the customer writes.
    #[serde(default, with = "time::serde::rfc3339::option")]
    until: Option<OffsetDateTime>,
}

impl StepRequest for Snooze {
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::Snoozed { until: self.until })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleMessage {
    text: String,
    #[serde(with = "time::serde::rfc3339")]
    send_at: OffsetDateTime,
}

impl StepRequest for ScheduleMessage {
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::MessageScheduled { text: self.text, send_at: self.send_at })
    }
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    reason: String,
}

impl StepRequest for Reopen {
    const ROLE: Role = amends_domain::step::REOPENS;
    fn into_event(self) -> Result<EventKind, ApiError> {
        Ok(EventKind::Reopened { reason: self.reason })
    }
}
