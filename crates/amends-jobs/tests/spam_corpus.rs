//! The spam filter against the mail corpus: every message a person wrote there is a
//! real complaint or reply, so none may be held. Prints each message's score.

use std::path::Path;

use amends_mail::{MailKind, parse_incoming};
use amends_spam::{Headers, Message, SpamFilter};

#[test]
fn no_message_a_person_wrote_in_the_corpus_is_held() {
    let filter = SpamFilter::english();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../amends-mail/tests/corpus");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    names.sort();
    let mut scored = 0;
    for path in names.iter().filter(|p| p.extension().is_some_and(|e| e == "eml")) {
        let Ok(mail) = parse_incoming(&std::fs::read(path).unwrap()) else { continue };
        if mail.kind != MailKind::Message {
            continue;
        }
        let s = &mail.signals;
        let headers = Headers {
            message_id: s.message_id_header.clone(),
            precedence: s.precedence.clone(),
            authentication_results: s.authentication_results.clone(),
            recipients: s.recipients,
        };
        let verdict = filter.score(
            &Message {
                sender: mail.from_email.as_deref().unwrap_or(""),
                subject: mail.subject.as_deref().unwrap_or(""),
                text: &mail.text,
                html: s.html.as_deref(),
                headers: Some(&headers),
            },
            &[],
        );
        println!("{:>3}  {}  {}", verdict.score, path.file_name().unwrap().to_string_lossy(), verdict.summary());
        assert!(!verdict.is_spam(), "{}: {verdict:?}", path.display());
        scored += 1;
    }
    assert!(scored >= 20, "the corpus was read ({scored} messages)");
}
