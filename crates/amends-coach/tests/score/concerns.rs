//! Scoring the restatement check on labelled pairs; shared by `tests/concerns.rs` (which
//! asserts on the tuning split) and `benches/coach.rs` (which prints both splits).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fmt;

use amends_coach::Coach;
use serde::Deserialize;

pub const TUNING: &str = include_str!("../concerns/en.toml");
pub const BLIND: &str = include_str!("../concerns/en_blind.toml");
pub const BLIND2: &str = include_str!("../concerns/en_blind2.toml");
pub const TUNING2: &str = include_str!("../concerns/en_tuning2.toml");
pub const TUNING3: &str = include_str!("../concerns/en_tuning3.toml");
pub const TUNING4: &str = include_str!("../concerns/en_tuning4.toml");
pub const BLIND3: &str = include_str!("../concerns/en_blind3.toml");
pub const TUNING5: &str = include_str!("../concerns/en_tuning5.toml");
pub const BLIND4: &str = include_str!("../concerns/en_blind4.toml");
pub const BLIND5: &str = include_str!("../concerns/en_blind5.toml");
pub const BLIND6: &str = include_str!("../concerns/en_blind6.toml");
pub const BLIND7: &str = include_str!("../concerns/en_blind7.toml");
pub const BLIND8: &str = include_str!("../concerns/en_blind8.toml");
pub const BLIND9: &str = include_str!("../concerns/en_blind9.toml");
pub const BLIND10: &str = include_str!("../concerns/en_blind10.toml");
pub const BLIND11: &str = include_str!("../concerns/en_blind11.toml");
pub const BLIND12: &str = include_str!("../concerns/en_blind12.toml");
pub const BLIND13: &str = include_str!("../concerns/en_blind13.toml");
pub const BLIND14: &str = include_str!("../concerns/en_blind14.toml");
pub const BLIND15: &str = include_str!("../concerns/en_blind15.toml");
pub const BLIND16: &str = include_str!("../concerns/en_blind16.toml");
pub const BLIND17: &str = include_str!("../concerns/en_blind17.toml");
pub const TUNING6: &str = include_str!("../concerns/en_tuning6.toml");
pub const TUNING7: &str = include_str!("../concerns/en_tuning7.toml");
pub const TUNING8: &str = include_str!("../concerns/en_tuning8.toml");
pub const TUNING9: &str = include_str!("../concerns/en_tuning9.toml");
pub const TUNING10: &str = include_str!("../concerns/en_tuning10.toml");
pub const TUNING11: &str = include_str!("../concerns/en_tuning11.toml");
pub const TUNING12: &str = include_str!("../concerns/en_tuning12.toml");
pub const TUNING13: &str = include_str!("../concerns/en_tuning13.toml");
pub const TUNING14: &str = include_str!("../concerns/en_tuning14.toml");
pub const TUNING15: &str = include_str!("../concerns/en_tuning15.toml");
pub const TUNING16: &str = include_str!("../concerns/en_tuning16.toml");
pub const TUNING17: &str = include_str!("../concerns/en_tuning17.toml");
pub const TUNING18: &str = include_str!("../concerns/en_tuning18.toml");
pub const GERMAN_BLIND3: &str = include_str!("../concerns/de_blind3.toml");

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    #[allow(dead_code)]
    shop: String,
    complaint: String,
    concerns: Vec<String>,
    restatement: Vec<Restatement>,
}

#[derive(Deserialize)]
struct Restatement {
    text: String,
    missed: Vec<String>,
}

#[derive(Default)]
pub struct Score {
    pub pairs: usize,
    /// Missed concerns found / labelled.
    pub found: usize,
    pub labelled: usize,
    /// Findings that are not labelled as missed.
    pub extra: usize,
    /// Complete restatements, and those with any finding.
    pub complete: usize,
    pub complete_flagged: usize,
    /// Concerns of the complaints heard / labelled, and heard without a label.
    pub heard: usize,
    pub present: usize,
    pub heard_extra: usize,
    /// The kinds of failure: a labelled miss never heard in the complaint, or heard and taken
    /// as said back; a finding of a concern the complaint does not have (heard, not there), or
    /// of one it has that the restatement says back in words not recognised.
    pub miss_unheard: usize,
    pub miss_taken_as_said: usize,
    pub false_not_there: usize,
    pub false_not_recognised: usize,
    /// Complete restatements flagged with a concern not there / with one not recognised.
    pub complete_not_there: usize,
    pub complete_not_recognised: usize,
}

impl Score {
    /// The failures by kind (for tuning splits: a blind split is measured by its totals).
    pub fn kinds(&self) -> String {
        format!(
            "misses: {} never heard, {} heard but taken as said back; wrong findings: {} heard but not there, {} said back but not recognised; complete restatements flagged with one not there {}, with one not recognised {}",
            self.miss_unheard,
            self.miss_taken_as_said,
            self.false_not_there,
            self.false_not_recognised,
            self.complete_not_there,
            self.complete_not_recognised
        )
    }
    pub fn recall(&self) -> f64 {
        ratio(self.found, self.labelled)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.found, self.found + self.extra)
    }
    pub fn false_alarm_rate(&self) -> f64 {
        ratio(self.complete_flagged, self.complete)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} pairs: missed concerns found {}/{} (recall {:.3}), findings precision {:.3}, complete restatements flagged {}/{} (false alarms {:.3}); complaint concerns heard {}/{} with {} unlabelled",
            self.pairs,
            self.found,
            self.labelled,
            self.recall(),
            self.precision(),
            self.complete_flagged,
            self.complete,
            self.false_alarm_rate(),
            self.heard,
            self.present,
            self.heard_extra,
        )
    }
}

/// A labelled complaint of a pairs file: its concerns, and each restatement with the
/// concerns it misses (for the trainer of the learned reading, `examples/train.rs`).
pub struct Labelled {
    pub complaint: String,
    pub concerns: Vec<String>,
    pub restatements: Vec<(String, Vec<String>)>,
}

pub fn labelled(file: &str) -> Vec<Labelled> {
    let file: File = toml::from_str(file).expect("pairs file parses");
    file.case
        .into_iter()
        .map(|c| Labelled {
            complaint: c.complaint,
            concerns: c.concerns,
            restatements: c.restatement.into_iter().map(|r| (r.text, r.missed)).collect(),
        })
        .collect()
}

/// Scores `coach` on a pairs file; with `verbose`, prints every disagreement.
pub fn score(coach: &Coach, file: &str, verbose: bool) -> Score {
    let file: File = toml::from_str(file).expect("pairs file parses");
    let mut s = Score::default();
    for case in &file.case {
        let all = coach.concerns(&case.complaint);
        let heard: BTreeSet<String> = all.iter().map(|c| c.id.clone()).collect();
        let present: BTreeSet<String> = case.concerns.iter().cloned().collect();
        s.present += present.len();
        s.heard += heard.intersection(&present).count();
        s.heard_extra += heard.difference(&present).count();
        if verbose && heard != present {
            println!(
                "  complaint: missing {:?} extra {:?} in {:?}",
                present.difference(&heard).collect::<Vec<_>>(),
                all.iter()
                    .filter(|c| !present.contains(&c.id))
                    .map(|c| format!("{} ({})", c.id, c.words))
                    .collect::<Vec<_>>(),
                case.complaint
            );
        }
        for r in &case.restatement {
            s.pairs += 1;
            let found: BTreeSet<String> =
                coach.missed_concerns(&case.complaint, &r.text).into_iter().map(|m| m.concern.id).collect();
            let labelled: BTreeSet<String> = r.missed.iter().cloned().collect();
            s.labelled += labelled.len();
            s.found += found.intersection(&labelled).count();
            s.extra += found.difference(&labelled).count();
            for c in labelled.difference(&found) {
                if heard.contains(c) {
                    s.miss_taken_as_said += 1;
                } else {
                    s.miss_unheard += 1;
                }
            }
            for c in found.difference(&labelled) {
                if present.contains(c) {
                    s.false_not_recognised += 1;
                } else {
                    s.false_not_there += 1;
                }
            }
            if labelled.is_empty() {
                s.complete += 1;
                if !found.is_empty() {
                    s.complete_flagged += 1;
                }
                if found.iter().any(|c| !present.contains(c)) {
                    s.complete_not_there += 1;
                }
                if found.iter().any(|c| present.contains(c)) {
                    s.complete_not_recognised += 1;
                }
            }
            if verbose && found != labelled {
                println!(
                    "  restatement: not found {:?} false {:?} in {:?}",
                    labelled.difference(&found).collect::<Vec<_>>(),
                    found.difference(&labelled).collect::<Vec<_>>(),
                    r.text
                );
            }
        }
    }
    s
}
