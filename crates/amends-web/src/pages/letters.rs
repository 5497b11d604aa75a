//! Printed letters: one case's personal letter as a PDF, and the print run of every
//! follow-up letter that is due and every disclosure notice chosen to go by post, as
//! one PDF, then marked printed and posted.

use amends_domain::playbook::EventKind;
use amends_letters::{Letter, Letterhead, PageSize};
use amends_store::{CaseRecord, CustomerRecord, DisclosureLetterDue, EventRecord, Store};
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::{PageError, Posted, StaffSession, render};
use crate::AppState;
use crate::api::id_from;

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

fn long_date(t: OffsetDateTime) -> String {
    format!("{} {} {}", t.day(), t.month(), t.year())
}

/// The postal address as lines: one per line of the stored address, or, for an
/// address kept on one line, one per comma-separated part.
fn address_lines(address: &str) -> Vec<String> {
    let lines: Vec<String> = address.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if lines.len() == 1 {
        return lines[0].split(',').map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    }
    lines
}

/// The letter told by the case's timeline: the apology, what was done (the fix), what
/// changed (the linked problem), and the offer for next time (the gesture).
async fn compose(
    store: &Store,
    settings: &LetterSettings,
    case: &CaseRecord,
    customer: &CustomerRecord,
    events: &[EventRecord],
) -> Result<Letter, PageError> {
    let last = |pick: &dyn Fn(&EventKind) -> Option<String>| events.iter().rev().find_map(|e| pick(&e.event.kind));
    let apology = last(&|k| match k {
        EventKind::Apologised { text } => Some(text.clone()),
        _ => None,
    })
    .unwrap_or_else(|| "I am sorry for what happened. I accept all responsibility for it.".to_owned());
    let done = last(&|k| match k {
        EventKind::FixDone { note } => Some(note.clone()),
        _ => None,
    });
    let promised = last(&|k| match k {
        EventKind::FixPromised { what, .. } => Some(what.clone()),
        _ => None,
    });
    let offer = last(&|k| match k {
        EventKind::GestureRecorded { description, .. } => Some(description.clone()),
        _ => None,
    });
    let mut paragraphs = vec![apology];
    match (promised, done) {
        (Some(what), Some(note)) => paragraphs.push(format!("What we did: {what}. {note}")),
        (None, Some(note)) => paragraphs.push(format!("What we did: {note}")),
        (Some(what), None) => paragraphs.push(format!("What we are doing: {what}.")),
        (None, None) => {}
    }
    // "Changed" only for a problem marked fixed or verified; before, "changing". And
    // only once something is written about what changes.
    if let Some(problem_id) = case.problem_id {
        let problem = store.linked_problem(problem_id).await?;
        if let Some(action) = problem.action() {
            let heading = if problem.is_changed() { "What changed" } else { "What we are changing" };
            paragraphs.push(format!(
                "{heading}: we found the cause (\"{}\") and {} because of it: {}.",
                problem.title,
                problem.how_we_work(),
                action.trim_end_matches('.')
            ));
        }
    }
    paragraphs
        .push("Thank you for telling us. We would love the chance to show you how it should have gone.".to_owned());
    let recipient_address = customer.postal_address.as_deref().map(address_lines).unwrap_or_default();
    Ok(Letter {
        recipient_name: customer.name.clone(),
        recipient_address,
        date: long_date(store.now()),
        reference: case.reference.clone(),
        salutation: format!("Dear {},", customer.name),
        paragraphs,
        offer,
        closing: "With my apologies, and my thanks,".to_owned(),
        signature_name: settings.signature_name.clone(),
        signature_title: settings.signature_title.clone(),
    })
}

/// A disclosure's notice on paper: its text was written (with the customer's personal
/// link) when the send queued it.
fn disclosure_letter(settings: &LetterSettings, due: &DisclosureLetterDue, today: OffsetDateTime) -> Letter {
    Letter {
        recipient_name: due.customer_name.clone(),
        recipient_address: address_lines(&due.postal_address),
        date: long_date(today),
        reference: format!("Notice D-{}-{}", due.disclosure_id, due.recipient_id),
        salutation: format!("Dear {},", due.customer_name),
        paragraphs: due.letter_text.split("\n\n").map(str::to_owned).collect(),
        offer: None,
        closing: "With my apologies, and my thanks,".to_owned(),
        signature_name: settings.signature_name.clone(),
        signature_title: settings.signature_title.clone(),
    }
}

/// Disclosure notices in one print run, at most.
const NOTICES_PER_RUN: i64 = 500;

async fn letter_for(state: &AppState, case_id: i64) -> Result<Letter, PageError> {
    let (case, events) = state.store.case_with_timeline(case_id).await?;
    let customer = state.store.customer(case.customer_id).await?;
    compose(&state.store, &state.settings.letters, &case, &customer, &events).await
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

fn unprintable(e: amends_letters::LetterError) -> PageError {
    PageError::BadForm(format!("The letter cannot be printed: {e}. Correct the customer's postal address first."))
}

/// `GET /cases/{id}/letter.pdf`
pub async fn case_letter(
    State(state): State<AppState>,
    _: StaffSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = id_from(&id, "case").map_err(|_| PageError::NotFound("case"))?;
    let letter = letter_for(&state, id).await?;
    let bytes = amends_letters::render_letter(&state.settings.letters.head, &letter, state.settings.letters.page_size)
        .map_err(unprintable)?;
    Ok(pdf(bytes, &format!("{}.pdf", letter.reference)))
}

/// `GET /letters`: the print run.
pub async fn print_run(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    let due = state.store.letters_due(state.store.now()).await?;
    let notices = state.store.disclosure_letters_due(NOTICES_PER_RUN).await?;
    let count = due.len() + notices.len();
    Ok(render("letters.html", minijinja::context! { layout => session.layout(), due, notices, count })?.into_response())
}

/// `GET /letters/batch.pdf`: every letter due, one PDF.
pub async fn batch(State(state): State<AppState>, _: StaffSession) -> Result<Response, PageError> {
    let due = state.store.letters_due(state.store.now()).await?;
    let notices = state.store.disclosure_letters_due(NOTICES_PER_RUN).await?;
    if due.is_empty() && notices.is_empty() {
        return Err(PageError::BadForm("No letter is due for printing.".into()));
    }
    let mut letters = Vec::with_capacity(due.len() + notices.len());
    for d in &due {
        letters.push(letter_for(&state, d.case_id).await?);
    }
    letters.extend(notices.iter().map(|n| disclosure_letter(&state.settings.letters, n, state.store.now())));
    let bytes = amends_letters::render_batch(&state.settings.letters.head, &letters, state.settings.letters.page_size)
        .map_err(unprintable)?;
    Ok(pdf(bytes, "print-run.pdf"))
}

#[derive(Deserialize)]
pub struct PostedForm {
    /// Comma-separated follow-up event ids: the letters that were printed.
    letters: Option<String>,
    /// Comma-separated disclosure recipient ids: the notices that were printed.
    notices: Option<String>,
}

fn ids(list: &str) -> Result<Vec<i64>, PageError> {
    list.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| s.trim().parse::<i64>().map_err(|_| PageError::BadForm("The list of letters is not valid.".into())))
        .collect()
}

/// `POST /letters/posted`: the printed letters went in the post.
pub async fn mark_posted(State(state): State<AppState>, form: Posted<PostedForm>) -> Result<Response, PageError> {
    if form.form.letters.is_none() && form.form.notices.is_none() {
        return Err(PageError::BadForm("The form does not say which letters were posted.".into()));
    }
    let letters = ids(form.form.letters.as_deref().unwrap_or_default())?;
    let notices = ids(form.form.notices.as_deref().unwrap_or_default())?;
    if !letters.is_empty() {
        state.store.mark_letters_posted(&letters, form.session.user.id).await?;
    }
    if !notices.is_empty() {
        state.store.mark_disclosure_letters_posted(&notices, form.session.user.id).await?;
    }
    Ok(Redirect::to("/letters").into_response())
}
