//! Imports (managers): upload a CSV file of customers or transactions and read the
//! report: how many rows were stored, how many were there already, and each refused
//! row with its line and the reason. The good rows are kept either way.

use amends_domain::Role;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{PageError, StaffSession, render};
use crate::AppState;
use crate::api::imports::{ImportError, ImportKind, ImportReport, import_csv};
use crate::auth::same_secret;

/// The largest file the page takes (larger files: `amends import`).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

fn page(
    session: &StaffSession,
    kind: &str,
    report: Option<ImportReport>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let ctx = minijinja::context! { layout => session.layout(), kind, report, error };
    Ok((status, render("imports.html", ctx)?).into_response())
}

pub async fn form(session: StaffSession) -> Result<Response, PageError> {
    session.require(Role::Manager)?;
    page(&session, "customers", None, None, StatusCode::OK)
}

/// `POST /imports`: a multipart form with `csrf`, `kind` and `file`.
pub async fn upload(
    State(state): State<AppState>,
    session: StaffSession,
    request: Request,
) -> Result<Response, PageError> {
    // The role first: an agent is told so before the upload is read.
    session.require(Role::Manager)?;
    let mut multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| PageError::BadForm(amends_i18n::text(session.language, "admin-imports-error-form")))?;
    let mut csrf = String::new();
    let mut kind = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                let mb = (MAX_UPLOAD_BYTES / 1024 / 1024) as i64;
                let why =
                    amends_i18n::text_with(session.language, "admin-imports-error-too-large", &[("mb", mb.into())]);
                return page(&session, &kind, None, Some(why), StatusCode::PAYLOAD_TOO_LARGE);
            }
            Err(_) => {
                return Err(PageError::BadForm(amends_i18n::text(
                    session.language,
                    "admin-imports-error-unreadable-form",
                )));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let data = field
            .bytes()
            .await
            .map_err(|_| PageError::BadForm(amends_i18n::text(session.language, "admin-imports-error-unreadable")))?;
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&data).into_owned(),
            "kind" => kind = String::from_utf8_lossy(&data).into_owned(),
            "file" => file = Some(data.to_vec()),
            _ => {}
        }
    }
    if !same_secret(&csrf, &session.csrf) {
        return Err(PageError::Forbidden(amends_i18n::text(session.language, "admin-imports-error-csrf")));
    }
    let Some(import_kind) = ImportKind::parse(&kind) else {
        return page(
            &session,
            "customers",
            None,
            Some(amends_i18n::text(session.language, "admin-imports-error-kind")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return page(
            &session,
            &kind,
            None,
            Some(amends_i18n::text(session.language, "admin-imports-error-file")),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let Ok(text) = std::str::from_utf8(&file) else {
        let why = amends_i18n::text(session.language, "admin-imports-error-utf8");
        return page(&session, &kind, None, Some(why), StatusCode::UNPROCESSABLE_ENTITY);
    };
    match import_csv(&state.store, import_kind, text, |_, _| {}).await {
        Ok(report) => page(&session, &kind, Some(report), None, StatusCode::OK),
        Err(ImportError::Format(why)) => page(
            &session,
            &kind,
            None,
            Some(amends_i18n::text_with(
                session.language,
                "admin-imports-error-cannot",
                &[("why", why.to_string().into())],
            )),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}
