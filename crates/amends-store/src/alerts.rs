//! Staff alerts: who gets one, the job that mails it, queued in the transaction of what
//! raised it, and the mails the runner puts in the outbox inside service hours. Apart
//! from escalations because watch alerts and broken promises raise them too.

use amends_domain::Role;
use serde::Serialize;
use time::OffsetDateTime;

use crate::db::{self, Conn};
use crate::jobs::{Job, enqueue_in};
use crate::outbox::NewEmail;
use crate::{Store, StoreError, UserRecord, millis};

/// Who a staff alert goes to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AlertTo {
    /// The case's owner; the managers when it has none.
    #[serde(default)]
    pub owner: bool,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub user_ids: Vec<i64>,
}

/// An alert to staff about a case: the timeline already says it; this mails it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct StaffAlert {
    pub case_id: i64,
    pub subject: String,
    pub text: String,
    pub to: AlertTo,
}

/// Queues the job that mails `alert`, in the caller's transaction.
pub(crate) async fn alert_in(conn: &mut Conn, alert: &StaffAlert, now: OffsetDateTime) -> Result<(), StoreError> {
    enqueue_in(conn, &Job::StaffAlert(alert.clone()), now, now).await?;
    Ok(())
}

impl Store {
    pub async fn set_email_alerts(&self, user_id: i64, on: bool) -> Result<UserRecord, StoreError> {
        self.update_account(user_id, Some(on), None).await
    }

    /// What a member of staff changes of their own account: email alerts, and the
    /// language the desk speaks to them (`Some(None)`: their browser's again).
    pub async fn update_account(
        &self,
        user_id: i64,
        email_alerts: Option<bool>,
        language: Option<Option<amends_domain::Language>>,
    ) -> Result<UserRecord, StoreError> {
        if let Some(on) = email_alerts {
            db::query("UPDATE users SET email_alerts = $2 WHERE id = $1")
                .bind(user_id)
                .bind(i64::from(on))
                .execute(self.write())
                .await?;
        }
        if let Some(language) = language {
            db::query("UPDATE users SET language = $2 WHERE id = $1")
                .bind(user_id)
                .bind(language.map(|l| l.tag().to_owned()))
                .execute(self.write())
                .await?;
        }
        self.forget_tokens();
        self.user(user_id).await
    }

    /// Who gets an alert's email: active staff who keep their email alerts on.
    pub async fn alert_recipients(&self, case_owner: Option<i64>, to: &AlertTo) -> Result<Vec<UserRecord>, StoreError> {
        let users = self.list_users().await?;
        let managers = || users.iter().filter(|u| u.role == Role::Manager).map(|u| u.id).collect::<Vec<_>>();
        let mut ids: Vec<i64> = to.user_ids.clone();
        if to.owner {
            match case_owner {
                Some(owner) => ids.push(owner),
                None => ids.extend(managers()),
            }
        }
        if let Some(role) = to.role {
            ids.extend(users.iter().filter(|u| u.role == role).map(|u| u.id));
        }
        Ok(users.into_iter().filter(|u| u.active && u.email_alerts && ids.contains(&u.id)).collect())
    }

    /// Puts staff alert mails in the outbox, each sent at `send_at` (the next working
    /// moment), and completes the job that wrote them in the same transaction, so a
    /// restart never mails an alert twice. False when the worker no longer holds the job.
    pub async fn queue_staff_emails_for_job(
        &self,
        emails: &[NewEmail],
        send_at: OffsetDateTime,
        job: (i64, &str),
    ) -> Result<bool, StoreError> {
        let mut tx = self.write().begin().await?;
        let held = db::query(
            "UPDATE jobs SET done_at = $3, locked_by = NULL, locked_until = NULL \
             WHERE id = $1 AND locked_by = $2 AND done_at IS NULL",
        )
        .bind(job.0)
        .bind(job.1)
        .bind(millis(self.now()))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if held == 0 {
            return Ok(false);
        }
        for e in emails {
            crate::outbox::insert_email_in(&mut tx, e, send_at, self.now()).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
