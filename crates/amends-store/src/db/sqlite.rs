//! SQLite through rusqlite: one write connection behind an async lock, so writers queue
//! in the process instead of spinning on the database lock, and a few read connections
//! (WAL lets them read while the writer writes). Statements run on the calling task,
//! from each connection's statement cache: they take microseconds, far less than a hand-off
//! to another thread would.

use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::{Value, ValueRef};
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use super::{DbError, Done, Param, Row as AnyRow, Side, Want};

/// Prepared statements kept per connection: the store has a few hundred distinct ones.
const STATEMENT_CACHE: usize = 512;

pub(crate) struct Database {
    writer: Arc<Mutex<Connection>>,
    readers: Vec<Arc<Mutex<Connection>>>,
    /// One permit per reader not in use, so a task waits here rather than spin over
    /// the readers' locks.
    free_readers: Arc<Semaphore>,
}

impl Database {
    /// Opens `path` (created when missing) with `readers` read connections.
    pub(crate) fn open(path: &str, readers: usize) -> Result<Arc<Database>, DbError> {
        let writer = connect(path)?;
        // WAL: readers never wait for the writer. Set once; it is kept in the file.
        writer.pragma_update(None, "journal_mode", "WAL")?;
        let readers = (0..readers).map(|_| connect(path)).collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(Database {
            writer: Arc::new(Mutex::new(writer)),
            free_readers: Arc::new(Semaphore::new(readers.len())),
            readers: readers.into_iter().map(|c| Arc::new(Mutex::new(c))).collect(),
        }))
    }

    pub(crate) async fn handle(self: &Arc<Self>, side: Side) -> Result<Handle, DbError> {
        match side {
            Side::Write => Ok(Handle::Writer(self.writer.clone().lock_owned().await)),
            Side::Read => {
                let permit = self.free_readers.clone().acquire_owned().await.map_err(|_| DbError::Closed)?;
                // A permit means a reader is free (a handle unlocks its reader before it
                // gives its permit back).
                let conn = self.readers.iter().find_map(|r| r.clone().try_lock_owned().ok()).ok_or(DbError::Closed)?;
                Ok(Handle::Reader { conn, _permit: permit })
            }
        }
    }

    pub(crate) fn close(&self) {
        self.free_readers.close();
    }
}

fn connect(path: &str) -> Result<Connection, DbError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // FULL: a commit is on disk before it is acknowledged. Throughput comes from
    // committing many requests at once, never from weaker syncing.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Statement journals and sorts stay in memory: a multi-row insert otherwise writes
    // (and a sort reads back) a temporary file on every batch.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(conn)
}

/// The path in a `sqlite:` URL (`sqlite:///abs/path`, `sqlite://rel/path`, `sqlite:path`;
/// a `?query` is dropped: the file is always created when missing).
pub(crate) fn path_of(url: &str) -> &str {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    rest.split('?').next().unwrap_or(rest)
}

/// A connection taken from the database: the writer (held until dropped) or a reader
/// (given back when dropped).
pub(crate) enum Handle {
    Writer(OwnedMutexGuard<Connection>),
    // Fields drop in order: the reader is unlocked before its permit is given back.
    Reader { conn: OwnedMutexGuard<Connection>, _permit: OwnedSemaphorePermit },
}

impl Handle {
    pub(crate) fn connection(&self) -> &Connection {
        match self {
            Handle::Writer(conn) | Handle::Reader { conn, .. } => conn,
        }
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // A read transaction left open would pin an old snapshot of the database.
        if let Handle::Reader { conn, .. } = self
            && !conn.is_autocommit()
        {
            let _ = conn.execute_batch("ROLLBACK");
        }
    }
}

/// A row read from SQLite, its values copied out of the statement.
pub(crate) struct Row {
    pub(super) names: Arc<[Box<str>]>,
    pub(super) values: Vec<Value>,
}

pub(super) fn unexpected(value: &Value, wanted: &str) -> String {
    let found = match value {
        Value::Null => "NULL",
        Value::Integer(_) => "an integer",
        Value::Real(_) => "a real",
        Value::Text(_) => "text",
        Value::Blob(_) => "a blob",
    };
    format!("{found} where {wanted} was expected")
}

pub(super) fn run(conn: &Connection, sql: &str, params: &[Param], want: Want) -> Result<(Vec<AnyRow>, Done), DbError> {
    let sql = numbered(sql);
    let mut statement = conn.prepare_cached(&sql)?;
    for (i, param) in params.iter().enumerate() {
        let at = i + 1;
        match param {
            Param::Int(v) => statement.raw_bind_parameter(at, v)?,
            Param::Real(v) => statement.raw_bind_parameter(at, v)?,
            Param::Bool(v) => statement.raw_bind_parameter(at, v.map(i64::from))?,
            Param::Text(v) => statement.raw_bind_parameter(at, v)?,
            Param::Bytes(v) => statement.raw_bind_parameter(at, v)?,
        }
    }
    let writes = !statement.readonly();
    let width = statement.column_count();
    let names: Arc<[Box<str>]> = if want == Want::Nothing {
        Arc::from(Vec::new())
    } else {
        (0..width).map(|i| statement.column_name(i).map(Box::from)).collect::<Result<Vec<_>, _>>()?.into()
    };
    let mut out = Vec::new();
    let mut rows = statement.raw_query();
    while let Some(row) = rows.next()? {
        if want == Want::Nothing {
            continue;
        }
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Integer(v),
                ValueRef::Real(v) => Value::Real(v),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Blob(b.to_vec()),
            });
        }
        out.push(AnyRow::Sqlite(Row { names: names.clone(), values }));
        if want == Want::First {
            break;
        }
    }
    drop(rows);
    let rows_affected = if writes { conn.changes() } else { 0 };
    Ok((out, Done { rows_affected }))
}

/// The statement with PostgreSQL's `$n` placeholders as SQLite's `?n`: numbered
/// placeholders bind by position with no name lookup. Quoted text is left alone.
fn numbered(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '$' && chars.peek().is_some_and(|d| d.is_ascii_digit()) => {
                out.push('?');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    out.into()
}

/// Runs `f`, which waits for the disk (a commit's fsync), without stalling the other
/// tasks of a worker thread: on the multi-thread runtime they move to another worker
/// meanwhile. The intake writer's own single-thread runtime has nothing else to run.
pub(super) fn waiting_for_disk<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) if runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_outside_quotes() {
        assert_eq!(numbered("SELECT $1, '$2', \"$3\" WHERE a = $10"), "SELECT ?1, '$2', \"$3\" WHERE a = ?10");
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
    }

    #[test]
    fn urls_name_the_file() {
        assert_eq!(path_of("sqlite:///tmp/a.db?mode=rwc"), "/tmp/a.db");
        assert_eq!(path_of("sqlite://data/amends.db"), "data/amends.db");
        assert_eq!(path_of("sqlite:amends.db"), "amends.db");
    }
}
