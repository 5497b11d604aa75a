//! Text from an HTML-only message: what a person reading the mail would see,
//! with block elements on their own lines, table cells apart, list items
//! marked, entities decoded, and styles, scripts and the head left out.
//!
//! Not an HTML parser: a forgiving scan that never fails and never panics,
//! because mail HTML is often broken. Links keep their text only.

/// Elements whose contents are never shown.
const HIDDEN: &[&str] = &["head", "style", "script", "title", "template", "noscript", "xml"];
/// Elements that stand apart as a paragraph (a blank line before and after).
const PARAGRAPHS: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "pre", "dl"];
/// Elements that start on a line of their own.
const LINES: &[&str] = &[
    "div",
    "tr",
    "li",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "address",
    "form",
    "fieldset",
    "dt",
    "dd",
    "center",
    "main",
    "nav",
    "figure",
    "figcaption",
    "caption",
    "tbody",
    "thead",
    "tfoot",
];

pub(crate) fn html_to_text(html: &str) -> String {
    let mut out = Text::default();
    let mut rest = html;
    let mut pre_depth = 0usize;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                if let Some(after) = rest.strip_prefix("<!--") {
                    rest = after.find("-->").map_or("", |end| after.get(end + 3..).unwrap_or(""));
                    continue;
                }
                let Some(tag) = Tag::read(rest) else {
                    // A lone '<' in text ("a < b") is text.
                    out.push_char('<', pre_depth > 0);
                    rest = rest.get(1..).unwrap_or("");
                    continue;
                };
                rest = rest.get(tag.len..).unwrap_or("");
                let name = tag.name.as_str();
                if !tag.closing && !tag.self_closing && HIDDEN.contains(&name) {
                    rest = skip_past_closing(rest, name);
                    continue;
                }
                match name {
                    "br" => out.line_break(),
                    "li" if !tag.closing => {
                        out.ensure_newlines(1);
                        out.push_str("- ");
                    }
                    "td" | "th" if !tag.closing => out.separate(),
                    "pre" => {
                        pre_depth = if tag.closing { pre_depth.saturating_sub(1) } else { pre_depth + 1 };
                        out.ensure_newlines(2);
                    }
                    _ if PARAGRAPHS.contains(&name) => out.ensure_newlines(2),
                    _ if LINES.contains(&name) => out.ensure_newlines(1),
                    _ => {}
                }
            }
            '&' => {
                let (decoded, used) = entity(rest);
                out.push_str_raw(&decoded);
                rest = rest.get(used..).unwrap_or("");
            }
            _ => {
                out.push_char(c, pre_depth > 0);
                rest = rest.get(c.len_utf8()..).unwrap_or("");
            }
        }
    }
    out.finish()
}

/// The text being built, with whitespace collapsed the way a browser shows it.
#[derive(Default)]
struct Text {
    out: String,
    pending_space: bool,
}

impl Text {
    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn push_char(&mut self, c: char, preformatted: bool) {
        if preformatted {
            self.flush_space();
            self.out.push(c);
        } else if c.is_whitespace() && c != '\u{a0}' {
            self.pending_space = !self.at_line_start();
        } else {
            self.flush_space();
            self.out.push(c);
        }
    }

    /// Decoded entities are text as written: `&nbsp;` is a space, never collapsed away.
    fn push_str_raw(&mut self, s: &str) {
        self.flush_space();
        self.out.push_str(s);
    }

    fn push_str(&mut self, s: &str) {
        self.flush_space();
        self.out.push_str(s);
    }

    fn flush_space(&mut self) {
        if self.pending_space && !self.at_line_start() {
            self.out.push(' ');
        }
        self.pending_space = false;
    }

    fn trim_line_end(&mut self) {
        let kept = self.out.trim_end_matches([' ', '\t']).len();
        self.out.truncate(kept);
        self.pending_space = false;
    }

    fn line_break(&mut self) {
        self.trim_line_end();
        self.out.push('\n');
    }

    fn ensure_newlines(&mut self, n: usize) {
        self.trim_line_end();
        if self.out.is_empty() {
            return;
        }
        let have = self.out.len() - self.out.trim_end_matches('\n').len();
        for _ in have..n {
            self.out.push('\n');
        }
    }

    /// Table cells side by side: a tab between them, none at a line's start.
    fn separate(&mut self) {
        if !self.at_line_start() {
            self.trim_line_end();
            self.out.push('\t');
        }
    }

    fn finish(mut self) -> String {
        self.trim_line_end();
        let text = self.out.trim_matches('\n');
        if text.is_empty() { String::new() } else { format!("{text}\n") }
    }
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Bytes from `<` to `>` inclusive.
    len: usize,
}

impl Tag {
    /// Reads `<name ...>` or `</name>` (quotes in attributes respected), or
    /// `<!...>`/`<?...>` as a nameless tag. `None` when this `<` starts no tag.
    fn read(s: &str) -> Option<Tag> {
        let body = s.strip_prefix('<')?;
        let (closing, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let first = body.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '!' || first == '?') {
            return None;
        }
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect::<String>()
            .to_ascii_lowercase();
        let mut quote = None;
        let mut end = None;
        for (i, c) in s.char_indices().skip(1) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '>') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        // An unterminated tag swallows the rest, as browsers do.
        let end = end.unwrap_or(s.len().saturating_sub(1));
        let inner = s.get(..end).unwrap_or("");
        Some(Tag {
            // `o:p` and friends from Word are no elements we know: just a name.
            name,
            closing,
            self_closing: inner.ends_with('/'),
            len: end + 1,
        })
    }
}

/// After the opening tag of a hidden element: skip to just past `</name>`.
/// Looks no further than that closing tag, so many hidden elements stay linear.
fn skip_past_closing<'a>(s: &'a str, name: &str) -> &'a str {
    for (start, _) in s.match_indices("</") {
        let candidate = s.get(start + 2..start + 2 + name.len());
        if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name)) {
            let after = s.get(start..).unwrap_or("");
            return match after.find('>') {
                Some(end) => after.get(end + 1..).unwrap_or(""),
                None => "",
            };
        }
    }
    ""
}

/// Decodes the entity at the start of `s` (which starts with `&`): the text and
/// how many bytes it used. Anything unknown stays as written.
fn entity(s: &str) -> (String, usize) {
    let candidate: String = s.chars().skip(1).take_while(|c| c.is_ascii_alphanumeric() || *c == '#').take(32).collect();
    let terminated = s.get(1 + candidate.len()..).is_some_and(|r| r.starts_with(';'));
    let used = 1 + candidate.len() + usize::from(terminated);
    let decoded = if let Some(number) = candidate.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        code.map(|c| match c {
            0xa0 => ' ',
            _ => char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER),
        })
        .map(String::from)
    } else if terminated || matches!(candidate.as_str(), "amp" | "lt" | "gt" | "quot" | "nbsp") {
        named_entity(&candidate)
    } else {
        None
    };
    match decoded {
        Some(text) => (text, used),
        None => ("&".to_owned(), 1),
    }
}

/// Latin-1 entities in code point order, from U+00A0 (`nbsp`) to U+00FF (`yuml`).
const LATIN1: [&str; 96] = [
    "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf", "laquo", "not", "shy",
    "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro", "para", "middot", "cedil", "sup1", "ordm",
    "raquo", "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig",
    "Ccedil", "Egrave", "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
    "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc", "Uuml", "Yacute", "THORN",
    "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring", "aelig", "ccedil", "egrave", "eacute", "ecirc",
    "euml", "igrave", "iacute", "icirc", "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml",
    "divide", "oslash", "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
];

fn named_entity(name: &str) -> Option<String> {
    if name == "nbsp" {
        return Some(" ".to_owned());
    }
    if let Some(i) = LATIN1.iter().position(|n| *n == name) {
        return char::from_u32(0xa0 + i as u32).map(String::from);
    }
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "euro" => '€',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "lsaquo" => '‹',
        "rsaquo" => '›',
        "hellip" => '…',
        "bull" => '•',
        "middot" => '·',
        "trade" => '™',
        "dagger" => '†',
        "Dagger" => '‡',
        "permil" => '‰',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "Scaron" => 'Š',
        "scaron" => 'š',
        "Yuml" => 'Ÿ',
        "fnof" => 'ƒ',
        "circ" => 'ˆ',
        "tilde" => '˜',
        "ensp" | "emsp" | "thinsp" => ' ',
        // Invisible formatting marks: nothing a reader sees.
        "zwnj" | "zwj" | "lrm" | "rlm" => return Some(String::new()),
        _ => return None,
    };
    Some(c.to_string())
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn blocks_cells_and_lists_stay_apart() {
        let html = "<html><head><title>x</title><style>p{color:red}</style></head><body>\
            <h2>New message</h2><table><tr><td>Name:</td><td>Chlo&eacute;</td></tr>\
            <tr><td>Order:</td><td>#1</td></tr></table><p>Line one<br>line   two</p>\
            <ul><li>first</li><li>second</li></ul><!-- a comment --><script>alert(1)</script>\
            <p>5 &lt; 6 &amp;&amp; &#x1F621; &quot;q&quot; &unknown; a < b</p></body></html>";
        assert_eq!(
            html_to_text(html),
            "New message\n\nName:\tChloé\nOrder:\t#1\n\nLine one\nline two\n\n- first\n- second\n\n\
             5 < 6 && 😡 \"q\" &unknown; a < b\n"
        );
    }

    #[test]
    fn outlook_word_html() {
        let html = "<div class=WordSection1><p class=MsoNormal>Hi Sam,<o:p></o:p></p>\
            <p class=MsoNormal>I&#8217;m afraid<o:p>&nbsp;</o:p></p></div>";
        assert_eq!(html_to_text(html), "Hi Sam,\n\nI’m afraid\n");
    }

    #[test]
    fn broken_html_never_fails() {
        for html in [
            "<",
            "<p",
            "<p class=\"x>",
            "&",
            "&#",
            "&#xZZ;",
            "<style>",
            "<!--",
            "</",
            "<a href='>'>x</a>",
            "&#99999999;",
        ] {
            let _ = html_to_text(html);
        }
        assert_eq!(html_to_text("<pre>a\n  b</pre>"), "a\n  b\n");
        assert_eq!(html_to_text(""), "");
    }
}
