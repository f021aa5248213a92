//! The text of a part of a proposal as its author marked it: unchanged, inserted and deleted
//! stretches in document order, with the author, date and move flag of each change.
//!
//! The marks are normalised the way the before and after texts are ([`crate::normalize`],
//! item label removed, paragraphs joined by one space): the unchanged and deleted marks
//! concatenated give exactly the before text, the unchanged and inserted marks exactly the
//! after text. White space that normalisation keeps on one side only (the space before a
//! deleted word, say) belongs to the marks of that side. A paragraph mark that the author
//! inserted or deleted is a mark of its own ([`Mark::paragraph`]), its text the space it
//! adds to one side (or empty, when normalisation leaves no space there).
//!
//! Built by walking the pieces of the paragraphs against the normalised before and after
//! texts; where the two cannot be matched (Unicode composition across a change boundary),
//! there are no marks for the part rather than marks that would not add up.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;

use crate::model::{Change, ChangeKind, Paragraph, Revision};
use crate::normalize::normalize_cow;
use crate::proposal::{Part, Versioned, split_label};

/// Whether a stretch of text is unchanged, inserted or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// In the before and the after text.
    Unchanged,
    /// Inserted by the author: only in the after text.
    Inserted,
    /// Deleted by the author: only in the before text.
    Deleted,
}

impl MarkKind {
    /// `unchanged`, `inserted` or `deleted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unchanged => "unchanged",
            Self::Inserted => "inserted",
            Self::Deleted => "deleted",
        }
    }
}

/// One stretch of a part's text with its revision, as the author marked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    /// Unchanged, inserted or deleted.
    pub kind: MarkKind,
    /// The text, normalised as the before and after texts are.
    pub text: String,
    /// Who made the change and when (empty for unchanged text).
    pub change: Change,
    /// Whether the change is a move (`w:moveTo`, `w:moveFrom`).
    pub moved: bool,
    /// Whether the mark is a paragraph mark inserted or deleted (text: one space or empty).
    pub paragraph: bool,
}

/// The marks of one part of a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartMarks {
    /// The part: heading, title, history, preamble or a section by key.
    pub part: Part,
    /// Its text as marked, in document order.
    pub marks: Vec<Mark>,
}

/// The text of the unchanged and deleted marks (`before`) or of the unchanged and inserted
/// marks (`after`).
pub fn side_text(marks: &[Mark], after: bool) -> String {
    let skip = if after {
        MarkKind::Deleted
    } else {
        MarkKind::Inserted
    };
    marks
        .iter()
        .filter(|m| m.kind != skip)
        .map(|m| m.text.as_str())
        .collect()
}

/// Where a character of the as-loaded text belongs.
#[derive(Debug, Clone, Copy)]
struct Slot<'d> {
    kind: MarkKind,
    change: Option<&'d Change>,
    moved: bool,
    paragraph: bool,
}

impl Slot<'_> {
    const UNCHANGED: Slot<'static> = Slot {
        kind: MarkKind::Unchanged,
        change: None,
        moved: false,
        paragraph: false,
    };
}

/// The slot of a revision (`None`: in neither text, inserted then deleted).
fn slot_of<'d>(r: &'d Revision, p: &'d Paragraph, paragraph: bool) -> Option<Slot<'d>> {
    let (kind, change, change_kind) = match r {
        Revision::Unchanged => return Some(Slot::UNCHANGED),
        Revision::InsertedThenDeleted { .. } => return None,
        Revision::Inserted(c) => (MarkKind::Inserted, c, ChangeKind::Insertion),
        Revision::Deleted(c) => (MarkKind::Deleted, c, ChangeKind::Deletion),
    };
    // Pieces carry author and date; the span of the same change tells a move.
    let spans = || {
        p.changes
            .iter()
            .filter(|s| s.kind == change_kind && &s.change == change)
    };
    let moved = !paragraph && spans().any(|s| s.moved) && !spans().any(|s| !s.moved);
    Some(Slot {
        kind,
        change: Some(change),
        moved,
        paragraph,
    })
}

/// A stretch of the as-loaded text with one slot.
struct Seg<'d> {
    text: Cow<'d, str>,
    slot: Slot<'d>,
    /// The changed mark of the last paragraph: no text on either side.
    empty_mark: bool,
}

impl<'d> Seg<'d> {
    fn new(text: Cow<'d, str>, slot: Slot<'d>) -> Self {
        Self {
            text,
            slot,
            empty_mark: false,
        }
    }
}

/// `text` in NFC, borrowed when it already is.
fn nfc(text: &str) -> Cow<'_, str> {
    if text.is_ascii()
        || unicode_normalization::is_nfc_quick(text.chars())
            == unicode_normalization::IsNormalized::Yes
    {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// The as-loaded text of the paragraphs in stretches with their slots: the first paragraph's
/// label (and the white space after it) left out when asked, a paragraph mark between two
/// paragraphs as a space, the last paragraph's mark as an empty mark when changed.
fn tagged<'d>(paras: &[&'d Paragraph], strip_label: bool) -> Vec<Seg<'d>> {
    let mut out = Vec::new();
    for (n, p) in paras.iter().enumerate() {
        let (mut drop_before, mut drop_after) = (0usize, 0usize);
        if strip_label && n == 0 {
            let cut = |text: &str| text.len() - split_label(text).map_or(text, |(_, r)| r).len();
            drop_before = cut(&p.kept_text(Revision::in_before));
            drop_after = cut(&p.kept_text(Revision::in_after));
        }
        for piece in &p.pieces {
            let Some(slot) = slot_of(&piece.revision, p, false) else {
                continue;
            };
            let text = nfc(&piece.text);
            if drop_before == 0 && drop_after == 0 {
                out.push(Seg::new(text, slot));
                continue;
            }
            // The label is a prefix of each side: a character is dropped from the sides it
            // is on while they have label left.
            let (b, a) = match slot.kind {
                MarkKind::Unchanged => (true, true),
                MarkKind::Inserted => (false, true),
                MarkKind::Deleted => (true, false),
            };
            let mut rest_at = text.len();
            for (at, c) in text.char_indices() {
                let len = c.len_utf8();
                let (db, da) = (b && drop_before > 0, a && drop_after > 0);
                if db && (da || !a) || da && !b {
                    if b {
                        drop_before = drop_before.saturating_sub(len);
                    }
                    if a {
                        drop_after = drop_after.saturating_sub(len);
                    }
                } else if db || da {
                    // An unchanged character that is part of the label on one side only is
                    // text of the other side alone.
                    let kind = if db {
                        drop_before = drop_before.saturating_sub(len);
                        MarkKind::Inserted
                    } else {
                        drop_after = drop_after.saturating_sub(len);
                        MarkKind::Deleted
                    };
                    let one = text.get(at..at + len).unwrap_or_default().to_owned();
                    let filler = Slot {
                        kind,
                        ..Slot::UNCHANGED
                    };
                    out.push(Seg::new(Cow::Owned(one), filler));
                } else {
                    rest_at = at;
                    break;
                }
            }
            let rest = match &text {
                Cow::Borrowed(t) => t.get(rest_at..).map(Cow::Borrowed),
                Cow::Owned(t) => t.get(rest_at..).map(|r| Cow::Owned(r.to_owned())),
            };
            if let Some(rest) = rest.filter(|r| !r.is_empty()) {
                out.push(Seg::new(rest, slot));
            }
        }
        let last = n + 1 == paras.len();
        match slot_of(&p.mark, p, true) {
            Some(slot) if slot.kind == MarkKind::Unchanged && !last => {
                out.push(Seg::new(Cow::Borrowed(" "), slot));
            }
            Some(slot) if slot.kind == MarkKind::Unchanged => {}
            Some(slot) if last => out.push(Seg {
                text: Cow::Borrowed(""),
                slot,
                empty_mark: true,
            }),
            Some(slot) => out.push(Seg::new(Cow::Borrowed(" "), slot)),
            None => {}
        }
    }
    out
}

/// Splits text into its stretches of white space (`true`) and of other characters.
fn tokens(text: &str) -> impl Iterator<Item = (bool, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let ws = first.is_whitespace();
        let end = rest
            .char_indices()
            .find(|(_, c)| c.is_whitespace() != ws)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some((ws, token))
    })
}

/// Marks being gathered.
#[derive(Default)]
struct Builder<'d> {
    marks: Vec<(Mark, Option<&'d Change>)>,
}

impl<'d> Builder<'d> {
    /// Appends `text` with `slot`'s revision; a space kept on one side only is a `filler` of
    /// that side, merged with the neighbouring mark of the same kind.
    fn push(&mut self, slot: Slot<'d>, text: &str, filler: bool) {
        let filler = filler || (slot.kind != MarkKind::Unchanged && slot.change.is_none());
        let change = if filler { None } else { slot.change };
        if let Some((last, last_change)) = self.marks.last_mut() {
            let same = last.kind == slot.kind
                && !last.paragraph
                && !slot.paragraph
                && (filler
                    || last_change.is_none()
                    || (*last_change == change && last.moved == slot.moved));
            if same {
                last.text.push_str(text);
                if last_change.is_none() && !filler {
                    *last_change = change;
                    last.moved = slot.moved;
                }
                return;
            }
        }
        self.marks.push((
            Mark {
                kind: slot.kind,
                text: text.to_owned(),
                change: Change::default(),
                moved: slot.moved && !filler,
                paragraph: slot.paragraph,
            },
            change,
        ));
    }

    fn finish(self) -> Vec<Mark> {
        let changes: Vec<(MarkKind, Option<&Change>)> =
            self.marks.iter().map(|(m, c)| (m.kind, *c)).collect();
        self.marks
            .into_iter()
            .enumerate()
            .map(|(i, (mut m, c))| {
                // A filler alone takes the change of the nearest mark of its kind.
                let c = c.or_else(|| {
                    let near = |j: &usize| {
                        changes
                            .get(*j)
                            .filter(|(k, c)| *k == m.kind && c.is_some())
                            .and_then(|(_, c)| *c)
                    };
                    (i + 1..changes.len())
                        .find_map(|j| near(&j))
                        .or_else(|| (0..i).rev().find_map(|j| near(&j)))
                });
                if m.kind != MarkKind::Unchanged {
                    m.change = c.cloned().unwrap_or_default();
                }
                m
            })
            .collect()
    }
}

/// A cursor in a normalised text.
struct Cursor<'t> {
    rest: &'t str,
}

impl Cursor<'_> {
    fn at_space(&self) -> bool {
        self.rest.starts_with(' ')
    }

    fn take(&mut self, s: &str) -> bool {
        match self.rest.strip_prefix(s) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }
}

/// Emits the space a run of white space (of the revisions in `run`) leaves on each side.
fn flush_run<'d>(
    run: &mut Vec<Slot<'d>>,
    before: &mut Cursor<'_>,
    after: &mut Cursor<'_>,
    out: &mut Builder<'d>,
) {
    if run.is_empty() {
        return;
    }
    let find = |kind: MarkKind| {
        // A paragraph mark first: it is the change the author made here.
        run.iter()
            .copied()
            .filter(|s| s.kind == kind)
            .max_by_key(|s| s.paragraph)
    };
    let (need_before, need_after) = (before.at_space(), after.at_space());
    let mut used: Vec<Slot<'_>> = Vec::new();
    let unchanged = find(MarkKind::Unchanged);
    match unchanged {
        Some(u) if need_before && need_after => {
            out.push(u, " ", false);
            before.take(" ");
            after.take(" ");
        }
        _ => {
            if need_after && let Some(s) = find(MarkKind::Inserted) {
                out.push(s, " ", false);
                after.take(" ");
                used.push(s);
            }
            if need_before && let Some(s) = find(MarkKind::Deleted) {
                out.push(s, " ", false);
                before.take(" ");
                used.push(s);
            }
            // Unchanged white space kept on one side only belongs to that side.
            if unchanged.is_some() && need_before && before.at_space() && !need_after {
                let filler = Slot {
                    kind: MarkKind::Deleted,
                    ..Slot::UNCHANGED
                };
                out.push(filler, " ", true);
                before.take(" ");
            }
            if unchanged.is_some() && need_after && after.at_space() && !need_before {
                let filler = Slot {
                    kind: MarkKind::Inserted,
                    ..Slot::UNCHANGED
                };
                out.push(filler, " ", true);
                after.take(" ");
            }
        }
    }
    // Changed paragraph marks that gave no space are still marks.
    for s in run.iter() {
        if s.paragraph
            && s.kind != MarkKind::Unchanged
            && !used.iter().any(|u| u.paragraph && u.kind == s.kind)
        {
            out.push(*s, "", false);
        }
    }
    run.clear();
}

/// The marks of paragraphs whose normalised before and after texts are `target`, or `None`
/// when the pieces cannot be matched to them.
pub(crate) fn marked(
    paras: &[&Paragraph],
    strip_label: bool,
    target: &Versioned<String>,
) -> Option<Vec<Mark>> {
    // Without any change, the text is one unchanged mark (the texts are the same).
    let untouched = paras.iter().all(|p| {
        p.mark == Revision::Unchanged && p.pieces.iter().all(|x| x.revision == Revision::Unchanged)
    });
    if untouched && target.before == target.after {
        let text = target.after.clone();
        return Some(if text.is_empty() {
            Vec::new()
        } else {
            vec![Mark {
                kind: MarkKind::Unchanged,
                text,
                change: Change::default(),
                moved: false,
                paragraph: false,
            }]
        });
    }
    let segs = tagged(paras, strip_label);
    let mut before = Cursor {
        rest: &target.before,
    };
    let mut after = Cursor {
        rest: &target.after,
    };
    let mut out = Builder::default();
    // The revisions of the white space since the last other character: at most one space
    // on each side.
    let mut run: Vec<Slot<'_>> = Vec::new();
    for seg in &segs {
        if seg.empty_mark {
            flush_run(&mut run, &mut before, &mut after, &mut out);
            out.push(seg.slot, "", false);
            continue;
        }
        let text: &str = &seg.text;
        let middle = text.trim();
        if middle.len() < text.len() && text.starts_with(char::is_whitespace) {
            run.push(seg.slot);
        }
        // Text whose white space is single spaces between words is in the normalised texts
        // as it is: one step. Otherwise word by word.
        let regular = !middle.is_empty()
            && middle.is_ascii()
            && matches!(normalize_cow(middle), Cow::Borrowed(_));
        let whole = regular.then_some((false, middle)).into_iter();
        let words = (!regular).then(|| tokens(middle)).into_iter().flatten();
        for (ws, token) in whole.chain(words) {
            if ws {
                run.push(seg.slot);
                continue;
            }
            if !run.is_empty() {
                flush_run(&mut run, &mut before, &mut after, &mut out);
            }
            let ok = match seg.slot.kind {
                MarkKind::Unchanged => before.take(token) && after.take(token),
                MarkKind::Inserted => after.take(token),
                MarkKind::Deleted => before.take(token),
            };
            if !ok {
                return None;
            }
            out.push(seg.slot, token, false);
        }
        if !middle.is_empty() && text.ends_with(char::is_whitespace) {
            run.push(seg.slot);
        }
    }
    flush_run(&mut run, &mut before, &mut after, &mut out);
    (before.rest.is_empty() && after.rest.is_empty()).then(|| out.finish())
}

/// The marks of each part that has them: (part, its paragraphs, whether the first starts
/// with an item label, its before and after texts).
pub(crate) fn of_parts<'d, 't>(
    parts: impl Iterator<Item = (Part, Vec<&'d Paragraph>, bool, &'t Versioned<String>)>,
) -> Vec<PartMarks> {
    parts
        .filter_map(|(part, paras, strip_label, text)| {
            // A label the text does not hold (one Word numbers itself) is not stripped.
            let marks = marked(&paras, strip_label, text)
                .or_else(|| strip_label.then(|| marked(&paras, false, text)).flatten())?;
            Some(PartMarks { part, marks })
        })
        .collect()
}
