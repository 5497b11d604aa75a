//! The restatement check measured on labelled complaint/restatement pairs.
//!
//! `concerns/en.toml` is the tuning split (the taxonomy was tuned against it; the assertion
//! is on it). `concerns/en_blind.toml` was written at the same time, before the taxonomy
//! existed, and never used for tuning: its figures are printed, not asserted.
//! `concerns/en_blind2.toml` was written after tuning; its first run is in its header, and
//! the kind-level gaps it showed were added since.
//! `cargo test -p amends-coach --test concerns -- --nocapture` prints both and every miss.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "score/concerns.rs"]
mod concerns_score;

use amends_coach::Coach;
use concerns_score::{BLIND, BLIND2, BLIND3, TUNING, TUNING2, TUNING3, TUNING4, TUNING5, score};

#[test]
fn restatement_check_finds_missed_concerns_on_the_tuning_split() {
    let coach = Coach::english();
    let s = score(&coach, TUNING, true);
    println!("tuning: {s}");
    assert!(s.pairs >= 40, "the tuning split has {} pairs", s.pairs);
    assert!(s.recall() >= 0.9, "recall of missed concerns {:.3} < 0.9", s.recall());
    assert!(s.false_alarm_rate() <= 0.1, "false alarms on complete restatements {:.3} > 0.1", s.false_alarm_rate());
    let b = score(&coach, BLIND, true);
    println!("blind (not asserted): {b}");
    let b2 = score(&coach, BLIND2, true);
    println!("second blind (first run in its header; gaps added since): {b2}");
}

/// The later splits, with floors a little under their honest figures (first runs in each
/// file's header): they catch a regression, not a missed target.
#[test]
fn restatement_check_holds_its_floor_on_the_later_splits() {
    let coach = Coach::english();
    for (name, split, recall, false_alarms) in [
        ("second tuning", TUNING2, 0.9, 0.1),
        ("third tuning", TUNING3, 0.85, 0.15),
        ("fourth tuning", TUNING4, 0.9, 0.1),
        ("fifth tuning (first run in its header)", TUNING5, 0.9, 0.15),
        ("third blind (never tuned on; first run in its header)", BLIND3, 0.9, 0.2),
    ] {
        let s = score(&coach, split, false);
        println!("{name}: {s}");
        assert!(s.recall() >= recall, "{name}: recall {:.3} < {recall}", s.recall());
        assert!(
            s.false_alarm_rate() <= false_alarms,
            "{name}: false alarms {:.3} > {false_alarms}",
            s.false_alarm_rate()
        );
    }
}

#[test]
fn a_finding_points_at_the_complaints_own_words() {
    let coach = Coach::english();
    let complaint = "The cake for my daughter's birthday was delivered three hours late.";
    let missed = coach.missed_concerns(complaint, "Your cake came late.");
    let ids: Vec<&str> = missed.iter().map(|m| m.concern.id.as_str()).collect();
    assert_eq!(ids, ["child", "occasion"]);
    for m in &missed {
        let words: String = complaint.chars().skip(m.concern.start).take(m.concern.end - m.concern.start).collect();
        assert_eq!(words, m.concern.words);
        assert!(m.explanation.contains(&m.concern.words), "{}", m.explanation);
    }
    assert_eq!(missed[0].concern.words, "daughter's");
    assert_eq!(missed[1].concern.words, "birthday");
}

#[test]
fn other_words_and_word_forms_cover_a_concern() {
    let coach = Coach::english();
    let complaint = "My parcel was delivered late and I was charged twice.";
    assert!(coach.missed_concerns(complaint, "Your parcel was delayed and you paid two times.").is_empty());
    assert!(coach.missed_concerns(complaint, "The lateness of your delivery, and the double billing.").is_empty());
    let missed = coach.missed_concerns(complaint, "Your parcel came after the date we gave.");
    assert_eq!(missed.len(), 1, "{missed:?}");
    assert_eq!(missed[0].concern.id, "overcharged");
}

#[test]
fn a_stated_concern_is_covered_when_its_own_words_are_said_back_with_words_of_their_own() {
    let coach = Coach::english();
    // "ended" is no cue for a cancellation; "membership" and "March" echo the customer's words.
    // (The cancelling is ours here: "I cancelled my membership" is the customer's own act.)
    let complaint = "You cancelled my membership in March but kept taking £40 a month.";
    assert!(coach.concerns(complaint).iter().any(|c| c.id == "cancelled"));
    let missed = coach.missed_concerns(complaint, "We ended your membership in March, yet went on charging you.");
    assert!(missed.iter().all(|m| m.concern.id != "cancelled"), "{missed:?}");
    // The object said back without the fault in words of its own does not cover it.
    let complaint = "Hello, I am still waiting for my refund for the returned books, it has been six weeks.";
    let missed = coach.missed_concerns(complaint, "You returned some books to us.");
    assert!(missed.iter().any(|m| m.concern.id == "no_refund"), "{missed:?}");
    // An implied concern is never echoed: the child beside the fault is still missed.
    let complaint = "The cake for my daughter's birthday was delivered three hours late.";
    let missed =
        coach.missed_concerns(complaint, "Your birthday cake was delivered three hours after the time we gave.");
    assert!(missed.iter().any(|m| m.concern.id == "child"), "{missed:?}");
}

#[test]
fn a_negated_cue_is_no_concern() {
    let coach = Coach::english();
    let ids: Vec<String> = coach
        .concerns("The delivery wasn't late and nothing was damaged, but the colour is wrong.")
        .into_iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(ids, ["wrong_item"]);
    // "my late father" is a person, not lateness.
    assert!(coach.concerns("It was my late father's watch.").iter().all(|c| c.id != "late"));
}

#[test]
fn words_inside_a_link_or_an_address_are_no_concern() {
    let coach = Coach::english();
    let complaint = "My order (https://shop.example/cakes/wedding-cake?day=WED) came late. \
                     Write to birthday.team@shop.example if you must.";
    let found = coach.concerns(complaint);
    let ids: Vec<&str> = found.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["late"], "{found:?}");
    let late = &found[0];
    let words: String = complaint.chars().skip(late.start).take(late.end - late.start).collect();
    assert_eq!(words, late.words);
}

#[test]
fn the_concerns_taxonomy_compiles_and_reports_mistakes() {
    let coach = Coach::english().with_concerns_toml(amends_coach::ENGLISH_CONCERNS);
    assert!(coach.is_ok());
    let bad = "language = \"en\"\nnegators = []\n[[concern]]\nid = \"x\"\nkind = \"stated\"\nname = \"x\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"late ~0 x\"]\n";
    let err = Coach::english().with_concerns_toml(bad).unwrap_err().to_string();
    assert!(err.contains("concern \"x\"") && err.contains("line 4"), "{err}");
}

/// The German taxonomy on German pairs: `concerns/de.toml` and `concerns/de_tuning2.toml` are
/// tuning splits (asserted); `concerns/de_blind.toml` was written and labelled before the
/// first run, `concerns/de_blind2.toml` before the second tuning round and run only after it;
/// neither was tuned on (first runs in their headers; floors a little under them).
#[test]
fn german_restatement_check_on_its_splits() {
    let coach = Coach::german();
    for (name, split) in [
        ("German tuning", include_str!("concerns/de.toml")),
        ("German tuning 2", include_str!("concerns/de_tuning2.toml")),
    ] {
        let s = score(&coach, split, true);
        println!("{name}: {s}");
        assert!(s.pairs >= 20, "{name} has {} pairs", s.pairs);
        assert!(s.recall() >= 0.9, "{name}: recall of missed concerns {:.3} < 0.9", s.recall());
        assert!(s.false_alarm_rate() <= 0.1, "{name}: false alarms {:.3} > 0.1", s.false_alarm_rate());
    }
    let b = score(&coach, include_str!("concerns/de_blind.toml"), true);
    println!("German blind (never tuned on): {b}");
    // Floors a little under the figures when they were set (recall 0.706, false alarms 0.300).
    assert!(b.recall() >= 0.65, "German blind recall {:.3}", b.recall());
    assert!(b.false_alarm_rate() <= 0.35, "German blind false alarms {:.3}", b.false_alarm_rate());
    let b2 = score(&coach, include_str!("concerns/de_blind2.toml"), true);
    println!("German second blind (never tuned on; run after the second tuning): {b2}");
    // Floors a little under its first run (recall 0.867, false alarms 0.200).
    assert!(b2.recall() >= 0.8, "German second blind recall {:.3}", b2.recall());
    assert!(b2.false_alarm_rate() <= 0.25, "German second blind false alarms {:.3}", b2.false_alarm_rate());
}

#[test]
fn german_word_forms_and_spellings_cover_a_concern() {
    let coach = Coach::german();
    let complaint = "Mein Paket wurde verspätet geliefert und mir wurde der Betrag doppelt abgebucht.";
    assert!(
        coach.missed_concerns(complaint, "Ihre Lieferung hatte Verspätung, und Sie haben zweimal bezahlt.").is_empty()
    );
    assert!(coach.missed_concerns(complaint, "Ihr Paket kam verspaetet, und wir haben doppelt abgebucht.").is_empty());
    let missed = coach.missed_concerns(complaint, "Ihr Paket kam zu spät.");
    let ids: Vec<&str> = missed.iter().map(|m| m.concern.id.as_str()).collect();
    assert_eq!(ids, ["overcharged"], "{missed:?}");
    // A compound's head: "Geburtstagstorte" raises the occasion, "Nussallergie" the danger.
    let ids: Vec<String> = coach
        .concerns("Die Geburtstagstorte hatte Nüsse, obwohl mein Sohn eine Nussallergie hat.")
        .into_iter()
        .map(|c| c.id)
        .collect();
    for want in ["occasion", "child", "health", "unsafe"] {
        assert!(ids.iter().any(|i| i == want), "{want} not in {ids:?}");
    }
    // Negated: "nicht zu spät" is no lateness.
    let ids: Vec<String> = coach.concerns("Die Lieferung kam nicht zu spät.").into_iter().map(|c| c.id).collect();
    assert!(!ids.iter().any(|i| i == "late"), "{ids:?}");
}

/// The blind splits of the session `coach` (first runs in their headers): the fourth English
/// one and the third German one were written before any of its tuning, the fifth and sixth
/// after its first and second rounds (tuned on since), the seventh after the last, never
/// tuned on. Floors a little under the figures when they were set.
#[test]
fn restatement_check_on_the_coach_sessions_blind_splits() {
    for (name, coach, split, recall, false_alarms) in [
        ("fourth blind (English; before tuning)", Coach::english(), concerns_score::BLIND4, 0.9, 0.1),
        (
            "fifth blind (English; after round one, tuned on since)",
            Coach::english(),
            concerns_score::BLIND5,
            0.85,
            0.15,
        ),
        (
            "sixth blind (English; after round two, one cue fixed since)",
            Coach::english(),
            concerns_score::BLIND6,
            0.9,
            0.65,
        ),
        (
            "seventh blind (English; after all tuning; tuned on by kind since)",
            Coach::english(),
            concerns_score::BLIND7,
            0.9,
            0.1,
        ),
        ("third German blind (before tuning)", Coach::german(), concerns_score::GERMAN_BLIND3, 0.9, 0.35),
    ] {
        let s = score(&coach, split, true);
        println!("{name}: {s}");
        assert!(s.recall() >= recall, "{name}: recall {:.3} < {recall}", s.recall());
        assert!(
            s.false_alarm_rate() <= false_alarms,
            "{name}: false alarms {:.3} > {false_alarms}",
            s.false_alarm_rate()
        );
    }
}

/// The blind splits of the session `coach-recall` (first runs in their headers): the eighth
/// English one written before any of its tuning, the ninth after it; both tuned on by kind
/// afterwards. Floors a little under the figures when they were set.
#[test]
fn restatement_check_on_the_recall_sessions_blind_splits() {
    for (name, split) in [
        ("eighth blind (English; before tuning; tuned on since)", concerns_score::BLIND8),
        ("ninth blind (English; after tuning; tuned on since)", concerns_score::BLIND9),
    ] {
        let s = score(&Coach::english(), split, true);
        println!("{name}: {s}");
        assert!(s.pairs >= 20, "{name}: {}", s.pairs);
        assert!(s.recall() >= 0.9, "{name}: recall {:.3}", s.recall());
        assert!(s.false_alarm_rate() <= 0.1, "{name}: false alarms {:.3}", s.false_alarm_rate());
    }
}

/// The eleventh to thirteenth English blind splits (sessions `coach7`, `coach9`, `coach10`): each
/// written before any of its session's changes, never tuned on or read for its misses (first and
/// final runs in their headers). Their false alarms on complete restatements are far over the
/// target: the floors record where they stand, not where they should be. The eleventh's ceiling
/// was lowered in coach8 (the echo: 0.526 -> 0.368) and in coach9 (the hearing's layers: ->
/// 0.316); the twelfth stands at recall 0.625 and false alarms 0.304; the thirteenth at recall
/// 0.727 and false alarms 0.500 (0.542 before the learned judge); the fourteenth (coach11) at
/// recall 0.818 and false alarms 0.250, unchanged by the thesaurus; the fifteenth (coach14) at
/// recall 0.724 and false alarms 0.125, unchanged by that round's not_cues and clause cues; the
/// sixteenth (coach17) at recall 0.636 and false alarms 0.308, unchanged by that round's
/// families and times of day (the twelfth's false alarms fell to 0.261 with them); the
/// seventeenth (coach20) at recall 0.531 and false alarms 0.542, as first measured.
#[test]
fn restatement_check_on_the_later_blind_splits() {
    for (name, split, recall, false_alarms) in [
        ("eleventh blind", concerns_score::BLIND11, 0.7, 0.35),
        ("twelfth blind", concerns_score::BLIND12, 0.6, 0.27),
        ("thirteenth blind", concerns_score::BLIND13, 0.7, 0.52),
        ("fourteenth blind", concerns_score::BLIND14, 0.8, 0.26),
        ("fifteenth blind", concerns_score::BLIND15, 0.7, 0.15),
        ("sixteenth blind", concerns_score::BLIND16, 0.63, 0.31),
        ("seventeenth blind", concerns_score::BLIND17, 0.53, 0.55),
    ] {
        let s = score(&Coach::english(), split, false);
        assert!(s.pairs >= 30, "{name}: {}", s.pairs);
        assert!(s.recall() >= recall, "{name}: recall {:.3}", s.recall());
        assert!(s.false_alarm_rate() <= false_alarms, "{name}: false alarms {:.3}", s.false_alarm_rate());
    }
}

/// The splits of the session `coach5` (first runs in their headers): the tenth English blind
/// split was written before any of its tuning and never tuned on; the sixth tuning split after
/// it, tuned on by kind; the later sessions' fresh tuning splits (coach6, coach9) with them.
/// Floors a little under the figures when they were set.
#[test]
fn restatement_check_on_the_coach5_splits() {
    for (name, split, recall, false_alarms) in [
        ("tenth blind (English; before tuning, never tuned on)", concerns_score::BLIND10, 0.9, 0.25),
        ("sixth tuning (English; tuned on)", concerns_score::TUNING6, 0.9, 0.1),
        ("seventh tuning (English; tuned on)", concerns_score::TUNING7, 0.9, 0.1),
        ("eighth tuning (English, session coach6; tuned on)", concerns_score::TUNING8, 0.9, 0.1),
        ("ninth tuning (English, session coach9; tuned on)", concerns_score::TUNING9, 0.85, 0.1),
        ("tenth tuning (English, session coach9; tuned on)", concerns_score::TUNING10, 0.85, 0.1),
        ("eleventh tuning (English, session coach9; tuned on)", concerns_score::TUNING11, 0.85, 0.1),
        // Long restatements that leave a concern out: what a judge reading length would pass.
        ("twelfth tuning (English, session coach10)", concerns_score::TUNING12, 0.7, 0.3),
        // Session coach14: cues in a sense that is no concern, concerns told in a clause; the
        // sixteenth written after the round's rules as a fresh check (first runs in headers).
        ("thirteenth tuning (English, session coach14)", concerns_score::TUNING13, 0.7, 0.23),
        ("fourteenth tuning (English, session coach14)", concerns_score::TUNING14, 0.85, 0.1),
        ("fifteenth tuning (English, session coach14)", concerns_score::TUNING15, 0.65, 0.1),
        ("sixteenth tuning (English, session coach14)", concerns_score::TUNING16, 0.7, 0.15),
        ("seventeenth tuning (English, session coach14)", concerns_score::TUNING17, 0.65, 0.1),
        // Session coach17: one event read two ways, two events of a family told apart.
        ("eighteenth tuning (English, session coach17)", concerns_score::TUNING18, 0.5, 0.15),
    ] {
        let s = score(&Coach::english(), split, true);
        println!("{name}: {s}");
        assert!(s.pairs >= 10, "{name}: {}", s.pairs);
        assert!(s.recall() >= recall, "{name}: recall {:.3} < {recall}", s.recall());
        assert!(
            s.false_alarm_rate() <= false_alarms,
            "{name}: false alarms {:.3} > {false_alarms}",
            s.false_alarm_rate()
        );
    }
}

#[test]
fn an_age_makes_a_child_only_below_eighteen() {
    let coach = Coach::english();
    let ids = |text: &str| coach.concerns(text).into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert!(ids("The pharmacist gave my 80-year-old father the wrong dose.").iter().all(|i| i != "child"));
    assert!(ids("The pharmacist gave my 7-year-old the wrong dose.").iter().any(|i| i == "child"));
    assert!(ids("It cut my two year old's hand.").iter().any(|i| i == "child"));
}

/// A cue in a sense that is no concern raises nothing (`not_cues` and `[negation]` in the
/// hearing file, the triage's machinery): an adult son, a wait that is no delay, a figure, a
/// harm negated through its clause's subject, late as a time of day; the concern itself still
/// raises it.
#[test]
fn a_cue_in_a_sense_that_is_no_concern_raises_nothing() {
    let coach = Coach::english();
    let ids = |text: &str| coach.concerns(text).into_iter().map(|c| c.id).collect::<Vec<_>>();
    let has = |text: &str, id: &str| ids(text).iter().any(|i| i == id);
    assert!(!has("My son, who is 34, booked the table for us.", "child"));
    assert!(has("My son, who is 4, was served a drink with ice in it.", "child"));
    assert!(has("The buffet for my daughter's christening was forty minutes late.", "child"));
    assert!(!has("While I waited for my friend I ordered a coffee, and it was cold.", "kept_waiting"));
    assert!(has("I waited for my food for an hour.", "kept_waiting"));
    assert!(!has("I'm sick of your excuses and the parcel is still missing.", "health"));
    assert!(has("My wife was sick all night after the fish.", "health"));
    assert!(!has("The shelf fell off the wall. Nobody was hurt, thankfully.", "health"));
    assert!(has("The shelf fell off the wall and my husband was hurt.", "health"));
    assert!(!has("I work late shifts, so I booked a late checkout.", "late"));
    assert!(has("The engineer came late and left a mess.", "late"));
}

/// A concern told in a clause rather than a word is heard, and said back by a clause.
#[test]
fn a_concern_told_in_a_clause_is_heard_and_said_back() {
    let coach = Coach::english();
    let ids = |text: &str| coach.concerns(text).into_iter().map(|c| c.id).collect::<Vec<_>>();
    let complaint =
        "The engineer arrived ninety minutes after the agreed time and the bill was £120 more than the quote.";
    assert_eq!(ids(complaint), ["late", "overcharged"]);
    let missed = |r: &str| coach.missed_concerns(complaint, r).into_iter().map(|m| m.concern.id).collect::<Vec<_>>();
    assert!(missed("Our engineer reached you an hour and a half after the time we agreed, and you were billed £120 above our quote.").is_empty());
    assert_eq!(missed("You were billed £120 above our quote."), ["late"]);
}

/// Concerns of one family are readings of one event: where the complaint raises two of a family
/// at the same words ("never showed": a thing missing, a visit cancelled), a restatement that says
/// the event back in either reading has said it back; two events of a family told apart must
/// each be said back, and a restatement that says neither back misses both.
#[test]
fn one_event_heard_two_ways_is_said_back_in_either() {
    let taxonomy = "language = \"en\"\nnegators = [\"not\"]\n\
        [[concern]]\nid = \"missing\"\nkind = \"stated\"\nfamily = \"absence\"\nname = \"it never came\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"never showed\", \"never arrived\"]\ncovers = [\"lost\"]\n\
        [[concern]]\nid = \"cancelled\"\nkind = \"stated\"\nfamily = \"absence\"\nname = \"nobody came\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"never showed\", \"called off\"]\ncovers = [\"did not come\"]\n\
        [[concern]]\nid = \"rude\"\nkind = \"stated\"\nname = \"rude\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"never showed respect\"]\ncovers = [\"rude\"]\n";
    let coach =
        Coach::english().with_thesaurus("").unwrap().with_judge("").unwrap().with_concerns_toml(taxonomy).unwrap();
    let missed = |complaint: &str, r: &str| {
        coach.missed_concerns(complaint, r).into_iter().map(|m| m.concern.id).collect::<Vec<_>>()
    };
    let one = "The engineer never showed.";
    assert_eq!(coach.concerns(one).into_iter().map(|c| c.id).collect::<Vec<_>>(), ["missing", "cancelled"]);
    assert!(missed(one, "Our engineer did not come.").is_empty());
    assert!(missed(one, "Your engineer's visit was lost.").is_empty());
    assert_eq!(missed(one, "We are sorry."), ["missing", "cancelled"]);
    // Two events, told apart: the visit said back leaves the parcel unsaid.
    let two = "My parcel never arrived, and then the engineer called off the visit.";
    assert_eq!(missed(two, "Our engineer did not come."), ["missing"]);
    // A concern of no family raised at the same words is not said back by the event.
    let other = "The engineer never showed respect.";
    assert_eq!(missed(other, "Our engineer did not come."), ["rude"]);
}

/// A time of day is no number of anything: not years of custom, not an age, not a birthday;
/// a cue that reads a time still hears one.
#[test]
fn a_time_of_day_is_no_count_of_years_or_an_age() {
    let coach = Coach::english();
    let ids = |text: &str| coach.concerns(text).into_iter().map(|c| c.id).collect::<Vec<_>>();
    let clock = ids("I have been sitting here since 9 o'clock for my 4pm slot, and it is now 10:30.");
    assert!(!clock.iter().any(|i| i == "loyalty" || i == "occasion" || i == "child"), "{clock:?}");
    assert!(ids("I have been with you since 2009.").iter().any(|i| i == "loyalty"));
    assert!(ids("It was for my 40th and the cake never came.").iter().any(|i| i == "occasion"));
    assert!(ids("The food arrived at 9pm when the party had started at 7.").iter().any(|i| i == "late"));
}

#[test]
fn the_customers_own_act_is_no_fault_of_ours() {
    let coach = Coach::english();
    let ids = |text: &str| coach.concerns(text).into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert!(ids("I cancelled my membership in March but you kept charging me.").iter().all(|i| i != "cancelled"));
    assert!(ids("The parcel was lost and I had to cancel my trip.").iter().all(|i| i != "cancelled"));
    assert!(ids("You cancelled my appointment the night before.").iter().any(|i| i == "cancelled"));
    assert!(ids("My flight was cancelled and nobody told me.").iter().any(|i| i == "cancelled"));
}

/// The learned judge (`rules/judge.en.tsv`): a stated concern whose cue's own words mostly come
/// back, in a restatement that says back the rest of the complaint, counts as said back in
/// words the taxonomy does not list; without those facts it stays missed, and the judge can be
/// turned off. (The echo is on with a bar no sentence reaches, so only the judge covers here.)
#[test]
fn the_judge_covers_a_fault_said_back_in_words_nobody_listed() {
    let taxonomy = "language = \"en\"\nnegators = [\"not\"]\n\
        [[concern]]\nid = \"damaged\"\nkind = \"stated\"\nname = \"it was damaged\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"soaked\"]\ncovers = [\"damaged\"]\n\
        [[concern]]\nid = \"extra_cost\"\nkind = \"stated\"\nname = \"it cost them\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"had to pay\"]\ncovers = [\"paid\"]\n\
        [echo]\nwindow = 9\nmin_shared = 99\nshare = 1.0\n\
        function_words = [\"the\", \"and\", \"were\", \"was\", \"your\", \"our\", \"because\", \"out\", \"inside\"]\n";
    // The judge alone: the thesaurus would hear "wet" as "soaked".
    let coach = Coach::english().with_thesaurus("").unwrap().with_concerns_toml(taxonomy).unwrap();
    let complaint = "The courier left my parcel out in the rain and the books inside were soaked. I had to pay £20 to replace them.";
    let restatement =
        "Your books got wet because our courier left the parcel out in the rain, and you paid £20 to replace them.";
    let ids =
        |c: &Coach, r: &str| c.missed_concerns(complaint, r).into_iter().map(|m| m.concern.id).collect::<Vec<_>>();
    assert!(ids(&coach, restatement).is_empty(), "{:?}", coach.judge_cases(complaint, restatement));
    assert_eq!(ids(&coach.clone().with_judge("").unwrap(), restatement), ["damaged"]);
    // The cost said back alone: the fault's words do not come back, so it is still missed.
    assert_eq!(ids(&coach, "You paid £20 to replace them."), ["damaged"]);
    assert!(Coach::english().with_judge("covered_at\t1.5\n").is_err());
    assert!(Coach::english().with_judge("w\tkind stated\tx\n").is_err());
}

/// Words from outside the corpus (`rules/thesaurus.en.tsv`, from WordNet): a restatement that says
/// a concern in a word nobody listed for it, but WordNet relates to one that is, has said it back.
#[test]
fn a_relative_from_the_thesaurus_says_a_concern_back() {
    let complaint = "The florist sent the wrong flowers to my wedding.";
    let restatement = "We sent the wrong flowers to your nuptials.";
    let ids =
        |c: &Coach, r: &str| c.missed_concerns(complaint, r).into_iter().map(|m| m.concern.id).collect::<Vec<_>>();
    let coach = Coach::english();
    assert!(ids(&coach, restatement).is_empty());
    // Without the thesaurus the occasion is missed, at the complaint's own word.
    let without = coach.clone().with_thesaurus("").unwrap().with_judge("").unwrap();
    let missed = without.missed_concerns(complaint, restatement);
    assert_eq!(missed.iter().map(|m| m.concern.id.as_str()).collect::<Vec<_>>(), ["occasion"]);
    assert_eq!(missed[0].concern.words, "wedding");
    // Leaving it out is still a miss.
    assert_eq!(ids(&coach, "We sent the wrong flowers."), ["occasion"]);

    // On a taxonomy of its own: a relative counts for the concern whose word it is related to,
    // never for another concern that names it, and a relative of a hint says nothing back.
    let taxonomy = "language = \"en\"\nnegators = [\"not\"]\n\
        [[concern]]\nid = \"rude\"\nkind = \"stated\"\nname = \"rude\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"rude\"]\n\
        [[concern]]\nid = \"upset\"\nkind = \"implied\"\nname = \"upset\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"upset\"]\ncovers = [\"abrupt\"]\n\
        [[concern]]\nid = \"unsafe\"\nkind = \"stated\"\nname = \"unsafe\"\nwhy = \"\"\nsuggestion = \"\"\ncues = [\"unsafe\"]\nhints = [\"peanut\"]\n";
    let thesaurus = "# a test thesaurus\nrude\timpolite,abrupt,bad mannered\npeanut\tgoober\n";
    let coach = Coach::english().with_judge("").unwrap().with_thesaurus(thesaurus).unwrap();
    let coach = coach.with_concerns_toml(taxonomy).unwrap();
    let complaint = "The waiter was rude. I was upset.";
    let ids = |r: &str| coach.missed_concerns(complaint, r).into_iter().map(|m| m.concern.id).collect::<Vec<_>>();
    assert_eq!(ids("The waiter was impolite and you were upset."), Vec::<String>::new());
    assert_eq!(ids("The waiter was bad mannered and you were upset."), Vec::<String>::new());
    assert_eq!(ids("The waiter was abrupt."), ["rude"]);
    let peanut = coach.missed_concerns("There was a peanut in it.", "There was a goober in it.");
    assert_eq!(peanut.iter().map(|m| m.concern.id.as_str()).collect::<Vec<_>>(), ["unsafe"]);
    assert!(Coach::english().with_thesaurus("rude impolite\n").is_err());
}
