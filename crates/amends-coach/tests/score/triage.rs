//! A labelled triage set (`tests/triage/*.toml`): each complaint with the severity and the
//! kinds of reason a reader gave it. Shared by `tests/triage.rs`, which asserts, and
//! `examples/triage_score.rs`, which prints while tuning, so both read a set the same way.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use amends_coach::{CaseSeverity, ReasonKind};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub complaint: String,
    pub severity: CaseSeverity,
    pub reasons: Vec<ReasonKind>,
}

/// The complaints of a set; `name` says which file a syntax error is in.
pub fn load(name: &str, toml_text: &str) -> Vec<Case> {
    let file: File = toml::from_str(toml_text).unwrap_or_else(|e| panic!("{name}: {e}"));
    file.case
}
