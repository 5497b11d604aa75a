//! Text from an HTML-only message: what a person reading the mail would see. html2text
//! parses it as a browser does (html5ever), so broken mail HTML never fails: block
//! elements on their own lines, table cells side by side, list items marked (`* `),
//! headings marked (`## `), entities decoded, styles, scripts and the head left out, a
//! link's text in brackets.

/// html2text lays text out in a width; this one is wider than any line a customer
/// writes, so nothing is wrapped.
const WIDTH: usize = 100_000;

pub(crate) fn html_to_text(html: &str) -> String {
    let text = html2text::config::plain_no_decorate()
        .no_table_borders()
        .no_link_wrapping()
        .allow_width_overflow()
        .string_from_read(html.as_bytes(), WIDTH)
        // html2text refuses what it cannot lay out (none of the corpus); mail-parser's
        // simpler converter still gives the words.
        .unwrap_or_else(|_| mail_parser::decoders::html::html_to_text(html));
    // Table cells are padded to their column's width: the padding at a line's end is no word.
    let mut lines: String = text.lines().map(|line| line.trim_end().to_owned() + "\n").collect();
    if text.is_empty() {
        lines.clear();
    }
    lines
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
            "## New message\n\nName:  Chloé\nOrder: #1\n\nLine one\nline two\n* first\n* second\n\n\
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
        let deep = "<div>".repeat(5000) + "deep";
        assert_eq!(html_to_text(&deep), "deep\n");
    }
}
