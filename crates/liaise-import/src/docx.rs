//! Reading a .docx (WordprocessingML) file into a [`Document`], tracked changes included.
//!
//! The zip archive and its XML are read with the [`Limits`] enforced while reading: the file
//! size before opening, the entry count from the end-of-central-directory record before the
//! central directory is parsed; before an entry is inflated, its declared size against the
//! part limit and the remaining total, and its compression ratio; while it is inflated, the
//! declared size again (through a bounded reader, so a header that lies stops there); only
//! the parts needed are inflated (the package relationships, the main part, its
//! relationships, numbering and styles); then the XML nesting depth,
//! tracked-change nesting and paragraph count while the XML is parsed.
//!
//! What is read from `word/document.xml` (or the part named by `_rels/.rels`):
//! paragraphs and their style; text of runs (`w:t`, `w:delText`, `w:tab` as `'\t'`, `w:br` and
//! `w:cr` as `'\n'`, `w:noBreakHyphen` as `'-'`, `w:sym`); tables (cell paragraphs flattened in
//! order, structure kept in [`Document::tables`]); hyperlinks, `w:fldSimple`, content controls
//! and smart tags (their text); complex fields (the result between `separate` and `end` is kept,
//! the instruction dropped); tracked changes `w:ins`, `w:del`, `w:moveTo` (an insertion),
//! `w:moveFrom` (a deletion), nested changes, and paragraph-mark changes (`w:pPr/w:rPr/w:ins`
//! or `w:del`), and each paragraph's numbering (`w:pPr/w:numPr`). Then, through the main part's
//! relationships (`word/_rels/document.xml.rels`, else `word/numbering.xml` and
//! `word/styles.xml`), the list definitions and the numbering of paragraph styles, read by
//! [`crate::numbering`] under the same limits (plus [`Limits::max_list_definitions`]), give
//! each numbered paragraph its [`ListItem`](crate::ListItem) labels; a tracked change of a
//! paragraph's properties (`w:pPrChange`) gives the before text its former style and
//! `w:numPr`. Ignored: formatting (`w:rPr`, the rest of `w:pPrChange`, `w:rPrChange`),
//! `w:proofErr`, bookmarks, comments, drawings, text boxes and `mc:AlternateContent`,
//! table-row revisions.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use crate::error::{ImportError, LimitKind};
use crate::model::{
    CellPosition, Change, ChangeKind, ChangeSpan, Document, Paragraph, Piece, Revision,
    SourceFormat, Table, TableCell, TableRow,
};
use crate::numbering::{self, Definitions, OwnNumbering};

/// Limits enforced while reading a .docx. [`Limits::default`] suits real contributions: a
/// 300-page contribution's `word/document.xml` is 10 to 20 MB and compresses about 4 to 10
/// times.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted .docx file (default 50 MiB).
    pub max_compressed_bytes: u64,
    /// Most bytes decompressed in total out of the entries read (default 64 MiB).
    pub max_uncompressed_bytes: u64,
    /// Most bytes decompressed out of one entry (default 32 MiB).
    pub max_part_bytes: u64,
    /// Highest ratio of an entry's uncompressed size to its compressed size (default 100);
    /// entries of at most [`Limits::ratio_exempt_bytes`] are exempt.
    pub max_compression_ratio: u64,
    /// Entries up to this uncompressed size are not checked for their ratio (default 1 MiB):
    /// small parts cost little whatever their ratio.
    pub ratio_exempt_bytes: u64,
    /// Most entries in the archive (default 2000).
    pub max_entries: usize,
    /// Deepest XML element nesting (default 256).
    pub max_xml_depth: usize,
    /// Deepest nesting of tracked-change elements (default 16).
    pub max_revision_nesting: usize,
    /// Most paragraphs in the document (default 200 000).
    pub max_paragraphs: usize,
    /// Most list definitions (`w:abstractNum` and `w:num`) in `word/numbering.xml`, and most
    /// styles in `word/styles.xml` (default 20 000 each).
    pub max_list_definitions: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_compressed_bytes: 50 * 1024 * 1024,
            max_uncompressed_bytes: 64 * 1024 * 1024,
            max_part_bytes: 32 * 1024 * 1024,
            max_compression_ratio: 100,
            ratio_exempt_bytes: 1024 * 1024,
            max_entries: 2000,
            max_xml_depth: 256,
            max_revision_nesting: 16,
            max_paragraphs: 200_000,
            max_list_definitions: 20_000,
        }
    }
}

const DEFAULT_MAIN_PART: &str = "word/document.xml";

/// Reads a .docx file from memory into a [`Document`].
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    if bytes.len() as u64 > limits.max_compressed_bytes {
        return Err(limit(
            LimitKind::CompressedSize,
            limits.max_compressed_bytes,
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(ImportError::NotZip);
    }
    match find_eocd(bytes) {
        None => {
            return Err(if bytes.starts_with(b"PK\x03\x04") {
                ImportError::Truncated {
                    detail: "the end of the zip archive (central directory) is missing".into(),
                }
            } else {
                ImportError::NotZip
            });
        }
        Some(entries) if entries > limits.max_entries => {
            return Err(limit(LimitKind::EntryCount, limits.max_entries as u64));
        }
        Some(_) => {}
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if archive.len() > limits.max_entries {
        return Err(limit(LimitKind::EntryCount, limits.max_entries as u64));
    }
    let mut budget = limits.max_uncompressed_bytes;
    let main_part = match read_entry(&mut archive, "_rels/.rels", &mut budget, limits)? {
        Some(rels) => main_part_from_rels(&rels)?.unwrap_or_else(|| DEFAULT_MAIN_PART.into()),
        None => DEFAULT_MAIN_PART.into(),
    };
    let xml = read_entry(&mut archive, &main_part, &mut budget, limits)?.ok_or(
        ImportError::MissingDocument {
            path: main_part.clone(),
        },
    )?;
    let (mut doc, own_numbering) = parse_document_xml(&xml, &main_part, limits)?;
    drop(xml);
    // Word's automatic numbering: the list definitions, then (only when there are lists) the
    // styles that may number paragraphs.
    let parts = match read_entry(&mut archive, &rels_of(&main_part), &mut budget, limits)? {
        Some(rels) => related_parts(&rels, &main_part)?,
        None => RelatedParts::defaults(&main_part),
    };
    let mut defs = Definitions::default();
    if let Some(part) = &parts.numbering
        && let Some(xml) = read_entry(&mut archive, part, &mut budget, limits)?
    {
        defs.read_numbering(&xml, part, limits)?;
    }
    if !defs.is_empty()
        && let Some(part) = &parts.styles
        && let Some(xml) = read_entry(&mut archive, part, &mut budget, limits)?
    {
        defs.read_styles(&xml, part, limits)?;
    }
    numbering::number(&mut doc, &own_numbering, &defs);
    Ok(doc)
}

/// The relationships part of a part: `word/document.xml` → `word/_rels/document.xml.rels`.
fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((dir, name)) => format!("{dir}/_rels/{name}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// The numbering and styles parts of the main document part.
struct RelatedParts {
    numbering: Option<String>,
    styles: Option<String>,
}

impl RelatedParts {
    /// Where Word puts them, for a package without relationships for its main part.
    fn defaults(main_part: &str) -> Self {
        let dir = main_part.rsplit_once('/').map_or("", |(dir, _)| dir);
        let at = |name: &str| {
            if dir.is_empty() {
                name.to_owned()
            } else {
                format!("{dir}/{name}")
            }
        };
        Self {
            numbering: Some(at("numbering.xml")),
            styles: Some(at("styles.xml")),
        }
    }
}

/// Reads the main part's relationships for its numbering and styles parts.
fn related_parts(xml: &[u8], main_part: &str) -> Result<RelatedParts, ImportError> {
    let part = rels_of(main_part);
    let s = as_xml_str(xml, &part)?;
    let mut reader = Reader::from_str(s);
    let mut found = RelatedParts {
        numbering: None,
        styles: None,
    };
    loop {
        match reader.read_event() {
            Err(e) => return Err(xml_error(&part, reader.error_position(), e.to_string())),
            Ok(Event::Eof) => return Ok(found),
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "TargetMode").is_none_or(|m| m != "External") =>
            {
                let (Some(kind), Some(target)) = (attr(&e, "Type"), attr(&e, "Target")) else {
                    continue;
                };
                let slot = if kind.ends_with("/numbering") {
                    &mut found.numbering
                } else if kind.ends_with("/styles") {
                    &mut found.styles
                } else {
                    continue;
                };
                if slot.is_none() {
                    *slot = resolve_target(main_part, &target);
                }
            }
            Ok(_) => {}
        }
    }
}

/// A relationship's target, relative to the directory of `source` (or absolute with `/`),
/// as a zip entry name; `None` if it climbs out of the package.
fn resolve_target(source: &str, target: &str) -> Option<String> {
    let mut segments: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        // The source's directory.
        let mut dir: Vec<&str> = source.split('/').collect();
        dir.pop();
        dir
    };
    for segment in target.trim_start_matches('/').split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            other => segments.push(other),
        }
    }
    Some(segments.join("/"))
}

pub(crate) fn limit(kind: LimitKind, max: u64) -> ImportError {
    ImportError::LimitExceeded { kind, max }
}

/// Finds the end-of-central-directory record and returns its total entry count, so that
/// the count is checked before the central directory is parsed.
fn find_eocd(bytes: &[u8]) -> Option<usize> {
    const SIG: &[u8] = b"PK\x05\x06";
    const MIN_LEN: usize = 22;
    if bytes.len() < MIN_LEN {
        return None;
    }
    let lowest = bytes.len().saturating_sub(MIN_LEN + u16::MAX as usize);
    let mut pos = bytes.len() - MIN_LEN;
    loop {
        if bytes.get(pos..pos + 4) == Some(SIG) {
            let count = bytes.get(pos + 10..pos + 12)?;
            let count = u16::from_le_bytes([*count.first()?, *count.get(1)?]);
            return Some(usize::from(count));
        }
        if pos == lowest {
            return None;
        }
        pos -= 1;
    }
}

fn zip_error(e: ZipError) -> ImportError {
    match e {
        ZipError::Io(io) => io_error(&io),
        ZipError::InvalidArchive(m) => ImportError::Corrupt {
            detail: m.into_owned(),
        },
        ZipError::UnsupportedArchive(m) => ImportError::Unsupported { detail: m.into() },
        ZipError::CompressionMethodNotSupported(id) => ImportError::Unsupported {
            detail: format!("compression method {id}"),
        },
        ZipError::InvalidPassword => ImportError::Unsupported {
            detail: "encrypted entry".into(),
        },
        ZipError::DecompressedSizeLimitExceeded { limit: max, .. } => {
            limit(LimitKind::UncompressedSize, max)
        }
        other => ImportError::Corrupt {
            detail: other.to_string(),
        },
    }
}

fn io_error(e: &std::io::Error) -> ImportError {
    if e.kind() == std::io::ErrorKind::UnexpectedEof {
        ImportError::Truncated {
            detail: e.to_string(),
        }
    } else {
        ImportError::Corrupt {
            detail: e.to_string(),
        }
    }
}

/// Streams one entry out of the archive, after checking what its header declares: its
/// size against the part limit and the remaining budget, and its compression ratio. The
/// entry is then read through a reader that stops at the declared size, so a header that
/// understates the size cannot make it inflate more; an entry longer than it declares is
/// refused as damaged. `Ok(None)` if there is no such entry.
fn read_entry(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    budget: &mut u64,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, ImportError> {
    let file = match archive.by_name(name) {
        Ok(f) => f,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(zip_error(e)),
    };
    let declared = file.size();
    if declared > limits.max_part_bytes {
        return Err(limit(LimitKind::PartSize, limits.max_part_bytes));
    }
    if declared > *budget {
        return Err(limit(
            LimitKind::UncompressedSize,
            limits.max_uncompressed_bytes,
        ));
    }
    if declared > limits.ratio_exempt_bytes
        && declared / file.compressed_size().max(1) > limits.max_compression_ratio
    {
        return Err(limit(
            LimitKind::CompressionRatio,
            limits.max_compression_ratio,
        ));
    }
    // Checked above: the declared size is at most the part limit, so it fits in memory.
    let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
    let mut bounded = file.take(declared);
    bounded.read_to_end(&mut out).map_err(|e| io_error(&e))?;
    if (out.len() as u64) < declared {
        return Err(ImportError::Truncated {
            detail: format!("{name} is shorter than its zip header says"),
        });
    }
    let mut more = [0u8; 1];
    if bounded
        .into_inner()
        .read(&mut more)
        .map_err(|e| io_error(&e))?
        > 0
    {
        return Err(ImportError::Corrupt {
            detail: format!("{name} is longer than its zip header says ({declared} bytes)"),
        });
    }
    *budget -= declared;
    Ok(Some(out))
}

pub(crate) fn xml_error(part: &str, position: u64, message: impl Into<String>) -> ImportError {
    ImportError::MalformedXml {
        part: part.into(),
        position,
        message: message.into(),
    }
}

pub(crate) fn as_xml_str<'a>(xml: &'a [u8], part: &str) -> Result<&'a str, ImportError> {
    let s = std::str::from_utf8(xml).map_err(|e| {
        xml_error(
            part,
            e.valid_up_to() as u64,
            "the part is not UTF-8 (only UTF-8 WordprocessingML is read)",
        )
    })?;
    Ok(s.strip_prefix('\u{feff}').unwrap_or(s))
}

pub(crate) fn attr(e: &BytesStart<'_>, local: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(|v| v.into_owned())
}

/// The main document part named by the package relationships, if any.
fn main_part_from_rels(xml: &[u8]) -> Result<Option<String>, ImportError> {
    const PART: &str = "_rels/.rels";
    let s = as_xml_str(xml, PART)?;
    let mut reader = Reader::from_str(s);
    loop {
        match reader.read_event() {
            Err(e) => return Err(xml_error(PART, reader.error_position(), e.to_string())),
            Ok(Event::Eof) => return Ok(None),
            Ok(Event::Start(e) | Event::Empty(e))
                if e.local_name().as_ref() == "Relationship"
                    && attr(&e, "Type").is_some_and(|t| t.ends_with("/officeDocument")) =>
            {
                if let Some(target) = attr(&e, "Target") {
                    return Ok(Some(target.trim_start_matches('/').to_owned()));
                }
            }
            Ok(_) => {}
        }
    }
}

/// What an open XML element means to the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Frame {
    Para,
    PPr,
    NumPr,
    /// `w:pPrChange`, its `w:pPr` (the properties before the change) and that `w:numPr`.
    PPrChange,
    OldPPr,
    OldNumPr,
    MarkRPr,
    Text,
    Rev,
    Table,
    Cell,
    Skip,
    Other,
}

/// Elements whose whole subtree carries no body text (or only formatting).
const SKIPPED: &[&str] = &[
    "rPr",
    "rPrChange",
    "pPrChange",
    "sectPr",
    "tblPr",
    "tblGrid",
    "tblPrEx",
    "trPr",
    "tcPr",
    "instrText",
    "delInstrText",
    "drawing",
    "pict",
    "object",
    "AlternateContent",
    "sdtPr",
    "sdtEndPr",
    "fldData",
    "ffData",
    "rt",
    "txbxContent",
    "footnotePr",
    "endnotePr",
    "background",
];

#[derive(Debug, Clone, Copy)]
enum FieldPhase {
    Instruction,
    Result,
}

struct OpenParagraph {
    id: u64,
    para: Paragraph,
    numbering: OwnNumbering,
}

struct OpenRevision {
    kind: ChangeKind,
    moved: bool,
    change: Change,
    /// (paragraph id, index into its `changes`) of the span being filled.
    span: Option<(u64, usize)>,
}

struct Parser<'l> {
    limits: &'l Limits,
    frames: Vec<Frame>,
    paras: Vec<OpenParagraph>,
    next_para_id: u64,
    revs: Vec<OpenRevision>,
    /// Text for the last piece of the paragraph `pending_para` not yet appended to it: runs of
    /// one revision are gathered here, so the piece's text is allocated once.
    pending: String,
    pending_para: Option<u64>,
    fields: Vec<FieldPhase>,
    tables_open: Vec<usize>,
    doc: Document,
    /// Each paragraph's own numbering properties, in the order of `doc.paragraphs`.
    numbering: Vec<OwnNumbering>,
}

/// Parses the main document part, and gives each paragraph's own numbering properties.
fn parse_document_xml(
    xml: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<(Document, Vec<OwnNumbering>), ImportError> {
    let s = as_xml_str(xml, part)?;
    let mut reader = Reader::from_str(s);
    let mut p = Parser {
        limits,
        frames: Vec::new(),
        paras: Vec::new(),
        next_para_id: 0,
        revs: Vec::new(),
        pending: String::new(),
        pending_para: None,
        fields: Vec::new(),
        tables_open: Vec::new(),
        numbering: Vec::new(),
        doc: Document {
            format: SourceFormat::Docx,
            paragraphs: Vec::new(),
            tables: Vec::new(),
        },
    };
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(part, reader.error_position(), e.to_string()))?;
        let pos = reader.buffer_position();
        match event {
            Event::Start(e) => {
                seen_root = true;
                if p.frames.len() >= limits.max_xml_depth {
                    return Err(limit(LimitKind::XmlDepth, limits.max_xml_depth as u64));
                }
                let frame = p.open(&e)?;
                p.frames.push(frame);
            }
            Event::Empty(e) => {
                seen_root = true;
                let frame = p.open(&e)?;
                p.close(frame)?;
            }
            Event::End(_) => match p.frames.pop() {
                Some(frame) => p.close(frame)?,
                None => return Err(xml_error(part, pos, "end tag without start tag")),
            },
            Event::Text(t) => {
                if p.frames.last() == Some(&Frame::Text) {
                    p.push_text(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if p.frames.last() == Some(&Frame::Text) {
                    p.push_text(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match r.xml10_content().as_ref() {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(xml_error(part, pos, format!("unknown entity &{other};")));
                        }
                    },
                    Err(e) => return Err(xml_error(part, pos, e.to_string())),
                };
                if p.frames.last() == Some(&Frame::Text) {
                    p.push_text(resolved.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !p.frames.is_empty() {
        return Err(xml_error(
            part,
            s.len() as u64,
            format!(
                "unexpected end of document: {} element(s) not closed",
                p.frames.len()
            ),
        ));
    }
    if !seen_root {
        return Err(xml_error(part, 0, "no root element"));
    }
    Ok((p.doc, p.numbering))
}

impl Parser<'_> {
    fn open(&mut self, e: &BytesStart<'_>) -> Result<Frame, ImportError> {
        let local = e.local_name();
        let name: &str = local.as_ref();
        let frame = match self.frames.last() {
            Some(Frame::Skip) => Frame::Skip,
            Some(Frame::PPr) => match name {
                "pStyle" => {
                    if let Some(open) = self.paras.last_mut() {
                        open.para.style = attr(e, "val");
                    }
                    Frame::Other
                }
                "rPr" => Frame::MarkRPr,
                "numPr" => Frame::NumPr,
                "pPrChange" => Frame::PPrChange,
                _ => Frame::Skip,
            },
            Some(Frame::PPrChange) => match name {
                "pPr" => {
                    if let Some(open) = self.paras.last_mut() {
                        open.numbering.before.get_or_insert_default();
                    }
                    Frame::OldPPr
                }
                _ => Frame::Skip,
            },
            Some(Frame::OldPPr) => match name {
                "pStyle" => {
                    if let Some((style, _)) = self
                        .paras
                        .last_mut()
                        .and_then(|open| open.numbering.before.as_mut())
                    {
                        *style = attr(e, "val");
                    }
                    Frame::Skip
                }
                "numPr" => Frame::OldNumPr,
                _ => Frame::Skip,
            },
            Some(frame @ (Frame::NumPr | Frame::OldNumPr)) => {
                let old = *frame == Frame::OldNumPr;
                let num_pr = self.paras.last_mut().and_then(|open| {
                    if old {
                        open.numbering.before.as_mut().map(|(_, n)| n)
                    } else {
                        Some(&mut open.numbering.now)
                    }
                });
                if let Some(num_pr) = num_pr {
                    let val = || attr(e, "val").and_then(|v| v.trim().parse::<u32>().ok());
                    match name {
                        "numId" => num_pr.num_id = val(),
                        "ilvl" => {
                            num_pr.level =
                                val().and_then(|v| u8::try_from(v).ok()).filter(|v| *v < 9);
                        }
                        _ => {}
                    }
                }
                Frame::Skip
            }
            Some(Frame::MarkRPr) => {
                match name {
                    "ins" | "moveTo" => self.mark(ChangeKind::Insertion, e),
                    "del" | "moveFrom" => self.mark(ChangeKind::Deletion, e),
                    _ => {}
                }
                Frame::Skip
            }
            _ => match name {
                // The commonest element first: a run is only a container here.
                "r" => Frame::Other,
                "p" => {
                    self.next_para_id += 1;
                    self.paras.push(OpenParagraph {
                        id: self.next_para_id,
                        para: Paragraph::default(),
                        numbering: OwnNumbering::default(),
                    });
                    Frame::Para
                }
                "pPr" => Frame::PPr,
                "t" | "delText" => Frame::Text,
                "ins" | "moveTo" | "del" | "moveFrom" => {
                    if self.revs.len() >= self.limits.max_revision_nesting {
                        return Err(limit(
                            LimitKind::RevisionNesting,
                            self.limits.max_revision_nesting as u64,
                        ));
                    }
                    let kind = if matches!(name, "ins" | "moveTo") {
                        ChangeKind::Insertion
                    } else {
                        ChangeKind::Deletion
                    };
                    self.revs.push(OpenRevision {
                        kind,
                        moved: name.starts_with("move"),
                        change: change_of(e),
                        span: None,
                    });
                    Frame::Rev
                }
                "tab" => {
                    self.push_text("\t");
                    Frame::Other
                }
                "br" | "cr" => {
                    self.push_text("\n");
                    Frame::Other
                }
                "noBreakHyphen" => {
                    self.push_text("-");
                    Frame::Other
                }
                "sym" => {
                    let c = attr(e, "char")
                        .and_then(|hex| u32::from_str_radix(&hex, 16).ok())
                        .and_then(char::from_u32);
                    if let Some(c) = c {
                        self.push_text(c.encode_utf8(&mut [0; 4]));
                    }
                    Frame::Other
                }
                "fldChar" => {
                    match attr(e, "fldCharType").as_deref() {
                        Some("begin") => self.fields.push(FieldPhase::Instruction),
                        Some("separate") => {
                            if let Some(last) = self.fields.last_mut() {
                                *last = FieldPhase::Result;
                            }
                        }
                        Some("end") => {
                            self.fields.pop();
                        }
                        _ => {}
                    }
                    Frame::Other
                }
                "tbl" => {
                    self.tables_open.push(self.doc.tables.len());
                    self.doc.tables.push(Table::default());
                    Frame::Table
                }
                "tr" => {
                    if let Some(t) = self.current_table() {
                        t.rows.push(TableRow::default());
                    }
                    Frame::Other
                }
                "tc" => {
                    let start = self.doc.paragraphs.len();
                    if let Some(row) = self.current_table().and_then(|t| t.rows.last_mut()) {
                        row.cells.push(TableCell {
                            paragraphs: start..start,
                        });
                    }
                    Frame::Cell
                }
                _ if SKIPPED.contains(&name) => Frame::Skip,
                _ => Frame::Other,
            },
        };
        Ok(frame)
    }

    fn close(&mut self, frame: Frame) -> Result<(), ImportError> {
        match frame {
            Frame::Para => self.finish_paragraph()?,
            Frame::Rev => {
                self.revs.pop();
            }
            Frame::Table => {
                self.tables_open.pop();
            }
            Frame::Cell => {
                let end = self.doc.paragraphs.len();
                if let Some(cell) = self
                    .current_table()
                    .and_then(|t| t.rows.last_mut())
                    .and_then(|r| r.cells.last_mut())
                {
                    cell.paragraphs.end = end;
                }
            }
            Frame::PPr
            | Frame::NumPr
            | Frame::PPrChange
            | Frame::OldPPr
            | Frame::OldNumPr
            | Frame::MarkRPr
            | Frame::Text
            | Frame::Skip
            | Frame::Other => {}
        }
        Ok(())
    }

    fn current_table(&mut self) -> Option<&mut Table> {
        let idx = *self.tables_open.last()?;
        self.doc.tables.get_mut(idx)
    }

    fn mark(&mut self, kind: ChangeKind, e: &BytesStart<'_>) {
        let Some(open) = self.paras.last_mut() else {
            return;
        };
        open.para.mark = combine(&open.para.mark, kind, change_of(e));
    }

    fn finish_paragraph(&mut self) -> Result<(), ImportError> {
        self.flush_pending();
        let Some(open) = self.paras.pop() else {
            return Ok(());
        };
        if self.doc.paragraphs.len() >= self.limits.max_paragraphs {
            return Err(limit(
                LimitKind::Paragraphs,
                self.limits.max_paragraphs as u64,
            ));
        }
        let mut para = open.para;
        // A change element still open here was opened outside the paragraph: it covers the
        // paragraph mark too.
        for rev in &self.revs {
            para.mark = combine(&para.mark, rev.kind, rev.change.clone());
        }
        let table = self.tables_open.last().copied();
        para.cell = table.and_then(|table| {
            let t = self.doc.tables.get(table)?;
            let row = t.rows.len().checked_sub(1)?;
            let column = t.rows.last()?.cells.len().checked_sub(1)?;
            Some(CellPosition { table, row, column })
        });
        self.doc.paragraphs.push(para);
        self.numbering.push(open.numbering);
        Ok(())
    }

    fn push_text(&mut self, s: &str) {
        if s.is_empty()
            || self
                .fields
                .iter()
                .any(|f| matches!(f, FieldPhase::Instruction))
        {
            return;
        }
        let Some(open) = self.paras.last() else {
            return;
        };
        let (ins, del) = innermost(&self.revs);
        let same = open
            .para
            .pieces
            .last()
            .is_some_and(|last| is_revision(&last.revision, ins, del));
        let open_id = open.id;
        if !same || self.pending_para != Some(open_id) {
            self.flush_pending();
        }
        let Some(open) = self.paras.last_mut() else {
            return;
        };
        if !same {
            let (ins, del) = innermost(&self.revs);
            open.para.pieces.push(Piece {
                text: String::new(),
                revision: revision_of(ins, del),
            });
        }
        self.pending.push_str(s);
        self.pending_para = Some(open_id);
        for rev in &mut self.revs {
            let idx = match rev.span {
                Some((id, idx)) if id == open.id => idx,
                _ => {
                    open.para.changes.push(ChangeSpan {
                        kind: rev.kind,
                        moved: rev.moved,
                        change: rev.change.clone(),
                        text: String::new(),
                    });
                    let idx = open.para.changes.len() - 1;
                    rev.span = Some((open.id, idx));
                    idx
                }
            };
            if let Some(span) = open.para.changes.get_mut(idx) {
                span.text.push_str(s);
            }
        }
    }
}

impl Parser<'_> {
    /// Appends the pending text to the last piece of its paragraph.
    fn flush_pending(&mut self) {
        let Some(id) = self.pending_para.take() else {
            return;
        };
        let piece = self
            .paras
            .iter_mut()
            .rev()
            .find(|open| open.id == id)
            .and_then(|open| open.para.pieces.last_mut());
        if let Some(piece) = piece {
            piece.text.push_str(&self.pending);
        }
        self.pending.clear();
    }
}

/// The changes of the innermost open insertion and deletion: they alone decide the revision
/// of text (see [`combine`]).
fn innermost(revs: &[OpenRevision]) -> (Option<&Change>, Option<&Change>) {
    let last = |kind| {
        revs.iter()
            .rev()
            .find(|r| r.kind == kind)
            .map(|r| &r.change)
    };
    (last(ChangeKind::Insertion), last(ChangeKind::Deletion))
}

/// Whether `revision` is the revision made of these innermost changes.
fn is_revision(revision: &Revision, ins: Option<&Change>, del: Option<&Change>) -> bool {
    match (revision, ins, del) {
        (Revision::Unchanged, None, None) => true,
        (Revision::Inserted(c), Some(i), None) => c == i,
        (Revision::Deleted(c), None, Some(d)) => c == d,
        (Revision::InsertedThenDeleted { inserted, deleted }, Some(i), Some(d)) => {
            inserted == i && deleted == d
        }
        _ => false,
    }
}

/// The revision of text inside these innermost changes: what [`combine`] gives folded over
/// all the open changes, outermost first.
fn revision_of(ins: Option<&Change>, del: Option<&Change>) -> Revision {
    match (ins, del) {
        (None, None) => Revision::Unchanged,
        (Some(i), None) => Revision::Inserted(i.clone()),
        (None, Some(d)) => Revision::Deleted(d.clone()),
        (Some(i), Some(d)) => Revision::InsertedThenDeleted {
            inserted: i.clone(),
            deleted: d.clone(),
        },
    }
}

fn change_of(e: &BytesStart<'_>) -> Change {
    // Both attributes in one pass over the element's attributes. As with `attr`, the first
    // attribute of each name decides (`None` if its value does not normalise).
    let (mut author, mut date): (Option<Option<String>>, Option<Option<String>>) = (None, None);
    for a in e.attributes().with_checks(false).flatten() {
        let slot = match a.key.local_name().as_ref() {
            "author" => &mut author,
            "date" => &mut date,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(
                a.normalized_value(XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned()),
            );
        }
        if author.is_some() && date.is_some() {
            break;
        }
    }
    Change {
        author: author.flatten(),
        date: date.flatten(),
    }
}

/// The revision of text inside a change of `kind`, given the state outside it. The innermost
/// insertion and deletion win.
fn combine(outer: &Revision, kind: ChangeKind, change: Change) -> Revision {
    match (outer, kind) {
        (Revision::Unchanged | Revision::Inserted(_), ChangeKind::Insertion) => {
            Revision::Inserted(change)
        }
        (Revision::Unchanged | Revision::Deleted(_), ChangeKind::Deletion) => {
            Revision::Deleted(change)
        }
        (Revision::Deleted(deleted), ChangeKind::Insertion)
        | (Revision::InsertedThenDeleted { deleted, .. }, ChangeKind::Insertion) => {
            Revision::InsertedThenDeleted {
                inserted: change,
                deleted: deleted.clone(),
            }
        }
        (Revision::Inserted(inserted), ChangeKind::Deletion)
        | (Revision::InsertedThenDeleted { inserted, .. }, ChangeKind::Deletion) => {
            Revision::InsertedThenDeleted {
                inserted: inserted.clone(),
                deleted: change,
            }
        }
    }
}
