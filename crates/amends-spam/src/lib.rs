//! # amends-spam
//!
//! The spam score of a message that wants to become a case (an email, a post of the
//! public form): points from its headers (no or a malformed Message-ID, Precedence
//! bulk, a failed SPF/DKIM/DMARC check, many recipients), its links (how many, through
//! a shortener, to a bare IP, anchor text naming another site, a host hidden behind
//! `user@`), known-bad phrases, and the installation's block list of addresses and
//! domains. A message at or over the threshold is held in the spam folder; staff decide.
//!
//! Pure: no I/O, no clock, no panics on any input. The rules are data (`rules/en.toml`,
//! replaceable per installation with [`SpamFilter::from_rules_toml`]); the block list is
//! passed in by the caller, who keeps it in the database.

mod links;
mod rules;

use serde::Serialize;

pub use links::{Link, find_links};
pub use rules::{Rules, RulesError};

/// The built-in English rules, shipped in the binary.
pub const ENGLISH_RULES: &str = include_str!("../rules/en.toml");

/// Facts from a mail's header; the public form has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers {
    /// The Message-ID header as written (with or without angle brackets), if any.
    pub message_id: Option<String>,
    /// The Precedence (or X-Precedence) header, if any.
    pub precedence: Option<String>,
    /// Every Authentication-Results header.
    pub authentication_results: Vec<String>,
    /// Addresses in To and Cc together.
    pub recipients: usize,
}

/// A message to score.
#[derive(Debug, Clone, Copy, Default)]
pub struct Message<'a> {
    /// The sender's address.
    pub sender: &'a str,
    pub subject: &'a str,
    /// The words as a person reads them.
    pub text: &'a str,
    /// The HTML body of a mail, when it had one (for links and their anchor text).
    pub html: Option<&'a str>,
    pub headers: Option<&'a Headers>,
}

/// What the block list holds: one address, or a whole domain (and its subdomains).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    Address,
    Domain,
}

impl BlockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Address => "address",
            BlockKind::Domain => "domain",
        }
    }

    pub fn parse(s: &str) -> Option<BlockKind> {
        s.parse().ok()
    }
}

impl std::str::FromStr for BlockKind {
    type Err = BlockError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "address" => Ok(BlockKind::Address),
            "domain" => Ok(BlockKind::Domain),
            other => Err(BlockError::Kind(other.to_owned())),
        }
    }
}

/// One entry of the block list, its value already normalised by [`normalise_block`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub value: String,
}

/// Why a block-list value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    #[error("a block is an address or a domain, not {0:?}")]
    Kind(String),
    #[error("an address to block looks like name@example.com")]
    Address,
    #[error("a domain to block looks like example.com (no @, no spaces, at least one dot)")]
    Domain,
}

/// The value as stored and compared: lower case, trimmed, a domain without a leading
/// `@` or dot. Refuses what can never match a sender.
pub fn normalise_block(kind: BlockKind, value: &str) -> Result<String, BlockError> {
    let v = value.trim().to_lowercase();
    let plausible_domain =
        |d: &str| d.contains('.') && !d.starts_with('.') && !d.ends_with('.') && d.chars().all(domain_char);
    match kind {
        BlockKind::Address => match v.rsplit_once('@') {
            Some((local, domain))
                if !local.is_empty() && !local.chars().any(char::is_whitespace) && plausible_domain(domain) =>
            {
                Ok(v)
            }
            _ => Err(BlockError::Address),
        },
        BlockKind::Domain => {
            let d = v.trim_start_matches('@').trim_start_matches('.');
            if plausible_domain(d) { Ok(d.to_owned()) } else { Err(BlockError::Domain) }
        }
    }
}

fn domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '.'
}

/// The domain of an address, lower case.
pub fn domain_of(address: &str) -> Option<String> {
    address.trim().rsplit_once('@').map(|(_, d)| d.trim_end_matches('>').to_lowercase()).filter(|d| !d.is_empty())
}

/// The block-list entry that stops `sender`, if any: the address itself, or its
/// domain or a parent domain of it.
pub fn blocked_by<'b>(blocks: &'b [Block], sender: &str) -> Option<&'b Block> {
    let address = sender.trim().to_lowercase();
    let domain = domain_of(&address);
    blocks.iter().find(|b| match b.kind {
        BlockKind::Address => b.value == address,
        BlockKind::Domain => domain.as_deref().is_some_and(|d| d == b.value || d.ends_with(&format!(".{}", b.value))),
    })
}

/// One reason a message scored points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// A stable name: `missing_message_id`, `shortener`, `blocked`, a pattern's code…
    pub code: String,
    pub points: u32,
    /// For a person: what was found.
    pub detail: String,
}

/// A message's score against the threshold, and every reason for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub score: u32,
    pub threshold: u32,
    pub reasons: Vec<Reason>,
}

impl Verdict {
    pub fn is_spam(&self) -> bool {
        self.score >= self.threshold
    }

    /// The reasons in one line, for the timeline and the spam folder.
    pub fn summary(&self) -> String {
        self.reasons.iter().map(|r| format!("{} (+{})", r.detail, r.points)).collect::<Vec<_>>().join("; ")
    }
}

/// The scorer: rules loaded once, then any number of messages.
#[derive(Debug, Clone)]
pub struct SpamFilter {
    rules: Rules,
}

impl SpamFilter {
    /// The built-in English rules.
    pub fn english() -> SpamFilter {
        match Self::from_rules_toml(ENGLISH_RULES) {
            Ok(filter) => filter,
            // The shipped file is tested; should it ever fail, holding nothing is the
            // safe side: every message reaches the inbox as before.
            Err(_) => SpamFilter { rules: Rules::none() },
        }
    }

    /// An installation's own rules.
    pub fn from_rules_toml(text: &str) -> Result<SpamFilter, RulesError> {
        Ok(SpamFilter { rules: Rules::parse(text)? })
    }

    pub fn threshold(&self) -> u32 {
        self.rules.threshold
    }

    pub fn score(&self, message: &Message<'_>, blocks: &[Block]) -> Verdict {
        let mut reasons = Vec::new();
        let mut add = |code: &str, points: u32, detail: String| {
            if points > 0 {
                reasons.push(Reason { code: code.to_owned(), points, detail });
            }
        };
        let r = &self.rules;
        if let Some(block) = blocked_by(blocks, message.sender) {
            // Past the threshold on its own: a blocked sender is always held.
            add("blocked", r.threshold, format!("the sender's {} {} is blocked", block.kind.as_str(), block.value));
        }
        if let Some(h) = message.headers {
            match h.message_id.as_deref().map(str::trim).filter(|id| !id.is_empty()) {
                None => add("missing_message_id", r.headers.missing_message_id, "no Message-ID".into()),
                Some(id) if !plausible_message_id(id) => add(
                    "malformed_message_id",
                    r.headers.malformed_message_id,
                    format!("a malformed Message-ID ({})", clip(id, 60)),
                ),
                Some(_) => {}
            }
            if let Some(p) = h.precedence.as_deref().map(|p| p.trim().to_ascii_lowercase())
                && matches!(p.as_str(), "bulk" | "junk" | "list")
            {
                add("precedence_bulk", r.headers.precedence_bulk, format!("Precedence: {p}"));
            }
            for (check, points) in
                [("spf", r.headers.spf_fail), ("dkim", r.headers.dkim_fail), ("dmarc", r.headers.dmarc_fail)]
            {
                if h.authentication_results.iter().any(|a| check_failed(a, check)) {
                    add(&format!("{check}_fail"), points, format!("{} failed", check.to_uppercase()));
                }
            }
            if r.headers.many_recipients_from > 0 && h.recipients >= r.headers.many_recipients_from {
                add("many_recipients", r.headers.many_recipients, format!("sent to {} recipients", h.recipients));
            }
        }

        let links = find_links(message.text, message.html);
        let counted = links.len().saturating_sub(r.links.free) as u32;
        if counted > 0 {
            add("many_links", (counted * r.links.each).min(r.links.max_count_points), format!("{} links", links.len()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for link in &links {
            let host = link.host.trim_start_matches("www.");
            if r.links.shorteners.iter().any(|s| s == host) && seen.insert(("shortener", host.to_owned())) {
                add("shortener", r.links.shortener, format!("a shortened link ({host})"));
            }
            if link.ip_literal && seen.insert(("ip_host", host.to_owned())) {
                add("ip_host", r.links.ip_host, format!("a link to a bare IP address ({host})"));
            }
            if link.userinfo && seen.insert(("userinfo", host.to_owned())) {
                add("userinfo_host", r.links.userinfo_host, format!("a link that hides its host ({host})"));
            }
            if let Some(shown) = &link.anchor_host
                && shown.trim_start_matches("www.") != host
                && seen.insert(("anchor", host.to_owned()))
            {
                add(
                    "mismatched_anchor",
                    r.links.mismatched_anchor,
                    format!("a link that shows {shown} but goes to {host}"),
                );
            }
        }

        let haystack = normalise(&format!("{}\n{}", message.subject, message.text));
        for pattern in &r.patterns {
            if let Some(phrase) = pattern.phrases.iter().find(|p| haystack.contains(p.as_str())) {
                add(&pattern.code, pattern.points, format!("{} (\u{201c}{phrase}\u{201d})", pattern.why));
            }
        }

        let score = reasons.iter().map(|r| r.points).sum();
        Verdict { score, threshold: r.threshold, reasons }
    }
}

/// `local@host.domain`, optionally in angle brackets; the host is not a bare IP.
fn plausible_message_id(id: &str) -> bool {
    let id = id.trim_start_matches('<').trim_end_matches('>');
    match id.rsplit_once('@') {
        Some((local, host)) => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            !local.is_empty()
                && host.contains('.')
                && !host.chars().all(|c| c.is_ascii_digit() || c == '.')
                && !id.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

/// Whether an Authentication-Results value says `check=fail` (softfail counts for SPF).
fn check_failed(results: &str, check: &str) -> bool {
    let lower = results.to_ascii_lowercase();
    lower
        .split(|c: char| c == ';' || c.is_whitespace())
        .filter_map(|token| token.split_once('='))
        .any(|(name, result)| name == check && (result == "fail" || (check == "spf" && result == "softfail")))
}

/// Lower case, whitespace collapsed, curly apostrophes straight.
fn normalise(text: &str) -> String {
    text.to_lowercase().replace('\u{2019}', "'").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn clip(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter() -> SpamFilter {
        SpamFilter::from_rules_toml(ENGLISH_RULES).unwrap()
    }

    fn good_headers() -> Headers {
        Headers {
            message_id: Some("<abc.123@mail.example.com>".into()),
            precedence: None,
            authentication_results: vec!["mx.example.net; spf=pass smtp.mailfrom=example.com; dkim=pass".into()],
            recipients: 1,
        }
    }

    fn codes(v: &Verdict) -> Vec<&str> {
        v.reasons.iter().map(|r| r.code.as_str()).collect()
    }

    #[test]
    fn a_real_complaint_scores_nothing() {
        let h = good_headers();
        let text = "My order 4411 arrived broken and nobody answered the phone. See the photo at \
                    https://photos.example.com/p/123 and my order at https://shop.example.com/orders/4411.";
        let v = filter().score(
            &Message { sender: "ana@example.com", subject: "Broken lamp", text, html: None, headers: Some(&h) },
            &[],
        );
        assert_eq!(v.score, 0, "{v:?}");
        assert!(!v.is_spam());
    }

    #[test]
    fn header_signals_add_up() {
        let h = Headers {
            message_id: None,
            precedence: Some("bulk".into()),
            authentication_results: vec![
                "mx.example.net; spf=softfail smtp.mailfrom=x; dkim=fail header.d=x; dmarc=fail".into(),
            ],
            recipients: 40,
        };
        let v = filter()
            .score(&Message { sender: "a@b.example", text: "Hello", headers: Some(&h), ..Default::default() }, &[]);
        assert_eq!(
            codes(&v),
            ["missing_message_id", "precedence_bulk", "spf_fail", "dkim_fail", "dmarc_fail", "many_recipients"]
        );
        assert_eq!(v.score, 3 + 4 + 3 + 3 + 4 + 3);
        assert!(v.is_spam());
    }

    #[test]
    fn malformed_message_ids() {
        for id in ["<nothing>", "<a@localhost>", "<a@[203.0.113.9]>", "a@203.0.113.9", "<a b@example.com>"] {
            assert!(!plausible_message_id(id), "{id}");
        }
        for id in ["<a@example.com>", "x.y@mail.example.org"] {
            assert!(plausible_message_id(id), "{id}");
        }
        let h = Headers { message_id: Some("<12345>".into()), ..good_headers() };
        let v = filter().score(&Message { sender: "a@b.example", headers: Some(&h), ..Default::default() }, &[]);
        assert_eq!(codes(&v), ["malformed_message_id"]);
    }

    #[test]
    fn a_passing_check_is_not_a_failure() {
        assert!(!check_failed("mx; spf=pass; dkim=pass (good signature)", "spf"));
        assert!(!check_failed("mx; dkim=pass; x-dkim=fail", "dkim"));
        assert!(check_failed("mx;spf=fail smtp.mailfrom=a", "spf"));
        assert!(!check_failed("mx; dkim=softfail", "dkim"));
    }

    #[test]
    fn link_signals() {
        let text = "Go to https://bit.ly/abc and http://203.0.113.9/login and \
                    http://bank.example.com@evil.example/x and https://a.example/1 https://a.example/2";
        let v = filter().score(&Message { sender: "a@b.example", text, ..Default::default() }, &[]);
        assert_eq!(codes(&v), ["many_links", "shortener", "ip_host", "userinfo_host"]);
        assert_eq!(v.reasons[0].points, 2, "five links, three free");
        assert!(v.is_spam());
    }

    #[test]
    fn the_link_count_is_capped() {
        let text: String = (0..50).map(|i| format!("https://x{i}.example/ ")).collect();
        let v = filter().score(&Message { sender: "a@b.example", text: &text, ..Default::default() }, &[]);
        assert_eq!(v.score, 6);
    }

    #[test]
    fn anchor_text_naming_another_site() {
        let html = r#"<p>Log in at <a href="https://evil.example/login">https://www.mybank.example</a>,
                      or see <a href="https://shop.example/o/1">your order</a>
                      and <a href='https://www.shop.example/'>shop.example</a></p>"#;
        let v = filter()
            .score(&Message { sender: "a@b.example", text: "Log in", html: Some(html), ..Default::default() }, &[]);
        assert_eq!(codes(&v), ["mismatched_anchor"]);
        assert!(v.reasons[0].detail.contains("mybank.example"), "{:?}", v.reasons);
    }

    #[test]
    fn known_bad_phrases_count_once_each() {
        let text =
            "Dear   Friend, you have WON. You have won! Claim your prize: Bitcoin investment with guaranteed returns.";
        let v = filter().score(&Message { sender: "a@b.example", text, ..Default::default() }, &[]);
        assert_eq!(codes(&v), ["money_offer", "crypto", "marketing"]);
        assert_eq!(v.score, 6 + 5 + 3);
        assert!(v.is_spam());
    }

    #[test]
    fn blocked_address_and_domain() {
        let blocks = vec![
            Block { kind: BlockKind::Address, value: "pest@example.com".into() },
            Block { kind: BlockKind::Domain, value: "spam.example".into() },
        ];
        assert!(blocked_by(&blocks, "Pest@Example.com").is_some());
        assert!(blocked_by(&blocks, "other@example.com").is_none());
        assert!(blocked_by(&blocks, "x@spam.example").is_some());
        assert!(blocked_by(&blocks, "x@mail.spam.example").is_some());
        assert!(blocked_by(&blocks, "x@notspam.example").is_none());
        let v = filter().score(&Message { sender: "x@mail.spam.example", text: "hi", ..Default::default() }, &blocks);
        assert!(v.is_spam());
        assert_eq!(codes(&v), ["blocked"]);
    }

    #[test]
    fn block_values_are_normalised_or_refused() {
        assert_eq!(normalise_block(BlockKind::Domain, " @Spam.Example ").unwrap(), "spam.example");
        assert_eq!(normalise_block(BlockKind::Address, "A@B.Example").unwrap(), "a@b.example");
        assert!(normalise_block(BlockKind::Domain, "localhost").is_err());
        assert!(normalise_block(BlockKind::Domain, "a b.example").is_err());
        assert!(normalise_block(BlockKind::Address, "nobody").is_err());
        assert!(normalise_block(BlockKind::Address, "@b.example").is_err());
    }

    #[test]
    fn an_installation_can_replace_the_rules() {
        let f = SpamFilter::from_rules_toml(
            r#"threshold = 2
               [[pattern]]
               code = "lorem"
               points = 2
               why = "placeholder text"
               phrases = ["Lorem Ipsum"]"#,
        )
        .unwrap();
        let v = f.score(&Message { sender: "a@b.example", text: "lorem  ipsum dolor", ..Default::default() }, &[]);
        assert!(v.is_spam());
        assert!(SpamFilter::from_rules_toml("threshold = 0").is_err());
        assert!(SpamFilter::from_rules_toml("threshold = \"ten\"").is_err());
    }

    #[test]
    fn odd_input_never_panics() {
        let f = filter();
        for text in ["", "http://", "https://[", "www.", "http://@/", "<a href=", "<a href=\"x\">", "ħttp://ü.example"]
        {
            let h = Headers { message_id: Some(text.into()), ..Headers::default() };
            f.score(&Message { sender: text, subject: text, text, html: Some(text), headers: Some(&h) }, &[]);
        }
    }
}

#[cfg(test)]
mod size {
    use super::*;

    /// The largest complaint (1 MiB of words, with links and HTML) is scored in
    /// well under a second even unoptimised: no quadratic step.
    #[test]
    fn the_largest_complaint_is_scored_quickly() {
        let filter = SpamFilter::english();
        let chunk = "My order came late and nobody answered, see https://shop.example/o/1 for it. ";
        let text: String = chunk.repeat(1024 * 1024 / chunk.len());
        let html: String = r#"<p>see <a href="https://a.example/x">a.example</a></p>"#.repeat(10_000);
        let h = Headers { message_id: Some("<a@b.example>".into()), recipients: 1, ..Headers::default() };
        let started = std::time::Instant::now();
        let v = filter.score(
            &Message { sender: "a@b.example", subject: "", text: &text, html: Some(&html), headers: Some(&h) },
            &[],
        );
        let took = started.elapsed();
        println!("1 MiB text + {} KiB HTML scored in {took:?}: {}", html.len() / 1024, v.score);
        assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    }
}
