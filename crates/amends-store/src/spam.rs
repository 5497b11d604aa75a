//! The spam folder's storage: the installation's block list, and the held cases with
//! why they were held. Whether a message is spam is decided by `amends-spam`; holding,
//! releasing and confirming are events on the case (see `cases.rs`).

use amends_domain::playbook::{CaseStatus, EventKind};
use amends_spam::BlockKind;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::{CaseFilter, CaseRecord, parsed};
use crate::db::{self, Conn, Row};
use crate::{Store, StoreError, from_millis, millis};

/// One entry of the block list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockRecord {
    pub id: i64,
    pub kind: BlockKind,
    pub value: String,
    pub note: String,
    pub created_by: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

fn block(row: &Row) -> Result<BlockRecord, StoreError> {
    Ok(BlockRecord {
        id: row.try_get("id")?,
        kind: parsed(row, "kind")?,
        value: row.try_get("value")?,
        note: row.try_get("note")?,
        created_by: row.try_get("created_by")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

/// A held case, with the filter's (or the staff member's) reason.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldCase {
    #[serde(flatten)]
    pub case: CaseRecord,
    pub spam_score: u32,
    pub spam_reason: String,
    /// Staff agreed it is spam.
    pub spam_confirmed: bool,
}

/// Adds a block (normalised by the caller; an address has an @, a domain has none)
/// inside the caller's transaction; one already there is kept as it is.
pub(crate) async fn insert_block_in(
    conn: &mut Conn,
    value: &str,
    note: &str,
    by: Option<i64>,
    at: i64,
) -> Result<(), StoreError> {
    let kind = if value.contains('@') { BlockKind::Address } else { BlockKind::Domain };
    db::query(
        "INSERT INTO spam_blocks (kind, value, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (kind, value) DO NOTHING",
    )
    .bind(kind.as_str())
    .bind(value)
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

impl Store {
    /// The whole block list, newest first. It is read on every message taken in, so it
    /// is meant to stay short (hundreds, not millions).
    pub async fn spam_blocks(&self) -> Result<Vec<BlockRecord>, StoreError> {
        db::query("SELECT * FROM spam_blocks ORDER BY id DESC")
            .fetch_all(self.read())
            .await?
            .iter()
            .map(block)
            .collect()
    }

    /// Adds a block; `kind` and `value` are already checked and normalised.
    pub async fn add_spam_block(
        &self,
        kind: BlockKind,
        value: &str,
        note: &str,
        by: i64,
    ) -> Result<BlockRecord, StoreError> {
        let row = db::query(
            "INSERT INTO spam_blocks (kind, value, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *",
        )
        .bind(kind.as_str())
        .bind(value)
        .bind(note)
        .bind(by)
        .bind(millis(self.now()))
        .fetch_one(self.write())
        .await
        .map_err(StoreError::unique("value", "that address or domain is already blocked"))?;
        block(&row)
    }

    pub async fn remove_spam_block(&self, id: i64) -> Result<(), StoreError> {
        let done = db::query("DELETE FROM spam_blocks WHERE id = $1").bind(id).execute(self.write()).await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("block"));
        }
        Ok(())
    }

    /// One page of the spam folder, newest first, each case with why it was held.
    pub async fn spam_folder(
        &self,
        after: Option<String>,
        limit: i64,
    ) -> Result<(Vec<HeldCase>, Option<String>), StoreError> {
        let filter = CaseFilter { status: Some(CaseStatus::Spam), after, limit, ..CaseFilter::default() };
        let (cases, next) = self.list_cases(&filter).await?;
        let mut held = Vec::with_capacity(cases.len());
        for case in cases {
            let rows = db::query(
                "SELECT data FROM case_events WHERE case_id = $1 AND kind IN ('marked_spam', 'spam_confirmed', 'spam_released')
                 ORDER BY id",
            )
            .bind(case.id)
            .fetch_all(self.read())
            .await?;
            let (mut spam_score, mut spam_reason, mut spam_confirmed) = (0, String::new(), false);
            for row in rows {
                let data: String = row.try_get(0)?;
                match serde_json::from_str(&data).map_err(|e| StoreError::Corrupt(format!("event: {e}")))? {
                    EventKind::MarkedSpam { score, reason, .. } => {
                        (spam_score, spam_reason, spam_confirmed) = (score, reason, false);
                    }
                    EventKind::SpamConfirmed { .. } => spam_confirmed = true,
                    _ => {}
                }
            }
            held.push(HeldCase { case, spam_score, spam_reason, spam_confirmed });
        }
        Ok((held, next))
    }
}
