//! What the desk says, in each of its languages.
//!
//! Every sentence a page, mail, letter or status page shows is a Project Fluent message
//! in `locales/<tag>/*.ftl`, embedded at build time by `fluent-templates`. A language is
//! a folder of files and a variant of [`Language`]; a message missing from a language
//! falls back to English (and is logged), so a half-translated language still reads.
//!
//! `AMENDS_PSEUDO_LOCALE=1` shows every message in an accented, bracketed pseudo-English
//! ("[Ïñƀöx]"): a page walked in that mode shows at a glance, and to a test, any text
//! that did not come through here.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

pub use amends_domain::Language;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid, static_loader};

pub mod format;
#[cfg(feature = "templates")]
pub mod templates;

static_loader! {
    static MESSAGES = {
        locales: "./locales",
        fallback_language: "en",
        // Fluent wraps each placeable in Unicode isolation marks by default; in a mail's
        // plain text or a PDF they show as stray characters or break copy and paste.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static ENGLISH: LanguageIdentifier = langid!("en");
static GERMAN: LanguageIdentifier = langid!("de");

fn identifier(language: Language) -> &'static LanguageIdentifier {
    match language {
        Language::English => &ENGLISH,
        Language::German => &GERMAN,
    }
}

/// A value for a message's `{ $name }`.
pub type Arg<'a> = FluentValue<'a>;

/// The message `id` in `language`, without arguments.
pub fn text(language: Language, id: &str) -> String {
    text_with(language, id, &[])
}

/// The message `id` in `language` with its arguments, e.g.
/// `text_with(German, "case-count", &[("count", 3.into())])`. Missing in that language:
/// the English one; missing everywhere: the id itself, so the gap is visible, not blank.
pub fn text_with(language: Language, id: &str, args: &[(&str, Arg<'_>)]) -> String {
    let args: Option<HashMap<Cow<'static, str>, FluentValue<'_>>> = (!args.is_empty())
        .then(|| args.iter().map(|(name, value)| (Cow::Owned((*name).to_owned()), value.clone())).collect());
    let found = MESSAGES.try_lookup_complete(identifier(language), id, args.as_ref());
    let message = found.unwrap_or_else(|| {
        tracing::warn!(message = id, language = language.tag(), "message missing");
        MESSAGES.try_lookup_complete(&ENGLISH, id, args.as_ref()).unwrap_or_else(|| id.to_owned())
    });
    if pseudo() { pseudo_english(&message) } else { message }
}

/// The message `id` in `language` as template source: each of its arguments named in
/// `variables` is written as the template's `{{ name }}`. A mail template is a skeleton
/// of `t("…")` messages; expanded this way it becomes plain source in one language,
/// which a manager reads and edits like any other (and the pseudo-locale leaves the
/// `{{ name }}` alone).
pub fn template_text(language: Language, id: &str, variables: &[&str]) -> String {
    // Private-use characters stand in for the variables while Fluent formats the text.
    let marker = |i: usize| format!("\u{E000}{i}\u{E001}");
    let owned: Vec<(Cow<'static, str>, FluentValue<'_>)> = variables
        .iter()
        .enumerate()
        .map(|(i, v)| (Cow::Owned((*v).to_owned()), FluentValue::from(marker(i))))
        .collect();
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = owned.into_iter().collect();
    let found = MESSAGES
        .try_lookup_complete(identifier(language), id, Some(&args))
        .or_else(|| MESSAGES.try_lookup_complete(&ENGLISH, id, Some(&args)));
    let Some(message) = found else {
        tracing::warn!(message = id, language = language.tag(), "message missing");
        return id.to_owned();
    };
    let mut message = if pseudo() { pseudo_english(&message) } else { message };
    for (i, v) in variables.iter().enumerate() {
        message = message.replace(&marker(i), &format!("{{{{ {v} }}}}"));
    }
    message
}

/// Whether a message exists in `language` itself (not through the English fallback).
pub fn has(language: Language, id: &str) -> bool {
    MESSAGES.try_lookup(identifier(language), id).is_some()
}

/// True when `AMENDS_PSEUDO_LOCALE` is set: every message is shown in pseudo-English.
pub fn pseudo() -> bool {
    static PSEUDO: OnceLock<bool> = OnceLock::new();
    *PSEUDO.get_or_init(|| std::env::var_os("AMENDS_PSEUDO_LOCALE").is_some_and(|v| !v.is_empty() && v != "0"))
}

/// The pseudo-locale's form of a message: each ASCII letter accented, the whole in
/// brackets, so it stays readable but never passes for text that skipped Fluent.
pub fn pseudo_english(message: &str) -> String {
    let accented: String = message
        .chars()
        .map(|c| match c {
            'a' => 'á',
            'e' => 'é',
            'i' => 'ï',
            'o' => 'ö',
            'u' => 'ü',
            'A' => 'Å',
            'E' => 'É',
            'I' => 'Ï',
            'O' => 'Ö',
            'U' => 'Ü',
            'n' => 'ñ',
            'c' => 'ç',
            other => other,
        })
        .collect();
    format!("[{accented}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_in_each_language() {
        assert_eq!(text(Language::English, "language-name"), "English");
        assert_eq!(text(Language::German, "language-name"), "Deutsch");
    }

    #[test]
    fn arguments_are_placed_without_isolation_marks() {
        let english = text_with(Language::English, "nav-signed-in-as", &[("name", "Gina Rossi".into())]);
        assert_eq!(english, "Signed in as Gina Rossi");
        let german = text_with(Language::German, "nav-signed-in-as", &[("name", "Gina Rossi".into())]);
        assert_eq!(german, "Angemeldet als Gina Rossi");
    }

    #[test]
    fn an_unknown_message_shows_its_id() {
        assert_eq!(text(Language::German, "no-such-message"), "no-such-message");
    }

    /// Every message of every language has the same ids as English, and every English
    /// one has a German one: a missing translation fails here, not in front of a customer.
    #[test]
    fn every_language_has_every_message() {
        let english = ids("en");
        assert!(!english.is_empty());
        for language in Language::ALL {
            let theirs = ids(language.tag());
            let missing: Vec<&String> = english.iter().filter(|id| !theirs.contains(*id)).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", language.tag());
            let extra: Vec<&String> = theirs.iter().filter(|id| !english.contains(*id)).collect();
            assert!(extra.is_empty(), "{} has messages English lacks: {extra:?}", language.tag());
        }
    }

    /// The message ids defined in a language's folder (top-level `id =` lines).
    fn ids(tag: &str) -> Vec<String> {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales").join(tag);
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
            let source = std::fs::read_to_string(entry.path()).unwrap_or_default();
            for line in source.lines() {
                let starts_message = line.chars().next().is_some_and(|c| c.is_ascii_alphabetic());
                if let (true, Some((id, _))) = (starts_message, line.split_once('=')) {
                    ids.push(id.trim().to_owned());
                }
            }
        }
        ids.sort();
        ids
    }

    #[test]
    fn pseudo_english_is_marked_and_readable() {
        assert_eq!(pseudo_english("Inbox"), "[Ïñböx]");
    }
}
