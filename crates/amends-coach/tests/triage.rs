//! Triage from the complaint's words, on labelled complaints: the suggested severity and
//! the kinds of reason, each pointing at the complaint's own words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use amends_coach::{CaseSeverity, Coach, ReasonKind};

#[path = "score/triage.rs"]
mod triage_set;

#[test]
fn triage_agrees_with_the_labelled_complaints() {
    let a = agreement(&Coach::english(), include_str!("triage/en.toml"));
    assert!(a.misses.is_empty(), "{} of {} disagree:\n{}", a.misses.len(), a.cases, a.misses.join("\n"));
}

/// German: `triage/de.toml` was tuned on (all must agree); `triage/de_blind.toml` was
/// written and labelled before the first run and never tuned on (printed, with a floor of three in four; 10 of 12 agreed when the floor was set).
#[test]
fn german_triage_agrees_with_the_labelled_complaints() {
    let coach = Coach::german();
    let a = agreement(&coach, include_str!("triage/de.toml"));
    assert!(a.misses.is_empty(), "{} of {} disagree:\n{}", a.misses.len(), a.cases, a.misses.join("\n"));
    let blind = agreement(&coach, include_str!("triage/de_blind.toml"));
    print("German triage, blind set", &blind);
    let agree = blind.cases - blind.misses.len();
    assert!(4 * agree >= 3 * blind.cases, "German blind triage: {agree} of {} agree", blind.cases);
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

/// A child raises a danger to a body one level, not a repeat or a legal threat: a son's
/// order late again is high, a son burnt by the kettle critical.
#[test]
fn a_child_raises_a_danger_not_a_repeat() {
    let coach = Coach::english();
    let late = coach.triage("My son's school order is late again, the third time this term.");
    assert_eq!(late.severity, CaseSeverity::High);
    let burnt = coach.triage("My son burnt his hand on the kettle you sold us.");
    assert_eq!(burnt.severity, CaseSeverity::Critical);
}

/// Danger told by what it did or would have done, a repeat told by counting, a threat told by
/// the act (a card dispute; a review site is none), an allergen a label claimed was absent.
#[test]
fn consequences_counts_and_acts_are_heard_not_only_names() {
    let coach = Coach::english();
    let kinds = |text: &str| coach.triage(text).reasons.iter().map(|r| r.kind).collect::<Vec<_>>();
    assert_eq!(
        kinds("The bathroom cabinet dropped off its bracket and would have landed on my husband."),
        [ReasonKind::Safety]
    );
    assert_eq!(kinds("I have opened a dispute with my card provider."), [ReasonKind::LegalThreat]);
    assert!(kinds("I'll be writing a review on Trustpilot about this.").is_empty());
    assert_eq!(kinds("That makes it four callouts now and the lift is still broken."), [ReasonKind::Repeat]);
    let label = coach.triage("The wrapper said no peanuts and my lips swelled up within minutes.");
    assert!(label.reasons.iter().any(|r| r.kind == ReasonKind::Allergy), "{:?}", label.reasons);
    assert!(kinds("My order number 4471 is still processing.").is_empty());
}

/// Negation reaches a cue through its clause's subject and auxiliaries ("nobody was actually
/// injured"), and a figure of speech, a mention or an adult child is not a sign.
#[test]
fn negation_figures_and_mentions_are_read_before_the_cues() {
    let coach = Coach::english();
    let kinds = |text: &str| -> Vec<ReasonKind> { coach.triage(text).reasons.iter().map(|r| r.kind).collect() };
    assert_eq!(
        kinds("Luckily nobody was actually injured when the display cabinet toppled over."),
        [ReasonKind::Safety]
    );
    assert_eq!(kinds("This refund saga is giving me a headache."), []);
    assert_eq!(kinds("My daughter, who is 41, ordered it for me."), []);
    assert_eq!(kinds("My grown up son collected it for me and it was the wrong colour."), []);
    assert_eq!(kinds("We will definitely stay again, but the towels were grey."), []);
    assert_eq!(kinds("It broke again on Sunday."), [ReasonKind::Repeat]);
}

/// What did not happen, who someone is and what has no body are read around a cue before it
/// counts: a condition ("if this happens again"), a history denied, a count one occasion holds,
/// a trade ("I'm a paramedic"), a cue naming a kind of thing ("the allergen information"), a
/// website that "crashes", a subject negated through its own noun ("not a single guest got
/// ill"), and a cue inside a longer one set aside ("nobody got food poisoning").
#[test]
fn what_did_not_happen_and_who_it_is_are_read_before_the_cues() {
    let coach = Coach::english();
    let kinds = |text: &str| -> Vec<ReasonKind> { coach.triage(text).reasons.iter().map(|r| r.kind).collect() };
    assert_eq!(kinds("In case it goes wrong again, please keep my old number on file."), []);
    assert_eq!(kinds("If it breaks again I want my money back."), []);
    assert_eq!(kinds("It broke again on Sunday, if you can believe it."), [ReasonKind::Repeat]);
    assert_eq!(kinds("Nothing like this has ever happened before with you."), []);
    assert_eq!(kinds("It has happened before, in the spring."), [ReasonKind::Repeat]);
    assert_eq!(kinds("The card reader failed three times this afternoon."), []);
    assert_eq!(kinds("The card reader has failed three times since June."), [ReasonKind::Repeat]);
    assert_eq!(kinds("I'm a nurse, so I know what a long wait is, and this was one."), []);
    assert_eq!(kinds("Please add allergen information to the online menu."), []);
    assert_eq!(kinds("Your app crashed at the payment step."), []);
    assert_eq!(kinds("The shelf crashed down onto the worktop."), [ReasonKind::Safety]);
    assert_eq!(kinds("Not a single diner got ill, but the soup was cold."), []);
    assert_eq!(kinds("Nobody got food poisoning, the rice was just dry."), []);
    assert_eq!(kinds("The chef assured us it had no nuts, and my husband is allergic to them."), [ReasonKind::Allergy]);
}

/// A threat disavowed in its clause is none ("I have no wish to involve a lawyer"); one hedged
/// ("…, but I will if I must"), conditional ("if you don't …") or "won't hesitate" stands.
#[test]
fn a_disavowed_threat_is_none_and_a_hedged_one_stands() {
    let coach = Coach::english();
    let legal = |text: &str| coach.triage(text).reasons.iter().any(|r| r.kind == ReasonKind::LegalThreat);
    assert!(!legal("I have no wish to involve a lawyer, I just want the wardrobe collected."));
    assert!(!legal("I'm not going to sue anyone over a lampshade."));
    assert!(legal("I don't want to involve a lawyer, but I will if I must."));
    assert!(legal("I have no wish to involve a lawyer, but I’ll do it."));
    assert!(!legal("I have no wish to involve a lawyer, but I just want my money back."));
    assert!(legal("I won't hesitate to contact my solicitor."));
    assert!(legal("If you don't refund me by Friday, my lawyer will be in touch."));
    assert!(legal("My lawyer will be in touch."));
}

/// What takes a disavowal back is the rules file's words, a run of words among them: a
/// German file's "aber … es sei denn" works as the English "but … if" does.
#[test]
fn what_takes_a_disavowal_back_is_the_rules_files_words() {
    let rules = r#"
language = "de"
negators = ["keinen"]
default = "normal"
shouting = 3

[taken_back]
turns = ["aber"]
intent = ["werde", "es sei denn"]

[[reason]]
kind = "legal_threat"
severity = "high"
negatable = false
disavowable = true
cues = ["anwalt"]
"#;
    let coach = Coach::german().with_triage_toml(rules).unwrap();
    let legal = |text: &str| coach.triage(text).reasons.iter().any(|r| r.kind == ReasonKind::LegalThreat);
    assert!(legal("Mein Anwalt meldet sich."));
    assert!(!legal("Ich will keinen Anwalt einschalten."));
    assert!(!legal("Ich will keinen Anwalt einschalten, aber das Geld zurück."));
    assert!(legal("Ich will keinen Anwalt einschalten, aber ich werde es tun."));
    assert!(legal("Ich will keinen Anwalt einschalten, aber es sei denn, Sie zahlen nicht."));
    // The English words mean nothing to this file.
    assert!(!legal("Ich will keinen Anwalt einschalten, but I will."));
}

/// Agreement on one labelled file: the severity, and per kind of reason how often a
/// reason the coach gave was labelled (precision) and a labelled one was given (recall).
struct Agreement {
    cases: usize,
    severity_right: usize,
    per_kind: std::collections::BTreeMap<ReasonKind, (usize, usize, usize)>,
    misses: Vec<String>,
}

fn agreement(coach: &Coach, file: &str) -> Agreement {
    let cases = triage_set::load("triage set", file);
    let mut a = Agreement { cases: cases.len(), severity_right: 0, per_kind: Default::default(), misses: Vec::new() };
    for case in &cases {
        let t = coach.triage(&case.complaint);
        let got: BTreeSet<ReasonKind> = t.reasons.iter().map(|r| r.kind).collect();
        let want: BTreeSet<ReasonKind> = case.reasons.iter().copied().collect();
        if t.severity == case.severity {
            a.severity_right += 1;
        }
        for kind in got.union(&want) {
            let (tp, fp, fn_) = a.per_kind.entry(*kind).or_default();
            match (got.contains(kind), want.contains(kind)) {
                (true, true) => *tp += 1,
                (true, false) => *fp += 1,
                _ => *fn_ += 1,
            }
        }
        for r in &t.reasons {
            let words: String = case.complaint.chars().skip(r.start).take(r.end - r.start).collect();
            assert_eq!(words, r.words, "the reason points at the complaint's own words: {}", case.complaint);
        }
        if t.severity != case.severity || got != want {
            a.misses.push(format!(
                "  {:?}\n    got {:?} {got:?}, labelled {:?} {want:?}",
                case.complaint, t.severity, case.severity
            ));
        }
    }
    a
}

fn print(name: &str, a: &Agreement) -> f64 {
    let severity = a.severity_right as f64 / a.cases as f64;
    println!("{name}: {} complaints, severity agrees on {:.3}", a.cases, severity);
    for (kind, (tp, fp, fn_)) in &a.per_kind {
        let precision = *tp as f64 / (tp + fp).max(1) as f64;
        let recall = *tp as f64 / (tp + fn_).max(1) as f64;
        println!("  {kind:?}: precision {precision:.3} recall {recall:.3} ({tp} right, {fp} extra, {fn_} missed)");
    }
    for m in &a.misses {
        println!("{m}");
    }
    severity
}

/// Complaints written without looking at the rules: the tuning set (tuned on after its
/// first run) and the blind set (never tuned on: what triage does with wording it has
/// not seen). The floors keep them from sliding back; the figures are printed
/// (`cargo test -p amends-coach --test triage -- --nocapture`).
#[test]
fn triage_on_unseen_wording() {
    let coach = Coach::english();
    // Each tuning set with its floor; coach19's are the kinds heard that are not there (8), a
    // fresh check of its layers (9), repeats denied or held in one occasion (10).
    let tuning = [
        ("tuning set", include_str!("triage/en_tuning.toml"), 0.95),
        ("second tuning set", include_str!("triage/en_tuning2.toml"), 0.9),
        ("third tuning set", include_str!("triage/en_tuning3.toml"), 0.9),
        ("fourth tuning set", include_str!("triage/en_tuning4.toml"), 0.95),
        ("fifth tuning set", include_str!("triage/en_tuning5.toml"), 0.95),
        ("sixth tuning set", include_str!("triage/en_tuning6.toml"), 0.95),
        ("seventh tuning set", include_str!("triage/en_tuning7.toml"), 0.9),
        ("eighth tuning set", include_str!("triage/en_tuning8.toml"), 0.85),
        ("ninth tuning set", include_str!("triage/en_tuning9.toml"), 0.85),
        ("tenth tuning set", include_str!("triage/en_tuning10.toml"), 0.8),
    ];
    for (name, file, floor) in tuning {
        let severity = print(&format!("triage, {name}"), &agreement(&coach, file));
        assert!(severity >= floor, "severity agreement on the {name} fell to {severity:.3}");
    }
    let blind = print("triage, blind set", &agreement(&coach, include_str!("triage/en_blind.toml")));
    assert!(blind >= 0.6, "severity agreement on the blind set fell to {blind:.3}");
}

/// The blind sets of the session `coach` (first runs in their headers): `en_blind2` and
/// `de_blind2` were written before any of its tuning, `en_blind3` after the first round and
/// `en_blind4` after the second (both tuned on since), `en_blind5` after the last, never
/// tuned on; `en_blind7` by the session `coach13` before its changes (0.635 at its first run,
/// 0.750 at the end), never tuned on and its misses never read. Floors a little under the
/// figures when they were set catch a regression. The blind sets' misses are printed here
/// only for the older sets; `en_blind7` prints its totals.
#[test]
fn triage_on_the_coach_sessions_blind_sets() {
    let sets = [
        ("triage, second blind set (before tuning)", Coach::english(), include_str!("triage/en_blind2.toml"), 0.9),
        ("triage, third blind set (after round one)", Coach::english(), include_str!("triage/en_blind3.toml"), 0.9),
        ("triage, fourth blind set (after round two)", Coach::english(), include_str!("triage/en_blind4.toml"), 0.9),
        ("triage, fifth blind set (after round three)", Coach::english(), include_str!("triage/en_blind5.toml"), 0.9),
        ("triage, sixth blind set (after all tuning)", Coach::english(), include_str!("triage/en_blind6.toml"), 0.0),
        (
            "German triage, second blind set (before tuning)",
            Coach::german(),
            include_str!("triage/de_blind2.toml"),
            0.8,
        ),
    ];
    for (name, coach, file, floor) in sets {
        let severity = print(name, &agreement(&coach, file));
        assert!(severity >= floor, "{name}: severity agreement {severity:.3} < {floor}");
    }
    // Totals only, misses never printed: `en_blind7` by the session `coach13`, `en_blind8` by
    // `coach16` before its changes (0.760 at its first run, 0.860 at the end; reasons 0.857 /
    // 0.706 then 0.875 / 0.824). Floors: severity, and reason precision and recall in percent.
    let totals_only = [
        ("triage, seventh blind set (coach13, totals only)", include_str!("triage/en_blind7.toml"), 0.72, 80, 74),
        ("triage, eighth blind set (coach16, totals only)", include_str!("triage/en_blind8.toml"), 0.84, 85, 80),
        // `en_blind9` by `coach19` before its changes (0.808 at its first run, 0.846 at the end;
        // reasons 0.691 / 0.844 then 0.745 / 0.844).
        ("triage, ninth blind set (coach19, totals only)", include_str!("triage/en_blind9.toml"), 0.84, 74, 84),
    ];
    for (name, file, floor, precision, recall) in totals_only {
        let mut blind = agreement(&Coach::english(), file);
        blind.misses.clear();
        let severity = print(name, &blind);
        assert!(severity >= floor, "{name}: severity agreement {severity:.3} < {floor}");
        let (tp, fp, fn_) = blind.per_kind.values().fold((0, 0, 0), |a, k| (a.0 + k.0, a.1 + k.1, a.2 + k.2));
        assert!(tp * 100 >= precision * (tp + fp), "{name}: reason precision {tp}/{}", tp + fp);
        assert!(tp * 100 >= recall * (tp + fn_), "{name}: reason recall {tp}/{}", tp + fn_);
    }
}

/// The built-in files compile: a coach falls back to hearing nothing when one does not, so
/// a mistake in a cue would otherwise show only as collapsed figures.
#[test]
fn every_built_in_hearing_file_compiles() {
    for (name, result) in [
        ("triage.en", Coach::english().with_triage_toml(amends_coach::ENGLISH_TRIAGE).map(drop)),
        ("concerns.en", Coach::english().with_concerns_toml(amends_coach::ENGLISH_CONCERNS).map(drop)),
        ("feelings.en", Coach::english().with_feelings_toml(amends_coach::ENGLISH_FEELINGS).map(drop)),
        ("triage.de", Coach::german().with_triage_toml(amends_coach::GERMAN_TRIAGE).map(drop)),
        ("concerns.de", Coach::german().with_concerns_toml(amends_coach::GERMAN_CONCERNS).map(drop)),
        ("feelings.de", Coach::german().with_feelings_toml(amends_coach::GERMAN_FEELINGS).map(drop)),
    ] {
        assert!(result.is_ok(), "{name}: {result:?}");
    }
}
