//! The `amends` binary's library half: configuration and start-up, shared by `main`
//! and the integration tests so that both start exactly the same app.

pub mod config;

use std::future::Future;

use amends_domain::Role;
use amends_store::Store;
use amends_web::{AppState, password};
use anyhow::Context;
use tokio::net::TcpListener;

pub use config::Settings;

/// The first admin made on an empty database, and their one-time password.
pub struct FirstAdmin {
    pub email: String,
    pub password: String,
}

/// Opens the store (migrating it), makes the first admin when there are no users, and
/// serves on `listener` until `shutdown` completes.
pub async fn launch(
    settings: &Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    on_first_admin: impl FnOnce(&FirstAdmin),
) -> anyhow::Result<()> {
    Desk::open(settings, on_first_admin).await?.serve(listener, shutdown).await
}

/// The desk opened but not yet serving: the tests take its store and job runner from
/// here, to run the queue themselves instead of waiting for the background runner.
pub struct Desk {
    settings: Settings,
    store: Store,
    spam: std::sync::Arc<amends_spam::SpamFilter>,
}

impl Desk {
    /// Opens the store (migrating it) and makes the first admin when there are no users.
    pub async fn open(settings: &Settings, on_first_admin: impl FnOnce(&FirstAdmin)) -> anyhow::Result<Self> {
        let store = open_store(settings).await?;
        if let Some(admin) = ensure_first_admin(&store, &settings.admin_email).await? {
            on_first_admin(&admin);
        }
        let spam = std::sync::Arc::new(settings.spam()?);
        Ok(Self { settings: settings.clone(), store, spam })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A runner of this desk's job queue, with the desk's job settings.
    pub fn runner(&self) -> amends_jobs::Runner {
        amends_jobs::Runner::new(self.store.clone(), self.settings.jobs.clone())
    }

    /// Serves on `listener` until `shutdown` completes; the job runner and the mailbox
    /// poller run beside it unless the settings leave the queue to the caller.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let Self { settings, store, spam } = self;
        // The built-in coaches are compiled now, not by the first complaint that needs one.
        for language in amends_domain::Language::ALL {
            amends_coach::Coach::shared(language.tag());
        }
        let mut state = AppState::new(store.clone(), settings.web(), settings.coach()?).with_spam(spam.clone());
        tracing::info!(address = %listener.local_addr()?, backend = store.backend().name(), "serving");
        // One signal stops both the web server and the job runner.
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let jobs = if settings.jobs.in_background {
            let runner_status = std::sync::Arc::new(amends_jobs::RunnerStatus::default());
            state = state.with_runner(runner_status.clone());
            let runner = amends_jobs::Runner::new(store.clone(), settings.jobs.clone());
            Some(tokio::spawn(runner.supervise(stop_rx.clone(), runner_status)))
        } else {
            None
        };
        let mailbox = settings.imap.clone().map(|(imap, interval)| {
            let mut stop = stop_rx.clone();
            tokio::spawn(amends_jobs::ingest::poll_mailbox(store.clone(), imap, interval, spam.clone(), async move {
                let _ = stop.wait_for(|stop| *stop).await;
            }))
        });
        let served = amends_web::serve(listener, state, async move {
            shutdown.await;
            let _ = stop_tx.send(true);
        })
        .await;
        if let Some(jobs) = jobs {
            let _ = jobs.await;
        }
        if let Some(mailbox) = mailbox {
            let _ = mailbox.await;
        }
        store.close().await;
        served.context("serving HTTP")
    }
}

pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url()?;
    Store::open(&url, settings.store_settings())
        .await
        .with_context(|| format!("opening the database at {}", redact(&url)))
}

/// Hides a password in a database URL before it is shown or logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

pub async fn ensure_first_admin(store: &Store, email: &str) -> anyhow::Result<Option<FirstAdmin>> {
    if store.count_users().await? > 0 {
        return Ok(None);
    }
    let password = password::generate_password();
    let hash = password::hash_password(password.clone()).await?;
    match store.create_user(email, "Administrator", Role::Admin, &hash).await {
        Ok(_) => Ok(Some(FirstAdmin { email: email.to_owned(), password })),
        // Another instance made it first.
        Err(amends_store::StoreError::Conflict { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}
