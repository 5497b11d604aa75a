//! Customers: the list, one customer's page (cases, transactions, lifetime value,
//! watch flag), and the create and edit forms.

use std::collections::HashMap;

use amends_domain::customer::parse_phone;
use amends_domain::{CustomerEmail, CustomerName};
use amends_store::{CaseFilter, CustomerPatch, NewCustomer, StoreError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render};
use crate::AppState;
use crate::api::id_from;
use crate::json::Params;

/// Reads the customer fields of a form into a valid new customer.
pub(crate) fn customer_from_form(f: &HashMap<String, String>) -> Result<NewCustomer, String> {
    Ok(NewCustomer {
        name: CustomerName::parse(f.get("name").map(String::as_str).unwrap_or(""))
            .map_err(|e| format!("{}.", super::login::capitalise(&e.to_string())))?,
        email: field(f, "email").map(|e| CustomerEmail::parse(&e)).transpose().map_err(|e| format!("{e}."))?,
        phone: parse_phone(f.get("phone").map(String::as_str).unwrap_or("")).map_err(|e| format!("{e}."))?,
        external_id: field(f, "external_id"),
        postal_address: field(f, "postal_address"),
        notes: field(f, "notes").unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    session: StaffSession,
    Params(query): Params<ListQuery>,
) -> Result<impl IntoResponse, PageError> {
    let (customers, next_cursor) = state.store.list_customers(query.q.as_deref(), query.cursor.as_deref(), 50).await?;
    let next_link = next_cursor.map(|c| {
        let mut params = vec![("cursor", c)];
        if let Some(q) = &query.q {
            params.push(("q", q.clone()));
        }
        format!("/customers?{}", serde_urlencoded::to_string(params).unwrap_or_default())
    });
    render("customers.html", minijinja::context! { layout => session.layout(), customers, q => query.q, next_link })
}

pub async fn page(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, PageError> {
    let id = id_from(&id, "customer").map_err(|_| PageError::NotFound("customer"))?;
    let customer = state.store.customer(id).await?;
    let (cases, _) =
        state.store.list_cases(&CaseFilter { customer_id: Some(id), limit: 100, ..CaseFilter::default() }).await?;
    let transactions = state.store.customer_transactions(id, 50).await?;
    render("customer.html", minijinja::context! { layout => session.layout(), customer, cases, transactions })
}

pub async fn new_form(session: StaffSession) -> Result<impl IntoResponse, PageError> {
    let draft: HashMap<String, String> = HashMap::new();
    render("customer_form.html", minijinja::context! { layout => session.layout(), draft })
}

pub async fn create(State(state): State<AppState>, posted: Posted<Nothing>) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let error = match customer_from_form(&fields) {
        Ok(c) => match state.store.create_customer(&c).await {
            Ok(made) => return Ok(Redirect::to(&format!("/customers/{}", made.id)).into_response()),
            Err(StoreError::Conflict { message, .. }) => message,
            Err(e) => return Err(e.into()),
        },
        Err(message) => message,
    };
    let page =
        render("customer_form.html", minijinja::context! { layout => session.layout(), draft => fields, error })?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    session: StaffSession,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, PageError> {
    let id = id_from(&id, "customer").map_err(|_| PageError::NotFound("customer"))?;
    let customer = state.store.customer(id).await?;
    let draft: HashMap<&str, String> = HashMap::from([
        ("name", customer.name.clone()),
        ("email", customer.email.clone().unwrap_or_default()),
        ("phone", customer.phone.clone().unwrap_or_default()),
        ("postal_address", customer.postal_address.clone().unwrap_or_default()),
        ("notes", customer.notes.clone()),
    ]);
    render("customer_form.html", minijinja::context! { layout => session.layout(), customer, draft })
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let id = id_from(&id, "customer").map_err(|_| PageError::NotFound("customer"))?;
    let patch = match fields.get("watch").map(String::as_str) {
        // The watch toggle posts only this field.
        Some(w) if !fields.contains_key("name") => {
            Ok(CustomerPatch { watch: Some(w == "on"), ..CustomerPatch::default() })
        }
        _ => customer_from_form(&fields).map(|c| CustomerPatch {
            name: Some(c.name),
            email: Some(c.email),
            phone: Some(c.phone),
            postal_address: Some(c.postal_address),
            notes: Some(c.notes),
            watch: None,
        }),
    };
    let error = match patch {
        Ok(patch) => match state.store.update_customer(id, &patch).await {
            Ok(_) => return Ok(Redirect::to(&format!("/customers/{id}")).into_response()),
            Err(StoreError::Conflict { message, .. }) => message,
            Err(e) => return Err(e.into()),
        },
        Err(message) => message,
    };
    let customer = state.store.customer(id).await?;
    let page = render(
        "customer_form.html",
        minijinja::context! { layout => session.layout(), customer, draft => fields, error },
    )?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
