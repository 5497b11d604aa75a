//! One bad name must not stop the mail: every door refuses (or, for mail, folds) a line
//! break in header-bound text, a message that cannot be built fails alone with its
//! reason on the case, and the runner goes on sending the others. Without an SMTP
//! server mail waits untouched; at shutdown the runner stops claiming and gives back
//! what it had not run.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{Db, TestApp, ingest, spawn_app_with, wait_until};
use crate::mail::SmtpSink;

const INJECTED: [&str; 3] = ["Dana\r\nBcc: x@example.test", "Dana\nBcc: x@example.test", "Dana\rBcc: x@example.test"];

async fn execute(app: &TestApp, sql: &str, binds: &[&str]) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&app.database_url).await.unwrap();
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(b.to_string());
    }
    query.execute(&mut conn).await.unwrap();
}

async fn metric(app: &TestApp, name: &str) -> i64 {
    let text = reqwest::get(app.url("/metrics")).await.unwrap().text().await.unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{name} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} in /metrics:\n{text}"))
}

async fn case_count(app: &TestApp) -> usize {
    app.get("/api/v1/cases?limit=100", &app.admin_token).await.expect(200)["items"].as_array().unwrap().len()
}

async fn every_door_refuses_a_line_break_in_a_name(db: Db) {
    let app = spawn_app_with(db, |s| s.limits.complaint.requests = 100).await;
    for name in INJECTED {
        // The public form, without signing in.
        let form = reqwest::multipart::Form::new()
            .text("name", name)
            .text("email", "dana@example.test")
            .text("body", "The cake was late.")
            .text("website", "");
        let r = reqwest::Client::new().post(app.url("/complain")).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422, "{name:?}");
        let page = r.text().await.unwrap();
        assert!(page.contains("your name on one line"), "the form says what is wrong: {page}");

        // The API, for a new customer, with the field named.
        let refused = app
            .post(
                "/api/v1/cases",
                &app.admin_token,
                json!({ "customer": { "name": name, "email": "dana@example.test" }, "body": "Late.", "channel": "phone" }),
            )
            .await
            .expect_error(422, "invalid");
        assert_eq!(refused["field"], "customer.name", "{refused}");
        assert!(refused["message"].as_str().unwrap().contains("one line"), "{refused}");

        let refused = app
            .post(
                "/api/v1/cases",
                &app.admin_token,
                json!({ "customer": { "name": "Dana", "email": "dana@example.test" }, "body": "Late.",
                        "channel": "phone", "subject": format!("Order {name}") }),
            )
            .await
            .expect_error(422, "invalid");
        assert_eq!(refused["field"], "subject", "{refused}");

        let refused = app
            .post("/api/v1/customers", &app.admin_token, json!({ "name": name, "email": "dana@example.test" }))
            .await
            .expect_error(422, "invalid");
        assert_eq!(refused["field"], "name", "{refused}");

        // A staff member's name heads the alerts mailed to them.
        let refused = app
            .post(
                "/api/v1/users",
                &app.admin_token,
                json!({ "email": "jonas@bakery.example", "name": name, "role": "agent", "password": "correct horse battery" }),
            )
            .await
            .expect_error(422, "invalid");
        assert_eq!(refused["field"], "name", "{refused}");
    }
    assert_eq!(case_count(&app).await, 0, "nothing was opened from a refused request");

    // An import reports the row, with the others kept.
    let csv = "name,email\n\"Dana\r\nBcc: x@example.test\",dana@example.test\nEve Stone,eve@example.test\n";
    let report = reqwest::Client::new()
        .post(app.url("/api/v1/imports/customers"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap();
    assert_eq!((report["inserted"].as_i64(), report["rejected"].as_i64()), (Some(1), Some(1)), "{report}");
    assert!(report["errors"][0]["message"].as_str().unwrap_or("").contains("one line"), "{report}");

    // Mail cannot be asked again: an encoded line break in the From name folds into a space.
    let raw = "From: =?utf-8?q?Dana=0D=0ABcc=3A_x=40example=2Etest?= <dana@example.test>\r\n\
               To: desk@bakery.example\r\nSubject: =?utf-8?q?Late_cake=0D=0ABcc=3A_y=40example=2Etest?=\r\n\
               Message-ID: <poison-1@example.test>\r\nDate: Sun, 6 Dec 2026 09:00:00 +0000\r\n\r\n\
               The cake came two hours late.\r\n";
    ingest(&app, raw);
    let cases = app.get("/api/v1/cases?limit=100", &app.admin_token).await.expect(200);
    let case = &cases["items"][0];
    let id = case["id"].as_i64().unwrap();
    let case = app.get(&format!("/api/v1/cases/{id}"), &app.admin_token).await.expect(200);
    let customer_id = case["customer_id"].as_i64().unwrap();
    let customer = app.get(&format!("/api/v1/customers/{customer_id}"), &app.admin_token).await.expect(200);
    assert_eq!(customer["name"], "Dana Bcc: x@example.test", "{customer}");
    assert!(!case["subject"].as_str().unwrap_or("").contains('\n'), "{case}");
}

/// Three acknowledgements wait (no SMTP server yet); one is then made impossible to
/// build and one gets a name and subject with line breaks, as rows written before the
/// doors refused them would be. With a server configured the healthy ones arrive, the
/// impossible one fails alone with its reason on the case and in /metrics, and the
/// runner goes on to the next case's mail.
async fn a_message_that_cannot_be_built_fails_alone(db: Db) {
    // The app's own runner, in the background: that it survives is what is tested.
    let mut app = spawn_app_with(db, |s| s.jobs.in_background = true).await;
    let mut ids = vec![];
    for who in ["ann", "ben", "cat"] {
        let case = app.complaint(&app.admin_token, &format!("{who}@example.test"), "The order came late.").await;
        ids.push(case["id"].as_i64().unwrap());
    }
    app.wait_for_count("acknowledgements wait in the outbox", "SELECT COUNT(*) FROM outbox", 3).await;
    // Whatever else is due runs to its end; sending is not claimed without a server.
    app.settle().await;
    // Untouched while no server is configured: not tried, not logged over and over.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'send_email' AND attempts > 0").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'queued'").await, 3);
    assert_eq!(metric(&app, "amends_smtp_configured").await, 0);
    assert_eq!(metric(&app, "amends_outbox_backlog").await, 3);

    execute(&app, "UPDATE outbox SET to_email = 'ben at nowhere' WHERE to_email = 'ben@example.test'", &[]).await;
    execute(
        &app,
        "UPDATE outbox SET to_name = $1, subject = $2 WHERE to_email = 'cat@example.test'",
        &[INJECTED[0], "We heard you\r\nBcc: y@example.test"],
    )
    .await;

    let sink = SmtpSink::start();
    let smtp = sink.settings();
    app.restart(move |s| {
        s.jobs.smtp = Some(smtp);
        s.jobs.in_background = true;
    })
    .await;
    sink.arrives("ann@example.test", "").await;
    let cat = sink.arrives("cat@example.test", "We heard you").await;
    assert_eq!(cat.subject.as_deref(), Some("We heard you Bcc: y@example.test"), "the subject stays one line");
    for (_, envelope) in sink.received_with_envelope() {
        assert!(!envelope.contains("x@example.test") && !envelope.contains("y@example.test"), "{envelope}");
    }
    for file in std::fs::read_dir(&sink.dir.path).unwrap().filter_map(Result::ok) {
        let raw = String::from_utf8_lossy(&std::fs::read(file.path()).unwrap()).into_owned();
        let headers = raw.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
        assert!(!headers.lines().any(|l| l.starts_with("bcc:")), "no Bcc header was smuggled in:\n{headers}");
    }

    app.wait_for_count("the impossible message is given up", "SELECT COUNT(*) FROM outbox WHERE status = 'failed'", 1)
        .await;
    let ben_id = ids[1];
    let case = app.get(&format!("/api/v1/cases/{ben_id}"), &app.admin_token).await.expect(200);
    let note = case["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "note_added")
        .unwrap_or_else(|| panic!("a note on ben's case: {case}"));
    assert!(note["text"].as_str().unwrap().contains("could not be built"), "{note}");
    assert_eq!(metric(&app, "amends_outbox_failed").await, 1);
    assert_eq!(metric(&app, "amends_job_runner_up").await, 1);
    assert_eq!(metric(&app, "amends_smtp_configured").await, 1);
    assert_eq!(reqwest::get(app.url("/readyz")).await.unwrap().status(), 200);

    // The runner went on: the next customer hears from us.
    app.complaint(&app.admin_token, "dan@example.test", "The bread was stale.").await;
    sink.arrives("dan@example.test", "").await;
}

/// A job row the runner cannot read (a kind no version knows, a payload that is not
/// JSON, one that lacks its kind's fields) fails alone, saying why, and the runner goes
/// on with the rest of the queue.
async fn an_unreadable_job_fails_alone(db: Db) {
    // The app's own runner, in the background: that it stays up is part of the test.
    let app = spawn_app_with(db, |s| s.jobs.in_background = true).await;
    execute(
        &app,
        "INSERT INTO jobs (kind, payload, run_at, created_at) VALUES \
         ('teleport', '{\"case_id\": 1}', 0, 0), ('acknowledge', 'not json', 0, 0), ('acknowledge', '{\"case\": 1}', 0, 0)",
        &[],
    )
    .await;
    app.complaint(&app.admin_token, "ann@example.test", "The order came late.").await;
    app.wait_for_count("the acknowledgement", "SELECT COUNT(*) FROM outbox", 1).await;
    app.wait_for_count("the unreadable jobs to fail", "SELECT COUNT(*) FROM jobs WHERE failed_at IS NOT NULL", 3).await;
    for (kind, why) in [("teleport", "unknown variant"), ("acknowledge", "not JSON"), ("acknowledge", "case_id")] {
        let sql = format!(
            "SELECT COUNT(*) FROM jobs WHERE kind = '{kind}' AND failed_at IS NOT NULL AND last_error LIKE '%{why}%'"
        );
        assert_eq!(app.scalar(&sql).await, 1, "the {kind} job failed saying {why:?}");
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM jobs WHERE failed_at IS NOT NULL").await, 3, "only those three");
    assert_eq!(metric(&app, "amends_job_runner_up").await, 1);
}

/// A burst of work is waiting when the stop comes: the runner finishes the job in hand,
/// claims nothing more, and gives back what it held, so the process ends at once.
async fn shutdown_stops_claiming_and_releases(db: Db) {
    let mut app = spawn_app_with(db, |_| {}).await;
    let case = app.complaint(&app.admin_token, "ann@example.test", "The order came late.").await;
    let id = case["id"].as_i64().unwrap();
    app.settle().await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox").await, 1, "the acknowledgement");
    // Two thousand recurrence checks, due now: far more than one stop should wait for.
    let payload = format!("{{\"case_id\": {id}}}");
    execute(
        &app,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) \
         INSERT INTO jobs (kind, payload, run_at, created_at) SELECT 'recurrence_check', $1, 0, 0 FROM n",
        &[&payload],
    )
    .await;
    let before = Instant::now();
    app.restart(|s| s.jobs.in_background = true).await;
    let stopping = Instant::now();
    app.stop().await;
    let took = stopping.elapsed();
    eprintln!("stopped {took:?} after the stop was asked ({:?} after the start)", before.elapsed());
    assert!(took < Duration::from_secs(5), "stopped in {took:?}");
    let left = app.scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'recurrence_check' AND done_at IS NULL").await;
    assert!(left > 0, "the stop did not wait for the whole queue to drain");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND locked_by IS NOT NULL")
            .await,
        0,
        "no job is left leased to the stopped runner"
    );
}

/// A private dovecot (the mail crate's script), stopped when dropped.
struct Dovecot {
    dir: std::path::PathBuf,
    port: u16,
}

impl Dovecot {
    fn script() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/dovecot.sh")
    }

    fn start() -> Self {
        use std::process::Command;
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            assert!(Command::new("bash").arg(Self::script()).arg("install").status().unwrap().success());
        });
        let dir = std::env::temp_dir().join(format!("amends-poison-imap-{:x}", rand::random::<u64>()));
        let out = Command::new("bash")
            .arg(Self::script())
            .arg("start")
            .arg(&dir)
            .env("AMENDS_IMAP_PASSWORD", "desk password")
            .output()
            .unwrap();
        assert!(out.status.success(), "dovecot: {}", String::from_utf8_lossy(&out.stderr));
        let port = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        Self { dir, port }
    }

    fn deliver(&self, name: &str, raw: &[u8]) {
        let maildir = self.dir.join("mail/desk");
        std::fs::write(maildir.join("tmp").join(name), raw).unwrap();
        std::fs::rename(maildir.join("tmp").join(name), maildir.join("new").join(name)).unwrap();
    }

    /// How many messages a folder holds, and how many of them are seen.
    fn count(&self, folder: &str) -> (usize, usize) {
        let base =
            self.dir.join("mail/desk").join(if folder.is_empty() { String::new() } else { format!(".{folder}") });
        let names: Vec<String> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(base.join(sub)).ok())
            .flatten()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let seen = names.iter().filter(|n| n.split_once(":2,").is_some_and(|(_, f)| f.contains('S'))).count();
        (names.len(), seen)
    }

    fn settings(&self) -> amends_mail::ImapSettings {
        let mut settings = amends_mail::ImapSettings::new("127.0.0.1", "desk", "desk password");
        settings.port = self.port;
        settings.security = amends_mail::ImapSecurity::None;
        settings.refused_folder = Some("Refused".to_owned());
        settings
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = std::process::Command::new("bash").arg(Self::script()).arg("stop").arg(&self.dir).status();
    }
}

/// Mail over the size limit fetched by IMAP opens no case, but it is never lost: it is
/// moved to a folder of its own, and staff see it with the reason (API and page).
async fn mail_too_large_by_imap_is_shown_to_staff(db: Db) {
    let dovecot = Dovecot::start();
    let mail = |n: u32, subject: &str, body: &str| {
        format!(
            "From: Customer {n} <customer{n}@example.test>\r\nTo: desk@bakery.example\r\nSubject: {subject}\r\n\
             Message-ID: <big-{n}@example.test>\r\nDate: Sun, 6 Dec 2026 09:00:00 +0000\r\n\
             Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
        )
        .into_bytes()
    };
    dovecot.deliver("1765000000.M1P1.test", &mail(1, "Cold soup", "The soup was cold."));
    dovecot.deliver("1765000001.M2P1.test", &mail(2, "My whole story", &"The cake was late. ".repeat(60_000)));
    let imap = dovecot.settings();
    let app = spawn_app_with(db, move |s| s.imap = Some((imap, Duration::from_millis(200)))).await;

    // The poller talks to a real IMAP server: wait for it to have taken both.
    let app = &app;
    let refused_items =
        || async move { app.get("/api/v1/mail/refused", &app.admin_token).await.expect(200)["items"].clone() };
    wait_until("the poller took both messages", Duration::from_secs(10), || async {
        refused_items().await.as_array().is_some_and(|r| !r.is_empty())
            && case_count(app).await == 1
            && dovecot.count("Refused") == (1, 1)
    })
    .await;
    let refused = refused_items().await;
    assert_eq!(case_count(app).await, 1, "the small one opened a case");
    assert_eq!(refused.as_array().map(Vec::len), Some(1), "{refused}");
    assert_eq!(refused[0]["from_email"], "customer2@example.test");
    assert_eq!(refused[0]["subject"], "My whole story");
    assert!(refused[0]["reason"].as_str().unwrap().contains("larger than"), "{refused}");

    let (staff, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = staff.get(app.url("/spam")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Mail that could not be taken") && page.contains("My whole story"), "{page}");

    assert_eq!(dovecot.count(""), (1, 1), "the taken one stays in the inbox, seen");
    assert_eq!(dovecot.count("Refused"), (1, 1), "the refused one is in a folder of its own");
}

/// A batch's messages are stored together as it ends, each in a savepoint of its own: a
/// message that cannot be stored is undone alone and handed back for its job to run
/// again, the others are queued with their jobs completed, and a job the runner no longer
/// holds queues nothing.
async fn a_message_that_cannot_be_stored_is_handed_back_alone(app: TestApp) {
    use amends_store::{JobsToClaim, NewEmail, Store, StoreSettings};
    let token = app.admin_token.clone();
    let mut cases = Vec::new();
    for n in 0..3 {
        let case = app.complaint(&token, &format!("batch{n}@example.test"), "The parcel came open and wet.").await;
        cases.push(case["id"].as_i64().unwrap());
    }
    let store = Store::connect(&app.database_url, StoreSettings::default()).await.unwrap();
    let claimed = store.claim_jobs("runner-a", time::Duration::minutes(5), 100, JobsToClaim::All).await.unwrap();
    let ack = |case_id: i64| {
        claimed
            .iter()
            .find(|j| {
                j.kind == "acknowledge"
                    && j.job.as_ref().is_ok_and(|job| *job == amends_store::Job::Acknowledge { case_id })
            })
            .map(|j| j.id)
            .unwrap()
    };
    let message = |case_id: i64, subject: &str| NewEmail {
        case_id: Some(case_id),
        to_email: "batch@example.test".into(),
        to_name: None,
        subject: subject.into(),
        text_body: "Thank you for telling us.".into(),
        html_body: None,
        message_id: format!("<batch-{subject}@test>"),
        in_reply_to: None,
        purpose: amends_domain::MessagePurpose::Acknowledgement,
        link: None,
    };
    // The second names a case that does not exist: the database refuses it.
    let batch = [
        (ack(cases[0]), message(cases[0], "first")),
        (ack(cases[1]), message(cases[2] + 1_000, "refused")),
        (ack(cases[2]), message(cases[2], "third")),
    ];
    let refused = store.end_job_batch(&batch, &[], "runner-a").await.unwrap();
    assert_eq!(refused.iter().map(|(id, _)| *id).collect::<Vec<_>>(), vec![ack(cases[1])]);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE subject IN ('first', 'third')").await, 2);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE subject = 'refused'").await, 0);
    let done = |id: i64| {
        let app = &app;
        async move { app.scalar(&format!("SELECT COUNT(*) FROM jobs WHERE id = {id} AND done_at IS NOT NULL")).await }
    };
    assert_eq!(done(ack(cases[0])).await, 1);
    assert_eq!(done(ack(cases[1])).await, 0, "the refused message's job runs again");
    assert_eq!(done(ack(cases[2])).await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'send_email'").await,
        2,
        "each stored message has its sending job"
    );

    // A runner whose lease was taken over queues nothing.
    let late = store.end_job_batch(&[(ack(cases[1]), message(cases[1], "late"))], &[], "runner-b").await.unwrap();
    assert!(late.is_empty());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM outbox WHERE subject = 'late'").await, 0);
    assert_eq!(done(ack(cases[1])).await, 0);
}

crate::on_both_databases!(
    mail_too_large_by_imap_is_shown_to_staff,
    every_door_refuses_a_line_break_in_a_name,
    a_message_that_cannot_be_built_fails_alone,
    an_unreadable_job_fails_alone,
    shutdown_stops_claiming_and_releases,
    a_message_that_cannot_be_stored_is_handed_back_alone,
);
