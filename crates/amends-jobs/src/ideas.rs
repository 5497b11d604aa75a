//! "Your idea is wanted": the mail to staff asked for their idea on how to stop a problem
//! happening again, put in the outbox to leave at the next working moment (their inbox
//! shows the request at once). Staff who switched email alerts off get no mail; the job
//! completes in the transaction that writes the mails, so nobody is asked twice.

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
    let cases = match problem.case_count {
        1 => "a case".to_owned(),
        n => format!("{n} cases"),
    };
    let subject = format!("Your idea is wanted: {}", problem.title);
    crate::alerts::to_staff(store, settings, &recipients, job, "idea", |user, base| {
        let body = format!(
            "{name},\n\nYou handled {cases} that came from the same root cause: \"{title}\".\n\n\
             You know the work best: how would you stop it happening again? Write your idea on the \
             problem's page; your colleagues vote, and a manager chooses the one that becomes our \
             preventive action, with your name on it.\n\n{base}/problems/{id}#ideas\n",
            name = amends_domain::step::first_name(&user.name),
            title = problem.title,
            id = problem.id,
        );
        (subject.clone(), body)
    })
    .await
}
