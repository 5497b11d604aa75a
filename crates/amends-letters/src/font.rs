//! The three standard Type 1 fonts the letters use, and their text widths.
//!
//! The standard fonts need no embedding: every PDF reader has them (or a metric-
//! compatible substitute). We still write their `/Widths` into the PDF so that a
//! reader using a substitute places each glyph where our line breaking assumed.

use crate::afm_widths;

/// A standard Type 1 font, set in WinAnsiEncoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Font {
    Helvetica,
    HelveticaBold,
    TimesRoman,
}

impl Font {
    /// Every font, in the order of their resource names `/F1`, `/F2`, `/F3`.
    pub(crate) const ALL: [Font; 3] = [Font::Helvetica, Font::HelveticaBold, Font::TimesRoman];

    /// The PostScript name PDF readers know the font by.
    pub(crate) fn base_font(self) -> &'static str {
        match self {
            Font::Helvetica => "Helvetica",
            Font::HelveticaBold => "Helvetica-Bold",
            Font::TimesRoman => "Times-Roman",
        }
    }

    /// The name of the font in each page's resource dictionary.
    pub(crate) fn resource_name(self) -> &'static str {
        match self {
            Font::Helvetica => "F1",
            Font::HelveticaBold => "F2",
            Font::TimesRoman => "F3",
        }
    }

    /// Widths of the codes 32..=255 in 1/1000 em.
    pub(crate) fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Helvetica => &afm_widths::HELVETICA,
            Font::HelveticaBold => &afm_widths::HELVETICA_BOLD,
            Font::TimesRoman => &afm_widths::TIMES_ROMAN,
        }
    }

    /// The advance width of one WinAnsi code in 1/1000 em (0 for control codes).
    pub(crate) fn code_width(self, code: u8) -> u16 {
        code.checked_sub(32).and_then(|i| self.widths().get(usize::from(i))).copied().unwrap_or(0)
    }

    /// The width in points of WinAnsi-encoded `text` set at `size` points, without
    /// kerning (the content streams do not kern either).
    pub(crate) fn text_width(self, size: f64, text: &[u8]) -> f64 {
        let units: u32 = text.iter().map(|&c| u32::from(self.code_width(c))).sum();
        f64::from(units) * size / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_match_the_adobe_metrics() {
        assert_eq!(Font::Helvetica.code_width(b' '), 278);
        assert_eq!(Font::Helvetica.code_width(b'W'), 944);
        assert_eq!(Font::Helvetica.code_width(0x80), 556); // Euro
        assert_eq!(Font::HelveticaBold.code_width(b'a'), 556);
        assert_eq!(Font::HelveticaBold.code_width(b'i'), 278);
        assert_eq!(Font::TimesRoman.code_width(b'a'), 444);
        assert_eq!(Font::TimesRoman.code_width(0xFC), 500); // udieresis
        assert_eq!(Font::TimesRoman.code_width(b'\n'), 0);
    }

    #[test]
    fn text_width_scales_with_size() {
        let w = Font::Helvetica.text_width(10.0, b"Hello");
        // H 722 + e 556 + l 222 + l 222 + o 556 = 2278
        assert!((w - 22.78).abs() < 1e-9);
        assert!((Font::Helvetica.text_width(20.0, b"Hello") - 2.0 * w).abs() < 1e-9);
    }
}
