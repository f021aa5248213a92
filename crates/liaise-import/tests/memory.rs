//! The heap a hostile .docx costs before it is refused: each zip bomb variant is refused with
//! its specific error while the process's heap grows by at most 10 MiB.
//!
//! A binary of its own, with one test: the counting allocator sees every thread's allocations,
//! so nothing else may run beside the measurement.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{Cursor, Write};

use liaise_import::{ImportError, LimitKind, import_docx};
use peak_alloc::PeakAlloc;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

const MIB: usize = 1 << 20;
/// Most heap an import may take above what was in use before it, hostile input or not.
const BUDGET: usize = 10 * MIB;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#;
const TAIL: &str = "</w:body></w:document>";

/// One entry's content: a head, a unit repeated up to `size` bytes, a tail; streamed.
struct Part<'a> {
    name: &'a str,
    head: &'a str,
    unit: &'a str,
    size: usize,
    tail: &'a str,
}

fn zip_of(parts: &[Part<'_>]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for part in parts {
        w.start_file(part.name, options).unwrap();
        w.write_all(part.head.as_bytes()).unwrap();
        if !part.unit.is_empty() {
            let chunk = part.unit.repeat(MIB / part.unit.len() + 1);
            let mut left = part.size;
            while left > 0 {
                let n = left.min(chunk.len() / part.unit.len()) / part.unit.len() * part.unit.len();
                let n = n.max(part.unit.len());
                w.write_all(&chunk.as_bytes()[..n]).unwrap();
                left = left.saturating_sub(n);
            }
        }
        w.write_all(part.tail.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// A .docx whose document.xml is `size` bytes of `unit` repeated, with extra entries.
fn docx(unit: &str, size: usize, extra: &[Part<'_>]) -> Vec<u8> {
    let mut parts = vec![
        Part {
            name: "[Content_Types].xml",
            head: CONTENT_TYPES,
            unit: "",
            size: 0,
            tail: "",
        },
        Part {
            name: "_rels/.rels",
            head: RELS,
            unit: "",
            size: 0,
            tail: "",
        },
    ];
    parts.extend(extra.iter().map(|p| Part { ..*p }));
    parts.push(Part {
        name: "word/document.xml",
        head: HEAD,
        unit,
        size,
        tail: TAIL,
    });
    zip_of(&parts)
}

/// Rewrites the uncompressed size that the local header and the central directory declare
/// for `name` (a header that lies).
fn declare_size(bytes: &mut [u8], name: &str, size: u32) {
    let n = name.as_bytes();
    let mut patched = 0;
    for at in 0..bytes.len().saturating_sub(46 + n.len()) {
        let sig = &bytes[at..at + 4];
        if sig == b"PK\x03\x04" && &bytes[at + 30..at + 30 + n.len()] == n {
            bytes[at + 22..at + 26].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        } else if sig == b"PK\x01\x02" && &bytes[at + 46..at + 46 + n.len()] == n {
            bytes[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
            patched += 1;
        }
    }
    assert_eq!(patched, 2, "both headers of {name}");
}

/// Imports `bytes` and answers the result and the heap it took above what was in use.
fn measured(bytes: &[u8]) -> (Result<liaise_import::Contribution, ImportError>, usize) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let result = import_docx(bytes);
    let peak = HEAP.peak_usage().saturating_sub(before);
    (result, peak)
}

const PARA: &str = "<w:p><w:r><w:t>All work and no play makes Jack a dull boy. </w:t></w:r></w:p>";

#[test]
fn zip_bombs_are_refused_within_ten_mib() {
    let mut report = Vec::new();
    let mut check = |label: &str, bytes: &[u8], expected: &dyn Fn(&ImportError) -> bool| {
        let (result, peak) = measured(bytes);
        let err = match result {
            Err(e) => e,
            Ok(_) => panic!("{label}: imported"),
        };
        assert!(expected(&err), "{label}: {err:?}");
        // The error says what was wrong, in words a person can act on.
        assert!(!err.to_string().is_empty());
        report.push(format!(
            "{label}: {} KiB file, refused ({err}) with a peak of {} KiB",
            bytes.len() / 1024,
            peak / 1024
        ));
        assert!(peak <= BUDGET, "{label}: peak {peak} bytes");
    };
    let limit = |kind: LimitKind| move |e: &ImportError| matches!(e, ImportError::LimitExceeded { kind: k, .. } if *k == kind);

    // 1. document.xml inflates to 300 MiB of repetitive XML; its header says so.
    let bomb = docx(PARA, 300 * MIB, &[]);
    assert!(bomb.len() < 5 * MIB, "{}", bomb.len());
    check("honest 300 MiB", &bomb, &limit(LimitKind::PartSize));

    // 2. The same, with headers that say 10 KB: inflating stops at the declared size.
    let mut lying = bomb.clone();
    declare_size(&mut lying, "word/document.xml", 10_000);
    check("declares 10 KB", &lying, &|e| {
        matches!(e, ImportError::Corrupt { .. })
    });

    // 3. Headers that say 8 MiB, a plausible size with a plausible ratio: still stops there.
    let mut lying = bomb.clone();
    declare_size(&mut lying, "word/document.xml", 8 * MIB as u32);
    check("declares 8 MiB", &lying, &|e| {
        matches!(e, ImportError::Corrupt { .. })
    });
    drop(bomb);

    // 4. Within the part limit, but far too compressible for a real document.
    let dense = docx(PARA, 30 * MIB, &[]);
    check("honest 30 MiB", &dense, &limit(LimitKind::CompressionRatio));

    // 5. Deep nesting: a megabyte of open elements, refused before it is parsed.
    let deep = docx("<w:sdt>", 4 * MIB, &[]);
    check(
        "deep nesting, 4 MiB",
        &deep,
        &limit(LimitKind::CompressionRatio),
    );
    // Small enough to be read: refused by the depth limit while parsed.
    let deep = docx("<w:sdt>", MIB / 2, &[]);
    check("deep nesting, 512 KiB", &deep, &limit(LimitKind::XmlDepth));

    // 6. Many entries: 1,900 small bombs (256 KiB each) beside the document are never inflated; more entries
    // than allowed are refused before the directory is read.
    let names: Vec<String> = (0..1900)
        .map(|i| format!("word/media/bomb{i}.xml"))
        .collect();
    let extra: Vec<Part<'_>> = names
        .iter()
        .map(|n| Part {
            name: n,
            head: "",
            unit: "0000",
            size: 256 * 1024,
            tail: "",
        })
        .collect();
    let many = docx(PARA, 64 * 1024, &extra);
    check("1,900 bombs beside it", &many, &|e| {
        matches!(e, ImportError::NoProposal)
    });
    let names: Vec<String> = (0..2100)
        .map(|i| format!("word/media/bomb{i}.xml"))
        .collect();
    let extra: Vec<Part<'_>> = names
        .iter()
        .map(|n| Part {
            name: n,
            head: "",
            unit: "0000",
            size: 64 * 1024,
            tail: "",
        })
        .collect();
    let many = docx(PARA, 1024, &extra);
    check("2,100 entries", &many, &limit(LimitKind::EntryCount));

    // 7. Every needed part at once: the numbering and styles parts are bombs too.
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="n" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;
    let both = docx(
        PARA,
        64 * 1024,
        &[
            Part {
                name: "word/_rels/document.xml.rels",
                head: rels,
                unit: "",
                size: 0,
                tail: "",
            },
            Part {
                name: "word/numbering.xml",
                head: "<w:numbering>",
                unit: "<w:num/>",
                size: 200 * MIB,
                tail: "</w:numbering>",
            },
        ],
    );
    check("numbering bomb", &both, &limit(LimitKind::PartSize));

    for line in report {
        eprintln!("{line}");
    }
}
