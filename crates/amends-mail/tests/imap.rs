//! `poll` against a real dovecot on loopback, started per test by
//! `tests/dovecot.sh` (which installs dovecot-imapd when it is missing).
//! Messages are delivered the way an MDA does: files written into the Maildir.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use amends_mail::{Handled, ImapError, ImapSecurity, ImapSettings, MailKind, PollReport, parse_incoming, poll};

/// Quotes, a backslash and a non-ASCII letter: it cannot travel in LOGIN, so goes by SASL PLAIN.
const PASSWORD: &str = "pa\"ss\\wörd";

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dovecot.sh")
}

/// A private dovecot; stopped and its folder removed when dropped.
struct Dovecot {
    dir: PathBuf,
    port: u16,
}

impl Dovecot {
    fn start() -> Dovecot {
        Dovecot::start_with(None)
    }

    /// Offers STARTTLS, with a certificate from a private CA.
    fn start_tls() -> Dovecot {
        Dovecot::start_with(Some("starttls"))
    }

    fn start_with(mode: Option<&str>) -> Dovecot {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            let status = Command::new("bash").arg(script()).arg("install").status().unwrap();
            assert!(status.success(), "tests/dovecot.sh install failed");
        });
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "amends-mail-imap-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        ));
        let output = Command::new("bash")
            .arg(script())
            .arg("start")
            .arg(&dir)
            // An empty port: any free one.
            .args(mode.map(|mode| ["", mode]).into_iter().flatten())
            .env("AMENDS_IMAP_PASSWORD", PASSWORD)
            .output()
            .unwrap();
        assert!(output.status.success(), "dovecot did not start: {}", String::from_utf8_lossy(&output.stderr));
        let port = String::from_utf8_lossy(&output.stdout).trim().parse().unwrap();
        Dovecot { dir, port }
    }

    /// The private CA's certificate, for a STARTTLS instance.
    fn certificate(&self) -> Vec<u8> {
        std::fs::read(self.dir.join("ca.pem")).unwrap()
    }

    fn maildir(&self) -> PathBuf {
        self.dir.join("mail/desk")
    }

    /// Delivers a new (unseen) message, as an MDA does.
    fn deliver(&self, name: &str, raw: &[u8]) {
        let tmp = self.maildir().join("tmp").join(name);
        std::fs::write(&tmp, raw).unwrap();
        std::fs::rename(&tmp, self.maildir().join("new").join(name)).unwrap();
    }

    /// Delivers a message someone has already read.
    fn deliver_seen(&self, name: &str, raw: &[u8]) {
        std::fs::write(self.maildir().join("cur").join(format!("{name}:2,S")), raw).unwrap();
    }

    /// The flags of every message file in a Maildir folder ("" is INBOX).
    fn flags(&self, folder: &str) -> Vec<String> {
        let base = if folder.is_empty() { self.maildir() } else { self.maildir().join(format!(".{folder}")) };
        let mut flags = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(base.join(sub)) else {
                continue;
            };
            for entry in entries {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                flags.push(name.split_once(":2,").map_or(String::new(), |(_, f)| f.to_owned()));
            }
        }
        flags.sort();
        flags
    }

    fn settings(&self) -> ImapSettings {
        ImapSettings {
            host: "127.0.0.1".to_owned(),
            port: self.port,
            security: ImapSecurity::None,
            username: "desk".to_owned(),
            password: PASSWORD.to_owned(),
            folder: "INBOX".to_owned(),
            processed_folder: None,
            refused_folder: None,
            trusted_pem: None,
            timeout: Duration::from_secs(10),
        }
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        let _ = Command::new("bash").arg(script()).arg("stop").arg(&self.dir).status();
    }
}

fn complaint(n: usize, body: &str) -> Vec<u8> {
    format!(
        "From: Customer {n} <customer{n}@example.com>\r\nTo: care@riverside-bistro.example\r\n\
         Subject: Re: [AM-{n}] about my visit\r\nMessage-ID: <msg-{n}@example.com>\r\n\
         Date: Mon, 15 Apr 2024 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

/// Polls, collecting what was handed over; `refuse` picks messages to fail.
async fn collect(
    settings: &ImapSettings,
    refuse: impl Fn(&[u8]) -> bool,
) -> (Result<PollReport, ImapError>, Vec<Vec<u8>>) {
    let got = RefCell::new(Vec::new());
    let report = poll(settings, |raw: Vec<u8>| {
        let refused = refuse(&raw);
        got.borrow_mut().push(raw);
        async move { if refused { Err("the database is down".to_owned()) } else { Ok(Handled::Taken) } }
    })
    .await;
    (report, got.into_inner())
}

#[tokio::test]
async fn each_unseen_message_is_handed_over_once_and_marked_seen() {
    let dovecot = Dovecot::start();
    // A big one too, so its literal arrives in many reads.
    let long_letter = "I have waited for a refund for six weeks. ".repeat(10_000);
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "The soup was cold."));
    dovecot.deliver("1713175201.M2P1.test", &complaint(2, &long_letter));
    dovecot.deliver("1713175202.M3P1.test", &complaint(3, "Ünïcödé and {braces} and a \"quote\"."));
    dovecot.deliver_seen("1713175100.M0P1.test", &complaint(9, "Already read by a person."));

    let (report, got) = collect(&dovecot.settings(), |_| false).await;
    let report = report.unwrap();
    assert_eq!(report.taken, 3, "{report:?}");
    assert!(report.left_unseen.is_empty());
    assert_eq!(got.len(), 3);

    let mails: Vec<_> = got.iter().map(|raw| parse_incoming(raw).unwrap()).collect();
    let ids: Vec<_> = mails.iter().map(|m| m.message_id.clone().unwrap()).collect();
    assert_eq!(ids, ["msg-1@example.com", "msg-2@example.com", "msg-3@example.com"]);
    assert_eq!(got[0], complaint(1, "The soup was cold."), "the bytes arrive unchanged");
    assert_eq!(mails[1].text, format!("{long_letter}\n"), "a long message arrives whole");
    assert_eq!(mails[2].text, "Ünïcödé and {braces} and a \"quote\".\n");
    assert_eq!(mails[2].kind, MailKind::Message);

    // All four are now seen; the next poll has nothing.
    assert_eq!(dovecot.flags(""), ["S", "S", "S", "S"]);
    let (report, got) = collect(&dovecot.settings(), |_| false).await;
    assert_eq!(report.unwrap(), PollReport::default());
    assert!(got.is_empty());
}

#[tokio::test]
async fn a_message_the_desk_could_not_take_stays_unseen_for_the_next_poll() {
    let dovecot = Dovecot::start();
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "first"));
    dovecot.deliver("1713175201.M2P1.test", &complaint(2, "second, which the desk cannot store yet"));
    dovecot.deliver("1713175202.M3P1.test", &complaint(3, "third"));

    let cannot_store = |raw: &[u8]| String::from_utf8_lossy(raw).contains("cannot store");
    let (report, got) = collect(&dovecot.settings(), cannot_store).await;
    let report = report.unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(report.taken, 2);
    assert_eq!(report.left_unseen.len(), 1);
    assert_eq!(report.left_unseen[0].reason, "the database is down");
    assert_eq!(dovecot.flags(""), ["", "S", "S"]);

    // Next poll: only the one that failed, and now it is taken.
    let (report, got) = collect(&dovecot.settings(), |_| false).await;
    assert_eq!(report.unwrap().taken, 1);
    assert_eq!(got.len(), 1);
    assert!(String::from_utf8_lossy(&got[0]).contains("cannot store"));
    assert_eq!(dovecot.flags(""), ["S", "S", "S"]);
}

#[tokio::test]
async fn taken_messages_move_to_the_processed_folder() {
    let dovecot = Dovecot::start();
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "first"));
    dovecot.deliver("1713175201.M2P1.test", &complaint(2, "second"));
    let settings = ImapSettings {
        // Not ASCII: travels in IMAP's modified UTF-7 ("Best&AOQ-tigt").
        processed_folder: Some("Bestätigt".to_owned()),
        ..dovecot.settings()
    };

    let (report, got) = collect(&settings, |raw| String::from_utf8_lossy(raw).contains("second")).await;
    assert_eq!(report.unwrap().taken, 1);
    assert_eq!(got.len(), 2);
    assert_eq!(dovecot.flags(""), [""], "the refused one stays in INBOX, unseen");
    assert_eq!(dovecot.flags("Best&AOQ-tigt"), ["S"], "the taken one is moved, and seen");

    let (report, _) = collect(&settings, |_| false).await;
    assert_eq!(report.unwrap().taken, 1);
    assert!(dovecot.flags("").is_empty());
    assert_eq!(dovecot.flags("Best&AOQ-tigt"), ["S", "S"]);

    // Polling the processed folder itself finds nothing unseen.
    let processed = ImapSettings { folder: "Bestätigt".to_owned(), processed_folder: None, ..dovecot.settings() };
    let (report, got) = collect(&processed, |_| false).await;
    assert_eq!(report.unwrap().taken, 0);
    assert!(got.is_empty());
}

#[tokio::test]
async fn refused_messages_move_to_the_refused_folder() {
    let dovecot = Dovecot::start();
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "first"));
    dovecot.deliver("1713175201.M2P1.test", &complaint(2, "far too large to take"));
    let settings = ImapSettings { refused_folder: Some("Refused".to_owned()), ..dovecot.settings() };
    let report = poll(&settings, |raw: Vec<u8>| async move {
        let too_large = String::from_utf8_lossy(&raw).contains("too large");
        Ok::<_, String>(if too_large { Handled::Refused } else { Handled::Taken })
    })
    .await
    .unwrap();
    assert_eq!((report.taken, report.refused), (1, 1), "{report:?}");
    assert_eq!(dovecot.flags(""), ["S"], "the taken one stays, seen");
    assert_eq!(dovecot.flags("Refused"), ["S"], "the refused one is out of the inbox, in a folder of its own");
    let (report, got) = collect(&settings, |_| false).await;
    assert_eq!(report.unwrap(), PollReport::default(), "neither is offered again");
    assert!(got.is_empty());
}

#[tokio::test]
async fn refusals_say_why() {
    let dovecot = Dovecot::start();
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "first"));

    let wrong = ImapSettings { password: "wrong".to_owned(), ..dovecot.settings() };
    let (report, got) = collect(&wrong, |_| false).await;
    assert!(matches!(report, Err(ImapError::Login(_))), "{report:?}");
    assert!(got.is_empty());

    let missing = ImapSettings { folder: "No such folder".to_owned(), ..dovecot.settings() };
    let (report, _) = collect(&missing, |_| false).await;
    assert!(matches!(report, Err(ImapError::NoSuchFolder { .. })), "{report:?}");

    // TLS spoken to a plain-text port fails clearly; it never falls back.
    let tls = ImapSettings { security: ImapSecurity::Tls, timeout: Duration::from_secs(5), ..dovecot.settings() };
    let (report, _) = collect(&tls, |_| false).await;
    assert!(matches!(report, Err(ImapError::Tls(_))), "{report:?}");
    // A server without TLS asked for STARTTLS: refused, never a login in plain text.
    let starttls = ImapSettings { security: ImapSecurity::StartTls, ..dovecot.settings() };
    let (report, _) = collect(&starttls, |_| false).await;
    match &report {
        Err(ImapError::Tls(why)) => assert!(why.contains("would not start TLS"), "{why}"),
        other => panic!("expected a STARTTLS refusal, got {other:?}"),
    }

    assert_eq!(dovecot.flags(""), [""], "nothing was marked by the failed polls");
}

#[tokio::test]
async fn starttls_upgrades_before_the_login_and_checks_the_certificate() {
    let dovecot = Dovecot::start_tls();
    dovecot.deliver("1713175200.M1P1.test", &complaint(1, "over TLS"));

    // Its certificate is from a private CA: refused until that CA is trusted, never ignored.
    let untrusted = ImapSettings { security: ImapSecurity::StartTls, ..dovecot.settings() };
    let (report, _) = collect(&untrusted, |_| false).await;
    match &report {
        Err(ImapError::Tls(why)) => assert!(why.contains("certificate"), "{why}"),
        other => panic!("expected a certificate refusal, got {other:?}"),
    }
    assert_eq!(dovecot.flags(""), [""], "nothing was read without TLS");

    let trusted = ImapSettings { trusted_pem: Some(dovecot.certificate()), ..untrusted };
    let (report, got) = collect(&trusted, |_| false).await;
    assert_eq!(report.unwrap().taken, 1);
    assert_eq!(got.len(), 1);
    assert_eq!(dovecot.flags(""), ["S"]);
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    // Bound and never listening: a connection is refused. A port freed instead could be
    // taken meanwhile, even by the connecting socket itself (a TCP self-connect), and
    // the test would see a reset rather than a refusal.
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = held.local_addr().unwrap().port();
    let settings = ImapSettings {
        port,
        security: ImapSecurity::None,
        timeout: Duration::from_secs(5),
        ..ImapSettings::new("127.0.0.1", "desk", "x")
    };
    let (report, _) = collect(&settings, |_| false).await;
    assert!(matches!(report, Err(ImapError::Connect { .. })), "{report:?}");
}
