//! Recognising WTSA proposals in a [`Document`] from either reader.
//!
//! A contribution has an optional abstract (a paragraph `Abstract:` followed by text, or a
//! table cell `Abstract:` and the next cell) and one or more proposals. Each proposal starts at
//! a line `ACTION<tab>SOURCE/DOC[Aaddendum]/N` (e.g. `MOD\tATU/35A3/1`) and runs to the next
//! one. Inside it come, in this order and each optional: the target (`RESOLUTION 11 (Rev.
//! ...)`), the title (one or more paragraphs), the history line (`(Malaga-Torremolinos, 1984;
//! ...)`, possibly over several lines), the preamble (`The World Telecommunication
//! Standardization Assembly (...),`), then sections: a heading paragraph (*considering*,
//! *recognizing*, *resolves*, *instructs the Director ...*, ...) followed by items labelled
//! `a)`, `b)`, `1`, `2` ... and a tab, or numbered by Word itself (each numbered paragraph an
//! item, labelled as Word prints it on each side: see [`crate::numbering`]), or by unlabelled
//! text; then an optional `Reasons:` paragraph.
//!
//! Every text is normalised with [`normalize`]; item labels are not part of a
//! section's text. Before texts are built with all changes rejected and after texts with all
//! changes accepted; paragraphs of one section are joined with a space, or with nothing where
//! the paragraph mark between them is deleted (after) or inserted (before).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;

use crate::error::ImportError;
use crate::marks::{Mark, PartMarks};
use crate::model::{ChangeKind, ChangeSpan, Document, Paragraph, Revision, SourceFormat};
use crate::normalize::{normalize, normalize_cow};

/// What a proposal does to its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `MOD`: modify.
    Mod,
    /// `ADD`: add (a new text).
    Add,
    /// `SUP`: suppress.
    Sup,
    /// `NOC`: no change.
    Noc,
}

impl Action {
    /// Parses `MOD`, `ADD`, `SUP` or `NOC` (upper case, as in contributions).
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "MOD" => Some(Self::Mod),
            "ADD" => Some(Self::Add),
            "SUP" => Some(Self::Sup),
            "NOC" => Some(Self::Noc),
            _ => None,
        }
    }

    /// The code as written: `MOD`, `ADD`, `SUP`, `NOC`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mod => "MOD",
            Self::Add => "ADD",
            Self::Sup => "SUP",
            Self::Noc => "NOC",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A proposal identifier such as `ATU/35A3/1` (source `ATU`, document 35, addendum 3,
/// proposal 1) or `ATU/35/1` (no addendum).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProposalId {
    source: String,
    document: String,
    addendum: Option<String>,
    proposal: String,
}

impl ProposalId {
    /// Parses `SOURCE/DOC[A<addendum>]/N`. The source is 2 to 10 ASCII letters or digits
    /// starting with a letter; document, addendum and proposal are decimal numbers.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.split('/');
        let (source, doc, proposal) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let source_ok = (2..=10).contains(&source.len())
            && source.starts_with(|c: char| c.is_ascii_alphabetic())
            && source.chars().all(|c| c.is_ascii_alphanumeric());
        let (document, addendum) = match doc.split_once(['A', 'a']) {
            Some((d, a)) => (d, Some(a)),
            None => (doc, None),
        };
        let number = |n: &str| (1..=6).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit());
        if !source_ok || !number(document) || !number(proposal) || !addendum.is_none_or(number) {
            return None;
        }
        Some(Self {
            source: source.to_owned(),
            document: document.to_owned(),
            addendum: addendum.map(str::to_owned),
            proposal: proposal.to_owned(),
        })
    }

    /// The source code, e.g. `ATU`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The document number, e.g. `35`.
    pub fn document(&self) -> &str {
        &self.document
    }

    /// The addendum number, e.g. `3`, if any.
    pub fn addendum(&self) -> Option<&str> {
        self.addendum.as_deref()
    }

    /// The proposal number within the document, e.g. `1`.
    pub fn proposal(&self) -> &str {
        &self.proposal
    }

    /// A readable reference: `Addendum 3 to Document 35, proposal 1`.
    pub fn reference(&self) -> String {
        match &self.addendum {
            Some(a) => format!(
                "Addendum {a} to Document {}, proposal {}",
                self.document, self.proposal
            ),
            None => format!("Document {}, proposal {}", self.document, self.proposal),
        }
    }
}

impl fmt::Display for ProposalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.addendum {
            Some(a) => write!(f, "{}/{}A{a}/{}", self.source, self.document, self.proposal),
            None => write!(f, "{}/{}/{}", self.source, self.document, self.proposal),
        }
    }
}

/// Who submits the proposal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The code from the identifier, e.g. `ATU`.
    pub code: String,
    /// The organisation's name when the code is a known regional organisation.
    pub name: Option<&'static str>,
}

/// The name of a known regional telecommunication organisation (or regional group of
/// proposals) from its code: ATU, APT, CEPT, CITEL, RCC, ASMG and the common-proposal codes
/// EUR, IAP, ACP, ARB.
pub fn source_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "ATU" => "African Telecommunications Union",
        "APT" | "ACP" => "Asia-Pacific Telecommunity",
        "CEPT" | "EUR" => "European Conference of Postal and Telecommunications Administrations",
        "CITEL" | "IAP" => "Inter-American Telecommunication Commission",
        "RCC" => "Regional Commonwealth in the field of Communications",
        "ASMG" => "Arab Spectrum Management Group",
        "ARB" => "Arab States",
        _ => return None,
    })
}

/// The kind of text a proposal changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    /// A WTSA resolution.
    Resolution,
    /// A recommendation.
    Recommendation,
    /// An opinion.
    Opinion,
    /// A decision.
    Decision,
    /// A question.
    Question,
}

impl TargetKind {
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_uppercase().as_str() {
            "RESOLUTION" => Self::Resolution,
            "RECOMMENDATION" => Self::Recommendation,
            "OPINION" => Self::Opinion,
            "DECISION" => Self::Decision,
            "QUESTION" => Self::Question,
            _ => return None,
        })
    }

    /// `Resolution`, `Recommendation` ...
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Resolution => "Resolution",
            Self::Recommendation => "Recommendation",
            Self::Opinion => "Opinion",
            Self::Decision => "Decision",
            Self::Question => "Question",
        }
    }
}

/// The text a proposal changes, from its heading line (`RESOLUTION 11 (Rev. Hammamet, 2016)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// Resolution, Recommendation ...
    pub kind: TargetKind,
    /// The number as written, e.g. `11` (or `[ATU-1]` for a draft new text).
    pub number: String,
    /// The revision in the before heading, e.g. `Rev. Hammamet, 2016`.
    pub revision_before: Option<String>,
    /// The revision in the after heading, e.g. `Rev. New Delhi, 2024`.
    pub revision_after: Option<String>,
}

impl Target {
    /// `Resolution 11`.
    pub fn label(&self) -> String {
        format!("{} {}", self.kind.as_str(), self.number)
    }
}

/// A value before and after the proposed change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Versioned<T> {
    /// With every change rejected (the current text).
    pub before: T,
    /// With every change accepted (the proposed text).
    pub after: T,
}

impl<T: PartialEq> Versioned<T> {
    /// Whether the proposal changes the value.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// One section of the proposed text: an item under a heading, or the heading's unlabelled text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// A stable key: heading key and label, e.g. `considering.a`, `instructs.1`, `recalling`.
    /// A repeated key gets a suffix `_2`, `_3` ...
    pub key: String,
    /// The heading as written, e.g. `instructs the Director of the Telecommunication
    /// Standardization Bureau` (empty for text before any heading).
    pub heading: String,
    /// The item label as written, e.g. `a)` or `1` (typed), or as Word prints it, e.g. `1.`
    /// (automatic numbering): the after label, or the before label of an item that is
    /// only in the before text.
    pub label: Option<String>,
    /// The label on each side: `None` where the item is not in that side's text. Word's
    /// automatic numbering counts only the items of each side, so an inserted item renumbers
    /// those after it.
    pub labels: Versioned<Option<String>>,
    /// The normalised text without the label.
    pub text: Versioned<String>,
}

/// The part of a proposal a paragraph (and so a tracked change) belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Part {
    /// The `MOD<tab>ATU/35A3/1` line.
    ProposalLine,
    /// The target line, `RESOLUTION 11 (...)`.
    Heading,
    /// The title.
    Title,
    /// The history line.
    History,
    /// The assembly line, `The World Telecommunication Standardization Assembly (...),`.
    Preamble,
    /// A section, by key; a section heading paragraph has the heading's key (`instructs`).
    Section(String),
    /// The `Reasons:` paragraph(s).
    Reasons,
    /// Anything else (empty paragraphs before the target).
    Other,
}

impl Part {
    /// The key used in reports: `heading`, `title`, `history`, `preamble`, the section key,
    /// `proposal`, `reasons` or `other`.
    pub fn key(&self) -> &str {
        match self {
            Self::ProposalLine => "proposal",
            Self::Heading => "heading",
            Self::Title => "title",
            Self::History => "history",
            Self::Preamble => "preamble",
            Self::Section(key) => key,
            Self::Reasons => "reasons",
            Self::Other => "other",
        }
    }
}

/// A tracked-change span and the part of the proposal it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedChange {
    /// Where the change is.
    pub part: Part,
    /// The change.
    pub span: ChangeSpan,
}

/// One proposal of a contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// MOD, ADD, SUP or NOC.
    pub action: Action,
    /// `ATU/35A3/1`.
    pub id: ProposalId,
    /// The submitter, from the identifier.
    pub source: Source,
    /// The text changed, from the heading line.
    pub target: Option<Target>,
    /// The heading line, `RESOLUTION 11 (Rev. ...)`.
    pub heading: Option<Versioned<String>>,
    /// The title.
    pub title: Option<Versioned<String>>,
    /// The history line.
    pub history: Option<Versioned<String>>,
    /// The assembly line.
    pub preamble: Option<Versioned<String>>,
    /// The sections in order.
    pub sections: Vec<Section>,
    /// The topics of common interest listed in *resolves* ("such as X, Y as well as Z").
    pub resolves_topics: Option<Versioned<Vec<String>>>,
    /// The `Reasons:` text, without the word `Reasons:`.
    pub reasons: Option<String>,
    /// Every tracked change inside the proposal, in document order (empty for plain text).
    pub tracked_changes: Vec<TrackedChange>,
    /// The heading, title, history line, preamble and each section as the author marked
    /// them, in that order (see [`crate::marks`]). Empty for plain text, which has no marks;
    /// a part whose marks cannot be matched to its texts is left out.
    pub marks: Vec<PartMarks>,
}

impl Proposal {
    /// The section with this key.
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Authors of the tracked changes, each once, in order of first appearance.
    pub fn authors(&self) -> Vec<&str> {
        let mut seen = Vec::new();
        for c in &self.tracked_changes {
            if let Some(a) = c.span.change.author.as_deref()
                && !seen.contains(&a)
            {
                seen.push(a);
            }
        }
        seen
    }

    /// The marks of a part, if the file has them.
    pub fn marks_of(&self, part: &Part) -> Option<&[Mark]> {
        self.marks
            .iter()
            .find(|m| &m.part == part)
            .map(|m| m.marks.as_slice())
    }

    /// Number of insertion spans.
    pub fn insertions(&self) -> usize {
        self.count(ChangeKind::Insertion)
    }

    /// Number of deletion spans.
    pub fn deletions(&self) -> usize {
        self.count(ChangeKind::Deletion)
    }

    fn count(&self, kind: ChangeKind) -> usize {
        self.tracked_changes
            .iter()
            .filter(|c| c.span.kind == kind)
            .count()
    }
}

/// A contribution: its abstract and its proposals (at least one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// Which reader the document came from; for [`SourceFormat::Text`] the before and after
    /// texts are the as-loaded text (see [`crate::text`]).
    pub format: SourceFormat,
    /// The abstract, normalised.
    pub abstract_text: Option<String>,
    /// The proposals in document order; never empty.
    pub proposals: Vec<Proposal>,
}

/// A paragraph with its texts computed once (borrowed from the paragraph where they can be).
struct Para<'d> {
    p: &'d Paragraph,
    /// The before text, when it is not the after text (some piece is inserted or deleted).
    before: Option<Cow<'d, str>>,
    after: Cow<'d, str>,
    /// Whether the primary text is the before text: the after text is empty (a deleted
    /// paragraph). Otherwise it is the after text.
    primary_is_before: bool,
    /// The primary text, normalised.
    norm: Cow<'d, str>,
}

impl<'d> Para<'d> {
    fn new(p: &'d Paragraph) -> Self {
        let after = p.kept_text(Revision::in_after);
        let unchanged = p.pieces.iter().all(|x| x.revision == Revision::Unchanged);
        let before = (!unchanged).then(|| p.kept_text(Revision::in_before));
        let primary_is_before = after.trim_start().is_empty();
        let primary = if primary_is_before {
            before.as_ref().unwrap_or(&after)
        } else {
            &after
        };
        let norm = match primary {
            Cow::Borrowed(text) => normalize_cow(text),
            Cow::Owned(text) => Cow::Owned(normalize_cow(text).into_owned()),
        };
        Self {
            p,
            before,
            after,
            primary_is_before,
            norm,
        }
    }

    fn before(&self) -> &str {
        self.before.as_deref().unwrap_or(&self.after)
    }

    fn after(&self) -> &str {
        &self.after
    }

    /// `text` (this paragraph's before or after text) normalised, its label stripped first
    /// when asked. Taken from `norm` when `text` is the primary text.
    fn normalized(&self, text: &str, strip_label: bool) -> String {
        let label = if strip_label { split_label(text) } else { None };
        if std::ptr::eq(text, self.primary()) {
            match label {
                None => return self.norm.to_string(),
                // `norm` is the label, a space and the rest normalised: the label has no white
                // space and ASCII text is NFC, so normalising the rest alone gives the same.
                Some((label, _)) if text.is_ascii() => {
                    if let Some(rest) = self.norm.strip_prefix(label)
                        && (rest.is_empty() || rest.starts_with(' '))
                    {
                        return rest.trim_start_matches(' ').to_owned();
                    }
                }
                Some(_) => {}
            }
        }
        normalize(label.map_or(text, |(_, rest)| rest))
    }

    /// The after text, or the before text when the after text is empty (a deleted paragraph).
    fn primary(&self) -> &str {
        if self.primary_is_before {
            self.before()
        } else {
            &self.after
        }
    }
}

/// Recognises the proposals of a document.
///
/// Fails with [`ImportError::NoProposal`] when there is no proposal line.
pub fn recognize(doc: &Document) -> Result<Contribution, ImportError> {
    let paras: Vec<Para<'_>> = doc.paragraphs.iter().map(Para::new).collect();
    let starts: Vec<(usize, Action, ProposalId)> = paras
        .iter()
        .enumerate()
        .filter_map(|(i, p)| parse_proposal_line(&p.norm).map(|(a, id)| (i, a, id)))
        .collect();
    let Some(&(first, ..)) = starts.first() else {
        return Err(ImportError::NoProposal);
    };
    let abstract_text = find_abstract(doc, &paras, first);
    let mut proposals = Vec::with_capacity(starts.len());
    for (n, (start, action, id)) in starts.iter().enumerate() {
        let end = starts.get(n + 1).map_or(paras.len(), |s| s.0);
        let body = paras.get(start + 1..end).unwrap_or_default();
        let mut proposal = build_proposal(doc.format, *action, id.clone(), body);
        let line_changes = paras.get(*start).map(|p| p.p.changes.iter());
        let line: Vec<TrackedChange> = line_changes
            .into_iter()
            .flatten()
            .map(|span| TrackedChange {
                part: Part::ProposalLine,
                span: span.clone(),
            })
            .collect();
        proposal.tracked_changes.splice(0..0, line);
        proposals.push(proposal);
    }
    Ok(Contribution {
        format: doc.format,
        abstract_text,
        proposals,
    })
}

/// `MOD<tab>ATU/35A3/1` (normalised: `MOD ATU/35A3/1`).
pub(crate) fn parse_proposal_line(norm: &str) -> Option<(Action, ProposalId)> {
    let mut words = norm.split(' ');
    let action = Action::parse(words.next()?)?;
    let id = ProposalId::parse(words.next()?)?;
    words.next().is_none().then_some((action, id))
}

fn find_abstract(doc: &Document, paras: &[Para<'_>], end: usize) -> Option<String> {
    let head = paras.get(..end)?;
    let (i, p) = head
        .iter()
        .enumerate()
        .find(|(_, p)| p.norm.starts_with("Abstract:"))?;
    let rest = p.norm.get("Abstract:".len()..).unwrap_or("").trim();
    if !rest.is_empty() {
        return Some(rest.to_owned());
    }
    if let Some(pos) = p.p.cell {
        let next_cell = doc
            .tables
            .get(pos.table)
            .and_then(|t| t.rows.get(pos.row))
            .and_then(|r| r.cells.get(pos.column + 1));
        if let Some(cell) = next_cell {
            let texts: Vec<&str> = head
                .get(cell.paragraphs.clone())
                .unwrap_or_default()
                .iter()
                .map(|p| p.norm.as_ref())
                .filter(|t| !t.is_empty())
                .collect();
            if !texts.is_empty() {
                return Some(texts.join(" "));
            }
        }
    }
    head.get(i + 1..)?
        .iter()
        .map(|p| p.norm.as_ref())
        .find(|t| !t.is_empty())
        .map(str::to_owned)
}

/// A section being collected.
struct SectionDraft {
    key: String,
    /// Index into [`Layout::headings`] of the heading it is under, if any.
    heading: Option<usize>,
    label: Option<String>,
    labels: Versioned<Option<String>>,
    /// Whether the label is typed at the start of the text (rather than Word's numbering).
    typed: bool,
    paras: Vec<usize>,
}

/// A section heading paragraph.
struct HeadingDraft {
    /// The key, unique in the proposal.
    key: String,
    /// The heading's normalised text.
    text: String,
}

/// The part of the proposal a paragraph is in, by index into the layout: [`Part`] without
/// its strings, made a [`Part`] only for paragraphs with tracked changes.
#[derive(Debug, Clone, Copy)]
enum PartAt {
    Heading,
    Title,
    History,
    Preamble,
    /// A section heading paragraph: index into [`Layout::headings`].
    SectionHeading(usize),
    /// A section paragraph: index into [`Layout::sections`].
    Section(usize),
    Reasons,
    Other,
}

#[derive(Default)]
struct Layout {
    heading: Vec<usize>,
    title: Vec<usize>,
    history: Vec<usize>,
    preamble: Vec<usize>,
    headings: Vec<HeadingDraft>,
    sections: Vec<SectionDraft>,
    reasons: Vec<usize>,
    parts: Vec<PartAt>,
}

impl Layout {
    fn part(&self, at: PartAt) -> Part {
        match at {
            PartAt::Heading => Part::Heading,
            PartAt::Title => Part::Title,
            PartAt::History => Part::History,
            PartAt::Preamble => Part::Preamble,
            PartAt::SectionHeading(h) => self
                .headings
                .get(h)
                .map_or(Part::Other, |h| Part::Section(h.key.clone())),
            PartAt::Section(s) => self
                .sections
                .get(s)
                .map_or(Part::Other, |s| Part::Section(s.key.clone())),
            PartAt::Reasons => Part::Reasons,
            PartAt::Other => Part::Other,
        }
    }

    fn heading_of(&self, section: &SectionDraft) -> Option<&HeadingDraft> {
        section.heading.and_then(|h| self.headings.get(h))
    }
}

fn build_proposal(
    format: SourceFormat,
    action: Action,
    id: ProposalId,
    paras: &[Para<'_>],
) -> Proposal {
    let mut layout = lay_out(paras);
    let plain = format == SourceFormat::Text;

    let mut heading = versioned(paras, &layout.heading, false);
    let mut preamble = versioned(paras, &layout.preamble, false);
    if plain {
        for v in [&mut heading, &mut preamble].into_iter().flatten() {
            if let Some((before, after)) = split_run_together(&v.after) {
                *v = Versioned { before, after };
            }
        }
    }
    let target = heading.as_ref().and_then(|h| {
        let after = parse_target(&h.after);
        let before = parse_target(&h.before);
        let (kind, number, _) = after.clone().or_else(|| before.clone())?;
        Some(Target {
            kind,
            number,
            revision_before: before.and_then(|t| t.2),
            revision_after: after.and_then(|t| t.2),
        })
    });

    let tracked_changes = paras
        .iter()
        .zip(&layout.parts)
        .filter(|(p, _)| !p.p.changes.is_empty())
        .flat_map(|(p, at)| {
            let part = layout.part(*at);
            p.p.changes.iter().map(move |span| TrackedChange {
                part: part.clone(),
                span: span.clone(),
            })
        })
        .collect();

    let mut section_drafts = std::mem::take(&mut layout.sections);
    let sections: Vec<Section> = section_drafts
        .iter_mut()
        .map(|d| Section {
            text: versioned(paras, &d.paras, d.typed).unwrap_or_default(),
            key: std::mem::take(&mut d.key),
            heading: layout
                .heading_of(d)
                .map_or_else(String::new, |h| h.text.clone()),
            label: d.label.take(),
            labels: std::mem::take(&mut d.labels),
        })
        .collect();

    let resolves_topics = section_drafts
        .iter()
        .zip(&sections)
        .filter(|(d, _)| layout.heading_of(d).is_some_and(|h| h.key == "resolves"))
        .map(|(_, s)| &s.text)
        .find(|t| t.after.contains("such as ") || t.before.contains("such as "))
        .map(|t| Versioned {
            before: topics(&t.before),
            after: topics(&t.after),
        });

    let title = versioned(paras, &layout.title, false);
    let history = versioned(paras, &layout.history, false);
    let marks = if plain {
        Vec::new()
    } else {
        let of = |idxs: &[usize]| -> Vec<&Paragraph> {
            idxs.iter()
                .filter_map(|i| paras.get(*i))
                .map(|p| p.p)
                .collect()
        };
        let head = [
            (Part::Heading, &layout.heading, &heading),
            (Part::Title, &layout.title, &title),
            (Part::History, &layout.history, &history),
            (Part::Preamble, &layout.preamble, &preamble),
        ];
        let head = head
            .into_iter()
            .filter_map(|(part, idxs, text)| Some((part, of(idxs), false, text.as_ref()?)));
        let body = section_drafts.iter().zip(&sections).map(|(d, s)| {
            let part = Part::Section(s.key.clone());
            (part, of(&d.paras), s.label.is_some(), &s.text)
        });
        crate::marks::of_parts(head.chain(body))
    };

    let reasons = versioned(paras, &layout.reasons, false).map(|v| {
        v.after
            .strip_prefix("Reasons:")
            .unwrap_or(&v.after)
            .trim()
            .to_owned()
    });

    Proposal {
        action,
        source: Source {
            code: id.source().to_owned(),
            name: source_name(id.source()),
        },
        id,
        target,
        heading,
        title,
        history,
        preamble,
        sections,
        resolves_topics,
        reasons,
        tracked_changes,
        marks,
    }
}

/// A history line without its closing parenthesis ends after this many paragraphs.
const MAX_HISTORY_LINES: usize = 4;

/// Assigns each paragraph of a proposal body to a part.
fn lay_out(paras: &[Para<'_>]) -> Layout {
    let mut l = Layout::default();
    let mut in_history = false;
    let mut in_reasons = false;
    let mut heading_keys = UniqueKeys::default();
    let mut section_keys = UniqueKeys::default();
    let mut current_heading: Option<usize> = None; // index into l.headings
    let mut last = PartAt::Other;
    for (i, p) in paras.iter().enumerate() {
        let norm: &str = &p.norm;
        if in_history && (is_preamble(norm) || heading_key(p).is_some()) {
            in_history = false;
        }
        let part = if norm.is_empty() {
            last
        } else if in_reasons || norm.starts_with("Reasons:") {
            in_reasons = true;
            l.reasons.push(i);
            PartAt::Reasons
        } else if in_history {
            l.history.push(i);
            in_history = !norm.ends_with(')') && l.history.len() < MAX_HISTORY_LINES;
            PartAt::History
        } else if l.sections.is_empty() && l.preamble.is_empty() && is_preamble(norm) {
            l.preamble.push(i);
            PartAt::Preamble
        } else if let Some(key) = heading_key(p) {
            let key = heading_keys.unique(key);
            current_heading = Some(l.headings.len());
            l.headings.push(HeadingDraft {
                key,
                text: norm.to_owned(),
            });
            PartAt::SectionHeading(l.headings.len() - 1)
        } else if current_heading.is_none()
            && l.sections.is_empty()
            && l.preamble.is_empty()
            && l.history.is_empty()
            && l.title.is_empty()
            && l.heading.is_empty()
            && parse_target(norm).is_some()
        {
            l.heading.push(i);
            PartAt::Heading
        } else if current_heading.is_none()
            && l.sections.is_empty()
            && l.preamble.is_empty()
            && l.history.is_empty()
            && !l.heading.is_empty()
        {
            if norm.starts_with('(') {
                l.history.push(i);
                in_history = !norm.ends_with(')') && l.history.len() < MAX_HISTORY_LINES;
                PartAt::History
            } else {
                l.title.push(i);
                PartAt::Title
            }
        } else {
            // Heading keys are unique, so the same heading is the same heading paragraph.
            // A paragraph Word numbers is an item of its own, labelled as Word prints it; any
            // other is an item when its text starts with a typed label.
            let (label, labels, typed) = match &p.p.list {
                Some(item) => (
                    item.after.clone().or_else(|| item.before.clone()),
                    Versioned {
                        before: item.before.clone(),
                        after: item.after.clone(),
                    },
                    false,
                ),
                None => {
                    let typed = |t: &str| split_label(t).map(|(label, _)| label.to_owned());
                    let label = typed(p.primary());
                    let labels = Versioned {
                        before: typed(p.before()),
                        after: typed(p.after()),
                    };
                    let is_typed = label.is_some();
                    (label, labels, is_typed)
                }
            };
            let continuation = p.p.list.is_none()
                && label.is_none()
                && l.sections
                    .last()
                    .is_some_and(|s| s.heading == current_heading);
            let sections = l.sections.len();
            match (continuation, l.sections.last_mut()) {
                (true, Some(s)) => {
                    s.paras.push(i);
                    PartAt::Section(sections - 1)
                }
                _ => {
                    let heading_key = current_heading
                        .and_then(|h| l.headings.get(h))
                        .map_or("", |h| h.key.as_str());
                    let base = if heading_key.is_empty() {
                        "text"
                    } else {
                        heading_key
                    };
                    let key = match &label {
                        Some(label) => format!("{base}.{}", label_key(label)),
                        None => base.to_owned(),
                    };
                    let key = section_keys.unique(key);
                    l.sections.push(SectionDraft {
                        key,
                        heading: current_heading,
                        label,
                        labels,
                        typed,
                        paras: vec![i],
                    });
                    PartAt::Section(sections)
                }
            }
        };
        l.parts.push(part);
        last = part;
    }
    l
}

/// Keys handed out so far, to make each one unique. An ordered map: a few string comparisons
/// per key, no hashing.
#[derive(Default)]
struct UniqueKeys {
    /// Each key used, with the suffix to try first when it comes again (every smaller one is
    /// taken).
    used: BTreeMap<String, usize>,
}

impl UniqueKeys {
    /// `key` if not used yet, else `key_N` with the smallest N from 2 not used yet.
    fn unique(&mut self, key: String) -> String {
        let mut n = match self.used.get(&key) {
            None => {
                self.used.insert(key.clone(), 2);
                return key;
            }
            Some(&n) => n,
        };
        loop {
            let candidate = format!("{key}_{n}");
            n += 1;
            if !self.used.contains_key(&candidate) {
                self.used.insert(candidate.clone(), 2);
                self.used.insert(key, n);
                return candidate;
            }
        }
    }
}

/// Joins the before and after texts of paragraphs (label stripped from the first when asked)
/// and normalises them. `None` when there are no paragraphs.
fn versioned(paras: &[Para<'_>], idxs: &[usize], strip_label: bool) -> Option<Versioned<String>> {
    if idxs.is_empty() {
        return None;
    }
    let join = |text: for<'a, 'b> fn(&'a Para<'b>) -> &'a str, keep_mark: fn(&Revision) -> bool| {
        if let [i] = idxs {
            // One paragraph: nothing to join.
            return paras
                .get(*i)
                .map(|p| p.normalized(text(p), strip_label))
                .unwrap_or_default();
        }
        let mut out = String::new();
        let mut joined_to_previous = true;
        for (n, i) in idxs.iter().enumerate() {
            let Some(p) = paras.get(*i) else { continue };
            let mut t = text(p);
            if strip_label && n == 0 {
                t = split_label(t).map_or(t, |(_, rest)| rest);
            }
            if !joined_to_previous {
                out.push(' ');
            }
            out.push_str(t);
            joined_to_previous = !keep_mark(&p.p.mark);
        }
        normalize(&out)
    };
    let after = join(|p| p.after(), Revision::in_after);
    // Without any change in the paragraphs or their marks, the before text is the after text.
    let same = idxs.iter().all(|i| {
        paras
            .get(*i)
            .is_none_or(|p| p.before.is_none() && p.p.mark == Revision::Unchanged)
    });
    let before = if same {
        after.clone()
    } else {
        join(|p| p.before(), Revision::in_before)
    };
    Some(Versioned { before, after })
}

fn is_preamble(norm: &str) -> bool {
    norm.starts_with("The ")
        && norm.ends_with(',')
        && (norm.contains(" Assembly") || norm.contains(" Conference"))
        && norm.len() < 300
}

/// `RESOLUTION 11 (Rev. Hammamet, 2016)` → (Resolution, "11", Some("Rev. Hammamet, 2016")).
pub(crate) fn parse_target(norm: &str) -> Option<(TargetKind, String, Option<String>)> {
    let mut s = norm.trim();
    for prefix in ["DRAFT NEW ", "DRAFT REVISED ", "DRAFT "] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            break;
        }
    }
    let (word, rest) = s.split_once(' ')?;
    if !word.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let kind = TargetKind::parse(word)?;
    let (number, revision) = match rest.split_once('(') {
        Some((number, rev)) => {
            let rev = rev.rsplit_once(')').map_or(rev, |(r, _)| r).trim();
            (number.trim(), (!rev.is_empty()).then(|| rev.to_owned()))
        }
        None => (rest.trim(), None),
    };
    if number.is_empty() || number.len() > 40 || !number.contains(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((kind, number.to_owned(), revision))
}

/// Heading phrases that make up the whole heading paragraph.
const HEADINGS: &[&str] = &[
    "considering",
    "considering further",
    "considering also",
    "further considering",
    "recognizing",
    "recognizing further",
    "recognizing also",
    "further recognizing",
    "recalling",
    "recalling further",
    "recalling also",
    "further recalling",
    "observing",
    "observing further",
    "further observing",
    "noting",
    "noting further",
    "noting also",
    "further noting",
    "bearing in mind",
    "bearing in mind further",
    "taking into account",
    "taking into account further",
    "taking into consideration",
    "having regard",
    "emphasizing",
    "acknowledging",
    "aware",
    "being aware",
    "concerned",
    "convinced",
    "mindful",
    "realizing",
    "stressing",
    "welcoming",
    "highlighting",
    "affirming",
    "reaffirming",
    "underlining",
    "referring",
    "resolves",
    "resolves further",
    "further resolves",
    "decides",
    "decides further",
    "further decides",
    "approves",
];

/// Heading phrases that may be followed by an addressee ("instructs the Director ...").
/// Longer phrases first.
const ADDRESSED_HEADINGS: &[&str] = &[
    "resolves to instruct",
    "resolves to invite",
    "resolves to request",
    "decides to instruct",
    "instructs further",
    "further instructs",
    "invites further",
    "further invites",
    "encourages further",
    "requests further",
    "calls upon",
    "appeals to",
    "instructs",
    "invites",
    "encourages",
    "requests",
    "urges",
];

/// The key of a heading paragraph (`considering`, `instructs`, `bearing_in_mind`), or `None`
/// when the paragraph is not a heading. A paragraph with style `Call` is a heading whatever
/// its words.
pub(crate) fn heading_key_of(norm: &str, style: Option<&str>) -> Option<String> {
    if norm.is_empty() || norm.len() > 250 || split_label(norm).is_some() {
        return None;
    }
    let text = norm.trim_end_matches(':').trim_end();
    if let Some(h) = HEADINGS.iter().find(|h| text.eq_ignore_ascii_case(h)) {
        return Some(h.replace(' ', "_"));
    }
    let lower = text.to_lowercase();
    let addressed = ADDRESSED_HEADINGS.iter().find(|h| {
        lower == **h
            || lower
                .strip_prefix(**h)
                .is_some_and(|rest| rest.starts_with(' ') && !rest.ends_with(['.', ';']))
    });
    if let Some(h) = addressed {
        return Some(h.replace(' ', "_"));
    }
    if style.is_some_and(|s| s.eq_ignore_ascii_case("Call")) {
        let word: String = lower
            .split(' ')
            .next()
            .unwrap_or("")
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        return (!word.is_empty()).then_some(word);
    }
    None
}

fn heading_key(p: &Para<'_>) -> Option<String> {
    heading_key_of(&p.norm, p.p.style.as_deref())
}

/// Splits an item label (`a)`, `(b)`, `1`, `2.1`, `iii)`) followed by a tab from the text.
/// A label ending in `)` may also be followed by a space.
pub(crate) fn split_label(raw: &str) -> Option<(&str, &str)> {
    let t = raw.trim_start_matches([' ', '\u{a0}']);
    let end = t.find(|c: char| c.is_whitespace())?;
    let (label, rest) = t.split_at(end);
    let tab = rest.starts_with('\t');
    let core = label.strip_prefix('(').unwrap_or(label);
    let (core, closed) = match core.strip_suffix(')') {
        Some(c) => (c, true),
        None => (core.strip_suffix('.').unwrap_or(core), false),
    };
    if label.starts_with('(') && !closed {
        return None;
    }
    // a) ... z), aa) ..., and roman numerals i) ... xviii).
    let letters = core.len() == 1 && core.chars().all(|c| c.is_ascii_lowercase())
        || core.len() == 2
            && core
                .bytes()
                .all(|c| c.is_ascii_lowercase() && Some(c) == core.bytes().next())
        || (1..=5).contains(&core.len())
            && core.chars().all(|c| matches!(c, 'i' | 'v' | 'x' | 'l'));
    let upper = core.len() == 1 && core.chars().all(|c| c.is_ascii_uppercase());
    let digits = !core.is_empty()
        && core.len() <= 8
        && core.starts_with(|c: char| c.is_ascii_digit())
        && !core.ends_with('.')
        && core.chars().all(|c| c.is_ascii_digit() || c == '.');
    let ok = if closed {
        letters || upper || digits
    } else {
        digits && tab
    };
    if !ok || !(tab || closed) {
        return None;
    }
    Some((label, rest.trim_start()))
}

/// `a)` → `a`, `(1)` → `1`, `2.` → `2`, `Article 5` → `Article_5`.
fn label_key(label: &str) -> Cow<'_, str> {
    let key = label.trim_matches(['(', ')', '.']);
    if key.contains(char::is_whitespace) {
        Cow::Owned(key.split_whitespace().collect::<Vec<_>>().join("_"))
    } else {
        Cow::Borrowed(key)
    }
}

/// The topics after "such as", split at top-level `, ` and ` as well as `, with a trailing
/// punctuation mark and a leading "and " removed.
pub(crate) fn topics(text: &str) -> Vec<String> {
    let Some(pos) = text.find("such as ") else {
        return Vec::new();
    };
    let list = text
        .get(pos + "such as ".len()..)
        .unwrap_or("")
        .trim_end_matches([',', ';', '.', ':', ' ']);
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while let Some(c) = list.get(i..).and_then(|s| s.chars().next()) {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        let rest = list.get(i..).unwrap_or("");
        let sep = if depth > 0 {
            None
        } else if rest.starts_with(", ") {
            Some(2)
        } else if rest.starts_with(" as well as ") {
            Some(" as well as ".len())
        } else {
            None
        };
        match sep {
            Some(len) => {
                items.push(list.get(start..i).unwrap_or(""));
                i += len;
                start = i;
            }
            None => i += c.len_utf8(),
        }
    }
    items.push(list.get(start..).unwrap_or(""));
    items
        .into_iter()
        .map(|t| t.trim().strip_prefix("and ").unwrap_or(t.trim()).trim())
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Plain text runs a deleted and an inserted revision together inside parentheses:
/// `(Rev. Hammamet, 2016New Delhi, 2024)`. Splits such a text at the one place where a
/// four-digit year is directly followed by a capital letter, into the before text
/// `(Rev. Hammamet, 2016)` and the after text `(Rev. New Delhi, 2024)`.
pub(crate) fn split_run_together(text: &str) -> Option<(String, String)> {
    let open = text.rfind('(')?;
    let close = open + text.get(open..)?.find(')')?;
    let inner = text.get(open + 1..close)?;
    let bytes = inner.as_bytes();
    let splits: Vec<usize> = (4..bytes.len())
        .filter(|&k| {
            bytes.get(k).is_some_and(u8::is_ascii_uppercase)
                && bytes
                    .get(k - 4..k)
                    .is_some_and(|y| y.iter().all(u8::is_ascii_digit))
        })
        .collect();
    let [k] = splits.as_slice() else {
        return None;
    };
    let (old, new) = inner.split_at(*k);
    let prefix = ["Rev. ", "rev. "]
        .into_iter()
        .find(|p| old.starts_with(p))
        .unwrap_or("");
    let head = text.get(..=open)?;
    let tail = text.get(close..)?;
    Some((
        format!("{head}{old}{tail}"),
        format!("{head}{prefix}{new}{tail}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        fn check(input: &str, expected: Option<(&str, &str, Option<&str>, &str)>) {
            let got = ProposalId::parse(input);
            let got = got
                .as_ref()
                .map(|id| (id.source(), id.document(), id.addendum(), id.proposal()));
            assert_eq!(got, expected, "input: {input:?}");
            if let Some(id) = ProposalId::parse(input) {
                assert_eq!(id.to_string(), input.replace('a', "A"), "round trip");
            }
        }
        check("ATU/35A3/1", Some(("ATU", "35", Some("3"), "1")));
        check("ATU/35/1", Some(("ATU", "35", None, "1")));
        check("CEPT/40A12/25", Some(("CEPT", "40", Some("12"), "25")));
        check("RCC/38A1/3", Some(("RCC", "38", Some("1"), "3")));
        check("IAP/41a2/7", Some(("IAP", "41", Some("2"), "7")));
        check("ATU/35A/1", None);
        check("ATU/A3/1", None);
        check("ATU/35A3", None);
        check("ATU/35A3/1/2", None);
        check("ATU/35A3/x", None);
        check("A/35A3/1", None);
        check("1TU/35A3/1", None);
        check("AT U/35A3/1", None);
        check("", None);
        check("//", None);
    }

    #[test]
    fn proposal_lines() {
        fn check(input: &str, expected: Option<(&str, &str)>) {
            let got = parse_proposal_line(&normalize(input));
            let got = got.as_ref().map(|(a, id)| (a.as_str(), id.to_string()));
            let expected = expected.map(|(a, id)| (a, id.to_owned()));
            assert_eq!(got, expected, "input: {input:?}");
        }
        check("MOD\tATU/35A3/1", Some(("MOD", "ATU/35A3/1")));
        check("ADD ATU/35A3/2", Some(("ADD", "ATU/35A3/2")));
        check("  SUP\tCEPT/40/3 ", Some(("SUP", "CEPT/40/3")));
        check("NOC\tAPT/37A1/4", Some(("NOC", "APT/37A1/4")));
        check("mod\tATU/35A3/1", None);
        check("MOD\tATU/35A3/1 and more", None);
        check("MODIFY ATU/35A3/1", None);
        check("MOD", None);
    }

    #[test]
    fn headings() {
        fn check(input: &str, style: Option<&str>, expected: Option<&str>) {
            assert_eq!(
                heading_key_of(&normalize(input), style).as_deref(),
                expected,
                "input: {input:?}"
            );
        }
        check("considering", None, Some("considering"));
        check("considering ", None, Some("considering"));
        check("recognizing", None, Some("recognizing"));
        check("further considering", None, Some("further_considering"));
        check("considering further", None, Some("considering_further"));
        check("bearing in mind", None, Some("bearing_in_mind"));
        check("recalling", None, Some("recalling"));
        check("observing", None, Some("observing"));
        check("noting", None, Some("noting"));
        check("resolves", None, Some("resolves"));
        check("instructs", None, Some("instructs"));
        check(
            "instructs the Director of the Telecommunication Standardization Bureau",
            None,
            Some("instructs"),
        );
        check("invites Member States", None, Some("invites"));
        check("encourages Sector Members", None, Some("encourages"));
        check(
            "resolves to instruct Study Group 3",
            None,
            Some("resolves_to_instruct"),
        );
        check("calls upon Member States", None, Some("calls_upon"));
        check("considering that the Union", None, None);
        check("resolves that", None, None);
        check("instructs the Director to do it.", None, None);
        check("a)\tconsidering", None, None);
        check("that it is necessary", None, None);
        check("", None, None);
        check("decides", Some("Call"), Some("decides"));
        check("proclaims", Some("Call"), Some("proclaims"));
        check("proclaims", None, None);
    }

    #[test]
    fn labels() {
        fn check(input: &str, expected: Option<(&str, &str)>) {
            assert_eq!(split_label(input), expected, "input: {input:?}");
        }
        check("a)\tthat within", Some(("a)", "that within")));
        check("b) that postal", Some(("b)", "that postal")));
        check("1\tto encourage", Some(("1", "to encourage")));
        check("2.1\tto consult", Some(("2.1", "to consult")));
        check("3.\tto consult", Some(("3.", "to consult")));
        check("(c)\ttext", Some(("(c)", "text")));
        check("iii)\ttext", Some(("iii)", "text")));
        check("A)\ttext", Some(("A)", "text")));
        check("1 January 2024", None);
        check("that\tthe", None);
        check("that) the", None);
        check("(c\ttext", None);
        check("no label here", None);
        check("a)", None);
        check("", None);
        check("12345678901\ttext", None);
    }

    #[test]
    fn normalisation() {
        fn check(input: &str, expected: &str) {
            assert_eq!(normalize(input), expected, "input: {input:?}");
        }
        check("", "");
        check("   ", "");
        check("a  b", "a b");
        check(" a\tb\nc ", "a b c");
        check("No.\u{a0}9", "No. 9");
        check("as  well as", "as well as");
        check("Florianópolis", "Florianópolis");
        check("Floriano\u{301}polis", "Florianópolis");
        check("x\u{202f}y\u{2003}z", "x y z");
        check("\u{a0}lead and trail\u{a0}", "lead and trail");
    }

    #[test]
    fn targets() {
        fn check(input: &str, expected: Option<(TargetKind, &str, Option<&str>)>) {
            let got = parse_target(input);
            let got = got.as_ref().map(|(k, n, r)| (*k, n.as_str(), r.as_deref()));
            assert_eq!(got, expected, "input: {input:?}");
        }
        use TargetKind::*;
        check(
            "RESOLUTION 11 (Rev. Hammamet, 2016)",
            Some((Resolution, "11", Some("Rev. Hammamet, 2016"))),
        );
        check("RESOLUTION 11", Some((Resolution, "11", None)));
        check(
            "DRAFT NEW RESOLUTION [ATU-1] (New Delhi, 2024)",
            Some((Resolution, "[ATU-1]", Some("New Delhi, 2024"))),
        );
        check(
            "RECOMMENDATION ITU-T A.1",
            Some((Recommendation, "ITU-T A.1", None)),
        );
        check(
            "OPINION 1 (Rev. Dubai, 2012)",
            Some((Opinion, "1", Some("Rev. Dubai, 2012"))),
        );
        check("Resolution 11 is old", None);
        check("RESOLUTION", None);
        check("RESOLUTION of the assembly", None);
        check("The World Telecommunication Standardization Assembly", None);
    }

    #[test]
    fn topic_lists() {
        fn check(input: &str, expected: &[&str]) {
            assert_eq!(topics(input), expected, "input: {input:?}");
        }
        check("issues such as A, B, C,", &["A", "B", "C"]);
        check("such as A, B as well as C,", &["A", "B", "C"]);
        check(
            "such as quality of service (QoS), X and Y;",
            &["quality of service (QoS)", "X and Y"],
        );
        check("such as (a, b), c", &["(a, b)", "c"]);
        check("such as A, and B.", &["A", "B"]);
        check("no list here", &[]);
        check("such as ", &[]);
    }

    #[test]
    fn run_together_revisions() {
        fn check(input: &str, expected: Option<(&str, &str)>) {
            let got = split_run_together(input);
            let got = got.as_ref().map(|(b, a)| (b.as_str(), a.as_str()));
            assert_eq!(got, expected, "input: {input:?}");
        }
        check(
            "RESOLUTION 11 (Rev. Hammamet, 2016New Delhi, 2024)",
            Some((
                "RESOLUTION 11 (Rev. Hammamet, 2016)",
                "RESOLUTION 11 (Rev. New Delhi, 2024)",
            )),
        );
        check(
            "The Assembly (Hammamet, 2016New Delhi, 2024),",
            Some((
                "The Assembly (Hammamet, 2016),",
                "The Assembly (New Delhi, 2024),",
            )),
        );
        check("RESOLUTION 11 (Rev. New Delhi, 2024)", None);
        check("no parentheses 2016New", None);
        check("(2016A 2017B)", None);
        check("(é2016Ü)", None);
        check(")(", None);
    }

    #[test]
    fn sources() {
        assert_eq!(source_name("ATU"), Some("African Telecommunications Union"));
        assert_eq!(source_name("XYZ"), None);
    }
}
