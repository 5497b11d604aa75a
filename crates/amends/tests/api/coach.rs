//! The language coach over HTTP: reviews, the gate on sending, overrides on the
//! timeline, and templates managers edit.

use amends_domain::Role;
use serde_json::json;

use crate::helpers::TestApp;

async fn the_coach_reviews_drafts_and_gates_sending(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let review = app
        .post("/api/v1/coach", &agent, json!({ "text": "You should have read our policy. We guarantee it will never happen again.", "step": "apology" }))
        .await
        .expect(200);
    let kinds: Vec<&str> = review["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"blame") && kinds.contains(&"policy") && kinds.contains(&"overpromise"), "{kinds:?}");
    assert!(review["score"].as_i64().unwrap() < 50);
    let clean = app
        .post("/api/v1/coach", &agent, json!({ "text": "I am so sorry. I accept all responsibility, and I will call you by Friday at 10:00.", "step": "apology" }))
        .await
        .expect(200);
    assert!(clean["findings"].as_array().unwrap().is_empty(), "{clean}");
    app.post("/api/v1/coach", &agent, json!({ "step": "apology" })).await.expect_error(422, "invalid");

    // The gate on a real step: held, then sent with the agent's reason on the timeline.
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("lee@example.com", "The oven part you fitted broke after a day.").await;
    ann.restate(&case, "The part we fitted failed after one day.").await;
    ann.confirm(&case).await;
    let blame = "Our policy is clear: you should have used it as the manual says.";
    let held = ann.try_step(&case, "apology", json!({ "text": blame })).await.unwrap_err();
    assert_eq!((held.status, held.error.as_str(), held.field.as_deref()), (422, "coach_gate", Some("coach_override")));
    assert_eq!(ann.case(&case).await.next_step.as_deref(), Some("apologise"), "nothing was recorded");
    let reason = "The customer asked for the manual's wording";
    let sent = ann.step(&case, "apology", json!({ "text": blame, "coach_override": reason })).await;
    assert_eq!(sent.next_step.as_deref(), Some("offer"));
    let case = ann.case(&case).await;
    let overridden = case.events("coach_overridden");
    let overridden = &overridden.first().expect("the override is on the timeline").fields;
    assert_eq!(overridden["reason"], reason);
    assert!(overridden["kinds"].as_array().unwrap().iter().any(|k| k == "blame"));
}

async fn managers_edit_templates_with_a_preview(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let (_, manager) = app.staff("manager").await;
    let source = "Subject: Sorry, {{ name }} [{{ reference }}]\n\n{{ apology }}\n\nWe will call you by Friday.\n";
    app.post("/api/v1/templates/preview", &agent, json!({ "name": "apology", "source": source }))
        .await
        .expect_error(403, "forbidden");
    let preview = app
        .post("/api/v1/templates/preview", &manager, json!({ "name": "apology", "source": source }))
        .await
        .expect(200);
    assert_eq!(preview["subject"], "Sorry, Anna Müller [AM-1042]");
    assert!(preview["body"].as_str().unwrap().contains("I accept all responsibility"));
    let broken = app
        .post("/api/v1/templates/preview", &manager, json!({ "name": "apology", "source": "Subject: {{ oops\n\nx" }))
        .await
        .expect(200);
    assert!(broken["problem"].is_string());
    let bad_words = app
        .post("/api/v1/templates/preview", &manager, json!({ "name": "apology", "source": "Subject: About your complaint\n\nUnfortunately our policy does not allow refunds.\n" }))
        .await
        .expect(200);
    assert!(bad_words["review"]["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "policy"));
    app.post("/api/v1/templates/preview", &manager, json!({ "name": "nonsense", "source": source })).await.expect(404);

    // Saved through the page (a form with the CSRF token), it is what customers receive.
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let saved = client
        .post(app.url("/admin/templates/apology"))
        .form(&[("csrf", csrf.as_str()), ("source", source)])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.unwrap().contains("Saved"));
    let refused = client.post(app.url("/admin/templates/apology")).form(&[("source", source)]).send().await.unwrap();
    assert_eq!(refused.status(), 403, "a form without the CSRF token");

    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("max@example.com", "Cold soup.").await;
    ann.restate(&case, "Your soup was served cold.").await;
    ann.confirm(&case).await;
    ann.apologise(&case, "I am sorry; I accept all responsibility.").await;
    app.settle().await;
    let messages = ann.messages(&case).await;
    let apology = messages.iter().find(|m| m.purpose == "apology").expect("an apology queued");
    assert_eq!(
        apology.subject,
        format!("Sorry, Ann Lee [{}]", case.reference),
        "the edited template is what the customer gets"
    );
    assert!(apology.text_body.contains("We will call you by Friday."));
}

async fn a_restatement_is_checked_against_the_complaints_concerns(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let complaint = "The cake for my daughter's birthday was delivered three hours late and the icing was smashed.";
    let answer = app
        .post(
            "/api/v1/coach",
            &agent,
            json!({ "text": "Your cake was delayed and the icing was damaged.", "step": "restatement", "complaint": complaint }),
        )
        .await
        .expect(200);
    let missed: Vec<&serde_json::Value> =
        answer["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "missed_concern").collect();
    let ids: Vec<&str> = missed.iter().map(|f| f["concern_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["child", "occasion"], "{answer}");
    for f in &missed {
        let (start, end) = (f["start"].as_u64().unwrap() as usize, f["end"].as_u64().unwrap() as usize);
        let words: String = complaint.chars().skip(start).take(end - start).collect();
        assert_eq!(f["concern"], words.as_str(), "start/end point at the complaint's own words");
        assert_eq!(f["concern_kind"], "implied");
        assert!(f["why"].as_str().unwrap().contains(&words), "{f}");
    }
    assert_eq!(missed[1]["concern"], "birthday");

    // Other words for every concern: nothing missed.
    let complete = "Your daughter's birthday cake came three hours after it should have, with the icing ruined, on her special day.";
    let answer = app
        .post("/api/v1/coach", &agent, json!({ "text": complete, "step": "restatement", "complaint": complaint }))
        .await
        .expect(200);
    assert!(answer["findings"].as_array().unwrap().iter().all(|f| f["kind"] != "missed_concern"), "{answer}");

    // The case's own words, by id.
    let id = app
        .complaint(&agent, "dee@example.com", "Third time the boiler has broken down. I took another day off work.")
        .await["id"]
        .as_i64()
        .unwrap();
    let answer = app
        .post(
            "/api/v1/coach",
            &agent,
            json!({ "text": "Your boiler has broken down.", "step": "restatement", "case_id": id }),
        )
        .await
        .expect(200);
    let ids: Vec<&str> = answer["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "missed_concern")
        .map(|f| f["concern_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["repeat", "work_lost"], "{answer}");
    // The case page asks the same as the restatement is typed (assets/app.js marks the
    // missed concerns in the customer's words).
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("data-coach=\"restatement\" data-case=\"{id}\"")), "{page}");
    assert!(page.contains("<div class=\"verbatim\" data-complaint>Third time the boiler"), "{page}");

    // Without a complaint, a restatement is reviewed as before.
    let plain = app
        .post("/api/v1/coach", &agent, json!({ "text": "Your cake was late.", "step": "restatement" }))
        .await
        .expect(200);
    assert!(plain["findings"].as_array().unwrap().is_empty(), "{plain}");
    app.post("/api/v1/coach", &agent, json!({ "text": "x", "step": "restatement", "case_id": 999_999 }))
        .await
        .expect_error(404, "not_found");
    let both = app
        .post(
            "/api/v1/coach",
            &agent,
            json!({ "text": "x", "step": "restatement", "case_id": id, "complaint": "late" }),
        )
        .await
        .expect_error(422, "invalid");
    assert_eq!(both["field"], "case_id");
    let wrong_step = app
        .post("/api/v1/coach", &agent, json!({ "text": "x", "step": "apology", "complaint": "late" }))
        .await
        .expect_error(422, "invalid");
    assert_eq!(wrong_step["field"], "step");
}

async fn the_case_json_carries_the_severity_the_complaints_words_suggest(app: TestApp) {
    let (_, agent) = app.staff("agent").await;
    let cake = app.complaint(&agent, "cake@example.com", "The cake was delivered an hour late.").await;
    assert_eq!(cake["suggested_severity"], "normal");
    assert_eq!(cake["severity_reasons"], json!([]));

    let words =
        "We told you about his nut allergy, and there was a nut in my son's dessert. I am calling my solicitor.";
    let id = app.complaint(&agent, "nut@example.com", words).await["id"].as_i64().unwrap();
    let case = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(case["suggested_severity"], "critical", "{case}");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM cases WHERE suggested_severity = 'critical'").await,
        1,
        "kept at intake"
    );
    assert_eq!(case["severity"], "critical", "raised at intake: staff left the severity to the words");
    let reasons = case["severity_reasons"].as_array().unwrap();
    let kinds: Vec<&str> = reasons.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["allergy", "child", "legal_threat"], "{case}");
    // A case stored before the suggestion was kept has its words read when it is asked for.
    app.scalar("UPDATE cases SET suggested_severity = NULL RETURNING 0").await;
    let older = app.get(&format!("/api/v1/cases/{id}"), &agent).await.expect(200);
    assert_eq!(older["suggested_severity"], "critical", "{older}");
    for r in reasons {
        let (start, end) = (r["start"].as_u64().unwrap() as usize, r["end"].as_u64().unwrap() as usize);
        let quoted: String = words.chars().skip(start).take(end - start).collect();
        assert_eq!(r["words"], quoted.as_str());
    }
    assert_eq!(reasons[1]["words"], "son's");
    assert!(reasons.iter().all(|r| !r["why"].as_str().unwrap().is_empty()), "each says why: {case}");
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/cases/{id}"))).send().await.unwrap().text().await.unwrap();
    for shown in ["allergy</strong>: “nut”", "child</strong>: “son&#x27;s”", "legal threat</strong>: “solicitor”"]
    {
        assert!(page.contains(shown), "{shown} on the page: {page}");
    }
}

/// Missed concerns are advice: the restatement goes, and the timeline records what it
/// did not say back, in the complaint's words.
async fn a_restatement_sent_without_saying_back_records_what_it_missed(app: TestApp) {
    let ann = app.member(Role::Agent).await;
    let complaint = "The cake for my daughter's birthday was delivered three hours late and the icing was smashed.";
    let case = ann.open_case("mia@example.com", complaint).await;
    let sent = ann.restate(&case, "Your cake was delayed and the icing was damaged.").await;
    assert_eq!(sent.status, "awaiting_customer", "sent, not held");
    let case = ann.case(&case).await;
    let restated = case.events("restatement_written");
    let missed = restated[0].fields["missed_concerns"].as_array().expect("the missed concerns are kept").clone();
    assert_eq!(missed.len(), 2, "{missed:?}");
    assert_eq!(missed[1], "birthday");
    assert!(case.events("coach_overridden").is_empty(), "no reason was asked for");
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url(&format!("/cases/{}", case.id))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Sent without saying back: “") && page.contains("“birthday”"), "{page}");

    // Said back in full: nothing to record.
    let other = ann.open_case("mia@example.com", "My parcel was delivered late.").await;
    ann.restate(&other, "Your parcel was delayed.").await;
    let other = ann.case(&other).await;
    assert!(other.events("restatement_written")[0].fields.get("missed_concerns").is_none(), "{other:?}");
}

/// A database from before intake kept the severity a complaint's words suggest: its
/// cases have none. The upgrade reads their words once, in the customer's language, so
/// that showing a case no longer reads them again each time.
async fn an_upgrade_keeps_the_severity_the_words_of_older_cases_suggest(db: crate::helpers::Db) {
    let mut app = crate::helpers::spawn_app(db).await;
    let (_, agent) = app.staff("agent").await;
    let words = "There was a nut in my son's dessert and we told you about his allergy.";
    let nut = app.complaint(&agent, "nut@example.com", words).await["id"].as_i64().unwrap();
    let cake = app.complaint(&agent, "cake@example.com", "The cake was an hour late.").await["id"].as_i64().unwrap();
    let german = "Unser Sohn hat eine Nussallergie, und in seinem Nachtisch war eine Nuss.";
    let torte = app.complaint(&agent, "torte@example.com", german).await["id"].as_i64().unwrap();
    app.scalar("UPDATE customers SET language = 'de' WHERE email = 'torte@example.com' RETURNING 0").await;

    // Undo migration 30 and forget what intake kept, as before migration 28.
    app.scalar("DELETE FROM schema_migrations WHERE version = 30 RETURNING 0").await;
    app.scalar("UPDATE cases SET suggested_severity = NULL RETURNING 0").await;
    app.restart(|_| {}).await;

    let kept = |id: i64| format!("SELECT COUNT(*) FROM cases WHERE id = {id} AND suggested_severity = ");
    assert_eq!(app.scalar(&format!("{}'critical'", kept(nut))).await, 1, "the nut in a child's dessert");
    assert_eq!(app.scalar(&format!("{}'normal'", kept(cake))).await, 1, "a late cake");
    assert_eq!(app.scalar(&format!("{}'critical'", kept(torte))).await, 1, "read in German");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM cases WHERE suggested_severity IS NULL").await, 0);
    let case = app.get(&format!("/api/v1/cases/{nut}"), &agent).await.expect(200);
    assert_eq!(case["suggested_severity"], "critical", "{case}");
}

crate::on_both_databases!(
    a_restatement_sent_without_saying_back_records_what_it_missed,
    an_upgrade_keeps_the_severity_the_words_of_older_cases_suggest,
    the_case_json_carries_the_severity_the_complaints_words_suggest,
    the_coach_reviews_drafts_and_gates_sending,
    managers_edit_templates_with_a_preview,
    a_restatement_is_checked_against_the_complaints_concerns
);
