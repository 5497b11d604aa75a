//! Latency of one review of a 2,000-word draft (`cargo bench`). Plain std::time: the
//! figures are mean and p99 over many runs after a warm-up, per purpose, plus the one-off
//! cost of compiling the built-in rules; then the restatement check and triage on long
//! input, and the quality figures: precision, recall and kind accuracy per corpus (tuned
//! and blind), and the restatement check's recall and false alarms on both splits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/score/concerns.rs"]
mod concerns_score;
#[path = "../tests/score/corpus.rs"]
mod corpus_score;

use std::hint::black_box;
use std::time::{Duration, Instant};

use amends_coach::{Coach, Purpose};

/// Realistic sentences, some customer-focused, some not, cycled into a long draft.
const SENTENCES: &[&str] = &[
    "Dear Mrs Patel, thank you for taking the time to write to us about your order.",
    "I am so sorry that your wedding cake arrived damaged; it was our mistake.",
    "As I said in my last email, the parcel was sent on time.",
    "You should have checked the size guide before ordering.",
    "We can't refund the deposit, but we can move your booking to any date you like.",
    "Our policy is that we do not refund opened items.",
    "We will be in touch soon about the replacement.",
    "I guarantee this will never happen again.",
    "The engineer will arrive between 8am and 10am on Tuesday 14 May.",
    "We have changed our checklist so every joint is pressure-tested before we leave.",
    "Unfortunately, we are unable to offer compensation for the delay.",
    "To be fair, the weather was terrible that day and the roads were closed.",
    "We can refund you in full, or replace the kettle with the newer model.",
    "Your refund of £25.50 will reach your account by 5pm on Friday.",
    "Crème brûlée, naïve café owners and “quoted words” should not trouble the coach.",
    "You told us our driver said \"you should have been home\", and that upset you.",
    "If we can't fix it on the first visit, we will replace the whole unit free of charge.",
    "I can't thank you enough for your patience while we sorted this out.",
    "Next step: I will call you at 10:30 tomorrow to check everything is working.",
    "With best wishes from all of us at the bakery.",
];

fn draft(words: usize) -> String {
    let mut text = String::new();
    let mut count = 0;
    let mut i = 0;
    while count < words {
        let s = SENTENCES[i % SENTENCES.len()];
        count += s.split_whitespace().count();
        text.push_str(s);
        text.push(if i % 5 == 4 { '\n' } else { ' ' });
        i += 1;
    }
    text
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Runs `f` `warmup` times unmeasured, then `runs` times, each timed: the times sorted,
/// and what the last run gave.
fn timed<T>(warmup: usize, runs: usize, mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    for _ in 0..warmup {
        black_box(f());
    }
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        last = Some(black_box(out));
    }
    times.sort_unstable();
    (times, last.expect("at least one run"))
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / times.len() as u32
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let started = Instant::now();
    let coach = Coach::english();
    let compile = started.elapsed();

    let text = draft(2_000);
    let words = text.split_whitespace().count();
    println!(
        "amends-coach bench: {words}-word draft, {} chars; compiling the English rules took {:.2} ms",
        text.chars().count(),
        compile.as_secs_f64() * 1e3
    );
    let runs = 2_000;
    for purpose in [Purpose::Other, Purpose::Letter, Purpose::Offer, Purpose::Restatement] {
        let (times, findings) = timed(100, runs, || coach.review(black_box(&text), purpose).findings.len());
        println!(
            "  {:<12} runs {runs}  findings {findings:>3}  mean {:>7.1} µs  min {:>6.1} µs  p50 {:>7.1} µs  p99 {:>7.1} µs  max {:>8.1} µs",
            purpose.as_str(),
            micros(mean(&times)),
            micros(times[0]),
            micros(percentile(&times, 0.50)),
            micros(percentile(&times, 0.99)),
            micros(times[times.len() - 1]),
        );
    }

    // The everyday case: one review of a typical 80-word reply, and one restatement check of
    // a typical complaint against a typical restatement. Target: under 1 ms each.
    let reply = "Dear Ms Patel, thank you for writing to us. I am so sorry that your daughter's \
        birthday cake arrived two hours late and with the icing crushed; that was our mistake, \
        not the courier's. I have refunded the full £48 to your card today, and our baker will \
        bring a fresh cake to your door on Saturday at 10am. As I said, we can also offer a \
        voucher. I will call you on Monday at 11 to check everything was right.";
    let complaint80 = "The cake for my daughter's birthday was delivered three hours late and the icing was \
        smashed. This is the second time. I took a day off work and nobody answered my emails.";
    let restatement = "Your daughter's birthday cake came three hours late with the icing ruined, for \
        the second time, after you took a day off work and your emails went unanswered.";
    println!("  reply of {} words", reply.split_whitespace().count());
    everyday(&coach, reply, complaint80, restatement, "");

    let complaint = "The cake for my daughter's birthday was delivered three hours late and the icing was smashed. \
        This is the second time. I took a day off work and nobody answered my emails.";
    for (what, f) in [
        (
            "missed_concerns (2,000-word restatement)",
            &(|| coach.missed_concerns(complaint, &text).len()) as &dyn Fn() -> usize,
        ),
        ("triage (2,000-word complaint)", &(|| coach.triage(&text).reasons.len())),
    ] {
        let (times, _) = timed(0, 500, f);
        println!(
            "  {what:<42} mean {:>7.1} µs  p99 {:>7.1} µs",
            micros(mean(&times)),
            micros(percentile(&times, 0.99))
        );
    }

    println!("\nrestatement check (missed concerns):");
    for (name, split) in [
        ("tuning", concerns_score::TUNING),
        ("blind", concerns_score::BLIND),
        ("blind2", concerns_score::BLIND2),
        ("blind3", concerns_score::BLIND3),
        ("tuning5 (first run in its header)", concerns_score::TUNING5),
        ("blind4 (written before the session coach tuned; first run in its header)", concerns_score::BLIND4),
        ("blind5 (written after its first round; tuned on since)", concerns_score::BLIND5),
        ("blind6 (written after all its tuning; first run in its header)", concerns_score::BLIND6),
        ("blind8 (written before the session coach-recall tuned; first run in its header)", concerns_score::BLIND8),
        ("blind9 (written after its tuning; first run in its header, tuned on by kind since)", concerns_score::BLIND9),
        ("tuning6 (session coach5, first run in its header)", concerns_score::TUNING6),
        ("tuning7 (session coach5, first run in its header)", concerns_score::TUNING7),
        ("tuning8 (session coach6, first run in its header)", concerns_score::TUNING8),
        (
            "blind10 (session coach5: written before its tuning, never tuned on; first and final runs in its header)",
            concerns_score::BLIND10,
        ),
        (
            "blind11 (session coach7: written before its changes, never tuned on; first and final runs in its header)",
            concerns_score::BLIND11,
        ),
        (
            "blind12 (session coach9: written before its changes, never tuned on; first and final runs in its header)",
            concerns_score::BLIND12,
        ),
        (
            "blind13 (session coach10: written before its changes, never tuned on; first and final runs in its header)",
            concerns_score::BLIND13,
        ),
        (
            "blind14 (session coach11: written before its changes, never tuned on; first and final runs in its header)",
            concerns_score::BLIND14,
        ),
        (
            "tuning12 (session coach10: long restatements that leave a concern out; first run in its header)",
            concerns_score::TUNING12,
        ),
    ] {
        println!("  {name}: {}", concerns_score::score(&coach, split, false));
    }

    for (name, tsv) in [
        ("en.tsv (tuned on)", include_str!("../tests/corpus/en.tsv")),
        ("en_holdout.tsv (not tuned on)", include_str!("../tests/corpus/en_holdout.tsv")),
        ("en_blind.tsv (blind, first run in its header)", include_str!("../tests/corpus/en_blind.tsv")),
        ("en_general.tsv (tuned on)", include_str!("../tests/corpus/en_general.tsv")),
        ("en_general_blind.tsv (blind, first run in its header)", include_str!("../tests/corpus/en_general_blind.tsv")),
        (
            "en_general_blind2.tsv (first run in its header; gaps added since)",
            include_str!("../tests/corpus/en_general_blind2.tsv"),
        ),
        ("en_general2.tsv (tuned on)", include_str!("../tests/corpus/en_general2.tsv")),
        (
            "en_general_blind3.tsv (blind, first run in its header)",
            include_str!("../tests/corpus/en_general_blind3.tsv"),
        ),
        ("en_general12.tsv (tuned on; first run in its header)", include_str!("../tests/corpus/en_general12.tsv")),
        ("en_general13.tsv (first run in its header)", include_str!("../tests/corpus/en_general13.tsv")),
        (
            "en_general14.tsv (blind: first run in its header, tuned on since)",
            include_str!("../tests/corpus/en_general14.tsv"),
        ),
        (
            "en_general15.tsv (blind, never tuned on: its first run is the honest estimate)",
            include_str!("../tests/corpus/en_general15.tsv"),
        ),
        (
            "en_general16.tsv (blind before the session coach tuned; first run in its header)",
            include_str!("../tests/corpus/en_general16.tsv"),
        ),
        (
            "en_general17.tsv (blind after its first round; tuned on since)",
            include_str!("../tests/corpus/en_general17.tsv"),
        ),
        (
            "en_general18.tsv (blind after all its tuning; first run in its header)",
            include_str!("../tests/corpus/en_general18.tsv"),
        ),
        (
            "en_general21.tsv (blind before the session coach-recall tuned; first run in its header)",
            include_str!("../tests/corpus/en_general21.tsv"),
        ),
        (
            "en_general22.tsv (blind after its tuning: first run in its header is the honest estimate)",
            include_str!("../tests/corpus/en_general22.tsv"),
        ),
        (
            "en_general23.tsv (blind, session coach3: written before its tuning, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general23.tsv"),
        ),
        (
            "en_general24.tsv (blind, session coach3: written before its tuning, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general24.tsv"),
        ),
        ("en_general25.tsv (coach3 tuning, round 1)", include_str!("../tests/corpus/en_general25.tsv")),
        ("en_general26.tsv (coach3 tuning, round 2)", include_str!("../tests/corpus/en_general26.tsv")),
        ("en_general27.tsv (coach3 tuning, round 3)", include_str!("../tests/corpus/en_general27.tsv")),
        ("en_general28.tsv (coach3 tuning, round 4)", include_str!("../tests/corpus/en_general28.tsv")),
        ("en_general29.tsv (coach3 tuning, round 5)", include_str!("../tests/corpus/en_general29.tsv")),
        ("en_general30.tsv (coach3 tuning, round 6)", include_str!("../tests/corpus/en_general30.tsv")),
        (
            "en_general31.tsv (coach3 tuning, round 7: chat and non-native English)",
            include_str!("../tests/corpus/en_general31.tsv"),
        ),
        ("en_general33.tsv (coach4 tuning, round 1)", include_str!("../tests/corpus/en_general33.tsv")),
        ("en_general34.tsv (coach4 tuning, round 2)", include_str!("../tests/corpus/en_general34.tsv")),
        (
            "en_general32.tsv (blind, session coach4: written before its tuning, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general32.tsv"),
        ),
        ("en_general41.tsv (coach5 tuning, round 1)", include_str!("../tests/corpus/en_general41.tsv")),
        ("en_general42.tsv (coach5 tuning, round 2)", include_str!("../tests/corpus/en_general42.tsv")),
        ("en_general43.tsv (coach5 tuning, round 3)", include_str!("../tests/corpus/en_general43.tsv")),
        ("en_general44.tsv (coach5 tuning, round 4)", include_str!("../tests/corpus/en_general44.tsv")),
        ("en_general45.tsv (coach5 tuning, round 5)", include_str!("../tests/corpus/en_general45.tsv")),
        ("en_general46.tsv (coach6 tuning: blame by implication)", include_str!("../tests/corpus/en_general46.tsv")),
        (
            "en_general40.tsv (blind, session coach5: written before its tuning, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general40.tsv"),
        ),
        (
            "en_general50.tsv (blind, session coach7: written before its changes, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general50.tsv"),
        ),
        (
            "en_general60.tsv (blind, session coach9: written before its changes, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general60.tsv"),
        ),
        ("en_general71.tsv (coach12 tuning: whose fault it is)", include_str!("../tests/corpus/en_general71.tsv")),
        (
            "en_general70.tsv (blind, session coach12: written before its changes, never tuned on; first and final runs in its header)",
            include_str!("../tests/corpus/en_general70.tsv"),
        ),
    ] {
        corpus_score::evaluate(name, &corpus_score::load(name, tsv), false);
    }

    german();
}

/// One review of an everyday reply, one restatement check and one triage of an everyday
/// complaint, timed. Target: under 1 ms each.
fn everyday(coach: &Coach, reply: &str, complaint: &str, restatement: &str, language: &str) {
    for (what, f) in [
        (
            format!("review (80-word {language}reply, apology)"),
            &(|| coach.review(reply, Purpose::Apology).findings.len()) as &dyn Fn() -> usize,
        ),
        (
            format!("missed_concerns (typical {language}pair)"),
            &(|| coach.missed_concerns(complaint, restatement).len()),
        ),
        (format!("triage (typical {language}complaint)"), &(|| coach.triage(complaint).reasons.len())),
    ] {
        let (times, _) = timed(1_000, 20_000, f);
        println!(
            "  {what:<42} mean {:>7.1} µs  p50 {:>7.1} µs  p99 {:>7.1} µs  (target < 1000 µs)",
            micros(mean(&times)),
            micros(percentile(&times, 0.50)),
            micros(percentile(&times, 0.99))
        );
    }
}

/// The German coach: compile time, an everyday reply and pair, and its sets.
fn german() {
    let started = Instant::now();
    let coach = Coach::german();
    let compile = started.elapsed();
    println!("\nGerman: compiling the German rules took {:.2} ms", compile.as_secs_f64() * 1e3);
    let reply = "Sehr geehrte Frau Keller, vielen Dank für Ihre Nachricht. Es tut mir sehr leid, dass die \
        Geburtstagstorte Ihrer Tochter zwei Stunden zu spät und mit zerdrückter Glasur ankam; das war unser \
        Fehler, nicht der des Fahrers. Ich habe Ihnen heute die vollen 48 Euro erstattet, und unsere \
        Konditorin bringt Ihnen am Samstag um 10 Uhr eine frische Torte vorbei. Wie gesagt, können wir \
        Ihnen auch einen Gutschein anbieten. Ich rufe Sie am Montag um 11 Uhr an.";
    let complaint = "Die Torte zum Geburtstag meiner Tochter kam drei Stunden zu spät und die Glasur war \
        zerdrückt. Das ist schon das zweite Mal. Ich habe mir extra freigenommen und niemand hat geantwortet.";
    let restatement = "Die Geburtstagstorte Ihrer Tochter kam drei Stunden zu spät und beschädigt, zum zweiten \
        Mal, obwohl Sie sich freigenommen hatten, und Ihre Nachrichten blieben unbeantwortet.";
    everyday(&coach, reply, complaint, restatement, "German ");
    println!("German restatement check (missed concerns):");
    for (name, split) in [
        ("tuning", include_str!("../tests/concerns/de.toml")),
        ("tuning2", include_str!("../tests/concerns/de_tuning2.toml")),
        ("blind", include_str!("../tests/concerns/de_blind.toml")),
        ("blind2", include_str!("../tests/concerns/de_blind2.toml")),
        ("blind3 (first run in its header)", include_str!("../tests/concerns/de_blind3.toml")),
    ] {
        println!("  {name}: {}", concerns_score::score(&coach, split, false));
    }
    for (name, tsv) in [
        ("de.tsv (tuned on)", include_str!("../tests/corpus/de.tsv")),
        ("de_blind.tsv (blind, first run in its header)", include_str!("../tests/corpus/de_blind.tsv")),
        (
            "de_blind2.tsv (blind first run in its header; gaps added since)",
            include_str!("../tests/corpus/de_blind2.tsv"),
        ),
        ("de_blind3.tsv (blind before tuning; first run in its header)", include_str!("../tests/corpus/de_blind3.tsv")),
        ("de_blind4.tsv (blind after the first round; tuned on since)", include_str!("../tests/corpus/de_blind4.tsv")),
    ] {
        corpus_score::evaluate_with(&coach, name, &corpus_score::load(name, tsv), false);
    }
}
