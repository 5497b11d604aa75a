//! The owner's view over a date range: did we keep them, how fast, what did it cost,
//! and what keeps going wrong. Cases are those opened in `[from, to)`; figures are
//! computed from their timelines by replaying the playbook, so they agree with what
//! the case pages show.

use std::collections::{BTreeMap, HashMap, HashSet};

use amends_domain::TransactionKind;
use amends_domain::playbook::{Event, EventKind, Outcome, Playbook, RetainedBy, Step, StepStatus};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::{EventRecord, parsed};
use crate::db;
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
    /// Of `lost`: cases whose customer was told what changed once their problem was
    /// fixed (the proof of improvement).
    pub lost_told: i64,
    /// Of `lost_told`: won back, their next order after the proof.
    pub won_back: i64,
    /// won_back / lost_told; None when no lost customer was told.
    pub win_back_rate: Option<f64>,
    /// Walking testimonials given in the range, and how many of them would recommend us.
    pub testimonials: i64,
    pub would_recommend: i64,
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
    /// Ideas from staff adopted as a problem's preventive action in the range.
    pub ideas_adopted: i64,
    /// Cases with every step done or skipped whose outcome nobody recorded yet: they
    /// count in no recovery rate until someone says whether the customer stayed.
    pub awaiting_outcome: i64,
    /// Cases still being worked (no outcome, steps left).
    pub still_open: i64,
    /// The business's currency and time zone the figures are shown in.
    pub currency: Option<String>,
    pub zone: String,
    /// The same figures for each calendar month (in the business's zone) of the range.
    pub months: Vec<MonthRow>,
    /// The broken promises counted in `broken_promises`, newest first (at most 50), in words.
    pub promises_broken: Vec<PromiseBroken>,
    /// The cases behind each figure, for the page that lists them.
    #[serde(skip)]
    pub case_ids: ReportCases,
}

/// One month's recovery and return figures (the month cut to the report's range).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthRow {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    pub cases_opened: i64,
    pub retained: i64,
    pub lost: i64,
    pub recovery_rate: Option<f64>,
    /// Customers who complained this month, and those of them with an order or visit
    /// after their first complaint of the month and before its end.
    pub complainers: i64,
    pub complainers_returned: i64,
    pub return_rate_complainers: Option<f64>,
    /// Customers who never complained, and those of them with an order or visit this month.
    pub non_complainers: i64,
    pub non_complainers_returned: i64,
    pub return_rate_non_complainers: Option<f64>,
}

/// A promise broken, as the report lists it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromiseBroken {
    pub case_id: i64,
    pub case_reference: String,
    pub customer_name: String,
    /// What was promised, in the words of the promise.
    pub what: String,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
}

/// The ids of the cases behind each figure of a report.
#[derive(Debug, Clone, Default)]
pub struct ReportCases {
    pub opened: Vec<i64>,
    pub retained: Vec<i64>,
    pub lost: Vec<i64>,
    /// Lost cases told what changed, and those of them won back.
    pub lost_told: Vec<i64>,
    pub won_back: Vec<i64>,
    pub awaiting_outcome: Vec<i64>,
    pub still_open: Vec<i64>,
    pub by_problem: HashMap<i64, Vec<i64>>,
}

/// What the monthly rows need to know of each case.
struct CaseFact {
    customer: i64,
    opened: i64,
    outcome: Option<Outcome>,
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
        let cases = db::query(
            // Spam is not a complaint: held cases count nowhere.
            "SELECT id, customer_id, created_at, problem_id FROM cases
             WHERE created_at >= $1 AND created_at < $2 AND status <> 'spam'",
        )
        .bind(f)
        .bind(t)
        .fetch_all(&mut *conn)
        .await?;
        let rows = db::query(
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
            lost_told: 0,
            won_back: 0,
            win_back_rate: None,
            testimonials: 0,
            would_recommend: 0,
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
            ideas_adopted: 0,
            awaiting_outcome: 0,
            still_open: 0,
            currency: None,
            zone: String::new(),
            months: Vec::new(),
            promises_broken: Vec::new(),
            case_ids: ReportCases::default(),
        };
        let mut facts: Vec<CaseFact> = Vec::with_capacity(cases.len());
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
                report.case_ids.by_problem.entry(problem).or_default().push(id);
            }
            report.case_ids.opened.push(id);
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
                    kind => {
                        if let Some((cost_minor, currency)) = kind.gesture_cost() {
                            *gesture_cost.entry(currency.to_owned()).or_default() += cost_minor;
                        }
                    }
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
                Some(Outcome::Lost) => {
                    report.lost += 1;
                    if events.iter().any(|e| matches!(e.kind, EventKind::ImprovementTold { .. })) {
                        report.case_ids.lost_told.push(id);
                    }
                    if events.iter().any(|e| matches!(e.kind, EventKind::WonBack { .. })) {
                        report.case_ids.won_back.push(id);
                    }
                }
                None => {}
            }
            match playbook.outcome() {
                Some(Outcome::Retained) => report.case_ids.retained.push(id),
                Some(Outcome::Lost) => report.case_ids.lost.push(id),
                // Every step done or skipped, and nobody said yet whether they stayed.
                None if Step::ALL.into_iter().all(|s| playbook.is_resolved(s)) => {
                    report.case_ids.awaiting_outcome.push(id)
                }
                None => report.case_ids.still_open.push(id),
            }
            facts.push(CaseFact { customer, opened, outcome: playbook.outcome() });
        }
        report.recovery_rate = ratio(report.retained, report.retained + report.lost);
        report.lost_told = report.case_ids.lost_told.len() as i64;
        report.won_back = report.case_ids.won_back.len() as i64;
        report.win_back_rate = amends_domain::proof::win_back_rate(report.won_back, report.lost_told);
        let said = db::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(recommend), 0) AS BIGINT) AS yes FROM testimonials
             WHERE created_at >= $1 AND created_at < $2",
        )
        .bind(millis(from))
        .bind(millis(to))
        .fetch_one(self.read())
        .await?;
        report.testimonials = said.try_get("n")?;
        report.would_recommend = said.try_get("yes")?;
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
        let ever_complained: HashSet<i64> = db::query("SELECT DISTINCT customer_id FROM cases WHERE status <> 'spam'")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let customers: Vec<i64> = db::query("SELECT id FROM customers")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let transactions = db::query("SELECT customer_id, kind, amount_minor, currency, occurred_at FROM transactions")
            .fetch_all(&mut *conn)
            .await?;
        let mut returned = HashSet::new();
        let mut return_times: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut value: HashMap<(i64, String), i64> = HashMap::new();
        for tr in &transactions {
            let customer: i64 = tr.try_get("customer_id")?;
            let kind: TransactionKind = parsed(tr, "kind")?;
            let amount: i64 = tr.try_get("amount_minor")?;
            let at: i64 = tr.try_get("occurred_at")?;
            let signed = kind.value_sign() * amount;
            *value.entry((customer, tr.try_get("currency")?)).or_default() += signed;
            if kind.is_return() {
                return_times.entry(customer).or_default().push(at);
            }
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

        let titles: HashMap<i64, String> = db::query("SELECT id, title FROM problems")
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok::<_, db::DbError>((r.try_get(0)?, r.try_get(1)?)))
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

        report.awaiting_outcome = report.case_ids.awaiting_outcome.len() as i64;
        report.still_open = report.case_ids.still_open.len() as i64;
        let business = self.business().await?;
        report.currency = business.currency;
        report.zone = business.zone;
        let never: Vec<i64> = never.into_iter().copied().collect();
        report.months = amends_domain::hours::months_between(from, to, &report.zone)
            .into_iter()
            .map(|(start, end)| month_row(start, end, &facts, &return_times, &never))
            .collect();
        drop(conn);
        for broken in self.broken_promises(from, to).await?.into_iter().take(50) {
            let case = self.case(broken.case_id).await?;
            let what = match self.case_event(broken.case_id, broken.event_id).await?.event.kind {
                EventKind::FixPromised { what, .. } => what,
                _ => String::new(),
            };
            report.promises_broken.push(PromiseBroken {
                case_id: broken.case_id,
                case_reference: broken.case_reference,
                customer_name: case.customer_name,
                what,
                due_at: broken.due_at,
            });
        }
        report.ideas_adopted = self.ideas_adopted(from, to).await?;
        Ok(report)
    }
}

/// One month's figures from the cases opened in it and everyone's orders and visits.
fn month_row(
    from: OffsetDateTime,
    to: OffsetDateTime,
    facts: &[CaseFact],
    return_times: &HashMap<i64, Vec<i64>>,
    never_complained: &[i64],
) -> MonthRow {
    let (f, t) = (millis(from), millis(to));
    let in_month: Vec<&CaseFact> = facts.iter().filter(|c| c.opened >= f && c.opened < t).collect();
    let retained = in_month.iter().filter(|c| c.outcome == Some(Outcome::Retained)).count() as i64;
    let lost = in_month.iter().filter(|c| c.outcome == Some(Outcome::Lost)).count() as i64;
    let mut first: HashMap<i64, i64> = HashMap::new();
    for c in &in_month {
        let at = first.entry(c.customer).or_insert(c.opened);
        *at = (*at).min(c.opened);
    }
    let came_back = |customer: &i64, after: i64, inclusive: bool| {
        return_times
            .get(customer)
            .is_some_and(|times| times.iter().any(|at| (*at > after || (inclusive && *at == after)) && *at < t))
    };
    let complainers_returned = first.iter().filter(|(c, opened)| came_back(c, **opened, false)).count() as i64;
    let non_complainers_returned = never_complained.iter().filter(|c| came_back(c, f, true)).count() as i64;
    let (complainers, non_complainers) = (first.len() as i64, never_complained.len() as i64);
    MonthRow {
        from,
        to,
        cases_opened: in_month.len() as i64,
        retained,
        lost,
        recovery_rate: ratio(retained, retained + lost),
        complainers,
        complainers_returned,
        return_rate_complainers: ratio(complainers_returned, complainers),
        non_complainers,
        non_complainers_returned,
        return_rate_non_complainers: ratio(non_complainers_returned, non_complainers),
    }
}
