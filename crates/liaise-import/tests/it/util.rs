//! Helpers: fixture paths and hand-written WordprocessingML zipped into .docx files.

use std::io::{Cursor, Write};
use std::path::PathBuf;

use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

pub fn fixture(name: &str) -> Vec<u8> {
    let path = fixture_path(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

pub const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// Wraps body XML into a `w:document`.
pub fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>{body}</w:body></w:document>"#
    )
}

/// A zip archive with the given entries, deflated.
pub fn zip_entries(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A .docx whose main document is exactly `xml`.
pub fn docx_with_document(xml: &str) -> Vec<u8> {
    zip_entries(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", xml.as_bytes()),
    ])
}

/// A .docx with the given body XML.
pub fn docx(body: &str) -> Vec<u8> {
    docx_with_document(&document_xml(body))
}

/// A paragraph of plain runs; `\t` in the text becomes `w:tab`.
pub fn p(text: &str) -> String {
    p_styled(None, text)
}

pub fn p_styled(style: Option<&str>, text: &str) -> String {
    let ppr = style.map_or(String::new(), |s| {
        format!(r#"<w:pPr><w:pStyle w:val="{s}"/></w:pPr>"#)
    });
    format!("<w:p>{ppr}{}</w:p>", runs(text))
}

/// Runs for text; `\t` becomes `w:tab`.
pub fn runs(text: &str) -> String {
    text.split('\t')
        .map(|t| format!(r#"<w:r><w:t xml:space="preserve">{t}</w:t></w:r>"#))
        .collect::<Vec<_>>()
        .join("<w:r><w:tab/></w:r>")
}

pub fn ins(author: &str, text: &str) -> String {
    format!(
        r#"<w:ins w:id="1" w:author="{author}" w:date="2024-01-01T00:00:00Z"><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:ins>"#
    )
}

pub fn del(author: &str, text: &str) -> String {
    format!(
        r#"<w:del w:id="2" w:author="{author}" w:date="2024-01-02T00:00:00Z"><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>"#
    )
}
