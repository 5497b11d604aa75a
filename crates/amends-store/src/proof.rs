//! Proof of improvement: a fixed problem's disclosure of kind `proof`, one per problem,
//! whose recipients are the customers with a case linked to it (one row each, so a proof
//! sent again tells only those linked since), and the walking testimonials of satisfied
//! customers we kept. The sending is the disclosures' (`disclosures.rs`, the job's
//! batches); the events on each case are written by `commands.rs` through the step.

use amends_domain::disclosure::{DisclosureStatus, RecipientStatus};
use amends_domain::playbook::Outcome;
use amends_domain::proof::ProofGesture;
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn, Row};
use crate::disclosures::Progress;
use crate::{Store, StoreError, from_millis, millis};

/// A problem's proof: what the manager wrote, and how its sending stands.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofRecord {
    pub problem_id: i64,
    /// What was changed, as the manager wrote it (the latest proof's words).
    pub text: String,
    /// `sending` while notices are queued, `sent` once all are.
    pub status: DisclosureStatus,
    pub progress: Progress,
    /// Customers told by this request: 0 when everyone affected was told before.
    pub told_now: i64,
    /// Words the coach held, sent anyway with this reason.
    pub coach_override: Option<String>,
}

/// One customer a problem affected, with their case and whether they were told.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProofRecipient {
    pub customer_id: i64,
    pub customer_name: String,
    pub case_id: i64,
    pub case_reference: String,
    /// The case's outcome: `retained`, `lost`, or null while it is open.
    pub outcome: Option<Outcome>,
    /// Where their proof stands (as a disclosure's notice: `selected`, `queued`, `sent`,
    /// `failed`); null when not told yet (a case linked since the last proof).
    pub status: Option<RecipientStatus>,
    /// `email` or `letter` once told; null before.
    pub channel: Option<String>,
    /// What a lost customer was offered with it.
    pub gesture: Option<ProofGesture>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub told_at: Option<OffsetDateTime>,
    /// When their next order after the proof won them back.
    #[serde(with = "time::serde::rfc3339::option")]
    pub won_back_at: Option<OffsetDateTime>,
    pub error: Option<String>,
}

/// A customer's answer to "would you recommend us?", with their few words.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Testimonial {
    pub id: i64,
    pub case_id: i64,
    pub case_reference: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub recommend: bool,
    /// Their words, as they wrote them (may be empty).
    pub words: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// The latest case of each customer linked to a problem (not in the spam folder, not
/// merged away): whom a proof tells, about which case.
pub(crate) const AFFECTED: &str = "SELECT k.id AS case_id, k.customer_id, k.status FROM cases k
    WHERE k.id IN (SELECT MAX(c.id) FROM cases c WHERE c.problem_id = $1 AND c.status NOT IN ('spam', 'merged')
                   GROUP BY c.customer_id)";

/// A case's outcome from its status column.
pub(crate) fn outcome_of(status: &str) -> Option<Outcome> {
    status.parse().ok()
}

fn recipient(row: &Row) -> Result<ProofRecipient, StoreError> {
    let case_id: i64 = row.try_get("case_id")?;
    let status: Option<String> = row.try_get("status")?;
    let by_letter = row
        .try_get::<Option<bool>, _>("by_letter")
        .or_else(|_| row.try_get::<Option<i64>, _>("by_letter").map(|b| b.map(|b| b != 0)))?;
    let outbox_id: Option<i64> = row.try_get("outbox_id")?;
    let channel = match (status.is_some(), by_letter, outbox_id) {
        (false, _, _) => None,
        (true, _, Some(_)) => Some("email"),
        (true, Some(true), None) => Some("letter"),
        (true, _, None) => None,
    };
    let gesture: Option<String> = row.try_get("gesture")?;
    Ok(ProofRecipient {
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        case_id,
        case_reference: amends_domain::CaseReference(case_id).to_string(),
        outcome: match row.try_get::<Option<String>, _>("outcome")? {
            Some(o) => outcome_of(&o),
            None => None,
        },
        status: match status {
            Some(s) => Some(s.parse().map_err(|_| StoreError::Corrupt(format!("recipient status: {s:?}")))?),
            None => None,
        },
        channel: channel.map(str::to_owned),
        gesture: match gesture {
            Some(g) => Some(serde_json::from_str(&g).map_err(|e| StoreError::Corrupt(format!("gesture: {e}")))?),
            None => None,
        },
        told_at: row.try_get::<Option<i64>, _>("told_at")?.map(from_millis),
        won_back_at: row.try_get::<Option<i64>, _>("won_back_at")?.map(from_millis),
        error: row.try_get("error")?,
    })
}

fn testimonial(row: &Row) -> Result<Testimonial, StoreError> {
    let case_id: i64 = row.try_get("case_id")?;
    Ok(Testimonial {
        id: row.try_get("id")?,
        case_id,
        case_reference: amends_domain::CaseReference(case_id).to_string(),
        customer_id: row.try_get("customer_id")?,
        customer_name: row.try_get("customer_name")?,
        recommend: row.try_get::<i64, _>("recommend")? != 0,
        words: row.try_get("words")?,
        created_at: from_millis(row.try_get("created_at")?),
    })
}

const PROOF_OF: &str = "SELECT id, coach_override FROM disclosures WHERE problem_id = $1 AND kind = 'proof'";

/// The id of the problem's proof, if one was sent.
pub(crate) async fn proof_id_in(conn: &mut Conn, problem_id: i64) -> Result<Option<i64>, StoreError> {
    Ok(db::query(PROOF_OF).bind(problem_id).fetch_optional(&mut *conn).await?.map(|r| r.try_get(0)).transpose()?)
}

/// Of `customers`, those a proof told about a lost case who are not won back yet: one
/// query per batch of transactions, so an import stays a few statements per thousand.
pub(crate) async fn lost_and_told_in(
    conn: &mut Conn,
    backend: crate::Backend,
    customers: impl Iterator<Item = i64>,
) -> Result<std::collections::HashSet<i64>, StoreError> {
    let mut ids: Vec<i64> = customers.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let sql = format!(
        "SELECT DISTINCT customer_id FROM disclosure_recipients
         WHERE customer_id IN ({}) AND outcome = 'lost' AND won_back_at IS NULL AND told_at IS NOT NULL",
        crate::query::in_list(backend, ids.len())
    );
    let mut q = db::query_as::<(i64,)>(&sql);
    for id in &ids {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut *conn).await?.into_iter().map(|(id,)| id).collect())
}

/// A testimonial with its customer's name, as every read of them selects it.
const TESTIMONIALS: &str = "SELECT t.id, t.case_id, t.customer_id, c.name AS customer_name, t.recommend, t.words, \
     t.created_at FROM testimonials t JOIN customers c ON c.id = t.customer_id";

impl Store {
    /// The problem's proof as it stands, None before the first one.
    pub async fn proof(&self, problem_id: i64) -> Result<Option<ProofRecord>, StoreError> {
        let Some(row) = db::query(PROOF_OF).bind(problem_id).fetch_optional(self.read()).await? else {
            return Ok(None);
        };
        let d = self.disclosure(row.try_get("id")?).await?;
        let coach_override: Option<String> = row.try_get("coach_override")?;
        Ok(Some(ProofRecord {
            problem_id,
            text: d.explanation,
            status: d.status,
            progress: d.progress,
            told_now: 0,
            coach_override,
        }))
    }

    /// Every customer with a case linked to the problem (their latest), and those told
    /// before whose case has left it since, each with their proof's state; oldest case
    /// first.
    pub async fn proof_recipients(&self, problem_id: i64) -> Result<Vec<ProofRecipient>, StoreError> {
        self.problem(problem_id).await?;
        let sql = format!(
            "WITH a AS ({AFFECTED}),
             r AS (SELECT r.* FROM disclosure_recipients r JOIN disclosures d ON d.id = r.disclosure_id
                   WHERE d.problem_id = $1 AND d.kind = 'proof')
             SELECT COALESCE(r.case_id, a.case_id) AS case_id, cu.id AS customer_id, cu.name AS customer_name,
                 COALESCE(r.outcome, CASE WHEN k.status IN ('retained', 'lost') THEN k.status END) AS outcome,
                 CASE WHEN r.status = 'queued' AND o.status IN ('sent', 'failed') THEN o.status ELSE r.status END
                     AS status,
                 r.letter_text IS NOT NULL AS by_letter, r.outbox_id, r.gesture, r.told_at, r.won_back_at,
                 COALESCE(r.error, o.last_error) AS error
             FROM (SELECT customer_id FROM a UNION SELECT customer_id FROM r) ids
             LEFT JOIN a ON a.customer_id = ids.customer_id LEFT JOIN r ON r.customer_id = ids.customer_id
             JOIN customers cu ON cu.id = ids.customer_id
             JOIN cases k ON k.id = COALESCE(r.case_id, a.case_id)
             LEFT JOIN outbox o ON o.id = r.outbox_id
             ORDER BY COALESCE(r.case_id, a.case_id)"
        );
        db::query(&sql).bind(problem_id).fetch_all(self.read()).await?.iter().map(recipient).collect()
    }

    /// The testimonials given, newest first, after `before` (an id) for the next page.
    pub async fn testimonials(&self, before: Option<i64>, limit: i64) -> Result<Vec<Testimonial>, StoreError> {
        db::query(&format!("{TESTIMONIALS} WHERE t.id < $1 ORDER BY t.id DESC LIMIT $2"))
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(testimonial)
            .collect()
    }

    /// The testimonials given in `[from, to)`, newest first, at most `limit`.
    pub async fn testimonials_between(
        &self,
        from: OffsetDateTime,
        to: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<Testimonial>, StoreError> {
        db::query(&format!("{TESTIMONIALS} WHERE t.created_at >= $1 AND t.created_at < $2 ORDER BY t.id DESC LIMIT $3"))
            .bind(millis(from))
            .bind(millis(to))
            .bind(limit)
            .fetch_all(self.read())
            .await?
            .iter()
            .map(testimonial)
            .collect()
    }

    /// The case's testimonial, if the customer gave one.
    pub async fn case_testimonial(&self, case_id: i64) -> Result<Option<Testimonial>, StoreError> {
        db::query(&format!("{TESTIMONIALS} WHERE t.case_id = $1"))
            .bind(case_id)
            .fetch_optional(self.read())
            .await?
            .as_ref()
            .map(testimonial)
            .transpose()
    }

    /// Keeps a customer's testimonial: one per case, so the form sent twice keeps the
    /// first (the answer is the one kept). Whether they may be asked is the domain's
    /// rule, checked by the caller on the case's timeline.
    pub async fn give_testimonial(
        &self,
        case_id: i64,
        recommend: bool,
        words: &str,
    ) -> Result<Testimonial, StoreError> {
        db::query(
            "INSERT INTO testimonials (case_id, customer_id, recommend, words, created_at)
             SELECT id, customer_id, $2, $3, $4 FROM cases WHERE id = $1
             ON CONFLICT (case_id) DO NOTHING",
        )
        .bind(case_id)
        .bind(i64::from(recommend))
        .bind(words)
        .bind(millis(self.now()))
        .execute(self.write())
        .await?;
        self.case_testimonial(case_id).await?.ok_or(StoreError::NotFound("case"))
    }
}
