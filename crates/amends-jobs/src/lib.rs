//! The background work of `amends serve`: it claims jobs from the store's queue and
//! runs them. Jobs tell customers about their case (an acknowledgement, the
//! restatement to confirm, the apology, the two options, the fix, the follow-up), each
//! with a personal link where one is needed, and send the outbox over SMTP.
//!
//! A job is claimed with a lease; a job that fails for a passing reason is retried with
//! backoff, one that can never succeed is failed and says why. A message is marked sent
//! in the same transaction that completes its job, so a restart never sends it again.
//! Nothing here speaks HTTP; the web layer only verifies the links made here.

mod alerts;
mod ideas;
pub mod ingest;
pub mod messages;
mod notify;
mod promises;
pub mod webhook;

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration as StdDuration;

use amends_mail::{OutgoingMail, SendError, SmtpSettings, build_message};
use amends_store::{EmailRecord, Job, JobRecord, JobsToClaim, NewEmail, Store, StoreError, secret};
use time::Duration;
use tokio::sync::watch;

pub use notify::{Notifier, customer_language, render_message};

#[derive(Debug, Clone)]
pub struct JobSettings {
    /// Where customers' links point, e.g. `https://desk.example.com`.
    pub public_url: String,
    /// The sender of customer mail, e.g. `"Café Weber <desk@cafe.example>"`.
    pub from: String,
    /// The domain of the Message-IDs the desk makes.
    pub message_domain: String,
    /// None: messages wait in the outbox until SMTP is configured.
    pub smtp: Option<SmtpSettings>,
    /// How long a personal link works.
    pub link_ttl: Duration,
    /// The closing words of the messages ("With my apologies, and my thanks,"). Under
    /// them a message names the person who wrote it and the business (`sign_off`); a
    /// name configured after the closing line is not used.
    pub signature: String,
    /// The business's name under a person's signature (a reply is signed by whoever
    /// wrote it, then this). Empty: the display name of `from`.
    pub business_name: String,
    /// The business's phone number, printed on notices by letter as a way back besides
    /// the short code. Empty: none is printed.
    pub phone: String,
    pub poll_interval: StdDuration,
    pub worker_id: String,
    /// The first wait before a failed job runs again; it doubles with each attempt.
    pub retry_base: StdDuration,
    /// Deliver webhooks to loopback, private and link-local addresses too (a receiver
    /// on the premises). Off: such targets are refused, checked after DNS resolution.
    pub webhook_private_targets: bool,
    /// `serve` runs the queue in the background (always, in production). Off, the
    /// caller runs it (`Runner::run_until_idle`): the tests do, so that they wait on
    /// the queue and move the clock instead of sleeping.
    pub in_background: bool,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".to_owned(),
            from: "Amends <desk@amends.local>".to_owned(),
            message_domain: "amends.local".to_owned(),
            smtp: None,
            link_ttl: Duration::days(14),
            signature: "With my apologies, and my thanks,".to_owned(),
            business_name: String::new(),
            phone: String::new(),
            poll_interval: StdDuration::from_millis(500),
            // Unique per runner, so that two instances in one process never share a lease.
            worker_id: format!("worker-{}-{}", std::process::id(), amends_store::secret::random_hex(4)),
            retry_base: StdDuration::from_secs(10),
            webhook_private_targets: false,
            in_background: true,
        }
    }
}

impl JobSettings {
    /// How a message is signed: see [`sign_off`].
    pub fn sign_off(&self, writer: &str, business: &str) -> String {
        sign_off(&self.signature, writer, business)
    }

    /// How a message to a reader of `language` is signed: see [`sign_off`] and
    /// [`JobSettings::closing_in`].
    pub fn sign_off_in(&self, language: amends_domain::Language, writer: &str, business: &str) -> String {
        sign_off(&self.closing_in(language), writer, business)
    }

    /// The closing words in `language`: the configured `signature` is the business's
    /// own English; in another language, and when none is configured, the closing is
    /// the language's message (`mail-closing`).
    pub fn closing_in(&self, language: amends_domain::Language) -> String {
        closing(&self.signature, language)
    }

    /// The business's name as a reply is signed with: `business_name`, or the display
    /// name of `from` (`"Café Weber" <desk@cafe.example>` is Café Weber), or its domain.
    pub fn business(&self) -> String {
        if !self.business_name.trim().is_empty() {
            return self.business_name.trim().to_owned();
        }
        match self.from.split_once('<') {
            Some((name, _)) if !name.trim().trim_matches('"').trim().is_empty() => {
                name.trim().trim_matches('"').trim().to_owned()
            }
            _ => self.message_domain.clone(),
        }
    }
}

/// The closing words of a message in `language`: the `configured` signature is the
/// business's own English; in another language, and when none is configured, the
/// language's message (`mail-closing`).
pub fn closing(configured: &str, language: amends_domain::Language) -> String {
    if language == amends_domain::Language::English && !configured.trim().is_empty() {
        configured.to_owned()
    } else {
        amends_i18n::text(language, "mail-closing")
    }
}

/// How a message to a customer is signed: the closing words, the person who wrote it
/// (none for one the desk sends by itself with no owner), and the business. The
/// closing is the configured `signature` up to and including its first line ending in
/// a comma (else all but its last line): a team's name after it is dropped, as people
/// sign, not a default.
pub fn sign_off(signature: &str, writer: &str, business: &str) -> String {
    let lines: Vec<&str> = signature.lines().map(str::trim_end).filter(|l| !l.trim().is_empty()).collect();
    let closing = match lines.iter().position(|l| l.ends_with(',')) {
        Some(last) => &lines[..=last],
        // No comma to go by: a last line under others is taken for a name.
        None if lines.len() > 1 => &lines[..lines.len() - 1],
        None => &lines[..],
    };
    let closing = if closing.is_empty() { "With my apologies, and my thanks,".to_owned() } else { closing.join("\n") };
    [closing.as_str(), writer.trim(), business.trim()]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Try again later.
    #[error("{0}")]
    Retry(String),
    /// It will never succeed; keep it with this reason.
    #[error("{0}")]
    Fail(String),
}

impl From<StoreError> for JobError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => JobError::Fail(format!("{what} not found")),
            other => JobError::Retry(other.to_string()),
        }
    }
}

/// What `/readyz` and `/metrics` tell of the runner: whether it runs, how often it
/// had to be started again, and whether it sends mail.
#[derive(Debug, Default)]
pub struct RunnerStatus {
    running: AtomicBool,
    restarts: AtomicU64,
    sending: AtomicBool,
}

impl RunnerStatus {
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::Relaxed)
    }

    pub fn restarts(&self) -> u64 {
        self.restarts.load(Ordering::Relaxed)
    }

    /// False while no SMTP server is configured: mail waits in the outbox.
    pub fn is_sending(&self) -> bool {
        self.sending.load(Ordering::Relaxed)
    }
}

/// How many times a job runs before it is failed for good.
const MAX_ATTEMPTS: i64 = 12;
/// Jobs claimed at once; each is run in turn.
const BATCH: i64 = 16;
/// How long the runner waits after a batch that was not full before claiming again:
/// short beside what a customer notices of an acknowledgement, long beside a commit.
const GATHER: StdDuration = StdDuration::from_millis(20);
/// How long a claimed job is ours before another runner may take it.
const LEASE: Duration = Duration::minutes(5);

#[derive(Clone)]
pub struct Runner {
    store: Store,
    settings: JobSettings,
    notifier: Notifier,
    http: reqwest::Client,
}

impl Runner {
    pub fn new(store: Store, settings: JobSettings) -> Self {
        let notifier = Notifier::new(store.clone(), settings.clone());
        let http = webhook::client(settings.webhook_private_targets);
        Self { store, settings, notifier, http }
    }

    /// Starts the recurring sweep of overdue steps unless one already waits.
    pub async fn start_sweeps(&self) -> Result<(), StoreError> {
        let now = self.store.now();
        self.store.ensure_recurring_job(&Job::EscalationSweep {}, now, now).await
    }

    /// Runs the runner until `stop` turns true, starting it again should it ever stop
    /// on its own (a panic outside any one job): without it no mail, alert or webhook
    /// would leave while the web side still looked healthy. `status` says which.
    pub async fn supervise(self, stop: watch::Receiver<bool>, status: Arc<RunnerStatus>) {
        status.sending.store(self.settings.smtp.is_some(), Ordering::Relaxed);
        loop {
            status.running.store(true, Ordering::Relaxed);
            let outcome = tokio::spawn(self.clone().run(stop.clone())).await;
            status.running.store(false, Ordering::Relaxed);
            match outcome {
                Ok(()) => return,
                Err(e) => {
                    status.restarts.fetch_add(1, Ordering::Relaxed);
                    tracing::error!(error = %e, "the job runner stopped unexpectedly; starting it again");
                }
            }
            if *stop.borrow() {
                return;
            }
            tokio::time::sleep(StdDuration::from_secs(1)).await;
        }
    }

    /// Runs jobs until `stop` turns true. The job in hand is finished first; the rest of
    /// the claimed batch is released for whoever runs next.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        if self.settings.smtp.is_none() {
            tracing::warn!("no SMTP server is configured: customer mail waits in the outbox until one is");
        }
        if let Err(e) = self.start_sweeps().await {
            // The next start tries again; meanwhile overdue steps wait for it.
            tracing::warn!(error = %e, "could not start the sweep of overdue steps");
        }
        while !*stop.borrow() {
            let ran = match self.run_due(Some(&stop)).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "could not claim jobs; trying again shortly");
                    0
                }
            };
            // Idle: wait the poll interval. A batch that was not full: wait a moment, so
            // that the next claim takes the jobs of several new cases at once. Claiming
            // and ending a batch are a commit each, and each commit waits for the disk
            // beside intake's: without the pause, a steady trickle of complaints paid
            // two more disk flushes each, one batch per case.
            let pause = match ran {
                0 => self.settings.poll_interval,
                n if n < BATCH as usize => GATHER.min(self.settings.poll_interval),
                _ => continue,
            };
            tokio::select! {
                _ = stop.wait_for(|stop| *stop) => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        match self.store.release_jobs(&self.settings.worker_id).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "released the claimed jobs not yet run"),
            // Their lease runs out and another runner takes them then.
            Err(e) => tracing::warn!(error = %e, "could not release the claimed jobs"),
        }
    }

    /// Claims and runs one batch of due jobs, until `stop` (if any) turns true; returns
    /// how many ran.
    pub async fn run_due(&self, stop: Option<&watch::Receiver<bool>>) -> Result<usize, StoreError> {
        let which = if self.settings.smtp.is_some() { JobsToClaim::All } else { JobsToClaim::AllButSending };
        let jobs = self.store.claim_jobs(&self.settings.worker_id, LEASE, BATCH, which).await?;
        let mut ran = 0;
        let mut finished = Vec::new();
        let mut messages = Vec::new();
        for job in &jobs {
            if stop.is_some_and(|stop| *stop.borrow()) {
                break;
            }
            match self.run_one(job).await {
                Some(Done::Finished) => finished.push(job.id),
                Some(Done::Queued(message)) => messages.push((job.id, *message)),
                Some(Done::Completed) | None => {}
            }
            ran += 1;
        }
        // The batch's messages are queued, and its jobs completed, in one transaction:
        // a commit each would wait for the disk once a job. Should the server die before
        // it, they run again when their lease ends, as a job killed mid-run would.
        match self.store.end_job_batch(&messages, &finished, &self.settings.worker_id).await {
            Ok(refused) => {
                for (id, e) in refused {
                    if let Some(job) = jobs.iter().find(|job| job.id == id) {
                        let why = format!("the message could not be stored: {e}");
                        self.record_failure(job, JobError::Retry(why)).await;
                    }
                }
            }
            Err(e) => {
                tracing::warn!(jobs = finished.len() + messages.len(), error = %e, "could not record the jobs' outcome")
            }
        }
        Ok(ran)
    }

    /// Runs due jobs until none is left: for a test or a tool that drains the queue
    /// instead of waiting on the poll interval.
    pub async fn run_until_idle(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let n = self.run_due(None).await?;
            if n == 0 {
                return Ok(total);
            }
            total += n;
        }
    }

    /// Runs one job: what it did, for its batch to end, or None when it failed and that
    /// is recorded already.
    async fn run_one(&self, job: &JobRecord) -> Option<Done> {
        let runner = self.clone();
        let claimed = job.clone();
        match guarded(async move { runner.dispatch(&claimed).await }).await {
            Ok(done) => Some(done),
            Err(e) => {
                self.record_failure(job, e).await;
                None
            }
        }
    }

    /// Puts a failed job back to run again later, or keeps it as failed for good once
    /// it has been tried often enough or can never succeed.
    async fn record_failure(&self, job: &JobRecord, error: JobError) {
        let worker = &self.settings.worker_id;
        let outcome = match error {
            JobError::Retry(reason) if job.attempts < MAX_ATTEMPTS => {
                let base = Duration::try_from(self.settings.retry_base).unwrap_or(Duration::seconds(10));
                let wait = base * (1_i32 << job.attempts.clamp(0, 9));
                tracing::info!(job = job.id, kind = %job.kind, attempt = job.attempts, %reason, "job will be retried");
                self.store.retry_job(job.id, worker, &reason, self.store.now() + wait).await
            }
            JobError::Retry(reason) | JobError::Fail(reason) => {
                tracing::warn!(job = job.id, kind = %job.kind, %reason, "job failed for good");
                self.store.fail_job(job.id, worker, &reason).await
            }
        };
        if let Err(e) = outcome {
            // The lease runs out and the job is claimed again: nothing is lost.
            tracing::warn!(job = job.id, error = %e, "could not record a job's outcome");
        }
    }

    async fn dispatch(&self, record: &JobRecord) -> Result<Done, JobError> {
        // A row that names no job, or whose payload does not fit its kind, fails alone.
        let job = record.job.as_ref().map_err(|why| JobError::Fail(why.clone()))?;
        let done = |completed: bool| if completed { Done::Completed } else { Done::Finished };
        let queued = |message: Option<NewEmail>| message.map_or(Done::Finished, |m| Done::Queued(Box::new(m)));
        match *job {
            Job::SendEmail { outbox_id } => self.send_email(record, outbox_id).await,
            // A job that writes a message has it queued, and is completed, as its batch ends.
            Job::Acknowledge { case_id } => self.notifier.acknowledge(case_id).await.map(queued),
            Job::CaseEvent { case_id, event_id } => self.notifier.case_event(case_id, event_id).await.map(queued),
            Job::FollowUpDue { case_id, event_id } => self.notifier.follow_up_due(case_id, event_id).await.map(queued),
            Job::PromiseDueSoon { case_id, event_id } => {
                promises::check(&self.store, case_id, event_id, false).await.map(|_| Done::Finished)
            }
            Job::PromiseDue { case_id, event_id } => {
                promises::check(&self.store, case_id, event_id, true).await.map(|_| Done::Finished)
            }
            Job::Webhook { delivery_id } => {
                let gave_up = record.attempts >= MAX_ATTEMPTS;
                webhook::deliver(&self.store, &self.http, self.settings.webhook_private_targets, delivery_id, gave_up)
                    .await
                    .map(|_| Done::Finished)
            }
            Job::RecurrenceCheck { case_id } => {
                self.store.check_recurrence(case_id).await.map(|_| Done::Finished).map_err(Into::into)
            }
            Job::ScheduledMessage { case_id, event_id } => self
                .notifier
                .scheduled_message(case_id, event_id, (record.id, self.settings.worker_id.as_str()))
                .await
                .map(|()| Done::Completed),
            Job::DisclosureSend { disclosure_id } => {
                self.notifier.disclosure_notices(disclosure_id).await.map(|_| Done::Finished)
            }
            Job::CallListDue { disclosure_id } => {
                self.store.call_list_due(disclosure_id).await.map(|_| Done::Finished).map_err(Into::into)
            }
            Job::IdeaWanted { problem_id, ref user_ids } => {
                let job = (record.id, self.settings.worker_id.as_str());
                let queued = ideas::mail(&self.store, &self.settings, problem_id, user_ids, job).await?;
                Ok(done(queued))
            }
            Job::StaffAlert(ref alert) => {
                let queued =
                    alerts::mail(&self.store, &self.settings, alert, (record.id, &self.settings.worker_id)).await?;
                Ok(done(queued))
            }
            Job::EscalationSweep {} => {
                // The next sweep is queued first, so a failing one never stops the clock.
                let now = self.store.now();
                self.store.ensure_recurring_job(&Job::EscalationSweep {}, now, now + alerts::SWEEP_EVERY).await?;
                alerts::sweep(&self.store).await.map(|_| Done::Finished)
            }
        }
    }

    async fn send_email(&self, job: &JobRecord, outbox_id: i64) -> Result<Done, JobError> {
        let email = self.store.email(outbox_id).await?;
        if email.status == amends_domain::MessageStatus::Sent {
            return Ok(Done::Finished);
        }
        let Some(smtp) = &self.settings.smtp else {
            return Err(JobError::Retry("no SMTP server is configured; the message waits in the outbox".into()));
        };
        let (text, html) = self.with_live_link(&email).await?;
        let mail = OutgoingMail {
            to_email: email.to_email.clone(),
            to_name: email.to_name.clone(),
            subject: email.subject.clone(),
            text,
            html,
            message_id: email.message_id.clone(),
            in_reply_to: email.in_reply_to.clone(),
            references: email.in_reply_to.iter().cloned().collect(),
            reply_to: None,
        };
        let raw = match build_message(&mail, &self.settings.from) {
            Ok(raw) => raw,
            Err(e) => {
                // It will never build: it fails alone, and staff see why on the case.
                let why = format!("the message could not be built: {e}");
                self.notifier.tell_staff_undeliverable(&email, &why).await;
                self.store.mark_email_attempt(email.id, &why, true).await?;
                return Err(JobError::Fail(why));
            }
        };
        let envelope_from = envelope_address(&self.settings.from);
        match amends_mail::send(smtp, &envelope_from, &email.to_email, &raw).await {
            Ok(()) => {
                self.store.mark_email_sent(email.id, job.id, &self.settings.worker_id).await?;
                Ok(Done::Completed)
            }
            Err(e @ SendError::Permanent { .. }) => {
                // Staff hear of it on the case before the message shows as failed.
                self.notifier.tell_staff_undeliverable(&email, &e.to_string()).await;
                self.store.mark_email_attempt(email.id, &e.to_string(), true).await?;
                Err(JobError::Fail(e.to_string()))
            }
            Err(e) => {
                let gave_up = job.attempts >= MAX_ATTEMPTS;
                self.store.mark_email_attempt(email.id, &e.to_string(), gave_up).await?;
                Err(JobError::Retry(e.to_string()))
            }
        }
    }

    /// The message's text and HTML as they leave: a masked personal link (a customer's,
    /// or a staff invitation's) gets a token
    /// made now, whose hash is kept before anything is sent. Each attempt makes its own
    /// token, all opening the same link, so a message delivered twice (a crash between
    /// the mail server's acceptance and our record of it) works from either copy.
    async fn with_live_link(&self, email: &EmailRecord) -> Result<(String, Option<String>), JobError> {
        if !secret::has_masked_link(&email.text_body)
            && !email.html_body.as_ref().is_some_and(|h| secret::has_masked_link(h))
        {
            return Ok((email.text_body.clone(), email.html_body.clone()));
        }
        let token = secret::random_hex(32);
        self.store.add_link_token(email.id, &secret::secret_hash(&token)).await?;
        let live = |kept: &str| secret::unmask_link(kept, &token);
        Ok((live(&email.text_body), email.html_body.as_deref().map(live)))
    }
}

/// Runs one job's work in a task of its own, so that a panic in it (a bug, or a
/// library asserting on input we did not foresee) fails that job instead of ending
/// the runner and with it all mail.
async fn guarded<F>(work: F) -> Result<Done, JobError>
where
    F: Future<Output = Result<Done, JobError>> + Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(result) => result,
        Err(e) => {
            let why = match e.try_into_panic() {
                Ok(panic) => panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".to_owned()),
                Err(e) => e.to_string(),
            };
            Err(JobError::Fail(format!("the job stopped with an internal error ({why})")))
        }
    }
}

enum Done {
    /// The job is done without a write of its own: its batch completes it.
    Finished,
    /// The job was completed inside the work itself (sending, with marking the message sent).
    Completed,
    /// The job wrote this message: its batch queues it and completes the job together.
    Queued(Box<NewEmail>),
}

/// `"Name <a@b>"` → `a@b`.
fn envelope_address(from: &str) -> String {
    match (from.find('<'), from.rfind('>')) {
        (Some(a), Some(b)) if a < b => from[a + 1..b].trim().to_owned(),
        _ => from.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_message_is_signed_by_its_writer_and_the_business_not_a_default_name() {
        let signed = |signature: &str| super::sign_off(signature, "Mia Schmidt", "Café Weber");
        let expected = "With my apologies, and my thanks,\nMia Schmidt\nCafé Weber";
        assert_eq!(signed("With my apologies, and my thanks,\nThe team"), expected);
        assert_eq!(signed("With my apologies, and my thanks,"), expected);
        assert_eq!(signed("Warm wishes\nThe team at Café Weber"), "Warm wishes\nMia Schmidt\nCafé Weber");
        assert_eq!(signed(""), expected);
        assert_eq!(super::sign_off("Kind regards,", "", "Café Weber"), "Kind regards,\nCafé Weber");
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone() {
        let failed = super::guarded(async { panic!("lettre said no") }).await;
        assert!(
            matches!(&failed, Err(super::JobError::Fail(why)) if why.contains("lettre said no")),
            "the panic fails the job with its message"
        );
        let next = super::guarded(async { Ok(super::Done::Finished) }).await;
        assert!(matches!(next, Ok(super::Done::Finished)), "the next job runs as usual");
    }

    #[test]
    fn envelope_from_a_display_address() {
        assert_eq!(super::envelope_address("Café <desk@cafe.example>"), "desk@cafe.example");
        assert_eq!(super::envelope_address("desk@cafe.example"), "desk@cafe.example");
    }
}
