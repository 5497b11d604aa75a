//! The spam filter: a spammy email or form post lands in the spam folder, out of the
//! inbox and unacknowledged; staff release it (acknowledged then) or confirm it and
//! block the sender; a blocked domain is held from then on; staff mark a case as spam.

use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn mail(from: &str, message_id: &str, subject: &str, extra_headers: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: desk@bakery.example\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n\
         Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n{extra_headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn spammy_mail(from: &str) -> String {
    mail(
        from,
        "<12345>",
        "You have won",
        "Authentication-Results: mx.bakery.example; spf=fail smtp.mailfrom=lotto.example; dkim=fail\r\n",
        "Dear friend, you have won! Claim your prize at https://bit.ly/claim-now or http://203.0.113.9/win",
    )
}

const REAL_WORDS: &str = "The birthday cake I collected on Saturday was the wrong flavour and my daughter cried.";

async fn inbox(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/cases?order=due&limit=200", token).await.expect(200)["items"].as_array().unwrap().clone()
}

async fn folder(app: &TestApp, token: &str) -> Vec<Value> {
    app.get("/api/v1/spam", token).await.expect(200)["items"].as_array().unwrap().clone()
}

async fn purposes(app: &TestApp, token: &str, case_id: i64) -> Vec<String> {
    let messages = app.get(&format!("/api/v1/cases/{case_id}/messages"), token).await.expect(200);
    messages["items"].as_array().unwrap().iter().map(|m| m["purpose"].as_str().unwrap_or("").to_owned()).collect()
}

/// Runs the queue, and checks the runner acknowledged `case_id`: it has had its chance
/// at every case opened before it too.
async fn after_acknowledging(app: &TestApp, token: &str, case_id: i64) {
    app.settle().await;
    assert!(
        purposes(app, token, case_id).await.iter().any(|p| p == "acknowledgement"),
        "case {case_id} was never acknowledged"
    );
}

async fn a_spammy_email_waits_in_the_spam_folder_until_released(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let out = crate::helpers::ingest(&app, &spammy_mail("Lotto <winner@lotto.example>"));
    assert!(out.contains("HeldAsSpam"), "{out}");
    let out =
        crate::helpers::ingest(&app, &mail("Ann <ann@home.example>", "<a1@mail.home.example>", "Cake", "", REAL_WORDS));
    assert!(out.contains("CaseOpened"), "{out}");

    let inbox_now = inbox(&app, &agent).await;
    assert_eq!(inbox_now.len(), 1, "only the real complaint is in the inbox");
    let real = inbox_now[0]["id"].as_i64().unwrap();
    let all = app.get("/api/v1/cases", &agent).await.expect(200)["items"].as_array().unwrap().clone();
    assert_eq!(all.len(), 1, "nor in the case list unless asked for by status");
    let held = folder(&app, &agent).await;
    assert_eq!(held.len(), 1);
    let spam = held[0]["id"].as_i64().unwrap();
    assert_eq!(held[0]["status"], "spam");
    assert!(held[0]["spam_score"].as_u64().unwrap() >= 10, "{}", held[0]);
    let reason = held[0]["spam_reason"].as_str().unwrap();
    assert!(reason.contains("bit.ly") && reason.contains("SPF failed"), "{reason}");
    assert_eq!(held[0]["body"].as_str().unwrap().trim_end(), spammy_body(), "the words are kept");
    let by_status = app.get("/api/v1/cases?status=spam", &agent).await.expect(200);
    assert_eq!(by_status["items"][0]["id"], spam);

    after_acknowledging(&app, &agent, real).await;
    assert!(purposes(&app, &agent, spam).await.is_empty(), "nothing is sent to a held sender");
    // A held case takes no playbook step until released.
    let refused = app
        .post(&format!("/api/v1/cases/{spam}/restatement"), &agent, json!({ "text": "You want a prize." }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(refused["rule"], "case_in_spam");

    let released = app.post(&format!("/api/v1/cases/{spam}/spam/release"), &agent, json!({})).await.expect(200);
    assert_eq!(released["case"]["status"], "open");
    assert_eq!(released["event"]["kind"], "spam_released");
    after_acknowledging(&app, &agent, spam).await;
    assert!(inbox(&app, &agent).await.iter().any(|c| c["id"] == spam), "released: in the inbox");
    assert!(folder(&app, &agent).await.is_empty());
    let refused = app.post(&format!("/api/v1/cases/{spam}/spam/release"), &agent, json!({})).await;
    assert_eq!(refused.expect_error(409, "step_refused")["rule"], "not_spam");
}

fn spammy_body() -> &'static str {
    "Dear friend, you have won! Claim your prize at https://bit.ly/claim-now or http://203.0.113.9/win"
}

async fn a_spammy_form_post_is_held_and_a_blocked_domain_too(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let post = |email: &str, body: &str| {
        Form::new()
            .text("name", "Visitor")
            .text("email", email.to_owned())
            .text("body", body.to_owned())
            .text("website", "")
    };
    let send = |form: Form| {
        let url = app.url("/complain");
        async move {
            let r = reqwest::Client::new().post(url).multipart(form).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let pitch = "We offer SEO services: get on the first page of google! Backlinks and guest post at \
                 https://bit.ly/seo1 https://tinyurl.com/seo2 http://198.51.100.7/offer https://seo.example/a";
    let (code, page) = send(post("sales@seo.example", pitch)).await;
    assert_eq!(code, 201, "the sender sees the usual thank-you page");
    assert!(page.contains("Thank you") && !page.contains("AM-"), "{page}");
    let (code, page) = send(post("ann@home.example", REAL_WORDS)).await;
    assert_eq!((code, page.contains("AM-")), (201, true));

    let inbox_now = inbox(&app, &agent).await;
    assert_eq!(inbox_now.len(), 1);
    let real = inbox_now[0]["id"].as_i64().unwrap();
    let held = folder(&app, &agent).await;
    assert_eq!(held.len(), 1);
    let spam = held[0]["id"].as_i64().unwrap();
    assert_eq!(held[0]["channel"], "web");
    after_acknowledging(&app, &agent, real).await;
    assert!(purposes(&app, &agent, spam).await.is_empty(), "a held form post is not acknowledged");

    // Confirm it and block the domain: the next message from there is held, however polite.
    let confirmed =
        app.post(&format!("/api/v1/cases/{spam}/spam/confirm"), &agent, json!({ "block": "domain" })).await.expect(200);
    assert_eq!(confirmed["case"]["status"], "spam");
    assert_eq!(confirmed["event"]["blocked"], "seo.example");
    let blocks = app.get("/api/v1/spam/blocks", &app.admin_token).await.expect(200);
    assert_eq!(blocks["items"][0]["value"], "seo.example");
    assert_eq!(blocks["items"][0]["kind"], "domain");
    app.get("/api/v1/spam/blocks", &agent).await.expect_error(403, "forbidden");

    let (code, _) = send(post("anna@mail.seo.example", REAL_WORDS)).await;
    assert_eq!(code, 201);
    let out = crate::helpers::ingest(&app, &mail("Bob <bob@seo.example>", "<b1@seo.example>", "Order", "", REAL_WORDS));
    assert!(out.contains("HeldAsSpam"), "{out}");
    assert_eq!(folder(&app, &agent).await.len(), 3, "a blocked domain and its subdomains are held");
    assert_eq!(inbox(&app, &agent).await.len(), 1);

    // The admin keeps the list: add an address, refuse nonsense and duplicates, remove.
    let added = app
        .post("/api/v1/spam/blocks", &app.admin_token, json!({ "kind": "address", "value": " Pest@Home.example " }))
        .await
        .expect(201);
    assert_eq!(added["value"], "pest@home.example");
    app.post("/api/v1/spam/blocks", &app.admin_token, json!({ "kind": "domain", "value": "seo.example" }))
        .await
        .expect_error(409, "conflict");
    app.post("/api/v1/spam/blocks", &app.admin_token, json!({ "kind": "domain", "value": "localhost" }))
        .await
        .expect_error(422, "invalid");
    app.post("/api/v1/spam/blocks", &app.admin_token, json!({ "kind": "person", "value": "x@y.example" }))
        .await
        .expect_error(422, "invalid");
    app.call(reqwest::Method::DELETE, &format!("/api/v1/spam/blocks/{}", added["id"]), Some(&app.admin_token), None)
        .await
        .expect(204);
    let (code, page) = send(post("pest@home.example", REAL_WORDS)).await;
    assert_eq!((code, page.contains("AM-")), (201, true), "unblocked: a case as usual");
}

async fn staff_mark_a_case_as_spam_and_release_it(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "ann@home.example", REAL_WORDS).await;
    let id = case["id"].as_i64().unwrap();
    let marked = app
        .post(&format!("/api/v1/cases/{id}/spam"), &agent, json!({ "reason": "A sales pitch typed in by phone." }))
        .await
        .expect(200);
    assert_eq!(marked["case"]["status"], "spam");
    assert_eq!(marked["case"]["next_step"], Value::Null);
    assert!(inbox(&app, &agent).await.is_empty());
    let refused = app.post(&format!("/api/v1/cases/{id}/spam"), &agent, json!({})).await;
    assert_eq!(refused.expect_error(409, "step_refused")["rule"], "already_spam");
    app.post(&format!("/api/v1/cases/{id}/spam/confirm"), &agent, json!({ "block": "everyone" }))
        .await
        .expect_error(422, "invalid");
    app.post("/api/v1/cases/999999/spam/release", &agent, json!({})).await.expect_error(404, "not_found");
    let released = app.post(&format!("/api/v1/cases/{id}/spam/release"), &agent, json!({})).await.expect(200);
    assert_eq!(released["case"]["status"], "open");
    assert_eq!(released["case"]["next_step"], "restate");
}

crate::on_both_databases!(
    a_spammy_email_waits_in_the_spam_folder_until_released,
    a_spammy_form_post_is_held_and_a_blocked_domain_too,
    staff_mark_a_case_as_spam_and_release_it,
    an_installation_brings_its_own_rules,
);

/// An installation's own rules replace the built-in ones, for the form and for mail.
async fn an_installation_brings_its_own_rules(db: crate::helpers::Db) {
    let dir = crate::helpers::tempdir::TempDir::new(&format!("amends-spam-rules-{}-{db:?}", std::process::id()));
    let rules = dir.path.join("spam.toml");
    std::fs::write(
        &rules,
        "threshold = 4\n[[pattern]]\ncode = \"casino\"\npoints = 4\nwhy = \"sells gambling\"\nphrases = [\"online casino\"]\n",
    )
    .unwrap();
    let app = crate::helpers::spawn_app_with(db, |s| s.spam_rules = Some(rules.clone())).await;
    let form = Form::new()
        .text("name", "Visitor")
        .text("email", "vip@casino.example")
        .text("body", "Play at our Online  Casino tonight.")
        .text("website", "");
    let r = reqwest::Client::new().post(app.url("/complain")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let held = folder(&app, &app.admin_token).await;
    assert_eq!(held.len(), 1);
    assert!(held[0]["spam_reason"].as_str().unwrap().contains("sells gambling"), "{}", held[0]);
    // The built-in phrases are gone with the built-in file.
    let form = Form::new()
        .text("name", "Visitor")
        .text("email", "x@lotto.example")
        .text("body", "Dear friend, you have won! Claim your prize.")
        .text("website", "");
    reqwest::Client::new().post(app.url("/complain")).multipart(form).send().await.unwrap();
    assert_eq!(folder(&app, &app.admin_token).await.len(), 1);
    assert_eq!(inbox(&app, &app.admin_token).await.len(), 1);
}
