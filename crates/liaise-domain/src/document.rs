//! Documents, resolutions kept by structure, amendment proposals and the word-level diff that
//! every compare view shows.

use crate::{error::DomainError, text};

kebab_enum! {
    /// What a document is.
    DocumentKind {
        Contribution => "contribution",
        TemporaryDocument => "temporary-document",
        Report => "report",
        LiaisonAttachment => "liaison-attachment",
        TermsOfReference => "terms-of-reference",
        ResolutionText => "resolution-text",
        Other => "other",
    }
}

kebab_enum! {
    /// Where an amendment proposal stands at its assembly.
    ProposalStatus {
        Submitted => "submitted",
        UnderDiscussion => "under-discussion",
        Adopted => "adopted",
        AdoptedWithChanges => "adopted-with-changes",
        NotAdopted => "not-adopted",
        Withdrawn => "withdrawn",
    }
}

kebab_enum! {
    /// What a proposal does to its target: modify, add, suppress, no change.
    ProposalAction {
        Mod => "MOD",
        Add => "ADD",
        Sup => "SUP",
        Noc => "NOC",
    }
}

kebab_enum! {
    /// The two parts of a resolution: the preamble (considering, recognizing …) and the
    /// operative part (resolves, instructs …, invites …).
    SectionPart {
        Preamble => "preamble",
        Operative => "operative",
    }
}

impl SectionPart {
    /// The part a section heading belongs to, from its first word.
    pub fn of_heading(heading: &str) -> Self {
        let first = heading
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_lowercase();
        match first.as_str() {
            "resolves" | "instructs" | "invites" | "requests" | "encourages" | "urges"
            | "calls" | "decides" | "appeals" => Self::Operative,
            _ => Self::Preamble,
        }
    }
}

/// A document number: the ITU conventions (`TSAG-TD281`, `SG12-C45`, `SG12-C45-R1`,
/// `ATU/35A3/1`) or any organization's own reference, as one line without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        text::line(field, raw, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The revision of an ITU number (`SG12-C45-R1` → 1), 0 when it has none.
    pub fn revision(&self) -> u32 {
        self.0
            .rsplit_once("-R")
            .and_then(|(_, r)| r.parse().ok())
            .unwrap_or(0)
    }

    /// The number without its revision (`SG12-C45-R1` → `SG12-C45`).
    pub fn base(&self) -> &str {
        match self.0.rsplit_once("-R") {
            Some((base, r)) if !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit()) => base,
            _ => &self.0,
        }
    }
}

/// The version key of a resolution text: its assembly and year, e.g. `hammamet-2016` from
/// `Hammamet, 2016` or `Rev. New Delhi, 2024`.
pub fn version_key(revision: &str) -> Option<String> {
    let r = revision.trim().trim_start_matches("Rev.").trim();
    let (place, year) = r.rsplit_once(',')?;
    let year = year.trim();
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut slug = String::new();
    for c in place.trim().chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    (!slug.is_empty()).then(|| format!("{slug}-{year}"))
}

/// One piece of a word-level comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Equal(String),
    Insert(String),
    Delete(String),
}

impl Segment {
    pub fn text(&self) -> &str {
        match self {
            Self::Equal(t) | Self::Insert(t) | Self::Delete(t) => t,
        }
    }

    /// `equal`, `insert` or `delete`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Equal(_) => "equal",
            Self::Insert(_) => "insert",
            Self::Delete(_) => "delete",
        }
    }
}

/// The word-level difference from `before` to `after`: equal, deleted and inserted runs, as
/// track changes show them. Words are compared whole (with the punctuation attached to
/// them); a change spanning several words separated only by spaces is one deletion followed
/// by one insertion. Keeping the equal and deleted runs gives `before` back; keeping the
/// equal and inserted ones gives `after`.
pub fn word_diff(before: &str, after: &str) -> Vec<Segment> {
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(before, after);
    let raw: Vec<(similar::ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let mut out: Vec<Segment> = Vec::new();
    let mut equal = String::new();
    let (mut deleted, mut inserted) = (String::new(), String::new());
    let flush_change = |out: &mut Vec<Segment>, d: &mut String, i: &mut String| {
        if !d.is_empty() {
            out.push(Segment::Delete(std::mem::take(d)));
        }
        if !i.is_empty() {
            out.push(Segment::Insert(std::mem::take(i)));
        }
    };
    let mut k = 0;
    while let Some(&(tag, value)) = raw.get(k) {
        match tag {
            similar::ChangeTag::Equal => {
                let in_change = !deleted.is_empty() || !inserted.is_empty();
                let next_changes = raw
                    .get(k + 1)
                    .is_some_and(|(t, _)| *t != similar::ChangeTag::Equal);
                if in_change && next_changes && value.trim().is_empty() {
                    // Spaces between two changed words belong to the change.
                    deleted.push_str(value);
                    inserted.push_str(value);
                } else {
                    flush_change(&mut out, &mut deleted, &mut inserted);
                    equal.push_str(value);
                }
            }
            similar::ChangeTag::Delete | similar::ChangeTag::Insert => {
                if !equal.is_empty() {
                    out.push(Segment::Equal(std::mem::take(&mut equal)));
                }
                if tag == similar::ChangeTag::Delete {
                    deleted.push_str(value);
                } else {
                    inserted.push_str(value);
                }
            }
        }
        k += 1;
    }
    flush_change(&mut out, &mut deleted, &mut inserted);
    if !equal.is_empty() {
        out.push(Segment::Equal(equal));
    }
    out
}

/// Whether a comparison has any change.
pub fn changed(segments: &[Segment]) -> bool {
    segments.iter().any(|s| !matches!(s, Segment::Equal(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(segs: &[Segment], keep_insert: bool) -> String {
        segs.iter()
            .filter(|s| match s {
                Segment::Equal(_) => true,
                Segment::Insert(_) => keep_insert,
                Segment::Delete(_) => !keep_insert,
            })
            .map(Segment::text)
            .collect()
    }

    #[test]
    fn a_diff_gives_both_texts_back() {
        for (a, b) in [
            ("", ""),
            ("the efficient use", "to optimize the use"),
            ("Hammamet, 2016", "New Delhi, 2024"),
            ("one two three", "one three four"),
            ("same text", "same text"),
            ("", "all new"),
        ] {
            let d = word_diff(a, b);
            assert_eq!(rebuild(&d, false), a);
            assert_eq!(rebuild(&d, true), b);
            assert_eq!(changed(&d), a != b);
        }
    }

    #[test]
    fn a_change_of_several_words_is_one_deletion_and_one_insertion() {
        let d = word_diff("Assembly (Hammamet, 2016),", "Assembly (New Delhi, 2024),");
        assert_eq!(
            d,
            vec![
                Segment::Equal("Assembly ".into()),
                Segment::Delete("(Hammamet, 2016),".into()),
                Segment::Insert("(New Delhi, 2024),".into()),
            ]
        );
    }

    #[test]
    fn words_not_characters() {
        let d = word_diff("use of high-speed traffic", "use of high-speed digital");
        assert!(d.contains(&Segment::Delete("traffic".into())), "{d:?}");
        assert!(d.contains(&Segment::Insert("digital".into())), "{d:?}");
    }

    proptest::proptest! {
        #[test]
        fn any_two_texts_come_back_from_their_diff(
            a in "([a-c]{1,3}[ ,.]{0,2}){0,12}",
            b in "([a-c]{1,3}[ ,.]{0,2}){0,12}",
        ) {
            let d = word_diff(&a, &b);
            proptest::prop_assert_eq!(rebuild(&d, false), a);
            proptest::prop_assert_eq!(rebuild(&d, true), b);
        }
    }

    #[test]
    fn version_keys() {
        for (input, expected) in [
            ("Rev. Hammamet, 2016", Some("hammamet-2016")),
            ("New Delhi, 2024", Some("new-delhi-2024")),
            (
                "Malaga-Torremolinos, 1984",
                Some("malaga-torremolinos-1984"),
            ),
            ("Geneva", None),
            ("Geneva, 20x4", None),
        ] {
            assert_eq!(version_key(input).as_deref(), expected, "{input}");
        }
    }

    #[test]
    fn numbers_and_revisions() {
        let n = DocumentNumber::parse("number", "SG12-C45-R1").unwrap();
        assert_eq!((n.base(), n.revision()), ("SG12-C45", 1));
        let n = DocumentNumber::parse("number", "TSAG-TD281").unwrap();
        assert_eq!((n.base(), n.revision()), ("TSAG-TD281", 0));
        assert!(DocumentNumber::parse("number", "  ").is_err());
        assert!(DocumentNumber::parse("number", "a\nb").is_err());
    }

    #[test]
    fn parts_of_a_resolution() {
        assert_eq!(
            SectionPart::of_heading("considering"),
            SectionPart::Preamble
        );
        assert_eq!(
            SectionPart::of_heading("instructs the Director of the TSB"),
            SectionPart::Operative
        );
        assert_eq!(SectionPart::of_heading("resolves"), SectionPart::Operative);
    }
}
