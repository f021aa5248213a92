//! Bounded text fields.

use crate::error::DomainError;

/// A short text shown in an error message, cut so a huge input does not echo back whole;
/// characters that would hide or reorder the message (controls, bidirectional controls,
/// noncharacters, invisible ones) are shown as `<U+XXXX>`.
pub fn preview(s: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() || forbidden(c).is_some() || (c != ' ' && invisible(c)) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// Why `c` may appear in no text at all, or `None`: a noncharacter (U+FDD0–U+FDEF, and
/// U+FFFE/U+FFFF in every plane) or a bidirectional override or isolate (U+202A–U+202E,
/// U+2066–U+2069), which make text read differently from what it is.
pub fn forbidden(c: char) -> Option<&'static str> {
    let n = u32::from(c);
    if (0xFDD0..=0xFDEF).contains(&n) || n & 0xFFFE == 0xFFFE {
        Some("a noncharacter, which is not text")
    } else if (0x202A..=0x202E).contains(&n) || (0x2066..=0x2069).contains(&n) {
        Some("a bidirectional override, which changes the order text is shown in")
    } else {
        None
    }
}

/// Whether `c` shows nothing: white space, or a default-ignorable code point (zero-width
/// space and joiners, word joiner, byte order mark, soft hyphen, direction marks, variation
/// selectors, tags, Hangul fillers …), or the blank Braille pattern.
pub fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(u32::from(c),
            0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
            | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x2800 | 0x3164
            | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8 | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// The first character of `s` that may appear in no text, as a message for its field.
fn check_forbidden(field: &str, s: &str) -> Result<(), DomainError> {
    match s.chars().find_map(|c| forbidden(c).map(|why| (c, why))) {
        Some((c, why)) => Err(DomainError::invalid(
            field,
            format!("must not contain U+{:04X} ({why})", u32::from(c)),
        )),
        None => Ok(()),
    }
}

/// `raw` trimmed, or `None` when nothing of it would show (only white space and invisible
/// characters): such a text counts as empty.
fn visible(raw: &str) -> Option<&str> {
    let s = raw.trim();
    if s.chars().all(invisible) {
        None
    } else {
        Some(s)
    }
}

const ONLY_INVISIBLE: &str = "must not be empty (it has only invisible characters)";

/// A required line of text: trimmed, not empty nor only invisible characters, at most `max`
/// characters, no control characters, line separators, noncharacters or bidirectional
/// overrides.
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
    if s.chars()
        .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(DomainError::invalid(
            field,
            "must be one line without control characters",
        ));
    }
    check_forbidden(field, s)?;
    if visible(s).is_none() {
        return Err(DomainError::invalid(field, ONLY_INVISIBLE));
    }
    Ok(s.to_owned())
}

/// An optional line: empty means absent; one of only invisible characters is refused, as it
/// would look absent but be kept.
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

/// An optional multi-line text (mandates, descriptions, statement text): trimmed, at most
/// `max` characters; ordinary newlines and tabs are kept, other control characters,
/// noncharacters and bidirectional overrides are refused, and so is a text of only invisible
/// characters.
pub fn optional_text(
    field: &str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, DomainError> {
    let s = match raw.map(str::trim) {
        None | Some("") => return Ok(None),
        Some(s) => s,
    };
    if s.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    check_forbidden(field, s)?;
    if visible(s).is_none() {
        return Err(DomainError::invalid(field, ONLY_INVISIBLE));
    }
    Ok(Some(s.to_owned()))
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

    /// What a check gives: the kept text, or the error's message.
    fn outcome(
        r: Result<Option<String>, DomainError>,
        field: &str,
    ) -> Result<Option<String>, String> {
        r.map_err(|e| {
            let DomainError::Invalid(errors) = &e else {
                panic!("{e}")
            };
            assert_eq!(errors[0].field, field, "{e}");
            errors[0].message.clone()
        })
    }

    /// `expected`: `Ok(kept)` or `Err(part of the message)`; every text kind is checked:
    /// a required line, an optional line and a multi-line text.
    fn check(input: &str, expected: Result<Option<&str>, &str>) {
        let kinds: [(&str, Result<Option<String>, DomainError>); 3] = [
            ("title", line("title", input, 100).map(Some)),
            ("name_fr", optional_line("name_fr", Some(input), 100)),
            ("text", optional_text("text", Some(input), 100)),
        ];
        for (field, got) in kinds {
            let got = outcome(got, field);
            match (&got, expected) {
                (Ok(kept), Ok(want)) => {
                    // An empty optional field is absent; a required one is refused above.
                    if field != "title" || want.is_some() {
                        assert_eq!(kept.as_deref(), want, "{field}: {input:?}");
                    }
                }
                (Err(message), Err(want)) => {
                    assert!(message.contains(want), "{field}: {input:?}: {message}");
                }
                (Err(message), Ok(None)) if field == "title" => {
                    assert!(
                        message.contains("must not be empty"),
                        "{input:?}: {message}"
                    );
                }
                _ => panic!("{field}: {input:?}: got {got:?}, expected {expected:?}"),
            }
        }
    }

    #[test]
    fn text_that_hides_or_lies_is_refused_everywhere() {
        check("QoS of postal services", Ok(Some("QoS of postal services")));
        check("  Café  ", Ok(Some("Café")));
        check("", Ok(None));
        check(" \u{3000} ", Ok(None));
        // Invisible characters inside visible text are kept (joiners in scripts and emoji,
        // direction marks in Arabic and Hebrew text).
        check("a\u{200D}b", Ok(Some("a\u{200D}b")));
        check("\u{05E9}\u{200F}123", Ok(Some("\u{05E9}\u{200F}123")));
        check("\u{2764}\u{FE0F}", Ok(Some("\u{2764}\u{FE0F}")));
        // Only invisible characters: empty.
        check("\u{200B}", Err("only invisible characters"));
        check(
            " \u{200B}\u{200C}\u{FEFF} ",
            Err("only invisible characters"),
        );
        check("\u{2060}\u{00AD}", Err("only invisible characters"));
        check("\u{3164}", Err("only invisible characters"));
        check("\u{2800}", Err("only invisible characters"));
        check("\u{200E}", Err("only invisible characters"));
        check("\u{E0041}", Err("only invisible characters"));
        // Noncharacters.
        check("a\u{FFFE}", Err("U+FFFE (a noncharacter"));
        check("\u{FFFF}b", Err("U+FFFF (a noncharacter"));
        check("a\u{FDD0}", Err("U+FDD0 (a noncharacter"));
        check("a\u{10FFFF}", Err("U+10FFFF (a noncharacter"));
        check("a\u{1FFFE}", Err("U+1FFFE (a noncharacter"));
        // Bidirectional overrides and isolates, each of them.
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let want = format!("U+{:04X} (a bidirectional override", u32::from(c));
            check(&format!("invoice{c}fdp.exe"), Err(&want));
            check(&c.to_string(), Err(&want));
        }
        check("\u{202E}", Err("U+202E"));
        // Long text keeps newlines and tabs, but not the rest.
        assert_eq!(
            optional_text("text", Some("# Title\r\n\n\tcode"), 100).ok(),
            Some(Some("# Title\r\n\n\tcode".to_owned()))
        );
        assert!(optional_text("text", Some("a\n\u{202E}b"), 100).is_err());
        assert!(optional_text("text", Some("\n\u{200B}\n"), 100).is_err());
        // A line separator is a second line.
        assert!(line("title", "a\u{2028}b", 100).is_err());
    }

    #[test]
    fn previews_show_what_hides() {
        assert_eq!(preview("a\u{202E}txt.exe"), "a<U+202E>txt.exe");
        assert_eq!(preview("\u{200B}"), "<U+200B>");
        assert_eq!(preview("a\u{0}b c"), "a<U+0000>b c");
        assert_eq!(preview("Café"), "Café");
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
