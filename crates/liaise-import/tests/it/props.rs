//! Property tests: no input makes the importer panic.

use liaise_import::{Limits, import_docx, import_docx_with, import_text};
use proptest::prelude::*;

use crate::util::{docx_with_document, fixture, zip_entries};

fn fixture_document_xml() -> Vec<u8> {
    use std::io::Read;
    let bytes = fixture("ATU-35A3-1.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = Vec::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_end(&mut xml)
        .unwrap();
    xml
}

/// The entries of the `numbered` fixture, in order.
fn numbered_fixture_entries() -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(fixture("numbered.docx"))).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let name = f.name().unwrap().to_string();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (name, data)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import_docx(&bytes);
        let _ = import_text(&bytes);
        let mut zipish = b"PK\x03\x04".to_vec();
        zipish.extend_from_slice(&bytes);
        let _ = import_docx(&zipish);
    }

    #[test]
    fn mutated_fixture_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
        truncate in any::<bool>(),
    ) {
        let mut bytes = fixture("ATU-35A3-1.docx");
        for (i, b) in &edits {
            let i = i.index(bytes.len());
            bytes[i] = *b;
        }
        if truncate {
            bytes.truncate(cut.index(bytes.len()));
        }
        let _ = import_docx(&bytes);
    }

    /// Mutates the XML itself and zips it again, so the mutations reach the XML parser and
    /// the proposal recogniser instead of stopping at the zip checksum.
    #[test]
    fn mutated_document_xml_never_panics(
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), prop::sample::select(&b"<>/&;\"= \twxp:"[..])),
            1..6,
        ),
        delete in proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
    ) {
        let mut xml = fixture_document_xml();
        for (i, b) in &edits {
            let i = i.index(xml.len());
            xml[i] = *b;
        }
        for i in &delete {
            let i = i.index(xml.len());
            xml.remove(i);
        }
        let xml = String::from_utf8_lossy(&xml);
        let _ = import_docx_with(&docx_with_document(&xml), &Limits::default());
    }

    #[test]
    fn mutated_seed_text_never_panics(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<char>()), 1..8),
    ) {
        let seed = String::from_utf8(fixture("seed-ATU-35A3-1.txt")).unwrap();
        let mut chars: Vec<char> = seed.chars().collect();
        for (i, c) in &edits {
            let i = i.index(chars.len());
            chars[i] = *c;
        }
        let text: String = chars.into_iter().collect();
        let _ = import_text(text.as_bytes());
    }

    /// Mutates the list definitions and the styles of the numbered fixture, so the
    /// mutations reach the numbering reader and Word's counting.
    #[test]
    fn mutated_numbering_never_panics(
        part in prop::sample::select(&["word/numbering.xml", "word/styles.xml"][..]),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), prop::sample::select(&b"<>/\"= 0123456789-wx:"[..])),
            1..6,
        ),
        delete in proptest::collection::vec(any::<prop::sample::Index>(), 0..3),
    ) {
        let mut entries = numbered_fixture_entries();
        let (_, xml) = entries.iter_mut().find(|(name, _)| name == part).unwrap();
        for (i, b) in &edits {
            let i = i.index(xml.len());
            xml[i] = *b;
        }
        for i in &delete {
            let i = i.index(xml.len());
            xml.remove(i);
        }
        let entries: Vec<(&str, &[u8])> =
            entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
        let _ = import_docx(&zip_entries(&entries));
    }
}
