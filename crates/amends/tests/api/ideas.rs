//! Ask the people who do the work (issue 22 §3): the staff who handled a problem's cases
//! are asked for their idea, by mail in business hours and in their inbox; ideas are
//! voted on; a manager adopts one as the preventive action, its author credited; the
//! owner's report counts ideas adopted.

use amends_domain::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;

const PASSWORD: &str = "correct horse battery";

async fn email_of(app: &TestApp, user_id: i64) -> String {
    let user = app.get(&format!("/api/v1/users/{user_id}"), &app.admin_token).await.expect(200);
    user["email"].as_str().unwrap().to_owned()
}

async fn name_of(app: &TestApp, user_id: i64) -> String {
    let user = app.get(&format!("/api/v1/users/{user_id}"), &app.admin_token).await.expect(200);
    user["name"].as_str().unwrap().to_owned()
}

/// A complaint taken by `token`, agreed and linked to `problem` in the prevent step.
async fn handled_and_linked(app: &TestApp, token: &str, email: &str, words: &str, problem: i64) -> i64 {
    let case = app
        .post(
            "/api/v1/cases",
            token,
            json!({ "customer": { "name": "Rosa Diaz", "email": email }, "body": words, "channel": "phone" }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    let step = |p: &str| format!("/api/v1/cases/{id}/{p}");
    app.post(&step("restatement"), token, json!({ "text": "So the cake arrived crushed." })).await.expect(200);
    app.post(&step("restatement/confirm"), token, json!({})).await.expect(200);
    app.post(&step("prevent"), token, json!({ "problem_id": problem })).await.expect(200);
    id
}

async fn idea_mails(app: &TestApp, to: &str) -> i64 {
    app.scalar(&format!(
        "SELECT COUNT(*) FROM outbox WHERE purpose = 'staff_alert' AND to_email = '{to}' AND subject = 'Your idea is wanted: Cake boxes crushed in the van'"
    ))
    .await
}

async fn page(app: &TestApp, email: &str, path: &str) -> String {
    let (client, _) = app.signed_in(email, PASSWORD).await;
    client.get(app.url(path)).send().await.unwrap().text().await.unwrap()
}

/// Ann and Ben each handled a crushed cake; Carl handled none. At night the root cause is
/// opened and their cases linked: both are asked (their inbox at once, the mail held for
/// the morning), Carl is not. Ben's idea gets the votes; Maria adopts it; the problem's
/// preventive action says it is his; the report counts it.
async fn the_people_who_handled_the_cases_are_asked_and_the_chosen_idea_becomes_the_action(app: TestApp) {
    // Tuesday 2 March 2027, 02:00 in Berlin; the desk works 09:00 to 17:00 on weekdays.
    app.clock.set(time::macros::datetime!(2027-03-02 01:00 UTC));
    let nine_five = json!([{ "start": "09:00", "end": "17:00" }]);
    let office = json!({
        "zone": "Europe/Berlin",
        "week": { "monday": nine_five, "tuesday": nine_five, "wednesday": nine_five, "thursday": nine_five, "friday": nine_five },
        "holidays": [],
        "escalation": [{ "after_minutes": 0, "to": "owner" }],
    });
    app.call(reqwest::Method::PUT, "/api/v1/settings/hours", Some(&app.admin_token), Some(office)).await.expect(200);
    let ann = app.member(Role::Agent).await;
    let ben = app.member(Role::Agent).await;
    let carl = app.member(Role::Agent).await;
    let maria = app.member(Role::Manager).await;
    let (ann_email, ben_email, carl_email) =
        (email_of(&app, ann.id).await, email_of(&app, ben.id).await, email_of(&app, carl.id).await);

    let problem = app
        .post(
            "/api/v1/problems",
            &ann.token,
            json!({ "title": "Cake boxes crushed in the van", "corrective_action": "Crushed cakes baked again" }),
        )
        .await
        .expect(201);
    let id = problem["id"].as_i64().unwrap();
    let at = format!("/api/v1/problems/{id}");
    assert_eq!(app.get("/api/v1/ideas/wanted", &ann.token).await.expect(200)["items"], json!([]), "no case yet");

    handled_and_linked(&app, &ann.token, "rosa@example.com", "The cake came crushed.", id).await;
    handled_and_linked(&app, &ben.token, "tom@example.com", "The box was flattened, the cake ruined.", id).await;
    app.settle().await;

    // Their inbox says so at once…
    let wanted = app.get("/api/v1/ideas/wanted", &ann.token).await.expect(200);
    assert_eq!(wanted["items"].as_array().unwrap().len(), 1, "{wanted}");
    assert_eq!(wanted["items"][0]["problem_title"], "Cake boxes crushed in the van");
    assert_eq!(wanted["items"][0]["case_count"], 2);
    assert_eq!(app.get("/api/v1/ideas/wanted", &carl.token).await.expect(200)["items"], json!([]));
    let inbox = page(&app, &ann_email, "/inbox").await;
    assert!(
        inbox.contains("Your idea is wanted") && inbox.contains(&format!("/problems/{id}#ideas")),
        "the inbox asks"
    );
    assert!(!page(&app, &carl_email, "/inbox").await.contains("Your idea is wanted"), "Carl handled none");

    // …and by mail, written now and held for the morning's working hours.
    assert_eq!((idea_mails(&app, &ann_email).await, idea_mails(&app, &ben_email).await), (1, 1));
    assert_eq!(idea_mails(&app, &carl_email).await, 0);
    let held_until = app
        .scalar(&format!(
            "SELECT MIN(j.run_at) FROM jobs j JOIN outbox o ON j.payload LIKE '%\"outbox_id\":' || o.id || '}}%' \
             WHERE o.to_email = '{ann_email}' AND o.subject LIKE 'Your idea is wanted%'"
        ))
        .await;
    assert_eq!(held_until, time::macros::datetime!(2027-03-02 08:00 UTC).unix_timestamp() * 1000, "09:00 in Berlin");
    let body = app
        .scalar(&format!(
            "SELECT COUNT(*) FROM outbox WHERE to_email = '{ann_email}' AND text_body LIKE '%how would you stop it happening again?%' AND text_body LIKE '%/problems/{id}#ideas%'"
        ))
        .await;
    assert_eq!(body, 1, "the mail asks the question and links the problem");

    // A third case of Ann's asks her nothing new.
    handled_and_linked(&app, &ann.token, "lou@example.com", "Squashed cake again.", id).await;
    app.settle().await;
    assert_eq!(idea_mails(&app, &ann_email).await, 1, "asked once per problem");

    // Ideas, given once each.
    let ideas = format!("{at}/ideas");
    let anns = app
        .post(&ideas, &ann.token, json!({ "text": "A second person checks every box before it leaves" }))
        .await
        .expect(201);
    let again = app
        .post(&ideas, &ann.token, json!({ "text": "  A second person checks every box before it leaves " }))
        .await
        .expect(201);
    assert_eq!(again["id"], anns["id"], "the same idea sent twice is kept once");
    assert_eq!(app.get("/api/v1/ideas/wanted", &ann.token).await.expect(200)["items"], json!([]), "answered");
    let bens = app
        .post(&ideas, &ben.token, json!({ "text": "Boxes ride in a rack, not on the van's floor" }))
        .await
        .expect(201);
    app.post(&ideas, &ben.token, json!({ "text": "   " })).await.expect_error(422, "invalid");

    // One vote per member of staff per idea.
    let votes = |idea: &Value| format!("{ideas}/{}/votes", idea["id"]);
    assert_eq!(app.post(&votes(&bens), &carl.token, json!({})).await.expect(200)["votes"], 1);
    assert_eq!(
        app.post(&votes(&bens), &carl.token, json!({})).await.expect(200)["votes"],
        1,
        "voting again changes nothing"
    );
    assert_eq!(app.post(&votes(&bens), &ann.token, json!({})).await.expect(200)["votes"], 2);
    assert_eq!(app.post(&votes(&anns), &maria.token, json!({})).await.expect(200)["votes"], 1);
    app.post(&format!("{ideas}/999999/votes"), &carl.token, json!({})).await.expect_error(404, "not_found");
    let listed = app.get(&ideas, &carl.token).await.expect(200);
    assert_eq!(listed["items"][0]["id"], bens["id"], "most votes first");
    assert_eq!(
        (listed["items"][0]["voted"].as_bool(), listed["items"][1]["voted"].as_bool()),
        (Some(true), Some(false))
    );

    // Only a manager adopts; the idea becomes the preventive action, its author named.
    let adopt = format!("{ideas}/{}/adopt", bens["id"]);
    app.post(&adopt, &ann.token, json!({})).await.expect_error(403, "forbidden");
    let adopted = app.post(&adopt, &maria.token, json!({})).await.expect(200);
    assert!(adopted["adopted_at"].is_string());
    let ben_name = name_of(&app, ben.id).await;
    let problem = app.get(&at, &maria.token).await.expect(200);
    assert_eq!(
        problem["preventive_action"].as_str().unwrap(),
        format!("Boxes ride in a rack, not on the van's floor (idea of {ben_name})")
    );
    let twice = app.post(&adopt, &maria.token, json!({})).await.expect(200);
    assert_eq!(twice["adopted_at"], adopted["adopted_at"], "adopting it again changes nothing");

    // The problem's page credits Ben; the owner's report counts the idea adopted.
    let html = page(&app, &email_of(&app, maria.id).await, &format!("/problems/{id}")).await;
    assert!(html.contains("A second person checks every box before it leaves"));
    assert!(html.contains(&format!("idea of {ben_name}, adopted by")), "credited on the page");
    let report = app.get("/api/v1/reports", &maria.token).await.expect(200);
    assert_eq!(report["ideas_adopted"], 1);
    let reports_page = page(&app, &email_of(&app, maria.id).await, "/reports").await;
    assert!(reports_page.contains("data-ideas-adopted"));
}

crate::on_both_databases!(the_people_who_handled_the_cases_are_asked_and_the_chosen_idea_becomes_the_action);
