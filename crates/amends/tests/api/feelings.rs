//! Words and music (issue 22 §2): how the customer felt, heard at the Hear step, is
//! shown at every later step; the coach reminds the writer to acknowledge it in the
//! restatement and the apology; triage reads it.

use amends_domain::Role;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::staff::Case;

fn kinds(answer: &Value) -> Vec<String> {
    answer["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap().to_owned()).collect()
}

fn feeling_finding(answer: &Value) -> Option<Value> {
    answer["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "unacknowledged_feeling").cloned()
}

/// Grace rings about a lost parcel with her passport in it; Ann hears that she is
/// anxious. Ann's first restatement and apology skip the worry and the coach says so; the
/// ones that name it, in words of their own, pass.
async fn an_anxious_customer_hears_that_we_understand_the_worry(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let case = app
        .post(
            "/api/v1/cases",
            &ann.token,
            json!({ "customer": { "name": "Grace Obi", "email": "grace@example.com" }, "channel": "phone",
                    "body": "My parcel never came and my passport was in it. I fly on Friday." }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    let coach = |text: &str, step: &str| json!({ "text": text, "step": step, "case_id": id });

    // Nothing heard yet: nothing to remind.
    let before = app.post("/api/v1/coach", &ann.token, coach("So your parcel did not arrive.", "restatement")).await;
    assert!(feeling_finding(&before.expect(200)).is_none());

    // The case page asks for it at the Hear step.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let url = app.url(&format!("/cases/{id}"));
    let page = |client: reqwest::Client| {
        let url = url.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let html = page(client.clone()).await;
    assert!(html.contains("data-feeling-ask") && html.contains("How did they feel?"), "asked at the Hear step");

    let heard = json!({ "feeling": "anxious", "words": "I cannot sleep over it", "mattered_most": "Flying on Friday" });
    app.post(&format!("/api/v1/cases/{id}/feeling"), &ann.token, heard).await.expect(200);

    let cold = app
        .post(
            "/api/v1/coach",
            &ann.token,
            coach("So your parcel did not arrive and your passport was in it, and you fly on Friday.", "restatement"),
        )
        .await
        .expect(200);
    let reminder = feeling_finding(&cold).expect("the coach reminds Ann of the worry");
    assert_eq!(reminder["feeling"], "anxious");
    assert_eq!(reminder["severity"], "medium", "a reminder, never a hold");
    assert!(
        reminder["why"].as_str().unwrap().starts_with("Grace felt anxious — say you understand the worry."),
        "{reminder}"
    );
    assert!(kinds(&cold).contains(&"unacknowledged_feeling".to_owned()));

    let warm = app
        .post(
            "/api/v1/coach",
            &ann.token,
            coach(
                "So your parcel did not arrive, your passport was in it and you fly on Friday: the not knowing must be keeping you up.",
                "restatement",
            ),
        )
        .await
        .expect(200);
    assert!(feeling_finding(&warm).is_none(), "{warm}");

    let brushed = app
        .post("/api/v1/coach", &ann.token, coach("I'm sorry. Please don't worry, we will find it.", "apology"))
        .await;
    assert!(feeling_finding(&brushed.expect(200)).is_some(), "\"don't worry\" brushes it aside");
    let owned = app
        .post(
            "/api/v1/coach",
            &ann.token,
            coach(
                "I'm sorry: losing it was our mistake, and I know how frightening this is with Friday so close.",
                "apology",
            ),
        )
        .await
        .expect(200);
    assert!(feeling_finding(&owned).is_none(), "{owned}");

    // Without a case, the feeling can be given as it was heard.
    let given = app
        .post(
            "/api/v1/coach",
            &ann.token,
            json!({ "text": "Your parcel ships Monday.", "step": "apology", "feeling": "disappointed" }),
        )
        .await
        .expect(200);
    assert!(feeling_finding(&given).unwrap()["why"].as_str().unwrap().starts_with("The customer felt disappointed"));
    app.post("/api/v1/coach", &ann.token, json!({ "text": "x", "step": "offer", "case_id": id }))
        .await
        .expect_error(422, "invalid");

    // An anxious customer is no reason to raise the case.
    let read = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    assert_eq!(read["severity_reasons"], json!([]));

    // Every later step shows it beside the words to write.
    let html = page(client.clone()).await;
    assert!(
        html.contains("data-feeling-reminder") && html.contains("Grace felt <strong>anxious</strong>"),
        "at restate"
    );
    let case: Case = serde_json::from_value(read).unwrap();
    let case =
        ann.restate(&case, "So your parcel with your passport never came, and the worry is keeping you up.").await;
    let case = ann.confirm(&case).await;
    assert_eq!(case.next_step.as_deref(), Some("apologise"));
    let html = page(client).await;
    assert!(html.contains("data-feeling-reminder") && html.contains("I cannot sleep over it"), "at apologise");
}

/// Triage reads the feeling: a low case whose customer is heard angry is no longer low,
/// and the case says why, in their words; heard calm later, the reason goes.
async fn an_angry_customer_raises_a_low_case_and_says_why(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let case = app
        .post(
            "/api/v1/cases",
            &ann.token,
            json!({ "customer": { "name": "Omar Haddad", "email": "omar@example.com" }, "channel": "phone",
                    "body": "The bread was stale.", "severity": "low" }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    assert_eq!(case["severity"], "low");
    let heard =
        json!({ "feeling": "angry", "words": "Third time this month!", "mattered_most": "Being taken seriously" });
    let felt = app.post(&format!("/api/v1/cases/{id}/feeling"), &ann.token, heard).await.expect(200);
    assert_eq!(felt["case"]["severity"], "normal");
    let read = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    let reasons = read["severity_reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 1, "{read}");
    assert_eq!(
        (reasons[0]["kind"].as_str(), reasons[0]["words"].as_str()),
        (Some("strong_feeling"), Some("Third time this month!"))
    );
    assert!(reasons[0]["why"].as_str().unwrap().contains("Being taken seriously"));
    assert_eq!(read["escalation_required"], false, "a feeling alone never goes to a manager");
    let raised: Vec<&Value> =
        read["timeline"].as_array().unwrap().iter().filter(|e| e["kind"] == "severity_changed").collect();
    assert_eq!((raised.len(), raised[0]["severity"].as_str()), (1, Some("normal")));

    // The case page shows the reason with the others.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let html = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-severity-reasons") && html.contains("Third time this month!"));

    // Heard calm later: the reason goes; what staff raised stays.
    let calm = json!({ "feeling": "calm", "mattered_most": "Being taken seriously" });
    let felt = app.post(&format!("/api/v1/cases/{id}/feeling"), &ann.token, calm).await.expect(200);
    assert_eq!(felt["case"]["severity"], "normal");
    let read = app.get(&format!("/api/v1/cases/{id}"), &ann.token).await.expect(200);
    assert_eq!(read["severity_reasons"], json!([]));
}

crate::on_both_databases!(
    an_anxious_customer_hears_that_we_understand_the_worry,
    an_angry_customer_raises_a_low_case_and_says_why,
);
