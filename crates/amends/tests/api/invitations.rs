//! Staff join by invitation: the admin names them, a mail (through a real SMTP server)
//! carries a link where they choose their own password, once, within a week; the staff
//! list says who has not joined yet and lets the admin resend or withdraw.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Db, TestApp};
use crate::mail::{SmtpSink, spawn_with_smtp};

/// The invitation's link in a mail, as a path on the app.
fn join_link(mail: &amends_mail::IncomingMail) -> String {
    let start = mail.text.find("/join/").expect("an invitation link in the mail");
    let token: String = mail.text[start + 6..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64, "a 256-bit token");
    format!("/join/{token}")
}

/// The value of the form's hidden CSRF field.
fn csrf_in(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    page[at..].chars().take_while(|c| *c != '"').collect()
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(client: &reqwest::Client, app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = client.post(app.url(path)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn an_invited_colleague_chooses_their_own_password_once(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let invited = app
        .post(
            "/api/v1/users",
            &app.admin_token,
            json!({ "email": "nora@bakery.example", "name": "Nora Quinn", "role": "agent" }),
        )
        .await
        .expect(201);
    assert_eq!(invited["joined"], false);
    let (admin, admin_csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let (_, staff) = get(&admin, &app, "/admin/users").await;
    assert!(staff.contains("Nora Quinn") && staff.contains("Invited, not yet joined"), "{staff}");

    let mail = sink.delivered(&app, "nora@bakery.example", "invites you").await;
    assert!(mail.text.contains("Dear Nora Quinn"), "{}", mail.text);
    assert!(mail.text.contains("as an agent") && mail.text.contains("Choose your own password"), "{}", mail.text);
    let link = join_link(&mail);
    let kept = app.scalar("SELECT COUNT(*) FROM outbox WHERE text_body LIKE '%/join/••••••%'").await;
    assert_eq!(kept, 1, "the kept copy of the mail holds the link masked");

    // No password until they choose one.
    let nobody = app
        .call(Method::POST, "/api/v1/session", None, Some(json!({ "email": "nora@bakery.example", "password": "" })))
        .await;
    nobody.expect_error(401, "bad_credentials");

    // A form from anywhere but the invitation's page is refused.
    let (status, page) = post(&browser(), &app, &link, &[("password", "x"), ("repeat_password", "x")]).await;
    assert_eq!(status, 403, "{page}");
    assert!(page.contains("not sent from the invitation"), "{page}");

    let nora = browser();
    let (status, page) = get(&nora, &app, &link).await;
    assert_eq!(status, 200);
    assert!(page.contains("Welcome, Nora Quinn") && page.contains("nora@bakery.example"), "{page}");
    let csrf = csrf_in(&page);
    let (status, page) =
        post(&nora, &app, &link, &[("csrf", &csrf), ("password", "password123"), ("repeat_password", "password123")])
            .await;
    assert_eq!(status, 422);
    assert!(page.contains("easy to guess"), "{page}");
    let password = "flour-sifted-at-dawn-42";
    let (status, page) =
        post(&nora, &app, &link, &[("csrf", &csrf), ("password", password), ("repeat_password", password)]).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your password is set"), "{page}");
    app.token_for("nora@bakery.example", password).await;

    // Used once: the link says so, and cannot set another password.
    let (status, page) = get(&browser(), &app, &link).await;
    assert_eq!(status, 410);
    assert!(page.contains("This invitation was used already"), "{page}");
    let (status, _) = post(
        &nora,
        &app,
        &link,
        &[("csrf", &csrf), ("password", "another-long-phrase-9"), ("repeat_password", "another-long-phrase-9")],
    )
    .await;
    assert_eq!(status, 410);
    app.token_for("nora@bakery.example", password).await;
    let (_, staff) = get(&admin, &app, "/admin/users").await;
    assert!(!staff.contains("Invited, not yet joined"), "Nora has joined");
    let id = invited["id"].as_i64().unwrap();
    let again = app.post(&format!("/api/v1/users/{id}/invitation"), &app.admin_token, json!({})).await;
    again.expect_error(409, "conflict");

    // Invited from the staff page: the form is empty once the invitation is on its way.
    let (status, page) = post(
        &admin,
        &app,
        "/admin/users",
        &[("csrf", &admin_csrf), ("name", "Omar Diaz"), ("email", "omar@bakery.example"), ("role", "manager")],
    )
    .await;
    assert_eq!(status, 200);
    assert!(page.contains("An invitation is on its way to Omar Diaz"), "{page}");
    assert!(page.contains("id=\"iname\" name=\"name\" required value=\"\""), "the form is empty: {page}");
    let first = join_link(&sink.delivered(&app, "omar@bakery.example", "invites you").await);

    // A week and a day later the link has expired, said in words.
    app.pass(time::Duration::days(8)).await;
    let (status, page) = get(&browser(), &app, &first).await;
    assert_eq!(status, 410);
    assert!(page.contains("This invitation has expired"), "{page}");
    // The admin's session ended meanwhile too.
    let (admin, admin_csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let (_, staff) = get(&admin, &app, "/admin/users").await;
    assert!(staff.contains("Invitation expired"), "{staff}");

    // Resent from the staff page: a new link works, the old one no longer does.
    let omar: i64 = app.scalar("SELECT id FROM users WHERE email = 'omar@bakery.example'").await;
    let (status, page) =
        post(&admin, &app, &format!("/admin/users/{omar}/invitation"), &[("csrf", &admin_csrf), ("action", "resend")])
            .await;
    assert_eq!(status, 200);
    assert!(page.contains("A new invitation is on its way"), "{page}");
    app.settle().await;
    let mails = sink.with_subject("invites you");
    let second = join_link(mails.iter().rfind(|m| m.text.contains("Omar Diaz")).unwrap());
    assert_ne!(first, second);
    assert_eq!(get(&browser(), &app, &second).await.0, 200);

    // Withdrawn through the API: the link stops working.
    let withdrawn =
        app.call(Method::DELETE, &format!("/api/v1/users/{omar}/invitation"), Some(&app.admin_token), None).await;
    withdrawn.expect(204);
    let (status, page) = get(&browser(), &app, &second).await;
    assert_eq!(status, 410);
    assert!(page.contains("This invitation no longer works"), "{page}");
    let (_, staff) = get(&admin, &app, "/admin/users").await;
    assert!(staff.contains("Invitation withdrawn"), "{staff}");
    assert_eq!(get(&browser(), &app, "/join/not-a-token").await.0, 404);
}

crate::on_both_databases!(an_invited_colleague_chooses_their_own_password_once);
