//! HTML inside Markdown → the same blocks and spans as Markdown makes.
//!
//! READMEs carry HTML for layout: centred banners, `<br>`, `<img>`,
//! `<details>`, tables of contributors. Its text is tokenized by html5ever's
//! tokenizer (entities decoded, comments and tags told apart as a browser
//! does) and each element is given the meaning its Markdown twin has: a
//! heading, a paragraph, a list item, a link, emphasis. Elements open and
//! close across Markdown events (an inline `<b>` here, its `</b>` there, a
//! `<details>` whose body is Markdown), so what is open is kept on a stack
//! in the builder. A tag is never shown; an element we have no meaning for
//! is dropped and its text kept. Tokens carry no offsets: text is traced
//! back to the source where it reads as written, and anything else maps to
//! a byte inside its tag or block.

use std::cell::RefCell;
use std::ops::Range;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::{Builder, LeafKind, Table, push_text, push_with_emoji, sanitize};
use crate::document::{BlockKind, ContainerKind, Flags, LinkTarget, Role, Span};

/// What an HTML element means here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Element {
    /// `<p>`, `<div>` and other boxes: a paragraph boundary, centring what
    /// is inside when `align="center"` says so, setting it flush right
    /// when `align="right"` does (`(back to top)` links).
    Block {
        center: bool,
        right: bool,
    },
    Heading {
        level: u8,
        center: bool,
        /// Its `id`: its slug, as `{#id}` gives a Markdown heading's.
        id: Option<String>,
    },
    Emphasis,
    Strong,
    Code,
    Strike,
    /// `<sup>` (true) or `<sub>`.
    Script(bool),
    Link(String),
    /// `<ul>` or `<ol>` (`ordered`), with the first number its `start`
    /// gives (which may be negative) and whether it counts down
    /// (`reversed`).
    List {
        ordered: bool,
        start: Option<i64>,
        down: bool,
    },
    /// `<li>`, with the number its `value` gives it.
    Item {
        value: Option<i64>,
    },
    /// `<details>`: a box whose `<summary>` is a labelled block.
    Details,
    Summary,
    Table,
    Row,
    Cell {
        header: bool,
    },
    /// `<pre>`: a code block, its lines and spaces kept as written.
    Pre,
    /// `<blockquote>`: a quote, as Markdown's `>`.
    Quote,
    /// `<script>`, `<style>` and the like: not shown.
    Hidden,
}

/// An element that is open, with what closing it must undo.
#[derive(Debug)]
pub(crate) struct Open {
    name: String,
    element: Element,
    /// The container it opened (`<li>`, `<details>`).
    container: Option<usize>,
    /// Opened by inline HTML inside a Markdown paragraph: closed with it.
    inline: bool,
    /// The direction its `dir` attribute gives the text inside it.
    dir: Option<crate::document::Direction>,
    /// Its text is Markdown (kramdown's `markdown="1"`, which GitHub
    /// Pages sites use): links and emphasis in it are read as such.
    markdown: bool,
}

/// One thing the tokenizer found, with the source byte it maps to.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End(String),
    /// Decoded text; `exact` when it is the source's from `at` on.
    Text {
        text: String,
        exact: bool,
    },
}

/// Collects tokens; switches the tokenizer to raw text inside `<script>`
/// and `<style>`, as a browser does, so their content is one text token.
struct Sink(RefCell<Vec<Token>>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let raw = match &token {
            Token::TagToken(tag) if tag.kind == TagKind::StartTag && !tag.self_closing => {
                match &*tag.name {
                    "script" => Some(RawKind::ScriptData),
                    "style" | "xmp" | "iframe" | "noembed" | "noframes" => Some(RawKind::Rawtext),
                    "textarea" | "title" => Some(RawKind::Rcdata),
                    _ => None,
                }
            }
            _ => None,
        };
        self.0.borrow_mut().push(token);
        raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
    }
}

/// The pieces of `html`, which was read from `region` of the source
/// (`region` starting at byte `base`). Each piece comes with the source
/// byte it maps to: text to itself when it reads as written, a tag to its
/// `<`, anything else to where the last piece ended.
fn pieces(html: &str, region: &str, base: usize) -> Vec<(Piece, usize)> {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(Vec::new())), TokenizerOpts::default());
    let queue = BufferQueue::default();
    queue.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&queue);
    tokenizer.end();
    let tokens = tokenizer.sink.0.into_inner();

    let mut out = Vec::new();
    let mut cursor = 0;
    let mut text = String::new();
    let bytes = region.as_bytes();
    // The `<` that opens the next tag or comment, and the byte after its
    // `>`: tags are found in the source in order.
    let skip_tag = |cursor: &mut usize| -> usize {
        let at = memchr::memchr(b'<', &bytes[(*cursor).min(bytes.len())..])
            .map_or(*cursor, |i| *cursor + i);
        if let Some(end) = memchr::memchr(b'>', &bytes[at.min(bytes.len())..]) {
            *cursor = at + end + 1;
        }
        at.min(region.len())
    };
    let flush = |text: &mut String, cursor: &mut usize, out: &mut Vec<(Piece, usize)>| {
        if text.is_empty() {
            return;
        }
        let at = (*cursor).min(region.len());
        let exact = region[at..].starts_with(text.as_str());
        if exact {
            *cursor = at + text.len();
        }
        out.push((
            Piece::Text {
                text: std::mem::take(text),
                exact,
            },
            base + at,
        ));
    };
    for token in tokens {
        match token {
            Token::CharacterTokens(t) => text.push_str(&t),
            Token::TagToken(tag) => {
                flush(&mut text, &mut cursor, &mut out);
                let at = skip_tag(&mut cursor);
                let name = tag.name.to_string();
                let piece = match tag.kind {
                    TagKind::StartTag => Piece::Start {
                        name,
                        attrs: tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect(),
                        self_closing: tag.self_closing,
                    },
                    TagKind::EndTag => Piece::End(name),
                };
                out.push((piece, base + at));
            }
            Token::CommentToken(_) | Token::DoctypeToken(_) => {
                flush(&mut text, &mut cursor, &mut out);
                skip_tag(&mut cursor);
            }
            Token::NullCharacterToken => text.push('\0'),
            Token::EOFToken | Token::ParseError(_) => {}
        }
    }
    flush(&mut text, &mut cursor, &mut out);
    out
}

/// `text` in superscript (`sup`) or subscript letters, when each of its
/// characters has such a form.
fn script_form(text: &str, sup: bool) -> Option<String> {
    const DIGITS_SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    const DIGITS_SUB: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    if text.is_empty() {
        return None;
    }
    text.chars()
        .map(|c| match (c, sup) {
            ('0'..='9', true) => Some(DIGITS_SUP[c as usize - '0' as usize]),
            ('0'..='9', false) => Some(DIGITS_SUB[c as usize - '0' as usize]),
            ('+', true) => Some('⁺'),
            ('-' | '−', true) => Some('⁻'),
            ('=', true) => Some('⁼'),
            ('(', true) => Some('⁽'),
            (')', true) => Some('⁾'),
            ('n', true) => Some('ⁿ'),
            ('i', true) => Some('ⁱ'),
            ('+', false) => Some('₊'),
            ('-' | '−', false) => Some('₋'),
            ('=', false) => Some('₌'),
            ('(', false) => Some('₍'),
            (')', false) => Some('₎'),
            _ => None,
        })
        .collect()
}

/// Elements that have no content and no end tag.
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
    )
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// An attribute's whole number (`start="-3"`, `value="7"`).
fn number(value: Option<&str>) -> Option<i64> {
    value?.trim().parse().ok()
}

/// What a start tag means, or `None` for an element whose tag is dropped
/// and whose text is kept.
fn element(name: &str, attrs: &[(String, String)]) -> Option<Element> {
    let center = || attr(attrs, "align").is_some_and(|a| a.trim().eq_ignore_ascii_case("center"));
    let right = || attr(attrs, "align").is_some_and(|a| a.trim().eq_ignore_ascii_case("right"));
    Some(match name {
        "p" | "div" | "section" | "article" | "header" | "footer" | "figure" | "figcaption"
        | "aside" | "main" | "nav" | "address" | "dl" | "dt" | "dd" => Element::Block {
            center: center(),
            right: right(),
        },
        "center" => Element::Block {
            center: true,
            right: false,
        },
        "blockquote" => Element::Quote,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => Element::Heading {
            level: name.as_bytes()[1] - b'0',
            center: center(),
            id: attr(attrs, "id")
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string),
        },
        "em" | "i" | "cite" | "var" | "dfn" => Element::Emphasis,
        "strong" | "b" => Element::Strong,
        "code" | "kbd" | "samp" | "tt" => Element::Code,
        "s" | "del" | "strike" => Element::Strike,
        "sup" => Element::Script(true),
        "sub" => Element::Script(false),
        "a" => Element::Link(attr(attrs, "href")?.trim().to_string()),
        "ul" | "menu" => Element::List {
            ordered: false,
            start: None,
            down: false,
        },
        "ol" => Element::List {
            ordered: true,
            start: number(attr(attrs, "start")),
            down: attr(attrs, "reversed").is_some(),
        },
        "li" => Element::Item {
            value: number(attr(attrs, "value")),
        },
        "details" => Element::Details,
        "summary" => Element::Summary,
        "table" => Element::Table,
        "tr" => Element::Row,
        "td" => Element::Cell { header: false },
        "pre" => Element::Pre,
        "th" => Element::Cell { header: true },
        "script" | "style" | "template" | "head" | "title" | "textarea" | "iframe" | "noembed"
        | "noframes" | "xmp" => Element::Hidden,
        _ => return None,
    })
}

/// Whether an element opened by an HTML block stays open past the block's
/// end, until its end tag: `<div>`, `<p>` and `<center>` (which may centre
/// the Markdown inside), `<details>` and `<blockquote>`. `window::KEPT` names the same
/// tags, so that no piece of a long article is cut inside one.
fn keeps_open(o: &Open) -> bool {
    !o.inline
        && match o.element {
            Element::Block { .. } => super::window::KEPT.contains(&o.name.as_str()),
            Element::Details | Element::Quote => true,
            _ => false,
        }
}

/// Elements that end an open `<p>` when they start, as in HTML.
fn ends_paragraph(e: &Element) -> bool {
    matches!(
        e,
        Element::Block { .. }
            | Element::Heading { .. }
            | Element::List { .. }
            | Element::Details
            | Element::Table
            | Element::Pre
            | Element::Quote
    )
}

/// A `<` or `</` that ends a line of a paragraph, held back: with the
/// start of the next line it may be one tag written across the line end
/// (`</` / `br>`), which Markdown reads as text.
#[derive(Debug)]
pub(crate) struct SplitTag {
    /// Where the `<` is.
    pub(super) at: usize,
    /// `<` or `</`.
    pub(super) len: usize,
    /// The soft break after it.
    pub(super) soft: Option<Range<usize>>,
}

impl Builder<'_> {
    /// The text to add of `text` (at `at` in the source): all of it, or
    /// all but a `<` or `</` at its end, which is held back.
    pub(super) fn hold_split_tag<'t>(&mut self, text: &'t str, at: usize) -> &'t str {
        let len = if text.ends_with("</") {
            2
        } else if text.ends_with('<') {
            1
        } else {
            return text;
        };
        let in_paragraph = self.table.is_none()
            && self
                .leaf
                .as_ref()
                .is_some_and(|l| matches!(l.kind, LeafKind::Paragraph { .. }));
        if !in_paragraph || self.image.is_some() {
            return text;
        }
        let head = text.len() - len;
        self.split_tag = Some(SplitTag {
            at: at + head,
            len,
            soft: None,
        });
        &text[..head]
    }

    /// Whether `text` is one tag and nothing else.
    pub(super) fn is_one_tag(text: &str) -> bool {
        matches!(
            pieces(text, text, 0).as_slice(),
            [(Piece::Start { .. } | Piece::End(_), _)]
        )
    }

    /// Read HTML that Markdown passed through: an HTML block's text
    /// (`inline` false), or one inline tag or comment inside a paragraph.
    /// `range` is where it is in the source.
    pub(super) fn html(&mut self, html: &str, range: Range<usize>, inline: bool) {
        let region = self.src.get(range.clone()).unwrap_or_default();
        for (piece, at) in pieces(html, region, range.start) {
            self.html_at = at;
            match piece {
                Piece::Text { text, exact } => self.html_text(&text, at, exact),
                Piece::End(name) => self.html_end(&name, at),
                Piece::Start {
                    name,
                    attrs,
                    self_closing,
                } => {
                    self.html_anchor(&name, &attrs, at);
                    self.html_void(&name, &attrs, at);
                    if is_void(&name) {
                        continue;
                    }
                    if let Some(element) = element(&name, &attrs) {
                        let dir =
                            attr(&attrs, "dir").and_then(crate::document::Direction::of_attribute);
                        let markdown = attr(&attrs, "markdown")
                            .is_some_and(|m| matches!(m.trim(), "1" | "block" | "span"));
                        self.html_start(name.clone(), element, at, inline, (dir, markdown));
                        if self_closing {
                            self.html_end(&name, at);
                        }
                    }
                }
            }
        }
        if !inline {
            self.html_at = range.end;
            // What an HTML block leaves open ends with it, but for the
            // boxes that hold Markdown between their tags (a centred
            // `<div>`, a `<details>` body): those end at their end tag, as
            // in a browser. A long article is parsed in pieces cut between
            // blocks, never inside such a box (see `window`).
            self.html_close_where(|o| !keeps_open(o));
        }
    }

    /// The place an element names, by its `id` (or an `<a>`'s `name`),
    /// a target of links (`Document::anchors`). A heading's is its slug
    /// (see `element`).
    fn html_anchor(&mut self, name: &str, attrs: &[(String, String)], at: usize) {
        if self.hidden > 0 || matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6") {
            return;
        }
        let names = [Some("id"), (name == "a").then_some("name")];
        for key in names.into_iter().flatten() {
            if let Some(value) = attr(attrs, key).map(str::trim).filter(|v| !v.is_empty()) {
                self.doc.anchors.push((sanitize(value).into(), at));
            }
        }
    }

    /// The void elements: a line break, an image, a rule.
    fn html_void(&mut self, name: &str, attrs: &[(String, String)], at: usize) {
        match name {
            "br" => self.html_break(at),
            "img" => {
                let alt = attr(attrs, "alt").unwrap_or_default();
                if !self.alt_text(alt) && self.hidden == 0 {
                    let url = sanitize(attr(attrs, "src").unwrap_or_default());
                    let title = attr(attrs, "title")
                        .filter(|t| !t.trim().is_empty())
                        .map(sanitize);
                    self.push_image(at..at, alt, url, title);
                }
            }
            "input"
                if self.hidden == 0
                    && attr(attrs, "type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("checkbox")) =>
            {
                let checked = attr(attrs, "checked").is_some();
                self.html_checkbox(if checked { "☑" } else { "☐" }, at);
            }
            "hr" if self.table.is_none() && self.hidden == 0 => {
                self.html_close_paragraph();
                self.close_leaf();
                self.push_block(BlockKind::Rule, at..at, false);
            }
            _ => {}
        }
    }

    /// `<input type="checkbox">`, shown as `mark` (☑ or ☐): at the start
    /// of a list item it is the item's marker, as a task list's `[x]` is;
    /// anywhere else (a table cell, inside text) it is inline.
    fn html_checkbox(&mut self, mark: &str, at: usize) {
        let starts_item = self.table.is_none()
            && self.pending.is_none()
            && self.leaf.as_ref().is_none_or(|l| l.spans.is_empty());
        if starts_item
            && let Some(&c) = self.open.last()
            && self.doc.containers[c].first_block().is_none()
            && let ContainerKind::Item { marker, .. } = &mut self.doc.containers[c].kind
            // A second box there is inline, after the first.
            && !matches!(&**marker, "☑" | "☐")
        {
            *marker = mark.into();
            return;
        }
        let flags = self.flags();
        self.inline(at..at, |spans| spans.extend(Span::owned(mark, at, flags)));
    }

    /// `<br>`: a hard break inside text and inside a table cell, and
    /// nothing between blocks, which have their own space.
    fn html_break(&mut self, at: usize) {
        if self.hidden > 0 || self.image.is_some() {
            return;
        }
        if let Some(t) = &mut self.table {
            // A line break in a cell, as in a paragraph (`wrap` breaks
            // there); one at the cell's start would only leave a blank.
            if let Some(cell) = &mut t.cell
                && !cell.is_empty()
            {
                cell.extend(Span::owned("\n", at, Flags::NONE));
            }
            return;
        }
        if self.leaf.as_ref().is_some_and(|l| !l.spans.is_empty()) {
            self.inline(at..at, |spans| {
                spans.extend(Span::owned("\n", at, Flags::NONE))
            });
        }
    }

    /// Text inside `<sup>` or `<sub>` whose every letter has a superscript
    /// or subscript form (`x<sup>2</sup>`, `H<sub>2</sub>O`): added in that
    /// form, at `at`. Other text (`<sup>[1]</sup>`, `<sup>TM</sup>`) is
    /// left to be added as it is.
    pub(super) fn script_text(&mut self, text: &str, at: usize) -> bool {
        if self.script == 0 || self.hidden > 0 || self.image.is_some() {
            return false;
        }
        let Some(shown) = script_form(text, self.script > 0) else {
            return false;
        };
        let flags = self.flags();
        self.inline(at..at, |spans| spans.extend(Span::owned(&shown, at, flags)));
        true
    }

    /// Text from HTML: its whitespace collapsed, as a browser shows it,
    /// and none at the start of a block; in a `<pre>`, kept as written.
    fn html_text(&mut self, text: &str, at: usize, exact: bool) {
        if self.hidden > 0 || self.alt_text(text) {
            return;
        }
        if self.table.is_none()
            && let Some(leaf) = &self.leaf
            && matches!(leaf.kind, LeafKind::Code { .. })
        {
            // A line break right after `<pre>` is not shown (HTML).
            let first = leaf.lines.is_empty() && leaf.lines.spans().is_empty();
            let skip = if !first {
                0
            } else if text.starts_with("\r\n") {
                2
            } else {
                usize::from(text.starts_with('\n'))
            };
            let (text, at) = (&text[skip..], if exact { at + skip } else { at });
            let end = if exact { at + text.len() } else { at };
            self.raw_text(text, at..end);
            return;
        }
        if self.table.is_none() && self.script_text(text.trim(), at) {
            return;
        }
        let at_start = match &self.table {
            Some(t) => match &t.cell {
                Some(cell) => cell.is_empty(),
                // Between the cells of a table.
                None => return,
            },
            None => self.leaf.as_ref().is_none_or(|l| l.spans.is_empty()),
        };
        let trimmed = if at_start { text.trim_start() } else { text };
        if trimmed.is_empty() {
            return;
        }
        if exact && self.html_open.iter().any(|o| o.markdown) && self.markdown_text(text, at) {
            return;
        }
        let mut source = at + (text.len() - trimmed.len());
        if !exact {
            source = at;
        }
        let flags = self.flags();
        let end = source + if exact { trimmed.len() } else { 0 };
        self.inline(source..end, |spans| {
            let mut from = 0;
            let bytes = trimmed.as_bytes();
            while from < trimmed.len() {
                let space = bytes[from].is_ascii_whitespace();
                let mut to = from;
                while to < bytes.len() && bytes[to].is_ascii_whitespace() == space {
                    to += 1;
                }
                let piece_at = if exact { source + from } else { source };
                if space {
                    if &trimmed[from..to] == " " {
                        push_text(spans, " ", piece_at, exact, flags);
                    } else {
                        spans.extend(Span::owned(" ", piece_at, flags));
                    }
                } else if flags.contains(Flags::CODE) {
                    push_text(spans, &trimmed[from..to], piece_at, exact, flags);
                } else {
                    push_with_emoji(spans, &trimmed[from..to], piece_at, exact, flags);
                }
                from = to;
            }
        });
    }

    /// Read `text`, found at byte `at` inside an element whose text is
    /// Markdown, as Markdown's inline content: its links, emphasis and
    /// code. False, having read nothing, when it holds more than inline
    /// content (a list, a heading): it is read as text then.
    fn markdown_text(&mut self, text: &str, at: usize) -> bool {
        use pulldown_cmark::{Event, Tag, TagEnd};
        // A `<` left in the text would be taken for the start of a tag
        // split over lines (`hold_split_tag`): such text stays text.
        if !text.contains(['[', '*', '_', '`']) || text.contains('<') {
            return false;
        }
        let events: Vec<(Event<'_>, Range<usize>)> =
            pulldown_cmark::Parser::new_ext(text, super::options())
                .into_offset_iter()
                .collect();
        let inline = events.iter().all(|(e, _)| match e {
            Event::Start(tag) => matches!(
                tag,
                Tag::Paragraph
                    | Tag::Emphasis
                    | Tag::Strong
                    | Tag::Strikethrough
                    | Tag::Link { .. }
            ),
            Event::End(tag) => matches!(
                tag,
                TagEnd::Paragraph
                    | TagEnd::Emphasis
                    | TagEnd::Strong
                    | TagEnd::Strikethrough
                    | TagEnd::Link
            ),
            Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak => true,
            _ => false,
        });
        if !inline {
            return false;
        }
        for (event, range) in events {
            // Paragraphs of the text run on, as HTML shows them.
            let event = match event {
                Event::Start(Tag::Paragraph) | Event::End(TagEnd::Paragraph) => continue,
                Event::HardBreak => Event::SoftBreak,
                other => other,
            };
            self.event(event, at + range.start..at + range.end);
        }
        // Text held back to join what follows is the leaf's now: HTML
        // comes next.
        self.flush_text();
        true
    }

    fn html_start(
        &mut self,
        name: String,
        element: Element,
        at: usize,
        inline: bool,
        (dir, markdown): (Option<crate::document::Direction>, bool),
    ) {
        let in_table = self.table.is_some();
        // Block structure from inline HTML, or inside a table, would cut
        // the paragraph or cell it is in: such tags are dropped.
        let structural = !matches!(
            element,
            Element::Emphasis
                | Element::Strong
                | Element::Code
                | Element::Strike
                | Element::Script(_)
                | Element::Link(_)
                | Element::Hidden
                | Element::Table
                | Element::Row
                | Element::Cell { .. }
        );
        if structural && (inline || in_table) {
            // A list in a table cell: its items stay apart, each after a
            // bullet, on the cell's one line.
            if matches!(element, Element::Item { .. })
                && let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut())
            {
                let bullet = if cell.is_empty() { "• " } else { " • " };
                cell.extend(Span::owned(bullet, at, Flags::NONE));
            }
            return;
        }
        if ends_paragraph(&element) {
            self.html_close_paragraph();
        }
        let mut container = None;
        match &element {
            Element::Hidden => self.hidden += 1,
            Element::Emphasis => self.emphasis += 1,
            Element::Strong => self.strong += 1,
            Element::Code => self.code += 1,
            Element::Strike => self.strike += 1,
            Element::Script(sup) => self.script += if *sup { 1 } else { -1 },
            Element::Link(href) => {
                if self.link > 0 {
                    return;
                }
                self.link += 1;
                let target = match href.strip_prefix('#') {
                    Some(slug) => LinkTarget::Internal(sanitize(slug).into()),
                    None => LinkTarget::External(sanitize(href).into()),
                };
                self.current_link = Some(self.add_link(target, at));
            }
            Element::Block { center, right } => {
                self.close_leaf();
                self.center += u32::from(*center);
                self.right += u32::from(*right);
            }
            Element::Heading { level, center, id } => {
                self.close_leaf();
                self.center += u32::from(*center);
                let kind = LeafKind::Heading {
                    level: *level,
                    id: id.clone(),
                };
                self.open_leaf(kind, at);
            }
            Element::List {
                ordered,
                start,
                down,
            } => {
                self.close_leaf();
                let numbers = ordered.then(|| match (start, down) {
                    (Some(n), _) => crate::parse::Numbers::From(*n, *down),
                    // Down to 1 from the count of its items, known at
                    // its end (`Builder::end_list`).
                    (None, true) => crate::parse::Numbers::DownToOne,
                    (None, false) => crate::parse::Numbers::From(1, false),
                });
                self.start_list(numbers);
            }
            Element::Item { value } => {
                if self.lists.is_empty() {
                    return;
                }
                self.html_close_to(
                    |o| matches!(o.element, Element::Item { .. }),
                    |o| matches!(o.element, Element::List { .. }),
                );
                self.close_leaf();
                container = self.start_item(*value);
            }
            Element::Details => self.close_leaf(),
            Element::Pre => {
                self.close_leaf();
                self.open_leaf(LeafKind::Code { lang: None }, at);
            }
            Element::Quote => {
                self.close_leaf();
                container = Some(self.open_container(ContainerKind::QUOTE));
            }
            Element::Summary => {
                self.close_leaf();
                container = Some(self.open_container(ContainerKind::Item {
                    marker: "▾".into(),
                    role: Role::ListMarker,
                }));
                self.strong += 1;
                self.open_leaf(LeafKind::Paragraph { tight: false }, at);
            }
            Element::Table => {
                if in_table || inline {
                    return;
                }
                self.close_leaf();
                self.table = Some(Table::new(Vec::new(), at));
                self.row_has_data = false;
            }
            Element::Row => {
                if !in_table {
                    return;
                }
                self.html_close_to(
                    |o| matches!(o.element, Element::Row),
                    |o| o.element == Element::Table,
                );
                if let Some(t) = &mut self.table {
                    t.row(at);
                }
                self.row_has_data = false;
            }
            Element::Cell { header } => {
                if !in_table {
                    return;
                }
                self.html_close_to(
                    |o| matches!(o.element, Element::Cell { .. }),
                    |o| matches!(o.element, Element::Row | Element::Table),
                );
                if let Some(t) = &mut self.table {
                    if t.rows() == 0 {
                        t.row(at);
                    }
                    t.start_cell();
                }
                self.row_has_data |= !header;
            }
        }
        self.html_open.push(Open {
            name,
            element,
            container,
            inline,
            dir,
            markdown,
        });
    }

    /// The direction the innermost HTML element with a `dir` gives the
    /// text being read.
    pub(super) fn html_dir(&self) -> crate::document::Direction {
        self.html_open
            .iter()
            .rev()
            .find_map(|o| o.dir)
            .unwrap_or_default()
    }

    /// An end tag: closes the innermost element of that name and those
    /// left open inside it. One that closes nothing is dropped.
    fn html_end(&mut self, name: &str, at: usize) {
        if name == "br" {
            // Browsers read `</br>` as `<br>`.
            self.html_break(at);
            return;
        }
        if let Some(i) = self.html_open.iter().rposition(|o| o.name == name) {
            self.html_close_from(i);
        }
    }

    /// Close an open `<p>` on top of the stack.
    fn html_close_paragraph(&mut self) {
        if let Some(i) = self.html_open.iter().rposition(|o| o.name == "p")
            && i + 1 == self.html_open.len()
        {
            self.html_close_from(i);
        }
    }

    /// Close down to the innermost element that `is` matches, unless an
    /// element that `stop` matches comes first.
    fn html_close_to(&mut self, is: impl Fn(&Open) -> bool, stop: impl Fn(&Open) -> bool) {
        for i in (0..self.html_open.len()).rev() {
            if stop(&self.html_open[i]) {
                return;
            }
            if is(&self.html_open[i]) {
                self.html_close_from(i);
                return;
            }
        }
    }

    /// Close every open element that `which` matches, innermost first.
    pub(super) fn html_close_where(&mut self, which: impl Fn(&Open) -> bool) {
        let mut i = self.html_open.len();
        while i > 0 {
            i -= 1;
            if i < self.html_open.len() && which(&self.html_open[i]) {
                let open = self.html_open.remove(i);
                self.html_undo(open);
            }
        }
    }

    /// Close the inline elements a paragraph opened, at its end.
    pub(super) fn html_close_inline(&mut self) {
        if self.html_open.iter().any(|o| o.inline) {
            self.html_close_where(|o| o.inline);
        }
    }

    /// Before Markdown closes a container: close the HTML containers
    /// opened inside it and left open.
    pub(super) fn html_close_containers(&mut self) {
        while let Some(&top) = self.open.last() {
            let Some(i) = self
                .html_open
                .iter()
                .rposition(|o| o.container == Some(top))
            else {
                return;
            };
            self.html_close_from(i);
        }
    }

    fn html_close_from(&mut self, i: usize) {
        while self.html_open.len() > i {
            if let Some(open) = self.html_open.pop() {
                self.html_undo(open);
            }
        }
    }

    /// Undo what opening an element did.
    fn html_undo(&mut self, open: Open) {
        match open.element {
            Element::Hidden => self.hidden = self.hidden.saturating_sub(1),
            Element::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            Element::Strong => self.strong = self.strong.saturating_sub(1),
            Element::Code => self.code = self.code.saturating_sub(1),
            Element::Strike => self.strike = self.strike.saturating_sub(1),
            Element::Script(sup) => self.script -= if sup { 1 } else { -1 },
            Element::Link(_) => {
                self.link = self.link.saturating_sub(1);
                self.current_link = None;
            }
            Element::Block { center, right } => {
                self.close_leaf();
                self.center -= u32::from(center).min(self.center);
                self.right -= u32::from(right).min(self.right);
            }
            Element::Pre => self.close_leaf(),
            Element::Quote => {
                self.close_leaf();
                if let Some(c) = open.container {
                    self.open.retain(|&o| o != c);
                }
            }
            Element::Heading { center, id, .. } => {
                // A heading of no text (`<h1></h1>`) has no place in the
                // outline; its id still names the place.
                if let Some(leaf) = self.leaf.take_if(|l| l.spans.is_empty())
                    && let Some(id) = id
                {
                    self.doc.anchors.push((sanitize(&id).into(), leaf.start));
                }
                self.close_leaf();
                self.center -= u32::from(center).min(self.center);
            }
            Element::Details => {
                self.close_leaf();
                if let Some(c) = open.container {
                    self.open.retain(|&o| o != c);
                }
            }
            Element::Summary => {
                self.strong = self.strong.saturating_sub(1);
                self.close_leaf();
                // The body of the `<details>` goes on under its summary,
                // to `</details>`: the details takes the container over.
                let details = self
                    .html_open
                    .iter_mut()
                    .rev()
                    .find(|o| o.element == Element::Details)
                    .filter(|d| d.container.is_none());
                match (details, open.container) {
                    (Some(d), Some(c)) => d.container = Some(c),
                    (None, Some(c)) => self.open.retain(|&o| o != c),
                    _ => {}
                }
            }
            Element::List { .. } => {
                self.close_leaf();
                self.end_list();
            }
            Element::Item { .. } => {
                self.close_leaf();
                if let Some(c) = open.container {
                    self.open.retain(|&o| o != c);
                }
            }
            Element::Table => {
                if let Some(t) = self.table.take() {
                    let end = self.html_at.max(t.start);
                    self.push_table(t, end);
                }
            }
            Element::Row => {
                if let Some(t) = &mut self.table
                    && !self.row_has_data
                    && t.header_rows + 1 == t.rows()
                {
                    t.header_rows += 1;
                }
            }
            Element::Cell { .. } => {
                if let Some(t) = &mut self.table {
                    t.end_cell(self.src);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Target;

    fn names(html: &str) -> Vec<(Piece, usize)> {
        pieces(html, html, 10)
    }

    #[test]
    fn superscripts_and_subscripts_in_their_unicode_forms() {
        assert_eq!(script_form("2", true).as_deref(), Some("²"));
        assert_eq!(script_form("-1", true).as_deref(), Some("⁻¹"));
        assert_eq!(script_form("n", true).as_deref(), Some("ⁿ"));
        assert_eq!(script_form("10", false).as_deref(), Some("₁₀"));
        // No such form: the text is kept as it is.
        assert_eq!(script_form("[1]", true), None);
        assert_eq!(script_form("TM", true), None);
        assert_eq!(script_form("", true), None);
        let text = |src: &str| {
            let doc = crate::parse::parse(src);
            crate::layout::render_to_string(&doc, 80)
        };
        assert_eq!(
            text("E = mc<sup>2</sup> and H<sub>2</sub>O."),
            "E = mc² and H₂O.\n"
        );
        assert_eq!(text("<p>x<sup>n</sup> + y<sup>n</sup></p>"), "xⁿ + yⁿ\n");
        assert_eq!(text("Acme<sup>TM</sup> tools."), "AcmeTM tools.\n");
    }

    #[test]
    fn text_maps_to_itself_and_tags_to_their_start() {
        let got = names("<b>bold</b> &amp; x");
        assert_eq!(
            got[1],
            (
                Piece::Text {
                    text: "bold".into(),
                    exact: true
                },
                13
            )
        );
        assert_eq!(got[2], (Piece::End("b".into()), 17));
        // An entity is decoded: its text is not the source's.
        assert_eq!(
            got[3],
            (
                Piece::Text {
                    text: " & x".into(),
                    exact: false
                },
                21
            )
        );
    }

    #[test]
    fn comments_and_scripts_are_not_text_and_a_tag_may_span_lines() {
        let got = names("<!-- hi --><script>if (a < b) x()</script><img\n  alt=\"A\"\n/>");
        assert!(matches!(&got[0].0, Piece::Start { name, .. } if name == "script"));
        assert!(matches!(&got[1].0, Piece::Text { text, .. } if text == "if (a < b) x()"));
        assert!(matches!(&got[3].0, Piece::Start { name, attrs, .. }
            if name == "img" && attr(attrs, "alt") == Some("A")));
    }

    fn shown(src: &str) -> String {
        crate::layout::render_to_string(&crate::parse::parse(src), 60)
    }

    #[test]
    fn links_from_html_are_links() {
        let doc =
            crate::parse::parse("See <a href=\"https://x.org/?a=1&amp;b\">the <b>site</b></a>.\n");
        assert_eq!(
            doc.links[0].target(&doc.text),
            Target::External("https://x.org/?a=1&b")
        );
        let linked: String = crate::document::block_spans(&doc.blocks[0].kind)
            .filter(|s| s.link().is_some())
            .map(|s| s.text(&doc.text))
            .collect();
        assert_eq!(linked, "the site");
        let doc = crate::parse::parse("<p><a href=\"#usage\">Usage</a></p>\n\n# Usage\n");
        assert_eq!(
            doc.link_destination(0),
            Some(crate::position::Position(doc.blocks[1].source().start))
        );
    }

    #[test]
    fn escapes_in_attributes_and_entities_become_stand_ins() {
        let out = shown("<img alt=\"a\u{1b}[2Jb\"> <b>x&#27;y&#x9b;z</b>\n");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{9b}'),
            "{out:?}"
        );
        assert!(out.contains("[image: a␛[2Jb] x␛y<U+009B>z"), "{out:?}");
    }

    #[test]
    fn a_tag_may_span_lines_of_a_paragraph() {
        assert_eq!(
            shown("One <img\n  alt=\"logo\"> two </\nbr> three <\nbr> four\n"),
            "One [image: logo] two\nthree\nfour\n"
        );
        // A `<` at a line end that starts no tag stays text.
        assert_eq!(shown("a <\nb\n"), "a < b\n");
        assert_eq!(shown("a </\n3 > 2\n"), "a </ 3 > 2\n");
    }

    #[test]
    fn align_right_sets_lines_flush_right() {
        let out = shown("Text.\n\n<p align=\"right\">(<a href=\"#top\">back to top</a>)</p>\n");
        let last = out.lines().last().unwrap_or_default();
        assert_eq!(
            last,
            format!("{}(back to top)", " ".repeat(60 - 13)),
            "{out}"
        );
        // Markdown inside a right-aligned `<div>`, blank lines and all.
        let out = shown("<div align=\"right\">\n\nRight **md**\n\n</div>\n\nAfter.\n");
        assert!(
            out.contains(&format!("{}Right md\n", " ".repeat(52))),
            "{out:?}"
        );
        assert!(out.contains("\nAfter.\n"), "{out:?}");
    }

    #[test]
    fn checkboxes_are_shown_checked_or_not() {
        // At an item's start, the item's marker, as `- [x]` gives.
        assert_eq!(
            shown(
                "- <input type=\"checkbox\" checked disabled> done\n- <input type=\"checkbox\" disabled> todo\n"
            ),
            shown("- [x] done\n- [ ] todo\n")
        );
        assert_eq!(
            shown(
                "<ul><li><input type=checkbox checked> a</li><li><p>b</p><input type=CheckBox> c</li></ul>\n"
            ),
            "☑ a\n• b\n  ☐ c\n"
        );
        // In a cell or inside text, where it stands; other inputs show
        // nothing.
        assert!(shown("| a |\n|---|\n| <input type=\"checkbox\" checked> |\n").contains("│ ☑ │"));
        assert_eq!(
            shown("<ul><li><input type=checkbox checked><input type=checkbox> x</li></ul>\n"),
            "☑ ☐ x\n"
        );
        assert_eq!(
            shown("Text <input type=checkbox> and <input type=\"text\" value=\"v\"> field.\n"),
            "Text ☐ and field.\n"
        );
    }

    #[test]
    fn unknown_tags_are_dropped_and_their_text_kept() {
        assert_eq!(
            shown("<span class=\"x\">kept</span> and <x-card>this</x-card>\n"),
            "kept and this\n"
        );
        assert_eq!(
            shown("<center>In the middle</center>\n").trim(),
            "In the middle"
        );
    }
}
