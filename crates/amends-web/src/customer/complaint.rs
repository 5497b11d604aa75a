//! The public complaint form: no login. It finds the customer by email (or makes
//! them), stores the complaint with its attachments, and answers with a page and an
//! acknowledgement email. What the customer typed is never lost on a validation error.
//! A post the spam filter holds is stored in the spam folder, unacknowledged, and
//! answered with the same thank-you page (without a reference), so a sender learns
//! nothing about the filter and a real customer held by mistake is not turned away.

use std::collections::HashMap;
use std::net::SocketAddr;

use amends_domain::playbook::Actor;
use amends_domain::{Channel, Complaint, CustomerEmail, CustomerName, Language};
use amends_store::{CustomerRef, LanguageSaid, NewAttachment, NewCase, NewCustomer, SpamHeld, StoreError};
use axum::extract::{ConnectInfo, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::{Public, public_page, too_many};
use crate::AppState;

pub const MAX_FILE_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_TOTAL_BYTES: usize = 10 * 1024 * 1024;
pub const MAX_FILES: usize = 5;
/// Photos, PDFs and plain text: what a customer needs to show what went wrong.
pub(crate) const ALLOWED_TYPES: &[&str] =
    &["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

#[derive(serde::Deserialize)]
pub struct FormQuery {
    /// The language picked above the form (`?lang=de`).
    lang: Option<String>,
}

/// The languages the form offers, each named in itself.
fn languages() -> Vec<minijinja::Value> {
    Language::ALL.iter().map(|l| minijinja::context! { tag => l.tag(), name => l.own_name() }).collect()
}

/// `GET /complain`: in the language picked above it, else the browser's, else the business's.
pub async fn form(State(state): State<AppState>, Query(q): Query<FormQuery>, headers: HeaderMap) -> Response {
    let public = super::public(&state, &headers).await;
    let public = public.for_customer(q.lang.as_deref().and_then(Language::from_tag));
    public_page(
        &public,
        StatusCode::OK,
        "complain.html",
        minijinja::context! { draft => HashMap::<String, String>::new(), languages => languages() },
    )
}

fn again(public: &Public, draft: &HashMap<String, String>, error: &str, status: StatusCode) -> Response {
    public_page(public, status, "complain.html", minijinja::context! { draft, error, languages => languages() })
}

/// Why a file on the form cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileTrouble {
    TooMany,
    TooLarge(String),
    TogetherTooLarge,
    NotAllowed(String),
}

impl FileTrouble {
    fn words(&self, public: &Public) -> String {
        let megabytes = |bytes: usize| amends_i18n::Arg::from(bytes / 1024 / 1024);
        match self {
            FileTrouble::TooMany => public.text_with("complain-too-many-files", &[("count", MAX_FILES.into())]),
            FileTrouble::TooLarge(file) => public.text_with(
                "complain-file-too-large",
                &[("file", file.as_str().into()), ("megabytes", megabytes(MAX_FILE_BYTES))],
            ),
            FileTrouble::TogetherTooLarge => {
                public.text_with("complain-files-too-large", &[("megabytes", megabytes(MAX_TOTAL_BYTES))])
            }
            FileTrouble::NotAllowed(file) => public.text_with("complain-file-type", &[("file", file.as_str().into())]),
        }
    }
}

/// Why the form could not be read to its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// The body broke off or was too large; the parser's words.
    Incomplete(String),
    File,
    Field,
}

impl Unread {
    fn words(&self, public: &Public) -> String {
        match self {
            Unread::Incomplete(why) => public.text_with("complain-unreadable", &[("why", why.as_str().into())]),
            Unread::File => public.text("complain-file-unreadable"),
            Unread::Field => public.text("complain-form-unreadable"),
        }
    }
}

/// Whether the file is what it claims: a renamed executable is not a photo. An image's
/// header must decode in full as its type (with a size), and the file must hold no
/// markup a browser sniffing it could run (an HTML page behind a PNG header).
pub(crate) fn looks_like(content_type: &str, data: &[u8]) -> bool {
    use imagesize::ImageType;
    let image = |expected: ImageType| {
        imagesize::image_type(data).is_ok_and(|t| t == expected)
            && imagesize::blob_size(data).is_ok_and(|s| s.width > 0 && s.height > 0)
            && !holds_markup(data)
    };
    match content_type {
        "image/png" => data.starts_with(b"\x89PNG\r\n\x1a\n") && image(ImageType::Png),
        "image/jpeg" => data.starts_with(&[0xFF, 0xD8, 0xFF]) && image(ImageType::Jpeg),
        "image/gif" => data.starts_with(b"GIF8") && image(ImageType::Gif),
        "image/webp" => data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" && image(ImageType::Webp),
        "application/pdf" => data.starts_with(b"%PDF-"),
        "text/plain" => std::str::from_utf8(data).is_ok(),
        _ => false,
    }
}

/// Tags a browser reads as a page or a script when it sniffs a file, in lower case.
const MARKUP: &[&[u8]] = &[
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<svg",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<!doctype",
    b"<meta",
    b"<img",
    b"<style",
    b"<form",
    b"<a href",
];

/// Whether `data` holds one of [`MARKUP`], in any case. (A photo's compressed bytes
/// hold one by chance about once in ten thousand 5 MB files; refusing that one is cheap.)
fn holds_markup(data: &[u8]) -> bool {
    data.iter().enumerate().filter(|(_, b)| **b == b'<').any(|(at, _)| {
        MARKUP.iter().any(|tag| data.get(at..at + tag.len()).is_some_and(|s| s.eq_ignore_ascii_case(tag)))
    })
}

/// What the complaint form sent: its text fields as typed, its files, and the first
/// reason a file cannot be kept (the form is then shown again with the text kept).
#[derive(Debug)]
pub struct SentForm {
    pub draft: HashMap<String, String>,
    pub files: Vec<NewAttachment>,
    pub file_error: Option<FileTrouble>,
}

/// A form that could not be read to its end, with what was read of it.
#[derive(Debug)]
pub struct Unreadable {
    pub draft: HashMap<String, String>,
    pub why: Unread,
    pub status: StatusCode,
}

/// Reads the multipart form, checking each file's count, size and type. Nothing here
/// touches the database (the fuzz target `complaint_form` calls it directly).
pub async fn read_form(multipart: &mut Multipart) -> Result<SentForm, Unreadable> {
    let mut draft: HashMap<String, String> = HashMap::new();
    let mut files: Vec<NewAttachment> = Vec::new();
    let mut total = 0usize;
    let mut file_error: Option<FileTrouble> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                let status = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    StatusCode::PAYLOAD_TOO_LARGE
                } else {
                    StatusCode::BAD_REQUEST
                };
                return Err(Unreadable { draft, why: Unread::Incomplete(e.body_text()), status });
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "attachment" {
            let filename = amends_store::clean_attachment_name(field.file_name().unwrap_or("file"));
            let content_type = field.content_type().unwrap_or("application/octet-stream").to_owned();
            let data = match field.bytes().await {
                Ok(d) => d,
                Err(_) => return Err(Unreadable { draft, why: Unread::File, status: StatusCode::BAD_REQUEST }),
            };
            if data.is_empty() {
                continue;
            }
            total += data.len();
            if file_error.is_none() {
                if files.len() >= MAX_FILES {
                    file_error = Some(FileTrouble::TooMany);
                } else if data.len() > MAX_FILE_BYTES {
                    file_error = Some(FileTrouble::TooLarge(filename.clone()));
                } else if total > MAX_TOTAL_BYTES {
                    file_error = Some(FileTrouble::TogetherTooLarge);
                } else if !ALLOWED_TYPES.contains(&content_type.as_str()) || !looks_like(&content_type, &data) {
                    file_error = Some(FileTrouble::NotAllowed(filename.clone()));
                }
            }
            files.push(NewAttachment { filename, content_type, data: data.to_vec() });
        } else {
            match field.text().await {
                Ok(value) => {
                    draft.insert(name, value);
                }
                Err(_) => return Err(Unreadable { draft, why: Unread::Field, status: StatusCode::BAD_REQUEST }),
            }
        }
    }
    Ok(SentForm { draft, files, file_error })
}

pub async fn submit(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Response {
    let public = super::public(&state, &headers).await;
    let (draft, files, file_error) = match read_form(&mut multipart).await {
        Ok(SentForm { draft, files, file_error }) => (draft, files, file_error),
        Err(Unreadable { draft, why, status }) => {
            let public = public.for_customer(chosen(&draft));
            return again(&public, &draft, &why.words(&public), status);
        }
    };
    // The language she picked on the form: the pages answer in it, and it is hers from now on.
    let picked = chosen(&draft);
    let public = public.for_customer(picked);
    if !draft.get("website").map(|w| w.trim().is_empty()).unwrap_or(true) {
        // The honeypot field is hidden from people; only a bot fills it in.
        tracing::warn!(ip = %addr.ip(), "complaint form: honeypot filled in; rejected as spam");
        return public_page(&public, StatusCode::OK, "complain_done.html", minijinja::context! { reference => "" });
    }
    if let Err(wait) = state.limiter.check_ip("complaint", addr.ip(), state.settings.limits.complaint) {
        return too_many(&public, wait);
    }
    if draft.values().any(|v| v.contains('\0')) {
        let cleaned: HashMap<String, String> = draft.iter().map(|(k, v)| (k.clone(), v.replace('\0', ""))).collect();
        return again(&public, &cleaned, &public.text("complain-nul"), StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(error) = file_error {
        return again(&public, &draft, &error.words(&public), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let text = |name: &str| draft.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let name = match CustomerName::parse(draft.get("name").map(String::as_str).unwrap_or("")) {
        Ok(n) => n,
        Err(amends_domain::CustomerError::NameControl) => {
            return again(&public, &draft, &public.text("complain-name-one-line"), StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(_) => {
            return again(&public, &draft, &public.text("complain-name-missing"), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let email = match CustomerEmail::parse(draft.get("email").map(String::as_str).unwrap_or("")) {
        Ok(e) => e,
        Err(_) => {
            return again(&public, &draft, &public.text("complain-email-invalid"), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    if let Err(wait) = state.limiter.check("complaint-email", &email.normalized(), state.settings.limits.complaint) {
        return too_many(&public, wait);
    }
    let body = match Complaint::parse(draft.get("body").cloned().unwrap_or_default()) {
        Ok(b) => b,
        Err(amends_domain::NewCaseError::BodyTooLarge(_)) => {
            return again(&public, &draft, &public.text("complain-body-too-large"), StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(_) => {
            return again(&public, &draft, &public.text("complain-body-missing"), StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let blocks = match amends_jobs::ingest::block_list(&state.store).await {
        Ok(blocks) => blocks,
        Err(e) => {
            tracing::error!(error = %e, "complaint form: block list could not be read");
            return again(&public, &draft, &public.text("complain-not-stored-wait"), StatusCode::SERVICE_UNAVAILABLE);
        }
    };
    let words = format!("{}\n{}", body.as_str(), draft.get("wish").map(String::as_str).unwrap_or(""));
    let verdict = state.spam.score(
        &amends_spam::Message { sender: email.as_str(), subject: "", text: &words, html: None, headers: None },
        &blocks,
    );
    let held = verdict.is_spam().then(|| SpamHeld { score: verdict.score, reason: verdict.summary() });
    if held.is_some() {
        tracing::info!(ip = %addr.ip(), score = verdict.score, reasons = %verdict.summary(), "complaint form: held as spam");
    }
    let new = NewCase {
        customer: CustomerRef::Details(NewCustomer {
            name,
            email: Some(email),
            phone: None,
            external_id: None,
            postal_address: None,
            notes: String::new(),
        }),
        channel: Channel::Web,
        severity: None,
        subject: None,
        body,
        wish: text("wish"),
        order_ref: text("order_ref").map(|o| o.chars().take(200).collect()),
        category: None,
        tags: Vec::new(),
        actor: Actor::Customer,
        acknowledge: true,
        attachments: files,
        inbound: None,
        spam: held,
        answers_notice: None,
        language: picked.map(LanguageSaid::Chosen),
    };
    let held = new.spam.is_some();
    match state.store.open_case(new).await {
        Ok(_) if held => {
            public_page(&public, StatusCode::CREATED, "complain_done.html", minijinja::context! { reference => "" })
        }
        Ok((case, _)) => public_page(
            &public,
            StatusCode::CREATED,
            "complain_done.html",
            minijinja::context! { reference => case.reference },
        ),
        Err(StoreError::WriterStopped) => {
            again(&public, &draft, &public.text("complain-not-stored-wait"), StatusCode::SERVICE_UNAVAILABLE)
        }
        Err(e) => {
            tracing::error!(error = %e, "complaint form could not be stored");
            again(&public, &draft, &public.text("complain-not-stored"), StatusCode::INTERNAL_SERVER_ERROR)
        }
    }
}

/// The language picked on the form, when it is one of ours.
fn chosen(draft: &HashMap<String, String>) -> Option<Language> {
    draft.get("language").and_then(|tag| Language::from_tag(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde";

    #[test]
    fn a_file_is_what_it_claims_in_full() {
        assert!(looks_like("image/png", PNG));
        let page = [PNG, b"<HTML><body><script>alert(1)</script>".as_slice()].concat();
        assert!(!looks_like("image/png", &page), "a page behind a PNG header");
        let svg = [PNG, b"<svg onload=alert(1)>".as_slice()].concat();
        assert!(!looks_like("image/png", &svg));
        assert!(!looks_like("image/png", b"\x89PNG\r\n\x1a\n"), "a header that stops short");
        assert!(!looks_like("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\0\0\0\0\0"), "no size");
        assert!(!looks_like("image/jpeg", PNG), "another type's header");
        assert!(!looks_like("image/gif", b"GIF89a"));
        assert!(looks_like("text/plain", b"<script> is fine in a text file nobody renders"));
    }
}
