//! Escalation is a person (issue 17 §3): the Escalate step names a manager or an admin,
//! who is alerted, finds the case under "Escalated to me" with the reason, and takes it
//! over or sends it back with a decision; and a serious complaint is flagged at intake,
//! whatever door it came through, with the words and the reason that raised it.

use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::helpers::{TestApp, ingest};

const PASSWORD: &str = "correct horse battery";

/// A member of staff with a name, signed in with an API token.
struct Person {
    id: i64,
    email: String,
    token: String,
}

async fn person(app: &TestApp, name: &str, role: &str) -> Person {
    let email = format!("{}@bakery.example", name.to_lowercase());
    let user = app
        .post(
            "/api/v1/users",
            &app.admin_token,
            json!({ "email": email, "name": name, "role": role, "password": PASSWORD }),
        )
        .await
        .expect(201);
    let token = app.token_for(&email, PASSWORD).await;
    Person { id: user["id"].as_i64().unwrap(), email, token }
}

async fn alerts_to(app: &TestApp, email: &str, subject_has: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM outbox WHERE purpose = 'staff_alert' AND to_email = '{email}' AND subject LIKE '%{subject_has}%'"
    ))
    .await
}

fn step_status(case: &Value, step: &str) -> String {
    case["steps"].as_array().unwrap().iter().find(|s| s["step"] == step).unwrap()["status"].as_str().unwrap().to_owned()
}

async fn escalated_to_me(app: &TestApp, who: &Person) -> Vec<Value> {
    app.get("/api/v1/cases?escalated_to=me", &who.token).await.expect(200)["items"].as_array().unwrap().clone()
}

async fn sam_escalates_hannahs_allergy_case_to_maria_who_takes_it_over(app: TestApp) {
    let sam = person(&app, "Sam", "agent").await;
    let maria = person(&app, "Maria", "manager").await;
    let leo = person(&app, "Leo", "manager").await;
    let words =
        "I told the girl at the counter about my nut allergy. The brownie had walnuts in it and my lips swelled up.";
    let case = app
        .post(
            "/api/v1/cases",
            &sam.token,
            json!({ "customer": { "name": "Hannah Berg", "email": "hannah@example.com" }, "body": words, "channel": "phone" }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    let path = |p: &str| format!("/api/v1/cases/{id}/{p}");
    assert_eq!(case["next_step"], "escalate", "a serious case goes to a manager first");

    // The old shape named a label, not a person: refused, naming what is missing.
    let old = app.post(&path("escalation"), &sam.token, json!({ "to": "manager", "reason": "Allergy" })).await;
    assert_eq!(old.status.as_u16(), 422, "{:?}", old.body);
    // An agent is nobody to escalate to; nor is someone who does not exist.
    for to in [sam.id, 987_654] {
        let refused = app
            .post(&path("escalation"), &sam.token, json!({ "to_user_id": to, "reason": "Allergy" }))
            .await
            .expect_error(422, "invalid");
        assert_eq!(refused["field"], "to_user_id", "{refused}");
    }

    let reason = "A nut allergy: she reacted. Needs a manager's call today.";
    let escalated = app
        .post(&path("escalation"), &sam.token, json!({ "to_user_id": maria.id, "reason": reason }))
        .await
        .expect(200);
    let case = &escalated["case"];
    assert_eq!(case["escalated_to"], json!({ "id": maria.id, "name": "Maria" }));
    assert_eq!(case["escalation_reason"], reason);
    let full = app.get(&format!("/api/v1/cases/{id}"), &sam.token).await.expect(200);
    assert_eq!(step_status(&full, "escalate"), "awaiting_decision", "the step waits on Maria");
    let event = full["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "escalated").unwrap();
    assert_eq!((event["to"].as_str(), event["to_user_id"].as_i64()), (Some("Maria"), Some(maria.id)));

    // Maria is alerted; Leo is not.
    app.settle().await;
    assert_eq!(alerts_to(&app, &maria.email, "was escalated to you").await, 1);
    assert_eq!(alerts_to(&app, &leo.email, "was escalated to you").await, 0);

    // Maria finds it under "Escalated to me", with the reason; Leo finds nothing.
    let mine = escalated_to_me(&app, &maria).await;
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0]["id"].as_i64(), mine[0]["escalation_reason"].as_str()), (Some(id), Some(reason)));
    assert!(escalated_to_me(&app, &leo).await.is_empty());
    let (client, _) = app.signed_in(&maria.email, PASSWORD).await;
    let inbox = client.get(app.url("/inbox?view=escalated_to_me")).send().await.unwrap().text().await.unwrap();
    assert!(inbox.contains("Escalated to me"), "{inbox}");
    assert!(inbox.contains("Escalated to Maria: A nut allergy: she reacted."), "the reason in the list: {inbox}");
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Waiting on Maria") && page.contains("Take the case over"), "{page}");

    // Only Maria (or an admin) acts on it.
    app.post(&path("escalation/take-over"), &sam.token, json!({})).await.expect_error(403, "forbidden");
    app.post(&path("escalation/take-over"), &leo.token, json!({})).await.expect_error(403, "forbidden");
    let taken = app.post(&path("escalation/take-over"), &maria.token, json!({})).await.expect(200);
    assert_eq!(taken["case"]["owner_id"], maria.id, "she owns it now");
    assert_eq!(taken["case"]["escalated_to"], Value::Null);
    let full = app.get(&format!("/api/v1/cases/{id}"), &sam.token).await.expect(200);
    assert_eq!(step_status(&full, "escalate"), "done");
    assert_ne!(full["next_step"], "escalate");
    assert!(escalated_to_me(&app, &maria).await.is_empty(), "answered: off her list");
    // Nothing waits any more: taking it over twice is refused in words.
    let again =
        app.post(&path("escalation/take-over"), &app.admin_token, json!({})).await.expect_error(409, "step_refused");
    assert!(again["message"].as_str().unwrap().contains("not waiting"), "{again}");
}

async fn maria_sends_a_case_back_with_her_decision_and_sam_reads_it(app: TestApp) {
    let sam = person(&app, "Sam", "agent").await;
    let maria = person(&app, "Maria", "manager").await;
    let case = app.complaint(&sam.token, "ola@example.com", "The bread was stale and the shop was rude to me.").await;
    assert_eq!(case["severity_reasons"], json!([]), "an ordinary complaint is not flagged");
    assert_eq!(step_status(&case, "escalate"), "not_needed");
    let id = case["id"].as_i64().unwrap();
    let path = |p: &str| format!("/api/v1/cases/{id}/{p}");
    // Sam may still ask a manager.
    app.post(&path("escalation"), &sam.token, json!({ "to_user_id": maria.id, "reason": "She asks for the owner." }))
        .await
        .expect(200);
    app.post(&path("escalation/decision"), &maria.token, json!({ "decision": "  " }))
        .await
        .expect_error(422, "invalid");
    let decision = "Refund the loaf, and I will call her myself on Monday.";
    let decided =
        app.post(&path("escalation/decision"), &maria.token, json!({ "decision": decision })).await.expect(200);
    assert_eq!(decided["case"]["escalated_to"], Value::Null);
    assert_eq!(decided["case"]["owner_id"], Value::Null, "sent back: it stays where it was");
    let full = app.get(&format!("/api/v1/cases/{id}"), &sam.token).await.expect(200);
    assert_eq!(step_status(&full, "escalate"), "done");
    let event = full["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "escalation_decided").unwrap();
    assert_eq!(event["decision"], decision);
    app.settle().await;
    assert_eq!(alerts_to(&app, &sam.email, "the decision on your escalation").await, 1, "Sam hears it");
    let (client, _) = app.signed_in(&sam.email, PASSWORD).await;
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sent back with a decision") && page.contains(decision), "{page}");
}

fn form(name: &str, email: &str, body: &str) -> Form {
    Form::new()
        .text("name", name.to_owned())
        .text("email", email.to_owned())
        .text("body", body.to_owned())
        .text("website", "")
}

async fn a_form_post_about_a_childs_allergic_reaction_is_flagged_with_the_words(app: TestApp) {
    let maria = person(&app, "Maria", "manager").await;
    let words = "We picked up the party platter on Saturday. My son had an allergic reaction within minutes and we spent the night at the children's hospital.";
    let sent = reqwest::Client::new()
        .post(app.url("/complain"))
        .multipart(form("Dana Holt", "dana@example.com", words))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status().as_u16(), 201);
    let listed = app.get("/api/v1/cases?limit=10", &app.admin_token).await.expect(200);
    let id = listed["items"][0]["id"].as_i64().unwrap();
    let case = app.get(&format!("/api/v1/cases/{id}"), &app.admin_token).await.expect(200);
    // High, and one level more: it is a child.
    assert_eq!(case["severity"], "critical", "{case}");
    assert_eq!(case["escalation_required"], true);
    assert_eq!(case["next_step"], "escalate");
    let reasons = case["severity_reasons"].as_array().unwrap();
    let found: Vec<(&str, &str)> =
        reasons.iter().map(|r| (r["kind"].as_str().unwrap(), r["words"].as_str().unwrap())).collect();
    assert!(found.contains(&("allergy", "allergic")), "{found:?}");
    assert!(found.contains(&("child", "son")), "{found:?}");
    assert!(found.iter().any(|(k, _)| *k == "health"), "the hospital: {found:?}");
    for r in reasons {
        assert!(!r["why"].as_str().unwrap().is_empty(), "every reason says why: {r}");
        let (start, end) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        assert_eq!(words.chars().skip(start).take(end - start).collect::<String>(), r["words"].as_str().unwrap());
    }
    let opened = &case["timeline"][0];
    assert!(opened["escalate_because"].as_array().unwrap().iter().any(|r| r == "an allergy: “allergic”"), "{opened}");
    // A manager is alerted, and the case page shows the words and why.
    app.settle().await;
    assert_eq!(alerts_to(&app, &maria.email, "is serious").await, 1);
    let (client, _) = app.signed_in(&maria.email, PASSWORD).await;
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Flagged as serious when it came in") && page.contains("“allergic”"), "{page}");
}

/// Every door: the API (severity left to intake), the staff page, and mail.
async fn every_channel_flags_serious_words_and_staff_keep_the_severity_they_set(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let api = app.complaint(&agent, "kim@example.com", "There was broken glass in the salad I was served.").await;
    assert_eq!((api["severity"].as_str(), api["severity_reasons"][0]["kind"].as_str()), (Some("high"), Some("safety")));
    // Staff set it: flagged and sent to a manager, but the severity stays theirs.
    let set = app
        .post(
            "/api/v1/cases",
            &agent,
            json!({ "customer": { "name": "Lou", "email": "lou@example.com" }, "body": "My lawyer will be in touch about the broken step.", "severity": "normal" }),
        )
        .await
        .expect(201);
    assert_eq!(set["severity"], "normal");
    assert_eq!(set["severity_reasons"][0]["kind"], "legal_threat");
    assert_eq!(set["escalation_required"], true);

    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let logged = client
        .post(app.url("/cases/new"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("name", "Pia Roth"),
            ("email", "pia@example.com"),
            ("body", "After eating your soup my husband was up all night being sick."),
            ("channel", "phone"),
            ("severity", ""),
        ])
        .send()
        .await
        .unwrap();
    assert!(logged.status().is_success() || logged.status().is_redirection(), "{}", logged.status());
    let raw = "From: Ravi <ravi@example.com>\r\nTo: help@bakery.example\r\nSubject: The birthday cake\r\nMessage-ID: <cake-1@example.com>\r\n\r\nThe cake had peanuts on top although the order said nut free. My daughter could not eat any of it.\r\n";
    ingest(&app, raw);
    let items = app.get("/api/v1/cases?limit=10", &agent).await.expect(200)["items"].as_array().unwrap().clone();
    let by_body = |has: &str| items.iter().find(|c| c["body"].as_str().unwrap().contains(has)).unwrap().clone();
    let page = by_body("my husband");
    assert_eq!((page["channel"].as_str(), page["severity"].as_str()), (Some("phone"), Some("high")), "{page}");
    assert_eq!(page["severity_reasons"][0]["kind"], "health");
    let mail = by_body("peanuts");
    assert_eq!((mail["channel"].as_str(), mail["severity"].as_str()), (Some("email"), Some("critical")), "{mail}");
}

/// Wording the rules' examples do not hold, several per kind; and ordinary complaints,
/// angry ones and a child's late cake among them, stay unflagged.
async fn unseen_wording_is_flagged_and_ordinary_complaints_are_not(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let serious = [
        ("safety", "The kettle you sold me sparked and tripped the whole house's power."),
        ("safety", "A sliver of metal was baked into the loaf; I found it with my teeth."),
        ("safety", "The delivery driver left the gas canister leaking on our doorstep."),
        ("health", "We both ended up vomiting through the night after the fish supper."),
        ("health", "My mother was admitted to hospital after the meal."),
        ("health", "I needed a doctor after your staff dropped a tray on my foot."),
        ("allergy", "I am coeliac and the 'gluten free' pasta clearly was not."),
        ("allergy", "It said dairy free, but I came out in hives an hour later: I am lactose intolerant."),
        ("allergy", "There were sesame seeds on the bun even though I flagged my allergies."),
        ("legal_threat", "I'll be taking this to the small claims court if it isn't refunded."),
        ("legal_threat", "I have reported the shop to environmental health."),
        ("legal_threat", "My solicitor has advised me to keep the receipts."),
    ];
    let mut missed = Vec::new();
    for (i, (kind, words)) in serious.iter().enumerate() {
        let case = app.complaint(&agent, &format!("s{i}@example.com"), words).await;
        let kinds: Vec<&str> =
            case["severity_reasons"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        if !kinds.contains(kind) || case["severity"] == "normal" {
            missed.push(format!("{words:?} should be flagged {kind}: {kinds:?}"));
        }
    }
    let ordinary = [
        "The cake for my son's birthday came an hour late and the icing was smudged.",
        "I am furious: the order was wrong AGAIN and nobody answers the phone!!",
        "Your website charged me twice for one loaf. Please refund the second payment.",
        "The croissants were stale and the coffee was cold.",
        "Nobody was hurt, but the queue was far too long.",
        "I hope this won't happen again; otherwise I'd happily order again.",
    ];
    for (i, words) in ordinary.iter().enumerate() {
        let case = app.complaint(&agent, &format!("o{i}@example.com"), words).await;
        if case["severity_reasons"] != json!([]) || case["severity"] != "normal" || case["escalation_required"] != false
        {
            missed.push(format!("{words:?} is ordinary: {}", case["severity_reasons"]));
        }
    }
    assert!(missed.is_empty(), "{}", missed.join("\n"));

    // Written after the rules were tuned on the lists above and run once as they are:
    // what unseen wording really gets. A floor, not a fit.
    let blind = [
        "My little girl was sick all over the car on the way home from your café.",
        "The stroller's wheel snapped off on the escalator and it nearly tipped over.",
        "Your menu said no shellfish but the risotto had prawns; my throat started closing.",
        "I chipped a tooth on a stone in the bread.",
        "The candle you sold set the curtains alight.",
        "I'm consulting a lawyer about what happened to my back.",
    ];
    let mut flagged = 0;
    for (i, words) in blind.iter().enumerate() {
        let case = app.complaint(&agent, &format!("b{i}@example.com"), words).await;
        flagged += usize::from(case["severity_reasons"] != json!([]));
    }
    println!("blind serious complaints flagged: {flagged} of {}", blind.len());
    assert!(flagged >= 2, "blind serious complaints flagged: {flagged} of {}", blind.len());
    for (i, words) in [
        "The flowers arrived wilted and the card had the wrong name on it.",
        "Your driver was rude and parked across our drive.",
        "I waited forty minutes for a table I had booked, with my two kids getting restless.",
    ]
    .iter()
    .enumerate()
    {
        let case = app.complaint(&agent, &format!("bo{i}@example.com"), words).await;
        assert_eq!(case["severity_reasons"], json!([]), "{words:?} is ordinary");
    }
}

/// A repeat complaint and a high-value customer come from the customer's history and
/// value, not from words.
async fn a_repeat_complaint_and_a_valuable_customer_are_flagged_from_their_history(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    app.complaint(&agent, "una@example.com", "The rolls were burnt.").await;
    let second = app.complaint(&agent, "una@example.com", "The rolls were burnt.").await;
    assert_eq!(second["severity"], "high");
    assert_eq!(second["severity_reasons"][0]["kind"], "repeat_complaint");
    assert_eq!(second["severity_reasons"][0]["words"], "1 earlier complaint in the last 90 days");
    let c = app.post("/api/v1/customers", &agent, json!({ "name": "Vera", "external_id": "crm-9" })).await.expect(201);
    let order = json!({ "customer_external_id": "crm-9", "external_id": "o-9", "kind": "order", "amount_minor": 250_000, "currency": "EUR", "occurred_at": "2026-10-01T12:00:00Z" });
    app.post("/api/v1/transactions", &agent, order).await.expect(201);
    let valuable = app
        .post(
            "/api/v1/cases",
            &agent,
            json!({ "customer_id": c["id"], "body": "The wedding cake was the wrong flavour." }),
        )
        .await
        .expect(201);
    assert_eq!(valuable["severity"], "high");
    let reason = &valuable["severity_reasons"][0];
    assert_eq!(
        (reason["kind"].as_str(), reason["words"].as_str()),
        (Some("high_value_customer"), Some("lifetime value 2500.00 EUR"))
    );
}

crate::on_both_databases!(
    sam_escalates_hannahs_allergy_case_to_maria_who_takes_it_over,
    maria_sends_a_case_back_with_her_decision_and_sam_reads_it,
    a_form_post_about_a_childs_allergic_reaction_is_flagged_with_the_words,
    every_channel_flags_serious_words_and_staff_keep_the_severity_they_set,
    unseen_wording_is_flagged_and_ordinary_complaints_are_not,
    a_repeat_complaint_and_a_valuable_customer_are_flagged_from_their_history
);
