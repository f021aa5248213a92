//! Fuzzes the .docx importer. The first byte picks the mode: raw bytes as the .docx (exercises
//! the zip reader), or the rest of the input stored as `word/document.xml` inside a valid zip
//! (exercises the XML reader and the proposal recogniser).
#![no_main]

use std::io::{Cursor, Write};

use liaise_import::{Limits, import_docx_with};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_uncompressed_bytes: 8 << 20,
        ..Limits::default()
    };
    match data.split_first() {
        Some((mode, xml)) if mode % 2 == 1 => {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Stored);
            if w.start_file("word/document.xml", options).is_err() || w.write_all(xml).is_err() {
                return;
            }
            if let Ok(cursor) = w.finish() {
                let _ = import_docx_with(&cursor.into_inner(), &limits);
            }
        }
        _ => {
            let _ = import_docx_with(data, &limits);
        }
    }
});
