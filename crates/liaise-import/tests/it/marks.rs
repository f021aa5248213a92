//! The author's marks of each part: they add up to the before and after texts exactly, in the
//! fixture and in generated documents, and they are the spans the author made.

use liaise_import::{
    Mark, MarkKind, Part, Proposal, import_docx, import_text, marks::side_text, normalize,
};
use proptest::prelude::*;

use crate::fixture::expected;
use crate::util::{docx, fixture, p, p_styled, runs};

/// Every part of the proposal: (part, before, after, strip label).
fn parts(p: &Proposal) -> Vec<(Part, String, String)> {
    let mut out = Vec::new();
    for (part, text) in [
        (Part::Heading, &p.heading),
        (Part::Title, &p.title),
        (Part::History, &p.history),
        (Part::Preamble, &p.preamble),
    ] {
        if let Some(t) = text {
            out.push((part, t.before.clone(), t.after.clone()));
        }
    }
    for s in &p.sections {
        out.push((
            Part::Section(s.key.clone()),
            s.text.before.clone(),
            s.text.after.clone(),
        ));
    }
    out
}

/// The marks of every part add up to its before and after texts; `all`: every part has marks.
fn check_adds_up(p: &Proposal, all: bool) -> Result<(), TestCaseError> {
    for (part, before, after) in parts(p) {
        let Some(marks) = p.marks_of(&part) else {
            prop_assert!(!all, "{}: no marks", part.key());
            continue;
        };
        prop_assert_eq!(&side_text(marks, false), &before, "{}: before", part.key());
        prop_assert_eq!(&side_text(marks, true), &after, "{}: after", part.key());
        for m in marks {
            prop_assert!(
                !m.text.is_empty() || m.paragraph,
                "{}: empty mark {:?}",
                part.key(),
                m
            );
            if m.kind == MarkKind::Unchanged {
                prop_assert_eq!(m.change.author.as_deref(), None);
            }
        }
    }
    prop_assert_eq!(p.marks.len(), parts(p).len().min(p.marks.len()));
    Ok(())
}

fn fixture_proposal() -> Proposal {
    import_docx(&fixture("ATU-35A3-1.docx"))
        .unwrap()
        .proposals
        .remove(0)
}

fn kinds(marks: &[Mark]) -> Vec<(&str, &str)> {
    marks
        .iter()
        .map(|m| (m.kind.as_str(), m.text.as_str()))
        .collect()
}

#[test]
fn the_fixture_marks_add_up_for_every_part() {
    let p = fixture_proposal();
    check_adds_up(&p, true).unwrap();
    assert_eq!(p.marks.len(), parts(&p).len());
}

/// Items Word numbers itself (and adds or deletes Word-style) keep the author's marks too:
/// every part of the numbered fixture has marks that add up to its texts.
#[test]
fn word_numbered_items_keep_their_marks() {
    let c = import_docx(&fixture("numbered.docx")).unwrap();
    assert!(!c.proposals.is_empty());
    for p in &c.proposals {
        check_adds_up(p, true).unwrap();
        assert_eq!(p.marks.len(), parts(p).len(), "{}", p.id);
    }
}

#[test]
fn the_fixture_marks_are_the_authors_spans() {
    let p = fixture_proposal();
    for (n, span) in expected().tracked_changes.spans.iter().enumerate() {
        let part = match span.section.as_str() {
            "heading" => Part::Heading,
            "history" => Part::History,
            "preamble" => Part::Preamble,
            key => Part::Section(key.to_owned()),
        };
        let kind = match span.kind.as_str() {
            "insertion" => MarkKind::Inserted,
            _ => MarkKind::Deleted,
        };
        let marks = p.marks_of(&part).unwrap();
        let text = normalize(&span.text);
        let found = marks
            .iter()
            .find(|m| m.kind == kind && m.text.contains(&text));
        let m = found.unwrap_or_else(|| panic!("span {n} {text:?}: {:#?}", kinds(marks)));
        assert_eq!(m.change.author, span.author, "span {n}");
        assert_eq!(m.change.date, span.date, "span {n}");
        assert!(!m.moved && !m.paragraph, "span {n}");
    }
    // Only the author's spans are marked: as many letters as theirs, no more.
    let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
    let marked: usize = p
        .marks
        .iter()
        .flat_map(|pm| &pm.marks)
        .filter(|m| m.kind != MarkKind::Unchanged)
        .map(|m| letters(&m.text))
        .sum();
    let spans: usize = expected()
        .tracked_changes
        .spans
        .iter()
        .map(|s| letters(&s.text))
        .sum();
    assert_eq!(marked, spans);
}

#[test]
fn the_fixture_keeps_what_the_author_kept() {
    let p = fixture_proposal();
    let resolves = p.marks_of(&Part::Section("resolves".into())).unwrap();
    let k = kinds(resolves);
    let at = k
        .iter()
        .position(|m| *m == ("inserted", "Postal Operations Council ("))
        .unwrap_or_else(|| panic!("{k:#?}"));
    assert!(k[at + 1].0 == "unchanged" && k[at + 1].1.starts_with("POC"));
    assert_eq!(k[at + 2], ("inserted", ")"));
    let heading = kinds(p.marks_of(&Part::Heading).unwrap());
    assert_eq!(
        heading,
        [
            ("unchanged", "RESOLUTION 11 (Rev. "),
            ("deleted", "Hammamet, 2016"),
            ("inserted", "New Delhi, 2024"),
            ("unchanged", ")"),
        ]
    );
    let history = kinds(p.marks_of(&Part::History).unwrap());
    assert_eq!(history.last(), Some(&("unchanged", ")")), "{history:?}");
    assert!(history.contains(&("inserted", "; New Delhi, 2024")));
}

#[test]
fn plain_text_has_no_marks() {
    let c = import_text(&fixture("seed-ATU-35A3-1.txt")).unwrap();
    assert!(c.proposals.iter().all(|p| p.marks.is_empty()));
}

fn body(section: &str) -> String {
    [
        p("MOD\tATU/35/2"),
        p("RESOLUTION 1 (Rev. Dubai, 2012)"),
        p("Title"),
        p_styled(Some("Call"), "resolves"),
        section.to_owned(),
    ]
    .concat()
}

fn resolves_marks(section: &str) -> Vec<Mark> {
    section_marks(section, "resolves")
}

fn section_marks(section: &str, key: &str) -> Vec<Mark> {
    let c = import_docx(&docx(&body(section))).unwrap();
    let p = &c.proposals[0];
    check_adds_up(p, true).unwrap();
    p.marks_of(&Part::Section(key.into())).unwrap().to_vec()
}

#[test]
fn moves_and_paragraph_marks_are_marks() {
    let moved = r#"<w:p><w:moveFrom w:id="2" w:author="M" w:date="2024-02-02T00:00:00Z"><w:r><w:t xml:space="preserve">moved </w:t></w:r></w:moveFrom><w:r><w:t>stay</w:t></w:r><w:moveTo w:id="3" w:author="M" w:date="2024-02-02T00:00:00Z"><w:r><w:t xml:space="preserve"> moved</w:t></w:r></w:moveTo></w:p>"#;
    let m = resolves_marks(moved);
    assert_eq!(
        kinds(&m),
        [
            ("deleted", "moved "),
            ("unchanged", "stay"),
            ("inserted", " moved")
        ]
    );
    assert!(m[0].moved && m[2].moved && !m[1].moved);
    assert_eq!(m[0].change.author.as_deref(), Some("M"));

    // "that one" ends with a deleted paragraph mark: the two paragraphs join after the change.
    let first = r#"<w:p><w:pPr><w:rPr><w:del w:id="9" w:author="A" w:date="d"/></w:rPr></w:pPr><w:r><w:t>that one</w:t></w:r></w:p>"#;
    let m = resolves_marks(&format!("{first}{}", p("and two,")));
    assert_eq!(
        kinds(&m),
        [
            ("unchanged", "that one"),
            ("deleted", " "),
            ("unchanged", "and two,")
        ]
    );
    assert!(m[1].paragraph && m[1].change.author.as_deref() == Some("A"));
}

#[test]
fn labels_are_not_marked_and_changed_labels_still_add_up() {
    let m = section_marks(
        &format!(
            "<w:p>{}{}{}</w:p>",
            runs("1\tto keep "),
            crate::util::ins("X", "and add"),
            runs(" this;")
        ),
        "resolves.1",
    );
    assert_eq!(
        kinds(&m),
        [
            ("unchanged", "to keep "),
            ("inserted", "and add "),
            ("unchanged", "this;")
        ]
    );
}

// ---- generated documents ---------------------------------------------------------------------

/// One run of a generated paragraph: 0 unchanged, 1 inserted, 2 deleted, 3 inserted then
/// deleted, 4 moved to, 5 moved from.
fn run_xml(kind: u8, text: &str) -> String {
    let r = format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#);
    let d = format!(r#"<w:r><w:delText xml:space="preserve">{text}</w:delText></w:r>"#);
    let a = r#"w:id="1" w:author="G" w:date="2024-01-01T00:00:00Z""#;
    match kind {
        1 => format!("<w:ins {a}>{r}</w:ins>"),
        2 => format!("<w:del {a}>{d}</w:del>"),
        3 => format!(r#"<w:ins {a}><w:del w:id="2" w:author="H" w:date="x">{d}</w:del></w:ins>"#),
        4 => format!("<w:moveTo {a}>{r}</w:moveTo>"),
        5 => format!("<w:moveFrom {a}>{d}</w:moveFrom>"),
        _ => r,
    }
}

fn paragraph_xml(label: bool, runs: &[(u8, String)], mark: u8) -> String {
    let mark = match mark {
        1 => r#"<w:pPr><w:rPr><w:ins w:id="7" w:author="P" w:date="d"/></w:rPr></w:pPr>"#,
        2 => r#"<w:pPr><w:rPr><w:del w:id="8" w:author="P" w:date="d"/></w:rPr></w:pPr>"#,
        _ => "",
    };
    let label = if label {
        r#"<w:r><w:t>a)</w:t></w:r><w:r><w:tab/></w:r>"#
    } else {
        ""
    };
    let body: String = runs.iter().map(|(k, t)| run_xml(*k, t)).collect();
    format!("<w:p>{mark}{label}{body}</w:p>")
}

fn text_strategy() -> impl Strategy<Value = String> {
    // Words, spaces (double, leading, trailing), a no-break space and an accented letter.
    proptest::string::string_regex("[ab ,()\u{a0}é]{1,8}").unwrap()
}

fn paragraph_strategy() -> impl Strategy<Value = (bool, Vec<(u8, String)>, u8)> {
    (
        any::<bool>(),
        proptest::collection::vec((0u8..6, text_strategy()), 1..6),
        prop_oneof![4 => Just(0u8), 1 => Just(1u8), 1 => Just(2u8)],
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Generated proposals with every kind of change, in the heading, preamble and sections:
    /// the marks of every part add up to its before and after texts exactly.
    #[test]
    fn generated_marks_add_up(
        heading in proptest::collection::vec((0u8..3, text_strategy()), 0..3),
        sections in proptest::collection::vec(
            proptest::collection::vec(paragraph_strategy(), 1..4),
            1..4,
        ),
    ) {
        let mut xml = vec![
            p("MOD\tATU/35/2"),
            format!(
                "<w:p>{}{}{}</w:p>",
                runs("RESOLUTION 1 (Rev. "),
                heading.iter().map(|(k, t)| run_xml(*k, t)).collect::<String>(),
                runs(")")
            ),
            p("Title"),
            format!(
                "<w:p>{}{}{}</w:p>",
                runs("The World Telecommunication Standardization Assembly ("),
                run_xml(2, "Hammamet, 2016"),
                run_xml(1, "New Delhi, 2024),")
            ),
        ];
        for (n, section) in sections.iter().enumerate() {
            xml.push(p_styled(Some("Call"), ["considering", "resolves", "instructs"][n % 3]));
            for (label, runs, mark) in section {
                xml.push(paragraph_xml(*label, runs, *mark));
            }
        }
        let Ok(c) = import_docx(&docx(&xml.concat())) else {
            return Ok(());
        };
        for p in &c.proposals {
            // The text is NFC already: every part has its marks.
            check_adds_up(p, true)?;
        }
    }
}
