//! Customers and their transactions.

use std::collections::HashMap;

use amends_domain::{CustomerEmail, CustomerName, Language, TransactionKind};
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
use crate::query::{Filters, ROWS_PER_STATEMENT, Value, in_list, value_rows};
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LifetimeValue {
    pub amount_minor: i64,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerRecord {
    pub id: i64,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub postal_address: Option<String>,
    pub notes: String,
    pub watch: bool,
    /// Orders and visits less refunds, one entry per currency. Filled on single reads.
    pub lifetime_value: Vec<LifetimeValue>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    /// The language every mail, page and letter to them is in; none: not known yet
    /// (the business's own language is used).
    pub language: Option<Language>,
}

/// A customer as parsed at the edge: once built, its fields are valid.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub name: CustomerName,
    pub email: Option<CustomerEmail>,
    pub phone: Option<String>,
    pub external_id: Option<String>,
    pub postal_address: Option<String>,
    pub notes: String,
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct CustomerPatch {
    pub name: Option<CustomerName>,
    pub email: Option<Option<CustomerEmail>>,
    pub phone: Option<Option<String>>,
    pub postal_address: Option<Option<String>>,
    pub notes: Option<String>,
    pub watch: Option<bool>,
    /// Some(None) forgets it: the next mail is in the business's language again.
    pub language: Option<Option<Language>>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransactionRecord {
    pub id: i64,
    pub customer_id: i64,
    pub external_id: String,
    pub kind: TransactionKind,
    pub amount_minor: i64,
    pub currency: String,
    pub sku: Option<String>,
    pub location: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub occurred_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub enum TransactionCustomer {
    Id(i64),
    ExternalId(String),
}

#[derive(Debug, Clone)]
pub struct NewTransaction {
    pub customer: TransactionCustomer,
    pub external_id: String,
    pub kind: TransactionKind,
    pub amount_minor: i64,
    pub currency: String,
    pub sku: Option<String>,
    pub location: Option<String>,
    pub occurred_at: OffsetDateTime,
}

/// What a batch of transactions did: rows new to the store, rows it already had (by
/// external id), and rows refused with their index in the batch and the reason.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransactionBatch {
    pub inserted: u64,
    pub already_present: u64,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RejectedRow {
    pub index: usize,
    pub message: String,
}

pub(crate) const CUSTOMER_COLUMNS: &str =
    "id, name, email, phone, external_id, postal_address, notes, watch, created_at, updated_at, language";

pub(crate) fn customer(row: &Row) -> Result<CustomerRecord, StoreError> {
    Ok(CustomerRecord {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        external_id: row.try_get("external_id")?,
        postal_address: row.try_get("postal_address")?,
        notes: row.try_get("notes")?,
        watch: row.try_get::<i64, _>("watch")? != 0,
        lifetime_value: Vec::new(),
        created_at: from_millis(row.try_get("created_at")?),
        updated_at: from_millis(row.try_get("updated_at")?),
        language: crate::staff::language(row)?,
    })
}

fn transaction(row: &Row) -> Result<TransactionRecord, StoreError> {
    let kind: String = row.try_get("kind")?;
    Ok(TransactionRecord {
        id: row.try_get("id")?,
        customer_id: row.try_get("customer_id")?,
        external_id: row.try_get("external_id")?,
        kind: kind.parse().map_err(|_| StoreError::Corrupt(format!("transaction kind {kind:?}")))?,
        amount_minor: row.try_get("amount_minor")?,
        currency: row.try_get("currency")?,
        sku: row.try_get("sku")?,
        location: row.try_get("location")?,
        occurred_at: from_millis(row.try_get("occurred_at")?),
    })
}

pub(crate) async fn lifetime_value(conn: &mut Conn, customer_id: i64) -> Result<Vec<LifetimeValue>, StoreError> {
    db::query(&LIFETIME_VALUE)
        .bind(customer_id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok(LifetimeValue { currency: r.try_get("currency")?, amount_minor: r.try_get("v")? }))
        .collect()
}

/// Inserts a customer inside the caller's transaction.
pub(crate) async fn insert_customer(
    conn: &mut Conn,
    c: &NewCustomer,
    now: OffsetDateTime,
) -> Result<CustomerRecord, StoreError> {
    let row = db::query(&format!(
        "INSERT INTO customers (name, name_key, email, email_key, phone, external_id, postal_address, notes, watch, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9) RETURNING {CUSTOMER_COLUMNS}"
    ))
    .bind(c.name.as_str())
    .bind(c.name.as_str().to_lowercase())
    .bind(c.email.as_ref().map(|e| e.as_str().to_owned()))
    .bind(c.email.as_ref().map(CustomerEmail::normalized))
    .bind(c.phone.clone())
    .bind(c.external_id.clone())
    .bind(c.postal_address.clone())
    .bind(c.notes.clone())
    .bind(millis(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match e.as_database_error() {
        Some(db) if db.is_unique_violation() => {
            let field = if db.message().contains("external_id") { "external_id" } else { "email" };
            StoreError::Conflict { field: Some(field), message: format!("a customer with this {field} already exists") }
        }
        _ => StoreError::Database(e),
    })?;
    customer(&row)
}

impl Store {
    /// The language each of `ids` is written to, for those who have one: a disclosure
    /// writes to thousands, each in their own language, with one read per batch.
    pub async fn customer_languages(&self, ids: &[i64]) -> Result<HashMap<i64, Language>, StoreError> {
        let mut languages = HashMap::new();
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT id, language FROM customers WHERE language IS NOT NULL AND id IN ({})",
                in_list(self.backend(), chunk.len())
            );
            let mut q = db::query_as::<(i64, String)>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            let rows = q.fetch_all(self.read()).await?;
            languages.extend(rows.into_iter().filter_map(|(id, tag)| Some((id, Language::from_tag(&tag)?))));
        }
        Ok(languages)
    }

    pub async fn create_customer(&self, c: &NewCustomer) -> Result<CustomerRecord, StoreError> {
        let mut conn = self.write().acquire().await?;
        insert_customer(&mut conn, c, self.now()).await
    }

    pub async fn customer(&self, id: i64) -> Result<CustomerRecord, StoreError> {
        let mut conn = self.read().acquire().await?;
        let row = db::query(&format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1"))
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("customer"))?;
        let mut record = customer(&row)?;
        record.lifetime_value = lifetime_value(&mut conn, id).await?;
        Ok(record)
    }

    /// Customers newest first, or matching `q`: an exact email when it has an `@`, else
    /// a name prefix (case-insensitive). `after` is the cursor the last page returned.
    pub async fn list_customers(
        &self,
        q: Option<&str>,
        after: Option<&str>,
        limit: i64,
    ) -> Result<(Vec<CustomerRecord>, Option<String>), StoreError> {
        let (sql, f, by_name) = customer_list_query(q, after, limit)?;
        let rows = f.bind(&sql).fetch_all(self.read()).await?;
        let mut items = rows.iter().map(customer).collect::<Result<Vec<_>, _>>()?;
        let next = if items.len() as i64 > limit {
            items.truncate(limit as usize);
            let last = rows.get(items.len() - 1);
            match (last, by_name) {
                (Some(row), true) => {
                    Some(format!("{}\u{1f}{}", row.try_get::<String, _>("name_key")?, row.try_get::<i64, _>("id")?))
                }
                (Some(row), false) => Some(row.try_get::<i64, _>("id")?.to_string()),
                (None, _) => None,
            }
        } else {
            None
        };
        Ok((items, next))
    }

    /// The language a customer's mail on `case_id` says or shows, stored on them only
    /// while none is: a guess never overwrites their choice or staff's.
    pub async fn customer_language_heard(&self, case_id: i64, language: Language) -> Result<(), StoreError> {
        db::query(
            "UPDATE customers SET language = $1
             WHERE id = (SELECT customer_id FROM cases WHERE id = $2) AND language IS NULL",
        )
        .bind(language.tag())
        .bind(case_id)
        .execute(self.write())
        .await?;
        Ok(())
    }

    pub async fn update_customer(&self, id: i64, patch: &CustomerPatch) -> Result<CustomerRecord, StoreError> {
        let mut f = Filters::default();
        let mut sets = Vec::new();
        if let Some(name) = &patch.name {
            sets.push(format!("name = {}", f.param(Value::Text(name.as_str().to_owned()))));
            sets.push(format!("name_key = {}", f.param(Value::Text(name.as_str().to_lowercase()))));
        }
        let nullable = |f: &mut Filters, v: &Option<String>| match v {
            Some(s) => f.param(Value::Text(s.clone())),
            None => "NULL".to_owned(),
        };
        if let Some(email) = &patch.email {
            let shown = email.as_ref().map(|e| e.as_str().to_owned());
            let key = email.as_ref().map(CustomerEmail::normalized);
            sets.push(format!("email = {}", nullable(&mut f, &shown)));
            sets.push(format!("email_key = {}", nullable(&mut f, &key)));
        }
        if let Some(phone) = &patch.phone {
            sets.push(format!("phone = {}", nullable(&mut f, phone)));
        }
        if let Some(address) = &patch.postal_address {
            sets.push(format!("postal_address = {}", nullable(&mut f, address)));
        }
        if let Some(notes) = &patch.notes {
            sets.push(format!("notes = {}", f.param(Value::Text(notes.clone()))));
        }
        if let Some(watch) = patch.watch {
            sets.push(format!("watch = {}", f.param(Value::Int(i64::from(watch)))));
        }
        if let Some(language) = &patch.language {
            sets.push(format!("language = {}", nullable(&mut f, &language.map(|l| l.tag().to_owned()))));
        }
        sets.push(format!("updated_at = {}", f.param(Value::Int(millis(self.now())))));
        let id_param = f.param(Value::Int(id));
        let sql = format!("UPDATE customers SET {} WHERE id = {id_param}", sets.join(", "));
        let done = f
            .bind(&sql)
            .execute(self.write())
            .await
            .map_err(StoreError::unique("email", "another customer has this email"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("customer"));
        }
        self.customer(id).await
    }

    /// Stores a batch in one transaction. A transaction whose external id is already
    /// stored is counted, not changed, so a feed may send the same batch again.
    pub async fn insert_transactions(&self, batch: &[NewTransaction]) -> Result<TransactionBatch, StoreError> {
        let now = millis(self.now());
        let mut result = TransactionBatch::default();
        let mut tx = self.write().begin().await?;

        // The customers, looked up a thousand at a time rather than once per row.
        let mut ids: Vec<i64> = Vec::new();
        let mut externals: Vec<&str> = Vec::new();
        for t in batch {
            match &t.customer {
                TransactionCustomer::Id(id) => ids.push(*id),
                TransactionCustomer::ExternalId(ext) => externals.push(ext),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        externals.sort_unstable();
        externals.dedup();
        let mut by_id: HashMap<i64, i64> = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(ROWS_PER_STATEMENT) {
            let sql = format!("SELECT id, watch FROM customers WHERE id IN ({})", in_list(self.backend(), chunk.len()));
            let mut q = db::query_as::<(i64, i64)>(&sql);
            for id in chunk {
                q = q.bind(*id);
            }
            by_id.extend(q.fetch_all(&mut *tx).await?);
        }
        let mut by_external: HashMap<String, (i64, i64)> = HashMap::with_capacity(externals.len());
        for chunk in externals.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "SELECT external_id, id, watch FROM customers WHERE external_id IN ({})",
                in_list(self.backend(), chunk.len())
            );
            let mut q = db::query_as::<(String, i64, i64)>(&sql);
            for ext in chunk {
                q = q.bind(*ext);
            }
            by_external.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(ext, id, watch)| (ext, (id, watch))));
        }

        let mut rows = Vec::with_capacity(batch.len());
        for (index, t) in batch.iter().enumerate() {
            let customer = match &t.customer {
                TransactionCustomer::Id(id) => by_id.get(id).map(|watch| (*id, *watch)),
                TransactionCustomer::ExternalId(ext) => by_external.get(ext.as_str()).copied(),
            };
            match customer {
                Some((customer_id, watched)) => rows.push((customer_id, watched, t)),
                None => result.rejected.push(RejectedRow { index, message: "no such customer".into() }),
            }
        }

        // An external id already stored (or twice in the batch) is skipped by the
        // database itself; only the rows it returns were new.
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let values = value_rows(self.backend(), chunk.len(), 8, |m| format!("{}, {now}", m.join(", ")));
            let sql = format!(
                "INSERT INTO transactions (customer_id, external_id, kind, amount_minor, currency, sku, location, occurred_at, created_at)
                 VALUES {values} ON CONFLICT (external_id) DO NOTHING RETURNING id, external_id"
            );
            let mut q = db::query_as::<(i64, String)>(&sql);
            for (customer_id, _, t) in chunk {
                q = q
                    .bind(*customer_id)
                    .bind(t.external_id.as_str())
                    .bind(t.kind.as_str())
                    .bind(t.amount_minor)
                    .bind(t.currency.as_str())
                    .bind(t.sku.as_deref())
                    .bind(t.location.as_deref())
                    .bind(millis(t.occurred_at));
            }
            let inserted = q.fetch_all(&mut *tx).await?;
            result.inserted += inserted.len() as u64;
            result.already_present += (chunk.len() - inserted.len()) as u64;
            // A lost customer told what changed came back: won back, in this transaction.
            let told =
                crate::proof::lost_and_told_in(&mut tx, self.backend(), chunk.iter().map(|(c, _, _)| *c)).await?;
            if !told.is_empty() {
                let by_external: HashMap<&str, (i64, &NewTransaction)> =
                    chunk.iter().map(|(customer_id, _, t)| (t.external_id.as_str(), (*customer_id, *t))).collect();
                for (transaction_id, external_id) in &inserted {
                    if let Some((customer_id, t)) = by_external.get(external_id.as_str())
                        && told.contains(customer_id)
                        && t.kind != amends_domain::TransactionKind::Refund
                    {
                        self.won_back_in(&mut tx, *customer_id, *transaction_id, t.occurred_at).await?;
                    }
                }
            }
            if chunk.iter().all(|(_, watched, _)| *watched == 0) {
                continue;
            }
            // A watched customer came back: tell staff now, in this transaction.
            let watched: HashMap<&str, i64> = chunk
                .iter()
                .filter(|(_, watched, _)| *watched != 0)
                .map(|(customer_id, _, t)| (t.external_id.as_str(), *customer_id))
                .collect();
            for (transaction_id, external_id) in &inserted {
                if let Some(customer_id) = watched.get(external_id.as_str()) {
                    self.next_order_in(&mut tx, *customer_id, *transaction_id).await?;
                }
            }
        }
        tx.commit().await?;
        Ok(result)
    }

    pub async fn transaction_by_external_id(&self, external_id: &str) -> Result<TransactionRecord, StoreError> {
        let row = db::query("SELECT * FROM transactions WHERE external_id = $1")
            .bind(external_id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("transaction"))?;
        transaction(&row)
    }

    /// A customer's transactions, newest first.
    pub async fn customer_transactions(
        &self,
        customer_id: i64,
        limit: i64,
    ) -> Result<Vec<TransactionRecord>, StoreError> {
        db::query(CUSTOMER_TRANSACTIONS)
            .bind(customer_id)
            .bind(limit)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(transaction)
            .collect()
    }
}

/// The SQL and values of one page of customers (also what [`Store::query_plans`]
/// explains), and whether it is ordered by name.
pub(crate) fn customer_list_query(
    q: Option<&str>,
    after: Option<&str>,
    limit: i64,
) -> Result<(String, Filters, bool), StoreError> {
    let mut f = Filters::default();
    let q = q.map(str::trim).filter(|q| !q.is_empty());
    let by_name = q.is_some_and(|q| !q.contains('@'));
    if let Some(q) = q {
        if by_name {
            let key = q.to_lowercase();
            let lo = f.param(Value::Text(key.clone()));
            let hi = f.param(Value::Text(format!("{key}\u{10FFFF}")));
            f.push(format!("name_key >= {lo} AND name_key < {hi}"));
        } else {
            let p = f.param(Value::Text(q.to_lowercase()));
            f.push(format!("email_key = {p}"));
        }
    }
    if let Some(after) = after {
        let bad = || StoreError::BadCursor;
        if by_name {
            let (key, id) = after.rsplit_once('\u{1f}').ok_or_else(bad)?;
            let id: i64 = id.parse().map_err(|_| bad())?;
            let k = f.param(Value::Text(key.to_owned()));
            let i = f.param(Value::Int(id));
            f.push(format!("(name_key, id) > ({k}, {i})"));
        } else {
            let id: i64 = after.parse().map_err(|_| bad())?;
            let i = f.param(Value::Int(id));
            f.push(format!("id < {i}"));
        }
    }
    let order = if by_name { "name_key, id" } else { "id DESC" };
    let sql = format!(
        "SELECT {CUSTOMER_COLUMNS}, name_key FROM customers {} ORDER BY {order} LIMIT {}",
        f.where_sql(),
        limit + 1
    );
    Ok((sql, f, by_name))
}

/// A customer's transactions, newest first: `$1` the customer, `$2` how many.
pub(crate) const CUSTOMER_TRANSACTIONS: &str =
    "SELECT * FROM transactions WHERE customer_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2";

/// A transaction's `amount_minor` with the sign the domain gives its kind
/// ([`TransactionKind::value_sign`]): what it adds to the customer's lifetime value.
pub(crate) fn signed_amount_sql() -> String {
    let arms: String =
        TransactionKind::ALL.iter().map(|k| format!("WHEN '{}' THEN {} ", k.as_str(), k.value_sign())).collect();
    format!("(CASE kind {arms}ELSE 0 END) * amount_minor")
}

/// What a customer has spent, net of refunds, by currency: `$1` the customer.
pub(crate) static LIFETIME_VALUE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT currency, CAST(SUM({}) AS BIGINT) AS v
         FROM transactions WHERE customer_id = $1 GROUP BY currency ORDER BY currency",
        signed_amount_sql()
    )
});
