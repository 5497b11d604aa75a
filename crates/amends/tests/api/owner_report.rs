//! The owner's Monday report, as a small London bakery's November gives it: figures in
//! words, money in pounds, dates on London's calendar, each figure leading to its cases;
//! and the business's currency as a setting that recorded amounts outlive.

use amends::Settings;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{Db, TestApp, spawn_app_with};

const APOLOGY: &str = "I am so sorry. I accept all responsibility for the late bread.";

/// A London bakery that counts in pounds.
async fn bakery(db: Db) -> TestApp {
    let app = spawn_app_with(db, |s: &mut Settings| {
        s.store.currency = Some("GBP".to_owned());
        s.store.due.hours =
            amends_domain::BusinessHours::parse(&amends_domain::HoursSpec::office("Europe/London")).unwrap();
    })
    .await;
    app.clock.set(datetime!(2026-11-02 09:00 UTC));
    app
}

async fn steps(app: &TestApp, agent: &str, id: i64, steps: Vec<(&str, Value)>) {
    for (path, body) in steps {
        app.post(&format!("/api/v1/cases/{id}/{path}"), agent, body).await.expect(200);
    }
}

/// A complaint worked through every step of the playbook, the last one included.
async fn fully_worked(app: &TestApp, agent: &str, email: &str, words: &str, problem: i64, gesture_minor: i64) -> Value {
    let case = app.complaint(agent, email, words).await;
    let id = case["id"].as_i64().unwrap();
    steps(
        app,
        agent,
        id,
        vec![
            ("restatement", json!({ "text": "Your order came late." })),
            ("restatement/confirm", json!({})),
            ("apology", json!({ "text": APOLOGY })),
            ("offer", json!({ "options": ["A fresh loaf today", "A full refund"] })),
            ("offer/choice", json!({ "option": 1 })),
            (
                "gesture",
                json!({ "gesture": "voucher", "description": "Coffee on us", "cost_minor": gesture_minor, "currency": "GBP" }),
            ),
            ("fix/promise", json!({ "what": "Bring a fresh loaf", "due": "2099-01-02T10:00:00Z" })),
            ("fix/done", json!({ "note": "Brought at 15:00." })),
            ("prevent", json!({ "problem_id": problem })),
            ("follow-up/schedule", json!({ "due": "2099-01-05T10:00:00Z", "channel": "call" })),
            ("follow-up", json!({ "satisfaction": 5, "words": "Thank you" })),
            ("watch", json!({})),
            ("next-time", json!({ "note": "Served first next time." })),
        ],
    )
    .await;
    case
}

/// The visible words of a page: tags and the values of attributes left out.
fn words(page: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" .", ".").replace(" ;", ";")
}

async fn a_bakerys_month_in_the_owners_report(db: Db) {
    let app = bakery(db).await;
    let (_, agent) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let problem = |title: &'static str| {
        let (app, agent) = (&app, agent.clone());
        async move {
            app.post(
                "/api/v1/problems",
                &agent,
                json!({ "title": title, "corrective_action": "Staff double-check it before it goes out" }),
            )
            .await
            .expect(201)["id"]
                .as_i64()
                .unwrap()
        }
    };
    let slip = problem("Weekend deliveries slip").await;
    let change = problem("Wrong change given").await;
    let month = "from=2026-11-01&to=2026-11-30";

    // Priya's case has every step done, and nobody said yet whether she stayed: the
    // report says so instead of a bare dash.
    let priya = fully_worked(&app, &agent, "priya@example.com", "I was given the wrong change.", change, 500).await;
    let page = client.get(app.url(&format!("/reports?{month}"))).send().await.unwrap().text().await.unwrap();
    let text = words(&page);
    assert!(
        text.contains("No case has an outcome yet: 1 case has every step done and waits for someone to record whether the customer stayed."),
        "{text}"
    );

    // Hannah: worked through, kept, and back for an order after her complaint.
    let hannah = fully_worked(&app, &agent, "hannah@example.com", "The sourdough came a day late.", slip, 800).await;
    let hannah_id = hannah["id"].as_i64().unwrap();
    steps(&app, &agent, hannah_id, vec![("outcome", json!({ "outcome": "retained" }))]).await;
    // Omar: same cause, lost.
    let omar = app.complaint(&agent, "omar@example.com", "Late again, on a Saturday.").await;
    let omar_id = omar["id"].as_i64().unwrap();
    steps(
        &app,
        &agent,
        omar_id,
        vec![
            ("restatement", json!({ "text": "Your Saturday order was late again." })),
            ("restatement/confirm", json!({})),
            ("prevent", json!({ "problem_id": slip })),
            ("outcome", json!({ "outcome": "lost", "reason": "Shops at the market now" })),
        ],
    )
    .await;
    // Jonas: promised a loaf for within the hour, and the promise was broken.
    let jonas = app.complaint(&agent, "jonas@example.com", "My rolls were burnt.").await;
    let jonas_id = jonas["id"].as_i64().unwrap();
    let due =
        (app.clock.now() + time::Duration::seconds(2)).format(&time::format_description::well_known::Rfc3339).unwrap();
    steps(
        &app,
        &agent,
        jonas_id,
        vec![
            ("restatement", json!({ "text": "Your rolls were burnt." })),
            ("restatement/confirm", json!({})),
            ("apology", json!({ "text": APOLOGY })),
            ("offer", json!({ "options": ["New rolls today", "A refund"] })),
            ("offer/choice", json!({ "option": 1 })),
            ("fix/promise", json!({ "what": "Bring six fresh rolls", "due": due })),
        ],
    )
    .await;
    app.settle().await;
    app.pass(time::Duration::seconds(3)).await;

    // Later in the month: Hannah orders again (and had ordered in January); Dora, who
    // never complained, visits; Emil, who never complained, does not.
    app.clock.set(datetime!(2026-11-20 09:00 UTC));
    // (A session lasts a working day: the owner signs in again.)
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let tx = |customer: &Value, ext: &str, kind: &str, amount: i64, at: &str| json!({ "customer_id": customer, "external_id": ext, "kind": kind, "amount_minor": amount, "currency": "GBP", "occurred_at": at });
    for body in [
        tx(&hannah["customer_id"], "h-jan", "order", 4_000, "2026-01-10T10:00:00Z"),
        tx(&hannah["customer_id"], "h-nov", "order", 2_500, "2026-11-10T10:00:00Z"),
    ] {
        app.post("/api/v1/transactions", &agent, body).await.expect(201);
    }
    for (name, ext) in [("Dora", "dora"), ("Emil", "emil")] {
        let customer =
            app.post("/api/v1/customers", &agent, json!({ "name": name, "external_id": ext })).await.expect(201);
        if ext == "dora" {
            app.post("/api/v1/transactions", &agent, tx(&customer["id"], "d-1", "visit", 900, "2026-11-12T10:00:00Z"))
                .await
                .expect(201);
        }
    }

    // The API: the figures as before, and the new ones beside them.
    let r = app.get("/api/v1/reports?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z", &manager).await.expect(200);
    assert_eq!(r["cases_opened"], 4, "{r}");
    assert_eq!((r["retained"].as_i64(), r["lost"].as_i64()), (Some(1), Some(1)));
    assert_eq!(r["recovery_rate"].as_f64(), Some(0.5));
    assert_eq!((r["awaiting_outcome"].as_i64(), r["still_open"].as_i64()), (Some(1), Some(1)));
    assert_eq!((r["complainers"].as_i64(), r["complainers_returned"].as_i64()), (Some(4), Some(1)));
    assert_eq!(r["return_rate_complainers"].as_f64(), Some(0.25));
    assert_eq!((r["non_complainers"].as_i64(), r["non_complainers_returned"].as_i64()), (Some(2), Some(1)));
    assert_eq!(r["return_rate_non_complainers"].as_f64(), Some(0.5));
    assert_eq!(
        r["money"],
        json!([{ "currency": "GBP", "gesture_cost_minor": 1_300, "lifetime_value_kept_minor": 6_500 }])
    );
    assert_eq!(r["root_causes"][0]["problem_id"], slip);
    assert_eq!(r["root_causes"][0]["cases"], 2);
    assert_eq!(r["root_causes"][1]["problem_id"], change);
    assert_eq!(r["broken_promises"], 1);
    assert_eq!(r["promises_broken"][0]["case_id"], jonas_id);
    assert_eq!(r["promises_broken"][0]["what"], "Bring six fresh rolls");
    assert_eq!(r["currency"], "GBP");
    assert_eq!(r["zone"], "Europe/London");
    let months = r["months"].as_array().unwrap();
    assert_eq!(months.len(), 1, "{r}");
    assert_eq!(months[0]["from"], "2026-11-01T00:00:00Z");
    assert_eq!(months[0]["cases_opened"], 4);
    assert_eq!(months[0]["recovery_rate"].as_f64(), Some(0.5));
    assert_eq!(months[0]["return_rate_complainers"].as_f64(), Some(0.25));
    assert_eq!(months[0]["return_rate_non_complainers"].as_f64(), Some(0.5));

    // The page says it in words: money in pounds, dates as dates, no code names.
    let page = client.get(app.url(&format!("/reports?{month}"))).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let text = words(&page);
    for said in [
        "Complaints opened from 1 Nov 2026 to 30 Nov 2026",
        "Recovery rate",
        "50 %",
        "1 customer of the 2 with an outcome stayed.",
        "Waiting for an outcome",
        "Gestures cost £13.00",
        "the customers we kept have brought £65.00 over their lifetime (£5.00 kept for every £1.00 given)",
        "Nov 2026",
        "25 % of the customers who complained came back (1 of 4), against 50 % of those who never complained (1 of 2)",
        "Weekend deliveries slip",
        "Promises broken",
        "Bring six fresh rolls",
    ] {
        assert!(text.contains(said), "the page should say {said:?}: {text}");
    }
    for code in
        ["cases_opened", "gesture_cost_minor", "recovery_rate", "lifetime_value", "_minor", "T00:00:00", "1300", "6500"]
    {
        assert!(!text.contains(code), "the page shows the code name {code:?}: {text}");
    }
    assert!(page.contains("<svg") && page.contains("role=\"img\""), "charts drawn on the server");
    assert!(page.contains("value=\"2026-11-01\"") && page.contains("value=\"2026-11-30\""), "the range as dates");

    // Every figure leads to its cases.
    let kept_link = page
        .split("href=\"")
        .map(|s| s.split('"').next().unwrap_or_default().replace("&amp;", "&").replace("&#x2f;", "/"))
        .find(|h| h.contains("figure=retained"))
        .expect("the recovery rate links to the kept customers' cases");
    let listed = client.get(app.url(&kept_link)).send().await.unwrap().text().await.unwrap();
    assert!(listed.contains(hannah["reference"].as_str().unwrap()), "{listed}");
    assert!(
        !listed.contains(omar["reference"].as_str().unwrap()) && !listed.contains(priya["reference"].as_str().unwrap())
    );
    let waiting = client
        .get(app.url(&format!("/reports/cases?{month}&figure=waiting")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(words(&waiting).contains("Every step done, waiting for an outcome"), "{waiting}");
    assert!(waiting.contains(priya["reference"].as_str().unwrap()), "{waiting}");
    let by_cause = client
        .get(app.url(&format!("/reports/cases?{month}&figure=problem&problem={slip}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        by_cause.contains(hannah["reference"].as_str().unwrap())
            && by_cause.contains(omar["reference"].as_str().unwrap())
    );
    assert!(!by_cause.contains(priya["reference"].as_str().unwrap()));
    let bad = client.get(app.url("/reports?from=2026-13-01")).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}

/// A case with the customer's choice made: the gesture's step is next.
async fn ready_for_a_gesture(app: &TestApp, agent: &str, email: &str) -> i64 {
    let case = app.complaint(agent, email, "The cake was squashed.").await;
    let id = case["id"].as_i64().unwrap();
    steps(
        app,
        agent,
        id,
        vec![
            ("restatement", json!({ "text": "Your cake was squashed." })),
            ("restatement/confirm", json!({})),
            ("apology", json!({ "text": APOLOGY })),
            ("offer", json!({ "options": ["A new cake", "A refund"] })),
            ("offer/choice", json!({ "option": 1 })),
        ],
    )
    .await;
    id
}

async fn the_currency_is_a_setting_and_recorded_amounts_keep_theirs(db: Db) {
    let app = bakery(db).await;
    let (_, agent) = app.staff("agent").await;
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page_of = |id: i64| {
        let (client, url) = (client.clone(), app.url(&format!("/cases/{id}")));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let id = ready_for_a_gesture(&app, &agent, "anna@example.com").await;
    assert!(page_of(id).await.contains("name=\"currency\" value=\"GBP\""), "a gesture is offered in pounds");
    let gesture =
        json!({ "gesture": "voucher", "description": "A box of biscuits", "cost_minor": 850, "currency": "GBP" });
    steps(&app, &agent, id, vec![("gesture", gesture)]).await;
    assert!(page_of(id).await.contains("A box of biscuits (cost £8.50)"));

    let post = |currency: &'static str| {
        client.post(app.url("/admin/currency")).form(&[("currency", currency), ("csrf", csrf.as_str())]).send()
    };
    let refused = post("pounds").await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(words(&refused.text().await.unwrap()).contains("is not a currency code"));
    let saved = post("eur").await.unwrap();
    assert_eq!(saved.status(), 200);
    assert!(words(&saved.text().await.unwrap()).contains("Pages, mails and reports show money in EUR"));

    assert!(page_of(id).await.contains("A box of biscuits (cost £8.50)"), "a recorded amount keeps its currency");
    let next = ready_for_a_gesture(&app, &agent, "ben@example.com").await;
    assert!(page_of(next).await.contains("name=\"currency\" value=\"EUR\""), "a new gesture is in euros");
    let report = client.get(app.url("/reports")).send().await.unwrap().text().await.unwrap();
    assert!(words(&report).contains("Gestures cost £8.50"), "{report}");
}

crate::on_both_databases!(
    a_bakerys_month_in_the_owners_report,
    the_currency_is_a_setting_and_recorded_amounts_keep_theirs
);
