//! A window far into a long article of which only the head and the bytes
//! around one place are read yet: `50%` or `G` pressed right after the
//! first screen, while the rest of the file is still being read. `less`
//! seeks there and shows the bytes; this shows the blocks.
//!
//! Where a block surely starts depends on every line before it (a fence
//! opened a megabyte earlier is still open), and those lines are not read.
//! The window is cut where the bytes around the place say blocks start,
//! on the likelier of two guesses: that those bytes begin outside fenced
//! code, or inside a fence that their first bare fence line closes. The
//! likelier one leaves less of them in code: articles are mostly prose.
//! Positions are byte offsets into the whole text either way, so the
//! reader's place is exact; the blocks are the whole parse's when the
//! guess is right, and are parsed again from the whole text once it is
//! read (`tui::head`), which puts a wrong guess right.

use std::ops::Range;
use std::sync::Arc;

use super::{
    Definitions, WindowIndex, fence_open, narrow, parse_range, strip_containers, strip_quotes,
};
use crate::document::Document;
use crate::parse::Numbered;

/// An article of `len` bytes of which only `bytes`, found at byte `at`,
/// are known: the known part cut to whole lines, at the offsets it has in
/// the article, and NUL bytes everywhere else, never looked at (the
/// allocation is zeroed by the system, so the untouched pages cost no
/// memory). With the range of the known part; `None` when no whole line
/// of valid UTF-8 without a lone CR is left (the whole must be read, and
/// decoded, to know what those bytes are).
pub fn sparse(len: usize, at: usize, bytes: &[u8]) -> Option<(Arc<str>, Range<usize>)> {
    let end_of = at.checked_add(bytes.len())?;
    if end_of > len {
        return None;
    }
    let Range { start, end } = line_cut(bytes, at == 0, end_of == len);
    let known = bytes.get(start..end).filter(|k| !k.is_empty())?;
    let text = std::str::from_utf8(known).ok()?;
    if crate::parse::has_lone_cr(text) {
        return None;
    }
    let zeroed: Arc<[std::mem::MaybeUninit<u8>]> = Arc::new_zeroed_slice(len);
    // SAFETY: every byte was zeroed, and a zero byte is an initialised u8.
    let mut buffer: Arc<[u8]> = unsafe { zeroed.assume_init() };
    let place = at + start..at + end;
    // `known` was checked to be UTF-8 (`text` above).
    Arc::get_mut(&mut buffer)?[place.clone()].copy_from_slice(text.as_bytes());
    // SAFETY: the bytes are NULs, which are UTF-8, and in `place` a valid
    // UTF-8 text that starts and ends at a line or at the ends of the
    // buffer: the whole is valid UTF-8, which is all a `str` asks.
    // `Arc<[u8]>` and `Arc<str>` have the same layout.
    let text: Arc<str> = unsafe { Arc::from_raw(Arc::into_raw(buffer) as *const str) };
    Some((text, place))
}

/// The window around byte `at` of `text`, an article of which only the
/// bytes in `known` are read (see `sparse`), keeping about `before` and
/// `after` bytes around `at`. Its blocks start where the bytes of `known`
/// say (see the module's notes); links and notes defined elsewhere read
/// as text, and notes are numbered from 1, until the whole is read. With
/// whether it starts and ends where blocks do: when not (a table longer
/// than `known`), its first or last block is cut, and laid out otherwise
/// than in the whole; more bytes around `at` may give whole ones.
pub fn parse_far(
    text: &Arc<str>,
    known: Range<usize>,
    at: usize,
    (before, after): (usize, usize),
) -> (Document, bool) {
    let known = known.start.min(text.len())..known.end.min(text.len());
    let from = likely_outside(&text[known.clone()]) + known.start;
    // Past a fence the guess ends before `at`: the window starts there.
    let at = at.clamp(from, known.end);
    // The line before the first is not known: whether a block starts on
    // the first is not either.
    let starts: Arc<[u32]> = super::scan(
        &text[from..known.end],
        from == 0,
        0,
        known.end - from,
        &mut Vec::new(),
        &mut Vec::new(),
    )
    .0
    .into_iter()
    .map(|s| s + from)
    .filter(|&s| s > from || s == 0)
    .map(narrow)
    .collect();
    let index = WindowIndex {
        defs: Definitions::none(),
        starts,
        len: text.len(),
        covers: text.len(),
        scanned: false,
        uses: None,
    };
    // Cut inside `known` only: past it are NULs.
    let before = before.min(at - from);
    let after = after.min(known.end - at);
    // A guess knows no block far back: none is opened again.
    let range = super::window_among(
        text,
        at,
        (before, after),
        |from, to| index.starts_between(from, to),
        |_| None,
    )
    .range;
    let range = range.start.max(from)..range.end.min(known.end).max(range.start.max(from));
    let edge = |at: usize| index.starts.binary_search(&narrow(at)).is_ok();
    let whole =
        (range.start == 0 || edge(range.start)) && (range.end == text.len() || edge(range.end));
    let mut doc = parse_range(
        text,
        range.clone(),
        Numbered::NONE,
        &index.defs,
        true,
        None,
        &crate::parse::NEVER,
    )
    .map(|(doc, _)| doc)
    .unwrap_or_default();
    super::scale_words(&mut doc, &range, text.len());
    doc.window = Some(range);
    (doc, whole)
}

/// Bytes read around a far window beyond what it keeps, for the guess of
/// where blocks start; four times more while a block runs past them (a
/// long table), up to `AROUND_MAX`.
const AROUND: usize = 8 * 1024;
const AROUND_MAX: usize = 512 * 1024;

/// The window around byte `at` of an article `len` bytes long, keeping
/// `sizes` bytes around it (see `parse_far`), from the bytes that
/// `read(from, to)` gives of it: the text (see `sparse`) and the part of
/// it known, whole lines of `from..to`. A block longer than the bytes
/// read (a long table) is read whole, up to `AROUND_MAX` bytes around,
/// so that it is laid out as the whole lays it out. `None` when the
/// bytes cannot be read, or the guess leaves the place inside a fence
/// opened before them (only the whole can say what is there).
pub fn far_window(
    len: usize,
    at: usize,
    (before, after): (usize, usize),
    mut read: impl FnMut(usize, usize) -> Option<(Arc<str>, Range<usize>)>,
) -> Option<Document> {
    let mut around = AROUND;
    loop {
        let from = at.saturating_sub(before + around);
        let to = at.saturating_add(after + around).min(len);
        let (text, known) = read(from, to).filter(|(_, known)| !known.is_empty())?;
        let (doc, whole) = parse_far(&text, known, at, (before, after));
        // Past a fence that the guess closes after the place: the blocks
        // there are not known.
        if doc.window.as_ref().is_none_or(|w| w.start > at) {
            return None;
        }
        if whole || around >= AROUND_MAX || (from == 0 && to == len) {
            return Some(doc);
        }
        around *= 4;
    }
}

/// The whole lines of `text[from..to]`: from the start of the line after
/// the one `from` is in (unless `from` is 0), to the end of the last line
/// that ends before `to` (unless `to` is the end). The part of a text
/// that is all there which `far_window` reads as known, where the index
/// of where its blocks start is not made yet.
pub fn whole_lines(text: &str, from: usize, to: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let to = to.min(bytes.len());
    let from = from.min(to);
    let cut = line_cut(&bytes[from..to], from == 0, to == bytes.len());
    cut.start + from..cut.end + from
}

/// The whole lines of `bytes`, a part of a text: from the start of the
/// line after the first line end (from 0 when the part starts the
/// text), to the end of its last line end (to its end when the part ends
/// the text); empty when no whole line is in it.
fn line_cut(bytes: &[u8], starts_text: bool, ends_text: bool) -> Range<usize> {
    let start = if starts_text {
        0
    } else {
        memchr::memchr(b'\n', bytes).map_or(bytes.len(), |i| i + 1)
    };
    let end = if ends_text {
        bytes.len()
    } else {
        memchr::memrchr(b'\n', &bytes[start..]).map_or(start, |i| start + i + 1)
    };
    start..end.max(start)
}

/// Where the scan of `part`, lines from the middle of an article, starts
/// on the likelier guess (see the module's notes): 0, or the start of the
/// line after the first bare fence line, when reading that line as the
/// end of a fence leaves less of `part` in code than reading it as an
/// opening one.
fn likely_outside(part: &str) -> usize {
    let bytes = part.as_bytes();
    let Some(closer) = lines(bytes)
        .find_map(|(at, line)| bare_fence(strip_quotes(line)).map(|_| (at, line.len())))
    else {
        return 0;
    };
    let after = (closer.0 + closer.1 + 1).min(bytes.len());
    let outside = code_bytes(bytes, 0, None);
    let inside = closer.0 + code_bytes(bytes, after, None);
    if inside < outside { after } else { 0 }
}

/// The bytes of `bytes[from..]` inside fenced code, read from `from` with
/// `open` the fence open there.
fn code_bytes(bytes: &[u8], from: usize, mut open: Option<(u8, usize)>) -> usize {
    let mut code = 0;
    for (_, line) in lines(&bytes[from..]) {
        match open {
            Some((c, n)) => {
                let inner = strip_quotes(line);
                if bare_fence(inner).is_some_and(|(d, m)| d == c && m >= n) {
                    open = None;
                } else {
                    code += line.len() + 1;
                }
            }
            None => open = fence_open(strip_containers(line)),
        }
    }
    code
}

/// A fence line with nothing after its run of backticks or tildes: one
/// that can close a fence. Its character and length.
fn bare_fence(line: &[u8]) -> Option<(u8, usize)> {
    let (c, n) = fence_open(line)?;
    let indent = line.iter().take_while(|&&b| b == b' ').count();
    line[indent + n..]
        .iter()
        .all(u8::is_ascii_whitespace)
        .then_some((c, n))
}

/// The lines of `bytes`, with the offset of each, without their `\n`.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        if at >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        let line = (at, &bytes[at..end]);
        at = end + 1;
        Some(line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    /// The blocks of `doc` that start in `range`, with their text.
    fn blocks(doc: &Document, range: &Range<usize>) -> Vec<(Range<usize>, String)> {
        crate::parse::window::tests::kinds(doc, range.clone())
    }

    /// The far window at `at` of `text`, knowing `known` of it, has the
    /// whole parse's blocks, but for the last one or two (which may be
    /// cut), at the same offsets; with `texts`, with the same text too
    /// (not where links or notes are defined outside the window).
    fn same_as_whole(
        text: &str,
        known: Range<usize>,
        at: usize,
        sizes: (usize, usize),
        texts: bool,
    ) -> bool {
        // From the end of the line before: the first line read whole is
        // then the one at the start of `known`.
        let read = known.start.saturating_sub(1)..known.end;
        let (sparse, place) = sparse(text.len(), read.start, text[read].as_bytes()).unwrap();
        assert_eq!(place, known);
        let (far, edges) = parse_far(&sparse, place.clone(), at, sizes);
        let window = far.window.clone().unwrap();
        assert!(place.start <= window.start && window.end <= place.end);
        assert!(window.contains(&at.clamp(place.start, place.end - 1)));
        assert_eq!(far.source_len, text.len());
        // A window that says it is cut inside a block (the caller then
        // reads more bytes) need not hold the whole's blocks.
        if !edges {
            return false;
        }
        let whole = crate::parse::parse(text);
        let (mut w, mut f) = (blocks(&far, &window), blocks(&whole, &window));
        if !texts {
            for (_, text) in w.iter_mut().chain(f.iter_mut()) {
                text.clear();
            }
        }
        assert!(w.len() + 2 >= f.len(), "{w:?}\n{f:?}");
        for i in 0..w.len().min(f.len()).saturating_sub(2) {
            assert_eq!(w[i], f[i], "block {i} of {window:?}");
        }
        true
    }

    fn article(sections: usize) -> String {
        let mut text = String::from("# An article\n\nIt starts here.\n\n");
        for i in 0..sections {
            text.push_str(&format!(
                "## Part {i}\n\nA paragraph of prose about part {i}, long enough to \
                 wrap on a narrow screen.\n\n```\nlet code = {i};\n\nlet more = {i};\n```\n\n\
                 - a list item\n- another\n\n> a quote\n\nMore prose after it.\n\n"
            ));
        }
        text
    }

    #[test]
    fn a_far_window_knows_where_blocks_start_from_the_bytes_around_it() {
        let text = article(400);
        for at in [text.len() / 3, text.len() / 2, text.len() - 500] {
            // Known bytes that begin outside code, and inside it.
            for back in [3000, 3050, 3100, 3120, 3140, 3170, 3200] {
                let start = text[..at - back].rfind('\n').unwrap() + 1;
                let end = (at + 4000).min(text.len());
                let end = if end == text.len() {
                    end
                } else {
                    text[..end].rfind('\n').unwrap() + 1
                };
                assert!(same_as_whole(&text, start..end, at, (1000, 2000), true));
            }
        }
    }

    #[test]
    fn the_end_of_the_file_is_a_window_of_its_own() {
        let text = article(200);
        let start = text.len() - 6000;
        assert!(same_as_whole(
            &text,
            start..text.len(),
            text.len(),
            (2000, 2000),
            true
        ));
    }

    #[test]
    fn the_guess_is_the_one_that_leaves_less_code() {
        // Known bytes that start inside a fence: its end is bare.
        let part =
            "let a = 1;\n```\n\nProse.\n\nMore prose, and more.\n\n```rust\nfn f() {}\n```\n";
        assert_eq!(likely_outside(part), part.find("\n\nProse").unwrap() + 1);
        // Known bytes that start in prose: the bare fence opens code.
        let part = "Prose, a long paragraph of it.\n\nMore prose.\n\n```\ncode\n```\n\nProse.\n";
        assert_eq!(likely_outside(part), 0);
        assert_eq!(likely_outside("Only prose.\n\nAnd more.\n"), 0);
    }

    mod random {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig {
                cases: 200,
                // About half the windows say they are cut inside a block.
                max_global_rejects: 8192,
                failure_persistence: None,
                ..ProptestConfig::default()
            })]

            /// Bytes read from the line before a block start of the
            /// whole (a blank line, outside any fence: whether a block
            /// starts on the first line read is not known), where the
            /// guess is that they begin outside fenced code: the whole
            /// parse's blocks, at its offsets.
            #[test]
            fn a_far_window_read_from_before_a_block_start_has_the_whole_parse_s_blocks(
                text in crate::parse::window::tests::random::document(),
                first in 0.0..1.0f64,
                at in 0.0..=1.0f64,
                before in 0usize..400,
                after in 1usize..600,
            ) {
                let starts = super::super::super::WindowIndex::of(&text).starts;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
                let block = starts[(first * starts.len() as f64) as usize] as usize;
                prop_assume!(block > 0);
                let start = text[..block - 1].rfind('\n').map_or(0, |i| i + 1);
                prop_assume!(likely_outside(&text[start..]) == 0);
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_precision_loss)]
                let at = block + (at * (text.len() - block) as f64) as usize;
                prop_assume!(same_as_whole(&text, start..text.len(), at, (before, after), false));
            }
        }
    }

    #[test]
    fn only_whole_lines_of_utf8_are_known() {
        let text = "first line\nsecond line\nthird é line\nlast";
        let (sparse_text, place) = sparse(text.len(), 3, &text.as_bytes()[3..30]).unwrap();
        assert_eq!(&sparse_text[place.clone()], "second line\n");
        assert_eq!(place, 11..23);
        assert!(sparse_text[..place.start].bytes().all(|b| b == 0));
        assert!(sparse_text[place.end..].bytes().all(|b| b == 0));
        // To the end of the file, the last line counts without its end.
        let (_, place) = sparse(text.len(), 20, &text.as_bytes()[20..]).unwrap();
        assert_eq!(&text[place], "third é line\nlast");
        // Broken UTF-8, a lone CR, nothing whole, or past the end: none.
        assert!(sparse(10, 0, b"ab\xff\ncd\n").is_none());
        assert!(sparse(10, 0, b"ab\rcd\n").is_none());
        assert!(sparse(100, 5, b"no line end").is_none());
        assert!(sparse(4, 2, b"abc\n").is_none());
    }
}
