//! Whether a new case is serious, decided at intake for every channel: the signs in its
//! words (read by the coach, whose rules are data, and passed in here so the domain
//! stays without the coach), and the customer's history and value. A serious case is
//! flagged with the words and the reason that raised it, its severity is raised unless
//! staff set it, it goes to a manager, and a manager is alerted.

use serde::{Deserialize, Serialize};

use crate::Severity;
use crate::playbook::{EscalationContext, Feeling, escalation_reasons};

/// What makes a case serious.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SeriousKind {
    Safety,
    Health,
    Allergy,
    /// A child affected: raises another sign, never a plain complaint on its own.
    Child,
    LegalThreat,
    /// The customer complained before (their history, not their words).
    RepeatComplaint,
    /// The customer's lifetime value is at or above the desk's threshold.
    HighValueCustomer,
    /// Staff heard them angry or upset at the Hear step (never a manager's case alone).
    StrongFeeling,
}

impl SeriousKind {
    pub fn title(self) -> &'static str {
        match self {
            SeriousKind::Safety => "safety",
            SeriousKind::Health => "health",
            SeriousKind::Allergy => "an allergy",
            SeriousKind::Child => "a child",
            SeriousKind::LegalThreat => "a legal threat",
            SeriousKind::RepeatComplaint => "a repeat complaint",
            SeriousKind::HighValueCustomer => "a high-value customer",
            SeriousKind::StrongFeeling => "how they felt",
        }
    }
}

/// One reason a case is serious: the words that raised it (the complaint's own, or what
/// the customer's history shows) and why that matters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeverityReason {
    pub kind: SeriousKind,
    pub words: String,
    pub why: String,
    /// Char offsets of `words` in the complaint (end exclusive); absent for a reason from
    /// the customer's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
}

/// What triage reads in the feeling staff heard: an angry or upset customer is a reason to
/// answer first (the case page and the API show it with the intake's reasons); other
/// feelings are none. Like a strong feeling in the words at intake, it never sends a case
/// to a manager by itself.
pub fn feeling_reason(feeling: Feeling, words: &str, mattered_most: &str) -> Option<SeverityReason> {
    let why = match feeling {
        Feeling::Angry => "They were angry when we heard them: answer the anger first, and soon.",
        Feeling::Upset => "They were upset when we heard them: answer the hurt first, and soon.",
        Feeling::Anxious | Feeling::Disappointed | Feeling::Calm => return None,
    };
    let words = words.trim();
    let words = if words.is_empty() { format!("they felt {feeling}") } else { words.to_owned() };
    let why = match mattered_most.trim() {
        "" => why.to_owned(),
        most => format!("{why} What mattered most: {most}."),
    };
    Some(SeverityReason { kind: SeriousKind::StrongFeeling, words, why, start: None, end: None })
}

/// A sign the coach found in the complaint's words, as the rules file describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordSign {
    /// None for a sign that never makes a case serious at intake (strong feeling; a
    /// repeat said in words, which the customer's history decides instead).
    pub kind: Option<SeriousKind>,
    pub words: String,
    pub why: String,
    pub start: usize,
    pub end: usize,
    /// What this sign alone suggests.
    pub severity: Severity,
    /// Raises the strongest other sign one level (a child).
    pub amplifies: bool,
}

/// What intake knows of a new case.
#[derive(Debug, Clone)]
pub struct IntakeSigns<'a> {
    /// The severity staff chose, if they chose one.
    pub staff_severity: Option<Severity>,
    pub words: &'a [WordSign],
    /// How many cases the customer opened in the last 90 days before this one.
    pub earlier_cases: i64,
    /// The customer's lifetime value in its largest currency, in minor units.
    pub lifetime_value: Option<(i64, &'a str)>,
    /// From this lifetime value on a customer is high-value (0: never).
    pub valuable_customer_minor: i64,
}

/// What intake decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub severity: Severity,
    /// Empty when the case is not serious.
    pub reasons: Vec<SeverityReason>,
    /// Why it goes to a manager (the `opened` event's words); empty when it need not.
    pub escalate_because: Vec<String>,
}

impl Assessment {
    /// A manager is alerted when the case is serious.
    pub fn alert_manager(&self) -> bool {
        !self.reasons.is_empty()
    }
}

fn raised(severity: Severity) -> Severity {
    match severity {
        Severity::Low => Severity::Normal,
        Severity::Normal => Severity::High,
        Severity::High | Severity::Critical => Severity::Critical,
    }
}

fn money(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let minor = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", minor / 100, minor % 100)
}

/// Decides the severity of a new case and why it is serious. See the module's comment.
pub fn assess(signs: IntakeSigns<'_>) -> Assessment {
    let counted: Vec<&WordSign> = signs.words.iter().filter(|w| w.kind.is_some()).collect();
    // The words: the strongest sign, raised one level by an amplifier beside it.
    let mut from_words = counted.iter().filter(|w| !w.amplifies).map(|w| w.severity).max().unwrap_or(Severity::Normal);
    let serious_words = from_words >= Severity::High;
    if serious_words && counted.iter().any(|w| w.amplifies) {
        from_words = raised(from_words);
    }
    let mut reasons: Vec<SeverityReason> = if serious_words {
        counted
            .iter()
            .filter_map(|w| {
                Some(SeverityReason {
                    kind: w.kind?,
                    words: w.words.clone(),
                    why: w.why.clone(),
                    start: Some(w.start),
                    end: Some(w.end),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut suggested = from_words.max(Severity::Normal);
    if signs.earlier_cases > 0 {
        let n = signs.earlier_cases;
        reasons.push(SeverityReason {
            kind: SeriousKind::RepeatComplaint,
            words: format!("{n} earlier complaint{} in the last 90 days", if n == 1 { "" } else { "s" }),
            why: "A customer who complains again has lost patience once already: a manager takes it.".into(),
            start: None,
            end: None,
        });
        suggested = suggested.max(Severity::High);
    }
    let valuable = match signs.lifetime_value {
        Some((value, currency)) if signs.valuable_customer_minor > 0 && value >= signs.valuable_customer_minor => {
            reasons.push(SeverityReason {
                kind: SeriousKind::HighValueCustomer,
                words: format!("lifetime value {}", money(value, currency)),
                why: "One of the business's most valuable customers: losing them costs the most.".into(),
                start: None,
                end: None,
            });
            suggested = suggested.max(Severity::High);
            value
        }
        _ => signs.lifetime_value.map(|(v, _)| v).unwrap_or(0),
    };
    let severity = signs.staff_severity.unwrap_or(suggested);
    let mut escalate_because = escalation_reasons(EscalationContext {
        severity,
        recent_cases: signs.earlier_cases,
        lifetime_value_minor: valuable,
        valuable_customer_minor: signs.valuable_customer_minor,
    });
    // Serious words go to a manager even when staff set a lower severity.
    for r in reasons.iter().filter(|r| r.start.is_some()) {
        if r.kind != SeriousKind::Child {
            escalate_because.push(format!("{}: “{}”", r.kind.title(), r.words));
        }
    }
    Assessment { severity, reasons, escalate_because }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(kind: Option<SeriousKind>, words: &str, severity: Severity, amplifies: bool) -> WordSign {
        WordSign { kind, words: words.into(), why: "why".into(), start: 0, end: words.len(), severity, amplifies }
    }

    fn signs(words: &[WordSign]) -> IntakeSigns<'_> {
        IntakeSigns {
            staff_severity: None,
            words,
            earlier_cases: 0,
            lifetime_value: None,
            valuable_customer_minor: 50_000,
        }
    }

    #[test]
    fn an_allergic_childs_dessert_is_critical_and_says_why() {
        let words = [
            sign(Some(SeriousKind::Allergy), "nut", Severity::High, false),
            sign(Some(SeriousKind::Child), "daughter's", Severity::Normal, true),
        ];
        let a = assess(signs(&words));
        assert_eq!(a.severity, Severity::Critical);
        let kinds: Vec<SeriousKind> = a.reasons.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, [SeriousKind::Allergy, SeriousKind::Child]);
        assert!(a.alert_manager());
        assert!(a.escalate_because.contains(&"an allergy: “nut”".to_owned()), "{:?}", a.escalate_because);
    }

    #[test]
    fn a_childs_late_cake_or_a_furious_customer_is_not_flagged() {
        let words = [
            sign(Some(SeriousKind::Child), "son's", Severity::Normal, true),
            sign(None, "furious", Severity::Normal, false),
            sign(None, "again", Severity::High, false),
        ];
        let a = assess(signs(&words));
        assert_eq!(a.severity, Severity::Normal);
        assert!(a.reasons.is_empty() && a.escalate_because.is_empty() && !a.alert_manager());
    }

    #[test]
    fn staff_keep_the_severity_they_set_but_the_case_still_goes_to_a_manager() {
        let words = [sign(Some(SeriousKind::LegalThreat), "solicitor", Severity::High, false)];
        let mut s = signs(&words);
        s.staff_severity = Some(Severity::Low);
        let a = assess(s);
        assert_eq!(a.severity, Severity::Low);
        assert_eq!(a.reasons.len(), 1);
        assert_eq!(a.escalate_because, ["a legal threat: “solicitor”"]);
    }

    #[test]
    fn an_angry_or_upset_customer_is_a_reason_and_a_calm_one_is_none() {
        let angry = feeling_reason(Feeling::Angry, " I am livid ", "the party").unwrap();
        assert_eq!((angry.kind, angry.words.as_str()), (SeriousKind::StrongFeeling, "I am livid"));
        assert!(angry.why.contains("anger") && angry.why.ends_with("What mattered most: the party."), "{}", angry.why);
        assert_eq!(feeling_reason(Feeling::Upset, "", "").unwrap().words, "they felt upset");
        for calm in [Feeling::Anxious, Feeling::Disappointed, Feeling::Calm] {
            assert!(feeling_reason(calm, "fine", "x").is_none());
        }
    }

    #[test]
    fn history_and_value_raise_without_words() {
        let mut s = signs(&[]);
        s.earlier_cases = 1;
        s.lifetime_value = Some((62_050, "EUR"));
        let a = assess(s);
        assert_eq!(a.severity, Severity::High);
        let words: Vec<&str> = a.reasons.iter().map(|r| r.words.as_str()).collect();
        assert_eq!(words, ["1 earlier complaint in the last 90 days", "lifetime value 620.50 EUR"]);
        assert!(a.reasons.iter().all(|r| r.start.is_none()));
        assert_eq!(a.escalate_because.len(), 3, "{:?}", a.escalate_because);
    }
}
