//! Places a letter on pages: the letterhead, the address in the envelope window,
//! the body flowing over as many pages as it needs, headers and footers.
//!
//! Everything here is in points with `y` measured down from the top of the sheet.

use crate::font::{Font, clean_line};
use crate::pdf::Draw;
use crate::wrap::wrap;
use crate::{Letter, LetterError, Letterhead, PageSize};

const MM: f64 = 72.0 / 25.4;
const INCH: f64 = 72.0;

const BODY_FONT: Font = Font::Regular;
const BODY_SIZE: f64 = 10.5;
const BODY_LEADING: f64 = 14.5;
const PARAGRAPH_GAP: f64 = 8.0;

const ADDRESS_FONT: Font = Font::Regular;
const ADDRESS_SIZE: f64 = 10.0;
const ADDRESS_LEADING: f64 = 11.0;

const SMALL_FONT: Font = Font::Regular;
const SMALL_SIZE: f64 = 8.0;
const SMALL_LEADING: f64 = 9.5;
const GRAY: f64 = 0.3;

const OFFER_PADDING: f64 = 9.0;

/// Where things go on one size of paper. See [`PageSize`] for the reasoning.
struct Geometry {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    /// The part of the sheet that shows through the envelope window.
    window: Rect,
    /// Baseline of the small return-address line (DIN 5008 only).
    return_line_baseline: Option<f64>,
    address_first_baseline: f64,
    address_max_lines: usize,
    address_max_width: f64,
    /// Baseline of the reference/date line under the address.
    first_body_baseline: f64,
    /// Top of the body on the pages after the first.
    next_body_top: f64,
    /// Baseline of the last footer line.
    footer_baseline: f64,
    fold_marks: [f64; 2],
    punch_mark: Option<f64>,
}

/// A rectangle, top-left corner and size, in points from the top-left of the sheet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f64,
    pub(crate) y: f64,
    pub(crate) w: f64,
    pub(crate) h: f64,
}

const LETTERHEAD_NAME_SIZE: f64 = 16.0;
const LETTERHEAD_NAME_BASELINE: f64 = 56.0;
const LETTERHEAD_LINE_SIZE: f64 = 8.5;
const LETTERHEAD_LINE_LEADING: f64 = 10.5;
const LETTERHEAD_FIRST_BASELINE: f64 = 40.0;
const CONTINUATION_HEADER_BASELINE: f64 = 43.0;

impl Geometry {
    fn of(size: PageSize) -> Geometry {
        match size {
            PageSize::A4 => Geometry {
                width: 210.0 * MM,
                height: 297.0 * MM,
                left: 25.0 * MM,
                right: 190.0 * MM,
                window: Rect { x: 20.0 * MM, y: 45.0 * MM, w: 85.0 * MM, h: 45.0 * MM },
                return_line_baseline: Some(60.0 * MM),
                address_first_baseline: 65.7 * MM,
                address_max_lines: 7,
                address_max_width: 79.0 * MM,
                first_body_baseline: 98.46 * MM,
                next_body_top: 66.0,
                footer_baseline: 297.0 * MM - 12.0 * MM,
                fold_marks: [105.0 * MM, 210.0 * MM],
                punch_mark: Some(148.5 * MM),
            },
            PageSize::Letter => Geometry {
                width: 8.5 * INCH,
                height: 11.0 * INCH,
                left: INCH,
                right: 7.5 * INCH,
                window: Rect { x: 0.875 * INCH, y: 2.25 * INCH, w: 4.5 * INCH, h: 1.125 * INCH },
                return_line_baseline: None,
                address_first_baseline: 2.375 * INCH + 8.0,
                address_max_lines: 5,
                address_max_width: 4.25 * INCH,
                first_body_baseline: 3.375 * INCH + 25.0,
                next_body_top: 66.0,
                footer_baseline: 10.5 * INCH,
                fold_marks: [11.0 / 3.0 * INCH, 22.0 / 3.0 * INCH],
                punch_mark: None,
            },
        }
    }

    fn text_width(&self) -> f64 {
        self.right - self.left
    }
}

/// The window area of a page size, for callers and tests that check placement.
pub(crate) fn window(size: PageSize) -> Rect {
    Geometry::of(size).window
}

/// The page size in points.
pub(crate) fn page_dimensions(size: PageSize) -> (f64, f64) {
    let g = Geometry::of(size);
    (g.width, g.height)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A run of text inside a row; `x` is from the left of the column (for
/// right-aligned text, where the text ends).
#[derive(Clone, Debug)]
struct Span {
    x: f64,
    align: Align,
    font: Font,
    size: f64,
    gray: f64,
    text: String,
}

/// One line of the body; a row with no spans is vertical space.
#[derive(Clone, Debug)]
struct Row {
    height: f64,
    spans: Vec<Span>,
}

impl Row {
    fn text(font: Font, size: f64, leading: f64, x: f64, text: String) -> Row {
        Row { height: leading, spans: vec![Span { x, align: Align::Left, font, size, gray: 0.0, text }] }
    }

    fn space(height: f64) -> Row {
        Row { height, spans: Vec::new() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Keep {
    /// Never split, unless the block is taller than a whole page.
    Together,
    /// Split anywhere that leaves at least this many rows on each side.
    AtLeast(usize),
}

/// A run of rows that flows as one unit (a paragraph, the offer box, the signature).
struct Block {
    space_before: f64,
    rows: Vec<Row>,
    keep: Keep,
    /// Padding inside a frame drawn around the block (around each piece if split).
    frame: Option<f64>,
}

/// Lays out one letter; each entry of the result is one page's drawing.
pub(crate) fn layout_letter(head: &Letterhead, letter: &Letter, size: PageSize) -> Result<Vec<Vec<Draw>>, LetterError> {
    let g = Geometry::of(size);
    let mut first_page = Vec::new();
    draw_letterhead(&g, head, &mut first_page)?;
    draw_address(&g, head, letter, &mut first_page)?;
    draw_marks(&g, &mut first_page);

    let footer = footer_lines(&g, head);
    let footer_rule_y = footer_rule(&g, &footer);
    let mut flow = Flow {
        g: &g,
        pages: vec![first_page],
        y: g.first_body_baseline - baseline_offset(BODY_LEADING),
        at_top: false,
        bottom: footer_rule_y - 20.0,
    };
    for block in body_blocks(&g, letter) {
        flow.place(&block);
    }

    let mut pages = flow.pages;
    let total = pages.len();
    for (index, page) in pages.iter_mut().enumerate() {
        draw_footer(&g, &footer, footer_rule_y, page);
        if index > 0 {
            draw_continuation_header(&g, head, letter, index + 1, total, page);
        } else if total > 1 {
            let label = letter.labels.page(1, total);
            page.push(right_text(&g, footer_rule_y - 5.0, SMALL_FONT, SMALL_SIZE, GRAY, label));
        }
    }
    Ok(pages)
}

/// Where the baseline sits below the top of a row of this leading.
fn baseline_offset(leading: f64) -> f64 {
    leading * 0.78
}

fn split_lines(lines: &[String]) -> Vec<String> {
    lines.iter().flat_map(|l| l.split('\n')).map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn right_text(g: &Geometry, y: f64, font: Font, size: f64, gray: f64, text: String) -> Draw {
    Draw::Text { x: g.right - font.text_width(size, &text), y, font, size, gray, text }
}

/// Business name on the left, its address right-aligned at the right margin, all
/// above the window.
fn draw_letterhead(g: &Geometry, head: &Letterhead, page: &mut Vec<Draw>) -> Result<(), LetterError> {
    let name = clean_line(head.business_name.trim());
    if name.is_empty() {
        return Err(LetterError::MissingBusinessName);
    }
    let name_width = Font::Bold.text_width(LETTERHEAD_NAME_SIZE, &name);
    let lines: Vec<String> = split_lines(&head.address_lines).iter().map(|l| clean_line(l)).collect();
    let widest = lines.iter().map(|l| Font::Regular.text_width(LETTERHEAD_LINE_SIZE, l)).fold(0.0, f64::max);
    if name_width + 18.0 + widest > g.text_width() {
        return Err(LetterError::LetterheadDoesNotFit(
            "the business name and the widest address line do not fit side by side".to_owned(),
        ));
    }
    let last_baseline = LETTERHEAD_FIRST_BASELINE + LETTERHEAD_LINE_LEADING * lines.len().saturating_sub(1) as f64;
    if last_baseline > g.window.y - 6.0 {
        return Err(LetterError::LetterheadDoesNotFit(format!(
            "{} address lines reach into the window area",
            lines.len()
        )));
    }
    page.push(Draw::Text {
        x: g.left,
        y: LETTERHEAD_NAME_BASELINE,
        font: Font::Bold,
        size: LETTERHEAD_NAME_SIZE,
        gray: 0.0,
        text: name,
    });
    for (i, line) in lines.into_iter().enumerate() {
        let y = LETTERHEAD_FIRST_BASELINE + LETTERHEAD_LINE_LEADING * i as f64;
        page.push(right_text(g, y, Font::Regular, LETTERHEAD_LINE_SIZE, GRAY, line));
    }
    Ok(())
}

/// The recipient inside the window; on A4 also the one-line return address that
/// DIN 5008 puts just above it.
fn draw_address(g: &Geometry, head: &Letterhead, letter: &Letter, page: &mut Vec<Draw>) -> Result<(), LetterError> {
    let reference = letter.reference.clone();
    let name = letter.recipient_name.trim();
    if name.is_empty() {
        return Err(LetterError::MissingRecipientName { reference });
    }
    let address = split_lines(&letter.recipient_address);
    if address.is_empty() {
        return Err(LetterError::MissingRecipientAddress { reference });
    }
    let mut lines = vec![name.to_owned()];
    lines.extend(address);
    if lines.len() > g.address_max_lines {
        return Err(LetterError::AddressTooLong { reference, lines: lines.len(), max: g.address_max_lines });
    }
    let x = g.left;
    for (i, line) in lines.iter().enumerate() {
        let text = clean_line(line);
        if ADDRESS_FONT.text_width(ADDRESS_SIZE, &text) > g.address_max_width {
            return Err(LetterError::AddressLineTooWide { reference, line: line.clone() });
        }
        page.push(Draw::Text {
            x,
            y: g.address_first_baseline + ADDRESS_LEADING * i as f64,
            font: ADDRESS_FONT,
            size: ADDRESS_SIZE,
            gray: 0.0,
            text,
        });
    }

    if let Some(y) = g.return_line_baseline {
        let mut parts = vec![head.business_name.trim().to_owned()];
        parts.extend(split_lines(&head.address_lines));
        let text = clean_line(&parts.join(" \u{B7} "));
        let (size, text) = fit_small_line(text, g.address_max_width);
        page.push(Draw::Text { x, y, font: SMALL_FONT, size, gray: GRAY, text });
    }
    Ok(())
}

/// Shrinks the return-address line down to 5.5 pt to fit; past that, cuts it
/// and ends it with an ellipsis.
fn fit_small_line(mut text: String, max_width: f64) -> (f64, String) {
    let mut size: f64 = 7.0;
    while SMALL_FONT.text_width(size, &text) > max_width && size > 5.5 {
        size -= 0.5;
    }
    if SMALL_FONT.text_width(size, &text) > max_width {
        const ELLIPSIS: char = '\u{2026}';
        while !text.is_empty() && SMALL_FONT.text_width(size, &format!("{text}{ELLIPSIS}")) > max_width {
            text.pop();
        }
        text.push(ELLIPSIS);
    }
    (size, text)
}

/// Fold marks at the thirds (for the window envelope) and, on A4, the punch mark.
fn draw_marks(g: &Geometry, page: &mut Vec<Draw>) {
    let marks = g.fold_marks.iter().map(|&y| (y, 5.0 * MM)).chain(g.punch_mark.map(|y| (y, 7.0 * MM)));
    for (y, length) in marks {
        page.push(Draw::Line { x1: 3.5 * MM, y1: y, x2: 3.5 * MM + length, y2: y, width: 0.3, gray: 0.5 });
    }
}

fn footer_lines(g: &Geometry, head: &Letterhead) -> Vec<String> {
    let contact = head.contact_line.trim();
    if contact.is_empty() {
        return Vec::new();
    }
    wrap(contact, SMALL_FONT, SMALL_SIZE, g.text_width())
}

/// The y of the rule above the footer (the bottom of the body area).
fn footer_rule(g: &Geometry, footer: &[String]) -> f64 {
    let lines = footer.len().max(1) as f64;
    g.footer_baseline - SMALL_LEADING * (lines - 1.0) - SMALL_SIZE - 4.0
}

fn draw_footer(g: &Geometry, footer: &[String], rule_y: f64, page: &mut Vec<Draw>) {
    if footer.is_empty() {
        return;
    }
    page.push(Draw::Line { x1: g.left, y1: rule_y, x2: g.right, y2: rule_y, width: 0.4, gray: 0.6 });
    let first_baseline = g.footer_baseline - SMALL_LEADING * (footer.len() - 1) as f64;
    for (i, line) in footer.iter().enumerate() {
        let width = SMALL_FONT.text_width(SMALL_SIZE, line);
        page.push(Draw::Text {
            x: g.left + (g.text_width() - width) / 2.0,
            y: first_baseline + SMALL_LEADING * i as f64,
            font: SMALL_FONT,
            size: SMALL_SIZE,
            gray: GRAY,
            text: line.clone(),
        });
    }
}

/// On later pages: who it is from, the reference and "Page n of N".
fn draw_continuation_header(
    g: &Geometry,
    head: &Letterhead,
    letter: &Letter,
    number: usize,
    total: usize,
    page: &mut Vec<Draw>,
) {
    let reference = letter.reference.trim();
    let label = if reference.is_empty() {
        letter.labels.page(number, total)
    } else {
        format!("{reference} \u{B7} {}", letter.labels.page(number, total))
    };
    let label = clean_line(&label);
    let label_width = Font::Regular.text_width(9.0, &label);
    let mut name = clean_line(head.business_name.trim());
    while !name.is_empty() && Font::Bold.text_width(9.0, &name) + 12.0 + label_width > g.text_width() {
        name.pop();
    }
    page.push(Draw::Text {
        x: g.left,
        y: CONTINUATION_HEADER_BASELINE,
        font: Font::Bold,
        size: 9.0,
        gray: 0.0,
        text: name,
    });
    page.push(right_text(g, CONTINUATION_HEADER_BASELINE, Font::Regular, 9.0, 0.0, label));
    page.push(Draw::Line {
        x1: g.left,
        y1: CONTINUATION_HEADER_BASELINE + 6.0,
        x2: g.right,
        y2: CONTINUATION_HEADER_BASELINE + 6.0,
        width: 0.4,
        gray: 0.6,
    });
}

fn body_rows(text: &str, font: Font, size: f64, leading: f64, x: f64, width: f64) -> Vec<Row> {
    wrap(text.trim(), font, size, width).into_iter().map(|line| Row::text(font, size, leading, x, line)).collect()
}

/// The body in reading order: reference and date, salutation, paragraphs, the
/// offer box, the closing with room for a signature.
fn body_blocks(g: &Geometry, letter: &Letter) -> Vec<Block> {
    let width = g.text_width();
    let mut blocks = Vec::new();

    let reference = letter.reference.trim();
    let date = clean_line(letter.date.trim());
    let mut reference_row = Row::space(BODY_LEADING);
    if !reference.is_empty() {
        reference_row.spans.push(Span {
            x: 0.0,
            align: Align::Left,
            font: Font::Regular,
            size: 9.0,
            gray: GRAY,
            text: clean_line(&format!("{} {reference}", letter.labels.reference)),
        });
    }
    let mut rows = vec![reference_row];
    if !date.is_empty() {
        let date_span = Span { x: width, align: Align::Right, font: BODY_FONT, size: BODY_SIZE, gray: 0.0, text: date };
        let used = rows[0].spans.first().map(|s| s.font.text_width(s.size, &s.text) + 18.0).unwrap_or(0.0);
        if used + BODY_FONT.text_width(BODY_SIZE, &date_span.text) <= width {
            rows[0].spans.push(date_span);
        } else {
            rows.push(Row { height: BODY_LEADING, spans: vec![date_span] });
        }
    }
    blocks.push(Block { space_before: 0.0, rows, keep: Keep::Together, frame: None });

    if !letter.salutation.trim().is_empty() {
        blocks.push(Block {
            space_before: 2.0 * BODY_LEADING,
            rows: body_rows(&letter.salutation, BODY_FONT, BODY_SIZE, BODY_LEADING, 0.0, width),
            keep: Keep::AtLeast(2),
            frame: None,
        });
    }

    for (i, paragraph) in letter.paragraphs.iter().filter(|p| !p.trim().is_empty()).enumerate() {
        blocks.push(Block {
            space_before: if i == 0 { BODY_LEADING } else { PARAGRAPH_GAP },
            rows: body_rows(paragraph, BODY_FONT, BODY_SIZE, BODY_LEADING, 0.0, width),
            keep: Keep::AtLeast(2),
            frame: None,
        });
    }

    if let Some(offer) = letter.offer.as_deref().filter(|o| !o.trim().is_empty()) {
        let inner = width - 2.0 * OFFER_PADDING;
        let mut rows = vec![Row::text(Font::Bold, 10.0, 14.0, OFFER_PADDING, letter.labels.offer_heading.clone())];
        rows.extend(body_rows(offer, BODY_FONT, BODY_SIZE, BODY_LEADING, OFFER_PADDING, inner));
        blocks.push(Block { space_before: BODY_LEADING, rows, keep: Keep::Together, frame: Some(OFFER_PADDING) });
    }

    let mut rows = Vec::new();
    if !letter.closing.trim().is_empty() {
        rows.extend(body_rows(&letter.closing, BODY_FONT, BODY_SIZE, BODY_LEADING, 0.0, width));
    }
    // Room for a handwritten signature: the letter is signed by a person.
    rows.push(Row::space(3.0 * BODY_LEADING));
    rows.extend(body_rows(&letter.signature_name, BODY_FONT, BODY_SIZE, BODY_LEADING, 0.0, width));
    if !letter.signature_title.trim().is_empty() {
        let mut title = body_rows(&letter.signature_title, BODY_FONT, BODY_SIZE, BODY_LEADING, 0.0, width);
        for row in &mut title {
            for span in &mut row.spans {
                span.gray = GRAY;
            }
        }
        rows.extend(title);
    }
    blocks.push(Block { space_before: BODY_LEADING, rows, keep: Keep::Together, frame: None });
    blocks
}

/// Pours blocks onto pages.
struct Flow<'g> {
    g: &'g Geometry,
    pages: Vec<Vec<Draw>>,
    /// Top of the next row on the current page.
    y: f64,
    /// Nothing has been placed on the current page yet.
    at_top: bool,
    /// The lowest y a row may reach.
    bottom: f64,
}

impl Flow<'_> {
    fn place(&mut self, block: &Block) {
        let padding = block.frame.unwrap_or(0.0);
        let mut rows = &block.rows[..];
        let mut first_piece = true;
        while !rows.is_empty() {
            if first_piece && !self.at_top {
                self.y += block.space_before;
            }
            first_piece = false;
            let available = self.bottom - self.y - 2.0 * padding;
            let mut used = 0.0;
            let fit = rows
                .iter()
                .take_while(|r| {
                    used += r.height;
                    used <= available + 1e-6
                })
                .count();
            let mut n = if fit >= rows.len() {
                rows.len()
            } else {
                match block.keep {
                    Keep::Together => 0,
                    Keep::AtLeast(k) => {
                        let mut n = fit;
                        if rows.len() - n < k {
                            n = rows.len().saturating_sub(k);
                        }
                        if n < k { 0 } else { n }
                    }
                }
            };
            if n == 0 && self.at_top {
                // Taller than a whole page: split it where it must.
                n = fit.max(1);
            }
            if n > 0 {
                self.draw_rows(&rows[..n], padding, block.frame.is_some());
                rows = &rows[n..];
            }
            if !rows.is_empty() {
                self.new_page();
            }
        }
    }

    fn draw_rows(&mut self, rows: &[Row], padding: f64, framed: bool) {
        let top = self.y;
        let mut y = top + padding;
        let (left, right) = (self.g.left, self.g.right);
        let page = self.current_page();
        for row in rows {
            let baseline = y + baseline_offset(row.height);
            for span in &row.spans {
                let x = match span.align {
                    Align::Left => left + span.x,
                    Align::Right => left + span.x - span.font.text_width(span.size, &span.text),
                };
                page.push(Draw::Text {
                    x,
                    y: baseline,
                    font: span.font,
                    size: span.size,
                    gray: span.gray,
                    text: span.text.clone(),
                });
            }
            y += row.height;
        }
        y += padding;
        if framed {
            page.push(Draw::Frame { x: left, y: top, w: right - left, h: y - top, width: 0.8 });
        }
        self.y = y;
        self.at_top = false;
    }

    fn current_page(&mut self) -> &mut Vec<Draw> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.g.next_body_top;
        self.at_top = true;
    }
}
