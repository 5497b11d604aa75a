//! The access matrix: `access_matrix.tsv` says, for every route the server has, what
//! each kind of caller gets; this test walks every row through every identity. The
//! routes are read from the web crate's source (every `.route("…")`) and from the
//! OpenAPI document: a route with no row fails the test, so a new route cannot ship
//! without someone deciding who may call it.
//!
//! Set `AMENDS_MATRIX_RECORD=1` to print the observed table instead of failing (to
//! review and paste when adding routes; never to paper over a difference).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use amends_domain::LinkPurpose;
use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, answer};

const MATRIX: &str = include_str!("access_matrix.tsv");
const STAFF_COLUMNS: [&str; 6] = ["anonymous", "agent", "manager", "admin", "deactivated", "revoked"];
const LINK_COLUMNS: [&str; 5] = ["valid", "other", "expired", "revoked", "tampered"];

struct Row {
    method: String,
    path: String,
    expected: Vec<u16>,
}

fn parse_matrix() -> (Vec<Row>, Vec<Row>) {
    let (mut staff, mut links) = (Vec::new(), Vec::new());
    let mut section = "";
    for line in MATRIX.lines().map(str::trim_end).filter(|l| !l.is_empty()) {
        if let Some(name) = line.strip_prefix("[").and_then(|l| l.strip_suffix("]")) {
            section = if name == "staff" { "staff" } else { "links" };
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').filter(|c| !c.is_empty()).collect();
        let expected: Vec<u16> = cells[2..].iter().map(|c| c.parse().expect("a status code")).collect();
        let row = Row { method: cells[0].to_owned(), path: cells[1].to_owned(), expected };
        let width = if section == "staff" { STAFF_COLUMNS.len() } else { LINK_COLUMNS.len() };
        assert_eq!(row.expected.len(), width, "row {line:?} has one status per identity");
        if section == "staff" { staff.push(row) } else { links.push(row) }
    }
    (staff, links)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every (method, path) the web crate routes, read from its source: the text after each
/// `.route("path"` up to the next builder call names its methods.
fn routes_in_source() -> BTreeSet<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-web/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut routes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source file");
        let prefix = if file.starts_with(src.join("api")) { "/api/v1" } else { "" };
        let mut rest = text.as_str();
        while let Some(at) = rest.find(".route(") {
            rest = &rest[at + ".route(".len()..];
            let Some(open) = rest.find('"') else { break };
            if !rest[..open].trim().is_empty() {
                continue;
            }
            let Some(close) = rest[open + 1..].find('"') else { break };
            let path = &rest[open + 1..open + 1 + close];
            let after = &rest[open + 1 + close..];
            let end = [".route(", ".layer(", ".fallback(", ".merge(", ".nest(", ".with_state(", "\n}", "\n    }"]
                .iter()
                .filter_map(|stop| after.find(stop))
                .min()
                .unwrap_or(after.len());
            let methods = &after[..end];
            let mut found = false;
            for method in ["get", "post", "patch", "put", "delete"] {
                let called = methods.match_indices(&format!("{method}(")).any(|(i, _)| {
                    i == 0 || !methods.as_bytes()[i - 1].is_ascii_alphanumeric() && methods.as_bytes()[i - 1] != b'_'
                });
                if called {
                    found = true;
                    routes.insert((method.to_uppercase(), format!("{prefix}{path}")));
                }
            }
            assert!(found, "could not read the methods of route {path} in {}", file.display());
        }
    }
    routes
}

fn documented_operations(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if ["get", "post", "patch", "put", "delete"].contains(&method.as_str()) {
                ops.insert((method.to_uppercase(), format!("/api/v1{path}")));
            }
        }
    }
    ops
}

/// A caller: an API token and a page session (cookie and its CSRF token).
#[derive(Default, Clone)]
struct Caller {
    token: Option<String>,
    cookie: Option<String>,
    csrf: Option<String>,
}

async fn session_for(app: &TestApp, email: &str, password: &str) -> Caller {
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.split(';').next().filter(|c| c.starts_with("amends_session=")).map(str::to_owned))
        .expect("a session cookie");
    let body = answer(resp).await.expect(200);
    Caller { token: None, cookie: Some(cookie), csrf: body["csrf_token"].as_str().map(str::to_owned) }
}

async fn staff_caller(app: &TestApp, role: &str, email: &str) -> (i64, Caller) {
    let password = "correct horse battery";
    let user = app
        .post(
            "/api/v1/users",
            &app.admin_token,
            json!({ "email": email, "name": role, "role": role, "password": password }),
        )
        .await
        .expect(201);
    let mut caller = session_for(app, email, password).await;
    caller.token = Some(app.token_for(email, password).await);
    (user["id"].as_i64().unwrap(), caller)
}

/// The ids the `{…}` of each path stand for.
struct Fixture {
    case: i64,
    customer: i64,
    user: i64,
    problem: i64,
}

fn concrete(path: &str, f: &Fixture) -> String {
    let id = if path.contains("/customers/") {
        f.customer
    } else if path.contains("/users/") {
        f.user
    } else if path.contains("/problems/") {
        f.problem
    } else if path.contains("/tokens/") {
        // Nobody's token: the answer shows the role check, not a revocation.
        999_999
    } else {
        f.case
    };
    let name = if path.contains("/templates/") { "acknowledgement" } else { "app.css" };
    path.replace("{id}", &id.to_string())
        .replace("{action}", "notes")
        .replace("{name}", name)
        // Unknown ones: the answer shows the role check, then a 404.
        .replace("{sid}", "999999")
        .replace("{idea}", "999999")
        .replace("{recipient}", "999999")
        .replace("{kind}", "customers")
        .replace("{file}", "recovery.csv")
}

async fn call(app: &TestApp, method: &str, path: &str, caller: &Caller) -> u16 {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method.clone(), app.url(path));
    if path.starts_with("/api/") {
        if let Some(token) = &caller.token {
            req = req.bearer_auth(token);
        }
        if method != Method::GET && method != Method::DELETE {
            req = req.json(&json!({}));
        }
    } else {
        if let Some(cookie) = &caller.cookie {
            req = req.header("cookie", cookie);
        }
        if method == Method::POST {
            req = req.form(&[("csrf", caller.csrf.clone().unwrap_or_default())]);
        }
    }
    let resp = req.send().await.unwrap();
    crate::headers::assert_security_headers(resp.headers(), &format!("{method} {path}"));
    resp.status().as_u16()
}

async fn every_route_has_a_row_and_every_row_holds(app: TestApp) {
    let (staff_rows, link_rows) = parse_matrix();
    let rows: BTreeSet<(String, String)> =
        staff_rows.iter().chain(&link_rows).map(|r| (r.method.clone(), r.path.clone())).collect();
    let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await.expect(200);
    let mut missing: Vec<String> = routes_in_source()
        .union(&documented_operations(&doc))
        .filter(|route| !rows.contains(route))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    missing.dedup();
    let recording = std::env::var("AMENDS_MATRIX_RECORD").is_ok();
    assert!(recording || missing.is_empty(), "routes with no row in access_matrix.tsv: {missing:#?}");

    // The identities.
    let (agent_id, agent) = staff_caller(&app, "agent", "agent@matrix.example").await;
    let (_, manager) = staff_caller(&app, "manager", "manager@matrix.example").await;
    let (_, admin) = staff_caller(&app, "admin", "admin@matrix.example").await;
    let (gone_id, deactivated) = staff_caller(&app, "agent", "gone@matrix.example").await;
    app.patch(&format!("/api/v1/users/{gone_id}"), &app.admin_token, json!({ "active": false })).await.expect(200);
    let (_, mut revoked) = staff_caller(&app, "agent", "revoked@matrix.example").await;
    let tokens = app.get("/api/v1/tokens", revoked.token.as_deref().unwrap()).await.expect(200);
    let token_id = tokens["items"][0]["id"].as_i64().unwrap();
    app.call(Method::DELETE, &format!("/api/v1/tokens/{token_id}"), revoked.token.as_deref(), None).await;
    app.call(Method::GET, "/api/v1/me", revoked.token.as_deref(), None).await.expect(401);
    // A page session that ended: the cookie of a signed-out session.
    assert_eq!(call(&app, "POST", "/logout", &revoked).await, 303, "signed out");
    revoked.csrf = None;
    let callers = [Caller::default(), agent.clone(), manager, admin, deactivated, revoked];

    let agent_token = agent.token.clone().unwrap();
    let case = app.complaint(&agent_token, "matrix@example.com", "The cake was stale.").await;
    let other = app.complaint(&agent_token, "other@example.com", "The other case's private words.").await;
    let problem = app
        .post("/api/v1/problems", &app.admin_token, json!({ "title": "Stale cakes", "description": "Old stock sold" }))
        .await;
    let problem = problem.body["id"].as_i64().unwrap_or(1);
    let fixture = Fixture {
        case: case["id"].as_i64().unwrap(),
        customer: case["customer"]["id"].as_i64().or(case["customer_id"].as_i64()).unwrap_or(1),
        user: agent_id,
        problem,
    };

    // Writes that end a session run last, so the other rows see live sessions.
    // Recording: probe the routes with no row too, to print what they answer.
    let unlisted: Vec<Row> = if recording {
        missing
            .iter()
            .filter_map(|m| m.split_once(' '))
            .filter(|(_, p)| !p.starts_with("/c/"))
            .map(|(m, p)| Row { method: m.to_owned(), path: p.to_owned(), expected: Vec::new() })
            .collect()
    } else {
        Vec::new()
    };
    let mut ordered: Vec<&Row> = staff_rows.iter().chain(&unlisted).collect();
    ordered.sort_by_key(|r| r.path == "/logout");
    let mut differences = Vec::new();
    let mut observed = BTreeMap::new();
    for row in ordered {
        let path = concrete(&row.path, &fixture);
        let mut got = Vec::new();
        for caller in &callers {
            got.push(call(&app, &row.method, &path, caller).await);
        }
        if got != row.expected {
            differences.push(format!("{} {}: expected {:?}, got {:?}", row.method, row.path, row.expected, got));
        }
        observed.insert((row.method.clone(), row.path.clone()), got);
    }

    // Customer links: valid, another case's, expired, revoked, tampered.
    let store = amends_store::Store::connect(&app.database_url, amends_store::StoreSettings::default()).await.unwrap();
    let case_id = fixture.case;
    let other_id = other["id"].as_i64().unwrap();
    let later = app.clock.now() + time::Duration::days(7);
    let earlier = app.clock.now() - time::Duration::days(1);
    let link = |purpose: LinkPurpose, case: i64, expires: time::OffsetDateTime| {
        let token = amends_store::secret::random_hex(32);
        let store = store.clone();
        async move {
            store.create_link(case, purpose, &amends_store::secret::secret_hash(&token), expires).await.unwrap();
            token
        }
    };
    let valid = link(LinkPurpose::Status, case_id, later).await;
    let others = link(LinkPurpose::Status, other_id, later).await;
    let expired = link(LinkPurpose::FollowUp, case_id, earlier).await;
    let revoked_link = link(LinkPurpose::Restatement, case_id, later).await;
    store.revoke_case_links(case_id).await.unwrap();
    let valid_now = link(LinkPurpose::Status, case_id, later).await;
    assert_ne!(valid, valid_now);
    let mut tampered = valid_now.clone();
    tampered.replace_range(60.., if tampered.ends_with("0000") { "1111" } else { "0000" });
    let link_tokens = [valid_now.clone(), others.clone(), expired, revoked_link, tampered];
    for row in &link_rows {
        let mut got = Vec::new();
        for token in &link_tokens {
            let path = row.path.replace("{token}", token);
            let caller = Caller::default();
            got.push(call(&app, &row.method, &path, &caller).await);
        }
        if got != row.expected {
            differences.push(format!("{} {}: expected {:?}, got {:?}", row.method, row.path, row.expected, got));
        }
        observed.insert((row.method.clone(), row.path.clone()), got);
    }
    // A link shows its own case and nothing of another.
    let own = reqwest::get(app.url(&format!("/c/{valid_now}"))).await.unwrap().text().await.unwrap();
    assert!(own.contains(case["reference"].as_str().unwrap()), "the link shows its case");
    assert!(!own.contains(other["reference"].as_str().unwrap()) && !own.contains("private words"));
    let theirs = reqwest::get(app.url(&format!("/c/{others}"))).await.unwrap().text().await.unwrap();
    assert!(!theirs.contains(case["reference"].as_str().unwrap()) && !theirs.contains("The cake was stale"));

    if recording {
        let mut table = String::new();
        for ((m, p), got) in &observed {
            let cells: Vec<String> = got.iter().map(u16::to_string).collect();
            table.push_str(&format!("{m}\t{p}\t{}\n", cells.join("\t")));
        }
        for route in &missing {
            table.push_str(&format!("# no row: {route}\n"));
        }
        eprintln!("observed access matrix:\n{table}");
    }
    assert!(differences.is_empty(), "the access matrix does not hold:\n{}", differences.join("\n"));
    let cells = staff_rows.len() * STAFF_COLUMNS.len() + link_rows.len() * LINK_COLUMNS.len();
    eprintln!("access matrix: {} routes, {cells} cells checked", staff_rows.len() + link_rows.len());
}

crate::on_both_databases!(every_route_has_a_row_and_every_row_holds);
