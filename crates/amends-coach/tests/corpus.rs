//! The English coach on its labelled corpora (see `tests/score/corpus.rs` for how a text
//! is counted). `cargo test -p amends-coach --test corpus -- --nocapture` prints the tables
//! and every miss.
//!
//! `en.tsv` is the development corpus (the rules were tuned against it; the assertion is on
//! it). `en_holdout.tsv` was written at the same time and never used for tuning;
//! `en_blind.tsv` was written after tuning and labelled before its first run, whose figures
//! are in its header. `en_general.tsv` (tuned on) and `en_general_blind.tsv` (written
//! before the rules for its kinds, never tuned on) test the kinds of issue 19 section 3 in
//! many registers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "score/corpus.rs"]
mod corpus_score;

use amends_coach::FindingKind;
use corpus_score::{evaluate, load};

#[test]
fn english_corpus_precision_and_recall() {
    let cases = load("en.tsv", include_str!("corpus/en.tsv"));
    assert!(cases.len() >= 220, "corpus has only {} texts", cases.len());
    // Every kind has examples that should and should not fire.
    for k in FindingKind::ALL {
        assert!(cases.iter().any(|c| c.expected.contains(&k)), "no positive for {k}");
        assert!(cases.iter().any(|c| !c.expected.contains(&k)), "no negative for {k}");
    }
    let (total, _) = evaluate("en.tsv", &cases, true);
    assert!(total.precision() >= 0.90, "overall precision {:.3} < 0.90", total.precision());
    assert!(total.recall() >= 0.90, "overall recall {:.3} < 0.90", total.recall());
}

#[test]
fn english_unseen_sets_are_reported() {
    for (name, tsv) in [
        ("en_holdout.tsv (not tuned on)", include_str!("corpus/en_holdout.tsv")),
        ("en_blind.tsv (first run in its header)", include_str!("corpus/en_blind.tsv")),
    ] {
        let (total, _) = evaluate(name, &load(name, tsv), true);
        // Not a quality gate (see the module doc), only a guard against a collapse.
        assert!(total.precision() >= 0.5 && total.recall() >= 0.5, "{name}");
    }
}

#[test]
fn the_generalisation_set_holds() {
    let cases = load("en_general.tsv", include_str!("corpus/en_general.tsv"));
    assert!(cases.len() >= 60, "{}", cases.len());
    let (total, flag) = evaluate("en_general.tsv", &cases, true);
    assert!(total.precision() >= 0.90, "precision {:.3}", total.precision());
    assert!(total.recall() >= 0.90, "recall {:.3}", total.recall());
    assert!(flag.kind_accuracy() >= 0.85, "kind accuracy {:.3}", flag.kind_accuracy());
    let blind = load("en_general_blind.tsv", include_str!("corpus/en_general_blind.tsv"));
    evaluate("en_general_blind.tsv (never tuned on; printed, not asserted)", &blind, true);
    let blind2 = load("en_general_blind2.tsv", include_str!("corpus/en_general_blind2.tsv"));
    evaluate("en_general_blind2.tsv (first run in its header; gaps added since)", &blind2, true);
}

/// The blind sets of the generalisation work (issue 19, section 3): each was written and
/// labelled before the rule changes it measures; its first run is in its header.
/// `en_general14.tsv` was then tuned on (by kind, through the linguistic layer);
/// `en_general15.tsv` was written after that tuning and never tuned on.
#[test]
fn the_blind_generalisation_sets_are_measured() {
    for (name, tsv) in [
        ("en_general14.tsv (blind first run in its header; tuned on since)", include_str!("corpus/en_general14.tsv")),
        ("en_general15.tsv (blind, never tuned on; first run in its header)", include_str!("corpus/en_general15.tsv")),
    ] {
        let cases = load(name, tsv);
        assert!(cases.len() >= 120, "{name}: {}", cases.len());
        evaluate(name, &cases, true);
    }
}

/// Every set, with a floor under its flagging precision, recall and kind accuracy. The floors
/// are set a little under the honest figures of the session that set them (each file's
/// header has its first run); they catch a regression, not a missed target. The issue's
/// targets (≥ 0.95 on unseen wording) are printed by the bench, not asserted.
#[test]
fn every_set_is_measured_and_holds_its_floor() {
    let sets: [(&str, &str, f64); 19] = [
        ("en_holdout.tsv (not tuned on)", include_str!("corpus/en_holdout.tsv"), 0.85),
        ("en_blind.tsv (first run in its header)", include_str!("corpus/en_blind.tsv"), 0.85),
        ("en_general_blind.tsv (blind; first run in its header)", include_str!("corpus/en_general_blind.tsv"), 0.85),
        (
            "en_general_blind2.tsv (first run in its header; gaps added since)",
            include_str!("corpus/en_general_blind2.tsv"),
            0.85,
        ),
        ("en_general2.tsv (tuned on; first run in its header)", include_str!("corpus/en_general2.tsv"), 0.90),
        ("en_general3.tsv (tuned on; first run in its header)", include_str!("corpus/en_general3.tsv"), 0.90),
        ("en_general4.tsv (tuned on; first run in its header)", include_str!("corpus/en_general4.tsv"), 0.90),
        ("en_general5.tsv (tuned on; first run in its header)", include_str!("corpus/en_general5.tsv"), 0.90),
        ("en_general6.tsv (tuned on; first run in its header)", include_str!("corpus/en_general6.tsv"), 0.90),
        ("en_general7.tsv (tuned on; first run in its header)", include_str!("corpus/en_general7.tsv"), 0.90),
        ("en_general8.tsv (tuned on; first run in its header)", include_str!("corpus/en_general8.tsv"), 0.90),
        ("en_general9.tsv (tuned on; first run in its header)", include_str!("corpus/en_general9.tsv"), 0.90),
        ("en_general10.tsv (tuned on; first run in its header)", include_str!("corpus/en_general10.tsv"), 0.90),
        ("en_general11.tsv (tuned on; first run in its header)", include_str!("corpus/en_general11.tsv"), 0.90),
        ("en_general12.tsv (tuned on; first run in its header)", include_str!("corpus/en_general12.tsv"), 0.90),
        ("en_general13.tsv (first run in its header)", include_str!("corpus/en_general13.tsv"), 0.85),
        ("en_general14.tsv (blind first run in its header; tuned on)", include_str!("corpus/en_general14.tsv"), 0.95),
        (
            "en_general15.tsv (blind, never tuned on; first run in its header)",
            include_str!("corpus/en_general15.tsv"),
            0.60,
        ),
        (
            "en_general_blind3.tsv (blind, never tuned on; first run in its header)",
            include_str!("corpus/en_general_blind3.tsv"),
            0.90,
        ),
    ];
    hold_floors(&sets, 0);
}

/// The blind sets of the session `coach` (issue 19), each written and labelled before its
/// first run (in its header): `en_general16.tsv` before any of that session's tuning, 17, 18
/// and 19 after its first, second and third rounds (each tuned on by kind afterwards), 20
/// after the last round, never tuned on. Floors a little under the figures when they were
/// set (flagging precision, recall and kind accuracy) catch a regression.
#[test]
fn the_coach_sessions_blind_sets_are_measured() {
    let sets: [(&str, &str, f64); 5] = [
        (
            "en_general16.tsv (blind before tuning; first run in its header)",
            include_str!("corpus/en_general16.tsv"),
            0.9,
        ),
        ("en_general17.tsv (blind after round one; tuned on since)", include_str!("corpus/en_general17.tsv"), 0.8),
        ("en_general18.tsv (blind after round two; tuned on since)", include_str!("corpus/en_general18.tsv"), 0.9),
        ("en_general19.tsv (blind after round three; tuned on since)", include_str!("corpus/en_general19.tsv"), 0.9),
        (
            "en_general20.tsv (blind after all tuning; tuned on by kind since)",
            include_str!("corpus/en_general20.tsv"),
            0.85,
        ),
    ];
    hold_floors(&sets, 25);
}

/// The blind sets of the session `coach-recall`, each written and labelled before its first
/// run (in its header): `en_general21.tsv` before any of that session's tuning,
/// `en_general22.tsv` after it (its first run is the honest estimate; both were tuned on by
/// kind afterwards). Floors a little under the figures when they were set.
#[test]
fn the_recall_sessions_blind_sets_are_measured() {
    let sets: [(&str, &str, f64); 2] = [
        ("en_general21.tsv (blind before tuning; tuned on since)", include_str!("corpus/en_general21.tsv"), 0.95),
        ("en_general22.tsv (blind after tuning; tuned on since)", include_str!("corpus/en_general22.tsv"), 0.9),
    ];
    hold_floors(&sets, 40);
}

/// The sets of the session `coach3`: `en_general23.tsv` and `en_general24.tsv` were written
/// and labelled before any of its tuning and never tuned on (first and final runs in their
/// headers: the honest estimate for unseen wording); `en_general25.tsv` to `en_general31.tsv`
/// are its tuning rounds, each written before the round that tuned on it. Floors a little
/// under the figures when they were set: the blind ones catch a collapse, not a missed target.
#[test]
fn the_coach3_sets_are_measured() {
    let sets: [(&str, &str, f64); 9] = [
        ("en_general23.tsv (blind, never tuned on)", include_str!("corpus/en_general23.tsv"), 0.9),
        ("en_general24.tsv (blind, never tuned on)", include_str!("corpus/en_general24.tsv"), 0.9),
        ("en_general25.tsv (tuned on)", include_str!("corpus/en_general25.tsv"), 0.95),
        ("en_general26.tsv (tuned on)", include_str!("corpus/en_general26.tsv"), 0.95),
        ("en_general27.tsv (tuned on)", include_str!("corpus/en_general27.tsv"), 0.95),
        ("en_general28.tsv (tuned on)", include_str!("corpus/en_general28.tsv"), 0.9),
        ("en_general29.tsv (tuned on)", include_str!("corpus/en_general29.tsv"), 0.9),
        ("en_general30.tsv (tuned on)", include_str!("corpus/en_general30.tsv"), 0.9),
        ("en_general31.tsv (tuned on)", include_str!("corpus/en_general31.tsv"), 0.9),
    ];
    hold_floors(&sets, 25);
}

/// The sets of the session `coach4`: `en_general32.tsv` was written and labelled before any of
/// its tuning and never tuned on (first and final runs in its header); `en_general33.tsv` and
/// `en_general34.tsv` are its tuning rounds, each written before the round that tuned on it.
#[test]
fn the_coach4_sets_are_measured() {
    let sets: [(&str, &str, f64); 3] = [
        ("en_general32.tsv (blind, never tuned on)", include_str!("corpus/en_general32.tsv"), 0.85),
        ("en_general33.tsv (tuned on)", include_str!("corpus/en_general33.tsv"), 0.95),
        ("en_general34.tsv (tuned on)", include_str!("corpus/en_general34.tsv"), 0.9),
    ];
    hold_floors(&sets, 25);
}

/// The sets of the session `coach5`: `en_general40.tsv` was written and labelled before any of
/// its tuning and never tuned on (first and final runs in its header); `en_general41.tsv` to
/// `en_general45.tsv` are its tuning rounds, each written before the round that tuned on it.
#[test]
fn the_coach5_sets_are_measured() {
    let sets: [(&str, &str, f64); 6] = [
        ("en_general40.tsv (blind, never tuned on)", include_str!("corpus/en_general40.tsv"), 0.85),
        ("en_general41.tsv (tuned on)", include_str!("corpus/en_general41.tsv"), 0.95),
        ("en_general42.tsv (tuned on)", include_str!("corpus/en_general42.tsv"), 0.95),
        ("en_general43.tsv (tuned on)", include_str!("corpus/en_general43.tsv"), 0.95),
        ("en_general44.tsv (tuned on)", include_str!("corpus/en_general44.tsv"), 0.95),
        ("en_general45.tsv (tuned on)", include_str!("corpus/en_general45.tsv"), 0.85),
    ];
    hold_floors(&sets, 25);
}

/// The set of the session `coach6`: `en_general46.tsv`, the customer blamed by implication
/// (questions, what-ifs, misuse, warnings gone against) and innocent look-alikes, written
/// before the round that tuned on it (first run in its header).
#[test]
fn the_coach6_set_is_measured() {
    let sets: [(&str, &str, f64); 1] = [("en_general46.tsv (tuned on)", include_str!("corpus/en_general46.tsv"), 0.85)];
    hold_floors(&sets, 25);
}

/// The blind set of the session `coach7`: `en_general50.tsv`, written and labelled before any
/// of its changes and never tuned on or read for its misses (first and final runs in its
/// header; the final run with the learned backstop). A floor under its final figures.
#[test]
fn the_coach7_set_is_measured() {
    let sets: [(&str, &str, f64); 1] =
        [("en_general50.tsv (blind, never tuned on)", include_str!("corpus/en_general50.tsv"), 0.9)];
    hold_floors(&sets, 25);
}

/// The blind set of the session `coach9`: `en_general60.tsv`, written and labelled before any
/// of its changes and never tuned on or read for its misses (first and final runs in its
/// header). A floor under its figures (kind accuracy 0.877).
#[test]
fn the_coach9_set_is_measured() {
    let sets: [(&str, &str, f64); 1] =
        [("en_general60.tsv (blind, never tuned on)", include_str!("corpus/en_general60.tsv"), 0.85)];
    hold_floors(&sets, 25);
}

/// The sets of the session `coach12`: `en_general70.tsv`, written and labelled before any of its
/// changes and never tuned on or read for its misses (first and final runs in its header; kind
/// accuracy 0.906), and `en_general71.tsv`, its tuning set (recall 0.892). Floors under both.
#[test]
fn the_coach12_sets_are_measured() {
    let sets: [(&str, &str, f64); 2] = [
        ("en_general70.tsv (blind, never tuned on)", include_str!("corpus/en_general70.tsv"), 0.9),
        ("en_general71.tsv (tuned on)", include_str!("corpus/en_general71.tsv"), 0.85),
    ];
    hold_floors(&sets, 45);
}

/// The session `coach13`'s review set: `en_general72.tsv`, absolute promises in new words beside
/// innocent look-alikes, written at the end of round 11 and tuned on (first run recall 0.800 with
/// one false flag; after the round every text right). A floor under it.
#[test]
fn the_coach13_set_is_measured() {
    let sets: [(&str, &str, f64); 1] = [("en_general72.tsv (tuned on)", include_str!("corpus/en_general72.tsv"), 0.9)];
    hold_floors(&sets, 15);
}

/// The session `coach15`'s blind set: `en_general73.tsv`, written and labelled before any of
/// round 13's changes and never tuned on or read for its misses (first run flagging 0.908 /
/// 0.967, kind accuracy 0.983; final 0.952 / 0.967, 1.000). A floor under it.
#[test]
fn the_coach15_blind_set_is_measured() {
    let sets: [(&str, &str, f64); 1] =
        [("en_general73.tsv (blind, never tuned on)", include_str!("corpus/en_general73.tsv"), 0.9)];
    hold_floors(&sets, 90);
}

/// The session `coach15`'s tuning sets (round 13): `en_general74.tsv` (a quoted wish, negation
/// scope, who erred, ordinary "policy" and "no"; first run flagging 0.833 / 0.909),
/// `en_general75.tsv` (the same layers in other words) and `en_general76.tsv` (reported speech in
/// several registers; 0.833 / 0.833 after the round). Floors under all three.
#[test]
fn the_coach15_tuning_sets_are_measured() {
    let sets: [(&str, &str, f64); 3] = [
        ("en_general74.tsv (tuned on)", include_str!("corpus/en_general74.tsv"), 0.9),
        ("en_general75.tsv (tuned on)", include_str!("corpus/en_general75.tsv"), 0.9),
        ("en_general76.tsv (tuned on)", include_str!("corpus/en_general76.tsv"), 0.8),
    ];
    hold_floors(&sets, 15);
}

/// The session `coach18`'s blind set: `en_general77.tsv`, written and labelled before any of
/// round 16's changes and never tuned on or read for its misses (first and final runs in its
/// header). A floor under it, at or below its final figures.
#[test]
fn the_coach18_blind_set_is_measured() {
    let sets: [(&str, &str, f64); 1] =
        [("en_general77.tsv (blind, never tuned on)", include_str!("corpus/en_general77.tsv"), 0.9)];
    hold_floors(&sets, 90);
}

/// The session `coach18`'s tuning sets (round 16): `en_general78.tsv` (hidden agents, owned
/// apologies, a guarantee held; first run flagging 0.828 / 0.960), `en_general79.tsv` (the
/// customer made responsible in new shapes; 0.850 / 0.895) and `en_general80.tsv` (a fresh check
/// written after the changes; 0.947 / 1.000, kind accuracy 0.944) and `en_general81.tsv` (the
/// customer behind "nobody"; 1.000 / 0.900, 0.667). Floors under all four.
#[test]
fn the_coach18_tuning_sets_are_measured() {
    let sets: [(&str, &str, f64); 4] = [
        ("en_general78.tsv (tuned on)", include_str!("corpus/en_general78.tsv"), 0.9),
        ("en_general79.tsv (tuned on)", include_str!("corpus/en_general79.tsv"), 0.9),
        ("en_general80.tsv (tuned on)", include_str!("corpus/en_general80.tsv"), 0.9),
        ("en_general81.tsv (tuned on)", include_str!("corpus/en_general81.tsv"), 0.9),
    ];
    hold_floors(&sets, 15);
}

/// Each set's flagging precision, recall and kind accuracy at or above its floor, and each
/// set at least `min_texts` long; every shortfall is listed at once.
fn hold_floors(sets: &[(&str, &str, f64)], min_texts: usize) {
    let mut low = Vec::new();
    for &(name, tsv, floor) in sets {
        let cases = load(name, tsv);
        assert!(cases.len() >= min_texts, "{name}: {}", cases.len());
        let (_, flag) = evaluate(name, &cases, true);
        for (what, got) in [
            ("flagging precision", flag.texts.precision()),
            ("flagging recall", flag.texts.recall()),
            ("kind accuracy", flag.kind_accuracy()),
        ] {
            if got < floor {
                low.push(format!("{name}: {what} {got:.3} < {floor}"));
            }
        }
    }
    assert!(low.is_empty(), "below the floor: {low:#?}");
}
