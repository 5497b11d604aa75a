//! A fixed amount of coach work for counting instructions (`valgrind --tool=callgrind`), where
//! wall time on a shared machine is too noisy: `triage_cost triage N` triages the bench's
//! 40-word complaint N times, `triage_cost review N` reviews a 2,000-word draft N times (run
//! with N = 0 too and subtract, to leave out loading the rules).
use amends_coach::{Coach, Purpose};

/// The bench's complaint (`crates/amends-bench`'s `WORDS`).
const COMPLAINT: &str = "I ordered a birthday cake for Saturday and it came on Sunday, squashed, with the wrong \
    name piped on it. I called twice and nobody called back. I would like a refund and an apology.";

const DRAFT: &str = "I am so sorry that your order arrived late and damaged. We have refunded the delivery \
    charge and I have asked the bakery to check how the box was packed, because a cake should never arrive \
    like that. If you would like a replacement for Saturday, reply to this email and I will arrange it myself. ";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1000);
    let coach = Coach::english();
    let mut seen = 0usize;
    match args.first().map(String::as_str) {
        Some("review") => {
            let words = DRAFT.split_whitespace().count();
            let draft = DRAFT.repeat(2000usize.div_ceil(words));
            for _ in 0..n {
                seen += coach.review(&draft, Purpose::Apology).findings.len();
            }
        }
        _ => {
            for _ in 0..n {
                seen += coach.triage(COMPLAINT).reasons.len();
            }
        }
    }
    println!("{seen}");
}
