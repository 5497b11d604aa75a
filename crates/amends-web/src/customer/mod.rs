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

/// A page for a customer with a status, in the public layout.
pub(crate) fn public_page(status: StatusCode, template: &str, ctx: minijinja::Value) -> Response {
    match render(template, ctx) {
        Ok(page) => (status, page).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) fn too_many(wait_seconds: u64) -> Response {
    let mut response = public_page(
        StatusCode::TOO_MANY_REQUESTS,
        "public_message.html",
        minijinja::context! { title => "Please wait a moment", message => format!("Too many requests from here. Try again in {wait_seconds} seconds; nothing you typed is lost if you go back.") },
    );
    if let Ok(v) = HeaderValue::from_str(&wait_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}
