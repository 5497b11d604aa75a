//! Forged requests: a sign-in or a public form sent from another site is refused (login
//! CSRF), and the sign-in's `next` never leads off the site (an open redirect).

use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

async fn a_sign_in_from_another_site_is_refused(app: TestApp) {
    let http = browser();
    let sign_in = |headers: &[(&str, &str)]| {
        let mut form = http.post(app.url("/login")).form(&[
            ("email", "admin@amends.local"),
            ("password", app.admin_password.as_str()),
            ("next", "/inbox"),
        ]);
        for (name, value) in headers {
            form = form.header(*name, *value);
        }
        form.send()
    };
    for forged in [
        vec![("sec-fetch-site", "cross-site"), ("origin", "https://evil.example")],
        vec![("sec-fetch-site", "same-site")],
        vec![("origin", "https://evil.example")],
        vec![("origin", "null")],
    ] {
        let refused = sign_in(&forged).await.unwrap();
        assert_eq!(refused.status(), 403, "{forged:?}");
        assert!(!refused.headers().contains_key("set-cookie"), "no session for {forged:?}");
        assert!(refused.text().await.unwrap().contains("came from another site"));
    }
    // The same site, or no word from a browser at all (curl), signs in.
    let here = app.address.clone();
    for fine in
        [vec![("sec-fetch-site", "same-origin"), ("origin", here.as_str())], vec![("origin", here.as_str())], vec![]]
    {
        let signed = sign_in(&fine).await.unwrap();
        assert_eq!(signed.status(), 303, "{fine:?}");
        assert!(signed.headers().contains_key("set-cookie"));
    }

    // The API's sign-in answers in the error shape.
    let api = http
        .post(app.url("/api/v1/session"))
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "email": "admin@amends.local", "password": app.admin_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 403);
    assert!(!api.headers().contains_key("set-cookie"));
    let body: Value = api.json().await.unwrap();
    assert_eq!(body["error"], "forbidden");
    // An API token is no browser's forgery.
    let with_token = http
        .get(app.url("/api/v1/me"))
        .bearer_auth(&app.admin_token)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(with_token.status(), 200);

    // The public complaint form, posted from another site.
    let form = reqwest::multipart::Form::new()
        .text("name", "Ann")
        .text("email", "ann@example.com")
        .text("body", "The bread was stale.")
        .text("website", "");
    let posted =
        http.post(app.url("/complain")).header("origin", "https://evil.example").multipart(form).send().await.unwrap();
    assert_eq!(posted.status(), 403);
    let cases = app.get("/api/v1/cases", &app.admin_token).await.expect(200);
    assert!(cases["items"].as_array().unwrap().is_empty(), "no case from a forged form");
}

async fn signing_in_never_leads_off_the_site(app: TestApp) {
    let http = browser();
    for next in ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example"] {
        let signed = http
            .post(app.url("/login"))
            .form(&[("email", "admin@amends.local"), ("password", app.admin_password.as_str()), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(signed.status(), 303, "{next:?}");
        assert_eq!(signed.headers()["location"], "/inbox", "{next:?}");
    }
    // Signed in already, the form's page redirects at once: the same rule.
    let http = reqwest::Client::builder().redirect(Policy::none()).cookie_store(true).build().unwrap();
    let signed = http
        .post(app.url("/login"))
        .form(&[("email", "admin@amends.local"), ("password", app.admin_password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    for next in ["/%09/evil.example", "/%0a/evil.example", "/%5Cevil.example"] {
        let page = http.get(app.url(&format!("/login?next={next}"))).send().await.unwrap();
        assert_eq!(page.status(), 303, "{next}");
        assert_eq!(page.headers()["location"], "/inbox", "{next}");
    }
    let fine = http.get(app.url("/login?next=/cases")).send().await.unwrap();
    assert_eq!(fine.headers()["location"], "/cases");
}

crate::on_both_databases!(a_sign_in_from_another_site_is_refused, signing_in_never_leads_off_the_site);
