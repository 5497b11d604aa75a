//! Compiles the built-in rule files and prints any mistake with its line (while tuning).
use amends_coach::Coach;
fn main() {
    let e = Coach::english();
    for (name, r) in [
        ("en triage", e.clone().with_triage_toml(amends_coach::ENGLISH_TRIAGE).map(|_| ())),
        ("en concerns", e.clone().with_concerns_toml(amends_coach::ENGLISH_CONCERNS).map(|_| ())),
        ("en rules", Coach::from_rules_toml(amends_coach::ENGLISH_RULES).map(|_| ())),
        ("de triage", e.clone().with_triage_toml(amends_coach::GERMAN_TRIAGE).map(|_| ())),
        ("de concerns", e.clone().with_concerns_toml(amends_coach::GERMAN_CONCERNS).map(|_| ())),
        ("de rules", Coach::from_rules_toml(amends_coach::GERMAN_RULES).map(|_| ())),
    ] {
        println!("{name}: {r:?}");
    }
}
