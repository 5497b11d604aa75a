//! What each fuzz target checks. Shared by the libFuzzer targets (`fuzz_targets/`) and
//! the regression test (`crates/amends/tests/fuzz_regressions.rs`), which replays every
//! input a target ever failed on (`regressions/<target>/`), so a fixed crash stays fixed.
//! Every check is an answer-never-a-panic check plus the promises that can be stated
//! without a database.

use amends_coach::{Coach, Purpose};

pub const TARGETS: &[&str] = &["mail_ingest", "coach", "complaint_form", "api_json", "link_token"];

pub fn check(target: &str, data: &[u8]) {
    match target {
        "mail_ingest" => mail_ingest(data),
        "coach" => coach(data),
        "complaint_form" => complaint_form(data),
        "api_json" => api_json(data),
        "link_token" => link_token(data),
        other => panic!("no fuzz target {other}"),
    }
}

/// Raw bytes as an MTA pipes them: parsed, routed as far as routing goes without the
/// database. A message is refused only permanently (a parse can never be "try later").
pub fn mail_ingest(data: &[u8]) {
    use amends_jobs::ingest::*;
    let ReadMessage { mail, inbound } = match read_message(data) {
        Ok(read) => read,
        Err(IngestFailure::Permanent(_)) => return,
        Err(e @ IngestFailure::Temporary(_)) => panic!("parsing said try again later: {e}"),
    };
    assert!(!inbound.message_id.is_empty());
    for text in [Some(&mail.text), mail.subject.as_ref(), mail.from_name.as_ref()].into_iter().flatten() {
        assert!(!text.contains('\0'), "a NUL would reach the database");
    }
    let _ = amends_mail::check_attachment_limits(&mail, 1024, 4096);
    let (kept, _) = attachments_within_limits(&mail);
    assert!(kept.iter().map(|a| a.data.len()).sum::<usize>() <= MAX_ATTACHMENTS_BYTES);
    let _ = thread_keys(&mail);
    let _ = reply_text(&mail);
    if let Ok(from) = sender(&mail)
        && let Ok(parts) = case_parts(&mail, &from)
    {
        // Whatever the From name and subject held, what reaches a header is one line.
        assert!(!parts.name.as_str().chars().any(char::is_control), "{:?}", parts.name);
        assert!(!parts.subject.unwrap_or_default().chars().any(char::is_control));
        acknowledgement_builds(&from, parts.name.as_str());
    }
}

/// The mail to this customer builds without a panic and without a header of theirs.
fn acknowledgement_builds(email: &amends_domain::CustomerEmail, name: &str) {
    let mail = amends_mail::OutgoingMail {
        to_email: email.as_str().to_owned(),
        to_name: Some(name.to_owned()),
        subject: format!("We have your message, {name}"),
        text: "Thank you.".to_owned(),
        html: None,
        message_id: "fuzz@desk.example".to_owned(),
        in_reply_to: None,
        references: Vec::new(),
        reply_to: None,
    };
    if let Ok(raw) = amends_mail::build_message(&mail, "Desk <desk@shop.example>") {
        let raw = String::from_utf8_lossy(&raw);
        let headers = raw.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
        assert!(!headers.lines().any(|l| l.starts_with("bcc:") || l.starts_with("cc:")), "{headers}");
    }
}

fn english() -> &'static Coach {
    Coach::shared("en")
}

/// Any text for any purpose: a review whose findings point inside the text, in order.
pub fn coach(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else { return };
    let purpose = Purpose::ALL[usize::from(first) % Purpose::ALL.len()];
    let text = String::from_utf8_lossy(rest);
    let review = english().review(&text, purpose);
    let chars = text.chars().count();
    assert!(review.score <= 100);
    let mut previous = 0;
    for f in &review.findings {
        assert!(f.start <= f.end && f.end <= chars, "finding {}..{} outside {chars} chars", f.start, f.end);
        assert!(f.start >= previous, "findings out of order");
        previous = f.start;
    }
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().build().unwrap())
}

/// The public complaint form's body (multipart), read as the handler reads it. A form
/// that cannot be read is a 4xx page that keeps what was typed; one that can is then
/// checked as the handler checks it.
pub fn complaint_form(data: &[u8]) {
    use amends_web::decode::{SentForm, Unreadable, read_complaint_form};
    use axum::extract::FromRequest;
    let request = axum::http::Request::builder()
        .method("POST")
        .header("content-type", "multipart/form-data; boundary=AmendsFuzz")
        .body(axum::body::Body::from(data.to_vec()))
        .unwrap();
    runtime().block_on(async {
        let Ok(mut multipart) = axum::extract::Multipart::from_request(request, &()).await else { return };
        match read_complaint_form(&mut multipart).await {
            Ok(SentForm { draft, files, file_error }) => {
                if file_error.is_none() {
                    assert!(files.len() <= 5);
                }
                for f in &files {
                    assert!(!f.filename.contains(['/', '\\']) && !f.filename.chars().any(char::is_control));
                }
                let name = amends_domain::CustomerName::parse(draft.get("name").map(String::as_str).unwrap_or(""));
                let email = amends_domain::CustomerEmail::parse(draft.get("email").map(String::as_str).unwrap_or(""));
                if let (Ok(name), Ok(email)) = (name, email) {
                    assert!(!name.as_str().chars().any(char::is_control), "{name:?}");
                    acknowledgement_builds(&email, name.as_str());
                }
                let _ = amends_domain::Complaint::parse(draft.get("body").cloned().unwrap_or_default());
            }
            Err(Unreadable { status, .. }) => assert!(status.is_client_error(), "{status}"),
        }
    });
}

/// A JSON body for one of the API's request types: taken, or refused with a 4xx in the
/// error shape, never a panic or a 5xx. The input is `name\nbody` (seeds/api_json/);
/// when the first line is no body's name, the first byte picks one.
pub fn api_json(data: &[u8]) {
    let Some(&first) = data.first() else { return };
    let names: Vec<&str> = amends_web::decode::body_names().collect();
    let named = data
        .iter()
        .position(|&b| b == b'\n')
        .and_then(|i| names.iter().find(|n| n.as_bytes() == &data[..i]).map(|n| (*n, &data[i + 1..])));
    let (which, body) = named.unwrap_or((names[usize::from(first) % names.len()], &data[1..]));
    static COACHES: std::sync::OnceLock<amends_web::decode::Coaches> = std::sync::OnceLock::new();
    let coaches = COACHES.get_or_init(|| amends_web::decode::Coaches::new(None));
    if let Some(Err(e)) = amends_web::decode::decode_body(which, body, coaches) {
        assert!(e.status.is_client_error(), "{which}: {} {}", e.status, e.message);
    }
}

/// A customer link's token as it comes from the URL: only the shape of a token is
/// looked up, its hash is what is stored, and secrets compare by content.
pub fn link_token(data: &[u8]) {
    use amends_store::secret::{link_token_hash, same_secret, secret_hash};
    let Ok(text) = std::str::from_utf8(data) else { return };
    let shaped = text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit());
    match link_token_hash(text) {
        Some(hash) => {
            assert!(shaped);
            assert_eq!(hash.len(), 64);
            assert!(same_secret(&hash, &secret_hash(text)));
        }
        None => assert!(!shaped),
    }
    let mid = text.char_indices().map(|(i, _)| i).nth(text.chars().count() / 2).unwrap_or(text.len());
    let (a, b) = text.split_at(mid);
    assert_eq!(same_secret(a, b), a == b);
    assert!(same_secret(a, a));
}
