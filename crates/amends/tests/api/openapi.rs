//! The OpenAPI document describes what the server does: every path it lists is served.

use reqwest::Method;

use crate::helpers::TestApp;

async fn every_documented_operation_is_served(app: TestApp) {
    let doc = app.call(Method::GET, "/api/v1/openapi.json", None, None).await.expect(200);
    assert_eq!(doc["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 30, "the document lists the API ({} paths)", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        for (method, _) in item
            .as_object()
            .unwrap()
            .iter()
            .filter(|(m, _)| ["get", "post", "patch", "delete", "put"].contains(&m.as_str()))
        {
            operations += 1;
            let concrete = path.replace("{id}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let answer = app.call(method.clone(), &format!("/api/v1{concrete}"), Some(&app.admin_token), None).await;
            let unknown = answer.status == 404 && answer.body["message"] == "no such endpoint";
            assert!(!unknown && answer.status != 405, "{method} {path} is documented but not served");
            assert!(answer.status.as_u16() < 500, "{method} {path} answered {}: {}", answer.status, answer.body);
        }
    }
    assert!(operations >= 35, "{operations} operations");
}

crate::on_both_databases!(every_documented_operation_is_served);
