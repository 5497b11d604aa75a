//! Bulk imports of customers, idempotent on their external ids. (Transactions import
//! through [`Store::insert_transactions`], idempotent the same way.)

use amends_domain::CustomerEmail;
use sqlx::Row;
use time::OffsetDateTime;

use crate::customers::RejectedRow;
use crate::{NewCustomer, Store, StoreError, TransactionBatch, millis};

impl Store {
    /// Stores a batch of customers in one transaction. A customer whose external id is
    /// already stored is counted, not changed; one whose email belongs to another
    /// customer is refused with its index, and the others are kept.
    pub async fn import_customers(&self, batch: &[NewCustomer]) -> Result<TransactionBatch, StoreError> {
        let now = millis(OffsetDateTime::now_utc());
        let mut result = TransactionBatch::default();
        let mut tx = self.write().begin().await?;
        for (index, c) in batch.iter().enumerate() {
            // No target: any unique clash (external id or email) skips the row without
            // aborting the transaction, and tells us which below.
            let inserted = sqlx::query(
                "INSERT INTO customers (name, name_key, email, email_key, phone, external_id, postal_address, notes, watch, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $9) ON CONFLICT DO NOTHING RETURNING id",
            )
            .bind(c.name.as_str())
            .bind(c.name.as_str().to_lowercase())
            .bind(c.email.as_ref().map(|e| e.as_str().to_owned()))
            .bind(c.email.as_ref().map(CustomerEmail::normalized))
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
                Some(ext) => sqlx::query("SELECT id FROM customers WHERE external_id = $1")
                    .bind(ext.clone())
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get::<i64, _>(0))
                    .transpose()?,
                None => None,
            };
            if known.is_some() {
                result.already_present += 1;
            } else {
                result.rejected.push(RejectedRow { index, message: "another customer has this email".into() });
            }
        }
        tx.commit().await?;
        Ok(result)
    }
}
