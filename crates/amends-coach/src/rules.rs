//! The rules file (TOML) and its compiled form. This module turns data into an [`Engine`];
//! it must not know any English: every word the coach looks for comes from the file.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{FindingKind, Purpose, Severity};
use crate::pattern::Pattern;
use crate::text::{DATE, Lexicon, NUM, TIME, normalise_key, normalise_words};

/// A rules file that cannot be used. Every variant says where, so an installation's
/// override can be fixed without reading the engine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    /// Not TOML, or a field has the wrong name, type or value (e.g. an unknown kind).
    #[error("rules file, line {line}, column {column}: {message}")]
    Syntax { line: usize, column: usize, message: String },
    /// A rule, check or option setting is well-formed TOML but cannot be compiled.
    #[error("rules file, line {line}, {rule}: {message}")]
    Rule {
        /// `rule "blame-should-have"`, `check "missing-apology" part "apology"`, `options`...
        rule: String,
        line: usize,
        message: String,
    },
}

// ---- the file, as written -------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    language: String,
    #[serde(default)]
    expand: BTreeMap<String, String>,
    /// Spellings that are one letter to the language (`"ä" = "ae"`), folded before lookup.
    #[serde(default)]
    fold: BTreeMap<String, String>,
    #[serde(default)]
    number_words: Vec<String>,
    /// Hedges and intensifiers that patterns read through unless they name them.
    #[serde(default)]
    fillers: Vec<String>,
    /// Subject pronouns that open a clause of their own: a `~N` gap never reads across one.
    #[serde(default)]
    subjects: Vec<String>,
    /// Personal pronouns: a gap right after one stops at a subject pronoun.
    #[serde(default)]
    pronouns: Vec<String>,
    /// Words that negate what follows them in their clause ("not", "never"): an
    /// `affirmative` context does not count inside their scope.
    #[serde(default)]
    negators: Vec<String>,
    /// Words that end a negator's scope (a new clause: "but", "so"); a comma ends it too.
    #[serde(default)]
    clause_breaks: Vec<String>,
    #[serde(default)]
    sets: BTreeMap<String, Vec<Spanned<String>>>,
    /// Word classes (synonyms, forms): `party = "courier|carrier|supplier"`, used inside a
    /// pattern as one element or one alternative: `@party ~6 lose+|@fault`.
    #[serde(default)]
    classes: BTreeMap<String, String>,
    #[serde(default)]
    score: ScoreFile,
    #[serde(default, rename = "rule")]
    rules: Vec<RuleFile>,
    #[serde(default, rename = "check")]
    checks: Vec<CheckFile>,
    #[serde(default)]
    options: Option<OptionsFile>,
    /// Kinds a sentence's own words rule out: who is the subject of a fault ("the mistake
    /// was mine: I typed the wrong postcode" is neither blame nor deflection, whatever else
    /// its words look like). The learned backstop adds no finding of these kinds there, and a
    /// rule that reads who erred (`whose_fault`) is set aside there.
    #[serde(default)]
    ruled_out: Vec<RuledOutFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuledOutFile {
    kinds: Vec<FindingKind>,
    /// A match counts outside a negator's scope only ("it was not our fault" owns nothing).
    patterns: Vec<Spanned<String>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(deny_unknown_fields)]
struct ScoreFile {
    low: u8,
    medium: u8,
    high: u8,
}

impl Default for ScoreFile {
    fn default() -> Self {
        ScoreFile { low: 5, medium: 15, high: 30 }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    id: Spanned<String>,
    kind: FindingKind,
    severity: Severity,
    why: String,
    suggestion: String,
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    purposes: Option<Vec<Purpose>>,
    #[serde(default)]
    unless: Vec<ContextFile>,
    /// Kinds this rule gives way to: a hit is dropped when another rule finds one of them
    /// in the same sentence (the agentless passive "was dropped" yields to the blame of a
    /// sentence that says the customer dropped it: one fault, told once, as its own kind).
    #[serde(default)]
    yields_to: Vec<FindingKind>,
    /// The rule reads who erred (someone else named, or a passive that names no one): where
    /// the learned model hears the customer made responsible in its sentence, its finding is
    /// `blame` (`whose_fault` in the model file; see `review::whose_fault`).
    #[serde(default)]
    whose_fault: bool,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Side {
    Before,
    After,
    Either,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Scope {
    #[default]
    Sentence,
    /// The sentence and the one after it (or before it, for `side = "before"`).
    NextSentence,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Debug, Default)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Effect {
    #[default]
    Suppress,
    Lower,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextFile {
    side: Side,
    #[serde(default)]
    within: Option<u8>,
    #[serde(default)]
    scope: Scope,
    #[serde(default)]
    effect: Effect,
    #[serde(default)]
    purposes: Option<Vec<Purpose>>,
    /// Counts only where it is not negated: "won't make an exception" is no exception made.
    #[serde(default)]
    affirmative: bool,
    patterns: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckFile {
    id: Spanned<String>,
    kind: FindingKind,
    purposes: Vec<Purpose>,
    severity: Severity,
    #[serde(rename = "part")]
    parts: Vec<PartFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PartFile {
    name: String,
    severity: Severity,
    why: String,
    suggestion: String,
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<ContextFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionsFile {
    purposes: Vec<Purpose>,
    max: u8,
    severity: Severity,
    why: String,
    suggestion: String,
    or_words: Vec<String>,
    offer: Vec<Spanned<String>>,
    #[serde(default)]
    offer_unless: Vec<ContextFile>,
    #[serde(default)]
    offer_anywhere: Vec<Spanned<String>>,
    #[serde(default)]
    additional: Vec<Spanned<String>>,
    #[serde(default)]
    markers: Vec<Spanned<String>>,
    #[serde(default)]
    not_option: Vec<Spanned<String>>,
}

// ---- compiled --------------------------------------------------------------------------

/// Who a globally scanned pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    Rule(u32),
    Part(u32, u32),
    Offer,
    OfferAnywhere,
    Additional,
    Marker,
    NotOption,
    /// A pattern of context matcher n.
    Context(u32),
    /// A pattern of `[[ruled_out]]` n.
    RuledOut(u32),
}

#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub side: Side,
    pub within: usize,
    pub scope: Scope,
    pub effect: Effect,
    pub purposes: u16,
    /// Only a match outside a negator's scope counts.
    pub affirmative: bool,
    /// Contexts with the same pattern list share one matcher: its patterns are scanned with
    /// all the others (as [`Owner::Context`]), once per review, however many hits ask.
    pub matcher: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub kind: FindingKind,
    pub severity: Severity,
    pub why: String,
    pub suggestion: String,
    pub unless: Vec<Context>,
    /// Bit per [`FindingKind`] (its discriminant) this rule gives way to in its sentence.
    pub yields_to: u16,
    /// It reads who erred: the learned model may name the customer as the one (see the file).
    pub whose_fault: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Part {
    pub severity: Severity,
    pub why: String,
    pub suggestion: String,
    pub unless: Vec<Context>,
}

#[derive(Debug, Clone)]
pub(crate) struct Check {
    pub kind: FindingKind,
    pub purposes: u16,
    pub severity: Severity,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub purposes: u16,
    pub max: usize,
    pub severity: Severity,
    pub why: String,
    pub suggestion: String,
    pub or_ids: Vec<u32>,
    pub offer_unless: Vec<Context>,
}

/// Per word id, the patterns that can start with that word: one flat list and each word's
/// start in it. A `Vec` a word cost 24 bytes for every word of the lexicon and every
/// purpose, though most words start no pattern: over a megabyte of the English coach.
#[derive(Debug, Clone, Default)]
pub(crate) struct ByFirst {
    /// `starts[w]..starts[w + 1]` is word `w`'s part of `patterns`.
    starts: Vec<u32>,
    patterns: Vec<u32>,
}

impl ByFirst {
    fn from_lists(lists: Vec<Vec<u32>>) -> ByFirst {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        let mut patterns = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        starts.push(0);
        for list in lists {
            patterns.extend(list);
            starts.push(u32::try_from(patterns.len()).unwrap_or(u32::MAX));
        }
        ByFirst { starts, patterns }
    }

    /// The patterns that can start with word `id` (none for a word the rules never name).
    pub fn get(&self, id: u32) -> &[u32] {
        let id = id as usize;
        match (self.starts.get(id), self.starts.get(id + 1)) {
            (Some(&from), Some(&to)) => self.patterns.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// Patterns to try at a token, per purpose: by the token's word id, by its classes
/// (`#num`, `#time`, `#date`), plus those that can start with any word.
#[derive(Debug, Clone, Default)]
pub(crate) struct Index {
    pub by_first: ByFirst,
    /// (stem, patterns) for patterns that can start with `stem*`, one entry per stem.
    pub by_prefix: Vec<(Box<str>, Vec<u32>)>,
    pub by_class: [(u16, Vec<u32>); 3],
    pub wild: Vec<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct Engine {
    pub language: String,
    pub lex: Lexicon,
    pub patterns: Vec<(Owner, Pattern)>,
    pub index: Vec<Index>,
    pub rules: Vec<Rule>,
    pub checks: Vec<Check>,
    pub options: Option<Options>,
    /// Per `[[ruled_out]]`, the kinds it rules out in its sentence (a bit per kind).
    pub ruled_out: Vec<u16>,
    /// How many distinct context pattern lists there are.
    pub matchers: usize,
    /// Ids of the file's `negators` and `clause_breaks` (sorted).
    pub negators: Vec<u32>,
    pub clause_breaks: Vec<u32>,
    pub penalty: [u8; 3],
}

/// Default width of a context window when `within` is not given, in words.
pub(crate) const DEFAULT_WITHIN: usize = 40;

fn line_of(text: &str, byte: usize) -> usize {
    let upto = text.get(..byte).unwrap_or(text);
    upto.bytes().filter(|b| *b == b'\n').count() + 1
}

fn purposes_mask(list: Option<&[Purpose]>) -> u16 {
    match list {
        None => u16::MAX,
        Some(list) => list.iter().fold(0, |m, p| m | p.bit()),
    }
}

struct Compiler<'a> {
    text: &'a str,
    lex: Lexicon,
    sets: BTreeMap<String, Vec<Spanned<String>>>,
    classes: BTreeMap<String, String>,
    /// Context patterns, by matcher.
    matchers: Vec<Vec<Pattern>>,
    matcher_ids: BTreeMap<Vec<String>, usize>,
}

impl Compiler<'_> {
    fn err(&self, rule: &str, at: usize, message: impl Into<String>) -> RulesError {
        RulesError::Rule { rule: rule.to_owned(), line: line_of(self.text, at), message: message.into() }
    }

    /// Compiles a list of patterns, splicing in `@set` entries.
    fn patterns(&mut self, rule: &str, at: usize, list: &[Spanned<String>]) -> Result<Vec<Pattern>, RulesError> {
        if list.is_empty() {
            return Err(self.err(rule, at, "`patterns` is empty"));
        }
        let mut out = Vec::with_capacity(list.len());
        for entry in list {
            let src = entry.get_ref().trim();
            // A whole entry `@name` is a set of patterns; `@name` among other elements (or a
            // name that is no set) is a class of words, replaced in `one`.
            if let Some(name) = src.strip_prefix('@')
                && !name.contains(char::is_whitespace)
                && (self.sets.contains_key(name) || !self.classes.contains_key(name))
            {
                let Some(set) = self.sets.get(name).cloned() else {
                    return Err(self.err(
                        rule,
                        entry.span().start,
                        format!("unknown set `@{name}` (define it under [sets])"),
                    ));
                };
                for item in &set {
                    if item.get_ref().trim().strip_prefix('@').is_some_and(|n| self.sets.contains_key(n)) {
                        return Err(self.err(
                            &format!("set `{name}`"),
                            item.span().start,
                            "a set cannot contain another set",
                        ));
                    }
                    out.push(self.one(&format!("set `{name}`"), item)?);
                }
            } else {
                out.push(self.one(rule, entry)?);
            }
        }
        Ok(out)
    }

    fn one(&mut self, rule: &str, entry: &Spanned<String>) -> Result<Pattern, RulesError> {
        let src = self.with_classes(entry.get_ref()).map_err(|m| self.err(rule, entry.span().start, m))?;
        Pattern::parse(&src, &mut self.lex).map_err(|m| self.err(rule, entry.span().start, m))
    }

    /// Replaces every `@class` alternative inside a pattern's elements by the class's words.
    /// (A whole entry `@set` is a set of patterns, handled by [`Compiler::patterns`].)
    fn with_classes(&self, src: &str) -> Result<String, String> {
        if !src.contains('@') {
            return Ok(src.to_owned());
        }
        let mut out = Vec::new();
        for part in src.split_whitespace() {
            let (neg, body) = match part.strip_prefix('!') {
                Some(rest) => ("!", rest),
                None => ("", part),
            };
            let mut alts = Vec::new();
            for alt in body.split('|') {
                match alt.strip_prefix('@') {
                    Some(name) => match self.classes.get(name) {
                        Some(words) => alts.push(words.trim().to_owned()),
                        None => return Err(format!("unknown class `@{name}` (define it under [classes])")),
                    },
                    None => alts.push(alt.to_owned()),
                }
            }
            out.push(format!("{neg}{}", alts.join("|")));
        }
        Ok(out.join(" "))
    }

    fn contexts(&mut self, rule: &str, at: usize, list: &[ContextFile]) -> Result<Vec<Context>, RulesError> {
        list.iter()
            .map(|c| {
                let key: Vec<String> = c.patterns.iter().map(|p| p.get_ref().clone()).collect();
                let matcher = match self.matcher_ids.get(&key) {
                    Some(m) => *m,
                    None => {
                        let patterns = self.patterns(rule, at, &c.patterns)?;
                        self.matchers.push(patterns);
                        self.matcher_ids.insert(key, self.matchers.len() - 1);
                        self.matchers.len() - 1
                    }
                };
                Ok(Context {
                    side: c.side,
                    within: c.within.map_or(DEFAULT_WITHIN, usize::from),
                    scope: c.scope,
                    effect: c.effect,
                    purposes: purposes_mask(c.purposes.as_deref()),
                    affirmative: c.affirmative,
                    matcher,
                })
            })
            .collect()
    }
}

impl Engine {
    pub(crate) fn compile(text: &str) -> Result<Engine, RulesError> {
        let file: File = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let upto = text.get(..at).unwrap_or(text);
            let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            RulesError::Syntax { line: line_of(text, at), column, message: e.message().to_owned() }
        })?;
        let mut c = Compiler {
            text,
            lex: Lexicon::default(),
            sets: file.sets,
            classes: file.classes,
            matchers: Vec::new(),
            matcher_ids: BTreeMap::new(),
        };
        if file.language.trim().is_empty() {
            return Err(c.err("language", 0, "`language` is empty"));
        }

        // Folded spellings first, then expansions: patterns are normalised through both.
        let mut fold = Vec::with_capacity(file.fold.len());
        for (from, to) in &file.fold {
            let key = normalise_key(from);
            if key.is_empty() || key.contains(char::is_whitespace) || to.contains(char::is_whitespace) {
                let at = text.find("[fold]").unwrap_or(0);
                return Err(c.err("fold", at, format!("`{from}` = `{to}`: both sides must be letters, no spaces")));
            }
            fold.push((key, normalise_key(to)));
        }
        c.lex.set_fold(fold);
        for (from, to) in &file.expand {
            let key = c.lex.fold(&normalise_key(from)).into_owned();
            let words = normalise_words(to, &c.lex);
            if key.is_empty() || key.contains(char::is_whitespace) || words.is_empty() {
                let at = text.find(from.as_str()).unwrap_or(0);
                return Err(c.err(
                    "expand",
                    at,
                    format!("`{from}` = `{to}`: the key must be one word and the value non-empty"),
                ));
            }
            c.lex.add_expansion(key, words);
        }
        for w in &file.number_words {
            for word in normalise_words(w, &c.lex) {
                c.lex.mark_number(&word);
            }
        }
        for w in &file.pronouns {
            for word in normalise_words(w, &c.lex) {
                c.lex.mark_pronoun(&word);
            }
        }
        for w in &file.subjects {
            for word in normalise_words(w, &c.lex) {
                c.lex.mark_subject(&word);
            }
        }
        for w in &file.fillers {
            for word in normalise_words(w, &c.lex) {
                c.lex.mark_filler(&word);
            }
        }

        let word_ids = |list: &[String], lex: &mut crate::text::Lexicon| {
            let words: Vec<String> = list.iter().flat_map(|w| normalise_words(w, lex)).collect();
            let mut ids: Vec<u32> = words.iter().map(|w| lex.intern(w)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let negators = word_ids(&file.negators, &mut c.lex);
        let clause_breaks = word_ids(&file.clause_breaks, &mut c.lex);

        let mut patterns: Vec<(Owner, Pattern)> = Vec::new();
        // Which purposes each scanned pattern is needed for.
        let mut masks: Vec<u16> = Vec::new();
        let mut rules = Vec::with_capacity(file.rules.len());
        let mut seen_ids = std::collections::BTreeSet::new();
        for r in &file.rules {
            let name = format!("rule \"{}\"", r.id.get_ref());
            let at = r.id.span().start;
            if !seen_ids.insert(r.id.get_ref().clone()) {
                return Err(c.err(&name, at, "duplicate rule id"));
            }
            let owner = Owner::Rule(u32::try_from(rules.len()).unwrap_or(u32::MAX));
            let mask = purposes_mask(r.purposes.as_deref());
            for p in c.patterns(&name, at, &r.patterns)? {
                patterns.push((owner, p));
                masks.push(mask);
            }
            rules.push(Rule {
                kind: r.kind,
                severity: r.severity,
                why: r.why.clone(),
                suggestion: r.suggestion.clone(),
                unless: c.contexts(&name, at, &r.unless)?,
                yields_to: r.yields_to.iter().fold(0, |m, k| m | (1 << (*k as u16))),
                whose_fault: r.whose_fault,
            });
        }

        let mut checks = Vec::with_capacity(file.checks.len());
        for (ci, ch) in file.checks.iter().enumerate() {
            let at = ch.id.span().start;
            let mask = purposes_mask(Some(&ch.purposes));
            if ch.parts.is_empty() {
                return Err(c.err(&format!("check \"{}\"", ch.id.get_ref()), at, "no [[check.part]]"));
            }
            let mut parts = Vec::with_capacity(ch.parts.len());
            for (pi, part) in ch.parts.iter().enumerate() {
                let name = format!("check \"{}\" part \"{}\"", ch.id.get_ref(), part.name);
                let owner = Owner::Part(u32::try_from(ci).unwrap_or(u32::MAX), u32::try_from(pi).unwrap_or(u32::MAX));
                for p in c.patterns(&name, at, &part.patterns)? {
                    patterns.push((owner, p));
                    masks.push(mask);
                }
                parts.push(Part {
                    severity: part.severity,
                    why: part.why.clone(),
                    suggestion: part.suggestion.clone(),
                    unless: c.contexts(&name, at, &part.unless)?,
                });
            }
            checks.push(Check { kind: ch.kind, purposes: mask, severity: ch.severity, parts });
        }

        let options = match &file.options {
            None => None,
            Some(o) => {
                let name = "options";
                let at = text.find("[options]").unwrap_or(0);
                let mask = purposes_mask(Some(&o.purposes));
                let groups: [(Owner, &Vec<Spanned<String>>); 5] = [
                    (Owner::Offer, &o.offer),
                    (Owner::OfferAnywhere, &o.offer_anywhere),
                    (Owner::Additional, &o.additional),
                    (Owner::Marker, &o.markers),
                    (Owner::NotOption, &o.not_option),
                ];
                for (owner, list) in groups {
                    if list.is_empty() && owner != Owner::Offer {
                        continue;
                    }
                    for p in c.patterns(name, at, list)? {
                        patterns.push((owner, p));
                        masks.push(mask);
                    }
                }
                let mut or_ids = Vec::new();
                for w in &o.or_words {
                    for word in normalise_words(w, &c.lex) {
                        or_ids.push(c.lex.intern(&word));
                    }
                }
                if or_ids.is_empty() {
                    return Err(c.err(name, at, "`or_words` is empty"));
                }
                if o.max == 0 {
                    return Err(c.err(name, at, "`max` must be at least 1"));
                }
                Some(Options {
                    purposes: mask,
                    max: usize::from(o.max),
                    severity: o.severity,
                    why: o.why.clone(),
                    suggestion: o.suggestion.clone(),
                    or_ids,
                    offer_unless: c.contexts(name, at, &o.offer_unless)?,
                })
            }
        };

        let mut ruled_out = Vec::with_capacity(file.ruled_out.len());
        for (n, b) in file.ruled_out.iter().enumerate() {
            let name = format!("ruled_out {}", n + 1);
            let at = b.patterns.first().map_or(0, |p| p.span().start);
            if b.kinds.is_empty() {
                return Err(c.err(&name, at, "`kinds` is empty"));
            }
            let owner = Owner::RuledOut(u32::try_from(n).unwrap_or(u32::MAX));
            for p in c.patterns(&name, at, &b.patterns)? {
                patterns.push((owner, p));
                masks.push(u16::MAX);
            }
            ruled_out.push(b.kinds.iter().fold(0u16, |m, k| m | (1 << (*k as u16))));
        }

        let matcher_count = c.matchers.len();
        for (m, list) in std::mem::take(&mut c.matchers).into_iter().enumerate() {
            let owner = Owner::Context(u32::try_from(m).unwrap_or(u32::MAX));
            for p in list {
                patterns.push((owner, p));
                masks.push(u16::MAX);
            }
        }

        let vocab = c.lex.len();
        let index = Purpose::ALL
            .iter()
            .map(|purpose| {
                let mut by_first = vec![Vec::new(); vocab];
                let mut idx = Index {
                    by_first: ByFirst::default(),
                    by_prefix: Vec::new(),
                    by_class: [(NUM, Vec::new()), (TIME, Vec::new()), (DATE, Vec::new())],
                    wild: Vec::new(),
                };
                for (i, ((_, p), mask)) in patterns.iter().zip(&masks).enumerate() {
                    if mask & purpose.bit() == 0 {
                        continue;
                    }
                    let i = u32::try_from(i).unwrap_or(u32::MAX);
                    let first = p.first();
                    if first.any {
                        idx.wild.push(i);
                        continue;
                    }
                    for id in first.ids {
                        if let Some(slot) = by_first.get_mut(id as usize)
                            && !slot.contains(&i)
                        {
                            slot.push(i);
                        }
                    }
                    for stem in first.prefixes {
                        match idx.by_prefix.iter_mut().find(|(s, _)| *s == stem) {
                            Some((_, list)) if !list.contains(&i) => list.push(i),
                            Some(_) => {}
                            None => idx.by_prefix.push((stem, vec![i])),
                        }
                    }
                    for (class, list) in &mut idx.by_class {
                        if first.classes & *class != 0 {
                            list.push(i);
                        }
                    }
                }
                idx.by_first = ByFirst::from_lists(by_first);
                idx
            })
            .collect();

        let penalty = [file.score.low, file.score.medium, file.score.high];
        Ok(Engine {
            language: file.language,
            lex: c.lex,
            patterns,
            index,
            rules,
            checks,
            options,
            ruled_out,
            matchers: matcher_count,
            negators,
            clause_breaks,
            penalty,
        })
    }
}
