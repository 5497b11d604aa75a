//! Message templates a manager edits: only the message's own variables, never without
//! what the customer must read, and past the coach like every other text for customers.

use amends_domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Answer, TestApp};

async fn put_template(app: &TestApp, token: &str, name: &str, body: Value) -> Answer {
    app.call(Method::PUT, &format!("/api/v1/templates/{name}"), Some(token), Some(body)).await
}

async fn a_template_names_only_its_variables_and_keeps_what_the_customer_must_read(app: TestApp) {
    let manager = app.member(Role::Manager).await;
    let agent = app.member(Role::Agent).await;

    // "Dear {{ first_name }}," would greet every customer with "Dear ,".
    let unknown = "Subject: Did we understand you? [{{ reference }}]\n\nDear {{ first_name }},\n\n{{ restatement }}\n\nIs that right? {{ link }}\n";
    let refused = put_template(&app, &manager.token, "restatement", json!({ "source": unknown })).await;
    let refused = refused.expect_error(422, "invalid");
    assert_eq!(refused["field"], "source");
    assert_eq!(refused["unknown_variables"], json!(["first_name"]));
    assert!(refused["message"].as_str().unwrap().contains("{{ first_name }} is not a variable"), "{refused}");

    // A restatement mail without the restatement asks customers to confirm what they cannot see.
    let without =
        "Subject: Did we understand you? [{{ reference }}]\n\nDear {{ name }},\n\nPlease confirm here: {{ link }}\n";
    let refused = put_template(&app, &manager.token, "restatement", json!({ "source": without })).await;
    let refused = refused.expect_error(422, "invalid");
    assert_eq!(refused["missing_variables"], json!(["restatement"]));
    assert!(refused["message"].as_str().unwrap().contains("must show {{ restatement }}"), "{refused}");

    // The preview says the same before anything is saved.
    let preview = app
        .post("/api/v1/templates/preview", &manager.token, json!({ "name": "restatement", "source": without }))
        .await
        .expect(200);
    assert!(preview["problem"].as_str().unwrap().contains("{{ restatement }}"), "{preview}");

    // Agents do not edit templates; nothing above was saved.
    let good = "Subject: Did we understand you? [{{ reference }}]\n\nDear {{ customer.first_name }},\n\nIn my own words:\n\n{{ restatement }}\n\nIs that right? Confirm or correct it here: {{ link }}\n\n{{ signature }}\n";
    put_template(&app, &agent.token, "restatement", json!({ "source": good })).await.expect_error(403, "forbidden");
    let saved = put_template(&app, &manager.token, "restatement", json!({ "source": good })).await.expect(200);
    assert!(saved["body"].as_str().unwrap().starts_with("Dear Anna,"), "{saved}");
    assert!(saved["coach_override"].is_null());

    // The customer (Ann Lee) is greeted by her first name.
    let case = agent.open_case("ann@example.com", "The bread I bought this morning was mouldy.").await;
    agent.restate(&case, "The bread you bought this morning was mouldy.").await;
    app.settle().await;
    let messages = agent.messages(&case).await;
    let restatement = messages.iter().find(|m| m.purpose == "restatement").expect("the restatement is queued");
    assert!(restatement.text_body.starts_with("Dear Ann,\n"), "{}", restatement.text_body);
    assert!(restatement.text_body.contains("The bread you bought this morning was mouldy."));

    put_template(&app, &manager.token, "nonsense", json!({ "source": good })).await.expect_error(404, "not_found");
}

async fn held_words_in_a_template_need_a_reason(app: TestApp) {
    let manager = app.member(Role::Manager).await;
    let blame = "Subject: About your complaint [{{ reference }}]\n\nDear {{ name }},\n\n{{ apology }}\n\nOur policy is clear: you should have used it as the manual says.\n\n{{ signature }}\n";
    let held = put_template(&app, &manager.token, "apology", json!({ "source": blame })).await;
    let held = held.expect_error(422, "coach_gate");
    assert_eq!(held["field"], "coach_override");
    let kinds: Vec<&str> = held["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"blame"), "{held}");
    let blank = put_template(&app, &manager.token, "apology", json!({ "source": blame, "coach_override": "  " })).await;
    blank.expect_error(422, "coach_gate");

    let reason = "Our lawyer asked for this wording";
    let saved = put_template(&app, &manager.token, "apology", json!({ "source": blame, "coach_override": reason }))
        .await
        .expect(200);
    assert_eq!(saved["coach_override"]["reason"], reason);
    assert!(saved["coach_override"]["kinds"].as_array().unwrap().iter().any(|k| k == "blame"), "{saved}");

    // The settings page shows why it was saved over the coach.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url("/admin/templates/apology")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Saved over the coach") && page.contains(reason), "{page}");
}

async fn the_settings_page_refuses_in_words_and_keeps_the_draft(app: TestApp) {
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let post = |source: &'static str, reason: Option<&'static str>| {
        let mut form = vec![("csrf", csrf.clone()), ("source", source.to_owned())];
        if let Some(r) = reason {
            form.push(("coach_override", r.to_owned()));
        }
        client.post(app.url("/admin/templates/restatement")).form(&form).send()
    };
    let unknown = "Subject: Hi [{{ reference }}]\n\nDear {{ first_name }},\n\n{{ restatement }}\n\n{{ link }}\n";
    let refused = post(unknown, None).await.unwrap();
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Not saved: {{ first_name }} is not a variable"), "{page}");
    assert!(page.contains("Dear {{ first_name }},"), "the draft is kept in the form");

    let without = "Subject: Hi [{{ reference }}]\n\nDear {{ name }}, confirm here: {{ link }}\n";
    let page = post(without, None).await.unwrap().text().await.unwrap();
    assert!(page.contains("must show {{ restatement }}"), "{page}");

    let blame = "Subject: Hi [{{ reference }}]\n\nDear {{ name }},\n\n{{ restatement }}\n\nOur policy is clear: you should have read the manual.\n\n{{ link }}\n";
    let held = post(blame, None).await.unwrap();
    assert_eq!(held.status(), 422);
    let page = held.text().await.unwrap();
    assert!(page.contains("give a reason to save it anyway") && page.contains("name=\"coach_override\""), "{page}");
    let saved = post(blame, Some("The owner insists")).await.unwrap();
    assert_eq!(saved.status(), 200);
    let page = saved.text().await.unwrap();
    assert!(page.contains("Saved. Customers receive this version") && page.contains("The owner insists"), "{page}");
}

crate::on_both_databases!(
    a_template_names_only_its_variables_and_keeps_what_the_customer_must_read,
    held_words_in_a_template_need_a_reason,
    the_settings_page_refuses_in_words_and_keeps_the_draft
);
