//! A personal touch for disclosures (issue 22 §4): a disclosure made a call list rings
//! its customers most valuable first from a script made of the notice; each call is
//! kept with the concerns heard; after the time set for calling, only those not reached
//! get the notice by mail.

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn customer(app: &TestApp, token: &str, name: &str, email: &str, phone: &str) -> i64 {
    let c = json!({ "name": name, "email": email, "phone": phone });
    app.post("/api/v1/customers", token, c).await.expect(201)["id"].as_i64().unwrap()
}

fn order(customer: i64, ext: &str, sku: &str, amount: i64) -> Value {
    json!({ "customer_id": customer, "external_id": ext, "kind": "order", "amount_minor": amount, "currency": "EUR",
            "sku": sku, "occurred_at": "2026-10-02T10:00:00Z" })
}

async fn notices_to(app: &TestApp, email: &str) -> i64 {
    app.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE purpose = 'disclosure' AND to_email = '{email}'")).await
}

/// Walnuts got into a batch of rye bread. Maria makes the notice a call list with two
/// days for calling: Ida (who spends most) first, then Jon, then Kim. Ida is reached and
/// says what worries her; Jon's voicemail takes a message; Kim does not answer. Two days
/// on, the notice is mailed to Jon and Kim only, once.
async fn the_most_valuable_are_called_first_and_only_those_not_reached_are_mailed(app: TestApp) {
    let (_, maria) = app.staff("manager").await;
    let (_, agent) = app.staff("agent").await;
    let ida = customer(&app, &agent, "Ida Brandt", "ida@example.com", "+49 30 1111").await;
    let jon = customer(&app, &agent, "Jon Weiss", "jon@example.com", "+49 30 2222").await;
    let kim = customer(&app, &agent, "Kim Lahr", "kim@example.com", "+49 30 3333").await;
    let rows = vec![
        order(jon, "j1", "RYE-3", 900),
        order(ida, "i1", "RYE-3", 700),
        order(ida, "i2", "CAKE-1", 8_000),
        order(kim, "k1", "RYE-3", 300),
    ];
    app.post("/api/v1/transactions/batch", &agent, json!({ "transactions": rows })).await.expect(200);
    let problem = app.post("/api/v1/problems", &agent, json!({ "title": "Walnuts in the rye" })).await.expect(201);
    let d = app
        .post(
            "/api/v1/disclosures",
            &maria,
            json!({ "problem_id": problem["id"], "title": "Walnuts in batch 3 of our rye bread",
                    "audience": { "skus": ["RYE-3"] },
                    "explanation": "Walnuts from the next line got into batch 3 of our rye bread.",
                    "solution": "We have taken it off the shelves and will refund every loaf." }),
        )
        .await
        .expect(201);
    let id = d["id"].as_i64().unwrap();
    let calls = format!("/api/v1/disclosures/{id}/calls");

    // Only managers make a call list, with a time for calling that makes sense.
    app.post(&calls, &agent, json!({ "hours": 48 })).await.expect_error(403, "forbidden");
    app.post(&calls, &maria, json!({ "hours": 0 })).await.expect_error(422, "invalid");
    app.get(&calls, &maria).await.expect_error(404, "not_found");
    let list = app.post(&calls, &maria, json!({ "hours": 48 })).await.expect(201);
    let names: Vec<&str> =
        list["recipients"].as_array().unwrap().iter().map(|r| r["customer_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ida Brandt", "Jon Weiss", "Kim Lahr"], "most valuable first: {list}");
    assert_eq!(list["recipients"][0]["lifetime_value"], json!({ "amount_minor": 8_700, "currency": "EUR" }));
    assert_eq!(list["recipients"][0]["phone"], "+49 30 1111");
    let script = list["recipients"][0]["script"].as_str().unwrap();
    assert!(script.starts_with("Hello Ida, this is [your name] from "), "{script}");
    assert!(script.contains("Walnuts from the next line got into batch 3 of our rye bread."), "from the notice");
    assert!(script.contains("We have taken it off the shelves and will refund every loaf."));
    assert!(list["script"].as_str().unwrap().contains("{first_name}"));
    let again = app.post(&calls, &maria, json!({ "hours": 2 })).await.expect(201);
    assert_eq!(again["mail_after"], list["mail_after"], "made once");
    // Nothing is sent while staff call, and the send button is not the way any more.
    app.settle().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'disclosure'").await, 0);
    assert_eq!(app.get(&format!("/api/v1/disclosures/{id}"), &maria).await.expect(200)["status"], "draft");

    let rid = |name: &str| {
        list["recipients"].as_array().unwrap().iter().find(|r| r["customer_name"] == name).unwrap()["recipient_id"]
            .clone()
    };
    let call = |name: &str| format!("{calls}/{}", rid(name));
    let worried = "My son ate two slices before I saw this. Is he going to be all right?";
    let after =
        app.post(&call("Ida Brandt"), &maria, json!({ "outcome": "reached", "concerns": worried })).await.expect(200);
    assert_eq!(after["reached"], 1);
    app.post(&call("Jon Weiss"), &maria, json!({ "outcome": "no_answer" })).await.expect(200);
    app.post(&call("Jon Weiss"), &maria, json!({ "outcome": "message_left", "concerns": "" })).await.expect(200);
    app.post(&call("Kim Lahr"), &maria, json!({ "outcome": "maybe" })).await.expect_error(422, "invalid");
    app.post(&call("Kim Lahr"), &maria, json!({ "outcome": "no_answer" })).await.expect(200);
    app.post(&format!("{calls}/999999"), &maria, json!({ "outcome": "reached" })).await.expect_error(404, "not_found");
    let now = app.get(&calls, &maria).await.expect(200);
    let ida_row = &now["recipients"][0];
    assert_eq!(
        (ida_row["outcome"].as_str(), ida_row["calls"][0]["concerns"].as_str()),
        (Some("reached"), Some(worried))
    );
    let jon_row = &now["recipients"][1];
    assert_eq!(jon_row["calls"].as_array().unwrap().len(), 2, "every call is kept");
    assert_eq!(jon_row["outcome"], "message_left", "the latest call counts");

    // The time for calling passes: the notice goes to Jon and Kim only, once.
    app.pass(time::Duration::hours(49)).await;
    app.settle().await;
    assert_eq!(
        (
            notices_to(&app, "ida@example.com").await,
            notices_to(&app, "jon@example.com").await,
            notices_to(&app, "kim@example.com").await
        ),
        (0, 1, 1)
    );
    let sent = app.get(&format!("/api/v1/disclosures/{id}"), &maria).await.expect(200);
    assert_eq!(sent["status"], "sent");
    assert_eq!(sent["progress"]["called"], 1, "{sent}");
    let done = app.get(&calls, &maria).await.expect(200);
    assert!(done["mailed_at"].is_string());
    assert_eq!(done["recipients"][0]["status"], "called");
    app.pass(time::Duration::hours(49)).await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE purpose = 'disclosure'").await, 2, "nobody told twice");
    app.post(&calls, &maria, json!({ "hours": 48 })).await.expect(201);

    // The page: who to ring, the script, the calls made.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let _ = csrf;
    let html = client.get(app.url(&format!("/disclosures/{id}/calls"))).send().await.unwrap().text().await.unwrap();
    assert!(
        html.contains("Hello Ida, this is") && html.contains("Is he going to be all right?"),
        "the page shows them"
    );
    assert!(html.find("Ida Brandt").unwrap() < html.find("Kim Lahr").unwrap());
}

crate::on_both_databases!(the_most_valuable_are_called_first_and_only_those_not_reached_are_mailed);
