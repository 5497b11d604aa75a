//! What the customer is told after each step, rendered from the templates in
//! `templates/email/` and put in the outbox, with a personal link where they answer.

use std::collections::HashMap;

use amends_domain::disclosure::DisclosureKind;
use amends_domain::playbook::{Actor, EventKind, Playbook};
use amends_domain::{Language, LinkPurpose, MessagePurpose, Outcome};
use amends_i18n::{text, text_with};
use amends_store::secret::{masked_link_path, random_hex, short_code, short_code_hash, short_code_printed};
use amends_store::{CaseRecord, CustomerRecord, EmailRecord, NewEmail, NewLink, Notice, Store};
use time::OffsetDateTime;

use crate::{JobError, JobSettings};

/// Notices queued per transaction while sending a disclosure.
const DISCLOSURE_BATCH: i64 = 2_000;

/// The printed notice's paragraphs (blank-line separated). Paper has nothing to click
/// and a 64-digit link wraps, so the way back is a short code typed at the desk's `/c`
/// page, and the business's phone number when it has one.
fn disclosure_letter(
    language: Language,
    words: &NoticeWords,
    explanation: &str,
    solution: &str,
    way_back: &WayBack,
) -> String {
    let code = short_code_printed(&way_back.code);
    let address = format!("{}/c", way_back.base_url);
    let phone = way_back.phone.trim();
    let way_back = if phone.is_empty() {
        text_with(language, "letter-notice-code", &[("code", code.into()), ("address", address.into())])
    } else {
        let args = [("code", code.into()), ("address", address.into()), ("phone", phone.to_owned().into())];
        text_with(language, "letter-notice-code-or-call", &args)
    };
    let doing = text_with(language, "letter-notice-doing", &[("solution", solution.trim().to_owned().into())]);
    format!("{}\n\n{}\n\n{doing}\n\n{}\n{way_back}", words.opening, explanation.trim(), words.invitation)
}

/// A notice's first paragraph and the words before its way back, in the customer's
/// language: a customer whose own case carries the problem is told we know they told
/// us, and when (the domain's `NoticeWords` rule).
struct NoticeWords {
    opening: String,
    invitation: String,
}

impl NoticeWords {
    fn new(language: Language, told_us_on: Option<&str>) -> Self {
        match told_us_on {
            Some(day) => NoticeWords {
                opening: text_with(language, "mail-notice-opening-told", &[("day", day.to_owned().into())]),
                invitation: text(language, "mail-notice-invitation-told"),
            },
            None => NoticeWords {
                opening: text(language, "mail-notice-opening"),
                invitation: text(language, "mail-notice-invitation"),
            },
        }
    }
}

/// The invitation back that suits how the customer's case ended (the domain's
/// `proof::invitation`), in their language.
fn proof_invitation(language: Language, outcome: Option<Outcome>) -> String {
    let id = match outcome {
        Some(Outcome::Lost) => "mail-proof-invitation-lost",
        Some(Outcome::Retained) => "mail-proof-invitation-retained",
        None => "mail-proof-invitation-open",
    };
    text(language, id)
}

/// The language a customer is written to: theirs, else the business's own.
pub fn customer_language(customer: &CustomerRecord, business: Language) -> Language {
    customer.language.unwrap_or(business)
}

/// How a customer answers a notice on paper.
struct WayBack<'a> {
    code: String,
    base_url: &'a str,
    phone: &'a str,
}

/// A proof on paper: the mail's paragraphs, for the print run's letter (which adds the
/// greeting and the signature).
fn proof_letter(
    language: Language,
    reference: &str,
    words: &str,
    explanation: &str,
    invitation: &str,
    gesture: Option<&str>,
) -> String {
    let said = [("reference", reference.to_owned().into()), ("words", words.to_owned().into())];
    let mut paragraphs = vec![
        text_with(language, "letter-proof-you-said", &said),
        text(language, "mail-proof-changed"),
        explanation.trim().to_owned(),
        invitation.to_owned(),
    ];
    paragraphs
        .extend(gesture.map(|g| text_with(language, "mail-proof-welcome-back", &[("gesture", g.to_owned().into())])));
    paragraphs.join("\n\n")
}

/// A personal link planned for a message: made with the message when it is queued,
/// and its URL as kept (masked).
struct Link {
    new: NewLink,
    url: String,
}

#[derive(Clone)]
pub struct Notifier {
    store: Store,
    settings: JobSettings,
}

/// A time as a mail writes it, on the business's wall clock, in the reader's language:
/// "Thursday 26 November 2026 at 14:00 CET", "Donnerstag, 26. November 2026 um 14:00 MEZ".
pub(crate) async fn when(
    store: &amends_store::Store,
    language: Language,
    t: OffsetDateTime,
) -> Result<String, JobError> {
    let zone = store.business().await?.zone;
    Ok(amends_i18n::format::wall_clock(language, t, &zone, amends_domain::hours::WallClock::Long))
}

/// A message as it leaves, in the language of the context's `lang`: the installation's
/// edited template in that language, or the built-in one. The case page previews a
/// step's mail with it, so staff read what the customer will.
pub async fn render_message(store: &Store, name: &str, ctx: minijinja::Value) -> Result<(String, String), JobError> {
    let built_in = crate::messages::template(name).ok_or_else(|| JobError::Fail(format!("no template {name}")))?;
    let language = ctx.get_attr("lang").ok().and_then(|v| v.as_str().and_then(Language::from_tag));
    let language = language.unwrap_or(Language::English);
    if let Some(custom) = store.template_override(name, language.tag()).await? {
        match crate::messages::render(&custom, ctx.clone()) {
            Ok(rendered) => return Ok(rendered),
            // Saved templates were checked, so this is rare: the customer still hears from us.
            Err(e) => {
                tracing::warn!(template = name, error = %e, "the edited template fails; using the built-in one")
            }
        }
    }
    crate::messages::render(built_in.source, ctx).map_err(|e| JobError::Fail(format!("template {name}: {e}")))
}

impl Notifier {
    pub fn new(store: Store, settings: JobSettings) -> Self {
        Self { store, settings }
    }

    async fn load(&self, case_id: i64) -> Result<(CaseRecord, CustomerRecord), JobError> {
        let case = self.store.case(case_id).await?;
        let customer = self.store.customer(case.customer_id).await?;
        Ok((case, customer))
    }

    /// A new personal link for the case, stored with the message that carries it, and
    /// its URL with the token masked. The token the customer gets is made when the
    /// message is sent, so no kept copy (the outbox, the API, a backup) can open the link.
    fn link(&self, purpose: LinkPurpose) -> Link {
        let expires_at = self.store.now() + self.settings.link_ttl;
        Link { new: NewLink { purpose, expires_at }, url: self.masked_link() }
    }

    fn masked_link(&self) -> String {
        format!("{}{}", self.settings.public_url.trim_end_matches('/'), masked_link_path())
    }

    /// Renders the installation's version of a template, or the built-in one.
    async fn render(&self, name: &str, ctx: minijinja::Value) -> Result<(String, String), JobError> {
        render_message(&self.store, name, ctx).await
    }

    /// The message to `customer` about `case`, for the runner to queue when the job's
    /// batch ends; none for a customer without an email address.
    fn message(
        &self,
        case: &CaseRecord,
        customer: &CustomerRecord,
        purpose: MessagePurpose,
        (subject, text): (String, String),
        link: Option<&Link>,
    ) -> Option<NewEmail> {
        let to = customer.email.clone()?;
        Some(NewEmail {
            case_id: Some(case.id),
            to_email: to,
            to_name: Some(customer.name.clone()),
            subject,
            html_body: Some(html_of(&text, &self.settings.public_url)),
            text_body: text,
            message_id: format!("<case-{}.{}@{}>", case.id, random_hex(8), self.settings.message_domain),
            in_reply_to: None,
            purpose,
            link: link.map(|l| l.new),
        })
    }

    /// What every message knows: the customer, the case, and who signs it (`writer`
    /// wrote it; for one the desk sends by itself, the case's owner).
    async fn base(
        &self,
        case: &CaseRecord,
        customer: &CustomerRecord,
        writer: Actor,
    ) -> Result<minijinja::Value, JobError> {
        let (agent, business) = self.signed_by(writer, case).await?;
        let language = customer_language(customer, self.store.business().await?.language);
        Ok(minijinja::context! {
            lang => language.tag(),
            name => customer.name,
            customer => crate::messages::customer_context(&customer.name),
            reference => case.reference,
            signature => self.settings.sign_off_in(language, &agent, &business),
            agent,
            business,
        })
    }

    /// The acknowledgement, for the runner to queue as the job's batch ends (see
    /// [`amends_store::Store::end_job_batch`]); none for a customer without an address.
    pub async fn acknowledge(&self, case_id: i64) -> Result<Option<NewEmail>, JobError> {
        let (case, customer) = self.load(case_id).await?;
        if customer.email.is_none() {
            return Ok(None);
        }
        let link = self.link(LinkPurpose::Status);
        let language = customer_language(&customer, self.store.business().await?.language);
        let soon = match case.next_due_at {
            Some(due) => {
                text_with(language, "mail-soon-by", &[("when", when(&self.store, language, due).await?.into())])
            }
            None => text(language, "mail-soon-shortly"),
        };
        let ctx =
            minijinja::context! { status_link => link.url, soon, ..self.base(&case, &customer, Actor::System).await? };
        let rendered = self.render("acknowledgement", ctx).await?;
        Ok(self.message(&case, &customer, MessagePurpose::Acknowledgement, rendered, Some(&link)))
    }

    pub async fn case_event(&self, case_id: i64, event_id: i64) -> Result<Option<NewEmail>, JobError> {
        let (case, customer) = self.load(case_id).await?;
        if customer.email.is_none() {
            return Ok(None);
        }
        let event = self.store.case_event(case_id, event_id).await?;
        let base = self.base(&case, &customer, event.event.actor).await?;
        let (purpose, rendered, link) = match &event.event.kind {
            EventKind::RestatementWritten { text, .. } => {
                let link = self.link(LinkPurpose::Restatement);
                let ctx = minijinja::context! { restatement => text, link => link.url, ..base };
                (MessagePurpose::Restatement, self.render("restatement", ctx).await?, Some(link))
            }
            EventKind::Apologised { text } => (
                MessagePurpose::Apology,
                self.render("apology", minijinja::context! { apology => text, ..base }).await?,
                None,
            ),
            EventKind::OptionsOffered { options } => {
                let link = self.link(LinkPurpose::Offer);
                let ctx = minijinja::context! { option1 => options.first(), option2 => options.get(1), link => link.url, ..base };
                (MessagePurpose::Offer, self.render("offer", ctx).await?, Some(link))
            }
            EventKind::AlternativeDeclined { reason } => {
                let events = self.store.case_with_timeline(case.id).await?.1;
                let before = events.iter().rev().filter(|e| e.id < event.id);
                let mut proposal = None;
                let mut options = Vec::new();
                for e in before {
                    match &e.event.kind {
                        EventKind::AlternativeProposed { text } if proposal.is_none() => proposal = Some(text.clone()),
                        EventKind::OptionsOffered { options: offered } if options.is_empty() => {
                            options.clone_from(offered)
                        }
                        _ => {}
                    }
                }
                let link = self.link(LinkPurpose::Offer);
                let ctx = minijinja::context! {
                    proposal, reason, option1 => options.first(), option2 => options.get(1), link => link.url, ..base
                };
                (MessagePurpose::Offer, self.render("alternative_declined", ctx).await?, Some(link))
            }
            EventKind::FixPromised { what, due } => {
                let language = customer_language(&customer, self.store.business().await?.language);
                (
                    MessagePurpose::FixPromised,
                    self.render(
                        "fix_promised",
                        minijinja::context! { what, due => when(&self.store, language, *due).await?, ..base },
                    )
                    .await?,
                    None,
                )
            }
            EventKind::FixDone { note, .. } => {
                (MessagePurpose::FixDone, self.render("fix_done", minijinja::context! { note, ..base }).await?, None)
            }
            EventKind::Replied { text } => {
                let replied = self.reply_email(&case, &customer, text, event.event.actor, MessagePurpose::Reply);
                return replied.await;
            }
            _ => return Ok(None),
        };
        Ok(self.message(&case, &customer, purpose, rendered, link.as_ref()))
    }

    /// A reply staff wrote (now or for later), signed by its writer and the business and
    /// threaded on the customer's conversation; None when the customer has no email.
    async fn reply_email(
        &self,
        case: &CaseRecord,
        customer: &CustomerRecord,
        text: &str,
        writer: Actor,
        purpose: MessagePurpose,
    ) -> Result<Option<NewEmail>, JobError> {
        if customer.email.is_none() {
            return Ok(None);
        }
        let ctx = self.base(case, customer, writer).await?;
        let rendered = self.render("reply", minijinja::context! { text, ..ctx }).await?;
        let Some(mut email) = self.message(case, customer, purpose, rendered, None) else { return Ok(None) };
        email.in_reply_to = self.thread_of(case.id).await?;
        Ok(Some(email))
    }

    /// Who signs a message: the staff member who wrote it, else (a message the desk
    /// sends by itself) the case's owner, else nobody by name; and the business, by the
    /// name customers read on its pages.
    async fn signed_by(&self, actor: Actor, case: &CaseRecord) -> Result<(String, String), JobError> {
        let person = match actor {
            Actor::Staff { user_id } => Some(user_id),
            _ => case.owner_id,
        };
        let agent = match person {
            Some(user_id) => self.store.user(user_id).await?.name,
            None => String::new(),
        };
        Ok((agent, self.business().await?))
    }

    /// The business's name: its settings', else the sender's display name.
    async fn business(&self) -> Result<String, JobError> {
        let name = self.store.business().await?.name;
        Ok(if name.trim().is_empty() { self.settings.business() } else { name })
    }

    /// The message a reply answers, so it joins the conversation in the customer's
    /// mail: their newest mail on the case, else the newest message we sent them.
    async fn thread_of(&self, case_id: i64) -> Result<Option<String>, JobError> {
        let ids = self.store.thread_message_ids(case_id).await?;
        Ok(ids.into_iter().find(|id| amends_mail::is_message_id(id)))
    }

    /// A follow-up scheduled by email has come due: ask the customer, unless it was
    /// already done another way or the case is closed.
    pub async fn follow_up_due(&self, case_id: i64, event_id: i64) -> Result<Option<NewEmail>, JobError> {
        let (case, events) = self.store.case_with_timeline(case_id).await?;
        let customer = self.store.customer(case.customer_id).await?;
        let Some(scheduled) = events.iter().find(|e| e.id == event_id) else { return Ok(None) };
        let playbook = Playbook::replay(events.iter().map(|e| &e.event));
        // A merged duplicate follows up no more: its survivor has its own follow-up.
        let answered = playbook.is_resolved(amends_domain::Step::FollowUp)
            || playbook.outcome().is_some()
            || playbook.merged_into().is_some();
        let by_email =
            matches!(&scheduled.event.kind, EventKind::FollowUpScheduled { channel, .. } if channel == "email");
        // A newer schedule replaces this one.
        let superseded =
            events.iter().any(|e| e.id > event_id && matches!(e.event.kind, EventKind::FollowUpScheduled { .. }));
        if answered || !by_email || superseded || customer.email.is_none() {
            return Ok(None);
        }
        let link = self.link(LinkPurpose::FollowUp);
        // What changed so it will not happen again, in honest tense: "we have changed"
        // only once the problem is marked fixed or verified.
        let language = customer_language(&customer, self.store.business().await?.language);
        let prevention = match case.problem_id {
            Some(problem_id) => {
                let problem = self.store.linked_problem(problem_id).await?;
                let id = if problem.is_changed() { "mail-prevention-changed" } else { "mail-prevention-changing" };
                problem.action().map(|action| {
                    let action = action.trim_end_matches('.').to_owned();
                    text_with(language, id, &[("action", action.into())])
                })
            }
            None => None,
        };
        let base = self.base(&case, &customer, scheduled.event.actor).await?;
        let ctx = minijinja::context! { link => link.url, prevention, ..base };
        let rendered = self.render("follow_up", ctx).await?;
        Ok(self.message(&case, &customer, MessagePurpose::FollowUp, rendered, Some(&link)))
    }

    /// A scheduled message's time has come: send it, unless the customer wrote first
    /// (then its row is already settled and nothing is queued). The check and the
    /// queueing are one transaction with the job's completion.
    pub async fn scheduled_message(&self, case_id: i64, event_id: i64, job: (i64, &str)) -> Result<(), JobError> {
        let (case, customer) = self.load(case_id).await?;
        let event = self.store.case_event(case_id, event_id).await?;
        let EventKind::MessageScheduled { text, .. } = &event.event.kind else {
            return Err(JobError::Fail(format!("event {event_id} is not a scheduled message")));
        };
        // Written in the Reply box to go later: it reads, is signed and threads as a reply.
        let email = self.reply_email(&case, &customer, text, event.event.actor, MessagePurpose::Scheduled).await?;
        self.store.send_scheduled_message(event_id, email.as_ref(), job).await?;
        Ok(())
    }

    /// Queues a disclosure's notices in batches, each batch with its recipients' new
    /// status in one transaction. A run that stopped (a restart, a lost lease) resumes
    /// with the recipients still `selected`: nobody is told twice. Each customer gets
    /// an email, a printed letter (kept for the print run), or both, as the disclosure's
    /// channels and their details allow.
    pub async fn disclosure_notices(&self, disclosure_id: i64) -> Result<(), JobError> {
        let disclosure = self.store.disclosure(disclosure_id).await?;
        if disclosure.kind == DisclosureKind::Proof {
            return self.proof_notices(&disclosure).await;
        }
        let channels = disclosure.channels;
        let base_url = self.settings.public_url.trim_end_matches('/').to_owned();
        // One read and one parse of the template per language for the whole send, not
        // one per recipient.
        let sources = self.sources_by_language("disclosure").await?;
        let env = minijinja::Environment::new();
        let mut templates = HashMap::new();
        for (language, source) in &sources {
            templates.insert(*language, env.template_from_str(source).map_err(|e| JobError::Fail(e.to_string()))?);
        }
        let business = self.business().await?;
        let told_us = self.store.customers_who_told_us(disclosure.problem_id).await?;
        let business_language = self.store.business().await?.language;
        let zone = self.store.business().await?.zone;
        loop {
            let batch = self.store.recipients_to_notify(disclosure_id, DISCLOSURE_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let mut notices = Vec::with_capacity(batch.len());
            // The email's link is masked (its token is made when it is sent); a printed
            // letter is made from its kept text, so it carries this token.
            let masked = self.masked_link();
            let ids: Vec<i64> = batch.iter().map(|r| r.customer_id).collect();
            let languages = self.store.customer_languages(&ids).await?;
            for r in batch {
                let language = languages.get(&r.customer_id).copied().unwrap_or(business_language);
                let told_us_on = told_us.get(&r.customer_id).map(|t| {
                    amends_i18n::format::wall_clock(language, *t, &zone, amends_domain::hours::WallClock::Date)
                });
                let words = NoticeWords::new(language, told_us_on.as_deref());
                let signature = self.settings.sign_off_in(language, "", &business);
                let template = templates.get(&language).ok_or_else(|| JobError::Fail("no template".into()))?;
                let way_back = WayBack { code: short_code(), base_url: &base_url, phone: &self.settings.phone };
                let address = r.postal_address.as_deref().filter(|a| !a.trim().is_empty());
                let route = channels.route(r.email.is_some(), address.is_some());
                let email = match &r.email {
                    Some(to) if route.email => {
                        let ctx = minijinja::context! {
                            lang => language.tag(),
                            name => r.customer_name, customer => crate::messages::customer_context(&r.customer_name),
                            title => disclosure.title, explanation => disclosure.explanation,
                            solution => disclosure.solution, link => masked, signature,
                            opening => words.opening, invitation => words.invitation,
                        };
                        let (subject, text) =
                            crate::messages::render_template(template, ctx).map_err(JobError::Fail)?;
                        Some(NewEmail {
                            case_id: None,
                            to_email: to.clone(),
                            to_name: Some(r.customer_name.clone()),
                            subject,
                            text_body: text,
                            html_body: None,
                            message_id: format!(
                                "<disclosure-{disclosure_id}.{}.{}@{}>",
                                r.id,
                                random_hex(4),
                                self.settings.message_domain
                            ),
                            in_reply_to: None,
                            purpose: MessagePurpose::Disclosure,
                            link: None,
                        })
                    }
                    _ => None,
                };
                let letter = route.letter.then(|| {
                    disclosure_letter(language, &words, &disclosure.explanation, &disclosure.solution, &way_back)
                });
                let link_hash = short_code_hash(&way_back.code)
                    .ok_or_else(|| JobError::Fail("a short code that does not read back".into()))?;
                notices.push(Notice {
                    recipient_id: r.id,
                    email,
                    letter,
                    link_hash: Some(link_hash),
                    link_expires_at: Some(self.store.now() + self.settings.link_ttl),
                });
            }
            self.store.queue_notices(&notices).await?;
        }
        self.store.finish_disclosure(disclosure_id).await?;
        Ok(())
    }

    /// A fixed problem's proof, to each customer it affected, by the same batches as a
    /// disclosure's notices: personal (their case's reference, their own words quoted
    /// briefly), with the invitation back their case's outcome calls for and the gesture
    /// a lost customer is offered. By mail, threaded on their case so a reply reaches it;
    /// by letter in the print run when they have only a postal address. No link: they
    /// answer by replying.
    async fn proof_notices(&self, proof: &amends_store::DisclosureRecord) -> Result<(), JobError> {
        let sources = self.sources_by_language("proof").await?;
        let business_language = self.store.business().await?.language;
        let env = minijinja::Environment::new();
        let mut templates = HashMap::new();
        for (language, source) in &sources {
            templates.insert(*language, env.template_from_str(source).map_err(|e| JobError::Fail(e.to_string()))?);
        }
        loop {
            let batch = self.store.recipients_to_notify(proof.id, DISCLOSURE_BATCH).await?;
            if batch.is_empty() {
                break;
            }
            let mut notices = Vec::with_capacity(batch.len());
            let ids: Vec<i64> = batch.iter().map(|r| r.customer_id).collect();
            let languages = self.store.customer_languages(&ids).await?;
            for r in batch {
                let language = languages.get(&r.customer_id).copied().unwrap_or(business_language);
                let template = templates.get(&language).ok_or_else(|| JobError::Fail("no template".into()))?;
                let Some(case_id) = r.case_id else {
                    return Err(JobError::Fail(format!("proof recipient {} names no case", r.id)));
                };
                let case = self.store.case(case_id).await?;
                let words = amends_domain::proof::brief_quote(&case.body);
                let invitation = proof_invitation(language, r.outcome);
                let gesture = r.gesture.as_ref().map(|g| g.description.trim().trim_end_matches('.').to_owned());
                let address = r.postal_address.as_deref().filter(|a| !a.trim().is_empty());
                let route = amends_domain::disclosure::Channels::default().route(r.email.is_some(), address.is_some());
                let email = match &r.email {
                    Some(to) if route.email => {
                        let ctx = minijinja::context! {
                            lang => language.tag(),
                            name => r.customer_name, customer => crate::messages::customer_context(&r.customer_name),
                            reference => case.reference, words, text => proof.explanation, invitation, gesture,
                            signature => self.settings.closing_in(language),
                        };
                        let (subject, text) =
                            crate::messages::render_template(template, ctx).map_err(JobError::Fail)?;
                        Some(NewEmail {
                            case_id: Some(case_id),
                            to_email: to.clone(),
                            to_name: Some(r.customer_name.clone()),
                            subject,
                            html_body: Some(html_of(&text, &self.settings.public_url)),
                            text_body: text,
                            message_id: format!(
                                "<case-{case_id}.proof-{}.{}@{}>",
                                r.id,
                                random_hex(4),
                                self.settings.message_domain
                            ),
                            in_reply_to: None,
                            purpose: MessagePurpose::Proof,
                            link: None,
                        })
                    }
                    _ => None,
                };
                let letter = route.letter.then(|| {
                    proof_letter(language, &case.reference, &words, &proof.explanation, &invitation, gesture.as_deref())
                });
                notices.push(Notice { recipient_id: r.id, email, letter, link_hash: None, link_expires_at: None });
            }
            self.store.queue_notices(&notices).await?;
        }
        self.store.finish_disclosure(proof.id).await?;
        Ok(())
    }

    /// A template's source in each language, written out: the installation's edit in
    /// that language, else the built-in text.
    async fn sources_by_language(&self, name: &str) -> Result<Vec<(Language, String)>, JobError> {
        let built_in = crate::messages::template(name).ok_or_else(|| JobError::Fail(format!("no template {name}")))?;
        let mut sources = Vec::new();
        for language in Language::ALL {
            let source = match self.store.template_override(name, language.tag()).await? {
                Some(custom) => crate::messages::expand(&custom, language),
                None => built_in.source_in(language),
            };
            sources.push((language, source));
        }
        Ok(sources)
    }

    /// Puts a note on the case when a message to the customer could never be delivered,
    /// so staff reach them another way.
    pub async fn tell_staff_undeliverable(&self, email: &EmailRecord, why: &str) {
        let Some(case_id) = email.case_id else { return };
        let case_id = self.store.surviving_case(case_id).await.unwrap_or(case_id);
        let note = format!("The message \"{}\" to {} could not be delivered: {why}", email.subject, email.to_email);
        if let Err(e) = self.store.record_event(case_id, Actor::System, EventKind::NoteAdded { text: note }, None).await
        {
            tracing::warn!(case = case_id, error = %e, "could not note an undeliverable message");
        }
    }
}

/// The HTML alternative of a plain-text message: the same words, escaped, in
/// paragraphs. Only the desk's own personal links (under `public_url`) are links. Any
/// other word that looks like an address may have come from a customer (their name,
/// the words a restatement quotes) and is broken up so no mail client makes a link of
/// it: the desk never mails a link of someone else's choosing.
fn html_of(text: &str, public_url: &str) -> String {
    let own_link = format!("{}{}", public_url.trim_end_matches('/'), masked_link_path());
    let line = |l: &str| {
        // Most lines hold no link: one search a line, not one a word.
        let has_link = l.contains(own_link.as_str());
        l.split(' ')
            .map(|word| match has_link.then(|| word.split_once(own_link.as_str())).flatten() {
                // An edited template may put punctuation around the link.
                Some((before, after)) => {
                    let link = escape_html(&own_link);
                    format!("{}<a href=\"{link}\">{link}</a>{}", unlinkable(before), unlinkable(after))
                }
                None => unlinkable(word),
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paragraphs: Vec<String> = text
        .trim()
        .split("\n\n")
        .map(|p| format!("<p>{}</p>", p.lines().map(line).collect::<Vec<_>>().join("<br>\n")))
        .collect();
    format!(
        "<!doctype html><html><body style=\"font-family: sans-serif; line-height: 1.5\">\n{}\n</body></html>\n",
        paragraphs.join("\n")
    )
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// Appends `c` to `out`, escaped if HTML gives it a meaning: one pass over a message, with
/// no string of its own a character (this runs for every character the desk sends).
fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

/// A word, escaped, with each `.`, `:` and `@` inside it set apart by an element and a
/// zero-width space: it reads the same, but neither a mail client's link finder (which
/// reads text nodes) nor one reading the rendered text sees an address in it.
fn unlinkable(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!(c, '.' | ':' | '@') && chars.peek().is_some() {
            out.push_str("<span>");
            push_escaped(&mut out, c);
            out.push_str("</span>&#8203;");
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_keeps_the_words_escaped_and_the_desks_links_clickable() {
        let html =
            super::html_of("Dear <Ann>,\n\nConfirm here:\nhttps://desk.example/c/••••••\n", "https://desk.example/");
        assert!(html.contains("Dear &lt;Ann&gt;,"));
        assert!(html.contains("<a href=\"https://desk.example/c/••••••\">https://desk.example/c/••••••</a>"));
        assert!(html.contains("Confirm here:<br>"));
        let html = super::html_of("Answer here (https://desk.example/c/••••••).", "https://desk.example");
        assert!(
            html.contains("(<a href=\"https://desk.example/c/••••••\">https://desk.example/c/••••••</a>)."),
            "{html}"
        );
    }

    #[test]
    fn no_other_address_becomes_a_link() {
        let html = super::html_of(
            "Dear Sam, please re-confirm at https://evil.example/verify or www.evil.example or sam@evil.example,\n\
             https://desk.example/c/abc https://desk.example.evil.example/c/••••••\n",
            "https://desk.example",
        );
        assert_eq!(html.matches("<a ").count(), 0, "{html}");
        for address in ["https://evil", "evil.example", "www.", "sam@", "desk.example"] {
            assert!(!html.contains(address), "{address} in {html}");
        }
        assert!(html.contains("https<span>:</span>&#8203;//evil<span>.</span>&#8203;example/verify"), "{html}");
    }
}
