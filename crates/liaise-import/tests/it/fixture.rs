//! The key test: the ATU/35A3/1 fixture against its expected JSON, field by field.

use liaise_import::{ChangeKind, Contribution, Proposal, Versioned, import_docx, normalize};
use serde::Deserialize;

use crate::util::fixture;

#[derive(Debug, Deserialize)]
pub struct Expected {
    pub document_number: String,
    pub document: ExpDocument,
    pub action: String,
    pub source: ExpSource,
    pub target: ExpTarget,
    #[serde(rename = "abstract")]
    pub abstract_text: String,
    pub heading: ExpText,
    pub title: ExpText,
    pub history: ExpText,
    pub preamble: ExpText,
    pub sections: Vec<ExpSection>,
    pub resolves_topics: ExpTopics,
    pub tracked_changes: ExpChanges,
}

#[derive(Debug, Deserialize)]
pub struct ExpDocument {
    pub number: String,
    pub addendum: Option<String>,
    pub proposal_number: String,
    pub reference: String,
}

#[derive(Debug, Deserialize)]
pub struct ExpSource {
    pub code: String,
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ExpTarget {
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub label: String,
    pub revision_before: String,
    pub revision_after: String,
}

#[derive(Debug, Deserialize)]
pub struct ExpText {
    pub before: String,
    pub after: String,
    pub changed: bool,
}

#[derive(Debug, Deserialize)]
pub struct ExpSection {
    pub key: String,
    pub heading: String,
    pub label: Option<String>,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

#[derive(Debug, Deserialize)]
pub struct ExpTopics {
    pub before: Vec<String>,
    pub after: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ExpChanges {
    pub authors: Vec<String>,
    pub insertions: usize,
    pub deletions: usize,
    pub spans: Vec<ExpSpan>,
}

#[derive(Debug, Deserialize)]
pub struct ExpSpan {
    pub section: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub text: String,
    pub author: Option<String>,
    pub date: Option<String>,
}

pub fn expected() -> Expected {
    serde_json::from_slice(&fixture("ATU-35A3-1.expected.json")).unwrap()
}

fn imported() -> (Contribution, Proposal) {
    let c = import_docx(&fixture("ATU-35A3-1.docx")).unwrap();
    assert_eq!(c.proposals.len(), 1, "one proposal in the fixture");
    let p = c.proposals[0].clone();
    (c, p)
}

fn check_text(what: &str, got: Option<&Versioned<String>>, exp: &ExpText) {
    let got = got.unwrap_or_else(|| panic!("{what}: not recognised"));
    assert_eq!(got.before, exp.before, "{what}: before");
    assert_eq!(got.after, exp.after, "{what}: after");
    assert_eq!(got.changed(), exp.changed, "{what}: changed");
}

#[test]
fn identifier_action_source() {
    let exp = expected();
    let (_, p) = imported();
    assert_eq!(p.id.to_string(), exp.document_number);
    assert_eq!(p.id.document(), exp.document.number);
    assert_eq!(p.id.addendum(), exp.document.addendum.as_deref());
    assert_eq!(p.id.proposal(), exp.document.proposal_number);
    assert_eq!(p.id.reference(), exp.document.reference);
    assert_eq!(p.action.as_str(), exp.action);
    assert_eq!(p.source.code, exp.source.code);
    assert_eq!(p.source.name, exp.source.name.as_deref());
}

#[test]
fn target() {
    let exp = expected().target;
    let (_, p) = imported();
    let t = p.target.expect("target recognised");
    assert_eq!(t.kind.as_str(), exp.kind);
    assert_eq!(t.number, exp.number);
    assert_eq!(t.label(), exp.label);
    assert_eq!(
        t.revision_before.as_deref(),
        Some(exp.revision_before.as_str())
    );
    assert_eq!(
        t.revision_after.as_deref(),
        Some(exp.revision_after.as_str())
    );
}

#[test]
fn abstract_heading_title_history_preamble() {
    let exp = expected();
    let (c, p) = imported();
    assert_eq!(
        c.abstract_text.as_deref(),
        Some(exp.abstract_text.as_str()),
        "abstract"
    );
    check_text("heading", p.heading.as_ref(), &exp.heading);
    check_text("title", p.title.as_ref(), &exp.title);
    check_text("history", p.history.as_ref(), &exp.history);
    check_text("preamble", p.preamble.as_ref(), &exp.preamble);
}

#[test]
fn sections() {
    let exp = expected();
    let (_, p) = imported();
    let got_keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
    let exp_keys: Vec<&str> = exp.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(got_keys, exp_keys, "section keys in order");
    for (got, exp) in p.sections.iter().zip(&exp.sections) {
        let k = &exp.key;
        assert_eq!(got.heading, exp.heading, "{k}: heading");
        assert_eq!(got.label, exp.label, "{k}: label");
        assert_eq!(got.text.before, exp.before, "{k}: before");
        assert_eq!(got.text.after, exp.after, "{k}: after");
        assert_eq!(got.text.changed(), exp.changed, "{k}: changed");
    }
}

#[test]
fn resolves_topics() {
    let exp = expected().resolves_topics;
    let (_, p) = imported();
    let t = p.resolves_topics.expect("topics found");
    assert_eq!(t.before, exp.before, "topics before");
    assert_eq!(t.after, exp.after, "topics after");
}

#[test]
fn tracked_changes() {
    let exp = expected().tracked_changes;
    let (_, p) = imported();
    assert_eq!(p.authors(), exp.authors, "authors");
    assert_eq!(p.insertions(), exp.insertions, "insertions");
    assert_eq!(p.deletions(), exp.deletions, "deletions");
    assert_eq!(
        p.tracked_changes.len(),
        exp.spans.len(),
        "span count: got {:#?}",
        p.tracked_changes
            .iter()
            .map(|c| (c.part.key(), &c.span.text))
            .collect::<Vec<_>>()
    );
    for (n, (got, exp)) in p.tracked_changes.iter().zip(&exp.spans).enumerate() {
        let kind = match got.span.kind {
            ChangeKind::Insertion => "insertion",
            ChangeKind::Deletion => "deletion",
        };
        assert_eq!(got.part.key(), exp.section, "span {n}: section");
        assert_eq!(kind, exp.kind, "span {n}: type");
        assert_eq!(got.span.text, exp.text, "span {n}: text");
        assert!(!got.span.moved, "span {n}: not a move");
        assert_eq!(got.span.change.author, exp.author, "span {n}: author");
        if exp.date.is_some() {
            assert_eq!(got.span.change.date, exp.date, "span {n}: date");
        }
    }
}

/// README: the as-loaded text equals the seed line by line once bookmarks are removed.
#[test]
fn as_loaded_text_equals_seed() {
    let doc = liaise_import::docx::read(
        &fixture("ATU-35A3-1.docx"),
        &liaise_import::Limits::default(),
    )
    .unwrap();
    let loaded: Vec<String> = doc
        .paragraphs
        .iter()
        .flat_map(|p| {
            p.as_loaded_text()
                .split('\n')
                .map(normalize)
                .collect::<Vec<_>>()
        })
        .filter(|l| !l.is_empty())
        .collect();
    let seed = String::from_utf8(fixture("seed-ATU-35A3-1.txt")).unwrap();
    let seed: Vec<String> = seed
        .lines()
        .map(|l| {
            let mut l = l.to_owned();
            while let Some(start) = l.find("[bookmark: ") {
                let end = start + l[start..].find(']').unwrap();
                l.replace_range(start..=end, "");
            }
            normalize(&l)
        })
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(loaded, seed);
}

/// README: removing insertions gives the before text, removing deletions the after text.
#[test]
fn before_and_after_paragraphs() {
    let doc = liaise_import::docx::read(
        &fixture("ATU-35A3-1.docx"),
        &liaise_import::Limits::default(),
    )
    .unwrap();
    let exp = expected();
    let before: Vec<String> = doc
        .before_paragraphs()
        .iter()
        .map(|t| normalize(t))
        .collect();
    let after: Vec<String> = doc
        .after_paragraphs()
        .iter()
        .map(|t| normalize(t))
        .collect();
    for s in &exp.sections {
        let with_label = |t: &str| match &s.label {
            Some(l) => format!("{l} {t}"),
            None => t.to_owned(),
        };
        assert!(
            before.contains(&with_label(&s.before)),
            "{}: before paragraph",
            s.key
        );
        assert!(
            after.contains(&with_label(&s.after)),
            "{}: after paragraph",
            s.key
        );
    }
    // The abstract sits in the second cell of a one-row, two-cell table.
    assert_eq!(doc.tables.len(), 1);
    assert_eq!(doc.tables[0].rows.len(), 1);
    assert_eq!(doc.tables[0].rows[0].cells.len(), 2);
    let cell = &doc.tables[0].rows[0].cells[1];
    assert_eq!(cell.paragraphs, 1..2);
    assert_eq!(
        normalize(&doc.paragraphs[1].after_text()),
        exp.abstract_text
    );
    assert_eq!(doc.paragraphs[2].style.as_deref(), Some("Heading1"));
}
