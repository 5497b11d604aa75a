//! The customer's side by mail: acknowledgements and step messages received by a real
//! SMTP server (aiosmtpd) on loopback, their links followed over HTTP; refused
//! messages retried, never lost; restarts that send nothing twice; and mail taken in
//! through `amends mail ingest` as an MTA pipes it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use amends::Settings;
use amends_domain::Role;
use serde_json::json;
use time::macros::datetime;

use crate::helpers::{Db, TestApp, spawn_app_with, tempdir::TempDir};

/// aiosmtpd on a free loopback port, storing each message as a file. Recipients
/// matching `busy*@*` get 451, `nobody*@*` get 550.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    pub dir: TempDir,
}

impl SmtpSink {
    pub fn start() -> Self {
        let dir = TempDir::new(&format!("amends-smtp-{:x}", rand::random::<u64>()));
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--folder")
            .arg(&dir.path)
            .args(["--tempfail", "busy*@*", "--permfail", "nobody*@*"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        let mut first = String::new();
        let stdout = child.stdout.as_mut().expect("stdout");
        let mut byte = [0u8; 1];
        while std::io::Read::read(stdout, &mut byte).expect("sink output") == 1 && byte[0] != b'\n' {
            first.push(byte[0] as char);
        }
        let port = first.trim().parse().unwrap_or_else(|_| panic!("the sink printed its port, not {first:?}"));
        Self { child, port, dir }
    }

    pub fn settings(&self) -> amends_mail::SmtpSettings {
        amends_mail::SmtpSettings {
            host: "127.0.0.1".into(),
            port: self.port,
            security: amends_mail::Security::None,
            username: None,
            password: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// Every message received so far, parsed.
    pub fn received(&self) -> Vec<amends_mail::IncomingMail> {
        self.received_with_envelope().into_iter().map(|(m, _)| m).collect()
    }

    /// Every message with its envelope (the sink's JSON beside it: sender, recipients).
    pub fn received_with_envelope(&self) -> Vec<(amends_mail::IncomingMail, String)> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.dir.path)
            .map(|d| {
                d.filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|e| e == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|f| {
                let mail = amends_mail::parse_incoming(&std::fs::read(f).unwrap()).unwrap();
                (mail, std::fs::read_to_string(f.with_extension("json")).unwrap_or_default())
            })
            .collect()
    }

    /// The message for `to` whose subject contains `subject`, once the app's queue has
    /// run: the sink stores a message before it answers 250, so it is here or never.
    pub async fn delivered(&self, app: &TestApp, to: &str, subject: &str) -> amends_mail::IncomingMail {
        app.settle().await;
        self.find(to, subject).unwrap_or_else(|| {
            panic!(
                "no message \"{subject}\" for {to} arrived; got {:?}",
                self.received().iter().map(|m| m.subject.clone()).collect::<Vec<_>>()
            )
        })
    }

    /// The message for `to` with `subject` once it arrives, sent by a runner the test
    /// does not drive (a child `amends serve`, a background runner).
    pub async fn arrives(&self, to: &str, subject: &str) -> amends_mail::IncomingMail {
        let mut found = None;
        crate::helpers::wait_until(&format!("\"{subject}\" for {to}"), Duration::from_secs(20), || {
            found = self.find(to, subject);
            std::future::ready(found.is_some())
        })
        .await;
        found.expect("arrived")
    }

    pub fn find(&self, to: &str, subject: &str) -> Option<amends_mail::IncomingMail> {
        self.received_with_envelope()
            .into_iter()
            .find(|(m, envelope)| m.subject.as_deref().is_some_and(|s| s.contains(subject)) && envelope.contains(to))
            .map(|(m, _)| m)
    }

    /// The messages whose subject contains `subject`, in the order they arrived.
    pub fn with_subject(&self, subject: &str) -> Vec<amends_mail::IncomingMail> {
        self.received().into_iter().filter(|m| m.subject.as_deref().is_some_and(|s| s.contains(subject))).collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The personal link in a message, as a path on the app.
pub(crate) fn link_in(mail: &amends_mail::IncomingMail) -> String {
    let start = mail.text.find("/c/").expect("a personal link in the message");
    let token: String = mail.text[start + 3..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64, "a 256-bit token");
    format!("/c/{token}")
}

pub(crate) async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let r = reqwest::get(app.url(path)).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub(crate) async fn post_form(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = reqwest::Client::new().post(app.url(path)).form(form).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub(crate) async fn spawn_with_smtp(db: Db, sink: &SmtpSink) -> TestApp {
    let smtp = sink.settings();
    spawn_app_with(db, move |s: &mut Settings| s.jobs.smtp = Some(smtp)).await
}

async fn customers_answer_through_their_links(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("gina@example.com", "The hotel room was cold all night.").await;

    let ack = sink.delivered(&app, "gina@example.com", &case.reference).await;
    assert!(ack.subject.as_deref().unwrap().contains("We have your message"));
    let status_link = link_in(&ack);
    let (code, status_page) = page(&app, &status_link).await;
    assert_eq!(code, 200);
    assert!(status_page.contains(&case.reference) && status_page.contains("Where your case stands"));

    // The restatement goes out with a link; opening it changes nothing (mail scanners open links).
    ann.restate(&case, "Your room's heating did not work overnight.").await;
    let mail = sink.delivered(&app, "gina@example.com", "Did we understand you?").await;
    assert!(mail.text.contains("heating did not work"));
    let link = link_in(&mail);
    let (code, shown) = page(&app, &link).await;
    assert_eq!(code, 200);
    assert!(shown.contains("heating did not work"));
    assert_eq!(ann.case(&case).await.status, "awaiting_customer", "a GET answers nothing");
    let (code, _) = post_form(&app, &link, &[("action", "confirm"), ("wish", "A free night next time")]).await;
    assert_eq!(code, 200);
    let confirmed = ann.case(&case).await;
    assert_eq!(confirmed.next_step.as_deref(), Some("apologise"));
    assert_eq!(confirmed.wish.as_deref(), Some("A free night next time"));
    let last = confirmed.timeline.iter().rev().nth(1).unwrap();
    assert_eq!(last.fields["actor"]["type"], "customer");
    let (code, again) = post_form(&app, &link, &[("action", "confirm")]).await;
    assert_eq!(code, 409, "a link answers once: {again}");

    // The apology and the two options go out; the customer chooses through the link.
    ann.apologise(&case, "I am sorry, I accept all responsibility. I will put it right.").await;
    sink.delivered(&app, "gina@example.com", "I am sorry").await;
    ann.offer(&case, ["A refund of the night", "Two free nights in spring"]).await;
    let offer = sink.delivered(&app, "gina@example.com", "Two ways").await;
    assert!(offer.text.contains("Two free nights in spring"));
    let offer_link = link_in(&offer);
    let (code, _) = post_form(&app, &offer_link, &[("action", "choose"), ("option", "7")]).await;
    assert_eq!(code, 422, "an option that is not offered is refused");
    let (code, _) = post_form(&app, &offer_link, &[("action", "choose"), ("option", "2")]).await;
    assert_eq!(code, 200);
    let chosen = ann.case(&case).await;
    assert_eq!(chosen.events("option_chosen")[0].fields["option"], 2);

    // A link only ever works for its own purpose, and a tampered one not at all.
    let (code, _) = post_form(&app, &status_link, &[("action", "choose"), ("option", "1")]).await;
    assert_eq!(code, 422);
    let mut tampered = offer_link.clone();
    tampered.replace_range(tampered.len() - 4.., "0000");
    assert_eq!(page(&app, &tampered).await.0, 404);
    assert_eq!(page(&app, "/c/not-a-token").await.0, 404);

    // The follow-up by email comes due, and the customer answers it.
    let gesture = json!({ "gesture": "gift", "description": "A warm blanket", "cost_minor": 3000, "currency": "EUR" });
    ann.step(&case, "gesture", gesture).await;
    ann.promise_fix(&case, "Repair the heating in room 12", datetime!(2099-01-01 10:00 UTC)).await;
    ann.fix_done(&case, "A new radiator").await;
    sink.delivered(&app, "gina@example.com", "It is done").await;
    ann.step(&case, "follow-up/schedule", json!({ "due": "2020-01-01T10:00:00Z", "channel": "email" })).await;
    let follow = sink.delivered(&app, "gina@example.com", "Did we put it right?").await;
    let (code, _) = post_form(
        &app,
        &link_in(&follow),
        &[("action", "answer"), ("satisfaction", "5"), ("words", "Lovely and warm now")],
    )
    .await;
    assert_eq!(code, 200);
    let done = app.get(&format!("/api/v1/cases/{}", case.id), &ann.token).await.expect(200);
    let follow_up = done["steps"].as_array().unwrap().iter().find(|s| s["step"] == "follow_up").unwrap().clone();
    assert_eq!(follow_up["status"], "done");
    let answer = &ann.case(&case).await.events("follow_up_recorded")[0].fields.clone();
    assert_eq!((answer["satisfaction"].as_i64(), answer["actor"]["type"].as_str()), (Some(5), Some("customer")));

    // Every message carries a Message-ID the desk stored, so replies thread back.
    let sent = ann.messages(&case).await;
    assert!(sent.len() >= 6 && sent.iter().all(|m| m.status == "sent"), "{sent:?}");
    let received_ids: Vec<String> = sink.received().iter().filter_map(|m| m.message_id.clone()).collect();
    for m in &sent {
        let id = m.message_id.trim_matches(['<', '>']);
        assert_eq!(received_ids.iter().filter(|r| r.as_str() == id).count(), 1, "sent exactly once: {id}");
    }
}

async fn old_and_replaced_links_are_refused(db: Db) {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    let app = spawn_app_with(db, move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.jobs.link_ttl = time::Duration::seconds(4);
    })
    .await;
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("hal@example.com", "Wrong parcel delivered.").await;
    ann.restate(&case, "We sent you someone else's parcel.").await;
    let first = link_in(&sink.delivered(&app, "hal@example.com", "Did we understand you?").await);
    // A customer correction, then a new restatement: only the newest link works.
    let (code, _) =
        post_form(&app, &first, &[("action", "correct"), ("correction", "It was the right parcel but broken")]).await;
    assert_eq!(code, 200);
    ann.restate(&case, "Your parcel arrived broken.").await;
    app.settle().await;
    let mails = sink.with_subject("Did we understand");
    assert_eq!(mails.len(), 2, "one per restatement");
    let second = link_in(&mails[1]);
    assert_ne!(first, second);
    assert_eq!(page(&app, &first).await.0, 410, "replaced by the newer link");
    assert_eq!(page(&app, &second).await.0, 200);
    let status_link = link_in(&sink.delivered(&app, "hal@example.com", "We have your message").await);
    assert_eq!(page(&app, &status_link).await.0, 200);
    ann.revoke_links(&case).await;
    assert_eq!(page(&app, &status_link).await.0, 410, "staff revoked it");
    // A revoked link is revoked; the newest restatement link goes the same way.
    assert_eq!(page(&app, &second).await.0, 410);
    ann.note(&case, "Links revoked: sent to an old address").await;
    ann.restate(&case, "Your parcel arrived broken, box crushed.").await;
    app.settle().await;
    let third = link_in(&sink.with_subject("Did we understand")[2]);
    assert_eq!(page(&app, &third).await.0, 200);
    // Past the link's four seconds, on the desk's clock.
    app.pass(time::Duration::seconds(5)).await;
    let (code, body) = page(&app, &third).await;
    assert_eq!(code, 410, "expired: {body}");
    assert!(body.contains("expired"));
}

async fn refused_messages_are_retried_or_reported_never_lost(db: Db) {
    let sink = SmtpSink::start();
    let app = spawn_with_smtp(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let busy = ann.open_case("busy.ida@example.com", "Late again.").await;
    let gone = ann.open_case("nobody.jo@example.com", "Never arrived.").await;
    assert_eq!(busy.body, "Late again.");
    // One run of the queue: the 451 is kept for a retry later, the 550 fails for good.
    app.settle().await;
    let b = &ann.messages(&busy).await[0];
    let g = &ann.messages(&gone).await[0];
    assert_eq!((b.attempts, b.status.as_str()), (1, "queued"), "a 451 keeps the message for a retry: {b:?}");
    assert!(b.last_error.as_deref().unwrap().contains("451"));
    assert_eq!(g.status, "failed", "{g:?}");
    assert!(g.last_error.as_deref().unwrap().contains("550"));
    // Staff are told on the case that the customer did not get the message.
    let notes = ann.case(&gone).await;
    let note = notes.events("note_added");
    assert!(note.first().expect("a note about the failure").text().contains("could not be delivered"));
    assert!(sink.received().is_empty(), "nothing was delivered to either");
}

async fn a_restart_mid_outbox_sends_nothing_twice(db: Db) {
    let sink = SmtpSink::start();
    let smtp = sink.settings();
    // The app's own runner sends in the background here: the stop must catch it mid-way.
    let mut app = spawn_app_with(db, move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.jobs.in_background = true;
    })
    .await;
    let (_, agent) = app.staff("agent").await;
    for i in 0..20 {
        app.complaint(&agent, &format!("kim{i}@example.com"), &format!("Complaint {i}")).await;
    }
    // Stop while the outbox is still sending (the job in hand is finished, the rest
    // released), then start again on the same database and run what is left.
    let smtp = sink.settings();
    app.restart(move |s: &mut Settings| s.jobs.smtp = Some(smtp)).await;
    app.settle().await;
    let received = sink.received();
    assert_eq!(received.len(), 20, "each acknowledgement exactly once");
    let mut ids: Vec<String> = received.iter().filter_map(|m| m.message_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
}

fn ingest(app: &TestApp, raw: &[u8], extra: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(["mail", "ingest"])
        .args(extra)
        .env("AMENDS_DATABASE_URL", &app.database_url)
        .env("AMENDS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw).unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/corpus").join(name)).unwrap()
}

async fn mail_piped_in_opens_threads_and_never_repeats(db: Db) {
    let app = spawn_app_with(db, |_| {}).await;
    let (_, agent) = app.staff("agent").await;
    let cases = |q: &'static str| {
        let app = &app;
        let agent = agent.clone();
        async move { app.get(&format!("/api/v1/cases{q}"), &agent).await.expect(200)["items"].as_array().unwrap().clone() }
    };
    let first = corpus("01-gmail-new-complaint.eml");
    let (code, out) = ingest(&app, &first, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("CaseOpened"), "{out}");
    let (code, out) = ingest(&app, &first, &[]);
    assert_eq!((code, out.contains("Duplicate")), (0, true), "the same Message-ID is taken once: {out}");
    assert_eq!(cases("").await.len(), 1);
    let case = &cases("").await[0];
    assert_eq!(case["channel"], "email");
    let id = case["id"].as_i64().unwrap();

    for machine in
        ["11-exchange-out-of-office.eml", "12-sieve-vacation.eml", "14-postfix-bounce.eml", "15-exchange-ndr.eml"]
    {
        let (code, out) = ingest(&app, &corpus(machine), &[]);
        assert_eq!(code, 0, "{machine}: {out}");
    }
    assert_eq!(cases("").await.len(), 1, "auto-replies and bounces open no case");
    let (code, out) = ingest(&app, &corpus("24-garbage-bytes.eml"), &[]);
    assert_eq!(code, 65, "never takeable is a permanent failure: {out}");
    let (code, _) = ingest(&app, &corpus("23-no-from.eml"), &[]);
    assert_eq!(code, 65);

    // A reply to our acknowledgement threads onto the case.
    app.settle().await;
    let messages = app.get(&format!("/api/v1/cases/{id}/messages"), &agent).await.expect(200);
    let ack_id = messages["items"][0]["message_id"].as_str().unwrap().to_owned();
    let from = case_customer_email(&app, &agent, id).await;
    let reply = format!(
        "From: Customer <{from}>\r\nTo: desk@amends.local\r\nSubject: Re: We have your message\r\nMessage-ID: <reply-1@mail.example>\r\n\
         In-Reply-To: {ack_id}\r\nReferences: {ack_id}\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\n\r\nAnd the card was missing too.\r\n"
    );
    let (code, out) = ingest(&app, reply.as_bytes(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Threaded"), "{out}");
    let timeline = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200)["timeline"].clone();
    let wrote =
        timeline.as_array().unwrap().iter().find(|e| e["kind"] == "customer_wrote").expect("the reply is on the case");
    assert!(wrote["text"].as_str().unwrap().contains("card was missing"));

    // The case tag threads only for the case's own customer; a stranger gets a new case.
    let reference = format!("AM-{}", 1000 + id);
    let tagged = |sender: &str, n: u32| {
        format!(
            "From: <{sender}>\r\nSubject: About [{reference}]\r\nMessage-ID: <tag-{n}@mail.example>\r\n\r\nStill waiting.\r\n"
        )
    };
    let (_, out) = ingest(&app, tagged(&from, 1).as_bytes(), &[]);
    assert!(out.contains("Threaded"), "{out}");
    let (_, out) = ingest(&app, tagged("stranger@example.net", 2).as_bytes(), &[]);
    assert!(out.contains("CaseOpened"), "{out}");

    // Mail from the past is taken without acknowledging it.
    let old = "From: Old <old@example.org>\r\nSubject: From last year\r\nMessage-ID: <old-1@mail.example>\r\n\r\nIt broke.\r\n";
    let (code, out) = ingest(&app, old.as_bytes(), &["--backfill"]);
    assert_eq!(code, 0, "{out}");
    let old_case = cases("?q=last%20year").await;
    let old_id = old_case.iter().find(|c| c["subject"] == "From last year").unwrap()["id"].as_i64().unwrap();
    app.settle().await;
    let old_messages = app.get(&format!("/api/v1/cases/{old_id}/messages"), &agent).await.expect(200);
    assert!(old_messages["items"].as_array().unwrap().is_empty(), "no auto-reply to the past");
}

async fn case_customer_email(app: &TestApp, token: &str, case_id: i64) -> String {
    let case = app.get(&format!("/api/v1/cases/{case_id}"), token).await.expect(200);
    let customer = app.get(&format!("/api/v1/customers/{}", case["customer_id"]), token).await.expect(200);
    customer["email"].as_str().unwrap().to_owned()
}

/// With the database unreachable, the MTA is told to keep the message and retry.
#[test]
fn ingest_without_a_database_asks_the_mta_to_retry() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(["mail", "ingest"])
        .env("AMENDS_DATABASE_URL", "postgres://postgres@127.0.0.1:1/none")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&corpus("01-gmail-new-complaint.eml")).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(75), "{}", String::from_utf8_lossy(&out.stderr));
}

crate::on_both_databases!(
    customers_answer_through_their_links,
    old_and_replaced_links_are_refused,
    refused_messages_are_retried_or_reported_never_lost,
    a_restart_mid_outbox_sends_nothing_twice,
    mail_piped_in_opens_threads_and_never_repeats,
);
