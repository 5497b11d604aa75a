//! Business hours as the admin set them, the clock the job queue reads, the escalation
//! ladder's records, and staff alerts (queued as jobs in the transaction of what raised
//! them, mailed by the runner inside service hours).
//!
//! The hours are read inside each event's transaction, so the derived `next_due_at`
//! always counts the hours in force when the event was written, on every instance.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use amends_domain::hours::LevelSpec;
use amends_domain::playbook::{Actor, EventKind, Step};
use amends_domain::{BusinessHours, DuePolicy, EscalationLadder, HoursSpec, Role};
use serde::Serialize;
use sqlx::{AnyConnection, Row};
use time::{Duration, OffsetDateTime};

use crate::cases::append_event_in;
use crate::jobs::{enqueue_in, kinds};
use crate::outbox::NewEmail;
use crate::{Store, StoreError, UserRecord, from_millis, millis};

/// The time as the job queue and the clocks of staff alerts see it: the system clock,
/// moved by an offset that only tests set (to reach tomorrow morning without waiting).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        from_millis(millis(now))
    }

    /// Moves the clock so that it now reads `at` (and runs on from there).
    pub fn set(&self, at: OffsetDateTime) {
        let offset = at - OffsetDateTime::now_utc();
        self.offset_ms.store(offset.whole_milliseconds() as i64, Ordering::Relaxed);
    }

    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.whole_milliseconds() as i64, Ordering::Relaxed);
    }
}

/// The business hours and escalation ladder in force.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeskHours {
    #[serde(flatten)]
    pub hours: HoursSpec,
    pub escalation: Vec<LevelSpec>,
    /// False while the configuration's defaults apply (no admin changed them yet).
    pub customised: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub updated_at: Option<OffsetDateTime>,
    pub updated_by: Option<i64>,
    #[serde(skip)]
    pub parsed: BusinessHours,
    #[serde(skip)]
    pub ladder: EscalationLadder,
}

async fn desk_hours_in(conn: &mut AnyConnection, defaults: &crate::StoreSettings) -> Result<DeskHours, StoreError> {
    let row = sqlx::query("SELECT hours, escalation, updated_by, updated_at FROM business_hours WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(DeskHours {
            hours: defaults.due.hours.spec().clone(),
            escalation: defaults.escalation.specs(),
            customised: false,
            updated_at: None,
            updated_by: None,
            parsed: defaults.due.hours.clone(),
            ladder: defaults.escalation.clone(),
        });
    };
    let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("{what}: {e}"));
    let hours: String = row.try_get("hours")?;
    let escalation: String = row.try_get("escalation")?;
    let spec: HoursSpec = serde_json::from_str(&hours).map_err(|e| corrupt("business hours", e.to_string()))?;
    let levels: Vec<LevelSpec> =
        serde_json::from_str(&escalation).map_err(|e| corrupt("escalation ladder", e.to_string()))?;
    let parsed = BusinessHours::parse(&spec).map_err(|e| corrupt("business hours", e.to_string()))?;
    let ladder = EscalationLadder::parse(&levels).map_err(|e| corrupt("escalation ladder", e.to_string()))?;
    Ok(DeskHours {
        hours: parsed.spec().clone(),
        escalation: ladder.specs(),
        customised: true,
        updated_at: Some(from_millis(row.try_get("updated_at")?)),
        updated_by: row.try_get("updated_by")?,
        parsed,
        ladder,
    })
}

/// `base` with the business hours in force, read in the caller's transaction.
pub(crate) async fn policy_in(conn: &mut AnyConnection, base: &DuePolicy) -> Result<DuePolicy, StoreError> {
    let row = sqlx::query("SELECT hours FROM business_hours WHERE id = 1").fetch_optional(&mut *conn).await?;
    let mut policy = base.clone();
    if let Some(row) = row {
        let text: String = row.try_get(0)?;
        let spec: HoursSpec =
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt(format!("business hours: {e}")))?;
        policy.hours = BusinessHours::parse(&spec).map_err(|e| StoreError::Corrupt(format!("business hours: {e}")))?;
    }
    Ok(policy)
}

/// Who a staff alert goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AlertTo {
    /// The case's owner; the managers when it has none.
    #[serde(default)]
    pub owner: bool,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub user_ids: Vec<i64>,
}

/// An alert to staff about a case: the timeline already says it; this mails it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct StaffAlert {
    pub case_id: i64,
    pub subject: String,
    pub text: String,
    pub to: AlertTo,
}

/// Queues the job that mails `alert`, in the caller's transaction.
pub(crate) async fn alert_in(
    conn: &mut AnyConnection,
    alert: &StaffAlert,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let payload = serde_json::to_value(alert).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    enqueue_in(conn, kinds::STAFF_ALERT, &payload, now).await?;
    Ok(())
}

/// An open case whose next step is overdue, with the levels it already went up.
#[derive(Debug, Clone)]
pub struct OverdueCase {
    pub case_id: i64,
    pub reference: String,
    pub customer_name: String,
    pub step: Step,
    pub due: OffsetDateTime,
    pub owner_id: Option<i64>,
    pub levels_done: Vec<u8>,
}

/// One level to record: who was told (for the timeline) and the alert that mails them.
#[derive(Debug, Clone)]
pub struct Escalation {
    pub level: u8,
    pub told: Vec<String>,
    pub alert: StaffAlert,
}

impl Store {
    /// The time as the queue and the alerts' clocks see it.
    pub fn now(&self) -> OffsetDateTime {
        self.settings().clock.now()
    }

    pub async fn desk_hours(&self) -> Result<DeskHours, StoreError> {
        let mut conn = self.read().acquire().await?;
        desk_hours_in(&mut conn, self.settings()).await
    }

    /// The due policy with the business hours in force, for showing due times: read
    /// again after a few seconds, so another instance's change shows soon.
    pub async fn due_policy(&self) -> Result<DuePolicy, StoreError> {
        const FRESH: std::time::Duration = std::time::Duration::from_secs(5);
        if let Ok(cache) = self.policy_cache().lock()
            && let Some((at, policy)) = cache.as_ref()
            && at.elapsed() < FRESH
        {
            return Ok(policy.clone());
        }
        let policy = DuePolicy { hours: self.desk_hours().await?.parsed, ..self.settings().due.clone() };
        if let Ok(mut cache) = self.policy_cache().lock() {
            *cache = Some((std::time::Instant::now(), policy.clone()));
        }
        Ok(policy)
    }

    /// Stores new business hours and ladder (already checked by the domain). Cases keep
    /// their due times until their next event; the ladder applies from the next sweep.
    pub async fn set_desk_hours(
        &self,
        hours: &BusinessHours,
        ladder: &EscalationLadder,
        by: i64,
    ) -> Result<DeskHours, StoreError> {
        let hours_json = serde_json::to_string(hours.spec()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let ladder_json = serde_json::to_string(&ladder.specs()).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.write().begin().await?;
        sqlx::query(
            "INSERT INTO business_hours (id, hours, escalation, updated_by, updated_at) VALUES (1, $1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET hours = $1, escalation = $2, updated_by = $3, updated_at = $4",
        )
        .bind(hours_json)
        .bind(ladder_json)
        .bind(by)
        .bind(millis(crate::now()))
        .execute(&mut *tx)
        .await?;
        let desk = desk_hours_in(&mut tx, self.settings()).await?;
        tx.commit().await?;
        if let Ok(mut cache) = self.policy_cache().lock() {
            *cache = None;
        }
        Ok(desk)
    }

    pub async fn set_email_alerts(&self, user_id: i64, on: bool) -> Result<UserRecord, StoreError> {
        sqlx::query("UPDATE users SET email_alerts = $2 WHERE id = $1")
            .bind(user_id)
            .bind(i64::from(on))
            .execute(self.write())
            .await?;
        self.user(user_id).await
    }

    /// Who gets an alert's email: active staff who keep their email alerts on.
    pub async fn alert_recipients(&self, case_owner: Option<i64>, to: &AlertTo) -> Result<Vec<UserRecord>, StoreError> {
        let users = self.list_users().await?;
        let managers = || users.iter().filter(|u| u.role == Role::Manager).map(|u| u.id).collect::<Vec<_>>();
        let mut ids: Vec<i64> = to.user_ids.clone();
        if to.owner {
            match case_owner {
                Some(owner) => ids.push(owner),
                None => ids.extend(managers()),
            }
        }
        if let Some(role) = to.role {
            ids.extend(users.iter().filter(|u| u.role == role).map(|u| u.id));
        }
        Ok(users.into_iter().filter(|u| u.active && u.email_alerts && ids.contains(&u.id)).collect())
    }

    /// Records `kind` on the case and queues `alert`'s mail in one transaction.
    pub async fn record_event_with_alert(
        &self,
        case_id: i64,
        kind: EventKind,
        alert: Option<&StaffAlert>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        append_event_in(&mut tx, &self.settings().due, case_id, Actor::System, kind, None).await?;
        if let Some(alert) = alert {
            alert_in(&mut tx, alert, self.now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Open cases whose next step came due by `now` and that have not yet gone up
    /// every one of `levels` levels, soonest due first.
    pub async fn overdue_cases(
        &self,
        now: OffsetDateTime,
        levels: usize,
        limit: i64,
    ) -> Result<Vec<OverdueCase>, StoreError> {
        let rows = sqlx::query(
            "SELECT c.id, cu.name AS customer_name, c.next_step, c.next_due_at, c.owner_id FROM cases c
               JOIN customers cu ON cu.id = c.customer_id
             WHERE c.status = 'open' AND c.next_due_at <= $1
               AND (SELECT COUNT(*) FROM case_escalations e
                     WHERE e.case_id = c.id AND e.due_at = c.next_due_at) < $2
             ORDER BY c.next_due_at, c.id LIMIT $3",
        )
        .bind(millis(now))
        .bind(levels as i64)
        .bind(limit)
        .fetch_all(self.read())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let case_id: i64 = row.try_get("id")?;
            let step: Option<String> = row.try_get("next_step")?;
            let Some(step) = step.and_then(|s| s.parse::<Step>().ok()) else { continue };
            let due_ms: i64 = row.try_get("next_due_at")?;
            let done = sqlx::query("SELECT level FROM case_escalations WHERE case_id = $1 AND due_at = $2")
                .bind(case_id)
                .bind(due_ms)
                .fetch_all(self.read())
                .await?
                .iter()
                .map(|r| r.try_get::<i64, _>(0).map(|l| l as u8))
                .collect::<Result<_, _>>()?;
            out.push(OverdueCase {
                case_id,
                reference: amends_domain::CaseReference(case_id).to_string(),
                customer_name: row.try_get("customer_name")?,
                step,
                due: from_millis(due_ms),
                owner_id: row.try_get("owner_id")?,
                levels_done: done,
            });
        }
        Ok(out)
    }

    /// Records one level of an overdue step: the level (once per due time, whatever
    /// runs it), the timeline event and the alert's mail, in one transaction. False when
    /// it was recorded before or the step is no longer the one overdue.
    pub async fn escalate_overdue(&self, case: &OverdueCase, e: &Escalation) -> Result<bool, StoreError> {
        let mut tx = self.write().begin().await?;
        let still = sqlx::query(
            "SELECT 1 FROM cases WHERE id = $1 AND status = 'open' AND next_step = $2 AND next_due_at = $3",
        )
        .bind(case.case_id)
        .bind(case.step.as_str())
        .bind(millis(case.due))
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Ok(false);
        }
        let now = self.now();
        let inserted = sqlx::query(
            "INSERT INTO case_escalations (case_id, step, due_at, level, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (case_id, due_at, level) DO NOTHING RETURNING id",
        )
        .bind(case.case_id)
        .bind(case.step.as_str())
        .bind(millis(case.due))
        .bind(i64::from(e.level))
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = inserted else { return Ok(false) };
        let escalation_id: i64 = row.try_get(0)?;
        let kind = EventKind::OverdueEscalated { level: e.level, step: case.step, due: case.due, told: e.told.clone() };
        let event = append_event_in(&mut tx, &self.settings().due, case.case_id, Actor::System, kind, None).await?;
        sqlx::query("UPDATE case_escalations SET event_id = $2 WHERE id = $1")
            .bind(escalation_id)
            .bind(event.id)
            .execute(&mut *tx)
            .await?;
        alert_in(&mut tx, &e.alert, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Puts staff alert mails in the outbox, each sent at `send_at` (the next working
    /// moment), and completes the job that wrote them in the same transaction, so a
    /// restart never mails an alert twice. False when the worker no longer holds the job.
    pub async fn queue_staff_emails_for_job(
        &self,
        emails: &[NewEmail],
        send_at: OffsetDateTime,
        job: (i64, &str),
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().begin().await?;
        let held = sqlx::query(
            "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL \
             WHERE id = $1 AND locked_by = $2 AND done_at IS NULL",
        )
        .bind(job.0)
        .bind(job.1)
        .bind(millis(self.now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            return Ok(false);
        }
        for e in emails {
            crate::outbox::insert_email_in(&mut tx, e, send_at).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Makes sure one `kind` job waits to run after `now` (a recurring sweep), starting
    /// it at `at` when none does.
    pub async fn ensure_recurring_job(
        &self,
        kind: &str,
        now: OffsetDateTime,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        let waiting = sqlx::query(
            "SELECT id FROM jobs WHERE kind = $1 AND done_at IS NULL AND failed_at IS NULL AND run_at > $2 LIMIT 1",
        )
        .bind(kind)
        .bind(millis(now))
        .fetch_optional(&mut *tx)
        .await?;
        if waiting.is_none() {
            enqueue_in(&mut tx, kind, &serde_json::json!({}), at).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The case's next step or its due time changed: its escalations are answered.
pub(crate) async fn clear_escalations_in(conn: &mut AnyConnection, case_id: i64, at: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE case_escalations SET cleared_at = $2 WHERE case_id = $1 AND cleared_at IS NULL")
        .bind(case_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
