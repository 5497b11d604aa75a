//! Probes the coach from the command line while tuning: `cargo run --example probe -- en
//! review|triage|concerns TEXT [RESTATEMENT]` prints what each part hears.

use amends_coach::{Coach, Purpose};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [lang, what, rest @ ..] = args.as_slice() else {
        eprintln!("usage: probe en|de review[:purpose]|triage|concerns TEXT [RESTATEMENT]");
        return;
    };
    // `AMENDS_COACH_RULES=path/to/en.toml`: the English rules read from that file (tuning).
    let coach = match std::env::var("AMENDS_COACH_RULES") {
        Ok(path) if lang.as_str() == "en" => {
            let rules = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            Coach::from_rules_toml(&rules).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        _ => Coach::for_language(lang),
    };
    let text = rest.first().cloned().unwrap_or_default();
    match what.split(':').next().unwrap_or("") {
        "review" => {
            let purpose: Purpose = what.split(':').nth(1).and_then(|p| p.parse().ok()).unwrap_or(Purpose::Other);
            for f in coach.review(&text, purpose).findings {
                let marked: String = text.chars().skip(f.start).take(f.end - f.start).collect();
                println!("{} {marked:?} ({})", f.kind, f.why);
            }
        }
        "triage" => {
            let t = coach.triage(&text);
            println!("{:?}", t.severity);
            for r in t.reasons {
                println!("  {:?} {:?}", r.kind, r.words);
            }
        }
        _ => {
            for c in coach.concerns(&text) {
                println!("concern {} {:?}", c.id, c.words);
            }
            if let Some(r) = rest.get(1) {
                for m in coach.missed_concerns(&text, r) {
                    println!("missed {} {:?}", m.concern.id, m.concern.words);
                }
            }
        }
    }
}
