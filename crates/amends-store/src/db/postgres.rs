//! PostgreSQL through sqlx's native driver: statements are prepared once per connection
//! and cached, rows are read in place.
//!
//! The connections are lent out by [`Connections`], not by sqlx's `PgPool`: that pool
//! pings a connection with a round trip to the server when it lends it and again when it
//! gets it back (sqlx 0.8 does the second without asking), so a statement run on the pool
//! cost three round trips, and a case read four where two would do.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgValueRef};
use sqlx::{Arguments, ConnectOptions, Connection, Decode, Postgres, TypeInfo, ValueRef};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{BoxError, DbError, Done, Param, Query, Row, Want};

/// How long a task waits for a connection before the request fails as busy.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(10);
/// A connection idle longer than this is pinged before it is lent: the server may have
/// closed it meanwhile (a restart, an idle timeout), and a request should not be the one
/// to find out.
const CHECK_AFTER_IDLE: Duration = Duration::from_secs(30);

/// The open connections to one PostgreSQL database, at most `size` of them.
pub(crate) struct Connections {
    options: PgConnectOptions,
    idle: Mutex<Vec<(PgConnection, Instant)>>,
    /// One permit per connection that may be lent (open and idle, or not yet opened).
    free: Arc<Semaphore>,
}

impl Connections {
    /// Opens one connection at once, so a wrong address or password shows at start.
    pub(crate) async fn open(options: PgConnectOptions, size: usize) -> Result<Arc<Connections>, DbError> {
        let first = options.connect().await?;
        Ok(Arc::new(Connections {
            options,
            idle: Mutex::new(vec![(first, Instant::now())]),
            free: Arc::new(Semaphore::new(size)),
        }))
    }

    pub(crate) async fn lend(self: &Arc<Self>) -> Result<Lease, DbError> {
        let permit = tokio::time::timeout(WAIT_FOR_CONNECTION, self.free.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        loop {
            let idle = self.idle.lock().map_err(|_| DbError::Closed)?.pop();
            let conn = match idle {
                Some((mut conn, since)) => {
                    if since.elapsed() > CHECK_AFTER_IDLE && conn.ping().await.is_err() {
                        continue;
                    }
                    conn
                }
                None => self.options.connect().await?,
            };
            return Ok(Lease { conn: Some(conn), home: self.clone(), state: State::Ready, permit: Some(permit) });
        }
    }

    pub(crate) async fn close(&self) {
        self.free.close();
        let idle = std::mem::take(&mut *self.idle.lock().unwrap_or_else(|e| e.into_inner()));
        for (conn, _) in idle {
            let _ = conn.close().await;
        }
    }

    fn take_back(&self, conn: PgConnection) {
        if self.free.is_closed() {
            return;
        }
        if let Ok(mut idle) = self.idle.lock() {
            idle.push((conn, Instant::now()));
        }
    }
}

/// Where a lent connection stands, which decides what happens to it when it comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    /// Inside a transaction that has not ended.
    InTransaction,
    /// A statement was sent and its answer not read to the end (the task was cancelled),
    /// or the connection failed: it is closed, never lent again.
    Unknown,
}

/// A connection lent by [`Connections`]; it goes back when dropped.
pub(crate) struct Lease {
    conn: Option<PgConnection>,
    home: Arc<Connections>,
    state: State,
    /// Given back after the connection, so no other task opens one meanwhile.
    permit: Option<OwnedSemaphorePermit>,
}

impl Lease {
    pub(crate) async fn begin(&mut self) -> Result<(), DbError> {
        self.run(&super::query("BEGIN"), Want::Nothing).await?;
        self.state = State::InTransaction;
        Ok(())
    }

    pub(crate) async fn commit(&mut self) -> Result<(), DbError> {
        self.run(&super::query("COMMIT"), Want::Nothing).await?;
        self.state = State::Ready;
        Ok(())
    }

    pub(super) async fn run(&mut self, query: &Query<'_>, want: Want) -> Result<(Vec<Row>, Done), DbError> {
        let before = std::mem::replace(&mut self.state, State::Unknown);
        let conn = self.conn.as_mut().ok_or(DbError::Closed)?;
        let result = run(conn, query, want).await;
        // The server's refusal (a constraint, a bad cast) leaves the connection sound;
        // anything else (the socket, the protocol) may not have.
        if result.is_ok() || result.as_ref().is_err_and(|e| e.as_database_error().is_some()) {
            self.state = before;
        }
        result
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        match self.state {
            State::Ready => self.home.take_back(conn),
            State::InTransaction => {
                // Dropped without a commit (an error passed through `?`): undone on the
                // server before the connection is lent again.
                let (home, permit) = (self.home.clone(), self.permit.take());
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(async move {
                        let mut conn = conn;
                        if sqlx::Executor::execute(&mut conn, "ROLLBACK").await.is_ok() {
                            home.take_back(conn);
                        }
                        drop(permit);
                    });
                }
            }
            State::Unknown => drop(conn),
        }
    }
}

pub(super) async fn run<'e, E>(on: E, query: &Query<'_>, want: Want) -> Result<(Vec<Row>, Done), DbError>
where
    E: sqlx::PgExecutor<'e>,
{
    let mut args = PgArguments::default();
    for param in &query.params {
        let added = match param {
            Param::Int(v) => args.add(*v),
            Param::Real(v) => args.add(*v),
            Param::Bool(v) => args.add(*v),
            Param::Text(v) => args.add(v.as_deref()),
            Param::Bytes(v) => args.add(v.as_deref()),
        };
        added.map_err(sqlx::Error::Encode)?;
    }
    // An unnamed statement is planned with its values at every run.
    let statement = sqlx::query_with(query.sql, args).persistent(!query.plan_each_time);
    match want {
        Want::Nothing => {
            let done = statement.execute(on).await?;
            Ok((Vec::new(), Done { rows_affected: done.rows_affected() }))
        }
        Want::First => {
            let row = statement.fetch_optional(on).await?;
            Ok((row.map(Row::Postgres).into_iter().collect(), Done { rows_affected: 0 }))
        }
        Want::All => {
            let rows = statement.fetch_all(on).await?;
            Ok((rows.into_iter().map(Row::Postgres).collect(), Done { rows_affected: 0 }))
        }
    }
}

pub(super) fn not_null(value: &PgValueRef<'_>) -> Result<(), BoxError> {
    if value.is_null() { Err("NULL where a value was expected".into()) } else { Ok(()) }
}

/// An integer from any of PostgreSQL's integer types.
pub(super) fn integer(value: PgValueRef<'_>) -> Result<i64, BoxError> {
    not_null(&value)?;
    // The type's name is looked at before the value is taken for decoding.
    let bytes = match value.type_info().name() {
        "INT8" => 8,
        "INT4" => 4,
        "INT2" => 2,
        "BOOL" => 1,
        other => return Err(format!("{other} where an integer was expected").into()),
    };
    match bytes {
        8 => <i64 as Decode<Postgres>>::decode(value),
        4 => Ok(i64::from(<i32 as Decode<Postgres>>::decode(value)?)),
        2 => Ok(i64::from(<i16 as Decode<Postgres>>::decode(value)?)),
        _ => Ok(i64::from(<bool as Decode<Postgres>>::decode(value)?)),
    }
}

pub(super) fn boolean(value: PgValueRef<'_>) -> Result<bool, BoxError> {
    not_null(&value)?;
    if value.type_info().name() == "BOOL" {
        <bool as Decode<Postgres>>::decode(value)
    } else {
        Ok(integer(value)? != 0)
    }
}

pub(super) fn real(value: PgValueRef<'_>) -> Result<f64, BoxError> {
    not_null(&value)?;
    let bytes = match value.type_info().name() {
        "FLOAT8" => 8,
        "FLOAT4" => 4,
        _ => 0,
    };
    match bytes {
        8 => <f64 as Decode<Postgres>>::decode(value),
        4 => Ok(f64::from(<f32 as Decode<Postgres>>::decode(value)?)),
        _ => Ok(integer(value)? as f64),
    }
}

#[cfg(test)]
mod tests {
    //! Against the PostgreSQL of `AMENDS_TEST_POSTGRES` (as the API tests).
    use std::str::FromStr;

    use super::*;
    use crate::db::query;

    async fn one_connection() -> (Arc<Connections>, String) {
        let url = std::env::var("AMENDS_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let connections = Connections::open(PgConnectOptions::from_str(&url).unwrap(), 1).await.unwrap();
        let table = format!("lease_test_{}_{}", std::process::id(), rand::random::<u32>());
        let mut lease = connections.lend().await.unwrap();
        lease.run(&query(&format!("CREATE TABLE {table} (id BIGINT PRIMARY KEY)")), Want::Nothing).await.unwrap();
        (connections, table)
    }

    async fn backend(lease: &mut Lease) -> i64 {
        let (rows, _) = lease.run(&query("SELECT CAST(pg_backend_pid() AS BIGINT)"), Want::First).await.unwrap();
        rows[0].try_get(0).unwrap()
    }

    async fn drop_table(connections: &Arc<Connections>, table: &str) {
        let mut lease = connections.lend().await.unwrap();
        lease.run(&query(&format!("DROP TABLE {table}")), Want::Nothing).await.unwrap();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_transaction_dropped_without_commit_is_undone_and_its_connection_lent_again() {
        let (connections, table) = one_connection().await;
        let mut lease = connections.lend().await.unwrap();
        let first = backend(&mut lease).await;
        lease.begin().await.unwrap();
        lease.run(&query(&format!("INSERT INTO {table} (id) VALUES (1)")), Want::Nothing).await.unwrap();
        drop(lease);

        // One connection in all: lending waits until the rollback has given it back.
        let mut lease = connections.lend().await.unwrap();
        assert_eq!(backend(&mut lease).await, first, "the same connection, not a new one");
        let (rows, _) = lease.run(&query(&format!("SELECT COUNT(*) FROM {table}")), Want::First).await.unwrap();
        assert_eq!(rows[0].try_get::<i64, _>(0).unwrap(), 0, "the insert was rolled back");
        drop(lease);
        drop_table(&connections, &table).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_refused_statement_keeps_its_connection_and_a_cancelled_one_closes_it() {
        let (connections, table) = one_connection().await;
        let mut lease = connections.lend().await.unwrap();
        let first = backend(&mut lease).await;
        let insert = format!("INSERT INTO {table} (id) VALUES (1)");
        lease.run(&query(&insert), Want::Nothing).await.unwrap();
        let refused = lease.run(&query(&insert), Want::Nothing).await.err().expect("a second row with the same id");
        assert!(refused.as_database_error().is_some_and(|r| r.is_unique_violation()));
        drop(lease);
        let mut lease = connections.lend().await.unwrap();
        assert_eq!(backend(&mut lease).await, first, "a refusal leaves the connection sound");

        // Given up mid-statement (a client that went away): its answer is never read,
        // so the connection is closed rather than lent with the answer still coming.
        let sleep = query("SELECT pg_sleep(2)");
        let sleeping = lease.run(&sleep, Want::Nothing);
        assert!(tokio::time::timeout(Duration::from_millis(100), sleeping).await.is_err());
        drop(lease);
        let mut lease = connections.lend().await.unwrap();
        assert_ne!(backend(&mut lease).await, first, "a new connection");
        drop(lease);
        drop_table(&connections, &table).await;
    }
}
