//! A complaint walked through the whole playbook, and every refused transition.

use amends_domain::Role;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::TestApp;
use crate::staff::Case;

fn rule(body: &Value) -> &str {
    body["rule"].as_str().unwrap_or("")
}

async fn a_complaint_walks_the_playbook_to_retained(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let words = "  I ordered a birthday cake for Saturday.\nIt came on SUNDAY, squashed!!! 😡\r\n\tNever again?  ";
    let case = ann.open_case("ann@example.com", words).await;
    assert_eq!(case.body, words, "the customer's words are kept byte for byte");
    assert!(case.reference.starts_with("AM-"));
    assert_eq!(case.next_step.as_deref(), Some("restate"));
    let problem =
        app.post("/api/v1/problems", &ann.token, json!({ "title": "Weekend deliveries slip", "preventive_action": "Sunday orders are checked by the owner before the vans leave" })).await.expect(201);

    // Each step is one event: it bumps the version by one, and names the next step.
    let mut version = case.version;
    let mut took = |after: Case, step: &str, next: Option<&str>| {
        version += 1;
        assert_eq!(after.version, version, "{step} bumps the version");
        if let Some(next) = next {
            assert_eq!(after.next_step.as_deref(), Some(next), "after {step}");
        }
        after
    };
    let restated = took(ann.restate(&case, "Your cake arrived a day late and damaged.").await, "restatement", None);
    assert_eq!(restated.status, "awaiting_customer", "the customer confirms the restatement");
    took(ann.confirm(&case).await, "confirm", Some("apologise"));
    took(ann.apologise(&case, "I am sorry. I accept all responsibility.").await, "apology", Some("offer"));
    took(ann.offer(&case, ["A new cake delivered today", "A full refund"]).await, "offer", None);
    took(ann.choose(&case, 1).await, "choice", Some("gesture"));
    let gesture = json!({ "gesture": "voucher", "description": "Coffee and cake for two", "cost_minor": 1200, "currency": "EUR" });
    took(ann.step(&case, "gesture", gesture).await, "gesture", Some("fix"));
    took(ann.promise_fix(&case, "Bake and deliver a new cake", datetime!(2099-01-02 10:00 UTC)).await, "promise", None);
    took(ann.fix_done(&case, "Delivered at 15:00").await, "fix", None);
    took(ann.step(&case, "prevent", json!({ "problem_id": problem["id"] })).await, "prevent", Some("follow_up"));
    // A letter needs a postal address when it is chosen; adding one is no step.
    let address = json!({ "postal_address": "Hauptstrasse 12\n10115 Berlin" });
    app.patch(&format!("/api/v1/customers/{}", case.customer_id), &ann.token, address).await.expect(200);
    let follow_up = json!({ "due": "2099-01-05T10:00:00Z", "channel": "letter" });
    took(ann.step(&case, "follow-up/schedule", follow_up).await, "schedule", Some("follow_up"));
    let answer = json!({ "satisfaction": 5, "words": "Thank you, that was kind" });
    took(ann.step(&case, "follow-up", answer).await, "follow-up", Some("watch"));
    took(ann.step(&case, "watch", json!({})).await, "watch", None);
    let watching = ann.case(&case).await;
    assert_eq!(watching.status, "watching");
    let customer = app.get(&format!("/api/v1/customers/{}", watching.customer_id), &ann.token).await.expect(200);
    assert_eq!(customer["watch"], true, "the customer is on the watch list");

    ann.step(&case, "next-time", json!({ "note": "Ordered again; delivered early with a card" })).await;
    let done = ann.step(&case, "outcome", json!({ "outcome": "retained" })).await;
    assert_eq!((done.status.as_str(), done.next_step), ("retained", None));

    let full = ann.case(&case).await;
    let kinds: Vec<&str> = full.timeline.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "opened",
            "restatement_written",
            "restatement_confirmed",
            "apologised",
            "options_offered",
            "option_chosen",
            "gesture_recorded",
            "fix_promised",
            "fix_done",
            "problem_linked",
            "follow_up_scheduled",
            "follow_up_recorded",
            "watch_set",
            "next_time_recorded",
            "outcome_recorded"
        ]
    );
    assert!(full.timeline.iter().all(|e| e.fields["actor"]["type"] == "staff" && e.fields["at"].is_string()));
    let steps = app.get(&format!("/api/v1/cases/{}", case.id), &ann.token).await.expect(200)["steps"].clone();
    let statuses: Vec<&str> = steps.as_array().unwrap().iter().map(|s| s["status"].as_str().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == "done" || *s == "not_needed"), "{statuses:?}");
    let problem = app.get(&format!("/api/v1/problems/{}", problem["id"]), &ann.token).await.expect(200);
    assert_eq!(problem["case_count"], 1);
}

async fn every_refused_transition_names_its_rule(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;
    let id = app.complaint(&agent, "bo@example.com", "The plumber never came.").await["id"].as_i64().unwrap();
    let step = |path: &str| format!("/api/v1/cases/{id}/{path}");
    let two = json!({ "options": ["Come tomorrow at 8", "Refund the call-out fee"] });

    // Order rules: 409 with the rule and what is missing.
    let refused = [
        ("apology", json!({ "text": "Sorry" }), "apology_before_agreement"),
        ("offer", two.clone(), "options_before_confirmation"),
        ("offer/choice", json!({ "option": 1 }), "no_offer_to_choose"),
        ("offer/alternative", json!({ "text": "Come today" }), "no_offer_to_answer"),
        ("offer/alternative/accept", json!({}), "no_alternative_to_accept"),
        ("restatement/confirm", json!({}), "no_restatement_to_confirm"),
        ("restatement/correct", json!({ "correction": "no" }), "no_restatement_to_confirm"),
        (
            "gesture",
            json!({ "gesture": "voucher", "description": "x", "cost_minor": 100, "currency": "EUR" }),
            "gesture_before_offer",
        ),
        ("fix/promise", json!({ "what": "Send the plumber", "due": "2099-01-01T08:00:00Z" }), "fix_before_offer"),
        ("fix/done", json!({}), "fix_without_promise"),
        ("prevent", json!({ "problem_id": 1 }), "prevent_before_agreement"),
        ("follow-up/schedule", json!({ "due": "2099-01-01T08:00:00Z", "channel": "call" }), "follow_up_before_fix"),
        ("follow-up", json!({ "satisfaction": 3 }), "follow_up_before_fix"),
        ("watch", json!({}), "watch_before_follow_up"),
        ("next-time", json!({ "note": "came back" }), "not_watching"),
        ("outcome", json!({ "outcome": "retained" }), "retained_with_open_steps"),
    ];
    for (path, body, expected) in refused {
        let answer = app.post(&step(path), &agent, body).await.expect_error(409, "step_refused");
        assert_eq!(rule(&answer), expected, "{path}: {answer}");
    }
    let open_steps = app.post(&step("outcome"), &agent, json!({ "outcome": "retained" })).await.expect(409);
    let missing: Vec<&str> = open_steps["missing"].as_array().unwrap().iter().map(|m| m.as_str().unwrap()).collect();
    assert!(missing.contains(&"restate") && missing.contains(&"watch"), "{missing:?}");

    // Malformed steps: 422 with the rule.
    let invalid = [
        ("skip", json!({ "step": "gesture", "reason": " " }), "skip_needs_reason"),
        ("skip", json!({ "step": "hear", "reason": "busy" }), "hear_cannot_be_skipped"),
        ("restatement", json!({ "text": "" }), "restatement_text"),
        ("outcome", json!({ "outcome": "lost" }), "lost_needs_reason"),
    ];
    for (path, body, expected) in invalid {
        let answer = app.post(&step(path), &agent, body).await.expect_error(422, "invalid");
        assert_eq!(rule(&answer), expected, "{path}: {answer}");
    }

    app.post(&step("restatement"), &agent, json!({ "text": "The plumber missed the 9:00 visit." })).await.expect(200);
    app.post(&step("restatement/confirm"), &agent, json!({})).await.expect(200);
    let again = app.post(&step("restatement"), &agent, json!({ "text": "x" })).await.expect(409);
    assert_eq!(rule(&again), "restatement_already_confirmed");
    let early = app.post(&step("offer"), &agent, two.clone()).await.expect(409);
    assert_eq!(rule(&early), "options_before_apology");
    app.post(&step("apology"), &agent, json!({ "text": "I'm sorry; this was our mistake." })).await.expect(200);
    let three = app.post(&step("offer"), &agent, json!({ "options": ["a", "b", "c"] })).await.expect(422);
    assert_eq!(rule(&three), "exactly_two_options");
    let same = app.post(&step("offer"), &agent, json!({ "options": ["a", "a"] })).await.expect(422);
    assert_eq!(rule(&same), "options_must_differ");
    app.post(&step("offer"), &agent, two.clone()).await.expect(200);
    let out_of_range = app.post(&step("offer/choice"), &agent, json!({ "option": 3 })).await.expect(422);
    assert_eq!(rule(&out_of_range), "option_out_of_range");
    app.post(&step("offer/alternative"), &agent, json!({ "text": "Come at 7 before work" })).await.expect(200);
    app.post(&step("offer/alternative/accept"), &agent, json!({})).await.expect(200);
    let settled = app.post(&step("offer"), &agent, two).await.expect(409);
    assert_eq!(rule(&settled), "offer_already_settled");
    let resolved = app.post(&step("skip"), &agent, json!({ "step": "offer", "reason": "x" })).await.expect(409);
    assert_eq!(rule(&resolved), "step_already_resolved");
    let bad_satisfaction =
        app.post(&step("fix/promise"), &agent, json!({ "what": "Visit at 7", "due": "2099-01-01T07:00:00Z" })).await;
    bad_satisfaction.expect(200);
    app.post(&step("fix/done"), &agent, json!({})).await.expect(200);
    let twice = app.post(&step("fix/done"), &agent, json!({})).await.expect(409);
    assert_eq!(rule(&twice), "fix_already_done");
    let score = app.post(&step("follow-up"), &agent, json!({ "satisfaction": 9 })).await.expect(422);
    assert_eq!(rule(&score), "satisfaction_out_of_range");

    // Lost closes the case; only a manager reopens it.
    let reopen_open = app.post(&step("reopen"), &manager, json!({ "reason": "x" })).await.expect(409);
    assert_eq!(rule(&reopen_open), "case_not_closed");
    app.post(&step("outcome"), &agent, json!({ "outcome": "lost", "reason": "moved to another town" }))
        .await
        .expect(200);
    let closed = app.post(&step("notes"), &agent, json!({ "text": "left a voicemail" })).await.expect(200);
    assert_eq!(closed["case"]["status"], "lost", "notes are still allowed on a closed case");
    let after = app.post(&step("watch"), &agent, json!({})).await.expect(409);
    assert_eq!(rule(&after), "case_closed");
    app.post(&step("reopen"), &agent, json!({ "reason": "they wrote back" })).await.expect_error(403, "forbidden");
    let reopened = app.post(&step("reopen"), &manager, json!({ "reason": "they wrote back" })).await.expect(200);
    assert_eq!(reopened["case"]["status"], "open");
}

async fn serious_cases_are_escalated_first(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let case = app
        .post(
            "/api/v1/cases",
            &agent,
            json!({ "customer": { "name": "Cy", "email": "cy@example.com" }, "body": "Food poisoning after dinner.", "severity": "critical", "channel": "email" }),
        )
        .await
        .expect(201);
    assert_eq!(case["escalation_required"], true);
    assert_eq!(case["next_step"], "escalate");
    let opened = &case["timeline"][0];
    assert_eq!(opened["escalate_because"][0], "severity is critical");
    // A second complaint from the same customer is a repeat: escalated too.
    let repeat = app.complaint(&agent, "CY@example.com", "And nobody called me back.").await;
    assert_eq!(repeat["customer_id"], case["customer_id"], "found by email, whatever its case");
    assert_eq!(repeat["escalation_required"], true);
    let id = case["id"].as_i64().unwrap();
    let (manager_id, _) = app.staff("manager").await;
    let escalated = app
        .post(
            &format!("/api/v1/cases/{id}/escalation"),
            &agent,
            json!({ "to_user_id": manager_id, "reason": "health risk" }),
        )
        .await
        .expect(200);
    assert_eq!(escalated["case"]["next_step"], "restate", "the escalation waits on the manager, not on the agent");
}

async fn a_stale_writer_is_refused(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let id = app.complaint(&agent, "di@example.com", "Room was not cleaned.").await["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/notes");
    let first = app
        .call(reqwest::Method::POST, &path, Some(&agent), Some(json!({ "text": "called the guest" })))
        .await
        .expect(200);
    assert_eq!(first["case"]["version"], 2);
    let client = reqwest::Client::new();
    let resp = client
        .post(app.url(&path))
        .bearer_auth(&agent)
        .header("if-match", "1")
        .json(&json!({ "text": "I loaded version 1" }))
        .send()
        .await
        .unwrap();
    let stale = crate::helpers::answer(resp).await.expect_error(409, "conflict");
    assert_eq!(stale["field"], "version");
    let resp = client
        .post(app.url(&path))
        .bearer_auth(&agent)
        .header("if-match", "\"2\"")
        .json(&json!({ "text": "fresh" }))
        .send()
        .await
        .unwrap();
    crate::helpers::answer(resp).await.expect(200);
}

async fn lists_filter_and_page_with_cursors(app: TestApp) {
    let (agent_id, agent) = app.staff("agent").await;
    for i in 0..7 {
        app.complaint(&agent, &format!("p{i}@example.com"), &format!("Complaint number {i} about the bread")).await;
    }
    let special = app.complaint(&agent, "z@example.com", "The croissants were stale and cold").await;
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/cases?limit=3&cursor={c}"),
            None => "/api/v1/cases?limit=3".to_owned(),
        };
        let page = app.get(&path, &agent).await.expect(200);
        seen.extend(page["items"].as_array().unwrap().iter().map(|c| c["id"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 8);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first, no repeats: {seen:?}");

    let found = app.get("/api/v1/cases?q=croissants%20stale", &agent).await.expect(200);
    let ids: Vec<&Value> = found["items"].as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(ids, [&special["id"]]);
    let weird = app.get("/api/v1/cases?q=%22OR%20NOT*(", &agent).await.expect(200);
    assert_eq!(weird["items"].as_array().unwrap().len(), 0, "operators in a search are words, not syntax");

    let id = special["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{id}/assign"), &agent, json!({ "owner_id": agent_id })).await.expect(200);
    let mine = app.get("/api/v1/cases?owner=me", &agent).await.expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let unassigned = app.get("/api/v1/cases?owner=unassigned", &agent).await.expect(200);
    assert_eq!(unassigned["items"].as_array().unwrap().len(), 7);
    let due = app.get("/api/v1/cases?order=due&step=restate&limit=5", &agent).await.expect(200);
    let dues: Vec<time::OffsetDateTime> = due["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = c["next_due_at"].as_str().unwrap();
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap()
        })
        .collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "soonest due first: {dues:?}");
    let next = due["next_cursor"].as_str().unwrap();
    let rest =
        app.get(&format!("/api/v1/cases?order=due&step=restate&limit=5&cursor={next}"), &agent).await.expect(200);
    assert_eq!(rest["items"].as_array().unwrap().len(), 3);
    let none = app.get("/api/v1/cases?status=retained", &agent).await.expect(200);
    assert!(none["items"].as_array().unwrap().is_empty());
    let customer_cases =
        app.get(&format!("/api/v1/cases?customer_id={}", special["customer_id"]), &agent).await.expect(200);
    assert_eq!(customer_cases["items"].as_array().unwrap().len(), 1);
}

async fn an_idempotency_key_makes_one_case(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let client = reqwest::Client::new();
    let body =
        json!({ "customer": { "name": "Ed", "email": "ed@example.com" }, "body": "Charged twice.", "channel": "api" });
    let send = |body: Value| {
        client
            .post(app.url("/api/v1/cases"))
            .bearer_auth(&agent)
            .header("idempotency-key", "retry-42")
            .json(&body)
            .send()
    };
    let first = crate::helpers::answer(send(body.clone()).await.unwrap()).await;
    let second = crate::helpers::answer(send(body.clone()).await.unwrap()).await;
    assert_eq!(second.headers.get("idempotent-replayed").map(|v| v.to_str().unwrap()), Some("true"));
    let (first, second) = (first.expect(201), second.expect(201));
    assert_eq!(first["id"], second["id"]);
    let all = app.get("/api/v1/cases", &agent).await.expect(200);
    assert_eq!(all["items"].as_array().unwrap().len(), 1, "the retry made no second case");
    let mut other = body;
    other["body"] = json!("Something else");
    crate::helpers::answer(send(other).await.unwrap()).await.expect_error(422, "idempotency_key_reused");
}

/// Complaints that arrive together are stored together (group commit); the outcome
/// must be what storing them one after another gives.
async fn a_burst_of_complaints_is_stored_as_if_one_by_one(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let client = reqwest::Client::new();
    let send = |body: Value| tokio::spawn(client.post(app.url("/api/v1/cases")).bearer_auth(&agent).json(&body).send());
    let mut burst = Vec::new();
    for n in 0..24 {
        let body = if n == 7 {
            json!({ "customer_id": 999_999, "body": "From nobody we know.", "channel": "api" })
        } else {
            // Half from one new customer, half from new customers of their own.
            let email = if n % 2 == 0 { "same@example.com".to_owned() } else { format!("own{n}@example.com") };
            json!({ "customer": { "name": format!("Customer {n}"), "email": email },
                    "body": format!("Complaint number {n}: the parcel never came."), "channel": "api" })
        };
        burst.push(send(body));
    }
    let mut created = Vec::new();
    for (n, answer) in burst.into_iter().enumerate() {
        let answer = crate::helpers::answer(answer.await.unwrap().unwrap()).await;
        if n == 7 {
            answer.expect_error(404, "not_found");
        } else {
            created.push((n, answer.expect(201)));
        }
    }
    assert_eq!(created.len(), 23, "one bad complaint fails alone");
    for (n, case) in &created {
        assert_eq!(case["body"], format!("Complaint number {n}: the parcel never came."));
        let stored = app.get(&format!("/api/v1/cases/{}", case["id"]), &agent).await.expect(200);
        assert_eq!(stored["body"], case["body"], "what was acknowledged is what is stored");
    }
    let same: Vec<&Value> = created.iter().filter(|(n, _)| n % 2 == 0).map(|(_, c)| c).collect();
    let customer = &same[0]["customer_id"];
    assert!(same.iter().all(|c| &c["customer_id"] == customer), "one new customer, however many complaints name them");
    // The first of that customer's complaints is no repeat; every later one is.
    let repeats = same.iter().filter(|c| c["escalation_required"] == json!(true)).count();
    assert_eq!(repeats, same.len() - 1);
    let customers = app.get("/api/v1/customers?q=same@example.com", &agent).await.expect(200);
    assert_eq!(customers["items"].as_array().unwrap().len(), 1);
    let own: std::collections::HashSet<String> =
        created.iter().filter(|(n, _)| n % 2 == 1).map(|(_, c)| c["customer_id"].to_string()).collect();
    assert_eq!(own.len(), 11, "each other complaint has a customer of its own");
}

/// Words and music: at the Hear step staff keep how the customer felt and what mattered
/// most to them; the case page shows it at every later step.
async fn how_the_customer_felt_is_kept_and_shown(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let case = app.complaint(&agent, "fay@example.com", "The cake for the party came squashed.").await;
    let id = case["id"].as_i64().unwrap();
    let feeling = format!("/api/v1/cases/{id}/feeling");
    let heard =
        json!({ "feeling": "upset", "words": "I was mortified in front of everyone", "mattered_most": "The party" });
    let felt = app.post(&feeling, &agent, heard).await.expect(200);
    assert_eq!(felt["event"]["kind"], "feeling_recorded");
    assert_eq!(felt["event"]["feeling"], "upset");
    assert_eq!(felt["case"]["next_step"], "restate", "the playbook goes on as before");
    let blank = app.post(&feeling, &agent, json!({ "feeling": "calm", "mattered_most": "  " })).await.expect(422);
    assert_eq!(rule(&blank), "mattered_most_text");
    app.post(&feeling, &agent, json!({ "feeling": "furious", "mattered_most": "x" }))
        .await
        .expect_error(422, "invalid");

    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let html = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-feeling=\"upset\""), "the case page shows how they felt");
    assert!(html.contains("I was mortified in front of everyone") && html.contains("The party"));
}

/// An agent `email` with a new complaint: their API token, the case's id, and a browser
/// session (client and CSRF token) signed in as them.
async fn agent_with_a_new_case(app: &TestApp, email: &str) -> (String, i64, reqwest::Client, String) {
    let password = "correct horse battery";
    let user = json!({ "email": email, "name": "Page", "role": "agent", "password": password });
    app.post("/api/v1/users", &app.admin_token, user).await.expect(201);
    let agent = app.token_for(email, password).await;
    let case = app.complaint(&agent, "gus@example.com", "The oven part you fitted broke after a day.").await;
    let id = case["id"].as_i64().unwrap();
    let (client, csrf) = app.signed_in(email, password).await;
    (agent, id, client, csrf)
}

/// The case page takes a step as the API does, and says every outcome in words with
/// what was typed kept: a text the coach held, a step for managers, a time already
/// past. A form sent twice (a double click, a reload) is taken once.
async fn the_case_page_says_each_outcome_in_words_and_takes_a_form_once(app: TestApp) {
    let (agent, id, client, csrf) = agent_with_a_new_case(&app, "page@bakery.example").await;
    let post = |action: &str, fields: Vec<(&str, String)>| {
        // The page was loaded at version 1 unless the fields say otherwise.
        let mut form = vec![("csrf", csrf.clone())];
        if !fields.iter().any(|(name, _)| *name == "version") {
            form.push(("version", "1".to_owned()));
        }
        form.extend(fields);
        client.post(app.url(&format!("/cases/{id}/steps/{action}"))).form(&form).send()
    };

    // Sent twice with the version the page was loaded at: one note.
    for _ in 0..2 {
        let sent = post("note", vec![("note", "Called them back at noon".into())]).await.unwrap();
        assert_eq!(sent.status(), 200);
        assert!(sent.url().as_str().contains("done=note"), "taken, not refused: {}", sent.url());
    }
    let timeline = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["timeline"].clone();
    let notes = timeline.as_array().unwrap().iter().filter(|e| e["kind"] == "note_added").count();
    assert_eq!(notes, 1, "a form sent twice is taken once");

    let page = |status: u16, text: &str| {
        let (status, text) = (status, text.to_owned());
        move |sent: reqwest::Response| async move {
            assert_eq!(sent.status().as_u16(), status);
            let html = sent.text().await.unwrap();
            assert!(html.contains(&text), "{text:?} in words on the case page:\n{html}");
            assert!(html.contains("data-complaint"), "the case page, not an error page");
            html
        }
    };
    let blame = "Our policy is clear: you should have used it as the manual says.";
    let sent = post("restatement", vec![("version", "2".into()), ("restatement", blame.into())]).await.unwrap();
    let html = page(422, "The language coach held this back")(sent).await;
    assert!(html.contains("you should have used it as the manual says"), "the draft is kept");
    let sent = post("reopen", vec![("reopen_reason", "They wrote back".into())]).await.unwrap();
    page(403, "Only a manager reopens a closed case.")(sent).await;
    let snooze = vec![("snooze_until", "2001-01-01T09:00".into())];
    page(409, "Snooze until a time still to come.")(post("snooze", snooze).await.unwrap()).await;
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(case["version"], 2, "nothing but the one note was recorded");
}

/// The previews beside the step forms show what staff have not typed yet as a blank in
/// brackets, in the language the page speaks to them (the mail itself is in the
/// customer's): a German-speaking agent never reads "[what you understood]".
async fn the_previews_blanks_are_in_the_language_of_the_person_typing(app: TestApp) {
    let (_, id, client, _) = agent_with_a_new_case(&app, "blank@bakery.example").await;
    let page = |language: &'static str| {
        let request = client.get(app.url(&format!("/cases/{id}"))).header("accept-language", language);
        async move { request.send().await.unwrap().text().await.unwrap() }
    };
    // A new case waits on its restatement, so that form's preview is on the page.
    let german = page("de-DE,de;q=0.9").await;
    assert!(german.contains("[was Sie verstanden haben]"), "the blank in German");
    assert!(!german.contains("[what you understood]"), "no English blank in the German page");
    let english = page("en-GB,en;q=0.9").await;
    assert!(english.contains("[what you understood]"), "the blank in English");
}

crate::on_both_databases!(
    the_previews_blanks_are_in_the_language_of_the_person_typing,
    the_case_page_says_each_outcome_in_words_and_takes_a_form_once,
    how_the_customer_felt_is_kept_and_shown,
    a_burst_of_complaints_is_stored_as_if_one_by_one,
    a_complaint_walks_the_playbook_to_retained,
    every_refused_transition_names_its_rule,
    serious_cases_are_escalated_first,
    a_stale_writer_is_refused,
    lists_filter_and_page_with_cursors,
    an_idempotency_key_makes_one_case,
);
