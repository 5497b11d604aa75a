//! The customer's side: the public complaint form and the pages behind personal links.
//! Customers have no account; a link is their key, for one case and one purpose.
//!
//! Mail scanners open every link in a message, so a GET never changes anything: it
//! shows the question, and only a POST answers it.

pub(crate) mod complaint;
mod link;

pub use complaint::{SentForm, Unreadable, read_form as read_complaint_form};

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use amends_store::Business;

use crate::AppState;
use crate::pages::render;

/// The complaint form with its largest attachments, and room for the words.
pub const MAX_FORM_BYTES: usize = complaint::MAX_TOTAL_BYTES + 2 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/complain", get(complaint::form).post(complaint::submit))
        .route("/c", get(link::code_form))
        .route("/c/{token}", get(link::page).post(link::answer))
}

/// The business a customer's page is from: its name and contact head and foot every
/// public page, its zone dates what they read. The configured one when the database
/// cannot be read, so even an error page says whose it is.
pub(crate) async fn business(state: &AppState) -> Business {
    match state.store.business().await {
        Ok(business) => business,
        Err(_) => state.store.business_configured(),
    }
}

/// A page for a customer with a status, in the public layout (`public.html`, which
/// names the business and how to reach it).
pub(crate) fn public_page(business: &Business, status: StatusCode, template: &str, ctx: minijinja::Value) -> Response {
    match render(template, minijinja::context! { business, ..ctx }) {
        Ok(page) => (status, page).into_response(),
        Err(e) => e.into_response(),
    }
}

/// A message for a customer: a title and a sentence, in the public layout.
pub(crate) fn public_message(business: &Business, status: StatusCode, title: &str, message: &str) -> Response {
    public_page(business, status, "public_message.html", minijinja::context! { title, message })
}

/// A page error as a customer reads it: the same words, in the public layout.
pub(crate) fn public_error(business: &Business, e: crate::pages::PageError) -> Response {
    let (status, title, message) = e.words();
    public_message(business, status, &title, &message)
}

pub(crate) fn too_many(business: &Business, wait_seconds: u64) -> Response {
    let mut response = public_page(
        business,
        StatusCode::TOO_MANY_REQUESTS,
        "public_message.html",
        minijinja::context! { title => "Please wait a moment", message => format!("Too many requests from here. Try again in {wait_seconds} seconds; nothing you typed is lost if you go back.") },
    );
    if let Ok(v) = HeaderValue::from_str(&wait_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}
