//! Prints what `parse_incoming` makes of a raw message: `cargo run --example show_mail -- FILE`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let path = std::env::args().nth(1).expect("usage: show_mail FILE");
    let raw = std::fs::read(&path).expect("readable file");
    match amends_mail::parse_incoming(&raw) {
        Ok(mail) => {
            println!("kind:      {}", mail.kind.as_str());
            println!("from:      {:?} <{:?}>", mail.from_name, mail.from_email);
            println!("subject:   {:?}", mail.subject);
            println!("case:      {:?}", mail.case_reference);
            println!("id:        {:?}", mail.message_id);
            println!("reply to:  {:?}", mail.in_reply_to);
            println!("refs:      {:?}", mail.references);
            for a in &mail.attachments {
                println!("attached:  {a:?}");
            }
            println!("---\n{}", mail.text);
        }
        Err(e) => println!("refused ({}): {e}", e.reason()),
    }
}
