//! Merging duplicate cases and linking related ones. A merge appends `merged` to the
//! duplicate and `merged_in` to the survivor in one transaction; no event moves, so
//! both timelines stay as they were written, and the survivor's timeline is read
//! together with those of the cases merged into it. Whatever points at a merged case
//! (a customer's link, a reply to its messages, its tag in a subject) is followed to
//! the survivor.

use amends_domain::merge::{CaseSide, check_link, check_merge};
use amends_domain::playbook::{Actor, EventKind};
use sqlx::{AnyConnection, Row};

use crate::cases::{CaseRecord, EventRecord, append_event_in, case_by_id, event};
use crate::{Store, StoreError};

/// How far a chain of merges is followed; a longer one means a cycle, which merges
/// refuse to make.
const MAX_CHAIN: usize = 64;

/// The case that carries on for `case_id`: itself, or the end of its chain of merges.
pub(crate) async fn survivor_in(conn: &mut AnyConnection, case_id: i64) -> Result<i64, StoreError> {
    let mut id = case_id;
    for _ in 0..MAX_CHAIN {
        let row = sqlx::query("SELECT merged_into FROM cases WHERE id = $1")
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

fn side(c: &CaseRecord) -> CaseSide {
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

    /// Merges `absorbed` into `into`, or into the case `into` was itself merged into.
    pub async fn merge_cases(&self, into: i64, absorbed: i64, actor: Actor) -> Result<Merge, StoreError> {
        let mut tx = self.write().begin().await?;
        let survivor_id = survivor_in(&mut tx, into).await?;
        let survivor = case_by_id(&mut tx, survivor_id).await?;
        let duplicate = case_by_id(&mut tx, absorbed).await?;
        check_merge(side(&survivor), side(&duplicate))?;
        let policy = &self.settings().due;
        append_event_in(&mut tx, policy, absorbed, actor, EventKind::Merged { into: survivor_id }, None).await?;
        append_event_in(&mut tx, policy, survivor_id, actor, EventKind::MergedIn { from: absorbed }, None).await?;
        let merge =
            Merge { survivor: case_by_id(&mut tx, survivor_id).await?, absorbed: case_by_id(&mut tx, absorbed).await? };
        tx.commit().await?;
        Ok(merge)
    }

    /// Links two cases of one customer, with an event on each.
    pub async fn link_cases(&self, case_id: i64, other_id: i64, actor: Actor) -> Result<CaseRecord, StoreError> {
        let mut tx = self.write().begin().await?;
        let case = case_by_id(&mut tx, case_id).await?;
        let other = case_by_id(&mut tx, other_id).await?;
        check_link(side(&case), side(&other))?;
        let policy = &self.settings().due;
        append_event_in(&mut tx, policy, case_id, actor, EventKind::CaseLinked { case_id: other_id }, None).await?;
        append_event_in(&mut tx, policy, other_id, actor, EventKind::CaseLinked { case_id }, None).await?;
        let record = case_by_id(&mut tx, case_id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The ids of the cases merged into `case_id`, directly or through other merges.
    pub async fn merged_case_ids(&self, case_id: i64) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
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

    /// The events of the cases merged into `case_id` (directly or down a chain), oldest
    /// first; each keeps the id of the case it happened on. Given the case's own
    /// timeline, a case nothing was merged into costs no query.
    pub async fn merged_events(&self, case_id: i64, timeline: &[EventRecord]) -> Result<Vec<EventRecord>, StoreError> {
        if !timeline.iter().any(|e| matches!(e.event.kind, amends_domain::playbook::EventKind::MergedIn { .. })) {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "WITH RECURSIVE absorbed(id) AS (
                 SELECT id FROM cases WHERE merged_into = $1
                 UNION SELECT c.id FROM cases c JOIN absorbed a ON c.merged_into = a.id)
             SELECT e.* FROM case_events e WHERE e.case_id IN (SELECT id FROM absorbed) ORDER BY e.at, e.id",
        )
        .bind(case_id)
        .fetch_all(self.read())
        .await?;
        rows.iter().map(event).collect()
    }
}
