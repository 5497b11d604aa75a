//! Bulk imports of customers, idempotent on their external ids. (Transactions import
//! through [`Store::insert_transactions`], idempotent the same way.)

use std::collections::HashSet;

use amends_domain::CustomerEmail;

use crate::customers::RejectedRow;
use crate::db;
use crate::query::{ROWS_PER_STATEMENT, in_list, value_rows};
use crate::{NewCustomer, Store, StoreError, TransactionBatch, millis};

impl Store {
    /// Stores a batch of customers in one transaction. A customer whose external id is
    /// already stored is counted, not changed; one whose email belongs to another
    /// customer is refused with its index, and the others are kept.
    ///
    /// Rows go in a thousand per statement; the few rows that share an external id or
    /// an email with an earlier row of the same batch go one by one after them, so each
    /// is told apart as the one-by-one import would.
    pub async fn import_customers(&self, batch: &[NewCustomer]) -> Result<TransactionBatch, StoreError> {
        let now = millis(self.now());
        let mut result = TransactionBatch::default();
        let mut tx = self.write().begin().await?;
        let mut seen_external = HashSet::new();
        let mut seen_email = HashSet::new();
        let mut bulk = Vec::with_capacity(batch.len());
        let mut single = Vec::new();
        for (index, c) in batch.iter().enumerate() {
            let email_key = c.email.as_ref().map(CustomerEmail::normalized);
            let repeated = c.external_id.as_ref().is_some_and(|e| !seen_external.insert(e.as_str()))
                | email_key.as_ref().is_some_and(|k| !seen_email.insert(k.clone()));
            if repeated { single.push((index, c, email_key)) } else { bulk.push((index, c, email_key)) }
        }

        for chunk in bulk.chunks(ROWS_PER_STATEMENT) {
            // No target: any unique clash (external id or email) skips the row without
            // aborting the statement; the rows returned are the ones stored.
            let values = value_rows(self.backend(), chunk.len(), 8, |m| format!("{}, 0, {now}, {now}", m.join(", ")));
            let sql = format!(
                "INSERT INTO customers (name, name_key, email, email_key, phone, external_id, postal_address, notes, watch, created_at, updated_at)
                 VALUES {values} ON CONFLICT DO NOTHING RETURNING external_id, email_key"
            );
            let mut q = db::query_as::<(Option<String>, Option<String>)>(&sql);
            for (_, c, email_key) in chunk {
                q = q
                    .bind(c.name.as_str())
                    .bind(c.name.as_str().to_lowercase())
                    .bind(c.email.as_ref().map(|e| e.as_str().to_owned()))
                    .bind(email_key.clone())
                    .bind(c.phone.as_deref())
                    .bind(c.external_id.as_deref())
                    .bind(c.postal_address.as_deref())
                    .bind(c.notes.as_str());
            }
            let stored = q.fetch_all(&mut *tx).await?;
            result.inserted += stored.len() as u64;
            let stored_external: HashSet<String> = stored.iter().filter_map(|(e, _)| e.clone()).collect();
            let stored_email: HashSet<String> = stored.iter().filter_map(|(_, k)| k.clone()).collect();
            // A row with neither key cannot clash, so it was stored.
            let skipped: Vec<&(usize, &NewCustomer, Option<String>)> = chunk
                .iter()
                .filter(|(_, c, key)| match (&c.external_id, key) {
                    (Some(ext), _) => !stored_external.contains(ext),
                    (None, Some(key)) => !stored_email.contains(key),
                    (None, None) => false,
                })
                .collect();
            if skipped.is_empty() {
                continue;
            }
            let externals: Vec<&str> = skipped.iter().filter_map(|(_, c, _)| c.external_id.as_deref()).collect();
            let mut known = HashSet::new();
            if !externals.is_empty() {
                let sql = format!(
                    "SELECT external_id FROM customers WHERE external_id IN ({})",
                    in_list(self.backend(), externals.len())
                );
                let mut q = db::query_as::<(String,)>(&sql);
                for e in &externals {
                    q = q.bind(*e);
                }
                known.extend(q.fetch_all(&mut *tx).await?.into_iter().map(|(e,)| e));
            }
            for (index, c, _) in skipped {
                if c.external_id.as_ref().is_some_and(|e| known.contains(e)) {
                    result.already_present += 1;
                } else {
                    result
                        .rejected
                        .push(RejectedRow { index: *index, message: "another customer has this email".into() });
                }
            }
        }

        for (index, c, email_key) in single {
            let inserted = db::query(
                "INSERT INTO customers (name, name_key, email, email_key, phone, external_id, postal_address, notes, watch, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(c.name.as_str())
            .bind(c.name.as_str().to_lowercase())
            .bind(c.email.as_ref().map(|e| e.as_str().to_owned()))
            .bind(email_key)
            .bind(c.phone.clone())
            .bind(c.external_id.clone())
            .bind(c.postal_address.clone())
            .bind(c.notes.clone())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await?;
            if inserted.is_some() {
                result.inserted += 1;
                continue;
            }
            let known = match &c.external_id {
                Some(ext) => db::query("SELECT id FROM customers WHERE external_id = $1")
                    .bind(ext.clone())
                    .fetch_optional(&mut *tx)
                    .await?
                    .is_some(),
                None => false,
            };
            if known {
                result.already_present += 1;
            } else {
                result.rejected.push(RejectedRow { index, message: "another customer has this email".into() });
            }
        }
        result.rejected.sort_by_key(|r| r.index);
        tx.commit().await?;
        Ok(result)
    }
}
