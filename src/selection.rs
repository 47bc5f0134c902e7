//! Selecting text: a range of source bytes between a fixed end and a
//! moving one, and the motions that move the moving end over the text the
//! reader sees (by word, sentence, paragraph, line and line end).
//!
//! A selection works on drawn text only. Each block's drawn text is read
//! from its spans (`BlockText`), which know the source byte of every
//! character; motions find word and sentence boundaries in that text
//! (UAX #29, `unicode-segmentation`) and map them back to source bytes.
//! So an end never lands in markup or a link's target, and the text of a
//! selection is what was on screen. Line motions need the layout: they take
//! laid-out `Line`s as plain data. Nothing here knows of a terminal.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::document::{BlockKind, Document, Span};
use crate::layout::Line;

/// A selection: a fixed part (`anchor`, the word or match it began with,
/// or an empty range) and a moving end (`head`). It covers both, so the
/// word a selection started on stays selected whichever way it grows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selection {
    pub anchor: Range<usize>,
    pub head: usize,
}

impl Selection {
    /// A selection of `range`, its end moving.
    pub fn of(range: Range<usize>) -> Selection {
        Selection {
            head: range.end,
            anchor: range,
        }
    }

    /// The source bytes selected.
    pub fn range(&self) -> Range<usize> {
        self.anchor.start.min(self.head)..self.anchor.end.max(self.head)
    }

    /// `o`: the other end moves from now on; the selection is unchanged.
    pub fn swap(&mut self) {
        let r = self.range();
        if self.head == r.end {
            self.anchor = r.end..r.end;
            self.head = r.start;
        } else {
            self.anchor = r.start..r.start;
            self.head = r.end;
        }
    }
}

/// A motion of the moving end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motion {
    /// `w`: to the start of the next word (the end of a block's last).
    WordNext,
    /// `b`: to the start of the word before.
    WordPrev,
    /// `e`: to the end of the word, or of the next one.
    WordEnd,
    /// `)`: to the end of the sentence, or of the next one.
    SentenceNext,
    /// `(`: to the start of the sentence, or of the one before.
    SentencePrev,
    /// `}`: to the end of the paragraph (block), or of the next one.
    ParagraphNext,
    /// `{`: to the start of the paragraph, or of the one before.
    ParagraphPrev,
}

/// One run of a block's drawn text and the source it shows.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Piece {
    /// Where the run starts in `BlockText::text`.
    at: usize,
    len: usize,
    /// The source byte of its first byte.
    source: usize,
    /// The source byte after it: for an inexact run (an entity, a smart
    /// quote, a stand-in), after the one source character it stands for.
    source_end: usize,
    exact: bool,
}

/// The drawn text of one block, with the source byte of each run. Lines of
/// code and table cells are set apart by a line end that shows no source.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockText {
    pub text: String,
    pieces: Vec<Piece>,
}

impl BlockText {
    /// The drawn text of block `b`.
    pub fn of(doc: &Document, b: usize) -> BlockText {
        let mut out = BlockText::default();
        let Some(block) = doc.blocks.get(b) else {
            return out;
        };
        let src: &str = &doc.text;
        match &block.kind {
            BlockKind::Heading { spans } => {
                for span in spans {
                    out.push(span, src);
                }
            }
            BlockKind::Paragraph { spans } => {
                for span in spans.iter() {
                    out.push(span, src);
                }
            }
            BlockKind::Code(code) => out.push_lines(&code.lines, src),
            BlockKind::Table { rows, .. } => {
                for cell in rows.cells() {
                    out.separate();
                    for span in cell {
                        out.push(span, src);
                    }
                }
            }
            BlockKind::Rule => {}
        }
        out
    }

    fn push(&mut self, span: &Span, src: &str) {
        let shown = span.shown(src);
        if shown.is_empty() {
            return;
        }
        let exact = span.exact();
        let source_end = if exact {
            span.source() + shown.len()
        } else {
            next_boundary(src, span.source())
        };
        self.pieces.push(Piece {
            at: self.text.len(),
            len: shown.len(),
            source: span.source(),
            source_end,
            exact,
        });
        self.text.push_str(&shown);
    }

    /// A line end between lines of code or cells, unless at the start.
    /// The lines of a code block, each on a line of its own.
    fn push_lines(&mut self, lines: &crate::document::Lines, src: &str) {
        for line in lines.iter() {
            self.separate();
            for span in line {
                self.push(span, src);
            }
        }
    }

    fn separate(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.text.push('\n');
        }
    }

    /// The source byte where text from offset `t` on starts. An offset
    /// inside an inexact run takes all of it; one between runs takes the
    /// next run's start.
    pub fn source_from(&self, t: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.at + p.len <= t);
        let p = self.pieces.get(i)?;
        Some(if t <= p.at || !p.exact {
            p.source
        } else {
            p.source + (t - p.at)
        })
    }

    /// The source byte after the text before offset `t`.
    pub fn source_to(&self, t: usize) -> Option<usize> {
        let i = self.pieces.partition_point(|p| p.at < t);
        let p = self.pieces[..i].last()?;
        Some(if t >= p.at + p.len || !p.exact {
            p.source_end
        } else {
            p.source + (t - p.at)
        })
    }

    /// The offset in the text that shows source byte `s`: the first run at
    /// or after it when it is not drawn (markup), or the text's end.
    pub fn offset_of(&self, s: usize) -> usize {
        for p in &self.pieces {
            if s < p.source_end {
                if s <= p.source || !p.exact {
                    return p.at;
                }
                let mut t = p.at + (s - p.source);
                while !self.text.is_char_boundary(t) {
                    t -= 1;
                }
                return t;
            }
        }
        self.text.len()
    }

    /// The words of the text, as offset ranges: runs that are not space
    /// and not only punctuation. An emoji is a word; each CJK ideograph is
    /// one (UAX #29 has no dictionary).
    pub fn words(&self) -> Vec<Range<usize>> {
        self.text
            .split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(|c| !c.is_whitespace() && !is_punctuation(c)))
            .map(|(i, w)| i..i + w.len())
            .collect()
    }

    /// The sentences of the text (UAX #29), as offset ranges without the
    /// space after them; blank ones are left out.
    pub fn sentences(&self) -> Vec<Range<usize>> {
        self.text
            .split_sentence_bound_indices()
            .filter_map(|(i, s)| {
                let trimmed = s.trim_end();
                let lead = trimmed.len() - trimmed.trim_start().len();
                (!trimmed.trim_start().is_empty()).then(|| i + lead..i + trimmed.len())
            })
            .collect()
    }

    /// The whole drawn text without space at its ends, as offsets.
    fn trimmed(&self) -> Option<Range<usize>> {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text.trim_end().len();
        (start < end).then_some(start..end)
    }
}

fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(
            c,
            '‘' | '’'
                | '“'
                | '”'
                | '«'
                | '»'
                | '—'
                | '–'
                | '…'
                | '・'
                | '、'
                | '。'
                | '，'
                | '！'
                | '？'
                | '：'
                | '；'
                | '「'
                | '」'
                | '『'
                | '』'
                | '（'
                | '）'
                | '؟'
                | '،'
                | '؛'
                | '¡'
                | '¿'
        )
}

/// The char boundary after source byte `s`.
fn next_boundary(src: &str, s: usize) -> usize {
    let mut e = (s + 1).min(src.len());
    while e < src.len() && !src.is_char_boundary(e) {
        e += 1;
    }
    e.max(s)
}

/// Where `motion` takes the moving end from source byte `head`; `head`
/// itself when there is nowhere to go. Blocks are looked at from the one
/// holding the head on, forward or backward, until one has a place.
pub fn motion(doc: &Document, head: usize, motion: Motion) -> usize {
    if doc.blocks.is_empty() {
        return head;
    }
    let forward = matches!(
        motion,
        Motion::WordNext | Motion::WordEnd | Motion::SentenceNext | Motion::ParagraphNext
    );
    let mut b = block_of(doc, head);
    loop {
        let bt = BlockText::of(doc, b);
        let units = match motion {
            Motion::WordNext | Motion::WordPrev | Motion::WordEnd => bt.words(),
            Motion::SentenceNext | Motion::SentencePrev => bt.sentences(),
            Motion::ParagraphNext | Motion::ParagraphPrev => bt.trimmed().into_iter().collect(),
        };
        let found = match motion {
            // The start of the next word, or the end of the block's last
            // one: so `w` on the last word of the article takes it in.
            Motion::WordNext => units
                .iter()
                .filter_map(|u| bt.source_from(u.start))
                .chain(units.last().and_then(|u| bt.source_to(u.end)))
                .find(|&s| s > head),
            Motion::WordEnd | Motion::SentenceNext | Motion::ParagraphNext => units
                .iter()
                .filter_map(|u| bt.source_to(u.end))
                .find(|&s| s > head),
            Motion::WordPrev | Motion::SentencePrev | Motion::ParagraphPrev => units
                .iter()
                .rev()
                .filter_map(|u| bt.source_from(u.start))
                .find(|&s| s < head),
        };
        if let Some(s) = found {
            return s;
        }
        b = if forward {
            if b + 1 >= doc.blocks.len() {
                return head;
            }
            b + 1
        } else {
            match b.checked_sub(1) {
                Some(prev) => prev,
                None => return head,
            }
        };
    }
}

/// The most steps one key's motion takes in `extend` looking for a word
/// (a long run of punctuation between two words): a bound, not a limit
/// any text reaches.
const EXTEND_STEPS: usize = 256;

/// Move the moving end of `sel` by `m` as a key does: as often as it
/// takes for the selection to change where the reader sees it. A word
/// motion goes on until it takes in or gives up a word; a sentence or
/// paragraph motion until it takes in or gives up any drawn text (the full
/// stop that ends a sentence is enough). A motion that only crosses space
/// or the selection's fixed part changes nothing, so it goes on: `w` from
/// the end of a word passes the start of the next one to the start of the
/// one after it, taking in the word between; `b` from the end of the first
/// word selected passes its start (which the fixed part keeps selected) to
/// the start of the word before. Where the motion has nowhere further to
/// go, the end stays where it got to.
pub fn extend(doc: &Document, sel: &mut Selection, m: Motion) {
    let words = matches!(m, Motion::WordNext | Motion::WordPrev | Motion::WordEnd);
    for _ in 0..EXTEND_STEPS {
        let from = sel.head;
        let to = motion(doc, from, m);
        if to == from {
            return;
        }
        sel.head = to;
        if crosses_text(doc, from.min(to)..from.max(to), &sel.anchor, words) {
            return;
        }
    }
}

/// Whether drawn text lies in the source bytes `span` outside `fixed`:
/// any but space, or with `words` only that of a word (not space, not
/// only punctuation).
fn crosses_text(doc: &Document, span: Range<usize>, fixed: &Range<usize>, words: bool) -> bool {
    let before = span.start..span.end.min(fixed.start);
    let after = span.start.max(fixed.end)..span.end;
    [before, after].into_iter().any(|part| {
        part.start < part.end
            && text_of(doc, part)
                .chars()
                .any(|c| !(c.is_whitespace() || words && is_punctuation(c)))
    })
}

/// The block holding source byte `pos`.
fn block_of(doc: &Document, pos: usize) -> usize {
    doc.block_at(crate::position::Position(pos))
}

/// The word at source byte `pos`, or the next one after it (the first word
/// of a line that starts with space); `None` past the last word.
pub fn word_at(doc: &Document, pos: usize) -> Option<Range<usize>> {
    unit_at(doc, pos, BlockText::words)
}

/// Source byte `at` moved to a word's edge, for a moving end that came
/// there by line (`j`, `k`) or by pointer: past the selection's fixed
/// part, to the end of the word under it; before it, to the word's start.
/// So a selection holds whole words, as a highlight should. On space, or
/// within the fixed part, `at` itself.
pub fn whole_word(doc: &Document, at: usize, fixed: &Range<usize>) -> usize {
    let word = word_at(doc, at).filter(|w| w.start <= at);
    match word {
        Some(w) if at >= fixed.end => w.end.max(at),
        Some(w) if at < fixed.start => w.start,
        _ => at,
    }
}

/// The sentence at source byte `pos`, or the next one.
pub fn sentence_at(doc: &Document, pos: usize) -> Option<Range<usize>> {
    unit_at(doc, pos, BlockText::sentences)
}

/// The drawn text of the block at `pos` (a paragraph, a heading, a code
/// block, a table), without space at its ends.
pub fn paragraph_at(doc: &Document, pos: usize) -> Option<Range<usize>> {
    unit_at(doc, pos, |bt| bt.trimmed().into_iter().collect())
}

fn unit_at(
    doc: &Document,
    pos: usize,
    units: impl Fn(&BlockText) -> Vec<Range<usize>>,
) -> Option<Range<usize>> {
    if doc.blocks.is_empty() {
        return None;
    }
    let first = block_of(doc, pos);
    for b in first..doc.blocks.len() {
        let bt = BlockText::of(doc, b);
        let t = if b == first { bt.offset_of(pos) } else { 0 };
        if let Some(u) = units(&bt).into_iter().find(|u| u.end > t) {
            return Some(bt.source_from(u.start)?..bt.source_to(u.end)?);
        }
    }
    None
}

/// The drawn text of source bytes `range`, as the reader sees it: space
/// at its ends trimmed, blocks set apart by a blank line, lines of code and
/// cells by a line end.
pub fn text_of(doc: &Document, range: Range<usize>) -> String {
    let mut parts: Vec<String> = Vec::new();
    if doc.blocks.is_empty() || range.start >= range.end {
        return String::new();
    }
    let first = block_of(doc, range.start);
    for (b, block) in doc.blocks.iter().enumerate().skip(first) {
        if block.source().start >= range.end && b > first {
            break;
        }
        let bt = BlockText::of(doc, b);
        let from = bt.offset_of(range.start);
        let to = bt.offset_of(range.end).max(from);
        let part = bt.text[from..to].trim();
        if !part.is_empty() {
            parts.push(part.to_string());
        }
    }
    parts.join("\n\n")
}

/// `range` with space and undrawn bytes at its ends left out: the start
/// moves to the first drawn character that is not space, the end back to
/// after the last. Empty when nothing but space is selected.
pub fn trimmed(doc: &Document, range: Range<usize>) -> Range<usize> {
    if doc.blocks.is_empty() || range.start >= range.end {
        return range.start..range.start;
    }
    let mut start = None;
    let first = block_of(doc, range.start);
    let last = block_of(doc, range.end.saturating_sub(1)).max(first);
    for b in first..=last {
        let bt = BlockText::of(doc, b);
        let from = bt.offset_of(range.start);
        let lead = bt.text[from..].len() - without_closers(&bt.text[from..]).len();
        if let Some(s) = bt.source_from(from + lead).filter(|&s| s < range.end) {
            start = Some(s.max(range.start));
            break;
        }
    }
    let Some(start) = start else {
        return range.start..range.start;
    };
    for b in (first..=last).rev() {
        let bt = BlockText::of(doc, b);
        let to = bt.offset_of(range.end);
        let kept = without_openers(&bt.text[..to]).len();
        if let Some(e) = bt.source_to(kept).filter(|&e| e > start) {
            return start..e.min(range.end);
        }
    }
    start..start
}

/// `text` without the space at its end, nor a quotation mark or bracket
/// that opens what comes after it (`then “` of `then “infinite”`): a
/// selection that ends there holds whole words, not the mark of the next.
fn without_openers(text: &str) -> &str {
    let mut t = text.trim_end();
    loop {
        let mut chars = t.chars();
        let last = chars.next_back();
        let before = chars.next_back();
        let opens = match last {
            Some(
                '“' | '‘' | '«' | '„' | '‚' | '(' | '[' | '{' | '¿' | '¡' | '「' | '『' | '（',
            ) => true,
            // A straight quote opens when it follows space.
            Some('"' | '\'') => before.is_none_or(char::is_whitespace),
            _ => false,
        };
        if !opens {
            return t;
        }
        t = t[..t.len() - last.map_or(0, char::len_utf8)].trim_end();
    }
}

/// `text` without the space at its start, nor a quotation mark or
/// bracket that closes what came before it: as `without_openers`.
fn without_closers(text: &str) -> &str {
    let mut t = text.trim_start();
    loop {
        let mut chars = t.chars();
        let first = chars.next();
        let after = chars.next();
        let closes = match first {
            Some('”' | '’' | '»' | ')' | ']' | '}' | '」' | '』' | '）') => true,
            Some('"' | '\'') => after.is_none_or(char::is_whitespace),
            _ => false,
        };
        if !closes {
            return t;
        }
        t = t[first.map_or(0, char::len_utf8)..].trim_start();
    }
}

/// One drawn cluster of a visual line: its column and source bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cell {
    pub column: usize,
    pub width: usize,
    pub source: usize,
    pub source_end: usize,
    pub space: bool,
}

/// The clusters of a laid-out line that show source text, with their
/// columns; `src` is the document's text. Decoration (markers, bars,
/// borders) has no source and is left out.
pub fn cells(line: &Line, src: &str) -> Vec<Cell> {
    let mut out = Vec::new();
    let mut column = 0;
    for seg in &line.segs {
        for (i, g) in seg.text.grapheme_indices(true) {
            let width = g.width();
            if let Some(source) = seg.source {
                let (source, source_end) = if seg.exact {
                    (source + i, source + i + g.len())
                } else {
                    (source, next_boundary(src, source))
                };
                out.push(Cell {
                    column,
                    width,
                    source,
                    source_end,
                    space: g.chars().all(char::is_whitespace),
                });
            }
            column += width;
        }
    }
    out
}

/// The column at which source byte `head` is drawn on a line: the first
/// cluster at or after it in the source, else the end of the line. A line
/// of right-to-left text draws its clusters in another order than the
/// source's (see `layout`), so they are taken by source, not by column.
pub fn column_of(cells: &[Cell], head: usize) -> usize {
    if let Some(c) = cells
        .iter()
        .filter(|c| c.source_end > head)
        .min_by_key(|c| c.source)
    {
        return c.column;
    }
    // After the line's text: beyond its last cluster, on the side the
    // line runs to.
    let Some(last) = cells.iter().max_by_key(|c| c.source_end) else {
        return 0;
    };
    let rightmost = cells.iter().all(|c| c.column <= last.column);
    if rightmost {
        last.column + last.width
    } else {
        last.column
    }
}

/// The source byte drawn at `column` of a line: the cluster there, or the
/// end of the line's last one when the line is shorter; `None` for a line
/// with no text.
pub fn at_column(cells: &[Cell], column: usize) -> Option<usize> {
    let drawn: Vec<&Cell> = cells.iter().filter(|c| !c.space).collect();
    let last = drawn.last()?;
    if column >= last.column + last.width {
        return Some(last.source_end);
    }
    Some(
        cells
            .iter()
            .find(|c| column < c.column + c.width.max(1))
            .map_or(last.source_end, |c| c.source),
    )
}

/// `at_column` for a motion up: on a line shorter than `column`, the start
/// of its last cluster, so that the word it ends with is taken in (as `j`
/// takes in the last word of a shorter line below).
pub fn at_column_back(cells: &[Cell], column: usize) -> Option<usize> {
    let end = cells.iter().rposition(|c| !c.space)?;
    let last = &cells[end];
    if column >= last.column + last.width {
        // The run of clusters without a space that ends the line: its
        // first (a word and its stop, `here.`).
        let run = cells[..=end].iter().rev().take_while(|c| !c.space);
        return run.map(|c| c.source).min();
    }
    at_column(cells, column)
}

/// `0`: the start of the line's text (at the right edge of a line of
/// right-to-left text).
pub fn line_start(cells: &[Cell]) -> Option<usize> {
    cells.iter().filter(|c| !c.space).map(|c| c.source).min()
}

/// `$`: the end of the line's text, space after it left out.
pub fn line_end(cells: &[Cell]) -> Option<usize> {
    cells
        .iter()
        .filter(|c| !c.space)
        .map(|c| c.source_end)
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use proptest::prelude::*;

    /// Apply motions from the start of the first word and give the text.
    fn select(src: &str, start: &str, motions: &[Motion]) -> String {
        let doc = parse(src);
        let at = src.find(start).expect("start in the source");
        let word = word_at(&doc, at).expect("a word");
        let mut sel = Selection::of(word);
        for &m in motions {
            sel.head = motion(&doc, sel.head, m);
        }
        text_of(&doc, sel.range())
    }

    /// Apply motions as keys do (`extend`) from the word at `start`.
    fn keyed(src: &str, start: &str, motions: &[Motion]) -> String {
        let doc = parse(src);
        let at = src.find(start).expect("start in the source");
        let mut sel = Selection::of(word_at(&doc, at).expect("a word"));
        for &m in motions {
            extend(&doc, &mut sel, m);
        }
        text_of(&doc, sel.range())
    }

    /// The passage a selection keeps (`trimmed`) from the word at `start`
    /// after `motions` as keys make them.
    fn kept(src: &str, start: &str, motions: &[Motion]) -> String {
        let doc = parse(src);
        let at = src.find(start).expect("start in the source");
        let mut sel = Selection::of(word_at(&doc, at).expect("a word"));
        for &m in motions {
            extend(&doc, &mut sel, m);
        }
        text_of(&doc, trimmed(&doc, sel.range()))
    }

    #[test]
    fn a_selection_keeps_no_mark_of_the_word_it_stops_before() {
        let src = "And then “infinite” scroll, and then \"more\" (maybe) here.\n";
        assert_eq!(kept(src, "And", &[Motion::WordNext]), "And then");
        assert_eq!(
            kept(src, "And", &[Motion::WordNext, Motion::WordNext]),
            "And then “infinite”"
        );
        assert_eq!(kept(src, "and then", &[Motion::WordNext]), "and then");
        assert_eq!(
            kept(src, "and then", &[Motion::WordNext, Motion::WordNext]),
            "and then “more”"
        );
        assert_eq!(kept(src, "more", &[Motion::WordNext]), "more” (maybe)");
        // Backwards: no closing mark of the word before.
        assert_eq!(kept(src, "scroll", &[Motion::WordPrev]), "infinite” scroll");
        assert_eq!(kept(src, "here", &[Motion::WordPrev]), "maybe) here");
    }

    #[test]
    fn each_key_takes_in_or_gives_up_a_word() {
        let src = "Some words here, and more of them.\n";
        assert_eq!(keyed(src, "Some", &[Motion::WordNext]), "Some words");
        assert_eq!(
            keyed(src, "Some", &[Motion::WordNext, Motion::WordNext]),
            "Some words here,"
        );
        assert_eq!(
            keyed(
                src,
                "Some",
                &[Motion::WordNext, Motion::WordNext, Motion::WordPrev]
            ),
            "Some words"
        );
        // `b` from the first word passes its start, which stays selected.
        assert_eq!(keyed(src, "more", &[Motion::WordPrev]), "and more");
        assert_eq!(keyed(src, "Some", &[Motion::WordPrev]), "Some");
        // Over a link: its target is never a word.
        let link = "One *two* [three](http://x.org/four) five.\n";
        assert_eq!(
            keyed(link, "One", &[Motion::WordNext, Motion::WordNext]),
            "One two three"
        );
        assert_eq!(keyed(link, "five", &[Motion::WordPrev]), "three five");
        // Into the next block: its first word.
        let blocks = "Last words here.\n\n- next item\n";
        assert_eq!(keyed(blocks, "here", &[Motion::WordNext]), "here.\n\nnext");
        // The last word of the article: `w` takes it to its end.
        assert_eq!(
            keyed(src, "of", &[Motion::WordNext, Motion::WordNext]),
            "of them"
        );
        // A sentence from its first word: `(` goes to the one before.
        let two = "First one here. Second one, with more.\n";
        assert_eq!(
            keyed(two, "Second", &[Motion::SentencePrev]),
            "First one here. Second"
        );
        // After `o`, `w` gives up the first word.
        let doc = parse("alpha beta gamma delta\n");
        let mut sel = Selection::of(word_at(&doc, 6).unwrap());
        extend(&doc, &mut sel, Motion::WordEnd);
        sel.swap();
        extend(&doc, &mut sel, Motion::WordNext);
        assert_eq!(text_of(&doc, sel.range()), "gamma");
    }

    #[test]
    fn keys_take_in_cjk_emoji_and_rtl_words_one_at_a_time() {
        let src = "日本語の文章です。\n\nWe 👩‍👩‍👧 ride 🚲 now.\n\nשלום עולם טוב.\n";
        assert_eq!(keyed(src, "日", &[Motion::WordNext]), "日本");
        assert_eq!(keyed(src, "日", &[Motion::WordNext; 2]), "日本語");
        assert_eq!(keyed(src, "We", &[Motion::WordNext]), "We 👩‍👩‍👧");
        assert_eq!(keyed(src, "ride", &[Motion::WordNext]), "ride 🚲");
        assert_eq!(keyed(src, "now", &[Motion::WordPrev]), "🚲 now");
        assert_eq!(keyed(src, "שלום", &[Motion::WordNext]), "שלום עולם");
        assert_eq!(keyed(src, "טוב", &[Motion::WordPrev]), "עולם טוב");
    }

    #[test]
    fn a_line_motion_ends_at_a_word_edge() {
        let src = "alpha beta gamma delta\n";
        let doc = parse(src);
        let beta = src.find("beta").unwrap();
        let fixed = beta..beta + 4;
        let in_gamma = src.find("amma").unwrap();
        let in_alpha = src.find("lpha").unwrap();
        // Past the fixed part: to the end of the word; before it: to its
        // start; on a space or inside the fixed part: where it is.
        assert_eq!(
            &src[..whole_word(&doc, in_gamma, &fixed)],
            "alpha beta gamma"
        );
        assert_eq!(whole_word(&doc, in_alpha, &fixed), 0);
        let space = src.find(" delta").unwrap();
        assert_eq!(whole_word(&doc, space, &fixed), space);
        assert_eq!(whole_word(&doc, beta + 2, &fixed), beta + 2);
    }

    #[test]
    fn words_move_over_emphasis_and_links() {
        let src = "One *two* [three](http://x.org/four) five.\n";
        assert_eq!(select(src, "One", &[]), "One");
        assert_eq!(select(src, "One", &[Motion::WordEnd]), "One two");
        assert_eq!(
            select(src, "One", &[Motion::WordEnd, Motion::WordEnd]),
            "One two three"
        );
        assert_eq!(
            select(src, "One", &[Motion::WordEnd; 3]),
            "One two three five"
        );
        // The link's target is never text: `w` goes from three to five.
        assert_eq!(
            select(src, "One", &[Motion::WordNext, Motion::WordNext]),
            "One two"
        );
        // From the end of a word, `b` goes to its start first.
        assert_eq!(select(src, "five", &[Motion::WordPrev]), "five");
        assert_eq!(
            select(src, "five", &[Motion::WordPrev, Motion::WordPrev]),
            "three five"
        );
    }

    #[test]
    fn a_sentence_motion_selects_to_its_end() {
        let src = "First one here. Second one, with more. Third.\n";
        assert_eq!(
            select(src, "First", &[Motion::SentenceNext]),
            "First one here."
        );
        assert_eq!(
            select(src, "Second", &[Motion::SentenceNext, Motion::SentenceNext]),
            "Second one, with more. Third."
        );
        assert_eq!(
            select(src, "with", &[Motion::SentencePrev]),
            "Second one, with"
        );
    }

    #[test]
    fn motions_cross_blocks() {
        let src = "# Title\n\nLast words here.\n\n- next item\n\n```\ncode line\n```\n";
        assert_eq!(
            select(src, "words", &[Motion::SentenceNext, Motion::SentenceNext]),
            "words here.\n\nnext item"
        );
        assert_eq!(
            select(src, "here", &[Motion::WordNext, Motion::WordEnd]),
            "here.\n\nnext"
        );
        assert_eq!(
            select(src, "item", &[Motion::ParagraphNext]),
            "item\n\ncode line"
        );
        assert_eq!(select(src, "words", &[Motion::ParagraphPrev]), "Last words");
        assert_eq!(
            select(
                src,
                "words",
                &[Motion::ParagraphPrev, Motion::ParagraphPrev]
            ),
            "Title\n\nLast words"
        );
        assert_eq!(
            select(src, "Last", &[Motion::ParagraphNext]),
            "Last words here."
        );
    }

    #[test]
    fn code_and_table_cells_can_be_selected() {
        let src = "| a | b |\n|---|---|\n| cell one | cell two |\n\n```rust\nlet x = 1;\nlet y = 2;\n```\n";
        assert_eq!(select(src, "one", &[Motion::WordEnd]), "one\ncell");
        let doc = parse(src);
        let at = src.find("let x").unwrap();
        let block = paragraph_at(&doc, at).unwrap();
        assert_eq!(text_of(&doc, block), "let x = 1;\nlet y = 2;");
    }

    #[test]
    fn cjk_emoji_and_rtl() {
        let src = "日本語の文章です。次の文。\n\nWe 👩‍👩‍👧 ride 🚲 now.\n\nשלום עולם. מה שלומך?\n";
        assert_eq!(select(src, "日", &[]), "日");
        assert_eq!(
            select(src, "日", &[Motion::SentenceNext]),
            "日本語の文章です。"
        );
        assert_eq!(select(src, "We", &[Motion::WordEnd]), "We 👩‍👩‍👧");
        assert_eq!(select(src, "ride", &[Motion::WordEnd]), "ride 🚲");
        assert_eq!(select(src, "שלום", &[Motion::SentenceNext]), "שלום עולם.");
        assert_eq!(select(src, "שלום", &[Motion::WordEnd]), "שלום עולם");
    }

    #[test]
    fn entities_and_smart_quotes_are_whole() {
        let src = "Tom &amp; \"Jerry\" ran.\n";
        assert_eq!(
            select(src, "Tom", &[Motion::SentenceNext]),
            "Tom & “Jerry” ran."
        );
    }

    #[test]
    fn swapping_the_ends_keeps_the_selection() {
        let src = "alpha beta gamma delta\n";
        let doc = parse(src);
        let mut sel = Selection::of(word_at(&doc, 6).unwrap());
        sel.head = motion(&doc, sel.head, Motion::WordEnd);
        assert_eq!(text_of(&doc, sel.range()), "beta gamma");
        sel.swap();
        assert_eq!(text_of(&doc, sel.range()), "beta gamma");
        sel.head = motion(&doc, sel.head, Motion::WordPrev);
        assert_eq!(text_of(&doc, sel.range()), "alpha beta gamma");
    }

    #[test]
    fn trimming_leaves_space_and_markup_out() {
        let src = "Some **bold** words.\n";
        let doc = parse(src);
        let r = trimmed(&doc, 4..13);
        assert_eq!(&src[r.clone()], "bold");
        assert_eq!(text_of(&doc, r), "bold");
    }

    #[test]
    fn lines_map_columns_to_source() {
        let src = "alpha beta gamma delta epsilon zeta\n";
        let doc = parse(src);
        let lines = crate::layout::layout_all(&doc, 12);
        let cells: Vec<Vec<Cell>> = lines.iter().map(|l| cells(l, src)).collect();
        let first = &cells[0];
        let second = &cells[1];
        assert_eq!(line_start(first), Some(0));
        assert_eq!(line_end(first), Some(10));
        let beta = src.find("beta").unwrap();
        let col = column_of(first, beta);
        assert_eq!(col, 6);
        let below = at_column(second, col).unwrap();
        assert_eq!(&src[below..below + 2], "de");
    }

    #[test]
    fn lines_of_right_to_left_text_map_columns_to_source() {
        // Drawn from the right edge: שלום first, at the right.
        let src = "שלום עולם טוב מאוד\n";
        let doc = parse(src);
        let lines = crate::layout::layout_all(&doc, 12);
        let first = cells(&lines[0], src);
        assert_eq!(line_start(&first), Some(0));
        assert_eq!(line_end(&first), src.find(" טוב"));
        // The first word ends the line on the right; the second is left
        // of it.
        let shalom = column_of(&first, 0);
        let olam = column_of(&first, src.find("עולם").unwrap());
        assert!(olam < shalom, "{olam} {shalom}");
        assert_eq!(shalom, 11);
        assert_eq!(at_column(&first, shalom), Some(0));
        // Past the line's text: at its last letter, the leftmost (the
        // line is `   םלוע םולש`).
        assert_eq!(olam, 6);
        assert_eq!(column_of(&first, src.find(" טוב").unwrap() + 1), 3);
    }

    fn texty() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            "[a-z]{1,8}",
            "[日本語文章]{1,4}",
            "(👩‍👩‍👧|🚲|👍🏽)",
            "[שלוםעולם]{1,5}",
            Just("*em*".to_string()),
            Just("[link](http://e.org/x)".to_string()),
            Just("&amp;".to_string()),
        ];
        let sep = prop_oneof![
            Just(" ".to_string()),
            Just(". ".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("。".to_string()),
        ];
        prop::collection::vec((word, sep), 1..30)
            .prop_map(|v| v.into_iter().map(|(w, s)| w + &s).collect())
    }

    proptest! {
        #[test]
        fn motions_land_on_char_boundaries_and_move_their_way(
            src in texty(),
            at in 0usize..400,
            which in 0usize..7,
        ) {
            let doc = parse(&src);
            let at = at.min(src.len());
            let at = (0..=at).rev().find(|&i| src.is_char_boundary(i)).unwrap_or(0);
            let m = [
                Motion::WordNext, Motion::WordPrev, Motion::WordEnd,
                Motion::SentenceNext, Motion::SentencePrev,
                Motion::ParagraphNext, Motion::ParagraphPrev,
            ][which];
            let to = motion(&doc, at, m);
            prop_assert!(src.is_char_boundary(to));
            prop_assert!(to <= src.len());
            if matches!(m, Motion::WordPrev | Motion::SentencePrev | Motion::ParagraphPrev) {
                prop_assert!(to <= at);
            } else {
                prop_assert!(to >= at);
            }
        }

        /// A key's motion changes the text selected, unless there is
        /// nowhere further for it to go.
        #[test]
        fn every_key_changes_the_selection_or_has_nowhere_to_go(
            src in texty(),
            a in 0usize..400,
            keys in prop::collection::vec(0usize..7, 1..6),
        ) {
            let doc = parse(&src);
            let Some(word) = word_at(&doc, a.min(src.len())) else { return Ok(()) };
            let mut sel = Selection::of(word);
            for k in keys {
                let m = [
                    Motion::WordNext, Motion::WordPrev, Motion::WordEnd,
                    Motion::SentenceNext, Motion::SentencePrev,
                    Motion::ParagraphNext, Motion::ParagraphPrev,
                ][k];
                let before = trimmed(&doc, sel.range());
                extend(&doc, &mut sel, m);
                prop_assert!(src.is_char_boundary(sel.head));
                let after = trimmed(&doc, sel.range());
                let stuck = motion(&doc, sel.head, m) == sel.head;
                prop_assert!(after != before || stuck, "{:?}: {:?}", m, before);
            }
        }

        #[test]
        fn selected_text_is_drawn_text(src in texty(), a in 0usize..400, n in 0usize..6) {
            let doc = parse(&src);
            let a = a.min(src.len());
            let Some(word) = word_at(&doc, a) else { return Ok(()) };
            prop_assert!(src.is_char_boundary(word.start) && src.is_char_boundary(word.end));
            let mut sel = Selection::of(word);
            for _ in 0..n {
                sel.head = motion(&doc, sel.head, Motion::WordEnd);
            }
            let text = text_of(&doc, sel.range());
            prop_assert!(!text.is_empty());
            prop_assert!(!text.contains("http://"));
            prop_assert!(!text.contains("&amp;"));
            prop_assert_eq!(text.trim(), text.as_str());
            // Trimming keeps the same text.
            let t = trimmed(&doc, sel.range());
            prop_assert_eq!(text_of(&doc, t), text);
        }
    }
}
