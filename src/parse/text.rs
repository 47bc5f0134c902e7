//! Plain text → `Document`: structure inferred from a page copied out of a
//! browser or a `.txt` export. Paragraphs are runs of lines between blank
//! lines, with their hard wraps joined; a short line standing alone at the top
//! is the title, a "By …" line under it the author, short lines standing alone
//! between paragraphs are section headings, bulleted lines are list items, and
//! trailing page furniture ("Leave a Reply", "Share this:") is dimmed. The
//! inference is conservative and never drops text: whatever is not recognised
//! stays a paragraph.
//!
//! This module only decides the structure. It states it as the same event
//! stream that pulldown-cmark gives the Markdown builder in `parse`, and lets
//! that builder make the `Document`. So a plain-text article gets exactly the
//! Markdown rules for stand-ins, exact source mapping, spacing, list markers,
//! heading slugs, words and the fingerprint, with no second copy of them.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag};

use super::{Builder, sanitize};
use crate::document::Document;

/// A title has fewer characters than this.
const TITLE_MAX: usize = 100;
/// A section heading has fewer characters than this: subheads are short, and
/// a longer line without a full stop is more likely a fragment of prose.
const HEADING_MAX: usize = 80;
/// A boilerplate line ("Leave a Reply") has fewer characters than this.
const BOILERPLATE_MAX: usize = 60;

/// Parse a plain-text article. Offsets in the result are offsets into
/// `source`, which the caller has already stripped of any byte order mark (a
/// leading one is tolerated and shown as nothing).
pub fn parse_text(source: &str) -> Document {
    parse_text_shared(&std::sync::Arc::from(source))
}

/// `parse_text` of a shared text, which the document's spans read their
/// text from (`Document::text`).
pub fn parse_text_shared(shared: &std::sync::Arc<str>) -> Document {
    let source: &str = shared;
    let lines = split_lines(source);
    let chunks = chunks(&lines);
    let text = |l: &Line| &source[l.text.clone()];
    let chunk_lines = |c: usize| &lines[chunks[c].clone()];
    let shapes: Vec<Shape> = (0..chunks.len())
        .map(|c| Shape::of(chunk_lines(c), &text))
        .collect();

    let header = Header::infer(&shapes, &chunks, &lines, &text);
    let header_end = header.end();
    let first_prose = (header_end..chunks.len()).find(|&c| shapes[c].prose);
    // Page furniture is only looked for in the second half of the text and
    // after the article has begun, so that a paragraph that mentions
    // "Comments" early on is never taken for it.
    let boilerplate = first_prose
        .and_then(|p| {
            (p + 1..chunks.len()).find(|&c| {
                let head = &chunk_lines(c)[0];
                head.line.start * 2 >= source.len() && is_boilerplate(text(head))
            })
        })
        .unwrap_or(chunks.len());

    let is_heading = |c: usize| {
        let shape = &shapes[c];
        let next_is_prose = c + 1 < boilerplate && shapes[c + 1].prose;
        if !shape.heading || !next_is_prose || c < header_end || c >= boilerplate {
            return false;
        }
        let prev = c.checked_sub(1).map(|p| &shapes[p]);
        // Between paragraphs: a line standing alone before the article has
        // begun is more likely a dateline or a caption than a subhead.
        let between_paragraphs =
            first_prose.is_some_and(|p| c > p) && prev.is_some_and(|p| p.prose || p.list || p.rule);
        // A numbered section line ("1. Beginnings", "Part Two") is a strong
        // sign by itself, and may follow the title directly; but not when the
        // line before it is numbered the same way, which makes both of them
        // items of a list spaced out with blank lines.
        let numbered_section =
            shape.section && !(shape.numbered && prev.is_some_and(|p| p.numbered));
        between_paragraphs || numbered_section
    };

    let mut out = Emitter {
        src: source,
        builder: Builder::new(source),
    };
    for (c, range) in chunks.iter().enumerate() {
        let chunk = &lines[range.clone()];
        if header.site == Some(c) {
            out.paragraph(chunk, Join::Soft, true);
        } else if header.title == Some(c) {
            out.heading(HeadingLevel::H1, &chunk[0]);
            if chunk.len() > 1 {
                out.paragraph(&chunk[1..], Join::Hard, false);
            }
        } else if header.byline == Some(c) {
            out.paragraph(chunk, Join::Hard, false);
        } else if shapes[c].rule {
            out.rule(&chunk[0]);
        } else if is_heading(c) {
            out.heading(HeadingLevel::H2, &chunk[0]);
        } else {
            out.body(chunk, c >= boilerplate, &text);
        }
    }
    let mut doc = out.builder.finish();
    doc.fingerprint = super::fingerprint(source);
    doc.text = std::sync::Arc::clone(shared);
    // The title and byline are blocks of the text already: no header.
    doc.meta.inline = true;
    if header.title.is_some() {
        // The title is the heading's own text, as for Markdown.
        doc.meta.title = doc
            .headings
            .iter()
            .find(|h| h.level == 1)
            .map(|h| h.text.clone());
    }
    doc.meta.author = header.author_line.and_then(|l| byline(text(&lines[l])));
    doc
}

/// One line of the source.
#[derive(Clone, Debug)]
struct Line {
    /// The whole line, without its line end.
    line: Range<usize>,
    /// The line without the whitespace around it: the text that is kept.
    text: Range<usize>,
}

impl Line {
    fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Whitespace that is not text: what surrounds a line or fills a blank one.
/// A byte order mark that the caller did not strip counts too.
fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// Split on `\n`, `\r\n` and a lone `\r`, the line ends of every platform a
/// saved page may come from.
fn split_lines(src: &str) -> Vec<Line> {
    let bytes = src.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    loop {
        let at_end = i == bytes.len();
        if at_end || bytes[i] == b'\n' || bytes[i] == b'\r' {
            let raw = &src[start..i];
            let body = raw.trim_start_matches(is_space);
            let lead = raw.len() - body.len();
            let body = body.trim_end_matches(is_space);
            lines.push(Line {
                line: start..i,
                text: start + lead..start + lead + body.len(),
            });
            if at_end {
                break;
            }
            i += if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            start = i;
        } else {
            i += 1;
        }
    }
    lines
}

/// The runs of non-blank lines, as ranges of line indices.
fn chunks(lines: &[Line]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, line) in lines.iter().enumerate() {
        match (line.is_blank(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..lines.len());
    }
    out
}

/// What a chunk looks like, judged on its own.
#[derive(Debug)]
struct Shape {
    /// Running text: what a heading must be followed by.
    prose: bool,
    /// One line that could be a section heading.
    heading: bool,
    /// One line that could be a title, or the site name above one.
    title: bool,
    /// A numbered section line: "1. Beginnings", "II. The Argument", "Part One".
    section: bool,
    /// Starts like an item of a numbered list: "1." or "1)".
    numbered: bool,
    /// Starts with a list.
    list: bool,
    /// A line of `* * *` or `-----`: a scene break.
    rule: bool,
}

impl Shape {
    fn of<'s>(lines: &[Line], text: &impl Fn(&Line) -> &'s str) -> Shape {
        let first = text(&lines[0]);
        let single = lines.len() == 1;
        let rule = single && is_rule(first);
        let list = list_start(lines, text).is_some_and(|(at, _)| at == 0);
        let heading = single && !rule && is_heading_line(first);
        Shape {
            prose: !rule && !list && !heading,
            heading,
            title: !rule && !list && is_title_line(first),
            section: single && is_section_line(first),
            numbered: number(first).is_some(),
            list,
            rule,
        }
    }
}

/// The top of the article: an optional site name, the title, and a byline.
#[derive(Debug, Default)]
struct Header {
    site: Option<usize>,
    /// The chunk whose first line is the title; the lines under it, if any,
    /// start with the byline.
    title: Option<usize>,
    /// A chunk of its own that starts with the byline.
    byline: Option<usize>,
    /// The line the author is read from.
    author_line: Option<usize>,
}

impl Header {
    fn infer<'s>(
        shapes: &[Shape],
        chunks: &[Range<usize>],
        lines: &[Line],
        text: &impl Fn(&Line) -> &'s str,
    ) -> Header {
        // The byline under a candidate title: the second line of its own
        // chunk, or the first line of the next chunk.
        let byline_of = |c: usize| -> Option<(Option<usize>, usize)> {
            let own = chunks[c].start + 1;
            if chunks[c].len() > 1 {
                return byline(text(&lines[own])).map(|_| (None, own));
            }
            let next = chunks.get(c + 1)?;
            byline(text(&lines[next.start])).map(|_| (Some(c + 1), next.start))
        };
        // A title is one line standing alone, or one line with its byline.
        let titled = |c: usize| -> bool {
            chunks.get(c).is_some_and(|r| {
                shapes[c].title && (r.len() == 1 || byline(text(&lines[r.start + 1])).is_some())
            })
        };
        let header = |site: Option<usize>, title: usize| {
            let (byline, author_line) = match byline_of(title) {
                Some((chunk, line)) => (chunk, Some(line)),
                None => (None, None),
            };
            Header {
                site,
                title: Some(title),
                byline,
                author_line,
            }
        };
        if !titled(0) || chunks.len() == 1 && chunks[0].len() == 1 {
            // A lone line is not a title either: there is nothing for it to
            // stand above.
            return Header::default();
        }
        if chunks[0].len() > 1 || byline_of(0).is_some() {
            return header(None, 0);
        }
        // Two short lines before the article: the first is the site name
        // when the second looks more like a title than it does.
        let first = text(&lines[chunks[0].start]);
        if titled(1) {
            let second = text(&lines[chunks[1].start]);
            let longer = second.chars().count() > first.chars().count();
            if longer || byline_of(1).is_some() || is_site_name(first) {
                return header(Some(0), 1);
            }
        }
        header(None, 0)
    }

    /// The first chunk after the header.
    fn end(&self) -> usize {
        [self.site, self.title, self.byline]
            .into_iter()
            .flatten()
            .max()
            .map_or(0, |c| c + 1)
    }
}

/// How the lines of a paragraph are joined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Join {
    /// Hard wraps: joined by a space.
    Soft,
    /// Lines that mean to be lines, such as a byline over a date.
    Hard,
}

/// Feeds the Markdown builder the events that describe the structure.
struct Emitter<'s> {
    src: &'s str,
    builder: Builder<'s>,
}

impl<'s> Emitter<'s> {
    fn event(&mut self, event: Event<'s>, range: Range<usize>) {
        self.builder.event(event, range);
    }

    fn start(&mut self, tag: Tag<'s>, range: Range<usize>) {
        self.event(Event::Start(tag), range);
    }

    fn end(&mut self, tag: &Tag<'s>, range: Range<usize>) {
        self.event(Event::End(tag.to_end()), range);
    }

    /// A piece of a line. Passed as a slice of the source at its own range,
    /// so the builder maps it exactly; dimmed text goes as inline HTML,
    /// which the builder flags for the theme to dim.
    fn piece(&mut self, range: Range<usize>, dim: bool) {
        let text = CowStr::Borrowed(&self.src[range.clone()]);
        let event = if dim {
            Event::InlineHtml(text)
        } else {
            Event::Text(text)
        };
        self.event(event, range);
    }

    /// The lines of a paragraph or list item, from `first` (the start of the
    /// first line's text, after any list marker). A line break maps to the
    /// offset of the line end it replaces.
    fn lines(&mut self, lines: &[Line], first: usize, join: Join, dim: bool) {
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                let eol = lines[i - 1].line.end;
                let event = match join {
                    Join::Soft => Event::SoftBreak,
                    Join::Hard => Event::HardBreak,
                };
                self.event(event, eol..line.line.start);
            }
            let start = if i == 0 { first } else { line.text.start };
            self.piece(start..line.text.end, dim);
        }
    }

    fn paragraph(&mut self, lines: &[Line], join: Join, dim: bool) {
        let range = span(lines);
        self.start(Tag::Paragraph, range.clone());
        self.lines(lines, range.start, join, dim);
        self.end(&Tag::Paragraph, range);
    }

    fn heading(&mut self, level: HeadingLevel, line: &Line) {
        let tag = Tag::Heading {
            level,
            id: None,
            classes: Vec::new(),
            attrs: Vec::new(),
        };
        self.start(tag.clone(), line.text.clone());
        self.piece(line.text.clone(), false);
        self.end(&tag, line.text.clone());
    }

    fn rule(&mut self, line: &Line) {
        self.event(Event::Rule, line.text.clone());
    }

    /// Running text: a paragraph, or a list, or a paragraph that introduces
    /// a list ("Three things:" over bulleted lines).
    fn body(&mut self, lines: &[Line], dim: bool, text: &impl Fn(&Line) -> &'s str) {
        let Some((at, kind)) = list_start(lines, text) else {
            self.paragraph(lines, Join::Soft, dim);
            return;
        };
        if at > 0 {
            self.paragraph(&lines[..at], Join::Soft, dim);
        }
        let lines = &lines[at..];
        let marker = |l: &Line| kind.marker(text(l));
        let list = Tag::List(match kind {
            ListKind::Bullet => None,
            ListKind::Numbered => number(text(&lines[0])).map(|(n, _)| n),
        });
        let range = span(lines);
        self.start(list.clone(), range.clone());
        let mut i = 0;
        while i < lines.len() {
            // An item runs to the next line with a marker: the lines between
            // are its hard wraps.
            let len = 1 + lines[i + 1..]
                .iter()
                .take_while(|l| marker(l).is_none())
                .count();
            let item = &lines[i..i + len];
            let skip = marker(&item[0]).unwrap_or(0);
            let range = span(item);
            self.start(Tag::Item, range.clone());
            self.lines(item, item[0].text.start + skip, Join::Soft, dim);
            self.end(&Tag::Item, range);
            i += len;
        }
        self.end(&list, range);
    }
}

/// From the start of the first line's text to the end of the last one's.
fn span(lines: &[Line]) -> Range<usize> {
    let start = lines.first().map_or(0, |l| l.text.start);
    let end = lines.last().map_or(start, |l| l.text.end);
    start..end
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListKind {
    Bullet,
    Numbered,
}

impl ListKind {
    /// The length of this kind's marker and the spaces after it.
    fn marker(self, line: &str) -> Option<usize> {
        match self {
            ListKind::Bullet => bullet(line),
            ListKind::Numbered => number(line).map(|(_, len)| len),
        }
    }
}

/// Where a list starts in a chunk, if it has one, and of what kind. A list
/// opens a chunk with a bulleted line or with two numbered ones (a single
/// numbered line is more likely a section line or a sentence). Inside a
/// chunk, it starts with two consecutive marked lines, or with one after a
/// line that ends with a colon; from there it runs to the end of the chunk.
fn list_start<'s>(lines: &[Line], text: &impl Fn(&Line) -> &'s str) -> Option<(usize, ListKind)> {
    let marked = |i: usize, kind: ListKind| lines.get(i).and_then(|l| kind.marker(text(l)));
    for kind in [ListKind::Bullet, ListKind::Numbered] {
        if marked(0, kind).is_some() && (kind == ListKind::Bullet || marked(1, kind).is_some()) {
            return Some((0, kind));
        }
    }
    (1..lines.len()).find_map(|i| {
        [ListKind::Bullet, ListKind::Numbered]
            .into_iter()
            .find(|&kind| {
                marked(i, kind).is_some()
                    && (marked(i + 1, kind).is_some() || text(&lines[i - 1]).ends_with(':'))
            })
            .map(|kind| (i, kind))
    })
}

/// The length of a bullet marker and the spaces after it: `- `, `* `, `• `…
fn bullet(line: &str) -> Option<usize> {
    let c = line.chars().next()?;
    if !matches!(c, '-' | '*' | '+' | '•' | '◦' | '▪' | '‣') {
        return None;
    }
    marker_end(line, c.len_utf8())
}

/// A list number, `12.` or `3)`, and the length of it with the spaces after.
fn number(line: &str) -> Option<(u64, usize)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 9 || !line[digits..].starts_with(['.', ')']) {
        return None;
    }
    let n = line[..digits].parse().ok()?;
    marker_end(line, digits + 1).map(|len| (n, len))
}

/// The end of a marker of `len` bytes when spaces and some text follow it.
fn marker_end(line: &str, len: usize) -> Option<usize> {
    let rest = &line[len..];
    let body = rest.trim_start_matches([' ', '\t']);
    (body.len() < rest.len() && !body.is_empty()).then(|| line.len() - body.len())
}

/// A line of at least three `*`, `-`, `_`, `=`, `~` or `#`, all the same,
/// spaces allowed between them.
fn is_rule(line: &str) -> bool {
    let mut marks = line.chars().filter(|c| !is_space(*c));
    let Some(first) = marks.next() else {
        return false;
    };
    if !matches!(first, '*' | '-' | '_' | '=' | '~' | '#') {
        return false;
    }
    let mut count = 1;
    for c in marks {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

/// Fewer than `n` characters, without counting all of a long line.
fn shorter_than(line: &str, n: usize) -> bool {
    line.chars().nth(n.saturating_sub(1)).is_none()
}

/// The last character that is not a closing quote or bracket: `"Stop."`
/// ends a sentence as much as `Stop.` does.
fn last_significant(line: &str) -> Option<char> {
    line.trim_end_matches(['"', '\'', '”', '’', '»', ')', ']', '*', '_'])
        .chars()
        .next_back()
}

/// A line that could be a title: short, not a sentence, not a list item.
fn is_title_line(line: &str) -> bool {
    shorter_than(line, TITLE_MAX)
        && line.chars().any(char::is_alphanumeric)
        && !matches!(
            last_significant(line),
            Some('.' | '!' | '?' | ':' | ';' | ',' | '…')
        )
        && bullet(line).is_none()
        && !is_section_line(line)
        && !is_rule(line)
}

/// A line that could be a section heading: short, with no full stop or
/// other ending that makes it a sentence or a lead-in (a question may be a
/// heading), not a list item, and not starting in lower case, which is how a
/// stray fragment of a sentence starts.
fn is_heading_line(line: &str) -> bool {
    shorter_than(line, HEADING_MAX)
        && line.chars().any(char::is_alphanumeric)
        && !matches!(
            last_significant(line),
            Some('.' | '!' | ':' | ';' | ',' | '…')
        )
        && bullet(line).is_none()
        && !is_rule(line)
        && !line
            .chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_lowercase)
}

/// A numbered section line: "1. Beginnings", "2.3 Results", "II. The
/// Argument", "Part One", "Chapter 3: The Storm".
fn is_section_line(line: &str) -> bool {
    if number(line).is_some() {
        return true;
    }
    let mut words = line.split_whitespace();
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return false;
    };
    let bare = first.trim_end_matches(['.', ')']);
    let dotted = bare.contains('.')
        && bare
            .split('.')
            .all(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let roman = bare.len() < first.len() && is_roman(bare);
    let named = ["part", "chapter", "section", "book", "act"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
        && {
            let n = second.trim_end_matches([':', '.', ',']);
            (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
                || is_roman(n)
                || NUMBER_WORDS.iter().any(|w| n.eq_ignore_ascii_case(w))
        };
    dotted || roman || named
}

const NUMBER_WORDS: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "last",
];

/// An upper-case Roman numeral. A single letter counts only for I, V and X,
/// so that an initial such as "C. S. Lewis" is not a section number.
fn is_roman(s: &str) -> bool {
    (1..=7).contains(&s.len())
        && s.bytes().all(|b| b"IVXLCDM".contains(&b))
        && (s.len() > 1 || matches!(s, "I" | "V" | "X"))
}

/// A site name such as "example.com" or "www.example.org".
fn is_site_name(line: &str) -> bool {
    !line.contains(char::is_whitespace)
        && line.rsplit_once('.').is_some_and(|(host, tld)| {
            !host.is_empty()
                && (2..=6).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// The author named by a byline such as "By Jane Doe" or "by Jane Doe,
/// Reuters | March 3, 2026": the part before any `|`, `·` or dash.
/// A sentence that happens to start with "By" is told apart by its words:
/// a name's words are capitalised, apart from particles like "van" or "and".
fn byline(line: &str) -> Option<String> {
    if !shorter_than(line, TITLE_MAX) || matches!(last_significant(line), Some('?' | '!' | ':')) {
        return None;
    }
    let mut words = line.splitn(2, char::is_whitespace);
    let mut first = words.next()?;
    let mut rest = words.next()?.trim_start();
    if ["written", "posted", "words", "story"]
        .iter()
        .any(|w| first.eq_ignore_ascii_case(w))
    {
        let mut more = rest.splitn(2, char::is_whitespace);
        first = more.next()?;
        rest = more.next()?.trim_start();
    }
    if !first.eq_ignore_ascii_case("by") {
        return None;
    }
    let name = [" | ", " · ", " — ", " – ", " - ", " / "]
        .iter()
        .filter_map(|sep| rest.find(sep))
        .min()
        .map_or(rest, |i| &rest[..i]);
    let name = name.trim().trim_end_matches([',', ';']).trim_end();
    let particles = [
        "and", "&", "van", "von", "der", "den", "de", "da", "di", "du", "del", "la", "le", "bin",
        "al", "el", "y",
    ];
    let capitalised = |w: &str| {
        w.chars()
            .find(|c| c.is_alphabetic())
            .is_some_and(|c| !c.is_lowercase())
            || particles.contains(&w)
    };
    let before_comma = name.split(',').next().unwrap_or("");
    let first_is_name = before_comma
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase());
    if !first_is_name || !before_comma.split_whitespace().all(capitalised) {
        return None;
    }
    let clean = sanitize(name)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!clean.is_empty()).then_some(clean)
}

/// The first line of trailing page furniture: a comment form, share
/// buttons, related links, a newsletter box.
fn is_boilerplate(line: &str) -> bool {
    if !shorter_than(line, BOILERPLATE_MAX) {
        return false;
    }
    let lower = line
        .trim_end_matches(|c: char| c == ':' || c == '.' || is_space(c))
        .to_lowercase();
    // "3 Comments", "12 thoughts on “The Title”".
    let counted = lower.trim_start_matches(|c: char| c.is_ascii_digit());
    if counted.len() < lower.len() {
        let counted = counted.trim_start();
        return [
            "comment",
            "response",
            "repl",
            "thoughts on ",
            "responses to ",
        ]
        .iter()
        .any(|p| counted.starts_with(p));
    }
    const EXACT: &[&str] = &[
        "comments",
        "you may also like",
        "you might also like",
        "post navigation",
        "like this",
        "join the discussion",
        "post a comment",
        "add a comment",
    ];
    // WordPress runs "Leave a Reply Cancel reply" together on one line.
    const PREFIX: &[&str] = &[
        "leave a reply",
        "leave a comment",
        "share this",
        "related posts",
        "related articles",
        "related stories",
        "subscribe to our newsletter",
        "sign up for our newsletter",
    ];
    EXACT.contains(&lower.as_str()) || PREFIX.iter().any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BlockKind, ContainerKind, Flags, block_spans};

    /// Each block's text as it reads: a line end kept in a paragraph's
    /// text (a soft break) reads as a space.
    fn texts(doc: &Document) -> Vec<String> {
        doc.blocks
            .iter()
            .map(|b| {
                block_spans(&b.kind)
                    .map(|s| s.shown(&doc.text).into_owned())
                    .collect()
            })
            .collect()
    }

    fn kinds(doc: &Document) -> Vec<&'static str> {
        doc.blocks
            .iter()
            .map(|b| match (&b.kind, b.container) {
                (BlockKind::Heading { level: 1, .. }, _) => "h1",
                (BlockKind::Heading { .. }, _) => "h2",
                (BlockKind::Paragraph { .. }, Some(_)) => "item",
                (BlockKind::Paragraph { .. }, None) => "p",
                (BlockKind::Rule, _) => "rule",
                _ => "other",
            })
            .collect()
    }

    fn dimmed(doc: &Document, block: usize) -> bool {
        block_spans(&doc.blocks[block].kind)
            .filter(|s| s.text(&doc.text).trim() != "")
            .all(|s| s.flags.contains(Flags::HTML))
    }

    const PARA: &str = "This paragraph is long enough to be running text, and it\nis hard-wrapped the way a saved page is.";

    #[test]
    fn lines_split_on_every_line_end() {
        let src = "a\r\nb\rc\n\n  d\t \n";
        let lines = split_lines(src);
        let t: Vec<&str> = lines.iter().map(|l| &src[l.text.clone()]).collect();
        assert_eq!(t, ["a", "b", "c", "", "d", ""]);
        assert_eq!(lines[1].line, 3..4);
    }

    #[test]
    fn hard_wraps_are_joined_with_a_space_at_the_line_end() {
        let src = "one two\r\nthree\rfour\n";
        let doc = parse_text(src);
        assert_eq!(texts(&doc), ["one two three four"]);
        let spans: Vec<_> = block_spans(&doc.blocks[0].kind).collect();
        assert_eq!(spans.len(), 5);
        assert_eq!((spans[1].text(src), spans[1].source), (" ", 7));
        assert!(!spans[1].exact());
        assert_eq!((spans[3].text(src), spans[3].source), (" ", 14));
        assert!(spans.iter().filter(|s| s.exact()).count() >= 3);
        for s in spans.iter().filter(|s| s.exact()) {
            assert_eq!(&src[s.source..s.source + s.len()], s.text(&doc.text));
        }
    }

    #[test]
    fn title_alone_then_byline() {
        let src = format!("A Quiet Harbour\n\nBy Jane Doe, Reuters\n\n{PARA}\n");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
        assert_eq!(doc.meta.title.as_deref(), Some("A Quiet Harbour"));
        assert_eq!(doc.meta.author.as_deref(), Some("Jane Doe, Reuters"));
        assert_eq!(texts(&doc)[1], "By Jane Doe, Reuters");
        assert_eq!(doc.headings[0].slug, "a-quiet-harbour");
    }

    #[test]
    fn byline_right_under_the_title_keeps_its_lines() {
        let src = format!("A Quiet Harbour\nby Jane Doe | Reuters\nMarch 3, 2026\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
        assert_eq!(doc.meta.author.as_deref(), Some("Jane Doe"));
        assert_eq!(texts(&doc)[1], "by Jane Doe | Reuters\nMarch 3, 2026");
    }

    #[test]
    fn a_sentence_starting_with_by_is_not_a_byline() {
        assert_eq!(byline("By Jane Doe"), Some("Jane Doe".into()));
        assert_eq!(
            byline("Written by Ana de la Cruz"),
            Some("Ana de la Cruz".into())
        );
        assert_eq!(byline("by the way"), None);
        assert_eq!(byline("By Tuesday everything had changed"), None);
        assert_eq!(byline("Bygones"), None);
    }

    #[test]
    fn site_name_before_the_title_is_dimmed() {
        let src = format!("example.com\n\nHarbour Bridge to Close\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h1", "p"]);
        assert!(dimmed(&doc, 0));
        assert_eq!(doc.meta.title.as_deref(), Some("Harbour Bridge to Close"));
        // The longer second line wins even without a dot in the first.
        let src = format!("The Daily Example\n\nCouncil Votes to Rebuild the Bridge\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "h1", "p"]);
        // A shorter second line is not the title: it stays a paragraph.
        let src = format!("A Long Title About Harbours\n\nJane Doe\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p"]);
    }

    #[test]
    fn no_title_when_the_text_starts_with_prose() {
        let doc = parse_text(&format!("{PARA}\n\nShort Line\n\n{PARA}"));
        assert_eq!(doc.meta.title, None);
        assert_eq!(kinds(&doc), ["p", "h2", "p"]);
        assert_eq!(parse_text("Just a line").meta.title, None);
        assert_eq!(parse_text("I went home.\n\nThen slept.").meta.title, None);
    }

    #[test]
    fn headings_need_prose_around_them() {
        // Followed by another short line, by a list, or by nothing: no heading.
        let src = format!("{PARA}\n\nOne\n\nTwo\n\n- a\n- b\n\nThree");
        let doc = parse_text(&src);
        assert!(doc.headings.is_empty(), "{:?}", doc.headings);
        // A short sentence with a full stop is a paragraph.
        let src = format!("{PARA}\n\nThat was all.\n\n{PARA}");
        assert!(parse_text(&src).headings.is_empty());
        // Lower case first: a fragment, not a heading.
        let src = format!("{PARA}\n\nand then some\n\n{PARA}");
        assert!(parse_text(&src).headings.is_empty());
        // A question may be a heading.
        let src = format!("{PARA}\n\nWhat Went Wrong?\n\n{PARA}");
        assert_eq!(parse_text(&src).headings[0].slug, "what-went-wrong");
    }

    #[test]
    fn a_dateline_before_the_article_is_not_a_heading() {
        let src = format!("The Title\n\nBy Ann Lee\n\nMarch 3, 2026\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "p", "p", "p"]);
    }

    #[test]
    fn numbered_section_lines() {
        for line in [
            "1. Beginnings",
            "2.3 Results",
            "II. The Argument",
            "Part One",
            "Chapter 3: The Storm",
        ] {
            assert!(is_section_line(line), "{line}");
        }
        for line in ["C. S. Lewis", "Part of it", "12", "2024 in review"] {
            assert!(!is_section_line(line), "{line}");
        }
        let src = format!("On Walking\n\n1. Beginnings\n\n{PARA}\n\nII. The Argument\n\n{PARA}");
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["h1", "h2", "p", "h2", "p"]);
        assert_eq!(doc.headings[1].slug, "1-beginnings");
    }

    #[test]
    fn numbered_lines_spaced_out_are_not_headings() {
        let src = format!("{PARA}\n\n1. Apples\n\n2. Pears\n\n{PARA}");
        let doc = parse_text(&src);
        assert!(doc.headings.is_empty(), "{:?}", doc.headings);
    }

    #[test]
    fn lists() {
        let src = "Three things:\n- one\n- two that wraps\n  onto a second line\n* three\n\n1. first\n2) second\n";
        let doc = parse_text(src);
        assert_eq!(kinds(&doc), ["p", "item", "item", "item", "item", "item"]);
        assert_eq!(
            texts(&doc),
            [
                "Three things:",
                "one",
                "two that wraps onto a second line",
                "three",
                "first",
                "second"
            ]
        );
        let markers: Vec<&str> = doc
            .containers
            .iter()
            .map(|c| match &c.kind {
                ContainerKind::Item { marker, .. } => marker.as_str(),
                ContainerKind::Quote => "quote",
            })
            .collect();
        assert_eq!(markers, ["•", "•", "•", "1.", "2."]);
        // Tight inside a chunk, a blank line between the two lists.
        let space: Vec<u8> = doc.blocks.iter().map(|b| b.space_before).collect();
        assert_eq!(space, [0, 1, 0, 0, 1, 0]);
    }

    #[test]
    fn a_wrapped_dash_inside_a_paragraph_is_not_a_list() {
        let doc = parse_text("It was late\n- too late - and cold.\nWe left.");
        assert_eq!(kinds(&doc), ["p"]);
    }

    #[test]
    fn scene_breaks_are_rules() {
        let doc = parse_text(&format!("{PARA}\n\n* * *\n\n{PARA}"));
        assert_eq!(kinds(&doc), ["p", "rule", "p"]);
    }

    #[test]
    fn trailing_boilerplate_is_dimmed_not_dropped() {
        let src = format!(
            "{PARA}\n\n{PARA}\n\nLeave a Reply Cancel reply\n\nYour email address will not be published.\n\nName *\n\nPost Comment\n"
        );
        let doc = parse_text(&src);
        assert_eq!(kinds(&doc), ["p", "p", "p", "p", "p", "p"]);
        assert!(!dimmed(&doc, 1));
        assert!((2..6).all(|b| dimmed(&doc, b)));
        assert!(doc.headings.is_empty());
        assert_eq!(texts(&doc)[2], "Leave a Reply Cancel reply");
    }

    #[test]
    fn comments_early_in_the_text_are_not_boilerplate() {
        let src = format!("{PARA}\n\nComments\n\n{PARA}\n\n{PARA}\n\n{PARA}");
        let doc = parse_text(&src);
        assert!(!(0..doc.blocks.len()).any(|b| dimmed(&doc, b)));
        assert_eq!(doc.headings[0].text, "Comments");
    }

    #[test]
    fn boilerplate_phrases() {
        for line in [
            "Leave a Reply",
            "3 Comments",
            "Share this:",
            "Related posts",
            "12 thoughts on “X”",
            "Subscribe to our newsletter",
        ] {
            assert!(is_boilerplate(line), "{line}");
        }
        for line in [
            "Related",
            "Comments are welcome here, and we read them all",
            "Sharing",
        ] {
            assert!(!is_boilerplate(line), "{line}");
        }
    }

    #[test]
    fn control_characters_become_stand_ins() {
        let src = "Title \u{1b}[2J\n\nA line \u{202e}with\u{7}controls\u{0c}in it, long enough.\n";
        let doc = parse_text(src);
        for t in texts(&doc) {
            assert!(
                !t.chars().any(|c| super::super::stand_in(c).is_some()),
                "{t:?}"
            );
        }
        assert_eq!(doc.meta.title.as_deref(), Some("Title ␛[2J"));
    }

    #[test]
    fn leading_bom_tabs_and_whitespace_only_lines() {
        let src = "\u{feff}The Title\n \t \n\tIndented\tprose that runs on,\n\tand on.\n";
        let doc = parse_text(src);
        assert_eq!(doc.meta.title.as_deref(), Some("The Title"));
        assert_eq!(texts(&doc)[1], "Indented\tprose that runs on, and on.");
    }

    #[test]
    fn duplicate_headings_get_unique_slugs_and_words_add_up() {
        let src = format!("Title\n\n{PARA}\n\nNotes\n\n{PARA}\n\nNotes\n\n{PARA}");
        let doc = parse_text(&src);
        let slugs: Vec<&str> = doc.headings.iter().map(|h| h.slug.as_str()).collect();
        assert_eq!(slugs, ["title", "notes", "notes-1"]);
        assert_eq!(doc.words, doc.blocks.iter().map(|b| b.words).sum::<usize>());
        assert_eq!(doc.words_before_block.len(), doc.blocks.len());
        assert_eq!(doc.fingerprint, super::super::fingerprint(&src));
        assert_eq!(doc.source_len, src.len());
    }

    #[test]
    fn empty_and_blank_input() {
        for src in ["", "\n", "\r\n\r\n", " \t "] {
            let doc = parse_text(src);
            assert!(doc.blocks.is_empty(), "{src:?}");
            assert_eq!(doc.words, 0);
        }
    }
}
