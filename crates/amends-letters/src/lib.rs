//! Printed follow-up letters for Amends, as PDF.
//!
//! After a case is fixed, the business sends the customer a personal letter by post
//! (step 9 of the playbook, "Follow up"): it apologises, says what was done and what
//! changed, and carries an offer for next time. This crate turns a [`Letter`] and the
//! business's [`Letterhead`] into a print-ready PDF: one letter with
//! [`render_letter`], or a whole print run with [`render_batch`] (each letter starts
//! on a new page, so the printer's output can be folded and stuffed as it comes).
//!
//! The address sits in the window of a standard window envelope (see [`PageSize`]
//! for where exactly); the body wraps on the real font metrics, flows onto further
//! pages when it is long (those carry the reference and "Page n of N"), and the
//! offer stands in a framed box.
//!
//! The PDF is written with krilla and set in DejaVu Sans (regular and bold, bundled
//! with their licence in `fonts/`): each PDF embeds a subset of the font, only the
//! glyphs its letters use, so names and words in Latin (with its Central European and
//! Turkish letters), Greek and Cyrillic print as written, and the text stays
//! extractable (copy, search, `pdftotext`). A character the font has no glyph for
//! (CJK, most emoji) would print as an empty box: [`characters_without_glyph`] lists
//! them, so a preview can say so before anything is printed. Soft hyphens and
//! zero-width characters are dropped. The output is deterministic: the same input
//! gives the same bytes (no dates inside; the document ID is a hash of the content).
//!
//! What this crate must not do: any I/O (no files, no network, no printing — it
//! returns bytes and the caller stores or sends them), any database access, or any
//! decision about *what* the letter says (the wording is the domain's and the
//! language coach's business; this crate only sets it on paper).

mod font;
mod layout;
mod pdf;
mod wrap;

/// The sender, printed at the top of the first page, in the return-address line
/// (A4) and in the footer of every page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Letterhead {
    pub business_name: String,
    /// Street, town, ...: right-aligned at the top of the first page.
    pub address_lines: Vec<String>,
    /// Phone · email · web; the footer of every page.
    pub contact_line: String,
}

/// One follow-up letter to one customer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Letter {
    pub recipient_name: String,
    /// The postal address under the name; blank lines are skipped. It must fit the
    /// envelope window: see [`PageSize`] for the number of lines and the width.
    pub recipient_address: Vec<String>,
    /// Printed as given (formatting dates is the caller's job, in the customer's
    /// language).
    pub date: String,
    /// The case reference, e.g. "AM-1042": under the address and on every later page.
    pub reference: String,
    pub salutation: String,
    /// The apology, what was done, what changed, the offer for next time. A `\n`
    /// inside a paragraph is a hard line break; blank paragraphs are skipped.
    pub paragraphs: Vec<String>,
    /// Something the customer has still to come for (a voucher, a table booked), shown
    /// in a framed box headed "For your next visit". A gesture already given belongs
    /// in the paragraphs.
    pub offer: Option<String>,
    pub closing: String,
    pub signature_name: String,
    pub signature_title: String,
    /// The words the layout itself prints, in the letter's language.
    pub labels: Labels,
}

/// The few words a letter's layout prints besides its text, in the letter's language
/// (the caller's: this crate knows no language).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    /// Over the framed offer: "For your next visit".
    pub offer_heading: String,
    /// Before the reference under the address: "Our reference:".
    pub reference: String,
    /// A page's number: "Page {n} of {total}", the two placeholders filled in.
    pub page: String,
}

impl Default for Labels {
    fn default() -> Self {
        Self {
            offer_heading: "For your next visit".to_owned(),
            reference: "Our reference:".to_owned(),
            page: "Page {n} of {total}".to_owned(),
        }
    }
}

impl Labels {
    pub(crate) fn page(&self, n: usize, total: usize) -> String {
        self.page.replace("{n}", &n.to_string()).replace("{total}", &total.to_string())
    }
}

/// The paper, and with it the envelope the letter is folded into.
///
/// Positions are measured from the top-left corner of the sheet.
///
/// - `A4` (210 × 297 mm), DIN 5008 form B, for a C5/6 or DL window envelope
///   (window 90 × 45 mm, 20 mm from the left, 15 mm from the top; DIN 680). The
///   address field is 85 × 45 mm at 20 mm from the left and 45 mm from the top;
///   its first 17.7 mm hold the sender's one-line return address (7 pt, shrunk
///   or cut to fit), the remaining 27.3 mm the recipient: name plus up to 6
///   address lines, 10 pt DejaVu Sans, starting 25 mm from the left, each at most
///   79 mm wide. Fold marks at 105 and 210 mm, a punch mark at 148.5 mm.
/// - `Letter` (8.5 × 11 in), for a US #10 window envelope (window 4.5 × 1.125 in,
///   7/8 in from the left and 1/2 in from the bottom). Folded in thirds, the sheet
///   shows through the window between about 2.25 and 3.375 in from its top, from
///   7/8 in to 5 3/8 in across; the recipient starts at 1 in from the left and
///   2.375 in from the top: name plus up to 4 address lines, each at most 4.25 in
///   wide. No return address is printed (it is on the envelope). Fold marks at
///   the thirds.
///
/// An address that does not fit is an error ([`LetterError::AddressTooLong`],
/// [`LetterError::AddressLineTooWide`]), never silently cut: a letter must reach
/// the customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PageSize {
    #[default]
    A4,
    Letter,
}

/// A rectangle on the sheet, in points (1/72 in) from its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl PageSize {
    /// Width and height of the sheet in points.
    pub fn dimensions(self) -> (f64, f64) {
        layout::page_dimensions(self)
    }

    /// The part of the sheet that shows through the envelope window (for A4, the
    /// DIN 5008 address field); the recipient's address is always inside it.
    pub fn window_area(self) -> Area {
        let r = layout::window(self);
        Area { x: r.x, y: r.y, width: r.w, height: r.h }
    }
}

/// Why a letter could not be set. Every case that concerns one letter names its
/// reference, so a failing letter in a batch can be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    #[error("a print run needs at least one letter")]
    EmptyBatch,
    #[error("the letterhead has no business name")]
    MissingBusinessName,
    #[error("the letterhead does not fit: {0}")]
    LetterheadDoesNotFit(String),
    #[error("letter {reference:?} has no recipient name")]
    MissingRecipientName { reference: String },
    #[error("letter {reference:?} has no recipient address")]
    MissingRecipientAddress { reference: String },
    #[error("letter {reference:?}: the address has {lines} lines with the name; the window holds {max}")]
    AddressTooLong { reference: String, lines: usize, max: usize },
    #[error("letter {reference:?}: the address line {line:?} is wider than the window")]
    AddressLineTooWide { reference: String, line: String },
    #[error("the letters' font could not be read")]
    FontUnreadable,
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The characters of a letter (and its letterhead) that the bundled font has no glyph
/// for, each once, in the order they first appear: they would print as empty boxes.
pub fn characters_without_glyph(head: &Letterhead, letter: &Letter) -> Vec<char> {
    let mut texts: Vec<&str> = vec![&head.business_name, &head.contact_line];
    texts.extend(head.address_lines.iter().map(String::as_str));
    texts.extend([
        letter.recipient_name.as_str(),
        &letter.date,
        &letter.reference,
        &letter.salutation,
        &letter.closing,
        &letter.signature_name,
        &letter.signature_title,
    ]);
    texts.extend(letter.recipient_address.iter().map(String::as_str));
    texts.extend(letter.paragraphs.iter().map(String::as_str));
    texts.extend(letter.offer.as_deref());
    let mut missing = Vec::new();
    for c in texts.iter().flat_map(|t| font::clean_line(t).chars().collect::<Vec<_>>()) {
        if c != ' ' && !font::Font::Regular.covers(c) && !missing.contains(&c) {
            missing.push(c);
        }
    }
    missing
}

/// Renders one letter as a PDF; a long letter flows onto further pages.
pub fn render_letter(head: &Letterhead, letter: &Letter, size: PageSize) -> Result<Vec<u8>, LetterError> {
    if !font::available() {
        return Err(LetterError::FontUnreadable);
    }
    let pages = layout::layout_letter(head, letter, size)?;
    let (width, height) = size.dimensions();
    let title = format!("Letter {}", letter.reference.trim());
    pdf::write_document(width, height, title.trim(), &pages)
}

/// Renders a print run as one PDF, each letter starting on a new page.
///
/// Fails on an empty batch, and on the first letter that cannot be set (nothing is
/// printed half: fix that letter, or leave it out, and render again).
pub fn render_batch(head: &Letterhead, letters: &[Letter], size: PageSize) -> Result<Vec<u8>, LetterError> {
    if letters.is_empty() {
        return Err(LetterError::EmptyBatch);
    }
    if !font::available() {
        return Err(LetterError::FontUnreadable);
    }
    let mut pages = Vec::new();
    for letter in letters {
        pages.extend(layout::layout_letter(head, letter, size)?);
    }
    let (width, height) = size.dimensions();
    let title = format!("Follow-up letters ({})", letters.len());
    pdf::write_document(width, height, &title, &pages)
}
