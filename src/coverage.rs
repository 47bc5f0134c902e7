//! What of an article was actually read: a set of source byte ranges, kept
//! sorted and merged into as few intervals as possible, and the words they
//! hold. Two copies merge by union, in any order and any number of times,
//! so a second process or a sync tool can never lose what was read. No
//! terminal and no files here: the reader says which ranges were on
//! screen, this module counts them.

use std::ops::Range;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::document::Document;
use crate::position::Position;

/// The share of words, in percent, that makes a section or an article
/// read.
pub const READ_PERCENT: usize = 90;

/// Source byte ranges read, sorted, disjoint and not touching: `[0, 5)` and
/// `[5, 9)` are kept as `[0, 9)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    ranges: Vec<Range<usize>>,
}

impl Coverage {
    /// Coverage of the given ranges, in any order, overlapping or not.
    pub fn from_ranges(ranges: impl IntoIterator<Item = Range<usize>>) -> Coverage {
        let mut ranges: Vec<Range<usize>> =
            ranges.into_iter().filter(|r| r.start < r.end).collect();
        ranges.sort_by_key(|r| r.start);
        let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
        for r in ranges {
            match out.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        Coverage { ranges: out }
    }

    /// Coverage of one range.
    pub fn of(range: Range<usize>) -> Coverage {
        Coverage::from_ranges(std::iter::once(range))
    }

    /// The intervals as `[start, end]` pairs, as they are saved.
    pub fn pairs(&self) -> Vec<[usize; 2]> {
        self.ranges.iter().map(|r| [r.start, r.end]).collect()
    }

    /// The intervals, in order.
    pub fn ranges(&self) -> &[Range<usize>] {
        &self.ranges
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Count `range` as read. True when that added anything.
    pub fn add(&mut self, range: Range<usize>) -> bool {
        if range.start >= range.end || self.covers(range.clone()) {
            return false;
        }
        // The intervals that touch it are merged into one.
        let first = self.ranges.partition_point(|r| r.end < range.start);
        let last = self.ranges.partition_point(|r| r.start <= range.end);
        let mut merged = range;
        if first < last {
            merged.start = merged.start.min(self.ranges[first].start);
            merged.end = merged.end.max(self.ranges[last - 1].end);
        }
        self.ranges.splice(first..last, std::iter::once(merged));
        true
    }

    /// Everything read in either.
    #[must_use]
    pub fn union(&self, other: &Coverage) -> Coverage {
        Coverage::from_ranges(self.ranges.iter().chain(&other.ranges).cloned())
    }

    /// Whether every byte of `range` was read.
    pub fn covers(&self, range: Range<usize>) -> bool {
        if range.start >= range.end {
            return true;
        }
        let i = self.ranges.partition_point(|r| r.end <= range.start);
        self.ranges
            .get(i)
            .is_some_and(|r| r.start <= range.start && range.end <= r.end)
    }

    /// Whether byte `at` was read.
    pub fn contains(&self, at: usize) -> bool {
        self.covers(at..at + 1)
    }

    /// Bytes read.
    pub fn bytes(&self) -> usize {
        self.ranges.iter().map(|r| r.end - r.start).sum()
    }

    /// Forget what lies past `len`: an article that got shorter.
    pub fn clamp(&mut self, len: usize) {
        self.ranges.retain(|r| r.start < len);
        if let Some(last) = self.ranges.last_mut() {
            last.end = last.end.min(len);
        }
    }

    /// Words read within `within`.
    pub fn words_in(&self, doc: &Document, within: Range<usize>) -> usize {
        let first = self.ranges.partition_point(|r| r.end <= within.start);
        self.ranges[first..]
            .iter()
            .take_while(|r| r.start < within.end)
            .map(|r| {
                let (a, b) = (r.start.max(within.start), r.end.min(within.end));
                doc.words_before(Position(b))
                    .saturating_sub(doc.words_before(Position(a)))
            })
            .sum()
    }

    /// Words read in the whole article.
    pub fn words(&self, doc: &Document) -> usize {
        self.words_in(doc, 0..doc.source_len)
    }

    /// Percent of the article's words read, rounded down; 100 only when
    /// every word was.
    pub fn percent(&self, doc: &Document) -> u8 {
        percent_of(self.words(doc), doc.words)
    }

    /// Whether enough of `within`, which holds `words` words, was read to
    /// call it read: `READ_PERCENT` of its words. A part without words is
    /// read once all of it was on screen.
    pub fn is_read(&self, doc: &Document, within: Range<usize>, words: usize) -> bool {
        if words == 0 {
            return self.covers(within);
        }
        self.words_in(doc, within) * 100 >= words * READ_PERCENT
    }
}

/// `part` of `whole` in percent, rounded down.
pub fn percent_of(part: usize, whole: usize) -> u8 {
    if whole == 0 {
        return 0;
    }
    u8::try_from((part.min(whole) * 100 / whole).min(100)).unwrap_or(100)
}

/// Saved as a list of `[start, end]` pairs; a record edited by hand or by
/// another tool may hold them in any order, and they are merged on load.
impl Serialize for Coverage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.pairs().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Coverage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Coverage, D::Error> {
        let pairs = Vec::<[usize; 2]>::deserialize(d)?;
        Ok(Coverage::from_ranges(pairs.into_iter().map(|[a, b]| a..b)))
    }
}

/// Source bytes between the points of a range read whose text is quoted
/// (`note_ends`), at least: text put in or taken out between two points
/// costs what was read between them, no more. A long article has its
/// points further apart, `POINTS` at most along it (a record stays small).
const PIECE: usize = 256;
const POINTS: usize = 512;

/// The ranges of `coverage`, read in a text `old_len` bytes long (when it
/// is known) whose points `ends` quotes (see `note_ends`), found again in
/// `doc`, an edit of that text, and in `source`, its text. Each piece of
/// a range between two quoted points is kept where the quotes are found,
/// when the text between them kept about its length; an end of the old
/// text is the end of the new one. A piece not found, or edited inside,
/// is dropped: what was read is never put on text that was not.
pub fn rebase(
    coverage: &Coverage,
    ends: &std::collections::BTreeMap<usize, String>,
    old_len: Option<usize>,
    doc: &Document,
    source: &str,
) -> Coverage {
    let len = source.len();
    let find = |byte: usize| -> Option<usize> {
        let quote = ends.get(&byte)?;
        if quote.trim().is_empty() {
            // Nothing shown after it: the end of the text.
            return (old_len.is_none_or(|old| byte >= old)).then_some(len);
        }
        // The quote whole, else its start: text put in right after the
        // point's own words changes the quote's end, not where it is.
        [usize::MAX, 40, 24].into_iter().find_map(|chars| {
            let anchor = crate::position::Anchor {
                byte,
                len: old_len.unwrap_or(len),
                // Never the text's own: the quote is looked for.
                fingerprint: !doc.fingerprint,
                section: None,
                section_title: None,
                quote: quote.chars().take(chars).collect(),
            };
            let (pos, how) = anchor.restore(doc, source);
            (how == crate::position::Restored::Quote).then_some(pos.0)
        })
    };
    let mut pieces = Vec::new();
    for r in coverage.ranges() {
        let points: Vec<(usize, Option<usize>)> = ends
            .range(r.start..=r.end)
            .map(|(&old, _)| (old, find(old)))
            .collect();
        for pair in points.windows(2) {
            let [(old_from, Some(from)), (old_to, Some(to))] = *pair else {
                continue;
            };
            let (was, is) = (old_to - old_from, to.saturating_sub(from));
            // A word or two changed inside is the same text read.
            if from < to && is.abs_diff(was) <= 8 {
                pieces.push(from..to);
            }
        }
    }
    Coverage::from_ranges(pieces)
}

/// Quote the points of `coverage`'s ranges in `doc` into `ends`: each
/// range's ends, and block starts inside it `PIECE` bytes or more apart.
/// Those already in `ends` are kept (they were taken in the same text).
pub fn note_ends(
    coverage: &Coverage,
    ends: &mut std::collections::BTreeMap<usize, String>,
    doc: &Document,
) {
    let piece = PIECE.max(doc.source_len / POINTS);
    let mut wanted = std::collections::BTreeSet::new();
    for r in coverage.ranges() {
        wanted.insert(r.start);
        let mut last = r.start;
        let first = doc.blocks.partition_point(|b| b.source().start <= r.start);
        for b in &doc.blocks[first..] {
            let at = b.source().start;
            if at >= r.end {
                break;
            }
            if at - last >= piece && r.end - at >= piece / 4 {
                wanted.insert(at);
                last = at;
            }
        }
        wanted.insert(r.end);
    }
    ends.retain(|end, _| wanted.contains(end));
    for end in wanted {
        ends.entry(end)
            .or_insert_with(|| crate::position::quote_at(doc, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use proptest::prelude::*;

    /// An article of numbered sections of distinct paragraphs.
    fn sections(n: usize) -> String {
        let mut s = String::from("# Essay\n\n");
        for i in 0..n {
            s.push_str(&format!("## Part {i}\n\n"));
            for j in 0..6 {
                s.push_str(&format!(
                    "Paragraph {j} of part {i} goes on about the part and its matter.\n\n"
                ));
            }
        }
        s
    }

    /// Whether `a` and `b` are the same ranges, give or take a heading's
    /// marks (a quote starts at the first character shown).
    fn about(a: &Coverage, b: &Coverage) -> bool {
        a.ranges().len() == b.ranges().len()
            && a.ranges()
                .iter()
                .zip(b.ranges())
                .all(|(x, y)| x.start.abs_diff(y.start) <= 3 && x.end.abs_diff(y.end) <= 3)
    }

    /// `coverage` of `src` found again in `edited`.
    fn rebased(coverage: &Coverage, src: &str, edited: &str) -> Coverage {
        let mut ends = std::collections::BTreeMap::new();
        note_ends(coverage, &mut ends, &parse(src));
        rebase(coverage, &ends, Some(src.len()), &parse(edited), edited)
    }

    #[test]
    fn what_was_read_follows_its_text_through_an_edit() {
        let src = sections(30);
        let part = |i: usize| {
            let from = src.find(&format!("## Part {i}\n")).unwrap();
            let to = src
                .find(&format!("## Part {}\n", i + 1))
                .unwrap_or(src.len());
            from..to
        };
        let read = Coverage::from_ranges([part(3), part(4), part(20)]);
        // Unchanged: the same.
        assert!(about(&rebased(&read, &src, &src), &read));
        // A section put in at the top: the parts read are found where they
        // went, and nothing new is read.
        let at = src.find("## Part 0").unwrap();
        let new = "## New\n\nA new section, never read, put in at the top.\n\n";
        let edited = format!("{}{new}{}", &src[..at], &src[at..]);
        let moved = rebased(&read, &src, &edited);
        let shift = |r: Range<usize>| r.start + new.len()..r.end + new.len();
        let want = Coverage::from_ranges([shift(part(3)), shift(part(4)), shift(part(20))]);
        assert!(about(&moved, &want), "{moved:?} {want:?}");
        // Text put in inside what was read: around it is kept, it is not.
        let inside = src.find("Paragraph 3 of part 4").unwrap();
        let marker = "Words put in later that were never read.\n\n";
        let edited = format!("{}{marker}{}", &src[..inside], &src[inside..]);
        let moved = rebased(&read, &src, &edited);
        let put = inside..inside + marker.len();
        assert!(
            moved
                .ranges()
                .iter()
                .all(|r| r.end <= put.start || r.start >= put.end)
        );
        let doc = parse(&edited);
        assert!(moved.covers(part(3).start + 3..part(3).end), "{moved:?}");
        assert!(
            moved.words(&doc) * 10 >= read.words(&parse(&src)) * 6,
            "{moved:?}"
        );
        // A part read taken out: nothing of it, nothing elsewhere.
        let gone = part(20);
        let edited = format!("{}{}", &src[..gone.start], &src[gone.end..]);
        let moved = rebased(&read, &src, &edited);
        let want = Coverage::from_ranges([part(3), part(4)]);
        assert!(about(&moved, &want), "{moved:?} {want:?}");
    }

    fn cov(pairs: &[(usize, usize)]) -> Coverage {
        Coverage::from_ranges(pairs.iter().map(|&(a, b)| a..b))
    }

    #[test]
    fn ranges_are_merged_when_they_overlap_or_touch() {
        let c = cov(&[(10, 20), (0, 5), (5, 8), (15, 30), (40, 40)]);
        assert_eq!(c.pairs(), [[0, 8], [10, 30]]);
        assert_eq!(c.bytes(), 28);
        let mut d = c.clone();
        assert!(d.add(8..10));
        assert_eq!(d.pairs(), [[0, 30]]);
        assert!(!d.add(3..12), "nothing new");
        assert!(d.add(31..33));
        assert_eq!(d.pairs(), [[0, 30], [31, 33]]);
        assert!(d.contains(0) && d.contains(29) && !d.contains(30) && d.contains(32));
    }

    #[test]
    fn clamping_drops_what_is_past_the_end() {
        let mut c = cov(&[(0, 5), (8, 20), (30, 40)]);
        c.clamp(10);
        assert_eq!(c.pairs(), [[0, 5], [8, 10]]);
    }

    #[test]
    fn words_and_sections_read() {
        let text = "# One\n\nalpha beta gamma delta\n\n# Two\n\nepsilon zeta eta theta\n";
        let doc = parse(text);
        let two = text.find("# Two").unwrap();
        let c = cov(&[(0, two)]);
        assert_eq!(c.words(&doc), doc.words_before(Position(two)));
        assert!(c.is_read(&doc, 0..two, c.words(&doc)));
        assert!(!c.is_read(&doc, two..text.len(), 5));
        assert_eq!(c.percent(&doc), 50);
        assert_eq!(cov(&[(0, text.len())]).percent(&doc), 100);
    }

    #[test]
    fn saved_as_pairs_and_merged_on_load() {
        let c = cov(&[(0, 5), (9, 12)]);
        assert_eq!(serde_json::to_string(&c).unwrap(), "[[0,5],[9,12]]");
        let back: Coverage = serde_json::from_str("[[9,12],[0,5],[4,7],[3,3]]").unwrap();
        assert_eq!(back.pairs(), [[0, 7], [9, 12]]);
        assert!(serde_json::from_str::<Coverage>("[[1]]").is_err());
    }

    fn ranges(len: usize) -> impl Strategy<Value = Vec<Range<usize>>> {
        prop::collection::vec((0..len, 0..64usize).prop_map(|(a, n)| a..a + n), 0..12)
    }

    fn bytes_of(c: &Coverage) -> Vec<usize> {
        c.ranges().iter().flat_map(Clone::clone).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Text put in anywhere is never counted as read, and what was
        /// read away from it stays read.
        #[test]
        fn text_put_in_is_never_read(
            parts in proptest::collection::vec(0usize..12, 1..5),
            at in 0usize..80,
        ) {
            let src = sections(12);
            let part = |i: usize| {
                let from = src.find(&format!("## Part {i}\n")).unwrap();
                let to = src.find(&format!("## Part {}\n", i + 1)).unwrap_or(src.len());
                from..to
            };
            let read = Coverage::from_ranges(parts.iter().map(|&i| part(i)));
            let starts: Vec<usize> = src.match_indices("\n\n").map(|(i, _)| i + 2).collect();
            let inside = starts[at % starts.len()];
            let marker = "Words put in later that were never read.\n\n";
            let edited = format!("{}{marker}{}", &src[..inside], &src[inside..]);
            let moved = rebased(&read, &src, &edited);
            let put = inside..inside + marker.len();
            prop_assert!(moved.ranges().iter().all(|r| r.end <= put.start || r.start >= put.end));
            // A part read that the new text is not near (in the piece
            // between two quoted points it fell in) is read whole still.
            for &i in &parts {
                let p = part(i);
                if inside + 2 * PIECE < p.start || inside > p.end + 2 * PIECE {
                    let shift = if inside <= p.start { marker.len() } else { 0 };
                    prop_assert!(moved.covers(p.start + shift + 3..p.end + shift), "{moved:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn union_is_commutative_and_idempotent(a in ranges(500), b in ranges(500)) {
            let (a, b) = (Coverage::from_ranges(a), Coverage::from_ranges(b));
            prop_assert_eq!(a.union(&b), b.union(&a));
            prop_assert_eq!(a.union(&a), a.clone());
            prop_assert_eq!(a.union(&b).union(&b), a.union(&b));
        }

        #[test]
        fn union_is_associative(a in ranges(500), b in ranges(500), c in ranges(500)) {
            let (a, b, c) = (
                Coverage::from_ranges(a),
                Coverage::from_ranges(b),
                Coverage::from_ranges(c),
            );
            prop_assert_eq!(a.union(&b).union(&c), a.union(&b.union(&c)));
        }

        #[test]
        fn union_never_loses_a_read_byte(a in ranges(300), b in ranges(300)) {
            let (ca, cb) = (Coverage::from_ranges(a.clone()), Coverage::from_ranges(b.clone()));
            let u = ca.union(&cb);
            for r in a.iter().chain(&b) {
                for at in r.clone() {
                    prop_assert!(u.contains(at), "{} lost from {:?}", at, u);
                }
            }
            // Nor gains one: every byte of the union was read in one of them.
            for at in bytes_of(&u) {
                prop_assert!(ca.contains(at) || cb.contains(at));
            }
            // Adding one by one gives the same as building at once.
            let mut added = Coverage::default();
            for r in a.iter().chain(&b) {
                added.add(r.clone());
            }
            prop_assert_eq!(added, u.clone());
            // The intervals are sorted, apart and not empty.
            for w in u.ranges().windows(2) {
                prop_assert!(w[0].end < w[1].start);
            }
            prop_assert!(u.ranges().iter().all(|r| r.start < r.end));
        }

        #[test]
        fn never_grows_past_the_article(a in ranges(400), b in ranges(400), len in 0..400usize) {
            let mut ca = Coverage::from_ranges(a);
            let mut cb = Coverage::from_ranges(b);
            ca.clamp(len);
            cb.clamp(len);
            let u = ca.union(&cb);
            prop_assert!(u.ranges().last().is_none_or(|r| r.end <= len));
            prop_assert!(u.bytes() <= len);
        }

        #[test]
        fn json_round_trips(a in ranges(10_000)) {
            let c = Coverage::from_ranges(a);
            let json = serde_json::to_string(&c).unwrap();
            let back: Coverage = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, c);
        }
    }
}
