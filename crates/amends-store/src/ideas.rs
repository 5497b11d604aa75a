//! Ask the people who do the work (issue 22 §3): when a problem is opened or a case is
//! linked to it, the staff who handled its cases are asked, once each per problem, for
//! their idea on how to stop it happening again (a mail in business hours and an item in
//! their inbox, open until they give one). Ideas are voted on, one vote per person per
//! idea; a manager adopts one, which becomes the problem's preventive action with its
//! author credited.

use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
use crate::jobs::{Job, enqueue_in};
use crate::{Store, StoreError, from_millis, millis};

/// An idea for a problem, with its votes and whether it was adopted.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdeaRecord {
    pub id: i64,
    pub problem_id: i64,
    pub text: String,
    pub author_id: i64,
    pub author_name: String,
    pub votes: i64,
    /// Whether the member of staff reading it voted for it.
    pub voted: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When a manager made it the problem's preventive action (absent: not adopted).
    #[serde(with = "time::serde::rfc3339::option")]
    pub adopted_at: Option<OffsetDateTime>,
    pub adopted_by_name: Option<String>,
}

/// A problem someone's idea is wanted for, as their inbox shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IdeaWanted {
    pub problem_id: i64,
    pub problem_title: String,
    /// How many cases it has now.
    pub case_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: OffsetDateTime,
}

const IDEA_SELECT: &str = "SELECT i.id, i.problem_id, i.text, i.author_id, u.name AS author_name, i.created_at,
    i.adopted_at, a.name AS adopted_by_name,
    (SELECT COUNT(*) FROM problem_idea_votes v WHERE v.idea_id = i.id) AS votes,
    (SELECT COUNT(*) FROM problem_idea_votes v WHERE v.idea_id = i.id AND v.user_id = $1) AS voted
    FROM problem_ideas i JOIN users u ON u.id = i.author_id LEFT JOIN users a ON a.id = i.adopted_by";

fn idea(row: &Row) -> Result<IdeaRecord, StoreError> {
    Ok(IdeaRecord {
        id: row.try_get("id")?,
        problem_id: row.try_get("problem_id")?,
        text: row.try_get("text")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        votes: row.try_get("votes")?,
        voted: row.try_get::<i64, _>("voted")? > 0,
        created_at: from_millis(row.try_get("created_at")?),
        adopted_at: row.try_get::<Option<i64>, _>("adopted_at")?.map(from_millis),
        adopted_by_name: row.try_get("adopted_by_name")?,
    })
}

/// Asks everyone who handled one of the problem's cases (took a step on it, or owns it)
/// and was not asked yet, in the caller's transaction: their inbox item now, their mail
/// by a job that sends it in business hours.
pub(crate) async fn ask_in(conn: &mut Conn, problem_id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    let asked: Vec<i64> = db::query(
        "INSERT INTO idea_requests (problem_id, user_id, asked_at)
         SELECT $1, u.id, $2 FROM users u
         WHERE u.active = 1 AND u.password_hash <> '' AND u.id IN (
             SELECT e.actor_user_id FROM case_events e JOIN cases c ON c.id = e.case_id
             WHERE c.problem_id = $1 AND e.actor_kind = 'staff' AND e.actor_user_id IS NOT NULL
             UNION SELECT c.owner_id FROM cases c WHERE c.problem_id = $1 AND c.owner_id IS NOT NULL)
         ON CONFLICT (problem_id, user_id) DO NOTHING
         RETURNING user_id",
    )
    .bind(problem_id)
    .bind(millis(now))
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    if !asked.is_empty() {
        enqueue_in(conn, &Job::IdeaWanted { problem_id, user_ids: asked }, now, now).await?;
    }
    Ok(())
}

impl Store {
    /// The problem's ideas, the adopted one first, then most votes; `reader` sees which
    /// they voted for.
    pub async fn problem_ideas(&self, problem_id: i64, reader: i64) -> Result<Vec<IdeaRecord>, StoreError> {
        db::query(&format!(
            "{IDEA_SELECT} WHERE i.problem_id = $2
             ORDER BY CASE WHEN i.adopted_at IS NULL THEN 1 ELSE 0 END, votes DESC, i.id"
        ))
        .bind(reader)
        .bind(problem_id)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(idea)
        .collect()
    }

    pub async fn idea(&self, problem_id: i64, idea_id: i64, reader: i64) -> Result<IdeaRecord, StoreError> {
        let row = db::query(&format!("{IDEA_SELECT} WHERE i.id = $2 AND i.problem_id = $3"))
            .bind(reader)
            .bind(idea_id)
            .bind(problem_id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("idea"))?;
        idea(&row)
    }

    /// Keeps an idea; the author's request for one (if they were asked) is answered.
    /// The same words from the same person again are the first idea, not a second one.
    pub async fn add_idea(&self, problem_id: i64, text: &str, author_id: i64) -> Result<IdeaRecord, StoreError> {
        self.problem(problem_id).await?;
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        let same = db::query("SELECT id FROM problem_ideas WHERE problem_id = $1 AND author_id = $2 AND text = $3")
            .bind(problem_id)
            .bind(author_id)
            .bind(text)
            .fetch_optional(&mut *tx)
            .await?;
        let id: i64 = match same {
            Some(row) => row.try_get(0)?,
            None => db::query(
                "INSERT INTO problem_ideas (problem_id, text, author_id, created_at) VALUES ($1, $2, $3, $4)
                 RETURNING id",
            )
            .bind(problem_id)
            .bind(text)
            .bind(author_id)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?,
        };
        db::query(
            "UPDATE idea_requests SET answered_at = $3 WHERE problem_id = $1 AND user_id = $2 AND answered_at IS NULL",
        )
        .bind(problem_id)
        .bind(author_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.idea(problem_id, id, author_id).await
    }

    /// One vote per person per idea: voting again changes nothing.
    pub async fn vote_idea(&self, problem_id: i64, idea_id: i64, user_id: i64) -> Result<IdeaRecord, StoreError> {
        self.idea(problem_id, idea_id, user_id).await?;
        db::query(
            "INSERT INTO problem_idea_votes (idea_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (idea_id, user_id) DO NOTHING",
        )
        .bind(idea_id)
        .bind(user_id)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.idea(problem_id, idea_id, user_id).await
    }

    /// A manager's choice: the idea becomes the problem's preventive action, its author
    /// credited; an idea adopted before it is no longer. Adopting the adopted idea again
    /// changes nothing.
    pub async fn adopt_idea(&self, problem_id: i64, idea_id: i64, manager_id: i64) -> Result<IdeaRecord, StoreError> {
        let chosen = self.idea(problem_id, idea_id, manager_id).await?;
        if chosen.adopted_at.is_some() {
            return Ok(chosen);
        }
        let now = millis(self.now());
        let mut tx = self.write().begin().await?;
        db::query("UPDATE problem_ideas SET adopted_at = NULL, adopted_by = NULL WHERE problem_id = $1")
            .bind(problem_id)
            .execute(&mut *tx)
            .await?;
        db::query("UPDATE problem_ideas SET adopted_at = $2, adopted_by = $3 WHERE id = $1")
            .bind(idea_id)
            .bind(now)
            .bind(manager_id)
            .execute(&mut *tx)
            .await?;
        let action = format!("{} (idea of {})", chosen.text, chosen.author_name);
        db::query("UPDATE problems SET preventive_action = $2, updated_at = $3 WHERE id = $1")
            .bind(problem_id)
            .bind(action)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.idea(problem_id, idea_id, manager_id).await
    }

    /// The problems `user_id` was asked about and has given no idea for yet, newest first;
    /// a verified problem asks no more.
    pub async fn ideas_wanted(&self, user_id: i64) -> Result<Vec<IdeaWanted>, StoreError> {
        db::query(
            "SELECT r.problem_id, p.title, r.asked_at,
                (SELECT COUNT(*) FROM cases c WHERE c.problem_id = p.id) AS case_count
             FROM idea_requests r JOIN problems p ON p.id = r.problem_id
             WHERE r.user_id = $1 AND r.answered_at IS NULL AND p.status <> 'verified'
             ORDER BY r.asked_at DESC, r.problem_id DESC LIMIT 50",
        )
        .bind(user_id)
        .fetch_all(self.read())
        .await?
        .iter()
        .map(|row| {
            Ok(IdeaWanted {
                problem_id: row.try_get("problem_id")?,
                problem_title: row.try_get("title")?,
                case_count: row.try_get("case_count")?,
                asked_at: from_millis(row.try_get("asked_at")?),
            })
        })
        .collect()
    }

    /// How many ideas were adopted between `from` and `to` (the owner's report).
    pub async fn ideas_adopted(&self, from: OffsetDateTime, to: OffsetDateTime) -> Result<i64, StoreError> {
        Ok(db::query("SELECT COUNT(*) FROM problem_ideas WHERE adopted_at >= $1 AND adopted_at < $2")
            .bind(millis(from))
            .bind(millis(to))
            .fetch_one(self.read())
            .await?
            .try_get(0)?)
    }

    /// Asks the staff who handled the problem's cases for their ideas (see [`ask_in`]).
    pub async fn ask_for_ideas(&self, problem_id: i64) -> Result<(), StoreError> {
        let mut tx = self.write().begin().await?;
        ask_in(&mut tx, problem_id, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
