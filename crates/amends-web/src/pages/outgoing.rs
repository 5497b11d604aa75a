//! What a step's words become for the customer: the mail each step form sends, rendered
//! with the installation's template and signed by the person writing and the business,
//! shown beside the form (with the words typed so far after "Preview the mail").

use std::collections::HashMap;

use amends_domain::BusinessHours;
use amends_domain::hours::WallClock;
use amends_i18n::Language;
use amends_store::secret::masked_link_path;
use amends_store::{Business, CaseRecord, CustomerRecord};

use super::field;
use crate::AppState;

/// The case and the words around a step, for the previews.
pub(super) struct Around<'a> {
    pub case: &'a CaseRecord,
    pub customer: &'a CustomerRecord,
    pub business: &'a Business,
    pub hours: &'a BusinessHours,
    /// Who signs: the person signed in, who sends it.
    pub writer: &'a str,
    /// The options last offered, for a declined suggestion's mail.
    pub options: &'a [String],
    /// The customer's own suggestion, when one waits.
    pub alternative: Option<&'a str>,
    /// The language of the person typing: the blanks not yet filled are in it.
    pub language: Language,
}

/// Each step form's mail as it would leave now, keyed by its template's name, as
/// "Subject: …" and the body. Blank fields read as what goes there, in brackets.
pub(super) async fn previews(
    state: &AppState,
    around: &Around<'_>,
    draft: &HashMap<String, String>,
) -> HashMap<&'static str, String> {
    let blank = |id: &str| format!("[{}]", amends_i18n::text(around.language, id));
    let typed = |name: &str, id: &str| field(draft, name).unwrap_or_else(|| blank(id));
    let link = format!(
        "{}{}",
        state.settings.public_url.as_deref().unwrap_or_default().trim_end_matches('/'),
        masked_link_path()
    );
    // In the customer's language, as it will leave; the blanks staff fill stay in theirs.
    let language = amends_jobs::customer_language(around.customer, around.business.language);
    let due = super::case::parse_when(field(draft, "fix_due"), "fix-due", around.hours)
        .map(|t| amends_i18n::format::wall_clock(language, t, &around.business.zone, WallClock::Long))
        .unwrap_or_else(|_| blank("preview-blank-fix-due"));
    let closing = amends_jobs::closing(&state.settings.mail_signature, language);
    let base = minijinja::context! {
        lang => language.tag(),
        name => around.customer.name,
        customer => amends_jobs::messages::customer_context(&around.customer.name),
        reference => around.case.reference,
        signature => amends_jobs::sign_off(&closing, around.writer, &around.business.name),
        agent => around.writer,
        business => around.business.name,
        link,
    };
    let numbered = |n: usize| {
        format!("[{}]", amends_i18n::text_with(around.language, "preview-blank-option", &[("n", (n as i64).into())]))
    };
    let option_typed = |n: usize| field(draft, &format!("option{n}")).unwrap_or_else(|| numbered(n));
    let option = |n: usize| around.options.get(n).cloned().unwrap_or_else(|| numbered(n + 1));
    let contexts = [
        (
            "restatement",
            minijinja::context! { restatement => typed("restatement", "preview-blank-restatement"), ..base.clone() },
        ),
        ("apology", minijinja::context! { apology => typed("apology", "preview-blank-apology"), ..base.clone() }),
        ("offer", minijinja::context! { option1 => option_typed(1), option2 => option_typed(2), ..base.clone() }),
        (
            "alternative_declined",
            minijinja::context! {
                reason => typed("decline_reason", "preview-blank-decline-reason"),
                proposal => around.alternative.map(str::to_owned).unwrap_or_else(|| blank("preview-blank-their-suggestion")),
                option1 => option(0), option2 => option(1), ..base.clone()
            },
        ),
        (
            "fix_promised",
            minijinja::context! { what => typed("fix_what", "preview-blank-fix-what"), due, ..base.clone() },
        ),
        ("fix_done", minijinja::context! { note => typed("fix_note", "preview-blank-fix-note"), ..base.clone() }),
    ];
    let mut out = HashMap::new();
    for (name, ctx) in contexts {
        match amends_jobs::render_message(&state.store, name, ctx).await {
            Ok((subject, body)) => {
                out.insert(name, format!("Subject: {subject}\n\n{body}"));
            }
            Err(e) => tracing::warn!(template = name, error = %e, "a step's mail could not be previewed"),
        }
    }
    out
}
