//! After the fix: a watched customer's next order alerts staff, follow-up letters are
//! printed (checked with poppler) and marked posted, webhooks are signed, retried and
//! logged, and two instances on one PostgreSQL never run a job twice.

use std::collections::HashMap;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use amends::Settings;
use amends_domain::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Db, TestApp, spawn_app_with, start, tempdir::TempDir, wait_until};
use crate::mail::SmtpSink;
use crate::staff::Case;

const APOLOGY: &str = "I am so sorry. I accept all responsibility for the late cake.";

/// Walks a new case up to the follow-up scheduled by `channel` at `due`; with
/// `to_watch`, on through the follow-up answer to the watch list.
async fn walk(app: &TestApp, agent: &str, email: &str, channel: &str, due: &str, to_watch: bool) -> (i64, i64) {
    let case = app.complaint(agent, email, "The cake came a day late and squashed.").await;
    let id = case["id"].as_i64().unwrap();
    let problem = app
        .post(
            "/api/v1/problems",
            agent,
            json!({ "title": "Weekend deliveries slip", "preventive_action": "A second van on weekends" }),
        )
        .await
        .expect(201);
    let mut steps: Vec<(&str, Value)> = vec![
        ("restatement", json!({ "text": "Your cake arrived a day late and damaged." })),
        ("restatement/confirm", json!({})),
        ("apology", json!({ "text": APOLOGY })),
        ("offer", json!({ "options": ["A new cake delivered today", "A full refund"] })),
        ("offer/choice", json!({ "option": 1 })),
        (
            "gesture",
            json!({ "gesture": "voucher", "description": "Coffee and cake for two, on us", "cost_minor": 1200, "currency": "EUR" }),
        ),
        ("fix/promise", json!({ "what": "Bake and deliver a new cake", "due": "2099-01-02T10:00:00Z" })),
        ("fix/done", json!({ "note": "Delivered at 15:00 by the owner." })),
        ("prevent", json!({ "problem_id": problem["id"] })),
        ("follow-up/schedule", json!({ "due": due, "channel": channel })),
    ];
    if to_watch {
        steps.push(("follow-up", json!({ "satisfaction": 5, "words": "Thank you" })));
        steps.push(("watch", json!({})));
    }
    let customer_id = case["customer_id"].as_i64().unwrap();
    if channel == "letter" {
        // A letter is chosen only for a customer with a postal address.
        let address = json!({ "postal_address": "Hauptstrasse 12\n10115 Berlin" });
        app.patch(&format!("/api/v1/customers/{customer_id}"), agent, address).await.expect(200);
    }
    for (path, body) in steps {
        app.post(&format!("/api/v1/cases/{id}/{path}"), agent, body).await.expect(200);
    }
    (id, customer_id)
}

/// HMAC-SHA256 written out here (RFC 2104), independent of the app's code.
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(message.iter().copied()).collect();
    let inner_hash = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(inner_hash.iter().copied()).collect();
    Sha256::digest(&outer).iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Default)]
struct Received {
    /// (event kind, payload, signature valid)
    deliveries: Vec<(String, Value, bool)>,
    /// How many requests to refuse with 500 before accepting.
    refuse: usize,
    requests: usize,
}

/// A tiny HTTP receiver on a free port; answers 500 to the first `refuse` requests.
async fn receiver(secret: &'static str, refuse: usize) -> (String, Arc<Mutex<Received>>) {
    use axum::http::{HeaderMap, StatusCode};
    let state = Arc::new(Mutex::new(Received { refuse, ..Received::default() }));
    let seen = state.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let seen = seen.clone();
            async move {
                let mut r = seen.lock().unwrap();
                r.requests += 1;
                if r.refuse > 0 {
                    r.refuse -= 1;
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let sent = headers.get("x-amends-signature").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let valid = sent == format!("sha256={}", hmac_sha256_hex(secret.as_bytes(), &body));
                let kind = headers.get("x-amends-event").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
                let payload: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                r.deliveries.push((kind, payload, valid));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, state)
}

async fn fast_retries(db: Db) -> TestApp {
    spawn_app_with(db, |s: &mut Settings| {
        s.jobs.retry_base = Duration::from_millis(50);
        // The test receivers listen on loopback, like a receiver on the premises.
        s.jobs.webhook_private_targets = true;
    })
    .await
}

async fn a_watched_customer_coming_back_alerts_staff(db: Db) {
    let app = fast_retries(db).await;
    let (_, agent) = app.staff("agent").await;
    let secret = "a-long-shared-secret-for-hooks";
    let (url, received) = receiver(secret, 0).await;
    app.post(
        "/api/v1/webhooks",
        &app.admin_token,
        json!({ "url": url, "secret": secret, "events": ["next_order_arrived"] }),
    )
    .await
    .expect(201);
    let (id, customer_id) = walk(&app, &agent, "watched@example.com", "call", "2099-01-05T10:00:00Z", true).await;
    let (other, _) = walk(&app, &agent, "unwatched@example.com", "call", "2099-01-05T10:00:00Z", false).await;
    assert!(app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].as_array().unwrap().is_empty());

    // Their next order arrives from the feed.
    let order = json!({ "customer_id": customer_id, "external_id": "next-1", "kind": "order", "amount_minor": 4200, "currency": "EUR", "occurred_at": "2026-11-20T12:00:00Z" });
    app.post("/api/v1/transactions", &agent, order.clone()).await.expect(201);
    let alerts = app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].clone();
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!(alerts[0]["case_id"], id);
    assert_eq!(alerts[0]["amount_minor"], 4200);
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    let note = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(note["kind"], "note_added");
    assert_eq!(note["actor"]["type"], "system");
    assert!(note["text"].as_str().unwrap().contains("give outstanding service"));
    assert_eq!(case["status"], "watching");

    // The same order again, and a batch with another: no second alert while one is open.
    app.post("/api/v1/transactions", &agent, order).await.expect(200);
    let batch = json!({ "transactions": [{ "customer_id": customer_id, "external_id": "next-2", "kind": "visit", "amount_minor": 300, "currency": "EUR", "occurred_at": "2026-11-21T12:00:00Z" }] });
    app.post("/api/v1/transactions/batch", &agent, batch).await.expect(200);
    assert_eq!(app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].as_array().unwrap().len(), 1);
    let other_case = app.get(&format!("/api/v1/cases/{other}"), &agent).await.expect(200);
    assert!(other_case["timeline"].as_array().unwrap().iter().all(|e| e["kind"] != "note_added"));

    // The inbox shows it.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let inbox = client.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains("data-watch-alert") && inbox.contains("give outstanding service"), "{inbox}");

    // The webhook heard it, signed.
    app.settle().await;
    {
        let r = received.lock().unwrap();
        assert_eq!(r.deliveries.len(), 1);
        let (kind, payload, valid) = &r.deliveries[0];
        assert_eq!(kind, "next_order_arrived");
        assert!(valid, "the signature checks out");
        assert_eq!(payload["case_id"], id);
    }

    // Staff record how it went; the alert is answered, and the case ends retained.
    app.post(&format!("/api/v1/cases/{id}/next-time"), &agent, json!({ "note": "Delivered early, with a card" }))
        .await
        .expect(200);
    assert!(app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].as_array().unwrap().is_empty());
    let done =
        app.post(&format!("/api/v1/cases/{id}/outcome"), &agent, json!({ "outcome": "retained" })).await.expect(200);
    assert_eq!(done["case"]["status"], "retained");
}

pub(crate) fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn a_next_order_recorded_on_the_customer_page_alerts_staff(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let (id, customer_id) = walk(&app, &agent, "kim@example.com", "call", "2099-01-05T10:00:00Z", true).await;
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let path = format!("/customers/{customer_id}");
    let page = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Record an order or visit") && page.contains("staff are alerted"), "{page}");

    // Kim rings to order a cake; a mistyped amount is said in words, the draft kept.
    let order = |amount: &'static str| {
        let form = [
            ("csrf", csrf.as_str()),
            ("kind", "order"),
            ("amount", amount),
            ("currency", "EUR"),
            ("product", "Birthday cake"),
        ];
        client.post(app.url(&format!("{path}/transactions"))).form(&form).send()
    };
    let refused = order("forty-two").await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(
        page.contains("is not an amount: write it as 24.50 or 24") && page.contains("value=\"Birthday cake\""),
        "{page}"
    );
    assert!(app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].as_array().unwrap().is_empty());

    let recorded = order("42,50").await.unwrap();
    assert_eq!(recorded.status(), 200, "back on the customer's page");
    let page = recorded.text().await.unwrap();
    assert!(page.contains("<td>€42.50</td><td>Birthday cake</td>"), "{page}");

    // The watch alert fires as it does for an import: the inbox, the case's timeline.
    let alerts = app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"].clone();
    assert_eq!(alerts.as_array().unwrap().len(), 1, "{alerts}");
    assert_eq!((alerts[0]["case_id"].as_i64(), alerts[0]["amount_minor"].as_i64()), (Some(id), Some(4250)));
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    let note = case["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((note["kind"].as_str(), note["actor"]["type"].as_str()), (Some("note_added"), Some("system")));
    assert!(note["text"].as_str().unwrap().contains("give outstanding service"));
    let inbox = client.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains("data-watch-alert") && inbox.contains("give outstanding service"), "{inbox}");
}

async fn letters_are_printed_from_the_timeline_and_marked_posted(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.letters.head.business_name = "Weber Bakery".to_owned();
        s.letters.head.address_lines = vec!["Marktplatz 3".to_owned(), "10117 Berlin".to_owned()];
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    let (id, customer_id) = walk(&app, &agent, "grace@example.com", "letter", "2020-01-01T09:00:00Z", false).await;
    // The address as often typed: the name on its first line too. The letter prints it once.
    app.patch(
        &format!("/api/v1/customers/{customer_id}"),
        &agent,
        json!({ "name": "Grace Hopper", "postal_address": "Grace Hopper\nHauptstrasse 12\n10115 Berlin" }),
    )
    .await
    .expect(200);
    // A letter not yet due, and an email follow-up, are not in the print run.
    walk(&app, &agent, "later@example.com", "letter", "2099-01-01T09:00:00Z", false).await;
    walk(&app, &agent, "mailed@example.com", "email", "2020-01-01T09:00:00Z", false).await;

    let due = app.get("/api/v1/letters", &agent).await.expect(200)["items"].clone();
    assert_eq!(due.as_array().unwrap().len(), 1, "{due}");
    assert_eq!(due[0]["case_id"], id);
    assert_eq!(due[0]["queued"], false, "nobody has read it yet");

    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let resp = client.get(app.url(&format!("/cases/{id}/letter.pdf"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-type"], "application/pdf");
    let pdf = resp.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let dir = TempDir::new(&format!("amends-letter-{:x}", rand::random::<u64>()));
    let file = dir.path.join("letter.pdf");
    std::fs::create_dir_all(&dir.path).unwrap();
    std::fs::write(&file, &pdf).unwrap();
    let text = poppler("pdftotext", &["-layout", file.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Grace Hopper Hauptstrasse 12 10115 Berlin",
        "Weber Bakery",
        "Dear Grace Hopper,",
        APOLOGY,
        "Weekend deliveries slip",
        // The problem is still open: the letter says what is changing, not that it changed.
        "What we are changing: we found the cause",
        "we are changing how we work because of it: A second van on weekends.",
        "For your next visit Coffee and cake for two, on us",
    ] {
        assert!(flat.contains(expected), "{expected:?} is in the letter:\n{text}");
    }
    for untrue in ["What changed", "have changed", "changed how we work"] {
        assert!(!flat.contains(untrue), "{untrue:?} is not said of an open problem:\n{text}");
    }
    assert_eq!(flat.matches("Grace Hopper").count(), 2, "the name once in the address, once in the greeting:\n{text}");
    let prefix = dir.path.join("page");
    poppler("pdftoppm", &["-png", "-r", "40", "-f", "1", "-l", "1", file.to_str().unwrap(), prefix.to_str().unwrap()]);
    let png = std::fs::read_dir(&dir.path)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .expect("a page rendered to PNG");
    let bytes = std::fs::read(png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG") && bytes.len() > 1000);

    // The print run waits for the letter to be read; then staff queue it.
    let page = client.get(app.url("/letters")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-waiting-letter=\"{}\"", due[0]["event_id"])), "{page}");
    assert!(page.contains("No letter is queued for printing"), "{page}");
    let queued = client
        .post(app.url(&format!("/cases/{id}/letter")))
        .form(&[("csrf", csrf.as_str()), ("body", &format!("{APOLOGY}\n\nSee you soon.")), ("action", "queue")])
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), 200, "back on the letter page");

    // The print run page, its batch PDF, and marking it posted.
    let page = client.get(app.url("/letters")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-letter=\"{}\"", due[0]["event_id"])), "{page}");
    let batch = client.get(app.url("/letters/batch.pdf")).send().await.unwrap();
    assert_eq!(batch.status(), 200);
    std::fs::write(&file, batch.bytes().await.unwrap()).unwrap();
    assert!(poppler("pdftotext", &[file.to_str().unwrap(), "-"]).contains("Grace Hopper"));
    let event = due[0]["event_id"].to_string();
    let posted = client
        .post(app.url("/letters/posted"))
        .form(&[("csrf", csrf.as_str()), ("letters", event.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200, "redirected back to the print run");
    assert!(app.get("/api/v1/letters", &agent).await.expect(200)["items"].as_array().unwrap().is_empty());
    let again =
        app.post("/api/v1/letters/posted", &agent, json!({ "letters": [due[0]["event_id"]] })).await.expect(200);
    assert_eq!(again["marked"], 0, "already posted");

    // The address removed after the letter was chosen: the PDF says what to fix, in words.
    let (bare, bare_customer) = walk(&app, &agent, "moved@example.com", "letter", "2020-01-01T09:00:00Z", false).await;
    app.patch(&format!("/api/v1/customers/{bare_customer}"), &agent, json!({ "postal_address": null }))
        .await
        .expect(200);
    let refused = client.get(app.url(&format!("/cases/{bare}/letter.pdf"))).send().await.unwrap();
    assert_eq!(refused.status(), 409);
    let page = refused.text().await.unwrap();
    assert!(page.contains("The customer has no postal address: add it on their page"), "{page}");
}

/// Steps a case up to the follow-up, with the apology written as an email opens it and
/// a gesture already given (a replacement, not something to come back for).
async fn up_to_follow_up(app: &TestApp, agent: &str, email: &str) -> (i64, i64) {
    let case = app.complaint(agent, email, "The birthday cake never came.").await;
    let id = case["id"].as_i64().unwrap();
    let customer_id = case["customer_id"].as_i64().unwrap();
    app.patch(&format!("/api/v1/customers/{customer_id}"), agent, json!({ "name": "Łukasz Żółć" })).await.expect(200);
    for (path, body) in [
        ("restatement", json!({ "text": "Your birthday cake never arrived." })),
        ("restatement/confirm", json!({})),
        ("apology", json!({ "text": "Łukasz, I am so sorry. The cake was ours to bring, and we did not." })),
        ("offer", json!({ "options": ["A new cake today", "A full refund"] })),
        ("offer/choice", json!({ "option": 1 })),
        (
            "gesture",
            json!({ "gesture": "replacement", "description": "A second cake, delivered with the first", "cost_minor": 1500, "currency": "EUR" }),
        ),
        ("fix/promise", json!({ "what": "Bake and deliver a new cake", "due": "2099-01-02T10:00:00Z" })),
        ("fix/done", json!({ "note": "Delivered at 15:00 by the owner." })),
    ] {
        app.post(&format!("/api/v1/cases/{id}/{path}"), agent, body).await.expect(200);
    }
    (id, customer_id)
}

async fn a_letter_is_refused_in_words_when_the_customer_has_no_address(db: Db) {
    let app = crate::helpers::spawn_app(db).await;
    let (_, agent) = app.staff("agent").await;
    let (id, customer_id) = up_to_follow_up(&app, &agent, "lukasz@example.com").await;

    // On the case page: the refusal in words, the form as it was typed.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let version = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["version"].to_string();
    let page = client
        .post(app.url(&format!("/cases/{id}/steps/schedule_follow_up")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("version", version.as_str()),
            ("follow_up_due", "2099-01-05T10:00"),
            ("follow_up_channel", "letter"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 409);
    let page = page.text().await.unwrap();
    assert!(page.contains("The customer has no postal address, so a letter cannot reach them"), "{page}");
    assert!(page.contains("value=\"2099-01-05T10:00\""), "the date typed is kept");
    assert!(page.contains("<option value=\"letter\" selected>"), "the channel chosen is kept");

    // Through the API: the same rule, named.
    let refused = app
        .post(
            &format!("/api/v1/cases/{id}/follow-up/schedule"),
            &agent,
            json!({ "due": "2099-01-05T10:00:00Z", "channel": "letter" }),
        )
        .await;
    let body = refused.expect_error(422, "invalid");
    assert!(body["message"].as_str().unwrap().contains("no postal address"), "{body}");
    assert_eq!((body["field"].as_str(), body["rule"].as_str()), (Some("channel"), Some("letter_without_address")));
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert!(case["timeline"].as_array().unwrap().iter().all(|e| e["kind"] != "follow_up_scheduled"));

    // With an address, the letter is chosen; by email it never needed one.
    let address = json!({ "postal_address": "ul. Świętokrzyska 12\n00-916 Warszawa" });
    app.patch(&format!("/api/v1/customers/{customer_id}"), &agent, address).await.expect(200);
    app.post(
        &format!("/api/v1/cases/{id}/follow-up/schedule"),
        &agent,
        json!({ "due": "2099-01-05T10:00:00Z", "channel": "letter" }),
    )
    .await
    .expect(200);
}

async fn a_letter_is_read_edited_and_queued_before_the_print_run(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.letters.head.business_name = "Piekarnia Żak".to_owned();
        s.letters.head.address_lines = vec!["Rynek 3".to_owned(), "31-042 Kraków".to_owned()];
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    let (id, customer_id) = up_to_follow_up(&app, &agent, "lukasz@example.com").await;
    let address = json!({ "postal_address": "Łukasz Żółć, ul. Świętokrzyska 12, 00-916 Warszawa" });
    app.patch(&format!("/api/v1/customers/{customer_id}"), &agent, address).await.expect(200);
    app.post(
        &format!("/api/v1/cases/{id}/follow-up/schedule"),
        &agent,
        json!({ "due": "2020-01-05T10:00:00Z", "channel": "letter" }),
    )
    .await
    .expect(200);

    // The preview reads as the customer will: one greeting, the name once in the
    // address, the replacement told as done (not "for your next visit").
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/cases/{id}/letter"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("Dear Łukasz Żółć,"), "{page}");
    assert!(page.contains("I am so sorry. The cake was ours to bring"), "{page}");
    assert!(!page.contains("Łukasz, I am so sorry"), "one greeting: {page}");
    assert!(page.contains("A second cake, delivered with the first"), "{page}");
    assert!(!page.contains("For your next visit"), "a replacement was given already: {page}");
    assert!(page.contains("not queued yet"), "{page}");

    let pdf_text = |bytes: &[u8]| {
        let dir = TempDir::new(&format!("amends-letter-{:x}", rand::random::<u64>()));
        std::fs::create_dir_all(&dir.path).unwrap();
        let file = dir.path.join("letter.pdf");
        std::fs::write(&file, bytes).unwrap();
        poppler("pdftotext", &[file.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let pdf = client.get(app.url(&format!("/cases/{id}/letter.pdf"))).send().await.unwrap().bytes().await.unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("Łukasz Żółć ul. Świętokrzyska 12 00-916 Warszawa"), "{text}");
    assert_eq!(text.matches("Łukasz Żółć").count(), 2, "once in the address, once in the greeting: {text}");
    assert_eq!(text.matches("Łukasz").count(), 2, "{text}");
    assert!(text.contains("As a thank-you for your patience: A second cake, delivered with the first."), "{text}");
    assert!(!text.contains("For your next visit"), "{text}");

    // Not read, not printed.
    let run = client.get(app.url("/letters")).send().await.unwrap().text().await.unwrap();
    assert!(run.contains("Read and queue") && run.contains("No letter is queued for printing"), "{run}");
    assert_eq!(client.get(app.url("/letters/batch.pdf")).send().await.unwrap().status(), 409);

    // An empty body is refused in words, nothing saved.
    let empty = client
        .post(app.url(&format!("/cases/{id}/letter")))
        .form(&[("csrf", csrf.as_str()), ("body", "  \n\n "), ("action", "queue")])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains("The letter has no words"));

    // Edited and saved: the preview and the PDF carry the new words; still not queued.
    let edited = "I am so sorry, Łukasz: the cake was ours to bring.\n\nWe now call before every birthday delivery.";
    let saved = client
        .post(app.url(&format!("/cases/{id}/letter")))
        .form(&[("csrf", csrf.as_str()), ("body", edited), ("action", "save")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let page = saved.text().await.unwrap();
    assert!(page.contains("Saved. The letter waits here until you queue it"), "{page}");
    assert!(page.contains("We now call before every birthday delivery."), "{page}");
    let due = app.get("/api/v1/letters", &agent).await.expect(200)["items"].clone();
    assert_eq!((due[0]["case_id"].as_i64(), due[0]["queued"].as_bool()), (Some(id), Some(false)));

    // Queued: it is in the print run, with the edited words, in Polish as written.
    let queued = client
        .post(app.url(&format!("/cases/{id}/letter")))
        .form(&[("csrf", csrf.as_str()), ("body", edited), ("action", "queue")])
        .send()
        .await
        .unwrap();
    assert!(queued.text().await.unwrap().contains("Queued: the letter goes out with the next print run."));
    assert_eq!(app.get("/api/v1/letters", &agent).await.expect(200)["items"][0]["queued"], true);
    let batch = client.get(app.url("/letters/batch.pdf")).send().await.unwrap();
    assert_eq!(batch.status(), 200);
    let text = pdf_text(&batch.bytes().await.unwrap());
    for expected in [
        "Piekarnia Żak",
        "31-042 Kraków",
        "Dear Łukasz Żółć,",
        "I am so sorry, Łukasz: the cake was ours to bring.",
        "We now call before every birthday delivery.",
    ] {
        assert!(text.contains(expected), "{expected:?} in the print run: {text}");
    }
    assert!(!text.contains("The cake was ours to bring, and we did not"), "the composed words were replaced");
}

async fn webhooks_are_signed_retried_and_logged(db: Db) {
    let app = fast_retries(db).await;
    let (_, agent) = app.staff("agent").await;
    let secret = "another-long-shared-secret";
    let (url, received) = receiver(secret, 2).await;
    app.post("/api/v1/webhooks", &agent, json!({ "url": url, "secret": secret })).await.expect_error(403, "forbidden");
    app.post("/api/v1/webhooks", &app.admin_token, json!({ "url": "ftp://x", "secret": secret }))
        .await
        .expect_error(422, "invalid");
    let hook = app
        .post(
            "/api/v1/webhooks",
            &app.admin_token,
            json!({ "url": url, "secret": secret, "events": ["opened", "apologised"] }),
        )
        .await
        .expect(201);
    assert!(hook.get("secret").is_none(), "the secret is never shown back");
    let hook_id = hook["id"].as_i64().unwrap();

    let case = app.complaint(&agent, "hooked@example.com", "Cold coffee, twice.").await;
    let id = case["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{id}/restatement"), &agent, json!({ "text": "Your coffee was cold twice." }))
        .await
        .expect(200);
    app.post(&format!("/api/v1/cases/{id}/restatement/confirm"), &agent, json!({})).await.expect(200);
    app.post(&format!("/api/v1/cases/{id}/apology"), &agent, json!({ "text": APOLOGY })).await.expect(200);

    // The receiver refuses the first two requests; the retries come after their wait.
    app.settle().await;
    app.pass(time::Duration::minutes(1)).await;
    {
        let r = received.lock().unwrap();
        let kinds: Vec<&str> = r.deliveries.iter().map(|(k, _, _)| k.as_str()).collect();
        let mut sorted = kinds.clone();
        sorted.sort();
        assert_eq!(sorted, ["apologised", "opened"], "only the chosen kinds, each once");
        assert!(r.deliveries.iter().all(|(_, _, valid)| *valid), "every signature checks out");
        assert_eq!(r.requests, 4, "two refused, then two delivered");
        let apologised = r.deliveries.iter().find(|(k, _, _)| k == "apologised").unwrap();
        assert_eq!(apologised.1["data"]["text"], APOLOGY);
        assert_eq!(apologised.1["case_id"], id);
    }
    let log =
        app.get(&format!("/api/v1/webhooks/{hook_id}/deliveries"), &app.admin_token).await.expect(200)["items"].clone();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|d| d["status"] == "delivered" && d["response_status"] == 204));
    let attempts: i64 = log.iter().map(|d| d["attempts"].as_i64().unwrap()).sum();
    assert_eq!(attempts, 4, "the refused attempts are in the log");

    // Turned off: no more deliveries.
    app.call(reqwest::Method::DELETE, &format!("/api/v1/webhooks/{hook_id}"), Some(&app.admin_token), None)
        .await
        .expect(204);
    app.complaint(&agent, "after@example.com", "Another one").await;
    app.settle().await;
    assert_eq!(received.lock().unwrap().deliveries.len(), 2);
}

/// By default a webhook never reaches loopback, private or link-local addresses, by
/// address or by a name that resolves to one: the desk is no way into its network.
async fn webhooks_to_private_addresses_are_refused(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| s.jobs.retry_base = Duration::from_millis(50)).await;
    let (_, agent) = app.staff("agent").await;
    let secret = "a-long-shared-secret-for-hooks";
    let (url, received) = receiver(secret, 0).await;
    let by_name = url.replace("127.0.0.1", "localhost");
    let mut hooks = Vec::new();
    for target in [url.clone(), by_name, "http://169.254.169.254/latest/meta-data".to_owned()] {
        let hook = app.post("/api/v1/webhooks", &app.admin_token, json!({ "url": target, "secret": secret })).await;
        hooks.push(hook.expect(201)["id"].as_i64().unwrap());
    }
    app.complaint(&agent, "private@example.com", "Cold coffee.").await;
    app.settle().await;
    let mut logs = Vec::new();
    for hook in &hooks {
        let path = format!("/api/v1/webhooks/{hook}/deliveries");
        let log = app.get(&path, &app.admin_token).await.expect(200)["items"][0].clone();
        if log["status"] == "failed" {
            logs.push(log);
        }
    }
    assert_eq!(logs.len(), 3, "each delivery failed for good at once: {logs:?}");
    for log in &logs {
        assert_eq!(log["attempts"], 1, "{log}");
        assert!(log["response_status"].is_null(), "{log}");
        assert!(log["last_error"].as_str().unwrap().contains("not public"), "{log}");
    }
    assert_eq!(received.lock().unwrap().requests, 0, "nothing reached the loopback receiver");
}

async fn promises_are_reminded_and_broken_ones_counted(db: Db) {
    let app = fast_retries(db).await;
    let ann = app.member(Role::Agent).await;
    let due = app.clock.now() + time::Duration::seconds(2);
    let mut cases = Vec::new();
    for email in ["broken@example.com", "kept@example.com"] {
        let case = ann.open_case(email, "The order was wrong.").await;
        ann.assign(&case, ann.id).await;
        ann.restate(&case, "Your order was wrong.").await;
        ann.confirm(&case).await;
        ann.apologise(&case, APOLOGY).await;
        ann.offer(&case, ["A new order today", "A refund"]).await;
        ann.choose(&case, 1).await;
        ann.promise_fix(&case, "Deliver the right order", due).await;
        cases.push(case);
    }
    let (broken, kept) = (&cases[0], &cases[1]);
    ann.fix_done(kept, "Delivered").await;

    let notes = |case: &Case| -> Vec<String> {
        case.events("note_added")
            .into_iter()
            .filter(|e| e.fields["actor"]["type"] == "system")
            .map(|e| e.text().to_owned())
            .collect()
    };
    // The reminder runs at once (due within a day); the promise breaks when its time passes.
    app.settle().await;
    app.pass(time::Duration::seconds(3)).await;
    let broken_notes = notes(&ann.case(broken).await);
    assert_eq!(broken_notes.len(), 2, "{broken_notes:?}");
    assert!(broken_notes[0].contains("is due") && broken_notes[0].contains("within a day"), "{broken_notes:?}");
    assert!(broken_notes[1].contains("is broken"), "{broken_notes:?}");
    assert!(broken_notes[1].starts_with("agent "), "the owner is named: {broken_notes:?}");
    let kept_notes = notes(&ann.case(kept).await);
    assert!(kept_notes.iter().all(|n| !n.contains("broken")), "{kept_notes:?}");

    let agent = &ann.token;
    let counted = app.get("/api/v1/promises/broken", agent).await.expect(200);
    assert_eq!(counted["count"], 1, "{counted}");
    assert_eq!(counted["items"][0]["case_id"], broken.id);
    app.get("/api/v1/promises/broken?from=2030-01-01T00:00:00Z&to=2029-01-01T00:00:00Z", agent)
        .await
        .expect_error(422, "invalid");
}

async fn a_gesture_is_suggested_by_value_and_severity(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "regular@example.com", "The bread was stale.").await;
    let (id, customer_id) = (case["id"].as_i64().unwrap(), case["customer_id"].as_i64().unwrap());
    let fresh = app.get(&format!("/api/v1/cases/{id}/gesture/suggestion"), &agent).await.expect(200);
    assert_eq!(fresh["suggested_minor"], 1_000, "a normal case for a new customer: the base, {fresh}");
    assert_eq!(fresh["catalogue"].as_array().unwrap().len(), 6);
    let orders: Vec<Value> = (0..4)
        .map(|i| json!({ "customer_id": customer_id, "external_id": format!("lv-{i}"), "kind": "order", "amount_minor": 50_000, "currency": "EUR", "occurred_at": "2026-10-01T12:00:00Z" }))
        .collect();
    app.post("/api/v1/transactions/batch", &agent, json!({ "transactions": orders })).await.expect(200);
    let valued = app.get(&format!("/api/v1/cases/{id}/gesture/suggestion"), &agent).await.expect(200);
    // 10.00 + 3 % of 2000.00 at normal weight (half): 40.00.
    assert_eq!(valued["suggested_minor"], 4_000, "{valued}");
    assert_eq!(valued["currency"], "EUR");
    app.get("/api/v1/cases/999999/gesture/suggestion", &agent).await.expect_error(404, "not_found");
}

async fn reports_agree_with_a_seeded_data_set(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;
    let fmt = &time::format_description::well_known::Rfc3339;
    let from = (app.clock.now() - time::Duration::hours(1)).format(fmt).unwrap();
    let step = |id: i64, path: &str, body: Value| {
        let app = &app;
        let agent = agent.clone();
        let path = format!("/api/v1/cases/{id}/{path}");
        async move { app.post(&path, &agent, body).await.expect(200) }
    };

    // A: walked to the watch list (gesture 12.00 EUR, satisfaction 5, problem "slip"),
    // orders again, and is retained.
    let (a, a_customer) = walk(&app, &agent, "a@example.com", "call", "2099-01-05T10:00:00Z", true).await;
    let slip = app.get(&format!("/api/v1/cases/{a}"), &agent).await.expect(200)["problem_id"].as_i64().unwrap();
    let now = app.clock.now().format(fmt).unwrap();
    let a_orders = [("a-old", 20_000, "2026-01-01T10:00:00Z".to_owned()), ("a-new", 5_000, now.clone())];
    for (ext, amount, at) in &a_orders {
        app.post("/api/v1/transactions", &agent, json!({ "customer_id": a_customer, "external_id": ext, "kind": "order", "amount_minor": amount, "currency": "EUR", "occurred_at": at }))
            .await
            .expect(201);
    }
    step(a, "next-time", json!({ "note": "Came back for a birthday cake" })).await;
    step(a, "outcome", json!({ "outcome": "retained" })).await;

    // B: same root cause, lost.
    let b = app.complaint(&agent, "b@example.com", "Late again.").await["id"].as_i64().unwrap();
    step(b, "restatement", json!({ "text": "It was late again." })).await;
    step(b, "restatement/confirm", json!({})).await;
    step(b, "prevent", json!({ "problem_id": slip })).await;
    step(b, "outcome", json!({ "outcome": "lost", "reason": "Moved to another bakery" })).await;

    // C: complains twice (a repeat complainer), one case linked to another cause.
    let change = app
        .post(
            "/api/v1/problems",
            &agent,
            json!({ "title": "Wrong change given", "corrective_action": "Refunded the difference" }),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let c1 = app.complaint(&agent, "c@example.com", "Short changed.").await["id"].as_i64().unwrap();
    app.complaint(&agent, "c@example.com", "Short changed again.").await;
    step(c1, "restatement", json!({ "text": "You were given the wrong change." })).await;
    step(c1, "restatement/confirm", json!({})).await;
    step(c1, "prevent", json!({ "problem_id": change })).await;

    // D never complained and ordered; E never complained and did not.
    for (name, ext) in [("Dora", "d"), ("Emil", "e")] {
        let d = app.post("/api/v1/customers", &agent, json!({ "name": name, "external_id": ext })).await.expect(201);
        if ext == "d" {
            app.post("/api/v1/transactions", &agent, json!({ "customer_id": d["id"], "external_id": "d-1", "kind": "visit", "amount_minor": 900, "currency": "EUR", "occurred_at": now }))
                .await
                .expect(201);
        }
    }
    let to = (app.clock.now() + time::Duration::hours(1)).format(fmt).unwrap();
    let query = format!("from={}&to={}", from.replace('+', "%2B"), to.replace('+', "%2B"));

    // The right answers, from the seed above.
    let outcomes = ["retained", "lost"];
    let retained = outcomes.iter().filter(|o| **o == "retained").count() as f64;
    let rate = retained / outcomes.len() as f64;
    let kept: i64 = a_orders.iter().map(|(_, amount, _)| amount).sum();
    let (complainers, complainers_back) = (3, 1); // A, B, C; only A came back
    let (never, never_back) = (2, 1); // D, E; only D

    app.get(&format!("/api/v1/reports?{query}"), &agent).await.expect_error(403, "forbidden");
    let r = app.get(&format!("/api/v1/reports?{query}"), &manager).await.expect(200);
    assert_eq!(r["cases_opened"], 4, "{r}");
    assert_eq!(r["retained"], 1);
    assert_eq!(r["retained_after_follow_up"], 1, "A said 5 of 5");
    assert_eq!(r["retained_by_manager"], 0);
    assert_eq!(r["lost"], 1);
    assert_eq!(r["recovery_rate"].as_f64().unwrap(), rate);
    assert_eq!(r["satisfaction_count"], 1);
    assert_eq!(r["satisfaction_average"].as_f64().unwrap(), 5.0);
    assert_eq!(
        r["money"],
        json!([{ "currency": "EUR", "gesture_cost_minor": 1200, "lifetime_value_kept_minor": kept }])
    );
    assert_eq!(r["complainers"], complainers);
    assert_eq!(r["complainers_returned"], complainers_back);
    assert_eq!(r["non_complainers"], never);
    assert_eq!(r["non_complainers_returned"], never_back);
    assert_eq!(r["return_rate_non_complainers"].as_f64().unwrap(), 0.5);
    assert_eq!(r["repeat_complainers"], 1);
    assert_eq!(r["broken_promises"], 0);
    assert_eq!(r["root_causes"][0]["problem_id"], slip);
    assert_eq!(r["root_causes"][0]["cases"], 2);
    assert_eq!(r["root_causes"][0]["cumulative_percent"].as_f64().unwrap(), 66.7);
    assert_eq!(r["root_causes"][1]["cases"], 1);
    assert_eq!(r["root_causes"][1]["cumulative_percent"].as_f64().unwrap(), 100.0);
    let fix_hours = r["hours_to_fix"].as_f64().unwrap();
    assert!(fix_hours > 0.0 && fix_hours < 1.0, "{fix_hours}");
    // A retained case has every step done; the others fewer.
    let steps = r["steps_done_average"].as_f64().unwrap();
    assert!(steps > 2.0 && steps < 10.0, "{steps}");

    // An earlier range holds none of it.
    let empty =
        app.get("/api/v1/reports?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", &manager).await.expect(200);
    assert_eq!(empty["cases_opened"], 0);
    assert!(empty["recovery_rate"].is_null());

    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/reports?{query}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("<svg") && page.contains("Weekend deliveries slip") && page.contains("50 %"), "{page}");
    let csv = client.get(app.url(&format!("/reports/root_causes.csv?{query}"))).send().await.unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = csv.text().await.unwrap();
    assert_eq!(
        csv,
        format!(
            "problem_id,title,cases,cumulative_percent\r\n{slip},Weekend deliveries slip,2,66.7\r\n{change},Wrong change given,1,100.0\r\n"
        )
    );
    let summary =
        client.get(app.url(&format!("/reports/summary.csv?{query}"))).send().await.unwrap().text().await.unwrap();
    assert!(summary.contains("recovery_rate,0.50\r\n"), "{summary}");
}

async fn gestures_above_the_agent_limit_wait_for_a_manager(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.store.gesture_agent_limit_minor = 2_000;
        s.store.gesture_monthly_budget_minor = 10_000;
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    let (manager_id, manager) = app.staff("manager").await;
    let case = app.complaint(&agent, "big@example.com", "The wedding cake collapsed.").await;
    let id = case["id"].as_i64().unwrap();
    ready_for_a_gesture(&app, &agent, id).await;
    let gesture = |cost: i64| json!({ "gesture": "voucher", "description": format!("Dinner for two ({cost})"), "cost_minor": cost, "currency": "EUR" });
    // Within the limit, an agent's gesture is recorded at once.
    app.post(&format!("/api/v1/cases/{id}/gesture"), &agent, gesture(1_500)).await.expect(200);
    let held = app.post(&format!("/api/v1/cases/{id}/gesture"), &agent, gesture(6_000)).await;
    assert_eq!(held.status, 202, "{}", held.body);
    assert_eq!(held.body["error"], "approval_needed");
    let approval_id = held.body["approval_id"].as_i64().unwrap();
    let case_now = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert!(case_now["timeline"].as_array().unwrap().iter().all(|e| e["cost_minor"] != 6_000), "not yet given");

    app.get("/api/v1/approvals", &agent).await.expect_error(403, "forbidden");
    let queue = app.get("/api/v1/approvals", &manager).await.expect(200)["items"].clone();
    assert_eq!(queue.as_array().unwrap().len(), 1);
    assert_eq!(queue[0]["cost_minor"], 6_000);
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url("/approvals")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-approval=\"{approval_id}\"")), "{page}");

    let approved = app.post(&format!("/api/v1/approvals/{approval_id}/approve"), &manager, json!({})).await.expect(200);
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["decided_by"], manager_id);
    app.post(&format!("/api/v1/approvals/{approval_id}/approve"), &manager, json!({}))
        .await
        .expect_error(409, "conflict");
    let timeline = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["timeline"].clone();
    let given: Vec<_> = timeline.as_array().unwrap().iter().filter(|e| e["kind"] == "gesture_recorded").collect();
    assert_eq!(given.iter().map(|e| e["cost_minor"].as_i64().unwrap()).collect::<Vec<_>>(), [1_500, 6_000]);

    // The budget counts both.
    let budget = app.get("/api/v1/gestures/budget", &manager).await.expect(200);
    assert_eq!(
        budget["items"],
        json!([{ "currency": "EUR", "spent_minor": 7_500, "budget_minor": 10_000, "left_minor": 2_500 }])
    );
    app.get("/api/v1/gestures/budget?month=2026-13", &manager).await.expect_error(422, "invalid");

    // A declined one leaves a note saying why.
    let held = app.post(&format!("/api/v1/cases/{id}/gesture"), &agent, gesture(9_000)).await;
    let second = held.body["approval_id"].as_i64().unwrap();
    app.post(&format!("/api/v1/approvals/{second}/decline"), &manager, json!({ "reason": "Over the month's budget" }))
        .await
        .expect(200);
    let timeline = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["timeline"].clone();
    assert!(
        timeline
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "note_added" && e["text"].as_str().unwrap().contains("Over the month's budget"))
    );
    assert!(app.get("/api/v1/approvals", &manager).await.expect(200)["items"].as_array().unwrap().is_empty());
}

/// A report's CSV opened in a spreadsheet that splits on `;` (most of Europe) runs no
/// formula hidden after a separator in a cell.
async fn report_csv_runs_no_formula_in_a_semicolon_locale(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    let title = "Late;=HYPERLINK(\"http://evil.example\",\"Click\")";
    let problem = app
        .post("/api/v1/problems", &agent, json!({ "title": title, "corrective_action": "Baked again" }))
        .await
        .expect(201);
    let case = app.complaint(&agent, "csv@example.com", "The bread was late.").await;
    let id = case["id"].as_i64().unwrap();
    for (path, body) in [
        ("restatement", json!({ "text": "Your bread came late." })),
        ("restatement/confirm", json!({})),
        ("prevent", json!({ "problem_id": problem["id"] })),
    ] {
        app.post(&format!("/api/v1/cases/{id}/{path}"), &agent, body).await.expect(200);
    }
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let csv = client.get(app.url("/reports/root_causes.csv")).send().await.unwrap().text().await.unwrap();
    let row = csv.lines().nth(1).expect("one root cause");
    assert!(row.contains("Late;'=HYPERLINK"), "{row}");
    // Read as a spreadsheet does: a quote counts only at a cell's start.
    for separator in [',', ';'] {
        let (mut quoted, mut cell_start, mut first) = (false, true, true);
        let mut chars = row.chars().peekable();
        while let Some(c) = chars.next() {
            if quoted && c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            } else if first && c == '"' {
                quoted = true;
                first = false;
                continue;
            } else if !quoted && c == separator {
                (cell_start, first) = (true, true);
                continue;
            } else if cell_start && c != ' ' {
                assert!(!"=+-@".contains(c), "a cell split on {separator:?} starts with {c:?}: {row}");
                cell_start = false;
            }
            first = false;
        }
    }
}

/// The playbook's steps before a gesture may be given.
async fn ready_for_a_gesture(app: &TestApp, token: &str, id: i64) {
    for (path, body) in [
        ("restatement", json!({ "text": "Your wedding cake collapsed." })),
        ("restatement/confirm", json!({})),
        ("apology", json!({ "text": APOLOGY })),
        ("offer", json!({ "options": ["A new cake", "A full refund"] })),
        ("offer/choice", json!({ "option": 2 })),
    ] {
        app.post(&format!("/api/v1/cases/{id}/{path}"), token, body).await.expect(200);
    }
}

/// Splitting a gesture into parts, or spreading it over cases, does not get past the
/// limits: each counts what was already given; past the month's budget a manager
/// decides; a form sent twice queues one approval.
async fn gesture_limits_count_what_was_already_given(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.store.gesture_agent_limit_minor = 2_000;
        s.store.gesture_agent_monthly_limit_minor = 3_000;
        s.store.gesture_monthly_budget_minor = 5_000;
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    let (_, other) = app.staff("agent").await;
    let (_, third) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;
    let mut cases = Vec::new();
    for n in 0..3 {
        let case = app.complaint(&agent, &format!("split{n}@example.com"), "The wedding cake collapsed.").await;
        let id = case["id"].as_i64().unwrap();
        ready_for_a_gesture(&app, &agent, id).await;
        cases.push(id);
    }
    let gesture = |cost: i64, what: &str| json!({ "gesture": "voucher", "description": what, "cost_minor": cost, "currency": "EUR" });
    let path = |id: i64| format!("/api/v1/cases/{id}/gesture");

    // Three gestures of exactly the limit on one case, sent together: one is given.
    let on_first = path(cases[0]);
    let (a, b, c) = tokio::join!(
        app.post(&on_first, &agent, gesture(2_000, "Cake")),
        app.post(&on_first, &agent, gesture(2_000, "Flowers")),
        app.post(&on_first, &agent, gesture(2_000, "Dinner")),
    );
    let sent = [a, b, c];
    let mut statuses: Vec<u16> = sent.iter().map(|a| a.status.as_u16()).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 202, 202], "{:?}", sent.iter().map(|a| &a.body).collect::<Vec<_>>());
    for held in sent.iter().filter(|a| a.status == 202) {
        assert_eq!(held.body["error"], "approval_needed");
        assert_eq!(held.body["reason"], "above_case_limit", "{}", held.body);
    }
    let timeline = app.get(&format!("/api/v1/cases/{}", cases[0]), &agent).await.expect(200)["timeline"].clone();
    let given = timeline.as_array().unwrap().iter().filter(|e| e["kind"] == "gesture_recorded").count();
    assert_eq!(given, 1);
    assert_eq!(app.get("/api/v1/approvals", &manager).await.expect(200)["items"].as_array().unwrap().len(), 2);

    // The same form sent again finds the approval already waiting.
    let first = app.post(&path(cases[0]), &agent, gesture(500, "Balloons")).await;
    let again = app.post(&path(cases[0]), &agent, gesture(500, "Balloons")).await;
    assert_eq!((first.status.as_u16(), again.status.as_u16()), (202, 202));
    assert_eq!(first.body["approval_id"], again.body["approval_id"]);
    assert_eq!(app.get("/api/v1/approvals", &manager).await.expect(200)["items"].as_array().unwrap().len(), 3);

    // Spread over cases: the agent's month counts too (2,000 given, 3,000 a month).
    let spread = app.post(&path(cases[1]), &agent, gesture(1_500, "Cake")).await;
    assert_eq!(
        (spread.status.as_u16(), spread.body["reason"].as_str()),
        (202, Some("above_monthly_limit")),
        "{}",
        spread.body
    );
    app.post(&path(cases[1]), &agent, gesture(1_000, "Cake")).await.expect(200);

    // Everyone's month: 3,000 given; 5,000 is the budget.
    app.post(&path(cases[1]), &other, gesture(1_000, "Flowers")).await.expect(200);
    let past = app.post(&path(cases[2]), &third, gesture(1_500, "Dinner")).await;
    assert_eq!((past.status.as_u16(), past.body["reason"].as_str()), (202, Some("past_budget")), "{}", past.body);
    assert!(past.body["message"].as_str().unwrap().contains("budget"), "{}", past.body);
    // A manager decides for themselves.
    app.post(&path(cases[2]), &manager, gesture(1_500, "Dinner")).await.expect(200);
    let budget = app.get("/api/v1/gestures/budget", &manager).await.expect(200);
    assert_eq!(budget["items"][0]["spent_minor"], 5_500);
}

/// On the staff pages a gesture above the agent's limit is a success that waits for a
/// manager: the case page says so in words (not an error page), and sending the form
/// again makes no second approval.
async fn a_held_gesture_on_the_case_page_is_said_in_words(db: Db) {
    let app = spawn_app_with(db, |s: &mut Settings| s.store.gesture_agent_limit_minor = 2_000).await;
    let password = "correct horse battery";
    app.post(
        "/api/v1/users",
        &app.admin_token,
        json!({ "email": "ella@bakery.example", "name": "Ella", "role": "agent", "password": password }),
    )
    .await
    .expect(201);
    let agent = app.token_for("ella@bakery.example", password).await;
    let case = app.complaint(&agent, "held@example.com", "The wedding cake collapsed.").await;
    let id = case["id"].as_i64().unwrap();
    ready_for_a_gesture(&app, &agent, id).await;

    let (client, csrf) = app.signed_in("ella@bakery.example", password).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("gesture", "voucher"),
        ("description", "Dinner for two"),
        ("cost", "60.00"),
        ("currency", "EUR"),
    ];
    for _ in 0..2 {
        let sent = client.post(app.url(&format!("/cases/{id}/steps/gesture"))).form(&form).send().await.unwrap();
        assert_eq!(sent.status(), 200, "followed to the case page");
        let page = sent.text().await.unwrap();
        assert!(
            page.contains("waits for a manager&#x27;s approval") || page.contains("waits for a manager's approval"),
            "{page}"
        );
        assert!(page.contains("above your limit"), "the reason, in words");
    }
    let (_, manager) = app.staff("manager").await;
    let queue = app.get("/api/v1/approvals", &manager).await.expect(200)["items"].clone();
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "one approval for a form sent twice: {queue}");
}

crate::on_both_databases!(
    a_held_gesture_on_the_case_page_is_said_in_words,
    a_watched_customer_coming_back_alerts_staff,
    a_next_order_recorded_on_the_customer_page_alerts_staff,
    letters_are_printed_from_the_timeline_and_marked_posted,
    a_letter_is_refused_in_words_when_the_customer_has_no_address,
    a_letter_is_read_edited_and_queued_before_the_print_run,
    webhooks_are_signed_retried_and_logged,
    webhooks_to_private_addresses_are_refused,
    promises_are_reminded_and_broken_ones_counted,
    a_gesture_is_suggested_by_value_and_severity,
    reports_agree_with_a_seeded_data_set,
    gestures_above_the_agent_limit_wait_for_a_manager,
    gesture_limits_count_what_was_already_given,
    report_csv_runs_no_formula_in_a_semicolon_locale
);

/// Two `amends serve` instances on one PostgreSQL database, both running jobs: every
/// acknowledgement is sent exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_on_one_postgres_never_run_a_job_twice() {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    let smtp2 = smtp.clone();
    // Both runners in the background, racing for the same jobs.
    let mut first = spawn_app_with(Db::Postgres, move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.jobs.in_background = true;
        s.jobs.poll_interval = Duration::from_millis(10);
    })
    .await;
    let (second, _) = start(&first.database_url, None, first.clock.clone(), move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp2);
        s.jobs.in_background = true;
        s.jobs.poll_interval = Duration::from_millis(10);
    })
    .await;
    let (_, agent) = first.staff("agent").await;
    const N: usize = 60;
    let client = reqwest::Client::new();
    let mut sent = Vec::new();
    for i in 0..N {
        // Alternate the instances that take the complaints in.
        let base = if i % 2 == 0 { first.address.clone() } else { second.address.clone() };
        let email = format!("twice{i}@example.com");
        let body = json!({ "customer": { "name": format!("Guest {i}"), "email": email }, "body": "The soup was cold.", "channel": "web" });
        let request = client.post(format!("{base}/api/v1/cases")).bearer_auth(&agent).json(&body);
        sent.push(tokio::spawn(async move { request.send().await }));
    }
    for r in sent {
        assert_eq!(r.await.unwrap().unwrap().status(), 201);
    }
    wait_until("every acknowledgement", Duration::from_secs(20), || std::future::ready(sink.received().len() >= N))
        .await;
    // Both stopped (each finishes the job in hand): anything run twice has arrived now.
    first.stop().await;
    let _ = second.shutdown.send(());
    let _ = second.stopped.await;
    let mut per_recipient: HashMap<String, usize> = HashMap::new();
    for (_, envelope) in sink.received_with_envelope() {
        let meta: Value = serde_json::from_str(&envelope).unwrap();
        for to in meta["rcpt_tos"].as_array().unwrap() {
            *per_recipient.entry(to.as_str().unwrap().to_lowercase()).or_default() += 1;
        }
    }
    assert_eq!(per_recipient.len(), N, "{per_recipient:?}");
    assert!(per_recipient.values().all(|n| *n == 1), "a message arrived twice: {per_recipient:?}");
}
