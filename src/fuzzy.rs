//! Fuzzy matching for the filters (the outline's headings, the library's
//! titles, authors and file names), one matcher for both so they rank
//! alike: nucleo's, the one helix uses, which scores a contiguous match
//! above a scattered one and a match at a word's start above one inside
//! it, as fzf does. Case is ignored, as the filters always did.

use nucleo_matcher::pattern::{AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

/// A query made ready to match many texts: the matcher's scratch memory is
/// allocated once.
pub struct Fuzzy {
    pattern: Pattern,
    matcher: Matcher,
    chars: Vec<char>,
    indices: Vec<u32>,
}

impl Fuzzy {
    /// The query's words are matched each on its own, in any order, and
    /// all must match. No character is special.
    pub fn new(query: &str) -> Fuzzy {
        Fuzzy {
            pattern: Pattern::new(
                query,
                CaseMatching::Ignore,
                Normalization::Smart,
                AtomKind::Fuzzy,
            ),
            matcher: Matcher::new(Config::DEFAULT),
            chars: Vec::new(),
            indices: Vec::new(),
        }
    }

    /// Whether the query has nothing to match: every text matches it.
    pub fn is_empty(&self) -> bool {
        self.pattern.atoms.is_empty()
    }

    /// How well `text` matches, higher is better; `None` when it does not.
    pub fn score(&mut self, text: &str) -> Option<u32> {
        let haystack = haystack(text, &mut self.chars);
        self.pattern.score(haystack, &mut self.matcher)
    }

    /// The score and the char indices of `text` that matched, in order.
    pub fn indices(&mut self, text: &str) -> Option<(u32, Vec<usize>)> {
        self.indices.clear();
        let haystack = haystack(text, &mut self.chars);
        let score = self
            .pattern
            .indices(haystack, &mut self.matcher, &mut self.indices)?;
        self.indices.sort_unstable();
        self.indices.dedup();
        let hits = self
            .indices
            .iter()
            .filter_map(|&i| usize::try_from(i).ok())
            .collect();
        Some((score, hits))
    }
}

/// The text as the matcher reads it, one entry per char, so that indices
/// are char indices (nucleo's own conversion keeps one char per grapheme
/// cluster, which would shift them after a combining mark).
fn haystack<'a>(text: &'a str, chars: &'a mut Vec<char>) -> Utf32Str<'a> {
    if text.is_ascii() {
        Utf32Str::Ascii(text.as_bytes())
    } else {
        chars.clear();
        chars.extend(text.chars());
        Utf32Str::Unicode(chars)
    }
}

/// Match `query` against `text` once: the score and the char indices that
/// matched. For many texts, make one `Fuzzy` and reuse it.
pub fn fuzzy_match(query: &str, text: &str) -> Option<(i64, Vec<usize>)> {
    let mut fuzzy = Fuzzy::new(query);
    if fuzzy.is_empty() {
        return None;
    }
    fuzzy
        .indices(text)
        .map(|(score, hits)| (i64::from(score), hits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contiguous_beats_scattered() {
        let mut f = Fuzzy::new("opp");
        let whole = f.score("Birth of the Opposition").unwrap();
        let scattered = f.score("o p p").unwrap();
        assert!(whole > scattered, "{whole} {scattered}");
        assert!(f.score("Birth").is_none());
    }

    #[test]
    fn indices_are_char_indices() {
        let (_, hits) = fuzzy_match("bop", "Birth of the Opposition").unwrap();
        assert_eq!(hits.len(), 3);
        assert_eq!(hits[0], 0);
        // After a combining mark and a wide char, still char indices.
        let text = "e\u{301}té 日本 slow";
        let (_, hits) = fuzzy_match("slow", text).unwrap();
        let start = text.chars().position(|c| c == 's').unwrap();
        assert_eq!(hits, [start, start + 1, start + 2, start + 3]);
    }

    #[test]
    fn words_match_in_any_order_and_case_is_ignored() {
        assert!(fuzzy_match("web slow", "The Slow Web").is_some());
        assert!(fuzzy_match("SLOW", "the slow web").is_some());
        assert!(fuzzy_match("", "anything").is_none());
    }
}
