//! Tokenizer: turns a draft into normalised words with char offsets, sentence numbers and
//! quote marks. It knows no language: the vocabulary, contractions and number words come
//! from the rules file through [`Lexicon`]. It must not allocate per word (one shared buffer)
//! and must accept any input.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Id of a word the rules never mention.
pub(crate) const UNKNOWN: u32 = u32::MAX;

/// FNV-1a: the keys are short words, and SipHash's flood protection buys nothing here
/// (the map is built from the rules, not from user text).
#[derive(Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 { 0xcbf2_9ce4_8422_2325 } else { self.0 };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

pub(crate) type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// The words a rules file knows: every literal in a pattern gets an id, so matching compares
/// integers. `expand` rewrites one written form into its canonical words ("can't" → "can not").
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    /// One lookup per word of a draft: its id, or its expansion.
    words: FnvMap<String, Entry>,
    expansions: Vec<Vec<String>>,
    count: u32,
    number: Vec<bool>,
    /// Hedges and intensifiers ("really", "absolutely") that a pattern reads through.
    filler: Vec<bool>,
    subject: Vec<bool>,
    pronoun: Vec<bool>,
    /// Irregular past participles (interned up front, so a draft's word is one by its id).
    participle: Vec<bool>,
    /// Spellings that are one letter to the language (`ä` = `ae`, `ß` = `ss`), from the
    /// rules' `[fold]`: a word is rewritten before lookup, in drafts and patterns alike.
    /// Empty for English, so its words are never touched.
    fold: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    id: u32,
    /// Index into `expansions`, or `u32::MAX`.
    expand: u32,
}

impl Default for Lexicon {
    /// An empty lexicon that knows the irregular participles (`#pp`).
    fn default() -> Lexicon {
        let mut lex = Lexicon {
            words: FnvMap::default(),
            expansions: Vec::new(),
            count: 0,
            number: Vec::new(),
            filler: Vec::new(),
            subject: Vec::new(),
            pronoun: Vec::new(),
            participle: Vec::new(),
            fold: Vec::new(),
        };
        for w in IRREGULAR_PARTICIPLES {
            let id = lex.intern(w);
            if let Some(slot) = lex.participle.get_mut(id as usize) {
                *slot = true;
            }
        }
        lex
    }
}

impl Lexicon {
    pub(crate) fn id(&self, word: &str) -> u32 {
        self.words.get(word).map_or(UNKNOWN, |e| e.id)
    }

    fn expansion(&self, word: &str) -> Option<&[String]> {
        let e = self.words.get(word)?;
        self.expansions.get(e.expand as usize).map(Vec::as_slice)
    }

    /// A draft's word: its expansion, or else its id.
    fn lookup(&self, word: &str) -> Result<&[String], u32> {
        match self.words.get(word) {
            None => Err(UNKNOWN),
            Some(e) => match self.expansions.get(e.expand as usize) {
                Some(parts) => Ok(parts),
                None => Err(e.id),
            },
        }
    }

    /// Sets the spellings to fold (before any word is interned or expanded).
    pub(crate) fn set_fold(&mut self, mut fold: Vec<(String, String)>) {
        // Longer keys first, so a decomposed "a" + U+0308 is folded before a bare "a" could be.
        fold.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        self.fold = fold;
    }

    /// `word` with the folded spellings rewritten (borrowed when there is nothing to fold).
    pub(crate) fn fold<'w>(&self, word: &'w str) -> std::borrow::Cow<'w, str> {
        if self.fold.iter().all(|(k, _)| !word.contains(k.as_str())) {
            return std::borrow::Cow::Borrowed(word);
        }
        let mut out = word.to_owned();
        for (from, to) in &self.fold {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        std::borrow::Cow::Owned(out)
    }

    pub(crate) fn intern(&mut self, word: &str) -> u32 {
        if let Some(e) = self.words.get_mut(word) {
            if e.id == UNKNOWN {
                e.id = self.count.min(UNKNOWN - 1);
                self.count = self.count.saturating_add(1);
                self.number.push(false);
                self.filler.push(false);
                self.subject.push(false);
                self.pronoun.push(false);
                self.participle.push(false);
            }
            return e.id;
        }
        let id = self.count.min(UNKNOWN - 1);
        self.count = self.count.saturating_add(1);
        self.words.insert(word.to_owned(), Entry { id, expand: u32::MAX });
        self.number.push(false);
        self.filler.push(false);
        self.subject.push(false);
        self.pronoun.push(false);
        self.participle.push(false);
        id
    }

    pub(crate) fn len(&self) -> usize {
        self.count as usize
    }

    pub(crate) fn add_expansion(&mut self, from: String, to: Vec<String>) {
        let index = u32::try_from(self.expansions.len()).unwrap_or(u32::MAX);
        self.expansions.push(to);
        self.words.entry(from).and_modify(|e| e.expand = index).or_insert(Entry { id: UNKNOWN, expand: index });
    }

    pub(crate) fn mark_number(&mut self, word: &str) {
        let id = self.intern(word);
        if let Some(slot) = self.number.get_mut(id as usize) {
            *slot = true;
        }
    }

    pub(crate) fn is_number_word(&self, id: u32) -> bool {
        self.number.get(id as usize).copied().unwrap_or(false)
    }

    pub(crate) fn mark_filler(&mut self, word: &str) {
        let id = self.intern(word);
        if let Some(slot) = self.filler.get_mut(id as usize) {
            *slot = true;
        }
    }

    pub(crate) fn mark_subject(&mut self, word: &str) {
        let id = self.intern(word);
        if let Some(slot) = self.subject.get_mut(id as usize) {
            *slot = true;
        }
    }

    pub(crate) fn mark_pronoun(&mut self, word: &str) {
        let id = self.intern(word);
        if let Some(slot) = self.pronoun.get_mut(id as usize) {
            *slot = true;
        }
    }

    fn is_pronoun(&self, id: u32) -> bool {
        self.pronoun.get(id as usize).copied().unwrap_or(false)
    }

    fn is_subject(&self, id: u32) -> bool {
        self.subject.get(id as usize).copied().unwrap_or(false)
    }

    fn is_filler(&self, id: u32) -> bool {
        self.filler.get(id as usize).copied().unwrap_or(false)
    }

    fn is_irregular_participle(&self, id: u32) -> bool {
        self.participle.get(id as usize).copied().unwrap_or(false)
    }
}

pub(crate) const COMMA: u16 = 1;
pub(crate) const QUOTED: u16 = 2;
/// Word classes, computed once per token; patterns' `#num`, `#time`, `#date`.
pub(crate) const NUM: u16 = 4;
pub(crate) const TIME: u16 = 8;
pub(crate) const DATE: u16 = 16;
pub(crate) const CLASSES: u16 = NUM | TIME | DATE;
/// A past participle (`#pp`): the voice layer's "was **sent**", "were **made**". Not an
/// indexed class: a pattern never starts with it.
pub(crate) const PARTICIPLE: u16 = 32;
/// A hedge or intensifier from the rules' `fillers` ("really", "absolutely", "honestly"):
/// a pattern that does not ask for it reads through it, so "we will make **absolutely**
/// sure" is "we will make sure" and "you **clearly** should have" is "you should have".
pub(crate) const FILLER: u16 = 64;
/// A subject pronoun from the rules' `subjects` ("we", "i"): it opens a clause of its own, so
/// a pattern's `~N` gap never reads across it ("tell **you** we gave you the wrong dose" is
/// not "you ~1 gave ... wrong": the one who gave is "we"). A pattern may still name it.
pub(crate) const SUBJECT: u16 = 128;
/// A personal pronoun from the rules' `pronouns` ("you", "we"): it takes no relative clause
/// without "who", so a gap right after one stops at a [`SUBJECT`] ("tell you we gave"),
/// while one after a noun reads through ("the firm we call out left it dripping").
pub(crate) const PRONOUN: u16 = 256;
/// A gerund or present participle (`#ing`): "sorry for **sending** the wrong size" has the
/// apologiser as the hidden subject of the act, so the apology owns it. Not an indexed class.
pub(crate) const GERUND: u16 = 512;

/// Words in -ing that are no verb's form ("morning", "during"); "-thing" words are left out
/// by their ending. Sorted (a test keeps it so).
const NOT_GERUNDS: &[&str] = &["bedding", "ceiling", "clothing", "during", "evening", "morning", "pudding", "wedding"];

/// "sending", "keeping", "forgetting" (not "ring", "bring", "string", "nothing", "morning").
fn is_gerund(w: &str) -> bool {
    w.len() > 5 && w.ends_with("ing") && !w.ends_with("thing") && NOT_GERUNDS.binary_search(&w).is_err()
}

/// Irregular past participles and simple pasts (the regular ones of five letters or more
/// end in -ed; the four-letter ones, "used", "owed", are listed here, since "need" and
/// "feed" are not): the voice layer reads "was **given**" and the story of a fault "you
/// **rode** it off the kerb" alike.
/// Sorted and without repeats (a test keeps it so); interned into every [`Lexicon`].
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "aged",
    "ate",
    "axed",
    "become",
    "bent",
    "bit",
    "bitten",
    "blew",
    "blown",
    "bought",
    "broke",
    "broken",
    "brought",
    "built",
    "burnt",
    "chose",
    "chosen",
    "come",
    "cut",
    "dealt",
    "done",
    "drawn",
    "drew",
    "driven",
    "drove",
    "dug",
    "dyed",
    "eaten",
    "eyed",
    "fallen",
    "fed",
    "fell",
    "flew",
    "forgot",
    "forgotten",
    "found",
    "froze",
    "frozen",
    "gave",
    "given",
    "gone",
    "got",
    "gotten",
    "held",
    "hid",
    "hidden",
    "hit",
    "hoed",
    "hung",
    "hurt",
    "iced",
    "kept",
    "known",
    "laid",
    "led",
    "left",
    "lent",
    "let",
    "lit",
    "lost",
    "made",
    "misdealt",
    "misheard",
    "mislaid",
    "misled",
    "misread",
    "mistaken",
    "misunderstood",
    "overdrawn",
    "overtaken",
    "owed",
    "paid",
    "put",
    "ran",
    "read",
    "ridden",
    "rode",
    "run",
    "rung",
    "said",
    "sat",
    "seen",
    "sent",
    "set",
    "shook",
    "shown",
    "shrank",
    "shrunk",
    "shut",
    "slid",
    "sold",
    "spent",
    "spilt",
    "split",
    "spoilt",
    "spoke",
    "spoken",
    "spread",
    "stole",
    "stolen",
    "stood",
    "struck",
    "stuck",
    "sued",
    "swore",
    "swung",
    "taken",
    "thought",
    "threw",
    "thrown",
    "toed",
    "told",
    "took",
    "tore",
    "torn",
    "understood",
    "undone",
    "upheld",
    "used",
    "withheld",
    "won",
    "wore",
    "worn",
    "written",
    "wrote",
];

/// "shipped", "mislabelled", "given", "sent" (not "need", "bed", "hundred").
#[cfg(test)]
fn is_participle(w: &str) -> bool {
    is_regular_participle(w) || IRREGULAR_PARTICIPLES.binary_search(&w).is_ok()
}

fn is_regular_participle(w: &str) -> bool {
    w.len() > 4 && w.ends_with("ed") && w != "hundred"
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub id: u32,
    /// Byte range of the normalised word in [`Tokens::buf`].
    pub text_start: u32,
    pub text_end: u32,
    /// Char offsets into the original text, end exclusive.
    pub start: usize,
    pub end: usize,
    pub sentence: u32,
    pub flags: u16,
}

impl Token {
    pub(crate) fn is_comma(&self) -> bool {
        self.flags & COMMA != 0
    }
    pub(crate) fn is_quoted(&self) -> bool {
        self.flags & QUOTED != 0
    }
}

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    pub buf: String,
    pub toks: Vec<Token>,
    /// Index of the first token of each sentence.
    pub sentence_start: Vec<usize>,
}

impl Tokens {
    pub(crate) fn text(&self, i: usize) -> &str {
        self.toks.get(i).and_then(|t| self.buf.get(t.text_start as usize..t.text_end as usize)).unwrap_or("")
    }

    pub(crate) fn len(&self) -> usize {
        self.toks.len()
    }

    /// Token range of sentence `s`.
    pub(crate) fn sentence(&self, s: u32) -> (usize, usize) {
        let s = s as usize;
        let start = self.sentence_start.get(s).copied().unwrap_or(self.toks.len());
        let end = self.sentence_start.get(s + 1).copied().unwrap_or(self.toks.len());
        (start, end)
    }
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '`')
}

/// Combining marks continue a word ("e" + U+0301); std has no general-category lookup, so
/// the common blocks are listed.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05BD | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF
        | 0x200D | 0x20D0..=0x20FF | 0xFE00..=0xFE0F | 0xFE20..=0xFE2F)
}

fn is_sentence_break(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '\n' | '\u{2026}' | '\u{3002}' | '\u{FF01}' | '\u{FF1F}' | '\u{061F}')
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '\u{3001}' | '\u{060C}' | '\u{FF0C}')
}

/// What the scanner saw: a word (normalised, lower case) or a comma, with char offsets.
pub(crate) enum Piece<'a> {
    Word { start: usize, end: usize, norm: &'a str, quoted: bool },
    Comma { at: usize, quoted: bool },
    Break,
}

/// Walks `text` once. Words are runs of letters and digits; an apostrophe between letters
/// stays inside ("didn't"), so do `.` `:` `/` `-` between digits ("10:30", "12/03"), a `.`
/// after a single letter ("a.s.a.p", "p.m"), and a `%` after digits ("100%"). Everything
/// else separates words; `. ! ? ; …` and line breaks also end a sentence. Double quotes
/// ("…", “…”, «…») mark the words inside as quoted; a line break closes an unbalanced quote.
/// Links and email addresses are not words: "…/orders?day=WED" is not the customer's
/// Wednesday, and a path is not the writer's tone.
pub(crate) fn scan(text: &str, mut emit: impl FnMut(Piece<'_>)) {
    let mut word = String::new();
    let mut quoted = false;
    let links = links(text);
    let mut links = links.iter().peekable();
    let mut chars = text.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        while links.peek().is_some_and(|&&(_, end)| end <= i) {
            links.next();
        }
        if let Some(&&(start, end)) = links.peek()
            && start <= i
        {
            while chars.peek().is_some_and(|&(j, _)| j < end) {
                chars.next();
            }
            continue;
        }
        if c.is_alphanumeric() {
            word.clear();
            let start = i;
            let mut end = i + 1;
            let mut prev = c;
            // Length of the current run of letters, to allow "a.s.a.p" but not "end.Next".
            let mut letters_in_run = usize::from(c.is_alphabetic());
            push_lower(&mut word, c);
            while let Some(&(j, d)) = chars.peek() {
                let keep = if d.is_alphanumeric() || is_mark(d) {
                    true
                } else {
                    // Peek one further without consuming.
                    let next = text_char_after(&chars);
                    let next_alpha = next.is_some_and(char::is_alphabetic);
                    let next_digit = next.is_some_and(|n| n.is_ascii_digit());
                    if is_apostrophe(d) && prev.is_alphabetic() && next_alpha {
                        word.push('\'');
                        consume(&mut chars, &mut end, j);
                        prev = '\'';
                        letters_in_run = 0;
                        continue;
                    } else if d == '%' && prev.is_ascii_digit() {
                        word.push('%');
                        consume(&mut chars, &mut end, j);
                        break;
                    } else {
                        // "10:30", "12/03", "2.5"; "a.s.a.p" but not "ended.Next".
                        let numeric = matches!(d, '.' | ':' | '/' | '-') && prev.is_ascii_digit() && next_digit;
                        let initial = d == '.' && prev.is_alphabetic() && letters_in_run == 1 && next_alpha;
                        numeric || initial
                    }
                };
                if !keep {
                    break;
                }
                if d.is_alphabetic() {
                    letters_in_run += 1;
                } else if !is_mark(d) {
                    letters_in_run = 0;
                }
                push_lower(&mut word, d);
                prev = d;
                consume(&mut chars, &mut end, j);
            }
            emit(Piece::Word { start, end, norm: &word, quoted });
        } else if is_comma(c) {
            emit(Piece::Comma { at: i, quoted });
        } else if c == '"' {
            quoted = !quoted;
        } else if matches!(c, '\u{201C}' | '\u{201E}' | '\u{00AB}') {
            quoted = true;
        } else if matches!(c, '\u{201D}' | '\u{00BB}') {
            quoted = false;
        } else if is_sentence_break(c) {
            if c == '\n' {
                quoted = false;
            }
            emit(Piece::Break);
        }
    }
}

/// The char ranges of the links (`scheme://…`, `www.…`) and email addresses in `text`:
/// whitespace-separated runs, less the brackets and punctuation of the sentence around them.
fn links(text: &str) -> Vec<(usize, usize)> {
    const OPEN: [char; 6] = ['(', '<', '[', '"', '\'', '\u{201C}'];
    const CLOSE: [char; 12] = ['.', ',', ';', ':', '!', '?', ')', '>', ']', '"', '\'', '\u{201D}'];
    let mut out = Vec::new();
    // Every link or address holds "://", "www." or '@' (see `is_link`): a text with none of
    // them (most complaints and drafts) is not split into its runs at all.
    let www = text.as_bytes().windows(4).any(|w| w.eq_ignore_ascii_case(b"www."));
    if !www && !text.contains('@') && !text.contains("://") {
        return out;
    }
    let mut run: Option<(usize, usize)> = None; // (char index, byte index) of its start
    let ends = text.char_indices().chain(std::iter::once((text.len(), ' ')));
    for (ci, (bi, c)) in ends.enumerate() {
        if !c.is_whitespace() {
            run.get_or_insert((ci, bi));
            continue;
        }
        let Some((cs, bs)) = run.take() else { continue };
        let whole = &text[bs..bi];
        // A link or an address holds one of these; most words of a text hold none.
        if !whole.bytes().any(|b| matches!(b, b'/' | b'@' | b'.')) {
            continue;
        }
        let body = whole.trim_start_matches(OPEN);
        let lead = whole.chars().count() - body.chars().count();
        let link = body.trim_end_matches(CLOSE);
        if is_link(link) {
            out.push((cs + lead, cs + lead + link.chars().count()));
        }
    }
    out
}

/// `scheme://rest`, `www.host`, or `name@host.tld`.
fn is_link(token: &str) -> bool {
    if token.contains('/')
        && let Some((scheme, rest)) = token.split_once("://")
    {
        return !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic()) && !rest.is_empty();
    }
    if token.len() > 4 && token.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("www.")) {
        return true;
    }
    match token.split_once('@') {
        Some((local, host)) => {
            !local.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        }
        None => false,
    }
}

fn push_lower(word: &mut String, c: char) {
    if c.is_ascii() {
        word.push(c.to_ascii_lowercase());
    } else {
        word.extend(c.to_lowercase());
    }
}

type Chars<'a> = std::iter::Peekable<std::iter::Enumerate<std::str::Chars<'a>>>;

fn consume(chars: &mut Chars<'_>, end: &mut usize, j: usize) {
    chars.next();
    *end = j + 1;
}

/// The char after the peeked one, without moving the iterator.
fn text_char_after(chars: &Chars<'_>) -> Option<char> {
    let mut ahead = chars.clone();
    ahead.next();
    ahead.next().map(|(_, c)| c)
}

/// Tokenises a draft for matching: words become vocabulary ids, contractions expand into
/// several tokens sharing one char span.
pub(crate) fn tokenize(text: &str, lex: &Lexicon) -> Tokens {
    let mut b = Builder {
        lex,
        out: Tokens {
            buf: String::with_capacity(text.len() + text.len() / 4),
            toks: Vec::with_capacity(text.len() / 4 + 1),
            sentence_start: Vec::new(),
        },
        sentence: 0,
        pending_break: false,
    };
    scan(text, |piece| match piece {
        Piece::Break => b.pending_break = true,
        Piece::Word { start, end, norm, quoted } => {
            let flags = if quoted { QUOTED } else { 0 };
            let norm = &*lex.fold(norm);
            match lex.lookup(norm) {
                Ok(parts) => {
                    for part in parts {
                        b.push(part, lex.id(part), start, end, flags);
                    }
                }
                Err(id) => b.push(norm, id, start, end, flags),
            }
        }
        Piece::Comma { at, quoted } => {
            // A comma never starts a sentence.
            if !b.pending_break && !b.out.toks.is_empty() {
                let flags = COMMA | if quoted { QUOTED } else { 0 };
                b.push(",", UNKNOWN, at, at + 1, flags);
            }
        }
    });
    b.out
}

struct Builder<'a> {
    lex: &'a Lexicon,
    out: Tokens,
    sentence: u32,
    pending_break: bool,
}

impl Builder<'_> {
    fn push(&mut self, word: &str, id: u32, start: usize, end: usize, flags: u16) {
        let out = &mut self.out;
        if self.pending_break && !out.toks.is_empty() {
            self.sentence = self.sentence.saturating_add(1);
        }
        self.pending_break = false;
        if out.sentence_start.len() <= self.sentence as usize {
            out.sentence_start.push(out.toks.len());
        }
        let text_start = u32::try_from(out.buf.len()).unwrap_or(u32::MAX);
        out.buf.push_str(word);
        let text_end = u32::try_from(out.buf.len()).unwrap_or(u32::MAX);
        out.toks.push(Token {
            id,
            text_start,
            text_end,
            start,
            end,
            sentence: self.sentence,
            flags: flags | classes(word, id, self.lex),
        });
    }
}

fn classes(word: &str, id: u32, lex: &Lexicon) -> u16 {
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        let num = if lex.is_number_word(id) { NUM } else { 0 };
        let filler = if lex.is_filler(id) { FILLER } else { 0 };
        let subject = if lex.is_subject(id) { SUBJECT } else { 0 } | if lex.is_pronoun(id) { PRONOUN } else { 0 };
        // The irregular participles are interned up front, so an unknown word can only be
        // a regular one: no list is searched per word.
        let pp = lex.is_irregular_participle(id) || is_regular_participle(word);
        let gerund = if is_gerund(word) { GERUND } else { 0 };
        return num | filler | subject | gerund | if pp { PARTICIPLE } else { 0 };
    }
    let mut c = 0;
    if is_number(word) {
        c |= NUM;
    }
    if is_time(word) {
        c |= TIME;
    }
    if is_date(word) {
        c |= DATE;
    }
    c
}

/// `12`, `3rd`, `2.5`.
fn is_number(w: &str) -> bool {
    let digits = w.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = w.get(digits.len()..).unwrap_or("");
    !digits.is_empty()
        && digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && matches!(suffix, "" | "st" | "nd" | "rd" | "th")
}

/// `10:30`, `10.30am`, `5pm`, `17h` (`9 a.m` is two tokens: `#num a.m`).
fn is_time(w: &str) -> bool {
    let body = w.strip_suffix("am").or_else(|| w.strip_suffix("pm")).or_else(|| w.strip_suffix('h'));
    let (body, suffixed) = match body {
        Some(b) => (b, true),
        None => (w, false),
    };
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let mut parts = body.split([':', '.']);
    let hours = parts.next().unwrap_or("");
    let minutes = parts.next();
    if parts.next().is_some() || hours.len() > 2 || !hours.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    match minutes {
        Some(m) => m.len() == 2 && m.chars().all(|c| c.is_ascii_digit()),
        None => suffixed,
    }
}

/// `12/03`, `12/03/2025`, `2025-05-01`, `01.05.2025`.
fn is_date(w: &str) -> bool {
    if !w.chars().all(|c| c.is_ascii_digit() || matches!(c, '/' | '-' | '.')) {
        return false;
    }
    let slashes = w.matches('/').count();
    let dashes = w.matches('-').count();
    let dots = w.matches('.').count();
    let groups_ok = w.split(['/', '-', '.']).all(|g| !g.is_empty() && g.len() <= 4);
    groups_ok && ((1..=2).contains(&slashes) && dashes + dots == 0 || dashes == 2 || dots == 2)
}

/// Normalises a pattern literal the way a draft is normalised: lower case, apostrophes
/// unified, split at hyphens, contractions expanded.
pub(crate) fn normalise_words(text: &str, lex: &Lexicon) -> Vec<String> {
    let mut out = Vec::new();
    scan(text, |piece| {
        if let Piece::Word { norm, .. } = piece {
            let norm = &*lex.fold(norm);
            match lex.expansion(norm) {
                Some(parts) => out.extend(parts.iter().cloned()),
                None => out.push(norm.to_owned()),
            }
        }
    });
    out
}

/// Lower case and unified apostrophes, for the keys of the expansion table.
pub(crate) fn normalise_key(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if is_apostrophe(c) {
            s.push('\'');
        } else {
            s.extend(c.to_lowercase());
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let t = tokenize(text, &Lexicon::default());
        (0..t.len()).map(|i| t.text(i).to_owned()).collect()
    }

    #[test]
    fn irregular_participles_are_sorted_for_binary_search() {
        assert!(IRREGULAR_PARTICIPLES.windows(2).all(|w| w[0] < w[1]));
        assert!(NOT_GERUNDS.windows(2).all(|w| w[0] < w[1]));
        for w in ["sent", "let", "read", "given", "shipped"] {
            assert!(is_participle(w), "{w}");
        }
        assert!(!is_participle("need") && !is_participle("hundred"));
    }

    #[test]
    fn splits_words_and_keeps_inner_marks() {
        assert_eq!(
            words("We can’t fix it by 10:30am, sorry!"),
            ["we", "can't", "fix", "it", "by", "10:30am", ",", "sorry"]
        );
        assert_eq!(words("a.s.a.p. 100% re-read"), ["a.s.a.p", "100%", "re", "read"]);
        assert_eq!(words("ended.Next"), ["ended", "next"]);
    }

    #[test]
    fn sentences_and_quotes() {
        let t = tokenize("One two. \"Three\" four!\n\nFive", &Lexicon::default());
        let sents: Vec<u32> = t.toks.iter().map(|t| t.sentence).collect();
        assert_eq!(sents, [0, 0, 1, 1, 2]);
        assert!(t.toks[2].is_quoted());
        assert!(!t.toks[3].is_quoted());
        assert_eq!(t.sentence_start, [0, 2, 4]);
    }

    #[test]
    fn links_and_addresses_are_not_words() {
        assert_eq!(
            words("See https://shop.example/orders?day=WED, or (www.example.com). Mail ann@bakery.example!"),
            ["see", ",", "or", "mail"]
        );
        // A full stop after a link still ends the sentence; a bare word with a dot is a word.
        let t = tokenize("Open http://x.example/a. Then sorry", &Lexicon::default());
        assert_eq!(t.toks.iter().map(|t| t.sentence).collect::<Vec<_>>(), [0, 1, 1]);
        assert_eq!(words("e.g. 2.5 kg at 10:30"), ["e.g", "2.5", "kg", "at", "10:30"]);
        // Offsets of the words after a link are still the text's char offsets.
        let t = tokenize("Ünïcode https://é.example/x sorry", &Lexicon::default());
        assert_eq!((t.toks[1].start, t.toks[1].end), (28, 33));
    }

    #[test]
    fn folded_spellings_are_one_word() {
        let mut lex = Lexicon::default();
        lex.set_fold(vec![
            ("ä".into(), "ae".into()),
            ("ö".into(), "oe".into()),
            ("ß".into(), "ss".into()),
            ("a\u{308}".into(), "ae".into()),
        ]);
        let id = lex.intern(&lex.fold("hätten"));
        let t = tokenize("Hätten, haetten, ha\u{308}tten; Größe", &lex);
        let ids: Vec<u32> = t.toks.iter().filter(|x| !x.is_comma()).map(|x| x.id).collect();
        assert_eq!(&ids[..3], [id, id, id]);
        assert_eq!(t.text(t.len() - 1), "groesse");
        // Offsets stay the draft's own characters.
        assert_eq!((t.toks[0].start, t.toks[0].end), (0, 6));
        // No fold table: words untouched.
        assert_eq!(Lexicon::default().fold("hätten"), "hätten");
    }

    #[test]
    fn char_offsets_not_bytes() {
        let t = tokenize("Crème brûlée sorry", &Lexicon::default());
        assert_eq!((t.toks[2].start, t.toks[2].end), (13, 18));
    }

    #[test]
    fn shapes() {
        assert!(is_time("10:30") && is_time("5pm") && is_time("10.30am") && !is_time("2025"));
        assert!(is_date("12/03") && is_date("2025-05-01") && !is_date("10:30"));
        assert!(is_number("3rd") && is_number("48") && !is_number("abc"));
    }
}
