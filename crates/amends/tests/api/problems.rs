//! Problems in full: actions, status with dates, suggestions and votes, ranked
//! suggestions for a case, and recurrence alarms.

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn case_in(app: &TestApp, token: &str, email: &str, words: &str, category: &str) -> i64 {
    app.post(
        "/api/v1/cases",
        token,
        json!({ "customer": { "name": "Ann Lee", "email": email }, "body": words, "channel": "phone", "category": category }),
    )
    .await
    .expect(201)["id"]
        .as_i64()
        .unwrap()
}

/// Agrees the complaint and links the case to `problem`.
async fn link(app: &TestApp, token: &str, case: i64, problem: &Value) -> Value {
    let step = |p: &str| format!("/api/v1/cases/{case}/{p}");
    app.post(&step("restatement"), token, json!({ "text": "What went wrong, in our words." })).await.expect(200);
    app.post(&step("restatement/confirm"), token, json!({})).await.expect(200);
    app.post(&step("prevent"), token, json!({ "problem_id": problem["id"] })).await.expect(200)
}

/// The problem's recurrence alarms once the queue has run: at least `n`.
async fn alarms_raised(app: &TestApp, token: &str, problem: i64, n: usize) -> Vec<Value> {
    app.settle().await;
    let alarms = app.get(&format!("/api/v1/problems/{problem}/alarms"), token).await.expect(200);
    let items = alarms["items"].as_array().unwrap().clone();
    assert!(items.len() >= n, "expected {n} alarms on problem {problem}: {alarms}");
    items
}

async fn a_problem_is_worked_from_open_to_verified(app: TestApp) {
    let (owner_id, owner) = app.staff("agent").await;
    let (_, colleague) = app.staff("agent").await;
    let problem = app
        .post("/api/v1/problems", &owner, json!({ "title": "Weekend deliveries slip", "description": "Sunday vans", "corrective_action": "Re-delivered every late order" }))
        .await
        .expect(201);
    let id = problem["id"].as_i64().unwrap();
    let at = format!("/api/v1/problems/{id}");
    assert_eq!(problem["status"], "open");

    let case = case_in(&app, &owner, "a@example.com", "The cake came a day late, on Sunday.", "delivery").await;
    link(&app, &owner, case, &problem).await;
    let found = app.get(&at, &owner).await.expect(200);
    assert_eq!(found["case_count"], 1);

    // Any employee suggests; one vote per person per suggestion.
    let idea = app
        .post(
            &format!("{at}/suggestions"),
            &colleague,
            json!({ "kind": "cause", "text": "Only one driver on Sundays" }),
        )
        .await
        .expect(201);
    let vote = format!("{at}/suggestions/{}/vote", idea["id"]);
    assert_eq!(app.post(&vote, &owner, json!({})).await.expect(200)["votes"], 1);
    assert_eq!(app.post(&vote, &owner, json!({})).await.expect(200)["votes"], 1, "a second vote changes nothing");
    assert_eq!(app.post(&vote, &colleague, json!({})).await.expect(200)["votes"], 2);
    app.post(&format!("{at}/suggestions"), &owner, json!({ "kind": "fix", "text": "Second driver" })).await.expect(201);
    app.post(&format!("{at}/suggestions"), &owner, json!({ "kind": "whim", "text": "x" }))
        .await
        .expect_error(422, "invalid");
    let ideas = app.get(&format!("{at}/suggestions"), &owner).await.expect(200);
    assert_eq!(ideas["items"][0]["id"], idea["id"], "most votes first");

    // The domain's rules: one step at a time, and fixed needs both actions.
    let status = format!("{at}/status");
    app.post(&status, &owner, json!({ "status": "fixed" })).await.expect_error(409, "conflict");
    let fixing = app.post(&status, &owner, json!({ "status": "fixing" })).await.expect(200);
    assert!(fixing["fixing_at"].is_string());
    app.post(&status, &owner, json!({ "status": "fixed" })).await.expect_error(409, "conflict");
    let patched = app
        .patch(
            &at,
            &owner,
            json!({ "category": "Delivery", "owner_id": owner_id, "corrective_action": "Re-delivered every late order",
                    "preventive_action": "A second driver on Sundays" }),
        )
        .await
        .expect(200);
    assert_eq!(patched["category"], "delivery");
    assert_eq!(patched["owner_id"], owner_id);
    let fixed = app.post(&status, &owner, json!({ "status": "fixed" })).await.expect(200);
    assert!(fixed["fixed_at"].is_string());
    let verified = app.post(&status, &owner, json!({ "status": "verified" })).await.expect(200);
    assert_eq!(verified["status"], "verified");
    assert!(verified["verified_at"].is_string() && verified["fixing_at"].is_string());
    app.post(&status, &owner, json!({ "status": "sideways" })).await.expect_error(422, "invalid");

    // The problem comes back: a case linked to it, and a new case that looks like its case.
    // Words that read like nothing known: linked by hand.
    let again = case_in(&app, &colleague, "b@example.com", "Where was my order?", "other").await;
    link(&app, &colleague, again, &problem).await;
    let alarms = alarms_raised(&app, &owner, id, 1).await;
    assert_eq!(alarms[0]["reason"], "linked");
    assert_eq!(alarms[0]["case_id"], again);
    let look_alike =
        case_in(&app, &colleague, "c@example.com", "My cake came a day late, on a Sunday!", "delivery").await;
    let unrelated = case_in(&app, &colleague, "d@example.com", "The invoice amount is wrong", "delivery").await;
    let alarms = alarms_raised(&app, &owner, id, 2).await;
    assert_eq!(alarms[0]["reason"], "look_alike");
    assert_eq!(alarms[0]["case_id"], look_alike);
    assert!(alarms.iter().all(|a| a["case_id"] != unrelated), "different words raise nothing");
    let mine = app.get("/api/v1/alarms?owner=me&unseen=true", &owner).await.expect(200);
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "the owner sees them");
    assert_eq!(app.get(&at, &owner).await.expect(200)["open_alarms"], 2);
    let seen = app.post(&format!("/api/v1/alarms/{}/seen", alarms[0]["id"]), &owner, json!({})).await;
    assert_eq!(seen.status.as_u16(), 204);
    assert_eq!(app.get(&at, &owner).await.expect(200)["open_alarms"], 1);
    assert!(app.get("/api/v1/alarms?owner=me", &colleague).await.expect(200)["items"].as_array().unwrap().is_empty());
}

async fn likely_problems_are_ranked_for_a_new_case(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let late = app
        .post(
            "/api/v1/problems",
            &agent,
            json!({ "title": "Late deliveries", "preventive_action": "Routes planned the night before" }),
        )
        .await
        .expect(201);
    let squashed = app
        .post("/api/v1/problems", &agent, json!({ "title": "Packaging", "preventive_action": "Double-walled boxes" }))
        .await
        .expect(201);
    let billing = app
        .post("/api/v1/problems", &agent, json!({ "title": "Billing errors", "corrective_action": "Refunded" }))
        .await
        .expect(201);
    for (email, words, problem) in [
        ("a@example.com", "The van came two hours late and the driver did not call", &late),
        ("b@example.com", "Delivery was late again, I waited all morning", &late),
        ("c@example.com", "The cake was squashed, the box crushed on one side", &squashed),
        ("d@example.com", "Box arrived crushed and the tart inside squashed", &squashed),
        ("e@example.com", "I was charged twice on my card for one order", &billing),
    ] {
        let case = case_in(&app, &agent, email, words, "general").await;
        link(&app, &agent, case, problem).await;
    }
    let new = case_in(&app, &agent, "f@example.com", "My birthday cake arrived squashed in a crushed box", "").await;
    let ranked = app.get(&format!("/api/v1/cases/{new}/suggested-problems"), &agent).await.expect(200);
    let items = ranked["items"].as_array().unwrap();
    assert_eq!(items[0]["problem"]["id"], squashed["id"], "{ranked}");
    assert!(items[0]["score"].as_f64().unwrap() > 0.0);
    let shared: Vec<&str> = items[0]["shared_words"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(shared.contains(&"squashed") && shared.contains(&"crushed"), "{shared:?}");
    assert!(items.iter().all(|i| i["problem"]["id"] != billing["id"]), "no shared word, no suggestion");
    app.get("/api/v1/cases/999999/suggested-problems", &agent).await.expect_error(404, "not_found");
}

async fn staff_work_problems_in_the_web_pages(app: TestApp) {
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let post = |path: String, form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let mut form = form;
        form.push(("csrf", csrf.clone()));
        let url = app.url(&path);
        async move {
            let r = client.post(url).form(&form).send().await.unwrap();
            (r.status().as_u16(), r.url().path().to_owned(), r.text().await.unwrap())
        }
    };
    let (status, path, page) = post("/problems".into(), vec![("title", "Squashed boxes".into())]).await;
    assert_eq!(status, 200);
    assert!(path.starts_with("/problems/") && page.contains("Squashed boxes"));
    let (status, _, page) = post(
        path.clone(),
        vec![("action", "suggest".into()), ("kind", "cause".into()), ("text", "Thin cardboard".into())],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("Thin cardboard"));
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let ideas = app.get(&format!("/api/v1/problems/{id}/suggestions"), &app.admin_token).await.expect(200);
    let sid = ideas["items"][0]["id"].as_i64().unwrap();
    let (_, _, page) = post(path.clone(), vec![("action", "vote".into()), ("suggestion_id", sid.to_string())]).await;
    assert!(page.contains("▲ 1"));
    let (status, _, page) = post(path.clone(), vec![("action", "status".into()), ("status", "fixed".into())]).await;
    assert_eq!(status, 409);
    assert!(page.contains("Start fixing"), "the domain's rule in plain words");
    let list = client.get(app.url("/problems")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Squashed boxes"));

    // The case page's prevent step shows the likely problems.
    app.patch(&format!("/api/v1/problems/{id}"), &app.admin_token, json!({ "preventive_action": "Thicker boxes" }))
        .await
        .expect(200);
    let case = app.complaint(&app.admin_token, "z@example.com", "The box was squashed flat").await;
    let problem = json!({ "id": id });
    link(&app, &app.admin_token, case["id"].as_i64().unwrap(), &problem).await;
    let other = app.complaint(&app.admin_token, "y@example.com", "A squashed box again").await;
    for (step, body) in
        [("restatement", json!({ "text": "Your box came squashed." })), ("restatement/confirm", json!({}))]
    {
        app.post(&format!("/api/v1/cases/{}/{step}", other["id"]), &app.admin_token, body).await.expect(200);
    }
    let page = client.get(app.url(&format!("/cases/{}", other["id"]))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Likely root causes") && page.contains("shared: squashed, box"), "{page}");
}

crate::on_both_databases!(
    a_problem_is_worked_from_open_to_verified,
    likely_problems_are_ranked_for_a_new_case,
    staff_work_problems_in_the_web_pages
);
