//! Markdown source → `Document`. The only module that knows pulldown-cmark.
//!
//! It walks the event stream once, iteratively, and builds flat blocks that
//! point at a tree of containers (quotes, list items, footnotes). Every piece
//! of text keeps the source byte it came from. Control characters from the
//! file are replaced here by visible stand-ins, so nothing the file says can
//! reach the terminal raw.

mod autolink;
mod html;
pub mod join;
mod labels;
mod long_table;
pub mod pause;
mod shortcode;
pub mod text;
pub mod window;

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, BlockQuoteKind, CodeBlockKind, Event, LinkType, MetadataBlockKind, Options, Parser,
    Tag, TagEnd,
};

use std::sync::Arc;

use crate::document::{
    Address, AlertKind, Align, Block, BlockKind, Cell, CodeBlock, Container, ContainerKind,
    Document, Flags, Heading, ImageRef, Lines, Link, LinkId, LinkTarget, Marker, Meta, Role, Rows,
    Set, Span, Spans, TABLE_PART_ROWS, TableShape, block_spans, count_words,
};
pub(crate) use labels::LabelList;

/// Parse a Markdown article.
pub fn parse(source: &str) -> Document {
    parse_shared(&Arc::from(source))
}

/// Parse a Markdown article held in a shared text, which the document's
/// spans then read their text from (`Document::text`): no copy is made
/// unless the text has lone CRs.
pub fn parse_shared(source: &Arc<str>) -> Document {
    let text = prepared(source);
    let mut doc = parse_part(&text);
    // The fingerprint is of the file as it is, so an edit to its line ends
    // still counts as an edit.
    doc.fingerprint = fingerprint(source);
    doc.text = text;
    #[cfg(debug_assertions)]
    same_text_as_the_builder(&doc);
    doc
}

/// Check, in debug builds, that every exact span reads from the document's
/// text what the builder read from its own (front matter blanked out).
#[cfg(debug_assertions)]
fn same_text_as_the_builder(doc: &Document) {
    let (seen, _) = prepare(&doc.text, true);
    for block in &doc.blocks {
        for span in block_spans(&block.kind).filter(|s| s.exact()) {
            assert_eq!(
                Some(span.text(&doc.text)),
                seen.get(span.source()..span.source() + span.len()),
                "an exact span reads other text than its builder's"
            );
        }
    }
}

/// The text the parser reads and spans read from: the source, with lone
/// CRs as line ends (see `lone_cr_as_lf`); the same shared text when it
/// has none.
pub fn prepared(source: &Arc<str>) -> Arc<str> {
    if !has_lone_cr(source) {
        return Arc::clone(source);
    }
    // One copy, changed where it is: the caller's text is shared.
    let mut text: Arc<str> = Arc::from(&**source);
    if let Some(text) = Arc::get_mut(&mut text) {
        lone_crs_to_lf(text);
    }
    text
}

/// Whether `text` has a CR that no LF follows.
pub(crate) fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

/// Turn every CR of `text` that no LF follows into an LF.
fn lone_crs_to_lf(text: &mut str) {
    // SAFETY: only ASCII bytes are replaced, by ASCII bytes, so the text
    // stays valid UTF-8.
    let bytes = unsafe { text.as_bytes_mut() };
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
}

/// Parse a Markdown article on a thread that may be told to stop (the
/// reader closed before the parse ended): `None` when it was. A long
/// article is parsed in pieces (`join`), which gives the same document
/// with a fraction of one parse's peak memory, on the cores but one: that
/// one is the reader's, which draws and takes keys meanwhile.
///
/// `scan`: the scan of the text as the parser reads it (`prepared`), when
/// the reader's index already made it (see `window::WindowIndex::scan`).
pub fn parse_unless(
    source: &Arc<str>,
    stop: &std::sync::atomic::AtomicBool,
    scan: Option<window::Scan>,
) -> Option<Document> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    join::parse_scanned(
        source,
        join::PIECE,
        cores.saturating_sub(1).clamp(1, 4),
        stop,
        scan,
    )
}

/// Parse Markdown without the fingerprint.
fn parse_part(source: &str) -> Document {
    let (text, meta) = prepare(source, true);
    let mut builder = Builder::new(&text);
    builder.markdown = true;
    builder.doc.meta = meta.unwrap_or_default();
    feed(&mut builder, &text, None, &NEVER);
    builder.finish()
}

/// The link reference definitions of a text, as pulldown-cmark's first
/// pass finds them (about 4 ms a megabyte): normalized label → destination.
/// `at_start`: the text is the start of the article (front matter).
pub(crate) fn reference_definitions(source: &str, at_start: bool) -> HashMap<String, String> {
    let (text, _) = prepare(source, at_start);
    let parser = Parser::new_ext(&text, options());
    parser
        .reference_definitions()
        .iter()
        .map(|(label, def)| (window::normalize_label(label), def.dest.to_string()))
        .collect()
}

/// The text pulldown-cmark is given: lone CRs as line ends, and front
/// matter at the start of the file (`at_start`) blanked out, its fields
/// read here. Every byte keeps its offset. pulldown-cmark would also take a
/// `---` line followed by text anywhere in the article for the start of a
/// metadata block and hide everything up to the next `---`: front matter
/// only counts at the start of the file.
fn prepare(source: &str, at_start: bool) -> (std::borrow::Cow<'_, str>, Option<Meta>) {
    let text = lone_cr_as_lf(source);
    let Some((kind, block, inner)) = at_start.then(|| front_matter(&text)).flatten() else {
        return (text, None);
    };
    let meta = parse_meta(kind, &text[inner]);
    let mut bytes = text.into_owned().into_bytes();
    for b in &mut bytes[block] {
        if *b != b'\n' {
            *b = b' ';
        }
    }
    // Only whole characters were replaced, each byte by a space.
    let text = String::from_utf8(bytes).unwrap_or_default();
    (std::borrow::Cow::Owned(text), Some(meta))
}

/// Front matter at the start of `text`: YAML between `---` lines (or
/// closed by `...`), or TOML between `+++` lines, the line after the
/// opening one not blank. Its kind, the whole block and its inside.
pub(crate) fn front_matter(text: &str) -> Option<(MetadataBlockKind, Range<usize>, Range<usize>)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    let (kind, closers): (_, &[&str]) = match first.trim_end() {
        "---" => (MetadataBlockKind::YamlStyle, &["---", "..."]),
        "+++" => (MetadataBlockKind::PlusesStyle, &["+++"]),
        _ => return None,
    };
    let inner_start = first.len();
    let mut at = inner_start;
    let mut second = true;
    for line in lines {
        let trimmed = line.trim_end();
        if second && trimmed.is_empty() {
            return None;
        }
        second = false;
        if closers.contains(&trimmed) {
            return Some((kind, 0..at + line.len(), inner_start..at));
        }
        at += line.len();
    }
    None
}

/// Footnote labels in the order they were numbered, each with where it
/// was first met.
type FootnoteOrder = Vec<(String, usize)>;

/// How a part of a longer article is parsed (see `window`).
pub(crate) struct Part<'a> {
    /// The part starts the text: front matter counts there only.
    pub at_start: bool,
    /// The part ends the text: a header with no block after it gets its
    /// empty block only then.
    pub at_end: bool,
    /// The link definitions of the whole text, by normalized label, for
    /// the links whose definition is outside the part.
    pub references: &'a HashMap<String, String>,
    /// `references` come from pulldown-cmark's own pass over the whole
    /// text: they win over the part's own definitions, since the first
    /// definition in the whole text wins, as in CommonMark.
    pub references_win: bool,
    /// The footnote labels numbered before the part, so that numbers
    /// continue from them.
    pub footnotes: Numbered<'a>,
    /// Count the words of each block.
    pub count: bool,
    /// The long table that starts the part after its first block, when
    /// the part holds only some of its rows (see `long_table`).
    pub table: Option<long_table::Known>,
}

/// Footnote labels numbered before a part: the first `count` of a list
/// of labels in order, where `place` finds a label (normalized), from 0.
/// A long article has a hundred thousand notes and dozens of parts: each
/// part looks its labels up in the one list instead of copying it into a
/// map of its own.
#[derive(Clone, Copy)]
pub(crate) struct Numbered<'a> {
    pub count: usize,
    pub place: &'a (dyn Fn(&str) -> Option<usize> + Sync + 'a),
}

/// `Numbered::place` of no labels.
fn no_place(_: &str) -> Option<usize> {
    None
}

impl Numbered<'_> {
    /// No footnote numbered before.
    pub const NONE: Numbered<'static> = Numbered {
        count: 0,
        place: &no_place,
    };

    /// The number of `label` (normalized), if it is one of the first
    /// `count` labels.
    fn number(&self, label: &str) -> Option<usize> {
        (self.place)(label)
            .filter(|&k| k < self.count)
            .map(|k| k + 1)
    }
}

/// Where `label` is in `labels`, found through `sorted`, their indices in
/// the order of their text (see `sort_labels`).
pub(crate) fn place_among(labels: &LabelList, sorted: &[u32], label: &str) -> Option<usize> {
    let at = sorted
        .binary_search_by(|&i| labels.get(i as usize).cmp(label))
        .ok()?;
    Some(sorted[at] as usize)
}

/// The indices of `labels` in the order of their text (see `place_among`).
pub(crate) fn sort_labels(labels: &LabelList) -> Vec<u32> {
    let mut sorted: Vec<u32> = (0..labels.len())
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    sorted.sort_unstable_by(|&a, &b| labels.get(a as usize).cmp(labels.get(b as usize)));
    sorted
}

/// Parse a part of a longer article. Besides the document, the footnote
/// labels it numbered after `part.footnotes`, in order, each with where in
/// the part it was first met. `None` when `stop` was set meanwhile.
fn parse_window_part(
    source: &str,
    part: &Part<'_>,
    stop: &std::sync::atomic::AtomicBool,
) -> Option<(Document, FootnoteOrder)> {
    let (text, meta) = prepare(source, part.at_start);
    let mut builder = Builder::new(&text);
    builder.markdown = true;
    builder.count = part.count;
    builder.at_end = part.at_end;
    builder.references = part.references_win.then_some(part.references);
    builder.doc.meta = meta.unwrap_or_default();
    builder.numbered = Some(part.footnotes);
    builder.known_table.clone_from(&part.table);
    feed(&mut builder, &text, Some(part.references), stop)?;
    let order = std::mem::take(&mut builder.footnote_order);
    Some((builder.finish(), order))
}

/// The events of `text`, with the link definitions of a whole text of
/// which `text` is a part for the links it does not define itself.
fn events<'t>(
    text: &'t str,
    references: Option<&'t HashMap<String, String>>,
) -> impl Iterator<Item = (Event<'t>, Range<usize>)> + 't {
    let callback = move |link: pulldown_cmark::BrokenLink<'_>| {
        references?
            .get(&window::normalize_label(&link.reference))
            .map(|url| (url.clone().into(), "".into()))
    };
    Parser::new_with_broken_link_callback(text, options(), Some(callback)).into_offset_iter()
}

/// Give `builder` the events of `text`, its whole source. pulldown-cmark
/// builds the block tree of all it is given before the first event, about
/// a kilobyte for each row of a table: a table longer than
/// `TABLE_STRETCH` is given to it a stretch of rows at a time, each after
/// the table's header (`long_table::feed_rows`), and the text around the
/// table on its own. The events are those of one parse, so the document is the
/// same. A text that defines links or has footnotes is given whole, since
/// a part alone would not know the definitions of the others. `None` when
/// `stop` was set meanwhile.
fn feed(
    builder: &mut Builder<'_>,
    text: &str,
    references: Option<&HashMap<String, String>>,
    stop: &std::sync::atomic::AtomicBool,
) -> Option<()> {
    let long = text.len() > long_table::TABLE_STRETCH
        && !text.contains("[^")
        && !window::may_define_references(text);
    let tables = if long {
        long_table::long_tables(text)
    } else {
        Vec::new()
    };
    let mut at = 0;
    for head in tables {
        if head.start < at {
            continue;
        }
        feed_part(builder, text, at..head.start, references, stop)?;
        let rows = head.end..text.len();
        at = long_table::feed_rows(builder, text, head, rows, true, references, stop)?
            .unwrap_or(text.len());
    }
    feed_part(builder, text, at..text.len(), references, stop)
}

/// Give `builder` the events of `range` of `text`, parsed on its own.
fn feed_part(
    builder: &mut Builder<'_>,
    text: &str,
    range: Range<usize>,
    references: Option<&HashMap<String, String>>,
    stop: &std::sync::atomic::AtomicBool,
) -> Option<()> {
    let at = range.start;
    for (n, (event, r)) in events(&text[range], references).enumerate() {
        if n.is_multiple_of(64) {
            if n.is_multiple_of(4096) && stop.load(std::sync::atomic::Ordering::Relaxed) {
                return None;
            }
            pause::stand_aside();
        }
        builder.event(event, r.start + at..r.end + at);
    }
    Some(())
}

/// The blank lines before a block of `kind` that another block comes
/// before, outside a tight list.
pub(crate) fn space_after_a_block(heading_level: Option<u8>) -> u8 {
    match heading_level {
        Some(level) if level <= 2 => 2,
        _ => 1,
    }
}

/// A stop flag nobody sets, for parses that always run to the end.
pub(crate) static NEVER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// CommonMark ends lines with LF, CRLF or a lone CR, but pulldown-cmark does
/// not split at a lone CR (old Mac files): the whole file became one
/// paragraph full of stand-ins. Both are one byte, so swapping them keeps
/// every offset into the source.
pub(crate) fn lone_cr_as_lf(source: &str) -> std::borrow::Cow<'_, str> {
    if !has_lone_cr(source) {
        return std::borrow::Cow::Borrowed(source);
    }
    let mut fixed = source.to_string();
    lone_crs_to_lf(&mut fixed);
    std::borrow::Cow::Owned(fixed)
}

pub(super) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The replacement shown for a character that must not reach the terminal,
/// or `None` when the character is safe.
pub fn stand_in(c: char) -> Option<String> {
    match c {
        '\t' | '\n' => None,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).map(String::from),
        '\u{7f}' => Some("\u{2421}".to_string()),
        '\u{80}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{2028}'
        | '\u{2029}' => Some(format!("<U+{:04X}>", c as u32)),
        _ => None,
    }
}

/// Replace every unsafe character of `text` by its stand-in.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match stand_in(c) {
            Some(s) => out.push_str(&s),
            None => out.push(c),
        }
    }
    out
}

/// `sanitize` for text shown on one line (a message, a file name in an
/// error): a line break or a tab stands in too, so that nothing from
/// outside can start a line that looks like another message.
pub fn sanitize_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\u{240a}'),
            '\t' => out.push('\u{2409}'),
            c => match stand_in(c) {
                Some(s) => out.push_str(&s),
                None => out.push(c),
            },
        }
    }
    out
}

/// Whether a byte may be part of a character that a stand-in shows:
/// a control byte, or a lead byte of a C1 control (0xC2) or of a bidi
/// control or line separator (0xE2). Text with none of them reads as it
/// is.
fn may_stand_in(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n') || matches!(b, 0x7f | 0xc2 | 0xe2)
}

/// Append `text` to `spans`, splitting out stand-ins so that the rest keeps
/// its exact mapping to the source.
fn push_text(spans: &mut Vec<Span>, text: &str, source: usize, exact: bool, flags: Flags) {
    // Most text has no character to stand in for. Only text that may
    // have one is looked at character by character.
    if !text.bytes().any(may_stand_in) {
        if !text.is_empty() {
            push_span(spans, text, source, exact, flags);
        }
        return;
    }
    let at = |i: usize| if exact { source + i } else { source };
    let mut chunk_start = 0;
    for (i, c) in text.char_indices() {
        if let Some(replacement) = stand_in(c) {
            if chunk_start < i {
                push_span(spans, &text[chunk_start..i], at(chunk_start), exact, flags);
            }
            spans.extend(Span::owned(
                &replacement,
                at(i),
                flags.with(Flags::STAND_IN),
            ));
            chunk_start = i + c.len_utf8();
        }
    }
    if chunk_start < text.len() {
        push_span(spans, &text[chunk_start..], at(chunk_start), exact, flags);
    }
}

/// `push_text`, with each emoji shortcode (`:tada:`) shown as its emoji,
/// mapped to the shortcode's first colon.
fn push_with_emoji(spans: &mut Vec<Span>, text: &str, source: usize, exact: bool, flags: Flags) {
    let at = |i: usize| if exact { source + i } else { source };
    let mut from = 0;
    for (code, emoji) in shortcode::find(text) {
        push_text(spans, &text[from..code.start], at(from), exact, flags);
        spans.extend(Span::owned(emoji, at(code.start), flags));
        from = code.end;
    }
    push_text(spans, &text[from..], at(from), exact, flags);
}

/// Append a span, merging it into the previous one when both are exact,
/// share a style and are contiguous in the source.
fn push_span(spans: &mut Vec<Span>, text: &str, source: usize, exact: bool, flags: Flags) {
    if let Some(last) = spans.last_mut()
        && exact
        && last.exact()
        && last.flags == flags
        && last.source() + last.len() == source
    {
        last.extend(text.len());
        return;
    }
    if exact {
        spans.push(Span::of_source(source, text.len(), flags));
    } else {
        spans.extend(Span::owned(text, source, flags));
    }
}

/// A leaf block being filled with inline content.
struct Leaf {
    kind: LeafKind,
    /// Inside HTML that centres its text.
    center: bool,
    /// Inside HTML that sets its text flush right.
    right: bool,
    /// How its lines are kept (see `Builder::kept_lines`).
    kept: Set,
    /// The direction HTML's `dir` around it gives it.
    dir: crate::document::Direction,
    spans: Vec<Span>,
    /// Raw lines, for code blocks (HTML blocks go to `html`).
    lines: Lines,
    start: usize,
    end: usize,
}

enum LeafKind {
    Paragraph { tight: bool },
    Heading { level: u8, id: Option<String> },
    Code { lang: Option<String> },
}

struct Table {
    aligns: Vec<Align>,
    header_rows: usize,
    /// The rows, `TABLE_PART_ROWS` to a part (a block).
    parts: Vec<Rows>,
    /// For each part, the index of its first row in the whole table and
    /// where that row starts in the source.
    part_starts: Vec<(usize, usize)>,
    /// The index in the whole table of the next row.
    next_row: usize,
    cell: Option<Cell>,
    /// The room the last cell was gathered in, empty, for the next.
    spare: Cell,
    start: usize,
    /// Some rows of a long table measured before (see `long_table`).
    known: Option<long_table::Known>,
    /// Only measuring the table (see `long_table::measure`).
    measure: Option<long_table::Measure>,
}

impl Table {
    fn new(aligns: Vec<Align>, start: usize) -> Table {
        Table {
            aligns,
            header_rows: 0,
            parts: Vec::new(),
            part_starts: Vec::new(),
            next_row: 0,
            cell: None,
            spare: Vec::new(),
            start,
            known: None,
            measure: None,
        }
    }

    /// How many rows have been started.
    fn rows(&self) -> usize {
        self.next_row
    }

    /// Start a row at source byte `at`.
    fn row(&mut self, at: usize) {
        let r = self.next_row;
        self.next_row += 1;
        if let Some(m) = &mut self.measure {
            m.row(r, at);
            return;
        }
        if self.parts.is_empty() || r.is_multiple_of(TABLE_PART_ROWS) {
            // The part before is done: its spare room goes back at once,
            // for the next part to grow into.
            if let Some(done) = self.parts.last_mut() {
                done.shrink_to_fit();
            }
            self.parts.push(Rows::default());
            self.part_starts.push((r, at));
        }
        if let Some(part) = self.parts.last_mut() {
            part.start_row();
        }
    }

    /// The header rows are read: the rows after them are those from
    /// `known`'s first on.
    fn end_head(&mut self) {
        self.header_rows = self.next_row;
        if let Some(m) = &mut self.measure {
            m.end_head();
        }
        if let Some(known) = &self.known {
            self.next_row = self.next_row.max(known.first_row);
        }
    }

    /// Start reading a cell.
    fn start_cell(&mut self) {
        self.cell = Some(std::mem::take(&mut self.spare));
    }

    /// Add the cell being read to the last row. Its spans are gathered in
    /// a vector of their own, reused from cell to cell, and then moved
    /// among the part's (or only measured).
    fn end_cell(&mut self, src: &str) {
        if let Some(mut gathered) = self.cell.take() {
            // A line break that ends a cell breaks nothing (`trail<br>`):
            // it would only add a blank line.
            while gathered.last().is_some_and(|s| s.is_line_break(src)) {
                gathered.pop();
            }
            if let Some(m) = &mut self.measure {
                m.cell(&gathered, src);
            } else if let Some(part) = self.parts.last_mut() {
                part.push_cell(&mut gathered);
            }
            gathered.clear();
            self.spare = gathered;
        }
    }
}

struct List {
    numbers: Option<Numbers>,
    /// The number of the next item (when `numbers`).
    next_number: i64,
    /// Each item, with the number its `<li value>` gave it.
    items: Vec<(usize, Option<i64>)>,
}

/// How the items of an ordered list are numbered.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Numbers {
    /// From this number, up (or down, when true).
    From(i64, bool),
    /// Down to 1 (`<ol reversed>` without `start`): from the count of
    /// its items, which is known at its end.
    DownToOne,
}

struct Builder<'s> {
    src: &'s str,
    doc: Document,
    open: Vec<usize>,
    lists: Vec<List>,
    list_root: usize,
    leaf: Option<Leaf>,
    /// The Vec the last leaf's spans were gathered in, empty: the next
    /// leaf gathers its own in it. A leaf's spans are then copied once
    /// into a Vec of their size, where growing a new one for each leaf
    /// and shrinking it to fit (`compact`) took several reallocations.
    spare_spans: Vec<Span>,
    table: Option<Table>,
    emphasis: u32,
    strong: u32,
    strike: u32,
    /// Code from HTML (`<code>`, `<kbd>`).
    code: u32,
    /// Inside `<sup>` (positive) or `<sub>` (negative): text that has a
    /// superscript or subscript form in Unicode is shown in it.
    script: i32,
    link: u32,
    /// Driven by pulldown-cmark, whose HTML is read as HTML. The
    /// plain-text reader passes its dimmed text as inline HTML instead.
    markdown: bool,
    /// Text of the source not yet added, and its flags: the next text may
    /// go on with it (see `text`).
    pending: Option<(Range<usize>, Flags)>,
    /// Where the HTML piece being read is in the source.
    html_at: usize,
    /// A `<` or `</` that ended a line of text, held back (see `html`).
    split_tag: Option<html::SplitTag>,
    /// HTML elements that are open (see `html`).
    html_open: Vec<html::Open>,
    /// How many open HTML elements centre their text.
    center: u32,
    /// How many set it flush right.
    right: u32,
    /// How the paragraphs opened now set their lines (`Set::Lines`,
    /// `Set::SetIn`): set by the plain-text parse around lines that mean
    /// to be lines.
    pub(crate) kept_lines: Set,
    /// How many open HTML elements hide their text (`<script>`).
    hidden: u32,
    /// The HTML table row being read has a data cell, so it is no header.
    row_has_data: bool,
    /// The HTML block being read: its start, end and text.
    html_block: Option<(usize, usize, String)>,
    /// The link being read, as an index into `Document::links`.
    current_link: Option<u32>,
    /// The alt text and start of the image being read, and how many images
    /// deep it is (an image inside an alt text is flattened into it).
    image: Option<(String, usize, usize)>,
    /// The address and title of the image being read.
    image_target: Option<(String, Option<String>)>,
    metadata: Option<(MetadataBlockKind, String, usize)>,
    /// For each block, the list tree it is in, to keep tight lists tight.
    block_list_root: Vec<Option<usize>>,
    slugs: Slugs,
    /// The footnotes this text numbered, after those of `numbered`.
    footnotes: HashMap<String, usize>,
    /// The footnotes numbered before the text (a part of a longer one).
    numbered: Option<Numbered<'s>>,
    /// Count the words of each block (all but `longform cat` need them).
    count: bool,
    /// The source ends with this text (see `Part::at_end`).
    at_end: bool,
    /// Link definitions that win over the text's own (`Part`).
    references: Option<&'s HashMap<String, String>>,
    /// The footnote labels the text numbered (not those of `numbered`),
    /// in order, with where each was first met.
    footnote_order: FootnoteOrder,
    /// The shape of a long table measured before, for the table that
    /// starts where it says (`long_table`).
    known_table: Option<long_table::Known>,
    /// The next table is only measured, by this, its shape kept in
    /// `measured`.
    measure_tables: Option<long_table::Measure>,
    measured: Option<long_table::Measured>,
}

/// The slugs given out in one document, to keep them unique: each maps to
/// the next suffix to try for it, so that a file full of `a-1`…`a-n` and
/// then `a`s costs one probe per heading, not n.
#[derive(Default)]
pub(crate) struct Slugs(HashMap<String, usize>);

impl Slugs {
    /// `slug`, or `slug-1`, `slug-2`… when it is taken.
    pub(crate) fn unique(&mut self, slug: String) -> String {
        let Some(&next) = self.0.get(&slug) else {
            self.0.insert(slug.clone(), 1);
            return slug;
        };
        let mut k = next;
        loop {
            let candidate = format!("{slug}-{k}");
            if !self.0.contains_key(&candidate) {
                self.0.insert(candidate.clone(), 1);
                self.0.insert(slug, k + 1);
                return candidate;
            }
            k += 1;
        }
    }
}

impl<'s> Builder<'s> {
    fn new(src: &'s str) -> Self {
        Builder {
            src,
            doc: Document {
                source_len: src.len(),
                ..Document::default()
            },
            open: Vec::new(),
            lists: Vec::new(),
            list_root: 0,
            leaf: None,
            spare_spans: Vec::new(),
            table: None,
            emphasis: 0,
            strong: 0,
            strike: 0,
            code: 0,
            script: 0,
            link: 0,
            markdown: false,
            pending: None,
            html_at: 0,
            split_tag: None,
            html_open: Vec::new(),
            center: 0,
            right: 0,
            kept_lines: Set::Flowing,
            hidden: 0,
            row_has_data: false,
            html_block: None,
            current_link: None,
            image: None,
            image_target: None,
            metadata: None,
            block_list_root: Vec::new(),
            slugs: Slugs::default(),
            footnotes: HashMap::new(),
            numbered: None,
            count: true,
            at_end: true,
            references: None,
            footnote_order: Vec::new(),
            known_table: None,
            measure_tables: None,
            measured: None,
        }
    }

    fn flags(&self) -> Flags {
        let mut f = Flags::NONE;
        if self.emphasis > 0 {
            f = f.with(Flags::EMPHASIS);
        }
        if self.strong > 0 {
            f = f.with(Flags::STRONG);
        }
        if self.strike > 0 {
            f = f.with(Flags::STRIKE);
        }
        if self.link > 0 {
            f = f.with(Flags::LINK);
        }
        if self.code > 0 {
            f = f.with(Flags::CODE);
        }
        f
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        if self.pending.is_some() && !matches!(event, Event::Text(_)) {
            self.flush_text();
        }
        if self.split_tag.is_some() && self.split_tag_goes_on(&event, &range) {
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => self.text(&text, range),
            Event::Code(text) if self.alt_text(&text) => {}
            Event::SoftBreak | Event::HardBreak if self.alt_text(" ") => {}
            Event::Code(text) => {
                let raw = &self.src[range.clone()];
                let (source, exact) = match raw.find(&*text) {
                    Some(i) => (range.start + i, true),
                    None => (range.start, false),
                };
                let flags = self.flags().with(Flags::CODE);
                self.inline(range.clone(), |spans| {
                    push_text(spans, &text, source, exact, flags);
                });
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => {
                let flags = self.flags().with(Flags::CODE);
                self.inline(range.clone(), |spans| {
                    push_text(spans, &text, range.start, false, flags);
                });
            }
            Event::Html(text) => match &mut self.html_block {
                Some((_, end, html)) => {
                    html.push_str(&text);
                    *end = (*end).max(range.end);
                }
                None => self.html(&text, range, false),
            },
            Event::InlineHtml(text) if self.markdown => self.html(&text, range, true),
            Event::InlineHtml(text) => {
                let exact = self.is_source(&text, range.clone());
                let flags = self.flags().with(Flags::HTML);
                self.inline(range.clone(), |spans| {
                    push_text(spans, &text, range.start, exact, flags);
                });
            }
            Event::FootnoteReference(label) => {
                let flags = self.flags().with(Flags::FOOTNOTE_REF);
                let n = self.footnote_number(&label, range.start);
                let text = format!("[{n}]");
                let outer = self.current_link;
                self.current_link = Some(self.add_link(LinkTarget::Footnote(n), range.start));
                self.inline(range.clone(), |spans| {
                    push_text(spans, &text, range.start, false, flags);
                });
                self.current_link = outer;
            }
            Event::SoftBreak => {
                let flags = self.flags();
                // A line end between two lines of a paragraph's text stays
                // in its text as the source has it, so that the lines are
                // one span instead of three (a long article has hundreds of
                // thousands of soft breaks, and a span takes 40 bytes); the
                // layout shows it as a space. Not in links, whose text is
                // listed, nor in headings, whose text is shown whole.
                let joined = self.table.is_none()
                    && self.current_link.is_none()
                    && self.src.get(range.clone()) == Some("\n")
                    && matches!(
                        self.leaf.as_ref().map(|l| &l.kind),
                        Some(LeafKind::Paragraph { .. })
                    );
                self.inline(range.clone(), |spans| {
                    if joined {
                        push_span(spans, "\n", range.start, true, flags);
                    } else {
                        spans.extend(Span::owned(" ", range.start, flags));
                    }
                });
            }
            Event::HardBreak => {
                self.inline(range.clone(), |spans| {
                    spans.extend(Span::owned("\n", range.start, Flags::NONE));
                });
            }
            Event::Rule => {
                self.close_leaf();
                self.push_block(BlockKind::Rule, range, false);
            }
            Event::TaskListMarker(checked) => {
                if let Some(&c) = self.open.last()
                    && let ContainerKind::Item { marker, .. } = &mut self.doc.containers[c].kind
                {
                    *marker = if checked { "☑" } else { "☐" }.into();
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        match tag {
            Tag::Paragraph => {
                self.close_leaf();
                self.open_leaf(LeafKind::Paragraph { tight: false }, range.start);
            }
            Tag::Heading { level, id, .. } => {
                self.close_leaf();
                let kind = LeafKind::Heading {
                    level: level as u8,
                    id: id.map(|s| s.to_string()),
                };
                self.open_leaf(kind, range.start);
            }
            Tag::BlockQuote(kind) => {
                self.close_leaf();
                let id = self.open_container(ContainerKind::QUOTE);
                if let Some(kind) = kind {
                    let kind = match kind {
                        BlockQuoteKind::Note => AlertKind::Note,
                        BlockQuoteKind::Tip => AlertKind::Tip,
                        BlockQuoteKind::Important => AlertKind::Important,
                        BlockQuoteKind::Warning => AlertKind::Warning,
                        BlockQuoteKind::Caution => AlertKind::Caution,
                    };
                    self.doc.containers[id].kind = ContainerKind::Quote { alert: Some(kind) };
                    let spans = Span::owned(kind.label(), range.start, Flags::STRONG).collect();
                    self.push_block(
                        BlockKind::Paragraph { spans },
                        range.start..range.start,
                        false,
                    );
                }
            }
            Tag::CodeBlock(kind) => {
                self.close_leaf();
                let lang = match kind {
                    // The language alone: mdBook and rustdoc add attributes
                    // after a comma (`rust,ignore,does_not_compile`).
                    CodeBlockKind::Fenced(info) => info
                        .split_whitespace()
                        .next()
                        .and_then(|word| word.split(',').next())
                        .map(sanitize)
                        .filter(|s| !s.is_empty()),
                    CodeBlockKind::Indented => None,
                };
                self.open_leaf(LeafKind::Code { lang }, range.start);
            }
            Tag::HtmlBlock => {
                self.close_leaf();
                self.html_block = Some((range.start, range.start, String::new()));
            }
            Tag::List(first) => {
                self.close_leaf();
                let first = first.map(|n| i64::try_from(n).unwrap_or(i64::MAX));
                self.start_list(first.map(|n| Numbers::From(n, false)));
            }
            Tag::Item => {
                self.close_leaf();
                self.start_item(None);
            }
            Tag::FootnoteDefinition(label) => {
                self.close_leaf();
                let n = self.footnote_number(&label, range.start);
                let marker = Marker::format(format_args!("[{n}]"));
                let id = self.open_container(ContainerKind::Item {
                    marker,
                    role: Role::FootnoteLabel,
                });
                self.doc.footnotes.define(n, id);
            }
            Tag::Table(aligns) => {
                self.close_leaf();
                let aligns = aligns
                    .iter()
                    .map(|a| match a {
                        Alignment::Center => Align::Center,
                        Alignment::Right => Align::Right,
                        Alignment::Left | Alignment::None => Align::Left,
                    })
                    .collect();
                let mut table = Table::new(aligns, range.start);
                table.measure = self.measure_tables.take();
                table.known = self.known_table.take_if(|k| k.start == range.start);
                self.table = Some(table);
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.row(range.start);
                    if t.measure.is_some() {
                        // The links of a table only measured are dropped
                        // with its cells.
                        self.doc.links.clear();
                    }
                }
            }
            Tag::TableCell => {
                if let Some(t) = &mut self.table {
                    t.start_cell();
                }
            }
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Strikethrough => self.strike += 1,
            Tag::Link {
                link_type,
                dest_url,
                id,
                ..
            } => {
                self.link += 1;
                // The whole text's first definition of the label, when a
                // part of it is parsed on its own.
                let whole = match link_type {
                    LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => self
                        .references
                        .and_then(|r| r.get(&window::normalize_label(&id))),
                    _ => None,
                };
                // A reference's address is written at its definition, which
                // a part parsed on its own may not hold: only an address
                // written in the link is kept as its place, so that the
                // parts and the whole keep the same.
                let inline = whole.is_none()
                    && matches!(
                        link_type,
                        LinkType::Inline | LinkType::Autolink | LinkType::Email
                    );
                let dest_url = whole.map_or(&*dest_url, String::as_str);
                let address = |url: &str| {
                    if inline {
                        self.address(url)
                    } else {
                        Address::from(sanitize(url))
                    }
                };
                let target = match dest_url.strip_prefix('#') {
                    // Shown in the status bar when the slug is missing.
                    Some(slug) => LinkTarget::Internal(address(slug)),
                    None => LinkTarget::External(address(dest_url)),
                };
                self.current_link = Some(self.add_link(target, range.start));
            }
            Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            } => {
                if let Some((_, _, depth)) = &mut self.image {
                    *depth += 1;
                } else {
                    self.image = Some((String::new(), range.start, 0));
                    let whole = match link_type {
                        LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => self
                            .references
                            .and_then(|r| r.get(&window::normalize_label(&id))),
                        _ => None,
                    };
                    let url = whole.map_or(&*dest_url, String::as_str);
                    let title = (!title.trim().is_empty()).then(|| sanitize(&title));
                    self.image_target = Some((sanitize(url), title));
                }
            }
            Tag::MetadataBlock(kind) => {
                self.metadata = Some((kind, String::new(), range.start));
            }
            Tag::Superscript
            | Tag::Subscript
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::CodeBlock => {
                self.html_close_inline();
                if let Some(leaf) = &mut self.leaf {
                    leaf.end = leaf.end.max(range.end);
                }
                self.close_leaf();
            }
            TagEnd::HtmlBlock => {
                if let Some((start, end, html)) = self.html_block.take() {
                    self.html(&html, start..end.max(range.end), false);
                }
            }
            TagEnd::BlockQuote(_) | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.html_close_inline();
                self.html_close_containers();
                self.close_leaf();
                self.open.pop();
            }
            TagEnd::List(_) => {
                self.close_leaf();
                self.end_list();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push_table(t, range.end);
                }
            }
            TagEnd::TableCell => {
                self.html_close_inline();
                if let Some(t) = &mut self.table {
                    t.end_cell(self.src);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.end_head();
                }
            }
            TagEnd::TableRow => {}
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Strikethrough => self.strike = self.strike.saturating_sub(1),
            TagEnd::Link => {
                self.link = self.link.saturating_sub(1);
                self.current_link = None;
            }
            TagEnd::Image => {
                if let Some((_, _, depth)) = &mut self.image
                    && *depth > 0
                {
                    *depth -= 1;
                } else if let Some((alt, start, _)) = self.image.take() {
                    let (url, title) = self.image_target.take().unwrap_or_default();
                    self.push_image(start..range.end, &alt, url, title);
                }
            }
            TagEnd::MetadataBlock(_) => {
                if let Some((kind, text, _)) = self.metadata.take() {
                    self.doc.meta = parse_meta(kind, &text);
                }
            }
            TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition => {}
        }
    }

    fn text(&mut self, text: &str, range: Range<usize>) {
        if let Some((_, meta, _)) = &mut self.metadata {
            meta.push_str(text);
            return;
        }
        if self.alt_text(text) || self.hidden > 0 {
            return;
        }
        if matches!(
            self.leaf,
            Some(Leaf {
                kind: LeafKind::Code { .. },
                ..
            })
        ) {
            self.raw_text(text, range);
            return;
        }
        if self.script_text(text, range.start) {
            return;
        }
        // In HTML's `<code>`, the marks smart punctuation made (`…`, `–`,
        // `“`) are the code's own: `a...b`, `--`, `"q"`.
        let smart = self.code > 0
            && self
                .src
                .get(range.clone())
                .is_some_and(|s| s != text && s.bytes().all(|b| b".-'\"".contains(&b)));
        let text = if smart {
            &self.src[range.clone()]
        } else {
            text
        };
        let exact = self.is_source(text, range.clone());
        let text = if exact && self.markdown {
            self.hold_split_tag(text, range.start)
        } else {
            text
        };
        let flags = self.flags();
        if exact && self.link == 0 {
            // Held until the text ends: pulldown-cmark cuts text at `~`,
            // `_` or `[`, which URLs have.
            let here = range.start..range.start + text.len();
            match &mut self.pending {
                Some((r, f)) if r.end == here.start && *f == flags => r.end = here.end,
                _ => {
                    self.flush_text();
                    self.pending = Some((here, flags));
                }
            }
            return;
        }
        self.inline(range.clone(), |spans| {
            push_text(spans, text, range.start, exact, flags);
        });
    }

    /// Add the text held back by `text`, its bare URLs made links.
    fn flush_text(&mut self) {
        let Some((range, flags)) = self.pending.take() else {
            return;
        };
        let src = self.src;
        let text = &src[range.clone()];
        let found = autolink::find(text);
        let mut from = 0;
        for (url, target) in &found {
            let before = range.start + from..range.start + url.start;
            self.running_text(before.clone(), flags);
            let address = if *target == src[range.start + url.start..range.start + url.end] {
                self.address(&src[range.start + url.start..range.start + url.end])
            } else {
                sanitize(target).into()
            };
            let link = self.add_link(LinkTarget::External(address), before.end);
            self.current_link = Some(link);
            let at = range.start + url.start..range.start + url.end;
            self.inline(at.clone(), |spans| {
                push_text(
                    spans,
                    &src[at.clone()],
                    at.start,
                    true,
                    flags.with(Flags::LINK),
                );
            });
            self.current_link = None;
            from = url.end;
        }
        self.running_text(range.start + from..range.end, flags);
    }

    /// Source text with no link in it, as itself, but for Markdown's emoji
    /// shortcodes (`:tada:`), each shown as its emoji.
    fn running_text(&mut self, range: Range<usize>, flags: Flags) {
        let src = self.src;
        let markdown = self.markdown;
        self.inline(range.clone(), |spans| {
            let text = &src[range.clone()];
            if markdown {
                push_with_emoji(spans, text, range.start, true, flags);
            } else {
                push_text(spans, text, range.start, true, flags);
            }
        });
    }

    /// With a held `<`: take `event` as the rest of a tag written across a
    /// line end, when it is. False when the event is for the caller to
    /// handle; the held text is then added first, as text.
    pub(super) fn split_tag_goes_on(&mut self, event: &Event<'_>, range: &Range<usize>) -> bool {
        let Some(split) = &mut self.split_tag else {
            return false;
        };
        match event {
            // pulldown-cmark gives `</` as two texts.
            Event::Text(text)
                if split.soft.is_none()
                    && split.len == 1
                    && &**text == "/"
                    && range.start == split.at + 1 =>
            {
                split.len = 2;
                return true;
            }
            Event::SoftBreak if split.soft.is_none() => {
                split.soft = Some(range.clone());
                return true;
            }
            Event::Text(text) if split.soft.is_some() => {
                let (at, len) = (split.at, split.len);
                let src = self.src;
                if let Some(gt) = text.find('>')
                    && text.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
                    && src.get(range.clone()) == Some(&**text)
                {
                    let tag = format!("{}{}", &src[at..at + len], &text[..=gt]);
                    if Self::is_one_tag(&tag) {
                        self.split_tag = None;
                        self.html(&tag, at..range.start + gt + 1, true);
                        let rest = range.start + gt + 1..range.end;
                        self.text(&src[rest.clone()], rest);
                        return true;
                    }
                }
            }
            _ => {}
        }
        // Not a tag: the held text goes in as it was.
        if let Some(split) = self.split_tag.take() {
            let (flags, src) = (self.flags(), self.src);
            let held = split.at..split.at + split.len;
            self.inline(held.clone(), |spans| {
                push_text(spans, &src[held.clone()], held.start, true, flags);
            });
            if let Some(soft) = split.soft {
                self.event(Event::SoftBreak, soft);
            }
        }
        false
    }

    /// Whether `text` is the source's `range` as written. Text that
    /// pulldown-cmark borrows from the source is that very slice, known by
    /// its address without comparing the bytes; other text is compared.
    fn is_source(&self, text: &str, range: Range<usize>) -> bool {
        self.src
            .get(range)
            .is_some_and(|s| std::ptr::eq(s, text) || s == text)
    }

    /// Add to the alt text of the image being read; false when there is none.
    fn alt_text(&mut self, text: &str) -> bool {
        match &mut self.image {
            Some((alt, _, _)) => {
                alt.push_str(text);
                true
            }
            None => false,
        }
    }

    /// Text of a code block: split into lines, whitespace kept.
    fn raw_text(&mut self, text: &str, range: Range<usize>) {
        let exact = self.is_source(text, range.clone());
        let Some(leaf) = &mut self.leaf else {
            return;
        };
        leaf.end = leaf.end.max(range.end);
        let flags = Flags::NONE;
        let mut offset = 0;
        for piece in text.split_inclusive('\n') {
            let body = piece.strip_suffix('\n').unwrap_or(piece);
            let body = body.strip_suffix('\r').unwrap_or(body);
            let source = if exact {
                range.start + offset
            } else {
                range.start
            };
            push_text(leaf.lines.writing(), body, source, exact, flags);
            if piece.ends_with('\n') {
                leaf.lines.end_line();
            }
            offset += piece.len();
        }
    }

    /// Add inline content to the open table cell or leaf, opening a tight
    /// paragraph when inline text arrives outside any (a tight list item).
    fn inline(&mut self, range: Range<usize>, add: impl FnOnce(&mut Vec<Span>)) {
        // Text held back goes first, to keep the order of the source.
        if self.pending.is_some() {
            self.flush_text();
        }
        if let Some(t) = &mut self.table {
            if let Some(cell) = &mut t.cell {
                let before = cell.len();
                add(cell);
                if let Some(link) = self.current_link {
                    for span in &mut cell[before..] {
                        span.set_link(LinkId::new(link));
                    }
                }
            }
            return;
        }
        if self.leaf.is_none() {
            self.open_leaf(LeafKind::Paragraph { tight: true }, range.start);
        }
        if let Some(leaf) = &mut self.leaf {
            leaf.end = leaf.end.max(range.end);
            let before = leaf.spans.len();
            add(&mut leaf.spans);
            if let Some(link) = self.current_link {
                for span in &mut leaf.spans[before..] {
                    span.set_link(LinkId::new(link));
                }
            }
        }
    }

    /// An image's placeholder text, `[image: alt]`. Outside a link it is
    /// a link of its own to the image, which the link keys select and a
    /// figure is drawn from; inside one, it belongs to that link.
    pub(crate) fn push_image(
        &mut self,
        range: Range<usize>,
        alt: &str,
        url: String,
        title: Option<String>,
    ) {
        let text = image_placeholder(alt);
        let flags = self.flags().with(Flags::IMAGE);
        let own = self.current_link.is_none() && !url.trim().is_empty();
        if own {
            let image = ImageRef {
                url,
                alt: sanitize(
                    alt.split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ")
                        .as_str(),
                ),
                title,
            };
            self.current_link =
                Some(self.add_link(LinkTarget::Image(Box::new(image)), range.start));
        }
        let start = range.start;
        self.inline(range, |spans| {
            push_text(spans, &text, start, false, flags);
        });
        if own {
            self.current_link = None;
        }
    }

    /// A link's address as the link keeps it: as its place when it is a
    /// part of the source that reads as it is written (see `Address`),
    /// else its own copy, with stand-ins.
    fn address(&self, address: &str) -> Address {
        let at = (address.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
        let written = at <= self.src.len() && address.len() <= self.src.len() - at;
        if written && !address.bytes().any(may_stand_in) {
            Address::written(at, address.len())
        } else {
            sanitize(address).into()
        }
    }

    fn add_link(&mut self, target: LinkTarget, source: usize) -> u32 {
        self.doc.links.push(Link::new(target, source));
        u32::try_from(self.doc.links.len() - 1).unwrap_or(u32::MAX)
    }

    fn open_leaf(&mut self, kind: LeafKind, start: usize) {
        self.leaf = Some(Leaf {
            kind,
            center: self.center > 0,
            right: self.right > 0,
            kept: self.kept_lines,
            dir: self.html_dir(),
            spans: std::mem::take(&mut self.spare_spans),
            lines: Lines::default(),
            start,
            end: start,
        });
    }

    fn close_leaf(&mut self) {
        let Some(leaf) = self.leaf.take() else {
            return;
        };
        let (center, right, kept, dir) = (leaf.center, leaf.right, leaf.kept, leaf.dir);
        let first = self.doc.blocks.len();
        self.push_leaf(leaf);
        for block in &mut self.doc.blocks[first..] {
            if center {
                block.set = Set::Centered;
            } else if right {
                block.set = Set::Right;
            } else if kept != Set::Flowing {
                block.set = kept;
            }
            block.dir = dir;
        }
    }

    fn push_leaf(&mut self, mut leaf: Leaf) {
        let mut gathered = std::mem::take(&mut leaf.spans);
        leaf.spans = Vec::with_capacity(gathered.len());
        leaf.spans.append(&mut gathered);
        self.spare_spans = gathered;
        let range = leaf.start..leaf.end;
        let kind = match leaf.kind {
            // A paragraph of HTML that shows nothing (`<br/><br/>`, an
            // anchor) leaves no blank lines.
            LeafKind::Paragraph { .. }
                if self.markdown
                    && leaf
                        .spans
                        .iter()
                        .all(|s| s.text(self.src).trim().is_empty()) =>
            {
                return;
            }
            LeafKind::Paragraph { tight } => {
                self.push_paragraph(leaf.spans, range, tight);
                return;
            }
            LeafKind::Heading { level, id } => {
                // An HTML heading often holds a logo: its name is the text
                // beside it, when there is some.
                let words = |s: &&Span| !s.flags.contains(Flags::IMAGE);
                let mut text: String = leaf
                    .spans
                    .iter()
                    .filter(words)
                    .map(|s| s.text(self.src))
                    .collect();
                if text.trim().is_empty() {
                    text = leaf.spans.iter().map(|s| s.text(self.src)).collect();
                }
                let base = id.map_or_else(|| slugify(&text), |id| sanitize(&id));
                let slug = self.slugs.unique(base.clone());
                // Titles go to one-line places (status bar, outline,
                // breadcrumb) that measure them: a tab or the newline of a
                // hard break has no width there, so whitespace becomes one
                // space.
                let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
                self.doc.headings.push(Heading {
                    level,
                    text: title,
                    base: (slug != base).then_some(base),
                    slug,
                    block: self.doc.blocks.len(),
                });
                let kind = BlockKind::Heading {
                    spans: leaf.spans.into(),
                };
                self.push_leveled(kind, Some(level), range, false);
                return;
            }
            LeafKind::Code { lang } => BlockKind::Code(Box::new(CodeBlock {
                lang: lang.map(String::into_boxed_str),
                lines: {
                    let mut lines = leaf.lines;
                    lines.finish();
                    lines
                },
            })),
        };
        self.push_block(kind, range, false);
    }

    /// A paragraph, in pieces when it is long: the pieces after the first
    /// follow it with no blank line, so they read as one paragraph.
    fn push_paragraph(&mut self, spans: Vec<Span>, range: Range<usize>, tight: bool) {
        let pieces = split_paragraph(spans, self.src);
        let starts: Vec<usize> = pieces
            .iter()
            .map(|p| p.first().map_or(range.start, |s| s.source()))
            .collect();
        let n = pieces.len();
        for (i, spans) in pieces.into_iter().enumerate() {
            let start = if i == 0 { range.start } else { starts[i] };
            let end = starts.get(i + 1).copied().unwrap_or(range.end);
            let spans = spans.into();
            self.push_block(BlockKind::Paragraph { spans }, start..end, tight);
            if i > 0
                && let Some(block) = self.doc.blocks.last_mut()
            {
                block.space_before = 0;
            }
        }
        if n == 0 {
            let kind = BlockKind::Paragraph {
                spans: Spans::default(),
            };
            self.push_block(kind, range, tight);
        }
    }

    /// Footnotes are numbered in the order they are first met, as GitHub
    /// does, whatever their labels.
    /// The number of footnote `label`, given in order of first use.
    /// Labels are compared as pulldown-cmark matches a use with its
    /// definition: `[^X]` is `[^x]`, and `[^ a  b]` is `[^a b]`.
    fn footnote_number(&mut self, label: &str, at: usize) -> usize {
        let label = window::normalize_label(label);
        let before = self.numbered.map_or(0, |n| n.count);
        if let Some(n) = self.numbered.and_then(|n| n.number(&label)) {
            return n;
        }
        let next = before + self.footnotes.len() + 1;
        let n = *self.footnotes.entry(label.clone()).or_insert(next);
        if n == next {
            self.footnote_order.push((label, at));
        }
        n
    }

    /// Open a list: bulleted, or with its items numbered as `numbers`
    /// says.
    fn start_list(&mut self, numbers: Option<Numbers>) {
        if self.lists.is_empty() {
            self.list_root += 1;
        }
        let next_number = match numbers {
            Some(Numbers::From(n, _)) => n,
            _ => 1,
        };
        self.lists.push(List {
            numbers,
            next_number,
            items: Vec::new(),
        });
    }

    fn end_list(&mut self) {
        if let Some(list) = self.lists.pop() {
            if list.numbers == Some(Numbers::DownToOne) {
                // Counted now that the items are known, each from the
                // one before, or from its own `value`.
                let mut n = i64::try_from(list.items.len()).unwrap_or(i64::MAX);
                for &(id, value) in &list.items {
                    let number = value.unwrap_or(n);
                    if let ContainerKind::Item { marker, .. } = &mut self.doc.containers[id].kind {
                        *marker = Marker::format(format_args!("{number}."));
                    }
                    n = number.saturating_sub(1);
                }
            }
            let ids: Vec<usize> = list.items.iter().map(|&(id, _)| id).collect();
            self.align_numbers(&ids);
        }
    }

    /// Open a list item's container, with the marker its list gives it,
    /// or the number `value` gives it (`<li value>`), from which the next
    /// items count on.
    fn start_item(&mut self, value: Option<i64>) -> Option<usize> {
        let depth = self.lists.len();
        let list = self.lists.last_mut()?;
        let marker = match list.numbers {
            Some(numbers) => {
                let n = value.unwrap_or(list.next_number);
                let down = matches!(numbers, Numbers::From(_, true) | Numbers::DownToOne);
                list.next_number = if down {
                    n.saturating_sub(1)
                } else {
                    n.saturating_add(1)
                };
                Marker::format(format_args!("{n}."))
            }
            None => ["•", "◦", "▪"][(depth + 2) % 3].into(),
        };
        let id = self.open_container(ContainerKind::Item {
            marker,
            role: Role::ListMarker,
        });
        if let Some(list) = self.lists.last_mut() {
            list.items.push((id, value));
        }
        Some(id)
    }

    fn open_container(&mut self, kind: ContainerKind) -> usize {
        let parent = self.open.last().copied();
        let id = self.doc.containers.len();
        self.doc.containers.push(Container::new(kind, parent));
        self.open.push(id);
        id
    }

    /// Push a table that ends at `end` as blocks of at most
    /// `TABLE_PART_ROWS` rows, which share its shape: the shape measured
    /// before when the rows are some of a long table's (`Table::known`).
    /// A table only measured is kept as that (`Builder::measured`).
    fn push_table(&mut self, t: Table, end: usize) {
        if let Some(m) = t.measure {
            self.measured = Some(m.finish(t.aligns, t.header_rows, t.start));
            return;
        }
        let shape = match t.known {
            Some(known) => known.shape,
            None => Arc::new(TableShape::measure(
                t.aligns,
                t.header_rows,
                &t.parts,
                self.src,
            )),
        };
        if t.parts.is_empty() {
            let kind = BlockKind::Table {
                shape,
                rows: Box::default(),
            };
            self.push_block(kind, t.start..end, false);
            return;
        }
        for (j, mut part) in t.parts.into_iter().enumerate() {
            let (first_row, at) = t.part_starts[j];
            part.first_row = first_row;
            let start = if first_row == 0 { t.start } else { at };
            let part_end = t.part_starts.get(j + 1).map_or(end, |&(_, at)| at).min(end);
            let kind = BlockKind::Table {
                shape: Arc::clone(&shape),
                rows: Box::new(part),
            };
            self.push_block(kind, start..part_end, false);
            if first_row > 0
                && let Some(block) = self.doc.blocks.last_mut()
            {
                // The parts read as one table.
                block.space_before = 0;
            }
        }
    }

    fn push_block(&mut self, kind: BlockKind, range: Range<usize>, tight: bool) {
        self.push_leveled(kind, None, range, tight);
    }

    /// `push_block`, of a heading of `level` when there is one.
    fn push_leveled(
        &mut self,
        kind: BlockKind,
        level: Option<u8>,
        range: Range<usize>,
        tight: bool,
    ) {
        let index = self.doc.blocks.len();
        let container = self.open.last().copied();
        let mut c = container;
        while let Some(id) = c {
            let node = &mut self.doc.containers[id];
            if node.first_block().is_some() {
                break;
            }
            node.set_first_block(Some(index));
            c = node.parent();
        }
        let list_root = (!self.lists.is_empty()).then_some(self.list_root);
        let space_before = match self.doc.blocks.last() {
            None => 0,
            Some(_)
                if tight
                    && list_root.is_some()
                    && self.block_list_root.last() == Some(&list_root) =>
            {
                0
            }
            Some(_) => space_after_a_block(level),
        };
        // Blocks are kept in source order, so a position finds its block by
        // binary search.
        let floor = self.doc.blocks.last().map_or(0, |b| b.source().start);
        let start = range.start.max(floor);
        let end = range.end.max(start);
        let words = if self.count {
            count_words(&block_text(&kind, self.src))
        } else {
            0
        };
        let mut kind = kind;
        compact(&mut kind);
        let mut block = match (kind, level) {
            (BlockKind::Heading { spans }, Some(level)) => {
                Block::heading(level, spans, start..end, container)
            }
            (kind, _) => Block::new(kind, start..end, container),
        };
        block.space_before = space_before;
        self.doc.push_block(block, words);
        self.block_list_root.push(list_root);
    }

    /// Right-align the numbers of an ordered list.
    fn align_numbers(&mut self, items: &[usize]) {
        let width = items
            .iter()
            .filter_map(|&i| match &self.doc.containers[i].kind {
                ContainerKind::Item { marker, .. } if marker.ends_with('.') => {
                    Some(marker.chars().count())
                }
                _ => None,
            })
            .max()
            .unwrap_or(0);
        for &i in items {
            if let ContainerKind::Item { marker, .. } = &mut self.doc.containers[i].kind
                && marker.ends_with('.')
            {
                *marker = Marker::format(format_args!("{marker:>width$}"));
            }
        }
    }

    fn finish(mut self) -> Document {
        self.flush_text();
        self.html_close_where(|_| true);
        self.close_leaf();
        // The header draws the source URL as a link to the original page.
        // It is added last so that the links of the text keep their
        // indices; it starts where front matter does, at the top.
        if let Some(url) = self.doc.meta.url.clone() {
            let link = self.add_link(LinkTarget::External(url.into()), 0);
            self.doc.meta.url_link = Some(link);
        }
        // The title and byline are drawn with the first block: a file of
        // front matter alone gets an empty one, so they are still shown.
        if self.at_end && self.doc.blocks.is_empty() && self.doc.meta != Meta::default() {
            let end = self.src.len();
            self.push_block(
                BlockKind::Paragraph {
                    spans: Spans::default(),
                },
                end..end,
                false,
            );
        }
        drop_empty_containers(&mut self.doc);
        self.doc
    }
}

/// Forget the containers that hold no block (an empty list item or
/// footnote definition): nothing shows them, and a document parsed in
/// pieces could not tell which piece they belong to.
fn drop_empty_containers(doc: &mut Document) {
    if doc.containers.iter().all(|c| c.first_block().is_some()) {
        return;
    }
    let mut new_index = Vec::with_capacity(doc.containers.len());
    let mut kept = 0;
    for c in &doc.containers {
        new_index.push(c.first_block().map(|_| kept));
        kept += usize::from(c.first_block().is_some());
    }
    let map = |c: Option<usize>| c.and_then(|c| new_index[c]);
    doc.containers.retain(|c| c.first_block().is_some());
    for c in &mut doc.containers {
        // A container with a block has its parent's first block too.
        c.set_parent(map(c.parent()));
    }
    for b in &mut doc.blocks {
        b.set_container(map(b.container()));
    }
    let containers = &doc.containers;
    doc.footnotes.map(|n, f| {
        // An empty first definition gives way to the next one.
        let marker = format!("[{n}]");
        map(f).or_else(|| {
            containers.iter().position(|c| {
                matches!(&c.kind, ContainerKind::Item { marker: m, role: Role::FootnoteLabel } if m.as_str() == marker)
            })
        })
    });
}

/// Paragraphs longer than this (in bytes of text) are stored as several
/// blocks. Layout is lazy per block, so the first screen of a file that is
/// one 10 MB paragraph costs one piece instead of the whole file (seconds,
/// not minutes, in a debug build). The price: where two pieces meet a line
/// may end short, once every few hundred lines of such a paragraph.
const PARAGRAPH_PIECE: usize = 16 * 1024;

/// Cut a paragraph's spans into pieces of at most `PARAGRAPH_PIECE` bytes,
/// after a space or a line end where there is one, else between grapheme
/// clusters.
fn split_paragraph(spans: Vec<Span>, src: &str) -> Vec<Vec<Span>> {
    // Most paragraphs are one piece: keep their spans as they are rather
    // than move each into a new vector.
    if !spans.is_empty() && spans.iter().map(Span::len).sum::<usize>() <= PARAGRAPH_PIECE {
        return vec![spans];
    }
    let mut pieces = Vec::new();
    let mut piece: Vec<Span> = Vec::new();
    let mut len = 0;
    for span in spans {
        // Bytes of the span already put in earlier pieces. Slices are taken
        // by offset: cutting the tail off again and again would copy a
        // 10 MB span hundreds of times.
        let mut from = 0;
        let text = span.text(src);
        while len + text.len() - from > PARAGRAPH_PIECE {
            let rest = &text[from..];
            // `None`: end the piece before the rest of this span.
            if let Some(at) = cut_point(rest, PARAGRAPH_PIECE - len, piece.is_empty()) {
                piece.push(span.part(from, from + at));
                from += at;
            }
            pieces.push(std::mem::take(&mut piece));
            len = 0;
        }
        if from == 0 {
            len += text.len();
            piece.push(span);
        } else if from < text.len() {
            len += text.len() - from;
            piece.push(span.part(from, text.len()));
        }
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Where to cut `text` so that at most `room` bytes come before the cut:
/// after its last space there. Else, when the cut `must` fall inside the
/// text (nothing is before it), after its last whole grapheme cluster
/// there, or after the first cluster when even that one is longer (a
/// cluster is never split). `None` ends the piece before `text`.
fn cut_point(text: &str, room: usize, must: bool) -> Option<usize> {
    use unicode_segmentation::UnicodeSegmentation;
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // A space, or the line end of a soft break kept in the text.
    if let Some(i) = text[..end].rfind([' ', '\n']) {
        return Some(i + 1);
    }
    if !must {
        return None;
    }
    let mut cut = 0;
    for (i, g) in text.grapheme_indices(true) {
        let after = i + g.len();
        if after > room && cut > 0 {
            break;
        }
        cut = after;
        if after > room {
            break;
        }
    }
    Some(cut)
}

/// How an image's text starts, before its alt text: a line is never
/// broken right after it.
pub const IMAGE_LEAD: &str = "[image: ";

/// What an image shows in the text: its alt text in brackets.
fn image_placeholder(alt: &str) -> String {
    let alt = alt.split_whitespace().collect::<Vec<_>>().join(" ");
    if alt.is_empty() {
        "[image]".to_string()
    } else {
        format!("{IMAGE_LEAD}{alt}]")
    }
}

fn block_text(kind: &BlockKind, src: &str) -> String {
    let mut text = String::new();
    let mut spans = block_spans(kind).peekable();
    while let Some(span) = spans.next() {
        text.push_str(span.text(src));
        // Not inside one own text cut into spans.
        if !spans.peek().is_some_and(|next| span.continued_by(next)) {
            text.push(' ');
        }
    }
    text
}

/// A GitHub-style heading id: lower case, punctuation dropped, spaces as
/// hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            slug.extend(c.to_lowercase());
        } else if c == ' ' {
            slug.push('-');
        }
    }
    slug
}

/// Give back the room the block's vectors and strings grew into while it
/// was built: a long article keeps hundreds of thousands of them.
fn compact(kind: &mut BlockKind) {
    match kind {
        // Boxed slices, made to fit.
        BlockKind::Heading { .. } | BlockKind::Paragraph { .. } => {}
        BlockKind::Code(code) => code.lines.shrink_to_fit(),
        BlockKind::Table { rows, .. } => rows.shrink_to_fit(),
        BlockKind::Rule => {}
    }
}

/// A stable 64-bit FNV-1a hash of the source, to notice edits.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Title, author, date and url from YAML or TOML front matter.
fn parse_meta(kind: MetadataBlockKind, text: &str) -> Meta {
    let clean = |s: &str| {
        let s = sanitize(s.trim())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        (!s.is_empty()).then_some(s)
    };
    let mut meta = Meta::default();
    match kind {
        MetadataBlockKind::YamlStyle => {
            let lines: Vec<&str> = text.lines().collect();
            let mut i = 0;
            while i < lines.len() {
                let line = lines[i];
                i += 1;
                if line.starts_with([' ', '\t', '#', '-']) {
                    continue;
                }
                let Some((key, value)) = line.split_once(':') else {
                    continue;
                };
                let key = key.trim().to_ascii_lowercase();
                let value = value.trim();
                // The indented lines that follow: a block scalar or a list.
                let mut block = Vec::new();
                while i < lines.len()
                    && (lines[i].starts_with([' ', '\t']) || lines[i].trim().is_empty())
                {
                    block.push(lines[i].trim());
                    i += 1;
                }
                let value = if value.is_empty() {
                    block
                        .iter()
                        .find_map(|l| l.strip_prefix("- "))
                        .and_then(|item| clean(&yaml_scalar(item)))
                } else if value.starts_with(['>', '|']) {
                    clean(&block.join(" "))
                } else {
                    clean(&yaml_scalar(value))
                };
                set_meta(&mut meta, &key, value);
            }
        }
        MetadataBlockKind::PlusesStyle => {
            if let Ok(table) = text.parse::<toml::Table>() {
                for (key, value) in &table {
                    let value = match value {
                        toml::Value::String(s) => clean(s),
                        toml::Value::Array(a) => a.first().and_then(|v| v.as_str()).and_then(clean),
                        toml::Value::Datetime(d) => clean(&d.to_string()),
                        _ => None,
                    };
                    set_meta(&mut meta, &key.to_ascii_lowercase(), value);
                }
            }
        }
    }
    meta
}

/// A one-line YAML scalar: quoted (with its escapes undone) or plain (with
/// any trailing comment dropped).
fn yaml_scalar(value: &str) -> String {
    let value = value.trim();
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        return out;
    }
    if let Some(rest) = value.strip_prefix('\'') {
        let mut out = String::new();
        let mut chars = rest.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    out.push('\'');
                } else {
                    break;
                }
            } else {
                out.push(c);
            }
        }
        return out;
    }
    match value.find(" #") {
        Some(i) => value[..i].to_string(),
        None => value.to_string(),
    }
}

fn set_meta(meta: &mut Meta, key: &str, value: Option<String>) {
    let slot = match key {
        "title" => &mut meta.title,
        "author" | "authors" | "byline" => &mut meta.author,
        "date" | "published" => &mut meta.date,
        "language" | "lang" => &mut meta.language,
        "url" | "source" | "link" => &mut meta.url,
        _ => return,
    };
    if slot.is_none() {
        *slot = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Target;

    /// The document of one parser given the whole text, as before long
    /// tables were given a stretch at a time.
    fn parsed_at_once(source: &str) -> Document {
        let (text, meta) = prepare(source, true);
        let mut builder = Builder::new(&text);
        builder.markdown = true;
        builder.doc.meta = meta.unwrap_or_default();
        feed_part(&mut builder, &text, 0..text.len(), None, &NEVER);
        let mut doc = builder.finish();
        doc.fingerprint = fingerprint(source);
        doc.text = Arc::from(source);
        doc
    }

    /// Each link's address as it reads, and whether it is kept as its
    /// place in the text.
    fn addresses(doc: &Document) -> Vec<(&str, bool)> {
        doc.links
            .iter()
            .filter_map(|l| match l.target(&doc.text) {
                Target::Internal(a) | Target::External(a) => Some((a, l.written().is_some())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn emoji_shortcodes_show_their_emoji_in_markdown_text_only() {
        let text = "Released :tada: with `:tada:` in code, at 10:30:00 and :octocat:.\n\n\
                    ```\n:rocket:\n```\n\nSee https://x.example/:smile: there :+1:\n";
        let doc = parse(text);
        let shown: Vec<String> = doc
            .blocks
            .iter()
            .map(|b| block_spans(&b.kind).map(|s| s.text(&doc.text)).collect())
            .collect();
        assert_eq!(
            shown,
            [
                "Released 🎉 with :tada: in code, at 10:30:00 and :octocat:.",
                ":rocket:",
                "See https://x.example/:smile: there 👍",
            ]
        );
        // The emoji maps to the shortcode's first colon.
        let tada = text.find(":tada:").unwrap();
        assert!(
            block_spans(&doc.blocks[0].kind)
                .any(|s| s.text(&doc.text) == "🎉" && s.source() == tada)
        );
        // In HTML's text too, but for its code.
        let html = parse("<p>Made with :heart: and <code>:zap:</code></p>\n");
        let shown: String = block_spans(&html.blocks[0].kind)
            .map(|s| s.text(&html.text))
            .collect();
        assert_eq!(shown, "Made with ❤️ and :zap:");
        // Plain text keeps its colons.
        let plain = text::parse_text("A note :tada: here.\n");
        let plain: String = block_spans(&plain.blocks[0].kind)
            .map(|s| s.text(&plain.text))
            .collect();
        assert_eq!(plain, "A note :tada: here.");
    }

    #[test]
    fn an_address_written_as_it_reads_is_kept_as_its_place() {
        let text = "# Top\n\nSee [a](https://a.example/x?y=1), [b](#top), \
                    <https://c.example/>, https://d.example/e and www.f.example.\n\n\
                    Then [g](https://g.example/a\\_b), [h](https://h.example/&amp;),\n\
                    [i][ref], [j](https://j.example/\u{202e}x) and [k](<https://k.example/ z>).\n\n\
                    [ref]: https://ref.example/\n";
        let doc = parse(text);
        assert_eq!(
            addresses(&doc),
            [
                ("https://a.example/x?y=1", true),
                ("top", true),
                ("https://c.example/", true),
                ("https://d.example/e", true),
                ("https://www.f.example", false),
                ("https://g.example/a_b", false),
                ("https://h.example/&", false),
                ("https://ref.example/", false),
                ("https://j.example/<U+202E>x", false),
                ("https://k.example/ z", true),
            ]
        );
        // Each place is that of the address in the text.
        for link in &doc.links {
            if let Some(at) = link.written() {
                assert!(at.start >= link.source() && at.end <= text.len());
            }
        }
    }

    #[test]
    fn an_address_kept_as_its_place_reads_the_same_in_a_text_parsed_in_pieces() {
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!(
                "Paragraph {i} links [here](https://x.example/{i}) and [back](#p-{i}).\n\n"
            ));
        }
        let whole = parse(&text);
        let stop = std::sync::atomic::AtomicBool::new(false);
        let joined = join::parse_in_pieces(&Arc::from(text.as_str()), 4096, 2, &stop).unwrap();
        assert_eq!(whole.links, joined.links);
        let read = addresses(&joined);
        assert_eq!(read.len(), 800);
        assert!(read.iter().all(|(_, written)| *written));
        assert_eq!(read[799], ("p-399", true));
        assert_eq!(read[798], ("https://x.example/399", true));
    }

    #[test]
    fn a_long_table_given_a_stretch_at_a_time_is_the_table_of_one_parse() {
        // Rows of one length, and tables of a row count around a
        // stretch's: some table ends right where a stretch does.
        let row = |i: usize| format!("| {i:>6} | *w* `a|b` \\| x |\n");
        let per = long_table::TABLE_STRETCH / row(0).len();
        let mut cases = Vec::new();
        for rows in [
            per - 2,
            per - 1,
            per,
            per + 1,
            per + 2,
            3 * per + 1,
            3 * per + 3,
        ] {
            let mut table = String::from("| n | words | more |\n|--:|:-:|---|\n");
            for i in 0..rows {
                table.push_str(&row(i));
            }
            // Rows with fewer and more cells than the header.
            table.push_str("| short |\n| 1 | 2 | 3 | 4 |\n");
            for after in [
                "\nA paragraph.\n",
                "# A heading\n",
                "> A quote\n",
                "- an item\n",
                "",
            ] {
                cases.push(format!("# Title\n\nText.\n\n{table}{after}"));
            }
            let mut cut = format!("Text.\n\n{table}");
            cut.pop();
            cases.push(cut);
            cases.push(format!("{table}\n{table}"));
        }
        let mut long = 0;
        for text in &cases {
            let doc = parse(text);
            assert_eq!(doc, parsed_at_once(text), "{}", &text[text.len() - 80..]);
            if !long_table::long_tables(text).is_empty() {
                long += 1;
                assert!(doc.blocks.iter().any(|b| matches!(&b.kind,
                    BlockKind::Table { shape, .. } if shape.rows > 2 * TABLE_PART_ROWS)));
            }
        }
        assert!(long > cases.len() / 2, "{long} of {}", cases.len());
        // A text with definitions is given whole.
        let defined = format!("{}\n[x]: /x\n", cases[0]);
        assert_eq!(parse(&defined), parsed_at_once(&defined));
    }

    #[test]
    fn a_rule_then_text_in_the_middle_is_not_front_matter() {
        // pulldown-cmark's metadata blocks would hide everything from a
        // `---` followed by text to the next `---`.
        let doc = parse("Start.\n\n---\nStill shown.\n\n---\n");
        let text: String = doc
            .blocks
            .iter()
            .flat_map(|b| block_spans(&b.kind))
            .map(|s| s.text(&doc.text))
            .collect();
        assert!(text.contains("Still shown."), "{text:?}");
        assert_eq!(doc.meta, Meta::default());
        // At the start of the file it is front matter, read and not shown.
        let doc = parse("---\ntitle: Kept\n---\n\nBody.\n");
        assert_eq!(doc.meta.title.as_deref(), Some("Kept"));
        assert_eq!(doc.blocks.len(), 1);
        assert_eq!(
            doc.blocks[0].source().start,
            "---\ntitle: Kept\n---\n\n".len()
        );
        // A blank line after the opening `---` makes it a rule.
        let doc = parse("---\n\ntitle: no\n---\n");
        assert_eq!(doc.meta, Meta::default());
        // TOML front matter.
        let doc = parse("+++\ntitle = \"Plus\"\n+++\nBody.\n");
        assert_eq!(doc.meta.title.as_deref(), Some("Plus"));
    }

    fn paragraph_text(doc: &Document, i: usize) -> String {
        block_spans(&doc.blocks[i].kind)
            .map(|s| s.text(&doc.text))
            .collect()
    }

    #[test]
    fn yaml_front_matter_scalars() {
        let doc = parse(
            "---\ntitle: >\n  A folded\n  title\nauthor: \"Ann \\\"Q\\\" Lee\"\ndate: '2026-01-02' # when\n---\nText\n",
        );
        assert_eq!(doc.meta.title.as_deref(), Some("A folded title"));
        assert_eq!(doc.meta.author.as_deref(), Some("Ann \"Q\" Lee"));
        assert_eq!(doc.meta.date.as_deref(), Some("2026-01-02"));
        let doc = parse("---\ntitle: \"A: B\"\nauthors:\n  - First\n  - Second\n---\n");
        assert_eq!(doc.meta.title.as_deref(), Some("A: B"));
        assert_eq!(doc.meta.author.as_deref(), Some("First"));
    }

    #[test]
    fn toml_front_matter() {
        let doc =
            parse("+++\ntitle = \"T\"\nauthor = [\"A\", \"B\"]\ndate = 2026-11-27\n+++\nBody\n");
        assert_eq!(doc.meta.title.as_deref(), Some("T"));
        assert_eq!(doc.meta.author.as_deref(), Some("A"));
        assert_eq!(doc.meta.date.as_deref(), Some("2026-11-27"));
    }

    #[test]
    fn image_alt_text_stays_inside_the_placeholder() {
        let doc = parse("See ![a `code` alt\nover two lines](x.png) here.");
        assert_eq!(
            paragraph_text(&doc, 0),
            "See [image: a code alt over two lines] here."
        );
        let doc = parse("And ![outer ![nested](n.png) alt](o.png).");
        assert_eq!(paragraph_text(&doc, 0), "And [image: outer nested alt].");
    }

    #[test]
    fn control_characters_become_stand_ins_even_from_entities() {
        let doc = parse("a \u{1b}[2J b &#27; c &#x1b; d &#155; e \u{202e} f \u{7f}");
        let text = paragraph_text(&doc, 0);
        assert!(!text.chars().any(|c| stand_in(c).is_some()), "{text:?}");
        assert_eq!(text.matches('␛').count(), 3, "{text:?}");
        assert!(text.contains("<U+009B>") && text.contains("<U+202E>") && text.contains('␡'));
    }

    #[test]
    fn exact_spans_point_at_their_source() {
        let src = "Some *emphasis* and **strong** text.";
        let doc = parse(src);
        let exact: Vec<&Span> = block_spans(&doc.blocks[0].kind)
            .filter(|s| s.exact())
            .collect();
        assert_eq!(exact.len(), 5);
        for span in exact {
            assert_eq!(
                &src[span.source()..span.source() + span.len()],
                span.text(&doc.text)
            );
        }
    }

    #[test]
    fn slugs_are_github_style_and_unique() {
        let doc = parse(
            "# Hello, World!\n\n# Hello, World!\n\n## Ünïcode 漢字 text\n\n# Custom {#mine}\n\n# Hello, World!\n",
        );
        let slugs: Vec<&str> = doc.headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(
            slugs,
            [
                "hello-world",
                "hello-world-1",
                "ünïcode-漢字-text",
                "mine",
                "hello-world-2"
            ]
        );
    }

    #[test]
    fn footnotes_are_numbered_in_order_of_use() {
        let doc = parse("B[^b] then A[^a].\n\n[^a]: first def\n[^b]: second def\n");
        assert_eq!(paragraph_text(&doc, 0), "B[1] then A[2].");
        let markers: Vec<&str> = doc
            .containers
            .iter()
            .filter_map(|c| match &c.kind {
                ContainerKind::Item { marker, .. } => Some(marker.as_str()),
                ContainerKind::Quote { .. } => None,
            })
            .collect();
        assert_eq!(markers, ["[2]", "[1]"]);
    }

    #[test]
    fn tight_lists_have_no_blank_lines_and_loose_ones_do() {
        let tight = parse("- a\n- b\n  - c\n");
        assert!(tight.blocks.iter().skip(1).all(|b| b.space_before == 0));
        let loose = parse("- a\n\n- b\n");
        assert_eq!(loose.blocks[1].space_before, 1);
    }

    #[test]
    fn alerts_get_a_label() {
        let doc = parse("> [!NOTE]\n> Mind the gap.\n");
        assert_eq!(paragraph_text(&doc, 0), "Note");
        assert_eq!(paragraph_text(&doc, 1), "Mind the gap.");
        assert_eq!(doc.containers[0].alert(), Some(AlertKind::Note));
        let doc = parse("> [!CAUTION]\n> Hot.\n\n> Plain.\n");
        let kinds: Vec<_> = doc.containers.iter().map(Container::alert).collect();
        assert_eq!(kinds, [Some(AlertKind::Caution), None]);
    }

    #[test]
    fn a_long_paragraph_of_one_word_lines_is_cut_between_words() {
        let src = "words\n".repeat(5000);
        let doc = parse(&src);
        assert!(doc.blocks.len() > 1);
        for b in &doc.blocks[1..] {
            assert_eq!(&src[b.source().start - 1..b.source().start], "\n");
        }
        assert_eq!(doc.words, 5000);
        assert_eq!(crate::search::find_all(&doc, "words").len(), 5000);
    }

    #[test]
    fn words_and_sections() {
        let doc = parse("# One\n\nalpha beta gamma\n\n## Two\n\ndelta epsilon\n");
        assert_eq!(doc.words, 1 + 3 + 1 + 2);
        let pos = crate::position::Position(doc.blocks[3].source().start);
        assert_eq!(doc.section_at(pos).map(|h| h.text.as_str()), Some("Two"));
        assert_eq!(doc.words_before(pos), 5);
    }
}

#[cfg(test)]
mod fence_tests {
    use crate::document::BlockKind;

    #[test]
    fn a_fence_names_its_language_without_its_attributes() {
        let langs: Vec<Option<String>> = [
            "```rust,ignore,does_not_compile\nx\n```\n",
            "```rust ignore\nx\n```\n",
            "```,ignore\nx\n```\n",
            "```\nx\n```\n",
        ]
        .iter()
        .map(|src| {
            let doc = crate::parse::parse(src);
            match &doc.blocks[0].kind {
                BlockKind::Code(code) => code.lang.as_deref().map(str::to_string),
                other => panic!("{other:?}"),
            }
        })
        .collect();
        assert_eq!(
            langs,
            [Some("rust".into()), Some("rust".into()), None, None]
        );
    }
}
