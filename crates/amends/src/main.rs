//! `amends`: the command line. It parses, configures and wires; nothing else.

use std::io::Read;
use std::net::SocketAddr;

use amends::config::{Overrides, Settings};
use amends_domain::Role;
use amends_web::api::imports::{ImportKind, import_csv};
use amends_web::auth::{new_api_token, secret_hash};
use amends_web::password;
use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(name = "amends", version, about = "Amends: the service-recovery desk")]
struct Cli {
    #[command(flatten)]
    overrides: Overrides,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web app, the API and the background work.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "AMENDS_ADDRESS")]
        address: Option<SocketAddr>,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Print the API's OpenAPI document (the one `GET /api/v1/openapi.json` serves).
    Openapi,
    /// Manage staff users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write a consistent copy of the whole database to FILE ("-" for standard
    /// output). Safe while the server runs.
    Backup { file: std::path::PathBuf },
    /// Load a backup into a new, empty database (it is migrated first; a database
    /// holding any data is refused).
    Restore { file: std::path::PathBuf },
    /// Take in customer mail.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Import customers or transactions from a CSV file with a header line. Rows whose
    /// external id is already stored are skipped, so an import may be run again; bad
    /// rows are listed with their line and the good ones are kept.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Columns: name, email, phone, external_id, postal_address, notes.
    Customers { file: std::path::PathBuf },
    /// Columns: external_id, customer_external_id (or customer_id), kind (order, visit,
    /// refund), amount_minor, currency, sku, location, occurred_at (RFC 3339).
    Transactions { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Read one raw message (RFC 5322) on standard input, as an MTA's pipe delivers
    /// it. Exits 0 when it is taken (or was already), 65 when it can never be taken,
    /// and 75 when it cannot be taken now, so the MTA keeps it and retries.
    Ingest {
        /// Mail from the past (an import or a backfill): never acknowledged.
        #[arg(long)]
        backfill: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff user. The password is read from standard input, or generated and
    /// printed when standard input is a terminal or empty.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "agent")]
        role: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long)]
        name: String,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logs()?;
    let mut settings = Settings::load(&cli.overrides)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        match cli.command {
            Command::Serve { address } => {
                settings.address = address.unwrap_or(settings.address);
                let listener = TcpListener::bind(settings.address)
                    .await
                    .with_context(|| format!("listening on {}", settings.address))?;
                println!("Amends is listening on http://{}", listener.local_addr()?);
                amends::launch(&settings, listener, shutdown_signal(), |admin| {
                    println!();
                    println!("  First start: an admin was created.");
                    println!("    email:    {}", admin.email);
                    println!("    password: {}", admin.password);
                    println!("  This password is shown once; change it after signing in.");
                    println!();
                })
                .await
            }
            Command::Openapi => {
                println!("{}", serde_json::to_string_pretty(&amends_web::api::openapi())?);
                Ok(())
            }
            Command::Migrate => {
                amends::open_store(&settings).await?;
                println!("migrations applied");
                Ok(())
            }
            Command::User { command: UserCommand::Create { email, name, role } } => {
                let role: Role = role.parse()?;
                let store = amends::open_store(&settings).await?;
                let mut typed = String::new();
                if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                    std::io::stdin().read_to_string(&mut typed)?;
                }
                let typed = typed.trim_end_matches(['\n', '\r']).to_owned();
                let (secret, generated) =
                    if typed.is_empty() { (password::generate_password(), true) } else { (typed, false) };
                amends_domain::staff::check_new_password(&secret, &[email.trim(), name.trim()])?;
                let hash = password::hash_password(secret.clone()).await?;
                let user = store.create_user(email.trim(), name.trim(), role, &hash).await?;
                println!("created {} user {} (id {})", user.role, user.email, user.id);
                if generated {
                    println!("password: {secret}");
                }
                Ok(())
            }
            Command::Backup { file } => backup(&settings, &file).await,
            Command::Restore { file } => {
                let store = amends::open_store(&settings).await?;
                let reader = std::fs::File::open(&file).with_context(|| format!("opening {}", file.display()))?;
                let summary = store
                    .restore(&mut std::io::BufReader::new(reader))
                    .await
                    .with_context(|| format!("restoring {}", file.display()))?;
                store.close().await;
                println!("restored {} rows in {} tables from {}", summary.rows(), summary.tables.len(), file.display());
                Ok(())
            }
            Command::Mail { command: MailCommand::Ingest { backfill } } => {
                let code = mail_ingest(&settings, backfill).await;
                std::process::exit(code);
            }
            Command::Import { command } => {
                let (kind, file) = match command {
                    ImportCommand::Customers { file } => (ImportKind::Customers, file),
                    ImportCommand::Transactions { file } => (ImportKind::Transactions, file),
                };
                let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
                let store = amends::open_store(&settings).await?;
                let started = std::time::Instant::now();
                let report = import_csv(&store, kind, &text, |done, total| {
                    let pct = (done * 100).checked_div(total).unwrap_or(100);
                    eprint!("\r{done}/{total} rows ({pct}%), {:.1} s", started.elapsed().as_secs_f64());
                })
                .await?;
                eprintln!();
                store.close().await;
                println!(
                    "{} rows: {} imported, {} already present, {} refused ({:.1} s)",
                    report.rows,
                    report.inserted,
                    report.already_present,
                    report.rejected,
                    started.elapsed().as_secs_f64()
                );
                if !report.ignored_columns.is_empty() {
                    println!("ignored columns: {}", report.ignored_columns.join(", "));
                }
                for e in &report.errors {
                    println!("line {}: {}", e.line, e.message);
                }
                if report.rejected > report.errors.len() {
                    println!("… and {} more refused rows", report.rejected - report.errors.len());
                }
                Ok(())
            }
            Command::Token { command: TokenCommand::Create { user, name } } => {
                let store = amends::open_store(&settings).await?;
                let Some(owner) = store.user_by_email(&user).await? else {
                    bail!("no user with the email {user}");
                };
                let token = new_api_token();
                store.create_token(owner.id, &name, &secret_hash(&token)).await?;
                println!("{token}");
                Ok(())
            }
        }
    })
}

/// Logs on standard error, at the level `AMENDS_LOG` asks; `AMENDS_LOG_FORMAT=json` writes
/// one JSON object a line for log shippers (what is logged while a request is served
/// carries the request's span, and so its id, in both formats).
fn init_logs() -> anyhow::Result<()> {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("AMENDS_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    match std::env::var("AMENDS_LOG_FORMAT").unwrap_or_default().as_str() {
        "" | "text" => logs.init(),
        "json" => logs.json().init(),
        other => bail!("AMENDS_LOG_FORMAT {other:?}: use text or json"),
    }
    Ok(())
}

/// Writes to a temporary file beside FILE and renames it at the end, so FILE is
/// either the previous backup or a complete new one, never half of one.
async fn backup(settings: &Settings, file: &std::path::Path) -> anyhow::Result<()> {
    let store = amends::open_store(settings).await?;
    let summary = if file.as_os_str() == "-" {
        let mut out = std::io::BufWriter::new(std::io::stdout());
        store.backup(&mut out).await?
    } else {
        let partial = file.with_extension("partial");
        let created = std::fs::File::create(&partial).with_context(|| format!("creating {}", partial.display()))?;
        let mut out = std::io::BufWriter::new(created);
        let summary = store.backup(&mut out).await?;
        let created = out.into_inner().map_err(|e| e.into_error())?;
        created.sync_all()?;
        std::fs::rename(&partial, file).with_context(|| format!("renaming to {}", file.display()))?;
        summary
    };
    store.close().await;
    eprintln!(
        "backed up {} rows in {} tables (schema version {})",
        summary.rows(),
        summary.tables.len(),
        summary.schema_version
    );
    Ok(())
}

/// sysexits(3): what an MTA's pipe transport understands.
const EX_DATAERR: i32 = 65;
const EX_TEMPFAIL: i32 = 75;

async fn mail_ingest(settings: &Settings, backfill: bool) -> i32 {
    use amends_jobs::ingest::{IngestFailure, IngestOptions, ingest};
    let mut raw = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut raw) {
        eprintln!("amends mail ingest: could not read the message: {e}");
        return EX_TEMPFAIL;
    }
    let store = match amends::open_store(settings).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("amends mail ingest: the database is not available, try again later: {e:#}");
            return EX_TEMPFAIL;
        }
    };
    let spam = match settings.spam() {
        Ok(filter) => std::sync::Arc::new(filter),
        Err(e) => {
            eprintln!("amends mail ingest: {e:#}");
            return EX_TEMPFAIL;
        }
    };
    let result = ingest(&store, &raw, IngestOptions { backfill, spam: Some(spam) }).await;
    if let Err(IngestFailure::Permanent(reason)) = &result {
        // The MTA bounces it to the sender; staff see it among the refused mail too.
        if let Err(e) = amends_jobs::ingest::note_refused(&store, &raw, reason).await {
            eprintln!("amends mail ingest: could not note the refused message: {e}");
        }
    }
    store.close().await;
    match result {
        Ok(ingested) => {
            println!("{ingested:?}");
            0
        }
        Err(IngestFailure::Permanent(reason)) => {
            eprintln!("amends mail ingest: this message cannot be taken: {reason}");
            EX_DATAERR
        }
        Err(IngestFailure::Temporary(reason)) => {
            eprintln!("amends mail ingest: cannot take the message now, try again later: {reason}");
            EX_TEMPFAIL
        }
    }
}

/// Completes on SIGINT or SIGTERM; the server then finishes the requests in flight.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
