//! Problems: root causes shared by many cases. The prevent step links a case to one.
//! Here too: their status with its dates, staff suggestions and votes, recurrence
//! alarms, and the texts the domain ranks to suggest a problem for a case.

use amends_domain::problem::{self, AlarmReason, ProblemFacts, ProblemStatus, ProblemText, Similarity, SuggestionKind};
use serde::Serialize;
use time::OffsetDateTime;

use crate::cases::parsed;
use crate::db::{self, Conn, Row};
use crate::{Store, StoreError, from_millis, millis};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProblemRecord {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub category: Option<String>,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub corrective_action: String,
    pub preventive_action: String,
    pub status: ProblemStatus,
    pub case_count: i64,
    /// Recurrence alarms its owner has not yet seen.
    pub open_alarms: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub fixing_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub fixed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub verified_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct ProblemPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<Option<String>>,
    pub owner_id: Option<Option<i64>>,
    pub corrective_action: Option<String>,
    pub preventive_action: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestionRecord {
    pub id: i64,
    pub problem_id: i64,
    pub kind: SuggestionKind,
    pub text: String,
    pub author_id: i64,
    pub author_name: String,
    pub votes: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlarmRecord {
    pub id: i64,
    pub problem_id: i64,
    pub problem_title: String,
    pub owner_id: Option<i64>,
    pub case_id: i64,
    pub reason: AlarmReason,
    pub note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub seen_at: Option<OffsetDateTime>,
}

/// A problem suggested for a case, with why.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedProblem {
    pub problem: ProblemRecord,
    pub score: f64,
    pub shared_words: Vec<String>,
}

pub(crate) const PROBLEM_SELECT: &str =
    "SELECT p.id, p.title, p.description, p.status, p.created_at, p.category, p.owner_id,
    u.name AS owner_name, p.corrective_action, p.preventive_action, p.fixing_at, p.fixed_at, p.verified_at,
    (SELECT COUNT(*) FROM cases c WHERE c.problem_id = p.id) AS case_count,
    (SELECT COUNT(*) FROM problem_alarms a WHERE a.problem_id = p.id AND a.seen_at IS NULL) AS open_alarms
    FROM problems p LEFT JOIN users u ON u.id = p.owner_id";

fn opt_time(row: &Row, name: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(name)?.map(from_millis))
}

fn problem(row: &Row) -> Result<ProblemRecord, StoreError> {
    Ok(ProblemRecord {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        category: row.try_get("category")?,
        owner_id: row.try_get("owner_id")?,
        owner_name: row.try_get("owner_name")?,
        corrective_action: row.try_get("corrective_action")?,
        preventive_action: row.try_get("preventive_action")?,
        status: parsed(row, "status")?,
        case_count: row.try_get("case_count")?,
        open_alarms: row.try_get("open_alarms")?,
        created_at: from_millis(row.try_get("created_at")?),
        fixing_at: opt_time(row, "fixing_at")?,
        fixed_at: opt_time(row, "fixed_at")?,
        verified_at: opt_time(row, "verified_at")?,
    })
}

fn suggestion(row: &Row) -> Result<SuggestionRecord, StoreError> {
    Ok(SuggestionRecord {
        id: row.try_get("id")?,
        problem_id: row.try_get("problem_id")?,
        kind: parsed(row, "kind")?,
        text: row.try_get("text")?,
        author_id: row.try_get("author_id")?,
        author_name: row.try_get("author_name")?,
        votes: row.try_get("votes")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

fn alarm(row: &Row) -> Result<AlarmRecord, StoreError> {
    Ok(AlarmRecord {
        id: row.try_get("id")?,
        problem_id: row.try_get("problem_id")?,
        problem_title: row.try_get("problem_title")?,
        owner_id: row.try_get("owner_id")?,
        case_id: row.try_get("case_id")?,
        reason: parsed(row, "reason")?,
        note: row.try_get("note")?,
        created_at: from_millis(row.try_get("created_at")?),
        seen_at: opt_time(row, "seen_at")?,
    })
}

const SUGGESTION_SELECT: &str = "SELECT s.id, s.problem_id, s.kind, s.text, s.author_id, u.name AS author_name,
    s.created_at, (SELECT COUNT(*) FROM problem_votes v WHERE v.suggestion_id = s.id) AS votes
    FROM problem_suggestions s JOIN users u ON u.id = s.author_id";

const ALARM_SELECT: &str = "SELECT a.id, a.problem_id, p.title AS problem_title, p.owner_id, a.case_id, a.reason,
    a.note, a.created_at, a.seen_at FROM problem_alarms a JOIN problems p ON p.id = a.problem_id";

/// Records a recurrence alarm once per problem and case, inside the caller's transaction,
/// and mails it to the problem's owner (once, with the alarm).
pub(crate) async fn raise_alarm_in(
    conn: &mut Conn,
    problem_id: i64,
    case_id: i64,
    reason: AlarmReason,
    note: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let inserted = db::query(
        "INSERT INTO problem_alarms (problem_id, case_id, reason, note, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (problem_id, case_id) DO NOTHING RETURNING id",
    )
    .bind(problem_id)
    .bind(case_id)
    .bind(reason.as_str())
    .bind(note)
    .bind(millis(now))
    .fetch_optional(&mut *conn)
    .await?;
    if inserted.is_some() {
        let reference = amends_domain::CaseReference(case_id);
        let subject = format!("{reference}: recurrence alarm: the fix may not have held");
        mail_owner_in(conn, problem_id, case_id, subject, note.to_owned(), now).await?;
    }
    Ok(())
}

/// Mails the problem's owner about a case, in the caller's transaction; nobody when the
/// problem has no owner (the problems page still shows it).
async fn mail_owner_in(
    conn: &mut Conn,
    problem_id: i64,
    case_id: i64,
    subject: String,
    text: String,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let owner: Option<i64> = db::query("SELECT owner_id FROM problems WHERE id = $1")
        .bind(problem_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get(0))
        .transpose()?
        .flatten();
    if let Some(owner) = owner {
        let to = crate::alerts::AlertTo { user_ids: vec![owner], ..Default::default() };
        crate::alerts::alert_in(conn, &crate::alerts::StaffAlert { case_id, subject, text, to }, now).await?;
    }
    Ok(())
}

/// The problem a prevent step would link, as the domain weighs it.
pub(crate) async fn linked_problem_in(conn: &mut Conn, problem_id: i64) -> Result<problem::LinkedProblem, StoreError> {
    let row = db::query("SELECT title, status, corrective_action, preventive_action FROM problems WHERE id = $1")
        .bind(problem_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("problem"))?;
    Ok(problem::LinkedProblem {
        title: row.try_get("title")?,
        status: parsed(&row, "status")?,
        corrective_action: row.try_get("corrective_action")?,
        preventive_action: row.try_get("preventive_action")?,
    })
}

/// A new case matched a problem at intake: it carries the problem, and the problem's
/// owner is mailed (as a recurrence alarm when the problem was marked fixed).
pub(crate) async fn match_case_in(
    conn: &mut Conn,
    problem_id: i64,
    case: &crate::CaseRecord,
    words: &[String],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let linked = linked_problem_in(conn, problem_id).await?;
    // A root cause staff linked meanwhile stays.
    db::query("UPDATE cases SET problem_id = $2 WHERE id = $1 AND problem_id IS NULL")
        .bind(case.id)
        .bind(problem_id)
        .execute(&mut *conn)
        .await?;
    let shared = words.join(", ");
    if linked.status.counts_as_recurrence() {
        let note = format!(
            "New case {} ({}, by {}) reads like \"{}\", marked {}: the fix may not have held. Shared words: {shared}.",
            case.reference,
            case.customer_name,
            case.channel.as_str().replace('_', " "),
            linked.title,
            linked.status
        );
        return raise_alarm_in(conn, problem_id, case.id, AlarmReason::Matched, &note, now).await;
    }
    let subject = format!("{}: another case for \"{}\"", case.reference, linked.title);
    let text = format!(
        "New case {} ({}, by {}) reads like your problem \"{}\" ({}), and is linked to it. Shared words: {shared}.\n\n\
         In their words:\n{}",
        case.reference,
        case.customer_name,
        case.channel.as_str().replace('_', " "),
        linked.title,
        linked.status,
        case.body
    );
    mail_owner_in(conn, problem_id, case.id, subject, text, now).await
}

/// Links a case to its root cause, in the caller's transaction.
pub(crate) async fn link_case_in(
    conn: &mut Conn,
    problem_id: i64,
    case_id: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let exists = db::query("SELECT id FROM problems WHERE id = $1").bind(problem_id).fetch_optional(&mut *conn).await?;
    if exists.is_none() {
        return Err(StoreError::NotFound("problem"));
    }
    db::query("UPDATE cases SET problem_id = $2 WHERE id = $1")
        .bind(case_id)
        .bind(problem_id)
        .execute(&mut *conn)
        .await?;
    on_case_linked_in(conn, problem_id, case_id, now).await
}

/// Called when a case is linked to a problem: a problem marked fixed or verified has come back.
pub(crate) async fn on_case_linked_in(
    conn: &mut Conn,
    problem_id: i64,
    case_id: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let row = db::query("SELECT title, status FROM problems WHERE id = $1")
        .bind(problem_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(StoreError::NotFound("problem"))?;
    let status: ProblemStatus = parsed(&row, "status")?;
    let title: String = row.try_get("title")?;
    if status.counts_as_recurrence() {
        let note = format!("A case was linked to \"{title}\", marked {status}: the fix may not have held.");
        raise_alarm_in(conn, problem_id, case_id, AlarmReason::Linked, &note, now).await?;
    }
    Ok(())
}

impl Store {
    pub async fn create_problem(
        &self,
        title: &str,
        description: &str,
        created_by: i64,
    ) -> Result<ProblemRecord, StoreError> {
        let now = millis(self.now());
        let id: i64 = db::query(
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
        // Opened: whoever handled its cases is asked for an idea (issue 22 §3).
        self.ask_for_ideas(id).await?;
        self.problem(id).await
    }

    /// A problem as the customer's texts speak of it (its status and actions).
    pub async fn linked_problem(&self, id: i64) -> Result<problem::LinkedProblem, StoreError> {
        let mut conn = self.read().acquire().await?;
        linked_problem_in(&mut conn, id).await
    }

    pub async fn problem(&self, id: i64) -> Result<ProblemRecord, StoreError> {
        let row = db::query(&format!("{PROBLEM_SELECT} WHERE p.id = $1"))
            .bind(id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("problem"))?;
        problem(&row)
    }

    pub async fn list_problems(&self, limit: i64) -> Result<Vec<ProblemRecord>, StoreError> {
        db::query(&list_problems_sql()).bind(limit).fetch_all(self.read()).await?.iter().map(problem).collect()
    }

    pub async fn update_problem(&self, id: i64, patch: &ProblemPatch) -> Result<ProblemRecord, StoreError> {
        let current = self.problem(id).await?;
        if let Some(Some(owner)) = patch.owner_id {
            let exists = db::query("SELECT id FROM users WHERE id = $1 AND active = 1")
                .bind(owner)
                .fetch_optional(self.read())
                .await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("user"));
            }
        }
        db::query(
            "UPDATE problems SET title = $2, description = $3, category = $4, owner_id = $5,
                corrective_action = $6, preventive_action = $7, updated_at = $8 WHERE id = $1",
        )
        .bind(id)
        .bind(patch.title.clone().unwrap_or(current.title))
        .bind(patch.description.clone().unwrap_or(current.description))
        .bind(patch.category.clone().unwrap_or(current.category))
        .bind(patch.owner_id.unwrap_or(current.owner_id))
        .bind(patch.corrective_action.clone().unwrap_or(current.corrective_action))
        .bind(patch.preventive_action.clone().unwrap_or(current.preventive_action))
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.problem(id).await
    }

    /// Moves the problem on, if the domain's rules allow it, stamping the date of the
    /// new status. Compare-and-set on the old status, so two people cannot both move it.
    pub async fn set_problem_status(&self, id: i64, to: ProblemStatus) -> Result<ProblemRecord, StoreError> {
        let current = self.problem(id).await?;
        let from = current.status;
        let facts = ProblemFacts {
            corrective_action: current.corrective_action.clone(),
            preventive_action: current.preventive_action.clone(),
        };
        problem::check_transition(from, to, &facts)
            .map_err(|refused| StoreError::Conflict { field: Some("status"), message: refused.message })?;
        let column = match to {
            ProblemStatus::Open => "updated_at",
            ProblemStatus::Fixing => "fixing_at",
            ProblemStatus::Fixed => "fixed_at",
            ProblemStatus::Verified => "verified_at",
        };
        let now = millis(self.now());
        let done = db::query(&format!(
            "UPDATE problems SET status = $3, {column} = $4, updated_at = $4 WHERE id = $1 AND status = $2"
        ))
        .bind(id)
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(now)
        .execute(self.write())
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict {
                field: Some("status"),
                message: "the problem changed since you loaded it; reload it".into(),
            });
        }
        self.problem(id).await
    }

    pub async fn add_suggestion(
        &self,
        problem_id: i64,
        kind: SuggestionKind,
        text: &str,
        author_id: i64,
    ) -> Result<SuggestionRecord, StoreError> {
        self.problem(problem_id).await?;
        let id: i64 = db::query(
            "INSERT INTO problem_suggestions (problem_id, kind, text, author_id, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(problem_id)
        .bind(kind.as_str())
        .bind(text)
        .bind(author_id)
        .bind(millis(self.now()))
        .fetch_one(self.write())
        .await?
        .try_get(0)?;
        self.suggestion(problem_id, id).await
    }

    pub async fn suggestion(&self, problem_id: i64, id: i64) -> Result<SuggestionRecord, StoreError> {
        let row = db::query(&format!("{SUGGESTION_SELECT} WHERE s.id = $1 AND s.problem_id = $2"))
            .bind(id)
            .bind(problem_id)
            .fetch_optional(self.read())
            .await?
            .ok_or(StoreError::NotFound("suggestion"))?;
        suggestion(&row)
    }

    /// The problem's suggestions, most votes first.
    pub async fn problem_suggestions(&self, problem_id: i64) -> Result<Vec<SuggestionRecord>, StoreError> {
        db::query(&format!("{SUGGESTION_SELECT} WHERE s.problem_id = $1 ORDER BY votes DESC, s.id"))
            .bind(problem_id)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(suggestion)
            .collect()
    }

    /// One vote per person per suggestion: voting again changes nothing.
    pub async fn vote(
        &self,
        problem_id: i64,
        suggestion_id: i64,
        user_id: i64,
    ) -> Result<SuggestionRecord, StoreError> {
        self.suggestion(problem_id, suggestion_id).await?;
        db::query(
            "INSERT INTO problem_votes (suggestion_id, user_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (suggestion_id, user_id) DO NOTHING",
        )
        .bind(suggestion_id)
        .bind(user_id)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.suggestion(problem_id, suggestion_id).await
    }

    pub async fn unvote(
        &self,
        problem_id: i64,
        suggestion_id: i64,
        user_id: i64,
    ) -> Result<SuggestionRecord, StoreError> {
        self.suggestion(problem_id, suggestion_id).await?;
        db::query("DELETE FROM problem_votes WHERE suggestion_id = $1 AND user_id = $2")
            .bind(suggestion_id)
            .bind(user_id)
            .execute(self.write())
            .await?;
        self.suggestion(problem_id, suggestion_id).await
    }

    /// Alarms, newest first: of one problem, or of the problems one person owns.
    pub async fn alarms(
        &self,
        problem_id: Option<i64>,
        owner_id: Option<i64>,
        unseen_only: bool,
    ) -> Result<Vec<AlarmRecord>, StoreError> {
        db::query(&format!(
            "{ALARM_SELECT} WHERE ($1 IS NULL OR a.problem_id = $1) AND ($2 IS NULL OR p.owner_id = $2)
             AND ($3 = 0 OR a.seen_at IS NULL) ORDER BY a.id DESC LIMIT 200"
        ))
        .bind(problem_id)
        .bind(owner_id)
        .bind(i64::from(unseen_only))
        .fetch_all(self.read())
        .await?
        .iter()
        .map(alarm)
        .collect()
    }

    pub async fn mark_alarm_seen(&self, id: i64) -> Result<(), StoreError> {
        let done = db::query("UPDATE problem_alarms SET seen_at = COALESCE(seen_at, $2) WHERE id = $1")
            .bind(id)
            .bind(millis(self.now()))
            .execute(self.write())
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("alarm"));
        }
        Ok(())
    }

    /// The problems' own words and their cases' words, one text per problem, for ranking.
    /// A case's own problem link is left out so it does not vote for itself.
    async fn problem_texts(&self, except_case: Option<i64>) -> Result<Vec<ProblemText>, StoreError> {
        let rows = db::query(
            "SELECT p.id AS problem_id, p.title || ' ' || p.description AS text FROM problems p
             UNION ALL
             SELECT c.problem_id, c.body FROM cases c WHERE c.problem_id IS NOT NULL AND ($1 IS NULL OR c.id <> $1)",
        )
        .bind(except_case)
        .fetch_all(self.read())
        .await?;
        let mut texts: Vec<ProblemText> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for row in rows {
            let id: i64 = row.try_get("problem_id")?;
            let text: String = row.try_get("text")?;
            let at = *index.entry(id).or_insert_with(|| {
                texts.push(ProblemText { problem_id: id, text: String::new() });
                texts.len() - 1
            });
            texts[at].text.push('\n');
            texts[at].text.push_str(&text);
        }
        Ok(texts)
    }

    /// Problems likely behind a case, ranked by how alike its words are to theirs.
    pub async fn suggested_problems(&self, case_id: i64, limit: usize) -> Result<Vec<SuggestedProblem>, StoreError> {
        let case = self.case(case_id).await?;
        let query = format!("{} {}", case.subject.clone().unwrap_or_default(), case.body.as_str());
        let ranked: Vec<Similarity> = problem::rank_problems(&query, &self.problem_texts(Some(case_id)).await?);
        let mut out = Vec::new();
        for s in ranked.into_iter().take(limit) {
            out.push(SuggestedProblem {
                problem: self.problem(s.problem_id).await?,
                score: s.score,
                shared_words: s.shared_words,
            });
        }
        Ok(out)
    }

    /// At intake, whatever the channel: the problems likely behind a new case are ranked
    /// by its words, and a confident match links the case to the problem (a system event
    /// on its timeline; the owner is mailed); a weaker one is only suggested on the case
    /// page. Then a case that looks like a case of a problem marked fixed or verified
    /// (same category, similar words) raises an alarm for the problem's owner. Safe to
    /// repeat. The number of problems matched or alarmed.
    pub async fn check_recurrence(&self, case_id: i64) -> Result<usize, StoreError> {
        let case = self.case(case_id).await?;
        let raised = self.look_alikes(&case).await?;
        let mut matched = 0;
        let takes_steps = !case.status.is_closed() && case.status != amends_domain::CaseStatus::Spam;
        if case.problem_id.is_none() && takes_steps {
            let best = self.suggested_problems(case_id, 1).await?.into_iter().next();
            if let Some(best) = best.filter(|b| {
                problem::is_confident(&Similarity {
                    problem_id: b.problem.id,
                    score: b.score,
                    shared_words: b.shared_words.clone(),
                })
            }) {
                let kind = amends_domain::playbook::EventKind::ProblemMatched {
                    problem_id: best.problem.id,
                    words: best.shared_words.clone(),
                };
                self.record_event(case_id, amends_domain::playbook::Actor::System, kind, None).await?;
                matched += 1;
            }
        }
        Ok(matched + raised)
    }

    /// A new case that looks like a case of a problem marked fixed or verified (same
    /// category, similar words) raises an alarm for the problem's owner.
    async fn look_alikes(&self, case: &crate::CaseRecord) -> Result<usize, StoreError> {
        let case_id = case.id;
        let Some(category) = case.category.clone() else { return Ok(0) };
        let rows = db::query(
            "SELECT p.id AS problem_id, p.title, p.status, p.category AS problem_category, c.category, c.body
             FROM problems p JOIN cases c ON c.problem_id = p.id
             WHERE p.status IN ('fixed', 'verified') AND c.id <> $1",
        )
        .bind(case_id)
        .fetch_all(self.read())
        .await?;
        let mut raised = std::collections::HashSet::new();
        for row in rows {
            let problem_id: i64 = row.try_get("problem_id")?;
            if raised.contains(&problem_id) {
                continue;
            }
            let earlier_category: Option<String> =
                row.try_get::<Option<String>, _>("category")?.or(row.try_get("problem_category")?);
            let body: String = row.try_get("body")?;
            if problem::looks_like(Some(&category), case.body.as_str(), earlier_category.as_deref(), &body) {
                let title: String = row.try_get("title")?;
                let status: ProblemStatus = parsed(&row, "status")?;
                let note = format!(
                    "New case {} looks like the cases of \"{title}\", marked {status}: the fix may not have held.",
                    case.reference
                );
                // The alarm and its mail to the owner, together.
                let mut tx = self.write().begin().await?;
                raise_alarm_in(&mut tx, problem_id, case_id, AlarmReason::LookAlike, &note, self.now()).await?;
                tx.commit().await?;
                raised.insert(problem_id);
            }
        }
        Ok(raised.len())
    }
}

/// The newest problems with their case counts: `$1` how many.
pub(crate) fn list_problems_sql() -> String {
    format!("{PROBLEM_SELECT} ORDER BY p.id DESC LIMIT $1")
}
