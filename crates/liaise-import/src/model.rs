//! The document model shared by both readers: paragraphs made of text pieces, each with its
//! revision state, plus the tracked-change spans and the table structure.

use std::borrow::Cow;
use std::ops::Range;

/// Which reader produced a [`Document`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// WordprocessingML with tracked changes: before and after texts are exact.
    Docx,
    /// Plain text: deleted and inserted text run together, so only the "as loaded" text is
    /// known (see [`crate::text`]).
    Text,
}

/// Who made a tracked change, and when (as written in the file, normally ISO 8601 UTC).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Change {
    /// `w:author`, if present.
    pub author: Option<String>,
    /// `w:date`, if present, verbatim (e.g. `2024-06-14T09:21:00Z`).
    pub date: Option<String>,
}

/// The revision state of a piece of text (or of a paragraph mark).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub enum Revision {
    /// Present before and after.
    #[default]
    Unchanged,
    /// Present only after the change (`w:ins`, `w:moveTo`).
    Inserted(Change),
    /// Present only before the change (`w:del`, `w:moveFrom`).
    Deleted(Change),
    /// Inserted by one revision and deleted by another (nested `w:ins`/`w:del`): present in
    /// neither the before nor the after text, only in the "as loaded" text.
    InsertedThenDeleted {
        /// The insertion.
        inserted: Change,
        /// The deletion.
        deleted: Change,
    },
}

impl Revision {
    /// Whether the text is part of the "before" text (all changes rejected).
    pub fn in_before(&self) -> bool {
        matches!(self, Self::Unchanged | Self::Deleted(_))
    }

    /// Whether the text is part of the "after" text (all changes accepted).
    pub fn in_after(&self) -> bool {
        matches!(self, Self::Unchanged | Self::Inserted(_))
    }
}

/// A run of text with one revision state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// The text: `w:tab` is `'\t'`, `w:br`/`w:cr` are `'\n'`, `w:noBreakHyphen` is `'-'`.
    pub text: String,
    /// Its revision state.
    pub revision: Revision,
}

/// Insertion or deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// `w:ins` or `w:moveTo`.
    Insertion,
    /// `w:del` or `w:moveFrom`.
    Deletion,
}

/// One tracked-change element (`w:ins`, `w:del`, `w:moveTo`, `w:moveFrom`) within one paragraph,
/// with all the text inside it (nested changes included), in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSpan {
    /// Insertion or deletion.
    pub kind: ChangeKind,
    /// Whether the element was a move (`w:moveFrom`/`w:moveTo`).
    pub moved: bool,
    /// Author and date.
    pub change: Change,
    /// The text inside the element (as loaded: text of nested changes included).
    pub text: String,
}

/// Where a paragraph sits in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CellPosition {
    /// Index into [`Document::tables`].
    pub table: usize,
    /// Row index within the table.
    pub row: usize,
    /// Cell index within the row.
    pub column: usize,
}

/// A paragraph (`w:p`, or one line of plain text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paragraph {
    /// The paragraph style id (`w:pStyle`), e.g. `Call` or `ResNo`.
    pub style: Option<String>,
    /// The text pieces in order; adjacent pieces have different revision states.
    pub pieces: Vec<Piece>,
    /// Revision of the paragraph mark: a deleted mark joins this paragraph to the next one in
    /// the after text, an inserted mark joins it to the next one in the before text.
    pub mark: Revision,
    /// Tracked-change spans in document order.
    pub changes: Vec<ChangeSpan>,
    /// The innermost table cell holding the paragraph, if any.
    pub cell: Option<CellPosition>,
    /// Word's automatic numbering of the paragraph, if any (see [`ListItem`]).
    pub list: Option<ListItem>,
}

/// A paragraph numbered by Word (`w:numPr`, its own or its style's), and the label Word prints
/// for it on each side. The label is not part of the paragraph's text.
///
/// A side's label is `None` where the paragraph is joined into another on that side (its text
/// then belongs to the label of the paragraph it joins), where it has no text on that side and
/// another paragraph of its group carries the label, or where the level prints no number
/// (`bullet`, `none`, an empty `w:lvlText`). A paragraph that is not numbered itself can get a
/// label when it starts a numbered paragraph of one side (its mark is missing on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListItem {
    /// The list, `w:numId`.
    pub num_id: u32,
    /// The level, `w:ilvl` (0 to 8).
    pub level: u8,
    /// The label with every change rejected, e.g. `2.` or `b)`.
    pub before: Option<String>,
    /// The label with every change accepted.
    pub after: Option<String>,
}

impl Paragraph {
    /// Paragraph with one unchanged piece (used by the text reader).
    pub(crate) fn plain(text: &str) -> Self {
        let mut p = Self::default();
        if !text.is_empty() {
            p.pieces.push(Piece {
                text: text.to_owned(),
                revision: Revision::Unchanged,
            });
        }
        p
    }

    fn collect(&self, keep: impl Fn(&Revision) -> bool) -> String {
        let mut out = String::new();
        self.collect_into(&mut out, keep);
        out
    }

    /// The text of the pieces kept, borrowed when it is one piece's text.
    pub(crate) fn kept_text(&self, keep: impl Fn(&Revision) -> bool) -> Cow<'_, str> {
        let mut kept = self.pieces.iter().filter(|p| keep(&p.revision));
        match (kept.next(), kept.next()) {
            (None, _) => Cow::Borrowed(""),
            (Some(only), None) => Cow::Borrowed(&only.text),
            _ => Cow::Owned(self.collect(keep)),
        }
    }

    /// Appends the text of the pieces kept to `out`.
    fn collect_into(&self, out: &mut String, keep: impl Fn(&Revision) -> bool) {
        let kept = || self.pieces.iter().filter(|p| keep(&p.revision));
        out.reserve(kept().map(|p| p.text.len()).sum());
        for p in kept() {
            out.push_str(&p.text);
        }
    }

    /// The text with every change rejected.
    pub fn before_text(&self) -> String {
        self.collect(Revision::in_before)
    }

    /// The text with every change accepted.
    pub fn after_text(&self) -> String {
        self.collect(Revision::in_after)
    }

    /// The text as loaded: deleted and inserted text both present.
    pub fn as_loaded_text(&self) -> String {
        self.collect(|_| true)
    }
}

/// A cell of a table: the paragraphs it holds, as a range of indices into
/// [`Document::paragraphs`] (nested tables' paragraphs included).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableCell {
    /// Paragraph indices.
    pub paragraphs: Range<usize>,
}

/// A table row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableRow {
    /// The cells, left to right.
    pub cells: Vec<TableCell>,
}

/// A table (`w:tbl`). Its paragraphs are also in [`Document::paragraphs`], in reading order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// The rows, top to bottom.
    pub rows: Vec<TableRow>,
}

/// A document as read by [`crate::docx::read`] or [`crate::text::read`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Which reader produced it.
    pub format: SourceFormat,
    /// All paragraphs in reading order; table cells are flattened in place.
    pub paragraphs: Vec<Paragraph>,
    /// Tables in the order their start appears.
    pub tables: Vec<Table>,
}

impl Document {
    /// The before paragraphs (all changes rejected), with paragraphs whose mark was inserted
    /// merged into the next one.
    pub fn before_paragraphs(&self) -> Vec<String> {
        self.merged(Revision::in_before)
    }

    /// The after paragraphs (all changes accepted), with paragraphs whose mark was deleted
    /// merged into the next one.
    pub fn after_paragraphs(&self) -> Vec<String> {
        self.merged(Revision::in_after)
    }

    /// Paragraphs' texts of the pieces whose revision is kept, a paragraph whose mark is not
    /// kept merged into the next one.
    fn merged(&self, keep: impl Fn(&Revision) -> bool) -> Vec<String> {
        let mut out = Vec::new();
        let mut pending = String::new();
        for p in &self.paragraphs {
            p.collect_into(&mut pending, &keep);
            if keep(&p.mark) {
                out.push(std::mem::take(&mut pending));
            }
        }
        if !pending.is_empty() {
            out.push(pending);
        }
        out
    }

    /// Every tracked-change span of the document in order.
    pub fn change_spans(&self) -> impl Iterator<Item = &ChangeSpan> {
        self.paragraphs.iter().flat_map(|p| p.changes.iter())
    }
}
