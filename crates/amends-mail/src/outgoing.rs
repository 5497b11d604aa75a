//! Mail out, part one: renders a message the desk sends to a customer into the
//! exact RFC 5322 bytes that go on the wire (and into the outbox, so a retry
//! sends the very same message). No I/O here; `smtp` delivers the bytes.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};

/// A message from the desk to one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to_email: String,
    pub to_name: Option<String>,
    pub subject: String,
    /// The plain-text body; always sent.
    pub text: String,
    /// An HTML rendering of the same words, sent as an alternative when given.
    pub html: Option<String>,
    /// Used exactly as given (angle brackets optional), so the customer's reply
    /// names it in In-Reply-To and threads back onto the case.
    pub message_id: String,
    /// The customer's message this answers, if any (angle brackets optional).
    pub in_reply_to: Option<String>,
    /// The thread so far, oldest first (angle brackets optional).
    pub references: Vec<String>,
    /// Where replies should go when not to `from`, e.g. `"Amends <desk@shop.example>"`.
    pub reply_to: Option<String>,
}

/// Why a message could not be rendered. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    #[error("the sender address {0:?} is not a valid mailbox")]
    InvalidFrom(String),
    #[error("the recipient address {0:?} is not a valid mailbox")]
    InvalidTo(String),
    #[error("the reply-to address {0:?} is not a valid mailbox")]
    InvalidReplyTo(String),
    #[error("{0:?} is not a valid message id (it needs the form left@right, without spaces)")]
    InvalidMessageId(String),
    #[error("the message could not be rendered: {0}")]
    Render(String),
}

impl BuildError {
    /// A stable, machine-readable reason.
    pub fn reason(&self) -> &'static str {
        match self {
            BuildError::InvalidFrom(_) => "invalid_from",
            BuildError::InvalidTo(_) => "invalid_to",
            BuildError::InvalidReplyTo(_) => "invalid_reply_to",
            BuildError::InvalidMessageId(_) => "invalid_message_id",
            BuildError::Render(_) => "render",
        }
    }
}

/// Renders `mail` as sent by `from` (`"Shop Desk <desk@shop.example>"` or a bare
/// address): text alone, or text and HTML as `multipart/alternative`. The bytes
/// use CRLF line endings and end with one; a Date header is added (now).
///
/// Header-bound text (the recipient's name, the subject) is folded onto one line
/// first: the doors refuse line breaks, but a row written before they did, or a
/// template a manager edited, must not start a header of its own. And lettre asserts
/// rather than returns on some malformed input, so a panic inside it becomes
/// [`BuildError::Render`]: one bad message fails alone.
pub fn build_message(mail: &OutgoingMail, from: &str) -> Result<Vec<u8>, BuildError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_unguarded(mail, from))).unwrap_or_else(|panic| {
        let why = panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "the mail library stopped".to_owned());
        Err(BuildError::Render(why))
    })
}

fn build_unguarded(mail: &OutgoingMail, from: &str) -> Result<Vec<u8>, BuildError> {
    let from: Mailbox = from.trim().parse().map_err(|_| BuildError::InvalidFrom(from.to_owned()))?;
    let to_address = mail.to_email.trim().parse().map_err(|_| BuildError::InvalidTo(mail.to_email.clone()))?;
    let to_name = mail.to_name.as_deref().map(one_line).filter(|n| !n.is_empty());
    let to = Mailbox::new(to_name, to_address);

    let mut builder = lettre::Message::builder()
        .from(from)
        .to(to)
        .subject(one_line(&mail.subject))
        .message_id(Some(bracketed_id(&mail.message_id)?));
    if let Some(reply_to) = &mail.reply_to {
        let mailbox: Mailbox = reply_to.trim().parse().map_err(|_| BuildError::InvalidReplyTo(reply_to.clone()))?;
        builder = builder.reply_to(mailbox);
    }
    if let Some(id) = &mail.in_reply_to {
        builder = builder.in_reply_to(bracketed_id(id)?);
    }
    if !mail.references.is_empty() {
        let references = mail.references.iter().map(|id| bracketed_id(id)).collect::<Result<Vec<_>, _>>()?;
        builder = builder.references(references.join(" "));
    }

    let text_part = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(mail.text.clone());
    let message = match &mail.html {
        None => builder.singlepart(text_part),
        Some(html) => builder.multipart(
            MultiPart::alternative()
                .singlepart(text_part)
                .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.clone())),
        ),
    }
    .map_err(|e| BuildError::Render(e.to_string()))?;
    let mut raw = message.formatted();
    // lettre ends a single-part body with one more CRLF, which would add an
    // empty line to the customer's text when the text ends with a newline.
    if raw.ends_with(b"\r\n\r\n") {
        raw.truncate(raw.len() - 2);
    }
    Ok(raw)
}

/// The text with every run of control characters and white space folded into one
/// space, so it cannot leave its header line.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control() || c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `<left@right>`, from an id given with or without its brackets.
/// Whether a mail header can carry `id` as a Message-ID (with or without brackets).
pub fn is_message_id(id: &str) -> bool {
    bracketed_id(id).is_ok()
}

fn bracketed_id(id: &str) -> Result<String, BuildError> {
    let bare = id.trim().trim_start_matches('<').trim_end_matches('>');
    let valid = bare.split_once('@').is_some_and(|(left, right)| !left.is_empty() && !right.is_empty())
        && bare.chars().all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '"' | '\\' | '(' | ')'));
    if valid { Ok(format!("<{bare}>")) } else { Err(BuildError::InvalidMessageId(id.to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(raw: &[u8]) -> String {
        let text = String::from_utf8_lossy(raw);
        text.split("\r\n\r\n").next().unwrap_or_default().to_owned()
    }

    #[test]
    fn a_line_break_in_a_name_or_subject_never_starts_a_header() {
        for name in ["Dana\r\nBcc: x@example.test", "Dana\nBcc: x@example.test", "Dana\rBcc: x@example.test"] {
            let mail = OutgoingMail {
                to_email: "dana@example.test".into(),
                to_name: Some(name.into()),
                subject: format!("About your order\r\nBcc: y@example.test {name}"),
                text: "Hello".into(),
                html: None,
                message_id: "m1@desk.example".into(),
                in_reply_to: None,
                references: vec![],
                reply_to: None,
            };
            let raw = build_message(&mail, "Desk <desk@shop.example>").expect("the message is built");
            let headers = headers(&raw);
            assert!(
                !headers.lines().any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
                "no Bcc header for {name:?}:\n{headers}"
            );
            let parsed = mail_parser::MessageParser::default().parse(&raw).expect("parses");
            assert!(parsed.bcc().is_none(), "{name:?}");
            assert_eq!(parsed.to().and_then(|a| a.first()).and_then(|a| a.address()), Some("dana@example.test"));
        }
    }

    #[test]
    fn ids_are_bracketed_once() {
        assert_eq!(bracketed_id("a.b@c").as_deref(), Ok("<a.b@c>"));
        assert_eq!(bracketed_id("<a.b@c>").as_deref(), Ok("<a.b@c>"));
        assert!(bracketed_id("no-at-sign").is_err());
        assert!(bracketed_id("a b@c").is_err());
        assert!(bracketed_id("@c").is_err());
    }
}
