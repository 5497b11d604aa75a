//! Managers edit the messages customers receive, with a live preview and the coach,
//! one language at a time (`?language=de`; English when not given): customers of that
//! language read the edit, the others the built-in text in theirs.

use amends_domain::{Language, Role};
use amends_jobs::messages::{TEMPLATES, check, render, sample_context, template};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use super::login::{Nothing, capitalise};
use super::{PageError, Posted, StaffSession, field, render as render_page};
use crate::AppState;
use crate::api::templates::{MAX_TEMPLATE_BYTES, SaveRefused, save_checked};

#[derive(Serialize)]
struct Row {
    name: &'static str,
    title: &'static str,
    edited: bool,
}

pub async fn list(State(state): State<AppState>, session: StaffSession) -> Result<impl IntoResponse, PageError> {
    session.require(Role::Manager)?;
    let mut rows = Vec::new();
    for t in TEMPLATES {
        let edited = state.store.template_override(t.name, Language::English.tag()).await?.is_some();
        rows.push(Row { name: t.name, title: t.title, edited });
    }
    render_page("templates.html", minijinja::context! { layout => session.layout(), rows })
}

/// What the editor says beside the form.
#[derive(Default)]
struct Said {
    error: Option<String>,
    /// The coach held the words: the form asks for a reason.
    held: bool,
    saved: bool,
}

/// What the editor shows: the source, the preview with sample data, and the coach's review.
async fn editor(
    state: &AppState,
    session: &StaffSession,
    name: &str,
    language: Language,
    source: Option<String>,
    said: Said,
) -> Result<minijinja::Value, PageError> {
    let t = template(name).ok_or(PageError::NotFound("template"))?;
    let edited = state.store.template_override(name, language.tag()).await?;
    let coach_override = state.store.template_coach_override(name, language.tag()).await?;
    let source = source.or(edited.clone()).unwrap_or_else(|| t.source_in(language));
    let signature = amends_jobs::sign_off(
        &amends_jobs::closing(&state.settings.mail_signature, language),
        "Mia Schmidt",
        "Café Weber",
    );
    let preview = render(&source, sample_context(language, &signature));
    let (subject, body, problem) = match preview {
        Ok((subject, body)) => (subject, body, check(t, &source, language).err().map(|p| capitalise(&p.to_string()))),
        Err(e) => (String::new(), String::new(), Some(e)),
    };
    let review = state.coach.review(&body, t.purpose);
    Ok(minijinja::context! {
        layout => session.layout(), name => t.name, title => t.title, variables => t.variables,
        required => t.required, source, subject, body, findings => review.findings, score => review.score,
        problem, error => said.error, held => said.held, saved => said.saved, edited => edited.is_some(),
        coach_override, language => language.tag(),
        languages => Language::ALL.iter().map(|l| (l.tag(), l.own_name())).collect::<Vec<_>>(),
    })
}

#[derive(Deserialize)]
pub struct LanguageQuery {
    language: Option<String>,
}

/// The language an edit is in: the one asked for, English when none or unknown.
fn edit_language(tag: Option<&str>) -> Language {
    tag.and_then(Language::from_tag).unwrap_or(Language::English)
}

pub async fn edit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(name): Path<String>,
    Query(q): Query<LanguageQuery>,
) -> Result<impl IntoResponse, PageError> {
    session.require(Role::Manager)?;
    let language = edit_language(q.language.as_deref());
    let ctx = editor(&state, &session, &name, language, None, Said::default()).await?;
    render_page("template_edit.html", ctx)
}

/// Saves the edited template with the API's rules (`api::templates::save_checked`); a
/// refusal is the editor again, in words, with the draft kept.
pub async fn save(
    State(state): State<AppState>,
    Path(name): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let t = template(&name).ok_or(PageError::NotFound("template"))?;
    let language = edit_language(fields.get("language").map(String::as_str));
    if fields.contains_key("reset") {
        state.store.reset_template(t.name, language.tag()).await?;
        return Ok(Redirect::to(&format!("/admin/templates/{}?language={}", t.name, language.tag())).into_response());
    }
    let source = fields.get("source").cloned().unwrap_or_default().replace("\r\n", "\n");
    if source.len() > MAX_TEMPLATE_BYTES {
        let said =
            Said { error: Some(amends_i18n::text(session.language, "admin-error-template-size")), ..Said::default() };
        let ctx = editor(&state, &session, t.name, language, Some(source), said).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render_page("template_edit.html", ctx)?).into_response());
    }
    let reason = field(&fields, "coach_override");
    let said = match save_checked(&state, t, language, &source, session.user.id, reason.as_deref()).await? {
        Ok(_) => {
            let ctx = editor(&state, &session, t.name, language, None, Said { saved: true, ..Said::default() }).await?;
            return Ok(render_page("template_edit.html", ctx)?.into_response());
        }
        Err(SaveRefused::Problem(problem)) => Said {
            error: Some(amends_i18n::text_with(
                session.language,
                "admin-error-not-saved",
                &[("why", problem.to_string().into())],
            )),
            ..Said::default()
        },
        Err(SaveRefused::Held { kinds, .. }) => Said {
            error: Some(amends_i18n::text_with(
                session.language,
                "admin-error-coach-template",
                &[("kinds", kinds.iter().map(|k| k.replace('_', " ")).collect::<Vec<_>>().join(", ").into())],
            )),
            held: true,
            saved: false,
        },
    };
    let ctx = editor(&state, &session, t.name, language, Some(source), said).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render_page("template_edit.html", ctx)?).into_response())
}
