//! Every CSV file the product writes goes through [`CsvOut`], which writes each cell through
//! [`cell`], so no export can hand a spreadsheet a formula (OWASP "CSV injection").

use std::borrow::Cow;

/// A CSV file being written in memory; each cell is neutralised by [`cell`].
pub(crate) struct CsvOut {
    inner: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    pub(crate) fn new() -> Self {
        Self {
            inner: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Writes one row, every cell through [`cell`].
    pub(crate) fn write_record<I, T>(&mut self, record: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner
            .write_record(record.into_iter().map(|c| cell(c.as_ref()).into_owned()))
    }

    /// The file's bytes.
    pub(crate) fn into_bytes(self) -> Result<Vec<u8>, csv::Error> {
        self.inner
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

/// A cell as written: one that a spreadsheet would read as a formula (it starts with `=`, `+`,
/// `-`, `@`, a tab or a carriage return) gets a leading `'`, which makes it text. Every other
/// cell is written as it is. `liaise import liaisons` reads the `'` as part of the text: a
/// statement whose title starts with `=` comes back from an export with `'=`.
///
/// A cell that is only a negative number (`-5`, `-0.25`) is left alone: a spreadsheet reads it
/// as that number, which is what it is, and there is nothing in it to execute. Anything else
/// after the sign (`-5+cmd|…`, `-1e5`, `-2024-01-01`) is not a plain number and gets the
/// quote. Dates are written `YYYY-MM-DD` and start with a digit, so they are never touched.
pub(crate) fn cell(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(b'-') if is_negative_number(s) => Cow::Borrowed(s),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// `-` then digits, with at most one `.` between digits.
fn is_negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::cell;

    fn check(input: &str, expected: &str) {
        assert_eq!(cell(input), expected, "{input:?}");
    }

    #[test]
    fn formulas_become_text() {
        check(
            "=HYPERLINK(\"http://evil\",\"x\")",
            "'=HYPERLINK(\"http://evil\",\"x\")",
        );
        check("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0");
        check("@SUM(1+1)", "'@SUM(1+1)");
        check("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0");
        check("\t=1+1", "'\t=1+1");
        check("\r=1+1", "'\r=1+1");
        check("-", "'-");
        check("-1e5", "'-1e5");
        check("-5.", "'-5.");
        check("-.5", "'-.5");
    }

    #[test]
    fn ordinary_cells_are_unchanged() {
        for s in [
            "",
            "Public LS on QoS",
            "SG12-LS4",
            "2026-04-01",
            "17",
            "-5",
            "-0.25",
            "a = b + c",
            "Quotes \"and\", commas; and\nnew lines",
            " =leading space",
            "'quoted'",
        ] {
            check(s, s);
        }
    }
}
