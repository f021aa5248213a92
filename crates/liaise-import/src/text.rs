//! Reading a plain-text WTSA contribution (as saved from Word as plain text) into a
//! [`Document`].
//!
//! Each line becomes one paragraph whose text is a single unchanged piece. `[bookmark: ...]`
//! markers are removed, CR LF and CR become LF and a leading byte-order mark is dropped.
//!
//! What can be recovered: the layout (abstract, proposal line, target, title, history,
//! preamble, section headings, item labels, section texts) and the "as loaded" text, in
//! which deleted and inserted text run together (`Hammamet, 2016New Delhi, 2024`). The before
//! and after texts cannot be told apart from text alone, so the proposal recognizer reports the
//! as-loaded text as both; for most parts of a proposal that is the after text. The one
//! exception it repairs is a revision written run together, such as
//! `(Rev. Hammamet, 2016New Delhi, 2024)`, which it splits into before and after (see
//! [`crate::proposal`]). Styles, tables and tracked-change authors and dates are lost.

use crate::error::ImportError;
use crate::model::{Document, Paragraph, SourceFormat};

/// Reads UTF-8 plain text into a [`Document`] of one paragraph per line.
///
/// Fails with [`ImportError::NotUtf8`] (giving the offset of the first bad byte) or with
/// [`ImportError::Empty`] when there is nothing but whitespace.
pub fn read(bytes: &[u8]) -> Result<Document, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        offset: e.valid_up_to(),
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ImportError::Empty);
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let paragraphs = text
        .split('\n')
        .map(|line| Paragraph::plain(&remove_bookmarks(line)))
        .collect();
    Ok(Document {
        format: SourceFormat::Text,
        paragraphs,
        tables: Vec::new(),
    })
}

/// Removes `[bookmark: name]` markers.
fn remove_bookmarks(line: &str) -> String {
    const OPEN: &str = "[bookmark: ";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(OPEN) {
        let (before, from_marker) = rest.split_at(start);
        match from_marker.find(']') {
            Some(end) => {
                out.push_str(before);
                rest = from_marker.get(end + 1..).unwrap_or("");
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        assert_eq!(remove_bookmarks(input), expected, "input: {input:?}");
    }

    #[test]
    fn bookmarks_are_removed() {
        check("plain", "plain");
        check("[bookmark: _Toc1]RESOLUTION 11", "RESOLUTION 11");
        check("[bookmark: a][bookmark: b]x", "x");
        check("a[bookmark: b]c[bookmark: d]", "ac");
        check("[bookmark: unterminated", "[bookmark: unterminated");
        check("[other] text", "[other] text");
        check("", "");
    }

    #[test]
    fn lines_become_paragraphs() {
        let doc = read(b"a\r\nb\rc\n").unwrap();
        let texts: Vec<_> = doc.paragraphs.iter().map(|p| p.as_loaded_text()).collect();
        assert_eq!(texts, ["a", "b", "c", ""]);
    }

    #[test]
    fn bad_input() {
        assert!(matches!(read(b""), Err(ImportError::Empty)));
        assert!(matches!(read(b" \n\t"), Err(ImportError::Empty)));
        assert!(matches!(
            read(b"abc\xffdef"),
            Err(ImportError::NotUtf8 { offset: 3 })
        ));
    }
}
