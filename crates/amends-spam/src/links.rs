//! Links in a message: in its text (`http://`, `https://`, `www.`) and in its HTML
//! (`<a href>`, with the text the reader sees).

/// One link, by its host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Lower case, without port, userinfo or brackets.
    pub host: String,
    /// The host is an IP address (v4, v6 in brackets, or a bare number).
    pub ip_literal: bool,
    /// There was `something@` before the host.
    pub userinfo: bool,
    /// The host the anchor text names, when an HTML anchor's text reads like an address.
    pub anchor_host: Option<String>,
}

/// Every link in the text and the HTML, each address once.
pub fn find_links(text: &str, html: Option<&str>) -> Vec<Link> {
    let mut seen = std::collections::BTreeSet::new();
    let mut links = Vec::new();
    if let Some(html) = html {
        for (href, anchor) in anchors(html) {
            if let Some(mut link) = parse_url(&href) {
                link.anchor_host = anchor.as_deref().and_then(named_host);
                if seen.insert(href.to_lowercase()) {
                    links.push(link);
                }
            }
        }
    }
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '(' | ')' | '[' | ']')) {
        let word = word.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
        let lower = word.to_lowercase();
        if (lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www."))
            && let Some(link) = parse_url(word)
            && seen.insert(lower)
        {
            links.push(link);
        }
    }
    links
}

/// The host of a URL, or None when it has none.
fn parse_url(url: &str) -> Option<Link> {
    let lower = url.trim().to_lowercase();
    let rest = lower
        .strip_prefix("http://")
        .or_else(|| lower.strip_prefix("https://"))
        .or_else(|| lower.starts_with("www.").then_some(lower.as_str()))?;
    let authority = rest.split(['/', '?', '#', '\\']).next().unwrap_or("");
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((_, host)) => (true, host),
        None => (false, authority),
    };
    let (host, ip_v6) = if let Some(inner) = host_port.strip_prefix('[') {
        (inner.split(']').next().unwrap_or("").to_owned(), true)
    } else {
        (host_port.split(':').next().unwrap_or("").to_owned(), false)
    };
    let host = host.trim_end_matches('.').to_owned();
    if host.is_empty() {
        return None;
    }
    let ip_literal = ip_v6 || host.chars().all(|c| c.is_ascii_digit() || c == '.');
    Some(Link { host, ip_literal, userinfo, anchor_host: None })
}

/// The host an anchor's visible text names, if it reads like an address
/// ("https://www.bank.example", "bank.example/login"); None for ordinary words.
fn named_host(anchor: &str) -> Option<String> {
    let t = anchor.trim();
    if t.is_empty() || t.chars().any(char::is_whitespace) {
        return None;
    }
    let lower = t.to_lowercase();
    let with_scheme = if lower.starts_with("http://") || lower.starts_with("https://") {
        lower
    } else {
        let host = lower.split('/').next().unwrap_or("");
        // A dotted word with a letter-only last label: "shop.example", not "v1.2".
        let tld = host.rsplit('.').next().unwrap_or("");
        if !host.contains('.') || tld.len() < 2 || !tld.chars().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        format!("http://{lower}")
    };
    parse_url(&with_scheme).map(|l| l.host)
}

/// `(href, visible text)` of every `<a href=...>...</a>`, tags stripped from the text.
fn anchors(html: &str) -> Vec<(String, Option<String>)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = lower.get(at..).and_then(|s| s.find("<a")).map(|i| i + at) {
        let Some(tag_end) = lower.get(start..).and_then(|s| s.find('>')).map(|i| i + start) else { break };
        at = tag_end + 1;
        let tag = html.get(start..tag_end).unwrap_or("");
        let Some(href) = attribute(tag, "href") else { continue };
        let close = lower.get(at..).and_then(|s| s.find("</a")).map(|i| i + at);
        let text = close.and_then(|c| html.get(at..c)).map(strip_tags);
        out.push((decode_entities(&href), text.map(|t| decode_entities(&t))));
    }
    out
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find(name)).map(|i| i + from) {
        from = i + name.len();
        let before_ok = lower[..i].ends_with(|c: char| c.is_whitespace());
        let rest = tag.get(from..)?.trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = rest[1..].trim_start();
        return Some(match value.chars().next()? {
            q @ ('"' | '\'') => value[1..].split(q).next().unwrap_or("").to_owned(),
            _ => value.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or("").to_owned(),
        });
    }
    None
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn decode_entities(s: &str) -> String {
    s.replace("&amp;", "&").replace("&#47;", "/").replace("&#x2f;", "/").replace("&nbsp;", " ")
}
