//! The crash test: the real `amends serve` binary takes complaints from several clients
//! at once and is killed with SIGKILL at random moments, then started again. Every
//! complaint that was answered 201 must be there afterwards with its words byte for
//! byte, and every acknowledgement must reach the (real, loopback) SMTP server; none
//! may be lost. A duplicate can only come from the window between the SMTP server
//! accepting a message and the outbox recording it as sent; the test counts those and
//! prints the figure (it does not hide them), and checks that a duplicate carries the
//! same Message-ID, so a mail client shows it once.
//!
//! `AMENDS_CRASH_KILLS` sets the number of kills (10 by default; `scripts/crash-test`
//! runs more).

use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::json;

use crate::helpers::{Db, fresh_database, wait_until};
use crate::mail::SmtpSink;

struct Server {
    child: Option<Child>,
    port: u16,
    database_url: String,
    data_dir: std::path::PathBuf,
    smtp_port: u16,
}

impl Server {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_amends"));
        cmd.args(args)
            .env("AMENDS_DATABASE_URL", &self.database_url)
            .env("AMENDS_DATA_DIR", &self.data_dir)
            .env("AMENDS_PUBLIC_URL", format!("http://127.0.0.1:{}", self.port))
            .env("AMENDS_MAIL_FROM", "Desk <desk@bakery.example>")
            .env("AMENDS_SMTP_HOST", "127.0.0.1")
            .env("AMENDS_SMTP_PORT", self.smtp_port.to_string())
            .env("AMENDS_SMTP_SECURITY", "none")
            .env("AMENDS_LOG", "warn");
        cmd
    }

    async fn start(&mut self) {
        let child = self
            .command(&["serve", "--address", &format!("127.0.0.1:{}", self.port)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("amends serve starts");
        self.child = Some(child);
        let client = reqwest::Client::new();
        let url = format!("http://127.0.0.1:{}/readyz", self.port);
        wait_until("amends serve is ready", Duration::from_secs(60), || {
            let request = client.get(&url);
            async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
        })
        .await;
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill(); // SIGKILL: no shutdown, no flush, nothing finished.
            let _ = child.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Words a customer might send: any Unicode, leading and trailing spaces, CRLF, tabs.
fn words(rng: &mut impl Rng, n: usize) -> String {
    let pieces = ["  ", "\r\n", "\t", "é", "😡", "ß", "«»", "\u{200b}", "bread", "late", "cold", "€12,50", "'\"<>&"];
    let mut s = format!("complaint {n}: ");
    for _ in 0..rng.gen_range(1..40) {
        s.push_str(pieces[rng.gen_range(0..pieces.len())]);
        s.push(' ');
    }
    s
}

async fn survives_kills(db: Db) {
    let kills: usize = std::env::var("AMENDS_CRASH_KILLS").ok().and_then(|k| k.parse().ok()).unwrap_or(10);
    let sink = SmtpSink::start();
    let (database_url, dir) = fresh_database(db).await;
    let data_dir = dir.as_ref().map(|d| d.path.clone()).unwrap_or_else(std::env::temp_dir);
    let mut server = Server { child: None, port: free_port(), database_url, data_dir, smtp_port: sink.port };

    // An admin and a token through the command line, as an operator would.
    let mut create = server
        .command(&["user", "create", "--email", "crash@bakery.example", "--name", "Crash", "--role", "admin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut create.stdin.take().unwrap(), b"a long enough password\n").unwrap();
    assert!(create.wait().unwrap().success());
    let out =
        server.command(&["token", "create", "--user", "crash@bakery.example", "--name", "load"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    server.start().await;

    // Load: several clients, each sending complaints as fast as answers come.
    let acknowledged: Arc<Mutex<Vec<(i64, String, String)>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let attempts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut clients = Vec::new();
    for client_no in 0..4 {
        let (acknowledged, stop, attempts, token) =
            (acknowledged.clone(), stop.clone(), attempts.clone(), token.clone());
        let url = format!("http://127.0.0.1:{}/api/v1/cases", server.port);
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            let mut n = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                n += 1;
                attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let text = words(&mut rand::thread_rng(), n);
                let email = format!("c{client_no}-{n}@example.com");
                let body = json!({ "customer": { "name": "Crash Customer", "email": email }, "body": text, "channel": "email" });
                match http.post(&url).bearer_auth(&token).json(&body).send().await {
                    Ok(r) if r.status() == 201 => {
                        if let Ok(case) = r.json::<serde_json::Value>().await
                            && let (Some(id), Some(reference)) = (case["id"].as_i64(), case["reference"].as_str())
                        {
                            acknowledged.lock().unwrap().push((id, reference.to_owned(), text));
                        }
                    }
                    Ok(r) => assert!(r.status().as_u16() < 500 || r.status() == 503, "answered {}", r.status()),
                    // Killed mid-request, or not listening yet: the client retries later, as a person would.
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        }));
    }

    let started = Instant::now();
    // Each kill comes after a random number of complaints were acknowledged, so it
    // lands mid-load wherever the machine's speed puts it.
    let taken = || acknowledged.lock().unwrap().len();
    let some_more = || async {
        let target = taken() + rand::thread_rng().gen_range(1..12);
        wait_until("complaints taken under load", Duration::from_secs(60), || std::future::ready(taken() >= target))
            .await;
    };
    for _ in 0..kills {
        some_more().await;
        server.kill();
        server.start().await;
    }
    some_more().await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for c in clients {
        c.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= kills, "load ran: {} complaints acknowledged", acknowledged.len());

    // Every acknowledged complaint is there, word for word.
    let http = reqwest::Client::new();
    for (id, reference, text) in &acknowledged {
        let case: serde_json::Value = http
            .get(format!("http://127.0.0.1:{}/api/v1/cases/{id}", server.port))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(case["body"].as_str(), Some(text.as_str()), "case {id} ({reference}) kept byte for byte");
    }

    // A killed server's claimed jobs stay leased for five minutes (the lease is how a
    // dead worker's jobs come back, for any number of instances); rather than wait, the
    // test ends the stale leases now, which is what the clock would do.
    let current = format!("worker-{}", server.child.as_ref().map(Child::id).unwrap_or_default());
    let stale_leases = {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&server.database_url).await.unwrap();
        sqlx::query(
            "UPDATE jobs SET locked_until = 0 WHERE done_at IS NULL AND failed_at IS NULL \
             AND locked_until IS NOT NULL AND locked_by <> $1",
        )
        .bind(&current)
        .execute(&mut conn)
        .await
        .unwrap()
        .rows_affected()
    };

    // Every acknowledgement arrives; count duplicates by Message-ID and by case.
    let expected: HashMap<&str, i64> =
        acknowledged.iter().map(|(id, reference, _)| (reference.as_str(), *id)).collect();
    let acknowledgements = || {
        let mut by_id: BTreeMap<String, usize> = BTreeMap::new();
        let mut by_case: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for mail in sink.received() {
            if !mail.subject.as_deref().is_some_and(|s| s.contains("We have your message")) {
                continue;
            }
            let id = mail.message_id.clone().unwrap_or_default();
            *by_id.entry(id.clone()).or_default() += 1;
            if let Some(reference) = &mail.case_reference {
                by_case.entry(reference.clone()).or_default().push(id.clone());
            }
        }
        (by_id, by_case)
    };
    // A long run leaves a backlog that the child's runner drains one message at a time;
    // after two minutes the test says where a missing one is stuck.
    let _ = tokio::time::timeout(
        Duration::from_secs(120),
        wait_until("every acknowledgement", Duration::from_secs(180), || {
            let (_, by_case) = acknowledgements();
            std::future::ready(expected.keys().all(|e| by_case.contains_key(*e)))
        }),
    )
    .await;
    let (by_id, by_case) = acknowledgements();
    let missing: Vec<&&str> = expected.keys().filter(|e| !by_case.contains_key(**e)).collect();
    if let Some(first) = missing.first() {
        // Say where the message is stuck: its outbox row and its jobs.
        use sqlx::{Connection, Row};
        let mut conn = sqlx::AnyConnection::connect(&server.database_url).await.unwrap();
        let id = expected[**first];
        let mut state = Vec::new();
        for row in sqlx::query("SELECT status, attempts, COALESCE(last_error, '') FROM outbox WHERE case_id = $1")
            .bind(id)
            .fetch_all(&mut conn)
            .await
            .unwrap()
        {
            let (s, a, e): (String, i64, String) = (row.get(0), row.get(1), row.get(2));
            state.push(format!("outbox {s} after {a} attempts {e}"));
        }
        for row in sqlx::query(
            "SELECT kind, attempts, COALESCE(last_error, ''), run_at, COALESCE(done_at, 0), COALESCE(failed_at, 0) FROM jobs",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap()
        {
            let (k, a, e, r, d, f): (String, i64, String, i64, i64, i64) =
                (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get(5));
            if d == 0 {
                state.push(format!("job {k} attempts {a} run_at {r} failed {f} {e}"));
            }
        }
        panic!("{} acknowledgements never arrived, e.g. {first} (case {id}): {state:#?}", missing.len());
    }
    let resent_same_id: usize = by_id.values().filter(|n| **n > 1).map(|n| n - 1).sum();
    let distinct_ids_per_case =
        by_case.values().filter(|ids| ids.iter().collect::<std::collections::BTreeSet<_>>().len() > 1).count();
    eprintln!(
        "crash test ({db:?}): {kills} kills in {:.1} s, {} attempts, {} complaints acknowledged and all kept; \
         {stale_leases} jobs left leased by killed servers, {} acknowledgements received, {resent_same_id} sent twice with the same Message-ID (SMTP accepted, \
         killed before the outbox recorded it)",
        started.elapsed().as_secs_f64(),
        attempts.load(std::sync::atomic::Ordering::Relaxed),
        acknowledged.len(),
        by_id.len(),
    );
    assert_eq!(distinct_ids_per_case, 0, "a case was acknowledged twice as two different messages");
}

crate::on_both_databases!(threads = 4; survives_kills);
