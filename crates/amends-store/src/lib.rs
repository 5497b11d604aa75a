//! Storage for Amends: one [`Store`] over SQLite (embedded, the default) or PostgreSQL.
//!
//! Each backend runs through its own driver (`db`: rusqlite for SQLite, sqlx's `PgConnection`
//! for PostgreSQL) behind one small query API, so the SQL is shared wherever the two
//! dialects agree (`$1` placeholders, `RETURNING`, `ON CONFLICT`, row values) and split
//! by [`Backend`] where they do not (full-text search). Each backend has its own
//! migrations folder with the same versions; they are embedded and applied on start.
//!
//! This crate knows the domain's types and SQL; it knows nothing of HTTP. Every write
//! that acknowledges something to a person returns only after its transaction commits.

mod alerts;
mod approvals;
mod attachments;
pub mod backup;
mod business;
mod calls;
mod cases;
mod clock;
mod commands;
mod customers;
mod db;
mod disclosures;
mod escalations;
mod hours;
mod ideas;
mod idempotency;
mod imports;
pub mod inbound;
mod intake;
pub mod jobs;
mod kept;
mod letters;
mod links;
mod merge;
mod migrate;
mod outbox;
mod plans;
mod presence;
mod problems;
mod promises;
mod proof;
mod query;
mod replies;
mod reports;
mod scheduled;
mod search;
pub mod secret;
mod spam;
mod staff;
mod step;
mod templates;
mod views;
mod watch;
mod webhooks;

use std::str::FromStr;
use std::sync::Arc;

use amends_domain::DuePolicy;
use amends_domain::playbook::Refusal;
use db::{DbError, Pool, Side};
use time::OffsetDateTime;

pub use alerts::{AlertTo, StaffAlert};
pub use approvals::{ApprovalRecord, BudgetRow};
pub use attachments::{AttachmentRecord, NewAttachment, clean_name as clean_attachment_name};
pub use business::Business;
pub use calls::{CallList, CallRecipient, CallRecord};
pub use cases::{CaseFile, CaseFilter, CaseOrder, CaseRecord, EventRecord, OwnerFilter, PersonRef, SnoozeFilter};
pub use clock::Clock;
pub use commands::NewProof;
pub use customers::{
    CustomerPatch, CustomerRecord, LifetimeValue, NewCustomer, NewTransaction, TransactionBatch, TransactionCustomer,
    TransactionRecord,
};
pub use disclosures::{
    AudienceMember, AudiencePreview, DisclosureLetterDue, DisclosureLink, DisclosureRecord, NewDisclosure, Notice,
    Progress, RecipientRecord,
};
pub use escalations::{Escalation, OverdueCase};
pub use hours::DeskHours;
pub use ideas::{IdeaRecord, IdeaWanted};
pub use idempotency::StoredResponse;
pub use inbound::{InboundRef, RefusedMail};
pub use intake::{CustomerRef, LanguageSaid, NewCase, NoticeAnswer, SpamHeld, suggested_severity};
pub use jobs::{Job, JobRecord, JobsToClaim, QueueStats};
pub use letters::{LetterDue, PendingLetter};
pub use links::{LinkRecord, NewLink};
pub use merge::Merge;
pub use migrate::MIGRATIONS_APPLIED;
pub use outbox::{EmailRecord, NewEmail, OutboxStats};
pub use plans::QueryPlan;
pub use presence::Presence;
pub use problems::{AlarmRecord, ProblemPatch, ProblemRecord, SuggestedProblem, SuggestionRecord};
pub use promises::BrokenPromise;
pub use proof::{ProofRecipient, ProofRecord, Testimonial};
pub use replies::{ReplyDraft, SavedReply};
pub use reports::{MoneyRow, MonthRow, PromiseBroken, Report, ReportCases, RootCause};
pub use scheduled::ScheduledMessage;
pub use search::{CaseHit, MARK_END, MARK_START};
pub use spam::{BlockRecord, HeldCase};
pub use staff::{Invitation, SessionRecord, TokenRecord, UserRecord};
pub use templates::TemplateOverride;
pub use views::{SavedView, ViewDraft};
pub use watch::WatchAlert;
pub use webhooks::{DeliveryRecord, WebhookRecord};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict { field: Option<&'static str>, message: String },
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// A step the domain refused for who asked or for what the coach found.
    #[error(transparent)]
    StepRefused(amends_domain::step::Refused),
    #[error("the database URL must start with sqlite: or postgres://")]
    UnsupportedUrl,
    /// The gesture is above the agent's limits or past the budget: it waits for a
    /// manager as this approval.
    #[error("{reason}: it waits for a manager's approval")]
    ApprovalNeeded { approval_id: i64, reason: amends_domain::gesture::ApprovalReason },
    #[error("the cursor is not one this list gave")]
    BadCursor,
    #[error("the intake writer has stopped")]
    WriterStopped,
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: DbError },
    #[error("database error: {0}")]
    Database(#[from] DbError),
}

impl StoreError {
    /// Maps a unique-constraint violation to a conflict on `field`; other errors pass.
    pub(crate) fn unique(field: &'static str, message: &str) -> impl FnOnce(DbError) -> StoreError {
        let message = message.to_owned();
        move |e| match e.as_database_error() {
            Some(db) if db.is_unique_violation() => StoreError::Conflict { field: Some(field), message },
            _ => StoreError::Database(e),
        }
    }

    /// A failure that may pass on its own (the database is down, locked or busy), as
    /// opposed to one that will fail the same way every time.
    pub fn is_temporary(&self) -> bool {
        match self {
            StoreError::Database(e) => e.is_temporary(),
            StoreError::WriterStopped => true,
            _ => false,
        }
    }
}

/// Settings the store needs to keep the cases' derived columns (status, next due step).
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub due: DuePolicy,
    /// Lifetime value (minor units) from which a customer's complaint is escalated.
    pub valuable_customer_minor: i64,
    /// An agent's gesture that takes a case's gestures above this (minor units) waits for a manager.
    pub gesture_agent_limit_minor: i64,
    /// An agent's gesture that takes their gestures this month above this waits for a manager.
    pub gesture_agent_monthly_limit_minor: i64,
    /// What gestures may cost in a calendar month (minor units); past it an agent's
    /// gesture waits for a manager.
    pub gesture_monthly_budget_minor: i64,
    /// The escalation ladder until an admin sets one (the business hours are `due.hours`).
    pub escalation: amends_domain::EscalationLadder,
    /// What the job queue and the alerts' clocks read as now.
    pub clock: Clock,
    /// The business's currency until an admin sets one (`business_settings`); None: not
    /// configured, the settings page asks.
    pub currency: Option<String>,
    /// The business's name as customers read it on every page and under every mail
    /// (the letterhead's, else the sender's display name).
    pub business_name: String,
    /// How customers reach the business (the letterhead's contact line, else the
    /// address mail comes from).
    pub business_contact: String,
    /// The business's own language (`[business] language`), for customers with none.
    pub business_language: amends_domain::Language,
}

impl Default for StoreSettings {
    fn default() -> Self {
        Self {
            due: DuePolicy::default(),
            valuable_customer_minor: 100_000,
            gesture_agent_limit_minor: 5_000,
            gesture_agent_monthly_limit_minor: 20_000,
            gesture_monthly_budget_minor: 50_000,
            escalation: amends_domain::EscalationLadder::default(),
            clock: Clock::default(),
            currency: None,
            business_name: String::new(),
            business_contact: String::new(),
            business_language: amends_domain::Language::English,
        }
    }
}

struct Inner {
    backend: Backend,
    /// Reads run concurrently on this pool.
    read: Pool,
    /// Writes go through this pool: one connection on SQLite, so writers queue in the
    /// process instead of racing for the database lock; the same pool as `read` on
    /// PostgreSQL.
    write: Pool,
    settings: StoreSettings,
    intake: tokio::sync::mpsc::Sender<intake::IntakeJob>,
    /// The due policy with the business hours in force, for pages that show due times
    /// (derived columns read the hours in their own transaction instead).
    policy: kept::Kept<DuePolicy>,
    /// The currency an admin set (`None` inside: none set, the configuration's counts).
    currency: kept::Kept<Option<String>>,
    tokens: staff::TokenMemory,
}

/// The handle every adapter uses. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl Store {
    /// Connects, applies the migrations, and starts the intake writer.
    pub async fn open(url: &str, settings: StoreSettings) -> Result<Store, StoreError> {
        let store = Self::connect(url, settings).await?;
        migrate::run(&store).await?;
        Ok(store)
    }

    /// Connects without migrating (for `amends migrate` and checks).
    pub async fn connect(url: &str, settings: StoreSettings) -> Result<Store, StoreError> {
        let backend = Backend::from_url(url)?;
        let (read, write) = match backend {
            Backend::Sqlite => {
                let path = db::sqlite_path(url).to_owned();
                let database = tokio::task::spawn_blocking(move || db::SqliteDatabase::open(&path, 8))
                    .await
                    .map_err(|e| StoreError::Corrupt(format!("opening the database failed: {e}")))??;
                (Pool::Sqlite(database.clone(), Side::Read), Pool::Sqlite(database, Side::Write))
            }
            Backend::Postgres => {
                let options = sqlx::postgres::PgConnectOptions::from_str(url)
                    .map_err(DbError::from)?
                    .statement_cache_capacity(512);
                let connections = db::PostgresConnections::open(options, 16).await?;
                (Pool::Postgres(connections.clone()), Pool::Postgres(connections))
            }
        };
        let (tx, rx) = tokio::sync::mpsc::channel(4096);
        let store = Store {
            inner: Arc::new(Inner {
                backend,
                read,
                write,
                settings,
                intake: tx,
                policy: Default::default(),
                currency: Default::default(),
                tokens: Default::default(),
            }),
        };
        let writer = store.clone_for_writer();
        match backend {
            // On SQLite the intake writer commits on a thread of its own: each commit waits
            // for the disk, and that wait must not hold one of the few threads that serve
            // requests. Its statements run there in place (nothing in them awaits I/O).
            Backend::Sqlite => {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_time()
                    .build()
                    .map_err(|e| StoreError::Corrupt(format!("the intake writer cannot start: {e}")))?;
                std::thread::Builder::new()
                    .name("amends-intake".into())
                    .spawn(move || runtime.block_on(intake::run_writer(writer, rx)))
                    .map_err(|e| StoreError::Corrupt(format!("the intake writer cannot start: {e}")))?;
            }
            Backend::Postgres => {
                tokio::spawn(intake::run_writer(writer, rx));
            }
        }
        Ok(store)
    }

    /// A handle for the intake writer: it holds the pools but not the channel's sender,
    /// so the writer stops once every other handle is dropped.
    fn clone_for_writer(&self) -> WriterHandle {
        WriterHandle {
            write: self.inner.write.clone(),
            settings: self.inner.settings.clone(),
            backend: self.inner.backend,
        }
    }

    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    pub fn settings(&self) -> &StoreSettings {
        &self.inner.settings
    }

    pub(crate) fn kept_policy(&self) -> &kept::Kept<DuePolicy> {
        &self.inner.policy
    }

    pub(crate) fn kept_currency(&self) -> &kept::Kept<Option<String>> {
        &self.inner.currency
    }

    pub(crate) fn read(&self) -> &Pool {
        &self.inner.read
    }

    pub(crate) fn write(&self) -> &Pool {
        &self.inner.write
    }

    /// True when the database answers and every migration is applied.
    pub async fn ready(&self) -> Result<bool, StoreError> {
        migrate::is_current(self).await
    }

    /// Waits for in-flight work and closes the connections.
    pub async fn close(&self) {
        self.inner.read.close().await;
        self.inner.write.close().await;
    }
}

#[derive(Clone)]
pub(crate) struct WriterHandle {
    write: Pool,
    backend: Backend,
    settings: StoreSettings,
}

pub(crate) fn millis(at: OffsetDateTime) -> i64 {
    (at.unix_timestamp_nanos() / 1_000_000) as i64
}

pub(crate) fn from_millis(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
