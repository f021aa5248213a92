//! Bounded text fields.

use crate::error::DomainError;

/// A short text shown in an error message, cut so a huge input does not echo back whole.
pub fn preview(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

/// A required line of text: trimmed, not empty, at most `max` characters, no control characters.
pub fn line(field: &str, raw: &str, max: usize) -> Result<String, DomainError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if s.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            "must be one line without control characters",
        ));
    }
    Ok(s.to_owned())
}

/// An optional line: empty means absent.
pub fn optional_line(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => line(field, s, max).map(Some),
    }
}

/// An optional multi-line text (mandates, descriptions): trimmed, at most `max` characters.
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > max => Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(s)
            if s.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) =>
        {
            Err(DomainError::invalid(
                field,
                "must not contain control characters",
            ))
        }
        Some(s) => Ok(Some(s.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            line("name", "  Security ", 10).ok().as_deref(),
            Some("Security")
        );
        assert!(line("name", "   ", 10).is_err());
        assert!(line("name", "12345678901", 10).is_err());
        assert!(line("name", "a\nb", 10).is_err());
        assert_eq!(optional_line("n", Some(" "), 5).ok(), Some(None));
        assert!(optional_text("m", Some("a\nb"), 5).is_ok());
        assert!(optional_text("m", Some("a\u{0}b"), 5).is_err());
        assert_eq!(preview(&"x".repeat(100)).chars().count(), 41);
    }
}
