//! Commands beyond a staff member's step that put events on a timeline: a merge and a
//! link, a customer's reply, a manager's decision on a held gesture, a system note with
//! its staff alert, an overdue step's escalation, a watched customer's next order (and a
//! lost one's, told what changed, won back), a fixed problem's proof to everyone it
//! affected. Each
//! reads and writes its noun with that noun module's plain SQL and takes its events
//! through [`crate::step`], the one writer of events; the noun modules never call it.

use amends_domain::merge::{check_link, check_merge};
use amends_domain::playbook::{Actor, EventKind};
use amends_domain::proof::{ProofGesture, gesture_allowed, proof_allowed};
use amends_domain::{ApprovalStatus, Outcome, ProblemStatus, Role};

use crate::alerts::{StaffAlert, alert_in};
use crate::approvals::{ApprovalRecord, approval};
use crate::attachments::NewAttachment;
use crate::cases::{CaseRecord, EventRecord, case_by_id};
use crate::db::{self, Conn};
use crate::escalations::{Escalation, OverdueCase};
use crate::inbound::{InboundRef, insert_in, outcomes};
use crate::jobs::{Job, enqueue_in};
use crate::merge::{Merge, side, survivor_in};
use crate::proof::{AFFECTED, ProofRecord, outcome_of, proof_id_in};
use crate::{Store, StoreError, from_millis, millis};

/// A fixed problem's proof as a manager sends it: the coached words of what changed
/// (the coach's gate passed, or the reason to send them anyway) and what lost customers
/// are offered.
#[derive(Debug, Clone)]
pub struct NewProof {
    pub text: String,
    pub coach_override: Option<String>,
    pub gesture: Option<ProofGesture>,
}

impl Store {
    /// Merges `absorbed` into `into`, or into the case `into` was itself merged into.
    pub async fn merge_cases(&self, into: i64, absorbed: i64, actor: Actor) -> Result<Merge, StoreError> {
        let mut tx = self.write().begin().await?;
        let survivor_id = survivor_in(&mut tx, into).await?;
        let survivor = case_by_id(&mut tx, survivor_id, self.now()).await?;
        let duplicate = case_by_id(&mut tx, absorbed, self.now()).await?;
        check_merge(side(&survivor), side(&duplicate))?;
        self.step_in(&mut tx, absorbed, actor, EventKind::Merged { into: survivor_id }).await?;
        self.step_in(&mut tx, survivor_id, actor, EventKind::MergedIn { from: absorbed }).await?;
        let merge = Merge {
            survivor: case_by_id(&mut tx, survivor_id, self.now()).await?,
            absorbed: case_by_id(&mut tx, absorbed, self.now()).await?,
        };
        tx.commit().await?;
        Ok(merge)
    }

    /// Links two cases of one customer, with an event on each.
    pub async fn link_cases(&self, case_id: i64, other_id: i64, actor: Actor) -> Result<CaseRecord, StoreError> {
        let mut tx = self.write().begin().await?;
        let case = case_by_id(&mut tx, case_id, self.now()).await?;
        let other = case_by_id(&mut tx, other_id, self.now()).await?;
        check_link(side(&case), side(&other))?;
        self.step_in(&mut tx, case_id, actor, EventKind::CaseLinked { case_id: other_id }).await?;
        self.step_in(&mut tx, other_id, actor, EventKind::CaseLinked { case_id }).await?;
        let record = case_by_id(&mut tx, case_id, self.now()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// A customer's reply on their case: the message, its attachments and the timeline
    /// event in one transaction (`new_words`: their words apart from the quoted history,
    /// when told apart). A reply to a closed case opens it again (the domain's rule). A message already taken in is a conflict on `message_id`.
    /// A reply to a merged case lands on the case it was merged into.
    pub async fn record_reply(
        &self,
        case_id: i64,
        inbound: &InboundRef,
        text: String,
        new_words: Option<String>,
        attachments: &[NewAttachment],
    ) -> Result<EventRecord, StoreError> {
        // Resolved before the transaction: on SQLite a transaction that reads first and
        // then writes cannot wait for another process's write lock.
        let case_id = self.surviving_case(case_id).await?;
        let mut tx = self.write().begin().await?;
        insert_in(&mut tx, inbound, Some(case_id), outcomes::THREADED, None, self.now()).await?;
        let kind = EventKind::CustomerWrote {
            subject: inbound.subject.clone(),
            text,
            message_id: Some(inbound.message_id.clone()),
            new_words,
        };
        let event = self.step_in(&mut tx, case_id, Actor::Customer, kind).await?;
        let now = self.now();
        for a in attachments {
            crate::attachments::insert_in(&mut tx, case_id, a, now).await?;
        }
        tx.commit().await?;
        Ok(event)
    }

    /// A manager decides: approved, the gesture is recorded on the case (by the
    /// manager) in the same transaction; declined, a note says why.
    pub async fn decide_approval(
        &self,
        id: i64,
        manager_id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<ApprovalRecord, StoreError> {
        let mut tx = self.write().begin().await?;
        let row = db::query("SELECT * FROM gesture_approvals WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound("approval"))?;
        let pending = approval(&row)?;
        if pending.status != ApprovalStatus::Pending {
            return Err(StoreError::Conflict {
                field: None,
                message: format!("this gesture was already {}", pending.status),
            });
        }
        let kind = if approve {
            EventKind::GestureRecorded {
                gesture: pending.gesture.clone(),
                description: pending.description.clone(),
                cost_minor: pending.cost_minor,
                currency: pending.currency.clone(),
            }
        } else {
            EventKind::NoteAdded { text: format!("The gesture \"{}\" was not approved: {reason}", pending.description) }
        };
        let actor = Actor::Staff { user_id: manager_id };
        self.step_in(&mut tx, pending.case_id, actor, kind).await?;
        db::query(
            "UPDATE gesture_approvals SET status = $2, decided_by = $3, decided_at = $4, reason = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(ApprovalStatus::decided(approve).as_str())
        .bind(manager_id)
        .bind(millis(self.now()))
        .bind((!reason.is_empty()).then(|| reason.to_owned()))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.approval(id).await
    }

    /// Records `kind` on the case and queues `alert`'s mail in one transaction.
    pub async fn record_event_with_alert(
        &self,
        case_id: i64,
        kind: EventKind,
        alert: Option<&StaffAlert>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        self.step_in(&mut tx, case_id, Actor::System, kind).await?;
        if let Some(alert) = alert {
            alert_in(&mut tx, alert, self.now()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records one level of an overdue step: the level (once per due time, whatever
    /// runs it), the timeline event and the alert's mail, in one transaction. False when
    /// it was recorded before or the step is no longer the one overdue.
    pub async fn escalate_overdue(&self, case: &OverdueCase, e: &Escalation) -> Result<bool, StoreError> {
        let mut tx = self.write().begin().await?;
        let still =
            db::query("SELECT 1 FROM cases WHERE id = $1 AND status = 'open' AND next_step = $2 AND next_due_at = $3")
                .bind(case.case_id)
                .bind(case.step.as_str())
                .bind(millis(case.due))
                .fetch_optional(&mut *tx)
                .await?;
        if still.is_none() {
            return Ok(false);
        }
        let now = self.now();
        let inserted = db::query(
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
        let event = self.step_in(&mut tx, case.case_id, Actor::System, kind).await?;
        db::query("UPDATE case_escalations SET event_id = $2 WHERE id = $1")
            .bind(escalation_id)
            .bind(event.id)
            .execute(&mut *tx)
            .await?;
        alert_in(&mut tx, &e.alert, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Inside the transaction that stored a watched customer's new transaction: a system
    /// note on each case that watches them, an open alert for the inbox, a webhook event.
    /// A case that already has an open alert is not alerted again.
    pub(crate) async fn next_order_in(
        &self,
        tx: &mut Conn,
        customer_id: i64,
        transaction_id: i64,
    ) -> Result<(), StoreError> {
        let cases: Vec<i64> = db::query(
            "SELECT c.id FROM cases c WHERE c.customer_id = $1 AND c.status = 'watching'
               AND NOT EXISTS (SELECT 1 FROM watch_alerts w WHERE w.case_id = c.id AND w.cleared_at IS NULL)",
        )
        .bind(customer_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.try_get(0))
        .collect::<Result<_, _>>()?;
        let now = self.now();
        let name: String = if cases.is_empty() {
            String::new()
        } else {
            db::query("SELECT name FROM customers WHERE id = $1")
                .bind(customer_id)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?
        };
        for case_id in cases {
            let note = EventKind::NoteAdded { text: crate::watch::NEXT_ORDER_NOTE.to_owned() };
            let stored = self.step_in(&mut *tx, case_id, Actor::System, note).await?;
            let reference = amends_domain::CaseReference(case_id);
            let promised = crate::watch::promised_in(&mut *tx, case_id).await?;
            let honour = if promised.is_empty() {
                String::new()
            } else {
                format!("\n\nPromised to them for this time, to honour: {}.", promised.join("; "))
            };
            let alert = crate::alerts::StaffAlert {
                case_id,
                subject: format!("{reference}: {name} is back: give outstanding service"),
                text: format!(
                    "{name}, whose complaint you worked on ({reference}), just ordered again.{honour}\n\n\
                     This is the next time: give outstanding service, then record how it went on the case."
                ),
                to: crate::alerts::AlertTo { owner: true, ..Default::default() },
            };
            crate::alerts::alert_in(&mut *tx, &alert, now).await?;
            db::query("INSERT INTO watch_alerts (case_id, transaction_id, created_at) VALUES ($1, $2, $3)")
                .bind(case_id)
                .bind(transaction_id)
                .bind(millis(now))
                .execute(&mut *tx)
                .await?;
            let data = serde_json::json!({ "transaction_id": transaction_id, "note": crate::watch::NEXT_ORDER_NOTE });
            crate::webhooks::webhooks_in(&mut *tx, case_id, Some(stored.id), crate::watch::NEXT_ORDER_EVENT, data, now)
                .await?;
        }
        Ok(())
    }

    /// Tells everyone a fixed problem affected what changed, in one transaction: the
    /// problem's proof (one per problem, its words the latest), a recipient for each
    /// customer with a case linked to it who was not told before (so a proof sent twice
    /// tells nobody twice), an `improvement_told` event on each one's case (with the
    /// gesture a lost customer is offered, weighed whole by the gesture rules), and the
    /// background send. The sender's role is read here, as a step's is.
    pub async fn send_proof(&self, problem_id: i64, proof: &NewProof, by: i64) -> Result<ProofRecord, StoreError> {
        let now = self.now();
        let mut tx = self.write().begin().await?;
        let status: ProblemStatus = crate::cases::parsed(
            &db::query("SELECT status FROM problems WHERE id = $1")
                .bind(problem_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound("problem"))?,
            "status",
        )?;
        proof_allowed(status)?;
        let role = crate::step::role_in(&mut tx, by).await?.unwrap_or(Role::Agent);
        let existing = proof_id_in(&mut tx, problem_id).await?;
        // The customers not told yet, with their latest case and its outcome.
        let fresh: Vec<(i64, i64, Option<Outcome>)> = db::query(&format!(
            "SELECT a.case_id, a.customer_id, a.status FROM ({AFFECTED}) a
             WHERE NOT EXISTS (SELECT 1 FROM disclosure_recipients r
                               WHERE r.disclosure_id = $2 AND r.customer_id = a.customer_id)
             ORDER BY a.case_id"
        ))
        .bind(problem_id)
        .bind(existing.unwrap_or(0))
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("case_id")?, r.try_get("customer_id")?, outcome_of(&r.try_get::<String, _>("status")?))))
        .collect::<Result<_, StoreError>>()?;
        if let Some(gesture) = &proof.gesture {
            let lost = fresh.iter().filter(|(_, _, o)| *o == Some(Outcome::Lost)).count() as i64;
            let spending =
                crate::step::spending_in(&mut tx, self.settings(), self.backend(), 0, by, &gesture.currency, now)
                    .await?;
            gesture_allowed(role, gesture, lost, spending.given, spending.limits)?;
        }
        let title: String = db::query("SELECT title FROM problems WHERE id = $1")
            .bind(problem_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        let id = match existing {
            Some(id) => {
                db::query(
                    "UPDATE disclosures SET explanation = $2, coach_override = $3, title = $4,
                        status = CASE WHEN $5 > 0 THEN 'sending' ELSE status END WHERE id = $1",
                )
                .bind(id)
                .bind(proof.text.as_str())
                .bind(proof.coach_override.as_deref())
                .bind(title.as_str())
                .bind(fresh.len() as i64)
                .execute(&mut *tx)
                .await?;
                id
            }
            None => db::query(
                "INSERT INTO disclosures (problem_id, title, explanation, solution, audience, status, created_by,
                    created_at, channels, kind, coach_override)
                 VALUES ($1, $2, $3, '', '{}', $4, $5, $6, 'email', 'proof', $7) RETURNING id",
            )
            .bind(problem_id)
            .bind(title.as_str())
            .bind(proof.text.as_str())
            .bind(if fresh.is_empty() { "sent" } else { "sending" })
            .bind(by)
            .bind(millis(now))
            .bind(proof.coach_override.as_deref())
            .fetch_one(&mut *tx)
            .await
            .map_err(StoreError::unique("problem_id", "a proof for this problem is being sent; reload it"))?
            .try_get(0)?,
        };
        let gesture_json = match &proof.gesture {
            Some(g) => Some(serde_json::to_string(g).map_err(|e| StoreError::Corrupt(format!("gesture: {e}")))?),
            None => None,
        };
        for (case_id, customer_id, outcome) in &fresh {
            let lost = *outcome == Some(Outcome::Lost);
            db::query(
                "INSERT INTO disclosure_recipients (disclosure_id, customer_id, status, case_id, outcome, gesture,
                    told_at, updated_at)
                 VALUES ($1, $2, 'selected', $3, $4, $5, $6, $6)",
            )
            .bind(id)
            .bind(*customer_id)
            .bind(*case_id)
            .bind(outcome.map(Outcome::as_str))
            .bind(if lost { gesture_json.clone() } else { None })
            .bind(millis(now))
            .execute(&mut *tx)
            .await?;
            let kind = amends_domain::playbook::EventKind::ImprovementTold {
                problem_id,
                by_user_id: by,
                gesture: if lost { proof.gesture.clone() } else { None },
            };
            self.step_in(&mut tx, *case_id, Actor::System, kind).await?;
        }
        if !fresh.is_empty() {
            enqueue_in(&mut tx, &Job::DisclosureSend { disclosure_id: id }, now, now).await?;
        }
        tx.commit().await?;
        let mut record = self.proof(problem_id).await?.ok_or(StoreError::NotFound("proof"))?;
        record.told_now = fresh.len() as i64;
        Ok(record)
    }

    /// Inside the transaction that stored a customer's new transaction: each lost case of
    /// theirs told what changed before it is won back, with a `won_back` event.
    pub(crate) async fn won_back_in(
        &self,
        tx: &mut Conn,
        customer_id: i64,
        transaction_id: i64,
        occurred_at: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let told: Vec<(i64, i64, i64, i64)> = db::query(
            "SELECT r.id, r.case_id, d.problem_id, r.told_at FROM disclosure_recipients r
             JOIN disclosures d ON d.id = r.disclosure_id JOIN cases c ON c.id = r.case_id
             WHERE r.customer_id = $1 AND d.kind = 'proof' AND r.won_back_at IS NULL AND r.outcome = 'lost'
               AND r.status <> 'failed' AND c.status = 'lost'",
        )
        .bind(customer_id)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("case_id")?, r.try_get("problem_id")?, r.try_get("told_at")?)))
        .collect::<Result<_, StoreError>>()?;
        for (recipient_id, case_id, problem_id, told_at) in told {
            if !amends_domain::proof::won_back(Some(Outcome::Lost), from_millis(told_at), occurred_at) {
                continue;
            }
            let kind = amends_domain::playbook::EventKind::WonBack { problem_id, transaction_id };
            self.step_in(&mut *tx, case_id, Actor::System, kind).await?;
            db::query("UPDATE disclosure_recipients SET won_back_at = $2 WHERE id = $1")
                .bind(recipient_id)
                .bind(millis(occurred_at))
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }
}
