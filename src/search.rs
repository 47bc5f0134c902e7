//! Search in the article: every match of a query in the text as the reader
//! sees it, returned as ranges of source bytes.
//!
//! Matching runs on the rendered text, not on the Markdown: the spans of
//! every block with whitespace collapsed to single spaces (the `PlainText`
//! that anchors use too), so a phrase split by emphasis or a soft line break
//! is found, and `**word**` is found by `word`. Case is smart: a query
//! without a capital letter ignores case, one with a capital matches it
//! exactly. Typographic quotes, apostrophes and dashes match their plain
//! ASCII forms, folded on both sides character by character, so `don't`
//! finds `don’t`. An `Index` keeps the folded text of one article so that
//! searching again as the query is typed costs only the scan.

use std::ops::Range;
use std::sync::OnceLock;

use crate::document::Document;
use crate::position::PlainText;

/// The rendered text of one article, ready to be searched many times.
pub struct Index {
    plain: PlainText,
    /// The text with quotes and dashes folded, case kept, and its map back
    /// to `plain.text`: made on the first query with a capital.
    quotes: OnceLock<Folded>,
    /// The same, lowercased too: made on the first query without one.
    lower: OnceLock<Folded>,
}

/// A folded copy of the plain text. Folding may change a character's
/// length in bytes, so `shifts` maps folded offsets back: each entry is a
/// (folded, plain) pair from which the two advance together, in order.
struct Folded {
    text: String,
    shifts: Vec<(usize, usize)>,
}

impl Folded {
    fn new(plain: &str, lower: bool) -> Folded {
        let mut text = String::with_capacity(plain.len());
        let mut shifts = vec![(0, 0)];
        let mut p = 0;
        while p < plain.len() {
            // Runs of ASCII, most of any text, fold in bulk.
            let run = plain.as_bytes()[p..]
                .iter()
                .position(|b| !b.is_ascii())
                .unwrap_or(plain.len() - p);
            if run > 0 {
                let from = text.len();
                text.push_str(&plain[p..p + run]);
                if lower {
                    text[from..].make_ascii_lowercase();
                }
                p += run;
                continue;
            }
            let Some(c) = plain[p..].chars().next() else {
                break;
            };
            let f = fold(c, lower);
            if f.len_utf8() != c.len_utf8() {
                shifts.push((text.len(), p));
                text.push(f);
                shifts.push((text.len(), p + c.len_utf8()));
            } else {
                text.push(f);
            }
            p += c.len_utf8();
        }
        Folded { text, shifts }
    }

    /// The offset in the plain text of folded offset `f`, a char boundary.
    fn plain_at(&self, f: usize) -> usize {
        let i = self
            .shifts
            .partition_point(|&(at, _)| at <= f)
            .saturating_sub(1);
        let (at, p) = self.shifts[i];
        p + (f - at)
    }
}

/// `c` with typographic quotes and dashes made plain and, when `lower`,
/// lowercased (only where lowercase is a single character, so that every
/// character folds to exactly one).
fn fold(c: char, lower: bool) -> char {
    let c = match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
        '\u{201C}' | '\u{201D}' => '"',
        '\u{2013}' | '\u{2014}' => '-',
        c => c,
    };
    if !lower {
        return c;
    }
    let mut l = c.to_lowercase();
    match (l.next(), l.next()) {
        (Some(one), None) => one,
        _ => c,
    }
}

impl Index {
    pub fn new(doc: &Document) -> Index {
        Index {
            plain: PlainText::of(doc, 0..doc.blocks.len()),
            quotes: OnceLock::new(),
            lower: OnceLock::new(),
        }
    }

    /// Make the text ready for lowercase queries, the usual kind, so that
    /// the first search costs no more than the next ones: done on the thread
    /// that parses a long article.
    pub fn prepare(&self) {
        self.lower
            .get_or_init(|| Folded::new(&self.plain.text, true));
    }

    /// The source ranges of every match of `query`, in order and not
    /// overlapping. Whitespace in the query matches any run of whitespace;
    /// an empty or blank query matches nothing.
    pub fn find(&self, query: &str) -> Vec<Range<usize>> {
        if query.trim().is_empty() {
            return Vec::new();
        }
        let lower = !query.chars().any(char::is_uppercase);
        let folded = if lower { &self.lower } else { &self.quotes }
            .get_or_init(|| Folded::new(&self.plain.text, lower));
        let mut needle = String::with_capacity(query.len());
        let mut space = false;
        for c in query.chars() {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if space && !needle.is_empty() {
                needle.push(' ');
            }
            space = false;
            needle.push(fold(c, lower));
        }
        if space {
            needle.push(' ');
        }
        folded
            .text
            .match_indices(&needle)
            .map(|(f, m)| {
                let start = folded.plain_at(f);
                let end = folded.plain_at(f + m.len());
                self.plain.source_range(start..end)
            })
            .collect()
    }
}

/// The source ranges of every match of `query` in `doc`, in order: see
/// `Index::find`.
pub fn find_all(doc: &Document, query: &str) -> Vec<Range<usize>> {
    Index::new(doc).find(query)
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
    fn folding_that_changes_lengths_keeps_the_map() {
        // U+212A KELVIN SIGN (3 bytes) lowercases to a plain k (1 byte).
        let src = "\u{212A}elvin and kelvin, then \u{0130}stanbul.\n";
        assert_eq!(found(src, "kelvin"), ["\u{212A}elvin", "kelvin"]);
        assert_eq!(found(src, "then"), ["then"]);
        assert_eq!(found(src, "stanbul"), ["stanbul"]);
    }

    #[test]
    fn a_ten_megabyte_article_is_searched() {
        let src = crate::testgen::article(crate::testgen::SEED, crate::testgen::SIZE_10M);
        let doc = parse(&src);
        let index = Index::new(&doc);
        let hits = index.find("the");
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
