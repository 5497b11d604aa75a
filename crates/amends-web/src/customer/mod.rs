//! The customer's side: the public complaint form and the pages behind personal links.
//! Customers have no account; a link is their key, for one case and one purpose.
//!
//! Mail scanners open every link in a message, so a GET never changes anything: it
//! shows the question, and only a POST answers it.

pub(crate) mod complaint;
mod link;

pub use complaint::{SentForm, Unreadable, read_form as read_complaint_form};

use amends_domain::Language;
use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use amends_store::Business;

use crate::AppState;
use crate::pages::{PageError, render};

/// The complaint form with its largest attachments, and room for the words.
pub const MAX_FORM_BYTES: usize = complaint::MAX_TOTAL_BYTES + 2 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/complain", get(complaint::form).post(complaint::submit))
        .route("/c", get(link::code_form))
        .route("/c/{token}", get(link::page).post(link::answer))
}

/// Who a customer's page is from and which language it speaks: the business's name and
/// contact head and foot every public page, its zone dates what they read, and every
/// sentence is in `language` (the customer's own, else their browser's, else the
/// business's).
#[derive(Debug, Clone)]
pub(crate) struct Public {
    pub business: Business,
    pub language: Language,
}

impl Public {
    /// The message `id` in the page's language.
    pub fn text(&self, id: &str) -> String {
        amends_i18n::text(self.language, id)
    }

    /// The message `id` with its arguments, in the page's language.
    pub fn text_with(&self, id: &str, args: &[(&str, amends_i18n::Arg<'_>)]) -> String {
        amends_i18n::text_with(self.language, id, args)
    }

    /// The same page in the customer's own language, when one is stored for them.
    pub fn for_customer(self, language: Option<Language>) -> Public {
        Public { language: language.unwrap_or(self.language), ..self }
    }
}

/// The business a customer's page is from, speaking the browser's language (else the
/// business's own). The configured business when the database cannot be read, so even
/// an error page says whose it is.
pub(crate) async fn public(state: &AppState, headers: &HeaderMap) -> Public {
    let business = match state.store.business().await {
        Ok(business) => business,
        Err(_) => state.store.business_configured(),
    };
    let language = asked_language(headers).unwrap_or(business.language);
    Public { business, language }
}

/// The language a browser asks for (`Accept-Language`), when it names one of ours.
pub(crate) fn asked_language(headers: &HeaderMap) -> Option<Language> {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).and_then(Language::from_accept_language)
}

/// A page for a customer with a status, in the public layout (`public.html`, which
/// names the business and how to reach it) and the page's language.
pub(crate) fn public_page(public: &Public, status: StatusCode, template: &str, ctx: minijinja::Value) -> Response {
    let business = &public.business;
    let lang = public.language.tag();
    match render(template, minijinja::context! { business, lang, ..ctx }) {
        Ok(page) => (status, page).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A message for a customer: a title and a sentence, in the public layout.
pub(crate) fn public_message(public: &Public, status: StatusCode, title: &str, message: &str) -> Response {
    public_page(public, status, "public_message.html", minijinja::context! { title, message })
}

/// A message for a customer by its message ids: a title and a sentence.
pub(crate) fn said(public: &Public, status: StatusCode, title: &str, message: &str) -> Response {
    public_message(public, status, &public.text(title), &public.text(message))
}

/// A page error as a customer reads it, in their language and the public layout. A
/// refusal's own words are the domain's (English); a customer is told it was not done.
pub(crate) fn public_error(public: &Public, e: PageError) -> Response {
    let (status, title, message) = match e {
        PageError::NotFound(_) => (StatusCode::NOT_FOUND, "public-error-not-found-title", "public-error-not-found"),
        PageError::Forbidden(_) => (StatusCode::FORBIDDEN, "public-error-refused-title", "link-refused"),
        PageError::BadForm(_) => (StatusCode::BAD_REQUEST, "public-error-form-title", "link-refused"),
        PageError::Refused(_) => (StatusCode::CONFLICT, "public-error-refused-title", "link-refused"),
        PageError::Unavailable => {
            (StatusCode::SERVICE_UNAVAILABLE, "public-error-unavailable-title", "public-error-unavailable")
        }
        // A customer's page never asks anyone to sign in; should one, it is our fault.
        PageError::SignIn { .. } | PageError::Internal => {
            (StatusCode::INTERNAL_SERVER_ERROR, "public-error-internal-title", "public-error-internal")
        }
    };
    said(public, status, title, message)
}

pub(crate) fn too_many(public: &Public, wait_seconds: u64) -> Response {
    let message = public.text_with("public-wait", &[("seconds", wait_seconds.into())]);
    let mut response =
        public_message(public, StatusCode::TOO_MANY_REQUESTS, &public.text("public-wait-title"), &message);
    if let Ok(v) = HeaderValue::from_str(&wait_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}
