//! Mail in: turns the raw bytes of one received message into the facts the desk
//! needs to thread it onto a case — who wrote, what they said, which earlier
//! message it answers, whether a machine sent it, and what files came with it.
//!
//! Pure: no I/O, no clock, no allocation beyond the message's own size, and it
//! never panics on any input (it is fuzzed). It decides nothing about cases.

use std::borrow::Cow;

use crate::html_text::html_to_text;
use mail_parser::{Address, HeaderValue, Message, MessageParser, MimeHeaders, PartType};

/// The prefix of a case's human reference, as in `AM-1042`.
pub const CASE_REFERENCE_PREFIX: &str = "AM-";

/// One received message, as the desk needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingMail {
    /// The Message-ID without angle brackets, e.g. `case-1042.abc@amends.local`.
    pub message_id: Option<String>,
    /// The first id in In-Reply-To, without angle brackets.
    pub in_reply_to: Option<String>,
    /// Every id in References, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The sender's display name, decoded (RFC 2047) into UTF-8.
    pub from_name: Option<String>,
    /// The sender's address as written. `None` only for a [`MailKind::Bounce`]:
    /// any other message without one is refused with [`IngestError::NoSender`].
    pub from_email: Option<String>,
    /// The subject, decoded into UTF-8.
    pub subject: Option<String>,
    /// The Date header as seconds since the Unix epoch (UTC), when valid. The
    /// sender's clock: not for ordering, but enough to never acknowledge old
    /// mail found by an import or a backfill.
    pub sent_at: Option<i64>,
    /// The customer's words: every text/plain body part (or, for HTML-only mail,
    /// text derived from the HTML), decoded into UTF-8 and never truncated.
    /// Line endings are normalised to `\n`; nothing else is changed.
    pub text: String,
    /// A case's human reference found in the subject (`[AM-1042]` or `AM-1042`).
    pub case_reference: Option<String>,
    /// Whether a person wrote this, or a machine answered on their behalf.
    pub kind: MailKind,
    /// Every attached file (including inline images and forwarded messages).
    pub attachments: Vec<Attachment>,
    /// What a spam filter reads beyond the words: the header as sent, and the HTML.
    pub signals: Signals,
    /// The `Content-Language` header as written (`de`, `de-DE, en`): the language the
    /// sender says they wrote in.
    pub content_language: Option<String>,
}

/// The parts of a message a spam filter weighs, as the sender wrote them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signals {
    /// The Message-ID header exactly as written (the parsed one drops what is odd).
    pub message_id_header: Option<String>,
    /// Precedence or X-Precedence.
    pub precedence: Option<String>,
    /// Every Authentication-Results header, as the receiving servers wrote them.
    pub authentication_results: Vec<String>,
    /// Addresses in To and Cc together.
    pub recipients: usize,
    /// The first HTML body, for its links and their visible text.
    pub html: Option<String>,
}

/// Who (or what) sent a message. Only a [`MailKind::Message`] may open a case;
/// auto-replies and bounces never do, and never get an acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailKind {
    /// Written by a person.
    Message,
    /// An out-of-office, vacation responder, read receipt, list or bulk mail.
    AutoReply,
    /// A delivery failure report: something the desk sent did not arrive.
    Bounce,
}

impl MailKind {
    /// The kind's name as written in logs and the corpus: `message`, `auto_reply`, `bounce`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::Message => "message",
            MailKind::AutoReply => "auto_reply",
            MailKind::Bounce => "bounce",
        }
    }
}

/// A file that came with a message, decoded from its transfer encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name as the sender gave it (decoded), if any.
    pub filename: Option<String>,
    /// `type/subtype` in lower case, e.g. `image/png`.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // The bytes can be megabytes: show their size, not their contents.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// Why a message can never be taken. Retrying the same bytes gives the same answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("the message is empty")]
    Empty,
    #[error("this is not an email message: it does not start with header fields")]
    NotMail,
    #[error("the message has no From address, so there is no one to answer")]
    NoSender,
    #[error("the message's MIME structure cannot be read")]
    Malformed,
}

impl IngestError {
    /// A stable, machine-readable reason: `empty`, `not_mail`, `no_sender`, `malformed`.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::Empty => "empty",
            IngestError::NotMail => "not_mail",
            IngestError::NoSender => "no_sender",
            IngestError::Malformed => "malformed",
        }
    }
}

/// Parses one raw message (as an MTA pipes it, or as IMAP hands it over).
///
/// A leading mbox `From ` line is skipped. Never panics, even when the MIME parser does.
pub fn parse_incoming(raw: &[u8]) -> Result<IncomingMail, IngestError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::Empty);
    }
    let raw = skip_leading_noise(raw);
    if !starts_with_header_field(raw) {
        return Err(IngestError::NotMail);
    }
    // The parser is not ours and meets hostile bytes: should it panic (a fuzzed message
    // trips one of its internal assertions in debug builds), the message is refused for
    // good instead of taking down `amends mail ingest` or the mailbox poller with it.
    let parsed = std::panic::catch_unwind(|| MessageParser::default().parse(raw));
    let message = parsed.map_err(|_| IngestError::Malformed)?.ok_or(IngestError::NotMail)?;
    if message.headers().is_empty() {
        return Err(IngestError::NotMail);
    }

    let kind = classify(&message);
    let (from_name, from_email) = sender(&message);
    if from_email.is_none() && kind != MailKind::Bounce {
        return Err(IngestError::NoSender);
    }
    let subject = message.subject().map(|s| s.trim().to_owned());
    let case_reference = subject.as_deref().and_then(find_case_reference);

    Ok(IncomingMail {
        message_id: message.message_id().and_then(clean_id),
        in_reply_to: ids(message.in_reply_to()).into_iter().next(),
        references: ids(message.references()),
        from_name,
        from_email,
        subject,
        sent_at: message.date().filter(|d| d.is_valid()).map(|d| d.to_timestamp()),
        text: body_text(&message),
        case_reference,
        kind,
        attachments: attachments(&message),
        signals: signals(&message),
        content_language: raw_header(&message, "Content-Language").map(str::to_owned),
    })
}

fn signals(message: &Message<'_>) -> Signals {
    let count = |a: Option<&Address<'_>>| a.map_or(0, |a| a.iter().count());
    Signals {
        message_id_header: raw_header(message, "Message-ID").map(str::to_owned),
        precedence: raw_header(message, "Precedence")
            .or_else(|| raw_header(message, "X-Precedence"))
            .map(str::to_owned),
        authentication_results: message
            .headers_raw()
            .filter(|(n, _)| n.eq_ignore_ascii_case("Authentication-Results"))
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect(),
        recipients: count(message.to()) + count(message.cc()),
        html: message.body_html(0).map(|h| h.into_owned()),
    }
}

/// Finds a case's human reference (`AM-1042`) in a subject or any text: a
/// bracketed `[AM-1042]` wins over a bare one; the prefix is matched in any case
/// and returned in upper case. `XAM-1` or `AM-12a` are not references.
pub fn find_case_reference(text: &str) -> Option<String> {
    let mut bare = None;
    let bytes = text.as_bytes();
    let prefix = CASE_REFERENCE_PREFIX.as_bytes();
    let mut i = 0;
    while i + prefix.len() < bytes.len() {
        let candidate = bytes.get(i..i + prefix.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(prefix)) {
            let before = i.checked_sub(1).and_then(|b| bytes.get(b)).copied();
            let digits_start = i + prefix.len();
            let digits =
                bytes.get(digits_start..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
            let after = bytes.get(digits_start + digits).copied();
            let word_start = before.is_none_or(|b| !b.is_ascii_alphanumeric());
            let word_end = after.is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'-');
            if word_start && word_end && (1..=12).contains(&digits) {
                let number = text.get(digits_start..digits_start + digits).unwrap_or("");
                let reference = format!("{CASE_REFERENCE_PREFIX}{number}");
                if before == Some(b'[') && after == Some(b']') {
                    return Some(reference);
                }
                bare.get_or_insert(reference);
            }
            i = digits_start + digits;
        } else {
            i += 1;
        }
    }
    bare
}

/// The attachments that break the caller's limits, so the customer can be told
/// which file was refused and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.notice())]
pub struct TooLarge {
    pub max_each: usize,
    pub max_total: usize,
    /// The size of all attachments together.
    pub total: usize,
    /// Each attachment above `max_each`, in message order.
    pub oversized: Vec<OversizedAttachment>,
}

/// One attachment above the per-file limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OversizedAttachment {
    /// Its position in [`IncomingMail::attachments`].
    pub index: usize,
    pub filename: Option<String>,
    pub size: usize,
}

impl TooLarge {
    /// Whether the attachments together are above `max_total`.
    pub fn over_total(&self) -> bool {
        self.total > self.max_total
    }

    /// A sentence for the customer (or the case timeline) naming what was refused.
    pub fn notice(&self) -> String {
        let mut parts = Vec::new();
        for file in &self.oversized {
            parts.push(format!(
                "the attachment {} is {} (the limit for one file is {})",
                file.filename.as_deref().map_or_else(|| format!("number {}", file.index + 1), |n| format!("\"{n}\"")),
                human_size(file.size),
                human_size(self.max_each)
            ));
        }
        if self.over_total() {
            parts.push(format!(
                "the attachments together are {} (the limit for one message is {})",
                human_size(self.total),
                human_size(self.max_total)
            ));
        }
        format!("Too large to accept: {}.", parts.join("; "))
    }
}

/// Checks the attachments against a per-file and a per-message limit (in bytes).
pub fn check_attachment_limits(mail: &IncomingMail, max_each: usize, max_total: usize) -> Result<(), TooLarge> {
    let total = mail.attachments.iter().fold(0usize, |sum, a| sum.saturating_add(a.bytes.len()));
    let oversized: Vec<_> = mail
        .attachments
        .iter()
        .enumerate()
        .filter(|(_, a)| a.bytes.len() > max_each)
        .map(|(index, a)| OversizedAttachment { index, filename: a.filename.clone(), size: a.bytes.len() })
        .collect();
    if oversized.is_empty() && total <= max_total {
        Ok(())
    } else {
        Err(TooLarge { max_each, max_total, total, oversized })
    }
}

fn human_size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{:.1} KiB", bytes as f64 / KIB as f64)
    } else {
        format!("{bytes} bytes")
    }
}

/// What comes before the first header without being part of the message: a
/// byte-order mark (a message saved by a Windows editor), blank lines, and the
/// `From sender date` line that MTAs delivering mbox-style to a pipe put first.
fn skip_leading_noise(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let start = raw.iter().position(|&b| b != b'\r' && b != b'\n').unwrap_or(raw.len());
    let raw = raw.get(start..).unwrap_or_default();
    if raw.starts_with(b"From ") {
        match raw.iter().position(|&b| b == b'\n') {
            Some(end) => raw.get(end + 1..).unwrap_or_default(),
            None => &[],
        }
    } else {
        raw
    }
}

/// A message starts with a header field: a name of printable ASCII without a
/// colon, then a colon. Anything else (binary, HTML, a bare body) is not mail.
fn starts_with_header_field(raw: &[u8]) -> bool {
    let name_len = raw.iter().take_while(|&&b| b.is_ascii_graphic() && b != b':').count();
    let rest = raw.get(name_len..).unwrap_or_default();
    let after_blanks = rest.iter().position(|&b| b != b' ' && b != b'\t').and_then(|p| rest.get(p));
    name_len > 0 && after_blanks == Some(&b':')
}

/// The raw value of the first top-level header with this name, trimmed.
fn raw_header<'a>(message: &'a Message<'_>, name: &str) -> Option<&'a str> {
    message.headers_raw().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

fn has_header(message: &Message<'_>, name: &str) -> bool {
    raw_header(message, name).is_some()
}

fn classify(message: &Message<'_>) -> MailKind {
    let content_type = message.root_part().content_type();
    let report_type = content_type
        .filter(|ct| {
            ct.c_type.eq_ignore_ascii_case("multipart")
                && ct.c_subtype.as_deref().is_some_and(|s| s.eq_ignore_ascii_case("report"))
        })
        .map(|ct| ct.attribute("report-type").unwrap_or("").to_ascii_lowercase());
    if let Some(report_type) = report_type {
        // A read receipt (disposition-notification) is a machine's answer, not a failure.
        return if report_type == "disposition-notification" { MailKind::AutoReply } else { MailKind::Bounce };
    }
    let from_local = message
        .from()
        .and_then(Address::first)
        .and_then(|a| a.address())
        .and_then(|a| a.split('@').next())
        .unwrap_or("");
    if from_local.eq_ignore_ascii_case("mailer-daemon")
        || from_local.eq_ignore_ascii_case("postmaster")
        || has_header(message, "X-Failed-Recipients")
        || message.parts.iter().any(|p| {
            p.is_content_type("message", "delivery-status") || p.is_content_type("message", "global-delivery-status")
        })
    {
        return MailKind::Bounce;
    }
    if is_auto_reply(message) {
        return MailKind::AutoReply;
    }
    // A null return path with no auto-reply marks: a delivery report of some kind.
    if raw_header(message, "Return-Path").is_some_and(|v| v.replace([' ', '\t'], "") == "<>") {
        return MailKind::Bounce;
    }
    MailKind::Message
}

fn is_auto_reply(message: &Message<'_>) -> bool {
    let auto_submitted =
        raw_header(message, "Auto-Submitted").map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    if auto_submitted.is_some_and(|v| v != "no") {
        return true;
    }
    if ["X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-AutoReply-From", "X-Mail-Autoreply"]
        .iter()
        .any(|h| raw_header(message, h).is_some_and(|v| !v.eq_ignore_ascii_case("no")))
    {
        return true;
    }
    if raw_header(message, "X-Autogenerated").is_some_and(|v| v.eq_ignore_ascii_case("reply")) {
        return true;
    }
    let precedence = ["Precedence", "X-Precedence"]
        .iter()
        .filter_map(|h| raw_header(message, h))
        .any(|v| matches!(v.to_ascii_lowercase().as_str(), "bulk" | "auto_reply" | "auto-reply" | "junk" | "list"));
    if precedence {
        return true;
    }
    // Outlook and Exchange mark their own machine answers with these headers, but
    // also ordinary mail now and then: only together with an automatic subject.
    let machine_marks = has_header(message, "X-Auto-Response-Suppress")
        || has_header(message, "X-MS-Exchange-Inbox-Rules-Loop")
        || has_header(message, "X-MS-Exchange-Generated-Message-Source");
    machine_marks && message.subject().is_some_and(automatic_subject)
}

fn automatic_subject(subject: &str) -> bool {
    let s = subject.trim().to_lowercase();
    const STARTS: &[&str] = &[
        "automatic reply",
        "auto-reply",
        "autoreply",
        "auto reply",
        "auto:",
        "out of office",
        "out of the office",
        "abwesenheitsnotiz",
        "automatische antwort",
        "réponse automatique",
        "respuesta automática",
        "risposta automatica",
        "automatisch antwoord",
    ];
    STARTS.iter().any(|p| s.starts_with(p)) || s.contains("out of office") || s.contains("vacation")
}

fn sender(message: &Message<'_>) -> (Option<String>, Option<String>) {
    let Some(addr) = message.from().and_then(Address::first) else {
        return (None, None);
    };
    let email = addr
        .address()
        .map(str::trim)
        .filter(|a| a.contains('@') && !a.starts_with('@') && !a.ends_with('@'))
        .map(str::to_owned);
    let name = addr.name().map(|n| n.trim().trim_matches('"').trim()).filter(|n| !n.is_empty()).map(str::to_owned);
    (name, email)
}

/// Message ids are kept without their angle brackets.
fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>').trim();
    (!id.is_empty()).then(|| id.to_owned())
}

fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => clean_id(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
}

/// Every inline text part in order (Apple Mail splits the words around an
/// attachment); an HTML part only where the sender gave no plain text for it.
fn body_text(message: &Message<'_>) -> String {
    let mut text = String::new();
    for part in message.text_bodies() {
        let words: Cow<'_, str> = match &part.body {
            PartType::Text(plain) => Cow::Borrowed(plain.as_ref()),
            PartType::Html(html) => Cow::Owned(html_to_text(html)),
            _ => continue,
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&words);
    }
    normalise_line_endings(text)
}

fn normalise_line_endings(text: String) -> String {
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text }
}

fn attachments(message: &Message<'_>) -> Vec<Attachment> {
    message
        .attachments()
        .map(|part| {
            let content_type = part.content_type().map_or_else(
                || default_content_type(&part.body).to_owned(),
                |ct| match ct.c_subtype.as_deref() {
                    Some(sub) => format!("{}/{}", ct.c_type, sub).to_ascii_lowercase(),
                    None => ct.c_type.to_ascii_lowercase(),
                },
            );
            let filename = part
                .attachment_name()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .or_else(|| nested_subject_name(part));
            Attachment { filename, content_type, bytes: part.contents().to_vec() }
        })
        .collect()
}

fn default_content_type(body: &PartType<'_>) -> &'static str {
    match body {
        PartType::Text(_) => "text/plain",
        PartType::Html(_) => "text/html",
        PartType::Message(_) => "message/rfc822",
        _ => "application/octet-stream",
    }
}

/// A forwarded message has no file name; its subject is the best name it has.
fn nested_subject_name(part: &mail_parser::MessagePart<'_>) -> Option<String> {
    let nested = part.message()?;
    let subject: Cow<'_, str> = nested.subject()?.trim().into();
    (!subject.is_empty()).then(|| format!("{subject}.eml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_reference_forms() {
        assert_eq!(find_case_reference("Re: [AM-1042] Cold soup").as_deref(), Some("AM-1042"));
        assert_eq!(find_case_reference("about am-7, again").as_deref(), Some("AM-7"));
        assert_eq!(find_case_reference("AM-12 and [AM-99]").as_deref(), Some("AM-99"));
        assert_eq!(find_case_reference("XAM-12"), None);
        assert_eq!(find_case_reference("AM-12a"), None);
        assert_eq!(find_case_reference("AM-"), None);
        assert_eq!(find_case_reference("PAM-2021-3"), None);
        assert_eq!(find_case_reference("ĀM-1 AM-2").as_deref(), Some("AM-2"));
    }

    #[test]
    fn header_field_start() {
        assert!(starts_with_header_field(b"From: a@b\r\n"));
        assert!(starts_with_header_field(b"X-Thing : v\n"));
        assert!(!starts_with_header_field(b": v\n"));
        assert!(!starts_with_header_field(b"Hello there\n"));
        assert!(!starts_with_header_field(b"<html>"));
    }

    #[test]
    fn bom_and_blank_lines_before_the_headers_are_skipped() {
        let mail = parse_incoming(b"\xEF\xBB\xBF\r\n\r\nFrom: A <a@b.example>\r\n\r\nhi\r\n");
        assert_eq!(mail.map(|m| m.text), Ok("hi\n".to_owned()));
        assert_eq!(parse_incoming(b"\r\n\r\nhello"), Err(IngestError::NotMail));
    }

    #[test]
    fn mbox_from_line_is_skipped() {
        let mail =
            parse_incoming(b"From a@b.example Mon Jan  1 00:00:00 2024\nFrom: A <a@b.example>\nSubject: x\n\nhi\n");
        assert_eq!(mail.map(|m| m.from_email), Ok(Some("a@b.example".to_owned())));
    }

    #[test]
    fn limits_name_the_file() {
        let mail = IncomingMail {
            message_id: None,
            in_reply_to: None,
            references: vec![],
            from_name: None,
            from_email: Some("a@b.example".into()),
            subject: None,
            sent_at: None,
            text: String::new(),
            case_reference: None,
            kind: MailKind::Message,
            content_language: None,
            attachments: vec![
                Attachment {
                    filename: Some("small.txt".into()),
                    content_type: "text/plain".into(),
                    bytes: vec![0; 10],
                },
                Attachment {
                    filename: Some("big.pdf".into()),
                    content_type: "application/pdf".into(),
                    bytes: vec![0; 3000],
                },
            ],
            signals: Signals::default(),
        };
        assert_eq!(check_attachment_limits(&mail, 5000, 5000), Ok(()));
        let err = check_attachment_limits(&mail, 2048, 5000).err();
        let err = err.as_ref();
        assert_eq!(err.map(|e| e.oversized.len()), Some(1));
        assert_eq!(err.map(TooLarge::over_total), Some(false));
        assert!(err.is_some_and(|e| e.notice().contains("\"big.pdf\" is 2.9 KiB")));
        let err = check_attachment_limits(&mail, 5000, 1000).err();
        assert!(err.is_some_and(|e| e.over_total() && e.oversized.is_empty()));
    }
}
