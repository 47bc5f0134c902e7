//! How many terminal columns text takes: the one measurement that the
//! reader's layout, the library, `list`, `toc` and the overlays share.
//!
//! A terminal gives each grapheme cluster its own cells, so text is as wide
//! as the sum of its clusters' widths. `unicode-width`'s width of a whole
//! string is not that: it counts some pairs of clusters as one ligature
//! (Arabic lām-alif `لا`, Hebrew alef-lamed, some Tifinagh and Old Turkic
//! pairs) that a terminal still draws in two cells, so a title measured
//! with it ends a column early. Everything that lines text up in columns
//! measures it here.

use unicode_segmentation::GraphemeCursor;
use unicode_width::UnicodeWidthStr;

/// The columns `text` takes in a terminal: the sum of the widths of its
/// grapheme clusters, as the reader lays them out.
pub fn display_width(text: &str) -> usize {
    if text.is_ascii() {
        // No ASCII pair is a ligature, and every ASCII char is a cluster
        // of its own (CR LF aside, which is as wide either way).
        return text.width();
    }
    clusters(text).map(|(_, g)| cluster_width(g)).sum()
}

/// The grapheme clusters of `s` with their byte offsets: the same as
/// `grapheme_indices(true)`, faster on ASCII. Between two ASCII characters
/// there is always a cluster boundary except in CR LF (UAX #29, GB3), so an
/// ASCII byte followed by another one (or by the end) is a cluster of its
/// own; only text next to non-ASCII characters goes through the full
/// segmentation. Prose is mostly ASCII, and segmenting every byte was the
/// largest single cost of laying out an article.
pub(crate) fn clusters(s: &str) -> Clusters<'_> {
    Clusters { s, at: 0 }
}

pub(crate) struct Clusters<'a> {
    s: &'a str,
    /// Where the next cluster starts: a caller that took clusters on
    /// its own (a run of ASCII) moves it on.
    pub(crate) at: usize,
}

impl<'a> Iterator for Clusters<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let bytes = self.s.as_bytes();
        let i = self.at;
        let b = *bytes.get(i)?;
        let next = bytes.get(i + 1).copied();
        let alone =
            b.is_ascii() && next.is_none_or(|n| n.is_ascii() && !(b == b'\r' && n == b'\n'));
        let end = if alone {
            i + 1
        } else {
            // The whole text is the chunk, so the cursor never needs more
            // context; should it still fail, one char is a safe cluster.
            GraphemeCursor::new(i, self.s.len(), true)
                .next_boundary(self.s, 0)
                .ok()
                .flatten()
                .unwrap_or_else(|| i + self.s[i..].chars().next().map_or(1, char::len_utf8))
        };
        self.at = end;
        Some((i, &self.s[i..end]))
    }
}

/// The columns one grapheme cluster takes.
pub fn cluster_width(cluster: &str) -> usize {
    cluster.width()
}

/// `text` cut to at most `columns` columns, by whole clusters, ending in
/// `…` when it was cut.
pub fn fit(text: &str, columns: usize) -> String {
    if display_width(text) <= columns {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for (_, g) in clusters(text) {
        let w = cluster_width(g);
        if used + w + 1 > columns {
            break;
        }
        out.push_str(g);
        used += w;
    }
    if columns > 0 {
        out.push('…');
    }
    out
}

/// `fit` for words: cut at the end of a word when one ends in the last
/// third of the room, so a message reads `if it is…` rather than `if it
/// is te…`.
pub fn fit_words(text: &str, columns: usize) -> String {
    let cut = fit(text, columns);
    if cut == text {
        return cut;
    }
    let kept = cut.trim_end_matches('…');
    match kept.rfind(' ') {
        Some(at) if display_width(&kept[..at]) * 3 >= columns * 2 => {
            format!("{}…", kept[..at].trim_end())
        }
        _ => cut,
    }
}

/// `fit_words` for a notice that ends with what to do about it (`Deleted
/// “…” · u undoes`): when the whole does not fit, what comes before its
/// last ` · ` is cut, and that end kept, if it takes no more than half
/// the room.
pub fn fit_notice(text: &str, columns: usize) -> String {
    if display_width(text) <= columns {
        return text.to_string();
    }
    match text.rsplit_once(" · ") {
        Some((head, tail)) if display_width(tail) + 3 <= columns / 2 => {
            let head = fit_words(head, columns - display_width(tail) - 3);
            format!("{head} · {tail}")
        }
        _ => fit_words(text, columns),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_notice_keeps_what_to_do() {
        let text = " Deleted “a particular kind of quiet that…” · u undoes";
        assert_eq!(fit_notice(text, 80), text);
        let cut = fit_notice(text, 38);
        assert!(cut.ends_with(" · u undoes"), "{cut}");
        assert!(display_width(&cut) <= 38, "{cut}");
        // An end too long to keep is cut as any text is.
        let long = " Resumed at 49% · Sync: cannot reach the sync server at example.org";
        assert_eq!(fit_notice(long, 40), fit_words(long, 40));
    }

    #[test]
    fn a_message_is_cut_between_words() {
        let text = "Link: opens notes here, if it is text";
        assert_eq!(fit_words(text, 33), "Link: opens notes here, if it…");
        assert_eq!(fit_words(text, 80), text);
        // A long word near the start is cut inside, as `fit` does.
        assert_eq!(fit_words("Supercalifragilistic word", 10), "Supercali…");
    }
    use unicode_segmentation::UnicodeSegmentation;

    #[test]
    fn lam_alif_takes_the_two_cells_a_terminal_gives_it() {
        // unicode-width reads the pair as one ligature; a terminal draws
        // two cells, and so does the reader's layout.
        assert_eq!("لا".width(), 1);
        assert_eq!(display_width("لا"), 2);
        assert_eq!(display_width("السلام"), 6);
        assert_eq!(display_width("אל"), 2);
    }

    #[test]
    fn wide_and_combined_clusters() {
        assert_eq!(display_width("日本"), 4);
        assert_eq!(display_width("👩‍🔬"), 2);
        assert_eq!(display_width("e\u{301}"), 1);
        assert_eq!(display_width("plain"), 5);
    }

    #[test]
    fn fit_cuts_by_clusters_with_an_ellipsis() {
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("longer text", 6), "longe…");
        assert_eq!(fit("日本語のタイトル", 7), "日本語…");
        assert_eq!(display_width(&fit("كلام لا ينتهي", 6)), 6);
        assert_eq!(fit("anything", 0), "");
    }

    proptest! {
        #[test]
        fn width_is_the_sum_of_its_clusters(s in "\\PC{0,40}") {
            let sum: usize = s.graphemes(true).map(cluster_width).sum();
            prop_assert_eq!(display_width(&s), sum);
        }

        #[test]
        fn fit_never_overflows(s in "\\PC{0,40}", columns in 0usize..20) {
            prop_assert!(display_width(&fit(&s, columns)) <= columns);
        }
    }
}
