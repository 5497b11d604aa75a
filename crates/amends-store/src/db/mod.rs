//! The store's own database layer: SQLite through rusqlite, PostgreSQL through sqlx's
//! native driver, behind one small API shaped like the part of sqlx the store uses
//! (`query(sql).bind(v).fetch_all(on)`, `row.try_get("name")`, `pool.begin()`).
//!
//! Why not sqlx's `Any` driver, which the store used before: it runs each SQLite
//! connection on a thread of its own and hands every statement across a channel, and it
//! copies every row into a dynamic form. Here a SQLite statement runs in place, on the
//! task that asked, from the connection's statement cache; PostgreSQL rows are read as
//! the driver gives them. The SQL text stays shared: `$1` placeholders are written once
//! and turned into SQLite's `?1` (numbered, so binding never looks a name up).
//!
//! The dialects still differ in places (full-text search, locks); the modules that care
//! ask [`crate::Backend`].

mod postgres;
mod sqlite;

use std::fmt;
use std::sync::Arc;

use sqlx::Postgres;
use sqlx::postgres::{PgRow, PgValueRef};

pub(crate) use postgres::Connections as PostgresConnections;
pub(crate) use sqlite::{Database as SqliteDatabase, path_of as sqlite_path};

/// Which connections a [`Pool`] hands out: on SQLite the readers, or the one writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Read,
    Write,
}

/// Where statements run when no connection is held: one side of the SQLite database,
/// or the PostgreSQL pool (both sides are the same pool there).
#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(Arc<sqlite::Database>, Side),
    Postgres(Arc<postgres::Connections>),
}

impl Pool {
    /// A transaction. On SQLite's write side it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later would fail
    /// at once, without waiting, when another process wrote in between.
    pub(crate) async fn begin(&self) -> Result<Tx, DbError> {
        match self {
            Pool::Sqlite(db, side) => {
                let handle = db.handle(*side).await?;
                let begin = if *side == Side::Write { "BEGIN IMMEDIATE" } else { "BEGIN" };
                handle.connection().execute_batch(begin)?;
                Ok(Tx { conn: Conn::Sqlite(handle) })
            }
            Pool::Postgres(connections) => {
                let mut lease = connections.lend().await?;
                lease.begin().await?;
                Ok(Tx { conn: Conn::Postgres(lease) })
            }
        }
    }

    /// A connection held for several statements outside a transaction.
    pub(crate) async fn acquire(&self) -> Result<Held, DbError> {
        match self {
            Pool::Sqlite(db, side) => Ok(Held(Conn::Sqlite(db.handle(*side).await?))),
            Pool::Postgres(connections) => Ok(Held(Conn::Postgres(connections.lend().await?))),
        }
    }

    pub(crate) async fn close(&self) {
        match self {
            Pool::Sqlite(db, _) => db.close(),
            Pool::Postgres(connections) => connections.close().await,
        }
    }
}

/// A connection in use: statements on it see each other's effects in order.
pub(crate) enum Conn {
    Sqlite(sqlite::Handle),
    /// A PostgreSQL connection, in a transaction or not.
    Postgres(postgres::Lease),
    /// What a transaction holds once it has committed, until it is dropped.
    Spent,
}

impl Conn {
    /// A savepoint inside the transaction this connection is in: [`Savepoint::commit`]
    /// keeps its work, [`Savepoint::rollback`] undoes only it.
    pub(crate) async fn savepoint(&mut self) -> Result<Savepoint<'_>, DbError> {
        query("SAVEPOINT one_by_one").execute(&mut *self).await?;
        Ok(Savepoint { conn: self })
    }
}

/// A connection from [`Pool::acquire`], given back when dropped.
pub(crate) struct Held(Conn);

impl std::ops::Deref for Held {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

/// A transaction: dropped without [`Tx::commit`], it is rolled back.
pub(crate) struct Tx {
    conn: Conn,
}

impl Tx {
    pub(crate) async fn commit(mut self) -> Result<(), DbError> {
        match std::mem::replace(&mut self.conn, Conn::Spent) {
            Conn::Sqlite(handle) => {
                if let Err(e) = sqlite::waiting_for_disk(|| handle.connection().execute_batch("COMMIT")) {
                    // A failed COMMIT (disk full, say) leaves the transaction open.
                    let _ = handle.connection().execute_batch("ROLLBACK");
                    return Err(e.into());
                }
                Ok(())
            }
            Conn::Postgres(mut lease) => lease.commit().await,
            Conn::Spent => Ok(()),
        }
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        // A PostgreSQL lease rolls its transaction back when dropped; SQLite's is undone here,
        // before the connection goes back to its pool.
        if let Conn::Sqlite(handle) = &self.conn
            && !handle.connection().is_autocommit()
        {
            let _ = handle.connection().execute_batch("ROLLBACK");
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn
    }
}

/// A savepoint from [`Conn::savepoint`]; it must be ended by `commit` or `rollback`
/// (a `?` past it fails the whole transaction, which undoes it anyway).
pub(crate) struct Savepoint<'c> {
    conn: &'c mut Conn,
}

impl Savepoint<'_> {
    pub(crate) async fn commit(self) -> Result<(), DbError> {
        query("RELEASE SAVEPOINT one_by_one").execute(&mut *self.conn).await?;
        Ok(())
    }

    pub(crate) async fn rollback(self) -> Result<(), DbError> {
        query("ROLLBACK TO SAVEPOINT one_by_one").execute(&mut *self.conn).await?;
        query("RELEASE SAVEPOINT one_by_one").execute(&mut *self.conn).await?;
        Ok(())
    }
}

impl std::ops::Deref for Savepoint<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn
    }
}

impl std::ops::DerefMut for Savepoint<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn
    }
}

/// What a statement runs on.
pub(crate) enum Target<'c> {
    Pool(&'c Pool),
    Conn(&'c mut Conn),
}

impl<'c> From<&'c Pool> for Target<'c> {
    fn from(pool: &'c Pool) -> Self {
        Target::Pool(pool)
    }
}

impl<'c> From<&'c mut Conn> for Target<'c> {
    fn from(conn: &'c mut Conn) -> Self {
        Target::Conn(conn)
    }
}

/// A value bound to a placeholder. `None`s keep their type: PostgreSQL is told each
/// parameter's type when the statement is prepared.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

/// A Rust value that can be bound to a placeholder.
pub(crate) trait Bind {
    fn param(self) -> Param;
}

macro_rules! bind {
    ($variant:ident: $($t:ty => $conv:expr),* $(,)?) => {$(
        impl Bind for $t {
            fn param(self) -> Param {
                #[allow(clippy::redundant_closure_call)]
                Param::$variant(Some(($conv)(self)))
            }
        }
        impl Bind for Option<$t> {
            fn param(self) -> Param {
                #[allow(clippy::redundant_closure_call)]
                Param::$variant(self.map($conv))
            }
        }
        impl Bind for &Option<$t> {
            fn param(self) -> Param {
                #[allow(clippy::redundant_closure_call)]
                Param::$variant(self.clone().map($conv))
            }
        }
    )*};
}

bind!(Int: i64 => |v| v);
bind!(Real: f64 => |v| v);
bind!(Bool: bool => |v| v);
bind!(Text: String => |v| v, &str => |v: &str| v.to_owned(), &String => |v: &String| v.clone());
bind!(Bytes: Vec<u8> => |v| v, &[u8] => |v: &[u8]| v.to_vec());

/// A statement and its bound values, run by one of `execute`, `fetch_*`.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query<'q> {
    sql: &'q str,
    params: Vec<Param>,
    /// PostgreSQL plans the statement for its values each time instead of keeping it.
    plan_each_time: bool,
}

pub(crate) fn query(sql: &str) -> Query<'_> {
    Query { sql, params: Vec::new(), plan_each_time: false }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Nothing,
    First,
    All,
}

/// What a statement that returns no rows did.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Done {
    rows_affected: u64,
}

impl Done {
    pub(crate) fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

impl<'q> Query<'q> {
    pub(crate) fn bind(mut self, value: impl Bind) -> Self {
        self.params.push(value.param());
        self
    }

    /// For a statement whose best plan depends on its values (how common a searched word
    /// is): PostgreSQL plans it for the values given each time. A kept statement would
    /// switch to a generic plan after five runs, one that guesses how many rows match.
    pub(crate) fn plan_each_time(mut self) -> Self {
        self.plan_each_time = true;
        self
    }

    pub(crate) async fn execute<'c>(self, on: impl Into<Target<'c>>) -> Result<Done, DbError> {
        Ok(self.run(on.into(), Want::Nothing).await?.1)
    }

    pub(crate) async fn fetch_all<'c>(self, on: impl Into<Target<'c>>) -> Result<Vec<Row>, DbError> {
        Ok(self.run(on.into(), Want::All).await?.0)
    }

    pub(crate) async fn fetch_optional<'c>(self, on: impl Into<Target<'c>>) -> Result<Option<Row>, DbError> {
        Ok(self.run(on.into(), Want::First).await?.0.into_iter().next())
    }

    pub(crate) async fn fetch_one<'c>(self, on: impl Into<Target<'c>>) -> Result<Row, DbError> {
        self.fetch_optional(on).await?.ok_or(DbError::NoRow)
    }

    async fn run(self, on: Target<'_>, want: Want) -> Result<(Vec<Row>, Done), DbError> {
        match on {
            Target::Pool(Pool::Sqlite(db, side)) => {
                let handle = db.handle(*side).await?;
                match side {
                    // A write outside a transaction commits, and so waits for the disk.
                    Side::Write => {
                        sqlite::waiting_for_disk(|| sqlite::run(handle.connection(), self.sql, &self.params, want))
                    }
                    Side::Read => sqlite::run(handle.connection(), self.sql, &self.params, want),
                }
            }
            Target::Conn(Conn::Sqlite(handle)) => sqlite::run(handle.connection(), self.sql, &self.params, want),
            Target::Pool(Pool::Postgres(connections)) => connections.lend().await?.run(&self, want).await,
            Target::Conn(Conn::Postgres(lease)) => lease.run(&self, want).await,
            Target::Conn(Conn::Spent) => Err(DbError::Closed),
        }
    }
}

/// A row read, with its values in place.
pub(crate) enum Row {
    Sqlite(sqlite::Row),
    Postgres(PgRow),
}

/// A column by position or by name.
pub(crate) trait ColumnIndex: sqlx::ColumnIndex<PgRow> + fmt::Display + Copy {
    fn position(self, names: &[Box<str>]) -> Option<usize>;
}

impl ColumnIndex for usize {
    fn position(self, names: &[Box<str>]) -> Option<usize> {
        (self < names.len()).then_some(self)
    }
}

impl ColumnIndex for &str {
    fn position(self, names: &[Box<str>]) -> Option<usize> {
        names.iter().position(|n| **n == *self)
    }
}

impl Row {
    pub(crate) fn try_get<T: Column, I: ColumnIndex>(&self, index: I) -> Result<T, DbError> {
        let wrong = |message: String| DbError::Column { column: index.to_string(), message };
        match self {
            Row::Sqlite(row) => {
                let i = index.position(&row.names).ok_or_else(|| wrong("no such column".into()))?;
                T::from_sqlite(&row.values[i]).map_err(wrong)
            }
            Row::Postgres(row) => {
                let value = sqlx::Row::try_get_raw(row, index)?;
                T::from_postgres(value).map_err(|e| wrong(e.to_string()))
            }
        }
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A Rust type a column's value can be read as. Integers are read from any integer
/// column (PostgreSQL's `integer` as well as `bigint`), as the store always has.
pub(crate) trait Column: Sized {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String>;
    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError>;
}

impl<T: Column> Column for Option<T> {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        match value {
            rusqlite::types::Value::Null => Ok(None),
            v => T::from_sqlite(v).map(Some),
        }
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        if sqlx::ValueRef::is_null(&value) { Ok(None) } else { T::from_postgres(value).map(Some) }
    }
}

impl Column for i64 {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        match value {
            rusqlite::types::Value::Integer(v) => Ok(*v),
            other => Err(sqlite::unexpected(other, "an integer")),
        }
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        postgres::integer(value)
    }
}

impl Column for bool {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        Ok(i64::from_sqlite(value)? != 0)
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        postgres::boolean(value)
    }
}

impl Column for f64 {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        match value {
            rusqlite::types::Value::Real(v) => Ok(*v),
            rusqlite::types::Value::Integer(v) => Ok(*v as f64),
            other => Err(sqlite::unexpected(other, "a number")),
        }
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        postgres::real(value)
    }
}

impl Column for String {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        match value {
            rusqlite::types::Value::Text(s) => Ok(s.clone()),
            other => Err(sqlite::unexpected(other, "text")),
        }
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        postgres::not_null(&value)?;
        <String as sqlx::Decode<Postgres>>::decode(value)
    }
}

impl Column for Vec<u8> {
    fn from_sqlite(value: &rusqlite::types::Value) -> Result<Self, String> {
        match value {
            rusqlite::types::Value::Blob(b) => Ok(b.clone()),
            rusqlite::types::Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(sqlite::unexpected(other, "bytes")),
        }
    }

    fn from_postgres(value: PgValueRef<'_>) -> Result<Self, BoxError> {
        postgres::not_null(&value)?;
        <Vec<u8> as sqlx::Decode<Postgres>>::decode(value)
    }
}

/// A failure of either database, or of reading what it returned.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] sqlx::Error),
    #[error("column {column}: {message}")]
    Column { column: String, message: String },
    #[error("the query returned no row")]
    NoRow,
    #[error("the database is closed")]
    Closed,
}

/// What the database said when it refused a statement.
pub struct Refusal<'e> {
    unique: bool,
    foreign_key: bool,
    message: &'e str,
}

impl Refusal<'_> {
    pub fn is_unique_violation(&self) -> bool {
        self.unique
    }

    pub fn is_foreign_key_violation(&self) -> bool {
        self.foreign_key
    }

    pub fn message(&self) -> &str {
        self.message
    }
}

impl DbError {
    /// The database's own refusal (a constraint, say), as opposed to a failure to reach it.
    pub fn as_database_error(&self) -> Option<Refusal<'_>> {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, message)) => Some(Refusal {
                unique: matches!(
                    e.extended_code,
                    rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
                ),
                foreign_key: e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY,
                message: message.as_deref().unwrap_or(""),
            }),
            DbError::Postgres(e) => e.as_database_error().map(|d| Refusal {
                unique: d.is_unique_violation(),
                foreign_key: d.is_foreign_key_violation(),
                message: d.message(),
            }),
            _ => None,
        }
    }

    /// A failure that may pass on its own: the database is down, locked or busy.
    pub fn is_temporary(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy
                    | rusqlite::ErrorCode::DatabaseLocked
                    | rusqlite::ErrorCode::SystemIoFailure
                    | rusqlite::ErrorCode::DiskFull
                    | rusqlite::ErrorCode::CannotOpen
            ),
            DbError::Postgres(e) => {
                matches!(
                    e,
                    sqlx::Error::Io(_)
                        | sqlx::Error::PoolTimedOut
                        | sqlx::Error::PoolClosed
                        | sqlx::Error::WorkerCrashed
                ) || e
                    .as_database_error()
                    .and_then(|d| d.code())
                    .is_some_and(|c| c.starts_with("08") || c.starts_with("57P"))
            }
            DbError::Closed => true,
            DbError::Column { .. } | DbError::NoRow | DbError::Sqlite(_) => false,
        }
    }
}

/// A row read as a tuple of columns, in order.
pub(crate) trait FromRow: Sized {
    fn from_row(row: &Row) -> Result<Self, DbError>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),+) => {
        impl<$($t: Column),+> FromRow for ($($t,)+) {
            fn from_row(row: &Row) -> Result<Self, DbError> {
                Ok(($(row.try_get::<$t, usize>($i)?,)+))
            }
        }
    };
}

tuple_from_row!(A 0);
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);

/// A query whose rows are read as `T`.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct QueryAs<'q, T> {
    inner: Query<'q>,
    row: std::marker::PhantomData<T>,
}

pub(crate) fn query_as<T: FromRow>(sql: &str) -> QueryAs<'_, T> {
    QueryAs { inner: query(sql), row: std::marker::PhantomData }
}

impl<T: FromRow> QueryAs<'_, T> {
    pub(crate) fn bind(mut self, value: impl Bind) -> Self {
        self.inner = self.inner.bind(value);
        self
    }

    pub(crate) async fn fetch_all<'c>(self, on: impl Into<Target<'c>>) -> Result<Vec<T>, DbError> {
        self.inner.fetch_all(on).await?.iter().map(T::from_row).collect()
    }
}
