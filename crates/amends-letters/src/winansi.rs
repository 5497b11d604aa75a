//! Unicode text to WinAnsiEncoding (Windows code page 1252 as PDF defines it),
//! the single-byte encoding the standard Type 1 fonts are set in.
//!
//! WinAnsi covers ASCII, Latin-1 (U+00A0..=U+00FF) and 27 extra characters in
//! 0x80..=0x9F (the euro sign, curly quotes, dashes, the ellipsis, Š, Œ, Ÿ, ...).
//! Anything else cannot be shown by these fonts: it becomes `?`, so a letter is
//! never refused for one odd character, and the gap is visible to whoever proofreads.

/// The byte drawn for a character that WinAnsi cannot show.
pub const REPLACEMENT: u8 = b'?';

/// The WinAnsi code of `c`, or `None` when the encoding has no glyph for it.
///
/// Control characters (including tab and newline) have no glyph either: the caller
/// decides what they mean before encoding.
pub fn encode_char(c: char) -> Option<u8> {
    let code = match c {
        ' '..='~' => c as u8,
        '\u{A0}'..='\u{FF}' => c as u8,
        '\u{20AC}' => 0x80, // €
        '\u{201A}' => 0x82, // ‚
        '\u{0192}' => 0x83, // ƒ
        '\u{201E}' => 0x84, // „
        '\u{2026}' => 0x85, // …
        '\u{2020}' => 0x86, // †
        '\u{2021}' => 0x87, // ‡
        '\u{02C6}' => 0x88, // ˆ
        '\u{2030}' => 0x89, // ‰
        '\u{0160}' => 0x8A, // Š
        '\u{2039}' => 0x8B, // ‹
        '\u{0152}' => 0x8C, // Œ
        '\u{017D}' => 0x8E, // Ž
        '\u{2018}' => 0x91, // ‘
        '\u{2019}' => 0x92, // ’
        '\u{201C}' => 0x93, // “
        '\u{201D}' => 0x94, // ”
        '\u{2022}' => 0x95, // •
        '\u{2013}' => 0x96, // –
        '\u{2014}' => 0x97, // —
        '\u{02DC}' => 0x98, // ˜
        '\u{2122}' => 0x99, // ™
        '\u{0161}' => 0x9A, // š
        '\u{203A}' => 0x9B, // ›
        '\u{0153}' => 0x9C, // œ
        '\u{017E}' => 0x9E, // ž
        '\u{0178}' => 0x9F, // Ÿ
        _ => return None,
    };
    Some(code)
}

/// Encodes one line of text (no line breaks inside) for drawing.
///
/// - Tabs and other whitespace that WinAnsi lacks (e.g. U+2009 thin space) become
///   a plain space, so words stay apart.
/// - Soft hyphens (U+00AD), zero-width characters and other invisible format or
///   control characters are dropped: we never hyphenate, so they would only show
///   up as stray dashes or `?`.
/// - Every other character WinAnsi cannot show becomes [`REPLACEMENT`] (`?`),
///   one `?` per character (so "日本" gives "??").
pub fn encode_line(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        if let Some(code) = encode_char(c) {
            if code != 0xAD {
                out.push(code);
            }
        } else if c == '\t' || (c.is_whitespace() && !c.is_control()) {
            out.push(b' ');
        } else if c.is_control() || is_invisible_format(c) {
            // dropped: nothing to draw
        } else {
            out.push(REPLACEMENT);
        }
    }
    out
}

/// Zero-width and directional format characters that carry no glyph.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_maps_to_itself() {
        assert_eq!(encode_line("Hello, (world) \\ 42!"), b"Hello, (world) \\ 42!");
    }

    #[test]
    fn latin1_accents_map_to_their_code_points() {
        assert_eq!(encode_line("Müller"), b"M\xFCller");
        assert_eq!(encode_line("crème brûlée"), b"cr\xE8me br\xFBl\xE9e");
        assert_eq!(encode_line("Ærøskøbing ß"), b"\xC6r\xF8sk\xF8bing \xDF");
    }

    #[test]
    fn the_extra_winansi_characters_have_their_codes() {
        assert_eq!(encode_char('€'), Some(0x80));
        assert_eq!(encode_char('’'), Some(0x92));
        assert_eq!(encode_char('“'), Some(0x93));
        assert_eq!(encode_char('”'), Some(0x94));
        assert_eq!(encode_char('–'), Some(0x96));
        assert_eq!(encode_char('—'), Some(0x97));
        assert_eq!(encode_char('…'), Some(0x85));
        assert_eq!(encode_char('Œ'), Some(0x8C));
        assert_eq!(encode_char('ž'), Some(0x9E));
        assert_eq!(encode_char('Ÿ'), Some(0x9F));
    }

    #[test]
    fn c1_controls_and_undefined_slots_are_not_encodable() {
        // U+0080..U+009F are C1 controls, not the characters that sit at those
        // codes in WinAnsi; the holes 0x81, 0x8D, 0x8F, 0x90, 0x9D have no glyph.
        for c in '\u{80}'..='\u{9F}' {
            assert_eq!(encode_char(c), None, "{:?}", c);
        }
        assert_eq!(encode_char('\u{7F}'), None);
        assert_eq!(encode_char('\n'), None);
    }

    #[test]
    fn every_defined_code_comes_from_exactly_one_character() {
        let mut seen = [0u32; 256];
        for c in (0..=0x2FFFF).filter_map(char::from_u32) {
            if let Some(code) = encode_char(c) {
                seen[usize::from(code)] += 1;
            }
        }
        for (code, &n) in seen.iter().enumerate() {
            let undefined = code < 0x20 || [0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D].contains(&code);
            assert_eq!(n, u32::from(!undefined), "code 0x{code:02X}");
        }
    }

    #[test]
    fn unshowable_characters_become_question_marks() {
        assert_eq!(encode_line("Łódź"), b"?\xF3d?");
        assert_eq!(encode_line("日本"), b"??");
        assert_eq!(encode_line("ok 👍"), b"ok ?");
    }

    #[test]
    fn whitespace_is_a_space_and_invisibles_are_dropped() {
        assert_eq!(encode_line("a\tb\u{2009}c"), b"a b c");
        assert_eq!(encode_line("re\u{AD}fund\u{200B}ed\r"), b"refunded");
        // A no-break space stays one (WinAnsi has it at 0xA0).
        assert_eq!(encode_line("10\u{A0}€"), b"10\xA0\x80");
    }
}
