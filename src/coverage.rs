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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use proptest::prelude::*;

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
