//! The bundled font (DejaVu Sans, regular and bold) and how wide text set in it is.
//!
//! The font files are compiled in (`fonts/`, with their licence); each PDF embeds only
//! the glyphs its letters use. Text is shaped with rustybuzz (the font's kerning and
//! mark positioning), and the same shaped glyphs are measured by the layout and drawn
//! by krilla, so a line never ends up wider than the layout thought.

use std::sync::LazyLock;

use krilla::text::{GlyphId, KrillaGlyph};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A face of the bundled font.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Font {
    Regular,
    Bold,
}

/// One face, parsed once: for shaping and for krilla.
pub(crate) struct Face {
    shaper: rustybuzz::Face<'static>,
    pub(crate) pdf: krilla::text::Font,
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let shaper = rustybuzz::Face::from_slice(data, 0)?;
        let pdf = krilla::text::Font::new(krilla::Data::from(data), 0)?;
        let units_per_em = shaper.units_per_em().max(1) as f32;
        Some(Face { shaper, pdf, units_per_em })
    }
}

static FACES: LazyLock<Option<[Face; 2]>> = LazyLock::new(|| Some([Face::load(REGULAR)?, Face::load(BOLD)?]));

/// Whether the bundled font could be read (it always can: a test checks it; a letter
/// is refused rather than printed blank if it ever could not).
pub(crate) fn available() -> bool {
    FACES.is_some()
}

/// Text shaped in one face: its glyphs with advances in em, and the text they stand
/// for (a PDF reader's copy and search read that text back).
#[derive(Clone, Debug)]
pub(crate) struct Shaped {
    pub(crate) glyphs: Vec<KrillaGlyph>,
    /// The advance of the whole run, in em.
    pub(crate) width_em: f32,
}

impl Font {
    pub(crate) fn face(self) -> Option<&'static Face> {
        let faces = FACES.as_ref()?;
        Some(match self {
            Font::Regular => &faces[0],
            Font::Bold => &faces[1],
        })
    }

    /// Shapes one line of text (no line breaks inside).
    pub(crate) fn shape(self, text: &str) -> Shaped {
        let Some(face) = self.face() else { return Shaped { glyphs: Vec::new(), width_em: 0.0 } };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let output = rustybuzz::shape(&face.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let upem = face.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut width = 0.0;
        for (i, (info, pos)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster ends where the next one starts (glyphs of one cluster share it).
            let end =
                infos[i + 1..].iter().map(|next| next.cluster as usize).find(|&c| c != start).unwrap_or(text.len());
            let advance = pos.x_advance as f32 / upem;
            width += advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                advance,
                pos.x_offset as f32 / upem,
                pos.y_offset as f32 / upem,
                pos.y_advance as f32 / upem,
                start..end,
                None,
            ));
        }
        Shaped { glyphs, width_em: width }
    }

    /// The width in points of `text` set at `size` points.
    pub(crate) fn text_width(self, size: f64, text: &str) -> f64 {
        if text.is_empty() {
            return 0.0;
        }
        f64::from(self.shape(text).width_em) * size
    }

    /// Whether the face has a glyph for `c` (else it would print as an empty box).
    pub(crate) fn covers(self, c: char) -> bool {
        self.face().is_some_and(|f| f.shaper.glyph_index(c).is_some())
    }
}

/// Cleans one line of text for drawing: tabs and other spacing become a plain space;
/// soft hyphens, zero-width and other invisible format or control characters are
/// dropped (we never hyphenate, so they would only show as stray marks).
pub(crate) fn clean_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\t' || (c.is_whitespace() && !c.is_control()) {
            out.push(' ');
        } else if c.is_control() || is_invisible_format(c) {
            // dropped: nothing to draw
        } else {
            out.push(c);
        }
    }
    out
}

/// Zero-width and directional format characters that carry no glyph, and the soft
/// hyphen.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_font_loads() {
        assert!(available());
        assert!(Font::Regular.face().is_some() && Font::Bold.face().is_some());
    }

    #[test]
    fn every_european_script_of_the_tests_has_glyphs() {
        for text in [
            "Łukasz Żółć ąęśćń",
            "Jiří Dvořák ěščřžýáíéůú",
            "Şükrü Güneş İstanbul ğıİş",
            "Γιώργος Παπαδόπουλος",
            "Дмитрий Иванов ЁёЇїЄєҐґ",
            "Ærøskøbing ß € – — “ ” „ ’ …",
        ] {
            for face in [Font::Regular, Font::Bold] {
                for c in text.chars().filter(|c| !c.is_whitespace()) {
                    assert!(face.covers(c), "{face:?} has no glyph for {c:?}");
                }
            }
        }
    }

    #[test]
    fn widths_scale_with_size_and_bold_is_wider() {
        let w = Font::Regular.text_width(10.0, "Hello");
        assert!(w > 20.0 && w < 40.0, "{w}");
        assert!((Font::Regular.text_width(20.0, "Hello") - 2.0 * w).abs() < 1e-6);
        assert!(Font::Bold.text_width(10.0, "Hello") > w);
        assert_eq!(Font::Regular.text_width(10.0, ""), 0.0);
    }

    #[test]
    fn each_glyph_points_back_at_its_characters() {
        let text = "Żółć İş";
        let shaped = Font::Regular.shape(text);
        let rebuilt: String = shaped.glyphs.iter().map(|g| &text[g.text_range.clone()]).collect();
        assert_eq!(rebuilt, text);
    }

    #[test]
    fn invisible_characters_are_dropped_and_spacing_becomes_a_space() {
        assert_eq!(clean_line("a\u{AD}b\u{200B}c\td\u{2009}e\u{7}"), "abc d e");
    }
}
