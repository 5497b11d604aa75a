//! Amends' email component: MIME in, messages out, and mailbox polling.
//!
//! - [`parse_incoming`] turns the raw bytes of one received message (piped by an
//!   MTA to `amends mail ingest`, or fetched by [`poll`]) into an
//!   [`IncomingMail`]: the sender, the customer's own words decoded into UTF-8
//!   and never truncated, the threading hints (Message-ID, In-Reply-To,
//!   References, a case reference such as `AM-1042` in the subject), whether a
//!   machine sent it ([`MailKind::AutoReply`], [`MailKind::Bounce`]), and the
//!   attachments. [`check_attachment_limits`] lets the caller refuse a file that
//!   is too large *with a notice* instead of dropping it.
//! - [`build_message`] renders an [`OutgoingMail`] to RFC 5322 bytes with the
//!   Message-ID exactly as given, so the customer's reply threads back.
//! - [`send`] hands those bytes to an SMTP server and says whether a failure is
//!   [`SendError::Temporary`] (retry later), [`SendError::Permanent`] (never
//!   retry) or [`SendError::Settings`] (the desk's settings are wrong).
//! - [`poll`] reads unseen messages from an IMAP folder and marks each one seen
//!   (or moves it) only after the caller has taken it.
//!
//! What it must not do: no database, no HTTP, no knowledge of cases or
//! customers, no queue and no clock-driven retries. The caller (the `amends`
//! binary and its jobs) decides which case a message threads onto, stores it,
//! keeps the outbox and its backoff, and never sends an acknowledgement to an
//! auto-reply, a bounce, or old mail.

mod html_text;
mod imap;
mod incoming;
mod outgoing;
mod reply;
mod smtp;

pub use imap::{Handled, ImapError, ImapSecurity, ImapSettings, LeftUnseen, PollReport, poll};
pub use incoming::{
    Attachment, CASE_REFERENCE_PREFIX, IncomingMail, IngestError, MailKind, OversizedAttachment, Signals, TooLarge,
    check_attachment_limits, find_case_reference, parse_incoming,
};
pub use outgoing::{BuildError, OutgoingMail, build_message, is_message_id};
pub use reply::{Reply, split_reply};
pub use smtp::{Security, SendError, SmtpSettings, send};
