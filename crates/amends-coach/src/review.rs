//! One review: tokenise, scan every pattern once through the index, then judge the hits
//! (contexts), the whole-text checks and the option count. Pure function of the engine and
//! the text; it must never panic, allocate per pattern, or go quadratic on long input.

use crate::learned::Learned;
use crate::model::{Finding, FindingKind, Purpose, Review, Severity};
use crate::pattern::Pattern;
use crate::rules::{Context, Effect, Engine, Options, Owner, Scope, Side};
use crate::text::{CLASSES, FILLER, Tokens, UNKNOWN, tokenize};

/// How far (in tokens) a context is looked for around a hit, whatever its `within`: keeps a
/// sentence of a million words linear.
const MAX_REACH: usize = 80;

#[derive(Debug, Clone, Copy)]
struct Hit {
    pattern: u32,
    start: usize,
    end: usize,
}

struct Candidate {
    kind: FindingKind,
    severity: Severity,
    start: usize,
    end: usize,
    rule: usize,
}

pub(crate) fn review(e: &Engine, learned: &Learned, text: &str, purpose: Purpose) -> Review {
    let t = tokenize(text, &e.lex);
    let hits = scan(e, &t, purpose);
    let s = Scratch::new(e, &t, &hits);
    let ruled_out = ruled_out(e, &t, &hits);
    let (mut findings, agents) = phrase_findings(e, &t, &s, &hits, purpose, &ruled_out);
    if learned.reads(purpose) {
        whose_fault(learned, &t, &mut findings, &agents);
        let heard = backstop(e, learned, &t, &hits, &findings, &ruled_out);
        findings.extend(heard);
    }
    findings.extend(check_findings(e, &t, &s, &hits, text, purpose));
    if let Some(o) = &e.options
        && o.purposes & purpose.bit() != 0
    {
        findings.extend(option_finding(e, o, &t, &s, &hits, text, purpose));
    }
    findings.sort_by_key(|a| (a.start, a.end, a.kind));
    let lost = findings.iter().fold(0u32, |sum, f| {
        let [low, medium, high] = e.penalty;
        let p = match f.severity {
            Severity::Low => low,
            Severity::Medium => medium,
            Severity::High => high,
        };
        sum.saturating_add(u32::from(p))
    });
    let score = u8::try_from(100u32.saturating_sub(lost)).unwrap_or(0);
    Review { score, findings }
}

/// The learned backstop's findings: one at most per sentence the rules left quiet — no phrase
/// finding touches it and no rule's pattern matched in it, not even one its contexts then set
/// aside (a refusal followed by an alternative, "not your fault": the rules have heard those
/// and judged them). `phrase` is in any order; marking is linear in the tokens plus a search
/// per finding.
fn backstop(
    e: &Engine,
    learned: &Learned,
    t: &Tokens,
    hits: &[Hit],
    phrase: &[Finding],
    ruled_out: &[u16],
) -> Vec<Finding> {
    let sentences = t.sentence_start.len();
    let mut heard = vec![false; sentences];
    for h in hits {
        if let Some(Owner::Rule(_)) = owner(e, h)
            && let Some(tok) = t.toks.get(h.start)
            && let Some(s) = heard.get_mut(tok.sentence as usize)
        {
            *s = true;
        }
    }
    for f in phrase {
        // The first token ending after the finding starts, then every token it covers.
        let mut i = t.toks.partition_point(|x| x.end <= f.start);
        while let Some(tok) = t.toks.get(i) {
            if tok.start >= f.end {
                break;
            }
            if let Some(h) = heard.get_mut(tok.sentence as usize) {
                *h = true;
            }
            i += 1;
        }
    }
    let mut out = Vec::new();
    for (s, h) in heard.iter().enumerate() {
        if *h {
            continue;
        }
        let (from, to) = t.sentence(u32::try_from(s).unwrap_or(u32::MAX));
        let ruled_out = ruled_out.get(s).copied().unwrap_or(0);
        out.extend(learned.judge(t, from, to).filter(|f| ruled_out & (1 << (f.kind as u16)) == 0));
    }
    out
}

/// Per sentence, the kinds its own words rule out (`[[ruled_out]]`, a bit per kind): a match
/// inside a negator's scope rules out nothing ("it was not our fault").
fn ruled_out(e: &Engine, t: &Tokens, hits: &[Hit]) -> Vec<u16> {
    let mut out = vec![0u16; t.sentence_start.len()];
    if e.ruled_out.is_empty() {
        return out;
    }
    for h in hits {
        if let Some(Owner::RuledOut(n)) = owner(e, h)
            && let Some(kinds) = e.ruled_out.get(n as usize)
            && !negated(e, t, h.start)
            && let Some(tok) = t.toks.get(h.start)
            && let Some(r) = out.get_mut(tok.sentence as usize)
        {
            *r |= kinds;
        }
    }
    out
}

/// Who is the subject of a fault, where the rules cannot tell: a `defensive` finding of a rule
/// marked `whose_fault` (the passive's hidden agent, a third party; `agents`, by the index of
/// the phrase findings at the head of `findings`) whose sentence the learned model reads
/// as the customer made responsible becomes `blame`, explained as such ("the form was sent back
/// blank, so we couldn't process it" hides an agent, and the agent is the customer). One that
/// would repeat a blame finding of its sentence is dropped.
fn whose_fault(learned: &Learned, t: &Tokens, findings: &mut Vec<Finding>, agents: &[bool]) {
    if !agents.iter().any(|a| *a) {
        return;
    }
    let sentence_of = |f: &Finding| {
        let i = t.toks.partition_point(|x| x.end <= f.start);
        t.toks.get(i).map(|x| x.sentence)
    };
    let mut renamed: Vec<usize> = Vec::new();
    for (i, f) in findings
        .iter_mut()
        .enumerate()
        .filter(|(i, f)| f.kind == FindingKind::Defensive && agents.get(*i).copied().unwrap_or(false))
    {
        let Some(s) = sentence_of(f) else { continue };
        let (from, to) = t.sentence(s);
        let Some(p) = learned.whose_fault(t, from, to) else { continue };
        let Some((why, suggestion)) = learned.words_of(FindingKind::Blame) else { continue };
        f.kind = FindingKind::Blame;
        f.why = format!(
            "{why} (The coach's rules heard this as defensive wording; a model trained on labelled replies reads the fault here as put on the customer, at {:.0}%.)",
            p * 100.0
        );
        f.suggestion = suggestion.to_string();
        renamed.push(i);
    }
    if renamed.is_empty() {
        return;
    }
    // A renamed finding repeats a blame finding of its sentence found by a rule, or renamed
    // before it.
    let sentences: Vec<Option<u32>> = findings.iter().map(sentence_of).collect();
    let repeats = |i: usize| {
        findings.iter().enumerate().any(|(j, g)| {
            j != i
                && g.kind == FindingKind::Blame
                && sentences.get(j) == sentences.get(i)
                && (!renamed.contains(&j) || j < i)
        })
    };
    let drop: Vec<usize> = renamed.iter().copied().filter(|&i| repeats(i)).collect();
    let mut i = 0;
    findings.retain(|_| {
        i += 1;
        !drop.contains(&(i - 1))
    });
}

fn scan(e: &Engine, t: &Tokens, purpose: Purpose) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(idx) = e.index.get(purpose.index()) else {
        return hits;
    };
    // The words the text holds, a bit per id, and per pattern whether it could match among
    // them (0: not asked yet, 1: may, 2: cannot): a pattern asked once is then skipped at no
    // cost wherever its first word occurs (most of a long draft's first words lead nowhere).
    let words = t.toks.iter().map(|x| x.id).filter(|id| *id != UNKNOWN).max().map_or(0, |m| m as usize + 1);
    let mut present = vec![0u64; words.div_ceil(64)];
    for tok in &t.toks {
        if let Some(w) = present.get_mut(tok.id as usize / 64) {
            *w |= 1 << (tok.id % 64);
        }
    }
    let holds = |id: u32| present.get(id as usize / 64).is_some_and(|w| w & (1 << (id % 64)) != 0);
    let mut may_match = vec![0u8; e.patterns.len()];
    for (pos, tok) in t.toks.iter().enumerate() {
        if tok.is_comma() || tok.is_quoted() {
            continue;
        }
        let mut following = t
            .toks
            .get(pos + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|x| x.sentence == tok.sentence)
            .filter(|x| !x.is_comma());
        let next_tok = following.next();
        let next = next_tok.map(|x| x.id);
        // The matcher reads through hedges ("we were *completely* overwhelmed"), so the
        // second-word filter must too: the first word after up to two fillers also passes.
        let after_fillers = match next_tok {
            Some(x) if x.flags & FILLER != 0 => following.take(2).find(|x| x.flags & FILLER == 0).map(|x| x.id),
            _ => None,
        };
        let listed = idx.by_first.get(tok.id);
        let mut try_all = |list: &[u32]| {
            for &pi in list {
                if let Some((_, p)) = e.patterns.get(pi as usize)
                    && (p.may_continue(next) || (after_fillers.is_some() && p.may_continue(after_fillers)))
                    && may_match.get_mut(pi as usize).is_some_and(|known| asked_once(known, p, holds))
                    && let Some(end) = p.match_at(t, pos)
                {
                    hits.push(Hit { pattern: pi, start: pos, end });
                }
            }
        };
        try_all(listed);
        if tok.flags & CLASSES != 0 {
            for (class, list) in &idx.by_class {
                if tok.flags & class != 0 {
                    try_all(list);
                }
            }
        }
        if !idx.by_prefix.is_empty() {
            let word = t.text(pos);
            let first_byte = word.as_bytes().first();
            for (stem, list) in &idx.by_prefix {
                if stem.as_bytes().first() == first_byte && word.starts_with(&**stem) {
                    try_all(list);
                }
            }
        }
        try_all(&idx.wild);
    }
    hits
}

/// Whether pattern `p` may match among the draft's words (`holds`), asked once a review:
/// `known` is 0 until asked, then 1 (it may) or 2 (it cannot).
fn asked_once(known: &mut u8, p: &Pattern, holds: impl Fn(u32) -> bool) -> bool {
    if *known == 0 {
        *known = if p.may_match_among(holds) { 1 } else { 2 };
    }
    *known == 1
}

fn owner(e: &Engine, h: &Hit) -> Option<Owner> {
    e.patterns.get(h.pattern as usize).map(|(o, _)| *o)
}

/// Per-review working memory: word counts for distances, and where each context matcher
/// matched.
struct Scratch {
    words: Words,
    /// Per matcher: (start, shortest end) of every match, by start.
    contexts: Vec<Vec<(usize, usize)>>,
}

/// `0[i]`: how many non-comma tokens come before token `i` (length n + 1).
struct Words(Vec<u32>);

impl Words {
    fn between(&self, from: usize, to: usize) -> usize {
        let a = self.0.get(from).copied().unwrap_or(0);
        let b = self.0.get(to).copied().unwrap_or(a);
        b.saturating_sub(a) as usize
    }
}

impl Scratch {
    fn new(e: &Engine, t: &Tokens, hits: &[Hit]) -> Scratch {
        let mut words = Vec::with_capacity(t.len() + 1);
        let mut n: u32 = 0;
        words.push(0);
        for tok in &t.toks {
            if !tok.is_comma() {
                n = n.saturating_add(1);
            }
            words.push(n);
        }
        let mut contexts: Vec<Vec<(usize, usize)>> = vec![Vec::new(); e.matchers];
        for h in hits {
            let Some(Owner::Context(m)) = owner(e, h) else {
                continue;
            };
            let Some(list) = contexts.get_mut(m as usize) else {
                continue;
            };
            match list.last_mut() {
                Some(last) if last.0 == h.start => last.1 = last.1.min(h.end),
                _ => list.push((h.start, h.end)),
            }
        }
        Scratch { words: Words(words), contexts }
    }

    fn matches(&self, m: usize) -> &[(usize, usize)] {
        self.contexts.get(m).map_or(&[], Vec::as_slice)
    }
}

/// The strongest effect of the contexts that are present around `start..end`.
fn context_effect(
    e: &Engine,
    t: &Tokens,
    s: &Scratch,
    ctxs: &[Context],
    start: usize,
    end: usize,
    purpose: Purpose,
) -> Option<Effect> {
    let mut found = None;
    for c in ctxs {
        if c.purposes & purpose.bit() == 0 {
            continue;
        }
        let present = match c.side {
            Side::Before => before(e, t, s, c, start),
            Side::After => after(e, t, s, c, start, end),
            Side::Either => before(e, t, s, c, start) || after(e, t, s, c, start, end),
        };
        if present {
            match c.effect {
                Effect::Suppress => return Some(Effect::Suppress),
                Effect::Lower => found = Some(Effect::Lower),
            }
        }
    }
    found
}

/// How far back (in words) a negator reaches over its clause: "won't allow us to **make**".
const NEGATION_REACH: usize = 5;

/// Whether the word at `pos` stands in the scope of a negator: one of the file's
/// `negators` up to [`NEGATION_REACH`] words before it in its sentence, with no comma or
/// clause break ("but", "so") between. The negation-scope layer of `affirmative` contexts.
fn negated(e: &Engine, t: &Tokens, pos: usize) -> bool {
    let Some(sentence) = t.toks.get(pos).map(|x| x.sentence) else {
        return false;
    };
    let mut words = 0;
    for i in (0..pos).rev() {
        let Some(tok) = t.toks.get(i) else { break };
        if tok.sentence != sentence || tok.is_comma() || e.clause_breaks.binary_search(&tok.id).is_ok() {
            return false;
        }
        if e.negators.binary_search(&tok.id).is_ok() {
            return true;
        }
        words += 1;
        if words == NEGATION_REACH {
            return false;
        }
    }
    false
}

fn before(e: &Engine, t: &Tokens, s: &Scratch, c: &Context, start: usize) -> bool {
    let Some(tok) = t.toks.get(start) else {
        return false;
    };
    let first_sentence = match c.scope {
        Scope::Sentence => tok.sentence,
        Scope::NextSentence => tok.sentence.saturating_sub(1),
    };
    let region = t.sentence(first_sentence).0.max(start.saturating_sub(MAX_REACH));
    let list = s.matches(c.matcher);
    let first = list.partition_point(|(cs, _)| *cs < region);
    list.get(first..).unwrap_or(&[]).iter().take_while(|(cs, _)| *cs < start).any(|(cs, ce)| {
        // A context that starts before the hit counts even when it runs into it ("in our
        // warehouse" around a hit that starts at "warehouse").
        s.words.between((*ce).min(start), start) <= c.within && !(c.affirmative && negated(e, t, *cs))
    })
}

fn after(e: &Engine, t: &Tokens, s: &Scratch, c: &Context, start: usize, end: usize) -> bool {
    let Some(tok) = t.toks.get(start) else {
        return false;
    };
    let last_sentence = match c.scope {
        Scope::Sentence => tok.sentence,
        Scope::NextSentence => tok.sentence.saturating_add(1),
    };
    let region_end =
        t.sentence(last_sentence).1.max(t.sentence(tok.sentence).1).min(end.saturating_add(MAX_REACH)).min(t.len());
    let list = s.matches(c.matcher);
    let first = list.partition_point(|(cs, _)| *cs < end);
    list.get(first..)
        .unwrap_or(&[])
        .iter()
        .take_while(|(cs, _)| *cs < region_end)
        .any(|(cs, _)| s.words.between(end, *cs) <= c.within && !(c.affirmative && negated(e, t, *cs)))
}

fn span_chars(t: &Tokens, start: usize, end: usize) -> (usize, usize) {
    let s = t.toks.get(start).map_or(0, |x| x.start);
    let e = end.checked_sub(1).and_then(|i| t.toks.get(i)).map_or(s, |x| x.end);
    (s, e.max(s))
}

/// The phrase rules' findings, and for each whether its rule reads who erred (`whose_fault`).
fn phrase_findings(
    e: &Engine,
    t: &Tokens,
    s: &Scratch,
    hits: &[Hit],
    purpose: Purpose,
    ruled_out: &[u16],
) -> (Vec<Finding>, Vec<bool>) {
    let mut cands: Vec<Candidate> = Vec::new();
    for h in hits {
        let Some(Owner::Rule(r)) = owner(e, h) else {
            continue;
        };
        let Some(rule) = e.rules.get(r as usize) else {
            continue;
        };
        // A rule that reads who erred is set aside where the sentence says who did: the writer.
        if rule.whose_fault
            && let Some(tok) = t.toks.get(h.start)
            && ruled_out.get(tok.sentence as usize).is_some_and(|r| r & (1 << (rule.kind as u16)) != 0)
        {
            continue;
        }
        let severity = match context_effect(e, t, s, &rule.unless, h.start, h.end, purpose) {
            Some(Effect::Suppress) => continue,
            Some(Effect::Lower) => rule.severity.lower(),
            None => rule.severity,
        };
        cands.push(Candidate { kind: rule.kind, severity, start: h.start, end: h.end, rule: r as usize });
    }
    // A rule that yields to a kind is dropped where another rule found that kind in the
    // same sentence (a fault told as the customer's is not also an agentless passive).
    if e.rules.iter().any(|r| r.yields_to != 0) {
        let sentence = |c: &Candidate| t.toks.get(c.start).map(|x| x.sentence);
        let found: Vec<(Option<u32>, u16, usize)> =
            cands.iter().map(|c| (sentence(c), 1u16 << (c.kind as u16), c.rule)).collect();
        cands.retain(|c| {
            let yields = e.rules.get(c.rule).map_or(0, |r| r.yields_to);
            yields == 0 || !found.iter().any(|(s, bit, rule)| *s == sentence(c) && bit & yields != 0 && *rule != c.rule)
        });
    }
    // One finding per overlapping run of hits of the same kind, at its highest severity.
    cands.sort_by_key(|c| (c.start, std::cmp::Reverse(c.end)));
    let mut kept: Vec<Candidate> = Vec::new();
    let mut last_of_kind: [Option<usize>; 9] = [None; 9];
    for c in cands {
        let slot = c.kind as usize;
        if let Some(k) = last_of_kind.get(slot).copied().flatten()
            && let Some(prev) = kept.get_mut(k)
            && c.start < prev.end
        {
            prev.end = prev.end.max(c.end);
            if c.severity > prev.severity {
                prev.severity = c.severity;
                prev.rule = c.rule;
            }
            continue;
        }
        if let Some(s) = last_of_kind.get_mut(slot) {
            *s = Some(kept.len());
        }
        kept.push(c);
    }
    kept.into_iter()
        .filter_map(|c| {
            let rule = e.rules.get(c.rule)?;
            let (start, end) = span_chars(t, c.start, c.end);
            Some((
                Finding {
                    kind: c.kind,
                    severity: c.severity,
                    start,
                    end,
                    why: rule.why.clone(),
                    suggestion: rule.suggestion.clone(),
                },
                rule.whose_fault,
            ))
        })
        .unzip()
}

/// Char span of the text without leading and trailing white space.
fn whole_text(text: &str) -> (usize, usize) {
    let mut first = None;
    let mut last = 0;
    for (i, c) in text.chars().enumerate() {
        if !c.is_whitespace() {
            first.get_or_insert(i);
            last = i + 1;
        }
    }
    match first {
        Some(f) => (f, last),
        None => (0, 0),
    }
}

fn check_findings(e: &Engine, t: &Tokens, s: &Scratch, hits: &[Hit], text: &str, purpose: Purpose) -> Vec<Finding> {
    let mut out = Vec::new();
    for (ci, check) in e.checks.iter().enumerate() {
        if check.purposes & purpose.bit() == 0 {
            continue;
        }
        let mut missing: Vec<&crate::rules::Part> = Vec::new();
        for (pi, part) in check.parts.iter().enumerate() {
            let me = Some(Owner::Part(ci as u32, pi as u32));
            let present = hits.iter().any(|h| {
                owner(e, h) == me
                    && context_effect(e, t, s, &part.unless, h.start, h.end, purpose) != Some(Effect::Suppress)
            });
            if !present {
                missing.push(part);
            }
        }
        if missing.is_empty() {
            continue;
        }
        let severity = if missing.len() == check.parts.len() {
            check.severity
        } else {
            missing.iter().map(|p| p.severity).max().unwrap_or(check.severity)
        };
        let (start, end) = whole_text(text);
        out.push(Finding {
            kind: check.kind,
            severity,
            start,
            end,
            why: join(missing.iter().map(|p| p.why.as_str())),
            suggestion: join(missing.iter().map(|p| p.suggestion.as_str())),
        });
    }
    out
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Lines that look like list items ("- x", "• x", "1. x", "2) x", "a) x", "(b) x"), as
/// (count, first char, end char of the last).
fn list_items(text: &str) -> (usize, usize, usize) {
    let mut count = 0;
    let (mut first, mut last) = (0, 0);
    let mut offset = 0;
    for line in text.split('\n') {
        let len = line.chars().count();
        let lead = line.chars().take_while(|c| c.is_whitespace()).count();
        let rest: String = line.chars().skip(lead).take(5).collect();
        let mut cs = rest.chars();
        let is_item = match (cs.next(), cs.next(), cs.next(), cs.next()) {
            (Some('-' | '*' | '•' | '–' | '·' | '▪'), Some(w), _, _) if w.is_whitespace() => true,
            (Some(d), Some('.' | ')'), Some(w), _) if d.is_ascii_digit() && w.is_whitespace() => true,
            (Some(d), Some(d2), Some('.' | ')'), Some(w))
                if d.is_ascii_digit() && d2.is_ascii_digit() && w.is_whitespace() =>
            {
                true
            }
            (Some(l), Some(')'), Some(w), _) if l.is_alphabetic() && w.is_whitespace() => true,
            (Some('('), Some(l), Some(')'), Some(w)) if l.is_alphanumeric() && w.is_whitespace() => true,
            _ => false,
        };
        if is_item {
            if count == 0 {
                first = offset + lead;
            }
            count += 1;
            last = offset + len;
        }
        offset += len + 1;
    }
    let (inline, i_first, i_last) = inline_items(text);
    if inline > count {
        return (inline, i_first, i_last);
    }
    (count, first, last)
}

/// Options numbered inside a line ("1. a refund, 2. a repair, 3. credit", "(a) ... (b) ...",
/// "1) ... 2) ..."): the longest run of markers counting up from 1 or "a", each after a
/// space, a colon or the start and before a space, with the span from the first marker to
/// the end of the last one's line. The sentence splitter cuts such a line at "1." and
/// "2.", so the count by sentences cannot see them.
fn inline_items(text: &str) -> (usize, usize, usize) {
    // Every run starts at "1" or "a" followed by "." or ")": most drafts have neither.
    if !text.contains("1.") && !text.contains("1)") && !text.contains("a)") {
        return (0, 0, 0);
    }
    let chars: Vec<char> = text.chars().collect();
    let (mut best, mut best_first, mut best_last) = (0, 0, 0);
    let (mut run, mut run_first, mut want) = (0usize, 0usize, 0u32);
    let mut i = 0;
    while i < chars.len() {
        let before_ok = i == 0 || chars.get(i - 1).is_some_and(|c| c.is_whitespace() || matches!(c, ':' | ',' | ';'));
        let marker = if before_ok { marker_at(&chars, i) } else { None };
        let Some((value, len)) = marker else {
            if chars.get(i) == Some(&'\n') {
                run = 0;
            }
            i += 1;
            continue;
        };
        if value == 1 {
            (run, run_first, want) = (1, i, 2);
        } else if run > 0 && value == want {
            run += 1;
            want += 1;
        } else {
            run = 0;
        }
        if run >= 2 && run > best {
            let line_end =
                chars.get(i..).and_then(|rest| rest.iter().position(|c| *c == '\n')).map_or(chars.len(), |p| i + p);
            (best, best_first, best_last) = (run, run_first, line_end);
        }
        i += len;
    }
    (best, best_first, best_last)
}

/// A list marker at `i` and its length: "1." / "1)" / "(1)" (a number up to 20) or "a)" /
/// "(a)" (a letter up to "j", as 1 to 10), followed by whitespace.
fn marker_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let at = |k: usize| chars.get(i + k).copied();
    let letter = |c: char| ('a'..='j').contains(&c).then(|| u32::from(c) - u32::from('a') + 1);
    let space = |k: usize| at(k).is_none_or(char::is_whitespace);
    let (value, len) = if at(0) == Some('(') {
        let c = at(1)?;
        if let Some(d) = c.to_digit(10) {
            match (at(2), at(3)) {
                (Some(')'), _) => (d, 3),
                (Some(e), Some(')')) if e.is_ascii_digit() => (d * 10 + e.to_digit(10)?, 4),
                _ => return None,
            }
        } else {
            (at(2) == Some(')')).then_some(())?;
            (letter(c)?, 3)
        }
    } else {
        let c = at(0)?;
        if let Some(d) = c.to_digit(10) {
            match (at(1), at(2)) {
                (Some('.' | ')'), _) => (d, 2),
                (Some(e), Some('.' | ')')) if e.is_ascii_digit() => (d * 10 + e.to_digit(10)?, 3),
                _ => return None,
            }
        } else {
            (at(1) == Some(')')).then_some(())?;
            (letter(c)?, 2)
        }
    };
    ((1..=20).contains(&value) && space(len)).then_some((value, len))
}

#[derive(Clone, Copy, Default)]
struct SentenceOffer {
    /// Token where counting starts, and whether the trigger may introduce a bare list.
    start: Option<(usize, bool)>,
    additional: bool,
}

fn option_finding(
    e: &Engine,
    o: &Options,
    t: &Tokens,
    s: &Scratch,
    hits: &[Hit],
    text: &str,
    purpose: Purpose,
) -> Option<Finding> {
    let mut markers: Vec<usize> = Vec::new();
    let mut not_option: Vec<(usize, usize)> = Vec::new();
    let mut per_sentence: Vec<(u32, SentenceOffer)> = Vec::new();
    for h in hits {
        let Some(sentence) = t.toks.get(h.start).map(|x| x.sentence) else {
            continue;
        };
        let entry = |list: &mut Vec<(u32, SentenceOffer)>| -> usize {
            if list.last().is_none_or(|(s, _)| *s != sentence) {
                list.push((sentence, SentenceOffer::default()));
            }
            list.len() - 1
        };
        match owner(e, h) {
            Some(Owner::Marker) if markers.last() != Some(&h.start) => {
                markers.push(h.start);
            }
            Some(Owner::NotOption) => not_option.push((h.start, h.end)),
            Some(Owner::Offer) => {
                if context_effect(e, t, s, &o.offer_unless, h.start, h.end, purpose) == Some(Effect::Suppress) {
                    continue;
                }
                let i = entry(&mut per_sentence);
                if let Some((_, so)) = per_sentence.get_mut(i) {
                    so.start.get_or_insert((h.end, false));
                }
            }
            Some(Owner::OfferAnywhere) => {
                let i = entry(&mut per_sentence);
                let (s0, _) = t.sentence(sentence);
                if let Some((_, so)) = per_sentence.get_mut(i) {
                    so.start = Some((s0, true));
                }
            }
            Some(Owner::Additional) => {
                let i = entry(&mut per_sentence);
                if let Some((_, so)) = per_sentence.get_mut(i) {
                    so.additional = true;
                    so.start.get_or_insert((h.end, false));
                    if let Some((s, _)) = so.start.as_mut() {
                        *s = (*s).max(h.end);
                    }
                }
            }
            _ => {}
        }
    }

    let mut base = 0;
    let mut additive = 0;
    let mut first_tok: Option<usize> = None;
    let mut last_tok = 0;
    for (sentence, so) in &per_sentence {
        let Some((from, bare_list)) = so.start else {
            continue;
        };
        let (s0, s1) = t.sentence(*sentence);
        let n = chain_count(o, t, from, s1, bare_list, &not_option);
        if so.additional {
            additive += n;
        } else {
            base = base.max(n);
        }
        first_tok.get_or_insert(s0);
        last_tok = s1;
    }
    let by_sentences = base + additive;
    let (items, list_start, list_end) = list_items(text);
    let total = items.max(markers.len()).max(by_sentences);
    if total <= o.max {
        return None;
    }
    let (start, end) = if items == total {
        (list_start, list_end)
    } else if markers.len() == total {
        let s = markers.first().copied().unwrap_or(0);
        let l = markers.last().copied().unwrap_or(0);
        let (_, s1) = t.toks.get(l).map_or((0, 0), |x| t.sentence(x.sentence));
        span_chars(t, s, s1)
    } else {
        span_chars(t, first_tok.unwrap_or(0), last_tok)
    };
    Some(Finding {
        kind: FindingKind::TooManyOptions,
        severity: o.severity,
        start,
        end,
        why: o.why.clone(),
        suggestion: o.suggestion.clone(),
    })
}

/// Options in one sentence from `from`: one, plus one per "or", plus one per comma before
/// the last "or" (a comma right before an "or" is the same break). Without an "or", commas
/// count only after a list introducer ("choose from", "it's up to you").
fn chain_count(
    o: &Options,
    t: &Tokens,
    from: usize,
    to: usize,
    bare_list: bool,
    not_option: &[(usize, usize)],
) -> usize {
    let is_or = |i: usize| {
        t.toks.get(i).is_some_and(|x| o.or_ids.contains(&x.id)) && !not_option.iter().any(|(s, e)| *s <= i && i < *e)
    };
    let Some(slice) = t.toks.get(from..to.min(t.len())) else {
        return 1;
    };
    let last_or = (from..from + slice.len()).rev().find(|i| is_or(*i));
    let mut n = 1;
    let mut i = from;
    // Leading commas belong to the trigger ("Alternatively, ...").
    while t.toks.get(i).is_some_and(|x| x.is_comma()) && i < to {
        i += 1;
    }
    while i < to {
        let Some(tok) = t.toks.get(i) else { break };
        if is_or(i) {
            n += 1;
        } else if tok.is_comma() {
            let before_last_or = last_or.is_some_and(|l| i < l);
            let counts = if last_or.is_some() { before_last_or && !is_or(i + 1) } else { bare_list };
            if counts {
                n += 1;
            }
        }
        i += 1;
    }
    n
}
