//! Full-text search over cases, ranked, with the matching words marked. SQLite uses
//! FTS5 (bm25 and `snippet`), PostgreSQL a `tsvector` (ts_rank and ts_headline).

use serde::Serialize;
use sqlx::Row;

use crate::cases::{CASE_COLUMNS, CaseRecord, case};
use crate::query::fts5_query;
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
        let limit = limit.clamp(1, 100);
        let rows = match self.backend() {
            Backend::Sqlite => {
                let Some(q) = fts5_query(text) else {
                    return Ok(Vec::new());
                };
                sqlx::query(&format!(
                    "SELECT {CASE_COLUMNS}, snippet(cases_fts, 1, char(2), char(3), '…', 24) AS snippet
                     FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid JOIN customers cu ON cu.id = c.customer_id
                     WHERE cases_fts MATCH $1 ORDER BY bm25(cases_fts), c.id DESC LIMIT $2"
                ))
                .bind(q)
                .bind(limit)
                .fetch_all(self.read())
                .await?
            }
            Backend::Postgres => {
                // Rank the best few hundred by the index, then draw headlines only for the page.
                sqlx::query(&format!(
                    "WITH q AS (SELECT websearch_to_tsquery('english', $1) AS query),
                     hits AS (SELECT c.id, ts_rank(c.search, q.query) AS rank FROM cases c, q
                              WHERE c.search @@ q.query ORDER BY rank DESC, c.id DESC LIMIT $2)
                     SELECT {CASE_COLUMNS}, ts_headline('english', c.body, q.query,
                        'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=30, MinWords=10') AS snippet
                     FROM hits JOIN cases c ON c.id = hits.id JOIN customers cu ON cu.id = c.customer_id, q
                     ORDER BY hits.rank DESC, c.id DESC"
                ))
                .bind(text)
                .bind(limit)
                .fetch_all(self.read())
                .await?
            }
        };
        rows.iter().map(|row| Ok(CaseHit { case: case(row)?, snippet: row.try_get("snippet")? })).collect()
    }

    /// How many open cases wait on each step: (step, count), for the inbox.
    pub async fn open_counts_by_step(&self) -> Result<Vec<(String, i64)>, StoreError> {
        sqlx::query(
            "SELECT next_step, COUNT(*) AS n FROM cases WHERE status = 'open' AND next_step IS NOT NULL
             GROUP BY next_step",
        )
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|r| Ok((r.try_get("next_step")?, r.try_get("n")?)))
        .collect()
    }
}
