//! The files a customer sent with their case: listed in the case's JSON, fetched by
//! staff one at a time, and taken in with a complaint sent as multipart. A file's name
//! and type are the sender's words: a name is cleaned when it is kept and encoded in a
//! header (RFC 6266), and a file is shown in the browser only when it is a photo whose
//! bytes are what its type says; everything else is a download, never a page.

use amends_store::{AttachmentRecord, NewAttachment};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::cases::Intake;
use super::id_from;
use crate::AppState;
use crate::auth::Agent;
use crate::customer::complaint::{MAX_FILE_BYTES, MAX_FILES, MAX_TOTAL_BYTES, looks_like};
use crate::error::{ApiError, ApiResult};
use crate::json::Params;

/// Types a browser may show in a page (as a thumbnail), once the bytes agree.
const PHOTO_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp"];
/// Types served as themselves for download; any other is served as bytes.
const KEPT_TYPES: &[&str] = &["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

/// A file of the case as the API lists it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    id: i64,
    /// The file's name as the sender gave it (cleaned of path parts and control
    /// characters): customer text, to be escaped wherever it is shown.
    name: String,
    /// The type the sender declared; it is not trusted when the file is served.
    content_type: String,
    /// Bytes.
    size: i64,
    /// Where staff fetch it (signed in, or with a token): always as a download.
    url: String,
    /// Whether it is a photo that may be shown as a thumbnail (`url` with `?inline=true`).
    photo: bool,
}

impl AttachmentView {
    pub fn new(a: AttachmentRecord) -> Self {
        AttachmentView {
            url: format!("/api/v1/cases/{}/attachments/{}", a.case_id, a.id),
            photo: PHOTO_TYPES.contains(&a.content_type.as_str()),
            id: a.id,
            name: a.filename,
            content_type: a.content_type,
            size: a.size,
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Fetch {
    /// Show a photo in the page (a thumbnail) rather than download it. Honoured only for
    /// PNG, JPEG, GIF and WebP files whose bytes are what their type says.
    inline: Option<bool>,
}

#[utoipa::path(
    get, path = "/cases/{id}/attachments/{attachment_id}", tag = "cases", operation_id = "getAttachment",
    summary = r#"One file the customer sent, as it was sent"#,
    description = r#"The file's bytes exactly as received, with `Content-Disposition: attachment` and the file's name in `filename` (ASCII) and `filename*` (UTF-8, RFC 6266), and `X-Content-Type-Options: nosniff`. `Content-Type` is the declared type for photos, PDF and plain text, `application/octet-stream` for anything else (HTML, SVG and scripts are never served as themselves). With `inline=true` a photo whose bytes match its type is served `inline`, for thumbnails."#,
    params(
        ("id" = i64, Path, description = r#"The case's id."#, minimum = 1),
        ("attachment_id" = i64, Path, description = r#"The file's id, from the case's `attachments`."#, minimum = 1),
        Fetch,
    ),
    responses(
        (status = 200, description = r#"The file's bytes."#, content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = r#"`bad_query`: `inline` is not true or false."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such case, or no such file on it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn download(
    State(state): State<AppState>,
    _: Agent,
    Path((id, attachment_id)): Path<(String, String)>,
    Params(q): Params<Fetch>,
) -> ApiResult<Response> {
    let id = id_from(&id, "case")?;
    let attachment_id = id_from(&attachment_id, "attachment")?;
    let (record, bytes) = state.store.attachment(id, attachment_id).await?;
    Ok(served(&record, bytes, q.inline.unwrap_or(false)))
}

/// The response that carries a file: a download unless a photo is asked for inline and
/// its bytes agree with its type.
fn served(record: &AttachmentRecord, bytes: Vec<u8>, inline: bool) -> Response {
    let declared = record.content_type.to_ascii_lowercase();
    let photo = PHOTO_TYPES.contains(&declared.as_str()) && looks_like(&declared, &bytes);
    let content_type = match declared.as_str() {
        "text/plain" => "text/plain; charset=utf-8".to_owned(),
        kept if KEPT_TYPES.contains(&kept) && (!kept.starts_with("image/") || photo) => kept.to_owned(),
        _ => "application/octet-stream".to_owned(),
    };
    let how = if inline && photo { "inline" } else { "attachment" };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let value = |s: String| HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    headers.insert(header::CONTENT_TYPE, value(content_type));
    headers.insert(header::CONTENT_DISPOSITION, value(disposition(how, &record.filename)));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII stand-in for old
/// clients, with anything that could end the quoted string or the header replaced, and
/// the name itself percent-encoded.
pub fn disposition(how: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| if (c.is_ascii_graphic() || c == ' ') && !matches!(c, '"' | '\\' | '%') { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{how}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A complaint sent as `multipart/form-data`, as the API documents it.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only its schema is used: the parts are read one by one.
pub struct IntakeWithFiles {
    /// The complaint as JSON, the same object as `application/json` takes.
    case: Intake,
    /// The customer's files (photos, receipts), each a part with its file name and type:
    /// up to 5 files, each at most 5 MiB, together at most 10 MiB.
    #[schema(value_type = Vec<String>, format = Binary)]
    files: Vec<Vec<u8>>,
}

/// Reads a multipart intake: the `case` part, and the files. A file over a limit
/// refuses the whole request, so nothing of it is stored.
pub async fn read_intake(mut multipart: Multipart) -> ApiResult<(Intake, Vec<NewAttachment>)> {
    let mut case: Option<Intake> = None;
    let mut files: Vec<NewAttachment> = Vec::new();
    let mut total = 0usize;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(format!("the request is larger than {} MiB", super::INTAKE_BODY_LIMIT / 1024 / 1024))
        } else {
            ApiError::bad_request(format!("the multipart body could not be read: {}", e.body_text()))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "case" {
            let text = field.bytes().await.map_err(unreadable)?;
            case = Some(crate::json::decode(&text).map_err(|e| match e.field {
                Some(_) => e,
                None => e.with_field("case"),
            })?);
            continue;
        }
        if name != "files" {
            return Err(ApiError::invalid(&name, "a multipart intake has a `case` part and `files` parts"));
        }
        let filename = amends_store::clean_attachment_name(field.file_name().unwrap_or("file"));
        let content_type = field
            .content_type()
            .filter(|t| t.len() <= 100 && t.bytes().all(|b| b.is_ascii_graphic()))
            .unwrap_or("application/octet-stream")
            .to_ascii_lowercase();
        let data = field.bytes().await.map_err(unreadable)?;
        if data.is_empty() {
            return Err(ApiError::invalid("files", format!("{filename} is empty")));
        }
        if files.len() >= MAX_FILES {
            return Err(ApiError::invalid("files", format!("at most {MAX_FILES} files per case")));
        }
        if data.len() > MAX_FILE_BYTES {
            let mib = MAX_FILE_BYTES / 1024 / 1024;
            return Err(too_large(format!("{filename} is larger than {mib} MiB")).with_field("files"));
        }
        total += data.len();
        if total > MAX_TOTAL_BYTES {
            let mib = MAX_TOTAL_BYTES / 1024 / 1024;
            return Err(too_large(format!("the files together are larger than {mib} MiB")).with_field("files"));
        }
        files.push(NewAttachment { filename, content_type, data: data.to_vec() });
    }
    let case = case.ok_or_else(|| ApiError::invalid("case", "the `case` part (the complaint as JSON) is missing"))?;
    Ok((case, files))
}

fn too_large(message: String) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_hostile_name_stays_inside_its_header() {
        assert_eq!(
            disposition("attachment", "photo.jpg"),
            "attachment; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg"
        );
        let d = disposition("attachment", "a\"; filename=evil.html\r\nX: y");
        assert!(!d.contains('\r') && !d.contains('\n'), "{d}");
        assert!(
            d.starts_with("attachment; filename=\"a_; filename=evil.html__X: y\"; filename*=UTF-8''a%22%3B%20"),
            "{d}"
        );
        assert_eq!(
            disposition("inline", "Brötchen.png"),
            "inline; filename=\"Br_tchen.png\"; filename*=UTF-8''Br%C3%B6tchen.png"
        );
    }
}
