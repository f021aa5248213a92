//! Documents with versions, resolutions kept by section across assemblies, amendment
//! proposals, and the import of WTSA contributions (.docx with tracked changes, plain text).
//!
//! A document is a content item (access level and owning organizations, read through the
//! shared SQL rule); its proposals are visible exactly when it is. Resolutions are public
//! texts. An import stores the document, its new version and its structured proposals in one
//! transaction; importing a contribution with the same number again adds a version.

use std::collections::{BTreeMap, HashSet};

use liaise_domain::{
    AccessLevel, Action, Code, PageRequest, Viewer, authorize,
    document::{
        DocumentKind, DocumentNumber, ProposalStatus, SectionPart, Segment, version_key, word_diff,
    },
};
use liaise_import::{Contribution, ImportError, SourceFormat};
use liaise_store::{
    Store,
    entity::{document, document_version, proposal, resolution},
    queries::{
        documents::{self as q, DocumentFilter},
        reference as r, registry as reg,
    },
};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

pub use liaise_store::queries::documents::ProposalFilter;

use crate::{
    Liaise, ServiceError,
    audit::{self, Fields, diff},
    files,
};

/// The largest file accepted by an import.
pub const IMPORT_MAX: usize = 20 * 1024 * 1024;

/// The contribution shipped with the reference data: ATU's proposal to modify Resolution 11,
/// whose "before" text is Resolution 11 as revised at Hammamet in 2016.
pub const REFERENCE_DOCX: &[u8] = include_bytes!("../../../data/reference/ATU-35A3-1.docx");
const REFERENCE_DOCX_NAME: &str = "ATU-35A3-1.docx";

/// One version of a document's file.
#[derive(Debug, Clone)]
pub struct VersionView {
    pub id: i32,
    pub version: i32,
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub file_name: String,
    pub text: String,
    pub created_by: String,
    pub created_at: OffsetDateTime,
}

/// A document as shown.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub id: i32,
    pub number: String,
    pub title: String,
    pub kind: String,
    pub source: Option<String>,
    pub bodies: Vec<String>,
    pub meeting: Option<String>,
    pub date: Option<Date>,
    pub language: String,
    pub topics: Vec<String>,
    pub organizations: Vec<String>,
    pub access: AccessLevel,
    pub versions: Vec<VersionView>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl DocumentView {
    pub fn latest(&self) -> Option<&VersionView> {
        self.versions.last()
    }

    pub fn version(&self, n: i32) -> Option<&VersionView> {
        self.versions.iter().find(|v| v.version == n)
    }
}

#[derive(Debug, Clone)]
pub struct DocumentPage {
    pub items: Vec<DocumentView>,
    pub total: u64,
}

/// Filters of the document list (the page and the API share them).
#[derive(Debug, Default, Clone)]
pub struct DocumentQuery {
    pub kind: Option<String>,
    pub body: Option<String>,
    pub organization: Option<String>,
    pub year: Option<i32>,
}

/// A value before and after a proposed change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BeforeAfter {
    pub before: String,
    pub after: String,
}

impl BeforeAfter {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    pub fn diff(&self) -> Vec<Segment> {
        word_diff(&self.before, &self.after)
    }
}

/// One section of a proposal: an item under a heading (`considering.a`) or a heading's text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProposedSection {
    pub key: String,
    pub heading: String,
    /// The label of the proposed text (of the current text for an item the proposal deletes).
    pub label: Option<String>,
    /// The label of the current text when it is another: Word's numbering counts each text's
    /// own items, so an item inserted before this one renumbers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_before: Option<String>,
    pub before: String,
    pub after: String,
}

impl ProposedSection {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    pub fn diff(&self) -> Vec<Segment> {
        word_diff(&self.before, &self.after)
    }
}

/// The text of a proposal as stored (the `sections` column).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProposalText {
    /// `docx` (exact before and after texts) or `text` (as loaded: both are the same).
    pub format: String,
    pub heading: Option<BeforeAfter>,
    pub title: Option<BeforeAfter>,
    pub history: Option<BeforeAfter>,
    pub preamble: Option<BeforeAfter>,
    pub sections: Vec<ProposedSection>,
    /// The revision the proposal would give its target (`Rev. New Delhi, 2024`).
    pub revision_after: Option<String>,
}

/// One stretch of a part's text: unchanged, or inserted or deleted by its author.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Marked {
    /// `unchanged`, `inserted` or `deleted`.
    pub kind: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// As written in the file (normally ISO 8601 UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// A move (`w:moveFrom`/`w:moveTo`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// An inserted or deleted paragraph mark (its text is one space, or empty).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paragraph: bool,
}

impl Marked {
    pub fn changed(&self) -> bool {
        self.kind != "unchanged"
    }
}

/// The marks of one part: `heading`, `title`, `history`, `preamble` or a section key.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartMarked {
    pub part: String,
    pub marks: Vec<Marked>,
}

/// Where the marks shown for a proposal come from.
pub const MARKS_AUTHOR: &str = "author";
/// The file has no marks (plain text) or they are not known: a word diff is computed.
pub const MARKS_COMPUTED: &str = "computed";

/// A proposal's text as its author marked it (the `marks` column).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ProposalMarks {
    /// [`MARKS_AUTHOR`]: the tracked changes of the file; [`MARKS_COMPUTED`]: none in the
    /// file (plain text), so pages compute them.
    pub source: String,
    pub parts: Vec<PartMarked>,
}

/// A part's marks as shown: the author's, or computed from its before and after texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownMarks {
    pub marks: Vec<Marked>,
    /// Whether they are the author's tracked changes (else a computed comparison).
    pub authored: bool,
}

impl ShownMarks {
    pub fn changed(&self) -> bool {
        self.marks.iter().any(Marked::changed)
    }
}

/// A word diff as marks without author.
pub fn computed_marks(before: &str, after: &str) -> Vec<Marked> {
    word_diff(before, after)
        .into_iter()
        .map(|s| Marked {
            kind: match s {
                Segment::Equal(_) => "unchanged",
                Segment::Insert(_) => "inserted",
                Segment::Delete(_) => "deleted",
            }
            .to_owned(),
            text: s.text().to_owned(),
            author: None,
            date: None,
            moved: false,
            paragraph: false,
        })
        .collect()
}

/// The marks an importer answer gives a proposal.
fn proposal_marks(c: &Contribution, p: &liaise_import::Proposal) -> ProposalMarks {
    if c.format == SourceFormat::Text {
        return ProposalMarks {
            source: MARKS_COMPUTED.to_owned(),
            parts: Vec::new(),
        };
    }
    ProposalMarks {
        source: MARKS_AUTHOR.to_owned(),
        parts: p
            .marks
            .iter()
            .map(|pm| PartMarked {
                part: pm.part.key().to_owned(),
                marks: pm
                    .marks
                    .iter()
                    .map(|m| Marked {
                        kind: m.kind.as_str().to_owned(),
                        text: m.text.clone(),
                        author: m.change.author.clone(),
                        date: m.change.date.clone(),
                        moved: m.moved,
                        paragraph: m.paragraph,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// An amendment proposal as shown.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: i32,
    pub identifier: String,
    pub action: String,
    pub source: String,
    pub target_number: Option<String>,
    pub base_version: Option<String>,
    pub text: ProposalText,
    pub topics: Vec<String>,
    pub reasons: Option<String>,
    pub abstract_text: Option<String>,
    pub status: String,
    pub document_id: i32,
    /// The parts as the author marked them; `None` when not known (stored before marks were
    /// kept and its file not found).
    pub marks: Option<ProposalMarks>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

impl ProposalView {
    /// Whether the marks shown are the author's tracked changes (else computed).
    pub fn marks_authored(&self) -> bool {
        self.marks
            .as_ref()
            .is_some_and(|m| m.source == MARKS_AUTHOR)
    }

    /// The marks of a part (`heading`, `title`, `history`, `preamble` or a section key) with
    /// these before and after texts: the author's when the file had them and they add up to
    /// the texts, else a word diff.
    pub fn part_marks(&self, part: &str, before: &str, after: &str) -> ShownMarks {
        let kept = self
            .marks
            .as_ref()
            .filter(|m| m.source == MARKS_AUTHOR)
            .and_then(|m| m.parts.iter().find(|p| p.part == part))
            .filter(|p| adds_up(&p.marks, before, after));
        match kept {
            Some(p) => ShownMarks {
                marks: p.marks.clone(),
                authored: true,
            },
            None => ShownMarks {
                marks: computed_marks(before, after),
                authored: false,
            },
        }
    }

    /// The heading line, title, history line and assembly line that the proposal has, each
    /// with its key and marks.
    pub fn head_marks(&self) -> Vec<(&'static str, &BeforeAfter, ShownMarks)> {
        [
            ("heading", &self.text.heading),
            ("title", &self.text.title),
            ("history", &self.text.history),
            ("preamble", &self.text.preamble),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            let v = v.as_ref()?;
            Some((k, v, self.part_marks(k, &v.before, &v.after)))
        })
        .collect()
    }

    /// Each section with its marks.
    pub fn section_marks(&self) -> Vec<(&ProposedSection, ShownMarks)> {
        self.text
            .sections
            .iter()
            .map(|s| (s, self.part_marks(&s.key, &s.before, &s.after)))
            .collect()
    }

    /// `Resolution 11` (the only kind of target kept by structure today).
    pub fn target_label(&self) -> String {
        self.target_number
            .as_deref()
            .map(|n| format!("Resolution {n}"))
            .unwrap_or_default()
    }

    pub fn section(&self, key: &str) -> Option<&ProposedSection> {
        self.text.sections.iter().find(|s| s.key == key)
    }

    /// The before and after texts of a part: one of [`HEAD_PARTS`] or a section key.
    pub fn part(&self, key: &str) -> Option<(&str, &str)> {
        let head = match key {
            "heading" => Some(&self.text.heading),
            "title" => Some(&self.text.title),
            "history" => Some(&self.text.history),
            "preamble" => Some(&self.text.preamble),
            _ => None,
        };
        match head {
            Some(v) => v.as_ref().map(|v| (v.before.as_str(), v.after.as_str())),
            None => self
                .section(key)
                .map(|s| (s.before.as_str(), s.after.as_str())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProposalPage {
    pub items: Vec<ProposalView>,
    pub total: u64,
}

/// One item of a resolution section: label (`a)`, `1`, or none) and text.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResolutionItem {
    pub key: String,
    pub label: Option<String>,
    pub text: String,
}

/// A section of a resolution: its heading (*considering*, *resolves* …), its part and items.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ResolutionSection {
    pub key: String,
    pub heading: String,
    /// `preamble` or `operative`.
    pub part: String,
    pub items: Vec<ResolutionItem>,
}

/// A resolution's text at one assembly.
#[derive(Debug, Clone)]
pub struct ResolutionVersion {
    pub id: i32,
    pub number: String,
    pub version_key: String,
    pub assembly: String,
    pub year: i32,
    pub title: String,
    pub history: Option<String>,
    pub sections: Vec<ResolutionSection>,
}

impl ResolutionVersion {
    /// Every item with its section heading, in order.
    pub fn items(&self) -> impl Iterator<Item = (&ResolutionSection, &ResolutionItem)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
    }

    pub fn item(&self, key: &str) -> Option<&ResolutionItem> {
        self.items().find(|(_, i)| i.key == key).map(|(_, i)| i)
    }
}

/// Changes to a document's details; `None` keeps a field as it is. An empty `source` or
/// `meeting` clears it, as `date: Some(None)` does.
#[derive(Debug, Default, Clone)]
pub struct DocumentPatch {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub source: Option<String>,
    /// Body codes.
    pub bodies: Option<Vec<String>>,
    pub meeting: Option<String>,
    pub date: Option<Option<Date>>,
    pub language: Option<String>,
    /// Topic slugs.
    pub topics: Option<Vec<String>>,
    pub access: Option<String>,
}

/// Languages a document may be written in: the working languages first, then the other
/// official languages of the United Nations.
pub const DOCUMENT_LANGUAGES: &[&str] = &["en", "fr", "es", "ar", "zh", "ru"];

/// What the caller may set on an import; the rest comes from the file.
#[derive(Debug, Default, Clone)]
pub struct ImportOptions {
    pub access: Option<String>,
    pub kind: Option<String>,
    /// Owning organizations (default: the importing secretariat's).
    pub organizations: Vec<String>,
}

/// What an import stored.
#[derive(Debug, Clone)]
pub struct Imported {
    pub document_id: i32,
    pub number: String,
    pub version: i32,
    /// Whether the document is new (else a version was added).
    pub created: bool,
    /// (id, identifier)
    pub proposals: Vec<(i32, String)>,
    pub format: String,
}

/// The parts of a resolution before its sections, in order: heading line, title, history
/// line, assembly line.
pub const HEAD_PARTS: [&str; 4] = ["heading", "title", "history", "preamble"];

/// One row of a compilation: a part or item of the base text and each proposal's version of it.
#[derive(Debug, Clone)]
pub struct CompiledItem {
    /// A section key, or one of [`HEAD_PARTS`].
    pub key: String,
    /// Whether the row is the heading, title, history or assembly line (not a section).
    pub head: bool,
    pub heading: String,
    pub label: Option<String>,
    /// The text in the base version (none for an item proposals add).
    pub base: Option<String>,
    /// For each proposal (in the compilation's order), its text when it changes the item.
    pub proposed: Vec<Option<String>>,
    /// For each proposal, its marks of the item when it changes it (the author's when kept).
    pub marks: Vec<Option<ShownMarks>>,
    /// The consolidated text from the accepted proposals.
    pub consolidated: Consolidated,
}

/// The consolidated text of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consolidated {
    /// No accepted proposal changes it.
    Unchanged(String),
    /// Changed by the accepted proposals, which agree (their identifiers).
    Changed {
        text: String,
        by: Vec<String>,
        segments: Vec<Segment>,
    },
    /// Accepted proposals change it differently: (identifier, text) each; nobody guesses.
    Conflict(Vec<(String, String)>),
}

/// A compilation row before its texts: key, whether a head part, heading, label, base text.
type RowKey = (String, bool, String, Option<String>, Option<String>);

/// Every proposal on a resolution side by side with its base text.
#[derive(Debug, Clone)]
pub struct Compilation {
    pub base: ResolutionVersion,
    pub proposals: Vec<ProposalView>,
    pub accepted: Vec<String>,
    pub items: Vec<CompiledItem>,
}

impl Compilation {
    pub fn conflicts(&self) -> usize {
        self.items
            .iter()
            .filter(|i| matches!(i.consolidated, Consolidated::Conflict(_)))
            .count()
    }
}

/// A section-by-section comparison of two texts.
#[derive(Debug, Clone)]
pub struct ComparedItem {
    pub key: String,
    pub heading: String,
    pub label: Option<String>,
    pub segments: Vec<Segment>,
}

impl ComparedItem {
    pub fn changed(&self) -> bool {
        liaise_domain::document::changed(&self.segments)
    }
}

/// A document's details as audited.
fn detail_fields(d: &DocumentView) -> Fields {
    vec![
        ("title", Some(d.title.clone())),
        ("kind", Some(d.kind.clone())),
        ("source", d.source.clone()),
        ("bodies", Some(d.bodies.join(", "))),
        ("meeting", d.meeting.clone()),
        ("date", d.date.map(|x| x.to_string())),
        ("language", Some(d.language.clone())),
        ("topics", Some(d.topics.join(", "))),
        ("access", Some(d.access.as_str().to_owned())),
    ]
}

/// The registry entries named in `list` (codes or slugs, each once, in order), as `find`
/// knows them; each unknown one is reported at `field[i]`.
fn registry_list(
    v: &mut liaise_domain::error::Validator,
    field: &str,
    what: &str,
    list: &[String],
    find: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, raw) in list.iter().enumerate() {
        match find(raw.trim()) {
            Some(key) if !out.contains(&key) => out.push(key),
            Some(_) => {}
            None => v.push(
                format!("{field}[{i}]"),
                format!("no {what} `{}`", liaise_domain::text::preview(raw)),
            ),
        }
    }
    out
}

/// The organizations owning a document, as codes.
fn document_owners(d: &DocumentView) -> Vec<Code> {
    d.organizations
        .iter()
        .filter_map(|o| Code::parse("organization", o).ok())
        .collect()
}

fn json_list(v: &str) -> Vec<String> {
    serde_json::from_str(v).unwrap_or_default()
}

fn to_json<T: Serialize>(v: &T) -> Result<String, ServiceError> {
    serde_json::to_string(v).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn version_view(v: document_version::Model) -> VersionView {
    VersionView {
        id: v.id,
        version: v.version,
        sha256: v.sha256,
        size: v.size,
        content_type: v.content_type,
        file_name: v.file_name,
        text: v.text,
        created_by: v.created_by,
        created_at: v.created_at,
    }
}

pub(crate) fn proposal_view(p: proposal::Model) -> ProposalView {
    ProposalView {
        id: p.id,
        identifier: p.identifier,
        action: p.action,
        source: p.source,
        target_number: p.target_number,
        base_version: p.base_version,
        text: serde_json::from_str(&p.sections).unwrap_or_default(),
        topics: json_list(&p.topics),
        reasons: p.reasons,
        abstract_text: p.abstract_text,
        status: p.status,
        document_id: p.document_id,
        marks: p
            .marks
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok()),
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

pub(crate) fn resolution_view(m: resolution::Model) -> ResolutionVersion {
    ResolutionVersion {
        id: m.id,
        number: m.number,
        version_key: m.version_key,
        assembly: m.assembly,
        year: m.year,
        title: m.title,
        history: m.history,
        sections: serde_json::from_str(&m.sections).unwrap_or_default(),
    }
}

pub(crate) async fn assemble(
    c: &impl liaise_store::Conn,
    snap: &crate::Snapshot,
    rows: Vec<document::Model>,
) -> Result<Vec<DocumentView>, ServiceError> {
    let ids: Vec<i32> = rows.iter().map(|d| d.id).collect();
    let owners = q::owners(c, &ids).await?;
    let mut versions: BTreeMap<i32, Vec<VersionView>> = BTreeMap::new();
    for v in q::versions(c, &ids).await? {
        versions
            .entry(v.document_id)
            .or_default()
            .push(version_view(v));
    }
    Ok(rows
        .into_iter()
        .map(|d| DocumentView {
            organizations: owners
                .iter()
                .filter(|o| o.document_id == d.id)
                .filter_map(|o| snap.organization_by_id(o.organization_id))
                .map(|o| o.code.clone())
                .collect(),
            versions: versions.remove(&d.id).unwrap_or_default(),
            id: d.id,
            number: d.number,
            title: d.title,
            kind: d.kind,
            source: d.source,
            bodies: json_list(&d.bodies),
            meeting: d.meeting,
            date: d.date,
            language: d.language,
            topics: json_list(&d.topics),
            access: AccessLevel::parse("access", &d.access).unwrap_or(AccessLevel::Secretariat),
            created_at: d.created_at,
            updated_at: d.updated_at,
        })
        .collect())
}

/// The resolution structure from a proposal's before (or after) texts: its items grouped
/// under their headings, in order.
pub fn resolution_sections(sections: &[ProposedSection], after: bool) -> Vec<ResolutionSection> {
    let mut out: Vec<ResolutionSection> = Vec::new();
    for s in sections {
        let text = if after { &s.after } else { &s.before };
        if text.is_empty() {
            continue;
        }
        let key = s.key.split('.').next().unwrap_or(&s.key).to_owned();
        if out.last().is_none_or(|l| l.key != key) {
            out.push(ResolutionSection {
                key: key.clone(),
                heading: s.heading.clone(),
                part: SectionPart::of_heading(&s.heading).as_str().to_owned(),
                items: Vec::new(),
            });
        }
        let label = match (after, &s.label_before) {
            (false, Some(before)) => Some(before.clone()),
            _ => s.label.clone(),
        };
        if let Some(last) = out.last_mut() {
            last.items.push(ResolutionItem {
                key: s.key.clone(),
                label,
                text: text.clone(),
            });
        }
    }
    out
}

/// What an importer answer becomes: one structured text per proposal.
fn proposal_text(c: &Contribution, p: &liaise_import::Proposal) -> ProposalText {
    let ba = |v: &Option<liaise_import::Versioned<String>>| {
        v.as_ref().map(|v| BeforeAfter {
            before: v.before.clone(),
            after: v.after.clone(),
        })
    };
    ProposalText {
        format: match c.format {
            SourceFormat::Docx => "docx",
            SourceFormat::Text => "text",
        }
        .to_owned(),
        heading: ba(&p.heading),
        title: ba(&p.title),
        history: ba(&p.history),
        preamble: ba(&p.preamble),
        sections: p
            .sections
            .iter()
            .map(|s| ProposedSection {
                key: s.key.clone(),
                heading: s.heading.clone(),
                label: s.label.clone(),
                label_before: s
                    .labels
                    .before
                    .clone()
                    .filter(|before| s.label.as_ref() != Some(before)),
                before: s.text.before.clone(),
                after: s.text.after.clone(),
            })
            .collect(),
        revision_after: p.target.as_ref().and_then(|t| t.revision_after.clone()),
    }
}

/// Whether marks give exactly these before and after texts.
fn adds_up(marks: &[Marked], before: &str, after: &str) -> bool {
    let side = |skip: &str| -> String {
        marks
            .iter()
            .filter(|m| m.kind != skip)
            .map(|m| m.text.as_str())
            .collect()
    };
    side("inserted") == before && side("deleted") == after
}

/// A file read by the importer: the contribution and the document's text.
struct Read {
    contribution: Contribution,
    text: String,
    content_type: &'static str,
}

/// Reads a contribution, recognizing .docx and plain text by their content: a zip signature
/// (or a `.docx` name) is read as WordprocessingML, anything else as UTF-8 text.
fn read_contribution(name: &str, bytes: &[u8]) -> Result<Read, ImportError> {
    if bytes.is_empty() {
        return Err(ImportError::Empty);
    }
    let zip = bytes.starts_with(b"PK");
    if zip || name.to_ascii_lowercase().ends_with(".docx") {
        let doc = liaise_import::docx::read(bytes, &liaise_import::Limits::default())?;
        let contribution = liaise_import::proposal::recognize(&doc)?;
        Ok(Read {
            contribution,
            text: doc.after_paragraphs().join("\n"),
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        })
    } else {
        let contribution = liaise_import::import_text(bytes)?;
        let text = String::from_utf8_lossy(bytes).into_owned();
        Ok(Read {
            contribution,
            text,
            content_type: "text/plain; charset=utf-8",
        })
    }
}

/// The document number of a contribution: its proposals' source and document
/// (`ATU/35A3/1` → `ATU/35A3`).
fn contribution_number(c: &Contribution) -> Option<String> {
    let id = &c.proposals.first()?.id;
    Some(match id.addendum() {
        Some(a) => format!("{}/{}A{a}", id.source(), id.document()),
        None => format!("{}/{}", id.source(), id.document()),
    })
}

fn contribution_title(c: &Contribution) -> String {
    let mut ids = c.proposals.iter().map(|p| format!("{} {}", p.action, p.id));
    let first = ids.next().unwrap_or_default();
    let rest = c.proposals.len().saturating_sub(1);
    let target = c
        .proposals
        .first()
        .and_then(|p| p.target.as_ref())
        .map(|t| format!(": {}", t.label()))
        .unwrap_or_default();
    if rest > 0 {
        format!("{first} (+{rest}){target}")
    } else {
        format!("{first}{target}")
    }
}

/// A title read from a file passes the rules of typed titles (`text::line`): one that breaks
/// them (a control character, a bidirectional override, a noncharacter, over 500
/// characters) refuses the file, naming it; nothing is cleaned silently.
fn checked_title(title: String, file: &str) -> Result<String, ServiceError> {
    liaise_domain::text::line("title", &title, 500).map_err(|e| {
        ServiceError::invalid(
            "file",
            format!("{file}: the title read from the file is not acceptable: {e}"),
        )
    })
}

/// The date of the latest tracked change, as the document's date.
fn contribution_date(c: &Contribution) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    c.proposals
        .iter()
        .flat_map(|p| p.tracked_changes.iter())
        .filter_map(|t| t.span.change.date.as_deref())
        .filter_map(|d| Date::parse(d.get(..10)?, format).ok())
        .filter(|d| liaise_domain::text::YEARS.contains(&d.year()))
        .max()
}

/// At most this many files are parsed at once in this process; more wait their turn. Each
/// parse may hold up to `liaise_import::Limits` of inflated XML, so this bounds an import
/// flood's memory (and leaves the other cores to the requests).
pub const PARSING_AT_ONCE: usize = 2;

static PARSING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(PARSING_AT_ONCE);

/// Runs a parse (CPU work: unzip, XML) off the async workers, once one of the
/// [`PARSING_AT_ONCE`] places is free.
async fn parse_bounded<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServiceError> {
    let _place = PARSING
        .acquire()
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

fn import_error(name: &str, e: &ImportError) -> ServiceError {
    ServiceError::invalid("file", format!("{name}: {e}"))
}

impl Liaise {
    // ---- documents ----------------------------------------------------------------------

    /// The documents `viewer` may see, newest first (remembered per viewer's scope, query and
    /// page until a write of documents).
    pub async fn documents(
        &self,
        viewer: &Viewer,
        query: &DocumentQuery,
        page: PageRequest,
    ) -> Result<DocumentPage, ServiceError> {
        let key = crate::cache::Key::new(
            crate::cache::Answer::DocumentPage,
            viewer,
            format!("{query:?}|{}|{}", page.page(), page.per_page()),
        );
        let ticket = match self.cache().recall::<DocumentPage>(key) {
            Ok(hit) => return Ok((*hit).clone()),
            Err(ticket) => ticket,
        };
        let found = self.documents_read(viewer, query, page).await?;
        self.cache()
            .remember(ticket, std::sync::Arc::new(found.clone()));
        Ok(found)
    }

    async fn documents_read(
        &self,
        viewer: &Viewer,
        query: &DocumentQuery,
        page: PageRequest,
    ) -> Result<DocumentPage, ServiceError> {
        let snap = self.registry().await?;
        let mut filter = DocumentFilter {
            kind: crate::blank(&query.kind).map(str::to_owned),
            body: crate::blank(&query.body).map(str::to_owned),
            year: liaise_domain::text::optional_year("year", query.year)?,
            organization_id: None,
        };
        if let Some(k) = &filter.kind {
            DocumentKind::parse("kind", k)?;
        }
        if let Some(o) = crate::blank(&query.organization) {
            let Some(org) = snap.organization(o) else {
                return Ok(DocumentPage {
                    items: Vec::new(),
                    total: 0,
                });
            };
            filter.organization_id = Some(org.id);
        }
        if let Some(b) = &filter.body {
            filter.body = Some(snap.body(b).map_or_else(|| b.clone(), |b| b.code.clone()));
        }
        let c = self.store.conn();
        let list = q::list_query(viewer, &filter);
        let total = self
            .count(
                crate::cache::Answer::DocumentCount,
                viewer,
                format!("{filter:?}"),
                &list,
            )
            .await?;
        let rows = if page.offset() < total {
            list.page(c, &q::ORDER, page.offset(), page.per_page())
                .await?
        } else {
            Vec::new()
        };
        Ok(DocumentPage {
            items: assemble(c, &snap, rows).await?,
            total,
        })
    }

    /// One document with its versions, if `viewer` may see it.
    pub async fn document(&self, viewer: &Viewer, id: i32) -> Result<DocumentView, ServiceError> {
        let snap = self.registry().await?;
        let c = self.store.conn();
        let row = q::get(c, viewer, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("no document {id}")))?;
        assemble(c, &snap, vec![row])
            .await?
            .pop()
            .ok_or_else(|| ServiceError::NotFound(format!("no document {id}")))
    }

    /// The proposals of a document that `viewer` may see.
    pub async fn document_proposals(
        &self,
        viewer: &Viewer,
        id: i32,
    ) -> Result<Vec<ProposalView>, ServiceError> {
        Ok(q::proposals_of(self.store.conn(), viewer, &[id])
            .await?
            .into_iter()
            .map(proposal_view)
            .collect())
    }

    /// The bytes of one version of a document `viewer` may see.
    pub async fn document_file(
        &self,
        viewer: &Viewer,
        id: i32,
        version: i32,
    ) -> Result<(VersionView, Vec<u8>), ServiceError> {
        let doc = self.document(viewer, id).await?;
        let v = doc
            .version(version)
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("no version {version}")))?;
        let files = self.files.as_deref().map(|p| p.as_path());
        if let Some(bytes) = version_bytes(files, &v.sha256).await? {
            return Ok((v, bytes));
        }
        Err(ServiceError::NotFound(format!(
            "the file of version {version} is not available"
        )))
    }

    /// Two versions of a document compared word by word.
    pub async fn compare_versions(
        &self,
        viewer: &Viewer,
        id: i32,
        from: i32,
        to: i32,
    ) -> Result<(DocumentView, Vec<Segment>), ServiceError> {
        let doc = self.document(viewer, id).await?;
        let missing = |n: i32| ServiceError::invalid("version", format!("no version {n}"));
        let a = doc.version(from).ok_or_else(|| missing(from))?;
        let b = doc.version(to).ok_or_else(|| missing(to))?;
        let segments = word_diff(&a.text, &b.text);
        Ok((doc, segments))
    }

    // ---- import -------------------------------------------------------------------------

    /// Imports a contribution (.docx or plain text, told apart by content): the document, a
    /// new version with its file and text, and its proposals, in one transaction. A file the
    /// importer refuses leaves nothing behind. Secretariats and administrators only.
    #[tracing::instrument(skip(self, bytes, options), fields(size = bytes.len()))]
    pub async fn import_document(
        &self,
        viewer: &Viewer,
        file_name: &str,
        bytes: Vec<u8>,
        options: &ImportOptions,
    ) -> Result<Imported, ServiceError> {
        authorize(viewer, &Action::EditRegistry { owners: &[] })?;
        let name = files::check_name(file_name)?;
        if bytes.len() > IMPORT_MAX {
            return Err(ServiceError::invalid(
                "file",
                format!(
                    "{name}: the file is larger than {} MiB",
                    IMPORT_MAX / 1024 / 1024
                ),
            ));
        }
        let access = AccessLevel::parse("access", options.access.as_deref().unwrap_or("public"))?;
        let kind = DocumentKind::parse("kind", options.kind.as_deref().unwrap_or("contribution"))?;
        let snap = self.registry().await?;
        let mut owners: Vec<Code> = Vec::new();
        for o in &options.organizations {
            let org = snap.organization(o).ok_or_else(|| {
                ServiceError::invalid("organizations", format!("no organization `{o}`"))
            })?;
            owners.push(Code::parse("organizations", &org.code)?);
        }
        if owners.is_empty()
            && let liaise_domain::Role::Secretariat(org) = &viewer.role
        {
            owners.push(org.clone());
        }
        authorize(viewer, &Action::EditRegistry { owners: &owners })?;
        // CPU work (unzip, XML) off the async workers, a few at a time.
        let (read, bytes) = {
            let name = name.clone();
            parse_bounded(move || {
                let read = read_contribution(&name, &bytes);
                (read, bytes)
            })
            .await?
        };
        let read = read.map_err(|e| import_error(&name, &e))?;
        let number = contribution_number(&read.contribution)
            .ok_or_else(|| import_error(&name, &ImportError::NoProposal))?;
        let number = DocumentNumber::parse("number", &number)?;
        let existing = q::by_number_unfiltered(self.store.conn(), number.as_str()).await?;
        if let Some(d) = &existing {
            // A document the importer may not see answers as every other route does: it
            // does not exist for them.
            if q::get(self.store.conn(), viewer, d.id).await?.is_none() {
                return Err(ServiceError::NotFound(format!(
                    "{name}: no document {} that you may add a version to",
                    number.as_str()
                )));
            }
            let current: Vec<Code> = q::owners(self.store.conn(), &[d.id])
                .await?
                .iter()
                .filter_map(|o| snap.organization_by_id(o.organization_id))
                .filter_map(|o| Code::parse("organization", &o.code).ok())
                .collect();
            // Only its owners' secretariats add versions; a document recorded without an
            // owner (before owners were required) takes versions from administrators only.
            if current.is_empty() {
                authorize(viewer, &Action::Administer)?;
            } else {
                authorize(viewer, &Action::EditRegistry { owners: &current })?;
            }
        } else if owners.is_empty() {
            return Err(ServiceError::invalid(
                "organizations",
                format!(
                    "{name}: say which organization owns {} (`organizations`, or \
                     `--organization CODE` on the command line)",
                    number.as_str()
                ),
            ));
        }
        let dir = self
            .files
            .clone()
            .ok_or_else(|| ServiceError::Unavailable("file storage is not configured".into()))?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        // The file goes first, under its hash: a record never names a missing file, and a
        // refused import leaves at most an unreferenced copy of bytes already seen.
        let sha = files::store(&dir, bytes).await?;
        let owner_ids: Vec<i32> = owners
            .iter()
            .filter_map(|c| snap.organization(c.as_str()).map(|o| o.id))
            .collect();
        let tx = self.store.begin().await?;
        let stored = store_contribution(
            &tx,
            viewer,
            &Stored {
                number: number.as_str(),
                file_name: &name,
                sha: &sha,
                size,
                content_type: read.content_type,
                text: &read.text,
                kind: kind.as_str(),
                access: access.as_str(),
                owner_ids: &owner_ids,
                existing: existing.as_ref(),
            },
            &read.contribution,
        )
        .await?;
        crate::search::index_document(&tx, &snap, stored.document_id).await?;
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Documents).await?;
        Ok(stored)
    }

    /// Whether `viewer` may change this document's details (the rule `update_document`
    /// checks), for pages deciding what to show.
    pub fn may_edit_document(&self, viewer: &Viewer, d: &DocumentView) -> bool {
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &document_owners(d),
            },
        )
        .is_ok()
    }

    /// Changes a document's details (its organizations' secretariats, administrators): what
    /// an import cannot read from the file (bodies, topics, meeting, date) or read wrongly.
    /// Every broken rule is reported with its field; the search entries of the document and
    /// its proposals follow in the same transaction.
    pub async fn update_document(
        &self,
        viewer: &Viewer,
        id: i32,
        patch: &DocumentPatch,
    ) -> Result<DocumentView, ServiceError> {
        let current = self.document(viewer, id).await?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &document_owners(&current),
            },
        )?;
        let snap = self.registry().await?;
        let mut v = liaise_domain::error::Validator::new();
        let title = match &patch.title {
            Some(t) => v.check(liaise_domain::text::line("title", t, 500)),
            None => Some(current.title.clone()),
        };
        let kind = match &patch.kind {
            Some(k) => v
                .check(DocumentKind::parse("kind", k))
                .map(|k| k.as_str().to_owned()),
            None => Some(current.kind.clone()),
        };
        let source = match &patch.source {
            Some(s) => v.check(liaise_domain::text::optional_line("source", Some(s), 200)),
            None => Some(current.source.clone()),
        };
        let meeting = match &patch.meeting {
            Some(m) => v.check(liaise_domain::text::optional_line("meeting", Some(m), 200)),
            None => Some(current.meeting.clone()),
        };
        let language = match patch.language.as_deref().map(str::trim) {
            Some(l) if DOCUMENT_LANGUAGES.contains(&l) => l.to_owned(),
            Some(l) => {
                v.push(
                    "language",
                    format!(
                        "`{}` is not one of {}",
                        liaise_domain::text::preview(l),
                        DOCUMENT_LANGUAGES.join(", ")
                    ),
                );
                current.language.clone()
            }
            None => current.language.clone(),
        };
        let access = match &patch.access {
            Some(a) => v.check(AccessLevel::parse("access", a)),
            None => Some(current.access),
        };
        let bodies = match &patch.bodies {
            Some(list) => registry_list(&mut v, "bodies", "body", list, |c| {
                snap.body(c).map(|b| b.code.clone())
            }),
            None => current.bodies.clone(),
        };
        let topics = match &patch.topics {
            Some(list) => registry_list(&mut v, "topics", "topic", list, |s| {
                snap.topic(s).map(|t| t.slug.clone())
            }),
            None => current.topics.clone(),
        };
        let date = patch.date.unwrap_or(current.date);
        let (Some(title), Some(kind), Some(source), Some(meeting), Some(access), true) =
            (title, kind, source, meeting, access, v.is_ok())
        else {
            return Err(v.into_error().into());
        };
        let next = DocumentView {
            title,
            kind,
            source,
            bodies,
            meeting,
            date,
            language,
            topics,
            access,
            ..current.clone()
        };
        let tx = self.store.begin().await?;
        let now = OffsetDateTime::now_utc();
        q::update_details(
            &tx,
            id,
            &q::DocumentRow {
                number: &next.number,
                title: &next.title,
                kind: &next.kind,
                source: next.source.as_deref(),
                bodies: &to_json(&next.bodies)?,
                meeting: next.meeting.as_deref(),
                date: next.date,
                language: &next.language,
                topics: &to_json(&next.topics)?,
                access: next.access.as_str(),
                organization_ids: &[],
            },
            now,
        )
        .await?;
        crate::search::index_document(&tx, &snap, id).await?;
        audit::record(
            &tx,
            viewer,
            "update",
            "document",
            &current.number,
            diff(&detail_fields(&current), &detail_fields(&next)),
        )
        .await?;
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Documents).await?;
        self.document(viewer, id).await
    }

    // ---- proposals ----------------------------------------------------------------------

    pub async fn proposals(
        &self,
        viewer: &Viewer,
        filter: &ProposalFilter,
        page: PageRequest,
    ) -> Result<ProposalPage, ServiceError> {
        if let Some(s) = &filter.status {
            ProposalStatus::parse("status", s)?;
        }
        let key = crate::cache::Key::new(
            crate::cache::Answer::ProposalPage,
            viewer,
            format!("{filter:?}|{}|{}", page.page(), page.per_page()),
        );
        let ticket = match self.cache().recall::<ProposalPage>(key) {
            Ok(hit) => return Ok((*hit).clone()),
            Err(ticket) => ticket,
        };
        let list = q::proposals_query(viewer, filter);
        let total = self
            .count(
                crate::cache::Answer::ProposalCount,
                viewer,
                format!("{filter:?}"),
                &list,
            )
            .await?;
        let rows = if page.offset() < total {
            list.page(
                self.store.conn(),
                &q::PROPOSAL_ORDER,
                page.offset(),
                page.per_page(),
            )
            .await?
        } else {
            Vec::new()
        };
        let found = ProposalPage {
            items: rows.into_iter().map(proposal_view).collect(),
            total,
        };
        self.cache()
            .remember(ticket, std::sync::Arc::new(found.clone()));
        Ok(found)
    }

    /// One proposal by identifier (`ATU/35A3/1`), if `viewer` may see its document.
    pub async fn proposal(
        &self,
        viewer: &Viewer,
        identifier: &str,
    ) -> Result<ProposalView, ServiceError> {
        q::proposal(self.store.conn(), viewer, identifier.trim())
            .await?
            .map(proposal_view)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "no proposal `{}`",
                    liaise_domain::text::preview(identifier)
                ))
            })
    }

    /// Records where a proposal stands (its document's secretariats, administrators).
    pub async fn set_proposal_status(
        &self,
        viewer: &Viewer,
        identifier: &str,
        status: &str,
    ) -> Result<ProposalView, ServiceError> {
        let current = self.proposal(viewer, identifier).await?;
        let status = ProposalStatus::parse("status", status)?;
        let doc = self.document(viewer, current.document_id).await?;
        authorize(
            viewer,
            &Action::EditRegistry {
                owners: &document_owners(&doc),
            },
        )?;
        let tx = self.store.begin().await?;
        let now = OffsetDateTime::now_utc();
        q::set_proposal_status(&tx, current.id, status.as_str(), now).await?;
        // A proposal adopted as written gives its target's text at the new assembly (once per
        // assembly; "adopted with changes" does not, its adopted text is not the proposal's).
        let mut recorded = None;
        if status == ProposalStatus::Adopted
            && current.text.format == "docx"
            && let (Some(number), Some(revision)) =
                (&current.target_number, &current.text.revision_after)
            && let Some(key) = version_key(revision)
        {
            let (assembly, year) = assembly_year(revision);
            let sections = resolution_sections(&current.text.sections, true);
            let added = q::insert_resolution(
                &tx,
                &q::ResolutionRow {
                    number,
                    version_key: &key,
                    assembly: &assembly,
                    year,
                    title: current.text.title.as_ref().map_or("", |t| t.after.as_str()),
                    history: current.text.history.as_ref().map(|h| h.after.as_str()),
                    sections: &to_json(&sections)?,
                },
                now,
            )
            .await?;
            if added {
                crate::search::index_resolution(&tx, number).await?;
                recorded = Some(format!("{number}:{key}"));
            }
        }
        audit::record(
            &tx,
            viewer,
            "status",
            "proposal",
            &current.identifier,
            diff(
                &vec![
                    ("status", Some(current.status.clone())),
                    ("resolution", None),
                ],
                &vec![
                    ("status", Some(status.as_str().to_owned())),
                    ("resolution", recorded),
                ],
            ),
        )
        .await?;
        liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
        tx.commit().await.map_err(liaise_store::StoreError::from)?;
        self.changed(crate::cache::Area::Documents).await?;
        self.proposal(viewer, &current.identifier).await
    }

    // ---- resolutions --------------------------------------------------------------------

    /// The texts of a resolution kept by assembly, oldest first (empty: unknown resolution).
    pub async fn resolution(&self, number: &str) -> Result<Vec<ResolutionVersion>, ServiceError> {
        let versions: Vec<ResolutionVersion> =
            q::resolution_versions(self.store.conn(), number.trim())
                .await?
                .into_iter()
                .map(resolution_view)
                .collect();
        if versions.is_empty() {
            return Err(ServiceError::NotFound(format!(
                "no resolution `{}`",
                liaise_domain::text::preview(number)
            )));
        }
        Ok(versions)
    }

    /// Two versions of a resolution compared item by item.
    pub async fn compare_resolution(
        &self,
        number: &str,
        from: &str,
        to: &str,
    ) -> Result<(ResolutionVersion, ResolutionVersion, Vec<ComparedItem>), ServiceError> {
        let versions = self.resolution(number).await?;
        let pick = |field: &str, key: &str| {
            versions
                .iter()
                .find(|v| v.version_key == key)
                .cloned()
                .ok_or_else(|| ServiceError::invalid(field, format!("no version `{key}`")))
        };
        let a = pick("from", from)?;
        let b = pick("to", to)?;
        let mut keys: Vec<(&ResolutionSection, &ResolutionItem)> = a.items().collect();
        for (s, i) in b.items() {
            if a.item(&i.key).is_none() {
                keys.push((s, i));
            }
        }
        let items = keys
            .into_iter()
            .map(|(s, i)| ComparedItem {
                key: i.key.clone(),
                heading: s.heading.clone(),
                label: i.label.clone(),
                segments: word_diff(
                    a.item(&i.key).map_or("", |x| x.text.as_str()),
                    b.item(&i.key).map_or("", |x| x.text.as_str()),
                ),
            })
            .collect();
        Ok((a.clone(), b.clone(), items))
    }

    /// Every proposal on a resolution (that `viewer` may see) against its latest text, and
    /// the text that accepting the `accepted` proposals gives.
    pub async fn compilation(
        &self,
        viewer: &Viewer,
        number: &str,
        accepted: &[String],
    ) -> Result<Compilation, ServiceError> {
        let versions = self.resolution(number).await?;
        let filter = ProposalFilter {
            target: Some(number.trim().to_owned()),
            ..ProposalFilter::default()
        };
        let (rows, _) = q::proposals(self.store.conn(), viewer, &filter, 0, 500).await?;
        let proposals: Vec<ProposalView> = rows.into_iter().map(proposal_view).collect();
        // The base: the version most proposals amend, else the latest.
        let base = proposals
            .iter()
            .filter_map(|p| p.base_version.as_deref())
            .filter_map(|k| versions.iter().find(|v| v.version_key == k))
            .max_by_key(|v| v.year)
            .or(versions.last())
            .cloned()
            .ok_or_else(|| ServiceError::NotFound(format!("no resolution `{number}`")))?;
        let known: HashSet<&str> = proposals.iter().map(|p| p.identifier.as_str()).collect();
        for a in accepted {
            if !known.contains(a.as_str()) {
                return Err(ServiceError::invalid(
                    "accept",
                    format!(
                        "`{}` is not a proposal on this resolution",
                        liaise_domain::text::preview(a)
                    ),
                ));
            }
        }
        // The heading line and the assembly line are not kept with the resolution: their
        // base text is the before text of a proposal on the base version.
        let on_base = |key: &str| {
            proposals
                .iter()
                .filter(|p| p.base_version.as_deref() == Some(base.version_key.as_str()))
                .find_map(|p| p.part(key).map(|(before, _)| before.to_owned()))
        };
        let mut rows: Vec<RowKey> = Vec::new();
        for key in HEAD_PARTS {
            let base_text = match key {
                "title" => Some(base.title.clone()).filter(|t| !t.is_empty()),
                "history" => base.history.clone(),
                _ => None,
            }
            .or_else(|| on_base(key));
            if base_text.is_some() || proposals.iter().any(|p| p.part(key).is_some()) {
                rows.push((key.to_owned(), true, String::new(), None, base_text));
            }
        }
        rows.extend(base.items().map(|(s, i)| {
            (
                i.key.clone(),
                false,
                s.heading.clone(),
                i.label.clone(),
                Some(i.text.clone()),
            )
        }));
        for p in &proposals {
            for s in &p.text.sections {
                if !rows.iter().any(|r| r.0 == s.key) && !s.after.is_empty() {
                    rows.push((
                        s.key.clone(),
                        false,
                        s.heading.clone(),
                        s.label.clone(),
                        None,
                    ));
                }
            }
        }
        let items = rows
            .into_iter()
            .map(|(key, head, heading, label, base_text)| {
                let base_str = base_text.clone().unwrap_or_default();
                let changes_it = |p: &ProposalView| {
                    p.part(&key)
                        .filter(|(_, after)| *after != base_str)
                        .map(|(before, after)| (before.to_owned(), after.to_owned()))
                };
                let proposed: Vec<Option<String>> = proposals
                    .iter()
                    .map(|p| changes_it(p).map(|(_, after)| after))
                    .collect();
                // The author's marks; without them, the proposed text against the base.
                let marks: Vec<Option<ShownMarks>> = proposals
                    .iter()
                    .map(|p| {
                        changes_it(p).map(|(before, after)| {
                            let shown = p.part_marks(&key, &before, &after);
                            if shown.authored {
                                shown
                            } else {
                                ShownMarks {
                                    marks: computed_marks(&base_str, &after),
                                    authored: false,
                                }
                            }
                        })
                    })
                    .collect();
                let mut changes: Vec<(String, String)> = proposals
                    .iter()
                    .zip(&proposed)
                    .filter(|(p, _)| accepted.contains(&p.identifier))
                    .filter_map(|(p, t)| t.clone().map(|t| (p.identifier.clone(), t)))
                    .collect();
                let distinct: HashSet<&str> = changes.iter().map(|(_, t)| t.as_str()).collect();
                let consolidated = match distinct.len() {
                    0 => Consolidated::Unchanged(base_str.clone()),
                    1 => {
                        let text = changes.first().map(|c| c.1.clone()).unwrap_or_default();
                        Consolidated::Changed {
                            segments: word_diff(&base_str, &text),
                            text,
                            by: changes.drain(..).map(|c| c.0).collect(),
                        }
                    }
                    _ => Consolidated::Conflict(changes),
                };
                CompiledItem {
                    key,
                    head,
                    heading,
                    label,
                    base: base_text,
                    proposed,
                    marks,
                    consolidated,
                }
            })
            .collect();
        Ok(Compilation {
            base,
            proposals,
            accepted: accepted.to_vec(),
            items,
        })
    }

    /// Row counts of documents, versions, proposals and resolutions (for checks and reports).
    pub async fn document_counts(&self) -> Result<[u64; 4], ServiceError> {
        Ok(q::counts(self.store.conn()).await?)
    }
}

/// What one stored contribution needs besides the importer's answer.
struct Stored<'a> {
    number: &'a str,
    file_name: &'a str,
    sha: &'a str,
    size: i64,
    content_type: &'a str,
    text: &'a str,
    kind: &'a str,
    access: &'a str,
    owner_ids: &'a [i32],
    existing: Option<&'a document::Model>,
}

/// Writes the document (or finds it), its new version and its proposals inside `tx`.
async fn store_contribution(
    tx: &liaise_store::Tx,
    viewer: &Viewer,
    s: &Stored<'_>,
    c: &Contribution,
) -> Result<Imported, ServiceError> {
    let now = OffsetDateTime::now_utc();
    let title = checked_title(contribution_title(c), s.file_name)?;
    let source = c
        .proposals
        .first()
        .map(|p| p.source.name.unwrap_or(p.source.code.as_str()).to_owned());
    let (doc_id, created) = match s.existing {
        Some(d) => {
            // Touched first: on PostgreSQL the row lock orders two imports of one number,
            // so the check below sees the other's version.
            q::touch(tx, d.id, now).await?;
            if let Some(same) = q::versions(tx, &[d.id])
                .await?
                .iter()
                .find(|v| v.sha256 == s.sha)
            {
                return Err(ServiceError::conflict(
                    "file",
                    format!(
                        "{}: this file is already version {} of {} (same SHA-256); nothing was imported",
                        s.file_name, same.version, s.number
                    ),
                ));
            }
            (d.id, false)
        }
        None => {
            let d = q::insert_document(
                tx,
                &q::DocumentRow {
                    number: s.number,
                    title: &title,
                    kind: s.kind,
                    source: source.as_deref(),
                    bodies: "[]",
                    meeting: None,
                    date: contribution_date(c),
                    language: "en",
                    topics: "[]",
                    access: s.access,
                    organization_ids: s.owner_ids,
                },
                now,
            )
            .await?;
            (d.id, true)
        }
    };
    let version = q::insert_version(
        tx,
        &q::VersionRow {
            document_id: doc_id,
            sha256: s.sha,
            size: s.size,
            content_type: s.content_type,
            file_name: s.file_name,
            text: s.text,
            created_by: viewer.actor(),
        },
        now,
    )
    .await?;
    let mut proposals = Vec::new();
    for p in &c.proposals {
        let text = proposal_text(c, p);
        let identifier = p.id.to_string();
        let topics = p
            .resolves_topics
            .as_ref()
            .map(|t| t.after.clone())
            .unwrap_or_default();
        let base = p
            .target
            .as_ref()
            .and_then(|t| t.revision_before.as_deref())
            .and_then(version_key);
        let known = q::proposal_unfiltered(tx, &identifier).await?;
        if let Some(other) = &known
            && other.document_id != doc_id
        {
            return Err(ServiceError::conflict(
                "file",
                format!(
                    "{}: proposal {identifier} is already recorded with another document",
                    s.file_name
                ),
            ));
        }
        // Plain text cannot tell deleted from inserted words: a text version of a proposal
        // read from .docx is kept as a version of the document, but the proposal keeps the
        // exact before and after texts it has.
        if let Some(other) = known
            && c.format == SourceFormat::Text
            && proposal_view(other.clone()).text.format == "docx"
        {
            proposals.push((other.id, identifier));
            continue;
        }
        let row = q::upsert_proposal(
            tx,
            &q::ProposalRow {
                identifier: &identifier,
                action: p.action.as_str(),
                source: source.as_deref().unwrap_or(p.source.code.as_str()),
                target_number: p.target.as_ref().map(|t| t.number.as_str()),
                base_version: base.as_deref(),
                title: p.title.as_ref().map(|t| t.after.as_str()),
                sections: &to_json(&text)?,
                topics: &to_json(&topics)?,
                reasons: p.reasons.as_deref(),
                abstract_text: c.abstract_text.as_deref(),
                document_id: doc_id,
                marks: &to_json(&proposal_marks(c, p))?,
            },
            now,
        )
        .await?;
        proposals.push((row.id, identifier));
    }
    let after: Fields = vec![
        ("number", Some(s.number.to_owned())),
        ("version", Some(version.version.to_string())),
        ("file", Some(s.file_name.to_owned())),
        ("sha256", Some(s.sha.to_owned())),
        (
            "proposals",
            Some(
                proposals
                    .iter()
                    .map(|p| p.1.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        ),
    ];
    audit::record(
        tx,
        viewer,
        if created { "import" } else { "new-version" },
        "document",
        &doc_id.to_string(),
        diff(&Vec::new(), &after),
    )
    .await?;
    Ok(Imported {
        document_id: doc_id,
        number: s.number.to_owned(),
        version: version.version,
        created,
        proposals,
        format: match c.format {
            SourceFormat::Docx => "docx",
            SourceFormat::Text => "text",
        }
        .to_owned(),
    })
}

/// `Rev. New Delhi, 2024` → (`New Delhi`, 2024).
fn assembly_year(revision: &str) -> (String, i32) {
    revision
        .trim()
        .trim_start_matches("Rev.")
        .trim()
        .rsplit_once(',')
        .map(|(a, y)| (a.trim().to_owned(), y.trim().parse().unwrap_or(0)))
        .unwrap_or_default()
}

/// Loads the shipped contribution and the resolution text it amends, once each by key
/// (`resolution:11:hammamet-2016`, `document:ATU/35A3`), so a restart changes nothing.
pub(crate) async fn load_reference(store: &Store) -> Result<usize, ServiceError> {
    let applied = r::applied_keys(store.conn()).await?;
    let read = read_contribution(REFERENCE_DOCX_NAME, REFERENCE_DOCX)
        .map_err(|e| ServiceError::Internal(format!("the reference contribution: {e}")))?;
    let c = &read.contribution;
    let number = contribution_number(c)
        .ok_or_else(|| ServiceError::Internal("the reference contribution has no number".into()))?;
    let mut keys = Vec::new();
    let now = OffsetDateTime::now_utc();
    let tx = store.begin().await?;
    for p in &c.proposals {
        let Some(target) = &p.target else { continue };
        let Some(revision) = target.revision_before.as_deref() else {
            continue;
        };
        let Some(vkey) = version_key(revision) else {
            continue;
        };
        let key = format!("resolution:{}:{vkey}", target.number);
        if applied.contains(&key) || keys.contains(&key) {
            continue;
        }
        let text = proposal_text(c, p);
        let (assembly, year) = assembly_year(revision);
        let sections = resolution_sections(&text.sections, false);
        q::insert_resolution(
            &tx,
            &q::ResolutionRow {
                number: &target.number,
                version_key: &vkey,
                assembly: &assembly,
                year,
                title: text.title.as_ref().map_or("", |t| t.before.as_str()),
                history: text.history.as_ref().map(|h| h.before.as_str()),
                sections: &to_json(&sections)?,
            },
            now,
        )
        .await?;
        crate::search::index_resolution(&tx, &target.number).await?;
        keys.push(key);
    }
    let key = format!("document:{number}");
    if !applied.contains(&key) {
        let system = Viewer::system();
        let existing = q::by_number_unfiltered(&tx, &number).await?;
        let itu: Vec<i32> = reg::organization_by_code(&tx, "ITU")
            .await?
            .map(|o| o.id)
            .into_iter()
            .collect();
        let stored = store_contribution(
            &tx,
            &system,
            &Stored {
                number: &number,
                file_name: REFERENCE_DOCX_NAME,
                sha: &files::sha256(REFERENCE_DOCX),
                size: i64::try_from(REFERENCE_DOCX.len()).unwrap_or(i64::MAX),
                content_type: read.content_type,
                text: &read.text,
                kind: DocumentKind::Contribution.as_str(),
                access: AccessLevel::Public.as_str(),
                owner_ids: &itu,
                existing: existing.as_ref(),
            },
            c,
        )
        .await?;
        let snap = crate::Snapshot::build(reg::load_all(&tx).await?);
        crate::search::index_document(&tx, &snap, stored.document_id).await?;
        keys.push(key);
    }
    if keys.is_empty() {
        return Ok(0);
    }
    r::mark_applied(&tx, &keys, now).await?;
    liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
    tx.commit().await.map_err(liaise_store::StoreError::from)?;
    Ok(keys.len())
}

/// The bytes of a stored version's file: under `files` by its hash, or the reference
/// contribution shipped in the binary. `None` when it is nowhere.
async fn version_bytes(
    files: Option<&std::path::Path>,
    sha: &str,
) -> Result<Option<Vec<u8>>, ServiceError> {
    if let Some(dir) = files {
        let path = files::path(dir, sha);
        match tokio::fs::read(&path).await {
            Ok(bytes) => return Ok(Some(bytes)),
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(ServiceError::Internal(format!(
                    "reading {}: {e}",
                    path.display()
                )));
            }
            Err(_) => {}
        }
    }
    Ok((sha == files::sha256(REFERENCE_DOCX)).then(|| REFERENCE_DOCX.to_vec()))
}

/// Gives the proposals stored before marks were kept their marks back, read again from their
/// document's file: the newest version whose proposal has exactly the stored texts (a
/// plain-text version gives computed marks). A proposal whose file is not found keeps none
/// and is shown with computed marks. Returns how many proposals got marks.
pub(crate) async fn recover_marks(
    store: &Store,
    files: Option<&std::path::Path>,
) -> Result<usize, ServiceError> {
    let missing = q::proposals_without_marks(store.conn()).await?;
    if missing.is_empty() {
        return Ok(0);
    }
    let mut doc_ids: Vec<i32> = missing.iter().map(|p| p.document_id).collect();
    doc_ids.sort_unstable();
    doc_ids.dedup();
    let versions = q::versions(store.conn(), &doc_ids).await?;
    let mut found: Vec<(i32, String)> = Vec::new();
    for p in missing {
        let (id, identifier) = (p.id, p.identifier.clone());
        let stored = proposal_view(p);
        // A proposal read from plain text has no marks in any file: nothing to read again
        // at every start.
        if stored.text.format != "docx" {
            continue;
        }
        let newest_first = versions
            .iter()
            .rev()
            .filter(|v| v.document_id == stored.document_id);
        for v in newest_first {
            let Some(bytes) = version_bytes(files, &v.sha256).await? else {
                continue;
            };
            let name = v.file_name.clone();
            // CPU work (unzip, XML) off the async workers, a few at a time.
            let read = parse_bounded(move || read_contribution(&name, &bytes)).await?;
            let Ok(read) = read else { continue };
            let c = &read.contribution;
            let Some(ip) = c.proposals.iter().find(|x| x.id.to_string() == identifier) else {
                continue;
            };
            let text = proposal_text(c, ip);
            let same = text.sections == stored.text.sections
                && [
                    (&text.heading, &stored.text.heading),
                    (&text.title, &stored.text.title),
                    (&text.history, &stored.text.history),
                    (&text.preamble, &stored.text.preamble),
                ]
                .iter()
                .all(|(read, kept)| kept.is_none() || read == kept);
            if same {
                found.push((id, to_json(&proposal_marks(c, ip))?));
                break;
            }
        }
    }
    if found.is_empty() {
        return Ok(0);
    }
    let tx = store.begin().await?;
    for (id, marks) in &found {
        q::set_proposal_marks(&tx, *id, Some(marks)).await?;
    }
    liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
    tx.commit().await.map_err(liaise_store::StoreError::from)?;
    Ok(found.len())
}

impl Liaise {
    /// Gives proposals stored before marks were kept their marks from the files kept under
    /// the files folder (`open` already did so for the shipped contribution). Run at start.
    pub async fn recover_marks(&self) -> Result<usize, ServiceError> {
        recover_marks(&self.store, self.files.as_deref().map(|p| p.as_path())).await
    }
}

/// A document made up for benchmarks: its text becomes its one version (plain text).
#[derive(Debug, Clone)]
pub struct GeneratedDocument {
    pub number: String,
    pub title: String,
    pub kind: DocumentKind,
    pub source: String,
    pub bodies: Vec<String>,
    pub meeting: Option<String>,
    pub date: Date,
    pub topics: Vec<String>,
    pub access: AccessLevel,
    pub organizations: Vec<String>,
    pub text: String,
}

/// Documents written per transaction by [`Liaise::generate_documents`].
pub const GENERATE_BATCH: usize = 500;

impl Liaise {
    /// Stores generated documents (administrators only), each with one version whose file is
    /// kept like an upload, in transactions of [`GENERATE_BATCH`] documents.
    pub async fn generate_documents(
        &self,
        viewer: &Viewer,
        documents: Vec<GeneratedDocument>,
        mut progress: impl FnMut(u64),
    ) -> Result<usize, ServiceError> {
        authorize(viewer, &Action::Administer)?;
        let snap = self.registry().await?;
        let dir = self
            .files
            .clone()
            .ok_or_else(|| ServiceError::Unavailable("file storage is not configured".into()))?;
        let mut done = 0;
        for batch in documents.chunks(GENERATE_BATCH) {
            let mut shas = Vec::with_capacity(batch.len());
            for d in batch {
                shas.push(files::store(&dir, d.text.clone().into_bytes()).await?);
            }
            let now = OffsetDateTime::now_utc();
            let tx = self.store.begin().await?;
            for (d, sha) in batch.iter().zip(&shas) {
                let number = DocumentNumber::parse("number", &d.number)?;
                let owner_ids: Vec<i32> = d
                    .organizations
                    .iter()
                    .filter_map(|o| snap.organization(o).map(|o| o.id))
                    .collect();
                let row = q::insert_document(
                    &tx,
                    &q::DocumentRow {
                        number: number.as_str(),
                        title: &d.title,
                        kind: d.kind.as_str(),
                        source: Some(&d.source),
                        bodies: &to_json(&d.bodies)?,
                        meeting: d.meeting.as_deref(),
                        date: Some(d.date),
                        language: "en",
                        topics: &to_json(&d.topics)?,
                        access: d.access.as_str(),
                        organization_ids: &owner_ids,
                    },
                    now,
                )
                .await?;
                q::insert_version(
                    &tx,
                    &q::VersionRow {
                        document_id: row.id,
                        sha256: sha,
                        size: i64::try_from(d.text.len()).unwrap_or(i64::MAX),
                        content_type: "text/plain; charset=utf-8",
                        file_name: &format!("{}.txt", number.as_str().replace('/', "-")),
                        text: &d.text,
                        created_by: viewer.actor(),
                    },
                    now,
                )
                .await?;
                crate::search::index_document(&tx, &snap, row.id).await?;
            }
            audit::record(
                &tx,
                viewer,
                "generate",
                "document",
                &format!("{}", batch.len()),
                None,
            )
            .await?;
            liaise_store::queries::revisions::bump(&tx, crate::cache::Area::Documents).await?;
            tx.commit().await.map_err(liaise_store::StoreError::from)?;
            done += batch.len();
            progress(batch.len() as u64);
        }
        self.changed(crate::cache::Area::Documents).await?;
        self.store.analyze().await?;
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_read_from_files_follow_the_typed_text_rules() {
        assert_eq!(
            checked_title("MOD ATU/35A3/1: Resolution 11".into(), "a.docx").unwrap(),
            "MOD ATU/35A3/1: Resolution 11"
        );
        for bad in [
            "MOD ATU/35A3/1: Resolution \u{202E}11",
            "MOD ATU/35A3/1: Resolution\u{0}11",
            "\u{200B}",
            &"x".repeat(501),
        ] {
            match checked_title(bad.to_owned(), "a.docx") {
                Err(ServiceError::Invalid(errors)) => {
                    assert_eq!(errors[0].field, "file");
                    assert!(
                        errors[0]
                            .message
                            .starts_with("a.docx: the title read from the file"),
                        "{}",
                        errors[0].message
                    );
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }

    /// Word's numbering labels each text's items apart: the current text's items carry their
    /// own labels, and an item only one text has is only in that text.
    #[test]
    fn resolution_sections_take_each_texts_labels() {
        let section =
            |key: &str, label: &str, before_label: Option<&str>, before: &str, after: &str| {
                ProposedSection {
                    key: key.to_owned(),
                    heading: "instructs".to_owned(),
                    label: Some(label.to_owned()),
                    label_before: before_label.map(str::to_owned),
                    before: before.to_owned(),
                    after: after.to_owned(),
                }
            };
        let sections = [
            section("instructs.1", "1.", None, "to report;", "to report;"),
            section("instructs.2", "2.", None, "", "to consult;"),
            section("instructs.3", "3.", Some("2."), "to invite,", "to invite,"),
        ];
        let labels = |after: bool| -> Vec<(String, Option<String>, String)> {
            resolution_sections(&sections, after)
                .into_iter()
                .flat_map(|s| s.items)
                .map(|i| (i.key, i.label, i.text))
                .collect()
        };
        let item = |key: &str, label: &str, text: &str| {
            (key.to_owned(), Some(label.to_owned()), text.to_owned())
        };
        assert_eq!(
            labels(false),
            [
                item("instructs.1", "1.", "to report;"),
                item("instructs.3", "2.", "to invite,"),
            ]
        );
        assert_eq!(
            labels(true),
            [
                item("instructs.1", "1.", "to report;"),
                item("instructs.2", "2.", "to consult;"),
                item("instructs.3", "3.", "to invite,"),
            ]
        );
    }
}
