//! Customers and the transaction feed (orders, visits, refunds).

use amends_domain::customer::{parse_currency, parse_phone};
use amends_domain::{CustomerEmail, CustomerName, TransactionKind};
use amends_store::{
    CustomerPatch, CustomerRecord, NewCustomer, NewTransaction, TransactionBatch, TransactionCustomer,
    TransactionRecord,
};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use serde::Deserialize;
use time::OffsetDateTime;

use super::{Page, created, id_from, page_size};
use crate::AppState;
use crate::auth::Agent;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

/// A customer as the API receives one (for a new customer, or inside a new case).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// 1 to 200 characters after trimming.
    pub name: String,
    /// Checked for the shape of an email address (a blank string counts as none).
    /// Unique among customers, case-insensitively.
    pub email: Option<String>,
    /// Free form, at most 40 characters after trimming.
    pub phone: Option<String>,
    /// The customer's id in another system; unique. At most 200 characters after
    /// trimming.
    pub external_id: Option<String>,
    /// At most 1000 characters after trimming.
    pub postal_address: Option<String>,
    /// At most 20000 characters after trimming.
    pub notes: Option<String>,
}

const MAX_NOTES_CHARS: usize = 20_000;

/// An optional text field, trimmed; empty is absent; longer than `max` chars is a 422.
pub(crate) fn optional_text(field: &str, value: Option<String>, max: usize) -> Result<Option<String>, ApiError> {
    match value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
        Some(v) if v.chars().count() > max => {
            Err(ApiError::invalid(field, format!("{field} has at most {max} characters")))
        }
        other => Ok(other),
    }
}

impl CustomerInput {
    /// The customer as the domain's valid types, naming the field at fault otherwise.
    pub fn parse(self, prefix: &str) -> Result<NewCustomer, ApiError> {
        let field = |f: &str| format!("{prefix}{f}");
        Ok(NewCustomer {
            name: CustomerName::parse(&self.name).map_err(|e| ApiError::invalid(&field("name"), e.to_string()))?,
            email: self
                .email
                .filter(|e| !e.trim().is_empty())
                .map(|e| CustomerEmail::parse(&e))
                .transpose()
                .map_err(|e| ApiError::invalid(&field("email"), e.to_string()))?,
            phone: parse_phone(self.phone.as_deref().unwrap_or(""))
                .map_err(|e| ApiError::invalid(&field("phone"), e.to_string()))?,
            external_id: optional_text(&field("external_id"), self.external_id, 200)?,
            postal_address: optional_text(&field("postal_address"), self.postal_address, 1_000)?,
            notes: optional_text(&field("notes"), self.notes, MAX_NOTES_CHARS)?.unwrap_or_default(),
        })
    }
}

#[utoipa::path(
    post, path = "/customers", tag = "customers", operation_id = "createCustomer",
    summary = r#"Create a customer"#,
    request_body(content = CustomerInput),
    responses(
        (status = 201, description = r#"Created."#, body = CustomerRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: email` or `field: external_id`: another customer has it."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create(
    State(state): State<AppState>,
    _: Agent,
    JsonBody(body): JsonBody<CustomerInput>,
) -> ApiResult<impl IntoResponse> {
    let customer = body.parse("")?;
    Ok(created(state.store.create_customer(&customer).await?))
}

#[utoipa::path(
    get, path = "/customers/{id}", tag = "customers", operation_id = "getCustomer",
    summary = r#"One customer, with lifetime value"#,
    params(
        ("id" = i64, Path, description = r#"The customer's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    responses(
        (status = 200, description = r#"The customer."#, body = CustomerRecord),
        (status = 404, description = r#"`not_found`: no such customer."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn get(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<CustomerRecord>> {
    Ok(axum::Json(state.store.customer(id_from(&id, "customer")?).await?))
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    cursor: Option<String>,
    limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/customers", tag = "customers", operation_id = "listCustomers",
    summary = r#"List or search customers"#,
    description = r#"Newest first; with `q`, customers whose email is exactly `q` (when it has an `@`) or whose name starts with `q` (case-insensitive), by name. `lifetime_value` is empty in lists."#,
    params(
        ("q" = Option<String>, Query, description = r#"An exact email (when it contains `@`), else a name prefix; case-insensitive."#),
        ("cursor" = Option<String>, Query, description = r#"The `next_cursor` of the previous page, with the same filters. A cursor this list did not give is 400 with `field: cursor`."#),
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"One page of customers."#, body = Page<CustomerRecord>),
        (status = 400, description = r#"`bad_query`: a query parameter has the wrong type. `bad_request`: `limit` is not 1 to 200 (`field: limit`) or the cursor is not one this list gave (`field: cursor`)."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn list(
    State(state): State<AppState>,
    _: Agent,
    Params(query): Params<ListQuery>,
) -> ApiResult<axum::Json<Page<CustomerRecord>>> {
    let limit = page_size(query.limit)?;
    let (items, next_cursor) = state.store.list_customers(query.q.as_deref(), query.cursor.as_deref(), limit).await?;
    Ok(axum::Json(Page { items, next_cursor }))
}

/// A change to a customer. A field left out stays as it is; `null` clears it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerChange {
    /// 1 to 200 characters after trimming; null leaves it unchanged.
    name: Option<String>,
    /// Checked for the shape of an email address; null or blank clears it. Another
    /// customer's email is 409.
    #[serde(default, with = "double_option")]
    email: Option<Option<String>>,
    /// At most 40 characters after trimming; null or blank clears it.
    #[serde(default, with = "double_option")]
    phone: Option<Option<String>>,
    /// At most 1000 characters after trimming; null or blank clears it.
    #[serde(default, with = "double_option")]
    postal_address: Option<Option<String>>,
    /// At most 20000 characters after trimming; blank clears the notes, null leaves
    /// them.
    notes: Option<String>,
    /// Put on or take off the watch list.
    watch: Option<bool>,
    /// The language every mail, page and letter to them is in (`en`, `de`); null
    /// forgets it, so the business's own language is used again.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<amends_domain::Language>)]
    language: Option<Option<amends_domain::Language>>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};
    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

#[utoipa::path(
    patch, path = "/customers/{id}", tag = "customers", operation_id = "updateCustomer",
    summary = r#"Change a customer"#,
    params(
        ("id" = i64, Path, description = r#"The customer's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
    ),
    request_body(content = CustomerChange),
    responses(
        (status = 200, description = r#"The customer as changed, with lifetime value."#, body = CustomerRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such customer."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict` with `field: email`: another customer has this email."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn update(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<CustomerChange>,
) -> ApiResult<axum::Json<CustomerRecord>> {
    let id = id_from(&id, "customer")?;
    let patch = CustomerPatch {
        name: body
            .name
            .map(|n| CustomerName::parse(&n))
            .transpose()
            .map_err(|e| ApiError::invalid("name", e.to_string()))?,
        email: body
            .email
            .map(|e| e.filter(|e| !e.trim().is_empty()).map(|e| CustomerEmail::parse(&e)).transpose())
            .transpose()
            .map_err(|e| ApiError::invalid("email", e.to_string()))?,
        phone: body
            .phone
            .map(|p| parse_phone(p.as_deref().unwrap_or("")))
            .transpose()
            .map_err(|e| ApiError::invalid("phone", e.to_string()))?,
        postal_address: body.postal_address.map(|a| optional_text("postal_address", a, 1_000)).transpose()?,
        notes: body
            .notes
            .map(|n| optional_text("notes", Some(n), MAX_NOTES_CHARS).map(Option::unwrap_or_default))
            .transpose()?,
        watch: body.watch,
        language: body.language,
    };
    Ok(axum::Json(state.store.update_customer(id, &patch).await?))
}

#[derive(Deserialize)]
pub struct TransactionsQuery {
    limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/customers/{id}/transactions", tag = "customers", operation_id = "listCustomerTransactions",
    summary = r#"A customer's transactions"#,
    description = r#"Newest first, up to `limit`; not paged (`next_cursor` is always null)."#,
    params(
        ("id" = i64, Path, description = r#"The customer's id. An id that is not a positive integer answers 404, like an unknown one."#, minimum = 1),
        ("limit" = Option<i64>, Query, description = r#"Page size, 1 to 200 (else 400 with `field: limit`)."#, minimum = 1, maximum = 200),
    ),
    responses(
        (status = 200, description = r#"The customer's latest transactions."#, body = Page<TransactionRecord>),
        (status = 400, description = r#"`bad_query`: `limit` is not an integer. `bad_request` with `field: limit`: `limit` is not 1 to 200."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such customer."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn transactions(
    State(state): State<AppState>,
    _: Agent,
    Path(id): Path<String>,
    Params(query): Params<TransactionsQuery>,
) -> ApiResult<axum::Json<Page<TransactionRecord>>> {
    let id = id_from(&id, "customer")?;
    state.store.customer(id).await?;
    let items = state.store.customer_transactions(id, page_size(query.limit)?).await?;
    Ok(axum::Json(Page { items, next_cursor: None }))
}

/// One transaction. Give exactly one of `customer_id` and `customer_external_id` (else
/// 422 with `field: customer_id`). A transaction whose `external_id` is already stored
/// is not changed.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionInput {
    customer_id: Option<i64>,
    /// The customer's `external_id`; not blank.
    customer_external_id: Option<String>,
    /// 1 to 200 bytes (UTF-8) after trimming: the check counts bytes, so non-ASCII ids
    /// allow fewer than 200 characters.
    external_id: String,
    kind: TransactionKind,
    /// Minor units; not negative (a refund is its own kind).
    amount_minor: i64,
    /// Currency code: exactly three capital ASCII letters, such as `EUR`.
    currency: String,
    /// At most 200 characters after trimming; blank counts as none.
    sku: Option<String>,
    /// At most 200 characters after trimming; blank counts as none.
    location: Option<String>,
    /// RFC 3339, any offset.
    #[serde(with = "time::serde::rfc3339")]
    occurred_at: OffsetDateTime,
}

impl TransactionInput {
    pub(crate) fn parse(self, prefix: &str) -> Result<NewTransaction, ApiError> {
        let field = |f: &str| format!("{prefix}{f}");
        let customer = match (self.customer_id, self.customer_external_id) {
            (Some(id), None) => TransactionCustomer::Id(id),
            (None, Some(ext)) if !ext.trim().is_empty() => TransactionCustomer::ExternalId(ext),
            _ => {
                return Err(ApiError::invalid(
                    &field("customer_id"),
                    "give either customer_id or customer_external_id",
                ));
            }
        };
        let external_id = self.external_id.trim().to_owned();
        if external_id.is_empty() || external_id.len() > 200 {
            return Err(ApiError::invalid(&field("external_id"), "an external id has 1 to 200 characters"));
        }
        if self.amount_minor < 0 {
            return Err(ApiError::invalid(
                &field("amount_minor"),
                "an amount is not negative; a refund is its own kind",
            ));
        }
        Ok(NewTransaction {
            customer,
            external_id,
            kind: self.kind,
            amount_minor: self.amount_minor,
            currency: parse_currency(&self.currency)
                .map_err(|e| ApiError::invalid(&field("currency"), e.to_string()))?,
            sku: optional_text(&field("sku"), self.sku, 200)?,
            location: optional_text(&field("location"), self.location, 200)?,
            occurred_at: self.occurred_at,
        })
    }
}

#[utoipa::path(
    post, path = "/transactions", tag = "customers", operation_id = "createTransaction",
    summary = r#"Record one transaction"#,
    description = r#"Stores an order, visit or refund. When a transaction with this `external_id` is already stored, nothing changes and the stored one is returned with 200."#,
    request_body(content = TransactionInput),
    responses(
        (status = 200, description = r#"Already stored (same `external_id`): the stored transaction, unchanged."#, body = TransactionRecord),
        (status = 201, description = r#"Stored."#, body = TransactionRecord),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the request body is larger than 3 MiB."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  `invalid` with `field: customer_id`: neither or both of `customer_id` and `customer_external_id` were given, or no such customer."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create_transaction(
    State(state): State<AppState>,
    _: Agent,
    JsonBody(body): JsonBody<TransactionInput>,
) -> ApiResult<impl IntoResponse> {
    let external_id = body.external_id.trim().to_owned();
    let t = body.parse("")?;
    let result = state.store.insert_transactions(std::slice::from_ref(&t)).await?;
    if let Some(rejected) = result.rejected.first() {
        return Err(ApiError::invalid("customer_id", rejected.message.clone()));
    }
    let record = state.store.transaction_by_external_id(&external_id).await?;
    let status = if result.inserted == 1 { axum::http::StatusCode::CREATED } else { axum::http::StatusCode::OK };
    Ok((status, axum::Json(record)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransactionBatchInput {
    /// At most 10000 (more is 413). One invalid row refuses the whole batch with 422
    /// naming it (`transactions[3].currency`); a row whose customer is unknown is only
    /// reported in `rejected`.
    transactions: Vec<TransactionInput>,
}

pub const MAX_BATCH: usize = 10_000;

#[utoipa::path(
    post, path = "/transactions/batch", tag = "customers", operation_id = "createTransactions",
    summary = r#"Record up to 10000 transactions at once"#,
    description = r#"Stores the batch in one database transaction. Rows already stored (by `external_id`) are counted, not changed, so a feed may send the same batch again; rows whose customer is unknown are reported in `rejected` and the rest are stored. The body may be up to 16 MiB."#,
    request_body(content = TransactionBatchInput),
    responses(
        (status = 200, description = r#"What the batch did."#, body = TransactionBatch),
        (status = 400, description = r#"`malformed_json`: the body is not well-formed JSON."#, body = crate::error::ErrorBody),
        (status = 413, description = r#"`too_large`: the body is larger than 16 MiB, or the batch has more than 10000 transactions."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body was not sent as `Content-Type: application/json`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`: a field is missing, has the wrong type, is unknown, or has an unacceptable value; `field` names it.  A row is invalid: `field` names it, such as `transactions[3].currency`; nothing is stored."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn create_transactions(
    State(state): State<AppState>,
    _: Agent,
    JsonBody(body): JsonBody<TransactionBatchInput>,
) -> ApiResult<axum::Json<TransactionBatch>> {
    if body.transactions.len() > MAX_BATCH {
        return Err(ApiError::new(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("a batch holds at most {MAX_BATCH} transactions; split it"),
        ));
    }
    let batch = body
        .transactions
        .into_iter()
        .enumerate()
        .map(|(i, t)| t.parse(&format!("transactions[{i}].")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(axum::Json(state.store.insert_transactions(&batch).await?))
}
