//! The source offer of AGPL §13: every page's footer links to `/source`, which names the
//! licence and where the source of the version running here is published (the
//! installation's `source_url`), and `/source/license` serves the licence's text.

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::pages::{browser_language, render};

/// The workspace's `LICENSE`: the GNU AGPL, version 3, as the FSF publishes it.
const LICENSE: &str = include_str!("../../../LICENSE");

pub fn router() -> Router<AppState> {
    Router::new().route("/source", get(page)).route("/source/license", get(license))
}

async fn page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let ctx = minijinja::context! {
        lang => browser_language(&headers).tag(),
        version => env!("CARGO_PKG_VERSION"),
        source_url => state.settings.source_url,
    };
    match render("source.html", ctx) {
        Ok(page) => page.into_response(),
        Err(e) => e.into_response(),
    }
}

async fn license() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], LICENSE).into_response()
}
