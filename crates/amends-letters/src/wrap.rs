//! Breaking text into lines that fit a column.
//!
//! Greedy, word by word, measured with the font's real widths: a letter reads
//! ragged-right, so nothing cleverer (Knuth–Plass) is needed. Words are split at
//! spaces only; a word wider than the whole column (a long URL, a booking code) is
//! cut between characters, without a hyphen, so it is never drawn past the margin.

use crate::font::{Font, clean_line};

/// Slack for floating-point sums of widths.
const EPSILON: f64 = 1e-6;

/// Wraps `text` into lines no wider than `max_width` points.
///
/// `\n` is a hard line break; an empty line between two `\n` is kept as an empty
/// line. Runs of spaces collapse into one, and spaces at the start and end of a
/// line are dropped (spaces inside a line are where it may break).
pub(crate) fn wrap(text: &str, font: Font, size: f64, max_width: f64) -> Vec<String> {
    let mut lines = Vec::new();
    for hard_line in text.split('\n') {
        wrap_hard_line(&clean_line(hard_line), font, size, max_width, &mut lines);
    }
    lines
}

fn wrap_hard_line(line: &str, font: Font, size: f64, max_width: f64, out: &mut Vec<String>) {
    let mut current = String::new();
    let mut pushed_any = false;

    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if !current.is_empty() {
            // The whole line is measured: kerning may differ from word by word.
            let candidate = format!("{current} {word}");
            if font.text_width(size, &candidate) <= max_width + EPSILON {
                current = candidate;
                continue;
            }
            out.push(std::mem::take(&mut current));
            pushed_any = true;
        }
        if font.text_width(size, word) <= max_width + EPSILON {
            current = word.to_owned();
        } else {
            // Too wide for any line: cut it, and carry on after the last piece.
            let mut pieces = break_word(word, font, size, max_width);
            if let Some(last) = pieces.pop() {
                out.extend(pieces);
                pushed_any = true;
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
fn break_word(word: &str, font: Font, size: f64, max_width: f64) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    for c in word.chars() {
        let mut longer = piece.clone();
        longer.push(c);
        if !piece.is_empty() && font.text_width(size, &longer) > max_width + EPSILON {
            pieces.push(std::mem::take(&mut piece));
            piece.push(c);
        } else {
            piece = longer;
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(lines: &[String], font: Font, size: f64) -> f64 {
        lines.iter().map(|l| font.text_width(size, l)).fold(0.0, f64::max)
    }

    /// Deterministic prose of varied word lengths, with accents, the euro sign and names
    /// in Polish, Czech, Turkish, Greek and Cyrillic.
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
            "Łukasz",
            "Dvořák",
            "İstanbul",
            "Παπαδόπουλος",
            "Иванов",
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
            [(Font::Regular, 10.5, 467.7), (Font::Regular, 10.0, 200.0), (Font::Bold, 14.0, 90.0)]
        {
            let lines = wrap(&text, font, size, column);
            assert!(lines.len() > 3);
            assert!(widest(&lines, font, size) <= column, "{font:?} {column}");
        }
    }

    #[test]
    fn lines_are_filled_greedily_and_keep_every_word() {
        let text = prose(300);
        let lines = wrap(&text, Font::Regular, 11.0, 300.0);
        for pair in lines.windows(2) {
            let first_word_next = pair[1].split(' ').next().unwrap_or_default();
            let would_be = Font::Regular.text_width(11.0, &format!("{} {first_word_next}", pair[0]));
            assert!(would_be > 300.0, "the next line's first word would have fitted");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn a_word_longer_than_the_column_is_broken_not_overflowing() {
        let long = "https://example.com/a/very/long/path/that/goes/on/and/on/and/on/forever";
        let text = format!("See {long} for details.");
        let column = 120.0;
        let lines = wrap(&text, Font::Regular, 10.0, column);
        assert!(widest(&lines, Font::Regular, 10.0) <= column);
        assert!(lines.len() >= 4, "{lines:?}");
        // Nothing lost: the pieces join back to the word (cut without hyphens).
        let squeezed: String = text.chars().filter(|&c| c != ' ').collect();
        let all_squeezed: String = lines.concat().chars().filter(|&c| c != ' ').collect();
        assert_eq!(all_squeezed, squeezed);
        assert_eq!(lines[0], "See");
        assert!(lines.last().is_some_and(|l| l.ends_with("details.")));
    }

    #[test]
    fn hard_breaks_and_blank_lines_are_kept() {
        let lines = wrap("Anna Müller\nMain St 1\n\nThanks", Font::Regular, 11.0, 400.0);
        assert_eq!(lines, vec!["Anna Müller", "Main St 1", "", "Thanks"]);
    }

    #[test]
    fn spaces_collapse_and_empty_text_is_one_empty_line() {
        assert_eq!(wrap("  a   b  ", Font::Regular, 10.0, 100.0), vec!["a b"]);
        assert_eq!(wrap("", Font::Regular, 10.0, 100.0), vec![String::new()]);
    }
}
