//! Clocks people trust: business hours set by an admin, due times counted in working
//! time, an overdue step climbing the escalation ladder in order (never twice, across a
//! restart), and alerts mailed to staff inside service hours only, unless they opted out.
//! Time is moved with the app's clock (`TestApp::clock`), never waited for.

use std::time::Duration;

use amends::Settings;
use amends_domain::Role;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Db, TestApp, spawn_app_with};
use crate::mail::SmtpSink;

const APOLOGY: &str = "I am so sorry. I accept all responsibility for the late cake.";

fn parse(v: &Value) -> OffsetDateTime {
    OffsetDateTime::parse(v.as_str().unwrap(), &Rfc3339).unwrap()
}

/// Every day, all day, in UTC, with `escalation` as the ladder.
fn always(escalation: Value) -> Value {
    let day = json!([{ "start": "00:00", "end": "24:00" }]);
    json!({
        "zone": "UTC",
        "week": { "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day, "saturday": day, "sunday": day },
        "holidays": [],
        "escalation": escalation,
    })
}

async fn timeline_of(app: &TestApp, token: &str, id: i64, kind: &str) -> Vec<Value> {
    let case = app.get(&format!("/api/v1/cases/{id}"), token).await.expect(200);
    case["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == kind).cloned().collect()
}

async fn email_of(app: &TestApp, user_id: i64) -> String {
    let user = app.get(&format!("/api/v1/users/{user_id}"), &app.admin_token).await.expect(200);
    user["email"].as_str().unwrap().to_owned()
}

async fn business_hours_are_set_by_an_admin_and_checked(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    let defaults = app.get("/api/v1/settings/hours", &agent).await.expect(200);
    assert_eq!(defaults["customised"], false, "{defaults}");
    assert_eq!(defaults["zone"], "UTC");
    assert_eq!(defaults["week"]["monday"], json!([{ "start": "09:00", "end": "17:00" }]));
    assert_eq!(defaults["week"]["saturday"], json!([]));
    let ladder: Vec<&str> =
        defaults["escalation"].as_array().unwrap().iter().map(|l| l["to"].as_str().unwrap()).collect();
    assert_eq!(ladder, ["owner", "manager", "admin"]);

    let nine_five = json!([{ "start": "09:00", "end": "17:00" }]);
    let good = json!({
        "zone": "Europe/Berlin",
        "week": { "monday": nine_five, "friday": [{ "start": "13:00", "end": "17:00" }, { "start": "08:00", "end": "12:00" }], "saturday": [{ "start": "22:00", "end": "02:00" }] },
        "holidays": ["2026-12-25", "2026-12-24", "2026-12-25"],
        "escalation": [{ "after_minutes": 30, "to": "owner" }, { "after_minutes": 90, "to": "admin" }],
    });
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&agent), Some(good.clone())).await.expect(403);

    let refused = |change: Value| {
        let mut body = good.clone();
        for (k, v) in change.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    for (body, field) in [
        (refused(json!({ "zone": "Europe/Atlantis" })), "zone"),
        (
            refused(
                json!({ "week": { "monday": [{ "start": "09:00", "end": "13:00" }, { "start": "12:00", "end": "17:00" }] } }),
            ),
            "week.monday",
        ),
        (
            refused(
                json!({ "week": { "sunday": [{ "start": "22:00", "end": "06:00" }], "monday": [{ "start": "05:30", "end": "12:00" }] } }),
            ),
            "week.sunday",
        ),
        (refused(json!({ "week": { "tuesday": [{ "start": "9 am", "end": "17:00" }] } })), "week.tuesday"),
        (refused(json!({ "week": {} })), "week"),
        (refused(json!({ "holidays": ["2026-02-30"] })), "holidays"),
        (refused(json!({ "holidays": ["Christmas"] })), "holidays"),
        (
            refused(
                json!({ "escalation": [{ "after_minutes": 60, "to": "owner" }, { "after_minutes": 30, "to": "manager" }] }),
            ),
            "escalation[1].after_minutes",
        ),
        (refused(json!({ "escalation": [{ "after_minutes": 0, "to": "the boss" }] })), "escalation[0].to"),
        (refused(json!({ "escalation": [{ "after_minutes": 0, "user_ids": [987654] }] })), "escalation[0].user_ids"),
    ] {
        let answer = app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(body)).await;
        let err = answer.expect_error(422, "invalid");
        assert_eq!(err["field"], field, "{err}");
    }
    // Nothing refused was stored.
    assert_eq!(app.get("/api/v1/settings/hours", &agent).await.expect(200)["customised"], false);

    let saved =
        app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(good)).await.expect(200);
    let read = app.get("/api/v1/settings/hours", &agent).await.expect(200);
    assert_eq!(saved, read);
    assert_eq!(read["customised"], true);
    assert_eq!(read["zone"], "Europe/Berlin");
    assert_eq!(
        read["week"]["friday"],
        json!([{ "start": "08:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }]),
        "sorted"
    );
    assert_eq!(read["week"]["saturday"], json!([{ "start": "22:00", "end": "02:00" }]), "a night shift");
    assert_eq!(read["holidays"], json!(["2026-12-24", "2026-12-25"]), "sorted, once each");
    assert_eq!(read["escalation"][1], json!({ "after_minutes": 90, "to": "admin", "user_ids": [] }));

    // Each user switches their own email alerts.
    assert_eq!(app.get("/api/v1/me", &agent).await.expect(200)["email_alerts"], true);
    let me = app.patch("/api/v1/me", &agent, json!({ "email_alerts": false })).await.expect(200);
    assert_eq!(me["email_alerts"], false);
    assert_eq!(app.get("/api/v1/me", &agent).await.expect(200)["email_alerts"], false);
    assert_eq!(app.get("/api/v1/me", &app.admin_token).await.expect(200)["email_alerts"], true);
    app.patch("/api/v1/me", &agent, json!({ "email_alerts": "no" })).await.expect_error(422, "invalid");

    // The same on the pages: the admin's form names the field it refuses.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url("/admin/hours")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("value=\"Europe&#x2f;Berlin\"") && page.contains("22:00-02:00"), "{page}");
    let post = |form: Vec<(&'static str, &'static str)>| {
        let mut form = form;
        form.push(("csrf", &csrf));
        client.post(app.url("/admin/hours")).form(&form).send()
    };
    let refused = post(vec![("zone", "Nowhere"), ("week_monday", "09:00-17:00")]).await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("data-field=\"zone\""));
    let refused = post(vec![("zone", "UTC"), ("week_monday", "09:00-13:00, 12:00-17:00")]).await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("data-field=\"week.monday\""));
    let saved = post(vec![
        ("zone", "America/New_York"),
        ("week_monday", "08:30-16:30"),
        ("week_tuesday", "08:30-12:00; 13:00-16:30"),
        ("holidays", "2026-11-26\n2026-12-25"),
        ("level0_after", "15"),
        ("level0_to", "owner"),
        ("level1_after", "240"),
        ("level1_to", "admin"),
    ])
    .await
    .unwrap();
    assert_eq!(saved.status(), 200);
    let read = app.get("/api/v1/settings/hours", &agent).await.expect(200);
    assert_eq!(read["zone"], "America/New_York");
    assert_eq!(read["week"]["tuesday"].as_array().unwrap().len(), 2);
    assert_eq!(read["holidays"], json!(["2026-11-26", "2026-12-25"]));
    assert_eq!(
        read["escalation"],
        json!([{ "after_minutes": 15, "to": "owner", "user_ids": [] }, { "after_minutes": 240, "to": "admin", "user_ids": [] }])
    );
    // An admin switches their own alerts off on the account page (an unticked box).
    let account = client.post(app.url("/account")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(account.status(), 200);
    assert_eq!(app.get("/api/v1/me", &app.admin_token).await.expect(200)["email_alerts"], false);
}

async fn due_times_count_working_hours(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    // The desk works only on the weekday two days from now, 10:00 to 12:00 (UTC): a
    // case opened now has its first two working hours that day, the other two a week on.
    let day = app.clock.now().date() + time::Duration::days(2);
    let weekday = day.weekday().to_string().to_lowercase();
    let mut hours = always(json!([]));
    hours["week"] = json!({ weekday: [{ "start": "10:00", "end": "12:00" }] });
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(hours)).await.expect(200);

    let case = app.complaint(&agent, "hours@example.com", "The bread was stale.").await;
    let expected = day.with_hms(12, 0, 0).unwrap().assume_utc() + time::Duration::days(7);
    assert_eq!(case["next_step"], "restate", "{case}");
    assert_eq!(parse(&case["next_due_at"]), expected, "four working hours: two that day, two a week later");
    let restate = case["steps"].as_array().unwrap().iter().find(|s| s["step"] == "restate").unwrap().clone();
    assert_eq!(parse(&restate["due_at"]), expected);
    let id = case["id"].as_i64().unwrap();
    let stored = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(parse(&stored["next_due_at"]), expected, "the derived column agrees");

    // Each event recomputes it in the same hours: the apology gets four more working hours.
    app.post(&format!("/api/v1/cases/{id}/restatement"), &agent, json!({ "text": "Your bread was stale." }))
        .await
        .expect(200);
    app.post(&format!("/api/v1/cases/{id}/restatement/confirm"), &agent, json!({})).await.expect(200);
    let confirmed = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    let apologise = confirmed["steps"].as_array().unwrap().iter().find(|s| s["step"] == "apologise").unwrap().clone();
    assert_eq!(parse(&apologise["due_at"]), expected, "the same four working hours from now");
    // Prevention counts a calendar week, and comes due when the desk next works: at
    // 10:00 on the working day after it, before the apology's 12:00.
    assert_eq!(confirmed["next_step"], "prevent", "{confirmed}");
    assert_eq!(parse(&confirmed["next_due_at"]), expected - time::Duration::hours(2));

    // Not overdue yet, and the overdue view agrees.
    let overdue = app.get("/api/v1/cases?overdue=true", &agent).await.expect(200);
    assert!(overdue["items"].as_array().unwrap().is_empty(), "{overdue}");
}

async fn an_overdue_step_climbs_the_ladder_in_order_once(db: Db) {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    let configure = move |s: &mut Settings| s.jobs.smtp = Some(smtp.clone());
    let mut app = spawn_app_with(db, configure.clone()).await;
    let (owner, agent) = app.staff("agent").await;
    let (manager, _) = app.staff("manager").await;
    let (named, _) = app.staff("agent").await;
    let ladder = json!([
        { "after_minutes": 0, "to": "owner" },
        { "after_minutes": 60, "to": "manager" },
        { "after_minutes": 120, "to": "admin", "user_ids": [named] },
    ]);
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(always(ladder)))
        .await
        .expect(200);
    let case = app.complaint(&agent, "late@example.com", "The cake never came.").await;
    let id = case["id"].as_i64().unwrap();
    let reference = case["reference"].as_str().unwrap().to_owned();
    app.post(&format!("/api/v1/cases/{id}/assign"), &agent, json!({ "owner_id": owner })).await.expect(200);
    let due = parse(&app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["next_due_at"]);
    let levels = |events: &[Value]| events.iter().map(|e| e["level"].as_i64().unwrap()).collect::<Vec<_>>();
    let escalated_sql = format!("SELECT COUNT(*) FROM case_events WHERE case_id = {id} AND kind = 'overdue_escalated'");

    // Before the due time nothing happens.
    app.settle().await;
    assert!(timeline_of(&app, &agent, id, "overdue_escalated").await.is_empty());

    // Just past due: the owner. (The sweep runs once a minute.)
    app.pass(due - app.clock.now() + time::Duration::minutes(1)).await;
    assert_eq!(app.scalar(&escalated_sql).await, 1, "level 1");
    let subject = |n: u8| format!("{reference}: overdue, escalation level {n}");
    sink.delivered(&app, &email_of(&app, owner).await, &subject(1)).await;
    let overdue = app.get("/api/v1/cases?overdue=true", &agent).await.expect(200);
    assert_eq!(overdue["items"][0]["id"], id, "the overdue view uses the same clock");
    let escalated = app.get("/api/v1/cases?escalated=true", &agent).await.expect(200);
    assert_eq!(escalated["items"].as_array().unwrap().len(), 1, "{escalated}");
    assert_eq!(escalated["items"][0]["id"], id);
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let inbox = client.get(app.url("/inbox?view=escalated")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains(&reference), "the inbox's escalated view lists it: {inbox}");

    // An hour later: the managers; two hours: the admins and the named agent.
    app.pass(time::Duration::hours(1)).await;
    assert_eq!(app.scalar(&escalated_sql).await, 2, "level 2");
    sink.delivered(&app, &email_of(&app, manager).await, &subject(2)).await;
    app.pass(time::Duration::hours(1)).await;
    assert_eq!(app.scalar(&escalated_sql).await, 3, "level 3");
    sink.delivered(&app, "admin@amends.local", &subject(3)).await;
    sink.delivered(&app, &email_of(&app, named).await, &subject(3)).await;
    let events = timeline_of(&app, &agent, id, "overdue_escalated").await;
    assert_eq!(levels(&events), [1, 2, 3], "in order: {events:?}");
    assert_eq!(events[0]["step"], "restate");
    assert!(events[0]["told"][0].as_str().unwrap().starts_with("the owner"), "{events:?}");
    assert_eq!(events[1]["told"], json!(["every manager"]));

    // A restart, and more sweeps: nothing is escalated or mailed twice.
    app.restart(configure).await;
    app.pass(time::Duration::hours(3)).await;
    app.pass(time::Duration::minutes(2)).await;
    assert_eq!(levels(&timeline_of(&app, &agent, id, "overdue_escalated").await), [1, 2, 3]);
    let ladder_mail = sink
        .received()
        .iter()
        .filter(|m| m.subject.as_deref().is_some_and(|s| s.contains("overdue, escalation level")))
        .count();
    assert_eq!(ladder_mail, 4, "owner, manager, admin and the named agent, once each");

    // The step done: off the escalated view (the next step has its own clock).
    app.post(&format!("/api/v1/cases/{id}/restatement"), &agent, json!({ "text": "Your cake never came." }))
        .await
        .expect(200);
    let escalated = app.get("/api/v1/cases?escalated=true", &agent).await.expect(200);
    assert!(escalated["items"].as_array().unwrap().is_empty(), "{escalated}");
}

/// Walks a new case, owned by `owner`, to the watch list.
async fn walk_to_watch(app: &TestApp, agent: &str, owner: i64, email: &str) -> (i64, i64) {
    let case = app.complaint(agent, email, "The cake came a day late and squashed.").await;
    let id = case["id"].as_i64().unwrap();
    let problem = app.post("/api/v1/problems", agent, json!({ "title": "Weekend deliveries slip", "preventive_action": "Sunday orders are checked by the owner before the vans leave" })).await.expect(201);
    for (path, body) in [
        ("assign", json!({ "owner_id": owner })),
        ("restatement", json!({ "text": "Your cake arrived a day late and damaged." })),
        ("restatement/confirm", json!({})),
        ("apology", json!({ "text": APOLOGY })),
        ("offer", json!({ "options": ["A new cake delivered today", "A full refund"] })),
        ("offer/choice", json!({ "option": 1 })),
        ("skip", json!({ "step": "gesture", "reason": "They asked for nothing more" })),
        ("fix/promise", json!({ "what": "Bake and deliver a new cake", "due": "2099-01-02T10:00:00Z" })),
        ("fix/done", json!({ "note": "Delivered at 15:00 by the owner." })),
        ("prevent", json!({ "problem_id": problem["id"] })),
        ("follow-up/schedule", json!({ "due": "2099-01-05T10:00:00Z", "channel": "call" })),
        ("follow-up", json!({ "satisfaction": 5, "words": "Thank you" })),
        ("watch", json!({})),
    ] {
        app.post(&format!("/api/v1/cases/{id}/{path}"), agent, body).await.expect(200);
    }
    (id, case["customer_id"].as_i64().unwrap())
}

async fn an_alert_raised_at_night_is_mailed_in_the_morning(db: Db) {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    let app = spawn_app_with(db, move |s: &mut Settings| s.jobs.smtp = Some(smtp)).await;
    // Tuesday 2 March 2027, 02:00 in Berlin.
    app.clock.set(time::macros::datetime!(2027-03-02 01:00 UTC));
    let mut office = always(json!([{ "after_minutes": 0, "to": "owner" }]));
    let nine_five = json!([{ "start": "09:00", "end": "17:00" }]);
    office["zone"] = json!("Europe/Berlin");
    office["week"] = json!({ "monday": nine_five, "tuesday": nine_five, "wednesday": nine_five, "thursday": nine_five, "friday": nine_five });
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(office)).await.expect(200);
    let (owner, agent) = app.staff("agent").await;
    let owner_email = email_of(&app, owner).await;
    let (id, customer_id) = walk_to_watch(&app, &agent, owner, "back@example.com").await;

    // Their next order arrives at night: the inbox and the case say so at once.
    let order = json!({ "customer_id": customer_id, "external_id": "night-1", "kind": "order", "amount_minor": 4200, "currency": "EUR", "occurred_at": "2027-03-02T00:55:00Z" });
    app.post("/api/v1/transactions", &agent, order).await.expect(201);
    assert_eq!(app.get("/api/v1/watch-alerts", &agent).await.expect(200)["items"][0]["case_id"], id);
    // The mail is written, and held for the morning. (The prevent step also asked the
    // agent for an idea on the problem: a mail of its own.)
    app.settle().await;
    let watch_alert = "o.purpose = 'staff_alert' AND o.subject LIKE '%is back%'";
    assert_eq!(app.scalar(&format!("SELECT COUNT(*) FROM outbox o WHERE {watch_alert}")).await, 1, "the held alert");
    let is_back = |m: &amends_mail::IncomingMail| m.subject.as_deref().is_some_and(|s| s.contains("is back"));
    assert!(!sink.received().iter().any(is_back), "no alert mail at night");
    let held_until = app
        .scalar(&format!(
            "SELECT j.run_at FROM jobs j JOIN outbox o ON j.payload LIKE '%\"outbox_id\":' || o.id || '}}%' WHERE {watch_alert}"
        ))
        .await;
    assert_eq!(held_until, time::macros::datetime!(2027-03-02 08:00 UTC).unix_timestamp() * 1000, "09:00 in Berlin");

    // Morning: it goes out, to the owner, from the desk's sender.
    app.clock.set(time::macros::datetime!(2027-03-02 08:00:05 UTC));
    let mail = sink.delivered(&app, &owner_email, "is back").await;
    assert!(mail.text.contains("ordered again") && mail.text.contains(&format!("/cases/{id}")), "{}", mail.text);
    assert_eq!(sink.received().iter().filter(|m| is_back(m)).count(), 1);
}

async fn promise_mails_reach_owners_who_want_them(db: Db) {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    let app = spawn_app_with(db, move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.jobs.retry_base = Duration::from_millis(50);
    })
    .await;
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(always(json!([]))))
        .await
        .expect(200);
    let keen = app.member(Role::Agent).await;
    let quiet = app.member(Role::Agent).await;
    app.patch("/api/v1/me", &quiet.token, json!({ "email_alerts": false })).await.expect(200);
    let mut cases = Vec::new();
    for (owner, email) in [(&keen, "keen@example.com"), (&quiet, "quiet@example.com")] {
        let case = owner.open_case(email, "The order was wrong.").await;
        owner.assign(&case, owner.id).await;
        owner.restate(&case, "Your order was wrong.").await;
        owner.confirm(&case).await;
        owner.apologise(&case, APOLOGY).await;
        owner.offer(&case, ["A new order today", "A refund"]).await;
        owner.choose(&case, 1).await;
        owner.promise_fix(&case, "Deliver the right order", app.clock.now() + time::Duration::seconds(3)).await;
        cases.push(case);
    }
    let keen_email = email_of(&app, keen.id).await;
    let soon = sink.delivered(&app, &keen_email, "is due within a day").await;
    assert!(soon.subject.as_deref().unwrap().starts_with(&cases[0].reference), "{:?}", soon.subject);
    app.clock.advance(time::Duration::seconds(4));
    let broken = sink.delivered(&app, &keen_email, "is broken").await;
    assert!(broken.text.contains("is broken") && broken.text.contains("Deliver the right order"), "{}", broken.text);

    // The quiet owner sees both notes on the case, and gets no mail.
    let notes = quiet.case(&cases[1]).await;
    assert!(notes.events("note_added").iter().any(|n| n.text().contains("is broken")), "{:?}", notes.timeline);
    let done = app.scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'staff_alert' AND done_at IS NOT NULL").await;
    assert_eq!(done, 4, "every alert job done");
    let quiet_email = email_of(&app, quiet.id).await;
    let to_quiet =
        sink.received_with_envelope().into_iter().filter(|(_, envelope)| envelope.contains(&quiet_email)).count();
    assert_eq!(to_quiet, 0, "email alerts switched off");
    let to_keen =
        sink.received_with_envelope().into_iter().filter(|(_, envelope)| envelope.contains(&keen_email)).count();
    assert_eq!(to_keen, 2, "the reminder and the broken promise, once each");
}

crate::on_both_databases!(
    business_hours_are_set_by_an_admin_and_checked,
    due_times_count_working_hours,
    an_overdue_step_climbs_the_ladder_in_order_once,
    an_alert_raised_at_night_is_mailed_in_the_morning,
    promise_mails_reach_owners_who_want_them,
);
