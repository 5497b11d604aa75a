//! Problems: root causes shared by many cases, and the rules that keep them honest.
//!
//! A problem moves open → fixing → fixed → verified. A fix that did not hold sends it
//! back to fixing. A case that arrives for a problem marked fixed or verified is a
//! recurrence, and its owner must hear of it.
//!
//! Suggestions of likely problems for a case are ranked by a word-overlap score anyone
//! can check: TF-IDF weighted cosine between the customer's words and the words of each
//! problem's cases, with the shared words that weigh most named beside the score.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::case::named_enum;

named_enum!(
    /// Where a problem stands: open → fixing → fixed → verified.
    ProblemStatus, unknown "problem status",
    Open => "open", Fixing => "fixing", Fixed => "fixed", Verified => "verified",
);

named_enum!(
    /// What a staff member's suggestion on a problem proposes.
    SuggestionKind, unknown "suggestion kind",
    Cause => "cause", Fix => "fix",
);

named_enum!(
    /// Why a fixed (or verified) problem raised an alarm for its owner: a case was
    /// `Linked` to it, a new case `LookAlike`s one of its cases, or a new case's words
    /// `Matched` the problem at intake.
    AlarmReason, unknown "alarm reason",
    Linked => "linked", LookAlike => "look_alike", Matched => "matched",
);

impl ProblemStatus {
    /// A case for a problem in this state means the fix did not hold.
    pub fn counts_as_recurrence(self) -> bool {
        matches!(self, ProblemStatus::Fixed | ProblemStatus::Verified)
    }
}

/// What a problem needs before it may move on.
#[derive(Debug, Clone, Default)]
pub struct ProblemFacts {
    pub corrective_action: String,
    pub preventive_action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TransitionRefused {
    /// A stable code, e.g. `fixed_needs_actions`.
    pub rule: &'static str,
    pub message: String,
}

fn refuse(rule: &'static str, message: impl Into<String>) -> Result<(), TransitionRefused> {
    Err(TransitionRefused { rule, message: message.into() })
}

/// Checks a status change. Steps go forward one at a time; a fix that did not hold
/// (fixed or verified) may go back to fixing.
pub fn check_transition(from: ProblemStatus, to: ProblemStatus, facts: &ProblemFacts) -> Result<(), TransitionRefused> {
    use ProblemStatus::*;
    match (from, to) {
        (Open, Fixing) => Ok(()),
        (Fixing, Fixed) => {
            if facts.corrective_action.trim().is_empty() || facts.preventive_action.trim().is_empty() {
                refuse(
                    "fixed_needs_actions",
                    "Write the corrective action (what was put right) and the preventive action (what changed in \
                     the process) before marking the problem fixed.",
                )
            } else {
                Ok(())
            }
        }
        (Fixed, Verified) => Ok(()),
        (Fixed | Verified, Fixing) => Ok(()),
        (a, b) if a == b => refuse("same_status", format!("The problem is already {}.", a.as_str())),
        (Open, Fixed | Verified) => refuse("fix_before_fixed", "Start fixing the problem before marking it fixed."),
        (Fixing, Verified) => refuse("verify_after_fixed", "Only a fixed problem can be verified."),
        (_, Open) => refuse("no_reopen_to_open", "A problem being worked on goes back to fixing, not to open."),
        (Verified, Fixed) => refuse("verified_is_fixed", "A verified problem is already fixed."),
        _ => refuse("not_allowed", format!("A problem cannot go from {} to {}.", from.as_str(), to.as_str())),
    }
}

/// Words too common to say anything about a complaint.
const STOP_WORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "just", "me", "my", "no", "not", "of", "on", "or", "our", "out", "she",
    "so", "than", "that", "the", "their", "them", "then", "there", "they", "this", "to", "too", "us", "very", "was",
    "we", "were", "what", "when", "which", "who", "why", "will", "with", "would", "you", "your",
];

/// Lower-cased words of two letters or more, stop words left out; a plural `s` is
/// dropped so "cakes" meets "cake".
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| {
            let w = w.to_lowercase();
            match w.strip_suffix('s') {
                Some(stem) if stem.chars().count() >= 3 && !stem.ends_with('s') => stem.to_owned(),
                _ => w,
            }
        })
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// One candidate: a problem and the words of its cases (and its own title).
#[derive(Debug, Clone)]
pub struct ProblemText {
    pub problem_id: i64,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similarity {
    pub problem_id: i64,
    /// Cosine of the TF-IDF vectors, 0 to 1.
    pub score: f64,
    /// The shared words that weigh most, heaviest first.
    pub shared_words: Vec<String>,
}

fn counts(words: &[String]) -> HashMap<&str, f64> {
    let mut m = HashMap::new();
    for w in words {
        *m.entry(w.as_str()).or_insert(0.0) += 1.0;
    }
    m
}

/// Ranks `problems` by similarity to `query`, best first; those sharing no word are left
/// out. The inverse document frequency is taken over the problems themselves, so a word
/// every problem's cases use ("order") weighs little and a rare one ("gluten") much.
pub fn rank_problems(query: &str, problems: &[ProblemText]) -> Vec<Similarity> {
    let query_words = words(query);
    if query_words.is_empty() || problems.is_empty() {
        return Vec::new();
    }
    let docs: Vec<Vec<String>> = problems.iter().map(|p| words(&p.text)).collect();
    let n = docs.len() as f64;
    let mut df: HashMap<&str, f64> = HashMap::new();
    for doc in &docs {
        let unique: HashSet<&str> = doc.iter().map(String::as_str).collect();
        for w in unique {
            *df.entry(w).or_insert(0.0) += 1.0;
        }
    }
    // Smoothed, so a word in every document still counts a little.
    let idf = |w: &str| ((1.0 + n) / (1.0 + df.get(w).copied().unwrap_or(0.0))).ln() + 1.0;
    let weigh = |c: HashMap<&str, f64>| -> HashMap<String, f64> {
        c.into_iter().map(|(w, tf)| (w.to_owned(), (1.0 + f64::ln(tf)) * idf(w))).collect()
    };
    let q = weigh(counts(&query_words));
    let q_norm = q.values().map(|v| v * v).sum::<f64>().sqrt();
    let mut ranked: Vec<Similarity> = problems
        .iter()
        .zip(&docs)
        .filter_map(|(p, doc)| {
            let d = weigh(counts(doc));
            let d_norm = d.values().map(|v| v * v).sum::<f64>().sqrt();
            let mut shared: Vec<(&String, f64)> =
                q.iter().filter_map(|(w, qv)| d.get(w).map(|dv| (w, qv * dv))).collect();
            if shared.is_empty() || d_norm == 0.0 || q_norm == 0.0 {
                return None;
            }
            let dot: f64 = shared.iter().map(|(_, v)| v).sum();
            shared.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            Some(Similarity {
                problem_id: p.problem_id,
                score: (dot / (q_norm * d_norm) * 1000.0).round() / 1000.0,
                shared_words: shared.into_iter().take(5).map(|(w, _)| w.clone()).collect(),
            })
        })
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.problem_id.cmp(&b.problem_id)));
    ranked
}

/// A problem as a case's steps and texts need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedProblem {
    pub title: String,
    pub status: ProblemStatus,
    pub corrective_action: String,
    pub preventive_action: String,
}

impl LinkedProblem {
    /// A corrective or preventive action is written: something is being done about it.
    pub fn has_action(&self) -> bool {
        self.action().is_some()
    }

    /// What is being done about it, as the customer may read it: the preventive action
    /// (what changes in the way of working), else the corrective one.
    pub fn action(&self) -> Option<&str> {
        [self.preventive_action.trim(), self.corrective_action.trim()].into_iter().find(|a| !a.is_empty())
    }

    /// Whether the change is made: only a fixed or verified problem has been changed;
    /// any other is still being changed.
    pub fn is_changed(&self) -> bool {
        self.status.counts_as_recurrence()
    }

    /// The honest words for it: "we have changed how we work" only once the problem is
    /// fixed or verified, "we are changing how we work" before.
    pub fn how_we_work(&self) -> &'static str {
        if self.is_changed() { "we have changed how we work" } else { "we are changing how we work" }
    }

    /// The follow-up's sentence about prevention, or None while nothing is written.
    pub fn prevention_sentence(&self) -> Option<String> {
        let action = self.action()?;
        let action = action.trim_end_matches('.');
        Some(format!("Because of what happened, {}: {action}.", self.how_we_work()))
    }
}

/// How alike a new case's words must be to a problem's (its title, description and
/// cases) for intake to link the case to it; below, the problem is only suggested.
pub const MATCH_SCORE: f64 = 0.3;

/// Shared words a confident match needs besides its score: one word in common is chance.
pub const MATCH_WORDS: usize = 2;

/// Whether a ranked problem is alike enough to link the case to it at intake.
pub fn is_confident(similarity: &Similarity) -> bool {
    similarity.score >= MATCH_SCORE && similarity.shared_words.len() >= MATCH_WORDS
}

/// How similar a new case's words must be to one earlier case of a fixed problem (of the
/// same category) to count as the problem coming back.
pub const RECURRENCE_THRESHOLD: f64 = 0.3;

/// The similarity of two texts alone (cosine of their word counts), 0 to 1.
pub fn text_similarity(a: &str, b: &str) -> f64 {
    let (wa, wb) = (words(a), words(b));
    let (ca, cb) = (counts(&wa), counts(&wb));
    let dot: f64 = ca.iter().filter_map(|(w, x)| cb.get(w).map(|y| x * y)).sum();
    let na = ca.values().map(|v| v * v).sum::<f64>().sqrt();
    let nb = cb.values().map(|v| v * v).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 { 0.0 } else { dot / (na * nb) }
}

/// Whether a new case (category and words) looks like an earlier case of a problem:
/// the same category (ignoring case) and words at least [`RECURRENCE_THRESHOLD`] alike.
pub fn looks_like(category: Option<&str>, text: &str, earlier_category: Option<&str>, earlier_text: &str) -> bool {
    let same_category = match (category, earlier_category) {
        (Some(a), Some(b)) => !a.trim().is_empty() && a.trim().eq_ignore_ascii_case(b.trim()),
        _ => false,
    };
    same_category && text_similarity(text, earlier_text) >= RECURRENCE_THRESHOLD
}

#[cfg(test)]
mod tests {
    use super::ProblemStatus::*;
    use super::*;

    #[test]
    fn status_moves_forward_one_step_and_back_to_fixing() {
        let none = ProblemFacts::default();
        let both = ProblemFacts { corrective_action: "Refunded".into(), preventive_action: "Check list".into() };
        assert!(check_transition(Open, Fixing, &none).is_ok());
        assert_eq!(check_transition(Fixing, Fixed, &none).unwrap_err().rule, "fixed_needs_actions");
        assert!(check_transition(Fixing, Fixed, &both).is_ok());
        assert!(check_transition(Fixed, Verified, &both).is_ok());
        assert!(check_transition(Verified, Fixing, &both).is_ok());
        assert_eq!(check_transition(Open, Fixed, &both).unwrap_err().rule, "fix_before_fixed");
        assert_eq!(check_transition(Fixing, Verified, &both).unwrap_err().rule, "verify_after_fixed");
        assert_eq!(check_transition(Fixing, Open, &both).unwrap_err().rule, "no_reopen_to_open");
        assert_eq!(check_transition(Open, Open, &both).unwrap_err().rule, "same_status");
        assert!(Fixed.counts_as_recurrence() && Verified.counts_as_recurrence() && !Fixing.counts_as_recurrence());
    }

    #[test]
    fn texts_say_changed_only_for_a_fixed_problem() {
        let mut p = LinkedProblem {
            title: "Burnt bread".into(),
            status: Open,
            corrective_action: String::new(),
            preventive_action: String::new(),
        };
        assert!(!p.has_action() && p.prevention_sentence().is_none(), "nothing written, nothing said");
        p.preventive_action = "The oven is checked every hour.".into();
        let open = p.prevention_sentence().unwrap();
        assert_eq!(open, "Because of what happened, we are changing how we work: The oven is checked every hour.");
        for status in [Fixing, Open] {
            p.status = status;
            assert!(!p.prevention_sentence().unwrap().contains("have changed"));
        }
        for status in [Fixed, Verified] {
            p.status = status;
            assert!(p.prevention_sentence().unwrap().contains("we have changed how we work"));
        }
    }

    #[test]
    fn a_complaint_about_the_same_burnt_bread_is_a_confident_match() {
        let problems = vec![
            ProblemText {
                problem_id: 1,
                text:
                    "Burnt bread\nLoaves come out of the new oven burnt\nMy sourdough loaf was burnt black underneath"
                        .into(),
            },
            ProblemText { problem_id: 2, text: "Late deliveries\nThe birthday cake came a day late".into() },
            ProblemText { problem_id: 3, text: "Rude at the till\nThe cashier was rude to my mother".into() },
        ];
        let ranked = rank_problems("The bread I bought on Saturday was burnt, black all over the bottom", &problems);
        assert_eq!(ranked[0].problem_id, 1);
        assert!(is_confident(&ranked[0]), "{:?}", ranked[0]);
        let vague = rank_problems("My order was not what I expected, the cake tasted of nothing", &problems);
        assert!(vague.iter().all(|s| !is_confident(s)), "{vague:?}");
    }

    #[test]
    fn words_drop_stop_words_and_plurals() {
        assert_eq!(words("The cakes were SQUASHED, and the box!"), vec!["cake", "squashed", "box"]);
    }

    #[test]
    fn ranking_prefers_the_problem_whose_cases_share_rare_words() {
        let problems = vec![
            ProblemText { problem_id: 1, text: "Delivery came late on Sunday. Late delivery again".into() },
            ProblemText { problem_id: 2, text: "The cake was squashed in the box. Box crushed, cake squashed".into() },
            ProblemText { problem_id: 3, text: "Wrong invoice amount charged twice".into() },
        ];
        let ranked = rank_problems("My cake arrived squashed", &problems);
        assert_eq!(ranked[0].problem_id, 2);
        assert!(ranked[0].shared_words.contains(&"squashed".to_owned()));
        assert!(ranked.iter().all(|r| r.problem_id != 3), "no shared word, no suggestion");
        assert!(rank_problems("", &problems).is_empty());
    }

    #[test]
    fn a_look_alike_needs_the_same_category_and_similar_words() {
        let earlier = "The delivery came a day late and the cake was squashed";
        assert!(looks_like(Some("Delivery"), "Cake came late and squashed", Some("delivery"), earlier));
        assert!(!looks_like(Some("billing"), "Cake came late and squashed", Some("delivery"), earlier));
        assert!(!looks_like(Some("delivery"), "Invoice amount wrong", Some("delivery"), earlier));
        assert!(!looks_like(None, "Cake came late and squashed", Some("delivery"), earlier));
    }
}
