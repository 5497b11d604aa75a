//! Disclosures: an audience picked from transactions, per-recipient status, an
//! "affected me" answer that opens a case on the problem, and a send that stops
//! half-way and resumes after a restart without telling anyone twice.

use amends::Settings;
use amends_store::{NewEmail, Notice, Store, StoreSettings};
use serde_json::{Value, json};
use sqlx::Row;

use crate::helpers::{Db, TestApp, spawn_app_with};
use crate::mail::{SmtpSink, link_in};

async fn customer(app: &TestApp, token: &str, n: u32, email: bool) -> i64 {
    let mut c = json!({ "name": format!("Customer {n}"), "external_id": format!("cust-{n}") });
    if email {
        c["email"] = json!(format!("c{n}@example.com"));
    }
    app.post("/api/v1/customers", token, c).await.expect(201)["id"].as_i64().unwrap()
}

fn tx(customer: i64, ext: &str, sku: &str, location: &str, day: &str, amount: i64) -> Value {
    json!({ "customer_id": customer, "external_id": ext, "kind": "order", "amount_minor": amount, "currency": "EUR",
            "sku": sku, "location": location, "occurred_at": format!("2026-{day}T10:00:00Z") })
}

async fn count(app: &TestApp, token: &str, audience: Value) -> i64 {
    app.post("/api/v1/disclosures/preview", token, json!({ "audience": audience })).await.expect(200)["count"]
        .as_i64()
        .unwrap()
}

async fn pool(app: &TestApp) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    sqlx::AnyPool::connect(&app.database_url).await.unwrap()
}

/// The disclosure once the queue has run: sent.
async fn once_sent(app: &TestApp, token: &str, id: i64) -> Value {
    app.settle().await;
    let d = app.get(&format!("/api/v1/disclosures/{id}"), token).await.expect(200);
    assert_eq!(d["status"], "sent", "{d}");
    d
}

async fn a_disclosure_reaches_its_audience_once(db: Db) {
    let mut app = spawn_app_with(db, |_| {}).await;
    let (_, manager) = app.staff("manager").await;
    let (_, agent) = app.staff("agent").await;
    let problem =
        app.post("/api/v1/problems", &agent, json!({ "title": "Batch 7 cakes underbaked" })).await.expect(201);
    app.patch(&format!("/api/v1/problems/{}", problem["id"]), &agent, json!({ "category": "quality" }))
        .await
        .expect(200);

    let c: Vec<i64> = {
        let mut ids = Vec::new();
        for n in 1..=6 {
            ids.push(customer(&app, &agent, n, n != 6).await);
        }
        ids
    };
    let rows = vec![
        tx(c[0], "t1", "CAKE-7", "Berlin", "10-01", 1200),
        tx(c[1], "t2", "CAKE-7", "Munich", "10-02", 3000),
        tx(c[2], "t3", "CAKE-7", "Berlin", "11-15", 1500),
        tx(c[3], "t4", "TART-1", "Berlin", "10-01", 900),
        tx(c[4], "t5", "CAKE-7", "Berlin", "10-03", 200),
        tx(c[4], "t5b", "CAKE-7", "Berlin", "10-05", 250),
        tx(c[5], "t6", "CAKE-7", "Berlin", "10-04", 1000),
    ];
    app.post("/api/v1/transactions/batch", &agent, json!({ "transactions": rows })).await.expect(200);

    // Any combination of product, dates, place and amount.
    let october = json!({ "skus": ["CAKE-7"], "from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z" });
    assert_eq!(count(&app, &manager, october.clone()).await, 4, "a customer with two orders counts once");
    let mut berlin = october.clone();
    berlin["locations"] = json!(["Berlin"]);
    assert_eq!(count(&app, &manager, berlin.clone()).await, 3);
    berlin["min_amount_minor"] = json!(1000);
    assert_eq!(count(&app, &manager, berlin.clone()).await, 2);
    berlin["max_amount_minor"] = json!(1100);
    assert_eq!(count(&app, &manager, berlin).await, 1);
    assert_eq!(count(&app, &manager, json!({ "locations": ["Berlin"] })).await, 5);
    app.post("/api/v1/disclosures/preview", &manager, json!({ "audience": {} })).await.expect_error(422, "invalid");
    app.post("/api/v1/disclosures/preview", &agent, json!({ "audience": october })).await.expect(403);

    let d = app
        .post(
            "/api/v1/disclosures",
            &manager,
            json!({ "problem_id": problem["id"], "title": "About the cakes of batch 7", "audience": october,
                    "explanation": "Cakes of batch 7 left the oven too early.",
                    "solution": "We will bake you a new cake, on us." }),
        )
        .await
        .expect(201);
    let id = d["id"].as_i64().unwrap();
    let seen = app.get(&format!("/api/v1/disclosures/{id}/audience"), &manager).await.expect(200);
    assert_eq!(seen["count"], 4);
    assert_eq!(seen["sample"].as_array().unwrap().len(), 4);

    let started = app.post(&format!("/api/v1/disclosures/{id}/send"), &manager, json!({})).await.expect(202);
    assert_eq!(started["progress"]["selected"], 4);
    app.post(&format!("/api/v1/disclosures/{id}/send"), &manager, json!({})).await.expect_error(409, "conflict");

    // A runner queues the first notice, then dies holding the job: its lease runs out.
    let store = Store::connect(&app.database_url, StoreSettings::default()).await.unwrap();
    let first = store.recipients_to_notify(id, 1).await.unwrap();
    let token = "ab".repeat(32);
    let notice = Notice {
        recipient_id: first[0].id,
        email: Some(NewEmail {
            case_id: None,
            to_email: first[0].email.clone().unwrap(),
            to_name: None,
            subject: "first run".into(),
            text_body: format!("{}/c/{token}", app.address),
            html_body: None,
            message_id: "<first-run@test>".into(),
            in_reply_to: None,
            purpose: amends_domain::MessagePurpose::Disclosure,
            link: None,
        }),
        letter: None,
        link_hash: Some(amends_store::secret::secret_hash(&token)),
        link_expires_at: Some(app.clock.now() + time::Duration::days(14)),
    };
    assert_eq!(store.queue_notices(&[notice]).await.unwrap(), 1);
    let claimed =
        store.claim_jobs("dead-runner", time::Duration::ZERO, 100, amends_store::JobsToClaim::All).await.unwrap();
    assert!(claimed.iter().any(|j| j.kind == "disclosure_send"));
    let midway = app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200);
    assert_eq!(midway["progress"]["queued"], 1);
    assert_eq!(midway["status"], "sending");

    app.restart(|_| {}).await;
    let done = once_sent(&app, &manager, id).await;
    assert_eq!(done["progress"]["total"], 4);
    assert_eq!(done["progress"]["queued"], 3);
    assert_eq!(done["progress"]["failed"], 1, "the customer without an email address");
    let db = pool(&app).await;
    let mails = sqlx::query("SELECT to_email, subject, text_body FROM outbox WHERE purpose = 'disclosure' ORDER BY id")
        .fetch_all(&db)
        .await
        .unwrap();
    let mut to: Vec<String> = mails.iter().map(|r| r.get::<String, _>("to_email")).collect();
    assert_eq!(to.len(), 3, "nobody is told twice");
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 3);
    assert_eq!(mails.iter().filter(|r| r.get::<String, _>("subject") == "first run").count(), 1);

    let recipients = app.get(&format!("/api/v1/disclosures/{id}/recipients"), &manager).await.expect(200);
    let items = recipients["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let of = |cid: i64| items.iter().find(|r| r["customer_id"] == cid).unwrap().clone();
    assert_eq!(of(c[5])["status"], "failed");
    assert_eq!(of(c[1])["status"], "queued");

    // The customer of the second order answers "this affected me": a case on the problem.
    let body = mails.iter().find(|r| r.get::<String, _>("to_email") == "c2@example.com").unwrap();
    let text: String = body.get("text_body");
    assert!(text.contains("left the oven too early") && text.contains("a new cake"));
    assert!(text.contains(&amends_store::secret::masked_link_path()), "the kept notice shows its link masked");
    // The notices leave once the desk can send mail (the queue's clock moved past their
    // retries' waits); the link is live only in what left.
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    app.clock.advance(time::Duration::days(1));
    app.restart(move |s: &mut Settings| s.jobs.smtp = Some(smtp)).await;
    let link = link_in(&sink.delivered(&app, "c2@example.com", "About the cakes of batch 7").await);
    let page = reqwest::get(app.url(&link)).await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("This affected me"));
    let form = [("action", "affected"), ("words", "Mine was raw in the middle, at my son's party.")];
    // Sent eight times at once (a double click, a script): one case.
    let posts: Vec<_> = (0..8)
        .map(|_| {
            let request = reqwest::Client::new().post(app.url(&link)).form(&form);
            tokio::spawn(async move {
                let answer = request.send().await.unwrap();
                (answer.status().as_u16(), answer.text().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for post in posts {
        answers.push(post.await.unwrap());
    }
    let opened: Vec<_> = answers.iter().filter(|(status, _)| *status == 200).collect();
    assert_eq!(opened.len(), 1, "{answers:?}");
    assert!(opened[0].1.contains("AM-"));
    assert!(answers.iter().all(|(status, _)| [200, 409].contains(status)), "{answers:?}");
    let cases: i64 = sqlx::query("SELECT COUNT(*) FROM cases WHERE customer_id = $1")
        .bind(c[1])
        .fetch_one(&db)
        .await
        .unwrap()
        .get(0);
    assert_eq!(cases, 1, "one case per recipient");
    let again = reqwest::Client::new().post(app.url(&link)).form(&form).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 409, "one case per answer");
    let replied = app.get(&format!("/api/v1/disclosures/{id}/recipients"), &manager).await.expect(200);
    let r = replied["items"].as_array().unwrap().iter().find(|r| r["customer_id"] == c[1]).unwrap().clone();
    assert_eq!(r["status"], "replied");
    let case = app.get(&format!("/api/v1/cases/{}", r["case_id"]), &agent).await.expect(200);
    assert_eq!(case["problem_id"], problem["id"]);
    assert_eq!(case["customer_id"], c[1]);
    assert_eq!(case["body"], "Mine was raw in the middle, at my son's party.");

    // The first-run link works too; "noted" confirms.
    let noted =
        reqwest::Client::new().post(app.url(&format!("/c/{token}"))).form(&[("action", "noted")]).send().await.unwrap();
    assert_eq!(noted.status().as_u16(), 200);
    let d = app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200);
    assert_eq!(d["progress"]["replied"], 1);
    assert_eq!(d["progress"]["confirmed"], 1);

    // A notice's link expires like any other.
    sqlx::query("UPDATE disclosure_recipients SET link_expires_at = 1 WHERE id = $1")
        .bind(first[0].id)
        .execute(&db)
        .await
        .unwrap();
    let expired = reqwest::get(app.url(&format!("/c/{token}"))).await.unwrap();
    assert_eq!(expired.status().as_u16(), 410);
    assert!(expired.text().await.unwrap().contains("expired"));
    let form = [("action", "affected")];
    let late = reqwest::Client::new().post(app.url(&format!("/c/{token}"))).form(&form).send().await.unwrap();
    assert_eq!(late.status().as_u16(), 410);
    db.close().await;
}

crate::on_both_databases!(a_disclosure_reaches_its_audience_once);
