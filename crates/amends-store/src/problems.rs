//! Problems: root causes shared by many cases. The prevent step links a case to one.

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::OffsetDateTime;

use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
pub struct ProblemRecord {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub status: String,
    pub case_count: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

pub(crate) const PROBLEM_SELECT: &str = "SELECT p.id, p.title, p.description, p.status, p.created_at,
    (SELECT COUNT(*) FROM cases c WHERE c.problem_id = p.id) AS case_count FROM problems p";

fn problem(row: &AnyRow) -> Result<ProblemRecord, StoreError> {
    Ok(ProblemRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        status: row.try_get("status")?,
        case_count: row.try_get("case_count")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

impl Store {
    pub async fn create_problem(
        &self,
        title: &str,
        description: &str,
        created_by: i64,
    ) -> Result<ProblemRecord, StoreError> {
        let now = millis(OffsetDateTime::now_utc());
        let id: i64 = sqlx::query(
            "INSERT INTO problems (title, description, status, created_by, created_at, updated_at)
             VALUES ($1, $2, 'open', $3, $4, $4) RETURNING id",
        )
        .bind(title)
        .bind(description)
        .bind(created_by)
        .bind(now)
        .fetch_one(self.write())
        .await?
        .try_get(0)?;
        self.problem(id).await
    }

    pub async fn problem(&self, id: i64) -> Result<ProblemRecord, StoreError> {
        let row = sqlx::query(&format!("{PROBLEM_SELECT} WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("problem"))?;
        problem(&row)
    }

    pub async fn list_problems(&self, limit: i64) -> Result<Vec<ProblemRecord>, StoreError> {
        sqlx::query(&list_problems_sql()).bind(limit).fetch_all(self.read()).await?.iter().map(problem).collect()
    }
}

/// The newest problems with their case counts: `$1` how many.
pub(crate) fn list_problems_sql() -> String {
    format!("{PROBLEM_SELECT} ORDER BY p.id DESC LIMIT $1")
}
