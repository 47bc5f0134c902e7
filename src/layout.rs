//! Blocks → visual lines at a given width (the measure).
//!
//! Every visual line carries the range of source bytes it shows, so the
//! screen can be worked out from a `Position` and back. Text is wrapped on
//! grapheme clusters, measured with unicode-width, at UAX #14 break
//! opportunities; a cluster is never split and no line is ever wider than
//! the measure. Layout is lazy: `Layout` lays a block out the first time it
//! is asked for, so a screen costs the blocks it shows; that is also when a
//! code block is highlighted (see `highlight`).
//!
//! Justified text (`LayoutOptions::justify`) widens the spaces of a
//! paragraph's lines to fill the measure. The added spaces are not source
//! text: they stand for the space they follow, like an expanded tab.
//!
//! Text with right-to-left letters is cut into lines in reading order and
//! then each line is put in the order it is seen (`bidi`); a paragraph
//! that starts right-to-left ends its lines at the right edge. Widths are
//! measured cluster by cluster, as `width` does for the whole program.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use unicode_bidi::ParagraphBidiInfo;
use unicode_linebreak::{BreakOpportunity, linebreaks};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::document::{
    AlertKind, Align, Block, BlockKind, ContainerKind, Direction, Document, Flags, Role, Row, Rows,
    Set, Span, Style, TableShape,
};
use crate::highlight::{self, Run};
use crate::position::Position;
use crate::width::clusters;
use crate::width::display_width;

mod bidi;
use bidi::{has_rtl, mirrored_text, visual_order};
pub use bidi::{isolate, visual_clusters, visual_text};

mod figure;
pub use figure::{FigureBox, FigureRow, FigureState, fit as fit_figure};

/// A run of text in one style on a visual line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seg {
    pub text: String,
    pub style: Style,
    /// The link this text belongs to, as an index into `Document::links`.
    pub link: Option<u32>,
    /// The source byte of the text's first byte; `None` for decoration
    /// (bars, borders, markers, the header) that no source byte shows.
    pub source: Option<usize>,
    /// True when byte `i` of `text` is source byte `source + i`; otherwise
    /// all of the text stands for the one byte at `source` (an entity, a
    /// smart quote, a stand-in, an expanded tab).
    pub exact: bool,
}

impl Seg {
    /// The bytes of `text` that show source bytes in `range`, widened to
    /// char boundaries. An inexact seg is all in or all out, by its
    /// `source`.
    pub fn part_in(&self, range: &Range<usize>) -> Option<Range<usize>> {
        let source = self.source?;
        if !self.exact {
            return range.contains(&source).then_some(0..self.text.len());
        }
        let end = source + self.text.len();
        if range.end <= source || range.start >= end {
            return None;
        }
        let mut from = range.start.saturating_sub(source);
        let mut to = (range.end - source).min(self.text.len());
        while !self.text.is_char_boundary(from) {
            from -= 1;
        }
        while !self.text.is_char_boundary(to) {
            to += 1;
        }
        (from < to).then_some(from..to)
    }
}

/// One visual line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Line {
    pub segs: Vec<Seg>,
    /// The first source byte the line shows. Lines that only decorate (rules,
    /// borders, blank lines) take the start of the text they belong to.
    pub start: usize,
    /// The source byte after the last one the line shows.
    pub end: usize,
    /// The row of a figure this line is, which the screen draws the
    /// image on.
    pub figure: Option<FigureRow>,
}

impl Line {
    pub fn width(&self) -> usize {
        self.segs.iter().map(|s| display_width(&s.text)).sum()
    }

    /// Whether the line shows nothing: no text, and no part of a figure.
    pub fn is_blank(&self) -> bool {
        self.figure.is_none() && self.segs.iter().all(|s| s.text.trim().is_empty())
    }

    /// A line of the article's title, byline or rule, drawn above its
    /// first block (or blank): no source byte of its own.
    pub fn is_masthead(&self) -> bool {
        self.figure.is_none()
            && self.segs.iter().all(|s| {
                s.source.is_none()
                    && (s.text.trim().is_empty()
                        || matches!(
                            s.style.role,
                            Role::Title | Role::Byline | Role::HeadingRule(1)
                        ))
            })
    }

    /// The text as it is drawn, left to right.
    pub fn text(&self) -> String {
        self.segs.iter().map(|s| s.text.as_str()).collect()
    }

    /// The text in the order it is read: as drawn, unless right-to-left
    /// text reordered the line (see `visual_order`); then its decoration
    /// (bars and markers), and its text in source order, each bracket the
    /// source's own rather than its mirror image. `src` is the document's
    /// text. For what is taken from a line as words (a bookmark's label).
    pub fn reading_text(&self, src: &str) -> String {
        let sourced = || self.segs.iter().filter_map(|s| s.source.map(|at| (at, s)));
        let in_order = sourced()
            .zip(sourced().skip(1))
            .all(|((a, _), (b, _))| a <= b);
        if in_order {
            return self.text();
        }
        let mut segs: Vec<(usize, &Seg)> = sourced().collect();
        segs.sort_by_key(|&(at, _)| at);
        let mut out: String = self
            .segs
            .iter()
            .filter(|s| s.source.is_none() && !s.text.trim().is_empty())
            .map(|s| s.text.as_str())
            .collect();
        for (at, seg) in segs {
            let own = src.get(at..at + seg.text.len()).filter(|own| {
                !seg.exact
                    && own.chars().count() == 1
                    && mirrored_text(own) == Some(seg.text.as_str())
            });
            out.push_str(own.unwrap_or(&seg.text));
        }
        out
    }
}

/// Deepest container nesting drawn in full; deeper levels are summarised.
const MAX_DRAWN_DEPTH: usize = 64;
/// Columns of indent before code lines; wrapped ones show the mark here.
const CODE_GUTTER: &str = "  ";
const CONTINUATION: &str = "↪ ";
const TAB_STOP: usize = 4;

/// Where a line sits in a layout: a block and a line within it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineRef {
    pub block: usize,
    pub line: usize,
}

/// How text is set, besides its width.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LayoutOptions {
    /// Spread the spaces of paragraph lines to fill the measure. The last
    /// line of a paragraph, a line before a hard break and a line of one
    /// word (or of CJK text without spaces) stay as they are; headings,
    /// code and tables are never justified.
    pub justify: bool,
    /// Leave code blocks unhighlighted: for output without styles (`cat`
    /// into a pipe), where the tokens would only be thrown away.
    pub plain_code: bool,
    /// Lay a code block whose language needs one of syntect's grammars
    /// out plain the first time and highlight it when asked
    /// (`Layout::highlight_deferred`), right after the frame: a key never
    /// waits for the grammar engine (about 60 µs a line). The lines are
    /// the same either way; only their colours change. The languages with
    /// a tokeniser of our own are highlighted at once.
    pub defer_code: bool,
}

impl LayoutOptions {
    /// Justified text, everything else as by default.
    pub const JUSTIFIED: LayoutOptions = LayoutOptions {
        justify: true,
        plain_code: false,
        defer_code: false,
    };
}

/// The lines of a document at one width, laid out block by block on demand.
#[derive(Clone, Debug)]
pub struct Layout {
    width: usize,
    options: LayoutOptions,
    /// The document's blocks, of which only those laid out are kept: a
    /// slot for each of them would take a megabyte for a long article.
    blocks: usize,
    lines: HashMap<usize, Vec<Line>>,
    /// Code blocks laid out plain, waiting to be highlighted.
    deferred: Vec<usize>,
    /// Figures: drawn as images in this room when set, else as their
    /// `[image: alt]` text.
    figures: Option<Figures>,
    /// Changes whenever lines laid out may change (see `version`).
    version: u64,
}

/// The next version of a layout: never the same twice in a run.
fn next_version() -> u64 {
    static VERSIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    VERSIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// How figures are laid out: their room, and what is known of each image,
/// by its address as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub room: Option<FigureBox>,
    pub states: HashMap<String, FigureState>,
}

impl Layout {
    pub fn new(doc: &Document, width: usize) -> Layout {
        Layout::with_options(doc, width, LayoutOptions::default())
    }

    pub fn with_options(doc: &Document, width: usize, options: LayoutOptions) -> Layout {
        Layout {
            width: width.max(1),
            options,
            blocks: doc.blocks.len(),
            lines: HashMap::new(),
            deferred: Vec::new(),
            figures: None,
            version: next_version(),
        }
    }

    /// Another number once a line laid out may have changed: every new
    /// layout has its own, and changing options, figures or highlighting
    /// takes a new one. Laying out more blocks does not: their lines are
    /// those they always were. What is made from lines (a screen) stays
    /// true while the version does.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// A new layout of `doc` at `width`, set as this one is: what a resize
    /// or a reload needs.
    #[must_use]
    pub fn relaid(&self, doc: &Document, width: usize) -> Layout {
        let mut layout = Layout::with_options(doc, width, self.options);
        layout.figures.clone_from(&self.figures);
        layout
    }

    /// Set text as `options` say from now on; every block is laid out
    /// again.
    pub fn set_options(&mut self, options: LayoutOptions) {
        if self.options != options {
            self.options = options;
            self.lines.clear();
            self.deferred.clear();
            self.version = next_version();
        }
    }

    /// Draw figures as images in `room` (`None`: as their text). Every
    /// block is laid out again; positions stay.
    pub fn set_figure_room(&mut self, room: Option<FigureBox>) {
        let now = self.figures.as_ref().and_then(|f| f.room);
        if now == room {
            return;
        }
        self.figures.get_or_insert_with(Figures::default).room = room;
        self.lines.clear();
        self.deferred.clear();
        self.version = next_version();
    }

    /// Whether figures are drawn as images.
    pub fn figures_shown(&self) -> bool {
        self.figures.as_ref().is_some_and(|f| f.room.is_some())
    }

    /// What is known of the image at `url`: the figures showing it are
    /// laid out again.
    pub fn set_figure_state(&mut self, doc: &Document, url: &str, state: FigureState) {
        let figures = self.figures.get_or_insert_with(Figures::default);
        if figures.states.get(url) == Some(&state) {
            return;
        }
        figures.states.insert(url.to_string(), state);
        let shown = figures.room.is_some();
        if shown {
            let blocks: Vec<usize> = self
                .lines
                .keys()
                .copied()
                .filter(|&b| doc.figure(b).is_some_and(|(_, image)| image.url == url))
                .collect();
            for b in blocks {
                self.lines.remove(&b);
            }
            self.version = next_version();
        }
    }

    /// What is known of the image at `url`.
    pub fn figure_state(&self, url: &str) -> Option<&FigureState> {
        self.figures.as_ref()?.states.get(url)
    }

    pub fn width(&self) -> usize {
        self.width
    }

    pub fn options(&self) -> LayoutOptions {
        self.options
    }

    pub fn is_empty(&self) -> bool {
        self.blocks == 0
    }

    /// How many blocks have been laid out so far: what a motion cost.
    pub fn laid_out(&self) -> usize {
        self.lines.len()
    }

    /// The lines of block `b`, laid out now if they were not yet.
    pub fn block(&mut self, doc: &Document, b: usize) -> &[Line] {
        let (width, mut options) = (self.width, self.options);
        if !self.lines.contains_key(&b)
            && options.defer_code
            && !options.plain_code
            && matches!(&doc.blocks[b].kind, BlockKind::Code(code)
                if code.lang.as_deref().is_some_and(highlight::needs_grammar))
        {
            options.plain_code = true;
            self.deferred.push(b);
        }
        let figures = self.figures.as_ref();
        self.lines
            .entry(b)
            .or_insert_with(|| layout_block_in(doc, b, width, options, figures))
    }

    /// Whether code blocks laid out plain wait to be highlighted.
    pub fn has_deferred(&self) -> bool {
        !self.deferred.is_empty()
    }

    /// Highlight the code blocks laid out plain so far. Their lines stay
    /// the same, so every `LineRef` and position stays valid.
    pub fn highlight_deferred(&mut self, doc: &Document) {
        let options = LayoutOptions {
            defer_code: false,
            ..self.options
        };
        if !self.deferred.is_empty() {
            self.version = next_version();
        }
        for b in std::mem::take(&mut self.deferred) {
            if let Some(lines) = self.lines.get_mut(&b) {
                *lines = layout_block_in(doc, b, self.width, options, self.figures.as_ref());
            }
        }
    }

    pub fn line(&mut self, doc: &Document, r: LineRef) -> &Line {
        &self.block(doc, r.block)[r.line]
    }

    pub fn first(&self) -> Option<LineRef> {
        (self.blocks > 0).then_some(LineRef { block: 0, line: 0 })
    }

    pub fn last(&mut self, doc: &Document) -> Option<LineRef> {
        let block = self.blocks.checked_sub(1)?;
        let line = self.block(doc, block).len() - 1;
        Some(LineRef { block, line })
    }

    pub fn next(&mut self, doc: &Document, r: LineRef) -> Option<LineRef> {
        if r.line + 1 < self.block(doc, r.block).len() {
            return Some(LineRef {
                block: r.block,
                line: r.line + 1,
            });
        }
        (r.block + 1 < self.blocks).then_some(LineRef {
            block: r.block + 1,
            line: 0,
        })
    }

    pub fn prev(&mut self, doc: &Document, r: LineRef) -> Option<LineRef> {
        if r.line > 0 {
            return Some(LineRef {
                block: r.block,
                line: r.line - 1,
            });
        }
        let block = r.block.checked_sub(1)?;
        let line = self.block(doc, block).len() - 1;
        Some(LineRef { block, line })
    }

    /// Walk `n` lines forward (or back when negative), stopping at the ends.
    pub fn walk(&mut self, doc: &Document, mut r: LineRef, n: isize) -> LineRef {
        for _ in 0..n.unsigned_abs() {
            let step = if n > 0 {
                self.next(doc, r)
            } else {
                self.prev(doc, r)
            };
            match step {
                Some(s) => r = s,
                None => break,
            }
        }
        r
    }

    /// The line that shows `pos`: the first of the lines that start at the
    /// greatest start not after it.
    pub fn line_at(&mut self, doc: &Document, pos: Position) -> Option<LineRef> {
        if self.blocks == 0 {
            return None;
        }
        let block = doc.block_at(pos);
        let lines = self.block(doc, block);
        let mut line = lines
            .partition_point(|l| l.start <= pos.0)
            .saturating_sub(1);
        while line > 0 && lines[line - 1].start == lines[line].start {
            line -= 1;
        }
        Some(LineRef { block, line })
    }

    /// The position a line starts at.
    pub fn pos_at_line(&mut self, doc: &Document, r: LineRef) -> Position {
        Position(self.line(doc, r).start)
    }

    /// Lines from `a` to `b` (negative when `b` is before `a`).
    pub fn distance(&mut self, doc: &Document, a: LineRef, b: LineRef) -> isize {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut n = 0isize;
        let mut r = lo;
        while r < hi {
            match self.next(doc, r) {
                Some(s) => r = s,
                None => break,
            }
            n += 1;
        }
        n * sign
    }
}

/// Lay out a whole document: every line, in order. For tests and `cat`.
pub fn layout_all(doc: &Document, width: usize) -> Vec<Line> {
    layout_all_with(doc, width, LayoutOptions::default())
}

/// `layout_all` with options.
pub fn layout_all_with(doc: &Document, width: usize, options: LayoutOptions) -> Vec<Line> {
    (0..doc.blocks.len())
        .flat_map(|b| layout_block(doc, b, width.max(1), options))
        .collect()
}

/// A document laid out as plain text, one visual line per line.
pub fn render_to_string(doc: &Document, width: usize) -> String {
    render_to_string_with(doc, width, LayoutOptions::default())
}

/// `render_to_string` with options.
pub fn render_to_string_with(doc: &Document, width: usize, options: LayoutOptions) -> String {
    let mut out = String::new();
    for line in layout_all_with(doc, width, options) {
        out.push_str(line.text().trim_end());
        out.push('\n');
    }
    out
}

/// A visual line while it is built: its start is `None` for decoration.
struct Draft {
    segs: Vec<Seg>,
    source: Option<Range<usize>>,
    /// A line of a right-to-left paragraph: it ends at the right edge.
    rtl: bool,
    figure: Option<FigureRow>,
}

impl Draft {
    fn decoration(segs: Vec<Seg>) -> Draft {
        Draft {
            segs,
            source: None,
            rtl: false,
            figure: None,
        }
    }
}

fn seg(text: impl Into<String>, role: Role) -> Seg {
    Seg {
        text: text.into(),
        style: Style::role(role),
        link: None,
        source: None,
        exact: false,
    }
}

/// Lay out one block at `width` columns: its blank lines before, then its
/// content, each line prefixed by the bars and indents of its containers.
pub fn layout_block(
    doc: &Document,
    index: usize,
    width: usize,
    options: LayoutOptions,
) -> Vec<Line> {
    layout_block_in(doc, index, width, options, None)
}

/// `layout_block`, with figures drawn as `figures` says.
fn layout_block_in(
    doc: &Document,
    index: usize,
    width: usize,
    options: LayoutOptions,
    figures: Option<&Figures>,
) -> Vec<Line> {
    let block = &doc.blocks[index];
    let prefix = Prefix::new(doc, index, width);
    let inner = width.saturating_sub(prefix.width).max(1);
    // The text's own role: an alert's label, a quote's text, or text.
    let role = match prefix.label {
        Some(kind) => Role::Alert(kind),
        None if prefix.in_quote => Role::Quote,
        None => Role::Text,
    };
    let figure = figures
        .and_then(|f| Some((f.room?, f)))
        .and_then(|(room, f)| Some((room, f, doc.figure(index)?)));
    let mut drafts = if let Some((room, f, (link, image))) = figure {
        let state = f.states.get(&image.url).unwrap_or(&FigureState::Pending);
        figure::drafts((link, image), state, block.source(), inner, room)
    } else if block.set == Set::Centered {
        let options = LayoutOptions {
            justify: false,
            ..options
        };
        let mut drafts = content(block, doc, index, inner, role, options);
        center(&mut drafts, inner);
        drafts
    } else if block.set == Set::Right {
        // Justified lines are full already: the others go to the right.
        let mut drafts = content(block, doc, index, inner, role, options);
        flush_right_all(&mut drafts, inner);
        drafts
    } else {
        let mut drafts = content(block, doc, index, inner, role, options);
        flush_right(&mut drafts, inner);
        drafts
    };
    if drafts.is_empty() {
        drafts.push(Draft {
            segs: Vec::new(),
            source: Some(block.source().start..block.source().start),
            rtl: false,
            figure: None,
        });
    }

    let mut lines = Vec::with_capacity(drafts.len() + usize::from(block.space_before));
    if index == 0 {
        header(doc, block, width, &mut lines, &mut drafts);
    }
    // Right-to-left text has its quote bars and list markers on its
    // right, where it starts, mirrored (`• ` becomes ` •`).
    let rtl = drafts.iter().any(|d| d.rtl) && prefix.width > 0;
    for _ in 0..block.space_before {
        let spacer = if rtl {
            // Its bars where the text's lines have theirs.
            let bars: usize = prefix.spacer.iter().map(|s| display_width(&s.text)).sum();
            let pad = (inner + prefix.width).saturating_sub(bars);
            let mut segs = vec![seg(" ".repeat(pad), Role::Text)];
            segs.extend(mirrored(&prefix.spacer));
            segs
        } else {
            prefix.spacer.clone()
        };
        lines.push(Draft::decoration(spacer));
    }
    for (i, mut draft) in drafts.into_iter().enumerate() {
        let bars = if i == 0 { &prefix.first } else { &prefix.rest };
        if draft.rtl && prefix.width > 0 {
            // Out to the text's edge first (a centred line is not there),
            // so that the bars line up down the block.
            let w: usize = draft.segs.iter().map(|s| display_width(&s.text)).sum();
            if w < inner {
                draft.segs.push(seg(" ".repeat(inner - w), Role::Text));
            }
            draft.segs.extend(mirrored(bars));
        } else {
            // In place: a line's segs mostly leave room for the bars.
            draft.segs.splice(0..0, bars.iter().cloned());
        }
        lines.push(draft);
    }
    finish_lines(lines, block)
}

/// Decoration segs as they stand on the right of right-to-left text:
/// in the other order, each read the other way as right-to-left text
/// shows it: its runs of letters and digits kept as they are, the marks
/// and spaces between them in the other order, brackets turned (`10. `
/// becomes ` .10`, `[12] ` becomes ` [12]`, `│ • ` becomes ` • │`).
fn mirrored(segs: &[Seg]) -> impl Iterator<Item = Seg> + '_ {
    segs.iter().rev().map(|s| {
        let mut runs: Vec<String> = Vec::new();
        for c in s.text.chars() {
            match runs.last_mut() {
                Some(run)
                    if c.is_alphanumeric()
                        && run.chars().last().is_some_and(char::is_alphanumeric) =>
                {
                    run.push(c);
                }
                _ => runs.push(c.to_string()),
            }
        }
        let text = runs
            .iter()
            .rev()
            .map(|run| mirrored_text(run).unwrap_or(run))
            .collect();
        Seg { text, ..s.clone() }
    })
}

/// Centre each line in `width` columns.
fn center(drafts: &mut [Draft], width: usize) {
    for d in drafts {
        let w: usize = d.segs.iter().map(|s| display_width(&s.text)).sum();
        let pad = width.saturating_sub(w) / 2;
        if pad > 0 {
            d.segs.insert(0, seg(" ".repeat(pad), Role::Text));
        }
    }
}

/// Move every line to the right edge of `width` columns.
fn flush_right_all(drafts: &mut [Draft], width: usize) {
    push_right(drafts.iter_mut(), width);
}

/// Move the lines of right-to-left text to the right edge of `width`
/// columns, where they start.
fn flush_right(drafts: &mut [Draft], width: usize) {
    push_right(drafts.iter_mut().filter(|d| d.rtl), width);
}

fn push_right<'a>(drafts: impl Iterator<Item = &'a mut Draft>, width: usize) {
    for d in drafts {
        let w: usize = d.segs.iter().map(|s| display_width(&s.text)).sum();
        if w < width {
            d.segs.insert(0, seg(" ".repeat(width - w), Role::Text));
        }
    }
}

/// Give decoration lines the start of the text next to them, and keep starts
/// in order so that a position finds its line by binary search.
fn finish_lines(drafts: Vec<Draft>, block: &Block) -> Vec<Line> {
    let first_source = drafts
        .iter()
        .find_map(|d| d.source.as_ref().map(|r| r.start))
        .unwrap_or(block.source().start);
    let mut floor = block
        .source()
        .start
        .max(first_source.min(block.source().start));
    floor = floor.max(block.source().start);
    let mut lines = Vec::with_capacity(drafts.len());
    let mut prev_start = first_source.max(floor);
    for d in drafts {
        let (start, end) = match d.source {
            Some(r) => {
                let start = r.start.max(prev_start);
                (start, r.end.max(start))
            }
            None => (prev_start, prev_start),
        };
        prev_start = start;
        let mut segs = d.segs;
        segs.retain(|s| !s.text.is_empty());
        lines.push(Line {
            segs,
            start,
            end,
            figure: d.figure,
        });
    }
    lines
}

/// The bars and indents that containers put before a block's lines.
struct Prefix {
    first: Vec<Seg>,
    rest: Vec<Seg>,
    spacer: Vec<Seg>,
    width: usize,
    in_quote: bool,
    /// The block is the label of the alert it is in.
    label: Option<AlertKind>,
}

impl Prefix {
    fn new(doc: &Document, index: usize, width: usize) -> Prefix {
        let mut chain = Vec::new();
        let mut c = doc.blocks[index].container();
        let mut truncated = false;
        while let Some(id) = c {
            if chain.len() == MAX_DRAWN_DEPTH {
                truncated = true;
                break;
            }
            chain.push(&doc.containers[id]);
            c = doc.containers[id].parent();
        }
        chain.reverse();
        let in_quote = chain
            .iter()
            .any(|c| matches!(c.kind, ContainerKind::Quote { .. }));
        let part_width = |c: &crate::document::Container| match &c.kind {
            ContainerKind::Quote { .. } => 2,
            ContainerKind::Item { marker, .. } => marker.width() + 1,
        };
        // Keep at least half the measure for the text itself.
        let budget = width / 2;
        let mut total: usize = chain.iter().map(|c| part_width(c)).sum();
        truncated |= total > budget;
        // A cut nest shows a mark, so the reader knows there are more
        // levels than drawn: keep a column for it.
        let room = if truncated {
            budget.saturating_sub(1)
        } else {
            budget
        };
        let mut skip = 0;
        while total > room && skip < chain.len() {
            total -= part_width(chain[skip]);
            skip += 1;
        }
        let mut first = Vec::new();
        let mut rest = Vec::new();
        let mut spacer = Vec::new();
        if truncated && budget > 0 {
            for v in [&mut first, &mut rest, &mut spacer] {
                v.push(seg("…", Role::QuoteBar));
            }
            total += 1;
        }
        for c in &chain[skip..] {
            match &c.kind {
                ContainerKind::Quote { alert } => {
                    // An alert's bar takes its colour.
                    let bar = alert.map_or(Role::QuoteBar, Role::Alert);
                    first.push(seg("│ ", bar));
                    rest.push(seg("│ ", bar));
                    if c.first_block() == Some(index) {
                        spacer.push(seg("  ", Role::Text));
                    } else {
                        spacer.push(seg("│ ", bar));
                    }
                }
                ContainerKind::Item { marker, role } => {
                    let pad = " ".repeat(marker.width() + 1);
                    if c.first_block() == Some(index) {
                        first.push(seg(format!("{marker} "), *role));
                    } else {
                        first.push(seg(pad.clone(), Role::Text));
                    }
                    rest.push(seg(pad.clone(), Role::Text));
                    spacer.push(seg(pad, Role::Text));
                }
            }
        }
        // A blank line shows only bars: drop the indent after the last bar.
        while spacer
            .last()
            .is_some_and(|s| s.text.trim().is_empty() && s.style.role == Role::Text)
        {
            spacer.pop();
        }
        if let Some(last) = spacer.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        Prefix {
            first,
            rest,
            spacer,
            width: total,
            in_quote,
            label: chain
                .last()
                .filter(|c| c.first_block() == Some(index))
                .and_then(|c| c.alert()),
        }
    }
}

/// The lines of a block's own content, at `width` columns.
fn content(
    block: &Block,
    doc: &Document,
    index: usize,
    width: usize,
    role: Role,
    options: LayoutOptions,
) -> Vec<Draft> {
    let src: &str = &doc.text;
    match &block.kind {
        BlockKind::Heading { spans } => {
            let level = block.heading_level().unwrap_or(1);
            let style = Style::role(Role::Heading(level));
            let mut lines = wrap_with(spans, src, width, style, false, block.dir, Turn::None);
            if level <= 2 {
                let w = lines
                    .iter()
                    .map(|l| l.segs.iter().map(|s| display_width(&s.text)).sum::<usize>())
                    .max()
                    .unwrap_or(0)
                    .min(width);
                let ch = if level == 1 { "━" } else { "─" };
                let mut rule = Draft::decoration(vec![seg(ch.repeat(w), Role::HeadingRule(level))]);
                // Under a right-to-left title, the rule starts where it does.
                rule.rtl = lines.first().is_some_and(|l| l.rtl);
                lines.push(rule);
            }
            lines
        }
        BlockKind::Paragraph { spans } => wrap_with(
            spans,
            src,
            width,
            Style::role(role),
            options.justify,
            block.dir,
            match block.set {
                Set::Lines => Turn::Hang,
                Set::SetIn => Turn::Reflow,
                _ => Turn::None,
            },
        ),
        BlockKind::Code(code) => {
            let (lang, lines) = (&code.lang, &code.lines);
            let mut out = Vec::new();
            if let Some(lang) = lang {
                let label = truncate_to_width(&format!("{CODE_GUTTER}{lang}"), width);
                out.push(Draft::decoration(vec![seg(label, Role::CodeLang)]));
            }
            let runs = lang
                .as_deref()
                .filter(|_| !options.plain_code)
                .and_then(|lang| highlight::highlight(lang, lines.iter().map(|l| raw_text(l, src))))
                .unwrap_or_default();
            for (i, line) in lines.iter().enumerate() {
                let runs = runs.get(i).map_or(&[][..], Vec::as_slice);
                out.extend(wrap_raw(line, src, width, CODE_GUTTER, runs));
            }
            out
        }
        BlockKind::Table { shape, rows } => table(
            shape,
            rows.first_row,
            rows,
            doc.table_header(index),
            src,
            width,
        ),
        BlockKind::Rule => vec![Draft::decoration(vec![seg(
            "─".repeat(width.min(40)),
            Role::Rule,
        )])]
        .into_iter()
        .map(|mut d| {
            // Centre the rule in the column.
            let w = width.min(40);
            let pad = (width - w) / 2;
            d.segs.insert(0, seg(" ".repeat(pad), Role::Text));
            d.source = Some(block.source().start..block.source().start);
            d
        })
        .collect(),
    }
}

/// The header from front matter, drawn with the first block: the title,
/// set as an H1 is (left, bold, in the first heading's colour, over a
/// heavy rule), then the byline and the link to the original page; when
/// the article opens with the title as its heading, the byline and link go
/// under that heading. The author is left out of the byline when the text
/// itself opens with a "By …" line naming them.
fn header(
    doc: &Document,
    block: &Block,
    width: usize,
    above: &mut Vec<Draft>,
    own: &mut Vec<Draft>,
) {
    let meta = &doc.meta;
    if meta.inline {
        return;
    }
    let author = meta
        .author
        .as_deref()
        .filter(|a| !opens_with_byline(doc, a));
    let date = meta.date.as_deref().map(crate::document::readable_date);
    // The language is for the reader's use (hyphenation, direction), not
    // a line for people: `en` alone under a title reads as a stray word.
    let byline: Vec<&str> = [author, date.as_deref()].into_iter().flatten().collect();
    let byline = byline.join(" · ");
    let line = |text: &str, role: Role, flags: Flags| {
        let spans: Vec<Span> = Span::owned(text, block.source().start, flags).collect();
        wrap(&spans, "", width, Style::role(role))
            .into_iter()
            .map(|d| {
                let mut segs = d.segs;
                for s in &mut segs {
                    s.source = None;
                }
                let mut line = Draft::decoration(segs);
                // A right-to-left title or byline starts at the right
                // edge, as a heading's does.
                line.rtl = d.rtl;
                line
            })
    };
    // The original page under the byline, as a link that the reader's link
    // keys select like any other: the URL without its scheme, which says
    // nothing, cut with an ellipsis so the line never wraps.
    let page_link = meta.url.as_deref().zip(meta.url_link).map(|(url, link)| {
        let shown = url.split_once("://").map_or(url, |(_, rest)| rest);
        let mut text = format!("↗ {shown}");
        if display_width(&text) > width {
            text = truncate_to_width(&text, width.saturating_sub(1));
            text.push('…');
        }
        let mut link_seg = seg(text, Role::Byline);
        link_seg.style.flags = Flags::LINK;
        link_seg.link = Some(link);
        Draft::decoration(vec![link_seg])
    });
    if title_is_heading(doc, block) {
        if !byline.is_empty() {
            let from = own.len();
            own.extend(line(&byline, Role::Byline, Flags::NONE));
            flush_right(&mut own[from..], width);
        }
        own.extend(page_link);
        return;
    }
    let before = above.len();
    if let Some(title) = &meta.title {
        let lines: Vec<Draft> = line(title, Role::Title, Flags::STRONG).collect();
        let w = lines
            .iter()
            .map(|l| l.segs.iter().map(|s| display_width(&s.text)).sum::<usize>())
            .max()
            .unwrap_or(0)
            .min(width);
        let mut rule = Draft::decoration(vec![seg("━".repeat(w), Role::HeadingRule(1))]);
        // Under a right-to-left title, the rule starts where it does.
        rule.rtl = lines.first().is_some_and(|l| l.rtl);
        above.extend(lines);
        above.push(rule);
    }
    if !byline.is_empty() {
        above.extend(line(&byline, Role::Byline, Flags::NONE));
    }
    flush_right(&mut above[before..], width);
    above.extend(page_link);
    if above.len() > before {
        above.push(Draft::decoration(Vec::new()));
    }
}

/// Whether `block`, the first, is an H1 that is the title: the front
/// matter gives none, or the same.
fn title_is_heading(doc: &Document, block: &Block) -> bool {
    block.is_title()
        && doc
            .meta
            .title
            .as_deref()
            .is_none_or(|t| doc.headings.first().map(|h| h.text.as_str()) == Some(t.trim()))
}

/// Whether the article's first paragraph (after a title heading) is a
/// "By …" line that names `author`, as many saved pages' text begins.
fn opens_with_byline(doc: &Document, author: &str) -> bool {
    let author = author.trim().to_lowercase();
    if author.is_empty() {
        return false;
    }
    let first = doc.blocks.iter().take(2).find_map(|b| match &b.kind {
        BlockKind::Paragraph { spans } => Some(&spans[..]),
        BlockKind::Heading { .. } if b.is_title() => None,
        _ => Some(&[][..]),
    });
    let Some(spans) = first else {
        return false;
    };
    let text: String = spans.iter().map(|s| s.text(&doc.text)).collect();
    let text = text.trim().to_lowercase();
    text.starts_with("by ") && text.contains(&author)
}

/// One grapheme cluster ready to be placed, or a word of them: a run of
/// printable ASCII characters of one span with no break opportunity
/// inside, each of which would be a cluster one column wide. Prose is
/// mostly such words, and one record per word rather than per character
/// is most of the layout's speed. A word is split where a line must break
/// inside it (`split_word`), exactly where the clusters would have been.
#[derive(Clone)]
struct Atom<'a> {
    /// Its byte offset in the block's text.
    at: usize,
    text: &'a str,
    /// `text` is the block's text from `at` on, not a replacement (an
    /// expanded tab, an ellipsis, a justified line's added space): atoms
    /// next to each other there are copied into their seg at once.
    shared: bool,
    flags: Flags,
    link: Option<u32>,
    width: usize,
    source: usize,
    end: usize,
    /// The text is a verbatim copy of the source from `source` on.
    exact: bool,
    space: bool,
    newline: bool,
    /// A UAX #14 break opportunity comes before it.
    can_break: bool,
    /// It is a word of several one-column clusters (see above).
    word: bool,
}

/// A printable ASCII character other than the space: one column, and a
/// cluster of its own unless a non-ASCII character follows.
fn is_word_byte(b: u8) -> bool {
    (0x21..0x7f).contains(&b)
}

/// Whether the image label that byte `i` of `full` is inside (from its
/// `[image: ` to its `]`, however many spans hold it) fits in `max`
/// columns: a break inside it is not taken then.
fn label_fits(full: &str, i: usize, max: usize) -> bool {
    let lead = crate::parse::IMAGE_LEAD;
    let Some(start) = full[..i].rfind(lead) else {
        return false;
    };
    let Some(end) = full[i..].find(']').map(|e| i + e + 1) else {
        return false;
    };
    // Inside this label: no `]` between its lead and `i`.
    start < i
        && !full[start..i].contains(']')
        && crate::width::display_width(&full[start..end]) <= max
}

/// Whether `c` is a letter of a right-to-left script (`Some(true)`) or of
/// a left-to-right one (`Some(false)`): what sets a paragraph's direction.
fn strong(c: char) -> Option<bool> {
    use unicode_bidi::BidiClass::{AL, L, R};
    match unicode_bidi::bidi_class(c) {
        R | AL => Some(true),
        L => Some(false),
        _ => None,
    }
}

/// Whether the piece of `full` between spaces that byte `i` is inside
/// fits in `max` columns.
fn piece_fits(full: &str, i: usize, max: usize) -> bool {
    let start = full[..i]
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(s, c)| s + c.len_utf8());
    let end = full[i..]
        .find(char::is_whitespace)
        .map_or(full.len(), |e| i + e);
    crate::width::display_width(&full[start..end]) <= max
}

/// Whether an image label's lead, which ends at byte `i` of `full`, fits
/// in `max` columns with the word after it: it is kept with that word
/// then. In a narrow table cell it is not, so that the word is not cut
/// (`[image: K` over `evin`).
fn lead_fits(full: &str, i: usize, max: usize) -> bool {
    let lead = crate::parse::IMAGE_LEAD.len();
    let word = full[i..]
        .find(|c: char| c.is_whitespace() || c == ']')
        .map_or(full.len(), |e| i + e);
    crate::width::display_width(&full[i.saturating_sub(lead)..word]) <= max
}

/// Split spans into atoms, clustering across span boundaries: grapheme
/// clusters, and words where clusters are plain ASCII (see `Atom`).
/// They are put in `out`, which is empty.
fn atoms<'a>(
    spans: &'a [Span],
    src: &str,
    full: &'a str,
    starts: &[usize],
    max: usize,
    out: &mut Vec<Atom<'a>>,
) {
    let bytes = full.as_bytes();
    // Never between two of the marks that make operators: Unicode lets
    // `C++` break as `C+` and `+`, and `->` as `-` and `>`. (Brackets
    // and quotes keep Unicode's rules.)
    let mark = |b: &u8| b"+-*/<>=&|~^%!?:#@$\\".contains(b);
    let marks = |i: usize| i > 0 && mark(&bytes[i - 1]) && bytes.get(i).is_some_and(mark);
    // Nor inside a Korean word: Korean parts its words with spaces, and
    // is set keeping each whole (CSS's `keep-all`), unless one is longer
    // than the line.
    let hangul = |c: Option<char>| {
        c.is_some_and(|c| matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}'))
    };
    let in_word =
        |i: usize| hangul(full[..i].chars().next_back()) && hangul(full[i..].chars().next());
    let mut breaks = linebreaks(full)
        .filter(|&(i, kind)| kind == BreakOpportunity::Allowed && !marks(i) && !in_word(i))
        .map(|(i, _)| i)
        .peekable();
    out.reserve(full.len() / 4 + 4);
    let mut si = 0;
    let mut clusters = clusters(full);
    while let Some((i, g)) = clusters.next() {
        while si + 1 < starts.len() && starts[si + 1] <= i {
            si += 1;
        }
        while breaks.next_if(|&b| b < i).is_some() {}
        let span = &spans[si];
        let local = i - starts[si];
        // An image's `[image:` stays with the first word of its text, and
        // its whole label on one line when it fits on one (a row of
        // badges breaks between images, not inside one).
        let image = span.flags.contains(Flags::IMAGE);
        // Code breaks only at its spaces (`ident!{...}` is not cut before
        // its brace, nor `cargo-semver-checks` at a hyphen), unless a
        // piece of it is longer than the line (a URL).
        let code = i > 0
            && span.flags.contains(Flags::CODE)
            && (i > starts[si] || si > 0 && spans[si - 1].flags.contains(Flags::CODE));
        let allowed = breaks.next_if(|&b| b == i).is_some();
        let allowed = if code && piece_fits(full, i, max) {
            // After a space even where Unicode says not (`T: ?Sized`).
            bytes[i - 1].is_ascii_whitespace()
        } else {
            allowed
        };
        // A footnote's mark stays with what it is after (`consent.[5]`).
        let note_mark = span.flags.contains(Flags::FOOTNOTE_REF)
            && i == starts[si]
            && i > 0
            && !bytes[i - 1].is_ascii_whitespace();
        let can_break = allowed
            && !note_mark
            && !(image
                && ((bytes[..i].ends_with(crate::parse::IMAGE_LEAD.as_bytes())
                    && lead_fits(full, i, max))
                    || label_fits(full, i, max)));
        let source = span.source_at(local);
        // Most clusters are one ASCII byte: told apart by that byte, not
        // by comparing strings.
        let byte = if g.len() == 1 { g.as_bytes()[0] } else { 0 };
        if is_word_byte(byte) && max >= 1 {
            // The word goes on while its bytes are clusters of their own,
            // in this span, with no break opportunity before them.
            let stop = starts
                .get(si + 1)
                .copied()
                .unwrap_or(full.len())
                .min(breaks.peek().copied().unwrap_or(usize::MAX));
            let mut j = i + 1;
            while j < stop
                && is_word_byte(bytes[j])
                && bytes.get(j + 1).is_none_or(|n| n.is_ascii())
            {
                j += 1;
            }
            clusters.at = j;
            out.push(Atom {
                at: i,
                text: &full[i..j],
                flags: span.flags,
                link: span.link().map(crate::document::LinkId::index),
                width: j - i,
                source,
                end: span.source_at(j - starts[si]),
                exact: span.exact(),
                shared: true,
                space: false,
                newline: false,
                can_break,
                word: j - i > 1,
            });
            continue;
        }
        // A line end kept in a paragraph's text is a soft break, shown as
        // the space `wrap_with` put in its place: a space standing for the
        // line end, as when it was a span of its own.
        // (An exact span's byte `local` is the source's byte `source`.)
        let soft = byte == b' ' && span.exact() && src.as_bytes().get(source) == Some(&b'\n');
        let end = if span.exact() && !soft {
            span.source_at((local + g.len()).min(span.len()))
        } else {
            source
        };
        let newline = byte == b'\n';
        let tab = byte == b'\t';
        let space = byte == b' ' || tab;
        // Runs of spaces in prose read as one, as HTML and CommonMark
        // renderers show them, and none opens a line after a break or at
        // the start; code keeps its own.
        if space
            && !span.flags.contains(Flags::CODE)
            && out
                .last()
                .is_none_or(|a| (a.space || a.newline) && !a.flags.contains(Flags::CODE))
        {
            continue;
        }
        let mut width = if newline {
            0
        } else if space || (0x20..0x7f).contains(&byte) {
            1
        } else {
            g.width()
        };
        let mut text = if tab { " " } else { g };
        let mut replaced = tab || soft;
        let mut shared = !tab;
        if width > max {
            text = "…";
            width = 1;
            replaced = true;
            shared = false;
        }
        out.push(Atom {
            at: i,
            text,
            flags: span.flags,
            link: span.link().map(crate::document::LinkId::index),
            width,
            source,
            end,
            exact: span.exact() && !replaced,
            shared,
            space,
            newline,
            can_break,
            word: false,
        });
    }
}

/// Split the word at `i` after its first `n` characters (0 < n < its
/// width): the line breaks there, as it would between those clusters.
fn split_word(atoms: &mut Vec<Atom<'_>>, i: usize, n: usize) {
    let word = &mut atoms[i];
    let (head, tail) = word.text.split_at(n);
    let source = if word.exact {
        word.source + n
    } else {
        word.source
    };
    let rest = Atom {
        at: word.at + n,
        text: tail,
        width: tail.len(),
        source,
        can_break: false,
        word: tail.len() > 1,
        ..word.clone()
    };
    word.text = head;
    word.width = n;
    word.end = source;
    word.word = n > 1;
    atoms.insert(i + 1, rest);
}

/// Wrap inline spans to `width` columns, breaking at UAX #14 opportunities,
/// and hard inside a cluster run longer than the width.
fn wrap(spans: &[Span], src: &str, width: usize, style: Style) -> Vec<Draft> {
    wrap_with(spans, src, width, style, false, Direction::Auto, Turn::None)
}

/// How a paragraph's lines that the author ended (hard breaks) are set.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Turn {
    /// As they are; a line too long wraps to the margin.
    None,
    /// A line too long turns over `HANG` columns further in than it
    /// starts (`Set::Lines`).
    Hang,
    /// As they are when every one fits; else the paragraph is joined
    /// again, each line set in as far as its first (`Set::SetIn`).
    Reflow,
}

/// How much further in than its start a line the author set turns over
/// when it is too long for the column (`Set::Lines`), as verse does.
const HANG: usize = 3;

/// The fewest columns a line that turns over keeps after its indent.
const HANG_ROOM: usize = 12;

/// `wrap`, with the lines justified when `justify`: all but the last and
/// those before a hard break; running as `dir` says, or as the first
/// letter outside an image's label says. With a `hang`, a line that a
/// hard break (or the start) begins and that is too long turns over
/// `hang` columns further in than its own indent (its leading no-break
/// spaces), in left-to-right text.
#[allow(clippy::too_many_arguments)]
fn wrap_with(
    spans: &[Span],
    src: &str,
    width: usize,
    style: Style,
    justify: bool,
    dir: Direction,
    turn: Turn,
) -> Vec<Draft> {
    let Scratch {
        mut full,
        mut starts,
        atoms: spare,
        mut lines,
        mut segs,
    } = SCRATCH.take();
    full.clear();
    starts.clear();
    lines.clear();
    for s in spans {
        starts.push(full.len());
        let text = s.text(src);
        if s.exact() && text.contains('\n') {
            // A paragraph's soft line break (see `atoms`): a space here,
            // so that lines break around it as around any space.
            for (k, line) in text.split('\n').enumerate() {
                if k > 0 {
                    full.push(' ');
                }
                full.push_str(line);
            }
        } else {
            full.push_str(text);
        }
    }
    if full.is_empty() {
        SCRATCH.set(Scratch {
            full,
            starts,
            atoms: spare,
            lines,
            segs,
        });
        return Vec::new();
    }
    // Empty, and of no text: a `Vec<Atom<'static>>` is one of atoms of any.
    let mut atoms: Vec<Atom<'_>> = spare;
    self::atoms(spans, src, &full, &starts, width, &mut atoms);
    // Set-in text whose lines do not all fit is joined again: each line
    // end a space, and the indent of the lines after the first left out
    // (the first's is the paragraph's).
    let reflowed = turn == Turn::Reflow
        && atoms
            .split(|a| a.newline)
            .any(|line| line.iter().map(|a| a.width).sum::<usize>() > width);
    if reflowed {
        let mut after_end = false;
        atoms.retain_mut(|a| {
            if a.newline {
                *a = Atom {
                    text: " ",
                    width: 1,
                    space: true,
                    newline: false,
                    can_break: true,
                    exact: false,
                    shared: false,
                    word: false,
                    ..a.clone()
                };
                after_end = true;
                return true;
            }
            let pad = !a.space && !a.text.is_empty() && a.text.chars().all(|c| c == '\u{a0}');
            if after_end && pad {
                return false;
            }
            after_end = false;
            true
        });
    }
    let hang = match turn {
        Turn::Hang => HANG,
        _ => 0,
    };
    // Text with right-to-left letters is reordered line by line, once the
    // lines are cut in the order it is read (see `visual_order`).
    // HTML's `dir` sets the direction of text with right-to-left letters
    // in it; text without any keeps its own (a list of languages' names in
    // English, inside `<div dir="rtl">`).
    let level = match dir {
        Direction::Rtl if has_rtl(&full) => Some(true),
        Direction::Ltr => Some(false),
        // An image's label (`[image: logo]`, in Latin letters) does not
        // set the direction of the text after it.
        Direction::Rtl | Direction::Auto => spans
            .iter()
            .zip(&starts)
            .filter(|(s, _)| !s.flags.contains(Flags::IMAGE))
            .find_map(|(s, &at)| {
                let end = at + s.text(src).len();
                full.get(at..end.min(full.len()))?.chars().find_map(strong)
            }),
    };
    // Right-to-left lines start at the right edge: no hang there.
    let hang = if level == Some(true) { 0 } else { hang };
    let turns = level != Some(true) && (hang > 0 || reflowed);
    let mut line_start = 0;
    let mut used = 0;
    let mut last_break: Option<usize> = None;
    // With a hang: the indent of each line, that of the line being cut,
    // and where the author's line it belongs to starts.
    let mut indents: Vec<usize> = Vec::new();
    let mut indent = 0;
    let mut set_line = 0;
    let mut i = 0;
    while i < atoms.len() {
        let atom = &atoms[i];
        if atom.newline {
            lines.push(line_start..i);
            if turns {
                indents.push(indent);
            }
            line_start = i + 1;
            set_line = line_start;
            indent = 0;
            used = 0;
            last_break = None;
            i += 1;
            continue;
        }
        if atom.can_break && i > line_start {
            last_break = Some(i);
        }
        if atom.space {
            used += atom.width;
            i += 1;
            continue;
        }
        while used + atoms[i].width > width - indent {
            let cut = match last_break {
                Some(b) if b > line_start => b,
                _ => {
                    // No break opportunity on the line: a word breaks
                    // where it meets the edge, as its clusters would.
                    let room = (width - indent).saturating_sub(used);
                    if atoms[i].word && (room > 0 || i == line_start) {
                        split_word(&mut atoms, i, room.max(1));
                        break;
                    }
                    if i == line_start {
                        break;
                    }
                    i
                }
            };
            lines.push(line_start..cut);
            if turns {
                indents.push(indent);
                // Its own indent: the no-break spaces it starts with.
                let own: usize = atoms[set_line..]
                    .iter()
                    .take_while(|a| {
                        !a.space && !a.text.is_empty() && a.text.chars().all(|c| c == '\u{a0}')
                    })
                    .map(|a| a.width)
                    .sum();
                // Not on a screen too narrow to leave a line its words.
                indent = own + hang;
                if indent * 2 > width || width - indent < HANG_ROOM {
                    indent = 0;
                }
            }
            line_start = cut;
            while line_start < i && atoms[line_start].space {
                line_start += 1;
            }
            used = atoms[line_start..i].iter().map(|a| a.width).sum();
            last_break = None;
        }
        used += atoms[i].width;
        i += 1;
    }
    lines.push(line_start..atoms.len());
    if turns {
        indents.push(indent);
    }

    let bidi = has_rtl(&full).then(|| {
        let level = level.map(|rtl| {
            if rtl {
                unicode_bidi::Level::rtl()
            } else {
                unicode_bidi::Level::ltr()
            }
        });
        let mut bidi = ParagraphBidiInfo::new(&full, level);
        // An image's label in right-to-left text reads as a unit, left
        // to right (`[image: ✔]`, not `[✔ :image]`): an isolate of its own.
        if bidi.paragraph_level.is_rtl() {
            let ltr = unicode_bidi::Level::new(2).unwrap_or_else(|_| unicode_bidi::Level::ltr());
            for (s, &at) in spans.iter().zip(&starts) {
                if s.flags.contains(Flags::IMAGE) {
                    let end = (at + s.text(src).len()).min(bidi.levels.len());
                    for l in &mut bidi.levels[at.min(end)..end] {
                        *l = ltr;
                    }
                }
            }
        }
        bidi
    });
    let rtl = bidi.as_ref().is_some_and(|b| b.paragraph_level.is_rtl());
    let last = lines.len() - 1;
    let drafts = lines
        .iter()
        .cloned()
        .enumerate()
        .map(|(n, mut r)| {
            // A line that a hard break ends stays as it is.
            let hard = atoms.get(r.end).is_some_and(|a| a.newline);
            while r.end > r.start && atoms[r.end - 1].space {
                r.end -= 1;
            }
            while r.start < r.end && atoms[r.start].space && r.start > 0 {
                r.start += 1;
            }
            // Alternate the side the odd spaces go to, line by line, so
            // that no column of wide gaps runs down one edge.
            let indent = indents.get(n).copied().unwrap_or(0);
            let widened = (justify && n != last && !hard)
                .then(|| justified(&atoms[r.clone()], width - indent, n % 2 == 0))
                .flatten();
            let line = widened.as_deref().unwrap_or(&atoms[r]);
            let mut draft = match bidi.as_ref().and_then(|b| visual_order(line, b, &full)) {
                Some(seen) => {
                    let mut draft = draft_from_atoms(&seen, &full, style, &mut segs);
                    // It shows the source bytes it does in reading order.
                    draft.source = source_of(line);
                    draft
                }
                None => draft_from_atoms(line, &full, style, &mut segs),
            };
            draft.rtl = rtl;
            // A cluster wider than the room left is on a line of its own:
            // the indent gives way rather than the line run over.
            let used: usize = draft.segs.iter().map(|s| display_width(&s.text)).sum();
            let indent = indent.min(width.saturating_sub(used));
            if indent > 0 && !rtl {
                draft.segs.insert(0, seg(" ".repeat(indent), style.role));
            }
            draft
        })
        .collect();
    drop(bidi);
    // The buffers go back for the next paragraph, unless a long one grew
    // them: the atoms emptied, which makes them of no text (the loop over
    // none keeps their allocation).
    if full.capacity() <= SCRATCH_KEEP {
        atoms.clear();
        let atoms = atoms.into_iter().map(|_| unreachable!()).collect();
        SCRATCH.set(Scratch {
            full,
            starts,
            atoms,
            lines,
            segs,
        });
    }
    drafts
}

/// Buffers that `wrap_with` fills for each block of text, kept for the next
/// on each thread: allocating them for every paragraph (its atoms take tens
/// of kilobytes) was a large part of laying out prose.
#[derive(Default)]
struct Scratch {
    /// The block's text (see `wrap_with`).
    full: String,
    /// Where each span starts in `full`.
    starts: Vec<usize>,
    /// Always empty between blocks.
    atoms: Vec<Atom<'static>>,
    /// The atoms of each line.
    lines: Vec<Range<usize>>,
    /// A line's segs while they are built (`draft_from_atoms`); empty.
    segs: Vec<Seg>,
}

/// The text of the longest block whose buffers are kept: a paragraph piece
/// (see `parse`) and some room; a block of a megabyte of HTML on one line
/// gives its buffers back.
const SCRATCH_KEEP: usize = 64 * 1024;

/// The bars and indents a line has room for before its segs: those of two
/// levels of lists or quotes.
const BARS_ROOM: usize = 2;

thread_local! {
    static SCRATCH: std::cell::Cell<Scratch> = std::cell::Cell::new(Scratch::default());
}

/// A line's atoms with its gaps between words widened so that it is
/// `width` columns wide; `None` when it has no gap (one word, or CJK text
/// without spaces) or is full already. The spaces added come after the
/// gap's own, each standing for the space before it (inexact, like an
/// expanded tab), so no source offset moves. The odd spaces go to the
/// first gaps when `from_left`, else to the last.
fn justified<'a>(line: &[Atom<'a>], width: usize, from_left: bool) -> Option<Vec<Atom<'a>>> {
    // The end of each gap between words: a space followed by a word.
    let first_word = line.iter().position(|a| !a.space)?;
    let gaps: Vec<usize> = (first_word + 1..line.len())
        .filter(|&i| line[i - 1].space && !line[i].space)
        .collect();
    let used: usize = line.iter().map(|a| a.width).sum();
    if gaps.is_empty() || used >= width {
        return None;
    }
    let extra = width - used;
    let (each, odd) = (extra / gaps.len(), extra % gaps.len());
    let mut out = Vec::with_capacity(line.len() + extra);
    let mut from = 0;
    for (g, &at) in gaps.iter().enumerate() {
        out.extend_from_slice(&line[from..at]);
        let more = if from_left {
            g < odd
        } else {
            g >= gaps.len() - odd
        };
        let space = &line[at - 1];
        let pad = Atom {
            text: " ",
            width: 1,
            end: space.source,
            exact: false,
            shared: false,
            ..space.clone()
        };
        out.extend(std::iter::repeat_n(pad, each + usize::from(more)));
        from = at;
    }
    out.extend_from_slice(&line[from..]);
    Some(out)
}

/// Merge a line's atoms into segments of equal style that map to the
/// source the same way: a seg is exact and contiguous in the source, or is
/// inexact text standing for one source byte. `full` is the block's text
/// the atoms were cut from; `built` is an empty Vec to build the segs in.
fn draft_from_atoms(atoms: &[Atom<'_>], full: &str, style: Style, built: &mut Vec<Seg>) -> Draft {
    let mut i = 0;
    while i < atoms.len() {
        // The atoms that go on with the first one's seg: same look and
        // link, and next in the source; their text is put together once.
        let a = &atoms[i];
        let flags = style.flags.with(a.flags);
        let mut len = a.text.len();
        let mut j = i + 1;
        while let Some(b) = atoms.get(j) {
            let next = if a.exact {
                a.source + len == b.source
            } else {
                a.source == b.source
            };
            if !(next
                && style.flags.with(b.flags) == flags
                && b.link == a.link
                && b.exact == a.exact)
            {
                break;
            }
            len += b.text.len();
            j += 1;
        }
        // A seg is mostly a run of words and spaces next to each other in
        // `full`: one copy for the run, not one per atom.
        let mut text = String::with_capacity(len);
        let mut k = i;
        while k < j {
            let from = &atoms[k];
            let mut end = from.at + from.text.len();
            k += 1;
            if !from.shared {
                text.push_str(from.text);
                continue;
            }
            while k < j && atoms[k].shared && atoms[k].at == end {
                end += atoms[k].text.len();
                k += 1;
            }
            text.push_str(&full[from.at..end]);
        }
        built.push(Seg {
            text,
            style: Style {
                role: style.role,
                flags,
            },
            link: a.link,
            source: Some(a.source),
            exact: a.exact,
        });
        i = j;
    }
    // The line's own Vec is made once at its size, with room for the bars
    // of a list or a quote (see `layout_block`), not grown seg by seg.
    let mut segs = Vec::with_capacity(built.len() + BARS_ROOM);
    segs.append(built);
    Draft {
        segs,
        source: source_of(atoms),
        rtl: false,
        figure: None,
    }
}

/// The source bytes that atoms in reading order show.
fn source_of(atoms: &[Atom<'_>]) -> Option<Range<usize>> {
    let (f, l) = (atoms.first()?, atoms.last()?);
    Some(f.source..l.end.max(f.source))
}

/// The text of a code line: its spans joined, borrowed when it has one.
fn raw_text<'a>(line: &'a [Span], src: &'a str) -> Cow<'a, str> {
    match line {
        [one] => Cow::Borrowed(one.text(src)),
        spans => Cow::Owned(spans.iter().map(|s| s.text(src)).collect()),
    }
}

/// Wrap a line of code, keeping its whitespace: tabs go to the next stop,
/// and a line longer than the width continues after a visible mark. `runs`
/// are the line's token classes, if it is highlighted: segs split where
/// the class changes, and keep their source offsets as plain code does.
fn wrap_raw(line: &[Span], src: &str, width: usize, gutter: &str, runs: &[Run]) -> Vec<Draft> {
    let role = Role::CodeBlock;
    let gutter_w = gutter
        .width()
        .max(CONTINUATION.width())
        .min(width.saturating_sub(1));
    let gutter_first = if gutter.is_empty() { "" } else { gutter };
    let first_w = gutter_first.width().min(gutter_w);
    let mut out = Vec::new();
    let mut cur: Vec<Seg> = vec![seg(&gutter_first[..first_w.min(gutter_first.len())], role)];
    let mut used = first_w;
    let mut limit = width;
    let mut col = 0;
    let mut source: Option<Range<usize>> = None;
    let line_start = line.first().map_or(0, |s| s.source());
    let push = |cur: &mut Vec<Seg>, text: &str, style: Style, at: usize, exact: bool| match cur
        .last_mut()
    {
        Some(s)
            if s.style == style
                && s.exact == exact
                && s.source.is_some_and(|src| {
                    if exact {
                        src + s.text.len() == at
                    } else {
                        src == at
                    }
                }) =>
        {
            s.text.push_str(text);
        }
        _ => cur.push(Seg {
            text: text.to_string(),
            style,
            link: None,
            source: Some(at),
            exact,
        }),
    };
    // The byte in the line's text where the span starts, and the run it
    // is in, to find each cluster's token class.
    let mut offset = 0;
    let mut run = 0;
    for span in line {
        let span_text = span.text(src);
        for (i, g) in clusters(span_text) {
            while runs.get(run + 1).is_some_and(|r| r.start <= offset + i) {
                run += 1;
            }
            let token = runs
                .get(run)
                .filter(|r| r.start <= offset + i)
                .and_then(|r| r.token);
            let style = Style {
                role: token.map_or(role, Role::Syntax),
                flags: span.flags,
            };
            // The cluster itself unless it is replaced: a copy per cluster
            // was most of the cost of a code line.
            let (text, w): (Cow<'_, str>, usize) = if g == "\t" {
                let n = TAB_STOP - col % TAB_STOP;
                (" ".repeat(n).into(), n)
            } else {
                (g.into(), g.width())
            };
            let (text, w) = if w > limit.saturating_sub(gutter_w).max(1) && g != "\t" {
                ("…".into(), 1)
            } else {
                (text, w)
            };
            if used + w > limit && used > gutter_w.min(first_w) {
                out.push(Draft {
                    segs: std::mem::take(&mut cur),
                    source: source.take().or(Some(line_start..line_start)),
                    rtl: false,
                    figure: None,
                });
                let mark = if gutter_w >= CONTINUATION.width() {
                    CONTINUATION.to_string()
                } else {
                    String::new()
                };
                used = mark.width();
                cur.push(seg(mark, Role::Continuation));
                limit = width;
            }
            // A tab wider than the room left is cut to fit.
            let (text, w) = if used + w > limit {
                let n = limit.saturating_sub(used);
                (" ".repeat(n).into(), n)
            } else {
                (text, w)
            };
            let at = span.source_at(i);
            push(&mut cur, &text, style, at, span.exact() && text == g);
            used += w;
            col += w;
            let end = span.source_at((i + g.len()).min(span_text.len()));
            source = Some(match source {
                Some(r) => r.start..end.max(r.start),
                None => at..end.max(at),
            });
        }
        offset += span_text.len();
    }
    out.push(Draft {
        segs: cur,
        source: source.or(Some(line_start..line_start)),
        rtl: false,
        figure: None,
    });
    out
}

/// Cut `text` to at most `width` columns.
fn truncate_to_width(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = g.width();
        if used + w > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out
}

/// Column widths that fit `room` columns of cell text: natural widths when
/// they fit, otherwise each column keeps its widest word (up to a share),
/// and the rest is shared out first towards the widest cells below the
/// header, then towards the widest of all: a header of two words wraps
/// before the numbers under it do.
fn column_widths(shape: &TableShape, room: usize) -> Vec<usize> {
    let natural = &shape.natural;
    if natural.iter().sum::<usize>() <= room {
        return natural.clone();
    }
    // Each column keeps its widest word whole (`table` takes another
    // layout when they do not fit together).
    let mut widths = shape.narrowest.clone();
    while widths.iter().sum::<usize>() > room {
        if let Some(w) = widths.iter_mut().max_by_key(|w| **w) {
            if *w == 1 {
                break;
            }
            *w -= 1;
        }
    }
    let mut spare = room.saturating_sub(widths.iter().sum());
    let body: Vec<usize> = natural
        .iter()
        .zip(&shape.body)
        .map(|(&n, &b)| b.min(n))
        .collect();
    grow(&mut widths, &body, &mut spare);
    grow(&mut widths, natural, &mut spare);
    widths
}

/// Widen `widths` towards `want` with at most `spare` columns, shared out
/// by how much each wants (as browsers share a table's width between its
/// columns' narrowest and widest).
fn grow(widths: &mut [usize], want: &[usize], spare: &mut usize) {
    let wants: Vec<usize> = widths
        .iter()
        .zip(want)
        .map(|(&w, &t)| t.saturating_sub(w))
        .collect();
    let total: usize = wants.iter().sum();
    let share = (*spare).min(total);
    if share == 0 {
        return;
    }
    for (w, &more) in widths.iter_mut().zip(&wants) {
        let add = (more * share / total).min(*spare);
        *w += add;
        *spare -= add;
    }
    // What the rounding left, a column each.
    for (w, &t) in widths.iter_mut().zip(want) {
        if *spare == 0 {
            break;
        }
        if *w < t {
            *w += 1;
            *spare -= 1;
        }
    }
}

/// A table with box borders, columns sized by display width, and cells that
/// wrap when the table is wider than the measure. A table with more columns
/// than can be drawn falls back to one line of cells per row. `rows` are
/// those of a part of the table from its row `first_row` on; the columns
/// are sized by the whole table's `shape`, so the parts drawn one after the
/// other are the whole table drawn at once.
fn table(
    shape: &TableShape,
    first_row: usize,
    rows: &Rows,
    header: Option<Row<'_>>,
    src: &str,
    width: usize,
) -> Vec<Draft> {
    let ncols = shape.columns;
    if ncols == 0 {
        return Vec::new();
    }
    let header_rows = shape.header_rows;
    let last = first_row + rows.len() >= shape.rows;
    let chrome = 3 * ncols + 1;
    // The columns cannot be drawn without splitting a word: each row is
    // drawn as a record of `Header: value` lines instead (of its cells'
    // lines, when the table has no header: a grid of contributors).
    let words: usize = shape.narrowest.iter().sum();
    if chrome + words > width {
        if shape.rows > header_rows {
            return table_as_records(header_rows, first_row, rows, header, src, width);
        }
        return table_as_lines(header_rows, first_row, rows, src, width);
    }
    let widths = column_widths(shape, width - chrome);
    let ruled = |l: &str, line: &str, m: &str, r: &str| {
        let mut s = String::from(l);
        for (c, w) in widths.iter().enumerate() {
            s.push_str(&line.repeat(w + 2));
            s.push_str(if c + 1 == ncols { r } else { m });
        }
        Draft::decoration(vec![seg(s, Role::TableBorder)])
    };
    let border = |l: &str, m: &str, r: &str| ruled(l, "─", m, r);
    // Where a cell of the body is wider than its column, rows of several
    // lines would run into one another: a dashed rule parts the rows.
    let parted = widths.iter().zip(&shape.body).any(|(w, b)| w < b);
    let mut out = Vec::new();
    if first_row == 0 {
        out.push(border("┌", "┬", "┐"));
    }
    for (r, row) in (first_row..).zip(rows.iter()) {
        let header = r < header_rows;
        let role = if header {
            Role::TableHeader
        } else {
            Role::Text
        };
        let cells: Vec<Vec<Draft>> = (0..ncols)
            .map(|c| {
                let cell = row.get(c).unwrap_or_default();
                wrap(cell, src, widths[c], Style::role(role))
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for h in 0..height {
            let mut segs = vec![seg("│", Role::TableBorder)];
            let mut source: Option<Range<usize>> = None;
            for c in 0..ncols {
                let (mut cell_segs, cell_source) = match cells[c].get(h) {
                    Some(d) => (d.segs.clone(), d.source.clone()),
                    None => (Vec::new(), None),
                };
                if let Some(cs) = cell_source {
                    source = Some(match source {
                        Some(s) => s.start.min(cs.start)..s.end.max(cs.end),
                        None => cs,
                    });
                }
                let w: usize = cell_segs.iter().map(|s| display_width(&s.text)).sum();
                let gap = widths[c].saturating_sub(w);
                // Headers too stand as their column does (a number's over
                // it, at the right), as GitHub sets them.
                let align = shape.aligns.get(c).copied().unwrap_or(Align::Left);
                // A cell starts on the side its text is read from: a
                // right-to-left cell of a column aligned to the start
                // (left, or unmarked) stands at its column's right edge.
                let rtl = cells[c].first().is_some_and(|d| d.rtl);
                let align = match align {
                    Align::Left if rtl => Align::Right,
                    other => other,
                };
                let (left, right) = match align {
                    Align::Left => (0, gap),
                    Align::Right => (gap, 0),
                    Align::Center => (gap / 2, gap - gap / 2),
                };
                segs.push(seg(" ".repeat(left + 1), Role::Text));
                segs.append(&mut cell_segs);
                segs.push(seg(" ".repeat(right + 1), Role::Text));
                segs.push(seg("│", Role::TableBorder));
            }
            out.push(Draft {
                segs,
                source,
                rtl: false,
                figure: None,
            });
        }
        if header && r + 1 == header_rows && shape.rows > header_rows {
            out.push(border("├", "┼", "┤"));
        } else if !header && parted && r + 1 < shape.rows {
            out.push(ruled("├", "╌", "┼", "┤"));
        }
    }
    if last {
        out.push(border("└", "┴", "┘"));
    }
    out
}

/// A table too narrow for its columns: each row a block of lines, one a
/// cell, each led by its column's header when there is one, with a blank
/// line between rows.
fn table_as_records(
    header_rows: usize,
    first_row: usize,
    rows: &Rows,
    headers: Option<Row<'_>>,
    src: &str,
    width: usize,
) -> Vec<Draft> {
    let mut out = Vec::new();
    for (r, row) in (first_row..)
        .zip(rows.iter())
        .filter(|(r, _)| *r >= header_rows)
    {
        // A blank line between records: none for a row of empty cells,
        // nor before the first that says something.
        let said = row
            .iter()
            .any(|cell| cell.iter().any(|s| !s.text(src).trim().is_empty()));
        if r > header_rows && said && (!out.is_empty() || r == first_row) {
            out.push(Draft::decoration(Vec::new()));
        }
        for (c, cell) in row.iter().enumerate() {
            // An empty cell says nothing: no `Header:` line of its own.
            if cell.iter().all(|s| s.text(src).trim().is_empty()) {
                continue;
            }
            // With no header to lead them, each cell is a line (or the
            // lines it wraps to) of its own: its own line breaks would
            // part it into lines that read as cells.
            if headers.is_none() {
                let spans: Vec<Span> = unbroken(cell, src).collect();
                out.extend(wrap(&spans, src, width, Style::role(Role::Text)));
                continue;
            }
            let at = cell.first().map_or(0, |s| s.source());
            let mut spans: Vec<Span> = Vec::new();
            if let Some(header) = headers.and_then(|h| h.get(c)).filter(|h| !h.is_empty()) {
                spans.extend(unbroken(header, src).map(|mut s| {
                    s.flags = s.flags.with(Flags::STRONG);
                    s
                }));
                spans.extend(Span::owned(": ", at, Flags::STRONG));
            }
            spans.extend(cell.iter().cloned());
            out.extend(wrap(&spans, src, width, Style::role(Role::Text)));
        }
    }
    out
}

/// A cell's spans on one line: a line break (`<br>`) read as a space, as
/// where cells run on after each other.
fn unbroken<'a>(cell: &'a [Span], src: &'a str) -> impl Iterator<Item = Span> + 'a {
    cell.iter().flat_map(move |s| {
        if s.is_line_break(src) {
            Span::owned(" ", s.source(), s.flags).collect::<Vec<_>>()
        } else {
            vec![s.clone()]
        }
    })
}

/// The fallback for a table too wide to draw that has only header rows:
/// each row as wrapped text with its cells separated by bars.
fn table_as_lines(
    header_rows: usize,
    first_row: usize,
    rows: &Rows,
    src: &str,
    width: usize,
) -> Vec<Draft> {
    let mut out = Vec::new();
    for (r, row) in (first_row..).zip(rows.iter()) {
        let mut spans: Vec<Span> = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                let at = cell.first().map_or(0, |s| s.source());
                spans.extend(Span::owned(" │ ", at, Flags::NONE));
            }
            spans.extend(unbroken(cell, src));
        }
        let role = if r < header_rows {
            Role::TableHeader
        } else {
            Role::Text
        };
        out.extend(wrap(&spans, src, width, Style::role(role)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_code_is_laid_out_plain_then_highlighted_with_the_same_lines() {
        let doc = crate::parse::parse("Text.\n\n```go\nfunc main() {\n    x := 1\n}\n```\n");
        let code = doc
            .blocks
            .iter()
            .position(|b| matches!(b.kind, BlockKind::Code(_)))
            .unwrap();
        let options = LayoutOptions {
            defer_code: true,
            ..LayoutOptions::default()
        };
        let mut layout = Layout::with_options(&doc, 40, options);
        let coloured = |lines: &[Line]| {
            lines
                .iter()
                .flat_map(|l| &l.segs)
                .any(|s| matches!(s.style.role, Role::Syntax(_)))
        };
        let plain: Vec<Line> = layout.block(&doc, code).to_vec();
        assert!(!coloured(&plain));
        assert!(layout.has_deferred());
        layout.highlight_deferred(&doc);
        assert!(!layout.has_deferred());
        let lit: Vec<Line> = layout.block(&doc, code).to_vec();
        assert!(coloured(&lit));
        let shape = |lines: &[Line]| -> Vec<(usize, usize, String)> {
            lines.iter().map(|l| (l.start, l.end, l.text())).collect()
        };
        assert_eq!(shape(&plain), shape(&lit));
        // Without deferring, the block is highlighted at once.
        let mut now = Layout::new(&doc, 40);
        assert!(coloured(now.block(&doc, code)));
        assert!(!now.has_deferred());
        // And so is code that a tokeniser of our own reads.
        let doc = crate::parse::parse("Text.\n\n```rust\nfn main() {}\n```\n");
        let mut layout = Layout::with_options(&doc, 40, options);
        assert!(coloured(layout.block(&doc, 1)));
        assert!(!layout.has_deferred());
    }
    use crate::document::Token;
    use crate::parse::parse;

    fn render(src: &str, width: usize) -> String {
        render_to_string(&parse(src), width)
    }

    #[test]
    fn wraps_prose_at_spaces() {
        let out = render("The quick brown fox jumps over the lazy dog.", 16);
        assert_eq!(out, "The quick brown\nfox jumps over\nthe lazy dog.\n");
    }

    #[test]
    fn an_image_label_that_fits_stays_on_one_line() {
        // `[image: Crate Badge] [image: License` would fill the line.
        let out = render("![Crate Badge](a.png) ![License Badge](c.png)", 36);
        assert_eq!(out, "[image: Crate Badge]\n[image: License Badge]\n");
        // Longer than a line: it breaks as text does.
        let out = render(
            "Text ![a label longer than the line is wide](x.png) end.",
            24,
        );
        assert_eq!(
            out,
            "Text [image: a label\nlonger than the line is\nwide] end.\n"
        );
    }

    #[test]
    fn code_after_a_wide_space_is_measured_from_it() {
        // A no-break or ideographic space is more than one byte.
        let out = render("a\u{a0}`b-c` d\u{3000}`e-f` g", 4);
        assert!(out.contains("e-f"), "{out}");
    }

    #[test]
    fn korean_breaks_between_its_words_only() {
        let out = render(
            "한국어는 띄어쓰기가 있는 언어입니다 그래서 단어 사이에서",
            20,
        );
        assert_eq!(
            out,
            "한국어는 띄어쓰기가\n있는 언어입니다\n그래서 단어 사이에서\n"
        );
        // A word longer than the line is still cut.
        let out = render("아주아주아주아주아주아주", 10);
        assert_eq!(out, "아주아주아\n주아주아주\n아주\n");
    }

    #[test]
    fn breaks_cjk_between_ideographs() {
        let out = render("漢字の文章は単語の間に空白がありません", 10);
        for line in out.lines() {
            assert!(line.width() <= 10, "{line:?}");
        }
        assert_eq!(out.lines().next(), Some("漢字の文章"));
    }

    #[test]
    fn breaks_a_long_url_hard() {
        let out = render(
            "see https://example.com/a/very/long/path/that/does/not/fit",
            12,
        );
        assert!(out.lines().all(|l| l.width() <= 12), "{out}");
        assert!(out.contains("see"));
    }

    #[test]
    fn words_break_inside_only_at_the_edge() {
        // A word longer than the line fills each line to the edge.
        assert_eq!(render("abcdefghij", 4), "abcd\nefgh\nij\n");
        // A word after a space moves to the next line whole, then breaks.
        assert_eq!(render("ab cdefghij", 4), "ab\ncdef\nghij\n");
        // Styles inside a word are no break opportunity: the word still
        // breaks at the edge, not where the style changes.
        assert_eq!(render("**abc**defgh", 4), "abcd\nefgh\n");
        assert_eq!(render("x **abc**defgh", 4), "x\nabcd\nefgh\n");
        // An ASCII letter followed by a combining mark is one cluster.
        assert_eq!(render("abce\u{301}fgh", 4), "abce\u{301}\nfgh\n");
        // One column each, at any width.
        assert_eq!(render("abc", 1), "a\nb\nc\n");
        // Breaks after hyphens and before CJK, by UAX #14.
        assert_eq!(render("well-known", 7), "well-\nknown\n");
        assert_eq!(render("ab漢字", 4), "ab漢\n字\n");
    }

    #[test]
    fn a_split_word_keeps_its_source_bytes() {
        let src = "see abcdefghijkl end";
        let doc = parse(src);
        let lines = layout_all(&doc, 5);
        assert_maps_to_source(src, &lines);
        let texts: Vec<String> = lines.iter().map(Line::text).collect();
        assert_eq!(texts, ["see", "abcde", "fghij", "kl", "end"]);
        assert_eq!((lines[2].start, lines[2].end), (9, 14));
    }

    #[test]
    fn runs_of_spaces_in_prose_read_as_one() {
        assert_eq!(
            render("End.  Next   word,\tand\t\ttabs.", 40),
            "End. Next word, and tabs.\n"
        );
        // Code keeps every space, inline and in blocks.
        assert_eq!(render("Call `a  b` now.", 40), "Call a  b now.\n");
        assert_eq!(render("```\na    b\n```", 40), "  a    b\n");
        // A hard break's next line opens with no space.
        assert_eq!(render("one\\\n&#32; two", 40), "one\ntwo\n");
    }

    #[test]
    fn narrow_tables_never_split_a_word() {
        let src = "| Goal | Owner | Status | Notes |\n|---|---|---|---|\n| Ship the parser | Ana | Done | Fast enough |\n| Faster layout | Bo | Open | Later |\n";
        // Wide enough for every word: columns shrink, words stay whole.
        let out = render(src, 40);
        assert!(out.contains("│ Goal"), "{out}");
        for word in [
            "Goal", "Owner", "Status", "Notes", "parser", "layout", "enough",
        ] {
            assert!(out.contains(word), "{word} split in\n{out}");
        }
        // Too narrow for the columns: one record per row.
        let out = render(src, 24);
        assert_eq!(
            out,
            "Goal: Ship the parser\nOwner: Ana\nStatus: Done\nNotes: Fast enough\n\n\
             Goal: Faster layout\nOwner: Bo\nStatus: Open\nNotes: Later\n"
        );
    }

    #[test]
    fn headings_lists_and_quotes() {
        let src = "# Title\n\nSome text.\n\n- one\n- two\n  - nested\n\n> quoted\n> > deeper\n";
        let out = render(src, 40);
        insta_like(
            &out,
            "Title\n━━━━━\n\nSome text.\n\n• one\n• two\n  ◦ nested\n\n│ quoted\n│\n│ │ deeper\n",
        );
    }

    #[test]
    fn ordered_and_task_lists_hang() {
        let src = "9. nine is a long item that wraps\n10. ten\n\n- [ ] todo\n- [x] done\n";
        let out = render(src, 20);
        insta_like(
            &out,
            " 9. nine is a long\n    item that wraps\n10. ten\n\n☐ todo\n☑ done\n",
        );
    }

    #[test]
    fn code_keeps_whitespace_and_marks_wraps() {
        let src = "```rust\nfn main() {\n\tlet x = \"a long string that wraps\";\n}\n```\n";
        let out = render(src, 24);
        insta_like(
            &out,
            "  rust\n  fn main() {\n      let x = \"a long st\n↪ ring that wraps\";\n  }\n",
        );
    }

    #[test]
    fn rows_of_several_lines_are_parted_by_a_dashed_rule() {
        let src = "| goal | who |\n|---|---|\n| finish the long and winding work | Ann |\n| start | Bo |\n| end | Cy |\n";
        let out = render(src, 30);
        insta_like(
            &out,
            "┌──────────────────────┬─────┐\n\
             │ goal                 │ who │\n\
             ├──────────────────────┼─────┤\n\
             │ finish the long and  │ Ann │\n\
             │ winding work         │     │\n\
             ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌┤\n\
             │ start                │ Bo  │\n\
             ├╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌╌┼╌╌╌╌╌┤\n\
             │ end                  │ Cy  │\n\
             └──────────────────────┴─────┘\n",
        );
        // Every row on one line: no rule between them.
        assert!(!render(src, 60).contains('╌'));
    }

    #[test]
    fn table_fits_and_wraps() {
        let src = "| a | b |\n|---|--:|\n| one | 2 |\n";
        let out = render(src, 40);
        insta_like(
            &out,
            "┌─────┬───┐\n│ a   │ b │\n├─────┼───┤\n│ one │ 2 │\n└─────┴───┘\n",
        );
        let wide = "| name | description |\n|---|---|\n| x | a description that is much too long for the column |\n";
        let out = render(wide, 30);
        assert!(out.lines().all(|l| l.width() <= 30), "{out}");
        assert!(out.lines().count() > 5, "{out}");
    }

    #[test]
    fn a_narrow_table_wraps_its_headers_before_its_numbers() {
        // unicode-ident's README: headers of two words above short numbers.
        let src = "| | static storage | 0% nonascii | 1% | 10% | 100% nonascii |\n\
                   |---|---|---|---|---|---|\n\
                   | unicode-ident | 10.4 K | 0.96 ns | 0.95 ns | 1.09 ns | 1.55 ns |\n\
                   | roaring | 66.1 K | 2.78 ns | 3.09 ns | 3.37 ns | 4.70 ns |\n";
        let out = render(src, 80);
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines.iter().all(|l| l.width() <= 80), "{out}");
        // Each row of numbers on one line, right under the rule.
        assert!(
            lines[4].contains("0.96 ns") && lines[4].contains("1.55 ns"),
            "{out}"
        );
        assert!(
            lines[5].contains("roaring") && lines[5].contains("4.70 ns"),
            "{out}"
        );
        assert!(lines[6].starts_with('└'), "{out}");
        // The headers wrap instead.
        assert!(
            lines[1].contains("static") && lines[2].contains("storage"),
            "{out}"
        );
    }

    #[test]
    fn a_word_with_a_bold_part_is_never_split_in_a_cell() {
        // finl_unicode's README: figures with the middle one in bold.
        let src = "| Benchmark | Old | New | Change |\n|---|---|---|---|\n\
                   | Unicode graphemes | 54.690/**54.801**/54.918 | 220.05/**220.34**/220.63 \
                   | 262.26/**263.05**/263.89 |\n";
        for width in [80, 60, 40] {
            let out = render(src, width);
            for figure in [
                "54.690/54.801/54.918",
                "220.05/220.34/220.63",
                "262.26/263.05/263.89",
            ] {
                assert!(out.contains(figure), "{width}: {figure} split:\n{out}");
            }
        }
    }

    #[test]
    fn marks_side_by_side_stay_together() {
        // bitvec's README: "in C++." at the end of a line.
        for width in 10..40 {
            let out = render("A vector of bool in C++. Then AFL++ and a->b too.\n", width);
            for word in ["C++.", "AFL++", "a->b"] {
                assert!(out.contains(word), "{width}: {word} split:\n{out}");
            }
        }
    }

    #[test]
    fn an_images_lead_stays_with_its_text() {
        // serde's README: a row of badges.
        let src = "Serde [![Build Status](b.svg)](x) [![Latest Version](v.svg)](y) \
                   [![serde msrv](m.svg)](z)\n";
        for width in 20..60 {
            let out = render(src, width);
            assert!(
                out.lines().all(|l| !l.trim_end().ends_with("[image:")),
                "{width}:\n{out}"
            );
        }
    }

    #[test]
    fn a_long_table_is_laid_out_in_parts_as_one_table() {
        use crate::document::TABLE_PART_ROWS;
        let rows = 2 * TABLE_PART_ROWS + 22;
        let mut src = String::from("Before.\n\n| n | word |\n|--:|---|\n");
        for i in 0..rows {
            // The widest cell is in the last part: the first is sized by it.
            let word = if i + 1 == rows {
                "widest-cell-here"
            } else {
                "w"
            };
            src.push_str(&format!("| {i} | {word} |\n"));
        }
        let doc = parse(&src);
        let parts: Vec<usize> = (0..doc.blocks.len())
            .filter(|&b| matches!(doc.blocks[b].kind, BlockKind::Table { .. }))
            .collect();
        assert_eq!(parts, vec![1, 2, 3]);
        assert!(parts[1..].iter().all(|&b| doc.blocks[b].space_before == 0));
        for &b in &parts {
            let header = doc.table_header(b).expect("every part finds the header");
            assert_eq!(header.get(1).unwrap()[0].text(&doc.text), "word");
        }
        let mut boxed = String::from(
            "Before.\n\n┌─────┬──────────────────┐\n│   n │ word             │\n├─────┼──────────────────┤\n",
        );
        for i in 0..rows {
            let word = if i + 1 == rows {
                "widest-cell-here"
            } else {
                "w"
            };
            boxed.push_str(&format!("│ {i:>3} │ {word:<16} │\n"));
        }
        boxed.push_str("└─────┴──────────────────┘\n");
        insta_like(&render_to_string(&doc, 40), &boxed);
        // Too narrow for the columns: records, a blank line between rows.
        let mut records = String::from("Before.\n\n");
        for i in 0..rows {
            let word = if i + 1 == rows {
                "widest-cell-here"
            } else {
                "w"
            };
            if i > 0 {
                records.push('\n');
            }
            records.push_str(&format!("n: {i}\nword: {word}\n"));
        }
        insta_like(&render_to_string(&doc, 22), &records);
    }

    /// A table drawn as records leaves out the cells that are empty: a
    /// `Header:` line with nothing after it says nothing.
    #[test]
    fn records_leave_empty_cells_out() {
        let src = "| name | note | owner of the longest heading |\n|---|---|---|\n\
                   | first-entry-word | | x |\n| second | said | |\n";
        let out = render(src, 24);
        assert!(
            out.contains("name: first-entry-word\nowner of the longest\n"),
            "{out}"
        );
        assert!(out.contains("name: second\nnote: said\n"), "{out}");
        assert!(
            !out.contains("note:\n") && !out.ends_with("heading:\n"),
            "{out}"
        );
    }

    /// A table with no header, too narrow for its columns (a grid of
    /// contributors), gives each cell a line of its own, its line breaks
    /// read as spaces, rather than running its cells together between
    /// bars.
    #[test]
    fn a_headless_table_too_narrow_gives_each_cell_a_line() {
        let mut src = String::from("<table><tr>");
        for name in ["Kevin Rambaud", "Michael Fine", "Shreya Dahal", "Yog Mehta"] {
            src.push_str(&format!(
                "<td><img src=\"a.png\" alt=\"{name}\"><br><b>{name}</b></td>"
            ));
        }
        src.push_str("</tr><tr><td>second row</td></tr></table>\n");
        let out = render(&src, 30);
        assert!(
            out.starts_with(
                "[image: Kevin Rambaud] Kevin\nRambaud\n[image: Michael Fine] Michael\nFine\n"
            ),
            "{out}"
        );
        assert!(
            out.ends_with("[image: Yog Mehta] Yog Mehta\n\nsecond row\n"),
            "{out}"
        );
        assert!(!out.contains('│'), "{out}");
    }

    /// In a cell narrower than `[image: ` and the word after it, the
    /// lead goes on a line of its own: the word is not cut.
    #[test]
    fn an_image_lead_leaves_a_word_that_would_not_fit_whole() {
        let src = "| a | b | c | d | e |\n|---|---|---|---|---|\n\
                   | ![Kevin Rambaud](k.png) | ![Kudakwashe](k.png) | x | y | z |\n";
        let out = render(src, 38);
        assert!(out.contains("│ [image:  │ [image:     │"), "{out}");
        assert!(out.contains("│ Kevin    │ Kudakwashe] │"), "{out}");
        assert!(out.contains("│ Rambaud] │             │"), "{out}");
    }

    /// A footnote's mark after punctuation is not left alone at the start
    /// of the next line: it goes with the word it follows.
    #[test]
    fn a_footnote_mark_stays_with_the_punctuation_before_it() {
        let src = "aaaa bbbb cccc dddd end,[^a] more.\n\n[^a]: The note.\n";
        let out = render(src, 24);
        assert!(
            out.starts_with("aaaa bbbb cccc dddd\nend,[1] more.\n"),
            "{out}"
        );
    }

    #[test]
    fn rule_image_footnote_and_html() {
        let src = "Text[^1] and ![a cat](cat.png).\n\n---\n\n<div>raw</div>\n\n[^1]: The note.\n";
        let out = render(src, 40);
        assert!(out.contains("Text[1] and [image: a cat]."), "{out}");
        assert!(out.contains("──────"), "{out}");
        // HTML is read, not shown as markup.
        assert!(out.contains("\nraw\n"), "{out}");
        assert!(out.contains("[1] The note."), "{out}");
    }

    #[test]
    fn front_matter_is_a_header_not_raw() {
        let src = "---\ntitle: An Essay\nauthor: Ann\ndate: 2026-01-02\n---\n\nBody.\n";
        let out = render(src, 30);
        assert!(!out.contains("title:"), "{out}");
        assert!(out.contains("An Essay"));
        assert!(out.contains("Ann · 2 January 2026"));
    }

    #[test]
    fn a_title_from_front_matter_looks_as_one_from_a_heading() {
        let from_front = "---\ntitle: An Essay\nauthor: Ann\n---\n\nBody.\n";
        let from_heading = "---\nauthor: Ann\n---\n\n# An Essay\n\nBody.\n";
        let both = "---\ntitle: An Essay\nauthor: Ann\n---\n\n# An Essay\n\nBody.\n";
        let styles = |src: &str| {
            let doc = parse(src);
            let mut layout = Layout::new(&doc, 30);
            let mut out = Vec::new();
            let mut r = layout.first();
            while let Some(row) = r {
                let line = layout.line(&doc, row);
                out.push(
                    line.segs
                        .iter()
                        .filter(|s| !s.text.trim().is_empty())
                        .map(|s| (s.text.clone(), s.style.role))
                        .collect::<Vec<_>>(),
                );
                r = layout.next(&doc, row);
            }
            out
        };
        let front = styles(from_front);
        // Left-aligned over a heavy rule, in the first heading's colour.
        assert_eq!(front[0], [("An Essay".to_string(), Role::Title)]);
        assert_eq!(front[1], [("━".repeat(8), Role::HeadingRule(1))]);
        assert_eq!(front[2], [("Ann".to_string(), Role::Byline)]);
        for other in [styles(from_heading), styles(both)] {
            assert_eq!(other[0][0].0, "An Essay");
            assert_eq!(other[1], front[1]);
        }
        let text = render(from_front, 30);
        assert!(text.starts_with("An Essay\n━━━━━━━━\nAnn\n"), "{text}");
    }

    #[test]
    fn a_right_to_left_title_is_set_as_its_heading_is_from_either_source() {
        let from_front = "---\ntitle: لا تترك الكتاب\n---\n\nنص قصير للقراءة في المساء.\n";
        let from_heading = "# لا تترك الكتاب\n\nنص قصير للقراءة في المساء.\n";
        let front = render(from_front, 40);
        let heading = render(from_heading, 40);
        // The title and its rule end at the right edge, in both.
        let head = |text: &str| text.lines().take(2).map(str::to_string).collect::<Vec<_>>();
        assert_eq!(head(&front), head(&heading), "{front}\n{heading}");
        for line in head(&front) {
            assert!(line.starts_with(' '), "{front}");
        }
        // A right-to-left byline under the title too.
        let with_author = "---\ntitle: لا تترك الكتاب\nauthor: سلمى\n---\n\nنص.\n";
        let byline = render(with_author, 40).lines().nth(2).unwrap().to_string();
        assert!(
            byline.starts_with(' ') && byline.trim() == "ىملس",
            "{byline:?}"
        );
    }

    #[test]
    fn a_byline_the_text_opens_with_is_not_shown_twice() {
        let src = "---\ntitle: T\nauthor: Jane Roe\ndate: 2023-10-20T09:00:00Z\n---\n\nBy Jane Roe, in Lisbon\n\nBody.\n";
        let out = render(src, 40);
        assert_eq!(out.matches("Jane Roe").count(), 1, "{out}");
        assert!(out.contains("\n20 October 2023\n"), "{out}");
        // Another author's name in the first line keeps the byline.
        let src = src.replace("By Jane Roe", "By Ann Other");
        assert!(render(&src, 40).contains("Jane Roe · 20 October 2023"));
    }

    #[test]
    fn line_at_finds_its_line_back() {
        let doc = parse("# A\n\nOne two three four five six seven.\n\n- x\n- y\n");
        let mut layout = Layout::new(&doc, 12);
        let mut r = layout.first().unwrap();
        loop {
            let pos = layout.pos_at_line(&doc, r);
            let back = layout.line_at(&doc, pos).unwrap();
            assert_eq!(layout.line(&doc, back).start, pos.0);
            match layout.next(&doc, r) {
                Some(n) => r = n,
                None => break,
            }
        }
    }

    /// Every seg that claims to copy the source does, and every line's
    /// range is in order: what positions and search rely on.
    fn assert_maps_to_source(src: &str, lines: &[Line]) {
        for line in lines {
            assert!(line.start <= line.end.max(line.start) && line.end <= src.len());
            for seg in &line.segs {
                if let (Some(at), true) = (seg.source, seg.exact) {
                    assert_eq!(src.get(at..at + seg.text.len()), Some(seg.text.as_str()));
                }
            }
        }
    }

    fn justify_all(src: &str, width: usize) -> Vec<Line> {
        layout_all_with(&parse(src), width, LayoutOptions::JUSTIFIED)
    }

    #[test]
    fn laying_out_without_code_never_loads_the_grammars() {
        let asked = crate::highlight::asked_on_this_thread;
        let before = asked();
        let prose = "# Title\n\nSome *text* and `code`.\n\n- a list\n\n> a quote\n\n    indented code\n\n```\nno language\n```\n\n```text\nnot a language\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
        layout_all(&parse(prose), 40);
        assert_eq!(asked(), before, "the grammars were asked for");
        // Nor does code in a language with a tokeniser of our own.
        layout_all(
            &parse(&format!("{prose}\n```rust\nfn main() {{}}\n```\n")),
            40,
        );
        assert_eq!(asked(), before, "the grammars were asked for Rust");
        // A block in another language asks, when it is laid out.
        let doc = parse(&format!("{prose}\n```go\nfunc main() {{}}\n```\n"));
        let plain = LayoutOptions {
            plain_code: true,
            ..LayoutOptions::default()
        };
        let lines = layout_all_with(&doc, 40, plain);
        assert_eq!(asked(), before, "plain code was highlighted");
        assert!(
            lines
                .iter()
                .flat_map(|l| &l.segs)
                .all(|s| !matches!(s.style.role, Role::Syntax(_)))
        );
        let mut layout = Layout::new(&doc, 40);
        layout.block(&doc, 0);
        assert_eq!(asked(), before);
        layout.block(&doc, doc.blocks.len() - 1);
        assert_eq!(asked(), before + 1);
        // Laid out once: the cached block does not ask again.
        layout.block(&doc, doc.blocks.len() - 1);
        assert_eq!(asked(), before + 1);
    }

    #[test]
    fn highlighted_code_keeps_its_text_source_and_marks() {
        let body = "fn main() {\n\tlet x = \"a long string that wraps\"; // comment\n}\n```\n";
        let src = format!("```rust\n{body}");
        let plain = format!("```zzzz\n{body}");
        let (lines, plain_lines) = (layout_all(&parse(&src), 24), layout_all(&parse(&plain), 24));
        assert_maps_to_source(&src, &lines);
        // The same text on the same lines over the same source: only the
        // styles differ.
        assert_eq!(lines.len(), plain_lines.len());
        for (a, b) in lines.iter().zip(&plain_lines).skip(1) {
            assert_eq!((a.text(), a.start, a.end), (b.text(), b.start, b.end));
        }
        let out = render_to_string(&parse(&src), 24);
        insta_like(
            &out,
            "  rust\n  fn main() {\n      let x = \"a long st\n↪ ring that wraps\"; // c\n↪ omment\n  }\n",
        );
        let role_of = |text: &str| {
            lines
                .iter()
                .flat_map(|l| &l.segs)
                .find(|s| s.text == text)
                .unwrap_or_else(|| panic!("no seg {text:?} in {lines:?}"))
                .style
                .role
        };
        assert_eq!(role_of("fn"), Role::Syntax(Token::Keyword));
        assert_eq!(role_of("main"), Role::Syntax(Token::Function));
        assert_eq!(role_of("\"a long st"), Role::Syntax(Token::String));
        assert_eq!(role_of("ring that wraps\""), Role::Syntax(Token::String));
        assert_eq!(role_of("// c"), Role::Syntax(Token::Comment));
        assert_eq!(role_of("omment"), Role::Syntax(Token::Comment));
        assert_eq!(role_of("↪ "), Role::Continuation);
        // The tab is expanded, and stands for its one source byte.
        let tab = src.find('\t').unwrap();
        let expanded = lines[2]
            .segs
            .iter()
            .find(|s| s.source == Some(tab))
            .unwrap();
        assert_eq!((expanded.text.as_str(), expanded.exact), ("    ", false));
        // Each seg of a highlighted line holds one class.
        let fn_seg = lines[1].segs.iter().find(|s| s.text == "fn").unwrap();
        assert_eq!(fn_seg.source, src.find("fn"));
        assert!(fn_seg.exact);
    }

    #[test]
    fn unknown_or_missing_language_is_plain_code() {
        for src in ["```klingon\nfn x() {}\n```\n", "```\nfn x() {}\n```\n"] {
            let lines = layout_all(&parse(src), 40);
            let roles: Vec<Role> = lines
                .iter()
                .flat_map(|l| &l.segs)
                .map(|s| s.style.role)
                .filter(|r| !matches!(r, Role::CodeLang))
                .collect();
            assert!(roles.iter().all(|r| *r == Role::CodeBlock), "{roles:?}");
        }
    }

    #[test]
    fn justify_fills_every_line_but_the_last() {
        let src = "The quick brown fox jumps over the lazy dog, and then it runs far away into the woods where nobody can see it any more at all.";
        let lines = justify_all(src, 30);
        assert!(lines.len() > 3);
        let (last, rest) = lines.split_last().unwrap();
        for line in rest {
            assert_eq!(line.width(), 30, "{:?}", line.text());
        }
        assert!(last.width() < 30);
        assert_maps_to_source(src, &lines);
        // The same words on the same lines, over the same source.
        let ragged = layout_all(&parse(src), 30);
        for (a, b) in lines.iter().zip(&ragged) {
            let words = |l: &Line| {
                l.text()
                    .split_whitespace()
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            };
            assert_eq!(words(a), words(b));
            assert_eq!((a.start, a.end), (b.start, b.end));
        }
        // Gaps differ by at most one space.
        for line in rest {
            let gaps: Vec<usize> = line
                .text()
                .split(|c: char| c != ' ')
                .filter(|g| !g.is_empty())
                .map(str::len)
                .collect();
            let (lo, hi) = (gaps.iter().min().unwrap(), gaps.iter().max().unwrap());
            assert!(hi - lo <= 1, "{:?}", line.text());
        }
    }

    #[test]
    fn justify_leaves_short_lines_alone() {
        // A hard break ends a line that stays ragged; one word is never
        // stretched; nor is CJK text, which has no spaces.
        let out = render_to_string_with(
            &parse(
                "one two  \nthree four five six seven eight\n\nsupercalifragilistic\n\n漢字の文章は単語の間に空白がありません",
            ),
            12,
            LayoutOptions::JUSTIFIED,
        );
        insta_like(
            &out,
            "one two\nthree   four\nfive     six\nseven eight\n\nsupercalifra\ngilistic\n\n漢字の文章は\n単語の間に空\n白がありませ\nん\n",
        );
    }

    fn insta_like(actual: &str, expected: &str) {
        assert_eq!(actual, expected, "\n--- actual ---\n{actual}");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;
    use unicode_width::UnicodeWidthStr;

    use super::*;
    use crate::parse::parse;

    /// Pieces of text that are hard to wrap: wide ideographs, emoji ZWJ
    /// sequences and flags, combining marks, long words and Markdown syntax.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z]{1,12}",
            Just("漢".to_string()),
            Just("字の".to_string()),
            Just("中文标点，".to_string()),
            Just("👩‍🔬".to_string()),
            Just("👨‍👩‍👧".to_string()),
            Just("🇯🇵".to_string()),
            Just("e\u{301}".to_string()),
            Just("https://example.com/a/long/path/without/spaces".to_string()),
            Just("**bold**".to_string()),
            Just("_it_".to_string()),
            Just("`code`".to_string()),
            Just("[link](#x)".to_string()),
            Just("\n\n# Head\n\n".to_string()),
            Just("\n\n- item\n  - sub\n".to_string()),
            Just("\n\n> quote\n> > deep\n\n".to_string()),
            Just("\n\n```\ncode\tline that is long enough to wrap somewhere\n```\n\n".to_string()),
            Just("\n\n| a | b |\n|---|---|\n| 漢字 | x |\n\n".to_string()),
            Just("\u{1b}[2J".to_string()),
            Just("\u{202e}".to_string()),
            Just("\u{9b}".to_string()),
        ]
    }

    fn markdown() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (token(), prop_oneof![Just(" "), Just(""), Just("\n")]),
            0..40,
        )
        .prop_map(|parts| parts.into_iter().map(|(t, sep)| t + sep).collect())
    }

    /// Plain words and clusters, no Markdown syntax: one paragraph.
    fn prose() -> impl Strategy<Value = String> {
        prop::collection::vec(
            (
                prop_oneof![
                    "[a-z]{1,14}",
                    Just("漢字".to_string()),
                    Just("👩‍🔬".to_string()),
                    Just("🇯🇵".to_string()),
                    Just("cafe\u{301}".to_string()),
                ],
                prop_oneof![Just(" "), Just("")],
            ),
            1..60,
        )
        .prop_map(|parts| {
            let s: String = parts.into_iter().map(|(t, sep)| t + sep).collect();
            s.trim().to_string()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn no_line_is_wider_than_the_width(src in markdown(), width in 1usize..120) {
            let doc = parse(&src);
            let mut prev = 0;
            for line in layout_all(&doc, width) {
                prop_assert!(line.width() <= width, "{:?} at {}", line.text(), width);
                prop_assert!(line.start <= line.end.max(line.start));
                prop_assert!(line.start >= prev, "starts out of order");
                prop_assert!(line.end <= src.len());
                prop_assert!(src.is_char_boundary(line.start));
                prev = line.start;
            }
        }

        #[test]
        fn control_characters_never_reach_the_lines(src in markdown(), width in 10usize..100) {
            for line in layout_all(&parse(&src), width) {
                for c in line.text().chars() {
                    prop_assert!(crate::parse::stand_in(c).is_none() && c != '\t' && c != '\n',
                        "{c:?} in {:?}", line.text());
                }
            }
        }

        #[test]
        fn prose_wraps_without_losing_or_splitting_clusters(src in prose(), width in 2usize..60) {
            let lines = layout_all(&parse(&src), width);
            let joined: String = lines.iter().map(Line::text).collect();
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            prop_assert_eq!(squeeze(&joined), squeeze(&src));
            let per_line: usize = lines.iter().map(|l| squeeze(&l.text()).graphemes(true).count()).sum();
            prop_assert_eq!(per_line, squeeze(&joined).graphemes(true).count());
            for line in &lines {
                // Each line maps exactly back to the source it shows.
                prop_assert_eq!(line.text(), &src[line.start..line.end]);
            }
        }

        #[test]
        fn cjk_fills_each_line(n in 1usize..200, width in 2usize..50) {
            let src: String = "漢字仮名交じり文".chars().cycle().take(n).collect();
            let lines = layout_all(&parse(&src), width);
            for line in &lines[..lines.len() - 1] {
                prop_assert!(line.width() + 1 >= width, "{:?}", line.text());
            }
        }

        #[test]
        fn a_line_is_found_again_from_its_position(src in markdown(), width in 5usize..90) {
            let doc = parse(&src);
            let mut layout = Layout::new(&doc, width);
            let mut r = layout.first();
            while let Some(line) = r {
                let pos = layout.pos_at_line(&doc, line);
                let found = layout.line_at(&doc, pos).unwrap();
                prop_assert_eq!(layout.line(&doc, found).start, pos.0);
                prop_assert!(found <= line);
                r = layout.next(&doc, line);
            }
        }

        #[test]
        fn justify_only_widens_spaces(src in markdown(), width in 1usize..100) {
            let doc = parse(&src);
            let ragged = layout_all(&doc, width);
            let even = layout_all_with(&doc, width, LayoutOptions::JUSTIFIED);
            prop_assert_eq!(ragged.len(), even.len());
            for (a, b) in ragged.iter().zip(&even) {
                prop_assert!(b.width() <= width, "{:?} at {}", b.text(), width);
                prop_assert!(b.width() >= a.width());
                // The same words in the same order, over the same source.
                prop_assert!(a.text().split_whitespace().eq(b.text().split_whitespace()),
                    "{:?} vs {:?}", a.text(), b.text());
                prop_assert_eq!((a.start, a.end), (b.start, b.end));
                for seg in &b.segs {
                    if let (Some(at), true) = (seg.source, seg.exact) {
                        prop_assert_eq!(src.get(at..at + seg.text.len()), Some(seg.text.as_str()));
                    }
                }
            }
        }

        #[test]
        fn resizing_keeps_the_top_position(src in markdown(), steps in 0isize..30,
                                           a in 5usize..100, b in 5usize..100) {
            let doc = parse(&src);
            let mut layout = Layout::new(&doc, a);
            let mut reader = crate::reader::Reader::new(7);
            reader.scroll(&doc, &mut layout, steps);
            let top = reader.top;
            let mut other = Layout::new(&doc, b);
            if let Some(r) = reader.top_line(&doc, &mut other) {
                let line = other.line(&doc, r).clone();
                prop_assert!(line.start <= top.0);
            }
            prop_assert_eq!(reader.top, top);
            let mut back = Layout::new(&doc, a);
            prop_assert_eq!(reader.top_line(&doc, &mut back), reader.top_line(&doc, &mut layout));
        }
    }

    #[test]
    fn zwj_sequence_is_one_cluster_of_width_two() {
        assert_eq!("👩‍🔬".width(), 2);
        let lines = layout_all(&parse("👩‍🔬👩‍🔬👩‍🔬"), 3);
        assert!(lines.iter().all(|l| l.text() == "👩‍🔬"), "{lines:?}");
    }
}

#[cfg(test)]
mod cluster_tests {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::clusters;

    /// Characters around every ASCII/non-ASCII seam the fast path has.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            "[a-z .,]{1,6}",
            Just("\r\n".to_string()),
            Just("\r".to_string()),
            Just("\n".to_string()),
            Just("\u{301}".to_string()),
            Just("\u{200d}".to_string()),
            Just("👩‍🔬".to_string()),
            Just("🇯🇵".to_string()),
            Just("🇯".to_string()),
            Just("漢字".to_string()),
            Just("👍🏽".to_string()),
            Just("\u{fe0f}".to_string()),
            Just("\u{1100}\u{1161}".to_string()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn clusters_are_grapheme_clusters(parts in prop::collection::vec(piece(), 0..20)) {
            let s: String = parts.concat();
            let fast: Vec<(usize, &str)> = clusters(&s).collect();
            let slow: Vec<(usize, &str)> = s.grapheme_indices(true).collect();
            prop_assert_eq!(fast, slow);
        }
    }
}
