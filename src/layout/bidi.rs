//! Right-to-left text in the layout: the Unicode bidirectional algorithm
//! (UAX #9, with `unicode-bidi`) applied to each line once a paragraph is
//! cut into lines in the order it is read. Lines are cut first and
//! reordered after, so a line holds the same words whichever way it runs,
//! and each cluster keeps the source byte it shows: search, bookmarks and
//! links find it wherever it is drawn. The layout right-aligns the lines
//! of a paragraph whose first strong letter is right-to-left.

use unicode_bidi::{BidiClass, Level, ParagraphBidiInfo, bidi_class};
use unicode_segmentation::UnicodeSegmentation;

use super::Atom;

/// Whether `text` has a right-to-left letter (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and the like, or a right-to-left mark): only then is it
/// worth the bidirectional algorithm. Every paragraph is asked, so the
/// bytes are scanned for the first byte such a letter has in UTF-8, and
/// only those chars are decoded: curly quotes and dashes (`E2`) are the
/// common false leads.
pub(super) fn has_rtl(text: &str) -> bool {
    text.bytes().enumerate().any(|(i, b)| {
        matches!(b, 0xD6..=0xE0 | 0xE2 | 0xEF | 0xF0)
            && text
                .get(i..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(is_rtl_letter)
    })
}

/// A right-to-left letter or mark: its code point is in a right-to-left
/// block, and its bidirectional class says so.
fn is_rtl_letter(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0x200F | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF
        | 0x1_0800..=0x1_0FFF | 0x1_E800..=0x1_EFFF)
        && matches!(bidi_class(c), BidiClass::R | BidiClass::AL)
}

/// The grapheme clusters of one line of text (a title in a list, the
/// status bar) in the order they are seen, left to right: each one's byte
/// range in `text`, and its text as drawn (a bracket in a right-to-left
/// run shows its mirror image). Such a line runs left to right, as the
/// list or bar it is in; right-to-left runs inside it are turned. Text
/// without right-to-left letters comes back in order. The marks that
/// `isolate` puts around a field are left out.
pub fn visual_clusters(text: &str) -> Vec<(std::ops::Range<usize>, &str)> {
    let mark = |g: &str| matches!(g, "\u{2068}" | "\u{2069}");
    let clusters = text
        .grapheme_indices(true)
        .map(|(i, g)| (i..i + g.len(), g));
    if !has_rtl(text) {
        return clusters.filter(|(_, g)| !mark(g)).collect();
    }
    let clusters: Vec<(std::ops::Range<usize>, &str)> = clusters.collect();
    let bidi = ParagraphBidiInfo::new(text, Some(Level::ltr()));
    let levels = bidi.reordered_levels(0..text.len());
    let of_clusters: Vec<Level> = clusters.iter().map(|(r, _)| levels[r.start]).collect();
    ParagraphBidiInfo::reorder_visual(&of_clusters)
        .into_iter()
        .filter(|&i| !mark(clusters[i].1))
        .map(|i| {
            let (range, g) = clusters[i].clone();
            let rtl = of_clusters[i].is_rtl();
            (range, rtl.then(|| mirrored_text(g)).flatten().unwrap_or(g))
        })
        .collect()
}

/// One line of text as it is seen (see `visual_clusters`).
pub fn visual_text(text: &str) -> String {
    if !has_rtl(text) {
        return text.replace([FSI, PDI], "");
    }
    visual_clusters(text).into_iter().map(|(_, g)| g).collect()
}

/// First strong isolate and pop directional isolate (UAX #9): they keep
/// a field's direction to itself. Text from a document never holds them
/// (they get stand-ins when it is parsed).
const FSI: char = '\u{2068}';
const PDI: char = '\u{2069}';

/// `text` as one field of a line made of several (a title and its author,
/// a section and a snippet): turned as a whole, on its own, whatever
/// stands beside it, once the line goes through `visual_text`. Without
/// right-to-left letters it comes back as it was. The marks take no
/// column.
pub fn isolate(text: &str) -> String {
    if has_rtl(text) {
        format!("{FSI}{text}{PDI}")
    } else {
        text.to_string()
    }
}

/// A line's atoms in the order they are seen, by the Unicode bidirectional
/// algorithm (`bidi` has the levels of the block's text; rules L1 and L2
/// are applied to the line): `None` when the line has no right-to-left
/// run and is seen as it is read. A right-to-left run is reversed cluster
/// by cluster, and a bracket in it is shown as its mirror image (rule L4);
/// runs of left-to-right text inside it (numbers, Latin words) keep their
/// order. A word of ASCII characters is taken apart first, since its
/// characters may be of different levels (`(3.5)`).
pub(super) fn visual_order<'a>(
    line: &[Atom<'a>],
    bidi: &ParagraphBidiInfo<'_>,
    full: &'a str,
) -> Option<Vec<Atom<'a>>> {
    let start = line.first()?.at;
    // Atoms that replace their text (a tab, an ellipsis, a justified
    // line's space) stand at their first char in `full`.
    let end = line
        .iter()
        .map(|a| {
            let len = if a.shared {
                a.text.len()
            } else {
                full[a.at..].chars().next().map_or(0, char::len_utf8)
            };
            a.at + len
        })
        .max()?;
    if !unicode_bidi::level::has_rtl(&bidi.levels[start..end]) {
        return None;
    }
    let (levels, runs) = bidi.visual_runs(start..end);
    let mut logical: Vec<Atom<'a>> = Vec::with_capacity(line.len() * 2);
    for a in line {
        if !a.word {
            logical.push(a.clone());
            continue;
        }
        for k in 0..a.text.len() {
            let source = if a.exact { a.source + k } else { a.source };
            logical.push(Atom {
                at: a.at + k,
                text: &a.text[k..=k],
                width: 1,
                source,
                end: if a.exact { source + 1 } else { a.end },
                can_break: a.can_break && k == 0,
                word: false,
                ..a.clone()
            });
        }
    }
    // Atoms are in `full`'s order (an added space shares its gap's offset).
    let mut seen = Vec::with_capacity(logical.len());
    for run in runs {
        let from = logical.partition_point(|a| a.at < run.start);
        let to = logical.partition_point(|a| a.at < run.end);
        if levels[run.start].is_rtl() {
            seen.extend(logical[from..to].iter().rev().map(mirrored));
        } else {
            seen.extend_from_slice(&logical[from..to]);
        }
    }
    Some(seen)
}

/// An atom of right-to-left text as it is drawn: a bracket or a quote
/// that has a mirror image shows that (it then stands for its one byte,
/// like a smart quote).
fn mirrored<'a>(a: &Atom<'a>) -> Atom<'a> {
    match mirrored_text(a.text) {
        Some(twin) => Atom {
            text: twin,
            exact: false,
            shared: false,
            ..a.clone()
        },
        None => a.clone(),
    }
}

/// The mirror image of a bracket or quote (Unicode's Bidi_Mirroring_Glyph,
/// for those prose uses).
pub(super) fn mirrored_text(text: &str) -> Option<&'static str> {
    Some(match text {
        "(" => ")",
        ")" => "(",
        "[" => "]",
        "]" => "[",
        "{" => "}",
        "}" => "{",
        "<" => ">",
        ">" => "<",
        "«" => "»",
        "»" => "«",
        "‹" => "›",
        "›" => "‹",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_segmentation::UnicodeSegmentation;

    use super::super::{LayoutOptions, Line, layout_all, layout_all_with};
    use super::mirrored_text;
    use crate::parse::parse;
    use crate::width::display_width;

    fn lines(src: &str, width: usize) -> Vec<Line> {
        layout_all(&parse(src), width)
    }

    fn rows(src: &str, width: usize) -> Vec<String> {
        lines(src, width)
            .iter()
            .map(|l| l.text().trim_end().to_string())
            .collect()
    }

    /// The source bytes of the clusters a line draws, other than spaces,
    /// in the order they are drawn.
    fn drawn(line: &Line) -> Vec<usize> {
        let mut out = Vec::new();
        for seg in &line.segs {
            let Some(at) = seg.source else { continue };
            if !seg.exact {
                if !seg.text.trim().is_empty() {
                    out.push(at);
                }
                continue;
            }
            for (i, g) in seg.text.grapheme_indices(true) {
                if !g.trim().is_empty() {
                    out.push(at + i);
                }
            }
        }
        out
    }

    /// The source bytes of the clusters other than spaces in `range`.
    fn clusters_in(src: &str, range: std::ops::Range<usize>) -> Vec<usize> {
        src[range.clone()]
            .grapheme_indices(true)
            .filter(|(_, g)| !g.trim().is_empty())
            .map(|(i, _)| range.start + i)
            .collect()
    }

    #[test]
    fn an_arabic_paragraph_reads_right_to_left_from_the_right_edge() {
        // مرحبا (5) + space + بالعالم (7) = 13 columns, 7 of margin.
        assert_eq!(
            rows("مرحبا بالعالم", 20),
            [format!("{}ملاعلاب ابحرم", " ".repeat(7))]
        );
    }

    #[test]
    fn numbers_and_latin_words_keep_their_order() {
        let out = rows("قرأت في عام 2024 رواية Moby Dick مرتين.", 60);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].trim_start(),
            ".نيترم Moby Dick ةياور 2024 ماع يف تأرق"
        );
        let out = rows("בשנת 1948 הספר Harry Potter", 60);
        assert_eq!(out[0].trim_start(), "Harry Potter רפסה 1948 תנשב");
    }

    #[test]
    fn brackets_in_right_to_left_text_are_mirrored() {
        let out = rows("שלום (עולם) «ציטוט»", 40);
        assert_eq!(out[0].trim_start(), "«טוטיצ» (םלוע) םולש");
        // Each stands for its own byte, and reads back as written.
        let src = "שלום (עולם) «ציטוט»";
        let line = &lines(src, 40)[0];
        let close = line.segs.iter().find(|s| s.text == ")").unwrap();
        assert_eq!(close.source, src.find('('));
        assert!(!close.exact);
        assert_eq!(line.reading_text(src).trim(), src);
    }

    #[test]
    fn lines_are_cut_in_reading_order_then_reversed() {
        let src = "أول ثاني ثالث رابع خامس سادس سابع ثامن تاسع عاشر";
        let ls = lines(src, 16);
        assert!(ls.len() > 2);
        // The first line holds the first words, the first of them at the
        // right edge; every line ends at the edge.
        let first = ls[0].text();
        assert!(first.ends_with("لوأ"), "{first:?}");
        assert_eq!(
            ls[0].reading_text(src).trim().split(' ').next(),
            Some("أول")
        );
        for l in &ls {
            assert_eq!(l.width(), 16, "{:?}", l.text());
        }
        let back: Vec<String> = ls
            .iter()
            .map(|l| l.reading_text(src).trim().to_string())
            .collect();
        assert_eq!(back.join(" "), src);
    }

    #[test]
    fn every_cluster_shows_its_own_source_byte() {
        let src = "# عنوان المقال\n\nكتب (الجاحظ) 3 كتب عن Wikipedia، وعن **البيان** و*التبيين*.\n\n- עברית 1948 ו-Unicode\n";
        for width in [12, 20, 40, 80] {
            for line in lines(src, width) {
                for seg in &line.segs {
                    let Some(at) = seg.source else { continue };
                    if seg.exact {
                        assert_eq!(&src[at..at + seg.text.len()], seg.text, "{line:?}");
                    } else if let Some(own) = src[at..].chars().next() {
                        let own = own.to_string();
                        let shown = mirrored_text(&own).unwrap_or(&own);
                        assert!(seg.text == shown || seg.text.trim().is_empty(), "{seg:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn justified_right_to_left_lines_fill_the_measure_but_the_last() {
        let src =
            "اللغة العربية هي لغة رسمية في 22 دولة، ويتحدث بها أكثر من 400 مليون إنسان حول العالم.";
        let ls = layout_all_with(&parse(src), 30, LayoutOptions::JUSTIFIED);
        let (last, rest) = ls.split_last().unwrap();
        assert!(!rest.is_empty());
        for l in rest {
            assert_eq!(l.width(), 30, "{:?}", l.text());
            assert!(!l.text().starts_with(' '), "{:?}", l.text());
        }
        // The last line is not stretched: it ends at the right edge.
        assert!(last.text().starts_with(' '), "{:?}", last.text());
        assert_eq!(last.width(), 30);
    }

    #[test]
    fn right_to_left_table_cells_stand_at_the_right_of_their_column_as_seen() {
        let src = "| שם | Name | עיר |\n|---|---|:-:|\n| דוד כהן | David Cohen | חיפה |\n| שרה | Sarah | תל אביב |\n";
        let out = rows(src, 60);
        // Header and cells: right-to-left text at the right edge, in the
        // order it is seen; Latin cells at the left; a centred column, its
        // header too, stays centred.
        assert_eq!(
            out,
            [
                "┌─────────┬─────────────┬─────────┐",
                "│      םש │ Name        │   ריע   │",
                "├─────────┼─────────────┼─────────┤",
                "│ ןהכ דוד │ David Cohen │  הפיח   │",
                "│     הרש │ Sarah       │ ביבא לת │",
                "└─────────┴─────────────┴─────────┘",
            ]
        );
        // Too narrow for the columns: a record a row, its right-to-left
        // lines at the right edge.
        let narrow = lines(src, 16);
        let text: Vec<String> = narrow.iter().map(Line::text).collect();
        assert!(text.iter().any(|l| l.contains("ןהכ דוד")), "{text:#?}");
        for l in narrow.iter().filter(|l| super::has_rtl(&l.text())) {
            assert_eq!(l.width(), 16, "{:?}", l.text());
            assert!(!l.text().ends_with(' '), "{:?}", l.text());
        }
    }

    #[test]
    fn a_left_to_right_paragraph_keeps_its_side_and_reverses_only_its_rtl_words() {
        let out = rows("A Hebrew word שלום in English.", 40);
        assert_eq!(out, ["A Hebrew word םולש in English."]);
    }

    #[test]
    fn a_line_of_a_list_turns_only_its_right_to_left_runs() {
        use super::{visual_clusters, visual_text};
        assert_eq!(visual_text("Chapter 3"), "Chapter 3");
        assert_eq!(visual_text("שלום עולם"), "םלוע םולש");
        // In a left-to-right line, the runs stay where they are.
        assert_eq!(
            visual_text("1. שלום (עולם) › Notes"),
            "1. (םלוע) םולש › Notes"
        );
        // A number after Arabic letters goes with them (rule W2).
        assert_eq!(visual_text("القراءة 2024"), "2024 ةءارقلا");
        // A mark stays on its letter.
        assert_eq!(visual_text("يُقرأ"), "أرقيُ");
        let text = "אב cd";
        let order: Vec<&str> = visual_clusters(text).into_iter().map(|(_, g)| g).collect();
        assert_eq!(order, ["ב", "א", " ", "c", "d"]);
    }

    #[test]
    fn isolated_fields_are_turned_each_on_its_own() {
        use super::{isolate, visual_text};
        use crate::width::display_width;
        // Without isolates, two Hebrew fields and the dash between them
        // are one run, and the second field is drawn left of the first.
        assert_eq!(visual_text("אב — גד"), "דג — בא");
        let line = format!("{} — {}", isolate("אב"), isolate("גד"));
        assert_eq!(visual_text(&line), "בא — דג");
        assert_eq!(display_width(&line), display_width("אב — גד"));
        assert_eq!(isolate("plain"), "plain");
        // A right-to-left title cut short ends where it is read to: its
        // ellipsis is at the left once the cut title is isolated.
        let cut = crate::width::fit("שלום עולם ומלואו", 10);
        assert_eq!(visual_text(&cut), "םלוע םולש…");
        assert_eq!(visual_text(&isolate(&cut)), "…םלוע םולש");
        // A field cut short keeps no mark.
        let cut: String = line.chars().take(1).collect();
        assert_eq!(visual_text(&cut), "");
    }

    #[test]
    fn right_to_left_letters_are_told_from_other_text() {
        for rtl in [
            "שלום",
            "x مرحبا",
            "“quoted” ܐ",
            "mark \u{200f}",
            "ﷲ",
            "\u{10900}",
        ] {
            assert!(super::has_rtl(rtl), "{rtl:?}");
        }
        for ltr in [
            "plain",
            "“curly” — dash",
            "日本語",
            "Ελληνικά",
            "ÀÖ",
            "\u{0600}",
            "😀",
        ] {
            assert!(!super::has_rtl(ltr), "{ltr:?}");
        }
    }

    #[test]
    fn text_without_rtl_letters_is_left_as_it_was() {
        for src in [
            "Plain English (with brackets).",
            "日本語の文章と English",
            "Ελληνικά",
        ] {
            let ls = lines(src, 80);
            assert_eq!(ls[0].text(), src);
            assert_eq!(ls[0].reading_text(src), src);
        }
    }

    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("كتاب".to_string()),
            Just("السلام".to_string()),
            Just("لا".to_string()),
            Just("يُقرأ".to_string()),
            Just("עברית".to_string()),
            Just("שָׁלוֹם".to_string()),
            Just("Latin".to_string()),
            Just("word,".to_string()),
            Just("2024".to_string()),
            Just("3.5".to_string()),
            Just("(قوسين)".to_string()),
            Just("«ציטוט»".to_string()),
            Just("،".to_string()),
            Just("verylongunbrokenlatinword".to_string()),
            Just("كلمةطويلةجداجداجدابلافواصل".to_string()),
        ]
    }

    fn paragraph() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("مقال"), Just("מאמר"), Just("Article")],
            prop::collection::vec(token(), 1..40),
        )
            .prop_map(|(first, rest)| format!("{first} {}", rest.join(" ")))
    }

    proptest! {
        #[test]
        fn reordering_keeps_each_cluster_once_and_within_the_measure(
            src in paragraph(),
            width in 3usize..50,
            justify in any::<bool>(),
        ) {
            let options = LayoutOptions { justify, ..LayoutOptions::default() };
            let ls = layout_all_with(&parse(&src), width, options);
            let mut all = Vec::new();
            for line in &ls {
                prop_assert!(line.width() <= width, "{:?} at {}", line.text(), width);
                prop_assert_eq!(line.width(), display_width(&line.text()));
                let mut shown = drawn(line);
                shown.sort_unstable();
                let want = clusters_in(&src, line.start..line.end);
                prop_assert_eq!(&shown, &want, "{:?}", line.text());
                all.extend(shown);
            }
            prop_assert_eq!(all, clusters_in(&src, 0..src.len()));
        }
    }
}
