//! Mail in: one path for a message piped by the MTA (`amends mail ingest`) and for one
//! fetched by IMAP polling. A reply threads onto its case (by In-Reply-To/References,
//! or by the case tag in the subject when the sender is that case's customer); any
//! other message from a person opens a case. Auto-replies and bounces never open
//! cases. A Message-ID is taken only once. A new message the spam filter holds opens
//! its case in the spam folder, unacknowledged; a reply to a case is never held.

use amends_domain::playbook::Actor;
use amends_domain::{Channel, Complaint, CustomerEmail, CustomerName};
use amends_mail::{IncomingMail, MailKind, check_attachment_limits, parse_incoming};
use amends_store::inbound::outcomes;
use amends_store::secret::secret_hash;
use amends_store::{
    CustomerRef, InboundRef, LanguageSaid, NewAttachment, NewCase, NewCustomer, SpamHeld, Store, StoreError,
};

/// Largest attachment kept, and largest all together, per message.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_ATTACHMENTS_BYTES: usize = 25 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// The mail is from the past (an import or a backfill): never acknowledge it.
    pub backfill: bool,
    /// The installation's spam filter; the built-in rules when None.
    pub spam: Option<std::sync::Arc<amends_spam::SpamFilter>>,
}

/// What became of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    CaseOpened {
        case_id: i64,
        reference: String,
    },
    /// A new case, held in the spam folder.
    HeldAsSpam {
        case_id: i64,
        reference: String,
    },
    Threaded {
        case_id: i64,
    },
    Duplicate,
    AutoReply,
    Bounce,
}

#[derive(Debug, thiserror::Error)]
pub enum IngestFailure {
    /// It can never be taken (not a mail, no sender): tell the sender's server so.
    #[error("{0}")]
    Permanent(String),
    /// It cannot be taken now (the database is down or busy): the MTA should keep it
    /// and try again.
    #[error("{0}")]
    Temporary(String),
}

impl From<StoreError> for IngestFailure {
    fn from(e: StoreError) -> Self {
        IngestFailure::Temporary(e.to_string())
    }
}

pub async fn ingest(store: &Store, raw: &[u8], options: IngestOptions) -> Result<Ingested, IngestFailure> {
    let ReadMessage { mail, inbound } = read_message(raw)?;
    match mail.kind {
        MailKind::AutoReply => {
            store.note_inbound(&inbound, outcomes::AUTO_REPLY, "auto-reply: no case is opened").await?;
            return Ok(Ingested::AutoReply);
        }
        MailKind::Bounce => {
            store.note_inbound(&inbound, outcomes::BOUNCE, "delivery report: no case is opened").await?;
            return Ok(Ingested::Bounce);
        }
        MailKind::Message => {}
    }
    if store.inbound_seen(&inbound.message_id).await? {
        return Ok(Ingested::Duplicate);
    }
    let from = sender(&mail)?;
    let (attachments, refused) = attachments_within_limits(&mail);

    let result = match thread_of(store, &mail, &from).await? {
        // A reply to a merged case lands on its survivor; say which.
        Some(case_id) => {
            match store.record_reply(case_id, &inbound, reply_text(&mail), new_words(&mail), &attachments).await {
                Ok(event) => {
                    // A reply may tell a language not known yet (never over a stored one).
                    if let Some(heard) = heard_language(&mail)
                        && let Err(e) = store.customer_language_heard(event.case_id, heard.language()).await
                    {
                        tracing::warn!(error = %e, "the language of a reply could not be kept");
                    }
                    Ok(Ingested::Threaded { case_id: event.case_id })
                }
                Err(e) => Err(e),
            }
        }
        None => {
            let CaseParts { name, body, subject } = case_parts(&mail, &from)?;
            let verdict = spam_verdict(store, &options, &mail, from.as_str()).await?;
            let new = NewCase {
                customer: CustomerRef::Details(NewCustomer {
                    name,
                    email: Some(from.clone()),
                    phone: None,
                    external_id: None,
                    postal_address: None,
                    notes: String::new(),
                }),
                channel: Channel::Email,
                severity: None,
                subject,
                body,
                wish: None,
                order_ref: None,
                category: None,
                tags: Vec::new(),
                actor: Actor::Customer,
                acknowledge: !options.backfill,
                attachments,
                inbound: Some(inbound),
                spam: verdict.is_spam().then(|| SpamHeld { score: verdict.score, reason: verdict.summary() }),
                answers_notice: None,
                language: heard_language(&mail),
            };
            let held = new.spam.is_some();
            store.open_case(new).await.map(|(case, _)| {
                if held {
                    tracing::info!(case = case.id, score = verdict.score, reasons = %verdict.summary(), "mail held as spam");
                    Ingested::HeldAsSpam { case_id: case.id, reference: case.reference }
                } else {
                    Ingested::CaseOpened { case_id: case.id, reference: case.reference }
                }
            })
        }
    };
    let ingested = match result {
        Ok(ingested) => ingested,
        // Another delivery of the same message won the race: it is taken.
        Err(StoreError::Conflict { field: Some("message_id"), .. }) => return Ok(Ingested::Duplicate),
        Err(e) if e.is_temporary() => return Err(IngestFailure::Temporary(e.to_string())),
        Err(e) => return Err(IngestFailure::Temporary(format!("could not store the message: {e}"))),
    };
    if let (
        Some(notice),
        Ingested::CaseOpened { case_id, .. } | Ingested::HeldAsSpam { case_id, .. } | Ingested::Threaded { case_id },
    ) = (refused, &ingested)
    {
        let note = amends_domain::playbook::EventKind::NoteAdded {
            text: format!("{notice} Ask the customer for a smaller copy or another way to send it."),
        };
        if let Err(e) = store.record_event(*case_id, Actor::System, note, None).await {
            tracing::warn!(case = case_id, error = %e, "could not note a refused attachment");
        }
    }
    Ok(ingested)
}

/// The spam filter's verdict on a message that would open a case.
async fn spam_verdict(
    store: &Store,
    options: &IngestOptions,
    mail: &IncomingMail,
    sender: &str,
) -> Result<amends_spam::Verdict, StoreError> {
    let blocks = block_list(store).await?;
    let signals = &mail.signals;
    let headers = amends_spam::Headers {
        message_id: signals.message_id_header.clone(),
        precedence: signals.precedence.clone(),
        authentication_results: signals.authentication_results.clone(),
        recipients: signals.recipients,
    };
    let message = amends_spam::Message {
        sender,
        subject: mail.subject.as_deref().unwrap_or(""),
        text: &mail.text,
        html: signals.html.as_deref(),
        headers: Some(&headers),
    };
    Ok(match &options.spam {
        Some(filter) => filter.score(&message, &blocks),
        None => amends_spam::SpamFilter::english().score(&message, &blocks),
    })
}

/// The installation's block list, as the spam filter reads it.
pub async fn block_list(store: &Store) -> Result<Vec<amends_spam::Block>, StoreError> {
    Ok(store.spam_blocks().await?.into_iter().map(|b| amends_spam::Block { kind: b.kind, value: b.value }).collect())
}

// What follows reads a message without the database: pure, so the fuzz target
// (fuzz/fuzz_targets/mail_ingest.rs) reaches every decision that does not need a lookup.

/// A message as the desk takes it: parsed, its text storable, and known by an id.
#[derive(Debug)]
pub struct ReadMessage {
    pub mail: IncomingMail,
    pub inbound: InboundRef,
}

pub fn read_message(raw: &[u8]) -> Result<ReadMessage, IngestFailure> {
    let mut mail = parse_incoming(raw).map_err(|e| IngestFailure::Permanent(format!("{}: {e}", e.reason())))?;
    // NUL never belongs in mail text and PostgreSQL cannot store it: shown as U+FFFD.
    for text in [Some(&mut mail.text), mail.subject.as_mut(), mail.from_name.as_mut()].into_iter().flatten() {
        if text.contains('\0') {
            *text = text.replace('\0', "\u{FFFD}");
        }
    }
    // A message without a Message-ID is known by its bytes, so a redelivery is still one.
    let message_id = mail.message_id.clone().unwrap_or_else(|| hashed_id(raw));
    let inbound = InboundRef { message_id, from_email: mail.from_email.clone(), subject: mail.subject.clone() };
    Ok(ReadMessage { mail, inbound })
}

/// The id of a message without a Message-ID: its bytes' hash.
fn hashed_id(raw: &[u8]) -> String {
    format!("{}@sha256.amends", &secret_hash(&String::from_utf8_lossy(raw))[..40])
}

/// The language a message says it is in (`Content-Language`), else the one its words
/// are clearly written in. Only heard: a customer's own choice is never overwritten.
pub fn heard_language(mail: &IncomingMail) -> Option<LanguageSaid> {
    let header = mail.content_language.as_deref().and_then(amends_domain::Language::from_accept_language);
    header.or_else(|| amends_domain::Language::detect(&mail.text)).map(LanguageSaid::Heard)
}

/// The customer who wrote: a message without a usable From can never be taken.
pub fn sender(mail: &IncomingMail) -> Result<CustomerEmail, IngestFailure> {
    mail.from_email
        .as_deref()
        .map(CustomerEmail::parse)
        .transpose()
        .map_err(|e| IngestFailure::Permanent(format!("no_sender: {e}")))?
        .ok_or_else(|| IngestFailure::Permanent("no_sender: the message has no From address".into()))
}

/// A reply's text on its case's timeline.
pub fn reply_text(mail: &IncomingMail) -> String {
    if mail.text.trim().is_empty() { "(The message had no text.)".to_owned() } else { mail.text.clone() }
}

/// The customer's new words apart from the quoted history and signature, when the
/// reply carries either (the whole text is kept beside them).
pub fn new_words(mail: &IncomingMail) -> Option<String> {
    let reply = amends_mail::split_reply(&mail.text);
    (reply.folded && !reply.new_words.is_empty()).then_some(reply.new_words)
}

/// What a message that answers no case opens one with.
#[derive(Debug)]
pub struct CaseParts {
    pub name: CustomerName,
    pub body: Complaint,
    pub subject: Option<String>,
}

pub fn case_parts(mail: &IncomingMail, from: &CustomerEmail) -> Result<CaseParts, IngestFailure> {
    let name = match mail.from_name.as_deref().and_then(|n| CustomerName::from_mail(n).ok()) {
        Some(n) => n,
        None => CustomerName::parse(from.as_str()).map_err(|e| IngestFailure::Permanent(e.to_string()))?,
    };
    let body = if mail.text.trim().is_empty() {
        format!(
            "(The message had no text.){}",
            mail.subject.as_ref().map(|s| format!(" Subject: {s}")).unwrap_or_default()
        )
    } else {
        mail.text.clone()
    };
    let body = Complaint::parse(body).map_err(|e| IngestFailure::Permanent(format!("too_large: {e}")))?;
    // A folded header may still hold line breaks once decoded; nobody can be asked again.
    let subject = mail.subject.as_deref().map(amends_domain::text::fold_to_one_line);
    let subject = amends_domain::case::parse_subject(subject.as_deref()).ok().flatten();
    Ok(CaseParts { name, body, subject })
}

/// What a reply is threaded by: the Message-IDs it answers (newest first, each with
/// and without angle brackets) and the case tag in its subject.
pub fn thread_keys(mail: &IncomingMail) -> (Vec<String>, Option<amends_domain::CaseReference>) {
    let mut ids: Vec<String> = mail.in_reply_to.iter().cloned().collect();
    ids.extend(mail.references.iter().rev().cloned());
    let bracketed = ids.iter().flat_map(|id| [format!("<{id}>"), id.clone()]).collect();
    (bracketed, mail.case_reference.as_deref().and_then(amends_domain::CaseReference::parse))
}

/// The case a message answers: one our own message started (In-Reply-To, References),
/// or one named in the subject whose customer is the sender. A merged case stands for
/// its survivor ([`Store::record_reply`] follows the merge).
async fn thread_of(store: &Store, mail: &IncomingMail, from: &CustomerEmail) -> Result<Option<i64>, StoreError> {
    let (message_ids, reference) = thread_keys(mail);
    if let Some(case_id) = store.case_by_message_id(&message_ids).await? {
        return Ok(Some(case_id));
    }
    if let Some(reference) = reference
        && store.case_of_customer(reference.case_id(), from.as_str()).await?
    {
        return Ok(Some(reference.case_id()));
    }
    Ok(None)
}

/// The attachments to keep, and a notice naming those too large to keep.
pub fn attachments_within_limits(mail: &IncomingMail) -> (Vec<NewAttachment>, Option<String>) {
    let notice = check_attachment_limits(mail, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_BYTES).err().map(|t| t.notice());
    let mut total = 0;
    let kept = mail
        .attachments
        .iter()
        .filter(|a| {
            let fits = a.bytes.len() <= MAX_ATTACHMENT_BYTES && total + a.bytes.len() <= MAX_ATTACHMENTS_BYTES;
            if fits {
                total += a.bytes.len();
            }
            fits
        })
        .map(|a| NewAttachment {
            filename: amends_store::clean_attachment_name(a.filename.as_deref().unwrap_or("attachment")),
            content_type: a.content_type.clone(),
            data: a.bytes.clone(),
        })
        .collect();
    (kept, notice)
}

/// Keeps a note of a message that can never be taken, with the reason, so staff see
/// it (`Store::refused_mail`): whatever could be read of its sender and subject, and its
/// Message-ID (or its bytes' hash), so a second delivery is noted once.
pub async fn note_refused(store: &Store, raw: &[u8], reason: &str) -> Result<(), IngestFailure> {
    let read = parse_incoming(raw).ok();
    let message_id = read.as_ref().and_then(|m| m.message_id.clone()).unwrap_or_else(|| hashed_id(raw));
    let one_line = |s: &String| amends_domain::text::fold_to_one_line(&s.replace('\0', ""));
    let inbound = InboundRef {
        message_id,
        from_email: read.as_ref().and_then(|m| m.from_email.as_ref()).map(one_line),
        subject: read.as_ref().and_then(|m| m.subject.as_ref()).map(one_line),
    };
    // Staff read the words, not the machine's code before them (`too_large: …`).
    let words = match reason.split_once(": ") {
        Some((code, words)) if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') => words,
        _ => reason,
    };
    store.note_inbound(&inbound, outcomes::REFUSED, words).await?;
    Ok(())
}

/// Polls an IMAP folder every `interval` until `shutdown`, taking each new message
/// through [`ingest`]. A message that cannot be taken now stays unseen for the next poll.
pub async fn poll_mailbox(
    store: Store,
    settings: amends_mail::ImapSettings,
    interval: std::time::Duration,
    spam: std::sync::Arc<amends_spam::SpamFilter>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    loop {
        let result = amends_mail::poll(&settings, |raw: Vec<u8>| {
            let store = store.clone();
            let options = IngestOptions { backfill: false, spam: Some(spam.clone()) };
            async move {
                match ingest(&store, &raw, options).await {
                    Ok(ingested) => {
                        tracing::info!(?ingested, "mail taken from the mailbox");
                        Ok(amends_mail::Handled::Taken)
                    }
                    Err(IngestFailure::Permanent(reason)) => {
                        // Never takeable: noted for staff with the reason, then marked seen
                        // (or moved) so it is not fetched forever. Unseen if the note fails.
                        tracing::warn!(%reason, "mailbox message refused");
                        note_refused(&store, &raw, &reason).await?;
                        Ok(amends_mail::Handled::Refused)
                    }
                    Err(e @ IngestFailure::Temporary(_)) => Err(e),
                }
            }
        })
        .await;
        match result {
            Ok(report) if report.taken > 0 || report.refused > 0 || !report.left_unseen.is_empty() => {
                tracing::info!(
                    taken = report.taken,
                    refused = report.refused,
                    left = report.left_unseen.len(),
                    "mailbox polled"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "mailbox poll failed; trying again later"),
        }
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}
