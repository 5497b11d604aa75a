//! Randomized robustness through the running server (the libFuzzer targets in fuzz/
//! reach the decoders directly; this checks the whole request path). Mutated and
//! random input goes to the link-token
//! verifier (`/c/{token}`), the JSON decoders of every API write, and the public
//! complaint form; every answer must be below 500, and API errors must keep the error
//! shape. Seeds are valid requests from the other tests; mutations flip, insert and cut
//! bytes, swap JSON types and nest deeply.
//!
//! `AMENDS_FUZZ_ITERATIONS` (per target; 150 by default) and `AMENDS_FUZZ_SEED` (to
//! replay a run) are read; `scripts/robust` runs long.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

fn iterations() -> usize {
    std::env::var("AMENDS_FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(150)
}

/// A fixed seed by default, so the suite answers the same every run; `scripts/robust`
/// explores with fresh seeds, and a failure it finds becomes a fixed case here.
fn seed() -> u64 {
    std::env::var("AMENDS_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(3_382_775_952_461_625_670)
}

const NASTY: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{feff}",
    "\u{202e}",
    "😡",
    "\r\n",
    "Dana\r\nBcc: x@example.test",
    "Dana\nSubject: hi",
    "\u{7f}\u{85}\u{2028}",
    "\\",
    "\"",
    "'",
    "<script>",
    "%00",
    "../../",
    "9223372036854775808",
    "-1",
    "1e309",
    "NaN",
    "null",
    "true",
    "[]",
    "{}",
    "AM-1001",
    "é\u{301}",
    "\u{10ffff}",
];

fn nasty_value(rng: &mut StdRng, depth: usize) -> Value {
    match rng.gen_range(0..9) {
        0 => Value::Null,
        1 => json!(rng.r#gen::<bool>()),
        2 => json!(rng.r#gen::<i64>()),
        3 => json!(rng.r#gen::<f64>() * 1e12),
        4 => json!(NASTY[rng.gen_range(0..NASTY.len())]),
        5 => json!("x".repeat(rng.gen_range(0..5000))),
        6 if depth < 4 => Value::Array((0..rng.gen_range(0..4)).map(|_| nasty_value(rng, depth + 1)).collect()),
        7 if depth < 4 => {
            Value::Object((0..rng.gen_range(0..4)).map(|i| (format!("k{i}"), nasty_value(rng, depth + 1))).collect())
        }
        _ => json!(rng.gen_range(0..3)),
    }
}

/// Replaces, drops or adds fields of a valid body, recursively.
fn mutate_json(rng: &mut StdRng, value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                match rng.gen_range(0..6) {
                    0 => {}
                    1 => {
                        out.insert(k.clone(), nasty_value(rng, 0));
                    }
                    2 => {
                        out.insert(k.clone(), mutate_json(rng, v));
                    }
                    _ => {
                        out.insert(k.clone(), v.clone());
                    }
                }
            }
            if rng.gen_range(0..5) == 0 {
                out.insert(NASTY[rng.gen_range(0..NASTY.len())].to_owned(), nasty_value(rng, 0));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| mutate_json(rng, v)).collect()),
        _ if rng.gen_range(0..3) == 0 => nasty_value(rng, 0),
        v => v.clone(),
    }
}

/// Byte-level damage: flips, cuts, inserts, and deep nesting.
fn mutate_bytes(rng: &mut StdRng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..rng.gen_range(1..6) {
        match rng.gen_range(0..5) {
            0 if !out.is_empty() => {
                let i = rng.gen_range(0..out.len());
                out[i] = rng.r#gen();
            }
            1 if !out.is_empty() => {
                let i = rng.gen_range(0..out.len());
                out.truncate(i);
            }
            2 => {
                let i = rng.gen_range(0..=out.len());
                let junk: Vec<u8> = (0..rng.gen_range(1..16)).map(|_| rng.r#gen()).collect();
                out.splice(i..i, junk);
            }
            3 => {
                let depth = rng.gen_range(1..3000);
                out = [b"[".repeat(depth), out, b"]".repeat(depth)].concat();
            }
            _ => out.extend_from_slice(NASTY[rng.gen_range(0..NASTY.len())].as_bytes()),
        }
    }
    out
}

fn seeds(case_id: i64) -> Vec<(&'static str, String, Value)> {
    let c = |path: &str| format!("/api/v1/cases/{case_id}/{path}");
    vec![
        (
            "POST",
            "/api/v1/cases".into(),
            json!({ "customer": { "name": "Ann", "email": "ann@example.com" }, "body": "Late", "channel": "phone", "severity": "high", "tags": ["a"], "order_ref": "o-1" }),
        ),
        (
            "POST",
            "/api/v1/customers".into(),
            json!({ "name": "Bo", "email": "bo@example.com", "phone": "+44 20", "external_id": "x1" }),
        ),
        (
            "POST",
            "/api/v1/transactions".into(),
            json!({ "customer": { "email": "bo@example.com" }, "external_id": "t1", "kind": "order", "amount_minor": 100, "currency": "EUR", "occurred_at": "2025-01-01T00:00:00Z" }),
        ),
        (
            "POST",
            "/api/v1/transactions/batch".into(),
            json!({ "items": [{ "customer": { "external_id": "x1" }, "external_id": "t2", "kind": "refund", "amount_minor": 5, "currency": "EUR", "occurred_at": "2025-01-01T00:00:00Z" }] }),
        ),
        ("POST", "/api/v1/problems".into(), json!({ "title": "Ovens", "description": "Too hot" })),
        ("POST", "/api/v1/coach".into(), json!({ "text": "I am sorry you feel that way", "context": "apology" })),
        ("POST", "/api/v1/session".into(), json!({ "email": "a@b.c", "password": "x" })),
        ("POST", "/api/v1/tokens".into(), json!({ "name": "fuzz" })),
        (
            "POST",
            "/api/v1/users".into(),
            json!({ "email": "f@b.example", "name": "F", "role": "agent", "password": "long enough password" }),
        ),
        ("PATCH", "/api/v1/users/1".into(), json!({ "role": "admin", "active": true })),
        ("PATCH", "/api/v1/customers/1".into(), json!({ "notes": "n", "watch": true })),
        ("POST", "/api/v1/me/password".into(), json!({ "current_password": "a", "new_password": "b" })),
        ("POST", c("restatement"), json!({ "text": "You got cold soup." })),
        ("POST", c("restatement/correct"), json!({ "text": "No, it was warm." })),
        ("POST", c("apology"), json!({ "text": "I am sorry." })),
        ("POST", c("escalation"), json!({ "to_user_id": 1, "reason": "big" })),
        ("POST", c("offer"), json!({ "options": ["A refund", "A new soup"] })),
        ("POST", c("offer/choice"), json!({ "option": 1 })),
        (
            "POST",
            c("gesture"),
            json!({ "gesture": "gift", "description": "Bread", "cost_minor": 300, "currency": "EUR" }),
        ),
        ("POST", c("fix/promise"), json!({ "what": "Fix", "due": "2099-01-01T10:00:00Z" })),
        ("POST", c("follow-up/schedule"), json!({ "due": "2099-01-01T10:00:00Z", "channel": "email" })),
        ("POST", c("follow-up"), json!({ "satisfaction": 5, "words": "fine" })),
        ("POST", c("skip"), json!({ "step": "gesture", "reason": "no" })),
        ("POST", c("notes"), json!({ "text": "note" })),
        ("POST", c("assign"), json!({ "owner_id": 1 })),
        ("POST", c("outcome"), json!({ "outcome": "kept", "note": "ok" })),
        ("GET", "/api/v1/cases?status=open&limit=5&q=soup&cursor=abc".into(), Value::Null),
        ("GET", "/api/v1/customers?q=bo&limit=3".into(), Value::Null),
    ]
}

async fn random_input_never_breaks_the_server(app: TestApp) {
    let seed = seed();
    let mut rng = StdRng::seed_from_u64(seed);
    let n = iterations();
    let case = app.complaint(&app.admin_token, "fuzz@example.com", "The soup was cold.").await;
    let case_id = case["id"].as_i64().unwrap();
    let http = reqwest::Client::new();
    let mut sent = 0usize;

    // JSON decoders: structured mutations and byte damage of valid bodies.
    let seeds = seeds(case_id);
    for i in 0..n * 4 {
        let (method, path, body) = &seeds[i % seeds.len()];
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = http.request(method.clone(), app.url(path)).bearer_auth(&app.admin_token);
        let label = if method == Method::GET {
            let damaged = mutate_bytes(&mut rng, path.as_bytes());
            let query: String =
                String::from_utf8_lossy(&damaged).chars().filter(|c| !c.is_control() && *c != '#').collect();
            req = http.get(app.url(&format!("{path}&{}", query.replace(' ', "%20")))).bearer_auth(&app.admin_token);
            query
        } else if rng.r#gen::<bool>() {
            let mutated = mutate_json(&mut rng, body);
            req = req.json(&mutated);
            mutated.to_string()
        } else {
            let bytes = mutate_bytes(&mut rng, body.to_string().as_bytes());
            let label = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
            req = req.header("content-type", "application/json").body(bytes);
            label
        };
        // A dropped connection would mean a handler panicked: that fails too.
        let resp = req.send().await.unwrap_or_else(|e| panic!("seed {seed}: {method} {path} with {label}: {e}"));
        sent += 1;
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        assert!(status < 500, "seed {seed}: {method} {path} answered {status} to {label}: {text}");
        if status >= 400 && path.starts_with("/api/") {
            let shape: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            assert!(
                shape["error"].is_string() && shape["message"].is_string(),
                "seed {seed}: error shape for {label}: {text}"
            );
        }
    }

    // The link-token verifier: random, near-valid and damaged tokens, GET and POST.
    for _ in 0..n {
        let token: String = match rng.gen_range(0..4) {
            0 => (0..64).map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)])).collect(),
            1 => (0..rng.gen_range(0..200)).map(|_| char::from(rng.gen_range(b'!'..=b'~'))).collect(),
            2 => (0..64).map(|_| char::from(b"0123456789ABCDEFxyz"[rng.gen_range(0..19)])).collect(),
            _ => String::from_utf8_lossy(&mutate_bytes(&mut rng, b"00000000000000000000000000000000")).into_owned(),
        };
        let path: String = token
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c.to_string() } else { format!("%{:02X}", c as u32 & 0xff) })
            .collect();
        let get = http.get(app.url(&format!("/c/{path}"))).send().await.unwrap();
        assert!(get.status().as_u16() < 500 && get.status() != 200, "seed {seed}: /c/{path} answered {}", get.status());
        let fields = [("action", NASTY[rng.gen_range(0..NASTY.len())]), ("option", "1"), ("words", "x")];
        let post = http.post(app.url(&format!("/c/{path}"))).form(&fields).send().await.unwrap();
        assert!(post.status().as_u16() < 500 && post.status() != 200, "seed {seed}: POST /c/{path}: {}", post.status());
        sent += 2;
    }

    // The public complaint form: damaged url-encoded and multipart bodies.
    let form = "name=Ann+Lee&email=ann%40example.com&body=The+soup+was+cold&wish=&website=";
    for _ in 0..n {
        let req = if rng.r#gen::<bool>() {
            http.post(app.url("/complain"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(mutate_bytes(&mut rng, form.as_bytes()))
        } else {
            let multipart = format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAnn\r\n--XyZ--\r\n",
                NASTY[rng.gen_range(0..NASTY.len())]
            );
            http.post(app.url("/complain"))
                .header("content-type", "multipart/form-data; boundary=XyZ")
                .body(mutate_bytes(&mut rng, multipart.as_bytes()))
        };
        let resp = req.send().await.unwrap();
        assert!(resp.status().as_u16() < 500, "seed {seed}: /complain answered {}", resp.status());
        sent += 1;
    }
    eprintln!("robustness (seed {seed}): {sent} requests, none answered 5xx");
}

async fn random_input_never_answers_5xx(db: crate::helpers::Db) {
    let app = crate::helpers::spawn_app_with(db, |s| {
        // The form's rate limit would answer 429 to nearly every try; lift it here.
        s.limits.complaint.requests = u32::MAX;
        s.limits.link.requests = u32::MAX;
    })
    .await;
    random_input_never_breaks_the_server(app).await;
}

crate::on_both_databases!(random_input_never_answers_5xx);
