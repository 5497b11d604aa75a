//! Triage from the complaint's words, on labelled complaints: the suggested severity and
//! the kinds of reason, each pointing at the complaint's own words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use amends_coach::{CaseSeverity, Coach, ReasonKind};
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    complaint: String,
    severity: CaseSeverity,
    reasons: Vec<ReasonKind>,
}

/// Every complaint that disagrees with its label (severity or kinds), and the count.
fn disagreements(coach: &Coach, labelled: &str) -> (Vec<String>, usize) {
    let file: File = toml::from_str(labelled).unwrap();
    let mut wrong = Vec::new();
    for case in &file.case {
        let t = coach.triage(&case.complaint);
        let kinds: BTreeSet<ReasonKind> = t.reasons.iter().map(|r| r.kind).collect();
        let want: BTreeSet<ReasonKind> = case.reasons.iter().copied().collect();
        if t.severity != case.severity || kinds != want {
            wrong.push(format!(
                "{:?}: got {:?} {kinds:?}, want {:?} {want:?}",
                case.complaint, t.severity, case.severity
            ));
        }
        for r in &t.reasons {
            let words: String = case.complaint.chars().skip(r.start).take(r.end - r.start).collect();
            assert_eq!(words, r.words, "{}", case.complaint);
        }
    }
    (wrong, file.case.len())
}

#[test]
fn triage_agrees_with_the_labelled_complaints() {
    let (wrong, n) = disagreements(&Coach::english(), include_str!("triage/en.toml"));
    assert!(wrong.is_empty(), "{} of {n} disagree:\n{}", wrong.len(), wrong.join("\n"));
}

/// German: `triage/de.toml` was tuned on (all must agree); `triage/de_blind.toml` was
/// written and labelled before the first run and never tuned on (printed, with a floor of three in four; 10 of 12 agreed when the floor was set).
#[test]
fn german_triage_agrees_with_the_labelled_complaints() {
    let coach = Coach::german();
    let (wrong, n) = disagreements(&coach, include_str!("triage/de.toml"));
    assert!(wrong.is_empty(), "{} of {n} disagree:\n{}", wrong.len(), wrong.join("\n"));
    let (wrong, n) = disagreements(&coach, include_str!("triage/de_blind.toml"));
    println!("German blind triage: {} of {n} agree\n{}", n - wrong.len(), wrong.join("\n"));
    assert!(4 * (n - wrong.len()) >= 3 * n, "German blind triage: {} of {n} agree", n - wrong.len());
}

#[test]
fn a_nut_in_an_allergic_childs_dessert_is_critical_in_german_too() {
    let coach = Coach::german();
    let cake = coach.triage("Der Kuchen kam eine Stunde zu spät.");
    assert_eq!(cake.severity, CaseSeverity::Normal);
    assert!(cake.reasons.is_empty());
    let complaint = "Im Nachtisch meiner Tochter war eine Haselnuss, sie hat eine Nussallergie.";
    let nut = coach.triage(complaint);
    assert_eq!(nut.severity, CaseSeverity::Critical);
    let words: Vec<(ReasonKind, &str)> = nut.reasons.iter().map(|r| (r.kind, r.words.as_str())).collect();
    assert_eq!(words, [(ReasonKind::Child, "Tochter"), (ReasonKind::Allergy, "Haselnuss")]);
}

#[test]
fn a_delayed_cake_is_normal_and_a_nut_in_an_allergic_childs_dessert_is_not() {
    let coach = Coach::english();
    let cake = coach.triage("The cake was delayed by an hour.");
    assert_eq!(cake.severity, CaseSeverity::Normal);
    assert!(cake.reasons.is_empty());
    let complaint = "There was a nut in my allergic daughter's dessert.";
    let nut = coach.triage(complaint);
    assert_eq!(nut.severity, CaseSeverity::Critical);
    let words: Vec<(ReasonKind, &str)> = nut.reasons.iter().map(|r| (r.kind, r.words.as_str())).collect();
    assert_eq!(words, [(ReasonKind::Allergy, "nut"), (ReasonKind::Child, "daughter's")]);
}
