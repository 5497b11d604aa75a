//! Proof of improvement (managers): once a problem is fixed, tell everyone a case linked
//! to it what changed, personally, with an invitation back and, for the lost, a gesture;
//! and the walking testimonials of satisfied customers we kept. The page beside it is
//! the problem's (`pages/problems.rs`), which shares [`send_checked`].

use amends_domain::proof::ProofGesture;
use amends_domain::step::{Refused, coach_gate};
use amends_store::{NewProof, ProofRecipient, ProofRecord, StoreError, Testimonial};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{Page, id_from, page_size};
use crate::AppState;
use crate::auth::Manager;
use crate::coaching::reading_of;
use crate::error::{ApiError, ApiResult};
use crate::json::{JsonBody, Params};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recipients, send)).routes(routes!(testimonials))
}

/// How long the words of a proof may be.
const MAX_TEXT: usize = 20_000;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GestureBody {
    /// The kind, as a gesture's (`discount`, `voucher`, `gift`…).
    pub(crate) gesture: String,
    /// What they are offered, as they will read it ("10 % off your next order").
    pub(crate) description: String,
    /// What it costs for one lost customer, in minor units.
    pub(crate) cost_minor: i64,
    /// ISO 4217; the business's currency when left out.
    #[serde(default)]
    pub(crate) currency: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProofRequest {
    /// What was changed, as every customer will read it: 1 to 20000 characters. The
    /// coach reads it as it reads a disclosure.
    text: String,
    /// Offered to each lost customer told now, weighed whole against the gesture rules
    /// and this month's budget.
    #[serde(default)]
    gesture: Option<GestureBody>,
    /// The reason to send words the coach held back.
    #[serde(default)]
    coach_override: Option<String>,
}

/// Why a proof was not sent, for the page to say in words.
pub(crate) enum NotSent {
    /// The coach held the words: the kinds and its review.
    Held {
        kinds: Vec<String>,
        review: amends_coach::Review,
    },
    Store(StoreError),
    Invalid(ApiError),
}

impl From<NotSent> for ApiError {
    fn from(n: NotSent) -> Self {
        match n {
            NotSent::Held { kinds, review } => ApiError {
                details: Some(serde_json::json!({ "findings": review.findings, "score": review.score, "held": kinds })),
                ..ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "coach_gate",
                    format!(
                        "the coach found company-focused wording ({}); rewrite it, or send coach_override with your reason",
                        kinds.join(", ")
                    ),
                )
                .with_field("coach_override")
            },
            NotSent::Store(e) => e.into(),
            NotSent::Invalid(e) => e,
        }
    }
}

/// The proof as the API and the problem's page send it: the words checked and coached
/// (the coach's gate, as for every text customers read), the gesture in the business's
/// currency unless another is named, then the store's one transaction.
pub(crate) async fn send_checked(
    state: &AppState,
    problem_id: i64,
    text: String,
    gesture: Option<ProofGesture>,
    coach_override: Option<&str>,
    by: i64,
) -> Result<ProofRecord, NotSent> {
    if text.trim().is_empty() || text.chars().count() > MAX_TEXT {
        return Err(NotSent::Invalid(ApiError::invalid("text", format!("text has 1 to {MAX_TEXT} characters"))));
    }
    let review = state.coach.review(&text, amends_coach::Purpose::Disclosure);
    let coach_override = match coach_gate(&reading_of(&review), coach_override) {
        Ok(o) => o.map(|o| o.reason),
        Err(Refused::CoachHeld { kinds }) => return Err(NotSent::Held { kinds, review }),
        Err(other) => return Err(NotSent::Store(StoreError::StepRefused(other))),
    };
    let proof = NewProof { text, coach_override, gesture };
    state.store.send_proof(problem_id, &proof, by).await.map_err(NotSent::Store)
}

/// The gesture as asked, in the business's currency when none is named.
pub(crate) async fn gesture_of(state: &AppState, body: GestureBody) -> Result<ProofGesture, ApiError> {
    let currency =
        match body.currency.filter(|c| !c.trim().is_empty()) {
            Some(c) => c.trim().to_uppercase(),
            None => state.store.business().await?.currency.ok_or_else(|| {
                ApiError::invalid("gesture", "name the gesture's currency: the business has none set")
            })?,
        };
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(ApiError::invalid("gesture", "a currency is a three-letter ISO 4217 code"));
    }
    if body.description.chars().count() > 500 || body.gesture.chars().count() > 100 {
        return Err(ApiError::invalid("gesture", "a gesture's words are at most 500 characters"));
    }
    Ok(ProofGesture {
        gesture: body.gesture.trim().to_owned(),
        description: body.description.trim().to_owned(),
        cost_minor: body.cost_minor,
        currency,
    })
}

#[utoipa::path(
    post, path = "/problems/{id}/proof", tag = "problems", operation_id = "sendProof",
    summary = r#"Tell everyone a fixed problem affected what changed (managers)"#,
    description = r#"Every customer with a case linked to the problem (their latest case; open, retained and lost alike) who was not told before gets the text, personally: their case's reference, their own words quoted briefly, and an invitation back that suits how their case ended. By email (threaded on their case, so a reply reaches it), or as a letter in the print run when they have only a postal address. A lost customer is offered `gesture`, weighed whole (its cost times the lost customers told now) by the gesture rules and this month's budget. Each case's timeline gets `improvement_told`. Sending again tells only customers linked since: nobody is told twice. Answers 202 and sends in the background; follow each customer's state with GET."#,
    params(("id" = i64, Path, description = r#"The problem's id."#, minimum = 1)),
    request_body(content = ProofRequest),
    responses(
        (status = 202, description = r#"Sending; `told_now` customers are being told now."#, body = ProofRecord),
        (status = 400, description = r#"`malformed_json`."#, body = crate::error::ErrorBody),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such problem."#, body = crate::error::ErrorBody),
        (status = 409, description = r#"`step_refused` with `details.rule`: `proof_needs_fixed_problem` (the problem is not fixed or verified), `proof_gesture_past_budget` (the gesture would take this month past the budget); the message says it in words."#, body = crate::error::ErrorBody),
        (status = 415, description = r#"`unsupported_media_type`."#, body = crate::error::ErrorBody),
        (status = 422, description = r#"`invalid` (`text`, `gesture`), or `coach_gate` with `field: coach_override` and `findings`: the coach held the words back; rewrite them, or send `coach_override`."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn send(
    State(state): State<AppState>,
    Manager(user): Manager,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<ProofRequest>,
) -> ApiResult<impl IntoResponse> {
    let id = id_from(&id, "problem")?;
    let gesture = match body.gesture {
        Some(g) => Some(gesture_of(&state, g).await?),
        None => None,
    };
    let sent = send_checked(&state, id, body.text, gesture, body.coach_override.as_deref(), user.id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(sent)))
}

/// Everyone a problem affected and where their proof stands.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProofList {
    /// The proof as last sent; null before the first.
    proof: Option<ProofRecord>,
    items: Vec<ProofRecipient>,
}

#[utoipa::path(
    get, path = "/problems/{id}/proof", tag = "problems", operation_id = "proofRecipients",
    summary = r#"Everyone a problem affected, with their case's outcome and their proof's state (managers)"#,
    description = r#"One item per customer with a case linked to the problem (and per customer told before), oldest case first: their case, its outcome (`retained`, `lost`, null while open), `status` as a disclosure's notice (`selected`, `queued`, `sent`, `failed`; null: not told yet), the channel, the gesture offered, and `won_back_at` once a lost customer's next order after the proof won them back."#,
    params(("id" = i64, Path, description = r#"The problem's id."#, minimum = 1)),
    responses(
        (status = 200, description = r#"The proof and its recipients."#, body = ProofList),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 404, description = r#"`not_found`: no such problem."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn recipients(
    State(state): State<AppState>,
    _: Manager,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<ProofList>> {
    let id = id_from(&id, "problem")?;
    let items = state.store.proof_recipients(id).await?;
    let proof = state.store.proof(id).await?;
    Ok(axum::Json(ProofList { proof, items }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TestimonialQuery {
    /// 1 to 200; default 50.
    limit: Option<i64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

#[utoipa::path(
    get, path = "/testimonials", tag = "recovery", operation_id = "listTestimonials",
    summary = r#"Walking testimonials: would they recommend us, in their words (managers)"#,
    description = r#"Asked only of a customer we kept who answered the follow-up satisfied, never of a lost or unhappy one, on their case's link page: one question (`recommend`, yes or no) and a few words, kept as written (show them escaped, never as a link). Newest first."#,
    params(TestimonialQuery),
    responses(
        (status = 200, description = r#"The testimonials."#, body = Page<Testimonial>),
        (status = 403, description = r#"`forbidden`: managers only."#, body = crate::error::ErrorBody),
        (status = 400, description = r#"`bad_query` or `bad_request`: a query parameter of the wrong type or out of range."#, body = crate::error::ErrorBody),
    ),
)]
pub async fn testimonials(
    State(state): State<AppState>,
    _: Manager,
    Params(q): Params<TestimonialQuery>,
) -> ApiResult<axum::Json<Page<Testimonial>>> {
    let limit = page_size(q.limit)?;
    let before = match q.cursor {
        None => None,
        Some(c) => Some(
            c.parse::<i64>()
                .map_err(|_| ApiError::bad_request("the cursor is not one this list gave").with_field("cursor"))?,
        ),
    };
    let items = state.store.testimonials(before, limit).await?;
    let next_cursor = (items.len() as i64 == limit).then(|| items.last().map(|t| t.id.to_string())).flatten();
    Ok(axum::Json(Page { items, next_cursor }))
}
