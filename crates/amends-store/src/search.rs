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

impl Store {
    /// The cases whose words (subject and body) match every word of `text`, best first.
    pub async fn search_cases(&self, text: &str, limit: i64) -> Result<Vec<CaseHit>, StoreError> {
        let Some((sql, f)) = self.search_query(text, limit) else {
            return Ok(Vec::new());
        };
        let rows = f.bind(&sql).fetch_all(self.read()).await?;
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
                format!(
                    "SELECT {CASE_COLUMNS}, snippet(cases_fts, 1, char(2), char(3), '…', 24) AS snippet
                     FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid JOIN customers cu ON cu.id = c.customer_id
                     WHERE cases_fts MATCH {q} ORDER BY bm25(cases_fts), c.id DESC LIMIT {l}"
                )
            }
            Backend::Postgres => {
                let q = f.param(Value::Text(text.to_owned()));
                let l = f.param(Value::Int(limit));
                // Rank the best few hundred by the index, then draw headlines only for the page.
                format!(
                    "WITH q AS (SELECT websearch_to_tsquery('english', {q}) AS query),
                     hits AS (SELECT c.id, ts_rank(c.search, q.query) AS rank FROM cases c, q
                              WHERE c.search @@ q.query ORDER BY rank DESC, c.id DESC LIMIT {l})
                     SELECT {CASE_COLUMNS}, ts_headline('english', c.body, q.query,
                        'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10') AS snippet
                     FROM hits JOIN cases c ON c.id = hits.id JOIN customers cu ON cu.id = c.customer_id, q
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
