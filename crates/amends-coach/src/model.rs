//! The coach's vocabulary as the web layer sees it: purposes, findings, reviews. Plain data
//! with stable snake_case names (they are the JSON API's `step` and `kind` values).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What an outgoing text is for: the playbook step it serves. Whole-text checks (missing
/// apology, no next step, too many options) depend on it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Restatement,
    Apology,
    Offer,
    Gesture,
    Fix,
    FollowUp,
    Letter,
    Disclosure,
    Other,
}

impl Purpose {
    pub const ALL: [Purpose; 9] = [
        Purpose::Restatement,
        Purpose::Apology,
        Purpose::Offer,
        Purpose::Gesture,
        Purpose::Fix,
        Purpose::FollowUp,
        Purpose::Letter,
        Purpose::Disclosure,
        Purpose::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Restatement => "restatement",
            Purpose::Apology => "apology",
            Purpose::Offer => "offer",
            Purpose::Gesture => "gesture",
            Purpose::Fix => "fix",
            Purpose::FollowUp => "follow_up",
            Purpose::Letter => "letter",
            Purpose::Disclosure => "disclosure",
            Purpose::Other => "other",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// What kind of company-focused phrasing a finding is about.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    Blame,
    Policy,
    Refusal,
    Defensive,
    Overpromise,
    VagueTime,
    MissingApology,
    NoNextStep,
    TooManyOptions,
}

impl FindingKind {
    pub const ALL: [FindingKind; 9] = [
        FindingKind::Blame,
        FindingKind::Policy,
        FindingKind::Refusal,
        FindingKind::Defensive,
        FindingKind::Overpromise,
        FindingKind::VagueTime,
        FindingKind::MissingApology,
        FindingKind::NoNextStep,
        FindingKind::TooManyOptions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::Blame => "blame",
            FindingKind::Policy => "policy",
            FindingKind::Refusal => "refusal",
            FindingKind::Defensive => "defensive",
            FindingKind::Overpromise => "overpromise",
            FindingKind::VagueTime => "vague_time",
            FindingKind::MissingApology => "missing_apology",
            FindingKind::NoNextStep => "no_next_step",
            FindingKind::TooManyOptions => "too_many_options",
        }
    }
}

/// How much a finding matters; a `High` one should stop a send until it is rewritten.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = FindingSeverity))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

impl Severity {
    pub(crate) fn lower(self) -> Severity {
        match self {
            Severity::High => Severity::Medium,
            Severity::Medium | Severity::Low => Severity::Low,
        }
    }
}

/// One thing to improve, located in the text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    /// Offsets in Unicode scalar values (chars) into the reviewed text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub why: String,
    pub suggestion: String,
}

/// The coach's verdict on one text.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    /// 0..=100; 100 means nothing to improve.
    pub score: u8,
    /// In text order.
    pub findings: Vec<Finding>,
}

impl Review {
    pub fn has_high(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::High)
    }

    pub fn has(&self, kind: FindingKind) -> bool {
        self.findings.iter().any(|f| f.kind == kind)
    }
}

/// A name that is not one of the snake_case names of a [`Purpose`] or [`FindingKind`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{name}` (expected one of: {expected})")]
pub struct UnknownName {
    pub what: &'static str,
    pub name: String,
    pub expected: String,
}

fn parse_name<T: Copy>(
    s: &str,
    all: &[T],
    name: impl Fn(T) -> &'static str,
    what: &'static str,
) -> Result<T, UnknownName> {
    let wanted = s.trim();
    all.iter().copied().find(|v| name(*v) == wanted).ok_or_else(|| UnknownName {
        what,
        name: s.to_owned(),
        expected: all.iter().map(|v| name(*v)).collect::<Vec<_>>().join(", "),
    })
}

impl FromStr for Purpose {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_name(s, &Purpose::ALL, Purpose::as_str, "purpose")
    }
}

impl FromStr for FindingKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_name(s, &FindingKind::ALL, FindingKind::as_str, "finding kind")
    }
}

impl fmt::Display for Purpose {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for p in Purpose::ALL {
            assert_eq!(p.as_str().parse::<Purpose>().unwrap(), p);
            assert_eq!(serde_json::to_string(&p).unwrap(), format!("\"{}\"", p.as_str()));
        }
        for k in FindingKind::ALL {
            assert_eq!(k.as_str().parse::<FindingKind>().unwrap(), k);
            assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{}\"", k.as_str()));
        }
        let err = "followup".parse::<Purpose>().unwrap_err();
        assert!(err.to_string().contains("follow_up"), "{err}");
    }
}
