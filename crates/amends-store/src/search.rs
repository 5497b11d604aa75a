//! Full-text search over cases, ranked, with the matching words marked. SQLite uses
//! FTS5 (bm25 and `snippet`), PostgreSQL a `tsvector` (ts_rank and ts_headline).

use serde::Serialize;

use crate::cases::{CASE_COLUMNS, CaseRecord, case};
use crate::db;
use crate::query::{Filters, Value, fts5_query};
use crate::{Backend, Store, StoreError};

/// Marks around a matching word in a snippet. Control characters cannot come from a
/// complaint's words in the index, so the web layer can escape the snippet and then
/// swap these for `<mark>` safely.
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

#[derive(Debug, Clone, Serialize)]
pub struct CaseHit {
    #[serde(flatten)]
    pub case: CaseRecord,
    /// A short passage around the match, matches between [`MARK_START`] and [`MARK_END`].
    pub snippet: String,
}

/// How many of the newest matches a search ranks. Past this, older matches are not
/// considered: a desk searches for what is going on, and ranking every case that holds
/// a common word would take a second at a million cases.
const RANKED: i64 = 2_000;

impl Store {
    /// The cases whose words (subject and body) match every word of `text`, best first
    /// among the newest [`RANKED`] that match.
    pub async fn search_cases(&self, text: &str, limit: i64) -> Result<Vec<CaseHit>, StoreError> {
        let Some((sql, f)) = self.search_query(text, limit) else {
            return Ok(Vec::new());
        };
        let rows = f.bind(&sql).plan_each_time().fetch_all(self.read()).await?;
        rows.iter().map(|row| Ok(CaseHit { case: case(row, self.now())?, snippet: row.try_get("snippet")? })).collect()
    }

    /// The SQL and values of a search (also what [`Store::query_plans`] explains);
    /// none when the text has no word to look for.
    pub(crate) fn search_query(&self, text: &str, limit: i64) -> Option<(String, Filters)> {
        let limit = limit.clamp(1, 100);
        let mut f = Filters::default();
        let sql = match self.backend() {
            Backend::Sqlite => {
                let q = f.param(Value::Text(fts5_query(text)?));
                let l = f.param(Value::Int(limit));
                // The newest matches are ranked (the index walks them newest first and
                // stops), then the page's snippets are drawn by rowid: a word in a quarter
                // of a million cases costs what a rare one does.
                format!(
                    "WITH recent AS (SELECT rowid AS id, bm25(cases_fts) AS rank FROM cases_fts
                                     WHERE cases_fts MATCH {q} ORDER BY rowid DESC LIMIT {RANKED}),
                     top AS (SELECT id, rank FROM recent ORDER BY rank, id DESC LIMIT {l})
                     SELECT {CASE_COLUMNS}, snippet(cases_fts, 1, char(2), char(3), '…', 24) AS snippet
                     FROM top CROSS JOIN cases_fts ON cases_fts.rowid = top.id
                     JOIN cases c ON c.id = top.id JOIN customers cu ON cu.id = c.customer_id
                     WHERE cases_fts MATCH {q} ORDER BY top.rank, c.id DESC"
                )
            }
            Backend::Postgres => {
                let q = f.param(Value::Text(text.to_owned()));
                let l = f.param(Value::Int(limit));
                // The same bound: the newest matches are ranked, headlines drawn for the page.
                // The words stand in the statement itself (not in a CTE) so that the planner
                // sees how common they are: a common word walks the newest cases and stops,
                // a rare one reads its few matches from the index.
                let query = format!("websearch_to_tsquery('english', {q})");
                format!(
                    "WITH recent AS (SELECT c.id, c.search FROM cases c
                                     WHERE c.search @@ {query} ORDER BY c.id DESC LIMIT {RANKED}),
                     hits AS (SELECT recent.id, ts_rank(recent.search, {query}) AS rank FROM recent
                              ORDER BY rank DESC, recent.id DESC LIMIT {l})
                     SELECT {CASE_COLUMNS}, ts_headline('english', c.body, {query},
                        'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10') AS snippet
                     FROM hits JOIN cases c ON c.id = hits.id JOIN customers cu ON cu.id = c.customer_id
                     ORDER BY hits.rank DESC, c.id DESC"
                )
            }
        };
        Some((sql, f))
    }

    /// How many open cases wait on each step: (step, count), for the inbox. Snoozed
    /// cases are not counted, as the inbox does not list them.
    pub async fn open_counts_by_step(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = db::query(open_counts_by_step(self.backend()))
            .bind(crate::millis(self.now()))
            .fetch_all(self.read())
            .await?;
        let mut counts = Vec::with_capacity(rows.len());
        let mut kept_rows = 0;
        for row in &rows {
            let n: i64 = row.try_get("n")?;
            kept_rows += row.try_get::<i64, _>("kept_rows")?;
            if n > 0 {
                counts.push((row.try_get("next_step")?, n));
            }
        }
        if kept_rows > FOLD_STEP_COUNTS_AT {
            // Every write appends its changes to the counts; folding them keeps this
            // read to a few rows. A failure costs nothing but a later retry.
            if let Err(e) = db::query(FOLD_STEP_COUNTS).execute(self.write()).await {
                tracing::warn!(error = %e, "the inbox's step counts were not folded");
            }
        }
        Ok(counts)
    }
}

/// The inbox's counts per step. PostgreSQL sums what its triggers keep (migration 29)
/// and takes off the cases asleep now, read from the snooze index; SQLite counts the
/// open cases from their covering index. `kept_rows` says how many rows were summed.
pub(crate) fn open_counts_by_step(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => {
            "SELECT next_step, COUNT(*) AS n, 0 AS kept_rows FROM cases WHERE status = 'open' \
             AND next_step IS NOT NULL AND (snoozed_until IS NULL OR snoozed_until <= $1) GROUP BY next_step"
        }
        Backend::Postgres => {
            "SELECT next_step, CAST(SUM(n) AS BIGINT) AS n, CAST(SUM(kept) AS BIGINT) AS kept_rows FROM (
                 SELECT next_step, n, 1 AS kept FROM step_counts
                 UNION ALL
                 SELECT next_step, -COUNT(*), 0 FROM cases
                 WHERE snoozed_until > $1 AND status = 'open' AND next_step IS NOT NULL GROUP BY next_step
             ) counted GROUP BY next_step"
        }
    }
}

/// More rows than this in PostgreSQL's `step_counts` and a reader folds them.
const FOLD_STEP_COUNTS_AT: i64 = 200;

/// One row per step again, in one statement: rows appended meanwhile by other
/// transactions are not in its snapshot, so they are neither deleted nor counted twice.
const FOLD_STEP_COUNTS: &str = "WITH gone AS (DELETE FROM step_counts RETURNING next_step, n)
     INSERT INTO step_counts (next_step, n)
     SELECT next_step, SUM(n) FROM gone GROUP BY next_step HAVING SUM(n) <> 0";
