//! The messages the desk sends customers: built-in templates (in `templates/email/`),
//! which managers may replace per installation; rendering; and sample data for a
//! live preview. A template's first line is `Subject: …`, then a blank line, then
//! the body.
//!
//! A built-in template is a skeleton of Fluent messages (`{{ t("mail-dear") }}`, the
//! `mail-…` ids of `amends-i18n`'s `mail.ftl`), so a language is files, not a second
//! set of templates. Before it renders, a source is written out in the customer's
//! language (the context's `lang`, a tag; English without one): each `t("…")` becomes
//! the message, its `{ $reference }` the template's `{{ reference }}`. A manager edits
//! that written-out text, one language at a time; their edit is kept per language and
//! may itself still call `t("…")`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use amends_coach::Purpose;
use amends_domain::Language;
use minijinja::Environment;

pub struct MessageTemplate {
    pub name: &'static str,
    /// What it is for, as a manager reads it.
    pub title: &'static str,
    /// What the coach checks it as.
    pub purpose: Purpose,
    pub source: &'static str,
    /// The variables it may use, for the editor; any other is refused when it is saved.
    pub variables: &'static [&'static str],
    /// The variables it must show: what the customer is asked to read, confirm or
    /// answer (a restatement without the restatement asks them to confirm nothing).
    pub required: &'static [&'static str],
}

pub const TEMPLATES: &[MessageTemplate] = &[
    MessageTemplate {
        name: "acknowledgement",
        title: "Acknowledgement of a new complaint",
        purpose: Purpose::Other,
        source: include_str!("../templates/email/acknowledgement.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "reference",
            "soon",
            "status_link",
            "signature",
            "agent",
            "business",
        ],
        required: &["status_link"],
    },
    MessageTemplate {
        name: "restatement",
        title: "The restatement, to confirm",
        purpose: Purpose::Restatement,
        source: include_str!("../templates/email/restatement.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "reference",
            "restatement",
            "link",
            "signature",
            "agent",
            "business",
        ],
        required: &["restatement", "link"],
    },
    MessageTemplate {
        name: "apology",
        title: "The apology",
        purpose: Purpose::Apology,
        source: include_str!("../templates/email/apology.txt"),
        variables: &["name", "customer.first_name", "reference", "apology", "signature", "agent", "business"],
        required: &["apology"],
    },
    MessageTemplate {
        name: "offer",
        title: "The two options",
        purpose: Purpose::Offer,
        source: include_str!("../templates/email/offer.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "reference",
            "option1",
            "option2",
            "link",
            "signature",
            "agent",
            "business",
        ],
        required: &["option1", "option2", "link"],
    },
    MessageTemplate {
        name: "alternative_declined",
        title: "Their own suggestion, declined with the reason",
        purpose: Purpose::Offer,
        source: include_str!("../templates/email/alternative_declined.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "reference",
            "proposal",
            "reason",
            "option1",
            "option2",
            "link",
            "signature",
            "agent",
            "business",
        ],
        required: &["reason", "link"],
    },
    MessageTemplate {
        name: "fix_promised",
        title: "The fix, promised with a date",
        purpose: Purpose::Fix,
        source: include_str!("../templates/email/fix_promised.txt"),
        variables: &["name", "customer.first_name", "reference", "what", "due", "signature", "agent", "business"],
        required: &["what", "due"],
    },
    MessageTemplate {
        name: "fix_done",
        title: "The fix, done",
        purpose: Purpose::Fix,
        source: include_str!("../templates/email/fix_done.txt"),
        variables: &["name", "customer.first_name", "reference", "note", "signature", "agent", "business"],
        required: &["note"],
    },
    MessageTemplate {
        name: "disclosure",
        title: "A notice about a problem found before customers did",
        purpose: Purpose::Disclosure,
        source: include_str!("../templates/email/disclosure.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "title",
            "explanation",
            "solution",
            "link",
            "signature",
            "opening",
            "invitation",
        ],
        required: &["title", "explanation", "solution", "link"],
    },
    MessageTemplate {
        name: "proof",
        title: "Proof of improvement, to everyone a fixed problem affected",
        purpose: Purpose::Disclosure,
        source: include_str!("../templates/email/proof.txt"),
        variables: &["name", "customer.first_name", "reference", "words", "text", "invitation", "gesture", "signature"],
        required: &["reference", "text"],
    },
    MessageTemplate {
        name: "follow_up",
        title: "The follow-up, after the dust settles",
        purpose: Purpose::FollowUp,
        source: include_str!("../templates/email/follow_up.txt"),
        variables: &[
            "name",
            "customer.first_name",
            "reference",
            "prevention",
            "link",
            "signature",
            "agent",
            "business",
        ],
        required: &["link"],
    },
    MessageTemplate {
        name: "reply",
        title: "A reply staff wrote (sent now or at a time they chose), signed by its writer and the business",
        purpose: Purpose::Other,
        source: include_str!("../templates/email/reply.txt"),
        variables: &["name", "customer.first_name", "reference", "text", "agent", "business"],
        required: &["text"],
    },
];

pub fn template(name: &str) -> Option<&'static MessageTemplate> {
    TEMPLATES.iter().find(|t| t.name == name)
}

impl MessageTemplate {
    /// The built-in text in `language`, as a manager reads and edits it.
    pub fn source_in(&self, language: Language) -> String {
        expand(self.source, language)
    }
}

/// `source` with each `{{ t("id") }}` written out as the message in `language`, its
/// arguments as the template's variables.
pub fn expand(source: &str, language: Language) -> String {
    let variables = variable_names();
    let mut out = String::with_capacity(source.len() * 2);
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        let (before, from) = rest.split_at(start);
        out.push_str(before);
        let call = from.find("}}").and_then(|end| message_call(&from[2..end]).map(|id| (id, end)));
        match call {
            Some((id, end)) => {
                out.push_str(&amends_i18n::template_text(language, id, &variables));
                rest = &from[end + 2..];
            }
            None => {
                out.push_str("{{");
                rest = &from[2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The id of `t("id")` (or `t('id')`), the whole of an expression.
fn message_call(expression: &str) -> Option<&str> {
    let inner = expression.trim().strip_prefix("t(")?.strip_suffix(')')?.trim();
    let id = inner
        .strip_prefix('"')
        .and_then(|i| i.strip_suffix('"'))
        .or_else(|| inner.strip_prefix('\'').and_then(|i| i.strip_suffix('\'')))?;
    id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-').then_some(id)
}

/// Every plain variable any message offers: the names a message's `{ $name }` may use.
fn variable_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> =
        TEMPLATES.iter().flat_map(|t| t.variables.iter().copied()).filter(|v| !v.contains('.')).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// The language a context asks for: its `lang` tag, else English.
fn language_of(ctx: &minijinja::Value) -> Language {
    ctx.get_attr("lang").ok().and_then(|v| v.as_str().and_then(Language::from_tag)).unwrap_or(Language::English)
}

/// Why a template's source cannot be saved: it does not parse or render, or it names
/// variables the message does not have, or leaves out ones it must show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateProblem {
    /// It does not parse or render (the engine's words).
    Broken(String),
    Variables {
        /// Named in the source but not offered by this message (`first_name`).
        unknown: Vec<String>,
        /// Offered and required, but not in the source (`restatement`).
        missing: Vec<String>,
    },
}

impl std::fmt::Display for TemplateProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let named = |names: &[String]| names.iter().map(|n| format!("{{{{ {n} }}}}")).collect::<Vec<_>>().join(", ");
        match self {
            TemplateProblem::Broken(why) => write!(f, "the template does not work: {why}"),
            TemplateProblem::Variables { unknown, missing } => {
                let mut parts = Vec::new();
                if !unknown.is_empty() {
                    let what = if unknown.len() == 1 { "is not a variable" } else { "are not variables" };
                    parts.push(format!("{} {what} of this message (a customer would read a blank)", named(unknown)));
                }
                if !missing.is_empty() {
                    parts.push(format!(
                        "the message must show {} (the customer is asked to read or answer it)",
                        named(missing)
                    ));
                }
                f.write_str(&parts.join("; "))
            }
        }
    }
}

/// Names a template may use that are not its variables: the engine's own functions.
const ENGINE_NAMES: &[&str] = &["range", "dict", "namespace", "loop", "true", "false", "none"];

/// Checks an edited source for `t` in `language`: it parses, names only `t`'s
/// variables (with `customer.first_name` as written, dotted), shows every required one,
/// and renders with sample data.
pub fn check(t: &MessageTemplate, source: &str, language: Language) -> Result<(String, String), TemplateProblem> {
    let env = Environment::new();
    let source = expand(source, language);
    let template = env.template_from_str(&source).map_err(|e| TemplateProblem::Broken(e.to_string()))?;
    // Dotted as written: `customer.first_name` is offered, `customer` alone is not.
    let used = template.undeclared_variables(true);
    let mut unknown: Vec<String> = used
        .iter()
        .filter(|v| !t.variables.contains(&v.as_str()) && !ENGINE_NAMES.contains(&v.as_str()))
        .cloned()
        .collect();
    unknown.sort();
    let missing: Vec<String> = t.required.iter().filter(|r| !used.contains(**r)).map(|r| (*r).to_owned()).collect();
    if !unknown.is_empty() || !missing.is_empty() {
        return Err(TemplateProblem::Variables { unknown, missing });
    }
    render_template(&template, sample_context(language, "The team")).map_err(TemplateProblem::Broken)
}

/// Renders a template's source into (subject, body), in the language of the context's
/// `lang`.
pub fn render(source: &str, ctx: minijinja::Value) -> Result<(String, String), String> {
    let env = Environment::new();
    let source = expanded(source, language_of(&ctx));
    let template = env.template_from_str(&source).map_err(|e| e.to_string())?;
    render_template(&template, ctx)
}

/// [`expand`], kept for each source and language it was asked for: every new case's
/// acknowledgement renders the same source, and writing out its messages cost the job
/// runner more than rendering the template did.
fn expanded(source: &str, language: Language) -> Arc<str> {
    type Kept = HashMap<Language, HashMap<Box<str>, Arc<str>>>;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);
    // The built-in templates and the few a business edited; edits over the years must
    // not grow it without end, so a full one starts again.
    const MOST: usize = 128;
    // A poisoned lock only means a panic elsewhere while it was held: the map is whole.
    if let Some(text) = KEPT.lock().unwrap_or_else(|e| e.into_inner()).get(&language).and_then(|k| k.get(source)) {
        return text.clone();
    }
    let text: Arc<str> = expand(source, language).into();
    let mut kept = KEPT.lock().unwrap_or_else(|e| e.into_inner());
    let of_language = kept.entry(language).or_default();
    if of_language.len() >= MOST {
        of_language.clear();
    }
    of_language.insert(source.into(), text.clone());
    text
}

/// Renders a template parsed once (a disclosure renders one for every recipient), its
/// source already written out in the recipient's language ([`expand`]).
pub fn render_template(
    template: &minijinja::Template<'_, '_>,
    ctx: minijinja::Value,
) -> Result<(String, String), String> {
    let text = template.render(ctx).map_err(|e| e.to_string())?;
    let (first, body) = text.split_once("\n\n").unwrap_or(("", &text));
    let subject = first.strip_prefix("Subject: ").unwrap_or(first).trim().to_owned();
    if subject.is_empty() {
        return Err("the first line must be \"Subject: …\", then a blank line".to_owned());
    }
    Ok((subject, format!("{}\n", body.trim_end())))
}

/// Believable values for every variable, for a preview in `language`.
pub fn sample_context(language: Language, signature: &str) -> minijinja::Value {
    if language == Language::German {
        return german_sample_context(signature);
    }
    minijinja::context! {
        lang => language.tag(),
        name => "Anna Müller",
        reference => "AM-1042",
        soon => "by Thursday 26 November 2026 at 14:00 CET",
        status_link => "https://desk.example/c/…",
        link => "https://desk.example/c/…",
        restatement => "Your birthday cake arrived two hours late, and the crème brûlée was missing.",
        apology => "I am sorry. I accept all responsibility for the late cake and the missing dessert, and I will call you today by 17:00 to put it right.",
        option1 => "A full refund of the order, today",
        option2 => "A new cake of your choice, delivered on Saturday morning",
        proposal => "A new cake on Sunday morning",
        reason => "I am sorry: our kitchen is closed on Sundays, so I cannot bake it then. I can have it at your door on Monday at 9:00.",
        what => "Bake and deliver a new cake",
        due => "Saturday 28 November 2026 at 10:00 CET",
        note => "Delivered at 9:40 with a card from the team.",
        title => "About the cakes we delivered on 20 November",
        explanation => "A batch of cakes baked on 19 November used cream that was past its date. We found it in our own check.",
        solution => "We will refund every affected order in full by Friday, and we now check every delivery of cream on arrival.",
        opening => amends_domain::disclosure::NoticeWords::new(None).opening,
        invitation => amends_domain::disclosure::NoticeWords::new(None).invitation,
        text => "I checked with the bakery: your new cake leaves our kitchen at 9:00 on Saturday.",
        words => "The birthday cake came two hours late and the crème brûlée was missing.",
        invitation => "We would be glad of the chance to show you the difference ourselves: come and see us again.",
        gesture => "10 % off your next order",
        prevention => "Because of what happened, we are changing how we work: each cake is checked against its order before it leaves the kitchen.",
        signature => signature,
        customer => customer_context("Anna Müller"),
        agent => "Mia Schmidt",
        business => "Café Weber",
    }
}

fn german_sample_context(signature: &str) -> minijinja::Value {
    minijinja::context! {
        lang => "de",
        name => "Anna Müller",
        reference => "AM-1042",
        soon => "bis Donnerstag, 26. November 2026 um 14:00 MEZ",
        status_link => "https://desk.example/c/…",
        link => "https://desk.example/c/…",
        restatement => "Ihre Geburtstagstorte kam zwei Stunden zu spät, und die Crème brûlée fehlte.",
        apology => "Es tut mir leid. Ich übernehme die volle Verantwortung für die verspätete Torte und das fehlende Dessert und rufe Sie heute bis 17:00 Uhr an, um es wiedergutzumachen.",
        option1 => "Den vollen Betrag der Bestellung zurück, noch heute",
        option2 => "Eine neue Torte Ihrer Wahl, am Samstagvormittag geliefert",
        proposal => "Eine neue Torte am Sonntagmorgen",
        reason => "Es tut mir leid: Sonntags ist unsere Backstube geschlossen, dann kann ich sie nicht backen. Am Montag um 9:00 Uhr kann sie bei Ihnen sein.",
        what => "Eine neue Torte backen und liefern",
        due => "Samstag, 28. November 2026 um 10:00 MEZ",
        note => "Um 9:40 Uhr geliefert, mit einer Karte vom ganzen Team.",
        title => "Zu den Torten, die wir am 20. November geliefert haben",
        explanation => "Für einige Torten vom 19. November wurde Sahne verwendet, deren Datum abgelaufen war. Wir haben es bei unserer eigenen Prüfung bemerkt.",
        solution => "Wir erstatten jede betroffene Bestellung bis Freitag vollständig und prüfen jetzt jede Sahnelieferung bei der Annahme.",
        opening => amends_i18n::text(Language::German, "mail-notice-opening"),
        text => "Ich habe mit der Backstube gesprochen: Ihre neue Torte verlässt unsere Küche am Samstag um 9:00 Uhr.",
        words => "Die Geburtstagstorte kam zwei Stunden zu spät, und die Crème brûlée fehlte.",
        invitation => amends_i18n::text(Language::German, "mail-proof-invitation-lost"),
        gesture => "10 % auf Ihre nächste Bestellung",
        prevention => amends_i18n::text_with(Language::German, "mail-prevention-changing", &[("action", "jede Torte wird vor dem Verlassen der Küche mit ihrer Bestellung abgeglichen".into())]),
        signature => signature,
        customer => customer_context("Anna Müller"),
        agent => "Mia Schmidt",
        business => "Café Weber",
    }
}

/// What a template knows of the customer beyond `name`: `customer.first_name`.
pub fn customer_context(name: &str) -> minijinja::Value {
    minijinja::context! { first_name => amends_domain::CustomerName::first_name(name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_expansion_is_of_its_own_source_and_language() {
        let ack = template("acknowledgement").unwrap().source;
        for _ in 0..2 {
            for language in Language::ALL {
                assert_eq!(*expanded(ack, language), expand(ack, language));
            }
            // An edited source is its own, however like the built-in one it is.
            let edited = format!("{ack}\nP.S. Thank you.");
            assert_eq!(*expanded(&edited, Language::English), expand(&edited, Language::English));
        }
        assert_ne!(*expanded(ack, Language::English), *expanded(ack, Language::German));
    }

    #[test]
    fn every_built_in_template_renders_with_a_subject() {
        for t in TEMPLATES {
            let (subject, body) = render(t.source, sample_context(Language::English, "The team")).unwrap();
            // A reply is the writer's own words, greeting and all, then their signature.
            let addressed = if t.name == "reply" { "Mia Schmidt\nCafé Weber" } else { "Anna Müller" };
            assert!(!subject.is_empty() && body.contains(addressed), "{}", t.name);
            assert!(!body.contains("{{"), "{}: unrendered variable", t.name);
        }
        assert!(render("No subject here", sample_context(Language::English, "x")).is_err());
        assert!(render("Subject: {{ broken", sample_context(Language::English, "x")).is_err());
    }

    #[test]
    fn an_edited_template_names_only_its_variables_and_keeps_the_required_ones() {
        let restatement = template("restatement").unwrap();
        for t in TEMPLATES {
            assert_eq!(
                check(t, t.source, Language::English).map(drop),
                Ok(()),
                "{}: the built-in text passes its own check",
                t.name
            );
        }
        let unknown = check(
            restatement,
            "Subject: Hi\n\nDear {{ first_name }},\n{{ restatement }} {{ link }}\n",
            Language::English,
        );
        assert_eq!(
            unknown.unwrap_err(),
            TemplateProblem::Variables { unknown: vec!["first_name".into()], missing: vec![] }
        );
        let missing = check(
            restatement,
            "Subject: Hi\n\nDear {{ customer.first_name }}, please confirm: {{ link }}\n",
            Language::English,
        );
        let problem = missing.unwrap_err();
        assert_eq!(problem, TemplateProblem::Variables { unknown: vec![], missing: vec!["restatement".into()] });
        assert!(problem.to_string().contains("must show {{ restatement }}"), "{problem}");
        let (_, body) = check(
            restatement,
            "Subject: Hi\n\nDear {{ customer.first_name }},\n{{ restatement }}\n{{ link }}\n",
            Language::English,
        )
        .unwrap();
        assert!(body.starts_with("Dear Anna,"), "{body}");
        assert!(
            check(
                restatement,
                "Subject: Hi\n\n{{ customer.last_name }} {{ restatement }} {{ link }}",
                Language::English
            )
            .is_err()
        );
        assert!(
            check(restatement, "Subject: Hi\n\n{{ customer }} {{ restatement }} {{ link }}", Language::English)
                .is_err()
        );
        assert!(matches!(check(restatement, "Subject: {{ broken", Language::English), Err(TemplateProblem::Broken(_))));
    }

    /// The English a customer reads is the text it always was; every language has
    /// every message a template names, with only the template's own variables.
    #[test]
    fn every_template_reads_in_every_language() {
        let acknowledgement = template("acknowledgement").unwrap().source_in(Language::English);
        assert!(acknowledgement.starts_with("Subject: We have your message [{{ reference }}]\n\nDear {{ name }},\n"));
        assert!(acknowledgement.contains(
            "under the reference {{ reference }}. Someone will\nread it back to you in their own words {{ soon }}, so that"
        ));
        for language in Language::ALL {
            for t in TEMPLATES {
                let source = t.source_in(language);
                assert!(!source.contains("t(\"") && !source.contains("mail-"), "{}: {source}", t.name);
                assert_eq!(check(t, t.source, language).map(drop), Ok(()), "{} in {}", t.name, language.tag());
            }
        }
        let (subject, body) =
            render(template("fix_done").unwrap().source, sample_context(Language::German, "Mit freundlichen Grüßen"))
                .unwrap();
        assert_eq!(subject, "Es ist erledigt [AM-1042]");
        assert!(
            body.starts_with("Guten Tag Anna Müller,\n\nwas wir Ihnen zugesagt haben, ist erledigt. Um 9:40 Uhr"),
            "{body}"
        );
        for t in TEMPLATES {
            let english = t.source_in(Language::English);
            let german = t.source_in(Language::German);
            for line in english.lines().filter(|l| l.len() > 12 && !l.contains("{{") && !l.contains("{%")) {
                assert!(!german.contains(line), "{}: English line in German: {line}", t.name);
            }
        }
    }

    #[test]
    fn an_edit_may_call_messages_too() {
        let source = "Subject: {{ t('mail-reply-subject') }}\n\n{{ t(\"mail-dear\") }}\n{{ text }}\n";
        assert_eq!(
            expand(source, Language::German),
            "Subject: Zu Ihrem Anliegen [{{ reference }}]\n\nGuten Tag {{ name }},\n{{ text }}\n"
        );
        assert_eq!(expand("{{ t(x) }} {{ name }}", Language::German), "{{ t(x) }} {{ name }}");
    }

    #[test]
    fn the_built_in_templates_pass_the_coach() {
        // The product's own words pass its own coach: no finding at all, not only no
        // high one (a template is sent thousands of times).
        let coach = amends_coach::Coach::english();
        let mut found = Vec::new();
        for t in TEMPLATES {
            let (subject, body) = render(t.source, sample_context(Language::English, "The team")).unwrap();
            for f in coach.review(&body, t.purpose).findings {
                let words: String = body.chars().skip(f.start).take(f.end - f.start).collect();
                found.push(format!("{} (body): {} {words:?}", t.name, f.kind));
            }
            for f in coach.review(&subject, amends_coach::Purpose::Other).findings {
                found.push(format!("{} (subject): {}", t.name, f.kind));
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
