//! Word's automatic numbering (`w:numPr`, `word/numbering.xml`, numbering from styles):
//! hand-written documents, one feature each, and the `numbered` fixture against its expected
//! JSON and against LibreOffice's "accept all" and "reject all" text.

use std::path::Path;
use std::process::Command;

use liaise_import::{Document, Limits, Revision, docx, import_docx, normalize};
use serde::Deserialize;

use crate::util::{RELS, document_xml, fixture, fixture_path, zip_entries};

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// `[Content_Types].xml` naming the numbering and styles parts too.
const NUMBERED_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/></Relationships>"#;

/// A .docx with this body, numbering part and styles part.
pub fn numbered_docx(body: &str, numbering: &str, styles: &str) -> Vec<u8> {
    let document = document_xml(body);
    let numbering = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:numbering {W}>{numbering}</w:numbering>"#
    );
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles {W}>{styles}</w:styles>"#
    );
    zip_entries(&[
        ("[Content_Types].xml", NUMBERED_CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
    ])
}

/// A `w:lvl`.
pub fn lvl(ilvl: u8, start: u32, fmt: &str, text: &str) -> String {
    format!(
        r#"<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{}" w:hanging="567"/></w:pPr></w:lvl>"#,
        567 * (u32::from(ilvl) + 1)
    )
}

pub fn abstract_num(id: u32, levels: &[String]) -> String {
    format!(
        r#"<w:abstractNum w:abstractNumId="{id}"><w:multiLevelType w:val="hybridMultilevel"/>{}</w:abstractNum>"#,
        levels.concat()
    )
}

pub fn num(id: u32, abstract_id: u32, overrides: &str) -> String {
    format!(r#"<w:num w:numId="{id}"><w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>"#)
}

pub fn start_override(ilvl: u8, start: u32) -> String {
    format!(r#"<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>"#)
}

/// The `w:rPr` of a paragraph mark inserted or deleted by Ann.
fn mark(kind: &str) -> String {
    format!(r#"<w:rPr><w:{kind} w:id="90" w:author="Ann" w:date="2024-03-01T10:00:00Z"/></w:rPr>"#)
}

/// What a paragraph is made of.
#[derive(Clone, Copy)]
pub enum Text<'a> {
    Plain(&'a str),
    Ins(&'a str),
    Del(&'a str),
}

fn run(t: Text<'_>) -> String {
    match t {
        Text::Plain(s) => format!(r#"<w:r><w:t xml:space="preserve">{s}</w:t></w:r>"#),
        Text::Ins(s) => format!(
            r#"<w:ins w:id="91" w:author="Ann" w:date="2024-03-01T10:00:00Z"><w:r><w:t xml:space="preserve">{s}</w:t></w:r></w:ins>"#
        ),
        Text::Del(s) => format!(
            r#"<w:del w:id="92" w:author="Ann" w:date="2024-03-01T10:00:00Z"><w:r><w:delText xml:space="preserve">{s}</w:delText></w:r></w:del>"#
        ),
    }
}

/// A paragraph: its style, its own `w:numPr` (numId, ilvl), its mark's change and its text.
pub fn para(
    style: Option<&str>,
    num_pr: Option<(u32, u8)>,
    mark_change: Option<&str>,
    text: &[Text<'_>],
) -> String {
    let mut ppr = String::new();
    if let Some(s) = style {
        ppr.push_str(&format!(r#"<w:pStyle w:val="{s}"/>"#));
    }
    if let Some((id, ilvl)) = num_pr {
        ppr.push_str(&format!(
            r#"<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{id}"/></w:numPr>"#
        ));
    }
    if let Some(kind) = mark_change {
        ppr.push_str(&mark(kind));
    }
    let ppr = if ppr.is_empty() {
        String::new()
    } else {
        format!("<w:pPr>{ppr}</w:pPr>")
    };
    let runs: String = text.iter().map(|t| run(*t)).collect();
    format!("<w:p>{ppr}{runs}</w:p>")
}

/// A paragraph of style `style` that had style `old` before a tracked property change.
pub fn para_restyled(style: &str, old: &str, text: &[Text<'_>]) -> String {
    let runs: String = text.iter().map(|t| run(*t)).collect();
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/><w:pPrChange w:id="93" w:author="Ann" w:date="2024-03-01T10:00:00Z"><w:pPr><w:pStyle w:val="{old}"/></w:pPr></w:pPrChange></w:pPr>{runs}</w:p>"#
    )
}

pub fn plain(text: &str) -> String {
    para(None, None, None, &[Text::Plain(text)])
}

pub fn call(text: &str) -> String {
    para(Some("Call"), None, None, &[Text::Plain(text)])
}

/// Styles: `Normal` (default), `Call`, and `ListAlpha`, numbered by list 2 through its style.
pub fn styles() -> String {
    r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Call"><w:name w:val="Call"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/></w:pPr><w:rPr><w:i/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListAlpha"><w:name w:val="List Alpha"/><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style><w:style w:type="paragraph" w:styleId="ListAlphaKeep"><w:name w:val="List Alpha Keep"/><w:basedOn w:val="ListAlpha"/><w:pPr><w:keepNext/></w:pPr></w:style>"#.to_owned()
}

/// Lists: 1 is `1.` with sub-items `1.1`; 2 is `a)`; 3 is list 2's abstract list restarted
/// at `a)`.
pub fn numbering() -> String {
    [
        abstract_num(
            10,
            &[lvl(0, 1, "decimal", "%1."), lvl(1, 1, "decimal", "%1.%2")],
        ),
        abstract_num(
            20,
            &[
                lvl(0, 1, "lowerLetter", "%1)"),
                lvl(1, 1, "lowerRoman", "(%2)"),
            ],
        ),
        num(1, 10, ""),
        num(2, 20, ""),
        num(3, 20, &start_override(0, 1)),
    ]
    .concat()
}

/// The `numbered` fixture's document body: a proposal whose *considering* items are numbered
/// `a)`, `b)` through their style, with a first item added after the heading (the heading's
/// mark inserted, the new paragraph given the list style by a tracked property change) and an
/// item inserted Word-style (the mark ending the item before it is the inserted one); whose *recognizing* items restart `a)` and lose one item
/// (the mark ending the item before it deleted with the item's text); and whose *instructs*
/// items are numbered `1.`, `2.` with sub-items `3.1`, an item inserted by typing it at the
/// start of the next one (its own mark inserted) and an item deleted whole (its text and its
/// own mark).
fn fixture_body() -> String {
    use Text::{Del, Ins, Plain};
    let n = |id: u32, ilvl: u8| Some((id, ilvl));
    [
        para(Some("Proposal"), None, None, &[Plain("MOD\tCEPT/40A11/2")]),
        para(None, None, None, &[Plain("RESOLUTION 70 (Rev. "), Del("Hammamet, 2016"), Ins("New Delhi, 2024"), Plain(")")]),
        plain("Telecommunication/information and communication technology accessibility for persons with disabilities"),
        para(None, None, None, &[Plain("(Johannesburg, 2008; Dubai, 2012; Hammamet, 2016"), Ins("; New Delhi, 2024"), Plain(")")]),
        para(None, None, None, &[Plain("The World Telecommunication Standardization Assembly ("), Del("Hammamet, 2016"), Ins("New Delhi, 2024"), Plain("),")]),
        para(Some("Call"), None, Some("ins"), &[Plain("considering")]),
        para_restyled("ListAlpha", "Call", &[Ins("that accessibility is a human right;")]),
        para(Some("ListAlpha"), None, None, &[Plain("that about one billion people live with some form of disability;")]),
        para(Some("ListAlpha"), None, Some("ins"), &[Plain("that accessible services benefit everyone;")]),
        para(Some("ListAlpha"), None, None, &[Ins("that ageing populations need accessible services;")]),
        para(Some("ListAlphaKeep"), None, None, &[Plain("that standards make products accessible,")]),
        call("recognizing"),
        para(None, n(3, 0), None, &[Plain("the Convention on the Rights of Persons with Disabilities;")]),
        para(None, n(3, 0), Some("del"), &[Plain("the work of the Joint Coordination Activity;")]),
        para(None, n(3, 0), None, &[Del("the work of a group that has ended;")]),
        para(None, n(3, 0), None, &[Plain("the Dynamic Coalition on Accessibility,")]),
        call("instructs the Director of the Telecommunication Standardization Bureau"),
        para(None, n(1, 0), None, &[Plain("to report on the implementation of this resolution;")]),
        para(None, n(1, 0), Some("ins"), &[Ins("to promote accessibility in all study groups;")]),
        para(None, n(1, 0), None, &[Plain("to cooperate with:")]),
        para(None, n(1, 1), None, &[Plain("the Telecommunication Development Sector;")]),
        para(None, n(1, 1), None, &[Plain("the Radiocommunication Sector;")]),
        para(None, n(1, 0), Some("del"), &[Del("to organize a workshop in 2017;")]),
        para(None, n(1, 0), None, &[Plain("to give guidance on accessibility:")]),
        para(None, n(1, 1), None, &[Plain("to the study groups,")]),
        para(None, None, None, &[Plain("Reasons:\tUpdate the list of actions.")]),
    ]
    .concat()
}

/// Writes the `numbered` fixture (`cargo test -p liaise-import --test it -- --ignored
/// write_numbered_fixture`); its expected files are then made from LibreOffice's text
/// (`tests/fixtures/soffice-text.sh`) and checked by hand.
#[test]
#[ignore = "writes tests/fixtures/numbered.docx"]
fn write_numbered_fixture() {
    let bytes = numbered_docx(&fixture_body(), &numbering(), &styles());
    std::fs::write(fixture_path("numbered.docx"), bytes).unwrap();
}

/// The fixture is what this file writes: a change to one goes with a change to the other.
#[test]
fn numbered_fixture_is_generated_here() {
    use std::io::Read;
    let read = |bytes: Vec<u8>| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            let name = f.name().unwrap().to_string();
            parts.push((name, s));
        }
        parts
    };
    assert_eq!(
        read(fixture("numbered.docx")),
        read(numbered_docx(&fixture_body(), &numbering(), &styles()))
    );
}

#[derive(Debug, Deserialize)]
struct Expected {
    sections: Vec<ExpSection>,
}

#[derive(Debug, Deserialize)]
struct ExpSection {
    key: String,
    heading: String,
    label: Option<String>,
    labels: ExpLabels,
    before: String,
    after: String,
    changed: bool,
}

#[derive(Debug, Deserialize)]
struct ExpLabels {
    before: Option<String>,
    after: Option<String>,
}

fn expected() -> Expected {
    serde_json::from_slice(&fixture("numbered.expected.json")).unwrap()
}

/// Each numbered item is its own section, labelled on each side as Word numbers that side.
#[test]
fn numbered_fixture_sections() {
    let exp = expected();
    let c = import_docx(&fixture("numbered.docx")).unwrap();
    let p = &c.proposals[0];
    let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
    let exp_keys: Vec<&str> = exp.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, exp_keys, "section keys in order");
    for (got, exp) in p.sections.iter().zip(&exp.sections) {
        let k = &exp.key;
        assert_eq!(got.heading, exp.heading, "{k}: heading");
        assert_eq!(got.label, exp.label, "{k}: label");
        assert_eq!(got.labels.before, exp.labels.before, "{k}: label before");
        assert_eq!(got.labels.after, exp.labels.after, "{k}: label after");
        assert_eq!(got.text.before, exp.before, "{k}: before");
        assert_eq!(got.text.after, exp.after, "{k}: after");
        assert_eq!(got.text.changed(), exp.changed, "{k}: changed");
    }
}

/// The document's lines on one side, each with the label of its paragraph, normalised.
fn side_lines(doc: &Document, after: bool) -> Vec<String> {
    let keep = if after {
        Revision::in_after
    } else {
        Revision::in_before
    };
    let mut lines = Vec::new();
    let mut text = String::new();
    let mut label = None;
    for p in &doc.paragraphs {
        let own = p.list.as_ref().and_then(|l| {
            if after {
                l.after.clone()
            } else {
                l.before.clone()
            }
        });
        label = label.or(own);
        for piece in p.pieces.iter().filter(|piece| keep(&piece.revision)) {
            text.push_str(&piece.text);
        }
        if keep(&p.mark) {
            let line = match label.take() {
                Some(l) => format!("{l} {text}"),
                None => std::mem::take(&mut text),
            };
            text.clear();
            lines.push(normalize(&line));
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// A text's lines normalised (LibreOffice indents list levels and starts with a BOM).
fn text_lines(text: &str) -> Vec<String> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(normalize)
        .filter(|l| !l.is_empty())
        .collect()
}

/// The before and after text of the fixture, with labels, is LibreOffice's "reject all" and
/// "accept all" text: run here when `soffice` is on PATH (and then also compared with the
/// committed text), else the committed text LibreOffice made.
#[test]
fn numbered_fixture_agrees_with_libreoffice() {
    let committed = (
        String::from_utf8(fixture("numbered.before.txt")).unwrap(),
        String::from_utf8(fixture("numbered.after.txt")).unwrap(),
    );
    let (before, after) = match soffice_texts(&fixture_path("numbered.docx")) {
        Some((before, after)) => {
            assert_eq!(
                text_lines(&before),
                text_lines(&committed.0),
                "LibreOffice's before text differs from tests/fixtures/numbered.before.txt"
            );
            assert_eq!(
                text_lines(&after),
                text_lines(&committed.1),
                "LibreOffice's after text differs from tests/fixtures/numbered.after.txt"
            );
            (before, after)
        }
        None => committed,
    };
    let doc = docx::read(&fixture("numbered.docx"), &Limits::default()).unwrap();
    assert_eq!(side_lines(&doc, false), text_lines(&before), "before");
    assert_eq!(side_lines(&doc, true), text_lines(&after), "after");
    // And each section is one line of its side, label first.
    let (before, after) = (text_lines(&before), text_lines(&after));
    for s in &expected().sections {
        for (side, label, text, lines) in [
            ("before", &s.labels.before, &s.before, &before),
            ("after", &s.labels.after, &s.after, &after),
        ] {
            if let Some(label) = label {
                let line = format!("{label} {text}");
                assert!(lines.contains(&line), "{}: {side} line {line:?}", s.key);
            } else {
                assert!(text.is_empty(), "{}: {side} text without a label", s.key);
            }
        }
    }
}

/// A Basic module that writes LibreOffice's text of a document with all changes rejected
/// (`OUT.reject.txt`) and accepted (`OUT.accept.txt`).
const EXPORT_MACRO: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Export(sIn As String, sOut As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot; : load(0).Value = True
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot; : store(0).Value = &quot;Text (encoded)&quot;
  store(1).Name = &quot;FilterOptions&quot; : store(1).Value = &quot;UTF8&quot;
  Dim modes(1) As String
  modes(0) = &quot;Accept&quot; : modes(1) = &quot;Reject&quot;
  For i = 0 To 1
    oDoc = StarDesktop.loadComponentFromURL(ConvertToURL(sIn), &quot;_blank&quot;, 0, load())
    oDisp = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
    oDisp.executeDispatch(oDoc.CurrentController.Frame, &quot;.uno:&quot; &amp; modes(i) &amp; &quot;AllTrackedChanges&quot;, &quot;&quot;, 0, Array())
    oDoc.storeToURL(ConvertToURL(sOut &amp; &quot;.&quot; &amp; LCase(modes(i)) &amp; &quot;.txt&quot;), store())
    oDoc.close(True)
  Next i
End Sub
</script:module>
"#;

/// LibreOffice's (before, after) text of a .docx, or `None` when `soffice` is not on PATH.
/// Runs in a profile of its own, so the user's is untouched; panics if soffice fails.
fn soffice_texts(docx: &Path) -> Option<(String, String)> {
    let soffice = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("soffice"))
            .find(|p| p.is_file())
    })?;
    let dir = std::env::temp_dir().join(format!(
        "liaise-soffice-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    let profile = dir.join("profile");
    let env = format!("-env:UserInstallation=file://{}", profile.display());
    let run = |args: &[&str]| {
        let mut child = Command::new(&soffice)
            .args(["--headless", "--invisible", "--norestore", &env])
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", soffice.display()));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(180);
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                assert!(status.success(), "soffice {args:?}: {status}");
                break;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("soffice {args:?} did not finish in 180 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    };
    // A new profile first, then the module replaces its empty Standard.Module1.
    run(&["--terminate_after_init"]);
    let module = profile.join("user/basic/Standard/Module1.xba");
    assert!(
        module.is_file(),
        "soffice made no profile at {}",
        profile.display()
    );
    std::fs::write(&module, EXPORT_MACRO).unwrap();
    let out = dir.join("out");
    let call = format!(
        "macro:///Standard.Module1.Export(\"{}\",\"{}\")",
        docx.display(),
        out.display()
    );
    run(&[&call]);
    let read = |side: &str| {
        let path = dir.join(format!("out.{side}.txt"));
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("soffice wrote no {}: {e}", path.display()))
    };
    let texts = (read("reject"), read("accept"));
    let _ = std::fs::remove_dir_all(&dir);
    Some(texts)
}
