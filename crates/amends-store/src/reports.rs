//! The owner's view over a date range: did we keep them, how fast, what did it cost,
//! and what keeps going wrong. Cases are those opened in `[from, to)`; figures are
//! computed from their timelines by replaying the playbook, so they agree with what
//! the case pages show.

use std::collections::{BTreeMap, HashMap, HashSet};

use amends_domain::TransactionKind;
use amends_domain::playbook::{Event, EventKind, Outcome, Playbook, RetainedBy, StepStatus};
use serde::Serialize;
use sqlx::Row;
use time::OffsetDateTime;

use crate::cases::{EventRecord, parsed};
use crate::{Store, StoreError, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Report {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    pub cases_opened: i64,
    pub retained: i64,
    /// Of `retained`: after the customer answered the follow-up satisfied.
    pub retained_after_follow_up: i64,
    /// Of `retained`: by a manager's decision, without a satisfied follow-up.
    pub retained_by_manager: i64,
    pub lost: i64,
    /// retained / (retained + lost); None when no case ended.
    pub recovery_rate: Option<f64>,
    pub satisfaction_count: i64,
    pub satisfaction_average: Option<f64>,
    /// Average hours from the complaint to the step, over cases that reached it.
    pub hours_to_acknowledge: Option<f64>,
    pub hours_to_fix: Option<f64>,
    pub hours_to_follow_up: Option<f64>,
    /// Playbook steps done (or not needed) per case, on average, out of ten.
    pub steps_done_average: Option<f64>,
    pub broken_promises: i64,
    /// Per currency: what gestures cost and the lifetime value of retained customers.
    pub money: Vec<MoneyRow>,
    pub complainers: i64,
    pub complainers_returned: i64,
    pub return_rate_complainers: Option<f64>,
    pub non_complainers: i64,
    pub non_complainers_returned: i64,
    pub return_rate_non_complainers: Option<f64>,
    /// Customers with more than one case in the range.
    pub repeat_complainers: i64,
    pub root_causes: Vec<RootCause>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoneyRow {
    pub currency: String,
    pub gesture_cost_minor: i64,
    pub lifetime_value_kept_minor: i64,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RootCause {
    pub problem_id: i64,
    pub title: String,
    pub cases: i64,
    /// The running share of linked cases, in percent (the Pareto line).
    pub cumulative_percent: f64,
}

fn average(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Store {
    pub async fn report(&self, from: OffsetDateTime, to: OffsetDateTime) -> Result<Report, StoreError> {
        let (f, t) = (millis(from), millis(to));
        let mut conn = self.read().acquire().await?;
        let cases = sqlx::query(
            // Spam is not a complaint: held cases count nowhere.
            "SELECT id, customer_id, created_at, problem_id FROM cases
             WHERE created_at >= $1 AND created_at < $2 AND status <> 'spam'",
        )
        .bind(f)
        .bind(t)
        .fetch_all(&mut *conn)
        .await?;
        let rows = sqlx::query(
            "SELECT e.* FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE c.created_at >= $1 AND c.created_at < $2 AND c.status <> 'spam' ORDER BY e.id",
        )
        .bind(f)
        .bind(t)
        .fetch_all(&mut *conn)
        .await?;
        let mut timelines: HashMap<i64, Vec<Event>> = HashMap::new();
        for row in &rows {
            let e: EventRecord = crate::cases::event(row)?;
            timelines.entry(e.case_id).or_default().push(e.event);
        }
        let mut report = Report {
            from,
            to,
            cases_opened: cases.len() as i64,
            retained: 0,
            retained_after_follow_up: 0,
            retained_by_manager: 0,
            lost: 0,
            recovery_rate: None,
            satisfaction_count: 0,
            satisfaction_average: None,
            hours_to_acknowledge: None,
            hours_to_fix: None,
            hours_to_follow_up: None,
            steps_done_average: None,
            broken_promises: 0,
            money: Vec::new(),
            complainers: 0,
            complainers_returned: 0,
            return_rate_complainers: None,
            non_complainers: 0,
            non_complainers_returned: 0,
            return_rate_non_complainers: None,
            repeat_complainers: 0,
            root_causes: Vec::new(),
        };
        let policy = &self.settings().due;
        let (mut ack, mut fix, mut follow, mut steps, mut satisfaction) = (vec![], vec![], vec![], vec![], vec![]);
        let mut gesture_cost: BTreeMap<String, i64> = BTreeMap::new();
        let mut retained_customers = HashSet::new();
        let mut first_case: HashMap<i64, i64> = HashMap::new();
        let mut case_count: HashMap<i64, i64> = HashMap::new();
        let mut per_problem: HashMap<i64, i64> = HashMap::new();
        for c in &cases {
            let id: i64 = c.try_get("id")?;
            let customer: i64 = c.try_get("customer_id")?;
            let opened: i64 = c.try_get("created_at")?;
            if let Some(problem) = c.try_get::<Option<i64>, _>("problem_id")? {
                *per_problem.entry(problem).or_default() += 1;
            }
            *case_count.entry(customer).or_default() += 1;
            let first = first_case.entry(customer).or_insert(opened);
            *first = (*first).min(opened);
            let events = timelines.remove(&id).unwrap_or_default();
            let hours = |e: &Event| (millis(e.at) - opened) as f64 / 3_600_000.0;
            let first_of = |pick: fn(&EventKind) -> bool| events.iter().find(|e| pick(&e.kind)).map(hours);
            ack.extend(first_of(|k| matches!(k, EventKind::RestatementWritten { .. } | EventKind::Apologised { .. })));
            fix.extend(first_of(|k| matches!(k, EventKind::FixDone { .. })));
            follow.extend(first_of(|k| matches!(k, EventKind::FollowUpRecorded { .. })));
            for e in &events {
                match &e.kind {
                    EventKind::FollowUpRecorded { satisfaction: s, .. } => satisfaction.push(f64::from(*s)),
                    EventKind::GestureRecorded { cost_minor, currency, .. } => {
                        *gesture_cost.entry(currency.clone()).or_default() += cost_minor;
                    }
                    _ => {}
                }
            }
            let playbook = Playbook::replay(events.iter());
            let done = playbook
                .steps(policy)
                .iter()
                .filter(|s| matches!(s.status, StepStatus::Done | StepStatus::NotNeeded))
                .count();
            steps.push(done as f64);
            match playbook.outcome() {
                Some(Outcome::Retained) => {
                    report.retained += 1;
                    match playbook.retained_by() {
                        Some(RetainedBy::SatisfiedFollowUp) => report.retained_after_follow_up += 1,
                        _ => report.retained_by_manager += 1,
                    }
                    retained_customers.insert(customer);
                }
                Some(Outcome::Lost) => report.lost += 1,
                None => {}
            }
        }
        report.recovery_rate = ratio(report.retained, report.retained + report.lost);
        report.satisfaction_count = satisfaction.len() as i64;
        report.satisfaction_average = average(&satisfaction);
        report.hours_to_acknowledge = average(&ack);
        report.hours_to_fix = average(&fix);
        report.hours_to_follow_up = average(&follow);
        report.steps_done_average = average(&steps);
        report.repeat_complainers = case_count.values().filter(|n| **n > 1).count() as i64;
        report.broken_promises = self.broken_promises(from, to).await?.len() as i64;

        // Returns: a complainer returned with an order or visit after their first
        // complaint in the range; a customer who never complained, with one in the range.
        let ever_complained: HashSet<i64> =
            sqlx::query("SELECT DISTINCT customer_id FROM cases WHERE status <> 'spam'")
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        let customers: Vec<i64> = sqlx::query("SELECT id FROM customers")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let transactions =
            sqlx::query("SELECT customer_id, kind, amount_minor, currency, occurred_at FROM transactions")
                .fetch_all(&mut *conn)
                .await?;
        let mut returned = HashSet::new();
        let mut value: HashMap<(i64, String), i64> = HashMap::new();
        for tr in &transactions {
            let customer: i64 = tr.try_get("customer_id")?;
            let kind: TransactionKind = parsed(tr, "kind")?;
            let amount: i64 = tr.try_get("amount_minor")?;
            let at: i64 = tr.try_get("occurred_at")?;
            let signed = kind.value_sign() * amount;
            *value.entry((customer, tr.try_get("currency")?)).or_default() += signed;
            if !kind.is_return() || at >= t {
                continue;
            }
            let came_back = match first_case.get(&customer) {
                Some(first) => at > *first,
                None => at >= f && !ever_complained.contains(&customer),
            };
            if came_back {
                returned.insert(customer);
            }
        }
        report.complainers = first_case.len() as i64;
        report.complainers_returned = first_case.keys().filter(|c| returned.contains(c)).count() as i64;
        report.return_rate_complainers = ratio(report.complainers_returned, report.complainers);
        let never: Vec<&i64> = customers.iter().filter(|c| !ever_complained.contains(c)).collect();
        report.non_complainers = never.len() as i64;
        report.non_complainers_returned = never.iter().filter(|c| returned.contains(**c)).count() as i64;
        report.return_rate_non_complainers = ratio(report.non_complainers_returned, report.non_complainers);

        let mut kept: BTreeMap<String, i64> = BTreeMap::new();
        for ((customer, currency), v) in &value {
            if retained_customers.contains(customer) {
                *kept.entry(currency.clone()).or_default() += v;
            }
        }
        let currencies: std::collections::BTreeSet<&String> = gesture_cost.keys().chain(kept.keys()).collect();
        report.money = currencies
            .into_iter()
            .map(|c| MoneyRow {
                currency: c.clone(),
                gesture_cost_minor: gesture_cost.get(c).copied().unwrap_or(0),
                lifetime_value_kept_minor: kept.get(c).copied().unwrap_or(0),
            })
            .collect();

        let titles: HashMap<i64, String> = sqlx::query("SELECT id, title FROM problems")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
            .collect::<Result<_, _>>()?;
        let mut causes: Vec<(i64, i64)> = per_problem.into_iter().collect();
        causes.sort_by_key(|(id, n)| (std::cmp::Reverse(*n), *id));
        let linked: i64 = causes.iter().map(|(_, n)| n).sum();
        let mut running = 0;
        report.root_causes = causes
            .into_iter()
            .map(|(problem_id, n)| {
                running += n;
                RootCause {
                    problem_id,
                    title: titles.get(&problem_id).cloned().unwrap_or_default(),
                    cases: n,
                    cumulative_percent: (running as f64 * 1000.0 / linked as f64).round() / 10.0,
                }
            })
            .collect();
        Ok(report)
    }
}
