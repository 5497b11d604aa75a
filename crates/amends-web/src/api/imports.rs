//! CSV imports of customers and transactions, for `amends import` and the API. Each row
//! is read into the same input as the JSON API takes and checked the same way; a bad
//! row is reported with its line and the good rows are kept. Rows are stored in batches,
//! idempotent on their external ids, so an import may be run again after a failure.

use amends_store::{NewCustomer, NewTransaction, Store, StoreError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use serde::Serialize;
use serde_json::Value;

use super::customers::{CustomerInput, TransactionInput};
use crate::AppState;
use crate::auth::Manager;
use crate::error::{ApiError, ApiResult};

/// Rows stored per transaction.
const BATCH: usize = 5_000;
/// At most this many bad rows are listed; the rest are counted.
const MAX_ERRORS: usize = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Customers,
    Transactions,
}

impl ImportKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "customers" => Some(ImportKind::Customers),
            "transactions" => Some(ImportKind::Transactions),
            _ => None,
        }
    }

    fn columns(self) -> &'static [&'static str] {
        match self {
            ImportKind::Customers => &["name", "email", "phone", "external_id", "postal_address", "notes"],
            ImportKind::Transactions => &[
                "customer_id",
                "customer_external_id",
                "external_id",
                "kind",
                "amount_minor",
                "currency",
                "sku",
                "location",
                "occurred_at",
            ],
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub inserted: u64,
    /// Rows whose external id was already stored; they are not changed.
    pub already_present: u64,
    pub rejected: usize,
    /// Bad rows by line (the header is line 1), at most 1000.
    pub errors: Vec<RowError>,
    /// Header columns this import does not know, left out.
    pub ignored_columns: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Format(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Splits CSV text (RFC 4180: commas, double quotes, "" for a quote, CRLF or LF) into
/// records, each with the line it starts on.
pub fn parse_csv(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut start_line = 1;
    let mut chars = text.strip_prefix('\u{feff}').unwrap_or(text).chars().peekable();
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push((start_line, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start_line = line;
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err(format!("a quoted field opened on line {start_line} is never closed"));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start_line, record));
    }
    Ok(records)
}

/// One row as the JSON object the API would take: empty cells are absent, numbers are numbers.
fn row_object(header: &[(usize, &'static str)], cells: &[String]) -> Value {
    let mut object = serde_json::Map::new();
    for (i, name) in header {
        let Some(cell) = cells.get(*i).map(|c| c.trim()).filter(|c| !c.is_empty()) else { continue };
        let value = match *name {
            "amount_minor" | "customer_id" => {
                cell.parse::<i64>().map(Value::from).unwrap_or_else(|_| Value::String(cell.to_owned()))
            }
            _ => Value::String(cell.to_owned()),
        };
        object.insert((*name).to_owned(), value);
    }
    Value::Object(object)
}

enum Parsed {
    Customer(NewCustomer),
    Transaction(NewTransaction),
}

fn parse_row(kind: ImportKind, object: Value) -> Result<Parsed, String> {
    let api = |e: ApiError| match e.field {
        Some(field) => format!("{field}: {}", e.message),
        None => e.message,
    };
    match kind {
        ImportKind::Customers => {
            let input: CustomerInput = serde_json::from_value(object).map_err(|e| e.to_string())?;
            input.parse("").map(Parsed::Customer).map_err(api)
        }
        ImportKind::Transactions => {
            let input: TransactionInput = serde_json::from_value(object).map_err(|e| e.to_string())?;
            input.parse("").map(Parsed::Transaction).map_err(api)
        }
    }
}

/// Imports `text`; `progress(done, total)` is called after each batch.
pub async fn import_csv(
    store: &Store,
    kind: ImportKind,
    text: &str,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportReport, ImportError> {
    let mut records = parse_csv(text).map_err(ImportError::Format)?.into_iter();
    let Some((_, names)) = records.next() else {
        return Err(ImportError::Format("the file is empty; it needs a header line".into()));
    };
    let mut report = ImportReport::default();
    let mut header = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim().to_lowercase();
        match kind.columns().iter().find(|c| **c == name) {
            Some(known) => header.push((i, *known)),
            None => report.ignored_columns.push(name),
        }
    }
    let required: &[&str] = match kind {
        ImportKind::Customers => &["name"],
        ImportKind::Transactions => &["external_id", "kind", "amount_minor", "currency", "occurred_at"],
    };
    if let Some(missing) = required.iter().find(|r| !header.iter().any(|(_, h)| h == *r)) {
        return Err(ImportError::Format(format!("the header has no `{missing}` column")));
    }
    let records: Vec<(usize, Vec<String>)> = records.collect();
    let total = records.len();
    report.rows = total;
    let reject = |report: &mut ImportReport, line: usize, message: String| {
        report.rejected += 1;
        if report.errors.len() < MAX_ERRORS {
            report.errors.push(RowError { line, message });
        }
    };
    for (n, chunk) in records.chunks(BATCH).enumerate() {
        let mut lines = Vec::with_capacity(chunk.len());
        let mut customers = Vec::new();
        let mut transactions = Vec::new();
        for (line, cells) in chunk {
            match parse_row(kind, row_object(&header, cells)) {
                Ok(Parsed::Customer(c)) => {
                    lines.push(*line);
                    customers.push(c);
                }
                Ok(Parsed::Transaction(t)) => {
                    lines.push(*line);
                    transactions.push(t);
                }
                Err(message) => reject(&mut report, *line, message),
            }
        }
        let batch = match kind {
            ImportKind::Customers => store.import_customers(&customers).await?,
            ImportKind::Transactions => store.insert_transactions(&transactions).await?,
        };
        report.inserted += batch.inserted;
        report.already_present += batch.already_present;
        for r in batch.rejected {
            reject(&mut report, lines.get(r.index).copied().unwrap_or(0), r.message);
        }
        report.errors.sort_by_key(|e| e.line);
        progress(((n + 1) * BATCH).min(total), total);
    }
    Ok(report)
}

#[utoipa::path(
    post, path = "/imports/{kind}", tag = "customers", operation_id = "importCsv",
    summary = r#"Import customers or transactions from CSV (managers)"#,
    description = r#"The body is the CSV file (`Content-Type: text/csv`, UTF-8, a header line, up to 64 MiB). Customers: name, email, phone, external_id, postal_address, notes. Transactions: external_id, customer_external_id or customer_id, kind, amount_minor, currency, sku, location, occurred_at. Idempotent on external ids. Larger files: `amends import customers|transactions FILE.csv`."#,
    params(
        ("kind" = String, Path, example = "customers"),
    ),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = r#"What was imported; bad rows are listed and the good ones kept."#, body = ImportReport),
        (status = 404, description = r#"`not_found`."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`conflict`: the rules refuse this change (for a status: the domain's transition rules)."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`malformed_json`: the body is not JSON."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`: the body's Content-Type is not the one this endpoint takes."#, body = crate::error::ErrorBody),
    ),
)]
/// `POST /imports/{kind}` with a `text/csv` body.
pub async fn import(
    State(state): State<AppState>,
    _: Manager,
    Path(kind): Path<String>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<ImportReport>> {
    let kind = ImportKind::parse(&kind).ok_or_else(|| ApiError::not_found("import"))?;
    let csv = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/csv") || v.starts_with("text/plain"));
    if !csv {
        return Err(ApiError::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as text/csv",
        ));
    }
    let text = std::str::from_utf8(&body).map_err(|_| ApiError::bad_request("the file is not UTF-8"))?;
    match import_csv(&state.store, kind, text, |_, _| {}).await {
        Ok(report) => Ok(axum::Json(report)),
        Err(ImportError::Format(message)) => Err(ApiError::invalid("file", message)),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn csv_with_quotes_commas_and_line_breaks() {
        let text = "name,notes\r\n\"Lee, Ann\",\"said \"\"hi\"\"\nthen left\"\nBob,\n\n";
        let rows = parse_csv(text).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1], (2, vec!["Lee, Ann".to_owned(), "said \"hi\"\nthen left".to_owned()]));
        assert_eq!(rows[2], (4, vec!["Bob".to_owned(), String::new()]));
        assert!(parse_csv("a\n\"open").is_err());
    }
}
