//! Positions are places in the text: byte offsets into the article's source,
//! never screen rows. Everything that must survive a resize (the top of the
//! screen, progress, bookmarks) is kept as a `Position`.
//!
//! An `Anchor` is the saved form of a position: the byte, plus enough of the
//! text around it to find the place again after the article was edited.
//! Restoring an anchor tries, in order, the byte itself (same fingerprint),
//! the quoted text, an approximate match in the same section, the start of
//! that section and the same fraction of the article, and says which worked.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::document::{BlockKind, Document, Span, block_spans};

/// A byte offset into the article's source text, on a char boundary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position(pub usize);

impl Position {
    pub const START: Position = Position(0);

    pub fn byte(self) -> usize {
        self.0
    }
}

/// Characters of plain text an anchor quotes: long enough to be unique in an
/// article, short enough to survive an edit nearby.
pub const QUOTE_CHARS: usize = 64;

/// The characters of the text after a passage that tell two copies of it
/// apart (`PlainText::reads_on_as`).
const CONTEXT_CHARS: usize = 24;

/// The shortest piece of a quote an approximate match may rest on. Shorter
/// pieces ("of the ") are found everywhere and would mean nothing.
const MIN_FUZZY_CHARS: usize = 16;

/// How much shorter each round of approximate matching makes its pieces,
/// and how far apart the pieces of one round start, in characters.
const FUZZY_SHRINK: usize = 8;
const FUZZY_STRIDE: usize = 4;

/// A position as it is saved: it can be found again in an edited article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The position, exact while the article is unchanged.
    pub byte: usize,
    /// The length of the source the anchor was taken in, so that `byte` can
    /// be scaled to an article that grew or shrank.
    pub len: usize,
    /// The fingerprint of that source. Written as hex: JSON readers that use
    /// doubles would round a 64-bit number.
    #[serde(with = "hex_u64")]
    pub fingerprint: u64,
    /// The slug of the section the position was in.
    pub section: Option<String>,
    /// That section's title, to name it when the article cannot be read.
    /// Records written before it was kept have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_title: Option<String>,
    /// About `QUOTE_CHARS` characters of the text shown from the position
    /// on, whitespace collapsed to single spaces.
    pub quote: String,
}

/// Which step of `Anchor::restore` found the position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restored {
    /// The article is unchanged: the very byte.
    Exact,
    /// The quoted text was found.
    Quote,
    /// Most of the quoted text was found in the same section.
    Fuzzy,
    /// The start of the same section.
    Section,
    /// The same fraction of the article.
    Fraction,
}

impl Restored {
    /// True when the reader is exactly where it was: nothing to tell.
    pub fn is_exact(self) -> bool {
        self == Restored::Exact
    }
}

impl Anchor {
    /// The anchor of `pos` in `doc`.
    pub fn at(doc: &Document, pos: Position) -> Anchor {
        let byte = pos.0.min(doc.source_len);
        let heading = doc.section_at(Position(byte));
        Anchor {
            byte,
            len: doc.source_len,
            fingerprint: doc.fingerprint,
            section: heading.map(|h| h.slug.clone()),
            section_title: heading.map(|h| h.text.clone()),
            quote: quote_at(doc, byte),
        }
    }

    /// Find the anchor's place in `doc`, parsed from `source`. The position
    /// returned is always on a char boundary of `source` and inside it.
    pub fn restore(&self, doc: &Document, source: &str) -> (Position, Restored) {
        let len = source.len();
        if self.fingerprint == doc.fingerprint && self.len == len {
            return (floor_boundary(source, self.byte), Restored::Exact);
        }
        // Where the place would be if the whole article grew or shrank
        // evenly: the tie-breaker between several matches, and the last
        // resort.
        let expected = scale(self.byte, self.len, len);
        if !self.quote.is_empty() {
            let plain = PlainText::of(doc, 0..doc.blocks.len());
            // In its own section, when the quote is there too: the same
            // words in another section (a pull quote, a summary) are not
            // the place.
            let section = self.section_blocks(doc).map(|blocks| {
                let start = doc.blocks[blocks.start].source().start;
                let end = doc
                    .blocks
                    .get(blocks.end)
                    .map_or(source.len(), |b| b.source().start);
                start..end
            });
            let inside = |t: usize| {
                section
                    .as_ref()
                    .is_none_or(|r| r.contains(&plain.source_at(t)))
            };
            if let Some(t) = plain.nearest_preferring(&self.quote, expected, inside) {
                return (floor_boundary(source, plain.source_at(t)), Restored::Quote);
            }
        }
        if let Some(start) = self.heading_place(doc) {
            return (floor_boundary(source, start), Restored::Fuzzy);
        }
        if let Some(blocks) = self.section_blocks(doc) {
            let plain = PlainText::of(doc, blocks.clone());
            if let Some(t) = plain.fuzzy(&self.quote, expected) {
                return (floor_boundary(source, plain.source_at(t)), Restored::Fuzzy);
            }
            if self.section.is_some() {
                let start = doc.blocks[blocks.start].source().start;
                return (floor_boundary(source, start), Restored::Section);
            }
        }
        (floor_boundary(source, expected), Restored::Fraction)
    }

    /// A place on a heading (its quote starts with the title of its
    /// section) whose quote is not found whole because text changed under
    /// the heading, a paragraph put right after it: the heading, found by
    /// its slug and title. The quote's rest would be found after the new
    /// text, and the place stepped back into it.
    fn heading_place(&self, doc: &Document) -> Option<usize> {
        let title = self.section_title.as_deref()?;
        let slug = self.section.as_deref()?;
        let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let (title, quote) = (collapse(title), collapse(&self.quote));
        if title.is_empty() || !(quote.starts_with(&title) || title.starts_with(&quote)) {
            return None;
        }
        let heading = doc
            .headings
            .iter()
            .find(|h| h.slug == slug && collapse(&h.text) == title)?;
        Some(doc.blocks.get(heading.block)?.source().start)
    }

    /// The blocks of the anchor's section in `doc`: from its heading to the
    /// next heading. Without a section, the blocks before the first heading.
    /// `None` when the section is gone or empty.
    fn section_blocks(&self, doc: &Document) -> Option<Range<usize>> {
        let end_after = |i: usize| {
            doc.headings
                .get(i + 1)
                .map_or(doc.blocks.len(), |next| next.block)
        };
        let range = match &self.section {
            Some(slug) => {
                let i = doc.headings.iter().position(|h| &h.slug == slug)?;
                doc.headings[i].block..end_after(i)
            }
            None => 0..doc.headings.first().map_or(doc.blocks.len(), |h| h.block),
        };
        (!range.is_empty()).then_some(range)
    }
}

/// `byte` moved from a source of `old_len` bytes to one of `new_len`.
pub(crate) fn scale(byte: usize, old_len: usize, new_len: usize) -> usize {
    if old_len == 0 {
        return 0;
    }
    let scaled = byte.min(old_len) as u128 * new_len as u128 / old_len as u128;
    usize::try_from(scaled).unwrap_or(new_len).min(new_len)
}

/// The char boundary at or before `byte`, inside `source`.
pub(crate) fn floor_boundary(source: &str, byte: usize) -> Position {
    let mut b = byte.min(source.len());
    while !source.is_char_boundary(b) {
        b -= 1;
    }
    Position(b)
}

/// The quote of an anchor at `byte`: the plain text from the first
/// character shown at or after it.
fn quote_at(doc: &Document, byte: usize) -> String {
    text_at(doc, byte, QUOTE_CHARS)
}

/// About `chars` characters of the text shown from `byte` on, as plain
/// text (blocks joined by a space): what a list shows of a place.
pub fn text_at(doc: &Document, byte: usize, chars: usize) -> String {
    let byte = byte.min(doc.source_len);
    if doc.blocks.is_empty() {
        return String::new();
    }
    // Only the blocks from the position on are needed, which keeps saving
    // cheap in a long article. They give the same text as a slice of the
    // whole article's plain text, because blocks are joined the same way.
    let mut plain = PlainText::default();
    let mut start = None;
    for block in &doc.blocks[doc.block_at(Position(byte))..] {
        let from = plain.text.len();
        plain.push_block(&block.kind, &doc.text);
        if start.is_none() {
            start = plain.text[from..]
                .char_indices()
                .map(|(i, c)| (from + i, c))
                .find(|&(t, c)| c != ' ' && plain.source_at(t) >= byte)
                .map(|(t, _)| t);
        }
        if let Some(s) = start
            && plain.text[s..].chars().nth(chars).is_some()
        {
            break;
        }
    }
    start.map_or_else(String::new, |s| {
        let quote: String = plain.text[s..].chars().take(chars).collect();
        quote.trim_end().to_string()
    })
}

/// The text a reader sees in a run of blocks, whitespace collapsed to single
/// spaces and blocks joined by one space, with a map from each byte of it
/// back to the source.
#[derive(Default)]
pub(crate) struct PlainText {
    pub(crate) text: String,
    /// Where runs of text start, in text order. Within an exact run, text
    /// and source advance together; an inexact run maps to one source byte.
    marks: Vec<Mark>,
    /// A block has shown text, so the next one starts after a space (the
    /// text itself may have been cut away by `drain_to`).
    started: bool,
}

#[derive(Clone, Copy)]
struct Mark {
    /// Offsets in 32 bits: a long article has hundreds of thousands of
    /// marks, and no article is over 1 GiB (`load::MAX_ARTICLE`), nor its
    /// text over 4 GiB. Past that they saturate rather than wrap.
    text: u32,
    /// The source byte, shifted left by one, with the low bit set when the
    /// run is exact.
    packed: u32,
}

impl Mark {
    fn new(text: usize, source: usize, exact: bool) -> Mark {
        let source = u32::try_from(source).unwrap_or(u32::MAX).min(u32::MAX >> 1);
        Mark {
            text: u32::try_from(text).unwrap_or(u32::MAX),
            packed: source << 1 | u32::from(exact),
        }
    }

    fn text(self) -> usize {
        self.text as usize
    }

    fn source(self) -> usize {
        (self.packed >> 1) as usize
    }

    fn exact(self) -> bool {
        self.packed & 1 == 1
    }
}

/// A space not yet written: spaces are only written between two visible
/// characters, so runs collapse and blocks are trimmed.
#[derive(Clone, Copy)]
enum Gap {
    None,
    /// Whitespace from the text, mapped to its own source byte.
    Space {
        source: usize,
        exact: bool,
    },
    /// A break that the layout shows but the spans do not hold: between
    /// blocks, code lines or table cells.
    Implied,
}

impl PlainText {
    pub(crate) fn of(doc: &Document, blocks: Range<usize>) -> PlainText {
        let blocks = &doc.blocks[blocks];
        // The text of a whole article is sized at once, grown by doubling
        // it would take up to twice its size: collapsing only shortens the
        // spans' text, and at most one space goes before each.
        let (bytes, spans) = blocks
            .iter()
            .flat_map(|b| block_spans(&b.kind))
            .fold((0, 0), |(bytes, n), s| (bytes + s.len(), n + 1));
        let mut plain = PlainText {
            text: String::with_capacity(bytes + spans + blocks.len()),
            marks: Vec::with_capacity(spans / 2),
            started: false,
        };
        for block in blocks {
            plain.push_block(&block.kind, &doc.text);
        }
        plain.text.shrink_to_fit();
        plain.marks.shrink_to_fit();
        plain
    }

    /// Append a block's text, after a space when a block before it showed
    /// text.
    pub(crate) fn push_block(&mut self, kind: &BlockKind, src: &str) {
        let mut gap = if !self.started {
            Gap::None
        } else {
            Gap::Implied
        };
        let mut started = false;
        for group in span_groups(kind) {
            for span in group {
                let text = span.text(src);
                // Most prose spans are already collapsed, but for a space
                // at either end: their text goes in as one run.
                if span.exact()
                    && let Some(inner) = collapsed_inner(text)
                {
                    let lead = usize::from(text.starts_with(' '));
                    if lead == 1 && started && matches!(gap, Gap::None) {
                        gap = Gap::Space {
                            source: span.source(),
                            exact: true,
                        };
                    }
                    match gap {
                        Gap::None => {}
                        Gap::Space { source, exact } => self.push(" ", source, exact),
                        Gap::Implied => self.push(" ", span.source() + lead, false),
                    }
                    started = true;
                    // The line ends of soft breaks read as spaces: each
                    // maps to its own byte, so the run goes on through it
                    // and needs no mark of its own.
                    let mut lines = inner.split('\n');
                    self.push(lines.next().unwrap_or(""), span.source() + lead, true);
                    for line in lines {
                        self.text.push(' ');
                        self.text.push_str(line);
                    }
                    gap = if text.ends_with([' ', '\n']) {
                        Gap::Space {
                            source: span.source() + lead + inner.len(),
                            exact: true,
                        }
                    } else {
                        Gap::None
                    };
                    continue;
                }
                let mut i = 0;
                while let Some(c) = text[i..].chars().next() {
                    let source = span.source_at(i);
                    if c.is_whitespace() {
                        if started && matches!(gap, Gap::None) {
                            gap = Gap::Space {
                                source,
                                exact: span.exact(),
                            };
                        }
                        i += c.len_utf8();
                        continue;
                    }
                    match gap {
                        Gap::None => {}
                        Gap::Space { source, exact } => self.push(" ", source, exact),
                        // The space maps to the character after it, so a
                        // match starting there starts at that character.
                        Gap::Implied => self.push(" ", source, false),
                    }
                    gap = Gap::None;
                    started = true;
                    // The visible characters up to the next whitespace go
                    // in at once: each of them would continue the same run.
                    let rest = &text[i..];
                    let run = next_whitespace(rest);
                    self.push(&rest[..run], source, span.exact());
                    i += run;
                }
            }
            if started {
                gap = Gap::Implied;
            }
        }
        self.started |= started;
    }

    /// Drop the text before byte `cut` (a char boundary), keeping the map
    /// of what is left: offsets into the text then count from `cut`. A
    /// search over a long article keeps only the stretch it is scanning.
    pub(crate) fn drain_to(&mut self, cut: usize) {
        if cut == 0 {
            return;
        }
        let i = self
            .marks
            .partition_point(|m| m.text() <= cut)
            .saturating_sub(1);
        let first = self
            .marks
            .get(i)
            .map(|m| Mark::new(0, self.source_at(cut), m.exact()));
        if let Some(first) = first {
            let shift = u32::try_from(cut).unwrap_or(u32::MAX);
            self.marks.drain(..i);
            self.marks[0] = first;
            for m in &mut self.marks[1..] {
                m.text = m.text.saturating_sub(shift);
            }
        }
        self.text.drain(..cut);
    }

    /// Append `run`, whose first byte came from `source`: all of it from
    /// there on when `exact`, else all of it from that one byte.
    fn push(&mut self, run: &str, source: usize, exact: bool) {
        let t = self.text.len();
        // One byte standing for the source byte right after an exact run
        // (the space of a soft line break) maps the same way as an exact
        // byte there: it goes on with the run, and so does the text after
        // it, instead of starting two more marks.
        let exact = exact
            || (run.len() == 1
                && self
                    .marks
                    .last()
                    .is_some_and(|m| m.exact() && m.source() + (t - m.text()) == source));
        let continues = self.marks.last().is_some_and(|m| {
            if m.exact() && exact {
                m.source() + (t - m.text()) == source
            } else {
                !m.exact() && !exact && m.source() == source
            }
        });
        if !continues {
            self.marks.push(Mark::new(t, source, exact));
        }
        self.text.push_str(run);
    }

    /// The source byte that text byte `t` came from.
    pub(crate) fn source_at(&self, t: usize) -> usize {
        let i = self
            .marks
            .partition_point(|m| m.text() <= t)
            .saturating_sub(1);
        match self.marks.get(i) {
            Some(m) if m.exact() => m.source() + (t - m.text()),
            Some(m) => m.source(),
            None => 0,
        }
    }

    /// The source bytes that the non-empty text range `range` shows: from
    /// its first character's byte to past its last character. A last
    /// character that is not an exact copy (an entity, a smart quote) ends
    /// where the text after it starts in the source, or one byte on when
    /// nothing follows it.
    pub(crate) fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.source_at(range.start);
        let Some((last, c)) = self.text[range.clone()].char_indices().next_back() else {
            return start..start;
        };
        let last = range.start + last;
        let i = self
            .marks
            .partition_point(|m| m.text() <= last)
            .saturating_sub(1);
        let at = self.source_at(last);
        let end = match self.marks.get(i) {
            Some(m) if m.exact() => at + c.len_utf8(),
            _ if range.end < self.text.len() => self.source_at(range.end).max(at + 1),
            _ => at + 1,
        };
        start..end.max(start)
    }

    /// Every place `needle` occurs, overlapping ones included: a repeated
    /// phrase must not hide the occurrence that is the right one.
    fn find_all<'a>(&'a self, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
        let step = needle.chars().next().map_or(1, char::len_utf8);
        let mut from = 0;
        std::iter::from_fn(move || {
            let hit = from + self.text.get(from..)?.find(needle)?;
            from = hit + step;
            Some(hit)
        })
    }

    /// The occurrence of `needle` whose source is nearest to `expected`.
    pub(crate) fn nearest(&self, needle: &str, expected: usize) -> Option<usize> {
        self.nearest_preferring(needle, expected, |_| true)
    }

    /// `nearest`, among the occurrences `preferred` holds of when there
    /// are any: a sentence said twice (a pull quote, a summary) is found
    /// where its context says, not at the copy nearest to a guess.
    pub(crate) fn nearest_preferring(
        &self,
        needle: &str,
        expected: usize,
        preferred: impl Fn(usize) -> bool,
    ) -> Option<usize> {
        self.find_all(needle)
            .min_by_key(|&t| (!preferred(t), self.source_at(t).abs_diff(expected)))
    }

    /// Whether the text from `t` on reads as `quote` does (its first
    /// `CONTEXT_CHARS` characters, spaces aside): the text after a
    /// passage is the one its end was anchored in.
    pub(crate) fn reads_on_as(&self, t: usize, quote: &str) -> bool {
        let words = |s: &str| -> String {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .chars()
                .take(CONTEXT_CHARS)
                .collect()
        };
        let want = words(quote);
        let Some(after) = self.text.get(t..) else {
            return false;
        };
        // Enough of the text to hold the quote's characters, spaces
        // collapsed.
        let upto = after
            .char_indices()
            .nth(CONTEXT_CHARS * 4)
            .map_or(after.len(), |(i, _)| i);
        !want.is_empty() && words(&after[..upto]) == want
    }

    /// `t` moved back to a char boundary and, when it is in the middle of a
    /// word, to the start of that word: an estimate is rarely exact, and a
    /// word cut in two reads badly. Text without spaces (CJK) is only moved
    /// back a little.
    fn word_start(&self, mut t: usize) -> usize {
        const MAX_BACK: usize = 32;
        while !self.text.is_char_boundary(t) {
            t -= 1;
        }
        if self.text[t..].starts_with(' ') {
            return t;
        }
        let before = &self.text[..t];
        match before
            .char_indices()
            .rev()
            .take(MAX_BACK)
            .find(|&(_, c)| c == ' ')
        {
            Some((i, _)) => i + 1,
            None if before.chars().count() < MAX_BACK => 0,
            None => t,
        }
    }

    /// Where `quote` most probably starts when it was edited: the longest
    /// piece of it found (at least `MIN_FUZZY_CHARS`), the nearest to
    /// `expected` among equals, moved back by the text before that piece.
    fn fuzzy(&self, quote: &str, expected: usize) -> Option<usize> {
        let starts: Vec<usize> = quote.char_indices().map(|(i, _)| i).collect();
        let n = starts.len();
        let byte_at = |c: usize| starts.get(c).copied().unwrap_or(quote.len());
        let mut len = n.checked_sub(FUZZY_SHRINK)?;
        while len >= MIN_FUZZY_CHARS {
            let mut best: Option<(usize, usize)> = None;
            let mut first = 0;
            loop {
                let first_clamped = first.min(n - len);
                let piece = &quote[byte_at(first_clamped)..byte_at(first_clamped + len)];
                let lead = byte_at(first_clamped);
                for hit in self.find_all(piece) {
                    let t = self.word_start(hit.saturating_sub(lead));
                    let distance = self.source_at(t).abs_diff(expected);
                    if best.is_none_or(|(_, d)| distance < d) {
                        best = Some((t, distance));
                    }
                }
                if first_clamped == n - len {
                    break;
                }
                first += FUZZY_STRIDE;
            }
            if let Some((t, _)) = best {
                return Some(t);
            }
            len -= FUZZY_SHRINK;
        }
        None
    }
}

/// The text of `text` shown as it is, without one space at its start and
/// one space or line end at its end: when the rest is ASCII, not empty,
/// and has no whitespace but single spaces or line ends between words, so
/// that collapsing whitespace only turns those line ends into spaces.
fn collapsed_inner(text: &str) -> Option<&str> {
    let inner = text.strip_prefix(' ').unwrap_or(text);
    let inner = inner.strip_suffix([' ', '\n']).unwrap_or(inner);
    let b = inner.as_bytes();
    // Spaces and the line ends of soft breaks (see `Span::text`), one at a
    // time between visible characters. Written without early exits, so
    // that the checks run many bytes at a time: this is most of a search.
    let gap = |c: u8| u8::from(c == b' ') | u8::from(c == b'\n');
    let control = b.iter().fold(0, |a, &c| {
        a | (u8::from(c < b' ') & (1 - u8::from(c == b'\n')))
    });
    let doubled = b.windows(2).fold(0, |a, w| a | (gap(w[0]) & gap(w[1])));
    let simple = inner.is_ascii()
        && b.first().is_some_and(|&c| gap(c) == 0)
        && b.last().is_some_and(|&c| gap(c) == 0)
        && control == 0
        && doubled == 0;
    simple.then_some(inner)
}

/// The offset of the first whitespace character in `s`, or its length: the
/// same as `s.find(char::is_whitespace)`, without decoding ASCII.
fn next_whitespace(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if matches!(b, b'\t'..=b'\r' | b' ') {
                return i;
            }
            i += 1;
        } else {
            match s[i..].chars().next() {
                Some(c) if c.is_whitespace() => return i,
                Some(c) => i += c.len_utf8(),
                None => break,
            }
        }
    }
    bytes.len()
}

/// The spans of a block in groups that the layout shows apart (code lines,
/// table cells), so that words of two groups are not run together.
fn span_groups(kind: &BlockKind) -> Vec<&[Span]> {
    match kind {
        BlockKind::Heading { spans } => vec![&spans[..]],
        BlockKind::Paragraph { spans } => vec![&spans[..]],
        BlockKind::Code(code) => code.lines.iter().collect(),
        BlockKind::Table { rows, .. } => rows.cells().collect(),
        BlockKind::Rule => Vec::new(),
    }
}

/// Serde for a `u64` written as 16 hex digits.
pub(crate) mod hex_u64 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(value: &u64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:016x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
        let text = String::deserialize(d)?;
        u64::from_str_radix(&text, 16)
            .map_err(|_| D::Error::custom(format!("expected 16 hex digits, found {text:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn a_soft_wrapped_paragraph_is_one_run_of_the_source() {
        let src = "One two\nthree four\nfive.\n";
        let plain = PlainText::of(&parse(src), 0..1);
        assert_eq!(plain.text, "One two three four five.");
        assert_eq!(plain.marks.len(), 1);
        for (t, c) in plain.text.char_indices() {
            let s = plain.source_at(t);
            let expected = if c == ' ' {
                [' ', '\n'].as_slice()
            } else {
                &[c]
            };
            assert!(expected.contains(&src[s..].chars().next().unwrap()), "{t}");
        }
        // With CRLF line ends the text after a break is a new run, and
        // each byte still maps to its own.
        let src = "One two\r\nthree.\r\n";
        let plain = PlainText::of(&parse(src), 0..1);
        assert_eq!(plain.text, "One two three.");
        assert_eq!(plain.source_at(8), src.find("three").unwrap());
        assert_eq!(plain.source_range(4..13), 4..src.find('.').unwrap());
    }

    /// An article of three sections of distinct paragraphs.
    fn article() -> String {
        const SENTENCES: [&str; 12] = [
            "The village woke early, long before the bells of the old church rang.",
            "Nobody remembered who first proposed *the plan*, only that it spread.",
            "Letters went back and forth across the valley for most of a year.",
            "Paragraph 2 of section 0 is where the millers began to keep accounts.",
            "In spring the river rose and took the lower bridge with it again.",
            "Some argued for patience; others wanted to march on the capital.",
            "Paragraph 2 of section 1 tells how people met, argued about the plan \
             and wrote letters home.",
            "By autumn the opposition had a name, a printing press and two rooms.",
            "The trials that followed were short, loud and mostly for show.",
            "Afterwards the survivors wrote memoirs that disagree on every date.",
            "Paragraph 2 of section 2 notes that the bridge was rebuilt in stone.",
            "What remains is a square, a plaque and a song the children still sing.",
        ];
        let mut s = String::from("# The Long Article\n\nIntro paragraph before any section.\n\n");
        for (i, name) in ["Origins", "Birth of the Opposition", "Aftermath"]
            .iter()
            .enumerate()
        {
            s.push_str(&format!("## {name}\n\n"));
            for sentence in &SENTENCES[i * 4..i * 4 + 4] {
                s.push_str(&format!("{sentence}\n\n"));
            }
        }
        s
    }

    fn anchor_on(src: &str, needle: &str) -> Anchor {
        let doc = parse(src);
        let byte = src.find(needle).expect("needle in article");
        Anchor::at(&doc, Position(byte))
    }

    fn restore(anchor: &Anchor, src: &str) -> (Position, Restored) {
        let (pos, how) = anchor.restore(&parse(src), src);
        assert!(src.is_char_boundary(pos.0) && pos.0 <= src.len());
        (pos, how)
    }

    const TARGET: &str = "Paragraph 2 of section 1";

    #[test]
    fn quote_is_plain_collapsed_text() {
        let a = anchor_on(&article(), TARGET);
        assert!(
            a.quote
                .starts_with("Paragraph 2 of section 1 tells how people met, argued about the")
        );
        assert!(!a.quote.contains('*') && !a.quote.contains("  "));
        // The last character was a space, trimmed.
        assert_eq!(a.quote.chars().count(), QUOTE_CHARS - 1);
        assert_eq!(a.section.as_deref(), Some("birth-of-the-opposition"));
    }

    #[test]
    fn an_anchor_keeps_its_sections_title_and_reads_older_records() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        assert_eq!(a.section_title.as_deref(), Some("Birth of the Opposition"));
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["section_title"], "Birth of the Opposition");
        // A record written before titles were kept.
        let mut older = json.clone();
        older.as_object_mut().unwrap().remove("section_title");
        let read: Anchor = serde_json::from_value(older.clone()).unwrap();
        assert_eq!(read.section_title, None);
        assert_eq!(read.section, a.section);
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            older,
            "none is not written"
        );
    }

    #[test]
    fn identical_file_is_exact() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        assert_eq!(restore(&a, &src), (Position(a.byte), Restored::Exact));
    }

    #[test]
    fn paragraphs_inserted_above_are_skipped_by_the_quote() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let edited = src.replacen(
            "Intro paragraph",
            "A new opening.\n\nAnd another one, quite long, written later.\n\nIntro paragraph",
            1,
        );
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Quote);
        assert_eq!(pos.0, edited.find(TARGET).unwrap());
    }

    #[test]
    fn a_repeated_quote_takes_the_hit_nearest_the_scaled_byte() {
        let para = "The same sentence, repeated many times over in this article.\n\n";
        let src = para.repeat(10);
        let doc = parse(&src);
        let a = Anchor::at(&doc, Position(para.len() * 6));
        let longer = format!("Preface.\n\n{src}");
        let (pos, how) = restore(&a, &longer);
        assert_eq!(how, Restored::Quote);
        assert_eq!(pos.0, "Preface.\n\n".len() + para.len() * 6);
    }

    #[test]
    fn the_paragraph_edited_slightly_is_found_approximately() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let edited = src.replace(
            "Paragraph 2 of section 1 tells how people met,",
            "Paragraph 2 of section 1 tells how people gathered,",
        );
        assert_ne!(edited, src);
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Fuzzy);
        assert_eq!(pos.0, edited.find(TARGET).unwrap());
    }

    #[test]
    fn an_edit_at_the_start_of_the_quote_still_lands_in_the_paragraph() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let edited = src.replace(TARGET, "Part two of section one");
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Fuzzy);
        let para = edited.find("Part two of section one").unwrap();
        let doc = parse(&edited);
        assert_eq!(doc.block_at(pos), doc.block_at(Position(para)));
    }

    #[test]
    fn a_paragraph_put_under_the_heading_of_the_place_leaves_it_on_the_heading() {
        let src = article();
        let heading = src.find("## Birth").unwrap();
        let a = anchor_on(&src, "## Birth");
        assert_eq!(a.byte, heading);
        let edited = src.replacen(
            "## Birth of the Opposition\n\n",
            "## Birth of the Opposition\n\nA paragraph written later, right under the heading, \
             that the place must not land in.\n\n",
            1,
        );
        assert_ne!(edited, src);
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Fuzzy);
        assert_eq!(pos.0, heading, "{}", &edited[pos.0..]);
    }

    /// An edit at the start of the quote of a place in a paragraph: the
    /// place stays at that paragraph, not at a word like its first that
    /// starts a paragraph above.
    #[test]
    fn an_edit_at_a_quotes_first_word_keeps_the_place_in_its_paragraph() {
        let src = "# T\n\n## S\n\nTheir leaders met in the hall that winter, and argued.\n\n\
                   Another paragraph goes here, about something else entirely.\n\n\
                   Their army marched north along the river before the thaw came.\n";
        let a = anchor_on(src, "Their army");
        let edited = src.replace("Their army", "The army");
        let (pos, _) = restore(&a, &edited);
        // Near it (the quote's lost lead is stepped back over), never two
        // paragraphs up where the other "Their" is.
        let para = edited.find("The army").unwrap();
        assert!(pos.0 + 16 >= para && pos.0 <= para, "{}", &edited[pos.0..]);
    }

    #[test]
    fn a_section_deleted_above_is_skipped_by_the_quote() {
        let src = article();
        let a = anchor_on(&src, "Afterwards the survivors");
        let start = src.find("## Birth").unwrap();
        let end = src.find("## Aftermath").unwrap();
        let edited = format!("{}{}", &src[..start], &src[end..]);
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Quote);
        assert_eq!(pos.0, edited.find("Afterwards the survivors").unwrap());
    }

    #[test]
    fn the_anchors_own_section_deleted_falls_back_to_the_fraction() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let start = src.find("## Birth").unwrap();
        let end = src.find("## Aftermath").unwrap();
        let edited = format!("{}{}", &src[..start], &src[end..]);
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Fraction);
        assert_eq!(pos.0, scale(a.byte, src.len(), edited.len()));
    }

    /// A place on words said in two sections (a pull quote in the
    /// introduction): found in its own section after an edit that puts
    /// the length's guess nearer the other copy.
    #[test]
    fn a_place_on_words_said_twice_stays_in_its_section() {
        let said = "Good typography is invisible until it is missing, and the rest follows.";
        let filler = "Words that fill the column and keep the reader going. ".repeat(6);
        let body = format!(
            "# Columns\n\n{filler}\n\n> {said}\n\n{filler}\n\n## Measure\n\n{filler}\n\n\
             {said}\n\n{filler}\n\n"
        );
        let src = format!(
            "{body}## Comments\n\n{}",
            format!("{filler}\n\n").repeat(12)
        );
        let byte = src.rfind(said).unwrap();
        let a = Anchor::at(&parse(&src), Position(byte));
        assert_eq!(a.section.as_deref(), Some("measure"));
        let edited = body.replacen("Words that", "Words which", 1);
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Quote);
        assert_eq!(pos.0, edited.rfind(said).unwrap());
    }

    #[test]
    fn a_rewritten_section_restores_to_its_start() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let start = src.find("## Birth").unwrap();
        let end = src.find("## Aftermath").unwrap();
        let edited = format!(
            "{}## Birth of the Opposition\n\nAll new words here.\n\n{}",
            &src[..start],
            &src[end..]
        );
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Section);
        assert_eq!(pos.0, edited.find("## Birth").unwrap());
    }

    #[test]
    fn the_whole_file_replaced_keeps_the_fraction_on_a_char_boundary() {
        let src = article();
        let a = anchor_on(&src, TARGET);
        let replaced = "漢字仮名交じり文。".repeat(200);
        let (pos, how) = restore(&a, &replaced);
        assert_eq!(how, Restored::Fraction);
        let expected = scale(a.byte, src.len(), replaced.len());
        assert!(
            pos.0 <= expected && expected - pos.0 < 3,
            "{pos:?} {expected}"
        );
        assert_eq!(restore(&a, ""), (Position(0), Restored::Fraction));
    }

    #[test]
    fn text_before_the_first_heading_is_its_own_section() {
        let src = "Some opening words that come before the first heading of it all.\n\n# Title\n\nBody.\n";
        let a = anchor_on(src, "opening");
        assert_eq!(a.section, None);
        let edited = src.replace("words that come", "words which come");
        let (pos, how) = restore(&a, &edited);
        assert_eq!(how, Restored::Fuzzy);
        assert_eq!(pos.0, edited.find("opening").unwrap());
    }

    #[test]
    fn a_bad_byte_is_clamped_to_a_char_boundary() {
        let src = "# 漢字\n\nかなの文。\n";
        let doc = parse(src);
        let mut a = Anchor::at(&doc, Position(10_000));
        assert_eq!(a.byte, src.len());
        a.byte = 4; // inside 漢, bytes 2..5
        assert_eq!(a.restore(&doc, src), (Position(2), Restored::Exact));
    }

    #[test]
    fn words_of_code_lines_and_table_cells_stay_apart() {
        let src = "```\nalpha\nbeta\n```\n\n| one | two |\n|---|---|\n| three | four |\n";
        let a = anchor_on(src, "alpha");
        assert_eq!(a.quote, "alpha beta one two three four");
    }

    #[test]
    fn anchor_json_round_trips_with_a_hex_fingerprint() {
        let a = anchor_on(&article(), TARGET);
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.contains(&format!("\"fingerprint\":\"{:016x}\"", a.fingerprint)));
        assert_eq!(serde_json::from_str::<Anchor>(&json).unwrap(), a);
        let bad = json.replace(&format!("{:016x}", a.fingerprint), "xyz");
        assert!(serde_json::from_str::<Anchor>(&bad).is_err());
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::layout::Layout;
    use crate::parse::parse;

    /// Pieces of Markdown: plain words, wide and combining characters,
    /// emoji, inline markup and block structure.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,10}",
            Just("漢字".to_string()),
            Just("仮名の文。".to_string()),
            Just("👩‍🔬".to_string()),
            Just("🇯🇵".to_string()),
            Just("cafe\u{301}".to_string()),
            Just("**bold**".to_string()),
            Just("_it_".to_string()),
            Just("`code`".to_string()),
            Just("\"quoted\" -- dash".to_string()),
            Just("[link](#x)".to_string()),
            Just("\n\n# Head\n\n".to_string()),
            Just("\n\n## Sub head\n\n".to_string()),
            Just("\n\n- item\n  - sub\n".to_string()),
            Just("\n\n1. first\n2. second\n".to_string()),
            Just("\n\n> quote\n> > deep\n\n".to_string()),
            Just("\n\n```\ncode\tline\n  indented\n```\n\n".to_string()),
            Just("\n\n| a | b |\n|---|---|\n| 漢字 | x |\n\n".to_string()),
            Just("\n\n---\n\n".to_string()),
        ]
    }

    fn markdown() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (token(), prop_oneof![Just(" "), Just(""), Just("\n")]),
            0..40,
        )
        .prop_map(|parts| parts.into_iter().map(|(t, sep)| t + sep).collect())
    }

    const WIDTHS: [usize; 3] = [30, 80, 200];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Saving a position and restoring it in the same article puts the
        /// same line on top at every width.
        #[test]
        fn restore_in_the_same_article_keeps_the_top_line(src in markdown(), at in 0usize..2000) {
            let doc = parse(&src);
            let byte = at % (src.len() + 1);
            let json = serde_json::to_string(&Anchor::at(&doc, Position(byte))).unwrap();
            let anchor: Anchor = serde_json::from_str(&json).unwrap();
            let (pos, how) = anchor.restore(&doc, &src);
            prop_assert_eq!(how, Restored::Exact);
            prop_assert!(src.is_char_boundary(pos.0));
            for width in WIDTHS {
                let mut layout = Layout::new(&doc, width);
                prop_assert_eq!(layout.line_at(&doc, pos), layout.line_at(&doc, Position(byte)));
            }
        }

        /// With the fingerprint lost, the quote alone finds the start of a
        /// line of text again.
        #[test]
        fn the_quote_finds_a_line_start_again(src in markdown(), pick in 0usize..1000) {
            let doc = parse(&src);
            let lines = crate::layout::layout_all(&doc, 30);
            let text_lines: Vec<_> = lines
                .iter()
                .filter(|l| l.end > l.start && !src[l.start..l.end].trim().is_empty())
                .collect();
            prop_assume!(!text_lines.is_empty());
            let line = text_lines[pick % text_lines.len()];
            let mut anchor = Anchor::at(&doc, Position(line.start));
            prop_assume!(!anchor.quote.is_empty());
            anchor.fingerprint ^= 1;
            let (pos, how) = anchor.restore(&doc, &src);
            prop_assert_eq!(how, Restored::Quote);
            // Whitespace is not quoted: an indented code line is found at
            // its first visible character.
            if !src[line.start..].starts_with(char::is_whitespace) {
                prop_assert_eq!(pos.0, line.start, "quote {:?}", anchor.quote);
            }
            let mut layout = Layout::new(&doc, 30);
            prop_assert_eq!(layout.line_at(&doc, pos), layout.line_at(&doc, Position(line.start)),
                "{:?} → {:?} quote {:?}", line.start, pos, anchor.quote);
        }

        /// Whatever the edit, a restored position is inside the new article
        /// and on a char boundary.
        #[test]
        fn restore_after_any_edit_is_in_bounds(a in markdown(), b in markdown(), at in 0usize..2000) {
            let doc = parse(&a);
            let anchor = Anchor::at(&doc, Position(at % (a.len() + 1)));
            let (pos, _) = anchor.restore(&parse(&b), &b);
            prop_assert!(pos.0 <= b.len() && b.is_char_boundary(pos.0));
        }
    }
}
