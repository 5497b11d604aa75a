//! Pages behind a personal link: confirm or correct the restatement, choose one of the
//! two options or propose one's own, answer the follow-up, see where the case stands.
//! A link reads and changes only its own case, for its own purpose. A disclosure's
//! notice has its own link: "this affected me" opens a case carrying the problem.

use std::collections::HashMap;
use std::net::SocketAddr;

use amends_domain::hours::WallClock;
use amends_domain::playbook::{Actor, EventKind, Playbook};
use amends_domain::progress;
use amends_domain::{Channel, Complaint, Language, LinkPurpose, RecipientStatus};
use amends_store::secret::{link_token_hash, short_code_hash, short_code_normal};
use amends_store::{CustomerRef, DisclosureLink, LinkRecord, NewCase, NoticeAnswer, StoreError};
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use time::OffsetDateTime;

use super::{Public, public_error, public_message, public_page, said, too_many};
use crate::AppState;

/// A short code from a letter has 40 bits where a link has 256: an address gets fewer
/// tries at codes than at links.
const CODE_TRIES: crate::limits::Limit = crate::limits::Limit { requests: 10, per: std::time::Duration::from_secs(60) };

/// Whether `token` is a short code typed from a letter rather than a link's token.
fn is_code(token: &str) -> bool {
    link_token_hash(token).is_none() && short_code_hash(token).is_some()
}

/// The page refusing an address that tried too many links, or too many codes.
fn over_limits(state: &AppState, public: &Public, addr: SocketAddr, token: &str) -> Option<Response> {
    if let Err(wait) = state.limiter.check_ip("link", addr.ip(), state.settings.limits.link) {
        return Some(too_many(public, wait));
    }
    if is_code(token)
        && let Err(wait) = state.limiter.check_ip("code", addr.ip(), CODE_TRIES)
    {
        return Some(too_many(public, wait));
    }
    None
}

#[derive(serde::Deserialize)]
pub struct CodeQuery {
    code: Option<String>,
}

/// `GET /c`: where a customer types the code printed on our letter; a code that reads
/// as one goes on to its notice (`/c/7KQM3XPA`). Showing it changes nothing.
pub async fn code_form(State(state): State<AppState>, Query(q): Query<CodeQuery>, headers: HeaderMap) -> Response {
    let public = super::public(&state, &headers).await;
    let Some(typed) = q.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) else {
        return public_page(&public, StatusCode::OK, "notice_code.html", minijinja::context! { code => "" });
    };
    match short_code_normal(typed) {
        Some(code) => Redirect::to(&format!("/c/{code}")).into_response(),
        None => public_page(
            &public,
            StatusCode::UNPROCESSABLE_ENTITY,
            "notice_code.html",
            minijinja::context! { code => typed, error => public.text("code-invalid") },
        ),
    }
}

fn unknown_code(public: &Public) -> Response {
    said(public, StatusCode::NOT_FOUND, "code-unknown-title", "code-unknown")
}

/// The language stored for a customer, if any (a page that cannot read it speaks the
/// browser's).
async fn language_of(state: &AppState, customer_id: i64) -> Option<Language> {
    state.store.customer(customer_id).await.ok().and_then(|c| c.language)
}

/// The page in the language of the customer whose case a link is for.
async fn for_case(state: &AppState, public: Public, case_id: i64) -> Public {
    let language = match state.store.case(case_id).await {
        Ok(case) => language_of(state, case.customer_id).await,
        Err(_) => None,
    };
    public.for_customer(language)
}

/// The link for `token`, or the page that says why it cannot be used (in the language
/// of the customer it was for, once it is known whose it is).
async fn resolve(state: &AppState, public: Public, token: &str) -> Result<(LinkRecord, Public), Response> {
    let not_ours = || said(&public, StatusCode::NOT_FOUND, "link-not-ours-title", "link-not-ours");
    let Some(hash) = link_token_hash(token) else {
        return Err(not_ours());
    };
    let link = match state.store.link_by_token_hash(&hash).await {
        Ok(Some(link)) => link,
        Ok(None) => return Err(not_ours()),
        Err(e) => return Err(public_error(&public, e.into())),
    };
    // A link to a merged case leads to the case that carries on.
    let link = match state.store.surviving_case(link.case_id).await {
        Ok(case_id) => LinkRecord { case_id, ..link },
        Err(e) => return Err(public_error(&public, e.into())),
    };
    let public = for_case(state, public, link.case_id).await;
    if link.revoked_at.is_some() {
        return Err(said(&public, StatusCode::GONE, "link-replaced-title", "link-replaced"));
    }
    if link.expires_at < state.store.now() {
        return Err(said(&public, StatusCode::GONE, "link-expired-title", "link-expired"));
    }
    Ok((link, public))
}

pub async fn page(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let public = super::public(&state, &headers).await;
    if let Some(page) = over_limits(&state, &public, addr, &token) {
        return page;
    }
    match disclosure_link(&state, &public, &token).await {
        Ok(Some((d, public))) => return show_disclosure(&public, &d, None, StatusCode::OK, HashMap::new()),
        Ok(None) if is_code(&token) => return unknown_code(&public),
        Ok(None) => {}
        Err(page) => return page,
    }
    let (link, public) = match resolve(&state, public, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    show(&state, &public, &link, None, StatusCode::OK, HashMap::new()).await
}

async fn show(
    state: &AppState,
    public: &Public,
    link: &LinkRecord,
    error: Option<String>,
    status: StatusCode,
    draft: HashMap<String, String>,
) -> Response {
    show_after(state, public, link, error, status, draft, false).await
}

/// The link's page; `just_answered` thanks the customer for the answer they just sent.
#[allow(clippy::too_many_arguments)] // the page's own inputs, each a different thing
async fn show_after(
    state: &AppState,
    public: &Public,
    link: &LinkRecord,
    error: Option<String>,
    status: StatusCode,
    draft: HashMap<String, String>,
    just_answered: bool,
) -> Response {
    let (case, events) = match state.store.case_with_timeline(link.case_id).await {
        Ok(found) => found,
        Err(e) => return public_error(public, e.into()),
    };
    let customer_name = case.customer_name.clone();
    let latest = |pick: fn(&EventKind) -> Option<Vec<String>>| events.iter().rev().find_map(|e| pick(&e.event.kind));
    let restatement = latest(|k| match k {
        EventKind::RestatementWritten { text, .. } => Some(vec![text.clone()]),
        _ => None,
    })
    .and_then(|v| v.into_iter().next());
    let options = latest(|k| match k {
        EventKind::OptionsOffered { options } => Some(options.clone()),
        _ => None,
    })
    .unwrap_or_default();
    let playbook = Playbook::replay(events.iter().map(|e| &e.event));
    // Where the case stands, in the customer's words and the business's time.
    let progress = progress::progress(events.iter().map(|e| &e.event), &state.store.settings().due);
    let zone = &public.business.zone;
    // Her times as her language writes them ("Montag, 7. Dezember 2026 um 13:00 MEZ").
    let wall_clock = |t: OffsetDateTime, zone: &str, style: WallClock| {
        amends_i18n::format::wall_clock(public.language, t, zone, style)
    };
    let when = |t: OffsetDateTime| wall_clock(t, zone, WallClock::Long);
    let done: Vec<minijinja::Value> = progress
        .done
        .iter()
        .map(|d| minijinja::context! { what => sentence(public, &d.what), at => wall_clock(d.at, zone, WallClock::Short) })
        .collect();
    let waiting_for = progress
        .waiting_for
        .as_ref()
        .map(|w| minijinja::context! { what => sentence(public, &w.what), by => w.by.map(when) });
    let next = progress.next.as_ref().map(|n| sentence(public, n));
    let told_us = minijinja::context! { words => case.body, wish => case.wish, later => progress.their_words };
    let answered = link.used_at.is_some() && link.purpose.answers_once();
    // What changed so it will not happen again, in honest tense.
    let prevention = match (link.purpose, case.problem_id) {
        (LinkPurpose::FollowUp, Some(problem_id)) => {
            state.store.linked_problem(problem_id).await.ok().and_then(|p| prevention(public, &p))
        }
        _ => None,
    };
    // A satisfied customer we kept is asked one question on their page, once.
    let ask_testimonial = matches!(link.purpose, LinkPurpose::FollowUp | LinkPurpose::Status)
        && amends_domain::proof::may_ask_testimonial(&playbook)
        && matches!(state.store.case_testimonial(case.id).await, Ok(None));
    public_page(
        public,
        status,
        "link.html",
        minijinja::context! {
            purpose => link.purpose, reference => case.reference, customer_name, restatement, options,
            told_us, done, waiting_for, next, finished => progress.finished,
            status => case.status, version => case.version, answered, error, draft,
            closed => playbook.outcome().is_some(),
            prevention, ask_testimonial, just_answered,
        },
    )
}

/// "Would you recommend us?" with a few words, from a customer the domain lets us ask
/// (kept after a satisfied follow-up, never lost or unhappy); once per case.
async fn testimonial(state: &AppState, public: &Public, link: &LinkRecord, form: HashMap<String, String>) -> Response {
    let events = match state.store.case_with_timeline(link.case_id).await {
        Ok((_, events)) => events,
        Err(e) => return public_error(public, e.into()),
    };
    let playbook = Playbook::replay(events.iter().map(|e| &e.event));
    let askable = matches!(link.purpose, LinkPurpose::FollowUp | LinkPurpose::Status)
        && amends_domain::proof::may_ask_testimonial(&playbook);
    if !askable {
        return said(public, StatusCode::CONFLICT, "link-thank-you", "link-no-question");
    }
    let recommend = match form.get("recommend").map(|v| v.trim()) {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            let why = public.text("link-recommend-missing");
            return show(state, public, link, Some(why), StatusCode::UNPROCESSABLE_ENTITY, form).await;
        }
    };
    let words = form.get("testimonial_words").map(|w| w.trim().to_owned()).unwrap_or_default();
    if words.chars().count() > amends_domain::proof::TESTIMONIAL_CHARS {
        let why = public.text("link-testimonial-too-long");
        return show(state, public, link, Some(why), StatusCode::UNPROCESSABLE_ENTITY, form).await;
    }
    match state.store.give_testimonial(link.case_id, recommend, &words).await {
        Ok(_) => said(public, StatusCode::OK, "link-thank-you", "link-testimonial-thanks"),
        Err(e) => public_error(public, e.into()),
    }
}

pub async fn answer(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let public = super::public(&state, &headers).await;
    if let Some(page) = over_limits(&state, &public, addr, &token) {
        return page;
    }
    match disclosure_link(&state, &public, &token).await {
        Ok(Some((d, public))) => return answer_disclosure(&state, &public, d, form).await,
        Ok(None) if is_code(&token) => return unknown_code(&public),
        Ok(None) => {}
        Err(page) => return page,
    }
    let (link, public) = match resolve(&state, public, &token).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    // The testimonial's one question is asked after the follow-up is answered.
    if form.get("action").map(|a| a.trim()) == Some("recommend") {
        return testimonial(&state, &public, &link, form).await;
    }
    if link.used_at.is_some() && link.purpose.answers_once() {
        return said(&public, StatusCode::CONFLICT, "link-already-title", "link-already");
    }
    let text = |name: &str| form.get(name).map(|v| v.trim().to_owned()).unwrap_or_default();
    let events: Result<Vec<EventKind>, String> = match (link.purpose, text("action").as_str()) {
        (LinkPurpose::Restatement, "confirm") => {
            let mut events = vec![EventKind::RestatementConfirmed { by_customer: true }];
            if !text("wish").is_empty() {
                events.push(EventKind::WishStated { text: text("wish") });
            }
            Ok(events)
        }
        (LinkPurpose::Restatement, "correct") => {
            let mut events = vec![EventKind::RestatementCorrected { correction: text("correction") }];
            if !text("wish").is_empty() {
                events.push(EventKind::WishStated { text: text("wish") });
            }
            Ok(events)
        }
        (LinkPurpose::Offer, "choose") => match text("option").parse::<u8>() {
            Ok(option) => Ok(vec![EventKind::OptionChosen { option }]),
            Err(_) => Err(public.text("link-choose-option")),
        },
        (LinkPurpose::Offer, "propose") => Ok(vec![EventKind::AlternativeProposed { text: text("proposal") }]),
        (LinkPurpose::FollowUp, "answer") => match text("satisfaction").parse::<u8>() {
            Ok(satisfaction) => Ok(vec![EventKind::FollowUpRecorded {
                satisfaction,
                words: text("words"),
                satisfied: match text("satisfied").as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    _ => None,
                },
            }]),
            Err(_) => Err(public.text("link-choose-satisfaction")),
        },
        // A word on a case they follow: it reaches staff like a reply by mail.
        (LinkPurpose::Status, "write") => match text("words") {
            words if words.is_empty() => Err(public.text("link-write-missing")),
            words if words.chars().count() > 20_000 => Err(public.text("link-write-too-long")),
            words => {
                Ok(vec![EventKind::CustomerWrote { subject: None, text: words, message_id: None, new_words: None }])
            }
        },
        _ => Err(public.text("link-cannot")),
    };
    let events = match events {
        Ok(events) => events,
        Err(e) => return show(&state, &public, &link, Some(e), StatusCode::UNPROCESSABLE_ENTITY, form).await,
    };
    // The status page's form carries the version it showed: the same words sent twice
    // (a double click, a reload) are recorded once. A case staff changed meanwhile never
    // turns a customer away: their new words are then taken as they are.
    let shown_version = form.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    for kind in events {
        let recorded = match state.store.record_event(link.case_id, Actor::Customer, kind.clone(), shown_version).await
        {
            Err(StoreError::Conflict { field: Some("version"), .. }) => {
                state.store.record_event(link.case_id, Actor::Customer, kind, None).await
            }
            other => other,
        };
        match recorded {
            Ok(_) => {}
            Err(StoreError::Refused(refusal)) => {
                let status = if refusal.out_of_order { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
                return show(&state, &public, &link, Some(refusal_words(&public, &refusal)), status, form).await;
            }
            Err(e) => return public_error(&public, e.into()),
        }
    }
    if link.purpose == LinkPurpose::Status {
        return said(&public, StatusCode::OK, "link-thank-you", "link-message-received");
    }
    if let Err(e) = state.store.mark_link_used(link.id).await {
        tracing::warn!(error = %e, "could not mark a link used");
    }
    if link.purpose == LinkPurpose::FollowUp {
        // Their thanks, and the testimonial's question when the domain lets us ask it.
        let used = LinkRecord { used_at: Some(state.store.now()), ..link };
        return show_after(&state, &public, &used, None, StatusCode::OK, HashMap::new(), true).await;
    }
    said(&public, StatusCode::OK, "link-thank-you", "link-answer-received")
}

/// A disclosure's notice behind `token`, if it is one. Its links live on the recipient
/// (there is no case until the customer says it affected them); the page is in the
/// recipient's language.
async fn disclosure_link(
    state: &AppState,
    public: &Public,
    token: &str,
) -> Result<Option<(DisclosureLink, Public)>, Response> {
    let Some(hash) = link_token_hash(token).or_else(|| short_code_hash(token)) else {
        return Ok(None);
    };
    let Some(found) = state.store.disclosure_link(&hash).await.map_err(|e| public_error(public, e.into()))? else {
        return Ok(None);
    };
    let public = public.clone().for_customer(language_of(state, found.recipient.customer_id).await);
    if found.expires_at.is_none_or(|at| at < state.store.now()) {
        return Err(said(&public, StatusCode::GONE, "link-expired-title", "notice-expired"));
    }
    Ok(Some((found, public)))
}

fn show_disclosure(
    public: &Public,
    d: &DisclosureLink,
    error: Option<String>,
    status: StatusCode,
    draft: HashMap<String, String>,
) -> Response {
    let answered = if d.recipient.status.answered() { d.recipient.status.as_str() } else { "" };
    public_page(
        public,
        status,
        "disclosure_link.html",
        minijinja::context! {
            title => d.disclosure.title, explanation => d.disclosure.explanation, solution => d.disclosure.solution,
            customer_name => d.recipient.customer_name, answered, error, draft,
        },
    )
}

/// "This affected me" opens a case for the customer, carrying the problem; "noted"
/// confirms they read it. Only a POST changes anything (mail scanners open links).
async fn answer_disclosure(
    state: &AppState,
    public: &Public,
    d: DisclosureLink,
    form: HashMap<String, String>,
) -> Response {
    let action = form.get("action").map(|a| a.trim().to_owned()).unwrap_or_default();
    match action.as_str() {
        "noted" => {
            if let Err(e) = state.store.confirm_recipient(d.recipient.id).await {
                return public_error(public, e.into());
            }
            said(public, StatusCode::OK, "link-thank-you", "notice-read-thanks")
        }
        "affected" => {
            if d.recipient.status == RecipientStatus::Replied {
                return already_answered(public);
            }
            // The customer's own words, kept as given; a bare click still says something.
            let words = form.get("words").cloned().unwrap_or_default();
            let body = if words.trim().is_empty() {
                public.text_with("notice-affected-body", &[("title", d.disclosure.title.as_str().into())])
            } else {
                words
            };
            let body = match Complaint::parse(body) {
                Ok(body) => body,
                Err(e) => {
                    let why = match e {
                        amends_domain::NewCaseError::BodyTooLarge(_) => public.text("link-write-too-long"),
                        _ => e.to_string(),
                    };
                    return show_disclosure(public, &d, Some(why), StatusCode::UNPROCESSABLE_ENTITY, form);
                }
            };
            let new = NewCase {
                customer: CustomerRef::Existing(d.recipient.customer_id),
                channel: Channel::Web,
                severity: None,
                subject: Some(format!("Re: {}", d.disclosure.title).chars().take(200).collect()),
                body,
                wish: None,
                order_ref: None,
                category: d.problem_category.clone(),
                tags: vec!["disclosure".to_owned()],
                actor: Actor::Customer,
                acknowledge: true,
                attachments: Vec::new(),
                inbound: None,
                spam: None,
                answers_notice: Some(NoticeAnswer {
                    recipient_id: d.recipient.id,
                    problem_id: d.disclosure.problem_id,
                }),
                // Their language is stored already, or was never said: the notice's page says nothing new.
                language: None,
            };
            let opened = match state.store.open_case(new).await {
                Ok((case, _)) => case,
                Err(StoreError::Conflict { field: Some("recipient"), .. }) => return already_answered(public),
                Err(e) => return public_error(public, e.into()),
            };
            public_message(
                public,
                StatusCode::OK,
                &public.text("notice-opened-title"),
                &public.text_with("notice-opened", &[("reference", opened.reference.to_string().into())]),
            )
        }
        _ => show_disclosure(public, &d, Some(public.text("link-cannot")), StatusCode::UNPROCESSABLE_ENTITY, form),
    }
}

fn already_answered(public: &Public) -> Response {
    said(public, StatusCode::CONFLICT, "link-already-title", "notice-already")
}

/// A status page's sentence (the domain picks it) in the page's language.
fn sentence(public: &Public, sentence: &progress::Sentence) -> String {
    let args: Vec<(&str, amends_i18n::Arg<'_>)> =
        sentence.args.iter().map(|(name, value)| (*name, value.as_str().into())).collect();
    public.text_with(sentence.id, &args)
}

/// What changed so it will not happen again, in honest tense: "we have changed" only
/// once the problem is fixed or verified. None while nothing is written.
fn prevention(public: &Public, problem: &amends_domain::problem::LinkedProblem) -> Option<String> {
    let action = problem.action()?.trim_end_matches('.');
    let id = if problem.is_changed() { "link-prevention-changed" } else { "link-prevention-changing" };
    Some(public.text_with(id, &[("action", action.into())]))
}

/// Why the playbook refused a customer's answer, in their words: the rule's own message
/// where one is written (`link-refusal-<rule>`), else a plain "not taken".
fn refusal_words(public: &Public, refusal: &amends_domain::playbook::Refusal) -> String {
    let id = format!("link-refusal-{}", refusal.rule.replace('_', "-"));
    if amends_i18n::has(public.language, &id) {
        public.text(&id)
    } else if public.language == Language::English {
        refusal.message.clone()
    } else {
        public.text("link-refused")
    }
}
