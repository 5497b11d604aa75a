//! Files customers send with a complaint (photos of the damage, a receipt).

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
use crate::{Store, StoreError, from_millis, millis};

/// A file's name as the sender gave it, made safe to keep and show: only its last path
/// part, without control or direction-changing characters (which make `gpj.exe` read as
/// `exe.jpg`), at most 200 characters, and "file" when nothing is left. It is still the
/// customer's text: pages escape it and headers encode it; it never names a path.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = last
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .take(200)
        .collect();
    let name = name.trim();
    if name.is_empty() || name.chars().all(|c| c == '.') { "file".to_owned() } else { name.to_owned() }
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AttachmentRecord {
    pub id: i64,
    pub case_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub(crate) async fn insert_in(
    conn: &mut Conn,
    case_id: i64,
    a: &NewAttachment,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    db::query(
        "INSERT INTO attachments (case_id, filename, content_type, size, data, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(a.filename.clone())
    .bind(a.content_type.clone())
    .bind(a.data.len() as i64)
    .bind(a.data.clone())
    .bind(millis(now))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The case's files (without their bytes), oldest first.
pub(crate) async fn of_case(conn: &mut Conn, case_id: i64) -> Result<Vec<AttachmentRecord>, StoreError> {
    db::query(
        "SELECT id, case_id, filename, content_type, size, created_at FROM attachments WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(record)
    .collect()
}

fn record(row: &Row) -> Result<AttachmentRecord, StoreError> {
    Ok(AttachmentRecord {
        id: row.try_get("id")?,
        case_id: row.try_get("case_id")?,
        filename: row.try_get("filename")?,
        content_type: row.try_get("content_type")?,
        size: row.try_get("size")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

impl Store {
    pub async fn case_attachments(&self, case_id: i64) -> Result<Vec<AttachmentRecord>, StoreError> {
        let mut conn = self.read().acquire().await?;
        of_case(&mut conn, case_id).await
    }

    /// One attachment of one case, with its bytes.
    pub async fn attachment(&self, case_id: i64, id: i64) -> Result<(AttachmentRecord, Vec<u8>), StoreError> {
        let row = db::query("SELECT * FROM attachments WHERE case_id = $1 AND id = $2")
            .bind(case_id)
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("attachment"))?;
        Ok((record(&row)?, row.try_get("data")?))
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn a_name_never_names_a_path_or_hides_its_ending() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\Users\\ann\\photo.jpg"), "photo.jpg");
        assert_eq!(clean_name("in\r\nvoice.pdf"), "invoice.pdf");
        assert_eq!(clean_name("photo\u{202e}gpj.exe"), "photogpj.exe");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name("  "), "file");
        assert_eq!(clean_name("Überweisung «März».pdf"), "Überweisung «März».pdf");
        assert_eq!(clean_name(&"a".repeat(300)).len(), 200);
    }
}
