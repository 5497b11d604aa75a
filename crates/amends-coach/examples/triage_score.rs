//! Scores labelled triage sets from the command line while tuning: `cargo run --example
//! triage_score -- tests/triage/en_tuning.toml ...` prints each file's severity agreement, the
//! precision and recall of each kind of reason, and every miss (German files, named `de*`,
//! with the German coach). `--totals` prints the totals and no miss: the way to measure a
//! blind set. With `AMENDS_COACH_TRIAGE=path/to/triage.en.toml` the English triage rules are
//! read from that file at start (no rebuild between edits while tuning).
//! `triage_score --timing OLD NEW` times `Coach::triage` with two triage files, interleaved in
//! one process so both see the same load, on a 200-word and a 2,000-word complaint (release).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};

use amends_coach::{Coach, ReasonKind};

#[path = "../tests/score/triage.rs"]
mod triage_set;

/// A complaint of intake's kind, about 200 words, with signs of several kinds and look-alikes.
const COMPLAINT: &str = "I am writing again about the order I placed for my daughter's birthday, because nobody \
has answered my last two emails. The cake arrived two hours late, the box was crushed and the icing had slid off \
one side. I had to drive to another shop while the children waited, which was embarrassing in front of the other \
parents. The candles you sent were the wrong number, and the card had someone else's name in it. This is the third \
time this year that an order from you has gone wrong, and I am honestly fed up with chasing it. My husband is a \
solicitor and he says I should simply ask you for a refund of the cake and the delivery charge, so that is what I \
am doing. I do not want to take this any further than that. The driver was polite, to be fair, but he said the van \
had no room for the box to sit flat and that it happens all the time. Please could you look into it again and let \
me know by Friday what you will do. I have been a customer for six years and would like to stay one, but not if \
every order is like this.";

fn timing(old: &str, new: &str) {
    let load = |p: &str| {
        let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"));
        Coach::english().with_triage_toml(&text).unwrap_or_else(|e| panic!("{p}: {e:?}"))
    };
    let (a, b) = (load(old), load(new));
    let short = COMPLAINT.to_owned();
    let long = [COMPLAINT; 10].join("\n\n");
    for (name, text) in [("200 words", &short), ("2,000 words", &long)] {
        let words = text.split_whitespace().count();
        let runs = if words > 1000 { 300 } else { 3000 };
        let (mut ta, mut tb) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        for _ in 0..runs {
            let t = std::time::Instant::now();
            std::hint::black_box(a.triage(std::hint::black_box(text)));
            ta.push(t.elapsed().as_nanos() as f64 / 1000.0);
            let t = std::time::Instant::now();
            std::hint::black_box(b.triage(std::hint::black_box(text)));
            tb.push(t.elapsed().as_nanos() as f64 / 1000.0);
        }
        for v in [&mut ta, &mut tb] {
            v.sort_by(f64::total_cmp);
        }
        let q = |v: &[f64], f: f64| v.get(((v.len() - 1) as f64 * f) as usize).copied().unwrap_or_default();
        println!(
            "{name} ({words}): old min {:.1} p50 {:.1} p90 {:.1} µs; new min {:.1} p50 {:.1} p90 {:.1} µs",
            q(&ta, 0.0),
            q(&ta, 0.5),
            q(&ta, 0.9),
            q(&tb, 0.0),
            q(&tb, 0.5),
            q(&tb, 0.9)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--timing") {
        let (Some(old), Some(new)) = (args.get(1), args.get(2)) else {
            eprintln!("usage: triage_score --timing OLD NEW");
            std::process::exit(2);
        };
        timing(old, new);
        return;
    }
    let totals = args.iter().any(|a| a == "--totals");
    let en = match std::env::var("AMENDS_COACH_TRIAGE") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            Coach::english().with_triage_toml(&text).unwrap_or_else(|e| panic!("{path}: {e:?}"))
        }
        Err(_) => Coach::english(),
    };
    let de = Coach::german();
    let (mut all_cases, mut all_right) = (0, 0);
    let mut all_kinds: BTreeMap<ReasonKind, (usize, usize, usize)> = BTreeMap::new();
    for path in args.iter().filter(|a| !a.starts_with("--")) {
        let name = std::path::Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or(path);
        let coach = if name.starts_with("de") { &de } else { &en };
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let cases = triage_set::load(path, &text);
        let mut right = 0;
        let mut kinds: BTreeMap<ReasonKind, (usize, usize, usize)> = BTreeMap::new();
        let mut misses = Vec::new();
        for case in &cases {
            let t = coach.triage(&case.complaint);
            let got: BTreeSet<ReasonKind> = t.reasons.iter().map(|r| r.kind).collect();
            let want: BTreeSet<ReasonKind> = case.reasons.iter().copied().collect();
            right += usize::from(t.severity == case.severity);
            for kind in got.union(&want) {
                let (tp, fp, fn_) = kinds.entry(*kind).or_default();
                match (got.contains(kind), want.contains(kind)) {
                    (true, true) => *tp += 1,
                    (true, false) => *fp += 1,
                    _ => *fn_ += 1,
                }
            }
            if t.severity != case.severity || got != want {
                let heard: Vec<String> =
                    t.reasons.iter().map(|r| format!("{}={:?}", r.kind.as_str(), r.words)).collect();
                misses.push(format!(
                    "  {:?}\n    got {:?} [{}], labelled {:?} {want:?}",
                    case.complaint,
                    t.severity,
                    heard.join(", "),
                    case.severity
                ));
            }
        }
        report(name, cases.len(), right, &kinds);
        if !totals {
            for m in &misses {
                println!("{m}");
            }
        }
        all_cases += cases.len();
        all_right += right;
        for (k, (tp, fp, fn_)) in kinds {
            let e = all_kinds.entry(k).or_default();
            e.0 += tp;
            e.1 += fp;
            e.2 += fn_;
        }
    }
    if args.iter().filter(|a| !a.starts_with("--")).count() > 1 {
        report("all", all_cases, all_right, &all_kinds);
    }
}

fn report(name: &str, cases: usize, right: usize, kinds: &BTreeMap<ReasonKind, (usize, usize, usize)>) {
    let (tp, fp, fn_) = kinds.values().fold((0, 0, 0), |a, k| (a.0 + k.0, a.1 + k.1, a.2 + k.2));
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "{name}: {cases} complaints, severity agrees on {right} ({:.3}); reasons precision {p:.3} recall {r:.3} ({tp} tp, {fp} fp, {fn_} fn)",
        right as f64 / cases.max(1) as f64
    );
    let per: Vec<String> = kinds.iter().map(|(k, (tp, fp, fn_))| format!("{} {tp}/{fp}/{fn_}", k.as_str())).collect();
    println!("  {}", per.join(", "));
}
