//! Issue 17 §1, "Staff answer the customer, now": the Reply box's API
//! (`POST /cases/{id}/messages`) and saved replies (`/replies`), as a small bakery
//! uses them. Hannah's birthday cake came late; Mia, an agent, answers her.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, ingest, spawn_app_with};
use crate::mail::SmtpSink;

const PASSWORD: &str = "correct horse battery";

/// The bakery's desk with a real SMTP server, and its agent Mia (id, API token).
async fn bakery(db: Db, sink: &SmtpSink) -> (TestApp, i64, String) {
    let smtp = sink.settings();
    let app = spawn_app_with(db, move |s| {
        s.jobs.smtp = Some(smtp);
        s.jobs.from = "Desk <desk@weber.example>".to_owned();
        s.jobs.business_name = "Weber Bakery".to_owned();
    })
    .await;
    let (id, token) = person(&app, "mia@weber.example", "Mia Schmidt", "agent").await;
    (app, id, token)
}

async fn person(app: &TestApp, email: &str, name: &str, role: &str) -> (i64, String) {
    let user = json!({ "email": email, "name": name, "role": role, "password": PASSWORD });
    let id = app.post("/api/v1/users", &app.admin_token, user).await.expect(201)["id"].as_i64().unwrap();
    (id, app.token_for(email, PASSWORD).await)
}

/// Hannah writes in by mail; the case it opened (acknowledged already).
async fn hannah_writes(app: &TestApp, token: &str) -> Value {
    let mail = "From: Hannah Weber <hannah@example.com>\r\nTo: desk@weber.example\r\nSubject: My daughter's birthday cake\r\n\
                Message-ID: <hannah-1@mail.example>\r\nDate: Sat, 5 Dec 2026 09:00:00 +0000\r\n\r\n\
                The birthday cake came two hours late and the party had started.\r\n";
    let out = ingest(app, mail);
    assert!(out.contains("CaseOpened"), "{out}");
    app.settle().await;
    let cases = app.get("/api/v1/cases", token).await.expect(200);
    cases["items"][0].clone()
}

fn timeline_kinds(case: &Value) -> Vec<String> {
    case["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

async fn replies_sent(app: &TestApp, token: &str, case_id: i64) -> Vec<Value> {
    let messages = app.get(&format!("/api/v1/cases/{case_id}/messages"), token).await.expect(200);
    messages["items"].as_array().unwrap().iter().filter(|m| m["purpose"] == "reply").cloned().collect()
}

/// Mia answers Hannah from the API; Hannah's mail client shows it in the same
/// conversation, signed by Mia and the bakery; Hannah's answer to it lands on her case.
async fn an_agent_replies_and_the_customer_reads_it_in_her_thread_signed_by_the_agent(db: Db) {
    let sink = SmtpSink::start();
    let (app, mia_id, mia) = bakery(db, &sink).await;
    let case = hannah_writes(&app, &mia).await;
    let id = case["id"].as_i64().unwrap();
    let reference = case["reference"].as_str().unwrap().to_owned();

    let words =
        "I am so sorry the cake spoiled the start of the party. A new cake leaves our kitchen at nine tomorrow.";
    let reply = app.post(&format!("/api/v1/cases/{id}/messages"), &mia, json!({ "body": words })).await.expect(201);
    assert_eq!(reply["body"], words);
    assert_eq!(reply["status"], "queued");
    assert_eq!(reply["author"]["name"], "Mia Schmidt");
    assert_eq!(reply["author"]["id"], mia_id);
    assert!(reply["created_at"].as_str().is_some() && reply["send_at"].is_null());

    let mail = sink.delivered(&app, "hannah@example.com", &format!("About your case [{reference}]")).await;
    assert!(mail.text.starts_with(words), "her words as Mia wrote them, first: {}", mail.text);
    assert!(mail.text.trim_end().ends_with("Mia Schmidt\nWeber Bakery"), "signed by Mia and the bakery: {}", mail.text);
    assert!(!mail.text.contains("The team"), "not the desk's default signature: {}", mail.text);
    assert_eq!(mail.in_reply_to.as_deref(), Some("hannah-1@mail.example"), "in Hannah's conversation");
    assert_eq!(mail.references, vec!["hannah-1@mail.example".to_owned()]);
    assert_eq!(mail.from_email.as_deref(), Some("desk@weber.example"));

    let sent = replies_sent(&app, &mia, id).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["status"], "sent");
    let shown = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200);
    let replied =
        shown["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "replied").expect("on the timeline");
    assert_eq!(replied["text"], words);
    assert_eq!(replied["actor"]["type"], "staff", "a staff step: it answers the customer");
    assert_eq!(replied["id"], reply["id"]);

    // Hannah answers the reply from her mail client: it threads onto her case.
    let our_id = mail.message_id.clone().unwrap();
    let answer = format!(
        "From: Hannah Weber <hannah@example.com>\r\nTo: desk@weber.example\r\nSubject: Re: About your case [{reference}]\r\n\
         Message-ID: <hannah-2@mail.example>\r\nIn-Reply-To: <{our_id}>\r\nReferences: <hannah-1@mail.example> <{our_id}>\r\n\r\n\
         Thank you, nine is fine.\r\n"
    );
    assert!(ingest(&app, &answer).contains("Threaded"));
    let shown = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200);
    assert_eq!(timeline_kinds(&shown).last().map(String::as_str), Some("customer_wrote"));

    // The next reply answers her newest mail.
    app.post(&format!("/api/v1/cases/{id}/messages"), &mia, json!({ "body": "See you at nine." })).await.expect(201);
    app.settle().await;
    let latest = sink.with_subject(&reference).into_iter().find(|m| m.text.contains("See you at nine.")).unwrap();
    assert_eq!(latest.in_reply_to.as_deref(), Some("hannah-2@mail.example"));
}

/// Words the coach holds back are not sent until Mia gives her reason; the reason is on
/// the timeline. A reply to a customer without an address, on a merged case or later
/// than now is a refusal in words, never a silent drop.
async fn a_reply_the_coach_holds_goes_only_with_a_reason_kept_on_the_timeline(db: Db) {
    let sink = SmtpSink::start();
    let (app, _, mia) = bakery(db, &sink).await;
    let case = hannah_writes(&app, &mia).await;
    let id = case["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/messages");

    let blame = "Our policy is clear: you should have ordered the cake a day earlier.";
    let held = app.post(&path, &mia, json!({ "body": blame })).await.expect_error(422, "coach_gate");
    assert_eq!(held["field"], "coach_override");
    assert!(held["findings"].as_array().is_some_and(|f| !f.is_empty()), "{held}");
    app.settle().await;
    assert!(replies_sent(&app, &mia, id).await.is_empty(), "nothing reached Hannah");

    let reason = "Hannah asked us to quote the ordering policy.";
    let sent = app.post(&path, &mia, json!({ "body": blame, "coach_override": reason })).await.expect(201);
    assert_eq!(sent["coach_override"], reason);
    app.settle().await;
    assert_eq!(replies_sent(&app, &mia, id).await.len(), 1);
    let shown = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200);
    let kinds = timeline_kinds(&shown);
    assert_eq!(&kinds[kinds.len() - 2..], ["replied", "coach_overridden"]);
    let overridden = shown["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(overridden["reason"], reason);

    // Later, in the business's words: scheduled, not sent yet.
    let later =
        (app.clock.now() + time::Duration::hours(3)).format(&time::format_description::well_known::Rfc3339).unwrap();
    let scheduled =
        app.post(&path, &mia, json!({ "body": "Your cake is on its way.", "send_at": later })).await.expect(201);
    assert_eq!(scheduled["status"], "scheduled");
    app.settle().await;
    assert!(sink.received().iter().all(|m| !m.text.contains("on its way")), "not before its time");
    app.pass(time::Duration::hours(4)).await;
    let on_its_way = sink.received().into_iter().find(|m| m.text.contains("Your cake is on its way.")).expect("sent");
    assert!(on_its_way.text.trim_end().ends_with("Mia Schmidt\nWeber Bakery"), "{}", on_its_way.text);
    assert_eq!(on_its_way.in_reply_to.as_deref(), Some("hannah-1@mail.example"));

    // From the case page's Reply box, held words come back in words with the draft kept.
    let (browser, csrf) = app.signed_in("mia@weber.example", PASSWORD).await;
    let version = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200)["version"].as_i64().unwrap();
    let form = [("csrf", csrf.as_str()), ("version", &version.to_string()), ("reply", blame), ("when", "now")];
    let sent = browser.post(app.url(&format!("/cases/{id}/steps/reply"))).form(&form).send().await.unwrap();
    assert_eq!(sent.status().as_u16(), 422);
    let html = sent.text().await.unwrap();
    assert!(html.contains("The language coach held this back"), "{html}");
    assert!(html.contains("you should have ordered the cake a day earlier.</textarea>"), "the draft is kept");
    assert!(html.contains("Send it anyway, because"), "the reason is asked for");
    app.post(&path, &mia, json!({ "body": "Too late.", "send_at": "2020-01-01T00:00:00Z" }))
        .await
        .expect_error(422, "invalid");
    app.post(&path, &mia, json!({ "body": "  " })).await.expect_error(422, "invalid");
    app.post(&path, &mia, json!({ "text": "the wrong field" })).await.expect_error(422, "invalid");

    // A customer known only by phone cannot be mailed: said so, nothing recorded.
    let phone = app
        .post(
            "/api/v1/cases",
            &mia,
            json!({ "customer": { "name": "Otto Berg", "phone": "+49 30 1234" }, "body": "Stale bread.", "channel": "phone" }),
        )
        .await
        .expect(201);
    let refused = app
        .post(&format!("/api/v1/cases/{}/messages", phone["id"]), &mia, json!({ "body": "Sorry, Otto." }))
        .await
        .expect_error(422, "no_email");
    assert!(refused["message"].as_str().unwrap().contains("+49 30 1234"), "{refused}");

    // A duplicate merged into Hannah's case answers nothing; it names the survivor.
    let dup =
        json!({ "customer_id": case["customer_id"], "body": "Also, the candles were missing.", "channel": "phone" });
    let dup_id = app.post("/api/v1/cases", &mia, dup).await.expect(201)["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{dup_id}/merge"), &mia, json!({ "into": id })).await.expect(200);
    let refused = app
        .post(&format!("/api/v1/cases/{dup_id}/messages"), &mia, json!({ "body": "Candles too." }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(refused["merged_into"], id);
}

/// A reply sent twice (a retry after a timeout, a double click) reaches Hannah once.
async fn a_reply_sent_twice_reaches_the_customer_once(db: Db) {
    let sink = SmtpSink::start();
    let (app, _, mia) = bakery(db, &sink).await;
    let case = hannah_writes(&app, &mia).await;
    let id = case["id"].as_i64().unwrap();
    let url = app.url(&format!("/api/v1/cases/{id}/messages"));
    let client = reqwest::Client::new();
    let body = json!({ "body": "Your refund is on its way today." });

    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = client.post(&url).bearer_auth(&mia).header("idempotency-key", "reply-1").json(&body).send().await;
        let r = crate::helpers::answer(r.unwrap()).await;
        ids.push(r.expect(201)["id"].clone());
    }
    assert_eq!(ids[0], ids[1], "the same reply, replayed");

    // With the version read (as the case page sends it): taken once.
    let version = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200)["version"].as_i64().unwrap();
    let again = json!({ "body": "I will call you at five." });
    let mut ids = Vec::new();
    for _ in 0..2 {
        let r = client.post(&url).bearer_auth(&mia).header("if-match", version.to_string()).json(&again).send();
        ids.push(crate::helpers::answer(r.await.unwrap()).await.expect(201)["id"].clone());
    }
    assert_eq!(ids[0], ids[1]);

    // And from the case page's Reply box, submitted twice with the version it loaded.
    let (browser, csrf) = app.signed_in("mia@weber.example", PASSWORD).await;
    let version = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200)["version"].as_i64().unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("version", &version.to_string()),
        ("reply", "The baker will write to you too."),
        ("when", "now"),
    ];
    for _ in 0..2 {
        let sent = browser.post(app.url(&format!("/cases/{id}/steps/reply"))).form(&form).send().await.unwrap();
        assert!(sent.url().as_str().contains("done=reply"), "taken, not refused: {}", sent.url());
    }

    app.settle().await;
    let texts: Vec<String> =
        replies_sent(&app, &mia, id).await.iter().map(|m| m["text_body"].as_str().unwrap().to_owned()).collect();
    assert_eq!(texts.len(), 3, "three replies, each once: {texts:?}");
    let delivered =
        sink.received().iter().filter(|m| m.subject.as_deref().is_some_and(|s| s.contains("About your case"))).count();
    assert_eq!(delivered, 3);
}

/// The manager keeps the bakery's usual answers; each fills in for the case and for
/// whoever answers. A variable it does not know is refused by its name; words the
/// coach holds need a reason.
async fn saved_replies_fill_in_for_the_case_and_refuse_an_unknown_variable(db: Db) {
    let sink = SmtpSink::start();
    let (app, _, mia) = bakery(db, &sink).await;
    let (_, manager) = person(&app, "lena@weber.example", "Lena Kraus", "manager").await;
    let case = hannah_writes(&app, &mia).await;
    let id = case["id"].as_i64().unwrap();
    let reference = case["reference"].as_str().unwrap().to_owned();

    let body = "Dear {{ customer.first_name }}, I have your case {{case.reference}} in front of me and I will call you today.\n{{ agent.name }}";
    let saved =
        app.post("/api/v1/replies", &manager, json!({ "name": "Calling today", "body": body })).await.expect(201);
    assert_eq!(saved["body"], body, "kept as written");
    assert!(saved["findings"].is_array(), "the coach read it: {saved}");
    let rid = saved["id"].as_i64().unwrap();

    let unknown = json!({ "name": "Bad", "body": "Dear {{ customer.last_name }}," });
    let refused = app.post("/api/v1/replies", &manager, unknown).await.expect_error(422, "invalid");
    assert_eq!(refused["field"], "body");
    assert!(refused["message"].as_str().unwrap().contains("customer.last_name"), "{refused}");
    app.post("/api/v1/replies", &mia, json!({ "name": "Mine", "body": "Hello" })).await.expect_error(403, "forbidden");
    app.post("/api/v1/replies", &manager, json!({ "name": "Calling today", "body": "Again" }))
        .await
        .expect_error(409, "conflict");

    let blame = json!({ "name": "Policy", "body": "Our policy is clear: you should have read the label." });
    app.post("/api/v1/replies", &manager, blame.clone()).await.expect_error(422, "coach_gate");
    let mut with_reason = blame;
    with_reason["coach_override"] = json!("Only for customers who ask for the rule in writing.");
    let policy = app.post("/api/v1/replies", &manager, with_reason).await.expect(201);
    assert_eq!(policy["coach_override"], "Only for customers who ask for the rule in writing.");

    // Mia sees them filled in for Hannah's case, signed with her own name.
    let list = app.get(&format!("/api/v1/replies?case_id={id}"), &mia).await.expect(200);
    let calling = list["items"].as_array().unwrap().iter().find(|r| r["id"] == rid).unwrap().clone();
    let filled =
        format!("Dear Hannah, I have your case {reference} in front of me and I will call you today.\nMia Schmidt");
    assert_eq!(calling["filled"], filled.as_str());

    // On the case page, choosing it fills the Reply box; sending it reaches Hannah.
    let (browser, csrf) = app.signed_in("mia@weber.example", PASSWORD).await;
    let page = browser.get(app.url(&format!("/cases/{id}?reply_with={rid}"))).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("Dear Hannah, I have your case {reference} in front of me")), "{html}");
    assert!(html.contains("Calling today"), "the saved replies are offered by name");
    let version = app.get(&format!("/api/v1/cases/{id}"), &mia).await.expect(200)["version"].as_i64().unwrap();
    let form =
        [("csrf", csrf.as_str()), ("version", &version.to_string()), ("reply", filled.as_str()), ("when", "now")];
    let sent = browser.post(app.url(&format!("/cases/{id}/steps/reply"))).form(&form).send().await.unwrap();
    assert!(sent.url().as_str().contains("done=reply"), "{}", sent.url());
    let mail = sink.delivered(&app, "hannah@example.com", "About your case").await;
    assert!(mail.text.contains("Dear Hannah, I have your case"), "{}", mail.text);

    // Changed and deleted by a manager.
    let changed =
        json!({ "name": "Calling today", "body": "Dear {{ customer.first_name }}, I will call you by five." });
    let changed = app.call(Method::PUT, &format!("/api/v1/replies/{rid}"), Some(&manager), Some(changed)).await;
    assert_eq!(changed.expect(200)["body"], "Dear {{ customer.first_name }}, I will call you by five.");
    let gone = app.call(Method::DELETE, &format!("/api/v1/replies/{rid}"), Some(&manager), None).await;
    assert_eq!(gone.status.as_u16(), 204);
    let again = app.call(Method::DELETE, &format!("/api/v1/replies/{rid}"), Some(&manager), None).await;
    again.expect_error(404, "not_found");
}

crate::on_both_databases!(
    an_agent_replies_and_the_customer_reads_it_in_her_thread_signed_by_the_agent,
    a_reply_the_coach_holds_goes_only_with_a_reason_kept_on_the_timeline,
    a_reply_sent_twice_reaches_the_customer_once,
    saved_replies_fill_in_for_the_case_and_refuse_an_unknown_variable,
);
