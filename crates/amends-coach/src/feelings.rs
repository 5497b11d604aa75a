//! Whether a text acknowledges the feeling staff heard (issue 22, "words and music"): an
//! apology or a restatement to an anxious customer that never names the worry, in any
//! words of its kind, gets a reminder. The words of each feeling are data
//! (`rules/feelings.en.toml`), matched by stem like the restatement check, so "the worry",
//! "worrying" and "peace of mind" all acknowledge anxiety. Another language's file gives its
//! own `[stemming]` table, as the hearing files do (`rules/feelings.de.toml`).

use serde::{Deserialize, Serialize};

use crate::hearing::{PhraseSet, Stemmer, StemmingFile, compile_list, line_at, negated, syntax_error, words};
use crate::rules::RulesError;

/// A feeling the text does not acknowledge.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct UnheardFeeling {
    /// The desk's word for it (`anxious`).
    pub feeling: String,
    /// How a person reads it (`anxious`).
    pub name: String,
    /// What to say (`say you understand the worry`).
    pub suggestion: String,
    /// Why it matters.
    pub why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeelingsFile {
    language: String,
    negators: Vec<String>,
    #[serde(default)]
    stemming: Option<StemmingFile>,
    #[serde(rename = "feeling")]
    feelings: Vec<FeelingFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeelingFile {
    id: toml::Spanned<String>,
    name: String,
    suggestion: String,
    why: String,
    covers: Vec<String>,
    #[serde(default)]
    dismissals: Vec<String>,
}

#[derive(Debug, Clone)]
struct FeelingRule {
    id: String,
    name: String,
    suggestion: String,
    why: String,
}

/// The feelings of one language, compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Feelings {
    rules: Vec<FeelingRule>,
    negators: Vec<String>,
    covers: PhraseSet,
    dismissals: PhraseSet,
    /// The file's `[stemming]`; English stems when it has none.
    stemmer: Stemmer,
}

impl Feelings {
    /// How many rules it holds.
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }

    pub(crate) fn compile(text: &str) -> Result<Feelings, RulesError> {
        let file: FeelingsFile = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        if file.language.trim().is_empty() {
            return Err(RulesError::Rule { rule: "language".into(), line: 1, message: "`language` is empty".into() });
        }
        let stemmer = Stemmer::from_file(file.stemming);
        let negators = file.negators.iter().map(|n| stemmer.fold(&n.to_lowercase())).collect();
        let mut out = Feelings { negators, stemmer, ..Feelings::default() };
        for (i, f) in file.feelings.iter().enumerate() {
            let what = format!("feeling \"{}\"", f.id.get_ref());
            let line = line_at(text, f.id.span().start);
            if out.rules.iter().any(|r| r.id == *f.id.get_ref()) {
                return Err(RulesError::Rule { rule: what, line, message: "duplicate feeling id".into() });
            }
            if f.covers.is_empty() {
                return Err(RulesError::Rule { rule: what, line, message: "`covers` is empty".into() });
            }
            compile_list(&out.stemmer, &f.covers, i, &mut out.covers, &what, line)?;
            compile_list(&out.stemmer, &f.dismissals, i, &mut out.dismissals, &what, line)?;
            out.rules.push(FeelingRule {
                id: f.id.get_ref().clone(),
                name: f.name.clone(),
                suggestion: f.suggestion.clone(),
                why: f.why.clone(),
            });
        }
        Ok(out)
    }

    /// None when `text` acknowledges `feeling` (or the feeling needs nothing said, like
    /// calm, or is unknown to the rules).
    pub(crate) fn unheard(&self, feeling: &str, text: &str) -> Option<UnheardFeeling> {
        let (owner, rule) = self.rules.iter().enumerate().find(|(_, r)| r.id == feeling)?;
        let ws = words(text, &self.stemmer);
        // Words inside "no need to worry" brush the feeling aside; they do not name it.
        let brushed: Vec<(usize, usize)> = self.dismissals.find(&ws).into_iter().map(|(_, s, e)| (s, e)).collect();
        let heard = self.covers.find(&ws).into_iter().any(|(o, start, end)| {
            o == owner && !negated(&ws, start, &self.negators) && !brushed.iter().any(|(s, e)| start < *e && *s < end)
        });
        (!heard).then(|| UnheardFeeling {
            feeling: rule.id.clone(),
            name: rule.name.clone(),
            suggestion: rule.suggestion.clone(),
            why: rule.why.clone(),
        })
    }
}
