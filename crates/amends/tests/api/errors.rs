//! Bad input gets a specific 4xx in one JSON shape, never a 500.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, answer};

async fn bad_requests_get_specific_errors(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let client = reqwest::Client::new();
    let raw = |path: &str, body: &'static str, content_type: Option<&'static str>| {
        let mut req = client.post(app.url(path)).bearer_auth(&agent).body(body);
        if let Some(ct) = content_type {
            req = req.header("content-type", ct);
        }
        req.send()
    };
    // 400: malformed JSON, bad query values, bad cursor.
    answer(raw("/api/v1/cases", "{\"body\": ", Some("application/json")).await.unwrap())
        .await
        .expect_error(400, "malformed_json");
    app.get("/api/v1/cases?limit=0", &agent).await.expect_error(400, "bad_request");
    app.get("/api/v1/cases?limit=abc", &agent).await.expect_error(400, "bad_query");
    app.get("/api/v1/cases?cursor=zzz", &agent).await.expect_error(400, "bad_request");
    app.get("/api/v1/cases?status=closed", &agent).await.expect_error(400, "bad_request");
    // 415: not JSON.
    answer(raw("/api/v1/cases", "body=hi", Some("application/x-www-form-urlencoded")).await.unwrap())
        .await
        .expect_error(415, "unsupported_media_type");
    // 422: wrong types and unacceptable values, naming the field.
    let wrong_type = app
        .post("/api/v1/cases", &agent, json!({ "customer_id": "seven", "body": "x" }))
        .await
        .expect_error(422, "invalid");
    assert!(wrong_type["message"].as_str().unwrap().contains("customer_id"), "{wrong_type}");
    let bad_email = app
        .post("/api/v1/cases", &agent, json!({ "customer": { "name": "A", "email": "a@b" }, "body": "x" }))
        .await
        .expect_error(422, "invalid");
    assert_eq!(bad_email["field"], "customer.email");
    let empty = app
        .post("/api/v1/cases", &agent, json!({ "customer": { "name": "A" }, "body": " \n " }))
        .await
        .expect_error(422, "invalid");
    assert_eq!(empty["field"], "body");
    let channel = app
        .post("/api/v1/cases", &agent, json!({ "customer": { "name": "A" }, "body": "x", "channel": "fax" }))
        .await
        .expect(422);
    assert_eq!(channel["field"], "channel");
    app.post("/api/v1/cases", &agent, json!({ "customer": { "name": "A" }, "body": "x", "mood": "angry" }))
        .await
        .expect(422);
    // 413: a complaint over 1 MiB, and a body over the request limit.
    let big = "a".repeat(1024 * 1024 + 1);
    let too_big = app
        .post("/api/v1/cases", &agent, json!({ "customer": { "name": "A" }, "body": big }))
        .await
        .expect_error(413, "too_large");
    assert_eq!(too_big["field"], "body");
    let exactly = "b".repeat(1024 * 1024);
    let kept =
        app.post("/api/v1/cases", &agent, json!({ "customer": { "name": "A" }, "body": exactly })).await.expect(201);
    assert_eq!(kept["body"].as_str().unwrap().len(), 1024 * 1024, "a full mebibyte is kept whole");
    // A body over the request limit is refused from its Content-Length alone, before it
    // is read: sent by hand, so the client is not cut off mid-upload.
    let answer_head = over_limit_head(&app, &agent, 4 * 1024 * 1024).await;
    assert!(answer_head.starts_with("HTTP/1.1 413"), "{answer_head}");
    assert!(answer_head.contains("\"error\":\"too_large\""), "{answer_head}");
    // NUL cannot be stored (PostgreSQL) and is never typed: a 422, not a 500.
    let nul = app.post("/api/v1/customers", &agent, json!({ "name": "\u{0}", "email": "nul@example.com" })).await;
    nul.expect_error(422, "invalid");
    // 404: unknown ids, ids that cannot exist, unknown endpoints.
    app.get("/api/v1/cases/987654", &agent).await.expect_error(404, "not_found");
    app.get("/api/v1/cases/not-a-number", &agent).await.expect_error(404, "not_found");
    app.post("/api/v1/cases/987654/notes", &agent, json!({ "text": "x" })).await.expect_error(404, "not_found");
    app.post("/api/v1/cases", &agent, json!({ "customer_id": 987654, "body": "x" }))
        .await
        .expect_error(404, "not_found");
    app.get("/api/v1/nothing-here", &agent).await.expect_error(404, "not_found");
    app.call(Method::DELETE, "/api/v1/cases", Some(&agent), None).await.expect_error(405, "method_not_allowed");
    // 409: a duplicate, a stale version.
    app.post("/api/v1/customers", &agent, json!({ "name": "A", "email": "dup@example.com" })).await.expect(201);
    app.post("/api/v1/customers", &agent, json!({ "name": "B", "email": "dup@example.com" }))
        .await
        .expect_error(409, "conflict");
    // The service is still well after all of that.
    let health = client.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

async fn over_limit_head(app: &TestApp, token: &str, length: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n{{\"body\": \""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf)).await.unwrap().unwrap();
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

crate::on_both_databases!(bad_requests_get_specific_errors);
