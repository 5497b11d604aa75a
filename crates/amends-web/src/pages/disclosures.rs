//! Disclosures (managers): the list; a new one, where the audience is counted and
//! sampled before anything is written; and one disclosure's page, with the notice as a
//! customer will read it, the button that sends it, and the send's progress per status
//! with every recipient, a page at a time.

use std::collections::HashMap;

use amends_coach::Purpose;
use amends_domain::Language;
use amends_domain::Role;
use amends_domain::disclosure::{Audience, Channels, DisclosureStatus};
use amends_i18n::{text, text_with};
use amends_store::AudiencePreview;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use time::{Date, Duration, OffsetDateTime, Time};

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;

/// Customers shown as a sample before sending.
const SAMPLE: i64 = 20;
/// Recipients per page on a disclosure's page.
const RECIPIENTS_PER_PAGE: i64 = 50;

pub async fn list(State(state): State<AppState>, session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let disclosures = state.store.list_disclosures(200).await?;
    Ok(render("disclosures.html", minijinja::context! { layout => session.layout(), disclosures })?.into_response())
}

#[derive(Deserialize)]
pub struct NewQuery {
    problem: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    session: StaffSession,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let mut draft = HashMap::new();
    if let Some(p) = q.problem {
        draft.insert("problem_id".to_owned(), p);
    }
    draft.insert("channel_email".to_owned(), "on".to_owned());
    form_page(&state, &session, draft, None, None, None, StatusCode::OK).await
}

/// The form again, with what was typed, and the count and sample or the reason it was refused.
async fn form_page(
    state: &AppState,
    session: &StaffSession,
    draft: HashMap<String, String>,
    preview: Option<AudiencePreview>,
    error: Option<String>,
    findings: Option<Vec<amends_coach::Finding>>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let problems = state.store.list_problems(500).await?;
    let page = render(
        "disclosure_new.html",
        minijinja::context! { layout => session.layout(), problems, draft, preview, error, findings },
    )?;
    Ok((status, page).into_response())
}

/// A date typed as `YYYY-MM-DD`, at midnight UTC.
fn day(
    fields: &HashMap<String, String>,
    name: &str,
    label: &str,
    lang: Language,
) -> Result<Option<OffsetDateTime>, String> {
    let Some(text) = field(fields, name) else { return Ok(None) };
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(&text, &format)
        .map(|d| Some(d.with_time(Time::MIDNIGHT).assume_utc()))
        .map_err(|_| text_with(lang, "disclosure-error-date", &[("label", label.into())]))
}

/// An amount typed in major units ("12", "12.5", "12.50") as minor units.
fn amount(fields: &HashMap<String, String>, name: &str, label: &str, lang: Language) -> Result<Option<i64>, String> {
    let Some(text) = field(fields, name) else { return Ok(None) };
    let bad = || text_with(lang, "disclosure-error-amount", &[("label", label.into())]);
    let (whole, cents) = text.split_once('.').unwrap_or((&text, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || cents.len() > 2 {
        return Err(bad());
    }
    if !cents.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let cents: i64 = format!("{cents:0<2}").parse().map_err(|_| bad())?;
    whole.checked_mul(100).and_then(|w| w.checked_add(cents)).map(Some).ok_or_else(bad)
}

/// Values typed one per line or separated by commas.
fn list_of(fields: &HashMap<String, String>, name: &str) -> Vec<String> {
    fields
        .get(name)
        .map(|v| v.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn audience_of(fields: &HashMap<String, String>, lang: Language) -> Result<Audience, String> {
    let audience = Audience {
        skus: list_of(fields, "skus"),
        locations: list_of(fields, "locations"),
        from: day(fields, "from", &text(lang, "disclosure-field-from"), lang)?,
        // The last day typed is included: the audience's `to` is exclusive.
        to: day(fields, "to", &text(lang, "disclosure-field-to"), lang)?.map(|d| d + Duration::days(1)),
        min_amount_minor: amount(fields, "min_amount", &text(lang, "disclosure-field-min"), lang)?,
        max_amount_minor: amount(fields, "max_amount", &text(lang, "disclosure-field-max"), lang)?,
    };
    audience.check().map_err(|e| match e.field {
        "audience" => text(lang, "disclosure-error-audience"),
        "to" => text(lang, "disclosure-error-to"),
        "max_amount_minor" => text(lang, "disclosure-error-max"),
        _ => format!("{}.", super::login::capitalise(e.message)),
    })?;
    Ok(audience)
}

/// `POST /disclosures`: with `action=preview`, counts and samples the audience and
/// writes nothing; otherwise stores the disclosure as a draft, after the coach.
pub async fn create(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let refuse = |draft: HashMap<String, String>, why: String| {
        let state = state.clone();
        let session = session.clone();
        async move { form_page(&state, &session, draft, None, Some(why), None, StatusCode::UNPROCESSABLE_ENTITY).await }
    };
    let lang = session.language;
    let audience = match audience_of(&fields, lang) {
        Ok(a) => a,
        Err(why) => return refuse(fields, why).await,
    };
    let preview = state.store.audience_preview(&audience, SAMPLE).await?;
    if field(&fields, "action").as_deref() == Some("preview") {
        return form_page(&state, &session, fields, Some(preview), None, None, StatusCode::OK).await;
    }
    let Some(problem_id) = field(&fields, "problem_id").and_then(|p| p.parse::<i64>().ok()) else {
        return refuse(fields, text(lang, "disclosure-error-problem")).await;
    };
    let title = field(&fields, "title").filter(|t| t.chars().count() <= 200);
    let explanation = field(&fields, "explanation").filter(|t| t.chars().count() <= 20_000);
    let solution = field(&fields, "solution").filter(|t| t.chars().count() <= 20_000);
    let (Some(title), Some(explanation), Some(solution)) = (title, explanation, solution) else {
        return refuse(fields, text(lang, "disclosure-error-words")).await;
    };
    let channels =
        Channels { email: fields.contains_key("channel_email"), letter: fields.contains_key("channel_letter") };
    if !channels.email && !channels.letter {
        return refuse(fields, text(lang, "disclosure-error-channels")).await;
    }
    let review = state.coach.review(&format!("{explanation}\n{solution}"), Purpose::Disclosure);
    let held = !crate::coaching::reading_of(&review).holding_kinds().is_empty();
    if held && field(&fields, "coach_override").is_none() {
        let why = text(lang, "disclosure-error-coach");
        return form_page(
            &state,
            &session,
            fields,
            Some(preview),
            Some(why),
            Some(review.findings),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let d = state
        .store
        .create_disclosure(
            &amends_store::NewDisclosure { problem_id, title, explanation, solution, audience, channels },
            session.user.id,
        )
        .await
        .map_err(|e| match e {
            amends_store::StoreError::NotFound(_) => PageError::BadForm(text(lang, "disclosure-error-no-problem")),
            other => other.into(),
        })?;
    Ok(Redirect::to(&format!("/disclosures/{}", d.id)).into_response())
}

#[derive(Deserialize)]
pub struct PageQuery {
    after: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    let id = id_from(&id, "disclosure").map_err(|_| PageError::NotFound("disclosure"))?;
    let disclosure = state.store.disclosure(id).await?;
    let problem = state.store.problem(disclosure.problem_id).await?;
    let after = match q.after.as_deref() {
        None | Some("") => 0,
        Some(a) => {
            a.parse::<i64>().map_err(|_| PageError::BadForm(text(session.language, "disclosure-error-page-link")))?
        }
    };
    let recipients = state.store.disclosure_recipients(id, after, RECIPIENTS_PER_PAGE).await?;
    let next = (recipients.len() as i64 == RECIPIENTS_PER_PAGE).then(|| recipients.last().map(|r| r.id)).flatten();
    // Before sending, who would be told; after, the recipients are fixed and listed.
    let preview = if disclosure.status == DisclosureStatus::Draft {
        Some(state.store.audience_preview(&disclosure.audience, SAMPLE).await?)
    } else {
        None
    };
    let name = match &preview {
        Some(p) => p.sample.first().map(|m| m.name.clone()),
        None => recipients.first().map(|r| r.customer_name.clone()),
    };
    let who = describe(&disclosure.audience, &session.business, session.language);
    let (subject, body) = notice_preview(&state, &disclosure, name.as_deref().unwrap_or("Anna Müller")).await?;
    let page = render(
        "disclosure.html",
        minijinja::context! {
            layout => session.layout(), disclosure, problem, preview, recipients, next, after, who,
            subject, body, sending => disclosure.status == DisclosureStatus::Sending,
        },
    )?;
    Ok(page.into_response())
}

/// The audience in words: "Customers with a transaction of CAKE-7, from 1 October 2026".
fn describe(a: &Audience, business: &amends_store::Business, lang: Language) -> String {
    let part = |id: &str, name: &str, value: String| text_with(lang, id, &[(name, value.into())]);
    let day = |t: OffsetDateTime| format!("{} {} {}", t.day(), t.month(), t.year());
    let money = |m: i64| amends_domain::format_money(m, business.currency.as_deref().unwrap_or_default());
    let mut parts = Vec::new();
    if !a.skus.is_empty() {
        parts.push(part("disclosure-audience-skus", "skus", a.skus.join(", ")));
    }
    if !a.locations.is_empty() {
        parts.push(part("disclosure-audience-locations", "locations", a.locations.join(", ")));
    }
    if let Some(from) = a.from {
        parts.push(part("disclosure-audience-from", "day", day(from)));
    }
    if let Some(to) = a.to {
        parts.push(part("disclosure-audience-until", "day", day(to - Duration::days(1))));
    }
    if let Some(min) = a.min_amount_minor {
        parts.push(part("disclosure-audience-min", "amount", money(min)));
    }
    if let Some(max) = a.max_amount_minor {
        parts.push(part("disclosure-audience-max", "amount", money(max)));
    }
    part("disclosure-audience", "parts", parts.join(", "))
}

/// The email as its first recipient will read it (the link is theirs alone, so it is
/// shown as a placeholder).
async fn notice_preview(
    state: &AppState,
    d: &amends_store::DisclosureRecord,
    name: &str,
) -> Result<(String, String), PageError> {
    // As an English-speaking recipient reads it; each customer gets it in their language.
    let source = match state.store.template_override("disclosure", "en").await? {
        Some(custom) => custom,
        None => amends_jobs::messages::template("disclosure").map(|t| t.source.to_owned()).unwrap_or_default(),
    };
    let words = amends_domain::disclosure::NoticeWords::new(None);
    let ctx = minijinja::context! {
        name, title => d.title, explanation => d.explanation, solution => d.solution,
        opening => words.opening, invitation => words.invitation,
        link => "https://…/c/… (a personal link for each customer)", signature => state.settings.letters.signature_name,
    };
    Ok(amends_jobs::messages::render(&source, ctx).unwrap_or_else(|e| (String::new(), e)))
}

/// `POST /disclosures/{id}/send`: first a page asking "Send to 37 customers?"; its
/// confirmation (with the count it showed) fixes the audience and starts the background
/// send. A count that changed meanwhile asks again; a disclosure already sent (a second
/// click, a resubmitted form, another manager) is only shown: nobody is told twice.
pub async fn send(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let id = id_from(&id, "disclosure").map_err(|_| PageError::NotFound("disclosure"))?;
    let disclosure = state.store.disclosure(id).await?;
    if disclosure.status != DisclosureStatus::Draft {
        return Ok(Redirect::to(&format!("/disclosures/{id}")).into_response());
    }
    let count = state.store.audience_preview(&disclosure.audience, 0).await?.count;
    let confirmed = field(&fields, "confirm").as_deref() == Some("yes");
    let seen = field(&fields, "count").and_then(|c| c.parse::<i64>().ok());
    if !confirmed || seen != Some(count) {
        let changed = if confirmed { seen } else { None };
        let page = render(
            "disclosure_send.html",
            minijinja::context! { layout => session.layout(), disclosure, count, changed },
        )?;
        return Ok(page.into_response());
    }
    match state.store.start_disclosure(id).await {
        Ok(_) => {}
        // Sent meanwhile by another manager: the page shows how it goes.
        Err(amends_store::StoreError::Conflict { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!("/disclosures/{id}")).into_response())
}
