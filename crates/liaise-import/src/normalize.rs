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
    // Most text is already NFC (all ASCII text is): composing it again would only cost time.
    let nfc = s.is_ascii()
        || unicode_normalization::is_nfc_quick(s.chars())
            == unicode_normalization::IsNormalized::Yes;
    if s.is_ascii() && !s.contains('\x0B') {
        // ASCII white space as `char::is_whitespace` sees it (all but the vertical tab,
        // excluded above), split byte by byte.
        join_words(s.split_ascii_whitespace(), s.len())
    } else if nfc {
        join_words(s.split_whitespace(), s.len())
    } else {
        squeeze(s.nfc(), s.len())
    }
}

fn join_words<'a>(words: impl Iterator<Item = &'a str>, len: usize) -> String {
    let mut out = String::with_capacity(len);
    for word in words {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
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
    }
}
