//! A minimal PDF 1.4 writer: just enough for text, rules and boxes on pages.
//!
//! The file is built in memory: a catalog, a page tree, the three standard fonts
//! (shared by every page), one page object and one uncompressed content stream per
//! page, an info dictionary, and a classic cross-reference table. No dates or IDs
//! go in, so the same letter always gives the same bytes.

use std::fmt::Write as _;

use crate::font::Font;

/// One thing to draw, in points, with `y` measured down from the top of the page
/// (the layout thinks top-down; PDF's origin is bottom-left, so we flip here).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Draw {
    /// Text starting at `x`, with its baseline at `y`.
    Text { x: f64, y: f64, font: Font, size: f64, gray: f64, text: Vec<u8> },
    /// A straight line.
    Line { x1: f64, y1: f64, x2: f64, y2: f64, width: f64, gray: f64 },
    /// The outline of a rectangle whose top-left corner is (`x`, `y`).
    Frame { x: f64, y: f64, w: f64, h: f64, width: f64 },
}

/// Writes a complete PDF with one page per entry of `pages`, all of the same size.
pub(crate) fn write_document(width: f64, height: f64, title: &str, pages: &[Vec<Draw>]) -> Vec<u8> {
    let mut doc = Document::default();
    // Object numbers are fixed up front so that pages can point at their parent.
    let catalog_id = 1;
    let pages_id = 2;
    let info_id = 3;
    let first_font_id = 4;
    let first_page_id = first_font_id + Font::ALL.len();

    doc.object(catalog_id, format!("<< /Type /Catalog /Pages {pages_id} 0 R >>").into_bytes());

    let kids: Vec<String> = (0..pages.len()).map(|i| format!("{} 0 R", first_page_id + 2 * i)).collect();
    doc.object(
        pages_id,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} /MediaBox [0 0 {} {}] >>",
            kids.join(" "),
            pages.len(),
            num(width),
            num(height)
        )
        .into_bytes(),
    );

    let mut info = b"<< /Producer (amends-letters) /Title ".to_vec();
    info.extend_from_slice(&text_string(title));
    info.extend_from_slice(b" >>");
    doc.object(info_id, info);

    let mut font_resources = String::new();
    for (i, font) in Font::ALL.iter().enumerate() {
        let id = first_font_id + i;
        let widths: Vec<String> = font.widths().iter().map(u16::to_string).collect();
        doc.object(
            id,
            format!(
                "<< /Type /Font /Subtype /Type1 /BaseFont /{} /Encoding /WinAnsiEncoding \
                 /FirstChar 32 /LastChar 255 /Widths [{}] >>",
                font.base_font(),
                widths.join(" ")
            )
            .into_bytes(),
        );
        let _ = write!(font_resources, "/{} {id} 0 R ", font.resource_name());
    }

    for (i, draws) in pages.iter().enumerate() {
        let page_id = first_page_id + 2 * i;
        let content_id = page_id + 1;
        doc.object(
            page_id,
            format!(
                "<< /Type /Page /Parent {pages_id} 0 R /Resources << /Font << {font_resources}>> >> \
                 /Contents {content_id} 0 R >>"
            )
            .into_bytes(),
        );
        let content = content_stream(height, draws);
        let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
        stream.extend_from_slice(&content);
        stream.extend_from_slice(b"\nendstream");
        doc.object(content_id, stream);
    }

    doc.finish(catalog_id, info_id)
}

/// Objects written so far and where each one starts in the file.
#[derive(Default)]
struct Document {
    objects: Vec<(usize, Vec<u8>)>,
}

impl Document {
    fn object(&mut self, id: usize, body: Vec<u8>) {
        self.objects.push((id, body));
    }

    fn finish(mut self, root: usize, info: usize) -> Vec<u8> {
        self.objects.sort_by_key(|(id, _)| *id);
        // The binary comment tells transfer tools the file is not plain text.
        let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (id, body) in &self.objects {
            offsets.push(out.len());
            out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_at = out.len();
        let size = self.objects.len() + 1;
        let mut xref = format!("xref\n0 {size}\n0000000000 65535 f \n");
        for offset in offsets {
            // Each entry is exactly 20 bytes, ending in space + newline.
            let _ = writeln!(xref, "{offset:010} 00000 n ");
        }
        let _ = write!(
            xref,
            "trailer\n<< /Size {size} /Root {root} 0 R /Info {info} 0 R >>\nstartxref\n{xref_at}\n%%EOF\n"
        );
        out.extend_from_slice(xref.as_bytes());
        out
    }
}

fn content_stream(page_height: f64, draws: &[Draw]) -> Vec<u8> {
    let mut out = Vec::new();
    for draw in draws {
        match draw {
            Draw::Text { x, y, font, size, gray, text } => {
                if text.is_empty() {
                    continue;
                }
                out.extend_from_slice(
                    format!(
                        "BT {} g /{} {} Tf 1 0 0 1 {} {} Tm ",
                        num(*gray),
                        font.resource_name(),
                        num(*size),
                        num(*x),
                        num(page_height - y)
                    )
                    .as_bytes(),
                );
                out.extend_from_slice(&literal_string(text));
                out.extend_from_slice(b" Tj ET\n");
            }
            Draw::Line { x1, y1, x2, y2, width, gray } => {
                out.extend_from_slice(
                    format!(
                        "{} G {} w {} {} m {} {} l S\n",
                        num(*gray),
                        num(*width),
                        num(*x1),
                        num(page_height - y1),
                        num(*x2),
                        num(page_height - y2)
                    )
                    .as_bytes(),
                );
            }
            Draw::Frame { x, y, w, h, width } => {
                out.extend_from_slice(
                    format!(
                        "0 G {} w {} {} {} {} re S\n",
                        num(*width),
                        num(*x),
                        num(page_height - y - h),
                        num(*w),
                        num(*h)
                    )
                    .as_bytes(),
                );
            }
        }
    }
    out
}

/// A PDF literal string `( ... )` for WinAnsi bytes.
///
/// `(`, `)` and `\` are escaped with a backslash; bytes outside printable ASCII are
/// written as three-digit octal escapes, so the content stream stays 7-bit clean
/// and no reader can mistake a byte for an end-of-line.
pub(crate) fn literal_string(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 2);
    out.push(b'(');
    for &b in bytes {
        match b {
            b'(' | b')' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            0x20..=0x7E => out.push(b),
            _ => out.extend_from_slice(format!("\\{b:03o}").as_bytes()),
        }
    }
    out.push(b')');
    out
}

/// A PDF text string (for the document information) in UTF-16BE with a byte-order
/// mark, written in hex so that any title survives.
fn text_string(text: &str) -> Vec<u8> {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out.into_bytes()
}

/// A number as PDF wants it: no exponent, at most two decimals, no trailing zeros.
pub(crate) fn num(value: f64) -> String {
    let rounded = (value * 100.0).round() / 100.0;
    let mut s = format!("{rounded:.2}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" { "0".to_owned() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_strings_escape_parentheses_and_backslashes() {
        assert_eq!(literal_string(b"a(b)c\\d"), b"(a\\(b\\)c\\\\d)");
        assert_eq!(literal_string(b"(("), b"(\\(\\()");
    }

    #[test]
    fn literal_strings_write_high_bytes_as_octal() {
        assert_eq!(literal_string(b"M\xFCller \x80"), b"(M\\374ller \\200)");
        assert_eq!(literal_string(b"a\rb\nc"), b"(a\\015b\\012c)");
    }

    #[test]
    fn numbers_have_no_exponent_or_trailing_zeros() {
        assert_eq!(num(595.2756), "595.28");
        assert_eq!(num(72.0), "72");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(1e-9), "0");
    }

    #[test]
    fn text_strings_are_utf16_hex() {
        assert_eq!(text_string("Aé"), b"<FEFF004100E9>");
    }

    #[test]
    fn cross_reference_offsets_point_at_the_objects() {
        let pdf = write_document(
            200.0,
            100.0,
            "t",
            &[vec![Draw::Text { x: 10.0, y: 20.0, font: Font::Helvetica, size: 9.0, gray: 0.0, text: b"hi".to_vec() }]],
        );
        // Work on bytes: the binary comment in the header is not UTF-8.
        let find =
            |needle: &[u8], from: usize| pdf[from..].windows(needle.len()).position(|w| w == needle).map(|p| p + from);
        let marker = find(b"startxref\n", 0).expect("startxref");
        let tail = String::from_utf8_lossy(&pdf[marker..]);
        let startxref: usize = tail.lines().nth(1).and_then(|n| n.parse().ok()).expect("offset");
        let xref = String::from_utf8_lossy(&pdf[startxref..marker]);
        assert!(xref.starts_with("xref\n0 9\n"));
        let entries: Vec<&str> = xref.lines().skip(3).take_while(|l| l.ends_with(" n ")).collect();
        assert_eq!(entries.len(), 8); // catalog, pages, info, 3 fonts, page, content
        for (i, entry) in entries.iter().enumerate() {
            let offset: usize = entry[..10].parse().expect("offset");
            assert!(pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()));
        }
    }
}
