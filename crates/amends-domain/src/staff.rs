//! Staff users and what each role may do.

use std::fmt;
use std::str::FromStr;

/// A staff member's role. Ordered: every role may do what the roles below it may.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
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
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Checks a new password's length; the hashing is the adapter's job.
pub fn check_new_password(password: &str) -> Result<(), StaffError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(StaffError::PasswordTooShort(MIN_PASSWORD_CHARS));
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(StaffError::PasswordTooLong(MAX_PASSWORD_CHARS));
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
    fn staff_names_stay_on_one_line() {
        assert_eq!(parse_staff_name("  Jonas Weber "), Ok("Jonas Weber".to_owned()));
        assert_eq!(parse_staff_name("Jonas\r\nBcc: x@example.test"), Err(StaffNameError::Control));
        assert_eq!(parse_staff_name(" "), Err(StaffNameError::Length(200)));
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
