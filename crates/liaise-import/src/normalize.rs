//! Text normalisation used for every text the proposal recognizer outputs.

use unicode_normalization::UnicodeNormalization;

/// Normalises text for comparison and storage: Unicode NFC, every run of whitespace (space,
/// tab, line break, U+00A0 no-break space and other Unicode white space) becomes one space,
/// and leading and trailing whitespace is removed.
///
/// ```
/// assert_eq!(liaise_import::normalize("  No.\u{a0}9\t of\n the "), "No. 9 of the");
/// ```
pub fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push(c);
        }
    }
    out
}
