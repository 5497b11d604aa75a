//! Abuse: sign-in throttled per address and per account and address with growing
//! delays (429 with Retry-After; the owner elsewhere is not locked out), a
//! client that trickles its body cut off (408), and no password or token in the logs
//! of a server running at debug level through sign-ins, token use and customer links.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{Db, fresh_database, wait_until};
use crate::mail::{SmtpSink, link_in};

struct Binary {
    child: Child,
    base: String,
    log: std::path::PathBuf,
    _dir: crate::helpers::tempdir::TempDir,
    _db_dir: Option<crate::helpers::tempdir::TempDir>,
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PASSWORD: &str = "Sourdough-Starter-4471";

/// Starts `amends serve` at debug level, its standard error in a file, with an admin
/// made through the command line, sending mail to `sink`; returns it and a token
/// printed by `token create`.
async fn serve_at_debug(db: Db, sink: &SmtpSink) -> (Binary, String) {
    let (url, sqlite_dir) = fresh_database(db).await;
    let dir = crate::helpers::tempdir::TempDir::new(&format!("amends-abuse-{:x}", rand::random::<u64>()));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let command = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_amends"));
        c.args(args)
            .env("AMENDS_DATABASE_URL", &url)
            .env("AMENDS_DATA_DIR", &dir.path)
            .env("AMENDS_LOG", "debug")
            .env("AMENDS_REQUEST_TIMEOUT", "2")
            .env("AMENDS_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("AMENDS_SMTP_HOST", "127.0.0.1")
            .env("AMENDS_SMTP_PORT", sink.port.to_string())
            .env("AMENDS_SMTP_SECURITY", "none");
        c
    };
    let mut create =
        command(&["user", "create", "--email", "owner@bakery.example", "--name", "Owner", "--role", "admin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
    create.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    assert!(create.wait().unwrap().success());
    let out = command(&["token", "create", "--user", "owner@bakery.example", "--name", "cli"]).output().unwrap();
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("amends_"), "token create printed {token:?}");
    let log = dir.path.join("stderr.log");
    let child = command(&["serve", "--address", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let ready = format!("{base}/readyz");
    wait_until("the server is ready", Duration::from_secs(30), || {
        let ready = ready.clone();
        async move { reqwest::get(ready).await.is_ok_and(|r| r.status() == 200) }
    })
    .await;
    (Binary { child, base, log, _dir: dir, _db_dir: sqlite_dir }, token)
}

async fn sign_in(http: &reqwest::Client, base: &str, email: &str, password: &str) -> reqwest::Response {
    http.post(format!("{base}/api/v1/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

async fn abuse_is_refused_and_secrets_stay_out_of_logs(db: Db) {
    let sink = SmtpSink::start();
    let (mut server, cli_token) = serve_at_debug(db, &sink).await;
    let base = server.base.as_str();
    let http =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut secrets = vec![PASSWORD.to_owned(), cli_token.clone()];

    // Sign in for real: a session, its CSRF token, and an API token made through it.
    let signed = sign_in(&http, base, "owner@bakery.example", PASSWORD).await;
    assert_eq!(signed.status(), 200);
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("amends_session=").and_then(|v| v.split(';').next()).map(str::to_owned))
        .unwrap();
    let body: Value = signed.json().await.unwrap();
    let csrf = body["csrf_token"].as_str().unwrap().to_owned();
    let made: Value = http
        .post(format!("{base}/api/v1/tokens"))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "name": "script" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let api_token = made["token"].as_str().unwrap().to_owned();
    secrets.extend([cookie, csrf, api_token.clone()]);
    let me = reqwest::Client::new().get(format!("{base}/api/v1/me")).bearer_auth(&api_token).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let wrong = "Wrong-Guess-Password-991";
    secrets.push(wrong.to_owned());
    // The web sign-in form, rightly and wrongly.
    let page = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = page.post(format!("{base}/login")).form(&[("email", "owner@bakery.example"), ("password", PASSWORD)]);
    assert_eq!(form.send().await.unwrap().status(), 303);
    let form = page.post(format!("{base}/login")).form(&[("email", "owner@bakery.example"), ("password", wrong)]);
    assert_eq!(form.send().await.unwrap().status(), 401);
    // A complaint, and its customer's personal link (from the acknowledgement that was sent).
    let case: Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/cases"))
        .bearer_auth(&api_token)
        .json(&json!({ "customer": { "name": "Ann", "email": "ann@example.com" }, "body": "Cold soup", "channel": "email" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The link is live only in the mail that left (kept messages show it masked).
    let link = link_in(&sink.arrives("ann@example.com", case["reference"].as_str().unwrap()).await)[3..].to_owned();
    assert_eq!(reqwest::get(format!("{base}/c/{link}")).await.unwrap().status(), 200);
    secrets.push(link);

    // Throttling: wrong passwords for one account from one address make that address
    // wait, longer after each, even with the right password; the owner signing in from
    // another address is not locked out by them. One failure so far (on the sign-in
    // page); four more make the five that cost nothing.
    for _ in 0..4 {
        assert_eq!(sign_in(&http, base, "owner@bakery.example", wrong).await.status(), 401);
    }
    let refused = sign_in(&http, base, "owner@bakery.example", PASSWORD).await;
    assert_eq!(refused.status(), 429);
    let wait: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert_eq!(wait, 1, "the first delay is short");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "too_many_requests");
    let elsewhere = reqwest::Client::builder().local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap()).build();
    let owner = sign_in(&elsewhere.unwrap(), base, "owner@bakery.example", PASSWORD).await;
    assert_eq!(owner.status(), 200, "the owner from another address signs in");
    // The child's throttle runs on the wall clock: wait out the delay it named.
    tokio::time::sleep(Duration::from_secs(wait)).await;
    assert_eq!(sign_in(&http, base, "owner@bakery.example", wrong).await.status(), 401);
    let refused = sign_in(&http, base, "owner@bakery.example", wrong).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(refused.headers()["retry-after"], "2", "each failure doubles the wait");
    // Six failures from here so far; fourteen more (other accounts) make twenty a minute.
    for n in 0..14 {
        let status = sign_in(&http, base, &format!("nobody{n}@bakery.example"), wrong).await.status();
        assert_eq!(status, 401, "failure {n} from this address");
    }
    let from_here = sign_in(&http, base, "someone@bakery.example", wrong).await;
    assert_eq!(from_here.status(), 429, "the address is throttled for every account");
    let page_refused = page
        .post(format!("{base}/login"))
        .form(&[("email", "x@bakery.example"), ("password", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(page_refused.status(), 429);
    assert!(page_refused.headers().contains_key("retry-after"));

    // A client that sends its headers and then trickles nothing is cut off.
    let address = base.trim_start_matches("http://").to_owned();
    let started = Instant::now();
    let answer = tokio::task::spawn_blocking(move || {
        let mut conn = std::net::TcpStream::connect(address).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            conn,
            "POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {cli_token}\r\n\
             Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"body\": \""
        )
        .unwrap();
        let mut answer = String::new();
        let _ = conn.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "a slow body is cut off: {answer:?}");
    assert!(started.elapsed() < Duration::from_secs(10));

    // Nothing secret in the logs: read once the server has stopped writing them.
    let _ = server.child.kill();
    let _ = server.child.wait();
    let log = std::fs::read_to_string(&server.log).unwrap();
    assert!(log.lines().count() > 5, "the server logged at debug level:\n{log}");
    for secret in &secrets {
        assert!(!log.contains(secret.as_str()), "a secret ({}…) is in the log", &secret[..6]);
    }
    eprintln!(
        "log check ({db:?}): {} log lines, {} secrets looked for, none found",
        log.lines().count(),
        secrets.len()
    );
}

crate::on_both_databases!(abuse_is_refused_and_secrets_stay_out_of_logs);
