//! A customer who wrote is never lost (issue 17, part 2): whatever the customer says
//! next — a reply by mail, an answer through their link — puts their case first in the
//! inbox, marked, until staff answer or act; a reply to a closed case opens it again,
//! and says so; a counter-proposal is staff's to answer.

use amends_domain::Role;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Db, TestApp, ingest, spawn_app};
use crate::mail::{SmtpSink, link_in, post_form, spawn_with_smtp};
use crate::staff::Staff;

/// Hannah Berg's complaint, logged by `staff`; the case's JSON.
async fn hannahs_case(app: &TestApp, staff: &Staff<'_>, wish: Option<&str>) -> Value {
    let mut body = json!({
        "customer": { "name": "Hannah Berg", "email": "hannah@example.com" },
        "body": "My daughter's birthday cake came two hours late and squashed.",
        "channel": "email",
    });
    if let Some(wish) = wish {
        body["wish"] = json!(wish);
    }
    app.post("/api/v1/cases", &staff.token, body).await.expect(201)
}

/// A reply from Hannah by mail, shaped as Gmail writes one, threaded by the case's tag.
fn gmail_reply(reference: &str, n: u32, words: &str) -> String {
    format!(
        "From: Hannah Berg <hannah@example.com>\r\nTo: desk@amends.local\r\nSubject: Re: Your cake [{reference}]\r\n\
         Message-ID: <hannah-{n}@mail.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\n{words}\r\n\r\n\
         On Mon, 23 Nov 2026 at 10:00, Corner Bakery <desk@bakery.example> wrote:\r\n\
         > I am sorry your cake came late.\r\n> We will put it right.\r\n"
    )
}

async fn list(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let page = app.get(&format!("/api/v1/cases{query}"), token).await.expect(200);
    page["items"].as_array().expect("items").clone()
}

fn waiting_since(case: &Value) -> Option<OffsetDateTime> {
    case["customer_waiting_since"].as_str().map(|t| OffsetDateTime::parse(t, &Rfc3339).expect("RFC 3339"))
}

async fn hannah_replies_to_her_closed_case_and_it_is_first_in_the_inbox_marked(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let ann_email = app.get("/api/v1/me", &ann.token).await.expect(200)["email"].as_str().unwrap().to_owned();
    let hannah = hannahs_case(&app, &ann, None).await;
    let (id, reference) = (hannah["id"].as_i64().unwrap(), hannah["reference"].as_str().unwrap().to_owned());
    assert_eq!(hannah["customer_waiting_since"], Value::Null, "a new complaint is not a reply");
    app.post(&format!("/api/v1/cases/{id}/assign"), &ann.token, json!({ "owner_id": ann.id })).await.expect(200);
    app.post(
        &format!("/api/v1/cases/{id}/outcome"),
        &ann.token,
        json!({ "outcome": "lost", "reason": "She moved away" }),
    )
    .await
    .expect(200);
    // Another customer's complaint, newer: without Hannah's words it would be first.
    app.complaint(&ann.token, "ben@example.com", "The bread was stale.").await;
    app.settle().await;

    let out = ingest(&app, &gmail_reply(&reference, 1, "The cake was never replaced. Nobody called me back."));
    assert!(out.contains("Threaded"), "{out}");

    let items = list(&app, &ann.token, "").await;
    assert_eq!(items[0]["id"], id, "Hannah's case heads the list: {items:?}");
    assert!(waiting_since(&items[0]).is_some(), "marked as waiting: {}", items[0]);
    assert_eq!(items[0]["customer_words"], "The cake was never replaced. Nobody called me back.", "her new words only");
    assert_eq!(items[0]["status"], "open", "open again for attention");

    let case = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    let timeline = case["timeline"].as_array().unwrap();
    let wrote = timeline.iter().find(|e| e["kind"] == "customer_wrote").expect("her reply is on the case");
    assert!(wrote["text"].as_str().unwrap().contains("> I am sorry your cake came late."), "kept whole");
    assert_eq!(wrote["new_words"], "The cake was never replaced. Nobody called me back.");
    let reopened = timeline.iter().find(|e| e["kind"] == "reopened").expect("never silently");
    assert_eq!(reopened["reason"], "Hannah wrote again");
    assert_eq!(reopened["actor"]["type"], "system");

    // A second reply keeps the wait from her first word, and alerts nobody again.
    ingest(&app, &gmail_reply(&reference, 2, "Hello?"));
    let again = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    assert_eq!(waiting_since(&again), waiting_since(&items[0]));
    assert_eq!(again["customer_words"], "Hello?");

    // Her owner hears of it by mail, in business hours (within three days there are some):
    // the alert is written now, its mail waits for the next opening.
    app.settle().await;
    app.pass(time::Duration::days(3)).await;
    let alert = sink.delivered(&app, &ann_email, "Hannah Berg wrote again").await;
    assert!(alert.text.contains("Nobody called me back"), "{}", alert.text);
    assert_eq!(sink.with_subject("Hannah Berg wrote again").len(), 1, "one alert per wait");

    // Ann acts (any step): the wait ends, and the case takes its place by age again.
    app.post(&format!("/api/v1/cases/{id}/notes"), &ann.token, json!({ "text": "Called her back" })).await.expect(200);
    let items = list(&app, &ann.token, "").await;
    assert_ne!(items[0]["id"], id, "answered: no longer first");
    let answered = items.iter().find(|c| c["id"] == id).unwrap();
    assert_eq!(answered["customer_waiting_since"], Value::Null);
}

async fn a_reply_to_a_merged_case_reopens_the_case_it_was_merged_into(db: Db) {
    let app = spawn_app(db).await;
    let ann = app.member(Role::Agent).await;
    let first = hannahs_case(&app, &ann, None).await;
    let again = json!({ "customer_id": first["customer_id"], "body": "Still no new cake.", "channel": "email" });
    let second = app.post("/api/v1/cases", &ann.token, again).await.expect(201);
    let (survivor, duplicate) = (first["id"].as_i64().unwrap(), second["id"].as_i64().unwrap());
    app.post(&format!("/api/v1/cases/{duplicate}/merge"), &ann.token, json!({ "into": survivor })).await.expect(200);
    app.post(
        &format!("/api/v1/cases/{survivor}/outcome"),
        &ann.token,
        json!({ "outcome": "lost", "reason": "No answer for a month" }),
    )
    .await
    .expect(200);
    let reference = second["reference"].as_str().unwrap();
    ingest(&app, &gmail_reply(reference, 3, "I am still here, and still waiting."));
    let case = app.get(&format!("/api/v1/cases/{survivor}"), &ann.token).await.expect(200);
    assert_eq!(case["status"], "open");
    assert!(waiting_since(&case).is_some());
    let reasons: Vec<&Value> =
        case["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "reopened").map(|e| &e["reason"]).collect();
    assert_eq!(reasons, vec![&json!("Hannah wrote again")]);
    assert_eq!(list(&app, &ann.token, "").await[0]["id"], survivor, "the survivor is first");
}

async fn hannah_proposes_her_own_solution_and_staff_owe_the_answer(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case: crate::staff::Case = serde_json::from_value(hannahs_case(&app, &ann, None).await).unwrap();
    ann.restate(&case, "Your daughter's birthday cake came two hours late, and squashed.").await;
    ann.confirm(&case).await;
    ann.apologise(&case, "I am sorry. I accept all responsibility, and I will put it right today.").await;
    ann.offer(&case, ["A new cake tomorrow at 10:00", "Your money back today"]).await;
    let offer = sink.delivered(&app, "hannah@example.com", "Two ways").await;
    let (code, _) =
        post_form(&app, &link_in(&offer), &[("action", "propose"), ("proposal", "A new cake on Sunday at noon")]).await;
    assert_eq!(code, 200);

    let proposed = app.get(&format!("/api/v1/cases/{}", case.id), &ann.token).await.expect(200);
    assert_eq!(proposed["status"], "open", "never waiting on the customer while staff owe the answer");
    assert_eq!(proposed["next_step"], "offer", "her proposal is the next step");
    assert!(proposed["next_due_at"].is_string(), "with a due time");
    assert!(waiting_since(&proposed).is_some());
    let offer_step = proposed["steps"].as_array().unwrap().iter().find(|s| s["step"] == "offer").unwrap();
    assert_eq!(offer_step["status"], "due");
    assert_eq!(list(&app, &ann.token, "?view=awaiting_customer").await.len(), 0);

    // Declining says why, in words the coach read; blame waits for a reason.
    let path = format!("/api/v1/cases/{}/offer/alternative/decline", case.id);
    let blamed = app.post(&path, &ann.token, json!({ "reason": "You should have ordered earlier." })).await;
    assert_eq!(blamed.status, 422, "{}", blamed.body);
    let reason = "I am sorry: our kitchen is closed on Sundays. I can bring the new cake on Saturday at noon.";
    let declined = app.post(&path, &ann.token, json!({ "reason": reason })).await.expect(200);
    assert_eq!(declined["case"]["customer_waiting_since"], Value::Null);
    let after = app.get(&format!("/api/v1/cases/{}", case.id), &ann.token).await.expect(200);
    let offer_step = after["steps"].as_array().unwrap().iter().find(|s| s["step"] == "offer").unwrap();
    assert_eq!(offer_step["status"], "awaiting_customer", "the two options wait on her again");
    assert_ne!(after["next_step"], "offer");
    let told = sink.delivered(&app, "hannah@example.com", "Your suggestion").await;
    assert!(told.text.contains("kitchen is closed on Sundays"), "{}", told.text);
    assert!(told.text.contains("A new cake on Sunday at noon") && told.text.contains("Your money back today"));
    let (code, _) = post_form(&app, &link_in(&told), &[("action", "choose"), ("option", "2")]).await;
    assert_eq!(code, 200, "she can still choose through the new link");
}

async fn hannah_writes_from_her_case_page_and_it_is_first_in_the_inbox_once(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case = hannahs_case(&app, &ann, None).await;
    let id = case["id"].as_i64().unwrap();
    let acknowledged = sink.delivered(&app, "hannah@example.com", "We have your message").await;
    let page = link_in(&acknowledged);

    let (code, body) = post_form(&app, &page, &[("action", "write"), ("words", "   ")]).await;
    assert_eq!(code, 422, "an empty message is refused in words");
    assert!(body.contains("Write what you want to tell us"), "{body}");

    // As a browser does: the page, then its form (sent twice: a double click).
    let (code, shown) = crate::mail::page(&app, &page).await;
    assert_eq!(code, 200);
    assert!(shown.contains("Write to us here"), "{shown}");
    let version = shown.split("name=\"version\" value=\"").nth(1).and_then(|v| v.split('"').next()).unwrap();
    let words = "Will the new cake still come on Saturday? It is the party.";
    for _ in 0..2 {
        let form = [("action", "write"), ("version", version), ("words", words)];
        let (code, body) = post_form(&app, &page, &form).await;
        assert_eq!(code, 200, "{body}");
        assert!(body.contains("We have your message"), "{body}");
    }
    let now = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    assert!(waiting_since(&now).is_some(), "her word waits for staff: {now}");
    assert_eq!(now["customer_words"], words);
    let wrote = now["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "customer_wrote").count();
    assert_eq!(wrote, 1, "the form sent twice is recorded once");
    let first = &list(&app, &ann.token, "").await[0];
    assert_eq!(first["id"], id, "first in the inbox");
    // Staff act meanwhile; a later word from the old page is still taken, never refused.
    let typed: crate::staff::Case = serde_json::from_value(now.clone()).unwrap();
    ann.step(&typed, "notes", json!({ "text": "Called her back" })).await;
    let (code, _) = post_form(&app, &page, &[("action", "write"), ("version", version), ("words", "Thank you!")]).await;
    assert_eq!(code, 200);
    let now = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    assert_eq!(now["customer_words"], "Thank you!");
}

async fn hannahs_correction_keeps_her_first_wish_beside_the_later_one(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case: crate::staff::Case =
        serde_json::from_value(hannahs_case(&app, &ann, Some("A new cake for Saturday")).await).unwrap();
    ann.restate(&case, "Your cake came late.").await;
    let mail = sink.delivered(&app, "hannah@example.com", "Did we understand you?").await;
    let (code, _) = post_form(
        &app,
        &link_in(&mail),
        &[("action", "correct"), ("correction", "It was squashed too."), ("wish", "My money back")],
    )
    .await;
    assert_eq!(code, 200);
    let corrected = app.get(&format!("/api/v1/cases/{}", case.id), &ann.token).await.expect(200);
    assert_eq!(corrected["wish"], "A new cake for Saturday", "her first wish stays");
    assert_eq!(corrected["wishes"], json!(["A new cake for Saturday", "My money back"]));
    assert!(waiting_since(&corrected).is_some(), "her correction waits for staff");
    assert_eq!(corrected["customer_words"], "My money back", "her latest words");
}

async fn the_inbox_views_list_all_waiting_on_the_customer_and_closed(db: Db) {
    let app = spawn_app(db).await;
    let ann = app.member(Role::Agent).await;
    let open = ann.open_case("open@example.com", "The coffee was cold.").await;
    let waiting = ann.open_case("waiting@example.com", "The bread was stale.").await;
    ann.restate(&waiting, "Your bread was stale.").await;
    let closed = ann.open_case("closed@example.com", "The cake was late.").await;
    ann.step(&closed, "outcome", json!({ "outcome": "lost", "reason": "Moved away" })).await;
    let ids = |items: Vec<Value>| items.iter().map(|c| c["id"].as_i64().unwrap()).collect::<Vec<_>>();
    assert_eq!(ids(list(&app, &ann.token, "?view=all").await), vec![closed.id, waiting.id, open.id]);
    assert_eq!(ids(list(&app, &ann.token, "?view=awaiting_customer").await), vec![waiting.id]);
    assert_eq!(ids(list(&app, &ann.token, "?view=closed").await), vec![closed.id]);
    let bad = app.get("/api/v1/cases?view=someday", &ann.token).await.expect_error(400, "bad_request");
    assert_eq!(bad["field"], "view");
    // An integration finds a case by the reference the customer quotes, as people type it.
    let reference = 1000 + waiting.id;
    for typed in [format!("AM-{reference}"), format!("am%20{reference}"), format!("{reference}")] {
        assert_eq!(ids(list(&app, &ann.token, &format!("?q={typed}")).await), vec![waiting.id], "{typed}");
    }
    // Words still search as before.
    assert_eq!(ids(list(&app, &ann.token, "?q=coffee").await), vec![open.id]);
}

crate::on_both_databases!(
    hannah_replies_to_her_closed_case_and_it_is_first_in_the_inbox_marked,
    a_reply_to_a_merged_case_reopens_the_case_it_was_merged_into,
    hannah_proposes_her_own_solution_and_staff_owe_the_answer,
    hannahs_correction_keeps_her_first_wish_beside_the_later_one,
    hannah_writes_from_her_case_page_and_it_is_first_in_the_inbox_once,
    the_inbox_views_list_all_waiting_on_the_customer_and_closed
);
