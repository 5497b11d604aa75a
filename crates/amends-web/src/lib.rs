//! The HTTP adapter: the JSON API under `/api/v1`, the staff pages and the customers'
//! pages (the public form and the personal links). A handler reads like the step it
//! serves: parse the request into domain types, call the store, answer.

pub mod api;
pub mod auth;
mod bulk;
pub mod coaching;
mod customer;
pub mod error;
mod idempotency;
mod invitations;
mod json;
pub mod limits;
mod memory;
pub mod metrics;
mod origin;
mod pages;
pub mod password;
mod replies;
mod source;
pub mod views;

pub use pages::letters::LetterSettings;

/// The decoders of untrusted input, reachable without a server or a database: the fuzz
/// targets (fuzz/) call them directly.
pub mod decode {
    pub use crate::api::bodies::{BODIES, body_names, decode_body};
    pub use crate::coaching::Coaches;
    pub use crate::customer::{SentForm, Unreadable, read_complaint_form};
    pub use crate::json::decode as json;
}

use std::future::Future;
use std::time::Duration;

use amends_store::Store;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;

/// How the web layer is set up.
#[derive(Debug, Clone)]
pub struct WebSettings {
    /// Mark cookies `Secure`: on whenever the app is served over HTTPS.
    pub secure_cookies: bool,
    pub session_ttl: Duration,
    pub limits: limits::Limits,
    /// The sender of printed letters.
    pub letters: pages::letters::LetterSettings,
    /// When set, `/metrics` answers only `Authorization: Bearer <token>`.
    pub metrics_token: Option<String>,
    /// Where customers and staff reach the desk; a browser's `Origin` naming it is
    /// this site (besides the request's own `Host`).
    pub public_url: Option<String>,
    /// Where the source code of the version running here is published (AGPL §13);
    /// `/source` names it.
    pub source_url: Option<String>,
    /// The closing words of customers' mails (`JobSettings::signature`): the case page
    /// previews a step's mail signed as it will leave (`amends_jobs::sign_off`).
    pub mail_signature: String,
}

impl Default for WebSettings {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 3600),
            limits: limits::Limits::default(),
            letters: Default::default(),
            metrics_token: None,
            public_url: None,
            source_url: None,
            mail_signature: amends_jobs::JobSettings::default().signature,
        }
    }
}

/// What the handlers share. It is cloned for every extractor and layer of every request,
/// so it is one `Arc`: one count to change instead of one per part.
#[derive(Clone)]
pub struct AppState(std::sync::Arc<SharedState>);

impl std::ops::Deref for AppState {
    type Target = SharedState;
    fn deref(&self) -> &SharedState {
        &self.0
    }
}

#[derive(Clone)]
pub struct SharedState {
    pub store: Store,
    pub settings: std::sync::Arc<WebSettings>,
    pub limiter: std::sync::Arc<limits::RateLimiter>,
    pub coach: std::sync::Arc<coaching::Coaches>,
    pub metrics: std::sync::Arc<metrics::Metrics>,
    pub spam: std::sync::Arc<amends_spam::SpamFilter>,
    /// The job runner of this process, when it has one (`amends serve` does).
    pub runner: Option<std::sync::Arc<amends_jobs::RunnerStatus>>,
}

impl AppState {
    /// `coach` is the installation's own English rules, if it has them.
    pub fn new(store: Store, settings: WebSettings, coach: Option<amends_coach::Coach>) -> Self {
        Self(std::sync::Arc::new(SharedState {
            limiter: std::sync::Arc::new(limits::RateLimiter::new(store.settings().clock.clone())),
            store,
            settings: std::sync::Arc::new(settings),
            coach: std::sync::Arc::new(coaching::Coaches::new(coach)),
            metrics: std::sync::Arc::default(),
            spam: std::sync::Arc::new(amends_spam::SpamFilter::english()),
            runner: None,
        }))
    }

    /// With the job runner whose state `/readyz` and `/metrics` report.
    pub fn with_runner(mut self, runner: std::sync::Arc<amends_jobs::RunnerStatus>) -> Self {
        std::sync::Arc::make_mut(&mut self.0).runner = Some(runner);
        self
    }

    /// With the installation's spam rules instead of the built-in ones.
    pub fn with_spam(mut self, spam: std::sync::Arc<amends_spam::SpamFilter>) -> Self {
        std::sync::Arc::make_mut(&mut self.0).spam = spam;
        self
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::router(state.clone()))
        .merge(pages::router().layer(axum::middleware::from_fn_with_state(state.clone(), auth::identify)))
        .merge(customer::router().layer(axum::extract::DefaultBodyLimit::max(customer::MAX_FORM_BYTES)))
        .merge(source::router())
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics::endpoint))
        .layer(axum::middleware::from_fn_with_state(state.clone(), origin::refuse_cross_site))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(axum::middleware::from_fn_with_state(state.clone(), deadline))
        .with_state(state)
}

/// Cuts off a request that takes longer than the deadline, reading its body included,
/// so a client that trickles a body cannot hold a connection and a task forever.
/// (Slow headers are cut off before this, by [`serve`].)
async fn deadline(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(state.settings.limits.request_deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            let mut response = (StatusCode::REQUEST_TIMEOUT, "the request took too long").into_response();
            response
                .headers_mut()
                .insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
            response
        }
    }
}

/// Headers every response carries: no inline script or style may run, no framing,
/// no content sniffing, no referrer leaking a case's URL to another site.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::HeaderValue;
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ),
    );
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    response
}

async fn ready(axum::extract::State(state): axum::extract::State<AppState>) -> impl IntoResponse {
    if let Some(unready) = runner_unready(state.runner.as_deref()) {
        return unready;
    }
    match state.store.ready().await {
        Ok(true) => (StatusCode::OK, "ready"),
        Ok(false) => (StatusCode::SERVICE_UNAVAILABLE, "migrations pending"),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unreachable"),
    }
}

/// A process whose job runner is not running is not ready: requests would be taken, but
/// no mail, alert or webhook would leave.
fn runner_unready(runner: Option<&amends_jobs::RunnerStatus>) -> Option<(StatusCode, &'static str)> {
    runner
        .is_some_and(|runner| !runner.is_running())
        .then_some((StatusCode::SERVICE_UNAVAILABLE, "the job runner is not running"))
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
///
/// A loop of our own rather than `axum::serve`, which sets no timer and so lets a client
/// take forever to send its request headers (one byte a minute holds a connection and
/// a task): here hyper closes a connection whose headers are not complete within
/// `limits.header_timeout`. The request deadline then covers the body and the handler.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower::ServiceExt;

    let header_timeout = state.settings.limits.header_timeout;
    let app = router(state);
    memory::give_back_freed();
    // Every connection holds a receiver: once all are dropped, all connections are done.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
                app.clone().oneshot(req.map(axum::body::Body::new))
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_timeout);
            let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            tokio::pin!(connection);
            let stopping = async {
                let _ = stop.wait_for(|stop| *stop).await;
            };
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stopping => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
            drop(stop);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    drop(stop_rx);
    stop_tx.closed().await;
    Ok(())
}

#[cfg(test)]
mod readiness_tests {
    #[test]
    fn a_stopped_runner_makes_the_process_unready() {
        let stopped = amends_jobs::RunnerStatus::default();
        assert_eq!(super::runner_unready(Some(&stopped)).map(|(s, _)| s.as_u16()), Some(503));
        assert_eq!(super::runner_unready(None), None, "a process without a runner is judged by its database");
    }
}
