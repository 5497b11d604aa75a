//! `build_message` + `send` against a real SMTP server on loopback: Python's
//! aiosmtpd, run by `tests/smtp_sink.py` (needs `pip install aiosmtpd`; the
//! interpreter is `python3`, or `AMENDS_TEST_PYTHON`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amends_mail::{OutgoingMail, Security, SendError, SmtpSettings, build_message, parse_incoming, send};

/// A running sink; killed and its folder removed when dropped.
struct Sink {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl Sink {
    fn start(extra: &[&str]) -> Sink {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "amends-mail-smtp-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        let python = std::env::var("AMENDS_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned());
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let mut child = Command::new(&python)
            .arg(&script)
            .arg("--folder")
            .arg(&folder)
            .args(["--tempfail", "busy*@*", "--permfail", "nobody*@*"])
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {python} {}: {e}", script.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the SMTP sink did not start (is aiosmtpd installed? `pip install aiosmtpd`); it said {line:?}")
        });
        Sink { child, port, folder }
    }

    fn settings(&self) -> SmtpSettings {
        SmtpSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: Security::None,
            username: None,
            password: None,
            timeout: Duration::from_secs(10),
        }
    }

    /// The stored messages, as (eml bytes, json text), in arrival order.
    fn received(&self) -> Vec<(Vec<u8>, String)> {
        let mut names: Vec<_> = std::fs::read_dir(&self.folder)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| (std::fs::read(&p).unwrap(), std::fs::read_to_string(p.with_extension("json")).unwrap()))
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

fn apology() -> OutgoingMail {
    OutgoingMail {
        to_email: "maria.lopez@example.com".to_owned(),
        to_name: Some("María López".to_owned()),
        subject: "[AM-1042] Ein Wort zu Ihrem Abend – wir bitten um Entschuldigung".to_owned(),
        text: "Dear María,\n\nI am sorry: the soup was cold and we kept you waiting on your father's 70th birthday.\n\
               I accept all responsibility.\n.\nThis line started with a dot above, and this one is long enough that it \
               must be wrapped by the transfer encoding because it goes on and on well past seventy-eight characters.\n\
               From here on, nothing is mangled.\n\nSam, Riverside Bistro\n"
            .to_owned(),
        html: Some("<p>Dear María,</p><p>I am sorry: the soup was cold.</p>".to_owned()),
        message_id: "case-1042.abc@amends.local".to_owned(),
        in_reply_to: Some("<CAJx8yKrB0c2+Yv0pQ@mail.gmail.com>".to_owned()),
        references: vec![
            "CAJx8yKq3+Vn7fT2bXzq0Kp1@mail.gmail.com".to_owned(),
            "case-1041.zz@amends.local".to_owned(),
        ],
        reply_to: Some("Riverside Bistro <care+1042@riverside-bistro.example>".to_owned()),
    }
}

const FROM: &str = "Riverside Bistro <care@riverside-bistro.example>";

#[tokio::test]
async fn a_built_message_arrives_byte_for_byte_and_threads_back() {
    let sink = Sink::start(&[]);
    let mail = apology();
    let raw = build_message(&mail, FROM).unwrap();

    send(&sink.settings(), "bounces@riverside-bistro.example", &mail.to_email, &raw).await.unwrap();

    let received = sink.received();
    assert_eq!(received.len(), 1);
    let (bytes, envelope) = &received[0];
    // Exactly our bytes (the server has undone the dot-stuffing of the "." line).
    assert_eq!(String::from_utf8_lossy(bytes), String::from_utf8_lossy(&raw));
    assert_eq!(bytes, &raw);
    assert!(envelope.contains("\"mail_from\": \"bounces@riverside-bistro.example\""), "{envelope}");
    assert!(envelope.contains("\"rcpt_tos\": [\"maria.lopez@example.com\"]"), "{envelope}");

    let head = String::from_utf8_lossy(bytes);
    assert!(head.contains("Message-ID: <case-1042.abc@amends.local>\r\n"), "{head}");
    assert!(head.contains("In-Reply-To: <CAJx8yKrB0c2+Yv0pQ@mail.gmail.com>\r\n"), "{head}");
    assert!(head.contains("multipart/alternative"), "{head}");

    // What the customer's mail program will see, parsed by our own ingest.
    let seen = parse_incoming(bytes).unwrap();
    assert_eq!(seen.message_id.as_deref(), Some("case-1042.abc@amends.local"));
    assert_eq!(seen.in_reply_to.as_deref(), Some("CAJx8yKrB0c2+Yv0pQ@mail.gmail.com"));
    assert_eq!(seen.references, mail.references);
    assert_eq!(seen.subject.as_deref(), Some(mail.subject.as_str()));
    assert_eq!(seen.case_reference.as_deref(), Some("AM-1042"));
    assert_eq!(seen.from_email.as_deref(), Some("care@riverside-bistro.example"));
    assert_eq!(seen.from_name.as_deref(), Some("Riverside Bistro"));
    assert_eq!(seen.text, mail.text, "the words arrive exactly as written");
}

#[tokio::test]
async fn a_text_only_message_has_no_html_part() {
    let sink = Sink::start(&[]);
    let mail = OutgoingMail { html: None, in_reply_to: None, references: vec![], reply_to: None, ..apology() };
    let raw = build_message(&mail, "care@riverside-bistro.example").unwrap();
    send(&sink.settings(), "", &mail.to_email, &raw).await.unwrap();
    let received = sink.received();
    let head = String::from_utf8_lossy(&received[0].0).into_owned();
    assert!(!head.contains("multipart"), "{head}");
    assert!(!head.contains("In-Reply-To"), "{head}");
    assert!(received[0].1.contains("\"mail_from\": \"<>\""), "null return path: {}", received[0].1);
    assert_eq!(parse_incoming(&received[0].0).unwrap().text, mail.text);
}

#[tokio::test]
async fn a_busy_mailbox_is_temporary() {
    let sink = Sink::start(&[]);
    let raw = build_message(&apology(), FROM).unwrap();
    let err =
        send(&sink.settings(), "care@riverside-bistro.example", "busy.maria@example.com", &raw).await.unwrap_err();
    assert!(matches!(err, SendError::Temporary { .. }), "{err:?}");
    assert!(err.retry_later());
    assert!(err.to_string().contains("451"), "{err}");
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn an_unknown_mailbox_is_permanent() {
    let sink = Sink::start(&[]);
    let raw = build_message(&apology(), FROM).unwrap();
    let err = send(&sink.settings(), "care@riverside-bistro.example", "nobody@example.com", &raw).await.unwrap_err();
    assert!(matches!(err, SendError::Permanent { code: Some(550), .. }), "{err:?}");
    assert!(!err.retry_later());
    assert!(sink.received().is_empty());
}

#[tokio::test]
async fn a_closed_port_is_temporary() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let settings = SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port,
        security: Security::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(5),
    };
    let raw = build_message(&apology(), FROM).unwrap();
    let err = send(&settings, "care@riverside-bistro.example", "maria@example.com", &raw).await.unwrap_err();
    assert!(matches!(err, SendError::Temporary { .. }), "{err:?}");
}

#[tokio::test]
async fn login_is_used_and_bad_logins_are_a_settings_problem() {
    let sink = Sink::start(&["--user", "desk", "--password", "s3cret pass"]);
    let raw = build_message(&apology(), FROM).unwrap();
    let mut settings = sink.settings();

    settings.username = Some("desk".to_owned());
    settings.password = Some("s3cret pass".to_owned());
    send(&settings, "care@riverside-bistro.example", "maria@example.com", &raw).await.unwrap();
    let received = sink.received();
    assert_eq!(received.len(), 1);
    assert!(received[0].1.contains("\"login\": \"desk\""), "{}", received[0].1);

    settings.password = Some("wrong".to_owned());
    let err = send(&settings, "care@riverside-bistro.example", "maria@example.com", &raw).await.unwrap_err();
    assert!(matches!(err, SendError::Settings { .. }), "{err:?}");
    assert!(err.retry_later(), "the message is fine: keep it until the settings are fixed");

    settings.username = None;
    settings.password = None;
    let err = send(&settings, "care@riverside-bistro.example", "maria@example.com", &raw).await.unwrap_err();
    assert!(matches!(err, SendError::Settings { .. }), "{err:?}");
    assert_eq!(sink.received().len(), 1);
}

#[tokio::test]
async fn tls_that_cannot_happen_never_falls_back_to_plain_text() {
    let sink = Sink::start(&[]);
    let raw = build_message(&apology(), FROM).unwrap();
    for security in [Security::StartTls, Security::Tls] {
        let settings = SmtpSettings { security, ..sink.settings() };
        let err = send(&settings, "care@riverside-bistro.example", "maria@example.com", &raw).await.unwrap_err();
        assert!(matches!(err, SendError::Settings { .. }), "{security:?}: {err:?}");
    }
    assert!(sink.received().is_empty());
}

#[test]
fn invalid_addresses_are_refused_before_sending() {
    let mut mail = apology();
    mail.to_email = "not an address".to_owned();
    assert_eq!(build_message(&mail, FROM).unwrap_err().reason(), "invalid_to");
    assert_eq!(build_message(&apology(), "nobody").unwrap_err().reason(), "invalid_from");
    let mut mail = apology();
    mail.message_id = "no id".to_owned();
    assert_eq!(build_message(&mail, FROM).unwrap_err().reason(), "invalid_message_id");
}

#[tokio::test]
async fn an_unsendable_recipient_is_permanent() {
    let settings = SmtpSettings {
        host: "127.0.0.1".to_owned(),
        port: 9,
        security: Security::None,
        username: None,
        password: None,
        timeout: Duration::from_secs(1),
    };
    let err =
        send(&settings, "care@riverside-bistro.example", "no at sign", b"Subject: x\r\n\r\nx\r\n").await.unwrap_err();
    assert!(matches!(err, SendError::Permanent { code: None, .. }), "{err:?}");
}
