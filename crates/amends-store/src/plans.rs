//! The database's plan for every list and search query the store issues, built by the
//! same functions that run them, so a test can hold each to an index on both backends.

use amends_domain::playbook::{CaseStatus, Step};

use crate::cases::{CaseFilter, CaseOrder, OwnerFilter, SnoozeFilter};
use crate::query::{Filters, Value};
use crate::{Backend, Store, StoreError};

/// One query, as the store would issue it, and how the database would run it.
#[derive(Debug, Clone)]
pub struct QueryPlan {
    pub name: String,
    pub sql: String,
    /// The plan, one line per node (`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL).
    pub plan: String,
}

/// The tables that grow without bound: reading one whole is a bug at a million cases.
const LARGE_TABLES: [&str; 4] = ["cases", "customers", "transactions", "case_events"];

impl QueryPlan {
    /// The first full scan of a large table in the plan, if any. On SQLite a plain
    /// `SCAN` of the table is one, unless it walks the rowid in the query's own order
    /// (no sort) to stop at the page's LIMIT: that is the primary key doing its job.
    pub fn full_scan(&self, backend: Backend) -> Option<String> {
        let sorts = self.plan.contains("TEMP B-TREE FOR ORDER BY");
        self.plan.lines().map(str::trim).find_map(|line| {
            let scanned = match backend {
                Backend::Postgres => line.split("Seq Scan on ").nth(1)?.split_whitespace().next()?,
                Backend::Sqlite => {
                    let rest = line.split("SCAN ").nth(1)?;
                    if rest.contains(" USING ") || rest.contains("VIRTUAL TABLE") {
                        return None;
                    }
                    let table = rest.split_whitespace().next()?;
                    let in_key_order = self.sql.contains(&format!("ORDER BY {table}.id DESC LIMIT"))
                        || (self.sql.contains(&format!("FROM {table} "))
                            && self.sql.contains("ORDER BY id DESC LIMIT"));
                    if in_key_order && !sorts {
                        return None;
                    }
                    table
                }
            };
            let table = self.table_of(scanned);
            LARGE_TABLES.contains(&table.as_str()).then(|| line.to_owned())
        })
    }

    /// The table behind an alias used in the SQL (`c` is cases, `cu` customers).
    fn table_of(&self, name: &str) -> String {
        for table in LARGE_TABLES {
            if name == table
                || self.sql.contains(&format!("{table} {name} "))
                || self.sql.contains(&format!("{table} {name},"))
            {
                return table.to_owned();
            }
        }
        name.to_owned()
    }
}

impl Store {
    /// Explains every list and search query with representative values: each case
    /// list filter and order, customers by name and email, a customer's transactions
    /// and value, the inbox counts, the problem list and search.
    pub async fn query_plans(&self) -> Result<Vec<QueryPlan>, StoreError> {
        let base = CaseFilter { limit: 25, ..CaseFilter::default() };
        let now = self.now();
        // The inbox leaves snoozed cases out of every view but their own.
        let due = CaseFilter { order: CaseOrder::Due, snoozed: Some(SnoozeFilter::Awake(now)), ..base.clone() };
        let case_lists: Vec<(&str, CaseFilter)> = vec![
            ("cases: newest", base.clone()),
            ("cases: newest, next page", CaseFilter { after: Some("1000".into()), ..base.clone() }),
            ("cases: by status", CaseFilter { status: Some(CaseStatus::Open), ..base.clone() }),
            ("cases: by step", CaseFilter { next_step: Some(Step::Apologise), ..base.clone() }),
            ("cases: by owner", CaseFilter { owner: Some(OwnerFilter::User(1)), ..base.clone() }),
            ("cases: unassigned", CaseFilter { owner: Some(OwnerFilter::Unassigned), ..base.clone() }),
            ("cases: by severity", CaseFilter { severity: Some("high".into()), ..base.clone() }),
            ("cases: of a customer", CaseFilter { customer_id: Some(1), ..base.clone() }),
            ("cases: matching text", CaseFilter { text: Some("cake late".into()), ..base.clone() }),
            ("cases: overdue", CaseFilter { overdue_at: Some(now), ..base.clone() }),
            ("cases: escalated", CaseFilter { escalated: true, ..base.clone() }),
            ("cases: escalated to a person", CaseFilter { escalated_to: Some(1), ..base.clone() }),
            ("cases: snoozed", CaseFilter { snoozed: Some(SnoozeFilter::Asleep(now)), ..base.clone() }),
            ("cases: by tag", CaseFilter { tag: Some("late delivery".into()), ..base.clone() }),
            ("cases: due", due.clone()),
            ("cases: due, next page", CaseFilter { after: Some("1700000000000.5".into()), ..due.clone() }),
            ("cases: due, by status", CaseFilter { status: Some(CaseStatus::Open), ..due.clone() }),
            ("cases: due, by step", CaseFilter { next_step: Some(Step::Apologise), ..due.clone() }),
            ("cases: due, mine", CaseFilter { owner: Some(OwnerFilter::User(1)), ..due.clone() }),
            (
                "cases: due, mine and open",
                CaseFilter { owner: Some(OwnerFilter::User(1)), status: Some(CaseStatus::Open), ..due.clone() },
            ),
            (
                "cases: due, overdue",
                CaseFilter { overdue_at: Some(now), status: Some(CaseStatus::Open), ..due.clone() },
            ),
            ("cases: newest, after the waiting", CaseFilter { waiting_first: true, ..base.clone() }),
            ("cases: due, after the waiting", CaseFilter { waiting_first: true, ..due.clone() }),
            ("cases: closed", CaseFilter { closed: true, ..base.clone() }),
        ];
        let mut queries: Vec<(String, String, Filters)> = Vec::new();
        for (name, filter) in case_lists {
            let (sql, f, _) = self.case_list_query(&filter)?;
            queries.push((name.to_owned(), sql, f));
        }
        for (name, filter) in [
            ("cases: the waiting first", CaseFilter { waiting_first: true, ..base.clone() }),
            ("cases: the waiting first, in the inbox", CaseFilter { waiting_first: true, ..due }),
        ] {
            let (sql, f) = self.waiting_cases_query(&filter)?;
            queries.push((name.to_owned(), sql, f));
        }
        for (name, q, after) in [
            ("customers: newest", None, None),
            ("customers: next page", None, Some("1000")),
            ("customers: by name", Some("ann"), None),
            ("customers: by name, next page", Some("ann"), Some("ann lee\u{1f}12")),
            ("customers: by email", Some("ann@example.com"), None),
        ] {
            let (sql, f, _) = crate::customers::customer_list_query(q, after, 25)?;
            queries.push((name.to_owned(), sql, f));
        }
        let one_customer = || {
            let mut f = Filters::default();
            f.param(Value::Int(1));
            f
        };
        let mut transactions = one_customer();
        transactions.param(Value::Int(50));
        queries.push((
            "transactions of a customer".into(),
            crate::customers::CUSTOMER_TRANSACTIONS.into(),
            transactions,
        ));
        queries.push(("lifetime value".into(), crate::customers::LIFETIME_VALUE.clone(), one_customer()));
        let mut now = Filters::default();
        now.param(Value::Int(crate::millis(self.now())));
        queries.push(("inbox counts by step".into(), crate::search::open_counts_by_step(self.backend()).into(), now));
        let mut problems = Filters::default();
        problems.param(Value::Int(50));
        queries.push(("problems with case counts".into(), crate::problems::list_problems_sql(), problems));
        let mut month = Filters::default();
        month.param(Value::Int(1_700_000_000_000));
        month.param(Value::Int(1_702_000_000_000));
        queries.push(("gestures of a month".into(), crate::approvals::GESTURES_BETWEEN.into(), month));
        let mut given = Filters::default();
        given.param(Value::Int(1));
        given.param(Value::Int(1_700_000_000_000));
        queries.push((
            "gestures of a case or a month".into(),
            crate::approvals::GESTURES_OF_CASE_OR_SINCE.into(),
            given,
        ));
        if let Some((sql, f)) = self.search_query("cake late", 20) {
            queries.push(("search".into(), sql, f));
        }

        let mut plans = Vec::with_capacity(queries.len());
        for (name, sql, f) in queries {
            let plan = self.explain(&sql, &f).await?;
            plans.push(QueryPlan { name, sql, plan });
        }
        Ok(plans)
    }

    async fn explain(&self, sql: &str, f: &Filters) -> Result<String, StoreError> {
        let (explain, column) = match self.backend() {
            Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {sql}"), 3),
            Backend::Postgres => (format!("EXPLAIN {sql}"), 0),
        };
        let rows = f.bind(&explain).fetch_all(self.read()).await?;
        let lines = rows.iter().map(|r| r.try_get::<String, _>(column)).collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }
}
