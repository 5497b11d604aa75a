//! The rendered PDFs read back with poppler-utils: what a printer and a person see.
//! Needs `pdftotext`, `pdfinfo` and `pdftoppm` (Debian: poppler-utils).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amends_letters::{Letter, PageSize, characters_without_glyph, render_batch, render_letter};
use common::*;

fn phrases_of(letter: &Letter) -> Vec<String> {
    let mut phrases = vec![letter.recipient_name.clone()];
    phrases.extend(letter.recipient_address.iter().cloned());
    phrases.push(format!("Our reference: {}", letter.reference));
    phrases.push(letter.date.clone());
    phrases.push(letter.salutation.clone());
    phrases.extend(letter.paragraphs.iter().cloned());
    if let Some(offer) = &letter.offer {
        phrases.push("For your next visit".to_owned());
        phrases.push(offer.clone());
    }
    phrases.push(letter.closing.clone());
    phrases.push(letter.signature_name.clone());
    phrases.push(letter.signature_title.clone());
    phrases
}

fn check_reads_in_order(size: PageSize, name: &str) {
    let letter = letter();
    let pdf = write_pdf(name, &render_letter(&letterhead(), &letter, size).unwrap());
    assert_eq!(page_count(&pdf), 1);
    let text = all_text(&pdf);
    let phrases = phrases_of(&letter);
    assert_in_order(&text, &phrases.iter().map(String::as_str).collect::<Vec<_>>());
    // The letterhead and the contact line are there too.
    for part in ["Café Weber", "Marktplatz 3", "10117 Berlin"] {
        assert!(text.contains(part), "{part:?} missing from the letterhead:\n{text}");
    }
    assert!(text.contains("hello@cafe-weber.example"), "{text}");
    // A one-page letter carries no page numbers.
    assert!(!text.contains("Page 1"), "{text}");
}

#[test]
fn a4_letter_reads_in_order_with_accents_and_euro() {
    check_reads_in_order(PageSize::A4, "order-a4");
}

#[test]
fn us_letter_reads_in_order() {
    check_reads_in_order(PageSize::Letter, "order-letter");
}

#[test]
fn accents_and_the_euro_sign_survive_exactly() {
    let pdf = write_pdf("accents", &render_letter(&letterhead(), &letter(), PageSize::A4).unwrap());
    let text = all_text(&pdf);
    for needle in ["Müller", "crème brûlée", "€42.50", "Hauptstraße", "Café", "—", "(twice)"] {
        assert!(text.contains(needle), "{needle:?} missing from:\n{text}");
    }
}

#[test]
fn parentheses_and_backslashes_are_escaped() {
    let mut letter = letter();
    letter.paragraphs = vec![r"Unbalanced ((( and ))) and ) ( and a back\slash \\ and \) survive.".to_owned()];
    let bytes = render_letter(&letterhead(), &letter, PageSize::A4).unwrap();
    let pdf = write_pdf("escapes", &bytes);
    assert_in_order(&all_text(&pdf), &[r"Unbalanced ((( and ))) and ) ( and a back\slash \\ and \) survive."]);
}

/// A letter to `name` at `address`, with `words` in its body, from a business whose
/// name is in the same script.
fn letter_in(name: &str, address: &[&str], words: &str) -> Letter {
    let mut l = letter();
    l.recipient_name = name.to_owned();
    l.recipient_address = address.iter().map(|a| (*a).to_owned()).collect();
    l.salutation = format!("{name},");
    l.paragraphs = vec![words.to_owned(), "We are sorry.".to_owned()];
    l
}

#[test]
fn names_and_words_in_every_european_script_print_as_written() {
    let letters = [
        letter_in("Łukasz Żółć", &["ul. Świętokrzyska 12", "00-916 Warszawa"], "Przepraszamy: źdźbło, gęślą jaźń."),
        letter_in(
            "Jiří Dvořák",
            &["Křižíkova 148/34", "186 00 Praha 8"],
            "Omlouváme se: příliš žluťoučký kůň úpěl ďábelské ódy.",
        ),
        letter_in(
            "Şükrü Güneş",
            &["İstiklal Caddesi 42", "34430 Beyoğlu, İstanbul"],
            "Özür dileriz: ığdır, çiçek, şişli, İzmir.",
        ),
        letter_in("Γιώργος Παπαδόπουλος", &["Οδός Ερμού 25", "105 63 Αθήνα"], "Ζητούμε συγγνώμη για την καθυστέρηση."),
        letter_in(
            "Дмитрий Иванов",
            &["ул. Тверская, д. 7", "125009 Москва"],
            "Приносим извинения: съешь же ещё этих мягких булок.",
        ),
    ];
    for (i, letter) in letters.iter().enumerate() {
        assert!(characters_without_glyph(&letterhead(), letter).is_empty(), "{:?}", letter.recipient_name);
        for size in [PageSize::A4, PageSize::Letter] {
            let pdf = write_pdf(&format!("script-{i}-{size:?}"), &render_letter(&letterhead(), letter, size).unwrap());
            let text = all_text(&pdf);
            assert!(!text.contains('?'), "a character was replaced:\n{text}");
            assert_in_order(&text, &phrases_of(letter).iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
    // All five in one print run: one font subset serves them all.
    let pdf = write_pdf("scripts-batch", &render_batch(&letterhead(), &letters, PageSize::A4).unwrap());
    assert_eq!(page_count(&pdf), 5);
    for (i, letter) in letters.iter().enumerate() {
        assert!(text(&pdf, i + 1, i + 1).contains(&letter.recipient_name));
    }
}

#[test]
fn the_font_is_embedded_as_a_subset() {
    let bytes =
        render_letter(&letterhead(), &letter_in("Łukasz Żółć", &["Warszawa"], "Дмитрий"), PageSize::A4).unwrap();
    let pdf = write_pdf("embedded", &bytes);
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "regular and bold:\n{fonts}");
    for row in rows {
        // name, type, encoding, then emb sub uni as "yes yes yes".
        assert!(row.contains("DejaVuSans"), "{row}");
        assert!(row.contains("yes yes yes"), "embedded, subset, with a Unicode map: {row}");
    }
    // Only the glyphs used: far smaller than the 1.4 MB of the two faces.
    assert!(bytes.len() < 120_000, "{} bytes", bytes.len());
}

#[test]
fn characters_the_font_lacks_are_named_before_printing() {
    let mut letter = letter();
    letter.paragraphs = vec!["Greetings to Łódź, 東京 and 東京 again 👍.".to_owned()];
    assert_eq!(characters_without_glyph(&letterhead(), &letter), vec!['東', '京', '👍']);
    let pdf = write_pdf("no-glyph", &render_letter(&letterhead(), &letter, PageSize::A4).unwrap());
    assert!(all_text(&pdf).contains("Greetings to Łódź,"));
}

#[test]
fn hard_line_breaks_start_new_lines() {
    let pdf = write_pdf("hard-breaks", &render_letter(&letterhead(), &letter(), PageSize::A4).unwrap());
    let text = all_text(&pdf);
    let line = text.lines().find(|l| l.contains("Our drivers also call ahead")).unwrap();
    assert!(line.trim_start().starts_with("Our drivers"), "{line:?}");
}

#[test]
fn each_letter_of_a_batch_starts_on_its_own_page() {
    let names = ["Anna Müller", "Bernd Schäfer", "Chloé Dubois"];
    let letters: Vec<Letter> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let mut l = letter();
            l.recipient_name = (*name).to_owned();
            l.reference = format!("AM-{}", 2000 + i);
            l.salutation = format!("Dear {name},");
            l
        })
        .collect();
    let pdf = write_pdf("batch", &render_batch(&letterhead(), &letters, PageSize::A4).unwrap());
    assert_eq!(page_count(&pdf), 3);
    for (i, letter) in letters.iter().enumerate() {
        let page = text(&pdf, i + 1, i + 1);
        let phrases = phrases_of(letter);
        assert_in_order(&page, &phrases.iter().map(String::as_str).collect::<Vec<_>>());
        for (j, other) in names.iter().enumerate() {
            if j != i {
                assert!(!page.contains(other), "page {} shows {other}", i + 1);
            }
        }
    }
}

#[test]
fn a_batch_keeps_long_letters_whole_and_the_next_starts_fresh() {
    let mut short = letter();
    short.recipient_name = "Bernd Schäfer".to_owned();
    let letters = vec![long_letter(8), short];
    let pdf = write_pdf("batch-long", &render_batch(&letterhead(), &letters, PageSize::A4).unwrap());
    assert_eq!(page_count(&pdf), 3);
    assert!(text(&pdf, 2, 2).contains("AM-1042 · Page 2 of 2"));
    let third = text(&pdf, 3, 3);
    assert!(third.contains("Bernd Schäfer"));
    assert!(!third.contains("Page"), "{third}");
}

/// The text of a long letter without the running headers and footers, so that a
/// paragraph broken across pages reads as one run of words again.
fn body_text(text: &str) -> String {
    text.lines().filter(|l| !l.contains("Page ") && !l.contains("hello@")).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_long_letter_flows_onto_a_second_page_with_page_numbers() {
    let letter = long_letter(8);
    let pdf = write_pdf("long", &render_letter(&letterhead(), &letter, PageSize::A4).unwrap());
    assert_eq!(page_count(&pdf), 2);
    let first = text(&pdf, 1, 1);
    let second = text(&pdf, 2, 2);
    assert!(first.contains("Page 1 of 2"), "{first}");
    assert!(second.contains("Page 2 of 2"), "{second}");
    assert!(second.contains("AM-1042 · Page 2 of 2"), "{second}");
    assert!(second.contains("Jonas Weber"), "the signature ends the letter");
    assert!(!first.contains("Jonas Weber"));
    let phrases = phrases_of(&letter);
    assert_in_order(&body_text(&all_text(&pdf)), &phrases.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn a_very_long_letter_numbers_every_page() {
    let letter = long_letter(30);
    let pdf = write_pdf("very-long", &render_letter(&letterhead(), &letter, PageSize::Letter).unwrap());
    let pages = page_count(&pdf);
    assert!(pages >= 3, "{pages}");
    for page in 2..=pages {
        assert!(text(&pdf, page, page).contains(&format!("AM-1042 · Page {page} of {pages}")));
    }
    let phrases = phrases_of(&letter);
    assert_in_order(&body_text(&all_text(&pdf)), &phrases.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn the_offer_box_is_never_split() {
    // Long enough that the box falls near a page end for some paragraph count.
    for paragraphs in 4..10 {
        let mut letter = long_letter(paragraphs);
        letter.offer = Some("A dessert of your choice, on us. ".repeat(6));
        let pdf =
            write_pdf(&format!("offer-{paragraphs}"), &render_letter(&letterhead(), &letter, PageSize::A4).unwrap());
        let pages = page_count(&pdf);
        let holding: Vec<usize> =
            (1..=pages).filter(|&p| text(&pdf, p, p).contains("A dessert of your choice")).collect();
        assert_eq!(holding.len(), 1, "{paragraphs} paragraphs: box on pages {holding:?}");
        let page = text(&pdf, holding[0], holding[0]);
        assert!(page.contains("For your next visit"));
    }
}

fn check_address_in_window(size: PageSize, name: &str) {
    let letter = letter();
    let pdf = write_pdf(name, &render_letter(&letterhead(), &letter, size).unwrap());
    let boxes = word_boxes(&pdf, 1);
    let window = size.window_area();
    let mut lines = vec![letter.recipient_name.as_str()];
    lines.extend(letter.recipient_address.iter().map(String::as_str));
    for line in lines {
        for word in find_line(&boxes, line) {
            assert!(
                word.x_min >= window.x
                    && word.x_max <= window.x + window.width
                    && word.y_min >= window.y
                    && word.y_max <= window.y + window.height,
                "{word:?} is outside the window {window:?}"
            );
        }
    }
    if size == PageSize::A4 {
        // DIN 5008: the recipient sits in the lower 27.3 mm of the 45 mm field,
        // under the return address.
        let mm = 72.0 / 25.4;
        let name_box = &find_line(&boxes, &letter.recipient_name)[0];
        assert!(name_box.y_min >= 62.0 * mm, "{name_box:?}");
        let return_line = find_line(&boxes, "Café Weber · Marktplatz 3 · 10117 Berlin");
        assert!(return_line.iter().all(|w| w.y_max <= 62.7 * mm && w.y_min >= 45.0 * mm));
        assert!(return_line.iter().all(|w| w.x_max <= 105.0 * mm));
    }
}

#[test]
fn the_address_sits_in_the_din_window() {
    check_address_in_window(PageSize::A4, "window-a4");
}

#[test]
fn the_address_sits_in_the_us_10_window() {
    check_address_in_window(PageSize::Letter, "window-letter");
}

#[test]
fn the_date_is_right_aligned_at_the_margin() {
    let pdf = write_pdf("date", &render_letter(&letterhead(), &letter(), PageSize::A4).unwrap());
    let boxes = word_boxes(&pdf, 1);
    let date = find_line(&boxes, "3 March 2026");
    let right_margin = 190.0 * 72.0 / 25.4;
    let end = date.last().unwrap().x_max;
    assert!((end - right_margin).abs() < 1.0, "date ends at {end}, margin {right_margin}");
}

#[test]
fn page_one_renders_to_png() {
    for (size, name) in [(PageSize::A4, "sample-a4"), (PageSize::Letter, "sample-letter")] {
        let pdf = write_pdf(name, &render_letter(&letterhead(), &letter(), size).unwrap());
        let prefix = out_dir().join(name);
        poppler(
            "pdftoppm",
            &["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf.to_str().unwrap(), prefix.to_str().unwrap()],
        );
        let png = std::fs::read(prefix.with_extension("png")).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        // 60 dpi: A4 is about 496 x 702 pixels, US Letter 510 x 660.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        let (w, h) = if size == PageSize::A4 { (496, 702) } else { (510, 660) };
        assert!(width.abs_diff(w) <= 1 && height.abs_diff(h) <= 1, "{width} x {height}");
    }
}

#[test]
fn rendering_is_deterministic() {
    let a = render_letter(&letterhead(), &letter(), PageSize::A4).unwrap();
    let b = render_letter(&letterhead(), &letter(), PageSize::A4).unwrap();
    assert_eq!(a, b);
}

#[test]
fn no_word_crosses_the_margins() {
    for size in [PageSize::A4, PageSize::Letter] {
        let mut letter = long_letter(12);
        letter.paragraphs.push(format!("See https://cafe-weber.example/{}", "x".repeat(200)));
        let pdf = write_pdf(&format!("margins-{size:?}"), &render_letter(&letterhead(), &letter, size).unwrap());
        let (left, right) = match size {
            PageSize::A4 => (25.0 * 72.0 / 25.4, 190.0 * 72.0 / 25.4),
            PageSize::Letter => (72.0, 540.0),
        };
        for page in 1..=page_count(&pdf) {
            for word in word_boxes(&pdf, page) {
                assert!(
                    word.x_min >= left - 0.5 && word.x_max <= right + 0.5,
                    "{size:?} page {page}: {word:?} crosses the margins {left}..{right}"
                );
            }
        }
    }
}
