//! Text normalisation used for every text the proposal recognizer outputs.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

/// Normalises text for comparison and storage: Unicode NFC, every run of whitespace (space,
/// tab, line break, U+00A0 no-break space and other Unicode white space) becomes one space,
/// and leading and trailing whitespace is removed.
///
/// ```
/// assert_eq!(liaise_import::normalize("  No.\u{a0}9\t of\n the "), "No. 9 of the");
/// ```
pub fn normalize(s: &str) -> String {
    normalize_cow(s).into_owned()
}

/// [`normalize`], borrowing the text when it is already normalised (common for ASCII text).
pub(crate) fn normalize_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        // ASCII is NFC.
        return squeeze_ascii(s);
    }
    // Most text is already NFC: composing it again would only cost time.
    Cow::Owned(
        if unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes
        {
            squeeze(s.chars(), s.len())
        } else {
            squeeze(s.nfc(), s.len())
        },
    )
}

/// ASCII white space as `char::is_whitespace` sees it: tab, line feed, vertical tab, form
/// feed, carriage return and space.
fn is_ascii_space(b: u8) -> bool {
    b == b' ' || (b'\t'..=b'\r').contains(&b)
}

/// [`squeeze`] for ASCII text: the stretches between irregular white space (anything but a
/// single space) are copied whole.
fn squeeze_ascii(s: &str) -> Cow<'_, str> {
    let mut rest = s.trim_matches(|c: char| c.is_ascii() && is_ascii_space(c as u8));
    if first_irregular(rest.as_bytes()).is_none() {
        return Cow::Borrowed(rest);
    }
    let mut out = String::with_capacity(rest.len());
    while let Some(i) = first_irregular(rest.as_bytes()) {
        let (regular, tail) = rest.split_at(i);
        out.push_str(regular);
        let run = tail.bytes().take_while(|&b| is_ascii_space(b)).count();
        if run == 0 {
            // A control character that is not white space: kept. It is ASCII, one byte.
            out.push_str(tail.get(..1).unwrap_or(""));
            rest = tail.get(1..).unwrap_or("");
        } else {
            // The text is trimmed, so a run of white space is followed by more text; a single
            // space just copied is part of the run.
            if !out.ends_with(' ') {
                out.push(' ');
            }
            rest = tail.get(run..).unwrap_or("");
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
const SPACES: u64 = 0x2020_2020_2020_2020;
const CONTROL_BITS: u64 = 0xe0e0_e0e0_e0e0_e0e0;

/// The high bit of each byte of `w` that is zero, exactly (no false positives).
fn zero_bytes(w: u64) -> u64 {
    !((((w & LOW7) + LOW7) | w) | LOW7)
}

fn word_at(b: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(at..at + 8)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

/// The first position in ASCII bytes of a control character (below U+0020: tab, line break
/// and the like) or of a space followed by another space. Eight bytes at a time.
fn first_irregular(b: &[u8]) -> Option<usize> {
    let mut at = 0;
    // Each step looks at the bytes `at..at + 8` and at their successors `at + 1..at + 9`.
    while let (Some(w), Some(next)) = (word_at(b, at), word_at(b, at + 1)) {
        let control = zero_bytes(w & CONTROL_BITS);
        let double_space = zero_bytes(w ^ SPACES) & zero_bytes(next ^ SPACES);
        let hits = control | double_space;
        if hits != 0 {
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = b.get(at..)?;
    let mut prev_space = false;
    for (i, &c) in tail.iter().enumerate() {
        if c < 0x20 {
            return Some(at + i);
        }
        let space = c == b' ';
        if space && prev_space {
            return Some(at + i - 1);
        }
        prev_space = space;
    }
    None
}

/// Every run of whitespace becomes one space; leading and trailing whitespace goes.
fn squeeze(chars: impl Iterator<Item = char>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut pending_space = false;
    for c in chars {
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decomposed_text_is_composed_and_spaces_squeezed() {
        for (input, expected) in [
            ("Floriano\u{301}polis,\u{a0} 2004", "Florianópolis, 2004"),
            ("  a\t\tb \n", "a b"),
            ("", ""),
            ("\u{a0}", ""),
            ("déjà vu", "déjà vu"),
        ] {
            assert_eq!(normalize(input), expected, "{input:?}");
        }
    }

    proptest! {
        /// The fast path (text already NFC) gives what composing every time gives.
        #[test]
        fn fast_and_full_paths_agree(s in "[a-e \\t\\n\\r\u{b}\u{c}\u{a0}\u{301}\u{e9}\u{2003}]{0,40}") {
            prop_assert_eq!(normalize(&s), squeeze(s.nfc(), s.len()));
        }

        /// The ASCII paths (already squeezed, or squeezed byte by byte) agree with it too,
        /// control characters and runs longer than a check block included.
        #[test]
        fn ascii_paths_agree(s in "[a-c \\t\\n\\r\u{1}\u{b}\u{c}\u{1f}\u{7f}]{0,200}") {
            prop_assert_eq!(normalize(&s), squeeze(s.nfc(), s.len()));
        }

        /// The word-at-a-time scan finds what a byte-by-byte scan finds.
        #[test]
        fn irregular_found(s in "[a \\t\\n\u{1}\u{1f}]{0,40}") {
            let b = s.as_bytes();
            let expected = (0..b.len()).find(|&i| {
                b[i] < 0x20 || (b[i] == b' ' && b.get(i + 1) == Some(&b' '))
            });
            prop_assert_eq!(first_irregular(b), expected);
        }

        /// Long text without any white space to squeeze is returned as it is.
        #[test]
        fn squeezed_ascii_is_kept(words in proptest::collection::vec("[a-z.,()]{1,12}", 0..40)) {
            let s = words.join(" ");
            prop_assert_eq!(normalize(&s), s);
        }
    }
}
