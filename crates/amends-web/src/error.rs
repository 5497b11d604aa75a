//! The one error type every handler returns, and how it becomes a JSON response:
//! `{"error": code, "message": for a person, "field": when one is to blame}`.
//! Internal failures are logged with their cause and shown as a plain 500.

use amends_domain::Refusal;
use amends_domain::step::Refused;
use amends_store::StoreError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// More for the client to act on, such as the rule that refused a step.
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, details: None }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// A value that has the right type but is not acceptable.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message).with_field(field)
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", "sign in or send a valid API token")
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "something went wrong on our side; it has been logged")
    }
}

impl From<Refusal> for ApiError {
    fn from(refusal: Refusal) -> Self {
        StoreError::Refused(refusal).into()
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(what) => ApiError::not_found(what),
            StoreError::Conflict { field, message } => {
                let err = ApiError::new(StatusCode::CONFLICT, "conflict", message);
                match field {
                    Some(f) => err.with_field(f),
                    None => err,
                }
            }
            StoreError::ApprovalNeeded { approval_id, reason } => ApiError {
                details: Some(json!({ "approval_id": approval_id, "reason": reason })),
                ..ApiError::new(
                    StatusCode::ACCEPTED,
                    "approval_needed",
                    format!("{reason}: it waits for a manager's approval"),
                )
            },
            StoreError::BadCursor => ApiError::bad_request("the cursor is not one this list gave").with_field("cursor"),
            StoreError::Refused(refusal) => {
                let (status, code) = if refusal.out_of_order {
                    (StatusCode::CONFLICT, "step_refused")
                } else {
                    (StatusCode::UNPROCESSABLE_ENTITY, "invalid")
                };
                let missing: Vec<&str> = refusal.missing.iter().map(|s| s.as_str()).collect();
                ApiError {
                    details: Some(json!({ "rule": refusal.rule, "missing": missing })),
                    field: refusal.field.map(str::to_owned),
                    ..ApiError::new(status, code, refusal.message)
                }
            }
            StoreError::StepRefused(refused) => match refused {
                Refused::Rule(refusal) => StoreError::Refused(refusal).into(),
                Refused::NeedsRole { message, .. } => ApiError::forbidden(message),
                Refused::Changed { .. } => {
                    ApiError::new(StatusCode::CONFLICT, "conflict", refused.to_string()).with_field("version")
                }
                Refused::CoachHeld { .. } => {
                    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "coach_gate", refused.to_string())
                        .with_field("coach_override")
                }
            },
            StoreError::WriterStopped => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the database cannot take writes right now; nothing was stored, try again",
            ),
            other if other.is_temporary() => {
                tracing::warn!(error = %other, "database unavailable");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "the database is unavailable; try again")
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut body = json!({ "error": self.code, "message": self.message, "field": self.field });
        if let (Some(Value::Object(extra)), Some(obj)) = (self.details, body.as_object_mut()) {
            obj.extend(extra);
        }
        (self.status, axum::Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Every error the API answers: `error`, `message` and `field` always, and the details
/// of the error at hand beside them (a refused step's `rule` and `missing`, the coach's
/// `findings`, a waiting gesture's `approval_id` and `reason`, a merged case's
/// `merged_into`).
// The shape [`ApiError::into_response`] writes, for the OpenAPI document.
#[derive(utoipa::ToSchema)]
#[schema(as = Error)]
#[allow(dead_code)] // Read by the document only; the answer is built from `ApiError`.
pub struct ErrorBody {
    /// A stable code: `bad_request`, `bad_query`, `malformed_json`, `invalid`,
    /// `unauthorized`, `bad_credentials`, `forbidden`, `not_found`, `method_not_allowed`,
    /// `conflict`, `step_refused`, `last_admin`, `in_progress`, `idempotency_key_reused`,
    /// `too_large`, `too_many_requests`, `unsupported_media_type`, `unavailable`,
    /// `coach_gate`, `approval_needed` or `internal`.
    #[schema(example = "invalid")]
    error: String,
    /// An explanation for a person.
    message: String,
    /// The field at fault when there is one, else null. Body fields use their path
    /// (`customer.email`, `transactions[3].currency`); query parameters and headers their
    /// name (`limit`, `cursor`, `if-match`, `idempotency-key`, `x-csrf-token`); a stale
    /// case is `version`.
    #[schema(required = true)]
    field: Option<String>,
    /// Only on a refused playbook step: the code of the rule that refused it, such as
    /// `options_before_apology` or `exactly_two_options`.
    #[schema(required = false)]
    rule: Option<String>,
    /// Only on a refused playbook step: the steps to do (or skip) first; may be empty.
    #[schema(required = false)]
    missing: Option<Vec<amends_domain::playbook::Step>>,
    /// With `coach_gate`: what the coach found.
    #[schema(required = false)]
    findings: Option<Vec<amends_coach::Finding>>,
    /// Only on a step refused because the case was merged (`case_merged`): the case
    /// that carries on.
    #[schema(required = false)]
    merged_into: Option<i64>,
    /// With `approval_needed` (202): the approval the gesture waits as.
    #[schema(required = false)]
    approval_id: Option<i64>,
    /// With `approval_needed`: why it waits (`above_case_limit`, `above_monthly_limit`,
    /// `past_budget`).
    #[schema(required = false)]
    reason: Option<String>,
}
