//! Search across customers and cases.

use amends_store::{CaseFilter, CaseHit};
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
        let mut hits = state.store.search_cases(&q, 50).await?;
        // The cases of the customers found by name, after the words' matches.
        for customer in &customers {
            let filter = CaseFilter { customer_id: Some(customer.id), limit: 10, ..CaseFilter::default() };
            for case in state.store.list_cases(&filter).await?.0 {
                if !hits.iter().any(|h| h.case.id == case.id) {
                    hits.push(CaseHit { case, snippet: String::new() });
                }
            }
        }
        // A reference as people type it (AM-1001, or 1001) comes first.
        if let Some(r) = amends_domain::CaseReference::from_search(&q)
            && let Ok(case) = state.store.case(r.case_id()).await
        {
            hits.retain(|h| h.case.id != case.id);
            hits.insert(0, CaseHit { case, snippet: String::new() });
        }
        (customers, hits)
    };
    render("search.html", minijinja::context! { layout => session.layout(), q, customers, hits })
}
