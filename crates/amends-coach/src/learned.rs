//! The learned backstop (issue 19 §3, session `coach7`): a small softmax classifier over the
//! words and word pairs of one sentence, trained offline on the labelled corpus
//! (`examples/train.rs`) and shipped as data (`rules/learned.en.tsv`). A review asks it only
//! about sentences the phrase rules left quiet, and it speaks only above a high threshold
//! chosen on held-out folds of the training corpus, so its findings are few, low severity,
//! and each names the words that raised it.
//!
//! File format (tab-separated, `#` starts a comment line):
//! - `version<TAB>n`
//! - `purposes<TAB>apology other …`: the purposes it reads (all when absent). A restatement
//!   or a disclosure tells the problem itself, so the shipped model leaves them to the rules.
//! - `kind<TAB>name<TAB>bias<TAB>threshold<TAB>why<TAB>suggestion`, one per class; the class
//!   `none` (no finding) has no threshold, why or suggestion;
//! - `w<TAB>feature<TAB>weights`, one weight per class in the order of the `kind` lines,
//!   in hundredths, separated by spaces. A feature is a word (`you`), a pair of neighbouring words
//!   (`you should`) or a sentence start (`<s> you`); numbers, times and dates are `#num`,
//!   `#time` and `#date`.
//! - `whose_fault<TAB>p` (optional): the arbiter of who is the subject of a fault. A phrase
//!   rule's `defensive` finding (a hidden agent, a third party, the system) whose sentence the
//!   model reads as `blame` at `p` or more, and likelier than `defensive`, is the customer
//!   made responsible: its kind becomes `blame` (see [`Learned::whose_fault`]). Only rules
//!   marked `whose_fault = true` in the rules file (they read who erred) are asked about.

use crate::model::{Finding, FindingKind, Purpose, Severity};
use crate::rules::RulesError;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::text::{COMMA, DATE, NUM, QUOTED, TIME, Tokens};

/// At most this many words of a sentence are read (keeps a runaway sentence linear and cheap).
const MAX_WORDS: usize = 120;

/// At most this many classes (`none` and the kinds) in a model.
const MAX_CLASSES: usize = 10;

/// A feature is named in the explanation only if it pushed the kind at least this far (in
/// log-odds against `none`): "a" and "of" carry too little to be the reason.
const MIN_NAMED: f32 = 0.25;

/// How many of the strongest features a finding names.
const NAMED: usize = 3;

#[derive(Debug, Clone)]
struct Class {
    /// None for the `none` class.
    kind: Option<FindingKind>,
    bias: f32,
    threshold: f32,
    why: String,
    suggestion: String,
}

/// A compiled backstop model.
#[derive(Debug, Clone, Default)]
pub(crate) struct Learned {
    classes: Vec<Class>,
    /// Feature hash → row in `weights`.
    index: KeyMap,
    /// Row-major: `classes.len()` weights per feature.
    weights: Vec<f32>,
    /// The feature's own text, for the explanation.
    names: Vec<String>,
    /// Bits of the purposes it reads ([`Purpose::bit`]); None for all.
    purposes: Option<u16>,
    /// Who is the subject of a fault (`whose_fault` line): a rules' `defensive` finding is
    /// read as `blame` where the model hears blame at least this likely, and likelier than
    /// defensive, in its sentence. None: off.
    whose_fault: Option<f32>,
}

const FNV_START: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv_more(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// A feature's key: FNV-1a over its words joined by spaces.
fn fnv(parts: &[&str]) -> u64 {
    let mut h = FNV_START;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h = fnv_more(h, b" ");
        }
        h = fnv_more(h, p.as_bytes());
    }
    h
}

/// The keys are hashes already: the map uses them as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv_more(self.0 ^ FNV_START, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type KeyMap = HashMap<u64, u32, BuildHasherDefault<KeyHasher>>;

/// The word a token stands for in a feature.
fn word(t: &Tokens, i: usize) -> Option<&str> {
    let tok = t.toks.get(i)?;
    if tok.flags & (COMMA | QUOTED) != 0 {
        return None;
    }
    Some(if tok.flags & TIME != 0 {
        "#time"
    } else if tok.flags & DATE != 0 {
        "#date"
    } else if tok.flags & NUM != 0 {
        "#num"
    } else {
        t.text(i)
    })
}

/// Calls `f` with the parts of every feature of tokens `from..to` (one sentence): each word,
/// each pair of neighbouring words (a comma or a quoted word breaks a pair) and the first
/// word after `<s>`.
fn each_feature(t: &Tokens, from: usize, to: usize, mut f: impl FnMut(&[&str])) {
    let mut prev: Option<&str> = Some("<s>");
    for i in from..to.min(from.saturating_add(MAX_WORDS)) {
        match word(t, i) {
            Some(w) => {
                f(&[w]);
                if let Some(p) = prev {
                    f(&[p, w]);
                }
                prev = Some(w);
            }
            None => prev = None,
        }
    }
}

/// The key of every feature of tokens `from..to`, as [`each_feature`] lists them (a pair's
/// key continues its first word's: the same as `fnv(&[p, w])`, without hashing `p` twice).
fn each_key(t: &Tokens, from: usize, to: usize, mut f: impl FnMut(u64)) {
    let mut prev: Option<u64> = Some(fnv(&["<s>"]));
    for i in from..to.min(from.saturating_add(MAX_WORDS)) {
        match word(t, i) {
            Some(w) => {
                let own = fnv_more(FNV_START, w.as_bytes());
                f(own);
                if let Some(p) = prev {
                    f(fnv_more(fnv_more(p, b" "), w.as_bytes()));
                }
                prev = Some(own);
            }
            None => prev = None,
        }
    }
}

/// Every feature of every sentence of `t`, as text (for the trainer).
pub(crate) fn features(t: &Tokens) -> Vec<String> {
    let mut out = Vec::new();
    for s in 0..t.sentence_start.len() {
        let (from, to) = t.sentence(u32::try_from(s).unwrap_or(u32::MAX));
        each_feature(t, from, to, |parts| out.push(parts.join(" ")));
    }
    out
}

/// The lines of a model file that say something (not blank, not a `#` comment), each with its
/// line number and its tab-separated columns.
fn model_lines(text: &str) -> impl Iterator<Item = (usize, &str, Vec<&str>)> {
    text.lines()
        .enumerate()
        .filter(|(_, raw)| !raw.trim().is_empty() && !raw.starts_with('#'))
        .map(|(i, raw)| (i + 1, raw, raw.split('\t').collect()))
}

fn error(line: usize, message: String) -> RulesError {
    RulesError::Rule { rule: "learned model".to_string(), line, message }
}

impl Learned {
    /// Whether it has anything to say about a text written for `purpose`.
    pub(crate) fn reads(&self, purpose: Purpose) -> bool {
        !self.names.is_empty() && self.purposes.is_none_or(|bits| bits & purpose.bit() != 0)
    }

    pub(crate) fn compile(text: &str) -> Result<Learned, RulesError> {
        let mut m = Learned::default();
        for (line, raw, cols) in model_lines(text) {
            match cols.as_slice() {
                ["version", _] => {}
                ["whose_fault", p] => m.whose_fault = Some(number(p, line)?),
                ["purposes", list] => {
                    let mut bits = 0;
                    for name in list.split(' ') {
                        let p: Purpose = name.parse().map_err(|e| error(line, format!("{e}")))?;
                        bits |= p.bit();
                    }
                    m.purposes = Some(bits);
                }
                ["kind", ..] if m.classes.len() == MAX_CLASSES => {
                    return Err(error(line, format!("more than {MAX_CLASSES} classes")));
                }
                ["kind", "none", bias] => m.classes.push(Class {
                    kind: None,
                    bias: number(bias, line)?,
                    threshold: f32::INFINITY,
                    why: String::new(),
                    suggestion: String::new(),
                }),
                ["kind", name, bias, threshold, why, suggestion] => {
                    let kind: FindingKind = name.parse().map_err(|e| error(line, format!("{e}")))?;
                    m.classes.push(Class {
                        kind: Some(kind),
                        bias: number(bias, line)?,
                        threshold: number(threshold, line)?,
                        why: (*why).to_string(),
                        suggestion: (*suggestion).to_string(),
                    });
                }
                ["w", ..] if m.classes.first().is_none_or(|c| c.kind.is_some()) => {
                    return Err(error(line, "the first `kind` line must be `none`, before any weights".to_string()));
                }
                ["w", feature, weights] => {
                    let ws: Vec<f32> =
                        weights.split(' ').map(|w| number(w, line).map(|w| w / 100.0)).collect::<Result<_, _>>()?;
                    if ws.len() != m.classes.len() {
                        return Err(error(line, format!("{} weights for {} classes", ws.len(), m.classes.len())));
                    }
                    let parts: Vec<&str> = feature.split(' ').collect();
                    let row = u32::try_from(m.names.len()).map_err(|e| error(line, e.to_string()))?;
                    if m.index.insert(fnv(&parts), row).is_some() {
                        return Err(error(line, format!("feature `{feature}` twice")));
                    }
                    m.names.push((*feature).to_string());
                    m.weights.extend(ws);
                }
                _ => return Err(error(line, format!("cannot read `{raw}`"))),
            }
        }
        Ok(m)
    }

    /// The arbiter of who is the subject of a fault: where a phrase rule found `defensive`
    /// wording in sentence tokens `from..to`, the probability the model gives `blame` there
    /// when it is at least the file's `whose_fault` and above the model's `defensive` (the
    /// passive's hidden agent, or the cause named, is the customer: "the form was sent back
    /// blank", "the refund went to the card you paid with"); None otherwise or when off.
    pub(crate) fn whose_fault(&self, t: &Tokens, from: usize, to: usize) -> Option<f32> {
        let at = self.whose_fault?;
        let blame = self.classes.iter().position(|c| c.kind == Some(FindingKind::Blame))?;
        let defensive = self.classes.iter().position(|c| c.kind == Some(FindingKind::Defensive))?;
        let mut buf = [0.0f32; MAX_CLASSES];
        let p = self.probabilities(t, from, to, &mut buf)?;
        let (pb, pd) = (*p.get(blame)?, *p.get(defensive)?);
        (pb >= at && pb > pd).then_some(pb)
    }

    /// Each class's probability for sentence tokens `from..to` (a softmax over the bias and
    /// the weights of the sentence's features), in `buf`: no allocation on a path every
    /// sentence of a review takes. None for an empty span or a model without classes.
    fn probabilities<'b>(
        &self,
        t: &Tokens,
        from: usize,
        to: usize,
        buf: &'b mut [f32; MAX_CLASSES],
    ) -> Option<&'b [f32]> {
        let n = self.classes.len();
        if n == 0 || from >= to {
            return None;
        }
        let scores = buf.get_mut(..n)?;
        for (s, c) in scores.iter_mut().zip(&self.classes) {
            *s = c.bias;
        }
        each_key(t, from, to, |key| {
            if let Some(&row) = self.index.get(&key)
                && let Some(ws) = self.weights.get(row as usize * n..(row as usize + 1) * n)
            {
                for (s, w) in scores.iter_mut().zip(ws) {
                    *s += w;
                }
            }
        });
        let max = scores.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let total: f32 = scores.iter().map(|s| (s - max).exp()).sum();
        for s in scores.iter_mut() {
            *s = (*s - max).exp() / total;
        }
        Some(scores)
    }

    /// The why and suggestion of a kind's class, for a finding the model renamed.
    pub(crate) fn words_of(&self, kind: FindingKind) -> Option<(&str, &str)> {
        let c = self.classes.iter().find(|c| c.kind == Some(kind))?;
        Some((&c.why, &c.suggestion))
    }

    /// A finding for sentence tokens `from..to` when the model hears a kind there above its
    /// threshold: the sentence's span, the kind's why with the words that raised it, and
    /// its suggestion. Low severity: the backstop advises, it never holds a send.
    pub(crate) fn judge(&self, t: &Tokens, from: usize, to: usize) -> Option<Finding> {
        let n = self.classes.len();
        // No allocation unless it speaks: the scores live on the stack (a model has at most
        // `MAX_CLASSES` classes), the features that raised a finding are gathered only then.
        let mut buf = [0.0f32; MAX_CLASSES];
        let (best, p) = self
            .probabilities(t, from, to, &mut buf)?
            .iter()
            .copied()
            .enumerate()
            .filter(|(i, _)| self.classes.get(*i).is_some_and(|c| c.kind.is_some()))
            .max_by(|a, b| a.1.total_cmp(&b.1))?;
        let class = self.classes.get(best)?;
        let kind = class.kind?;
        if p < class.threshold {
            return None;
        }
        // The words that raised it: the features that pushed this class most above `none`.
        let mut rows: Vec<u32> = Vec::new();
        each_key(t, from, to, |key| rows.extend(self.index.get(&key)));
        rows.sort_unstable();
        rows.dedup();
        let mut pushes: Vec<(f32, u32)> = rows
            .iter()
            .filter_map(|&row| {
                let ws = self.weights.get(row as usize * n..(row as usize + 1) * n)?;
                let own = *ws.get(best)?;
                let none = ws.first().copied().unwrap_or(0.0);
                Some((own - none, row))
            })
            .filter(|(push, _)| *push >= MIN_NAMED)
            .collect();
        pushes.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut named: Vec<String> = Vec::new();
        for (_, row) in &pushes {
            let Some(name) = self.names.get(*row as usize) else { continue };
            let shown = match name.strip_prefix("<s> ") {
                Some(first) => format!("“{first}” first"),
                None => format!("“{name}”"),
            };
            if !named.contains(&shown) {
                named.push(shown);
            }
            if named.len() == NAMED {
                break;
            }
        }
        let start = t.toks.get(from).map_or(0, |x| x.start);
        let end = t.toks.get(to - 1).map_or(start, |x| x.end).max(start);
        Some(Finding {
            kind,
            severity: Severity::Low,
            start,
            end,
            why: format!(
                "{} (Not one of the coach's phrases: a model trained on labelled replies reads this sentence as {} at {:.0}%, from {}.)",
                class.why,
                kind.as_str().replace('_', " "),
                p * 100.0,
                if named.is_empty() { "its wording as a whole".to_string() } else { named.join(", ") }
            ),
            suggestion: class.suggestion.clone(),
        })
    }
}

/// The learned judge of the restatement check (issue 19 §1, session `coach10`): a logistic
/// regression over a few named facts about a concern the taxonomy's words left uncovered
/// (its kind, how much of the rest of the complaint the restatement says back, how much of
/// the words around its cue come back, how long the restatement is beside the complaint),
/// trained offline (`examples/train.rs --concerns`) on the labelled pairs of the tuning
/// splits, each scored with the taxonomy of before it was written (so the rules' misses there
/// are misses on fresh wording), and shipped as data (`rules/judge.en.tsv`). Above
/// `covered_at` the concern counts as said back in words nobody listed; it never raises one.
///
/// File format (tab-separated, `#` starts a comment line): `version<TAB>1`;
/// `covered_at<TAB>p` (a probability); `bias<TAB>b`; `w<TAB>fact<TAB>weight`, one per fact
/// (`kind implied`, `others all`, `echo some`, `length long`…; see `Concerns::judged`).
#[derive(Debug, Clone, Default)]
pub(crate) struct CoverJudge {
    covered_at: Option<f32>,
    bias: f32,
    weights: HashMap<String, f32>,
}

impl CoverJudge {
    pub(crate) fn is_on(&self) -> bool {
        self.covered_at.is_some()
    }

    pub(crate) fn compile(text: &str) -> Result<CoverJudge, RulesError> {
        let mut m = CoverJudge::default();
        for (line, raw, cols) in model_lines(text) {
            match cols.as_slice() {
                ["version", _] => {}
                ["covered_at", p] => {
                    let p = number(p, line)?;
                    if !(0.0..=1.0).contains(&p) {
                        return Err(error(line, format!("`covered_at` {p} is no probability")));
                    }
                    m.covered_at = Some(p);
                }
                ["bias", b] => m.bias = number(b, line)?,
                ["w", fact, w] => {
                    if m.weights.insert((*fact).to_string(), number(w, line)?).is_some() {
                        return Err(error(line, format!("fact `{fact}` twice")));
                    }
                }
                _ => return Err(error(line, format!("cannot read `{raw}`"))),
            }
        }
        Ok(m)
    }

    /// Whether the facts say the concern was said back (off: never).
    pub(crate) fn covered(&self, facts: &[String]) -> bool {
        let Some(at) = self.covered_at else { return false };
        let z = self.bias + facts.iter().filter_map(|f| self.weights.get(f)).sum::<f32>();
        1.0 / (1.0 + (-z).exp()) >= at
    }
}

fn number(s: &str, line: usize) -> Result<f32, RulesError> {
    s.trim().parse::<f32>().map_err(|e| error(line, format!("`{s}`: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::{Lexicon, tokenize};

    #[test]
    fn a_pairs_key_is_the_key_of_its_text() {
        let t = tokenize("As you said, the 3 parcels \"were late\" at 5pm.", &Lexicon::default());
        let (from, to) = t.sentence(0);
        let mut by_text = Vec::new();
        each_feature(&t, from, to, |parts| by_text.push(fnv(&[&parts.join(" ")])));
        let mut by_key = Vec::new();
        each_key(&t, from, to, |key| by_key.push(key));
        assert_eq!(by_text, by_key);
        assert!(by_text.len() > 8);
    }
}
