//! Sample letters and a thin wrapper around poppler-utils (pdftotext, pdfinfo,
//! pdftoppm), which the tests use as an independent reader of what we wrote.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use amends_letters::{Letter, Letterhead};

pub fn letterhead() -> Letterhead {
    Letterhead {
        business_name: "Café Weber".to_owned(),
        address_lines: vec!["Marktplatz 3".to_owned(), "10117 Berlin".to_owned()],
        contact_line: "030 1234567 · hello@cafe-weber.example · cafe-weber.example".to_owned(),
    }
}

pub fn letter() -> Letter {
    Letter {
        recipient_name: "Anna Müller".to_owned(),
        recipient_address: vec!["Hauptstraße 12".to_owned(), "10115 Berlin".to_owned()],
        date: "3 March 2026".to_owned(),
        reference: "AM-1042".to_owned(),
        salutation: "Dear Ms Müller,".to_owned(),
        paragraphs: vec![
            "I am sorry. Your birthday cake arrived two hours late, and the crème brûlée you \
             ordered was missing. I accept all responsibility for that."
                .to_owned(),
            "We refunded the full €42.50 to your card on 24 February, and our driver brought \
             the crème brûlée to your door the same evening."
                .to_owned(),
            "What changed: every order is now checked against its ticket (twice) before it \
             leaves the kitchen, and a late delivery alerts the manager straight away.\n\
             Our drivers also call ahead when they are running late."
                .to_owned(),
            "We would love the chance to show you how it should have gone.".to_owned(),
        ],
        offer: Some("A dessert of your choice, on us — just mention AM-1042 when you order.".to_owned()),
        closing: "With warm regards,".to_owned(),
        signature_name: "Jonas Weber".to_owned(),
        signature_title: "Owner, Café Weber".to_owned(),
        labels: Default::default(),
    }
}

/// A letter long enough for `paragraphs` paragraphs of varied prose.
pub fn long_letter(paragraphs: usize) -> Letter {
    let sentences = [
        "We looked at every step your order took, from the phone call to the doorstep.",
        "The recipe card for the crème brûlée had been filed under the wrong day.",
        "Our new checklist asks two people to sign off each birthday order.",
        "Müller, Weber and the whole kitchen team read your letter together.",
        "We have also added a reminder that fires one hour before each delivery slot.",
        "The refund of €42.50 reached your card, and we have confirmed it with the bank.",
    ];
    let mut letter = letter();
    letter.paragraphs = (0..paragraphs)
        .map(|i| (0..7).map(|j| sentences[(i + j) % sentences.len()]).collect::<Vec<_>>().join(" "))
        .collect();
    letter
}

pub fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("letters");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn write_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Runs a poppler tool, insisting that it succeeds and says nothing on stderr
/// (poppler reports every syntax problem it meets there).
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} could not run ({e}); install poppler-utils: apt-get install -y poppler-utils")
    });
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{tool} {args:?} failed: {stderr}");
    assert!(stderr.trim().is_empty(), "{tool} {args:?} complained: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

pub fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

/// The layout text of the pages `first..=last`.
pub fn text(pdf: &Path, first: usize, last: usize) -> String {
    poppler("pdftotext", &["-layout", "-f", &first.to_string(), "-l", &last.to_string(), pdf.to_str().unwrap(), "-"])
}

pub fn all_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"])
}

/// Asserts that each phrase occurs, word for word, after the previous one.
pub fn assert_in_order(text: &str, phrases: &[&str]) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut from = 0;
    for phrase in phrases {
        let wanted: Vec<&str> = phrase.split_whitespace().collect();
        assert!(!wanted.is_empty());
        let found =
            (from..=words.len().saturating_sub(wanted.len())).find(|&i| words[i..i + wanted.len()] == wanted[..]);
        match found {
            Some(i) => from = i + wanted.len(),
            None => panic!("{phrase:?} not found (in order) in:\n{text}"),
        }
    }
}

/// A word with its box, in points from the page's top-left corner.
#[derive(Debug, Clone)]
pub struct WordBox {
    pub text: String,
    pub x_min: f64,
    pub y_min: f64,
    pub x_max: f64,
    pub y_max: f64,
}

/// The words of one page with their boxes (pdftotext -bbox), in reading order.
pub fn word_boxes(pdf: &Path, page: usize) -> Vec<WordBox> {
    let html =
        poppler("pdftotext", &["-bbox", "-f", &page.to_string(), "-l", &page.to_string(), pdf.to_str().unwrap(), "-"]);
    let attr = |tag: &str, name: &str| -> f64 {
        let start = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        let end = start + tag[start..].find('"').unwrap();
        tag[start..end].parse().unwrap()
    };
    html.split("<word ")
        .skip(1)
        .map(|chunk| {
            let (tag, rest) = chunk.split_once('>').unwrap();
            let text = rest.split_once("</word>").unwrap().0;
            WordBox {
                text: text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">"),
                x_min: attr(tag, "xMin"),
                y_min: attr(tag, "yMin"),
                x_max: attr(tag, "xMax"),
                y_max: attr(tag, "yMax"),
            }
        })
        .collect()
}

/// The boxes of the first run of words spelling `line`.
pub fn find_line<'a>(boxes: &'a [WordBox], line: &str) -> &'a [WordBox] {
    let wanted: Vec<&str> = line.split_whitespace().collect();
    (0..=boxes.len().saturating_sub(wanted.len()))
        .find(|&i| boxes[i..i + wanted.len()].iter().zip(&wanted).all(|(b, w)| b.text == *w))
        .map(|i| &boxes[i..i + wanted.len()])
        .unwrap_or_else(|| panic!("{line:?} not on the page: {boxes:?}"))
}
