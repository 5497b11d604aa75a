//! "Your idea is wanted": the mail to staff asked for their idea on how to stop a problem
//! happening again, put in the outbox to leave at the next working moment (their inbox
//! shows the request at once). Staff who switched email alerts off get no mail; the job
//! completes in the transaction that writes the mails, so nobody is asked twice.

use amends_i18n::text_with;
use amends_store::Store;

use crate::{JobError, JobSettings};

pub(crate) async fn mail(
    store: &Store,
    settings: &JobSettings,
    problem_id: i64,
    user_ids: &[i64],
    job: (i64, &str),
) -> Result<bool, JobError> {
    let problem = match store.problem(problem_id).await {
        Ok(problem) => problem,
        Err(amends_store::StoreError::NotFound(_)) => return Ok(false),
        Err(e) => return Err(e.into()),
    };
    let recipients: Vec<_> = store
        .list_users()
        .await?
        .into_iter()
        .filter(|u| u.active && u.email_alerts && user_ids.contains(&u.id))
        .collect();
    if recipients.is_empty() {
        return Ok(false);
    }
    crate::alerts::to_staff(store, settings, &recipients, job, "idea", |user, language, base| {
        let title = || problem.title.clone().into();
        let subject = text_with(language, "staffmail-idea-subject", &[("title", title())]);
        let args = [
            ("name", amends_domain::step::first_name(&user.name).to_owned().into()),
            ("count", problem.case_count.into()),
            ("title", title()),
            ("address", format!("{base}/problems/{}#ideas", problem.id).into()),
        ];
        (subject, format!("{}\n", text_with(language, "staffmail-idea-body", &args)))
    })
    .await
}
