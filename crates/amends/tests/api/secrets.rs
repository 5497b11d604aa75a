//! Secrets kept nowhere but where they belong: a customer's personal link is live only
//! in the mail that left (staff, the API and backups see it masked), an API token's
//! answer is not kept for an `Idempotency-Key` replay, and an address a customer typed
//! never becomes a link in the desk's mail or pages.

use std::time::Duration;

use amends::Settings;
use amends_store::secret::{MASKED_TOKEN, mask_link_tokens};
use amends_store::{Store, StoreSettings};
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{Db, TestApp, answer, spawn_app_with};
use crate::mail::{SmtpSink, link_in, page, post_form, spawn_with_smtp};

/// Everything a backup of the app's database holds, as text.
async fn backup_text(app: &TestApp) -> String {
    let store = Store::connect(&app.database_url, StoreSettings::default()).await.unwrap();
    let mut out = Vec::new();
    store.backup(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

/// The case's messages once the queue has run: at least `n`, every one sent.
async fn messages(app: &TestApp, token: &str, case_id: i64, n: usize) -> Vec<Value> {
    app.settle().await;
    let m = app.get(&format!("/api/v1/cases/{case_id}/messages"), token).await.expect(200);
    let items = m["items"].as_array().unwrap().clone();
    assert!(items.len() >= n && items.iter().all(|m| m["status"] == "sent"), "case {case_id}: {m}");
    items
}

/// The HTML part of the first message for `to` whose subject has `subject`, as the SMTP
/// server received it.
async fn html_received(app: &TestApp, sink: &SmtpSink, to: &str, subject: &str) -> String {
    sink.delivered(app, to, subject).await;
    for entry in std::fs::read_dir(&sink.dir.path).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "eml") {
            continue;
        }
        let envelope = std::fs::read_to_string(path.with_extension("json")).unwrap_or_default();
        let raw = std::fs::read(&path).unwrap();
        let mail = mail_parser::MessageParser::default().parse(&raw).unwrap();
        if envelope.contains(to) && mail.subject().is_some_and(|s| s.contains(subject)) {
            return mail.body_html(0).expect("an HTML part").into_owned();
        }
    }
    panic!("no message \"{subject}\" for {to}");
}

async fn staff_never_hold_a_live_link(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "kim@example.com", "The parcel came open and half was gone.").await;
    let id = case["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{id}/restatement"), &agent, json!({ "text": "Your parcel arrived open." }))
        .await
        .expect(200);
    let status_link = link_in(&sink.delivered(&app, "kim@example.com", "We have your message").await);
    let link = link_in(&sink.delivered(&app, "kim@example.com", "Did we understand you?").await);

    // What staff read of the messages shows the links masked: no token at all.
    let kept = messages(&app, &agent, id, 2).await;
    for m in &kept {
        for body in [&m["text_body"], &m["html_body"]] {
            let body = body.as_str().unwrap();
            assert!(body.contains(&format!("/c/{MASKED_TOKEN}")), "the link is shown masked: {body}");
            assert!(mask_link_tokens(body).1.is_empty(), "no token in what staff see: {body}");
            assert!(!body.contains(&link[3..]) && !body.contains(&status_link[3..]));
        }
    }
    // So an agent cannot answer as the customer: the masked link opens nothing.
    let (code, _) = post_form(&app, &format!("/c/{MASKED_TOKEN}"), &[("action", "confirm")]).await;
    assert_eq!(code, 404);
    let still = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(still["status"], "awaiting_customer");
    // A backup holds neither token.
    let backup = backup_text(&app).await;
    assert!(!backup.contains(&link[3..]) && !backup.contains(&status_link[3..]), "a live token in the backup");

    // The customer's own links work.
    assert_eq!(page(&app, &status_link).await.0, 200);
    let (code, _) = post_form(&app, &link, &[("action", "confirm")]).await;
    assert_eq!(code, 200);
    let confirmed = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(confirmed["next_step"], "apologise");
}

/// A message that could not be sent at first is sent later, under the same Message-ID,
/// with a link that works: each attempt makes its token when it sends.
async fn a_retried_message_carries_a_working_link(db: Db) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nobody_listens = closed.local_addr().unwrap().port();
    drop(closed);
    let sink = SmtpSink::start();
    let mut unreachable = sink.settings();
    unreachable.port = nobody_listens;
    let mut app = spawn_app_with(db, move |s: &mut Settings| {
        s.jobs.smtp = Some(unreachable);
        s.jobs.retry_base = Duration::from_millis(100);
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "lou@example.com", "My order never came.").await;
    let id = case["id"].as_i64().unwrap();
    app.settle().await;
    let m = app.get(&format!("/api/v1/cases/{id}/messages"), &agent).await.expect(200);
    let first = m["items"][0].clone();
    assert_eq!(first["attempts"], 1, "the outbox tried once: {m}");
    assert_eq!(first["status"], "queued");

    let smtp = sink.settings();
    app.restart(move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.jobs.retry_base = Duration::from_millis(100);
    })
    .await;
    // Past the retry's wait.
    app.clock.advance(time::Duration::minutes(1));
    let mail = sink.delivered(&app, "lou@example.com", "We have your message").await;
    let bare = |id: &str| id.trim_matches(['<', '>']).to_owned();
    assert_eq!(mail.message_id.as_deref().map(bare), first["message_id"].as_str().map(bare), "the same message");
    let link = link_in(&mail);
    let (code, shown) = page(&app, &link).await;
    assert_eq!(code, 200, "{shown}");
    assert!(shown.contains(case["reference"].as_str().unwrap()));
    assert_eq!(sink.received().len(), 1);
    assert!(!backup_text(&app).await.contains(&link[3..]), "the token that left is kept nowhere");
}

/// A database from before links were masked: its kept messages hold live tokens. The
/// upgrade masks them; the links they sent keep working, and a message still waiting
/// leaves with a token that opens its link.
async fn an_upgrade_masks_the_tokens_already_kept(db: Db) {
    // The old desk's runner sleeps: nothing is sent, and nothing reads the tables we change.
    let mut app = spawn_app_with(db, |s: &mut Settings| s.jobs.poll_interval = Duration::from_secs(3600)).await;
    let (agent_id, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "max@example.com", "The chair arrived broken.").await;
    let id = case["id"].as_i64().unwrap();

    // Undo migration 11 and keep two messages as the old desk did: one sent, one waiting.
    // (Their links ask the follow-up: the acknowledgement's status link, sent after the
    // restart, revokes older status links.)
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    for undo in [
        "DROP TABLE link_tokens",
        "DROP INDEX disclosure_recipients_outbox",
        "ALTER TABLE outbox DROP COLUMN link_id",
        "DELETE FROM schema_migrations WHERE version = 11",
    ] {
        sqlx::query(undo).execute(&pool).await.unwrap();
    }
    let now = app.clock.now().unix_timestamp() * 1000;
    let (sent, waiting) = ("0123456789abcdef".repeat(4), "fedcba9876543210".repeat(4));
    for (n, (token, status)) in [(&sent, "sent"), (&waiting, "queued")].into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO customer_links (token_hash, case_id, purpose, created_at, expires_at) VALUES ($1, $2, 'follow_up', $3, $4)",
        )
        .bind(amends_store::secret::secret_hash(token))
        .bind(id)
        .bind(now)
        .bind(now + 86_400_000)
        .execute(&pool)
        .await
        .unwrap();
        let link = format!("{}/c/{token}", app.address);
        let outbox_id: i64 = sqlx::query(
            "INSERT INTO outbox (case_id, to_email, subject, text_body, html_body, message_id, purpose, status, created_at)
             VALUES ($1, 'max@example.com', $2, $3, $4, $5, 'follow_up', $6, $7) RETURNING id",
        )
        .bind(id)
        .bind(format!("Old message {n}"))
        .bind(format!("See your case here:\n{link}\n"))
        .bind(format!("<p>See your case here:<br>\n<a href=\"{link}\">{link}</a></p>"))
        .bind(format!("<old-{n}@amends.local>"))
        .bind(status)
        .bind(now)
        .fetch_one(&pool)
        .await
        .unwrap()
        .get(0);
        if status == "queued" {
            sqlx::query("INSERT INTO jobs (kind, payload, run_at, created_at) VALUES ('send_email', $1, $2, $2)")
                .bind(json!({ "outbox_id": outbox_id }).to_string())
                .bind(now)
                .execute(&pool)
                .await
                .unwrap();
        }
    }
    // And an API token's answer, kept for an Idempotency-Key replay.
    let api_token = format!("amends_{}", "5a".repeat(32));
    sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) VALUES ($1, 'k', 'h', 201, $2, $3)",
    )
    .bind(agent_id)
    .bind(json!({ "id": 9, "name": "old", "token": api_token }).to_string())
    .bind(now)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    let sink = SmtpSink::start();
    let smtp = sink.settings();
    app.restart(move |s: &mut Settings| s.jobs.smtp = Some(smtp)).await;
    let left = link_in(&sink.delivered(&app, "max@example.com", "Old message 1").await);
    assert_ne!(left, format!("/c/{waiting}"), "the waiting message leaves with a token made as it is sent");
    assert_eq!(page(&app, &left).await.0, 200);
    for m in app.get(&format!("/api/v1/cases/{id}/messages"), &agent).await.expect(200)["items"].as_array().unwrap() {
        for body in [&m["text_body"], &m["html_body"]] {
            assert!(mask_link_tokens(body.as_str().unwrap()).1.is_empty(), "a live token is still kept: {m}");
        }
    }
    let backup = backup_text(&app).await;
    for token in [&sent, &waiting, &left[3..].to_owned(), &api_token] {
        assert!(!backup.contains(token.as_str()), "a live token in the backup");
    }
    // What customers already hold keeps working: links are stored as hashes.
    assert_eq!(page(&app, &format!("/c/{sent}")).await.0, 200);
    assert_eq!(page(&app, &format!("/c/{waiting}")).await.0, 200);
}

async fn a_new_tokens_answer_is_not_kept_for_replay(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let client = reqwest::Client::new();
    let create = || {
        client
            .post(app.url("/api/v1/tokens"))
            .bearer_auth(&agent)
            .header("idempotency-key", "laptop-1")
            .json(&json!({ "name": "laptop" }))
            .send()
    };
    let first = answer(create().await.unwrap()).await.expect(201);
    let token = first["token"].as_str().unwrap().to_owned();

    // Neither the key's record nor a backup holds the token.
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let kept = sqlx::query("SELECT COALESCE(body, '') AS body FROM idempotency_keys").fetch_all(&db).await.unwrap();
    assert_eq!(kept.len(), 1, "the key is recorded as used");
    assert!(kept.iter().all(|r| !r.get::<String, _>("body").contains(&token)), "the token is kept for replay");
    assert!(!backup_text(&app).await.contains(&token), "the token is in the backup");

    // A retry makes no second token and says why it cannot show the first.
    let again = answer(create().await.unwrap()).await;
    assert_eq!(again.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let refused = again.expect_error(409, "secret_not_kept");
    assert!(refused["message"].as_str().unwrap().contains("shown only once"));
    let tokens = app.get("/api/v1/tokens", &token).await.expect(200);
    let laptops = tokens["items"].as_array().unwrap().iter().filter(|t| t["name"] == "laptop").count();
    assert_eq!(laptops, 1, "one token was made");
}

async fn a_customers_address_never_becomes_a_link(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let (_, agent) = app.staff("agent").await;
    let name = "Sam, please re-confirm at https://evil.example/verify";
    let case = app
        .post(
            "/api/v1/cases",
            &agent,
            json!({ "customer": { "name": name, "email": "sam@example.com" }, "channel": "email",
                    "body": "Write to refunds@evil.example or see www.evil.example/claim" }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    app.post(
        &format!("/api/v1/cases/{id}/restatement"),
        &agent,
        json!({ "text": "You were told to claim at https://evil.example/claim or refunds@evil.example." }),
    )
    .await
    .expect(200);

    for subject in ["We have your message", "Did we understand you?"] {
        let html = html_received(&app, &sink, "sam@example.com", subject).await;
        // The customer's words are there, readable, but no client can make a link of them.
        assert!(html.contains("re-confirm at https"), "{html}");
        for linkable in ["evil.example", "https://evil", "www.evil", "refunds@", "href=\"https://evil"] {
            assert!(!html.contains(linkable), "{linkable:?} in the HTML of \"{subject}\": {html}");
        }
        // The desk's own link stays a link, and it is the only one.
        assert_eq!(html.matches("<a ").count(), 1, "{html}");
        assert!(html.contains(&format!("<a href=\"{}/c/", app.address)), "{html}");
        // The text part still carries the customer's words as they wrote them.
        let mail = sink.delivered(&app, "sam@example.com", subject).await;
        assert!(mail.text.contains("evil.example"));
    }

    // Nor on the customer's page, or in the staff's copy of the message.
    let status_link = link_in(&sink.delivered(&app, "sam@example.com", "We have your message").await);
    let (code, shown) = page(&app, &status_link).await;
    assert_eq!(code, 200);
    for m in messages(&app, &agent, id, 2).await {
        let html = m["html_body"].as_str().unwrap();
        assert!(!html.contains("evil.example") && html.matches("<a ").count() == 1, "{html}");
    }
    let (staff, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let case_page = staff.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(case_page.contains("re-confirm at https"), "the staff read the words as written");
    for href in ["href=\"https://evil", "href=\"http://www.evil", "href=\"www.evil", "href=\"mailto:refunds"] {
        assert!(!case_page.contains(href) && !shown.contains(href), "{href} on a page");
    }
}

crate::on_both_databases!(
    staff_never_hold_a_live_link,
    a_retried_message_carries_a_working_link,
    an_upgrade_masks_the_tokens_already_kept,
    a_customers_address_never_becomes_a_link,
    a_new_tokens_answer_is_not_kept_for_replay,
);
