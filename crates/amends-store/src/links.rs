//! Personal links: single-purpose, expiring, revocable. The token (256 random bits) is
//! made when the message that carries it is sent, and exists only in the bytes sent;
//! only its hash is stored (in `link_tokens`, one per attempt to send the message).
//! Kept messages show the link masked.

use amends_domain::LinkPurpose;
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn, Row};
use crate::secret::{mask_link_tokens, secret_hash};
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
pub struct LinkRecord {
    pub id: i64,
    pub case_id: i64,
    pub purpose: LinkPurpose,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

fn link(row: &Row) -> Result<LinkRecord, StoreError> {
    Ok(LinkRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        purpose: parsed(row, "purpose")?,
        expires_at: from_millis(row.try_get("expires_at")?),
        used_at: row.try_get::<Option<i64>, _>("used_at")?.map(from_millis),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(from_millis),
    })
}

/// A personal link a new message carries, made in the transaction that queues the
/// message (see [`crate::NewEmail::link`]): a message that is never queued leaves no link,
/// and a case's earlier link is revoked only when its successor is on its way.
#[derive(Debug, Clone, Copy)]
pub struct NewLink {
    pub purpose: LinkPurpose,
    pub expires_at: OffsetDateTime,
}

/// Stores a new link, revoking the case's earlier links of the same purpose: only the
/// newest restatement or offer may be answered.
pub(crate) async fn create_link_in(
    conn: &mut Conn,
    case_id: i64,
    purpose: LinkPurpose,
    token_hash: &str,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let now = millis(now);
    db::query("UPDATE customer_links SET revoked_at = $3 WHERE case_id = $1 AND purpose = $2 AND revoked_at IS NULL")
        .bind(case_id)
        .bind(purpose.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(db::query(
        "INSERT INTO customer_links (token_hash, case_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(token_hash)
    .bind(case_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(millis(expires_at))
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?)
}

impl Store {
    /// Stores a new link on its own, as [`create_link_in`] does (a message's link is
    /// made with the message instead).
    pub async fn create_link(
        &self,
        case_id: i64,
        purpose: LinkPurpose,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let mut tx = self.write().begin().await?;
        let id = create_link_in(&mut tx, case_id, purpose, token_hash, expires_at, self.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The link a token opens: one made with the link (before tokens were made at
    /// sending), or one made when a message carrying the link was sent.
    pub async fn link_by_token_hash(&self, token_hash: &str) -> Result<Option<LinkRecord>, StoreError> {
        db::query(
            "SELECT * FROM customer_links WHERE token_hash = $1
             UNION ALL
             SELECT l.* FROM link_tokens t JOIN outbox o ON o.id = t.outbox_id JOIN customer_links l ON l.id = o.link_id
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.read())
        .await?
        .as_ref()
        .map(link)
        .transpose()
    }

    /// Keeps the hash of a token made to send the message `outbox_id`; the token then
    /// opens the link the message carries. Committed before the message leaves, so a
    /// customer never holds a token the desk does not know.
    pub async fn add_link_token(&self, outbox_id: i64, token_hash: &str) -> Result<(), StoreError> {
        db::query("INSERT INTO link_tokens (token_hash, outbox_id, created_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(outbox_id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        Ok(())
    }

    pub async fn mark_link_used(&self, id: i64) -> Result<(), StoreError> {
        db::query("UPDATE customer_links SET used_at = COALESCE(used_at, $2) WHERE id = $1")
            .bind(id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        Ok(())
    }

    pub async fn revoke_case_links(&self, case_id: i64) -> Result<(), StoreError> {
        db::query("UPDATE customer_links SET revoked_at = $2 WHERE case_id = $1 AND revoked_at IS NULL")
            .bind(case_id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        Ok(())
    }
}

/// Masks the tokens of messages kept before tokens were made at sending (migration 11),
/// and records which link each message carries, so that a message still waiting to be
/// sent gets a fresh token for the same link. The old tokens keep working: their hashes
/// stay in `customer_links` and `disclosure_recipients`.
pub(crate) async fn mask_kept_tokens(conn: &mut Conn) -> Result<(), StoreError> {
    let rows =
        db::query("SELECT id, text_body, html_body FROM outbox WHERE text_body LIKE '%/c/%' OR html_body LIKE '%/c/%'")
            .fetch_all(&mut *conn)
            .await?;
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let (text, mut tokens) = mask_link_tokens(&row.try_get::<String, _>("text_body")?);
        let html = match row.try_get::<Option<String>, _>("html_body")? {
            Some(html) => {
                let (masked, more) = mask_link_tokens(&html);
                tokens.extend(more);
                Some(masked)
            }
            None => None,
        };
        let Some(token) = tokens.first() else { continue };
        let link_id: Option<i64> = db::query("SELECT id FROM customer_links WHERE token_hash = $1")
            .bind(secret_hash(token))
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| r.try_get(0))
            .transpose()?;
        db::query("UPDATE outbox SET text_body = $2, html_body = $3, link_id = $4 WHERE id = $1")
            .bind(id)
            .bind(text)
            .bind(html)
            .bind(link_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
