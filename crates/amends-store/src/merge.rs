//! Merging duplicate cases and linking related ones. A merge appends `merged` to the
//! duplicate and `merged_in` to the survivor in one transaction; no event moves, so
//! both timelines stay as they were written, and the survivor's timeline is read
//! together with those of the cases merged into it. Whatever points at a merged case
//! (a customer's link, a reply to its messages, its tag in a subject) is followed to
//! the survivor.

use amends_domain::merge::CaseSide;

use crate::cases::{CaseRecord, EventRecord, event};
use crate::db::{self, Conn};
use crate::{Store, StoreError};

/// How far a chain of merges is followed; a longer one means a cycle, which merges
/// refuse to make.
const MAX_CHAIN: usize = 64;

/// The case that carries on for `case_id`: itself, or the end of its chain of merges.
pub(crate) async fn survivor_in(conn: &mut Conn, case_id: i64) -> Result<i64, StoreError> {
    let mut id = case_id;
    for _ in 0..MAX_CHAIN {
        let row = db::query("SELECT merged_into FROM cases WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound("case"))?;
        match row.try_get::<Option<i64>, _>(0)? {
            Some(next) => id = next,
            None => return Ok(id),
        }
    }
    Err(StoreError::Corrupt(format!("the merges from case {case_id} form a cycle")))
}

pub(crate) fn side(c: &CaseRecord) -> CaseSide {
    CaseSide { id: c.id, customer_id: c.customer_id, merged_into: c.merged_into }
}

/// What a merge did: the case that carries on, and the duplicate as it is now.
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Merge {
    pub survivor: CaseRecord,
    pub absorbed: CaseRecord,
}

impl Store {
    /// The case that carries on for `case_id` (itself unless it was merged).
    pub async fn surviving_case(&self, case_id: i64) -> Result<i64, StoreError> {
        let mut conn = self.read().acquire().await?;
        survivor_in(&mut conn, case_id).await
    }

    /// The ids of the cases merged into `case_id`, directly or through other merges.
    pub async fn merged_case_ids(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = db::query(
            "WITH RECURSIVE absorbed(id) AS (
                 SELECT id FROM cases WHERE merged_into = $1
                 UNION SELECT c.id FROM cases c JOIN absorbed a ON c.merged_into = a.id)
             SELECT id FROM absorbed ORDER BY id",
        )
        .bind(case_id)
        .fetch_all(self.read())
        .await?;
        rows.iter().map(|r| r.try_get::<i64, _>(0).map_err(StoreError::from)).collect()
    }
}

/// The events of the cases merged into `case_id` (directly or down a chain), oldest
/// first; each keeps the id of the case it happened on. Given the case's own
/// timeline, a case nothing was merged into costs no query.
pub(crate) async fn merged_events(
    conn: &mut Conn,
    case_id: i64,
    timeline: &[EventRecord],
) -> Result<Vec<EventRecord>, StoreError> {
    if !timeline.iter().any(|e| matches!(e.event.kind, amends_domain::playbook::EventKind::MergedIn { .. })) {
        return Ok(Vec::new());
    }
    let rows = db::query(
        "WITH RECURSIVE absorbed(id) AS (
             SELECT id FROM cases WHERE merged_into = $1
             UNION SELECT c.id FROM cases c JOIN absorbed a ON c.merged_into = a.id)
         SELECT e.* FROM case_events e WHERE e.case_id IN (SELECT id FROM absorbed) ORDER BY e.at, e.id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(event).collect()
}
