//! What the customer said: the concerns a complaint holds (for the restatement check) and
//! the signs of how serious it is (for triage). Both read the complaint with the same
//! small matcher over *stems*, so "delivered late", "lateness" and "delays" meet the same
//! rule, and both take their words from data (`rules/concerns.en.toml`,
//! `rules/triage.en.toml`).
//!
//! Phrase syntax (elements separated by spaces): `word` any word with the same stem;
//! `a|b` any of these; `=word` exactly this word (no stemming: `=work` is not "working");
//! `!a|b` the next word is not one of these (zero width); `#num` a number (digits or a
//! number word), `#num<N` one below N (or with no value, "several"), `#num>N` one above N; `~N` up to N words (1..=9). A phrase never crosses a sentence.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::learned::CoverJudge;
use crate::rules::RulesError;
use crate::text::{Piece, scan};

const MAX_GAP: u8 = 9;
const MAX_ELEMENTS: usize = 12;

/// English number words with their values: `#num` accepts them besides digits, and a bound
/// (`#num<18`) reads their value (a file's `[stemming]` may list its own words).
const NUMBER_VALUES: &[(&str, u32)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("hundred", 100),
    ("dozen", 12),
];

/// Number words `#num` accepts that name no value ("several"): below any bound.
const VAGUE_NUMBERS: &[&str] = &["several", "few", "many", "countless"];

/// The English suffixes, tried in this order (the first that leaves a long enough stem wins).
const SUFFIXES: &[&str] = &[
    "fulness", "ousness", "nesses", "ations", "ingly", "ation", "ments", "ities", "ness", "ment", "ings", "ised",
    "ized", "ises", "izes", "ious", "edly", "ful", "ity", "ous", "ing", "ies", "ied", "ier", "est", "ise", "ize",
    "ers", "ic", "ed", "er", "es", "ly", "s", "y", "e",
];

/// How a language's words are cut to stems, from the hearing file's `[stemming]` table;
/// without one, English (so the English files need not say it).
#[derive(Debug, Clone)]
pub(crate) struct Stemmer {
    /// Tried in order; the first that leaves at least `min_stem` letters is cut.
    suffixes: Vec<String>,
    /// The indexes into `suffixes` of those ending in each byte, in their order: a word is
    /// only compared with the suffixes that end as it does (stemming was most of triage's
    /// cost at intake).
    by_last_byte: Vec<Vec<usize>>,
    min_stem: usize,
    /// How many suffixes may be cut one after another.
    rounds: usize,
    /// Spellings folded before cutting (`ä` = `a`, `ß` = `ss`), longest first.
    fold: Vec<(String, String)>,
    /// The bytes a folded spelling starts with: a word with none of them is left as it is
    /// without searching it for each spelling.
    fold_starts: [bool; 256],
    /// Sorted, to be searched.
    number_words: Vec<String>,
}

impl Default for Stemmer {
    fn default() -> Self {
        Stemmer::new(
            SUFFIXES.iter().map(|s| (*s).to_owned()).collect(),
            3,
            3,
            Vec::new(),
            NUMBER_VALUES.iter().map(|(w, _)| *w).chain(VAGUE_NUMBERS.iter().copied()).map(str::to_owned).collect(),
        )
    }
}

/// The `[stemming]` table of a hearing file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StemmingFile {
    suffixes: Vec<String>,
    #[serde(default = "three")]
    min_stem: usize,
    #[serde(default = "three")]
    rounds: usize,
    #[serde(default)]
    fold: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    number_words: Vec<String>,
}

fn three() -> usize {
    3
}

impl Stemmer {
    fn new(
        suffixes: Vec<String>,
        min_stem: usize,
        rounds: usize,
        fold: Vec<(String, String)>,
        mut number_words: Vec<String>,
    ) -> Stemmer {
        let mut by_last_byte = vec![Vec::new(); 256];
        for (i, suffix) in suffixes.iter().enumerate() {
            if let Some(list) = suffix.as_bytes().last().and_then(|&b| by_last_byte.get_mut(usize::from(b))) {
                list.push(i);
            }
        }
        // An empty spelling would match anywhere: then every byte may start one.
        let mut fold_starts = [fold.iter().any(|(from, _)| from.is_empty()); 256];
        for (from, _) in &fold {
            if let Some(start) = from.as_bytes().first().and_then(|&b| fold_starts.get_mut(usize::from(b))) {
                *start = true;
            }
        }
        number_words.sort();
        Stemmer { suffixes, by_last_byte, min_stem, rounds, fold, fold_starts, number_words }
    }

    pub(crate) fn from_file(file: Option<StemmingFile>) -> Stemmer {
        let Some(f) = file else { return Stemmer::default() };
        let mut fold: Vec<(String, String)> = f.fold.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
        fold.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        Stemmer::new(
            f.suffixes.iter().map(|s| s.to_lowercase()).filter(|s| !s.is_empty()).collect(),
            f.min_stem.max(1),
            f.rounds.clamp(1, 6),
            fold,
            f.number_words.iter().map(|s| s.to_lowercase()).collect(),
        )
    }

    fn is_number_word(&self, w: &str) -> bool {
        self.number_words.binary_search_by(|n| n.as_str().cmp(w)).is_ok()
    }

    /// A rules file's word list as the text's words read (lower case, folded), so a list
    /// entry and a word of the text compare equal.
    pub(crate) fn fold_words(&self, list: &[String]) -> Vec<String> {
        list.iter().map(|w| self.fold(&w.to_lowercase())).collect()
    }

    /// `word` with the folded spellings rewritten ("größe" → "groesse" in German).
    pub(crate) fn fold(&self, word: &str) -> String {
        self.folded(word).into_owned()
    }

    /// As [`Stemmer::fold`], borrowing `word` when nothing in it is folded (every English
    /// word, most German ones).
    fn folded<'w>(&self, word: &'w str) -> Cow<'w, str> {
        // No spelling can match where none of their first bytes occurs, so none is replaced.
        if !word.bytes().any(|b| self.fold_starts.get(usize::from(b)).copied().unwrap_or(false)) {
            return Cow::Borrowed(word);
        }
        let mut w = Cow::Borrowed(word);
        for (from, to) in &self.fold {
            if w.contains(from.as_str()) {
                w = Cow::Owned(w.replace(from.as_str(), to));
            }
        }
        w
    }

    /// The stem of `word`: see [`stem`].
    pub(crate) fn stem(&self, word: &str) -> String {
        let mut w = word;
        while let Some(rest) = w.strip_suffix("'s") {
            w = rest;
        }
        let bare: Cow<'_, str> = if w.as_bytes().contains(&b'\'') {
            Cow::Owned(w.chars().filter(|c| *c != '\'').collect())
        } else {
            Cow::Borrowed(w)
        };
        let folded = self.folded(&bare);
        self.cut(&folded).to_owned()
    }

    /// `w` less its suffixes (every cut shortens it, so the stem is a prefix of it).
    fn cut<'w>(&self, mut w: &'w str) -> &'w str {
        for _ in 0..self.rounds {
            let before = w.len();
            let candidates = w.as_bytes().last().and_then(|&b| self.by_last_byte.get(usize::from(b)));
            for suffix in candidates.into_iter().flatten().filter_map(|&i| self.suffixes.get(i)) {
                if let Some(rest) = strip_suffix(w, suffix)
                    && rest.chars().count() >= self.min_stem
                {
                    w = rest;
                    break;
                }
            }
            // "stopped" → "stopp" → "stop"; "cancelled" → "cancel".
            let mut tail = w.char_indices().rev();
            if let (Some((at, a)), Some((_, b))) = (tail.next(), tail.next())
                && a == b
                && a.is_alphabetic()
                && !matches!(a, 'a' | 'e' | 'i' | 'o' | 'u')
                && w.chars().count() > 3
            {
                w = w.get(..at).unwrap_or(w);
            }
            if w.len() == before {
                break;
            }
        }
        w
    }
}

/// `w` without `suffix` if it ends so: `str::strip_suffix` compared byte by byte, cheaper
/// than a call to `memcmp` for a suffix of a few letters.
fn strip_suffix<'w>(w: &'w str, suffix: &str) -> Option<&'w str> {
    let at = w.len().checked_sub(suffix.len())?;
    let tail = w.as_bytes().get(at..)?;
    // A valid `suffix` starts on a char boundary, so `at` is one when the bytes agree.
    if tail.iter().zip(suffix.as_bytes()).all(|(a, b)| a == b) { w.get(..at) } else { None }
}

/// Strips common English suffixes so word forms meet: "delivered", "delivery",
/// "deliveries" → "deliv"; "late", "lateness", "later" → "lat". Crude on purpose (no
/// dictionary): both sides go through it, so only agreement matters, not linguistics.
/// Another language gives its own suffixes (and folded spellings) in its hearing files.
#[cfg(test)]
pub(crate) fn stem(word: &str) -> String {
    Stemmer::default().stem(word)
}

/// A word's stem: the head of its folded spelling unless the word holds an apostrophe (cut
/// from the word without it), so most words cost one allocation, not two.
#[derive(Debug, Clone)]
enum Stem {
    Head(usize),
    Own(String),
}

#[derive(Debug, Clone)]
pub(crate) struct Word {
    stem: Stem,
    /// Lower case and folded, apostrophes kept ("didn't" is split into "did" + "not").
    word: String,
    start: usize,
    end: usize,
    sentence: u32,
    /// The clause within the text: a new one at each comma, semicolon or sentence break.
    clause: u32,
    num: bool,
    /// A number that is a time of day ("4pm", "10:30", "9 o'clock"): `#time`, never `#num`.
    clock: bool,
    /// What a number says, when it says one ("80", "twelve"); None for "several" or a word.
    value: Option<u32>,
}

impl Word {
    fn stem(&self) -> &str {
        match &self.stem {
            Stem::Head(len) => self.word.get(..*len).unwrap_or(&self.word),
            Stem::Own(stem) => stem,
        }
    }
}

/// The value of a number word or of the digits a word starts with ("80" of "80-year-old",
/// "3" of "3rd"). English number words only: another language's words are numbers with no
/// value, so a bound (`#num<18`) lets them through as before.
fn number_value(w: &str) -> Option<u32> {
    let digits: &str = w.find(|c: char| !c.is_ascii_digit()).map_or(w, |end| w.get(..end).unwrap_or_default());
    if !digits.is_empty() {
        return digits.parse().ok();
    }
    NUMBER_VALUES.iter().find(|(n, _)| *n == w).map(|&(_, v)| v)
}

/// A text as words with stems, sentences and char offsets.
pub(crate) fn words(text: &str, stemmer: &Stemmer) -> Vec<Word> {
    // About a word a space, so the list seldom grows while it is filled.
    let mut out: Vec<Word> = Vec::with_capacity(text.bytes().filter(|&b| b == b' ').count() + 8);
    let mut sentence = 0u32;
    let mut clause = 0u32;
    let mut pending = false;
    let mut comma = false;
    scan(text, |piece| match piece {
        Piece::Break => pending = true,
        Piece::Comma { .. } => comma = true,
        Piece::Word { start, end, norm, .. } => {
            if pending && !out.is_empty() {
                sentence = sentence.saturating_add(1);
            }
            if (pending || comma) && !out.is_empty() {
                clause = clause.saturating_add(1);
            }
            pending = false;
            comma = false;
            let mut push = |w: &str| {
                let num = w.starts_with(|c: char| c.is_ascii_digit()) || stemmer.is_number_word(w);
                let value = if num { number_value(w) } else { None };
                let word = stemmer.folded(w).into_owned();
                // Without an apostrophe, `Stemmer::stem` cuts this same folded spelling.
                let stem = if w.as_bytes().contains(&b'\'') {
                    Stem::Own(stemmer.stem(w))
                } else {
                    Stem::Head(stemmer.cut(&word).len())
                };
                out.push(Word { stem, word, start, end, sentence, clause, num, clock: false, value });
            };
            if let Some(base) = norm.strip_suffix("n't") {
                push(match base {
                    "ca" => "can",
                    "wo" => "will",
                    "sha" => "shall",
                    other => other,
                });
                push("not");
            } else if norm == "cannot" || norm == "cant" {
                push("can");
                push("not");
            } else if norm.as_bytes().contains(&b'\'')
                && let Some((head, _)) = norm.split_once('\'')
                && !norm.ends_with("'s")
            {
                // "i'm", "we've", "you'd": the pronoun carries the meaning here.
                push(head);
            } else {
                push(norm);
            }
        }
    });
    clock_times(text, &mut out);
    out
}

/// A time of day is no number of anything: "4pm", "10:30", "9 o'clock", "11.30 am" are not a
/// count of years, an age or a number of times, so `#num` does not read them ("since 9
/// o'clock" is no customer of nine years, "my 4pm appointment" no fortieth birthday); a cue
/// that reads a time says `#time` ("arrived at 9pm when the party had started").
fn clock_times(text: &str, ws: &mut [Word]) {
    let clock_word = |w: &Word| {
        let original = text.get(w.start..).unwrap_or_default();
        matches!(w.word.as_str(), "am" | "pm" | "a.m" | "p.m")
            || original.get(..7).is_some_and(|o| o.eq_ignore_ascii_case("o'clock"))
            || original.get(..9).is_some_and(|o| o.to_lowercase() == "o\u{2019}clock")
    };
    for k in 0..ws.len() {
        let Some(w) = ws.get(k).filter(|w| w.num) else { continue };
        let digits = w.word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffixed = digits.len() < w.word.len() && matches!(w.word.get(digits.len()..), Some("am" | "pm"));
        let followed = ws.get(k + 1).is_some_and(|n| n.sentence == w.sentence && clock_word(n));
        if (suffixed || w.word.contains(':') || followed)
            && let Some(w) = ws.get_mut(k)
        {
            w.clock = true;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Alt {
    Stem(String),
    Exact(String),
    /// `word*`: a word beginning so, for the heads of compounds ("geburtstag*" is
    /// "Geburtstagstorte"); `*word`: a word ending so ("*allergie" is "Nussallergie").
    Prefix(String),
    Suffix(String),
    Num,
    /// `#num<N`: a number below N, or one with no value ("several"): an age that makes a
    /// child ("a 7-year-old", not "my 80-year-old father").
    NumBelow(u32),
    /// `#num>N`: a number above N that says its value ("my daughter, who is 32").
    NumAbove(u32),
    /// `#time`: a time of day ("at 9pm", "by 11:30"), which `#num` never reads.
    Time,
}

impl Alt {
    fn matches(&self, w: &Word) -> bool {
        match self {
            Alt::Stem(s) => s == w.stem(),
            Alt::Exact(s) => *s == w.word,
            Alt::Prefix(s) => w.word.starts_with(s.as_str()),
            Alt::Suffix(s) => w.word.ends_with(s.as_str()),
            Alt::Num => w.num && !w.clock,
            Alt::NumBelow(n) => w.num && !w.clock && w.value.is_none_or(|v| v < *n),
            Alt::NumAbove(n) => w.num && !w.clock && w.value.is_some_and(|v| v > *n),
            Alt::Time => w.clock,
        }
    }
}

#[derive(Debug, Clone)]
enum Elem {
    Any(Vec<Alt>),
    Not(Vec<Alt>),
    Gap(u8),
}

/// One phrase, compiled.
#[derive(Debug, Clone)]
pub(crate) struct Phrase {
    elems: Vec<Elem>,
}

impl Phrase {
    pub(crate) fn parse(src: &str, stemmer: &Stemmer) -> Result<Phrase, String> {
        let mut elems = Vec::new();
        for part in src.split_whitespace() {
            if let Some(n) = part.strip_prefix('~') {
                let n: u8 = n
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_GAP).contains(n))
                    .ok_or_else(|| format!("`{part}` must be ~1 to ~9"))?;
                elems.push(Elem::Gap(n));
                continue;
            }
            // A plain word that reads as several ("didn't", "a&e") is several elements.
            if !part.contains(['|', '!', '=', '#', '*']) {
                let ws = words(part, stemmer);
                if ws.len() > 1 {
                    elems.extend(ws.into_iter().map(|w| Elem::Any(vec![Alt::Stem(w.stem().to_owned())])));
                    continue;
                }
            }
            let (negated, body) = match part.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            let mut alts = Vec::new();
            for alt in body.split('|') {
                if alt == "#num" {
                    alts.push(Alt::Num);
                    continue;
                }
                if alt == "#time" {
                    alts.push(Alt::Time);
                    continue;
                }
                if let Some(bound) = alt.strip_prefix("#num>") {
                    let n = bound.parse().map_err(|_| format!("`{alt}` in `{src}`: `#num>` takes a whole number"))?;
                    alts.push(Alt::NumAbove(n));
                    continue;
                }
                if let Some(bound) = alt.strip_prefix("#num<") {
                    let n = bound.parse().map_err(|_| format!("`{alt}` in `{src}`: `#num<` takes a whole number"))?;
                    alts.push(Alt::NumBelow(n));
                    continue;
                }
                let (head, tail) = (alt.strip_prefix('*'), alt.strip_suffix('*'));
                if let Some(piece) = tail.or(head) {
                    let piece = stemmer.fold(&piece.to_lowercase());
                    if piece.is_empty() || !piece.chars().all(char::is_alphanumeric) {
                        return Err(format!("`{alt}` in `{src}`: a `*` goes at one end of letters"));
                    }
                    alts.push(if tail.is_some() { Alt::Prefix(piece) } else { Alt::Suffix(piece) });
                    continue;
                }
                let (exact, alt) = match alt.strip_prefix('=') {
                    Some(rest) => (true, rest),
                    None => (false, alt),
                };
                // An alternative is one word as the draft would read it ("a&e" is "a e": refused).
                let ws = words(alt, stemmer);
                let [w] = ws.as_slice() else {
                    return Err(format!("`{alt}` in `{src}` must be exactly one word"));
                };
                alts.push(if exact { Alt::Exact(w.word.clone()) } else { Alt::Stem(w.stem().to_owned()) });
            }
            elems.push(if negated { Elem::Not(alts) } else { Elem::Any(alts) });
        }
        if elems.len() > MAX_ELEMENTS {
            return Err(format!("`{src}` is too long (at most {MAX_ELEMENTS} elements)"));
        }
        if !matches!(elems.first(), Some(Elem::Any(_))) || !matches!(elems.last(), Some(Elem::Any(_) | Elem::Not(_))) {
            return Err(format!("`{src}`: a phrase starts with a word and cannot end with a gap"));
        }
        if matches!(elems.last(), Some(Elem::Not(_))) && elems.len() == 1 {
            return Err(format!("`{src}` has no word to match"));
        }
        // Built by pushes, they hold up to twice their alternatives, for the process's life.
        for elem in &mut elems {
            if let Elem::Any(alts) | Elem::Not(alts) = elem {
                alts.shrink_to_fit();
            }
        }
        elems.shrink_to_fit();
        Ok(Phrase { elems })
    }

    fn first(&self) -> &[Alt] {
        match self.elems.first() {
            Some(Elem::Any(alts)) => alts,
            _ => &[],
        }
    }

    /// End (exclusive word index) of the shortest match starting at word `at`.
    pub(crate) fn match_at(&self, ws: &[Word], at: usize) -> Option<usize> {
        let sentence = ws.get(at)?.sentence;
        match_elems(&self.elems, ws, at, sentence)
    }
}

fn match_elems(elems: &[Elem], ws: &[Word], at: usize, sentence: u32) -> Option<usize> {
    let Some((head, rest)) = elems.split_first() else {
        return Some(at);
    };
    let here = ws.get(at).filter(|w| w.sentence == sentence);
    match head {
        Elem::Any(alts) => {
            let w = here?;
            if alts.iter().any(|a| a.matches(w)) { match_elems(rest, ws, at + 1, sentence) } else { None }
        }
        Elem::Not(alts) => {
            if here.is_some_and(|w| alts.iter().any(|a| a.matches(w))) {
                return None;
            }
            match_elems(rest, ws, at, sentence)
        }
        Elem::Gap(n) => (0..=usize::from(*n)).find_map(|skip| {
            let p = at + skip;
            if skip > 0 && ws.get(p - 1).is_none_or(|w| w.sentence != sentence) {
                return None;
            }
            match_elems(rest, ws, p, sentence)
        }),
    }
}

/// FNV-1a, for the phrase index: it is looked up twice a word with short keys, where the
/// default hasher's cost showed; its keys are the rules' own words.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The phrases that can start with a word, by that word (or its stem).
type Starts = HashMap<String, Vec<usize>, std::hash::BuildHasherDefault<Fnv>>;

/// Phrases indexed by what their first word can be.
#[derive(Debug, Clone, Default)]
pub(crate) struct PhraseSet {
    phrases: Vec<(usize, Phrase)>,
    by_stem: Starts,
    /// Phrases that can start with an exact word, by that word.
    by_word: Starts,
    /// Phrases that can start with a number: tried at every number.
    other: Vec<usize>,
    /// Phrases that can start with a prefix or suffix: tried at every word.
    loose: Vec<usize>,
}

impl PhraseSet {
    pub(crate) fn add(&mut self, owner: usize, p: Phrase) {
        let i = self.phrases.len();
        for alt in p.first() {
            let list = match alt {
                Alt::Stem(s) => self.by_stem.entry(s.clone()).or_default(),
                Alt::Exact(w) => self.by_word.entry(w.clone()).or_default(),
                Alt::Num | Alt::NumBelow(_) | Alt::NumAbove(_) | Alt::Time => &mut self.other,
                Alt::Prefix(_) | Alt::Suffix(_) => &mut self.loose,
            };
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
        self.phrases.push((owner, p));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.phrases.is_empty()
    }

    /// Every match as (owner, first word, end word), in text order.
    pub(crate) fn find(&self, ws: &[Word]) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for at in 0..ws.len() {
            self.find_at(ws, at, |owner, end| out.push((owner, at, end)));
        }
        out
    }

    /// Every match starting at word `at`, as (owner, end word).
    pub(crate) fn find_at(&self, ws: &[Word], at: usize, mut found: impl FnMut(usize, usize)) {
        // Only the phrases that can start at a word are tried there (by its stem, by the
        // word itself, or as a number): a phrase is tried once per word even when its first
        // element would list it twice. (Trying every exact-word phrase at every word was
        // the restatement check's hot spot on long text.)
        let Some(w) = ws.get(at) else { return };
        let by_stem = self.by_stem.get(w.stem()).map_or(&[][..], Vec::as_slice);
        let by_word = self.by_word.get(&w.word).map_or(&[][..], Vec::as_slice);
        let numbers = if w.num { self.other.as_slice() } else { &[] };
        let tried = |i: &usize, earlier: &[&[usize]]| earlier.iter().any(|l| l.contains(i));
        let lists: [&[usize]; 4] = [by_stem, by_word, numbers, &self.loose];
        for (n, list) in lists.iter().enumerate() {
            for &i in *list {
                if n > 0 && tried(&i, lists.get(..n).unwrap_or(&[])) {
                    continue;
                }
                if let Some((owner, p)) = self.phrases.get(i)
                    && let Some(end) = p.match_at(ws, at)
                {
                    found(*owner, end);
                }
            }
        }
    }
}

/// Char span of words `start..end`.
pub(crate) fn span(ws: &[Word], start: usize, end: usize) -> (usize, usize) {
    let s = ws.get(start).map_or(0, |w| w.start);
    let e = end.checked_sub(1).and_then(|i| ws.get(i)).map_or(s, |w| w.end);
    (s, e.max(s))
}

/// Whether a negator stands within two words before word `at`, in its sentence ("it was
/// not damaged", "no delay").
pub(crate) fn negated(ws: &[Word], at: usize, negators: &[String]) -> bool {
    let Some(sentence) = ws.get(at).map(|w| w.sentence) else { return false };
    (at.saturating_sub(2)..at).filter_map(|i| ws.get(i)).any(|w| w.sentence == sentence && negators.contains(&w.word))
}

/// Where each owner's cues first match (the longest of those starting there), skipping a
/// cue with a negator just before it when its owner is `negatable`.
fn first_cues(
    ws: &[Word],
    cues: &PhraseSet,
    negators: &[String],
    owners: usize,
    negatable: impl Fn(usize) -> bool,
    set_aside: impl Fn(usize, usize) -> bool,
) -> Vec<Option<(usize, usize)>> {
    let mut first: Vec<Option<(usize, usize)>> = vec![None; owners];
    // The end of the last match set aside, by owner: a shorter cue inside it is read with it
    // ("nobody got food poisoning" sets "poisoning" aside with "food poisoning").
    let mut aside_until: Vec<usize> = vec![0; owners];
    for (owner, start, end) in cues.find(ws) {
        // Whether it would be the owner's first sign is asked before whether it is set aside:
        // the latter may cost more, and a later match never replaces an earlier one.
        let Some(slot) = first.get_mut(owner) else { continue };
        if !slot.is_none_or(|(s, e)| start < s || (start == s && end > e)) {
            continue;
        }
        let Some(until) = aside_until.get_mut(owner) else { continue };
        let inside = start < *until;
        if inside || (negatable(owner) && negated(ws, start, negators)) || set_aside(owner, start) {
            *until = (*until).max(end);
            continue;
        }
        *slot = Some((start, end));
    }
    first
}

pub(crate) fn compile_list(
    stemmer: &Stemmer,
    list: &[String],
    owner: usize,
    set: &mut PhraseSet,
    what: &str,
    line: usize,
) -> Result<(), RulesError> {
    for src in list {
        let p =
            Phrase::parse(src, stemmer).map_err(|message| RulesError::Rule { rule: what.to_owned(), line, message })?;
        set.add(owner, p);
    }
    Ok(())
}

// ---- concerns ---------------------------------------------------------------------------

/// How many words may stand between the cues of two concerns of one family for them to be
/// one event of the complaint (see `Concerns::sibling_said`).
const SAME_EVENT_GAP: usize = 2;

/// Whether the customer said it (what went wrong) or it follows from what they said (what
/// it cost them).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConcernKind {
    Stated,
    Implied,
}

/// A concern of the complaint, where the complaint raises it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Concern {
    /// The taxonomy's id (`late`, `occasion`, …).
    pub id: String,
    pub kind: ConcernKind,
    /// What it is, for a person ("it came late").
    pub name: String,
    /// The complaint's own words that raised it.
    pub words: String,
    /// Char offsets into the complaint, end exclusive.
    pub start: usize,
    pub end: usize,
}

/// A concern of the complaint that the restatement does not cover.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct MissedConcern {
    pub concern: Concern,
    /// Why it was raised and why it matters.
    pub explanation: String,
    /// How to say it back.
    pub suggestion: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcernsFile {
    language: String,
    negators: Vec<String>,
    /// How words are cut to stems (English when absent).
    #[serde(default)]
    stemming: Option<StemmingFile>,
    #[serde(rename = "concern")]
    concerns: Vec<ConcernFile>,
    #[serde(default)]
    echo: Option<Echo>,
    /// Who the customer is as a subject, and the words read through between a subject and
    /// its verb (see `fault_of_ours`); without them, the layer is off.
    #[serde(default)]
    subjects: Subjects,
    /// Negation read through a clause's subject (see [`negated_through`]); without it, only a
    /// negator just before a cue cancels it.
    #[serde(default)]
    negation: Negation,
}

/// Negation through a clause's subject: the `transparent` words a negator reaches a cue
/// through ("nobody *was* hurt"), and the `subjects` that negate only that way ("nobody",
/// which before a cue of its own is the cue: "nobody answered").
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Negation {
    #[serde(default)]
    transparent: Vec<String>,
    #[serde(default)]
    subjects: Vec<String>,
}

/// The customer as the subject of a clause: `customer` words ("i", "we") and the `through`
/// words that may stand between the subject and the cue's verb ("had to", "already").
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Subjects {
    customer: Vec<String>,
    through: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ConcernFile {
    id: toml::Spanned<String>,
    kind: ConcernKind,
    name: String,
    why: String,
    suggestion: String,
    #[serde(default = "yes")]
    negatable: bool,
    /// A fault of the business: a cue whose subject is the customer ("I cancelled", "we had
    /// to cancel the trip") tells their own act and raises nothing.
    #[serde(default)]
    fault_of_ours: bool,
    cues: Vec<String>,
    /// Cues that raise the concern but do not say it back: naming the peanut is not
    /// saying that the dish was dangerous.
    #[serde(default)]
    hints: Vec<String>,
    #[serde(default)]
    covers: Vec<String>,
    /// What looks like a cue of this concern and is not (a figure, a mention, an adult
    /// "child", a wait that is no delay): a cue starting inside one raises nothing.
    #[serde(default)]
    not_cues: Vec<String>,
    /// Concerns of one family are readings of one kind of event ("never showed" is a thing
    /// missing and a visit cancelled; "two weeks late" is late and a wait): where the
    /// complaint raises two of a family at the same words, saying one back says the event back.
    #[serde(default)]
    family: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone)]
struct ConcernRule {
    id: String,
    kind: ConcernKind,
    name: String,
    why: String,
    suggestion: String,
    negatable: bool,
    fault_of_ours: bool,
    /// Its family, by index into the file's family names (see `ConcernFile::family`).
    family: Option<usize>,
}

/// The concerns taxonomy of one language, compiled.
#[derive(Debug, Clone, Default)]
pub(crate) struct Concerns {
    rules: Vec<ConcernRule>,
    negators: Vec<String>,
    stemmer: Stemmer,
    cues: PhraseSet,
    /// Cues and covers: what counts as saying the concern back.
    covers: PhraseSet,
    echo: Echo,
    subjects: Subjects,
    /// Negators read through a clause's subject, and the words they read through.
    subject_negators: Vec<String>,
    transparent: Vec<String>,
    /// `not_cues`, owned by the concern whose cues they set aside.
    not_cues: PhraseSet,
    /// The learned judge of what the taxonomy's words leave uncovered (`rules/judge.en.tsv`);
    /// off when empty.
    judge: CoverJudge,
    /// The one-word cues and covers of each concern, as (concern, stem): what the thesaurus
    /// is looked up by.
    single: Vec<(usize, String)>,
    /// Every stem any phrase of a concern names, as (concern, stem): a relative that another
    /// concern names is left out.
    mentioned: Vec<(usize, String)>,
    /// Words from outside the corpus (`rules/thesaurus.en.tsv`, from WordNet); off when empty.
    thesaurus: Thesaurus,
    /// What counts as saying a concern back: its cues and covers and, with a thesaurus, their
    /// relatives (one set, so a restatement is read once).
    said: PhraseSet,
}

pub(crate) fn syntax_error(text: &str, e: &toml::de::Error) -> RulesError {
    let at = e.span().map_or(0, |s| s.start);
    let upto = text.get(..at).unwrap_or(text);
    let line = upto.bytes().filter(|b| *b == b'\n').count() + 1;
    let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    RulesError::Syntax { line, column, message: e.message().to_owned() }
}

pub(crate) fn line_at(text: &str, byte: usize) -> usize {
    text.get(..byte).unwrap_or(text).bytes().filter(|b| *b == b'\n').count() + 1
}

impl Concerns {
    /// How many rules it holds.
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }

    pub(crate) fn compile(text: &str) -> Result<Concerns, RulesError> {
        let file: ConcernsFile = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        if file.language.trim().is_empty() {
            return Err(RulesError::Rule { rule: "language".into(), line: 1, message: "`language` is empty".into() });
        }
        let stemmer = Stemmer::from_file(file.stemming);
        let negators = stemmer.fold_words(&file.negators);
        let mut echo = file.echo.unwrap_or_default();
        echo.share = echo.share.clamp(0.0, 1.0);
        echo.function_words = stemmer.fold_words(&echo.function_words);
        echo.function_words.sort_unstable();
        echo.function_words.dedup();
        let subjects = Subjects {
            customer: stemmer.fold_words(&file.subjects.customer),
            through: stemmer.fold_words(&file.subjects.through),
        };
        let mut subject_negators = stemmer.fold_words(&file.negation.subjects);
        subject_negators.extend(negators.iter().cloned());
        let transparent = stemmer.fold_words(&file.negation.transparent);
        let mut out =
            Concerns { negators, stemmer, echo, subjects, subject_negators, transparent, ..Concerns::default() };
        let mut seen = std::collections::BTreeSet::new();
        let mut families: Vec<&str> = Vec::new();
        for (i, c) in file.concerns.iter().enumerate() {
            let what = format!("concern \"{}\"", c.id.get_ref());
            let line = line_at(text, c.id.span().start);
            if !seen.insert(c.id.get_ref().clone()) {
                return Err(RulesError::Rule { rule: what, line, message: "duplicate concern id".into() });
            }
            if c.cues.is_empty() {
                return Err(RulesError::Rule { rule: what, line, message: "`cues` is empty".into() });
            }
            let st = &out.stemmer;
            compile_list(st, &c.cues, i, &mut out.cues, &what, line)?;
            compile_list(st, &c.hints, i, &mut out.cues, &what, line)?;
            compile_list(st, &c.cues, i, &mut out.covers, &what, line)?;
            compile_list(st, &c.covers, i, &mut out.covers, &what, line)?;
            compile_list(st, &c.not_cues, i, &mut out.not_cues, &what, line)?;
            for src in c.cues.iter().chain(&c.hints).chain(&c.covers) {
                for part in src.split_whitespace().filter(|p| !p.contains(['#', '~', '*'])) {
                    for alt in part.split('|') {
                        let word = st.fold(&alt.trim_start_matches(['=', '!']).to_lowercase());
                        out.mentioned.push((i, st.stem(&word)));
                    }
                }
            }
            for src in c.cues.iter().chain(&c.covers) {
                // A one-word phrase, or one word and what may not follow it ("wedding !dress").
                let mut parts = src.split_whitespace();
                let head = parts.next().unwrap_or_default();
                if parts.all(|p| p.starts_with('!')) && !head.contains(['#', '~', '!', '*']) {
                    for alt in head.split('|') {
                        let word = st.fold(&alt.trim_start_matches('=').to_lowercase());
                        out.single.push((i, st.stem(&word)));
                    }
                }
            }
            out.rules.push(ConcernRule {
                id: c.id.get_ref().clone(),
                kind: c.kind,
                name: c.name.clone(),
                why: c.why.clone(),
                suggestion: c.suggestion.clone(),
                negatable: c.negatable,
                fault_of_ours: c.fault_of_ours,
                family: c.family.as_deref().map(|f| {
                    families.iter().position(|g| *g == f).unwrap_or_else(|| {
                        families.push(f);
                        families.len() - 1
                    })
                }),
            });
        }
        out.said = out.covers.clone();
        Ok(out)
    }

    /// Where each concern of the taxonomy is raised in `ws` (a complaint's words): its
    /// first cue, as (rule, first word, end word), in text order.
    fn raised(&self, ws: &[Word]) -> Vec<(usize, usize, usize)> {
        let first = first_cues(
            ws,
            &self.cues,
            &self.negators,
            self.rules.len(),
            |i| self.rules.get(i).is_some_and(|r| r.negatable),
            |i, at| {
                let Some(rule) = self.rules.get(i) else { return false };
                (rule.fault_of_ours && self.their_own_act(ws, at))
                    || (!self.not_cues.is_empty() && inside_not_cue(&self.not_cues, ws, at, |owner| owner == i))
                    || (rule.negatable && negated_through(ws, at, &self.subject_negators, &self.transparent, &[]))
            },
        );
        let mut out: Vec<(usize, usize, usize)> =
            first.iter().enumerate().filter_map(|(i, slot)| slot.map(|(s, e)| (i, s, e))).collect();
        out.sort_by_key(|&(i, s, e)| (span(ws, s, e), i));
        out
    }

    fn concern(&self, ws: &[Word], chars: &[char], (i, s, e): (usize, usize, usize)) -> Option<Concern> {
        let rule = self.rules.get(i)?;
        let (start, end) = span(ws, s, e);
        Some(Concern {
            id: rule.id.clone(),
            kind: rule.kind,
            name: rule.name.clone(),
            words: chars.get(start..end).map(|c| c.iter().collect()).unwrap_or_default(),
            start,
            end,
        })
    }

    /// The concerns of a complaint, one per taxonomy entry, at its first cue, in text order.
    pub(crate) fn of(&self, complaint: &str) -> Vec<Concern> {
        let ws = words(complaint, &self.stemmer);
        let chars: Vec<char> = complaint.chars().collect();
        self.raised(&ws).into_iter().filter_map(|r| self.concern(&ws, &chars, r)).collect()
    }

    /// Whether the restatement echoes the complaint's own words around the cue that raised
    /// stated concern `i` at words `s..e` of `ws`: one sentence of the restatement shares at
    /// least `min_shared` (and at least `share`) of the content stems within `window` words of
    /// the cue, in its sentence, that stand nearer this cue than any other concern's; and that
    /// sentence says something in words of its own (a content word the complaint does not
    /// have: the fault in other words). The nearest-cue share keeps a stated fault's context
    /// from covering a concern raised beside it; the words of its own keep "you returned some
    /// books" (the object said back, the fault left out) from covering "still waiting for my
    /// refund for the returned books". Implied concerns are never echoed: they are raised by
    /// naming whom or what it cost, beside the fault, and the fault's context says nothing of them.
    fn echoed<'a>(
        &self,
        i: usize,
        ws: &'a [Word],
        (s, e): (usize, usize),
        raised: &[(usize, usize, usize)],
        rws: &[Word],
        theirs: &std::cell::OnceCell<Vec<&'a str>>,
    ) -> bool {
        let echo = &self.echo;
        if echo.min_shared == 0 || self.rules.get(i).is_none_or(|r| r.kind != ConcernKind::Stated) {
            return false;
        }
        let Some(sentence) = ws.get(s).map(|w| w.sentence) else { return false };
        let dist = |k: usize, s: usize, e: usize| {
            if k < s {
                s - k
            } else if k >= e {
                k + 1 - e
            } else {
                0
            }
        };
        let mut content = std::collections::BTreeSet::new();
        for (k, w) in ws.iter().enumerate().take(e.saturating_add(echo.window)).skip(s.saturating_sub(echo.window)) {
            if w.sentence != sentence || !self.is_content(w) {
                continue;
            }
            let mine = dist(k, s, e);
            let nearer_another = raised.iter().any(|&(j, s2, e2)| {
                j != i && ws.get(s2).is_some_and(|w2| w2.sentence == sentence) && dist(k, s2, e2) < mine
            });
            if !nearer_another {
                content.insert(w.stem());
            }
        }
        if content.is_empty() {
            return false;
        }
        let need = (echo.share * content.len() as f64).ceil() as usize;
        let mut k = 0;
        while let Some(first) = rws.get(k) {
            let start = k;
            let mut shared: Vec<&str> = Vec::new();
            while let Some(w) = rws.get(k).filter(|w| w.sentence == first.sentence) {
                if content.contains(w.stem()) && !shared.contains(&w.stem()) {
                    shared.push(w.stem());
                }
                k += 1;
            }
            if shared.len() >= echo.min_shared.max(need) {
                let theirs = theirs.get_or_init(|| {
                    let mut t: Vec<&str> = ws.iter().map(|w| w.stem()).collect();
                    t.sort_unstable();
                    t
                });
                let own = |w: &Word| self.is_content(w) && theirs.binary_search(&w.stem()).is_err();
                if rws.get(start..k).unwrap_or_default().iter().any(own) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether the clause of word `at` has the customer as its subject: reading back from
    /// it through at most four of the `through` words, in its sentence, a customer word
    /// stands there ("I cancelled", "we'd already had to cancel").
    fn their_own_act(&self, ws: &[Word], at: usize) -> bool {
        let Some(sentence) = ws.get(at).map(|w| w.sentence) else { return false };
        for back in 1..=5 {
            let Some(w) = at.checked_sub(back).and_then(|k| ws.get(k)).filter(|w| w.sentence == sentence) else {
                return false;
            };
            if self.subjects.customer.contains(&w.word) {
                return true;
            }
            if back == 5 || !self.subjects.through.contains(&w.word) {
                return false;
            }
        }
        false
    }

    fn is_content(&self, w: &Word) -> bool {
        !w.num && w.stem().chars().count() >= 3 && self.echo.function_words.binary_search(&w.word).is_err()
    }

    /// The complaint's concerns that `restatement` does not say back: neither in any of the
    /// words the taxonomy lists for them (or their relatives in the thesaurus) nor, for a stated
    /// one, by echoing the complaint's own words around its cue (see [`Concerns::echoed`] and
    /// `[echo]` in the hearing file).
    pub(crate) fn missed(&self, complaint: &str, restatement: &str) -> Vec<MissedConcern> {
        let ws = words(complaint, &self.stemmer);
        let chars: Vec<char> = complaint.chars().collect();
        self.unsaid(&ws, restatement, self.judge.is_on())
            .into_iter()
            .filter(|u| !self.judge.covered(&u.facts))
            .filter_map(|u| {
                let rule = self.rules.get(u.raised.0)?;
                let concern = self.concern(&ws, &chars, u.raised)?;
                let explanation = format!(
                    "The customer wrote \"{}\" ({}), and the restatement does not say it back. {}",
                    concern.words, rule.name, rule.why
                );
                Some(MissedConcern { concern, explanation, suggestion: rule.suggestion.clone() })
            })
            .collect()
    }

    /// The complaint's concerns (words `ws`) that `restatement` says back neither in the
    /// taxonomy's words nor by an echo, each with the facts the judge weighs (when `facts`).
    fn unsaid(&self, ws: &[Word], restatement: &str, facts: bool) -> Vec<Unsaid> {
        let rws = words(restatement, &self.stemmer);
        let mut covered = vec![false; self.rules.len()];
        for (owner, _, _) in self.said.find(&rws) {
            if let Some(c) = covered.get_mut(owner) {
                *c = true;
            }
        }
        let raised = self.raised(ws);
        // The complaint's stems, sorted only when an echo is weighed.
        let theirs = std::cell::OnceCell::new();
        let said_directly = |(i, s, e): (usize, usize, usize)| {
            covered.get(i).copied().unwrap_or(true) || self.echoed(i, ws, (s, e), &raised, &rws, &theirs)
        };
        let unsaid: Vec<(usize, usize, usize)> = raised
            .iter()
            .copied()
            .filter(|&r| !said_directly(r) && !self.sibling_said(ws, r, &raised, &said_directly))
            .collect();
        if !facts || unsaid.is_empty() {
            return unsaid.iter().map(|&r| Unsaid { raised: r, facts: Vec::new() }).collect();
        }
        // The content stems near each unsaid concern's cue, and which of them the restatement
        // has: one pass over the restatement against their few stems, not a sort of its own.
        let near: Vec<Vec<&str>> = unsaid.iter().map(|&r| self.near_cue(ws, r)).collect();
        let mut wanted: Vec<&str> = near.iter().flatten().copied().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut back = vec![false; wanted.len()];
        // A stem's first byte and length, as one bit of 64: most words of a long restatement
        // are passed over on that bit alone, without comparing strings.
        let bit = |st: &str| 1u64 << ((usize::from(st.as_bytes().first().copied().unwrap_or(0)) * 31 + st.len()) % 64);
        let filter = wanted.iter().fold(0u64, |f, st| f | bit(st));
        for w in &rws {
            if filter & bit(w.stem()) != 0
                && let Ok(k) = wanted.binary_search(&w.stem())
                && let Some(b) = back.get_mut(k)
            {
                *b = true;
            }
        }
        let said = |st: &&str| wanted.binary_search(st).is_ok_and(|k| back.get(k).copied().unwrap_or(false));
        unsaid
            .iter()
            .zip(&near)
            .map(|(&r, near)| {
                let back = near.iter().filter(|st| said(st)).count();
                Unsaid { raised: r, facts: self.judged(r.0, back, near.len(), raised.len(), unsaid.len()) }
            })
            .collect()
    }

    /// Whether a concern of the same family as concern `i`, raised at the same words of the
    /// complaint (cue spans overlapping or at most `SAME_EVENT_GAP` words apart, in one
    /// sentence), is said back: then the event is said back, in the reading the restatement
    /// chose ("your engineer never came" says back a "never showed" heard as missing too).
    fn sibling_said(
        &self,
        ws: &[Word],
        (i, s, e): (usize, usize, usize),
        raised: &[(usize, usize, usize)],
        said_directly: &impl Fn((usize, usize, usize)) -> bool,
    ) -> bool {
        let Some(family) = self.rules.get(i).and_then(|r| r.family) else { return false };
        let sentence = ws.get(s).map(|w| w.sentence);
        raised.iter().any(|&(j, s2, e2)| {
            j != i
                && self.rules.get(j).is_some_and(|r| r.family == Some(family))
                && ws.get(s2).map(|w| w.sentence) == sentence
                && s2 <= e + SAME_EVENT_GAP
                && s <= e2 + SAME_EVENT_GAP
                && said_directly((j, s2, e2))
        })
    }

    /// The content stems within the echo's window of a cue at words `s..e`, in its sentence.
    fn near_cue<'a>(&self, ws: &'a [Word], (_, s, e): (usize, usize, usize)) -> Vec<&'a str> {
        let sentence = ws.get(s).map(|w| w.sentence);
        let window = self.echo.window.max(3);
        let mut near: Vec<&str> = ws
            .iter()
            .enumerate()
            .filter(|(k, w)| Some(w.sentence) == sentence && *k + window >= s && *k < e + window && self.is_content(w))
            .map(|(_, w)| w.stem())
            .collect();
        near.sort_unstable();
        near.dedup();
        near
    }

    /// The facts the judge weighs about concern `i` left unsaid by a restatement that has
    /// `back` of the `near` content stems around its cue, when the complaint raised `raised`
    /// concerns and `unsaid` of them are left unsaid, as named features: its kind; how much of
    /// the rest of the complaint's concerns the restatement says back (`others`); how many of
    /// the words around its cue come back anywhere in the restatement (`echo`); and the kind
    /// crossed with each. The restatement's length is left out on purpose: in the labelled
    /// pairs it told complete from partial restatements almost alone, and a judge that read it
    /// passed long restatements that leave a concern out (`en_tuning12`).
    fn judged(&self, i: usize, back: usize, near: usize, raised: usize, unsaid: usize) -> Vec<String> {
        let kind = match self.rules.get(i).map(|r| r.kind) {
            Some(ConcernKind::Implied) => "implied",
            _ => "stated",
        };
        let others = match (raised.saturating_sub(1), raised.saturating_sub(unsaid)) {
            (0, _) => "alone",
            (_, 0) => "none",
            (n, said) if said >= n => "all",
            (n, said) if 2 * said >= n => "most",
            _ => "some",
        };
        let echo = match back {
            0 => "none",
            _ if 2 * back >= near => "most",
            _ => "some",
        };
        vec![
            format!("kind {kind}"),
            format!("others {others}"),
            format!("echo {echo}"),
            format!("{kind} others {others}"),
            format!("{kind} echo {echo}"),
        ]
    }

    /// The judge's cases of a complaint and a restatement: each concern left unsaid by the
    /// taxonomy's words and the echo, by id, with the facts the judge weighs (for the trainer).
    pub(crate) fn judge_cases(&self, complaint: &str, restatement: &str) -> Vec<(String, Vec<String>)> {
        let ws = words(complaint, &self.stemmer);
        self.unsaid(&ws, restatement, true)
            .into_iter()
            .filter_map(|u| Some((self.rules.get(u.raised.0)?.id.clone(), u.facts)))
            .collect()
    }

    /// These concerns with a thesaurus (an empty one is off): each relative of a concern's
    /// one-word cue or cover counts as saying it back, unless another concern names its stem in
    /// any phrase (cue, hint or cover) or it is a word without content. Relatives never raise a
    /// concern, so every finding is still a cue's, at the complaint's words.
    pub(crate) fn with_thesaurus(mut self, thesaurus: Thesaurus) -> Concerns {
        self.thesaurus = thesaurus;
        let mut owners: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (i, st) in &self.single {
            owners.entry(st.as_str()).or_default().push(*i);
        }
        let mut named: std::collections::HashMap<&str, Vec<usize>> = std::collections::HashMap::new();
        for (i, st) in &self.mentioned {
            named.entry(st.as_str()).or_default().push(*i);
        }
        let mut said = self.covers.clone();
        let mut seen = std::collections::BTreeSet::new();
        for (word, relatives) in &self.thesaurus.entries {
            let key = self.stemmer.stem(&self.stemmer.fold(word));
            let Some(mine) = owners.get(key.as_str()) else { continue };
            for rel in relatives {
                if !rel.contains(' ') {
                    let w = words(rel, &self.stemmer);
                    let Some(w) = w.first() else { continue };
                    if !self.is_content(w)
                        || self.echo.function_words.binary_search_by(|f| f.as_str().cmp(w.stem())).is_ok()
                    {
                        continue;
                    }
                    if named.get(w.stem()).is_some_and(|o| o.iter().any(|i| !mine.contains(i))) {
                        continue;
                    }
                }
                let Ok(p) = Phrase::parse(rel, &self.stemmer) else { continue };
                for &i in mine {
                    if seen.insert((i, rel.as_str())) {
                        said.add(i, p.clone());
                    }
                }
            }
        }
        self.said = said;
        self
    }

    /// The thesaurus, taken out (these concerns are left without one).
    pub(crate) fn take_thesaurus(&mut self) -> Thesaurus {
        self.said = self.covers.clone();
        std::mem::take(&mut self.thesaurus)
    }

    /// These concerns with a learned judge (an empty one is off).
    pub(crate) fn with_judge(mut self, judge: CoverJudge) -> Concerns {
        self.judge = judge;
        self
    }

    /// The judge, taken out (these concerns are left without one).
    pub(crate) fn take_judge(&mut self) -> CoverJudge {
        std::mem::take(&mut self.judge)
    }
}

/// Words from outside the corpus, for the restatement check (`rules/thesaurus.en.tsv`, written
/// by `examples/thesaurus.rs` from WordNet): lines of a word and its relatives, comma-separated,
/// after a tab; `#` starts a comment line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Thesaurus {
    entries: Vec<(String, Vec<String>)>,
}

impl Thesaurus {
    pub(crate) fn parse(text: &str) -> Result<Thesaurus, RulesError> {
        let mut entries = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((word, relatives)) = line.split_once('\t') else {
                return Err(RulesError::Rule {
                    rule: "thesaurus".into(),
                    line: n + 1,
                    message: "expected a word, a tab and its relatives".into(),
                });
            };
            let relatives = relatives.split(',').map(str::trim).filter(|r| !r.is_empty()).map(str::to_lowercase);
            entries.push((word.trim().to_lowercase(), relatives.collect()));
        }
        Ok(Thesaurus { entries })
    }
}

/// A concern the taxonomy's words and the echo leave unsaid: where it was raised, and the
/// facts the judge weighs.
struct Unsaid {
    raised: (usize, usize, usize),
    facts: Vec<String>,
}

/// The `[echo]` table of a hearing file: a stated concern counts as said back when one
/// sentence of the restatement shares at least `min_shared` (and at least `share` of) the
/// content stems near its cue, and says something in words of its own (see
/// [`Concerns::echoed`]). Without the table, off.
#[derive(Deserialize, Debug, Clone, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct Echo {
    window: usize,
    min_shared: usize,
    share: f64,
    /// Words that carry no content (articles, pronouns, auxiliaries, prepositions); sorted
    /// once compiled.
    function_words: Vec<String>,
}

// ---- triage -----------------------------------------------------------------------------

/// A sign in the complaint that it is serious.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    Safety,
    Health,
    Allergy,
    Child,
    LegalThreat,
    Repeat,
    StrongEmotion,
}

/// A case severity, as the desk names them.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseSeverity {
    Low,
    Normal,
    High,
    Critical,
}

impl CaseSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseSeverity::Low => "low",
            CaseSeverity::Normal => "normal",
            CaseSeverity::High => "high",
            CaseSeverity::Critical => "critical",
        }
    }

    fn raised(self) -> CaseSeverity {
        match self {
            CaseSeverity::Low => CaseSeverity::Normal,
            CaseSeverity::Normal => CaseSeverity::High,
            CaseSeverity::High | CaseSeverity::Critical => CaseSeverity::Critical,
        }
    }
}

/// Why triage suggests what it does: the complaint's words, located.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reason {
    pub kind: ReasonKind,
    /// Char offsets into the complaint, end exclusive.
    pub start: usize,
    pub end: usize,
    pub words: String,
    /// Why this sign matters, from the rules file.
    #[serde(default)]
    pub why: String,
    /// What the sign alone suggests.
    #[serde(skip, default = "normal")]
    pub severity: CaseSeverity,
    /// Raises the strongest other sign one level (a child).
    #[serde(skip)]
    pub amplifies: bool,
}

fn normal() -> CaseSeverity {
    CaseSeverity::Normal
}

/// The coach's reading of a complaint at intake.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Triage {
    pub severity: CaseSeverity,
    /// One per kind, at its first sign, in text order.
    pub reasons: Vec<Reason>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TriageFile {
    language: String,
    negators: Vec<String>,
    /// How words are cut to stems (English when absent).
    #[serde(default)]
    stemming: Option<StemmingFile>,
    /// The suggestion when nothing is found.
    default: CaseSeverity,
    /// How many capitalised words ("NEVER", "UNACCEPTABLE") or runs of "!!" read as shouting.
    shouting: usize,
    /// Words a negator reaches a cue through ("nobody *was* hurt", "not a single person
    /// *was* injured"): besides the two words just before a cue, a negator cancels it when
    /// only these words, at most four, stand between them in its clause.
    #[serde(default)]
    transparent: Vec<String>,
    /// Words after which one more word, the subject's noun, may stand between a negator and
    /// a cue ("not a single *guest* got ill", "no *customer* was hurt").
    #[serde(default)]
    quantifiers: Vec<String>,
    /// Words that keep a negated threat a threat (a `disavowable` cue): a condition ("if you
    /// don't refund me, ...") or "I won't hesitate to ...", in the cue's clause before it.
    #[serde(default)]
    still_meant: Vec<String>,
    #[serde(default)]
    taken_back: TakenBackFile,
    #[serde(default)]
    aside: AsideFile,
    #[serde(rename = "reason")]
    reasons: Vec<ReasonFile>,
}

/// What sets a cue aside before it counts, read from the words around it rather than from
/// the cue: a condition the clause opens with, who the customer is, a cue naming a kind of
/// thing. None listed: the layer is off.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AsideFile {
    /// A clause opened by one of these did not happen ("if this happens again", "in case
    /// it breaks"): an `actual` kind's cue after one, in its clause, is set aside.
    #[serde(default)]
    conditions: Vec<String>,
    /// Words before a condition that make it a question asked, not a condition ("I want to
    /// know if this is the third time").
    #[serde(default)]
    asking: Vec<String>,
    /// Runs of words that, just before a cue, make it who someone is, not what happened
    /// ("I'm a paramedic", "she works as a solicitor").
    #[serde(default)]
    identity: Vec<String>,
    /// Nouns that, just after a one-word cue, make it the name of a kind of thing ("the
    /// allergen information", "a medical conference").
    #[serde(default)]
    heads: Vec<String>,
    /// Things with no body (a website, an app, a scheme): a `bodily` kind's cue with one of
    /// them for its subject, at most five words before it in its clause, is a figure ("the
    /// website keeps crashing", "the app is a car crash").
    #[serde(default)]
    unbodily: Vec<String>,
    /// Spans of time that hold one occasion ("this morning", "in the night"): a `one_occasion`
    /// kind's cue with one of them beside it in its clause is no history ("I had to refresh the
    /// page five times this morning").
    #[serde(default)]
    occasions: Vec<String>,
}

/// [`AsideFile`], folded as the text's words are.
#[derive(Debug, Clone, Default)]
struct Aside {
    conditions: Vec<Vec<String>>,
    asking: Vec<String>,
    identity: Vec<Vec<String>>,
    heads: Vec<String>,
    unbodily: Vec<String>,
    occasions: Vec<Vec<String>>,
}

/// How a sentence takes back a disavowed threat ("I don't want to involve a lawyer, but I
/// will if I have to"): a `turns` word, then within three words a word or run of words of
/// `intent` ("will", "if"; "es sei denn"), or a word written with one of `endings` ("I'll").
/// None listed: a disavowal is never taken back.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TakenBackFile {
    #[serde(default)]
    turns: Vec<String>,
    #[serde(default)]
    intent: Vec<String>,
    #[serde(default)]
    endings: Vec<String>,
}

/// [`TakenBackFile`], folded as the text's words are.
#[derive(Debug, Clone, Default)]
struct TakenBack {
    turns: Vec<String>,
    /// Each a run of words.
    intent: Vec<Vec<String>>,
    endings: Vec<String>,
}

/// The words of a list entry ("es sei denn").
fn words_of(entry: &str) -> Vec<String> {
    entry.split_whitespace().map(str::to_owned).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonFile {
    kind: toml::Spanned<ReasonKind>,
    /// What this sign alone suggests.
    severity: CaseSeverity,
    /// Raises the strongest other sign one level (a child makes an allergy critical).
    #[serde(default)]
    amplifies: bool,
    #[serde(default = "yes")]
    negatable: bool,
    /// An amplifier raises only these kinds (none listed: any).
    #[serde(default)]
    raises: Vec<ReasonKind>,
    /// A negator earlier in the cue's clause disavows it ("I have no wish to involve a
    /// lawyer"), unless the sentence goes on to "but I will" or a condition ("..., but I
    /// will if I have to"): the hedged threat stands.
    #[serde(default)]
    disavowable: bool,
    /// Only what happened counts: a cue in a clause a condition opens ("if this happens
    /// again") is set aside (the file's `[aside] conditions`).
    #[serde(default)]
    actual: bool,
    /// Happens to a body: a cue whose subject is a thing with none (the file's `[aside]
    /// unbodily`: "the website is crashing") is a figure.
    #[serde(default)]
    bodily: bool,
    /// A count ("five times") that one occasion holds ("this morning", the file's `[aside]
    /// occasions`) is no history.
    #[serde(default)]
    one_occasion: bool,
    /// Why the sign matters, for staff: shown beside the words that raised it.
    #[serde(default)]
    why: String,
    cues: Vec<String>,
    /// What looks like a cue of this kind and is not: a figure of speech ("giving me a
    /// headache"), a title or a mention ("the solicitor's office"), an adult child ("my
    /// daughter, who is 32"). A cue of this kind that starts inside one is set aside.
    #[serde(default)]
    not_cues: Vec<String>,
}

#[derive(Debug, Clone)]
struct ReasonRule {
    kind: ReasonKind,
    severity: CaseSeverity,
    amplifies: bool,
    raises: Vec<ReasonKind>,
    negatable: bool,
    disavowable: bool,
    actual: bool,
    bodily: bool,
    one_occasion: bool,
    why: String,
}

/// The triage rules of one language, compiled.
#[derive(Debug, Clone)]
pub(crate) struct TriageRules {
    rules: Vec<ReasonRule>,
    negators: Vec<String>,
    stemmer: Stemmer,
    default: CaseSeverity,
    shouting: usize,
    cues: PhraseSet,
    /// `not_cues`, owned by the rule whose kind they set aside.
    not_cues: PhraseSet,
    transparent: Vec<String>,
    quantifiers: Vec<String>,
    still_meant: Vec<String>,
    taken_back: TakenBack,
    aside: Aside,
}

impl Default for TriageRules {
    fn default() -> Self {
        TriageRules {
            rules: Vec::new(),
            negators: Vec::new(),
            stemmer: Stemmer::default(),
            default: CaseSeverity::Normal,
            shouting: usize::MAX,
            cues: PhraseSet::default(),
            not_cues: PhraseSet::default(),
            transparent: Vec::new(),
            quantifiers: Vec::new(),
            still_meant: Vec::new(),
            taken_back: TakenBack::default(),
            aside: Aside::default(),
        }
    }
}

/// Shouting: words of three or more capital letters, and runs of two or more `!`, as
/// (count, char span of the first).
fn shouting(text: &str) -> (usize, Option<(usize, usize)>) {
    let mut count = 0;
    let mut first = None;
    let mut run_start = 0;
    let mut run_len = 0;
    let mut bangs = 0;
    let chars: Vec<char> = text.chars().collect();
    let mut note = |count: &mut usize, s: usize, e: usize| {
        *count += 1;
        first.get_or_insert((s, e));
    };
    for (i, c) in chars.iter().enumerate() {
        if c.is_alphabetic() && c.is_uppercase() {
            if run_len == 0 {
                run_start = i;
            }
            run_len += 1;
        } else {
            let word_ends = !c.is_alphabetic();
            if run_len >= 3
                && word_ends
                && (run_start == 0 || !chars.get(run_start - 1).is_some_and(|p| p.is_alphabetic()))
            {
                note(&mut count, run_start, i);
            }
            run_len = 0;
        }
        if *c == '!' {
            bangs += 1;
        } else {
            if bangs >= 2 {
                note(&mut count, i - bangs, i);
            }
            bangs = 0;
        }
    }
    if run_len >= 3 && (run_start == 0 || !chars.get(run_start - 1).is_some_and(|p| p.is_alphabetic())) {
        note(&mut count, run_start, chars.len());
    }
    if bangs >= 2 {
        note(&mut count, chars.len() - bangs, chars.len());
    }
    (count, first)
}

impl TriageRules {
    /// How many rules it holds.
    pub(crate) fn len(&self) -> usize {
        self.rules.len()
    }

    pub(crate) fn compile(text: &str) -> Result<TriageRules, RulesError> {
        let file: TriageFile = toml::from_str(text).map_err(|e| syntax_error(text, &e))?;
        if file.language.trim().is_empty() {
            return Err(RulesError::Rule { rule: "language".into(), line: 1, message: "`language` is empty".into() });
        }
        let stemmer = Stemmer::from_file(file.stemming);
        let taken_back = TakenBack {
            turns: stemmer.fold_words(&file.taken_back.turns),
            intent: file.taken_back.intent.iter().map(|i| stemmer.fold_words(&words_of(i))).collect(),
            endings: stemmer.fold_words(&file.taken_back.endings),
        };
        let runs = |list: &[String]| list.iter().map(|i| stemmer.fold_words(&words_of(i))).collect::<Vec<_>>();
        let aside = Aside {
            conditions: runs(&file.aside.conditions),
            asking: stemmer.fold_words(&file.aside.asking),
            identity: runs(&file.aside.identity),
            heads: stemmer.fold_words(&file.aside.heads),
            unbodily: stemmer.fold_words(&file.aside.unbodily),
            occasions: runs(&file.aside.occasions),
        };
        let mut out = TriageRules {
            aside,
            negators: stemmer.fold_words(&file.negators),
            transparent: stemmer.fold_words(&file.transparent),
            quantifiers: stemmer.fold_words(&file.quantifiers),
            still_meant: stemmer.fold_words(&file.still_meant),
            taken_back,
            stemmer,
            default: file.default,
            shouting: file.shouting.max(1),
            ..TriageRules::default()
        };
        for (i, r) in file.reasons.iter().enumerate() {
            let kind = *r.kind.get_ref();
            let what = format!("reason \"{}\"", kind.as_str());
            let line = line_at(text, r.kind.span().start);
            if r.cues.is_empty() {
                return Err(RulesError::Rule { rule: what, line, message: "`cues` is empty".into() });
            }
            compile_list(&out.stemmer, &r.cues, i, &mut out.cues, &what, line)?;
            compile_list(&out.stemmer, &r.not_cues, i, &mut out.not_cues, &what, line)?;
            out.rules.push(ReasonRule {
                kind,
                severity: r.severity,
                amplifies: r.amplifies,
                raises: r.raises.clone(),
                negatable: r.negatable,
                disavowable: r.disavowable,
                actual: r.actual,
                bodily: r.bodily,
                one_occasion: r.one_occasion,
                why: r.why.clone(),
            });
        }
        Ok(out)
    }

    pub(crate) fn triage(&self, complaint: &str) -> Triage {
        let ws = words(complaint, &self.stemmer);
        // Sized once: collecting chars grows the list several times over a complaint.
        let mut chars: Vec<char> = Vec::with_capacity(complaint.len());
        chars.extend(complaint.chars());
        // Whether a cue of `kind` at word `at` starts inside what looks like one and is not.
        let masked = |kind: ReasonKind, at: usize| {
            inside_not_cue(&self.not_cues, &ws, at, |owner| self.rules.get(owner).is_some_and(|r| r.kind == kind))
        };
        let first = first_cues(
            &ws,
            &self.cues,
            &self.negators,
            self.rules.len(),
            |i| self.rules.get(i).is_some_and(|r| r.negatable),
            |owner, start| {
                let Some(rule) = self.rules.get(owner) else { return false };
                (!self.not_cues.is_empty() && masked(rule.kind, start))
                    || (rule.negatable && self.negated_through(&ws, start))
                    || (rule.disavowable && self.disavowed(&ws, &chars, start))
                    || (rule.actual && in_condition(&ws, start, &self.aside.conditions, &self.aside.asking))
                    || self.not_an_event(&ws, start)
                    || (rule.bodily && self.of_no_body(&ws, start))
                    || (rule.one_occasion && self.in_one_occasion(&ws, start))
            },
        );
        let words_at = |start: usize, end: usize| -> String {
            chars.get(start..end).map(|c| c.iter().collect()).unwrap_or_default()
        };
        let reason = |rule: &ReasonRule, start: usize, end: usize| -> Reason {
            Reason {
                kind: rule.kind,
                start,
                end,
                words: words_at(start, end),
                why: rule.why.clone(),
                severity: rule.severity,
                amplifies: rule.amplifies,
            }
        };
        // Several rules may share a kind; keep the first sign of each kind.
        let mut reasons: Vec<(Reason, usize)> = Vec::new();
        for (i, slot) in first.iter().enumerate() {
            let (Some((s, e)), Some(rule)) = (slot, self.rules.get(i)) else { continue };
            let (start, end) = span(&ws, *s, *e);
            match reasons.iter_mut().find(|(r, _)| r.kind == rule.kind) {
                Some((r, _)) if r.start <= start => {}
                Some(existing) => *existing = (reason(rule, start, end), i),
                None => reasons.push((reason(rule, start, end), i)),
            }
        }
        let (shouts, first_shout) = shouting(complaint);
        if shouts >= self.shouting
            && let Some((start, end)) = first_shout
            && !reasons.iter().any(|(r, _)| r.kind == ReasonKind::StrongEmotion)
            && let Some(i) = self.rules.iter().position(|r| r.kind == ReasonKind::StrongEmotion)
            && let Some(rule) = self.rules.get(i)
        {
            reasons.push((reason(rule, start, end), i));
        }
        let mut severity = self.default;
        let mut amplified = false;
        for (_, i) in &reasons {
            if let Some(rule) = self.rules.get(*i) {
                severity = severity.max(rule.severity);
                amplified |= rule.amplifies;
            }
        }
        // An amplifier raises what the other signs say, never a plain complaint on its own.
        let raisers: Vec<&ReasonRule> =
            reasons.iter().filter_map(|(_, i)| self.rules.get(*i)).filter(|r| r.amplifies).collect();
        let others_raise = reasons.iter().filter_map(|(_, i)| self.rules.get(*i)).any(|r| {
            !r.amplifies
                && r.severity > self.default
                && raisers.iter().any(|a| a.raises.is_empty() || a.raises.contains(&r.kind))
        });
        if amplified && others_raise {
            severity = severity.raised();
        }
        let mut reasons: Vec<Reason> = reasons.into_iter().map(|(r, _)| r).collect();
        reasons.sort_by_key(|r| (r.start, r.end));
        Triage { severity, reasons }
    }
}

/// How many words before a cue a `not_cues` phrase may start and still hold it.
const NOT_CUE_REACH: usize = 12;

/// A negator that reaches the cue at `at` through `transparent` words only (at most four, in
/// its clause): "no one *was* injured", "not a single person was hurt", "nobody was hurt".
/// Shared by triage and the restatement check, each with its own file's words.
///
/// One word that is neither may stand among them when a `quantifiers` word stands just before
/// it: the subject's own noun ("not a single *guest* got ill", "no *customer* was hurt"), never
/// a verb after "not" ("it would not stop bleeding").
pub(crate) fn negated_through(
    ws: &[Word],
    at: usize,
    negators: &[String],
    transparent: &[String],
    quantifiers: &[String],
) -> bool {
    let Some(clause) = ws.get(at).map(|w| w.clause) else { return false };
    if transparent.is_empty() {
        return false;
    }
    let mut i = at;
    let mut noun = false;
    for _ in 0..5 {
        let Some(prev) = i.checked_sub(1) else { return false };
        i = prev;
        let Some(w) = ws.get(i).filter(|w| w.clause == clause) else { return false };
        if negators.contains(&w.word) {
            return true;
        }
        if !transparent.contains(&w.word) {
            let quantified = i.checked_sub(1).and_then(|k| ws.get(k)).is_some_and(|q| quantifiers.contains(&q.word));
            if noun || !quantified {
                return false;
            }
            noun = true;
        }
    }
    false
}

/// Whether a cue at word `at` starts inside a `not_cues` phrase of an owner `owns` accepts
/// (a figure, a title, an adult child): only the words just before the cue are tried, so
/// the cost follows the cues found, not the text's length.
pub(crate) fn inside_not_cue(not_cues: &PhraseSet, ws: &[Word], at: usize, owns: impl Fn(usize) -> bool) -> bool {
    let mut inside = false;
    for from in at.saturating_sub(NOT_CUE_REACH)..=at {
        not_cues.find_at(ws, from, |owner, end| {
            inside |= end > at && owns(owner);
        });
        if inside {
            return true;
        }
    }
    false
}

/// Whether a run of words stands at `at` in `ws` (word by word, folded).
fn run_at(ws: &[Word], at: usize, run: &[String]) -> bool {
    !run.is_empty() && ws.get(at..at + run.len()).is_some_and(|ws| ws.iter().zip(run).all(|(w, r)| w.word == *r))
}

/// Whether the cue at word `at` stands in a clause a condition opens ("if this happens again,
/// …", "I'll go elsewhere if it happens again", "in case it breaks"): a `conditions` run
/// earlier in its clause, not asked about (an `asking` word just before it: "I want to know if
/// this is the third time" tells a history).
pub(crate) fn in_condition(ws: &[Word], at: usize, conditions: &[Vec<String>], asking: &[String]) -> bool {
    let Some(clause) = ws.get(at).map(|w| w.clause) else { return false };
    if conditions.is_empty() {
        return false;
    }
    let mut i = at;
    while let Some(prev) = i.checked_sub(1) {
        i = prev;
        if ws.get(i).is_none_or(|w| w.clause != clause) {
            return false;
        }
        let asked = i.checked_sub(1).and_then(|k| ws.get(k)).is_some_and(|w| asking.contains(&w.word));
        if !asked && conditions.iter().any(|run| run_at(ws, i, run) && i + run.len() <= at) {
            return true;
        }
    }
    false
}

impl TriageRules {
    /// Whether the cue at word `at` names who someone is or a kind of thing rather than what
    /// happened: an `identity` run just before it ("I'm a paramedic"), or a `heads` noun just
    /// after it ("the allergen information").
    fn not_an_event(&self, ws: &[Word], at: usize) -> bool {
        let aside = &self.aside;
        let who = aside.identity.iter().any(|run| at.checked_sub(run.len()).is_some_and(|from| run_at(ws, from, run)));
        let named = ws.get(at + 1).is_some_and(|next| {
            ws.get(at).is_some_and(|w| w.sentence == next.sentence) && aside.heads.contains(&next.word)
        });
        who || named
    }

    /// Whether a thing with no body stands within five words before the cue at `at`, in its
    /// clause: the cue's subject, so the cue is a figure ("your website crashing").
    fn of_no_body(&self, ws: &[Word], at: usize) -> bool {
        let Some(clause) = ws.get(at).map(|w| w.clause) else { return false };
        (at.saturating_sub(5)..at)
            .filter_map(|i| ws.get(i))
            .any(|w| w.clause == clause && self.aside.unbodily.contains(&w.word))
    }

    /// Whether a span of one occasion (`[aside] occasions`) starts within six words either
    /// side of the cue at `at`, in its clause: "five times this morning", "today it declined twice".
    fn in_one_occasion(&self, ws: &[Word], at: usize) -> bool {
        let Some(clause) = ws.get(at).map(|w| w.clause) else { return false };
        (at.saturating_sub(6)..at + 7).any(|i| {
            i != at
                && ws.get(i).is_some_and(|w| w.clause == clause)
                && self.aside.occasions.iter().any(|run| run_at(ws, i, run))
        })
    }

    /// A negator that reaches the cue at `at` through the file's `transparent` words only
    /// (see [`negated_through`]).
    fn negated_through(&self, ws: &[Word], at: usize) -> bool {
        negated_through(ws, at, &self.negators, &self.transparent, &self.quantifiers)
    }

    /// A negator earlier in the cue's clause (at most eight words back) that the sentence
    /// does not take back after the cue (the file's `taken_back`: "but I will …", "but I'll
    /// …", "but … if").
    fn disavowed(&self, ws: &[Word], chars: &[char], at: usize) -> bool {
        let Some(here) = ws.get(at) else { return false };
        let before: Vec<&Word> =
            (at.saturating_sub(8)..at).filter_map(|i| ws.get(i)).filter(|w| w.clause == here.clause).collect();
        let negated = before.iter().any(|w| self.negators.contains(&w.word));
        let meant = ws
            .get(..at)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|w| w.clause == here.clause)
            .any(|w| self.still_meant.contains(&w.word));
        if !negated || meant {
            return false;
        }
        let after: Vec<&Word> = ws.iter().skip(at + 1).take_while(|w| w.sentence == here.sentence).collect();
        let back = &self.taken_back;
        let intent_at =
            |j: usize| back.intent.iter().any(|run| j + run.len() <= after.len() && run_at(ws, at + 1 + j, run));
        // "I'll" is read as "i" (the pronoun carries the meaning elsewhere): its ending is
        // read from the text as written.
        let ends_so = |v: &Word| {
            let raw: String = chars.get(v.start..v.end).map(|c| c.iter().collect()).unwrap_or_default();
            let raw = self.stemmer.fold(&raw.to_lowercase());
            back.endings.iter().any(|e| raw.ends_with(e.as_str()))
        };
        let taken_back = after.iter().enumerate().any(|(n, w)| {
            back.turns.contains(&w.word)
                && (n + 1..n + 4).any(|j| intent_at(j) || after.get(j).is_some_and(|v| ends_so(v)))
        });
        !taken_back
    }
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::Safety => "safety",
            ReasonKind::Health => "health",
            ReasonKind::Allergy => "allergy",
            ReasonKind::Child => "child",
            ReasonKind::LegalThreat => "legal_threat",
            ReasonKind::Repeat => "repeat",
            ReasonKind::StrongEmotion => "strong_emotion",
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn word_forms_meet() {
        for group in [
            &["late", "lateness", "later"][..],
            &["delivered", "delivery", "deliveries", "deliver"],
            &["delay", "delayed", "delays"],
            &["cancelled", "canceled", "cancellation", "cancel"],
            &["allergy", "allergic", "allergies"],
            &["charged", "charge", "charges", "charging"],
            &["stopped", "stop"],
            &["arrive", "arrived", "arrives", "arriving"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(stems.iter().all(|s| *s == stems[0]), "{group:?} → {stems:?}");
        }
    }

    #[test]
    fn a_stemming_table_gives_another_language_its_word_forms() {
        let file: StemmingFile = toml::from_str(
            "suffixes = [\"ungen\", \"ung\", \"tet\", \"en\", \"er\", \"et\", \"te\", \"e\", \"t\"]\n\
             min_stem = 4\nrounds = 4\nnumber_words = [\"zwei\"]\n[fold]\n\"ä\" = \"ae\"\n\"ö\" = \"oe\"\n\"ß\" = \"ss\"\n",
        )
        .unwrap();
        let de = Stemmer::from_file(Some(file));
        for group in [&["verspätet", "Verspätung", "verspaetet", "verspätete"][..], &["Kinder", "Kind"]] {
            let stems: Vec<String> = group.iter().map(|w| de.stem(&w.to_lowercase())).collect();
            assert!(stems.iter().all(|s| *s == stems[0]), "{group:?} → {stems:?}");
        }
        assert_eq!(de.fold("größe"), "groesse");
        let ws = words("Zwei Größen", &de);
        assert!(ws[0].num && ws[1].word == "groessen");
        // Compounds by their head or tail, on the folded word.
        let m = |p: &str, t: &str| {
            let ws = words(t, &de);
            let p = Phrase::parse(p, &de).unwrap();
            (0..ws.len()).any(|i| p.match_at(&ws, i).is_some())
        };
        assert!(m("geburtstag*", "Die Geburtstagstorte kam"));
        assert!(m("*allergie", "wegen seiner Nussallergie"));
        assert!(m("*größe", "die Schuhgröße"));
        assert!(!m("*allergie", "Allergiker"));
        assert!(Phrase::parse("a*b", &de).is_err());
        // Without a table, English as before.
        assert_eq!(Stemmer::default().stem("deliveries"), stem("deliveries"));
    }

    #[test]
    fn phrases_gaps_exact_negative_and_sentences() {
        let m = |p: &str, t: &str| {
            let ws = words(t, &Stemmer::default());
            let p = Phrase::parse(p, &Stemmer::default()).unwrap();
            (0..ws.len()).any(|i| p.match_at(&ws, i).is_some())
        };
        assert!(m("never ~2 arrived", "It never actually arrived"));
        assert!(m("not ~1 ready", "The cake wasn't ready"));
        assert!(!m("never ~2 arrived", "Never. It arrived"));
        assert!(m("=work", "I missed work"));
        assert!(!m("=work", "It stopped working"));
        assert!(m("late !father|mother", "It was late"));
        assert!(!m("late !father|mother", "My late father"));
        assert!(m("#num times", "I called 4 times"));
        assert!(m("#num times", "I called four times"));
        for bad in ["", "~3", "a ~0 b", "a ~2", "a&e|b", "!a"] {
            assert!(Phrase::parse(bad, &Stemmer::default()).is_err(), "{bad}");
        }
    }
}
