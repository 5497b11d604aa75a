//! The operator's view: `/metrics` counts what was served, by route, and shows the job
//! queue and the outbox; every answer carries a request id.

use reqwest::Method;

use crate::helpers::TestApp;

fn value_of(metrics: &str, line_start: &str) -> Option<f64> {
    metrics.lines().find(|l| l.starts_with(line_start)).and_then(|l| l.rsplit(' ').next()).and_then(|v| v.parse().ok())
}

async fn metrics_count_requests_by_route_and_show_the_queues(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "ann@example.com", "The bread was stale").await;
    let id = case["id"].as_i64().unwrap();
    for _ in 0..3 {
        app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    }
    app.get("/api/v1/cases/999999", &agent).await.expect(404);
    app.call(Method::GET, "/no/such/page/at/all", None, None).await;

    let resp = reqwest::get(app.url("/metrics")).await.unwrap();
    assert_eq!(resp.status(), 200);
    assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = resp.text().await.unwrap();
    let ok = r#"amends_http_requests_total{method="GET",route="/api/v1/cases/{id}",status="2xx"} "#;
    assert_eq!(value_of(&text, ok), Some(3.0), "case reads counted under the route pattern:\n{text}");
    let missing = r#"amends_http_requests_total{method="GET",route="/api/v1/cases/{id}",status="4xx"} "#;
    assert_eq!(value_of(&text, missing), Some(1.0));
    let created = r#"amends_http_requests_total{method="POST",route="/api/v1/cases",status="2xx"} "#;
    assert_eq!(value_of(&text, created), Some(1.0));
    assert!(!text.contains("/no/such/page"), "raw paths never become labels");
    assert!(text.contains(r#"route="unmatched""#));
    let count = r#"amends_http_request_duration_seconds_count{method="GET",route="/api/v1/cases/{id}"} "#;
    assert_eq!(value_of(&text, count), Some(4.0));
    let inf = r#"amends_http_request_duration_seconds_bucket{method="GET",route="/api/v1/cases/{id}",le="+Inf"} "#;
    assert_eq!(value_of(&text, inf), Some(4.0));
    for gauge in
        ["amends_jobs_pending ", "amends_jobs_oldest_due_seconds ", "amends_jobs_failed ", "amends_outbox_backlog "]
    {
        let v = value_of(&text, gauge);
        assert!(v.is_some_and(|v| v >= 0.0), "{gauge}is shown:\n{text}");
    }
    assert_eq!(value_of(&text, "amends_store_up "), Some(1.0));
    // The new case queued its acknowledgement (or the worker already ran it).
    let pending = value_of(&text, "amends_jobs_pending ").unwrap();
    assert!(pending <= 2.0, "{pending}");
}

async fn every_answer_carries_a_request_id(app: TestApp) {
    let client = reqwest::Client::new();
    let made = client.get(app.url("/healthz")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 16, "a fresh id is made: {id}");
    let again = client.get(app.url("/healthz")).send().await.unwrap();
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id, "each request has its own");

    let given = client.get(app.url("/api/v1/cases")).header("x-request-id", "proxy-42.a").send().await.unwrap();
    assert_eq!(given.status(), 401);
    assert_eq!(given.headers()["x-request-id"], "proxy-42.a", "a proxy's id is kept, even on errors");

    let odd = client.get(app.url("/healthz")).header("x-request-id", "a b\"c").send().await.unwrap();
    assert_ne!(odd.headers()["x-request-id"], "a b\"c", "an unsafe id is replaced");
}

/// With a token configured, `/metrics` is closed to anyone without it.
async fn metrics_need_the_token_when_one_is_set(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with(db, |s| s.metrics_token = Some("sekrit-token".to_owned())).await;
    let client = reqwest::Client::new();
    assert_eq!(client.get(app.url("/metrics")).send().await.unwrap().status(), 401);
    let wrong = client.get(app.url("/metrics")).bearer_auth("nope").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    let right = client.get(app.url("/metrics")).bearer_auth("sekrit-token").send().await.unwrap();
    assert_eq!(right.status(), 200);
    assert!(right.text().await.unwrap().contains("amends_outbox_backlog"));
}

crate::on_both_databases!(
    metrics_count_requests_by_route_and_show_the_queues,
    every_answer_carries_a_request_id,
    metrics_need_the_token_when_one_is_set,
);
