//! A window of a long article, parsed on its own so that the first screen
//! of a 10 MB file shows in milliseconds while the whole is parsed on a
//! thread (issue 7).
//!
//! A window starts and ends where a block surely starts: a line at column 0
//! after a blank line, outside fenced code, front matter and the HTML blocks
//! that may hold blank lines. The blocks inside are then the same as in the
//! whole parse, except what needs the rest of the file: reference links and
//! footnotes defined elsewhere, footnote numbers, and the slugs of repeated
//! headings. Those are right once the whole parse lands. Every offset is
//! into the whole source, so positions mean the same in both.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use super::long_table::{Known, Measured, Reading};
use super::{LabelList, Numbered};
use crate::document::{Document, TABLE_PART_ROWS};

mod far;
mod headings;
pub use far::{far_window, parse_far, sparse, whole_lines};
pub use headings::FoundHeading;

/// The HTML elements that stay open past the end of their HTML block, to
/// their end tag (see `parse::html`): a block start inside one is none,
/// since a piece that began there would not know it is inside.
pub(crate) const KEPT: [&str; 5] = ["div", "p", "center", "details", "blockquote"];

/// Articles at least this long open on a window first.
pub const PROGRESSIVE_MIN: usize = 256 * 1024;
/// Source bytes a window keeps before and after the place it is for.
const BEFORE: usize = 16 * 1024;
const AFTER: usize = 96 * 1024;
/// How far past the wanted edge a block start is looked for before the
/// window is cut inside a paragraph instead (a very long line).
const SLACK: usize = 64 * 1024;
/// How far back the start of a long fence or HTML block that holds the
/// wanted edge is looked for before the window is cut inside it.
const REACH: usize = 512 * 1024;

/// The part of `text` a window around byte `at` parses.
pub fn window_around(text: &str, at: usize) -> Range<usize> {
    window_among(
        text,
        at,
        (BEFORE, AFTER),
        |from, to| block_starts(text, from, to),
        |_| None,
    )
    .range
}

/// Where a window of a text is cut: the part it parses, and the line
/// that opens a fence or HTML block the part starts inside of, too far
/// back to be parsed with it (see `REACH`). That line is parsed before
/// the part (`parse_range`), so that the part's lines read as the
/// block's, as in the whole.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Stretch {
    range: Range<usize>,
    reopen: Option<usize>,
}

impl From<Range<usize>> for Stretch {
    fn from(range: Range<usize>) -> Stretch {
        Stretch {
            range,
            reopen: None,
        }
    }
}

/// `window_around`, keeping `(before, after)` bytes around `at`, with the
/// block starts between two offsets given by `starts_between`, and the
/// last block start before an offset by `last_start` (`None` when not
/// known).
fn window_among(
    text: &str,
    at: usize,
    (before, after): (usize, usize),
    mut starts_between: impl FnMut(usize, usize) -> Vec<usize>,
    last_start: impl FnOnce(usize) -> Option<usize>,
) -> Stretch {
    let at = at.min(text.len());
    let want_start = at.saturating_sub(before);
    let want_end = at.saturating_add(after).min(text.len());
    let starts = starts_between(want_start.saturating_sub(SLACK), want_end + SLACK);
    let mut reopen = None;
    let start = if want_start == 0 {
        0
    } else {
        starts
            .iter()
            .rev()
            .find(|&&s| s <= want_start)
            .copied()
            .or_else(|| {
                // Deep inside a long block: a fence or HTML, whose lines
                // would read as prose in a window that starts among them,
                // starts the window when it is not too far back.
                starts_between(want_start.saturating_sub(REACH), want_start)
                    .last()
                    .copied()
                    .filter(|&s| opens_verbatim(text, s))
            })
            .or_else(|| {
                // Farther back, the window starts on a line of the block,
                // which is opened again before it.
                let opens = last_start(want_start).filter(|&s| opens_verbatim(text, s))?;
                let line = text[..want_start].rfind('\n').map_or(0, |n| n + 1);
                let opener_end = text[opens..]
                    .find('\n')
                    .map_or(text.len(), |n| opens + n + 1);
                (line >= opener_end).then(|| {
                    reopen = Some(opens);
                    line
                })
            })
            .unwrap_or_else(|| cut_in_text(text, want_start, false))
    };
    let end = if want_end >= text.len() {
        text.len()
    } else {
        starts
            .iter()
            .find(|&&s| s >= want_end)
            .copied()
            .unwrap_or_else(|| cut_in_text(text, want_end, true))
    };
    Stretch {
        range: start..end.max(start),
        reopen,
    }
}

/// Block starts in `text` between `from` and `to` (byte offsets of line
/// starts), found by one pass over the lines from the start of the file
/// that keeps track of fences, front matter and multi-line HTML.
pub(crate) fn block_starts(text: &str, from: usize, to: usize) -> Vec<usize> {
    scan(text, true, from, to, &mut Vec::new(), &mut Vec::new()).0
}

/// Where the head of an article can be cut for its first screen: the
/// first block start (see `block_starts`) at or after byte `want`, when
/// nothing after it can change a block before it. The blocks of
/// `text[..cut]` are then those of `text` before `cut`, at the same
/// offsets and with the same text. What the rest could still change is a
/// link definition (then no cut), the definition of a note referred to
/// before the cut (then no cut either; notes referred to only after it
/// are numbered after those before it), and the title when none is found
/// before the cut (the caller's to check). `text.len()` when it cannot be
/// cut after `want`.
pub fn head_cut(text: &str, want: usize) -> usize {
    if want >= text.len() {
        return text.len();
    }
    let Some(&cut) = block_starts(text, want, text.len()).first() else {
        return text.len();
    };
    let (before, rest) = text.split_at(cut);
    if may_define_references(rest) {
        return text.len();
    }
    // Every `]:` of the rest closes the label of a note's definition
    // (`may_define_references`). Labels are compared as the parser does,
    // but for case and spaces: a label with either keeps the head whole.
    let lower = before.to_ascii_lowercase();
    let referred = memchr::memmem::find_iter(rest.as_bytes(), b"]:").any(|at| {
        let line = rest[..at].rfind('\n').map_or(0, |n| n + 1);
        let label = rest[line..at]
            .trim_start_matches([' ', '\t', '>'])
            .strip_prefix("[^")
            .unwrap_or_default();
        !label.bytes().all(|b| b.is_ascii_graphic())
            || label.bytes().any(|b| b.is_ascii_uppercase())
            || lower.contains(&format!("[^{label}]"))
    });
    if referred {
        return text.len();
    }
    cut
}

/// What one scan of a whole text finds (see `scan`).
struct Scanned {
    starts: Vec<usize>,
    closed: Vec<usize>,
    outside: Vec<u32>,
}

impl Scanned {
    fn of(text: &str) -> Scanned {
        let mut closed = Vec::new();
        let mut outside = Vec::new();
        let (starts, _) = scan(text, true, 0, text.len(), &mut closed, &mut outside);
        // A line start for most lines of the text, kept while the index
        // is: not the room doubling left.
        outside.shrink_to_fit();
        Scanned {
            starts,
            closed,
            outside,
        }
    }
}

/// What is still open at the end of a scanned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Open {
    Nothing,
    /// A fence of this character and length.
    Fence(u8, usize),
    /// An HTML comment or block of CommonMark's kinds 1 to 5, or front
    /// matter, that is not closed.
    Other,
}

/// `block_starts`, also noting in `after_close` the lines that follow the
/// end of a fence or of an HTML block (where a paragraph may start without
/// a blank line before it), and in `outside` every line that is not in a
/// fence, an HTML block or front matter.
fn scan(
    text: &str,
    at_start: bool,
    from: usize,
    to: usize,
    after_close: &mut Vec<usize>,
    outside: &mut Vec<u32>,
) -> (Vec<usize>, Open) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    let mut prev_blank = true;
    let mut fence: Option<(u8, usize)> = None;
    let mut html_end: Option<&'static [u8]> = None;
    let mut html_to_blank = false;
    // How many of each of the `KEPT` elements are open.
    let mut kept = [0usize; KEPT.len()];
    // What the line before left open, for a line of only whitespace with a
    // form feed or vertical tab in it: that continues an open paragraph,
    // as pulldown-cmark reads it, and is a blank line anywhere else.
    let mut para = Para::Closed;
    // Front matter, as the parser reads it: only at the start of the file.
    let front_end = at_start
        .then(|| super::front_matter(text))
        .flatten()
        .map(|(_, block, _)| block.end);
    let mut front = front_end.map(|_| ());
    // The line before was a footnote definition of one line that starts
    // a block: the next such definition starts one too, without a blank
    // line between (a definition interrupts the paragraph of the one
    // before). Long notes sections are runs of them, and pieces can be
    // cut between them.
    let mut after_note = false;
    let mut lines = 0u32;
    while at < bytes.len() && at <= to {
        lines = lines.wrapping_add(1);
        if lines.is_multiple_of(1024) {
            super::pause::stand_aside();
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = &bytes[at..end];
        let blank = line
            .iter()
            .all(|&b| matches!(b, b' ' | b'\t' | b'\r' | 0x0b | 0x0c))
            && !(matches!(para, Para::First | Para::Open)
                && line.iter().any(|&b| matches!(b, 0x0b | 0x0c)));
        let was = std::mem::replace(&mut para, Para::Closed);
        let note_before = std::mem::replace(&mut after_note, false);
        if front.is_some() {
            if front_end.is_some_and(|e| end + 1 >= e) {
                front = None;
                prev_blank = true;
                at = end + 1;
                continue;
            }
        } else if let Some((c, n)) = fence {
            // A fence in a quote is closed by a quoted line.
            let line = strip_quotes(line);
            let indent = line.iter().take_while(|&&b| b == b' ').count();
            let run = line[indent.min(line.len())..]
                .iter()
                .take_while(|&&b| b == c)
                .count();
            if indent < 4 && run >= n && line[indent + run..].iter().all(u8::is_ascii_whitespace) {
                fence = None;
                after_close.push(end + 1);
            }
        } else if let Some(close) = html_end {
            if close != b"-->" {
                count_kept(line, &mut kept);
            }
            if contains_ci(line, close) {
                html_end = None;
                after_close.push(end + 1);
            }
        } else if html_to_blank {
            // An HTML block of CommonMark's kinds 6 and 7 runs to a blank
            // line; what looks like a fence inside it is not one.
            html_to_blank = !blank;
            count_kept(line, &mut kept);
        } else {
            // An article is at most 1 GiB (see `load`).
            outside.push(u32::try_from(at).unwrap_or(u32::MAX));
            // Most lines are prose that opens with a letter: nothing below
            // can find a note, a container, a fence, an HTML block or the
            // end of a paragraph on them.
            if line.first().is_some_and(u8::is_ascii_alphabetic) {
                if prev_blank && at >= from && kept.iter().all(|&n| n == 0) {
                    out.push(at);
                }
                para = match was {
                    Para::Table => Para::Table,
                    Para::Closed => Para::First,
                    Para::First | Para::Open => Para::Open,
                };
                count_kept(line, &mut kept);
                prev_blank = false;
                at = end + 1;
                continue;
            }
            let note = one_line_note(line);
            if ((prev_blank
                && !blank
                && line[0] != b' '
                && line[0] != b'\t'
                && !opens_container(line))
                || (note_before && note))
                && at >= from
                && kept.iter().all(|&n| n == 0)
            {
                out.push(at);
            }
            after_note = note && (prev_blank || note_before);
            // A fence may open on the line of a list marker or a quote.
            let inner = strip_containers(line);
            fence = fence_open(inner);
            if fence.is_none() {
                html_end = html_open(line);
                if html_end.is_some_and(|close| contains_ci(line, close)) {
                    html_end = None;
                    after_close.push(end + 1);
                }
            }
            if fence.is_none() && html_end.is_none() && html_open(line).is_none() {
                html_to_blank = html_block_to_blank(line, was == Para::Closed);
            }
            if !blank && fence.is_none() && html_end.is_none() && !html_to_blank {
                para = paragraph_after(inner, was);
            }
            if fence.is_none() && html_end != Some(b"-->") {
                count_kept(line, &mut kept);
            }
        }
        prev_blank = blank;
        at = end + 1;
    }
    // An HTML block that runs to a blank line is closed by the blank line
    // that starts what is appended.
    let _ = html_to_blank;
    let open = match (fence, html_end, front) {
        (Some((c, n)), ..) => Open::Fence(c, n),
        (None, None, None) => Open::Nothing,
        _ => Open::Other,
    };
    (out, open)
}

/// Add the start and end tags of the `KEPT` elements on a line to how
/// many of each are open: outside code spans and comments, as the parser
/// sees them, and an end tag with none open is dropped, as the parser
/// drops it. Tags it cannot tell (a comment over several lines, code
/// indented under a paragraph) count as well: that only cuts a long
/// article into fewer pieces.
fn count_kept(line: &[u8], kept: &mut [usize; KEPT.len()]) {
    let mut code = false;
    let mut i = 0;
    // Only backticks and tags count: the bytes between are skipped.
    while let Some(next) = memchr::memchr2(b'`', b'<', &line[i..]) {
        i += next;
        match line[i] {
            b'`' => code = !code,
            b'<' if !code && line[i..].starts_with(b"<!--") => {
                match memchr::memmem::find(&line[i..], b"-->") {
                    Some(n) => i += n + 2,
                    None => return,
                }
            }
            b'<' if !code => {
                let close = line.get(i + 1) == Some(&b'/');
                let name = i + 1 + usize::from(close);
                for (k, tag) in KEPT.iter().enumerate() {
                    let end = name + tag.len();
                    let is = line
                        .get(name..end)
                        .is_some_and(|n| n.eq_ignore_ascii_case(tag.as_bytes()))
                        && line
                            .get(end)
                            .is_none_or(|&b| !b.is_ascii_alphanumeric() && b != b'-');
                    if is {
                        kept[k] = if close {
                            kept[k].saturating_sub(1)
                        } else {
                            kept[k] + 1
                        };
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether `line` is a footnote definition at column 0 whose text is
/// plain words on that line: `[^label]: text`, not opening code or HTML.
fn one_line_note(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"[^") else {
        return false;
    };
    let Some(close) = rest.iter().position(|&b| b == b']') else {
        return false;
    };
    let label = &rest[..close];
    let Some(text) = rest[close + 1..].strip_prefix(b":") else {
        return false;
    };
    let text = text.trim_ascii();
    !label.is_empty()
        && !label.iter().any(|&b| matches!(b, b'[' | b'\\' | b'\t'))
        && !text.is_empty()
        && !text.starts_with(b"```")
        && !text.starts_with(b"~~~")
        && !text.starts_with(b"<")
        && !text.starts_with(b">")
        && !matches!(text[0], b'-' | b'*' | b'+' | b'#' | b'|' | b'0'..=b'9')
}

/// Whether a paragraph is open after a line, for a line of only spaces,
/// tabs, form feeds and vertical tabs after it: pulldown-cmark takes that
/// for a blank line, except after a line of a paragraph, which it goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Para {
    Closed,
    /// A paragraph began on this line: a table's delimiter row may follow.
    First,
    Open,
    /// The rows of a table, which such a line ends.
    Table,
}

/// What is open after a line that is not blank and opens no fence or HTML
/// block, `inner` being the line without its quote marks and list
/// markers, when `before` was open before it.
fn paragraph_after(inner: &[u8], before: Para) -> Para {
    let indent = inner
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let rest = &inner[indent..];
    let open = matches!(before, Para::First | Para::Open);
    if rest.iter().all(|b| b.is_ascii_whitespace() || *b == 0x0b) {
        // A form feed or vertical tab goes on with an open paragraph; only
        // container marks are an empty item or a quote's blank line.
        let goes_on = open && rest.iter().any(|&b| matches!(b, 0x0b | 0x0c));
        return if goes_on { Para::Open } else { Para::Closed };
    }
    if !open && (indent >= 4 || inner.first() == Some(&b'\t')) {
        return if before == Para::Table {
            Para::Table
        } else {
            // Indented code.
            Para::Closed
        };
    }
    if indent < 4 {
        let first = rest[0];
        let run = rest.iter().take_while(|&&b| b == first).count();
        let only = |b: &[u8]| b.iter().all(u8::is_ascii_whitespace);
        // An ATX heading.
        if first == b'#' && run <= 6 && rest.get(run).is_none_or(|b| b.is_ascii_whitespace()) {
            return Para::Closed;
        }
        // A setext underline, which makes the paragraph a heading.
        if open && matches!(first, b'=' | b'-') && only(&rest[run..]) {
            return Para::Closed;
        }
        // A thematic break.
        if matches!(first, b'*' | b'-' | b'_') {
            let marks = rest.iter().filter(|&&b| b == first).count();
            if marks >= 3 && rest.iter().all(|&b| b == first || b == b' ' || b == b'\t') {
                return Para::Closed;
            }
        }
        // A table's delimiter row under the paragraph's first line.
        if before == Para::First
            && rest.contains(&b'-')
            && (rest.contains(&b'|') || rest.contains(&b':'))
            && rest.iter().all(|b| b"|-: \t\r".contains(b))
        {
            return Para::Table;
        }
    }
    match before {
        Para::Table => Para::Table,
        Para::Closed => Para::First,
        Para::First | Para::Open => Para::Open,
    }
}

/// Whether a line starts a list item or a block quote. Those are not cut
/// at: whether a list is tight depends on all of its items, so a list (and
/// a quote, which may hold one) is parsed whole.
fn opens_container(line: &[u8]) -> bool {
    let after = |i: usize| line.get(i).is_none_or(|b| *b == b' ' || *b == b'\t');
    match line.first() {
        Some(b'>') => true,
        Some(b'-' | b'*' | b'+') => after(1),
        Some(b'0'..=b'9') => {
            let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
            digits <= 9 && matches!(line.get(digits), Some(b'.' | b')')) && after(digits + 1)
        }
        _ => false,
    }
}

/// `line` without the `>` of the quotes it is in.
fn strip_quotes(mut line: &[u8]) -> &[u8] {
    loop {
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        match line.get(indent) {
            Some(b'>') if indent < 4 => {
                line = &line[indent + 1..];
                if line.first() == Some(&b' ') {
                    line = &line[1..];
                }
            }
            _ => return line,
        }
    }
}

/// `line` without the quote marks and list markers it starts with.
fn strip_containers(mut line: &[u8]) -> &[u8] {
    loop {
        let before = line.len();
        line = strip_quotes(line);
        let indent = line.iter().take_while(|&&b| b == b' ').count();
        if indent < 4 && opens_container(&line[indent..]) {
            let rest = &line[indent..];
            let marker = rest.iter().take_while(|b| !b.is_ascii_whitespace()).count();
            line = &rest[marker..];
            let spaces = line.iter().take_while(|&&b| b == b' ').count();
            line = &line[spaces.min(4)..];
        }
        if line.len() == before {
            return line;
        }
    }
}

/// The fence character and length a line opens, if it opens one.
fn fence_open(line: &[u8]) -> Option<(u8, usize)> {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = *rest.first()?;
    if c != b'`' && c != b'~' {
        return None;
    }
    let n = rest.iter().take_while(|&&b| b == c).count();
    // A backtick fence's info string has no backtick.
    (n >= 3 && !(c == b'`' && rest[n..].contains(&b'`'))).then_some((c, n))
}

/// The end marker of an HTML block that may hold blank lines (CommonMark
/// kinds 1 to 5), when `line` starts one.
fn html_open(line: &[u8]) -> Option<&'static [u8]> {
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
    if starts(b"<!--") {
        return Some(b"-->");
    }
    for (open, close) in [
        (&b"<pre"[..], &b"</pre>"[..]),
        (b"<script", b"</script>"),
        (b"<style", b"</style>"),
        (b"<textarea", b"</textarea>"),
    ] {
        if starts(open)
            && rest
                .get(open.len())
                .is_none_or(|b| b.is_ascii_whitespace() || *b == b'>')
        {
            return Some(close);
        }
    }
    if starts(b"<?") {
        return Some(b"?>");
    }
    if starts(b"<![CDATA[") {
        return Some(b"]]>");
    }
    // Kind 4: `<!` and a letter (a declaration such as `<!DOCTYPE`).
    if starts(b"<!") && rest.get(2).is_some_and(u8::is_ascii_alphabetic) {
        return Some(b">");
    }
    None
}

/// Whether `line` starts an HTML block that ends at a blank line:
/// CommonMark's kind 6 (a block-level tag, which may interrupt a
/// paragraph) or kind 7 (any tag alone on its line, only after a blank
/// line).
fn html_block_to_blank(line: &[u8], after_blank: bool) -> bool {
    const BLOCK_TAGS: &[&str] = &[
        "address",
        "article",
        "aside",
        "base",
        "basefont",
        "blockquote",
        "body",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "frame",
        "frameset",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "iframe",
        "legend",
        "li",
        "link",
        "main",
        "menu",
        "menuitem",
        "nav",
        "noframes",
        "ol",
        "optgroup",
        "option",
        "p",
        "param",
        "search",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "track",
        "ul",
    ];
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    if indent > 3 {
        return false;
    }
    let Some(rest) = line[indent..].strip_prefix(b"<") else {
        return false;
    };
    let rest = rest.strip_prefix(b"/").unwrap_or(rest);
    let name_len = tag_name(rest);
    if name_len == 0 {
        return false;
    }
    let name = &rest[..name_len];
    let after = rest.get(name_len);
    let block = BLOCK_TAGS
        .iter()
        .any(|t| t.as_bytes().eq_ignore_ascii_case(name))
        && after.is_none_or(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/');
    // Kind 7: one whole tag and nothing after it on the line.
    let alone = after_blank && whole_tag_line(&line[indent..]);
    block || alone
}

/// The length of the tag name `rest` starts with (a letter, then letters,
/// digits and `-`), 0 when there is none.
fn tag_name(rest: &[u8]) -> usize {
    if !rest.first().is_some_and(u8::is_ascii_alphabetic) {
        return 0;
    }
    rest.iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
        .count()
}

/// Whether `line` is one complete open or closing tag, as CommonMark
/// writes them, and only whitespace after it: `<h 1a>` is not (an
/// attribute name starts with a letter, `_` or `:`), and is text.
fn whole_tag_line(line: &[u8]) -> bool {
    let Some(mut rest) = line.strip_prefix(b"<") else {
        return false;
    };
    let closing = rest.first() == Some(&b'/');
    if closing {
        rest = &rest[1..];
    }
    let name = tag_name(rest);
    if name == 0 {
        return false;
    }
    rest = &rest[name..];
    let spaces = |r: &[u8]| r.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if !closing {
        loop {
            let gap = spaces(rest);
            let after = &rest[gap..];
            let starts_name = after
                .first()
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_' || *b == b':');
            if gap == 0 || !starts_name {
                break;
            }
            let attr = after
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || b"_.:-".contains(b))
                .count();
            rest = &after[attr..];
            // An optional value: unquoted, or in single or double quotes.
            let eq = spaces(rest);
            if rest.get(eq) != Some(&b'=') {
                continue;
            }
            let after_eq = &rest[eq + 1..];
            let value = &after_eq[spaces(after_eq)..];
            let len = match value.first() {
                Some(&q @ (b'"' | b'\'')) => match value[1..].iter().position(|&b| b == q) {
                    Some(end) => end + 2,
                    None => return false,
                },
                _ => value
                    .iter()
                    .take_while(|b| !b.is_ascii_whitespace() && !b"\"'=<>`".contains(b))
                    .count(),
            };
            if len == 0 {
                return false;
            }
            rest = &value[len..];
        }
    }
    rest = &rest[spaces(rest)..];
    if !closing && rest.first() == Some(&b'/') {
        rest = &rest[1..];
    }
    rest.first() == Some(&b'>') && rest[1..].iter().all(u8::is_ascii_whitespace)
}

fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

/// Whether the line at `at` opens a block whose lines are taken as they
/// are, up to a line that closes it rather than a blank one: fenced code
/// (in a quote or a list item too) or HTML.
fn opens_verbatim(text: &str, at: usize) -> bool {
    let rest = &text.as_bytes()[at.min(text.len())..];
    let line = &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())];
    let inner = strip_containers(line);
    fence_open(inner).is_some() || inner.trim_ascii_start().starts_with(b"<")
}

/// A cut inside running text near `at`, when no block starts close by (a
/// paragraph of megabytes on one line): just after a space that is
/// followed by a letter, so the window does not start with something that
/// reads as a list marker or a heading.
fn cut_in_text(text: &str, at: usize, forward: bool) -> usize {
    let bytes = text.as_bytes();
    let ok = |i: usize| {
        i > 0
            && i < bytes.len()
            && bytes[i - 1] == b' '
            && bytes[i].is_ascii_alphabetic()
            && text.is_char_boundary(i)
    };
    let found = if forward {
        (at..bytes.len().min(at + SLACK)).find(|&i| ok(i))
    } else {
        (at.saturating_sub(SLACK)..=at).rev().find(|&i| ok(i))
    };
    found.unwrap_or(if forward { text.len() } else { 0 })
}

/// Parse the window of `text` around byte `at`. `fingerprint` is the whole
/// text's. The counts of words are estimates, scaled from the window, until
/// the whole parse replaces the document.
pub fn parse_window(text: &Arc<str>, at: usize, fingerprint: u64) -> Document {
    // Lines end at lone CRs too, for the cut as for the parser.
    let text = super::prepared(text);
    let index = WindowIndex::of(&text);
    parse_window_in(&text, at, fingerprint, &index)
}

/// What every window of one text needs from the whole of it: its link and
/// footnote definitions, found by one scan of the text. Made once, it
/// lets a later window (a jump to the end while the whole is still being
/// parsed) cost only its own part of the text.
pub struct WindowIndex {
    defs: Definitions,
    /// Every block start of the text, in order (see `block_starts`), up
    /// to `covers`; in 32 bits (an article is at most 1 GiB, see `load`),
    /// as the index is held while the whole is parsed.
    starts: Arc<[u32]>,
    /// The length of the text it was made for.
    len: usize,
    /// The block starts are known up to here: the whole text, or its head
    /// (`WindowIndex::head`).
    covers: usize,
    /// Made by a scan of the whole text (`of`), as the whole parse makes
    /// one (see `scan`); not an index of a head, or of the bytes around a
    /// place far in (`far`), which know no definitions.
    scanned: bool,
    /// The footnote uses that number notes, for an index made by `of`
    /// (see `NoteUses`).
    uses: Option<Arc<NoteUses>>,
}

/// The footnote references of a whole text that number its notes (those
/// `footnote_marks` counts), in order: where each `[^` is, where its `]`
/// is, and the rank of its label among the defined ones. A window's
/// notes are numbered from those before it, rather than from a scan of
/// the whole text before it, which took 1.3 ms at the middle of a 10 MB
/// article, 2.5 ms at its end, and twice that while the whole article
/// was parsed on both cores.
pub struct NoteUses {
    uses: Vec<(u32, u32, u32)>,
}

impl NoteUses {
    fn of(text: &str, defs: &Definitions) -> NoteUses {
        let defined = defs.footnote_labels(text);
        let uses = if defined.is_empty() {
            Vec::new()
        } else {
            footnote_uses(text, Some(defined), |at| defs.may_be_footnote(text, at))
                .filter_map(|(at, close, label)| {
                    let rank = defined.rank(&label)?;
                    Some((narrow(at), narrow(close), u32::try_from(rank).ok()?))
                })
                .collect()
        };
        NoteUses { uses }
    }

    /// The notes first used in `text[..end]`, as `footnote_marks(&text[..end],
    /// …)` numbers them for `end` at the start of a line: how many, and
    /// the number of each defined label by its rank (from 1; 0 for one
    /// not used there). No label is copied or sorted: at the middle of an
    /// article of 10 MB, thousands of them took a jump 0.3 ms.
    fn numbers_before(&self, end: usize, defined: usize) -> (usize, Vec<u32>) {
        let mut numbers = vec![0u32; defined];
        let mut count = 0u32;
        for &(at, close, rank) in &self.uses {
            if at as usize >= end {
                break;
            }
            // A `]` past the end is not seen by a scan that stops there.
            if let Some(slot) = numbers.get_mut(rank as usize)
                && (close as usize) < end
                && *slot == 0
            {
                count += 1;
                *slot = count;
            }
        }
        (count as usize, numbers)
    }
}

impl WindowIndex {
    /// The index of `text`, the article as the parser reads it (see
    /// `parse::prepared`).
    pub fn of(text: &str) -> WindowIndex {
        let Scan { defs, starts, .. } = Scan::of(text);
        let uses = Arc::new(NoteUses::of(text, &defs));
        WindowIndex {
            defs,
            starts,
            len: text.len(),
            covers: text.len(),
            scanned: true,
            uses: Some(uses),
        }
    }

    /// What the parse of the whole text needs of the index (see
    /// `Pieces::scanned`), shared rather than found again: the footnote
    /// definitions and the block starts, which the reader holds twice
    /// while it parses otherwise (about 2 MB for 100,000 notes). `None`
    /// for an index not made by `of`.
    pub fn scan(&self) -> Option<Scan> {
        self.scanned.then(|| Scan {
            defs: Definitions {
                // The parse finds the link definitions with its parser.
                references: HashMap::new(),
                notes: Arc::clone(&self.defs.notes),
                from_parser: false,
                outside: self.defs.outside.clone(),
            },
            starts: Arc::clone(&self.starts),
            len: self.len,
        })
    }

    /// An index of the head of `text`, enough for a window around any
    /// byte up to `at` (see `serves`), made by a scan of the lines up to
    /// there only: the first screen of a long article needs no more. It
    /// knows no link or footnote definitions, so a reference defined
    /// elsewhere reads as text until a window is parsed again with the
    /// whole index (`of`).
    pub fn head(text: &str, at: usize) -> WindowIndex {
        let covers = at.saturating_add(AFTER + 2 * SLACK).min(text.len());
        WindowIndex {
            defs: Definitions::none(),
            starts: narrowed(&block_starts(text, 0, covers)).into(),
            len: text.len(),
            covers,
            scanned: false,
            uses: None,
        }
    }

    /// Whether the index knows the whole text: its definitions, and the
    /// block starts everywhere.
    pub fn is_whole(&self) -> bool {
        self.covers >= self.len
    }

    /// Whether a window around byte `at` can be cut with this index.
    pub fn serves(&self, at: usize) -> bool {
        self.is_whole() || at.saturating_add(AFTER + SLACK) < self.covers
    }

    /// The block starts from `from` to `to`, both included, as
    /// `block_starts` finds them: the scan's state at a line depends only
    /// on the lines before it.
    /// The last block start at or before `at`, when the index covers it.
    fn last_start(&self, at: usize) -> Option<usize> {
        if at > self.covers {
            return None;
        }
        let n = self.starts.partition_point(|&s| s as usize <= at);
        n.checked_sub(1).map(|i| self.starts[i] as usize)
    }

    fn starts_between(&self, from: usize, to: usize) -> Vec<usize> {
        let first = self.starts.partition_point(|&s| (s as usize) < from);
        let last = self.starts.partition_point(|&s| s as usize <= to);
        self.starts[first..last.max(first)]
            .iter()
            .map(|&s| s as usize)
            .collect()
    }
}

/// `parse_window`, on `text` as the parser reads it (see
/// `parse::prepared`), with the `index` made of that text.
pub fn parse_window_in(
    text: &Arc<str>,
    at: usize,
    fingerprint: u64,
    index: &WindowIndex,
) -> Document {
    parse_window_sized(text, at, fingerprint, index, (BEFORE, AFTER))
}

/// `parse_window_in`, keeping `(before, after)` bytes around `at`.
pub fn parse_window_sized(
    text: &Arc<str>,
    at: usize,
    fingerprint: u64,
    index: &WindowIndex,
    sizes: (usize, usize),
) -> Document {
    debug_assert_eq!(index.len, text.len(), "an index of another text");
    let cut = window_among(
        text,
        at,
        sizes,
        |from, to| index.starts_between(from, to),
        |at| index.last_start(at),
    );
    let range = cut.range.clone();
    let defs = &index.defs;
    let counts = |at: usize| defs.may_be_footnote(text, at);
    let defined = defs.footnote_labels(text);
    // The uses found by the index are those of a scan of the text before
    // the window when it starts a line.
    let (count, numbers, marks) = match &index.uses {
        Some(uses) if range.start == 0 || text.as_bytes()[range.start - 1] == b'\n' => {
            let (count, numbers) = uses.numbers_before(range.start, defined.len());
            (count, numbers, None)
        }
        _ => {
            let marks = footnote_marks(&text[..range.start], Some(defined), counts);
            let sorted = super::sort_labels(&marks);
            (marks.len(), Vec::new(), Some((marks, sorted)))
        }
    };
    let place = |label: &str| match &marks {
        Some((marks, sorted)) => super::place_among(marks, sorted, label),
        None => defined
            .rank(label)
            .and_then(|rank| numbers.get(rank)?.checked_sub(1))
            .map(|n| n as usize),
    };
    let numbered = Numbered {
        count,
        place: &place,
    };
    let mut doc = parse_range(text, cut, numbered, defs, true, None, &super::NEVER)
        .map(|(doc, _)| doc)
        .unwrap_or_default();
    doc.fingerprint = fingerprint;
    scale_words(&mut doc, &range, text.len());
    doc.window = Some(range);
    doc
}

/// The counts of words of `doc`, a window of the part `range` of a text
/// `len` bytes long, as estimates for the whole: words per byte as in the
/// window, for progress and time left.
fn scale_words(doc: &mut Document, range: &Range<usize>, len: usize) {
    if range.is_empty() || range.len() >= len {
        return;
    }
    #[allow(clippy::cast_precision_loss)]
    let per_byte = doc.words as f64 / range.len() as f64;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let scale = |bytes: usize| (bytes as f64 * per_byte).round() as usize;
    let before = scale(range.start);
    for w in &mut doc.words_before_block {
        *w = crate::document::words_u32(*w as usize + before);
    }
    doc.words = (before + doc.words).max(scale(len));
}

/// Parse the part `range` of `text` on its own, with offsets into the
/// whole text, the link and footnote definitions of the whole text, and
/// footnote numbers continuing from `footnotes`. Besides the document, the
/// footnote labels the part numbered after those, in order. `table`: the
/// part ends inside a long table measured before (offsets in the part).
fn parse_range(
    text: &Arc<str>,
    cut: impl Into<Stretch>,
    footnotes: Numbered<'_>,
    defs: &Definitions,
    count: bool,
    table: Option<Known>,
    stop: &AtomicBool,
) -> Option<(Document, Vec<String>)> {
    let Stretch { range, reopen } = cut.into();
    // The line that opens the block the part starts inside of, parsed
    // before it (see `Stretch`).
    let opener = reopen.map_or("", |at| {
        let end = text[at..].find('\n').map_or(text.len(), |n| at + n + 1);
        &text[at..end.min(range.start)]
    });
    let joined;
    let part = if opener.is_empty() {
        &text[range.clone()]
    } else {
        joined = [opener, &text[range.clone()]].concat();
        joined.as_str()
    };
    // The part's own bytes start here in `part`.
    let skip = opener.len();
    let how = super::Part {
        at_start: range.start == 0,
        at_end: range.end == text.len(),
        references: &defs.references,
        references_win: defs.from_parser,
        footnotes,
        count,
        table,
    };
    // A footnote used here and first defined elsewhere gets a stand-in
    // definition after the part, so that its reference reads as one (a
    // second definition in the part comes before it, and wins); the
    // stand-in's blocks are dropped. The definitions are in the order of
    // their labels: a pass over them all, a few cheap checks each.
    let (first, last) = (narrow(range.start), narrow(range.end));
    let notes = &defs.notes;
    let inside: HashSet<&str> = (notes.labels.iter())
        .filter(|&&entry| (first..last).contains(&notes.place(entry)))
        .map(|&entry| notes.label(text, entry))
        .collect();
    let defined = defs.footnote_labels(text);
    let used = footnotes_before(part);
    let mut missing: Vec<&str> = used
        .iter()
        .filter(|l| defined.contains(l) && !inside.contains(l))
        .collect();
    missing.dedup();
    // The stand-ins go after whatever the part leaves open: a fence open to
    // the end of the file is closed first (its text stays the same); after
    // an unclosed HTML block or comment they would be shown, so there are
    // none.
    let at_start = range.start == 0;
    // Only the stand-ins need to know (a scan of the whole part).
    let open = if missing.is_empty() {
        Open::Nothing
    } else {
        scan(
            part,
            at_start,
            0,
            part.len(),
            &mut Vec::new(),
            &mut Vec::new(),
        )
        .1
    };
    if open == Open::Other {
        missing.clear();
    }
    let (mut doc, order) = if missing.is_empty() {
        super::parse_window_part(part, &how, stop)?
    } else {
        let mut padded = String::with_capacity(part.len() + 16 * missing.len());
        padded.push_str(part);
        if let Open::Fence(c, n) = open {
            if !padded.ends_with('\n') {
                // The fence runs to the end of the file, whose last line,
                // when it is only spaces, is no line of the code there.
                let last = padded.rfind('\n').map_or(0, |i| i + 1);
                if last > 0
                    && strip_quotes(&padded.as_bytes()[last..])
                        .iter()
                        .all(|&b| b == b' ')
                {
                    padded.truncate(last);
                } else {
                    padded.push('\n');
                }
            }
            padded.extend(std::iter::repeat_n(char::from(c), n));
        }
        for label in &missing {
            padded.push_str("\n\n[^");
            padded.push_str(label);
            padded.push_str("]: .");
        }
        padded.push('\n');
        let (mut doc, order) = super::parse_window_part(&padded, &how, stop)?;
        let keep = doc
            .blocks
            .partition_point(|b| b.source().start < part.len());
        doc.truncate_blocks(keep);
        // A fence closed here ends where the part does, as in the whole.
        for b in &mut doc.blocks {
            let source = b.source();
            b.set_source(source.start..source.end.min(part.len()));
        }
        (doc, order)
    };
    // The stand-ins number labels the part does not really use (a mark in
    // code looks like a use to the scan): those are not the part's.
    let order = order
        .into_iter()
        .filter(|&(_, at)| at < part.len())
        .map(|(label, _)| label)
        .collect();
    if range.start > 0 {
        shift(&mut doc, range.start - skip);
        // No front matter outside the start of the file.
        doc.meta = crate::document::Meta::default();
    }
    // The block opened again starts, in the window, where the part does.
    for b in doc
        .blocks
        .iter_mut()
        .take_while(|b| b.source().start < range.start)
    {
        let source = b.source();
        b.set_source(range.start..source.end.max(range.start));
    }
    doc.source_len = text.len();
    doc.text = Arc::clone(text);
    Some((doc, order))
}

/// A piece of `Pieces` ends, whatever its size, at the first block start
/// after this many blocks or footnote marks: what a piece holds while it
/// is parsed is about a hundred bytes for each (its block, container and
/// spans, and pulldown-cmark's nodes; a use of a note defined in another
/// piece gets a stand-in definition there), not for each byte of text. A
/// piece of 256 KiB of 100,000 notes held 8,000 definitions, or 16,000
/// uses; an article of prose has about a thousand blocks in as much.
const PIECE_BLOCKS: usize = 2048;
const PIECE_MARKS: usize = 2048;

/// A long article cut into pieces of about `size` bytes at block starts,
/// to be parsed and written one after the other, or side by side, by
/// `longform cat`: it then never holds the whole document.
pub struct Pieces {
    pub ranges: Vec<Range<usize>>,
    /// Every block start, and for each piece the index of its start there:
    /// a piece is parsed from a block start before it, so that its first
    /// block is spaced as in the whole. In 32 bits (an article is at most
    /// 1 GiB, see `load`): one for each block, held while the whole is
    /// parsed.
    starts: Arc<[u32]>,
    from: Vec<usize>,
    /// For each footnote label defined, by its rank among them (see
    /// `Labels::rank`; a label not defined is no footnote): its place in
    /// the order the labels are first used, or `UNUSED`. Four bytes a
    /// label, not a copy of each.
    places: Vec<u32>,
    /// How many labels are used, and for each piece how many before it.
    used: usize,
    footnotes_before: Vec<usize>,
    definitions: Definitions,
    /// Count the words of each block: `cat`, which only writes them,
    /// turns this off (a tenth of its time).
    pub count_words: bool,
    /// What each piece holds: text, or rows of a long table.
    cuts: Vec<Cut>,
    /// The long tables whose rows are pieces of their own.
    tables: Vec<LongTable>,
}

/// What a piece of `Pieces` holds.
#[derive(Clone, Debug)]
enum Cut {
    Text,
    /// The parts `parts` of the long table `table` (of `Pieces::tables`),
    /// and after the last one the rest of the table's piece.
    Rows {
        table: usize,
        parts: Range<usize>,
    },
}

/// A long table cut into pieces of its rows.
#[derive(Debug)]
struct LongTable {
    /// Its header and alignment lines.
    head: Range<usize>,
    measured: Measured,
}

impl Pieces {
    /// Cut `text`; the link definitions are found on up to `workers`
    /// threads.
    pub fn new(text: &str, size: usize, workers: usize) -> Pieces {
        Pieces::cut(text, size, workers, false, Scan::of(text))
    }

    /// `new`, with the scan of `text` already made (see `WindowIndex::scan`).
    pub fn scanned(text: &str, size: usize, workers: usize, scan: Scan) -> Pieces {
        // A scan of another text would cut it in the wrong places.
        debug_assert_eq!(scan.len, text.len(), "a scan of another text");
        let scan = if scan.len == text.len() {
            scan
        } else {
            Scan::of(text)
        };
        Pieces::cut(text, size, workers, false, scan)
    }

    /// `new`, for `longform cat`: a table longer than a piece is cut into
    /// pieces of its rows, each laid out with the column widths of the
    /// whole table, found by a first pass over its rows that keeps none of
    /// them (`long_table::measure`). `cat` then holds a few pieces of a
    /// table at a time, never the whole. A table whose own text uses
    /// footnotes or defines links is a piece of its own, held whole.
    pub fn streaming(text: &str, size: usize, workers: usize) -> Pieces {
        Pieces::cut(text, size, workers, true, Scan::of(text))
    }

    fn cut(text: &str, size: usize, workers: usize, stream: bool, scan: Scan) -> Pieces {
        let size = size.max(1);
        let mut ranges = Vec::new();
        let mut from = Vec::new();
        // For each piece, the header of the long table it holds.
        let mut heads = Vec::new();
        let mut start = 0;
        let mut start_k = 0;
        let Scan {
            defs: scanned,
            starts,
            ..
        } = scan;
        // The footnote marks from `start` to `counted`, counted since
        // `start` was `since`.
        let (mut marks, mut counted, mut since) = (0, 0, 0);
        for (k, &s) in starts.iter().enumerate() {
            let s = s as usize;
            let next = starts.get(k + 1).map_or(text.len(), |&n| n as usize);
            if since != start {
                (marks, counted, since) = (0, start, start);
            }
            marks += memchr::memmem::find_iter(&text.as_bytes()[counted..s], b"[^").count();
            counted = s;
            let table = stream
                .then(|| super::long_table::table_head(text, s, size))
                .flatten()
                .filter(|_| {
                    let own = &text[s..next];
                    !own.contains("[^") && !may_define_references(own)
                });
            if let Some(head) = table {
                // The table is a piece of its own (with what is before it
                // when it starts the text).
                if k > 0 && s > start {
                    ranges.push(start..s);
                    from.push(start_k);
                    heads.push(None);
                    start = s;
                    start_k = k;
                }
                ranges.push(start..next);
                from.push(start_k);
                heads.push(Some(head));
                start = next;
                start_k = k + 1;
                continue;
            }
            // The first piece holds the first block and what is before it
            // (front matter): every other piece has a block start before it.
            let full = s >= start + size || k - start_k >= PIECE_BLOCKS || marks >= PIECE_MARKS;
            if k > 0 && full && s > start {
                ranges.push(start..s);
                from.push(start_k);
                heads.push(None);
                start = s;
                start_k = k;
            }
        }
        if start < text.len() || ranges.is_empty() {
            ranges.push(start..text.len());
            from.push(start_k);
            heads.push(None);
        }
        let mut definitions = if ranges.len() > 1 {
            // The pieces are written for good, so the link definitions come
            // from pulldown-cmark's own first pass over the whole text, not
            // from the line scan a window makes do with.
            let mut d = scanned;
            d.references = piece_references(text, &ranges, workers);
            d.from_parser = true;
            d
        } else {
            Definitions {
                references: HashMap::new(),
                notes: Arc::default(),
                from_parser: true,
                outside: Outside::default(),
            }
        };
        // Each long table measured, and cut into pieces of its parts.
        let mut tables = Vec::new();
        let mut cuts = Vec::with_capacity(ranges.len());
        let mut cut_ranges = Vec::with_capacity(ranges.len());
        let mut cut_from = Vec::with_capacity(ranges.len());
        for ((range, k), head) in ranges.into_iter().zip(from).zip(heads) {
            let how = Reading {
                references: &definitions.references,
                references_win: definitions.from_parser,
                count: false,
            };
            let measured = head.clone().and_then(|head| {
                super::long_table::measure_on(text, head, range.end, how, workers)
            });
            let (Some(head), Some(measured)) = (head, measured) else {
                cut_ranges.push(range);
                cut_from.push(k);
                cuts.push(Cut::Text);
                continue;
            };
            let parts = measured.part_starts.len();
            let mut a = 0;
            while a < parts {
                let mut b = a + 1;
                while b < parts && measured.part_starts[b] - measured.part_starts[a] < size {
                    b += 1;
                }
                let piece_start = if a == 0 {
                    range.start
                } else {
                    measured.part_starts[a]
                };
                let piece_end = measured.part_starts.get(b).copied().unwrap_or(range.end);
                cut_ranges.push(piece_start..piece_end);
                cut_from.push(k);
                cuts.push(Cut::Rows {
                    table: tables.len(),
                    parts: a..b,
                });
                a = b;
            }
            tables.push(LongTable { head, measured });
        }
        let ranges = cut_ranges;
        let from = cut_from;
        let defined = definitions.footnote_labels(text);
        let mut footnotes_before = Vec::with_capacity(ranges.len());
        let mut used = 0;
        // Every label found is a defined one: its place by its rank, not
        // a second copy of each label in a set.
        let mut places = vec![UNUSED; defined.len()];
        for r in &ranges {
            footnotes_before.push(used);
            let counts = |at: usize| definitions.may_be_footnote(text, r.start + at);
            for label in footnote_marks(&text[r.clone()], Some(defined), counts).iter() {
                if let Some(k) = defined.rank(label)
                    && places[k] == UNUSED
                {
                    places[k] = narrow(used);
                    used += 1;
                }
            }
        }
        // The lines outside code were only needed for that scan (a line
        // start for every line of the article).
        definitions.outside = Outside::default();
        Pieces {
            ranges,
            starts,
            from,
            places,
            used,
            footnotes_before,
            definitions,
            count_words: true,
            cuts,
            tables,
        }
    }

    /// Parse piece `i` of `text`, with the block before it: the piece's
    /// blocks are those from the returned index on. Also the footnote
    /// labels the piece numbered, in order. The piece is numbered from
    /// `footnotes_before(i)`, found by a scan of the text that can take a
    /// mark in code for a use: when the pieces before really numbered
    /// others, it must be parsed again (see `Numbering`).
    pub fn parse(&self, text: &Arc<str>, i: usize) -> (Document, usize, Vec<String>) {
        self.parse_unless(text, i, &super::NEVER)
            .unwrap_or_default()
    }

    /// `parse`, or `None` when `stop` was set before it ended.
    pub fn parse_unless(
        &self,
        text: &Arc<str>,
        i: usize,
        stop: &AtomicBool,
    ) -> Option<(Document, usize, Vec<String>)> {
        let place = self.place_in(text);
        let numbered = Numbered {
            count: self.footnotes_before[i],
            place: &place,
        };
        self.reparse(text, i, numbered, stop)
    }

    /// `Numbered::place` of `footnotes`, the labels in order of first use,
    /// in `text`, the text of the pieces.
    fn place_in<'a>(&'a self, text: &'a str) -> impl Fn(&str) -> Option<usize> + Sync + 'a {
        let defined = self.definitions.footnote_labels(text);
        move |label: &str| {
            let place = self.places[defined.rank(label)?];
            (place != UNUSED).then_some(place as usize)
        }
    }

    /// The first `count` footnote labels of `text` in order of first use.
    fn first_used<'a>(&'a self, text: &'a str, count: usize) -> Vec<&'a str> {
        let defined = self.definitions.footnote_labels(text);
        let mut ranks: Vec<(u32, usize)> = (self.places.iter().enumerate())
            .filter(|&(_, &place)| place != UNUSED && (place as usize) < count)
            .map(|(rank, &place)| (place, rank))
            .collect();
        ranks.sort_unstable();
        ranks.into_iter().map(|(_, k)| defined.at_rank(k)).collect()
    }

    /// The footnote labels piece `i` of `text` is numbered from by `parse`.
    pub fn footnotes_before<'a>(&'a self, text: &'a str, i: usize) -> Vec<&'a str> {
        self.first_used(text, self.footnotes_before[i])
    }

    /// Whether piece `i`, parsed by `parse`, was numbered from the labels
    /// of `numbering`.
    pub fn numbered_as(&self, numbering: &Numbering, i: usize) -> bool {
        numbering.own.is_none() && numbering.count == self.footnotes_before[i]
    }

    /// Parse piece `i` numbered from the labels of `numbering`.
    pub fn parse_after(
        &self,
        text: &Arc<str>,
        i: usize,
        numbering: &Numbering,
        stop: &AtomicBool,
    ) -> Option<(Document, usize, Vec<String>)> {
        match &numbering.own {
            None => {
                let place = self.place_in(text);
                let numbered = Numbered {
                    count: numbering.count,
                    place: &place,
                };
                self.reparse(text, i, numbered, stop)
            }
            Some(own) => {
                let sorted = super::sort_labels(own);
                let place = |label: &str| super::place_among(own, &sorted, label);
                let numbered = Numbered {
                    count: own.len(),
                    place: &place,
                };
                self.reparse(text, i, numbered, stop)
            }
        }
    }

    /// Add to `numbering` the labels `after` that the next piece of `text`
    /// numbered.
    pub fn advance(&self, text: &str, numbering: &mut Numbering, after: Vec<String>) {
        match &mut numbering.own {
            None => {
                let count = numbering.count;
                let place = self.place_in(text);
                let foretold = count
                    .checked_add(after.len())
                    .is_some_and(|end| end <= self.used)
                    && (after.iter().enumerate()).all(|(k, label)| place(label) == Some(count + k));
                if foretold {
                    numbering.count += after.len();
                } else {
                    let mut own: LabelList = self.first_used(text, count).into_iter().collect();
                    own.extend(after);
                    numbering.own = Some(own);
                }
            }
            Some(own) => own.extend(after),
        }
    }

    /// Parse piece `i`, with footnote numbers continuing from `footnotes`.
    fn reparse(
        &self,
        text: &Arc<str>,
        i: usize,
        footnotes: Numbered<'_>,
        stop: &AtomicBool,
    ) -> Option<(Document, usize, Vec<String>)> {
        let range = self.ranges[i].clone();
        let table = match &self.cuts[i] {
            Cut::Rows { table, parts } => Some((&self.tables[*table], parts.start)),
            Cut::Text => None,
        };
        if let Some((t, first_part)) = table
            && first_part > 0
        {
            // Rows of a long table, after a part that holds its header.
            let how = Reading {
                references: &self.definitions.references,
                references_win: self.definitions.from_parser,
                count: self.count_words,
            };
            let first_row = first_part * TABLE_PART_ROWS;
            let doc = super::long_table::parse_rows(
                text,
                t.head.clone(),
                &t.measured,
                first_row,
                range,
                how,
            );
            return Some((doc, 1, Vec::new()));
        }
        // From the block start before the piece; further back while what
        // is there makes no block (link definitions), up to the start.
        let mut back = 1;
        loop {
            let mut from = match self.from[i].checked_sub(back) {
                Some(k) if i > 0 => self.starts[k] as usize,
                _ => 0,
            };
            // A long table before the piece is not parsed again for the
            // space its first block leaves after a block.
            let after_table = self
                .tables
                .iter()
                .any(|t| (from..range.start).contains(&t.head.start));
            if after_table {
                from = range.start;
            }
            let known = table.map(|(t, _)| Known {
                start: t.head.start - from,
                shape: Arc::clone(&t.measured.shape),
                first_row: 0,
            });
            let (mut doc, order) = parse_range(
                text,
                from..range.end,
                footnotes,
                &self.definitions,
                self.count_words,
                known,
                stop,
            )?;
            if after_table {
                if let Some(first) = doc.blocks.first_mut() {
                    first.space_before = super::space_after_a_block(first.heading_level());
                }
                return Some((doc, 0, order));
            }
            let first = doc
                .blocks
                .partition_point(|b| b.source().start < range.start);
            if first > 0 || from == 0 {
                return Some((doc, first, order));
            }
            back *= 2;
        }
    }
}

/// The footnote labels numbered by the pieces parsed so far, in order.
/// While they are those the scan of `Pieces::new` foretold, they are a
/// count of its list; once a parse numbered others, a list of their own.
#[derive(Debug, Default)]
pub struct Numbering {
    count: usize,
    own: Option<LabelList>,
}

impl Numbering {
    /// The labels, in order, numbered by `pieces` of `text`.
    pub fn labels<'a>(&'a self, pieces: &'a Pieces, text: &'a str) -> Vec<&'a str> {
        match &self.own {
            None => pieces.first_used(text, self.count),
            Some(own) => own.iter().collect(),
        }
    }
}

/// The link definitions of `text`, found by pulldown-cmark's own first
/// pass over each piece (a piece starts where a block starts, so what is a
/// definition there is one in the whole), on the machine's cores; the first
/// definition of a label wins, as in CommonMark. Piece by piece, the parser
/// never holds the block tree of the whole text (60 MB for 10 MB).
fn piece_references(
    text: &str,
    ranges: &[Range<usize>],
    workers: usize,
) -> HashMap<String, String> {
    let workers = workers.clamp(1, 4);
    let per = ranges.len().div_ceil(workers).max(1);
    let found: Vec<Vec<HashMap<String, String>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .chunks(per)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter(|&r| may_define_references(&text[r.clone()]))
                        .map(|r| super::reference_definitions(&text[r.clone()], r.start == 0))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let mut out = HashMap::new();
    for defs in found.into_iter().flatten() {
        for (label, dest) in defs {
            out.entry(label).or_insert(dest);
        }
    }
    out
}

/// Whether `text` may hold a link reference definition: it has a `]:`
/// that does not close the label of a footnote definition opening its
/// line (`[^note]: …`; a blank label such as `[^ ]:` makes a link
/// definition of `^`). Most pieces of a long article have none, and are
/// not given to the parser's first pass to find them.
pub(crate) fn may_define_references(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"]:").any(|at| {
        let line = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let head = text[line..at].trim_start_matches([' ', '\t', '>']);
        let note = head
            .strip_prefix("[^")
            .is_some_and(|label| !label.contains(']') && !label.trim().is_empty());
        !note
    })
}

/// A link label as CommonMark compares them: case-folded, with runs of
/// whitespace as one space.
pub fn normalize_label(label: &str) -> String {
    normalized(label).into_owned()
}

/// `normalize_label`, without a copy of a label that is normal already.
fn normalized(label: &str) -> Cow<'_, str> {
    // Most labels are normal already (a word or a number in lower case):
    // no copy, not the three of splitting, joining and folding.
    let normal = |b: u8| b.is_ascii() && !char::from(b).is_whitespace() && !b.is_ascii_uppercase();
    if label.bytes().all(normal) {
        return Cow::Borrowed(label);
    }
    Cow::Owned(
        label
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase(),
    )
}

/// The link reference definitions and footnote definitions of a text,
/// found by a line scan: a definition counts where a block starts (see
/// `block_starts`) or on the line right after another definition, so a
/// line inside a paragraph or a fence that only looks like one does not.
struct Definitions {
    /// Normalized label → destination; the first definition wins, as in
    /// CommonMark.
    references: HashMap<String, String>,
    /// The footnote definitions, shared by the reader's index and the
    /// pieces of its parse, which are made from one scan (see `Scan`).
    notes: Arc<Notes>,
    /// `references` are pulldown-cmark's own, found in each piece, not
    /// the line scan's.
    from_parser: bool,
    /// The lines outside fences, HTML blocks and front matter; none when
    /// not scanned.
    outside: Outside,
}

/// One scan of a text (see `scan`): its definitions, and where its blocks
/// start, in 32 bits (an article is at most 1 GiB, see `load`).
pub struct Scan {
    defs: Definitions,
    starts: Arc<[u32]>,
    /// The length of the text scanned.
    len: usize,
}

impl Scan {
    /// The scan of `text`: it finds both the block starts and the lines
    /// the definitions are looked for on, the one part of `cat` that no
    /// other core can share.
    pub fn of(text: &str) -> Scan {
        let scanned = Scanned::of(text);
        let defs = Definitions::found(text, &scanned.starts, &scanned.closed, scanned.outside);
        Scan {
            defs,
            starts: narrowed(&scanned.starts).into(),
            len: text.len(),
        }
    }
}

/// The footnote definitions of a text.
#[derive(Debug, Default)]
struct Notes {
    /// Where each footnote label is defined (the start of the line of its
    /// first definition; see `own` for a label that reads otherwise than
    /// it is written), in the order of the labels, each label once: a set
    /// (see `Labels`), which each piece of an article with thousands of
    /// notes checks the uses it finds against. A label is read from the
    /// text there (see `label`): a copy of each took ten bytes a note, and
    /// a list of the definitions in their order four more, held while the
    /// whole is parsed.
    labels: Vec<u32>,
    /// The definitions whose label reads otherwise than it is written (in
    /// capitals, or with runs of spaces): where each is, and its label as
    /// it reads. Their entries in `labels` are their indices here, marked
    /// with `OWN`: a label is then found at once, not by a search.
    own_at: Vec<u32>,
    own: LabelList,
}

/// The lines of a text outside fences, HTML blocks and front matter, kept
/// as the stretches of lines between them: a few for each fence, where
/// the start of every such line took four bytes a line (0.7 MB at 10 MB,
/// held by the reader's index while the whole is parsed). Offsets are in
/// 32 bits, as an article is at most 1 GiB (see `load`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Outside {
    /// Whether any line is outside: with none, the text counts as not
    /// scanned (see `Definitions::may_be_footnote`).
    any: bool,
    /// Each stretch of lines that are not outside, in order: from the
    /// start of its first line to the start of the line after its last
    /// (`u32::MAX` for the rest of the text).
    gaps: Vec<(u32, u32)>,
}

impl Outside {
    /// From `starts`, the starts of the lines of `text` outside, in order.
    fn of(text: &str, starts: &[u32]) -> Outside {
        let bytes = text.as_bytes();
        let mut gaps = Vec::new();
        let mut next = 0;
        for &start in starts {
            if next < start {
                gaps.push((next, start));
            }
            let at = start as usize;
            next = memchr::memchr(b'\n', bytes.get(at..).unwrap_or_default())
                .map_or(u32::MAX, |i| narrow(at + i + 1));
        }
        if !starts.is_empty() && next != u32::MAX {
            gaps.push((next, u32::MAX));
        }
        gaps.shrink_to_fit();
        Outside {
            any: !starts.is_empty(),
            gaps,
        }
    }

    /// Whether the line that starts at `line` is outside fences, HTML
    /// blocks and front matter; false for every line when none is.
    fn has(&self, line: usize) -> bool {
        let line = narrow(line);
        let k = self.gaps.partition_point(|&(start, _)| start <= line);
        self.any && (k == 0 || self.gaps[k - 1].1 <= line)
    }
}

impl Definitions {
    /// The definitions of `text`, from its scan: its block starts, the
    /// lines after a fence or an HTML block closes (`closed`), and the
    /// lines outside fences, HTML blocks and front matter (`outside`).
    fn found(text: &str, starts: &[usize], closed: &[usize], outside: Vec<u32>) -> Definitions {
        let bytes = text.as_bytes();
        let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let line_end =
            |at: usize| memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i);
        // Where the last definition found ends, to accept the next line.
        let mut after_last = usize::MAX;
        // A definition starts a paragraph: after a blank line (a block
        // start), another definition, or a line that cannot go on into a
        // paragraph (an ATX heading, a rule, a setext underline).
        let after_closed_line = |start: usize| {
            if start == 0 {
                return true;
            }
            let prev = &bytes[line_start(start - 1)..start - 1];
            let indent = prev.iter().take_while(|&&b| b == b' ').count();
            let prev = &prev[indent.min(prev.len())..];
            let hashes = prev.iter().take_while(|&&b| b == b'#').count();
            let heading = indent < 4
                && (1..=6).contains(&hashes)
                && prev.get(hashes).is_none_or(|b| *b == b' ' || *b == b'\t');
            let rule = indent < 4
                && [b'-', b'*', b'_'].iter().any(|&c| {
                    prev.iter().filter(|&&b| b == c).count() >= 3
                        && prev.iter().all(|&b| b == c || b == b' ' || b == b'\t')
                });
            // `===` under a setext heading.
            let underline = indent < 4
                && prev.first() == Some(&b'=')
                && prev.iter().all(|&b| b == b'=' || b == b' ' || b == b'\t');
            heading || rule || underline
        };
        let accepted = |start: usize, end: usize, after_last: &mut usize| {
            let ok = starts.binary_search(&start).is_ok()
                || closed.binary_search(&start).is_ok()
                || start == *after_last
                || after_closed_line(start);
            if ok {
                *after_last = end + 1;
            }
            ok
        };
        let mut references = HashMap::new();
        let mut footnotes = Vec::new();
        let (mut own_at, mut own) = (Vec::new(), LabelList::new());
        // Both kinds in order of position, so that runs of definitions of
        // either kind are followed.
        // A definition's line starts with `[`, outside fences, HTML blocks
        // and front matter, and its label runs to the first `]` of the
        // line, which a colon follows, with no `[` in it: those lines only
        // are looked at (a few in a thousand).
        for &start in &outside {
            let start = start as usize;
            if bytes.get(start) != Some(&b'[') {
                continue;
            }
            let Some(close) = memchr::memchr3(b'[', b']', b'\n', &bytes[start + 1..])
                .map(|n| start + 1 + n)
                .filter(|&c| bytes[c] == b']' && bytes.get(c + 1) == Some(&b':'))
            else {
                continue;
            };
            let hit = close;
            let label = &text[start + 1..hit];
            if label.is_empty() {
                continue;
            }
            if let Some(note) = label.strip_prefix('^') {
                if note.trim().is_empty() || note.len() > 100 || note.contains('\n') {
                    continue;
                }
                // A footnote definition may interrupt a paragraph; it
                // only has to be outside code and HTML.
                if outside.binary_search(&narrow(start)).is_ok() {
                    after_last = line_end(hit) + 1;
                    let label = normalized(note);
                    if label.as_ref() == note {
                        footnotes.push(narrow(start));
                    } else {
                        footnotes.push(OWN | narrow(own_at.len()));
                        own_at.push(narrow(start));
                        own.push(&label);
                    }
                }
                continue;
            }
            // The destination may be on the next line.
            let mut end = line_end(hit);
            let mut rest = text[hit + 2..end].trim_start_matches([' ', '\t']);
            if rest.is_empty() && end < text.len() {
                let next_end = line_end(end + 1);
                rest = text[end + 1..next_end].trim_start_matches([' ', '\t']);
                end = next_end;
            }
            let dest = match rest.strip_prefix('<') {
                Some(r) => r.split('>').next().unwrap_or(""),
                None => rest.split_whitespace().next().unwrap_or(""),
            };
            if dest.is_empty() || !accepted(start, end, &mut after_last) {
                continue;
            }
            references
                .entry(normalize_label(label))
                .or_insert_with(|| dest.to_string());
        }
        own.shrink_to_fit();
        let mut notes = Notes {
            labels: Vec::new(),
            own_at,
            own,
        };
        notes.labels = notes.sorted(footnotes, text);
        Definitions {
            references,
            notes: Arc::new(notes),
            from_parser: false,
            outside: Outside::of(text, &outside),
        }
    }

    /// No definitions known (yet).
    fn none() -> Definitions {
        Definitions {
            references: HashMap::new(),
            notes: Arc::default(),
            from_parser: false,
            outside: Outside::default(),
        }
    }

    /// Whether a footnote mark at byte `at` of `text` can be one: on a line
    /// outside fences and HTML blocks (when they were scanned) and after an
    /// even number of backticks on its line (outside inline code, mostly).
    /// Numbers found from such marks are checked by the parse anyway (see
    /// `Pieces::parse`); this keeps that check from failing often.
    fn may_be_footnote(&self, text: &str, at: usize) -> bool {
        let bytes = text.as_bytes();
        let line = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let in_block = self.outside.any && !self.outside.has(line);
        !in_block
            && memchr::memchr_iter(b'`', &bytes[line..at])
                .count()
                .is_multiple_of(2)
    }

    /// Every footnote label defined in `text`, the text the definitions
    /// were found in.
    fn footnote_labels<'a>(&'a self, text: &'a str) -> Labels<'a> {
        Labels {
            notes: &self.notes,
            text,
        }
    }
}

impl Notes {
    /// Where the definition of an entry of `labels` is.
    fn place(&self, entry: u32) -> u32 {
        if entry & OWN != 0 {
            self.own_at[(entry & !OWN) as usize]
        } else {
            entry
        }
    }

    /// `definitions`, the entries of the definitions found in `text` in
    /// order, in the order of their labels, each label once: the first
    /// definition of a label is kept, as it wins.
    fn sorted(&self, mut definitions: Vec<u32>, text: &str) -> Vec<u32> {
        let label = |at: &u32| self.label(text, *at);
        // A stable sort: of one label, the first definition comes first.
        definitions.sort_by(|a, b| label(a).cmp(label(b)));
        definitions.dedup_by(|a, b| label(a) == label(b));
        definitions.shrink_to_fit();
        definitions
    }

    /// The label of the definition of `entry` (of `labels`), as the parser
    /// matches it, read from `text`, the text the definitions were found
    /// in: the label as it is written, unless it reads otherwise (see
    /// `normalized`, and `own`).
    fn label<'a>(&'a self, text: &'a str, entry: u32) -> &'a str {
        if entry & OWN != 0 {
            return self.own.get((entry & !OWN) as usize);
        }
        // After the definition's `[^`, up to its `]` (see `found`).
        let start = entry as usize + 2;
        let end = text
            .as_bytes()
            .get(start..)
            .and_then(|rest| memchr::memchr(b']', rest))
            .map_or(start, |n| start + n);
        text.get(start..end).unwrap_or_default()
    }
}

/// The footnote labels defined, as a set: `Notes::labels`, the places of
/// the definitions in the order of their labels, each label once, with the
/// labels read from the text. Four bytes a label rather than a second copy
/// of each in a hash set: 6.5 MB for 100,000 notes, held by the reader's
/// index and by the pieces of its parse.
#[derive(Clone, Copy)]
struct Labels<'a> {
    notes: &'a Notes,
    text: &'a str,
}

impl<'a> Labels<'a> {
    fn contains(&self, label: &str) -> bool {
        self.rank(label).is_some()
    }

    /// Where `label` is among the labels in their order, if it is one.
    fn rank(&self, label: &str) -> Option<usize> {
        self.notes
            .labels
            .binary_search_by(|&at| self.notes.label(self.text, at).cmp(label))
            .ok()
    }

    /// The label of rank `k`.
    fn at_rank(&self, k: usize) -> &'a str {
        self.notes.label(self.text, self.notes.labels[k])
    }

    /// How many labels are defined.
    fn len(&self) -> usize {
        self.notes.labels.len()
    }

    fn is_empty(&self) -> bool {
        self.notes.labels.is_empty()
    }
}

/// The footnote labels referenced in `before`, in order of first use.
fn footnotes_before(before: &str) -> LabelList {
    footnote_marks(before, None, |_| true)
}

/// The footnote labels of `text` in order of first appearance, uses and
/// definitions alike (a footnote is numbered where it first appears,
/// whichever comes first); with `defined`, only those labels, which leaves
/// out `[^a-z]` in a pattern and other brackets that are not footnotes.
/// Marks at the places `counts` rejects are left out.
fn footnote_marks(
    text: &str,
    defined: Option<Labels<'_>>,
    counts: impl Fn(usize) -> bool,
) -> LabelList {
    if defined.is_some_and(|d| d.is_empty()) {
        // No footnote is defined (or the definitions are not known yet).
        return LabelList::new();
    }
    // The labels met: those defined by their rank, a flag each; others
    // (without `defined`) in a set.
    let mut met = vec![false; defined.map_or(0, |d| d.len())];
    let mut seen = HashSet::new();
    let mut out = LabelList::new();
    for (_, _, label) in footnote_uses(text, defined, counts) {
        let first = match defined {
            Some(d) => match d.rank(&label) {
                Some(k) => !std::mem::replace(&mut met[k], true),
                None => continue,
            },
            None => seen.insert(label.to_string()),
        };
        if first {
            out.push(&label);
        }
    }
    out
}

/// The footnote references in `text` that `counts` (outside code), with
/// a label that can be one: where each `[^` is, where its `]` is, and the
/// label, normalized. Without `defined` (the definitions are not known),
/// a definition (`[^x]:` at the start of a line) is not one.
fn footnote_uses<'t>(
    text: &'t str,
    defined: Option<Labels<'_>>,
    counts: impl Fn(usize) -> bool,
) -> impl Iterator<Item = (usize, usize, Cow<'t, str>)> {
    let bytes = text.as_bytes();
    memchr::memmem::find_iter(bytes, b"[^").filter_map(move |hit| {
        if !counts(hit) {
            return None;
        }
        let rest = &text[hit + 2..];
        let end = rest.find(']')?;
        let label = &rest[..end];
        if label.trim().is_empty() || label.len() > 100 || label.contains('\n') {
            return None;
        }
        // Without the defined labels: uses only. `[^x]:` defines at
        // the start of a line (after spaces and quote marks); in the
        // middle of one it is a use followed by a colon.
        if defined.is_none() && rest[end + 1..].starts_with(':') && {
            let line = memchr::memrchr(b'\n', &bytes[..hit]).map_or(0, |i| i + 1);
            bytes[line..hit]
                .iter()
                .all(|b| matches!(b, b' ' | b'\t' | b'>'))
        } {
            return None;
        }
        Some((hit, hit + 2 + end, normalized(label)))
    })
}

/// An entry of `Notes::labels` that is an index into `Notes::own`, not a
/// place: places are under 1 GiB (see `load`), so this bit is free.
const OWN: u32 = 1 << 31;

/// `Pieces::places` of a label defined and never used.
const UNUSED: u32 = u32::MAX;

/// A byte offset of the text in 32 bits: an article is at most 1 GiB.
fn narrow(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

/// Offsets in 32 bits (see `narrow`).
fn narrowed(offsets: &[usize]) -> Vec<u32> {
    offsets.iter().map(|&at| narrow(at)).collect()
}

/// Move every source offset of `doc` by `by` bytes.
fn shift(doc: &mut Document, by: usize) {
    for block in &mut doc.blocks {
        let source = block.source();
        block.set_source(source.start + by..source.end + by);
        crate::document::for_each_span_mut(&mut block.kind, |s| s.set_source(s.source() + by));
    }
    for link in &mut doc.links {
        link.shift(by);
    }
    for (_, at) in &mut doc.anchors {
        *at += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Target, block_spans};
    use crate::position::Position;

    pub(super) fn kinds(doc: &Document, range: Range<usize>) -> Vec<(Range<usize>, String)> {
        doc.blocks
            .iter()
            .filter(|b| range.contains(&b.source().start))
            .map(|b| {
                let text: String = block_spans(&b.kind).map(|s| s.text(&doc.text)).collect();
                (b.source(), text)
            })
            .collect()
    }

    /// The window's blocks are the whole parse's blocks, but for the last
    /// one or two, which may be cut.
    fn check(text: &str, at: usize) {
        let full = crate::parse::parse(text);
        let win = parse_window(&Arc::from(text), at, full.fingerprint);
        let range = win.window.clone().unwrap();
        assert!(range.start <= at.min(text.len()) && at.min(text.len()) <= range.end);
        assert_eq!(win.source_len, full.source_len);
        let w = kinds(&win, range.clone());
        let f = kinds(&full, range.clone());
        let n = w.len().min(f.len()).saturating_sub(2);
        for i in 0..n {
            assert_eq!(w[i], f[i], "block {i} of the window at {at}");
        }
    }

    #[test]
    fn pieces_without_a_reference_definition_are_told_apart() {
        for text in [
            "[a]: /url\n",
            "text\n\n  [label]: /url 'title'\n",
            "> [quoted]: /url\n",
            "[multi\nline]: /url\n",
            "[^1]: note with [a]: inside\n",
            "[^x][a]: /url\n",
            "[^]: /url\n",
            "[^ ]: /url\n",
        ] {
            assert!(may_define_references(text), "{text:?}");
        }
        for text in [
            "",
            "plain text, no label\n",
            "[^1]: a note\n\n> [^two]: another\n   [^3]: indented\n",
            "a [link][ref] and [^1] a note\n",
        ] {
            assert!(!may_define_references(text), "{text:?}");
        }
    }

    /// The blocks of `text[..cut]` are every block of the whole before
    /// `cut`, the same in every field, and the title is the same when
    /// one is found before the cut.
    fn same_head(text: &str, want: usize) -> Result<usize, String> {
        let cut = head_cut(text, want);
        if cut > text.len() || !text.is_char_boundary(cut) || (cut < text.len() && cut < want) {
            return Err(format!("cut at {cut} for {want} in {} bytes", text.len()));
        }
        let before_cut = |doc: &Document| -> Vec<String> {
            doc.blocks
                .iter()
                .filter(|b| b.source().start < cut)
                .map(|b| format!("{b:?}"))
                .collect()
        };
        let full = crate::parse::parse(text);
        let head = crate::parse::parse(&text[..cut]);
        let before = before_cut(&full);
        // (A head of front matter alone ends on an empty paragraph.)
        let shown = before_cut(&head);
        if before != shown {
            return Err(format!("cut at {cut}: {shown:#?}\nnot {before:#?}"));
        }
        if head.title().is_some() && head.title() != full.title() {
            return Err(format!("title {:?}, not {:?}", head.title(), full.title()));
        }
        Ok(cut)
    }

    #[test]
    fn a_head_cut_keeps_every_block_before_it() {
        let text = crate::testgen::article(crate::testgen::SEED, 64 * 1024);
        // The generated article defines its references at its end.
        let body = &text[..text.find("\n[ref").unwrap_or(text.len())];
        assert!(body.contains("[^1]:"));
        let mut cuts = 0;
        for want in (0..body.len()).step_by(997) {
            let cut = same_head(body, want).unwrap();
            cuts += usize::from(cut < body.len());
        }
        assert!(cuts > 40, "{cuts} cuts");
        // A definition after the cut could change a block before it: a
        // link's, or a note's referred to before it.
        for defined in [
            "A [link][r].\n\nMore text.\n\n[r]: /url\n",
            "A note.[^N]\n\nMore text.\n\n[^n]: The note.\n",
            "A note.[^a]\n\nMore text.\n\n[^A]: The note.\n",
        ] {
            assert_eq!(head_cut(defined, 5), defined.len(), "{defined}");
            same_head(defined, 5).unwrap();
        }
        // A note referred to only after the cut does not hold it.
        let later = "A note.[^a]\n\n[^a]: Here.\n\nMore text.[^b]\n\n[^b]: There.\n";
        assert_eq!(head_cut(later, 15), "A note.[^a]\n\n[^a]: Here.\n\n".len());
        same_head(later, 15).unwrap();
    }

    #[test]
    fn a_window_deep_in_a_long_fence_or_html_block_starts_where_it_does() {
        // Lines that read as headings and paragraphs anywhere but inside
        // the block, which is longer than a window reaches past its edge.
        let inside: String = (0..6000)
            .map(|i| format!("# line {i}\n\nmore of line {i}\n"))
            .collect();
        let prose = "A paragraph of prose before the block.\n\n".repeat(100);
        for (open, close) in [
            ("```text\n", "```\n"),
            ("~~~\n", "~~~\n"),
            ("<pre>\n", "</pre>\n"),
        ] {
            let text = format!("{prose}{open}{inside}{close}\n{prose}");
            let at = prose.len() + inside.len() / 2;
            let win = parse_window(&Arc::from(text.as_str()), at, 0);
            let window = win.window.clone().unwrap();
            assert_eq!(window.start, prose.len(), "{open}");
            let full = crate::parse::parse(&text);
            let first = |doc: &Document| {
                doc.blocks
                    .iter()
                    .find(|b| b.source().end > at)
                    .map(|b| format!("{:?}", b.kind))
            };
            assert_eq!(first(&win), first(&full), "{open}");
        }
        // A long paragraph is cut inside, near the place.
        let line = "word ".repeat(200_000);
        let at = line.len() / 2;
        let win = parse_window(&Arc::from(line.as_str()), at, 0);
        assert!(win.window.unwrap().start > at - 2 * SLACK);
    }

    #[test]
    fn a_window_farther_into_a_block_than_it_reaches_reads_it_as_the_block() {
        // A listing of a megabyte: the middle is farther from its start
        // than a window looks back (`REACH`).
        let inside: String = (0..40_000)
            .map(|i| format!("# line {i}\n\nmore of line {i}\n"))
            .collect();
        assert!(inside.len() > 2 * REACH);
        let prose = "A paragraph of prose before the block.\n\n".repeat(100);
        for (open, close) in [
            ("```text\n", "```\n"),
            ("~~~~\n", "~~~~\n"),
            ("<pre>\n", "</pre>\n"),
        ] {
            let text = format!("{prose}{open}{inside}{close}\n{prose}");
            let shared: Arc<str> = Arc::from(text.as_str());
            let at = prose.len() + inside.len() / 2;
            let index = WindowIndex::of(&shared);
            let win = parse_window_in(&shared, at, 0, &index);
            let window = win.window.clone().unwrap();
            assert!(window.start > prose.len() + REACH, "{open}: {window:?}");
            assert!(window.contains(&at), "{open}: {window:?}");
            let full = crate::parse::parse(&text);
            // The same block kind, and the same lines at the same bytes.
            let shown = |doc: &Document| {
                let b = doc.block_at(Position(at));
                let spans: Vec<(usize, String)> = crate::document::block_spans(&doc.blocks[b].kind)
                    // Its end is cut inside the block, in a line.
                    .filter(|s| (window.start..window.end - 100).contains(&s.source()))
                    .map(|s| (s.source(), s.text(&doc.text).to_string()))
                    .collect();
                (std::mem::discriminant(&doc.blocks[b].kind), spans)
            };
            let (kind, spans) = shown(&win);
            let (whole_kind, whole_spans) = shown(&full);
            assert_eq!(kind, whole_kind, "{open}");
            let differ = spans.iter().zip(&whole_spans).position(|(a, b)| a != b);
            assert_eq!(
                (spans.len(), differ),
                (whole_spans.len(), None),
                "{open}: {:?}",
                differ.map(|i| (&spans[i], &whole_spans[i]))
            );
            assert!(spans.len() > 100, "{open}: {}", spans.len());
            assert!(win.headings.is_empty(), "{open}: no heading in a listing");
            // Its block starts where the window does, not before.
            assert_eq!(win.blocks[0].source().start, window.start, "{open}");
        }
    }

    #[test]
    fn windows_of_a_generated_article_match_the_whole_parse() {
        let text = crate::testgen::article(crate::testgen::SEED, 600 * 1024);
        for at in [
            0,
            1000,
            200_000,
            333_333,
            500_000,
            text.len() - 10,
            text.len(),
        ] {
            check(&text, at);
        }
    }

    #[test]
    fn a_head_index_cuts_the_windows_the_whole_index_cuts() {
        let text = crate::testgen::article(crate::testgen::SEED, 600 * 1024);
        let shared: Arc<str> = Arc::from(text.as_str());
        let whole = WindowIndex::of(&shared);
        assert!(whole.is_whole());
        for at in [0, 1000, 50_000, 300_000] {
            let head = WindowIndex::head(&shared, at);
            assert!(head.serves(at) && !head.is_whole(), "{at}");
            assert!(!head.serves(text.len() - 10));
            let a = parse_window_in(&shared, at, 0, &head);
            let b = parse_window_in(&shared, at, 0, &whole);
            assert_eq!(a.window, b.window, "{at}");
            let blocks = |d: &Document| d.blocks.iter().map(|b| b.source()).collect::<Vec<_>>();
            assert_eq!(blocks(&a), blocks(&b), "{at}");
        }
    }

    #[test]
    fn windows_of_real_articles_match_the_whole_parse() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Repeat the article so that windows fall inside it.
            let text = text.repeat((3 * BEFORE / text.len().max(1)).max(1) + 2);
            for at in (0..text.len()).step_by(text.len() / 7 + 1) {
                check(&text, at);
            }
        }
    }

    /// Each block of the window, but for the last one or two (which may be
    /// cut), at the same source range as the whole parse's. (Their text
    /// may differ where a reference link's definition is one the window's
    /// line scan does not see, such as one right after indented code: the
    /// whole parse puts that right when it lands.)
    fn same_positions(text: &str, at: usize, sizes: (usize, usize)) -> Result<(), String> {
        let full = crate::parse::parse(text);
        let shared: Arc<str> = Arc::from(text);
        let index = WindowIndex::of(&shared);
        let win = parse_window_sized(&shared, at, full.fingerprint, &index, sizes);
        let range = win.window.clone().unwrap_or_default();
        let at = at.min(text.len());
        if !(range.start <= at && at <= range.end) {
            return Err(format!("the window {range:?} misses {at}"));
        }
        if win.source_len != full.source_len {
            return Err(format!("{} bytes, not {}", win.source_len, full.source_len));
        }
        let blocks = |doc: &Document| -> Vec<Range<usize>> {
            doc.blocks
                .iter()
                .filter(|b| range.contains(&b.source().start))
                .map(|b| b.source())
                .collect()
        };
        let (w, f) = (blocks(&win), blocks(&full));
        let n = w.len().min(f.len()).saturating_sub(2);
        if w.len() + 2 < f.len() {
            return Err(format!(
                "{} blocks in the window, {} in the whole",
                w.len(),
                f.len()
            ));
        }
        match (0..n).find(|&i| w[i] != f[i]) {
            Some(i) => Err(format!(
                "block {i} of the window {range:?} at {at}: {:?}, not {:?}",
                w[i], f[i]
            )),
            None => Ok(()),
        }
    }

    pub(super) mod random {
        use super::*;
        use proptest::prelude::*;

        /// Blocks that hold blank lines or run on over several lines
        /// (fences, lists, quotes, HTML), so that window edges fall
        /// inside and around them.
        const SNIPPETS: &[&str] = &[
            "A plain paragraph of a few words, *emphasis* and `code`.",
            "A [reference link][ref] and a note.[^n]",
            "[ref]: https://example.com/ref",
            "[^n]: The note, with a second paragraph:\n\n    indented under it.",
            "# A heading",
            "## Another heading",
            "- item one\n- item two",
            "- loose item\n\n- another loose item",
            "1. first\n2. second\n\n3. third, loose",
            "- outer\n  - inner\n\n- outer again",
            "> a quote\n>\n> - with a list",
            "> a quote\n\nlazy after a blank",
            "> > nested\n>\n> > still nested\n\n> back out",
            "```rust\nfn main() {\n\n    // a blank line above\n}\n```",
            "~~~\nplain fence\n\n# not a heading\n\n~~~",
            "````\n```\ninner fence\n\n```\n````",
            "    indented code\n\n    more indented code",
            "<div>\nan html block\n\n</div>",
            "<!-- a comment\n\nwith a blank line -->",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "- ```\n  fenced in a list item\n\n  still code\n  ```",
            "> ```\n> fenced in a quote\n>\n> still code\n> ```",
            "---",
            "[^a]: a note on one line\n[^b]: the next note\n[^c]: and a third",
            "Text with notes.[^a][^b][^c]",
            "| head | more |\n|:-----|-----:|\n| cell | cell |\n| cell | cell |\nlazy row",
            "<pre>\npre text\n\n# not a heading\n</pre>",
            "<details>\n<summary>Open</summary>\n\nMarkdown inside\n\n</details>",
            "<custom-tag>\nkind seven\n\nafter it",
            "```\nan unclosed-looking fence with ~~~ inside\n~~~\n\n```",
            "Setext heading\n===",
            "* star item\n\n      indented code in it\n\n* next",
            "<script>\nlet a = 1;\n\nlet b = 2;\n</script>",
        ];

        pub(in crate::parse::window) fn document() -> impl Strategy<Value = String> {
            proptest::collection::vec((0..SNIPPETS.len(), any::<bool>()), 10..80).prop_map(
                |parts| {
                    let mut text = String::from("Start.\n\n");
                    for (i, blank) in parts {
                        text.push_str(SNIPPETS[i]);
                        text.push_str(if blank { "\n\n" } else { "\n" });
                    }
                    text
                },
            )
        }

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 300,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// The stretches between the lines outside code tell every
            /// line as the list of those lines does.
            #[test]
            fn the_lines_outside_code_are_kept_as_the_gaps_between_them(
                text in document(),
                front in proptest::bool::ANY,
            ) {
                let text = if front { format!("---\ntitle: t\n---\n{text}") } else { text };
                let scanned = Scanned::of(&text);
                let outside = Outside::of(&text, &scanned.outside);
                prop_assert_eq!(outside.any, !scanned.outside.is_empty());
                let lines = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
                for line in lines {
                    let listed = scanned.outside.binary_search(&narrow(line)).is_ok();
                    prop_assert_eq!(outside.has(line), listed, "line at {} of {:?}", line, text);
                }
            }

            #[test]
            fn a_head_cut_anywhere_keeps_the_blocks_before_it(
                text in document(),
                want in 0.0..=1.0f64,
            ) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
                let want = (want * text.len() as f64) as usize;
                // Most generated texts define a reference: without their
                // definitions, the cuts are tried too.
                let bare: String = text
                    .lines()
                    .filter(|l| !l.contains("]:"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                for text in [&text, &bare] {
                    if let Err(e) = same_head(text, want) {
                        prop_assert!(false, "{}\n{}", e, text);
                    }
                }
            }

            /// The notes used before each line, as the index lists them,
            /// are those a scan of the text before it finds, in order.
            #[test]
            fn the_index_s_note_uses_are_those_of_a_scan_before_each_line(
                text in document(),
                extra in proptest::collection::vec((0usize..6, 0.0..=1.0f64), 0..8),
            ) {
                // Uses that are not defined, in code, and cut by a line.
                let mut text = text;
                for (kind, at) in extra {
                    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
                    let mut at = (at * text.len() as f64) as usize;
                    while !text.is_char_boundary(at) {
                        at -= 1;
                    }
                    let piece = ["[^zz]", "`[^a]`", "[^b\n]", "[^ A ]", "[^c]:", "x[^a"][kind];
                    text.insert_str(at, piece);
                }
                let index = WindowIndex::of(&text);
                let uses = index.uses.as_ref().unwrap();
                let defined = index.defs.footnote_labels(&text);
                let counts = |at: usize| index.defs.may_be_footnote(&text, at);
                let lines = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
                for end in lines {
                    let marks = footnote_marks(&text[..end], Some(defined), counts);
                    let (count, numbers) = uses.numbers_before(end, defined.len());
                    prop_assert_eq!(count, marks.len(), "before {} of {:?}", end, text);
                    let mut numbered = vec![0u32; defined.len()];
                    for i in 0..marks.len() {
                        let rank = defined.rank(marks.get(i)).unwrap();
                        numbered[rank] = u32::try_from(i + 1).unwrap();
                    }
                    prop_assert_eq!(&numbers, &numbered, "before {} of {:?}", end, text);
                }
            }

            /// Small windows anywhere in generated articles: every edge
            /// falls near fences, lists and quotes.
            #[test]
            fn windows_anywhere_give_the_whole_parse_s_positions(
                text in document(),
                at in 0.0..=1.0f64,
                before in 0usize..400,
                after in 0usize..600,
            ) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
                let at = (at * text.len() as f64) as usize;
                if let Err(e) = same_positions(&text, at, (before, after)) {
                    prop_assert!(false, "{}\n{}", e, text);
                }
            }
        }
    }

    #[test]
    fn link_definitions_are_found_on_the_lines_that_open_with_a_label() {
        let text = "[first]: /one\n\nText.\n\n[[nested]]: /no\n\n[a] [b]: /no\n\n[]: /no\n\n\
                    [Next Line]:\n  /two\n\n[^note]: a note\n\n[x]: /three\n[y]: </four>\n\n\
                    ```\n[in]: /code\n# a comment\n[in2]: /code\n```\n";
        let Scan { defs, .. } = Scan::of(text);
        let mut found: Vec<(&str, &str)> = defs
            .references
            .iter()
            .map(|(l, d)| (l.as_str(), d.as_str()))
            .collect();
        found.sort_unstable();
        assert_eq!(
            found,
            [
                ("first", "/one"),
                ("next line", "/two"),
                ("x", "/three"),
                ("y", "/four"),
            ]
        );
        assert!(defs.footnote_labels(text).contains("note"));
    }

    #[test]
    fn runs_of_one_line_notes_are_cut_between() {
        let text = "Text.[^a][^b][^c]\n\n[^a]: one\n[^b]: two\n[^c]: three\n";
        let starts = block_starts(text, 0, text.len());
        for label in ["[^a]:", "[^b]:", "[^c]:"] {
            assert!(starts.contains(&text.find(label).unwrap()), "{label}");
        }
        // Labels with spaces in them too (`[^Note 1]`): a run of 100,000
        // of them was one piece, whose parse tree took 27 MB at once.
        let text = "Text.[^Note 1][^ b][^c  D]\n\n[^Note 1]: one\n[^ b]: two\n[^c  D]: three\n";
        let starts = block_starts(text, 0, text.len());
        for label in ["[^Note 1]:", "[^ b]:", "[^c  D]:"] {
            assert!(starts.contains(&text.find(label).unwrap()), "{label}");
        }
        let doc = crate::parse::parse(text);
        assert_eq!(doc.footnotes.defined().count(), 3);
        let text: Arc<str> = text.into();
        for size in [1, 8, 30] {
            let pieces = crate::parse::join::parse_in_pieces(&text, size, 1, &super::super::NEVER);
            assert_eq!(pieces.as_ref(), Some(&doc), "pieces of {size} bytes");
        }
        // Not after a table's rows, nor after a note that goes on.
        for text in [
            "| a |\n|---|\n[^a]: x\n[^b]: y\n",
            "Text.\n\n[^a]: x\n    more\n[^b]: y\n",
            "Text.\n\n[^a]: ```\n[^b]: y\n",
        ] {
            let starts = block_starts(text, 0, text.len());
            assert!(!starts.contains(&text.find("[^b]").unwrap()), "{text:?}");
        }
        // A long run of notes in pieces is the whole.
        let notes: Arc<str> = Arc::from(crate::testgen::many_footnotes(1, 300));
        let whole = crate::parse::parse(&notes);
        let stop = AtomicBool::new(false);
        for piece in [64, 1000] {
            let joined = crate::parse::join::parse_in_pieces(&notes, piece, 2, &stop).unwrap();
            assert!(whole == joined, "pieces of {piece}");
        }
    }

    #[test]
    fn pieces_of_many_notes_hold_a_bounded_number_of_them() {
        // 5,000 uses, then 5,000 one-line definitions: by size alone, one
        // piece.
        let notes = crate::testgen::many_footnotes(3, 5000);
        let pieces = Pieces::new(&notes, 1 << 30, 1);
        assert!(pieces.ranges.len() >= 4, "{:?}", pieces.ranges);
        let mut end = 0;
        for r in &pieces.ranges {
            assert_eq!(r.start, end, "the pieces follow one another");
            end = r.end;
            let part = &notes[r.clone()];
            // A paragraph has 16 uses; a definition, one mark.
            let marks = memchr::memmem::find_iter(part.as_bytes(), b"[^").count();
            assert!(marks < PIECE_MARKS + 16, "{marks} marks in {r:?}");
            let blocks = block_starts(&notes, r.start, r.end - 1).len();
            assert!(blocks <= PIECE_BLOCKS + 1, "{blocks} blocks in {r:?}");
        }
        assert_eq!(end, notes.len());
        // And they are parsed as the whole is.
        let notes: Arc<str> = Arc::from(notes);
        let stop = AtomicBool::new(false);
        let joined = crate::parse::join::parse_in_pieces(&notes, 1 << 30, 2, &stop).unwrap();
        assert!(joined == crate::parse::parse(&notes));
    }

    #[test]
    fn a_whole_tag_line_is_one_valid_tag() {
        for ok in [
            "<div>",
            "<a href=\"x\">",
            "<img src='y' alt=z />",
            "</span >",
            "<x-y data-a=1 :b _c>  ",
            "<br/>",
        ] {
            assert!(whole_tag_line(ok.as_bytes()), "{ok}");
        }
        for no in [
            "<h 1a>",
            "<a href=\"x>",
            "<a>text",
            "<a =b>",
            "<1a>",
            "</a b>",
            "<a b=>",
            "<a",
        ] {
            assert!(!whole_tag_line(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn the_set_of_footnote_labels_finds_each_label_once() {
        // Labels as written, and as they read: in capitals, with runs of
        // spaces.
        let text = "Text.\n\n[^b]: B.\n[^a]: A.\n[^C]: C.\n[^a]: Again.\n[^ab]: AB.\n\
                    [^x  Y]: XY.\n[^c]: C again.\n";
        let Scan { defs, .. } = Scan::of(text);
        let notes = &defs.notes;
        let labels: Vec<&str> = (notes.labels.iter())
            .map(|&at| notes.label(text, at))
            .collect();
        assert_eq!(labels, ["a", "ab", "b", "c", "x y"]);
        // Each label once, where it is first defined.
        let first = |label: &str| narrow(text.find(label).unwrap());
        assert_eq!(notes.labels[0], first("[^a]"));
        assert_eq!(notes.place(notes.labels[3]), first("[^C]"));
        assert_ne!(notes.labels[3], first("[^C]"), "a label of its own");
        assert_eq!(notes.own.len(), 2, "only the labels that read otherwise");
        let defined = defs.footnote_labels(text);
        assert_eq!(defined.len(), 5);
        for (rank, label) in ["a", "ab", "b", "c", "x y"].iter().enumerate() {
            assert_eq!(defined.rank(label), Some(rank));
            assert_eq!(defined.at_rank(rank), *label);
        }
        assert!(!defined.contains("d") && !defined.contains("C") && !defined.is_empty());
        let none = Definitions::none();
        let none = none.footnote_labels(text);
        assert!(none.is_empty() && !none.contains("a"));
    }

    #[test]
    fn footnote_marks_in_code_do_not_number_the_pieces_after_them() {
        let text = "Start.\n\nIn code: `[^b]`.\n\n```\n[^c]\n```\n\n<div>\n[^c]\n</div>\n\n\
                    Real[^a] and[^c] then[^b].\n\nLast.\n\n[^a]: A.\n\n[^b]: B.\n\n[^c]: C.\n";
        let pieces = Pieces::new(text, 1, 1);
        let last = pieces.ranges.len() - 1;
        // What the parse really numbered before the last piece.
        let text: Arc<str> = Arc::from(text);
        let mut numbering = Numbering::default();
        for i in 0..last {
            assert!(pieces.numbered_as(&numbering, i), "piece {i}");
            let (_, _, after) = pieces.parse(&text, i);
            pieces.advance(&text, &mut numbering, after);
        }
        assert!(pieces.numbered_as(&numbering, last));
        assert_eq!(
            pieces.footnotes_before(&text, last),
            numbering.labels(&pieces, &text)
        );
        assert_eq!(numbering.labels(&pieces, &text), ["a", "c", "b"]);
    }

    #[test]
    fn a_window_with_a_second_definition_of_a_note_reads_as_the_whole() {
        let mut text = String::from("Use[^a] and[^b].\n\n[^a]: First.\n\n");
        for i in 0..4000 {
            text.push_str(&format!("Paragraph {i} of filler text.\n\n"));
        }
        text.push_str("Again[^a] and[^b].\n\n[^a]: Second.\n\n[^b]: Only.\n");
        for at in [0, text.len() / 2, text.len() - 10] {
            check(&text, at);
        }
        let index = WindowIndex::of(&text);
        let doc = parse_window_in(&Arc::from(text.as_str()), text.len() - 10, 0, &index);
        assert_eq!(doc.footnotes.len(), 2);
    }

    #[test]
    fn a_window_keeps_no_container_of_the_stand_in_notes_after_it() {
        let text: Arc<str> = crate::testgen::many_footnotes(crate::testgen::SEED, 8000).into();
        let index = WindowIndex::of(&text);
        let doc = parse_window_in(&text, 0, 0, &index);
        let end = doc.window.clone().unwrap().end;
        assert!(
            end < text.find("[^n1]:").unwrap(),
            "no definition in the window"
        );
        assert!(doc.links.len() > 1000 && doc.containers.is_empty());
        assert_eq!(doc.footnotes.defined().count(), 0);
        assert_eq!(doc.blocks.capacity(), doc.blocks.len());
        // Its references read as footnotes all the same.
        let notes = doc
            .links
            .iter()
            .filter(|l| matches!(l.target(&text), Target::Footnote(_)));
        assert_eq!(notes.count(), doc.links.len());
        // A window with definitions in it keeps theirs.
        let at = text.find("[^n1]:").unwrap();
        let doc = parse_window_in(&text, at, 0, &index);
        assert!(!doc.containers.is_empty());
        for c in &doc.containers {
            assert!(c.first_block().is_some_and(|b| b < doc.blocks.len()));
        }
        for (_, c) in doc.footnotes.defined() {
            assert!(c < doc.containers.len());
        }
    }

    #[test]
    fn a_window_of_lone_cr_lines_matches_the_whole_parse() {
        let mut text = String::from("Intro\r\r");
        for i in 0..5000 {
            text.push_str(&format!(
                "Paragraph {i}.\r```\rcode {i}\n\nstill code\r```\n\n"
            ));
        }
        for at in [0, text.len() / 3, text.len() / 2, text.len()] {
            check(&text, at);
        }
    }

    #[test]
    fn no_block_starts_inside_a_box_that_holds_markdown() {
        let starts = |text: &str| block_starts(text, 0, text.len());
        let text = "a\n\n<div align=\"center\">\n\nb\n\n<details><summary>s</summary>\n\nc\n\n</details>\n\nd\n\n</DIV>\n\ne\n";
        let e = text.find("e\n").unwrap();
        assert_eq!(starts(text), [0, 3, e]);
        // Tags in code spans and comments are not tags; an end tag with
        // none open closes nothing.
        let text = "</p>\n\n<p>\n\nUse `</p>` <!-- </p> -->\n\n</p>\n\nz\n";
        assert_eq!(starts(text), [0, 6, text.find("z\n").unwrap()]);
    }

    #[test]
    fn a_form_feed_line_goes_on_with_an_open_paragraph() {
        // A line of spaces with a form feed or vertical tab: pulldown-cmark
        // takes it for a line of the paragraph before it, and for a blank
        // line anywhere else (after a heading, a table, an HTML block).
        let starts = |text: &str| block_starts(text, 0, text.len());
        assert_eq!(starts("a\n\u{c}\nb\n"), [0]);
        assert_eq!(starts("1\n- a\n \u{b}\nb\n"), [0]);
        assert_eq!(starts("# h\n\u{c}\nb\n"), [0, 6]);
        assert_eq!(starts("|a|b|\n|-|-|\n\u{c}\nb\n"), [0, 14]);
        assert_eq!(starts("a\n===\n\u{c}\nb\n"), [0, 8]);
        // A vertical tab ends an HTML block: the fence after it is one.
        assert_eq!(
            starts("<div></div>\n\u{b}\n```\n\nx\n```\n\nc\n"),
            [0, 14, 26]
        );
        // Each of these is parsed in pieces as in one parse: the lines
        // after the form feed are the paragraph's, and the fence opens.
        for text in [
            "\u{fffd}\n\u{c}\n0",
            "a\n\u{c}\n<x-y>\n```\nz\n\nend\n",
            "> a\n\t\u{c}\n<x-y>\n```\nz\n\nend\n",
            "[^n]: note\n\u{c} \n<x-y>\n```\nz\n\nend\n",
            "# h\n\u{c}\n<x-y>\n```\nz\n\nend\n",
            "a|b\n-|-\n1|2\n\u{b}\n<x-y>\n```\nz\n\nend\n",
        ] {
            assert_pieces_read_as_one(text);
        }
    }

    #[test]
    fn footnote_labels_match_as_the_parser_matches_them() {
        // pulldown-cmark matches a use with its definition whatever the
        // case and the spaces in the label: the scan of the pieces and the
        // numbers follow it.
        for text in [
            "a[^1]\n\np\n\nq\n\n[^ 1]: n\n",
            "a[^1 ]\n\np\n\nq\n\n[^1]: n\n",
            "a[^x y]\n\np\n\nq\n\n[^X \t y]: n\n",
            "a[^X]\n\np\n\nq\n\n[^x]: n\n",
        ] {
            let doc = crate::parse::parse(text);
            assert_eq!(doc.footnotes.len(), 1, "{text:?}");
            let note = doc
                .links
                .iter()
                .position(|l| l.target(text) == Target::Footnote(1));
            let to = note.and_then(|i| doc.link_destination(i));
            assert_eq!(to, Some(Position(text.len() - 2)), "{text:?}");
            assert_pieces_read_as_one(text);
        }
    }

    /// Joined from pieces of one byte, `text` is the document one parse
    /// gives.
    fn assert_pieces_read_as_one(text: &str) {
        let stop = AtomicBool::new(false);
        let joined = crate::parse::join::parse_in_pieces(&Arc::from(text), 1, 1, &stop);
        assert!(joined == Some(crate::parse::parse(text)), "{text:?}");
    }

    #[test]
    fn a_fence_open_to_the_end_keeps_no_last_line_of_spaces() {
        // The last piece has a stand-in footnote definition after it (the
        // scan takes the mark in the code for a use), so its fence is
        // closed first: a last line of only spaces, which pulldown-cmark
        // leaves out of a fence at the end of the file, stays out.
        for text in [
            "[^1]: note\n\np\n\n```\n[^1]\n   ",
            "[^1]: note\n\np\n\n```\n[^1]\n\t",
            "[^1]: note\n\np\n\n```\n[^1]\n  b",
            "[^1]: note\n\np\n\n> ```\n> [^1]\n>    ",
            "[^1]: note\n\np\n\n- ```\n  [^1]\n     ",
        ] {
            assert_pieces_read_as_one(text);
        }
    }

    #[test]
    fn fences_front_matter_and_comments_hold_no_block_start() {
        let text = "---\ntitle: x\n\nkey: y\n---\n\nPara.\n\n```\ncode\n\nnot a start\n```\n\n\
                    <!-- a\n\nnot a start -->\n\nLast.\n";
        let starts = block_starts(text, 0, text.len());
        let lines: Vec<&str> = starts
            .iter()
            .map(|&s| text[s..].lines().next().unwrap())
            .collect();
        assert_eq!(lines, ["Para.", "```", "<!-- a", "Last."]);
    }

    #[test]
    fn a_single_line_is_cut_between_words() {
        let text = "word ".repeat(400_000);
        let r = window_around(&text, 1_000_000);
        assert!(r.start > 0 && r.end < text.len(), "{r:?}");
        assert!(r.len() < 4 * (BEFORE + AFTER));
        assert_eq!(&text[r.start..r.start + 4], "word");
    }
    #[test]
    fn lines_outside_code_as_gaps_at_the_edges() {
        // Code first and last, with and without a final line end.
        for text in [
            "```\ncode\n```\nprose\n\n```\nmore\n",
            "```\ncode\n```\nprose\n\n```\nmore",
            "prose\nprose\n",
            "prose",
            "```\nonly code\n```\n",
            "",
        ] {
            let scanned = Scanned::of(text);
            let outside = Outside::of(text, &scanned.outside);
            let lines = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
            for line in lines {
                let listed = scanned.outside.binary_search(&narrow(line)).is_ok();
                assert_eq!(outside.has(line), listed, "{line} of {text:?}");
            }
        }
        let text = "```\ncode\n```\nprose\n";
        let outside = Outside::of(text, &Scanned::of(text).outside);
        // The fence's lines after its opening one, then what follows the
        // last line outside.
        assert_eq!(outside.gaps, vec![(4, 13), (19, u32::MAX)]);
        assert!(outside.any && outside.has(0) && outside.has(13) && !outside.has(4));
        assert!(!Outside::default().any);
    }
}
