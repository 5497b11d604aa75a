//! Issue 21's "done when": a German customer files in German and every mail and letter
//! she gets is German, with Berlin times, while her English-speaking agent works the
//! case in English.

use amends_domain::Role;
use serde_json::json;

use crate::customer_view::{cafe, text_of};
use crate::helpers::Db;
use crate::mail::SmtpSink;

/// Sentences of the English mails that must never reach her.
const ENGLISH: &[&str] = &[
    "Dear ",
    "Thank you for telling us",
    "We have your message",
    "Did we understand you?",
    "Is that right?",
    "Here are the two best ways",
    "Please choose the one you prefer",
    "Here is what we will do",
    "It will be done by",
    "What we promised is done",
    "With my apologies",
    "You can see where your case stands",
];

fn assert_german(mail: &amends_mail::IncomingMail) {
    let subject = mail.subject.clone().unwrap_or_default();
    for english in ENGLISH {
        assert!(
            !subject.contains(english) && !mail.text.contains(english),
            "English {english:?} in:\n{subject}\n{}",
            mail.text
        );
    }
    assert!(mail.text.starts_with("Guten Tag Greta Becker,"), "{}", mail.text);
    assert!(mail.text.contains("Mit freundlichen Grüßen"), "{}", mail.text);
}

async fn a_german_customer_hears_german_while_her_agent_works_in_english(db: Db) {
    let sink = SmtpSink::start();
    let app = cafe(db, &sink).await;
    let ann = app.member(Role::Agent).await;
    let case = app
        .post(
            "/api/v1/cases",
            &ann.token,
            json!({
                "customer": { "name": "Greta Becker", "email": "greta@example.de" },
                "body": "Die Geburtstagstorte kam einen Tag zu spät und war zerdrückt. Ich bin sehr enttäuscht.",
                "channel": "phone"
            }),
        )
        .await
        .expect(201);
    let id = case["id"].as_i64().unwrap();
    let reference = case["reference"].as_str().unwrap().to_owned();
    let customer_id = case["customer_id"].as_i64().unwrap();
    app.patch(
        &format!("/api/v1/customers/{customer_id}"),
        &ann.token,
        json!({ "language": "de", "postal_address": "Hauptstraße 12\n10115 Berlin" }),
    )
    .await
    .expect(200);
    // Staff set her language before any mail left (the queue runs when the test settles it).
    let steps = [
        ("restatement", json!({ "text": "Ihre Torte kam einen Tag zu spät und war zerdrückt." })),
        ("restatement/confirm", json!({})),
        (
            "apology",
            // Until the coach reads German, its English rules find no apology here.
            json!({
                "text": "Es tut mir sehr leid. Ich übernehme die volle Verantwortung für die Torte.",
                "coach_override": "Auf Deutsch: der Coach liest noch kein Deutsch."
            }),
        ),
        ("offer", json!({ "options": ["Eine neue Torte, heute geliefert", "Den vollen Betrag zurück"] })),
        ("offer/choice", json!({ "option": 1 })),
        (
            "gesture",
            json!({ "gesture": "voucher", "description": "Kaffee und Kuchen für zwei", "cost_minor": 1250, "currency": "EUR" }),
        ),
        ("fix/promise", json!({ "what": "Eine neue Torte backen und liefern", "due": "2099-01-02T10:00:00Z" })),
        ("fix/done", json!({ "note": "Um 15:00 Uhr von der Inhaberin geliefert." })),
        ("follow-up/schedule", json!({ "due": "2099-01-05T10:00:00Z", "channel": "letter" })),
    ];
    for (path, body) in steps {
        app.post(&format!("/api/v1/cases/{id}/{path}"), &ann.token, body).await.expect(200);
    }
    app.settle().await;

    let restatement = sink.delivered(&app, "greta@example.de", "Haben wir Sie richtig verstanden?").await;
    assert_german(&restatement);
    assert!(restatement.text.contains("In meinen eigenen Worten:"), "{}", restatement.text);
    let apology = sink.delivered(&app, "greta@example.de", "Es tut mir leid").await;
    assert_german(&apology);
    let offer = sink.delivered(&app, "greta@example.de", "Zwei Wege").await;
    assert_german(&offer);
    assert!(offer.text.contains("1. Eine neue Torte, heute geliefert"), "{}", offer.text);
    let promised = sink.delivered(&app, "greta@example.de", "Was wir tun, und bis wann").await;
    assert_german(&promised);
    // 10:00 UTC on 2 January is 11:00 on the Berlin wall clock, in winter time.
    assert!(promised.text.contains("bis Freitag, 2. Januar 2099 um 11:00 MEZ erledigt sein."), "{}", promised.text);
    let done = sink.delivered(&app, "greta@example.de", "Es ist erledigt").await;
    assert_german(&done);
    let acknowledgement = sink.delivered(&app, "greta@example.de", "Ihre Nachricht ist bei uns angekommen").await;
    assert_german(&acknowledgement);
    assert!(acknowledgement.text.contains(" MEZ in eigenen Worten wieder"), "{}", acknowledgement.text);
    let to_her = sink.received_with_envelope().into_iter().filter(|(_, e)| e.contains("greta@example.de")).count();
    assert_eq!(to_her, 6, "acknowledgement, restatement, apology, offer, fix promised, fix done");
    for (mail, envelope) in sink.received_with_envelope() {
        if envelope.contains("greta@example.de") && mail.subject.as_deref().is_some_and(|s| s.contains(&reference)) {
            assert_german(&mail);
        }
    }

    // Her letter is German, dated as Germans write it.
    let (client, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let resp = client.get(app.url(&format!("/cases/{id}/letter.pdf"))).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let dir = crate::helpers::tempdir::TempDir::new(&format!("amends-letter-{:x}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir.path).unwrap();
    let file = dir.path.join("letter.pdf");
    std::fs::write(&file, resp.bytes().await.unwrap()).unwrap();
    let text = crate::recovery::poppler("pdftotext", &["-layout", file.to_str().unwrap(), "-"]);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for german in ["Guten Tag Greta Becker,", "Mit freundlichen Grüßen", "Unser Zeichen:", "Was wir getan haben:"] {
        assert!(flat.contains(german), "{german:?} in the letter:\n{text}");
    }
    for english in ["Dear ", "With my apologies", "Our reference", "What we did"] {
        assert!(!flat.contains(english), "{english:?} in her letter:\n{text}");
    }
    let months = [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ];
    assert!(months.iter().any(|m| flat.contains(&format!(" {m} 20"))), "dated in German:\n{text}");

    // Her agent's case page is English, with euro amounts as the English write them.
    let (agent, _) = app.signed_in("admin@amends.local", &app.admin_password).await;
    let resp = agent.get(app.url(&format!("/cases/{id}"))).header("accept-language", "en").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let shown = text_of(&resp.text().await.unwrap());
    assert!(shown.contains("€12.50"), "{shown}");
    assert!(!shown.contains("12,50 €"), "{shown}");
    assert!(shown.contains("Inbox"), "{shown}");
}

crate::on_both_databases!(a_german_customer_hears_german_while_her_agent_works_in_english);
