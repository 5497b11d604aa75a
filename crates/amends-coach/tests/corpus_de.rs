//! The German coach on its labelled corpora, printed exactly as the English ones
//! (`cargo test -p amends-coach --test corpus_de -- --nocapture` prints the tables and every
//! miss).
//!
//! `de.tsv` is the tuning set: rules/de.toml was tuned against it. `de_blind.tsv` was written
//! and labelled before rules/de.toml existed (it is committed before them) and never tuned
//! on; its first run is in its header. `de_blind2.tsv` was written after the first tuning and
//! labelled before its first run (in its header). The floors sit a little under the honest
//! figures.
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
    // Floors a little under the first run (kinds 0.977 / 0.956, flagging 1.000 / 0.976).
    for (what, got, floor) in [
        ("precision", total.precision(), 0.90),
        ("recall", total.recall(), 0.90),
        ("flagging precision", flag.texts.precision(), 0.90),
        ("flagging recall", flag.texts.recall(), 0.90),
        ("kind accuracy", flag.kind_accuracy(), 0.85),
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

/// German grammar the rules are written for: du and Sie, verb-final modals, umlauts typed as
/// ae/oe/ue, reported speech, and a refusal followed by what we can do.
#[test]
fn german_word_order_spellings_and_contexts() {
    use amends_coach::Purpose;
    let coach = Coach::german();
    let kinds = |text: &str| -> Vec<FindingKind> {
        let mut k: Vec<FindingKind> = coach.review(text, Purpose::Other).findings.iter().map(|f| f.kind).collect();
        k.dedup();
        k
    };
    assert_eq!(kinds("Du hättest die Adresse vorher prüfen sollen."), [FindingKind::Blame]);
    assert_eq!(kinds("Sie haetten die Anleitung lesen muessen."), [FindingKind::Blame]);
    // Our failure, or empathy, in the same shape.
    assert!(kinds("Sie hätten Ihre Erstattung längst erhalten sollen.").is_empty());
    assert!(kinds("Sie hätten nicht so lange warten müssen.").is_empty());
    // Reported speech is not the writer's blame.
    assert!(kinds("Sie sagten uns, der Fahrer habe behauptet, Sie hätten die Tür öffnen müssen.").is_empty());
    assert_eq!(kinds("Das ist leider nicht möglich."), [FindingKind::Refusal]);
    assert!(kinds("Das ist leider nicht möglich, aber wir können Ihnen gerne einen Gutschein schicken.").is_empty());
    assert_eq!(kinds("Wir melden uns zeitnah."), [FindingKind::VagueTime]);
    assert!(kinds("Wir melden uns zeitnah, spätestens am Freitag um 12 Uhr.").is_empty());
    // The span points at the draft's own characters, umlauts and all.
    let text = "Gemäß unseren Geschäftsbedingungen geht das nicht.";
    let review = coach.review(text, Purpose::Other);
    let policy = review.findings.iter().find(|f| f.kind == FindingKind::Policy).unwrap();
    let words: String = text.chars().skip(policy.start).take(policy.end - policy.start).collect();
    assert!(words.contains("Geschäftsbedingungen"), "{words}");
}

#[test]
fn the_coach_is_picked_by_language_with_english_as_fallback() {
    assert_eq!(Coach::for_language("de").language(), "de");
    assert_eq!(Coach::for_language("de-AT").language(), "de");
    assert_eq!(Coach::for_language("DE_ch").language(), "de");
    assert_eq!(Coach::for_language("en-GB").language(), "en");
    assert_eq!(Coach::for_language("fr").language(), "en");
    assert_eq!(Coach::for_language("").language(), "en");
}

/// `de_blind2.tsv` was written after the first tuning, before its first run (in its header);
/// the gaps it showed were then added, so it is blind only in its first run.
#[test]
fn german_second_blind_set_holds_its_floor() {
    let coach = Coach::german();
    let name = "de_blind2.tsv (blind first run in its header; gaps added since)";
    let cases = load(name, include_str!("corpus/de_blind2.tsv"));
    assert!(cases.len() >= 40, "{}", cases.len());
    let (total, flag) = evaluate_with(&coach, name, &cases, true);
    // Floors under the first run (kinds 0.929 / 0.839, flagging 0.964 / 0.871, kind accuracy
    // 0.963); gaps it showed were added since (see its header).
    for (what, got, floor) in [
        ("precision", total.precision(), 0.85),
        ("recall", total.recall(), 0.80),
        ("flagging precision", flag.texts.precision(), 0.90),
        ("flagging recall", flag.texts.recall(), 0.85),
        ("kind accuracy", flag.kind_accuracy(), 0.85),
    ] {
        assert!(got >= floor, "{name}: {what} {got:.3} < {floor}");
    }
}

/// `de_blind3.tsv`: written and labelled by the session `coach` before any of its tuning,
/// never tuned on; first run in its header.
#[test]
fn german_third_blind_set_is_measured() {
    for (name, tsv) in [
        ("de_blind3.tsv (blind before tuning; first run in its header)", include_str!("corpus/de_blind3.tsv")),
        ("de_blind4.tsv (blind after round one; tuned on since)", include_str!("corpus/de_blind4.tsv")),
    ] {
        let cases = load(name, tsv);
        assert!(cases.len() >= 20, "{name}: {}", cases.len());
        let (_, flag) = evaluate_with(&Coach::german(), name, &cases, true);
        // Floors a little under the figures when they were set.
        assert!(flag.texts.precision() >= 0.8 && flag.texts.recall() >= 0.9, "{name}");
        assert!(flag.kind_accuracy() >= 0.85, "{name}: kind accuracy {:.3}", flag.kind_accuracy());
    }
}
