//! The parsed article: an immutable list of blocks whose every piece of text
//! knows the byte in the source it came from.
//!
//! This module only describes the model. Building it is `parse`'s job, and
//! turning it into lines of a given width is `layout`'s. Styles here are
//! semantic (emphasis, link, heading level); colours belong to the theme.

use std::ops::Range;
use std::sync::Arc;

use crate::position::Position;

/// Inline style flags, combined as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flags(u16);

impl Flags {
    pub const NONE: Flags = Flags(0);
    pub const EMPHASIS: Flags = Flags(1);
    pub const STRONG: Flags = Flags(1 << 1);
    pub const STRIKE: Flags = Flags(1 << 2);
    pub const CODE: Flags = Flags(1 << 3);
    pub const LINK: Flags = Flags(1 << 4);
    pub const IMAGE: Flags = Flags(1 << 5);
    pub const FOOTNOTE_REF: Flags = Flags(1 << 6);
    /// A visible stand-in for a control character from the file.
    pub const STAND_IN: Flags = Flags(1 << 7);
    /// Inline HTML, shown dimmed.
    pub const HTML: Flags = Flags(1 << 8);
    /// The author line of a plain-text article, drawn as the byline of
    /// front matter is.
    pub const BYLINE: Flags = Flags(1 << 9);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    #[must_use]
    pub fn with(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }

    #[must_use]
    pub fn without(self, other: Flags) -> Flags {
        Flags(self.0 & !other.0)
    }
}

/// What a piece of text is, for the theme to colour.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Role {
    #[default]
    Text,
    Heading(u8),
    /// The underline drawn below level 1 and 2 headings.
    HeadingRule(u8),
    Quote,
    QuoteBar,
    ListMarker,
    FootnoteLabel,
    /// Code as written, and the plain text of highlighted code.
    CodeBlock,
    /// A token of highlighted code, by what it is in its language.
    Syntax(Token),
    CodeLang,
    /// The mark at the start of a wrapped code or HTML line.
    Continuation,
    Html,
    TableBorder,
    TableHeader,
    Rule,
    Title,
    Byline,
    /// The caption under a figure: its alt text or title, dimmed.
    Caption,
    /// The label and bar of a GitHub alert (`> [!NOTE]`), by its kind.
    Alert(AlertKind),
}

/// The kinds of GitHub alert, each with its label and colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AlertKind {
    Note,
    Tip,
    Important,
    Warning,
    Caution,
}

impl AlertKind {
    pub fn label(self) -> &'static str {
        match self {
            AlertKind::Note => "Note",
            AlertKind::Tip => "Tip",
            AlertKind::Important => "Important",
            AlertKind::Warning => "Warning",
            AlertKind::Caution => "Caution",
        }
    }
}

/// What a piece of highlighted code is, whatever its language: the few
/// classes a reader tells apart at a glance. `highlight` maps a grammar's
/// scopes to these; the theme gives each its look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    Keyword,
    String,
    Comment,
    /// Numbers, booleans, named constants and escapes.
    Constant,
    Function,
    Type,
    /// Operators and punctuation.
    Punctuation,
}

/// The full semantic style of a piece of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Style {
    pub role: Role,
    pub flags: Flags,
}

impl Style {
    pub fn role(role: Role) -> Style {
        Style {
            role,
            flags: Flags::NONE,
        }
    }
}

/// A run of text with one style, traced back to the source.
///
/// Sixteen bytes: a long article has millions of spans. Positions are
/// kept in 32 bits (an article is at most 1 GiB, see `load`) and given
/// out as `usize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Span {
    source: u32,
    /// The link this text belongs to (see `link`).
    link: SpanLink,
    pub flags: Flags,
    text: SpanText,
}

const _: () = assert!(std::mem::size_of::<Span>() == 16);

/// A span's link, `Option<LinkId>` in three bytes: 0 for none, else the
/// link's index and one. A footnote mark (`[10000]`) then fits in one
/// span's own text (see `OWN`); the links past sixteen million of an
/// article (of a gigabyte of nothing but links) are read as text.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SpanLink([u8; 3]);

impl SpanLink {
    const NONE: SpanLink = SpanLink([0; 3]);

    fn new(link: Option<LinkId>) -> SpanLink {
        match link.map(|l| l.0.get().to_le_bytes()) {
            Some([a, b, c, 0]) => SpanLink([a, b, c]),
            _ => SpanLink::NONE,
        }
    }

    fn get(self) -> Option<LinkId> {
        let [a, b, c] = self.0;
        std::num::NonZeroU32::new(u32::from_le_bytes([a, b, c, 0])).map(LinkId)
    }
}

/// What a span reads as, in seven bytes. Most of an article's text is its
/// source as written: such a span keeps only its length, and reads its
/// text from the document's (`Document::text`), so the text is not held
/// twice. The line end of a soft break inside a paragraph stays in such a
/// span as the source has it, and reads as a space (see `Span::shown`).
///
/// Text that is not the source's (entities, smart punctuation, stand-ins,
/// footnote marks, a hard break's `"\n"`) is kept in the span itself, up
/// to `OWN` bytes, padded with `PAD`; a longer one is cut into several
/// spans (`Span::owned`). All of it maps to `Span::source`. The source's
/// form is told by `SOURCE` in its first byte, its length in the last
/// four. Neither byte occurs in UTF-8.
#[derive(Clone, Copy, PartialEq, Eq)]
struct SpanText([u8; OWN]);

/// The most bytes of its own text a span holds.
const OWN: usize = 7;
/// The first byte of a span of the source.
const SOURCE: u8 = 0xFF;
/// What fills the rest of a span's own text.
const PAD: u8 = 0xFE;

impl SpanText {
    fn source(len: usize) -> SpanText {
        let len = u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes();
        SpanText([SOURCE, 0, 0, len[0], len[1], len[2], len[3]])
    }

    /// `text`, of at most `OWN` bytes.
    fn own(text: &str) -> SpanText {
        let mut bytes = [PAD; OWN];
        bytes[..text.len()].copy_from_slice(text.as_bytes());
        SpanText(bytes)
    }

    /// The length of a span of the source; `None` for own text.
    fn source_len(self) -> Option<usize> {
        let [tag, _, _, a, b, c, d] = self.0;
        (tag == SOURCE).then(|| u32::from_le_bytes([a, b, c, d]) as usize)
    }

    /// The own text.
    fn own_text(&self) -> &str {
        padded_str(&self.0)
    }
}

/// The text of `bytes` up to the first `PAD`: inline text (of a span, a
/// marker), into which only whole UTF-8 strings are put.
fn padded_str(bytes: &[u8]) -> &str {
    let len = bytes.iter().position(|&b| b == PAD).unwrap_or(bytes.len());
    std::str::from_utf8(&bytes[..len]).unwrap_or_default()
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Span");
        match self.text.source_len() {
            Some(len) => d.field("len", &len),
            None => d.field("own", &self.text.own_text()),
        };
        d.field("source", &self.source)
            .field("link", &self.link())
            .field("flags", &self.flags)
            .finish()
    }
}

/// An index into `Document::links`, in four bytes with its `None` (a span
/// keeps it in three, see `SpanLink`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LinkId(std::num::NonZeroU32);

impl LinkId {
    /// The id of link `index`; `None` only for `u32::MAX`, which no
    /// document reaches (a span holds ids below 2^24 - 1).
    pub fn new(index: u32) -> Option<LinkId> {
        std::num::NonZeroU32::new(index.wrapping_add(1)).map(LinkId)
    }

    pub fn index(self) -> u32 {
        self.0.get() - 1
    }
}

/// A byte offset in 32 bits: an article is at most 1 GiB.
fn narrow(at: usize) -> u32 {
    debug_assert!(u32::try_from(at).is_ok(), "a source offset past 4 GiB");
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Span {
    /// A span of the source's own text: `len` bytes from `source` on.
    pub fn of_source(source: usize, len: usize, flags: Flags) -> Span {
        Span {
            text: SpanText::source(len),
            flags,
            source: narrow(source),
            link: SpanLink::NONE,
        }
    }

    /// Spans whose text is not the source's, shown for the source byte
    /// `source`: one for each `OWN` bytes of `text` (whole characters), and
    /// one when `text` is empty.
    pub fn owned(text: &str, source: usize, flags: Flags) -> impl Iterator<Item = Span> + '_ {
        let mut rest = Some(text);
        std::iter::from_fn(move || {
            let text = rest?;
            let mut cut = text.len().min(OWN);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            rest = (cut < text.len()).then(|| &text[cut..]);
            Some(Span {
                text: SpanText::own(&text[..cut]),
                flags,
                source: narrow(source),
                link: SpanLink::NONE,
            })
        })
    }

    /// Whether this span is a line break of its own (`<br>` in a cell).
    pub fn is_line_break(&self, src: &str) -> bool {
        !self.exact() && self.text(src) == "\n"
    }

    /// Whether `next` goes on with this span's own text: one text cut into
    /// several spans (see `owned`), to be counted as one.
    pub fn continued_by(&self, next: &Span) -> bool {
        !self.exact()
            && !next.exact()
            && self.source == next.source
            && self.flags == next.flags
            && self.link == next.link
    }

    /// The link this text belongs to.
    pub fn link(&self) -> Option<LinkId> {
        self.link.get()
    }

    pub fn set_link(&mut self, link: Option<LinkId>) {
        self.link = SpanLink::new(link);
    }

    /// Byte offset in the source of the span's first character.
    pub fn source(&self) -> usize {
        self.source as usize
    }

    /// Move the span to another place in the source.
    pub(crate) fn set_source(&mut self, source: usize) {
        self.source = narrow(source);
    }

    /// True when the text is the source's own from `source` on, so that
    /// every byte of it maps to its own source byte. Entities, smart
    /// punctuation and stand-ins are not exact: all of their text maps to
    /// `source`.
    pub fn exact(&self) -> bool {
        self.text.source_len().is_some()
    }

    /// The span's text; `src` is the text the document was parsed from
    /// (`Document::text`).
    pub fn text<'a>(&'a self, src: &'a str) -> &'a str {
        match self.text.source_len() {
            Some(len) => {
                let at = self.source();
                let text = src.get(at..at + len);
                debug_assert!(text.is_some(), "a span read from the wrong text");
                text.unwrap_or_default()
            }
            None => self.text.own_text(),
        }
    }

    /// The length of the text in bytes.
    pub fn len(&self) -> usize {
        self.text
            .source_len()
            .unwrap_or_else(|| self.text.own_text().len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text as it reads: the line ends of soft breaks as spaces.
    pub fn shown<'a>(&'a self, src: &'a str) -> std::borrow::Cow<'a, str> {
        let text = self.text(src);
        if self.exact() && text.contains('\n') {
            std::borrow::Cow::Owned(text.replace('\n', " "))
        } else {
            std::borrow::Cow::Borrowed(text)
        }
    }

    /// The source byte that the byte `i` of the text came from.
    pub fn source_at(&self, i: usize) -> usize {
        if self.exact() {
            self.source() + i
        } else {
            self.source()
        }
    }

    /// Lengthen an exact span by `len` bytes of the source that follow it.
    pub(crate) fn extend(&mut self, len: usize) {
        if let Some(n) = self.text.source_len() {
            self.text = SpanText::source(n + len);
        }
    }

    /// Bytes `from..to` of the span. An exact span's part keeps mapping to
    /// its own source; any other part maps to the span's `source`.
    pub(crate) fn part(&self, from: usize, to: usize) -> Span {
        match self.text.source_len() {
            Some(_) => Span {
                text: SpanText::source(to - from),
                source: narrow(self.source() + from),
                ..self.clone()
            },
            None => Span {
                text: SpanText::own(&self.text.own_text()[from..to]),
                ..self.clone()
            },
        }
    }
}

/// Where a link goes, as the parse makes it (see `Link::new`); a link
/// gives it back as a `Target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// `#slug`: a heading in this article.
    Internal(Address),
    /// A footnote reference, by its number.
    Footnote(usize),
    /// Anything else, as written.
    External(Address),
    /// An image (`![alt](url "title")`, `<img>`): selecting it shows it.
    Image(Box<ImageRef>),
}

/// Where a link goes, as it reads (see `Link::target`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// `#slug`, by its slug: a heading in this article.
    Internal(&'a str),
    /// A footnote reference, by its number.
    Footnote(usize),
    /// Anything else, as written.
    External(&'a str),
    /// An image (`![alt](url "title")`, `<img>`): selecting it shows it.
    Image(&'a ImageRef),
}

/// A link's address (or a heading's slug), as the parse gives it to
/// `Link::new`.
///
/// Most addresses are written in the text as they read (`[a](https://…)`),
/// and are kept as that place rather than as a string of their own and
/// the allocator's bytes beside it, for each of an article's tens of
/// thousands of links. An address that reads otherwise than it is written
/// (escapes, entities, a stand-in, a reference defined in another part of
/// the text) keeps its own copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Address {
    /// `len` bytes of the text from `start`.
    Written {
        start: u32,
        len: u32,
    },
    Own(Box<str>),
}

impl Address {
    /// The address `len` bytes from `start` of the text.
    pub fn written(start: usize, len: usize) -> Address {
        Address::Written {
            start: offset_u32(start),
            len: offset_u32(len),
        }
    }
}

impl From<&str> for Address {
    fn from(own: &str) -> Address {
        Address::Own(own.into())
    }
}

impl From<String> for Address {
    fn from(own: String) -> Address {
        Address::Own(own.into_boxed_str())
    }
}

/// An image of the article, as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The address as written: a path relative to the article, an
    /// absolute path, or a URL.
    pub url: String,
    pub alt: String,
    pub title: Option<String>,
}

impl ImageRef {
    /// What a figure shows under the image: its alt text, else its title.
    pub fn caption(&self) -> &str {
        let alt = self.alt.trim();
        if alt.is_empty() {
            self.title.as_deref().map_or("", str::trim)
        } else {
            alt
        }
    }
}

/// A link in the article, in 16 bytes: where it goes and where it starts
/// in the source (see `Link::target` and `Link::source`). An article of
/// 100,000 footnotes has 100,000 links, and a reader holds them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link(Stored);

/// A link as it is kept: each kind of target with the link's place beside
/// it (one enum of them all, not a target enum inside a struct, leaves no
/// room between them). Places are in 32 bits: an article is at most 1 GiB
/// (see `load`). An address of its own is a string behind one pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Stored {
    Internal { source: u32, start: u32, len: u32 },
    InternalOwn { source: u32, slug: Box<Box<str>> },
    Footnote { source: u32, number: u32 },
    External { source: u32, start: u32, len: u32 },
    ExternalOwn { source: u32, url: Box<Box<str>> },
    Image { source: u32, image: Box<ImageRef> },
}

const _: () = assert!(std::mem::size_of::<Link>() == 16);

impl Link {
    pub fn new(target: LinkTarget, source: usize) -> Link {
        let source = offset_u32(source);
        Link(match target {
            LinkTarget::Internal(Address::Written { start, len }) => {
                Stored::Internal { source, start, len }
            }
            LinkTarget::Internal(Address::Own(slug)) => Stored::InternalOwn {
                source,
                slug: Box::new(slug),
            },
            LinkTarget::Footnote(number) => Stored::Footnote {
                source,
                number: u32::try_from(number).unwrap_or(u32::MAX),
            },
            LinkTarget::External(Address::Written { start, len }) => {
                Stored::External { source, start, len }
            }
            LinkTarget::External(Address::Own(url)) => Stored::ExternalOwn {
                source,
                url: Box::new(url),
            },
            LinkTarget::Image(image) => Stored::Image { source, image },
        })
    }

    /// Where the link goes, its address read from `text`, the text of the
    /// document it is in (empty if `text` is not that text).
    pub fn target<'a>(&'a self, text: &'a str) -> Target<'a> {
        let written = |start: u32, len: u32| {
            let start = start as usize;
            text.get(start..start + len as usize).unwrap_or_default()
        };
        match &self.0 {
            Stored::Internal { start, len, .. } => Target::Internal(written(*start, *len)),
            Stored::InternalOwn { slug, .. } => Target::Internal(slug),
            Stored::Footnote { number, .. } => Target::Footnote(*number as usize),
            Stored::External { start, len, .. } => Target::External(written(*start, *len)),
            Stored::ExternalOwn { url, .. } => Target::External(url),
            Stored::Image { image, .. } => Target::Image(image),
        }
    }

    /// The image the link shows, if it is one: `target` without the text.
    pub fn image(&self) -> Option<&ImageRef> {
        match &self.0 {
            Stored::Image { image, .. } => Some(image),
            _ => None,
        }
    }

    /// The place of the link's address in the text, when it is kept as
    /// that place rather than as its own copy.
    pub fn written(&self) -> Option<std::ops::Range<usize>> {
        match self.0 {
            Stored::Internal { start, len, .. } | Stored::External { start, len, .. } => {
                Some(start as usize..start as usize + len as usize)
            }
            _ => None,
        }
    }

    /// Where the link starts in the source.
    pub fn source(&self) -> usize {
        let (Stored::Internal { source, .. }
        | Stored::InternalOwn { source, .. }
        | Stored::Footnote { source, .. }
        | Stored::External { source, .. }
        | Stored::ExternalOwn { source, .. }
        | Stored::Image { source, .. }) = self.0;
        source as usize
    }

    pub fn set_source(&mut self, source: usize) {
        let (Stored::Internal { source: at, .. }
        | Stored::InternalOwn { source: at, .. }
        | Stored::Footnote { source: at, .. }
        | Stored::External { source: at, .. }
        | Stored::ExternalOwn { source: at, .. }
        | Stored::Image { source: at, .. }) = &mut self.0;
        *at = offset_u32(source);
    }

    /// Moved `by` bytes on, with the text it is read from (see
    /// `parse::window`, whose parts are parsed on their own): its place,
    /// and its address's if it is written.
    pub fn shift(&mut self, by: usize) {
        self.set_source(self.source() + by);
        if let Stored::Internal { start, .. } | Stored::External { start, .. } = &mut self.0 {
            *start = offset_u32(*start as usize + by);
        }
    }
}

/// The lines of a code block, spans with their whitespace kept, all in
/// one vector: a long article has tens of thousands of code lines, and a
/// vector for each took more room than its spans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    spans: Vec<Span>,
    /// For each line, where its spans end in `spans`. The spans after the
    /// last are the line being written (see `end_line`).
    ends: Vec<u32>,
}

impl Lines {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Line `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<&[Span]> {
        let end = *self.ends.get(i)? as usize;
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        Some(&self.spans[start..end])
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &[Span]> + ExactSizeIterator {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// Every span, in order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub(crate) fn spans_mut(&mut self) -> &mut [Span] {
        &mut self.spans
    }

    /// The spans of the line being written, to add to.
    pub(crate) fn writing(&mut self) -> &mut Vec<Span> {
        &mut self.spans
    }

    /// End the line being written: the next spans start another.
    pub(crate) fn end_line(&mut self) {
        self.ends.push(to_u32(self.spans.len()));
    }

    /// End the line being written if it has spans: the line after a code
    /// block's last newline has none, and is no line of it.
    pub(crate) fn finish(&mut self) {
        if self.spans.len() > self.ends.last().map_or(0, |&e| e as usize) {
            self.end_line();
        }
    }

    /// Give back the room the vectors grew into.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.spans.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

/// Column alignment in a table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A table cell is a run of inline spans.
pub type Cell = Vec<Span>;

/// Rows of table cells, their spans kept in one vector: a long table has
/// hundreds of thousands of cells, most of one span, and a vector for each
/// cell and each row took several times the room of the spans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rows {
    /// The index in the whole table of the first row: the part at 0
    /// draws the top border, the one that ends the table the bottom.
    /// Here rather than in the block, which is 40 bytes without it.
    pub first_row: usize,
    spans: Vec<Span>,
    /// For each cell, where its spans end in `spans`.
    cell_ends: Vec<u32>,
    /// For each row, where its cells end in `cell_ends`.
    row_ends: Vec<u32>,
}

/// One row of `Rows`.
#[derive(Clone, Copy, Debug)]
pub struct Row<'a> {
    rows: &'a Rows,
    /// Its cells, by their index in `Rows::cell_ends`.
    start: usize,
    end: usize,
}

impl Rows {
    pub fn len(&self) -> usize {
        self.row_ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.row_ends.is_empty()
    }

    /// Row `r`, if there is one.
    pub fn row(&self, r: usize) -> Option<Row<'_>> {
        let end = *self.row_ends.get(r)? as usize;
        let start = r.checked_sub(1).map_or(0, |p| self.row_ends[p] as usize);
        Some(Row {
            rows: self,
            start,
            end,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = Row<'_>> {
        (0..self.len()).filter_map(|r| self.row(r))
    }

    /// Every cell, row after row.
    pub fn cells(&self) -> impl Iterator<Item = &[Span]> {
        (0..self.cell_ends.len()).map(|i| self.cell(i))
    }

    /// Every span, in order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    pub(crate) fn spans_mut(&mut self) -> &mut [Span] {
        &mut self.spans
    }

    fn cell(&self, i: usize) -> &[Span] {
        let start = i.checked_sub(1).map_or(0, |p| self.cell_ends[p] as usize);
        &self.spans[start..self.cell_ends[i] as usize]
    }

    /// Start a row, with no cells yet.
    pub(crate) fn start_row(&mut self) {
        self.row_ends.push(to_u32(self.cell_ends.len()));
    }

    /// Add a cell of `spans` (which are taken out) to the last row.
    pub(crate) fn push_cell(&mut self, spans: &mut Vec<Span>) {
        if self.row_ends.is_empty() {
            self.start_row();
        }
        self.spans.append(spans);
        self.cell_ends.push(to_u32(self.spans.len()));
        if let Some(end) = self.row_ends.last_mut() {
            *end = to_u32(self.cell_ends.len());
        }
    }

    /// Give back the room the vectors grew into.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.spans.shrink_to_fit();
        self.cell_ends.shrink_to_fit();
        self.row_ends.shrink_to_fit();
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl<'a> Row<'a> {
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// Cell `c`, if the row has one.
    pub fn get(&self, c: usize) -> Option<&'a [Span]> {
        (c < self.len()).then(|| self.rows.cell(self.start + c))
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a [Span]> + use<'a> {
        let rows = self.rows;
        (self.start..self.end).map(move |i| rows.cell(i))
    }
}

/// What the parts of one table share. A long table is kept as several
/// blocks of at most `TABLE_PART_ROWS` rows each, so that a screen lays
/// out only the rows it shows and `cat` holds a part's lines at a time;
/// the column widths are the whole table's, so the parts drawn one after
/// the other are the table drawn at once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableShape {
    pub aligns: Vec<Align>,
    /// How many of the first rows are header rows.
    pub header_rows: usize,
    /// Rows in the whole table.
    pub rows: usize,
    /// Columns: the most cells of a row, or of the alignment row.
    pub columns: usize,
    /// For each column, the display width of its widest cell, at least 1.
    pub natural: Vec<usize>,
    /// For each column, the display width of its widest word, at least 1.
    pub narrowest: Vec<usize>,
    /// For each column, the display width of its widest cell below the
    /// header rows (of any cell when there are none), at least 1: a
    /// narrow table wraps its headers before its data.
    pub body: Vec<usize>,
}

/// Rows of a table that one block holds.
pub const TABLE_PART_ROWS: usize = 64;

impl TableShape {
    /// The shape of a table of `rows`, measured in `src`.
    pub fn measure(
        aligns: Vec<Align>,
        header_rows: usize,
        parts: &[Rows],
        src: &str,
    ) -> TableShape {
        let rows = || parts.iter().flat_map(Rows::iter);
        let columns = rows().map(|r| r.len()).max().unwrap_or(0).max(aligns.len());
        let mut natural = vec![1; columns];
        let mut narrowest = vec![1; columns];
        let mut body = vec![1; columns];
        for (r, row) in rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let width = cell_width(cell, src);
                natural[c] = natural[c].max(width);
                narrowest[c] = narrowest[c].max(cell_min_width(cell, src));
                if r >= header_rows {
                    body[c] = body[c].max(width);
                }
            }
        }
        TableShape {
            aligns,
            header_rows,
            rows: parts.iter().map(Rows::len).sum(),
            columns,
            natural,
            narrowest,
            body,
        }
    }
}

impl Document {
    /// The cells of the last header row of the table that block `b` is a
    /// part of, if it has one: they lead each cell of a row when the
    /// table is too narrow to draw. The parts of a table are blocks one
    /// after another, each of `TABLE_PART_ROWS` rows but the last; a
    /// document of only some parts of a long table (`longform cat` of one)
    /// holds the part with the header before them.
    pub fn table_header(&self, b: usize) -> Option<Row<'_>> {
        let BlockKind::Table { shape, rows, .. } = &self.blocks.get(b)?.kind else {
            return None;
        };
        let first_row = rows.first_row;
        let row = shape.header_rows.checked_sub(1)?;
        let holds = |block: &Block| -> bool {
            matches!(&block.kind, BlockKind::Table { shape: same, rows }
                if std::sync::Arc::ptr_eq(shape, same)
                    && row.checked_sub(rows.first_row).is_some_and(|r| r < rows.len()))
        };
        let part = (b + row / TABLE_PART_ROWS)
            .checked_sub(first_row / TABLE_PART_ROWS)
            .filter(|&part| self.blocks.get(part).is_some_and(holds))
            .or_else(|| self.blocks[..b].iter().position(holds))?;
        match &self.blocks[part].kind {
            BlockKind::Table { rows, .. } => rows.row(row - rows.first_row),
            _ => None,
        }
    }
}

/// The alt texts of the images that are all `text` shows (`[image]`,
/// `[image: alt]`, see `parse::IMAGE_LEAD`), the empty ones left out;
/// `None` when it shows words of its own.
pub(crate) fn image_alts(text: &str) -> Option<Vec<&str>> {
    let mut alts = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("[image]") {
            rest = after;
        } else {
            let inner = rest.strip_prefix(crate::parse::IMAGE_LEAD)?;
            let end = inner.find(']')?;
            alts.push(&inner[..end]);
            rest = &inner[end + 1..];
        }
        rest = rest.trim_start();
    }
    Some(alts)
}

/// The display width of a cell's text: of its widest line, when a line
/// break (`<br>`) parts it.
pub(crate) fn cell_width(cell: &[Span], src: &str) -> usize {
    let mut widest = 0;
    let mut line = 0;
    for s in cell {
        if s.is_line_break(src) {
            widest = widest.max(line);
            line = 0;
        } else {
            line += crate::width::display_width(s.text(src));
        }
    }
    widest.max(line)
}

/// The widest word of a cell: the narrowest it can be without breaking one.
/// Words run across spans (an own text cut into several, `Span::owned`,
/// or a styled part of a word).
pub(crate) fn cell_min_width(cell: &[Span], src: &str) -> usize {
    let widest = |text: &str| {
        text.split_whitespace()
            .map(crate::width::display_width)
            .max()
            .unwrap_or(0)
    };
    // Spans side by side make one word when no space parts them: a
    // figure with a bold part (54.690/**54.801**/54.918) is one.
    match cell {
        [one] => widest(one.text(src)),
        _ => widest(&cell.iter().map(|s| s.text(src)).collect::<String>()),
    }
}

/// A paragraph's inline spans: one kept in the block itself, more in a
/// slice of their own. A long article has hundreds of thousands of
/// blocks, and many of them are one span of the source (a paragraph of
/// plain text, a footnote of a few words), which a slice of one took 32
/// bytes of the heap for. Read as a slice.
#[derive(Clone, Eq)]
pub struct Spans(SpansIn);

#[derive(Clone, Eq, PartialEq)]
enum SpansIn {
    One(Span),
    Many(Box<[Span]>),
}

impl std::ops::Deref for Spans {
    type Target = [Span];

    fn deref(&self) -> &[Span] {
        match &self.0 {
            SpansIn::One(span) => std::slice::from_ref(span),
            SpansIn::Many(spans) => spans,
        }
    }
}

impl std::ops::DerefMut for Spans {
    fn deref_mut(&mut self) -> &mut [Span] {
        match &mut self.0 {
            SpansIn::One(span) => std::slice::from_mut(span),
            SpansIn::Many(spans) => spans,
        }
    }
}

impl From<Vec<Span>> for Spans {
    fn from(spans: Vec<Span>) -> Spans {
        match <[Span; 1]>::try_from(spans) {
            Ok([one]) => Spans(SpansIn::One(one)),
            Err(spans) => Spans(SpansIn::Many(spans.into_boxed_slice())),
        }
    }
}

impl From<Box<[Span]>> for Spans {
    fn from(spans: Box<[Span]>) -> Spans {
        Vec::from(spans).into()
    }
}

impl<'a> IntoIterator for &'a Spans {
    type Item = &'a Span;
    type IntoIter = std::slice::Iter<'a, Span>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl FromIterator<Span> for Spans {
    fn from_iter<I: IntoIterator<Item = Span>>(spans: I) -> Spans {
        spans.into_iter().collect::<Vec<Span>>().into()
    }
}

impl Default for Spans {
    fn default() -> Spans {
        Spans(SpansIn::Many(Box::default()))
    }
}

impl PartialEq for Spans {
    fn eq(&self, other: &Spans) -> bool {
        **self == **other
    }
}

impl std::fmt::Debug for Spans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading; its level is the block's (see `Block::heading_level`),
    /// as a block is 40 bytes with it there and 48 with it here.
    Heading {
        spans: Box<[Span]>,
    },
    Paragraph {
        spans: Spans,
    },
    /// Boxed: a block of any kind is as large as its largest kind, and a
    /// long article has tens of thousands of blocks, few of them code (a
    /// block is 40 bytes with it boxed).
    Code(Box<CodeBlock>),
    /// A table, or a part of a long one (see `TableShape`).
    Table {
        shape: std::sync::Arc<TableShape>,
        /// Boxed: a block of any kind is as large as its largest kind, and
        /// a long article has tens of thousands of blocks, few of them
        /// tables.
        rows: Box<Rows>,
    },
    Rule,
}

/// A block of code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    /// The language its fence names.
    pub lang: Option<Box<str>>,
    pub lines: Lines,
}

/// A container that blocks nest in: a quote, a list item or a footnote
/// definition. Containers form a tree stored in `Document::containers`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub kind: ContainerKind,
    /// The container it is in, by its index; `NONE` for none (see
    /// `parent`).
    parent: u32,
    /// The first block inside this container; `NONE` while it has none
    /// (see `first_block`).
    first_block: u32,
}

const _: () = assert!(std::mem::size_of::<Container>() == 20);

/// `Container::parent` or `Container::first_block` of none: indices are
/// kept in 32 bits, as a container is 20 bytes rather than 28 (an article
/// of 100,000 footnotes has a container for each).
const NONE: u32 = u32::MAX;

/// `at` in 32 bits, `NONE` for `None`.
fn index_u32(at: Option<usize>) -> u32 {
    at.map_or(NONE, |i| {
        debug_assert!(i < NONE as usize, "an index past four billion");
        u32::try_from(i).unwrap_or(NONE - 1)
    })
}

impl Container {
    /// A container in `parent`, with no block yet.
    pub fn new(kind: ContainerKind, parent: Option<usize>) -> Container {
        Container {
            kind,
            parent: index_u32(parent),
            first_block: NONE,
        }
    }

    /// The kind of GitHub alert a quote is (see `ContainerKind::Quote`).
    pub fn alert(&self) -> Option<AlertKind> {
        match self.kind {
            ContainerKind::Quote { alert } => alert,
            ContainerKind::Item { .. } => None,
        }
    }

    /// The container it is in, by its index in `Document::containers`.
    pub fn parent(&self) -> Option<usize> {
        (self.parent != NONE).then_some(self.parent as usize)
    }

    pub fn set_parent(&mut self, parent: Option<usize>) {
        self.parent = index_u32(parent);
    }

    /// The first block inside this container, the one whose first line
    /// carries the list marker; `None` while it has none.
    pub fn first_block(&self) -> Option<usize> {
        (self.first_block != NONE).then_some(self.first_block as usize)
    }

    pub fn set_first_block(&mut self, block: Option<usize>) {
        self.first_block = index_u32(block);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerKind {
    /// A quote; a GitHub alert when `alert` says which kind (its first
    /// block is then the label).
    Quote { alert: Option<AlertKind> },
    /// A list item or footnote definition; `marker` is shown on its first
    /// line, and its width is the hanging indent of the others.
    Item { marker: Marker, role: Role },
}

impl ContainerKind {
    /// A quote that is no alert.
    pub const QUOTE: ContainerKind = ContainerKind::Quote { alert: None };
}

/// A list marker or footnote label (`1.`, `•`, `[12]`), kept inline in
/// ten bytes: a long list or a text of many footnotes has one for each
/// item, and a container is 20 bytes with it (48 with a string that may
/// grow). A longer marker is cut at a character's end: Markdown's list
/// numbers start with at most nine digits (`123456789.`), and an article
/// of at most 1 GiB has fewer than a hundred million footnotes
/// (`[12345678]`); only a list that counts on past 999,999,999 loses the
/// dot of its next numbers (`1000000000`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Marker([u8; MARKER]);

/// The most bytes of a `Marker`.
const MARKER: usize = 10;

impl Marker {
    pub fn new(text: &str) -> Marker {
        Marker::format(format_args!("{text}"))
    }

    /// `format_args!` written into a marker, with no string between.
    pub fn format(args: std::fmt::Arguments<'_>) -> Marker {
        struct Inline(Marker, usize);
        impl std::fmt::Write for Inline {
            fn write_str(&mut self, text: &str) -> std::fmt::Result {
                for c in text.chars() {
                    let end = self.1 + c.len_utf8();
                    if end > MARKER {
                        return Err(std::fmt::Error);
                    }
                    c.encode_utf8(&mut self.0.0[self.1..end]);
                    self.1 = end;
                }
                Ok(())
            }
        }
        // What follows the text is `PAD`, a byte that never occurs in
        // UTF-8; past `MARKER` bytes the rest is left out.
        let mut inline = Inline(Marker([PAD; MARKER]), 0);
        let _ = std::fmt::Write::write_fmt(&mut inline, args);
        inline.0
    }

    pub fn as_str(&self) -> &str {
        padded_str(&self.0)
    }
}

impl std::ops::Deref for Marker {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Marker {
    fn from(text: &str) -> Marker {
        Marker::new(text)
    }
}

impl std::fmt::Display for Marker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

impl std::fmt::Debug for Marker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// A block of the article.
///
/// 40 bytes: a long article has a hundred thousand blocks. Offsets, counts
/// and indices are kept in 32 bits (an article is at most 1 GiB, see
/// `load`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// The source bytes the block was parsed from, `start..end` (see
    /// `source`).
    start: u32,
    end: u32,
    /// The innermost container, by its index in `Document::containers`;
    /// `NO_CONTAINER` for none (see `container`).
    container: u32,
    /// Blank lines to leave before this block.
    pub space_before: u8,
    /// How its lines are set: wrapped, centred, or each the author's.
    pub set: Set,
    /// A heading's level (see `heading_level`), 0 for other blocks.
    level: u8,
    /// The direction HTML's `dir` gives its text, or none.
    pub dir: Direction,
}

/// How the lines of a block are set in the column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Set {
    /// Wrapped to the column, from its start.
    #[default]
    Flowing,
    /// Each line centred (HTML's `align="center"`).
    Centered,
    /// Each line flush right (HTML's `align="right"`).
    Right,
    /// Each of its lines is one the author set (verse, an address, a
    /// header of fields, in a plain-text article): a line too long for
    /// the column turns over indented further than it starts (`HANG`).
    Lines,
    /// Text wrapped at the author's measure and set in from the body (a
    /// letter quoted in a novel, a note in an RFC): its lines are kept
    /// where they fit, and on a narrower screen it is one paragraph again,
    /// set in as far as its first line.
    SetIn,
}

/// Which way a block's text runs: as its first letter says (`Auto`), or
/// as HTML's `dir="ltr"` or `dir="rtl"` around it says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    #[default]
    Auto,
    Ltr,
    Rtl,
}

impl Direction {
    /// The direction a `dir` attribute names; `None` for any other value
    /// (`auto` included).
    pub fn of_attribute(value: &str) -> Option<Direction> {
        match value.trim().to_ascii_lowercase().as_str() {
            "rtl" => Some(Direction::Rtl),
            "ltr" => Some(Direction::Ltr),
            _ => None,
        }
    }
}

const _: () = assert!(std::mem::size_of::<Block>() == 40);
const _: () = assert!(std::mem::size_of::<BlockKind>() == 24);

/// An offset into the source in 32 bits: an article is at most 1 GiB (see
/// `load::MAX_ARTICLE`).
fn offset_u32(at: usize) -> u32 {
    debug_assert!(at <= u32::MAX as usize, "an offset past four gigabytes");
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// A count of words in 32 bits (see `Document::words_before_block`): more
/// than it holds are as many as it holds.
pub(crate) fn words_u32(words: usize) -> u32 {
    u32::try_from(words).unwrap_or(u32::MAX)
}

/// `Block::container` of a block in no container.
const NO_CONTAINER: u32 = u32::MAX;

impl Block {
    pub fn new(kind: BlockKind, source: Range<usize>, container: Option<usize>) -> Block {
        let mut block = Block {
            kind,
            start: 0,
            end: 0,
            container: NO_CONTAINER,
            space_before: 0,
            set: Set::Flowing,
            level: 0,
            dir: Direction::Auto,
        };
        block.set_container(container);
        block.set_source(source);
        block
    }

    /// A heading of `level` (1 to 6), with `spans`.
    pub fn heading(
        level: u8,
        spans: Box<[Span]>,
        source: Range<usize>,
        container: Option<usize>,
    ) -> Block {
        let mut block = Block::new(BlockKind::Heading { spans }, source, container);
        block.level = level;
        block
    }

    /// The level of a heading, 1 to 6; `None` for other blocks.
    pub fn heading_level(&self) -> Option<u8> {
        matches!(self.kind, BlockKind::Heading { .. }).then_some(self.level)
    }

    /// A heading of level 1: the article's title, or a part's.
    pub fn is_title(&self) -> bool {
        self.heading_level() == Some(1)
    }

    /// The source bytes the block was parsed from.
    pub fn source(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn set_source(&mut self, source: Range<usize>) {
        self.start = offset_u32(source.start);
        self.end = offset_u32(source.end);
    }

    /// The innermost container, if any, by its index in
    /// `Document::containers`.
    pub fn container(&self) -> Option<usize> {
        (self.container != NO_CONTAINER).then_some(self.container as usize)
    }

    pub fn set_container(&mut self, container: Option<usize>) {
        self.container = container.map_or(NO_CONTAINER, |c| {
            debug_assert!(c < NO_CONTAINER as usize, "four billion containers");
            u32::try_from(c).unwrap_or(NO_CONTAINER - 1)
        });
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub level: u8,
    pub text: String,
    /// GitHub-style id, unique in the document; an explicit `{#id}` wins.
    pub slug: String,
    /// The slug before it was made unique, when that made it another: a
    /// document parsed in pieces makes its slugs unique again when the
    /// pieces are joined. Most slugs are their base, which is then not
    /// kept twice.
    pub(crate) base: Option<String>,
    pub block: usize,
}

/// What the front matter says, or what was inferred.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The title and byline are already blocks of the text (plain-text
    /// articles): the layout draws no header for them.
    pub inline: bool,
    pub title: Option<String>,
    pub author: Option<String>,
    pub date: Option<String>,
    /// The language the article says it is in (`language` or `lang`), as
    /// written: an EPUB's `dc:language`, for example.
    pub language: Option<String>,
    pub url: Option<String>,
    /// The link to `url`, as an index into `Document::links`: the header
    /// shows the original page as a link that the reader's link keys select
    /// like any other.
    pub url_link: Option<u32>,
}

/// The container of each footnote's definition, by the footnote's number
/// (from 1): `Document::footnotes`. Four bytes a number, and only for
/// the numbers from the lowest defined to the highest: a part of a long
/// article that defines notes 90,001 to 98,000 keeps 8,000 of them, not
/// 98,000, though its numbers go on from the parts before it.
#[derive(Clone, Debug, Default)]
pub struct Footnotes {
    /// The highest number defined (or told by `reach`).
    len: u32,
    /// The number of the first of `slots`, less one.
    first: u32,
    /// The container of the definition of each number from `first + 1`
    /// on; `NONE` for none.
    slots: Vec<u32>,
}

impl Footnotes {
    /// The highest footnote number: every number up to it has a place,
    /// defined or not.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The container of the definition of footnote `n`, if it has one.
    pub fn get(&self, n: usize) -> Option<usize> {
        let i = n.checked_sub(1)?.checked_sub(self.first as usize)?;
        self.slots
            .get(i)
            .filter(|&&c| c != NONE)
            .map(|&c| c as usize)
    }

    /// The container of each number from 1 to `len`, in order.
    pub fn iter(&self) -> impl Iterator<Item = Option<usize>> + '_ {
        (1..=self.len()).map(|n| self.get(n))
    }

    /// Each number defined, with its container, in order.
    pub fn defined(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self.first as usize;
        self.slots
            .iter()
            .enumerate()
            .filter(|&(_, &c)| c != NONE)
            .map(move |(k, &c)| (first + k + 1, c as usize))
    }

    /// Footnote `n` is defined by `container`, unless a definition came
    /// before it (the first definition of a label wins).
    pub fn define(&mut self, n: usize, container: usize) {
        let Some(i) = n.checked_sub(1) else {
            return;
        };
        let i32 = index_u32(Some(i));
        self.len = self.len.max(i32.saturating_add(1));
        if self.slots.is_empty() {
            self.first = i32;
        } else if i32 < self.first {
            // Room before the first, at least as much as there is (a
            // text that defines its notes last to first takes linear
            // time).
            let more = (self.first - i32).max(index_u32(Some(self.slots.len())));
            let more = more.min(self.first);
            self.slots
                .splice(0..0, std::iter::repeat_n(NONE, more as usize));
            self.first -= more;
        }
        let at = (i32 - self.first) as usize;
        if at >= self.slots.len() {
            self.slots.resize(at + 1, NONE);
        }
        if self.slots[at] == NONE {
            self.slots[at] = index_u32(Some(container));
        }
    }

    /// Every number up to `n` has a place.
    pub fn reach(&mut self, n: usize) {
        self.len = self.len.max(index_u32(Some(n)));
    }

    /// Change the container of each number that has a place in `slots`
    /// (the others have none): `f` is given the number and its container.
    pub(crate) fn map(&mut self, mut f: impl FnMut(usize, Option<usize>) -> Option<usize>) {
        for (k, slot) in self.slots.iter_mut().enumerate() {
            let n = self.first as usize + k + 1;
            let now = (*slot != NONE).then_some(*slot as usize);
            *slot = index_u32(f(n, now));
        }
    }

    /// Give back the room the list grew into.
    pub fn shrink_to_fit(&mut self) {
        self.slots.shrink_to_fit();
    }
}

/// Two lists are the same when every number has the same container,
/// however their slots are laid out.
impl PartialEq for Footnotes {
    fn eq(&self, other: &Footnotes) -> bool {
        self.len == other.len && (1..=self.len()).all(|n| self.get(n) == other.get(n))
    }
}

impl Eq for Footnotes {}

/// A parsed article. Immutable once built.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub meta: Meta,
    pub blocks: Vec<Block>,
    pub containers: Vec<Container>,
    pub headings: Vec<Heading>,
    /// The text the article was parsed from, which exact spans read
    /// theirs from: the source, with lone CRs as line ends. Shared with
    /// whoever holds the source.
    pub text: std::sync::Arc<str>,
    pub source_len: usize,
    pub words: usize,
    /// Words in all blocks before block `i`, in 32 bits (an article is at
    /// most 1 GiB, see `load`): one for each block, and one more after the
    /// last, so that a block's words are the difference of two (see
    /// `block_words`); none when there are no blocks. A block has no count
    /// of its own: a long article has hundreds of thousands of blocks.
    pub words_before_block: Vec<u32>,
    /// A hash of the source text, to tell whether the article changed.
    pub fingerprint: u64,
    pub links: Vec<Link>,
    /// The container of each footnote's definition, by footnote number.
    pub footnotes: Footnotes,
    /// For a window of a long article parsed on its own while the whole is
    /// parsed on a thread: the part of the source it covers. Its blocks are
    /// only those; counts of words are estimates.
    pub window: Option<Range<usize>>,
    /// The places HTML names (`id="…"` on an element, `<a name="…">`),
    /// with the source byte each is at, in source order: targets of links
    /// (`#…`) as headings' slugs are.
    pub anchors: Vec<(Box<str>, usize)>,
    /// Where `words_before` starts counting in the last block of many
    /// spans it counted in (see `Checkpoints`).
    pub(crate) checkpoints: Checkpoints,
}

/// The words of a block's spans, counted as the parse counts them (see
/// `Document::count_spans`): span by span, or a text cut into spans as
/// one, which alone is copied.
#[derive(Default)]
struct Tally {
    counted: usize,
    joined: String,
}

impl Tally {
    /// Count `piece`, a span's text (or its part before a place);
    /// `continued`: the next span goes on with the same text.
    fn add(&mut self, piece: &str, continued: bool) {
        if continued {
            self.joined.push_str(piece);
        } else if self.joined.is_empty() {
            self.counted += count_words(piece);
        } else {
            self.joined.push_str(piece);
            self.counted += count_words(&self.joined);
            self.joined.clear();
        }
    }

    /// The last span counted goes on in the next.
    fn inside_cut(&self) -> bool {
        !self.joined.is_empty()
    }

    fn total(&self) -> usize {
        self.counted + count_words(&self.joined)
    }
}

/// Spans of a block counted at a time between checkpoints.
const CHECKPOINT_SPANS: usize = 256;

/// For a block of more than `CHECKPOINT_SPANS` spans (a listing of
/// megabytes, each line a span), the words before every
/// `CHECKPOINT_SPANS`th span: the status bar counts the words before the
/// place at each frame, which deep in such a block took 10 ms or more.
/// Made the first time it is needed, for the last such block counted in;
/// no part of what the document is: a copy starts without it, and it is
/// equal to any other.
#[derive(Default)]
pub(crate) struct Checkpoints(std::sync::Mutex<Option<Arc<Checkpointed>>>);

/// The checkpoints of one block: its index and source, and for every
/// `CHECKPOINT_SPANS`th span the source byte it starts at and the words
/// of the block before it.
struct Checkpointed {
    block: usize,
    source: Range<usize>,
    points: Vec<(usize, usize)>,
}

impl Clone for Checkpoints {
    fn clone(&self) -> Self {
        Checkpoints::default()
    }
}

impl PartialEq for Checkpoints {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Checkpoints {}

impl std::fmt::Debug for Checkpoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Checkpoints")
    }
}

impl Document {
    /// The title to show: front matter, else the first level-1 heading
    /// with words of its own (a README's `<h1><img src="logo.png"></h1>`
    /// is a picture, not a name).
    /// When there is none, the alt text of such a picture.
    pub fn title(&self) -> Option<&str> {
        let firsts = || self.headings.iter().filter(|h| h.level == 1);
        self.meta.title.as_deref().or_else(|| {
            firsts()
                .find(|h| image_alts(&h.text).is_none())
                .map(|h| h.text.as_str())
                .or_else(|| firsts().find_map(|h| image_alts(&h.text)?.first().copied()))
        })
    }

    /// The index of the block that holds `pos`: the last one starting at or
    /// before it.
    pub fn block_at(&self, pos: Position) -> usize {
        self.blocks
            .partition_point(|b| b.source().start <= pos.0)
            .saturating_sub(1)
    }

    /// The heading of the section that `pos` is in.
    pub fn section_at(&self, pos: Position) -> Option<&Heading> {
        let block = self.block_at(pos);
        let i = self.headings.partition_point(|h| h.block <= block);
        i.checked_sub(1).map(|i| &self.headings[i])
    }

    /// The place `percent` of the way through the article, as progress
    /// counts it: by words, in the block where that many words have been
    /// read, at the same share of its bytes. While only a window is parsed
    /// (its counts are estimates), by bytes, as `less` counts.
    pub fn at_percent(&self, percent: u32) -> Position {
        // `n * num / den`, without overflow.
        let ratio = |n: usize, num: usize, den: usize| -> usize {
            let wide = |x: usize| u128::try_from(x).unwrap_or(u128::MAX);
            usize::try_from(wide(n) * wide(num) / wide(den.max(1))).unwrap_or(usize::MAX)
        };
        let percent = usize::try_from(percent.min(100)).unwrap_or(100);
        let at = if self.window.is_some() || self.words == 0 || self.blocks.is_empty() {
            ratio(self.source_len, percent, 100)
        } else {
            let target = ratio(self.words, percent, 100);
            let b = self
                .words_before_block
                .partition_point(|&w| w as usize <= target)
                .saturating_sub(1)
                .min(self.blocks.len() - 1);
            let block = &self.blocks[b];
            let inside = target.saturating_sub(self.words_before_block(b));
            let words = self.block_words(b);
            let by = if words == 0 {
                0
            } else {
                ratio(inside.min(words), block.source().len(), words)
            };
            block.source().start + by
        };
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        Position(at)
    }

    /// Words in all blocks before block `b`.
    pub fn words_before_block(&self, b: usize) -> usize {
        self.words_before_block[b] as usize
    }

    /// Words in block `b`.
    pub fn block_words(&self, b: usize) -> usize {
        let at = |i: usize| self.words_before_block.get(i).map_or(0, |&w| w as usize);
        at(b + 1).saturating_sub(at(b))
    }

    /// Add `block`, of `words` words, after the others (see
    /// `words_before_block`).
    pub(crate) fn push_block(&mut self, block: Block, words: usize) {
        if self.words_before_block.is_empty() {
            self.words_before_block.push(words_u32(self.words));
        }
        self.blocks.push(block);
        self.words += words;
        self.words_before_block.push(words_u32(self.words));
    }

    /// Count the words of every block again, `words_of` each.
    pub(crate) fn recount_words(&mut self, mut words_of: impl FnMut(&Block) -> usize) {
        let mut total = 0;
        let mut before = Vec::with_capacity(self.blocks.len() + 1);
        for block in &self.blocks {
            before.push(words_u32(total));
            total += words_of(block);
        }
        if !self.blocks.is_empty() {
            before.push(words_u32(total));
        }
        self.words_before_block = before;
        self.words = total;
    }

    /// Keep the first `keep` blocks, their words and headings, and the
    /// containers that hold them, with no room past them.
    pub(crate) fn truncate_blocks(&mut self, keep: usize) {
        self.blocks.truncate(keep);
        if keep == 0 {
            self.words_before_block.clear();
        } else {
            self.words_before_block.truncate(keep + 1);
        }
        self.words = self.words_before_block.last().map_or(0, |&w| w as usize);
        self.headings.retain(|h| h.block < keep);
        // Containers come in the order they open, each before its first
        // block: those after the last that holds a block kept hold none.
        let containers = (self.containers.iter())
            .rposition(|c| c.first_block().is_some_and(|b| b < keep))
            .map_or(0, |c| c + 1);
        self.containers.truncate(containers);
        self.footnotes.map(|_, c| c.filter(|&c| c < containers));
        self.blocks.shrink_to_fit();
        self.containers.shrink_to_fit();
        self.words_before_block.shrink_to_fit();
    }

    /// Words before `pos`, for progress counted in words rather than lines.
    pub fn words_before(&self, pos: Position) -> usize {
        if self.blocks.is_empty() {
            return 0;
        }
        let b = self.block_at(pos);
        let before = self.words_before_block(b);
        let block = &self.blocks[b];
        let words = self.block_words(b);
        if pos.0 >= block.source().end {
            return before + words;
        }
        // From the last checkpoint before the place, in a block of many
        // spans.
        let (skip, counted) = self
            .checkpoints_of(b)
            .and_then(|c| {
                let i = c.points.partition_point(|&(at, _)| at < pos.0);
                let (_, words) = c.points[i.checked_sub(1)?];
                Some(((i - 1) * CHECKPOINT_SPANS, words))
            })
            .unwrap_or((0, 0));
        let mut spans = block_spans(&block.kind);
        if skip > 0 {
            spans.nth(skip - 1);
        }
        before + self.count_spans(spans, pos.0, counted).min(words)
    }

    /// The checkpoints of block `b` (see `Checkpoints`), made now if they
    /// were not; `None` for a block of few spans.
    fn checkpoints_of(&self, b: usize) -> Option<Arc<Checkpointed>> {
        let block = &self.blocks[b];
        block_spans(&block.kind).nth(CHECKPOINT_SPANS)?;
        let mut slot = self.checkpoints.0.lock().ok()?;
        if let Some(made) = slot
            .as_ref()
            .filter(|c| c.block == b && c.source == block.source())
        {
            return Some(Arc::clone(made));
        }
        // Each checkpoint starts a text of its own: a span that continues
        // the one before it (a text cut into both) is none.
        let mut points = Vec::new();
        let mut tally = Tally::default();
        let mut spans = block_spans(&block.kind).enumerate().peekable();
        while let Some((i, span)) = spans.next() {
            if i % CHECKPOINT_SPANS == 0 {
                if tally.inside_cut() {
                    // Inside a cut text: no checkpoint here, and none
                    // after it either (they are found by their rank).
                    break;
                }
                points.push((span.source(), tally.counted));
            }
            let continued = spans
                .peek()
                .is_some_and(|(_, next)| span.continued_by(next));
            tally.add(span.text(&self.text), continued);
        }
        let made = Arc::new(Checkpointed {
            block: b,
            source: block.source(),
            points,
        });
        *slot = Some(Arc::clone(&made));
        Some(made)
    }

    /// The words of `spans` before source byte `pos`, after `counted`, as
    /// the parse counts a block's words: it joins its spans with a space
    /// between two, unless one text was cut into both (the lines of code
    /// are spans of their own, whose words would otherwise run together).
    /// Span by span, or a text cut into spans as one: nothing is copied
    /// but such a text.
    fn count_spans<'a>(
        &self,
        spans: impl Iterator<Item = &'a Span>,
        pos: usize,
        counted: usize,
    ) -> usize {
        let mut tally = Tally {
            counted,
            ..Tally::default()
        };
        let mut spans = spans.peekable();
        let pos = Position(pos);
        while let Some(span) = spans.next() {
            if span.source() >= pos.0 {
                break;
            }
            let own = span.text(&self.text);
            let cut = if span.exact() {
                let mut n = (pos.0 - span.source()).min(own.len());
                while !own.is_char_boundary(n) {
                    n -= 1;
                }
                n
            } else {
                own.len()
            };
            let continued =
                cut == own.len() && spans.peek().is_some_and(|next| span.continued_by(next));
            tally.add(&own[..cut], continued);
        }
        tally.total()
    }

    /// Whether any word comes before `pos`: `words_before(pos) > 0`,
    /// without counting the words of `pos`'s block when a block before it
    /// has some.
    pub fn has_words_before(&self, pos: Position) -> bool {
        if self.blocks.is_empty() {
            return false;
        }
        self.words_before_block(self.block_at(pos)) > 0 || self.words_before(pos) > 0
    }

    /// The source byte of the place HTML names `name` (see `anchors`).
    pub fn anchor(&self, name: &str) -> Option<usize> {
        self.anchors
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|&(_, at)| at)
    }

    /// The place `#slug` names: the heading with that slug, else the
    /// block an id or `<a name>` of that name is in or before. The same
    /// for a link in the article and for one from another file.
    pub fn place_of(&self, slug: &str) -> Option<Position> {
        self.headings
            .iter()
            .find(|h| h.slug == slug)
            .map(|h| Position(self.blocks[h.block].source().start))
            .or_else(|| {
                // A name on a line of its own (`<a name>`) makes no
                // block: it names the block after it.
                let at = self.anchor(slug)?;
                let next = self.blocks.partition_point(|b| b.source().end <= at);
                let start = self.blocks.get(next).map_or(at, |b| b.source().start);
                Some(Position(start))
            })
    }

    /// Where following link `i` goes, if that place exists.
    pub fn link_destination(&self, i: usize) -> Option<Position> {
        match self.links.get(i)?.target(&self.text) {
            Target::Internal(slug) => self.place_of(slug),
            Target::Footnote(n) => {
                let container = self.footnotes.get(n)?;
                let block = self.blocks.get(self.containers[container].first_block()?)?;
                Some(Position(block.source().start))
            }
            Target::External(_) | Target::Image(_) => None,
        }
    }

    /// The image that block `b` is a figure of: a paragraph that holds one
    /// image and nothing else (blank text aside), not inside a link. An
    /// image inside a sentence is no figure. Gives the image's link index.
    pub fn figure(&self, b: usize) -> Option<(u32, &ImageRef)> {
        let BlockKind::Paragraph { spans } = &self.blocks.get(b)?.kind else {
            return None;
        };
        let mut link = None;
        for span in spans {
            if !span.flags.contains(Flags::IMAGE) {
                if span.text(&self.text).trim().is_empty() {
                    continue;
                }
                return None;
            }
            let id = span.link()?.index();
            if link.is_some_and(|l| l != id) {
                return None;
            }
            link = Some(id);
        }
        let link = link?;
        let image = self.links.get(usize::try_from(link).ok()?)?.image()?;
        Some((link, image))
    }

    /// Whether the article has no text at all: an empty file, only blank
    /// lines, or only front matter (which gets one empty paragraph, for
    /// its title to be drawn with).
    pub fn is_empty(&self) -> bool {
        self.window.is_none()
            && self
                .blocks
                .iter()
                .all(|b| matches!(&b.kind, BlockKind::Paragraph { spans } if spans.is_empty()))
    }

    /// Percent read when `pos` is at the top of the screen.
    pub fn percent_at(&self, pos: Position) -> u8 {
        if self.words == 0 {
            return 0;
        }
        let p = self.words_before(pos) * 100 / self.words;
        u8::try_from(p.min(100)).unwrap_or(100)
    }
}

/// The inline spans of a block in source order, whatever its kind.
pub fn block_spans(kind: &BlockKind) -> Box<dyn Iterator<Item = &Span> + '_> {
    match kind {
        BlockKind::Heading { spans } => Box::new(spans.iter()),
        BlockKind::Paragraph { spans } => Box::new(spans.iter()),
        BlockKind::Code(code) => Box::new(code.lines.spans().iter()),
        BlockKind::Table { rows, .. } => Box::new(rows.spans().iter()),
        BlockKind::Rule => Box::new(std::iter::empty()),
    }
}

/// Call `f` on every span of a block, to change it.
pub(crate) fn for_each_span_mut(kind: &mut BlockKind, mut f: impl FnMut(&mut Span)) {
    match kind {
        BlockKind::Heading { spans } => spans.iter_mut().for_each(f),
        BlockKind::Paragraph { spans } => spans.iter_mut().for_each(f),
        BlockKind::Code(code) => code.lines.spans_mut().iter_mut().for_each(f),
        BlockKind::Table { rows, .. } => rows.spans_mut().iter_mut().for_each(&mut f),
        BlockKind::Rule => {}
    }
}

/// Words in a text, as a reader would count them: its words by Unicode's
/// rules (UAX #29, `unicode_words`).
///
/// A text with any character beyond ASCII (a curly quote, a dash) is cut
/// at its runs of spaces, tabs and line ends first, and each piece is
/// counted on its own: the rules break a text on both sides of such a run
/// (unless what follows it is a mark that joins it, which is beyond
/// ASCII: the run then stays in its piece), and a run holds no word. Text
/// of ASCII alone is counted in one pass over its bytes (`ascii_words`),
/// and only the few pieces with other characters by the general rules,
/// which look each character up in Unicode's tables (a paragraph of prose
/// with one curly quote was counted that way whole).
pub fn count_words(text: &str) -> usize {
    use unicode_segmentation::UnicodeSegmentation;
    let count = |piece: &str| {
        if piece.is_ascii() {
            ascii_words(piece.as_bytes())
        } else {
            piece.unicode_words().count()
        }
    };
    if text.is_ascii() {
        return ascii_words(text.as_bytes());
    }
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let bytes = text.as_bytes();
    let (mut words, mut piece, mut at) = (0, 0, 0);
    while let Some(run) = bytes[at..].iter().position(blank) {
        let run = at + run;
        let after = bytes[run..]
            .iter()
            .position(|b| !blank(b))
            .map_or(bytes.len(), |n| run + n);
        if bytes.get(after).is_none_or(u8::is_ascii) {
            words += count(&text[piece..run]);
            piece = after;
        }
        at = after;
    }
    words + count(&text[piece..])
}

/// The words of ASCII text by Unicode's rules, as `unicode_words` finds
/// them there: runs of letters, digits and `_`, which a `.` or `'` (or a
/// `:`) between two letters, or a `.`, `,`, `;` or `'` between two digits,
/// does not break; a run with a letter or a digit is a word.
fn ascii_words(bytes: &[u8]) -> usize {
    let core = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let inside = |b: u8, before: u8, after: u8| match b {
        b'.' | b',' | b';' | b'\'' if before.is_ascii_digit() && after.is_ascii_digit() => true,
        b'\'' | b'.' | b':' => before.is_ascii_alphabetic() && after.is_ascii_alphabetic(),
        _ => false,
    };
    let (mut words, mut i) = (0, 0);
    while i < bytes.len() {
        if !core(bytes[i]) {
            i += 1;
            continue;
        }
        let mut word = bytes[i] != b'_';
        i += 1;
        while i < bytes.len() {
            let b = bytes[i];
            if core(b) {
                word |= b != b'_';
            } else if !(i + 1 < bytes.len() && inside(b, bytes[i - 1], bytes[i + 1])) {
                break;
            }
            i += 1;
        }
        words += usize::from(word);
    }
    words
}

/// A front-matter date as a reader writes it: `2023-10-20`, with or
/// without a time after it (`2023-10-20T14:05:00Z`), reads as
/// `20 October 2023`, the day the writer gave. Any other text is shown as
/// it is.
pub fn readable_date(date: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let date = date.trim();
    let day_part = date.get(..10).unwrap_or(date);
    let rest = date.get(10..).unwrap_or("");
    let parts: Vec<&str> = day_part.split('-').collect();
    let number = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let parsed = match parts.as_slice() {
        [y, m, d] => number(y, 4).zip(number(m, 2)).zip(number(d, 2)),
        _ => None,
    };
    let time_follows = rest.is_empty() || rest.starts_with(['T', 't', ' ']);
    match parsed {
        Some(((year, month @ 1..=12), day @ 1..=31)) if time_follows => {
            format!("{day} {} {year}", MONTHS[month as usize - 1])
        }
        _ => date.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_that_is_a_picture_is_not_the_title() {
        let title = |src: &str| crate::parse::parse(src).title().map(str::to_string);
        // crossterm's README: a logo, then the name.
        let logo = "<h1 align=\"center\"><img src=\"logo.png\" /></h1>\n\n";
        assert_eq!(
            title(&format!(
                "{logo}# Cross-platform Terminal Library\n\nText.\n"
            ))
            .as_deref(),
            Some("Cross-platform Terminal Library")
        );
        assert_eq!(
            title(&format!("{logo}Text.\n")),
            None,
            "the file's name then"
        );
        let named = "<h1><img src=\"logo.png\" alt=\"ripgrep\"></h1>\n\nText.\n";
        assert_eq!(title(named).as_deref(), Some("ripgrep"));
        assert_eq!(
            title("# A [![badge](b.svg)](x) name\n").as_deref(),
            Some("A name")
        );
    }

    #[test]
    fn a_span_keeps_its_link_and_a_footnote_mark_of_five_digits() {
        let mut span = Span::owned("[10000]", 3, Flags::FOOTNOTE_REF)
            .collect::<Vec<_>>()
            .pop()
            .unwrap();
        assert_eq!(span.text(""), "[10000]");
        for index in [0, 1, 255, 256, 65_536, (1 << 24) - 2] {
            span.set_link(LinkId::new(index));
            assert_eq!(span.link().map(LinkId::index), Some(index));
            assert_eq!(span.text(""), "[10000]");
        }
        // Past what three bytes hold, the text is no link's.
        span.set_link(LinkId::new(1 << 24));
        assert_eq!(span.link(), None);
        span.set_link(None);
        assert_eq!(span.link(), None);
        assert_eq!(Span::owned("[100000]", 3, Flags::NONE).count(), 2);
    }

    #[test]
    fn spans_read_as_the_slice_they_were_made_from_however_many() {
        let span = |at: usize| Span::of_source(at, 3, Flags::NONE);
        for n in 0..4 {
            let all: Vec<Span> = (0..n).map(|i| span(i * 3)).collect();
            let from_vec = Spans::from(all.clone());
            let from_box = Spans::from(all.clone().into_boxed_slice());
            let collected: Spans = all.iter().cloned().collect();
            for spans in [&from_vec, &from_box, &collected] {
                assert_eq!(&spans[..], &all[..]);
                assert_eq!(spans.into_iter().count(), n);
                // One span is kept in place, not on the heap.
                assert_eq!(matches!(spans.0, SpansIn::One(_)), n == 1);
            }
            assert_eq!(from_vec, from_box);
        }
        let mut one = Spans::from(vec![span(0)]);
        one[0].set_source(9);
        assert_eq!(one[0].source(), 9);
        assert!(Spans::default().is_empty());
    }

    #[test]
    fn a_marker_reads_as_it_was_written_up_to_ten_bytes() {
        for text in [
            "",
            "•",
            "1.",
            "[12]",
            "☑",
            "[100000]",
            "123456789.",
            "[99999999]",
        ] {
            assert_eq!(Marker::new(text).as_str(), text);
            assert_eq!(Marker::format(format_args!("{text}")).as_str(), text);
        }
        // Longer ones are cut at a character's end.
        assert_eq!(Marker::new("1234567890123.").as_str(), "1234567890");
        assert_eq!(Marker::new("aaaaaaaaa•").as_str(), "aaaaaaaaa");
        let n = u64::MAX;
        assert_eq!(Marker::format(format_args!("{n}.")).as_str(), "1844674407");
        assert_eq!(
            Marker::format(format_args!("{}", "aaaaaaa••")).as_str(),
            "aaaaaaa•"
        );
        // Aligned as a string is (the numbers of a list are).
        let nine = Marker::new("9.");
        assert_eq!(Marker::format(format_args!("{nine:>3}")).as_str(), " 9.");
        assert_eq!(format!("[{nine:<4}]"), "[9.  ]");
    }

    /// `count_words` counts what `unicode_words` gives, on texts of the
    /// characters whose rules look around them: marks that join what is
    /// before them, quotes and stops inside words and numbers, spaces of
    /// every kind, regional indicators, Hebrew and katakana.
    #[test]
    fn words_are_counted_as_unicode_words_gives_them() {
        use proptest::prelude::*;
        use proptest::test_runner::{Config, TestRunner};
        use unicode_segmentation::UnicodeSegmentation;
        let pieces: [&'static str; 51] = [
            "a",
            "Z",
            "7",
            "_",
            ".",
            ",",
            ";",
            ":",
            "'",
            "\"",
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "-",
            "’",
            "‘",
            "“",
            "—",
            "…",
            "é",
            "e\u{301}",
            "\u{301}",
            "\u{200d}",
            "\u{200b}",
            "\u{ad}",
            "\u{2060}",
            "\u{a0}",
            "\u{3000}",
            "\u{2009}",
            "\u{903}",
            "\u{93f}",
            "👍",
            "👍🏽",
            "👩\u{200d}💻",
            "🇫",
            "🇷",
            "漢",
            "ア",
            "ｱ",
            "ﾞ",
            "א",
            "\u{5f4}",
            "٣",
            "½",
            "ǅ",
            "\u{feff}",
            "\u{180e}",
            "\u{fe0f}",
        ];
        // And the ASCII ones alone, closer together.
        let ascii = [
            "a", "Z", "7", "0", "_", ".", ",", ";", ":", "'", "\"", " ", "-", "\n", "\r\n",
        ];
        for alphabet in [pieces.to_vec(), ascii.to_vec()] {
            let texts = prop::collection::vec(prop::sample::select(alphabet), 0..24)
                .prop_map(|p| p.concat());
            TestRunner::new(Config {
                cases: 4000,
                failure_persistence: None,
                ..Config::default()
            })
            .run(&texts, |text| {
                prop_assert_eq!(
                    count_words(&text),
                    text.unicode_words().count(),
                    "{:?}",
                    text
                );
                Ok(())
            })
            .unwrap();
        }
        // Every block of a long generated article.
        let text = crate::testgen::article(crate::testgen::SEED, 1 << 20);
        for block in text.split("\n\n") {
            assert_eq!(
                count_words(block),
                block.unicode_words().count(),
                "{block:?}"
            );
        }
    }

    /// `has_words_before` says what `words_before` counts, at every byte.
    #[test]
    fn words_before_a_place_are_there_when_they_are_counted() {
        let texts = [
            "",
            "---\ntitle: T\n---\n\n\n# One\n\nalpha beta\n\n## Two\n\ndelta\n",
            "```\n\n```\n\n- \n\n> x y\n",
            "   \n\n* * *\n\n[a](b) c\n",
        ];
        for text in texts {
            let doc = crate::parse::parse(text);
            for at in 0..=text.len() {
                let pos = Position(at);
                assert_eq!(
                    doc.has_words_before(pos),
                    doc.words_before(pos) > 0,
                    "{text:?} at {at}"
                );
            }
        }
    }

    /// The footnotes as the plain list they stand for: the container of
    /// each number from 1, the first definition of a number winning.
    fn plain(defs: &[(usize, usize)], reach: usize) -> Vec<Option<usize>> {
        let mut list: Vec<Option<usize>> = Vec::new();
        for &(n, c) in defs {
            if list.len() < n {
                list.resize(n, None);
            }
            list[n - 1].get_or_insert(c);
        }
        if list.len() < reach {
            list.resize(reach, None);
        }
        list
    }

    #[test]
    fn footnotes_keep_the_first_definition_of_each_number_in_any_order() {
        let orders: [&[(usize, usize)]; 7] = [
            &[],
            &[(1, 0)],
            &[(3, 0), (4, 1), (5, 2)],
            &[
                (9, 0),
                (8, 1),
                (7, 2),
                (6, 3),
                (5, 4),
                (4, 5),
                (3, 6),
                (2, 7),
                (1, 8),
            ],
            &[(50, 0), (2, 1), (50, 2), (2, 3), (70, 4), (1, 5)],
            &[(100_000, 7), (99_999, 8), (1, 9)],
            &[(5, 0), (3, 1), (5, 2), (4, 3), (3, 4)],
        ];
        for defs in orders {
            for reach in [0, 3, 200_000] {
                let mut notes = Footnotes::default();
                for &(n, c) in defs {
                    notes.define(n, c);
                }
                notes.reach(reach);
                let want = plain(defs, reach);
                assert_eq!(notes.len(), want.len(), "{defs:?}");
                assert_eq!(notes.is_empty(), want.is_empty());
                assert_eq!(notes.iter().collect::<Vec<_>>(), want, "{defs:?}");
                let defined: Vec<(usize, usize)> = want
                    .iter()
                    .enumerate()
                    .filter_map(|(i, c)| c.map(|c| (i + 1, c)))
                    .collect();
                assert_eq!(notes.defined().collect::<Vec<_>>(), defined);
                assert_eq!(notes.get(0), None);
                assert_eq!(notes.get(want.len() + 1), None);
            }
        }
    }

    #[test]
    fn footnotes_keep_only_the_numbers_from_the_lowest_defined() {
        let mut notes = Footnotes::default();
        for n in 90_001..=98_000 {
            notes.define(n, n - 90_001);
        }
        assert_eq!(notes.len(), 98_000);
        assert_eq!(notes.slots.len(), 8_000);
        assert_eq!(notes.get(90_000), None);
        assert_eq!(notes.get(90_001), Some(0));
        assert_eq!(notes.get(98_000), Some(7_999));
    }

    #[test]
    fn footnotes_are_equal_whatever_their_slots() {
        let mut down = Footnotes::default();
        let mut up = Footnotes::default();
        for n in (1..=40).rev() {
            down.define(n, n);
        }
        for n in 1..=40 {
            up.define(n, n);
        }
        assert_eq!(down, up);
        let mut other = up.clone();
        other.reach(41);
        assert_ne!(other, up);
        let mut moved = up.clone();
        moved.map(|n, c| c.filter(|_| n != 7));
        assert_ne!(moved, up);
        assert_eq!(moved.get(7), None);
        assert_eq!(moved.get(8), Some(8));
        assert_eq!(moved.len(), 40);
    }

    #[test]
    fn a_container_keeps_its_indices_in_32_bits() {
        let kind = ContainerKind::QUOTE;
        let mut c = Container::new(kind, None);
        assert_eq!((c.parent(), c.first_block()), (None, None));
        for at in [Some(0), Some(41), Some(NONE as usize - 1), None] {
            c.set_parent(at);
            c.set_first_block(at);
            assert_eq!((c.parent(), c.first_block()), (at, at));
        }
        let inner = Container::new(ContainerKind::QUOTE, Some(3));
        assert_eq!(inner.parent(), Some(3));
    }

    #[test]
    fn a_block_keeps_its_container_and_words_in_32_bits() {
        let mut block = Block::new(BlockKind::Rule, 3..9, None);
        assert_eq!(block.container(), None);
        for c in [Some(0), Some(7), Some(NO_CONTAINER as usize - 1), None] {
            block.set_container(c);
            assert_eq!(block.container(), c);
        }
        assert_eq!(block.source(), 3..9);
    }

    #[test]
    fn a_percent_is_found_where_progress_says_it() {
        let text = crate::testgen::article(crate::testgen::SEED, 200 * 1024);
        let doc = crate::parse::parse(&text);
        let mut last = 0;
        for n in (0..=100).step_by(5) {
            let at = doc.at_percent(n);
            assert!(text.is_char_boundary(at.0));
            assert!(at.0 >= last, "{n}% at {at:?}, before {last}");
            last = at.0;
            let shown = u32::from(doc.percent_at(at));
            assert!(shown + 1 >= n && shown <= n, "{n}% shows as {shown}%");
        }
        // A window counts by bytes.
        let window = crate::parse::window::parse_window(&doc.text, 0, doc.fingerprint);
        assert_eq!(window.at_percent(50).0.abs_diff(text.len() / 2), 0);
    }

    #[test]
    fn words_before_a_place_are_those_of_the_text_joined_as_the_parse_joins_it() {
        // An article, and a listing of thousands of lines (spans), counted
        // from checkpoints, after a paragraph of a long cut text.
        let mut listing = format!("{}\n\n```text\n", "word ".repeat(3000));
        for i in 0..3000 {
            listing.push_str(&format!("line {i} of the listing\nmore of line {i}\n"));
        }
        listing.push_str("```\n");
        let article = crate::testgen::article(crate::testgen::SEED, 100 * 1024);
        check_words_before(&article, 7, 10_000);
        check_words_before(&listing, 97, 1_000);
    }

    /// `words_before` at every `step`th byte, at least `least` of them.
    fn check_words_before(text: &str, step: usize, least: usize) {
        let doc = crate::parse::parse(text);
        // The block's spans joined as `parse::block_text` joins them, cut
        // at the place.
        let reference = |b: usize, pos: usize| {
            let mut joined = String::new();
            let mut spans = block_spans(&doc.blocks[b].kind).peekable();
            while let Some(span) = spans.next() {
                if span.source() >= pos {
                    break;
                }
                let own = span.text(&doc.text);
                let mut cut = if span.exact() {
                    (pos - span.source()).min(own.len())
                } else {
                    own.len()
                };
                while !own.is_char_boundary(cut) {
                    cut -= 1;
                }
                joined.push_str(&own[..cut]);
                if !spans.peek().is_some_and(|next| span.continued_by(next)) {
                    joined.push(' ');
                }
            }
            doc.words_before_block(b) + count_words(&joined).min(doc.block_words(b))
        };
        let mut checked = 0;
        for (b, block) in doc.blocks.iter().enumerate() {
            let source = block.source();
            // Backwards too: the checkpoints are found again.
            for pos in (source.clone().step_by(step)).chain(source.clone().rev().step_by(step + 4))
            {
                assert_eq!(doc.words_before(Position(pos)), reference(b, pos), "{pos}");
                checked += 1;
            }
        }
        assert!(checked > least, "{checked}");
    }

    #[test]
    fn a_percent_inside_a_long_listing_is_found_where_progress_says_it() {
        // An article that is mostly one listing: the words before a place
        // in it are counted as the block's are, line by line.
        let mut text = String::from("# A long listing\n\nSome prose first.\n\n```text\n");
        for i in 0..4000 {
            text.push_str(&format!("line {i} of the listing\nmore of line {i}\n"));
        }
        text.push_str("```\n\nSome prose after.\n");
        let doc = crate::parse::parse(&text);
        let code = doc
            .blocks
            .iter()
            .position(|b| matches!(b.kind, BlockKind::Code(_)))
            .unwrap();
        let end = doc.blocks[code].source().end;
        let last_line = text[..end - 5].rfind("\nmore").unwrap() + 1;
        assert!(
            doc.words_before(Position(last_line))
                .abs_diff(doc.words_before_block(code + 1))
                <= 10,
            "the words before its last line are nearly all of the block's"
        );
        for n in (5..=95).step_by(5) {
            let at = doc.at_percent(n);
            let shown = u32::from(doc.percent_at(at));
            assert!(shown + 1 >= n && shown <= n, "{n}% shows as {shown}%");
        }
    }

    #[test]
    fn dates_read_as_a_reader_writes_them() {
        assert_eq!(readable_date("2023-10-20"), "20 October 2023");
        assert_eq!(readable_date("2023-10-20T14:05:00Z"), "20 October 2023");
        assert_eq!(
            readable_date(" 2001-01-02T23:59:59+05:00 "),
            "2 January 2001"
        );
        assert_eq!(readable_date("2023-10-20 09:00"), "20 October 2023");
        for other in [
            "October 2023",
            "2023",
            "2023-13-01",
            "2023-10-20x",
            "",
            "20-10-2023",
        ] {
            assert_eq!(readable_date(other), other);
        }
    }

    #[test]
    fn empty_articles_are_those_without_text() {
        for text in [
            "",
            " \n\n\t\n",
            "---\ntitle: Only a title\n---\n",
            "+++\ntitle = \"T\"\n+++\n\n",
        ] {
            assert!(crate::parse::parse(text).is_empty(), "{text:?}");
        }
        for text in ["a", "# Title\n", "---\ntitle: T\n---\nWords.\n", "***\n"] {
            assert!(!crate::parse::parse(text).is_empty(), "{text:?}");
        }
    }

    #[test]
    fn a_block_keeps_its_source_range_in_32_bits() {
        let max = usize::try_from(crate::load::MAX_ARTICLE).unwrap();
        for range in [0..0, 0..1, 7..7, 17..4096, max - 1..max, 0..max] {
            let mut block = Block::new(BlockKind::Rule, range.clone(), None);
            assert_eq!(block.source(), range);
            block.set_source(3..5);
            assert_eq!(block.source(), 3..5);
            block.set_source(range.clone());
            assert_eq!(block.source(), range);
            assert_eq!(block.source().len(), range.len());
        }
        // The other fields are left as they were.
        let mut block = Block::new(BlockKind::Rule, 1..2, Some(5));
        block.set_source(100..200);
        assert_eq!(block.container(), Some(5));
        assert_eq!(std::mem::size_of::<Block>(), 40);
        assert_eq!(std::mem::size_of::<BlockKind>(), 24);
    }

    #[test]
    fn code_lines_are_kept_in_one_vector() {
        let span = |at: usize| Span::of_source(at, 1, Flags::NONE);
        let mut lines = Lines::default();
        lines.writing().push(span(0));
        lines.writing().push(span(1));
        lines.end_line();
        // A blank line.
        lines.end_line();
        lines.writing().push(span(4));
        // The line after the last newline has nothing on it: no line.
        lines.end_line();
        let mut trimmed = lines.clone();
        trimmed.finish();
        assert_eq!(trimmed, lines);
        let starts = |l: &Lines| -> Vec<Vec<usize>> {
            l.iter()
                .map(|l| l.iter().map(Span::source).collect())
                .collect()
        };
        assert_eq!(starts(&lines), [vec![0, 1], vec![], vec![4]]);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines.get(3), None);
        assert_eq!(lines.spans().len(), 3);
        // A last line with no newline after it is one.
        lines.writing().push(span(6));
        lines.finish();
        assert_eq!(starts(&lines), [vec![0, 1], vec![], vec![4], vec![6]]);
        assert_eq!(Lines::default().iter().count(), 0);
    }

    #[test]
    fn a_link_keeps_its_place_in_32_bits() {
        let max = usize::try_from(crate::load::MAX_ARTICLE).unwrap();
        let text = "See [a](https://x.org/a) and [b](#b).";
        let image = ImageRef {
            url: "a.png".into(),
            alt: "A".into(),
            title: None,
        };
        let targets = [
            LinkTarget::External("https://x.org/a".into()),
            LinkTarget::External(Address::written(8, 15)),
            LinkTarget::Internal("b".into()),
            LinkTarget::Internal(Address::written(34, 1)),
            LinkTarget::Footnote(3),
            LinkTarget::Image(Box::new(image.clone())),
        ];
        let reads = [
            Target::External("https://x.org/a"),
            Target::External("https://x.org/a"),
            Target::Internal("b"),
            Target::Internal("b"),
            Target::Footnote(3),
            Target::Image(&image),
        ];
        for (target, reads) in targets.into_iter().zip(reads) {
            for at in [0, 1, 4095, max - 1, max] {
                let mut link = Link::new(target.clone(), at);
                assert_eq!(link.source(), at);
                link.set_source(7);
                assert_eq!(link.source(), 7);
                link.set_source(at);
                assert_eq!((link.source(), link.target(text)), (at, reads));
            }
            // Moved on with its text: a written address reads the same
            // from the text moved on.
            let mut link = Link::new(target, 2);
            link.shift(3);
            let moved = format!("abc{text}");
            assert_eq!((link.source(), link.target(&moved)), (5, reads));
            assert_eq!(
                link.image(),
                matches!(reads, Target::Image(_)).then_some(&image)
            );
        }
        assert_eq!(
            Link::new(LinkTarget::External(Address::written(8, 15)), 4).written(),
            Some(8..23)
        );
        assert_eq!(
            Link::new(LinkTarget::External("x".into()), 4).written(),
            None
        );
        // Read from another text, a written address reads empty.
        let link = Link::new(LinkTarget::Internal(Address::written(34, 1)), 0);
        assert_eq!(link.target("short"), Target::Internal(""));
    }

    #[test]
    fn words_before_blocks_are_kept_in_32_bits() {
        let mut doc = crate::parse::parse("One two.\n\nThree four five.\n\nSix.\n");
        assert_eq!(doc.words_before_block, vec![0, 2, 5, 6]);
        assert_eq!(doc.words_before_block(2), 5);
        let words: Vec<usize> = (0..4).map(|b| doc.block_words(b)).collect();
        assert_eq!((words, doc.words), (vec![2, 3, 1, 0], 6));
        assert_eq!(words_u32(usize::MAX), u32::MAX);
        doc.words_before_block[2] = u32::MAX;
        assert_eq!(doc.words_before_block(2), u32::MAX as usize);
        // Blocks pushed, recounted and cut keep one count more than they
        // are, and none when there are none.
        let mut made = Document::default();
        for (i, words) in [4, 0, 7].into_iter().enumerate() {
            made.push_block(Block::new(BlockKind::Rule, i..i + 1, None), words);
        }
        assert_eq!(
            (made.words_before_block.clone(), made.words),
            (vec![0, 4, 4, 11], 11)
        );
        made.recount_words(|b| b.source().start + 1);
        assert_eq!(
            (made.words_before_block.clone(), made.words),
            (vec![0, 1, 3, 6], 6)
        );
        made.truncate_blocks(2);
        assert_eq!(
            (made.words_before_block.clone(), made.words),
            (vec![0, 1, 3], 3)
        );
        assert_eq!(made.blocks.capacity(), 2);
        made.truncate_blocks(0);
        assert!(made.words_before_block.is_empty() && made.words == 0);
        made.recount_words(|_| 1);
        assert!(made.words_before_block.is_empty() && made.words == 0);
    }

    #[test]
    fn a_link_id_keeps_its_index_in_four_bytes() {
        for i in [0, 1, 22_876, u32::MAX - 1] {
            assert_eq!(LinkId::new(i).map(LinkId::index), Some(i));
        }
        assert_eq!(LinkId::new(u32::MAX), None);
        assert_eq!(std::mem::size_of::<Option<LinkId>>(), 4);
        // Millions of spans in a long article.
        assert_eq!(std::mem::size_of::<Span>(), 16);
    }

    #[test]
    fn rows_keep_their_cells_apart_in_one_vector() {
        let src = "a b c d e";
        let span = |at: usize| Span::of_source(at, 1, Flags::NONE);
        let mut rows = Rows::default();
        rows.start_row();
        rows.push_cell(&mut vec![span(0), span(2)]);
        rows.push_cell(&mut Vec::new());
        rows.start_row();
        rows.start_row();
        rows.push_cell(&mut vec![span(4)]);
        rows.push_cell(&mut vec![span(6), span(8)]);
        let text = |cell: &[Span]| -> String { cell.iter().map(|s| s.text(src)).collect() };
        let shape: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(text).collect()).collect();
        assert_eq!(shape, [vec!["ab", ""], vec![], vec!["c", "de"]]);
        assert_eq!(rows.len(), 3);
        let last = rows.row(2).unwrap();
        assert_eq!((last.len(), last.get(1).map(text)), (2, Some("de".into())));
        assert_eq!(last.get(2), None);
        assert!(rows.row(1).unwrap().is_empty() && rows.row(3).is_none());
        assert_eq!(rows.cells().count(), 4);
        assert_eq!(rows.spans().len(), 5);
    }

    #[test]
    fn an_exact_span_reads_its_text_from_the_source() {
        let src = "say &amp; hello\nworld";
        let mut span = Span::of_source(10, 5, Flags::NONE);
        assert!(span.exact());
        assert_eq!(
            (span.text(src), span.len(), span.source_at(2)),
            ("hello", 5, 12)
        );
        span.extend(6);
        assert_eq!(span.text(src), "hello\nworld");
        assert_eq!(span.shown(src), "hello world");
        let tail = span.part(6, 11);
        assert_eq!(
            (tail.text(src), tail.source(), tail.exact()),
            ("world", 16, true)
        );

        // Text that is not the source's maps all of its bytes to one place.
        let entity = Span::owned("&", 4, Flags::NONE).next().unwrap();
        assert!(!entity.exact());
        assert_eq!((entity.text(src), entity.source_at(0)), ("&", 4));
        // A longer text is cut into spans of whole characters, each
        // mapping to the same place.
        let stand_in: Vec<Span> = Span::owned("<U+202E>", 4, Flags::STAND_IN).collect();
        let texts: Vec<&str> = stand_in.iter().map(|s| s.text(src)).collect();
        assert_eq!(texts, ["<U+202E", ">"]);
        assert!(stand_in.iter().all(|s| s.source() == 4 && !s.exact()));
        let part = stand_in[0].part(1, 3);
        assert_eq!(
            (part.text(src), part.source(), part.exact()),
            ("U+", 4, false)
        );
        let quotes: Vec<Span> = Span::owned("“é’”\n", 9, Flags::NONE).collect();
        let texts: Vec<&str> = quotes.iter().map(|s| s.text(src)).collect();
        assert_eq!(texts, ["“é", "’”\n"]);
        assert_eq!(
            Span::owned("", 0, Flags::NONE)
                .map(|s| s.len())
                .collect::<Vec<_>>(),
            [0]
        );
        // Own text holds any character, NUL too.
        let nul = Span::owned("a\0", 0, Flags::NONE).next().unwrap();
        assert_eq!(nul.text(src), "a\0");
        // Lengthening is for exact spans only.
        let mut entity = entity;
        entity.extend(3);
        assert_eq!(entity.text(src), "&");
    }
}
