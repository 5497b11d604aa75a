//! Printed letters: one case's personal letter as a PDF, and the print run of every
//! follow-up letter that is due and every disclosure notice chosen to go by post, as
//! one PDF, then marked printed and posted.

use amends_domain::Language;
use amends_domain::playbook::{Actor, EventKind};
use amends_i18n::{Arg, text, text_with};
use amends_letters::{Labels, Letter, Letterhead, PageSize};
use amends_store::{CaseRecord, CustomerRecord, DisclosureLetterDue, EventRecord, PendingLetter, Store};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{PageError, Posted, StaffSession, render};
use crate::AppState;
use crate::api::id_from;
use crate::json::Params;

/// The sender of printed letters, from `[letterhead]` in the configuration.
#[derive(Debug, Clone)]
pub struct LetterSettings {
    pub head: Letterhead,
    pub signature_name: String,
    pub signature_title: String,
    pub page_size: PageSize,
}

impl Default for LetterSettings {
    fn default() -> Self {
        Self {
            head: Letterhead {
                business_name: "Customer Care".to_owned(),
                address_lines: Vec::new(),
                contact_line: String::new(),
            },
            signature_name: "The team".to_owned(),
            signature_title: String::new(),
            page_size: PageSize::A4,
        }
    }
}

/// The day a letter is dated: the business's day (its zone's), not UTC's, which near
/// midnight is another; as the customer's language writes it ("6. Dezember 2026").
fn long_date(language: Language, t: OffsetDateTime, zone: &str) -> String {
    amends_i18n::format::wall_clock(language, t, zone, amends_domain::hours::WallClock::Day)
}

/// The words the letter's layout prints, in the customer's language.
fn labels(language: Language) -> Labels {
    Labels {
        offer_heading: text(language, "letter-offer-heading"),
        reference: text(language, "letter-our-reference"),
        page: text_with(language, "letter-page", &[("n", "{n}".into()), ("total", "{total}".into())]),
    }
}

/// The postal address as lines: one per line of the stored address, or, for an
/// address kept on one line, one per comma-separated part. A first line that only
/// repeats the recipient's name is left out: the letter prints the name once.
fn address_lines(address: &str, name: &str) -> Vec<String> {
    let mut lines: Vec<String> = address.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if lines.len() == 1 {
        lines = lines[0].split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    }
    let same =
        |line: &str| line.split_whitespace().eq(name.split_whitespace()) || line.eq_ignore_ascii_case(name.trim());
    if lines.first().is_some_and(|first| same(first)) {
        lines.remove(0);
    }
    lines
}

/// The greeting a letter opens with.
fn salutation(language: Language, name: &str) -> String {
    text_with(language, "letter-salutation", &[("name", name.trim().to_owned().into())])
}

/// The apology as written for an email often opens with its own greeting ("Hannah,
/// I am so sorry…", "Dear Hannah Reyes,"); the letter has its greeting already, so
/// that opening goes and the apology starts at its first real word.
fn without_greeting(text: &str, name: &str) -> String {
    let text = text.trim_start();
    let first = name.split_whitespace().next().unwrap_or_default();
    let Some((head, rest)) = text.split_once([',', '\n']) else { return text.to_owned() };
    let words: Vec<String> = head
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let greeting_words = ["dear", "hi", "hello", "hey", "hallo", "liebe", "lieber", "guten", "tag"];
    let names: Vec<String> = name.split_whitespace().map(str::to_lowercase).collect();
    let is_greeting = !words.is_empty()
        && words.len() <= names.len() + 1
        && !first.is_empty()
        && words.iter().any(|w| names.contains(w))
        && words.iter().all(|w| names.contains(w) || greeting_words.contains(&w.as_str()));
    if !is_greeting {
        return text.to_owned();
    }
    let rest = rest.trim_start();
    let mut chars = rest.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => text.to_owned(),
    }
}

/// The body of a case's letter as the timeline tells it: the apology, what was done
/// (the fix), what changed (the linked problem), a gesture already given, and thanks.
/// Paragraphs between blank lines, as staff edit it.
async fn composed_body(
    store: &Store,
    case: &CaseRecord,
    customer: &CustomerRecord,
    events: &[EventRecord],
) -> Result<String, PageError> {
    let language = amends_jobs::customer_language(customer, store.business().await?.language);
    let last = |pick: &dyn Fn(&EventKind) -> Option<String>| events.iter().rev().find_map(|e| pick(&e.event.kind));
    let apology = last(&|k| match k {
        EventKind::Apologised { text } => Some(text.clone()),
        _ => None,
    })
    .map(|text| without_greeting(&text, &customer.name))
    .unwrap_or_else(|| text(language, "letter-apology"));
    let done = last(&|k| match k {
        EventKind::FixDone { note, .. } => Some(note.clone()),
        _ => None,
    });
    let promised = last(&|k| match k {
        EventKind::FixPromised { what, .. } => Some(what.clone()),
        _ => None,
    });
    let given = gesture(events).filter(|(kind, what)| !amends_domain::gesture::is_for_next_time(kind, what));
    let mut paragraphs = vec![apology];
    let owned = |s: &str| Arg::from(s.trim_end_matches('.').to_owned());
    match (promised, done) {
        (Some(what), Some(note)) => paragraphs.push(text_with(
            language,
            "letter-what-we-did-and",
            &[("what", owned(&what)), ("note", note.into())],
        )),
        (None, Some(note)) => paragraphs.push(text_with(language, "letter-what-we-did", &[("note", note.into())])),
        (Some(what), None) => {
            paragraphs.push(text_with(language, "letter-what-we-are-doing", &[("what", owned(&what))]))
        }
        (None, None) => {}
    }
    // "Changed" only for a problem marked fixed or verified; before, "changing". And
    // only once something is written about what changes.
    if let Some(problem_id) = case.problem_id {
        let problem = store.linked_problem(problem_id).await?;
        if let Some(action) = problem.action() {
            let id = if problem.is_changed() { "letter-what-changed" } else { "letter-what-is-changing" };
            let args = [("cause", Arg::from(problem.title.clone())), ("action", owned(action))];
            paragraphs.push(text_with(language, id, &args));
        }
    }
    if let Some((_, description)) = given {
        paragraphs.push(text_with(language, "letter-thank-you-gesture", &[("gesture", owned(description.trim()))]));
    }
    paragraphs.push(text(language, "letter-thanks"));
    Ok(paragraphs.join("\n\n"))
}

/// The latest gesture recorded: its kind and description.
fn gesture(events: &[EventRecord]) -> Option<(String, String)> {
    events.iter().rev().find_map(|e| match &e.event.kind {
        EventKind::GestureRecorded { gesture, description, .. } => Some((gesture.clone(), description.clone())),
        _ => None,
    })
}

/// The letter: the body staff saved (or the one the timeline tells), the customer's
/// address, and the offer for next time when the gesture is one to come back for.
fn letter(
    settings: &LetterSettings,
    case: &CaseRecord,
    customer: &CustomerRecord,
    events: &[EventRecord],
    body: &str,
    today: OffsetDateTime,
    (zone, business_language): (&str, Language),
) -> Letter {
    let offer = gesture(events)
        .filter(|(kind, what)| amends_domain::gesture::is_for_next_time(kind, what))
        .map(|(_, description)| description);
    let recipient_address =
        customer.postal_address.as_deref().map(|a| address_lines(a, &customer.name)).unwrap_or_default();
    let language = amends_jobs::customer_language(customer, business_language);
    Letter {
        recipient_name: customer.name.clone(),
        recipient_address,
        date: long_date(language, today, zone),
        reference: case.reference.clone(),
        salutation: salutation(language, &customer.name),
        paragraphs: paragraphs(body),
        offer,
        closing: text(language, "letter-closing"),
        signature_name: settings.signature_name.clone(),
        signature_title: settings.signature_title.clone(),
        labels: labels(language),
    }
}

/// A body's paragraphs: the text between blank lines.
fn paragraphs(body: &str) -> Vec<String> {
    let body = body.replace("\r\n", "\n");
    body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// A disclosure's notice on paper: its text was written (with the customer's personal
/// link) when the send queued it.
fn disclosure_letter(
    settings: &LetterSettings,
    due: &DisclosureLetterDue,
    language: Language,
    today: OffsetDateTime,
    zone: &str,
) -> Letter {
    let notice = [("disclosure", Arg::from(due.disclosure_id)), ("recipient", Arg::from(due.recipient_id))];
    Letter {
        recipient_name: due.customer_name.clone(),
        recipient_address: address_lines(&due.postal_address, &due.customer_name),
        date: long_date(language, today, zone),
        reference: text_with(language, "letter-notice-reference", &notice),
        salutation: salutation(language, &due.customer_name),
        paragraphs: due.letter_text.split("\n\n").map(str::to_owned).collect(),
        offer: None,
        closing: text(language, "letter-closing"),
        signature_name: settings.signature_name.clone(),
        signature_title: settings.signature_title.clone(),
        labels: labels(language),
    }
}

/// Disclosure notices in one print run, at most.
const NOTICES_PER_RUN: i64 = 500;

/// A case's letter as it would print now, with the pending letter (if any) it is for.
struct CaseLetter {
    letter: Letter,
    pending: Option<PendingLetter>,
    customer_id: i64,
    /// The body as the timeline tells it, before any edit.
    composed: String,
}

async fn letter_for(state: &AppState, case_id: i64) -> Result<CaseLetter, PageError> {
    let (case, events) = state.store.case_with_timeline(case_id).await?;
    let customer = state.store.customer(case.customer_id).await?;
    let pending = state.store.pending_letter(case_id).await?;
    let composed = composed_body(&state.store, &case, &customer, &events).await?;
    let body = pending.as_ref().and_then(|p| p.body.clone()).unwrap_or_else(|| composed.clone());
    let business = state.store.business().await?;
    let now = state.store.now();
    let mut letter =
        letter(&state.settings.letters, &case, &customer, &events, &body, now, (&business.zone, business.language));
    // Signed by a person: who scheduled the follow-up, else the case's owner; the
    // configured name only when neither is known.
    let signer = events
        .iter()
        .rev()
        .find_map(|e| match (&e.event.kind, e.event.actor) {
            (EventKind::FollowUpScheduled { .. }, Actor::Staff { user_id }) => Some(user_id),
            _ => None,
        })
        .or(case.owner_id);
    if let Some(user_id) = signer {
        letter.signature_name = state.store.user(user_id).await?.name;
    }
    Ok(CaseLetter { letter, pending, customer_id: customer.id, composed })
}

fn pdf(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("inline; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Why a letter cannot be printed, in words for staff, with what to do.
fn unprintable_reason(e: &amends_letters::LetterError, lang: Language) -> String {
    use amends_letters::LetterError as E;
    match e {
        E::MissingRecipientAddress { .. } => text(lang, "letters-no-address"),
        E::MissingRecipientName { .. } => text(lang, "letters-no-name"),
        E::AddressTooLong { lines, max, .. } => text_with(
            lang,
            "letters-address-too-long",
            &[("lines", (*lines as i64).into()), ("max", (*max as i64).into())],
        ),
        E::AddressLineTooWide { line, .. } => {
            text_with(lang, "letters-address-too-wide", &[("line", line.as_str().into())])
        }
        other => text_with(lang, "letters-cannot-print", &[("why", other.to_string().into())]),
    }
}

/// Whether a letter cannot be printed because of the customer's name or address: the
/// page then links to where they are changed.
fn address_problem(e: &amends_letters::LetterError) -> bool {
    use amends_letters::LetterError as E;
    matches!(
        e,
        E::MissingRecipientAddress { .. }
            | E::MissingRecipientName { .. }
            | E::AddressTooLong { .. }
            | E::AddressLineTooWide { .. }
    )
}

/// `GET /cases/{id}/letter.pdf`: the letter as it prints now.
pub async fn case_letter(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    let CaseLetter { letter, .. } = letter_for(&state, id).await?;
    let bytes = amends_letters::render_letter(&state.settings.letters.head, &letter, state.settings.letters.page_size)
        .map_err(|e| PageError::Refused(unprintable_reason(&e, session.language)))?;
    Ok(pdf(bytes, &format!("{}.pdf", letter.reference)))
}

#[derive(Deserialize)]
pub struct LetterQuery {
    /// `saved` or `queued`: what the last form did.
    done: Option<String>,
}

/// `GET /cases/{id}/letter`: the letter as the customer will read it, and its body to
/// edit, save and queue for the print run.
pub async fn letter_page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Params(q): Params<LetterQuery>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    let notice = match q.done.as_deref() {
        Some("saved") => Some(text(session.language, "letters-saved")),
        Some("queued") => Some(text(session.language, "letters-queued")),
        _ => None,
    };
    show_letter(&state, &session, id, None, notice, None, StatusCode::OK).await
}

async fn show_letter(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    draft: Option<String>,
    notice: Option<String>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let CaseLetter { mut letter, pending, customer_id, composed } = letter_for(state, id).await?;
    let body =
        draft.clone().or_else(|| pending.as_ref().and_then(|p| p.body.clone())).unwrap_or_else(|| composed.clone());
    if let Some(draft) = &draft {
        letter.paragraphs = paragraphs(draft);
    }
    let settings = &state.settings.letters;
    let unprintable = amends_letters::render_letter(&settings.head, &letter, settings.page_size).err();
    let address_problem = unprintable.as_ref().is_some_and(address_problem);
    let problem = problem.or_else(|| unprintable.map(|e| unprintable_reason(&e, session.language)));
    let missing: String = amends_letters::characters_without_glyph(&settings.head, &letter).into_iter().collect();
    let ctx = minijinja::context! {
        layout => session.layout(),
        case_id => id,
        customer_id,
        letter => minijinja::context! {
            recipient_name => letter.recipient_name,
            recipient_address => letter.recipient_address,
            date => letter.date,
            reference => letter.reference,
            salutation => letter.salutation,
            paragraphs => letter.paragraphs,
            offer => letter.offer,
            closing => letter.closing,
            signature_name => letter.signature_name,
            signature_title => letter.signature_title,
        },
        head => minijinja::context! {
            business_name => settings.head.business_name,
            address_lines => settings.head.address_lines,
        },
        body,
        edited => pending.as_ref().is_some_and(|p| p.body.is_some()),
        pending,
        notice,
        problem,
        address_problem,
        missing,
    };
    Ok((status, render("letter.html", ctx)?).into_response())
}

#[derive(Deserialize)]
pub struct LetterForm {
    body: String,
    /// `queue` to save and queue for the print run; anything else saves.
    action: Option<String>,
}

/// `POST /cases/{id}/letter`: saves the edited body, and queues the letter for the
/// print run when asked. Every outcome is this page, in words, with the text kept.
pub async fn save_letter(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Posted<LetterForm>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    let Posted { session, form, .. } = form;
    let queue = form.action.as_deref() == Some("queue");
    let body = form.body.replace("\r\n", "\n");
    let draft = Some(body.clone());
    let lang = session.language;
    if paragraphs(&body).is_empty() {
        let problem = Some(text(lang, "letters-error-empty"));
        return show_letter(&state, &session, id, draft, None, problem, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if body.chars().count() > MAX_BODY_CHARS {
        let problem = Some(text_with(lang, "letters-error-too-long", &[("max", (MAX_BODY_CHARS as i64).into())]));
        return show_letter(&state, &session, id, draft, None, problem, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if state.store.pending_letter(id).await?.is_none() {
        let problem = Some(text(lang, "letters-error-none-waiting"));
        return show_letter(&state, &session, id, draft, None, problem, StatusCode::CONFLICT).await;
    }
    if queue {
        // Queued means printable: a letter that cannot be set is kept, not queued.
        let CaseLetter { mut letter, .. } = letter_for(&state, id).await?;
        letter.paragraphs = paragraphs(&body);
        let settings = &state.settings.letters;
        if let Err(e) = amends_letters::render_letter(&settings.head, &letter, settings.page_size) {
            let problem =
                Some(text_with(lang, "letters-error-not-queued", &[("why", unprintable_reason(&e, lang).into())]));
            return show_letter(&state, &session, id, draft, None, problem, StatusCode::CONFLICT).await;
        }
    }
    match state.store.save_letter(id, &body, queue, session.user.id).await? {
        Some(_) => {
            let done = if queue { "queued" } else { "saved" };
            Ok(Redirect::to(&format!("/cases/{id}/letter?done={done}")).into_response())
        }
        None => {
            let problem = Some(text(lang, "letters-error-meanwhile"));
            show_letter(&state, &session, id, draft, None, problem, StatusCode::CONFLICT).await
        }
    }
}

/// The longest body a letter takes (a few pages).
const MAX_BODY_CHARS: usize = 10_000;

/// `GET /letters`: the print run.
pub async fn print_run(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    let due = state.store.letters_due(state.store.now()).await?;
    let notices = state.store.disclosure_letters_due(NOTICES_PER_RUN).await?;
    let (queued, waiting): (Vec<_>, Vec<_>) = due.into_iter().partition(|d| d.queued);
    let count = queued.len() + notices.len();
    Ok(render(
        "letters.html",
        minijinja::context! { layout => session.layout(), due => queued, waiting, notices, count },
    )?
    .into_response())
}

/// `GET /letters/batch.pdf`: every letter queued and due, and every notice due, one PDF.
pub async fn batch(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    let lang = session.language;
    let due: Vec<_> = state.store.letters_due(state.store.now()).await?.into_iter().filter(|d| d.queued).collect();
    let notices = state.store.disclosure_letters_due(NOTICES_PER_RUN).await?;
    if due.is_empty() && notices.is_empty() {
        return Err(PageError::Refused(text(lang, "letters-error-none-queued")));
    }
    let mut letters = Vec::with_capacity(due.len() + notices.len());
    for d in &due {
        letters.push(letter_for(&state, d.case_id).await?.letter);
    }
    let zone = state.store.business().await?.zone;
    let business_language = state.store.business().await?.language;
    let ids: Vec<i64> = notices.iter().map(|n| n.customer_id).collect();
    let languages = state.store.customer_languages(&ids).await?;
    letters.extend(notices.iter().map(|n| {
        let language = languages.get(&n.customer_id).copied().unwrap_or(business_language);
        disclosure_letter(&state.settings.letters, n, language, state.store.now(), &zone)
    }));
    let bytes = amends_letters::render_batch(&state.settings.letters.head, &letters, state.settings.letters.page_size)
        .map_err(|e| {
            let which = match &e {
                amends_letters::LetterError::MissingRecipientAddress { reference }
                | amends_letters::LetterError::MissingRecipientName { reference }
                | amends_letters::LetterError::AddressTooLong { reference, .. }
                | amends_letters::LetterError::AddressLineTooWide { reference, .. } => {
                    format!(
                        "{} ",
                        text_with(lang, "letters-error-which-letter", &[("reference", reference.as_str().into())])
                    )
                }
                _ => String::new(),
            };
            let why = unprintable_reason(&e, lang);
            PageError::Refused(format!(
                "{which}{}",
                text_with(lang, "letters-error-nothing-printed", &[("why", why.into())])
            ))
        })?;
    Ok(pdf(bytes, "print-run.pdf"))
}

#[derive(Deserialize)]
pub struct PostedForm {
    /// Comma-separated follow-up event ids: the letters that were printed.
    letters: Option<String>,
    /// Comma-separated disclosure recipient ids: the notices that were printed.
    notices: Option<String>,
}

fn ids(list: &str, lang: Language) -> Result<Vec<i64>, PageError> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>().map_err(|_| PageError::BadForm(text(lang, "letters-error-list"))))
        .collect()
}

/// `POST /letters/posted`: the printed letters went in the post.
pub async fn mark_posted(State(state): State<AppState>, form: Posted<PostedForm>) -> Result<Response, PageError> {
    if form.form.letters.is_none() && form.form.notices.is_none() {
        return Err(PageError::BadForm(text(form.session.language, "letters-error-which-posted")));
    }
    let letters = ids(form.form.letters.as_deref().unwrap_or_default(), form.session.language)?;
    let notices = ids(form.form.notices.as_deref().unwrap_or_default(), form.session.language)?;
    if !letters.is_empty() {
        state.store.mark_letters_posted(&letters, form.session.user.id).await?;
    }
    if !notices.is_empty() {
        state.store.mark_disclosure_letters_posted(&notices, form.session.user.id).await?;
    }
    Ok(Redirect::to("/letters").into_response())
}
