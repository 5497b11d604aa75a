//! Intake: a new complaint becomes a case, durably, with group commit.
//!
//! One writer task takes every intake waiting in its queue, stores them all in one
//! transaction (each inside its own savepoint, so one bad request fails alone), commits,
//! and only then answers each caller. A commit costs a disk flush; sharing it among
//! many complaints is what makes durable intake fast, without weakening durability.

use amends_domain::playbook::{Actor, CaseStatus, Event, EventKind, Playbook, Step};
use amends_domain::serious::{Assessment, IntakeSigns, SeriousKind, WordSign, assess};
use amends_domain::{CaseReference, Channel, Complaint, DuePolicy, Language, Role, Severity};
use time::{Duration, OffsetDateTime};
use tokio::sync::{mpsc, oneshot};

use crate::cases::{CaseRecord, EventRecord};
use crate::customers::{NewCustomer, insert_customer, lifetime_value};
use crate::db::{self, Conn};
use crate::jobs::Job;
use crate::step::insert_event;
use crate::{Store, StoreError, WriterHandle, millis};

mod together;

/// Most complaints committed together; bounds the time a batch holds the write lock.
const MAX_BATCH: usize = 256;

#[derive(Debug, Clone)]
pub enum CustomerRef {
    Existing(i64),
    /// Found by email, then external id; created when neither matches.
    Details(NewCustomer),
}

#[derive(Debug, Clone)]
pub struct NewCase {
    pub customer: CustomerRef,
    pub channel: Channel,
    /// The severity staff chose; None lets intake decide it from the words and the
    /// customer's history (a serious case is raised).
    pub severity: Option<Severity>,
    pub subject: Option<String>,
    pub body: Complaint,
    pub wish: Option<String>,
    pub order_ref: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub actor: Actor,
    /// Send the customer an acknowledgement. Off for mail taken from the past (an
    /// import or a backfill), which must never be answered.
    pub acknowledge: bool,
    pub attachments: Vec<crate::NewAttachment>,
    /// The email this case came from, recorded with it so it is taken only once.
    pub inbound: Option<crate::InboundRef>,
    /// The spam filter held it: the case opens in the spam folder, unacknowledged.
    pub spam: Option<SpamHeld>,
    /// A disclosure's recipient said the problem affected them: the case is theirs
    /// alone (a constraint), and carries the problem.
    pub answers_notice: Option<NoticeAnswer>,
    /// The language the customer chose, or that their mail is in: stored on them, and
    /// the triage rules read their words in it.
    pub language: Option<LanguageSaid>,
}

/// How a new case says the customer's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LanguageSaid {
    /// They picked it (on the complaint form): it is theirs from now on.
    Chosen(Language),
    /// Their mail says or shows it (a header, the words): it is taken only while
    /// none is stored for them, never over their own choice.
    Heard(Language),
}

impl LanguageSaid {
    pub fn language(self) -> Language {
        match self {
            LanguageSaid::Chosen(l) | LanguageSaid::Heard(l) => l,
        }
    }
}

/// Stores the language a new case says on its customer, as [`LanguageSaid`] allows.
pub(crate) async fn keep_language(
    conn: &mut Conn,
    customer_id: i64,
    said: Option<LanguageSaid>,
) -> Result<(), StoreError> {
    let sql = match said {
        None => return Ok(()),
        Some(LanguageSaid::Chosen(_)) => "UPDATE customers SET language = $1 WHERE id = $2",
        Some(LanguageSaid::Heard(_)) => "UPDATE customers SET language = $1 WHERE id = $2 AND language IS NULL",
    };
    let tag = said.map(|s| s.language().tag()).unwrap_or_default();
    db::query(sql).bind(tag).bind(customer_id).execute(&mut *conn).await?;
    Ok(())
}

/// The notice a new case answers.
#[derive(Debug, Clone, Copy)]
pub struct NoticeAnswer {
    pub recipient_id: i64,
    pub problem_id: i64,
}

/// Why the spam filter held a new case.
#[derive(Debug, Clone)]
pub struct SpamHeld {
    pub score: u32,
    pub reason: String,
}

pub(crate) struct IntakeJob {
    case: NewCase,
    /// The coach's signs in the words and the severity they suggest, read before the
    /// job is queued: the one writer only stores, so no request waits behind another's
    /// reading.
    words: Vec<WordSign>,
    suggested: Severity,
    reply: oneshot::Sender<Result<(CaseRecord, EventRecord), StoreError>>,
}

impl Store {
    /// Stores a new case; returns once it is committed.
    pub async fn open_case(&self, case: NewCase) -> Result<(CaseRecord, EventRecord), StoreError> {
        let (reply, answer) = oneshot::channel();
        let (words, suggested) = word_signs(case.body.as_str(), case.language);
        self.inner
            .intake
            .send(IntakeJob { case, words, suggested, reply })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        answer.await.map_err(|_| StoreError::WriterStopped)?
    }
}

pub(crate) async fn run_writer(store: WriterHandle, mut queue: mpsc::Receiver<IntakeJob>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        write_batch(&store, &mut batch).await;
        batch.clear();
    }
}

type Stored = (CaseRecord, EventRecord);

async fn write_batch(store: &WriterHandle, batch: &mut Vec<IntakeJob>) {
    let mut outcome = write_with(store, batch, Way::Together).await;
    if let Err(e) = &outcome
        && !e.is_temporary()
    {
        // Something in the batch broke a constraint (a customer created by another
        // instance meanwhile, say). Nothing of it was stored; take it again one case at a
        // time, so that only the bad one fails.
        tracing::debug!(error = %e, cases = batch.len(), "intake batch retried case by case");
        outcome = write_with(store, batch, Way::OneByOne).await;
    }
    match outcome {
        Ok(results) => {
            for (job, result) in batch.drain(..).zip(results) {
                // The caller may have gone (client hung up); the case is stored anyway.
                let _ = job.reply.send(result);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, cases = batch.len(), "intake batch failed; nothing in it was stored");
            let temporary = e.is_temporary();
            for job in batch.drain(..) {
                let err = if temporary {
                    StoreError::WriterStopped
                } else {
                    StoreError::Corrupt(format!("intake failed: {e}"))
                };
                let _ = job.reply.send(Err(err));
            }
        }
    }
}

#[derive(Clone, Copy)]
enum Way {
    /// A few multi-row statements for the whole batch: the common, fast way.
    Together,
    /// A savepoint and a dozen statements per case, so one bad case fails alone.
    OneByOne,
}

async fn write_with(
    store: &WriterHandle,
    batch: &[IntakeJob],
    way: Way,
) -> Result<Vec<Result<Stored, StoreError>>, StoreError> {
    // On SQLite the batch takes the write lock at once (`Pool::begin`).
    let mut tx = store.write.begin().await?;
    let now = store.settings.clock.now();
    // One read of the business hours serves the whole batch.
    let policy = crate::hours::policy_in(&mut tx, &store.settings.due).await?;
    let results = match way {
        Way::Together => together::store_together(store, &policy, &mut tx, batch, now).await?,
        Way::OneByOne => {
            let mut results = Vec::with_capacity(batch.len());
            for job in batch {
                let mut savepoint = tx.savepoint().await?;
                match insert_case(store, &policy, &mut savepoint, job, now).await {
                    Ok(done) => {
                        savepoint.commit().await?;
                        results.push(Ok(done));
                    }
                    Err(e) => {
                        savepoint.rollback().await?;
                        results.push(Err(e));
                    }
                }
            }
            results
        }
    };
    tx.commit().await?;
    Ok(results)
}

/// A new case before it has an id: its first event and the columns derived from it.
struct Opening {
    /// How serious it is, and why.
    assessment: Assessment,
    event: Event,
    /// Held in the spam folder as it arrives: the event that says so.
    held: Option<Event>,
    status: CaseStatus,
    next: Option<(Step, OffsetDateTime)>,
    escalation_required: bool,
}

/// The triage rules of the complaint's words in `language` (the coach's, rules as
/// data): the built-in coach the desk reviews with too, compiled once.
fn coach(language: Language) -> &'static amends_coach::Coach {
    amends_coach::Coach::shared(language.tag())
}

/// The coach's signs in the complaint, as the domain weighs them, and the severity the
/// words alone suggest: read in the language the customer gave, else the one the words
/// are written in.
fn word_signs(body: &str, said: Option<LanguageSaid>) -> (Vec<WordSign>, Severity) {
    use amends_coach::ReasonKind;
    let triage = triage(body, said);
    let suggested = severity(triage.severity);
    let signs = triage
        .reasons
        .into_iter()
        .map(|r| WordSign {
            kind: match r.kind {
                ReasonKind::Safety => Some(SeriousKind::Safety),
                ReasonKind::Health => Some(SeriousKind::Health),
                ReasonKind::Allergy => Some(SeriousKind::Allergy),
                ReasonKind::Child => Some(SeriousKind::Child),
                ReasonKind::LegalThreat => Some(SeriousKind::LegalThreat),
                // A repeat is the customer's history, not a word ("again"); a strong
                // feeling is answered, not escalated.
                ReasonKind::Repeat | ReasonKind::StrongEmotion => None,
            },
            words: r.words,
            why: r.why,
            start: r.start,
            end: r.end,
            severity: severity(r.severity),
            amplifies: r.amplifies,
        })
        .collect();
    (signs, suggested)
}

/// The severity the words of a complaint alone suggest, as intake keeps it with the case
/// (`suggested_severity`): for a case stored before it was kept, and for data made
/// outside intake (the bench's seeded cases) to look like what intake writes.
pub fn suggested_severity(body: &str, said: Option<LanguageSaid>) -> Severity {
    severity(triage(body, said).severity)
}

/// Fills in the severity intake keeps (`suggested_severity`) for the cases stored before
/// it kept one (migration 28), read in their customer's language as intake would: a
/// case without it reads its words again every time it is shown. A thousand cases a
/// statement, in the migration's transaction.
pub(crate) async fn keep_suggested_severity(conn: &mut Conn) -> Result<(), StoreError> {
    let mut after = 0_i64;
    loop {
        let rows = db::query(
            "SELECT c.id, c.body, cu.language FROM cases c JOIN customers cu ON cu.id = c.customer_id
             WHERE c.suggested_severity IS NULL AND c.id > $1 ORDER BY c.id LIMIT 1000",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last.try_get(0)?;
        for row in &rows {
            let language: Option<String> = row.try_get(2)?;
            let said = language.as_deref().and_then(Language::from_tag).map(LanguageSaid::Chosen);
            let severity = suggested_severity(&row.try_get::<String, _>(1)?, said);
            db::query("UPDATE cases SET suggested_severity = $1 WHERE id = $2")
                .bind(severity.as_str())
                .bind(row.try_get::<i64, _>(0)?)
                .execute(&mut *conn)
                .await?;
        }
    }
}

/// The coach's triage of a complaint, read in the language the customer gave, else the
/// one of ours the words are more likely in.
fn triage(body: &str, said: Option<LanguageSaid>) -> amends_coach::Triage {
    // Only the rules are chosen here, between our own languages, so the cheaper
    // [`Language::likely`] serves (119,000 instructions a complaint against 287,000 for
    // `detect`, which weighs a dozen neighbours to be sure before writing to a customer
    // in a language; a text in none of ours reads with English rules either way).
    let language = said.map(LanguageSaid::language).unwrap_or_else(|| Language::likely(body));
    coach(language).triage(body)
}

fn severity(s: amends_coach::CaseSeverity) -> Severity {
    match s {
        amends_coach::CaseSeverity::Low => Severity::Low,
        amends_coach::CaseSeverity::Normal => Severity::Normal,
        amends_coach::CaseSeverity::High => Severity::High,
        amends_coach::CaseSeverity::Critical => Severity::Critical,
    }
}

/// The alert to managers of a serious new case.
fn manager_alert(case_id: i64, assessment: &Assessment) -> crate::alerts::StaffAlert {
    let reference = CaseReference(case_id);
    let why: Vec<String> =
        assessment.reasons.iter().map(|r| format!("- {} (“{}”): {}", r.kind.title(), r.words, r.why)).collect();
    crate::alerts::StaffAlert {
        case_id,
        subject: format!("{reference} is serious ({}): a manager takes it", assessment.severity),
        text: format!("A new complaint, {reference}, was flagged at intake:\n\n{}", why.join("\n")),
        to: crate::alerts::AlertTo { role: Some(Role::Manager), ..Default::default() },
    }
}

fn opening(
    store: &WriterHandle,
    policy: &DuePolicy,
    new: &NewCase,
    words: &[WordSign],
    now: OffsetDateTime,
    recent_cases: i64,
    value: Option<(i64, String)>,
) -> Opening {
    let assessment = assess(IntakeSigns {
        staff_severity: new.severity,
        words,
        earlier_cases: recent_cases,
        lifetime_value: value.as_ref().map(|(v, c)| (*v, c.as_str())),
        valuable_customer_minor: store.settings.valuable_customer_minor,
    });
    let event = Event {
        at: now,
        actor: new.actor,
        kind: EventKind::Opened {
            channel: new.channel,
            severity: assessment.severity,
            escalate_because: assessment.escalate_because.clone(),
        },
    };
    let held = new.spam.as_ref().map(|h| Event {
        at: now,
        actor: Actor::System,
        kind: EventKind::MarkedSpam {
            score: h.score,
            reason: h.reason.clone(),
            acknowledge_on_release: new.acknowledge,
        },
    });
    let playbook = Playbook::replay(std::iter::once(&event).chain(held.as_ref()));
    Opening {
        assessment,
        status: playbook.status(policy),
        next: playbook.next_step(policy),
        escalation_required: playbook.escalation_required(),
        event,
        held,
    }
}

fn record(job: &IntakeJob, id: i64, customer: (i64, String), opening: &Opening, now: OffsetDateTime) -> CaseRecord {
    let new = &job.case;
    CaseRecord {
        id,
        reference: amends_domain::CaseReference(id).to_string(),
        customer_id: customer.0,
        customer_name: customer.1,
        channel: new.channel,
        severity: opening.assessment.severity,
        category: new.category.clone(),
        tags: new.tags.clone(),
        subject: new.subject.clone(),
        body: new.body.as_str().to_owned(),
        wish: new.wish.clone(),
        order_ref: new.order_ref.clone(),
        owner_id: None,
        problem_id: None,
        status: opening.status,
        next_step: opening.next.map(|(s, _)| s),
        next_due_at: opening.next.map(|(_, due)| crate::from_millis(millis(due))),
        escalation_required: opening.escalation_required,
        escalated_to: None,
        escalation_reason: None,
        severity_reasons: opening.assessment.reasons.clone(),
        suggested_severity: Some(job.suggested),
        merged_into: None,
        merged_into_reference: None,
        snoozed: false,
        snoozed_until: None,
        customer_waiting_since: None,
        customer_words: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

fn tags_json(new: &NewCase) -> Result<String, StoreError> {
    serde_json::to_string(&new.tags).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn reasons_json(opening: &Opening) -> Result<String, StoreError> {
    serde_json::to_string(&opening.assessment.reasons).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The jobs a new case starts: its acknowledgement (a case held as spam is acknowledged
/// only if staff release it), and, whatever the channel, the ranking of the problems
/// likely behind it with the recurrence check (not for a case held as spam), and a
/// serious case's alert to managers (not for one held as spam, nor for a complaint from
/// the past, loaded unanswered).
fn first_jobs(new: &NewCase, opening: &Opening, case_id: i64) -> impl Iterator<Item = Job> {
    [
        (new.acknowledge && opening.held.is_none()).then_some(Job::Acknowledge { case_id }),
        opening.held.is_none().then_some(Job::RecurrenceCheck { case_id }),
        (new.acknowledge && opening.held.is_none() && opening.assessment.alert_manager())
            .then(|| Job::StaffAlert(manager_alert(case_id, &opening.assessment))),
    ]
    .into_iter()
    .flatten()
}

async fn insert_case(
    store: &WriterHandle,
    policy: &DuePolicy,
    conn: &mut Conn,
    job: &IntakeJob,
    now: OffsetDateTime,
) -> Result<Stored, StoreError> {
    let new = &job.case;
    let customer = match &new.customer {
        CustomerRef::Existing(id) => db::query("SELECT id, name FROM customers WHERE id = $1")
            .bind(*id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|r| Ok::<_, StoreError>((r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?)))
            .transpose()?
            .ok_or(StoreError::NotFound("customer"))?,
        CustomerRef::Details(details) => find_or_create_customer(conn, details, now).await?,
    };
    keep_language(conn, customer.0, new.language).await?;
    let recent_cases: i64 = db::query("SELECT COUNT(*) FROM cases WHERE customer_id = $1 AND created_at >= $2")
        .bind(customer.0)
        .bind(millis(now - RECENT))
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
    let value = lifetime_value(conn, customer.0)
        .await?
        .into_iter()
        .max_by_key(|v| v.amount_minor)
        .map(|v| (v.amount_minor, v.currency));
    let opening = opening(store, policy, new, &job.words, now, recent_cases, value);
    let id: i64 = db::query(
        "INSERT INTO cases (customer_id, channel, severity, category, tags, subject, body, wish, order_ref,
            status, next_step, next_due_at, escalation_required, severity_reasons, suggested_severity, version,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $16, 1, $15, $15) RETURNING id",
    )
    .bind(customer.0)
    .bind(new.channel.as_str())
    .bind(opening.assessment.severity.as_str())
    .bind(new.category.clone())
    .bind(tags_json(new)?)
    .bind(new.subject.clone())
    .bind(new.body.as_str().to_owned())
    .bind(new.wish.clone())
    .bind(new.order_ref.clone())
    .bind(opening.status.as_str())
    .bind(opening.next.map(|(s, _)| s.as_str()))
    .bind(opening.next.map(|(_, due)| millis(due)))
    .bind(i64::from(opening.escalation_required))
    .bind(reasons_json(&opening)?)
    .bind(millis(now))
    .bind(job.suggested.as_str())
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let event = insert_event(conn, id, &opening.event).await?;
    crate::webhooks::event_webhooks_in(&mut *conn, &event).await?;
    keep_what_came_with(conn, new, &opening, id, now).await?;
    for job in first_jobs(new, &opening, id) {
        crate::jobs::enqueue_in(conn, &job, now, now).await?;
    }
    Ok((record(job, id, customer, &opening, now), event))
}

/// The spam hold, the case's tags (indexed for the inbox's filter), the email it came
/// from and its attachments, stored with it.
async fn keep_what_came_with(
    conn: &mut Conn,
    new: &NewCase,
    opening: &Opening,
    case_id: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if let Some(held) = &opening.held {
        insert_event(conn, case_id, held).await?;
    }
    if !new.tags.is_empty() {
        crate::cases::insert_tags_in(&mut *conn, case_id, &new.tags).await?;
    }
    if let Some(inbound) = &new.inbound {
        let outcome =
            if opening.held.is_some() { crate::inbound::outcomes::SPAM } else { crate::inbound::outcomes::CASE_OPENED };
        crate::inbound::insert_in(conn, inbound, Some(case_id), outcome, None, now).await?;
    }
    for attachment in &new.attachments {
        crate::attachments::insert_in(conn, case_id, attachment, now).await?;
    }
    if let Some(answer) = new.answers_notice {
        crate::disclosures::answered_in(conn, answer, case_id, now).await?;
    }
    Ok(())
}

/// How far back earlier complaints of the same customer count towards escalation.
const RECENT: Duration = Duration::days(90);

async fn find_or_create_customer(
    conn: &mut Conn,
    details: &NewCustomer,
    now: OffsetDateTime,
) -> Result<(i64, String), StoreError> {
    let found = if let Some(email) = &details.email {
        db::query("SELECT id, name FROM customers WHERE email_key = $1")
            .bind(email.normalized())
            .fetch_optional(&mut *conn)
            .await?
    } else {
        None
    };
    let found = match (found, &details.external_id) {
        (None, Some(ext)) => {
            db::query("SELECT id, name FROM customers WHERE external_id = $1")
                .bind(ext.clone())
                .fetch_optional(&mut *conn)
                .await?
        }
        (found, _) => found,
    };
    if let Some(row) = found {
        return Ok((row.try_get(0)?, row.try_get(1)?));
    }
    let created = insert_customer(conn, details, now).await?;
    Ok((created.id, created.name))
}
