//! Logical backups: every table, parents before children, as JSON lines, read in one
//! snapshot (a read transaction on SQLite's WAL; REPEATABLE READ on PostgreSQL) so the
//! copy is consistent while the server keeps running. The same file restores on either
//! backend, into an empty database, with the ids kept.
//!
//! The tables and columns come from the database's own catalog, not from a list here,
//! so a table added by a later migration is backed up without anyone remembering to.
//!
//! Format: a header line, then for each table a `{"table","columns"}` line followed by
//! one JSON array per row (blobs as `{"base64": "..."}`), then `{"end": true, "rows": n}`
//! so that a truncated file is refused rather than half restored.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use serde_json::{Value, json};

use crate::db::{self, Conn, Row};
use crate::{Backend, Store, StoreError};

const FORMAT: &str = "amends-backup";
const FORMAT_VERSION: i64 = 1;
/// Rows read per query: attachments are held in memory a page at a time.
const PAGE: usize = 200;

/// How many rows of each table a backup or a restore carried.
#[derive(Debug, Clone, Default)]
pub struct BackupSummary {
    pub schema_version: i64,
    pub tables: Vec<(String, u64)>,
}

impl BackupSummary {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Int,
    Real,
    Text,
    Blob,
}

impl Kind {
    fn of(declared: &str) -> Kind {
        let t = declared.to_ascii_uppercase();
        if t.contains("INT") {
            Kind::Int
        } else if t.contains("BYTEA") || t.contains("BLOB") {
            Kind::Blob
        } else if ["REAL", "DOUB", "FLOA", "NUMERIC"].iter().any(|k| t.contains(k)) {
            Kind::Real
        } else {
            Kind::Text
        }
    }
}

struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

fn io(what: &'static str) -> impl Fn(std::io::Error) -> StoreError {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The data tables, parents before children (by their foreign keys). Left out: the
/// migrations' own record, and what triggers rebuild as the cases are inserted: on
/// SQLite the full-text index and its shadow tables, on PostgreSQL the inbox's
/// `step_counts`.
async fn tables(conn: &mut Conn, backend: Backend) -> Result<Vec<Table>, StoreError> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => {
            let rows =
                db::query("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name")
                    .fetch_all(&mut *conn)
                    .await?;
            let all: Vec<(String, String)> =
                rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, db::DbError>>()?;
            let virtual_tables: Vec<&str> = all
                .iter()
                .filter(|(_, sql)| sql.to_ascii_uppercase().starts_with("CREATE VIRTUAL"))
                .map(|(n, _)| n.as_str())
                .collect();
            all.iter()
                .map(|(n, _)| n.clone())
                .filter(|n| !n.starts_with("sqlite_"))
                .filter(|n| !virtual_tables.iter().any(|v| n == v || n.starts_with(&format!("{v}_"))))
                .collect()
        }
        Backend::Postgres => db::query(
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
        )
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?,
    };
    let names: Vec<String> = names.into_iter().filter(|n| n != "schema_migrations" && n != "step_counts").collect();

    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut columns: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for name in &names {
        let (cols, fks) = match backend {
            Backend::Sqlite => (
                db::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
                    .bind(name)
                    .fetch_all(&mut *conn)
                    .await?,
                db::query("SELECT \"table\" FROM pragma_foreign_key_list($1)").bind(name).fetch_all(&mut *conn).await?,
            ),
            Backend::Postgres => (
                // Generated columns (the search vector) are computed again on restore.
                db::query(
                    "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' \
                     ORDER BY ordinal_position",
                )
                .bind(name)
                .fetch_all(&mut *conn)
                .await?,
                db::query(
                    "SELECT CAST(p.relname AS TEXT) FROM pg_constraint c \
                     JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid \
                     JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE c.contype = 'f' AND t.relname = $1 AND n.nspname = current_schema()",
                )
                .bind(name)
                .fetch_all(&mut *conn)
                .await?,
            ),
        };
        let cols = cols
            .iter()
            .map(|r| Ok((r.try_get::<String, _>(0)?, Kind::of(&r.try_get::<String, _>(1)?))))
            .collect::<Result<Vec<_>, db::DbError>>()?;
        columns.insert(name.clone(), cols);
        let fks = fks.iter().map(|r| r.try_get::<String, _>(0)).collect::<Result<BTreeSet<_>, _>>()?;
        parents.insert(name.clone(), fks.into_iter().filter(|p| p != name && names.contains(p)).collect());
    }

    // Kahn's order, alphabetical among equals so that two backups list tables alike.
    let mut ordered = Vec::new();
    let mut placed = BTreeSet::new();
    while ordered.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !placed.contains(*n))
            .filter(|n| parents.get(*n).is_none_or(|ps| ps.iter().all(|p| placed.contains(p))))
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt("the tables' foreign keys form a cycle".into()));
        }
        for name in ready {
            placed.insert(name.clone());
            let columns = columns.remove(&name).unwrap_or_default();
            ordered.push(Table { name, columns });
        }
    }
    Ok(ordered)
}

async fn schema_version(conn: &mut Conn) -> Result<i64, StoreError> {
    Ok(db::query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetch_one(&mut *conn).await?.try_get(0)?)
}

fn cell(row: &Row, i: usize, kind: Kind) -> Result<Value, db::DbError> {
    Ok(match kind {
        Kind::Int => row.try_get::<Option<i64>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Real => row.try_get::<Option<f64>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Text => row.try_get::<Option<String>, _>(i)?.map_or(Value::Null, Value::from),
        Kind::Blob => {
            row.try_get::<Option<Vec<u8>>, _>(i)?.map_or(Value::Null, |b| json!({ "base64": base64_encode(&b) }))
        }
    })
}

impl Store {
    /// Writes every table to `out` from one consistent snapshot. Safe while the server
    /// runs: it only reads, and writers carry on meanwhile.
    pub async fn backup(&self, out: &mut (dyn Write + Send)) -> Result<BackupSummary, StoreError> {
        let backend = self.backend();
        let mut conn = self.read().acquire().await?;
        db::query("BEGIN").execute(&mut *conn).await?;
        if backend == Backend::Postgres {
            db::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *conn).await?;
        }
        let result = async {
            let mut summary = BackupSummary { schema_version: schema_version(&mut conn).await?, tables: Vec::new() };
            let header = json!({
                "format": FORMAT, "version": FORMAT_VERSION, "schema_version": summary.schema_version,
                "backend": match backend { Backend::Sqlite => "sqlite", Backend::Postgres => "postgres" },
                "taken_at": crate::millis(self.now()),
            });
            writeln!(out, "{header}").map_err(io("writing the backup"))?;
            for table in tables(&mut conn, backend).await? {
                let names: Vec<&str> = table.columns.iter().map(|(n, _)| n.as_str()).collect();
                writeln!(out, "{}", json!({ "table": table.name, "columns": names }))
                    .map_err(io("writing the backup"))?;
                let list: Vec<String> = names.iter().map(|n| quoted(n)).collect();
                // Pages in a total order (every row differs somewhere: each table has a key)
                // so no row is read twice or skipped; the snapshot keeps the pages consistent.
                let order: Vec<String> = (1..=list.len()).map(|i| i.to_string()).collect();
                let sql = format!(
                    "SELECT {} FROM {} ORDER BY {} LIMIT {PAGE} OFFSET $1",
                    list.join(", "),
                    quoted(&table.name),
                    order.join(", ")
                );
                let mut count = 0u64;
                loop {
                    let rows = db::query(&sql).bind(count as i64).fetch_all(&mut *conn).await?;
                    for row in &rows {
                        let cells = table
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(i, (_, kind))| cell(row, i, *kind))
                            .collect::<Result<Vec<_>, _>>()?;
                        writeln!(out, "{}", Value::Array(cells)).map_err(io("writing the backup"))?;
                    }
                    count += rows.len() as u64;
                    if rows.len() < PAGE {
                        break;
                    }
                }
                summary.tables.push((table.name, count));
            }
            writeln!(out, "{}", json!({ "end": true, "rows": summary.rows() })).map_err(io("writing the backup"))?;
            out.flush().map_err(io("writing the backup"))?;
            Ok(summary)
        }
        .await;
        let _ = db::query("ROLLBACK").execute(&mut *conn).await;
        result
    }

    /// Loads a backup into this database, which must be migrated and empty. All or
    /// nothing: one transaction. Ids are kept; PostgreSQL's id sequences then continue
    /// after the highest restored id.
    pub async fn restore(&self, input: &mut (dyn BufRead + Send)) -> Result<BackupSummary, StoreError> {
        let backend = self.backend();
        let mut tx = self.write().begin().await?;
        let ours = schema_version(&mut tx).await?;
        let known = tables(&mut tx, backend).await?;
        for table in &known {
            let n: i64 = db::query(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {}", quoted(&table.name)))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            if n > 0 {
                return Err(StoreError::Conflict {
                    field: None,
                    message: format!(
                        "the database is not empty (table {} has {n} rows); restore into a new, empty database",
                        table.name
                    ),
                });
            }
        }

        let mut lines = input.lines();
        let header: Value = match lines.next() {
            Some(line) => serde_json::from_str(&line.map_err(io("reading the backup"))?)
                .map_err(|e| StoreError::Corrupt(format!("the first line is not a backup header: {e}")))?,
            None => return Err(StoreError::Corrupt("the backup file is empty".into())),
        };
        if header["format"] != FORMAT || header["version"] != FORMAT_VERSION {
            return Err(StoreError::Corrupt("this is not an Amends backup (or one of a newer format)".into()));
        }
        let theirs = header["schema_version"].as_i64().unwrap_or(-1);
        if theirs != ours {
            return Err(StoreError::Conflict {
                field: None,
                message: format!(
                    "the backup has schema version {theirs} and this database {ours}; \
                     restore with the version of Amends that took the backup, then upgrade"
                ),
            });
        }

        let mut summary = BackupSummary { schema_version: theirs, tables: Vec::new() };
        let mut current: Option<(String, Vec<Kind>, String)> = None;
        let mut ended = false;
        for (number, line) in lines.enumerate() {
            let line = line.map_err(io("reading the backup"))?;
            let bad = |what: &str| StoreError::Corrupt(format!("line {}: {what}", number + 2));
            let value: Value = serde_json::from_str(&line).map_err(|e| bad(&e.to_string()))?;
            match value {
                Value::Array(cells) => {
                    let Some((_, kinds, sql)) = &current else { return Err(bad("a row before its table")) };
                    if cells.len() != kinds.len() {
                        return Err(bad("a row with the wrong number of values"));
                    }
                    let mut query = db::query(sql);
                    for (value, kind) in cells.iter().zip(kinds) {
                        query = match (kind, value) {
                            (Kind::Int, v) => query.bind(int_of(v).map_err(|_| bad("a number was expected"))?),
                            (Kind::Real, v) => query.bind(v.as_f64()),
                            (Kind::Text, v) => query.bind(v.as_str().map(str::to_owned)),
                            (Kind::Blob, Value::Null) => query.bind(None::<Vec<u8>>),
                            (Kind::Blob, v) => {
                                let bytes =
                                    v["base64"].as_str().and_then(base64_decode).ok_or_else(|| bad("bad base64"))?;
                                query.bind(Some(bytes))
                            }
                        };
                    }
                    query.execute(&mut *tx).await?;
                    if let Some(last) = summary.tables.last_mut() {
                        last.1 += 1;
                    }
                }
                Value::Object(o) if o.contains_key("table") => {
                    let name = o["table"].as_str().ok_or_else(|| bad("a table without a name"))?;
                    let table = known
                        .iter()
                        .find(|t| t.name == name)
                        .ok_or_else(|| bad(&format!("this database has no table {name}")))?;
                    let columns: Vec<&str> = o["columns"]
                        .as_array()
                        .map(|c| c.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    let mut kinds = Vec::new();
                    for c in &columns {
                        let kind = table.columns.iter().find(|(n, _)| n == c).map(|(_, k)| *k);
                        kinds.push(kind.ok_or_else(|| bad(&format!("table {name} has no column {c}")))?);
                    }
                    let list: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
                    let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
                    let sql =
                        format!("INSERT INTO {} ({}) VALUES ({})", quoted(name), list.join(", "), params.join(", "));
                    current = Some((name.to_owned(), kinds, sql));
                    summary.tables.push((name.to_owned(), 0));
                }
                Value::Object(o) if o.get("end") == Some(&Value::Bool(true)) => {
                    if o.get("rows").and_then(Value::as_u64) != Some(summary.rows()) {
                        return Err(bad("the row count at the end does not match the rows read"));
                    }
                    ended = true;
                    break;
                }
                _ => return Err(bad("not a row, a table or the end")),
            }
        }
        if !ended {
            return Err(StoreError::Corrupt("the backup is cut short (no end line): nothing was restored".into()));
        }
        if backend == Backend::Postgres {
            for table in known.iter().filter(|t| t.columns.iter().any(|(n, k)| n == "id" && *k == Kind::Int)) {
                let t = quoted(&table.name);
                db::query(&format!(
                    "SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {t}), false)"
                ))
                .bind(&table.name)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(summary)
    }
}

fn int_of(v: &Value) -> Result<Option<i64>, ()> {
    match v {
        Value::Null => Ok(None),
        v => v.as_i64().map(Some).ok_or(()),
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if !text.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    for chunk in text.chunks(4) {
        let mut n = 0u32;
        let mut pad = 0;
        for &c in chunk {
            let v = match c {
                b'=' => {
                    pad += 1;
                    0
                }
                _ if pad > 0 => return None,
                _ => ALPHABET.iter().position(|&a| a == c)? as u32,
            };
            n = (n << 6) | v;
        }
        if pad > 2 {
            return None;
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for len in 0..50usize {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(base64_decode(&base64_encode(&bytes)).as_deref(), Some(&bytes[..]));
        }
        assert_eq!(base64_encode(b"Man"), "TWFu");
        assert_eq!(base64_encode(b"Ma"), "TWE=");
        assert_eq!(base64_decode("TQ=="), Some(b"M".to_vec()));
        assert_eq!(base64_decode("T==="), None);
        assert_eq!(base64_decode("TQ=a"), None);
    }
}
