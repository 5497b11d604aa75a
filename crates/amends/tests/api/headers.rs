//! What every answer says to the browser, and what a slow client gets. The access-matrix
//! test calls [`assert_security_headers`] on every answer it gets (every route, every
//! kind of caller, every status), so no page, link page or API answer lacks them.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{Db, TestApp};

/// A Content-Security-Policy that runs no inline or injected script and forbids framing,
/// no content sniffing, a referrer policy that keeps a link's URL on this site, and
/// framing refused the old way too.
pub fn assert_security_headers(headers: &reqwest::header::HeaderMap, what: &str) {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let csp = header("content-security-policy");
    let directive = |name: &str| {
        csp.split(';').map(str::trim).find_map(|d| d.strip_prefix(name).filter(|v| v.starts_with(' ')).map(str::trim))
    };
    let scripts = directive("script-src").or_else(|| directive("default-src"));
    let scripts = scripts.unwrap_or_else(|| panic!("{what}: no script-src or default-src in {csp:?}"));
    assert!(
        !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'") && !scripts.contains('*'),
        "{what}: scripts allowed too widely: {scripts:?}"
    );
    assert!(matches!(directive("frame-ancestors"), Some("'none'" | "'self'")), "{what}: frame-ancestors in {csp:?}");
    assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
    assert!(
        ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]
            .contains(&header("referrer-policy").as_str()),
        "{what}: referrer-policy {:?}",
        header("referrer-policy")
    );
    assert_eq!(header("x-frame-options"), "DENY", "{what}");
}

fn session_cookie(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("amends_session="))
        .expect("a session cookie")
        .to_owned()
}

fn attributes(cookie: &str) -> Vec<String> {
    cookie.split(';').skip(1).map(|a| a.trim().to_ascii_lowercase()).collect()
}

/// The session cookie, from the API and from the sign-in page: not readable by script,
/// not sent on cross-site requests, for the whole site, and `Secure` exactly when the
/// desk's public URL is https.
async fn session_cookie_flags(db: Db, public_url: &str) {
    let https = public_url.starts_with("https://");
    let url = public_url.to_owned();
    let app = crate::helpers::spawn_app_with(db, move |s| s.jobs.public_url = url).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let api = client
        .post(app.url("/api/v1/session"))
        .json(&json!({ "email": "admin@amends.local", "password": app.admin_password }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 200);
    let page = client
        .post(app.url("/login"))
        .form(&[("email", "admin@amends.local"), ("password", app.admin_password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    for (what, cookie) in
        [("API sign-in", session_cookie(api.headers())), ("page sign-in", session_cookie(page.headers()))]
    {
        let attrs = attributes(&cookie);
        assert!(attrs.contains(&"httponly".to_owned()), "{what}: {cookie}");
        assert!(attrs.iter().any(|a| a == "samesite=lax" || a == "samesite=strict"), "{what}: {cookie}");
        assert!(attrs.contains(&"path=/".to_owned()), "{what}: {cookie}");
        assert_eq!(attrs.contains(&"secure".to_owned()), https, "{what} behind {public_url}: {cookie}");
    }
}

async fn link_pages_answer_429_with_retry_after(db: Db) {
    let app = crate::helpers::spawn_app_with(db, |s| s.limits.link.requests = 3).await;
    let token = "ab".repeat(32);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = reqwest::get(app.url(&format!("/c/{token}"))).await.unwrap();
        assert_security_headers(r.headers(), "link page");
        statuses.push(r.status().as_u16());
        if r.status() == 429 {
            let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=60).contains(&wait), "Retry-After {wait}");
        }
    }
    assert_eq!(statuses, [404, 404, 404, 429], "an unknown link, three times, then the limit");
}

/// A client that sends its request headers a byte at a time is cut off once the header
/// timeout passes, long before it finishes; other clients are served meanwhile.
async fn slow_headers_are_cut_off(db: Db) {
    let app = crate::helpers::spawn_app_with(db, |s| s.limits.header_timeout = Duration::from_secs(1)).await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let trickle = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(address).unwrap();
        conn.set_read_timeout(Some(Duration::from_millis(50))).unwrap();
        let started = Instant::now();
        let request = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nUser-Agent: a very slow client indeed\r\n\r\n";
        let mut buf = [0u8; 1024];
        for byte in request {
            // 80 bytes at 100 ms: 8 s for the whole header, were it let through.
            if conn.write_all(&[*byte]).is_err() {
                return (started.elapsed(), String::from("(write refused)"));
            }
            std::thread::sleep(Duration::from_millis(100));
            match conn.read(&mut buf) {
                Ok(0) => return (started.elapsed(), String::from("(closed)")),
                Ok(n) => return (started.elapsed(), String::from_utf8_lossy(&buf[..n]).into_owned()),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                    return (started.elapsed(), String::from("(reset)"));
                }
                Err(_) => {}
            }
        }
        (started.elapsed(), String::from("(served)"))
    });
    // Meanwhile an ordinary client is served.
    let ok = reqwest::get(app.url("/healthz")).await.unwrap();
    assert_eq!(ok.status(), 200);
    let (after, how) = trickle.await.unwrap();
    assert!(after < Duration::from_secs(4), "cut off after {after:?}: {how}");
    assert!(!how.contains("200 OK") && how != "(served)", "the slow client was served: {how}");
}

async fn no_answer_lacks_the_security_headers(app: TestApp) {
    // The access matrix checks every route; these are the answers it does not make:
    // static assets, health, errors outside any route.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    for path in ["/healthz", "/readyz", "/assets/app.css", "/no-such-page", "/api/v1/no-such", "/complain", "/login"] {
        let r = client.get(app.url(path)).send().await.unwrap();
        assert_security_headers(r.headers(), path);
    }
    let r = client.post(app.url("/api/v1/cases")).bearer_auth(&app.admin_token).body("{").send().await.unwrap();
    assert_eq!(r.status(), 415);
    assert_security_headers(r.headers(), "415");
}

/// The session cookie over plain HTTP (a desk on the premises) and over HTTPS.
async fn session_cookies_are_flagged_for_the_public_url(db: Db) {
    session_cookie_flags(db, "http://127.0.0.1:8080").await;
    session_cookie_flags(db, "https://desk.example.com").await;
}

crate::on_both_databases!(
    no_answer_lacks_the_security_headers,
    session_cookies_are_flagged_for_the_public_url,
    link_pages_answer_429_with_retry_after,
    slow_headers_are_cut_off,
);
