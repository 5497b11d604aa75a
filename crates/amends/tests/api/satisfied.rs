//! Fixed to their satisfaction, prevention that is true, and a recurrence alarm whatever
//! the channel: the follow-up says what is changing and asks whether the customer is
//! satisfied; a low answer opens the fix again and alerts the owner; "retained" needs a
//! satisfied follow-up or a manager's decision; the prevent step needs a problem with an
//! action; a mailed complaint reading like a known problem is linked to it at intake and
//! its owner is mailed.

use amends_domain::Role;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{Db, TestApp, ingest};
use crate::mail::{SmtpSink, link_in, page, post_form, spawn_with_smtp};
use crate::staff::{Case, Staff};

async fn email_of(app: &TestApp, token: &str) -> String {
    app.get("/api/v1/me", token).await.expect(200)["email"].as_str().unwrap().to_owned()
}

/// Hears Hannah's complaint and takes it up to the fix, done.
async fn fixed_for(ann: &Staff<'_>, email: &str, words: &str) -> Case {
    let case = ann.open_case(email, words).await;
    ann.restate(&case, "Your sourdough loaf was burnt black on the bottom.").await;
    ann.confirm(&case).await;
    ann.apologise(&case, "I am so sorry. I accept all responsibility for the burnt loaf.").await;
    ann.offer(&case, ["A fresh loaf delivered tomorrow", "A full refund today"]).await;
    ann.choose(&case, 1).await;
    ann.step(&case, "skip", json!({ "step": "gesture", "reason": "She asked for nothing more" })).await;
    ann.promise_fix(&case, "Bake and deliver a fresh loaf", datetime!(2099-01-02 10:00 UTC)).await;
    ann.fix_done(&case, "Delivered at 8:00 by the owner.").await
}

async fn step_status(app: &TestApp, token: &str, case: &Case, step: &str) -> String {
    let found = app.get(&format!("/api/v1/cases/{}", case.id), token).await.expect(200);
    let steps = found["steps"].as_array().unwrap();
    steps.iter().find(|s| s["step"] == step).unwrap()["status"].as_str().unwrap().to_owned()
}

async fn hannah_answers_the_follow_up_2_of_5_the_fix_step_is_open_again_the_owner_is_alerted(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let (_, manager) = app.staff("manager").await;
    let ann_email = email_of(&app, &ann.token).await;
    let manager_email = email_of(&app, &manager).await;
    let problem = app
        .post(
            "/api/v1/problems",
            &ann.token,
            json!({ "title": "Burnt bread", "preventive_action": "The oven's temperature is checked every hour" }),
        )
        .await
        .expect(201);
    let case = fixed_for(&ann, "hannah@example.com", "My sourdough was burnt black underneath.").await;
    ann.assign(&case, ann.id).await;
    ann.step(&case, "prevent", json!({ "problem_id": problem["id"] })).await;
    ann.step(&case, "follow-up/schedule", json!({ "due": "2020-01-01T10:00:00Z", "channel": "email" })).await;

    // The follow-up asks whether she is satisfied, and says honestly what is changing.
    let follow = sink.delivered(&app, "hannah@example.com", "Did we put it right?").await;
    assert!(follow.text.contains("Are you satisfied?"), "{}", follow.text);
    assert!(
        follow.text.contains("we are changing how we work: The oven's temperature is checked every hour."),
        "the problem is still open: {}",
        follow.text
    );
    assert!(!follow.text.contains("have changed"), "{}", follow.text);
    let link = link_in(&follow);
    let (code, shown) = page(&app, &link).await;
    assert_eq!(code, 200);
    assert!(shown.contains("we are changing how we work"), "{shown}");

    // Hannah answers 2 of 5.
    let answer = [("action", "answer"), ("satisfaction", "2"), ("words", "The new loaf was burnt too.")];
    assert_eq!(post_form(&app, &link, &answer).await.0, 200);
    let now = ann.case(&case).await;
    assert_eq!(now.status, "open");
    assert_eq!(now.next_step.as_deref(), Some("fix"), "the fix step is open again");
    assert_eq!(step_status(&app, &ann.token, &case, "fix").await, "due");
    assert_eq!(step_status(&app, &ann.token, &case, "follow_up").await, "waiting");
    let escalated = now.events("escalated");
    assert_eq!(escalated.len(), 1, "escalated, on the timeline");
    assert!(escalated[0].fields["reason"].as_str().unwrap().contains("2 of 5"), "{:?}", escalated[0]);
    assert_eq!(escalated[0].fields["actor"]["type"], "system");

    // The owner and the managers are alerted by mail, with her words (in service hours):
    // the alert is written now, its mail waits for the next opening.
    app.settle().await;
    app.pass(time::Duration::days(3)).await;
    let alert = sink.delivered(&app, &ann_email, "not satisfied").await;
    assert!(
        alert.text.contains("The new loaf was burnt too.") && alert.text.contains(&case.reference),
        "{}",
        alert.text
    );
    sink.delivered(&app, &manager_email, "not satisfied").await;

    // Not retained on a 2: the steps are open again.
    let refused = ann.try_step(&case, "outcome", json!({ "outcome": "retained" })).await.unwrap_err();
    assert_eq!(refused.status, 409);

    // Fixed again, followed up again: 5 of 5, and anyone may record her retained.
    ann.promise_fix(&case, "Bake it again, at the right heat", datetime!(2099-01-03 10:00 UTC)).await;
    ann.fix_done(&case, "A golden loaf, delivered.").await;
    ann.step(&case, "follow-up", json!({ "satisfaction": 5, "satisfied": true, "words": "Perfect now" })).await;
    ann.step(&case, "watch", json!({})).await;
    let retained = ann.step(&case, "outcome", json!({ "outcome": "retained" })).await;
    assert_eq!(retained.status, "retained");

    // Another customer says 3 of 5: neither low nor satisfied. An agent cannot call her
    // retained; a manager decides, with a reason.
    let other = fixed_for(&ann, "ida@example.com", "The rye was burnt.").await;
    ann.step(&other, "skip", json!({ "step": "prevent", "reason": "A one-off" })).await;
    ann.step(&other, "follow-up", json!({ "satisfaction": 3, "words": "It was fine" })).await;
    ann.step(&other, "watch", json!({})).await;
    let agent_says = ann.try_step(&other, "outcome", json!({ "outcome": "retained" })).await.unwrap_err();
    assert_eq!((agent_says.status, agent_says.error.as_str()), (403, "forbidden"));
    assert!(agent_says.message.contains("manager"), "{agent_says:?}");
    let path = format!("/api/v1/cases/{}/outcome", other.id);
    let no_reason = app.post(&path, &manager, json!({ "outcome": "retained" })).await.expect(422);
    assert_eq!(no_reason["rule"], "retained_needs_reason", "{no_reason}");
    let decided =
        app.post(&path, &manager, json!({ "outcome": "retained", "reason": "She ordered twice since" })).await;
    assert_eq!(decided.expect(200)["case"]["status"], "retained");

    // The owner's report tells the two apart.
    let report = app.get("/api/v1/reports", &manager).await.expect(200);
    assert_eq!(
        (report["retained"].clone(), report["retained_after_follow_up"].clone(), report["retained_by_manager"].clone()),
        (json!(2), json!(1), json!(1)),
        "{report}"
    );
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let shown = client.get(app.url("/reports")).send().await.unwrap().text().await.unwrap();
    assert!(
        shown.contains("1 after a satisfied follow-up, 1 by a manager&#x27;s decision")
            || shown.contains("1 after a satisfied follow-up, 1 by a manager's decision"),
        "{shown}"
    );
}

async fn the_prevent_step_is_refused_until_the_problem_has_an_action(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let problem = app.post("/api/v1/problems", &ann.token, json!({ "title": "Burnt bread" })).await.expect(201);
    let case = ann.open_case("hannah@example.com", "My loaf was burnt.").await;
    ann.restate(&case, "Your loaf was burnt.").await;
    ann.confirm(&case).await;

    // A name alone prevents nothing.
    let refused = app
        .post(&format!("/api/v1/cases/{}/prevent", case.id), &ann.token, json!({ "problem_id": problem["id"] }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(refused["rule"], "prevent_needs_action", "{refused}");
    assert!(refused["message"].as_str().unwrap().contains("Burnt bread"), "{refused}");
    assert_eq!(step_status(&app, &ann.token, &case, "prevent").await, "due");

    // The case page says it in words and keeps what was typed.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let form = [("csrf", csrf.as_str()), ("problem_id", &problem["id"].to_string()), ("new_problem", "")];
    let r = client.post(app.url(&format!("/cases/{}/steps/prevent", case.id))).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 409);
    let shown = r.text().await.unwrap();
    assert!(shown.contains("no corrective or preventive action yet"), "{shown}");

    // With what is changing written on the problem (from the case page), the step is done.
    let form = [
        ("csrf", csrf.as_str()),
        ("problem_id", &problem["id"].to_string()),
        ("preventive_action", "The oven's temperature is checked every hour"),
    ];
    let r = client.post(app.url(&format!("/cases/{}/steps/prevent", case.id))).form(&form).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(step_status(&app, &ann.token, &case, "prevent").await, "done");
    let written = app.get(&format!("/api/v1/problems/{}", problem["id"]), &ann.token).await.expect(200);
    assert_eq!(written["preventive_action"], "The oven's temperature is checked every hour");
}

async fn a_mailed_complaint_about_the_same_burnt_bread_links_the_open_problem_and_mails_its_owner(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let (baker_id, baker) = app.staff("agent").await;
    let baker_email = email_of(&app, &baker).await;
    let ann = app.member(Role::Agent).await;
    let problem = app
        .post(
            "/api/v1/problems",
            &ann.token,
            json!({ "title": "Burnt bread", "description": "Loaves burnt in the new oven" }),
        )
        .await
        .expect(201);
    let id = problem["id"].as_i64().unwrap();
    app.patch(&format!("/api/v1/problems/{id}"), &ann.token, json!({ "owner_id": baker_id })).await.expect(200);
    for (email, words) in [
        ("other@example.com", "The birthday cake came a day late"),
        ("rude@example.com", "The cashier was rude to my mother"),
    ] {
        ann.open_case(email, words).await;
    }

    // Hannah writes in: the same burnt bread.
    let raw = "From: Hannah Berg <hannah@example.com>\r\nTo: care@bakery.example\r\n\
               Subject: Burnt bread again\r\nMessage-ID: <burnt-1@example.com>\r\n\
               Date: Sun, 06 Dec 2026 08:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
               The sourdough bread I bought on Saturday was burnt black on the bottom.\r\n";
    ingest(&app, raw);
    app.settle().await;
    let cases = app.get("/api/v1/cases?limit=50", &ann.token).await.expect(200)["items"].as_array().unwrap().clone();
    let mailed: &Value = cases.iter().find(|c| c["channel"] == "email").expect("the mailed complaint is a case");
    assert_eq!(mailed["problem_id"], id, "linked to the open problem: {mailed}");
    let full = app.get(&format!("/api/v1/cases/{}", mailed["id"]), &ann.token).await.expect(200);
    let matched: Vec<&Value> =
        full["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "problem_matched").collect();
    assert_eq!(matched.len(), 1, "{full}");
    assert_eq!(matched[0]["actor"]["type"], "system");
    let words: Vec<&str> = matched[0]["words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(words.contains(&"burnt") && words.contains(&"bread"), "{words:?}");
    assert_eq!(full["next_step"], "restate", "the prevent step is still staff's to take");

    // Its owner is mailed, with her words (in service hours).
    app.pass(time::Duration::days(3)).await;
    let alarm = sink.delivered(&app, &baker_email, "another case for \"Burnt bread\"").await;
    assert!(alarm.text.contains("burnt black on the bottom"), "{}", alarm.text);
    assert!(alarm.text.contains(mailed["reference"].as_str().unwrap()), "{}", alarm.text);

    // A complaint that reads like nothing known is linked to nothing; the case page
    // still suggests what shares a word.
    let vague = ann.open_case("ida@example.com", "The bread tasted of nothing at all").await;
    app.settle().await;
    let vague_now = app.get(&format!("/api/v1/cases/{}", vague.id), &ann.token).await.expect(200);
    assert!(vague_now["problem_id"].is_null(), "{vague_now}");
    assert!(vague_now["timeline"].as_array().unwrap().iter().all(|e| e["kind"] != "problem_matched"));
    assert_eq!(
        sink.with_subject("another case for").len(),
        1,
        "the owner is mailed once, for the confident match alone"
    );
}

async fn what_was_promised_for_her_next_visit_is_shown_when_she_comes_back_and_closed_when_honoured(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("hannah@example.com", "My sourdough was burnt black underneath.").await;
    ann.restate(&case, "Your sourdough loaf was burnt black on the bottom.").await;
    ann.confirm(&case).await;
    ann.apologise(&case, "I am so sorry. I accept all responsibility for the burnt loaf.").await;
    ann.offer(&case, ["A fresh loaf delivered tomorrow", "A full refund today"]).await;
    ann.choose(&case, 1).await;
    let gift = json!({ "gesture": "gift", "description": "A cake of her choice for your next visit", "cost_minor": 1200, "currency": "EUR" });
    ann.step(&case, "gesture", gift).await;
    ann.promise_fix(&case, "Bake and deliver a fresh loaf", datetime!(2099-01-02 10:00 UTC)).await;
    ann.fix_done(&case, "Delivered at 8:00.").await;
    ann.step(&case, "skip", json!({ "step": "prevent", "reason": "A one-off" })).await;
    ann.step(&case, "follow-up", json!({ "satisfaction": 5, "words": "Lovely" })).await;
    ann.step(&case, "watch", json!({})).await;

    // She orders again: staff see what was promised for it.
    let order = json!({ "customer_id": case.customer_id, "external_id": "h-2", "kind": "order", "amount_minor": 900, "currency": "EUR", "occurred_at": "2026-11-20T12:00:00Z" });
    app.post("/api/v1/transactions", &ann.token, order).await.expect(201);
    let alerts = app.get("/api/v1/watch-alerts", &ann.token).await.expect(200)["items"].clone();
    assert_eq!(alerts[0]["promised"], json!(["A cake of her choice for your next visit"]), "{alerts}");
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let inbox = client.get(app.url("/inbox")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains("Promised for it, to honour: A cake of her choice for your next visit"), "{inbox}");
    let shown = client.get(app.url(&format!("/cases/{}", case.id))).send().await.unwrap().text().await.unwrap();
    assert!(shown.contains("data-promised") && shown.contains("A cake of her choice for your next visit"));

    // Recording how it went honours it: the promise is closed.
    ann.step(&case, "next-time", json!({ "note": "Gave her the lemon cake she chose" })).await;
    assert!(app.get("/api/v1/watch-alerts", &ann.token).await.expect(200)["items"].as_array().unwrap().is_empty());
    let shown = client.get(app.url(&format!("/cases/{}", case.id))).send().await.unwrap().text().await.unwrap();
    assert!(!shown.contains("data-promised"), "honoured, so no longer shown");
}

crate::on_both_databases!(
    what_was_promised_for_her_next_visit_is_shown_when_she_comes_back_and_closed_when_honoured,
    hannah_answers_the_follow_up_2_of_5_the_fix_step_is_open_again_the_owner_is_alerted,
    the_prevent_step_is_refused_until_the_problem_has_an_action,
    a_mailed_complaint_about_the_same_burnt_bread_links_the_open_problem_and_mails_its_owner,
);
