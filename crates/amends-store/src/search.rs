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
        db::query(OPEN_COUNTS_BY_STEP)
            .bind(crate::millis(self.now()))
            .fetch_all(self.read())
            .await?
            .iter()
            .map(|r| Ok((r.try_get("next_step")?, r.try_get("n")?)))
            .collect()
    }
}

pub(crate) const OPEN_COUNTS_BY_STEP: &str = "SELECT next_step, COUNT(*) AS n FROM cases WHERE status = 'open' AND next_step IS NOT NULL \
     AND (snoozed_until IS NULL OR snoozed_until <= $1) GROUP BY next_step";
