//! The OpenAPI document is the API as served: it is made at start from the routes'
//! declarations, every operation it lists is served, a path takes no method it does not
//! list, every reference in it resolves, and no API route is added around the table.

use std::collections::BTreeSet;
use std::path::Path;

use reqwest::Method;
use serde_json::Value;

use crate::helpers::TestApp;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// A path with its parameters filled in with values that may exist.
fn concrete(path: &str) -> String {
    path.replace("{id}", "1").replace("{sid}", "1").replace("{kind}", "customers")
}

async fn every_documented_operation_is_served_and_no_other(app: TestApp) {
    let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await.expect(200);
    assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
    assert_eq!(doc, amends_web::api::openapi(), "the served document is the one the code makes");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 89, "the document lists the API ({} paths)", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        let item = item.as_object().expect("path item");
        for method in METHODS {
            let http = Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
            let answer =
                app.call(http.clone(), &format!("/api/v1{}", concrete(path)), Some(&app.admin_token), None).await;
            let unknown = answer.status == 404 && answer.body["message"] == "no such endpoint";
            assert!(!unknown, "{method} {path}: the path is documented but not served");
            if item.contains_key(method) {
                operations += 1;
                assert!(answer.status != 405, "{method} {path} is documented but not served");
                assert!(answer.status.as_u16() < 500, "{method} {path} answered {}: {}", answer.status, answer.body);
            } else {
                assert_eq!(answer.status, 405, "{method} {path} is served but not documented: {}", answer.body);
            }
        }
    }
    assert!(operations >= 109, "{operations} operations");
}

crate::on_both_databases!(every_documented_operation_is_served_and_no_other);

fn references(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                found.insert(target.clone());
            }
            map.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

/// Each operation names its answers, its errors in the error shape, and an id; every
/// `$ref` points at something the document holds.
#[test]
fn the_document_holds_together() {
    let doc = amends_web::api::openapi();
    let mut found = BTreeSet::new();
    references(&doc, &mut found);
    for target in &found {
        let pointer = target.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{target} is referred to but not in the document");
    }
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            let id = operation["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty() && ids.insert(id.to_owned()), "{method} {path}: operation id {id:?}");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}: a summary");
            let responses = operation["responses"].as_object().expect("responses");
            assert!(responses.keys().any(|s| s.starts_with('2')), "{method} {path}: a success answer");
            for status in ["401", "500", "503"] {
                assert!(responses.contains_key(status), "{method} {path}: answer {status}");
            }
            if method != "get" {
                for status in ["400", "403", "409", "422"] {
                    let said = responses[status]["description"].as_str().unwrap_or_default();
                    assert!(!said.is_empty(), "{method} {path}: answer {status} of a write");
                }
            }
        }
    }
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["session"]["name"], "amends_session");
    assert!(doc["components"]["schemas"]["Error"]["properties"]["error"].is_object(), "the error shape");
}

/// Every API route goes through `routes!` (or the steps' table), which cannot serve a
/// route without documenting it: a bare `.route(` in the API's source would.
#[test]
fn api_routes_are_declared_only_with_their_documentation() {
    let api = Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-web/src/api");
    for entry in std::fs::read_dir(&api).expect("the API's source") {
        let file = entry.expect("entry").path();
        if file.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&file).expect("source");
            assert!(!text.contains(".route("), "{} adds a route around the documented table", file.display());
        }
    }
}

/// A schema's name is its only key in the document: two types of one name (a coach's
/// `Severity` and a case's) would leave one of them described as the other. Every type
/// that derives `ToSchema` has a name of its own (or takes one with `schema(as = …)`).
#[test]
fn every_described_type_has_a_name_of_its_own() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut folders = vec![crates];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") && path.to_string_lossy().contains("/src/") {
                files.push(path);
            }
        }
    }
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("source");
        let lines: Vec<&str> = text.lines().collect();
        for (at, line) in lines.iter().enumerate() {
            // The domain's named enums describe themselves in their macro (`case.rs`).
            if line.trim_start().starts_with("named_enum!(") {
                let name = lines[at + 1..].iter().map(|l| l.trim()).find(|l| !l.starts_with("///"));
                let name = name.and_then(|l| l.split(',').next()).unwrap_or_default().to_owned();
                let place = format!("{}:{}", file.display(), at + 1);
                if let Some(first) = seen.insert(name.clone(), place.clone()) {
                    panic!("two types are described as {name}: {first} and {place}");
                }
                continue;
            }
            if !(line.contains("derive(") && line.contains("ToSchema")) {
                continue;
            }
            let Some(end) = lines[at..].iter().position(|l| l.contains("struct ") || l.contains("enum ")) else {
                continue;
            };
            let item = lines[at + end];
            let attributes = lines[at..at + end].join(" ");
            let after = item.split(if item.contains("struct ") { "struct " } else { "enum " }).nth(1).unwrap_or("");
            let ident: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if ident.is_empty() {
                continue; // a macro's `$name`
            }
            let name = format!("{line} {attributes}")
                .split("schema(as = ")
                .nth(1)
                .map(|rest| rest.split(')').next().unwrap_or(rest).to_owned());
            let name = name.unwrap_or(ident);
            let place = format!("{}:{}", file.display(), at + 1);
            if let Some(first) = seen.insert(name.clone(), place.clone()) {
                panic!("two types are described as {name}: {first} and {place}");
            }
        }
    }
    assert!(seen.len() > 50, "{} described types", seen.len());
}
