//! The rules file: weights and phrases as data (see `rules/en.toml`).

use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the spam rules do not parse: {0}")]
    Syntax(String),
    #[error("the spam rules are not usable: {0}")]
    Invalid(String),
}

/// The whole rules file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub threshold: u32,
    #[serde(default)]
    pub headers: HeaderWeights,
    #[serde(default)]
    pub links: LinkWeights,
    #[serde(default, rename = "pattern")]
    pub patterns: Vec<Pattern>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeaderWeights {
    pub missing_message_id: u32,
    pub malformed_message_id: u32,
    pub precedence_bulk: u32,
    pub spf_fail: u32,
    pub dkim_fail: u32,
    pub dmarc_fail: u32,
    pub many_recipients_from: usize,
    pub many_recipients: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkWeights {
    pub free: usize,
    pub each: u32,
    pub max_count_points: u32,
    pub shortener: u32,
    pub ip_host: u32,
    pub mismatched_anchor: u32,
    pub userinfo_host: u32,
    pub shorteners: Vec<String>,
}

impl Default for LinkWeights {
    fn default() -> Self {
        LinkWeights {
            free: usize::MAX,
            each: 0,
            max_count_points: 0,
            shortener: 0,
            ip_host: 0,
            mismatched_anchor: 0,
            userinfo_host: 0,
            shorteners: Vec::new(),
        }
    }
}

/// Known-bad phrases of one kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pattern {
    pub code: String,
    pub points: u32,
    pub why: String,
    pub phrases: Vec<String>,
}

impl Rules {
    pub fn parse(text: &str) -> Result<Rules, RulesError> {
        let mut rules: Rules = toml::from_str(text).map_err(|e| RulesError::Syntax(e.to_string()))?;
        if rules.threshold == 0 {
            return Err(RulesError::Invalid("threshold must be above 0, or every message is spam".into()));
        }
        for p in &mut rules.patterns {
            p.phrases = p.phrases.iter().map(|ph| super::normalise(ph)).filter(|ph| !ph.is_empty()).collect();
            if p.phrases.is_empty() {
                return Err(RulesError::Invalid(format!("pattern {} has no phrases", p.code)));
            }
        }
        rules.links.shorteners = rules.links.shorteners.iter().map(|s| s.trim().to_lowercase()).collect();
        Ok(rules)
    }

    /// Rules that hold nothing back.
    pub(crate) fn none() -> Rules {
        Rules {
            threshold: u32::MAX,
            headers: HeaderWeights::default(),
            links: LinkWeights::default(),
            patterns: Vec::new(),
        }
    }
}
