//! Scores labelled corpora from the command line while tuning: `cargo run --example score --
//! tests/corpus/en_general25.tsv ...` prints each file's table and every miss (German files,
//! named `de*`, with the German coach). Never point it at a blind set you are tuning for.
//! With `AMENDS_COACH_RULES=path/to/en.toml` the English rules are read from that file at
//! start (no rebuild between edits while tuning). A `.toml` file is a set of restatement
//! pairs (`tests/concerns/`), scored with the taxonomy of `AMENDS_COACH_CONCERNS` if set.
//! With `AMENDS_COACH_JUDGE`, the restatement check's judge is read from that file (empty: off).
//! With `AMENDS_COACH_THESAURUS`, its thesaurus (a missing or empty file: off).
//! `--totals` prints each file's totals and no miss: the way to measure a blind set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/score/corpus.rs"]
mod corpus_score;

#[path = "../tests/score/concerns.rs"]
mod concerns_score;

use amends_coach::Coach;

fn main() {
    let en = match std::env::var("AMENDS_COACH_RULES") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            // With the built-in learned backstop, as `Coach::english()` has it: a rules file
            // tried while tuning is then scored as it would ship.
            Coach::from_rules_toml(&text)
                .and_then(|c| c.with_learned(amends_coach::ENGLISH_LEARNED))
                .unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        Err(_) => Coach::english(),
    };
    let de = Coach::german();
    let hearing = match std::env::var("AMENDS_COACH_CONCERNS") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            Coach::english().with_concerns_toml(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        Err(_) => Coach::english(),
    };
    let hearing = match std::env::var("AMENDS_COACH_JUDGE") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            hearing.with_judge(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        Err(_) => hearing,
    };
    let hearing = match std::env::var("AMENDS_COACH_THESAURUS") {
        Ok(path) => {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            hearing.with_thesaurus(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
        }
        Err(_) => hearing,
    };
    let mut all = (0, 0, 0);
    let totals = std::env::args().any(|a| a == "--totals");
    for path in std::env::args().skip(1).filter(|a| a != "--totals") {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let name = path.rsplit('/').next().unwrap_or(&path);
        let coach = if name.starts_with("de") { &de } else { &en };
        if name.ends_with(".toml") {
            let hearing = if name.starts_with("de") { &de } else { &hearing };
            let score = concerns_score::score(hearing, &text, !totals);
            println!("{name}: {score}");
            if !totals {
                println!("  {}", score.kinds());
            }
            continue;
        }
        let (_, flag) = corpus_score::evaluate_with(coach, name, &corpus_score::load(name, &text), !totals);
        all.0 += flag.texts.tp;
        all.1 += flag.texts.fp;
        all.2 += flag.texts.fn_;
    }
    println!("\nall files, flagging: {} tp, {} fp, {} fn", all.0, all.1, all.2);
}
