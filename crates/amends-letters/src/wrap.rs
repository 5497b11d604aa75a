//! Breaking text into lines that fit a column.
//!
//! Greedy, word by word, measured with the font's real widths: a letter reads
//! ragged-right, so nothing cleverer (Knuth–Plass) is needed. Words are split at
//! spaces only; a word wider than the whole column (a long URL, a booking code) is
//! cut between characters, without a hyphen, so it is never drawn past the margin.

use crate::font::Font;
use crate::winansi;

/// Slack for floating-point sums of widths.
const EPSILON: f64 = 1e-6;

/// Wraps `text` into WinAnsi-encoded lines no wider than `max_width` points.
///
/// `\n` is a hard line break; an empty line between two `\n` is kept as an empty
/// line. Runs of spaces collapse into one, and spaces at the start and end of a
/// line are dropped (spaces inside a line are where it may break).
pub(crate) fn wrap(text: &str, font: Font, size: f64, max_width: f64) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for hard_line in text.split('\n') {
        wrap_hard_line(&winansi::encode_line(hard_line), font, size, max_width, &mut lines);
    }
    lines
}

fn wrap_hard_line(encoded: &[u8], font: Font, size: f64, max_width: f64, out: &mut Vec<Vec<u8>>) {
    let space = font.text_width(size, b" ");
    let mut current: Vec<u8> = Vec::new();
    let mut current_width = 0.0;
    let mut pushed_any = false;

    for word in encoded.split(|&c| c == b' ').filter(|w| !w.is_empty()) {
        let word_width = font.text_width(size, word);
        if !current.is_empty() && current_width + space + word_width <= max_width + EPSILON {
            current.push(b' ');
            current.extend_from_slice(word);
            current_width += space + word_width;
            continue;
        }
        if !current.is_empty() {
            out.push(std::mem::take(&mut current));
            pushed_any = true;
        }
        if word_width <= max_width + EPSILON {
            current = word.to_vec();
            current_width = word_width;
        } else {
            // Too wide for any line: cut it, and carry on after the last piece.
            let mut pieces = break_word(word, font, size, max_width);
            if let Some(last) = pieces.pop() {
                out.extend(pieces);
                pushed_any = true;
                current_width = font.text_width(size, &last);
                current = last;
            }
        }
    }
    if !current.is_empty() || !pushed_any {
        out.push(current);
    }
}

/// Cuts one word into pieces that each fit `max_width` (each piece at least one
/// character, so a glyph wider than the column still makes progress).
fn break_word(word: &[u8], font: Font, size: f64, max_width: f64) -> Vec<Vec<u8>> {
    let mut pieces = Vec::new();
    let mut piece = Vec::new();
    let mut width = 0.0;
    for &c in word {
        let w = font.text_width(size, &[c]);
        if !piece.is_empty() && width + w > max_width + EPSILON {
            pieces.push(std::mem::take(&mut piece));
            width = 0.0;
        }
        piece.push(c);
        width += w;
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(lines: &[Vec<u8>], font: Font, size: f64) -> f64 {
        lines.iter().map(|l| font.text_width(size, l)).fold(0.0, f64::max)
    }

    /// Deterministic prose of varied word lengths, with accents and the euro sign.
    fn prose(words: usize) -> String {
        let vocabulary = [
            "I",
            "accept",
            "all",
            "responsibility",
            "for",
            "the",
            "crème",
            "brûlée",
            "Müller",
            "€15",
            "refund",
            "was",
            "sent",
            "on",
            "Tuesday,",
            "and",
            "we",
            "changed",
            "how",
            "our",
            "kitchen",
            "checks",
            "every",
            "order",
            "before",
            "it",
            "leaves.",
        ];
        let mut state: u32 = 12345;
        (0..words)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                vocabulary[(state >> 16) as usize % vocabulary.len()]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn no_line_is_wider_than_the_column() {
        let text = prose(600);
        for (font, size, column) in
            [(Font::TimesRoman, 11.0, 467.7), (Font::Helvetica, 10.0, 200.0), (Font::HelveticaBold, 14.0, 90.0)]
        {
            let lines = wrap(&text, font, size, column);
            assert!(lines.len() > 3);
            assert!(widest(&lines, font, size) <= column, "{font:?} {column}");
        }
    }

    #[test]
    fn lines_are_filled_greedily_and_keep_every_word() {
        let text = prose(300);
        let lines = wrap(&text, Font::TimesRoman, 11.0, 300.0);
        let space = Font::TimesRoman.text_width(11.0, b" ");
        for pair in lines.windows(2) {
            let first_word_next = pair[1].split(|&c| c == b' ').next().unwrap_or_default();
            let would_be = Font::TimesRoman.text_width(11.0, &pair[0])
                + space
                + Font::TimesRoman.text_width(11.0, first_word_next);
            assert!(would_be > 300.0, "the next line's first word would have fitted");
        }
        let rejoined: Vec<u8> = lines.join(&b' ');
        assert_eq!(rejoined, winansi::encode_line(&text));
    }

    #[test]
    fn a_word_longer_than_the_column_is_broken_not_overflowing() {
        let long = "https://example.com/a/very/long/path/that/goes/on/and/on/and/on/forever";
        let text = format!("See {long} for details.");
        let column = 120.0;
        let lines = wrap(&text, Font::Helvetica, 10.0, column);
        assert!(widest(&lines, Font::Helvetica, 10.0) <= column);
        assert!(lines.len() >= 4, "{lines:?}");
        // Nothing lost: the pieces join back to the word (cut without hyphens).
        let all: Vec<u8> = lines.concat();
        let squeezed: Vec<u8> = text.bytes().filter(|&c| c != b' ').collect();
        let all_squeezed: Vec<u8> = all.into_iter().filter(|&c| c != b' ').collect();
        assert_eq!(all_squeezed, squeezed);
        assert_eq!(lines[0], b"See");
        assert!(lines.last().is_some_and(|l| l.ends_with(b"details.")));
    }

    #[test]
    fn hard_breaks_and_blank_lines_are_kept() {
        let lines = wrap("Anna Müller\nMain St 1\n\nThanks", Font::TimesRoman, 11.0, 400.0);
        assert_eq!(lines, vec![b"Anna M\xFCller".to_vec(), b"Main St 1".to_vec(), Vec::new(), b"Thanks".to_vec()]);
    }

    #[test]
    fn spaces_collapse_and_empty_text_is_one_empty_line() {
        assert_eq!(wrap("  a   b  ", Font::Helvetica, 10.0, 100.0), vec![b"a b".to_vec()]);
        assert_eq!(wrap("", Font::Helvetica, 10.0, 100.0), vec![Vec::<u8>::new()]);
    }
}
