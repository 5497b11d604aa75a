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

#[test]
fn triage_agrees_with_the_labelled_complaints() {
    let coach = Coach::english();
    let file: File = toml::from_str(include_str!("triage/en.toml")).unwrap();
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
    assert!(wrong.is_empty(), "{} of {} disagree:\n{}", wrong.len(), file.case.len(), wrong.join("\n"));
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
