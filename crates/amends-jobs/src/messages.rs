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
    /// The variables it may use, for the editor.
    pub variables: &'static [&'static str],
}

pub const TEMPLATES: &[MessageTemplate] = &[
    MessageTemplate {
        name: "acknowledgement",
        title: "Acknowledgement of a new complaint",
        purpose: Purpose::Other,
        source: include_str!("../templates/email/acknowledgement.txt"),
        variables: &["name", "reference", "soon", "status_link", "signature"],
    },
    MessageTemplate {
        name: "restatement",
        title: "The restatement, to confirm",
        purpose: Purpose::Restatement,
        source: include_str!("../templates/email/restatement.txt"),
        variables: &["name", "reference", "restatement", "link", "signature"],
    },
    MessageTemplate {
        name: "apology",
        title: "The apology",
        purpose: Purpose::Apology,
        source: include_str!("../templates/email/apology.txt"),
        variables: &["name", "reference", "apology", "signature"],
    },
    MessageTemplate {
        name: "offer",
        title: "The two options",
        purpose: Purpose::Offer,
        source: include_str!("../templates/email/offer.txt"),
        variables: &["name", "reference", "option1", "option2", "link", "signature"],
    },
    MessageTemplate {
        name: "alternative_declined",
        title: "Their own suggestion, declined with the reason",
        purpose: Purpose::Offer,
        source: include_str!("../templates/email/alternative_declined.txt"),
        variables: &["name", "reference", "proposal", "reason", "option1", "option2", "link", "signature"],
    },
    MessageTemplate {
        name: "fix_promised",
        title: "The fix, promised with a date",
        purpose: Purpose::Fix,
        source: include_str!("../templates/email/fix_promised.txt"),
        variables: &["name", "reference", "what", "due", "signature"],
    },
    MessageTemplate {
        name: "fix_done",
        title: "The fix, done",
        purpose: Purpose::Fix,
        source: include_str!("../templates/email/fix_done.txt"),
        variables: &["name", "reference", "note", "signature"],
    },
    MessageTemplate {
        name: "disclosure",
        title: "A notice about a problem found before customers did",
        purpose: Purpose::Disclosure,
        source: include_str!("../templates/email/disclosure.txt"),
        variables: &["name", "title", "explanation", "solution", "link", "signature"],
    },
    MessageTemplate {
        name: "follow_up",
        title: "The follow-up, after the dust settles",
        purpose: Purpose::FollowUp,
        source: include_str!("../templates/email/follow_up.txt"),
        variables: &["name", "reference", "prevention", "link", "signature"],
    },
    MessageTemplate {
        name: "reply",
        title: "A reply staff wrote (sent now or at a time they chose), signed by its writer and the business",
        purpose: Purpose::Other,
        source: include_str!("../templates/email/reply.txt"),
        variables: &["name", "reference", "text", "agent", "business"],
    },
];

pub fn template(name: &str) -> Option<&'static MessageTemplate> {
    TEMPLATES.iter().find(|t| t.name == name)
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
        text => "I checked with the bakery: your new cake leaves our kitchen at 9:00 on Saturday.",
        prevention => "Because of what happened, we are changing how we work: each cake is checked against its order before it leaves the kitchen.",
        signature => signature,
        agent => "Mia Schmidt",
        business => "Café Weber",
    }
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
