//! The language coach at the door: every text staff send a customer is reviewed before
//! the step is taken. Which findings hold a text back is the domain's rule
//! (`amends_domain::step`); this only translates the coach's review into the findings
//! it weighs.

use amends_coach::{Coach, MissedConcern, Purpose, Review, Severity, Triage, UnheardFeeling};
use amends_domain::Language;
use amends_domain::playbook::EventKind;
use amends_domain::step::{self, CoachFinding, CoachReading, FindingSeverity};

/// The coach in each language the desk speaks. Each text is read by the coach of the
/// language it is written in, else by the English one:
/// a German apology read by English rules would be held for wording it does not have.
/// An installation's own rules file (`coach_rules`) stands in for the English coach;
/// without one the built-in coaches are the process's shared ones ([`Coach::shared`]).
pub struct Coaches {
    own_english: Option<Coach>,
}

impl Coaches {
    pub fn new(own_english: Option<Coach>) -> Self {
        Self { own_english }
    }

    pub fn of(&self, language: Language) -> &Coach {
        match (language, &self.own_english) {
            (Language::English, Some(own)) => own,
            (language, _) => Coach::shared(language.tag()),
        }
    }

    /// The coach for these words: the more likely of our languages, else English.
    pub fn for_words(&self, text: &str) -> &Coach {
        self.of(Language::likely(text))
    }

    pub fn review(&self, text: &str, purpose: Purpose) -> Review {
        self.for_words(text).review(text, purpose)
    }

    /// The concerns of `complaint` its restatement leaves out, read in the complaint's
    /// language (the restatement says its concerns back in the same language).
    pub fn missed_concerns(&self, complaint: &str, restatement: &str) -> Vec<MissedConcern> {
        self.for_words(complaint).missed_concerns(complaint, restatement)
    }

    pub fn triage(&self, complaint: &str) -> Triage {
        self.for_words(complaint).triage(complaint)
    }

    pub fn unheard_feeling(&self, feeling: &str, text: &str) -> Option<UnheardFeeling> {
        self.for_words(text).unheard_feeling(feeling, text)
    }
}

/// What the coach read in a step's outgoing words: the review staff see, and the
/// findings the domain weighs (it decides whether the step is held, sent, or sent with
/// the reason recorded).
pub struct Reading {
    pub review: Option<Review>,
    pub coach: CoachReading,
}

/// Reads the words `kind` would send a customer; a step that sends none is quiet. A
/// restatement is also compared with the `complaint` it says back, when given.
pub fn read(coach: &Coaches, kind: &EventKind, complaint: Option<&str>) -> Reading {
    let Some((purpose, text)) = kind.outgoing_text() else {
        return Reading { review: None, coach: CoachReading::default() };
    };
    let purpose = match purpose {
        step::Purpose::Restatement => Purpose::Restatement,
        step::Purpose::Apology => Purpose::Apology,
        step::Purpose::Offer => Purpose::Offer,
        step::Purpose::Fix => Purpose::Fix,
        step::Purpose::Message => Purpose::Other,
    };
    let review = coach.review(&text, purpose);
    let missed_concerns = match complaint {
        Some(complaint) if purpose == Purpose::Restatement => {
            coach.missed_concerns(complaint, &text).into_iter().map(|m| m.concern.words).collect()
        }
        _ => Vec::new(),
    };
    let coach = CoachReading { missed_concerns, ..reading_of(&review) };
    Reading { review: Some(review), coach }
}

/// The coach's review as the findings the domain weighs: texts that are not a case's step
/// (a disclosure, a template) are held by the same rule as the steps.
pub fn reading_of(review: &Review) -> CoachReading {
    let findings = review
        .findings
        .iter()
        .map(|f| CoachFinding {
            kind: f.kind.as_str().to_owned(),
            severity: match f.severity {
                Severity::Low => FindingSeverity::Low,
                Severity::Medium => FindingSeverity::Medium,
                Severity::High => FindingSeverity::High,
            },
        })
        .collect();
    CoachReading { findings, missed_concerns: Vec::new() }
}

/// The coach's purpose for a step name from a client (`apology`, `offer`, …).
pub fn purpose_of(step: Option<&str>) -> Purpose {
    match step.unwrap_or("") {
        "restate" | "restatement" => Purpose::Restatement,
        "apologise" | "apology" => Purpose::Apology,
        "offer" => Purpose::Offer,
        "gesture" => Purpose::Gesture,
        "fix" => Purpose::Fix,
        "follow_up" => Purpose::FollowUp,
        "letter" => Purpose::Letter,
        "disclosure" => Purpose::Disclosure,
        other => other.parse().unwrap_or(Purpose::Other),
    }
}

/// Whether taking `kind` needs the case's complaint read first (to compare with it).
pub fn needs_complaint(kind: &EventKind) -> bool {
    matches!(kind, EventKind::RestatementWritten { .. })
}
