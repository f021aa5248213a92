//! Plain-text import of the seed.

use liaise_import::{Action, SourceFormat, TargetKind, import_text};

use crate::fixture::expected;
use crate::util::fixture;

#[test]
fn seed_gives_the_same_proposal_structure() {
    let exp = expected();
    let c = import_text(&fixture("seed-ATU-35A3-1.txt")).unwrap();
    assert_eq!(c.format, SourceFormat::Text);
    assert_eq!(c.proposals.len(), 1);
    let p = &c.proposals[0];
    assert_eq!(p.id.to_string(), exp.document_number);
    assert_eq!(p.action, Action::Mod);
    assert_eq!(p.action.as_str(), exp.action);
    assert_eq!(p.source.name, exp.source.name.as_deref());

    let t = p.target.as_ref().expect("target");
    assert_eq!(t.kind, TargetKind::Resolution);
    assert_eq!(t.label(), exp.target.label);
    // The run-together revision is split back into before and after.
    assert_eq!(
        t.revision_before.as_deref(),
        Some(exp.target.revision_before.as_str())
    );
    assert_eq!(
        t.revision_after.as_deref(),
        Some(exp.target.revision_after.as_str())
    );

    let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
    let exp_keys: Vec<&str> = exp.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, exp_keys);
    for (got, exp) in p.sections.iter().zip(&exp.sections) {
        assert_eq!(got.heading, exp.heading, "{}: heading", exp.key);
        assert_eq!(got.label, exp.label, "{}: label", exp.key);
        // Plain text keeps no revisions: before and after are the as-loaded text.
        assert_eq!(got.text.before, got.text.after, "{}", exp.key);
    }

    let topics = p.resolves_topics.as_ref().expect("topics");
    assert_eq!(topics.after, expected().resolves_topics.after);
}

#[test]
fn seed_parts_match_where_text_can_tell() {
    let exp = expected();
    let c = import_text(&fixture("seed-ATU-35A3-1.txt")).unwrap();
    let p = &c.proposals[0];
    assert_eq!(c.abstract_text.as_deref(), Some(exp.abstract_text.as_str()));
    let heading = p.heading.as_ref().unwrap();
    assert_eq!(heading.before, exp.heading.before);
    assert_eq!(heading.after, exp.heading.after);
    let preamble = p.preamble.as_ref().unwrap();
    assert_eq!(preamble.before, exp.preamble.before);
    assert_eq!(preamble.after, exp.preamble.after);
    // Title over two lines, history over two lines: joined back together.
    assert_eq!(p.title.as_ref().unwrap().after, exp.title.after);
    assert_eq!(p.history.as_ref().unwrap().after, exp.history.after);
    // Sections with no deletion: the as-loaded text is the after text.
    for key in [
        "considering.a",
        "recognizing.b",
        "recalling",
        "resolves",
        "instructs.1",
        "instructs.2",
    ] {
        let got = p.section(key).unwrap_or_else(|| panic!("{key} missing"));
        let exp = exp.sections.iter().find(|s| s.key == key).unwrap();
        assert_eq!(got.text.after, exp.after, "{key}");
    }
    assert!(p.tracked_changes.is_empty());
}

#[test]
fn small_text_proposal() {
    let text = "Abstract:\tWe propose things.\n\nADD\tCEPT/40/2\nRESOLUTION 99 (New Delhi, 2024)\nA title\nThe World Telecommunication Standardization Assembly (New Delhi, 2024),\nnoting\nthat a list such as A, B as well as C,\nencourages Member States\n1)\tto act;\n\tand continue;\n2)\tto report.\nReasons:\tBecause.\n";
    let c = import_text(text.as_bytes()).unwrap();
    assert_eq!(c.abstract_text.as_deref(), Some("We propose things."));
    let p = &c.proposals[0];
    assert_eq!(p.action, Action::Add);
    assert_eq!(p.id.reference(), "Document 40, proposal 2");
    assert_eq!(
        p.source.name,
        Some("European Conference of Postal and Telecommunications Administrations")
    );
    assert_eq!(p.title.as_ref().unwrap().after, "A title");
    assert!(p.history.is_none());
    let keys: Vec<(&str, &str)> = p
        .sections
        .iter()
        .map(|s| (s.key.as_str(), s.text.after.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("noting", "that a list such as A, B as well as C,"),
            ("encourages.1", "to act; and continue;"),
            ("encourages.2", "to report."),
        ]
    );
    assert!(p.resolves_topics.is_none(), "no resolves section");
    assert_eq!(p.reasons.as_deref(), Some("Because."));
}

#[test]
fn unclosed_history_line_does_not_swallow_the_sections() {
    let text = "MOD\tRCC/38A1/1\nRESOLUTION 7 (Rev. Dubai, 2012)\nTitle\n(Geneva, 1996;\nDubai, 2012\nThe World Telecommunication Standardization Assembly (Dubai, 2012),\nconsidering\nx\ny\nz\nresolves\nthat it works,\n";
    let c = import_text(text.as_bytes()).unwrap();
    let p = &c.proposals[0];
    assert_eq!(
        p.history.as_ref().unwrap().after,
        "(Geneva, 1996; Dubai, 2012"
    );
    assert!(p.preamble.is_some());
    let keys: Vec<&str> = p.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(keys, ["considering", "resolves"]);
    assert_eq!(p.section("considering").unwrap().text.after, "x y z");
    assert_eq!(p.section("resolves").unwrap().text.after, "that it works,");
}
