//! The escalation ladder's records: which open cases are overdue, each level recorded
//! once per due time with its timeline event and alert, and cleared when the case's
//! next step or due time changes.

use amends_domain::playbook::Step;
use time::OffsetDateTime;

use crate::alerts::StaffAlert;
use crate::db::{self, Conn};
use crate::{Store, StoreError, from_millis, millis};

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

/// The case's next step or its due time changed: its escalations are answered.
pub(crate) async fn clear_escalations_in(conn: &mut Conn, case_id: i64, at: i64) -> Result<(), StoreError> {
    db::query("UPDATE case_escalations SET cleared_at = $2 WHERE case_id = $1 AND cleared_at IS NULL")
        .bind(case_id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

impl Store {
    /// Open cases whose next step came due by `now` and that have not yet gone up
    /// every one of `levels` levels, soonest due first.
    pub async fn overdue_cases(
        &self,
        now: OffsetDateTime,
        levels: usize,
        limit: i64,
    ) -> Result<Vec<OverdueCase>, StoreError> {
        let rows = db::query(
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
            let done = db::query("SELECT level FROM case_escalations WHERE case_id = $1 AND due_at = $2")
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
}
