//! Word's automatic numbering: the list definitions of `word/numbering.xml`, the numbering
//! paragraph styles carry in `word/styles.xml`, and the label Word prints before each numbered
//! paragraph, counted separately for the before text (changes rejected) and the after text
//! (changes accepted).
//!
//! A paragraph is numbered by its own `w:pPr/w:numPr` (`w:numId`, `w:ilvl`) or by its style's
//! (following `w:basedOn`; a paragraph without `w:pStyle` has the default paragraph style);
//! `w:numId="0"` switches numbering off. `w:num` names a `w:abstractNum` whose `w:lvl`s give
//! `w:start`, `w:numFmt`, `w:lvlText`, `w:lvlRestart` and `w:isLgl`; `w:lvlOverride` replaces
//! a level (`w:lvl`) or restarts it (`w:startOverride`) the first time the `w:num` is used at
//! that level. Counters belong to the abstract list, so two `w:num` of one `w:abstractNum`
//! continue each other; numbering a level restarts the levels below it (unless their
//! `w:lvlRestart` says otherwise, which Word honours and LibreOffice 7.4 does not), and makes
//! a level above that was not used yet count as used at its start, as LibreOffice does. A
//! style's list without a level is at level 0. An undefined list or level numbers nothing.
//!
//! Hostile values are bounded: starts at Word's 32767, levels 0 to 8, level texts at 64
//! characters, letter labels at 8 letters (digits beyond), style and link chains at 32 steps.
//!
//! On each side, paragraphs joined by a paragraph mark missing on that side (an inserted mark
//! before, a deleted mark after) are one paragraph, numbered by the properties of the last of
//! them (the one whose mark remains; before, the style and `w:numPr` it had before a tracked
//! change of its properties, `w:pPrChange`), and its label goes to the first of them that has text on
//! that side. So an item added Word-style (the mark ending the item before it is the inserted
//! one, and the new item's text is inserted) is numbered after the change only, and the items
//! after it are numbered one more after than before.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::docx::{Limits, as_xml_str, attr, limit, xml_error};
use crate::error::{ImportError, LimitKind};
use crate::model::{Document, ListItem, Revision};

/// Word's nine list levels (`w:ilvl` 0 to 8).
const LEVELS: usize = 9;
/// Longest `w:lvlText` kept; Word's own limit is far below.
const MAX_LEVEL_TEXT: usize = 64;
/// Longest chain of styles followed through `w:basedOn` (or of numbering style links).
const MAX_STYLE_CHAIN: usize = 32;
/// Largest start value; Word accepts at most 32767.
const MAX_START: u32 = 32_767;
/// A letter label is at most this many letters (`aaaa`); beyond, it is written in digits.
const MAX_LETTERS: u32 = 8;

/// The number format of a level (`w:numFmt`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumFmt {
    /// `decimal` (and every format not listed here): 1, 2, 3.
    Decimal,
    /// `decimalZero`: 01, 02 … 10.
    DecimalZero,
    /// `lowerLetter`: a … z, aa, bb.
    LowerLetter,
    /// `upperLetter`: A … Z, AA, BB.
    UpperLetter,
    /// `lowerRoman`: i, ii, iii.
    LowerRoman,
    /// `upperRoman`: I, II, III.
    UpperRoman,
    /// `bullet`: no number.
    Bullet,
    /// `none`: no number.
    None,
}

impl NumFmt {
    /// The format named by `w:numFmt/@w:val`.
    pub fn parse(s: &str) -> Self {
        match s {
            "decimalZero" => Self::DecimalZero,
            "lowerLetter" => Self::LowerLetter,
            "upperLetter" => Self::UpperLetter,
            "lowerRoman" => Self::LowerRoman,
            "upperRoman" => Self::UpperRoman,
            "bullet" => Self::Bullet,
            "none" => Self::None,
            _ => Self::Decimal,
        }
    }

    /// `n` written in this format (empty for bullet and none).
    pub fn format(self, n: u32) -> String {
        match self {
            Self::Decimal => n.to_string(),
            Self::DecimalZero => format!("{n:02}"),
            Self::LowerLetter => letters(n, b'a'),
            Self::UpperLetter => letters(n, b'A'),
            Self::LowerRoman => roman(n).to_lowercase(),
            Self::UpperRoman => roman(n),
            Self::Bullet | Self::None => String::new(),
        }
    }
}

/// a … z, then aa … zz, aaa …; digits when that would take more than [`MAX_LETTERS`] letters.
fn letters(n: u32, first: u8) -> String {
    if n == 0 {
        return "0".into();
    }
    let repeat = (n - 1) / 26 + 1;
    if repeat > MAX_LETTERS {
        return n.to_string();
    }
    // (n - 1) % 26 < 26, so the letter is in range.
    let letter = char::from(first + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, repeat as usize).collect()
}

/// Upper-case Roman numerals for 1 to 3999, digits otherwise.
fn roman(n: u32) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    let mut rest = n;
    for (value, digits) in TABLE {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// One level of a list (`w:lvl`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// `w:start` (Word's default 0 when absent).
    pub start: u32,
    /// `w:numFmt`.
    pub fmt: NumFmt,
    /// `w:lvlText`: `%1.`, `%1)`, `(%2)` … (`None`: no label).
    pub text: Option<String>,
    /// `w:lvlRestart`: restarted after a level above `restart` (0: never); `None`: after any
    /// level above.
    pub restart: Option<u8>,
    /// `w:isLgl`: every number of the label in decimal.
    pub legal: bool,
}

impl Default for Level {
    fn default() -> Self {
        Self {
            start: 0,
            fmt: NumFmt::Decimal,
            text: None,
            restart: None,
            legal: false,
        }
    }
}

/// The label of a paragraph at level `level` whose levels count `counters` (a level not
/// counted yet shows its start), or `None` for a bullet, `none`, or an empty text.
pub fn format_label(
    levels: &[Option<Level>],
    level: usize,
    counters: &[Option<u32>],
) -> Option<String> {
    let this = levels.get(level)?.as_ref()?;
    if matches!(this.fmt, NumFmt::Bullet | NumFmt::None) {
        return None;
    }
    let text = this.text.as_deref()?;
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let digit = chars.peek().and_then(|d| d.to_digit(10));
        match (c, digit) {
            ('%', Some(d @ 1..=9)) => {
                chars.next();
                let at = (d - 1) as usize;
                let lvl = levels.get(at).and_then(Option::as_ref);
                let value = counters
                    .get(at)
                    .copied()
                    .flatten()
                    .or(lvl.map(|l| l.start))
                    .unwrap_or(1);
                let fmt = match lvl {
                    _ if this.legal => NumFmt::Decimal,
                    Some(l) if !matches!(l.fmt, NumFmt::Bullet | NumFmt::None) => l.fmt,
                    Some(_) => continue,
                    None => NumFmt::Decimal,
                };
                out.push_str(&fmt.format(value));
            }
            _ => out.push(c),
        }
    }
    let label = out.trim();
    (!label.is_empty()).then(|| label.to_owned())
}

#[derive(Debug, Default)]
struct Abstract {
    levels: Vec<Option<Level>>,
    /// `w:numStyleLink`: the levels are those of the list of this numbering style.
    style_link: Option<String>,
}

#[derive(Debug)]
struct Num {
    abstract_id: u32,
    /// Per level: a replacing `w:lvl` and a `w:startOverride`.
    overrides: Vec<(usize, Option<Level>, Option<u32>)>,
}

#[derive(Debug, Default)]
struct Style {
    num_id: Option<u32>,
    level: Option<u8>,
    based_on: Option<String>,
}

/// The list definitions of a document and the numbering of its paragraph styles.
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    abstracts: HashMap<u32, Abstract>,
    nums: HashMap<u32, Num>,
    styles: HashMap<String, Style>,
    default_style: Option<String>,
}

/// A paragraph's own `w:numPr`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NumPr {
    pub num_id: Option<u32>,
    pub level: Option<u8>,
}

/// A paragraph's own numbering properties: as they are, and as they were before a tracked
/// change of its properties (`w:pPrChange/w:pPr`: its style and `w:numPr`), which the before
/// text uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct OwnNumbering {
    pub now: NumPr,
    pub before: Option<(Option<String>, NumPr)>,
}

/// `w:val` as a number, or `None` when absent or not a number.
fn val_u32(e: &BytesStart<'_>) -> Option<u32> {
    attr(e, "val").and_then(|v| v.trim().parse().ok())
}

fn val_level(e: &BytesStart<'_>) -> Option<u8> {
    val_u32(e)
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| usize::from(*v) < LEVELS)
}

/// Counts definitions against [`Limits::max_list_definitions`].
struct Budget {
    left: usize,
    max: usize,
}

impl Budget {
    fn take(&mut self) -> Result<(), ImportError> {
        match self.left.checked_sub(1) {
            Some(left) => {
                self.left = left;
                Ok(())
            }
            None => Err(limit(LimitKind::ListDefinitions, self.max as u64)),
        }
    }
}

/// An element met while walking an XML part.
enum Tag<'a, 'e> {
    /// A start (or empty) element.
    Open(&'a BytesStart<'e>),
    /// The end of an element (also sent after an empty one), by local name.
    Close(&'a str),
}

/// Walks an XML part, calling `f` with each element opened or closed and the local names of
/// the elements open around it (innermost last).
fn walk(
    xml: &[u8],
    part: &str,
    limits: &Limits,
    mut f: impl FnMut(Tag<'_, '_>, &[String]) -> Result<(), ImportError>,
) -> Result<(), ImportError> {
    let s = as_xml_str(xml, part)?;
    let mut reader = Reader::from_str(s);
    let mut open: Vec<String> = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| xml_error(part, reader.error_position(), e.to_string()))?;
        match event {
            Event::Start(e) => {
                if open.len() >= limits.max_xml_depth {
                    return Err(limit(LimitKind::XmlDepth, limits.max_xml_depth as u64));
                }
                f(Tag::Open(&e), &open)?;
                open.push(e.local_name().as_ref().to_owned());
            }
            Event::Empty(e) => {
                f(Tag::Open(&e), &open)?;
                let name = e.local_name().as_ref().to_owned();
                f(Tag::Close(&name), &open)?;
            }
            Event::End(_) => {
                let Some(name) = open.pop() else {
                    return Err(xml_error(
                        part,
                        reader.buffer_position(),
                        "end tag without start tag",
                    ));
                };
                f(Tag::Close(&name), &open)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !open.is_empty() {
        return Err(xml_error(
            part,
            s.len() as u64,
            format!(
                "unexpected end of document: {} element(s) not closed",
                open.len()
            ),
        ));
    }
    Ok(())
}

/// Whether the innermost open elements are `path`, outermost first.
fn within(open: &[String], path: &[&str]) -> bool {
    open.len() >= path.len()
        && open
            .iter()
            .rev()
            .zip(path.iter().rev())
            .all(|(o, p)| o == p)
}

/// Reads one `w:lvl` child element into `level`.
fn read_level_child(level: &mut Level, e: &BytesStart<'_>) {
    match e.local_name().as_ref() {
        "start" => level.start = val_u32(e).unwrap_or(0).min(MAX_START),
        "numFmt" => level.fmt = attr(e, "val").map_or(NumFmt::Decimal, |v| NumFmt::parse(&v)),
        "lvlText" => {
            level.text = attr(e, "val").filter(|t| t.chars().count() <= MAX_LEVEL_TEXT);
        }
        "lvlRestart" => level.restart = val_u32(e).map(|v| v.min(LEVELS as u32) as u8),
        "isLgl" => {
            level.legal =
                attr(e, "val").is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"))
        }
        _ => {}
    }
}

impl Definitions {
    /// Reads `word/numbering.xml` (its `w:abstractNum` and `w:num`).
    pub(crate) fn read_numbering(
        &mut self,
        xml: &[u8],
        part: &str,
        limits: &Limits,
    ) -> Result<(), ImportError> {
        let mut budget = Budget {
            left: limits.max_list_definitions,
            max: limits.max_list_definitions,
        };
        let mut abstract_at: Option<(u32, Abstract)> = None;
        let mut num_at: Option<(u32, Num)> = None;
        let mut level_at: Option<(usize, Level)> = None;
        let mut override_at: Option<(usize, Option<Level>, Option<u32>)> = None;
        let mut abstracts: Vec<(u32, Abstract)> = Vec::new();
        let mut nums: Vec<(u32, Num)> = Vec::new();
        walk(xml, part, limits, |tag, open| {
            match tag {
                Tag::Open(e) => match e.local_name().as_ref() {
                    "abstractNum" if within(open, &["numbering"]) => {
                        budget.take()?;
                        let id = attr(e, "abstractNumId").and_then(|v| v.trim().parse().ok());
                        abstract_at = id.map(|id| (id, Abstract::default()));
                    }
                    "num" if within(open, &["numbering"]) => {
                        budget.take()?;
                        let id = attr(e, "numId").and_then(|v| v.trim().parse().ok());
                        // A w:num without w:abstractNumId names no list.
                        num_at = id.map(|id| {
                            let num = Num {
                                abstract_id: u32::MAX,
                                overrides: Vec::new(),
                            };
                            (id, num)
                        });
                    }
                    "numStyleLink" if within(open, &["abstractNum"]) => {
                        if let Some((_, a)) = &mut abstract_at {
                            a.style_link = attr(e, "val");
                        }
                    }
                    "abstractNumId" if within(open, &["num"]) => {
                        if let Some((_, n)) = &mut num_at {
                            n.abstract_id = val_u32(e).unwrap_or(u32::MAX);
                        }
                    }
                    "lvlOverride" if within(open, &["num"]) => {
                        override_at = attr(e, "ilvl")
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .filter(|l| *l < LEVELS)
                            .map(|l| (l, None, None));
                    }
                    "startOverride" if within(open, &["lvlOverride"]) => {
                        if let Some((_, _, start)) = &mut override_at {
                            *start = Some(val_u32(e).unwrap_or(0).min(MAX_START));
                        }
                    }
                    "lvl" if within(open, &["abstractNum"]) || within(open, &["lvlOverride"]) => {
                        let at = attr(e, "ilvl")
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .filter(|l| *l < LEVELS);
                        level_at = at.map(|l| (l, Level::default()));
                    }
                    _ if within(open, &["lvl"]) => {
                        if let Some((_, level)) = &mut level_at {
                            read_level_child(level, e);
                        }
                    }
                    _ => {}
                },
                Tag::Close("lvl") => {
                    if let Some((at, level)) = level_at.take() {
                        if within(open, &["lvlOverride"]) {
                            if let Some((_, lvl, _)) = &mut override_at {
                                *lvl = Some(level);
                            }
                        } else if let Some((_, a)) = &mut abstract_at {
                            if a.levels.len() <= at {
                                a.levels.resize(at + 1, None);
                            }
                            if let Some(slot) = a.levels.get_mut(at) {
                                *slot = Some(level);
                            }
                        }
                    }
                }
                Tag::Close("lvlOverride") => {
                    // One override per level (the first), so at most nine per list.
                    if let (Some(o), Some((_, n))) = (override_at.take(), &mut num_at)
                        && !n.overrides.iter().any(|(at, _, _)| *at == o.0)
                    {
                        n.overrides.push(o);
                    }
                }
                Tag::Close("abstractNum") if within(open, &["numbering"]) => {
                    abstracts.extend(abstract_at.take());
                }
                Tag::Close("num") if within(open, &["numbering"]) => nums.extend(num_at.take()),
                Tag::Close(_) => {}
            }
            Ok(())
        })?;
        // The first definition of an id counts, as the first of an attribute does elsewhere.
        for (id, a) in abstracts {
            self.abstracts.entry(id).or_insert(a);
        }
        for (id, n) in nums {
            self.nums.entry(id).or_insert(n);
        }
        Ok(())
    }

    /// Reads the numbering of the paragraph and numbering styles of `word/styles.xml`.
    pub(crate) fn read_styles(
        &mut self,
        xml: &[u8],
        part: &str,
        limits: &Limits,
    ) -> Result<(), ImportError> {
        let mut budget = Budget {
            left: limits.max_list_definitions,
            max: limits.max_list_definitions,
        };
        // The style being read: its id, numbering, and whether it is the default paragraph style.
        let mut style_at: Option<(String, Style, bool)> = None;
        let mut styles: Vec<(String, Style, bool)> = Vec::new();
        walk(xml, part, limits, |tag, open| {
            match tag {
                Tag::Open(e) => match e.local_name().as_ref() {
                    "style" if within(open, &["styles"]) => {
                        budget.take()?;
                        let kind = attr(e, "type");
                        let paragraph = matches!(kind.as_deref(), None | Some("paragraph"));
                        let wanted = paragraph || kind.as_deref() == Some("numbering");
                        let default = paragraph
                            && attr(e, "default")
                                .is_some_and(|v| matches!(v.as_str(), "1" | "true" | "on"));
                        style_at = attr(e, "styleId")
                            .filter(|_| wanted)
                            .map(|id| (id, Style::default(), default));
                    }
                    "basedOn" if within(open, &["styles", "style"]) => {
                        if let Some((_, s, _)) = &mut style_at {
                            s.based_on = attr(e, "val");
                        }
                    }
                    "numId" if within(open, &["style", "pPr", "numPr"]) => {
                        if let Some((_, s, _)) = &mut style_at {
                            s.num_id = val_u32(e);
                        }
                    }
                    "ilvl" if within(open, &["style", "pPr", "numPr"]) => {
                        if let Some((_, s, _)) = &mut style_at {
                            s.level = val_level(e);
                        }
                    }
                    _ => {}
                },
                Tag::Close("style") if within(open, &["styles"]) => {
                    styles.extend(style_at.take());
                }
                Tag::Close(_) => {}
            }
            Ok(())
        })?;
        for (id, style, default) in styles {
            if default && self.default_style.is_none() {
                self.default_style = Some(id.clone());
            }
            self.styles.entry(id).or_insert(style);
        }
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.nums.is_empty()
    }

    /// The list and level numbering a paragraph with this style and these own properties
    /// (whether the list defines that level is checked by [`Lists::level`]).
    fn resolve(&self, style: Option<&str>, own: NumPr) -> Option<(u32, usize)> {
        let style = style.or(self.default_style.as_deref());
        let (num_id, level) = match own.num_id {
            Some(id) => (id, own.level.or_else(|| self.style_level(style))),
            None => {
                // A style's list without a level is at level 0, as in LibreOffice (the level a
                // list binds to the style with `w:lvl/w:pStyle` is not looked up).
                let id = self.style_num(style)?;
                (id, own.level.or_else(|| self.style_level(style)))
            }
        };
        if num_id == 0 {
            return None;
        }
        Some((num_id, usize::from(level.unwrap_or(0))))
    }

    /// The styles from `style` up its `w:basedOn` chain.
    fn style_chain<'a>(
        &'a self,
        style: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a str, &'a Style)> {
        let mut next = style;
        std::iter::from_fn(move || {
            let id = next?;
            let s = self.styles.get(id)?;
            next = s.based_on.as_deref();
            Some((id, s))
        })
        .take(MAX_STYLE_CHAIN)
    }

    /// The `w:numId` of a style (or of the nearest style it is based on).
    fn style_num(&self, style: Option<&str>) -> Option<u32> {
        self.style_chain(style).find_map(|(_, s)| s.num_id)
    }

    fn style_level(&self, style: Option<&str>) -> Option<u8> {
        self.style_chain(style).find_map(|(_, s)| s.level)
    }

    /// The abstract list of `num_id`, following a numbering style link, and its id.
    fn abstract_of(&self, num_id: u32) -> Option<(u32, &Abstract)> {
        let mut id = self.nums.get(&num_id)?.abstract_id;
        for _ in 0..MAX_STYLE_CHAIN {
            let a = self.abstracts.get(&id)?;
            let Some(link) = a.style_link.as_deref() else {
                return Some((id, a));
            };
            let linked = self.style_num(Some(link))?;
            id = self.nums.get(&linked)?.abstract_id;
        }
        None
    }

    /// The levels of `num_id`: its abstract list's, with the levels it overrides replaced.
    fn levels(&self, num_id: u32) -> Option<Vec<Option<Level>>> {
        let (_, a) = self.abstract_of(num_id)?;
        let mut levels = a.levels.clone();
        for (at, level, _) in &self.nums.get(&num_id)?.overrides {
            if let Some(level) = level {
                if levels.len() <= *at {
                    levels.resize(at + 1, None);
                }
                if let Some(slot) = levels.get_mut(*at) {
                    *slot = Some(level.clone());
                }
            }
        }
        Some(levels)
    }

    fn start_override(&self, num_id: u32, level: usize) -> Option<u32> {
        self.nums
            .get(&num_id)?
            .overrides
            .iter()
            .find(|(at, _, _)| *at == level)
            .and_then(|(_, _, start)| *start)
    }
}

/// A list as used: its abstract list and its levels, overrides applied.
struct List {
    abstract_id: u32,
    levels: Vec<Option<Level>>,
}

/// The lists of a document, each worked out once, when first used.
struct Lists<'d> {
    defs: &'d Definitions,
    known: HashMap<u32, Option<Rc<List>>>,
}

impl Lists<'_> {
    fn get(&mut self, num_id: u32) -> Option<Rc<List>> {
        let defs = self.defs;
        self.known
            .entry(num_id)
            .or_insert_with(|| {
                let (abstract_id, _) = defs.abstract_of(num_id)?;
                let levels = defs.levels(num_id)?;
                Some(Rc::new(List {
                    abstract_id,
                    levels,
                }))
            })
            .clone()
    }

    /// `(num_id, level)` if the list defines the level, else `None`.
    fn level(&mut self, numbered: Option<(u32, usize)>) -> Option<(u32, usize)> {
        let (num_id, level) = numbered?;
        let list = self.get(num_id)?;
        list.levels.get(level)?.as_ref()?;
        Some((num_id, level))
    }
}

/// The counters of one side of the document.
#[derive(Default)]
struct Counters {
    /// Per abstract list, the value of each level (`None`: not counted since its restart).
    lists: HashMap<u32, [Option<u32>; LEVELS]>,
    /// The (`w:num`, level) pairs whose start override has been applied.
    overridden: HashSet<(u32, usize)>,
}

impl Counters {
    /// Counts a paragraph of list `num_id` at `level` and gives its label.
    fn next(
        &mut self,
        defs: &Definitions,
        list: &List,
        num_id: u32,
        level: usize,
    ) -> Option<String> {
        let levels = &list.levels;
        let this = levels.get(level)?.as_ref()?;
        let counters = self.lists.entry(list.abstract_id).or_default();
        let start = match defs.start_override(num_id, level) {
            Some(start) if self.overridden.insert((num_id, level)) => Some(start),
            _ => None,
        };
        let value = match (start, counters.get(level).copied().flatten()) {
            (Some(start), _) => start,
            (None, Some(n)) => n.saturating_add(1),
            (None, None) => this.start,
        };
        if let Some(slot) = counters.get_mut(level) {
            *slot = Some(value);
        }
        // A level above not counted yet shows its start, and counts as used (LibreOffice's
        // rule): its next item is the one after.
        for (above, slot) in counters.iter_mut().enumerate().take(level) {
            if slot.is_none() {
                *slot = levels.get(above).and_then(Option::as_ref).map(|l| l.start);
            }
        }
        // Levels below restart, unless their w:lvlRestart says otherwise.
        for (deeper, slot) in counters.iter_mut().enumerate().skip(level + 1) {
            let restart = levels
                .get(deeper)
                .and_then(Option::as_ref)
                .and_then(|l| l.restart);
            let restarts = match restart {
                None => true,
                Some(0) => false,
                Some(after) => level < usize::from(after),
            };
            if restarts {
                *slot = None;
            }
        }
        format_label(levels, level, counters)
    }
}

/// Numbers the paragraphs of `doc`: `own[i]` is paragraph i's own numbering properties.
pub(crate) fn number(doc: &mut Document, own: &[OwnNumbering], defs: &Definitions) {
    if defs.is_empty() {
        return;
    }
    let mut lists = Lists {
        defs,
        known: HashMap::new(),
    };
    let none = OwnNumbering::default();
    let own = |i: usize| own.get(i).unwrap_or(&none);
    let resolved_after: Vec<Option<(u32, usize)>> = doc
        .paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| lists.level(defs.resolve(p.style.as_deref(), own(i).now)))
        .collect();
    let resolved_before: Vec<Option<(u32, usize)>> = resolved_after
        .iter()
        .enumerate()
        .map(|(i, now)| match &own(i).before {
            Some((style, num_pr)) => lists.level(defs.resolve(style.as_deref(), *num_pr)),
            None => *now,
        })
        .collect();
    for (i, p) in doc.paragraphs.iter_mut().enumerate() {
        let side = |r: &[Option<(u32, usize)>]| r.get(i).copied().flatten();
        let numbered = side(&resolved_after).or_else(|| side(&resolved_before));
        p.list = numbered.map(|(num_id, level)| ListItem {
            num_id,
            level: level as u8,
            before: None,
            after: None,
        });
    }
    for after in [false, true] {
        let resolved = if after {
            &resolved_after
        } else {
            &resolved_before
        };
        let keep = if after {
            Revision::in_after
        } else {
            Revision::in_before
        };
        let mut counters = Counters::default();
        let mut group_start = 0;
        let count = doc.paragraphs.len();
        for end in 0..count {
            let Some(last) = doc.paragraphs.get(end) else {
                break;
            };
            if !keep(&last.mark) && end + 1 < count {
                continue;
            }
            let group = group_start..end + 1;
            group_start = end + 1;
            let Some(Some((num_id, level))) = resolved.get(end).copied() else {
                continue;
            };
            let Some(list) = lists.get(num_id) else {
                continue;
            };
            let label = counters.next(defs, &list, num_id, level);
            let target = group
                .clone()
                .find(|&i| {
                    doc.paragraphs
                        .get(i)
                        .is_some_and(|p| !p.kept_text(keep).trim().is_empty())
                })
                .unwrap_or(end);
            let Some(p) = doc.paragraphs.get_mut(target) else {
                continue;
            };
            let item = p.list.get_or_insert(ListItem {
                num_id,
                level: level as u8,
                before: None,
                after: None,
            });
            if after {
                item.after = label;
            } else {
                item.before = label;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(start: u32, fmt: &str, text: &str) -> Option<Level> {
        Some(Level {
            start,
            fmt: NumFmt::parse(fmt),
            text: Some(text.to_owned()),
            ..Level::default()
        })
    }

    #[test]
    fn labels() {
        fn check(input: (&str, &str, u32), expected: Option<&str>) {
            let (fmt, text, n) = input;
            let levels = [level(1, fmt, text)];
            let got = format_label(&levels, 0, &[Some(n)]);
            assert_eq!(got.as_deref(), expected, "input: {input:?}");
        }
        check(("decimal", "%1.", 1), Some("1."));
        check(("decimal", "%1", 12), Some("12"));
        check(("decimal", "(%1)", 3), Some("(3)"));
        check(("lowerLetter", "%1)", 1), Some("a)"));
        check(("lowerLetter", "%1)", 2), Some("b)"));
        check(("lowerLetter", "%1)", 26), Some("z)"));
        check(("lowerLetter", "%1)", 27), Some("aa)"));
        check(("lowerLetter", "%1)", 54), Some("bbb)"));
        check(("upperLetter", "%1.", 3), Some("C."));
        check(("lowerRoman", "%1)", 4), Some("iv)"));
        check(("lowerRoman", "(%1)", 9), Some("(ix)"));
        check(("upperRoman", "%1.", 14), Some("XIV."));
        check(("upperRoman", "%1.", 1994), Some("MCMXCIV."));
        check(("upperRoman", "%1.", 4000), Some("4000."));
        check(("decimalZero", "%1.", 7), Some("07."));
        check(("decimalZero", "%1.", 10), Some("10."));
        check(("ordinal", "%1", 2), Some("2"));
        check(("bullet", "\u{2022}", 1), None);
        check(("none", "%1.", 1), None);
        check(("decimal", "", 1), None);
        check(("decimal", "  ", 1), None);
        check(("decimal", "Article %1", 5), Some("Article 5"));
        check(("decimal", "%1%", 5), Some("5%"));
        check(("decimal", "%0.", 5), Some("%0."));
        check(("lowerLetter", "%1)", 0), Some("0)"));
        check(("lowerLetter", "%1)", 26 * 8), Some("zzzzzzzz)"));
        check(("lowerLetter", "%1)", 26 * 8 + 1), Some("209)"));
    }

    #[test]
    fn multi_level_labels() {
        fn check(
            levels: &[Option<Level>],
            at: usize,
            counters: &[Option<u32>],
            expected: Option<&str>,
        ) {
            let got = format_label(levels, at, counters);
            assert_eq!(
                got.as_deref(),
                expected,
                "level {at}, counters {counters:?}"
            );
        }
        let levels = [
            level(1, "decimal", "%1."),
            level(1, "lowerLetter", "%1.%2)"),
            level(5, "lowerRoman", "(%3)"),
        ];
        check(&levels, 1, &[Some(2), Some(3)], Some("2.c)"));
        // A level not counted yet shows its start.
        check(&levels, 1, &[None, Some(1)], Some("1.a)"));
        check(&levels, 2, &[Some(1), None, Some(6)], Some("(vi)"));
        check(&levels, 0, &[Some(4)], Some("4."));
        // A placeholder for a level that is not defined counts from 1, in decimal.
        check(
            &[level(1, "upperLetter", "%1.%2")],
            0,
            &[Some(4)],
            Some("D.1"),
        );
        let legal = [
            level(1, "upperRoman", "%1."),
            Some(Level {
                legal: true,
                ..level(1, "lowerLetter", "%1.%2").unwrap()
            }),
        ];
        check(&legal, 1, &[Some(2), Some(3)], Some("2.3"));
        check(&legal, 0, &[Some(2)], Some("II."));
        // Level 3 undefined, level 9 out of range.
        check(&levels, 3, &[Some(1)], None);
        check(&levels, 9, &[Some(1)], None);
    }
}
