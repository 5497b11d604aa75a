//! The customer's language: picked on the complaint form (its default the browser's),
//! heard from their mail (`Content-Language`, else the words), set by staff (API and
//! customer page); every page she reads on the web is in it, while an English customer's
//! pages read as before.

use amends_domain::Role;
use serde_json::json;

use crate::customer_view::{cafe, text_of};
use crate::helpers::{Db, TestApp, ingest};
use crate::mail::{SmtpSink, link_in, post_form};

/// A page as a browser that asks for `accept` (none: no `Accept-Language`) sees it.
async fn page_in(app: &TestApp, path: &str, accept: Option<&str>) -> (u16, String) {
    let mut request = reqwest::Client::new().get(app.url(path));
    if let Some(accept) = accept {
        request = request.header("accept-language", accept);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The newest mail to `to` that carries a personal link, once the jobs have run.
async fn newest_link_to(app: &TestApp, sink: &SmtpSink, to: &str) -> String {
    app.settle().await;
    let mails = sink.received_with_envelope();
    let mail = mails
        .iter()
        .rev()
        .find(|(m, envelope)| envelope.contains(to) && m.text.contains("/c/"))
        .unwrap_or_else(|| panic!("no mail with a link for {to}"));
    link_in(&mail.0)
}

/// Sets a customer's language through the API.
async fn set_language(
    app: &TestApp,
    token: &str,
    customer_id: i64,
    language: serde_json::Value,
) -> crate::helpers::Answer {
    app.patch(&format!("/api/v1/customers/{customer_id}"), token, json!({ "language": language })).await
}

/// The customer's stored language, as the API shows it.
async fn language_of(app: &TestApp, token: &str, customer_id: i64) -> serde_json::Value {
    app.get(&format!("/api/v1/customers/{customer_id}"), token).await.expect(200)["language"].clone()
}

#[track_caller]
fn says_none_of(shown: &str, english: &[&str]) {
    for sentence in english {
        assert!(!shown.contains(sentence), "an English sentence on a German page: {sentence:?} in {shown}");
    }
}

/// Sends the complaint form as a browser asking for `accept` would, with `fields`.
async fn complain(app: &TestApp, accept: Option<&str>, fields: &[(&str, &str)]) -> (u16, String) {
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let mut request = reqwest::Client::new().post(app.url("/complain")).multipart(form);
    if let Some(accept) = accept {
        request = request.header("accept-language", accept);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn a_german_customer_files_and_reads_in_german(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let ann = app.member(Role::Agent).await;

    // The form follows the browser: German, with Deutsch picked.
    let (code, html) = page_in(&app, "/complain", Some("de-DE,de;q=0.9,en;q=0.5")).await;
    assert_eq!(code, 200);
    assert!(html.contains("<html lang=\"de\">"), "{html}");
    let shown = text_of(&html);
    assert!(shown.contains("Sagen Sie uns, was schiefgelaufen ist"), "{shown}");
    assert!(shown.contains("Womit könnten wir es für Sie wiedergutmachen?"), "{shown}");
    assert!(html.contains("<option value=\"de\" lang=\"de\" selected>Deutsch</option>"), "{html}");
    says_none_of(&shown, &["Tell us what went wrong", "What happened", "Your email", "Send"]);
    // A link above the form picks another language; an English browser gets English.
    let (_, html) = page_in(&app, "/complain?lang=de", Some("en")).await;
    assert!(text_of(&html).contains("Sagen Sie uns, was schiefgelaufen ist"));
    let (_, html) = page_in(&app, "/complain", Some("en-GB")).await;
    assert!(html.contains("<html lang=\"en\">") && text_of(&html).contains("Tell us what went wrong"));

    // A mistake is told in German, and what she typed is kept.
    let (code, html) = complain(&app, None, &[("language", "de"), ("name", "Greta Krause"), ("email", "nope")]).await;
    assert_eq!(code, 422);
    let shown = text_of(&html);
    assert!(shown.contains("Bitte geben Sie eine E-Mail-Adresse an, unter der wir Ihnen antworten können"), "{shown}");
    assert!(html.contains("value=\"Greta Krause\""));

    // She picks Deutsch on the form (her browser says nothing): the thanks is German.
    let words = "Die Torte kam einen Tag zu spät und war völlig zerdrückt. Ich bin sehr enttäuscht.";
    let (code, html) = complain(
        &app,
        None,
        &[("language", "de"), ("name", "Greta Krause"), ("email", "greta@example.de"), ("body", words)],
    )
    .await;
    assert_eq!(code, 201, "{html}");
    assert!(html.contains("<html lang=\"de\">"));
    let shown = text_of(&html);
    assert!(shown.contains("Vielen Dank. Ihre Nachricht ist bei uns angekommen."), "{shown}");
    assert!(shown.contains("Ihre Vorgangsnummer lautet AM-"), "{shown}");
    says_none_of(&shown, &["Thank you", "We have your message", "Your reference is", "We have sent you an email"]);

    // Her language is stored on her.
    let customer_id = app.scalar("SELECT id FROM customers WHERE email_key = 'greta@example.de'").await;
    assert_eq!(language_of(&app, &ann.token, customer_id).await, "de");

    // Her status page is German whatever her browser says.
    let status = newest_link_to(&app, &sink, "greta@example.de").await;
    let (code, html) = page_in(&app, &status, Some("en")).await;
    assert_eq!(code, 200);
    assert!(html.contains("<html lang=\"de\">"));
    let shown = text_of(&html);
    assert!(shown.contains("So steht es um Ihr Anliegen"), "{shown}");
    assert!(shown.contains("Was Sie uns geschrieben haben"), "{shown}");
    assert!(shown.contains(words), "her own words, as written: {shown}");
    assert!(shown.contains("Wir haben Ihre Nachricht erhalten."), "{shown}");
    assert!(shown.contains("Wie es weitergeht"), "{shown}");
    says_none_of(
        &shown,
        &["Where your case stands", "What you told us", "We received your message.", "What comes next", "Send to us"],
    );
    // Her times as German writes them, not "6 Dec 2026".
    says_none_of(&shown, &[" Jan ", " Feb ", " Mar ", " May ", " Jun ", " Jul ", " Oct ", " Dec "]);

    // Staff work the case in English; her pages stay German.
    let case_id = customer_case(&app, customer_id).await;
    let case: crate::staff::Case =
        serde_json::from_value(app.get(&format!("/api/v1/cases/{case_id}"), &ann.token).await.expect(200)).unwrap();
    ann.restate(&case, "Ihre Torte kam einen Tag zu spät und war zerdrückt.").await;
    let restatement = newest_link_to(&app, &sink, "greta@example.de").await;
    let (code, html) = page_in(&app, &restatement, None).await;
    assert_eq!(code, 200);
    let shown = text_of(&html);
    assert!(shown.contains("Haben wir Sie richtig verstanden?"), "{shown}");
    assert!(shown.contains("Ja, das stimmt"), "{shown}");
    says_none_of(&shown, &["Did we understand you?", "Yes, that is right", "Send my correction"]);
    let (code, html) = post_form(&app, &restatement, &[("action", "confirm")]).await;
    assert_eq!(code, 200);
    let shown = text_of(&html);
    assert!(shown.contains("Vielen Dank") && shown.contains("Ihre Antwort ist bei uns angekommen."), "{shown}");
    says_none_of(&shown, &["Thank you", "We have your answer"]);
    let (code, html) = post_form(&app, &restatement, &[("action", "confirm")]).await;
    assert_eq!(code, 409);
    assert!(text_of(&html).contains("Ihre Antwort liegt uns bereits vor"));

    // Her apology is written in German and read by the German coach: the English rules
    // would hold it for wording they do not know.
    ann.apologise(&case, "Es tut mir sehr leid. Ich übernehme die volle Verantwortung für die verspätete Torte.").await;
    ann.offer(&case, ["Eine neue Torte noch heute", "Den vollen Betrag zurück"]).await;
    let offer = newest_link_to(&app, &sink, "greta@example.de").await;
    let (_, html) = page_in(&app, &offer, None).await;
    let shown = text_of(&html);
    assert!(shown.contains("Wie sollen wir es wiedergutmachen?"), "{shown}");
    assert!(shown.contains("Eine neue Torte noch heute"), "{shown}");
    says_none_of(&shown, &["How shall we put it right?", "I choose this one", "Your choice"]);
    let (code, html) = post_form(&app, &offer, &[("action", "choose")]).await;
    assert_eq!(code, 422);
    assert!(text_of(&html).contains("Bitte wählen Sie eine der beiden Möglichkeiten."));
    let (code, _) = post_form(&app, &offer, &[("action", "choose"), ("option", "1")]).await;
    assert_eq!(code, 200);
    let (_, html) = page_in(&app, &status, None).await;
    let shown = text_of(&html);
    assert!(shown.contains("Ihre Wahl: Eine neue Torte noch heute"), "{shown}");
    assert!(shown.contains("Sie haben bestätigt, dass wir Sie richtig verstanden haben."), "{shown}");
    says_none_of(&shown, &["You chose", "You confirmed we understood.", "We apologised to you."]);

    // A link that is not ours speaks the browser's language.
    let (code, html) = page_in(&app, &format!("/c/{}", "ab".repeat(32)), Some("de")).await;
    assert_eq!(code, 404);
    assert!(text_of(&html).contains("Dieser Link funktioniert nicht"));
}

/// The one case a customer has.
async fn customer_case(app: &TestApp, customer_id: i64) -> i64 {
    app.scalar(&format!("SELECT id FROM cases WHERE customer_id = {customer_id}")).await
}

async fn staff_set_the_language_and_english_stays_english(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case = ann.open_case("ann@example.com", "The cake came a day late and squashed.").await;
    let status = newest_link_to(&app, &sink, "ann@example.com").await;

    // No language of her own and an English browser: the page reads as it always did.
    assert_eq!(language_of(&app, &ann.token, case.customer_id).await, serde_json::Value::Null);
    let (_, html) = page_in(&app, &status, None).await;
    assert!(html.contains("<html lang=\"en\">"));
    let shown = text_of(&html);
    for sentence in ["Where your case stands", "What you told us", "We received your message.", "What comes next"] {
        assert!(shown.contains(sentence), "{sentence}: {shown}");
    }
    // A German browser with no stored language: German.
    let (_, html) = page_in(&app, &status, Some("de")).await;
    assert!(text_of(&html).contains("So steht es um Ihr Anliegen"));

    // Staff set her language through the API: German whatever the browser.
    let changed = set_language(&app, &ann.token, case.customer_id, json!("de"));
    assert_eq!(changed.await.expect(200)["language"], "de");
    let (_, html) = page_in(&app, &status, Some("en")).await;
    assert!(text_of(&html).contains("So steht es um Ihr Anliegen"));
    let refused = set_language(&app, &ann.token, case.customer_id, json!("xx"));
    assert!(refused.await.status.is_client_error(), "a language the desk does not speak is refused");
    // null forgets it.
    let forgot = set_language(&app, &ann.token, case.customer_id, json!(null));
    assert_eq!(forgot.await.expect(200)["language"], serde_json::Value::Null);

    // And through the customer page's select.
    let email = "mia@bakery.example";
    app.post(
        "/api/v1/users",
        &app.admin_token,
        json!({ "email": email, "name": "Mia", "role": "agent", "password": "correct horse battery" }),
    )
    .await
    .expect(201);
    let (client, csrf) = app.signed_in(email, "correct horse battery").await;
    let path = format!("/customers/{}", case.customer_id);
    let html = client.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-customer-language") && html.contains("<option value=\"de\">Deutsch</option>"));
    let r = client.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("language", "de")]).send().await.unwrap();
    assert_eq!(r.status(), 200, "back on the customer's page");
    assert_eq!(language_of(&app, &ann.token, case.customer_id).await, "de");
    let html = r.text().await.unwrap();
    assert!(html.contains("<option value=\"de\" selected>Deutsch</option>"), "{html}");
    let (_, html) = page_in(&app, &status, None).await;
    assert!(text_of(&html).contains("Wir haben Ihre Nachricht erhalten."));
    let r = client.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("language", "")]).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(language_of(&app, &ann.token, case.customer_id).await, serde_json::Value::Null);
}

fn mail(from: &str, id: &str, headers: &str, words: &str) -> String {
    mail_about(from, id, "Meine Bestellung", headers, words)
}

fn mail_about(from: &str, id: &str, subject: &str, headers: &str, words: &str) -> String {
    format!(
        "From: Kunde <{from}>\r\nTo: desk@cafe.example\r\nSubject: {subject}\r\nMessage-ID: <{id}@example.de>\r\n\
         Date: Mon, 1 Jun 2026 10:00:00 +0000\r\n{headers}Content-Type: text/plain; charset=utf-8\r\n\r\n{words}\r\n"
    )
}

async fn mail_says_the_customers_language(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let language = |email: &'static str| {
        let app = &app;
        async move {
            app.scalar(&format!("SELECT COUNT(*) FROM customers WHERE email_key = '{email}' AND language = 'de'")).await
        }
    };

    // The header says it, even over words too few to tell.
    ingest(&app, &mail("lena@example.de", "a1", "Content-Language: de-DE\r\n", "Kaputt."));
    assert_eq!(language("lena@example.de").await, 1, "Content-Language sets it");

    // No header: German words say it.
    let words = "Guten Tag, die Lieferung kam leider zwei Stunden zu spät und der Kaffee war kalt.";
    ingest(&app, &mail("jonas@example.de", "b1", "", words));
    assert_eq!(language("jonas@example.de").await, 1, "the words say it");

    // A customer who chose English keeps it, whatever a later mail says or seems.
    let case = ann.open_case("eva@example.com", "The coffee was cold.").await;
    let set = set_language(&app, &ann.token, case.customer_id, json!("en"));
    set.await.expect(200);
    ingest(&app, &mail("eva@example.com", "c1", "Content-Language: de\r\n", words));
    assert_eq!(language_of(&app, &ann.token, case.customer_id).await, "en", "a guess never overwrites a choice");

    // A reply on a case whose customer has none tells it.
    let case = ann.open_case("paul@example.de", "Phoned in: the cake was late.").await;
    let subject = format!("Re: [{}] Ihre Beschwerde", case.reference);
    ingest(&app, &mail_about("paul@example.de", "d1", &subject, "Content-Language: de\r\n", "Danke."));
    let cases = app.scalar(&format!("SELECT COUNT(*) FROM cases WHERE customer_id = {}", case.customer_id)).await;
    assert_eq!(cases, 1, "the reply is on her case, not a new one");
    assert_eq!(language_of(&app, &ann.token, case.customer_id).await, "de", "a reply's header sets it");
}

async fn a_german_business_speaks_german_to_whoever_says_nothing(db: Db) {
    let app = crate::helpers::spawn_app_with(db, |s| s.store.business_language = amends_domain::Language::German).await;
    // No Accept-Language: the business's own language.
    let (_, html) = page_in(&app, "/complain", None).await;
    assert!(html.contains("<html lang=\"de\">") && text_of(&html).contains("Sagen Sie uns, was schiefgelaufen ist"));
    let (code, html) = page_in(&app, "/c", None).await;
    assert_eq!(code, 200);
    assert!(text_of(&html).contains("Der Code aus unserem Brief"), "{html}");
    // A browser that asks for English still gets English.
    let (_, html) = page_in(&app, "/complain", Some("en-US,en;q=0.8")).await;
    assert!(text_of(&html).contains("Tell us what went wrong"));
    // A browser that asks only for a language the desk does not speak: the business's.
    let (_, html) = page_in(&app, "/complain", Some("fr-FR,fr;q=0.9")).await;
    assert!(text_of(&html).contains("Sagen Sie uns, was schiefgelaufen ist"));
}

crate::on_both_databases!(
    a_german_business_speaks_german_to_whoever_says_nothing,
    a_german_customer_files_and_reads_in_german,
    staff_set_the_language_and_english_stays_english,
    mail_says_the_customers_language,
);
