//! Starts the real app on a random port against a fresh database, and speaks HTTP to it.

use std::path::PathBuf;

use amends::Settings;
use amends_store::Clock;
use rand::Rng;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite,
    Postgres,
}

pub fn postgres_admin_url() -> String {
    std::env::var("AMENDS_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh, empty database URL for one test.
pub async fn fresh_database(db: Db) -> (String, Option<tempdir::TempDir>) {
    let suffix: u64 = rand::thread_rng().r#gen();
    match db {
        Db::Sqlite => {
            let dir = tempdir::TempDir::new(&format!("amends-test-{suffix:x}"));
            let url = amends::config::sqlite_url(&dir.path.join("amends.db"));
            (url, Some(dir))
        }
        Db::Postgres => {
            use sqlx::Executor;
            sqlx::any::install_default_drivers();
            let admin = postgres_admin_url();
            let mut conn =
                <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.expect("PostgreSQL is reachable");
            let name = format!("amends_test_{suffix:x}");
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            (format!("{base}/{name}"), None)
        }
    }
}

pub mod tempdir {
    use std::path::PathBuf;

    /// A folder removed when dropped.
    pub struct TempDir {
        pub path: PathBuf,
    }

    impl TempDir {
        pub fn new(name: &str) -> Self {
            let path = std::env::temp_dir().join(name);
            std::fs::create_dir_all(&path).expect("temp dir");
            Self { path }
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub database_url: String,
    pub admin_token: String,
    pub admin_password: String,
    /// The app's clock: a test moves it forward instead of waiting.
    pub clock: Clock,
    /// The app's job queue, run by the test (`settle`) rather than in the background.
    runner: amends_jobs::Runner,
    client: reqwest::Client,
    _dir: Option<tempdir::TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    stopped: Option<tokio::sync::oneshot::Receiver<()>>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Answer {
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "unexpected status; body: {}", self.body);
        self.body
    }

    /// Asserts an error answer: status and `error` code.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        let body = self.expect(status);
        assert_eq!(body["error"], code, "error code; body: {body}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "a message for a person: {body}");
        body
    }
}

pub async fn spawn_app(db: Db) -> TestApp {
    spawn_app_with(db, |_| {}).await
}

/// Starts the app on a fresh database, letting the test change its settings first.
pub async fn spawn_app_with(db: Db, configure: impl FnOnce(&mut Settings)) -> TestApp {
    let (database_url, dir) = fresh_database(db).await;
    let (running, admin_password) =
        start(&database_url, dir.as_ref().map(|d| d.path.clone()), Clock::default(), configure).await;
    let admin_password = admin_password.expect("the first admin is created on an empty database");
    let mut app = TestApp {
        address: running.address,
        database_url,
        admin_token: String::new(),
        admin_password: admin_password.clone(),
        clock: running.clock,
        runner: running.runner,
        client: reqwest::Client::new(),
        _dir: dir,
        shutdown: Some(running.shutdown),
        stopped: Some(running.stopped),
    };
    app.admin_token = app.token_for("admin@amends.local", &admin_password).await;
    app
}

pub struct Running {
    pub address: String,
    pub shutdown: tokio::sync::oneshot::Sender<()>,
    pub stopped: tokio::sync::oneshot::Receiver<()>,
    pub runner: amends_jobs::Runner,
    pub clock: Clock,
}

/// Launches the app on `database_url`, serving once this returns. Returns the first
/// admin's password when this start made one.
///
/// The job queue is the test's to run (`TestApp::settle`) unless `configure` turns
/// `jobs.in_background` on, and the clock is one the test moves (`TestApp::clock`).
pub async fn start(
    database_url: &str,
    data_dir: Option<PathBuf>,
    clock: Clock,
    configure: impl FnOnce(&mut Settings),
) -> (Running, Option<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("addr"));
    let mut settings = Settings {
        database_url: Some(database_url.to_owned()),
        data_dir: data_dir.unwrap_or_else(|| PathBuf::from("unused")),
        ..Settings::default()
    };
    settings.jobs.public_url = address.clone();
    settings.jobs.poll_interval = std::time::Duration::from_millis(50);
    settings.jobs.in_background = false;
    settings.store.clock = clock;
    configure(&mut settings);
    let clock = settings.store.clock.clone();
    let mut admin = None;
    let desk =
        amends::Desk::open(&settings, |first| admin = Some(first.password.clone())).await.expect("the app opens");
    let runner = desk.runner();
    if !settings.jobs.in_background {
        runner.start_sweeps().await.expect("the sweep of overdue steps is queued");
    }
    let (shutdown_tx, shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
    // The listener is bound: requests wait in its backlog until the server takes them.
    tokio::spawn(async move {
        let shutdown = async {
            let _ = shutdown_rx.await;
        };
        if let Err(e) = desk.serve(listener, shutdown).await {
            eprintln!("app stopped: {e:#}");
        }
        let _ = stopped_tx.send(());
    });
    (Running { address, shutdown: shutdown_tx, stopped: stopped_rx, runner, clock }, admin)
}

/// Waits for something a real process outside the app does (an IMAP server, an SMTP
/// sink, a child process, the app's own background runner), `within` at most. The one
/// place a test waits on wall time; everything inside the app is settled or clocked.
pub async fn wait_until<F, Fut>(what: &str, within: std::time::Duration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + within;
    while !done().await {
        assert!(std::time::Instant::now() < deadline, "waited {within:?} in vain for {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

impl TestApp {
    /// Stops the app (finishing what is in flight) and starts it again on the same
    /// database, at a new address.
    pub async fn restart(&mut self, configure: impl FnOnce(&mut Settings)) {
        self.stop().await;
        let data_dir = self._dir.as_ref().map(|d| d.path.clone());
        let (running, _) = start(&self.database_url, data_dir, self.clock.clone(), configure).await;
        self.address = running.address;
        self.runner = running.runner;
        self.clock = running.clock;
        self.shutdown = Some(running.shutdown);
        self.stopped = Some(running.stopped);
    }

    /// The one number an SQL query on the app's database answers (a count).
    pub async fn scalar(&self, sql: &str) -> i64 {
        use sqlx::{Connection, Row};
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.database_url).await.expect("connect");
        sqlx::query(sql).fetch_one(&mut conn).await.expect("query").get::<i64, _>(0)
    }

    /// Waits (10 s at most) until `sql` counts at least `n`: for a test of the app's own
    /// background runner (`jobs.in_background`); others `settle` instead.
    pub async fn wait_for_count(&self, what: &str, sql: &str, n: i64) {
        wait_until(what, std::time::Duration::from_secs(10), || async move { self.scalar(sql).await >= n }).await;
    }

    /// Runs every due job to completion (messages built and sent, webhooks delivered,
    /// alarms raised), as the background runner would, and returns how many ran.
    pub async fn settle(&self) -> usize {
        self.runner.run_until_idle().await.expect("the job queue runs")
    }

    /// Moves the app's clock forward by `by`, then runs what came due.
    pub async fn pass(&self, by: time::Duration) -> usize {
        self.clock.advance(by);
        self.settle().await
    }

    /// Stops the app as a SIGTERM would, and waits until it has stopped.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(stopped) = self.stopped.take() {
            let _ = stopped.await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request sent");
        answer(resp).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::PATCH, path, Some(token), Some(body)).await
    }

    /// Signs in with a fresh cookie jar and creates an API token through the session.
    pub async fn token_for(&self, email: &str, password: &str) -> String {
        let (client, csrf) = self.signed_in(email, password).await;
        let resp = client
            .post(self.url("/api/v1/tokens"))
            .header("x-csrf-token", csrf)
            .json(&json!({ "name": "tests" }))
            .send()
            .await
            .expect("token request");
        let body = answer(resp).await.expect(201);
        body["token"].as_str().expect("token shown once").to_owned()
    }

    /// A client holding a session cookie, and the session's CSRF token.
    pub async fn signed_in(&self, email: &str, password: &str) -> (reqwest::Client, String) {
        let client = reqwest::Client::builder().cookie_store(true).build().expect("client");
        let resp = client
            .post(self.url("/api/v1/session"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("sign in");
        let body = answer(resp).await.expect(200);
        (client, body["csrf_token"].as_str().expect("csrf token").to_owned())
    }

    /// Creates a staff user with `role` and returns (user id, API token).
    pub async fn staff(&self, role: &str) -> (i64, String) {
        let n: u32 = rand::thread_rng().r#gen();
        let email = format!("{role}{n}@bakery.example");
        let password = "correct horse battery";
        let user = self
            .post(
                "/api/v1/users",
                &self.admin_token,
                json!({ "email": email, "name": format!("{role} {n}"), "role": role, "password": password }),
            )
            .await
            .expect(201);
        let token = self.token_for(&email, password).await;
        (user["id"].as_i64().expect("user id"), token)
    }

    /// Logs a complaint for a new customer and returns the case.
    pub async fn complaint(&self, token: &str, email: &str, words: &str) -> Value {
        self.post(
            "/api/v1/cases",
            token,
            json!({ "customer": { "name": "Ann Lee", "email": email }, "body": words, "channel": "phone" }),
        )
        .await
        .expect(201)
    }
}

pub async fn answer(resp: reqwest::Response) -> Answer {
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    Answer { status, headers, body }
}

/// What a scenario is given: an app already running on a fresh database, or only the
/// backend when the scenario starts its own (with settings of its own, a child process).
pub trait Given: Sized {
    fn given(db: Db) -> impl std::future::Future<Output = Self>;
}

impl Given for Db {
    async fn given(db: Db) -> Self {
        db
    }
}

impl Given for TestApp {
    async fn given(db: Db) -> Self {
        spawn_app(db).await
    }
}

/// Runs `scenario` on `db`, given what it asks for (see `Given`).
pub async fn scenario<G: Given, F: std::future::Future<Output = ()>>(db: Db, scenario: impl FnOnce(G) -> F) {
    scenario(G::given(db).await).await;
}

/// Runs each scenario once on SQLite and once on PostgreSQL, as two tests
/// (`sqlite::name`, `postgres::name`). A scenario takes a `TestApp` or, to start its
/// own, a `Db`. `threads = n;` first gives the runtime more worker threads.
#[macro_export]
macro_rules! on_both_databases {
    (threads = $threads:tt; $($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = $threads)]
                async fn $name() {
                    $crate::helpers::scenario($crate::helpers::Db::Sqlite, super::$name).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = $threads)]
                async fn $name() {
                    $crate::helpers::scenario($crate::helpers::Db::Postgres, super::$name).await;
                }
            )+
        }
    };
    ($($name:ident),+ $(,)?) => {
        $crate::on_both_databases!(threads = 2; $($name),+);
    };
}

/// Pipes a raw message into `amends mail ingest`, as an MTA would; expects it taken
/// (exit 0) and returns what the command printed.
pub fn ingest(app: &TestApp, raw: &str) -> String {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_amends"))
        .args(["mail", "ingest"])
        .env("AMENDS_DATABASE_URL", &app.database_url)
        .env("AMENDS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(raw.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}
