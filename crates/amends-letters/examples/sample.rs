//! Writes a sample follow-up letter as PDF to standard output: the one pictured in
//! `docs/letter.png`.
//!
//! ```sh
//! cargo run -p amends-letters --example sample > letter.pdf
//! pdftoppm -png -r 60 -f 1 -l 1 -singlefile letter.pdf docs/letter
//! ```

use std::io::Write;

use amends_letters::{Letter, Letterhead, PageSize, render_letter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let head = Letterhead {
        business_name: "Weber Bakery".to_owned(),
        address_lines: vec!["Marktplatz 3".to_owned(), "10117 Berlin".to_owned()],
        contact_line: "030 1234567 · hello@weber-bakery.example · weber-bakery.example".to_owned(),
    };
    let letter = Letter {
        recipient_name: "Łukasz Żółć".to_owned(),
        recipient_address: vec!["Hauptstraße 12".to_owned(), "10115 Berlin".to_owned()],
        date: "4 December 2026".to_owned(),
        reference: "AM-1042".to_owned(),
        salutation: "Dear Łukasz Żółć,".to_owned(),
        paragraphs: vec![
            "I am so sorry. Your daughter's birthday cake arrived a day late and squashed, on the one day \
             it mattered. That was our failure, and I accept all responsibility for it."
                .to_owned(),
            "What we did: we baked a new cake and I brought it to your door myself that afternoon.".to_owned(),
            "What changed: we found the cause (\"Weekend deliveries slip\") and changed how we work: every \
             weekend order is now checked against its ticket the evening before, and a late van alerts me \
             straight away."
                .to_owned(),
            "Thank you for telling us. We would love the chance to show you how it should have gone.".to_owned(),
        ],
        offer: Some("Coffee and cake for two, on us — just mention AM-1042 when you come in.".to_owned()),
        closing: "With my apologies, and my thanks,".to_owned(),
        signature_name: "Jonas Weber".to_owned(),
        signature_title: "Owner, Weber Bakery".to_owned(),
        labels: Default::default(),
    };
    let pdf = render_letter(&head, &letter, PageSize::A4)?;
    std::io::stdout().write_all(&pdf)?;
    Ok(())
}
