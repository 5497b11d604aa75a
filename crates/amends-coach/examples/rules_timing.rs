//! Compares the review time of two rules files on the bench's kind of 2,000-word draft,
//! interleaved so both see the same load: `cargo run --release --example rules_timing -- OLD NEW
//! [LEARNED [OLD_LEARNED]]`; with a third file, NEW also runs that learned backstop
//! (`rules/learned.en.tsv`), and with a fourth OLD runs that one (a model file of before).
//! `rules_timing --concerns OLD NEW [JUDGE]` compares two concerns files on the restatement check
//! of a 2,000-word restatement instead, both without the learned judge and the thesaurus unless NEW
//! is given a judge (`rules/judge.en.tsv`); `--concerns OLD NEW JUDGE THESAURUS` gives both sides
//! the judge and NEW alone the thesaurus (`rules/thesaurus.en.tsv`).
use std::time::Instant;

use amends_coach::{Coach, Purpose};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--concerns") {
        let load = |p: &str, judge: &str, thesaurus: &str| {
            let text = std::fs::read_to_string(p).ok()?;
            let coach = Coach::english().with_judge(judge).ok()?.with_thesaurus(thesaurus).ok()?;
            coach.with_concerns_toml(&text).ok()
        };
        let judge = args.get(3).map_or(Some(String::new()), |p| std::fs::read_to_string(p).ok());
        let thesaurus = args.get(4).map_or(Some(String::new()), |p| std::fs::read_to_string(p).ok());
        let old_judge = if args.get(4).is_some() { judge.clone() } else { Some(String::new()) };
        let (Some(a), Some(b)) = (
            args.get(1).zip(old_judge.as_deref()).and_then(|(p, judge)| load(p, judge, "")),
            args.get(2)
                .zip(judge.as_deref())
                .zip(thesaurus.as_deref())
                .and_then(|((p, judge), thesaurus)| load(p, judge, thesaurus)),
        ) else {
            eprintln!("usage: rules_timing --concerns OLD.toml NEW.toml [JUDGE.tsv [THESAURUS.tsv]]");
            return;
        };
        let complaint = "The cake for my daughter's birthday was delivered three hours late and the icing was \
            smashed. This is the second time. I took a day off work and nobody answered my emails.";
        interleaved(&a, &b, |coach, text| coach.missed_concerns(complaint, text).len());
        return;
    }
    let load = |p: &str| std::fs::read_to_string(p).ok().and_then(|t| Coach::from_rules_toml(&t).ok());
    let (Some(mut a), Some(mut b)) = (args.first().and_then(|p| load(p)), args.get(1).and_then(|p| load(p))) else {
        eprintln!("usage: rules_timing OLD.toml NEW.toml [LEARNED.tsv [OLD_LEARNED.tsv]]");
        return;
    };
    if let Some(path) = args.get(2) {
        match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| b.clone().with_learned(&t).map_err(|e| e.to_string()))
        {
            Ok(coach) => b = coach,
            Err(e) => {
                eprintln!("{path}: {e}");
                return;
            }
        }
    }
    if let Some(path) = args.get(3) {
        match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| a.clone().with_learned(&t).map_err(|e| e.to_string()))
        {
            Ok(coach) => a = coach,
            Err(e) => {
                eprintln!("{path}: {e}");
                return;
            }
        }
    }
    interleaved(&a, &b, |coach, text| coach.review(text, Purpose::Other).findings.len());
}

/// Times `f` on the two coaches in turn over the same 2,000-word text, so both see the same load.
fn interleaved(a: &Coach, b: &Coach, f: impl Fn(&Coach, &str) -> usize) {
    let sentence = "Dear Mrs Patel, thank you for writing. As I said, the parcel was sent on time and our policy is clear. \
        I'm so sorry your cake arrived damaged; it was our mistake. We will be in touch soon. ";
    // `AMENDS_TIMING_SENTENCE`: another sentence to repeat (a draft whose every sentence is heard
    // by a rule that reads who erred, say, so the learned model is asked about each).
    let sentence = std::env::var("AMENDS_TIMING_SENTENCE").map_or(sentence.to_string(), |s| format!("{s} "));
    let text = sentence.repeat(2_000 / sentence.split_whitespace().count() + 1);
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..1_500 {
        for (i, coach) in [a, b].into_iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(f(coach, &text));
            if let Some(v) = times.get_mut(i) {
                v.push(t.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for (name, v) in ["old", "new"].iter().zip(times.iter_mut()) {
        v.sort_by(f64::total_cmp);
        let at = |p: f64| v.get(((v.len() - 1) as f64 * p) as usize).copied().unwrap_or(0.0);
        println!("{name}: min {:.0} µs  p10 {:.0} µs  p50 {:.0} µs", at(0.0), at(0.1), at(0.5));
    }
}
