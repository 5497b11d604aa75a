//! Proof that the service improved (issue 22): once a root cause is fixed, everyone it
//! hurt hears what changed, personally (their case, their words), by mail or by letter,
//! once; a lost customer is offered a gesture within the budget, and their next order
//! after it wins them back, in the timeline and the report. And a walking testimonial,
//! asked only of a satisfied customer we kept.

use amends_domain::Role;
use serde_json::{Value, json};
use time::macros::datetime;

use crate::helpers::{Db, TestApp};
use crate::mail::{SmtpSink, link_in, page, post_form, spawn_with_smtp};
use crate::staff::{Case, Staff};

/// A complaint from a new customer with this name and email (or postal address alone).
async fn complaint(
    app: &TestApp,
    ann: &Staff<'_>,
    name: &str,
    email: Option<&str>,
    address: Option<&str>,
    words: &str,
) -> Case {
    let mut customer = json!({ "name": name });
    if let Some(email) = email {
        customer["email"] = json!(email);
    }
    if let Some(address) = address {
        customer["postal_address"] = json!(address);
    }
    let customer = app.post("/api/v1/customers", &ann.token, customer).await.expect(201);
    let case = app
        .post("/api/v1/cases", &ann.token, json!({ "customer_id": customer["id"], "body": words, "channel": "phone" }))
        .await
        .expect(201);
    serde_json::from_value(case).unwrap()
}

/// Takes a case up to the fix, done, and links it to the problem.
async fn fixed_and_linked(ann: &Staff<'_>, case: &Case, problem: i64) -> Case {
    ann.restate(case, "Your loaf was burnt black on the bottom.").await;
    ann.confirm(case).await;
    ann.apologise(case, "I am so sorry. I accept all responsibility for the burnt loaf.").await;
    ann.offer(case, ["A fresh loaf delivered tomorrow", "A full refund today"]).await;
    ann.choose(case, 1).await;
    ann.step(case, "skip", json!({ "step": "gesture", "reason": "They asked for nothing more" })).await;
    ann.promise_fix(case, "Bake and deliver a fresh loaf", datetime!(2099-01-02 10:00 UTC)).await;
    ann.fix_done(case, "Delivered at 8:00 by the owner.").await;
    ann.step(case, "prevent", json!({ "problem_id": problem })).await
}

/// A manager with an API token, and a browser session for the staff pages.
struct Manager {
    token: String,
    email: String,
}

async fn manager(app: &TestApp) -> Manager {
    let email = format!("owner{}@bakery.example", rand::random::<u32>());
    let password = "correct horse battery";
    let user = json!({ "email": email, "name": "Mara Weber", "role": "manager", "password": password });
    app.post("/api/v1/users", &app.admin_token, user).await.expect(201);
    let token = app.token_for(&email, password).await;
    Manager { token, email }
}

impl Manager {
    /// A staff page as they see it, signed in now (a session ends when idle for long).
    async fn page(&self, app: &TestApp, path: &str) -> String {
        let (client, _) = app.signed_in(&self.email, "correct horse battery").await;
        client.get(app.url(path)).send().await.unwrap().text().await.unwrap()
    }
}

fn proof_path(problem: i64) -> String {
    format!("/api/v1/problems/{problem}/proof")
}

fn item<'a>(list: &'a Value, case: &Case) -> &'a Value {
    list["items"].as_array().unwrap().iter().find(|i| i["case_id"] == case.id).unwrap_or_else(|| panic!("{list}"))
}

async fn everyone_a_fixed_problem_hurt_hears_what_changed_once_and_a_lost_customer_is_won_back(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let boss = manager(&app).await;
    let manager = boss.token.clone();
    let problem = app
        .post(
            "/api/v1/problems",
            &ann.token,
            json!({ "title": "Burnt bread", "corrective_action": "Every burnt loaf replaced",
                    "preventive_action": "The oven's temperature is checked every hour" }),
        )
        .await
        .expect(201);
    let pid = problem["id"].as_i64().unwrap();

    // Hannah was kept, Ida was lost, Jo's case is still open and Jo has only a postal address.
    let hannah = complaint(
        &app,
        &ann,
        "Hannah Berg",
        Some("hannah@example.com"),
        None,
        "My sourdough was burnt black underneath, on the morning of my daughter's birthday.",
    )
    .await;
    fixed_and_linked(&ann, &hannah, pid).await;
    ann.step(&hannah, "follow-up", json!({ "satisfaction": 5, "satisfied": true, "words": "Perfect now" })).await;
    ann.step(&hannah, "watch", json!({})).await;
    ann.step(&hannah, "outcome", json!({ "outcome": "retained" })).await;
    let ida = complaint(
        &app,
        &ann,
        "Ida Vogt",
        Some("ida@example.com"),
        None,
        "The rye was burnt and nobody called me back.",
    )
    .await;
    fixed_and_linked(&ann, &ida, pid).await;
    ann.step(&ida, "outcome", json!({ "outcome": "lost", "reason": "She buys her bread elsewhere now" })).await;
    let jo = complaint(&app, &ann, "Jo Brandt", None, Some("Lindenweg 4\n10115 Berlin"), "Two burnt baguettes.").await;
    fixed_and_linked(&ann, &jo, pid).await;

    // Listed with their case's outcome before anyone is told.
    let before = app.get(&proof_path(pid), &manager).await.expect(200);
    assert!(before["proof"].is_null(), "{before}");
    assert_eq!(item(&before, &hannah)["outcome"], "retained");
    assert_eq!(item(&before, &ida)["outcome"], "lost");
    assert!(item(&before, &jo)["outcome"].is_null(), "still open: {before}");
    assert!(item(&before, &jo)["status"].is_null(), "not told yet: {before}");
    app.get(&proof_path(pid), &ann.token).await.expect(403);

    // Not fixed yet: nothing to prove, said in words with the rule's name.
    let text = "Every oven now has a thermometer, and the temperature is checked and written down every hour.";
    let early = app.post(&proof_path(pid), &manager, json!({ "text": text })).await.expect(409);
    assert_eq!(early["rule"], "proof_needs_fixed_problem", "{early}");
    assert!(early["message"].as_str().unwrap().contains("only once it is fixed"), "{early}");
    for to in ["fixing", "fixed"] {
        app.post(&format!("/api/v1/problems/{pid}/status"), &ann.token, json!({ "status": to })).await.expect(200);
    }

    // The coach reads the words; blame holds them back.
    let blame = app
        .post(&proof_path(pid), &manager, json!({ "text": "Our policy is clear: you should have read the label." }))
        .await
        .expect(422);
    assert_eq!(blame["error"], "coach_gate", "{blame}");

    // A gesture past this month's budget for the lost is refused, and nobody is told.
    let voucher = |cost: i64| {
        json!({ "gesture": "voucher", "description": "A loaf of your choice on us, next time", "cost_minor": cost,
                "currency": "EUR" })
    };
    let past = app.post(&proof_path(pid), &manager, json!({ "text": text, "gesture": voucher(60_000) })).await;
    let past = past.expect(409);
    assert_eq!(past["rule"], "proof_gesture_past_budget", "{past}");
    assert!(app.get(&proof_path(pid), &manager).await.expect(200)["proof"].is_null());
    app.post(&proof_path(pid), &ann.token, json!({ "text": text })).await.expect(403);

    // Sent: 202, then each customer's state.
    let sent = app.post(&proof_path(pid), &manager, json!({ "text": text, "gesture": voucher(500) })).await.expect(202);
    assert_eq!(sent["told_now"], 3, "{sent}");
    app.settle().await;

    // Each mail is personal: their case, their own words, the change, an invitation back.
    let to_hannah = sink.delivered(&app, "hannah@example.com", "What we changed").await;
    assert!(to_hannah.subject.as_deref().unwrap().contains(&hannah.reference));
    assert!(to_hannah.text.contains("Dear Hannah Berg"), "{}", to_hannah.text);
    assert!(to_hannah.text.contains("on the morning of my daughter's birthday"), "{}", to_hannah.text);
    assert!(to_hannah.text.contains("checked and written down every hour"), "{}", to_hannah.text);
    assert!(to_hannah.text.contains("Thank you for staying with us"), "{}", to_hannah.text);
    assert!(!to_hannah.text.contains("on us, next time"), "a gesture only for the lost: {}", to_hannah.text);
    let to_ida = sink.delivered(&app, "ida@example.com", "What we changed").await;
    assert!(to_ida.text.contains(&ida.reference) && to_ida.text.contains("nobody called me back"), "{}", to_ida.text);
    assert!(to_ida.text.contains("come and see us again"), "{}", to_ida.text);
    assert!(to_ida.text.contains("To welcome you back: A loaf of your choice on us, next time."), "{}", to_ida.text);

    let told = app.get(&proof_path(pid), &manager).await.expect(200);
    assert_eq!(told["proof"]["text"], text);
    assert_eq!((&item(&told, &hannah)["status"], &item(&told, &hannah)["channel"]), (&json!("sent"), &json!("email")));
    assert_eq!(item(&told, &ida)["gesture"]["cost_minor"], 500, "{told}");
    assert!(item(&told, &hannah)["gesture"].is_null());
    assert_eq!(item(&told, &jo)["channel"], "letter", "only a postal address: a letter in the print run: {told}");
    assert_eq!(item(&told, &jo)["status"], "queued");
    let print_run = boss.page(&app, "/letters").await;
    assert!(print_run.contains("What we changed:") && print_run.contains("Jo Brandt"), "{print_run}");

    // The timeline says so, and the gesture counts against the month's gestures.
    let hannah_now = ann.case(&hannah).await;
    assert_eq!(hannah_now.events("improvement_told").len(), 1);
    assert_eq!(hannah_now.status, "retained", "a closed case stays closed");
    let budget = app.get("/api/v1/gestures/budget", &manager).await.expect(200);
    assert!(budget.to_string().contains("500"), "the lost customer's gesture is spent: {budget}");

    // Sending twice tells nobody twice; a customer linked since is told alone.
    let again = app.post(&proof_path(pid), &manager, json!({ "text": text })).await.expect(202);
    assert_eq!(again["told_now"], 0);
    let kim = complaint(&app, &ann, "Kim Roth", Some("kim@example.com"), None, "Burnt rolls, again.").await;
    fixed_and_linked(&ann, &kim, pid).await;
    let later = app.post(&proof_path(pid), &manager, json!({ "text": text })).await.expect(202);
    assert_eq!(later["told_now"], 1);
    app.settle().await;
    sink.delivered(&app, "kim@example.com", "What we changed").await;
    let proofs = sink.with_subject("What we changed");
    assert_eq!(
        proofs.len(),
        3,
        "Hannah, Ida and Kim, each once: {:?}",
        proofs.iter().map(|m| &m.subject).collect::<Vec<_>>()
    );
    assert_eq!(ann.case(&ida).await.events("improvement_told").len(), 1);

    // Ida orders again: before the proof it is not a win; after it, she is won back.
    let order = |ext: &str, at: &str| {
        json!({ "customer_id": ida.customer_id, "external_id": ext, "kind": "order", "amount_minor": 1200,
                "currency": "EUR", "occurred_at": at })
    };
    app.post("/api/v1/transactions", &ann.token, order("ida-old", "2020-01-01T10:00:00Z")).await.expect(201);
    assert!(ann.case(&ida).await.events("won_back").is_empty(), "an order from before the proof");
    app.pass(time::Duration::days(2)).await;
    let now = app.clock.now().format(&time::format_description::well_known::Rfc3339).unwrap();
    app.post("/api/v1/transactions", &ann.token, order("ida-new", &now)).await.expect(201);
    let ida_now = ann.case(&ida).await;
    assert_eq!(ida_now.events("won_back").len(), 1, "{:?}", ida_now.timeline);
    assert_eq!(ida_now.status, "lost", "the case keeps its outcome; the customer is back");
    let listed = app.get(&proof_path(pid), &manager).await.expect(200);
    assert!(item(&listed, &ida)["won_back_at"].is_string(), "{listed}");
    app.post("/api/v1/transactions", &ann.token, order("ida-third", &now)).await;
    assert_eq!(ann.case(&ida).await.events("won_back").len(), 1, "won back once");

    // The report shows the win-back rate beside the recovery rate.
    let report = app.get("/api/v1/reports", &manager).await.expect(200);
    assert_eq!(report["lost"], 1, "{report}");
    assert_eq!((report["lost_told"].as_i64(), report["won_back"].as_i64()), (Some(1), Some(1)), "{report}");
    assert_eq!(report["win_back_rate"], 1.0);
    assert_eq!(report["recovery_rate"], 0.5);
    let html = boss.page(&app, "/reports").await;
    assert!(
        html.contains("Win-back rate") && html.contains("1 of 1 lost customer told what changed came back"),
        "{html}"
    );
}

async fn a_testimonial_is_asked_only_of_a_satisfied_customer_we_kept(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let boss = manager(&app).await;
    let manager = boss.token.clone();
    let problem = app
        .post("/api/v1/problems", &ann.token, json!({ "title": "Burnt bread", "preventive_action": "Hourly checks" }))
        .await
        .expect(201);
    let pid = problem["id"].as_i64().unwrap();
    let follow_up_link = |email: &'static str| {
        let sink = &sink;
        let app = &app;
        async move { link_in(&sink.delivered(app, email, "Did we put it right?").await) }
    };

    // Hannah answers the follow-up satisfied: her page thanks her and asks the one question.
    let hannah =
        complaint(&app, &ann, "Hannah Berg", Some("hannah@example.com"), None, "My sourdough was burnt.").await;
    fixed_and_linked(&ann, &hannah, pid).await;
    ann.step(&hannah, "follow-up/schedule", json!({ "due": "2020-01-01T10:00:00Z", "channel": "email" })).await;
    let link = follow_up_link("hannah@example.com").await;
    let (code, shown) = page(&app, &link).await;
    assert_eq!(code, 200);
    assert!(!shown.contains("would you recommend us"), "not before she said she is satisfied");
    let answer = [("action", "answer"), ("satisfaction", "5"), ("satisfied", "yes"), ("words", "Lovely now")];
    let (code, thanked) = post_form(&app, &link, &answer).await;
    assert_eq!(code, 200);
    assert!(
        thanked.contains("We have your answer") && thanked.contains("would you recommend us to a friend?"),
        "{thanked}"
    );
    ann.step(&hannah, "watch", json!({})).await;
    ann.step(&hannah, "outcome", json!({ "outcome": "retained" })).await;
    let words = "They owned it <b>and</b> fixed it: go to https://evil.example for bread";
    let (code, said) =
        post_form(&app, &link, &[("action", "recommend"), ("recommend", "yes"), ("testimonial_words", words)]).await;
    assert_eq!(code, 200, "{said}");
    assert!(said.contains("Thank you for your words"));
    let (_, again) = post_form(&app, &link, &[("action", "recommend"), ("recommend", "no")]).await;
    assert!(again.contains("Thank you"), "{again}");
    let (_, later) = page(&app, &link).await;
    assert!(!later.contains("would you recommend us"), "asked once: {later}");

    // Ida was unhappy (2 of 5) and is lost: never asked, and her link cannot say it.
    let ida = complaint(&app, &ann, "Ida Vogt", Some("ida@example.com"), None, "The rye was burnt.").await;
    fixed_and_linked(&ann, &ida, pid).await;
    ann.step(&ida, "follow-up/schedule", json!({ "due": "2020-01-01T10:00:00Z", "channel": "email" })).await;
    let ida_link = follow_up_link("ida@example.com").await;
    let (_, unhappy) = post_form(&app, &ida_link, &[("action", "answer"), ("satisfaction", "2")]).await;
    assert!(!unhappy.contains("would you recommend us"), "{unhappy}");
    let (code, _) = post_form(&app, &ida_link, &[("action", "recommend"), ("recommend", "yes")]).await;
    assert_eq!(code, 409, "never an unhappy one");
    ann.step(&ida, "outcome", json!({ "outcome": "lost", "reason": "Moved away" })).await;
    let (code, _) = post_form(&app, &ida_link, &[("action", "recommend"), ("recommend", "yes")]).await;
    assert_eq!(code, 409, "never a lost one");

    // The owner sees them beside the recovery figures: one, kept as written, the first answer.
    let list = app.get("/api/v1/testimonials", &manager).await.expect(200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!((&items[0]["recommend"], &items[0]["words"]), (&json!(true), &json!(words)));
    assert_eq!(items[0]["case_reference"], hannah.reference.as_str());
    app.get("/api/v1/testimonials", &ann.token).await.expect(403);
    let report = app.get("/api/v1/reports", &manager).await.expect(200);
    assert_eq!((report["testimonials"].as_i64(), report["would_recommend"].as_i64()), (Some(1), Some(1)));
    let html = boss.page(&app, "/reports").await;
    assert!(html.contains("1 of 1</strong> satisfied customers we kept would recommend us"), "{html}");
    assert!(
        html.contains("They owned it &lt;b&gt;and&lt;&#x2f;b&gt;")
            || html.contains("They owned it &lt;b&gt;and&lt;/b&gt;"),
        "escaped: {html}"
    );
    assert!(!html.contains("href=\"https://evil.example"), "never a link");
}

crate::on_both_databases!(
    everyone_a_fixed_problem_hurt_hears_what_changed_once_and_a_lost_customer_is_won_back,
    a_testimonial_is_asked_only_of_a_satisfied_customer_we_kept,
);
