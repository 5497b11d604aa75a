//! A customer's reply told apart from what it carries along: the quoted history their
//! mail client added below (or above) their words, and their signature. The whole text
//! is always kept as received; this only says which part is their new words, so a page
//! can show those first and fold the rest away.
//!
//! Line-based, after the shapes the common clients write: Gmail and Apple Mail ("On …,
//! X <x@y> wrote:", wrapped over two lines too), Thunderbird ("On … wrote:", "--------
//! Original Message --------"), Outlook ("-----Original Message-----", or a "From: …"
//! line followed by "Sent:"/"Date:"), the same in German ("Am … schrieb …:", "Von: …
//! Gesendet: …", "-----Ursprüngliche Nachricht-----"), "> " quoting, the "-- "
//! signature line and the phone's "Sent from my iPhone".

/// A reply, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Their new words, trimmed; the whole text when nothing was told apart.
    pub new_words: String,
    /// Whether anything (quoted history, a signature) was folded away.
    pub folded: bool,
}

/// Splits `text` into the customer's new words and the rest. See the module's comment.
pub fn split_reply(text: &str) -> Reply {
    let lines: Vec<&str> = text.lines().collect();
    let cut = (0..lines.len()).find(|&i| starts_history(&lines, i));
    let Some(cut) = cut else {
        return whole(text);
    };
    let above = lines[..cut].join("\n").trim().to_owned();
    if !above.is_empty() {
        return Reply { new_words: above, folded: true };
    }
    // Written below the quote (bottom posting or inline answers): their words are the
    // lines that are not quoted, up to a signature.
    let mut below = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(cut) {
        if is_quoted(line) || is_quote_header(&lines, i) {
            continue;
        }
        if is_signature(line) {
            break;
        }
        below.push(*line);
    }
    let below = below.join("\n").trim().to_owned();
    if below.is_empty() { whole(text) } else { Reply { new_words: below, folded: true } }
}

fn whole(text: &str) -> Reply {
    Reply { new_words: text.trim().to_owned(), folded: false }
}

/// Whether line `i` begins the quoted history or the signature.
fn starts_history(lines: &[&str], i: usize) -> bool {
    is_quoted(lines[i]) || is_quote_header(lines, i) || is_signature(lines[i])
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

fn is_signature(line: &str) -> bool {
    let trimmed = line.trim_end();
    if trimmed == "--" || trimmed == "-- " || line == "-- " {
        return true;
    }
    let lower = trimmed.trim_start().to_lowercase();
    [
        "sent from my ",
        "sent from outlook",
        "get outlook for ",
        "sent from mail for ",
        "von meinem iphone",
        "von meinem ipad",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The line (with the next, when a client wrapped it) that introduces quoted history.
fn is_quote_header(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    let compact: String = lower.chars().filter(|c| *c != ' ').collect();
    if compact.starts_with("-----originalmessage")
        || compact.starts_with("-----ursprünglichenachricht")
        || compact.starts_with("--------originalmessage")
        || compact.starts_with("--------forwardedmessage")
        || lower.starts_with("begin forwarded message:")
    {
        return true;
    }
    let next = lines.get(i + 1).map(|l| l.trim().to_lowercase()).unwrap_or_default();
    let joined = format!("{lower} {next}");
    // Gmail, Apple Mail, Thunderbird: "On <date>, <name> <addr> wrote:", maybe wrapped.
    if lower.starts_with("on ") && (lower.ends_with("wrote:") || (!next.is_empty() && next.ends_with("wrote:"))) {
        return true;
    }
    // German clients: "Am <date> schrieb <name> <addr>:".
    if lower.starts_with("am ") && joined.contains(" schrieb") && (lower.ends_with(':') || next.ends_with(':')) {
        return true;
    }
    // Outlook's header block: "From: …" then "Sent: …" or "Date: …" (German: "Von:"
    // then "Gesendet:"), possibly under a line of underscores.
    if lower.starts_with("from:") || lower.starts_with("von:") {
        return lines.iter().skip(i + 1).take(3).map(|l| l.trim().to_lowercase()).any(|l| {
            l.starts_with("sent:") || l.starts_with("date:") || l.starts_with("gesendet:") || l.starts_with("datum:")
        });
    }
    if line.len() >= 20 && line.chars().all(|c| c == '_') {
        return lines.get(i + 1).is_some_and(|l| {
            let l = l.trim().to_lowercase();
            l.starts_with("from:") || l.starts_with("von:")
        });
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_words(text: &str) -> String {
        let reply = split_reply(text);
        assert!(reply.folded, "something is folded away in {text:?}");
        reply.new_words
    }

    #[test]
    fn gmail() {
        let text = "The replacement cake was dry as well.\nCan you call me?\n\nOn Mon, 5 Dec 2026 at 10:00, Corner Bakery <desk@bakery.example> wrote:\n> I am sorry your cake came late.\n> Hannah, we will put it right.\n";
        assert_eq!(new_words(text), "The replacement cake was dry as well.\nCan you call me?");
    }

    #[test]
    fn gmail_with_the_header_wrapped_over_two_lines() {
        let text = "Thank you, that works.\n\nOn Mon, 5 Dec 2026 at 10:00, Corner Bakery Customer Care <desk@bakery.example>\nwrote:\n> Which day suits you?";
        assert_eq!(new_words(text), "Thank you, that works.");
    }

    #[test]
    fn outlook() {
        let text = "Tuesday morning is fine.\r\n\r\nHannah\r\n\r\n-----Original Message-----\r\nFrom: Corner Bakery <desk@bakery.example>\r\nSent: Monday, December 5, 2026 10:00 AM\r\nTo: Hannah Berg <hannah@example.com>\r\nSubject: RE: Your cake [AM-1001]\r\n\r\nWhich day suits you?";
        assert_eq!(new_words(text), "Tuesday morning is fine.\n\nHannah");
    }

    #[test]
    fn outlook_without_the_original_message_line() {
        let text = "Still nothing has arrived.\n\n________________________________\nFrom: Corner Bakery <desk@bakery.example>\nSent: 05 December 2026 10:00\nTo: Hannah Berg\nSubject: Your cake\n\nIt is on its way.";
        assert_eq!(new_words(text), "Still nothing has arrived.");
        let bare = "Still nothing.\n\nFrom: Corner Bakery <desk@bakery.example>\nDate: Monday, 5 December 2026\nSubject: Your cake";
        assert_eq!(new_words(bare), "Still nothing.");
    }

    #[test]
    fn apple_mail() {
        let text = "I would rather have my money back.\n\nSent from my iPhone\n\n> On 5 Dec 2026, at 10:00, Corner Bakery <desk@bakery.example> wrote:\n> \n> Would you like a new cake or your money back?";
        assert_eq!(new_words(text), "I would rather have my money back.");
    }

    #[test]
    fn thunderbird() {
        let text = "The second option, please.\n\nOn 05/12/2026 10:00, Corner Bakery wrote:\n> 1. A new cake tomorrow\n> 2. Your money back today";
        assert_eq!(new_words(text), "The second option, please.");
        let forwarded = "See below.\n\n-------- Original Message --------\nSubject: Your cake\nDate: Mon, 5 Dec 2026 10:00:00 +0100";
        assert_eq!(new_words(forwarded), "See below.");
    }

    #[test]
    fn german() {
        let text = "Der Ersatzkuchen war leider auch trocken.\n\nAm 05.12.2026 um 10:00 schrieb Corner Bakery <desk@bakery.example>:\n> Es tut uns leid.";
        assert_eq!(new_words(text), "Der Ersatzkuchen war leider auch trocken.");
        let outlook = "Passt.\n\nVon: Corner Bakery <desk@bakery.example>\nGesendet: Montag, 5. Dezember 2026 10:00\nAn: Hannah Berg";
        assert_eq!(new_words(outlook), "Passt.");
        let wrapped =
            "Danke.\n\nAm Mo., 5. Dez. 2026 um 10:00 Uhr schrieb Corner Bakery\n<desk@bakery.example>:\n> Hallo";
        assert_eq!(new_words(wrapped), "Danke.");
    }

    #[test]
    fn quoted_lines_without_a_header() {
        let text = "Yes, that is what happened.\n\n> Your cake came late and squashed.";
        assert_eq!(new_words(text), "Yes, that is what happened.");
    }

    #[test]
    fn answered_below_the_quote() {
        let text = "> Would Tuesday suit you?\n\nYes, Tuesday after 3pm.\n\n-- \nHannah Berg\n+49 30 1234567";
        assert_eq!(new_words(text), "Yes, Tuesday after 3pm.");
    }

    #[test]
    fn a_signature() {
        let text = "The box was crushed too.\n\n-- \nHannah Berg\nBerg & Daughters Catering";
        assert_eq!(new_words(text), "The box was crushed too.");
        assert_eq!(new_words("No worries.\n\nSent from my iPad"), "No worries.");
        assert_eq!(new_words("Danke!\n\nVon meinem iPhone gesendet"), "Danke!");
    }

    #[test]
    fn a_plain_reply_is_all_new_words_and_prose_is_not_mistaken_for_a_header() {
        let text = "On Monday the cake was late.\nFrom: what I was told, it left at nine.\nAm I wrong to be upset?";
        assert_eq!(split_reply(text), Reply { new_words: text.to_owned(), folded: false });
        let only_quote = "> the whole thing quoted back\n> and nothing else";
        assert!(!split_reply(only_quote).folded, "nothing of theirs to show apart: shown whole");
        assert_eq!(split_reply("").new_words, "");
    }
}
