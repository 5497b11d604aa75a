//! The OpenAPI document, made at start from the routes' declarations (`mod.rs`,
//! `steps.rs`) and served at `/api/v1/openapi.json`. What the middleware does to every
//! request (who is signed in, idempotency, CSRF, database trouble) is written here once
//! and added to each operation, rather than repeated on every handler.

use std::sync::Arc;

use axum::Extension;
use axum::http::header;
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};

/// The document as served: serialised once, at start.
#[derive(Clone)]
pub struct Served(Arc<str>);

impl Served {
    pub fn new(doc: Value) -> Self {
        Served(Arc::from(doc.to_string()))
    }
}

#[utoipa::path(
    get, path = "/openapi.json", tag = "meta", operation_id = "getOpenApi",
    summary = "This document",
    description = "The OpenAPI document, made from the server's own routes and types at start.",
    responses((status = 200, description = "The OpenAPI document describing this API.", body = Object)),
    security(()),
)]
pub async fn serve(Extension(Served(doc)): Extension<Served>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], doc.to_string())
}

const ERROR: &str = "#/components/schemas/Error";

/// The sentences the middleware adds to an operation's answers, by status: the
/// idempotency layer and the CSRF check on every write.
const WRITE_ANSWERS: &[(&str, &str)] = &[
    ("400", "`bad_request`: the `Idempotency-Key` is empty or longer than 200 characters."),
    ("403", "`forbidden`: signed in with a session cookie and `X-CSRF-Token` is missing or wrong."),
    ("409", "`in_progress`: a request with this `Idempotency-Key` is still being answered; retry shortly."),
    ("422", "`idempotency_key_reused`: this `Idempotency-Key` was used for a different request."),
];

/// Fills in what the routes' declarations leave to the whole API: the title and the
/// prose, the security schemes, the shared parameters and answers.
pub fn finish(api: utoipa::openapi::OpenApi) -> Value {
    let mut doc = serde_json::to_value(&api).unwrap_or_default();
    doc["info"] = json!({
        "title": "Amends API",
        "version": "1",
        "description": include_str!("about.md"),
        "license": { "name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later" },
    });
    doc["servers"] = json!([{ "url": "/api/v1" }]);
    doc["security"] = json!([{ "bearer": [] }, { "session": [] }]);
    doc["tags"] = json!([
        { "name": "meta", "description": "This document." },
        { "name": "staff", "description": "Signing in and out, users (admins) and API tokens." },
        { "name": "customers", "description": "Customers and the transaction feed (orders, visits, refunds)." },
        { "name": "problems", "description": "Root causes that cases are linked to in the prevent step." },
        { "name": "cases", "description": "Intake, the inbox and one case." },
        { "name": "steps", "description": "One endpoint per playbook step; each records an event on the case's timeline." },
        { "name": "recovery", "description": "After the fix: next-time alerts, the letters' print run, outgoing webhooks." },
        { "name": "disclosures", "description": "Proactive notices to customers affected by a problem." },
        { "name": "spam", "description": "The spam folder and the installation's block list." },
        { "name": "views", "description": "Saved inbox views, private or shared." },
        { "name": "replies", "description": "Saved replies: the business's snippets, filled in for each case." },
    ]);
    let components = doc["components"].as_object_mut().map(std::mem::take).unwrap_or_default();
    let mut components = Value::Object(components);
    components["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `Authorization: Bearer amends_…`.",
        },
        "session": {
            "type": "apiKey",
            "in": "cookie",
            "name": "amends_session",
            "description": "The session cookie set by `POST /session`. Writes also need `X-CSRF-Token`.",
        },
    });
    components["parameters"] = json!({
        "IdempotencyKey": {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "Makes the write safe to retry: the same key again (from the same user, with the same method, path and body) returns the first answer, marked `Idempotent-Replayed: true`, and changes nothing. The same key with a different request is 422 `idempotency_key_reused`; while the first request is still being answered, 409 `in_progress`. 1 to 200 characters (else 400). Honoured only for signed-in callers.",
            "schema": { "type": "string", "minLength": 1, "maxLength": 200 },
        },
        "CsrfToken": {
            "name": "X-CSRF-Token",
            "in": "header",
            "required": false,
            "description": "Required on writes made with the `amends_session` cookie: the `csrf_token` from `POST /session`. Missing or wrong is 403 with `field: x-csrf-token`. Not needed with a bearer token.",
            "schema": { "type": "string" },
        },
        "IfMatch": {
            "name": "If-Match",
            "in": "header",
            "required": false,
            "description": "The case's `version` as the caller last saw it (quotes allowed, e.g. `\"3\"`). When the case has changed since, the step is refused with 409 `conflict` and `field: version`. A value that is not an integer is 400 with `field: if-match`.",
            "schema": { "type": "string" },
            "example": "3",
        },
    });
    let error_answer = |description: &str| json!({ "description": description, "content": { "application/json": { "schema": { "$ref": ERROR } } } });
    components["responses"] = json!({
        "Unauthorized": error_answer("`unauthorized`: no credentials, or a malformed, unknown or revoked bearer token, or an expired session."),
        "Unavailable": error_answer("`unavailable`: the database is unavailable or cannot take writes right now; nothing was stored. Try again."),
        "Internal": error_answer("`internal`: something went wrong on the server; it has been logged."),
        "MethodNotAllowed": error_answer("`method_not_allowed`: the path does not take this method."),
        "NotFoundEndpoint": error_answer("`not_found`: no such endpoint."),
    });
    doc["components"] = components;

    if let Some(paths) = doc["paths"].as_object_mut() {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item.iter_mut() {
                conventions(method, operation, &error_answer);
            }
        }
    }
    doc
}

/// What every operation shares, added to one operation.
fn conventions(method: &str, operation: &mut Value, error_answer: &dyn Fn(&str) -> Value) {
    let write = method != "get";
    let step = operation["tags"].as_array().is_some_and(|tags| tags.iter().any(|t| t == "steps"));
    let Some(operation) = operation.as_object_mut() else { return };
    // Taken out rather than indexed: indexing a missing key inserts a null.
    let mut parameters = match operation.remove("parameters") {
        Some(Value::Array(parameters)) => parameters,
        _ => Vec::new(),
    };
    let reference = |name: &str| json!({ "$ref": format!("#/components/parameters/{name}") });
    if step {
        parameters.push(reference("IfMatch"));
    }
    if write {
        parameters.push(reference("IdempotencyKey"));
        parameters.push(reference("CsrfToken"));
    }
    if !parameters.is_empty() {
        operation.insert("parameters".to_owned(), Value::Array(parameters));
    }
    let Some(responses) = operation.entry("responses").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
    else {
        return;
    };
    let reference = |name: &str| json!({ "$ref": format!("#/components/responses/{name}") });
    responses.entry("401").or_insert_with(|| reference("Unauthorized"));
    responses.entry("500").or_insert_with(|| reference("Internal"));
    responses.entry("503").or_insert_with(|| reference("Unavailable"));
    if write {
        for (status, sentence) in WRITE_ANSWERS {
            match responses.get_mut(*status) {
                Some(answer) => {
                    let said = answer["description"].as_str().unwrap_or_default();
                    answer["description"] = Value::String(format!("{said} {sentence}").trim().to_owned());
                }
                None => {
                    responses.insert((*status).to_owned(), error_answer(sentence));
                }
            }
        }
    }
}
