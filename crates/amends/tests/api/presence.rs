//! The collision guard: who else has a case open, across instances sharing one database.

use serde_json::json;

use crate::helpers::{Db, TestApp, spawn_app, start};

async fn colleagues_see_each_other_on_a_case(app: TestApp) {
    let (_, ann) = app.staff("agent").await;
    let (_, bo) = app.staff("agent").await;
    let id = app.complaint(&ann, "rae@example.com", "Wrong size again.").await["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/presence");
    let alone = app.post(&path, &ann, json!({})).await.expect(200);
    assert!(alone["others"].as_array().unwrap().is_empty());
    let seen = app.post(&path, &bo, json!({ "writing": true })).await.expect(200);
    assert_eq!(seen["others"].as_array().unwrap().len(), 1, "Bo sees Ann");
    assert_eq!(seen["others"][0]["writing"], false);
    let back = app.post(&path, &ann, json!({})).await.expect(200);
    assert_eq!(back["others"][0]["writing"], true, "Ann sees that Bo is writing");
    assert_eq!(back["version"], 1);
    app.post(&format!("/api/v1/cases/{id}/notes"), &bo, json!({ "text": "Calling her now" })).await.expect(200);
    let moved = app.post(&path, &ann, json!({})).await.expect(200);
    assert_eq!(moved["version"], 2, "the page learns the case changed");
    app.post("/api/v1/cases/999999/presence", &ann, json!({})).await.expect(404);
}

crate::on_both_databases!(colleagues_see_each_other_on_a_case);

/// Two `amends serve` instances on one PostgreSQL: presence crosses instances.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_crosses_instances_on_postgres() {
    let app = spawn_app(Db::Postgres).await;
    let (second, _) = start(&app.database_url, None, app.clock.clone(), |_| {}).await;
    let (_, ann) = app.staff("agent").await;
    let (_, bo) = app.staff("agent").await;
    let id = app.complaint(&ann, "sam@example.com", "Broken zip.").await["id"].as_i64().unwrap();
    app.post(&format!("/api/v1/cases/{id}/presence"), &ann, json!({ "writing": true })).await.expect(200);
    let other = reqwest::Client::new()
        .post(format!("{}/api/v1/cases/{id}/presence", second.address))
        .bearer_auth(&bo)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = other.json().await.unwrap();
    assert_eq!(body["others"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(body["others"][0]["writing"], true);
    let _ = second.shutdown.send(());
}
