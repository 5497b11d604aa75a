//! Who may call what: tokens, sessions with CSRF, roles, deactivated users.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, answer};

async fn roles_tokens_and_sessions_are_checked(app: TestApp) {
    app.call(Method::GET, "/api/v1/cases", None, None).await.expect_error(401, "unauthorized");
    app.call(Method::GET, "/api/v1/cases", Some("amends_nonsense"), None).await.expect_error(401, "unauthorized");
    let (agent_id, agent) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;

    let new_user = json!({ "email": "x@bakery.example", "name": "X", "role": "agent", "password": "long enough pass" });
    app.post("/api/v1/users", &agent, new_user.clone()).await.expect_error(403, "forbidden");
    app.post("/api/v1/users", &manager, new_user.clone()).await.expect_error(403, "forbidden");
    app.post("/api/v1/users", &app.admin_token, new_user.clone()).await.expect(201);
    app.post("/api/v1/users", &app.admin_token, new_user).await.expect_error(409, "conflict");
    app.get("/api/v1/users", &agent).await.expect(403);
    let me = app.get("/api/v1/me", &agent).await.expect(200);
    assert_eq!(me["role"], "agent");
    assert!(me.get("password_hash").is_none(), "hashes never leave the server");

    // A session needs its CSRF token for writes; reads do not.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let case = json!({ "customer": { "name": "Fay" }, "body": "Wrong size shoes", "channel": "in_person" });
    let forged = client.post(app.url("/api/v1/cases")).json(&case).send().await.unwrap();
    answer(forged).await.expect_error(403, "forbidden");
    let wrong =
        client.post(app.url("/api/v1/cases")).header("x-csrf-token", "0".repeat(64)).json(&case).send().await.unwrap();
    answer(wrong).await.expect(403);
    let ok = client.post(app.url("/api/v1/cases")).header("x-csrf-token", &csrf).json(&case).send().await.unwrap();
    answer(ok).await.expect(201);
    answer(client.get(app.url("/api/v1/cases")).send().await.unwrap()).await.expect(200);
    let out = client.delete(app.url("/api/v1/session")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(out.status(), 204);
    answer(client.get(app.url("/api/v1/cases")).send().await.unwrap()).await.expect(401);
    let bad_login = app
        .call(
            Method::POST,
            "/api/v1/session",
            None,
            Some(json!({ "email": "admin@amends.local", "password": "wrong" })),
        )
        .await;
    bad_login.expect_error(401, "bad_credentials");

    // Revoked tokens and deactivated users are shut out at once.
    let second = app.post("/api/v1/tokens", &agent, json!({ "name": "script" })).await.expect(201);
    let second_token = second["token"].as_str().unwrap();
    app.get("/api/v1/me", second_token).await.expect(200);
    let tokens = app.get("/api/v1/tokens", &agent).await.expect(200);
    assert!(tokens["items"].as_array().unwrap().iter().all(|t| t.get("token").is_none()), "tokens are shown only once");
    app.call(Method::DELETE, &format!("/api/v1/tokens/{}", second["id"]), Some(&manager), None).await.expect(404);
    let revoked = app.call(Method::DELETE, &format!("/api/v1/tokens/{}", second["id"]), Some(&agent), None).await;
    assert_eq!(revoked.status, 204);
    app.get("/api/v1/me", second_token).await.expect(401);
    app.patch(&format!("/api/v1/users/{agent_id}"), &app.admin_token, json!({ "active": false })).await.expect(200);
    app.get("/api/v1/me", &agent).await.expect(401);
    app.patch("/api/v1/users/1", &app.admin_token, json!({ "role": "agent" })).await.expect_error(409, "last_admin");
}

async fn a_password_can_be_changed(app: TestApp) {
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let change = |current: &str, new: &str| {
        client
            .post(app.url("/api/v1/me/password"))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    answer(change("wrong", "a new long password").await.unwrap()).await.expect_error(422, "invalid");
    answer(change(&app.admin_password, "short").await.unwrap()).await.expect_error(422, "invalid");
    assert_eq!(change(&app.admin_password, "a new long password").await.unwrap().status(), 204);
    app.signed_in("admin@amends.local", "a new long password").await;
}

/// A password change: guesses of the current password are throttled, a guessable or
/// unchanged new one is refused, and every other session ends (a stolen one too).
async fn a_password_change_is_throttled_strong_and_ends_other_sessions(app: TestApp) {
    let (mine, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let (elsewhere, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    assert_eq!(elsewhere.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200);
    let change = |current: &str, new: &str| {
        mine.post(app.url("/api/v1/me/password"))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "current_password": current, "new_password": new }))
            .send()
    };
    for weak in ["          ", "password1234", "qwertyuiop12", "admin@amends.local"] {
        let refused = answer(change(&app.admin_password, weak).await.unwrap()).await.expect_error(422, "invalid");
        assert_eq!(refused["field"], "new_password");
        assert!(refused["message"].as_str().unwrap().contains("easy to guess"), "{weak:?}: {refused}");
    }
    let same = answer(change(&app.admin_password, &app.admin_password).await.unwrap()).await;
    let same = same.expect_error(422, "invalid");
    assert!(same["message"].as_str().unwrap().contains("the one you have"), "{same}");

    let new = "plum kettle orbit lantern";
    assert_eq!(change(&app.admin_password, new).await.unwrap().status(), 204);
    assert_eq!(mine.get(app.url("/api/v1/me")).send().await.unwrap().status(), 200, "this session goes on");
    assert_eq!(elsewhere.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401, "the other one ended");
    app.get("/api/v1/me", &app.admin_token).await.expect(200);

    // Guessing the current password through the change is throttled like a sign-in.
    for _ in 0..5 {
        answer(change("a wrong guess", "another fine passphrase").await.unwrap()).await.expect_error(422, "invalid");
    }
    let throttled = change(new, "another fine passphrase").await.unwrap();
    assert_eq!(throttled.status(), 429, "even the right one, while waiting");
    assert!(throttled.headers().contains_key("retry-after"));
}

/// A token is looked up once and remembered for a few seconds (the token memory). A
/// token revoked by another instance on the same database (here: in the database
/// itself) stops working once that memory has passed; one revoked through this
/// instance stops at once (above).
async fn a_token_revoked_elsewhere_stops_within_seconds(app: TestApp) {
    let (agent_id, agent) = app.staff("agent").await;
    app.get("/api/v1/me", &agent).await.expect(200);
    let revoked =
        app.scalar(&format!("UPDATE api_tokens SET revoked_at = 1 WHERE user_id = {agent_id} RETURNING 1")).await;
    assert_eq!(revoked, 1);
    app.pass(time::Duration::seconds(6)).await;
    app.get("/api/v1/me", &agent).await.expect(401);
    app.get("/api/v1/me", &app.admin_token).await.expect(200);
}

crate::on_both_databases!(
    a_token_revoked_elsewhere_stops_within_seconds,
    roles_tokens_and_sessions_are_checked,
    a_password_can_be_changed,
    a_password_change_is_throttled_strong_and_ends_other_sessions
);
