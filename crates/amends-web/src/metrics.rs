//! The operator's view: request counts and latency histograms by route, kept in
//! atomics and written out in the Prometheus text format at `/metrics`, and a request
//! id on every request so a log line can be traced back to the request that wrote it.
//!
//! Hand-written rather than a metrics crate: a handful of counters is all we need, and
//! the hot path is one read-locked map lookup and a few relaxed atomic adds.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use crate::AppState;

/// Upper bounds (seconds) of the latency buckets: fine below 25 ms, where our
/// targets are, coarse above.
const BUCKETS: [f64; 14] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The label for requests no route matched, so scanners cannot grow the map.
const UNMATCHED: &str = "unmatched";

#[derive(Default)]
struct RouteStats {
    /// Requests by status class: 1xx..5xx at index 0..4.
    by_class: [AtomicU64; 5],
    /// Cumulative counts are computed when written; each slot counts its own bucket,
    /// the last slot those above every bound.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    sum_micros: AtomicU64,
}

/// Counters for every (method, route) the app has served.
#[derive(Default)]
pub struct Metrics {
    routes: RwLock<HashMap<(String, String), Arc<RouteStats>>>,
}

impl Metrics {
    fn route(&self, method: &str, route: &str) -> Option<Arc<RouteStats>> {
        if let Ok(map) = self.routes.read()
            && let Some(stats) = map.get(&(method.to_owned(), route.to_owned()))
        {
            return Some(stats.clone());
        }
        let mut map = self.routes.write().ok()?;
        Some(map.entry((method.to_owned(), route.to_owned())).or_default().clone())
    }

    /// Counts one request.
    pub fn observe(&self, method: &str, route: &str, status: StatusCode, seconds: f64) {
        let Some(stats) = self.route(method, route) else { return };
        let class = (usize::from(status.as_u16() / 100)).clamp(1, 5) - 1;
        stats.by_class[class].fetch_add(1, Ordering::Relaxed);
        let slot = BUCKETS.iter().position(|b| seconds <= *b).unwrap_or(BUCKETS.len());
        stats.buckets[slot].fetch_add(1, Ordering::Relaxed);
        stats.sum_micros.fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The request counters and histograms in the Prometheus text format.
    pub fn render(&self, out: &mut String) {
        let mut routes: Vec<((String, String), Arc<RouteStats>)> = match self.routes.read() {
            Ok(map) => map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            Err(_) => return,
        };
        routes.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str("# HELP amends_http_requests_total HTTP requests served, by method, route and status class.\n");
        out.push_str("# TYPE amends_http_requests_total counter\n");
        for ((method, route), stats) in &routes {
            for (i, count) in stats.by_class.iter().enumerate() {
                let count = count.load(Ordering::Relaxed);
                if count > 0 {
                    let _ = writeln!(
                        out,
                        "amends_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{}xx\"}} {count}",
                        escape(route),
                        i + 1
                    );
                }
            }
        }
        out.push_str("# HELP amends_http_request_duration_seconds Time from request to response head, by route.\n");
        out.push_str("# TYPE amends_http_request_duration_seconds histogram\n");
        for ((method, route), stats) in &routes {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (i, bound) in BUCKETS.iter().enumerate() {
                cumulative += stats.buckets[i].load(Ordering::Relaxed);
                let _ = writeln!(
                    out,
                    "amends_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            cumulative += stats.buckets[BUCKETS.len()].load(Ordering::Relaxed);
            let _ = writeln!(out, "amends_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {cumulative}");
            let sum = stats.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
            let _ = writeln!(out, "amends_http_request_duration_seconds_sum{{{labels}}} {sum}");
            let _ = writeln!(out, "amends_http_request_duration_seconds_count{{{labels}}} {cumulative}");
        }
    }
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The id of the request being served, as the `x-request-id` header gave or we made it.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Takes the caller's `x-request-id` when it is a sane token (a proxy's id ties its
/// logs to ours), otherwise makes one; logs under a span carrying it; echoes it back;
/// and counts the request under its route pattern, never its raw path.
pub async fn track(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| amends_store::secret::random_hex(8));
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    req.extensions_mut().insert(RequestId(id.clone()));
    let span =
        tracing::info_span!("request", id = %id, method = %method, route = route.as_deref().unwrap_or(UNMATCHED));
    let mut response = next.run(req).instrument(span.clone()).await;
    let elapsed = started.elapsed().as_secs_f64();
    let status = response.status();
    state.metrics.observe(&method, route.as_deref().unwrap_or(UNMATCHED), status, elapsed);
    span.in_scope(|| {
        if status.is_server_error() {
            tracing::warn!(status = status.as_u16(), ms = elapsed * 1e3, "served with an error");
        } else {
            tracing::debug!(status = status.as_u16(), ms = elapsed * 1e3, "served");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// `GET /metrics`: open when no `AMENDS_METRICS_TOKEN` is set (bind to loopback or
/// keep it behind the proxy), otherwise only for `Authorization: Bearer <token>`.
pub async fn endpoint(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.settings.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or("");
        if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
            return (StatusCode::UNAUTHORIZED, "metrics need the bearer token\n").into_response();
        }
    }
    let mut out = String::with_capacity(8192);
    state.metrics.render(&mut out);
    // Gauges read from the database at scrape time: a failed read leaves them out
    // rather than failing the scrape, and shows in amends_store_up.
    let jobs = state.store.job_stats().await;
    let outbox = state.store.outbox_stats().await;
    let up = jobs.is_ok() && outbox.is_ok();
    if let Ok(jobs) = jobs {
        gauge(&mut out, "amends_jobs_pending", "Jobs waiting to run (due or scheduled).", jobs.pending);
        gauge(
            &mut out,
            "amends_jobs_oldest_due_seconds",
            "Seconds the oldest due job has waited.",
            jobs.oldest_due_seconds,
        );
        gauge(&mut out, "amends_jobs_failed", "Jobs that gave up after their last attempt.", jobs.failed);
    }
    if let Ok(outbox) = outbox {
        gauge(&mut out, "amends_outbox_backlog", "Emails queued and not yet sent.", outbox.queued);
        gauge(
            &mut out,
            "amends_outbox_failed",
            "Emails given up: refused for good, or impossible to build (the reason is on the case).",
            outbox.failed,
        );
    }
    if let Some(runner) = &state.runner {
        gauge(&mut out, "amends_job_runner_up", "1 while the job runner runs.", i64::from(runner.is_running()));
        gauge(
            &mut out,
            "amends_job_runner_restarts",
            "Times the job runner stopped unexpectedly and was started again.",
            i64::try_from(runner.restarts()).unwrap_or(i64::MAX),
        );
        gauge(
            &mut out,
            "amends_smtp_configured",
            "1 when an SMTP server is configured; 0 while mail waits in the outbox.",
            i64::from(runner.is_sending()),
        );
    }
    gauge(&mut out, "amends_store_up", "1 when the database answered this scrape.", i64::from(up));
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], out).into_response()
}

fn gauge(out: &mut String, name: &str, help: &str, value: i64) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}");
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_histogram_is_cumulative_and_counts_every_request() {
        let m = Metrics::default();
        m.observe("GET", "/api/v1/cases/{id}", StatusCode::OK, 0.0007);
        m.observe("GET", "/api/v1/cases/{id}", StatusCode::NOT_FOUND, 0.02);
        m.observe("GET", "/api/v1/cases/{id}", StatusCode::OK, 30.0);
        let mut out = String::new();
        m.render(&mut out);
        assert!(
            out.contains("amends_http_requests_total{method=\"GET\",route=\"/api/v1/cases/{id}\",status=\"2xx\"} 2")
        );
        assert!(out.contains("status=\"4xx\"} 1"));
        assert!(out.contains("le=\"0.001\"} 1\n"));
        assert!(out.contains("le=\"0.025\"} 2\n"));
        assert!(out.contains("le=\"10\"} 2\n"));
        assert!(out.contains("le=\"+Inf\"} 3\n"));
        assert!(
            out.contains("amends_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/cases/{id}\"} 3")
        );
    }
}
