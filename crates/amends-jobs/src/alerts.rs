//! Alerts to staff by email: a watched customer's next order, a promise about to be
//! broken or broken, an overdue step going up the escalation ladder. The timeline says
//! it at once; the email goes out inside service hours: one raised at night waits in
//! the outbox for the start of the next working period. Staff may switch email alerts
//! off on their account page. The job that writes the mails completes in their
//! transaction, and an escalation level is recorded once per due time, so a restart
//! never mails anything twice.

use amends_domain::hours::{Level, Recipient};
use amends_store::secret::random_hex;
use amends_store::{AlertTo, Escalation, NewEmail, OverdueCase, StaffAlert, Store, UserRecord};
use time::Duration;

use crate::{JobError, JobSettings};

/// How often overdue steps are looked at.
pub(crate) const SWEEP_EVERY: Duration = Duration::minutes(1);
/// Overdue cases looked at per sweep; the rest wait for the next one.
const SWEEP_BATCH: i64 = 200;

/// Writes the alert's mails, each to go out at the next working moment, and completes
/// `job` with them. Nobody to tell (all switched off): nothing is written.
pub(crate) async fn mail(
    store: &Store,
    settings: &JobSettings,
    alert: &StaffAlert,
    job: (i64, &str),
) -> Result<bool, JobError> {
    let owner = match store.case(alert.case_id).await {
        Ok(case) => case.owner_id,
        Err(amends_store::StoreError::NotFound(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let recipients = store.alert_recipients(owner, &alert.to).await?;
    if recipients.is_empty() {
        return Ok(false);
    }
    to_staff(store, settings, &recipients, job, "alert", |_, _, base| {
        (alert.subject.clone(), format!("{}\n\nThe case: {base}/cases/{}\n", alert.text, alert.case_id))
    })
    .await
}

/// Writes a mail to each of `recipients` (the subject and body `write` gives for them,
/// with the desk's address), each to go out at the next working moment and to say how
/// to switch them off, and completes `job` with them.
pub(crate) async fn to_staff(
    store: &Store,
    settings: &JobSettings,
    recipients: &[UserRecord],
    job: (i64, &str),
    kind: &str,
    write: impl Fn(&UserRecord, amends_domain::Language, &str) -> (String, String),
) -> Result<bool, JobError> {
    let hours = store.desk_hours().await?.parsed;
    let business_language = store.business().await?.language;
    let send_at = hours.next_open(store.now());
    let base = settings.public_url.trim_end_matches('/');
    let emails: Vec<NewEmail> = recipients
        .iter()
        .map(|user| {
            let language = staff_language(user, business_language);
            let (subject, body) = write(user, language, base);
            NewEmail {
                case_id: None,
                to_email: user.email.clone(),
                to_name: Some(user.name.clone()),
                subject,
                text_body: format!(
                    "{body}\n{}\n",
                    amends_i18n::text_with(
                        language,
                        "staffmail-switch-off",
                        &[("address", format!("{base}/account").into())]
                    )
                ),
                html_body: None,
                message_id: format!("<{kind}.{}@{}>", random_hex(12), settings.message_domain),
                in_reply_to: None,
                purpose: amends_domain::MessagePurpose::StaffAlert,
                link: None,
            }
        })
        .collect();
    Ok(store.queue_staff_emails_for_job(&emails, send_at, job).await?)
}

/// The language a member of staff reads: theirs, else the business's own.
pub(crate) fn staff_language(user: &UserRecord, business: amends_domain::Language) -> amends_domain::Language {
    user.language.unwrap_or(business)
}

/// Takes every overdue step up the levels of the ladder it has reached, in order.
pub(crate) async fn sweep(store: &Store) -> Result<usize, JobError> {
    let now = store.now();
    let desk = store.desk_hours().await?;
    let levels = desk.ladder.levels();
    if levels.is_empty() {
        return Ok(0);
    }
    let mut escalated = 0;
    for case in store.overdue_cases(now, levels.len(), SWEEP_BATCH).await? {
        for level in desk.ladder.reached(&desk.parsed, case.due, now) {
            if case.levels_done.contains(&level.number) {
                continue;
            }
            let e = escalation(store, &case, level, &desk.parsed).await?;
            match store.escalate_overdue(&case, &e).await {
                Ok(true) => escalated += 1,
                Ok(false) => {}
                // One case that cannot be escalated must not hold up the others.
                Err(e) if !e.is_temporary() => {
                    tracing::warn!(case = case.case_id, level = level.number, error = %e, "could not escalate an overdue step");
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(escalated)
}

async fn escalation(
    store: &Store,
    case: &OverdueCase,
    level: &Level,
    hours: &amends_domain::BusinessHours,
) -> Result<Escalation, JobError> {
    let users = store.list_users().await?;
    let name_of = |id: i64| users.iter().find(|u| u.id == id).map(|u| u.name.clone());
    let mut told = Vec::new();
    let mut to = AlertTo { user_ids: level.user_ids.clone(), ..AlertTo::default() };
    match &level.to {
        Some(Recipient::Owner) => {
            to.owner = true;
            told.push(match case.owner_id.and_then(name_of) {
                Some(name) => format!("the owner, {name}"),
                None => "the managers (no owner)".to_owned(),
            });
        }
        Some(Recipient::Role(role)) => {
            to.role = Some(*role);
            told.push(format!("every {role}"));
        }
        None => {}
    }
    told.extend(level.user_ids.iter().filter_map(|id| name_of(*id)));
    let alert = StaffAlert {
        case_id: case.case_id,
        subject: format!("{}: overdue, escalation level {}", case.reference, level.number),
        text: format!(
            "{} ({}) is overdue: \"{}\" was due {}. Escalation level {} tells {}.",
            case.reference,
            case.customer_name,
            case.step.title(),
            hours.describe(case.due),
            level.number,
            told.join(", ")
        ),
        to,
    };
    Ok(Escalation { level: level.number, told, alert })
}
