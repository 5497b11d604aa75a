//! Reviews one text from the command line and shows what the coach would highlight:
//! `cargo run --example review -- apology "Sorry if you were upset. We'll call soon."`
//! The first argument is the purpose (snake_case, e.g. `follow_up`); the rest is the text.

use amends_coach::{Coach, Purpose};

fn main() {
    let mut args = std::env::args().skip(1);
    let purpose: Purpose = args.next().and_then(|p| p.parse().ok()).unwrap_or(Purpose::Other);
    let text = args.collect::<Vec<_>>().join(" ");
    let review = Coach::english().review(&text, purpose);
    for f in &review.findings {
        let marked: String = text.chars().skip(f.start).take(f.end - f.start).collect();
        println!("{} ({:?}) {}..{} {marked:?}", f.kind, f.severity, f.start, f.end);
        println!("    why: {}\n    try: {}", f.why, f.suggestion);
    }
    println!("score {}", review.score);
}
