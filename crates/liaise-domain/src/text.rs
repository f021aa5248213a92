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

/// The years this domain's items can carry: from the founding of the ITU (1865) to 9999.
/// Outside, a date is a typing mistake (and PostgreSQL cannot store years before 4713 BC).
pub const YEARS: std::ops::RangeInclusive<i32> = 1865..=9999;

/// A year a list is filtered by, or a date's year: within [`YEARS`].
pub fn year(field: &str, y: i32) -> Result<i32, DomainError> {
    if YEARS.contains(&y) {
        Ok(y)
    } else {
        Err(DomainError::invalid(
            field,
            format!(
                "{y} is not a year of this record: give a year from {} to {}",
                YEARS.start(),
                YEARS.end()
            ),
        ))
    }
}

/// An optional year filter, checked like [`year`].
pub fn optional_year(field: &str, y: Option<i32>) -> Result<Option<i32>, DomainError> {
    y.map(|y| year(field, y)).transpose()
}

/// A calendar date written `YYYY-MM-DD`, with its year within [`YEARS`].
pub fn date(field: &str, raw: &str) -> Result<time::Date, DomainError> {
    let s = raw.trim();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, format).map_err(|_| {
        DomainError::invalid(
            field,
            format!("`{}` is not a date in the form YYYY-MM-DD", preview(s)),
        )
    })?;
    year(field, d.year())?;
    Ok(d)
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_and_years() {
        fn check(raw: &str, ok: bool) {
            assert_eq!(date("date", raw).is_ok(), ok, "{raw}");
        }
        check("2026-12-06", true);
        check("1865-05-17", true);
        check(" 2024-10-15 ", true);
        check("0000-01-01", false);
        check("1864-12-31", false);
        check("-5308-01-01", false);
        check("2026-02-30", false);
        check("2026-1-5", false);
        check("", false);
        for (y, ok) in [
            (2025, true),
            (1865, true),
            (9999, true),
            (0, false),
            (-5308, false),
            (10000, false),
        ] {
            assert_eq!(year("year", y).is_ok(), ok, "{y}");
        }
    }
}
