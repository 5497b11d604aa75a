//! A case: one complaint from one customer, and what is done about it.

use std::fmt;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NewCaseError {
    #[error("the complaint is empty: keep the customer's own words")]
    BodyEmpty,
    #[error("the complaint is larger than {0} bytes")]
    BodyTooLarge(usize),
    #[error("unknown channel {0:?}: use email, web, phone, in_person or api")]
    ChannelUnknown(String),
    #[error("unknown severity {0:?}: use low, normal, high or critical")]
    SeverityUnknown(String),
    #[error("a subject may have at most {0} characters")]
    SubjectTooLong(usize),
    #[error("a subject must be one line, without line breaks or control characters")]
    SubjectControl,
}

/// The customer's own words, exactly as they came: never trimmed, truncated or cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Complaint(String);

impl Complaint {
    /// One mebibyte: enough for the angriest letter, small enough to keep a page fast.
    pub const MAX_BYTES: usize = 1024 * 1024;

    pub fn parse(body: String) -> Result<Self, NewCaseError> {
        if body.len() > Self::MAX_BYTES {
            return Err(NewCaseError::BodyTooLarge(Self::MAX_BYTES));
        }
        if body.trim().is_empty() {
            return Err(NewCaseError::BodyEmpty);
        }
        Ok(Self(body))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

pub const MAX_SUBJECT_CHARS: usize = 300;

pub fn parse_subject(subject: Option<&str>) -> Result<Option<String>, NewCaseError> {
    match subject.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > MAX_SUBJECT_CHARS => Err(NewCaseError::SubjectTooLong(MAX_SUBJECT_CHARS)),
        // It may be quoted in the subject of mail about the case.
        Some(s) if crate::text::breaks_header_line(s) => Err(NewCaseError::SubjectControl),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 50;
/// Most tags one case carries.
pub const MAX_TAGS: usize = 20;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TagError {
    #[error("a tag has 1 to {MAX_TAG_CHARS} characters, without control characters")]
    Malformed,
    #[error("a case carries at most {MAX_TAGS} tags")]
    TooMany,
}

/// The tags a new case is opened with: each as [`parse_tag`] keeps it, at most
/// [`MAX_TAGS`].
pub fn parse_tags(tags: &[String]) -> Result<Vec<String>, TagError> {
    if tags.len() > MAX_TAGS {
        return Err(TagError::TooMany);
    }
    tags.iter().map(|t| parse_tag(t)).collect()
}

/// A tag as it is kept: trimmed, lower case (so that filters find it however it was
/// typed), one line, at most [`MAX_TAG_CHARS`] characters.
pub fn parse_tag(tag: &str) -> Result<String, TagError> {
    let tag = tag.trim().to_lowercase();
    if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(char::is_control) {
        return Err(TagError::Malformed);
    }
    Ok(tag)
}

/// A stored or received name that is none of its type's values: in a row, the store
/// calls it corrupt; in a request, the web layer names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what}: {text:?}")]
pub struct UnknownName {
    pub what: &'static str,
    pub text: String,
}

/// An enum kept as text (in a column, in JSON): `as_str`, `FromStr`, `Display` and serde
/// all speak the same words, so the words live in one place. The short form names a
/// [`NewCaseError`] variant (the case's fields are parsed at intake); the `unknown` form
/// fails with an [`UnknownName`].
macro_rules! named_enum {
    (@define $(#[$meta:meta])* $name:ident, $errty:ty, $make:expr, $($variant:ident => $text:literal),+) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $errty;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(($make)(other.to_owned())),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        // The API document shows it as the strings it is written as.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$($text),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
    ($(#[$meta:meta])* $name:ident, unknown $what:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        named_enum!(@define $(#[$meta])* $name, $crate::case::UnknownName,
            |text: String| $crate::case::UnknownName { what: $what, text }, $($variant => $text),+);
    };
    ($(#[$meta:meta])* $name:ident, $err:ident, $($variant:ident => $text:literal),+ $(,)?) => {
        named_enum!(@define $(#[$meta])* $name, $crate::case::NewCaseError, $crate::case::NewCaseError::$err,
            $($variant => $text),+);
    };
}
pub(crate) use named_enum;

named_enum!(
    /// How the complaint reached the business.
    Channel, ChannelUnknown,
    Email => "email", Web => "web", Phone => "phone", InPerson => "in_person", Api => "api",
);

named_enum!(
    /// How much is at stake. High and critical cases are escalated to a manager.
    Severity, SeverityUnknown,
    Low => "low", Normal => "normal", High => "high", Critical => "critical",
);

/// The human reference of a case, such as `AM-1042`. It is the case id offset so that
/// the first case does not read as `AM-1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseReference(pub i64);

impl CaseReference {
    const OFFSET: i64 = 1000;

    pub fn case_id(self) -> i64 {
        self.0
    }

    pub fn parse(text: &str) -> Option<Self> {
        let digits = text.trim().strip_prefix("AM-").or_else(|| text.trim().strip_prefix("am-"))?;
        let n: i64 = digits.parse().ok()?;
        (n > Self::OFFSET).then_some(Self(n - Self::OFFSET))
    }

    /// A reference as a person types it in a search box: `AM-1001`, `am 1001` or `1001`.
    pub fn from_search(text: &str) -> Option<Self> {
        let text = text.trim();
        let digits = match text.get(..2) {
            Some(prefix) if prefix.eq_ignore_ascii_case("am") => text[2..].trim_start_matches(['-', ' ', '#']),
            _ => text.trim_start_matches('#'),
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: i64 = digits.parse().ok()?;
        (n > Self::OFFSET).then_some(Self(n - Self::OFFSET))
    }
}

impl fmt::Display for CaseReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AM-{}", self.0 + Self::OFFSET)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_is_found_however_it_is_typed() {
        for typed in ["AM-1001", "am-1001", " Am 1001 ", "1001", "#1001"] {
            assert_eq!(CaseReference::from_search(typed), Some(CaseReference(1)), "{typed}");
        }
        for not in ["1000", "AM-", "Hannah", "10a1", "amber"] {
            assert_eq!(CaseReference::from_search(not), None, "{not}");
        }
    }

    #[test]
    fn a_new_case_has_at_most_twenty_well_formed_tags() {
        let tags = |n: usize| (0..n).map(|i| format!(" Tag{i} ")).collect::<Vec<_>>();
        assert_eq!(parse_tags(&tags(2)).unwrap(), vec!["tag0".to_owned(), "tag1".to_owned()]);
        assert_eq!(parse_tags(&tags(MAX_TAGS)).map(|t| t.len()), Ok(MAX_TAGS));
        assert_eq!(parse_tags(&tags(MAX_TAGS + 1)), Err(TagError::TooMany));
        assert_eq!(parse_tags(&["ok".into(), "  ".into()]), Err(TagError::Malformed));
    }

    #[test]
    fn the_complaint_is_kept_verbatim() {
        let words = "  I waited TWO HOURS!!!\n\n\tAnd nobody called.  ".to_owned();
        assert_eq!(Complaint::parse(words.clone()).unwrap().as_str(), words);
        assert_eq!(Complaint::parse(" \n ".into()), Err(NewCaseError::BodyEmpty));
        let huge = "a".repeat(Complaint::MAX_BYTES + 1);
        assert!(matches!(Complaint::parse(huge), Err(NewCaseError::BodyTooLarge(_))));
    }

    #[test]
    fn references_round_trip() {
        let r = CaseReference(42);
        assert_eq!(r.to_string(), "AM-1042");
        assert_eq!(CaseReference::parse("AM-1042"), Some(r));
        assert_eq!(CaseReference::parse("AM-12"), None);
        assert_eq!("in_person".parse::<Channel>(), Ok(Channel::InPerson));
        assert!("fax".parse::<Channel>().is_err());
        assert!(Severity::Critical > Severity::High);
    }
}
