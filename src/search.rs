//! Search in the article: every match of a query in the text as the reader
//! sees it, returned as ranges of source bytes.
//!
//! Matching runs on the rendered text, not on the Markdown: the spans of
//! every block with whitespace collapsed to single spaces (the `PlainText`
//! that anchors use too), so a phrase split by emphasis or a soft line break
//! is found, and `**word**` is found by `word`. Case is smart: a query
//! without a capital letter ignores case, one with a capital matches it
//! exactly. Typographic quotes, apostrophes and dashes match their plain
//! ASCII forms and each other, so `don't` finds `don’t`. The query becomes
//! a regular expression (each character a literal, or the class of its
//! quotes or dashes; case folded by the engine).
//!
//! The text is gathered as the scan goes, a stretch at a time, and dropped
//! behind it: no copy of the whole article's text is kept, which for a long
//! article would be as big as the article, and a search costs about what
//! gathering and scanning the text once does (under 50 ms at 10 MB).

use std::ops::Range;

use crate::document::Document;
use crate::position::PlainText;

/// Bytes of text gathered before each scan: small enough to stay in the
/// cache, large enough that starting a scan costs nothing.
const STRETCH: usize = 64 * 1024;

/// The characters a typed quote or dash matches: its typographic and plain
/// forms, as the inside of a class.
fn variants(c: char) -> Option<&'static str> {
    match c {
        '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' => Some("'\u{2019}\u{2018}\u{02BC}"),
        '"' | '\u{201C}' | '\u{201D}' => Some("\"\u{201C}\u{201D}"),
        '-' | '\u{2013}' | '\u{2014}' => Some("\\-\u{2013}\u{2014}"),
        _ => None,
    }
}

/// The pattern for `query`: whitespace runs as one space (the plain text
/// has no other), quotes and dashes as classes, case ignored when the
/// query has no capital.
fn pattern(query: &str) -> String {
    let mut out = String::with_capacity(query.len() * 2 + 4);
    if !query.chars().any(char::is_uppercase) {
        out.push_str("(?i)");
    }
    let mut space = false;
    let mut any = false;
    let chars: Vec<char> = query.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && any {
            out.push(' ');
        }
        space = false;
        any = true;
        // What smart punctuation makes of `...`, `--` and `---` (an
        // ellipsis, an en or em dash) is found by them, and the other way.
        let run = chars[i - 1..].iter().take_while(|&&d| d == c).count();
        if c == '.' && run == 3 || c == '\u{2026}' {
            i += if c == '.' { 2 } else { 0 };
            out.push_str("(?:\\.\\.\\.|\u{2026})");
            continue;
        }
        if c == '-' && (2..=3).contains(&run) {
            i += run - 1;
            out.push_str("(?:-{2,3}|[\u{2013}\u{2014}])");
            continue;
        }
        if matches!(c, '\u{2013}' | '\u{2014}') {
            out.push_str("(?:-{1,3}|[\u{2013}\u{2014}])");
            continue;
        }
        match variants(c) {
            Some(class) => {
                out.push('[');
                out.push_str(class);
                out.push(']');
            }
            None => out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// Whether `text` (a note, a label: text that is not the article's) holds
/// `query`, matched as in the article: smart case, whitespace runs as one,
/// quotes and dashes in any form.
pub fn text_holds(text: &str, query: &str) -> bool {
    if query.trim().is_empty() {
        return false;
    }
    let spaced = text.split_whitespace().collect::<Vec<_>>().join(" ");
    regex::Regex::new(&pattern(query)).is_ok_and(|re| re.is_match(&spaced))
}

/// The source ranges of every match of `query` in `doc`, in order and not
/// overlapping. Whitespace in the query matches any run of whitespace; an
/// empty or blank query matches nothing.
pub fn find_all(doc: &Document, query: &str) -> Vec<Range<usize>> {
    find_in_stretches(doc, query, STRETCH)
}

/// `find_all`, gathering `stretch` bytes of text before each scan.
fn find_in_stretches(doc: &Document, query: &str, stretch: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    scan(doc, query, stretch, 0, |m| {
        out.push(m);
        true
    });
    out
}

/// Source bytes on either side of a place that `find_around` keeps the
/// matches of: many screens of text.
const NEAR: usize = 256 * 1024;

/// The matches of a search that are kept at once: those around one place
/// of the article, and where they stand among all of them. A single letter
/// matches over a million times in a long article, and keeping them all
/// took more memory than the article; the screen and the moves to the
/// next or the previous match only need those around.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// In order: every match that starts within `NEAR` bytes of the place,
    /// and the nearest one beyond that on either side, so that the next
    /// and the previous match of any kept one are known.
    pub matches: Vec<Range<usize>>,
    /// How many matches come before the first of `matches`.
    pub before: usize,
    /// How many matches there are in all.
    pub total: usize,
    /// Where a search for the same query in the same document can start
    /// again (`find_again`), about every `RESUME_EVERY` bytes; none when
    /// every match is kept.
    pub resumes: Vec<Resume>,
}

/// A block that a scan can start from and find what a scan of the whole
/// article finds from there on: `before` matches start before it, and the
/// last of them ends before it (a match can run from one block into the
/// next, and one scan finds no overlapping matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resume {
    block: usize,
    before: usize,
}

/// Source bytes between the blocks a search can start again from: a
/// search that keeps only the matches around the screen finds them again,
/// when the reader moves far, from the last of those blocks before them
/// rather than from the start of the article: 1-3 ms instead of 43 for
/// "the" at 10 MB.
const RESUME_EVERY: usize = 64 * 1024;

impl Found {
    /// Whether the matches kept are those around source byte `at`: no
    /// match is left out between it and them.
    pub fn covers(&self, at: usize) -> bool {
        covers(&self.matches, self.before, self.total, at)
    }
}

/// Whether `matches`, a run of all `total` matches that has `before`
/// others before it, leaves out no match between source byte `at` and
/// itself.
pub fn covers(matches: &[Range<usize>], before: usize, total: usize, at: usize) -> bool {
    let (Some(first), Some(last)) = (matches.first(), matches.last()) else {
        return true;
    };
    (before == 0 || first.start <= at) && (before + matches.len() == total || at <= last.start)
}

/// Up to this many matches are all kept (a quarter of a megabyte): moving
/// between them never needs another scan, however far apart they are.
const KEEP_ALL: usize = 16 * 1024;

/// The matches of `query` around source byte `at` (see `Found`), from one
/// scan of the article (see `find_all`); all of them when they are few.
pub fn find_around(doc: &Document, query: &str, at: usize) -> Found {
    find_around_within(doc, query, at, NEAR, KEEP_ALL)
}

/// `find_around`, keeping the matches within `near` bytes of `at`, or all
/// of them when there are no more than `keep_all`.
fn find_around_within(
    doc: &Document,
    query: &str,
    at: usize,
    near: usize,
    keep_all: usize,
) -> Found {
    find_around_every(doc, query, at, near, keep_all, RESUME_EVERY)
}

/// `find_around_within`, with a block to resume from every `every` bytes.
fn find_around_every(
    doc: &Document,
    query: &str,
    at: usize,
    near: usize,
    keep_all: usize,
    every: usize,
) -> Found {
    let mut counting = Counting::with(doc, query, at, (near, keep_all, every));
    while counting.step(doc, usize::MAX) {}
    counting.finish()
}

/// `find_around`, a few stretches of text at a time: a search typed in a
/// long article shows the matches near the screen at once (`find_near`),
/// and counts them all between keys, never keeping a key waiting.
pub struct Counting {
    scanner: Scanner,
    /// The matches from `from` to `to` are kept.
    from: usize,
    to: usize,
    keep_all: usize,
    every: usize,
    found: Found,
    last_before: Option<Range<usize>>,
    beyond: bool,
    /// Every match while there are at most `keep_all`.
    all: Option<Vec<Range<usize>>>,
    /// The next block to resume from, the first at or after a multiple of
    /// `every`, and where the last match so far ends.
    next: usize,
    last_end: usize,
    over: bool,
}

impl Counting {
    /// The count of the matches of `query` in `doc`, keeping those around
    /// source byte `at`, to be made with `step`.
    pub fn new(doc: &Document, query: &str, at: usize) -> Counting {
        Counting::with(doc, query, at, (NEAR, KEEP_ALL, RESUME_EVERY))
    }

    fn with(
        doc: &Document,
        query: &str,
        at: usize,
        (near, keep_all, every): (usize, usize, usize),
    ) -> Counting {
        let every = every.max(1);
        Counting {
            scanner: Scanner::new(query, STRETCH, 0),
            from: at.saturating_sub(near),
            to: at.saturating_add(near),
            keep_all,
            every,
            found: Found::default(),
            last_before: None,
            beyond: false,
            all: Some(Vec::new()),
            next: block_after(doc, every),
            last_end: 0,
            over: false,
        }
    }

    /// Scan up to `stretches` more stretches of the text (64 KiB each).
    /// False once every match is counted.
    pub fn step(&mut self, doc: &Document, stretches: usize) -> bool {
        for _ in 0..stretches {
            if self.over {
                return false;
            }
            let Counting {
                scanner,
                from,
                to,
                keep_all,
                every,
                found,
                last_before,
                beyond,
                all,
                next,
                last_end,
                ..
            } = self;
            let more = scanner.step(doc, &mut |m: Range<usize>| {
                note_resumes(doc, *every, next, m.start, found, *last_end);
                *last_end = m.end;
                found.total += 1;
                if found.total > *keep_all {
                    *all = None;
                } else if let Some(all) = all {
                    all.push(m.clone());
                }
                if m.start < *from {
                    found.before += 1;
                    *last_before = Some(m);
                } else if m.start < *to || !*beyond {
                    *beyond |= m.start >= *to;
                    found.matches.push(m);
                }
                true
            });
            if !more {
                self.over = true;
                if self.all.is_none() {
                    note_resumes(
                        doc,
                        self.every,
                        &mut self.next,
                        usize::MAX - 1,
                        &mut self.found,
                        self.last_end,
                    );
                }
            }
        }
        !self.over
    }

    /// The matches once every one is counted.
    pub fn finish(self) -> Found {
        if let Some(all) = self.all {
            return Found {
                matches: all,
                before: 0,
                total: self.found.total,
                resumes: Vec::new(),
            };
        }
        let mut found = self.found;
        if let Some(m) = self.last_before {
            found.matches.insert(0, m);
            found.before -= 1;
        }
        found
    }
}

/// The first block that starts at or after source byte `at`.
fn block_after(doc: &Document, at: usize) -> usize {
    doc.blocks.partition_point(|b| b.source().start < at)
}

/// Note the blocks a scan can resume from (see `Resume`) up to source
/// byte `upto`, `found` having counted its matches so far, the last of
/// which ends at `last_end`; `next` is the next block to note.
fn note_resumes(
    doc: &Document,
    every: usize,
    next: &mut usize,
    upto: usize,
    found: &mut Found,
    last_end: usize,
) {
    let start = |k: usize| doc.blocks.get(k).map_or(usize::MAX, |b| b.source().start);
    while start(*next) <= upto {
        if last_end <= start(*next) {
            found.resumes.push(Resume {
                block: *next,
                before: found.total,
            });
        }
        *next = block_after(doc, start(*next).saturating_add(every));
    }
}

/// The matches of `query` near source byte `at`, from a scan that starts
/// a little before the place rather than at the article's start: what a
/// search typed in a long article shows at once, while `Counting` counts
/// them all. They are those `find_around` keeps, but for a match running
/// into the block the scan starts at.
pub fn find_near(doc: &Document, query: &str, at: usize) -> Vec<Range<usize>> {
    let (from, to) = (at.saturating_sub(NEAR), at.saturating_add(NEAR));
    let first = block_after(doc, from.saturating_add(1)).saturating_sub(1);
    let mut matches = Vec::new();
    scan(doc, query, STRETCH, first, |m| {
        let beyond = m.start >= to;
        if m.start >= from {
            matches.push(m);
        }
        !beyond
    });
    matches
}

/// The matches of `query` around source byte `at`, as `find_around` finds
/// them, for a query `earlier` found in this same document with some of
/// its matches left out: the scan starts from a block it can resume from
/// before the place and stops after the first match beyond it, rather
/// than going through the whole article.
pub fn find_again(doc: &Document, query: &str, at: usize, earlier: &Found) -> Found {
    find_again_within(doc, query, at, NEAR, earlier)
}

fn find_again_within(
    doc: &Document,
    query: &str,
    at: usize,
    near: usize,
    earlier: &Found,
) -> Found {
    let (from, to) = (at.saturating_sub(near), at.saturating_add(near));
    let resumes = &earlier.resumes;
    let start = |r: &Resume| {
        doc.blocks
            .get(r.block)
            .map_or(usize::MAX, |b| b.source().start)
    };
    // The last block to resume from at or before `from`: the article's
    // start when there is none.
    let mut k = resumes.partition_point(|r| start(r) <= from);
    loop {
        let resume = k.checked_sub(1).map_or(
            Resume {
                block: 0,
                before: 0,
            },
            |i| resumes[i],
        );
        let mut found = Found {
            before: resume.before,
            total: earlier.total,
            resumes: resumes.clone(),
            ..Found::default()
        };
        let mut last_before: Option<Range<usize>> = None;
        scan(doc, query, STRETCH, resume.block, |m| {
            if m.start < from {
                found.before += 1;
                last_before = Some(m);
                return true;
            }
            let beyond = m.start >= to;
            found.matches.push(m);
            !beyond
        });
        match last_before {
            Some(m) => {
                found.matches.insert(0, m);
                found.before -= 1;
            }
            // The match before the place is before this block: from the
            // last block with fewer matches before it.
            None if resume.before > 0 => {
                k = resumes[..k - 1].partition_point(|r| r.before < resume.before);
                continue;
            }
            None => {}
        }
        return found;
    }
}

/// Call `found` with the source range of every match of `query` in `doc`
/// from block `first` on, in order (see `find_all`), gathering `stretch`
/// bytes of text at a time, until it returns false.
fn scan(
    doc: &Document,
    query: &str,
    stretch: usize,
    first: usize,
    mut found: impl FnMut(Range<usize>) -> bool,
) {
    let mut scanner = Scanner::new(query, stretch, first);
    while scanner.step(doc, &mut found) {}
}

/// A scan for the matches of a query (see `scan`) that goes a stretch of
/// text at a time, so that it can be spread over several calls.
struct Scanner {
    /// None when there is nothing to find.
    re: Option<regex::Regex>,
    stretch: usize,
    /// Bytes of text after a place that settle whether a match starts
    /// there.
    reach: usize,
    plain: PlainText,
    /// The next block to gather.
    block: usize,
    /// Where the scan goes on in `plain`: no match starts before it.
    from: usize,
}

impl Scanner {
    fn new(query: &str, stretch: usize, first: usize) -> Scanner {
        // A stretch of at least one character's bytes beyond what is
        // settled: each round then moves on by a character at least.
        let stretch = stretch.max(4);
        // Every character is escaped or a class, so the pattern is valid;
        // one too big for the engine (a pasted page) finds nothing.
        let re = (!query.trim().is_empty())
            .then(|| {
                regex::RegexBuilder::new(&pattern(query))
                    .size_limit(1 << 22)
                    .build()
                    .ok()
            })
            .flatten();
        Scanner {
            re,
            stretch,
            // Each character of the query matches one character of the
            // text, of at most 4 bytes; a match's end is mapped with the
            // character after it.
            reach: 4 * (query.chars().count() + 2),
            plain: PlainText::default(),
            block: first,
            from: 0,
        }
    }

    /// Scan one more stretch of text, calling `found` with each match in
    /// it. False when the scan is over: the article has no more text, or
    /// `found` returned false.
    fn step(&mut self, doc: &Document, found: &mut impl FnMut(Range<usize>) -> bool) -> bool {
        let Some(re) = &self.re else {
            return false;
        };
        let plain = &mut self.plain;
        let mut done = false;
        while plain.text.len() < self.from + self.stretch + self.reach {
            let Some(block) = doc.blocks.get(self.block) else {
                done = true;
                break;
            };
            self.block += 1;
            plain.push_block(&block.kind, &doc.text);
        }
        // Matches that start up to here are sure; later ones wait for
        // more text.
        let settled = if done {
            plain.text.len()
        } else {
            plain.text.len() - self.reach
        };
        while let Some(m) = re.find_at(&plain.text, self.from) {
            if m.start() > settled {
                break;
            }
            if !found(plain.source_range(m.range())) {
                self.re = None;
                return false;
            }
            self.from = m.end().max(m.start() + 1);
        }
        if done {
            self.re = None;
            return false;
        }
        // No match starts between `from` and `settled`.
        let mut cut = self.from.max(settled).min(plain.text.len());
        while !plain.text.is_char_boundary(cut) {
            cut -= 1;
        }
        plain.drain_to(cut);
        self.from = self.from.max(cut) - cut;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    /// The source text of each match.
    fn found<'a>(src: &'a str, query: &str) -> Vec<&'a str> {
        find_all(&parse(src), query)
            .into_iter()
            .map(|r| &src[r])
            .collect()
    }

    #[test]
    fn counting_a_stretch_at_a_time_finds_what_one_scan_finds() {
        let doc = parse(&crate::testgen::article(3, 300 * 1024));
        for query in ["the", "e", "quantum leap", "zzz"] {
            let all = find_all(&doc, query);
            for at in [0, doc.source_len / 3, doc.source_len] {
                let mut counting = Counting::with(&doc, query, at, (20_000, 50, 30_000));
                let mut steps = 0;
                while counting.step(&doc, 1) {
                    steps += 1;
                }
                let found = counting.finish();
                assert_eq!(
                    found,
                    find_around_every(&doc, query, at, 20_000, 50, 30_000)
                );
                assert_eq!(found.total, all.len(), "{query:?}");
                let kept = &all[found.before..found.before + found.matches.len()];
                assert_eq!(found.matches, kept, "{query:?} at {at}");
                assert!(all.is_empty() || steps > 1 || doc.source_len < STRETCH);
                // The matches near the place, found from a little before
                // it, are those kept.
                let near = find_near(&doc, query, at);
                let (from, to) = (at.saturating_sub(NEAR), at + NEAR);
                let want: Vec<_> = all
                    .iter()
                    .filter(|m| m.start >= from)
                    .take_while(|m| m.start < to)
                    .cloned()
                    .collect();
                assert_eq!(&near[..want.len()], &want[..], "{query:?} at {at}");
            }
        }
    }

    #[test]
    fn lowercase_ignores_case_and_a_capital_matches_exactly() {
        let src = "The cat saw a Cat.\n\nTHE END, the end.\n";
        assert_eq!(found(src, "the"), ["The", "THE", "the"]);
        assert_eq!(found(src, "cat"), ["cat", "Cat"]);
        assert_eq!(found(src, "Cat"), ["Cat"]);
        assert_eq!(found(src, "THE"), ["THE"]);
    }

    #[test]
    fn a_phrase_is_found_across_emphasis_and_soft_breaks() {
        let src = "A **bold** claim and a\nsoft *break in* the text.\n";
        assert_eq!(found(src, "bold"), ["bold"]);
        assert_eq!(found(src, "a bold claim"), ["A **bold** claim"]);
        assert_eq!(found(src, "and a soft break"), ["and a\nsoft *break"]);
        assert_eq!(found(src, "break in the"), ["break in* the"]);
        // Whitespace in the query matches a run of it in the text.
        assert_eq!(found(src, "claim   and"), ["claim and"]);
    }

    #[test]
    fn blocks_are_apart_by_a_space() {
        let src = "# Title\n\nFirst words.\n";
        assert_eq!(found(src, "title first"), ["Title\n\nFirst"]);
    }

    #[test]
    fn typographic_quotes_and_dashes_match_plain_ones() {
        let src = "I don\u{2019}t know \u{201C}why\u{201D} \u{2014} or when.\n";
        assert_eq!(found(src, "don't"), ["don\u{2019}t"]);
        assert_eq!(found(src, "\"why\""), ["\u{201C}why\u{201D}"]);
        assert_eq!(found(src, "- or"), ["\u{2014} or"]);
        // Both sides fold: a typographic query finds a plain text.
        let plain = "`don't` stop\n";
        assert_eq!(found(plain, "don\u{2019}t"), ["don't"]);
    }

    #[test]
    fn an_ellipsis_and_dashes_are_found_by_the_dots_and_hyphens_they_came_from() {
        // `...`, `--` and `---` are shown as `…`, `–` and `—`.
        let src = "It was really... good -- and --- more, `a...b --c`.\n";
        assert_eq!(found(src, "really..."), ["really..."]);
        assert_eq!(found(src, "really\u{2026}"), ["really..."]);
        assert_eq!(found(src, "good -- and"), ["good -- and"]);
        assert_eq!(found(src, "and --- more"), ["and --- more"]);
        assert_eq!(found(src, "and \u{2014} more"), ["and --- more"]);
        // In code, as written.
        assert_eq!(found(src, "a...b --c"), ["a...b --c"]);
    }

    #[test]
    fn smart_punctuation_from_the_source_is_found_by_its_plain_form() {
        // The parser turns these into typographic quotes and dashes: the
        // matches cover the source bytes they came from.
        let src = "It's \"quoted\" -- here.\n";
        let doc = parse(src);
        let hits = find_all(&doc, "it's");
        assert_eq!(hits.len(), 1);
        assert_eq!(&src[hits[0].clone()], "It's");
        let hits = find_all(&doc, "\"quoted\"");
        assert_eq!(hits.len(), 1);
        assert!(src[hits[0].clone()].starts_with("\"quoted"));
    }

    #[test]
    fn nothing_found_and_an_empty_query() {
        let src = "Some text here.\n";
        assert!(found(src, "absent").is_empty());
        assert!(found(src, "").is_empty());
        assert!(found(src, "   ").is_empty());
        assert!(found("", "word").is_empty());
    }

    #[test]
    fn matches_do_not_overlap_and_are_in_order() {
        let src = "aaaa aa\n";
        assert_eq!(found(src, "aa"), ["aa", "aa", "aa"]);
        let hits = find_all(&parse(src), "aa");
        assert!(hits.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn characters_of_patterns_are_only_themselves() {
        let src = "Costs $5.00 (or so) in a [case], axb a.b a\\b a*b.\n";
        assert_eq!(found(src, "a.b"), ["a.b"]);
        assert_eq!(found(src, "(or so)"), ["(or so)"]);
        assert_eq!(found(src, "$5.00"), ["$5.00"]);
        assert_eq!(found(src, "[case]"), ["[case]"]);
        assert_eq!(found(src, "a\\b"), ["a\\b"]);
        assert_eq!(found(src, "a*b"), ["a*b"]);
        assert!(found(src, ".*").is_empty());
        assert!(found(src, "^").is_empty());
    }

    #[test]
    fn folding_that_changes_lengths_keeps_the_map() {
        // U+212A KELVIN SIGN (3 bytes) lowercases to a plain k (1 byte).
        let src = "\u{212A}elvin and kelvin, then \u{0130}stanbul.\n";
        assert_eq!(found(src, "kelvin"), ["\u{212A}elvin", "kelvin"]);
        assert_eq!(found(src, "then"), ["then"]);
        assert_eq!(found(src, "stanbul"), ["stanbul"]);
    }

    /// The matches of `query` in the text of the whole article gathered
    /// at once: what the search in stretches must give.
    fn found_in_one_text(doc: &Document, query: &str) -> Vec<Range<usize>> {
        if query.trim().is_empty() {
            return Vec::new();
        }
        let plain = PlainText::of(doc, 0..doc.blocks.len());
        let Ok(re) = regex::Regex::new(&pattern(query)) else {
            return Vec::new();
        };
        re.find_iter(&plain.text)
            .map(|m| plain.source_range(m.range()))
            .collect()
    }

    #[test]
    fn stretches_find_what_one_text_finds() {
        let src = "# Title\n\nFirst words, *aaaa* aaa\n\n> a\n> aa\n\n- \u{212A}elvin\n- a-a\n\n```\naa  a\n```\n\nlast **aa**a\n";
        let doc = parse(src);
        for query in [
            "a",
            "aa",
            "aaa",
            "a a",
            "title first",
            "words, a",
            "kelvin",
            "a-a",
            "aa a",
            "a ",
        ] {
            let whole = found_in_one_text(&doc, query);
            assert!(!whole.is_empty(), "{query}");
            for stretch in [1, 2, 3, 5, 8, 13, 1000] {
                assert_eq!(
                    find_in_stretches(&doc, query, stretch),
                    whole,
                    "{query} {stretch}"
                );
            }
        }
    }

    #[test]
    fn text_holds_a_query_as_the_article_would() {
        assert!(text_holds("Steep it  longer", "steep it"));
        assert!(text_holds("don’t stop", "don't"));
        assert!(!text_holds("steep", "Steep"));
        assert!(!text_holds("anything", " "));
    }

    proptest::proptest! {
        #[test]
        fn stretches_find_what_one_text_finds_anywhere(
            src in "([ab\u{e9}\u{212A} \n*>#-]|\n\n|`){0,80}",
            query in "[ab\u{e9}k ]{1,4}",
            stretch in 1usize..40,
        ) {
            let doc = parse(&src);
            proptest::prop_assert_eq!(
                find_in_stretches(&doc, &query, stretch),
                found_in_one_text(&doc, &query)
            );
        }
    }

    #[test]
    fn around_keeps_the_matches_near_the_place_and_counts_all() {
        let para = "a word, then filler text. ".repeat(40);
        let src = format!("{para}\n\n").repeat(30);
        let doc = parse(&src);
        let all = find_all(&doc, "word");
        assert_eq!(all.len(), 1200);
        let near = 3000;
        for at in [
            0,
            1,
            2999,
            3001,
            src.len() / 3,
            src.len() / 2,
            src.len() - 5,
            src.len(),
        ] {
            let found = find_around_within(&doc, "word", at, near, 0);
            assert_eq!(found.total, 1200);
            // The kept ones are a run of all of them: those starting
            // within `near` of the place, and one more on either side.
            let end = found.before + found.matches.len();
            assert_eq!(found.matches, all[found.before..end], "at {at}");
            let inside = |m: &Range<usize>| m.start + near >= at && m.start < at + near;
            let first_in = all.iter().position(inside).unwrap();
            let last_in = all.iter().rposition(inside).unwrap();
            assert_eq!(found.before, first_in.saturating_sub(1), "at {at}");
            assert_eq!(end, (last_in + 2).min(all.len()), "at {at}");
            assert!(found.covers(at));
            assert!(found.matches.len() <= 250, "{}", found.matches.len());
        }
        // Far from any match, the nearest on either side.
        let src = format!("word\n\n{}\n\nword word\n", "filler ".repeat(2000));
        let doc = parse(&src);
        let found = find_around_within(&doc, "word", src.len() / 2, 100, 0);
        assert_eq!((found.before, found.matches.len(), found.total), (0, 2, 3));
        assert!(found.covers(src.len() / 2));
        let found = find_around_within(&doc, "word", src.len(), 100, 0);
        assert_eq!((found.before, found.matches.len(), found.total), (0, 3, 3));
        let found = find_around_within(&doc, "word", 0, 100, 0);
        assert_eq!((found.before, found.matches.len()), (0, 2));
        assert!(found.covers(0) && found.covers(10) && !found.covers(src.len() - 2));
        assert_eq!(find_around(&doc, "absent", 0), Found::default());
        // A few matches are all kept, wherever the place.
        let found = find_around_within(&doc, "word", 0, 100, 3);
        assert_eq!((found.before, found.matches.len(), found.total), (0, 3, 3));
        assert!(found.covers(src.len()));
    }

    #[test]
    fn a_ten_megabyte_article_is_searched() {
        let src = crate::testgen::article(crate::testgen::SEED, crate::testgen::SIZE_10M);
        let doc = parse(&src);
        let hits = find_all(&doc, "the");
        assert!(hits.len() > 10_000, "{} matches", hits.len());
        assert!(hits.windows(2).all(|w| w[0].start < w[1].start));
        for r in hits.iter().step_by(997) {
            assert!(
                src[r.clone()].eq_ignore_ascii_case("the"),
                "{:?}",
                &src[r.clone()]
            );
        }
    }
}

#[cfg(test)]
mod again {
    use proptest::prelude::*;

    use super::*;
    use crate::parse::parse;

    /// Paragraphs, headings, lists and quotes of a few words from a small
    /// vocabulary, so that matches are many, run across blocks, overlap
    /// (`aa` in `aaaa`) and sit right at block starts.
    fn article() -> impl Strategy<Value = String> {
        let word = prop_oneof![
            Just("a"),
            Just("aa"),
            Just("the"),
            Just("then"),
            Just("word"),
            Just("*a*"),
            Just("**the**"),
            Just("a-a"),
            Just("&amp;"),
        ];
        let block = (
            prop_oneof![Just(""), Just("# "), Just("- "), Just("> "), Just("1. ")],
            prop::collection::vec(word, 1..8),
        )
            .prop_map(|(lead, words)| format!("{lead}{}\n\n", words.join(" ")));
        prop::collection::vec(block, 0..60).prop_map(|b| b.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn found_again_is_found_around(
            src in article(),
            query in prop_oneof![
                Just("a"), Just("aa"), Just("the"), Just("a a"), Just("then a"),
                Just("a "), Just("word the"), Just("-a"),
            ],
            near in 1usize..200,
            every in 1usize..300,
            place in 0.0f64..1.0,
            first in 0.0f64..1.0,
        ) {
            let doc = parse(&src);
            let at = |f: f64| (f * src.len() as f64) as usize;
            let earlier = find_around_every(&doc, query, at(first), near, 0, every);
            let want = find_around_every(&doc, query, at(place), near, 0, every);
            let got = find_again_within(&doc, query, at(place), near, &earlier);
            prop_assert_eq!(&got.matches, &want.matches);
            prop_assert_eq!(got.before, want.before);
            prop_assert_eq!(got.total, want.total);
            prop_assert_eq!(&got.resumes, &earlier.resumes);
        }
    }

    #[test]
    fn a_far_move_scans_only_near_the_place() {
        let src = "the word and the other. ".repeat(20) + "\n\n";
        let src = src.repeat(2000);
        let doc = parse(&src);
        let earlier = find_around_within(&doc, "the", 0, 1000, 0);
        assert!(earlier.resumes.len() > 10, "{}", earlier.resumes.len());
        let at = src.len() * 3 / 4;
        let again = find_again_within(&doc, "the", at, 1000, &earlier);
        assert_eq!(again, find_around_within(&doc, "the", at, 1000, 0));
        assert!(again.covers(at));
    }
}
