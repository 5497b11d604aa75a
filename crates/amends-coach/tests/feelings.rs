//! The feeling reminder (issue 22 §2): an apology or restatement to a customer heard as
//! angry, upset, anxious or disappointed acknowledges that feeling in words of its kind.
//! The texts below were written after the rules and were never tuned on: they use word
//! forms and paraphrases the rules file does not list verbatim where it can.

use amends_coach::{Coach, ENGLISH_FEELINGS, ENGLISH_RULES};

fn coach() -> Coach {
    Coach::english()
}

#[test]
fn the_built_in_feelings_compile() {
    let coach = Coach::from_rules_toml(ENGLISH_RULES).unwrap();
    assert!(coach.with_feelings_toml(ENGLISH_FEELINGS).is_ok());
}

#[test]
fn a_mistake_in_the_rules_names_its_line() {
    let broken = "language = \"en\"\nnegators = []\n[[feeling]]\nid = \"anxious\"\nname = \"anxious\"\nsuggestion = \"s\"\nwhy = \"w\"\ncovers = [\"a|b c|\"]\n";
    let err = Coach::from_rules_toml(ENGLISH_RULES).unwrap().with_feelings_toml(broken).unwrap_err();
    assert!(err.to_string().contains("feeling \"anxious\""), "{err}");
}

/// (feeling, text that acknowledges it in unseen wording)
const HEARD: &[(&str, &str)] = &[
    ("anxious", "I'm so sorry. I can only imagine how worrying it was to wait all night without a word from us."),
    ("anxious", "I am sorry we left you in the dark. You were worried, and we should have called."),
    (
        "anxious",
        "So, if I understood you: the missing parcel has your passport in it and the uncertainty is keeping you up.",
    ),
    ("anxious", "I'm sorry. I want to give you some peace of mind: the part is on the van and arrives by 5pm."),
    ("anxious", "I understand how unsettling it is not knowing where your deposit went."),
    ("anxious", "Having your card charged twice must have been frightening, and I'm sorry."),
    ("angry", "You have every right to be cross with us, and I am sorry."),
    ("angry", "I completely understand your frustration at being passed from desk to desk."),
    ("angry", "I'm sorry: waiting three weeks for a refund is infuriating, and it was our fault."),
    ("angry", "So you were furious that the driver left the sofa in the rain."),
    ("angry", "I'm sorry it got to the point where you lost your patience with us."),
    ("upset", "I'm so sorry. It must have been heartbreaking to open the box and find the cake crushed."),
    ("upset", "I'm sorry for how distressing it was to be turned away at the door in front of your guests."),
    ("upset", "So the delay spoilt your daughter's birthday party, and you were mortified."),
    ("upset", "I'm sorry this was so hard on you."),
    ("upset", "I can hear how much this hurt, and I am sorry."),
    ("disappointed", "I'm sorry we let you down on your anniversary."),
    ("disappointed", "You expected better from us and you deserved better. I'm sorry."),
    ("disappointed", "So the meal fell short of what you had looked forward to all week."),
    ("disappointed", "I'm sorry; the finish on the table was not what you hoped for."),
    ("disappointed", "I understand your disappointment with the repair."),
];

/// (feeling, text that does not acknowledge it)
const UNHEARD: &[(&str, &str)] = &[
    ("anxious", "I'm sorry the parcel was late. We will send it again today by 5pm."),
    ("anxious", "Don't worry, your parcel is on its way."),
    ("anxious", "There is no need to worry about the charge; it will be refunded."),
    ("anxious", "We made a mistake with the address and I accept all responsibility."),
    ("angry", "I'm sorry the sofa was damaged. A new one is ordered for Friday."),
    ("angry", "Please calm down and we can sort it out."),
    ("angry", "We made a mistake with your order."),
    ("upset", "I'm sorry your cake was late. Here is a refund of €20."),
    ("upset", "So the cake came late and the box was squashed."),
    ("disappointed", "I'm sorry the table was scratched. We will replace it."),
    ("disappointed", "So the steak was overcooked and the wine was warm."),
];

#[test]
fn a_feeling_said_in_words_of_its_kind_is_heard() {
    let coach = coach();
    let missed: Vec<String> = HEARD
        .iter()
        .filter_map(|(feeling, text)| coach.unheard_feeling(feeling, text).map(|_| format!("{feeling}: {text}")))
        .collect();
    assert!(missed.is_empty(), "not heard as acknowledged:\n{}", missed.join("\n"));
}

#[test]
fn a_text_that_skips_or_brushes_the_feeling_aside_gets_the_reminder() {
    let coach = coach();
    for (feeling, text) in UNHEARD {
        let unheard = coach.unheard_feeling(feeling, text);
        let unheard = unheard.unwrap_or_else(|| panic!("{feeling} heard in {text:?}"));
        assert_eq!(unheard.feeling, *feeling);
        assert!(!unheard.suggestion.is_empty() && !unheard.why.is_empty());
    }
}

#[test]
fn the_reminder_says_what_to_acknowledge() {
    let anxious = coach().unheard_feeling("anxious", "Your order ships on Monday.").unwrap();
    assert_eq!((anxious.name.as_str(), anxious.suggestion.as_str()), ("anxious", "say you understand the worry"));
}

#[test]
fn calm_or_an_unknown_feeling_needs_nothing_said() {
    let coach = coach();
    assert!(coach.unheard_feeling("calm", "Your order ships on Monday.").is_none());
    assert!(coach.unheard_feeling("jubilant", "Your order ships on Monday.").is_none());
}

#[test]
fn one_feelings_words_do_not_acknowledge_another() {
    // Naming the worry is not naming the anger.
    let coach = coach();
    assert!(coach.unheard_feeling("angry", "I'm sorry for the worry this caused.").is_some());
    assert!(coach.unheard_feeling("anxious", "I'm sorry for the anger this caused.").is_some());
}

/// German: `Coach::for_language("de")` hears feelings in German words of their kind (word
/// forms and compounds by the file's own stemming), and "keine Sorge" brushes the worry aside.
#[test]
fn german_feelings_are_heard_in_words_of_their_kind() {
    let coach = Coach::for_language("de-AT");
    assert!(Coach::german().with_feelings_toml(amends_coach::GERMAN_FEELINGS).is_ok());
    for (feeling, text) in [
        ("anxious", "Es tut mir leid. Ich kann mir vorstellen, wie beunruhigend die Ungewissheit für Sie war."),
        ("anxious", "Ihre Sorgen um den Reisepass verstehe ich gut."),
        ("angry", "Ich verstehe Ihren Ärger vollkommen, und es tut mir leid."),
        ("angry", "Sie sind zu Recht verärgert über die doppelte Abbuchung."),
        ("upset", "Es tut mir leid, wie sehr Sie das getroffen hat."),
        ("disappointed", "Sie hatten sich auf den Abend gefreut, und wir haben Sie enttäuscht."),
    ] {
        assert_eq!(coach.unheard_feeling(feeling, text), None, "{feeling}: {text}");
    }
    for (feeling, text) in [
        ("anxious", "Keine Sorge, das Paket kommt am Freitag."),
        ("angry", "Die Erstattung geht heute raus."),
        ("disappointed", "Ihr Paket kommt morgen um 10 Uhr."),
    ] {
        let unheard = coach.unheard_feeling(feeling, text);
        assert!(unheard.is_some_and(|u| u.feeling == feeling), "{feeling} should be unheard: {text}");
    }
}
