//! Saved inbox views: private to their owner (another agent can neither see nor change
//! them), or shared with everyone by a manager.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn names(app: &TestApp, token: &str) -> Vec<String> {
    let list = app.get("/api/v1/views", token).await.expect(200);
    list["items"].as_array().unwrap().iter().map(|v| v["name"].as_str().unwrap().to_owned()).collect()
}

async fn saved_views_are_private_unless_a_manager_shares_them(app: TestApp) {
    let (me, mine_token) = app.staff("agent").await;
    let (_, other) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;

    let view = app
        .post(
            "/api/v1/views",
            &mine_token,
            json!({ "name": " Urgent apologies ", "filters": { "view": "mine", "severity": "high", "step": "apologise" } }),
        )
        .await
        .expect(201);
    let id = view["id"].as_i64().unwrap();
    assert_eq!(view["name"], "Urgent apologies");
    assert_eq!(view["owner_id"], me);
    assert_eq!(view["shared"], false);
    assert_eq!(view["filters"], json!({ "view": "mine", "severity": "high", "step": "apologise" }));
    assert_eq!(names(&app, &mine_token).await, ["Urgent apologies"]);

    // Another agent: the view does not exist for them.
    assert!(names(&app, &other).await.is_empty());
    app.get(&format!("/api/v1/views/{id}"), &other).await.expect_error(404, "not_found");
    app.patch(&format!("/api/v1/views/{id}"), &other, json!({ "name": "Mine now" }))
        .await
        .expect_error(404, "not_found");
    app.call(Method::DELETE, &format!("/api/v1/views/{id}"), Some(&other), None).await.expect_error(404, "not_found");
    // Nor for a manager: private means private.
    app.get(&format!("/api/v1/views/{id}"), &manager).await.expect_error(404, "not_found");

    // The owner edits it; bad filters are refused by name.
    let edited = app
        .patch(
            &format!("/api/v1/views/{id}"),
            &mine_token,
            json!({ "name": "Apologies", "filters": { "view": "overdue" } }),
        )
        .await
        .expect(200);
    assert_eq!(edited["filters"], json!({ "view": "overdue" }));
    for bad in
        [json!({ "view": "everything" }), json!({ "severity": "meh" }), json!({ "owner": "1" }), json!({ "step": 3 })]
    {
        let r = app.patch(&format!("/api/v1/views/{id}"), &mine_token, json!({ "filters": bad })).await;
        assert_eq!(r.expect_error(422, "invalid")["field"], "filters");
    }
    app.post("/api/v1/views", &mine_token, json!({ "name": "  " })).await.expect_error(422, "invalid");

    // Only managers share.
    app.post("/api/v1/views", &mine_token, json!({ "name": "For all", "shared": true }))
        .await
        .expect_error(403, "forbidden");
    app.patch(&format!("/api/v1/views/{id}"), &mine_token, json!({ "shared": true }))
        .await
        .expect_error(403, "forbidden");
    let shared = app
        .post(
            "/api/v1/views",
            &manager,
            json!({ "name": "Escalated, critical", "shared": true,
            "filters": { "view": "escalated", "severity": "critical" } }),
        )
        .await
        .expect(201);
    let shared_id = shared["id"].as_i64().unwrap();
    assert_eq!(names(&app, &other).await, ["Escalated, critical"]);
    assert_eq!(names(&app, &mine_token).await, ["Apologies", "Escalated, critical"], "own views first");
    let seen: Value = app.get(&format!("/api/v1/views/{shared_id}"), &other).await.expect(200);
    assert_eq!(seen["owner_name"].as_str().map(|n| n.starts_with("manager")), Some(true));
    // Agents see a shared view but may not change it; another manager may.
    app.patch(&format!("/api/v1/views/{shared_id}"), &other, json!({ "name": "Ours" }))
        .await
        .expect_error(403, "forbidden");
    app.call(Method::DELETE, &format!("/api/v1/views/{shared_id}"), Some(&other), None)
        .await
        .expect_error(403, "forbidden");
    let (_, manager2) = app.staff("manager").await;
    let renamed =
        app.patch(&format!("/api/v1/views/{shared_id}"), &manager2, json!({ "name": "Critical" })).await.expect(200);
    assert_eq!(renamed["shared"], true);

    // Deleting.
    app.call(Method::DELETE, &format!("/api/v1/views/{id}"), Some(&mine_token), None).await.expect(204);
    app.call(Method::DELETE, &format!("/api/v1/views/{shared_id}"), Some(&manager), None).await.expect(204);
    assert!(names(&app, &mine_token).await.is_empty());
    app.get(&format!("/api/v1/views/{id}"), &mine_token).await.expect_error(404, "not_found");
    app.get("/api/v1/views/nope", &mine_token).await.expect_error(404, "not_found");
}

crate::on_both_databases!(saved_views_are_private_unless_a_manager_shares_them);
