//! A batch stored together: a handful of multi-row statements for the whole batch
//! instead of a dozen statements per case. Each statement is a round trip (to
//! PostgreSQL over the network, to SQLite's worker thread), so this is where intake's
//! time went. The outcome is the same as storing the cases one after another: a
//! customer created by the first complaint of a batch is found by the second, and the
//! second counts the first among the customer's recent cases.

use std::collections::HashMap;

use amends_domain::DuePolicy;
use time::OffsetDateTime;

use super::{
    CustomerRef, IntakeJob, Opening, RECENT, Stored, first_jobs, keep_what_came_with, opening, record, tags_json,
};
use crate::cases::EventRecord;
use crate::customers::NewCustomer;
use crate::db::{self, Conn, Row};
use crate::query::{Filters, Value, bind_values, value_rows};
use crate::{Backend, StoreError, WriterHandle, millis};

/// Who a complaint is from, once looked up.
#[derive(Clone)]
enum Who {
    Known(i64, String),
    /// The n-th customer this batch creates.
    Planned(usize),
}

pub(super) async fn store_together(
    store: &WriterHandle,
    policy: &DuePolicy,
    tx: &mut Conn,
    batch: &[IntakeJob],
    now: OffsetDateTime,
) -> Result<Vec<Result<Stored, StoreError>>, StoreError> {
    let (who, planned) = look_up_customers(tx, batch).await?;
    let created = insert_customers(store.backend, tx, &planned, now).await?;
    let known: Vec<i64> =
        who.iter().filter_map(|w| if let Some(Who::Known(id, _)) = w { Some(*id) } else { None }).collect();
    let mut recent = recent_case_counts(tx, &known, now).await?;
    let values = best_lifetime_values(tx, &known).await?;

    // Each case that has its customer, in the batch's order.
    let mut cases: Vec<(usize, (i64, String), Opening)> = Vec::with_capacity(batch.len());
    for (index, (job, who)) in batch.iter().zip(&who).enumerate() {
        let customer = match who {
            Some(Who::Known(id, name)) => (*id, name.clone()),
            Some(Who::Planned(n)) => created[*n].clone(),
            None => continue,
        };
        super::keep_language(tx, customer.0, job.case.language).await?;
        let earlier = recent.entry(customer.0).or_insert(0);
        let value = values.get(&customer.0).cloned();
        let opening = opening(store, policy, &job.case, &job.words, now, *earlier, value);
        *earlier += 1;
        cases.push((index, customer, opening));
    }
    if cases.is_empty() {
        return Ok(who.iter().map(|_| Err(StoreError::NotFound("customer"))).collect());
    }

    let ids = insert_cases(store.backend, tx, batch, &cases, now).await?;
    let event_ids = insert_opened_events(store.backend, tx, &cases, &ids, now).await?;
    let events: Vec<EventRecord> = cases
        .iter()
        .zip(ids.iter().zip(&event_ids))
        .map(|((_, _, opening), (case_id, event_id))| EventRecord {
            id: *event_id,
            case_id: *case_id,
            event: opening.event.clone(),
        })
        .collect();

    let webhooks: i64 =
        db::query("SELECT COUNT(*) FROM webhooks WHERE active = 1").fetch_one(&mut *tx).await?.try_get(0)?;
    let mut jobs = Vec::new();
    for ((index, _, opening), (case_id, event)) in cases.iter().zip(ids.iter().zip(&events)) {
        let new = &batch[*index].case;
        if webhooks > 0 {
            crate::webhooks::event_webhooks_in(&mut *tx, event).await?;
        }
        keep_what_came_with(tx, new, opening, *case_id, now).await?;
        jobs.extend(first_jobs(new, opening, *case_id));
    }
    insert_jobs(store.backend, tx, &jobs, now).await?;

    let mut stored: Vec<Option<Stored>> = (0..batch.len()).map(|_| None).collect();
    for ((index, customer, opening), (case_id, event)) in cases.into_iter().zip(ids.into_iter().zip(events)) {
        stored[index] = Some((record(&batch[index], case_id, customer, &opening, now), event));
    }
    Ok(stored.into_iter().map(|s| s.ok_or(StoreError::NotFound("customer"))).collect())
}

/// Finds each complaint's customer as the one-by-one path would: by id; or by email,
/// then external id, else a new customer (one per new email or external id, however
/// many complaints in the batch name it). `None` is an id that does not exist.
async fn look_up_customers(
    tx: &mut Conn,
    batch: &[IntakeJob],
) -> Result<(Vec<Option<Who>>, Vec<NewCustomer>), StoreError> {
    let mut ids = Vec::new();
    let mut emails = Vec::new();
    let mut externals = Vec::new();
    for job in batch {
        match &job.case.customer {
            CustomerRef::Existing(id) => ids.push(Value::Int(*id)),
            CustomerRef::Details(d) => {
                emails.extend(d.email.as_ref().map(|e| Value::Text(e.normalized())));
                externals.extend(d.external_id.clone().map(Value::Text));
            }
        }
    }
    let by_id = named(tx, "id", ids).await?;
    let mut by_email = named(tx, "email_key", emails).await?;
    let mut by_external = named(tx, "external_id", externals).await?;
    let by_id: HashMap<i64, Who> = by_id.into_iter().filter_map(|(k, w)| k.parse().ok().map(|k| (k, w))).collect();

    let mut planned: Vec<NewCustomer> = Vec::new();
    let mut who = Vec::with_capacity(batch.len());
    for job in batch {
        let found = match &job.case.customer {
            CustomerRef::Existing(id) => by_id.get(id).cloned(),
            CustomerRef::Details(d) => {
                let email = d.email.as_ref().map(|e| e.normalized());
                let found = email
                    .as_ref()
                    .and_then(|e| by_email.get(e))
                    .or_else(|| d.external_id.as_ref().and_then(|x| by_external.get(x)))
                    .cloned();
                Some(found.unwrap_or_else(|| {
                    let new = Who::Planned(planned.len());
                    planned.push(d.clone());
                    if let Some(email) = email {
                        by_email.insert(email, new.clone());
                    }
                    if let Some(external) = &d.external_id {
                        by_external.insert(external.clone(), new.clone());
                    }
                    new
                }))
            }
        };
        who.push(found);
    }
    Ok((who, planned))
}

/// Customers whose `column` is among `keys`, by that column's value as text.
async fn named(tx: &mut Conn, column: &str, keys: Vec<Value>) -> Result<HashMap<String, Who>, StoreError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let mut f = Filters::default();
    let list = f.list(keys);
    let sql = format!("SELECT id, name, CAST({column} AS TEXT) FROM customers WHERE {column} IN ({list})");
    let rows = f.bind(&sql).fetch_all(&mut *tx).await?;
    rows.iter().map(|r| Ok((r.try_get::<String, _>(2)?, Who::Known(r.try_get(0)?, r.try_get(1)?)))).collect()
}

/// Inserts the batch's new customers in one statement; returns (id, name) in `planned`'s order.
async fn insert_customers(
    backend: Backend,
    tx: &mut Conn,
    planned: &[NewCustomer],
    now: OffsetDateTime,
) -> Result<Vec<(i64, String)>, StoreError> {
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let mut f = Filters::default();
    let now = millis(now);
    for c in planned {
        f.value(Value::Int(now));
        f.value(Value::Int(now));
        f.value(Value::Text(c.name.as_str().to_owned()));
        f.value(Value::Text(c.name.as_str().to_lowercase()));
        f.value(Value::MaybeText(c.email.as_ref().map(|e| e.as_str().to_owned())));
        f.value(Value::MaybeText(c.email.as_ref().map(|e| e.normalized())));
        f.value(Value::MaybeText(c.phone.clone()));
        f.value(Value::MaybeText(c.external_id.clone()));
        f.value(Value::MaybeText(c.postal_address.clone()));
        f.value(Value::Text(c.notes.clone()));
        f.value(Value::Int(0));
    }
    let ids = in_order(
        insert_rows(backend, tx, &f, 11, |values| {
            format!(
                "INSERT INTO customers (created_at, updated_at, name, name_key, email, email_key, phone, external_id,
                    postal_address, notes, watch)
                 VALUES {values} RETURNING id"
            )
        })
        .await?,
    )?;
    Ok(ids.into_iter().zip(planned).map(|(id, c)| (id, c.name.as_str().to_owned())).collect())
}

/// A multi-row INSERT numbers its rows in the order of its VALUES (SQLite's next rowid,
/// PostgreSQL's sequence, row after row), but RETURNING does not promise that order;
/// sorting the new ids gives it back.
fn in_order(rows: Vec<Row>) -> Result<Vec<i64>, StoreError> {
    let mut ids = rows.iter().map(|r| r.try_get::<i64, _>(0)).collect::<Result<Vec<_>, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

async fn recent_case_counts(
    tx: &mut Conn,
    customers: &[i64],
    now: OffsetDateTime,
) -> Result<HashMap<i64, i64>, StoreError> {
    if customers.is_empty() {
        return Ok(HashMap::new());
    }
    let mut f = Filters::default();
    let since = f.param(Value::Int(millis(now - RECENT)));
    let list = f.list(customers.iter().map(|id| Value::Int(*id)));
    let sql = format!(
        "SELECT customer_id, COUNT(*) FROM cases WHERE customer_id IN ({list}) AND created_at >= {since}
         GROUP BY customer_id"
    );
    let rows = f.bind(&sql).fetch_all(&mut *tx).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
}

/// Each customer's lifetime value in the currency where it is largest, as escalation weighs it.
async fn best_lifetime_values(tx: &mut Conn, customers: &[i64]) -> Result<HashMap<i64, (i64, String)>, StoreError> {
    if customers.is_empty() {
        return Ok(HashMap::new());
    }
    let mut f = Filters::default();
    let list = f.list(customers.iter().map(|id| Value::Int(*id)));
    let sql = format!(
        "SELECT customer_id, CAST(SUM({}) AS BIGINT), currency
         FROM transactions WHERE customer_id IN ({list}) GROUP BY customer_id, currency",
        crate::customers::signed_amount_sql()
    );
    let mut best: HashMap<i64, (i64, String)> = HashMap::new();
    for row in f.bind(&sql).fetch_all(&mut *tx).await? {
        let (customer, value, currency): (i64, i64, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let entry = best.entry(customer).or_insert_with(|| (value, currency.clone()));
        if value > entry.0 {
            *entry = (value, currency);
        }
    }
    Ok(best)
}

async fn insert_cases(
    backend: Backend,
    tx: &mut Conn,
    batch: &[IntakeJob],
    cases: &[(usize, (i64, String), Opening)],
    now: OffsetDateTime,
) -> Result<Vec<i64>, StoreError> {
    let mut f = Filters::default();
    let now = millis(now);
    for (index, (customer_id, _), opening) in cases {
        let new = &batch[*index].case;
        f.value(Value::Int(now));
        f.value(Value::Int(now));
        f.value(Value::Int(*customer_id));
        f.value(Value::Text(new.channel.as_str().to_owned()));
        f.value(Value::Text(opening.assessment.severity.as_str().to_owned()));
        f.value(Value::MaybeText(new.category.clone()));
        f.value(Value::Text(tags_json(new)?));
        f.value(Value::MaybeText(new.subject.clone()));
        f.value(Value::Text(new.body.as_str().to_owned()));
        f.value(Value::MaybeText(new.wish.clone()));
        f.value(Value::MaybeText(new.order_ref.clone()));
        f.value(Value::Text(opening.status.as_str().to_owned()));
        f.value(Value::MaybeText(opening.next.map(|(s, _)| s.as_str().to_owned())));
        f.value(Value::MaybeInt(opening.next.map(|(_, due)| millis(due))));
        f.value(Value::Int(i64::from(opening.escalation_required)));
        f.value(Value::Text(super::reasons_json(opening)?));
        f.value(Value::Text(batch[*index].suggested.as_str().to_owned()));
        f.value(Value::Int(1));
    }
    in_order(
        insert_rows(backend, tx, &f, 18, |values| {
            format!(
                "INSERT INTO cases (created_at, updated_at, customer_id, channel, severity, category, tags, subject,
                    body, wish, order_ref, status, next_step, next_due_at, escalation_required, severity_reasons,
                    suggested_severity, version)
                 VALUES {values} RETURNING id"
            )
        })
        .await?,
    )
}

async fn insert_opened_events(
    backend: Backend,
    tx: &mut Conn,
    cases: &[(usize, (i64, String), Opening)],
    case_ids: &[i64],
    now: OffsetDateTime,
) -> Result<Vec<i64>, StoreError> {
    let mut f = Filters::default();
    let now = millis(now);
    for ((_, _, opening), case_id) in cases.iter().zip(case_ids) {
        let (actor_kind, actor_user_id) = crate::cases::actor_columns(opening.event.actor);
        f.value(Value::Int(*case_id));
        f.value(Value::Int(now));
        f.value(Value::Text(actor_kind.to_owned()));
        f.value(Value::MaybeInt(actor_user_id));
        f.value(Value::Text(opening.event.kind.name().to_owned()));
        f.value(Value::Text(
            serde_json::to_string(&opening.event.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        ));
    }
    in_order(
        insert_rows(backend, tx, &f, 6, |values| {
            format!("INSERT INTO case_events (case_id, at, actor_kind, actor_user_id, kind, data) VALUES {values} RETURNING id")
        })
        .await?,
    )
}

async fn insert_jobs(
    backend: Backend,
    tx: &mut Conn,
    jobs: &[crate::jobs::Job],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if jobs.is_empty() {
        return Ok(());
    }
    let mut f = Filters::default();
    let now = millis(now);
    for job in jobs {
        f.value(Value::Int(now));
        f.value(Value::Int(now));
        f.value(Value::Text(job.kind().to_owned()));
        f.value(Value::Text(job.payload()?));
    }
    insert_rows(backend, tx, &f, 4, |values| {
        format!("INSERT INTO jobs (run_at, created_at, kind, payload) VALUES {values}")
    })
    .await?;
    Ok(())
}

/// The largest statement of SQLite's intake, as a power of two: 64 rows.
const SQLITE_ROWS_AT_MOST: u32 = 6;

/// Runs the INSERT `statement(values)` writes around the placeholders of its rows
/// (`values`: `($1, $2), ($3, $4)`), `width` values a row bound from `f` row after row,
/// and returns the rows it returned. PostgreSQL takes the whole batch in one statement:
/// each statement is a round trip. SQLite takes it in a few statements of 64, 32, 16, …
/// rows (37 rows: 32, 4 and 1). There a statement is a call on this thread, but each one
/// that fires a trigger opens a savepoint, and at every savepoint the full-text index
/// writes what it holds as a segment of its own, which it must later merge: a statement a
/// row cost the writer a third of its time in the index. A few sizes of statement keep
/// the texts few, so each is parsed once and then taken from the statement cache.
async fn insert_rows(
    backend: Backend,
    tx: &mut Conn,
    f: &Filters,
    width: usize,
    statement: impl Fn(&str) -> String,
) -> Result<Vec<Row>, StoreError> {
    let values = f.values();
    let rows = |n: usize| statement(&value_rows(backend, n, width, |marks| marks.join(", ")));
    match backend {
        Backend::Postgres => Ok(f.bind(&rows(values.len() / width)).fetch_all(&mut *tx).await?),
        Backend::Sqlite => {
            let mut out = Vec::with_capacity(values.len() / width);
            let mut rest = values;
            while !rest.is_empty() {
                let take = 1 << (rest.len() / width).ilog2().min(SQLITE_ROWS_AT_MOST);
                let (these, after) = rest.split_at(take * width);
                out.extend(bind_values(&rows(take), these).fetch_all(&mut *tx).await?);
                rest = after;
            }
            Ok(out)
        }
    }
}
