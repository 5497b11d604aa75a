//! `amends-bench`: starts the release `amends serve` on loopback with a fresh database,
//! drives it over HTTP from this process, and prints one table: durable intake against
//! the database's raw single-commit rate, reads against the bare HTTP floor, and the
//! server's footprint. `--quick` runs each phase for a fraction of a second, so a test
//! run keeps the driver from rotting; its figures mean nothing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use rand::Rng;
use sqlx::{Connection, Executor, Row as _};

mod seed;

/// The tables' columns; `server µs` is the server's CPU time per request.
macro_rules! header {
    () => {
        "{:<38} {:>10} {:>9} {:>9} {:>8} {:>7} {:>11}"
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Db {
    Sqlite,
    Postgres,
}

#[derive(Parser)]
#[command(name = "amends-bench", about = "Load benchmark for a real `amends serve`")]
struct Args {
    #[arg(long, value_enum, default_value = "sqlite")]
    db: Db,
    /// A few seconds in all: checks the driver works, measures nothing worth quoting.
    #[arg(long)]
    quick: bool,
    /// The `amends` binary to run (default: the release `amends` beside this binary,
    /// else $CARGO_TARGET_DIR/release/amends or target/release/amends).
    #[arg(long)]
    bin: Option<PathBuf>,
    /// PostgreSQL server to make the fresh database on.
    #[arg(long, env = "AMENDS_TEST_POSTGRES", default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
    postgres: String,
    /// Seconds each measured phase runs (default 5, or 0.5 with --quick).
    #[arg(long)]
    seconds: Option<f64>,
    /// Cases seeded for the reads at scale, with a fifth as many customers and twice as
    /// many transactions (default 1,000,000, or 2,000 with --quick; 0 skips them).
    #[arg(long)]
    scale: Option<usize>,
    /// Only seed this migrated, empty database (`amends migrate` first) at `--scale`,
    /// and stop: data for profiling or for trying a page by hand.
    #[arg(long)]
    seed_only: Option<String>,
}

/// A complaint of the size a real one has: a few sentences.
const WORDS: &str = "I ordered a birthday cake for Saturday and it came on Sunday, squashed, with the wrong \
    name piped on it. I called twice and nobody called back. I would like a refund and an apology.";

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(run(args))
}

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A folder removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The release `amends` beside this binary (cargo puts both in one folder), else under
/// `$CARGO_TARGET_DIR` or `target`.
fn default_bin() -> PathBuf {
    let beside = std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join("amends")));
    if let Some(bin) = beside.filter(|b| b.exists() && b.parent().is_some_and(|d| d.ends_with("release"))) {
        return bin;
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("target"));
    target.join("release").join("amends")
}

async fn run(args: Args) -> anyhow::Result<()> {
    if let Some(url) = &args.seed_only {
        let cases = args.scale.unwrap_or(1_000_000);
        let seeded =
            seed::seed(url, seed::Scale { cases, customers: (cases / 5).max(1), transactions: cases * 2 }).await?;
        println!("seeded {cases} cases in {:.0} s", seeded.seconds);
        return Ok(());
    }
    let bin = args.bin.clone().unwrap_or_else(default_bin);
    if !bin.exists() {
        bail!("{} not found: run `cargo build --release -p amends` or pass --bin", bin.display());
    }
    let seconds = args.seconds.unwrap_or(if args.quick { 0.5 } else { 5.0 });
    let phase = Duration::from_secs_f64(seconds);
    let suffix: u32 = rand::thread_rng().r#gen();
    let scratch = Scratch(std::env::temp_dir().join(format!("amends-bench-{suffix:x}")));
    std::fs::create_dir_all(&scratch.0)?;
    let database_url = match args.db {
        Db::Sqlite => format!("sqlite://{}", scratch.0.join("amends.db").display()),
        Db::Postgres => fresh_postgres(&args.postgres, &format!("amends_bench_{suffix:x}")).await?,
    };

    let mut rows: Vec<Row> = Vec::new();
    let port = free_port()?;
    let (server, started_in) = start(&bin, &database_url, &scratch.0, port).await?;
    let pid = server.child.id();
    let token = create_token(&bin, &database_url, &scratch.0)?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let idle_rss = rss_kb(pid, "VmRSS");

    // The database's own limit: one row per commit, one connection, same driver.
    let raw = raw_commit_rate(args.db, &database_url, &scratch.0, phase).await?;
    rows.push(Row::rate("raw INSERT+COMMIT, 1 conn", raw, None, None, String::new()));
    // PostgreSQL's target is pgbench's own single-INSERT rate at intake's client count:
    // the server commits many clients' rows at once, which one connection cannot show.
    let pgbench = match args.db {
        Db::Postgres => pgbench_insert_rate(&database_url, &scratch.0, 64, phase)?,
        Db::Sqlite => None,
    };

    let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
    let next_email = Arc::new(AtomicUsize::new(0));
    let mut case_ids = Vec::new();
    for clients in [1, 16, 64] {
        let c = client.clone();
        let url = format!("{}/api/v1/cases", server.address);
        let token = token.clone();
        let next_email = next_email.clone();
        let result = measured(
            pid,
            drive(clients, phase, move || {
                let c = c.clone();
                let url = url.clone();
                let token = token.clone();
                let n = next_email.fetch_add(1, Ordering::Relaxed);
                async move {
                    let body = serde_json::json!({
                        "customer": { "name": format!("Bench Customer {n}"), "email": format!("c{n}@bench.example") },
                        "body": WORDS, "channel": "email",
                    });
                    let resp = c.post(&url).bearer_auth(&token).json(&body).send().await.ok()?;
                    if resp.status().as_u16() != 201 {
                        return None;
                    }
                    let v: serde_json::Value = resp.json().await.ok()?;
                    v["id"].as_i64()
                }
            }),
        )
        .await;
        case_ids.extend(result.values.iter().copied());
        let ratio = result.per_second() / raw;
        rows.push(Row::from_run(&format!("durable intake, {clients} clients"), &result, Some(ratio)));
        if let (64, Some(pgbench)) = (clients, pgbench) {
            // Its `× raw` is the intake above divided by it.
            let ratio = format!("{:.2}", result.per_second() / pgbench);
            rows.push(Row::rate("pgbench INSERT, 64 clients", pgbench, None, None, ratio));
        }
    }
    let load_rss = rss_kb(pid, "VmRSS");
    if case_ids.is_empty() {
        bail!("no case was created");
    }
    // Every new case's acknowledgement and recurrence check are jobs the runner works
    // through beside intake; the reads below start once it has caught up, so they do
    // not share the cores with it.
    let before = cpu_ticks(pid);
    let drain_started = Instant::now();
    let (jobs, left) = intake_jobs_done(args.db, &database_url).await?;
    let drained = drain_started.elapsed();
    rows.push(Row {
        // /proc counts CPU time in USER_HZ ticks, 100 a second on Linux.
        cpu_us: Some(cpu_ticks(pid).saturating_sub(before) as f64 * 10_000.0 / left.max(1) as f64),
        ..Row::rate(
            "intake's jobs left, run after intake",
            left as f64 / drained.as_secs_f64().max(1e-3),
            None,
            None,
            format!("{jobs} in all"),
        )
    });

    let ids = Arc::new(case_ids);
    let reads = {
        let c = client.clone();
        let base = server.address.clone();
        let token = token.clone();
        let ids = ids.clone();
        measured(
            pid,
            drive(64, phase, move || {
                let c = c.clone();
                let id = ids[rand::thread_rng().gen_range(0..ids.len())];
                let url = format!("{base}/api/v1/cases/{id}");
                let token = token.clone();
                async move { read_ok(c.get(&url).bearer_auth(&token)).await.map(|()| id) }
            }),
        )
        .await
    };
    rows.push(Row::from_run("case by id, 64 clients", &reads, None));
    let floor = {
        let c = client.clone();
        let url = format!("{}/healthz", server.address);
        measured(
            pid,
            drive(64, phase, move || {
                let c = c.clone();
                let url = url.clone();
                async move { read_ok(c.get(&url)).await.map(|()| 0) }
            }),
        )
        .await
    };
    rows.push(Row::from_run("bare floor GET /healthz, 64 clients", &floor, None));
    let peak_rss = rss_kb(pid, "VmHWM");
    drop(server);

    // A second start, on the database the run filled: the restart an operator sees.
    let (again, restarted_in) = start(&bin, &database_url, &scratch.0, free_port()?).await?;
    drop(again);

    let cases = args.scale.unwrap_or(if args.quick { 2_000 } else { 1_000_000 });
    let at_scale = if cases > 0 {
        let scale = seed::Scale { cases, customers: (cases / 5).max(1), transactions: cases * 2 };
        Some(reads_at_scale(&args, &bin, scale, phase).await?)
    } else {
        None
    };

    let binary = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
    println!();
    println!(
        "amends-bench: {} on {} ({} cases created, {}s per phase{})",
        bin.display(),
        match args.db {
            Db::Sqlite => "SQLite (WAL, synchronous=FULL)",
            Db::Postgres => "PostgreSQL (synchronous_commit=on)",
        },
        ids.len(),
        seconds,
        if args.quick { ", QUICK: figures not meaningful" } else { "" }
    );
    println!(header!(), "measure", "per sec", "p50 ms", "p99 ms", "× raw", "errors", "server µs");
    for row in &rows {
        println!("{row}");
    }
    println!("{:<38} {:>10}", "footprint", "");
    println!("  {:<36} {:>10.1} MB", "RSS idle", idle_rss as f64 / 1024.0);
    println!("  {:<36} {:>10.1} MB", "RSS after intake", load_rss as f64 / 1024.0);
    println!("  {:<36} {:>10.1} MB", "RSS peak (VmHWM)", peak_rss as f64 / 1024.0);
    println!("  {:<36} {:>10.0} ms", "start to serving, empty database", started_in.as_secs_f64() * 1e3);
    println!("  {:<36} {:>10.0} ms", "start to serving, after the run", restarted_in.as_secs_f64() * 1e3);
    println!("  {:<36} {:>10.1} MB", "binary size", binary as f64 / 1_048_576.0);

    if let Some(scale) = &at_scale {
        println!();
        println!("{}", scale.title);
        println!(header!(), "measure", "per sec", "p50 ms", "p99 ms", "", "errors", "server µs");
        for row in &scale.rows {
            println!("{row}");
        }
        println!("  {:<36} {:>10.1} MB", "RSS peak (VmHWM)", scale.peak_rss_kb as f64 / 1024.0);
        println!("  {:<36} {:>10.0} ms", "start to serving, seeded database", scale.started_in.as_secs_f64() * 1e3);
    }

    if args.db == Db::Postgres {
        drop_postgres(&args.postgres, &database_url).await;
    }
    let errors: usize = rows.iter().chain(at_scale.iter().flat_map(|s| s.rows.iter())).map(|r| r.errors).sum();
    if errors > 0 {
        bail!("{errors} requests failed");
    }
    Ok(())
}

struct AtScale {
    title: String,
    rows: Vec<Row>,
    peak_rss_kb: u64,
    started_in: Duration,
}

const BENCH_PASSWORD: &str = "bench password, long enough";

/// A second server on a database seeded with years of data: the staff pages' server
/// time one request at a time, and case reads under load beside the HTTP floor.
async fn reads_at_scale(args: &Args, bin: &Path, scale: seed::Scale, phase: Duration) -> anyhow::Result<AtScale> {
    let suffix: u32 = rand::thread_rng().r#gen();
    let scratch = Scratch(std::env::temp_dir().join(format!("amends-bench-scale-{suffix:x}")));
    std::fs::create_dir_all(&scratch.0)?;
    let url = match args.db {
        Db::Sqlite => format!("sqlite://{}", scratch.0.join("amends.db").display()),
        Db::Postgres => fresh_postgres(&args.postgres, &format!("amends_bench_scale_{suffix:x}")).await?,
    };
    let result = async {
        // The first start migrates the empty database; then it is filled while no server runs.
        drop(start(bin, &url, &scratch.0, free_port()?).await?);
        let seeded = seed::seed(&url, scale).await?;
        create_user(bin, &url, &scratch.0)?;
        let (server, started_in) = start(bin, &url, &scratch.0, free_port()?).await?;
        let pid = server.child.id();
        let token = create_token(bin, &url, &scratch.0)?;
        let cookie = sign_in(&server.address).await?;
        let deep = deep_cursor(&url).await?;

        let client = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
        let one_by_one = |path: String| {
            let c = client.clone();
            let url = format!("{}{path}", server.address);
            let cookie = cookie.clone();
            move || {
                let c = c.clone();
                let url = url.clone();
                let cookie = cookie.clone();
                async move {
                    read_ok(c.get(&url).header("cookie", &cookie)).await.map(|()| 0)
                }
            }
        };
        let random_page = |prefix: &'static str, count: usize| {
            let c = client.clone();
            let base = server.address.clone();
            let cookie = cookie.clone();
            move || {
                let c = c.clone();
                let url = format!("{base}{prefix}{}", rand::thread_rng().gen_range(1..=count));
                let cookie = cookie.clone();
                async move {
                    read_ok(c.get(&url).header("cookie", &cookie)).await.map(|()| 0)
                }
            }
        };
        let mut rows = Vec::new();
        let pages: [(&str, RunResult); 6] = [
            ("inbox, first page", measured(pid, drive(1, phase, one_by_one("/inbox".to_owned()))).await),
            (
                "inbox, deep page",
                measured(pid, drive(1, phase, one_by_one(format!("/inbox?view=all&cursor={deep}")))).await,
            ),
            ("case page", measured(pid, drive(1, phase, random_page("/cases/", scale.cases))).await),
            ("customer page", measured(pid, drive(1, phase, random_page("/customers/", scale.customers))).await),
            (
                "search, a rare word",
                measured(pid, drive(1, phase, one_by_one(format!("/search?q={}", seeded.rare_word)))).await,
            ),
            (
                "search, a common word",
                measured(pid, drive(1, phase, one_by_one(format!("/search?q={}", seeded.common_word)))).await,
            ),
        ];
        for (name, run) in &pages {
            rows.push(Row::from_run(&format!("{name}, 1 client"), run, None));
        }
        let reads = {
            let c = client.clone();
            let base = server.address.clone();
            let token = token.clone();
            measured(pid, drive(64, phase, move || {
                let c = c.clone();
                let url = format!("{base}/api/v1/cases/{}", rand::thread_rng().gen_range(1..=scale.cases));
                let token = token.clone();
                async move {
                    read_ok(c.get(&url).bearer_auth(&token)).await.map(|()| 0)
                }
            }))
            .await
        };
        rows.push(Row::from_run("case by id, 64 clients", &reads, None));
        let floor = measured(pid, drive(64, phase, one_by_one("/healthz".to_owned()))).await;
        rows.push(Row::from_run("bare floor GET /healthz, 64 clients", &floor, None));
        let peak_rss_kb = rss_kb(pid, "VmHWM");
        drop(server);
        Ok::<_, anyhow::Error>(AtScale {
            title: format!(
                "reads at scale: {} cases, {} customers, {} transactions (seeded in {:.0} s); search words {:?} and {:?}",
                scale.cases, scale.customers, scale.transactions, seeded.seconds, seeded.rare_word, seeded.common_word
            ),
            rows,
            peak_rss_kb,
            started_in,
        })
    }
    .await;
    if args.db == Db::Postgres {
        drop_postgres(&args.postgres, &url).await;
    }
    result
}

/// Sends a request and reads the whole answer; a failure is told on stderr with the
/// answer's first words, so that an error counted in the table can be traced.
async fn read_ok(request: reqwest::RequestBuilder) -> Option<()> {
    let resp = match request.send().await {
        Ok(resp) => resp,
        Err(e) => {
            eprintln!("request failed: {e}");
            return None;
        }
    };
    let (status, url) = (resp.status(), resp.url().clone());
    let body = resp.bytes().await.ok()?;
    if status.is_success() {
        return Some(());
    }
    eprintln!("{url}: {status}: {}", String::from_utf8_lossy(&body[..body.len().min(300)]));
    None
}

/// The inbox cursor halfway down the open cases: the page a colleague reaches after
/// paging a long way.
async fn deep_cursor(url: &str) -> anyhow::Result<String> {
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let open: i64 = conn.fetch_one("SELECT COUNT(*) FROM cases WHERE next_due_at IS NOT NULL").await?.try_get(0)?;
    let row = sqlx::query(
        "SELECT next_due_at, id FROM cases WHERE next_due_at IS NOT NULL ORDER BY next_due_at, id LIMIT 1 OFFSET $1",
    )
    .bind(open / 2)
    .fetch_one(&mut conn)
    .await?;
    Ok(format!("{}.{}", row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?))
}

fn create_user(bin: &Path, database_url: &str, dir: &Path) -> anyhow::Result<()> {
    use std::io::Write;
    let mut child = Command::new(bin)
        .args(["user", "create", "--email", "bench@amends.local", "--name", "Bench", "--role", "admin"])
        .env("AMENDS_DATABASE_URL", database_url)
        .env("AMENDS_DATA_DIR", dir)
        .env("AMENDS_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()?;
    child.stdin.take().context("stdin")?.write_all(BENCH_PASSWORD.as_bytes())?;
    if !child.wait()?.success() {
        bail!("amends user create failed");
    }
    Ok(())
}

/// Signs in as the bench user; returns the session's `Cookie` header.
async fn sign_in(address: &str) -> anyhow::Result<String> {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
    let resp = client
        .post(format!("{address}/login"))
        .form(&[("email", "bench@amends.local"), ("password", BENCH_PASSWORD)])
        .send()
        .await?;
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .collect::<Vec<_>>()
        .join("; ");
    if cookie.is_empty() {
        bail!("signing in failed: {}", resp.status());
    }
    Ok(cookie)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts the server and waits until `/healthz` answers; returns how long that took.
async fn start(bin: &Path, database_url: &str, dir: &Path, port: u16) -> anyhow::Result<(Server, Duration)> {
    let address = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let child = Command::new(bin)
        .arg("serve")
        .arg("--address")
        .arg(&address)
        .env("AMENDS_DATABASE_URL", database_url)
        .env("AMENDS_DATA_DIR", dir)
        .env("AMENDS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let server = Server { child, address: format!("http://{address}") };
    let client = reqwest::Client::new();
    let health = format!("{}/healthz", server.address);
    while started.elapsed() < Duration::from_secs(30) {
        if client.get(&health).send().await.is_ok_and(|r| r.status().is_success()) {
            return Ok((server, started.elapsed()));
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    bail!("the server did not start within 30 s")
}

fn create_token(bin: &Path, database_url: &str, dir: &Path) -> anyhow::Result<String> {
    let out = Command::new(bin)
        .args(["token", "create", "--user", "admin@amends.local", "--name", "bench"])
        .env("AMENDS_DATABASE_URL", database_url)
        .env("AMENDS_DATA_DIR", dir)
        .env("AMENDS_LOG", "warn")
        .output()?;
    if !out.status.success() {
        bail!("amends token create: {}", String::from_utf8_lossy(&out.stderr));
    }
    let text = String::from_utf8(out.stdout)?;
    text.lines().last().map(|l| l.trim().to_owned()).filter(|t| !t.is_empty()).context("no token printed")
}

/// Runs `run` and notes the CPU time the server `pid` spent meanwhile.
async fn measured(pid: u32, run: impl std::future::Future<Output = RunResult>) -> RunResult {
    let before = cpu_ticks(pid);
    let mut result = run.await;
    result.cpu_ticks = Some(cpu_ticks(pid).saturating_sub(before));
    result
}

/// utime + stime of every thread of `pid`, in ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> =
        stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    tick(11) + tick(12)
}

fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn fresh_postgres(admin: &str, name: &str) -> anyhow::Result<String> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(admin).await.context("PostgreSQL is reachable")?;
    conn.execute(format!("CREATE DATABASE {name}").as_str()).await?;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    Ok(format!("{base}/{name}"))
}

async fn drop_postgres(admin: &str, url: &str) {
    let Some((_, name)) = url.rsplit_once('/') else { return };
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin).await {
        let _ = conn.execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str()).await;
    }
}

/// Waits until the runner has run every acknowledgement and recurrence check that intake
/// queued (at most ten minutes: PostgreSQL's runner takes minutes over a full run's
/// jobs); returns how many intake queued and how many were still
/// to run when the wait began.
async fn intake_jobs_done(db: Db, database_url: &str) -> anyhow::Result<(i64, i64)> {
    const COUNT: &str = "SELECT COUNT(*), COUNT(*) FILTER (WHERE done_at IS NULL AND failed_at IS NULL)
                         FROM jobs WHERE kind IN ('acknowledge', 'recurrence_check')";
    let count = || async {
        match db {
            Db::Sqlite => {
                let conn = rusqlite::Connection::open(database_url.trim_start_matches("sqlite://"))?;
                Ok::<(i64, i64), anyhow::Error>(conn.query_row(COUNT, [], |r| Ok((r.get(0)?, r.get(1)?)))?)
            }
            Db::Postgres => {
                let mut conn = sqlx::PgConnection::connect(database_url).await?;
                let row = conn.fetch_one(COUNT).await?;
                Ok((row.try_get(0)?, row.try_get(1)?))
            }
        }
    };
    let (all, left) = count().await?;
    let started = Instant::now();
    while count().await?.1 > 0 {
        if started.elapsed() > Duration::from_secs(600) {
            bail!("the job runner did not catch up with intake in ten minutes");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((all, left))
}

/// Single-row INSERT + COMMIT in a loop for `phase`, through sqlx as the server uses
/// it, into a table shaped like a case: the most a one-commit-per-request server
/// could do on this disk. SQLite gets its own file with the server's pragmas.
async fn raw_commit_rate(db: Db, database_url: &str, dir: &Path, phase: Duration) -> anyhow::Result<f64> {
    match db {
        // rusqlite, the driver the server uses for SQLite, on a thread of its own.
        Db::Sqlite => {
            let path = dir.join("raw.db");
            tokio::task::spawn_blocking(move || raw_sqlite_commits(&path, phase)).await?
        }
        Db::Postgres => raw_postgres_commits(database_url, phase).await,
    }
}

fn raw_sqlite_commits(path: &Path, phase: Duration) -> anyhow::Result<f64> {
    let conn = rusqlite::Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE raw (id INTEGER PRIMARY KEY, customer_id BIGINT, body TEXT, status TEXT, created_at BIGINT)",
    )?;
    let mut insert =
        conn.prepare("INSERT INTO raw (customer_id, body, status, created_at) VALUES (?1, ?2, 'open', ?3)")?;
    let started = Instant::now();
    let mut n = 0i64;
    while started.elapsed() < phase {
        // Autocommit: each statement is its own transaction, so each is one commit.
        insert.execute(rusqlite::params![n, WORDS, n])?;
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

async fn raw_postgres_commits(database_url: &str, phase: Duration) -> anyhow::Result<f64> {
    let mut conn = sqlx::PgConnection::connect(database_url).await?;
    conn.execute("SET synchronous_commit = on").await?;
    conn.execute(
        "CREATE TABLE bench_raw (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, customer_id BIGINT,
         body TEXT, status TEXT, created_at BIGINT)",
    )
    .await?;
    let sql = "INSERT INTO bench_raw (customer_id, body, status, created_at) VALUES ($1, $2, 'open', $3)";
    let started = Instant::now();
    let mut n = 0i64;
    while started.elapsed() < phase {
        sqlx::query(sql).bind(n).bind(WORDS).bind(n).execute(&mut conn).await?;
        n += 1;
    }
    Ok(n as f64 / started.elapsed().as_secs_f64())
}

/// `pgbench -c CLIENTS` running one single-row INSERT a transaction into the raw table,
/// its `tps`; none when pgbench is not installed (it comes with PostgreSQL's client).
fn pgbench_insert_rate(database_url: &str, dir: &Path, clients: usize, phase: Duration) -> anyhow::Result<Option<f64>> {
    let script = dir.join("insert.sql");
    std::fs::write(
        &script,
        format!(
            "\\set n random(1, 1000000000)\nINSERT INTO bench_raw (customer_id, body, status, created_at) \
             VALUES (:n, '{}', 'open', :n);\n",
            WORDS.replace('\'', "''")
        ),
    )?;
    let seconds = phase.as_secs_f64().round().max(1.0).to_string();
    let out = match Command::new("pgbench")
        .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T", &seconds, "-f"])
        .arg(&script)
        .arg(database_url)
        .output()
    {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    if !out.status.success() {
        bail!("pgbench failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tps = stdout
        .lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse::<f64>().ok())
        .with_context(|| format!("no tps in pgbench's output: {stdout}"))?;
    Ok(Some(tps))
}

struct RunResult {
    latencies: Vec<Duration>,
    values: Vec<i64>,
    errors: usize,
    elapsed: Duration,
    /// Server CPU ticks spent during the run, when the server's pid was given.
    cpu_ticks: Option<u64>,
}

impl RunResult {
    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn cpu_us(&self) -> Option<f64> {
        let requests = self.latencies.len() + self.errors;
        // /proc counts CPU time in USER_HZ ticks, 100 a second on Linux.
        self.cpu_ticks.filter(|_| requests > 0).map(|t| t as f64 * 10_000.0 / requests as f64)
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return 0.0;
        }
        let i = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[i].as_secs_f64() * 1e3
    }
}

/// Runs `clients` loops of `request` for `phase`; a request gives Some on success.
async fn drive<F, Fut>(clients: usize, phase: Duration, request: F) -> RunResult
where
    F: Fn() -> Fut + Send + Sync + Clone + 'static,
    Fut: std::future::Future<Output = Option<i64>> + Send,
{
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let stop = stop.clone();
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut values = Vec::new();
            let mut errors = 0;
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                match request().await {
                    Some(v) => {
                        latencies.push(t.elapsed());
                        values.push(v);
                    }
                    None => errors += 1,
                }
            }
            (latencies, values, errors)
        }));
    }
    tokio::time::sleep(phase).await;
    stop.store(true, Ordering::Relaxed);
    let mut result =
        RunResult { latencies: Vec::new(), values: Vec::new(), errors: 0, elapsed: Duration::ZERO, cpu_ticks: None };
    for task in tasks {
        if let Ok((l, v, e)) = task.await {
            result.latencies.extend(l);
            result.values.extend(v);
            result.errors += e;
        }
    }
    // Requests finish after the stop; count the time they took too.
    result.elapsed = started.elapsed();
    result.latencies.sort();
    result
}

struct Row {
    name: String,
    per_second: f64,
    p50: Option<f64>,
    p99: Option<f64>,
    ratio: String,
    /// The server's CPU time (user + system) per request: unlike the rates, it hardly
    /// moves when other processes share the machine.
    cpu_us: Option<f64>,
    errors: usize,
}

impl Row {
    fn rate(name: &str, per_second: f64, p50: Option<f64>, p99: Option<f64>, ratio: String) -> Row {
        Row { name: name.to_owned(), per_second, p50, p99, ratio, cpu_us: None, errors: 0 }
    }

    fn from_run(name: &str, run: &RunResult, ratio: Option<f64>) -> Row {
        Row {
            name: name.to_owned(),
            per_second: run.per_second(),
            p50: Some(run.percentile_ms(0.50)),
            p99: Some(run.percentile_ms(0.99)),
            ratio: ratio.map(|r| format!("{r:.2}")).unwrap_or_default(),
            cpu_us: run.cpu_us(),
            errors: run.errors,
        }
    }
}

impl std::fmt::Display for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
        write!(
            f,
            "{:<38} {:>10.0} {:>9} {:>9} {:>8} {:>7} {:>11}",
            self.name,
            self.per_second,
            ms(self.p50),
            ms(self.p99),
            self.ratio,
            self.errors,
            self.cpu_us.map(|v| format!("{v:.0}")).unwrap_or_default()
        )
    }
}
