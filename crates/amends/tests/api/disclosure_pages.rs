//! The disclosure and import pages, as a manager uses them: the audience counted and
//! sampled before anything is saved, the coach holding back a blaming text, the send
//! and its progress per recipient, the notices by letter in the print run (read back
//! from the PDF) and marked posted, and an import's per-row error report.

use std::process::Command;

use serde_json::{Value, json};

use crate::helpers::{Db, TestApp, spawn_app, spawn_app_with};

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool} (poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn customer(app: &TestApp, token: &str, name: &str, email: Option<&str>, address: Option<&str>) -> i64 {
    let mut c = json!({ "name": name });
    if let Some(e) = email {
        c["email"] = json!(e);
    }
    if let Some(a) = address {
        c["postal_address"] = json!(a);
    }
    app.post("/api/v1/customers", token, c).await.expect(201)["id"].as_i64().unwrap()
}

fn order(customer: i64, ext: &str, sku: &str) -> Value {
    json!({ "customer_id": customer, "external_id": ext, "kind": "order", "amount_minor": 1500, "currency": "EUR",
            "sku": sku, "location": "Berlin", "occurred_at": "2026-10-02T10:00:00Z" })
}

/// The disclosure once the queue has run: sent.
async fn once_sent(app: &TestApp, token: &str, id: i64) -> Value {
    app.settle().await;
    let d = app.get(&format!("/api/v1/disclosures/{id}"), token).await.expect(200);
    assert_eq!(d["status"], "sent", "{d}");
    d
}

/// A complaint of the customer's own, found to be about the problem.
async fn told_us(app: &TestApp, token: &str, customer: i64, problem: i64, words: &str) -> Value {
    let case = app
        .post("/api/v1/cases", token, json!({ "customer_id": customer, "body": words, "channel": "phone" }))
        .await
        .expect(201);
    let path = |step: &str| format!("/api/v1/cases/{}/{step}", case["id"]);
    app.post(&path("restatement"), token, json!({ "text": "The cream in your cake had turned." })).await.expect(200);
    app.post(&path("restatement/confirm"), token, json!({})).await.expect(200);
    app.post(&path("prevent"), token, json!({ "problem_id": problem })).await.expect(200);
    case
}

async fn a_manager_counts_sends_and_prints_a_disclosure(db: Db) {
    let app = spawn_app_with(db, |s| s.jobs.phone = "+49 30 1234567".to_owned()).await;
    let (_, manager) = app.staff("manager").await;
    let problem = app
        .post(
            "/api/v1/problems",
            &manager,
            json!({ "title": "Cream past its date in batch 7", "corrective_action": "Threw the batch away" }),
        )
        .await
        .expect(201);
    let pid = problem["id"].as_i64().unwrap();
    let ann = customer(&app, &manager, "Ann Mailed", Some("ann@example.com"), None).await;
    let bob = customer(&app, &manager, "Bob Posted", None, Some("Hauptstrasse 12\n10115 Berlin")).await;
    let cyd = customer(&app, &manager, "Cyd Unreachable", None, None).await;
    let dee = customer(&app, &manager, "Dee Elsewhere", Some("dee@example.com"), None).await;
    let eve = customer(&app, &manager, "Eve Mailed", Some("eve@example.com"), None).await;
    // Bob and Eve told us themselves before the problem was found.
    let bobs = told_us(&app, &manager, bob, pid, "The cream tasted sour.").await;
    told_us(&app, &manager, eve, pid, "My cake made me feel ill.").await;
    let rows = vec![
        order(ann, "o1", "CAKE-7"),
        order(bob, "o2", "CAKE-7"),
        order(cyd, "o3", "CAKE-7"),
        order(dee, "o4", "TART-1"),
        order(eve, "o5", "CAKE-7"),
    ];
    app.post("/api/v1/transactions/batch", &manager, json!({ "transactions": rows })).await.expect(200);

    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let form = client.get(app.url(&format!("/disclosures/new?problem={pid}"))).send().await.unwrap();
    assert_eq!(form.status(), 200);
    let html = form.text().await.unwrap();
    assert!(html.contains(&format!("<option value=\"{pid}\" selected>Cream past its date in batch 7")), "{html}");

    // Counting writes nothing: the count and a sample, with the draft kept.
    let mut fields = vec![
        ("csrf", csrf.clone()),
        ("problem_id", pid.to_string()),
        ("skus", "CAKE-7".to_owned()),
        ("from", "2026-10-01".to_owned()),
        ("to", "2026-10-31".to_owned()),
        ("title", "About the cakes of batch 7".to_owned()),
        ("explanation", "You should have noticed the taste.".to_owned()),
        ("solution", "We will bake you a new cake, on us, this week.".to_owned()),
        ("channel_email", "on".to_owned()),
        ("action", "preview".to_owned()),
    ];
    let counted = client.post(app.url("/disclosures")).form(&fields).send().await.unwrap();
    assert_eq!(counted.status(), 200);
    let html = counted.text().await.unwrap();
    assert!(html.contains("<strong data-audience-count>4</strong> customers are affected"), "{html}");
    assert!(html.contains("Ann Mailed") && html.contains("Bob Posted") && !html.contains("Dee Elsewhere"));
    assert!(app.get("/api/v1/disclosures", &manager).await.expect(200)["items"].as_array().unwrap().is_empty());
    let nobody = [("csrf", csrf.as_str()), ("action", "preview")];
    let refused = client.post(app.url("/disclosures")).form(&nobody).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Choose who is affected"));

    // The coach holds back a text that blames the customer; rewritten, it is saved.
    fields.last_mut().unwrap().1 = "create".to_owned();
    let held = client.post(app.url("/disclosures")).form(&fields).send().await.unwrap();
    assert_eq!(held.status(), 422);
    let html = held.text().await.unwrap();
    assert!(html.contains("The coach found") && html.contains("blame"), "{html}");
    fields[6].1 = "The cream in the cakes of batch 7 was past its date. We found it in our own check.".to_owned();
    let saved = client.post(app.url("/disclosures")).form(&fields).send().await.unwrap();
    assert_eq!(saved.status(), 200, "redirected to the disclosure");
    let page_url = saved.url().clone();
    let id: i64 = page_url.path().rsplit('/').next().unwrap().parse().unwrap();
    let html = saved.text().await.unwrap();
    assert!(html.contains("<strong id=\"audience-count\">4</strong> customers will be told"), "{html}");
    assert!(html.contains("Send to 4 customers") && html.contains("Dear Ann Mailed"));
    assert!(html.contains("The cream in the cakes of batch 7 was past its date"));

    // Sending asks first, with the count; asking sends nothing.
    let send_url = app.url(&format!("/disclosures/{id}/send"));
    let asked = client.post(&send_url).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
    assert_eq!(asked.status(), 200);
    let html = asked.text().await.unwrap();
    assert!(html.contains("<h1>Send to <span data-send-count>4</span> customers?</h1>"), "{html}");
    assert!(html.contains("Yes, send to 4 customers"));
    assert_eq!(app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200)["status"], "draft");
    // A count that changed since the page was read asks again.
    let stale = [("csrf", csrf.as_str()), ("confirm", "yes"), ("count", "3")];
    let html = client.post(&send_url).form(&stale).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("(3 then, 4 now)"), "{html}");
    assert_eq!(app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200)["status"], "draft");
    let confirm = [("csrf", csrf.as_str()), ("confirm", "yes"), ("count", "4")];
    let sent = client.post(&send_url).form(&confirm).send().await.unwrap();
    assert_eq!(sent.status(), 200);
    let d = once_sent(&app, &manager, id).await;
    assert_eq!(d["progress"]["total"], 4);
    assert_eq!(d["progress"]["queued"], 3, "two emails, one letter to print: {d}");
    assert_eq!(d["progress"]["failed"], 1, "neither an email nor a postal address");
    let html = client.get(page_url.clone()).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<dd data-status=\"queued\">3</dd>") && html.contains("<dd data-status=\"failed\">1</dd>"));
    assert!(html.contains("Cyd Unreachable") && html.contains("neither an email address nor a postal address"));
    assert!(html.contains("to print"), "Bob's letter waits for the print run");
    let again = client.post(&send_url).form(&confirm).send().await.unwrap();
    assert_eq!(again.status(), 200, "a resubmitted confirmation changes nothing");
    assert_eq!(app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200)["progress"]["total"], 4);
    app.settle().await;
    let d = app.get(&format!("/api/v1/disclosures/{id}"), &manager).await.expect(200);
    assert_eq!((d["progress"]["total"].as_i64(), d["progress"]["queued"].as_i64()), (Some(4), Some(3)), "{d}");

    // Eve told us herself: her notice says so, Ann's that we would rather tell her first.
    sqlx::any::install_default_drivers();
    let db = sqlx::AnyPool::connect(&app.database_url).await.unwrap();
    let mail_to = |to: &'static str| {
        let db = db.clone();
        async move {
            let rows = sqlx::query("SELECT text_body FROM outbox WHERE purpose = 'disclosure' AND to_email = $1")
                .bind(to)
                .fetch_all(&db)
                .await
                .unwrap();
            assert_eq!(rows.len(), 1, "one notice to {to}");
            sqlx::Row::get::<String, _>(&rows[0], "text_body").split_whitespace().collect::<Vec<_>>().join(" ")
        }
    };
    let eves = mail_to("eve@example.com").await;
    assert!(
        eves.contains("You told us about this on ") && eves.contains("here is what we found and what we did"),
        "{eves}"
    );
    assert!(!eves.contains("rather tell you"), "{eves}");
    assert!(eves.contains("If anything is still not right for you"), "{eves}");
    let anns = mail_to("ann@example.com").await;
    assert!(
        anns.contains("we would rather tell you now than have you find it yourself") && !anns.contains("You told us")
    );
    db.close().await;

    // Bob's notice is in the print run, with his own link written out.
    let run = client.get(app.url("/letters")).send().await.unwrap().text().await.unwrap();
    let recipients = app.get(&format!("/api/v1/disclosures/{id}/recipients"), &manager).await.expect(200);
    let bob_row = recipients["items"].as_array().unwrap().iter().find(|r| r["customer_id"] == bob).unwrap().clone();
    assert_eq!(bob_row["by_letter"], true);
    assert!(run.contains(&format!("data-notice=\"{}\"", bob_row["id"])), "{run}");
    let pdf = client.get(app.url("/letters/batch.pdf")).send().await.unwrap();
    assert_eq!(pdf.status(), 200);
    let dir = std::env::temp_dir().join(format!("amends-notice-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.pdf");
    std::fs::write(&file, pdf.bytes().await.unwrap()).unwrap();
    let text = poppler("pdftotext", &[file.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // Bob told us himself (the date his case opened, on the business's calendar).
    let opened = time::OffsetDateTime::parse(
        bobs["created_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    let day = format!("{} {} {}", opened.day(), &opened.month().to_string()[..3], opened.year());
    for expected in [
        "Bob Posted",
        "Hauptstrasse 12",
        "10115 Berlin",
        &format!("You told us about this on {day}."),
        "was past its date",
        "a new cake, on us",
        "If anything is still not right for you",
        &format!("at {}/c, or call us on +49 30 1234567.", app.address),
    ] {
        assert!(flat.contains(expected), "{expected:?} is in the letter:\n{text}");
    }
    assert!(!flat.contains("rather tell you") && !flat.contains("Ann Mailed"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
    // A short code on one line, not a link that wraps.
    let start = flat.find("Type your code ").expect("the letter carries a short code") + "Type your code ".len();
    let code = &flat[start..start + 9];
    assert!(text.lines().any(|l| l.contains(code)), "the code is printed whole: {text}");
    assert!(!text.chars().collect::<Vec<_>>().windows(64).any(|w| w.iter().all(char::is_ascii_hexdigit)), "{text}");
    assert_eq!(code.chars().filter(char::is_ascii_alphanumeric).count(), 8, "{code}");
    assert_eq!(&code[4..5], "-");
    // Typed at the short address, in small letters: the notice.
    let form = reqwest::get(app.url("/c")).await.unwrap();
    assert!(form.text().await.unwrap().contains("Your code"));
    let typed = reqwest::get(app.url(&format!("/c?code={}", code.to_lowercase()))).await.unwrap();
    assert_eq!(typed.status(), 200);
    assert_eq!(typed.url().path(), format!("/c/{}", code.replace('-', "")));
    assert!(typed.text().await.unwrap().contains("This affected me"));
    let link = format!("/c/{code}");
    let answer_page = reqwest::get(app.url(&link)).await.unwrap();
    assert_eq!(answer_page.status(), 200);
    assert!(answer_page.text().await.unwrap().contains("This affected me"));
    let wrong = reqwest::get(app.url("/c/ZZZZ-ZZZZ")).await.unwrap();
    assert_eq!(wrong.status(), 404);
    assert!(wrong.text().await.unwrap().contains("We do not know this code"));
    let typo = reqwest::get(app.url("/c?code=7KQM")).await.unwrap();
    assert_eq!(typo.status(), 422);
    assert!(typo.text().await.unwrap().contains("8 letters and digits"));

    let notice = bob_row["id"].to_string();
    let posted = client
        .post(app.url("/letters/posted"))
        .form(&[("csrf", csrf.as_str()), ("notices", notice.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 200);
    assert!(!client.get(app.url("/letters")).send().await.unwrap().text().await.unwrap().contains("data-notice="));
    let recipients = app.get(&format!("/api/v1/disclosures/{id}/recipients"), &manager).await.expect(200);
    let bob_row = recipients["items"].as_array().unwrap().iter().find(|r| r["customer_id"] == bob).unwrap().clone();
    assert_eq!(bob_row["status"], "sent", "printed and posted");
    assert!(bob_row["letter_posted_at"].is_string());

    let list = client.get(app.url("/disclosures")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("About the cakes of batch 7"));

    // Through the API: letters only, and a channel that does not exist.
    let body = |channels: Value| {
        json!({ "problem_id": pid, "title": "Batch 7", "explanation": "It was past its date.",
                "solution": "A new cake.", "audience": { "skus": ["CAKE-7"] }, "channels": channels })
    };
    let by_post = app.post("/api/v1/disclosures", &manager, body(json!(["letter"]))).await.expect(201);
    assert_eq!(by_post["channels"], json!(["letter"]));
    let e = app.post("/api/v1/disclosures", &manager, body(json!(["fax"]))).await.expect_error(422, "invalid");
    assert_eq!(e["field"], "channels");
    app.post("/api/v1/disclosures", &manager, body(json!([]))).await.expect_error(422, "invalid");
}

async fn the_import_page_reports_each_bad_row(db: Db) {
    let app = spawn_app(db).await;
    let (_, manager) = app.staff("manager").await;
    let (client, csrf) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let page = client.get(app.url("/imports")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let csv = "name,email,external_id\nAnn Lee,ann@example.com,k1\n,nobody@example.com,k2\nBob Roe,not-an-email,k3\nCyd Poe,,k4\n";
    let upload = |csrf: String, kind: &'static str, csv: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf)
            .text("kind", kind)
            .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("customers.csv"));
        client.post(app.url("/imports")).multipart(form).send()
    };
    let done = upload(csrf.clone(), "customers", csv).await.unwrap();
    assert_eq!(done.status(), 200);
    let html = done.text().await.unwrap();
    assert!(html.contains("<strong>4</strong> rows: <strong>2</strong> imported"), "{html}");
    assert!(html.contains("<strong>2</strong> refused"));
    assert!(
        html.contains("<tr><td>3</td><td>missing field `name`")
            && html.contains("<tr><td>4</td><td>email: &quot;not-an-email&quot;"),
        "{html}"
    );
    let found = app.get("/api/v1/customers?q=Cyd", &manager).await.expect(200);
    assert_eq!(found["items"][0]["external_id"], "k4", "the good rows are kept");

    // The same file again: nothing new; transactions report their own mistakes.
    let again = upload(csrf.clone(), "customers", csv).await.unwrap().text().await.unwrap();
    assert!(again.contains("<strong>0</strong> imported, <strong>2</strong> already present"), "{again}");
    let tx = "customer_external_id,external_id,kind,amount_minor,currency,occurred_at\nk1,t1,order,1200,EUR,2026-10-01T10:00:00Z\nk9,t2,order,1200,EUR,2026-10-01T10:00:00Z\n";
    let html = upload(csrf.clone(), "transactions", tx).await.unwrap().text().await.unwrap();
    assert!(html.contains("<strong>1</strong> imported") && html.contains("no such customer"), "{html}");
    let bad = upload(csrf.clone(), "transactions", "sku\nX\n").await.unwrap();
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("the header has no"));
    let forged = upload("not-the-token".to_owned(), "customers", csv).await.unwrap();
    assert_eq!(forged.status(), 403);
}

crate::on_both_databases!(a_manager_counts_sends_and_prints_a_disclosure, the_import_page_reports_each_bad_row);
