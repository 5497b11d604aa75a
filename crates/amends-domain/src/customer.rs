//! Customers and their transactions (orders, visits, refunds).

use std::fmt;
use std::str::FromStr;

use crate::text::{TextError, fold_to_one_line, one_line};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CustomerError {
    #[error("a customer needs a name")]
    NameEmpty,
    #[error("a name may have at most {0} characters")]
    NameTooLong(usize),
    #[error("a name must be one line, without line breaks or control characters")]
    NameControl,
    #[error("{0:?} is not an email address")]
    EmailInvalid(String),
    #[error("a phone number may have at most 40 characters")]
    PhoneTooLong,
    #[error("{0:?} is not a currency code: use three capital letters, such as EUR")]
    CurrencyInvalid(String),
    #[error("unknown transaction kind {0:?}: use order, visit or refund")]
    KindUnknown(String),
    #[error("an amount may not be negative: a refund is its own kind")]
    AmountNegative,
    #[error("{0:?} is not an amount: write it as 24.50 or 24")]
    AmountInvalid(String),
}

/// A customer's name as they gave it (trimmed, never empty, one line: it goes into
/// the `To:` header of every mail the desk sends them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerName(String);

impl CustomerName {
    pub const MAX_CHARS: usize = 200;

    /// The name a message greets them by: the first word of the name as given
    /// ("Hannah" of "Hannah Reyes"); the whole name when it is one word.
    pub fn first_name(name: &str) -> &str {
        name.split_whitespace().next().unwrap_or(name)
    }

    pub fn parse(value: &str) -> Result<Self, CustomerError> {
        one_line(value, Self::MAX_CHARS).map(Self).map_err(|e| match e {
            TextError::Empty => CustomerError::NameEmpty,
            TextError::TooLong(n) => CustomerError::NameTooLong(n),
            TextError::Control => CustomerError::NameControl,
        })
    }

    /// A name from a mail header, where nobody can be asked to type it again: line
    /// breaks and other control characters fold into spaces.
    pub fn from_mail(value: &str) -> Result<Self, CustomerError> {
        Self::parse(&fold_to_one_line(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An email address that has the shape of one. Kept as the customer typed it; the
/// lower-cased form is what identifies the customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerEmail(String);

impl CustomerEmail {
    pub fn parse(value: &str) -> Result<Self, CustomerError> {
        let v = value.trim();
        let invalid = || CustomerError::EmailInvalid(value.to_owned());
        if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = v.rsplit_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || local.len() > 64 || local.contains('@') || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(v.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form two addresses are compared in.
    pub fn normalized(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for CustomerEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn parse_phone(value: &str) -> Result<Option<String>, CustomerError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if v.chars().count() > 40 {
        return Err(CustomerError::PhoneTooLong);
    }
    Ok(Some(v.to_owned()))
}

/// An amount in minor units (cents) of a currency.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

/// An amount as a person types it ("24.50", "24,50", "24", "1 200.00") in minor units
/// (2450): at most two decimals, never negative.
pub fn parse_amount(value: &str) -> Result<i64, CustomerError> {
    let invalid = || CustomerError::AmountInvalid(value.to_owned());
    let v: String = value.trim().chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}').collect();
    if v.starts_with('-') {
        return Err(CustomerError::AmountNegative);
    }
    let (whole, cents) = match v.rsplit_once(['.', ',']) {
        Some((w, c)) if c.len() <= 2 => (w, c),
        Some(_) => return Err(invalid()),
        None => (v.as_str(), ""),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(cents.is_empty() || digits(cents)) {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let cents: i64 = if cents.is_empty() { 0 } else { format!("{cents:0<2}").parse().map_err(|_| invalid())? };
    whole.checked_mul(100).and_then(|w| w.checked_add(cents)).ok_or_else(invalid)
}

pub fn parse_currency(value: &str) -> Result<String, CustomerError> {
    if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(value.to_owned())
    } else {
        Err(CustomerError::CurrencyInvalid(value.to_owned()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    Order,
    Visit,
    Refund,
}

impl TransactionKind {
    pub const ALL: [TransactionKind; 3] = [TransactionKind::Order, TransactionKind::Visit, TransactionKind::Refund];

    pub fn as_str(self) -> &'static str {
        match self {
            TransactionKind::Order => "order",
            TransactionKind::Visit => "visit",
            TransactionKind::Refund => "refund",
        }
    }

    /// What the transaction adds to the customer's lifetime value: refunds take away.
    pub fn value_sign(self) -> i64 {
        match self {
            TransactionKind::Refund => -1,
            TransactionKind::Order | TransactionKind::Visit => 1,
        }
    }

    /// Orders and visits are the customer coming back; a refund is not.
    pub fn is_return(self) -> bool {
        !matches!(self, TransactionKind::Refund)
    }
}

impl FromStr for TransactionKind {
    type Err = CustomerError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "order" => Ok(Self::Order),
            "visit" => Ok(Self::Visit),
            "refund" => Ok(Self::Refund),
            other => Err(CustomerError::KindUnknown(other.to_owned())),
        }
    }
}

/// Lifetime value of a customer: orders and visits less refunds, in one currency.
pub fn lifetime_value(transactions: impl IntoIterator<Item = (TransactionKind, i64)>) -> i64 {
    transactions.into_iter().map(|(kind, amount)| kind.value_sign() * amount).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_type_them() {
        assert_eq!(parse_amount("24.50"), Ok(2450));
        assert_eq!(parse_amount(" 24,5 "), Ok(2450));
        assert_eq!(parse_amount("24"), Ok(2400));
        assert_eq!(parse_amount("1 200.00"), Ok(120_000));
        assert_eq!(parse_amount("-3"), Err(CustomerError::AmountNegative));
        for bad in ["", "abc", "2.345", "1.2.3", ".50", "9999999999999999999"] {
            assert!(matches!(parse_amount(bad), Err(CustomerError::AmountInvalid(_))), "{bad:?}");
        }
    }

    #[test]
    fn a_message_greets_by_the_first_name() {
        assert_eq!(CustomerName::first_name("Hannah Reyes"), "Hannah");
        assert_eq!(CustomerName::first_name("  Łukasz  Nowak"), "Łukasz");
        assert_eq!(CustomerName::first_name("Cher"), "Cher");
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(CustomerEmail::parse("ann@example.com").is_ok());
        assert!(CustomerEmail::parse(" Ann.Lee+cake@bakery.co.uk ").is_ok());
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "ann@exa..mple.com",
            "ann@@example.com",
        ] {
            assert!(CustomerEmail::parse(bad).is_err(), "{bad} should be refused");
        }
        let e = CustomerEmail::parse("Ann@Example.COM").unwrap();
        assert_eq!(e.normalized(), "ann@example.com");
    }

    #[test]
    fn refunds_reduce_lifetime_value() {
        let v = lifetime_value([
            (TransactionKind::Order, 5_000),
            (TransactionKind::Visit, 1_200),
            (TransactionKind::Refund, 2_000),
        ]);
        assert_eq!(v, 4_200);
    }

    #[test]
    fn names_are_trimmed_and_required() {
        assert_eq!(CustomerName::parse("  Ann ").unwrap().as_str(), "Ann");
        assert_eq!(CustomerName::parse("   "), Err(CustomerError::NameEmpty));
        assert!(CustomerName::parse(&"x".repeat(201)).is_err());
        for injected in ["Dana\r\nBcc: x@example.test", "Dana\nBcc: x", "Dana\u{0}", "Da\tna"] {
            assert_eq!(CustomerName::parse(injected), Err(CustomerError::NameControl), "{injected:?}");
        }
        assert_eq!(CustomerName::from_mail("Dana\r\n Bcc: x").unwrap().as_str(), "Dana Bcc: x");
        assert_eq!(parse_currency("EUR"), Ok("EUR".to_owned()));
        assert!(parse_currency("eur").is_err());
    }
}
