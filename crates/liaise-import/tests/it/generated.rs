//! Small .docx files written by hand, one feature each.

use liaise_import::{
    CellPosition, Change, ChangeKind, Document, Limits, Revision, docx, import_docx,
};

use crate::numbering::{
    self, abstract_num, call, lvl, num, numbered_docx, para, plain, start_override,
};
use crate::util::{del, docx, ins, p, p_styled, runs};

fn read(body: &str) -> Document {
    docx::read(&docx(body), &Limits::default()).unwrap()
}

fn change(author: &str, date: &str) -> Change {
    Change {
        author: Some(author.into()),
        date: Some(date.into()),
    }
}

fn texts(doc: &Document) -> Vec<(String, String, String)> {
    doc.paragraphs
        .iter()
        .map(|p| (p.before_text(), p.after_text(), p.as_loaded_text()))
        .collect()
}

fn triple(before: &str, after: &str, loaded: &str) -> (String, String, String) {
    (before.into(), after.into(), loaded.into())
}

#[test]
fn insertion_and_deletion() {
    let doc = read(&format!(
        "<w:p>{}{}{}{}</w:p>",
        runs("keep "),
        del("A", "old"),
        ins("B", "new"),
        runs(" end")
    ));
    assert_eq!(
        texts(&doc),
        [triple("keep old end", "keep new end", "keep oldnew end")]
    );
    let para = &doc.paragraphs[0];
    assert_eq!(para.pieces.len(), 4);
    assert_eq!(
        para.pieces[1].revision,
        Revision::Deleted(change("A", "2024-01-02T00:00:00Z"))
    );
    assert_eq!(
        para.pieces[2].revision,
        Revision::Inserted(change("B", "2024-01-01T00:00:00Z"))
    );
    let spans: Vec<_> = para
        .changes
        .iter()
        .map(|c| (c.kind, c.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            (ChangeKind::Deletion, "old"),
            (ChangeKind::Insertion, "new")
        ]
    );
}

#[test]
fn move_from_and_move_to() {
    let doc = read(
        r#"<w:p><w:moveFromRangeStart w:id="1" w:name="m"/><w:moveFrom w:id="2" w:author="Mover" w:date="2024-02-02T00:00:00Z"><w:r><w:t xml:space="preserve">moved </w:t></w:r></w:moveFrom><w:moveFromRangeEnd w:id="1"/><w:r><w:t>stay</w:t></w:r><w:moveTo w:id="3" w:author="Mover" w:date="2024-02-02T00:00:00Z"><w:r><w:t xml:space="preserve"> moved</w:t></w:r></w:moveTo></w:p>"#,
    );
    assert_eq!(
        texts(&doc),
        [triple("moved stay", "stay moved", "moved stay moved")]
    );
    let spans: Vec<_> = doc.paragraphs[0]
        .changes
        .iter()
        .map(|c| (c.kind, c.moved, c.text.as_str(), c.change.author.as_deref()))
        .collect();
    assert_eq!(
        spans,
        [
            (ChangeKind::Deletion, true, "moved ", Some("Mover")),
            (ChangeKind::Insertion, true, " moved", Some("Mover")),
        ]
    );
}

#[test]
fn nested_changes_by_different_authors() {
    // B deletes part of A's insertion; C inserts inside D's deletion.
    let doc = read(
        r#"<w:p><w:r><w:t xml:space="preserve">x </w:t></w:r><w:ins w:id="1" w:author="A" w:date="d1"><w:r><w:t xml:space="preserve">kept </w:t></w:r><w:del w:id="2" w:author="B" w:date="d2"><w:r><w:delText>dropped</w:delText></w:r></w:del></w:ins><w:del w:id="3" w:author="D" w:date="d4"><w:ins w:id="4" w:author="C" w:date="d3"><w:r><w:delText> both</w:delText></w:r></w:ins><w:r><w:delText> gone</w:delText></w:r></w:del></w:p>"#,
    );
    assert_eq!(
        texts(&doc),
        [triple("x  gone", "x kept ", "x kept dropped both gone")]
    );
    let para = &doc.paragraphs[0];
    let revisions: Vec<_> = para
        .pieces
        .iter()
        .map(|p| (p.text.as_str(), &p.revision))
        .collect();
    assert_eq!(
        revisions,
        [
            ("x ", &Revision::Unchanged),
            ("kept ", &Revision::Inserted(change("A", "d1"))),
            (
                "dropped",
                &Revision::InsertedThenDeleted {
                    inserted: change("A", "d1"),
                    deleted: change("B", "d2")
                }
            ),
            (
                " both",
                &Revision::InsertedThenDeleted {
                    inserted: change("C", "d3"),
                    deleted: change("D", "d4")
                }
            ),
            (" gone", &Revision::Deleted(change("D", "d4"))),
        ]
    );
    let spans: Vec<_> = para
        .changes
        .iter()
        .map(|c| (c.kind, c.change.author.as_deref().unwrap(), c.text.as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            (ChangeKind::Insertion, "A", "kept dropped"),
            (ChangeKind::Deletion, "B", "dropped"),
            (ChangeKind::Deletion, "D", " both gone"),
            (ChangeKind::Insertion, "C", " both"),
        ]
    );
}

#[test]
fn paragraph_mark_changes_merge_paragraphs() {
    let deleted_mark = r#"<w:p><w:pPr><w:pStyle w:val="Normal"/><w:rPr><w:del w:id="9" w:author="A" w:date="d"/></w:rPr></w:pPr><w:r><w:t>one</w:t></w:r></w:p>"#;
    let inserted_mark = r#"<w:p><w:pPr><w:rPr><w:ins w:id="8" w:author="B" w:date="d"/></w:rPr></w:pPr><w:r><w:t>two</w:t></w:r></w:p>"#;
    let doc = read(&format!("{deleted_mark}{inserted_mark}{}", p("three")));
    assert_eq!(doc.paragraphs.len(), 3);
    assert_eq!(doc.paragraphs[0].mark, Revision::Deleted(change("A", "d")));
    assert_eq!(doc.paragraphs[1].mark, Revision::Inserted(change("B", "d")));
    assert_eq!(doc.paragraphs[2].mark, Revision::Unchanged);
    assert_eq!(doc.paragraphs[0].style.as_deref(), Some("Normal"));
    // after: the mark of "one" is gone, so "one" joins "two".
    assert_eq!(doc.after_paragraphs(), ["onetwo", "three"]);
    // before: the mark of "two" did not exist, so "two" joins "three".
    assert_eq!(doc.before_paragraphs(), ["one", "twothree"]);
    // Mark changes are no text spans.
    assert!(doc.change_spans().next().is_none());
}

#[test]
fn complex_and_simple_fields() {
    let field = |instr: &str, result: &str| {
        format!(
            r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve">{instr}</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>{result}</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
        )
    };
    let nested = format!(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>IF </w:instrText></w:r>{}<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>outer</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
        field("PAGE", "hidden")
    );
    let no_result = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>TOC \o</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let simple =
        r#"<w:fldSimple w:instr=" REF _Ref1 \h "><w:r><w:t>Table 1</w:t></w:r></w:fldSimple>"#;
    let doc = read(&format!(
        "<w:p>{}{}{}{}{}{}{}</w:p>",
        runs("see "),
        field(r#" HYPERLINK "https://itu.int" "#, "ITU"),
        runs(", "),
        nested,
        no_result,
        runs(" and "),
        simple
    ));
    assert_eq!(
        doc.paragraphs[0].as_loaded_text(),
        "see ITU, outer and Table 1"
    );
}

#[test]
fn hyperlinks_and_special_characters() {
    let doc = read(
        r#"<w:p><w:hyperlink r:id="rId5" w:history="1"><w:r><w:t>link text</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>A&amp;B &lt;&#x41;&#66;&quot;&apos;&gt;</w:t><w:br/><w:t>ITU</w:t><w:noBreakHyphen/><w:t>T</w:t><w:softHyphen/><w:cr/><w:sym w:font="Symbol" w:char="2022"/></w:r><w:proofErr w:type="spellStart"/><w:bookmarkStart w:id="0" w:name="x"/><w:r><w:rPr><w:rPrChange w:id="5" w:author="Z"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t>!</w:t></w:r><w:bookmarkEnd w:id="0"/><w:proofErr w:type="spellEnd"/></w:p>"#,
    );
    assert_eq!(
        doc.paragraphs[0].as_loaded_text(),
        "link text\tA&B <AB\"'>\nITU-T\n\u{2022}!"
    );
    assert!(
        doc.paragraphs[0].changes.is_empty(),
        "formatting changes are ignored"
    );
}

#[test]
fn formatting_changes_and_drawings_are_ignored() {
    let doc = read(
        r#"<w:p><w:pPr><w:pStyle w:val="Call"/><w:pPrChange w:id="1" w:author="Z"><w:pPr><w:pStyle w:val="Old"/></w:pPr></w:pPrChange></w:pPr><w:r><w:t>text</w:t></w:r><w:r><w:drawing><w:p><w:r><w:t>in drawing</w:t></w:r></w:p></w:drawing></w:r><mc:AlternateContent><mc:Choice><w:r><w:t>choice</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>fallback</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p><w:sectPr><w:pgSz w:w="1"/></w:sectPr>"#,
    );
    assert_eq!(doc.paragraphs.len(), 1);
    assert_eq!(doc.paragraphs[0].style.as_deref(), Some("Call"));
    assert_eq!(doc.paragraphs[0].as_loaded_text(), "text");
}

#[test]
fn tables_flatten_in_order_and_keep_structure() {
    let cell = |t: &str| format!("<w:tc><w:tcPr><w:tcW w:w=\"1\"/></w:tcPr>{}</w:tc>", p(t));
    let inner = format!("<w:tbl><w:tr>{}{}</w:tr></w:tbl>", cell("i1"), cell("i2"));
    let body = format!(
        "{}<w:tbl><w:tblPr/><w:tblGrid/><w:tr>{}{}</w:tr><w:tr>{}<w:tc>{}{}{}</w:tc></w:tr></w:tbl>{}",
        p("before"),
        cell("a1"),
        cell("b1"),
        cell("a2"),
        p("b2 first"),
        inner,
        p("b2 last"),
        p("after"),
    );
    let doc = read(&body);
    let all: Vec<String> = doc.paragraphs.iter().map(|p| p.as_loaded_text()).collect();
    assert_eq!(
        all,
        [
            "before", "a1", "b1", "a2", "b2 first", "i1", "i2", "b2 last", "after"
        ]
    );
    assert_eq!(doc.tables.len(), 2);
    let outer = &doc.tables[0];
    assert_eq!(outer.rows.len(), 2);
    let ranges: Vec<Vec<_>> = outer
        .rows
        .iter()
        .map(|r| r.cells.iter().map(|c| c.paragraphs.clone()).collect())
        .collect();
    assert_eq!(ranges, [vec![1..2, 2..3], vec![3..4, 4..8]]);
    assert_eq!(doc.tables[1].rows[0].cells.len(), 2);
    let pos = |i: usize| doc.paragraphs[i].cell;
    assert_eq!(pos(0), None);
    assert_eq!(
        pos(2),
        Some(CellPosition {
            table: 0,
            row: 0,
            column: 1
        })
    );
    assert_eq!(
        pos(6),
        Some(CellPosition {
            table: 1,
            row: 0,
            column: 1
        })
    );
    assert_eq!(
        pos(7),
        Some(CellPosition {
            table: 0,
            row: 1,
            column: 1
        })
    );
    assert_eq!(pos(8), None);
}

/// A whole proposal written by hand: an inserted item, a deleted item, a relabelled item and
/// a second proposal.
#[test]
fn generated_proposal() {
    let inserted_item = format!(
        r#"<w:p><w:pPr><w:rPr><w:ins w:id="1" w:author="X" w:date="d"/></w:rPr></w:pPr>{}</w:p>"#,
        ins("X", "b)\tthat a new item is proposed;")
    );
    let deleted_item = format!(
        r#"<w:p><w:pPr><w:rPr><w:del w:id="2" w:author="Y" w:date="d"/></w:rPr></w:pPr>{}</w:p>"#,
        del("Y", "c)\tthat an old item goes;")
    );
    let relabelled = format!(
        "<w:p>{}{}{}</w:p>",
        del("X", "d)"),
        ins("X", "c)"),
        runs("\tthat stays,")
    );
    let body = [
        r#"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Abstract:</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Short </w:t></w:r></w:p><w:p><w:r><w:t>abstract.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#.to_owned(),
        p_styled(Some("Proposal"), "MOD\tAPT/37A2/5"),
        format!("<w:p>{}{}{}{}</w:p>", runs("RESOLUTION 2 (Rev. "), del("X", "Hammamet, 2016"), ins("X", "New Delhi, 2024"), runs(")")),
        p("Title"),
        p("(Dubai, 2012; Hammamet, 2016)"),
        format!("<w:p>{}{}{}{}</w:p>", runs("The World Telecommunication Standardization Assembly ("), del("X", "Hammamet, 2016"), ins("X", "New Delhi, 2024"), runs("),")),
        p_styled(Some("Call"), "considering"),
        p("a)\tthat one;"),
        inserted_item,
        deleted_item,
        relabelled,
        p_styled(Some("Call"), "resolves"),
        format!("<w:p>{}{}</w:p>", runs("that topics such as A, B"), ins("X", ", C as well as D")),
        p("Reasons:\tClarity."),
        p(""),
        p_styled(Some("Proposal"), "SUP\tAPT/37A2/6"),
        p("RESOLUTION 3 (Rev. Hammamet, 2016)"),
    ]
    .concat();
    let c = import_docx(&docx(&body)).unwrap();
    assert_eq!(c.abstract_text.as_deref(), Some("Short abstract."));
    assert_eq!(c.proposals.len(), 2);
    let p1 = &c.proposals[0];
    assert_eq!(p1.id.to_string(), "APT/37A2/5");
    assert_eq!(p1.source.name, Some("Asia-Pacific Telecommunity"));
    let t = p1.target.as_ref().unwrap();
    assert_eq!(t.label(), "Resolution 2");
    assert_eq!(t.revision_before.as_deref(), Some("Rev. Hammamet, 2016"));
    assert_eq!(t.revision_after.as_deref(), Some("Rev. New Delhi, 2024"));
    assert_eq!(p1.title.as_ref().unwrap().after, "Title");
    assert_eq!(
        p1.history.as_ref().unwrap().after,
        "(Dubai, 2012; Hammamet, 2016)"
    );
    let sections: Vec<_> = p1
        .sections
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.label.as_deref(),
                s.text.before.as_str(),
                s.text.after.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("considering.a", Some("a)"), "that one;", "that one;"),
            (
                "considering.b",
                Some("b)"),
                "",
                "that a new item is proposed;"
            ),
            ("considering.c", Some("c)"), "that an old item goes;", ""),
            ("considering.c_2", Some("c)"), "that stays,", "that stays,"),
            (
                "resolves",
                None,
                "that topics such as A, B",
                "that topics such as A, B, C as well as D"
            ),
        ]
    );
    // Typed labels on each side: the relabelled item was d) before.
    let labels: Vec<_> = p1
        .sections
        .iter()
        .map(|s| (s.labels.before.as_deref(), s.labels.after.as_deref()))
        .collect();
    assert_eq!(
        labels,
        [
            (Some("a)"), Some("a)")),
            (None, Some("b)")),
            (Some("c)"), None),
            (Some("d)"), Some("c)")),
            (None, None),
        ]
    );
    let topics = p1.resolves_topics.as_ref().unwrap();
    assert_eq!(topics.before, ["A", "B"]);
    assert_eq!(topics.after, ["A", "B", "C", "D"]);
    assert_eq!(p1.reasons.as_deref(), Some("Clarity."));
    let parts: Vec<&str> = p1.tracked_changes.iter().map(|c| c.part.key()).collect();
    assert_eq!(
        parts,
        [
            "heading",
            "heading",
            "preamble",
            "preamble",
            "considering.b",
            "considering.c",
            "considering.c_2",
            "considering.c_2",
            "resolves"
        ]
    );
    let p2 = &c.proposals[1];
    assert_eq!(p2.action.as_str(), "SUP");
    assert_eq!(p2.target.as_ref().unwrap().number, "3");
    assert!(p2.sections.is_empty());
}

#[test]
fn deleted_paragraph_mark_joins_section_paragraphs() {
    let first = r#"<w:p><w:pPr><w:rPr><w:del w:id="9" w:author="A" w:date="d"/></w:rPr></w:pPr><w:r><w:t>that one</w:t></w:r></w:p>"#;
    let body = [
        p("MOD\tATU/35/2"),
        p("RESOLUTION 1 (Rev. Dubai, 2012)"),
        p("Title"),
        p_styled(Some("Call"), "resolves"),
        first.to_owned(),
        p("and two,"),
    ]
    .concat();
    let c = import_docx(&docx(&body)).unwrap();
    let s = c.proposals[0].section("resolves").unwrap();
    assert_eq!(s.text.before, "that one and two,");
    assert_eq!(s.text.after, "that oneand two,");
}

/// The labels (before, after) of each paragraph of a document Word numbers, `-` for none.
fn list_labels(bytes: &[u8]) -> Vec<String> {
    let doc = docx::read(bytes, &Limits::default()).unwrap();
    doc.paragraphs
        .iter()
        .map(|p| {
            let (before, after) = p
                .list
                .as_ref()
                .map_or((None, None), |l| (l.before.as_deref(), l.after.as_deref()));
            let (before, after) = (before.unwrap_or("-"), after.unwrap_or("-"));
            if before == after {
                before.to_owned()
            } else {
                format!("{before}|{after}")
            }
        })
        .collect()
}

/// Word's counting, one case a line: lists and levels of unchanged paragraphs, and the label
/// each gets.
#[test]
fn word_numbering_counts() {
    use numbering::Text::Plain;
    let lists = [
        // 10: 1. with sub-items 1.1; 20: a) with sub-items (i) that never restart; 30: bullets.
        abstract_num(
            10,
            &[lvl(0, 1, "decimal", "%1."), lvl(1, 1, "decimal", "%1.%2")],
        ),
        abstract_num(
            20,
            &[
                lvl(0, 1, "lowerLetter", "%1)"),
                lvl(1, 1, "lowerRoman", "(%2)")
                    .replace("<w:numFmt", r#"<w:lvlRestart w:val="0"/><w:numFmt"#),
            ],
        ),
        abstract_num(30, &[lvl(0, 1, "bullet", "\u{2022}")]),
        abstract_num(40, &[lvl(0, 5, "upperRoman", "Article %1")]),
        num(1, 10, ""),
        num(2, 10, ""),
        num(3, 20, ""),
        num(4, 20, &start_override(0, 1)),
        num(5, 30, ""),
        num(6, 40, ""),
        num(7, 10, &start_override(0, 7)),
        num(8, 99, ""),
    ]
    .concat();
    let style = |id: &str, inside: &str| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{id}"/>{inside}</w:style>"#
        )
    };
    let numbered =
        |id: u32| format!(r#"<w:pPr><w:numPr><w:numId w:val="{id}"/></w:numPr></w:pPr>"#);
    let styles = [
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>"#.to_owned(),
        style("Alpha", &numbered(3)),
        style("AlphaNarrow", r#"<w:basedOn w:val="Alpha"/>"#),
        style("Sub", &numbered(1)),
        style("Loop1", r#"<w:basedOn w:val="Loop2"/>"#),
        style("Loop2", r#"<w:basedOn w:val="Loop1"/>"#),
    ]
    .concat();
    let styles = styles.as_str();
    // A paragraph: (style, own numPr).
    type P<'a> = (Option<&'a str>, Option<(u32, u8)>);
    fn check(lists: &str, styles: &str, paragraphs: &[P<'_>], expected: &[&str]) {
        let body: String = paragraphs
            .iter()
            .map(|(style, num_pr)| para(*style, *num_pr, None, &[Plain("item")]))
            .collect();
        let got = list_labels(&numbered_docx(&body, lists, styles));
        assert_eq!(got, expected, "paragraphs: {paragraphs:?}");
    }
    let n = |id: u32, ilvl: u8| (None, Some((id, ilvl)));
    let plain = (None, None);
    let styled = |s| (Some(s), None);
    check(
        &lists,
        styles,
        &[n(1, 0), n(1, 0), n(1, 0)],
        &["1.", "2.", "3."],
    );
    // A lower level restarts after a higher one; an unnumbered paragraph changes nothing.
    check(
        &lists,
        styles,
        &[n(1, 0), n(1, 1), n(1, 1), plain, n(1, 0), n(1, 1)],
        &["1.", "1.1", "1.2", "-", "2.", "2.1"],
    );
    // A sub-level used first shows the higher level's start, and counts it (as LibreOffice
    // does): the next item of the higher level is the second.
    check(&lists, styles, &[n(1, 1), n(1, 0)], &["1.1", "2."]);
    // w:lvlRestart 0: the sub-items go on counting, as in Word (LibreOffice 7.4 ignores
    // w:lvlRestart and restarts them).
    check(
        &lists,
        styles,
        &[n(3, 0), n(3, 1), n(3, 0), n(3, 1)],
        &["a)", "(i)", "b)", "(ii)"],
    );
    // Two lists of one abstract list continue each other; a start override restarts.
    check(
        &lists,
        styles,
        &[n(1, 0), n(2, 0), n(1, 0)],
        &["1.", "2.", "3."],
    );
    check(
        &lists,
        styles,
        &[n(3, 0), n(3, 0), n(4, 0), n(4, 0), n(3, 0)],
        &["a)", "b)", "a)", "b)", "c)"],
    );
    check(
        &lists,
        styles,
        &[n(1, 0), n(7, 0), n(7, 0)],
        &["1.", "7.", "8."],
    );
    // Bullets are items without a label; other text around the number is kept.
    check(
        &lists,
        styles,
        &[n(5, 0), n(6, 0), n(6, 0)],
        &["-", "Article V", "Article VI"],
    );
    // Numbering from the style, through w:basedOn; numId 0 switches it off.
    check(
        &lists,
        styles,
        &[
            styled("Alpha"),
            styled("AlphaNarrow"),
            (Some("Alpha"), Some((0, 0))),
        ],
        &["a)", "b)", "-"],
    );
    check(
        &lists,
        styles,
        &[n(1, 0), styled("Sub"), styled("Sub")],
        &["1.", "2.", "3."],
    );
    // A style's list without a level is at level 0 (above); the paragraph's own level
    // with the style's list.
    check(
        &lists,
        styles,
        &[(Some("Alpha"), None), (Some("Alpha"), Some((3, 1)))],
        &["a)", "(i)"],
    );
    // Unknown lists and levels, and style loops, number nothing.
    check(
        &lists,
        styles,
        &[
            n(8, 0),
            n(42, 0),
            n(1, 5),
            styled("Loop1"),
            styled("Missing"),
        ],
        &["-", "-", "-", "-", "-"],
    );
}

/// Items added and removed Word-style exist on one side only, and renumber the items after
/// them on that side.
#[test]
fn numbered_items_inserted_and_deleted_word_style() {
    use numbering::Text::{Del, Ins, Plain};
    let lists = [
        abstract_num(1, &[lvl(0, 1, "decimal", "%1")]),
        num(1, 1, ""),
    ]
    .concat();
    let n = Some((1, 0));
    let body = [
        para(Some("Proposal"), None, None, &[Plain("MOD\tATU/35A3/7")]),
        plain("RESOLUTION 11 (Rev. Hammamet, 2016)"),
        call("instructs the Secretary-General"),
        // The mark ending item 1 is the inserted one: the new item follows it.
        para(None, n, Some("ins"), &[Plain("to report;")]),
        para(None, n, None, &[Ins("to consult;")]),
        para(None, n, None, &[Plain("to invite"), Ins(" all")]),
        // The mark ending the item before the deleted one is deleted, with its text.
        para(None, n, Some("del"), &[Plain("to publish;")]),
        para(None, n, None, &[Del("to translate;")]),
        para(None, n, None, &[Plain("to close,")]),
    ]
    .concat();
    let bytes = numbered_docx(&body, &lists, "");
    assert_eq!(
        list_labels(&bytes)[3..],
        ["1", "-|2", "2|3", "3|4", "4|-", "5"]
    );
    let c = import_docx(&bytes).unwrap();
    let sections: Vec<_> = c.proposals[0]
        .sections
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.labels.before.as_deref(),
                s.labels.after.as_deref(),
                s.text.before.as_str(),
                s.text.after.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            (
                "instructs.1",
                Some("1"),
                Some("1"),
                "to report;",
                "to report;"
            ),
            ("instructs.2", None, Some("2"), "", "to consult;"),
            (
                "instructs.3",
                Some("2"),
                Some("3"),
                "to invite",
                "to invite all"
            ),
            (
                "instructs.4",
                Some("3"),
                Some("4"),
                "to publish;",
                "to publish;"
            ),
            ("instructs.4_2", Some("4"), None, "to translate;", ""),
            (
                "instructs.5",
                Some("5"),
                Some("5"),
                "to close,",
                "to close,"
            ),
        ]
    );
}

/// Without `word/numbering.xml` a `w:numPr` numbers nothing, as in Word: the paragraphs are
/// one item, as before.
#[test]
fn numbering_properties_without_definitions_number_nothing() {
    let body = [
        p("MOD\tATU/35A3/8"),
        p("RESOLUTION 11 (Rev. Hammamet, 2016)"),
        p_styled(Some("Call"), "resolves"),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>one</w:t></w:r></w:p>"#.to_owned(),
        r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>two</w:t></w:r></w:p>"#.to_owned(),
    ]
    .concat();
    let c = import_docx(&docx(&body)).unwrap();
    let s = &c.proposals[0].sections;
    assert_eq!(s.len(), 1);
    assert_eq!(
        (s[0].key.as_str(), s[0].text.after.as_str()),
        ("resolves", "one two")
    );
}

/// A first item added Word-style after the heading: the heading's mark is the inserted one,
/// and the new paragraph was numbered by a tracked change of its properties (`w:pPrChange`
/// holds the heading style it had). Before, the heading is no item and the items keep their
/// numbers; after, the new item is 1.
#[test]
fn first_item_added_with_its_numbering_as_a_tracked_property_change() {
    use numbering::Text::Plain;
    let lists = [
        abstract_num(1, &[lvl(0, 1, "decimal", "%1.")]),
        num(1, 1, ""),
    ]
    .concat();
    let styles = r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Call"><w:name w:val="Call"/><w:basedOn w:val="Normal"/></w:style>"#;
    let n = Some((1, 0));
    let body = [
        para(Some("Proposal"), None, None, &[Plain("MOD\tATU/35A3/9")]),
        plain("RESOLUTION 11 (Rev. Hammamet, 2016)"),
        r#"<w:p><w:pPr><w:pStyle w:val="Call"/><w:rPr><w:ins w:id="1" w:author="Ann" w:date="2024-03-01T10:00:00Z"/></w:rPr></w:pPr><w:r><w:t>instructs the Secretary-General</w:t></w:r></w:p>"#.to_owned(),
        r#"<w:p><w:pPr><w:pStyle w:val="Normal"/><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:pPrChange w:id="2" w:author="Ann" w:date="2024-03-01T10:00:00Z"><w:pPr><w:pStyle w:val="Call"/></w:pPr></w:pPrChange></w:pPr><w:ins w:id="3" w:author="Ann" w:date="2024-03-01T10:00:00Z"><w:r><w:t>to consult first;</w:t></w:r></w:ins></w:p>"#.to_owned(),
        para(None, n, None, &[Plain("to report;")]),
        para(None, n, None, &[Plain("to invite,")]),
    ]
    .concat();
    let bytes = numbered_docx(&body, &lists, styles);
    assert_eq!(list_labels(&bytes)[2..], ["-", "-|1.", "1.|2.", "2.|3."]);
    let c = import_docx(&bytes).unwrap();
    let sections: Vec<_> = c.proposals[0]
        .sections
        .iter()
        .map(|s| {
            (
                s.key.as_str(),
                s.labels.before.as_deref(),
                s.labels.after.as_deref(),
                s.text.before.as_str(),
                s.text.after.as_str(),
            )
        })
        .collect();
    assert_eq!(
        sections,
        [
            ("instructs.1", None, Some("1."), "", "to consult first;"),
            (
                "instructs.2",
                Some("1."),
                Some("2."),
                "to report;",
                "to report;"
            ),
            (
                "instructs.3",
                Some("2."),
                Some("3."),
                "to invite,",
                "to invite,"
            ),
        ]
    );
}
