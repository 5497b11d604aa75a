//! Turns the layout's drawing into a PDF with krilla.
//!
//! krilla embeds a subset of each face (only the glyphs drawn) with a ToUnicode map,
//! so every script the font covers prints as written and a reader can copy and search
//! the text. No dates go in, and the document's ID is a hash of its content, so the
//! same letter always gives the same bytes.

use krilla::Document;
use krilla::color::luma;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;

use crate::LetterError;
use crate::font::Font;

/// One thing to draw, in points, with `y` measured down from the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Draw {
    /// Text starting at `x`, with its baseline at `y`.
    Text { x: f64, y: f64, font: Font, size: f64, gray: f64, text: String },
    /// A straight line.
    Line { x1: f64, y1: f64, x2: f64, y2: f64, width: f64, gray: f64 },
    /// The outline of a rectangle whose top-left corner is (`x`, `y`).
    Frame { x: f64, y: f64, w: f64, h: f64, width: f64 },
}

/// Writes a complete PDF with one page per entry of `pages`, all of the same size.
pub(crate) fn write_document(
    width: f64,
    height: f64,
    title: &str,
    pages: &[Vec<Draw>],
) -> Result<Vec<u8>, LetterError> {
    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(title.to_owned()).producer("amends-letters".to_owned()));
    for draws in pages {
        let settings = PageSettings::from_wh(width as f32, height as f32)
            .ok_or_else(|| LetterError::Pdf(format!("a page of {width} x {height} points")))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for draw in draws {
            paint(&mut surface, draw)?;
        }
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| LetterError::Pdf(format!("{e:?}")))
}

fn gray_of(gray: f64) -> luma::Color {
    luma::Color::new((gray.clamp(0.0, 1.0) * 255.0).round() as u8)
}

fn paint(surface: &mut Surface<'_>, draw: &Draw) -> Result<(), LetterError> {
    match draw {
        Draw::Text { x, y, font, size, gray, text } => {
            if text.is_empty() {
                return Ok(());
            }
            let face = font.face().ok_or(LetterError::FontUnreadable)?;
            let shaped = font.shape(text);
            surface.set_fill(Some(Fill {
                paint: gray_of(*gray).into(),
                opacity: NormalizedF32::ONE,
                rule: Default::default(),
            }));
            surface.set_stroke(None);
            surface.draw_glyphs(
                Point::from_xy(*x as f32, *y as f32),
                &shaped.glyphs,
                face.pdf.clone(),
                text,
                *size as f32,
                false,
            );
        }
        Draw::Line { x1, y1, x2, y2, width, gray } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1 as f32, *y1 as f32);
            path.line_to(*x2 as f32, *y2 as f32);
            stroke(surface, path, *width, *gray);
        }
        Draw::Frame { x, y, w, h, width } => {
            let mut path = PathBuilder::new();
            let (x, y, w, h) = (*x as f32, *y as f32, *w as f32, *h as f32);
            path.move_to(x, y);
            path.line_to(x + w, y);
            path.line_to(x + w, y + h);
            path.line_to(x, y + h);
            path.close();
            stroke(surface, path, *width, 0.0);
        }
    }
    Ok(())
}

fn stroke(surface: &mut Surface<'_>, path: PathBuilder, width: f64, gray: f64) {
    let Some(path) = path.finish() else { return };
    surface.set_fill(None);
    surface.set_stroke(Some(Stroke { paint: gray_of(gray).into(), width: width as f32, ..Stroke::default() }));
    surface.draw_path(&path);
    surface.set_stroke(None);
}
