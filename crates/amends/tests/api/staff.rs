//! Staff as a scenario drives them: one method per thing a person at the desk does,
//! each answer read into a small type, so that a test reads as the story it tells
//! (`ann.open_case(..)`, `ann.restate(..)`, `ann.apologise(..)`).
//!
//! The types here are the tests' own reading of the JSON the API serves, not the
//! server's types: a changed answer shape fails these tests as it would fail a client.

use amends_domain::Role;
use reqwest::Method;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::helpers::{Answer, TestApp};

/// A case as the API shows it: the fields scenarios look at.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    pub id: i64,
    pub reference: String,
    pub customer_id: i64,
    pub status: String,
    pub next_step: Option<String>,
    pub next_due_at: Option<String>,
    pub version: i64,
    #[serde(default)]
    pub snoozed: bool,
    pub snoozed_until: Option<String>,
    /// The customer's words, byte for byte.
    pub body: String,
    /// What the customer wished for, in their words.
    pub wish: Option<String>,
    /// Present when the whole case was read (not on a step's answer).
    #[serde(default)]
    pub timeline: Vec<Event>,
}

impl Case {
    /// The events of `kind`, oldest first.
    pub fn events(&self, kind: &str) -> Vec<&Event> {
        self.timeline.iter().filter(|e| e.kind == kind).collect()
    }
}

/// One event on a timeline: its kind, and the rest as the API wrote it.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub kind: String,
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl Event {
    pub fn text(&self) -> &str {
        self.fields.get("text").and_then(Value::as_str).unwrap_or_default()
    }
}

/// A message to the customer, as staff see it in the case's outbox.
#[derive(Debug, Clone, Deserialize)]
pub struct Message {
    pub purpose: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub text_body: String,
    pub message_id: String,
}

/// A step the desk would not take: the status and the error shape's fields.
#[derive(Debug, Clone, Deserialize)]
pub struct Refusal {
    #[serde(skip)]
    pub status: u16,
    pub error: String,
    pub message: String,
    pub field: Option<String>,
}

/// Someone at the desk, signed in with an API token.
pub struct Staff<'a> {
    app: &'a TestApp,
    pub id: i64,
    pub token: String,
}

impl TestApp {
    /// A new member of staff with `role`, made by the admin, holding an API token.
    pub async fn member(&self, role: Role) -> Staff<'_> {
        let (id, token) = self.staff(role.as_str()).await;
        Staff { app: self, id, token }
    }
}

/// Reads an answer's body into `T`, or says what came instead.
#[track_caller]
fn read<T: DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("unexpected answer ({e}): {body}"))
}

impl Staff<'_> {
    /// Logs a complaint by phone for a new customer (named Ann Lee).
    pub async fn open_case(&self, email: &str, words: &str) -> Case {
        read(self.app.complaint(&self.token, email, words).await)
    }

    /// The case as it is now, with its timeline.
    pub async fn case(&self, case: &Case) -> Case {
        read(self.app.get(&format!("/api/v1/cases/{}", case.id), &self.token).await.expect(200))
    }

    /// Takes the step at `path` (`restatement`, `offer/choice`, …) and returns the case
    /// after it, or the refusal.
    pub async fn try_step(&self, case: &Case, path: &str, body: Value) -> Result<Case, Refusal> {
        let answer: Answer = self.app.post(&format!("/api/v1/cases/{}/{path}", case.id), &self.token, body).await;
        if answer.status.as_u16() == 200 {
            return Ok(read(answer.body["case"].clone()));
        }
        let mut refusal: Refusal = read(answer.body);
        refusal.status = answer.status.as_u16();
        assert!(!refusal.message.is_empty(), "a refusal says why, for a person: {refusal:?}");
        Err(refusal)
    }

    /// Takes the step at `path`; the scenario expects it taken.
    pub async fn step(&self, case: &Case, path: &str, body: Value) -> Case {
        self.try_step(case, path, body).await.unwrap_or_else(|r| panic!("{path} refused: {r:?}"))
    }

    pub async fn assign(&self, case: &Case, owner: i64) -> Case {
        self.step(case, "assign", json!({ "owner_id": owner })).await
    }

    pub async fn restate(&self, case: &Case, text: &str) -> Case {
        self.step(case, "restatement", json!({ "text": text })).await
    }

    /// The customer agreed with the restatement (staff record it).
    pub async fn confirm(&self, case: &Case) -> Case {
        self.step(case, "restatement/confirm", json!({})).await
    }

    pub async fn apologise(&self, case: &Case, text: &str) -> Case {
        self.step(case, "apology", json!({ "text": text })).await
    }

    pub async fn offer(&self, case: &Case, options: [&str; 2]) -> Case {
        self.step(case, "offer", json!({ "options": options })).await
    }

    /// The customer chose option `n` (counted from 1).
    pub async fn choose(&self, case: &Case, n: u8) -> Case {
        self.step(case, "offer/choice", json!({ "option": n })).await
    }

    pub async fn promise_fix(&self, case: &Case, what: &str, due: OffsetDateTime) -> Case {
        self.step(case, "fix/promise", json!({ "what": what, "due": rfc3339(due) })).await
    }

    pub async fn fix_done(&self, case: &Case, note: &str) -> Case {
        self.step(case, "fix/done", json!({ "note": note })).await
    }

    pub async fn note(&self, case: &Case, text: &str) -> Case {
        self.step(case, "notes", json!({ "text": text })).await
    }

    /// Snoozes the case until `until`, or until the customer writes.
    pub async fn snooze(&self, case: &Case, until: Option<OffsetDateTime>) -> Case {
        let body = until.map_or_else(|| json!({}), |t| json!({ "until": rfc3339(t) }));
        self.step(case, "snooze", body).await
    }

    /// The case's messages to the customer, oldest first.
    pub async fn messages(&self, case: &Case) -> Vec<Message> {
        let page = self.app.get(&format!("/api/v1/cases/{}/messages", case.id), &self.token).await.expect(200);
        read(page["items"].clone())
    }

    /// Revokes every personal link of the case.
    pub async fn revoke_links(&self, case: &Case) {
        let path = format!("/api/v1/cases/{}/links/revoke", case.id);
        let answer = self.app.call(Method::POST, &path, Some(&self.token), None).await;
        assert_eq!(answer.status, 204, "{}", answer.body);
    }
}

pub fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).expect("a time the format can write")
}
