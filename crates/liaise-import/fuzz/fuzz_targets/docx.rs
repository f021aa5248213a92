//! Fuzzes the .docx importer. The first byte picks the mode: raw bytes as the .docx (exercises
//! the zip reader); the rest of the input stored as `word/document.xml` inside a valid zip
//! (exercises the XML reader and the proposal recogniser); or the rest stored as
//! `word/numbering.xml` next to a fixed document of numbered items with tracked changes
//! (exercises the list definitions and Word's counting).
#![no_main]

use std::io::{Cursor, Write};

use liaise_import::{Limits, import_docx_with};
use libfuzzer_sys::fuzz_target;

/// Numbered items (lists 1 and 2, levels 0 and 1), one inserted Word-style, one deleted.
const NUMBERED: &str = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>MOD ATU/35A3/1</w:t></w:r></w:p><w:p><w:r><w:t>resolves</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:rPr><w:ins w:id="1" w:author="a"/></w:rPr></w:pPr><w:r><w:t>one</w:t></w:r></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr><w:ins w:id="2" w:author="a"><w:r><w:t>two</w:t></w:r></w:ins></w:p><w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr><w:rPr><w:del w:id="3" w:author="a"/></w:rPr></w:pPr><w:del w:id="4" w:author="a"><w:r><w:delText>three</w:delText></w:r></w:del></w:p><w:p><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr><w:r><w:t>four</w:t></w:r></w:p></w:body></w:document>"#;

fn zipped(entries: &[(&str, &[u8])]) -> Option<Vec<u8>> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        w.start_file(*name, options).ok()?;
        w.write_all(data).ok()?;
    }
    w.finish().ok().map(Cursor::into_inner)
}

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_uncompressed_bytes: 8 << 20,
        ..Limits::default()
    };
    let bytes = match data.split_first() {
        Some((mode, rest)) if mode % 4 == 3 => zipped(&[
            ("word/document.xml", NUMBERED.as_bytes()),
            ("word/numbering.xml", rest),
        ]),
        Some((mode, xml)) if mode % 2 == 1 => zipped(&[("word/document.xml", xml)]),
        _ => Some(data.to_vec()),
    };
    if let Some(bytes) = bytes {
        let _ = import_docx_with(&bytes, &limits);
    }
});
