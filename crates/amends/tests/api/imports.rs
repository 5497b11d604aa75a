//! CSV imports through the API: bad rows reported by line, good rows kept, and the
//! same file again changes nothing.

use serde_json::Value;

use crate::helpers::{TestApp, answer};

async fn import(app: &TestApp, token: &str, kind: &str, csv: &str) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/imports/{kind}")))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(csv.to_owned())
        .send()
        .await
        .unwrap();
    let a = answer(resp).await;
    (a.status.as_u16(), a.body)
}

async fn customers_and_transactions_import_from_csv(app: TestApp) {
    let (_, manager) = app.staff("manager").await;
    let (_, agent) = app.staff("agent").await;
    let customers = "external_id,name,email,loyalty\r\nk1,\"Lee, Ann\",ann@example.com,gold\nk2,Bob Stone,bob@example.com,\nk3,,nobody@example.com,\nk4,Eve,ANN@example.com,\n";
    let (status, report) = import(&app, &manager, "customers", customers).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["rows"], 4);
    assert_eq!(report["inserted"], 2);
    assert_eq!(report["rejected"], 2);
    assert_eq!(report["errors"][0]["line"], 4, "the nameless row");
    assert_eq!(report["errors"][1]["line"], 5, "the email of another customer");
    assert_eq!(report["ignored_columns"][0], "loyalty");
    let (_, again) = import(&app, &manager, "customers", customers).await;
    assert_eq!(again["inserted"], 0);
    assert_eq!(again["already_present"], 2);

    let transactions = "external_id,customer_external_id,kind,amount_minor,currency,sku,location,occurred_at
o1,k1,order,1250,EUR,CAKE-7,Berlin,2026-10-01T10:00:00Z
o2,k2,order,900,EUR,TART-1,Munich,2026-10-02T10:00:00Z
o3,k9,order,100,EUR,,,2026-10-02T10:00:00Z
o4,k1,gift,100,EUR,,,2026-10-02T10:00:00Z
o5,k1,refund,250,EUR,CAKE-7,Berlin,2026-10-03T10:00:00Z
";
    let (status, report) = import(&app, &manager, "transactions", transactions).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["inserted"], 3);
    assert_eq!(report["rejected"], 2);
    assert_eq!(report["errors"][0]["line"], 4);
    assert_eq!(report["errors"][1]["line"], 5);
    let (_, again) = import(&app, &manager, "transactions", transactions).await;
    assert_eq!(again["already_present"], 3);
    assert_eq!(again["inserted"], 0);
    let found = app.get("/api/v1/customers?q=Lee", &agent).await.expect(200);
    let id = found["items"][0]["id"].as_i64().unwrap();
    let ann = app.get(&format!("/api/v1/customers/{id}"), &agent).await.expect(200);
    assert_eq!(ann["lifetime_value"][0]["amount_minor"], 1000);

    let (status, body) = import(&app, &manager, "transactions", "sku\nCAKE\n").await;
    assert_eq!((status, body["error"].as_str()), (422, Some("invalid")), "a header without the needed columns");
    let (status, _) = import(&app, &agent, "customers", customers).await;
    assert_eq!(status, 403, "imports are for managers");
    let (status, _) = import(&app, &manager, "gifts", customers).await;
    assert_eq!(status, 404);
}

crate::on_both_databases!(customers_and_transactions_import_from_csv);
