//! Customers, search, the transaction feed and lifetime value.

use serde_json::{Value, json};

use crate::helpers::TestApp;

async fn customers_are_created_found_and_updated(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let made = app
        .post(
            "/api/v1/customers",
            &agent,
            json!({ "name": "Marta Müller", "email": "Marta@Example.com", "phone": "+49 30 1234", "external_id": "shop-77",
                    "postal_address": "Hauptstr. 1\n10115 Berlin", "notes": "Likes dark chocolate" }),
        )
        .await
        .expect(201);
    let id = made["id"].as_i64().unwrap();
    assert_eq!(made["watch"], false);
    app.post("/api/v1/customers", &agent, json!({ "name": "Other", "email": "marta@example.COM" }))
        .await
        .expect_error(409, "conflict");
    app.post("/api/v1/customers", &agent, json!({ "name": "Other", "external_id": "shop-77" })).await.expect(409);
    app.post("/api/v1/customers", &agent, json!({ "name": "Walk-in", "phone": "555" })).await.expect(201);

    let by_email = app.get("/api/v1/customers?q=marta@example.com", &agent).await.expect(200);
    assert_eq!(by_email["items"][0]["id"], id);
    let by_name = app.get("/api/v1/customers?q=mar", &agent).await.expect(200);
    assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_name["items"][0]["name"], "Marta Müller");

    let changed = app
        .patch(
            &format!("/api/v1/customers/{id}"),
            &agent,
            json!({ "phone": null, "notes": "Likes dark chocolate; allergic to nuts" }),
        )
        .await
        .expect(200);
    assert_eq!(changed["phone"], Value::Null);
    assert_eq!(changed["email"], "Marta@Example.com", "fields left out stay");
    app.patch(&format!("/api/v1/customers/{id}"), &agent, json!({ "email": "not-an-email" }))
        .await
        .expect_error(422, "invalid");

    for i in 0..5 {
        app.post("/api/v1/customers", &agent, json!({ "name": format!("Mark {i}") })).await.expect(201);
    }
    let page1 = app.get("/api/v1/customers?q=mar&limit=4", &agent).await.expect(200);
    let cursor = page1["next_cursor"].as_str().unwrap().to_owned();
    let page2 =
        app.get(&format!("/api/v1/customers?q=mar&limit=4&cursor={}", urlencode(&cursor)), &agent).await.expect(200);
    let names: Vec<&str> = page1["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(page2["items"].as_array().unwrap())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Mark 0", "Mark 1", "Mark 2", "Mark 3", "Mark 4", "Marta Müller"]);
}

fn urlencode(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

async fn transactions_are_idempotent_and_make_lifetime_value(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let c = app.post("/api/v1/customers", &agent, json!({ "name": "Raj", "external_id": "crm-1" })).await.expect(201);
    let id = c["id"].as_i64().unwrap();
    let order = json!({ "customer_external_id": "crm-1", "external_id": "o-1", "kind": "order", "amount_minor": 5000, "currency": "EUR", "sku": "CAKE-L", "location": "Main St", "occurred_at": "2026-10-01T12:00:00Z" });
    app.post("/api/v1/transactions", &agent, order.clone()).await.expect(201);
    app.post("/api/v1/transactions", &agent, order).await.expect(200);

    let mut rows: Vec<Value> = (0..2500)
        .map(|i| json!({ "customer_id": id, "external_id": format!("v-{i}"), "kind": "visit", "amount_minor": 100, "currency": "EUR", "occurred_at": "2026-10-02T09:00:00Z" }))
        .collect();
    rows.push(json!({ "customer_id": id, "external_id": "r-1", "kind": "refund", "amount_minor": 1500, "currency": "EUR", "occurred_at": "2026-10-03T09:00:00Z" }));
    rows.push(json!({ "customer_id": 999999, "external_id": "x-1", "kind": "order", "amount_minor": 1, "currency": "EUR", "occurred_at": "2026-10-03T09:00:00Z" }));
    let batch = json!({ "transactions": rows });
    let first = app.post("/api/v1/transactions/batch", &agent, batch.clone()).await.expect(200);
    assert_eq!(first["inserted"], 2501);
    assert_eq!(first["rejected"][0]["index"], 2501);
    let again = app.post("/api/v1/transactions/batch", &agent, batch).await.expect(200);
    assert_eq!(again["inserted"], 0);
    assert_eq!(again["already_present"], 2501);

    let customer = app.get(&format!("/api/v1/customers/{id}"), &agent).await.expect(200);
    assert_eq!(customer["lifetime_value"], json!([{ "amount_minor": 5000 + 250_000 - 1500, "currency": "EUR" }]));
    let recent = app.get(&format!("/api/v1/customers/{id}/transactions?limit=2"), &agent).await.expect(200);
    assert_eq!(recent["items"][0]["external_id"], "r-1", "newest first");

    let bad = json!({ "transactions": [{ "customer_id": id, "external_id": "b", "kind": "gift", "amount_minor": 1, "currency": "EUR", "occurred_at": "2026-10-03T09:00:00Z" }] });
    app.post("/api/v1/transactions/batch", &agent, bad).await.expect_error(422, "invalid");
    let too_many: Vec<Value> = (0..10_001).map(|i| json!({ "customer_id": id, "external_id": format!("t{i}"), "kind": "visit", "amount_minor": 1, "currency": "EUR", "occurred_at": "2026-10-03T09:00:00Z" })).collect();
    app.post("/api/v1/transactions/batch", &agent, json!({ "transactions": too_many }))
        .await
        .expect_error(413, "too_large");
}

crate::on_both_databases!(customers_are_created_found_and_updated, transactions_are_idempotent_and_make_lifetime_value);
