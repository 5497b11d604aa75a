//! Word forms (a small English lemmatiser): the inflections of a lemma, and the lemma of an
//! irregular form. The wording coach uses it at *compile* time only — a pattern word written
//! `lose+` becomes the alternatives lose|loses|losing|lost — so a rule names a verb or noun
//! once and every form of it is heard, at no cost per review. (Mapping irregular forms to
//! their lemma on the hearing side was tried and measured worse: "never get a reply" met
//! "never got it", so the hearing keeps its own stems.)
//!
//! Regular forms follow English spelling rules (drop a silent e before -ing/-ed, y → ies/ied
//! after a consonant, a doubled final consonant after a short stressed vowel); the
//! irregular verbs are a hand list of the ones complaints and replies use. Another language
//! lists its forms in full in its rules (`a|b|c`) rather than writing `word+`.

/// Irregular verbs: lemma, then its other forms (past, participle, and any oddities).
const IRREGULAR: &[(&str, &[&str])] = &[
    ("be", &["am", "is", "are", "was", "were", "been", "being"]),
    ("have", &["has", "had", "having"]),
    ("do", &["does", "did", "done", "doing"]),
    ("go", &["goes", "went", "gone", "going"]),
    ("lose", &["lost"]),
    ("send", &["sent"]),
    ("break", &["broke", "broken"]),
    ("forget", &["forgot", "forgotten"]),
    ("take", &["took", "taken"]),
    ("give", &["gave", "given"]),
    ("tell", &["told"]),
    ("say", &["said"]),
    ("pay", &["paid"]),
    ("leave", &["left"]),
    ("keep", &["kept"]),
    ("make", &["made"]),
    ("get", &["got", "gotten"]),
    ("come", &["came"]),
    ("bring", &["brought"]),
    ("buy", &["bought"]),
    ("sell", &["sold"]),
    ("find", &["found"]),
    ("think", &["thought"]),
    ("teach", &["taught"]),
    ("catch", &["caught"]),
    ("feel", &["felt"]),
    ("fall", &["fell", "fallen"]),
    ("drop", &[]),
    ("speak", &["spoke", "spoken"]),
    ("write", &["wrote", "written"]),
    ("read", &[]),
    ("mislay", &["mislaid"]),
    ("misread", &[]),
    ("mislead", &["misled"]),
    ("mistake", &["mistook", "mistaken"]),
    ("misunderstand", &["misunderstood"]),
    ("mishear", &["misheard"]),
    ("overlook", &[]),
    ("tear", &["tore", "torn"]),
    ("steal", &["stole", "stolen"]),
    ("throw", &["threw", "thrown"]),
    ("show", &["showed", "shown"]),
    ("know", &["knew", "known"]),
    ("see", &["saw", "seen"]),
    ("hear", &["heard"]),
    ("hold", &["held"]),
    ("put", &[]),
    ("let", &[]),
    ("cut", &[]),
    ("set", &[]),
    ("hit", &[]),
    ("hurt", &[]),
    ("shut", &[]),
    ("spend", &["spent"]),
    ("build", &["built"]),
    ("lend", &["lent"]),
    ("bend", &["bent"]),
    ("deal", &["dealt"]),
    ("feed", &["fed"]),
    ("lead", &["led"]),
    ("lay", &["laid"]),
    ("mean", &["meant"]),
    ("meet", &["met"]),
    ("run", &["ran"]),
    ("begin", &["began", "begun"]),
    ("wear", &["wore", "worn"]),
    ("eat", &["ate", "eaten"]),
    ("drive", &["drove", "driven"]),
    ("ride", &["rode", "ridden"]),
    ("choose", &["chose", "chosen"]),
    ("freeze", &["froze", "frozen"]),
    ("shake", &["shook", "shaken"]),
    ("stick", &["stuck"]),
    ("swear", &["swore", "sworn"]),
    ("sit", &["sat"]),
    ("stand", &["stood"]),
    ("understand", &["understood"]),
    ("win", &["won"]),
    ("withhold", &["withheld"]),
    ("uphold", &["upheld"]),
    ("undo", &["undid", "undone"]),
    ("overcharge", &[]),
    ("overtake", &["overtook", "overtaken"]),
    ("shrink", &["shrank", "shrunk"]),
    ("sink", &["sank", "sunk"]),
    ("spill", &["spilt"]),
    ("spoil", &["spoilt"]),
    ("burn", &["burnt"]),
    ("sleep", &["slept"]),
    ("fly", &["flew", "flown"]),
    ("grow", &["grew", "grown"]),
    ("blow", &["blew", "blown"]),
    ("draw", &["drew", "drawn"]),
    ("hide", &["hid", "hidden"]),
    ("forbid", &["forbade", "forbidden"]),
    ("seek", &["sought"]),
    ("fight", &["fought"]),
];

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Whether the last consonant doubles before -ed/-ing: one syllable ending
/// consonant-vowel-consonant ("drop", "stop", "ship"), and the -l of British spelling
/// ("cancel" → "cancelled"; American "canceled" is added too).
fn doubles(w: &str) -> bool {
    let cs: Vec<char> = w.chars().collect();
    let n = cs.len();
    if n < 3 {
        return false;
    }
    let (a, b, c) = (cs[n - 3], cs[n - 2], cs[n - 1]);
    let syllables = cs.windows(2).filter(|p| is_vowel(p[1]) && !is_vowel(p[0])).count() + usize::from(is_vowel(cs[0]));
    !is_vowel(a) && is_vowel(b) && !is_vowel(c) && !matches!(c, 'w' | 'x' | 'y') && (syllables <= 1 || c == 'l')
}

/// Every form of `lemma` (itself included): -s/-es/-ies, -ed/-d/-ied, -ing, and the
/// irregular forms. Used for verbs and nouns alike (a noun's -ed/-ing forms are harmless:
/// they only widen a pattern that already names the word).
pub(crate) fn inflections(lemma: &str) -> Vec<String> {
    let w = lemma;
    let mut out = vec![w.to_owned()];
    if let Some((_, forms)) = IRREGULAR.iter().find(|(l, _)| *l == w) {
        out.extend(forms.iter().map(|f| (*f).to_owned()));
    }
    let last = w.chars().last().unwrap_or(' ');
    let before_last = w.chars().rev().nth(1).unwrap_or(' ');
    // Third person / plural.
    if last == 'y' && !is_vowel(before_last) {
        out.push(format!("{}ies", &w[..w.len() - 1]));
    } else if w.ends_with('s') || w.ends_with('x') || w.ends_with("ch") || w.ends_with("sh") || w.ends_with('z') {
        out.push(format!("{w}es"));
    } else {
        out.push(format!("{w}s"));
    }
    // Past, participle, -ing.
    if last == 'y' && !is_vowel(before_last) {
        out.push(format!("{}ied", &w[..w.len() - 1]));
        out.push(format!("{w}ing"));
    } else if last == 'e' {
        out.push(format!("{w}d"));
        let stem = &w[..w.len() - 1];
        out.push(if w.ends_with("ee") { format!("{w}ing") } else { format!("{stem}ing") });
    } else if doubles(w) {
        out.push(format!("{w}{last}ed"));
        out.push(format!("{w}{last}ing"));
        if last == 'l' {
            out.push(format!("{w}ed"));
            out.push(format!("{w}ing"));
        }
    } else {
        out.push(format!("{w}ed"));
        out.push(format!("{w}ing"));
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(lemma: &str, forms: &[&str]) {
        let got = inflections(lemma);
        for f in forms {
            assert!(got.iter().any(|g| g == f), "{lemma}: {f} not in {got:?}");
        }
    }

    #[test]
    fn regular_and_irregular_forms() {
        has("check", &["check", "checks", "checked", "checking"]);
        has("ignore", &["ignores", "ignored", "ignoring"]);
        has("drop", &["drops", "dropped", "dropping"]);
        has("carry", &["carries", "carried", "carrying"]);
        has("cancel", &["cancelled", "canceled", "cancelling"]);
        has("lose", &["lost", "losing", "loses"]);
        has("send", &["sent", "sends", "sending"]);
        has("forget", &["forgot", "forgotten"]);
        has("mistake", &["mistakes", "mistaken"]);
        has("miss", &["misses", "missed", "missing"]);
        has("agree", &["agreed", "agreeing"]);
        assert!(!inflections("open").contains(&"openned".to_owned()));
    }
}
