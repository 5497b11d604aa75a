//! The messages the desk sends customers: built-in templates (in `templates/email/`),
//! which managers may replace per installation; rendering; and sample data for a
//! live preview. A template's first line is `Subject: …`, then a blank line, then
//! the body.

use amends_coach::Purpose;
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

/// Checks an edited source for `t`: it parses, names only `t`'s variables (with
/// `customer.first_name` as written, dotted), shows every required one, and renders
/// with sample data.
pub fn check(t: &MessageTemplate, source: &str) -> Result<(String, String), TemplateProblem> {
    let env = Environment::new();
    let template = env.template_from_str(source).map_err(|e| TemplateProblem::Broken(e.to_string()))?;
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
    render_template(&template, sample_context("The team")).map_err(TemplateProblem::Broken)
}

/// Renders a template's source into (subject, body).
pub fn render(source: &str, ctx: minijinja::Value) -> Result<(String, String), String> {
    let env = Environment::new();
    let template = env.template_from_str(source).map_err(|e| e.to_string())?;
    render_template(&template, ctx)
}

/// Renders a template parsed once (a disclosure renders one for every recipient).
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

/// Believable values for every variable, for a preview.
pub fn sample_context(signature: &str) -> minijinja::Value {
    minijinja::context! {
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

/// What a template knows of the customer beyond `name`: `customer.first_name`.
pub fn customer_context(name: &str) -> minijinja::Value {
    minijinja::context! { first_name => amends_domain::CustomerName::first_name(name) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_renders_with_a_subject() {
        for t in TEMPLATES {
            let (subject, body) = render(t.source, sample_context("The team")).unwrap();
            // A reply is the writer's own words, greeting and all, then their signature.
            let addressed = if t.name == "reply" { "Mia Schmidt\nCafé Weber" } else { "Anna Müller" };
            assert!(!subject.is_empty() && body.contains(addressed), "{}", t.name);
            assert!(!body.contains("{{"), "{}: unrendered variable", t.name);
        }
        assert!(render("No subject here", sample_context("x")).is_err());
        assert!(render("Subject: {{ broken", sample_context("x")).is_err());
    }

    #[test]
    fn an_edited_template_names_only_its_variables_and_keeps_the_required_ones() {
        let restatement = template("restatement").unwrap();
        for t in TEMPLATES {
            assert_eq!(check(t, t.source).map(drop), Ok(()), "{}: the built-in text passes its own check", t.name);
        }
        let unknown = check(restatement, "Subject: Hi\n\nDear {{ first_name }},\n{{ restatement }} {{ link }}\n");
        assert_eq!(
            unknown.unwrap_err(),
            TemplateProblem::Variables { unknown: vec!["first_name".into()], missing: vec![] }
        );
        let missing = check(restatement, "Subject: Hi\n\nDear {{ customer.first_name }}, please confirm: {{ link }}\n");
        let problem = missing.unwrap_err();
        assert_eq!(problem, TemplateProblem::Variables { unknown: vec![], missing: vec!["restatement".into()] });
        assert!(problem.to_string().contains("must show {{ restatement }}"), "{problem}");
        let (_, body) =
            check(restatement, "Subject: Hi\n\nDear {{ customer.first_name }},\n{{ restatement }}\n{{ link }}\n")
                .unwrap();
        assert!(body.starts_with("Dear Anna,"), "{body}");
        assert!(check(restatement, "Subject: Hi\n\n{{ customer.last_name }} {{ restatement }} {{ link }}").is_err());
        assert!(check(restatement, "Subject: Hi\n\n{{ customer }} {{ restatement }} {{ link }}").is_err());
        assert!(matches!(check(restatement, "Subject: {{ broken"), Err(TemplateProblem::Broken(_))));
    }

    #[test]
    fn the_built_in_templates_pass_the_coach() {
        // The product's own words pass its own coach: no finding at all, not only no
        // high one (a template is sent thousands of times).
        let coach = amends_coach::Coach::english();
        let mut found = Vec::new();
        for t in TEMPLATES {
            let (subject, body) = render(t.source, sample_context("The team")).unwrap();
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
