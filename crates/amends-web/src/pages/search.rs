//! Search across customers and cases.

use axum::extract::State;
use axum::response::IntoResponse;
use serde::Deserialize;

use super::{PageError, StaffSession, render};
use crate::AppState;
use crate::json::Params;

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Params(query): Params<SearchQuery>,
) -> Result<impl IntoResponse, PageError> {
    let q = query.q.unwrap_or_default().trim().to_owned();
    let (customers, hits) = if q.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        let (customers, _) = state.store.list_customers(Some(&q), None, 10).await?;
        let reference = amends_domain::CaseReference::parse(&q);
        let mut hits = state.store.search_cases(&q, 50).await?;
        if let Some(r) = reference
            && let Ok(case) = state.store.case(r.case_id()).await
        {
            hits.insert(0, amends_store::CaseHit { case, snippet: String::new() });
        }
        (customers, hits)
    };
    render("search.html", minijinja::context! { layout => session.layout(), q, customers, hits })
}
