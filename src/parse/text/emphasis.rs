//! Emphasis as plain text writes it: `_italic_`, the convention of Project
//! Gutenberg books and RFCs, and `*stressed*`, that of mail, reStructuredText
//! and many `.txt` notes. Both are shown in italics, without their marks.
//!
//! A mark opens where a word starts (after a space, the line's start, a
//! dash or an opening bracket or quote, before a letter or digit) and
//! closes where a word ends (after a letter, digit or closing punctuation,
//! before a space, the line's end or punctuation), within one paragraph:
//! so `snake_case`, `__init__`, `2 * 3 * 4`, a footnote's `word*` and a
//! URL's `/_path_/` stay as written, and a mark that never closes is shown
//! as itself.

use std::ops::Range;

/// The marks' offsets, in pairs (opening, closing), in order. `lines` are
/// the source ranges of a paragraph's lines, in order; a line break counts
/// as a space.
pub(super) fn pairs(src: &str, lines: &[Range<usize>]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    // The open mark, its character and offset.
    let mut open: Option<(char, usize)> = None;
    for line in lines {
        let text = &src[line.clone()];
        let mut before = ' ';
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let after = chars.peek().map_or(' ', |&(_, c)| c);
            if c == '_' || c == '*' {
                let at = line.start + i;
                match open {
                    Some((mark, from)) if mark == c && closes(before, after) => {
                        if src[from + 1..at].chars().any(char::is_alphanumeric) {
                            found.push((from, at));
                        }
                        open = None;
                    }
                    None if opens(before, after) => open = Some((c, at)),
                    _ => {}
                }
            }
            before = c;
        }
    }
    found
}

fn opens(before: char, after: char) -> bool {
    (before.is_whitespace() || "([{\"'“‘«-—–".contains(before))
        && (after.is_alphanumeric() || "([“‘«\"".contains(after))
}

fn closes(before: char, after: char) -> bool {
    (before.is_alphanumeric() || ".,;:!?)]}\"'”’»".contains(before))
        && (after.is_whitespace() || ".,;:!?)]}\"'”’»—–-".contains(after))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text between each pair, for one line.
    fn spans(text: &str) -> Vec<&str> {
        pairs(text, std::slice::from_ref(&(0..text.len())))
            .into_iter()
            .map(|(a, b)| &text[a + 1..b])
            .collect()
    }

    #[test]
    fn a_mark_opens_before_a_quote_or_a_bracket() {
        // Dracula's newspaper headings and Gutenberg's editorial brackets.
        assert_eq!(
            spans("A _“The Pall Mall Gazette,” 18 September._ B"),
            ["“The Pall Mall Gazette,” 18 September."]
        );
        assert_eq!(
            spans("E _“quoted”_ F and _[bracket]_ G and _(paren)_ H."),
            ["“quoted”", "[bracket]", "(paren)"]
        );
        // Not between words, nor with nothing after it.
        assert!(spans("a_(b)_c and x = _\"y").is_empty());
    }

    #[test]
    fn underscores_and_asterisks_around_words_are_emphasis() {
        assert_eq!(spans("a line of thickness _nil_, has"), ["nil"]);
        assert_eq!(spans("(_Mem._, get recipe for Mina.)"), ["Mem."]);
        assert_eq!(
            spans("_3 May. Bistritz._--Left Munich"),
            ["3 May. Bistritz."]
        );
        assert_eq!(
            spans("  _This section is non-normative._"),
            ["This section is non-normative."]
        );
        assert_eq!(
            spans("you *may* use it; see *The TeXBook*,"),
            ["may", "The TeXBook"]
        );
        assert_eq!(spans("“_Quite_ so,” he said"), ["Quite"]);
        assert_eq!(
            spans("JONATHAN HARKER’S JOURNAL--_continued_"),
            ["continued"]
        );
        assert_eq!(spans("a word—_this_ one"), ["this"]);
    }

    #[test]
    fn marks_inside_words_code_and_arithmetic_stay() {
        for text in [
            "call snake_case_name here",
            "def __init__(self):",
            "2 * 3 * 4 = 24",
            "the price* is high and *",
            "see https://example.com/_path_/x",
            "a _ b _ c",
            "___",
            "_no close here",
            "mixed _marks* here",
            "_ _",
        ] {
            assert_eq!(spans(text), Vec::<&str>::new(), "{text}");
        }
    }

    #[test]
    fn emphasis_may_run_across_the_lines_of_a_paragraph() {
        let src = "There is no _difference between\nTime and_ space.";
        let lines = [0..31, 32..src.len()];
        assert_eq!(pairs(src, &lines), [(12, 40)]);
    }

    proptest! {
        /// Pairs are in order, never overlap, each a pair of the same mark
        /// around some letter, within the lines.
        #[test]
        fn pairs_are_well_formed(words in proptest::collection::vec("[a-z_*(). ]{0,6}", 0..12)) {
            let src = words.join(" ");
            let found = pairs(&src, std::slice::from_ref(&(0..src.len())));
            let mut last = None;
            for &(a, b) in &found {
                prop_assert!(a < b);
                prop_assert!(last.is_none_or(|l| l < a));
                prop_assert_eq!(src.as_bytes()[a], src.as_bytes()[b]);
                prop_assert!(src[a + 1..b].chars().any(char::is_alphanumeric));
                last = Some(b);
            }
        }
    }
}
