//! Disclosures: telling customers of a problem before they find it. The audience is
//! picked from their transactions by any combination of product, time, place and amount.

use serde::{Deserialize, Serialize};

use crate::case::{UnknownName, named_enum};
use time::OffsetDateTime;

/// Who is told: customers with at least one transaction matching every criterion given.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Any of these products (SKU), matched exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<String>,
    /// Any of these locations, matched exactly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<String>,
    /// From this time, inclusive.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub from: Option<OffsetDateTime>,
    /// Before this time, exclusive.
    #[serde(default, with = "time::serde::rfc3339::option", skip_serializing_if = "Option::is_none")]
    pub to: Option<OffsetDateTime>,
    /// Amount in minor units, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_amount_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_amount_minor: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AudienceError {
    pub field: &'static str,
    pub message: &'static str,
}

const MAX_VALUES: usize = 500;

impl Audience {
    /// An audience must narrow something (a notice to every customer is not a
    /// disclosure) and its ranges must be ranges.
    pub fn check(&self) -> Result<(), AudienceError> {
        let err = |field, message| Err(AudienceError { field, message });
        if self.skus.is_empty()
            && self.locations.is_empty()
            && self.from.is_none()
            && self.to.is_none()
            && self.min_amount_minor.is_none()
            && self.max_amount_minor.is_none()
        {
            return err(
                "audience",
                "choose at least one of skus, locations, from, to, min_amount_minor, max_amount_minor",
            );
        }
        if self.skus.len() > MAX_VALUES || self.skus.iter().any(|s| s.trim().is_empty()) {
            return err("skus", "skus are 1 to 500 non-empty values");
        }
        if self.locations.len() > MAX_VALUES || self.locations.iter().any(|s| s.trim().is_empty()) {
            return err("locations", "locations are 1 to 500 non-empty values");
        }
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return err("to", "`to` comes after `from`");
        }
        if let (Some(min), Some(max)) = (self.min_amount_minor, self.max_amount_minor)
            && min > max
        {
            return err("max_amount_minor", "max_amount_minor is at least min_amount_minor");
        }
        Ok(())
    }
}

/// How notices go out: by email, by printed letter, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    pub email: bool,
    pub letter: bool,
}

impl Default for Channels {
    fn default() -> Self {
        Channels { email: true, letter: false }
    }
}

/// As stored: `email`, `letter` or `email,letter`; anything else is refused.
impl std::str::FromStr for Channels {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Channels::parse(s).ok_or_else(|| UnknownName { what: "disclosure channels", text: s.to_owned() })
    }
}

/// In JSON, the list of channels: `["email"]`, `["letter"]` or `["email", "letter"]`.
impl Serialize for Channels {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.names())
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Channels {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ArrayBuilder::new()
            .items(
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some(["email", "letter"])),
            )
            .min_items(Some(1))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Channels {}

/// How one customer is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub email: bool,
    pub letter: bool,
}

impl Channels {
    /// `email`, `letter` or both, comma-separated.
    pub fn parse(s: &str) -> Option<Channels> {
        let mut c = Channels { email: false, letter: false };
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part {
                "email" => c.email = true,
                "letter" => c.letter = true,
                _ => return None,
            }
        }
        (c.email || c.letter).then_some(c)
    }

    pub fn as_str(self) -> &'static str {
        match (self.email, self.letter) {
            (true, true) => "email,letter",
            (false, true) => "letter",
            _ => "email",
        }
    }

    /// The channels one by one, as the API lists them.
    pub fn names(self) -> Vec<&'static str> {
        self.as_str().split(',').collect()
    }

    /// The chosen channels the customer can be reached by; when none of them can,
    /// the other one (a customer without an email address still gets a letter): a
    /// notice that can reach them is better than none.
    pub fn route(self, has_email: bool, has_address: bool) -> Route {
        let chosen = Route { email: self.email && has_email, letter: self.letter && has_address };
        if chosen.email || chosen.letter {
            return chosen;
        }
        Route { email: has_email, letter: !has_email && has_address }
    }
}

/// The words around a notice's explanation. A customer whose own complaint was about
/// the problem hears that we know they told us, and when; telling them "we would rather
/// tell you before you find it yourself" would say we had not listened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeWords {
    /// The first paragraph.
    pub opening: String,
    /// What comes before the way back (the link, or the code and the phone number).
    pub invitation: String,
}

impl NoticeWords {
    /// `told_us_on`: the day (as the customer reads it) of their first complaint about
    /// the problem, if they made one.
    pub fn new(told_us_on: Option<&str>) -> Self {
        match told_us_on {
            Some(day) => NoticeWords {
                opening: format!("You told us about this on {day}. Thank you: here is what we found and what we did."),
                invitation: "If anything is still not right for you, tell us and we will put it right for you personally:"
                    .to_owned(),
            },
            None => NoticeWords {
                opening: "We found a problem that may have affected you, and we would rather tell you now than have you find it yourself.".to_owned(),
                invitation: "If this affected you, tell us and we will put it right for you personally:".to_owned(),
            },
        }
    }
}

named_enum!(
    /// Where a disclosure stands: a `Draft` can be changed and previewed; `Sending` while
    /// its notices are queued (a resumed send tells nobody twice); `Sent` once all are.
    DisclosureStatus, unknown "disclosure status",
    Draft => "draft", Sending => "sending", Sent => "sent",
);

named_enum!(
    /// What a disclosure is: a `Notice` of a problem found before customers did, picked
    /// from transactions; or a `Proof` that a fixed problem's cases were put right for
    /// good, to everyone with a case linked to it (one per problem).
    DisclosureKind, unknown "disclosure kind",
    Notice => "notice", Proof => "proof",
);

named_enum!(
    /// Where a notice to one customer stands: `Selected` (picked, not yet in the outbox),
    /// `Queued` (in the outbox, or waiting for the print run), `Sent` (by email, or printed
    /// and posted), `Failed` (no way to reach them, or the mail server refused it),
    /// `Confirmed` (they read it and said it did not affect them), `Replied` (they said it
    /// did; a case was opened), `Called` (a call list reached them by phone: no notice
    /// follows).
    RecipientStatus, unknown "disclosure recipient status",
    Selected => "selected", Queued => "queued", Sent => "sent", Failed => "failed",
    Confirmed => "confirmed", Replied => "replied", Called => "called",
);

impl RecipientStatus {
    /// Whether the customer has answered the notice (either way): it takes no second answer.
    pub fn answered(self) -> bool {
        matches!(self, RecipientStatus::Confirmed | RecipientStatus::Replied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audience_narrows_something_and_its_ranges_are_ranges() {
        assert_eq!(Audience::default().check().unwrap_err().field, "audience");
        let a = Audience { skus: vec!["CAKE-1".into()], ..Audience::default() };
        assert!(a.check().is_ok());
        let bad = Audience { min_amount_minor: Some(10), max_amount_minor: Some(5), ..Audience::default() };
        assert_eq!(bad.check().unwrap_err().field, "max_amount_minor");
        let t = OffsetDateTime::UNIX_EPOCH;
        let bad = Audience { from: Some(t), to: Some(t), ..Audience::default() };
        assert_eq!(bad.check().unwrap_err().field, "to");
    }

    #[test]
    fn a_customer_who_told_us_hears_that_we_know() {
        let told = NoticeWords::new(Some("3 Oct 2026"));
        assert!(told.opening.starts_with("You told us about this on 3 Oct 2026."));
        assert!(!told.opening.contains("rather tell you"));
        assert!(NoticeWords::new(None).opening.contains("rather tell you now"));
    }

    #[test]
    fn a_notice_goes_by_a_chosen_channel_or_else_the_other() {
        let email = Channels::parse("email").unwrap();
        let letter = Channels::parse("letter").unwrap();
        let both = Channels::parse("email, letter").unwrap();
        assert_eq!(both.as_str(), "email,letter");
        assert!(Channels::parse("fax").is_none() && Channels::parse("").is_none());
        assert_eq!(email.route(true, true), Route { email: true, letter: false });
        assert_eq!(email.route(false, true), Route { email: false, letter: true });
        assert_eq!(letter.route(true, true), Route { email: false, letter: true });
        assert_eq!(letter.route(true, false), Route { email: true, letter: false });
        assert_eq!(both.route(true, true), Route { email: true, letter: true });
        assert_eq!(both.route(false, false), Route { email: false, letter: false });
    }
}
