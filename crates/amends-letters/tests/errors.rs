//! Letters that cannot be printed are refused with a reason, never half-printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use amends_letters::{LetterError, PageSize, render_batch, render_letter};
use common::{letter, letterhead};

#[test]
fn an_empty_batch_is_refused() {
    assert_eq!(render_batch(&letterhead(), &[], PageSize::A4), Err(LetterError::EmptyBatch));
}

#[test]
fn a_letter_without_an_address_is_refused() {
    let mut l = letter();
    l.recipient_address = vec!["  ".to_owned(), String::new()];
    let err = render_letter(&letterhead(), &l, PageSize::A4).unwrap_err();
    assert_eq!(err, LetterError::MissingRecipientAddress { reference: "AM-1042".to_owned() });
    assert_eq!(err.to_string(), "letter \"AM-1042\" has no recipient address");
}

#[test]
fn a_batch_fails_on_the_letter_that_cannot_be_set() {
    let mut bad = letter();
    bad.reference = "AM-7".to_owned();
    bad.recipient_name = " ".to_owned();
    let err = render_batch(&letterhead(), &[letter(), bad], PageSize::A4).unwrap_err();
    assert_eq!(err, LetterError::MissingRecipientName { reference: "AM-7".to_owned() });
}

#[test]
fn an_address_taller_than_the_window_is_refused() {
    let mut l = letter();
    l.recipient_address = (1..=6).map(|i| format!("Line {i}")).collect();
    // Name + 6 lines fit the DIN window ...
    assert!(render_letter(&letterhead(), &l, PageSize::A4).is_ok());
    // ... but not the US #10 window.
    assert_eq!(
        render_letter(&letterhead(), &l, PageSize::Letter),
        Err(LetterError::AddressTooLong { reference: "AM-1042".to_owned(), lines: 7, max: 5 })
    );
    l.recipient_address.push("Line 7".to_owned());
    assert!(matches!(
        render_letter(&letterhead(), &l, PageSize::A4),
        Err(LetterError::AddressTooLong { lines: 8, max: 7, .. })
    ));
}

#[test]
fn an_address_line_wider_than_the_window_is_refused() {
    let mut l = letter();
    let wide = "Department of Customer Happiness and Service Recovery, Building 7".to_owned();
    l.recipient_address.insert(0, wide.clone());
    assert_eq!(
        render_letter(&letterhead(), &l, PageSize::A4),
        Err(LetterError::AddressLineTooWide { reference: "AM-1042".to_owned(), line: wide })
    );
}

#[test]
fn a_letterhead_that_reaches_the_window_is_refused() {
    let mut head = letterhead();
    head.address_lines = (1..=12).map(|i| format!("Line {i}")).collect();
    assert!(matches!(render_letter(&head, &letter(), PageSize::A4), Err(LetterError::LetterheadDoesNotFit(_))));
    head.address_lines.clear();
    head.business_name = String::new();
    assert_eq!(render_letter(&head, &letter(), PageSize::A4), Err(LetterError::MissingBusinessName));
}

#[test]
fn optional_parts_may_be_left_out() {
    let mut l = letter();
    l.offer = None;
    l.signature_title = String::new();
    l.date = String::new();
    let mut head = letterhead();
    head.contact_line = String::new();
    head.address_lines.clear();
    let pdf = render_letter(&head, &l, PageSize::A4).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = common::all_text(&common::write_pdf("optional-parts", &pdf));
    assert!(text.contains("Anna Müller") && text.contains("Jonas Weber"), "{text}");
    assert!(!text.contains("For your next visit"), "{text}");
}
