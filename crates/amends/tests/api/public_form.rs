//! The public complaint form: no login, attachments with caps, a honeypot, rate limits,
//! and what the customer typed kept on every validation error.

use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::TestApp;

fn form(name: &str, email: &str, body: &str) -> Form {
    Form::new()
        .text("name", name.to_owned())
        .text("email", email.to_owned())
        .text("body", body.to_owned())
        .text("website", "")
}

async fn send(app: &TestApp, form: Form) -> (u16, String) {
    let r = reqwest::Client::new().post(app.url("/complain")).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn cases(app: &TestApp) -> Vec<Value> {
    app.get("/api/v1/cases?limit=100", &app.admin_token).await.expect(200)["items"].as_array().unwrap().clone()
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

async fn a_complaint_through_the_public_form(db: crate::helpers::Db) {
    // Generous limits: this test is about validation, the next one about limits.
    let app = crate::helpers::spawn_app_with(db, |s| s.limits.complaint.requests = 100).await;
    let page = reqwest::get(app.url("/complain")).await.unwrap();
    assert_eq!(page.status(), 200);
    let words = "  My order #88 came without the cake topper.\n\nI'm really upset!  ";
    let photo = Part::bytes(PNG.to_vec()).file_name("box.png").mime_str("image/png").unwrap();
    let (code, done) = send(
        &app,
        form("Olga Berg", "olga@example.com", words).text("wish", "Send the topper").part("attachment", photo),
    )
    .await;
    assert_eq!(code, 201, "{done}");
    assert!(done.contains("AM-"), "the acknowledgement page gives the reference");
    let all = cases(&app).await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["body"], words, "the words are kept exactly");
    assert_eq!(all[0]["channel"], "web");
    assert_eq!(all[0]["wish"], "Send the topper");

    // Bad input: a clear message, and every field as typed.
    let (code, page) = send(&app, form("Olga Berg", "not-an-email", "Still no topper <b>now</b>")).await;
    assert_eq!(code, 422);
    assert!(page.contains("email address we can answer"));
    assert!(page.contains("Still no topper &lt;b&gt;now&lt;"), "typed words kept, escaped");
    assert!(!page.contains("<b>now"), "never as markup");
    assert!(page.contains("value=\"not-an-email\""));
    let (code, page) = send(&app, form("Olga", "olga@example.com", "   ")).await;
    assert_eq!(code, 422);
    assert!(page.contains("in your own words"));

    // Attachments: type and size are checked, by their bytes too.
    let fake = Part::bytes(b"MZ\x90\0 not a photo".to_vec()).file_name("photo.png").mime_str("image/png").unwrap();
    let (code, page) = send(&app, form("Olga", "olga@example.com", "See photo").part("attachment", fake)).await;
    assert_eq!((code, page.contains("not a photo, PDF or text")), (422, true), "{page}");
    // A page behind a PNG header: the whole file is checked, not its first bytes.
    let polyglot = [PNG, b"<html><script>fetch('/api/v1/me')</script></html>".as_slice()].concat();
    let polyglot = Part::bytes(polyglot).file_name("photo.png").mime_str("image/png").unwrap();
    let (code, page) = send(&app, form("Olga", "olga@example.com", "See photo").part("attachment", polyglot)).await;
    assert_eq!((code, page.contains("not a photo, PDF or text")), (422, true), "{page}");
    let exe = Part::bytes(b"#!/bin/sh".to_vec()).file_name("x.sh").mime_str("application/x-sh").unwrap();
    let (code, _) = send(&app, form("Olga", "olga@example.com", "See file").part("attachment", exe)).await;
    assert_eq!(code, 422);
    let mut big = PNG.to_vec();
    big.resize(5 * 1024 * 1024 + 1, 0);
    let big = Part::bytes(big).file_name("big.png").mime_str("image/png").unwrap();
    let (code, page) = send(&app, form("Olga", "olga@example.com", "Big photo").part("attachment", big)).await;
    assert_eq!((code, page.contains("larger than 5 MB")), (422, true));
    assert_eq!(cases(&app).await.len(), 1, "nothing refused was stored");

    // A bot fills the hidden field: refused (and logged), no case.
    let bot = Form::new()
        .text("name", "Bot")
        .text("email", "bot@spam.example")
        .text("body", "Buy now")
        .text("website", "http://spam.example");
    let (code, _) = send(&app, bot).await;
    assert_eq!(code, 200);
    assert_eq!(cases(&app).await.len(), 1);
}

async fn the_public_form_is_rate_limited(app: TestApp) {
    let mut statuses = Vec::new();
    for i in 0..7 {
        let r = reqwest::Client::new()
            .post(app.url("/complain"))
            .multipart(form("Pat", &format!("pat{i}@example.com"), "Again"))
            .send()
            .await
            .unwrap();
        statuses.push((r.status().as_u16(), r.headers().get("retry-after").is_some()));
    }
    assert_eq!(statuses[..5].iter().filter(|(s, _)| *s == 201).count(), 5, "{statuses:?}");
    assert_eq!(statuses[5], (429, true), "{statuses:?}");
}

crate::on_both_databases!(the_public_form_is_rate_limited, a_complaint_through_the_public_form);
