//! A desk people work at all day: merging one customer's duplicates (their timelines
//! joined, their links and replies led to the survivor), linking a case to an earlier
//! one, snoozing, messages scheduled for later, bulk actions from the inbox, and the
//! promise that internal notes never reach a customer through any of it.

use serde_json::{Value, json};

use amends_domain::Role;
use time::macros::datetime;

use crate::helpers::{Db, TestApp};
use crate::mail::{SmtpSink, link_in, spawn_with_smtp};
use crate::staff::{Case, Staff, rfc3339};

const APOLOGY: &str = "I am so sorry. I accept all responsibility for the late cake.";

async fn case(app: &TestApp, token: &str, id: i64) -> Value {
    app.get(&format!("/api/v1/cases/{id}"), token).await.expect(200)
}

/// The case's messages to the customer once the queue has run: at least `n`.
async fn messages(app: &TestApp, token: &str, id: i64, n: usize) -> Vec<Value> {
    app.settle().await;
    let m = app.get(&format!("/api/v1/cases/{id}/messages"), token).await.expect(200);
    let items = m["items"].as_array().unwrap().clone();
    assert!(items.len() >= n, "case {id} has {} message(s), not {n}", items.len());
    items
}

fn reply(from: &str, n: u32, headers: &str, text: &str) -> String {
    format!(
        "From: Ann Lee <{from}>\r\nTo: desk@amends.local\r\nMessage-ID: <reply-{n}@mail.example>\r\n{headers}\
         Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n\r\n{text}\r\n"
    )
}

fn timeline_kinds(case: &Value) -> Vec<(String, i64)> {
    case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap().to_owned(), e["case_id"].as_i64().unwrap()))
        .collect()
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// The personal link in the message about `reference` (or with that subject) that
/// reached the customer: kept messages show it masked.
async fn link_sent(app: &TestApp, sink: &SmtpSink, email: &str, subject: &str) -> String {
    link_in(&sink.delivered(app, email, subject).await)
}

async fn merged_cases_share_one_timeline_and_lead_links_and_replies_to_the_survivor(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let (_, agent) = app.staff("agent").await;
    let email = "ann@merge.example";
    let first = app.complaint(&agent, email, "The cake came late.").await;
    let second = app.complaint(&agent, email, "I wrote already: the cake came late!").await;
    let (a, b) = (id(&first), id(&second));
    app.post(&format!("/api/v1/cases/{b}/notes"), &agent, json!({ "text": "Called her back." })).await.expect(200);
    let ack = messages(&app, &agent, b, 1).await[0].clone();
    let status_link = link_sent(&app, &sink, email, second["reference"].as_str().unwrap()).await;

    // Refused: into itself, another customer's case, a case that does not exist.
    let refused =
        app.post(&format!("/api/v1/cases/{b}/merge"), &agent, json!({ "into": b })).await.expect_error(422, "invalid");
    assert_eq!(refused["rule"], "merge_into_itself");
    let stranger = app.complaint(&agent, "bob@merge.example", "My bread was burnt.").await;
    let refused = app
        .post(&format!("/api/v1/cases/{}/merge", id(&stranger)), &agent, json!({ "into": a }))
        .await
        .expect_error(422, "invalid");
    assert_eq!(refused["rule"], "different_customers");
    assert!(refused["message"].as_str().unwrap().contains("different customers"), "{refused}");
    app.post(&format!("/api/v1/cases/{b}/merge"), &agent, json!({ "into": 99_999 })).await.expect_error(422, "invalid");

    let merge = app.post(&format!("/api/v1/cases/{b}/merge"), &agent, json!({ "into": a })).await.expect(200);
    assert_eq!(merge["survivor"]["id"], a);
    assert_eq!(merge["absorbed"]["status"], "merged");
    assert_eq!(merge["absorbed"]["merged_into"], a);

    // The survivor's timeline holds both cases' events and the record of the merge.
    let survivor = case(&app, &agent, a).await;
    let kinds = timeline_kinds(&survivor);
    assert!(kinds.contains(&("opened".into(), b)) && kinds.contains(&("note_added".into(), b)), "{kinds:?}");
    assert!(kinds.contains(&("merged".into(), b)) && kinds.contains(&("merged_in".into(), a)), "{kinds:?}");
    let merged_in = survivor["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "merged_in").unwrap();
    assert_eq!(merged_in["from"], b);
    assert!(merged_in["actor"]["user_id"].is_i64() && merged_in["at"].is_string(), "who and when: {merged_in}");
    assert_eq!(survivor["merged_cases"], json!([b]));
    assert_eq!(survivor["status"], "open");

    // The merged case takes no more steps and names the survivor.
    let refused = app
        .post(&format!("/api/v1/cases/{b}/notes"), &agent, json!({ "text": "One more" }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(refused["merged_into"], a);
    assert!(refused["message"].as_str().unwrap().contains(first["reference"].as_str().unwrap()), "{refused}");
    let again = app
        .post(&format!("/api/v1/cases/{b}/merge"), &agent, json!({ "into": a }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(again["rule"], "already_merged");
    let merged_cases = app.get("/api/v1/cases?status=merged", &agent).await.expect(200);
    assert_eq!(merged_cases["items"].as_array().unwrap().len(), 1);

    // A third duplicate merged into the merged one lands on the survivor.
    let third = app.complaint(&agent, email, "Third time I write this.").await;
    let chained =
        app.post(&format!("/api/v1/cases/{}/merge", id(&third)), &agent, json!({ "into": b })).await.expect(200);
    assert_eq!(chained["survivor"]["id"], a);

    // The merged case's link shows the survivor.
    let page = reqwest::get(app.url(&status_link)).await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains(first["reference"].as_str().unwrap()), "the link leads to the survivor");

    // A reply to the merged case's message, and one tagged with its reference, land on the survivor.
    let ack_id = ack["message_id"].as_str().unwrap();
    let out = crate::helpers::ingest(
        &app,
        &reply(email, 1, &format!("Subject: Re: ack\r\nIn-Reply-To: {ack_id}\r\n"), "Still no cake."),
    );
    assert!(out.contains(&format!("Threaded {{ case_id: {a} }}")), "{out}");
    let tag = second["reference"].as_str().unwrap();
    let out =
        crate::helpers::ingest(&app, &reply(email, 2, &format!("Subject: About [{tag}]\r\n"), "And no card either."));
    assert!(out.contains(&format!("Threaded {{ case_id: {a} }}")), "{out}");
    let survivor = case(&app, &agent, a).await;
    let wrote: Vec<&Value> = survivor["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "customer_wrote" && e["case_id"] == a)
        .collect();
    assert_eq!(wrote.len(), 2, "both replies are on the survivor");
}

async fn a_case_links_to_an_earlier_one_on_both_pages(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let earlier = app.complaint(&agent, "cy@merge.example", "The oven you sold me broke.").await;
    let later = app.complaint(&agent, "cy@merge.example", "The oven broke again.").await;
    let (e, l) = (id(&earlier), id(&later));
    app.post(&format!("/api/v1/cases/{l}/links"), &agent, json!({ "case_id": e })).await.expect(200);
    assert_eq!(case(&app, &agent, l).await["linked_cases"], json!([e]));
    assert_eq!(case(&app, &agent, e).await["linked_cases"], json!([l]));
    let twice = app
        .post(&format!("/api/v1/cases/{e}/links"), &agent, json!({ "case_id": l }))
        .await
        .expect_error(409, "step_refused");
    assert_eq!(twice["rule"], "already_linked");
    app.post(&format!("/api/v1/cases/{l}/links"), &agent, json!({ "case_id": l })).await.expect_error(422, "invalid");
    let stranger = app.complaint(&agent, "dee@merge.example", "Another oven.").await;
    let other = app
        .post(&format!("/api/v1/cases/{l}/links"), &agent, json!({ "case_id": id(&stranger) }))
        .await
        .expect_error(422, "invalid");
    assert_eq!(other["rule"], "different_customers");

    // Both case pages show the link.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    for (page, other) in [(e, &later), (l, &earlier)] {
        let html = client.get(app.url(&format!("/cases/{page}"))).send().await.unwrap().text().await.unwrap();
        let reference = other["reference"].as_str().unwrap();
        assert!(html.contains(&format!("data-linked-case>{reference}</a>")), "case {page} shows {reference}");
    }
}

/// Walks a case to a promised fix; returns the case as it is then.
async fn to_promised_fix(ann: &Staff<'_>, email: &str) -> Case {
    let case = ann.open_case(email, "The cake came a day late and squashed.").await;
    ann.restate(&case, "Your cake arrived a day late and damaged.").await;
    ann.confirm(&case).await;
    ann.apologise(&case, APOLOGY).await;
    ann.offer(&case, ["A new cake delivered today", "A full refund"]).await;
    ann.choose(&case, 1).await;
    ann.promise_fix(&case, "Bake and deliver a new cake", datetime!(2099-01-02 10:00 UTC)).await;
    ann.case(&case).await
}

fn listed(list: &Value, case_id: i64) -> bool {
    list["items"].as_array().unwrap().iter().any(|c| c["id"] == case_id)
}

async fn a_snooze_wakes_by_time_or_reply_and_keeps_the_promised_dates(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let email = "eve@merge.example";
    let before = to_promised_fix(&ann, email).await;
    let reference = before.reference.clone();
    let promised = |case: &Case| case.events("fix_promised")[0].fields["due"].clone();
    let awake_list =
        || async { listed(&app.get("/api/v1/cases?snoozed=false", &ann.token).await.expect(200), before.id) };

    let refused = ann.try_step(&before, "snooze", json!({ "until": "2020-01-01T00:00:00Z" })).await.unwrap_err();
    assert_eq!((refused.status, refused.error.as_str()), (422, "invalid"));
    let snoozed = ann.snooze(&before, None).await;
    assert_eq!(snoozed.version, before.version + 1, "a snooze is an event like any other");
    assert!(snoozed.snoozed);
    assert!(snoozed.snoozed_until.is_none(), "until the customer writes");
    assert!(!awake_list().await);
    assert!(listed(&app.get("/api/v1/cases?snoozed=true", &ann.token).await.expect(200), before.id));
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let inbox = |view: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/inbox?view={view}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    // The inbox's "waiting on" count of the case's step, as staff read it, and as the
    // cases themselves say it (open, on that step, awake now on the desk's clock).
    let step = before.next_step.clone().expect("a promised fix waits on a step");
    let waiting_on_its_step = || async {
        let shown = waiting_on(&inbox("all").await).get(&step).copied().unwrap_or(0);
        let now = (app.clock.now().unix_timestamp_nanos() / 1_000_000) as i64;
        let awake = app
            .scalar(&format!(
                "SELECT COUNT(*) FROM cases WHERE status = 'open' AND next_step = '{step}' \
                 AND (snoozed_until IS NULL OR snoozed_until <= {now})"
            ))
            .await;
        assert_eq!(shown, awake, "the inbox counts the awake open cases on {step}");
        shown
    };
    assert!(!inbox("all").await.contains(&reference), "a snoozed case leaves the inbox");
    assert!(inbox("snoozed").await.contains(&reference), "and is listed under Snoozed");
    let asleep = waiting_on_its_step().await;

    // The customer writes: it wakes, and the promised dates stay as they were.
    let out = crate::helpers::ingest(
        &app,
        &reply(email, 10, &format!("Subject: Re: [{reference}]\r\n"), "When does it come?"),
    );
    assert!(out.contains("Threaded"), "{out}");
    let woken = ann.case(&before).await;
    assert!(!woken.snoozed);
    assert_eq!(promised(&woken), promised(&before));
    assert_eq!(woken.next_step, before.next_step);
    assert_eq!(woken.next_due_at, before.next_due_at);
    assert!(inbox("all").await.contains(&reference), "back in the inbox");
    assert_eq!(waiting_on_its_step().await, asleep + 1, "and counted again");

    // Snoozed until a time: it comes back when the time passes on the desk's clock.
    let snoozed = ann.snooze(&before, Some(app.clock.now() + time::Duration::seconds(2))).await;
    assert!(snoozed.snoozed && snoozed.snoozed_until.is_some());
    assert!(!awake_list().await);
    assert_eq!(waiting_on_its_step().await, asleep, "not counted while asleep");
    app.pass(time::Duration::seconds(3)).await;
    assert!(awake_list().await, "awake again");
    assert_eq!(waiting_on_its_step().await, asleep + 1, "counted once its time has passed");
    let after = ann.case(&before).await;
    assert!(!after.snoozed);
    assert_eq!(after.next_due_at, before.next_due_at);

    // Woken by hand; waking an awake case is refused.
    ann.snooze(&before, None).await;
    assert!(!ann.step(&before, "wake", json!({})).await.snoozed);
    let refused = ann.try_step(&before, "wake", json!({})).await.unwrap_err();
    assert_eq!((refused.status, refused.error.as_str()), (409, "step_refused"));
}

async fn scheduled(app: &TestApp, token: &str, c: i64) -> Vec<Value> {
    app.get(&format!("/api/v1/cases/{c}/scheduled-messages"), token).await.expect(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn a_scheduled_message_goes_at_its_time_unless_the_customer_writes_first(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let email = "fay@merge.example";
    let first = app.complaint(&agent, email, "My order is missing.").await;
    let c = id(&first);
    messages(&app, &agent, c, 1).await;
    let at = |secs: i64| rfc3339(app.clock.now() + time::Duration::seconds(secs));
    let path = format!("/api/v1/cases/{c}/scheduled-messages");

    // The coach's gate holds company-focused wording, as for every outgoing text.
    let held = app
        .post(
            &path,
            &agent,
            json!({ "text": "Our policy is clear: you should have used it as the manual says.", "send_at": at(60) }),
        )
        .await
        .expect_error(422, "coach_gate");
    assert_eq!(held["field"], "coach_override");
    app.post(&path, &agent, json!({ "text": "Your parcel leaves today.", "send_at": "2020-01-01T00:00:00Z" }))
        .await
        .expect_error(422, "invalid");

    let text = "Your parcel left our shop this morning; it reaches you tomorrow before noon.";
    app.post(&path, &agent, json!({ "text": text, "send_at": at(1) })).await.expect(200);
    assert_eq!(scheduled(&app, &agent, c).await[0]["status"], "pending");
    app.clock.advance(time::Duration::seconds(2));
    let sent = messages(&app, &agent, c, 2).await;
    let message = sent.iter().find(|m| m["purpose"] == "scheduled").expect("the scheduled message is in the outbox");
    assert!(message["text_body"].as_str().unwrap().contains(text));
    assert_eq!(scheduled(&app, &agent, c).await[0]["status"], "sent");

    // The customer writes first: the next one is cancelled, and the agent is told.
    let later = "I will call you on Friday to check the parcel arrived.";
    app.post(&path, &agent, json!({ "text": later, "send_at": at(2) })).await.expect(200);
    let reference = first["reference"].as_str().unwrap();
    crate::helpers::ingest(&app, &reply(email, 20, &format!("Subject: Re: [{reference}]\r\n"), "It arrived, thanks!"));
    let after = scheduled(&app, &agent, c).await;
    assert_eq!(after[1]["status"], "cancelled");
    let timeline = case(&app, &agent, c).await["timeline"].clone();
    let cancelled = timeline.as_array().unwrap().iter().find(|e| e["kind"] == "scheduled_message_cancelled").unwrap();
    assert_eq!(cancelled["scheduled_event_id"], after[1]["event_id"]);
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let html = client.get(app.url(&format!("/cases/{c}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("id=\"cancelled-messages\""), "the case page says a message was not sent");
    app.pass(time::Duration::seconds(3)).await;
    let all = app.get(&format!("/api/v1/cases/{c}/messages"), &agent).await.expect(200);
    assert!(
        !all["items"].as_array().unwrap().iter().any(|m| m["text_body"].as_str().unwrap().contains(later)),
        "a cancelled message is never sent"
    );
}

async fn bulk_applies_what_the_rules_allow_and_reports_the_rest(app: TestApp) {
    let (agent_id, agent) = app.staff("agent").await;
    let ann1 = id(&app.complaint(&agent, "gus@merge.example", "Late again.").await);
    let ann2 = id(&app.complaint(&agent, "gus@merge.example", "Still late.").await);
    let bob = id(&app.complaint(&agent, "hal@merge.example", "Wrong bread.").await);
    let bulk = |body: Value| app.post("/api/v1/cases/bulk", &agent, body);

    let tagged =
        bulk(json!({ "action": "tag", "case_ids": [ann1, ann2, bob], "tag": "Late Delivery" })).await.expect(200);
    assert_eq!((tagged["applied"].as_i64(), tagged["refused"].as_i64()), (Some(3), Some(0)));
    let list = app.get("/api/v1/cases?tag=late%20delivery", &agent).await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
    assert_eq!(case(&app, &agent, ann1).await["tags"], json!(["late delivery"]));
    assert_eq!(app.get("/api/v1/cases?tag=late", &agent).await.expect(200)["items"].as_array().unwrap().len(), 0);

    let again = bulk(json!({ "action": "tag", "case_ids": [ann1], "tag": "late delivery" })).await.expect(200);
    assert_eq!(again["results"][0]["ok"], false);

    let sev = bulk(json!({ "action": "severity", "case_ids": [ann1, 99_999], "severity": "high" })).await.expect(200);
    assert_eq!(sev["results"][0]["ok"], true);
    assert_eq!(sev["results"][1]["error"], "not_found");
    let raised = case(&app, &agent, ann1).await;
    assert_eq!((raised["severity"].as_str(), raised["escalation_required"].as_bool()), (Some("high"), Some(true)));

    let assigned = bulk(json!({ "action": "assign", "case_ids": [ann2, bob], "owner_id": agent_id })).await.expect(200);
    assert_eq!(assigned["applied"], 2);
    assert_eq!(case(&app, &agent, bob).await["owner_id"], agent_id);

    // Merge into the oldest: Bob's case is another customer's and stays apart.
    let merged = bulk(json!({ "action": "merge", "case_ids": [ann2, bob, ann1] })).await.expect(200);
    assert_eq!((merged["applied"].as_i64(), merged["refused"].as_i64()), (Some(2), Some(1)), "{merged}");
    let of =
        |case_id: i64| merged["results"].as_array().unwrap().iter().find(|r| r["case_id"] == case_id).unwrap().clone();
    assert_eq!(of(ann2)["ok"], true);
    assert_eq!(of(bob)["ok"], false);
    assert!(of(bob)["message"].as_str().unwrap().contains("different customers"));
    assert_eq!(case(&app, &agent, ann2).await["merged_into"], ann1);

    let snoozed = bulk(json!({ "action": "snooze", "case_ids": [ann1, ann2, bob] })).await.expect(200);
    assert_eq!(snoozed["applied"], 2, "the merged case takes no snooze: {snoozed}");
    assert_eq!(case(&app, &agent, bob).await["snoozed"], true);

    // The inbox's bulk bar: a mixed result shows what became of each case.
    let cal = id(&app.complaint(&agent, "gus@merge.example", "Late a third time.").await);
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let form = [
        ("csrf", csrf.clone()),
        ("action", "merge".to_owned()),
        ("into", "oldest".to_owned()),
        ("case", cal.to_string()),
        ("case", bob.to_string()),
        ("case", ann1.to_string()),
    ];
    let page = client.post(app.url("/inbox/bulk")).form(&form).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"bulk-results\""), "the refusals are listed");
    assert_eq!(html.matches("data-bulk-result=\"refused\"").count(), 1, "only Bob's case is refused");
    assert_eq!(case(&app, &agent, cal).await["merged_into"], ann1);
    let all_ok = [("csrf", csrf), ("action", "tag".to_owned()), ("tag", "desk".to_owned()), ("case", bob.to_string())];
    let done = client.post(app.url("/inbox/bulk")).form(&all_ok).send().await.unwrap();
    assert!(done.url().as_str().contains("done="), "all applied: back to the inbox, {}", done.url());
    assert_eq!(case(&app, &agent, bob).await["tags"], json!(["late delivery", "desk"]));

    // Tags given at intake are found by the same filter.
    let vip = app
        .post(
            "/api/v1/cases",
            &agent,
            json!({ "customer": { "name": "Ida", "email": "ida@merge.example" }, "body": "Cold soup.", "tags": [" VIP "] }),
        )
        .await
        .expect(201);
    assert_eq!(vip["tags"], json!(["vip"]));
    let found = app.get("/api/v1/cases?tag=VIP", &agent).await.expect(200);
    assert_eq!(
        found["items"].as_array().unwrap().iter().map(|c| c["id"].clone()).collect::<Vec<_>>(),
        vec![vip["id"].clone()]
    );

    bulk(json!({ "action": "paint", "case_ids": [ann1] })).await.expect_error(422, "invalid");
    bulk(json!({ "action": "tag", "case_ids": [], "tag": "x" })).await.expect_error(422, "invalid");
}

async fn internal_notes_never_reach_the_customer_merged_or_not(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let (_, agent) = app.staff("agent").await;
    let email = "ivy@merge.example";
    let first = app.complaint(&agent, email, "The wedding cake was wrong.").await;
    let second = app.complaint(&agent, email, "About the wedding cake, again.").await;
    let (a, b) = (id(&first), id(&second));
    let secrets = ["SECRET-NOTE-ON-A: she is difficult", "SECRET-NOTE-ON-B: offer less"];
    app.post(&format!("/api/v1/cases/{a}/notes"), &agent, json!({ "text": secrets[0] })).await.expect(200);
    app.post(&format!("/api/v1/cases/{b}/notes"), &agent, json!({ "text": secrets[1] })).await.expect(200);
    let link_a = link_sent(&app, &sink, email, first["reference"].as_str().unwrap()).await;
    let link_b = link_sent(&app, &sink, email, second["reference"].as_str().unwrap()).await;
    app.post(&format!("/api/v1/cases/{b}/merge"), &agent, json!({ "into": a })).await.expect(200);
    // More goes to the customer after the merge: a restatement with its link, a scheduled message.
    app.post(
        &format!("/api/v1/cases/{a}/restatement"),
        &agent,
        json!({ "text": "Your wedding cake was the wrong one." }),
    )
    .await
    .expect(200);
    let soon = rfc3339(app.clock.now() + time::Duration::seconds(1));
    app.post(
        &format!("/api/v1/cases/{a}/scheduled-messages"),
        &agent,
        json!({ "text": "I am checking with the baker today.", "send_at": soon }),
    )
    .await
    .expect(200);
    app.clock.advance(time::Duration::seconds(2));
    messages(&app, &agent, a, 3).await;
    let restatement_link = link_sent(&app, &sink, email, "Did we understand you?").await;

    let mut seen = Vec::new();
    for link in [&link_a, &link_b, &restatement_link] {
        let page = reqwest::get(app.url(link)).await.unwrap();
        assert_eq!(page.status(), 200, "{link}");
        seen.push(page.text().await.unwrap());
    }
    for c in [a, b] {
        for m in app.get(&format!("/api/v1/cases/{c}/messages"), &agent).await.expect(200)["items"].as_array().unwrap()
        {
            seen.push(m["subject"].as_str().unwrap_or_default().to_owned());
            seen.push(m["text_body"].as_str().unwrap_or_default().to_owned());
            seen.push(m["html_body"].as_str().unwrap_or_default().to_owned());
        }
    }
    for text in &seen {
        for secret in secrets {
            let marker = &secret[..16];
            assert!(!text.contains(marker), "a note reached the customer: {text}");
        }
    }
    assert!(seen.len() >= 3 + 3 * 3, "the pages and the messages were all read");
}

crate::on_both_databases!(
    a_case_links_to_an_earlier_one_on_both_pages,
    a_snooze_wakes_by_time_or_reply_and_keeps_the_promised_dates,
    a_scheduled_message_goes_at_its_time_unless_the_customer_writes_first,
    bulk_applies_what_the_rules_allow_and_reports_the_rest,
    merged_cases_share_one_timeline_and_lead_links_and_replies_to_the_survivor,
    internal_notes_never_reach_the_customer_merged_or_not,
);

/// The inbox's "waiting on" list as a page shows it: each step's count, by the step in
/// its link.
fn waiting_on(html: &str) -> std::collections::BTreeMap<String, i64> {
    html.split("&amp;step=")
        .skip(1)
        .filter_map(|rest| {
            let step = rest.split('"').next()?;
            let count = rest.split("<span class=\"count\">").nth(1)?.split('<').next()?;
            Some((step.to_owned(), count.trim().parse().ok()?))
        })
        .collect()
}

/// PostgreSQL keeps the counts as appended changes (migration 29). Piled up, they are
/// folded by the next view into a row per step, and the counts stay what the cases say.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piled_up_step_counts_are_folded_and_stay_true() {
    crate::helpers::scenario(Db::Postgres, |app: TestApp| async move {
        for n in 0..3 {
            app.complaint(&app.admin_token, &format!("fold{n}@merge.example"), "The cake came a day late.").await;
        }
        // Changes that cancel out, as a day of steps moving cases back and forth leaves.
        let piled = "WITH piled AS (INSERT INTO step_counts (next_step, n) \
                     SELECT CASE WHEN i % 2 = 0 THEN 'restatement' ELSE 'apology' END, \
                     CASE WHEN i % 4 < 2 THEN 1 ELSE -1 END FROM generate_series(0, 399) AS i RETURNING 1) \
                     SELECT COUNT(*) FROM piled";
        assert_eq!(app.scalar(piled).await, 400);
        let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
        let inbox = client.get(app.url("/inbox?view=all")).send().await.unwrap().text().await.unwrap();
        let shown = waiting_on(&inbox);
        assert!(app.scalar("SELECT COUNT(*) FROM step_counts").await <= 10, "folded to a row per step");
        let open = app.scalar("SELECT COUNT(*) FROM cases WHERE status = 'open' AND next_step IS NOT NULL").await;
        assert_eq!(open, 3);
        assert_eq!(shown.values().sum::<i64>(), open, "the counts of {shown:?} are the open cases");
        let again = client.get(app.url("/inbox?view=all")).send().await.unwrap().text().await.unwrap();
        assert_eq!(waiting_on(&again), shown, "and the same after folding");
    })
    .await;
}
