//! Managers edit the messages customers receive, with a live preview and the coach.

use amends_domain::Role;
use amends_jobs::messages::{TEMPLATES, render, sample_context, template};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render as render_page};
use crate::AppState;

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
        rows.push(Row { name: t.name, title: t.title, edited: state.store.template_override(t.name).await?.is_some() });
    }
    render_page("templates.html", minijinja::context! { layout => session.layout(), rows })
}

/// What the editor shows: the source, the preview with sample data, and the coach's review.
async fn editor(
    state: &AppState,
    session: &StaffSession,
    name: &str,
    source: Option<String>,
    error: Option<String>,
    saved: bool,
) -> Result<minijinja::Value, PageError> {
    let t = template(name).ok_or(PageError::NotFound("template"))?;
    let edited = state.store.template_override(name).await?;
    let source = source.or(edited.clone()).unwrap_or_else(|| t.source.to_owned());
    let preview = render(&source, sample_context("The team at Café Weber"));
    let (subject, body, problem) = match preview {
        Ok((subject, body)) => (subject, body, None),
        Err(e) => (String::new(), String::new(), Some(e)),
    };
    let review = state.coach.review(&body, t.purpose);
    Ok(minijinja::context! {
        layout => session.layout(), name => t.name, title => t.title, variables => t.variables,
        source, subject, body, findings => review.findings, score => review.score,
        problem, error, saved, edited => edited.is_some(),
    })
}

pub async fn edit(
    State(state): State<AppState>,
    session: StaffSession,
    Path(name): Path<String>,
) -> Result<impl IntoResponse, PageError> {
    session.require(Role::Manager)?;
    let ctx = editor(&state, &session, &name, None, None, false).await?;
    render_page("template_edit.html", ctx)
}

pub async fn save(
    State(state): State<AppState>,
    Path(name): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    session.require(Role::Manager)?;
    let t = template(&name).ok_or(PageError::NotFound("template"))?;
    if fields.contains_key("reset") {
        state.store.reset_template(t.name).await?;
        return Ok(Redirect::to(&format!("/admin/templates/{}", t.name)).into_response());
    }
    let source = fields.get("source").cloned().unwrap_or_default().replace("\r\n", "\n");
    let problem = match render(&source, sample_context("The team")) {
        Err(e) => Some(format!("The template does not work: {e}.")),
        Ok((_, body)) => {
            let review = state.coach.review(&body, t.purpose);
            match (review.has_high(), field(&fields, "coach_override")) {
                (true, None) => Some("The coach found company-focused wording (see below). Rewrite it, or give a reason to save it anyway.".to_owned()),
                _ => None,
            }
        }
    };
    if let Some(error) = problem {
        let ctx = editor(&state, &session, t.name, Some(source), Some(error), false).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render_page("template_edit.html", ctx)?).into_response());
    }
    state.store.save_template(t.name, &source, session.user.id).await?;
    let ctx = editor(&state, &session, t.name, None, None, true).await?;
    Ok(render_page("template_edit.html", ctx)?.into_response())
}
