//! Damaged, hostile and wrong input: each gives its specific error, never a panic.

use std::io::{Cursor, Write};
use std::time::Instant;

use liaise_import::{ImportError, LimitKind, Limits, import_docx, import_docx_with, import_text};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::util::{
    CONTENT_TYPES, RELS, document_xml, docx, docx_with_document, fixture, p, zip_entries,
};

fn limit_of(r: Result<liaise_import::Contribution, ImportError>) -> LimitKind {
    match r {
        Err(ImportError::LimitExceeded { kind, .. }) => kind,
        other => panic!("expected LimitExceeded, got {other:?}"),
    }
}

#[test]
fn empty_input() {
    assert!(matches!(import_docx(b""), Err(ImportError::Empty)));
    assert!(matches!(import_text(b""), Err(ImportError::Empty)));
    assert!(matches!(import_text(b" \n \r\n"), Err(ImportError::Empty)));
}

#[test]
fn not_a_zip() {
    assert!(matches!(
        import_docx(b"plain text, not a zip"),
        Err(ImportError::NotZip)
    ));
    let seed = fixture("seed-ATU-35A3-1.txt");
    assert!(matches!(import_docx(&seed), Err(ImportError::NotZip)));
    // Random bytes (a fixed pseudo-random sequence).
    let mut x: u32 = 0x1234_5678;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    assert!(matches!(import_docx(&random), Err(ImportError::NotZip)));
}

#[test]
fn truncated_docx() {
    let bytes = fixture("ATU-35A3-1.docx");
    for cut in [bytes.len() / 2, bytes.len() - 30, 100, 10] {
        let r = import_docx(&bytes[..cut]);
        assert!(
            matches!(r, Err(ImportError::Truncated { .. })),
            "cut at {cut}: {r:?}"
        );
    }
}

#[test]
fn error_messages_name_the_problem() {
    let bytes = fixture("ATU-35A3-1.docx");
    let msg = import_docx(&bytes[..bytes.len() / 2])
        .unwrap_err()
        .to_string();
    assert!(msg.contains("truncated"), "{msg}");
    let msg = import_text(b"ok\xc3\x28").unwrap_err().to_string();
    assert!(msg.contains("UTF-8") && msg.contains("offset 2"), "{msg}");
    let msg = import_docx(b"xyz").unwrap_err().to_string();
    assert!(msg.contains("not a zip"), "{msg}");
}

#[test]
fn malformed_xml_in_valid_zip() {
    let xml = document_xml("<w:p><w:r><w:t>unclosed</w:r></w:p>");
    match import_docx(&docx_with_document(&xml)) {
        Err(ImportError::MalformedXml {
            part,
            position,
            message,
        }) => {
            assert_eq!(part, "word/document.xml");
            assert!(position > 0, "position given");
            assert!(!message.is_empty());
        }
        other => panic!("expected MalformedXml, got {other:?}"),
    }
    // Document ends in the middle.
    let xml = document_xml(&p("x"));
    let cut = &xml[..xml.len() - 20];
    assert!(matches!(
        import_docx(&docx_with_document(cut)),
        Err(ImportError::MalformedXml { .. })
    ));
    // Unknown entity, not UTF-8, nothing at all.
    let xml = document_xml("<w:p><w:r><w:t>&bogus;</w:t></w:r></w:p>");
    assert!(matches!(
        import_docx(&docx_with_document(&xml)),
        Err(ImportError::MalformedXml { .. })
    ));
    let bytes = zip_entries(&[("word/document.xml", b"<w:document>\xff</w:document>")]);
    assert!(matches!(
        import_docx(&bytes),
        Err(ImportError::MalformedXml { position: 12, .. })
    ));
    let bytes = zip_entries(&[("word/document.xml", b"")]);
    assert!(matches!(
        import_docx(&bytes),
        Err(ImportError::MalformedXml { .. })
    ));
    // Bad .rels.
    let bytes = zip_entries(&[("_rels/.rels", b"<Relationships><a></b></Relationships>")]);
    assert!(matches!(
        import_docx(&bytes),
        Err(ImportError::MalformedXml { part, .. }) if part == "_rels/.rels"
    ));
}

#[test]
fn missing_main_document() {
    let bytes = zip_entries(&[("[Content_Types].xml", CONTENT_TYPES.as_bytes())]);
    assert!(matches!(
        import_docx(&bytes),
        Err(ImportError::MissingDocument { path }) if path == "word/document.xml"
    ));
    let rels = RELS.replace("word/document.xml", "word/main.xml");
    let bytes = zip_entries(&[("_rels/.rels", rels.as_bytes())]);
    assert!(matches!(
        import_docx(&bytes),
        Err(ImportError::MissingDocument { path }) if path == "word/main.xml"
    ));
    // An empty zip archive.
    let empty = zip::ZipWriter::new(Cursor::new(Vec::new()))
        .finish()
        .unwrap()
        .into_inner();
    assert!(matches!(
        import_docx(&empty),
        Err(ImportError::MissingDocument { .. })
    ));
}

#[test]
fn main_part_named_by_relationships() {
    let rels = RELS.replace("word/document.xml", "/word/main.xml");
    let xml = document_xml(&[p("MOD\tATU/35/1"), p("RESOLUTION 1 (Rev. Dubai, 2012)")].concat());
    let bytes = zip_entries(&[
        ("_rels/.rels", rels.as_bytes()),
        ("word/main.xml", xml.as_bytes()),
    ]);
    let c = import_docx(&bytes).unwrap();
    assert_eq!(c.proposals[0].id.to_string(), "ATU/35/1");
}

#[test]
fn no_proposal_line() {
    assert!(matches!(
        import_docx(&docx(&p("hello"))),
        Err(ImportError::NoProposal)
    ));
    assert!(matches!(
        import_text(b"just text\n"),
        Err(ImportError::NoProposal)
    ));
}

#[test]
fn non_utf8_text() {
    assert!(matches!(
        import_text(b"abc\xff"),
        Err(ImportError::NotUtf8 { offset: 3 })
    ));
    let mut seed = fixture("seed-ATU-35A3-1.txt");
    seed.insert(100, 0xC0);
    assert!(matches!(
        import_text(&seed),
        Err(ImportError::NotUtf8 { offset: 100 })
    ));
    // UTF-16 is not UTF-8 either.
    assert!(matches!(
        import_text(b"\xff\xfeM\x00O\x00D\x00"),
        Err(ImportError::NotUtf8 { offset: 0 })
    ));
}

/// Writes `size` zeros into one deflated entry, streaming, and returns the zip.
fn zeros_zip(name: &str, size: usize) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(size as u64 >= u32::MAX as u64);
    w.start_file(name, options).unwrap();
    let chunk = vec![0u8; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        w.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn zip_bomb_with_lowered_limits() {
    let bomb = zeros_zip("word/document.xml", 8 << 20);
    assert!(
        bomb.len() < 64 * 1024,
        "highly compressible: {} bytes",
        bomb.len()
    );
    let limits = Limits {
        max_uncompressed_bytes: 1 << 20,
        ..Limits::default()
    };
    assert_eq!(
        limit_of(import_docx_with(&bomb, &limits)),
        LimitKind::UncompressedSize
    );
    // The budget is shared by all entries read: .rels counts too.
    let limits = Limits {
        max_uncompressed_bytes: 100,
        ..Limits::default()
    };
    let small = docx(&p("x"));
    assert_eq!(
        limit_of(import_docx_with(&small, &limits)),
        LimitKind::UncompressedSize
    );
}

/// A real 300 MB bomb against the default limits: its declared size is refused before
/// anything is inflated (tests/memory.rs measures the heap of this and of lying variants).
#[test]
fn zip_bomb_with_default_limits() {
    let started = Instant::now();
    let bomb = zeros_zip("word/document.xml", 300 << 20);
    let built = started.elapsed();
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    assert_eq!(limit_of(import_docx(&bomb)), LimitKind::PartSize);
    // Within the part limit, zeros compress a thousand times: refused for the ratio.
    let dense = zeros_zip("word/document.xml", 8 << 20);
    assert_eq!(limit_of(import_docx(&dense)), LimitKind::CompressionRatio);
    eprintln!(
        "300 MB bomb: built in {built:?}, rejected after {:?}",
        started.elapsed() - built
    );
}

#[test]
fn too_many_entries() {
    let names: Vec<String> = (0..30).map(|i| format!("f{i}.xml")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b"<x/>"[..])).collect();
    let bytes = zip_entries(&entries);
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    assert_eq!(
        limit_of(import_docx_with(&bytes, &limits)),
        LimitKind::EntryCount
    );

    let names: Vec<String> = (0..2001).map(|i| format!("{i}")).collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    assert_eq!(
        limit_of(import_docx(&zip_entries(&entries))),
        LimitKind::EntryCount
    );
}

#[test]
fn compressed_size_limit() {
    let limits = Limits {
        max_compressed_bytes: 1000,
        ..Limits::default()
    };
    let bytes = fixture("ATU-35A3-1.docx");
    assert_eq!(
        limit_of(import_docx_with(&bytes, &limits)),
        LimitKind::CompressedSize
    );
}

#[test]
fn xml_depth_limit() {
    let deep = format!("{}{}", "<w:sdt>".repeat(300), "</w:sdt>".repeat(300));
    assert_eq!(limit_of(import_docx(&docx(&deep))), LimitKind::XmlDepth);
    let limits = Limits {
        max_xml_depth: 4,
        ..Limits::default()
    };
    // document > body > p > r > t is five deep.
    assert_eq!(
        limit_of(import_docx_with(&docx(&p("x")), &limits)),
        LimitKind::XmlDepth
    );
}

#[test]
fn revision_nesting_and_paragraph_limits() {
    let nested = format!(
        "<w:p>{}<w:r><w:t>x</w:t></w:r>{}</w:p>",
        r#"<w:ins w:author="a">"#.repeat(20),
        "</w:ins>".repeat(20)
    );
    assert_eq!(
        limit_of(import_docx(&docx(&nested))),
        LimitKind::RevisionNesting
    );
    let limits = Limits {
        max_paragraphs: 10,
        ..Limits::default()
    };
    let many = "<w:p/>".repeat(11);
    assert_eq!(
        limit_of(import_docx_with(&docx(&many), &limits)),
        LimitKind::Paragraphs
    );
}

#[test]
fn damaged_entry_data() {
    let mut bytes = fixture("ATU-35A3-1.docx");
    // Flip bytes inside the compressed data of word/document.xml: a checksum or
    // decompression error, never a panic.
    let name = b"word/document.xml";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    for b in &mut bytes[at + 40..at + 200] {
        *b ^= 0x5a;
    }
    let r = import_docx(&bytes);
    assert!(
        matches!(
            r,
            Err(ImportError::Corrupt { .. } | ImportError::MalformedXml { .. })
        ),
        "{r:?}"
    );
}

/// Hostile list definitions: limits hold, nothing panics or loops, broken parts are named.
#[test]
fn hostile_numbering_parts() {
    use crate::numbering::{Text, abstract_num, lvl, num, numbered_docx, para};
    let item = |num_pr| para(None, num_pr, None, &[Text::Plain("item")]);
    let body = [item(Some((1, 0))), item(Some((1, 0)))].concat();
    let list = [
        abstract_num(1, &[lvl(0, 1, "decimal", "%1.")]),
        num(1, 1, ""),
    ]
    .concat();

    // Too many definitions, in numbering.xml or in styles.xml.
    let limits = Limits {
        max_list_definitions: 5,
        ..Limits::default()
    };
    let many = format!("{list}{}", num(2, 1, "").repeat(5));
    assert_eq!(
        limit_of(import_docx_with(&numbered_docx(&body, &many, ""), &limits)),
        LimitKind::ListDefinitions
    );
    let styles = r#"<w:style w:type="paragraph" w:styleId="S"/>"#.repeat(6);
    assert_eq!(
        limit_of(import_docx_with(
            &numbered_docx(&body, &list, &styles),
            &limits
        )),
        LimitKind::ListDefinitions
    );

    // Malformed and too deep parts are refused, by name.
    match import_docx(&numbered_docx(&body, "<w:num>", "")) {
        Err(ImportError::MalformedXml { part, .. }) => assert_eq!(part, "word/numbering.xml"),
        other => panic!("expected MalformedXml, got {other:?}"),
    }
    match import_docx(&numbered_docx(&body, &list, "<w:style></w:styles>")) {
        Err(ImportError::MalformedXml { part, .. }) => assert_eq!(part, "word/styles.xml"),
        other => panic!("expected MalformedXml, got {other:?}"),
    }
    let deep = format!("{}{}", "<w:x>".repeat(300), "</w:x>".repeat(300));
    assert_eq!(
        limit_of(import_docx(&numbered_docx(&body, &deep, ""))),
        LimitKind::XmlDepth
    );

    // A w:num without its abstract list numbers nothing (not abstract list 0); of many
    // overrides of one level, the first counts.
    let lists = [
        abstract_num(0, &[lvl(0, 1, "decimal", "%1.")]),
        r#"<w:num w:numId="1"/>"#.to_owned(),
        num(
            2,
            0,
            &(2..2000)
                .map(|n| crate::numbering::start_override(0, n))
                .collect::<String>(),
        ),
    ]
    .concat();
    let body = [item(Some((1, 0))), item(Some((2, 0))), item(Some((2, 0)))].concat();
    let doc =
        liaise_import::docx::read(&numbered_docx(&body, &lists, ""), &Limits::default()).unwrap();
    let labels: Vec<Option<&str>> = doc
        .paragraphs
        .iter()
        .map(|p| p.list.as_ref().and_then(|l| l.after.as_deref()))
        .collect();
    assert_eq!(labels, [None, Some("2."), Some("3.")]);

    // Absurd values: huge starts and levels, long texts, links in a loop. Labels stay short.
    let absurd = [
        r#"<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="4294967295"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="%1%1%1%1%1%1%1%1%1"/></w:lvl><w:lvl w:ilvl="99999"><w:start w:val="-5"/></w:lvl></w:abstractNum>"#.to_owned(),
        format!(r#"<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:lvlText w:val="{}"/></w:lvl></w:abstractNum>"#, "%1".repeat(5000)),
        r#"<w:abstractNum w:abstractNumId="3"><w:numStyleLink w:val="L"/></w:abstractNum>"#.to_owned(),
        num(1, 1, &crate::numbering::start_override(0, u32::MAX)),
        num(2, 2, ""),
        num(3, 3, ""),
        r#"<w:num w:numId="-1"><w:abstractNumId w:val="x"/></w:num><w:num/>"#.to_owned(),
    ]
    .concat();
    let styles = r#"<w:style w:type="numbering" w:styleId="L"><w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="A"/></w:style>"#;
    let body = [
        item(Some((1, 0))),
        item(Some((1, 0))),
        item(Some((2, 0))),
        item(Some((3, 0))),
        item(Some((u32::MAX, 255))),
        para(Some("A"), None, None, &[Text::Plain("styled")]),
    ]
    .concat();
    let doc = liaise_import::docx::read(&numbered_docx(&body, &absurd, styles), &Limits::default())
        .unwrap();
    let labels: Vec<Option<&str>> = doc
        .paragraphs
        .iter()
        .map(|p| p.list.as_ref().and_then(|l| l.after.as_deref()))
        .collect();
    // The start is capped at Word's 32767 (32767 letters would be 1261 z's: digits instead);
    // a level text longer than Word allows prints nothing.
    assert_eq!(
        labels,
        [
            Some("327673276732767327673276732767327673276732767"),
            Some("327683276832768327683276832768327683276832768"),
            None,
            None,
            None,
            None
        ]
    );
}

/// Relationships that point outside the package, or nowhere, leave the numbering out.
#[test]
fn numbering_part_outside_the_package_is_not_read() {
    let rels = |target: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="{target}"/></Relationships>"#
        )
    };
    let numbering = r#"<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>"#;
    let document = document_xml(
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>x</w:t></w:r></w:p>"#,
    );
    let label = |target: &str, at: &str| {
        let rels = rels(target);
        let bytes = zip_entries(&[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", RELS.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/document.xml", document.as_bytes()),
            (at, numbering.as_bytes()),
        ]);
        let doc = liaise_import::docx::read(&bytes, &Limits::default()).unwrap();
        doc.paragraphs[0]
            .list
            .as_ref()
            .and_then(|l| l.after.clone())
    };
    assert_eq!(
        label("numbering.xml", "word/numbering.xml").as_deref(),
        Some("1.")
    );
    assert_eq!(label("/lists/n.xml", "lists/n.xml").as_deref(), Some("1."));
    assert_eq!(label("../n.xml", "n.xml").as_deref(), Some("1."));
    assert_eq!(label("../../n.xml", "n.xml"), None);
    assert_eq!(label("missing.xml", "word/numbering.xml"), None);
}
