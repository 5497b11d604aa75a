//! Every message in `tests/corpus/` against its expected outcome in
//! `tests/corpus/expected.tsv`, plus the details a single column cannot hold.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use amends_mail::{IncomingMail, MailKind, check_attachment_limits, parse_incoming};

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

fn load(name: &str) -> Vec<u8> {
    std::fs::read(corpus_dir().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse(name: &str) -> IncomingMail {
    parse_incoming(&load(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn none_if_dash(value: &str) -> Option<String> {
    (value != "-").then(|| value.to_owned())
}

struct Expected {
    file: String,
    outcome: String,
    from_email: Option<String>,
    case_reference: Option<String>,
    text_contains: String,
    attachments: usize,
    message_id: Option<String>,
    in_reply_to: Option<String>,
}

fn expectations() -> Vec<Expected> {
    let tsv = std::fs::read_to_string(corpus_dir().join("expected.tsv")).unwrap();
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            assert_eq!(cols.len(), 8, "expected.tsv row needs 8 columns: {line:?}");
            Expected {
                file: cols[0].to_owned(),
                outcome: cols[1].to_owned(),
                from_email: none_if_dash(cols[2]),
                case_reference: none_if_dash(cols[3]),
                text_contains: cols[4].replace("\\n", "\n"),
                attachments: cols[5].parse().unwrap(),
                message_id: none_if_dash(cols[6]),
                in_reply_to: none_if_dash(cols[7]),
            }
        })
        .collect()
}

fn check(expected: &Expected) -> Result<String, String> {
    let raw = load(&expected.file);
    let result = parse_incoming(&raw);
    if let Some(reason) = expected.outcome.strip_prefix("error:") {
        return match result {
            Err(e) if e.reason() == reason => Ok(format!("error {reason} ({e})")),
            Err(e) => Err(format!("expected error {reason}, got error {}", e.reason())),
            Ok(mail) => Err(format!("expected error {reason}, got {:?}", mail.kind)),
        };
    }
    let mail = result.map_err(|e| format!("expected {}, got error {e}", expected.outcome))?;
    let mut problems = Vec::new();
    if mail.kind.as_str() != expected.outcome {
        problems.push(format!("kind {} != {}", mail.kind.as_str(), expected.outcome));
    }
    if mail.from_email != expected.from_email {
        problems.push(format!("from_email {:?} != {:?}", mail.from_email, expected.from_email));
    }
    if mail.case_reference != expected.case_reference {
        problems.push(format!("case_reference {:?} != {:?}", mail.case_reference, expected.case_reference));
    }
    if !mail.text.contains(&expected.text_contains) {
        problems.push(format!(
            "text does not contain {:?}; text starts {:?}",
            expected.text_contains,
            mail.text.chars().take(300).collect::<String>()
        ));
    }
    if expected.text_contains.is_empty() && !mail.text.trim().is_empty() {
        problems.push(format!("text should be empty, is {:?}", mail.text));
    }
    if mail.attachments.len() != expected.attachments {
        problems.push(format!(
            "{} attachments != {}: {:?}",
            mail.attachments.len(),
            expected.attachments,
            mail.attachments
        ));
    }
    if mail.message_id != expected.message_id {
        problems.push(format!("message_id {:?} != {:?}", mail.message_id, expected.message_id));
    }
    if mail.in_reply_to != expected.in_reply_to {
        problems.push(format!("in_reply_to {:?} != {:?}", mail.in_reply_to, expected.in_reply_to));
    }
    if problems.is_empty() {
        Ok(format!(
            "{} from {} ref {} {} chars {} attachments",
            mail.kind.as_str(),
            mail.from_email.as_deref().unwrap_or("-"),
            mail.case_reference.as_deref().unwrap_or("-"),
            mail.text.chars().count(),
            mail.attachments.len()
        ))
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn every_corpus_message_has_its_expected_outcome() {
    let expected = expectations();
    assert!(expected.len() >= 32, "the corpus needs at least 32 messages");

    let on_disk: BTreeSet<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    let listed: BTreeSet<String> = expected.iter().map(|e| e.file.clone()).collect();
    assert_eq!(on_disk, listed, "every .eml has exactly one row in expected.tsv");

    let mut failures = 0;
    for e in &expected {
        match check(e) {
            Ok(summary) => println!("ok   {:<42} {summary}", e.file),
            Err(problem) => {
                failures += 1;
                println!("FAIL {:<42} {problem}", e.file);
            }
        }
    }
    assert_eq!(failures, 0, "{failures} corpus message(s) failed; see the lines above");
}

#[test]
fn crlf_and_bare_lf_give_the_same_words() {
    let crlf = parse("19-crlf-line-endings.eml");
    let lf = parse("20-bare-lf-line-endings.eml");
    assert_eq!(crlf.text, lf.text);
    assert_eq!(crlf.subject, lf.subject);
    assert!(!crlf.text.contains('\r'));
    assert_eq!(
        crlf.text,
        "My room (412) was not cleaned for three days although I asked at reception\n\
         every morning. The towels smelled.\n\nOlu\n"
    );
}

#[test]
fn encoded_names_and_subjects_are_decoded() {
    let cases = [
        ("01-gmail-new-complaint.eml", "María López", "Terrible evening on Friday"),
        ("05-thunderbird-iso-8859-1.eml", "Jürgen Müller", "Reklamation: Schaltung defekt, Werkstatt unhöflich"),
        ("06-windows-1252-8bit.eml", "Aoife Byrne", "Charged €45 twice – booking 7731"),
        ("07-shift-jis.eml", "山田 花子", "スープが冷たかった"),
        ("08-koi8-r.eml", "Иван Петров", "Холодный суп и опоздание"),
        ("10-html-only-base64-contact-form.eml", "Chloé Martin", "Mauvais prénom sur le gâteau"),
        ("38-iso-2022-jp.eml", "佐藤 健", "ケーキが潰れていました"),
    ];
    for (file, name, subject) in cases {
        let mail = parse(file);
        assert_eq!(mail.from_name.as_deref(), Some(name), "{file}");
        assert_eq!(mail.subject.as_deref(), Some(subject), "{file}");
    }
    assert_eq!(parse("35-yahoo-base64-emoji.eml").subject.as_deref(), Some("Refund??? 😡"));
}

#[test]
fn threading_headers_keep_the_whole_thread() {
    let mail = parse("02-gmail-reply-threaded.eml");
    assert_eq!(
        mail.references,
        vec!["CAJx8yKq3+Vn7fT2bXzq0Kp1@mail.gmail.com".to_owned(), "case-1042.abc@amends.local".to_owned()]
    );
    // The quoted history is part of what the customer sent: it is kept.
    assert!(mail.text.contains("> Let me restate what happened"));
    assert!(parse("21-missing-message-id.eml").message_id.is_none());
}

#[test]
fn the_date_is_read_in_utc() {
    // Mon, 12 Feb 2024 10:13:51 +0100
    assert_eq!(parse("01-gmail-new-complaint.eml").sent_at, Some(1_707_729_231));
    // 11 Apr 2024 06:00:01 -0000 (no weekday, as qmail writes it)
    assert_eq!(parse("33-qmail-failure-notice.eml").sent_at, Some(1_712_815_201));
    assert!(parse("18-no-text-part.eml").sent_at.is_some());
}

#[test]
fn html_only_mail_becomes_readable_text() {
    let mail = parse("09-html-only-qp.eml");
    assert!(!mail.text.contains('<'), "{:?}", mail.text);
    assert!(!mail.text.contains("font-family"), "styles are not words: {:?}", mail.text);
    assert!(mail.text.contains("\"not my section\""));
    assert!(mail.text.contains("45\u{a0}minutes") || mail.text.contains("45 minutes"));
}

#[test]
fn attachments_are_decoded_with_names_and_types() {
    let mail = parse("04-apple-mail-two-attachments.eml");
    let names: Vec<_> = mail.attachments.iter().map(|a| a.filename.as_deref()).collect();
    assert_eq!(names, vec![Some("IMG_4412.jpeg"), Some("delivery-note.pdf")]);
    assert_eq!(mail.attachments[0].content_type, "image/jpeg");
    assert!(mail.attachments[0].bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(mail.attachments[0].bytes.len(), 6 + 14 + 3000 + 2);
    assert!(mail.attachments[1].bytes.starts_with(b"%PDF-1.4"));
    // Both text parts around the attachments are the customer's words.
    assert!(mail.text.contains("Sent from my iPhone"));

    let mail = parse("29-rfc2231-filename.eml");
    assert_eq!(mail.attachments[0].filename.as_deref(), Some("Rechnung März.pdf"));
    assert_eq!(mail.attachments[0].content_type, "application/pdf");

    let mail = parse("27-forwarded-message-rfc822.eml");
    assert_eq!(mail.attachments[0].content_type, "message/rfc822");
    assert_eq!(mail.attachments[0].filename.as_deref(), Some("Your order confirmation 88410.eml"));
    let forwarded = String::from_utf8_lossy(&mail.attachments[0].bytes);
    assert!(forwarded.contains("Delivery: Tuesday 2 April."));

    let mail = parse("28-html-inline-image-related.eml");
    assert_eq!(mail.attachments[0].content_type, "image/gif");
    assert!(mail.attachments[0].bytes.starts_with(b"GIF89a"));
}

#[test]
fn a_huge_attachment_is_kept_whole_and_refused_with_a_notice() {
    let mail = parse("17-huge-attachment.eml");
    assert_eq!(mail.attachments[0].bytes.len(), 1_572_864);
    assert_eq!(mail.attachments[0].content_type, "video/mp4");
    assert_eq!(check_attachment_limits(&mail, 2 << 20, 10 << 20), Ok(()));
    let refused = check_attachment_limits(&mail, 1 << 20, 10 << 20).unwrap_err();
    assert_eq!(refused.oversized.len(), 1);
    assert_eq!(refused.oversized[0].filename.as_deref(), Some("treadmill.mp4"));
    assert_eq!(
        refused.notice(),
        "Too large to accept: the attachment \"treadmill.mp4\" is 1.5 MiB (the limit for one file is 1.0 MiB)."
    );
    let refused = check_attachment_limits(&mail, 2 << 20, 1 << 20).unwrap_err();
    assert!(refused.over_total() && refused.oversized.is_empty());
}

#[test]
fn a_long_letter_is_never_truncated() {
    let mail = parse("34-long-venting-qp.eml");
    // The letter as the customer wrote it, before quoted-printable broke its lines.
    let sentence = "I want to explain everything that happened, because nobody has listened so far. ";
    let mut letter: String = (0..80).map(|i| format!("Paragraph {i}: {}\n\n", sentence.repeat(6))).collect();
    letter.push_str("And this is the final sentence at the very end of my letter.\n");
    assert_eq!(mail.text.len(), letter.len());
    assert_eq!(mail.text, letter);
}

#[test]
fn machine_mail_never_looks_like_a_person() {
    for e in expectations() {
        if e.outcome == "auto_reply" || e.outcome == "bounce" {
            let mail = parse(&e.file);
            assert_ne!(mail.kind, MailKind::Message, "{}", e.file);
        }
    }
}
