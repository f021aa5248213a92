//! Fuzzes the plain-text importer.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = liaise_import::import_text(data);
});
