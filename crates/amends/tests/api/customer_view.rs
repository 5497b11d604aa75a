//! What the customer sees: their status page speaks to them (their words, what we did,
//! what they wait for and what comes next, in the business's time), never the playbook's
//! names, staff notes or a surprise before it is given; every customer page names the
//! business and how to reach it.

use amends::Settings;
use amends_domain::Role;
use serde_json::json;

use crate::helpers::{Db, TestApp, spawn_app_with};
use crate::mail::{SmtpSink, link_in, page, post_form};

/// A café in Berlin, with its contact line, mailing through `sink`.
pub(crate) async fn cafe(db: Db, sink: &SmtpSink) -> TestApp {
    let smtp = sink.settings();
    spawn_app_with(db, move |s: &mut Settings| {
        s.jobs.smtp = Some(smtp);
        s.letters.head.business_name = "Café Weber".to_owned();
        s.letters.head.contact_line = "030 123 456 · hallo@cafe-weber.example".to_owned();
        s.store.due.hours =
            amends_domain::BusinessHours::parse(&amends_domain::HoursSpec::office("Europe/Berlin")).unwrap();
    })
    .await
}

/// The visible text of a page: its tags dropped, its entities read.
pub(crate) fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words of the playbook and of staff that no customer page may show.
const INTERNAL: &[&str] = &[
    "Escalate",
    "Surprise gesture",
    "Prove yourself next time",
    "Prevent the root cause",
    "Restate and confirm",
    "Hear the customer",
    "(done)",
    "voucher",
    "Coffee and cake for two",
    "Spoke to Jens",
    "We are working on it",
];

fn assert_nothing_internal(shown: &str) {
    for word in INTERNAL {
        assert!(!shown.contains(word), "the customer's page shows {word:?}: {shown}");
    }
}

fn assert_names_the_business(shown: &str) {
    assert!(shown.contains("Café Weber"), "the business's name on a customer page: {shown}");
    assert!(shown.contains("030 123 456 · hallo@cafe-weber.example"), "how to reach it: {shown}");
}

async fn the_status_page_speaks_to_the_customer(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("gina@example.com", "The birthday cake came a day late, squashed.").await;
    let ack = sink.delivered(&app, "gina@example.com", &case.reference).await;
    let status_link = link_in(&ack);

    let (code, html) = page(&app, &status_link).await;
    assert_eq!(code, 200);
    let shown = text_of(&html);
    assert_names_the_business(&shown);
    assert_nothing_internal(&shown);
    assert!(shown.contains("What you told us The birthday cake came a day late, squashed."), "{shown}");
    assert!(shown.contains("We received your message."), "{shown}");
    assert!(
        shown.contains("What comes next We will write back what we understood, so you can check we got it right."),
        "{shown}"
    );
    assert!(shown.contains("What you are waiting for Our next message to you. By "), "{shown}");
    assert!(shown.contains(" CET") || shown.contains(" CEST"), "a due time on the business's clock, named: {shown}");

    // Staff work the case: a note, an escalation-worthy gesture, a promised fix.
    ann.note(&case, "Spoke to Jens in the bakery; the van broke down.").await;
    ann.restate(&case, "Your birthday cake came a day late and was squashed.").await;
    let (_, html) = page(&app, &status_link).await;
    let shown = text_of(&html);
    assert!(
        shown.contains("What you are waiting for Your answer: please tell us whether we understood you"),
        "{shown}"
    );
    assert!(shown.contains("What comes next We will write to you personally about what went wrong."), "{shown}");
    ann.confirm(&case).await;
    ann.apologise(&case, "I am so sorry. I accept all responsibility for the late cake.").await;
    ann.offer(&case, ["A new cake delivered today", "A full refund"]).await;
    ann.choose(&case, 1).await;
    let (_, html) = page(&app, &status_link).await;
    let shown = text_of(&html);
    assert!(shown.contains("You chose: A new cake delivered today"), "{shown}");
    assert_nothing_internal(&shown);

    // 2099-01-02 10:00 UTC is 11:00 in Berlin.
    let due = time::macros::datetime!(2099-01-02 10:00 UTC);
    ann.promise_fix(&case, "Bake and deliver a new cake", due).await;
    let (_, html) = page(&app, &status_link).await;
    let shown = text_of(&html);
    assert!(
        shown.contains("What you are waiting for Bake and deliver a new cake By Friday 2 January 2099 at 11:00 CET"),
        "{shown}"
    );
    assert_nothing_internal(&shown);

    ann.step(
        &case,
        "gesture",
        json!({ "gesture": "voucher", "description": "Coffee and cake for two, on us", "cost_minor": 1200, "currency": "EUR" }),
    )
    .await;
    ann.fix_done(&case, "A new cake reached you at 15:00.").await;
    ann.step(&case, "follow-up", json!({ "satisfaction": 5, "words": "Lovely, thank you" })).await;
    let (_, html) = page(&app, &status_link).await;
    let shown = text_of(&html);
    assert_names_the_business(&shown);
    assert_nothing_internal(&shown);
    assert!(shown.contains("Your case is finished."), "a finished case says so: {shown}");
    assert!(shown.contains("We put it right: A new cake reached you at 15:00."), "{shown}");
    assert!(shown.contains("We added something of our own, to say sorry."), "told once given: {shown}");
    assert!(!shown.contains("What comes next"), "{shown}");
}

async fn every_customer_page_names_the_business(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let (code, html) = page(&app, "/complain").await;
    assert_eq!(code, 200);
    assert_names_the_business(&text_of(&html));
    let form = reqwest::multipart::Form::new()
        .text("name", "Gina Rossi")
        .text("email", "gina@example.com")
        .text("body", "The cake came a day late.");
    let done = reqwest::Client::new().post(app.url("/complain")).multipart(form).send().await.unwrap();
    assert_eq!(done.status(), 201);
    let shown = text_of(&done.text().await.unwrap());
    assert!(shown.contains("Thank you. We have your message."), "{shown}");
    assert_names_the_business(&shown);
    // A link that is not ours, and a customer's answer page.
    let (code, html) = page(&app, &format!("/c/{}", "ab".repeat(32))).await;
    assert_eq!(code, 404);
    assert_names_the_business(&text_of(&html));
    let ack = sink.delivered(&app, "gina@example.com", "We have your message").await;
    let (code, html) = post_form(&app, &link_in(&ack), &[("action", "write"), ("words", "Any news?")]).await;
    assert_eq!(code, 200);
    let shown = text_of(&html);
    assert!(shown.contains("We have your message."), "{shown}");
    assert_names_the_business(&shown);
}

/// The case page as a person at the desk reads it, and a form sent from it.
struct Desk<'a> {
    app: &'a TestApp,
    client: reqwest::Client,
    csrf: String,
    token: String,
}

impl Desk<'_> {
    async fn page(&self, id: i64) -> String {
        let r = self.client.get(self.app.url(&format!("/cases/{id}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.text().await.unwrap()
    }

    async fn post(&self, id: i64, action: &str, fields: &[(&str, &str)]) -> (u16, String) {
        let version =
            self.app.get(&format!("/api/v1/cases/{id}"), &self.token).await.expect(200)["version"].to_string();
        let mut form = vec![("csrf", self.csrf.as_str()), ("version", version.as_str())];
        form.extend_from_slice(fields);
        let r =
            self.client.post(self.app.url(&format!("/cases/{id}/steps/{action}"))).form(&form).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    }
}

/// The mail as a person reads it: lines trimmed, the personal link's token masked.
fn as_read(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let masked = match text.find("/c/") {
        Some(at) => {
            let token: String = text[at + 3..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            text.replacen(&format!("/c/{token}"), "/c/••••••", 1)
        }
        None => text,
    };
    masked.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned()
}

/// The preview of `name`'s mail on a case page, as a person reads it.
fn preview_on(html: &str, name: &str) -> String {
    let start = html.find(&format!("data-preview=\"{name}\">")).unwrap_or_else(|| panic!("a preview of {name}"));
    let rest = &html[start..];
    let body = &rest[rest.find('>').unwrap() + 1..rest.find("</pre>").unwrap()];
    let body = body
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">");
    let (_, mail) = body.split_once("\n\n").expect("a subject, then the mail");
    mail.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned()
}

async fn step_texts_are_mails_and_staff_see_them_as_they_leave(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let password = "correct horse battery";
    let mia =
        json!({ "email": "mia@cafe-weber.example", "name": "Mia Schmidt", "role": "agent", "password": password });
    app.post("/api/v1/users", &app.admin_token, mia).await.expect(201);
    let token = app.token_for("mia@cafe-weber.example", password).await;
    let (client, csrf) = app.signed_in("mia@cafe-weber.example", password).await;
    let desk = Desk { app: &app, client, csrf, token: token.clone() };
    let case = app.complaint(&token, "ann@example.com", "The birthday cake came a day late, squashed.").await;
    let id = case["id"].as_i64().unwrap();
    let reference = case["reference"].as_str().unwrap().to_owned();

    // The restatement form says where its words go, and shows the mail with them.
    let shown = text_of(&desk.page(id).await);
    assert!(shown.contains("This goes to Ann by email, with a link to confirm or correct it:"), "{shown}");
    let (code, html) =
        desk.post(id, "restatement", &[("restatement", "Your birthday cake came a day late."), ("preview", "1")]).await;
    assert_eq!(code, 200);
    let previewed = preview_on(&html, "restatement");
    assert!(previewed.contains("    Your birthday cake came a day late."), "{previewed}");
    assert!(
        previewed.ends_with("With my apologies, and my thanks,\nMia Schmidt\nCafé Weber"),
        "signed by the writer and the business: {previewed}"
    );
    let after = app.get(&format!("/api/v1/cases/{id}"), &token).await.expect(200);
    assert_eq!(after["next_step"], "restate", "a preview takes no step");
    let (code, _) = desk.post(id, "restatement", &[("restatement", "Your birthday cake came a day late.")]).await;
    assert_eq!(code, 200);
    app.settle().await;
    let mail = sink.delivered(&app, "ann@example.com", "Did we understand you?").await;
    assert_eq!(as_read(&mail.text), previewed, "the mail leaves as it was previewed");
    assert!(!mail.text.contains("The team"), "no default name signs it: {}", mail.text);

    // The apology, signed by whoever wrote it.
    app.post(&format!("/api/v1/cases/{id}/restatement/confirm"), &token, json!({})).await.expect(200);
    let shown = text_of(&desk.page(id).await);
    assert!(shown.contains("This goes to Ann by email:"), "{shown}");
    app.post(
        &format!("/api/v1/cases/{id}/apology"),
        &token,
        json!({ "text": "I am so sorry. I accept all responsibility for the late cake." }),
    )
    .await
    .expect(200);
    app.settle().await;
    let apology = sink.delivered(&app, "ann@example.com", "I am sorry").await;
    assert!(
        as_read(&apology.text).ends_with("With my apologies, and my thanks,\nMia Schmidt\nCafé Weber"),
        "{}",
        apology.text
    );
    app.post(&format!("/api/v1/cases/{id}/offer"), &token, json!({ "options": ["A new cake today", "A full refund"] }))
        .await
        .expect(200);
    app.post(&format!("/api/v1/cases/{id}/offer/choice"), &token, json!({ "option": 1 })).await.expect(200);

    // A promised date is typed on the café's clock (Berlin), and mailed so.
    let shown = text_of(&desk.page(id).await);
    assert!(shown.contains("Promised by (Europe/Berlin)"), "{shown}");
    let (code, _) =
        desk.post(id, "promise", &[("fix_what", "Bake and deliver a new cake"), ("fix_due", "2099-01-02T11:00")]).await;
    assert_eq!(code, 200);
    let promised = app.get(&format!("/api/v1/cases/{id}"), &token).await.expect(200);
    let event = promised["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "fix_promised").unwrap().clone();
    assert_eq!(event["due"], "2099-01-02T10:00:00Z", "11:00 in Berlin");
    app.settle().await;
    let mail = sink.delivered(&app, "ann@example.com", "What we will do").await;
    assert!(mail.text.contains("Friday 2 January 2099 at 11:00 CET"), "{}", mail.text);

    // The fix: what Ann reads, and what only staff read.
    let shown = text_of(&desk.page(id).await);
    assert!(shown.contains("This goes to Ann by email and shows on their case page:"), "{shown}");
    assert!(shown.contains("For staff only: how it was fixed inside"), "{shown}");
    let (code, _) = desk
        .post(
            id,
            "fixed",
            &[
                ("fix_note", "A new cake reached you at 15:00."),
                ("fix_internal_note", "Jens baked it in the second oven."),
            ],
        )
        .await;
    assert_eq!(code, 200);
    app.settle().await;
    let done = sink.delivered(&app, "ann@example.com", "It is done").await;
    assert!(done.text.contains("A new cake reached you at 15:00."), "{}", done.text);
    assert!(!done.text.contains("second oven"), "the staff note is never mailed: {}", done.text);
    let fixed = app.get(&format!("/api/v1/cases/{id}"), &token).await.expect(200);
    let event = fixed["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "fix_done").unwrap().clone();
    assert_eq!(event["note"], "A new cake reached you at 15:00.");
    assert_eq!(event["internal_note"], "Jens baked it in the second oven.");
    let staff_view = text_of(&desk.page(id).await);
    assert!(staff_view.contains("For staff: Jens baked it in the second oven."), "{staff_view}");
    let ack = sink.delivered(&app, "ann@example.com", &format!("We have your message [{reference}]")).await;
    let (_, status) = page(&app, &link_in(&ack)).await;
    let status = text_of(&status);
    assert!(status.contains("We put it right: A new cake reached you at 15:00."), "{status}");
    assert!(!status.contains("second oven"), "{status}");
    for message in sink.received() {
        assert!(!message.text.contains("second oven"), "never in a mail: {}", message.text);
    }
}

/// A follow-up letter is dated on the business's day, not UTC's, and signed by the
/// person who scheduled it, not a configured name.
async fn a_letter_is_dated_in_the_business_zone_and_signed_by_a_person(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let password = "correct horse battery";
    let mia =
        json!({ "email": "mia@cafe-weber.example", "name": "Mia Schmidt", "role": "agent", "password": password });
    app.post("/api/v1/users", &app.admin_token, mia).await.expect(201);
    let token = app.token_for("mia@cafe-weber.example", password).await;
    let case = app.complaint(&token, "grace@example.com", "The cake came a day late and squashed.").await;
    let id = case["id"].as_i64().unwrap();
    let address = json!({ "postal_address": "Hauptstrasse 12\n10115 Berlin" });
    app.patch(&format!("/api/v1/customers/{}", case["customer_id"]), &token, address).await.expect(200);
    for (path, body) in [
        ("restatement", json!({ "text": "Your cake arrived a day late and damaged." })),
        ("restatement/confirm", json!({})),
        ("apology", json!({ "text": "I am so sorry. I accept all responsibility for the late cake." })),
        ("offer", json!({ "options": ["A new cake delivered today", "A full refund"] })),
        ("offer/choice", json!({ "option": 1 })),
        ("fix/promise", json!({ "what": "Bake and deliver a new cake", "due": "2099-01-02T10:00:00Z" })),
        ("fix/done", json!({ "note": "Delivered at 15:00 by the owner.", "internal_note": "Second oven." })),
        ("follow-up/schedule", json!({ "due": "2099-01-03T10:00:00Z", "channel": "letter" })),
    ] {
        app.post(&format!("/api/v1/cases/{id}/{path}"), &token, body).await.expect(200);
    }
    // Half past eleven at night in UTC is already the next day in Berlin.
    let now = app.clock.now();
    let mut late = now.replace_time(time::macros::time!(23:30));
    if late <= now {
        late += time::Duration::days(1);
    }
    app.clock.set(late);
    let berlin_day = late + time::Duration::days(1);
    let dated = format!("{} {} {}", berlin_day.day(), berlin_day.month(), berlin_day.year());

    let (client, _) = app.signed_in("mia@cafe-weber.example", password).await;
    let resp = client.get(app.url(&format!("/cases/{id}/letter.pdf"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let dir = crate::helpers::tempdir::TempDir::new(&format!("amends-letter-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir.path).unwrap();
    let file = dir.path.join("letter.pdf");
    std::fs::write(&file, resp.bytes().await.unwrap()).unwrap();
    let text = crate::recovery::poppler("pdftotext", &["-layout", file.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&dated), "dated {dated}, the business's day:\n{text}");
    assert!(flat.contains("Mia Schmidt"), "signed by the person who scheduled it:\n{text}");
    assert!(!flat.contains("The team"), "no configured default name:\n{text}");
    assert!(!flat.contains("Second oven"), "the staff note is never printed:\n{text}");
    assert!(flat.contains("Delivered at 15:00 by the owner."), "{text}");
}

crate::on_both_databases!(
    a_letter_is_dated_in_the_business_zone_and_signed_by_a_person,
    the_status_page_speaks_to_the_customer,
    every_customer_page_names_the_business,
    step_texts_are_mails_and_staff_see_them_as_they_leave,
);
