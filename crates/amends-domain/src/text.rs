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

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextError {
    Empty,
    TooLong(usize),
}
