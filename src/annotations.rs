//! Highlights and their notes: a passage of the article the reader marked,
//! kept so that it is found again after the article was edited, and
//! merged across processes without losing a word.
//!
//! A highlight is anchored twice: its two ends are `Anchor`s, and the whole
//! passage is kept as the reader saw it (the text the layout draws, without
//! markup or link targets). In an edited article it is found again by that
//! text, exactly, then approximately within a bound of edits; one that
//! cannot be found is kept and reported as not found, never dropped.
//! Deleting leaves the highlight in the record as a tombstone, so that an
//! older copy (another process, a sync tool) cannot bring it back. No
//! terminal and no files here: the store saves these, the shells show them.

use std::cell::{OnceCell, RefCell};
use std::ops::Range;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::position::{Anchor, PlainText, Position, floor_boundary, scale};

/// The colours a highlight can have besides the default (0).
pub const COLORS: u8 = 4;

/// What the list and the exports say of a highlight whose passage is not
/// in the article any more.
pub const NOT_FOUND: &str = "not found in this version";

/// Characters beyond half a passage's length that its start may be from
/// where the text around it says it starts, when found approximately.
const QUOTE_REACH: usize = 16;

/// Passages shorter than this are only found exactly: a few edits turn
/// any short word into another.
const MIN_FUZZY_CHARS: usize = 12;

/// At most one edit in this many characters of a passage for it to be
/// found approximately.
const CHARS_PER_EDIT: usize = 4;

/// Longer passages are found approximately by a head and a tail of this
/// many characters each, so that the search stays cheap.
const FUZZY_PIECE: usize = 160;

/// The most cells of the edit-distance table one approximate search fills
/// (characters of the passage times characters searched): the bound on
/// its cost, whatever the length of the article. A piece of
/// `FUZZY_PIECE` characters is searched for within about 6,500
/// characters on either side of where it should be.
const FUZZY_CELLS: usize = 2 << 20;

/// Source bytes on either side of where a passage should be that are
/// searched for its text, the nearer first, before the whole article is:
/// an edit moves most passages by little.
const NEAR_BYTES: [usize; 2] = [4 * 1024, 64 * 1024];

/// The name of colour `color` as a word, for tags in exports: the colours
/// of the slots `highlight1`..`highlight4` by default. The default colour
/// (0) draws as the first.
pub fn color_name(color: u8) -> &'static str {
    match color {
        2 => "green",
        3 => "blue",
        4 => "pink",
        _ => "yellow",
    }
}

/// A passage the reader marked, with its note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlight {
    /// Unique for ever: an undone deletion gets a new id.
    pub id: String,
    /// The first character of the passage.
    pub start: Anchor,
    /// Just past its last character.
    pub end: Anchor,
    /// The passage as the reader saw it: whitespace collapsed to single
    /// spaces, blocks joined by one space.
    pub text: String,
    /// 0 for the default colour, else 1 to `COLORS`.
    #[serde(default)]
    pub color: u8,
    /// Unix seconds of the last colour change: the newer one wins a merge.
    #[serde(default)]
    pub color_edited: u64,
    #[serde(default)]
    pub note: Option<String>,
    /// Unix seconds of the last note edit: the newer one wins a merge.
    #[serde(default)]
    pub note_edited: u64,
    /// Unix seconds.
    pub created: u64,
    /// When it was deleted (unix seconds): a tombstone, kept so that no
    /// older copy brings it back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<u64>,
}

impl Highlight {
    /// The highlight of the source bytes `range` of `doc`, from the first
    /// character shown in it to the last. `None` when the range shows no
    /// text (markup only, or blank).
    pub fn new(doc: &Document, range: Range<usize>, color: u8, now: u64) -> Option<Highlight> {
        let (plain, shown) = shown_text(doc, range)?;
        let source = plain.source_range(shown.clone());
        Some(Highlight {
            id: crate::store::new_id(),
            start: Anchor::at(doc, Position(source.start)),
            end: Anchor::at(doc, Position(source.end)),
            text: plain.text[shown].to_string(),
            color: color.min(COLORS),
            color_edited: now,
            note: None,
            note_edited: now,
            created: now,
            deleted: None,
        })
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted.is_some()
    }

    /// The fields no edit changes, to choose between two copies of one
    /// highlight that disagree on them (a hand-edited record): any fixed
    /// order does, so that merging gives one answer.
    fn body(&self) -> (u64, &str, usize, usize, &str, &str) {
        (
            self.created,
            &self.text,
            self.start.byte,
            self.end.byte,
            &self.start.quote,
            &self.end.quote,
        )
    }
}

/// The text `doc` shows for the source bytes `range`, as a highlight keeps
/// it: the passage a selection of those bytes would save.
pub fn passage(doc: &Document, range: Range<usize>) -> String {
    shown_text(doc, range).map_or_else(String::new, |(plain, shown)| plain.text[shown].to_string())
}

/// `passage`, a paragraph (block) to a line: how a passage over several
/// paragraphs is exported and copied.
pub fn passage_in_paragraphs(doc: &Document, range: Range<usize>) -> String {
    if doc.blocks.is_empty() || range.start >= range.end {
        return String::new();
    }
    let first = doc.block_at(Position(range.start));
    let last = doc.block_at(Position(range.end - 1)).max(first);
    let mut out = String::new();
    for block in &doc.blocks[first..=last] {
        let own = block.source();
        let part = passage(doc, range.start.max(own.start)..range.end.min(own.end));
        if !part.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&part);
        }
    }
    out
}

/// The plain text of the blocks around `range`, and the part of it shown
/// for those source bytes, without spaces at its ends.
fn shown_text(doc: &Document, range: Range<usize>) -> Option<(PlainText, Range<usize>)> {
    if doc.blocks.is_empty() || range.start >= range.end {
        return None;
    }
    let first = doc.block_at(Position(range.start));
    let last = doc.block_at(Position(range.end - 1)).max(first);
    let plain = PlainText::of(doc, first..last + 1);
    let mut shown: Option<Range<usize>> = None;
    for (t, c) in plain.text.char_indices() {
        let s = plain.source_at(t);
        if s >= range.end {
            break;
        }
        if s >= range.start && c != ' ' {
            let end = t + c.len_utf8();
            shown = Some(shown.map_or(t..end, |r| r.start..end));
        }
    }
    shown.map(|shown| (plain, shown))
}

/// How a highlight was found in the article as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Found {
    /// The article is unchanged: the very bytes.
    Exact,
    /// The passage's text was found, perhaps elsewhere.
    Text,
    /// Text close to the passage was found, within the bound of edits.
    Fuzzy,
    /// The passage is not in this version of the article.
    NotFound,
}

/// Where a highlight is in the article as it is now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// The source bytes it covers; `None` when not found.
    pub range: Option<Range<usize>>,
    pub how: Found,
}

impl Located {
    fn not_found() -> Located {
        Located {
            range: None,
            how: Found::NotFound,
        }
    }
}

/// Finds highlights in one article. Text is gathered only for highlights
/// made in another version of it, and only as much as each needs: the
/// blocks where it was, then those around where it should be, and the
/// whole article's text (once, for all of them) only for a passage that
/// moved far or changed.
pub struct Locator<'a> {
    doc: &'a Document,
    source: &'a str,
    whole: OnceCell<Rc<PlainText>>,
    /// The text of the blocks last read, with their range: highlights are
    /// often in the same blocks, and a long paragraph is gathered once.
    last: RefCell<Option<(Range<usize>, Rc<PlainText>)>>,
}

impl<'a> Locator<'a> {
    /// A locator in `doc`, parsed from `source`.
    pub fn new(doc: &'a Document, source: &'a str) -> Locator<'a> {
        Locator {
            doc,
            source,
            whole: OnceCell::new(),
            last: RefCell::new(None),
        }
    }

    fn plain(&self) -> &PlainText {
        self.whole.get_or_init(|| {
            let all = 0..self.doc.blocks.len();
            match self.last.borrow().as_ref() {
                Some((r, plain)) if *r == all => Rc::clone(plain),
                _ => Rc::new(PlainText::of(self.doc, all)),
            }
        })
    }

    /// The plain text of `blocks`: the whole article's when that is
    /// gathered already, or the last blocks' when they are the same.
    fn blocks(&self, blocks: Range<usize>) -> Rc<PlainText> {
        if blocks == (0..self.doc.blocks.len())
            && let Some(whole) = self.whole.get()
        {
            return Rc::clone(whole);
        }
        let mut last = self.last.borrow_mut();
        if let Some((r, plain)) = last.as_ref()
            && *r == blocks
        {
            return Rc::clone(plain);
        }
        let plain = Rc::new(PlainText::of(self.doc, blocks.clone()));
        *last = Some((blocks, Rc::clone(&plain)));
        plain
    }

    /// The blocks that hold the source bytes `from..to`.
    fn blocks_of(&self, from: usize, to: usize) -> Range<usize> {
        let first = self.doc.block_at(Position(from));
        let last = self.doc.block_at(Position(to.max(from + 1) - 1)).max(first);
        first..last + 1
    }

    /// Where `h` is now: its own bytes while the article is unchanged;
    /// else where its text still is at its old bytes, or at those moved by
    /// as much as the article grew or shrank (an edit before it); else
    /// where its text is near where it should be, else anywhere (the
    /// occurrence nearest to where it was); else where text within the
    /// bound of edits is; else nowhere.
    pub fn locate(&self, h: &Highlight) -> Located {
        let len = self.source.len();
        if h.start.fingerprint == self.doc.fingerprint && h.start.len == len && h.end.len == len {
            let start = floor_boundary(self.source, h.start.byte).0;
            let end = floor_boundary(self.source, h.end.byte).0.max(start);
            return Located {
                range: Some(start..end),
                how: Found::Exact,
            };
        }
        if h.text.trim().is_empty() || self.doc.blocks.is_empty() {
            return Located::not_found();
        }
        let text = |range| Located {
            range: Some(range),
            how: Found::Text,
        };
        let expected = scale(h.start.byte, h.start.len, len);
        if let Some(range) = self.still_at(h, expected) {
            return text(range);
        }
        // The passage with the text that followed it when it was made,
        // when that is known: a sentence said twice is found at the copy
        // it was made on.
        let followed = |plain: &PlainText, t: usize| {
            h.end.quote.trim().is_empty() || plain.reads_on_as(t + h.text.len(), &h.end.quote)
        };
        let mut searched = None;
        for reach in NEAR_BYTES {
            let near = self.blocks_of(
                expected.saturating_sub(reach),
                expected.saturating_add(h.text.len() + reach).min(len),
            );
            if searched.as_ref() == Some(&near) {
                continue;
            }
            let plain = self.blocks(near.clone());
            if let Some(t) = plain.nearest_preferring(&h.text, expected, |t| followed(&plain, t))
                && followed(&plain, t)
            {
                return text(plain.source_range(t..t + h.text.len()));
            }
            searched = Some(near);
        }
        // Not found near with its context: anywhere, with its context
        // first.
        let plain = self.plain();
        if let Some(t) = plain.nearest_preferring(&h.text, expected, |t| followed(plain, t)) {
            return text(plain.source_range(t..t + h.text.len()));
        }
        match self.fuzzy(h) {
            Some(shown) => Located {
                range: Some(self.plain().source_range(shown)),
                how: Found::Fuzzy,
            },
            None => Located::not_found(),
        }
    }

    /// The source bytes of `h`'s passage when the article still shows it
    /// at the bytes it had, or at those bytes moved by the change in the
    /// article's length; the one nearer to `expected` is tried first. No
    /// search: only the blocks there are read.
    fn still_at(&self, h: &Highlight, expected: usize) -> Option<Range<usize>> {
        let len = self.source.len();
        let moved = |a: &Anchor| (a.byte + len).checked_sub(a.len);
        let mut tries = [
            Some(h.start.byte..h.end.byte),
            moved(&h.start).zip(moved(&h.end)).map(|(s, e)| s..e),
        ];
        if tries[1]
            .as_ref()
            .is_some_and(|r| r.start.abs_diff(expected) < h.start.byte.abs_diff(expected))
        {
            tries.swap(0, 1);
        }
        tries.into_iter().flatten().find_map(|r| {
            let fits = r.start < r.end
                && r.end <= len
                && self.source.is_char_boundary(r.start)
                && self.source.is_char_boundary(r.end);
            if !fits {
                return None;
            }
            let plain = self.blocks(self.blocks_of(r.start, r.end));
            let mut shown = text_at(&plain, r.start)..text_at(&plain, r.end);
            let found = plain.text.get(shown.clone())?;
            shown.start += found.len() - found.trim_start_matches(' ').len();
            shown.end -= found.len() - found.trim_end_matches(' ').len();
            (shown.start < shown.end && plain.text[shown.clone()] == h.text)
                .then(|| plain.source_range(shown))
        })
    }

    /// The stretch of plain text closest to `h.text` within the bound of
    /// edits, searched around where it should start: where the text
    /// quoted by its start anchor is, else where the text after it (its
    /// end anchor's) is, less its length, else where it was in proportion.
    fn fuzzy(&self, h: &Highlight) -> Option<Range<usize>> {
        let chars = h.text.chars().count();
        if chars < MIN_FUZZY_CHARS {
            return None;
        }
        let plain = self.plain();
        let text = plain.text.as_str();
        let len = self.source.len();
        let quoted = |a: &Anchor| {
            (!a.quote.is_empty())
                .then(|| plain.nearest(&a.quote, scale(a.byte, a.len, len)))
                .flatten()
        };
        // Where the text around it says it starts: then it is searched
        // for only there, give or take the edits inside it (a sentence
        // 14 KB away, within the bound of edits, is not it). Else where
        // it was in proportion, within the bound of the search's cost.
        let by_quote =
            quoted(&h.start).or_else(|| quoted(&h.end).map(|t| t.saturating_sub(h.text.len())));
        let reach = by_quote.map(|_| chars / 2 + QUOTE_REACH);
        let near =
            by_quote.unwrap_or_else(|| text_at(plain, scale(h.start.byte, h.start.len, len)));
        let shown = if chars <= 2 * FUZZY_PIECE {
            closest(text, &h.text, near, reach)?
        } else {
            // A long passage: its head near the start, then its tail
            // after it.
            let head: String = h.text.chars().take(FUZZY_PIECE).collect();
            let tail: String = h.text.chars().skip(chars - FUZZY_PIECE).collect();
            let head = closest(text, &head, near, reach)?;
            let tail_near = head.start + h.text.len().saturating_sub(tail.len());
            let tail = closest(text, &tail, tail_near, reach)?;
            let shown = head.start..tail.end;
            let found = text.get(shown.clone())?.chars().count();
            if tail.start < head.start || found < chars / 2 || found > chars * 2 {
                return None;
            }
            shown
        };
        // A passage holds whole words.
        Some(whole_words(text, shown))
    }
}

/// A character of a word: a letter or digit of a script that spaces its
/// words; each character of the others (Chinese, Japanese) is a word.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() && unicode_width::UnicodeWidthChar::width(c) != Some(2)
}

/// `range` of `text` grown to the whole words it cuts.
fn whole_words(text: &str, mut range: Range<usize>) -> Range<usize> {
    if text[range.start..].chars().next().is_some_and(in_word) {
        while let Some(c) = text[..range.start]
            .chars()
            .next_back()
            .filter(|&c| in_word(c))
        {
            range.start -= c.len_utf8();
        }
    }
    if text[..range.end].chars().next_back().is_some_and(in_word) {
        while let Some(c) = text[range.end..].chars().next().filter(|&c| in_word(c)) {
            range.end += c.len_utf8();
        }
    }
    range
}

/// The offset in `plain`'s text of the first character shown at or after
/// the source byte `byte` (a char boundary).
fn text_at(plain: &PlainText, byte: usize) -> usize {
    let (mut lo, mut hi) = (0, plain.text.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if plain.source_at(mid) < byte {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut t = lo.min(plain.text.len());
    while !plain.text.is_char_boundary(t) {
        t -= 1;
    }
    t
}

/// The stretch of `text` closest to `needle` with at most one edit in
/// `CHARS_PER_EDIT` characters, searched around byte `near` within as
/// many characters as `FUZZY_CELLS` allows (at least the needle's length
/// on either side), and starting at most `reach` characters from it when
/// given; the nearest to `near` among equally close ones; without spaces
/// at its ends.
fn closest(text: &str, needle: &str, near: usize, reach: Option<usize>) -> Option<Range<usize>> {
    let needle: Vec<char> = needle.chars().collect();
    let slack = (FUZZY_CELLS / needle.len().max(1) / 2).max(needle.len());
    let (back, ahead) = match reach {
        Some(reach) => (slack.min(reach), slack.min(needle.len() + reach)),
        None => (slack, slack),
    };
    let near = near.min(text.len());
    let mut from = near;
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = from;
    for _ in 0..back {
        match text[..from].chars().next_back() {
            Some(c) => from -= c.len_utf8(),
            None => break,
        }
    }
    for _ in 0..ahead {
        match text[to..].chars().next() {
            Some(c) => to += c.len_utf8(),
            None => break,
        }
    }
    let window = from..to;
    let hay: Vec<(usize, char)> = text[window.clone()]
        .char_indices()
        .map(|(i, c)| (window.start + i, c))
        .collect();
    let near_char = hay.partition_point(|&(i, _)| i < near);
    let (s, e, _) = approximate(&needle, &hay, needle.len() / CHARS_PER_EDIT, near_char)?;
    let mut start = hay[s].0;
    let mut end = hay[e - 1].0 + hay[e - 1].1.len_utf8();
    let found = &text[start..end];
    start += found.len() - found.trim_start_matches(' ').len();
    end -= found.len() - found.trim_end_matches(' ').len();
    (start < end).then_some(start..end)
}

/// The best approximate occurrence of `needle` in `hay` (Sellers'
/// algorithm: edit distance where the match may start and end anywhere):
/// `(start, end, edits)` in characters of `hay`, with at most `max` edits.
/// Among equally good ones, the one starting nearest to `near`, then the
/// shortest.
fn approximate(
    needle: &[char],
    hay: &[(usize, char)],
    max: usize,
    near: usize,
) -> Option<(usize, usize, usize)> {
    let m = needle.len();
    if m == 0 {
        return None;
    }
    // One column of the table: the edits to match the first i characters
    // of the needle ending here, and where that match starts.
    let mut cost: Vec<usize> = (0..=m).collect();
    let mut from: Vec<usize> = vec![0; m + 1];
    let mut best: Option<(usize, usize, usize)> = None;
    let rank = |(s, e, k): (usize, usize, usize)| (k, s.abs_diff(near), e - s);
    // Ukkonen's cut-off: below the last row within `max` edits (`active`),
    // the next column is over `max` too but for the row right under it
    // (costs never fall along a diagonal). Only the rows down to that one
    // are worked out; the one under them is marked as over `max`, and
    // those further down are never read.
    let mut active = max.min(m);
    for (j, &(_, c)) in hay.iter().enumerate() {
        let (mut diag, mut diag_from) = (cost[0], from[0]);
        cost[0] = 0;
        from[0] = j + 1;
        let rows = (active + 1).min(m);
        for i in 1..=rows {
            let (up, up_from) = (cost[i], from[i]);
            let mut v = diag + usize::from(needle[i - 1] != c);
            let mut f = diag_from;
            if up + 1 < v {
                v = up + 1;
                f = up_from;
            }
            if cost[i - 1] + 1 < v {
                v = cost[i - 1] + 1;
                f = from[i - 1];
            }
            diag = up;
            diag_from = up_from;
            cost[i] = v;
            from[i] = f;
        }
        if rows < m {
            cost[rows + 1] = max + 1;
        }
        active = rows;
        while cost[active] > max {
            active -= 1;
        }
        if rows == m && cost[m] <= max {
            let candidate = (from[m], j + 1, cost[m]);
            if best.is_none_or(|b| rank(candidate) < rank(b)) {
                best = Some(candidate);
            }
        }
    }
    best.filter(|&(s, e, _)| s < e)
}

/// A highlight as the list and the exports show it: found in the article
/// as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HighlightView {
    pub id: String,
    /// The source bytes it covers now; `None` when not found in this
    /// version of the article.
    pub range: Option<Range<usize>>,
    pub how: Found,
    pub color: u8,
    pub note: Option<String>,
    pub note_edited: u64,
    /// The passage as it was saved, on one line.
    pub text: String,
    /// The passage with a line for each of its paragraphs, when it spans
    /// several and is found as saved; else `text`.
    pub paragraphs: String,
    pub created: u64,
    /// The title of the section it is in now; for one not found, the
    /// section it was saved in (its slug, or its title when that heading
    /// is still there).
    pub section: Option<String>,
    /// The slug of that section.
    pub section_id: Option<String>,
}

impl HighlightView {
    pub fn found(&self) -> bool {
        self.range.is_some()
    }
}

/// The highlights of an article, as a reading record keeps them: deleted
/// ones stay as tombstones.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Highlights(Vec<Highlight>);

impl Highlights {
    /// Every highlight, tombstones too, oldest first.
    pub fn all(&self) -> &[Highlight] {
        &self.0
    }

    /// The highlights not deleted, oldest first.
    pub fn live(&self) -> impl Iterator<Item = &Highlight> {
        self.0.iter().filter(|h| !h.is_deleted())
    }

    /// Whether there is no highlight that is not deleted.
    pub fn is_empty(&self) -> bool {
        self.live().next().is_none()
    }

    pub fn get(&self, id: &str) -> Option<&Highlight> {
        self.0.iter().find(|h| h.id == id)
    }

    /// Keep only the highlights `keep` holds of, tombstones too.
    pub fn retain(&mut self, keep: impl FnMut(&Highlight) -> bool) {
        self.0.retain(keep);
    }

    fn live_mut(&mut self, id: &str) -> Option<&mut Highlight> {
        self.0.iter_mut().find(|h| h.id == id && !h.is_deleted())
    }

    /// Keep `h`, and return its id.
    pub fn add(&mut self, h: Highlight) -> String {
        let id = h.id.clone();
        self.0.push(h);
        id
    }

    /// Delete highlight `id`, leaving its tombstone. False when there is
    /// no such highlight, or it was deleted already.
    pub fn delete(&mut self, id: &str, now: u64) -> bool {
        match self.live_mut(id) {
            Some(h) => {
                h.deleted = Some(now);
                true
            }
            None => false,
        }
    }

    /// Undo the deletion of highlight `id`: it comes back under a new id,
    /// because the tombstone of the old one may be on disk already.
    /// Returns the new id.
    pub fn undelete(&mut self, id: &str, now: u64) -> Option<String> {
        let old = self.0.iter().find(|h| h.id == id && h.is_deleted())?;
        let mut h = old.clone();
        h.id = crate::store::new_id();
        h.deleted = None;
        h.color_edited = h.color_edited.max(now);
        h.note_edited = h.note_edited.max(now);
        Some(self.add(h))
    }

    /// Set the note of highlight `id` (`None` removes it). False when there
    /// is no such highlight.
    pub fn set_note(&mut self, id: &str, note: Option<String>, now: u64) -> bool {
        let Some(h) = self.live_mut(id) else {
            return false;
        };
        h.note = note.filter(|n| !n.trim().is_empty());
        // Strictly later than the edit before, even in the same second:
        // the latest edit must win the merge with the saved copy.
        h.note_edited = now.max(h.note_edited + 1);
        true
    }

    /// Set the colour of highlight `id` (0 to `COLORS`). False when there
    /// is no such highlight.
    pub fn set_color(&mut self, id: &str, color: u8, now: u64) -> bool {
        let Some(h) = self.live_mut(id) else {
            return false;
        };
        h.color = color.min(COLORS);
        h.color_edited = now.max(h.color_edited + 1);
        true
    }

    /// The union of two copies of an article's highlights, by id. A
    /// deletion anywhere wins; a note or a colour is the most recently
    /// edited one. The same whatever the order of the copies and however
    /// often they are merged.
    #[must_use]
    pub fn merge(&self, other: &Highlights) -> Highlights {
        let mut by_id: std::collections::BTreeMap<&str, Highlight> =
            std::collections::BTreeMap::new();
        for h in self.0.iter().chain(&other.0) {
            match by_id.get_mut(h.id.as_str()) {
                Some(kept) => *kept = merge_one(kept, h),
                None => {
                    by_id.insert(&h.id, h.clone());
                }
            }
        }
        let mut out: Vec<Highlight> = by_id.into_values().collect();
        out.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
        Highlights(out)
    }

    /// Every highlight not deleted, found in `doc` (parsed from `source`):
    /// those found in article order, then those not found, oldest first.
    pub fn views(&self, doc: &Document, source: &str) -> Vec<HighlightView> {
        let locator = Locator::new(doc, source);
        self.views_with(doc, |h| locator.locate(h))
    }

    /// `views`, with each highlight found by `locate`: a caller that keeps
    /// where each was found in this version of the article looks for none
    /// twice.
    pub fn views_with(
        &self,
        doc: &Document,
        mut locate: impl FnMut(&Highlight) -> Located,
    ) -> Vec<HighlightView> {
        let mut views: Vec<HighlightView> = self
            .live()
            .map(|h| {
                let located = locate(h);
                let (section, section_id) = match &located.range {
                    Some(r) => doc.section_at(Position(r.start)).map_or((None, None), |s| {
                        (Some(s.text.clone()), Some(s.slug.clone()))
                    }),
                    None => {
                        let slug = h.start.section.clone();
                        let title = slug.as_ref().map(|slug| {
                            doc.headings
                                .iter()
                                .find(|s| &s.slug == slug)
                                .map_or_else(|| slug.clone(), |s| s.text.clone())
                        });
                        (title, slug)
                    }
                };
                // Its paragraphs, when the passage is still the one saved.
                let paragraphs = located
                    .range
                    .clone()
                    .map(|r| passage_in_paragraphs(doc, r))
                    .filter(|p| p.contains('\n') && one_spaced(p) == one_spaced(&h.text))
                    .unwrap_or_else(|| h.text.clone());
                HighlightView {
                    paragraphs,
                    id: h.id.clone(),
                    range: located.range,
                    how: located.how,
                    color: h.color,
                    note: h.note.clone(),
                    note_edited: h.note_edited,
                    text: h.text.clone(),
                    created: h.created,
                    section,
                    section_id,
                }
            })
            .collect();
        views.sort_by(|a, b| {
            let key =
                |v: &HighlightView| (v.range.as_ref().map_or(usize::MAX, |r| r.start), v.created);
            key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
        });
        views
    }
}

/// `text` with every run of whitespace one space.
fn one_spaced(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Two copies of one highlight made one.
fn merge_one(a: &Highlight, b: &Highlight) -> Highlight {
    let mut out = if a.body() <= b.body() { a } else { b }.clone();
    let note = |h: &Highlight| (h.note_edited, h.note.clone());
    (out.note_edited, out.note) = note(a).max(note(b));
    (out.color_edited, out.color) = (a.color_edited, a.color).max((b.color_edited, b.color));
    out.deleted = a.deleted.max(b.deleted);
    out
}

pub mod markdown;

#[cfg(test)]
mod tests;
