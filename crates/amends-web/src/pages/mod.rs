//! The staff web app: server-rendered pages with forms. Templates and assets are
//! embedded in the binary; nothing is loaded from another host.
//!
//! Every page takes a [`StaffSession`] (signed in, or sent to the login page); every
//! form posts through [`Posted`], which refuses a form without the session's CSRF token.
//! After a successful post the browser is redirected (post/redirect/get); a refused
//! step re-renders the page with the rule in plain words and the draft kept.

mod admin;
mod approvals;
mod assets;
mod calls;
mod case;
mod customers;
mod disclosures;
mod hours;
mod ideas;
mod imports;
mod inbox;
mod join;
pub mod letters;
mod login;
mod outgoing;
mod problems;
mod replies;
mod reports;
mod search;
mod spam;
mod templates;

use std::collections::HashMap;
use std::sync::OnceLock;

use amends_domain::{Language, Role};
use amends_store::{Business, StoreError, UserRecord};
use axum::Router;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::Environment;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::{Identity, Via, same_secret};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/account", get(hours::account).post(hours::account_save))
        .route("/account/password", get(login::password_form).post(login::password_submit))
        .route("/inbox", get(inbox::page))
        .route("/inbox/bulk", post(inbox::bulk))
        .route("/inbox/views", post(inbox::save_view))
        .route("/inbox/views/{id}", get(inbox::view_form).post(inbox::change_view))
        .route("/spam", get(spam::folder))
        .route("/admin/spam", get(spam::blocks).post(spam::add_block))
        .route("/admin/spam/{id}", post(spam::remove_block))
        .route("/cases/new", get(case::new_form).post(case::create))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/steps/{action}", post(case::take_step))
        .route("/customers", get(customers::list))
        .route("/customers/new", get(customers::new_form).post(customers::create))
        .route("/customers/{id}", get(customers::page).post(customers::update))
        .route("/customers/{id}/edit", get(customers::edit_form))
        .route("/customers/{id}/transactions", post(customers::record_transaction))
        .route("/problems", get(problems::list).post(problems::create))
        .route("/problems/{id}", get(problems::page).post(problems::act))
        .route("/problems/{id}/ideas", post(ideas::act))
        .route("/disclosures", get(disclosures::list).post(disclosures::create))
        .route("/disclosures/new", get(disclosures::new_form))
        .route("/disclosures/{id}", get(disclosures::page))
        .route("/disclosures/{id}/send", post(disclosures::send))
        .route("/disclosures/{id}/calls", get(calls::page).post(calls::make))
        .route("/disclosures/{id}/calls/{recipient}", post(calls::record))
        .route(
            "/imports",
            get(imports::form)
                .post(imports::upload)
                .layer(axum::extract::DefaultBodyLimit::max(imports::MAX_UPLOAD_BYTES)),
        )
        .route("/search", get(search::page))
        .route("/cases/{id}/letter.pdf", get(letters::case_letter))
        .route("/cases/{id}/letter", get(letters::letter_page).post(letters::save_letter))
        .route("/letters", get(letters::print_run))
        .route("/reports", get(reports::page))
        .route("/reports/cases", get(reports::cases))
        .route("/approvals", get(approvals::page))
        .route("/approvals/{id}", post(approvals::decide))
        .route("/reports/{file}", get(reports::csv))
        .route("/letters/batch.pdf", get(letters::batch))
        .route("/letters/posted", post(letters::mark_posted))
        .route("/admin/users", get(admin::users).post(admin::invite))
        .route("/admin/hours", get(hours::hours).post(hours::save_hours))
        .route("/admin/currency", post(hours::save_currency))
        .route("/admin/users/{id}", post(admin::change))
        .route("/admin/users/{id}/invitation", post(admin::invitation))
        .route("/join/{token}", get(join::page).post(join::choose))
        .route("/admin/templates", get(templates::list))
        .route("/admin/replies", get(replies::list).post(replies::create))
        .route("/admin/replies/{id}", get(replies::edit).post(replies::save))
        .route("/admin/templates/{name}", get(templates::edit).post(templates::save))
        .route("/assets/{name}", get(assets::serve))
        .layer(axum::middleware::from_fn(speak))
}

tokio::task_local! {
    /// The language of the staff page being answered: its error page, and any sentence
    /// written without the session at hand, speak it.
    static SPEAKING: Language;
}

/// Answers each staff page in its reader's language: a signed-in member of staff's own
/// choice, else what their browser asks for.
async fn speak(request: Request, next: axum::middleware::Next) -> Response {
    let chosen = request.extensions().get::<Identity>().and_then(|i| i.user.language);
    let language = chosen.unwrap_or_else(|| browser_language(request.headers()));
    SPEAKING.scope(language, next.run(request)).await
}

/// The language the current staff page speaks (English outside a page).
pub(crate) fn speaking() -> Language {
    SPEAKING.try_with(|l| *l).unwrap_or(Language::English)
}

/// A message in the current page's language.
pub(crate) fn say(id: &str) -> String {
    amends_i18n::text(speaking(), id)
}

/// Why a gesture waits for a manager, as a sentence's start in the page's language.
pub(crate) fn approval_reason(reason: amends_domain::gesture::ApprovalReason) -> String {
    use amends_domain::gesture::ApprovalReason as R;
    say(match reason {
        R::AboveCaseLimit => "error-approval-case-limit",
        R::AboveMonthlyLimit => "error-approval-monthly-limit",
        R::PastBudget => "error-approval-past-budget",
    })
}

/// A message with arguments in the current page's language.
pub(crate) fn say_with(id: &str, args: &[(&str, amends_i18n::Arg<'_>)]) -> String {
    amends_i18n::text_with(speaking(), id, args)
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            if let Err(e) = env.add_template(name, source) {
                // A broken template is a build mistake; the page that needs it answers 500.
                tracing::error!(template = name, error = %e, "template does not parse");
            }
        }
        amends_i18n::templates::register(&mut env);
        env.add_filter("when", filters::when);
        env.add_filter("money", filters::money);
        env.add_filter("marked", filters::marked);
        env.add_filter("brief", filters::brief);
        env.add_filter("filesize", filters::filesize);
        env.add_filter("urlencode", |s: String| urlencode(&s));
        env
    })
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("business.html", include_str!("../../templates/business.html")),
    ("letter.html", include_str!("../../templates/letter.html")),
    ("login.html", include_str!("../../templates/login.html")),
    ("join.html", include_str!("../../templates/join.html")),
    ("password.html", include_str!("../../templates/password.html")),
    ("inbox.html", include_str!("../../templates/inbox.html")),
    ("case.html", include_str!("../../templates/case.html")),
    ("case_new.html", include_str!("../../templates/case_new.html")),
    ("customers.html", include_str!("../../templates/customers.html")),
    ("customer.html", include_str!("../../templates/customer.html")),
    ("customer_form.html", include_str!("../../templates/customer_form.html")),
    ("search.html", include_str!("../../templates/search.html")),
    ("problems.html", include_str!("../../templates/problems.html")),
    ("problem.html", include_str!("../../templates/problem.html")),
    ("calls.html", include_str!("../../templates/calls.html")),
    ("users.html", include_str!("../../templates/users.html")),
    ("account.html", include_str!("../../templates/account.html")),
    ("hours.html", include_str!("../../templates/hours.html")),
    ("error.html", include_str!("../../templates/error.html")),
    ("public.html", include_str!("../../templates/public.html")),
    ("public_message.html", include_str!("../../templates/public_message.html")),
    ("complain.html", include_str!("../../templates/complain.html")),
    ("complain_done.html", include_str!("../../templates/complain_done.html")),
    ("link.html", include_str!("../../templates/link.html")),
    ("templates.html", include_str!("../../templates/templates.html")),
    ("template_edit.html", include_str!("../../templates/template_edit.html")),
    ("replies.html", include_str!("../../templates/replies.html")),
    ("reply_edit.html", include_str!("../../templates/reply_edit.html")),
    ("reply_findings.html", include_str!("../../templates/reply_findings.html")),
    ("letters.html", include_str!("../../templates/letters.html")),
    ("reports.html", include_str!("../../templates/reports.html")),
    ("report_cases.html", include_str!("../../templates/report_cases.html")),
    ("approvals.html", include_str!("../../templates/approvals.html")),
    ("disclosure_link.html", include_str!("../../templates/disclosure_link.html")),
    ("notice_code.html", include_str!("../../templates/notice_code.html")),
    ("disclosure_send.html", include_str!("../../templates/disclosure_send.html")),
    ("spam.html", include_str!("../../templates/spam.html")),
    ("spam_blocks.html", include_str!("../../templates/spam_blocks.html")),
    ("view_edit.html", include_str!("../../templates/view_edit.html")),
    ("disclosures.html", include_str!("../../templates/disclosures.html")),
    ("disclosure_new.html", include_str!("../../templates/disclosure_new.html")),
    ("disclosure.html", include_str!("../../templates/disclosure.html")),
    ("imports.html", include_str!("../../templates/imports.html")),
    ("source.html", include_str!("../../templates/source.html")),
];

mod filters {
    use amends_domain::hours::WallClock;
    use amends_i18n::templates::language_of;
    use amends_store::{MARK_END, MARK_START};
    use minijinja::State;
    use minijinja::value::Value;

    /// The business's setting `name` (`zone`, `currency`) as the page was given it: in
    /// `business` (customer pages) or `layout.business` (staff pages).
    fn business(state: &State, name: &str) -> Option<String> {
        let direct = state.lookup("business").and_then(|b| b.get_attr(name).ok());
        let from_layout =
            || state.lookup("layout").and_then(|l| l.get_attr("business").ok()).and_then(|b| b.get_attr(name).ok());
        direct
            .filter(|v| !v.is_undefined() && !v.is_none())
            .or_else(from_layout)
            .filter(|v| !v.is_undefined() && !v.is_none())
            .map(|v| v.to_string())
    }

    /// An RFC 3339 time on the business's wall clock, as the page's language (`lang`,
    /// else `layout.lang`) writes it: "25 Nov 2026, 15:05 CET", "25.11.2026, 15:05 MEZ";
    /// with `"date"`, the day alone; with `"long"`, as a mail writes it.
    pub fn when(state: &State, value: Value, style: Option<String>) -> String {
        let text = value.to_string();
        let Ok(t) = time::OffsetDateTime::parse(&text, &time::format_description::well_known::Rfc3339) else {
            return text;
        };
        let zone = business(state, "zone").unwrap_or_else(|| "UTC".to_owned());
        let style = match style.as_deref() {
            Some("date") => WallClock::Date,
            Some("long") => WallClock::Long,
            Some("month") => WallClock::Month,
            _ => WallClock::Short,
        };
        amends_i18n::format::wall_clock(language_of(state), t, &zone, style)
    }

    /// Minor units as money in the page's language, "€12.50", "12,50 €"; an amount that
    /// names no currency is in the business's.
    pub fn money(state: &State, minor: i64, currency: Option<String>) -> String {
        let currency = currency.filter(|c| !c.is_empty()).or_else(|| business(state, "currency")).unwrap_or_default();
        amends_i18n::format::money(language_of(state), minor, &currency)
    }

    /// The first `chars` characters of a text on one line, with an ellipsis when cut.
    pub fn brief(text: String, chars: usize) -> String {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if flat.chars().count() <= chars {
            flat
        } else {
            format!("{}…", flat.chars().take(chars).collect::<String>())
        }
    }

    /// A file's size as people read it: "812 bytes", "14 KB", "2.4 MB".
    pub fn filesize(bytes: i64) -> String {
        match bytes {
            b if b < 1024 => format!("{b} bytes"),
            b if b < 1024 * 1024 => format!("{} KB", (b + 512) / 1024),
            b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        }
    }

    /// Escapes a search snippet, then turns its match markers into `<mark>`.
    pub fn marked(snippet: String) -> Value {
        let escaped = minijinja::HtmlEscape(&snippet).to_string();
        Value::from_safe_string(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
    }
}

/// Renders a template with `context`; a missing or broken template is a 500.
pub(crate) fn render(name: &str, context: impl Serialize) -> Result<Html<String>, PageError> {
    environment().get_template(name).and_then(|t| t.render(context)).map(Html).map_err(|e| {
        tracing::error!(template = name, error = %e, "rendering failed");
        PageError::Internal
    })
}

/// Why a page could not be shown.
#[derive(Debug)]
pub enum PageError {
    SignIn {
        next: String,
    },
    Forbidden(String),
    NotFound(&'static str),
    BadForm(String),
    /// The case (or whatever it was) changed meanwhile, or a rule refused the step: a
    /// business outcome, told in words, never a 500.
    Refused(String),
    Unavailable,
    Internal,
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => PageError::NotFound(what),
            StoreError::BadCursor => PageError::BadForm(say("error-bad-cursor")),
            StoreError::ApprovalNeeded { reason, .. } => {
                PageError::BadForm(say_with("error-approval-needed", &[("reason", approval_reason(reason).into())]))
            }
            StoreError::Refused(refusal) => PageError::Refused(refusal.message),
            StoreError::StepRefused(amends_domain::step::Refused::NeedsRole { message, .. }) => {
                PageError::Forbidden(login::capitalise(message))
            }
            StoreError::StepRefused(refused) => PageError::Refused(refused.to_string()),
            StoreError::Conflict { message, .. } => PageError::Refused(message),
            other if other.is_temporary() => PageError::Unavailable,
            StoreError::WriterStopped => PageError::Unavailable,
            other => {
                tracing::error!(error = %other, "store error on a page");
                PageError::Internal
            }
        }
    }
}

impl PageError {
    /// The status, title and sentence of the error page in `language`. A sign-in has
    /// none: it is a redirect.
    pub(crate) fn words_in(self, language: Language) -> (StatusCode, String, String) {
        let say = |id: &str| amends_i18n::text(language, id);
        match self {
            PageError::SignIn { .. } => (StatusCode::UNAUTHORIZED, say("error-sign-in-title"), say("error-sign-in")),
            PageError::Forbidden(why) => (StatusCode::FORBIDDEN, say("error-forbidden-title"), why),
            PageError::NotFound(what) => {
                // A whole sentence per thing, so each language can decline its noun.
                let id = format!("error-missing-{}", what.replace(' ', "-"));
                let message = if amends_i18n::has(Language::English, &id) {
                    say(&id)
                } else {
                    amends_i18n::text_with(language, "error-missing", &[("what", what.into())])
                };
                (StatusCode::NOT_FOUND, say("error-not-found-title"), message)
            }
            PageError::BadForm(why) => (StatusCode::BAD_REQUEST, say("error-bad-form-title"), why),
            PageError::Refused(why) => (StatusCode::CONFLICT, say("error-refused-title"), why),
            PageError::Unavailable => {
                (StatusCode::SERVICE_UNAVAILABLE, say("error-unavailable-title"), say("error-unavailable"))
            }
            PageError::Internal => {
                (StatusCode::INTERNAL_SERVER_ERROR, say("error-internal-title"), say("error-internal"))
            }
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let PageError::SignIn { next } = &self {
            let target = format!("/login?next={}", urlencode(next));
            return Redirect::to(&target).into_response();
        }
        let lang = speaking();
        let (status, title, message) = self.words_in(lang);
        let ctx = minijinja::context! { title, message, status => status.as_u16(), lang => lang.tag() };
        let body = environment()
            .get_template("error.html")
            .and_then(|t| t.render(ctx))
            .unwrap_or_else(|_| "Something went wrong.".to_owned());
        (status, Html(body)).into_response()
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|q| q[1..].to_owned()).unwrap_or_default()
}

/// A signed-in staff member on a page, with the session's CSRF token for its forms.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub user: UserRecord,
    pub csrf: String,
    /// The business's currency and zone: every time and amount on the page is shown in them.
    pub business: Business,
    /// The language the pages speak to them: their own choice, else their browser's.
    pub language: Language,
}

impl StaffSession {
    pub fn require(&self, role: Role) -> Result<(), PageError> {
        if self.user.role.at_least(role) {
            Ok(())
        } else {
            let role_name = |r: Role| amends_i18n::text(self.language, &format!("role-{r}"));
            Err(PageError::Forbidden(amends_i18n::text_with(
                self.language,
                "error-role-needed",
                &[("role", role_name(role).into()), ("yours", role_name(self.user.role).into())],
            )))
        }
    }

    /// What every page's layout needs.
    pub fn layout(&self) -> Layout<'_> {
        Layout {
            user: &self.user,
            csrf: &self.csrf,
            is_manager: self.user.role.at_least(Role::Manager),
            is_admin: self.user.role == Role::Admin,
            business: &self.business,
            lang: self.language.tag(),
        }
    }
}

#[derive(Serialize)]
pub struct Layout<'a> {
    pub user: &'a UserRecord,
    pub csrf: &'a str,
    pub is_manager: bool,
    pub is_admin: bool,
    /// Read by the `when` and `money` filters.
    pub business: &'a Business,
    /// Read by `t`, the templates' message function.
    pub lang: &'static str,
}

/// The language a browser asks for (`Accept-Language`), for pages before sign-in and
/// for staff who chose none; English when it names none of ours.
pub(crate) fn browser_language(headers: &axum::http::HeaderMap) -> Language {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::from_accept_language)
        .unwrap_or(Language::English)
}

fn path_of(uri: &Uri) -> String {
    uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| "/".to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for StaffSession {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<Identity>() {
            Some(Identity { user, via: Via::Session { csrf_token } }) => {
                let business = parts.extensions.get::<Business>().cloned().unwrap_or_default();
                let language = user.language.unwrap_or_else(|| browser_language(&parts.headers));
                Ok(StaffSession { user: user.clone(), csrf: csrf_token.clone(), business, language })
            }
            _ => Err(PageError::SignIn { next: path_of(&parts.uri) }),
        }
    }
}

/// A posted form from a signed-in page, checked against the session's CSRF token.
pub struct Posted<T> {
    pub session: StaffSession,
    pub form: T,
    pub fields: HashMap<String, String>,
}

impl<S, T> FromRequest<S> for Posted<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let session = StaffSession::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| PageError::BadForm(say("error-form-too-large")))?;
        let fields: HashMap<String, String> =
            serde_urlencoded::from_bytes(&bytes).map_err(|_| PageError::BadForm(say("error-form-unreadable")))?;
        if fields.values().any(|v| v.contains('\0')) {
            return Err(PageError::BadForm(say("error-form-nul")));
        }
        let sent = fields.get("csrf").map(String::as_str).unwrap_or("");
        if !same_secret(sent, &session.csrf) {
            return Err(PageError::Forbidden(say("error-form-csrf")));
        }
        let form = serde_urlencoded::from_bytes(&bytes)
            .map_err(|e| PageError::BadForm(say_with("error-form-incomplete", &[("why", e.to_string().into())])))?;
        Ok(Posted { session, form, fields })
    }
}

/// A form field, trimmed, or None when empty.
pub(crate) fn field(fields: &HashMap<String, String>, name: &str) -> Option<String> {
    fields.get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}
