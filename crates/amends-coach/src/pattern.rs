//! Phrase patterns: a tiny word-level language compiled once from the rules and matched
//! against [`Tokens`]. No regex: a pattern is a short list of elements matched by bounded
//! backtracking inside one sentence.
//!
//! Syntax (elements separated by spaces):
//! - `word` a literal word, normalised like the draft (so `can't` means `can not`);
//! - `a|b|c` any of the alternatives, each of which may be several words written with `_`
//!   in place of spaces (`sorry|my_apologies`); `apolog*` a word starting with `apolog`;
//! - `*` any one word; `~N` up to N words (N = 1..=9);
//! - `#num` a number (digits, ordinal like `3rd`, or a number word from the lexicon),
//!   `#time` a clock time (`10:30`, `5pm`), `#date` a written date (`12/03`, `2025-05-01`),
//!   `#pp` a past participle (a word in -ed, or an irregular one: sent, made, lost...; the
//!   voice layer: "was|were #pp !by" is a passive that names no one; not as the first word);
//! - `#ing` a gerund ("sending", not "morning" or "nothing"; not as the first word);
//! - `lose+` any form of the word (lose|loses|losing|lost; see `forms.rs`);
//! - `!a|b` the next word is *not* one of these (zero width: consumes nothing);
//! - `,` a comma (otherwise commas are skipped when matching);
//! - `^` at the start: the pattern must begin its sentence; `$` at the end: must end it.

use crate::text::{DATE, FILLER, GERUND, Lexicon, NUM, PARTICIPLE, PRONOUN, SUBJECT, TIME, Tokens, UNKNOWN};

const MAX_ELEMENTS: usize = 24;
const MAX_GAP: u8 = 9;
const MAX_GAPS: usize = 3;
const MAX_ALTERNATIVES: usize = 512;
/// How many hedges in a row a pattern reads through ("really, truly sorry").
const MAX_FILLERS: usize = 2;

#[derive(Debug, Clone)]
enum Atom {
    Lit(u32),
    Prefix(Box<str>),
    Any,
    Num,
    Time,
    Date,
    Participle,
    Gerund,
    Comma,
}

/// Alternatives: the one-word ones as sorted ids (one binary search), the rest (several
/// words, prefixes, classes) as sequences tried in turn.
#[derive(Debug, Clone)]
struct Alts {
    words: Vec<u32>,
    seqs: Vec<Vec<Atom>>,
    /// (id of the first word, index into `seqs`) for the sequences that start with a
    /// literal word, sorted: at a token only those starting with its word are tried (a
    /// class such as `@fault` holds a hundred "made_a_mistake" sequences).
    by_first: Vec<(u32, u32)>,
    /// Indices of the sequences that start otherwise (a prefix, a class, a comma).
    other: Vec<u32>,
}

impl Alts {
    fn new(alts: Vec<Vec<Atom>>) -> Alts {
        let mut words = Vec::new();
        let mut seqs = Vec::new();
        for mut seq in alts {
            match seq.as_slice() {
                [Atom::Lit(id)] => words.push(*id),
                _ => {
                    // Built by pushes, it holds up to twice its atoms; kept for the
                    // process's life, in thousands.
                    seq.shrink_to_fit();
                    seqs.push(seq);
                }
            }
        }
        words.sort_unstable();
        words.dedup();
        words.shrink_to_fit();
        seqs.shrink_to_fit();
        let mut by_first = Vec::new();
        let mut other = Vec::new();
        for (i, seq) in seqs.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            match seq.first() {
                Some(Atom::Lit(id)) => by_first.push((*id, i)),
                _ => other.push(i),
            }
        }
        by_first.sort_unstable();
        by_first.shrink_to_fit();
        other.shrink_to_fit();
        Alts { words, seqs, by_first, other }
    }
}

#[derive(Debug, Clone)]
enum Elem {
    Alt(Alts),
    Gap(u8),
    /// Zero width: fails if one of the alternatives matches here.
    Not(Alts),
}

/// The tokens a pattern can start at.
#[derive(Debug, Clone, Default)]
pub(crate) struct First {
    pub ids: Vec<u32>,
    /// Stems of `word*` alternatives.
    pub prefixes: Vec<Box<str>>,
    /// Class flags (`NUM | TIME | DATE`).
    pub classes: u16,
    pub any: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    elems: Vec<Elem>,
    /// When the first two elements are plain words: the ids the second word can have, so
    /// most candidates are rejected without running the matcher.
    second: Option<Vec<u32>>,
    anchored_start: bool,
    anchored_end: bool,
}

impl Pattern {
    /// Compiles one pattern, interning its words. The error says what is wrong, for a person.
    pub(crate) fn parse(src: &str, lex: &mut Lexicon) -> Result<Pattern, String> {
        let mut parts: Vec<&str> = src.split_whitespace().collect();
        let anchored_start = parts.first() == Some(&"^");
        if anchored_start {
            parts.remove(0);
        }
        let anchored_end = parts.last() == Some(&"$");
        if anchored_end {
            parts.pop();
        }
        if parts.is_empty() {
            return Err(format!("pattern `{src}` has no words"));
        }
        if parts.len() > MAX_ELEMENTS {
            return Err(format!("pattern `{src}` is too long (at most {MAX_ELEMENTS} elements)"));
        }
        let mut elems = Vec::with_capacity(parts.len());
        let mut gaps = 0;
        for part in parts {
            if part == "^" || part == "$" {
                return Err(format!("in `{src}`: `^` may only start a pattern and `$` only end it"));
            }
            if let Some(n) = part.strip_prefix('~') {
                let n: u8 = n
                    .parse()
                    .ok()
                    .filter(|n| (1..=MAX_GAP).contains(n))
                    .ok_or_else(|| format!("in `{src}`: `{part}` must be ~1 to ~{MAX_GAP}"))?;
                gaps += 1;
                if gaps > MAX_GAPS {
                    return Err(format!("in `{src}`: at most {MAX_GAPS} gaps (~N) per pattern"));
                }
                elems.push(Elem::Gap(n));
                continue;
            }
            let (negated, part) = match part.strip_prefix('!') {
                Some(rest) => (true, rest),
                None => (false, part),
            };
            let mut alts = Vec::new();
            for alt in part.split('|') {
                if alt.is_empty() {
                    return Err(format!("in `{src}`: empty alternative in `{part}`"));
                }
                // Several sequences when a piece is a lemma (`lose+`): one per form.
                let mut seqs: Vec<Vec<Atom>> = vec![Vec::new()];
                for piece in alt.split('_').filter(|p| !p.is_empty()) {
                    let forms = match piece.strip_suffix('+').filter(|l| !l.is_empty() && !l.contains('*')) {
                        Some(lemma) => crate::forms::inflections(&crate::text::normalise_key(lemma)),
                        None => vec![piece.to_owned()],
                    };
                    let mut next = Vec::with_capacity(seqs.len() * forms.len());
                    for seq in &seqs {
                        for form in &forms {
                            let mut s = seq.clone();
                            parse_atom(form, lex, &mut s).map_err(|e| format!("in `{src}`: {e}"))?;
                            next.push(s);
                        }
                    }
                    seqs = next;
                }
                if seqs.iter().any(Vec::is_empty) {
                    return Err(format!("in `{src}`: `{alt}` has no word in it"));
                }
                alts.extend(seqs);
            }
            if alts.len() > MAX_ALTERNATIVES {
                return Err(format!("in `{src}`: too many alternatives in one element"));
            }
            let alts = Alts::new(alts);
            elems.push(if negated { Elem::Not(alts) } else { Elem::Alt(alts) });
        }
        if !elems.iter().any(|e| matches!(e, Elem::Alt(_))) {
            return Err(format!("pattern `{src}` has no word to match"));
        }
        if !matches!(elems.first(), Some(Elem::Alt(_))) || matches!(elems.last(), Some(Elem::Gap(_))) {
            return Err(format!("in `{src}`: a pattern must start with a word and cannot end with a gap"));
        }
        // The second word's possible ids, when the first element is one word and every
        // alternative of the second starts with a literal word ("@fault" holds
        // "made_a_mistake": its first word "made" is enough to reject a candidate).
        let second = match (elems.first(), elems.get(1)) {
            (Some(Elem::Alt(a)), Some(Elem::Alt(b))) if a.seqs.is_empty() && b.other.is_empty() => {
                let mut ids = b.words.clone();
                ids.extend(b.by_first.iter().map(|(id, _)| *id));
                ids.sort_unstable();
                ids.dedup();
                Some(ids)
            }
            _ => None,
        };
        Ok(Pattern { elems, second, anchored_start, anchored_end })
    }

    /// What the first matched token can be: one of some word ids, of some classes, or
    /// anything (a prefix or `*`).
    pub(crate) fn first(&self) -> First {
        let mut out = First::default();
        let Some(Elem::Alt(alts)) = self.elems.first() else {
            out.any = true;
            return out;
        };
        out.ids.extend(&alts.words);
        for alt in &alts.seqs {
            match alt.first() {
                Some(Atom::Lit(id)) => out.ids.push(*id),
                Some(Atom::Num) => out.classes |= NUM,
                Some(Atom::Time) => out.classes |= TIME,
                Some(Atom::Date) => out.classes |= DATE,
                Some(Atom::Prefix(stem)) => out.prefixes.push(stem.clone()),
                _ => out.any = true,
            }
        }
        out
    }

    /// Whether a match could start here given the id of the next word (`None`: no next
    /// word in the sentence). Cheap; `match_at` decides.
    pub(crate) fn may_continue(&self, next: Option<u32>) -> bool {
        match (&self.second, next) {
            (None, _) => true,
            (Some(ids), Some(id)) => ids.binary_search(&id).is_ok(),
            (Some(_), None) => false,
        }
    }

    /// Whether every element the pattern needs could find its word among the words a text
    /// holds (`present`): an element of plain words, or of sequences that each start with a
    /// word, none of which the text holds can never match there, so a review need not try
    /// the pattern at every occurrence of its first word.
    pub(crate) fn may_match_among(&self, present: impl Fn(u32) -> bool) -> bool {
        self.elems.iter().all(|e| match e {
            Elem::Alt(a) => {
                !a.other.is_empty()
                    || a.words.iter().any(|&id| present(id))
                    || a.by_first.iter().any(|&(id, _)| present(id))
            }
            Elem::Gap(_) | Elem::Not(_) => true,
        })
    }

    /// If the pattern matches starting exactly at token `pos`, the end (exclusive) of the
    /// shortest match.
    pub(crate) fn match_at(&self, t: &Tokens, pos: usize) -> Option<usize> {
        let first = t.toks.get(pos)?;
        if first.is_comma() {
            return None;
        }
        if self.anchored_start && t.sentence(first.sentence).0 != pos {
            return None;
        }
        let m = Matcher { t, start: pos, sentence: first.sentence, anchored_end: self.anchored_end };
        m.elems(&self.elems, pos)
    }
}

fn parse_atom(piece: &str, lex: &mut Lexicon, seq: &mut Vec<Atom>) -> Result<(), String> {
    match piece {
        "*" => seq.push(Atom::Any),
        "," => seq.push(Atom::Comma),
        "#num" => seq.push(Atom::Num),
        "#time" => seq.push(Atom::Time),
        "#date" => seq.push(Atom::Date),
        "#pp" => seq.push(Atom::Participle),
        "#ing" => seq.push(Atom::Gerund),
        p if p.starts_with('#') => {
            return Err(format!("unknown class `{p}` (use #num, #time, #date, #pp or #ing)"));
        }
        p if p.starts_with('@') => {
            return Err(format!(
                "`{p}`: a set (@name) can only stand alone as a whole entry of a list, or name a [classes] entry"
            ));
        }
        p if p.len() > 1 && p.ends_with('*') => {
            let stem = lex.fold(&crate::text::normalise_key(p.trim_end_matches('*'))).into_owned();
            if stem.is_empty() || stem.contains(' ') {
                return Err(format!("bad prefix `{p}`"));
            }
            seq.push(Atom::Prefix(stem.into_boxed_str()));
        }
        p => {
            let words = crate::text::normalise_words(p, lex);
            if words.is_empty() {
                return Err(format!("`{p}` has no letters or digits"));
            }
            for w in words {
                let id = lex.intern(&w);
                if id == UNKNOWN {
                    return Err("too many distinct words in the rules".to_owned());
                }
                seq.push(Atom::Lit(id));
            }
        }
    }
    Ok(())
}

struct Matcher<'a> {
    t: &'a Tokens,
    /// Where the match started: a pattern's first word is never a hedge read through.
    start: usize,
    sentence: u32,
    anchored_end: bool,
}

impl Matcher<'_> {
    /// Next non-comma token at or after `pos` in this sentence.
    fn word_at(&self, pos: usize) -> Option<usize> {
        let mut p = pos;
        loop {
            let tok = self.t.toks.get(p)?;
            if tok.sentence != self.sentence {
                return None;
            }
            if !tok.is_comma() {
                return Some(p);
            }
            p += 1;
        }
    }

    fn elems(&self, elems: &[Elem], pos: usize) -> Option<usize> {
        let Some((head, rest)) = elems.split_first() else {
            if self.anchored_end && self.word_at(pos).is_some() {
                return None;
            }
            return Some(pos);
        };
        match head {
            Elem::Alt(alts) => {
                if let Some(p) = self.word(alts, pos)
                    && let Some(end) = self.elems(rest, p)
                {
                    return Some(end);
                }
                let mut found = None;
                self.each_seq(alts, pos, |seq| {
                    found = self.atoms(seq, pos).and_then(|p| self.elems(rest, p));
                    found.is_some()
                });
                found
            }
            Elem::Not(alts) => {
                if self.word(alts, pos).is_some() || self.each_seq(alts, pos, |seq| self.atoms(seq, pos).is_some()) {
                    return None;
                }
                self.elems(rest, pos)
            }
            Elem::Gap(n) => {
                let mut p = pos;
                // Who is the subject: after a pronoun ("tell you ..."), a gap never reads
                // across another subject pronoun ("... we gave you the wrong dose").
                let after_pronoun =
                    pos.checked_sub(1).and_then(|b| self.t.toks.get(b)).is_some_and(|tok| tok.flags & PRONOUN != 0);
                for _ in 0..=*n {
                    if let Some(end) = self.elems(rest, p) {
                        return Some(end);
                    }
                    let q = self.word_at(p)?;
                    if after_pronoun && self.t.toks.get(q).is_some_and(|tok| tok.flags & SUBJECT != 0) {
                        return None;
                    }
                    p = q + 1;
                }
                None
            }
        }
    }

    /// Calls `f` on each sequence of `alts` that could match at `pos` (those starting with
    /// the next word, or with a hedge read through before it, and those that start with no
    /// literal), until it returns true; whether it did.
    fn each_seq(&self, alts: &Alts, pos: usize, mut f: impl FnMut(&[Atom]) -> bool) -> bool {
        if alts.seqs.is_empty() {
            return false;
        }
        let mut ids = [UNKNOWN; MAX_FILLERS + 1];
        if !alts.by_first.is_empty()
            && let Some(mut q) = self.word_at(pos)
        {
            for slot in &mut ids {
                let Some(tok) = self.t.toks.get(q) else { break };
                *slot = tok.id;
                if tok.flags & FILLER == 0 || q == self.start {
                    break;
                }
                let Some(next) = self.word_at(q + 1) else { break };
                q = next;
            }
        }
        for (n, id) in ids.iter().enumerate() {
            if *id == UNKNOWN || ids.get(..n).is_some_and(|before| before.contains(id)) {
                continue;
            }
            let from = alts.by_first.partition_point(|(first, _)| first < id);
            for (first, i) in alts.by_first.get(from..).unwrap_or(&[]) {
                if first != id {
                    break;
                }
                if alts.seqs.get(*i as usize).is_some_and(|seq| f(seq)) {
                    return true;
                }
            }
        }
        alts.other.iter().any(|i| alts.seqs.get(*i as usize).is_some_and(|seq| f(seq)))
    }

    /// The position after the next word if it is one of the one-word alternatives.
    fn word(&self, alts: &Alts, pos: usize) -> Option<usize> {
        if alts.words.is_empty() {
            return None;
        }
        let mut q = self.word_at(pos)?;
        for _ in 0..=MAX_FILLERS {
            let tok = self.t.toks.get(q)?;
            if !tok.is_quoted() && alts.words.binary_search(&tok.id).is_ok() {
                return Some(q + 1);
            }
            if tok.flags & FILLER == 0 || q == self.start {
                return None;
            }
            q = self.word_at(q + 1)?;
        }
        None
    }

    fn atoms(&self, seq: &[Atom], pos: usize) -> Option<usize> {
        let mut p = pos;
        for atom in seq {
            if let Atom::Comma = atom {
                let tok = self.t.toks.get(p)?;
                if !tok.is_comma() || tok.sentence != self.sentence {
                    return None;
                }
                p += 1;
                continue;
            }
            let mut q = self.word_at(p)?;
            let mut skipped = 0;
            loop {
                let tok = self.t.toks.get(q)?;
                if !tok.is_quoted() && self.atom(atom, q, tok.id, tok.flags) {
                    break;
                }
                // A hedge the pattern does not name is read through (not before its first word).
                if tok.flags & FILLER == 0 || q == self.start || skipped == MAX_FILLERS {
                    return None;
                }
                skipped += 1;
                q = self.word_at(q + 1)?;
            }
            p = q + 1;
        }
        Some(p)
    }

    fn atom(&self, atom: &Atom, q: usize, id: u32, flags: u16) -> bool {
        match atom {
            Atom::Lit(want) => *want == id,
            Atom::Any => true,
            Atom::Comma => false,
            Atom::Prefix(stem) => self.t.text(q).starts_with(&**stem),
            Atom::Num => flags & NUM != 0,
            Atom::Time => flags & TIME != 0,
            Atom::Date => flags & DATE != 0,
            Atom::Participle => flags & PARTICIPLE != 0,
            Atom::Gerund => flags & GERUND != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::text::tokenize;

    fn first_match(pattern: &str, text: &str) -> Option<(usize, usize)> {
        let mut lex = Lexicon::default();
        lex.add_expansion("can't".into(), vec!["can".into(), "not".into()]);
        lex.add_expansion("cannot".into(), vec!["can".into(), "not".into()]);
        lex.mark_number("two");
        let p = Pattern::parse(pattern, &mut lex).unwrap();
        let t = tokenize(text, &lex);
        (0..t.len()).find_map(|i| p.match_at(&t, i).map(|e| (i, e)))
    }

    #[test]
    fn literals_alternatives_and_contractions() {
        assert_eq!(first_match("we can't", "Sadly we cannot."), Some((1, 4)));
        assert_eq!(first_match("we can't", "We can’t."), Some((0, 3)));
        assert_eq!(first_match("i|we can't", "I can not"), Some((0, 3)));
        assert_eq!(first_match("sorry|my_apologies", "Please accept my apologies"), Some((2, 4)));
        assert!(first_match("we can't", "we can").is_none());
    }

    #[test]
    fn gaps_prefixes_classes_and_anchors() {
        assert_eq!(first_match("unfortunately ~3 not", "Unfortunately, it is not"), Some((0, 5)));
        assert!(first_match("unfortunately ~1 not", "Unfortunately it is not").is_none());
        assert!(first_match("apolog*", "We apologize").is_some());
        assert!(first_match("by #time", "by 10:30").is_some());
        assert!(first_match("by #time", "by 5pm").is_some());
        assert!(first_match("within #num days", "within two days").is_some());
        assert!(first_match("on #date", "on 12/03/2025").is_some());
        assert!(first_match("was #pp !by", "It was shipped late").is_some());
        assert!(first_match("was #pp !by", "It was sent today").is_some());
        assert!(first_match("was #pp !by", "It was shipped by the courier").is_none());
        assert!(first_match("was #pp", "It was fine").is_none());
        assert!(first_match("courier lose+", "The courier lost it").is_some());
        assert!(first_match("courier lose+ it", "The courier is losing it").is_none());
        assert!(first_match("drop+_the_ball", "we dropped the ball").is_some());
        assert!(first_match("^ actually", "Well, actually").is_none());
        assert!(first_match("^ actually", "Fine. Actually no").is_some());
        assert!(first_match("sorry $", "sorry.").is_some());
        assert!(first_match("sorry $", "sorry you feel").is_none());
        assert!(first_match("actually ,", "actually, no").is_some());
        assert!(first_match("actually ,", "actually no").is_none());
        assert!(first_match("we can !not", "we can't").is_none());
        assert_eq!(first_match("we can !not", "we can help"), Some((0, 2)));
        assert_eq!(first_match("we can !not", "we can."), Some((0, 2)));
    }

    #[test]
    fn never_crosses_sentences_or_quotes() {
        assert!(first_match("can't wait", "We can't. Wait").is_none());
        assert!(first_match("your fault", "He said \"your fault\"").is_none());
    }

    #[test]
    fn bad_patterns_are_refused() {
        let mut lex = Lexicon::default();
        for bad in ["", "^", "~3", "a ~0 b", "a ~10 b", "~2 a", "a||b", "#foo", "a @set", "!!!", "!a b", "a ~2"] {
            assert!(Pattern::parse(bad, &mut lex).is_err(), "{bad:?} accepted");
        }
    }
}
