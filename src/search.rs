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
    for c in query.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && any {
            out.push(' ');
        }
        space = false;
        any = true;
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

/// The source ranges of every match of `query` in `doc`, in order and not
/// overlapping. Whitespace in the query matches any run of whitespace; an
/// empty or blank query matches nothing.
pub fn find_all(doc: &Document, query: &str) -> Vec<Range<usize>> {
    find_in_stretches(doc, query, STRETCH)
}

/// `find_all`, gathering `stretch` bytes of text before each scan.
fn find_in_stretches(doc: &Document, query: &str, stretch: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    scan(doc, query, stretch, |m| out.push(m));
    out
}

/// Source bytes after the first match that `find_near` keeps matches for:
/// many screens of text.
const NEAR: usize = 256 * 1024;

/// The matches of `query` near where a search typed at `from` shows them,
/// and how many there are in all: as `find_all` gives them, from the first
/// match at or after source byte `from` (or, when there is none, from the
/// first match of all) to `NEAR` bytes past it. A search is made again at
/// each key typed, and the first letters of a long article's words match
/// hundreds of thousands of times: only the screen around the match shown
/// needs them, and only their count is said.
pub fn find_near(doc: &Document, query: &str, from: usize) -> (Vec<Range<usize>>, usize) {
    let (mut head, mut near) = (Vec::new(), Vec::new());
    let mut total = 0;
    scan(doc, query, STRETCH, |m| {
        total += 1;
        if head
            .first()
            .is_none_or(|f: &Range<usize>| m.start <= f.start + NEAR)
        {
            head.push(m.clone());
        }
        if m.start >= from
            && near
                .first()
                .is_none_or(|f: &Range<usize>| m.start <= f.start + NEAR)
        {
            near.push(m);
        }
    });
    (if near.is_empty() { head } else { near }, total)
}

/// Call `found` with the source range of every match of `query` in `doc`,
/// in order (see `find_all`), gathering `stretch` bytes of text at a time.
fn scan(doc: &Document, query: &str, stretch: usize, mut found: impl FnMut(Range<usize>)) {
    // A stretch of at least one character's bytes beyond what is settled:
    // each round then moves on by a character at least.
    let stretch = stretch.max(4);
    if query.trim().is_empty() {
        return;
    }
    // Every character is escaped or a class, so the pattern is valid; one
    // too big for the engine (a pasted page) finds nothing.
    let Ok(re) = regex::RegexBuilder::new(&pattern(query))
        .size_limit(1 << 22)
        .build()
    else {
        return;
    };
    // Each character of the query matches one character of the text, of
    // at most 4 bytes; a match's end is mapped with the character after
    // it. Once this much text follows a place, whether a match starts
    // there is settled.
    let reach = 4 * (query.chars().count() + 2);
    let mut plain = PlainText::default();
    let mut blocks = doc.blocks.iter();
    // Where the scan goes on: no match starts before it.
    let mut from = 0;
    loop {
        let mut done = false;
        while plain.text.len() < from + stretch + reach {
            let Some(block) = blocks.next() else {
                done = true;
                break;
            };
            plain.push_block(&block.kind, &doc.text);
        }
        // Matches that start up to here are sure; later ones wait for
        // more text.
        let settled = if done {
            plain.text.len()
        } else {
            plain.text.len() - reach
        };
        while let Some(m) = re.find_at(&plain.text, from) {
            if m.start() > settled {
                break;
            }
            found(plain.source_range(m.range()));
            from = m.end().max(m.start() + 1);
        }
        if done {
            return;
        }
        // No match starts between `from` and `settled`.
        let mut cut = from.max(settled).min(plain.text.len());
        while !plain.text.is_char_boundary(cut) {
            cut -= 1;
        }
        plain.drain_to(cut);
        from = from.max(cut) - cut;
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
    fn near_keeps_the_matches_from_the_place_and_counts_all() {
        let para = "a word, then filler text. ".repeat(400);
        let src = format!("{para}\n\n{para}\n\n{para}\n");
        let doc = parse(&src);
        let all = find_all(&doc, "word");
        assert_eq!(all.len(), 1200);
        // From a place, the matches at or after it, up to NEAR past the
        // first of them.
        let from = src.len() / 2;
        let (near, total) = find_near(&doc, "word", from);
        assert_eq!(total, 1200);
        let first = all.partition_point(|m| m.start < from);
        assert_eq!(near, all[first..]);
        // Past the last match, from the first of all.
        let (wrapped, total) = find_near(&doc, "word", src.len());
        assert_eq!((wrapped, total), (all.clone(), 1200));
        // A long article keeps a window only.
        let long = format!("{para}\n\n").repeat(100);
        let doc = parse(&long);
        let all = find_all(&doc, "word");
        let (near, total) = find_near(&doc, "word", 0);
        assert_eq!(total, all.len());
        assert!(
            near.len() < all.len() / 2,
            "{} of {}",
            near.len(),
            all.len()
        );
        assert_eq!(near, all[..near.len()]);
        assert!(near.last().unwrap().start <= near[0].start + NEAR);
        assert!(all[near.len()].start > near[0].start + NEAR);
        assert_eq!(find_near(&doc, "absent", 0), (Vec::new(), 0));
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
