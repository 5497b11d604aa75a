//! Staff users and what each role may do.

use std::fmt;
use std::str::FromStr;

/// A staff member's role. Ordered: every role may do what the roles below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Agent, Role::Manager, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// True when this role includes everything `needed` may do.
    pub fn at_least(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StaffError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| StaffError::UnknownRole(s.to_owned()))
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StaffError {
    #[error("unknown role {0:?}: use agent, manager or admin")]
    UnknownRole(String),
    #[error("a password needs at least {0} characters")]
    PasswordTooShort(usize),
    #[error("a password may have at most {0} characters")]
    PasswordTooLong(usize),
    /// With zxcvbn's hint.
    #[error("this password is easy to guess: {0}")]
    PasswordTooWeak(String),
}

/// How long an invitation's link works: a week, to open it after a weekend.
pub const INVITATION_DAYS: i64 = 7;

/// Where an invitation to join the desk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Sent, not yet used, still in time.
    Pending,
    /// Used: they chose their password.
    Used,
    /// An admin withdrew it, or sent a newer one.
    Withdrawn,
    /// Not used in time.
    Expired,
}

impl InvitationStatus {
    /// An invitation's status at `now`: used wins over everything (they joined), then
    /// withdrawn, then expired.
    pub fn at(
        expires_at: time::OffsetDateTime,
        used: bool,
        withdrawn: bool,
        now: time::OffsetDateTime,
    ) -> InvitationStatus {
        if used {
            InvitationStatus::Used
        } else if withdrawn {
            InvitationStatus::Withdrawn
        } else if expires_at <= now {
            InvitationStatus::Expired
        } else {
            InvitationStatus::Pending
        }
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password: its length, and that it is not easily guessed (zxcvbn's
/// estimate, which knows common passwords, words, names, keyboard patterns and dates,
/// and counts `context` such as the person's email and name as known to a guesser:
/// score 3 of 4 at least, "safely unguessable" for an online attacker who is
/// throttled). The hashing is the adapter's job.
pub fn check_new_password(password: &str, context: &[&str]) -> Result<(), StaffError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(StaffError::PasswordTooShort(MIN_PASSWORD_CHARS));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(StaffError::PasswordTooLong(MAX_PASSWORD_CHARS));
    }
    // The estimate's time grows with the length; past 100 characters it is strong anyway.
    let head: String = password.chars().take(100).collect();
    let estimate = zxcvbn::zxcvbn(&head, context);
    if estimate.score() < zxcvbn::Score::Three {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .unwrap_or_else(|| "Add another word or two.".to_owned());
        return Err(StaffError::PasswordTooWeak(hint));
    }
    Ok(())
}

/// Why a staff member's name was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StaffNameError {
    #[error("a name has 1 to {0} characters")]
    Length(usize),
    #[error("a name must be one line, without line breaks or control characters")]
    Control,
}

/// A staff member's name as kept: trimmed, one line (it heads the alerts mailed to
/// them and signs what they write to customers), at most 200 characters.
pub fn parse_staff_name(value: &str) -> Result<String, StaffNameError> {
    use crate::text::{TextError, one_line};
    const MAX: usize = 200;
    one_line(value, MAX).map_err(|e| match e {
        TextError::Empty | TextError::TooLong(_) => StaffNameError::Length(MAX),
        TextError::Control => StaffNameError::Control,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_works_once_and_until_it_expires() {
        let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(100);
        let later = now + time::Duration::days(INVITATION_DAYS);
        assert_eq!(InvitationStatus::at(later, false, false, now), InvitationStatus::Pending);
        assert_eq!(InvitationStatus::at(now, false, false, now), InvitationStatus::Expired, "expired at its time");
        assert_eq!(InvitationStatus::at(later, false, true, now), InvitationStatus::Withdrawn);
        assert_eq!(InvitationStatus::at(now, true, true, later), InvitationStatus::Used, "joined is joined");
    }

    #[test]
    fn staff_names_stay_on_one_line() {
        assert_eq!(parse_staff_name("  Jonas Weber "), Ok("Jonas Weber".to_owned()));
        assert_eq!(parse_staff_name("Jonas\r\nBcc: x@example.test"), Err(StaffNameError::Control));
        assert_eq!(parse_staff_name(" "), Err(StaffNameError::Length(200)));
    }

    #[test]
    fn guessable_passwords_are_refused() {
        for weak in ["          ", "password1234", "qwertyuiop", "1234567890", "aaaaaaaaaaaa", "ann.lee@bakery.example"]
        {
            assert!(
                matches!(
                    check_new_password(weak, &["ann.lee@bakery.example", "Ann Lee"]),
                    Err(StaffError::PasswordTooWeak(_))
                ),
                "{weak:?}"
            );
        }
        // The passwords of the tests, fixtures and scripts stay acceptable.
        for fine in [
            "Sourdough-Starter-4471",
            "correct horse battery",
            "bench password, long enough",
            "a long enough password",
            "long enough pass",
        ] {
            assert!(check_new_password(fine, &[]).is_ok(), "{fine:?}");
        }
        assert!(check_new_password("plum kettle orbit lantern", &[]).is_ok());
        assert!(matches!(check_new_password("short", &[]), Err(StaffError::PasswordTooShort(10))));
    }

    #[test]
    fn roles_are_ordered_by_what_they_may_do() {
        assert!(Role::Admin.at_least(Role::Manager));
        assert!(Role::Manager.at_least(Role::Agent));
        assert!(!Role::Agent.at_least(Role::Manager));
        assert_eq!("manager".parse::<Role>(), Ok(Role::Manager));
        assert!("owner".parse::<Role>().is_err());
    }
}
