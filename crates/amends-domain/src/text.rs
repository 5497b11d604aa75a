//! Small checks on free text shared by the parsers of this crate.

/// Trims the value and refuses it when nothing is left or it is longer than `max` chars.
pub(crate) fn required(value: &str, max: usize) -> Result<String, TextError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(TextError::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(TextError::TooLong(max));
    }
    Ok(trimmed.to_owned())
}

/// As [`required`], for text that ends up in a mail header (a name, a subject): it
/// must stay on one line, because a line break there starts a header of the writer's
/// choosing (`Dana\r\nBcc: …`). Control characters are refused, not cleaned, so the
/// person who typed them is told.
pub(crate) fn one_line(value: &str, max: usize) -> Result<String, TextError> {
    let trimmed = required(value, max)?;
    if trimmed.chars().any(char::is_control) {
        return Err(TextError::Control);
    }
    Ok(trimmed)
}

/// Folds every run of control characters and white space into one space: for
/// header-bound text that arrives where nobody can be asked again (a mail's From name).
pub fn fold_to_one_line(value: &str) -> String {
    value.split(|c: char| c.is_control() || c.is_whitespace()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Whether the text would break out of a header line.
pub fn breaks_header_line(value: &str) -> bool {
    value.chars().any(char::is_control)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextError {
    Empty,
    TooLong(usize),
    Control,
}
