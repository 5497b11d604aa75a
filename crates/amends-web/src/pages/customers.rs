//! Customers: the list, one customer's page (cases, transactions, lifetime value,
//! watch flag, an order recorded by hand), and the create and edit forms.

use std::collections::HashMap;

use amends_domain::customer::{parse_amount, parse_currency, parse_phone};
use amends_domain::{CustomerEmail, CustomerName, TransactionKind};
use amends_store::{CaseFilter, CustomerPatch, NewCustomer, NewTransaction, StoreError, TransactionCustomer};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::login::Nothing;
use super::{PageError, Posted, StaffSession, field, render, say, say_with};
use crate::AppState;
use crate::api::id_from;
use crate::auth::random_hex;
use crate::json::Params;

/// Reads the customer fields of a form into a valid new customer.
pub(crate) fn customer_from_form(f: &HashMap<String, String>) -> Result<NewCustomer, String> {
    Ok(NewCustomer {
        name: CustomerName::parse(f.get("name").map(String::as_str).unwrap_or("")).map_err(|e| customer_error(&e))?,
        email: field(f, "email").map(|e| CustomerEmail::parse(&e)).transpose().map_err(|e| customer_error(&e))?,
        phone: parse_phone(f.get("phone").map(String::as_str).unwrap_or("")).map_err(|e| customer_error(&e))?,
        external_id: field(f, "external_id"),
        postal_address: field(f, "postal_address"),
        notes: field(f, "notes").unwrap_or_default(),
    })
}

/// Why a customer's details or an order were refused, in the page's language.
pub(crate) fn customer_error(e: &amends_domain::CustomerError) -> String {
    use amends_domain::CustomerError as E;
    let quoted = |v: &str| format!("{v:?}");
    match e {
        E::NameEmpty => say("customers-error-name-empty"),
        E::NameTooLong(n) => say_with("customers-error-name-too-long", &[("count", (*n as i64).into())]),
        E::NameControl => say("customers-error-name-control"),
        E::EmailInvalid(v) => say_with("customers-error-email", &[("value", quoted(v).into())]),
        E::PhoneTooLong => say("customers-error-phone-too-long"),
        E::CurrencyInvalid(v) => say_with("customers-error-currency", &[("value", quoted(v).into())]),
        E::KindUnknown(v) => say_with("customers-error-kind", &[("value", quoted(v).into())]),
        E::AmountNegative => say("customers-error-amount-negative"),
        E::AmountInvalid(v) => say_with("customers-error-amount", &[("value", quoted(v).into())]),
    }
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
) -> Result<Response, PageError> {
    let id = id_from(&id, "customer").map_err(|_| PageError::NotFound("customer"))?;
    customer_page(&state, &session, id, StatusCode::OK, minijinja::context! {}).await
}

/// The customer's page; `said` adds what the order form says (an error and its draft).
async fn customer_page(
    state: &AppState,
    session: &StaffSession,
    id: i64,
    status: StatusCode,
    said: minijinja::Value,
) -> Result<Response, PageError> {
    let customer = state.store.customer(id).await?;
    let (cases, _) =
        state.store.list_cases(&CaseFilter { customer_id: Some(id), limit: 100, ..CaseFilter::default() }).await?;
    let transactions = state.store.customer_transactions(id, 50).await?;
    // The order form offers the currency they last paid in.
    let currency = transactions.first().map(|t| t.currency.clone()).unwrap_or_else(|| "EUR".to_owned());
    // The language select: ours, each named in itself, and the business's for none.
    let languages: Vec<minijinja::Value> = amends_domain::Language::ALL
        .iter()
        .map(|l| minijinja::context! { tag => l.tag(), name => l.own_name() })
        .collect();
    let business_language = session.business.language.own_name();
    let page = render(
        "customer.html",
        minijinja::context! {
            layout => session.layout(), customer, cases, transactions, currency, languages, business_language, ..said
        },
    )?;
    Ok((status, page).into_response())
}

/// Staff record a customer's order or visit by hand (a phone order, a walk-in), as the
/// import and the API would: the same store function, so a watched customer's next
/// order alerts staff the same way.
pub async fn record_transaction(
    State(state): State<AppState>,
    Path(id): Path<String>,
    posted: Posted<Nothing>,
) -> Result<Response, PageError> {
    let Posted { session, fields, .. } = posted;
    let id = id_from(&id, "customer").map_err(|_| PageError::NotFound("customer"))?;
    let parsed = (|| -> Result<NewTransaction, String> {
        let words = |e: amends_domain::CustomerError| customer_error(&e);
        let kind = field(&fields, "kind").unwrap_or_default().parse::<TransactionKind>().map_err(words)?;
        let amount_minor = parse_amount(&field(&fields, "amount").unwrap_or_default()).map_err(words)?;
        let currency = parse_currency(&field(&fields, "currency").unwrap_or_default().to_uppercase()).map_err(words)?;
        let text = |name: &str| -> Result<Option<String>, String> {
            match field(&fields, name) {
                Some(v) if v.chars().count() > 200 => Err(say_with(
                    "customers-error-too-long",
                    &[("field", say(&format!("customers-field-{name}")).into())],
                )),
                other => Ok(other),
            }
        };
        let external_id = match text("reference")? {
            Some(reference) => reference,
            None => format!("manual-{}", random_hex(8)),
        };
        Ok(NewTransaction {
            customer: TransactionCustomer::Id(id),
            external_id,
            kind,
            amount_minor,
            currency,
            sku: text("product")?,
            location: text("location")?,
            occurred_at: state.store.now(),
        })
    })();
    let error = match parsed {
        Ok(t) => {
            let done = state.store.insert_transactions(std::slice::from_ref(&t)).await?;
            if !done.rejected.is_empty() {
                return Err(PageError::NotFound("customer"));
            }
            if done.inserted == 1 {
                return Ok(Redirect::to(&format!("/customers/{id}")).into_response());
            }
            say_with("customers-error-duplicate", &[("reference", format!("{:?}", t.external_id).into())])
        }
        Err(error) => error,
    };
    let said = minijinja::context! { order_error => error, order => fields };
    customer_page(&state, &session, id, StatusCode::UNPROCESSABLE_ENTITY, said).await
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
    let patch = match (fields.get("watch").map(String::as_str), fields.get("language").map(String::as_str)) {
        // The watch toggle posts only this field.
        (Some(w), _) if !fields.contains_key("name") => {
            Ok(CustomerPatch { watch: Some(w == "on"), ..CustomerPatch::default() })
        }
        // So does the language select; empty forgets it (the business's language again).
        (None, Some(tag)) if !fields.contains_key("name") => match tag.trim() {
            "" => Ok(CustomerPatch { language: Some(None), ..CustomerPatch::default() }),
            tag => amends_domain::Language::from_tag(tag)
                .map(|l| CustomerPatch { language: Some(Some(l)), ..CustomerPatch::default() })
                .ok_or_else(|| format!("{tag:?} is not a language the desk speaks")),
        },
        _ => customer_from_form(&fields).map(|c| CustomerPatch {
            name: Some(c.name),
            email: Some(c.email),
            phone: Some(c.phone),
            postal_address: Some(c.postal_address),
            notes: Some(c.notes),
            watch: None,
            language: None,
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
